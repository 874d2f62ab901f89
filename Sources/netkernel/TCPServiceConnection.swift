import NetCore
import WSK

/// One accepted connection of a serve TCP service, driven by IRPs: a
/// WskReceive always posted into the connection's buffer; what arrives is
/// handed to `received(_:)`, which may send (WskSend of buffers that
/// outlive the send: WSK does not copy them) and, once its sends are
/// done, post the next receive. The peer's FIN (a receive of 0 bytes)
/// calls `peerFinished()`; `close` ends with WskDisconnect and WskCloseSocket.
///
/// Engine-thread only (completion routines run there); hence @unchecked Sendable.
class TCPServiceConnection: @unchecked Sendable {
    // @unchecked: engine-thread only (see above).
    let socket: WskConnectionSocket
    unowned let listener: TCPServiceListener
    let receiveBuffer: UnsafeMutableRawBufferPointer
    let receiveMDL: MDL
    let receiveIRP = IRP()
    let disconnectIRP = IRP()
    /// Sends outstanding; the next receive waits for them when `receiveAfterSends`.
    var sendsOutstanding = 0
    var receiveAfterSends = false
    var closed = false
    var bytesIn: UInt64 = 0
    var bytesOut: UInt64 = 0
    /// Send IRPs kept for reuse (one per outstanding send at most).
    var freeSendIRPs: [IRP] = []

    init(socket: WskConnectionSocket, listener: TCPServiceListener, bufferSize: Int = 256 << 10) {
        self.socket = socket
        self.listener = listener
        receiveBuffer = .allocate(byteCount: bufferSize, alignment: 64)
        receiveMDL = MDL(receiveBuffer)
    }

    deinit { receiveBuffer.deallocate() }

    func start() { postReceive() }

    /// Posts the WskReceive that brings the next bytes.
    func postReceive() {
        guard !closed else { return }
        receiveIRP.reuse()
        receiveIRP.setCompletionRoutine { [self] irp in
            let status = irp.ioStatus.status
            let count = irp.ioStatus.information
            if status != .success {
                close(abortive: true)
            } else if count == 0 {
                peerFinished()
            } else {
                bytesIn &+= UInt64(count)
                received(UnsafeRawBufferPointer(receiveBuffer.slice(0, count)))
            }
            return .moreProcessingRequired
        }
        _ = socket.receive(WSKBuf(mdl: receiveMDL, offset: 0, length: receiveBuffer.count), irp: receiveIRP)
    }

    /// Bytes arrived (lent until the next receive is posted). The default posts the next receive.
    func received(_ bytes: UnsafeRawBufferPointer) { postReceive() }

    /// The peer sent its FIN. The default closes gracefully.
    func peerFinished() { close(abortive: false) }

    /// WskSend of `length` bytes of `mdl` from `offset`; the MDL's memory must
    /// stay valid until the send completes. `then` runs on completion.
    func send(_ mdl: MDL, offset: Int = 0, length: Int, then: (@Sendable () -> Void)? = nil) {
        guard !closed else { return }
        let irp = freeSendIRPs.popLast() ?? IRP()
        irp.reuse()
        sendsOutstanding += 1
        irp.setCompletionRoutine { [self] irp in
            sendsOutstanding -= 1
            freeSendIRPs.append(irp)
            if irp.ioStatus.status == .success {
                bytesOut &+= UInt64(irp.ioStatus.information)
                then?()
                if sendsOutstanding == 0 && receiveAfterSends {
                    receiveAfterSends = false
                    postReceive()
                }
            } else {
                close(abortive: true)
            }
            return .moreProcessingRequired
        }
        _ = socket.send(WSKBuf(mdl: mdl, offset: offset, length: length), irp: irp)
    }

    /// Posts the next receive now, or once every send has completed.
    func receiveWhenSent() {
        if sendsOutstanding == 0 { postReceive() } else { receiveAfterSends = true }
    }

    /// WskDisconnect (graceful: after the sends, the FIN; or abortive: a
    /// RST), then WskCloseSocket once it completes.
    func close(abortive: Bool) {
        guard !closed else { return }
        closed = true
        if abortive {
            _ = socket.disconnect(nil, flags: WskFlag.abortive, irp: disconnectIRP)
            finishClose()
            return
        }
        disconnectIRP.reuse()
        disconnectIRP.setCompletionRoutine { [self] _ in
            finishClose()
            return .moreProcessingRequired
        }
        _ = socket.disconnect(nil, flags: 0, irp: disconnectIRP)
    }

    func finishClose() {
        _ = socket.closeSocket(IRP())
        listener.finished(self)
    }
}

/// TCP echo (RFC 862): every byte goes back; the next receive waits until
/// the echo is sent, so a fast sender is held back by TCP's own window.
final class EchoConnection: TCPServiceConnection, @unchecked Sendable {
    // @unchecked: engine-thread only, as its base class.
    override func received(_ bytes: UnsafeRawBufferPointer) {
        send(receiveMDL, length: bytes.count)
        receiveWhenSent()
    }

    override func peerFinished() {
        // The FIN follows whatever echo is still on its way.
        close(abortive: false)
    }
}

/// TCP discard (RFC 863): everything is read and thrown away.
final class DiscardConnection: TCPServiceConnection, @unchecked Sendable {
    // @unchecked: engine-thread only, as its base class.
}
