import Logging
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
    var echo: UInt16?
    var discard: UInt16?
    var http: UInt16?
    var pcap: String?
    var statsInterval: Double?
    var logLevel: Logger.Level = .info
    /// How long DAD may take before `serve` gives up.
    var readyTimeout: Duration = .seconds(30)
}
