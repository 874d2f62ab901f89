import NDIS
import NetCore

/// One TCP connection: the transmission control block of RFC 9293 §3.3.1
/// and everything that runs on it — the state machine, the options
/// negotiated at the handshake, loss recovery (SACK, RACK-TLP, NewReno's
/// partial ACKs), congestion control, flow control with receive-window
/// auto-tuning, and the connection's timers.
///
/// The sender keeps no copy of the data, as WSK has it: a send lends the
/// client's buffer until every byte of it is acknowledged, and segments —
/// first transmissions and retransmissions alike — are copied from there
/// straight into the send buffer. Received data goes straight to the owner
/// when it can take it (one copy, into a posted receive), and otherwise
/// into one ring that also holds what arrived out of order.
///
/// Not thread-safe: a connection belongs to its stack's engine thread.
public final class TCPConnection {
    /// The stack the connection lives in.
    public unowned let stack: TCPIPStack
    /// The connection's number in its stack.
    public let id: UInt32
    /// The local address and port.
    public internal(set) var local: TransportAddress
    /// The peer's address and port.
    public internal(set) var remote: TransportAddress
    /// Where the connection stands.
    public internal(set) var state: TCPState = .closed
    /// Who hears about the connection (the WSK socket). Weak: the owner holds the connection.
    public weak var owner: (any TCPConnectionOwner)?
    /// The listener a passive open came through, until the connection is accepted.
    weak var listener: TCPListener?
    /// The demultiplexer entry held for an explicit bind (nil for an ephemeral or accepted connection).
    var bindHandle: UInt32?
    /// Whether this connection's port was claimed for it alone in the bind table.
    var ownsPort = false

    // MARK: Send sequence space (RFC 9293 §3.3.1)

    /// ISS.
    var iss = TCPSeq(0)
    /// SND.UNA.
    var sndUna = TCPSeq(0)
    /// SND.NXT.
    var sndNxt = TCPSeq(0)
    /// SND.WND, scaled.
    var sndWnd = 0
    /// SND.WL1 and SND.WL2: the segment that last updated the window.
    var sndWL1 = TCPSeq(0)
    var sndWL2 = TCPSeq(0)
    /// MAX.SND.WND (RFC 5961 §5).
    var maxSndWnd = 0
    /// The peer's window-scale shift (0 without the option).
    var sndShift = 0
    /// The largest segment the peer takes (its MSS option, or 536/1220 without one).
    var peerMSS = 536

    // MARK: Receive sequence space

    /// IRS.
    var irs = TCPSeq(0)
    /// RCV.NXT.
    var rcvNxt = TCPSeq(0)
    /// This side's window-scale shift (0 when not negotiated).
    var rcvShift = 0
    /// The right edge last advertised: the window never shrinks below it (RFC 9293 §3.8.6.2.2).
    var rcvAdvertisedEdge = TCPSeq(0)
    /// Last.ACK.sent (RFC 7323 §4.3).
    var lastACKSent = TCPSeq(0)

    // MARK: Options

    /// Timestamps negotiated (RFC 7323).
    public internal(set) var timestampsEnabled = false
    /// SACK negotiated (RFC 2018).
    public internal(set) var sackEnabled = false
    /// Window scaling negotiated (RFC 7323 §2).
    public internal(set) var windowScalingEnabled = false
    /// TS.Recent.
    var tsRecent: UInt32 = 0
    /// When TS.Recent was last set (PAWS's 24-day rule, RFC 7323 §5.5).
    var tsRecentTime = Instant.zero
    /// Added to the stack clock's milliseconds in TSval, so timestamps do not reveal uptime (RFC 7323 §5.4).
    var tsOffset: UInt32 = 0
    /// The data bytes per segment (see `refreshMSS`).
    var mssCache = 536
    /// The MSS this side announced.
    var announcedMSS = 1460

    // MARK: Send queue

    /// The client buffers lent to the connection, oldest first.
    var sendQueue: [TCPSendRequest] = []
    /// Index of the first live request in `sendQueue`.
    var sendQueueHead = 0
    /// Stream offset (data bytes from the first one) of SND.UNA's data byte.
    var ackedOffset: Int64 = 0
    /// Stream offset just past the last byte queued.
    var queuedOffset: Int64 = 0
    /// The connection's first data byte: ISS + 1.
    var dataStart: TCPSeq { iss + 1 }
    /// The close was asked for: a FIN follows the queued data.
    var finQueued = false
    /// The FIN's sequence number, once queued.
    var finSeq: TCPSeq?
    /// The owner was told its FIN was acknowledged.
    var finAckReported = false

    // MARK: Loss recovery and congestion control

    var retransmissions: TCPRetransmissionQueue
    var rtt: TCPRoundTripEstimator
    var congestion: any TCPCongestionControl
    /// In fast recovery, until SND.UNA passes `recoveryPoint`.
    var inRecovery = false
    var recoveryPoint = TCPSeq(0)
    /// Duplicate ACKs in a row (NewReno without SACK).
    var duplicateACKs = 0
    /// Retransmissions of the oldest segment since SND.UNA last moved: the abort counter.
    var retransmitCount = 0
    /// A tail loss probe is outstanding (RFC 8985 §7.3).
    var probeOutstanding = false
    /// When the connection last sent or received data (idle restart, keep-alive).
    var lastActivity = Instant.zero
    var lastSendTime = Instant.zero
    /// Whether the sender had filled the window when the last ACK came (RFC 7661).
    var windowLimited = false
    /// The ideal send backlog last reported.
    var reportedBacklog = 0
    /// An ECN-Echo must be answered with CWR on the next data segment.
    var ecnEnabled = false
    var sendCWR = false
    var ecnEchoPending = false
    var ecnRecoveryPoint = TCPSeq(0)

    // MARK: Receive

    var receiveBuffer: TCPReceiveBuffer
    /// The peer's FIN arrived in order.
    var peerFinished = false
    /// A FIN seen beyond a hole, processed when the hole fills.
    var pendingPeerFin: TCPSeq?
    /// Bytes that arrived twice, reported once in a D-SACK block (RFC 2883).
    var pendingDSACK: TCPSACKBlock?
    /// The largest data segment received (the peer's effective MSS, as Linux estimates rcv_mss).
    var largestSegmentReceived = 0
    /// Full segments received since the last ACK (delayed ACK).
    var unacknowledgedSegments = 0
    /// An ACK must go out now.
    var ackNow = false
    /// Auto-tuning: bytes delivered in the current measurement round and when it began.
    var autotuneBytes = 0
    var autotuneStart = Instant.zero
    /// The application set SO_RCVBUF: auto-tuning stays off (as Windows does).
    var receiveBufferFixed = false

    // MARK: Timers

    var retransmitDeadline: Instant?
    var retransmitIsProbe = false
    var reorderDeadline: Instant?
    var delayedACKDeadline: Instant?
    var persistDeadline: Instant?
    var persistBackoff = 0
    /// Zero-window probes sent since the peer was last heard from.
    var persistProbesUnanswered = 0
    var keepAliveDeadline: Instant?
    var keepAliveProbesSent = 0
    var timeWaitDeadline: Instant?
    var finWait2Deadline: Instant?
    /// The stack timer armed for the earliest deadline, and when.
    var timerID: TimerID?
    var armedDeadline: Instant?
    /// SYN or SYN-ACK transmissions so far.
    var synTransmissions = 0

    // MARK: Settings

    /// TCP_NODELAY: Nagle off.
    public var noDelay = false
    /// SO_KEEPALIVE.
    public var keepAlive = false {
        didSet { if keepAlive != oldValue { scheduleKeepAlive() } }
    }
    /// When the connection was opened (traces are timed from here).
    public internal(set) var openedAt = Instant.zero
    /// Called with each trace sample when set (`netkernel demo --trace`).
    public var tracer: ((TCPTraceSample) -> Void)?
    /// The connection's own counters.
    public internal(set) var counters = TCPConnectionCounters()
    /// The last soft ICMP error: reported instead of STATUS_IO_TIMEOUT if the connection times out.
    var softError: NTStatus?
    /// Whether `tcpClosed` went to the owner.
    var closeReported = false

    init(stack: TCPIPStack, id: UInt32, local: TransportAddress, remote: TransportAddress) {
        self.stack = stack
        self.id = id
        self.local = local
        self.remote = remote
        let tcp = stack.configuration.tcp
        retransmissions = TCPRetransmissionQueue(maximumSegmentSize: 536)
        rtt = TCPRoundTripEstimator(initialRTO: tcp.initialRTO, minimumRTO: tcp.minimumRTO, maximumRTO: tcp.maximumRTO)
        congestion = tcp.congestionControl.make(maximumSegmentSize: 536, initialWindowSegments: tcp.initialWindowSegments)
        receiveBuffer = TCPReceiveBuffer(capacity: tcp.receiveBuffer, maximumRanges: tcp.maximumOutOfOrderRanges)
        keepAlive = tcp.keepAliveByDefault
    }

    /// The 4-tuple the stack files the connection under.
    var key: TCPConnectionKey { TCPConnectionKey(local: local, remote: remote) }
    /// Whether the connection runs over IPv4 (its addresses are IPv4-mapped).
    public var isIPv4: Bool { remote.isIPv4 }

    // MARK: Observing

    /// The congestion window, bytes.
    public var congestionWindow: Int { congestion.congestionWindow }
    /// The slow-start threshold, bytes.
    public var slowStartThreshold: Int { congestion.slowStartThreshold }
    /// The smoothed round-trip time, once measured.
    public var smoothedRTT: Duration? { rtt.smoothedRTT }
    /// The current retransmission timeout.
    public var retransmissionTimeout: Duration { rtt.rto }
    /// The largest data segment this side sends.
    public var maximumSegmentSize: Int { effectiveMSS }
    /// The peer's window, scaled.
    public var sendWindow: Int { sndWnd }
    /// The window this side offers now.
    public var receiveWindow: Int { receiveBuffer.window }
    /// The receive buffer's capacity (grown by auto-tuning).
    public var receiveBufferSize: Int { receiveBuffer.capacity }
    /// Bytes in flight: sent and not yet acknowledged.
    public var flightSize: Int { sndNxt - sndUna }
    /// Bytes sent, not yet acknowledged, by the send queue.
    public var unsentBytes: Int { Int(queuedOffset - sentOffset) }
    /// Whether the peer's FIN arrived: no more data will come.
    public var peerHasClosed: Bool { peerFinished }
    /// Bytes the receive buffer holds in order, ready to read.
    public var readableBytes: Int { receiveBuffer.readable }
    /// Heap bytes the connection holds beyond the object itself (memory accounting).
    public var allocatedBytes: Int { receiveBuffer.allocatedBytes + sendQueue.capacity * MemoryLayout<TCPSendRequest>.stride }

    /// The sequence number SND.UNA's data stream offset (`ackedOffset`) stands for.
    /// Once the FIN is acknowledged SND.UNA lies past it, but the FIN holds no
    /// data byte: the stream ends at the FIN's sequence number.
    var streamBaseSeq: TCPSeq {
        let una = finSeq.map { TCPSeq.min(sndUna, $0) } ?? sndUna
        return TCPSeq.max(una, dataStart)
    }

    /// The data stream offset of sequence number `seq` (at or after ISS+1, inside the window).
    func offset(of seq: TCPSeq) -> Int64 { ackedOffset + Int64(seq - streamBaseSeq) }

    /// The sequence number of data stream offset `offset`.
    func sequence(ofOffset offset: Int64) -> TCPSeq { streamBaseSeq + Int(offset - ackedOffset) }

    /// Stream offset just past the last data byte sent.
    var sentOffset: Int64 {
        guard sndNxt > dataStart else { return ackedOffset }
        return offset(of: finSeq.map { TCPSeq.min(sndNxt, $0) } ?? sndNxt)
    }
}
