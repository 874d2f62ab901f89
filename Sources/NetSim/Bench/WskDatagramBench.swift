import NDIS
import NetCore
import TCPIP
import WSK

/// UDP datagrams between two simulated hosts through WSK, on a wire without
/// impairments: alice's socket sends with WskSendTo — one IRP and one
/// client buffer, reused for every datagram — and bob's socket receives in
/// one of two ways. What is measured is the whole datagram path: the copy
/// from the client's buffer into a send buffer, UDP, IPv4, ARP, NDIS and
/// the wire on one side; NDIS, IPv4, the UDP checksum and demultiplexer and
/// the WSK receive on the other.
public final class WskDatagramBench {
    /// How the receiving socket takes its datagrams.
    public enum ReceiveMode: Sendable, CaseIterable {
        /// WskReceiveFromEvent returning STATUS_SUCCESS: each datagram is
        /// lent in place, in the received frame, and copied nowhere.
        case event
        /// WskReceiveFrom IRPs kept posted: each datagram is copied once,
        /// into the buffer of the oldest IRP, which completes.
        case receiveIRPs
    }

    /// One WskReceiveFrom kept posted: its IRP, buffer, sender address and
    /// completion routine, made once and reused for every datagram.
    struct ReceiveSlot {
        let irp = IRP()
        let region: UnsafeMutableRawBufferPointer
        let buffer: WSKBuf
        let remote = UnsafeMutablePointer<SocketAddress>.allocate(capacity: 1)
        let completion: IRP.CompletionRoutine

        /// A slot whose completion routine reports `index` to `log`.
        init(index: Int, capacity: Int, expectedLength: Int, log: ReceiveLog) {
            region = .allocate(byteCount: capacity, alignment: 16)
            buffer = WSKBuf(mdl: MDL(region), offset: 0, length: capacity)
            remote.initialize(to: .v4(.any, port: 0))
            completion = { irp in
                let result = irp.ioStatus
                // Closing the socket completes the posted receives with STATUS_CANCELLED: nothing to note.
                if result.status == .success {
                    precondition(result.information == expectedLength, "a whole datagram arrived")
                    log.completedSlots.append(index)
                }
                return .moreProcessingRequired
            }
        }

        func deallocate() {
            region.deallocate()
            remote.deallocate()
        }
    }

    /// What bob's socket received. Completed receive IRPs are only noted
    /// here, and posted again by the bench once the simulation step is over:
    /// posting from the completion routine itself would nest one receive
    /// inside another whenever datagrams wait in the socket's queue (the new
    /// IRP completes inline, its routine posts again, …).
    final class ReceiveLog: @unchecked Sendable {
        // @unchecked: the event callback and the completion routines run on
        // the simulation's one thread, which is also the bench's.
        var delivered = 0
        var completedSlots: [Int] = []
    }

    public let simulation = Simulation(seed: 4)
    let alice: SimHost
    let bob: SimHost
    let aliceClient: WskBenchClient
    let bobClient: WskBenchClient
    let sender: WskDatagramSocket
    let receiver: WskDatagramSocket
    let destination = SocketAddress.v4(IPv4Address(192, 0, 2, 2), port: 9)
    let sendIRP = IRP()
    let payload: UnsafeMutableRawBufferPointer
    let sendBuffer: WSKBuf
    let batch: Int
    var slots: [ReceiveSlot] = []
    let log = ReceiveLog()
    var closed = false

    /// A bench sending `payloadLength`-byte datagrams in bursts of `batch`
    /// per simulation step; in `.receiveIRPs` mode bob keeps `receiveIRPs`
    /// receives posted, so a burst no larger than that never waits in the
    /// socket's queue.
    public init(mode: ReceiveMode, payloadLength: Int = 64, batch: Int = 32, receiveIRPs: Int = 32) {
        precondition(payloadLength > 0 && payloadLength <= 1472 && batch > 0 && receiveIRPs > 0)
        self.batch = batch
        let wire = simulation.addWire(WireImpairments())
        alice = simulation.addHost("alice")
        bob = simulation.addHost("bob")
        simulation.attach(alice, to: wire, address: IPv4Address(192, 0, 2, 1), prefixLength: 24)
        simulation.attach(bob, to: wire, address: IPv4Address(192, 0, 2, 2), prefixLength: 24)
        aliceClient = WskBenchClient(host: alice)
        bobClient = WskBenchClient(host: bob)
        payload = .allocate(byteCount: payloadLength, alignment: 16)
        for i in 0..<payloadLength { payload[i] = UInt8(truncatingIfNeeded: i) }
        sendBuffer = WSKBuf(mdl: MDL(payload), offset: 0, length: payloadLength)
        sender = aliceClient.datagramSocket()
        aliceClient.bind(sender, to: .v4(.any, port: 0))

        let log = self.log
        let expected = payloadLength
        let dispatch = WskClientDatagramDispatch { _, _, indication in
            var current = indication
            while let datagram = current {
                precondition(datagram.buffer.length == expected, "a whole datagram arrived")
                log.delivered += 1
                current = datagram.next
            }
            return .success
        }
        receiver = bobClient.datagramSocket(dispatch: mode == .event ? dispatch : nil)
        bobClient.bind(receiver, to: .v4(.any, port: 9))
        switch mode {
        case .event:
            bobClient.enableReceiveFromEvent(receiver)
        case .receiveIRPs:
            // Room for the largest UDP payload of a 1500-byte frame, as a client posts for any datagram.
            slots = (0..<receiveIRPs).map {
                ReceiveSlot(index: $0, capacity: 1472, expectedLength: payloadLength, log: log)
            }
            log.completedSlots.reserveCapacity(receiveIRPs)
            for index in slots.indices { post(index) }
        }
        // ARP, the first buffers of each pool, and every array's capacity
        // settle here, before anything is measured.
        run(datagrams: batch * 4)
    }

    deinit {
        close()
        payload.deallocate()
        for slot in slots { slot.deallocate() }
    }

    /// Sends `count` datagrams, `batch` per simulation step; returns how
    /// many bob's socket took meanwhile.
    @discardableResult
    public func run(datagrams count: Int) -> Int {
        let before = delivered
        var left = count
        while left > 0 {
            let n = min(batch, left)
            for _ in 0..<n { send() }
            simulation.run(until: simulation.clock.now)
            postCompleted()
            left -= n
        }
        return delivered - before
    }

    /// WskSendTo with the one IRP, reused; it completes inline.
    func send() {
        sendIRP.reuse()
        let status = sender.sendTo(sendBuffer, remoteAddress: destination, irp: sendIRP)
        precondition(status == .success, "WskSendTo: \(status)")
    }

    /// WskReceiveFrom with a slot's IRP, reused.
    func post(_ index: Int) {
        let slot = slots[index]
        slot.irp.reuse()
        slot.irp.setCompletionRoutine(slot.completion)
        let status = receiver.receiveFrom(slot.buffer, remoteAddress: slot.remote, irp: slot.irp)
        precondition(status == .pending || status == .success, "WskReceiveFrom: \(status)")
    }

    /// Counts and re-posts the receives that completed during the step. A
    /// re-post may complete at once from the socket's queue, appending to
    /// the list being walked, which the index loop picks up.
    func postCompleted() {
        var i = 0
        while i < log.completedSlots.count {
            log.delivered += 1
            post(log.completedSlots[i])
            i += 1
        }
        log.completedSlots.removeAll(keepingCapacity: true)
    }

    /// Datagrams bob's socket has taken, by event or by IRP.
    public var delivered: Int { log.delivered }

    /// Closes both sockets (bob's pending receives complete cancelled) and
    /// lets the simulation settle.
    public func close() {
        guard !closed else { return }
        closed = true
        aliceClient.close(sender)
        bobClient.close(receiver)
        simulation.run(until: simulation.clock.now)
    }

    /// What is still held anywhere — buffers in the pools and on the wire,
    /// the stacks' UDP endpoints, the subsystems' open sockets: zero once closed.
    public var resourcesOutstanding: Int {
        simulation.buffersOutstanding + simulation.wires.reduce(0) { $0 + $1.framesInFlight }
            + alice.stack.udpEndpoints.count + bob.stack.udpEndpoints.count
            + alice.wsk.statistics.socketsOpen + bob.wsk.statistics.socketsOpen
    }
}
