/// One row of a connection's trace (`netkernel demo --trace`): the sender's
/// state after an event, enough to redraw a tcptrace-style time–sequence
/// graph and to follow congestion control (RFC 5681), recovery (RFC 6675,
/// RFC 8985) and the retransmission timer (RFC 6298) step by step.
public struct TCPTraceSample: Sendable, Equatable {
    /// What happened just before the state was recorded.
    public enum Event: String, Sendable {
        /// New data sent.
        case send
        /// Data sent again (fast retransmit, recovery, or after a timeout).
        case retransmit
        /// A cumulative acknowledgment arrived.
        case ack
        /// An acknowledgment carrying SACK blocks (RFC 2018) arrived.
        case sack
        /// The retransmission timer expired (RFC 6298 §5).
        case rto
        /// A tail loss probe was sent (RFC 8985 §7).
        case tlp
        /// Fast recovery began (RFC 6675 §5, RFC 5681 §3.2).
        case fastRecovery
        /// Recovery ended: everything outstanding at its start was acknowledged.
        case recoveryEnd
        /// A data segment arrived (a receiver's trace).
        case receive
    }

    /// Time since the connection started.
    public var time: Duration
    /// What happened.
    public var event: Event
    /// For send, retransmit and receive: the segment's first byte, relative
    /// to the ISN and unwrapped, so it only grows across sequence wraps.
    public var segmentStart: UInt64
    /// For send, retransmit and receive: the byte after the segment's last, like `segmentStart`.
    public var segmentEnd: UInt64
    /// SND.UNA relative to the ISN, unwrapped.
    public var sndUna: UInt64
    /// SND.NXT relative to the ISN, unwrapped.
    public var sndNxt: UInt64
    /// The congestion window in bytes (RFC 5681 cwnd).
    public var congestionWindow: Int
    /// The slow-start threshold in bytes (RFC 5681 ssthresh); `Int.max` while not yet set.
    public var slowStartThreshold: Int
    /// The smoothed round-trip time (RFC 6298 SRTT); nil before the first measurement.
    public var smoothedRTT: Duration?
    /// The retransmission timeout (RFC 6298 RTO).
    public var rto: Duration
    /// Bytes in flight (RFC 5681 FlightSize, or RFC 6675 pipe during recovery).
    public var flightSize: Int
    /// The peer's advertised window, scaled (RFC 7323 §2.3).
    public var receiveWindow: Int

    /// A sample with every field given.
    public init(time: Duration, event: Event, segmentStart: UInt64, segmentEnd: UInt64,
                sndUna: UInt64, sndNxt: UInt64, congestionWindow: Int, slowStartThreshold: Int,
                smoothedRTT: Duration?, rto: Duration, flightSize: Int, receiveWindow: Int) {
        self.time = time
        self.event = event
        self.segmentStart = segmentStart
        self.segmentEnd = segmentEnd
        self.sndUna = sndUna
        self.sndNxt = sndNxt
        self.congestionWindow = congestionWindow
        self.slowStartThreshold = slowStartThreshold
        self.smoothedRTT = smoothedRTT
        self.rto = rto
        self.flightSize = flightSize
        self.receiveWindow = receiveWindow
    }

    /// The CSV header line, naming the columns of `csvLine` in order.
    public static let csvHeader = "time_s,event,seg_start,seg_end,snd_una,snd_nxt,cwnd,ssthresh,srtt_ms,rto_ms,flight,rwnd"

    /// This sample as one CSV line (no newline): the time in seconds and the
    /// SRTT and RTO in milliseconds, all to the microsecond; the SRTT empty
    /// before the first measurement and ssthresh empty while unset.
    public var csvLine: String {
        var line = Self.microseconds(time, perUnit: 1_000_000)
        line += ","
        line += event.rawValue
        line += ",\(segmentStart),\(segmentEnd),\(sndUna),\(sndNxt),\(congestionWindow),"
        if slowStartThreshold != Int.max { line += String(slowStartThreshold) }
        line += ","
        if let smoothedRTT { line += Self.microseconds(smoothedRTT, perUnit: 1_000) }
        line += ","
        line += Self.microseconds(rto, perUnit: 1_000)
        line += ",\(flightSize),\(receiveWindow)"
        return line
    }

    /// `duration` in units of `perUnit` microseconds, rounded to the
    /// nearest microsecond, as a decimal with as many digits after the point
    /// as microseconds need (6 for seconds, 3 for milliseconds); integer
    /// arithmetic, so the text is exact and the same on every platform.
    private static func microseconds(_ duration: Duration, perUnit: Int64) -> String {
        let nanoseconds = duration.nanosecondsClamped
        let magnitude = nanoseconds.magnitude / 1_000 + (nanoseconds.magnitude % 1_000 >= 500 ? 1 : 0)
        let unit = UInt64(perUnit)
        var fraction = String(magnitude % unit)
        let digits = String(unit).count - 1
        if fraction.count < digits { fraction = String(repeating: "0", count: digits - fraction.count) + fraction }
        return (nanoseconds < 0 ? "-" : "") + String(magnitude / unit) + "." + fraction
    }
}
