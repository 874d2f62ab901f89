/// WSK_CLIENT_NPI: what a client hands to WskRegister.
public struct WskClientNpi: Sendable {
    /// ClientContext: the client's own value, handed back to it.
    public var clientContext: (any Sendable)?
    /// Dispatch: the client's dispatch table.
    public var dispatch: WskClientDispatch

    /// A client NPI.
    public init(clientContext: (any Sendable)? = nil, dispatch: WskClientDispatch = WskClientDispatch()) {
        self.clientContext = clientContext
        self.dispatch = dispatch
    }
}
