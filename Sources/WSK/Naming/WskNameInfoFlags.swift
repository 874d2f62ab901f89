/// The Flags argument of WskGetNameInfo (ws2def.h NI_*).
public struct WskNameInfoFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// NI_NOFQDN: only the host part of a name — everything before the first dot.
    public static let noFullyQualifiedName = WskNameInfoFlags(rawValue: 0x1)
    /// NI_NUMERICHOST: the address as text; no name is looked up.
    public static let numericHost = WskNameInfoFlags(rawValue: 0x2)
    /// NI_NAMEREQD: fail with STATUS_NO_MATCH rather than fall back to the
    /// numeric address when the address has no name.
    public static let nameRequired = WskNameInfoFlags(rawValue: 0x4)
    /// NI_NUMERICSERV: the port as a number, not a service name.
    public static let numericService = WskNameInfoFlags(rawValue: 0x8)
    /// NI_DGRAM: name the port as a UDP service rather than a TCP one (the
    /// two differ for ports such as 80, http over TCP only, and 123, ntp
    /// over UDP only).
    public static let datagram = WskNameInfoFlags(rawValue: 0x10)
}
