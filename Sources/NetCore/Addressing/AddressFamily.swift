/// An address family (ADDRESS_FAMILY), with the Windows numbering.
///
/// The raw values are Winsock's (AF_INET6 is 23 there, not Linux's 10), so
/// values can be shown and compared as a Windows tool would show them.
public enum AddressFamily: UInt16, Hashable, Sendable {
    /// AF_INET: IPv4.
    case inet = 2
    /// AF_INET6: IPv6.
    case inet6 = 23
}
