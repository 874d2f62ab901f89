import NetCore

/// What `netkernel serve` was asked to do, validated: everything a
/// session needs, and nothing it could still find wrong before it opens
/// the TAP device.
struct ServeOptions {
    var tap: String
    var addresses: [ServeAddress]
    var gateways: [IPAddress]
    var mtu: Int?
    var mac: MACAddress?
    var udpEcho: UInt16?
    var pcap: String?
    var statsInterval: Double?
    /// How long DAD may take before `serve` gives up.
    var readyTimeout: Duration = .seconds(30)
}
