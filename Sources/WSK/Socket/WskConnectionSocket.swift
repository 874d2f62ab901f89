import NetCore
import TCPIP

/// A connection-oriented socket over TCP (WSK_FLAG_CONNECTION_SOCKET with
/// SOCK_STREAM and IPPROTO_TCP, or a connection a listening socket
/// accepted); its methods are WSK_PROVIDER_CONNECTION_DISPATCH.
///
/// Nothing is buffered on the send side: WskSend lends the client's bytes
/// to the connection, which sends and retransmits from them, and the IRP
/// completes when the peer has acknowledged the last byte. Received bytes
/// go, in this order of precedence, to the oldest posted WskReceive (one
/// copy, straight from the segment when nothing waits before it), to
/// WskReceiveEvent when enabled and not paused (lent in place, no copy),
/// or stay in the connection's receive buffer, where the window closes
/// over them (RFC 9293 §3.8.6) until the client takes them.
public final class WskConnectionSocket: WskSocket, TCPConnectionOwner, @unchecked Sendable {
    // @unchecked: as for WskSocket, engine-thread only.

    /// A WskReceive waiting for bytes.
    struct PendingReceive {
        let irp: IRP
        let buffer: WSKBuf
        let flags: UInt32
        /// Bytes already copied in (a WAITALL receive fills in steps).
        var filled = 0
    }

    /// Bytes lent to the connection, in stream order.
    struct PendingSend {
        enum Kind {
            /// A WskSend's: completes its IRP.
            case send
            /// WskConnectEx's: completes the connect.
            case connectData
            /// WskDisconnect's final buffer: the disconnect completes on the FIN's acknowledgment.
            case finalData
        }

        let irp: IRP?
        let tag: UInt64
        let length: Int
        let kind: Kind
    }

    /// The client's callbacks; WskAcceptEvent may set them after creation.
    var dispatch: WskClientConnectionDispatch?
    var options = WskTCPOptions()
    /// The address bound and not yet handed to a connection.
    var bindHandle: TCPBindHandle?
    /// The connection, from WskConnect or an accept on.
    var connection: TCPConnection?
    /// The handshake completed (or the connection was accepted).
    public private(set) var isConnected = false
    /// How the connection ended, once it has: STATUS_SUCCESS after both FINs.
    var endStatus: NTStatus?
    /// This side reset the connection (abortive disconnect, cancel, close):
    /// no WskDisconnectEvent reports it.
    var locallyAborted = false
    /// The peer's FIN arrived (and was handled).
    var peerFinished = false
    var indicatedGracefulDisconnect = false
    var indicatedAbortiveDisconnect = false

    var connectIRP: IRP?
    /// WskConnectEx lent bytes: the connect completes once they are acknowledged.
    var connectDataPending = false
    var disconnectIRP: IRP?
    var sends: [PendingSend] = []
    var sendsHead = 0
    var nextTag: UInt64 = 1
    var receives: [PendingReceive] = []
    var receivesHead = 0
    /// Receives taken off the queue while their cancel routine was on its
    /// way: it completes them, with what they had received.
    var cancelling: [PendingReceive] = []

    /// The events enabled with SO_WSK_EVENT_CALLBACK (or inherited).
    var enabledEvents: WskEventMask = []
    /// A partial accept or STATUS_DATA_NOT_ACCEPTED stopped WskReceiveEvent
    /// until a WskReceive completes.
    var receiveEventsPaused = false
    /// Inside WskReceiveEvent: events are serial per socket.
    var inReceiveEvent = false
    /// Inside a delivery pass, which may lend the receive buffer's bytes:
    /// a WskReceive posted meanwhile queues rather than reads them.
    var inDelivery = false
    /// A delivery pass is queued on the engine.
    /// SO_RCVBUF set during a delivery pass, applied when it ends (growing
    /// the buffer would move bytes lent to the client).
    var deferredReceiveBufferSize: Int?
    var freeIndications: [WskDataIndication] = []
    /// Indications the client holds (returned STATUS_PENDING, not yet released).
    public private(set) var retainedIndications = 0

    lazy var receiveCancelRoutine: IRP.CancelRoutine = { [unowned(unsafe) self] cancelled in
        self.subsystem.runOnEngine { self.cancelReceive(cancelled) }
    }
    lazy var sendCancelRoutine: IRP.CancelRoutine = { [unowned(unsafe) self] cancelled in
        self.subsystem.runOnEngine { self.cancelSend(cancelled) }
    }
    lazy var connectCancelRoutine: IRP.CancelRoutine = { [unowned(unsafe) self] cancelled in
        self.subsystem.runOnEngine { self.cancelConnect(cancelled) }
    }
    lazy var disconnectCancelRoutine: IRP.CancelRoutine = { [unowned(unsafe) self] cancelled in
        self.subsystem.runOnEngine { self.cancelDisconnect(cancelled) }
    }

    init(client: WskClient, registration: WskRegistration, addressFamily: AddressFamily, socketContext: AnyObject?,
         dispatch: WskClientConnectionDispatch?) {
        self.dispatch = dispatch
        super.init(client: client, registration: registration, addressFamily: addressFamily, socketType: .stream,
                   protocolNumber: WskProtocol.tcp, category: .connectionSocket, socketContext: socketContext)
    }

    var stack: TCPIPStack { subsystem.stack }

    // MARK: - WSK_PROVIDER_CONNECTION_DISPATCH

    /// WskBind: claims `localAddress` for the coming connect (a wildcard
    /// address lets the connect pick the source; port 0 an ephemeral port,
    /// RFC 6056). STATUS_INVALID_PARAMETER when already bound or `flags` is
    /// not 0; STATUS_INVALID_ADDRESS for the other family;
    /// STATUS_INVALID_ADDRESS_COMPONENT for an address not assigned here;
    /// STATUS_ADDRESS_ALREADY_EXISTS or STATUS_ACCESS_DENIED when another
    /// socket holds it (WSK §6.2).
    public func bind(_ localAddress: SocketAddress, flags: UInt32 = 0, irp: IRP) -> NTStatus {
        guard !isClosed else { return finish(irp, .invalidDeviceState) }
        guard bindHandle == nil, connection == nil, flags == 0 else { return finish(irp, .invalidParameter) }
        guard localAddress.family == addressFamily else { return finish(irp, .invalidAddress) }
        let binding = TransportBinding(family: addressFamily, local: TransportAddress(localAddress),
                                       v6Only: addressFamily == .inet6 ? options.v6Only : true,
                                       sharing: options.sharing)
        switch stack.tcpBind(binding) {
        case .success(let handle):
            bindHandle = handle
            return finish(irp, .success)
        case .failure(let status):
            return finish(irp, status)
        }
    }

    /// WskConnect: opens the connection to `remoteAddress` from the bound
    /// address (RFC 9293 §3.10.1). Pends until the handshake completes;
    /// then STATUS_SUCCESS, or STATUS_CONNECTION_REFUSED (a RST answered),
    /// STATUS_IO_TIMEOUT (no answer) or STATUS_HOST_UNREACHABLE. Fails
    /// inline with STATUS_INVALID_DEVICE_STATE when not bound or already
    /// connecting, STATUS_INVALID_ADDRESS for the other family,
    /// STATUS_NETWORK_UNREACHABLE without a route. Cancelling it drops the
    /// attempt.
    public func connect(_ remoteAddress: SocketAddress, flags: UInt32 = 0, irp: IRP) -> NTStatus {
        startConnect(remoteAddress, buffer: nil, flags: flags, irp: irp)
    }

    /// WskConnectEx: WskConnect, then `buffer` (at most 65 535 bytes) sent
    /// once the handshake completes; the IRP completes when those bytes are
    /// acknowledged, with their count. STATUS_INVALID_PARAMETER for `flags`
    /// other than 0, STATUS_BUFFER_OVERFLOW for a larger buffer.
    public func connectEx(_ remoteAddress: SocketAddress, buffer: WSKBuf?, flags: UInt32 = 0, irp: IRP) -> NTStatus {
        startConnect(remoteAddress, buffer: buffer, flags: flags, irp: irp)
    }

    /// WskSend: lends `buffer` to the connection. It goes out after every
    /// earlier send, and the IRP completes with the byte count once the
    /// peer acknowledged the last byte — so the memory must stay untouched
    /// until then. WSK_FLAG_NODELAY sends it without waiting for Nagle's
    /// algorithm. STATUS_INVALID_DEVICE_STATE before the connection is up or
    /// after this side's disconnect; the connection's failure status once
    /// it failed; STATUS_NOT_SUPPORTED for another flag;
    /// STATUS_INVALID_PARAMETER for a bad buffer. A send that is cancelled
    /// resets the connection: sent bytes cannot be taken back.
    public func send(_ buffer: WSKBuf, flags: UInt32 = 0, irp: IRP) -> NTStatus {
        guard !isClosed else { return finish(irp, .invalidDeviceState) }
        guard flags & ~WskFlag.noDelay == 0 else { return finish(irp, .notSupported) }
        guard buffer.validate().isSuccess else { return finish(irp, .invalidParameter) }
        guard let connection, isConnected else { return finish(irp, .invalidDeviceState) }
        if let endStatus { return finish(irp, endStatus.isSuccess ? .invalidDeviceState : endStatus) }
        guard buffer.length > 0 else { return finish(irp, .success) }
        guard !irp.isCancelled else { return finish(irp, .cancelled) }
        let tag = nextTag
        let status = lend(buffer, tag: tag, noDelay: flags & WskFlag.noDelay != 0, to: connection)
        guard status.isSuccess else { return finish(irp, status) }
        nextTag += 1
        sends.append(PendingSend(irp: irp, tag: tag, length: buffer.length, kind: .send))
        guard irp.queueCancellable(sendCancelRoutine) else {
            sends.removeLast()
            abortConnection()
            return finish(irp, .cancelled)
        }
        irp.markPending()
        return .pending
    }

    /// WskSendEx: WskSend with control information, of which TCP takes
    /// none: STATUS_NOT_SUPPORTED when some is given.
    public func sendEx(_ buffer: WSKBuf, flags: UInt32 = 0, controlInfo: UnsafeRawBufferPointer? = nil,
                       irp: IRP) -> NTStatus {
        guard (controlInfo?.count ?? 0) == 0 else { return finish(irp, .notSupported) }
        return send(buffer, flags: flags, irp: irp)
    }

    /// WskReceive: received bytes into `buffer`. Completes inline with
    /// what is buffered, else pends after any earlier receive until bytes
    /// arrive; completes with 0 bytes once the peer's FIN has been reached.
    /// WSK_FLAG_WAITALL completes only with the buffer full, at the FIN, or
    /// when the connection fails or the IRP is cancelled. WSK_FLAG_DRAIN
    /// (zero-length buffer) discards everything until the connection ends.
    /// A zero-length receive completes as soon as bytes are waiting (with
    /// 0) and resumes WskReceiveEvent after a partial accept or
    /// STATUS_DATA_NOT_ACCEPTED. A receive cancelled after a WAITALL
    /// receive took bytes reports them in its Information.
    public func receive(_ buffer: WSKBuf, flags: UInt32 = 0, irp: IRP) -> NTStatus {
        guard !isClosed else { return finish(irp, .invalidDeviceState) }
        let known = WskFlag.waitAll | WskFlag.drain
        guard flags & ~known == 0, flags != known, buffer.validate().isSuccess else {
            return finish(irp, .invalidParameter)
        }
        let drain = flags & WskFlag.drain != 0
        guard !drain || buffer.length == 0 else { return finish(irp, .invalidParameter) }
        guard let connection, isConnected else { return finish(irp, .invalidDeviceState) }
        if let endStatus, !endStatus.isSuccess { return finish(irp, endStatus) }
        var receive = PendingReceive(irp: irp, buffer: buffer, flags: flags)
        if !inDelivery && receivesHead == receives.count {
            let finished = peerFinished || endStatus != nil
            if drain {
                discardBuffered(connection)
                if finished { return finish(irp, .success) }
            } else if buffer.length == 0 {
                if connection.readableBytes > 0 || finished { return completeInline(irp, .success, 0) }
            } else {
                receive.filled = copyBuffered(connection, into: receive)
                let satisfied = flags & WskFlag.waitAll == 0 || receive.filled == buffer.length
                let ended = finished && connection.readableBytes == 0
                if (receive.filled > 0 && satisfied) || ended { return completeInline(irp, .success, receive.filled) }
            }
        }
        guard irp.queueCancellable(receiveCancelRoutine) else {
            return finish(irp, .cancelled, information: receive.filled)
        }
        irp.markPending()
        receives.append(receive)
        return .pending
    }

    /// WskReceiveEx: WskReceive with control information, of which TCP
    /// produces none (`controlInfoLength` is set to 0). `controlFlags` must
    /// be nil (STATUS_INVALID_PARAMETER otherwise), as WSK requires.
    public func receiveEx(_ buffer: WSKBuf, flags: UInt32 = 0, controlInfoLength: UnsafeMutablePointer<UInt32>? = nil,
                          controlFlags: UnsafeMutablePointer<UInt32>? = nil, irp: IRP) -> NTStatus {
        guard controlFlags == nil else { return finish(irp, .invalidParameter) }
        controlInfoLength?.pointee = 0
        return receive(buffer, flags: flags, irp: irp)
    }

    /// WskDisconnect. Graceful (flags 0): `buffer`, if given, is sent
    /// first, then the FIN after every outstanding send (RFC 9293 §3.10.4,
    /// a half-close: receiving goes on); the IRP completes when the FIN is
    /// acknowledged. Abortive (WSK_FLAG_ABORTIVE, no buffer): a RST now,
    /// every pending request of the socket completes with
    /// STATUS_CONNECTION_ABORTED, and the IRP completes inline.
    /// STATUS_INVALID_DEVICE_STATE before the connection is up or for a
    /// second graceful disconnect; STATUS_INVALID_PARAMETER for other flags
    /// or a buffer with an abortive disconnect.
    public func disconnect(_ buffer: WSKBuf?, flags: UInt32 = 0, irp: IRP) -> NTStatus {
        guard !isClosed else { return finish(irp, .invalidDeviceState) }
        guard flags & ~WskFlag.abortive == 0 else { return finish(irp, .invalidParameter) }
        guard let connection, isConnected else { return finish(irp, .invalidDeviceState) }
        if flags & WskFlag.abortive != 0 {
            guard (buffer?.length ?? 0) == 0 else { return finish(irp, .invalidParameter) }
            abortConnection()
            return finish(irp, .success)
        }
        if let endStatus { return finish(irp, endStatus.isSuccess ? .invalidDeviceState : endStatus) }
        guard disconnectIRP == nil else { return finish(irp, .invalidDeviceState) }
        if let buffer, buffer.length > 0 {
            guard buffer.validate().isSuccess else { return finish(irp, .invalidParameter) }
            let tag = nextTag
            let status = lend(buffer, tag: tag, noDelay: true, to: connection)
            guard status.isSuccess else { return finish(irp, status) }
            nextTag += 1
            sends.append(PendingSend(irp: nil, tag: tag, length: buffer.length, kind: .finalData))
        }
        let status = connection.shutdown()
        guard status.isSuccess else { return finish(irp, status) }
        guard irp.queueCancellable(disconnectCancelRoutine) else { return finish(irp, .cancelled) }
        irp.markPending()
        disconnectIRP = irp
        return .pending
    }

    /// WskRelease: gives back a chain of indications the client kept by
    /// returning STATUS_PENDING from WskReceiveEvent. STATUS_INVALID_PARAMETER
    /// (releasing nothing) when an element is not one the client holds from
    /// this socket. Allowed after WskCloseSocket, since close does not take
    /// retained indications back.
    public func release(_ indications: WskDataIndication) -> NTStatus {
        let me = ObjectIdentifier(self)
        var current: WskDataIndication? = indications
        while let indication = current {
            guard indication.holder == me else { return .invalidParameter }
            current = indication.next
        }
        current = indications
        while let indication = current {
            current = indication.next
            retainedIndications -= 1
            recycle(indication)
        }
        return .success
    }

    /// WskGetLocalAddress: the connection's local address, or the bound
    /// one before it connects. STATUS_INVALID_DEVICE_STATE when not bound.
    public func getLocalAddress(_ localAddress: UnsafeMutablePointer<SocketAddress>, irp: IRP) -> NTStatus {
        guard !isClosed else { return finish(irp, .invalidDeviceState) }
        if let connection {
            localAddress.pointee = connection.local.socketAddress(for: addressFamily)
        } else if let bindHandle {
            localAddress.pointee = bindHandle.binding.local.socketAddress(for: addressFamily)
        } else {
            return finish(irp, .invalidDeviceState)
        }
        return finish(irp, .success)
    }

    /// WskGetRemoteAddress: the peer's address (IPv4-mapped on a dual-stack
    /// IPv6 socket). STATUS_INVALID_DEVICE_STATE until the connection is up.
    public func getRemoteAddress(_ remoteAddress: UnsafeMutablePointer<SocketAddress>, irp: IRP) -> NTStatus {
        guard !isClosed, let connection, isConnected else { return finish(irp, .invalidDeviceState) }
        remoteAddress.pointee = connection.remote.socketAddress(for: addressFamily)
        return finish(irp, .success)
    }

    // MARK: - Connecting

    func startConnect(_ remote: SocketAddress, buffer: WSKBuf?, flags: UInt32, irp: IRP) -> NTStatus {
        guard !isClosed else { return finish(irp, .invalidDeviceState) }
        guard flags == 0 else { return finish(irp, .invalidParameter) }
        if let buffer {
            guard buffer.validate().isSuccess else { return finish(irp, .invalidParameter) }
            guard buffer.length <= Int(UInt16.max) else { return finish(irp, .bufferOverflow) }
        }
        guard connection == nil, let handle = bindHandle else { return finish(irp, .invalidDeviceState) }
        guard remote.family == addressFamily else { return finish(irp, .invalidAddress) }
        guard !irp.isCancelled else { return finish(irp, .cancelled) }
        let connection: TCPConnection
        switch stack.tcpConnect(from: handle, family: addressFamily, v6Only: options.v6Only,
                                to: TransportAddress(remote), owner: self) {
        case .success(let opened): connection = opened
        case .failure(let status): return finish(irp, status)
        }
        // The connection holds the bound address from now on, and frees it when it goes.
        bindHandle = nil
        self.connection = connection
        applyOptions(to: connection)
        connectIRP = irp
        if let buffer, buffer.length > 0, lend(buffer, tag: nextTag, noDelay: false, to: connection).isSuccess {
            sends.append(PendingSend(irp: nil, tag: nextTag, length: buffer.length, kind: .connectData))
            nextTag += 1
            connectDataPending = true
        }
        guard irp.queueCancellable(connectCancelRoutine) else {
            connectIRP = nil
            abortConnection()
            return finish(irp, .cancelled)
        }
        irp.markPending()
        return .pending
    }

    /// WskSocketConnect's last step: connects with an IRP of its own and
    /// completes `outer` with this socket once connected — or closes the
    /// socket and completes `outer` with the failure. Cancelling `outer`
    /// cancels the connect.
    func connectCompleting(_ outer: IRP, to remote: SocketAddress) -> NTStatus {
        let inner = IRP()
        inner.setCompletionRoutine { [self] done in
            let status = done.ioStatus.status
            // `outer`'s cancel routine only cancels `inner`: completing `outer` is always this routine's.
            outer.setCancelRoutine(nil)
            if status.isSuccess {
                outer.complete(status: .success, socket: self)
            } else {
                _ = closeSocket(IRP())
                outer.complete(status: status)
            }
            return .moreProcessingRequired
        }
        let status = connect(remote, irp: inner)
        guard status == .pending else { return status }
        outer.markPending()
        if !outer.queueCancellable({ _ in ioCancelIrp(inner) }) { ioCancelIrp(inner) }
        return .pending
    }

    func applyOptions(to connection: TCPConnection) {
        if let keepAlive = options.keepAlive { connection.keepAlive = keepAlive }
        connection.noDelay = options.noDelay
        if let size = options.receiveBufferSize { connection.setReceiveBufferSize(size) }
    }

    /// A connection a listener accepted: this socket owns it from now on,
    /// with the options it inherited from the listener.
    func adopt(_ accepted: TCPConnection) {
        connection = accepted
        isConnected = true
        options.keepAlive = accepted.keepAlive
        options.noDelay = accepted.noDelay
    }

    /// Starts hearing from an adopted connection, and delivers what it
    /// received while it waited to be accepted.
    func attach() {
        guard !isClosed, let connection else { return }
        connection.owner = self
        drainBuffered()
        if connection.peerHasClosed { handlePeerFin() }
    }

    func completeConnect(_ status: NTStatus, information: Int = 0) {
        guard let irp = connectIRP else { return }
        connectIRP = nil
        // A nil cancel routine: the cancel routine is on its way and completes it.
        guard irp.setCancelRoutine(nil) != nil else { return }
        irp.complete(status: status, information: information)
    }

    func cancelConnect(_ irp: IRP) {
        if connectIRP === irp { connectIRP = nil }
        abortConnection()
        irp.complete(status: .cancelled)
    }

    // MARK: - Sending

    /// Lends the bytes of `buffer` to the connection, one piece per MDL,
    /// `tag` on the last.
    func lend(_ buffer: WSKBuf, tag: UInt64, noDelay: Bool, to connection: TCPConnection) -> NTStatus {
        var previous: UnsafeRawBufferPointer?
        var status = NTStatus.success
        buffer.forEachRegion { region in
            if let piece = previous, status.isSuccess { status = connection.send(piece, tag: nil, noDelay: noDelay) }
            previous = region
        }
        if let piece = previous, status.isSuccess { status = connection.send(piece, tag: tag, noDelay: noDelay) }
        return status
    }

    func cancelSend(_ irp: IRP) {
        if let index = sends[sendsHead...].firstIndex(where: { $0.irp === irp }) {
            // Its bytes may be on the wire already: the stream cannot go on without them.
            sends.remove(at: index)
            abortConnection()
        }
        irp.complete(status: .cancelled)
    }

    /// Resets the connection from this side (WSK_FLAG_ABORTIVE, a cancelled
    /// send or connect): requests fail with STATUS_CONNECTION_ABORTED.
    func abortConnection() {
        guard let connection, endStatus == nil else { return }
        locallyAborted = true
        connection.abort()
    }

    // MARK: - Receiving

    /// Copies buffered bytes into a receive after what it holds; returns
    /// the new fill. The receive buffer drains by as much.
    func copyBuffered(_ connection: TCPConnection, into receive: PendingReceive) -> Int {
        let (first, second) = connection.readableRegions()
        let copied = copy(first, second, from: 0, into: receive)
        if copied > 0 { connection.consume(copied) }
        return receive.filled + copied
    }

    /// Copies bytes of two consecutive regions, from `offset` on, into the
    /// room a receive has left; returns how many.
    func copy(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer, from offset: Int,
              into receive: PendingReceive) -> Int {
        var copied = 0
        if offset < first.count {
            copied = copy(UnsafeRawBufferPointer(rebasing: first[offset...]), into: receive, at: receive.filled)
        }
        let skip = max(0, offset - first.count)
        if skip < second.count && offset + copied >= first.count {
            copied += copy(UnsafeRawBufferPointer(rebasing: second[skip...]), into: receive,
                           at: receive.filled + copied)
        }
        return copied
    }

    /// Copies `bytes` into a receive's buffer at `position`, as many as fit.
    func copy(_ bytes: UnsafeRawBufferPointer, into receive: PendingReceive, at position: Int) -> Int {
        let room = WSKBuf(mdl: receive.buffer.mdl, offset: receive.buffer.offset + position,
                          length: receive.buffer.length - position)
        return room.length > 0 ? room.copyIn(from: bytes) : 0
    }

    func discardBuffered(_ connection: TCPConnection) {
        let count = connection.readableBytes
        if count > 0 { connection.consume(count) }
    }

    /// Completes a receive that never queued, then lets the events go on
    /// with whatever is still buffered.
    func completeInline(_ irp: IRP, _ status: NTStatus, _ count: Int) -> NTStatus {
        receiveEventsPaused = false
        finish(irp, status, information: count)
        if enabledEvents.contains(.receive), let connection, connection.readableBytes > 0 { scheduleDelivery() }
        return status
    }

    /// Hands bytes — lent by the connection, or its buffered ones — to
    /// the posted receives, oldest first, then to WskReceiveEvent; returns
    /// how many were taken.
    func offer(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) -> Int {
        let total = first.count + second.count
        var taken = 0
        while taken < total && !isClosed {
            if receivesHead < receives.count {
                taken += feedFrontReceive(first, second, from: taken)
            } else if receiveEventReady {
                let accepted = indicate(first, second, from: taken)
                taken += accepted
                if accepted == 0 || receiveEventsPaused { break }
            } else {
                break
            }
        }
        return taken
    }

    var receiveEventReady: Bool {
        enabledEvents.contains(.receive) && !receiveEventsPaused && !inReceiveEvent && dispatch?.receiveEvent != nil
    }

    /// Feeds the oldest receive from the bytes at `offset`: it completes
    /// when it has what it asked for, or stays first in line.
    func feedFrontReceive(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer, from offset: Int) -> Int {
        var receive = receives[receivesHead]
        guard receive.irp.setCancelRoutine(nil) != nil else {
            // Being cancelled: its cancel routine completes it.
            cancelling.append(receive)
            advanceReceives()
            return 0
        }
        let available = first.count + second.count - offset
        if receive.flags & WskFlag.drain != 0 {
            return rearm(receive) ? available : 0
        }
        if receive.buffer.length == 0 {
            advanceReceives()
            completeReceive(receive.irp, .success, 0)
            return 0
        }
        let copied = copy(first, second, from: offset, into: receive)
        receive.filled += copied
        if receive.flags & WskFlag.waitAll != 0 && receive.filled < receive.buffer.length {
            receives[receivesHead] = receive
            _ = rearm(receive)
            return copied
        }
        advanceReceives()
        completeReceive(receive.irp, .success, receive.filled)
        return copied
    }

    /// Puts the cancel routine back on a receive that stays first in
    /// line; false when it was cancelled meanwhile, and so completed now.
    func rearm(_ receive: PendingReceive) -> Bool {
        guard receive.irp.queueCancellable(receiveCancelRoutine) else {
            advanceReceives()
            receive.irp.complete(status: .cancelled, information: receive.filled)
            return false
        }
        return true
    }

    func advanceReceives() {
        receivesHead += 1
        compact(&receives, head: &receivesHead)
    }

    /// A receive completed: a paused WskReceiveEvent may go on.
    func completeReceive(_ irp: IRP, _ status: NTStatus, _ count: Int) {
        if status.isSuccess { receiveEventsPaused = false }
        irp.complete(status: status, information: count)
    }

    func cancelReceive(_ irp: IRP) {
        var filled = 0
        if let index = receives[receivesHead...].firstIndex(where: { $0.irp === irp }) {
            filled = receives[index].filled
            receives.remove(at: index)
        } else if let index = cancelling.firstIndex(where: { $0.irp === irp }) {
            filled = cancelling.remove(at: index).filled
        }
        irp.complete(status: .cancelled, information: filled)
    }

    /// WskReceiveEvent over the bytes from `offset`, as a chain of at most
    /// two indications; returns how many the client took.
    func indicate(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer, from offset: Int) -> Int {
        guard let event = dispatch?.receiveEvent else { return 0 }
        var head: WskDataIndication?
        if offset < first.count {
            head = takeIndication()
            head?.aim(at: UnsafeRawBufferPointer(rebasing: first[offset...]))
        }
        let skip = max(0, offset - first.count)
        if skip < second.count {
            let indication = takeIndication()
            indication.aim(at: UnsafeRawBufferPointer(rebasing: second[skip...]))
            if let head { head.next = indication } else { head = indication }
        }
        guard let head else { return 0 }
        let count = first.count + second.count - offset
        var accepted = count
        inReceiveEvent = true
        let status = event(socketContext, .atDispatchLevel, head, count, &accepted)
        inReceiveEvent = false
        switch status {
        case .success:
            accepted = min(max(accepted, 0), count)
            if accepted < count { receiveEventsPaused = true }
            recycleChain(head)
            return accepted
        case .pending:
            retain(head)
            return count
        default:
            receiveEventsPaused = true
            recycleChain(head)
            return 0
        }
    }

    /// The client kept the chain: its bytes, lent for the call only, are
    /// copied into the indications' own memory.
    func retain(_ head: WskDataIndication) {
        let me = ObjectIdentifier(self)
        var current: WskDataIndication? = head
        while let indication = current {
            indication.keepCopy()
            indication.holder = me
            retainedIndications += 1
            current = indication.next
        }
    }

    func takeIndication() -> WskDataIndication {
        freeIndications.popLast() ?? WskDataIndication()
    }

    func recycle(_ indication: WskDataIndication) {
        indication.reset()
        if !isClosed { freeIndications.append(indication) }
    }

    func recycleChain(_ head: WskDataIndication) {
        var current: WskDataIndication? = head
        while let indication = current {
            current = indication.next
            recycle(indication)
        }
    }

    /// Delivers the connection's buffered bytes to receives and events,
    /// then settles receives at the FIN.
    func drainBuffered() {
        guard !inDelivery, !isClosed, let connection else { return }
        inDelivery = true
        while connection.readableBytes > 0 && !isClosed {
            let (first, second) = connection.readableRegions()
            let taken = offer(first, second)
            guard taken > 0 else { break }
            connection.consume(taken)
        }
        inDelivery = false
        applyDeferredReceiveBufferSize()
        settleAtFin()
    }

    /// Once the peer's FIN is reached and nothing is left to read, every
    /// waiting receive completes: with 0 bytes (the FIN), or what a WAITALL
    /// receive gathered.
    func settleAtFin() {
        guard !inDelivery, peerFinished || endStatus == .success, let connection,
              connection.readableBytes == 0 else { return }
        while receivesHead < receives.count {
            let receive = receives[receivesHead]
            advanceReceives()
            if receive.irp.setCancelRoutine(nil) != nil {
                completeReceive(receive.irp, .success, receive.filled)
            } else {
                cancelling.append(receive)
            }
        }
    }

    /// The delivery pass: buffered bytes for events just enabled or
    /// resumed, a disconnect the client has not heard of yet.
    override func deliver() {
        guard !isClosed else { return }
        drainBuffered()
        if peerFinished { indicateDisconnect(abortive: false) }
    }

    func applyDeferredReceiveBufferSize() {
        guard let size = deferredReceiveBufferSize else { return }
        deferredReceiveBufferSize = nil
        connection?.setReceiveBufferSize(size)
    }

    // MARK: - Disconnecting

    func completeDisconnect(_ status: NTStatus) {
        guard let irp = disconnectIRP else { return }
        disconnectIRP = nil
        guard irp.setCancelRoutine(nil) != nil else { return }
        irp.complete(status: status)
    }

    func cancelDisconnect(_ irp: IRP) {
        if disconnectIRP === irp { disconnectIRP = nil }
        irp.complete(status: .cancelled)
    }

    func handlePeerFin() {
        guard !peerFinished else { return }
        peerFinished = true
        drainBuffered()
        indicateDisconnect(abortive: false)
    }

    /// WskDisconnectEvent, once per kind, when enabled.
    func indicateDisconnect(abortive: Bool) {
        guard isConnected, !isClosed, enabledEvents.contains(.disconnect),
              let event = dispatch?.disconnectEvent else { return }
        if abortive {
            guard !indicatedAbortiveDisconnect else { return }
            indicatedAbortiveDisconnect = true
            _ = event(socketContext, [.abortive, .atDispatchLevel])
        } else {
            guard !indicatedGracefulDisconnect, !indicatedAbortiveDisconnect else { return }
            indicatedGracefulDisconnect = true
            _ = event(socketContext, .atDispatchLevel)
        }
    }

    // MARK: - TCPConnectionOwner

    public func tcpConnected(_ connection: TCPConnection) {
        isConnected = true
        if !connectDataPending { completeConnect(.success) }
    }

    public func tcpReceive(_ connection: TCPConnection, _ bytes: UnsafeRawBufferPointer) -> Int {
        guard !isClosed, !inDelivery else { return 0 }
        inDelivery = true
        let taken = offer(bytes, UnsafeRawBufferPointer(start: nil, count: 0))
        inDelivery = false
        applyDeferredReceiveBufferSize()
        return taken
    }

    public func tcpDataAvailable(_ connection: TCPConnection) {
        drainBuffered()
    }

    public func tcpSendCompleted(_ connection: TCPConnection, tag: UInt64, status: NTStatus) {
        guard let index = sends[sendsHead...].firstIndex(where: { $0.tag == tag }) else { return }
        let send = sends[index]
        if index == sendsHead {
            sendsHead += 1
            compact(&sends, head: &sendsHead)
        } else {
            sends.remove(at: index)
        }
        switch send.kind {
        case .send:
            guard let irp = send.irp, irp.setCancelRoutine(nil) != nil else { return }
            irp.complete(status: status, information: status.isSuccess ? send.length : 0)
        case .connectData:
            connectDataPending = false
            completeConnect(status, information: status.isSuccess ? send.length : 0)
        case .finalData:
            break
        }
    }

    public func tcpPeerClosed(_ connection: TCPConnection) {
        handlePeerFin()
    }

    public func tcpDisconnectCompleted(_ connection: TCPConnection) {
        completeDisconnect(.success)
    }

    public func tcpClosed(_ connection: TCPConnection, status: NTStatus) {
        guard endStatus == nil else { return }
        endStatus = status
        if status.isSuccess {
            // Both FINs are through; the transport may report them in either order around this.
            handlePeerFin()
            settleAtFin()
            completeDisconnect(.success)
            return
        }
        while sendsHead < sends.count {
            let send = sends[sendsHead]
            sendsHead += 1
            if send.kind == .send, let irp = send.irp, irp.setCancelRoutine(nil) != nil {
                irp.complete(status: status)
            }
        }
        compact(&sends, head: &sendsHead)
        connectDataPending = false
        completeConnect(status)
        while receivesHead < receives.count {
            let receive = receives[receivesHead]
            advanceReceives()
            if receive.irp.setCancelRoutine(nil) != nil {
                completeReceive(receive.irp, status, receive.filled)
            } else {
                cancelling.append(receive)
            }
        }
        completeDisconnect(status)
        if !locallyAborted { indicateDisconnect(abortive: true) }
    }

    public func tcpSendBacklogChanged(_ connection: TCPConnection, idealBacklog: Int) {
        guard enabledEvents.contains(.sendBacklog), !isClosed, let event = dispatch?.sendBacklogEvent else { return }
        _ = event(socketContext, idealBacklog)
    }

    // MARK: - Options and IOCTLs

    override func control(_ requestType: WskControlSocketType, controlCode: UInt32, level: UInt32,
                          input: UnsafeRawBufferPointer?, output: UnsafeMutableRawBufferPointer?,
                          written: inout Int) -> NTStatus {
        switch requestType {
        case .setOption:
            if level == WskControlCode.solSocket && controlCode == WskControlCode.eventCallback {
                guard let input, let control = WskEventCallbackControl(input),
                      control.npiID == WskEventCallbackControl.wskInterfaceID else { return .invalidParameter }
                return setEventCallback(control.eventMask)
            }
            let bound = bindHandle != nil || connection != nil
            guard let status = options.set(controlCode, level: level, input: input, family: addressFamily,
                                           bound: bound, role: .connection) else { return .notSupported }
            if status.isSuccess, let connection { apply(controlCode, level: level, to: connection) }
            return status
        case .getOption:
            let defaults = (keepAlive: connection?.keepAlive ?? stack.configuration.tcp.keepAliveByDefault,
                            receiveBuffer: connection?.receiveBufferSize ?? stack.configuration.tcp.receiveBuffer)
            return options.get(controlCode, level: level, family: addressFamily, role: .connection,
                               defaults: defaults, output: output, written: &written) ?? .notSupported
        case .ioctl:
            switch controlCode {
            case WskControlCode.queryIdealSendBacklog:
                guard let connection, isConnected else { return .invalidDeviceState }
                return WskTCPOptions.storeSize(connection.idealSendBacklog, into: output, written: &written)
            case WskControlCode.queryReceiveBacklog:
                guard let connection, isConnected else { return .invalidDeviceState }
                return WskTCPOptions.storeSize(connection.readableBytes, into: output, written: &written)
            default:
                return .notSupported
            }
        }
    }

    /// An option just set takes effect on the live connection.
    func apply(_ code: UInt32, level: UInt32, to connection: TCPConnection) {
        switch (level, code) {
        case (WskControlCode.solSocket, WskControlCode.keepAlive):
            connection.keepAlive = options.keepAlive ?? connection.keepAlive
        case (WskControlCode.ipprotoTCP, WskControlCode.tcpNoDelay):
            connection.noDelay = options.noDelay
        case (WskControlCode.solSocket, WskControlCode.receiveBuffer):
            guard let size = options.receiveBufferSize else { return }
            if inDelivery { deferredReceiveBufferSize = size } else { connection.setReceiveBufferSize(size) }
        default:
            break
        }
    }

    /// SO_WSK_EVENT_CALLBACK for a connection socket: WSK_EVENT_RECEIVE,
    /// WSK_EVENT_DISCONNECT and WSK_EVENT_SEND_BACKLOG, any together to
    /// enable, one with WSK_EVENT_DISABLE to disable; after connect (an
    /// accepted socket at once). Enabling needs the callback in the
    /// socket's dispatch. Bytes and a FIN that arrived before are indicated
    /// once enabled.
    func setEventCallback(_ mask: WskEventMask) -> NTStatus {
        guard connection != nil else { return .invalidDeviceState }
        let events = mask.subtracting(.disable)
        let supported: WskEventMask = [.receive, .disconnect, .sendBacklog]
        guard !events.isEmpty, supported.isSuperset(of: events) else { return .invalidParameter }
        if mask.contains(.disable) {
            guard events.rawValue.nonzeroBitCount == 1 else { return .invalidParameter }
            enabledEvents.subtract(events)
            return .success
        }
        if events.contains(.receive) && dispatch?.receiveEvent == nil { return .invalidParameter }
        if events.contains(.disconnect) && dispatch?.disconnectEvent == nil { return .invalidParameter }
        if events.contains(.sendBacklog) && dispatch?.sendBacklogEvent == nil { return .invalidParameter }
        enabledEvents.formUnion(events)
        if events.contains(.receive) || events.contains(.disconnect) { scheduleDelivery() }
        return .success
    }

    // MARK: - Closing

    override func releaseResources() {
        isClosed = true
        if let connection {
            // Bytes still lent cannot outlive their IRPs, which complete now: those connections reset.
            let lent = sendsHead < sends.count
            connection.owner = nil
            if options.closesAbortively || lent { connection.abort() } else { connection.release() }
        }
        if let bindHandle { stack.tcpUnbind(bindHandle) }
        bindHandle = nil
        completeConnect(.cancelled)
        while sendsHead < sends.count {
            let send = sends[sendsHead]
            sendsHead += 1
            if let irp = send.irp, irp.setCancelRoutine(nil) != nil { irp.complete(status: .cancelled) }
        }
        sends.removeAll()
        sendsHead = 0
        while receivesHead < receives.count {
            let receive = receives[receivesHead]
            receivesHead += 1
            if receive.irp.setCancelRoutine(nil) != nil {
                receive.irp.complete(status: .cancelled, information: receive.filled)
            } else {
                cancelling.append(receive)
            }
        }
        receives.removeAll()
        receivesHead = 0
        completeDisconnect(.cancelled)
        enabledEvents = []
        freeIndications.removeAll()
    }
}
