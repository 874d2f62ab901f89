import NetCore

extension WskConnectionSocket {
    /// WskBind, awaited.
    public func bind(_ localAddress: SocketAddress) async throws(NTStatus) {
        let status = await perform { irp in _ = self.bind(localAddress, irp: irp) }.status
        guard status.isSuccess else { throw status }
    }

    /// WskConnect, awaited: returns once the connection is up. Cancelling
    /// the task cancels the connect (STATUS_CANCELLED).
    public func connect(to remoteAddress: SocketAddress) async throws(NTStatus) {
        let status = await perform { irp in _ = self.connect(remoteAddress, irp: irp) }.status
        guard status.isSuccess else { throw status }
    }

    /// WskSend of a copy of `bytes`, awaited: returns once the peer has
    /// acknowledged them all. Cancelling the task cancels the send, which
    /// resets the connection.
    public func send(_ bytes: [UInt8]) async throws(NTStatus) {
        let buffer = OverlayBuffer(capacity: bytes.count)
        buffer.region.copyBytes(from: bytes)
        let count = bytes.count
        let status = await perform { irp in
            _ = self.send(WSKBuf(mdl: MDL(buffer.region), offset: 0, length: count), irp: irp)
        }.status
        guard status.isSuccess else { throw status }
    }

    /// WskSend of `bytes` in place, awaited: they are lent to the
    /// connection, so they must stay valid and unchanged until this returns.
    public func send(_ bytes: UnsafeRawBufferPointer) async throws(NTStatus) {
        let buffer = WSKBuf(mdl: MDL(UnsafeMutableRawBufferPointer(mutating: bytes)), offset: 0, length: bytes.count)
        let status = await perform { irp in _ = self.send(buffer, irp: irp) }.status
        guard status.isSuccess else { throw status }
    }

    /// WskReceive, awaited: the next bytes, at most `max` of them; empty
    /// once the peer's FIN has been reached. Cancelling the task cancels
    /// the receive (STATUS_CANCELLED).
    public func receive(max: Int = 65_536) async throws(NTStatus) -> [UInt8] {
        let buffer = OverlayBuffer(capacity: max)
        let count = Swift.max(0, max)
        let result = await perform { irp in
            _ = self.receive(WSKBuf(mdl: MDL(buffer.region), offset: 0, length: count), irp: irp)
        }
        guard result.status.isSuccess else { throw result.status }
        return Array(buffer.region.prefix(result.information))
    }

    /// WskDisconnect, awaited: graceful (returns once the FIN is
    /// acknowledged), or abortive (a RST, at once).
    public func disconnect(abortive: Bool = false) async throws(NTStatus) {
        let flags = abortive ? WskFlag.abortive : 0
        let status = await perform { irp in _ = self.disconnect(nil, flags: flags, irp: irp) }.status
        guard status.isSuccess else { throw status }
    }

    /// The bytes the peer sends, as chunks of at most `maxChunk` bytes, one
    /// WskReceive each; the sequence ends at the peer's FIN (or when the
    /// socket closes or the task is cancelled) and throws any failure of
    /// the connection.
    public func bytes(maxChunk: Int = 65_536) -> WskByteStream {
        WskByteStream(socket: self, maxChunk: maxChunk)
    }
}
