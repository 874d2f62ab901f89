import CNetKernelSystem
import NetCore

#if canImport(Glibc)
import Glibc
#endif

/// The "hardware" under a TapMiniport: the open /dev/net/tun queues of one
/// TAP device, and a control socket of the device's network namespace for
/// the SIOCGIF* queries (MTU, hardware address, flags) — the registers a
/// NIC driver would read.
///
/// The namespace is the calling thread's at `open`: a network namespace is
/// a per-thread attribute on Linux, so a caller that wants the device in
/// another namespace opens it from a thread that entered it
/// (`NetworkNamespace.enter`). The descriptors then work from any thread.
public final class TapDevice {
    /// The device's name as the kernel reports it.
    public let name: String
    /// One non-blocking descriptor per queue.
    public private(set) var queueDescriptors: [Int32]
    /// The datagram socket the SIOCGIF* queries go through.
    public private(set) var controlSocket: Int32
    /// The MTU the device had when opened.
    public let mtu: Int
    /// The device's own hardware address (the kernel side's MAC).
    public let hardwareAddress: MACAddress

    /// Flags to report instead of asking the kernel (a device made of other descriptors, for tests).
    let fixedFlags: Int32?

    init(name: String, queueDescriptors: [Int32], controlSocket: Int32, mtu: Int, hardwareAddress: MACAddress,
         fixedFlags: Int32? = nil) {
        self.fixedFlags = fixedFlags
        self.name = name
        self.queueDescriptors = queueDescriptors
        self.controlSocket = controlSocket
        self.mtu = mtu
        self.hardwareAddress = hardwareAddress
    }

    deinit { close() }

    /// Creates or attaches the device of `configuration` in the calling
    /// thread's network namespace: one TUNSETIFF per queue.
    public static func open(_ configuration: TapConfiguration) throws(TapError) -> TapDevice {
        let requested = configuration.name
        let length = requested.utf8.count
        guard length >= 1 && length <= Int(NK_IFNAME_MAX), !requested.utf8.contains(0), !requested.contains("/")
        else { throw .invalidName(device: requested) }
        guard configuration.queueCount >= 1 && configuration.queueCount <= 256 else {
            throw .invalidConfiguration(device: requested, reason: "queues must be 1 to 256")
        }
        guard configuration.receiveBuffers >= 1 else {
            throw .invalidConfiguration(device: requested, reason: "receiveBuffers must be at least 1")
        }
        var descriptors: [Int32] = []
        var actual = requested
        func fail(_ error: TapError) -> TapError {
            for fd in descriptors { _ = Glibc.close(fd) }
            return error
        }
        for _ in 0..<configuration.queueCount {
            var nameBuffer = [CChar](repeating: 0, count: Int(NK_IFNAME_MAX) + 1)
            let fd = nk_tun_attach(requested, configuration.multiQueue ? 1 : 0, &nameBuffer)
            guard fd >= 0 else { throw fail(.attaching(requested, errno: -fd)) }
            descriptors.append(fd)
            actual = String(decoding: nameBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        let socket = nk_control_socket()
        guard socket >= 0 else { throw fail(.system(device: actual, call: "socket", errno: -socket)) }
        descriptors.append(socket)  // closed with the others should a query fail
        if let wanted = configuration.mtu {
            let set = nk_if_set_mtu_on(socket, actual, Int32(clamping: wanted))
            guard set == 0 else { throw fail(.system(device: actual, call: "SIOCSIFMTU", errno: -set)) }
        }
        if configuration.bringUp {
            let set = nk_if_set_up_on(socket, actual)
            guard set == 0 else { throw fail(.system(device: actual, call: "SIOCSIFFLAGS", errno: -set)) }
        }
        let mtu = nk_if_mtu_on(socket, actual)
        guard mtu > 0 else { throw fail(.system(device: actual, call: "SIOCGIFMTU", errno: -mtu)) }
        var mac = [UInt8](repeating: 0, count: 6)
        let got = nk_if_hwaddr_on(socket, actual, &mac)
        guard got == 0 else { throw fail(.system(device: actual, call: "SIOCGIFHWADDR", errno: -got)) }
        descriptors.removeLast()
        return TapDevice(name: actual, queueDescriptors: descriptors, controlSocket: socket, mtu: Int(mtu),
                         hardwareAddress: MACAddress(mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]))
    }

    /// SIOCGIFFLAGS: the interface flags, or nil once closed or on error.
    public var flags: Int32? {
        if let fixedFlags { return queueDescriptors.isEmpty ? nil : fixedFlags }
        guard controlSocket >= 0 else { return nil }
        let flags = nk_if_flags_on(controlSocket, name)
        return flags < 0 ? nil : flags
    }

    /// Whether the link is up for traffic: IFF_UP and IFF_RUNNING (the
    /// kernel sets RUNNING — carrier — while a queue is attached).
    public var isConnected: Bool {
        guard let flags else { return false }
        let wanted = nk_iff_up() | nk_iff_running()
        return flags & wanted == wanted
    }

    /// Closes every descriptor; the device itself stays unless nothing else
    /// holds it (a non-persistent TAP disappears with its last descriptor).
    public func close() {
        for fd in queueDescriptors { _ = Glibc.close(fd) }
        queueDescriptors = []
        if controlSocket >= 0 { _ = Glibc.close(controlSocket) }
        controlSocket = -1
    }
}
