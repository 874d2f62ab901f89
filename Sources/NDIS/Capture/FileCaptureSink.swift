#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A sink that writes the capture to a file through a fixed buffer.
///
/// A packet becomes three small writes (block header, payload, trailer); making
/// a system call for each would cost more than the rest of the capture path,
/// so bytes gather in a buffer allocated once and reach `write(2)` when it
/// fills, on `flush()` and on `close()`.
public final class FileCaptureSink: CaptureSink {
    /// The path the file was opened at, for messages.
    public let path: String

    private var fd: Int32
    private let buffer: UnsafeMutableRawBufferPointer
    private var used = 0

    /// Creates (or truncates) the file at `path`.
    ///
    /// - Parameters:
    ///   - path: The capture file; an existing file is overwritten, since a
    ///     capture appended to an old one would be two sections nobody asked for.
    ///   - bufferCapacity: Bytes held before a `write(2)`; 64 KiB amortises the
    ///     system call over dozens of full-size frames.
    ///   - permissions: Mode for a newly created file.
    public init(path: String, bufferCapacity: Int = 64 * 1024, permissions: UInt32 = 0o644) throws(CaptureError) {
        precondition(bufferCapacity > 0, "bufferCapacity must be positive")
        let flags = O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC
        let descriptor = open(path, flags, mode_t(permissions))
        guard descriptor >= 0 else { throw .openFailed(path: path, errno: errno) }
        self.path = path
        self.fd = descriptor
        self.buffer = .allocate(byteCount: bufferCapacity, alignment: 16)
    }

    deinit {
        // Best effort: a sink dropped without close() should still leave a
        // readable file behind, and there is nobody left to report an error to.
        if fd >= 0 {
            try? drain()
            _ = systemClose(fd)
        }
        buffer.deallocate()
    }

    /// Whether `close()` has been called.
    public var isClosed: Bool { fd < 0 }

    /// Copies `bytes` into the buffer, draining it first if they do not fit.
    /// A write larger than the whole buffer goes straight to the file, as
    /// copying it through the buffer would only add a copy.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(CaptureError) {
        guard fd >= 0 else { throw .closed }
        guard bytes.count > 0 else { return }
        if bytes.count > buffer.count - used {
            try drain()
            if bytes.count >= buffer.count {
                try writeAll(bytes)
                return
            }
        }
        buffer.copyBytes(bytes, at: used)
        used += bytes.count
    }

    /// Hands buffered bytes to the kernel. It does not `fsync`: a capture is
    /// diagnostic, and readers on the same machine see the page cache.
    public func flush() throws(CaptureError) {
        guard fd >= 0 else { throw .closed }
        try drain()
    }

    /// Flushes, then closes the descriptor. The descriptor is released even
    /// when the final flush fails, so a full disk does not leak it; the first
    /// error is the one reported.
    public func close() throws(CaptureError) {
        guard fd >= 0 else { return }
        var failure: CaptureError?
        do { try drain() } catch { failure = error }
        let descriptor = fd
        fd = -1
        used = 0
        if systemClose(descriptor) != 0, failure == nil {
            failure = .writeFailed(errno: errno)
        }
        if let failure { throw failure }
    }

    private func drain() throws(CaptureError) {
        guard used > 0 else { return }
        try writeAll(UnsafeRawBufferPointer(buffer.slice(0, used)))
        used = 0
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws(CaptureError) {
        guard var next = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let written = systemWrite(fd, next, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                throw .writeFailed(errno: errno)
            }
            // A regular file only writes short on a full disk; looping makes the
            // next write report ENOSPC instead of silently losing the tail.
            next += written
            remaining -= written
        }
    }
}

// The class's own `write` and `close` methods shadow the C functions inside it.
@inline(__always)
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, bytes, count)
}

@inline(__always)
private func systemClose(_ fd: Int32) -> Int32 {
    close(fd)
}
