import NetCore

extension IPv4Header {
    /// The one's-complement sum of the IPv4 pseudo-header (RFC 768, RFC 793
    /// §3.1): source, destination, a zero byte, the protocol and the
    /// upper-layer length as 16 bits. UDP and TCP start their checksum from
    /// it so that a datagram delivered to the wrong address or protocol
    /// fails the check even though the IP header checksum is right.
    @inlinable
    public static func pseudoHeaderSum(source: IPv4Address, destination: IPv4Address, upperLayerLength: Int,
                                       protocolNumber: IPProtocol) -> InternetChecksum {
        // The field is 16 bits: a longer length cannot be in an IPv4 datagram,
        // and truncating it would give a checksum no receiver could match.
        precondition(upperLayerLength >= 0 && upperLayerLength <= 0xFFFF, "IPv4 upper-layer length out of range")
        var sum = InternetChecksum()
        sum.add(source.rawValue)
        sum.add(destination.rawValue)
        sum.add(UInt16(protocolNumber.rawValue))
        sum.add(UInt16(upperLayerLength))
        return sum
    }
}
