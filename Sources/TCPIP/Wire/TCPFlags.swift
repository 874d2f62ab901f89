/// The control bits of a TCP header (RFC 9293 §3.1), with ECE and CWR from
/// RFC 3168 §23.2: byte 13 of the header, one bit each, so a set of them is
/// the byte itself.
public struct TCPFlags: OptionSet, Hashable, Sendable, CustomStringConvertible {
    /// Byte 13 of the header as sent.
    public let rawValue: UInt8

    @inlinable
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// FIN: no more data from the sender; takes one sequence number.
    public static let fin = TCPFlags(rawValue: 0x01)
    /// SYN: synchronize sequence numbers; takes one sequence number.
    public static let syn = TCPFlags(rawValue: 0x02)
    /// RST: reset the connection.
    public static let rst = TCPFlags(rawValue: 0x04)
    /// PSH: push the data to the receiving application.
    public static let psh = TCPFlags(rawValue: 0x08)
    /// ACK: the Acknowledgment Number field is significant.
    public static let ack = TCPFlags(rawValue: 0x10)
    /// URG: the Urgent Pointer field is significant (this stack never sends it).
    public static let urg = TCPFlags(rawValue: 0x20)
    /// ECE: ECN-Echo (RFC 3168 §6.1).
    public static let ece = TCPFlags(rawValue: 0x40)
    /// CWR: Congestion Window Reduced (RFC 3168 §6.1).
    public static let cwr = TCPFlags(rawValue: 0x80)

    /// The names in bit order, as traces print them.
    static let names: [(TCPFlags, String)] = [
        (.fin, "FIN"), (.syn, "SYN"), (.rst, "RST"), (.psh, "PSH"),
        (.ack, "ACK"), (.urg, "URG"), (.ece, "ECE"), (.cwr, "CWR"),
    ]

    /// "SYN,ACK" style for traces, in bit order; "none" for no bits.
    public var description: String {
        let set = TCPFlags.names.filter { contains($0.0) }.map(\.1)
        return set.isEmpty ? "none" : set.joined(separator: ",")
    }
}
