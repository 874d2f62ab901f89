/// A Windows NDIS_STATUS: what every NDIS call, completion and status
/// indication carries.
///
/// NDIS_STATUS is an NTSTATUS (ndis.h defines many codes as
/// `((NDIS_STATUS)STATUS_xxx)`), so the two convert freely and share the
/// severity rules; the type is separate so NDIS code reads with NDIS names
/// and an NDIS status is not passed where a WSK status is meant by accident.
///
/// Values come from the WDK's ndis.h, with codes defined through an NTSTATUS
/// resolved against the Windows SDK's ntstatus.h. Media-specific indication
/// families (802.11 `NDIS_STATUS_DOT11_*` indications, WWAN) are not listed.
public struct NDISStatus: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The code exactly as Windows stores it in an `NDIS_STATUS` (an `int`).
    public var rawValue: UInt32

    /// Wraps any code, known or not, so foreign statuses pass through intact.
    @inlinable
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The same code seen as an NDIS status; lossless, as both are the same 32 bits.
    @inlinable
    public init(_ ntStatus: NTStatus) { self.rawValue = ntStatus.rawValue }

    /// The same code seen as an NTSTATUS, e.g. to complete an IRP with it.
    @inlinable
    public var ntStatus: NTStatus { NTStatus(rawValue: rawValue) }

    /// NT_SUCCESS, which NDIS uses too: note that `pending`, `notRecognized`
    /// and `notAccepted` all pass it.
    @inlinable
    public var isSuccess: Bool { ntStatus.isSuccess }

    /// Severity 1: informational, which every status indication code is.
    @inlinable
    public var isInformational: Bool { ntStatus.isInformational }

    /// Severity 2: a warning such as `bufferOverflow` or `softErrors`.
    @inlinable
    public var isWarning: Bool { ntStatus.isWarning }

    /// Severity 3: the call failed.
    @inlinable
    public var isError: Bool { ntStatus.isError }

    /// Bits 27–16: 0x01 for the classic NDIS codes, 0x23 for codes defined
    /// through an NTSTATUS of the NDIS facility, 0 for general NT codes.
    @inlinable
    public var facility: UInt16 { ntStatus.facility }

    /// The NDIS constant's name, e.g. "NDIS_STATUS_PAUSED". For a code ndis.h
    /// does not name, the NTSTATUS name if there is one (drivers may return
    /// any NTSTATUS), otherwise the value in hex.
    public var name: String {
        NDISStatus.names[rawValue] ?? ntStatus.name
    }

    /// "NDIS_STATUS_PAUSED (0xC023002A)"; an unknown code prints as its hex value alone.
    public var description: String {
        if let known = NDISStatus.names[rawValue] {
            return "\(known) (\(NTStatus.hex(rawValue)))"
        }
        return ntStatus.description
    }

    /// Name lookup, built once. Where two names share a value (an alias
    /// such as NDIS_STATUS_WW_INDICATION) the first listed wins.
    private static let names: [UInt32: String] = Dictionary(
        known.map { ($0.0.rawValue, $0.1) }, uniquingKeysWith: { first, _ in first })

    /// Every constant with its NDIS name, in declaration order.
    static let known: [(NDISStatus, String)] = [
        (.success, "NDIS_STATUS_SUCCESS"),
        (.pending, "NDIS_STATUS_PENDING"),
        (.notRecognized, "NDIS_STATUS_NOT_RECOGNIZED"),
        (.notCopied, "NDIS_STATUS_NOT_COPIED"),
        (.notAccepted, "NDIS_STATUS_NOT_ACCEPTED"),
        (.callActive, "NDIS_STATUS_CALL_ACTIVE"),
        (.indicationRequired, "NDIS_STATUS_INDICATION_REQUIRED"),
        (.notResettable, "NDIS_STATUS_NOT_RESETTABLE"),
        (.softErrors, "NDIS_STATUS_SOFT_ERRORS"),
        (.hardErrors, "NDIS_STATUS_HARD_ERRORS"),
        (.bufferOverflow, "NDIS_STATUS_BUFFER_OVERFLOW"),
        (.failure, "NDIS_STATUS_FAILURE"),
        (.resources, "NDIS_STATUS_RESOURCES"),
        (.closing, "NDIS_STATUS_CLOSING"),
        (.badVersion, "NDIS_STATUS_BAD_VERSION"),
        (.badCharacteristics, "NDIS_STATUS_BAD_CHARACTERISTICS"),
        (.adapterNotFound, "NDIS_STATUS_ADAPTER_NOT_FOUND"),
        (.openFailed, "NDIS_STATUS_OPEN_FAILED"),
        (.deviceFailed, "NDIS_STATUS_DEVICE_FAILED"),
        (.multicastFull, "NDIS_STATUS_MULTICAST_FULL"),
        (.multicastExists, "NDIS_STATUS_MULTICAST_EXISTS"),
        (.multicastNotFound, "NDIS_STATUS_MULTICAST_NOT_FOUND"),
        (.requestAborted, "NDIS_STATUS_REQUEST_ABORTED"),
        (.resetInProgress, "NDIS_STATUS_RESET_IN_PROGRESS"),
        (.closingIndicating, "NDIS_STATUS_CLOSING_INDICATING"),
        (.notSupported, "NDIS_STATUS_NOT_SUPPORTED"),
        (.invalidPacket, "NDIS_STATUS_INVALID_PACKET"),
        (.openListFull, "NDIS_STATUS_OPEN_LIST_FULL"),
        (.adapterNotReady, "NDIS_STATUS_ADAPTER_NOT_READY"),
        (.adapterNotOpen, "NDIS_STATUS_ADAPTER_NOT_OPEN"),
        (.notIndicating, "NDIS_STATUS_NOT_INDICATING"),
        (.invalidLength, "NDIS_STATUS_INVALID_LENGTH"),
        (.invalidData, "NDIS_STATUS_INVALID_DATA"),
        (.bufferTooShort, "NDIS_STATUS_BUFFER_TOO_SHORT"),
        (.invalidOID, "NDIS_STATUS_INVALID_OID"),
        (.adapterRemoved, "NDIS_STATUS_ADAPTER_REMOVED"),
        (.unsupportedMedia, "NDIS_STATUS_UNSUPPORTED_MEDIA"),
        (.groupAddressInUse, "NDIS_STATUS_GROUP_ADDRESS_IN_USE"),
        (.fileNotFound, "NDIS_STATUS_FILE_NOT_FOUND"),
        (.errorReadingFile, "NDIS_STATUS_ERROR_READING_FILE"),
        (.alreadyMapped, "NDIS_STATUS_ALREADY_MAPPED"),
        (.resourceConflict, "NDIS_STATUS_RESOURCE_CONFLICT"),
        (.noCable, "NDIS_STATUS_NO_CABLE"),
        (.invalidDeviceRequest, "NDIS_STATUS_INVALID_DEVICE_REQUEST"),
        (.networkUnreachable, "NDIS_STATUS_NETWORK_UNREACHABLE"),
        (.online, "NDIS_STATUS_ONLINE"),
        (.resetStart, "NDIS_STATUS_RESET_START"),
        (.resetEnd, "NDIS_STATUS_RESET_END"),
        (.ringStatus, "NDIS_STATUS_RING_STATUS"),
        (.closed, "NDIS_STATUS_CLOSED"),
        (.wanLineUp, "NDIS_STATUS_WAN_LINE_UP"),
        (.wanLineDown, "NDIS_STATUS_WAN_LINE_DOWN"),
        (.wanFragment, "NDIS_STATUS_WAN_FRAGMENT"),
        (.mediaConnect, "NDIS_STATUS_MEDIA_CONNECT"),
        (.mediaDisconnect, "NDIS_STATUS_MEDIA_DISCONNECT"),
        (.hardwareLineUp, "NDIS_STATUS_HARDWARE_LINE_UP"),
        (.hardwareLineDown, "NDIS_STATUS_HARDWARE_LINE_DOWN"),
        (.interfaceUp, "NDIS_STATUS_INTERFACE_UP"),
        (.interfaceDown, "NDIS_STATUS_INTERFACE_DOWN"),
        (.mediaBusy, "NDIS_STATUS_MEDIA_BUSY"),
        (.mediaSpecificIndication, "NDIS_STATUS_MEDIA_SPECIFIC_INDICATION"),
        (.wwIndication, "NDIS_STATUS_WW_INDICATION"),
        (.linkSpeedChange, "NDIS_STATUS_LINK_SPEED_CHANGE"),
        (.wanGetStats, "NDIS_STATUS_WAN_GET_STATS"),
        (.wanCoFragment, "NDIS_STATUS_WAN_CO_FRAGMENT"),
        (.wanCoLinkParams, "NDIS_STATUS_WAN_CO_LINKPARAMS"),
        (.linkState, "NDIS_STATUS_LINK_STATE"),
        (.networkChange, "NDIS_STATUS_NETWORK_CHANGE"),
        (.mediaSpecificIndicationEx, "NDIS_STATUS_MEDIA_SPECIFIC_INDICATION_EX"),
        (.portState, "NDIS_STATUS_PORT_STATE"),
        (.operStatus, "NDIS_STATUS_OPER_STATUS"),
        (.packetFilter, "NDIS_STATUS_PACKET_FILTER"),
        (.wanCoMTULinkParams, "NDIS_STATUS_WAN_CO_MTULINKPARAMS"),
        (.ipOperStatus, "NDIS_STATUS_IP_OPER_STATUS"),
        (.offloadPause, "NDIS_STATUS_OFFLOAD_PAUSE"),
        (.uploadAll, "NDIS_STATUS_UPLOAD_ALL"),
        (.offloadResume, "NDIS_STATUS_OFFLOAD_RESUME"),
        (.offloadPartialSuccess, "NDIS_STATUS_OFFLOAD_PARTIAL_SUCCESS"),
        (.offloadStateInvalid, "NDIS_STATUS_OFFLOAD_STATE_INVALID"),
        (.taskOffloadCurrentConfig, "NDIS_STATUS_TASK_OFFLOAD_CURRENT_CONFIG"),
        (.taskOffloadHardwareCapabilities, "NDIS_STATUS_TASK_OFFLOAD_HARDWARE_CAPABILITIES"),
        (.offloadEncapsulationChange, "NDIS_STATUS_OFFLOAD_ENCASPULATION_CHANGE"),
        (.tcpConnectionOffloadHardwareCapabilities, "NDIS_STATUS_TCP_CONNECTION_OFFLOAD_HARDWARE_CAPABILITIES"),
        (.hdSplitCurrentConfig, "NDIS_STATUS_HD_SPLIT_CURRENT_CONFIG"),
        (.receiveQueueState, "NDIS_STATUS_RECEIVE_QUEUE_STATE"),
        (.vfConfigState, "NDIS_STATUS_VF_CONFIG_STATE"),
        (.receiveFilterCurrentCapabilities, "NDIS_STATUS_RECEIVE_FILTER_CURRENT_CAPABILITIES"),
        (.receiveFilterHardwareCapabilities, "NDIS_STATUS_RECEIVE_FILTER_HARDWARE_CAPABILITIES"),
        (.receiveFilterQueueParameters, "NDIS_STATUS_RECEIVE_FILTER_QUEUE_PARAMETERS"),
        (.nicSwitchCurrentCapabilities, "NDIS_STATUS_NIC_SWITCH_CURRENT_CAPABILITIES"),
        (.nicSwitchHardwareCapabilities, "NDIS_STATUS_NIC_SWITCH_HARDWARE_CAPABILITIES"),
        (.receiveFilterQueueStateChange, "NDIS_STATUS_RECEIVE_FILTER_QUEUE_STATE_CHANGE"),
        (.isolationParametersChange, "NDIS_STATUS_ISOLATION_PARAMETERS_CHANGE"),
        (.qosOperationalParametersChange, "NDIS_STATUS_QOS_OPERATIONAL_PARAMETERS_CHANGE"),
        (.qosRemoteParametersChange, "NDIS_STATUS_QOS_REMOTE_PARAMETERS_CHANGE"),
        (.currentMACAddressChange, "NDIS_STATUS_CURRENT_MAC_ADDRESS_CHANGE"),
        (.l2MTUSizeChange, "NDIS_STATUS_L2_MTU_SIZE_CHANGE"),
        (.pdCurrentConfig, "NDIS_STATUS_PD_CURRENT_CONFIG"),
        (.gftOffloadCurrentCapabilities, "NDIS_STATUS_GFT_OFFLOAD_CURRENT_CAPABILITIES"),
        (.gftOffloadHardwareCapabilities, "NDIS_STATUS_GFT_OFFLOAD_HARDWARE_CAPABILITIES"),
        (.gftOffloadCurrentConfig, "NDIS_STATUS_GFT_OFFLOAD_CURRENT_CONFIG"),
        (.gftCountersUpdated, "NDIS_STATUS_GFT_COUNTERS_UPDATED"),
        (.qosOffloadCurrentCapabilities, "NDIS_STATUS_QOS_OFFLOAD_CURRENT_CAPABILITIES"),
        (.qosOffloadHardwareCapabilities, "NDIS_STATUS_QOS_OFFLOAD_HARDWARE_CAPABILITIES"),
        (.timestampCapability, "NDIS_STATUS_TIMESTAMP_CAPABILITY"),
        (.timestampCurrentConfig, "NDIS_STATUS_TIMESTAMP_CURRENT_CONFIG"),
        (.pmWoLPatternRejected, "NDIS_STATUS_PM_WOL_PATTERN_REJECTED"),
        (.pmOffloadRejected, "NDIS_STATUS_PM_OFFLOAD_REJECTED"),
        (.pmCapabilitiesChange, "NDIS_STATUS_PM_CAPABILITIES_CHANGE"),
        (.pmHardwareCapabilities, "NDIS_STATUS_PM_HARDWARE_CAPABILITIES"),
        (.pmWakeReason, "NDIS_STATUS_PM_WAKE_REASON"),
        (.invalidSAP, "NDIS_STATUS_INVALID_SAP"),
        (.sapInUse, "NDIS_STATUS_SAP_IN_USE"),
        (.invalidAddress, "NDIS_STATUS_INVALID_ADDRESS"),
        (.vcNotActivated, "NDIS_STATUS_VC_NOT_ACTIVATED"),
        (.destOutOfOrder, "NDIS_STATUS_DEST_OUT_OF_ORDER"),
        (.vcNotAvailable, "NDIS_STATUS_VC_NOT_AVAILABLE"),
        (.cellrateNotAvailable, "NDIS_STATUS_CELLRATE_NOT_AVAILABLE"),
        (.incompatibleQoS, "NDIS_STATUS_INCOMPATIBLE_QOS"),
        (.incompatableQoS, "NDIS_STATUS_INCOMPATABLE_QOS"),
        (.aalParamsUnsupported, "NDIS_STATUS_AAL_PARAMS_UNSUPPORTED"),
        (.noRouteToDestination, "NDIS_STATUS_NO_ROUTE_TO_DESTINATION"),
        (.tokenRingOpenError, "NDIS_STATUS_TOKEN_RING_OPEN_ERROR"),
        (.sendAborted, "NDIS_STATUS_SEND_ABORTED"),
        (.paused, "NDIS_STATUS_PAUSED"),
        (.interfaceNotFound, "NDIS_STATUS_INTERFACE_NOT_FOUND"),
        (.invalidParameter, "NDIS_STATUS_INVALID_PARAMETER"),
        (.unsupportedRevision, "NDIS_STATUS_UNSUPPORTED_REVISION"),
        (.invalidPort, "NDIS_STATUS_INVALID_PORT"),
        (.invalidPortState, "NDIS_STATUS_INVALID_PORT_STATE"),
        (.invalidState, "NDIS_STATUS_INVALID_STATE"),
        (.mediaDisconnected, "NDIS_STATUS_MEDIA_DISCONNECTED"),
        (.lowPowerState, "NDIS_STATUS_LOW_POWER_STATE"),
        (.noQueues, "NDIS_STATUS_NO_QUEUES"),
        (.dot11AutoConfigEnabled, "NDIS_STATUS_DOT11_AUTO_CONFIG_ENABLED"),
        (.dot11MediaInUse, "NDIS_STATUS_DOT11_MEDIA_IN_USE"),
        (.dot11PowerStateInvalid, "NDIS_STATUS_DOT11_POWER_STATE_INVALID"),
        (.pmWoLPatternListFull, "NDIS_STATUS_PM_WOL_PATTERN_LIST_FULL"),
        (.pmProtocolOffloadListFull, "NDIS_STATUS_PM_PROTOCOL_OFFLOAD_LIST_FULL"),
        (.busy, "NDIS_STATUS_BUSY"),
        (.reinitRequired, "NDIS_STATUS_REINIT_REQUIRED"),
        (.dot11APChannelCurrentlyNotAvailable, "NDIS_STATUS_DOT11_AP_CHANNEL_CURRENTLY_NOT_AVAILABLE"),
        (.dot11APBandCurrentlyNotAvailable, "NDIS_STATUS_DOT11_AP_BAND_CURRENTLY_NOT_AVAILABLE"),
        (.dot11APChannelNotAllowed, "NDIS_STATUS_DOT11_AP_CHANNEL_NOT_ALLOWED"),
        (.dot11APBandNotAllowed, "NDIS_STATUS_DOT11_AP_BAND_NOT_ALLOWED"),
        (.uploadInProgress, "NDIS_STATUS_UPLOAD_IN_PROGRESS"),
        (.requestUpload, "NDIS_STATUS_REQUEST_UPLOAD"),
        (.uploadRequested, "NDIS_STATUS_UPLOAD_REQUESTED"),
        (.offloadTCPEntries, "NDIS_STATUS_OFFLOAD_TCP_ENTRIES"),
        (.offloadPathEntries, "NDIS_STATUS_OFFLOAD_PATH_ENTRIES"),
        (.offloadNeighborEntries, "NDIS_STATUS_OFFLOAD_NEIGHBOR_ENTRIES"),
        (.offloadIPAddressEntries, "NDIS_STATUS_OFFLOAD_IP_ADDRESS_ENTRIES"),
        (.offloadHWAddressEntries, "NDIS_STATUS_OFFLOAD_HW_ADDRESS_ENTRIES"),
        (.offloadVLANEntries, "NDIS_STATUS_OFFLOAD_VLAN_ENTRIES"),
        (.offloadTCPXmitBuffer, "NDIS_STATUS_OFFLOAD_TCP_XMIT_BUFFER"),
        (.offloadTCPRcvBuffer, "NDIS_STATUS_OFFLOAD_TCP_RCV_BUFFER"),
        (.offloadTCPRcvWindow, "NDIS_STATUS_OFFLOAD_TCP_RCV_WINDOW"),
        (.offloadVLANMismatch, "NDIS_STATUS_OFFLOAD_VLAN_MISMATCH"),
        (.offloadDataNotAccepted, "NDIS_STATUS_OFFLOAD_DATA_NOT_ACCEPTED"),
        (.offloadPolicy, "NDIS_STATUS_OFFLOAD_POLICY"),
        (.offloadDataPartiallyAccepted, "NDIS_STATUS_OFFLOAD_DATA_PARTIALLY_ACCEPTED"),
        (.offloadRequestReset, "NDIS_STATUS_OFFLOAD_REQUEST_RESET"),
        (.offloadConnectionRejected, "NDIS_STATUS_OFFLOAD_CONNECTION_REJECTED"),
        (.switchPortRemoveVF, "NDIS_STATUS_SWITCH_PORT_REMOVE_VF"),
        (.switchNICStatus, "NDIS_STATUS_SWITCH_NIC_STATUS"),
    ]

    /// NDIS_STATUS_SUCCESS (= STATUS_SUCCESS)
    public static let success = NDISStatus(NTStatus.success)

    /// NDIS_STATUS_PENDING (= STATUS_PENDING)
    ///
    /// The call completes later through its *Complete handler; a success code.
    public static let pending = NDISStatus(NTStatus.pending)

    /// NDIS_STATUS_NOT_RECOGNIZED
    ///
    /// Passes NT_SUCCESS, so compare for it explicitly: a filter or protocol did not recognise the indication.
    public static let notRecognized = NDISStatus(rawValue: 0x0001_0001)

    /// NDIS_STATUS_NOT_COPIED
    public static let notCopied = NDISStatus(rawValue: 0x0001_0002)

    /// NDIS_STATUS_NOT_ACCEPTED
    ///
    /// Passes NT_SUCCESS; a miniport returns it for OIDs after surprise removal.
    public static let notAccepted = NDISStatus(rawValue: 0x0001_0003)

    /// NDIS_STATUS_CALL_ACTIVE
    public static let callActive = NDISStatus(rawValue: 0x0001_0007)

    /// NDIS_STATUS_INDICATION_REQUIRED (= STATUS_NDIS_INDICATION_REQUIRED)
    public static let indicationRequired = NDISStatus(NTStatus.ndisIndicationRequired)

    /// NDIS_STATUS_NOT_RESETTABLE
    public static let notResettable = NDISStatus(rawValue: 0x8001_0001)

    /// NDIS_STATUS_SOFT_ERRORS
    public static let softErrors = NDISStatus(rawValue: 0x8001_0003)

    /// NDIS_STATUS_HARD_ERRORS
    public static let hardErrors = NDISStatus(rawValue: 0x8001_0004)

    /// NDIS_STATUS_BUFFER_OVERFLOW (= STATUS_BUFFER_OVERFLOW)
    public static let bufferOverflow = NDISStatus(NTStatus.bufferOverflow)

    /// NDIS_STATUS_FAILURE (= STATUS_UNSUCCESSFUL)
    public static let failure = NDISStatus(NTStatus.unsuccessful)

    /// NDIS_STATUS_RESOURCES (= STATUS_INSUFFICIENT_RESOURCES)
    ///
    /// On a received NET_BUFFER_LIST: the miniport needs it back at once, so the stack must copy.
    public static let resources = NDISStatus(NTStatus.insufficientResources)

    /// NDIS_STATUS_CLOSING
    public static let closing = NDISStatus(rawValue: 0xC001_0002)

    /// NDIS_STATUS_BAD_VERSION
    public static let badVersion = NDISStatus(rawValue: 0xC001_0004)

    /// NDIS_STATUS_BAD_CHARACTERISTICS
    public static let badCharacteristics = NDISStatus(rawValue: 0xC001_0005)

    /// NDIS_STATUS_ADAPTER_NOT_FOUND
    public static let adapterNotFound = NDISStatus(rawValue: 0xC001_0006)

    /// NDIS_STATUS_OPEN_FAILED
    public static let openFailed = NDISStatus(rawValue: 0xC001_0007)

    /// NDIS_STATUS_DEVICE_FAILED
    public static let deviceFailed = NDISStatus(rawValue: 0xC001_0008)

    /// NDIS_STATUS_MULTICAST_FULL
    public static let multicastFull = NDISStatus(rawValue: 0xC001_0009)

    /// NDIS_STATUS_MULTICAST_EXISTS
    public static let multicastExists = NDISStatus(rawValue: 0xC001_000A)

    /// NDIS_STATUS_MULTICAST_NOT_FOUND
    public static let multicastNotFound = NDISStatus(rawValue: 0xC001_000B)

    /// NDIS_STATUS_REQUEST_ABORTED
    ///
    /// Not the value of `sendAborted`: the header gives the two different codes.
    public static let requestAborted = NDISStatus(rawValue: 0xC001_000C)

    /// NDIS_STATUS_RESET_IN_PROGRESS
    public static let resetInProgress = NDISStatus(rawValue: 0xC001_000D)

    /// NDIS_STATUS_CLOSING_INDICATING
    public static let closingIndicating = NDISStatus(rawValue: 0xC001_000E)

    /// NDIS_STATUS_NOT_SUPPORTED (= STATUS_NOT_SUPPORTED)
    public static let notSupported = NDISStatus(NTStatus.notSupported)

    /// NDIS_STATUS_INVALID_PACKET
    public static let invalidPacket = NDISStatus(rawValue: 0xC001_000F)

    /// NDIS_STATUS_OPEN_LIST_FULL
    public static let openListFull = NDISStatus(rawValue: 0xC001_0010)

    /// NDIS_STATUS_ADAPTER_NOT_READY
    public static let adapterNotReady = NDISStatus(rawValue: 0xC001_0011)

    /// NDIS_STATUS_ADAPTER_NOT_OPEN
    public static let adapterNotOpen = NDISStatus(rawValue: 0xC001_0012)

    /// NDIS_STATUS_NOT_INDICATING
    public static let notIndicating = NDISStatus(rawValue: 0xC001_0013)

    /// NDIS_STATUS_INVALID_LENGTH
    ///
    /// An OID's buffer is the wrong size; BytesNeeded says what it should be.
    public static let invalidLength = NDISStatus(rawValue: 0xC001_0014)

    /// NDIS_STATUS_INVALID_DATA
    public static let invalidData = NDISStatus(rawValue: 0xC001_0015)

    /// NDIS_STATUS_BUFFER_TOO_SHORT
    public static let bufferTooShort = NDISStatus(rawValue: 0xC001_0016)

    /// NDIS_STATUS_INVALID_OID
    public static let invalidOID = NDISStatus(rawValue: 0xC001_0017)

    /// NDIS_STATUS_ADAPTER_REMOVED
    public static let adapterRemoved = NDISStatus(rawValue: 0xC001_0018)

    /// NDIS_STATUS_UNSUPPORTED_MEDIA
    public static let unsupportedMedia = NDISStatus(rawValue: 0xC001_0019)

    /// NDIS_STATUS_GROUP_ADDRESS_IN_USE
    public static let groupAddressInUse = NDISStatus(rawValue: 0xC001_001A)

    /// NDIS_STATUS_FILE_NOT_FOUND
    public static let fileNotFound = NDISStatus(rawValue: 0xC001_001B)

    /// NDIS_STATUS_ERROR_READING_FILE
    public static let errorReadingFile = NDISStatus(rawValue: 0xC001_001C)

    /// NDIS_STATUS_ALREADY_MAPPED
    public static let alreadyMapped = NDISStatus(rawValue: 0xC001_001D)

    /// NDIS_STATUS_RESOURCE_CONFLICT
    public static let resourceConflict = NDISStatus(rawValue: 0xC001_001E)

    /// NDIS_STATUS_NO_CABLE
    public static let noCable = NDISStatus(rawValue: 0xC001_001F)

    /// NDIS_STATUS_INVALID_DEVICE_REQUEST (= STATUS_INVALID_DEVICE_REQUEST)
    public static let invalidDeviceRequest = NDISStatus(NTStatus.invalidDeviceRequest)

    /// NDIS_STATUS_NETWORK_UNREACHABLE (= STATUS_NETWORK_UNREACHABLE)
    public static let networkUnreachable = NDISStatus(NTStatus.networkUnreachable)

    /// NDIS_STATUS_ONLINE
    public static let online = NDISStatus(rawValue: 0x4001_0003)

    /// NDIS_STATUS_RESET_START
    public static let resetStart = NDISStatus(rawValue: 0x4001_0004)

    /// NDIS_STATUS_RESET_END
    public static let resetEnd = NDISStatus(rawValue: 0x4001_0005)

    /// NDIS_STATUS_RING_STATUS
    public static let ringStatus = NDISStatus(rawValue: 0x4001_0006)

    /// NDIS_STATUS_CLOSED
    public static let closed = NDISStatus(rawValue: 0x4001_0007)

    /// NDIS_STATUS_WAN_LINE_UP
    public static let wanLineUp = NDISStatus(rawValue: 0x4001_0008)

    /// NDIS_STATUS_WAN_LINE_DOWN
    public static let wanLineDown = NDISStatus(rawValue: 0x4001_0009)

    /// NDIS_STATUS_WAN_FRAGMENT
    public static let wanFragment = NDISStatus(rawValue: 0x4001_000A)

    /// NDIS_STATUS_MEDIA_CONNECT
    ///
    /// NDIS 5 style; NDIS 6 drivers indicate `linkState` instead.
    public static let mediaConnect = NDISStatus(rawValue: 0x4001_000B)

    /// NDIS_STATUS_MEDIA_DISCONNECT
    ///
    /// NDIS 5 style; NDIS 6 drivers indicate `linkState` instead.
    public static let mediaDisconnect = NDISStatus(rawValue: 0x4001_000C)

    /// NDIS_STATUS_HARDWARE_LINE_UP
    public static let hardwareLineUp = NDISStatus(rawValue: 0x4001_000D)

    /// NDIS_STATUS_HARDWARE_LINE_DOWN
    public static let hardwareLineDown = NDISStatus(rawValue: 0x4001_000E)

    /// NDIS_STATUS_INTERFACE_UP
    public static let interfaceUp = NDISStatus(rawValue: 0x4001_000F)

    /// NDIS_STATUS_INTERFACE_DOWN
    public static let interfaceDown = NDISStatus(rawValue: 0x4001_0010)

    /// NDIS_STATUS_MEDIA_BUSY
    public static let mediaBusy = NDISStatus(rawValue: 0x4001_0011)

    /// NDIS_STATUS_MEDIA_SPECIFIC_INDICATION
    public static let mediaSpecificIndication = NDISStatus(rawValue: 0x4001_0012)

    /// NDIS_STATUS_WW_INDICATION (= NDIS_STATUS_MEDIA_SPECIFIC_INDICATION)
    ///
    /// An alias the header defines as NDIS_STATUS_MEDIA_SPECIFIC_INDICATION, so `name` reports that one.
    public static let wwIndication = mediaSpecificIndication

    /// NDIS_STATUS_LINK_SPEED_CHANGE
    public static let linkSpeedChange = NDISStatus(rawValue: 0x4001_0013)

    /// NDIS_STATUS_WAN_GET_STATS
    public static let wanGetStats = NDISStatus(rawValue: 0x4001_0014)

    /// NDIS_STATUS_WAN_CO_FRAGMENT
    public static let wanCoFragment = NDISStatus(rawValue: 0x4001_0015)

    /// NDIS_STATUS_WAN_CO_LINKPARAMS
    public static let wanCoLinkParams = NDISStatus(rawValue: 0x4001_0016)

    /// NDIS_STATUS_LINK_STATE
    ///
    /// The NDIS 6 link indication: its buffer is an NDIS_LINK_STATE with connect state and speeds.
    public static let linkState = NDISStatus(rawValue: 0x4001_0017)

    /// NDIS_STATUS_NETWORK_CHANGE
    public static let networkChange = NDISStatus(rawValue: 0x4001_0018)

    /// NDIS_STATUS_MEDIA_SPECIFIC_INDICATION_EX
    public static let mediaSpecificIndicationEx = NDISStatus(rawValue: 0x4001_0019)

    /// NDIS_STATUS_PORT_STATE
    public static let portState = NDISStatus(rawValue: 0x4001_0022)

    /// NDIS_STATUS_OPER_STATUS
    public static let operStatus = NDISStatus(rawValue: 0x4001_0023)

    /// NDIS_STATUS_PACKET_FILTER
    public static let packetFilter = NDISStatus(rawValue: 0x4001_0024)

    /// NDIS_STATUS_WAN_CO_MTULINKPARAMS
    public static let wanCoMTULinkParams = NDISStatus(rawValue: 0x4001_0025)

    /// NDIS_STATUS_IP_OPER_STATUS
    public static let ipOperStatus = NDISStatus(rawValue: 0x4001_0026)

    /// NDIS_STATUS_OFFLOAD_PAUSE
    public static let offloadPause = NDISStatus(rawValue: 0x4002_0001)

    /// NDIS_STATUS_UPLOAD_ALL
    public static let uploadAll = NDISStatus(rawValue: 0x4002_0002)

    /// NDIS_STATUS_OFFLOAD_RESUME
    public static let offloadResume = NDISStatus(rawValue: 0x4002_0003)

    /// NDIS_STATUS_OFFLOAD_PARTIAL_SUCCESS
    public static let offloadPartialSuccess = NDISStatus(rawValue: 0x4002_0004)

    /// NDIS_STATUS_OFFLOAD_STATE_INVALID
    public static let offloadStateInvalid = NDISStatus(rawValue: 0x4002_0005)

    /// NDIS_STATUS_TASK_OFFLOAD_CURRENT_CONFIG
    ///
    /// Offload settings changed at run time; the stack must re-read them and tolerate in-flight packets.
    public static let taskOffloadCurrentConfig = NDISStatus(rawValue: 0x4002_0006)

    /// NDIS_STATUS_TASK_OFFLOAD_HARDWARE_CAPABILITIES
    public static let taskOffloadHardwareCapabilities = NDISStatus(rawValue: 0x4002_0007)

    /// NDIS_STATUS_OFFLOAD_ENCASPULATION_CHANGE
    ///
    /// The header really spells it ENCASPULATION.
    public static let offloadEncapsulationChange = NDISStatus(rawValue: 0x4002_0008)

    /// NDIS_STATUS_TCP_CONNECTION_OFFLOAD_HARDWARE_CAPABILITIES
    public static let tcpConnectionOffloadHardwareCapabilities = NDISStatus(rawValue: 0x4002_000B)

    /// NDIS_STATUS_HD_SPLIT_CURRENT_CONFIG
    public static let hdSplitCurrentConfig = NDISStatus(rawValue: 0x4002_000C)

    /// NDIS_STATUS_RECEIVE_QUEUE_STATE
    public static let receiveQueueState = NDISStatus(rawValue: 0x4002_000D)

    /// NDIS_STATUS_VF_CONFIG_STATE
    public static let vfConfigState = NDISStatus(rawValue: 0x4002_000E)

    /// NDIS_STATUS_RECEIVE_FILTER_CURRENT_CAPABILITIES
    public static let receiveFilterCurrentCapabilities = NDISStatus(rawValue: 0x4002_0010)

    /// NDIS_STATUS_RECEIVE_FILTER_HARDWARE_CAPABILITIES
    public static let receiveFilterHardwareCapabilities = NDISStatus(rawValue: 0x4002_0020)

    /// NDIS_STATUS_RECEIVE_FILTER_QUEUE_PARAMETERS
    public static let receiveFilterQueueParameters = NDISStatus(rawValue: 0x4002_0030)

    /// NDIS_STATUS_NIC_SWITCH_CURRENT_CAPABILITIES
    public static let nicSwitchCurrentCapabilities = NDISStatus(rawValue: 0x4002_0040)

    /// NDIS_STATUS_NIC_SWITCH_HARDWARE_CAPABILITIES
    public static let nicSwitchHardwareCapabilities = NDISStatus(rawValue: 0x4002_0050)

    /// NDIS_STATUS_RECEIVE_FILTER_QUEUE_STATE_CHANGE
    public static let receiveFilterQueueStateChange = NDISStatus(rawValue: 0x4002_0070)

    /// NDIS_STATUS_ISOLATION_PARAMETERS_CHANGE
    public static let isolationParametersChange = NDISStatus(rawValue: 0x4002_0080)

    /// NDIS_STATUS_QOS_OPERATIONAL_PARAMETERS_CHANGE
    public static let qosOperationalParametersChange = NDISStatus(rawValue: 0x4002_00A0)

    /// NDIS_STATUS_QOS_REMOTE_PARAMETERS_CHANGE
    public static let qosRemoteParametersChange = NDISStatus(rawValue: 0x4002_00A1)

    /// NDIS_STATUS_CURRENT_MAC_ADDRESS_CHANGE
    public static let currentMACAddressChange = NDISStatus(rawValue: 0x4002_00B0)

    /// NDIS_STATUS_L2_MTU_SIZE_CHANGE
    public static let l2MTUSizeChange = NDISStatus(rawValue: 0x4002_00B1)

    /// NDIS_STATUS_PD_CURRENT_CONFIG
    public static let pdCurrentConfig = NDISStatus(rawValue: 0x4002_0200)

    /// NDIS_STATUS_GFT_OFFLOAD_CURRENT_CAPABILITIES
    public static let gftOffloadCurrentCapabilities = NDISStatus(rawValue: 0x4002_0300)

    /// NDIS_STATUS_GFT_OFFLOAD_HARDWARE_CAPABILITIES
    public static let gftOffloadHardwareCapabilities = NDISStatus(rawValue: 0x4002_0301)

    /// NDIS_STATUS_GFT_OFFLOAD_CURRENT_CONFIG
    public static let gftOffloadCurrentConfig = NDISStatus(rawValue: 0x4002_0302)

    /// NDIS_STATUS_GFT_COUNTERS_UPDATED
    public static let gftCountersUpdated = NDISStatus(rawValue: 0x4002_0303)

    /// NDIS_STATUS_QOS_OFFLOAD_CURRENT_CAPABILITIES
    public static let qosOffloadCurrentCapabilities = NDISStatus(rawValue: 0x4002_0400)

    /// NDIS_STATUS_QOS_OFFLOAD_HARDWARE_CAPABILITIES
    public static let qosOffloadHardwareCapabilities = NDISStatus(rawValue: 0x4002_0401)

    /// NDIS_STATUS_TIMESTAMP_CAPABILITY
    public static let timestampCapability = NDISStatus(rawValue: 0x4005_1000)

    /// NDIS_STATUS_TIMESTAMP_CURRENT_CONFIG
    public static let timestampCurrentConfig = NDISStatus(rawValue: 0x4005_1001)

    /// NDIS_STATUS_PM_WOL_PATTERN_REJECTED
    public static let pmWoLPatternRejected = NDISStatus(rawValue: 0x4003_0051)

    /// NDIS_STATUS_PM_OFFLOAD_REJECTED
    public static let pmOffloadRejected = NDISStatus(rawValue: 0x4003_0052)

    /// NDIS_STATUS_PM_CAPABILITIES_CHANGE
    public static let pmCapabilitiesChange = NDISStatus(rawValue: 0x4003_0053)

    /// NDIS_STATUS_PM_HARDWARE_CAPABILITIES
    public static let pmHardwareCapabilities = NDISStatus(rawValue: 0x4003_0054)

    /// NDIS_STATUS_PM_WAKE_REASON
    public static let pmWakeReason = NDISStatus(rawValue: 0x4003_0055)

    /// NDIS_STATUS_INVALID_SAP
    public static let invalidSAP = NDISStatus(rawValue: 0xC001_0020)

    /// NDIS_STATUS_SAP_IN_USE
    public static let sapInUse = NDISStatus(rawValue: 0xC001_0021)

    /// NDIS_STATUS_INVALID_ADDRESS
    public static let invalidAddress = NDISStatus(rawValue: 0xC001_0022)

    /// NDIS_STATUS_VC_NOT_ACTIVATED
    public static let vcNotActivated = NDISStatus(rawValue: 0xC001_0023)

    /// NDIS_STATUS_DEST_OUT_OF_ORDER
    public static let destOutOfOrder = NDISStatus(rawValue: 0xC001_0024)

    /// NDIS_STATUS_VC_NOT_AVAILABLE
    public static let vcNotAvailable = NDISStatus(rawValue: 0xC001_0025)

    /// NDIS_STATUS_CELLRATE_NOT_AVAILABLE
    public static let cellrateNotAvailable = NDISStatus(rawValue: 0xC001_0026)

    /// NDIS_STATUS_INCOMPATIBLE_QOS
    public static let incompatibleQoS = NDISStatus(rawValue: 0xC001_0027)

    /// NDIS_STATUS_INCOMPATABLE_QOS (= NDIS_STATUS_INCOMPATIBLE_QOS)
    ///
    /// The header's legacy misspelling, kept as an alias; `name` reports NDIS_STATUS_INCOMPATIBLE_QOS.
    public static let incompatableQoS = incompatibleQoS

    /// NDIS_STATUS_AAL_PARAMS_UNSUPPORTED
    public static let aalParamsUnsupported = NDISStatus(rawValue: 0xC001_0028)

    /// NDIS_STATUS_NO_ROUTE_TO_DESTINATION
    public static let noRouteToDestination = NDISStatus(rawValue: 0xC001_0029)

    /// NDIS_STATUS_TOKEN_RING_OPEN_ERROR
    public static let tokenRingOpenError = NDISStatus(rawValue: 0xC001_1000)

    /// NDIS_STATUS_SEND_ABORTED (= STATUS_NDIS_REQUEST_ABORTED)
    ///
    /// Completes sends cancelled by NdisCancelSendNetBufferLists or dropped at reset; see `requestAborted` for OIDs.
    public static let sendAborted = NDISStatus(NTStatus.ndisRequestAborted)

    /// NDIS_STATUS_PAUSED (= STATUS_NDIS_PAUSED)
    ///
    /// Sends fail with this while the miniport is pausing or paused.
    public static let paused = NDISStatus(NTStatus.ndisPaused)

    /// NDIS_STATUS_INTERFACE_NOT_FOUND (= STATUS_NDIS_INTERFACE_NOT_FOUND)
    public static let interfaceNotFound = NDISStatus(NTStatus.ndisInterfaceNotFound)

    /// NDIS_STATUS_INVALID_PARAMETER (= STATUS_INVALID_PARAMETER)
    public static let invalidParameter = NDISStatus(NTStatus.invalidParameter)

    /// NDIS_STATUS_UNSUPPORTED_REVISION (= STATUS_NDIS_UNSUPPORTED_REVISION)
    public static let unsupportedRevision = NDISStatus(NTStatus.ndisUnsupportedRevision)

    /// NDIS_STATUS_INVALID_PORT (= STATUS_NDIS_INVALID_PORT)
    public static let invalidPort = NDISStatus(NTStatus.ndisInvalidPort)

    /// NDIS_STATUS_INVALID_PORT_STATE (= STATUS_NDIS_INVALID_PORT_STATE)
    public static let invalidPortState = NDISStatus(NTStatus.ndisInvalidPortState)

    /// NDIS_STATUS_INVALID_STATE (= STATUS_INVALID_DEVICE_STATE)
    public static let invalidState = NDISStatus(NTStatus.invalidDeviceState)

    /// NDIS_STATUS_MEDIA_DISCONNECTED (= STATUS_NDIS_MEDIA_DISCONNECTED)
    public static let mediaDisconnected = NDISStatus(NTStatus.ndisMediaDisconnected)

    /// NDIS_STATUS_LOW_POWER_STATE (= STATUS_NDIS_LOW_POWER_STATE)
    ///
    /// Sends fail with this while the adapter moves to a low-power state.
    public static let lowPowerState = NDISStatus(NTStatus.ndisLowPowerState)

    /// NDIS_STATUS_NO_QUEUES (= STATUS_NDIS_NO_QUEUES)
    public static let noQueues = NDISStatus(NTStatus.ndisNoQueues)

    /// NDIS_STATUS_DOT11_AUTO_CONFIG_ENABLED (= STATUS_NDIS_DOT11_AUTO_CONFIG_ENABLED)
    public static let dot11AutoConfigEnabled = NDISStatus(NTStatus.ndisDot11AutoConfigEnabled)

    /// NDIS_STATUS_DOT11_MEDIA_IN_USE (= STATUS_NDIS_DOT11_MEDIA_IN_USE)
    public static let dot11MediaInUse = NDISStatus(NTStatus.ndisDot11MediaInUse)

    /// NDIS_STATUS_DOT11_POWER_STATE_INVALID (= STATUS_NDIS_DOT11_POWER_STATE_INVALID)
    public static let dot11PowerStateInvalid = NDISStatus(NTStatus.ndisDot11PowerStateInvalid)

    /// NDIS_STATUS_PM_WOL_PATTERN_LIST_FULL (= STATUS_NDIS_PM_WOL_PATTERN_LIST_FULL)
    public static let pmWoLPatternListFull = NDISStatus(NTStatus.ndisPMWoLPatternListFull)

    /// NDIS_STATUS_PM_PROTOCOL_OFFLOAD_LIST_FULL (= STATUS_NDIS_PM_PROTOCOL_OFFLOAD_LIST_FULL)
    public static let pmProtocolOffloadListFull = NDISStatus(NTStatus.ndisPMProtocolOffloadListFull)

    /// NDIS_STATUS_BUSY (= STATUS_DEVICE_BUSY)
    public static let busy = NDISStatus(NTStatus.deviceBusy)

    /// NDIS_STATUS_REINIT_REQUIRED (= STATUS_NDIS_REINIT_REQUIRED)
    public static let reinitRequired = NDISStatus(NTStatus.ndisReinitRequired)

    /// NDIS_STATUS_DOT11_AP_CHANNEL_CURRENTLY_NOT_AVAILABLE (= STATUS_NDIS_DOT11_AP_CHANNEL_CURRENTLY_NOT_AVAILABLE)
    public static let dot11APChannelCurrentlyNotAvailable = NDISStatus(NTStatus.ndisDot11APChannelCurrentlyNotAvailable)

    /// NDIS_STATUS_DOT11_AP_BAND_CURRENTLY_NOT_AVAILABLE (= STATUS_NDIS_DOT11_AP_BAND_CURRENTLY_NOT_AVAILABLE)
    public static let dot11APBandCurrentlyNotAvailable = NDISStatus(NTStatus.ndisDot11APBandCurrentlyNotAvailable)

    /// NDIS_STATUS_DOT11_AP_CHANNEL_NOT_ALLOWED (= STATUS_NDIS_DOT11_AP_CHANNEL_NOT_ALLOWED)
    public static let dot11APChannelNotAllowed = NDISStatus(NTStatus.ndisDot11APChannelNotAllowed)

    /// NDIS_STATUS_DOT11_AP_BAND_NOT_ALLOWED (= STATUS_NDIS_DOT11_AP_BAND_NOT_ALLOWED)
    public static let dot11APBandNotAllowed = NDISStatus(NTStatus.ndisDot11APBandNotAllowed)

    /// NDIS_STATUS_UPLOAD_IN_PROGRESS
    public static let uploadInProgress = NDISStatus(rawValue: 0xC023_1001)

    /// NDIS_STATUS_REQUEST_UPLOAD
    public static let requestUpload = NDISStatus(rawValue: 0xC023_1002)

    /// NDIS_STATUS_UPLOAD_REQUESTED
    public static let uploadRequested = NDISStatus(rawValue: 0xC023_1003)

    /// NDIS_STATUS_OFFLOAD_TCP_ENTRIES
    public static let offloadTCPEntries = NDISStatus(rawValue: 0xC023_1004)

    /// NDIS_STATUS_OFFLOAD_PATH_ENTRIES
    public static let offloadPathEntries = NDISStatus(rawValue: 0xC023_1005)

    /// NDIS_STATUS_OFFLOAD_NEIGHBOR_ENTRIES
    public static let offloadNeighborEntries = NDISStatus(rawValue: 0xC023_1006)

    /// NDIS_STATUS_OFFLOAD_IP_ADDRESS_ENTRIES
    public static let offloadIPAddressEntries = NDISStatus(rawValue: 0xC023_1007)

    /// NDIS_STATUS_OFFLOAD_HW_ADDRESS_ENTRIES
    public static let offloadHWAddressEntries = NDISStatus(rawValue: 0xC023_1008)

    /// NDIS_STATUS_OFFLOAD_VLAN_ENTRIES
    public static let offloadVLANEntries = NDISStatus(rawValue: 0xC023_1009)

    /// NDIS_STATUS_OFFLOAD_TCP_XMIT_BUFFER
    public static let offloadTCPXmitBuffer = NDISStatus(rawValue: 0xC023_100A)

    /// NDIS_STATUS_OFFLOAD_TCP_RCV_BUFFER
    public static let offloadTCPRcvBuffer = NDISStatus(rawValue: 0xC023_100B)

    /// NDIS_STATUS_OFFLOAD_TCP_RCV_WINDOW
    public static let offloadTCPRcvWindow = NDISStatus(rawValue: 0xC023_100C)

    /// NDIS_STATUS_OFFLOAD_VLAN_MISMATCH
    public static let offloadVLANMismatch = NDISStatus(rawValue: 0xC023_100D)

    /// NDIS_STATUS_OFFLOAD_DATA_NOT_ACCEPTED
    public static let offloadDataNotAccepted = NDISStatus(rawValue: 0xC023_100E)

    /// NDIS_STATUS_OFFLOAD_POLICY
    public static let offloadPolicy = NDISStatus(rawValue: 0xC023_100F)

    /// NDIS_STATUS_OFFLOAD_DATA_PARTIALLY_ACCEPTED
    public static let offloadDataPartiallyAccepted = NDISStatus(rawValue: 0xC023_1010)

    /// NDIS_STATUS_OFFLOAD_REQUEST_RESET
    public static let offloadRequestReset = NDISStatus(rawValue: 0xC023_1011)

    /// NDIS_STATUS_OFFLOAD_CONNECTION_REJECTED (= STATUS_NDIS_OFFLOAD_CONNECTION_REJECTED)
    public static let offloadConnectionRejected = NDISStatus(NTStatus.ndisOffloadConnectionRejected)

    /// NDIS_STATUS_SWITCH_PORT_REMOVE_VF
    public static let switchPortRemoveVF = NDISStatus(rawValue: 0xC024_1001)

    /// NDIS_STATUS_SWITCH_NIC_STATUS
    public static let switchNICStatus = NDISStatus(rawValue: 0xC024_1002)
}
