import Testing
@testable import TCPIP
import NDIS
import NetCore

// A scripted TCP peer for the state-machine tests: the sniffer plays the
// other end of a connection with host 0 of a TestNetwork, sending segments
// whose every field the test chooses and reading back, parsed, every
// segment the stack sends it. Nothing in here runs TCP: sequence numbers
// the peer tracks are only defaults a test may override.

/// One TCP segment the stack sent to the peer, read back from the wire.
struct PeerSegment: CustomStringConvertible {
    /// When the sniffer caught it.
    let time: Instant
    let sourcePort: UInt16
    let destinationPort: UInt16
    let seq: TCPSeq
    let ack: TCPSeq
    let flags: TCPFlags
    let window: UInt16
    let options: TCPOptions
    let payload: [UInt8]
    /// The IP packet that carried it, as an ICMP error would quote it.
    let packet: [UInt8]
    /// IPv4's Don't Fragment bit; nil over IPv6.
    let dontFragment: Bool?

    /// SEG.LEN: the payload and one each for SYN and FIN.
    var length: Int { payload.count + (flags.contains(.syn) ? 1 : 0) + (flags.contains(.fin) ? 1 : 0) }
    /// The sequence number just past the segment.
    var end: TCPSeq { seq + length }

    var description: String {
        var text = "\(time) [\(flags)] seq \(seq) ack \(ack) win \(window) len \(payload.count)"
        if let mss = options.maximumSegmentSize { text += " mss \(mss)" }
        if let shift = options.windowScale { text += " ws \(shift)" }
        if options.sackPermitted { text += " sackOK" }
        if let ts = options.timestamp { text += " ts \(ts.value)/\(ts.echoReply)" }
        if !options.sackBlocks.isEmpty { text += " sack \(options.sackBlocks.count)" }
        return text
    }
}

/// The far end of the stack's TCP connections, played from the sniffer.
final class TCPPeer {
    enum Family {
        case v4
        case v6
    }

    /// Host 0's addresses and the peer's, from the documentation ranges.
    static let hostV4 = TestNetwork.address(0)
    static let peerV4 = IPv4Address(192, 0, 2, 99)
    static let routerV4 = IPv4Address(192, 0, 2, 254)
    static let hostV6 = IPv6Address("2001:db8::1")!
    static let peerV6 = IPv6Address("2001:db8::99")!
    static let routerV6 = IPv6Address("2001:db8::fe")!

    let family: Family
    let net: TestNetwork
    var host: TestHost { net.hosts[0] }
    var stack: TCPIPStack { host.stack }
    var now: Instant { net.now }

    /// The peer's own port, and the stack's port in the conversation.
    var port: UInt16 = 40_000
    var hostPort: UInt16 = 80

    /// Defaults for the next segment: SEG.SEQ (moved past whatever the
    /// peer sends), SEG.ACK (moved past whatever the stack sends in order),
    /// SEG.WND.
    var sndNxt = TCPSeq(0x1000_0000)
    var rcvNxt = TCPSeq(0)
    var window: UInt16 = 65_535
    /// Whether segments without explicit options carry a Timestamps option
    /// (TSval from `tsClock`, TSecr the last TSval the stack sent).
    var timestamps = false
    var tsClock: UInt32 = 5_000
    var tsRecent: UInt32 = 0
    /// Whether ARP requests and Neighbor Solicitations for the peer are answered.
    var answersResolution = true

    /// Every segment the stack sent the peer, oldest first, and how many a test has taken.
    private(set) var segments: [PeerSegment] = []
    private var taken = 0
    private var scanned = 0
    /// Buffers lent to connections by `lend`, freed with the peer (after the stack is gone).
    private var lent: [UnsafeMutableRawBufferPointer] = []

    /// A network whose host 0 is the stack under test, `configure` applied
    /// to its TCP settings (and `stackConfigure` to the rest), and the peer
    /// reachable: over IPv6 the host holds 2001:db8::1/64, DAD done.
    init(_ family: Family = .v4, configure: (inout TCPConfiguration) -> Void = { _ in },
         stackConfigure: (inout TCPIPStack.Configuration) -> Void = { _ in }) throws {
        self.family = family
        net = try TestNetwork(hosts: 1) { configuration in
            configuration.ipv6.maxRouterSolicitations = 0
            configuration.ipv6.dupAddrDetectTransmits = 0
            configure(&configuration.tcp)
            stackConfigure(&configuration)
        }
        if family == .v6 {
            #expect(stack.addAddress(TCPPeer.hostV6, prefixLength: 64, to: host.interface) == .success)
        }
        pump(until: net.now + .seconds(2))
        introduce()
        net.sniffer.frames.removeAll()
        scanned = 0
    }

    /// The peer makes itself known (an ARP request, or a Neighbor
    /// Solicitation with its link-layer address), so the stack's first
    /// segment to it leaves without waiting for resolution.
    func introduce() {
        switch family {
        case .v4:
            net.sniffer.send(Frames.ethernet(to: MACAddress(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF), etherType: 0x0806,
                                             Frames.arp(operation: 1, senderMAC: TestNetwork.snifferMAC,
                                                        senderIP: TCPPeer.peerV4, targetIP: TCPPeer.hostV4)))
        case .v6:
            let group = V6Frames.solicitedNode(TCPPeer.hostV6)
            let solicitation = V6Frames.neighborSolicitation(target: TCPPeer.hostV6,
                                                             options: V6Frames.sourceLinkLayer(TestNetwork.snifferMAC))
            net.sniffer.send(V6Frames.ethernet(to: V6Frames.multicastMAC(group),
                                               V6Frames.icmpv6(from: TCPPeer.peerV6, to: group, solicitation)))
        }
        pump(until: net.now + .milliseconds(10))
    }

    deinit {
        for buffer in lent { buffer.deallocate() }
    }

    // MARK: Addresses

    var hostAddress: TransportAddress {
        switch family {
        case .v4: TransportAddress(TCPPeer.hostV4, port: hostPort)
        case .v6: TransportAddress(address: TCPPeer.hostV6, port: hostPort)
        }
    }

    var peerAddress: TransportAddress {
        switch family {
        case .v4: TransportAddress(TCPPeer.peerV4, port: port)
        case .v6: TransportAddress(address: TCPPeer.peerV6, port: port)
        }
    }

    var addressFamily: AddressFamily { family == .v4 ? .inet : .inet6 }

    // MARK: Time

    /// Runs the network to `deadline`, answering address resolution for the
    /// peer and collecting the stack's segments on the way.
    func pump(until deadline: Instant) {
        while true {
            net.runDeferredCalls()
            scan()
            guard let next = net.nextEvent, next <= deadline else { break }
            net.run(until: next)
        }
        net.run(until: deadline)
        scan()
    }

    /// Runs `duration` and returns the segments not taken yet.
    @discardableResult
    func run(for duration: Duration) -> [PeerSegment] {
        pump(until: net.now + duration)
        return take()
    }

    /// The segments sent since the last `take`.
    func take() -> [PeerSegment] {
        let new = Array(segments[taken...])
        taken = segments.count
        return new
    }

    // MARK: Sending

    /// Sends one segment to the stack and runs `wait` (long enough for an
    /// answer to come back); returns the segments not taken yet. SEQ, ACK,
    /// window and options default to the peer's running values.
    @discardableResult
    func send(_ flags: TCPFlags, seq: TCPSeq? = nil, ack: TCPSeq? = nil, window: UInt16? = nil,
              options: TCPOptions? = nil, payload: [UInt8] = [], wait: Duration = .milliseconds(5)) -> [PeerSegment] {
        let seq = seq ?? sndNxt
        var options = options ?? TCPOptions()
        if timestamps && options.timestamp == nil && !flags.contains(.rst) {
            options.timestamp = TCPTimestampOption(value: tsClock, echoReply: tsRecent)
        }
        inject(segment(flags, seq: seq, ack: flags.contains(.ack) ? (ack ?? rcvNxt) : (ack ?? TCPSeq(0)),
                       window: window ?? self.window, options: options, payload: payload))
        let length = payload.count + (flags.contains(.syn) ? 1 : 0) + (flags.contains(.fin) ? 1 : 0)
        if seq + length > sndNxt { sndNxt = seq + length }
        return run(for: wait)
    }

    /// The bytes of a TCP segment from the peer to the stack, checksum included.
    func segment(_ flags: TCPFlags, seq: TCPSeq, ack: TCPSeq, window: UInt16, options: TCPOptions,
                 payload: [UInt8], sourcePort: UInt16? = nil, destinationPort: UInt16? = nil) -> [UInt8] {
        let headerLength = TCPHeader.minimumLength + options.encodedLength
        var bytes = [UInt8](repeating: 0, count: headerLength + payload.count)
        bytes.replaceSubrange(headerLength..., with: payload)
        let from = sourcePort ?? port
        let to = destinationPort ?? hostPort
        bytes.withUnsafeMutableBytes { segment in
            switch family {
            case .v4:
                TCPHeader.emit(into: segment, sourcePort: from, destinationPort: to, sequenceNumber: seq,
                               acknowledgmentNumber: ack, flags: flags, window: window, options: options,
                               source: TCPPeer.peerV4, destination: TCPPeer.hostV4)
            case .v6:
                TCPHeader.emit(into: segment, sourcePort: from, destinationPort: to, sequenceNumber: seq,
                               acknowledgmentNumber: ack, flags: flags, window: window, options: options,
                               source: TCPPeer.peerV6, destination: TCPPeer.hostV6)
            }
        }
        return bytes
    }

    /// Puts a TCP segment from the peer's address on the wire to the host.
    func inject(_ segment: [UInt8]) {
        switch family {
        case .v4:
            net.sniffer.send(Frames.ethernet(to: host.mac, etherType: 0x0800,
                                             Frames.ipv4(from: TCPPeer.peerV4, to: TCPPeer.hostV4, protocolNumber: 6,
                                                         segment)))
        case .v6:
            net.sniffer.send(V6Frames.ethernet(to: host.mac, V6Frames.ipv6(from: TCPPeer.peerV6, to: TCPPeer.hostV6,
                                                                           nextHeader: 6, segment)))
        }
    }

    /// An ICMP Destination Unreachable (ICMPv6 Destination Unreachable, or
    /// Packet Too Big when `mtu` is given over IPv6) quoting `quoted`, from
    /// a router when `fromRouter`, else from the peer itself.
    func sendUnreachable(code: UInt8, mtu: Int? = nil, quoting quoted: PeerSegment, fromRouter: Bool = false,
                         wait: Duration = .milliseconds(5)) {
        switch family {
        case .v4:
            let body = Array(quoted.packet.prefix(548))
            var message: [UInt8] = [3, code, 0, 0, 0, 0, UInt8((mtu ?? 0) >> 8), UInt8((mtu ?? 0) & 0xFF)] + body
            let sum = Frames.checksum(message)
            message[2] = UInt8(sum >> 8)
            message[3] = UInt8(sum & 0xFF)
            let source = fromRouter ? TCPPeer.routerV4 : TCPPeer.peerV4
            net.sniffer.send(Frames.ethernet(to: host.mac, etherType: 0x0800,
                                             Frames.ipv4(from: source, to: TCPPeer.hostV4, protocolNumber: 1, message)))
        case .v6:
            let message = mtu.map { V6Frames.error(2, code: 0, UInt32($0), quoting: quoted.packet) }
                ?? V6Frames.error(1, code: code, quoting: quoted.packet)
            let source = fromRouter ? TCPPeer.routerV6 : TCPPeer.peerV6
            net.sniffer.send(V6Frames.ethernet(to: host.mac, V6Frames.icmpv6(from: source, to: TCPPeer.hostV6,
                                                                             hopLimit: 64, message)))
        }
        pump(until: now + wait)
    }

    /// Copies `bytes` into memory that outlives every connection of the
    /// test, to lend to `TCPConnection.send`.
    func lend(_ bytes: [UInt8]) -> UnsafeRawBufferPointer {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, bytes.count), alignment: 8)
        bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
        lent.append(buffer)
        return UnsafeRawBufferPointer(rebasing: buffer[0..<bytes.count])
    }

    // MARK: Opening connections

    /// The stack's active open to the peer: returns the connection and the
    /// SYN it sent (not answered).
    func connect(owner: ConnectionRecorder) throws -> (TCPConnection, PeerSegment) {
        let connection = try stack.tcpConnect(from: nil, family: addressFamily, to: peerAddress, owner: owner).get()
        hostPort = connection.local.port
        let sent = run(for: .milliseconds(5))
        try #require(sent.count == 1, "one SYN: \(sent)")
        let syn = sent[0]
        #expect(syn.flags == .syn)
        rcvNxt = syn.seq + 1
        tsRecent = syn.options.timestamp?.value ?? tsRecent
        return (connection, syn)
    }

    /// The peer's SYN-ACK options for `connect`: everything offered.
    static func fullOptions(mss: UInt16 = 1460, windowScale: UInt8? = 7, sack: Bool = true,
                            timestamp: TCPTimestampOption? = TCPTimestampOption(value: 5_000, echoReply: 0)) -> TCPOptions {
        var options = TCPOptions()
        options.maximumSegmentSize = mss
        options.windowScale = windowScale
        options.sackPermitted = sack
        options.timestamp = timestamp
        return options
    }

    /// An active open carried to ESTABLISHED: the stack's SYN, the peer's
    /// SYN-ACK with `options`, the stack's ACK. Returns the connection and
    /// the SYN; the ACK is checked here.
    func establishActive(owner: ConnectionRecorder, options: TCPOptions = TCPOptions())
        throws -> (TCPConnection, PeerSegment) {
        let (connection, syn) = try connect(owner: owner)
        var options = options
        if var ts = options.timestamp {
            ts.echoReply = syn.options.timestamp?.value ?? 0
            options.timestamp = ts
            tsClock = ts.value
        }
        timestamps = options.timestamp != nil && syn.options.timestamp != nil
        let iss = sndNxt
        let answer = send([.syn, .ack], seq: iss, ack: syn.seq + 1, options: options)
        try #require(answer.count == 1, "one ACK: \(answer)")
        #expect(answer[0].flags == .ack)
        #expect(answer[0].ack == iss + 1)
        #expect(connection.state == .established)
        return (connection, syn)
    }

    /// Binds and listens on the stack's `hostPort`.
    func listen(owner: ListenerRecorder, backlog: Int = 8) throws -> TCPListener {
        let local = family == .v4 ? TransportAddress(TCPPeer.hostV4, port: hostPort)
            : TransportAddress(address: TCPPeer.hostV6, port: hostPort)
        let handle = try stack.tcpBind(TransportBinding(family: addressFamily, local: local)).get()
        return try stack.tcpListen(on: handle, backlog: backlog, owner: owner).get()
    }

    /// A passive open carried to ESTABLISHED: the peer's SYN with
    /// `options`, the stack's SYN-ACK, the peer's ACK; then the connection
    /// is accepted and given `owner`. Returns it and the SYN-ACK.
    func establishPassive(listener: TCPListener, owner: ConnectionRecorder, options: TCPOptions = TCPOptions())
        throws -> (TCPConnection, PeerSegment) {
        timestamps = false
        let iss = sndNxt
        let answer = send(.syn, seq: iss, options: options)
        try #require(answer.count == 1, "one SYN-ACK: \(answer)")
        let synACK = answer[0]
        #expect(synACK.flags == [.syn, .ack])
        #expect(synACK.ack == iss + 1)
        if let ts = options.timestamp {
            timestamps = synACK.options.timestamp != nil
            tsClock = ts.value
        }
        let after = send(.ack, ack: synACK.seq + 1)
        #expect(after.isEmpty, "nothing answers the ACK: \(after)")
        let connection = try #require(listener.accept())
        connection.owner = owner
        #expect(connection.state == .established)
        return (connection, synACK)
    }

    // MARK: Reading the wire

    /// Looks at the frames caught since the last scan: answers resolution
    /// for the peer's address and keeps the TCP segments addressed to it.
    private func scan() {
        let frames = net.sniffer.frames
        while scanned < frames.count {
            let capture = frames[scanned]
            scanned += 1
            let bytes = capture.bytes
            guard bytes.count >= 14, bytes.mac(at: 6) == host.mac else { continue }
            switch bytes.uint16(at: 12) {
            case 0x0806:
                answerARP(bytes)
            case 0x0800:
                if let segment = parseIPv4(capture) { record(segment) }
            case 0x86DD:
                if let segment = parseIPv6(capture) { record(segment) } else { answerNDP(capture) }
            default:
                break
            }
        }
    }

    private func record(_ segment: PeerSegment) {
        segments.append(segment)
        if let ts = segment.options.timestamp { tsRecent = ts.value }
        if segment.flags.contains(.rst) { return }
        if segment.flags.contains(.syn) {
            rcvNxt = segment.seq + segment.length
        } else if segment.seq == rcvNxt {
            rcvNxt = segment.end
        } else if segment.seq < rcvNxt && segment.end > rcvNxt {
            rcvNxt = segment.end
        }
    }

    private func answerARP(_ bytes: [UInt8]) {
        guard answersResolution, bytes.count >= 42, bytes.uint16(at: 20) == 1,
              bytes.ipv4Address(at: 38) == TCPPeer.peerV4 else { return }
        net.sniffer.send(Frames.ethernet(to: host.mac, etherType: 0x0806,
                                         Frames.arp(operation: 2, senderMAC: TestNetwork.snifferMAC,
                                                    senderIP: TCPPeer.peerV4, targetMAC: host.mac,
                                                    targetIP: bytes.ipv4Address(at: 28))))
    }

    private func answerNDP(_ capture: Sniffer.Capture) {
        guard answersResolution, let frame = Sniffed6(capture), frame.icmpType == 135,
              frame.ndpTarget == TCPPeer.peerV6, !frame.source.isUnspecified else { return }
        let advertisement = V6Frames.neighborAdvertisement(target: TCPPeer.peerV6, solicited: true, override: true,
                                                           options: V6Frames.targetLinkLayer(TestNetwork.snifferMAC))
        net.sniffer.send(V6Frames.ethernet(to: host.mac, V6Frames.icmpv6(from: TCPPeer.peerV6, to: frame.source,
                                                                         advertisement)))
    }

    private func parseIPv4(_ capture: Sniffer.Capture) -> PeerSegment? {
        let bytes = capture.bytes
        guard bytes.count >= 34, bytes[14] >> 4 == 4, bytes[23] == 6 else { return nil }
        let headerLength = Int(bytes[14] & 0x0F) * 4
        let total = Int(bytes.uint16(at: 16))
        guard bytes.ipv4Address(at: 30) == TCPPeer.peerV4, total <= bytes.count - 14 else { return nil }
        let packet = Array(bytes[14..<(14 + total)])
        let dontFragment = bytes.uint16(at: 20) & 0x4000 != 0
        return parse(packet: packet, tcpOffset: headerLength, time: capture.time, dontFragment: dontFragment) {
            try TCPHeader($0, source: packet.ipv4Address(at: 12), destination: packet.ipv4Address(at: 16))
        }
    }

    private func parseIPv6(_ capture: Sniffer.Capture) -> PeerSegment? {
        guard let frame = Sniffed6(capture), frame.nextHeader == 6, frame.destination == TCPPeer.peerV6 else { return nil }
        let packet = frame.packet
        return parse(packet: packet, tcpOffset: 40, time: capture.time, dontFragment: nil) {
            try TCPHeader($0, source: frame.source, destination: frame.destination)
        }
    }

    private func parse(packet: [UInt8], tcpOffset: Int, time: Instant, dontFragment: Bool?,
                       view: (UnsafeRawBufferPointer) throws -> TCPHeader) -> PeerSegment? {
        let tcp = Array(packet[tcpOffset...])
        return tcp.withUnsafeBytes { raw -> PeerSegment? in
            do {
                let header = try view(raw)
                return PeerSegment(time: time, sourcePort: header.sourcePort, destinationPort: header.destinationPort,
                                   seq: header.sequenceNumber, ack: header.acknowledgmentNumber, flags: header.flags,
                                   window: header.window, options: header.options, payload: Array(header.payload),
                                   packet: packet, dontFragment: dontFragment)
            } catch {
                Issue.record("the stack sent a malformed TCP segment: \(error)")
                return nil
            }
        }
    }
}

/// Checks one segment's control bits, SEQ and ACK (nil: the ACK bit is
/// off and the field zero) and payload length; the window is `window` when
/// given, else anything but 0 (which only a RST may carry unasked).
func expectSegment(_ segment: PeerSegment?, _ flags: TCPFlags, seq: TCPSeq, ack: TCPSeq?, payload: Int = 0,
                   window: UInt16? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    guard let segment else {
        Issue.record("expected a [\(flags)] segment, none was sent", sourceLocation: sourceLocation)
        return
    }
    #expect(segment.flags == flags, "\(segment)", sourceLocation: sourceLocation)
    #expect(segment.seq == seq, "\(segment)", sourceLocation: sourceLocation)
    if let ack {
        #expect(segment.ack == ack, "\(segment)", sourceLocation: sourceLocation)
    } else {
        #expect(segment.ack == TCPSeq(0), "\(segment)", sourceLocation: sourceLocation)
    }
    #expect(segment.payload.count == payload, "\(segment)", sourceLocation: sourceLocation)
    if let window {
        #expect(segment.window == window, "\(segment)", sourceLocation: sourceLocation)
    } else if !flags.contains(.rst) {
        #expect(segment.window > 0, "\(segment)", sourceLocation: sourceLocation)
    }
}
