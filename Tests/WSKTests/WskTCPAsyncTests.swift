import NDIS
import NetCore
import NetSim
import Synchronization
import TCPIP
import Testing
import WSK

/// The async overlay over TCP sockets: connect, accept (one by one and as a
/// sequence), send, receive, the byte stream, disconnect; task
/// cancellation cancels the IRP underneath. The tasks' WSK calls run on
/// the simulation's thread, which the test body drives.
@Suite struct WskTCPAsyncTests {
    static func pump(_ f: TCPFixture, until condition: () -> Bool) async -> Bool {
        await f.sim.pump(until: condition)
    }

    @Test(.timeLimit(.minutes(1)), arguments: [AddressFamily.inet, .inet6])
    func aRoundTripThroughTheOverlay(family: AddressFamily) async throws {
        let f = TCPFixture()
        let listener = f.listener(family: family, port: 7)
        let client = f.connectionSocket(f.pair.aliceNpi, family: family)
        let payload = pattern(200_000)
        let lent = ClientBuffer(payload)
        let region = UncheckedBox(UnsafeRawBufferPointer(lent.region))
        let serverDone = Signal(f.sim)
        let clientDone = Signal(f.sim)
        let server = Task {
            defer { serverDone.set() }
            let connection = try await listener.accept()
            var received: [UInt8] = []
            for try await chunk in connection.bytes(maxChunk: 10_000) {
                #expect(chunk.count <= 10_000)
                received += chunk
            }
            try await connection.send(Array(received.reversed()))
            try await connection.disconnect()
            await connection.close()
            return received
        }
        let reply = Task {
            defer { clientDone.set() }
            try await client.bind(TCPFixture.wildcard(family))
            try await client.connect(to: TCPFixture.address(of: "bob", family, port: 7))
            // The bytes are lent in place: `lent` outlives the send.
            try await client.send(region.value)
            try await client.disconnect()
            var reply: [UInt8] = []
            while true {
                let chunk = try await client.receive(max: 4096)
                if chunk.isEmpty { break }
                reply += chunk
            }
            return reply
        }
        guard await Self.pump(f, until: { serverDone.isSet && clientDone.isSet }) else {
            Issue.record("the exchange did not finish")
            return
        }
        #expect(try await server.value == payload)
        #expect(try await reply.value == Array(payload.reversed()))
        withExtendedLifetime(lent) {}
        f.finish()
    }

    @Test(.timeLimit(.minutes(1)))
    func theAcceptSequenceYieldsEachConnectionAndEndsAtClose() async throws {
        let f = TCPFixture()
        let listener = f.listener(family: .inet6)
        let accepted = AtomicCounter(f.sim)
        let done = Signal(f.sim)
        let accepting = Task {
            defer { done.set() }
            for try await connection in listener.connections {
                accepted.increment()
                await connection.close()
            }
            return accepted.value
        }
        for i in 1...3 {
            let (_, connect) = f.connect(family: .inet6)
            #expect(await Self.pump(f, until: { accepted.value == i }))
            #expect(connect.irp.ioStatus.status == .success)
        }
        // Closing the listener ends the sequence.
        #expect(f.call { listener.closeSocket($0) }.status == .success)
        #expect(await Self.pump(f, until: { done.isSet }))
        #expect(try await accepting.value == 3)
        f.finish()
    }

    @Test(.timeLimit(.minutes(1)))
    func cancellingTheTaskCancelsTheReceive() async throws {
        let f = TCPFixture()
        let (_, client, server) = f.established(family: .inet)
        let receiving = Task { try await server.receive(max: 10) }
        // Let the receive reach the socket, then cancel the task.
        await f.sim.submissions.workAvailable()
        f.run(.milliseconds(1))
        receiving.cancel()
        await f.sim.submissions.workAvailable()
        f.run(.milliseconds(1))
        await #expect(throws: NTStatus.cancelled) { try await receiving.value }
        // The connection still works.
        f.send([1, 2], on: client)
        f.run()
        #expect(f.receive(on: server).bytes == [1, 2])
        f.finish()
    }

    @Test(.timeLimit(.minutes(1)))
    func cancellingAnAcceptSequenceEndsIt() async throws {
        let f = TCPFixture()
        let listener = f.listener(family: .inet)
        let accepting = Task {
            var count = 0
            for try await _ in listener.connections { count += 1 }
            return count
        }
        await f.sim.submissions.workAvailable()
        f.run(.milliseconds(1))
        accepting.cancel()
        await f.sim.submissions.workAvailable()
        f.run(.milliseconds(1))
        #expect(try await accepting.value == 0)
        f.finish()
    }

    @Test(.timeLimit(.minutes(1)))
    func theOverlayThrowsTheWindowsStatus() async throws {
        let f = TCPFixture()
        let client = f.connectionSocket(f.pair.aliceNpi, family: .inet)
        let done = Signal(f.sim)
        let outcome = Task { () -> [NTStatus] in
            defer { done.set() }
            var seen: [NTStatus] = []
            do throws(NTStatus) { try await client.connect(to: .v4(WskPair.bobV4, port: 1)) } catch { seen.append(error) }
            do throws(NTStatus) { try await client.bind(.v6(.unspecified, port: 0)) } catch { seen.append(error) }
            do throws(NTStatus) { try await client.bind(.v4(.any, port: 0)) } catch { seen.append(error) }
            do throws(NTStatus) { try await client.connect(to: .v4(WskPair.bobV4, port: 1)) } catch { seen.append(error) }
            do throws(NTStatus) { _ = try await client.receive() } catch { seen.append(error) }
            return seen
        }
        #expect(await Self.pump(f, until: { done.isSet }))
        #expect(await outcome.value == [NTStatus.invalidDeviceState, .invalidAddress, .connectionRefused,
                                        .invalidDeviceState])
        f.finish()
    }
}

/// A flag a task sets and the simulation's pump reads; setting it also
/// submits, for a pump that sleeps while nothing is submitted.
final class Signal: Sendable {
    private let flag = AtomicFlag()
    private let submissions: SubmissionQueue

    init(_ sim: Simulation) { submissions = sim.submissions }

    func set() {
        flag.set()
        submissions.submit {}
    }

    var isSet: Bool { flag.isSet }
}

/// A count tasks increment and the pump reads; incrementing also submits.
final class AtomicCounter: Sendable {
    private let count = Atomic<Int>(0)
    private let submissions: SubmissionQueue

    init(_ sim: Simulation) { submissions = sim.submissions }

    func increment() {
        count.wrappingAdd(1, ordering: .acquiringAndReleasing)
        submissions.submit {}
    }

    var value: Int { count.load(ordering: .acquiring) }
}

extension Simulation {
    /// Runs the simulation until `condition` holds, a millisecond of
    /// virtual time at a time, letting the tasks whose calls it runs have
    /// real time in between: virtual time must not race past a task that
    /// is about to make its next call (a slow reader is not what the test
    /// is about). False after `limit` of virtual time.
    func pump(until condition: () -> Bool, limit: Duration = .seconds(120)) async -> Bool {
        let end = clock.now + limit
        while !condition() {
            run(for: .milliseconds(1))
            guard clock.now < end else { return condition() }
            await Task.yield()
            if !condition() { try? await Task.sleep(for: .microseconds(100)) }
        }
        return true
    }
}
