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
