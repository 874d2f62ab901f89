import Foundation
import NetCore
import Synchronization
import Testing
import WSK

/// Counts calls and remembers what a completion routine saw, from any thread.
private final class Probe: Sendable {
    private let calls = Atomic<Int>(0)
    private let seen = Mutex<[(status: IRP.IoStatusBlock, pendingReturned: Bool)]>([])

    var count: Int { calls.load(ordering: .acquiring) }
    var observations: [(status: IRP.IoStatusBlock, pendingReturned: Bool)] { seen.withLock { $0 } }

    func bump() { calls.wrappingAdd(1, ordering: .acquiringAndReleasing) }

    /// A completion routine that records the IRP's state as it runs and
    /// keeps the IRP, as a client's routine for its own IRP must.
    var completionRoutine: IRP.CompletionRoutine {
        { irp in
            self.seen.withLock { $0.append((irp.ioStatus, irp.pendingReturned)) }
            self.bump()
            return .moreProcessingRequired
        }
    }
}

@Suite struct IRPTests {
    @Test func completionRunsOnceInlineWithStatusAndInformation() {
        let irp = IRP()
        let probe = Probe()
        irp.setCompletionRoutine(probe.completionRoutine)
        irp.complete(status: .success, information: 1460)

        // Already ran when complete returned: inline, on this thread.
        #expect(probe.count == 1)
        #expect(probe.observations.first?.status == IRP.IoStatusBlock(status: .success, information: 1460))
        #expect(irp.ioStatus == IRP.IoStatusBlock(status: .success, information: 1460))
    }

    @Test func freshIRPIsUnsuccessfulNotPendingNotCancelled() {
        let irp = IRP()
        #expect(irp.ioStatus == IRP.IoStatusBlock(status: .unsuccessful, information: 0))
        #expect(!irp.pendingReturned)
        #expect(!irp.isCancelled)
    }

    @Test func completionWithoutRoutineStillRecordsStatus() {
        let irp = IRP()
        irp.complete(status: .connectionReset)
        #expect(irp.ioStatus == IRP.IoStatusBlock(status: .connectionReset, information: 0))
    }

    @Test func pendingReturnedTellsTheRoutineWhichCaseItIsIn() {
        let inline = IRP()
        let inlineProbe = Probe()
        inline.setCompletionRoutine(inlineProbe.completionRoutine)
        inline.complete(status: .success)
        #expect(inlineProbe.observations.map(\.pendingReturned) == [false])

        let pending = IRP()
        let pendingProbe = Probe()
        pending.setCompletionRoutine(pendingProbe.completionRoutine)
        pending.markPending()
        #expect(pending.pendingReturned)
        pending.complete(status: .success, information: 7)
        #expect(pendingProbe.observations.map(\.pendingReturned) == [true])
    }

    @Test func reuseAfterCompletionStartsOver() {
        let irp = IRP()
        let first = Probe()
        irp.setCompletionRoutine(first.completionRoutine)
        irp.markPending()
        ioCancelIrp(irp)
        irp.complete(status: .cancelled)

        irp.reuse()
        #expect(irp.ioStatus == IRP.IoStatusBlock(status: .unsuccessful, information: 0))
        #expect(!irp.pendingReturned)
        #expect(!irp.isCancelled)
        #expect(irp.setCancelRoutine(nil) == nil)

        let second = Probe()
        irp.setCompletionRoutine(second.completionRoutine)
        irp.complete(status: .success, information: 3)
        #expect(first.count == 1)
        #expect(second.count == 1)
        #expect(second.observations.first?.status == IRP.IoStatusBlock(status: .success, information: 3))
    }

    @Test func reuseTakesTheGivenStatusAndWorksOnANeverUsedIRP() {
        let irp = IRP()
        irp.reuse(status: .pending)
        #expect(irp.ioStatus == IRP.IoStatusBlock(status: .pending, information: 0))
    }

    @Test func reuseInsideTheCompletionRoutine() {
        // The Windows pattern for a client-owned IRP: the routine recycles it
        // and keeps it (STATUS_MORE_PROCESSING_REQUIRED).
        let irp = IRP()
        let probe = Probe()
        irp.setCompletionRoutine { irp in
            probe.bump()
            irp.reuse()
            return .moreProcessingRequired
        }
        irp.complete(status: .success, information: 9)
        #expect(probe.count == 1)
        #expect(irp.ioStatus == IRP.IoStatusBlock(status: .unsuccessful, information: 0))

        let again = Probe()
        irp.setCompletionRoutine(again.completionRoutine)
        irp.complete(status: .success, information: 4)
        #expect(probe.count == 1)
        #expect(again.count == 1)
    }

    @Test func completionRoutineMayLetCompletionContinue() {
        let irp = IRP()
        let probe = Probe()
        irp.setCompletionRoutine { _ in
            probe.bump()
            return .success
        }
        irp.complete(status: .success)
        #expect(probe.count == 1)
    }

    @Test func cancelBeforeQueueIsRefusedAndTheProviderCompletes() {
        let irp = IRP()
        let completion = Probe()
        let cancelRoutine = Probe()
        irp.setCompletionRoutine(completion.completionRoutine)

        #expect(!ioCancelIrp(irp), "nothing queued, so no cancel routine to call")
        #expect(irp.isCancelled)

        let queued = irp.queueCancellable { irp in
            cancelRoutine.bump()
            irp.complete(status: .cancelled)
        }
        #expect(!queued)
        #expect(irp.setCancelRoutine(nil) == nil, "a refused routine is not installed")
        irp.complete(status: .cancelled)

        #expect(cancelRoutine.count == 0)
        #expect(completion.count == 1)
        #expect(irp.ioStatus.status == .cancelled)
    }

    @Test func cancelWhileQueuedRunsTheCancelRoutineOnce() {
        let irp = IRP()
        let completion = Probe()
        let cancelRoutine = Probe()
        irp.setCompletionRoutine(completion.completionRoutine)
        #expect(irp.queueCancellable { irp in
            cancelRoutine.bump()
            irp.complete(status: .cancelled)
        })
        irp.markPending()

        #expect(ioCancelIrp(irp))
        #expect(irp.isCancelled)
        #expect(cancelRoutine.count == 1)
        #expect(completion.count == 1)
        #expect(completion.observations.first?.status == IRP.IoStatusBlock(status: .cancelled, information: 0))
        #expect(completion.observations.first?.pendingReturned == true)

        // The provider now loses the race to complete, and a second cancel finds nothing.
        #expect(irp.setCancelRoutine(nil) == nil)
        #expect(!ioCancelIrp(irp))
        #expect(cancelRoutine.count == 1)
        #expect(completion.count == 1)
    }

    @Test func normalCompletionAfterTakingTheCancelRoutineBack() {
        let irp = IRP()
        let completion = Probe()
        let cancelRoutine = Probe()
        irp.setCompletionRoutine(completion.completionRoutine)
        #expect(irp.queueCancellable { irp in
            cancelRoutine.bump()
            irp.complete(status: .cancelled)
        })
        irp.markPending()

        #expect(irp.setCancelRoutine(nil) != nil, "the provider wins: the cancel routine will not run")
        irp.complete(status: .success, information: 512)
        #expect(!ioCancelIrp(irp))

        #expect(cancelRoutine.count == 0)
        #expect(completion.count == 1)
        #expect(irp.ioStatus == IRP.IoStatusBlock(status: .success, information: 512))
    }

    @Test func setCancelRoutineReturnsTheRoutineItReplaced() {
        let irp = IRP()
        let first = Probe()
        #expect(irp.setCancelRoutine { _ in first.bump() } == nil)
        let previous = irp.setCancelRoutine { _ in }
        previous?(irp)
        #expect(first.count == 1)
        #expect(irp.setCancelRoutine(nil) != nil)
        #expect(irp.setCancelRoutine(nil) == nil)
    }

    /// One thread runs the provider protocol (queue, take the cancel routine
    /// back, complete) while another calls ioCancelIrp on the same IRP, every
    /// round. The seed picks where they meet — just before the queueing or
    /// just before the take-back — which of them goes on first from there,
    /// and a short spin on each side. The side that goes first usually wins,
    /// even on a loaded machine where the other wakes late, so all three
    /// outcomes turn up: cancelled before queueing, cancelled while queued,
    /// completed normally. Whatever the interleaving, the completion routine
    /// must run exactly once, with the status of the side that won.
    @Test func cancelRacingCompletionCompletesExactlyOnce() async {
        let iterations = 10_000
        let race = CancelRace(seed: 0x5EED_1A2B)
        let tally = await withCheckedContinuation { (done: CheckedContinuation<CancelRace.Tally, Never>) in
            Thread { race.runCanceller(iterations: iterations) }.start()
            Thread { done.resume(returning: race.runProvider(iterations: iterations)) }.start()
        }
        #expect(tally.failures == [])
        #expect(tally.cancelledBeforeQueue + tally.cancelledWhileQueued + tally.completed == iterations)
        // Each outcome must actually have happened, or the test proves little.
        #expect(tally.cancelledBeforeQueue > 0)
        #expect(tally.cancelledWhileQueued > 0)
        #expect(tally.completed > 0)
    }
}

/// The two threads of the race test around one IRP, reused every round. The
/// provider thread draws the round's choices from the seed, sets up and
/// checks; the canceller only cancels.
private final class CancelRace: Sendable {
    struct Tally: Sendable {
        var cancelledBeforeQueue = 0
        var cancelledWhileQueued = 0
        var completed = 0
        /// The first few broken rounds, described; empty when all held.
        var failures: [String] = []
    }

    /// Which side completed the IRP, as the provider saw it.
    private enum Path { case cancelledBeforeQueue, cancelledWhileQueued, completed }

    private let seed: UInt64
    private let irp = IRP()
    private let barrier = RoundBarrier(parties: 2)
    /// The last round whose meeting point the leading side has passed.
    private let go = Atomic<Int>(-1)
    private let cancellerLeads = Atomic<Bool>(false)
    private let cancellerSpins = Atomic<Int>(0)
    private let cancelReturned = Atomic<Bool>(false)
    private let completions = Atomic<Int>(0)
    private let cancelRoutineRuns = Atomic<Int>(0)

    init(seed: UInt64) { self.seed = seed }

    func runCanceller(iterations: Int) {
        for round in 0..<iterations {
            barrier.arriveAndWait()
            meet(round: round, leading: cancellerLeads.load(ordering: .relaxed))
            busyWait(cancellerSpins.load(ordering: .relaxed))
            cancelReturned.store(ioCancelIrp(irp), ordering: .relaxed)
            barrier.arriveAndWait()
        }
    }

    func runProvider(iterations: Int) -> Tally {
        var random = SeededRandom(seed: seed)
        var tally = Tally()
        for round in 0..<iterations {
            irp.reuse()
            completions.store(0, ordering: .relaxed)
            cancelRoutineRuns.store(0, ordering: .relaxed)
            irp.setCompletionRoutine { _ in
                self.completions.wrappingAdd(1, ordering: .relaxed)
                return .moreProcessingRequired
            }
            let meetBeforeQueueing = Bool.random(using: &random)
            let leading = Bool.random(using: &random)
            let providerSpins = Int.random(in: 0..<64, using: &random)
            cancellerLeads.store(!leading, ordering: .relaxed)
            cancellerSpins.store(Int.random(in: 0..<64, using: &random), ordering: .relaxed)

            barrier.arriveAndWait()
            if meetBeforeQueueing {
                meet(round: round, leading: leading)
                busyWait(providerSpins)
            }
            let path: Path
            let queued = irp.queueCancellable { irp in
                self.cancelRoutineRuns.wrappingAdd(1, ordering: .relaxed)
                irp.complete(status: .cancelled)
            }
            if !queued {
                irp.complete(status: .cancelled)
                path = .cancelledBeforeQueue
            } else {
                irp.markPending()
                if !meetBeforeQueueing {
                    meet(round: round, leading: leading)
                    busyWait(providerSpins)
                }
                if irp.setCancelRoutine(nil) != nil {
                    irp.complete(status: .success, information: round)
                    path = .completed
                } else {
                    path = .cancelledWhileQueued  // the cancel routine completes it
                }
            }
            barrier.arriveAndWait()

            let expected: IRP.IoStatusBlock
            switch path {
            case .cancelledBeforeQueue:
                tally.cancelledBeforeQueue += 1
                expected = IRP.IoStatusBlock(status: .cancelled, information: 0)
            case .cancelledWhileQueued:
                tally.cancelledWhileQueued += 1
                expected = IRP.IoStatusBlock(status: .cancelled, information: 0)
            case .completed:
                tally.completed += 1
                expected = IRP.IoStatusBlock(status: .success, information: round)
            }
            let ranCancelRoutine = path == .cancelledWhileQueued
            let completionCount = completions.load(ordering: .relaxed)
            let cancelCount = cancelRoutineRuns.load(ordering: .relaxed)
            let cancelResult = cancelReturned.load(ordering: .relaxed)
            if completionCount != 1 || irp.ioStatus != expected || cancelCount != (ranCancelRoutine ? 1 : 0)
                || cancelResult != ranCancelRoutine || !irp.isCancelled, tally.failures.count < 5
            {
                tally.failures.append(
                    "round \(round) \(path): \(completionCount) completions, ioStatus \(irp.ioStatus), "
                        + "\(cancelCount) cancel routine runs, ioCancelIrp returned \(cancelResult)")
            }
        }
        return tally
    }

    /// The round's meeting point: the leading side announces it has reached
    /// it and goes on at once; the other waits for that announcement.
    private func meet(round: Int, leading: Bool) {
        if leading {
            go.store(round, ordering: .releasing)
        } else {
            pollUntil { go.load(ordering: .acquiring) == round }
        }
    }
}
