/// NDIS_STATISTICS_INFO: the interface counters answered for OID_GEN_STATISTICS.
public struct StatisticsInfo: Hashable, Sendable {
    /// ifInDiscards: received frames dropped (no buffer, filtered, stack not running).
    public var ifInDiscards: UInt64 = 0
    /// ifInErrors: received frames that were malformed.
    public var ifInErrors: UInt64 = 0
    /// ifHCInOctets
    public var ifHCInOctets: UInt64 = 0
    /// ifHCInUcastPkts
    public var ifHCInUcastPkts: UInt64 = 0
    /// ifHCInMulticastPkts
    public var ifHCInMulticastPkts: UInt64 = 0
    /// ifHCInBroadcastPkts
    public var ifHCInBroadcastPkts: UInt64 = 0
    /// ifHCOutOctets
    public var ifHCOutOctets: UInt64 = 0
    /// ifHCOutUcastPkts
    public var ifHCOutUcastPkts: UInt64 = 0
    /// ifHCOutMulticastPkts
    public var ifHCOutMulticastPkts: UInt64 = 0
    /// ifHCOutBroadcastPkts
    public var ifHCOutBroadcastPkts: UInt64 = 0
    /// ifOutErrors
    public var ifOutErrors: UInt64 = 0
    /// ifOutDiscards
    public var ifOutDiscards: UInt64 = 0

    public init() {}

    /// Frames received, all kinds.
    public var framesIn: UInt64 { ifHCInUcastPkts + ifHCInMulticastPkts + ifHCInBroadcastPkts }
    /// Frames sent, all kinds.
    public var framesOut: UInt64 { ifHCOutUcastPkts + ifHCOutMulticastPkts + ifHCOutBroadcastPkts }

    /// Counts a received frame by its destination MAC's first byte and its length.
    @inlinable
    public mutating func countIn(destinationFirstByte: UInt8, isBroadcast: Bool, length: Int) {
        ifHCInOctets &+= UInt64(length)
        if isBroadcast { ifHCInBroadcastPkts &+= 1 }
        else if destinationFirstByte & 1 != 0 { ifHCInMulticastPkts &+= 1 }
        else { ifHCInUcastPkts &+= 1 }
    }

    /// Counts a sent frame by its destination MAC's first byte and its length.
    @inlinable
    public mutating func countOut(destinationFirstByte: UInt8, isBroadcast: Bool, length: Int) {
        ifHCOutOctets &+= UInt64(length)
        if isBroadcast { ifHCOutBroadcastPkts &+= 1 }
        else if destinationFirstByte & 1 != 0 { ifHCOutMulticastPkts &+= 1 }
        else { ifHCOutUcastPkts &+= 1 }
    }

    /// The counters in the order NDIS_STATISTICS_INFO lays them out.
    public var orderedCounters: [UInt64] {
        [ifInDiscards, ifInErrors, ifHCInOctets, ifHCInUcastPkts, ifHCInMulticastPkts, ifHCInBroadcastPkts,
         ifHCOutOctets, ifHCOutUcastPkts, ifHCOutMulticastPkts, ifHCOutBroadcastPkts, ifOutErrors, ifOutDiscards]
    }

    /// The structure's bytes: header, SupportedStatistics, then the counters in order.
    public var bytes: [UInt8] {
        let counters = orderedCounters
        var b: [UInt8] = [0x80, 1, UInt8(8 + 8 * counters.count), 0]
        b += OidRequest.littleEndianBytes(UInt32((1 << counters.count) - 1))
        for value in counters { b += OidRequest.littleEndianBytes(value) }
        return b
    }

    /// Decodes the structure from its bytes, or nil when too short.
    public init?(bytes: [UInt8]) {
        guard bytes.count >= 8 + 8 * 12 else { return nil }
        func at(_ i: Int) -> UInt64 { OidRequest.readLittleEndian(bytes, at: 8 + 8 * i, as: UInt64.self) }
        ifInDiscards = at(0); ifInErrors = at(1); ifHCInOctets = at(2); ifHCInUcastPkts = at(3)
        ifHCInMulticastPkts = at(4); ifHCInBroadcastPkts = at(5); ifHCOutOctets = at(6); ifHCOutUcastPkts = at(7)
        ifHCOutMulticastPkts = at(8); ifHCOutBroadcastPkts = at(9); ifOutErrors = at(10); ifOutDiscards = at(11)
    }
}
