import CHeapUsage
import NetCore
import TCPIP
import WSK

/// What an idle datagram socket costs in memory: many sockets opened and
/// bound to port 0, nothing sent, the heap weighed before and after — the
/// socket object and its entry in the stack's UDP demultiplexer, with the
/// table's growth shared out among them. Closing them must leave the
/// demultiplexer empty.
public final class WskSocketMemoryBench {
    public let simulation = Simulation(seed: 6)
    let host: SimHost
    let client: WskBenchClient
    var sockets: [WskDatagramSocket] = []

    /// A bench whose client keeps up to `capacity` open sockets without
    /// growing its own array, which is not the stack's memory and must not
    /// be weighed with it.
    public init(capacity: Int = 10_000) {
        // No adapter: a wildcard bind needs no local address, and no frame is sent.
        host = simulation.addHost("alice")
        client = WskBenchClient(host: host)
        sockets.reserveCapacity(capacity)
    }

    /// Opens and binds `count` more sockets and keeps them open.
    public func open(sockets count: Int) {
        for _ in 0..<count {
            let socket = client.datagramSocket()
            client.bind(socket, to: .v4(.any, port: 0))
            sockets.append(socket)
        }
    }

    /// Closes every socket `open` left open.
    public func closeAll() {
        for socket in sockets { client.close(socket) }
        sockets.removeAll(keepingCapacity: true)
    }

    /// Opens `count` sockets (no more than the capacity), weighs the heap
    /// by the C allocator's books (malloc's overhead included), then closes
    /// them. Nil where the C library keeps no such books.
    public func bytesPerSocket(sockets count: Int) -> Double? {
        precondition(sockets.isEmpty && count <= sockets.capacity, "the client's array does not grow while weighed")
        let before = cheap_usage_bytes_in_use()
        open(sockets: count)
        let after = cheap_usage_bytes_in_use()
        closeAll()
        guard before > 0 else { return nil }
        return Double(after - before) / Double(count)
    }

    /// Endpoints in the stack's UDP table and sockets open in its WSK
    /// subsystem: zero once every socket is closed.
    public var socketsOutstanding: Int {
        host.stack.udpEndpoints.count + host.wsk.statistics.socketsOpen
    }
}
