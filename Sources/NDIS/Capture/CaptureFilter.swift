import NetCore

/// A monitoring filter driver that writes every frame crossing the adapters
/// it attaches to into a pcapng file: one interface block per adapter, frames
/// stamped with the driver's clock in nanoseconds, sends marked outbound and
/// receives inbound. It sits at the bottom of the stack (the lowest class,
/// provider_address, at altitude 0), so it records frames as the wire sees them.
///
/// A write error (a full disk) stops the capture and is kept in `lastError`;
/// it never disturbs the traffic.
public final class CaptureFilter {
    /// The pcapng file being written.
    public let writer: PcapngWriter
    /// The clock frames are stamped with.
    public let clock: NetClock
    /// The error that stopped the capture, if one did.
    public private(set) var lastError: CaptureError?
    /// The registered filter driver, once `register` succeeded.
    public private(set) var driver: FilterDriver?

    public init(writer: PcapngWriter, clock: NetClock) {
        self.writer = writer
        self.clock = clock
    }

    /// Loads the driver into `ndis` (its DriverEntry calls NdisFRegisterFilterDriver),
    /// attaching a capture module to every adapter there and to every adapter started later.
    @discardableResult
    public func register(in ndis: Ndis) -> NDISStatus {
        var result = NDISStatus.failure
        _ = ndis.loadDriver(name: "nkcapture") { driverObject, _ in
            var chars = FilterDriverCharacteristics()
            chars.header = NdisObjectHeader(type: .filterDriverCharacteristics,
                                            revision: FilterDriverCharacteristics.revision2,
                                            size: FilterDriverCharacteristics.size)
            chars.majorNdisVersion = ndisMiniportMajorVersion
            chars.minorNdisVersion = ndisMiniportMinorVersion
            chars.friendlyName = "NetKernel pcapng capture"
            chars.uniqueName = "{nkcapture}"
            chars.serviceName = "nkcapture"
            chars.filterClass = .providerAddress
            chars.altitude = 0
            chars.filterType = .monitoring
            chars.runType = .optional
            chars.attachHandler = { module, context, parameters in
                guard let capture = context as? CaptureFilter else { return .failure }
                return capture.attach(module, parameters)
            }
            var handle: FilterDriver?
            result = Ndis.registerFilterDriver(driverObject, self, chars, &handle)
            self.driver = handle
            return result.ntStatus
        }
        return result
    }

    func attach(_ module: FilterModule, _ parameters: FilterAttachParameters) -> NDISStatus {
        let interface: UInt32
        do {
            interface = try writer.addInterface(name: parameters.baseMiniportName)
        } catch {
            lastError = error
            return .failure
        }
        return module.setAttributes(CaptureFilterModule(module: module, capture: self, interface: interface))
    }

    func record(_ lists: NetBufferList, interface: UInt32, direction: CaptureDirection) {
        guard lastError == nil else { return }
        let now = clock.now
        var current: NetBufferList? = lists
        do {
            while let list = current {
                var buffer: NetBuffer? = list.firstNetBuffer
                while let nb = buffer {
                    try writer.writePacket(interface: interface, timestamp: now, direction: direction,
                                           bytes: UnsafeRawBufferPointer(nb.data))
                    buffer = nb.next
                }
                current = list.next
            }
        } catch {
            lastError = error
        }
    }
}

/// One capture module: records, then passes everything through unchanged.
final class CaptureFilterModule: FilterModuleContext {
    let filterModule: FilterModule
    unowned let capture: CaptureFilter
    let interface: UInt32

    init(module: FilterModule, capture: CaptureFilter, interface: UInt32) {
        filterModule = module
        self.capture = capture
        self.interface = interface
    }

    func detach() {
        try? capture.writer.flush()
    }

    func restart() -> NDISStatus { .success }

    func pause() -> NDISStatus {
        try? capture.writer.flush()
        return .success
    }

    func sendNetBufferLists(_ lists: NetBufferList, portNumber: NdisPortNumber, flags: SendFlags) {
        capture.record(lists, interface: interface, direction: .outbound)
        filterModule.sendNetBufferLists(lists, portNumber: portNumber, flags: flags)
    }

    func receiveNetBufferLists(_ lists: NetBufferList, portNumber: NdisPortNumber, count: Int, flags: ReceiveFlags) {
        capture.record(lists, interface: interface, direction: .inbound)
        filterModule.indicateReceiveNetBufferLists(lists, portNumber: portNumber, count: count, flags: flags)
    }
}
