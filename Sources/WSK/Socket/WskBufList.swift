/// WSK_BUF_LIST: one datagram of a WskSendMessages batch, chained by `next`.
public final class WskBufList {
    /// Next.
    public var next: WskBufList?
    /// Buffer.
    public var buffer: WSKBuf

    /// An element holding `buffer`.
    public init(_ buffer: WSKBuf, next: WskBufList? = nil) {
        self.buffer = buffer
        self.next = next
    }
}
