import Testing
@testable import NetCore

/// Every NTStatus constant with the name and value transcribed from ntstatus.h.
private let ntTable: [(NTStatus, String, UInt32)] = [
    (NTStatus.success, "STATUS_SUCCESS", 0x0000_0000),
    (NTStatus.timeout, "STATUS_TIMEOUT", 0x0000_0102),
    (NTStatus.pending, "STATUS_PENDING", 0x0000_0103),
    (NTStatus.moreEntries, "STATUS_MORE_ENTRIES", 0x0000_0105),
    (NTStatus.receivePartial, "STATUS_RECEIVE_PARTIAL", 0x4000_000F),
    (NTStatus.receiveExpedited, "STATUS_RECEIVE_EXPEDITED", 0x4000_0010),
    (NTStatus.receivePartialExpedited, "STATUS_RECEIVE_PARTIAL_EXPEDITED", 0x4000_0011),
    (NTStatus.eventPending, "STATUS_EVENT_PENDING", 0x4000_0013),
    (NTStatus.bufferOverflow, "STATUS_BUFFER_OVERFLOW", 0x8000_0005),
    (NTStatus.deviceBusy, "STATUS_DEVICE_BUSY", 0x8000_0011),
    (NTStatus.noMoreEntries, "STATUS_NO_MORE_ENTRIES", 0x8000_001A),
    (NTStatus.unsuccessful, "STATUS_UNSUCCESSFUL", 0xC000_0001),
    (NTStatus.notImplemented, "STATUS_NOT_IMPLEMENTED", 0xC000_0002),
    (NTStatus.infoLengthMismatch, "STATUS_INFO_LENGTH_MISMATCH", 0xC000_0004),
    (NTStatus.invalidHandle, "STATUS_INVALID_HANDLE", 0xC000_0008),
    (NTStatus.invalidParameter, "STATUS_INVALID_PARAMETER", 0xC000_000D),
    (NTStatus.noSuchDevice, "STATUS_NO_SUCH_DEVICE", 0xC000_000E),
    (NTStatus.invalidDeviceRequest, "STATUS_INVALID_DEVICE_REQUEST", 0xC000_0010),
    (NTStatus.moreProcessingRequired, "STATUS_MORE_PROCESSING_REQUIRED", 0xC000_0016),
    (NTStatus.noMemory, "STATUS_NO_MEMORY", 0xC000_0017),
    (NTStatus.accessDenied, "STATUS_ACCESS_DENIED", 0xC000_0022),
    (NTStatus.bufferTooSmall, "STATUS_BUFFER_TOO_SMALL", 0xC000_0023),
    (NTStatus.objectNameNotFound, "STATUS_OBJECT_NAME_NOT_FOUND", 0xC000_0034),
    (NTStatus.objectNameCollision, "STATUS_OBJECT_NAME_COLLISION", 0xC000_0035),
    (NTStatus.integerOverflow, "STATUS_INTEGER_OVERFLOW", 0xC000_0095),
    (NTStatus.insufficientResources, "STATUS_INSUFFICIENT_RESOURCES", 0xC000_009A),
    (NTStatus.deviceNotConnected, "STATUS_DEVICE_NOT_CONNECTED", 0xC000_009D),
    (NTStatus.deviceNotReady, "STATUS_DEVICE_NOT_READY", 0xC000_00A3),
    (NTStatus.ioTimeout, "STATUS_IO_TIMEOUT", 0xC000_00B5),
    (NTStatus.fileForcedClosed, "STATUS_FILE_FORCED_CLOSED", 0xC000_00B6),
    (NTStatus.notSupported, "STATUS_NOT_SUPPORTED", 0xC000_00BB),
    (NTStatus.remoteNotListening, "STATUS_REMOTE_NOT_LISTENING", 0xC000_00BC),
    (NTStatus.badNetworkPath, "STATUS_BAD_NETWORK_PATH", 0xC000_00BE),
    (NTStatus.networkBusy, "STATUS_NETWORK_BUSY", 0xC000_00BF),
    (NTStatus.tooManyCommands, "STATUS_TOO_MANY_COMMANDS", 0xC000_00C1),
    (NTStatus.adapterHardwareError, "STATUS_ADAPTER_HARDWARE_ERROR", 0xC000_00C2),
    (NTStatus.invalidNetworkResponse, "STATUS_INVALID_NETWORK_RESPONSE", 0xC000_00C3),
    (NTStatus.unexpectedNetworkError, "STATUS_UNEXPECTED_NETWORK_ERROR", 0xC000_00C4),
    (NTStatus.requestNotAccepted, "STATUS_REQUEST_NOT_ACCEPTED", 0xC000_00D0),
    (NTStatus.connectionInUse, "STATUS_CONNECTION_IN_USE", 0xC000_0108),
    (NTStatus.cancelled, "STATUS_CANCELLED", 0xC000_0120),
    (NTStatus.localDisconnect, "STATUS_LOCAL_DISCONNECT", 0xC000_013B),
    (NTStatus.remoteDisconnect, "STATUS_REMOTE_DISCONNECT", 0xC000_013C),
    (NTStatus.remoteResources, "STATUS_REMOTE_RESOURCES", 0xC000_013D),
    (NTStatus.linkFailed, "STATUS_LINK_FAILED", 0xC000_013E),
    (NTStatus.linkTimeout, "STATUS_LINK_TIMEOUT", 0xC000_013F),
    (NTStatus.invalidConnection, "STATUS_INVALID_CONNECTION", 0xC000_0140),
    (NTStatus.invalidAddress, "STATUS_INVALID_ADDRESS", 0xC000_0141),
    (NTStatus.invalidDeviceState, "STATUS_INVALID_DEVICE_STATE", 0xC000_0184),
    (NTStatus.ioDeviceError, "STATUS_IO_DEVICE_ERROR", 0xC000_0185),
    (NTStatus.invalidBufferSize, "STATUS_INVALID_BUFFER_SIZE", 0xC000_0206),
    (NTStatus.invalidAddressComponent, "STATUS_INVALID_ADDRESS_COMPONENT", 0xC000_0207),
    (NTStatus.invalidAddressWildcard, "STATUS_INVALID_ADDRESS_WILDCARD", 0xC000_0208),
    (NTStatus.tooManyAddresses, "STATUS_TOO_MANY_ADDRESSES", 0xC000_0209),
    (NTStatus.addressAlreadyExists, "STATUS_ADDRESS_ALREADY_EXISTS", 0xC000_020A),
    (NTStatus.addressClosed, "STATUS_ADDRESS_CLOSED", 0xC000_020B),
    (NTStatus.connectionDisconnected, "STATUS_CONNECTION_DISCONNECTED", 0xC000_020C),
    (NTStatus.connectionReset, "STATUS_CONNECTION_RESET", 0xC000_020D),
    (NTStatus.dataNotAccepted, "STATUS_DATA_NOT_ACCEPTED", 0xC000_021B),
    (NTStatus.notFound, "STATUS_NOT_FOUND", 0xC000_0225),
    (NTStatus.retry, "STATUS_RETRY", 0xC000_022D),
    (NTStatus.connectionRefused, "STATUS_CONNECTION_REFUSED", 0xC000_0236),
    (NTStatus.gracefulDisconnect, "STATUS_GRACEFUL_DISCONNECT", 0xC000_0237),
    (NTStatus.addressAlreadyAssociated, "STATUS_ADDRESS_ALREADY_ASSOCIATED", 0xC000_0238),
    (NTStatus.addressNotAssociated, "STATUS_ADDRESS_NOT_ASSOCIATED", 0xC000_0239),
    (NTStatus.connectionInvalid, "STATUS_CONNECTION_INVALID", 0xC000_023A),
    (NTStatus.connectionActive, "STATUS_CONNECTION_ACTIVE", 0xC000_023B),
    (NTStatus.networkUnreachable, "STATUS_NETWORK_UNREACHABLE", 0xC000_023C),
    (NTStatus.hostUnreachable, "STATUS_HOST_UNREACHABLE", 0xC000_023D),
    (NTStatus.protocolUnreachable, "STATUS_PROTOCOL_UNREACHABLE", 0xC000_023E),
    (NTStatus.portUnreachable, "STATUS_PORT_UNREACHABLE", 0xC000_023F),
    (NTStatus.requestAborted, "STATUS_REQUEST_ABORTED", 0xC000_0240),
    (NTStatus.connectionAborted, "STATUS_CONNECTION_ABORTED", 0xC000_0241),
    (NTStatus.connectionCountLimit, "STATUS_CONNECTION_COUNT_LIMIT", 0xC000_0246),
    (NTStatus.noMatch, "STATUS_NO_MATCH", 0xC000_0272),
    (NTStatus.deviceRemoved, "STATUS_DEVICE_REMOVED", 0xC000_02B6),
    (NTStatus.noInterface, "STATUS_NOINTERFACE", 0xC000_02B9),
    (NTStatus.transportFull, "STATUS_TRANSPORT_FULL", 0xC000_02CA),
    (NTStatus.noIPAddresses, "STATUS_NO_IP_ADDRESSES", 0xC000_02F1),
    (NTStatus.hostDown, "STATUS_HOST_DOWN", 0xC000_0350),
    (NTStatus.ndisIndicationRequired, "STATUS_NDIS_INDICATION_REQUIRED", 0x4023_0001),
    (NTStatus.ndisClosing, "STATUS_NDIS_CLOSING", 0xC023_0002),
    (NTStatus.ndisBadVersion, "STATUS_NDIS_BAD_VERSION", 0xC023_0004),
    (NTStatus.ndisBadCharacteristics, "STATUS_NDIS_BAD_CHARACTERISTICS", 0xC023_0005),
    (NTStatus.ndisAdapterNotFound, "STATUS_NDIS_ADAPTER_NOT_FOUND", 0xC023_0006),
    (NTStatus.ndisOpenFailed, "STATUS_NDIS_OPEN_FAILED", 0xC023_0007),
    (NTStatus.ndisDeviceFailed, "STATUS_NDIS_DEVICE_FAILED", 0xC023_0008),
    (NTStatus.ndisMulticastFull, "STATUS_NDIS_MULTICAST_FULL", 0xC023_0009),
    (NTStatus.ndisMulticastExists, "STATUS_NDIS_MULTICAST_EXISTS", 0xC023_000A),
    (NTStatus.ndisMulticastNotFound, "STATUS_NDIS_MULTICAST_NOT_FOUND", 0xC023_000B),
    (NTStatus.ndisRequestAborted, "STATUS_NDIS_REQUEST_ABORTED", 0xC023_000C),
    (NTStatus.ndisResetInProgress, "STATUS_NDIS_RESET_IN_PROGRESS", 0xC023_000D),
    (NTStatus.ndisNotSupported, "STATUS_NDIS_NOT_SUPPORTED", 0xC023_00BB),
    (NTStatus.ndisInvalidPacket, "STATUS_NDIS_INVALID_PACKET", 0xC023_000F),
    (NTStatus.ndisInvalidDeviceRequest, "STATUS_NDIS_INVALID_DEVICE_REQUEST", 0xC023_0010),
    (NTStatus.ndisAdapterNotReady, "STATUS_NDIS_ADAPTER_NOT_READY", 0xC023_0011),
    (NTStatus.ndisInvalidLength, "STATUS_NDIS_INVALID_LENGTH", 0xC023_0014),
    (NTStatus.ndisInvalidData, "STATUS_NDIS_INVALID_DATA", 0xC023_0015),
    (NTStatus.ndisBufferTooShort, "STATUS_NDIS_BUFFER_TOO_SHORT", 0xC023_0016),
    (NTStatus.ndisInvalidOID, "STATUS_NDIS_INVALID_OID", 0xC023_0017),
    (NTStatus.ndisAdapterRemoved, "STATUS_NDIS_ADAPTER_REMOVED", 0xC023_0018),
    (NTStatus.ndisUnsupportedMedia, "STATUS_NDIS_UNSUPPORTED_MEDIA", 0xC023_0019),
    (NTStatus.ndisGroupAddressInUse, "STATUS_NDIS_GROUP_ADDRESS_IN_USE", 0xC023_001A),
    (NTStatus.ndisFileNotFound, "STATUS_NDIS_FILE_NOT_FOUND", 0xC023_001B),
    (NTStatus.ndisErrorReadingFile, "STATUS_NDIS_ERROR_READING_FILE", 0xC023_001C),
    (NTStatus.ndisAlreadyMapped, "STATUS_NDIS_ALREADY_MAPPED", 0xC023_001D),
    (NTStatus.ndisResourceConflict, "STATUS_NDIS_RESOURCE_CONFLICT", 0xC023_001E),
    (NTStatus.ndisMediaDisconnected, "STATUS_NDIS_MEDIA_DISCONNECTED", 0xC023_001F),
    (NTStatus.ndisInvalidAddress, "STATUS_NDIS_INVALID_ADDRESS", 0xC023_0022),
    (NTStatus.ndisPaused, "STATUS_NDIS_PAUSED", 0xC023_002A),
    (NTStatus.ndisInterfaceNotFound, "STATUS_NDIS_INTERFACE_NOT_FOUND", 0xC023_002B),
    (NTStatus.ndisUnsupportedRevision, "STATUS_NDIS_UNSUPPORTED_REVISION", 0xC023_002C),
    (NTStatus.ndisInvalidPort, "STATUS_NDIS_INVALID_PORT", 0xC023_002D),
    (NTStatus.ndisInvalidPortState, "STATUS_NDIS_INVALID_PORT_STATE", 0xC023_002E),
    (NTStatus.ndisLowPowerState, "STATUS_NDIS_LOW_POWER_STATE", 0xC023_002F),
    (NTStatus.ndisReinitRequired, "STATUS_NDIS_REINIT_REQUIRED", 0xC023_0030),
    (NTStatus.ndisNoQueues, "STATUS_NDIS_NO_QUEUES", 0xC023_0031),
    (NTStatus.ndisDot11AutoConfigEnabled, "STATUS_NDIS_DOT11_AUTO_CONFIG_ENABLED", 0xC023_2000),
    (NTStatus.ndisDot11MediaInUse, "STATUS_NDIS_DOT11_MEDIA_IN_USE", 0xC023_2001),
    (NTStatus.ndisDot11PowerStateInvalid, "STATUS_NDIS_DOT11_POWER_STATE_INVALID", 0xC023_2002),
    (NTStatus.ndisPMWoLPatternListFull, "STATUS_NDIS_PM_WOL_PATTERN_LIST_FULL", 0xC023_2003),
    (NTStatus.ndisPMProtocolOffloadListFull, "STATUS_NDIS_PM_PROTOCOL_OFFLOAD_LIST_FULL", 0xC023_2004),
    (NTStatus.ndisDot11APChannelCurrentlyNotAvailable, "STATUS_NDIS_DOT11_AP_CHANNEL_CURRENTLY_NOT_AVAILABLE", 0xC023_2005),
    (NTStatus.ndisDot11APBandCurrentlyNotAvailable, "STATUS_NDIS_DOT11_AP_BAND_CURRENTLY_NOT_AVAILABLE", 0xC023_2006),
    (NTStatus.ndisDot11APChannelNotAllowed, "STATUS_NDIS_DOT11_AP_CHANNEL_NOT_ALLOWED", 0xC023_2007),
    (NTStatus.ndisDot11APBandNotAllowed, "STATUS_NDIS_DOT11_AP_BAND_NOT_ALLOWED", 0xC023_2008),
    (NTStatus.ndisOffloadPolicy, "STATUS_NDIS_OFFLOAD_POLICY", 0xC023_100F),
    (NTStatus.ndisOffloadConnectionRejected, "STATUS_NDIS_OFFLOAD_CONNECTION_REJECTED", 0xC023_1012),
    (NTStatus.ndisOffloadPathRejected, "STATUS_NDIS_OFFLOAD_PATH_REJECTED", 0xC023_1013),
]

/// The NTSTATUS table of /work/shared/reference/wsk.md §11, copied verbatim
/// as an independent check of the header transcription.
private let wskReference: [(String, UInt32)] = [
    ("STATUS_SUCCESS", 0x00000000), ("STATUS_PENDING", 0x00000103),
    ("STATUS_TIMEOUT", 0x00000102), ("STATUS_EVENT_PENDING", 0x40000013),
    ("STATUS_BUFFER_OVERFLOW", 0x80000005), ("STATUS_NOT_IMPLEMENTED", 0xC0000002),
    ("STATUS_INVALID_PARAMETER", 0xC000000D), ("STATUS_INVALID_DEVICE_REQUEST", 0xC0000010),
    ("STATUS_MORE_PROCESSING_REQUIRED", 0xC0000016), ("STATUS_ACCESS_DENIED", 0xC0000022),
    ("STATUS_INSUFFICIENT_RESOURCES", 0xC000009A), ("STATUS_DEVICE_NOT_READY", 0xC00000A3),
    ("STATUS_IO_TIMEOUT", 0xC00000B5), ("STATUS_FILE_FORCED_CLOSED", 0xC00000B6),
    ("STATUS_NOT_SUPPORTED", 0xC00000BB), ("STATUS_REQUEST_NOT_ACCEPTED", 0xC00000D0),
    ("STATUS_CANCELLED", 0xC0000120), ("STATUS_INVALID_CONNECTION", 0xC0000140),
    ("STATUS_INVALID_ADDRESS", 0xC0000141), ("STATUS_INVALID_DEVICE_STATE", 0xC0000184),
    ("STATUS_INVALID_BUFFER_SIZE", 0xC0000206), ("STATUS_INVALID_ADDRESS_COMPONENT", 0xC0000207),
    ("STATUS_ADDRESS_ALREADY_EXISTS", 0xC000020A), ("STATUS_CONNECTION_DISCONNECTED", 0xC000020C),
    ("STATUS_CONNECTION_RESET", 0xC000020D), ("STATUS_DATA_NOT_ACCEPTED", 0xC000021B),
    ("STATUS_CONNECTION_REFUSED", 0xC0000236), ("STATUS_GRACEFUL_DISCONNECT", 0xC0000237),
    ("STATUS_NETWORK_UNREACHABLE", 0xC000023C), ("STATUS_HOST_UNREACHABLE", 0xC000023D),
    ("STATUS_PORT_UNREACHABLE", 0xC000023F), ("STATUS_CONNECTION_ABORTED", 0xC0000241),
    ("STATUS_NO_MATCH", 0xC0000272), ("STATUS_NOINTERFACE", 0xC00002B9),
]

@Test func ntStatusConstantsMatchHeaderValuesAndNames() {
    for (status, name, value) in ntTable {
        #expect(status.rawValue == value, "\(name)")
        #expect(status.name == name)
        #expect(name.hasPrefix("STATUS_"))
    }
    #expect(Set(ntTable.map(\.2)).count == ntTable.count, "two constants share a value")
    #expect(NTStatus.known.count == ntTable.count, "a constant is missing from the name table")
}

@Test func ntStatusAgreesWithWSKReferenceNotes() {
    let byName = Dictionary(uniqueKeysWithValues: ntTable.map { ($0.1, $0.0) })
    for (name, value) in wskReference {
        #expect(byName[name]?.rawValue == value, "\(name)")
    }
}

@Test func ntStatusDescriptionAndUnknownCodes() {
    #expect(NTStatus.pending.description == "STATUS_PENDING (0x00000103)")
    #expect(NTStatus.ndisPaused.description == "STATUS_NDIS_PAUSED (0xC023002A)")
    #expect("\(NTStatus.success)" == "STATUS_SUCCESS (0x00000000)")
    let unknown = NTStatus(rawValue: 0xC0DE_0001)
    #expect(unknown.name == "0xC0DE0001")
    #expect(unknown.description == "0xC0DE0001")
    #expect(NTStatus(rawValue: 0x1F).name == "0x0000001F")
    #expect(NTStatus(rawValue: 0x103) == .pending)
}

@Test func ntStatusSeverityAndFacility() {
    #expect(NTStatus.success.isSuccess && !NTStatus.success.isInformational)
    #expect(NTStatus.pending.isSuccess && !NTStatus.pending.isError)
    #expect(NTStatus.timeout.isSuccess)
    #expect(NTStatus.eventPending.isSuccess && NTStatus.eventPending.isInformational)
    #expect(NTStatus.ndisIndicationRequired.isInformational && NTStatus.ndisIndicationRequired.isSuccess)
    #expect(NTStatus.bufferOverflow.isWarning && !NTStatus.bufferOverflow.isSuccess)
    #expect(!NTStatus.bufferOverflow.isError)
    #expect(NTStatus.connectionReset.isError && !NTStatus.connectionReset.isSuccess)
    #expect(!NTStatus.connectionReset.isWarning && !NTStatus.connectionReset.isInformational)
    #expect(NTStatus.connectionReset.facility == 0)
    #expect(NTStatus.connectionReset.code == 0x020D)
    for (status, name, _) in ntTable where name.hasPrefix("STATUS_NDIS_") {
        #expect(status.facility == 0x23, "\(name)")
    }
    // Exactly one severity class per code.
    for (status, name, _) in ntTable {
        let classes = [status.rawValue >> 30 == 0, status.isInformational, status.isWarning, status.isError]
        #expect(classes.filter { $0 }.count == 1, "\(name)")
        #expect(status.isSuccess == (status.rawValue >> 30 <= 1), "\(name)")
    }
}
