import Foundation
import Testing
import TestSupport

// serve's own capture (--pcap, written by NDIS's capture filter) against
// the kernel's capture of the same wire. Each direction of a TAP is a FIFO,
// so between two marker datagrams both captures must hold the same frames
// in the same order, direction by direction; the interleaving of the two
// directions may differ (each side sees its own frames a little earlier).
// One exception, by design: the TAP miniport filters what it reads as NIC
// hardware does (its packet filter and multicast list) before NDIS, and so
// the capture filter, sees a frame. The kernel's multicast to groups a host
// does not join (MLDv2 reports to ff02::16, IGMPv3 reports to 224.0.0.22,
// router solicitations to ff02::2) is in the kernel's capture only; only
// frames the stack must receive are compared from the kernel's side.
extension InteropTests {
    static let beginMarker = "NK-MARK-BEGIN"
    static let endMarker = "NK-MARK-END"

    /// One frame as tshark reads it: whether the stack sent it, where to,
    /// its length, its first four protocol layers (eth:ethertype:ip:tcp
    /// and the like), and the UDP payload in hex, if any.
    struct CapturedFrame: Equatable, CustomStringConvertible {
        var fromStack: Bool
        var destination: String
        var length: Int
        var protocols: String
        var udpPayload: String

        var description: String { "\(length) \(protocols) to \(destination)" }
    }

    func frames(of path: String, stackMAC: String, in directory: ScratchDirectory) throws -> [CapturedFrame] {
        let tshark = try #require(Wireshark.tshark)
        let arguments = ["-n", "-r", path, "-T", "fields", "-E", "separator=/t", "-e", "eth.src", "-e", "eth.dst",
                         "-e", "frame.len",
                         "-e", "frame.protocols", "-e", "udp.payload"]
        let run = try Wireshark.run(tshark, arguments, in: directory)
        try #require(run.status == 0, "tshark \(arguments.joined(separator: " ")): \(run.stderr)")
        return try run.stdout.split(separator: "\n").map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            try #require(fields.count == 5, "tshark line \(line)")
            return CapturedFrame(fromStack: fields[0].lowercased() == stackMAC.lowercased(),
                                 destination: fields[1].lowercased(), length: Int(fields[2]) ?? -1,
                                 protocols: fields[3].split(separator: ":").prefix(4).joined(separator: ":"),
                                 udpPayload: fields[4].replacingOccurrences(of: ":", with: "").lowercased())
        }
    }

    /// Whether a frame from the kernel passes the stack's receive filter:
    /// to the stack's MAC, broadcast, IPv6 all-nodes or a solicited-node
    /// group (33:33:ff:…, which a host joins for each of its addresses),
    /// or IPv4 all-hosts.
    func reachesStack(_ frame: CapturedFrame, stackMAC: String) -> Bool {
        frame.destination == stackMAC.lowercased() || frame.destination == "ff:ff:ff:ff:ff:ff"
            || frame.destination == "33:33:00:00:00:01" || frame.destination.hasPrefix("33:33:ff:")
            || frame.destination == "01:00:5e:00:00:01"
    }

    /// The frames of one direction from the first carrying `begin` to the
    /// first carrying `end`, both included (from the kernel: only those
    /// that reach the stack); nil without both markers.
    func window(_ frames: [CapturedFrame], fromStack: Bool, stackMAC: String) -> [CapturedFrame]? {
        func hex(_ text: String) -> String { text.utf8.map { String(format: "%02x", $0) }.joined() }
        let direction = frames.filter { $0.fromStack == fromStack && (fromStack || reachesStack($0, stackMAC: stackMAC)) }
        guard let first = direction.firstIndex(where: { $0.udpPayload == hex(Self.beginMarker) }),
              let last = direction[first...].firstIndex(where: { $0.udpPayload == hex(Self.endMarker) }) else { return nil }
        return Array(direction[first...last])
    }

    func mark(_ namespace: InteropNamespace, _ text: String) throws {
        let run = try namespace.exec(InteropEnvironment.python3!, ["-c", EchoMarker.script, "192.0.2.2", "7", text])
        try #require(run.output.trimmingCharacters(in: .whitespacesAndNewlines) == "echoed", "marker \(text): \(run)")
    }

    /// Frames per protocol, for messages: "eth:ethertype:ip:tcp × 731, …".
    func census(_ frames: [CapturedFrame]) -> String {
        Dictionary(grouping: frames, by: \.protocols).map { "\($0.key) × \($0.value.count)" }.sorted()
            .joined(separator: ", ")
    }

    @Test func servesCaptureAndTheKernelsAgreeFrameForFrame() throws {
        let directory = try ScratchDirectory(prefix: "nk-interop-pcap")
        let servePath = directory.path("serve.pcapng")
        let kernelPath = directory.path("kernel.pcap")
        let serve = try withServe(extraArguments: ["--pcap", servePath]) { namespace, _ in
            let capture = try KernelCapture(namespace: namespace, interface: "nk0", path: kernelPath)
            defer { capture.process.kill() }
            try mark(namespace, Self.beginMarker)
            for (family, address) in [("-4", "192.0.2.2"), ("-6", "2001:db8::2")] {
                let ping = try namespace.exec(InteropEnvironment.ping!, [family, "-c", "3", "-i", "0.2", "-W", "2", address])
                #expect(ping.status == 0 && ping.output.contains("3 received"), "ping \(address): \(ping)")
            }
            let get = try namespace.exec(InteropEnvironment.curl!,
                                         ["-sS", "--max-time", "30", "-o", "/dev/null", "-w", "%{http_code} %{size_download}",
                                          "http://192.0.2.2/bytes/1048576"])
            #expect(get.output == "200 1048576", "GET /bytes/1048576: \(get)")
            let udp = try namespace.exec(InteropEnvironment.python3!,
                                         ["-c", UDPEchoClient.script, "6", "2001:db8::2", "7", "20", "6"])
            #expect(udp.status == 0 && udp.output.contains("\"echoed\": 20"), "UDP echo: \(udp)")
            try mark(namespace, Self.endMarker)
            #expect(capture.waitUntilWritten(Self.endMarker, count: 2, timeout: .seconds(10)),
                    "the end marker and its echo never reached \(kernelPath)")
            let dropped = try capture.stop()
            #expect(dropped == 0, "\(capture.tool) lost frames: \(capture.process.output)")
        }
        let mac = try #require(serve.stackMAC)
        let stackSide = try frames(of: servePath, stackMAC: mac, in: directory)
        let kernelSide = try frames(of: kernelPath, stackMAC: mac, in: directory)
        for fromStack in [true, false] {
            let direction = fromStack ? "stack → kernel" : "kernel → stack"
            let seenByStack = try #require(window(stackSide, fromStack: fromStack, stackMAC: mac),
                                           "serve's capture lacks the markers")
            let seenByKernel = try #require(window(kernelSide, fromStack: fromStack, stackMAC: mac),
                                            "the kernel's capture lacks the markers")
            #expect(seenByStack.count == seenByKernel.count,
                    "\(direction): serve captured \(census(seenByStack)); the kernel \(census(seenByKernel))")
            #expect(seenByStack == seenByKernel, "\(direction): the frames differ")
            print("\(direction), both captures: \(census(seenByKernel))")
        }
        let filtered = kernelSide.filter { !$0.fromStack && !reachesStack($0, stackMAC: mac) }
        print("kernel multicast that the stack's receive filter drops (whole capture): \(census(filtered))")
        // 1 MiB of HTTP body: at least 1 MiB / 1460 full segments from the stack.
        let segments = window(stackSide, fromStack: true, stackMAC: mac)?.filter { $0.protocols.hasSuffix(":tcp") }.count ?? 0
        #expect(segments > (1 << 20) / 1460, "\(segments) TCP frames from the stack")
        for (name, path) in [("serve's", servePath), ("the kernel's", kernelPath)] {
            let statistics = try CaptureStatistics.read(path, in: directory)
            #expect(statistics.malformed == 0 && statistics.errors == 0, "\(name) capture: \(statistics)")
        }
    }
}
