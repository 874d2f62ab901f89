/// NDIS_HANDLE for the modules of a stack: the value NDIS writes into an
/// NBL's SourceHandle so completions find their originator.
public struct NdisHandle: RawRepresentable, Hashable, Sendable {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// No module: a list nobody has sent yet.
    public static let none = NdisHandle(rawValue: 0)
}
