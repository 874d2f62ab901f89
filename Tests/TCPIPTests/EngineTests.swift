import Foundation
import NDIS
import NetCore
import Synchronization
import Testing
@testable import TCPIP

@Suite struct EngineTests {
    /// Four threads submit 2,000 items each while the engine runs: every
    /// item runs exactly once, on the engine thread, and each thread's
    /// items run in the order it submitted them.
    @Test func submissionsFromManyThreadsRunOnceInOrderOnTheEngineThread() throws {
        let ndis = Ndis()
        let stack = TCPIPStack(ndis: ndis, configuration: .init(seed: 1))
        let engine = try Engine(stack: stack)
        defer { withExtendedLifetime(ndis) {} }
        let log = Mutex<[Int: [Int]]>([:])
        let engineThread = Mutex<Thread?>(nil)
        let offThread = Atomic<Int>(0)
        let finished = DispatchSemaphore(value: 0)
        let runner = Thread {
            engineThread.withLock { $0 = Thread.current }
            engine.run()
            finished.signal()
        }
        runner.start()
        let producers = 4
        let perProducer = 2_000
        let done = DispatchGroup()
        for producer in 0..<producers {
            done.enter()
            Thread {
                for i in 0..<perProducer {
                    engine.submit {
                        if engineThread.withLock({ $0 }) !== Thread.current { offThread.add(1, ordering: .relaxed) }
                        log.withLock { $0[producer, default: []].append(i) }
                    }
                }
                done.leave()
            }.start()
        }
        #expect(done.wait(timeout: .now() + 30) == .success)
        let drained = DispatchSemaphore(value: 0)
        engine.submit { drained.signal() }
        #expect(drained.wait(timeout: .now() + 30) == .success)
        engine.stop()
        #expect(finished.wait(timeout: .now() + 30) == .success)
        let seen = log.withLock { $0 }
        for producer in 0..<producers {
            #expect(seen[producer] == Array(0..<perProducer))
        }
        #expect(offThread.load(ordering: .relaxed) == 0)
        #expect(engine.statistics.submissions == UInt64(producers * perProducer + 1))
    }

    /// An idle engine waits in epoll, and a stop from another thread ends
    /// its wait at once rather than at the next timer.
    @Test func stopWakesAnIdleEngine() throws {
        let ndis = Ndis()
        let stack = TCPIPStack(ndis: ndis, configuration: .init(seed: 2))
        let engine = try Engine(stack: stack)
        defer { withExtendedLifetime(ndis) {} }
        let started = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        Thread {
            engine.submit { started.signal() }
            engine.run()
            finished.signal()
        }.start()
        #expect(started.wait(timeout: .now() + 30) == .success)
        engine.stop()
        #expect(finished.wait(timeout: .now() + 30) == .success)
        #expect(engine.isStopping)
    }

    @Test func theSubmissionStackFreesWhatNobodyDrained() {
        let count = Mutex(0)
        do {
            let stack = SubmissionStack()
            for _ in 0..<100 {
                let box = Witness { count.withLock { $0 += 1 } }
                stack.push { _ = box }
            }
        }
        #expect(count.withLock { $0 } == 100)
    }
}

/// Calls `onDeinit` when freed, to show a submission's closure was released.
private final class Witness: Sendable {
    let onDeinit: @Sendable () -> Void
    init(_ onDeinit: @escaping @Sendable () -> Void) { self.onDeinit = onDeinit }
    deinit { onDeinit() }
}
