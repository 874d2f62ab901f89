import NetCore
import Testing
import WSK

/// Client memory for a chain of MDLs of the given sizes; region `k` byte `j`
/// holds `0x10 * (k + 1) + j`, so every byte says where it came from.
private final class Chain {
    let regions: [UnsafeMutableRawBufferPointer]
    let head: MDL?

    init(_ sizes: [Int]) {
        regions = sizes.enumerated().map { k, size in
            let region = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 1)
            for j in 0..<size { region[j] = UInt8(truncatingIfNeeded: 0x10 * (k + 1) + j) }
            return region
        }
        let mdls = regions.map(MDL.init)
        for (mdl, next) in zip(mdls, mdls.dropFirst()) { mdl.next = next }
        head = mdls.first
    }

    deinit { regions.forEach { $0.deallocate() } }

    /// Every byte of the chain, in order, as a WSK_BUF sees them.
    var flattened: [UInt8] { regions.flatMap { Array($0) } }
}

/// A chain's bytes as seen through `buffer.copyOut`, into a destination of `capacity` bytes.
private func copyOut(_ buffer: WSKBuf, capacity: Int) -> (count: Int, bytes: [UInt8]) {
    var bytes = [UInt8](repeating: 0xEE, count: capacity)
    let count = bytes.withUnsafeMutableBytes { buffer.copyOut(into: $0) }
    return (count, bytes)
}

/// Chains of one to three regions, including a region of one byte.
private let chainShapes: [[Int]] = [[8], [3, 5], [4, 1, 7]]

@Suite struct WSKBufTests {
    @Test(arguments: chainShapes)
    func everyValidWindowCopiesOutItsBytes(sizes: [Int]) {
        let chain = Chain(sizes)
        let all = chain.flattened
        for offset in 0..<sizes[0] {
            for length in 0...(all.count - offset) {
                let buffer = WSKBuf(mdl: chain.head, offset: offset, length: length)
                #expect(buffer.validate() == .success, "offset \(offset) length \(length)")
                let out = copyOut(buffer, capacity: length)
                #expect(out.count == length)
                #expect(out.bytes == Array(all[offset ..< offset + length]), "offset \(offset) length \(length)")
            }
        }
    }

    @Test(arguments: chainShapes)
    func copyInThenCopyOutRoundTripsAndLeavesTheRestAlone(sizes: [Int]) {
        for offset in 0..<sizes[0] {
            let chain = Chain(sizes)
            let before = chain.flattened
            let length = before.count - offset
            let buffer = WSKBuf(mdl: chain.head, offset: offset, length: length)
            let payload = (0..<length).map { UInt8(0xA0 + $0) }

            #expect(payload.withUnsafeBytes { buffer.copyIn(from: $0) } == length)
            #expect(copyOut(buffer, capacity: length).bytes == payload)
            #expect(chain.flattened == Array(before[..<offset]) + payload, "bytes before the offset are untouched")
        }
    }

    @Test func windowsStartingAndEndingAtRegionBoundaries() {
        let chain = Chain([4, 4, 4])
        let all = chain.flattened

        // The last byte of the first region, across the whole second, into the third.
        let crossing = WSKBuf(mdl: chain.head, offset: 3, length: 6)
        var pieces: [[UInt8]] = []
        crossing.forEachRegion { pieces.append(Array($0)) }
        #expect(pieces == [[0x13], [0x20, 0x21, 0x22, 0x23], [0x30]])
        #expect(copyOut(crossing, capacity: 6).bytes == Array(all[3..<9]))

        // Ending exactly at a region's end yields no empty piece for the next one.
        let firstTwo = WSKBuf(mdl: chain.head, offset: 0, length: 8)
        var counts: [Int] = []
        firstTwo.forEachRegion { counts.append($0.count) }
        #expect(counts == [4, 4])

        // forEachRegion lends the client's own memory, not a copy.
        var addresses: [UnsafeRawPointer?] = []
        WSKBuf(mdl: chain.head, offset: 0, length: 12).forEachRegion { addresses.append($0.baseAddress) }
        #expect(addresses == chain.regions.map { UnsafeRawPointer($0.baseAddress) })
    }

    @Test func copiesStopAtTheShorterSide() {
        let chain = Chain([3, 5])
        let buffer = WSKBuf(mdl: chain.head, offset: 1, length: 6)

        let short = copyOut(buffer, capacity: 4)
        #expect(short.count == 4)
        #expect(short.bytes == [0x11, 0x12, 0x20, 0x21])

        let long = copyOut(buffer, capacity: 10)
        #expect(long.count == 6)
        #expect(long.bytes == [0x11, 0x12, 0x20, 0x21, 0x22, 0x23, 0xEE, 0xEE, 0xEE, 0xEE])

        #expect([UInt8](repeating: 0xFF, count: 2).withUnsafeBytes { buffer.copyIn(from: $0) } == 2)
        #expect(chain.flattened == [0x10, 0xFF, 0xFF, 0x20, 0x21, 0x22, 0x23, 0x24])

        #expect([UInt8](repeating: 0xAA, count: 20).withUnsafeBytes { buffer.copyIn(from: $0) } == 6)
        #expect(chain.flattened == [0x10, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0x24])
    }

    @Test func zeroLengthBuffers() {
        let empty = WSKBuf(mdl: nil, offset: 0, length: 0)
        #expect(empty.validate() == .success)
        #expect(copyOut(empty, capacity: 4).count == 0)
        #expect([UInt8](repeating: 1, count: 4).withUnsafeBytes { empty.copyIn(from: $0) } == 0)
        var visited = 0
        empty.forEachRegion { _ in visited += 1 }
        #expect(visited == 0)

        let chain = Chain([4])
        #expect(WSKBuf(mdl: chain.head, offset: 2, length: 0).validate() == .success)
    }

    @Test func validationRejectsMalformedBuffers() {
        let chain = Chain([4, 4])
        // No MDL but bytes claimed.
        #expect(WSKBuf(mdl: nil, offset: 0, length: 1).validate() == .invalidParameter)
        // Negative fields (ULONG and SIZE_T in Windows cannot be).
        #expect(WSKBuf(mdl: chain.head, offset: -1, length: 1).validate() == .invalidParameter)
        #expect(WSKBuf(mdl: chain.head, offset: 0, length: -1).validate() == .invalidParameter)
        // The offset must fall inside the first MDL, even when later ones have bytes there.
        #expect(WSKBuf(mdl: chain.head, offset: 4, length: 1).validate() == .invalidParameter)
        #expect(WSKBuf(mdl: chain.head, offset: 4, length: 0).validate() == .invalidParameter)
        // The length must fit in the chain from the offset.
        #expect(WSKBuf(mdl: chain.head, offset: 3, length: 5).validate() == .success)
        #expect(WSKBuf(mdl: chain.head, offset: 3, length: 6).validate() == .invalidParameter)
    }

    @Test func malformedBuffersNeverTouchMemoryOutsideTheChain() {
        let chain = Chain([2, 2])
        let tooLong = WSKBuf(mdl: chain.head, offset: 1, length: 10)
        #expect(tooLong.validate() == .invalidParameter)
        #expect(copyOut(tooLong, capacity: 10).count == 3)
        #expect(copyOut(WSKBuf(mdl: chain.head, offset: -1, length: 2), capacity: 2).count == 0)
    }

    @Test func byteCountBoundsWhatTheChainDescribes() {
        let chain = Chain([4, 1, 7])
        guard let head = chain.head else { Issue.record("no chain"); return }
        #expect(head.byteCount == 4)
        #expect(head.chainByteCount == 12)
        #expect(head.next?.chainByteCount == 8)

        head.next?.next?.byteCount = 3
        #expect(head.chainByteCount == 8)
        #expect(WSKBuf(mdl: head, offset: 0, length: 8).validate() == .success)
        #expect(WSKBuf(mdl: head, offset: 0, length: 9).validate() == .invalidParameter)
        let window = WSKBuf(mdl: head, offset: 2, length: 6)
        #expect(copyOut(window, capacity: 6).bytes == [0x12, 0x13, 0x20, 0x30, 0x31, 0x32])
    }
}
