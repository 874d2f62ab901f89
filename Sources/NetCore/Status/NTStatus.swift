/// A Windows NTSTATUS: the 32-bit result code every WSK call, IRP completion
/// and (as `NDISStatus`) every NDIS call returns.
///
/// It stays a raw code rather than a Swift enum because drivers and clients
/// pass through codes nobody here defines; an unknown code must survive a
/// round trip unchanged. Layout (ntdef.h): severity in bits 31–30, customer
/// bit 29, reserved bit 28, facility in bits 27–16, code in bits 15–0.
///
/// Every constant's value is taken from the Windows headers (ntstatus.h of
/// mingw-w64 and of the Windows SDK) and cross-checked against the WSK
/// reference notes; codes whose value could not be confirmed are left out.
///
/// It is an `Error` too, so that Swift-style overlays (async calls, results)
/// fail with exactly the status the Windows call would have returned.
public struct NTStatus: RawRepresentable, Hashable, Sendable, CustomStringConvertible, Error {
    /// The code exactly as Windows stores it in an `NTSTATUS` (a `LONG`).
    public var rawValue: UInt32

    /// Wraps any code, known or not, so foreign statuses pass through intact.
    @inlinable
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// NT_SUCCESS: the value read as a signed `LONG` is not negative, so
    /// informational codes such as `pending` count as success too.
    @inlinable
    public var isSuccess: Bool { Int32(bitPattern: rawValue) >= 0 }

    /// Severity 1 (bits 31–30 = 01): success carrying extra information.
    @inlinable
    public var isInformational: Bool { rawValue >> 30 == 1 }

    /// Severity 2 (bits 31–30 = 10): a failure that still produced partial
    /// results, e.g. `bufferOverflow` with a truncated output buffer.
    @inlinable
    public var isWarning: Bool { rawValue >> 30 == 2 }

    /// Severity 3 (bits 31–30 = 11): the operation failed.
    @inlinable
    public var isError: Bool { rawValue >> 30 == 3 }

    /// The facility (bits 27–16) says which component defined the code,
    /// e.g. 0x23 for NDIS; 0 is the general NT facility.
    @inlinable
    public var facility: UInt16 { UInt16(truncatingIfNeeded: (rawValue >> 16) & 0x0FFF) }

    /// The facility-relative code (bits 15–0).
    @inlinable
    public var code: UInt16 { UInt16(truncatingIfNeeded: rawValue) }

    /// The Windows constant's name, e.g. "STATUS_PENDING", or the value in
    /// hex ("0xC0DE0001") for a code not defined here, so logs stay readable.
    public var name: String {
        NTStatus.names[rawValue] ?? NTStatus.hex(rawValue)
    }

    /// "STATUS_PENDING (0x00000103)"; an unknown code prints as its hex value alone.
    public var description: String {
        guard let known = NTStatus.names[rawValue] else { return NTStatus.hex(rawValue) }
        return "\(known) (\(NTStatus.hex(rawValue)))"
    }

    /// "0x" and eight upper-case hex digits, the way WDK headers and debuggers print statuses.
    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }

    /// Name lookup, built once; a dictionary rather than a switch so the
    /// table below is the single list of names.
    private static let names: [UInt32: String] = Dictionary(
        known.map { ($0.0.rawValue, $0.1) }, uniquingKeysWith: { first, _ in first })

    /// Every constant with its Windows name, in declaration order.
    static let known: [(NTStatus, String)] = [
        (.success, "STATUS_SUCCESS"),
        (.timeout, "STATUS_TIMEOUT"),
        (.pending, "STATUS_PENDING"),
        (.moreEntries, "STATUS_MORE_ENTRIES"),
        (.receivePartial, "STATUS_RECEIVE_PARTIAL"),
        (.receiveExpedited, "STATUS_RECEIVE_EXPEDITED"),
        (.receivePartialExpedited, "STATUS_RECEIVE_PARTIAL_EXPEDITED"),
        (.eventPending, "STATUS_EVENT_PENDING"),
        (.bufferOverflow, "STATUS_BUFFER_OVERFLOW"),
        (.deviceBusy, "STATUS_DEVICE_BUSY"),
        (.noMoreEntries, "STATUS_NO_MORE_ENTRIES"),
        (.unsuccessful, "STATUS_UNSUCCESSFUL"),
        (.notImplemented, "STATUS_NOT_IMPLEMENTED"),
        (.infoLengthMismatch, "STATUS_INFO_LENGTH_MISMATCH"),
        (.invalidHandle, "STATUS_INVALID_HANDLE"),
        (.invalidParameter, "STATUS_INVALID_PARAMETER"),
        (.noSuchDevice, "STATUS_NO_SUCH_DEVICE"),
        (.invalidDeviceRequest, "STATUS_INVALID_DEVICE_REQUEST"),
        (.moreProcessingRequired, "STATUS_MORE_PROCESSING_REQUIRED"),
        (.noMemory, "STATUS_NO_MEMORY"),
        (.accessDenied, "STATUS_ACCESS_DENIED"),
        (.bufferTooSmall, "STATUS_BUFFER_TOO_SMALL"),
        (.objectNameNotFound, "STATUS_OBJECT_NAME_NOT_FOUND"),
        (.objectNameCollision, "STATUS_OBJECT_NAME_COLLISION"),
        (.integerOverflow, "STATUS_INTEGER_OVERFLOW"),
        (.insufficientResources, "STATUS_INSUFFICIENT_RESOURCES"),
        (.deviceNotConnected, "STATUS_DEVICE_NOT_CONNECTED"),
        (.deviceNotReady, "STATUS_DEVICE_NOT_READY"),
        (.ioTimeout, "STATUS_IO_TIMEOUT"),
        (.fileForcedClosed, "STATUS_FILE_FORCED_CLOSED"),
        (.notSupported, "STATUS_NOT_SUPPORTED"),
        (.remoteNotListening, "STATUS_REMOTE_NOT_LISTENING"),
        (.badNetworkPath, "STATUS_BAD_NETWORK_PATH"),
        (.networkBusy, "STATUS_NETWORK_BUSY"),
        (.tooManyCommands, "STATUS_TOO_MANY_COMMANDS"),
        (.adapterHardwareError, "STATUS_ADAPTER_HARDWARE_ERROR"),
        (.invalidNetworkResponse, "STATUS_INVALID_NETWORK_RESPONSE"),
        (.unexpectedNetworkError, "STATUS_UNEXPECTED_NETWORK_ERROR"),
        (.requestNotAccepted, "STATUS_REQUEST_NOT_ACCEPTED"),
        (.connectionInUse, "STATUS_CONNECTION_IN_USE"),
        (.cancelled, "STATUS_CANCELLED"),
        (.localDisconnect, "STATUS_LOCAL_DISCONNECT"),
        (.remoteDisconnect, "STATUS_REMOTE_DISCONNECT"),
        (.remoteResources, "STATUS_REMOTE_RESOURCES"),
        (.linkFailed, "STATUS_LINK_FAILED"),
        (.linkTimeout, "STATUS_LINK_TIMEOUT"),
        (.invalidConnection, "STATUS_INVALID_CONNECTION"),
        (.invalidAddress, "STATUS_INVALID_ADDRESS"),
        (.invalidDeviceState, "STATUS_INVALID_DEVICE_STATE"),
        (.ioDeviceError, "STATUS_IO_DEVICE_ERROR"),
        (.invalidBufferSize, "STATUS_INVALID_BUFFER_SIZE"),
        (.invalidAddressComponent, "STATUS_INVALID_ADDRESS_COMPONENT"),
        (.invalidAddressWildcard, "STATUS_INVALID_ADDRESS_WILDCARD"),
        (.tooManyAddresses, "STATUS_TOO_MANY_ADDRESSES"),
        (.addressAlreadyExists, "STATUS_ADDRESS_ALREADY_EXISTS"),
        (.addressClosed, "STATUS_ADDRESS_CLOSED"),
        (.connectionDisconnected, "STATUS_CONNECTION_DISCONNECTED"),
        (.connectionReset, "STATUS_CONNECTION_RESET"),
        (.dataNotAccepted, "STATUS_DATA_NOT_ACCEPTED"),
        (.notFound, "STATUS_NOT_FOUND"),
        (.retry, "STATUS_RETRY"),
        (.connectionRefused, "STATUS_CONNECTION_REFUSED"),
        (.gracefulDisconnect, "STATUS_GRACEFUL_DISCONNECT"),
        (.addressAlreadyAssociated, "STATUS_ADDRESS_ALREADY_ASSOCIATED"),
        (.addressNotAssociated, "STATUS_ADDRESS_NOT_ASSOCIATED"),
        (.connectionInvalid, "STATUS_CONNECTION_INVALID"),
        (.connectionActive, "STATUS_CONNECTION_ACTIVE"),
        (.networkUnreachable, "STATUS_NETWORK_UNREACHABLE"),
        (.hostUnreachable, "STATUS_HOST_UNREACHABLE"),
        (.protocolUnreachable, "STATUS_PROTOCOL_UNREACHABLE"),
        (.portUnreachable, "STATUS_PORT_UNREACHABLE"),
        (.requestAborted, "STATUS_REQUEST_ABORTED"),
        (.connectionAborted, "STATUS_CONNECTION_ABORTED"),
        (.connectionCountLimit, "STATUS_CONNECTION_COUNT_LIMIT"),
        (.noMatch, "STATUS_NO_MATCH"),
        (.deviceRemoved, "STATUS_DEVICE_REMOVED"),
        (.noInterface, "STATUS_NOINTERFACE"),
        (.transportFull, "STATUS_TRANSPORT_FULL"),
        (.noIPAddresses, "STATUS_NO_IP_ADDRESSES"),
        (.hostDown, "STATUS_HOST_DOWN"),
        (.ndisIndicationRequired, "STATUS_NDIS_INDICATION_REQUIRED"),
        (.ndisClosing, "STATUS_NDIS_CLOSING"),
        (.ndisBadVersion, "STATUS_NDIS_BAD_VERSION"),
        (.ndisBadCharacteristics, "STATUS_NDIS_BAD_CHARACTERISTICS"),
        (.ndisAdapterNotFound, "STATUS_NDIS_ADAPTER_NOT_FOUND"),
        (.ndisOpenFailed, "STATUS_NDIS_OPEN_FAILED"),
        (.ndisDeviceFailed, "STATUS_NDIS_DEVICE_FAILED"),
        (.ndisMulticastFull, "STATUS_NDIS_MULTICAST_FULL"),
        (.ndisMulticastExists, "STATUS_NDIS_MULTICAST_EXISTS"),
        (.ndisMulticastNotFound, "STATUS_NDIS_MULTICAST_NOT_FOUND"),
        (.ndisRequestAborted, "STATUS_NDIS_REQUEST_ABORTED"),
        (.ndisResetInProgress, "STATUS_NDIS_RESET_IN_PROGRESS"),
        (.ndisNotSupported, "STATUS_NDIS_NOT_SUPPORTED"),
        (.ndisInvalidPacket, "STATUS_NDIS_INVALID_PACKET"),
        (.ndisInvalidDeviceRequest, "STATUS_NDIS_INVALID_DEVICE_REQUEST"),
        (.ndisAdapterNotReady, "STATUS_NDIS_ADAPTER_NOT_READY"),
        (.ndisInvalidLength, "STATUS_NDIS_INVALID_LENGTH"),
        (.ndisInvalidData, "STATUS_NDIS_INVALID_DATA"),
        (.ndisBufferTooShort, "STATUS_NDIS_BUFFER_TOO_SHORT"),
        (.ndisInvalidOID, "STATUS_NDIS_INVALID_OID"),
        (.ndisAdapterRemoved, "STATUS_NDIS_ADAPTER_REMOVED"),
        (.ndisUnsupportedMedia, "STATUS_NDIS_UNSUPPORTED_MEDIA"),
        (.ndisGroupAddressInUse, "STATUS_NDIS_GROUP_ADDRESS_IN_USE"),
        (.ndisFileNotFound, "STATUS_NDIS_FILE_NOT_FOUND"),
        (.ndisErrorReadingFile, "STATUS_NDIS_ERROR_READING_FILE"),
        (.ndisAlreadyMapped, "STATUS_NDIS_ALREADY_MAPPED"),
        (.ndisResourceConflict, "STATUS_NDIS_RESOURCE_CONFLICT"),
        (.ndisMediaDisconnected, "STATUS_NDIS_MEDIA_DISCONNECTED"),
        (.ndisInvalidAddress, "STATUS_NDIS_INVALID_ADDRESS"),
        (.ndisPaused, "STATUS_NDIS_PAUSED"),
        (.ndisInterfaceNotFound, "STATUS_NDIS_INTERFACE_NOT_FOUND"),
        (.ndisUnsupportedRevision, "STATUS_NDIS_UNSUPPORTED_REVISION"),
        (.ndisInvalidPort, "STATUS_NDIS_INVALID_PORT"),
        (.ndisInvalidPortState, "STATUS_NDIS_INVALID_PORT_STATE"),
        (.ndisLowPowerState, "STATUS_NDIS_LOW_POWER_STATE"),
        (.ndisReinitRequired, "STATUS_NDIS_REINIT_REQUIRED"),
        (.ndisNoQueues, "STATUS_NDIS_NO_QUEUES"),
        (.ndisDot11AutoConfigEnabled, "STATUS_NDIS_DOT11_AUTO_CONFIG_ENABLED"),
        (.ndisDot11MediaInUse, "STATUS_NDIS_DOT11_MEDIA_IN_USE"),
        (.ndisDot11PowerStateInvalid, "STATUS_NDIS_DOT11_POWER_STATE_INVALID"),
        (.ndisPMWoLPatternListFull, "STATUS_NDIS_PM_WOL_PATTERN_LIST_FULL"),
        (.ndisPMProtocolOffloadListFull, "STATUS_NDIS_PM_PROTOCOL_OFFLOAD_LIST_FULL"),
        (.ndisDot11APChannelCurrentlyNotAvailable, "STATUS_NDIS_DOT11_AP_CHANNEL_CURRENTLY_NOT_AVAILABLE"),
        (.ndisDot11APBandCurrentlyNotAvailable, "STATUS_NDIS_DOT11_AP_BAND_CURRENTLY_NOT_AVAILABLE"),
        (.ndisDot11APChannelNotAllowed, "STATUS_NDIS_DOT11_AP_CHANNEL_NOT_ALLOWED"),
        (.ndisDot11APBandNotAllowed, "STATUS_NDIS_DOT11_AP_BAND_NOT_ALLOWED"),
        (.ndisOffloadPolicy, "STATUS_NDIS_OFFLOAD_POLICY"),
        (.ndisOffloadConnectionRejected, "STATUS_NDIS_OFFLOAD_CONNECTION_REJECTED"),
        (.ndisOffloadPathRejected, "STATUS_NDIS_OFFLOAD_PATH_REJECTED"),
    ]

    /// STATUS_SUCCESS
    ///
    /// The one success code every completion path compares against.
    public static let success = NTStatus(rawValue: 0x0000_0000)

    /// STATUS_TIMEOUT
    ///
    /// A wait ended because its timeout expired; a success code, so it passes `isSuccess`.
    public static let timeout = NTStatus(rawValue: 0x0000_0102)

    /// STATUS_PENDING
    ///
    /// The request was queued and completes later with its real status; a success code.
    public static let pending = NTStatus(rawValue: 0x0000_0103)

    /// STATUS_MORE_ENTRIES
    public static let moreEntries = NTStatus(rawValue: 0x0000_0105)

    /// STATUS_RECEIVE_PARTIAL
    ///
    /// TDI: more of the message remains to be received.
    public static let receivePartial = NTStatus(rawValue: 0x4000_000F)

    /// STATUS_RECEIVE_EXPEDITED
    ///
    /// TDI: the data received is expedited (urgent) data.
    public static let receiveExpedited = NTStatus(rawValue: 0x4000_0010)

    /// STATUS_RECEIVE_PARTIAL_EXPEDITED
    public static let receivePartialExpedited = NTStatus(rawValue: 0x4000_0011)

    /// STATUS_EVENT_PENDING
    ///
    /// WSK: a callback being disabled is still running and no IRP was given to wait on.
    public static let eventPending = NTStatus(rawValue: 0x4000_0013)

    /// STATUS_BUFFER_OVERFLOW
    ///
    /// A warning: the output was truncated and the size needed is reported alongside.
    public static let bufferOverflow = NTStatus(rawValue: 0x8000_0005)

    /// STATUS_DEVICE_BUSY
    public static let deviceBusy = NTStatus(rawValue: 0x8000_0011)

    /// STATUS_NO_MORE_ENTRIES
    public static let noMoreEntries = NTStatus(rawValue: 0x8000_001A)

    /// STATUS_UNSUCCESSFUL
    ///
    /// The generic failure, also spelled NDIS_STATUS_FAILURE.
    public static let unsuccessful = NTStatus(rawValue: 0xC000_0001)

    /// STATUS_NOT_IMPLEMENTED
    public static let notImplemented = NTStatus(rawValue: 0xC000_0002)

    /// STATUS_INFO_LENGTH_MISMATCH
    public static let infoLengthMismatch = NTStatus(rawValue: 0xC000_0004)

    /// STATUS_INVALID_HANDLE
    public static let invalidHandle = NTStatus(rawValue: 0xC000_0008)

    /// STATUS_INVALID_PARAMETER
    public static let invalidParameter = NTStatus(rawValue: 0xC000_000D)

    /// STATUS_NO_SUCH_DEVICE
    public static let noSuchDevice = NTStatus(rawValue: 0xC000_000E)

    /// STATUS_INVALID_DEVICE_REQUEST
    public static let invalidDeviceRequest = NTStatus(rawValue: 0xC000_0010)

    /// STATUS_MORE_PROCESSING_REQUIRED
    ///
    /// Returned by a completion routine to stop completion and keep the IRP.
    public static let moreProcessingRequired = NTStatus(rawValue: 0xC000_0016)

    /// STATUS_NO_MEMORY
    public static let noMemory = NTStatus(rawValue: 0xC000_0017)

    /// STATUS_ACCESS_DENIED
    public static let accessDenied = NTStatus(rawValue: 0xC000_0022)

    /// STATUS_BUFFER_TOO_SMALL
    public static let bufferTooSmall = NTStatus(rawValue: 0xC000_0023)

    /// STATUS_OBJECT_NAME_NOT_FOUND
    public static let objectNameNotFound = NTStatus(rawValue: 0xC000_0034)

    /// STATUS_OBJECT_NAME_COLLISION
    public static let objectNameCollision = NTStatus(rawValue: 0xC000_0035)

    /// STATUS_INTEGER_OVERFLOW
    public static let integerOverflow = NTStatus(rawValue: 0xC000_0095)

    /// STATUS_INSUFFICIENT_RESOURCES
    ///
    /// Out of memory or another pool; also spelled NDIS_STATUS_RESOURCES.
    public static let insufficientResources = NTStatus(rawValue: 0xC000_009A)

    /// STATUS_DEVICE_NOT_CONNECTED
    public static let deviceNotConnected = NTStatus(rawValue: 0xC000_009D)

    /// STATUS_DEVICE_NOT_READY
    public static let deviceNotReady = NTStatus(rawValue: 0xC000_00A3)

    /// STATUS_IO_TIMEOUT
    public static let ioTimeout = NTStatus(rawValue: 0xC000_00B5)

    /// STATUS_FILE_FORCED_CLOSED
    ///
    /// WSK: the socket is dead (e.g. its transport went away); close it.
    public static let fileForcedClosed = NTStatus(rawValue: 0xC000_00B6)

    /// STATUS_NOT_SUPPORTED
    public static let notSupported = NTStatus(rawValue: 0xC000_00BB)

    /// STATUS_REMOTE_NOT_LISTENING
    public static let remoteNotListening = NTStatus(rawValue: 0xC000_00BC)

    /// STATUS_BAD_NETWORK_PATH
    public static let badNetworkPath = NTStatus(rawValue: 0xC000_00BE)

    /// STATUS_NETWORK_BUSY
    public static let networkBusy = NTStatus(rawValue: 0xC000_00BF)

    /// STATUS_TOO_MANY_COMMANDS
    public static let tooManyCommands = NTStatus(rawValue: 0xC000_00C1)

    /// STATUS_ADAPTER_HARDWARE_ERROR
    public static let adapterHardwareError = NTStatus(rawValue: 0xC000_00C2)

    /// STATUS_INVALID_NETWORK_RESPONSE
    public static let invalidNetworkResponse = NTStatus(rawValue: 0xC000_00C3)

    /// STATUS_UNEXPECTED_NETWORK_ERROR
    public static let unexpectedNetworkError = NTStatus(rawValue: 0xC000_00C4)

    /// STATUS_REQUEST_NOT_ACCEPTED
    public static let requestNotAccepted = NTStatus(rawValue: 0xC000_00D0)

    /// STATUS_CONNECTION_IN_USE
    public static let connectionInUse = NTStatus(rawValue: 0xC000_0108)

    /// STATUS_CANCELLED
    public static let cancelled = NTStatus(rawValue: 0xC000_0120)

    /// STATUS_LOCAL_DISCONNECT
    public static let localDisconnect = NTStatus(rawValue: 0xC000_013B)

    /// STATUS_REMOTE_DISCONNECT
    public static let remoteDisconnect = NTStatus(rawValue: 0xC000_013C)

    /// STATUS_REMOTE_RESOURCES
    public static let remoteResources = NTStatus(rawValue: 0xC000_013D)

    /// STATUS_LINK_FAILED
    public static let linkFailed = NTStatus(rawValue: 0xC000_013E)

    /// STATUS_LINK_TIMEOUT
    public static let linkTimeout = NTStatus(rawValue: 0xC000_013F)

    /// STATUS_INVALID_CONNECTION
    public static let invalidConnection = NTStatus(rawValue: 0xC000_0140)

    /// STATUS_INVALID_ADDRESS
    public static let invalidAddress = NTStatus(rawValue: 0xC000_0141)

    /// STATUS_INVALID_DEVICE_STATE
    public static let invalidDeviceState = NTStatus(rawValue: 0xC000_0184)

    /// STATUS_IO_DEVICE_ERROR
    public static let ioDeviceError = NTStatus(rawValue: 0xC000_0185)

    /// STATUS_INVALID_BUFFER_SIZE
    public static let invalidBufferSize = NTStatus(rawValue: 0xC000_0206)

    /// STATUS_INVALID_ADDRESS_COMPONENT
    public static let invalidAddressComponent = NTStatus(rawValue: 0xC000_0207)

    /// STATUS_INVALID_ADDRESS_WILDCARD
    public static let invalidAddressWildcard = NTStatus(rawValue: 0xC000_0208)

    /// STATUS_TOO_MANY_ADDRESSES
    public static let tooManyAddresses = NTStatus(rawValue: 0xC000_0209)

    /// STATUS_ADDRESS_ALREADY_EXISTS
    public static let addressAlreadyExists = NTStatus(rawValue: 0xC000_020A)

    /// STATUS_ADDRESS_CLOSED
    public static let addressClosed = NTStatus(rawValue: 0xC000_020B)

    /// STATUS_CONNECTION_DISCONNECTED
    public static let connectionDisconnected = NTStatus(rawValue: 0xC000_020C)

    /// STATUS_CONNECTION_RESET
    public static let connectionReset = NTStatus(rawValue: 0xC000_020D)

    /// STATUS_DATA_NOT_ACCEPTED
    ///
    /// A receive event handler took none of the indicated data.
    public static let dataNotAccepted = NTStatus(rawValue: 0xC000_021B)

    /// STATUS_NOT_FOUND
    public static let notFound = NTStatus(rawValue: 0xC000_0225)

    /// STATUS_RETRY
    public static let retry = NTStatus(rawValue: 0xC000_022D)

    /// STATUS_CONNECTION_REFUSED
    public static let connectionRefused = NTStatus(rawValue: 0xC000_0236)

    /// STATUS_GRACEFUL_DISCONNECT
    public static let gracefulDisconnect = NTStatus(rawValue: 0xC000_0237)

    /// STATUS_ADDRESS_ALREADY_ASSOCIATED
    public static let addressAlreadyAssociated = NTStatus(rawValue: 0xC000_0238)

    /// STATUS_ADDRESS_NOT_ASSOCIATED
    public static let addressNotAssociated = NTStatus(rawValue: 0xC000_0239)

    /// STATUS_CONNECTION_INVALID
    public static let connectionInvalid = NTStatus(rawValue: 0xC000_023A)

    /// STATUS_CONNECTION_ACTIVE
    public static let connectionActive = NTStatus(rawValue: 0xC000_023B)

    /// STATUS_NETWORK_UNREACHABLE
    public static let networkUnreachable = NTStatus(rawValue: 0xC000_023C)

    /// STATUS_HOST_UNREACHABLE
    public static let hostUnreachable = NTStatus(rawValue: 0xC000_023D)

    /// STATUS_PROTOCOL_UNREACHABLE
    public static let protocolUnreachable = NTStatus(rawValue: 0xC000_023E)

    /// STATUS_PORT_UNREACHABLE
    public static let portUnreachable = NTStatus(rawValue: 0xC000_023F)

    /// STATUS_REQUEST_ABORTED
    public static let requestAborted = NTStatus(rawValue: 0xC000_0240)

    /// STATUS_CONNECTION_ABORTED
    public static let connectionAborted = NTStatus(rawValue: 0xC000_0241)

    /// STATUS_CONNECTION_COUNT_LIMIT
    public static let connectionCountLimit = NTStatus(rawValue: 0xC000_0246)

    /// STATUS_NO_MATCH
    public static let noMatch = NTStatus(rawValue: 0xC000_0272)

    /// STATUS_DEVICE_REMOVED
    public static let deviceRemoved = NTStatus(rawValue: 0xC000_02B6)

    /// STATUS_NOINTERFACE
    ///
    /// The requested interface (e.g. a WSK NPI version) is not supported.
    public static let noInterface = NTStatus(rawValue: 0xC000_02B9)

    /// STATUS_TRANSPORT_FULL
    public static let transportFull = NTStatus(rawValue: 0xC000_02CA)

    /// STATUS_NO_IP_ADDRESSES
    public static let noIPAddresses = NTStatus(rawValue: 0xC000_02F1)

    /// STATUS_HOST_DOWN
    public static let hostDown = NTStatus(rawValue: 0xC000_0350)

    /// STATUS_NDIS_INDICATION_REQUIRED
    ///
    /// An OID request completes later through a status indication, not a completion call.
    public static let ndisIndicationRequired = NTStatus(rawValue: 0x4023_0001)

    /// STATUS_NDIS_CLOSING
    public static let ndisClosing = NTStatus(rawValue: 0xC023_0002)

    /// STATUS_NDIS_BAD_VERSION
    public static let ndisBadVersion = NTStatus(rawValue: 0xC023_0004)

    /// STATUS_NDIS_BAD_CHARACTERISTICS
    public static let ndisBadCharacteristics = NTStatus(rawValue: 0xC023_0005)

    /// STATUS_NDIS_ADAPTER_NOT_FOUND
    public static let ndisAdapterNotFound = NTStatus(rawValue: 0xC023_0006)

    /// STATUS_NDIS_OPEN_FAILED
    public static let ndisOpenFailed = NTStatus(rawValue: 0xC023_0007)

    /// STATUS_NDIS_DEVICE_FAILED
    public static let ndisDeviceFailed = NTStatus(rawValue: 0xC023_0008)

    /// STATUS_NDIS_MULTICAST_FULL
    public static let ndisMulticastFull = NTStatus(rawValue: 0xC023_0009)

    /// STATUS_NDIS_MULTICAST_EXISTS
    public static let ndisMulticastExists = NTStatus(rawValue: 0xC023_000A)

    /// STATUS_NDIS_MULTICAST_NOT_FOUND
    public static let ndisMulticastNotFound = NTStatus(rawValue: 0xC023_000B)

    /// STATUS_NDIS_REQUEST_ABORTED
    ///
    /// The value behind NDIS_STATUS_SEND_ABORTED (cancelled sends).
    public static let ndisRequestAborted = NTStatus(rawValue: 0xC023_000C)

    /// STATUS_NDIS_RESET_IN_PROGRESS
    public static let ndisResetInProgress = NTStatus(rawValue: 0xC023_000D)

    /// STATUS_NDIS_NOT_SUPPORTED
    public static let ndisNotSupported = NTStatus(rawValue: 0xC023_00BB)

    /// STATUS_NDIS_INVALID_PACKET
    public static let ndisInvalidPacket = NTStatus(rawValue: 0xC023_000F)

    /// STATUS_NDIS_INVALID_DEVICE_REQUEST
    public static let ndisInvalidDeviceRequest = NTStatus(rawValue: 0xC023_0010)

    /// STATUS_NDIS_ADAPTER_NOT_READY
    public static let ndisAdapterNotReady = NTStatus(rawValue: 0xC023_0011)

    /// STATUS_NDIS_INVALID_LENGTH
    public static let ndisInvalidLength = NTStatus(rawValue: 0xC023_0014)

    /// STATUS_NDIS_INVALID_DATA
    public static let ndisInvalidData = NTStatus(rawValue: 0xC023_0015)

    /// STATUS_NDIS_BUFFER_TOO_SHORT
    public static let ndisBufferTooShort = NTStatus(rawValue: 0xC023_0016)

    /// STATUS_NDIS_INVALID_OID
    public static let ndisInvalidOID = NTStatus(rawValue: 0xC023_0017)

    /// STATUS_NDIS_ADAPTER_REMOVED
    public static let ndisAdapterRemoved = NTStatus(rawValue: 0xC023_0018)

    /// STATUS_NDIS_UNSUPPORTED_MEDIA
    public static let ndisUnsupportedMedia = NTStatus(rawValue: 0xC023_0019)

    /// STATUS_NDIS_GROUP_ADDRESS_IN_USE
    public static let ndisGroupAddressInUse = NTStatus(rawValue: 0xC023_001A)

    /// STATUS_NDIS_FILE_NOT_FOUND
    public static let ndisFileNotFound = NTStatus(rawValue: 0xC023_001B)

    /// STATUS_NDIS_ERROR_READING_FILE
    public static let ndisErrorReadingFile = NTStatus(rawValue: 0xC023_001C)

    /// STATUS_NDIS_ALREADY_MAPPED
    public static let ndisAlreadyMapped = NTStatus(rawValue: 0xC023_001D)

    /// STATUS_NDIS_RESOURCE_CONFLICT
    public static let ndisResourceConflict = NTStatus(rawValue: 0xC023_001E)

    /// STATUS_NDIS_MEDIA_DISCONNECTED
    public static let ndisMediaDisconnected = NTStatus(rawValue: 0xC023_001F)

    /// STATUS_NDIS_INVALID_ADDRESS
    public static let ndisInvalidAddress = NTStatus(rawValue: 0xC023_0022)

    /// STATUS_NDIS_PAUSED
    ///
    /// The value behind NDIS_STATUS_PAUSED: sends failed while a miniport pauses or is paused.
    public static let ndisPaused = NTStatus(rawValue: 0xC023_002A)

    /// STATUS_NDIS_INTERFACE_NOT_FOUND
    public static let ndisInterfaceNotFound = NTStatus(rawValue: 0xC023_002B)

    /// STATUS_NDIS_UNSUPPORTED_REVISION
    public static let ndisUnsupportedRevision = NTStatus(rawValue: 0xC023_002C)

    /// STATUS_NDIS_INVALID_PORT
    public static let ndisInvalidPort = NTStatus(rawValue: 0xC023_002D)

    /// STATUS_NDIS_INVALID_PORT_STATE
    public static let ndisInvalidPortState = NTStatus(rawValue: 0xC023_002E)

    /// STATUS_NDIS_LOW_POWER_STATE
    public static let ndisLowPowerState = NTStatus(rawValue: 0xC023_002F)

    /// STATUS_NDIS_REINIT_REQUIRED
    public static let ndisReinitRequired = NTStatus(rawValue: 0xC023_0030)

    /// STATUS_NDIS_NO_QUEUES
    public static let ndisNoQueues = NTStatus(rawValue: 0xC023_0031)

    /// STATUS_NDIS_DOT11_AUTO_CONFIG_ENABLED
    public static let ndisDot11AutoConfigEnabled = NTStatus(rawValue: 0xC023_2000)

    /// STATUS_NDIS_DOT11_MEDIA_IN_USE
    public static let ndisDot11MediaInUse = NTStatus(rawValue: 0xC023_2001)

    /// STATUS_NDIS_DOT11_POWER_STATE_INVALID
    public static let ndisDot11PowerStateInvalid = NTStatus(rawValue: 0xC023_2002)

    /// STATUS_NDIS_PM_WOL_PATTERN_LIST_FULL
    public static let ndisPMWoLPatternListFull = NTStatus(rawValue: 0xC023_2003)

    /// STATUS_NDIS_PM_PROTOCOL_OFFLOAD_LIST_FULL
    public static let ndisPMProtocolOffloadListFull = NTStatus(rawValue: 0xC023_2004)

    /// STATUS_NDIS_DOT11_AP_CHANNEL_CURRENTLY_NOT_AVAILABLE
    public static let ndisDot11APChannelCurrentlyNotAvailable = NTStatus(rawValue: 0xC023_2005)

    /// STATUS_NDIS_DOT11_AP_BAND_CURRENTLY_NOT_AVAILABLE
    public static let ndisDot11APBandCurrentlyNotAvailable = NTStatus(rawValue: 0xC023_2006)

    /// STATUS_NDIS_DOT11_AP_CHANNEL_NOT_ALLOWED
    public static let ndisDot11APChannelNotAllowed = NTStatus(rawValue: 0xC023_2007)

    /// STATUS_NDIS_DOT11_AP_BAND_NOT_ALLOWED
    public static let ndisDot11APBandNotAllowed = NTStatus(rawValue: 0xC023_2008)

    /// STATUS_NDIS_OFFLOAD_POLICY
    public static let ndisOffloadPolicy = NTStatus(rawValue: 0xC023_100F)

    /// STATUS_NDIS_OFFLOAD_CONNECTION_REJECTED
    public static let ndisOffloadConnectionRejected = NTStatus(rawValue: 0xC023_1012)

    /// STATUS_NDIS_OFFLOAD_PATH_REJECTED
    public static let ndisOffloadPathRejected = NTStatus(rawValue: 0xC023_1013)
}
