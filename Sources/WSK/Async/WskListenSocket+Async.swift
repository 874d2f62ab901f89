import NetCore

extension WskListenSocket {
    /// WskBind, awaited: the socket listens once it returns.
    public func bind(_ localAddress: SocketAddress) async throws(NTStatus) {
        let status = await perform { irp in _ = self.bind(localAddress, irp: irp) }.status
        guard status.isSuccess else { throw status }
    }

    /// WskAccept, awaited: the next connection, as a socket with every
    /// callback disabled (or with `dispatch`'s, to enable later). Cancelling
    /// the task cancels the accept.
    public func accept(context: AnyObject? = nil,
                       dispatch: WskClientConnectionDispatch? = nil) async throws(NTStatus) -> WskConnectionSocket {
        let box = UncheckedSendableBox((context, dispatch))
        let irp = await performReturningIRP { irp in
            _ = self.accept(acceptSocketContext: box.value.0, acceptSocketDispatch: box.value.1, localAddress: nil,
                            remoteAddress: nil, irp: irp)
        }
        guard irp.ioStatus.status.isSuccess, let socket = irp.socket as? WskConnectionSocket else {
            throw irp.ioStatus.status.isSuccess ? .unsuccessful : irp.ioStatus.status
        }
        return socket
    }

    /// The connections the socket accepts, one WskAccept per element; the
    /// sequence ends when the socket closes or the task is cancelled, and
    /// throws any other failure.
    public var connections: WskAcceptSequence {
        WskAcceptSequence(socket: self)
    }
}
