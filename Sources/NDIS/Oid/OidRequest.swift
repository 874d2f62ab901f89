import NetCore

/// NDIS_REQUEST_TYPE: what an OID request asks for.
public enum OidRequestType: UInt32, Sendable {
    /// NdisRequestQueryInformation
    case queryInformation = 0
    /// NdisRequestSetInformation
    case setInformation = 1
    /// NdisRequestQueryStatistics
    case queryStatistics = 2
    /// NdisRequestMethod
    case method = 12

    /// Whether the request reads a value (query or statistics query).
    public var isQuery: Bool { self == .queryInformation || self == .queryStatistics }
}

/// NDIS_OID_REQUEST: a query or set of one OID, passed down a stack and
/// completed inline or later (NdisMOidRequestComplete).
///
/// A class, as NDIS passes the request by pointer and a pended request is
/// completed by the same object. The information buffer holds the set's
/// input or the query's answer; multi-byte values are little-endian, as the
/// Windows structures are in memory.
public final class OidRequest {
    /// Header (NDIS_OBJECT_TYPE_OID_REQUEST).
    public var header = NdisObjectHeader(type: .oidRequest, revision: 1, size: 0)
    /// RequestType.
    public var requestType: OidRequestType
    /// PortNumber.
    public var portNumber: NdisPortNumber
    /// RequestId: matched by a cancel.
    public var requestId: UInt64
    /// DATA.QUERY_INFORMATION.Oid / DATA.SET_INFORMATION.Oid.
    public var oid: Oid
    /// InformationBuffer: a set's input, or a query's answer once complete.
    public var informationBuffer: [UInt8]
    /// InformationBufferLength: the room a query offers (its answer may not exceed it).
    public var informationBufferLength: Int
    /// BytesWritten (query) — how many answer bytes are valid.
    public var bytesWritten: Int = 0
    /// BytesRead (set) — how many input bytes the answerer consumed.
    public var bytesRead: Int = 0
    /// BytesNeeded: the size that would have fit, after NDIS_STATUS_BUFFER_TOO_SHORT
    /// or NDIS_STATUS_INVALID_LENGTH.
    public var bytesNeeded: Int = 0

    /// A query offering `bufferLength` bytes for the answer.
    public init(query oid: Oid, bufferLength: Int = 512, portNumber: NdisPortNumber = .default, requestId: UInt64 = 0) {
        requestType = .queryInformation
        self.oid = oid
        informationBuffer = []
        informationBufferLength = bufferLength
        self.portNumber = portNumber
        self.requestId = requestId
    }

    /// A set carrying `input`.
    public init(set oid: Oid, input: [UInt8], portNumber: NdisPortNumber = .default, requestId: UInt64 = 0) {
        requestType = .setInformation
        self.oid = oid
        informationBuffer = input
        informationBufferLength = input.count
        self.portNumber = portNumber
        self.requestId = requestId
    }

    /// Answers a query with `bytes`, or reports NDIS_STATUS_BUFFER_TOO_SHORT
    /// with BytesNeeded when the offered room is too small.
    public func answer(_ bytes: [UInt8]) -> NDISStatus {
        guard bytes.count <= informationBufferLength else {
            bytesNeeded = bytes.count
            bytesWritten = 0
            return .bufferTooShort
        }
        informationBuffer = bytes
        bytesWritten = bytes.count
        return .success
    }

    /// Answers a query with a little-endian ULONG.
    public func answer(_ value: UInt32) -> NDISStatus { answer(OidRequest.littleEndianBytes(value)) }

    /// Answers a query with a little-endian ULONG64.
    public func answer(_ value: UInt64) -> NDISStatus { answer(OidRequest.littleEndianBytes(value)) }

    /// The set's input as a ULONG, or nil (with BytesNeeded) when too short.
    public func inputUInt32() -> UInt32? {
        guard informationBuffer.count >= 4 else {
            bytesNeeded = 4
            return nil
        }
        bytesRead = 4
        return OidRequest.readLittleEndian(informationBuffer, at: 0, as: UInt32.self)
    }

    /// The answer as a ULONG, after a successful query.
    public var valueUInt32: UInt32? {
        bytesWritten >= 4 ? OidRequest.readLittleEndian(informationBuffer, at: 0, as: UInt32.self) : nil
    }

    /// The answer as a ULONG64, after a successful query.
    public var valueUInt64: UInt64? {
        bytesWritten >= 8 ? OidRequest.readLittleEndian(informationBuffer, at: 0, as: UInt64.self) : nil
    }

    /// Little-endian bytes of an integer, as a Windows structure holds it.
    public static func littleEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        (0..<(T.bitWidth / 8)).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }

    /// Reads a little-endian integer from `bytes` at `offset`.
    public static func readLittleEndian<T: FixedWidthInteger>(_ bytes: [UInt8], at offset: Int, as: T.Type) -> T {
        var v: T = 0
        for i in 0..<(T.bitWidth / 8) { v |= T(bytes[offset + i]) << (i * 8) }
        return v
    }
}
