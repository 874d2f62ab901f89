import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A long-running process inside a namespace: `netkernel serve`, a
/// capture, a kernel-side echo server. `ip netns exec` execs the command,
/// so the process is the command itself and a signal reaches it directly.
/// Its stdout is a pipe read here with poll() and a deadline — no sleeps:
/// `waitForLine` returns as soon as the line arrives, or fails at the
/// deadline with everything printed so far.
final class NamespaceProcess {
    let process = Process()
    let stdout = Pipe()
    let stderr = Pipe()
    /// Everything read from stdout so far.
    private(set) var output = ""
    private var pending: [UInt8] = []
    private(set) var lines: [String] = []
    private var closed = false

    /// `ip netns exec NAMESPACE executable arguments…`, started.
    init(namespace: InteropNamespace, executable: String, arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: InteropEnvironment.ip!)
        process.arguments = ["netns", "exec", namespace.name, executable] + arguments
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// `netkernel serve arguments…` inside the namespace.
    static func serve(namespace: InteropNamespace, arguments: [String]) throws -> NamespaceProcess {
        try NamespaceProcess(namespace: namespace, executable: InteropEnvironment.netkernel!, arguments: ["serve"] + arguments)
    }

    /// Reads what stdout has within `timeout`; false at the deadline or EOF
    /// without `done` holding.
    func read(timeout: Duration, until done: (NamespaceProcess) -> Bool) -> Bool {
        let deadline = ContinuousClock.now + timeout
        let fd = stdout.fileHandleForReading.fileDescriptor
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !done(self) {
            guard !closed else { return false }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return false }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ms = Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            let ready = poll(&pfd, 1, ms)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                closed = true
                if !pending.isEmpty { lines.append(String(decoding: pending, as: UTF8.self)); pending = [] }
                continue
            }
            output += String(decoding: buffer[0..<count], as: UTF8.self)
            pending += buffer[0..<count]
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                lines.append(String(decoding: pending[..<newline], as: UTF8.self))
                pending.removeSubrange(...newline)
            }
        }
        return true
    }

    /// Waits for a line exactly `line`.
    func waitForLine(_ line: String, timeout: Duration) -> Bool {
        read(timeout: timeout) { $0.lines.contains(line) }
    }

    /// Waits for a line that starts with `prefix`.
    func waitForLine(startingWith prefix: String, timeout: Duration) -> Bool {
        read(timeout: timeout) { $0.lines.contains { $0.hasPrefix(prefix) } }
    }

    /// `signal` (SIGTERM by default), then stdout to its end (within
    /// `timeout`) and the exit status. A process that does not finish in
    /// time is killed and nil returned.
    func terminate(signal: Int32 = SIGTERM, timeout: Duration) -> (status: Int32, stderr: String)? {
        if process.isRunning { Glibc.kill(process.processIdentifier, signal) }
        return waitForExit(timeout: timeout)
    }

    /// Waits for the process to exit by itself (stdout closes) and returns its status and stderr.
    func waitForExit(timeout: Duration) -> (status: Int32, stderr: String)? {
        let finished = read(timeout: timeout) { $0.closed }
        if !finished { Glibc.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return finished ? (process.terminationStatus, errors) : nil
    }

    /// Kills the process if it still runs (for a defer after a failure).
    func kill() {
        if process.isRunning {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// serve's MAC, from its `serving on NAME (MAC, MTU N): …` line.
    var stackMAC: String? {
        guard let line = lines.first(where: { $0.hasPrefix("serving on ") }),
              let open = line.firstIndex(of: "("), let comma = line[open...].firstIndex(of: ",") else { return nil }
        return String(line[line.index(after: open)..<comma])
    }
}
