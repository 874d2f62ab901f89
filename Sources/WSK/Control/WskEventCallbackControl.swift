/// WSK_EVENT_CALLBACK_CONTROL, the input of SO_WSK_EVENT_CALLBACK and
/// WSK_SET_STATIC_EVENT_CALLBACKS. Windows passes a pointer to the NPI id;
/// here the struct travels as its 20 bytes: the 16-byte NPI id, then the
/// mask, little-endian.
public struct WskEventCallbackControl: Sendable, Equatable {
    /// NpiId: NPI_WSK_INTERFACE_ID for WSK's own events.
    public var npiID: [UInt8]
    /// EventMask.
    public var eventMask: WskEventMask

    /// NPI_WSK_INTERFACE_ID {2227E803-8D8B-11D4-ABAD-009027A4E8F8} in its
    /// in-memory (little-endian GUID) byte order.
    public static let wskInterfaceID: [UInt8] = [0x03, 0xE8, 0x27, 0x22, 0x8B, 0x8D, 0xD4, 0x11,
                                                 0xAB, 0xAD, 0x00, 0x90, 0x27, 0xA4, 0xE8, 0xF8]

    /// The size of the encoded struct.
    public static let size = 20

    /// Control for WSK's own events.
    public init(eventMask: WskEventMask, npiID: [UInt8] = WskEventCallbackControl.wskInterfaceID) {
        self.npiID = npiID
        self.eventMask = eventMask
    }

    /// Reads the struct from an option's input buffer; nil when too short.
    public init?(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= WskEventCallbackControl.size else { return nil }
        npiID = Array(bytes[0..<16])
        eventMask = WskEventMask(rawValue: bytes.loadUnaligned(fromByteOffset: 16, as: UInt32.self).littleEndian)
    }

    /// The 20 bytes to pass as the option's input.
    public var bytes: [UInt8] {
        var out = npiID
        withUnsafeBytes(of: eventMask.rawValue.littleEndian) { out.append(contentsOf: $0) }
        return out
    }
}
