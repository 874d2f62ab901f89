// Interim stand-ins until the h-status and h-addr branches merge; removed then.
public struct MACAddress: Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64
    public init(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8, _ b3: UInt8, _ b4: UInt8, _ b5: UInt8) {
        rawValue = UInt64(b0) << 40 | UInt64(b1) << 32 | UInt64(b2) << 24 | UInt64(b3) << 16 | UInt64(b4) << 8 | UInt64(b5)
    }
    public init(bytes: UnsafeRawBufferPointer) { self.init(bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5]) }
    public func write(to buffer: UnsafeMutableRawBufferPointer, at offset: Int) {
        for i in 0..<6 { buffer[offset + i] = UInt8(truncatingIfNeeded: rawValue >> UInt64(40 - 8 * i)) }
    }
    public static let broadcast = MACAddress(0xff, 0xff, 0xff, 0xff, 0xff, 0xff)
    public static let zero = MACAddress(0, 0, 0, 0, 0, 0)
    public var isMulticast: Bool { rawValue & (1 << 40) != 0 }
    public var isBroadcast: Bool { self == .broadcast }
    public var description: String { String(rawValue, radix: 16) }
}
extension MACAddress { public var bytes: [UInt8] { (0..<6).map { UInt8(truncatingIfNeeded: rawValue >> UInt64(40 - 8 * $0)) } } }
public struct IPv4Address: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) { rawValue = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d) }
    public init(bytes: UnsafeRawBufferPointer) { rawValue = bytes.loadBigEndianUInt32(at: 0) }
    public func write(to buffer: UnsafeMutableRawBufferPointer, at offset: Int) { buffer.storeBigEndian(rawValue, at: offset) }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    public static let any = IPv4Address(rawValue: 0)
    public static let broadcast = IPv4Address(rawValue: 0xFFFF_FFFF)
    public var isMulticast: Bool { rawValue >> 28 == 0xE }
    public var isLimitedBroadcast: Bool { rawValue == 0xFFFF_FFFF }
    public var isUnspecified: Bool { rawValue == 0 }
    public var isLoopback: Bool { rawValue >> 24 == 127 }
    public var description: String { "\(rawValue >> 24).\(rawValue >> 16 & 255).\(rawValue >> 8 & 255).\(rawValue & 255)" }
}
public struct IPv4Prefix: Hashable, Sendable, CustomStringConvertible {
    public var address: IPv4Address
    public var length: Int
    public init?(address: IPv4Address, length: Int) { guard (0...32).contains(length) else { return nil }; self.address = address; self.length = length }
    public var mask: IPv4Address { IPv4Address(rawValue: length == 0 ? 0 : UInt32.max << UInt32(32 - length)) }
    public var network: IPv4Address { IPv4Address(rawValue: address.rawValue & mask.rawValue) }
    public func contains(_ a: IPv4Address) -> Bool { a.rawValue & mask.rawValue == network.rawValue }
    public var description: String { "\(network)/\(length)" }
}
extension MACAddress { public static func ipv4Multicast(_ g: IPv4Address) -> MACAddress { MACAddress(0x01, 0, 0x5e, UInt8(g.rawValue >> 16 & 0x7f), UInt8(g.rawValue >> 8 & 255), UInt8(g.rawValue & 255)) } }
public struct TimerID: Hashable, Sendable { var id: UInt64 }
public struct TimerWheel<Payload> {
    var items: [(Instant, UInt64, Payload)] = []
    var next: UInt64 = 0
    public init(start: Instant, tickNanoseconds: Int64 = 65_536, initialCapacity: Int = 64) {}
    public mutating func schedule(at d: Instant, _ p: Payload) -> TimerID { next += 1; items.append((d, next, p)); items.sort { ($0.0, $0.1) < ($1.0, $1.1) }; return TimerID(id: next) }
    @discardableResult public mutating func cancel(_ t: TimerID) -> Payload? { if let i = items.firstIndex(where: { $0.1 == t.id }) { return items.remove(at: i).2 }; return nil }
    public func nextDeadline() -> Instant? { items.first?.0 }
    public mutating func popExpired(now: Instant) -> (TimerID, Payload)? { guard let f = items.first, f.0 <= now else { return nil }; items.removeFirst(); return (TimerID(id: f.1), f.2) }
    public var count: Int { items.count }
}
