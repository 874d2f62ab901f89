import NDIS

/// The frame being processed, while the stack handles it: lets a transport
/// keep the frame itself rather than copy it, when the miniport allows.
struct ReceiveContext {
    /// The received frame.
    let list: NetBufferList
    /// The binding it came through, and must go back through.
    let binding: ProtocolBinding
    /// False when the miniport indicated with NDIS_RECEIVE_FLAGS_RESOURCES
    /// (it needs the frame back at once), or once the frame reaches more
    /// than one endpoint.
    var canRetain: Bool
    /// Set when a transport kept the frame: it is then not returned with the batch.
    var retained = false
}
