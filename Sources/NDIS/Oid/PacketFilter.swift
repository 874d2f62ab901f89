/// NDIS_PACKET_TYPE_*: the receive filter bits of OID_GEN_CURRENT_PACKET_FILTER.
public struct PacketFilter: OptionSet, Hashable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// NDIS_PACKET_TYPE_DIRECTED
    public static let directed = PacketFilter(rawValue: 0x1)
    /// NDIS_PACKET_TYPE_MULTICAST
    public static let multicast = PacketFilter(rawValue: 0x2)
    /// NDIS_PACKET_TYPE_ALL_MULTICAST
    public static let allMulticast = PacketFilter(rawValue: 0x4)
    /// NDIS_PACKET_TYPE_BROADCAST
    public static let broadcast = PacketFilter(rawValue: 0x8)
    /// NDIS_PACKET_TYPE_PROMISCUOUS
    public static let promiscuous = PacketFilter(rawValue: 0x20)
    /// NDIS_PACKET_TYPE_ALL_LOCAL
    public static let allLocal = PacketFilter(rawValue: 0x80)
}
