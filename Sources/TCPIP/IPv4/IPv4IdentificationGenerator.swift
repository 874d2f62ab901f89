import NetCore

/// IPv4 identifications that reveal neither a global counter nor one host's
/// traffic to another (RFC 7739 §5.3, the hash-based algorithm): the value is
/// a keyed hash of (source, destination, protocol) plus a counter picked by a
/// second keyed hash from a table, so each path sees its own sequence and a
/// stranger cannot predict or count it.
struct IPv4IdentificationGenerator {
    static let tableSize = 4096
    var counters: [UInt16]
    let offsetKey: (UInt64, UInt64)
    let slotKey: (UInt64, UInt64)

    init(random: inout SeededRandom) {
        counters = (0..<IPv4IdentificationGenerator.tableSize).map { _ in
            UInt16.random(in: 0...UInt16.max, using: &random)
        }
        offsetKey = (random.next(), random.next())
        slotKey = (random.next(), random.next())
    }

    mutating func next(source: IPv4Address, destination: IPv4Address, protocolNumber: IPProtocol) -> UInt16 {
        var offset = SipHash24(k0: offsetKey.0, k1: offsetKey.1)
        offset.combine(source.rawValue)
        offset.combine(destination.rawValue)
        offset.combine(protocolNumber.rawValue)
        var slot = SipHash24(k0: slotKey.0, k1: slotKey.1)
        slot.combine(source.rawValue)
        slot.combine(destination.rawValue)
        slot.combine(protocolNumber.rawValue)
        let index = Int(slot.finalize() % UInt64(IPv4IdentificationGenerator.tableSize))
        counters[index] &+= 1
        return UInt16(truncatingIfNeeded: offset.finalize()) &+ counters[index]
    }
}
