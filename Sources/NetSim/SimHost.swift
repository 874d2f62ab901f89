import NDIS
import NetCore
import TCPIP
import WSK

/// A simulated host: its own NDIS instance with a virtual-wire miniport
/// driver loaded, and its own TCP/IP stack bound to its adapters.
public final class SimHost {
    /// The host's name, used to name its adapters.
    public let name: String
    /// The host's NDIS.
    public let ndis: Ndis
    /// The host's TCP/IP stack.
    public let stack: TCPIPStack
    /// The loaded VirtualWireMiniport driver.
    public let wireDriver: MiniportDriver
    /// The host's WSK subsystem, over its stack.
    public let wsk: WskSubsystem
    /// The adapters started on this host, in order.
    public internal(set) var adapters: [MiniportAdapter] = []

    init(name: String, seed: UInt64, configure: (inout TCPIPStack.Configuration) -> Void) {
        self.name = name
        ndis = Ndis()
        var configuration = TCPIPStack.Configuration(seed: seed)
        configure(&configuration)
        stack = TCPIPStack(ndis: ndis, configuration: configuration)
        wsk = WskSubsystem(stack: stack)
        let status = ndis.loadDriver(name: "vwire", entry: VirtualWireMiniport.driverEntry)
        precondition(status.isSuccess && !ndis.miniportDrivers.isEmpty, "the built-in driver registers")
        wireDriver = ndis.miniportDrivers[0]
    }

    /// Buffers this host holds: its stack's send pool and its adapters' receive pools.
    public var buffersOutstanding: Int {
        stack.sendPool.outstanding + adapters.reduce(0) { sum, adapter in
            sum + ((adapter.context as? VirtualWireMiniport)?.receivePool.outstanding ?? 0)
        }
    }
}
