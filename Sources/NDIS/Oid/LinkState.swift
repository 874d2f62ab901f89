/// NDIS_MEDIA_CONNECT_STATE.
public enum MediaConnectState: UInt32, Sendable {
    /// MediaConnectStateUnknown
    case unknown = 0
    /// MediaConnectStateConnected
    case connected = 1
    /// MediaConnectStateDisconnected
    case disconnected = 2
}

/// NDIS_MEDIA_DUPLEX_STATE.
public enum MediaDuplexState: UInt32, Sendable {
    /// MediaDuplexStateUnknown
    case unknown = 0
    /// MediaDuplexStateHalf
    case half = 1
    /// MediaDuplexStateFull
    case full = 2
}

/// NDIS_LINK_STATE: the buffer of an NDIS_STATUS_LINK_STATE indication and
/// the answer to OID_GEN_LINK_STATE.
public struct LinkState: Hashable, Sendable {
    /// MediaConnectState.
    public var mediaConnectState: MediaConnectState
    /// MediaDuplexState.
    public var mediaDuplexState: MediaDuplexState
    /// XmitLinkSpeed in bit/s.
    public var xmitLinkSpeed: UInt64
    /// RcvLinkSpeed in bit/s.
    public var rcvLinkSpeed: UInt64
    /// PauseFunctions (NDIS_SUPPORTED_PAUSE_FUNCTIONS).
    public var pauseFunctions: UInt32
    /// AutoNegotiationFlags.
    public var autoNegotiationFlags: UInt32

    public init(mediaConnectState: MediaConnectState, mediaDuplexState: MediaDuplexState = .full,
                xmitLinkSpeed: UInt64, rcvLinkSpeed: UInt64, pauseFunctions: UInt32 = 0, autoNegotiationFlags: UInt32 = 0) {
        self.mediaConnectState = mediaConnectState
        self.mediaDuplexState = mediaDuplexState
        self.xmitLinkSpeed = xmitLinkSpeed
        self.rcvLinkSpeed = rcvLinkSpeed
        self.pauseFunctions = pauseFunctions
        self.autoNegotiationFlags = autoNegotiationFlags
    }

    /// The structure's bytes: NDIS_OBJECT_HEADER, then the fields in order, little-endian.
    public var bytes: [UInt8] {
        var b: [UInt8] = [0x80, 1, 36, 0]
        b += OidRequest.littleEndianBytes(mediaConnectState.rawValue)
        b += OidRequest.littleEndianBytes(mediaDuplexState.rawValue)
        b += OidRequest.littleEndianBytes(xmitLinkSpeed)
        b += OidRequest.littleEndianBytes(rcvLinkSpeed)
        b += OidRequest.littleEndianBytes(pauseFunctions)
        b += OidRequest.littleEndianBytes(autoNegotiationFlags)
        return b
    }

    /// Decodes the structure from its bytes, or nil when too short or malformed.
    public init?(bytes: [UInt8]) {
        guard bytes.count >= 36,
              let connect = MediaConnectState(rawValue: OidRequest.readLittleEndian(bytes, at: 4, as: UInt32.self)),
              let duplex = MediaDuplexState(rawValue: OidRequest.readLittleEndian(bytes, at: 8, as: UInt32.self))
        else { return nil }
        self.init(mediaConnectState: connect, mediaDuplexState: duplex,
                  xmitLinkSpeed: OidRequest.readLittleEndian(bytes, at: 12, as: UInt64.self),
                  rcvLinkSpeed: OidRequest.readLittleEndian(bytes, at: 20, as: UInt64.self),
                  pauseFunctions: OidRequest.readLittleEndian(bytes, at: 28, as: UInt32.self),
                  autoNegotiationFlags: OidRequest.readLittleEndian(bytes, at: 32, as: UInt32.self))
    }
}
