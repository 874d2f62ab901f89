/// A conditional-accept verdict on a held SYN (WSK_INSPECT_ACTION).
public enum TCPInspectDecision: Sendable {
    /// WskInspectAccept: answer the SYN.
    case accept
    /// WskInspectReject: answer with RST.
    case reject
    /// WskInspectPend: decide later with `TCPListener.completeInspect`.
    case pending
}
