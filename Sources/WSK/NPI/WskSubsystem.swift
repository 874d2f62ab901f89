import Foundation
import NetCore
import TCPIP

/// The WSK subsystem of one TCP/IP stack: the provider side of the WSK NPI
/// ("At its upper edge, WSK exposes this provider implementation for use by
/// WSK applications. At its lower edge, the WSK subsystem interfaces with
/// transport providers such as the TCP/IP stack.").
///
/// Windows has one subsystem per machine; NetKernel has one per stack, so a
/// simulation's hosts each have their own, and a registration names the
/// subsystem it registers with.
///
/// Socket calls run on the stack's engine thread, as WSK calls run at
/// DISPATCH_LEVEL; registration and capture may come from any thread (they
/// may block), so their state sits behind one condition.
public final class WskSubsystem: @unchecked Sendable {
    // @unchecked: registration state is guarded by `condition`; everything
    // else is touched on the engine thread only.

    /// The stack the sockets run over.
    public let stack: TCPIPStack
    /// The versions this provider implements.
    public let characteristics = WskProviderCharacteristics(highestVersion: .v1_0, lowestVersion: .v1_0)
    /// Names WskGetAddressInfo and WskGetNameInfo resolve besides numeric
    /// addresses, like an etc/hosts file: name → addresses, in order.
    public var hosts: [String: [IPAddress]] = [:]

    let condition = NSCondition()
    var ready: Bool
    /// Counters for the tests and the statistics report.
    public internal(set) var statistics = WskStatistics()

    /// A subsystem over `stack`. When `ready` is false, captures wait (or
    /// fail with STATUS_DEVICE_NOT_READY) until `start()`, as clients of a
    /// boot-start driver wait for WSK to come up.
    public init(stack: TCPIPStack, ready: Bool = true) {
        self.stack = stack
        self.ready = ready
    }

    /// The provider becomes available: waiting captures proceed.
    public func start() {
        condition.lock()
        ready = true
        condition.broadcast()
        condition.unlock()
    }

    /// Runs work that must happen on the engine thread — a cancel routine
    /// that touches a socket — given from any thread. Nil runs it inline,
    /// right for a simulation driven from one thread; a real-time engine
    /// installs its submission queue here.
    public var engineExecutor: (@Sendable (@escaping @Sendable () -> Void) -> Void)?

    func runOnEngine(_ work: @escaping @Sendable () -> Void) {
        if let engineExecutor { engineExecutor(work) } else { work() }
    }

    func socketOpened() {
        statistics.socketsOpen += 1
        statistics.socketsCreated &+= 1
    }

    func socketClosed() {
        statistics.socketsOpen -= 1
    }

    /// Whether the provider is available.
    public var isReady: Bool {
        condition.lock()
        defer { condition.unlock() }
        return ready
    }
}
