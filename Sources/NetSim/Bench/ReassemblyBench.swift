import NetCore
import TCPIP

/// The cost of putting one 60 KB datagram back together from the fragments
/// a 1500-byte link carries — 41 of 1480 bytes over IPv4, 42 of 1448 over
/// IPv6: the copies into the datagram's slot, the range bookkeeping, and
/// the header fix-up on completion.
public final class ReassemblyBench {
    var reassembler = Reassembler()
    let payload: UnsafeMutableRawBufferPointer
    let header: UnsafeMutableRawBufferPointer
    var identification: UInt16 = 0
    /// Bytes of payload per datagram.
    public let datagramLength: Int
    /// Which IP's fragments.
    public let family: AddressFamily
    /// Payload bytes per fragment.
    public let fragmentSize: Int
    static let source6 = IPv6Address(0x2001, 0xDB8, 0, 0, 0, 0, 0, 1)
    static let destination6 = IPv6Address(0x2001, 0xDB8, 0, 0, 0, 0, 0, 2)

    public init(datagramLength: Int = 60_000, family: AddressFamily = .inet) {
        self.datagramLength = datagramLength
        self.family = family
        payload = .allocate(byteCount: datagramLength, alignment: 8)
        for i in 0..<datagramLength { payload[i] = UInt8(truncatingIfNeeded: i &* 31) }
        switch family {
        case .inet:
            fragmentSize = 1_480
            header = .allocate(byteCount: 20, alignment: 8)
            IPv4Header.emit(into: header, source: IPv4Address(192, 0, 2, 1), destination: IPv4Address(192, 0, 2, 2),
                            protocolNumber: .udp, payloadLength: 0, identification: 0, timeToLive: 64)
        case .inet6:
            fragmentSize = 1_448
            header = .allocate(byteCount: IPv6Header.length, alignment: 8)
            IPv6Header.emit(into: header, source: Self.source6, destination: Self.destination6, nextHeader: .fragment,
                            payloadLength: 0, hopLimit: 64)
        }
    }

    /// The datagram `identification` belongs to.
    func key() -> ReassemblyKey {
        switch family {
        case .inet:
            return ReassemblyKey(source: IPv4Address(192, 0, 2, 1), destination: IPv4Address(192, 0, 2, 2),
                                 protocolNumber: 17, identification: identification)
        case .inet6:
            return ReassemblyKey(source: Self.source6, destination: Self.destination6, nextHeader: 17,
                                 identification: UInt32(identification))
        }
    }

    deinit {
        reassembler.removeAll()
        payload.deallocate()
        header.deallocate()
    }

    /// Reassembles `count` datagrams; returns how many completed.
    public func run(datagrams count: Int) -> Int {
        var completed = 0
        for _ in 0..<count {
            identification &+= 1
            let key = key()
            var offset = 0
            while offset < datagramLength {
                let size = min(fragmentSize, datagramLength - offset)
                let result = reassembler.add(key: key, offset: offset, moreFragments: offset + size < datagramLength,
                                             payload: UnsafeRawBufferPointer(payload).slice(offset, size),
                                             unfragmentable: UnsafeRawBufferPointer(header), now: .zero)
                if case .complete(let datagram, _) = result {
                    completed += 1
                    reassembler.pool.free(datagram)
                }
                offset += size
            }
        }
        return completed
    }
}
