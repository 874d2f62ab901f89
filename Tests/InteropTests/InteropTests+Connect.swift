import Foundation
import Testing

// `netkernel connect` as the client, the kernel as the server: the TAP is
// made persistent beforehand (`ip tuntap add`), the kernel's side is
// configured and a Python echo server (TCP and UDP, both families) listens
// on it; each connect run then attaches to the TAP with a stack of its own,
// sends 10 MiB and must get every byte back.
extension InteropTests {
    @Test func connectSendsTenMebibytesToAKernelEchoServerOverTCPAndUDPInEachFamily() throws {
        try InteropEnvironment.require()
        let namespace = try InteropNamespace.make()
        defer { namespace.delete() }
        for arguments in [["tuntap", "add", "nk0", "mode", "tap"], ["link", "set", "nk0", "up"],
                          ["addr", "add", "192.0.2.1/24", "dev", "nk0"],
                          ["addr", "add", "2001:db8::1/64", "dev", "nk0", "nodad"]] {
            let result = try namespace.exec(InteropEnvironment.ip!, arguments)
            try #require(result.status == 0, "ip \(arguments.joined(separator: " ")): \(result)")
        }
        let server = try NamespaceProcess(namespace: namespace, executable: InteropEnvironment.python3!,
                                          arguments: ["-c", KernelEchoServer.script, "7", "192.0.2.1", "2001:db8::1"])
        defer { server.kill() }
        try #require(server.waitForLine("ready", timeout: .seconds(20)), "the echo server did not start: \(server.output)")

        let length = 10 << 20
        for host in ["192.0.2.1", "2001:db8::1"] {
            for udp in [false, true] {
                let arguments = ["connect", "--tap", "nk0", "--address", "192.0.2.2/24", "--address", "2001:db8::2/64",
                                 "--send-bytes", "\(length)", "--expect-echo"] + (udp ? ["--udp"] : []) + [host, "7"]
                let run = try namespace.exec(InteropEnvironment.netkernel!, arguments, timeout: 180)
                let lines = run.output.split(separator: "\n")
                #expect(run.status == 0, "connect \(arguments.joined(separator: " ")): \(run)")
                #expect(lines.count == 1, "connect printed more than its line: \(run.output)")
                let line = lines.first.map(String.init) ?? ""
                #expect(line.hasPrefix(udp ? "UDP " : "TCP ") && line.contains(host)
                        && line.contains("sent \(length) bytes, received \(length) bytes") && line.hasSuffix("; echo matches"),
                        "connect \(udp ? "--udp " : "")\(host): \(line)")
                print("netkernel connect: \(line)")
            }
        }
        // The TAP outlives each connect run: it belongs to the namespace (persistent), not to connect.
        let link = try namespace.ip("link", "show", "nk0")
        #expect(link.status == 0, "\(link)")
        #expect(server.process.isRunning, "the echo server died: \(server.output)")
    }
}
