import ArgumentParser
import Logging
import NDIS
import NetCore

/// `netkernel serve`: NetKernel on a real network. The stack attaches to a
/// TAP device, takes the given addresses, and serves over WSK until SIGINT
/// or SIGTERM; the kernel's side of the TAP is the caller's to configure
/// with ip(8). TCP services (echo, discard, HTTP) come with TCP.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Attach the stack to a TAP device and serve (UDP echo) until SIGINT or SIGTERM.",
        discussion: """
            Prints `ready` on its own line once DAD has finished and every service listens, \
            and the stack's counters when it stops. Needs root (CAP_NET_ADMIN) and /dev/net/tun. \
            The TAP device is created if absent and brought up; give the kernel's side its \
            addresses with `ip addr add … dev NAME`.
            """
    )

    @Option(help: "The TAP device to create or attach (at most 15 bytes).")
    var tap: String

    @Option(help: "An IPv4 or IPv6 address with its prefix length, e.g. 192.0.2.2/24 or 2001:db8::2/64 (repeatable).")
    var address: [String] = []

    @Option(help: "A default gateway, IPv4 or IPv6 (repeatable: one per family).")
    var gateway: [String] = []

    @Option(help: "Set the TAP device's MTU first (1280 to 9000).")
    var mtu: Int?

    @Option(help: "The adapter's MAC address (aa:bb:cc:dd:ee:ff); default: the TAP device's own with the last bit flipped.")
    var mac: String?

    @Option(help: "TCP echo (RFC 862) port, IPv4 and IPv6 on one dual-stack listen socket.")
    var echo: Int?

    @Option(help: "TCP discard (RFC 863) port.")
    var discard: Int?

    @Option(name: .customLong("udp-echo"), help: "UDP echo (RFC 862) port, IPv4 and IPv6 on one dual-stack socket.")
    var udpEcho: Int?

    @Option(help: "HTTP/1.1 port: GET / (status), GET /bytes/N (N pattern bytes), POST /sink (length and SHA-256).")
    var http: Int?

    @Option(help: "Write every frame the adapter sends and receives to this pcapng file.")
    var pcap: String?

    @Option(name: .customLong("stats-interval"), help: "Print the stack's counters every this many seconds.")
    var statsInterval: Double?

    @Option(name: .customLong("log-level"), help: "Log to stderr from this level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    /// Everything checked before anything is opened: a bad option leaves nothing behind.
    func options() throws(CommandFailure) -> ServeOptions {
        var tcpPorts: [UInt16] = []
        for (name, port) in [("--echo", echo), ("--discard", discard), ("--http", http)] {
            guard let port else { continue }
            guard (1...65_535).contains(port) else { throw CommandFailure("\(name) \(port): a port must be 1 to 65535") }
            guard !tcpPorts.contains(UInt16(port)) else { throw CommandFailure("\(name) \(port): port given to two TCP services") }
            tcpPorts.append(UInt16(port))
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw CommandFailure("--log-level \(logLevel): one of trace, debug, info, notice, warning, error, critical")
        }
        let length = tap.utf8.count
        guard length >= 1, length <= 15, !tap.contains("/"), !tap.utf8.contains(0), !tap.contains(" ") else {
            throw CommandFailure(TapError.invalidName(device: tap).description)
        }
        guard !address.isEmpty else { throw CommandFailure("--address: give at least one address, e.g. 192.0.2.2/24") }
        var addresses: [ServeAddress] = []
        for text in address {
            guard let parsed = ServeAddress(cidr: text) else {
                throw CommandFailure("--address \(text): not an IPv4 or IPv6 address with a prefix length (CIDR, e.g. 192.0.2.2/24)")
            }
            if let problem = parsed.problem { throw CommandFailure("--address \(text): \(problem)") }
            guard !addresses.contains(parsed) else { throw CommandFailure("--address \(text): given twice") }
            addresses.append(parsed)
        }
        var gateways: [IPAddress] = []
        for text in gateway {
            guard let parsed = IPAddress(text) else { throw CommandFailure("--gateway \(text): not an IPv4 or IPv6 address") }
            guard !parsed.isUnspecified, !parsed.isMulticast, !parsed.isLoopback else {
                throw CommandFailure("--gateway \(text): not a unicast address")
            }
            guard !gateways.contains(where: { $0.family == parsed.family }) else {
                throw CommandFailure("--gateway \(text): one gateway per address family")
            }
            gateways.append(parsed)
        }
        if let mtu, !(1280...9000).contains(mtu) {
            throw CommandFailure("--mtu \(mtu): must be 1280 to 9000")
        }
        var parsedMAC: MACAddress?
        if let mac {
            guard let parsed = MACAddress(mac) else {
                throw CommandFailure("--mac \(mac): not a MAC address (aa:bb:cc:dd:ee:ff)")
            }
            guard parsed.bytes[0] & 1 == 0, parsed != MACAddress(0, 0, 0, 0, 0, 0) else {
                throw CommandFailure("--mac \(mac): not a unicast MAC address")
            }
            parsedMAC = parsed
        }
        var echoPort: UInt16?
        if let udpEcho {
            guard (1...65_535).contains(udpEcho) else {
                throw CommandFailure("--udp-echo \(udpEcho): a port must be 1 to 65535")
            }
            echoPort = UInt16(udpEcho)
        }
        if let statsInterval, !(statsInterval > 0 && statsInterval <= 86_400) {
            throw CommandFailure("--stats-interval \(statsInterval): must be more than 0 and at most 86400 seconds")
        }
        return ServeOptions(tap: tap, addresses: addresses, gateways: gateways, mtu: mtu, mac: parsedMAC,
                            udpEcho: echoPort, echo: echo.map(UInt16.init), discard: discard.map(UInt16.init),
                            http: http.map(UInt16.init), pcap: pcap, statsInterval: statsInterval,
                            logLevel: Logger.Level(rawValue: logLevel) ?? .info)
    }

    func run() throws {
        let session = ServeSession(options: try options())
        try session.run()
    }
}
