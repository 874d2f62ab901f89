import Testing
@testable import TCPIP
import NetCore

@Suite("StableInterfaceIdentifierGenerator")
struct StableInterfaceIdentifierTests {
    /// The SipHash reference key, bytes 00…0f, as little-endian halves.
    static let key = StableInterfaceIdentifierGenerator(k0: 0x0706_0504_0302_0100, k1: 0x0F0E_0D0C_0B0A_0908)
    static let prefix = IPv6Prefix("2001:db8:1::/64")!
    static let luid: UInt64 = 0x0000_0001_0000_0001

    static func id(_ generator: StableInterfaceIdentifierGenerator = key, prefix: IPv6Prefix = prefix,
                   netIface: UInt64 = luid, networkID: [UInt8] = [], dadCounter: UInt32 = 0) -> UInt64 {
        generator.identifier(prefix: prefix, netIface: netIface, networkID: networkID, dadCounter: dadCounter).identifier
    }

    @Test("Known answers, so the identifiers stay the same across releases")
    func knownAnswers() {
        // RFC 7217's point is that a host keeps its address on a network
        // for good; any change to how the inputs are fed to F would renumber
        // every host on upgrade. The values come from an independent
        // SipHash-2-4, checked against the reference vector, over the
        // layout rid() documents: network high and low, length byte,
        // Net_Iface, Network_ID length and bytes, DAD_Counter, little-endian.
        #expect(Self.id() == 0x226F_D867_A13B_F36E)
        #expect(Self.id(networkID: Array("lab".utf8)) == 0x598C_7DE4_F46F_3B64)
        #expect(Self.id(dadCounter: 1) == 0xE0CB_EE22_F3ED_F7E2)
    }

    @Test("The same inputs give the same identifier, from any generator with the same key")
    func deterministic() {
        let again = StableInterfaceIdentifierGenerator(k0: 0x0706_0504_0302_0100, k1: 0x0F0E_0D0C_0B0A_0908)
        let first = Self.key.identifier(prefix: Self.prefix, netIface: Self.luid, networkID: [1, 2, 3], dadCounter: 2)
        let second = again.identifier(prefix: Self.prefix, netIface: Self.luid, networkID: [1, 2, 3], dadCounter: 2)
        #expect(first == second)
        #expect(first.dadCounter == 2)
    }

    @Test("Each input changes the identifier: prefix, Net_Iface, Network_ID, DAD_Counter")
    func eachInputMatters() {
        let base = Self.id()
        #expect(Self.id(prefix: IPv6Prefix("2001:db8:2::/64")!) != base)
        // Same network bits, another length: still another prefix.
        #expect(Self.id(prefix: IPv6Prefix("2001:db8:1::/48")!) != base)
        #expect(Self.id(netIface: Self.luid + 1) != base)
        #expect(Self.id(networkID: [0]) != base)
        #expect(Self.id(dadCounter: 1) != base)
    }

    @Test("Network_ID is length-delimited and order-sensitive")
    func networkIDEncoding() {
        #expect(Self.id(networkID: []) != Self.id(networkID: [0]))
        #expect(Self.id(networkID: [0]) != Self.id(networkID: [0, 0]))
        #expect(Self.id(networkID: Array("ab".utf8)) != Self.id(networkID: Array("ba".utf8)))
        // Without the length, "a" + counter 0x62 would feed the same bytes as "ab" + counter 0.
        #expect(Self.id(networkID: [0x61], dadCounter: 0x62) != Self.id(networkID: [0x61, 0x62], dadCounter: 0))
    }

    @Test("Another key gives another identifier")
    func keyMatters() {
        let base = Self.id()
        #expect(Self.id(StableInterfaceIdentifierGenerator(k0: 0x0706_0504_0302_0101, k1: 0x0F0E_0D0C_0B0A_0908)) != base)
        #expect(Self.id(StableInterfaceIdentifierGenerator(k0: 0x0706_0504_0302_0100, k1: 0x0F0E_0D0C_0B0A_0909)) != base)
        #expect(Self.id(StableInterfaceIdentifierGenerator(k0: 0x0F0E_0D0C_0B0A_0908, k1: 0x0706_0504_0302_0100)) != base)
    }

    @Test("A thousand prefixes give a thousand distinct identifiers")
    func distinctAcrossPrefixes() {
        var seen = Set<UInt64>()
        for n in 0..<1000 {
            let prefix = IPv6Prefix(address: IPv6Address(high: 0x2001_0DB8_0000_0000 | UInt64(n) << 16, low: 0), length: 64)!
            seen.insert(Self.id(prefix: prefix))
        }
        #expect(seen.count == 1000)
    }

    @Test("identifier() returns the RID for the counter given when it is not reserved")
    func identifierIsTheRID() {
        for counter: UInt32 in [0, 1, 7, .max] {
            let result = Self.key.identifier(prefix: Self.prefix, netIface: Self.luid, dadCounter: counter)
            #expect(result.dadCounter == counter)
            #expect(result.identifier == Self.key.rid(prefix: Self.prefix, netIface: Self.luid, networkID: [], dadCounter: counter))
            #expect(!InterfaceIdentifier.isReserved(result.identifier))
        }
    }

    @Test("firstAcceptable skips reserved identifiers and returns the bumped counter")
    func firstAcceptableSkipsReserved() {
        // SipHash almost never yields a reserved value, so a stand-in hash
        // forces one from each reserved range, in a row.
        let reserved: [UInt32: UInt64] = [5: 0, 6: 0x0200_5EFF_FE00_5213, 7: 0xFDFF_FFFF_FFFF_FF80]
        var asked: [UInt32] = []
        let result = StableInterfaceIdentifierGenerator.firstAcceptable(from: 5) { counter in
            asked.append(counter)
            return reserved[counter] ?? 0x1234_0000_0000_0000 | UInt64(counter)
        }
        #expect(result.identifier == 0x1234_0000_0000_0008)
        #expect(result.dadCounter == 8)
        #expect(asked == [5, 6, 7, 8])
    }

    @Test("firstAcceptable takes the first value when it is acceptable, and asks once")
    func firstAcceptableImmediate() {
        var asked: [UInt32] = []
        let result = StableInterfaceIdentifierGenerator.firstAcceptable(from: 3) { counter in
            asked.append(counter)
            return 0xABCD
        }
        #expect(result == (0xABCD, 3))
        #expect(asked == [3])
    }

    @Test("firstAcceptable wraps the counter rather than trapping at UInt32.max")
    func firstAcceptableWraps() {
        let result = StableInterfaceIdentifierGenerator.firstAcceptable(from: .max) { counter in
            counter == .max ? 0 : 0x42
        }
        #expect(result == (0x42, 0))
    }

    @Test("address(prefix:) puts the identifier after the prefix, zero-filled to bit 64")
    func addressFromPrefix() throws {
        let (address, counter) = try #require(Self.key.address(prefix: Self.prefix, netIface: Self.luid))
        let expected = Self.key.identifier(prefix: Self.prefix, netIface: Self.luid)
        #expect(counter == expected.dadCounter)
        #expect(address.high == 0x2001_0DB8_0001_0000)
        #expect(address.low == expected.identifier)
        #expect(address.interfaceIdentifier == expected.identifier)

        let short = IPv6Prefix("2001:db8:1::/48")!
        let (shortAddress, _) = try #require(Self.key.address(prefix: short, netIface: Self.luid, dadCounter: 3))
        #expect(shortAddress.high == 0x2001_0DB8_0001_0000)
        #expect(shortAddress.low == Self.key.identifier(prefix: short, netIface: Self.luid, dadCounter: 3).identifier)
        #expect(short.contains(shortAddress))
    }

    @Test("address(prefix:) is nil for a prefix longer than 64 bits", arguments: [65, 96, 127, 128])
    func addressRejectsLongPrefix(length: Int) {
        let prefix = IPv6Prefix(address: IPv6Address("2001:db8:1::")!, length: length)!
        #expect(Self.key.address(prefix: prefix, netIface: Self.luid) == nil)
    }
}
