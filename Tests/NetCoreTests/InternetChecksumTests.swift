import Testing
import NetCore

/// RFC 1071 byte-at-a-time reference: big-endian 16-bit words, a trailing
/// odd byte padded with zero, carries folded back in.
private func referenceFolded(_ bytes: [UInt8]) -> UInt16 {
    var sum: UInt32 = 0
    var i = 0
    while i + 1 < bytes.count {
        sum += UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1])
        i += 2
    }
    if i < bytes.count { sum += UInt32(bytes[i]) << 8 }
    while sum >> 16 != 0 { sum = (sum & 0xFFFF) + (sum >> 16) }
    return UInt16(sum)
}

private func checksum(_ bytes: [UInt8]) -> UInt16 {
    bytes.withUnsafeBytes { InternetChecksum.checksum($0) }
}

private func isValid(_ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBytes { InternetChecksum.isValid($0) }
}

@Test func rfc1071NumericalExample() {
    // RFC 1071 §3: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2.
    let bytes: [UInt8] = [0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7]
    var sum = InternetChecksum()
    bytes.withUnsafeBytes { sum.add($0) }
    #expect(sum.folded == 0xDDF2)
    #expect(sum.value == 0x220D)
    #expect(checksum(bytes) == 0x220D)
    // The same bytes in odd-length pieces.
    var split = InternetChecksum()
    bytes.withUnsafeBytes { raw in
        split.add(UnsafeRawBufferPointer(rebasing: raw[0..<3]))
        split.add(UnsafeRawBufferPointer(rebasing: raw[3..<4]))
        split.add(UnsafeRawBufferPointer(rebasing: raw[4..<8]))
    }
    #expect(split.folded == 0xDDF2)
}

@Test func ipv4HeaderFixture() {
    var header: [UInt8] = [0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                           0xB8, 0x61, 0xC0, 0xA8, 0x00, 0x01, 0xC0, 0xA8, 0x00, 0xC7]
    #expect(isValid(header))
    header[10] = 0
    header[11] = 0
    #expect(!isValid(header))
    let value = checksum(header)
    #expect(value == 0xB861)
    header.withUnsafeMutableBytes { $0.storeBigEndian(value, at: 10) }
    #expect(header[10] == 0xB8 && header[11] == 0x61)
    #expect(isValid(header))
}

@Test func emptyAndDegenerateInputs() {
    #expect(InternetChecksum().folded == 0)
    #expect(InternetChecksum().value == 0xFFFF)
    var sum = InternetChecksum()
    sum.add(UnsafeRawBufferPointer(start: nil, count: 0))
    #expect(sum.folded == 0)
    #expect(checksum([]) == 0xFFFF)
    #expect(!isValid([]))
    #expect(!isValid([0, 0, 0, 0]))
    #expect(checksum([0xFF, 0xFF]) == 0x0000)
    #expect(checksum([0xAB]) == ~UInt16(0xAB00))
}

@Test func wordFieldsEqualTheirBytes() {
    // A UDP pseudo-header built from fields sums like the same bytes.
    let source: UInt32 = 0xC0A8_0001, destination: UInt32 = 0x0A00_00FE
    var fields = InternetChecksum()
    fields.add(source)
    fields.add(destination)
    fields.add(UInt16(17))
    fields.add(UInt16(0x1234))
    let bytes: [UInt8] = [0xC0, 0xA8, 0x00, 0x01, 0x0A, 0x00, 0x00, 0xFE, 0x00, 0x11, 0x12, 0x34]
    #expect(fields.folded == referenceFolded(bytes))
    // Also after an odd-length piece, where the words straddle byte pairs.
    var odd = InternetChecksum()
    [UInt8(0x99)].withUnsafeBytes { odd.add($0) }
    odd.add(source)
    odd.add(UInt16(0xBEEF))
    #expect(odd.folded == referenceFolded([0x99, 0xC0, 0xA8, 0x00, 0x01, 0xBE, 0xEF]))
}

@Test func matchesByteLoopOnRandomBuffersSplitsAndAlignments() {
    var rng = SeededRandom(seed: 0x1071)
    let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048 + 64, alignment: 64)
    defer { storage.deallocate() }
    for _ in 0..<5_000 {
        let length = Int.random(in: 0...2000, using: &rng)
        var bytes = [UInt8](repeating: 0, count: length)
        // Mostly random bytes, sometimes saturated ones to stress the carries.
        let saturated = rng.chance(0.1)
        for i in 0..<length { bytes[i] = saturated ? 0xFF : UInt8.random(in: 0...255, using: &rng) }
        let alignment = Int.random(in: 0..<16, using: &rng)
        let buffer = storage.slice(alignment, length)
        bytes.withUnsafeBytes { buffer.copyBytes($0, at: 0) }
        let raw = UnsafeRawBufferPointer(buffer)

        // Whole buffer in one call.
        let expected = referenceFolded(bytes)
        var whole = InternetChecksum()
        whole.add(raw)
        #expect(whole.folded == expected)
        #expect(InternetChecksum.checksum(raw) == ~expected)

        // Random pieces (empty ones included) interleaved with 16/32-bit
        // fields; the reference sees the fields as their big-endian bytes.
        var pieces = InternetChecksum()
        var stream: [UInt8] = []
        var offset = 0
        while offset < length {
            let take = Int.random(in: 0...min(length - offset, 97), using: &rng)
            pieces.add(raw.slice(offset, take))
            stream += bytes[offset..<(offset + take)]
            offset += take
            switch Int.random(in: 0..<8, using: &rng) {
            case 0:
                let w = UInt16.random(in: 0...UInt16.max, using: &rng)
                pieces.add(w)
                stream += [UInt8(w >> 8), UInt8(w & 0xFF)]
            case 1:
                let w = UInt32.random(in: 0...UInt32.max, using: &rng)
                pieces.add(w)
                stream += [UInt8(w >> 24), UInt8((w >> 16) & 0xFF), UInt8((w >> 8) & 0xFF), UInt8(w & 0xFF)]
            default:
                break
            }
        }
        #expect(pieces.folded == referenceFolded(stream))
        if pieces.folded != referenceFolded(stream) { break }
    }
}

@Test func insertedChecksumValidatesAndBitFlipsAreCaught() {
    var rng = SeededRandom(seed: 42)
    for _ in 0..<500 {
        let words = Int.random(in: 2...40, using: &rng)
        var bytes = (0..<(words * 2)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let field = 2 * Int.random(in: 0..<words, using: &rng)
        bytes[field] = 0
        bytes[field + 1] = 0
        let value = checksum(bytes)
        bytes.withUnsafeMutableBytes { $0.storeBigEndian(value, at: field) }
        #expect(isValid(bytes))
        let bit = Int.random(in: 0..<(bytes.count * 8), using: &rng)
        bytes[bit / 8] ^= UInt8(1) << UInt8(bit % 8)
        #expect(!isValid(bytes))
    }
}

/// A random 20-byte IPv4-like header with a correct checksum at offset 10.
private func randomHeader(_ rng: inout SeededRandom) -> [UInt8] {
    var header = (0..<20).map { _ in UInt8.random(in: 0...255, using: &rng) }
    header[10] = 0
    header[11] = 0
    let value = checksum(header)
    header.withUnsafeMutableBytes { $0.storeBigEndian(value, at: 10) }
    return header
}

private func recomputed(_ header: [UInt8]) -> UInt16 {
    var copy = header
    copy[10] = 0
    copy[11] = 0
    return checksum(copy)
}

@Test func incrementalUpdateEqualsRecompute() {
    var rng = SeededRandom(seed: 1624)
    for _ in 0..<5_000 {
        var header = randomHeader(&rng)
        let old = header.withUnsafeBytes { $0.loadBigEndianUInt16(at: 10) }
        var field = 2 * Int.random(in: 0..<10, using: &rng)
        if field == 10 { field = 8 }
        let before = header.withUnsafeBytes { $0.loadBigEndianUInt16(at: field) }
        let after = UInt16.random(in: 0...UInt16.max, using: &rng)
        header.withUnsafeMutableBytes { $0.storeBigEndian(after, at: field) }
        let updated = InternetChecksum.update(old, old: before, new: after)
        #expect(updated == recomputed(header))
    }
    for _ in 0..<5_000 {
        var header = randomHeader(&rng)
        let old = header.withUnsafeBytes { $0.loadBigEndianUInt16(at: 10) }
        let field = rng.chance(0.5) ? 12 : 16
        let before = header.withUnsafeBytes { $0.loadBigEndianUInt32(at: field) }
        let after = UInt32.random(in: 0...UInt32.max, using: &rng)
        header.withUnsafeMutableBytes { $0.storeBigEndian(after, at: field) }
        let updated = InternetChecksum.update(old, old: before, new: after)
        #expect(updated == recomputed(header))
    }
}

@Test func rfc1624ZeroCorner() {
    // RFC 1624 §3: the other octets sum to 0xCD7A and m = 0x5555 becomes
    // 0x3285. Eqn. 2 gives 0xFFFF; eqn. 3 and a full recompute give 0x0000.
    #expect(InternetChecksum.update(0xDD2F, old: UInt16(0x5555), new: UInt16(0x3285)) == 0x0000)

    // The same corner on real headers: choose the new field value that makes
    // the new sum 0xFFFF, i.e. the recomputed checksum 0x0000.
    var rng = SeededRandom(seed: 3)
    for _ in 0..<1_000 {
        var header = randomHeader(&rng)
        let old = header.withUnsafeBytes { $0.loadBigEndianUInt16(at: 10) }
        let before = header.withUnsafeBytes { $0.loadBigEndianUInt16(at: 4) }
        var rest = header
        rest[4] = 0; rest[5] = 0; rest[10] = 0; rest[11] = 0
        let after = ~referenceFolded(rest)
        header.withUnsafeMutableBytes { $0.storeBigEndian(after, at: 4) }
        #expect(recomputed(header) == 0x0000)
        #expect(InternetChecksum.update(old, old: before, new: after) == 0x0000)
        // And back again.
        #expect(InternetChecksum.update(0x0000, old: after, new: before) == old)
    }
}
