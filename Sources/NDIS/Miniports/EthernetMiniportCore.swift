import NetCore

/// What every built-in Ethernet miniport keeps alike: its counters, the
/// receive filter NDIS set (packet filter and multicast list), and the
/// answers to the OIDs a miniport must answer itself.
public struct EthernetMiniportCore {
    /// The adapter's current MAC address: the one it answers to and filters on.
    public let macAddress: MACAddress
    /// The burned-in address (OID_802_3_PERMANENT_ADDRESS); the current one
    /// may differ, as when a NIC is configured with a NetworkAddress.
    public let permanentMacAddress: MACAddress
    /// The MTU (payload after the 14-byte Ethernet header).
    public let mtu: Int
    /// The interface counters of OID_GEN_STATISTICS.
    public var statistics = StatisticsInfo()
    /// OID_GEN_CURRENT_PACKET_FILTER as last set.
    public var packetFilter: PacketFilter = []
    /// OID_802_3_MULTICAST_LIST as last set.
    public var multicastList: [MACAddress] = []
    /// Receives dropped because the pool had no free buffer (OID_GEN_RCV_NO_BUFFER).
    public var receiveNoBuffer: UInt64 = 0

    public init(macAddress: MACAddress, mtu: Int, permanentMacAddress: MACAddress? = nil) {
        self.macAddress = macAddress
        self.permanentMacAddress = permanentMacAddress ?? macAddress
        self.mtu = mtu
    }

    /// The general attributes an Ethernet miniport registers.
    public func generalAttributes(linkSpeed: UInt64, connected: Bool = true) -> MiniportAdapterGeneralAttributes {
        var general = MiniportAdapterGeneralAttributes()
        general.mediaType = .ieee8023
        general.mtuSize = UInt32(mtu)
        general.maxXmitLinkSpeed = linkSpeed
        general.xmitLinkSpeed = linkSpeed
        general.maxRcvLinkSpeed = linkSpeed
        general.rcvLinkSpeed = linkSpeed
        general.mediaConnectState = connected ? .connected : .disconnected
        general.lookaheadSize = UInt32(mtu)
        general.permanentMacAddress = permanentMacAddress
        general.currentMacAddress = macAddress
        general.maxMulticastListSize = 32
        general.supportedOidList = [.genStatistics, .genXmitOk, .genRcvOk, .genXmitError, .genRcvError,
                                    .genRcvNoBuffer, .genVendorDescription, .genVendorDriverVersion]
        return general
    }

    /// Whether the receive filter passes a frame sent to `destination`.
    @inlinable
    public func accepts(destination: MACAddress) -> Bool {
        if packetFilter.contains(.promiscuous) { return true }
        if destination == macAddress { return packetFilter.contains(.directed) }
        if destination.isBroadcast { return packetFilter.contains(.broadcast) }
        if destination.isMulticast {
            return packetFilter.contains(.allMulticast)
                || (packetFilter.contains(.multicast) && multicastList.contains(destination))
        }
        return false
    }

    /// Answers the OIDs a miniport owns; NDIS_STATUS_INVALID_OID for any other.
    public mutating func oidRequest(_ request: OidRequest, vendor: String) -> NDISStatus {
        switch (request.requestType, request.oid) {
        case (.setInformation, .genCurrentPacketFilter):
            guard let raw = request.inputUInt32() else { return .invalidLength }
            packetFilter = PacketFilter(rawValue: raw)
            return .success
        case (.setInformation, .ieee8023MulticastList):
            let bytes = request.informationBuffer
            guard bytes.count % 6 == 0 else { return .invalidLength }
            multicastList = stride(from: 0, to: bytes.count, by: 6).map {
                MACAddress(bytes[$0], bytes[$0 + 1], bytes[$0 + 2], bytes[$0 + 3], bytes[$0 + 4], bytes[$0 + 5])
            }
            request.bytesRead = bytes.count
            return .success
        case (.queryInformation, .genStatistics), (.queryStatistics, .genStatistics):
            return request.answer(statistics.bytes)
        case (.queryInformation, .genXmitOk), (.queryStatistics, .genXmitOk):
            return request.answer(statistics.framesOut)
        case (.queryInformation, .genRcvOk), (.queryStatistics, .genRcvOk):
            return request.answer(statistics.framesIn)
        case (.queryInformation, .genXmitError), (.queryStatistics, .genXmitError):
            return request.answer(statistics.ifOutErrors)
        case (.queryInformation, .genRcvError), (.queryStatistics, .genRcvError):
            return request.answer(statistics.ifInErrors)
        case (.queryInformation, .genRcvNoBuffer), (.queryStatistics, .genRcvNoBuffer):
            return request.answer(receiveNoBuffer)
        case (.queryInformation, .genVendorDescription):
            return request.answer(Array(vendor.utf8) + [0])
        case (.queryInformation, .genVendorDriverVersion):
            return request.answer(UInt32(0x0001_0000))
        default:
            return .invalidOID
        }
    }

    /// Counts a frame sent, by its destination.
    @inlinable
    public mutating func countOut(_ frame: UnsafeRawBufferPointer) {
        guard frame.count >= 6 else { return }
        statistics.countOut(destinationFirstByte: frame[0], isBroadcast: EthernetMiniportCore.isBroadcast(frame),
                            length: frame.count)
    }

    /// Counts a frame received, by its destination.
    @inlinable
    public mutating func countIn(_ frame: UnsafeRawBufferPointer) {
        guard frame.count >= 6 else { return }
        statistics.countIn(destinationFirstByte: frame[0], isBroadcast: EthernetMiniportCore.isBroadcast(frame),
                           length: frame.count)
    }

    @inlinable
    static func isBroadcast(_ frame: UnsafeRawBufferPointer) -> Bool {
        frame.loadUnaligned(fromByteOffset: 0, as: UInt32.self) == 0xFFFF_FFFF
            && frame.loadUnaligned(fromByteOffset: 4, as: UInt16.self) == 0xFFFF
    }
}
