/// ICMPv6 counters (MIB_ICMP_EX for AF_INET6), per message and per drop reason.
public struct ICMPv6Statistics: Sendable, Equatable {
    /// Messages received.
    public var received: UInt64 = 0
    /// Shorter than the ICMPv6 header.
    public var truncated: UInt64 = 0
    /// Checksum over the pseudo-header wrong.
    public var badChecksum: UInt64 = 0
    public var echoRequestsIn: UInt64 = 0
    public var echoRepliesIn: UInt64 = 0
    public var echoRequestsOut: UInt64 = 0
    public var echoRepliesOut: UInt64 = 0
    /// Types this host neither handles nor needs (MLD among them).
    public var otherTypes: UInt64 = 0
    public var destinationUnreachableIn: UInt64 = 0
    public var packetTooBigIn: UInt64 = 0
    public var timeExceededIn: UInt64 = 0
    public var parameterProblemIn: UInt64 = 0
    public var destinationUnreachableOut: UInt64 = 0
    public var packetTooBigOut: UInt64 = 0
    public var timeExceededOut: UInt64 = 0
    public var parameterProblemOut: UInt64 = 0
    /// Errors not sent because RFC 4443 §2.4(e) forbids them.
    public var errorsSuppressed: UInt64 = 0
    /// Errors not sent because the token bucket was empty (RFC 4443 §2.4(f)).
    public var errorsRateLimited: UInt64 = 0
    /// Errors received whose quoted packet could not be read.
    public var errorsMalformed: UInt64 = 0
    /// Path MTUs lowered by Packet Too Big.
    public var pathMTUUpdates: UInt64 = 0
}
