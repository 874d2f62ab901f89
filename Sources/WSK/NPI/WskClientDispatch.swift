import NetCore

/// WSK_CLIENT_DISPATCH: the version the client asks for and its
/// client-level event callback.
public struct WskClientDispatch: Sendable {
    /// Version: the WSK NPI version requested.
    public var version: WskVersion
    /// WskClientEvent: no client-level events are defined, so it is never
    /// called; kept so a client written for WSK has somewhere to put it.
    public var clientEvent: (@Sendable (_ eventType: UInt32, _ information: UnsafeRawBufferPointer) -> NTStatus)?

    /// A dispatch asking for `version`.
    public init(version: WskVersion = .v1_0,
                clientEvent: (@Sendable (UInt32, UnsafeRawBufferPointer) -> NTStatus)? = nil) {
        self.version = version
        self.clientEvent = clientEvent
    }
}
