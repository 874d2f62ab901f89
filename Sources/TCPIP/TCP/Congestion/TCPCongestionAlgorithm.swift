/// The congestion control algorithms a connection can run, by name (as a
/// socket option or a per-stack default selects them).
public enum TCPCongestionAlgorithm: String, Sendable, CaseIterable {
    /// RFC 5681 with RFC 6582's window rules.
    case newReno
    /// RFC 9438.
    case cubic

    /// A fresh controller of this algorithm for a connection whose sender MSS is `maximumSegmentSize`.
    public func make(maximumSegmentSize: Int, initialWindowSegments: Int = 10) -> any TCPCongestionControl {
        switch self {
        case .newReno: return NewReno(maximumSegmentSize: maximumSegmentSize, initialWindowSegments: initialWindowSegments)
        case .cubic: return Cubic(maximumSegmentSize: maximumSegmentSize, initialWindowSegments: initialWindowSegments)
        }
    }
}
