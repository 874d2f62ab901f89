/// A TCP sequence number: 32 bits that wrap, compared by RFC 9293 §3.4's
/// modular rule — `a < b` when `b` lies less than 2^31 ahead of `a` — so a
/// connection may run through any number of wraps.
public struct TCPSeq: Hashable, Sendable, CustomStringConvertible {
    /// The number as on the wire.
    public var rawValue: UInt32

    @inlinable
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    /// This number moved forward by `count` (wrapping).
    @inlinable
    public static func + (lhs: TCPSeq, rhs: Int) -> TCPSeq { TCPSeq(lhs.rawValue &+ UInt32(truncatingIfNeeded: rhs)) }

    /// This number moved back by `count` (wrapping).
    @inlinable
    public static func - (lhs: TCPSeq, rhs: Int) -> TCPSeq { TCPSeq(lhs.rawValue &- UInt32(truncatingIfNeeded: rhs)) }

    @inlinable
    public static func += (lhs: inout TCPSeq, rhs: Int) { lhs = lhs + rhs }

    /// The signed distance from `rhs` to `lhs`: positive when `lhs` is ahead.
    @inlinable
    public static func - (lhs: TCPSeq, rhs: TCPSeq) -> Int { Int(Int32(bitPattern: lhs.rawValue &- rhs.rawValue)) }

    @inlinable
    public static func < (lhs: TCPSeq, rhs: TCPSeq) -> Bool { Int32(bitPattern: lhs.rawValue &- rhs.rawValue) < 0 }
    @inlinable
    public static func <= (lhs: TCPSeq, rhs: TCPSeq) -> Bool { Int32(bitPattern: lhs.rawValue &- rhs.rawValue) <= 0 }
    @inlinable
    public static func > (lhs: TCPSeq, rhs: TCPSeq) -> Bool { rhs < lhs }
    @inlinable
    public static func >= (lhs: TCPSeq, rhs: TCPSeq) -> Bool { rhs <= lhs }

    /// The later of two numbers under the modular order.
    @inlinable
    public static func max(_ a: TCPSeq, _ b: TCPSeq) -> TCPSeq { a < b ? b : a }
    /// The earlier of two numbers under the modular order.
    @inlinable
    public static func min(_ a: TCPSeq, _ b: TCPSeq) -> TCPSeq { a < b ? a : b }

    /// Whether `low <= self < high` under the modular order (an empty range holds nothing).
    @inlinable
    public func isIn(_ low: TCPSeq, _ high: TCPSeq) -> Bool { low <= self && self < high }

    public var description: String { String(rawValue) }
}
