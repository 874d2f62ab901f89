/// NDIS_OID: an object identifier of an OID request (values from ntddndis.h).
public struct Oid: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// OID_GEN_SUPPORTED_LIST
    public static let genSupportedList = Oid(rawValue: 0x0001_0101)
    /// OID_GEN_HARDWARE_STATUS
    public static let genHardwareStatus = Oid(rawValue: 0x0001_0102)
    /// OID_GEN_MEDIA_SUPPORTED
    public static let genMediaSupported = Oid(rawValue: 0x0001_0103)
    /// OID_GEN_MEDIA_IN_USE
    public static let genMediaInUse = Oid(rawValue: 0x0001_0104)
    /// OID_GEN_MAXIMUM_LOOKAHEAD
    public static let genMaximumLookahead = Oid(rawValue: 0x0001_0105)
    /// OID_GEN_MAXIMUM_FRAME_SIZE: the MTU, excluding the MAC header.
    public static let genMaximumFrameSize = Oid(rawValue: 0x0001_0106)
    /// OID_GEN_LINK_SPEED: in units of 100 bit/s.
    public static let genLinkSpeed = Oid(rawValue: 0x0001_0107)
    /// OID_GEN_TRANSMIT_BUFFER_SPACE
    public static let genTransmitBufferSpace = Oid(rawValue: 0x0001_0108)
    /// OID_GEN_RECEIVE_BUFFER_SPACE
    public static let genReceiveBufferSpace = Oid(rawValue: 0x0001_0109)
    /// OID_GEN_VENDOR_DESCRIPTION
    public static let genVendorDescription = Oid(rawValue: 0x0001_010D)
    /// OID_GEN_CURRENT_PACKET_FILTER
    public static let genCurrentPacketFilter = Oid(rawValue: 0x0001_010E)
    /// OID_GEN_CURRENT_LOOKAHEAD
    public static let genCurrentLookahead = Oid(rawValue: 0x0001_010F)
    /// OID_GEN_MAXIMUM_TOTAL_SIZE: the largest frame including its header.
    public static let genMaximumTotalSize = Oid(rawValue: 0x0001_0111)
    /// OID_GEN_MAC_OPTIONS
    public static let genMacOptions = Oid(rawValue: 0x0001_0113)
    /// OID_GEN_MEDIA_CONNECT_STATUS
    public static let genMediaConnectStatus = Oid(rawValue: 0x0001_0114)
    /// OID_GEN_VENDOR_DRIVER_VERSION
    public static let genVendorDriverVersion = Oid(rawValue: 0x0001_0116)
    /// OID_GEN_PHYSICAL_MEDIUM
    public static let genPhysicalMedium = Oid(rawValue: 0x0001_0202)
    /// OID_GEN_MAC_ADDRESS
    public static let genMacAddress = Oid(rawValue: 0x0001_0205)
    /// OID_GEN_MAX_LINK_SPEED: NDIS_LINK_SPEED, bit/s each way.
    public static let genMaxLinkSpeed = Oid(rawValue: 0x0001_0206)
    /// OID_GEN_LINK_STATE: NDIS_LINK_STATE.
    public static let genLinkState = Oid(rawValue: 0x0001_0207)
    /// OID_GEN_LINK_PARAMETERS
    public static let genLinkParameters = Oid(rawValue: 0x0001_0208)
    /// OID_GEN_XMIT_OK
    public static let genXmitOk = Oid(rawValue: 0x0002_0101)
    /// OID_GEN_RCV_OK
    public static let genRcvOk = Oid(rawValue: 0x0002_0102)
    /// OID_GEN_XMIT_ERROR
    public static let genXmitError = Oid(rawValue: 0x0002_0103)
    /// OID_GEN_RCV_ERROR
    public static let genRcvError = Oid(rawValue: 0x0002_0104)
    /// OID_GEN_RCV_NO_BUFFER
    public static let genRcvNoBuffer = Oid(rawValue: 0x0002_0105)
    /// OID_GEN_STATISTICS: NDIS_STATISTICS_INFO.
    public static let genStatistics = Oid(rawValue: 0x0002_0106)
    /// OID_802_3_PERMANENT_ADDRESS
    public static let ieee8023PermanentAddress = Oid(rawValue: 0x0101_0101)
    /// OID_802_3_CURRENT_ADDRESS
    public static let ieee8023CurrentAddress = Oid(rawValue: 0x0101_0102)
    /// OID_802_3_MULTICAST_LIST
    public static let ieee8023MulticastList = Oid(rawValue: 0x0101_0103)
    /// OID_802_3_MAXIMUM_LIST_SIZE
    public static let ieee8023MaximumListSize = Oid(rawValue: 0x0101_0104)

    static let names: [Oid: String] = [
        .genSupportedList: "OID_GEN_SUPPORTED_LIST", .genHardwareStatus: "OID_GEN_HARDWARE_STATUS",
        .genMediaSupported: "OID_GEN_MEDIA_SUPPORTED", .genMediaInUse: "OID_GEN_MEDIA_IN_USE",
        .genMaximumLookahead: "OID_GEN_MAXIMUM_LOOKAHEAD", .genMaximumFrameSize: "OID_GEN_MAXIMUM_FRAME_SIZE",
        .genLinkSpeed: "OID_GEN_LINK_SPEED", .genTransmitBufferSpace: "OID_GEN_TRANSMIT_BUFFER_SPACE",
        .genReceiveBufferSpace: "OID_GEN_RECEIVE_BUFFER_SPACE", .genVendorDescription: "OID_GEN_VENDOR_DESCRIPTION",
        .genCurrentPacketFilter: "OID_GEN_CURRENT_PACKET_FILTER", .genCurrentLookahead: "OID_GEN_CURRENT_LOOKAHEAD",
        .genMaximumTotalSize: "OID_GEN_MAXIMUM_TOTAL_SIZE", .genMacOptions: "OID_GEN_MAC_OPTIONS",
        .genMediaConnectStatus: "OID_GEN_MEDIA_CONNECT_STATUS", .genVendorDriverVersion: "OID_GEN_VENDOR_DRIVER_VERSION",
        .genPhysicalMedium: "OID_GEN_PHYSICAL_MEDIUM", .genMacAddress: "OID_GEN_MAC_ADDRESS",
        .genMaxLinkSpeed: "OID_GEN_MAX_LINK_SPEED", .genLinkState: "OID_GEN_LINK_STATE",
        .genLinkParameters: "OID_GEN_LINK_PARAMETERS", .genXmitOk: "OID_GEN_XMIT_OK", .genRcvOk: "OID_GEN_RCV_OK",
        .genXmitError: "OID_GEN_XMIT_ERROR", .genRcvError: "OID_GEN_RCV_ERROR", .genRcvNoBuffer: "OID_GEN_RCV_NO_BUFFER",
        .genStatistics: "OID_GEN_STATISTICS", .ieee8023PermanentAddress: "OID_802_3_PERMANENT_ADDRESS",
        .ieee8023CurrentAddress: "OID_802_3_CURRENT_ADDRESS", .ieee8023MulticastList: "OID_802_3_MULTICAST_LIST",
        .ieee8023MaximumListSize: "OID_802_3_MAXIMUM_LIST_SIZE",
    ]

    /// The Windows name, or the hex value for an OID this table does not know.
    public var description: String {
        Oid.names[self] ?? "OID 0x" + String(rawValue, radix: 16, uppercase: true)
    }
}
