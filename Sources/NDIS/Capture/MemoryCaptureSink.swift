/// A sink that keeps the capture in memory.
///
/// Tests compare its bytes with hand-written fixtures, and in-process
/// consumers can hand the buffer on without touching the file system.
public final class MemoryCaptureSink: CaptureSink {
    /// Everything written so far, in order.
    public private(set) var bytes: [UInt8]

    /// Whether `close()` has been called.
    public private(set) var isClosed = false

    /// Reserving up front keeps a capture of known size from reallocating
    /// while packets flow.
    public init(reservingCapacity capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Appends a copy of `bytes`, since the caller's buffer is only borrowed.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(CaptureError) {
        guard !isClosed else { throw .closed }
        self.bytes.append(contentsOf: bytes)
    }

    /// Memory has nothing to push, but a closed sink still refuses, as a file would.
    public func flush() throws(CaptureError) {
        guard !isClosed else { throw .closed }
    }

    /// Freezes the contents; `bytes` stays readable.
    public func close() throws(CaptureError) {
        isClosed = true
    }
}
