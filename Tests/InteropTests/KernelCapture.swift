import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A capture on the kernel's side of the TAP: tcpdump (or, without it,
/// Wireshark's dumpcap) on an interface inside the namespace, writing a
/// pcap file. `init` returns once the tool says it is capturing (its
/// "listening on" / "Capturing on" line, read with a deadline); `stop`
/// sends SIGINT, waits for the exit and reads the tool's own count of
/// frames the kernel dropped before the tool saw them.
final class KernelCapture {
    let process: NamespaceProcess
    let path: String
    let tool: String

    /// INTEROP_CAPTURE=dumpcap takes the fallback even where tcpdump is installed.
    static let tcpdump = ProcessInfo.processInfo.environment["INTEROP_CAPTURE"] == "dumpcap"
        ? nil : InteropEnvironment.find("tcpdump")
    static let dumpcap = InteropEnvironment.find("dumpcap")
    static var available: Bool { tcpdump != nil || dumpcap != nil }

    /// Execs its arguments with no signal blocked and stderr on stdout. The
    /// test runs on a thread that blocks SIGINT, and a child inherits its
    /// mask: tcpdump would never see the SIGINT that stops it. Both tools
    /// say they are listening on stderr, which the test reads as stdout.
    static let launcher = """
        import os, signal, sys
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        os.dup2(1, 2)
        os.execv(sys.argv[1], sys.argv[1:])
        """

    /// Starts capturing on `interface` into `path`, keeping `snapLength`
    /// bytes of each frame. A 64 MiB buffer keeps a 100 MiB transfer from
    /// overrunning the capture.
    init(namespace: InteropNamespace, interface: String, path: String, snapLength: Int = 262_144) throws {
        self.path = path
        let arguments: [String]
        if let tcpdump = Self.tcpdump {
            tool = "tcpdump"
            arguments = [tcpdump, "-n", "-i", interface, "-s", "\(snapLength)", "-B", "65536", "--immediate-mode", "-U",
                         "-Z", "root", "-w", path]
        } else {
            tool = "dumpcap"
            arguments = [try #require(Self.dumpcap), "-i", interface, "-s", "\(snapLength)", "-B", "64", "-P", "-w", path]
        }
        process = try NamespaceProcess(namespace: namespace, executable: InteropEnvironment.python3!,
                                       arguments: ["-c", Self.launcher] + arguments)
        let listening = process.read(timeout: .seconds(20)) { capture in
            capture.lines.contains { $0.contains("listening on") || $0.hasPrefix("Capturing on") }
        }
        if !listening { process.kill() }
        try #require(listening, "\(tool) did not start on \(interface): \(process.output)")
    }

    /// Waits until the file holds `needle` at least `count` times. A frame
    /// the kernel has delivered may still sit in libpcap's ring when the
    /// tool is told to stop, and be lost; tcpdump's immediate mode and
    /// per-packet writes (`-U`), and dumpcap's own per-packet writes, put
    /// it in the file within milliseconds: this waits for that, polling
    /// the file up to the deadline.
    func waitUntilWritten(_ needle: String, count: Int, timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        let pattern = Data(needle.utf8)
        while ContinuousClock.now < deadline {
            if let data = FileManager.default.contents(atPath: path) {
                var found = 0
                var from = data.startIndex
                while let range = data.range(of: pattern, in: from..<data.endIndex) {
                    found += 1
                    from = range.upperBound
                }
                if found >= count { return true }
            }
            var pause = timespec(tv_sec: 0, tv_nsec: 10_000_000)
            nanosleep(&pause, nil)
        }
        return false
    }

    /// SIGINT, the exit, and how many frames the kernel dropped before the
    /// tool read them (nil if the tool did not say).
    func stop() throws -> Int? {
        let exit = try #require(process.terminate(signal: SIGINT, timeout: .seconds(30)),
                                "\(tool) did not stop: \(process.output)")
        #expect(exit.status == 0, "\(tool) exited \(exit.status): \(process.output)")
        for line in process.lines {
            // tcpdump: "N packets dropped by kernel"; dumpcap: "Packets received/dropped on interface 'nk0': R/D (…)".
            if line.hasSuffix("packets dropped by kernel"), let count = Int(line.split(separator: " ")[0]) { return count }
            if line.hasPrefix("Packets received/dropped"),
               let pair = line.split(separator: ": ").last?.split(separator: " ").first,
               let dropped = pair.split(separator: "/").last, let count = Int(dropped) {
                return count
            }
        }
        return nil
    }
}
