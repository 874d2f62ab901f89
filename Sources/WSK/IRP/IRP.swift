import NetCore
import Synchronization

/// IRP: one asynchronous request from a WSK client to the provider, and the
/// way its result comes back.
///
/// The client owns the IRP (IoAllocateIrp), sets a completion routine
/// (IoSetCompletionRoutine) and hands it to a WSK call. The provider either
/// finishes the request inline — it calls `complete(status:information:)`
/// before returning, so the completion routine has already run on the
/// calling thread — or calls `markPending()`, returns `.pending` and
/// completes it later, possibly on another thread. Completion happens
/// exactly once; completing twice stops the process, as Windows bugchecks
/// with MULTIPLE_IRP_COMPLETE_REQUESTS.
///
/// The client can cancel with `ioCancelIrp(_:)` (IoCancelIrp) from any
/// thread, so completion, cancellation and `setCancelRoutine(_:)` race. The
/// Windows protocol that keeps them apart:
///
/// 1. A provider that queues an IRP installs a cancel routine, with
///    `queueCancellable(_:)`. If that returns false the IRP was cancelled
///    before it could be queued: the provider completes it with `.cancelled`
///    itself.
/// 2. To complete a queued IRP normally, the provider first takes its cancel
///    routine back with `setCancelRoutine(nil)`. A non-nil result means the
///    cancel routine will never run, and the provider completes the IRP.
///    A nil result means `ioCancelIrp` already took the routine and is (or
///    soon will be) running it: the provider must leave the IRP alone,
///    because the cancel routine completes it with `.cancelled`.
/// 3. `ioCancelIrp` sets `isCancelled` and takes the cancel routine in one
///    step, so exactly one side — the provider or the cancel routine — ever
///    holds the right to complete a queued IRP.
///
/// Unlike Windows there is no global cancel spin lock: each IRP guards its
/// own state with a `Mutex`, and the cancel routine runs after that lock is
/// released, so it may call back into the IRP (usually `complete`). The
/// provider keeps its own per-IRP records (there is no DriverContext); a
/// cancel routine finds its record from the IRP it is given, and must
/// tolerate the record being gone already when a normal completion won
/// step 2 just before the cancel.
///
/// IoFreeIrp has no twin: the IRP goes away with its last reference.
public final class IRP: Sendable {
    /// IO_COMPLETION_ROUTINE: called exactly once when the IRP completes, on
    /// the completing thread, after `ioStatus` is set.
    ///
    /// In Windows it returns STATUS_MORE_PROCESSING_REQUIRED to stop the I/O
    /// manager's completion so the caller keeps the IRP (to reuse or free
    /// it) — mandatory for IRPs a WSK client allocated itself — or
    /// STATUS_SUCCESS (STATUS_CONTINUE_COMPLETION) to let completion go on
    /// to the driver above. Here there is nobody above, so the client keeps
    /// the IRP either way; both values are accepted.
    public typealias CompletionRoutine = @Sendable (IRP) -> NTStatus

    /// DRIVER_CANCEL: the provider's routine that dequeues a cancelled IRP
    /// and completes it with `.cancelled`. Called without any IRP lock held
    /// (Windows holds the cancel spin lock, which the routine must release).
    public typealias CancelRoutine = @Sendable (IRP) -> Void

    /// Everything a completion, a cancel and the provider may touch from
    /// different threads, so one lock orders them.
    private struct State {
        var ioStatus: IoStatusBlock
        var pendingReturned = false
        var cancel = false
        /// Set by `complete` to catch a second completion, and to let
        /// `reuse` tell a finished IRP from one still in progress.
        var completed = false
        var completionRoutine: CompletionRoutine?
        var cancelRoutine: CancelRoutine?
        var socket: WskSocket?

        init(status: NTStatus) {
            ioStatus = IoStatusBlock(status: status, information: 0)
        }
    }

    private let state: Mutex<State>

    /// IoAllocateIrp: a fresh IRP, ready for a completion routine and a WSK
    /// call.
    ///
    /// `ioStatus` starts as (`.unsuccessful`, 0) — the value IoReuseIrp is
    /// normally given — rather than Windows' zero fill, which reads as
    /// STATUS_SUCCESS, so an IRP inspected before it completes never looks
    /// successful.
    public init() {
        state = Mutex(State(status: .unsuccessful))
    }

    /// Irp->IoStatus: the result, meaningful once the IRP has completed.
    public var ioStatus: IoStatusBlock {
        state.withLock { $0.ioStatus }
    }

    /// Irp->PendingReturned: whether the provider marked the IRP pending,
    /// i.e. the WSK call returned `.pending` rather than completing inline.
    /// A completion routine reads it to know whether someone is waiting for
    /// it (signal the waiter) or the caller will see the result on return.
    public var pendingReturned: Bool {
        state.withLock { $0.pendingReturned }
    }

    /// Irp->Cancel: set by `ioCancelIrp` and never cleared until `reuse`.
    public var isCancelled: Bool {
        state.withLock { $0.cancel }
    }

    /// IoMarkIrpPending: the provider's promise, made before it returns
    /// `.pending`, that it will complete the IRP later.
    ///
    /// Calling it from a completion routine — the Windows idiom
    /// `if (Irp->PendingReturned) IoMarkIrpPending(Irp)` for IRPs borrowed
    /// from a driver above — is harmless: the flag is already set.
    public func markPending() {
        state.withLock { $0.pendingReturned = true }
    }

    /// IoSetCompletionRoutine (InvokeOnSuccess, InvokeOnError and
    /// InvokeOnCancel all true, as WSK requires): the routine to run when the
    /// IRP completes, or nil for none. Set it before handing the IRP to a
    /// WSK call; a completed IRP must be `reuse`d first.
    public func setCompletionRoutine(_ routine: CompletionRoutine?) {
        state.withLock { s in
            precondition(!s.completed, "IoSetCompletionRoutine on a completed IRP: call reuse() first")
            s.completionRoutine = routine
        }
    }

    /// IoSetCancelRoutine: atomically installs `routine` (nil removes it)
    /// and returns the one it replaced.
    ///
    /// Removing is how a provider claims a queued IRP before completing it
    /// normally: a nil result means `ioCancelIrp` got there first and its
    /// cancel routine will complete the IRP, so the provider must not. When
    /// installing, prefer `queueCancellable(_:)`, which also handles an IRP
    /// cancelled before it was queued.
    @discardableResult
    public func setCancelRoutine(_ routine: CancelRoutine?) -> CancelRoutine? {
        // The routine leaves the lock through a local, not as withLock's
        // generic result: that would reabstract the closure into a new
        // heap-allocated thunk on every call (see `complete`).
        var previous: CancelRoutine?
        state.withLock { s in
            previous = s.cancelRoutine
            s.cancelRoutine = routine
        }
        return previous
    }

    /// The insert half of the Windows cancel-safe queue (IoCsqInsertIrp):
    /// installs `routine` unless the IRP is already cancelled.
    ///
    /// Returns false, installing nothing, when `ioCancelIrp` has already run:
    /// no cancel routine will ever be called, so the provider completes the
    /// IRP with `.cancelled` itself. The check and the install are one step
    /// under the IRP's lock, which closes the window the Windows pattern
    /// (IoSetCancelRoutine, test Irp->Cancel, IoSetCancelRoutine(NULL) to
    /// take it back) has to handle by hand.
    ///
    /// Call it while holding the lock of the provider's own queue and insert
    /// the record before releasing that lock, so the cancel routine — which
    /// takes the same lock to remove the record — cannot run before the
    /// record is there. It does not mark the IRP pending; call `markPending()`
    /// too when the WSK call is going to return `.pending`.
    public func queueCancellable(_ routine: @escaping CancelRoutine) -> Bool {
        state.withLock { s in
            guard !s.cancel else { return false }
            s.cancelRoutine = routine
            return true
        }
    }

    /// IoCompleteRequest: records the result and runs the completion routine,
    /// once, on the calling thread, before returning.
    ///
    /// Stops the process if the IRP was already completed, or if it still
    /// holds a cancel routine (the provider skipped `setCancelRoutine(nil)`,
    /// so a cancel could complete it a second time). The routine is dropped
    /// once it has run, so a closure that captures the IRP does not keep it
    /// alive.
    public func complete(status: NTStatus, information: Int = 0) {
        complete(status: status, information: information, socket: nil)
    }

    /// IoStatus.Information when it holds a PWSK_SOCKET (WskSocket,
    /// WskSocketConnect, WskAccept): Swift keeps the object here, and
    /// `ioStatus.information` stays 0.
    public var socket: WskSocket? {
        state.withLock { $0.socket }
    }

    /// IoCompleteRequest for a request whose result is a new socket.
    func complete(status: NTStatus, information: Int = 0, socket: WskSocket?) {
        // The routine leaves the lock through a local rather than as
        // withLock's generic result, which would wrap it in a reabstraction
        // thunk — one malloc per completed IRP that has a routine.
        var routine: CompletionRoutine?
        state.withLock { s in
            precondition(!s.completed, "IoCompleteRequest: the IRP was already completed")
            precondition(
                s.cancelRoutine == nil,
                "IoCompleteRequest: the IRP still has a cancel routine; take it back with setCancelRoutine(nil) first")
            s.completed = true
            s.ioStatus = IoStatusBlock(status: status, information: information)
            s.socket = socket
            routine = s.completionRoutine
            s.completionRoutine = nil
        }
        // Outside the lock: the routine reads ioStatus and may reuse the IRP.
        // Its result is ignored (see CompletionRoutine); after it returns the
        // IRP may already be reused, so nothing here touches it again.
        if let routine {
            let verdict = routine(self)
            assert(
                verdict == .moreProcessingRequired || verdict == .success,
                "a completion routine returns .moreProcessingRequired or .success, not \(verdict)")
        }
    }

    /// IoReuseIrp: makes a finished IRP (or one never used) like new, for
    /// another request without another allocation: not cancelled, not
    /// pending, no routines, `ioStatus` = (`status`, 0). Legal inside the
    /// IRP's own completion routine.
    ///
    /// Stops the process when the IRP is visibly still in progress — marked
    /// pending or holding a cancel routine, and not completed — because the
    /// provider would later complete a request that no longer exists.
    public func reuse(status: NTStatus = .unsuccessful) {
        state.withLock { s in
            precondition(
                s.completed || (!s.pendingReturned && s.cancelRoutine == nil),
                "IoReuseIrp: the IRP is still in progress")
            s = State(status: status)
        }
    }

    /// The IoCancelIrp step under the lock: mark cancelled and take the
    /// cancel routine, so a provider's later `setCancelRoutine(nil)` sees nil.
    fileprivate func markCancelledTakingCancelRoutine() -> CancelRoutine? {
        // Through a local, as in `setCancelRoutine`, to spare the thunk.
        var routine: CancelRoutine?
        state.withLock { s in
            s.cancel = true
            routine = s.cancelRoutine
            s.cancelRoutine = nil
        }
        return routine
    }
}

/// IoCancelIrp: asks for `irp` to be cancelled; safe from any thread and at
/// any time, including after the IRP completed.
///
/// Sets `isCancelled` and takes the cancel routine in one step. If the
/// provider had one installed, it runs now on this thread (outside the IRP's
/// lock) and completes the IRP with `.cancelled`; the result is true. False
/// means no cancel routine was set — the IRP is not queued yet (the provider
/// will see `isCancelled` when it tries), is being completed normally, or is
/// already done.
@discardableResult
public func ioCancelIrp(_ irp: IRP) -> Bool {
    guard let routine = irp.markCancelledTakingCancelRoutine() else { return false }
    routine(irp)
    return true
}
