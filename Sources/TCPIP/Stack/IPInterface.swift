import NDIS
import NetCore

/// An IP interface (Windows' IP_INTERFACE / MIB_IPINTERFACE_ROW): the stack's
/// view of one adapter it is bound to, with its addresses and counters.
public final class IPInterface {
    /// InterfaceIndex: the adapter's IfIndex.
    public let index: UInt32
    /// The adapter's name.
    public let name: String
    /// The adapter's MAC address.
    public let macAddress: MACAddress
    /// NlMtu: the largest IP datagram the interface sends.
    public let mtu: Int
    /// The IPv4 addresses assigned, each with its on-link prefix.
    public internal(set) var addresses: [UnicastAddress] = []
    /// Whether the adapter's link is up (from NDIS_STATUS_LINK_STATE).
    public internal(set) var linkUp: Bool
    /// Whether the binding is running (between NetEventRestart and NetEventPause).
    public internal(set) var running = false
    /// The NDIS binding the interface sends through.
    public let binding: ProtocolBinding

    /// The IPv6 addresses assigned, in assignment order, with their DAD
    /// states and lifetimes.
    public internal(set) var ipv6Addresses: [IPv6UnicastAddress] = []
    /// NlMtu for IPv6: the link MTU, lowered by a Router Advertisement's MTU
    /// option (RFC 4861 §6.3.4), never below 1,280.
    public internal(set) var ipv6MTU: Int
    /// CurHopLimit (RFC 4861 §6.3.2): the hop limit for packets this host
    /// originates, as the last Router Advertisement set it.
    public internal(set) var currentHopLimit: UInt8
    /// Whether the interface forwards and advertises as an IPv6 router.
    public internal(set) var advertiser: RouterAdvertiserConfiguration?
    /// The Neighbor Cache (RFC 4861 §5.1).
    var neighbors: NeighborCache
    /// IPv6 multicast groups joined, with how many addresses need each
    /// (solicited-node groups are shared by addresses with the same low 24 bits).
    var ipv6Groups: [IPv6Address: Int] = [:]
    /// Duplicate Address Detection runs in progress, by tentative address.
    var duplicateAddressProbes: [IPv6Address: DuplicateAddressProbe] = [:]
    /// Router Solicitations sent since the interface started (RFC 4861 §6.3.7).
    var routerSolicitationsSent = 0
    var routerSolicitationTimer: TimerID?
    var routerAdvertisementTimer: TimerID?
    /// RFC 7217 Net_Iface: a stable name for the interface, from its MAC.
    var stableInterfaceName: UInt64 { macAddress.rawValue }

    init(binding: ProtocolBinding, parameters: BindParameters, mtuCap: Int, ipv6: IPv6Configuration,
         random: SeededRandom) {
        index = parameters.boundIfIndex
        name = parameters.adapterName
        macAddress = parameters.currentMacAddress
        mtu = min(Int(parameters.mtuSize), mtuCap)
        ipv6MTU = mtu
        currentHopLimit = ipv6.defaultHopLimit
        neighbors = NeighborCache(configuration: ipv6.neighborDiscovery, random: random)
        linkUp = parameters.mediaConnectState != .disconnected
        self.binding = binding
    }

    /// Whether `address` is one of this interface's IPv6 addresses in a
    /// state that receives traffic (not tentative, duplicate or invalid).
    @inlinable
    public func owns(_ address: IPv6Address) -> Bool {
        ipv6Addresses.contains { $0.address == address && $0.dadState.isUsable }
    }

    /// Whether `address` is assigned here, whatever its DAD state.
    func holds(_ address: IPv6Address) -> IPv6UnicastAddress? {
        ipv6Addresses.first { $0.address == address }
    }

    /// Whether the interface listens to the IPv6 multicast group `group`.
    public func hasJoined(_ group: IPv6Address) -> Bool {
        ipv6Groups[group] != nil
    }

    /// The link-local address, once DAD has passed.
    public var linkLocalAddress: IPv6Address? {
        ipv6Addresses.first { $0.address.isLinkLocal && $0.dadState.isUsable }?.address
    }

    /// The Neighbor Cache entry for `address`: NUD state, link-layer
    /// address, packets waiting and IsRouter (GetIpNetEntry2 for AF_INET6).
    public func neighbor(_ address: IPv6Address) -> (state: NeighborState, mac: MACAddress, queued: Int, isRouter: Bool)? {
        neighbors.state(of: address)
    }

    /// Every Neighbor Cache entry (GetIpNetTable2 for AF_INET6).
    public var neighborEntries: [(address: IPv6Address, state: NeighborState, mac: MACAddress, isRouter: Bool)] {
        neighbors.allEntries
    }

    /// The Neighbor Cache's counters.
    public var neighborCacheStatistics: NeighborCacheStatistics { neighbors.statistics }

    /// Whether `address` is one of this interface's own.
    @inlinable
    public func owns(_ address: IPv4Address) -> Bool {
        addresses.contains { $0.address == address }
    }

    /// Whether `address` is the broadcast address of one of this interface's subnets.
    public func isSubnetBroadcast(_ address: IPv4Address) -> Bool {
        addresses.contains { $0.broadcast == address }
    }

    /// The address to send from towards `destination`: one on the same
    /// subnet if there is one, else the first.
    public func sourceAddress(toward destination: IPv4Address) -> IPv4Address? {
        addresses.first { $0.prefix.contains(destination) }?.address ?? addresses.first?.address
    }
}
