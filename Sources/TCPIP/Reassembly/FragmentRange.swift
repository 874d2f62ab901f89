/// One fragment's bytes `[start, end)` of a datagram's payload, kept per
/// fragment rather than merged so that an IPv6 exact duplicate can be told
/// from an overlap (RFC 8200 §4.5 allows dropping only the former quietly).
struct FragmentRange {
    var start: Int32
    var end: Int32
    /// Whether this fragment said no more follow: part of what makes a
    /// fragment an exact duplicate.
    var isLast: Bool

    static let empty = FragmentRange(start: 0, end: 0, isLast: false)
}
