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

    init(binding: ProtocolBinding, parameters: BindParameters, mtuCap: Int) {
        index = parameters.boundIfIndex
        name = parameters.adapterName
        macAddress = parameters.currentMacAddress
        mtu = min(Int(parameters.mtuSize), mtuCap)
        linkUp = parameters.mediaConnectState != .disconnected
        self.binding = binding
    }

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
