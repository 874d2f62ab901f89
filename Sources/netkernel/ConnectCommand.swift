import ArgumentParser
import Glibc
import Logging
import NetCore

/// `netkernel connect`: the client side on a real network — the stack on a
/// TAP device connects through WSK, sends bytes of the fixed pattern (or
/// stdin), reads the reply, and checks it when asked to.
struct ConnectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect",
        abstract: "Connect from NetKernel on a TAP device to HOST PORT over TCP (or UDP), send and check the reply."
    )

    @Option(help: "The TAP device to create or attach (at most 15 bytes).")
    var tap: String

    @Option(help: "An IPv4 or IPv6 address with its prefix length, e.g. 192.0.2.2/24 (repeatable).")
    var address: [String] = []

    @Option(help: "A default gateway, IPv4 or IPv6 (repeatable: one per family).")
    var gateway: [String] = []

    @Option(name: .customLong("send-bytes"), help: "Send this many bytes of the fixed pattern (byte i is i mod 256); default: stdin.")
    var sendBytes: Int?

    @Flag(name: .customLong("expect-echo"), help: "Require the reply to equal what was sent.")
    var expectEcho = false

    @Flag(help: "Use UDP: the bytes go as datagrams of at most 1400 bytes, each echo awaited in turn.")
    var udp = false

    @Option(name: .customLong("log-level"), help: "Log to stderr from this level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "warning"

    @Argument(help: "The peer's IPv4 or IPv6 address.")
    var host: String

    @Argument(help: "The peer's port.")
    var port: Int

    func run() throws {
        guard let remote = IPAddress(host) else { throw CommandFailure("\(host): not an IPv4 or IPv6 address") }
        guard (1...65_535).contains(port) else { throw CommandFailure("port \(port): must be 1 to 65535") }
        if let sendBytes, sendBytes < 0 || sendBytes > 1 << 40 {
            throw CommandFailure("--send-bytes \(sendBytes): must be 0 to 2^40")
        }
        // The TAP, addresses and gateway are checked exactly as serve checks them.
        var arguments = ["--tap", tap, "--log-level", logLevel]
        for a in address { arguments += ["--address", a] }
        for g in gateway { arguments += ["--gateway", g] }
        let options = try ServeCommand.parse(arguments).options()
        let payload: [UInt8]
        if let sendBytes {
            payload = (0..<sendBytes).map { UInt8(truncatingIfNeeded: $0) }
        } else {
            payload = Self.readStandardInput()
        }
        let session = ServeSession(options: options)
        let client = ConnectClient(remote: SocketAddress(remote, port: UInt16(port)), payload: payload,
                                   expectEcho: expectEcho, udp: udp, logger: session.logger)
        session.onReady = { session in client.start(session) }
        try session.run()
        if let failure = client.failure { throw CommandFailure(failure) }
        print(client.report)
    }

    static func readStandardInput() -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            guard count > 0 else { return bytes }
            bytes += chunk[0..<count]
        }
    }
}
