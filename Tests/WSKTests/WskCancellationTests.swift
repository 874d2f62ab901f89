import Foundation
import NDIS
import NetCore
import NetSim
import Synchronization
import TCPIP
import Testing
import WSK

/// IoCancelIrp on WSK requests, and IoReuseIrp between them (WSK §3).
@Suite struct WskCancellationTests {
    static let bob7 = SocketAddress.v4(WskPair.bobV4, port: 7)

    @Test func cancellingAPendingReceiveCompletesItOnceWithCancelled() {
        let pair = WskPair()
        let server = pair.boundSocket(pair.bobNpi, .v4(.any, port: 7))
        let client = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 0))
        let receive = PostedReceive()
        #expect(receive.post(on: server) == .pending)
        #expect(ioCancelIrp(receive.irp))
        #expect(receive.irp.isCancelled)
        // The cancel routine hands the work to the engine thread; it completes there.
        pair.settle()
        #expect(receive.probe.count == 1)
        #expect(receive.status == .cancelled)
        #expect(receive.information == 0)
        #expect(receive.probe.pendingReturned == [true])
        // Cancelling again finds nothing to cancel.
        #expect(!ioCancelIrp(receive.irp))
        pair.settle()
        #expect(receive.probe.count == 1)
        // A datagram now is queued, not given to the cancelled IRP.
        client.sendNow(payload(1), to: Self.bob7)
        pair.settle()
        #expect(receive.probe.count == 1)
        #expect(server.queuedBytes == 16)
        let next = PostedReceive()
        #expect(next.post(on: server) == .success)
        #expect(next.bytes == payload(1))
        pair.finish([server, client])
        #expect(receive.probe.count == 1)
    }

    @Test func withoutAnEngineExecutorTheCancelCompletesInline() {
        let pair = WskPair()
        pair.bob.wsk.engineExecutor = nil
        let server = pair.boundSocket(pair.bobNpi, .v4(.any, port: 7))
        let receive = PostedReceive()
        #expect(receive.post(on: server) == .pending)
        #expect(ioCancelIrp(receive.irp))
        #expect(receive.probe.count == 1)
        #expect(receive.status == .cancelled)
        pair.finish([server])
        #expect(receive.probe.count == 1)
    }

    @Test func anIRPCancelledBeforeTheCallCompletesInlineWithCancelled() {
        let pair = WskPair()
        let server = pair.boundSocket(pair.bobNpi, .v4(.any, port: 7))
        let receive = PostedReceive()
        // Nothing to cancel yet, but the IRP remembers it.
        #expect(!ioCancelIrp(receive.irp))
        #expect(receive.irp.isCancelled)
        // Nothing queued: it would wait, but it is cancelled — completed inline,
        // and not marked pending, since the call does not return STATUS_PENDING.
        #expect(receive.post(on: server) == .cancelled)
        #expect(receive.probe.count == 1)
        #expect(receive.probe.pendingReturned == [false])
        pair.settle()
        #expect(receive.probe.count == 1)
        pair.finish([server])
    }

    @Test func cancellingTheMiddleReceiveLeavesTheOthersInOrder() {
        let pair = WskPair()
        let server = pair.boundSocket(pair.bobNpi, .v4(.any, port: 7))
        let client = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 0))
        let receives = (0..<3).map { _ in PostedReceive() }
        for receive in receives { #expect(receive.post(on: server) == .pending) }
        #expect(ioCancelIrp(receives[1].irp))
        pair.settle()
        #expect(receives[1].status == .cancelled)
        client.sendNow(payload(1), to: Self.bob7)
        client.sendNow(payload(2), to: Self.bob7)
        client.sendNow(payload(3), to: Self.bob7)
        pair.settle()
        #expect(receives[0].bytes == payload(1))
        #expect(receives[2].bytes == payload(2))
        #expect(receives.map(\.probe.count) == [1, 1, 1])
        #expect(server.queuedBytes == 16)
        pair.finish([server, client])
    }

    @Test func cancellingAfterCompletionDoesNothing() {
        let pair = WskPair()
        let server = pair.boundSocket(pair.bobNpi, .v4(.any, port: 7))
        let client = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 0))
        let receive = PostedReceive()
        #expect(receive.post(on: server) == .pending)
        client.sendNow(payload(1), to: Self.bob7)
        pair.settle()
        #expect(receive.status == .success)
        #expect(!ioCancelIrp(receive.irp))
        pair.settle()
        #expect(receive.probe.count == 1)
        #expect(receive.status == .success)
        #expect(receive.bytes == payload(1))
        pair.finish([server, client])
    }

    @Test func aCancelFromAnotherThread() {
        let pair = WskPair()
        let server = pair.boundSocket(pair.bobNpi, .v4(.any, port: 7))
        let receive = PostedReceive()
        #expect(receive.post(on: server) == .pending)
        let irp = receive.irp
        let cancelled = AtomicFlag()
        let done = onThread { cancelled.set(ioCancelIrp(irp)) }
        #expect(signalled(done, within: 30))
        #expect(cancelled.isSet)
        // Not completed until the engine runs the cancel routine's work.
        #expect(receive.probe.count == 0)
        #expect(pair.pump(until: { receive.isComplete }))
        #expect(receive.probe.count == 1)
        #expect(receive.status == .cancelled)
        pair.finish([server])
    }

    /// Holds the work cancel routines hand to the engine, to run it when the test says.
    final class HeldEngineWork: Sendable {
        private let work = Mutex<[@Sendable () -> Void]>([])
        var count: Int { work.withLock { $0.count } }
        func hold(_ item: @escaping @Sendable () -> Void) { work.withLock { $0.append(item) } }
        func runAll() {
            let items = work.withLock { items in
                defer { items.removeAll() }
                return items
            }
            for item in items { item() }
        }
    }

    @Test func aDatagramArrivingAfterTheCancelTookTheIRPButBeforeItRanIsQueued() {
        let pair = WskPair()
        let held = HeldEngineWork()
        pair.bob.wsk.engineExecutor = { held.hold($0) }
        let server = pair.boundSocket(pair.bobNpi, .v4(.any, port: 7))
        let client = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 0))
        let receive = PostedReceive()
        #expect(receive.post(on: server) == .pending)
        #expect(ioCancelIrp(receive.irp))
        #expect(held.count == 1)
        // The datagram lands while the cancel is in flight: the IRP is the
        // cancel routine's now, so the datagram must wait in the queue.
        client.sendNow(payload(1), to: Self.bob7)
        pair.settle()
        #expect(receive.probe.count == 0)
        #expect(server.queuedBytes == 16)
        held.runAll()
        #expect(receive.probe.count == 1)
        #expect(receive.status == .cancelled)
        let next = PostedReceive()
        #expect(next.post(on: server) == .success)
        #expect(next.bytes == payload(1))
        pair.finish([server, client])
    }

    @Test func closeLeavesAnIRPBeingCancelledToItsCancelRoutine() {
        let pair = WskPair()
        let held = HeldEngineWork()
        pair.bob.wsk.engineExecutor = { held.hold($0) }
        let server = pair.boundSocket(pair.bobNpi, .v4(.any, port: 7))
        let cancelled = PostedReceive()
        let other = PostedReceive()
        #expect(cancelled.post(on: server) == .pending)
        #expect(other.post(on: server) == .pending)
        #expect(ioCancelIrp(cancelled.irp))
        #expect(server.closeNow() == .success)
        #expect(other.status == .cancelled)
        #expect(cancelled.probe.count == 0)
        // The cancel routine's work still runs after the close, and completes it once.
        held.runAll()
        #expect(cancelled.probe.count == 1)
        #expect(cancelled.status == .cancelled)
        #expect(other.probe.count == 1)
        pair.finish([])
    }

    @Test func anIRPIsReusedForASecondReceive() {
        let pair = WskPair()
        let server = pair.boundSocket(pair.bobNpi, .v4(.any, port: 7))
        let client = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 0))
        let irp = IRP()
        let first = PostedReceive(irp: irp)
        #expect(first.post(on: server) == .pending)
        client.sendNow(payload(1), to: Self.bob7)
        pair.settle()
        #expect(first.bytes == payload(1))
        #expect(first.probe.count == 1)

        // IoReuseIrp, a new completion routine, and the same IRP receives again.
        irp.reuse()
        #expect(irp.ioStatus.status == .unsuccessful)
        #expect(!irp.pendingReturned)
        let second = PostedReceive(irp: irp)
        #expect(second.post(on: server) == .pending)
        client.sendNow(payload(2, count: 40), to: Self.bob7)
        pair.settle()
        #expect(second.probe.count == 1)
        #expect(second.bytes == payload(2, count: 40))
        #expect(first.probe.count == 1)

        // Reused after a cancel, and completed inline from the queue.
        irp.reuse()
        let third = PostedReceive(irp: irp)
        #expect(third.post(on: server) == .pending)
        #expect(ioCancelIrp(irp))
        pair.settle()
        #expect(third.status == .cancelled)
        irp.reuse()
        #expect(!irp.isCancelled)
        client.sendNow(payload(3), to: Self.bob7)
        pair.settle()
        let fourth = PostedReceive(irp: irp)
        #expect(fourth.post(on: server) == .success)
        #expect(fourth.bytes == payload(3))
        #expect([first, second, third, fourth].map(\.probe.count) == [1, 1, 1, 1])
        pair.finish([server, client])
    }

    @Test func theAsyncOverlayEndsItsSequenceOnClose() async throws {
        let pair = WskPair()
        let server = pair.boundSocket(pair.bobNpi, .v4(.any, port: 7))
        let client = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 0))
        client.sendNow(payload(1), to: Self.bob7)
        client.sendNow(payload(2), to: Self.bob7)
        pair.settle()
        let finished = AtomicFlag()
        let submissions = pair.sim.submissions
        let collected = Task {
            defer {
                finished.set()
                submissions.submit {} // wake the pump
            }
            var all: [[UInt8]] = []
            for try await datagram in server.datagrams(maxLength: 64) { all.append(datagram.bytes) }
            return all
        }
        // The two queued datagrams go first; then close ends the sequence.
        #expect(await pair.pumpOnThread(until: { server.queuedBytes == 0 }))
        let closed = Task { await server.close() }
        #expect(await pair.pumpOnThread(until: { server.isClosed && finished.isSet }))
        await closed.value
        let all = try await collected.value
        #expect(all == [payload(1), payload(2)])
        pair.finish([client])
    }

    @Test func theAsyncOverlayThrowsTheWindowsStatus() async {
        let pair = WskPair()
        let taken = pair.boundSocket(pair.bobNpi, .v4(.any, port: 7))
        let socket = pair.datagramSocket(pair.bobNpi)
        let finished = AtomicFlag()
        let submissions = pair.sim.submissions
        let attempt = Task { () -> [NTStatus?] in
            defer {
                finished.set()
                submissions.submit {}
            }
            var results: [NTStatus?] = []
            func record(_ call: () async throws(NTStatus) -> Void) async {
                do { try await call(); results.append(nil) } catch { results.append(error) }
            }
            await record { () async throws(NTStatus) in try await socket.sendTo([1], to: .v4(WskPair.aliceV4, port: 7)) }
            await record { () async throws(NTStatus) in try await socket.bind(.v4(.any, port: 7)) }
            await record { () async throws(NTStatus) in try await socket.bind(.v4(.any, port: 8)) }
            await record { () async throws(NTStatus) in try await socket.sendTo([1], to: nil) }
            return results
        }
        #expect(await pair.pumpOnThread(until: { finished.isSet }))
        let expected: [NTStatus?] = [.invalidDeviceState, .addressAlreadyExists, nil, .invalidParameter]
        #expect(await attempt.value == expected)
        pair.finish([taken, socket])
    }

    /// A receive IRP is pending; each round a datagram arrives (the engine
    /// thread runs the simulation that delivers it) while another thread
    /// cancels the IRP, the two started together through a barrier. The
    /// seed picks which side goes first and how long the other spins, so
    /// both outcomes turn up. Whatever the interleaving, the completion
    /// routine runs exactly once — with the datagram or with
    /// STATUS_CANCELLED, the latter exactly when IoCancelIrp found the
    /// cancel routine — and a datagram the cancel beat is queued, not lost.
    @Test func aDatagramRacingACancelCompletesTheReceiveExactlyOnce() async {
        let rounds = 1_500
        let race = ReceiveCancelRace(seed: 0x5EED_CA9C)
        let tally = await withCheckedContinuation { (done: CheckedContinuation<ReceiveCancelRace.Tally, Never>) in
            Thread { race.runCanceller(rounds: rounds) }.start()
            Thread { done.resume(returning: race.runEngine(rounds: rounds)) }.start()
        }
        #expect(tally.failures == [])
        #expect(tally.delivered + tally.cancelled == rounds)
        #expect(tally.delivered > 0)
        #expect(tally.cancelled > 0)
        #expect(tally.buffersOutstanding == 0)
    }
}

/// The two threads of the race test. The engine thread owns the simulation
/// and the sockets; the canceller only calls IoCancelIrp.
private final class ReceiveCancelRace: @unchecked Sendable {
    // @unchecked: the pair is touched by the engine thread only (after the
    // test thread made it and started that thread); the canceller reads
    // `irp` between the barriers, after the engine wrote it before them.

    struct Tally: Sendable {
        var delivered = 0
        var cancelled = 0
        var buffersOutstanding = -1
        var failures: [String] = []
    }

    let seed: UInt64
    let pair = WskPair()
    let barrier = RoundBarrier(parties: 2)
    let go = Atomic<Int>(-1)
    let cancellerLeads = Atomic<Bool>(false)
    let cancellerSpins = Atomic<Int>(0)
    let cancelFound = Atomic<Bool>(false)
    var irp = IRP()
    static let spinRange = 0..<20_000

    init(seed: UInt64) { self.seed = seed }

    func runCanceller(rounds: Int) {
        for round in 0..<rounds {
            barrier.arriveAndWait()
            meet(round: round, leading: cancellerLeads.load(ordering: .relaxed))
            busyWait(cancellerSpins.load(ordering: .relaxed))
            cancelFound.store(ioCancelIrp(irp), ordering: .relaxed)
            barrier.arriveAndWait()
        }
    }

    func runEngine(rounds: Int) -> Tally {
        var random = SeededRandom(seed: seed)
        var tally = Tally()
        let server = pair.boundSocket(pair.bobNpi, .v4(.any, port: 7))
        let client = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 0))
        let destination = SocketAddress.v4(WskPair.bobV4, port: 7)
        // Warm up ARP so every round's datagram takes one wire delay.
        client.sendNow([0], to: destination)
        pair.settle()
        let warm = PostedReceive()
        _ = warm.post(on: server)

        let into = ClientBuffer(capacity: 64)
        let spare = ClientBuffer(capacity: 64)
        let out = ClientBuffer(capacity: 16)
        for round in 0..<rounds {
            irp = IRP()
            let probe = CompletionProbe()
            irp.setCompletionRoutine(probe.routine)
            let bytes = payload(UInt8(truncatingIfNeeded: round))
            out.region.copyBytes(from: bytes)
            let posted = server.receiveFrom(into.buf(), irp: irp)
            let sent = client.sendTo(out.buf(), remoteAddress: destination, irp: IRP())
            let engineLeads = Bool.random(using: &random)
            let engineSpins = Int.random(in: Self.spinRange, using: &random)
            cancellerLeads.store(!engineLeads, ordering: .relaxed)
            cancellerSpins.store(Int.random(in: Self.spinRange, using: &random), ordering: .relaxed)

            barrier.arriveAndWait()
            meet(round: round, leading: engineLeads)
            busyWait(engineSpins)
            pair.sim.run(for: .milliseconds(2)) // the datagram lands 1 ms after it was sent
            barrier.arriveAndWait()
            pair.sim.run(for: .milliseconds(1)) // the cancel routine's work, if it was handed over

            let found = cancelFound.load(ordering: .relaxed)
            let status = irp.ioStatus
            var problems: [String] = []
            if posted != .pending { problems.append("receiveFrom returned \(posted)") }
            if sent != .success { problems.append("sendTo returned \(sent)") }
            if probe.count != 1 { problems.append("\(probe.count) completions") }
            if probe.pendingReturned != Array(repeating: true, count: probe.count) {
                problems.append("PendingReturned \(probe.pendingReturned)")
            }
            switch status.status {
            case .success:
                tally.delivered += 1
                if found { problems.append("IoCancelIrp found a cancel routine, yet the receive succeeded") }
                if status.information != 16 || into.prefix(16) != bytes { problems.append("wrong datagram") }
                if server.queuedBytes != 0 { problems.append("\(server.queuedBytes) bytes queued") }
            case .cancelled:
                tally.cancelled += 1
                if !found { problems.append("cancelled, yet IoCancelIrp found no cancel routine") }
                // The datagram the cancel beat waits in the queue.
                pair.sim.run(for: .seconds(1))
                if server.queuedBytes == 0 {
                    problems.append("the datagram was lost")
                } else {
                    let drain = IRP()
                    let status = server.receiveFrom(spare.buf(), irp: drain)
                    if status != .success || spare.prefix(16) != bytes { problems.append("queued datagram \(status)") }
                }
            default:
                problems.append("completed with \(status)")
            }
            if !problems.isEmpty && tally.failures.count < 5 {
                tally.failures.append("round \(round): " + problems.joined(separator: ", "))
            }
        }
        _ = server.closeSocket(IRP())
        _ = client.closeSocket(IRP())
        pair.sim.run(for: .seconds(1))
        tally.buffersOutstanding = pair.sim.buffersOutstanding + pair.bob.stack.receivePool.outstanding
            + pair.bob.stack.largePool.outstanding
        withExtendedLifetime((into, spare, out, warm)) {}
        return tally
    }

    /// The round's meeting point: the leading side announces it and goes on
    /// at once; the other waits for the announcement.
    private func meet(round: Int, leading: Bool) {
        if leading {
            go.store(round, ordering: .releasing)
        } else {
            pollUntil { go.load(ordering: .acquiring) == round }
        }
    }
}
