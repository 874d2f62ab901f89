import NetCore
import TCPIP

/// The cost of putting one 60 KB IPv4 datagram back together from its 41
/// fragments of 1480 bytes: 41 copies into the datagram's slot, the range
/// bookkeeping, and the header fix-up on completion.
public final class ReassemblyBench {
    var reassembler = Reassembler()
    let payload: UnsafeMutableRawBufferPointer
    let header: UnsafeMutableRawBufferPointer
    var identification: UInt16 = 0
    /// Bytes of payload per datagram.
    public let datagramLength: Int

    public init(datagramLength: Int = 60_000) {
        self.datagramLength = datagramLength
        payload = .allocate(byteCount: datagramLength, alignment: 8)
        for i in 0..<datagramLength { payload[i] = UInt8(truncatingIfNeeded: i &* 31) }
        header = .allocate(byteCount: 20, alignment: 8)
        IPv4Header.emit(into: header, source: IPv4Address(192, 0, 2, 1), destination: IPv4Address(192, 0, 2, 2),
                        protocolNumber: .udp, payloadLength: 0, identification: 0, timeToLive: 64)
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
            let key = ReassemblyKey(source: IPv4Address(192, 0, 2, 1), destination: IPv4Address(192, 0, 2, 2),
                                    protocolNumber: 17, identification: identification)
            var offset = 0
            while offset < datagramLength {
                let size = min(1480, datagramLength - offset)
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
