import CNetKernelSystem
import NetCore

#if canImport(Glibc)
import Glibc
#endif

/// The miniport for an adapter on a Linux TAP device: the NIC is the
/// kernel's TAP interface, its wire the kernel's network stack on the other
/// side. Frames the kernel sends out of the TAP are read straight into
/// buffers of the adapter's receive pool and indicated up in one chain per
/// poll (NdisMIndicateReceiveNetBufferLists); frames the stack sends are
/// written from their own NetBuffers and completed
/// (NdisMSendNetBufferListsComplete) once the kernel has taken them.
///
/// Nothing here blocks or owns a thread: all descriptors are non-blocking,
/// and an engine waits on `fileDescriptors` (epoll) and calls `poll(budget:)`
/// when one is readable, and `flushSends()` when one is writable while
/// `wantsWritable` — the interrupt and DPC of a NIC driver, turned inside out.
public final class TapMiniport: MiniportAdapterContext {
    /// The NDIS adapter this context serves.
    public unowned let adapter: MiniportAdapter
    /// The TAP device's queues and control socket.
    public let device: TapDevice
    /// Counters, receive filter and OID answers.
    public private(set) var core: EthernetMiniportCore
    /// TAP-specific counters.
    public private(set) var counters = TapCounters()
    /// The pool received frames are read into (the receive descriptors).
    public let receivePool: NetBufferPool
    /// Whether the link was up (IFF_UP and IFF_RUNNING) when last looked at.
    public private(set) var connected: Bool
    var sendQueue: TapSendQueue
    var running = false
    var pausePending = false
    var nextQueue = 0
    /// Where a frame goes that arrives while the pool is empty: read and
    /// dropped, as a NIC out of descriptors drops, so the queue drains.
    let scratch: UnsafeMutableRawBufferPointer
    /// Link speed reported: a TAP has none, so the virtual NIC's usual 10 Gb/s.
    static let linkSpeed: UInt64 = 10_000_000_000

    init(adapter: MiniportAdapter, device: TapDevice, configuration: TapConfiguration) {
        self.adapter = adapter
        self.device = device
        core = EthernetMiniportCore(macAddress: configuration.mac ?? device.hardwareAddress, mtu: device.mtu,
                                    permanentMacAddress: device.hardwareAddress)
        // Headroom for the stack's own headers, room for the MTU, a VLAN tag,
        // and one spare byte: a read that fills the buffer was cut short.
        let headroom = 128
        receivePool = NetBufferPool(name: "\(adapter.name)-rx", capacity: configuration.receiveBuffers,
                                    slotSize: headroom + device.mtu + 14 + 4 + 1, headroom: headroom)
        scratch = .allocate(byteCount: receivePool.slotSize, alignment: 64)
        sendQueue = TapSendQueue(capacity: configuration.sendQueueLimit)
        connected = device.isConnected
    }

    deinit { scratch.deallocate() }

    /// DriverEntry for the TAP miniport driver. Adapters are started with a
    /// `TapConfiguration` as their AllocatedResources; MiniportInitializeEx
    /// opens (creates or attaches) the device on the calling thread, in its
    /// network namespace, and fails with the `TapError`'s NDIS_STATUS —
    /// leaving the error in the configuration — when it cannot.
    public static func driverEntry(_ driverObject: DriverObject, _ registryPath: String) -> NTStatus {
        let chars = MiniportDriverCharacteristics.current { adapter, _, parameters in
            guard let configuration = parameters.allocatedResources as? TapConfiguration else { return .resources }
            configuration.error = nil
            let device: TapDevice
            if let given = configuration.device {
                device = given
            } else {
                do throws(TapError) {
                    device = try TapDevice.open(configuration)
                } catch {
                    configuration.error = error
                    return error.ndisStatus
                }
            }
            let context = TapMiniport(adapter: adapter, device: device, configuration: configuration)
            var status = adapter.setAttributes(.registration(.init(miniportAdapterContext: context)))
            if status == .success {
                var general = context.core.generalAttributes(linkSpeed: linkSpeed, connected: context.connected)
                general.supportedOidList.append(.genLinkState)
                status = adapter.setAttributes(.general(general))
            }
            if status != .success { device.close() }
            return status
        }
        var handle: MiniportDriver?
        return Ndis.registerMiniportDriver(driverObject, registryPath, nil, chars, &handle).ntStatus
    }

    // MARK: - For the engine

    /// The descriptors to wait on (one per queue): readable means frames to
    /// `poll`; writable, while `wantsWritable`, means `flushSends`.
    public var fileDescriptors: [Int32] { device.queueDescriptors }

    /// Whether sends are waiting for a queue to become writable.
    public var wantsWritable: Bool { !sendQueue.isEmpty }

    /// Sends waiting in the queue.
    public var queuedSends: Int { sendQueue.count }

    /// The receive DPC: first retries waiting sends, then reads up to
    /// `budget` frames from every queue (each until EAGAIN), round robin,
    /// into the receive pool, and indicates those the receive filter keeps
    /// up the stack as one chain. Returns the frames read, kept or not: less
    /// than `budget` means the queues are empty.
    @discardableResult
    public func poll(budget: Int) -> Int {
        flushSends()
        guard running, budget > 0 else { return 0 }
        var chain = NetBufferListChain()
        var read = 0
        let queues = device.queueDescriptors
        for i in 0..<queues.count where read < budget {
            read += readFrames(from: queues[(nextQueue + i) % queues.count], budget: budget - read, into: &chain)
        }
        if !queues.isEmpty { nextQueue = (nextQueue + 1) % queues.count }
        let count = chain.count
        if let head = chain.take() { adapter.indicateReceiveNetBufferLists(head, count: count) }
        return read
    }

    /// Reads frames from one queue until EAGAIN or `budget`.
    func readFrames(from fd: Int32, budget: Int, into chain: inout NetBufferListChain) -> Int {
        var read = 0
        let capacity = receivePool.slotSize - receivePool.defaultHeadroom
        while read < budget {
            guard let list = receivePool.allocate(length: capacity) else {
                // Pool empty: drop the frame, as a NIC without descriptors does.
                let got = Glibc.read(fd, scratch.baseAddress, scratch.count)
                if got < 0 { if noteReadError(errno) { continue } else { break } }
                if got == 0 { break }
                read += 1
                core.receiveNoBuffer &+= 1
                core.statistics.ifInDiscards &+= 1
                continue
            }
            let buffer = list.firstNetBuffer
            let got = Glibc.read(fd, buffer.data.baseAddress, capacity)
            guard got > 0 else {
                let code = errno
                receivePool.free(list)
                if got < 0 && noteReadError(code) { continue }
                break
            }
            read += 1
            if got >= capacity {
                counters.receiveTruncated &+= 1
                core.statistics.ifInErrors &+= 1
                receivePool.free(list)
                continue
            }
            guard got >= 14 else {
                counters.receiveRunts &+= 1
                core.statistics.ifInErrors &+= 1
                receivePool.free(list)
                continue
            }
            buffer.truncate(to: got)
            let frame = UnsafeRawBufferPointer(buffer.data)
            guard core.accepts(destination: MACAddress(bytes: frame)) else {
                counters.receiveFiltered &+= 1
                receivePool.free(list)
                continue
            }
            core.countIn(frame)
            chain.append(list)
        }
        return read
    }

    /// Counts a failed read; true when the read should simply be retried (EINTR).
    func noteReadError(_ code: Int32) -> Bool {
        if code == EINTR { return true }
        if code != EAGAIN && code != EWOULDBLOCK {
            counters.readErrors &+= 1
            core.statistics.ifInErrors &+= 1
        }
        return false
    }

    /// The transmit-complete path: writes the sends that waited for
    /// EAGAIN to clear, in order, and completes those that went out.
    /// Returns how many lists completed.
    @discardableResult
    public func flushSends() -> Int {
        guard !sendQueue.isEmpty else { return 0 }
        var completed = NetBufferListChain()
        while let entry = sendQueue.first {
            switch transmit(entry.list, from: entry.next) {
            case .done(let status):
                _ = sendQueue.popFirst()
                entry.list.status = status
                completed.append(entry.list)
            case .wouldBlock(let next):
                sendQueue.updateFirst(next: next)
                return complete(&completed)
            }
        }
        return complete(&completed)
    }

    func complete(_ chain: inout NetBufferListChain) -> Int {
        let count = chain.count
        if let head = chain.take() { adapter.sendNetBufferListsComplete(head) }
        return count
    }

    /// NDIS_STATUS_LINK_STATE from the device's flags: asks the kernel for
    /// IFF_UP and IFF_RUNNING and, when they changed, reports the new state
    /// up the stack, as a NIC's link interrupt does. Returns the state.
    @discardableResult
    public func refreshLinkState() -> Bool {
        let now = device.isConnected
        if now != connected {
            connected = now
            let speed = now ? TapMiniport.linkSpeed : 0
            adapter.indicateStatus(.linkState(LinkState(mediaConnectState: now ? .connected : .disconnected,
                                                        xmitLinkSpeed: speed, rcvLinkSpeed: speed)))
        }
        return now
    }

    // MARK: - Send

    enum TransmitResult {
        /// Every buffer was handled; the list completes with this status.
        case done(NDISStatus)
        /// A write met EAGAIN at this buffer.
        case wouldBlock(NetBuffer)
    }

    /// The queue a list goes out on: by its RSS hash, so a flow keeps to one queue.
    @inline(__always)
    func queue(for list: NetBufferList) -> Int32 {
        let queues = device.queueDescriptors
        return queues.count == 1 ? queues[0] : queues[Int(list.hashValue % UInt32(queues.count))]
    }

    /// Writes each NetBuffer of `list` from `first` on: one write() per
    /// frame, since a NetBuffer is one frame in one contiguous slot (a TAP
    /// write is exactly one frame, so several NetBuffers cannot share one
    /// writev).
    func transmit(_ list: NetBufferList, from first: NetBuffer) -> TransmitResult {
        guard !device.queueDescriptors.isEmpty else { return .done(.adapterRemoved) }
        let fd = queue(for: list)
        var status = NDISStatus.success
        var buffer: NetBuffer? = first
        while let nb = buffer {
            let frame = UnsafeRawBufferPointer(nb.data)
            let written = Glibc.write(fd, frame.baseAddress, frame.count)
            if written == frame.count {
                core.countOut(frame)
                buffer = nb.next
                continue
            }
            let code = written < 0 ? errno : EIO
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { return .wouldBlock(nb) }
            counters.writeErrors &+= 1
            core.statistics.ifOutErrors &+= 1
            // EIO: the interface is down; tell the stack the link is gone.
            if code == EIO && !refreshLinkState() { status = .mediaDisconnected } else if status == .success {
                status = .failure
            }
            buffer = nb.next
        }
        return .done(status)
    }

    public func sendNetBufferLists(_ lists: NetBufferList, portNumber: NdisPortNumber, flags: SendFlags) {
        var completed = NetBufferListChain()
        var current: NetBufferList? = lists
        while let list = current {
            current = list.next
            guard running else {
                list.status = .paused
                completed.append(list)
                continue
            }
            // Behind a waiting send, a list waits too: frames leave in order.
            let result: TransmitResult = sendQueue.isEmpty ? transmit(list, from: list.firstNetBuffer)
                                                           : .wouldBlock(list.firstNetBuffer)
            switch result {
            case .done(let status):
                list.status = status
                completed.append(list)
            case .wouldBlock(let next):
                list.next = nil
                if sendQueue.push(.init(list: list, next: next)) {
                    counters.sendsQueued &+= 1
                } else {
                    counters.sendQueueDrops &+= 1
                    core.statistics.ifOutDiscards &+= 1
                    list.status = .resources
                    completed.append(list)
                }
            }
        }
        _ = complete(&completed)
    }

    /// Completes every waiting send with `status` (pause, halt).
    func failQueuedSends(_ status: NDISStatus) {
        var failed = NetBufferListChain()
        while let entry = sendQueue.popFirst() {
            entry.list.status = status
            failed.append(entry.list)
        }
        _ = complete(&failed)
    }

    // MARK: - MiniportAdapterContext

    /// MiniportCancelSend: waiting sends with this cancel id complete as
    /// NDIS_STATUS_SEND_ABORTED.
    public func cancelSend(_ cancelId: UInt64) {
        var aborted = NetBufferListChain()
        for entry in sendQueue.remove(where: { $0.list.cancelId == cancelId }) {
            entry.list.status = .sendAborted
            aborted.append(entry.list)
        }
        _ = complete(&aborted)
    }

    /// MiniportCheckForHangEx, which NDIS calls every couple of seconds: a
    /// TAP never hangs, but it is the place to notice the link changing.
    public func checkForHang() -> Bool {
        refreshLinkState()
        return false
    }

    /// MiniportHaltEx: closes the queues and the control socket. Every
    /// receive buffer is home already (halt follows a completed pause).
    public func halt(_ action: HaltAction) {
        running = false
        failQueuedSends(.adapterRemoved)
        device.close()
    }

    /// MiniportPause: stop reading, complete waiting sends as paused, and
    /// pend until the stack has returned every indicated list.
    public func pause() -> NDISStatus {
        running = false
        failQueuedSends(.paused)
        if adapter.outstandingReceiveIndications > 0 {
            pausePending = true
            return .pending
        }
        return .success
    }

    public func restart() -> NDISStatus {
        running = true
        refreshLinkState()
        return .success
    }

    public func shutdown(_ action: ShutdownAction) {
        running = false
        device.close()
    }

    public func oidRequest(_ request: OidRequest) -> NDISStatus {
        core.oidRequest(request, vendor: "NetKernel TAP")
    }

    public func returnNetBufferLists(_ lists: NetBufferList, flags: ReturnFlags) {
        receivePool.freeChain(lists)
        if pausePending && adapter.outstandingReceiveIndications == 0 {
            pausePending = false
            adapter.pauseComplete()
        }
    }
}
