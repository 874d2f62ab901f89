import Foundation

/// What a finished command printed and how it exited.
struct CommandResult: Sendable, CustomStringConvertible {
    var status: Int32
    var output: String

    var description: String { "exit \(status): \(output)" }

    /// Runs `executable` and waits for it; stdout and stderr together, read
    /// to the end first (so a full pipe never blocks the wait).
    static func run(_ executable: String, _ arguments: [String]) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}
