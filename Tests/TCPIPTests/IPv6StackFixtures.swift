import Testing
@testable import TCPIP
import NDIS
import NetCore

// Frames for the IPv6 stack tests, built byte by byte (no stack code makes
// them, so a bug in the stack's own emitters cannot hide in the fixtures),
// the stack's transmissions read back the same way, and a one-host link
// with the sniffer standing in for every other node.

/// IPv6, ICMPv6 and Neighbor Discovery bytes.
enum V6Frames {
    static let etherType: UInt16 = 0x86DD

    static func u16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }

    static func u32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    /// The 16 bytes of `address`, in network order.
    static func bytes(_ address: IPv6Address) -> [UInt8] {
        (0..<8).flatMap { u16(address.group($0)) }
    }

    /// A 40-byte fixed header and `payload`; the payload length is the
    /// payload's unless `payloadLength` says otherwise.
    static func ipv6(from source: IPv6Address, to destination: IPv6Address, nextHeader: UInt8 = 58,
                     hopLimit: UInt8 = 64, payloadLength: Int? = nil, version: UInt8 = 6,
                     _ payload: [UInt8]) -> [UInt8] {
        let length = payloadLength ?? payload.count
        return [version << 4, 0, 0, 0] + u16(UInt16(length)) + [nextHeader, hopLimit]
            + bytes(source) + bytes(destination) + payload
    }

    /// An ICMPv6 message with a zero checksum: type, code, two checksum
    /// bytes, then `body` (which starts with the 4-byte type-specific field).
    static func message(_ type: UInt8, code: UInt8 = 0, _ body: [UInt8]) -> [UInt8] {
        [type, code, 0, 0] + body
    }

    /// A whole IPv6 packet carrying `message`, its checksum computed over
    /// the pseudo-header by `V6.referenceChecksum`.
    static func icmpv6(from source: IPv6Address, to destination: IPv6Address, hopLimit: UInt8 = 255,
                       _ message: [UInt8]) -> [UInt8] {
        ipv6(from: source, to: destination, nextHeader: 58, hopLimit: hopLimit,
             V6.checksummed(message, source: bytes(source), destination: bytes(destination)))
    }

    /// `packet` in an Ethernet frame.
    static func ethernet(to destination: MACAddress, from source: MACAddress = TestNetwork.snifferMAC,
                         _ packet: [UInt8]) -> [UInt8] {
        Frames.ethernet(to: destination, from: source, etherType: etherType, packet)
    }

    /// 33:33 and the group's low 32 bits (RFC 2464 §7), spelt out.
    static func multicastMAC(_ group: IPv6Address) -> MACAddress {
        let b = bytes(group)
        return MACAddress(0x33, 0x33, b[12], b[13], b[14], b[15])
    }

    /// ff02::1:ffXX:XXXX (RFC 4291 §2.7.1), spelt out.
    static func solicitedNode(_ address: IPv6Address) -> IPv6Address {
        let b = bytes(address)
        return V6.address([0xFF, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xFF, b[13], b[14], b[15]])
    }

    // MARK: Neighbor Discovery options (RFC 4861 §4.6)

    static func sourceLinkLayer(_ mac: MACAddress) -> [UInt8] { [1, 1] + mac.bytes }
    static func targetLinkLayer(_ mac: MACAddress) -> [UInt8] { [2, 1] + mac.bytes }
    static func mtuOption(_ mtu: UInt32) -> [UInt8] { [5, 1, 0, 0] + u32(mtu) }

    static func prefixOption(_ prefix: IPv6Prefix, onLink: Bool = true, autonomous: Bool = true,
                             valid: UInt32, preferred: UInt32) -> [UInt8] {
        let flags: UInt8 = (onLink ? 0x80 : 0) | (autonomous ? 0x40 : 0)
        return [3, 4, UInt8(prefix.length), flags] + u32(valid) + u32(preferred) + [0, 0, 0, 0]
            + bytes(prefix.network)
    }

    /// A Redirected Header option holding as much of `packet` as fits in whole 8-byte units.
    static func redirectedHeader(_ packet: [UInt8]) -> [UInt8] {
        let kept = Array(packet.prefix(packet.count & ~7))
        return [4, UInt8(1 + kept.count / 8), 0, 0, 0, 0, 0, 0] + kept
    }

    // MARK: Messages (checksum zero: `icmpv6` fills it in)

    static func neighborSolicitation(target: IPv6Address, options: [UInt8] = []) -> [UInt8] {
        message(135, [0, 0, 0, 0] + bytes(target) + options)
    }

    static func neighborAdvertisement(target: IPv6Address, router: Bool = false, solicited: Bool,
                                      override: Bool, options: [UInt8] = []) -> [UInt8] {
        let flags: UInt8 = (router ? 0x80 : 0) | (solicited ? 0x40 : 0) | (override ? 0x20 : 0)
        return message(136, [flags, 0, 0, 0] + bytes(target) + options)
    }

    static func routerAdvertisement(currentHopLimit: UInt8 = 64, routerLifetime: UInt16 = 1_800,
                                    reachableTime: UInt32 = 0, retransTimer: UInt32 = 0,
                                    options: [UInt8] = []) -> [UInt8] {
        message(134, [currentHopLimit, 0] + u16(routerLifetime) + u32(reachableTime) + u32(retransTimer) + options)
    }

    static func redirect(target: IPv6Address, destination: IPv6Address, options: [UInt8] = []) -> [UInt8] {
        message(137, [0, 0, 0, 0] + bytes(target) + bytes(destination) + options)
    }

    static func echoRequest(identifier: UInt16, sequenceNumber: UInt16,
                            data: [UInt8] = Array("netkernel-v6-echo".utf8)) -> [UInt8] {
        message(128, u16(identifier) + u16(sequenceNumber) + data)
    }

    /// An ICMPv6 error quoting `packet` (no more of it than keeps the
    /// error within 1,280 bytes, RFC 4443 §2.4 c).
    static func error(_ type: UInt8, code: UInt8 = 0, _ typeSpecific: UInt32 = 0, quoting packet: [UInt8]) -> [UInt8] {
        message(type, code: code, u32(typeSpecific) + packet.prefix(1_280 - 48))
    }

    /// An 8-byte Fragment header (RFC 8200 §4.5); `offset` in bytes.
    static func fragmentHeader(nextHeader: UInt8 = 58, offset: Int, more: Bool, identification: UInt32) -> [UInt8] {
        [nextHeader, 0] + u16(UInt16(offset) | (more ? 1 : 0)) + u32(identification)
    }
}

/// One IPv6 frame the sniffer caught, read back by offsets.
struct Sniffed6: CustomStringConvertible {
    let time: Instant
    let frame: [UInt8]

    init?(_ capture: Sniffer.Capture) {
        let bytes = capture.bytes
        guard bytes.count >= 54, bytes.uint16(at: 12) == V6Frames.etherType else { return nil }
        time = capture.time
        frame = bytes
    }

    var destinationMAC: MACAddress { frame.mac(at: 0) }
    var sourceMAC: MACAddress { frame.mac(at: 6) }
    var version: UInt8 { frame[14] >> 4 }
    var payloadLength: Int { Int(frame.uint16(at: 18)) }
    var nextHeader: UInt8 { frame[20] }
    var hopLimit: UInt8 { frame[21] }
    var source: IPv6Address { V6.address(Array(frame[22..<38])) }
    var destination: IPv6Address { V6.address(Array(frame[38..<54])) }
    /// The IPv6 packet, without Ethernet padding.
    var packet: [UInt8] { Array(frame[14..<min(frame.count, 54 + payloadLength)]) }
    /// Everything after the fixed header.
    var payload: [UInt8] { Array(packet.dropFirst(40)) }

    /// The ICMPv6 message, when the fixed header names ICMPv6.
    var icmp: [UInt8]? { nextHeader == 58 && payloadLength >= 4 ? payload : nil }
    var icmpType: UInt8? { icmp?[0] }
    var icmpCode: UInt8? { icmp?[1] }
    /// Bytes 4–7 of the ICMPv6 message (pointer, MTU, flags…).
    var icmpTypeSpecific: UInt32? {
        guard let m = icmp, m.count >= 8 else { return nil }
        return UInt32(m[4]) << 24 | UInt32(m[5]) << 16 | UInt32(m[6]) << 8 | UInt32(m[7])
    }
    /// Whether the ICMPv6 checksum matches the reference computation.
    var checksumIsRight: Bool {
        guard let m = icmp else { return false }
        return m.uint16(at: 2) == V6.referenceChecksum(m, source: V6Frames.bytes(source),
                                                       destination: V6Frames.bytes(destination))
    }
    /// The 16-byte target of a Neighbor Solicitation or Advertisement, or a Redirect.
    var ndpTarget: IPv6Address? {
        guard let m = icmp, m.count >= 24 else { return nil }
        return V6.address(Array(m[8..<24]))
    }
    /// What a failed expectation shows: the addresses and the message, not every byte.
    var description: String {
        let what = icmpType.map { "ICMPv6 \($0)/\(icmpCode ?? 0)" } ?? "next header \(nextHeader)"
        return "\(time) \(sourceMAC)>\(destinationMAC) \(source) > \(destination) hlim \(hopLimit) \(what), \(packet.count) bytes"
    }

    /// The NDP options after a fixed part of `fixed` bytes, as (type, whole option).
    func ndpOptions(after fixed: Int) -> [(type: UInt8, bytes: [UInt8])] {
        guard let m = icmp else { return [] }
        var options: [(UInt8, [UInt8])] = []
        var i = fixed
        while i + 2 <= m.count, m[i + 1] > 0 {
            let length = Int(m[i + 1]) * 8
            options.append((m[i], Array(m[i..<min(m.count, i + length)])))
            i += length
        }
        return options
    }
}

/// One host (TestNetwork's host 0, MAC 02:00:00:00:00:01) with the sniffer
/// playing its neighbours: a peer at fe80::99 with the sniffer's MAC, and
/// routers at fe80::1 and fe80::2 with MACs of their own.
final class V6Link {
    /// fe80::ff:fe00:1, the host's modified EUI-64 link-local address
    /// (02:00:00 ff:fe 00:00:01 with the universal/local bit flipped), spelt out.
    static let linkLocal = IPv6Address("fe80::ff:fe00:1")!
    /// ff02::1:ff00:1, its solicited-node group.
    static let solicitedNode = IPv6Address("ff02::1:ff00:1")!
    static let solicitedNodeMAC = MACAddress(0x33, 0x33, 0xFF, 0x00, 0x00, 0x01)
    static let allNodesMAC = MACAddress(0x33, 0x33, 0x00, 0x00, 0x00, 0x01)

    static let peer = IPv6Address("fe80::99")!
    static let router = IPv6Address("fe80::1")!
    static let routerMAC = MACAddress(0x02, 0, 0, 0, 0, 0xFE)
    static let otherRouter = IPv6Address("fe80::2")!
    static let otherRouterMAC = MACAddress(0x02, 0, 0, 0, 0, 0xFD)

    /// The prefix the router advertises, and the host's EUI-64 address in it.
    static let prefix = IPv6Prefix("2001:db8:1::/64")!
    static let slaacAddress = IPv6Address("2001:db8:1::ff:fe00:1")!
    /// Somewhere off the link, behind the router.
    static let remote = IPv6Address("2001:db8:2::5")!

    let net: TestNetwork

    var host: TestHost { net.hosts[0] }
    var stack: TCPIPStack { host.stack }
    var interface: IPInterface { host.interface }
    var now: Instant { net.now }

    /// The link with the host started: its link-local address is tentative
    /// and its DAD probe still to come. Router solicitations are off unless
    /// asked for, so they do not mix with what a test looks at.
    init(routerSolicitations: Int = 0, configure: (inout TCPIPStack.Configuration) -> Void = { _ in }) throws {
        net = try TestNetwork(hosts: 1) { configuration in
            configuration.ipv6.maxRouterSolicitations = routerSolicitations
            configure(&configuration)
        }
    }

    /// Lets DAD for the link-local address finish (at most 1 s of random
    /// delay and 1 s of RetransTimer).
    func settle() {
        net.run(for: .seconds(3))
    }

    /// The host's address entry for `address`, whatever its state.
    func assigned(_ address: IPv6Address) -> IPv6UnicastAddress? {
        interface.ipv6Addresses.first { $0.address == address }
    }

    /// Puts `packet` on the wire in a frame from `source` to `destination`
    /// (the host's MAC unless told), then runs `for` of virtual time.
    func inject(_ packet: [UInt8], to destination: MACAddress? = nil, from source: MACAddress = TestNetwork.snifferMAC,
                for duration: Duration = .milliseconds(10)) {
        net.sniffer.send(V6Frames.ethernet(to: destination ?? host.mac, from: source, packet))
        net.run(for: duration)
    }

    /// IPv6 frames the host sent at or after `since`.
    func sent(since: Instant) -> [Sniffed6] {
        net.sniffer.frames(etherType: V6Frames.etherType, since: since)
            .filter { $0.bytes.mac(at: 6) == host.mac }
            .compactMap(Sniffed6.init)
    }

    /// ICMPv6 messages of `type` the host sent at or after `since`.
    func sent(type: UInt8, since: Instant) -> [Sniffed6] {
        sent(since: since).filter { $0.icmpType == type }
    }

    /// `address` (the peer by default) tells the host its link-layer address
    /// with a Neighbor Solicitation for `target`, so the host can answer it
    /// without resolving it first.
    func introduce(_ address: IPv6Address = V6Link.peer, mac: MACAddress = TestNetwork.snifferMAC,
                   target: IPv6Address = V6Link.linkLocal) {
        let solicitation = V6Frames.neighborSolicitation(target: target, options: V6Frames.sourceLinkLayer(mac))
        inject(V6Frames.icmpv6(from: address, to: V6Frames.solicitedNode(target), solicitation),
               to: V6Frames.multicastMAC(V6Frames.solicitedNode(target)), from: mac)
    }

    /// A Router Advertisement from fe80::1 to all nodes, with the router's
    /// link-layer address first among its options.
    func advertise(currentHopLimit: UInt8 = 64, routerLifetime: UInt16 = 1_800, options: [UInt8] = [],
                   from router: IPv6Address = V6Link.router, mac: MACAddress = V6Link.routerMAC,
                   hopLimit: UInt8 = 255, for duration: Duration = .milliseconds(10)) {
        let advertisement = V6Frames.routerAdvertisement(currentHopLimit: currentHopLimit, routerLifetime: routerLifetime,
                                                         options: V6Frames.sourceLinkLayer(mac) + options)
        inject(V6Frames.icmpv6(from: router, to: .allNodes, hopLimit: hopLimit, advertisement),
               to: Self.allNodesMAC, from: mac, for: duration)
    }

    /// Advertises `prefix` (L and A set) and waits for the SLAAC address's DAD.
    func autoconfigure(valid: UInt32 = 86_400, preferred: UInt32 = 14_400) {
        advertise(options: V6Frames.prefixOption(Self.prefix, valid: valid, preferred: preferred))
        net.run(for: .seconds(2))
    }
}
