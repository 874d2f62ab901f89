import Testing
@testable import TCPIP
import NetCore

/// RFC 6528 initial sequence numbers. The known values were computed by a
/// separate SipHash-2-4 (checked against the reference vectors of the
/// SipHash paper) over the 4-tuple as the generator feeds it: each address
/// as its two 64-bit halves and each port as 16 bits, little-endian, local
/// first.
@Suite struct TCPInitialSequenceNumbersTests {
    /// The SipHash paper's test key, 00 01 02 … 0f.
    private static let generator = TCPInitialSequenceNumbers(k0: 0x0706_0504_0302_0100, k1: 0x0F0E_0D0C_0B0A_0908)

    private static let client = TransportAddress(IPv4Address(192, 0, 2, 1), port: 49152)
    private static let server = TransportAddress(IPv4Address(192, 0, 2, 2), port: 80)
    private static let v6Server = TransportAddress(address: IPv6Address(0x2001, 0x0DB8, 0, 0, 0, 0, 0, 1), port: 443)
    private static let v6Client = TransportAddress(address: IPv6Address(0x2001, 0x0DB8, 0, 0, 0, 0, 0, 2), port: 50000)

    private static func at(seconds: Int64, nanoseconds: Int64 = 0) -> Instant {
        Instant(nanoseconds: seconds * 1_000_000_000 + nanoseconds)
    }

    @Test func knownValues() {
        // F = 0x654FBDD9, M = 1 s / 4 µs = 250,000 = 0x3D090.
        #expect(Self.generator.next(local: Self.client, remote: Self.server, now: Self.at(seconds: 1))
                == TCPSeq(0x6553_8E69))
        #expect(Self.generator.next(local: Self.v6Server, remote: Self.v6Client, now: .zero) == TCPSeq(0x60C6_0ADF))
    }

    @Test func advancesAt250000PerSecond() {
        let start = Self.at(seconds: 1_000)
        let isn = Self.generator.next(local: Self.client, remote: Self.server, now: start)
        #expect(Self.generator.next(local: Self.client, remote: Self.server, now: start) == isn)
        #expect(Self.generator.next(local: Self.client, remote: Self.server, now: start + .seconds(1)) - isn == 250_000)
        #expect(Self.generator.next(local: Self.client, remote: Self.server, now: start + .seconds(4))
                == isn + 1_000_000)
        #expect(Self.generator.next(local: Self.client, remote: Self.server, now: start + .microseconds(4)) == isn + 1)
        #expect(Self.generator.next(local: Self.client, remote: Self.server, now: start + .nanoseconds(3_999)) == isn)
        // After 2^32 ticks (about 4.8 hours) the number comes round again.
        #expect(Self.generator.next(local: Self.client, remote: Self.server,
                                    now: start + .microseconds(4 * (Int64(1) << 32))) == isn)
    }

    @Test func eachTupleHasItsOwnSpace() {
        let now = Self.at(seconds: 5)
        let isn = Self.generator.next(local: Self.client, remote: Self.server, now: now)
        var changed = [
            (Self.client, TransportAddress(IPv4Address(192, 0, 2, 3), port: 80)),
            (Self.client, TransportAddress(IPv4Address(192, 0, 2, 2), port: 81)),
            (TransportAddress(IPv4Address(192, 0, 2, 4), port: 49152), Self.server),
            (TransportAddress(IPv4Address(192, 0, 2, 1), port: 49153), Self.server),
            (Self.server, Self.client),
        ]
        changed.append((TransportAddress(address: IPv6Address(0x2001, 0x0DB8, 0, 0, 0, 0, 0xC000, 0x0201), port: 49152),
                        Self.server))
        for (local, remote) in changed {
            #expect(Self.generator.next(local: local, remote: remote, now: now) != isn, "\(local) → \(remote)")
        }
    }

    @Test func eachKeyGivesItsOwnNumbers() {
        let now = Self.at(seconds: 5)
        let isn = Self.generator.next(local: Self.client, remote: Self.server, now: now)
        for (k0, k1): (UInt64, UInt64) in [(0x0706_0504_0302_0101, 0x0F0E_0D0C_0B0A_0908),
                                           (0x0706_0504_0302_0100, 0x0F0E_0D0C_0B0A_0909), (0, 0)] {
            let other = TCPInitialSequenceNumbers(k0: k0, k1: k1)
            #expect(other.next(local: Self.client, remote: Self.server, now: now) != isn)
        }
    }

    @Test func anotherPortsNumberIsNotPredictable() {
        // Someone who opened connections from ports p and p + 1 at one
        // instant learns nothing of the next port's number: the steps
        // between neighbouring ports are all different and spread over the
        // whole space rather than clustered near the 4 µs clock.
        let now = Self.at(seconds: 77)
        var previous = Self.generator.next(local: Self.client, remote: Self.server, now: now)
        var steps: Set<UInt32> = []
        var far = 0
        for port in UInt16(49153)...49408 {
            let local = TransportAddress(IPv4Address(192, 0, 2, 1), port: port)
            let isn = Self.generator.next(local: local, remote: Self.server, now: now)
            let step = isn.rawValue &- previous.rawValue
            steps.insert(step)
            if step > 1 << 24 && step < UInt32.max - 1 << 24 { far += 1 }
            previous = isn
        }
        #expect(steps.count == 256)
        // A uniform step lands within 2^24 of zero either way with probability 1/128.
        #expect(far >= 240)
    }

    @Test func anyInstantIsSafe() {
        for nanoseconds: Int64 in [.min, -1, 0, 3_999, .max] {
            _ = Self.generator.next(local: Self.client, remote: Self.server, now: Instant(nanoseconds: nanoseconds))
        }
        let late = Instant.distantFuture
        let isn = Self.generator.next(local: Self.client, remote: Self.server, now: late)
        let tick = UInt32(truncatingIfNeeded: Int64.max / 4_000)
        let early = Self.generator.next(local: Self.client, remote: Self.server, now: .zero)
        #expect(isn.rawValue &- early.rawValue == tick)
    }
}
