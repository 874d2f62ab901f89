import NetCore

/// The AllocatedResources a TapMiniport adapter is started with: which TAP
/// device to create or attach to, and how. A physical NIC's resources are
/// its I/O ports and interrupt; a TAP adapter's hardware is a kernel
/// network device reached through /dev/net/tun.
///
/// A class because NDIS hands AllocatedResources over as an object, and so
/// that a failed MiniportInitializeEx can leave its `TapError` here for the
/// caller to print.
public final class TapConfiguration {
    /// The interface name (IFNAMSIZ - 1 = 15 bytes at most). Created if no
    /// link has it in the calling thread's network namespace, attached if a
    /// TAP device of the same queue mode has it.
    public var name: String
    /// IFF_MULTI_QUEUE: one file descriptor per queue, as a multi-queue NIC
    /// has one receive and send ring per RSS queue.
    public var multiQueue: Bool
    /// How many queues (file descriptors) to open; used only with `multiQueue`.
    public var queues: Int
    /// Receive pool size (the receive descriptors of a NIC).
    public var receiveBuffers: Int
    /// The current MAC address the adapter uses and filters on (the
    /// NetworkAddress registry keyword of a Windows NIC). Nil: the TAP
    /// device's own address. The kernel's side of the TAP keeps its own
    /// address either way — it is the other station on this "wire".
    public var mac: MACAddress?
    /// Sends that may wait for the device to become writable again (after
    /// EAGAIN); more are dropped and counted.
    public var sendQueueLimit: Int
    /// SIOCSIFMTU before the adapter reads the device's MTU: the link MTU
    /// the kernel's side and the adapter use (nil: leave the device's own).
    public var mtu: Int?
    /// Set IFF_UP on the device once it is open (`ip link set NAME up`), so
    /// that the adapter starts with its link connected and the stack's DAD
    /// and gratuitous ARP reach the kernel rather than failing as media
    /// disconnected. The kernel's addresses stay the caller's to configure.
    public var bringUp: Bool = false
    /// A device already opened (`TapDevice.open`, perhaps on a thread in
    /// another network namespace) for the adapter to take over instead of
    /// opening `name` itself; the adapter closes it when it halts.
    public var device: TapDevice?
    /// Why the last MiniportInitializeEx with this configuration failed, if it did.
    public internal(set) var error: TapError?

    public init(name: String, multiQueue: Bool = false, queues: Int = 1, receiveBuffers: Int = 1024,
                mac: MACAddress? = nil, sendQueueLimit: Int = 256) {
        self.name = name
        self.multiQueue = multiQueue
        self.queues = queues
        self.receiveBuffers = receiveBuffers
        self.mac = mac
        self.sendQueueLimit = sendQueueLimit
    }

    /// How many file descriptors the adapter opens.
    public var queueCount: Int { multiQueue ? queues : 1 }
}
