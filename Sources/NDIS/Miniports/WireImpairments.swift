/// What a `VirtualWire` does to the frames it carries, in the manner of
/// Linux netem: every probability is drawn per frame from the wire's seeded
/// generator, so one seed gives one run.
public struct WireImpairments: Sendable, Equatable {
    /// Probability that a frame is lost.
    public var loss: Double = 0
    /// Probability that a frame is delivered twice.
    public var duplication: Double = 0
    /// Probability that a frame is held back by `reorderDelay`, so frames
    /// sent after it overtake it.
    public var reordering: Double = 0
    /// How long a reordered frame is held back.
    public var reorderDelay: Duration = .milliseconds(2)
    /// Probability that one random bit of a frame is flipped.
    public var corruption: Double = 0
    /// One-way propagation delay.
    public var delay: Duration = .zero
    /// Extra delay drawn uniformly from [0, jitter] per frame (frames may reorder).
    public var jitter: Duration = .zero
    /// Bits per second each port can put on the wire; nil is unlimited.
    public var bandwidth: UInt64?
    /// The largest payload after the Ethernet header; larger frames are dropped.
    public var mtu: Int = 1500
    /// Frames one port may have in flight; more are tail-dropped.
    public var queueLimit: Int = 4096
    /// Probability that an ECN-capable IP packet (ECT(0) or ECT(1)) is
    /// marked Congestion Experienced on its way, as an AQM router would
    /// (RFC 3168 §5), instead of being dropped.
    public var congestionMarking: Double = 0

    public init(loss: Double = 0, duplication: Double = 0, reordering: Double = 0, corruption: Double = 0,
                delay: Duration = .zero, jitter: Duration = .zero, bandwidth: UInt64? = nil, mtu: Int = 1500) {
        self.loss = loss
        self.duplication = duplication
        self.reordering = reordering
        self.corruption = corruption
        self.delay = delay
        self.jitter = jitter
        self.bandwidth = bandwidth
        self.mtu = mtu
    }
}

/// What a `VirtualWire` did with the frames it was given.
public struct WireStatistics: Sendable, Equatable {
    /// Frames handed to the wire.
    public var transmitted: UInt64 = 0
    /// Copies delivered to a receiving adapter.
    public var delivered: UInt64 = 0
    /// Frames lost to the loss impairment.
    public var lost: UInt64 = 0
    /// Extra copies made by the duplication impairment.
    public var duplicated: UInt64 = 0
    /// Frames held back by the reordering impairment.
    public var reordered: UInt64 = 0
    /// Frames with a bit flipped.
    public var corrupted: UInt64 = 0
    /// ECN-capable packets marked Congestion Experienced.
    public var congestionMarked: UInt64 = 0
    /// Frames larger than the wire's MTU.
    public var droppedTooBig: UInt64 = 0
    /// Frames dropped because a port's queue was full.
    public var droppedQueueFull: UInt64 = 0
    /// Copies dropped because the receiver had no free buffer.
    public var droppedNoBuffer: UInt64 = 0
    /// Copies dropped because the receiver was not running or filtered them out.
    public var droppedByReceiver: UInt64 = 0
    /// Frames sent from, or copies bound for, a port whose cable is out.
    public var droppedLinkDown: UInt64 = 0

    /// All zero.
    public init() {}
}
