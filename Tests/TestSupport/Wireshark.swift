import Foundation

/// tshark and capinfos, which check every capture the tests write (Debian:
/// tshark and wireshark-common). Tests skip without them locally and fail
/// without them under CI=true, where .ci/run installs them.
public enum Wireshark {
    /// The path of a tool on PATH or in the usual places, if installed.
    public static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"]
        return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    public static let tshark = find("tshark")
    public static let capinfos = find("capinfos")
    public static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs a tool with its output in files, so a large `-V` dump can never
    /// fill a pipe and deadlock the wait.
    public static func run(_ executable: String, _ arguments: [String], in directory: ScratchDirectory) throws -> Output {
        let stdoutPath = directory.path("stdout-\(UUID().uuidString)")
        let stderrPath = directory.path("stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        let stdout = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        let stderr = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        // capinfos prints local time; pin it so the expected text is fixed.
        process.environment = ProcessInfo.processInfo.environment.merging(["TZ": "UTC"]) { _, new in new }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        process.waitUntilExit()
        try stdout.close()
        try stderr.close()
        return Output(status: process.terminationStatus,
                      stdout: try String(contentsOfFile: stdoutPath, encoding: .utf8),
                      stderr: try String(contentsOfFile: stderrPath, encoding: .utf8))
    }
}
