/// WSK_INSPECT_ID: names one connection request a conditional-accept
/// listener is inspecting. Compared by value, as WSK requires: the client
/// copies it out of WskInspectEvent and hands the copy to WskInspectComplete.
public struct WskInspectID: Hashable, Sendable {
    /// Key (ULONG_PTR): the listener's number for the request.
    public var key: UInt
    /// SerialNumber: the low 32 bits of the same number, as WSK pairs a key with a serial.
    public var serialNumber: UInt32

    /// An id as the client copied it.
    public init(key: UInt, serialNumber: UInt32) {
        self.key = key
        self.serialNumber = serialNumber
    }

    /// The id of the transport's request `id`.
    init(request id: UInt64) {
        key = UInt(truncatingIfNeeded: id)
        serialNumber = UInt32(truncatingIfNeeded: id)
    }

    /// The transport's request number, when the id is one this provider made.
    var requestID: UInt64? {
        UInt32(truncatingIfNeeded: key) == serialNumber ? UInt64(key) : nil
    }
}
