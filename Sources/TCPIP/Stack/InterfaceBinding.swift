import NDIS
import NetCore

/// The stack's ProtocolBindingContext for one adapter: receives go to the
/// stack, completed sends go back to the stack's pool.
final class InterfaceBinding: ProtocolBindingContext {
    unowned let stack: TCPIPStack
    var interface: IPInterface?

    init(stack: TCPIPStack) { self.stack = stack }

    func receiveNetBufferLists(_ lists: NetBufferList, portNumber: NdisPortNumber, count: Int, flags: ReceiveFlags) {
        guard let interface else { return }
        let lent = !flags.contains(.resources)
        // Frames a transport kept (a datagram waiting for its reader) go
        // back when it releases them; the rest go back now, in one call.
        var unkept = NetBufferListChain()
        var current: NetBufferList? = lists
        while let list = current {
            current = list.next
            stack.receiveContext = ReceiveContext(list: list, binding: interface.binding, canRetain: lent)
            stack.receiveFrame(UnsafeRawBufferPointer(list.firstNetBuffer.data), on: interface)
            let kept = stack.receiveContext?.retained == true
            stack.receiveContext = nil
            guard lent else { continue }
            list.next = nil
            if !kept { unkept.append(list) }
        }
        if let chain = unkept.take() { interface.binding.returnNetBufferLists(chain) }
    }

    func sendNetBufferListsComplete(_ lists: NetBufferList, flags: SendCompleteFlags) {
        var current: NetBufferList? = lists
        while let list = current {
            current = list.next
            if !list.status.isSuccess { stack.statistics.ethernet.sendFailures &+= 1 }
            list.owningPool.free(list)
        }
    }

    func status(_ indication: StatusIndication) {
        if let link = indication.linkState { interface?.linkUp = link.mediaConnectState != .disconnected }
    }

    func netPnPEvent(_ event: NetPnPEvent) -> NDISStatus {
        guard let interface else { return .success }
        switch event.code {
        case .restart:
            interface.running = true
            stack.interfaceRestarted(interface)
        case .pause:
            interface.running = false
        default:
            break
        }
        return .success
    }
}
