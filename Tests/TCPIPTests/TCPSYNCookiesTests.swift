import Testing
@testable import TCPIP
import NetCore

/// SYN cookies: what a cookie carries survives, a forged or stale one does
/// not. The known cookie was computed by a separate SipHash-2-4 from the
/// documented layout.
@Suite struct TCPSYNCookiesTests {
    private static let cookies = TCPSYNCookies(k0: 0x0706_0504_0302_0100, k1: 0x0F0E_0D0C_0B0A_0908)

    private static let server = TransportAddress(IPv4Address(192, 0, 2, 2), port: 80)
    private static let client = TransportAddress(IPv4Address(192, 0, 2, 1), port: 49152)
    private static let v6Server = TransportAddress(address: IPv6Address(0x2001, 0x0DB8, 0, 0, 0, 0, 0, 1), port: 443)
    private static let v6Client = TransportAddress(address: IPv6Address(0x2001, 0x0DB8, 0, 0, 0, 0, 0, 2), port: 50000)
    private static let peerSequence = TCPSeq(0x0102_0304)

    private static let period: Int64 = 64_000_000_000
    /// A moment inside period 1,000.
    private static let now = Instant(nanoseconds: 1_000 * period + 12_345_678_901)

    private static func encode(_ parameters: TCPSYNCookieParameters, now: Instant = now,
                               local: TransportAddress = server, remote: TransportAddress = client) -> TCPSeq {
        cookies.encode(local: local, remote: remote, peerSequence: peerSequence, parameters: parameters, now: now)
    }

    private static func decode(_ cookie: TCPSeq, now: Instant = now, local: TransportAddress = server,
                               remote: TransportAddress = client,
                               peerSequence: TCPSeq = peerSequence) -> TCPSYNCookieParameters? {
        cookies.decode(cookie: cookie, local: local, remote: remote, peerSequence: peerSequence, now: now)
    }

    private static let typical = TCPSYNCookieParameters(maximumSegmentSize: 1460, windowScale: 7, sackPermitted: true)

    @Test func theTable() {
        #expect(TCPSYNCookies.mssTable == [536, 1220, 1300, 1440, 1452, 1460, 4312, 8960])
    }

    @Test func knownCookie() {
        // Period 3 (200 s), MSS index 5, shift 7, SACK: bits 31–22 are
        // 11 101 0111 1 = 0x3AF; the MAC is SipHash over the 4-tuple, the
        // SYN's sequence number, the counter 3 and the parameter bits 0xAF.
        let cookie = Self.encode(Self.typical, now: Instant(nanoseconds: 200_000_000_000))
        #expect(cookie == TCPSeq(0xEBF3_6C2C))
    }

    @Test func layout() {
        let cookie = Self.encode(TCPSYNCookieParameters(maximumSegmentSize: 1300, windowScale: nil,
                                                        sackPermitted: false)).rawValue
        #expect(cookie >> 30 == 1_000 % 4)
        #expect(cookie >> 27 & 0x7 == 2)
        #expect(cookie >> 23 & 0xF == 15)
        #expect(cookie >> 22 & 0x1 == 0)
    }

    @Test func everyParameterSurvives() {
        for mss in TCPSYNCookies.mssTable {
            for (shift, expectedShift) in [(nil, nil), (0, 0), (7, 7), (14, 14), (15, 14), (255, 14)] as [(UInt8?, UInt8?)] {
                for sack in [false, true] {
                    let parameters = TCPSYNCookieParameters(maximumSegmentSize: mss, windowScale: shift,
                                                            sackPermitted: sack)
                    let expected = TCPSYNCookieParameters(maximumSegmentSize: mss, windowScale: expectedShift,
                                                          sackPermitted: sack)
                    #expect(Self.decode(Self.encode(parameters)) == expected, "\(parameters)")
                    let v6 = Self.encode(parameters, local: Self.v6Server, remote: Self.v6Client)
                    #expect(Self.decode(v6, local: Self.v6Server, remote: Self.v6Client) == expected, "\(parameters)")
                }
            }
        }
    }

    @Test func mssRoundsDownToTheTable() {
        for (offered, carried) in [(1459, 1452), (1461, 1460), (1220, 1220), (1299, 1220),
                                   (9000, 8960), (65535, 8960), (4311, 1460), (537, 536), (536, 536),
                                   (535, 536), (0, 536)] as [(UInt16, UInt16)] {
            let parameters = TCPSYNCookieParameters(maximumSegmentSize: offered, windowScale: 2, sackPermitted: true)
            #expect(Self.decode(Self.encode(parameters))?.maximumSegmentSize == carried, "\(offered)")
        }
    }

    @Test func forgedCookiesAreRejected() {
        var random = SeededRandom(seed: 4987)
        for _ in 0..<50 {
            let parameters = TCPSYNCookieParameters(
                maximumSegmentSize: TCPSYNCookies.mssTable[Int.random(in: 0..<8, using: &random)],
                windowScale: Bool.random(using: &random) ? UInt8.random(in: 0...14, using: &random) : nil,
                sackPermitted: Bool.random(using: &random))
            let cookie = Self.encode(parameters)
            #expect(Self.decode(cookie) != nil)
            for bit in 0..<32 {
                let forged = TCPSeq(cookie.rawValue ^ UInt32(1) << UInt32(bit))
                #expect(Self.decode(forged) == nil, "\(parameters) bit \(bit)")
            }
        }
    }

    @Test func anotherConnectionsCookieIsRejected() {
        let cookie = Self.encode(Self.typical)
        #expect(Self.decode(cookie) == Self.typical)
        #expect(Self.decode(cookie, peerSequence: Self.peerSequence + 1) == nil)
        #expect(Self.decode(cookie, peerSequence: TCPSeq(0)) == nil)
        #expect(Self.decode(cookie, local: TransportAddress(IPv4Address(192, 0, 2, 3), port: 80)) == nil)
        #expect(Self.decode(cookie, local: TransportAddress(IPv4Address(192, 0, 2, 2), port: 8080)) == nil)
        #expect(Self.decode(cookie, remote: TransportAddress(IPv4Address(192, 0, 2, 9), port: 49152)) == nil)
        #expect(Self.decode(cookie, remote: TransportAddress(IPv4Address(192, 0, 2, 1), port: 49153)) == nil)
        #expect(Self.decode(cookie, local: Self.client, remote: Self.server) == nil)
        let otherKey = TCPSYNCookies(k0: 1, k1: 2)
        #expect(otherKey.decode(cookie: cookie, local: Self.server, remote: Self.client,
                                peerSequence: Self.peerSequence, now: Self.now) == nil)
    }

    @Test func acceptedForTwoPeriodsAfterItsOwn() {
        // Sent in the first nanosecond of period 1,000: accepted up to the
        // last nanosecond of period 1,002.
        let sent = Instant(nanoseconds: 1_000 * Self.period)
        let cookie = Self.encode(Self.typical, now: sent)
        #expect(Self.decode(cookie, now: sent) == Self.typical)
        #expect(Self.decode(cookie, now: Instant(nanoseconds: 1_001 * Self.period)) == Self.typical)
        #expect(Self.decode(cookie, now: Instant(nanoseconds: 1_003 * Self.period - 1)) == Self.typical)
        #expect(Self.decode(cookie, now: Instant(nanoseconds: 1_003 * Self.period)) == nil)
        #expect(Self.decode(cookie, now: Instant(nanoseconds: 1_004 * Self.period)) == nil)
        #expect(Self.decode(cookie, now: Instant(nanoseconds: 1_007 * Self.period)) == nil)
        // Sent in the last nanosecond of period 1,000: the same deadline,
        // so at least 128 s and at most 192 s.
        let late = Instant(nanoseconds: 1_001 * Self.period - 1)
        let lateCookie = Self.encode(Self.typical, now: late)
        #expect(Self.decode(lateCookie, now: Instant(nanoseconds: 1_003 * Self.period - 1)) == Self.typical)
        #expect(Self.decode(lateCookie, now: Instant(nanoseconds: 1_003 * Self.period)) == nil)
    }

    @Test func aCookieFromTheFutureIsRejected() {
        let cookie = Self.encode(Self.typical, now: Instant(nanoseconds: 1_001 * Self.period))
        #expect(Self.decode(cookie, now: Instant(nanoseconds: 1_001 * Self.period - 1)) == nil)
    }

    @Test func periodsOfEveryAgeWorkAcrossTheCounterWrap() {
        // The 32-bit counter wraps at the epoch, where period -1 is
        // 0xFFFFFFFF and period 0 is 0 (Int64 nanoseconds run out long
        // before 2^32 periods); and at the far end of the clock.
        let last = Int64.max / Self.period
        for base: Int64 in [-4, -3, -2, -1, 0, 1, last - 3] {
            let sent = Instant(nanoseconds: base * Self.period + 1)
            let cookie = Self.encode(Self.typical, now: sent)
            for age: Int64 in 0...2 {
                #expect(Self.decode(cookie, now: Instant(nanoseconds: (base + age) * Self.period + 5))
                        == Self.typical, "period \(base) + \(age)")
            }
            #expect(Self.decode(cookie, now: Instant(nanoseconds: (base + 3) * Self.period)) == nil, "period \(base)")
        }
    }

    @Test func anyInstantIsSafe() {
        for nanoseconds: Int64 in [.min, -1, .max] {
            let now = Instant(nanoseconds: nanoseconds)
            let cookie = Self.encode(Self.typical, now: now)
            #expect(Self.decode(cookie, now: now) == Self.typical)
        }
    }

    @Test func theSameSYNInAnotherPeriodGetsAnotherCookie() {
        let first = Self.encode(Self.typical, now: Instant(nanoseconds: 1_000 * Self.period))
        let second = Self.encode(Self.typical, now: Instant(nanoseconds: 1_001 * Self.period))
        let fifth = Self.encode(Self.typical, now: Instant(nanoseconds: 1_004 * Self.period))
        #expect(first != second)
        #expect(first != fifth)  // the same counter bits, another counter
    }
}
