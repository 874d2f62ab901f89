import NetCore

/// Which way a captured frame was travelling, as the adapter saw it.
public enum CaptureDirection: Sendable {
    /// Received from the medium.
    case inbound
    /// Sent to the medium.
    case outbound
    /// Not known, e.g. a frame injected by a test harness.
    case unknown

    /// The `epb_flags` direction bits (the low two bits of the option).
    var packetFlags: UInt32 {
        switch self {
        case .unknown: 0
        case .inbound: 1
        case .outbound: 2
        }
    }
}

/// Writes packets in the pcapng format (draft-ietf-opsawg-pcapng), so a
/// capture taken inside the stack opens in Wireshark, tshark and capinfos.
///
/// pcapng rather than classic pcap because one file can hold several
/// interfaces, each with its own name, and nanosecond timestamps.
///
/// Numbers are written in host byte order: the Section Header Block's
/// byte-order magic tells readers which order that was, and it spares a swap
/// per field.
///
/// Writing a packet allocates nothing: the block header and trailer are built
/// in a scratch buffer made once, and the payload goes from the caller's buffer
/// straight to the sink. A writer is not thread-safe; the capture filter calls
/// it from one place.
public final class PcapngWriter {
    /// pcapng block types used here.
    fileprivate enum BlockType {
        static let sectionHeader: UInt32 = 0x0A0D_0D0A
        static let interfaceDescription: UInt32 = 0x0000_0001
        static let enhancedPacket: UInt32 = 0x0000_0006
    }

    /// pcapng option codes used here.
    fileprivate enum OptionCode {
        static let endOfOptions: UInt16 = 0
        static let shbUserApplication: UInt16 = 4
        static let ifName: UInt16 = 2
        static let ifTimestampResolution: UInt16 = 9
        static let epbFlags: UInt16 = 2
    }

    /// Read in native order, it tells a reader the file's byte order.
    static let byteOrderMagic: UInt32 = 0x1A2B_3C4D

    /// Fixed part of an Enhanced Packet Block before the data: type, total
    /// length, interface ID, timestamp high and low, captured and original length.
    static let packetHeaderLength = 28
    /// After the padded data: `epb_flags` (4 + 4), `opt_endofopt` (4), total length (4).
    static let packetTrailerLength = 16
    /// Where the trailer starts in the scratch buffer, after the header.
    private static let trailerOffset = 32
    /// Largest payload captured: keeps the block's total length within 32 bits.
    private static let maximumCapturedLength = Int(UInt32.max) - 64

    private struct Interface {
        var snapLength: UInt32
    }

    private let sink: any CaptureSink
    private var interfaces: [Interface] = []
    private let scratch: UnsafeMutableRawBufferPointer
    private var isClosed = false

    /// Packets written since the writer was made.
    public private(set) var packetCount = 0

    /// Number of interfaces announced so far; the next one gets this ID.
    public var interfaceCount: Int { interfaces.count }

    /// Starts a section by writing its Section Header Block to `sink`.
    ///
    /// - Parameters:
    ///   - sink: Receives the blocks; the writer closes it in `close()`.
    ///   - application: Recorded as `shb_userappl`, shown by `capinfos` as the
    ///     capture application, so a file can be traced back to its producer.
    public init(sink: some CaptureSink, application: String = "NetKernel") throws(CaptureError) {
        self.sink = sink
        // Header (28) and trailer (16 plus up to 3 bytes of data padding) fit in 64.
        scratch = .allocate(byteCount: 64, alignment: 8)
        scratch.initializeMemory(as: UInt8.self, repeating: 0)

        var block = BlockBuilder(type: BlockType.sectionHeader)
        block.append(Self.byteOrderMagic)
        block.append(UInt16(1))  // major version
        block.append(UInt16(0))  // minor version
        block.append(Int64(-1))  // section length: not known while streaming
        block.appendOption(code: OptionCode.shbUserApplication, value: Array(application.utf8))
        block.appendEndOfOptions()
        try write(block.finish())
    }

    deinit {
        scratch.deallocate()
    }

    /// Announces an interface with an Interface Description Block and returns
    /// the ID that packets captured on it must name.
    ///
    /// IDs count up from 0 in the order interfaces are added, as the format
    /// requires; an interface can be added at any point, as long as it is
    /// added before its first packet.
    ///
    /// - Parameters:
    ///   - name: The adapter's name, recorded as `if_name` so Wireshark can
    ///     tell interfaces apart.
    ///   - linkType: The LINKTYPE_ value; 1 is Ethernet.
    ///   - snapLength: Longest packet prefix kept; longer packets are cut and
    ///     keep their original length. 0 means no limit.
    @discardableResult
    public func addInterface(name: String, linkType: UInt16 = 1, snapLength: UInt32 = 65535) throws(CaptureError) -> UInt32 {
        guard !isClosed else { throw .closed }
        var block = BlockBuilder(type: BlockType.interfaceDescription)
        block.append(linkType)
        block.append(UInt16(0))  // reserved
        block.append(snapLength)
        block.appendOption(code: OptionCode.ifName, value: Array(name.utf8))
        // 9: timestamps count nanoseconds, which is what Instant holds.
        block.appendOption(code: OptionCode.ifTimestampResolution, value: [9])
        block.appendEndOfOptions()
        try write(block.finish())
        let id = UInt32(interfaces.count)
        interfaces.append(Interface(snapLength: snapLength))
        return id
    }

    /// Writes one frame as an Enhanced Packet Block.
    ///
    /// - Parameters:
    ///   - interface: An ID returned by `addInterface`.
    ///   - timestamp: When the frame was seen; its nanoseconds since the clock's
    ///     epoch become the block's timestamp (a virtual clock therefore dates
    ///     packets from 1970). Negative instants are written as 0, since the
    ///     format's timestamp is unsigned.
    ///   - direction: Recorded in `epb_flags`, so a reader can filter one way.
    ///   - bytes: The frame, borrowed only for the call.
    ///   - originalLength: The frame's length on the wire when `bytes` is
    ///     already a prefix of it; it is never taken as less than `bytes.count`.
    public func writePacket(
        interface: UInt32,
        timestamp: Instant,
        direction: CaptureDirection,
        bytes: UnsafeRawBufferPointer,
        originalLength: Int? = nil
    ) throws(CaptureError) {
        guard !isClosed else { throw .closed }
        guard interface < UInt32(interfaces.count) else { throw .unknownInterface(interface) }
        let snapLength = interfaces[Int(interface)].snapLength

        var captured = min(bytes.count, Self.maximumCapturedLength)
        if snapLength != 0 { captured = min(captured, Int(snapLength)) }
        let original = UInt32(clamping: max(originalLength ?? bytes.count, bytes.count))
        let padding = (4 - captured & 3) & 3
        let totalLength = UInt32(Self.packetHeaderLength + captured + padding + Self.packetTrailerLength)
        let nanoseconds = UInt64(max(timestamp.nanoseconds, 0))

        let header = scratch.slice(0, Self.packetHeaderLength)
        header.storeBytes(of: BlockType.enhancedPacket, toByteOffset: 0, as: UInt32.self)
        header.storeBytes(of: totalLength, toByteOffset: 4, as: UInt32.self)
        header.storeBytes(of: interface, toByteOffset: 8, as: UInt32.self)
        header.storeBytes(of: UInt32(truncatingIfNeeded: nanoseconds >> 32), toByteOffset: 12, as: UInt32.self)
        header.storeBytes(of: UInt32(truncatingIfNeeded: nanoseconds), toByteOffset: 16, as: UInt32.self)
        header.storeBytes(of: UInt32(captured), toByteOffset: 20, as: UInt32.self)
        header.storeBytes(of: original, toByteOffset: 24, as: UInt32.self)

        let trailer = scratch.slice(Self.trailerOffset, padding + Self.packetTrailerLength)
        for index in 0..<padding { trailer[index] = 0 }
        trailer.storeBytes(of: OptionCode.epbFlags, toByteOffset: padding, as: UInt16.self)
        trailer.storeBytes(of: UInt16(4), toByteOffset: padding + 2, as: UInt16.self)
        trailer.storeBytes(of: direction.packetFlags, toByteOffset: padding + 4, as: UInt32.self)
        trailer.storeBytes(of: UInt32(0), toByteOffset: padding + 8, as: UInt32.self)  // opt_endofopt
        trailer.storeBytes(of: totalLength, toByteOffset: padding + 12, as: UInt32.self)

        try sink.write(UnsafeRawBufferPointer(header))
        if captured > 0 { try sink.write(bytes.slice(0, captured)) }
        try sink.write(UnsafeRawBufferPointer(trailer))
        packetCount += 1
    }

    /// Pushes buffered blocks to the sink's destination, e.g. before a reader
    /// opens the file while capturing goes on.
    public func flush() throws(CaptureError) {
        guard !isClosed else { throw .closed }
        try sink.flush()
    }

    /// Flushes and closes the sink. Closing again does nothing; writing
    /// afterwards throws `CaptureError.closed`.
    public func close() throws(CaptureError) {
        guard !isClosed else { return }
        isClosed = true
        try sink.close()
    }

    private func write(_ bytes: [UInt8]) throws(CaptureError) {
        // Spelled out rather than `withUnsafeBytes { try ... }`, whose
        // untyped rethrows would erase CaptureError.
        var failure: CaptureError?
        bytes.withUnsafeBytes { buffer in
            do throws(CaptureError) { try sink.write(buffer) } catch { failure = error }
        }
        if let failure { throw failure }
    }
}

/// Assembles the rare, variable-length blocks (section and interface headers)
/// in an array; the per-packet path does not use it.
private struct BlockBuilder {
    private var bytes: [UInt8] = []

    init(type: UInt32) {
        append(type)
        append(UInt32(0))  // total length, filled in by finish()
    }

    mutating func append<Value: FixedWidthInteger>(_ value: Value) {
        withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) }
    }

    /// Appends an option padded to 32 bits. A value longer than the 16-bit
    /// length field allows is cut, which only a pathological name would hit.
    mutating func appendOption(code: UInt16, value: [UInt8]) {
        let length = min(value.count, Int(UInt16.max))
        append(code)
        append(UInt16(length))
        bytes.append(contentsOf: value[0..<length])
        bytes.append(contentsOf: repeatElement(0, count: (4 - length & 3) & 3))
    }

    mutating func appendEndOfOptions() {
        append(PcapngWriter.OptionCode.endOfOptions)
        append(UInt16(0))
    }

    /// Closes the block with its total length, written at both ends so a
    /// reader can walk the file backwards too.
    mutating func finish() -> [UInt8] {
        let total = UInt32(bytes.count + 4)
        withUnsafeBytes(of: total) { source in
            for index in 0..<4 { bytes[4 + index] = source[index] }
        }
        append(total)
        return bytes
    }
}
