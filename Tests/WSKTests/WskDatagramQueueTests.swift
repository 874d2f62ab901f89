import NetCore
import NetSim
import Testing
@testable import WSK

/// A socket's two queues — posted WskReceiveFrom IRPs and datagrams waiting
/// for one — stay the size of what is actually waiting when they never
/// empty, as with a client that keeps receives posted.
@Suite struct WskDatagramQueueTests {
    @Test func receivesKeptPostedDoNotAccumulate() {
        let pair = WskPair()
        let server = pair.datagramSocket(pair.bobNpi)
        _ = server.bind(.v4(.any, port: 7), irp: IRP())
        let client = pair.datagramSocket(pair.aliceNpi)
        _ = client.bind(.v4(.any, port: 0), irp: IRP())
        let into = ClientBuffer(capacity: 64)
        let payload = ClientBuffer([1, 2, 3])
        var irps = (0..<4).map { _ in IRP() }
        for irp in irps { #expect(server.receiveFrom(into.buf(), irp: irp) == .pending) }
        for _ in 0..<200 {
            _ = client.sendTo(payload.buf(), remoteAddress: .v4(WskPair.bobV4, port: 7), irp: IRP())
            pair.sim.run(for: .milliseconds(5))
            // The oldest completed; post a fresh one in its place.
            #expect(irps[0].ioStatus.information == 3)
            irps.removeFirst()
            irps.append(IRP())
            #expect(server.receiveFrom(into.buf(), irp: irps[3]) == .pending)
        }
        #expect(server.receives.count - server.receivesHead == 4)
        #expect(server.receives.count <= 32)
        _ = server.closeSocket(IRP())
        #expect(irps.allSatisfy { $0.ioStatus.status == .cancelled })
        _ = client.closeSocket(IRP())
    }

    @Test func aBacklogThatNeverDrainsDoesNotAccumulate() {
        let pair = WskPair()
        let server = pair.datagramSocket(pair.bobNpi)
        _ = server.bind(.v4(.any, port: 7), irp: IRP())
        let client = pair.datagramSocket(pair.aliceNpi)
        _ = client.bind(.v4(.any, port: 0), irp: IRP())
        let into = ClientBuffer(capacity: 64)
        let payload = ClientBuffer([1, 2, 3])
        let destination = SocketAddress.v4(WskPair.bobV4, port: 7)
        _ = client.sendTo(payload.buf(), remoteAddress: destination, irp: IRP())
        for _ in 0..<200 {
            _ = client.sendTo(payload.buf(), remoteAddress: destination, irp: IRP())
            pair.sim.run(for: .milliseconds(5))
            // One in, one out: a datagram is always left waiting.
            #expect(server.receiveFrom(into.buf(), irp: IRP()) == .success)
        }
        #expect(server.queue.count - server.queueHead == 1)
        #expect(server.queue.count <= 32)
        _ = server.closeSocket(IRP())
        _ = client.closeSocket(IRP())
        pair.sim.run(for: .seconds(1))
        #expect(pair.sim.buffersOutstanding == 0)
    }
}
