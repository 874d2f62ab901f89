import NDIS
import NetCore
import TCPIP

/// The demo's scenario: two hosts on one impaired wire, one pinging the
/// other at a fixed interval, with the replies and their round trips
/// recorded in virtual time. Over IPv6 a third host, a router, advertises
/// a prefix: the hosts form link-local addresses, run DAD, solicit the
/// router and autoconfigure global addresses (SLAAC) before the first ping.
public struct PingScenario {
    /// One line of a ping run: a reply, or a request that got none.
    public enum Event: Sendable, Equatable {
        case reply(sequence: UInt16, bytes: Int, ttl: UInt8, roundTrip: Duration)
        case sendFailed(sequence: UInt16, status: NTStatus)
    }

    /// Why a run could not start.
    public enum Failure: Error, Sendable, Equatable {
        /// The capture file could not be written.
        case capture(CaptureError)
        /// IPv6 autoconfiguration did not give both hosts an address in time.
        case noAutoconfiguredAddress
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
        public var pingerStatistics: TCPIPStatistics
        public var responderStatistics: TCPIPStatistics
        public var buffersOutstanding: Int
        /// The address pinged from and the address pinged.
        public var pinger: IPAddress
        public var responder: IPAddress
        /// Virtual time spent on autoconfiguration before the first ping.
        public var setup: Duration

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
    /// Ping over IPv6, with router discovery and SLAAC first.
    public var ipv6 = false
    /// The prefix the simulated router advertises.
    public let ipv6Prefix = IPv6Prefix(address: IPv6Address(0x2001, 0xDB8, 1, 0, 0, 0, 0, 0), length: 64)!
    /// How long autoconfiguration may take before the run gives up.
    public var setupLimit: Duration = .seconds(60)

    public init() {}

    /// Runs the scenario; `captureSink` receives the pcapng, `onEvent` each line as it happens.
    /// `onReady` is told the two addresses once they are known.
    public func run(captureSink: CaptureSink? = nil, onReady: (IPAddress, IPAddress) -> Void = { _, _ in },
                    onEvent: @escaping (Event) -> Void = { _ in }) throws(Failure) -> Result {
        let sim: Simulation
        do {
            sim = try captureSink.map { sink throws(CaptureError) in try Simulation(seed: seed, captureSink: sink) }
                ?? Simulation(seed: seed)
        } catch { throw .capture(error) }
        let wire = sim.addWire(impairments)
        let pinger = sim.addHost("alice")
        let responder = sim.addHost("bob")
        let from: IPAddress
        let to: IPAddress
        let setupStart = sim.clock.now
        if ipv6 {
            let router = sim.addHost("router") { $0.forwarding = true }
            let routerInterface = sim.attach(router, to: wire)
            router.stack.addAddress(IPv6Address(prefix: ipv6Prefix, interfaceIdentifier: 1)!, prefixLength: 64,
                                    to: routerInterface)
            var advertiser = RouterAdvertiserConfiguration()
            advertiser.prefixes = [.init(ipv6Prefix)]
            advertiser.minInterval = .seconds(3)
            advertiser.maxInterval = .seconds(10)
            router.stack.advertise(advertiser, on: routerInterface)
            let pingerInterface = sim.attach(pinger, to: wire)
            let responderInterface = sim.attach(responder, to: wire)
            func global(_ interface: IPInterface) -> IPv6Address? {
                interface.ipv6Addresses.first { ipv6Prefix.contains($0.address) && $0.dadState == .preferred }?.address
            }
            while global(pingerInterface) == nil || global(responderInterface) == nil {
                guard sim.clock.now - setupStart < setupLimit else { throw .noAutoconfiguredAddress }
                sim.run(for: .milliseconds(100))
            }
            from = .v6(global(pingerInterface)!)
            to = .v6(global(responderInterface)!)
        } else {
            sim.attach(pinger, to: wire, address: pingerAddress, prefixLength: 24)
            sim.attach(responder, to: wire, address: responderAddress, prefixLength: 24)
            from = .v4(pingerAddress)
            to = .v4(responderAddress)
        }
        let setup = sim.clock.now - setupStart
        onReady(from, to)

        var events: [Event] = []
        var roundTrips: [Duration] = []
        var seen = Set<UInt16>()
        let identifier = UInt16(truncatingIfNeeded: seed &* 0x9E37 &+ 0x1234)
        pinger.stack.echoReplyHandler = { reply in
            guard reply.identifier == identifier, reply.source == to,
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
                let status: NTStatus
                switch to {
                case .v4(let address):
                    status = pinger.stack.sendEchoRequest(to: address, identifier: identifier,
                                                          sequenceNumber: sequence, payloadLength: payloadLength)
                case .v6(let address):
                    status = pinger.stack.sendEchoRequest(to: address, identifier: identifier,
                                                          sequenceNumber: sequence, payloadLength: payloadLength)
                }
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
        do { try sim.finishCapture() } catch { throw .capture(error) }
        return Result(transmitted: count, received: roundTrips.count, events: events, roundTrips: roundTrips,
                      elapsed: interval * max(count - 1, 0), wire: wire.statistics,
                      pingerStatistics: pinger.stack.statistics, responderStatistics: responder.stack.statistics,
                      buffersOutstanding: sim.buffersOutstanding, pinger: from, responder: to, setup: setup)
    }
}
