import Testing
@testable import TCPIP
import NetCore

/// TCP options: parsing by RFC 9293 §3.1–3.2's rules and emission in the
/// documented, Linux-shaped layout. Expected bytes are written out by hand.
@Suite struct TCPOptionsTests {
    // MARK: Helpers

    private static func parse(_ bytes: [UInt8]) -> Result<TCPOptions, TCPHeader.Malformation> {
        bytes.withUnsafeBytes { raw in
            do throws(TCPHeader.Malformation) {
                return .success(try TCPOptions(parsing: raw))
            } catch {
                return .failure(error)
            }
        }
    }

    private static func parsed(_ bytes: [UInt8]) -> TCPOptions? {
        try? parse(bytes).get()
    }

    private static func error(_ bytes: [UInt8]) -> TCPHeader.Malformation? {
        if case .failure(let error) = parse(bytes) { return error }
        return nil
    }

    /// What `emit` writes into 48 bytes of 0xEE, cut to what it says it
    /// wrote; the bytes past it must still be 0xEE.
    private static func emitted(_ options: TCPOptions) -> [UInt8] {
        var buffer = [UInt8](repeating: 0xEE, count: 48)
        let count = buffer.withUnsafeMutableBytes { options.emit(into: $0) }
        #expect(count == options.encodedLength)
        #expect(buffer[count...].allSatisfy { $0 == 0xEE })
        return Array(buffer[0..<count])
    }

    private static func options(mss: UInt16? = nil, windowScale: UInt8? = nil, sackPermitted: Bool = false,
                                timestamp: (UInt32, UInt32)? = nil, sack: [(UInt32, UInt32)] = []) -> TCPOptions {
        var options = TCPOptions()
        options.maximumSegmentSize = mss
        options.windowScale = windowScale
        options.sackPermitted = sackPermitted
        options.timestamp = timestamp.map { TCPTimestampOption(value: $0.0, echoReply: $0.1) }
        options.sackBlocks = TCPSACKBlocks(sack.map { TCPSACKBlock(start: TCPSeq($0.0), end: TCPSeq($0.1)) })
        return options
    }

    private static let tsBytes: [UInt8] = [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88]
    private static let ts: (UInt32, UInt32) = (0x1122_3344, 0x5566_7788)
    private static let blocks: [(UInt32, UInt32)] = [(0x1000, 0x2000), (0x3000, 0x4000), (0x5000, 0x6000),
                                                     (0xFFFF_F000, 0x0000_0800)]
    private static let blockBytes: [[UInt8]] = [
        [0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x20, 0x00],
        [0x00, 0x00, 0x30, 0x00, 0x00, 0x00, 0x40, 0x00],
        [0x00, 0x00, 0x50, 0x00, 0x00, 0x00, 0x60, 0x00],
        [0xFF, 0xFF, 0xF0, 0x00, 0x00, 0x00, 0x08, 0x00],
    ]

    /// The bytes of the first `count` blocks.
    private static func firstBlocks(_ count: Int) -> [UInt8] { Array(blockBytes[0..<count].joined()) }

    // MARK: Each option alone

    @Test func none() {
        #expect(Self.emitted(TCPOptions()) == [])
        #expect(Self.parsed([]) == TCPOptions())
    }

    @Test func maximumSegmentSizeAlone() {
        let options = Self.options(mss: 1460)
        #expect(Self.emitted(options) == [0x02, 0x04, 0x05, 0xB4])
        #expect(Self.parsed([0x02, 0x04, 0x05, 0xB4]) == options)
    }

    @Test func windowScaleAlone() {
        let options = Self.options(windowScale: 7)
        #expect(Self.emitted(options) == [0x01, 0x03, 0x03, 0x07])
        #expect(Self.parsed([0x01, 0x03, 0x03, 0x07]) == options)
        // A shift above 14 is kept raw; the connection clamps it.
        #expect(Self.parsed([0x03, 0x03, 0x0F, 0x00])?.windowScale == 15)
        #expect(Self.emitted(Self.options(windowScale: 200)) == [0x01, 0x03, 0x03, 0xC8])
    }

    @Test func sackPermittedAlone() {
        let options = Self.options(sackPermitted: true)
        #expect(Self.emitted(options) == [0x01, 0x01, 0x04, 0x02])
        #expect(Self.parsed([0x04, 0x02]) == options)
    }

    @Test func timestampAlone() {
        let options = Self.options(timestamp: Self.ts)
        #expect(Self.emitted(options) == [0x01, 0x01, 0x08, 0x0A] + Self.tsBytes)
        #expect(Self.parsed([0x01, 0x01, 0x08, 0x0A] + Self.tsBytes) == options)
        #expect(Self.parsed([0x08, 0x0A] + Self.tsBytes) == options)
    }

    @Test func sackBlocksAlone() {
        for count in 1...4 {
            let options = Self.options(sack: Array(Self.blocks[0..<count]))
            let bytes: [UInt8] = [0x01, 0x01, 0x05, UInt8(2 + 8 * count)] + Self.firstBlocks(count)
            #expect(Self.emitted(options) == bytes, "\(count) blocks")
            #expect(Self.parsed(bytes) == options, "\(count) blocks")
            #expect(Array(Self.parsed(bytes)?.sackBlocks ?? TCPSACKBlocks()).map(\.start.rawValue)
                    == Self.blocks[0..<count].map(\.0))
        }
    }

    // MARK: Combinations

    @Test func synWithAllFour() {
        // Linux's SYN: MSS | SACK-Permitted, Timestamps | NOP, Window Scale.
        let options = Self.options(mss: 1460, windowScale: 7, sackPermitted: true, timestamp: Self.ts)
        let bytes: [UInt8] = [0x02, 0x04, 0x05, 0xB4, 0x04, 0x02, 0x08, 0x0A] + Self.tsBytes + [0x01, 0x03, 0x03, 0x07]
        #expect(options.encodedLength == 20)
        #expect(Self.emitted(options) == bytes)
        #expect(Self.parsed(bytes) == options)
    }

    @Test func synWithoutTimestamps() {
        let options = Self.options(mss: 1460, windowScale: 7, sackPermitted: true)
        let bytes: [UInt8] = [0x02, 0x04, 0x05, 0xB4, 0x01, 0x01, 0x04, 0x02, 0x01, 0x03, 0x03, 0x07]
        #expect(Self.emitted(options) == bytes)
        #expect(Self.parsed(bytes) == options)
    }

    @Test func synWithTimestampsButNoSACK() {
        let options = Self.options(mss: 1460, windowScale: 7, timestamp: Self.ts)
        let bytes: [UInt8] = [0x02, 0x04, 0x05, 0xB4, 0x01, 0x01, 0x08, 0x0A] + Self.tsBytes + [0x01, 0x03, 0x03, 0x07]
        #expect(Self.emitted(options) == bytes)
        #expect(Self.parsed(bytes) == options)
    }

    @Test func synWithMSSOnly() {
        // A SYN-ACK to a peer that offered nothing but MSS.
        let options = Self.options(mss: 536)
        #expect(Self.emitted(options) == [0x02, 0x04, 0x02, 0x18])
    }

    @Test func timestampsAndSACKBlocks() {
        let options = Self.options(timestamp: Self.ts, sack: Array(Self.blocks[0..<3]))
        let bytes = [0x01, 0x01, 0x08, 0x0A] + Self.tsBytes + [0x01, 0x01, 0x05, 0x1A]
            + Self.firstBlocks(3)
        #expect(options.encodedLength == 40)
        #expect(Self.emitted(options) == bytes)
        #expect(Self.parsed(bytes) == options)
    }

    @Test func fourBlocksWithoutTimestamps() {
        let options = Self.options(sack: Self.blocks)
        #expect(options.encodedLength == 36)
        #expect(Self.emitted(options) == [0x01, 0x01, 0x05, 0x22] + Self.firstBlocks(4))
    }

    @Test func fourBlocksWithTimestampsKeepTheFirstThree() {
        let options = Self.options(timestamp: Self.ts, sack: Self.blocks)
        #expect(options.encodedLength == 40)
        let bytes = Self.emitted(options)
        #expect(bytes == [0x01, 0x01, 0x08, 0x0A] + Self.tsBytes + [0x01, 0x01, 0x05, 0x1A]
                + Self.firstBlocks(3))
        #expect(Self.parsed(bytes) == Self.options(timestamp: Self.ts, sack: Array(Self.blocks[0..<3])))
    }

    @Test func blocksThatDoNotFitAreLeftOut() {
        // MSS, Timestamps and Window Scale take 20 bytes: room for 2 blocks.
        let crowded = Self.options(mss: 1460, windowScale: 7, sackPermitted: true, timestamp: Self.ts,
                                   sack: Self.blocks)
        #expect(crowded.encodedLength == 40)
        #expect(Self.parsed(Self.emitted(crowded))?.sackBlocks.count == 2)
        // SACK-Permitted, Window Scale and Timestamps with no MSS: 16 bytes, 2 blocks.
        let noMSS = Self.options(windowScale: 7, sackPermitted: true, timestamp: Self.ts, sack: Self.blocks)
        #expect(noMSS.encodedLength == 36)
        #expect(Self.parsed(Self.emitted(noMSS))?.sackBlocks.count == 2)
        // MSS and Window Scale, no Timestamps: 8 bytes, 3 blocks.
        let noTS = Self.options(mss: 1460, windowScale: 7, sack: Self.blocks)
        #expect(noTS.encodedLength == 36)
        #expect(Self.parsed(Self.emitted(noTS))?.sackBlocks.count == 3)
    }

    // MARK: NOP and EOL

    @Test func endOfOptionListStopsParsing() {
        // Whatever follows EOL is padding, even an illegal length.
        #expect(Self.parsed([0x02, 0x04, 0x05, 0xB4, 0x00, 0x03, 0x03, 0x07]) == Self.options(mss: 1460))
        #expect(Self.parsed([0x00, 0x02, 0x00, 0x00]) == TCPOptions())
        #expect(Self.parsed([0x01, 0x00, 0x05, 0x01]) == TCPOptions())
    }

    @Test func nopsAnywhere() {
        #expect(Self.parsed([0x01, 0x01, 0x01, 0x01]) == TCPOptions())
        #expect(Self.parsed([0x01, 0x02, 0x04, 0x05, 0xB4, 0x01, 0x01, 0x03, 0x03, 0x07, 0x01])
                == Self.options(mss: 1460, windowScale: 7))
    }

    // MARK: Illegal lengths

    @Test func illegalLengthsAreBadOption() {
        for bytes: [UInt8] in [
            [0x02, 0x00, 0x05, 0xB4],        // length 0
            [0x02, 0x01, 0x05, 0xB4],        // length 1
            [0x02, 0x05, 0x05, 0xB4],        // past the end
            [0x01, 0x01, 0x08, 0x0A, 0x00],  // Timestamps cut short
            [0x01, 0x01, 0x01, 0x02],        // kind with no length byte
            [0x1E],                          // an unknown kind with no length byte
            [0x05, 0x00],                    // SACK, length 0
            [0xFE, 0x01, 0x00, 0x00],        // an unknown kind, length 1
            [0x04, 0x02, 0x03, 0x03, 0x07, 0x08, 0x0A],  // a good option before a bad one
        ] {
            #expect(Self.error(bytes) == .badOption, "\(bytes)")
        }
    }

    @Test func knownKindsWithTheWrongLengthAreIgnored() {
        let windowScale: [UInt8] = [0x01, 0x03, 0x03, 0x07]
        for bytes: [UInt8] in [
            [0x02, 0x06, 0x05, 0xB4, 0x00, 0x00],  // MSS, length 6
            [0x02, 0x02],                          // MSS, length 2
            [0x04, 0x03, 0x00],                    // SACK-Permitted, length 3
            [0x08, 0x08, 0, 0, 0, 1, 0, 0],        // Timestamps, length 8
            [0x08, 0x0C, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0],  // Timestamps, length 12
            [0x05, 0x02],                          // SACK with no block
            [0x05, 0x0B, 0, 0, 0, 1, 0, 0, 0, 2, 0],     // SACK, length 11
        ] {
            #expect(Self.parsed(bytes + windowScale) == Self.options(windowScale: 7), "\(bytes)")
        }
        #expect(Self.parsed([0x03, 0x04, 0x07, 0x00, 0x02, 0x04, 0x05, 0xB4]) == Self.options(mss: 1460))
    }

    @Test func sackWithMoreThanFourBlocksIsIgnored() {
        // Only a buffer larger than a header's 40 bytes can hold one.
        let five = [0x05, 0x2A] + Self.firstBlocks(4) + Self.blockBytes[0]
        #expect(Self.parsed(five + [0x02, 0x04, 0x05, 0xB4]) == Self.options(mss: 1460))
    }

    @Test func unknownKindsAreSkipped() {
        let bytes: [UInt8] = [0x1E, 0x04, 0xAA, 0xBB,                          // MPTCP (30)
                              0x22, 0x0A, 1, 2, 3, 4, 5, 6, 7, 8,               // TCP Fast Open cookie (34)
                              0xFD, 0x02,                                       // experimental (253), empty
                              0x02, 0x04, 0x05, 0xB4]
        #expect(Self.parsed(bytes) == Self.options(mss: 1460))
    }

    @Test func theLastDuplicateWins() {
        #expect(Self.parsed([0x02, 0x04, 0x05, 0xB4, 0x02, 0x04, 0x02, 0x18]) == Self.options(mss: 536))
        let twoSACKs = [0x05, 0x12] + Self.blockBytes[0] + Self.blockBytes[1] + [0x05, 0x0A] + Self.blockBytes[2]
        #expect(Self.parsed(twoSACKs) == Self.options(sack: [Self.blocks[2]]))
        // A malformed duplicate does not erase the good one.
        #expect(Self.parsed([0x03, 0x03, 0x07, 0x03, 0x04, 0x08, 0x00]) == Self.options(windowScale: 7))
    }

    // MARK: Property: every combination

    @Test func everyCombinationFitsAndRoundTrips() {
        var random = SeededRandom(seed: 7323)
        for _ in 0..<2_000 {
            var options = TCPOptions()
            if Bool.random(using: &random) { options.maximumSegmentSize = UInt16.random(in: 0...UInt16.max, using: &random) }
            if Bool.random(using: &random) { options.windowScale = UInt8.random(in: 0...UInt8.max, using: &random) }
            options.sackPermitted = Bool.random(using: &random)
            if Bool.random(using: &random) {
                options.timestamp = TCPTimestampOption(value: UInt32.random(in: 0...UInt32.max, using: &random),
                                                       echoReply: UInt32.random(in: 0...UInt32.max, using: &random))
            }
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                options.sackBlocks.append(TCPSACKBlock(start: TCPSeq(UInt32.random(in: 0...UInt32.max, using: &random)),
                                                       end: TCPSeq(UInt32.random(in: 0...UInt32.max, using: &random))))
            }
            let length = options.encodedLength
            #expect(length <= 40 && length % 4 == 0, "\(options)")
            let bytes = Self.emitted(options)
            guard let back = Self.parsed(bytes) else {
                Issue.record("emitted options do not parse: \(bytes)")
                continue
            }
            // Everything comes back but the SACK blocks left out, which are the last ones.
            var expected = options
            expected.sackBlocks.truncate(to: back.sackBlocks.count)
            #expect(back == expected)
            #expect(back.sackBlocks.count >= Swift.min(options.sackBlocks.count, options.timestamp == nil ? 3 : 2))
            if options.maximumSegmentSize == nil, options.windowScale == nil {
                // Alone with SACK-Permitted or Timestamps, the documented maximum fits.
                #expect(back.sackBlocks.count == Swift.min(options.sackBlocks.count, options.timestamp == nil ? 4 : 3))
            }
        }
    }
}
