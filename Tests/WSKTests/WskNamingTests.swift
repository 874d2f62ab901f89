import NDIS
import NetCore
import Synchronization
import TCPIP
import Testing
import WSK

/// A registered WSK client over a stack with no adapters, or with one
/// loopback adapter holding the addresses given (and a link-local one),
/// which are what the RFC 6724 sort and AI_ADDRCONFIG see.
private final class NamingFixture {
    let ndis = Ndis()
    let stack: TCPIPStack
    let subsystem: WskSubsystem
    let registration = WskRegistration()
    let npi: WskProviderNpi

    init(ipv4: [IPv4Address] = [], ipv6: [IPv6Address] = []) throws {
        var configuration = TCPIPStack.Configuration(seed: 1)
        // No Duplicate Address Detection: IPv6 addresses are usable at once.
        configuration.ipv6.dupAddrDetectTransmits = 0
        stack = TCPIPStack(ndis: ndis, configuration: configuration)
        if !ipv4.isEmpty || !ipv6.isEmpty {
            #expect(ndis.loadDriver(name: "loopback", entry: LoopbackMiniport.driverEntry) == .success)
            let started = ndis.startAdapter(driver: try #require(ndis.miniportDrivers.first), name: "lo0")
            #expect(started.status == .success)
            let interface = try #require(stack.interfaces.first)
            for address in ipv4 { #expect(stack.addAddress(address, prefixLength: 24, to: interface) == .success) }
            for address in ipv6 { #expect(stack.addAddress(address, prefixLength: 64, to: interface) == .success) }
            // IPv6 starts on the interface (link-local address) in a deferred call.
            while ndis.hasDeferredWork { ndis.runDeferredProcedureCalls() }
        }
        subsystem = WskSubsystem(stack: stack)
        #expect(registration.register(WskClientNpi(), with: subsystem) == .success)
        var captured: WskProviderNpi?
        #expect(registration.captureProviderNpi(waitTimeout: .noWait, &captured) == .success)
        npi = try #require(captured)
    }

    /// One WskGetAddressInfo call: its status, the list as an array, and the IRP.
    func addressInfo(_ node: String?, _ service: String?, hints: WskAddressInfoHints? = nil, nameSpace: UInt32 = 0,
                     owningProcess: AnyObject? = nil, owningThread: AnyObject? = nil)
        -> (status: NTStatus, entries: [WskAddressInfo], irp: IRP) {
        let irp = IRP()
        var result: WskAddressInfo?
        let status = npi.dispatch.wskGetAddressInfo(npi.client, nodeName: node, serviceName: service, nameSpace: nameSpace,
                                                    hints: hints, result: &result, owningProcess: owningProcess,
                                                    owningThread: owningThread, irp: irp)
        var entries: [WskAddressInfo] = []
        var current = result
        while let entry = current {
            entries.append(entry)
            current = entry.next
        }
        return (status, entries, irp)
    }

    /// The addresses of a WskGetAddressInfo call that must succeed.
    func addresses(_ node: String?, _ service: String?, hints: WskAddressInfoHints? = nil) -> [SocketAddress] {
        let call = addressInfo(node, service, hints: hints)
        #expect(call.status == .success)
        return call.entries.map(\.address)
    }

    /// One WskGetNameInfo call asking for both names (or only those given).
    func nameInfo(_ address: SocketAddress, flags: WskNameInfoFlags = [], wantNode: Bool = true, wantService: Bool = true,
                  owningProcess: AnyObject? = nil, owningThread: AnyObject? = nil)
        -> (status: NTStatus, node: String, service: String, irp: IRP) {
        let irp = IRP()
        var node = "untouched"
        var service = "untouched"
        let status = withUnsafeMutablePointer(to: &node) { nodePointer in
            withUnsafeMutablePointer(to: &service) { servicePointer in
                npi.dispatch.wskGetNameInfo(npi.client, socketAddress: address, nodeName: wantNode ? nodePointer : nil,
                                            serviceName: wantService ? servicePointer : nil, flags: flags,
                                            owningProcess: owningProcess, owningThread: owningThread, irp: irp)
            }
        }
        return (status, node, service, irp)
    }

    /// Releases the capture and deregisters, so the client is stale.
    func deregister() {
        registration.releaseProviderNpi()
        registration.deregister()
    }
}

private let tcp = UInt32(IPProtocol.tcp.rawValue)
private let udp = UInt32(IPProtocol.udp.rawValue)

private func v4(_ text: String, _ port: UInt16 = 0) -> SocketAddress {
    .v4(IPv4Address(text)!, port: port)
}

private func v6(_ text: String, _ port: UInt16 = 0, scope: UInt32 = 0) -> SocketAddress {
    .v6(IPv6Address(text)!, port: port, scopeID: scope)
}

@Suite struct WskNamingTests {
    // MARK: - Numeric hosts

    @Test func numericIPv4CompletesTheIrpInline() throws {
        let fixture = try NamingFixture()
        let irp = IRP()
        let seen = CompletionLog()
        irp.setCompletionRoutine { irp in
            seen.record(irp.ioStatus.status)
            return .moreProcessingRequired
        }
        var result: WskAddressInfo?
        let status = fixture.npi.dispatch.wskGetAddressInfo(fixture.npi.client, nodeName: "192.0.2.1", serviceName: "80",
                                                            hints: nil, result: &result, irp: irp)
        #expect(status == .success)
        #expect(seen.statuses == [.success])
        #expect(!irp.pendingReturned)
        #expect(irp.ioStatus == IRP.IoStatusBlock(status: .success, information: 0))
        let entry = try #require(result)
        #expect(entry.address == v4("192.0.2.1", 80))
        #expect(entry.family == .inet)
        #expect(entry.socketType == nil)
        #expect(entry.protocolNumber == 0)
        #expect(entry.flags == [])
        #expect(entry.canonicalName == nil)
        #expect(entry.next == nil)
    }

    @Test func numericIPv6TakesTheHintedTypeAndProtocol() throws {
        let fixture = try NamingFixture()
        let hints = WskAddressInfoHints(socketType: .stream, protocolNumber: tcp)
        let call = fixture.addressInfo("2001:db8::1", "https", hints: hints)
        #expect(call.status == .success)
        let entry = try #require(call.entries.first)
        #expect(call.entries.count == 1)
        #expect(entry.address == v6("2001:db8::1", 443))
        #expect(entry.family == .inet6)
        #expect(entry.socketType == .stream)
        #expect(entry.protocolNumber == tcp)
    }

    @Test func scopedIPv6LiteralKeepsItsScope() throws {
        let fixture = try NamingFixture()
        #expect(fixture.addresses("fe80::1%3", "53") == [v6("fe80::1", 53, scope: 3)])
        // Only numeric scopes: there is no interface table to name one.
        #expect(fixture.addressInfo("fe80::1%eth0", "53").status == .noMatch)
        #expect(fixture.addressInfo("192.0.2.1%3", "53").status == .noMatch)
    }

    @Test func numericHostOfTheOtherFamilyDoesNotMatch() throws {
        let fixture = try NamingFixture()
        let call = fixture.addressInfo("192.0.2.1", "80", hints: WskAddressInfoHints(family: .inet6))
        #expect(call.status == .noMatch)
        #expect(call.irp.ioStatus.status == .noMatch)
        #expect(call.entries.isEmpty)
        #expect(fixture.addresses("192.0.2.1", "80", hints: WskAddressInfoHints(family: .inet)) == [v4("192.0.2.1", 80)])
    }

    @Test func canonicalNameOfALiteralIsTheLiteral() throws {
        let fixture = try NamingFixture()
        let call = fixture.addressInfo("2001:db8::7", nil, hints: WskAddressInfoHints(flags: .canonicalName))
        #expect(call.entries.map(\.canonicalName) == ["2001:db8::7"])
        #expect(call.entries.first?.flags == .canonicalName)
    }

    // MARK: - Hosts table

    @Test func hostsTableNameIsCaseInsensitiveAndSortedByRfc6724() throws {
        let fixture = try NamingFixture()
        fixture.subsystem.hosts["Server.example"] = [
            IPAddress("192.0.2.10")!, IPAddress("2001:db8::10")!, IPAddress("192.0.2.11")!, IPAddress("192.0.2.10")!,
        ]
        let hints = WskAddressInfoHints(flags: .canonicalName, socketType: .datagram, protocolNumber: udp)
        let call = fixture.addressInfo("server.EXAMPLE", "domain", hints: hints)
        #expect(call.status == .success)
        // No source for anything: precedence decides (::/0 40 over
        // ::ffff:0:0/96 35), then the table's order; the repeat is dropped.
        #expect(call.entries.map(\.address) == [v6("2001:db8::10", 53), v4("192.0.2.10", 53), v4("192.0.2.11", 53)])
        #expect(call.entries.map(\.canonicalName) == ["Server.example", nil, nil])
        #expect(call.entries.allSatisfy { $0.socketType == .datagram && $0.protocolNumber == udp })
    }

    @Test func exactHostsKeyWinsOverOtherSpellings() throws {
        let fixture = try NamingFixture()
        fixture.subsystem.hosts["db.example"] = [IPAddress("192.0.2.20")!]
        fixture.subsystem.hosts["DB.example"] = [IPAddress("192.0.2.21")!]
        fixture.subsystem.hosts["Db.example"] = [IPAddress("192.0.2.22")!]
        #expect(fixture.addresses("Db.example", nil) == [v4("192.0.2.22")])
        // No exact key: the first spelling in sorted order.
        let call = fixture.addressInfo("dB.EXAMPLE", nil, hints: WskAddressInfoHints(flags: .canonicalName))
        #expect(call.entries.map(\.address) == [v4("192.0.2.21")])
        #expect(call.entries.first?.canonicalName == "DB.example")
    }

    @Test func hostsTableFiltersByFamily() throws {
        let fixture = try NamingFixture()
        fixture.subsystem.hosts["multi.example"] = [
            IPAddress("192.0.2.30")!, IPAddress("2001:db8::30")!, IPAddress("192.0.2.31")!, IPAddress("2001:db8::31")!,
        ]
        #expect(fixture.addresses("multi.example", "80", hints: WskAddressInfoHints(family: .inet))
                == [v4("192.0.2.30", 80), v4("192.0.2.31", 80)])
        #expect(fixture.addresses("multi.example", "80", hints: WskAddressInfoHints(family: .inet6))
                == [v6("2001:db8::30", 80), v6("2001:db8::31", 80)])
        fixture.subsystem.hosts["v4only.example"] = [IPAddress("192.0.2.32")!]
        #expect(fixture.addressInfo("v4only.example", "80", hints: WskAddressInfoHints(family: .inet6)).status == .noMatch)
    }

    @Test func ipv4FirstWhenOnlyIPv4HasASource() throws {
        let fixture = try NamingFixture(ipv4: [IPv4Address("192.0.2.1")!])
        fixture.subsystem.hosts["dual.example"] = [IPAddress("2001:db8::40")!, IPAddress("192.0.2.40")!]
        // Rule 2: the IPv6 destination has only the link-local address to
        // send from, a scope mismatch; the IPv4 one has a global match.
        #expect(fixture.addresses("dual.example", nil) == [v4("192.0.2.40"), v6("2001:db8::40")])
    }

    @Test func ipv6FirstWhenBothFamiliesHaveSources() throws {
        let fixture = try NamingFixture(ipv4: [IPv4Address("192.0.2.1")!], ipv6: [IPv6Address("2001:db8::1")!])
        try #require(fixture.stack.interfaces[0].ipv6Addresses.contains {
            $0.address == IPv6Address("2001:db8::1")! && $0.dadState.isUsable
        })
        fixture.subsystem.hosts["dual.example"] = [IPAddress("192.0.2.40")!, IPAddress("2001:db8::40")!]
        // Rule 6: precedence 40 over 35.
        #expect(fixture.addresses("dual.example", nil) == [v6("2001:db8::40"), v4("192.0.2.40")])
    }

    @Test func numericHostFlagSkipsTheHostsTable() throws {
        let fixture = try NamingFixture()
        fixture.subsystem.hosts["named.example"] = [IPAddress("192.0.2.50")!]
        let numeric = WskAddressInfoHints(flags: .numericHost)
        #expect(fixture.addressInfo("named.example", "80", hints: numeric).status == .noMatch)
        #expect(fixture.addressInfo("localhost", "80", hints: numeric).status == .noMatch)
        #expect(fixture.addresses("192.0.2.50", "80", hints: numeric) == [v4("192.0.2.50", 80)])
    }

    @Test func unknownNameDoesNotMatch() throws {
        let fixture = try NamingFixture()
        fixture.subsystem.hosts["empty.example"] = []
        for name in ["nowhere.example", "empty.example", "", "192.0.2.256"] {
            let call = fixture.addressInfo(name, "80")
            #expect(call.status == .noMatch, "\(name)")
            #expect(call.irp.ioStatus.status == .noMatch)
            #expect(call.entries.isEmpty)
        }
    }

    // MARK: - Defaults and localhost

    @Test func noNodeIsLoopback() throws {
        let fixture = try NamingFixture()
        #expect(fixture.addresses(nil, "7") == [v6("::1", 7), v4("127.0.0.1", 7)])
        #expect(fixture.addresses(nil, "7", hints: WskAddressInfoHints(family: .inet)) == [v4("127.0.0.1", 7)])
    }

    @Test func passiveWithNoNodeIsTheWildcards() throws {
        let fixture = try NamingFixture()
        let passive = WskAddressInfoHints(flags: .passive, socketType: .stream, protocolNumber: tcp)
        let call = fixture.addressInfo(nil, "http", hints: passive)
        #expect(call.entries.map(\.address) == [v6("::", 80), v4("0.0.0.0", 80)])
        #expect(call.entries.allSatisfy { $0.socketType == .stream && $0.canonicalName == nil })
        #expect(fixture.addresses(nil, "80", hints: WskAddressInfoHints(flags: .passive, family: .inet6)) == [v6("::", 80)])
        // A node name wins over AI_PASSIVE.
        #expect(fixture.addresses("192.0.2.60", "80", hints: passive) == [v4("192.0.2.60", 80)])
    }

    @Test func localhostIsLoopbackAnyCase() throws {
        let fixture = try NamingFixture()
        let call = fixture.addressInfo("LocalHost", "9", hints: WskAddressInfoHints(flags: .canonicalName))
        #expect(call.entries.map(\.address) == [v6("::1", 9), v4("127.0.0.1", 9)])
        #expect(call.entries.map(\.canonicalName) == ["LocalHost", nil])
    }

    @Test func addressConfigurationKeepsConfiguredFamilies() throws {
        let bare = try NamingFixture()
        let config = WskAddressInfoHints(flags: .addressConfiguration)
        #expect(bare.addressInfo("192.0.2.70", "80", hints: config).status == .noMatch)
        #expect(bare.addressInfo(nil, "80", hints: config).status == .noMatch)

        let ipv4Only = try NamingFixture(ipv4: [IPv4Address("192.0.2.1")!])
        ipv4Only.subsystem.hosts["dual.example"] = [IPAddress("2001:db8::70")!, IPAddress("192.0.2.70")!]
        // The link-local address the adapter got does not count.
        #expect(ipv4Only.stack.interfaces[0].linkLocalAddress != nil)
        #expect(ipv4Only.addresses("dual.example", "80", hints: config) == [v4("192.0.2.70", 80)])

        let dual = try NamingFixture(ipv4: [IPv4Address("192.0.2.1")!], ipv6: [IPv6Address("2001:db8::1")!])
        dual.subsystem.hosts["dual.example"] = [IPAddress("2001:db8::70")!, IPAddress("192.0.2.70")!]
        #expect(dual.addresses("dual.example", "80", hints: config) == [v6("2001:db8::70", 80), v4("192.0.2.70", 80)])
    }

    // MARK: - Services

    @Test func servicesByNumberAndName() throws {
        let fixture = try NamingFixture()
        let stream = WskAddressInfoHints(socketType: .stream)
        let datagram = WskAddressInfoHints(socketType: .datagram)
        let cases: [(String, WskAddressInfoHints?, UInt16)] = [
            ("0", nil, 0), ("65535", nil, 65535), ("080", nil, 80),
            ("echo", nil, 7), ("discard", datagram, 9), ("daytime", stream, 13), ("DOMAIN", nil, 53),
            ("http", stream, 80), ("ntp", datagram, 123), ("Https", datagram, 443),
        ]
        for (service, hints, port) in cases {
            #expect(fixture.addresses("192.0.2.80", service, hints: hints) == [v4("192.0.2.80", port)], "\(service)")
        }
        // No service: port 0.
        #expect(fixture.addresses("192.0.2.80", nil) == [v4("192.0.2.80")])
        // A raw socket has no ports to name, but a number is still a number.
        #expect(fixture.addresses("192.0.2.80", "5", hints: WskAddressInfoHints(socketType: .raw)) == [v4("192.0.2.80", 5)])
    }

    @Test func unknownServicesAreInvalid() throws {
        let fixture = try NamingFixture()
        let cases: [(String, WskAddressInfoHints?)] = [
            ("65536", nil), ("-1", nil), ("+80", nil), ("", nil), (" 80", nil), ("smtp", nil),
            ("http", WskAddressInfoHints(socketType: .datagram)), ("ntp", WskAddressInfoHints(socketType: .stream)),
            ("echo", WskAddressInfoHints(socketType: .raw)),
        ]
        for (service, hints) in cases {
            let call = fixture.addressInfo("192.0.2.90", service, hints: hints)
            #expect(call.status == .invalidParameter, "\(service)")
            #expect(call.irp.ioStatus.status == .invalidParameter)
            #expect(call.entries.isEmpty)
        }
    }

    // MARK: - Argument errors

    @Test func badArgumentsAreInvalid() throws {
        let fixture = try NamingFixture()
        let owner = Owner()
        let invalid: [(status: NTStatus, entries: [WskAddressInfo], irp: IRP)] = [
            fixture.addressInfo(nil, nil),
            fixture.addressInfo("192.0.2.1", "80", owningThread: owner),
            fixture.addressInfo("192.0.2.1", "80", nameSpace: 12),
            fixture.addressInfo(nil, "80", hints: WskAddressInfoHints(flags: .canonicalName)),
        ]
        for call in invalid {
            #expect(call.status == .invalidParameter)
            #expect(call.irp.ioStatus.status == .invalidParameter)
            #expect(call.entries.isEmpty)
        }
        #expect(fixture.addressInfo("192.0.2.1", "80", owningProcess: owner, owningThread: owner).status == .success)
        #expect(fixture.addressInfo("192.0.2.1", "80", owningProcess: owner).status == .success)
        #expect(fixture.addressInfo("192.0.2.1", "80", nameSpace: 11).status == .success)
    }

    @Test func staleClientIsInvalidDeviceState() throws {
        let fixture = try NamingFixture()
        fixture.deregister()
        let call = fixture.addressInfo("192.0.2.1", "80")
        #expect(call.status == .invalidDeviceState)
        #expect(call.irp.ioStatus.status == .invalidDeviceState)
        #expect(call.entries.isEmpty)
        let name = fixture.nameInfo(v4("192.0.2.1", 80))
        #expect(name.status == .invalidDeviceState)
        #expect(name.irp.ioStatus.status == .invalidDeviceState)
        #expect(name.node == "untouched" && name.service == "untouched")
    }

    @Test func resultIsClearedOnFailure() throws {
        let fixture = try NamingFixture()
        var result: WskAddressInfo? = fixture.addressInfo("192.0.2.1", nil).entries.first
        #expect(result != nil)
        let status = fixture.npi.dispatch.wskGetAddressInfo(fixture.npi.client, nodeName: "nowhere.example",
                                                            serviceName: nil, hints: nil, result: &result, irp: IRP())
        #expect(status == .noMatch)
        #expect(result == nil)
    }

    // MARK: - WskFreeAddressInfo

    @Test func freeBreaksTheChain() throws {
        let fixture = try NamingFixture()
        fixture.subsystem.hosts["three.example"] = [
            IPAddress("192.0.2.100")!, IPAddress("192.0.2.101")!, IPAddress("192.0.2.102")!,
        ]
        let entries = fixture.addressInfo("three.example", nil).entries
        #expect(entries.count == 3)
        fixture.npi.dispatch.wskFreeAddressInfo(fixture.npi.client, entries.first)
        #expect(entries.allSatisfy { $0.next == nil })
        // Freeing nothing is harmless.
        fixture.npi.dispatch.wskFreeAddressInfo(fixture.npi.client, nil)
    }

    // MARK: - WskGetNameInfo

    @Test func nameInfoFromTheHostsTable() throws {
        let fixture = try NamingFixture()
        fixture.subsystem.hosts["web.example.net"] = [IPAddress("192.0.2.110")!, IPAddress("2001:db8::110")!]
        fixture.subsystem.hosts["alias.example.net"] = [IPAddress("192.0.2.110")!]
        // The first name in sorted order.
        let byIPv4 = fixture.nameInfo(v4("192.0.2.110", 80))
        #expect(byIPv4.status == .success)
        #expect(byIPv4.irp.ioStatus == IRP.IoStatusBlock(status: .success, information: 0))
        #expect(byIPv4.node == "alias.example.net")
        #expect(byIPv4.service == "http")
        #expect(fixture.nameInfo(v6("2001:db8::110", 443)).node == "web.example.net")
        #expect(fixture.nameInfo(v6("2001:db8::110", 443), flags: .noFullyQualifiedName).node == "web")
        #expect(fixture.nameInfo(v4("192.0.2.110", 80), flags: .numericHost).node == "192.0.2.110")
        #expect(fixture.nameInfo(v4("192.0.2.110"), flags: [.numericHost, .nameRequired]).node == "192.0.2.110")
    }

    @Test func nameInfoWithoutAName() throws {
        let fixture = try NamingFixture()
        let numeric = fixture.nameInfo(v6("2001:db8::120", 7), flags: .noFullyQualifiedName)
        #expect(numeric.status == .success)
        #expect(numeric.node == "2001:db8::120")
        #expect(numeric.service == "echo")
        #expect(fixture.nameInfo(v6("fe80::1", 7, scope: 4)).node == "fe80::1%4")

        let required = fixture.nameInfo(v4("192.0.2.120", 7), flags: .nameRequired)
        #expect(required.status == .noMatch)
        #expect(required.irp.ioStatus.status == .noMatch)
        #expect(required.node == "untouched" && required.service == "untouched")
        // Without a node name to find, NI_NAMEREQD has nothing to fail on.
        #expect(fixture.nameInfo(v4("192.0.2.120", 7), flags: .nameRequired, wantNode: false).status == .success)
    }

    @Test func nameInfoServices() throws {
        let fixture = try NamingFixture()
        let address = IPv4Address("192.0.2.130")!
        func service(_ port: UInt16, _ flags: WskNameInfoFlags = []) -> String {
            fixture.nameInfo(.v4(address, port: port), flags: flags, wantNode: false).service
        }
        #expect(service(80) == "http")
        #expect(service(80, .datagram) == "80")
        #expect(service(123) == "123")
        #expect(service(123, .datagram) == "ntp")
        #expect(service(443, .numericService) == "443")
        #expect(service(53, .datagram) == "domain")
        #expect(service(8080) == "8080")
        let nodeOnly = fixture.nameInfo(.v4(address, port: 80), wantService: false)
        #expect(nodeOnly.status == .success)
        #expect(nodeOnly.node == "192.0.2.130" && nodeOnly.service == "untouched")
    }

    @Test func nameInfoBadArguments() throws {
        let fixture = try NamingFixture()
        let owner = Owner()
        let neither = fixture.nameInfo(v4("192.0.2.140", 80), wantNode: false, wantService: false)
        #expect(neither.status == .invalidParameter)
        #expect(neither.irp.ioStatus.status == .invalidParameter)
        let threadOnly = fixture.nameInfo(v4("192.0.2.140", 80), owningThread: owner)
        #expect(threadOnly.status == .invalidParameter)
        #expect(threadOnly.node == "untouched")
        #expect(fixture.nameInfo(v4("192.0.2.140", 80), owningProcess: owner, owningThread: owner).status == .success)
    }
}

/// Stands for a PEPROCESS or PETHREAD.
private final class Owner {}

/// Statuses a completion routine saw.
private final class CompletionLog: Sendable {
    private let seen = Mutex<[NTStatus]>([])

    var statuses: [NTStatus] { seen.withLock { $0 } }

    func record(_ status: NTStatus) { seen.withLock { $0.append(status) } }
}
