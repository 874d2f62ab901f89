import NDIS
import NetCore

/// The smallest NDIS protocol driver: it counts what it receives and returns
/// it at once, and frees what it sent when the send completes. Benchmarks
/// bind it to adapters to measure NDIS and a miniport alone.
public final class FrameSinkProtocol: ProtocolBindingContext {
    /// The binding, once bound.
    public private(set) var binding: ProtocolBinding?
    /// Frames received.
    public private(set) var framesReceived = 0
    /// Bytes received.
    public private(set) var bytesReceived = 0
    /// Sends completed.
    public private(set) var sendsCompleted = 0

    init() {}

    /// Registers a sink protocol in `ndis`; it binds to the adapters there.
    public static func register(in ndis: Ndis) -> FrameSinkProtocol {
        let sink = FrameSinkProtocol()
        var chars = ProtocolDriverCharacteristics()
        chars.header = NdisObjectHeader(type: .protocolDriverCharacteristics,
                                        revision: ProtocolDriverCharacteristics.revision2,
                                        size: ProtocolDriverCharacteristics.size)
        chars.majorNdisVersion = ndisMiniportMajorVersion
        chars.minorNdisVersion = ndisMiniportMinorVersion
        chars.name = "FrameSink"
        chars.bindAdapterHandlerEx = { driver, bindContext, parameters in
            var binding: ProtocolBinding?
            let status = ndis.openAdapter(driver, sink, OpenParameters(adapterName: parameters.adapterName),
                                          bindContext, &binding)
            sink.binding = binding
            if let binding {
                let filter: PacketFilter = [.directed, .broadcast]
                _ = binding.oidRequest(OidRequest(set: .genCurrentPacketFilter,
                                                  input: OidRequest.littleEndianBytes(filter.rawValue)))
            }
            return status
        }
        chars.unbindAdapterHandlerEx = { binding in binding.closeAdapter() }
        var handle: ProtocolDriver?
        let status = ndis.registerProtocolDriver(nil, chars, &handle)
        precondition(status == .success, "the sink's characteristics are valid")
        return sink
    }

    public func receiveNetBufferLists(_ lists: NetBufferList, portNumber: NdisPortNumber, count: Int,
                                      flags: ReceiveFlags) {
        var current: NetBufferList? = lists
        while let list = current {
            framesReceived += 1
            bytesReceived += list.firstNetBuffer.dataLength
            current = list.next
        }
        if !flags.contains(.resources) { binding?.returnNetBufferLists(lists) }
    }

    public func sendNetBufferListsComplete(_ lists: NetBufferList, flags: SendCompleteFlags) {
        sendsCompleted += lists.chainLength
        lists.owningPool.freeChain(lists)
    }
}
