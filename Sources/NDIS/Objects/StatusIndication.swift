import NetCore

/// NDIS_STATUS_INDICATION: a status a miniport (or filter) reports up the
/// stack, such as NDIS_STATUS_LINK_STATE.
public struct StatusIndication: Sendable {
    /// SourceHandle: who raised it.
    public var sourceHandle: NdisHandle
    /// PortNumber.
    public var portNumber: NdisPortNumber
    /// StatusCode.
    public var statusCode: NDISStatus
    /// StatusBuffer.
    public var statusBuffer: [UInt8]

    public init(statusCode: NDISStatus, statusBuffer: [UInt8] = [], sourceHandle: NdisHandle = .none,
                portNumber: NdisPortNumber = .default) {
        self.statusCode = statusCode
        self.statusBuffer = statusBuffer
        self.sourceHandle = sourceHandle
        self.portNumber = portNumber
    }

    /// An NDIS_STATUS_LINK_STATE indication carrying `state`.
    public static func linkState(_ state: LinkState) -> StatusIndication {
        StatusIndication(statusCode: .linkState, statusBuffer: state.bytes)
    }

    /// The link state carried by an NDIS_STATUS_LINK_STATE indication.
    public var linkState: LinkState? {
        statusCode == .linkState ? LinkState(bytes: statusBuffer) : nil
    }
}
