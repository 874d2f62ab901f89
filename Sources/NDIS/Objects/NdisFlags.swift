/// NDIS_SEND_FLAGS_*: flags of NdisSendNetBufferLists.
public struct SendFlags: OptionSet, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// NDIS_SEND_FLAGS_DISPATCH_LEVEL
    public static let dispatchLevel = SendFlags(rawValue: 0x1)
    /// NDIS_SEND_FLAGS_CHECK_FOR_LOOPBACK
    public static let checkForLoopback = SendFlags(rawValue: 0x2)
}

/// NDIS_SEND_COMPLETE_FLAGS_*: flags of NdisMSendNetBufferListsComplete.
public struct SendCompleteFlags: OptionSet, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL
    public static let dispatchLevel = SendCompleteFlags(rawValue: 0x1)
}

/// NDIS_RECEIVE_FLAGS_*: flags of NdisMIndicateReceiveNetBufferLists.
public struct ReceiveFlags: OptionSet, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL
    public static let dispatchLevel = ReceiveFlags(rawValue: 0x1)
    /// NDIS_RECEIVE_FLAGS_RESOURCES: the indicator keeps ownership; consumers
    /// copy what they need before returning from the call, and no return follows.
    public static let resources = ReceiveFlags(rawValue: 0x2)
    /// NDIS_RECEIVE_FLAGS_SINGLE_ETHER_TYPE
    public static let singleEtherType = ReceiveFlags(rawValue: 0x100)
}

/// NDIS_RETURN_FLAGS_*: flags of NdisReturnNetBufferLists.
public struct ReturnFlags: OptionSet, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// NDIS_RETURN_FLAGS_DISPATCH_LEVEL
    public static let dispatchLevel = ReturnFlags(rawValue: 0x1)
}
