import NetCore

/// Client memory the overlay lends to a WSK call, freed once it completed.
final class OverlayBuffer: @unchecked Sendable {
    // @unchecked: written by the engine thread before the IRP completes,
    // read by the awaiting task only after; the completion orders the two.
    let region: UnsafeMutableRawBufferPointer
    let remote = UnsafeMutablePointer<SocketAddress>.allocate(capacity: 1)
    let flags = UnsafeMutablePointer<WskReceiveFlags>.allocate(capacity: 1)

    init(capacity: Int) {
        region = .allocate(byteCount: max(capacity, 1), alignment: 16)
        remote.initialize(to: .v4(.any, port: 0))
        flags.initialize(to: [])
    }

    var wskBuf: WSKBuf {
        WSKBuf(mdl: MDL(region), offset: 0, length: region.count)
    }

    deinit {
        region.deallocate()
        remote.deallocate()
        flags.deallocate()
    }
}

extension WskDatagramSocket {
    /// WskBind, awaited.
    public func bind(_ localAddress: SocketAddress) async throws(NTStatus) {
        let status = await perform { irp in _ = self.bind(localAddress, irp: irp) }.status
        guard status.isSuccess else { throw status }
    }

    /// WskSendTo, awaited: sends `bytes` as one datagram (to the fixed
    /// send-to or remote address when `remoteAddress` is nil).
    public func sendTo(_ bytes: [UInt8], to remoteAddress: SocketAddress?) async throws(NTStatus) {
        let buffer = OverlayBuffer(capacity: bytes.count)
        buffer.region.copyBytes(from: bytes)
        let status = await perform { irp in
            let wsk = WSKBuf(mdl: MDL(buffer.region), offset: 0, length: bytes.count)
            _ = self.sendTo(wsk, remoteAddress: remoteAddress, irp: irp)
        }.status
        guard status.isSuccess else { throw status }
    }

    /// WskReceiveFrom, awaited: the next datagram, at most `maxLength`
    /// bytes of it. Cancelling the task cancels the receive.
    public func receiveFrom(maxLength: Int = 65_527) async throws(NTStatus) -> WskReceivedDatagram {
        let buffer = OverlayBuffer(capacity: maxLength)
        let result = await perform { irp in
            _ = self.receiveFrom(buffer.wskBuf, remoteAddress: buffer.remote, controlFlags: buffer.flags, irp: irp)
        }
        guard result.status.isSuccess else { throw result.status }
        return WskReceivedDatagram(bytes: Array(buffer.region.prefix(result.information)),
                                   remoteAddress: buffer.remote.pointee, flags: buffer.flags.pointee)
    }

    /// The socket's datagrams as an async sequence, one WskReceiveFrom per
    /// element; it ends when the socket closes or the task is cancelled,
    /// and throws any other failure.
    public func datagrams(maxLength: Int = 65_527) -> WskDatagramSequence {
        WskDatagramSequence(socket: self, maxLength: maxLength)
    }
}

/// The datagrams of a socket, received one by one (`WskDatagramSocket.datagrams`).
public struct WskDatagramSequence: AsyncSequence, Sendable {
    public typealias Element = WskReceivedDatagram

    let socket: WskDatagramSocket
    let maxLength: Int

    public struct AsyncIterator: AsyncIteratorProtocol {
        let socket: WskDatagramSocket
        let maxLength: Int

        public mutating func next() async throws -> WskReceivedDatagram? {
            do {
                return try await socket.receiveFrom(maxLength: maxLength)
            } catch .cancelled, .invalidDeviceState {
                return nil
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(socket: socket, maxLength: maxLength)
    }
}
