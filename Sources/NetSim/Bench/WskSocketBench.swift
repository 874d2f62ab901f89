import NetCore
import TCPIP
import WSK

/// The cost of a datagram socket's life without traffic: WskSocket then
/// WskCloseSocket, optionally with WskBind to port 0 in between — the
/// socket object, the registration's count, and for a bound socket the
/// ephemeral port choice (RFC 6056) and the claim and release in the UDP
/// demultiplexer.
public final class WskSocketBench {
    public let simulation = Simulation(seed: 5)
    let host: SimHost
    let client: WskBenchClient

    public init() {
        // No adapter: a wildcard bind needs no local address, and no frame is sent.
        host = simulation.addHost("alice")
        client = WskBenchClient(host: host)
        // Let the table and the registration reach their steady sizes before anything is measured.
        run(sockets: 100, bind: true)
        run(sockets: 100, bind: false)
    }

    /// Opens and closes `count` sockets one after the other, each bound to
    /// 0.0.0.0 port 0 when `bind`; returns how many were opened.
    @discardableResult
    public func run(sockets count: Int, bind: Bool) -> Int {
        for _ in 0..<count {
            let socket = client.datagramSocket()
            if bind { client.bind(socket, to: .v4(.any, port: 0)) }
            client.close(socket)
        }
        return count
    }

    /// Sockets open in the subsystem plus endpoints in the UDP table: zero between runs.
    public var socketsOutstanding: Int {
        host.wsk.statistics.socketsOpen + host.stack.udpEndpoints.count
    }
}
