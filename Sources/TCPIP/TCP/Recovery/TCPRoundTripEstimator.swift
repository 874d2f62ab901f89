import NetCore

/// The retransmission timer's estimator (RFC 6298): the smoothed round-trip
/// time and its variation from measurements, the RTO derived from them, and
/// the exponential backoff applied while the timer keeps expiring.
///
/// Which measurements are fit to use is the connection's business (Karn's
/// rule, RFC 6298 §3): it hands in only samples from segments that were never
/// retransmitted, or timestamp echoes (RFC 7323 §4), which are unambiguous.
public struct TCPRoundTripEstimator: Sendable {
    /// The clock granularity G of RFC 6298 §2: the RTO never sits closer to
    /// SRTT than this, whatever the variance.
    public static let clockGranularity: Duration = .milliseconds(1)

    /// The RTO before any measurement (RFC 6298 §2.1 says 1 s).
    public let initialRTO: Duration
    /// The floor of the RTO (RFC 6298 §2.4 asks for 1 s; stacks use less on fast paths).
    public let minimumRTO: Duration
    /// The ceiling of the RTO, backed off or not (RFC 6298 §2.5 allows at least 60 s).
    public let maximumRTO: Duration

    /// SRTT: nil until the first measurement.
    public private(set) var smoothedRTT: Duration?
    /// RTTVAR: zero until the first measurement.
    public private(set) var rttVariance: Duration = .zero
    /// The last measurement given.
    public private(set) var latestRTT: Duration?
    /// The smallest measurement seen over the connection's life (RACK's min_RTT, RFC 8985 §6.1).
    public private(set) var minimumRTT: Duration?
    /// How many times the timer expired since the last measurement; each doubles the RTO.
    public private(set) var backoffCount: Int = 0

    /// An estimator with no measurement yet. Bounds given out of order are
    /// put in order (the minimum never exceeds the maximum).
    public init(initialRTO: Duration = .seconds(1), minimumRTO: Duration = .milliseconds(300),
                maximumRTO: Duration = .seconds(60)) {
        let floor = Swift.max(.zero, minimumRTO)
        let ceiling = Swift.max(floor, maximumRTO)
        self.minimumRTO = floor
        self.maximumRTO = ceiling
        self.initialRTO = Swift.min(Swift.max(initialRTO, floor), ceiling)
    }

    /// The current RTO: RFC 6298 §2.3's SRTT + max(G, 4·RTTVAR) (or the
    /// initial RTO before any measurement), clamped to [minimumRTO,
    /// maximumRTO] (§2.4, §2.5), then doubled once per backoff (§5.5) and
    /// capped at maximumRTO.
    public var rto: Duration {
        var value: Duration
        if let srtt = smoothedRTT {
            value = srtt + Swift.max(Self.clockGranularity, rttVariance * 4)
        } else {
            value = initialRTO
        }
        value = Swift.min(Swift.max(value, minimumRTO), maximumRTO)
        var doublings = backoffCount
        while doublings > 0 && value < maximumRTO {
            value = Swift.min(value * 2, maximumRTO)
            doublings -= 1
        }
        return value
    }

    /// Takes in a measurement by RFC 6298 §2.2 (the first) or §2.3 (later
    /// ones, α = 1/8 and β = 1/4, RTTVAR updated from the old SRTT first).
    /// A fresh measurement means the path answers again, so the backoff ends
    /// (§5.7 lets the RTO be recomputed from the new estimate). A negative
    /// measurement, which only a broken clock gives, counts as zero.
    public mutating func addSample(_ rtt: Duration) {
        let sample = Swift.max(.zero, rtt)
        if let srtt = smoothedRTT {
            let error = srtt > sample ? srtt - sample : sample - srtt
            rttVariance = (rttVariance * 3 + error) / 4
            smoothedRTT = (srtt * 7 + sample) / 8
        } else {
            smoothedRTT = sample
            rttVariance = sample / 2
        }
        latestRTT = sample
        minimumRTT = minimumRTT.map { Swift.min($0, sample) } ?? sample
        backoffCount = 0
    }

    /// RFC 6298 §5.5: the retransmission timer expired, so the next RTO is
    /// twice this one (up to maximumRTO).
    public mutating func backOff() {
        if backoffCount < Int.max { backoffCount += 1 }
    }
}
