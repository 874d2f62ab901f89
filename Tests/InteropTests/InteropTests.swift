import Foundation
import Testing
import TestSupport

// The interop suite: `netkernel serve` on a TAP device inside a network
// namespace the test makes, with the Linux kernel on the other side of the
// TAP as the peer, driven by ping(8), ip(8), curl and Python; and
// `netkernel connect` against a Python server on the kernel's side
// (InteropTests+Connect.swift). The TCP cases are in InteropTests+TCP.swift,
// the comparison of serve's capture with the kernel's in
// InteropTests+Captures.swift.
//
// Order of setup, in each test:
//  1. `ip netns add nk-interop-<pid>-<n>`.
//  2. `ip netns exec NS netkernel serve --tap nk0 --address 192.0.2.2/24
//     --address 2001:db8::2/64 --udp-echo 7 --echo 7 --discard 9 --http 80`:
//     serve creates the TAP inside the namespace and brings its link up
//     itself (IFF_UP, as `ip link set up` would), so its gratuitous ARP and
//     its DAD probes go out on a live link; it prints `ready` only once
//     DAD has finished for every IPv6 address, its link-local one included.
//  3. The test reads serve's stdout (poll() with a deadline, no sleeps)
//     until `ready`; the TAP exists from then on. A test that checks the
//     kernel's capture starts tcpdump on nk0 here, before any address.
//  4. The kernel's side: `ip link set nk0 up` (already up; harmless),
//     192.0.2.1/24, and 2001:db8::1/64 with `nodad` so it is usable at
//     once. The kernel resolves the stack's addresses by ARP and NDP when
//     the first packet goes out, so nothing needs to wait for it.
//  5. The checks; then SIGTERM, exit status 0, the counters on stdout, and
//     nothing at warning level or above among serve's log lines (stderr;
//     serve logs at info by default, and the check keeps it so, so that
//     info logging is exercised too).
//  6. The namespace is deleted by name in a defer, whatever happened.
//
// Every command run in the namespace is bounded by timeout(1), every
// background process is read with a deadline and killed in a defer.
// Needs root, /dev/net/tun, ip, ping, python3, curl, tcpdump (or
// dumpcap) and tshark: skips without them, fails under CI=true. The suite
// is serialized: each test blocks its thread on child processes, and two
// cores are better spent on one at a time.
@Suite(.serialized, .enabled(if: InteropEnvironment.enabled))
struct InteropTests {
    static let serveArguments = ["--tap", "nk0", "--address", "192.0.2.2/24", "--address", "2001:db8::2/64",
                                 "--udp-echo", "7", "--echo", "7", "--discard", "9", "--http", "80"]

    /// Steps 1–6 around `body`, which gets the namespace and the running
    /// serve; returns serve, stopped, with its counters in `lines`. With
    /// `checkCapture`, the kernel's side of the TAP is captured from
    /// before its addresses are configured until after `body` (headers
    /// only, 200 bytes a frame), and tshark must find no RST storm, no
    /// retransmission storm and nothing malformed in it.
    @discardableResult
    func withServe(extraArguments: [String] = [], checkCapture: Bool = false,
                   _ body: (InteropNamespace, NamespaceProcess) throws -> Void) throws -> NamespaceProcess {
        try InteropEnvironment.require()
        let namespace = try InteropNamespace.make()
        defer { namespace.delete() }
        let serve = try NamespaceProcess.serve(namespace: namespace, arguments: Self.serveArguments + extraArguments)
        defer { serve.kill() }
        let ready = serve.waitForLine("ready", timeout: .seconds(30))
        try #require(ready, "serve never printed ready; stdout: \(serve.output)")
        let directory = try ScratchDirectory(prefix: "nk-interop")
        var capture: KernelCapture?
        if checkCapture {
            capture = try KernelCapture(namespace: namespace, interface: "nk0", path: directory.path("kernel.pcap"),
                                        snapLength: 200)
        }
        defer { capture?.process.kill() }
        for arguments in [["link", "set", "nk0", "up"], ["addr", "add", "192.0.2.1/24", "dev", "nk0"],
                          ["addr", "add", "2001:db8::1/64", "dev", "nk0", "nodad"]] {
            let result = try namespace.exec(InteropEnvironment.ip!, arguments)
            try #require(result.status == 0, "ip \(arguments.joined(separator: " ")): \(result)")
        }
        try body(namespace, serve)
        let dropped = try capture?.stop()
        let exit = try #require(serve.terminate(timeout: .seconds(15)), "serve did not exit after SIGTERM")
        #expect(exit.status == 0, "serve exited \(exit.status): \(exit.stderr)")
        let warnings = Self.warnings(in: exit.stderr)
        #expect(warnings.isEmpty, "serve logged at warning level or above: \(warnings.joined(separator: "\n"))")
        #expect(exit.stderr.contains(" info netkernel.serve"), "serve logged nothing at info level: \(exit.stderr)")
        #expect(serve.lines.contains("statistics:"), "serve printed no counters: \(serve.output)")
        #expect(serve.output.contains("ICMPv4:") && serve.output.contains("UDP:"))
        if let capture {
            #expect(dropped == 0, "\(capture.tool) lost frames: \(capture.process.output)")
            let statistics = try CaptureStatistics.read(capture.path, in: directory)
            print("kernel-side capture: \(statistics)")
            #expect(statistics.tcpSegments > 0, "\(statistics)")
            #expect(statistics.resets <= 5, "RST storm: \(statistics)")
            #expect(statistics.retransmissions * 100 < statistics.tcpSegments, "retransmission storm: \(statistics)")
            #expect(statistics.malformed == 0 && statistics.errors == 0, "\(statistics)")
        }
        return serve
    }

    /// serve's stderr lines at warning level or above: swift-log's stream
    /// handler writes "TIMESTAMP LEVEL LABEL: …", so a line whose second
    /// word is not trace, debug, info or notice is a warning, an error, or
    /// not a log line at all (a crash report, say) — all of them counted.
    static func warnings(in stderr: String) -> [Substring] {
        stderr.split(separator: "\n").filter { line in
            let words = line.split(separator: " ", maxSplits: 2)
            return words.count < 2 || !["trace", "debug", "info", "notice"].contains(words[1])
        }
    }

    func ping(_ namespace: InteropNamespace, _ arguments: [String]) throws -> CommandResult {
        try namespace.exec(InteropEnvironment.ping!, arguments)
    }

    @Test func pingsBothFamiliesFragmentedPingsNeighboursAndPortUnreachable() throws {
        try withServe { namespace, serve in
            for (family, address) in [("-4", "192.0.2.2"), ("-6", "2001:db8::2")] {
                let small = try ping(namespace, [family, "-c", "3", "-i", "0.2", "-W", "2", address])
                #expect(small.status == 0 && small.output.contains("3 received"), "ping \(family) \(address): \(small)")
                // 10,000 data bytes: fragmented by the kernel on the way in and by the stack on the way back.
                let large = try ping(namespace, [family, "-c", "3", "-i", "0.2", "-W", "2", "-s", "10000", address])
                #expect(large.status == 0 && large.output.contains("3 received"), "10 KB ping \(family) \(address): \(large)")
                #expect(large.output.contains("10008 bytes from"), "the replies carry every byte: \(large.output)")
            }

            // ARP and NDP: the kernel learnt the stack's MAC for both addresses.
            let mac = try #require(serve.stackMAC, "serve did not say its MAC: \(serve.output)")
            let neighbours = try namespace.ip("neigh", "show", "dev", "nk0")
            for address in ["192.0.2.2", "2001:db8::2"] {
                let entry = neighbours.output.split(separator: "\n").first { $0.hasPrefix(address + " ") }
                #expect(entry?.contains("lladdr \(mac)") == true, "no neighbour entry \(address) → \(mac): \(neighbours.output)")
            }

            // A datagram to a closed port: ICMP / ICMPv6 port unreachable, seen as ECONNREFUSED.
            for (family, address) in [("4", "192.0.2.2"), ("6", "2001:db8::2")] {
                let probe = try namespace.exec(InteropEnvironment.python3!, ["-c", ClosedPortProbe.script, family, address, "9"])
                #expect(probe.output.trimmingCharacters(in: .whitespacesAndNewlines) == "refused",
                        "IPv\(family) closed port: \(probe)")
            }
        }
    }

    @Test func tenThousandUDPDatagramsEchoIntactOverEachFamily() throws {
        try withServe { namespace, serve in
            for (family, address, seed) in [("4", "192.0.2.2", "4"), ("6", "2001:db8::2", "6")] {
                let run = try namespace.exec(InteropEnvironment.python3!,
                                             ["-c", UDPEchoClient.script, family, address, "7", "10000", seed])
                let json = run.output.split(separator: "\n").last.map(String.init) ?? ""
                let result = try #require(
                    (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any],
                    "IPv\(family) client printed no result: \(run)")
                #expect(run.status == 0, "IPv\(family) client: \(run)")
                #expect(result["failed"] is NSNull, "IPv\(family): \(json)")
                #expect(result["echoed"] as? Int == 10_000, "IPv\(family): \(json)")
                #expect(result["corrupted"] as? Int == 0, "IPv\(family): \(json)")
                #expect(result["refused"] as? Int == 0, "IPv\(family): \(json)")
                // Retries are allowed (a datagram may be lost in a queue) but should be rare.
                #expect((result["retries"] as? Int ?? .max) <= 100, "IPv\(family): \(json)")
                print("UDP echo over IPv\(family): \(json)")
            }
            _ = serve
        }
        // The service's own count is in the counters serve printed (checked by withServe).
    }

    @Test func badInputFailsWithOneLineAndLeavesNothingBehind() throws {
        try InteropEnvironment.require()
        let namespace = try InteropNamespace.make()
        defer { namespace.delete() }
        let cases: [(arguments: [String], message: String)] = [
            (["--tap", "nk0", "--address", "192.0.2.2"], "not an IPv4 or IPv6 address with a prefix length"),
            (["--tap", "nk0", "--address", "192.0.2.300/24"], "not an IPv4 or IPv6 address with a prefix length"),
            (["--tap", "nk0", "--address", "2001:db8::2/129"], "not an IPv4 or IPv6 address with a prefix length"),
            (["--tap", "nk0", "--address", "192.0.2.2/24", "--udp-echo", "70000"], "a port must be 1 to 65535"),
            (["--tap", "nk0", "--address", "192.0.2.2/24", "--udp-echo", "0"], "a port must be 1 to 65535"),
            (["--tap", "nk-sixteen-bytes", "--address", "192.0.2.2/24"], "an interface name must be 1 to 15 bytes long"),
            (["--tap", "nk0", "--address", "192.0.2.2/24", "--mac", "02:00:00:00:00"], "not a MAC address"),
            (["--tap", "nk0", "--address", "192.0.2.2/24", "--gateway", "192.0.2.999"], "not an IPv4 or IPv6 address"),
            (["--tap", "nk0", "--address", "192.0.2.2/24", "--echo", "70000"], "--echo 70000: a port must be 1 to 65535"),
            (["--tap", "nk0", "--address", "192.0.2.2/24", "--discard", "70000"], "--discard 70000: a port must be 1 to 65535"),
            (["--tap", "nk0", "--address", "192.0.2.2/24", "--http", "70000"], "--http 70000: a port must be 1 to 65535"),
            (["--tap", "nk0", "--address", "192.0.2.2/24", "--echo", "7", "--http", "7"], "--http 7: port given to two TCP services"),
            (["--tap", "nk0", "--address", "192.0.2.2/24", "--log-level", "loud"], "--log-level loud: one of trace, debug"),
        ]
        for (arguments, message) in cases {
            let result = try namespace.exec(InteropEnvironment.netkernel!, ["serve"] + arguments)
            let lines = result.output.split(separator: "\n")
            #expect(result.status != 0, "\(arguments): \(result)")
            #expect(lines.count == 1 && lines[0].hasPrefix("netkernel: ") && lines[0].contains(message),
                    "\(arguments): \(result.output)")
        }
        // Nothing left behind: the namespace holds only its loopback.
        let links = try namespace.ip("-o", "link", "show")
        #expect(links.output.split(separator: "\n").count == 1 && links.output.contains("lo:"), "links: \(links.output)")
    }
}
