/// WSK_CLIENT_STREAM_DISPATCH: a stream socket's callbacks for whichever
/// role it takes — the listen table after WskListen, the connection table
/// after WskConnect or WskConnectEx.
public struct WskClientStreamDispatch {
    /// Listen: used once the socket listens.
    public var listen: WskClientListenDispatch?
    /// Connect: used once the socket connects.
    public var connect: WskClientConnectionDispatch?

    /// A dispatch with the given tables.
    public init(listen: WskClientListenDispatch? = nil, connect: WskClientConnectionDispatch? = nil) {
        self.listen = listen
        self.connect = connect
    }
}
