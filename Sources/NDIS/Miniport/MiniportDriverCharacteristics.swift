import NetCore

/// NDIS_MINIPORT_DRIVER_CHARACTERISTICS: the versions and driver-wide
/// handlers a miniport driver registers with NdisMRegisterMiniportDriver.
///
/// The per-adapter handlers (halt, pause, restart, OID, send, return, cancel
/// send, check-for-hang, reset, PnP, shutdown) are the methods of the
/// `MiniportAdapterContext` the driver hands NDIS from its initialize
/// handler, so a missing mandatory handler is a compile error rather than
/// NDIS_STATUS_BAD_CHARACTERISTICS at run time.
public struct MiniportDriverCharacteristics {
    /// Header: Type NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS, a revision, the size.
    public var header = NdisObjectHeader()
    /// MajorNdisVersion: 6.
    public var majorNdisVersion: UInt8 = 0
    /// MinorNdisVersion: one NDIS 6 knows (0, 20, 30, … 86).
    public var minorNdisVersion: UInt8 = 0
    /// MajorDriverVersion.
    public var majorDriverVersion: UInt8 = 0
    /// MinorDriverVersion.
    public var minorDriverVersion: UInt8 = 0
    /// Flags: NDIS_INTERMEDIATE_DRIVER, NDIS_WDM_DRIVER.
    public var flags: UInt32 = 0
    /// SetOptionsHandler (MiniportSetOptions): optional.
    public var setOptionsHandler: ((_ driverHandle: MiniportDriver, _ driverContext: AnyObject?) -> NDISStatus)?
    /// InitializeHandlerEx (MiniportInitializeEx): mandatory. It must call
    /// `NdisMSetMiniportAttributes` (`adapter.setAttributes`) with the
    /// registration and then the general attributes before it succeeds.
    public var initializeHandlerEx: ((_ adapter: MiniportAdapter, _ driverContext: AnyObject?,
                                      _ parameters: MiniportInitParameters) -> NDISStatus)?
    /// UnloadHandler (MiniportDriverUnload): mandatory.
    public var unloadHandler: ((_ driverObject: DriverObject) -> Void)?

    public init() {}

    /// Characteristics filled in as this library's own miniports register:
    /// the current header and NDIS version, driver version 1.0.
    public static func current(
        initialize: @escaping (_ adapter: MiniportAdapter, _ driverContext: AnyObject?,
                               _ parameters: MiniportInitParameters) -> NDISStatus
    ) -> MiniportDriverCharacteristics {
        var chars = MiniportDriverCharacteristics()
        chars.header = NdisObjectHeader(type: .miniportDriverCharacteristics, revision: revision1, size: size)
        chars.majorNdisVersion = ndisMiniportMajorVersion
        chars.minorNdisVersion = ndisMiniportMinorVersion
        chars.majorDriverVersion = 1
        chars.initializeHandlerEx = initialize
        chars.unloadHandler = { _ in }
        return chars
    }

    /// NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1 (NDIS 6.0).
    public static let revision1: UInt8 = 1
    /// NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2 (NDIS 6.1: direct OIDs).
    public static let revision2: UInt8 = 2
    /// NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_3 (NDIS 6.80: synchronous OIDs).
    public static let revision3: UInt8 = 3
    /// sizeof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS) for this structure.
    public static let size = UInt16(MemoryLayout<MiniportDriverCharacteristics>.size)
}

/// NDIS_MINIPORT_MAJOR_VERSION: the NDIS major version this library implements.
public let ndisMiniportMajorVersion: UInt8 = 6
/// NDIS_MINIPORT_MINOR_VERSION: the newest NDIS 6 minor version this library implements.
public let ndisMiniportMinorVersion: UInt8 = 86
/// The NDIS 6 minor versions a driver may declare.
public let ndisSupportedMinorVersions: Set<UInt8> = [0, 1, 20, 30, 40, 50, 51, 60, 70, 80, 81, 82, 83, 84, 85, 86]

/// NDIS_MINIPORT_INIT_PARAMETERS: what MiniportInitializeEx is told about its adapter.
public struct MiniportInitParameters {
    /// Header (NDIS_OBJECT_TYPE_MINIPORT_INIT_PARAMETERS).
    public var header = NdisObjectHeader(type: .miniportInitParameters, revision: 1, size: 0)
    /// IfIndex: the interface index NDIS assigned.
    public var ifIndex: UInt32
    /// NetLuid.
    public var netLuid: UInt64
    /// AllocatedResources: for a virtual NIC, the object standing for its
    /// hardware (a port on a virtual wire, a TAP file descriptor).
    public var allocatedResources: AnyObject?
    /// The adapter's registry keyword values (NdisReadConfiguration).
    public var configuration: [String: String]

    public init(ifIndex: UInt32, netLuid: UInt64, allocatedResources: AnyObject?, configuration: [String: String]) {
        self.ifIndex = ifIndex
        self.netLuid = netLuid
        self.allocatedResources = allocatedResources
        self.configuration = configuration
    }
}
