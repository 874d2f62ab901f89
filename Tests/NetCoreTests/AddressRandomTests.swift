import Testing
@testable import NetCore
#if canImport(Glibc)
import Glibc
#endif

/// SplitMix64: a small seeded generator, so failures reproduce exactly.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// An IPv6 address biased towards the shapes that exercise `::` selection:
/// many zero groups, runs of them, small values and IPv4-mapped addresses.
func randomIPv6(_ rng: inout SplitMix64) -> IPv6Address {
    if rng.next() % 16 == 0 {
        return IPv6Address(ipv4Mapped: IPv4Address(rawValue: UInt32(truncatingIfNeeded: rng.next())))
    }
    var groups = [UInt16](repeating: 0, count: 8)
    for i in 0..<8 {
        switch rng.next() % 8 {
        case 0...3: groups[i] = 0
        case 4: groups[i] = UInt16(truncatingIfNeeded: rng.next() % 16)
        case 5: groups[i] = UInt16(truncatingIfNeeded: rng.next() % 256)
        case 6: groups[i] = 0xFFFF
        default: groups[i] = UInt16(truncatingIfNeeded: rng.next())
        }
    }
    return IPv6Address(groups: groups)
}

/// A deliberately naive RFC 5952 printer over strings, written differently
/// from the library's (candidate runs found by string search), to check it.
func referenceRFC5952(_ address: IPv6Address) -> String {
    let groups = (0..<8).map(address.group)
    if groups[0..<5].allSatisfy({ $0 == 0 }) && groups[5] == 0xFFFF {
        return "::ffff:\(groups[6] >> 8).\(groups[6] & 0xFF).\(groups[7] >> 8).\(groups[7] & 0xFF)"
    }
    let hex = groups.map { String($0, radix: 16) }
    // Try run lengths from longest to 2; the first position that fits wins.
    for length in stride(from: 8, through: 2, by: -1) {
        for start in 0...(8 - length) where groups[start..<(start + length)].allSatisfy({ $0 == 0 }) {
            let left = hex[..<start].joined(separator: ":")
            let right = hex[(start + length)...].joined(separator: ":")
            return left + "::" + right
        }
    }
    return hex.joined(separator: ":")
}

@Suite struct AddressRandomRoundTripTests {
    static let iterations = 10_000

    @Test func ipv6TextAndBytes() throws {
        var rng = SplitMix64(seed: 0x6A09_E667_F3BC_C908)
        var bytes = [UInt8](repeating: 0, count: 16)
        for _ in 0..<Self.iterations {
            let address = randomIPv6(&rng)
            let text = address.description
            #expect(IPv6Address(text) == address, "\(text)")
            #expect(IPv6Address(text.uppercased()) == address, "\(text)")
            #expect(IPAddress(text) == .v6(address), "\(text)")
            #expect(text == referenceRFC5952(address), "\(text)")

            bytes.withUnsafeMutableBytes { address.write(to: $0, at: 0) }
            let back = bytes.withUnsafeBytes { IPv6Address(bytes: $0) }
            #expect(back == address)
            var again = [UInt8](repeating: 0, count: 16)
            again.withUnsafeMutableBytes { back.write(to: $0, at: 0) }
            #expect(again == bytes)
            #expect((0..<8).map { UInt16(bytes[2 * $0]) << 8 | UInt16(bytes[2 * $0 + 1]) } == (0..<8).map(address.group))
        }
    }

    /// Every address also reparses from its uncompressed, zero-padded form and
    /// from a randomly chosen alternative `::` placement.
    @Test func ipv6AlternativeSpellings() throws {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<Self.iterations {
            let address = randomIPv6(&rng)
            let groups = (0..<8).map(address.group)
            let full = groups.map { g -> String in
                let hex = String(g, radix: 16)
                return String(repeating: "0", count: 4 - hex.count) + hex
            }.joined(separator: ":")
            #expect(IPv6Address(full) == address, "\(full)")

            // Compress any run of zero groups (even a single one, which RFC 4291 allows).
            let zeroRuns = (0..<8).filter { groups[$0] == 0 }
            if let start = zeroRuns.randomElement(using: &rng) {
                var end = start
                while end + 1 < 8 && groups[end + 1] == 0 && rng.next() % 2 == 0 { end += 1 }
                let left = groups[..<start].map { String($0, radix: 16, uppercase: true) }.joined(separator: ":")
                let right = groups[(end + 1)...].map { String($0, radix: 16) }.joined(separator: ":")
                let text = left + "::" + right
                #expect(IPv6Address(text) == address, "\(text)")
            }

            // Trailing dotted quad for the last 32 bits.
            let quad = IPv4Address(rawValue: UInt32(truncatingIfNeeded: address.low))
            let mixed = groups[..<6].map { String($0, radix: 16) }.joined(separator: ":") + ":" + quad.description
            #expect(IPv6Address(mixed) == address, "\(mixed)")
        }
    }

    @Test func ipv4TextAndBytes() {
        var rng = SplitMix64(seed: 0xBB67_AE85_84CA_A73B)
        for _ in 0..<Self.iterations {
            // Bias some octets to 0 and single digits, where leading-zero rules bite.
            var value: UInt32 = 0
            for _ in 0..<4 {
                let octet: UInt32 = switch rng.next() % 4 {
                case 0: 0
                case 1: UInt32(rng.next() % 10)
                default: UInt32(rng.next() % 256)
                }
                value = value << 8 | octet
            }
            let address = IPv4Address(rawValue: value)
            let text = address.description
            #expect(IPv4Address(text) == address, "\(text)")
            #expect(IPAddress(text) == .v4(address), "\(text)")
            var bytes = [UInt8](repeating: 0, count: 4)
            bytes.withUnsafeMutableBytes { address.write(to: $0, at: 0) }
            #expect(bytes == [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)])
            #expect(bytes.withUnsafeBytes { IPv4Address(bytes: $0) } == address)
            #expect(text == bytes.map(String.init).joined(separator: "."))
        }
    }

    @Test func macTextAndBytes() {
        var rng = SplitMix64(seed: 0x3C6E_F372_FE94_F82B)
        for _ in 0..<Self.iterations {
            let mac = MACAddress(rawValue: rng.next() & 0xFFFF_FFFF_FFFF)
            let text = mac.description
            #expect(MACAddress(text) == mac, "\(text)")
            #expect(MACAddress(String(text.uppercased().map { $0 == ":" ? "-" : $0 })) == mac, "\(text)")
            let bytes = mac.bytes
            #expect(bytes.withUnsafeBytes { MACAddress(bytes: $0) } == mac)
            var out = [UInt8](repeating: 0, count: 6)
            out.withUnsafeMutableBytes { mac.write(to: $0, at: 0) }
            #expect(out == bytes)
        }
    }
}

#if canImport(Glibc)
/// glibc's `inet_pton` / `inet_ntop` as an independent oracle.
@Suite struct AddressGlibcOracleTests {
    static func glibcParse6(_ text: String) -> IPv6Address? {
        var raw = [UInt8](repeating: 0, count: 16)
        let ok = raw.withUnsafeMutableBytes { inet_pton(AF_INET6, text, $0.baseAddress) }
        guard ok == 1 else { return nil }
        return raw.withUnsafeBytes { IPv6Address(bytes: $0) }
    }

    static func glibcParse4(_ text: String) -> IPv4Address? {
        var raw = [UInt8](repeating: 0, count: 4)
        let ok = raw.withUnsafeMutableBytes { inet_pton(AF_INET, text, $0.baseAddress) }
        guard ok == 1 else { return nil }
        return raw.withUnsafeBytes { IPv4Address(bytes: $0) }
    }

    static func glibcPrint6(_ address: IPv6Address) -> String {
        var raw = [UInt8](repeating: 0, count: 16)
        raw.withUnsafeMutableBytes { address.write(to: $0, at: 0) }
        var out = [CChar](repeating: 0, count: 64)
        _ = raw.withUnsafeBytes { inet_ntop(AF_INET6, $0.baseAddress, &out, 64) }
        return String(decoding: out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Random strings over the characters addresses are made of: our parsers
    /// must accept exactly what glibc accepts, and agree on the value.
    @Test func parsersAgreeWithInetPton() {
        let alphabet6 = Array("0123456789abcdefABCDEF::::::....xg%".utf8)
        let alphabet4 = Array("0123456789..........+ x".utf8)
        var rng = SplitMix64(seed: 7)
        var accepted6 = 0
        for _ in 0..<100_000 {
            let length = Int(rng.next() % 24)
            let text = String(decoding: (0..<length).map { _ in alphabet6[Int(rng.next() % UInt64(alphabet6.count))] }, as: UTF8.self)
            let ours = IPv6Address(text)
            #expect(ours == Self.glibcParse6(text), "\(text)")
            if ours != nil { accepted6 += 1 }
        }
        #expect(accepted6 > 100)  // the comparison is not vacuous
        var accepted4 = 0
        for _ in 0..<100_000 {
            // Half purely random, half a valid dotted quad with a few characters changed.
            var bytes: [UInt8]
            if rng.next() % 2 == 0 {
                bytes = (0..<Int(rng.next() % 16)).map { _ in alphabet4[Int(rng.next() % UInt64(alphabet4.count))] }
            } else {
                bytes = Array(IPv4Address(rawValue: UInt32(truncatingIfNeeded: rng.next() >> UInt64(rng.next() % 32))).description.utf8)
                for _ in 0..<(rng.next() % 3) {
                    let position = Int(rng.next() % UInt64(bytes.count + 1))
                    let c = alphabet4[Int(rng.next() % UInt64(alphabet4.count))]
                    switch rng.next() % 3 {
                    case 0: if position < bytes.count { bytes.remove(at: position) }
                    case 1: bytes.insert(c, at: position)
                    default: if position < bytes.count { bytes[position] = c }
                    }
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let ours = IPv4Address(text)
            #expect(ours == Self.glibcParse4(text), "\(text)")
            if ours != nil { accepted4 += 1 }
        }
        #expect(accepted4 > 100)
    }

    /// Mutations of valid canonical text, which stay close to the boundary of validity.
    @Test func mutatedTextAgreesWithInetPton() {
        var rng = SplitMix64(seed: 99)
        let replacements = Array("0f:.F%g".utf8)
        for _ in 0..<20_000 {
            var bytes = Array(randomIPv6(&rng).description.utf8)
            for _ in 0..<(1 + rng.next() % 2) {
                let position = Int(rng.next() % UInt64(bytes.count + 1))
                switch rng.next() % 3 {
                case 0: if position < bytes.count { bytes.remove(at: position) }
                case 1: bytes.insert(replacements[Int(rng.next() % UInt64(replacements.count))], at: position)
                default: if position < bytes.count { bytes[position] = replacements[Int(rng.next() % UInt64(replacements.count))] }
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(IPv6Address(text) == Self.glibcParse6(text), "\(text)")
        }
    }

    /// glibc follows the same zero-run rules; it differs only in also using
    /// mixed notation for the deprecated IPv4-compatible ::a.b.c.d, which
    /// RFC 5952 does not ask for.
    @Test func printerAgreesWithInetNtop() {
        var rng = SplitMix64(seed: 0xA54F_F53A_5F1D_36F1)
        var compared = 0
        for _ in 0..<Self.iterations {
            let address = randomIPv6(&rng)
            let ipv4Compatible = address.high == 0 && address.low >> 32 == 0 && address.low > 0xFFFF
            if ipv4Compatible { continue }
            #expect(address.description == Self.glibcPrint6(address))
            compared += 1
        }
        #expect(compared > Self.iterations / 2)
    }

    static let iterations = 10_000
}
#endif
