import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

@main
struct NetKernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "netkernel",
        abstract: "The Windows kernel networking stack (NDIS, TCP/IP, WSK) as a user-space Swift library.",
        subcommands: [DemoCommand.self, BenchCommand.self, ServeCommand.self, ConnectCommand.self],
        defaultSubcommand: DemoCommand.self
    )

    /// Help goes to stdout as usual; any failure is one line on stderr and a non-zero exit.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                return
            }
            let line = message(for: error).split(separator: "\n").first.map(String.init) ?? "failed"
            let text = "netkernel: \(line)\n"
            _ = text.withCString { write(2, $0, strlen($0)) }
            fflush(nil)
            _exit(code.rawValue == 0 ? 1 : code.rawValue)
        }
    }
}

/// A failure the command reports as its one line.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
