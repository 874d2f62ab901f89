import NetCore

/// The options area of a Neighbor Discovery message (RFC 4861 §4.6;
/// ND_OPTION_HDR in Windows), checked when made so that iterating it can
/// neither fail nor allocate: every option has a nonzero length and fits.
public struct NDPOptions: Sequence {
    /// The options area: everything after the message's fixed part.
    public let bytes: UnsafeRawBufferPointer

    /// A checked view: walks every option's Length once.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) throws(NDPMalformation) {
        var offset = 0
        while offset < bytes.count {
            guard bytes.count - offset >= 2 else { throw .optionOverrun }
            let length = Int(bytes[offset + 1]) * 8
            guard length != 0 else { throw .zeroLengthOption }
            guard length <= bytes.count - offset else { throw .optionOverrun }
            offset += length
        }
        self.bytes = bytes
    }

    /// Yields the options this stack understands, in order, skipping the rest.
    public struct Iterator: IteratorProtocol {
        /// The options area.
        @usableFromInline let bytes: UnsafeRawBufferPointer
        /// Where the next option starts.
        @usableFromInline var offset: Int

        /// Starts at the first option.
        @inlinable
        init(_ bytes: UnsafeRawBufferPointer) {
            self.bytes = bytes
            offset = 0
        }

        /// The next option of a known type and usable length, or nil at the end.
        @inlinable
        public mutating func next() -> NDPOption? {
            // The area was checked when made; the guards only keep a bad
            // length from ever reading out of bounds.
            while bytes.count - offset >= 2 {
                let start = offset
                let length = Int(bytes[start + 1]) * 8
                guard length != 0, length <= bytes.count - start else {
                    offset = bytes.count
                    return nil
                }
                offset += length
                let option = bytes.slice(start, length)
                switch NDPOptionType(rawValue: option[0]) {
                case .sourceLinkLayerAddress where length == NDPOption.linkLayerAddressLength:
                    return .sourceLinkLayerAddress(MACAddress(bytes: option.slice(2, 6)))
                case .targetLinkLayerAddress where length == NDPOption.linkLayerAddressLength:
                    return .targetLinkLayerAddress(MACAddress(bytes: option.slice(2, 6)))
                case .prefixInformation where length == NDPPrefixInformation.length:
                    return .prefixInformation(NDPPrefixInformation(unchecked: option))
                case .redirectedHeader:
                    return .redirectedHeader(option.slice(8, length - 8))
                case .mtu where length == NDPOption.mtuLength:
                    return .mtu(option.loadBigEndianUInt32(at: 4))
                default:
                    continue
                }
            }
            return nil
        }
    }

    /// An iterator from the first option.
    @inlinable
    public func makeIterator() -> Iterator { Iterator(bytes) }

    /// Whether any option, usable or not, has type `type`: some checks
    /// (RFC 4861 §6.1.1, §7.1.1) forbid an option's mere presence.
    @inlinable
    public func contains(_ type: NDPOptionType) -> Bool {
        var offset = 0
        while bytes.count - offset >= 2 {
            if bytes[offset] == type.rawValue { return true }
            let length = Int(bytes[offset + 1]) * 8
            guard length != 0 else { return false }
            offset += length
        }
        return false
    }

    /// The first Source Link-Layer Address option's address.
    @inlinable
    public var sourceLinkLayerAddress: MACAddress? {
        for case .sourceLinkLayerAddress(let address) in self { return address }
        return nil
    }

    /// The first Target Link-Layer Address option's address.
    @inlinable
    public var targetLinkLayerAddress: MACAddress? {
        for case .targetLinkLayerAddress(let address) in self { return address }
        return nil
    }

    /// The first MTU option's value.
    @inlinable
    public var mtu: UInt32? {
        for case .mtu(let value) in self { return value }
        return nil
    }
}
