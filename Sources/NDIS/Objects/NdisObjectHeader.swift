/// NDIS_OBJECT_HEADER: the type, revision and size that version every NDIS
/// structure; registration checks them as NDIS does.
public struct NdisObjectHeader: Hashable, Sendable {
    /// Type: one of the NDIS_OBJECT_TYPE_* values.
    public var type: NdisObjectType
    /// Revision: the structure revision the caller filled in.
    public var revision: UInt8
    /// Size: the byte size the caller claims for the structure.
    public var size: UInt16

    public init(type: NdisObjectType = .default, revision: UInt8 = 0, size: UInt16 = 0) {
        self.type = type
        self.revision = revision
        self.size = size
    }
}

/// NDIS_OBJECT_TYPE_*: the Type field of NDIS_OBJECT_HEADER (ndis.h values).
public struct NdisObjectType: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// NDIS_OBJECT_TYPE_DEFAULT
    public static let `default` = NdisObjectType(rawValue: 0x80)
    /// NDIS_OBJECT_TYPE_MINIPORT_INIT_PARAMETERS
    public static let miniportInitParameters = NdisObjectType(rawValue: 0x81)
    /// NDIS_OBJECT_TYPE_BIND_PARAMETERS
    public static let bindParameters = NdisObjectType(rawValue: 0x86)
    /// NDIS_OBJECT_TYPE_OPEN_PARAMETERS
    public static let openParameters = NdisObjectType(rawValue: 0x87)
    /// NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS
    public static let miniportDriverCharacteristics = NdisObjectType(rawValue: 0x8A)
    /// NDIS_OBJECT_TYPE_FILTER_DRIVER_CHARACTERISTICS
    public static let filterDriverCharacteristics = NdisObjectType(rawValue: 0x8B)
    /// NDIS_OBJECT_TYPE_FILTER_ATTRIBUTES
    public static let filterAttributes = NdisObjectType(rawValue: 0x8D)
    /// NDIS_OBJECT_TYPE_PROTOCOL_DRIVER_CHARACTERISTICS
    public static let protocolDriverCharacteristics = NdisObjectType(rawValue: 0x95)
    /// NDIS_OBJECT_TYPE_OID_REQUEST
    public static let oidRequest = NdisObjectType(rawValue: 0x96)
    /// NDIS_OBJECT_TYPE_STATUS_INDICATION
    public static let statusIndication = NdisObjectType(rawValue: 0x98)
}
