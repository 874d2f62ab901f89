import NetCore
import Testing
@testable import TCPIP

@Suite struct TransportEndpointTableTests {
    final class Socket {
        let name: String
        init(_ name: String) { self.name = name }
    }

    static let v4 = IPv4Address(192, 0, 2, 1)
    static let otherV4 = IPv4Address(192, 0, 2, 2)
    static let v6 = IPv6Address("2001:db8::1")!
    static let peer = TransportAddress(IPv4Address(192, 0, 2, 99), port: 4000)
    static let peer6 = TransportAddress(address: IPv6Address("2001:db8::99")!, port: 4000)

    static func inet(_ address: IPv4Address = .any, port: UInt16 = 53, sharing: AddressSharing = .none) -> TransportBinding {
        TransportBinding(family: .inet, local: TransportAddress(address, port: port), sharing: sharing)
    }

    static func inet6(_ address: IPv6Address = .unspecified, port: UInt16 = 53, v6Only: Bool = true,
                      sharing: AddressSharing = .none) -> TransportBinding {
        TransportBinding(family: .inet6, local: TransportAddress(address: address, port: port), v6Only: v6Only,
                         sharing: sharing)
    }

    @Test func aSpecificBindingBeatsAWildcardOne() throws {
        var table = TransportEndpointTable<Socket>()
        let wildcard = Socket("wildcard"), specific = Socket("specific")
        _ = try table.bind(Self.inet(), owner: wildcard).get()
        // Wildcard first, then specific: a CHECK cell, denied without security descriptors.
        #expect(table.bind(Self.inet(Self.v4), owner: specific) == .failure(.accessDenied))
        var other = TransportEndpointTable<Socket>()
        _ = try other.bind(Self.inet(Self.v4), owner: specific).get()
        _ = try other.bind(Self.inet(), owner: wildcard).get()
        #expect(other.lookup(local: TransportAddress(Self.v4, port: 53), remote: Self.peer) === specific)
        #expect(other.lookup(local: TransportAddress(Self.otherV4, port: 53), remote: Self.peer) === wildcard)
        #expect(other.lookup(local: TransportAddress(Self.v4, port: 54), remote: Self.peer) == nil)
    }

    @Test func ipv6OnlyIsTheDefaultAndKeepsIPv4Out() throws {
        var table = TransportEndpointTable<Socket>()
        let six = Socket("six")
        _ = try table.bind(Self.inet6(), owner: six).get()
        #expect(table.lookup(local: TransportAddress(Self.v4, port: 53), remote: Self.peer) == nil)
        #expect(table.lookup(local: TransportAddress(address: Self.v6, port: 53), remote: Self.peer6) === six)
        // An IPv4 socket on the same port does not conflict with an IPv6-only one.
        let four = Socket("four")
        _ = try table.bind(Self.inet(), owner: four).get()
        #expect(table.lookup(local: TransportAddress(Self.v4, port: 53), remote: Self.peer) === four)
    }

    @Test func aDualStackSocketTakesIPv4AndReservesThePortInBothFamilies() throws {
        var table = TransportEndpointTable<Socket>()
        let dual = Socket("dual")
        _ = try table.bind(Self.inet6(v6Only: false), owner: dual).get()
        #expect(table.lookup(local: TransportAddress(Self.v4, port: 53), remote: Self.peer) === dual)
        #expect(table.lookup(local: TransportAddress(address: Self.v6, port: 53), remote: Self.peer6) === dual)
        #expect(table.bind(Self.inet(), owner: Socket("four")) == .failure(.addressAlreadyExists))
        #expect(table.bind(Self.inet6(), owner: Socket("six")) == .failure(.addressAlreadyExists))
        // And the other way round: an IPv4 socket first blocks a dual-stack bind.
        var other = TransportEndpointTable<Socket>()
        _ = try other.bind(Self.inet(), owner: Socket("four")).get()
        #expect(other.bind(Self.inet6(v6Only: false), owner: dual) == .failure(.addressAlreadyExists))
        #expect(other.bind(Self.inet6(), owner: dual).isSuccess)
    }

    @Test func aDualStackSocketBoundToAMappedAddressTakesOnlyThatIPv4Address() throws {
        var table = TransportEndpointTable<Socket>()
        let dual = Socket("dual")
        _ = try table.bind(Self.inet6(IPv6Address(ipv4Mapped: Self.v4), v6Only: false), owner: dual).get()
        #expect(table.lookup(local: TransportAddress(Self.v4, port: 53), remote: Self.peer) === dual)
        #expect(table.lookup(local: TransportAddress(Self.otherV4, port: 53), remote: Self.peer) == nil)
        #expect(table.lookup(local: TransportAddress(address: Self.v6, port: 53), remote: Self.peer6) == nil)
    }

    @Test func aFixedPeerFiltersAndWinsOverAnUnconnectedSocket() throws {
        var table = TransportEndpointTable<Socket>()
        let open = Socket("open"), connected = Socket("connected")
        _ = try table.bind(Self.inet(sharing: .reuseAddress), owner: open).get()
        let id = try table.bind(Self.inet(sharing: .reuseAddress), owner: connected).get()
        table.setRemote(Self.peer, of: id, port: 53)
        #expect(table.lookup(local: TransportAddress(Self.v4, port: 53), remote: Self.peer) === connected)
        let stranger = TransportAddress(Self.otherV4, port: 4000)
        #expect(table.lookup(local: TransportAddress(Self.v4, port: 53), remote: stranger) === open)
        table.unbind(try #require(table.byPort[53]?.first?.id), port: 53)
        #expect(table.lookup(local: TransportAddress(Self.v4, port: 53), remote: stranger) == nil)
        #expect(table.count == 1)
    }

    /// WSK §6.2, every cell, for the same port: rows the second bind,
    /// columns the first; W a wildcard address, S the same specific one.
    @Test func theSharingMatrixMatchesWSK() {
        typealias Cell = (AddressSharing, Bool)
        let order: [Cell] = [(.none, true), (.none, false), (.reuseAddress, true), (.reuseAddress, false),
                             (.exclusive, true), (.exclusive, false)]
        let u = NTStatus.addressAlreadyExists, d = NTStatus.accessDenied, s = NTStatus.success
        // CHECK cells deny: every socket has the default security descriptor.
        let expected: [[NTStatus]] = [
            [u, s, u, s, u, s],
            [d, u, d, d, d, u],
            [d, s, s, s, d, s],
            [d, d, s, s, d, d],
            [u, u, u, u, u, u],
            [d, u, d, u, d, u],
        ]
        for (row, second) in order.enumerated() {
            for (column, first) in order.enumerated() {
                var table = TransportEndpointTable<Socket>()
                _ = table.bind(Self.inet(first.1 ? .any : Self.v4, sharing: first.0), owner: Socket("first"))
                let result = table.bind(Self.inet(second.1 ? .any : Self.v4, sharing: second.0), owner: Socket("second"))
                let status: NTStatus
                switch result {
                case .success: status = .success
                case .failure(let failure): status = failure
                }
                #expect(status == expected[row][column], "second \(second) over first \(first)")
            }
        }
    }

    @Test func differentSpecificAddressesNeverConflict() throws {
        var table = TransportEndpointTable<Socket>()
        _ = try table.bind(Self.inet(Self.v4, sharing: .exclusive), owner: Socket("a")).get()
        #expect(table.bind(Self.inet(Self.otherV4), owner: Socket("b")).isSuccess)
    }

    @Test func ephemeralPortsAreRandomAndAvoidConflicts() throws {
        var table = TransportEndpointTable<Socket>()
        table.ephemeralPorts = 50_000...50_003
        var random = SeededRandom(seed: 7)
        var ports = Set<UInt16>()
        for _ in 0..<4 {
            var binding = Self.inet()
            binding.local.port = try #require(table.allocatePort(for: binding, random: &random))
            _ = try table.bind(binding, owner: Socket("s")).get()
            ports.insert(binding.local.port)
        }
        #expect(ports == [50_000, 50_001, 50_002, 50_003])
        #expect(table.allocatePort(for: Self.inet(), random: &random) == nil)
        // A wide range gives different starting ports for different seeds.
        var wide = TransportEndpointTable<Socket>()
        wide.ephemeralPorts = 49_152...65_535
        var starts = Set<UInt16>()
        for seed in 1...8 {
            var r = SeededRandom(seed: UInt64(seed))
            starts.insert(try #require(wide.allocatePort(for: Self.inet(), random: &r)))
        }
        #expect(starts.count > 4)
    }

    @Test func broadcastReachesEveryMatchingSocket() throws {
        var table = TransportEndpointTable<Socket>()
        let a = Socket("a"), b = Socket("b")
        _ = try table.bind(Self.inet(sharing: .reuseAddress), owner: a).get()
        _ = try table.bind(Self.inet(sharing: .reuseAddress), owner: b).get()
        var reached: [String] = []
        table.forEachMatch(local: TransportAddress(IPv4Address.broadcast, port: 53), remote: Self.peer) { reached.append($0.name) }
        #expect(reached == ["a", "b"])
    }
}

private extension Result {
    var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }
}
