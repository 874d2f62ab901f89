import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A network namespace made by one test (nk-interop-<pid>-<n>), deleted by
/// name at the end whatever happened. Everything runs inside it through
/// `ip netns exec`, so no thread of the test process changes namespace.
struct InteropNamespace: Sendable {
    private static let counter = Atomic<Int>(0)
    let name: String

    static func make() throws -> InteropNamespace {
        let n = counter.add(1, ordering: .relaxed).newValue
        let namespace = InteropNamespace(name: "nk-interop-\(getpid())-\(n)")
        let result = try CommandResult.run(InteropEnvironment.ip!, ["netns", "add", namespace.name])
        try #require(result.status == 0, "ip netns add \(namespace.name): \(result)")
        return namespace
    }

    func delete() {
        _ = try? CommandResult.run(InteropEnvironment.ip!, ["netns", "del", name])
    }

    /// `ip netns exec NAME timeout SECONDS executable arguments…`, waited
    /// for: a command that hangs is killed (SIGTERM, then SIGKILL 5 s
    /// later) and fails the test with exit status 124 or 137.
    @discardableResult
    func exec(_ executable: String, _ arguments: [String], timeout seconds: Int = 300) throws -> CommandResult {
        try CommandResult.run(InteropEnvironment.ip!, ["netns", "exec", name, InteropEnvironment.timeout!, "-k", "5",
                                                       String(seconds), executable] + arguments)
    }

    /// `ip …` inside the namespace (the kernel's side of the TAP).
    @discardableResult
    func ip(_ arguments: String...) throws -> CommandResult {
        try exec(InteropEnvironment.ip!, arguments)
    }
}
