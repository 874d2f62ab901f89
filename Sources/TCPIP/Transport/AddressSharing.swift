/// How a socket shares its transport address with others bound to the same
/// port (WSK §6.2): the default, SO_REUSEADDR, or SO_EXCLUSIVEADDRUSE.
public enum AddressSharing: Sendable, Hashable, CaseIterable {
    /// Neither option: sharing only as the default rules allow.
    case none
    /// SO_REUSEADDR: may bind on top of another socket that allows it.
    case reuseAddress
    /// SO_EXCLUSIVEADDRUSE: nobody may bind on top of this socket.
    case exclusive
}
