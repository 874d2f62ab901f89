import NetCore

/// NDIS_MEDIUM.
public enum NdisMedium: UInt32, Sendable {
    /// NdisMedium802_3: Ethernet.
    case ieee8023 = 0
    /// NdisMediumLoopback.
    case loopback = 11
}

/// NDIS_MINIPORT_ADAPTER_ATTRIBUTES: what NdisMSetMiniportAttributes takes.
public enum MiniportAdapterAttributes {
    /// NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES (must come first).
    case registration(MiniportAdapterRegistrationAttributes)
    /// NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES (mandatory before init succeeds).
    case general(MiniportAdapterGeneralAttributes)
}

/// NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES.
public struct MiniportAdapterRegistrationAttributes {
    /// MiniportAdapterContext: the object NDIS calls the adapter's handlers on.
    public var miniportAdapterContext: MiniportAdapterContext
    /// AttributeFlags (NDIS_MINIPORT_ATTRIBUTES_*).
    public var attributeFlags: UInt32
    /// CheckForHangTimeInSeconds: 0 means the default of 2 s.
    public var checkForHangTimeInSeconds: UInt32
    /// InterfaceType (NDIS_INTERFACE_TYPE): virtual adapters use NdisInterfaceInternal.
    public var interfaceType: UInt32

    public init(miniportAdapterContext: MiniportAdapterContext, attributeFlags: UInt32 = 0,
                checkForHangTimeInSeconds: UInt32 = 0, interfaceType: UInt32 = 0) {
        self.miniportAdapterContext = miniportAdapterContext
        self.attributeFlags = attributeFlags
        self.checkForHangTimeInSeconds = checkForHangTimeInSeconds
        self.interfaceType = interfaceType
    }
}

/// NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES: the adapter facts NDIS answers
/// most general OIDs from, and hands protocols at bind time.
public struct MiniportAdapterGeneralAttributes: Sendable {
    /// MediaType.
    public var mediaType: NdisMedium = .ieee8023
    /// MtuSize: the largest payload after the MAC header.
    public var mtuSize: UInt32 = 1500
    /// MaxXmitLinkSpeed in bit/s.
    public var maxXmitLinkSpeed: UInt64 = 10_000_000_000
    /// XmitLinkSpeed in bit/s.
    public var xmitLinkSpeed: UInt64 = 10_000_000_000
    /// MaxRcvLinkSpeed in bit/s.
    public var maxRcvLinkSpeed: UInt64 = 10_000_000_000
    /// RcvLinkSpeed in bit/s.
    public var rcvLinkSpeed: UInt64 = 10_000_000_000
    /// MediaConnectState.
    public var mediaConnectState: MediaConnectState = .connected
    /// MediaDuplexState.
    public var mediaDuplexState: MediaDuplexState = .full
    /// LookaheadSize.
    public var lookaheadSize: UInt32 = 1500
    /// MacOptions (NDIS_MAC_OPTION_*).
    public var macOptions: UInt32 = 0
    /// SupportedPacketFilters.
    public var supportedPacketFilters: PacketFilter = [.directed, .multicast, .allMulticast, .broadcast, .promiscuous]
    /// MaxMulticastListSize.
    public var maxMulticastListSize: UInt32 = 32
    /// PermanentMacAddress.
    public var permanentMacAddress: MACAddress = .zero
    /// CurrentMacAddress.
    public var currentMacAddress: MACAddress = .zero
    /// DataBackFillSize: headroom lower layers need in front of the data.
    public var dataBackFillSize: UInt32 = 0
    /// SupportedOidList: the OIDs the miniport itself answers.
    public var supportedOidList: [Oid] = []

    public init() {}
}
