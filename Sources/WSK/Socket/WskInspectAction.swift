/// WSK_INSPECT_ACTION: what a conditional-accept listener's client decides
/// about a connection request (WskInspectEvent's answer, WskInspectComplete's input).
public enum WskInspectAction: UInt32, Sendable {
    /// WskInspectReject: refuse it — a RST answers the SYN, no SYN-ACK is sent.
    case reject = 0
    /// WskInspectAccept: let the handshake go on; WskAccept or WskAcceptEvent
    /// delivers the connection, or WskAbortEvent reports its loss.
    case accept = 1
    /// WskInspectPend: decide later with WskInspectComplete; the SYN waits unanswered.
    case pend = 2
}
