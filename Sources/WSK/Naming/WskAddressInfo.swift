import NetCore

/// ADDRINFOEXW: one entry of the list WskGetAddressInfo returns, linked to
/// the next through ai_next. The list belongs to the client until it hands
/// it to WskFreeAddressInfo.
///
/// ai_addrlen, ai_blob, ai_bloblen and ai_provider have no counterpart: the
/// address carries its own length, and no namespace provider returns blobs.
public final class WskAddressInfo {
    /// ai_flags: the hints' flags.
    public let flags: WskAddressInfoFlags
    /// ai_family: the address's family.
    public let family: AddressFamily
    /// ai_socktype: the hints' socket type, nil (0) when none was hinted.
    public let socketType: WskSocketType?
    /// ai_protocol: the hints' protocol.
    public let protocolNumber: UInt32
    /// ai_canonname: with AI_CANONNAME, the name resolved, on the first entry only.
    public let canonicalName: String?
    /// ai_addr: the address with the service's port, and for a scoped IPv6
    /// literal its scope id.
    public let address: SocketAddress
    /// ai_next: the next entry, nil at the end of the list (and after
    /// WskFreeAddressInfo).
    public internal(set) var next: WskAddressInfo?

    init(flags: WskAddressInfoFlags, socketType: WskSocketType?, protocolNumber: UInt32, canonicalName: String?,
         address: SocketAddress, next: WskAddressInfo?) {
        self.flags = flags
        family = address.family
        self.socketType = socketType
        self.protocolNumber = protocolNumber
        self.canonicalName = canonicalName
        self.address = address
        self.next = next
    }
}
