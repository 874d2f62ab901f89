/// Why a capture could not be recorded.
///
/// The capture path sits beside the data path: a failing disk must surface as
/// a typed error the filter driver can log and act on (stop capturing), never
/// as a trap that would take the stack down with it.
public enum CaptureError: Error, Equatable, Sendable {
    /// The capture file could not be opened; `errno` is the value `open(2)` left.
    case openFailed(path: String, errno: Int32)
    /// A `write(2)` (or `close(2)`, which can report a deferred write error) failed.
    case writeFailed(errno: Int32)
    /// The sink or writer was already closed, so the bytes have nowhere to go.
    case closed
    /// A packet named an interface ID that no Interface Description Block
    /// announced; pcapng readers reject such a file, so it is refused here.
    case unknownInterface(UInt32)
}

/// Where a capture's bytes go.
///
/// The writer only ever produces a byte stream, so the destination is kept
/// behind this protocol: a file for real captures, memory for tests and for
/// in-process consumers. It is class-bound because a sink owns a resource
/// (a descriptor, a growing buffer) that must not be copied.
public protocol CaptureSink: AnyObject {
    /// Appends `bytes` to the stream. The buffer is only borrowed for the call,
    /// so a sink that defers the write must copy it.
    func write(_ bytes: UnsafeRawBufferPointer) throws(CaptureError)

    /// Pushes any buffered bytes to their destination, so a reader started now
    /// (e.g. a live `tshark`) sees every block written so far.
    func flush() throws(CaptureError)

    /// Flushes and releases the destination. Later writes and flushes throw
    /// `CaptureError.closed`; closing again does nothing.
    func close() throws(CaptureError)
}
