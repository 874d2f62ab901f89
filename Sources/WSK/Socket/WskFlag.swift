/// The Flags bits of the connection-oriented requests (wsk.h WSK_FLAG_*).
/// Each function has its own namespace, so values repeat on purpose:
/// 0x2 is NODELAY to WskSend and WAITALL to WskReceive.
public enum WskFlag {
    /// WSK_FLAG_OOB (WskSend): urgent data — defined by wsk.h, undocumented,
    /// and refused here with STATUS_NOT_SUPPORTED (RFC 6093 advises against it).
    public static let oob: UInt32 = 0x1
    /// WSK_FLAG_NODELAY (WskSend): this send, and any queued before it, goes
    /// out without waiting for Nagle's algorithm (RFC 896).
    public static let noDelay: UInt32 = 0x2
    /// WSK_FLAG_WAITALL (WskReceive): complete only when the buffer is full,
    /// the peer closed, the connection was aborted, or the IRP was cancelled.
    public static let waitAll: UInt32 = 0x2
    /// WSK_FLAG_DRAIN (WskReceive, zero-length buffer): discard everything
    /// that arrives until the connection ends.
    public static let drain: UInt32 = 0x4
    /// WSK_FLAG_ABORTIVE (WskDisconnect): reset the connection (RFC 9293
    /// §3.10.5 ABORT) instead of a graceful FIN.
    public static let abortive: UInt32 = 0x1
}
