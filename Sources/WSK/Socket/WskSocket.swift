import NetCore
import TCPIP

/// WSK_SOCKET: a socket the provider made, with the category's provider
/// dispatch as its methods. A basic socket is a plain `WskSocket`; the
/// other categories are subclasses.
///
/// Socket calls, completions and event callbacks run on the stack's engine
/// thread (WSK's DISPATCH_LEVEL): a call from inside a callback runs inline.
public class WskSocket: @unchecked Sendable {
    // @unchecked: a socket is touched on its engine thread only; requests
    // from other threads (a cancel, the async overlay) are marshalled there
    // through `WskSubsystem.runOnEngine`.

    /// The address family it was made for.
    public let addressFamily: AddressFamily
    /// SocketType.
    public let socketType: WskSocketType
    /// Protocol (IPPROTO_*).
    public let protocolNumber: UInt32
    /// The category (Flags of WskSocket).
    public let category: WskSocketFlags
    /// SocketContext: the client's own value, passed back to its callbacks.
    /// Set at creation, or — for a socket WskAcceptEvent delivers — by the
    /// client's AcceptSocketContext answer.
    public internal(set) var socketContext: AnyObject?
    /// The client object it belongs to.
    let client: WskClient
    /// The registration it counts against until closed.
    let registration: WskRegistration
    /// Set by WskCloseSocket: every later call fails with STATUS_INVALID_DEVICE_STATE.
    public internal(set) var isClosed = false

    init(client: WskClient, registration: WskRegistration, addressFamily: AddressFamily, socketType: WskSocketType,
         protocolNumber: UInt32, category: WskSocketFlags, socketContext: AnyObject?) {
        self.client = client
        self.registration = registration
        self.addressFamily = addressFamily
        self.socketType = socketType
        self.protocolNumber = protocolNumber
        self.category = category
        self.socketContext = socketContext
    }

    /// The subsystem the socket lives in.
    public var subsystem: WskSubsystem { client.subsystem }

    /// WskControlSocket: sets or gets an option, or performs an IOCTL.
    /// The IRP is required for options and for the IOCTLs that take one;
    /// with it the call completes it (inline here, since nothing waits).
    /// STATUS_INVALID_PARAMETER for a missing or short input buffer,
    /// STATUS_BUFFER_TOO_SMALL for a short output buffer,
    /// STATUS_NOT_SUPPORTED for an option or IOCTL this socket does not have,
    /// STATUS_INVALID_DEVICE_STATE after close.
    public func controlSocket(_ requestType: WskControlSocketType, controlCode: UInt32, level: UInt32,
                              input: UnsafeRawBufferPointer?, output: UnsafeMutableRawBufferPointer?,
                              outputSizeReturned: UnsafeMutablePointer<Int>?, irp: IRP?) -> NTStatus {
        guard !isClosed else { return finish(irp, .invalidDeviceState) }
        var written = 0
        let status = control(requestType, controlCode: controlCode, level: level, input: input, output: output,
                             written: &written)
        outputSizeReturned?.pointee = written
        return finish(irp, status, information: written)
    }

    /// The category's options and IOCTLs; a basic socket has only the
    /// address-sharing options, which it can hold but not use.
    func control(_ requestType: WskControlSocketType, controlCode: UInt32, level: UInt32,
                 input: UnsafeRawBufferPointer?, output: UnsafeMutableRawBufferPointer?, written: inout Int) -> NTStatus {
        .notSupported
    }

    /// WskCloseSocket: cancels every pending IRP, gives the socket's
    /// buffers back and frees the socket. Never fails; the IRP is required.
    /// Indications the client still holds must be released first.
    public func closeSocket(_ irp: IRP) -> NTStatus {
        guard !isClosed else { return finish(irp, .invalidDeviceState) }
        releaseResources()
        isClosed = true
        registration.socketClosed()
        subsystem.socketClosed()
        return finish(irp, .success)
    }

    /// What closing releases, per category.
    func releaseResources() {}

    // MARK: - Deferred delivery

    var deliveryScheduled = false
    /// Keeps the socket alive until a scheduled pass has run, however soon the client lets go of it.
    var scheduledSelf: WskSocket?

    /// Queues one delivery pass on the engine (what an event just enabled or
    /// resumed has waiting); further requests before it runs are folded into it.
    func scheduleDelivery() {
        guard !deliveryScheduled else { return }
        deliveryScheduled = true
        scheduledSelf = self
        subsystem.runOnEngine(deliveryPass)
    }

    /// The queued pass, made once: a closure per scheduling would allocate.
    lazy var deliveryPass: @Sendable () -> Void = { [unowned(unsafe) self] in
        self.deliveryScheduled = false
        defer { self.scheduledSelf = nil }
        self.deliver()
    }

    /// What a delivery pass does, per category.
    func deliver() {}

    /// Drops the taken front of a head-indexed queue: all of it once the
    /// queue is empty, or — so that a queue that never empties, like the
    /// receives of a client that keeps IRPs posted, does not grow by one
    /// element per datagram forever — once it is the larger half, by moving
    /// the rest down (amortized O(1), in place, capacity kept).
    func compact<Element>(_ elements: inout [Element], head: inout Int) {
        if head == elements.count {
            elements.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 16 && head * 2 >= elements.count {
            elements.removeFirst(head)
            head = 0
        }
    }

    /// Completes `irp` (if any) with `status` and returns `status`, the
    /// inline half of WSK's return contract.
    @discardableResult
    func finish(_ irp: IRP?, _ status: NTStatus, information: Int = 0) -> NTStatus {
        irp?.complete(status: status, information: information)
        return status
    }
}
