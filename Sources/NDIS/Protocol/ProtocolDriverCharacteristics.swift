import NetCore

/// NDIS_PROTOCOL_DRIVER_CHARACTERISTICS: what NdisRegisterProtocolDriver
/// takes. The per-binding handlers are the methods of `ProtocolBindingContext`.
public struct ProtocolDriverCharacteristics {
    /// Header: Type NDIS_OBJECT_TYPE_PROTOCOL_DRIVER_CHARACTERISTICS.
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
    /// Name.
    public var name = ""
    /// BindAdapterHandlerEx (ProtocolBindAdapterEx): mandatory; it calls
    /// `Ndis.openAdapter` (NdisOpenAdapterEx) to create the binding.
    public var bindAdapterHandlerEx: ((_ driver: ProtocolDriver, _ bindContext: BindContext,
                                       _ parameters: BindParameters) -> NDISStatus)?
    /// UnbindAdapterHandlerEx (ProtocolUnbindAdapterEx): mandatory; it calls
    /// `binding.closeAdapter()` (NdisCloseAdapterEx).
    public var unbindAdapterHandlerEx: ((_ binding: ProtocolBinding) -> NDISStatus)?

    public init() {}

    /// NDIS_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1.
    public static let revision1: UInt8 = 1
    /// NDIS_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_2.
    public static let revision2: UInt8 = 2
    /// sizeof(NDIS_PROTOCOL_DRIVER_CHARACTERISTICS) for this structure.
    public static let size = UInt16(MemoryLayout<ProtocolDriverCharacteristics>.size)
}

/// The NDIS_HANDLE of a registered protocol driver.
public final class ProtocolDriver {
    /// The characteristics it registered.
    public let characteristics: ProtocolDriverCharacteristics
    /// ProtocolDriverContext.
    public let driverContext: AnyObject?
    /// The NDIS instance it registered with.
    public unowned let ndis: Ndis

    init(ndis: Ndis, driverContext: AnyObject?, characteristics: ProtocolDriverCharacteristics) {
        self.ndis = ndis
        self.driverContext = driverContext
        self.characteristics = characteristics
    }
}

/// BindContext: names the adapter a ProtocolBindAdapterEx call is about.
public final class BindContext {
    let adapter: MiniportAdapter
    init(adapter: MiniportAdapter) { self.adapter = adapter }
}

/// NDIS_BIND_PARAMETERS: the adapter facts a protocol is bound with.
public struct BindParameters: Sendable {
    /// AdapterName.
    public var adapterName: String
    /// MediaType.
    public var mediaType: NdisMedium
    /// MtuSize.
    public var mtuSize: UInt32
    /// XmitLinkSpeed.
    public var xmitLinkSpeed: UInt64
    /// RcvLinkSpeed.
    public var rcvLinkSpeed: UInt64
    /// MediaConnectState.
    public var mediaConnectState: MediaConnectState
    /// LookaheadSize.
    public var lookaheadSize: UInt32
    /// SupportedPacketFilters.
    public var supportedPacketFilters: PacketFilter
    /// MaxMulticastListSize.
    public var maxMulticastListSize: UInt32
    /// CurrentMacAddress.
    public var currentMacAddress: MACAddress
    /// PermanentMacAddress.
    public var permanentMacAddress: MACAddress
    /// BoundIfIndex.
    public var boundIfIndex: UInt32
    /// BoundIfNetluid.
    public var boundIfNetLuid: UInt64
    /// DataBackFillSize.
    public var dataBackFillSize: UInt32
}

/// NDIS_OPEN_PARAMETERS: what NdisOpenAdapterEx is asked for.
public struct OpenParameters: Sendable {
    /// AdapterName.
    public var adapterName: String
    /// MediumArray: media the protocol accepts.
    public var mediumArray: [NdisMedium]
    /// FrameTypeArray: the EtherTypes this binding receives (empty: all).
    public var frameTypeArray: [UInt16]

    public init(adapterName: String, mediumArray: [NdisMedium] = [.ieee8023], frameTypeArray: [UInt16] = []) {
        self.adapterName = adapterName
        self.mediumArray = mediumArray
        self.frameTypeArray = frameTypeArray
    }
}
