/// What a SYN cookie carries of the SYN it answers (the state a listener
/// would otherwise keep in its SYN queue), recovered from the ACK that
/// completes the handshake.
public struct TCPSYNCookieParameters: Hashable, Sendable {
    /// The peer's MSS as decoded: the `TCPSYNCookies.mssTable` entry at or
    /// below what the SYN offered.
    public var maximumSegmentSize: UInt16
    /// The peer's window shift (nil: the SYN had no Window Scale option, so
    /// neither side scales; RFC 7323 §2.2).
    public var windowScale: UInt8?
    /// Whether the SYN carried SACK-Permitted.
    public var sackPermitted: Bool

    @inlinable
    public init(maximumSegmentSize: UInt16, windowScale: UInt8?, sackPermitted: Bool) {
        self.maximumSegmentSize = maximumSegmentSize
        self.windowScale = windowScale
        self.sackPermitted = sackPermitted
    }
}
