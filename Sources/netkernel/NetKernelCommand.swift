import ArgumentParser

@main
struct NetKernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "netkernel",
        abstract: "The Windows kernel networking stack (NDIS, TCP/IP, WSK) as a user-space Swift library.",
        subcommands: [DemoCommand.self, BenchCommand.self],
        defaultSubcommand: DemoCommand.self
    )
}
