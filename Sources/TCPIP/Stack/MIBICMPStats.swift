/// MIBICMPSTATS_EX: one direction's ICMP counts (received, or sent) in
/// `MIBICMPStatsEx`. Not the older MIBICMPSTATS, which names a counter per
/// ICMPv4 type; this one counts by type number, for either family.
///
/// The fields are DWORDs, as in Windows: each keeps the low 32 bits of the
/// stack's 64-bit count and wraps as a Counter32 does (RFC 2578).
public struct MIBICMPStats: Sendable, Equatable {
    /// dwMsgs: messages received or sent, those in error included.
    public var msgs: UInt32
    /// dwErrors: messages with ICMP-level errors: received ones that were
    /// malformed (RFC 2011's icmpInErrors), or ones ICMP could not send
    /// (icmpOutErrors).
    public var errors: UInt32
    /// rgdwTypeCount[256]: messages by ICMP type, indexed by the Type field.
    public var typeCount: [UInt32]
}
