import NetCore

extension IPv6Address {
    /// The address formed from a prefix and a 64-bit interface identifier, as
    /// SLAAC does (RFC 4862 §5.5.3): the prefix's bits, zeros up to bit 64,
    /// then the identifier. Nil for a prefix longer than 64 bits, since the
    /// identifier would overwrite part of it; RFC 4862 has the host ignore
    /// such a Prefix Information option rather than guess.
    @inlinable
    public init?(prefix: IPv6Prefix, interfaceIdentifier: UInt64) {
        guard prefix.length <= 64 else { return nil }
        self.init(high: prefix.network.high, low: interfaceIdentifier)
    }

    /// The low 64 bits: the interface identifier of any address outside
    /// ::/3's exceptions (RFC 4291 §2.5.1), which is every SLAAC address.
    @inlinable
    public var interfaceIdentifier: UInt64 { low }
}
