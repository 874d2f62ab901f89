/// NDIS_PORT_NUMBER: the NDIS port a send or indication belongs to; 0 is the
/// default port every adapter has.
public struct NdisPortNumber: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// NDIS_DEFAULT_PORT_NUMBER
    public static let `default` = NdisPortNumber(rawValue: 0)
}
