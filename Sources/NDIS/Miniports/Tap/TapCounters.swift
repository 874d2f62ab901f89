/// What a TAP adapter counts beyond NDIS_STATISTICS_INFO (which its
/// `EthernetMiniportCore` keeps): the reasons frames were not carried.
public struct TapCounters: Hashable, Sendable {
    /// Frames read that the receive filter (packet filter, multicast list,
    /// current address) dropped, as NIC hardware filtering does silently.
    public var receiveFiltered: UInt64 = 0
    /// Frames read that were shorter than an Ethernet header.
    public var receiveRunts: UInt64 = 0
    /// Frames that filled the whole receive buffer and so may have been cut.
    public var receiveTruncated: UInt64 = 0
    /// read() calls that failed with something other than EAGAIN.
    public var readErrors: UInt64 = 0
    /// write() calls that failed with something other than EAGAIN.
    public var writeErrors: UInt64 = 0
    /// Times a write met EAGAIN and the list waited in the send queue.
    public var sendsQueued: UInt64 = 0
    /// Sends dropped because the send queue was full.
    public var sendQueueDrops: UInt64 = 0

    public init() {}
}
