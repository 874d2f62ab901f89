import ArgumentParser

@main
struct NetKernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "netkernel")
}
