/// A connection's state (RFC 9293 §3.3.2), as MIB_TCP_STATE numbers them
/// (MIB_TCP_STATE_CLOSED = 1 … MIB_TCP_STATE_DELETE_TCB = 12).
public enum TCPState: Int, Sendable, CaseIterable, CustomStringConvertible {
    case closed = 1
    case listen = 2
    case synSent = 3
    case synReceived = 4
    case established = 5
    case finWait1 = 6
    case finWait2 = 7
    case closeWait = 8
    case closing = 9
    case lastAck = 10
    case timeWait = 11

    /// Past the handshake: both sequence spaces are known (RFC 9293's "synchronized" states).
    public var isSynchronized: Bool {
        switch self {
        case .closed, .listen, .synSent, .synReceived: false
        default: true
        }
    }

    /// Whether data from the peer is still accepted (it has not sent its FIN).
    var receivesData: Bool { self == .established || self == .finWait1 || self == .finWait2 }

    /// Whether this side may still send data (no FIN queued or sent).
    var sendsData: Bool { self == .established || self == .closeWait || self == .synSent || self == .synReceived }

    public var description: String {
        switch self {
        case .closed: "CLOSED"
        case .listen: "LISTEN"
        case .synSent: "SYN-SENT"
        case .synReceived: "SYN-RECEIVED"
        case .established: "ESTABLISHED"
        case .finWait1: "FIN-WAIT-1"
        case .finWait2: "FIN-WAIT-2"
        case .closeWait: "CLOSE-WAIT"
        case .closing: "CLOSING"
        case .lastAck: "LAST-ACK"
        case .timeWait: "TIME-WAIT"
        }
    }
}
