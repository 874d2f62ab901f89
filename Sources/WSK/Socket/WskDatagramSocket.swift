import NetCore
import TCPIP

/// A datagram socket over UDP (WSK_FLAG_DATAGRAM_SOCKET with SOCK_DGRAM and
/// IPPROTO_UDP); its methods are WSK_PROVIDER_DATAGRAM_DISPATCH.
///
/// A datagram that arrives goes, in this order of precedence, to the oldest
/// queued WskReceiveFrom IRP (copied once into the client's buffer), to
/// WskReceiveFromEvent when enabled (lent in place, no copy), or to the
/// socket's receive queue, bounded by SO_RCVBUF (held as the frame itself,
/// or one copy when the frame cannot be held); beyond the bound it is
/// dropped and counted.
public final class WskDatagramSocket: WskSocket, UDPReceiver, @unchecked Sendable {
    // @unchecked: as for WskSocket, engine-thread only.
    /// A WskReceiveFrom waiting for a datagram.
    struct PendingReceive {
        let irp: IRP
        let buffer: WSKBuf
        let remoteAddress: UnsafeMutablePointer<SocketAddress>?
        let controlFlags: UnsafeMutablePointer<WskReceiveFlags>?
    }

    let dispatch: WskClientDatagramDispatch?
    var sharing: AddressSharing = .none
    var v6Only = true
    var broadcastAllowed = false
    /// SO_RCVBUF: bytes of datagrams the socket queues at most.
    public private(set) var receiveBufferSize = 65_536
    var endpoint: UDPEndpointHandle?
    var remoteAddress: TransportAddress?
    var sendToAddress: TransportAddress?
    var queue: [UDPDatagram] = []
    var queueHead = 0
    /// Bytes queued for WskReceiveFrom (SIO_WSK_QUERY_RECEIVE_BACKLOG).
    public private(set) var queuedBytes = 0
    var receives: [PendingReceive] = []
    var receivesHead = 0
    /// The cancel routine of every queued WskReceiveFrom, made once: a
    /// closure made per call would allocate its context per datagram.
    lazy var receiveCancelRoutine: IRP.CancelRoutine = { [unowned(unsafe) self] cancelled in
        self.subsystem.runOnEngine { self.cancelReceive(cancelled) }
    }
    var eventEnabled = false
    var pendingError: NTStatus?
    var freeIndications: [WskDatagramIndication] = []
    /// Indications the client holds (returned STATUS_PENDING, not yet released).
    public private(set) var retainedIndications = 0
    /// Datagrams dropped because SO_RCVBUF was full.
    public private(set) var receiveBufferOverflows: UInt64 = 0

    init(client: WskClient, registration: WskRegistration, addressFamily: AddressFamily, socketContext: AnyObject?,
         dispatch: WskClientDatagramDispatch?) {
        self.dispatch = dispatch
        super.init(client: client, registration: registration, addressFamily: addressFamily, socketType: .datagram,
                   protocolNumber: UInt32(IPProtocol.udp.rawValue), category: .datagramSocket,
                   socketContext: socketContext)
    }

    var stack: TCPIPStack { subsystem.stack }

    // MARK: - WSK_PROVIDER_DATAGRAM_DISPATCH

    /// WskBind: claims `localAddress` (a wildcard address for every local
    /// address; port 0 for a random ephemeral port). STATUS_INVALID_PARAMETER
    /// when already bound or `flags` is not 0; STATUS_INVALID_ADDRESS for an
    /// address of the other family; STATUS_INVALID_ADDRESS_COMPONENT for an
    /// address not assigned here; STATUS_ADDRESS_ALREADY_EXISTS or
    /// STATUS_ACCESS_DENIED when another socket holds it (WSK §6.2).
    public func bind(_ localAddress: SocketAddress, flags: UInt32 = 0, irp: IRP) -> NTStatus {
        guard !isClosed else { return finish(irp, .invalidDeviceState) }
        guard endpoint == nil, flags == 0 else { return finish(irp, .invalidParameter) }
        guard localAddress.family == addressFamily else { return finish(irp, .invalidAddress) }
        let binding = TransportBinding(family: addressFamily, local: TransportAddress(localAddress),
                                       v6Only: addressFamily == .inet6 ? v6Only : true, sharing: sharing)
        switch stack.udpBind(binding, receiver: self) {
        case .success(let handle):
            endpoint = handle
            return finish(irp, .success)
        case .failure(let status):
            return finish(irp, status)
        }
    }

    /// WskGetLocalAddress: the bound address, with the port the stack
    /// picked for port 0. STATUS_INVALID_DEVICE_STATE when not bound.
    public func getLocalAddress(_ localAddress: UnsafeMutablePointer<SocketAddress>, irp: IRP) -> NTStatus {
        guard !isClosed, let endpoint, let binding = stack.udpBinding(endpoint) else {
            return finish(irp, .invalidDeviceState)
        }
        localAddress.pointee = binding.local.socketAddress(for: addressFamily)
        return finish(irp, .success)
    }

    /// WskSendTo: sends `buffer` as one datagram to `remoteAddress`, or to
    /// the fixed remote or send-to address when it is nil. No buffering: the
    /// bytes are copied once into a frame and the IRP completes as it goes
    /// out, with the byte count. STATUS_INVALID_DEVICE_STATE when not bound;
    /// STATUS_INVALID_PARAMETER for a bad buffer, flags, or no destination;
    /// STATUS_INVALID_ADDRESS for a destination of the wrong family;
    /// STATUS_ACCESS_DENIED for a broadcast without SO_BROADCAST;
    /// STATUS_INVALID_BUFFER_SIZE for more than a datagram holds.
    public func sendTo(_ buffer: WSKBuf, flags: UInt32 = 0, remoteAddress: SocketAddress?,
                       controlInfo: UnsafeRawBufferPointer? = nil, irp: IRP) -> NTStatus {
        let status = send(buffer, flags: flags, to: remoteAddress)
        return finish(irp, status, information: status.isSuccess ? buffer.length : 0)
    }

    /// WskSendMessages: one datagram per element of `bufferList`, all to the
    /// same destination, in one call. Completes with the total bytes sent,
    /// or the first failure (datagrams before it have gone).
    public func sendMessages(_ bufferList: WskBufList, flags: UInt32 = 0, remoteAddress: SocketAddress?,
                             controlInfo: UnsafeRawBufferPointer? = nil, irp: IRP) -> NTStatus {
        var total = 0
        var element: WskBufList? = bufferList
        while let current = element {
            let status = send(current.buffer, flags: flags, to: remoteAddress)
            guard status.isSuccess else { return finish(irp, status, information: total) }
            total += current.buffer.length
            element = current.next
        }
        return finish(irp, .success, information: total)
    }

    /// One datagram out; the common part of WskSendTo and WskSendMessages.
    func send(_ buffer: WSKBuf, flags: UInt32, to remoteAddress: SocketAddress?) -> NTStatus {
        guard !isClosed, let endpoint else { return .invalidDeviceState }
        guard flags == 0, buffer.validate().isSuccess else { return .invalidParameter }
        let destination: TransportAddress
        if let remoteAddress {
            guard remoteAddress.family == addressFamily else { return .invalidAddress }
            destination = TransportAddress(remoteAddress)
        } else if let fixed = sendToAddress ?? self.remoteAddress {
            destination = fixed
        } else {
            return .invalidParameter
        }
        if let v4 = destination.address.ipv4Mapped, v4.isLimitedBroadcast || isSubnetBroadcast(v4) {
            guard broadcastAllowed else { return .accessDenied }
        }
        return stack.udpSend(from: endpoint, to: destination, length: buffer.length) { payload in
            _ = buffer.copyOut(into: payload)
        }
    }

    func isSubnetBroadcast(_ address: IPv4Address) -> Bool {
        stack.interfaces.contains { $0.isSubnetBroadcast(address) }
    }

    /// WskReceiveFrom: the oldest queued datagram, copied into `buffer`
    /// (inline, STATUS_SUCCESS), or — with none queued — the IRP waits,
    /// after any earlier ones, for the next (STATUS_PENDING). A datagram
    /// larger than the buffer is cut, reported with MSG_TRUNC. An ICMP error
    /// for a socket with a fixed peer fails the next receive with its status.
    public func receiveFrom(_ buffer: WSKBuf, flags: UInt32 = 0,
                            remoteAddress: UnsafeMutablePointer<SocketAddress>? = nil,
                            controlLength: UnsafeMutablePointer<UInt32>? = nil,
                            controlFlags: UnsafeMutablePointer<WskReceiveFlags>? = nil, irp: IRP) -> NTStatus {
        guard !isClosed, endpoint != nil else { return finish(irp, .invalidDeviceState) }
        guard flags == 0, buffer.validate().isSuccess else { return finish(irp, .invalidParameter) }
        controlLength?.pointee = 0
        let receive = PendingReceive(irp: irp, buffer: buffer, remoteAddress: remoteAddress, controlFlags: controlFlags)
        if let datagram = dequeue() {
            let copied = fill(receive, payload: datagram.payload, remote: datagram.remote,
                              broadcast: datagram.isBroadcast, multicast: datagram.isMulticast)
            stack.release(datagram)
            return finish(irp, .success, information: copied)
        }
        if let error = pendingError {
            pendingError = nil
            return finish(irp, error)
        }
        // Cancelled before it could wait: completed inline, so not marked
        // pending — PendingReturned must match the STATUS_PENDING return.
        guard irp.queueCancellable(receiveCancelRoutine) else { return finish(irp, .cancelled) }
        irp.markPending()
        receives.append(receive)
        return .pending
    }

    /// WskRelease: gives back a chain of indications the client kept by
    /// returning STATUS_PENDING. STATUS_INVALID_PARAMETER when an element
    /// is not one the client holds from this socket.
    public func release(_ indications: WskDatagramIndication) -> NTStatus {
        var current: WskDatagramIndication? = indications
        while let indication = current {
            guard indication.retained else { return .invalidParameter }
            current = indication.next
            indication.retained = false
            retainedIndications -= 1
            if let kept = indication.kept { stack.release(kept) }
            indication.kept = nil
            recycle(indication)
        }
        return .success
    }

    // MARK: - Options and IOCTLs

    override func control(_ requestType: WskControlSocketType, controlCode: UInt32, level: UInt32,
                          input: UnsafeRawBufferPointer?, output: UnsafeMutableRawBufferPointer?,
                          written: inout Int) -> NTStatus {
        switch requestType {
        case .ioctl:
            return ioctl(controlCode, input: input, output: output, written: &written)
        case .setOption:
            return setOption(controlCode, level: level, input: input)
        case .getOption:
            return getOption(controlCode, level: level, output: output, written: &written)
        }
    }

    func setOption(_ code: UInt32, level: UInt32, input: UnsafeRawBufferPointer?) -> NTStatus {
        if level == WskControlCode.ipprotoIPv6 && code == WskControlCode.ipv6V6Only {
            guard addressFamily == .inet6 else { return .invalidParameter }
            guard endpoint == nil else { return .invalidDeviceState }
            guard let value = Self.ulong(input) else { return .invalidParameter }
            v6Only = value != 0
            return .success
        }
        guard level == WskControlCode.solSocket else { return .notSupported }
        switch code {
        case WskControlCode.reuseAddress, WskControlCode.exclusiveAddressUse:
            guard endpoint == nil else { return .invalidDeviceState }
            guard let value = Self.ulong(input) else { return .invalidParameter }
            let mode: AddressSharing = code == WskControlCode.reuseAddress ? .reuseAddress : .exclusive
            if value != 0 {
                // The two are exclusive of each other, as in Winsock.
                guard sharing == .none || sharing == mode else { return .invalidParameter }
                sharing = mode
            } else if sharing == mode {
                sharing = .none
            }
            return .success
        case WskControlCode.receiveBuffer:
            guard let value = Self.ulong(input) else { return .invalidParameter }
            receiveBufferSize = Int(value)
            return .success
        case WskControlCode.broadcast:
            guard let value = Self.ulong(input) else { return .invalidParameter }
            broadcastAllowed = value != 0
            return .success
        case WskControlCode.eventCallback:
            guard let input, let control = WskEventCallbackControl(input),
                  control.npiID == WskEventCallbackControl.wskInterfaceID else { return .invalidParameter }
            return setEventCallback(control.eventMask)
        default:
            return .notSupported
        }
    }

    func getOption(_ code: UInt32, level: UInt32, output: UnsafeMutableRawBufferPointer?, written: inout Int) -> NTStatus {
        let value: UInt32
        if level == WskControlCode.ipprotoIPv6 && code == WskControlCode.ipv6V6Only {
            guard addressFamily == .inet6 else { return .invalidParameter }
            value = v6Only ? 1 : 0
        } else {
            guard level == WskControlCode.solSocket else { return .notSupported }
            switch code {
            case WskControlCode.reuseAddress: value = sharing == .reuseAddress ? 1 : 0
            case WskControlCode.exclusiveAddressUse: value = sharing == .exclusive ? 1 : 0
            case WskControlCode.receiveBuffer: value = UInt32(clamping: receiveBufferSize)
            case WskControlCode.broadcast: value = broadcastAllowed ? 1 : 0
            default: return .notSupported
            }
        }
        guard let output, output.count >= 4 else { return .bufferTooSmall }
        output.storeBytes(of: value.littleEndian, toByteOffset: 0, as: UInt32.self)
        written = 4
        return .success
    }

    func ioctl(_ code: UInt32, input: UnsafeRawBufferPointer?, output: UnsafeMutableRawBufferPointer?,
               written: inout Int) -> NTStatus {
        switch code {
        case WskControlCode.setRemoteAddress, WskControlCode.setSendToAddress:
            guard let endpoint else { return .invalidDeviceState }
            var address: TransportAddress?
            if let input, input.count > 0 {
                guard let parsed = SocketAddress(sockaddr: input) else { return .invalidParameter }
                guard parsed.family == addressFamily else { return .invalidAddress }
                address = TransportAddress(parsed)
            }
            if code == WskControlCode.setRemoteAddress {
                remoteAddress = address
                stack.udpSetRemote(address, of: endpoint)
            } else {
                sendToAddress = address
            }
            return .success
        case WskControlCode.queryReceiveBacklog:
            guard let output, output.count >= 8 else { return .bufferTooSmall }
            output.storeBytes(of: UInt64(queuedBytes).littleEndian, toByteOffset: 0, as: UInt64.self)
            written = 8
            return .success
        default:
            return .notSupported
        }
    }

    /// SO_WSK_EVENT_CALLBACK for a datagram socket: WSK_EVENT_RECEIVE_FROM,
    /// alone or with WSK_EVENT_DISABLE, after bind. Enabling hands over at
    /// once whatever waited in the queue meanwhile.
    func setEventCallback(_ mask: WskEventMask) -> NTStatus {
        guard endpoint != nil else { return .invalidDeviceState }
        let disabling = mask.contains(.disable)
        guard mask.subtracting(.disable) == .receiveFrom else { return .invalidParameter }
        if disabling {
            eventEnabled = false
            return .success
        }
        guard dispatch?.receiveFromEvent != nil else { return .invalidParameter }
        eventEnabled = true
        deliverQueuedToEvent()
        return .success
    }

    static func ulong(_ input: UnsafeRawBufferPointer?) -> UInt32? {
        guard let input, input.count >= 4 else { return nil }
        return input.loadUnaligned(fromByteOffset: 0, as: UInt32.self).littleEndian
    }

    // MARK: - UDPReceiver

    public func udpDatagramArrived(_ datagram: UDPIndication) {
        if let receive = nextReceive() {
            let copied = fill(receive, payload: datagram.payload, remote: datagram.remote,
                              broadcast: datagram.isBroadcast, multicast: datagram.isMulticast)
            receive.irp.complete(status: .success, information: copied)
            return
        }
        if eventEnabled, queueHead == queue.count, let event = dispatch?.receiveFromEvent {
            let indication = takeIndication()
            indication.aim(at: datagram.payload, remote: datagram.remote.socketAddress(for: addressFamily))
            let status = event(socketContext, flags(broadcast: datagram.isBroadcast, multicast: datagram.isMulticast),
                               indication)
            switch status {
            case .pending:
                retain(indication, datagram)
            case .dataNotAccepted:
                subsystem.statistics.indicationsNotAccepted &+= 1
                recycle(indication)
                eventEnabled = false
                enqueue(datagram)
            default:
                recycle(indication)
            }
            return
        }
        enqueue(datagram)
    }

    public func udpErrorArrived(_ status: NTStatus, remote: TransportAddress) {
        if let receive = nextReceive() {
            receive.irp.complete(status: status)
        } else {
            pendingError = status
        }
    }

    // MARK: - Internals

    func flags(broadcast: Bool, multicast: Bool) -> WskReceiveFlags {
        var flags: WskReceiveFlags = .atDispatchLevel
        if broadcast { flags.insert(.broadcast) }
        if multicast { flags.insert(.multicast) }
        return flags
    }

    /// Copies a datagram into a receive's buffer and fills in its outputs.
    func fill(_ receive: PendingReceive, payload: UnsafeRawBufferPointer, remote: TransportAddress,
              broadcast: Bool, multicast: Bool) -> Int {
        let copied = receive.buffer.copyIn(from: payload)
        receive.remoteAddress?.pointee = remote.socketAddress(for: addressFamily)
        var reported = flags(broadcast: broadcast, multicast: multicast)
        reported.remove(.atDispatchLevel)
        if copied < payload.count { reported.insert(.truncated) }
        receive.controlFlags?.pointee = reported
        return copied
    }

    /// The oldest waiting receive whose cancel routine could be taken back;
    /// one being cancelled is left to its cancel routine.
    func nextReceive() -> PendingReceive? {
        while receivesHead < receives.count {
            let receive = receives[receivesHead]
            receivesHead += 1
            compact(&receives, head: &receivesHead)
            if receive.irp.setCancelRoutine(nil) != nil { return receive }
        }
        return nil
    }

    /// A queued receive was cancelled: it leaves the queue (if still there)
    /// and completes with STATUS_CANCELLED — always, since taking the cancel
    /// routine made this the one completion.
    func cancelReceive(_ irp: IRP) {
        if let i = receives[receivesHead...].firstIndex(where: { $0.irp === irp }) { receives.remove(at: i) }
        irp.complete(status: .cancelled)
    }

    /// Queues a datagram for WskReceiveFrom within SO_RCVBUF, kept as its
    /// frame or one copy; beyond the bound it is dropped and counted.
    func enqueue(_ datagram: UDPIndication) {
        guard queuedBytes + datagram.payload.count <= receiveBufferSize, let kept = stack.keep(datagram) else {
            receiveBufferOverflows &+= 1
            subsystem.statistics.receiveBufferOverflows &+= 1
            return
        }
        queue.append(kept)
        queuedBytes += kept.length
    }

    func dequeue() -> UDPDatagram? {
        guard queueHead < queue.count else { return nil }
        let datagram = queue[queueHead]
        queueHead += 1
        queuedBytes -= datagram.length
        compact(&queue, head: &queueHead)
        return datagram
    }

    /// Hands queued datagrams to the event, oldest first, until it refuses one.
    func deliverQueuedToEvent() {
        while eventEnabled, queueHead < queue.count, let event = dispatch?.receiveFromEvent {
            let datagram = queue[queueHead]
            let indication = takeIndication()
            indication.aim(at: datagram.payload, remote: datagram.remote.socketAddress(for: addressFamily))
            let status = event(socketContext, flags(broadcast: datagram.isBroadcast, multicast: datagram.isMulticast),
                               indication)
            if status == .dataNotAccepted {
                subsystem.statistics.indicationsNotAccepted &+= 1
                recycle(indication)
                eventEnabled = false
                return
            }
            _ = dequeue()
            if status == .pending {
                indication.kept = datagram
                indication.retained = true
                retainedIndications += 1
                subsystem.statistics.indicationsRetained &+= 1
            } else {
                stack.release(datagram)
                recycle(indication)
            }
        }
    }

    /// The client kept an indication: the stack keeps the datagram (the
    /// frame itself, or a copy the MDL is re-aimed at). Should no buffer be
    /// left to copy into, the indication is emptied rather than left
    /// pointing at a frame that goes back to the miniport.
    func retain(_ indication: WskDatagramIndication, _ datagram: UDPIndication) {
        indication.retained = true
        retainedIndications += 1
        subsystem.statistics.indicationsRetained &+= 1
        guard let kept = stack.keep(datagram) else {
            indication.aim(at: UnsafeRawBufferPointer(start: nil, count: 0), remote: indication.remoteAddress)
            return
        }
        indication.kept = kept
        if kept.payload.baseAddress != datagram.payload.baseAddress {
            indication.aim(at: kept.payload, remote: indication.remoteAddress)
        }
    }

    func takeIndication() -> WskDatagramIndication {
        freeIndications.popLast() ?? WskDatagramIndication()
    }

    func recycle(_ indication: WskDatagramIndication) {
        indication.next = nil
        freeIndications.append(indication)
    }

    override func releaseResources() {
        while let receive = nextReceive() { receive.irp.complete(status: .cancelled) }
        while let datagram = dequeue() { stack.release(datagram) }
        if let endpoint { stack.udpUnbind(endpoint) }
        endpoint = nil
        eventEnabled = false
        freeIndications.removeAll()
    }
}
