import NDIS
import NetCore
import NetSim
import TCPIP
import Testing
import WSK

/// WSK_PROVIDER_DATAGRAM_DISPATCH over UDP: WskBind, WskGetLocalAddress,
/// WskSendTo, WskReceiveFrom, WskSendMessages, WskCloseSocket (WSK §2.4).
@Suite struct WskDatagramSocketTests {
    static let bob7 = SocketAddress.v4(WskPair.bobV4, port: 7)
    static let bob6 = SocketAddress.v6(WskPair.bobV6, port: 7)

    // MARK: - WskBind

    @Test func bindingTwiceIsInvalidParameter() {
        let pair = WskPair()
        let socket = pair.datagramSocket(pair.bobNpi)
        #expect(socket.bindNow(.v4(.any, port: 7)) == .success)
        #expect(socket.bindNow(.v4(.any, port: 8)) == .invalidParameter)
        #expect(socket.bindNow(.v4(.any, port: 7)) == .invalidParameter)
        #expect(socket.localAddress().address == .v4(.any, port: 7))
        // Flags must be 0.
        let other = pair.datagramSocket(pair.bobNpi)
        #expect(other.bindNow(.v4(.any, port: 9), flags: 1) == .invalidParameter)
        #expect(other.localAddress().status == .invalidDeviceState)
        pair.finish([socket, other])
    }

    @Test func bindingAnAddressOfTheOtherFamilyIsInvalidAddress() {
        let pair = WskPair()
        let v4 = pair.datagramSocket(pair.bobNpi)
        #expect(v4.bindNow(.v6(.unspecified, port: 7)) == .invalidAddress)
        #expect(v4.bindNow(.v6(WskPair.bobV6, port: 7)) == .invalidAddress)
        let v6 = pair.datagramSocket(pair.bobNpi, family: .inet6)
        #expect(v6.bindNow(.v4(.any, port: 7)) == .invalidAddress)
        #expect(v6.bindNow(.v4(WskPair.bobV4, port: 7)) == .invalidAddress)
        // A failed bind leaves the socket unbound and bindable.
        #expect(v4.bindNow(.v4(.any, port: 7)) == .success)
        #expect(v6.bindNow(.v6(.unspecified, port: 7)) == .success)
        pair.finish([v4, v6])
    }

    @Test func bindingAnAddressThatIsNotLocalIsInvalidAddressComponent() {
        let pair = WskPair()
        let v4 = pair.datagramSocket(pair.bobNpi)
        #expect(v4.bindNow(.v4(IPv4Address(192, 0, 2, 99), port: 7)) == .invalidAddressComponent)
        // alice's address is not bob's.
        #expect(v4.bindNow(.v4(WskPair.aliceV4, port: 7)) == .invalidAddressComponent)
        #expect(v4.bindNow(.v4(WskPair.bobV4, port: 7)) == .success)
        let v6 = pair.datagramSocket(pair.bobNpi, family: .inet6)
        #expect(v6.bindNow(.v6(IPv6Address("2001:db8::99")!, port: 7)) == .invalidAddressComponent)
        #expect(v6.bindNow(.v6(WskPair.bobV6, port: 7)) == .success)
        #expect(v6.localAddress().address == .v6(WskPair.bobV6, port: 7))
        pair.finish([v4, v6])
    }

    enum Mode: CaseIterable, CustomStringConvertible {
        case none, reuse, exclusive
        var description: String { "\(self == .none ? "none" : self == .reuse ? "REUSEADDR" : "EXCLUSIVEADDRUSE")" }
    }

    /// Makes a socket on bob with the sharing option set, and binds it.
    static func bind(_ pair: WskPair, _ mode: Mode, wildcard: Bool, family: AddressFamily,
                     port: UInt16) -> (WskDatagramSocket, NTStatus) {
        let socket = pair.datagramSocket(pair.bobNpi, family: family)
        switch mode {
        case .none: break
        case .reuse: #expect(socket.setOption(WskControlCode.reuseAddress, 1) == .success)
        case .exclusive: #expect(socket.setOption(WskControlCode.exclusiveAddressUse, 1) == .success)
        }
        let address: SocketAddress = switch (family, wildcard) {
        case (.inet, true): .v4(.any, port: port)
        case (.inet, false): .v4(WskPair.bobV4, port: port)
        case (.inet6, true): .v6(.unspecified, port: port)
        case (.inet6, false): .v6(WskPair.bobV6, port: port)
        }
        return (socket, socket.bindNow(address))
    }

    /// WSK §6.2, rows the second bind, columns the first, in the order
    /// none W, none S, REUSEADDR W, REUSEADDR S, EXCLUSIVE W, EXCLUSIVE S.
    /// U = ADDRESS_ALREADY_EXISTS, D = ACCESS_DENIED, S = SUCCESS; the CHECK
    /// cells are D, as every socket has the default security descriptor,
    /// which forbids sharing.
    static let sharingMatrix = [
        "USUSUS", // none, W
        "DUDDDU", // none, S
        "DSSSDS", // REUSEADDR, W
        "DDSSDD", // REUSEADDR, S
        "UUUUUU", // EXCLUSIVE, W
        "DUDUDU", // EXCLUSIVE, S
    ]

    @Test(arguments: [AddressFamily.inet, .inet6])
    func theAddressSharingMatrix(family: AddressFamily) {
        let pair = WskPair()
        let cells = Mode.allCases.flatMap { mode in [true, false].map { (mode, $0) } }
        var port: UInt16 = 20_000
        for (row, second) in cells.enumerated() {
            let expectations = Array(Self.sharingMatrix[row])
            for (column, first) in cells.enumerated() {
                port += 1
                let (a, firstStatus) = Self.bind(pair, first.0, wildcard: first.1, family: family, port: port)
                #expect(firstStatus == .success)
                let (b, secondStatus) = Self.bind(pair, second.0, wildcard: second.1, family: family, port: port)
                let want: NTStatus = switch expectations[column] {
                case "U": .addressAlreadyExists
                case "D": .accessDenied
                default: .success
                }
                #expect(secondStatus == want,
                        "second \(second.0) \(second.1 ? "W" : "S") over first \(first.0) \(first.1 ? "W" : "S")")
                #expect(a.closeNow() == .success)
                #expect(b.closeNow() == .success)
            }
        }
        pair.finish([])
    }

    @Test func differentFamiliesAndClosedSocketsDoNotConflict() {
        let pair = WskPair()
        // IPv6-only sockets do not cover IPv4, so the same port is free in both families.
        let v4 = pair.boundSocket(pair.bobNpi, .v4(WskPair.bobV4, port: 30))
        let v6 = pair.boundSocket(pair.bobNpi, .v6(WskPair.bobV6, port: 30))
        let v6Wild = pair.datagramSocket(pair.bobNpi, family: .inet6)
        #expect(v6Wild.bindNow(.v6(.unspecified, port: 31)) == .success)
        let v4Wild = pair.datagramSocket(pair.bobNpi)
        #expect(v4Wild.bindNow(.v4(.any, port: 31)) == .success)
        // Closing a socket frees its address.
        #expect(v4.closeNow() == .success)
        let again = pair.datagramSocket(pair.bobNpi)
        #expect(again.bindNow(.v4(WskPair.bobV4, port: 30)) == .success)
        pair.finish([v6, v6Wild, v4Wild, again])
    }

    @Test func sharingOptionsAreExclusiveOfEachOtherAndMustPrecedeBind() {
        let pair = WskPair()
        let socket = pair.datagramSocket(pair.bobNpi)
        #expect(socket.option(WskControlCode.reuseAddress).value == 0)
        #expect(socket.option(WskControlCode.exclusiveAddressUse).value == 0)
        #expect(socket.setOption(WskControlCode.reuseAddress, 1) == .success)
        #expect(socket.option(WskControlCode.reuseAddress).value == 1)
        #expect(socket.setOption(WskControlCode.exclusiveAddressUse, 1) == .invalidParameter)
        #expect(socket.option(WskControlCode.exclusiveAddressUse).value == 0)
        #expect(socket.setOption(WskControlCode.reuseAddress, 0) == .success)
        #expect(socket.setOption(WskControlCode.exclusiveAddressUse, 1) == .success)
        #expect(socket.option(WskControlCode.exclusiveAddressUse).value == 1)
        #expect(socket.option(WskControlCode.reuseAddress).value == 0)
        #expect(socket.bindNow(.v4(.any, port: 7)) == .success)
        #expect(socket.setOption(WskControlCode.exclusiveAddressUse, 0) == .invalidDeviceState)
        #expect(socket.setOption(WskControlCode.reuseAddress, 1) == .invalidDeviceState)
        pair.finish([socket])
    }

    @Test func portZeroGetsADifferentEphemeralPortEachTime() {
        let pair = WskPair()
        var sockets: [WskDatagramSocket] = []
        var ports: [UInt16] = []
        for _ in 0..<8 {
            let socket = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 0))
            let local = socket.localAddress()
            #expect(local.status == .success)
            guard case .v4(let address, let port) = local.address else { Issue.record("not IPv4"); continue }
            #expect(address == .any)
            #expect((49_152...65_535).contains(port))
            ports.append(port)
            sockets.append(socket)
        }
        #expect(Set(ports).count == ports.count)
        // Bound and closed one after another, the ports still vary.
        var sequential: Set<UInt16> = []
        for _ in 0..<8 {
            let socket = pair.boundSocket(pair.aliceNpi, .v6(WskPair.aliceV6, port: 0))
            if case .v6(let address, let port, _, _) = socket.localAddress().address {
                #expect(address == WskPair.aliceV6)
                #expect((49_152...65_535).contains(port))
                sequential.insert(port)
            }
            #expect(socket.closeNow() == .success)
        }
        #expect(sequential.count > 1)
        pair.finish(sockets)
    }

    // MARK: - WskGetLocalAddress

    @Test func getLocalAddressNeedsABoundSocket() {
        let pair = WskPair()
        let v4 = pair.datagramSocket(pair.bobNpi)
        #expect(v4.localAddress().status == .invalidDeviceState)
        #expect(v4.bindNow(.v4(WskPair.bobV4, port: 7)) == .success)
        #expect(v4.localAddress().address == .v4(WskPair.bobV4, port: 7))
        let v6 = pair.boundSocket(pair.bobNpi, .v6(.unspecified, port: 7))
        #expect(v6.localAddress().address == .v6(.unspecified, port: 7))
        pair.finish([v4, v6])
    }

    // MARK: - WskSendTo

    @Test func sendToNeedsABoundSocketADestinationAndTheRightFamily() {
        let pair = WskPair()
        let socket = pair.datagramSocket(pair.aliceNpi)
        #expect(socket.sendNow([1], to: Self.bob7).status == .invalidDeviceState)
        #expect(socket.bindNow(.v4(.any, port: 0)) == .success)
        #expect(socket.sendNow([1], to: nil).status == .invalidParameter)
        #expect(socket.sendNow([1], to: Self.bob6).status == .invalidAddress)
        // Port 0 and the wildcard are no destinations.
        #expect(socket.sendNow([1], to: .v4(WskPair.bobV4, port: 0)).status == .invalidAddress)
        #expect(socket.sendNow([1], to: .v4(.any, port: 7)).status == .invalidAddress)
        // Flags must be 0.
        let buffer = ClientBuffer([1, 2])
        #expect(wskCall { socket.sendTo(buffer.buf(), flags: 2, remoteAddress: Self.bob7, irp: $0) }.status
            == .invalidParameter)
        let v6 = pair.boundSocket(pair.aliceNpi, .v6(.unspecified, port: 0))
        #expect(v6.sendNow([1], to: Self.bob7).status == .invalidAddress)
        // IPv6-only: an IPv4-mapped destination is not reachable.
        #expect(v6.sendNow([1], to: .v6(IPv6Address(ipv4Mapped: WskPair.bobV4), port: 7)).status == .invalidAddress)
        // No route off the link (no router): STATUS_NETWORK_UNREACHABLE.
        #expect(v6.sendNow([1], to: .v6(IPv6Address("2001:db8:1::1")!, port: 7)).status == .networkUnreachable)
        let sent = pair.alice.stack.statistics.udp.datagramsOut
        pair.settle()
        #expect(pair.alice.stack.statistics.udp.datagramsOut == sent)
        pair.finish([socket, v6])
    }

    @Test func aDatagramGoesOutWithItsByteCount() {
        let pair = WskPair()
        let server = pair.boundSocket(pair.bobNpi, .v4(.any, port: 7))
        let server6 = pair.boundSocket(pair.bobNpi, .v6(.unspecified, port: 7))
        let client = pair.boundSocket(pair.aliceNpi, .v4(WskPair.aliceV4, port: 5_000))
        let client6 = pair.boundSocket(pair.aliceNpi, .v6(.unspecified, port: 5_000))
        let receive = PostedReceive()
        let receive6 = PostedReceive()
        #expect(receive.post(on: server) == .pending)
        #expect(receive6.post(on: server6) == .pending)
        #expect(client.sendNow(payload(1, count: 300), to: Self.bob7) == (.success, 300))
        #expect(client6.sendNow(payload(2, count: 40), to: Self.bob6) == (.success, 40))
        pair.settle()
        #expect(receive.status == .success)
        #expect(receive.bytes == payload(1, count: 300))
        #expect(receive.remote.pointee == .v4(WskPair.aliceV4, port: 5_000))
        #expect(receive.flags.pointee == [])
        #expect(receive.controlLength.pointee == 0)
        #expect(receive6.bytes == payload(2, count: 40))
        #expect(receive6.remote.pointee == .v6(WskPair.aliceV6, port: 5_000))
        pair.finish([server, server6, client, client6])
    }

    @Test func aDatagramToThisHostsOwnAddressIsDeliveredLocally() {
        let pair = WskPair()
        let server = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 7))
        let server6 = pair.boundSocket(pair.aliceNpi, .v6(.unspecified, port: 7))
        let client = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 4_000))
        let client6 = pair.boundSocket(pair.aliceNpi, .v6(.unspecified, port: 4_000))
        // One waiting receive, one datagram left queued, per family.
        let waiting = PostedReceive()
        let waiting6 = PostedReceive()
        #expect(waiting.post(on: server) == .pending)
        #expect(waiting6.post(on: server6) == .pending)
        #expect(client.sendNow(payload(1), to: .v4(WskPair.aliceV4, port: 7)).status == .success)
        #expect(client.sendNow(payload(2), to: .v4(WskPair.aliceV4, port: 7)).status == .success)
        #expect(client6.sendNow(payload(3), to: .v6(WskPair.aliceV6, port: 7)).status == .success)
        #expect(client6.sendNow(payload(4), to: .v6(WskPair.aliceV6, port: 7)).status == .success)
        pair.settle()
        #expect(waiting.bytes == payload(1))
        #expect(waiting.remote.pointee == .v4(WskPair.aliceV4, port: 4_000))
        #expect(waiting6.bytes == payload(3))
        #expect(waiting6.remote.pointee == .v6(WskPair.aliceV6, port: 4_000))
        #expect(server.queuedBytes == 16)
        #expect(server6.queuedBytes == 16)
        pair.settle(.milliseconds(100))
        let queued = PostedReceive()
        #expect(queued.post(on: server) == .success)
        #expect(queued.bytes == payload(2))
        let queued6 = PostedReceive()
        #expect(queued6.post(on: server6) == .success)
        #expect(queued6.bytes == payload(4))
        // Nothing went on the wire.
        #expect(pair.bob.stack.statistics.udp.datagramsIn == 0)
        pair.finish([server, server6, client, client6])
    }

    @Test func aZeroLengthDatagramAndAnMDLChain() {
        let pair = WskPair()
        let server = pair.boundSocket(pair.bobNpi, .v4(.any, port: 7))
        let client = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 0))
        // Zero bytes, no MDL.
        let empty = wskCall { client.sendTo(WSKBuf(mdl: nil, offset: 0, length: 0), remoteAddress: Self.bob7, irp: $0) }
        #expect(empty.status == .success)
        #expect(empty.irp.ioStatus.information == 0)
        // Two MDLs, starting 2 bytes into the first.
        let head = ClientBuffer([0xAA, 0xBB, 1, 2, 3])
        let tail = ClientBuffer([4, 5, 6, 7])
        let mdl = MDL(head.region)
        mdl.next = MDL(tail.region)
        let chained = wskCall { client.sendTo(WSKBuf(mdl: mdl, offset: 2, length: 6), remoteAddress: Self.bob7, irp: $0) }
        #expect(chained.status == .success)
        #expect(chained.irp.ioStatus.information == 6)
        pair.settle()
        let first = PostedReceive(capacity: 8)
        #expect(first.post(on: server) == .success)
        #expect(first.information == 0)
        // Received into a chain too: 3 bytes of the first MDL after 1 byte offset, then the next MDL.
        let intoHead = ClientBuffer(capacity: 4)
        let intoTail = ClientBuffer(capacity: 8)
        let intoMdl = MDL(intoHead.region)
        intoMdl.next = MDL(intoTail.region)
        let second = PostedReceive(capacity: 1)
        #expect(second.post(on: server, buf: WSKBuf(mdl: intoMdl, offset: 1, length: 10)) == .success)
        #expect(second.information == 6)
        #expect(intoHead.prefix(4) == [0, 1, 2, 3])
        #expect(intoTail.prefix(4) == [4, 5, 6, 0])
        withExtendedLifetime((head, tail)) {}
        pair.finish([server, client])
    }

    @Test func broadcastNeedsSOBroadcast() {
        let pair = WskPair()
        let server = pair.boundSocket(pair.bobNpi, .v4(.any, port: 7))
        let client = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 0))
        let subnet = SocketAddress.v4(IPv4Address(192, 0, 2, 255), port: 7)
        let limited = SocketAddress.v4(.broadcast, port: 7)
        #expect(client.option(WskControlCode.broadcast).value == 0)
        #expect(client.sendNow([1], to: subnet).status == .accessDenied)
        #expect(client.sendNow([1], to: limited).status == .accessDenied)
        // From a dual-stack IPv6 socket, to the mapped broadcast address, too.
        let dual = pair.datagramSocket(pair.aliceNpi, family: .inet6)
        #expect(dual.setOption(WskControlCode.ipv6V6Only, level: WskControlCode.ipprotoIPv6, 0) == .success)
        #expect(dual.bindNow(.v6(.unspecified, port: 0)) == .success)
        #expect(dual.sendNow([1], to: .v6(IPv6Address(ipv4Mapped: IPv4Address(192, 0, 2, 255)), port: 7)).status
            == .accessDenied)
        pair.settle()
        #expect(server.queuedBytes == 0)

        #expect(client.setOption(WskControlCode.broadcast, 1) == .success)
        #expect(client.option(WskControlCode.broadcast).value == 1)
        let receive = PostedReceive()
        #expect(receive.post(on: server) == .pending)
        #expect(client.sendNow(payload(3, count: 12), to: subnet) == (.success, 12))
        pair.settle()
        #expect(receive.status == .success)
        #expect(receive.bytes == payload(3, count: 12))
        #expect(receive.flags.pointee.contains(.broadcast))
        #expect(!receive.flags.pointee.contains(.truncated))
        // The limited broadcast address too: like Windows (the
        // 255.255.255.255/32 entries of `route print`), each IPv4 interface
        // has an on-link route for it.
        let limitedReceive = PostedReceive()
        #expect(limitedReceive.post(on: server) == .pending)
        #expect(client.sendNow(payload(4, count: 12), to: limited) == (.success, 12))
        pair.settle()
        #expect(limitedReceive.bytes == payload(4, count: 12))
        #expect(limitedReceive.flags.pointee.contains(.broadcast))
        // Switched off again, refused again.
        #expect(client.setOption(WskControlCode.broadcast, 0) == .success)
        #expect(client.sendNow([1], to: subnet).status == .accessDenied)
        pair.finish([server, client, dual])
    }

    @Test func theLargestDatagramGoesAndOneByteMoreIsInvalidBufferSize() {
        let pair = WskPair()
        let server = pair.boundSocket(pair.bobNpi, .v4(.any, port: 7))
        let client = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 0))
        let client6 = pair.boundSocket(pair.aliceNpi, .v6(.unspecified, port: 0))
        // IPv4: 65,535 − 20 − 8; IPv6: 65,535 − 8 (the payload length excludes the fixed header).
        #expect(client.sendNow(payload(0, count: 65_508), to: Self.bob7).status == .invalidBufferSize)
        #expect(client6.sendNow(payload(0, count: 65_528), to: Self.bob6).status == .invalidBufferSize)
        let receive = PostedReceive(capacity: 65_507)
        #expect(receive.post(on: server) == .pending)
        let big = payload(9, count: 65_507)
        #expect(client.sendNow(big, to: Self.bob7) == (.success, 65_507))
        pair.settle(.milliseconds(200))
        #expect(receive.status == .success)
        #expect(receive.information == 65_507)
        #expect(receive.bytes == big)
        // And the IPv6 one.
        let server6 = pair.boundSocket(pair.bobNpi, .v6(.unspecified, port: 7))
        let receive6 = PostedReceive(capacity: 65_527)
        #expect(receive6.post(on: server6) == .pending)
        let big6 = payload(8, count: 65_527)
        #expect(client6.sendNow(big6, to: Self.bob6) == (.success, 65_527))
        pair.settle(.milliseconds(200))
        #expect(receive6.status == .success)
        #expect(receive6.bytes == big6)
        pair.finish([server, client, client6, server6])
    }

    @Test func aBadWskBufIsInvalidParameter() {
        let pair = WskPair()
        let client = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 0))
        let memory = ClientBuffer(capacity: 8)
        let bad = [
            WSKBuf(mdl: MDL(memory.region), offset: 0, length: 9), // longer than the MDL
            WSKBuf(mdl: MDL(memory.region), offset: 8, length: 0), // offset outside the first MDL
            WSKBuf(mdl: MDL(memory.region), offset: 4, length: 5), // runs past the end from the offset
            WSKBuf(mdl: MDL(memory.region), offset: -1, length: 1),
            WSKBuf(mdl: MDL(memory.region), offset: 0, length: -1),
            WSKBuf(mdl: nil, offset: 0, length: 1), // bytes without an MDL
        ]
        for buf in bad {
            #expect(wskCall { client.sendTo(buf, remoteAddress: Self.bob7, irp: $0) }.status == .invalidParameter)
            let receive = PostedReceive(capacity: 1)
            #expect(receive.post(on: client, buf: buf) == .invalidParameter)
        }
        let receive = PostedReceive(capacity: 1)
        #expect(receive.post(on: client, flags: 1) == .invalidParameter)
        withExtendedLifetime(memory) {}
        pair.settle()
        #expect(pair.bob.stack.statistics.udp.datagramsIn == 0)
        pair.finish([client])
    }

    // MARK: - WskReceiveFrom

    @Test func receiveFromNeedsABoundSocket() {
        let pair = WskPair()
        let socket = pair.datagramSocket(pair.bobNpi)
        let receive = PostedReceive()
        #expect(receive.post(on: socket) == .invalidDeviceState)
        pair.finish([socket])
    }

    @Test func queuedDatagramsAreDeliveredInOrder() {
        let pair = WskPair()
        let server = pair.boundSocket(pair.bobNpi, .v4(.any, port: 7))
        let client = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 4_000))
        for i in 0..<5 { client.sendNow(payload(UInt8(i), count: 10 + i), to: Self.bob7) }
        pair.settle()
        #expect(server.queuedBytes == 10 + 11 + 12 + 13 + 14)
        for i in 0..<5 {
            let receive = PostedReceive()
            #expect(receive.post(on: server) == .success)
            #expect(receive.bytes == payload(UInt8(i), count: 10 + i))
            #expect(receive.remote.pointee == .v4(WskPair.aliceV4, port: 4_000))
            #expect(receive.flags.pointee == [])
        }
        #expect(server.queuedBytes == 0)
        let next = PostedReceive()
        #expect(next.post(on: server) == .pending)
        pair.finish([server, client])
        #expect(next.status == .cancelled)
    }

    @Test func aDatagramLargerThanTheBufferIsCutAndFlaggedMsgTrunc() {
        let pair = WskPair()
        let server = pair.boundSocket(pair.bobNpi, .v4(.any, port: 7))
        let client = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 0))
        // A receive already waiting…
        let waiting = PostedReceive(capacity: 10)
        #expect(waiting.post(on: server) == .pending)
        client.sendNow(payload(1, count: 100), to: Self.bob7)
        pair.settle()
        #expect(waiting.status == .success)
        #expect(waiting.information == 10)
        #expect(waiting.bytes == Array(payload(1, count: 100).prefix(10)))
        #expect(waiting.flags.pointee == .truncated)
        // …and one that finds the datagram queued: the rest is lost either way.
        client.sendNow(payload(2, count: 100), to: Self.bob7)
        client.sendNow(payload(3, count: 5), to: Self.bob7)
        pair.settle()
        let queued = PostedReceive(capacity: 10)
        #expect(queued.post(on: server) == .success)
        #expect(queued.information == 10)
        #expect(queued.bytes == Array(payload(2, count: 100).prefix(10)))
        #expect(queued.flags.pointee == .truncated)
        let whole = PostedReceive(capacity: 10)
        #expect(whole.post(on: server) == .success)
        #expect(whole.bytes == payload(3, count: 5))
        #expect(whole.flags.pointee == [])
        pair.finish([server, client])
    }

    @Test func severalQueuedReceivesCompleteInOrder() {
        let pair = WskPair()
        let server = pair.boundSocket(pair.bobNpi, .v4(.any, port: 7))
        let client = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 0))
        let receives = (0..<4).map { _ in PostedReceive() }
        for receive in receives { #expect(receive.post(on: server) == .pending) }
        for i in 0..<3 { client.sendNow(payload(UInt8(i), count: 20 + i), to: Self.bob7) }
        pair.settle()
        for i in 0..<3 {
            #expect(receives[i].status == .success)
            #expect(receives[i].probe.count == 1)
            #expect(receives[i].probe.pendingReturned == [true])
            #expect(receives[i].bytes == payload(UInt8(i), count: 20 + i))
        }
        #expect(!receives[3].isComplete)
        pair.finish([server, client])
        #expect(receives[3].status == .cancelled)
        #expect(receives[3].probe.count == 1)
    }

    // MARK: - WskSendMessages

    @Test func sendMessagesSendsOneDatagramPerElement() {
        let pair = WskPair()
        let server = pair.boundSocket(pair.bobNpi, .v4(.any, port: 7))
        let client = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 0))
        let buffers = [ClientBuffer(payload(1, count: 10)), ClientBuffer(payload(2, count: 200)),
                       ClientBuffer(payload(3, count: 33))]
        let list = WskBufList(buffers[0].buf(), next: WskBufList(buffers[1].buf(), next: WskBufList(buffers[2].buf())))
        let result = wskCall { client.sendMessages(list, remoteAddress: Self.bob7, irp: $0) }
        #expect(result.status == .success)
        #expect(result.irp.ioStatus.information == 243)
        pair.settle()
        for (i, count) in [10, 200, 33].enumerated() {
            let receive = PostedReceive()
            #expect(receive.post(on: server) == .success)
            #expect(receive.bytes == payload(UInt8(i + 1), count: count))
        }
        #expect(server.queuedBytes == 0)

        // A bad element stops the batch: the ones before it went.
        let broken = WskBufList(buffers[0].buf(), next: WskBufList(WSKBuf(mdl: nil, offset: 0, length: 4),
                                                                    next: WskBufList(buffers[2].buf())))
        let partial = wskCall { client.sendMessages(broken, remoteAddress: Self.bob7, irp: $0) }
        #expect(partial.status == .invalidParameter)
        #expect(partial.irp.ioStatus.information == 10)
        // No destination, and none fixed.
        #expect(wskCall { client.sendMessages(list, remoteAddress: nil, irp: $0) }.status == .invalidParameter)
        pair.settle()
        #expect(server.queuedBytes == 10)
        withExtendedLifetime(buffers) {}
        pair.finish([server, client])
    }

    // MARK: - WskCloseSocket

    @Test func everyCallAfterCloseIsInvalidDeviceState() {
        let pair = WskPair()
        let socket = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 0))
        let opened = pair.alice.wsk.statistics.socketsOpen
        #expect(socket.closeNow() == .success)
        #expect(socket.isClosed)
        #expect(pair.alice.wsk.statistics.socketsOpen == opened - 1)
        #expect(socket.bindNow(.v4(.any, port: 0)) == .invalidDeviceState)
        #expect(socket.localAddress().status == .invalidDeviceState)
        #expect(socket.sendNow([1], to: Self.bob7).status == .invalidDeviceState)
        let one = ClientBuffer([1])
        #expect(wskCall { socket.sendMessages(WskBufList(one.buf()), remoteAddress: Self.bob7, irp: $0) }.status
            == .invalidDeviceState)
        #expect(PostedReceive().post(on: socket) == .invalidDeviceState)
        #expect(socket.setOption(WskControlCode.receiveBuffer, 100) == .invalidDeviceState)
        #expect(socket.option(WskControlCode.receiveBuffer).status == .invalidDeviceState)
        #expect(socket.ioctl(WskControlCode.queryReceiveBacklog, input: nil, outputSize: 8).status == .invalidDeviceState)
        #expect(socket.setEvents(.receiveFrom) == .invalidDeviceState)
        #expect(socket.closeNow() == .invalidDeviceState)
        #expect(pair.alice.wsk.statistics.socketsOpen == opened - 1)
        // Its port is free again.
        pair.finish([])
    }

    @Test func closeCompletesPendingReceivesWithCancelled() {
        let pair = WskPair()
        let server = pair.boundSocket(pair.bobNpi, .v4(.any, port: 7))
        let client = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 0))
        let receives = (0..<3).map { _ in PostedReceive() }
        for receive in receives { #expect(receive.post(on: server) == .pending) }
        // Queued datagrams go back to the stack as well.
        let other = pair.boundSocket(pair.bobNpi, .v4(.any, port: 8))
        client.sendNow(payload(1), to: .v4(WskPair.bobV4, port: 8))
        pair.settle()
        #expect(other.queuedBytes == 16)
        #expect(server.closeNow() == .success)
        for receive in receives {
            #expect(receive.probe.count == 1)
            #expect(receive.status == .cancelled)
            #expect(receive.probe.pendingReturned == [true])
        }
        #expect(other.closeNow() == .success)
        // Nobody listens on port 7 any more: port unreachable.
        let noPort = pair.bob.stack.statistics.udp.noPort
        client.sendNow(payload(2), to: Self.bob7)
        pair.settle()
        #expect(pair.bob.stack.statistics.udp.noPort == noPort + 1)
        pair.finish([client])
    }

    // MARK: - SO_RCVBUF and SIO_WSK_QUERY_RECEIVE_BACKLOG

    @Test func soRcvbufBoundsTheQueueAndOverflowIsCounted() {
        let pair = WskPair()
        let server = pair.boundSocket(pair.bobNpi, .v4(.any, port: 7))
        let client = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 0))
        #expect(server.option(WskControlCode.receiveBuffer).value == 65_536)
        #expect(server.setOption(WskControlCode.receiveBuffer, 250) == .success)
        #expect(server.option(WskControlCode.receiveBuffer).value == 250)
        #expect(server.receiveBufferSize == 250)
        #expect(server.receiveBacklog() == 0)
        let before = pair.bob.wsk.statistics.receiveBufferOverflows
        for i in 0..<5 { client.sendNow(payload(UInt8(i), count: 100), to: Self.bob7) }
        pair.settle()
        #expect(server.queuedBytes == 200)
        #expect(server.receiveBacklog() == 200)
        #expect(server.receiveBufferOverflows == 3)
        #expect(pair.bob.wsk.statistics.receiveBufferOverflows == before + 3)
        // The two that fit are the first two.
        let first = PostedReceive()
        #expect(first.post(on: server) == .success)
        #expect(first.bytes == payload(0, count: 100))
        #expect(server.receiveBacklog() == 100)
        let second = PostedReceive()
        #expect(second.post(on: server) == .success)
        #expect(second.bytes == payload(1, count: 100))
        #expect(server.receiveBacklog() == 0)
        // A short option value is refused.
        let short: [UInt8] = [1, 2]
        #expect(short.withUnsafeBytes { input in
            wskCall {
                server.controlSocket(.setOption, controlCode: WskControlCode.receiveBuffer, level: WskControlCode.solSocket,
                                     input: input, output: nil, outputSizeReturned: nil, irp: $0)
            }.status
        } == .invalidParameter)
        pair.finish([server, client])
    }

    // MARK: - SIO_WSK_SET_REMOTE_ADDRESS / SIO_WSK_SET_SENDTO_ADDRESS

    @Test func aFixedRemoteAddressIsTheDefaultDestinationAndTheOnlySource() {
        let pair = WskPair()
        let server = pair.boundSocket(pair.bobNpi, .v4(.any, port: 7))
        let peer = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 5_000))
        let stranger = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 6_000))
        let unbound = pair.datagramSocket(pair.bobNpi)
        #expect(unbound.setAddress(WskControlCode.setRemoteAddress, .v4(WskPair.aliceV4, port: 5_000))
            == .invalidDeviceState)
        #expect(server.setAddress(WskControlCode.setRemoteAddress, .v6(WskPair.aliceV6, port: 5_000))
            == .invalidAddress)
        #expect(server.ioctl(WskControlCode.setRemoteAddress, input: [2, 0, 1]).status == .invalidParameter)
        #expect(server.setAddress(WskControlCode.setRemoteAddress, .v4(WskPair.aliceV4, port: 5_000)) == .success)

        // WskSendTo with no address goes to the fixed peer.
        let atPeer = PostedReceive()
        #expect(atPeer.post(on: peer) == .pending)
        #expect(server.sendNow(payload(1), to: nil) == (.success, 16))
        pair.settle()
        #expect(atPeer.bytes == payload(1))
        #expect(atPeer.remote.pointee == .v4(WskPair.bobV4, port: 7))

        // Only the peer gets through; the stranger's datagram is not for this
        // socket, so bob answers port unreachable.
        let noPort = pair.bob.stack.statistics.udp.noPort
        let unreachableOut = pair.bob.stack.statistics.icmpv4.destinationUnreachableOut
        let unreachableIn = pair.alice.stack.statistics.icmpv4.destinationUnreachableIn
        stranger.sendNow(payload(2), to: Self.bob7)
        peer.sendNow(payload(3), to: Self.bob7)
        pair.settle()
        #expect(pair.bob.stack.statistics.udp.noPort == noPort + 1)
        #expect(pair.bob.stack.statistics.icmpv4.destinationUnreachableOut == unreachableOut + 1)
        #expect(pair.alice.stack.statistics.icmpv4.destinationUnreachableIn == unreachableIn + 1)
        let fromPeer = PostedReceive()
        #expect(fromPeer.post(on: server) == .success)
        #expect(fromPeer.bytes == payload(3))
        #expect(server.queuedBytes == 0)
        // An explicit address still overrides it for one send.
        let atStranger = PostedReceive()
        #expect(atStranger.post(on: stranger) == .pending)
        #expect(server.sendNow(payload(4), to: .v4(WskPair.aliceV4, port: 6_000)).status == .success)
        pair.settle()
        #expect(atStranger.bytes == payload(4))

        // Cleared: no default destination, and anyone gets through again.
        #expect(server.setAddress(WskControlCode.setRemoteAddress, nil) == .success)
        #expect(server.sendNow(payload(5), to: nil).status == .invalidParameter)
        stranger.sendNow(payload(6), to: Self.bob7)
        pair.settle()
        let fromStranger = PostedReceive()
        #expect(fromStranger.post(on: server) == .success)
        #expect(fromStranger.bytes == payload(6))
        pair.finish([server, peer, stranger, unbound])
    }

    @Test func aSendToAddressIsOnlyTheDefaultDestination() {
        let pair = WskPair()
        let server = pair.boundSocket(pair.bobNpi, .v4(.any, port: 7))
        let peer = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 5_000))
        let stranger = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 6_000))
        let unbound = pair.datagramSocket(pair.bobNpi)
        #expect(unbound.setAddress(WskControlCode.setSendToAddress, .v4(WskPair.aliceV4, port: 5_000))
            == .invalidDeviceState)
        #expect(server.setAddress(WskControlCode.setSendToAddress, .v6(WskPair.aliceV6, port: 1)) == .invalidAddress)
        #expect(server.setAddress(WskControlCode.setSendToAddress, .v4(WskPair.aliceV4, port: 5_000)) == .success)
        let atPeer = PostedReceive()
        #expect(atPeer.post(on: peer) == .pending)
        let batch = ClientBuffer(payload(1))
        #expect(wskCall { server.sendMessages(WskBufList(batch.buf()), remoteAddress: nil, irp: $0) }.status == .success)
        pair.settle()
        #expect(atPeer.bytes == payload(1))
        // Datagrams from anyone are still received.
        let noPort = pair.bob.stack.statistics.udp.noPort
        stranger.sendNow(payload(2), to: Self.bob7)
        peer.sendNow(payload(3), to: Self.bob7)
        pair.settle()
        #expect(pair.bob.stack.statistics.udp.noPort == noPort)
        for expected in [payload(2), payload(3)] {
            let receive = PostedReceive()
            #expect(receive.post(on: server) == .success)
            #expect(receive.bytes == expected)
        }
        #expect(server.setAddress(WskControlCode.setSendToAddress, nil) == .success)
        #expect(server.sendNow(payload(4), to: nil).status == .invalidParameter)
        withExtendedLifetime(batch) {}
        pair.finish([server, peer, stranger, unbound])
    }

    // MARK: - IPV6_V6ONLY (WSK §7)

    @Test func ipv6SocketsAreIPv6OnlyByDefault() {
        let pair = WskPair()
        let server = pair.datagramSocket(pair.bobNpi, family: .inet6)
        #expect(server.option(WskControlCode.ipv6V6Only, level: WskControlCode.ipprotoIPv6).value == 1)
        #expect(server.bindNow(.v6(.unspecified, port: 9)) == .success)
        let client4 = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 0))
        let client6 = pair.boundSocket(pair.aliceNpi, .v6(.unspecified, port: 0))
        let noPort = pair.bob.stack.statistics.udp.noPort
        client4.sendNow(payload(1), to: .v4(WskPair.bobV4, port: 9))
        client6.sendNow(payload(2), to: .v6(WskPair.bobV6, port: 9))
        pair.settle()
        #expect(pair.bob.stack.statistics.udp.noPort == noPort + 1)
        let receive = PostedReceive()
        #expect(receive.post(on: server) == .success)
        #expect(receive.bytes == payload(2))
        #expect(server.queuedBytes == 0)
        // An IPv4 socket may take the same port.
        let v4 = pair.datagramSocket(pair.bobNpi)
        #expect(v4.bindNow(.v4(.any, port: 9)) == .success)
        // After bind the option is fixed.
        #expect(server.setOption(WskControlCode.ipv6V6Only, level: WskControlCode.ipprotoIPv6, 0) == .invalidDeviceState)
        #expect(server.option(WskControlCode.ipv6V6Only, level: WskControlCode.ipprotoIPv6).value == 1)
        // It is an IPv6 option.
        #expect(v4.setOption(WskControlCode.ipv6V6Only, level: WskControlCode.ipprotoIPv6, 0) == .invalidParameter)
        pair.finish([server, client4, client6, v4])
    }

    @Test func aDualStackSocketGetsIPv4AndReservesThePortInBothFamilies() {
        let pair = WskPair()
        let server = pair.datagramSocket(pair.bobNpi, family: .inet6)
        #expect(server.setOption(WskControlCode.ipv6V6Only, level: WskControlCode.ipprotoIPv6, 0) == .success)
        #expect(server.option(WskControlCode.ipv6V6Only, level: WskControlCode.ipprotoIPv6).value == 0)
        #expect(server.bindNow(.v6(.unspecified, port: 9)) == .success)
        let v4 = pair.datagramSocket(pair.bobNpi)
        #expect(v4.bindNow(.v4(.any, port: 9)) == .addressAlreadyExists)
        let client4 = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 4_444))
        client4.sendNow(payload(1), to: .v4(WskPair.bobV4, port: 9))
        pair.settle()
        let receive = PostedReceive()
        #expect(receive.post(on: server) == .success)
        #expect(receive.bytes == payload(1))
        #expect(receive.remote.pointee == .v6(IPv6Address(ipv4Mapped: WskPair.aliceV4), port: 4_444))
        pair.finish([server, v4, client4])
    }

    // MARK: - ICMP errors

    @Test func portUnreachableFailsTheReceiveOfASocketWithAFixedPeerOnly() {
        let pair = WskPair()
        let connected = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 5_000))
        let unconnected = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 6_000))
        let nowhere = SocketAddress.v4(WskPair.bobV4, port: 9)
        #expect(connected.setAddress(WskControlCode.setRemoteAddress, nowhere) == .success)
        let connectedReceive = PostedReceive()
        let unconnectedReceive = PostedReceive()
        #expect(connectedReceive.post(on: connected) == .pending)
        #expect(unconnectedReceive.post(on: unconnected) == .pending)
        let reported = pair.alice.stack.statistics.udp.errorsReported
        let unreachableIn = pair.alice.stack.statistics.icmpv4.destinationUnreachableIn
        #expect(connected.sendNow(payload(1), to: nil).status == .success)
        #expect(unconnected.sendNow(payload(2), to: nowhere).status == .success)
        pair.settle()
        #expect(pair.alice.stack.statistics.icmpv4.destinationUnreachableIn == unreachableIn + 2)
        #expect(pair.alice.stack.statistics.udp.errorsReported == reported + 1)
        #expect(connectedReceive.status == .portUnreachable)
        #expect(connectedReceive.probe.count == 1)
        #expect(!unconnectedReceive.isComplete)

        // With no receive waiting, the error fails the next one, once.
        #expect(connected.sendNow(payload(3), to: nil).status == .success)
        pair.settle()
        let next = PostedReceive()
        #expect(next.post(on: connected) == .portUnreachable)
        let after = PostedReceive()
        #expect(after.post(on: connected) == .pending)
        pair.finish([connected, unconnected])
        #expect(unconnectedReceive.status == .cancelled)
        #expect(after.status == .cancelled)
    }

    @Test func aDualStackSocketWithAMappedPeerHearsTheIPv4PortUnreachable() {
        let pair = WskPair()
        let dual = pair.datagramSocket(pair.aliceNpi, family: .inet6)
        #expect(dual.setOption(WskControlCode.ipv6V6Only, level: WskControlCode.ipprotoIPv6, 0) == .success)
        #expect(dual.bindNow(.v6(.unspecified, port: 5_000)) == .success)
        let mapped = SocketAddress.v6(IPv6Address(ipv4Mapped: WskPair.bobV4), port: 9)
        #expect(dual.setAddress(WskControlCode.setRemoteAddress, mapped) == .success)
        let receive = PostedReceive()
        #expect(receive.post(on: dual) == .pending)
        let out = pair.alice.stack.statistics.udp.datagramsOut
        #expect(dual.sendNow(payload(1), to: nil).status == .success)
        #expect(pair.alice.stack.statistics.udp.datagramsOut == out + 1)
        pair.settle()
        #expect(receive.status == .portUnreachable)
        pair.finish([dual])
    }

    @Test func ipv6PortUnreachableFailsTheReceiveOfASocketWithAFixedPeer() {
        let pair = WskPair()
        let connected = pair.boundSocket(pair.aliceNpi, .v6(.unspecified, port: 5_000))
        #expect(connected.setAddress(WskControlCode.setRemoteAddress, .v6(WskPair.bobV6, port: 9)) == .success)
        let receive = PostedReceive()
        #expect(receive.post(on: connected) == .pending)
        #expect(connected.sendNow(payload(1), to: nil).status == .success)
        pair.settle()
        #expect(receive.status == .portUnreachable)
        pair.finish([connected])
    }
}
