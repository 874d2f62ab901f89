import NetCore
import Testing

@testable import NDIS

@Suite struct NetBufferPoolTests {
    @Test func allocateAndFreeKeepCounts() throws {
        let pool = NetBufferPool(name: "t", capacity: 4, slotSize: 256, headroom: 32)
        #expect(pool.outstanding == 0)
        let a = try #require(pool.allocate(length: 10))
        let b = try #require(pool.allocate(length: 20))
        let c = try #require(pool.allocateBuffer(length: 30))
        #expect(pool.outstanding == 3)
        #expect(pool.highWatermark == 3)
        pool.free(b)
        #expect(pool.outstanding == 2)
        pool.free(c)
        pool.free(a)
        #expect(pool.outstanding == 0)
        #expect(pool.highWatermark == 3, "the watermark remembers the peak")
        #expect(pool.exhaustedCount == 0)
        // A fresh pool hands out slots in address order, and reuses the last freed first.
        let d = try #require(pool.allocate())
        #expect(d.isSame(as: a))
        pool.free(d)
        #expect(pool.outstanding == 0)
    }

    @Test func exhaustionReturnsNilAndIsCounted() throws {
        let pool = NetBufferPool(name: "t", capacity: 2, slotSize: 128, headroom: 16)
        let a = try #require(pool.allocate())
        let b = try #require(pool.allocate())
        #expect(pool.allocate() == nil)
        #expect(pool.allocateBuffer() == nil)
        #expect(pool.exhaustedCount == 2)
        #expect(pool.outstanding == 2)
        pool.free(a)
        let c = try #require(pool.allocate(), "a freed slot can be taken again")
        #expect(pool.exhaustedCount == 2)
        pool.free(b)
        pool.free(c)
        #expect(pool.outstanding == 0)
    }

    @Test func freshBufferWindowSitsAtTheHeadroom() throws {
        let pool = NetBufferPool(name: "t", capacity: 2, slotSize: 256, headroom: 64)
        let list = try #require(pool.allocate(length: 10))
        let nb = list.firstNetBuffer
        #expect(nb.dataOffset == 64)
        #expect(nb.dataLength == 10)
        #expect(nb.headroom == 64)
        #expect(nb.tailroom == 256 - 64 - 10)
        #expect(nb.data.count == 10)
        let custom = try #require(pool.allocate(length: 5, headroom: 0))
        #expect(custom.firstNetBuffer.dataOffset == 0)
        #expect(custom.firstNetBuffer.tailroom == 251)
        pool.free(list)
        pool.free(custom)
        #expect(pool.outstanding == 0)
    }

    @Test func retreatAndAdvanceMoveTheWindowWithoutCopying() throws {
        let pool = NetBufferPool(name: "t", capacity: 1, slotSize: 256, headroom: 64)
        let nb = try #require(pool.allocate(length: 4)).firstNetBuffer
        nb.data.copyBytes(from: [0xA1, 0xA2, 0xA3, 0xA4])

        // Prepend a 14-byte header in the headroom.
        #expect(nb.retreat(by: 14))
        #expect(nb.dataOffset == 50)
        #expect(nb.dataLength == 18)
        for i in 0..<14 { nb.data[i] = UInt8(i) }
        #expect(nb.bytes == Array(0..<14) + [0xA1, 0xA2, 0xA3, 0xA4], "the payload stayed where it was")

        // More than the headroom left: refused, nothing changes.
        #expect(!nb.retreat(by: 51))
        #expect(nb.dataOffset == 50)
        #expect(nb.dataLength == 18)
        // Exactly the headroom: allowed.
        #expect(nb.retreat(by: 50))
        #expect(nb.dataOffset == 0)
        #expect(nb.dataLength == 68)
        #expect(nb.headroom == 0)
        #expect(!nb.retreat(by: 1))

        // Strip the 50 + 14 header bytes again: the payload is the window.
        nb.advance(by: 64)
        #expect(nb.dataOffset == 64)
        #expect(nb.dataLength == 4)
        #expect(nb.bytes == [0xA1, 0xA2, 0xA3, 0xA4])
        // The stripped header is still in the headroom, as NDIS promises.
        #expect(nb.retreat(by: 14))
        #expect(nb.bytes == Array(0..<14) + [0xA1, 0xA2, 0xA3, 0xA4])
        nb.advance(by: 18)
        #expect(nb.dataLength == 0)
        #expect(nb.dataOffset == 68)
        pool.free(nb)
        #expect(pool.outstanding == 0)
    }

    @Test func appendAndTruncateUseTheTailroom() throws {
        let pool = NetBufferPool(name: "t", capacity: 1, slotSize: 128, headroom: 28)
        let nb = try #require(pool.allocate(length: 0)).firstNetBuffer
        #expect(nb.tailroom == 100)
        let first = try #require(nb.append(3))
        first.copyBytes(from: [1, 2, 3])
        #expect(nb.dataLength == 3)
        #expect(nb.tailroom == 97)
        // More than the tailroom: refused, unchanged.
        #expect(nb.append(98) == nil)
        #expect(nb.dataLength == 3)
        let rest = try #require(nb.append(97), "exactly the tailroom fits")
        #expect(rest.count == 97)
        rest.initializeMemory(as: UInt8.self, repeating: 9)
        #expect(nb.tailroom == 0)
        #expect(nb.dataLength == 100)
        #expect(Array(nb.bytes.prefix(5)) == [1, 2, 3, 9, 9])
        #expect(nb.append(1) == nil)
        #expect(nb.append(0) != nil, "an empty append always fits")

        nb.truncate(to: 2)
        #expect(nb.bytes == [1, 2])
        #expect(nb.tailroom == 98)
        #expect(nb.dataOffset == 28)

        nb.reset(length: 10, headroom: 100)
        #expect(nb.dataOffset == 100)
        #expect(nb.dataLength == 10)
        #expect(nb.tailroom == 18)
        pool.free(nb)
        #expect(pool.outstanding == 0)
    }

    @Test func listWithSeveralBuffersCountsAndFreesThemAll() throws {
        let pool = NetBufferPool(name: "t", capacity: 8, slotSize: 512, headroom: 0)
        let list = try #require(pool.allocate(length: 100))
        let second = try #require(pool.allocateBuffer(length: 200))
        let third = try #require(pool.allocateBuffer(length: 50))
        list.firstNetBuffer.data[0] = 1
        second.data[0] = 2
        third.data[0] = 3
        #expect(list.bufferCount == 1)
        list.append(second)
        list.append(third)
        #expect(list.bufferCount == 3)
        #expect(list.totalLength == 350)
        #expect(pool.outstanding == 3)
        // The buffers follow each other in the order appended.
        let order = [list.firstNetBuffer, list.firstNetBuffer.next, list.firstNetBuffer.next?.next]
        #expect(order.map { $0?.data[0] } == [1, 2, 3])
        #expect(list.firstNetBuffer.next.map { $0.isSame(as: second) } == true)
        #expect(list.firstNetBuffer.next?.next?.next == nil)

        pool.free(list)
        #expect(pool.outstanding == 0, "freeing the list frees every buffer in it")
    }

    @Test func chainBuilderLinksListsInOrder() throws {
        let pool = NetBufferPool(name: "t", capacity: 8, slotSize: 128, headroom: 0)
        var builder = NetBufferListChain()
        #expect(builder.head == nil)
        #expect(builder.count == 0)
        #expect(builder.take() == nil)
        var lists: [NetBufferList] = []
        for i in 0..<4 {
            let list = try #require(pool.allocate(length: 1))
            list.firstNetBuffer.data[0] = UInt8(i)
            lists.append(list)
        }
        // A stale link on a list is cleared when it is appended.
        lists[3].next = lists[0]
        for list in lists { builder.append(list) }
        #expect(builder.count == 4)
        let taken = builder.take()
        let chain = try #require(taken)
        #expect(builder.count == 0)
        #expect(builder.head == nil)
        #expect(chain.isSame(as: lists[0]))
        #expect(chain.chainLength == 4)
        #expect(chain.chainArray.map { $0.firstNetBuffer.data[0] } == [0, 1, 2, 3])
        #expect(lists[3].next == nil)

        // The builder starts over after take().
        let fresh = try #require(pool.allocate(length: 1))
        builder.append(fresh)
        let again = builder.take()
        #expect(again.map { $0.isSame(as: fresh) } == true)
        #expect(again?.chainLength == 1)

        pool.freeChain(chain)
        pool.free(fresh)
        #expect(pool.outstanding == 0)
    }

    @Test func freeFreesOneListAndFreeChainFreesAll() throws {
        let pool = NetBufferPool(name: "t", capacity: 4, slotSize: 128, headroom: 0)
        let chain = try #require(pool.makeChain([[1], [2], [3]]))
        #expect(pool.outstanding == 3)
        let rest = try #require(chain.next)
        pool.free(chain)
        #expect(pool.outstanding == 2, "free takes the one list, not the ones chained after it")
        pool.freeChain(rest)
        #expect(pool.outstanding == 0)
    }

    @Test func listFieldsRoundTripAndStartClear() throws {
        let pool = NetBufferPool(name: "t", capacity: 2, slotSize: 128, headroom: 0)
        let list = try #require(pool.allocate(length: 1))
        #expect(list.status == .success)
        #expect(list.sourceHandle == .none)
        #expect(list.cancelId == 0)
        #expect(list.flags == 0)
        #expect(list.hashValue == 0)
        #expect(list.protocolReserved == 0)
        #expect(list.next == nil)
        #expect(list.owningPool === pool)

        list.status = .paused
        list.sourceHandle = NdisHandle(rawValue: 42)
        list.cancelId = 0xDEAD_BEEF_0000_0001
        list.flags = 0x8000_0001
        list.hashValue = 0x1234_5678
        list.protocolReserved = .max
        #expect(list.status == .paused)
        #expect(list.sourceHandle == NdisHandle(rawValue: 42))
        #expect(list.cancelId == 0xDEAD_BEEF_0000_0001)
        #expect(list.flags == 0x8000_0001)
        #expect(list.hashValue == 0x1234_5678)
        #expect(list.protocolReserved == .max)

        // Another handle to the same list sees the same fields.
        let same = NetBufferList(pool: pool, head: list.head)
        #expect(same.isSame(as: list))
        #expect(same.status == .paused)
        #expect(same.cancelId == 0xDEAD_BEEF_0000_0001)

        // The slot comes back clean for its next user.
        pool.free(list)
        let reused = try #require(pool.allocate(length: 1))
        #expect(reused.isSame(as: list))
        #expect(reused.status == .success)
        #expect(reused.sourceHandle == .none)
        #expect(reused.cancelId == 0)
        #expect(reused.flags == 0)
        #expect(reused.protocolReserved == 0)
        pool.free(reused)
        #expect(pool.outstanding == 0)
    }

    @Test func listsOfOnePoolAreDistinct() throws {
        let pool = NetBufferPool(name: "t", capacity: 3, slotSize: 64, headroom: 0)
        let a = try #require(pool.allocate())
        let b = try #require(pool.allocate())
        #expect(!a.isSame(as: b))
        let other = NetBufferPool(name: "u", capacity: 1, slotSize: 64, headroom: 0)
        let c = try #require(other.allocate())
        #expect(!a.isSame(as: c), "same slot number in another pool is another list")
        pool.free(a)
        pool.free(b)
        other.free(c)
        #expect(pool.outstanding == 0 && other.outstanding == 0)
    }
}

@Suite struct NetBufferPoolMisuseTests {
    @Test func doubleFreeTrapsAsNdisBugchecks() async {
        await #expect(processExitsWith: .failure) {
            let pool = NetBufferPool(name: "t", capacity: 2, slotSize: 64, headroom: 0)
            let list = pool.allocate()!
            pool.free(list)
            pool.free(list)
        }
    }

    @Test func freeingToTheWrongPoolTraps() async {
        await #expect(processExitsWith: .failure) {
            let pool = NetBufferPool(name: "t", capacity: 1, slotSize: 64, headroom: 0)
            let other = NetBufferPool(name: "u", capacity: 1, slotSize: 64, headroom: 0)
            other.free(pool.allocate()!)
        }
    }
}
