/// A datagram that timed out incomplete, as `Reassembler.expire` reports it
/// so the caller can send ICMP Time Exceeded, code 1 ("fragment reassembly
/// time exceeded"; RFC 792, RFC 4443 §3.3), which is due only when the first
/// fragment had arrived.
///
/// `leadingBytes` points into the datagram's own pool slot, so reporting
/// needs no copy and no allocation; it is valid only inside the `expire`
/// callback, after which the slot goes back to the pool.
public struct ExpiredDatagram {
    /// Which datagram.
    public let key: ReassemblyKey
    /// Whether the fragment at offset 0 had arrived (RFC 792: send ICMP only then).
    public let firstFragmentReceived: Bool
    /// The start of the first fragment as it arrived, to quote in the ICMP
    /// error: for IPv4 its header and the first 8 payload bytes; for IPv6 its
    /// headers up to and including the fragment header, then as much
    /// payload as had arrived contiguously from offset 0, all cut to 1,232
    /// bytes so the error fits the 1,280-byte minimum MTU. Empty when
    /// `firstFragmentReceived` is false.
    public let leadingBytes: UnsafeRawBufferPointer
}
