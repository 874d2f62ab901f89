/// Why a Neighbor Discovery message could not be viewed (RFC 4861 §6.1,
/// §7.1, §8.1): the faults that make a view unsafe to read. Shared by the
/// five message views and their options, since a bad option discards the
/// whole message whichever message it is in; each case is a drop counter.
public enum NDPMalformation: Error, Sendable, Equatable, CaseIterable {
    /// The ICMP length is below the message's fixed part.
    case truncated
    /// The ICMPv6 type is not the one the view is for.
    case wrongType
    /// An option with Length 0 (RFC 4861 §4.6): it would make a receiver
    /// loop forever, so the whole message is discarded.
    case zeroLengthOption
    /// An option, or its type and length bytes, runs past the end of the message.
    case optionOverrun
}
