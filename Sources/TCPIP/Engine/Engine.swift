import CNetKernelSystem
import Glibc
import NDIS
import NetCore
import Synchronization

/// The real-time loop that owns one stack on one thread (DESIGN.md,
/// "Threading and time"): it waits in epoll on its miniports' descriptors,
/// on an eventfd that other threads signal when they submit work, and until
/// the stack's next timer; then it runs the timers that are due, the work
/// submitted, the NDIS deferred calls, and polls every miniport for a batch
/// of frames. Run to completion: everything the stack does happens on this
/// thread, as WSK callbacks run at DISPATCH_LEVEL in Windows.
public final class Engine: @unchecked Sendable {
    // @unchecked: the loop's state is the engine thread's alone; `submit`
    // and `stop` are safe from any thread (a lock-free stack, an atomic
    // flag, an eventfd).

    /// The stack the engine drives.
    public let stack: TCPIPStack
    /// Frames read from one miniport per poll, at most.
    public var budget = 64
    /// What the loop has done.
    public private(set) var statistics = EngineStatistics()

    let clock: SystemClock
    let epollDescriptor: Int32
    let wakeDescriptor: Int32
    let submissions = SubmissionStack()
    let stopping = Atomic<Bool>(false)
    var miniports: [PolledMiniport] = []
    /// epoll_wait's output, made once rather than on every wait.
    var events = [epoll_event](repeating: epoll_event(), count: 16)

    /// An engine for `stack`, which it owns from now on: no other thread
    /// may touch the stack except through `submit`.
    public init(stack: TCPIPStack, clock: SystemClock = SystemClock()) throws(EngineError) {
        self.stack = stack
        self.clock = clock
        let epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epoll >= 0 else { throw EngineError(call: "epoll_create1", errno: Glibc.errno) }
        let wake = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard wake >= 0 else {
            close(epoll)
            throw EngineError(call: "eventfd", errno: Glibc.errno)
        }
        epollDescriptor = epoll
        wakeDescriptor = wake
        do { try watch(wake) } catch {
            close(epoll)
            close(wake)
            throw error
        }
    }

    deinit {
        close(epollDescriptor)
        close(wakeDescriptor)
    }

    /// Adds a miniport whose descriptors the loop waits on and which it polls.
    public func add(_ miniport: PolledMiniport) throws(EngineError) {
        for descriptor in miniport.fileDescriptors { try watch(descriptor) }
        miniports.append(miniport)
    }

    func watch(_ descriptor: Int32) throws(EngineError) {
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.fd = descriptor
        guard epoll_ctl(epollDescriptor, EPOLL_CTL_ADD, descriptor, &event) == 0 else {
            throw EngineError(call: "epoll_ctl", errno: Glibc.errno)
        }
    }

    /// Runs `work` on the engine thread, soon; safe from any thread. This is
    /// how WSK calls made elsewhere reach the stack.
    public func submit(_ work: @escaping @Sendable () -> Void) {
        if submissions.push(work) { signal() }
    }

    /// Asks the loop to return after its current turn; safe from any thread.
    public func stop() {
        stopping.store(true, ordering: .releasing)
        signal()
    }

    /// Whether `stop` has been called.
    public var isStopping: Bool { stopping.load(ordering: .acquiring) }

    func signal() {
        var one: UInt64 = 1
        _ = write(wakeDescriptor, &one, 8)
    }

    /// Runs the loop on the calling thread until `stop`.
    public func run() {
        while !isStopping { turn() }
        // Work submitted before the stop still runs, so no caller waits for ever.
        drainAll()
    }

    /// One turn: the stack's clock and timers, submissions, deferred calls,
    /// a poll of every miniport; then, if nothing was there to do, a wait
    /// until a descriptor is ready, a submission arrives, or the next timer.
    func turn() {
        statistics.iterations &+= 1
        var busy = drainAll()
        for miniport in miniports {
            let frames = miniport.poll(budget: budget)
            statistics.frames &+= UInt64(frames)
            if frames > 0 { busy = true }
        }
        busy = drainAll() || busy
        guard !busy, !isStopping else { return }
        statistics.waits &+= 1
        let ready = epoll_wait(epollDescriptor, &events, Int32(events.count), waitTimeout())
        if ready > 0 {
            var count: UInt64 = 0
            _ = read(wakeDescriptor, &count, 8)
        }
    }

    /// Advances the stack's time and runs submissions and deferred calls
    /// until none is left; returns whether there was anything.
    @discardableResult
    func drainAll() -> Bool {
        var did = false
        while true {
            stack.advance(to: clock.now)
            let ran = submissions.drain()
            statistics.submissions &+= UInt64(ran)
            var deferred = 0
            while stack.ndis.hasDeferredWork { deferred += stack.ndis.runDeferredProcedureCalls() }
            guard ran > 0 || deferred > 0 else { return did }
            did = true
        }
    }

    /// Milliseconds until the stack's next timer (rounded up, so the loop
    /// never wakes just before it), capped at one second; -1 is never used,
    /// so a stop or a clock step is noticed within a second at worst.
    func waitTimeout() -> Int32 {
        if miniports.contains(where: { $0.wantsWritable }) { return 1 }
        guard let deadline = stack.nextDeadline else { return 1_000 }
        let nanoseconds = (deadline - clock.now).nanosecondsClamped
        guard nanoseconds > 0 else { return 0 }
        return Int32(min((nanoseconds + 999_999) / 1_000_000, 1_000))
    }
}
