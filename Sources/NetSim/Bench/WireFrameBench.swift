import NDIS
import NetCore

/// Frames through a `VirtualWire`: a sink protocol on each of two adapters,
/// one sending batches of Ethernet frames that the other receives — NDIS,
/// the virtual-wire miniport and its one copy per frame, and nothing else.
public final class WireFrameBench {
    public let clock = VirtualClock()
    public let wire: VirtualWire
    let senderNdis = Ndis()
    let receiverNdis = Ndis()
    public let sender: FrameSinkProtocol
    public let receiver: FrameSinkProtocol
    let pool: NetBufferPool
    let frameLength: Int
    let batch: Int

    /// A bench sending `frameLength`-byte frames in chains of `batch`.
    public init(frameLength: Int = 64, batch: Int = 32) {
        precondition(frameLength >= 14 && frameLength <= 1514 && batch > 0)
        self.frameLength = frameLength
        self.batch = batch
        wire = VirtualWire(clock: clock, seed: 1, impairments: WireImpairments(mtu: 1500))
        sender = FrameSinkProtocol.register(in: senderNdis)
        receiver = FrameSinkProtocol.register(in: receiverNdis)
        let source = MACAddress(0x02, 0, 0, 0, 0, 1)
        let destination = MACAddress(0x02, 0, 0, 0, 0, 2)
        for (ndis, mac) in [(senderNdis, source), (receiverNdis, destination)] {
            _ = ndis.loadDriver(name: "vwire", entry: VirtualWireMiniport.driverEntry)
            let (status, _) = ndis.startAdapter(driver: ndis.miniportDrivers[0], name: "bench\(mac)",
                                                allocatedResources: wire.makePort(mac: mac),
                                                configuration: ["ReceiveBuffers": "\(max(batch * 2, 256))"])
            precondition(status == .success, "bench adapter starts")
        }
        pool = NetBufferPool(name: "bench-tx", capacity: batch * 2, slotSize: 2048, headroom: 64)
        template = [UInt8](repeating: 0xA5, count: frameLength)
        template.withUnsafeMutableBytes { bytes in
            destination.write(to: bytes, at: 0)
            source.write(to: bytes, at: 6)
            bytes.storeBigEndian(UInt16(0x88B5), at: 12)
        }
    }

    var template: [UInt8]

    /// Sends `frames` frames through the wire; returns how many arrived.
    @discardableResult
    public func run(frames: Int) -> Int {
        let before = receiver.framesReceived
        var left = frames
        while left > 0 {
            let n = min(batch, left)
            var chain = NetBufferListChain()
            for _ in 0..<n {
                guard let list = pool.allocate(length: frameLength) else { break }
                template.withUnsafeBytes { list.firstNetBuffer.data.copyBytes($0, at: 0) }
                chain.append(list)
            }
            guard let head = chain.take() else { break }
            sender.binding?.sendNetBufferLists(head)
            wire.deliverDue()
            left -= n
        }
        return receiver.framesReceived - before
    }

    /// Buffers not back in their pools (zero between runs).
    public var buffersOutstanding: Int {
        pool.outstanding + wire.framesInFlight
    }
}
