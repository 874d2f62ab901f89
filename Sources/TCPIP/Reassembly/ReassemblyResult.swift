import NDIS

/// What became of one fragment handed to `Reassembler.add`.
public enum ReassemblyResult {
    /// Kept; the datagram still lacks fragments.
    case incomplete
    /// The datagram is whole: `buffer`'s data window holds its header
    /// (`headerLength` bytes, length fields already set for the whole
    /// datagram) followed by the payload. The caller now owns the buffer and
    /// frees it to `Reassembler.pool`.
    case complete(NetBuffer, headerLength: Int)
    /// Not kept, for the reason given.
    case dropped(ReassemblyDrop)
}
