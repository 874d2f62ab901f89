/// WSK_PROVIDER_NPI: what WskCaptureProviderNPI returns.
public struct WskProviderNpi: Sendable {
    /// Client: the client object to pass to every provider-level call.
    public let client: WskClient
    /// Dispatch: the provider's dispatch table.
    public let dispatch: WskProviderDispatch
}
