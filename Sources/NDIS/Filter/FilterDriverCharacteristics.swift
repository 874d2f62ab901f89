import NetCore

/// FilterClass of a filter driver's INF: decides where in the stack its
/// modules sit. Declared top to bottom, as NDIS orders them.
public enum FilterClass: Int, Sendable, Comparable, CaseIterable {
    case scheduler, encryption, compression, vpn, loadBalance = 4, failover, diagnostic, custom, providerAddress

    public static func < (lhs: FilterClass, rhs: FilterClass) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// FilterType of the INF: 1 monitoring (may not change or originate data), 2 modifying.
public enum FilterType: UInt32, Sendable {
    case monitoring = 1
    case modifying = 2
}

/// FilterRunType of the INF: a mandatory filter that fails to attach tears
/// the stack down; an optional one is skipped.
public enum FilterRunType: UInt32, Sendable {
    case mandatory = 1
    case optional = 2
}

/// NDIS_FILTER_DRIVER_CHARACTERISTICS: what NdisFRegisterFilterDriver takes.
/// The per-module handlers are the methods of `FilterModuleContext`.
public struct FilterDriverCharacteristics {
    /// Header: Type NDIS_OBJECT_TYPE_FILTER_DRIVER_CHARACTERISTICS.
    public var header = NdisObjectHeader()
    /// MajorNdisVersion.
    public var majorNdisVersion: UInt8 = 0
    /// MinorNdisVersion.
    public var minorNdisVersion: UInt8 = 0
    /// MajorDriverVersion.
    public var majorDriverVersion: UInt8 = 0
    /// MinorDriverVersion.
    public var minorDriverVersion: UInt8 = 0
    /// Flags.
    public var flags: UInt32 = 0
    /// FriendlyName.
    public var friendlyName = ""
    /// UniqueName.
    public var uniqueName = ""
    /// ServiceName.
    public var serviceName = ""
    /// FilterClass (from the INF).
    public var filterClass: FilterClass = .custom
    /// Order within the class, standing in for the relative order Windows
    /// assigns: a higher altitude sits above a lower one.
    public var altitude: UInt32 = 0
    /// FilterType (from the INF).
    public var filterType: FilterType = .modifying
    /// FilterRunType (from the INF).
    public var runType: FilterRunType = .optional
    /// AttachHandler (FilterAttach): mandatory; it must call
    /// `module.setAttributes(context)` (NdisFSetAttributes) to succeed.
    public var attachHandler: ((_ module: FilterModule, _ driverContext: AnyObject?,
                                _ parameters: FilterAttachParameters) -> NDISStatus)?

    public init() {}

    /// NDIS_FILTER_CHARACTERISTICS_REVISION_1.
    public static let revision1: UInt8 = 1
    /// NDIS_FILTER_CHARACTERISTICS_REVISION_2.
    public static let revision2: UInt8 = 2
    /// sizeof(NDIS_FILTER_DRIVER_CHARACTERISTICS) for this structure.
    public static let size = UInt16(MemoryLayout<FilterDriverCharacteristics>.size)
}

/// NDIS_FILTER_ATTACH_PARAMETERS: the adapter facts a filter module is attached with.
public struct FilterAttachParameters: Sendable {
    /// BaseMiniportIfIndex.
    public var baseMiniportIfIndex: UInt32
    /// BaseMiniportName.
    public var baseMiniportName: String
    /// CurrentMacAddress.
    public var currentMacAddress: MACAddress
    /// MtuSize.
    public var mtuSize: UInt32
    /// MediaConnectState.
    public var mediaConnectState: MediaConnectState
}

/// The NDIS_HANDLE of a registered filter driver.
public final class FilterDriver {
    /// The driver object it was registered from.
    public let driverObject: DriverObject
    /// The characteristics it registered.
    public let characteristics: FilterDriverCharacteristics
    /// FilterDriverContext.
    public let driverContext: AnyObject?

    init(driverObject: DriverObject, driverContext: AnyObject?, characteristics: FilterDriverCharacteristics) {
        self.driverObject = driverObject
        self.driverContext = driverContext
        self.characteristics = characteristics
    }
}
