import Testing
@testable import NetCore

/// Every NDISStatus constant with its ndis.h name and the value it resolves to.
private let ndisTable: [(NDISStatus, String, UInt32)] = [
    (NDISStatus.success, "NDIS_STATUS_SUCCESS", 0x0000_0000),
    (NDISStatus.pending, "NDIS_STATUS_PENDING", 0x0000_0103),
    (NDISStatus.notRecognized, "NDIS_STATUS_NOT_RECOGNIZED", 0x0001_0001),
    (NDISStatus.notCopied, "NDIS_STATUS_NOT_COPIED", 0x0001_0002),
    (NDISStatus.notAccepted, "NDIS_STATUS_NOT_ACCEPTED", 0x0001_0003),
    (NDISStatus.callActive, "NDIS_STATUS_CALL_ACTIVE", 0x0001_0007),
    (NDISStatus.indicationRequired, "NDIS_STATUS_INDICATION_REQUIRED", 0x4023_0001),
    (NDISStatus.notResettable, "NDIS_STATUS_NOT_RESETTABLE", 0x8001_0001),
    (NDISStatus.softErrors, "NDIS_STATUS_SOFT_ERRORS", 0x8001_0003),
    (NDISStatus.hardErrors, "NDIS_STATUS_HARD_ERRORS", 0x8001_0004),
    (NDISStatus.bufferOverflow, "NDIS_STATUS_BUFFER_OVERFLOW", 0x8000_0005),
    (NDISStatus.failure, "NDIS_STATUS_FAILURE", 0xC000_0001),
    (NDISStatus.resources, "NDIS_STATUS_RESOURCES", 0xC000_009A),
    (NDISStatus.closing, "NDIS_STATUS_CLOSING", 0xC001_0002),
    (NDISStatus.badVersion, "NDIS_STATUS_BAD_VERSION", 0xC001_0004),
    (NDISStatus.badCharacteristics, "NDIS_STATUS_BAD_CHARACTERISTICS", 0xC001_0005),
    (NDISStatus.adapterNotFound, "NDIS_STATUS_ADAPTER_NOT_FOUND", 0xC001_0006),
    (NDISStatus.openFailed, "NDIS_STATUS_OPEN_FAILED", 0xC001_0007),
    (NDISStatus.deviceFailed, "NDIS_STATUS_DEVICE_FAILED", 0xC001_0008),
    (NDISStatus.multicastFull, "NDIS_STATUS_MULTICAST_FULL", 0xC001_0009),
    (NDISStatus.multicastExists, "NDIS_STATUS_MULTICAST_EXISTS", 0xC001_000A),
    (NDISStatus.multicastNotFound, "NDIS_STATUS_MULTICAST_NOT_FOUND", 0xC001_000B),
    (NDISStatus.requestAborted, "NDIS_STATUS_REQUEST_ABORTED", 0xC001_000C),
    (NDISStatus.resetInProgress, "NDIS_STATUS_RESET_IN_PROGRESS", 0xC001_000D),
    (NDISStatus.closingIndicating, "NDIS_STATUS_CLOSING_INDICATING", 0xC001_000E),
    (NDISStatus.notSupported, "NDIS_STATUS_NOT_SUPPORTED", 0xC000_00BB),
    (NDISStatus.invalidPacket, "NDIS_STATUS_INVALID_PACKET", 0xC001_000F),
    (NDISStatus.openListFull, "NDIS_STATUS_OPEN_LIST_FULL", 0xC001_0010),
    (NDISStatus.adapterNotReady, "NDIS_STATUS_ADAPTER_NOT_READY", 0xC001_0011),
    (NDISStatus.adapterNotOpen, "NDIS_STATUS_ADAPTER_NOT_OPEN", 0xC001_0012),
    (NDISStatus.notIndicating, "NDIS_STATUS_NOT_INDICATING", 0xC001_0013),
    (NDISStatus.invalidLength, "NDIS_STATUS_INVALID_LENGTH", 0xC001_0014),
    (NDISStatus.invalidData, "NDIS_STATUS_INVALID_DATA", 0xC001_0015),
    (NDISStatus.bufferTooShort, "NDIS_STATUS_BUFFER_TOO_SHORT", 0xC001_0016),
    (NDISStatus.invalidOID, "NDIS_STATUS_INVALID_OID", 0xC001_0017),
    (NDISStatus.adapterRemoved, "NDIS_STATUS_ADAPTER_REMOVED", 0xC001_0018),
    (NDISStatus.unsupportedMedia, "NDIS_STATUS_UNSUPPORTED_MEDIA", 0xC001_0019),
    (NDISStatus.groupAddressInUse, "NDIS_STATUS_GROUP_ADDRESS_IN_USE", 0xC001_001A),
    (NDISStatus.fileNotFound, "NDIS_STATUS_FILE_NOT_FOUND", 0xC001_001B),
    (NDISStatus.errorReadingFile, "NDIS_STATUS_ERROR_READING_FILE", 0xC001_001C),
    (NDISStatus.alreadyMapped, "NDIS_STATUS_ALREADY_MAPPED", 0xC001_001D),
    (NDISStatus.resourceConflict, "NDIS_STATUS_RESOURCE_CONFLICT", 0xC001_001E),
    (NDISStatus.noCable, "NDIS_STATUS_NO_CABLE", 0xC001_001F),
    (NDISStatus.invalidDeviceRequest, "NDIS_STATUS_INVALID_DEVICE_REQUEST", 0xC000_0010),
    (NDISStatus.networkUnreachable, "NDIS_STATUS_NETWORK_UNREACHABLE", 0xC000_023C),
    (NDISStatus.online, "NDIS_STATUS_ONLINE", 0x4001_0003),
    (NDISStatus.resetStart, "NDIS_STATUS_RESET_START", 0x4001_0004),
    (NDISStatus.resetEnd, "NDIS_STATUS_RESET_END", 0x4001_0005),
    (NDISStatus.ringStatus, "NDIS_STATUS_RING_STATUS", 0x4001_0006),
    (NDISStatus.closed, "NDIS_STATUS_CLOSED", 0x4001_0007),
    (NDISStatus.wanLineUp, "NDIS_STATUS_WAN_LINE_UP", 0x4001_0008),
    (NDISStatus.wanLineDown, "NDIS_STATUS_WAN_LINE_DOWN", 0x4001_0009),
    (NDISStatus.wanFragment, "NDIS_STATUS_WAN_FRAGMENT", 0x4001_000A),
    (NDISStatus.mediaConnect, "NDIS_STATUS_MEDIA_CONNECT", 0x4001_000B),
    (NDISStatus.mediaDisconnect, "NDIS_STATUS_MEDIA_DISCONNECT", 0x4001_000C),
    (NDISStatus.hardwareLineUp, "NDIS_STATUS_HARDWARE_LINE_UP", 0x4001_000D),
    (NDISStatus.hardwareLineDown, "NDIS_STATUS_HARDWARE_LINE_DOWN", 0x4001_000E),
    (NDISStatus.interfaceUp, "NDIS_STATUS_INTERFACE_UP", 0x4001_000F),
    (NDISStatus.interfaceDown, "NDIS_STATUS_INTERFACE_DOWN", 0x4001_0010),
    (NDISStatus.mediaBusy, "NDIS_STATUS_MEDIA_BUSY", 0x4001_0011),
    (NDISStatus.mediaSpecificIndication, "NDIS_STATUS_MEDIA_SPECIFIC_INDICATION", 0x4001_0012),
    (NDISStatus.wwIndication, "NDIS_STATUS_WW_INDICATION", 0x4001_0012),
    (NDISStatus.linkSpeedChange, "NDIS_STATUS_LINK_SPEED_CHANGE", 0x4001_0013),
    (NDISStatus.wanGetStats, "NDIS_STATUS_WAN_GET_STATS", 0x4001_0014),
    (NDISStatus.wanCoFragment, "NDIS_STATUS_WAN_CO_FRAGMENT", 0x4001_0015),
    (NDISStatus.wanCoLinkParams, "NDIS_STATUS_WAN_CO_LINKPARAMS", 0x4001_0016),
    (NDISStatus.linkState, "NDIS_STATUS_LINK_STATE", 0x4001_0017),
    (NDISStatus.networkChange, "NDIS_STATUS_NETWORK_CHANGE", 0x4001_0018),
    (NDISStatus.mediaSpecificIndicationEx, "NDIS_STATUS_MEDIA_SPECIFIC_INDICATION_EX", 0x4001_0019),
    (NDISStatus.portState, "NDIS_STATUS_PORT_STATE", 0x4001_0022),
    (NDISStatus.operStatus, "NDIS_STATUS_OPER_STATUS", 0x4001_0023),
    (NDISStatus.packetFilter, "NDIS_STATUS_PACKET_FILTER", 0x4001_0024),
    (NDISStatus.wanCoMTULinkParams, "NDIS_STATUS_WAN_CO_MTULINKPARAMS", 0x4001_0025),
    (NDISStatus.ipOperStatus, "NDIS_STATUS_IP_OPER_STATUS", 0x4001_0026),
    (NDISStatus.offloadPause, "NDIS_STATUS_OFFLOAD_PAUSE", 0x4002_0001),
    (NDISStatus.uploadAll, "NDIS_STATUS_UPLOAD_ALL", 0x4002_0002),
    (NDISStatus.offloadResume, "NDIS_STATUS_OFFLOAD_RESUME", 0x4002_0003),
    (NDISStatus.offloadPartialSuccess, "NDIS_STATUS_OFFLOAD_PARTIAL_SUCCESS", 0x4002_0004),
    (NDISStatus.offloadStateInvalid, "NDIS_STATUS_OFFLOAD_STATE_INVALID", 0x4002_0005),
    (NDISStatus.taskOffloadCurrentConfig, "NDIS_STATUS_TASK_OFFLOAD_CURRENT_CONFIG", 0x4002_0006),
    (NDISStatus.taskOffloadHardwareCapabilities, "NDIS_STATUS_TASK_OFFLOAD_HARDWARE_CAPABILITIES", 0x4002_0007),
    (NDISStatus.offloadEncapsulationChange, "NDIS_STATUS_OFFLOAD_ENCASPULATION_CHANGE", 0x4002_0008),
    (NDISStatus.tcpConnectionOffloadHardwareCapabilities, "NDIS_STATUS_TCP_CONNECTION_OFFLOAD_HARDWARE_CAPABILITIES", 0x4002_000B),
    (NDISStatus.hdSplitCurrentConfig, "NDIS_STATUS_HD_SPLIT_CURRENT_CONFIG", 0x4002_000C),
    (NDISStatus.receiveQueueState, "NDIS_STATUS_RECEIVE_QUEUE_STATE", 0x4002_000D),
    (NDISStatus.vfConfigState, "NDIS_STATUS_VF_CONFIG_STATE", 0x4002_000E),
    (NDISStatus.receiveFilterCurrentCapabilities, "NDIS_STATUS_RECEIVE_FILTER_CURRENT_CAPABILITIES", 0x4002_0010),
    (NDISStatus.receiveFilterHardwareCapabilities, "NDIS_STATUS_RECEIVE_FILTER_HARDWARE_CAPABILITIES", 0x4002_0020),
    (NDISStatus.receiveFilterQueueParameters, "NDIS_STATUS_RECEIVE_FILTER_QUEUE_PARAMETERS", 0x4002_0030),
    (NDISStatus.nicSwitchCurrentCapabilities, "NDIS_STATUS_NIC_SWITCH_CURRENT_CAPABILITIES", 0x4002_0040),
    (NDISStatus.nicSwitchHardwareCapabilities, "NDIS_STATUS_NIC_SWITCH_HARDWARE_CAPABILITIES", 0x4002_0050),
    (NDISStatus.receiveFilterQueueStateChange, "NDIS_STATUS_RECEIVE_FILTER_QUEUE_STATE_CHANGE", 0x4002_0070),
    (NDISStatus.isolationParametersChange, "NDIS_STATUS_ISOLATION_PARAMETERS_CHANGE", 0x4002_0080),
    (NDISStatus.qosOperationalParametersChange, "NDIS_STATUS_QOS_OPERATIONAL_PARAMETERS_CHANGE", 0x4002_00A0),
    (NDISStatus.qosRemoteParametersChange, "NDIS_STATUS_QOS_REMOTE_PARAMETERS_CHANGE", 0x4002_00A1),
    (NDISStatus.currentMACAddressChange, "NDIS_STATUS_CURRENT_MAC_ADDRESS_CHANGE", 0x4002_00B0),
    (NDISStatus.l2MTUSizeChange, "NDIS_STATUS_L2_MTU_SIZE_CHANGE", 0x4002_00B1),
    (NDISStatus.pdCurrentConfig, "NDIS_STATUS_PD_CURRENT_CONFIG", 0x4002_0200),
    (NDISStatus.gftOffloadCurrentCapabilities, "NDIS_STATUS_GFT_OFFLOAD_CURRENT_CAPABILITIES", 0x4002_0300),
    (NDISStatus.gftOffloadHardwareCapabilities, "NDIS_STATUS_GFT_OFFLOAD_HARDWARE_CAPABILITIES", 0x4002_0301),
    (NDISStatus.gftOffloadCurrentConfig, "NDIS_STATUS_GFT_OFFLOAD_CURRENT_CONFIG", 0x4002_0302),
    (NDISStatus.gftCountersUpdated, "NDIS_STATUS_GFT_COUNTERS_UPDATED", 0x4002_0303),
    (NDISStatus.qosOffloadCurrentCapabilities, "NDIS_STATUS_QOS_OFFLOAD_CURRENT_CAPABILITIES", 0x4002_0400),
    (NDISStatus.qosOffloadHardwareCapabilities, "NDIS_STATUS_QOS_OFFLOAD_HARDWARE_CAPABILITIES", 0x4002_0401),
    (NDISStatus.timestampCapability, "NDIS_STATUS_TIMESTAMP_CAPABILITY", 0x4005_1000),
    (NDISStatus.timestampCurrentConfig, "NDIS_STATUS_TIMESTAMP_CURRENT_CONFIG", 0x4005_1001),
    (NDISStatus.pmWoLPatternRejected, "NDIS_STATUS_PM_WOL_PATTERN_REJECTED", 0x4003_0051),
    (NDISStatus.pmOffloadRejected, "NDIS_STATUS_PM_OFFLOAD_REJECTED", 0x4003_0052),
    (NDISStatus.pmCapabilitiesChange, "NDIS_STATUS_PM_CAPABILITIES_CHANGE", 0x4003_0053),
    (NDISStatus.pmHardwareCapabilities, "NDIS_STATUS_PM_HARDWARE_CAPABILITIES", 0x4003_0054),
    (NDISStatus.pmWakeReason, "NDIS_STATUS_PM_WAKE_REASON", 0x4003_0055),
    (NDISStatus.invalidSAP, "NDIS_STATUS_INVALID_SAP", 0xC001_0020),
    (NDISStatus.sapInUse, "NDIS_STATUS_SAP_IN_USE", 0xC001_0021),
    (NDISStatus.invalidAddress, "NDIS_STATUS_INVALID_ADDRESS", 0xC001_0022),
    (NDISStatus.vcNotActivated, "NDIS_STATUS_VC_NOT_ACTIVATED", 0xC001_0023),
    (NDISStatus.destOutOfOrder, "NDIS_STATUS_DEST_OUT_OF_ORDER", 0xC001_0024),
    (NDISStatus.vcNotAvailable, "NDIS_STATUS_VC_NOT_AVAILABLE", 0xC001_0025),
    (NDISStatus.cellrateNotAvailable, "NDIS_STATUS_CELLRATE_NOT_AVAILABLE", 0xC001_0026),
    (NDISStatus.incompatibleQoS, "NDIS_STATUS_INCOMPATIBLE_QOS", 0xC001_0027),
    (NDISStatus.incompatableQoS, "NDIS_STATUS_INCOMPATABLE_QOS", 0xC001_0027),
    (NDISStatus.aalParamsUnsupported, "NDIS_STATUS_AAL_PARAMS_UNSUPPORTED", 0xC001_0028),
    (NDISStatus.noRouteToDestination, "NDIS_STATUS_NO_ROUTE_TO_DESTINATION", 0xC001_0029),
    (NDISStatus.tokenRingOpenError, "NDIS_STATUS_TOKEN_RING_OPEN_ERROR", 0xC001_1000),
    (NDISStatus.sendAborted, "NDIS_STATUS_SEND_ABORTED", 0xC023_000C),
    (NDISStatus.paused, "NDIS_STATUS_PAUSED", 0xC023_002A),
    (NDISStatus.interfaceNotFound, "NDIS_STATUS_INTERFACE_NOT_FOUND", 0xC023_002B),
    (NDISStatus.invalidParameter, "NDIS_STATUS_INVALID_PARAMETER", 0xC000_000D),
    (NDISStatus.unsupportedRevision, "NDIS_STATUS_UNSUPPORTED_REVISION", 0xC023_002C),
    (NDISStatus.invalidPort, "NDIS_STATUS_INVALID_PORT", 0xC023_002D),
    (NDISStatus.invalidPortState, "NDIS_STATUS_INVALID_PORT_STATE", 0xC023_002E),
    (NDISStatus.invalidState, "NDIS_STATUS_INVALID_STATE", 0xC000_0184),
    (NDISStatus.mediaDisconnected, "NDIS_STATUS_MEDIA_DISCONNECTED", 0xC023_001F),
    (NDISStatus.lowPowerState, "NDIS_STATUS_LOW_POWER_STATE", 0xC023_002F),
    (NDISStatus.noQueues, "NDIS_STATUS_NO_QUEUES", 0xC023_0031),
    (NDISStatus.dot11AutoConfigEnabled, "NDIS_STATUS_DOT11_AUTO_CONFIG_ENABLED", 0xC023_2000),
    (NDISStatus.dot11MediaInUse, "NDIS_STATUS_DOT11_MEDIA_IN_USE", 0xC023_2001),
    (NDISStatus.dot11PowerStateInvalid, "NDIS_STATUS_DOT11_POWER_STATE_INVALID", 0xC023_2002),
    (NDISStatus.pmWoLPatternListFull, "NDIS_STATUS_PM_WOL_PATTERN_LIST_FULL", 0xC023_2003),
    (NDISStatus.pmProtocolOffloadListFull, "NDIS_STATUS_PM_PROTOCOL_OFFLOAD_LIST_FULL", 0xC023_2004),
    (NDISStatus.busy, "NDIS_STATUS_BUSY", 0x8000_0011),
    (NDISStatus.reinitRequired, "NDIS_STATUS_REINIT_REQUIRED", 0xC023_0030),
    (NDISStatus.dot11APChannelCurrentlyNotAvailable, "NDIS_STATUS_DOT11_AP_CHANNEL_CURRENTLY_NOT_AVAILABLE", 0xC023_2005),
    (NDISStatus.dot11APBandCurrentlyNotAvailable, "NDIS_STATUS_DOT11_AP_BAND_CURRENTLY_NOT_AVAILABLE", 0xC023_2006),
    (NDISStatus.dot11APChannelNotAllowed, "NDIS_STATUS_DOT11_AP_CHANNEL_NOT_ALLOWED", 0xC023_2007),
    (NDISStatus.dot11APBandNotAllowed, "NDIS_STATUS_DOT11_AP_BAND_NOT_ALLOWED", 0xC023_2008),
    (NDISStatus.uploadInProgress, "NDIS_STATUS_UPLOAD_IN_PROGRESS", 0xC023_1001),
    (NDISStatus.requestUpload, "NDIS_STATUS_REQUEST_UPLOAD", 0xC023_1002),
    (NDISStatus.uploadRequested, "NDIS_STATUS_UPLOAD_REQUESTED", 0xC023_1003),
    (NDISStatus.offloadTCPEntries, "NDIS_STATUS_OFFLOAD_TCP_ENTRIES", 0xC023_1004),
    (NDISStatus.offloadPathEntries, "NDIS_STATUS_OFFLOAD_PATH_ENTRIES", 0xC023_1005),
    (NDISStatus.offloadNeighborEntries, "NDIS_STATUS_OFFLOAD_NEIGHBOR_ENTRIES", 0xC023_1006),
    (NDISStatus.offloadIPAddressEntries, "NDIS_STATUS_OFFLOAD_IP_ADDRESS_ENTRIES", 0xC023_1007),
    (NDISStatus.offloadHWAddressEntries, "NDIS_STATUS_OFFLOAD_HW_ADDRESS_ENTRIES", 0xC023_1008),
    (NDISStatus.offloadVLANEntries, "NDIS_STATUS_OFFLOAD_VLAN_ENTRIES", 0xC023_1009),
    (NDISStatus.offloadTCPXmitBuffer, "NDIS_STATUS_OFFLOAD_TCP_XMIT_BUFFER", 0xC023_100A),
    (NDISStatus.offloadTCPRcvBuffer, "NDIS_STATUS_OFFLOAD_TCP_RCV_BUFFER", 0xC023_100B),
    (NDISStatus.offloadTCPRcvWindow, "NDIS_STATUS_OFFLOAD_TCP_RCV_WINDOW", 0xC023_100C),
    (NDISStatus.offloadVLANMismatch, "NDIS_STATUS_OFFLOAD_VLAN_MISMATCH", 0xC023_100D),
    (NDISStatus.offloadDataNotAccepted, "NDIS_STATUS_OFFLOAD_DATA_NOT_ACCEPTED", 0xC023_100E),
    (NDISStatus.offloadPolicy, "NDIS_STATUS_OFFLOAD_POLICY", 0xC023_100F),
    (NDISStatus.offloadDataPartiallyAccepted, "NDIS_STATUS_OFFLOAD_DATA_PARTIALLY_ACCEPTED", 0xC023_1010),
    (NDISStatus.offloadRequestReset, "NDIS_STATUS_OFFLOAD_REQUEST_RESET", 0xC023_1011),
    (NDISStatus.offloadConnectionRejected, "NDIS_STATUS_OFFLOAD_CONNECTION_REJECTED", 0xC023_1012),
    (NDISStatus.switchPortRemoveVF, "NDIS_STATUS_SWITCH_PORT_REMOVE_VF", 0xC024_1001),
    (NDISStatus.switchNICStatus, "NDIS_STATUS_SWITCH_NIC_STATUS", 0xC024_1002),
]

@Test func ndisStatusConstantsMatchHeaderValues() {
    for (status, _, value) in ndisTable {
        #expect(status.rawValue == value)
    }
    #expect(NDISStatus.known.count == ndisTable.count, "a constant is missing from the name table")
}

@Test func ndisStatusNamesFirstListedWinsForAliases() {
    let aliases: Set<String> = ["NDIS_STATUS_WW_INDICATION", "NDIS_STATUS_INCOMPATABLE_QOS"]
    for (status, name, _) in ndisTable where !aliases.contains(name) {
        #expect(status.name == name)
        #expect(name.hasPrefix("NDIS_STATUS_"))
    }
    #expect(NDISStatus.wwIndication == .mediaSpecificIndication)
    #expect(NDISStatus.wwIndication.name == "NDIS_STATUS_MEDIA_SPECIFIC_INDICATION")
    #expect(NDISStatus.incompatableQoS == .incompatibleQoS)
    #expect(NDISStatus.incompatableQoS.name == "NDIS_STATUS_INCOMPATIBLE_QOS")
    // Apart from those aliases every name has its own value.
    let values = ndisTable.filter { !aliases.contains($0.1) }.map(\.2)
    #expect(Set(values).count == values.count)
}

@Test func ndisStatusResolvesNTStatusDefinitions() {
    // ((NDIS_STATUS)STATUS_xxx) in ndis.h, resolved through ntstatus.h.
    #expect(NDISStatus.success.rawValue == 0)
    #expect(NDISStatus.pending.rawValue == 0x0000_0103)
    #expect(NDISStatus.failure.ntStatus == .unsuccessful)
    #expect(NDISStatus.resources.ntStatus == .insufficientResources)
    #expect(NDISStatus.notSupported.ntStatus == .notSupported)
    #expect(NDISStatus.bufferOverflow.ntStatus == .bufferOverflow)
    #expect(NDISStatus.invalidParameter.ntStatus == .invalidParameter)
    #expect(NDISStatus.invalidState.ntStatus == .invalidDeviceState)
    #expect(NDISStatus.busy.ntStatus == .deviceBusy)
    #expect(NDISStatus.paused.rawValue == 0xC023_002A)
    #expect(NDISStatus.lowPowerState.rawValue == 0xC023_002F)
    #expect(NDISStatus.mediaDisconnected.rawValue == 0xC023_001F)
    #expect(NDISStatus.indicationRequired.rawValue == 0x4023_0001)
    #expect(NDISStatus.sendAborted.ntStatus == .ndisRequestAborted)
    #expect(NDISStatus.sendAborted.rawValue == 0xC023_000C)
    // ndis.h gives REQUEST_ABORTED its own facility-1 value, distinct from SEND_ABORTED.
    #expect(NDISStatus.requestAborted.rawValue == 0xC001_000C)
    #expect(NDISStatus.requestAborted != NDISStatus.sendAborted)
}

@Test func ndisStatusConversionsAndDescription() {
    for (status, _, _) in ndisTable {
        #expect(NDISStatus(status.ntStatus) == status)
        #expect(status.isSuccess == status.ntStatus.isSuccess)
        #expect(status.facility == status.ntStatus.facility)
    }
    #expect(NDISStatus.paused.description == "NDIS_STATUS_PAUSED (0xC023002A)")
    #expect(NDISStatus.pending.description == "NDIS_STATUS_PENDING (0x00000103)")
    // A driver may return any NTSTATUS: fall back to its NT name, then to hex.
    let reset = NDISStatus(NTStatus.connectionReset)
    #expect(reset.name == "STATUS_CONNECTION_RESET")
    #expect(reset.description == "STATUS_CONNECTION_RESET (0xC000020D)")
    #expect(NDISStatus(rawValue: 0xC0DE_0001).name == "0xC0DE0001")
    #expect(NDISStatus(rawValue: 0xC0DE_0001).description == "0xC0DE0001")
}

@Test func ndisStatusSeverity() {
    #expect(NDISStatus.success.isSuccess)
    #expect(NDISStatus.pending.isSuccess)
    // These pass NT_SUCCESS although they report that nothing happened.
    #expect(NDISStatus.notRecognized.isSuccess)
    #expect(NDISStatus.notAccepted.isSuccess)
    #expect(NDISStatus.linkState.isInformational && NDISStatus.linkState.isSuccess)
    #expect(NDISStatus.softErrors.isWarning && !NDISStatus.softErrors.isSuccess)
    #expect(NDISStatus.paused.isError && !NDISStatus.paused.isSuccess)
    #expect(NDISStatus.invalidOID.facility == 0x01)
    #expect(NDISStatus.paused.facility == 0x23)
    #expect(NDISStatus.failure.facility == 0)
}
