// Interim stand-ins until the h-status and h-addr branches merge; removed then.
public struct NDISStatus: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let success = NDISStatus(rawValue: 0)
    public static let pending = NDISStatus(rawValue: 0x103)
    public static let notAccepted = NDISStatus(rawValue: 0x0001_0003)
    public static let linkState = NDISStatus(rawValue: 0x4001_0017)
    public static let failure = NDISStatus(rawValue: 0xC000_0001)
    public static let resources = NDISStatus(rawValue: 0xC000_009A)
    public static let notSupported = NDISStatus(rawValue: 0xC000_00BB)
    public static let invalidDeviceRequest = NDISStatus(rawValue: 0xC000_0010)
    public static let invalidParameter = NDISStatus(rawValue: 0xC000_000D)
    public static let bufferTooShort = NDISStatus(rawValue: 0xC000_0023)
    public static let invalidLength = NDISStatus(rawValue: 0xC000_0206)
    public static let badVersion = NDISStatus(rawValue: 0xC001_0004)
    public static let badCharacteristics = NDISStatus(rawValue: 0xC001_0005)
    public static let multicastFull = NDISStatus(rawValue: 0xC001_0009)
    public static let requestAborted = NDISStatus(rawValue: 0xC001_000C)
    public static let sendAborted = NDISStatus(rawValue: 0xC001_000C)
    public static let invalidData = NDISStatus(rawValue: 0xC001_0015)
    public static let invalidOid = NDISStatus(rawValue: 0xC001_0017)
    public static let paused = NDISStatus(rawValue: 0xC023_002A)
    public var isSuccess: Bool { Int32(bitPattern: rawValue) >= 0 }
    public var name: String { "0x" + String(rawValue, radix: 16) }
}
public struct NTStatus: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let success = NTStatus(rawValue: 0)
}
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
extension NDISStatus {
    public static let adapterNotReady = NDISStatus(rawValue: 0xC001_0011)
    public static let adapterNotFound = NDISStatus(rawValue: 0xC001_0006)
    public static let unsupportedMedia = NDISStatus(rawValue: 0xC001_0019)
    public var ntStatus: NTStatus { NTStatus(rawValue: rawValue) }
}
extension MACAddress { public var bytes: [UInt8] { (0..<6).map { UInt8(truncatingIfNeeded: rawValue >> UInt64(40 - 8 * $0)) } } }
public struct SeededRandom: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 { state &+= 0x9E3779B97F4A7C15; var z = state; z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9; z = (z ^ (z >> 27)) &* 0x94D049BB133111EB; return z ^ (z >> 31) }
    public mutating func nextDouble() -> Double { Double(next() >> 11) * 0x1.0p-53 }
    public mutating func chance(_ p: Double) -> Bool { nextDouble() < p }
}
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
public struct InternetChecksum {
    public static func checksum(_ b: UnsafeRawBufferPointer) -> UInt16 { var s: UInt32 = 0; var i = 0; while i + 1 < b.count { s += UInt32(b[i]) << 8 | UInt32(b[i+1]); i += 2 }; if i < b.count { s += UInt32(b[i]) << 8 }; while s >> 16 != 0 { s = (s & 0xffff) + (s >> 16) }; return ~UInt16(s) }
    public static func isValid(_ b: UnsafeRawBufferPointer) -> Bool { checksum(b) == 0 }
    public static func update(_ c: UInt16, old: UInt16, new: UInt16) -> UInt16 { var s = UInt32(~c) + UInt32(~old) + UInt32(new); while s >> 16 != 0 { s = (s & 0xffff) + (s >> 16) }; return ~UInt16(s) }
}
extension NTStatus {
    public static let unsuccessful = NTStatus(rawValue: 0xC000_0001)
    public static let invalidParameter = NTStatus(rawValue: 0xC000_000D)
    public static let insufficientResources = NTStatus(rawValue: 0xC000_009A)
    public static let networkUnreachable = NTStatus(rawValue: 0xC000_023C)
    public static let hostUnreachable = NTStatus(rawValue: 0xC000_023D)
    public static let invalidDeviceState = NTStatus(rawValue: 0xC000_0184)
    public static let addressAlreadyExists = NTStatus(rawValue: 0xC000_020A)
    public static let pending = NTStatus(rawValue: 0x103)
    public static let bufferOverflow = NTStatus(rawValue: 0x8000_0005)
    public static let notFound = NTStatus(rawValue: 0xC000_0225)
}
extension NTStatus { public static let invalidBufferSize = NTStatus(rawValue: 0xC000_0206) }
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
