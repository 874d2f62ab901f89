import NDIS
import NetCore
import Testing

/// The README's twin of the seed document's "Register a Miniport driver"
/// sample, line for line, run for real.
final class MyMiniportDriver {
    var gMiniportHandle: MiniportDriver?

    func driverEntry(_ driverObject: DriverObject, _ registryPath: String) -> NTStatus {
        var drvChars = MiniportDriverCharacteristics()
        drvChars.header.type = .miniportDriverCharacteristics
        drvChars.header.size = MiniportDriverCharacteristics.size
        drvChars.header.revision = MiniportDriverCharacteristics.revision1
        drvChars.majorNdisVersion = ndisMiniportMajorVersion
        drvChars.minorNdisVersion = ndisMiniportMinorVersion
        drvChars.initializeHandlerEx = myMiniportInitializeEx
        drvChars.unloadHandler = { _ in }  // ... other handlers ...
        return Ndis.registerMiniportDriver(driverObject, registryPath, nil, drvChars, &gMiniportHandle).ntStatus
    }

    func myMiniportInitializeEx(_ adapter: MiniportAdapter, _ context: AnyObject?,
                                _ parameters: MiniportInitParameters) -> NDISStatus {
        let miniport = SampleAdapter()
        var status = adapter.setAttributes(.registration(.init(miniportAdapterContext: miniport)))
        guard status == .success else { return status }
        var general = MiniportAdapterGeneralAttributes()
        general.currentMacAddress = MACAddress(0x02, 0, 0, 0, 0, 0x42)
        general.permanentMacAddress = general.currentMacAddress
        status = adapter.setAttributes(.general(general))
        return status
    }
}

final class SampleAdapter: MiniportAdapterContext {
    func halt(_ action: HaltAction) {}
    func pause() -> NDISStatus { .success }
    func restart() -> NDISStatus { .success }
    func oidRequest(_ request: OidRequest) -> NDISStatus { .invalidOID }
    func sendNetBufferLists(_ lists: NetBufferList, portNumber: NdisPortNumber, flags: SendFlags) {}
    func returnNetBufferLists(_ lists: NetBufferList, flags: ReturnFlags) {}
    func shutdown(_ action: ShutdownAction) {}
}

@Suite struct SeedSampleTests {
    @Test func registerAMiniportDriverSampleRegistersAndStartsAnAdapter() {
        let ndis = Ndis()
        let driver = MyMiniportDriver()
        let status = ndis.loadDriver(name: "sample", registryPath: "\\Registry\\Machine\\System\\sample",
                                     entry: driver.driverEntry)
        #expect(status == .success)
        let handle = try! #require(driver.gMiniportHandle)
        #expect(handle.characteristics.header.type == .miniportDriverCharacteristics)
        let (started, adapter) = ndis.startAdapter(driver: handle, name: "sample0")
        #expect(started == .success)
        #expect(adapter?.state == .running)
        #expect(adapter?.generalAttributes?.currentMacAddress == MACAddress(0x02, 0, 0, 0, 0, 0x42))
    }
}
