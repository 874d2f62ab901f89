// Interim stand-in until the h-timer branch merges; removed then.
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
