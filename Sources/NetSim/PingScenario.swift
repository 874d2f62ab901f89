import NDIS
import NetCore
import TCPIP

/// The demo's scenario: two hosts on one impaired wire, one pinging the
/// other at a fixed interval, with the replies and their round trips
/// recorded in virtual time.
public struct PingScenario {
    /// One line of a ping run: a reply, or a request that got none.
    public enum Event: Sendable, Equatable {
        case reply(sequence: UInt16, bytes: Int, ttl: UInt8, roundTrip: Duration)
        case sendFailed(sequence: UInt16, status: NTStatus)
    }

    /// What the run produced.
    public struct Result: Sendable {
        public var transmitted: Int
        public var received: Int
        public var events: [Event]
        public var roundTrips: [Duration]
        /// From the first request to the last.
        public var elapsed: Duration
        public var wire: WireStatistics
        public var pinger: TCPIPStatistics
        public var responder: TCPIPStatistics
        public var buffersOutstanding: Int

        /// Percentage of requests that got no reply.
        public var lossPercent: Double {
            transmitted == 0 ? 0 : Double(transmitted - received) * 100 / Double(transmitted)
        }
    }

    public var count = 10
    public var interval: Duration = .seconds(1)
    public var payloadLength = 56
    /// How long to wait for the last reply.
    public var timeout: Duration = .seconds(2)
    public var impairments = WireImpairments(loss: 0.1, delay: .milliseconds(10))
    public var seed: UInt64 = 1
    public let pingerAddress = IPv4Address(192, 0, 2, 1)
    public let responderAddress = IPv4Address(192, 0, 2, 2)

    public init() {}

    /// Runs the scenario; `captureSink` receives the pcapng, `onEvent` each line as it happens.
    public func run(captureSink: CaptureSink? = nil, onEvent: @escaping (Event) -> Void = { _ in }) throws(CaptureError) -> Result {
        let sim = try captureSink.map { sink throws(CaptureError) in try Simulation(seed: seed, captureSink: sink) }
            ?? Simulation(seed: seed)
        let wire = sim.addWire(impairments)
        let pinger = sim.addHost("alice")
        let responder = sim.addHost("bob")
        sim.attach(pinger, to: wire, address: pingerAddress, prefixLength: 24)
        sim.attach(responder, to: wire, address: responderAddress, prefixLength: 24)

        var events: [Event] = []
        var roundTrips: [Duration] = []
        var seen = Set<UInt16>()
        let identifier = UInt16(truncatingIfNeeded: seed &* 0x9E37 &+ 0x1234)
        pinger.stack.echoReplyHandler = { reply in
            guard reply.identifier == identifier, reply.source == responderAddress,
                  seen.insert(reply.sequenceNumber).inserted, let rtt = reply.roundTripTime
            else { return }
            roundTrips.append(rtt)
            let event = Event.reply(sequence: reply.sequenceNumber, bytes: reply.payloadLength + 8,
                                    ttl: reply.timeToLive, roundTrip: rtt)
            events.append(event)
            onEvent(event)
        }
        let start = sim.clock.now
        for i in 0..<count {
            let sequence = UInt16(truncatingIfNeeded: i + 1)
            sim.schedule(at: start + interval * i) {
                let status = pinger.stack.sendEchoRequest(to: responderAddress, identifier: identifier,
                                                          sequenceNumber: sequence, payloadLength: payloadLength)
                if !status.isSuccess {
                    let event = Event.sendFailed(sequence: sequence, status: status)
                    events.append(event)
                    onEvent(event)
                }
            }
        }
        let end = start + interval * max(count - 1, 0) + timeout
        sim.run(until: end)
        // Late replies no longer count; frames in flight land and unresolved
        // neighbours time out, so the buffer count is final.
        pinger.stack.echoReplyHandler = nil
        sim.run(for: .seconds(5))
        try sim.finishCapture()
        return Result(transmitted: count, received: roundTrips.count, events: events, roundTrips: roundTrips,
                      elapsed: interval * max(count - 1, 0), wire: wire.statistics, pinger: pinger.stack.statistics,
                      responder: responder.stack.statistics, buffersOutstanding: sim.buffersOutstanding)
    }
}
