import NetCore
import Testing

@testable import NDIS

/// Registers `chars` as a miniport driver from a DriverEntry, as a driver would.
private func registerMiniport(_ chars: MiniportDriverCharacteristics, in ndis: Ndis,
                              context: AnyObject? = nil) -> (NDISStatus, MiniportDriver?) {
    var status = NDISStatus.failure
    var handle: MiniportDriver?
    let nt = ndis.loadDriver(name: "m") { object, path in
        status = Ndis.registerMiniportDriver(object, path, context, chars, &handle)
        return status.ntStatus
    }
    #expect(nt == status.ntStatus, "DriverEntry's status reaches the loader")
    return (status, handle)
}

private func registerFilter(_ chars: FilterDriverCharacteristics, in ndis: Ndis) -> (NDISStatus, FilterDriver?) {
    var status = NDISStatus.failure
    var handle: FilterDriver?
    _ = ndis.loadDriver(name: "f") { object, _ in
        status = Ndis.registerFilterDriver(object, nil, chars, &handle)
        return status.ntStatus
    }
    return (status, handle)
}

private func registerProtocol(_ chars: ProtocolDriverCharacteristics, in ndis: Ndis) -> (NDISStatus, ProtocolDriver?) {
    var handle: ProtocolDriver?
    let status = ndis.registerProtocolDriver(nil, chars, &handle)
    return (status, handle)
}

/// A case of characteristics that registration must refuse.
struct BadCharacteristics: CustomTestStringConvertible, Sendable {
    let name: String
    let expected: NDISStatus
    let apply: @Sendable (inout NdisObjectHeader, inout UInt8, inout UInt8) -> Void
    var testDescription: String { name }

    /// The header and version faults every driver type is checked for.
    static func headerAndVersion(type: NdisObjectType, size: UInt16) -> [BadCharacteristics] {
        [
            BadCharacteristics(name: "wrong header type", expected: .badCharacteristics) { header, _, _ in
                header.type = type == .default ? .oidRequest : .default
            },
            BadCharacteristics(name: "revision 0", expected: .badCharacteristics) { header, _, _ in header.revision = 0 },
            BadCharacteristics(name: "size too small", expected: .badCharacteristics) { header, _, _ in
                header.size = size - 1
            },
            BadCharacteristics(name: "size 0", expected: .badCharacteristics) { header, _, _ in header.size = 0 },
            BadCharacteristics(name: "major version 5", expected: .badVersion) { _, major, _ in major = 5 },
            BadCharacteristics(name: "major version 7", expected: .badVersion) { _, major, _ in major = 7 },
            BadCharacteristics(name: "unknown minor 7", expected: .badVersion) { _, _, minor in minor = 7 },
            BadCharacteristics(name: "unknown minor 87", expected: .badVersion) { _, _, minor in minor = 87 },
        ]
    }
}

@Suite struct MiniportRegistrationTests {
    @Test func validCharacteristicsRegister() {
        let ndis = Ndis()
        let (status, handle) = registerMiniport(Characteristics.miniport(), in: ndis)
        #expect(status == .success)
        #expect(handle != nil)
        #expect(ndis.miniportDrivers.count == 1 && ndis.miniportDrivers.first === handle)
    }

    @Test(arguments: [UInt8(1), 2, 3])
    func everyKnownRevisionRegisters(revision: UInt8) {
        let ndis = Ndis()
        var chars = Characteristics.miniport()
        chars.header.revision = revision
        #expect(registerMiniport(chars, in: ndis).0 == .success)
    }

    @Test(arguments: [UInt8(0), 1, 20, 30, 40, 50, 51, 60, 70, 80, 81, 82, 83, 84, 85, 86])
    func everyNdis6MinorVersionRegisters(minor: UInt8) {
        let ndis = Ndis()
        var chars = Characteristics.miniport()
        chars.minorNdisVersion = minor
        #expect(registerMiniport(chars, in: ndis).0 == .success)
    }

    @Test(arguments: BadCharacteristics.headerAndVersion(type: .miniportDriverCharacteristics,
                                                        size: MiniportDriverCharacteristics.size)
        + [BadCharacteristics(name: "revision 4", expected: .badCharacteristics) { header, _, _ in header.revision = 4 }])
    func badHeaderOrVersionIsRefused(_ bad: BadCharacteristics) {
        let ndis = Ndis()
        var chars = Characteristics.miniport()
        bad.apply(&chars.header, &chars.majorNdisVersion, &chars.minorNdisVersion)
        let (status, handle) = registerMiniport(chars, in: ndis)
        #expect(status == bad.expected)
        #expect(handle == nil)
        #expect(ndis.miniportDrivers.isEmpty)
    }

    @Test func missingInitializeHandlerIsRefused() {
        let ndis = Ndis()
        var chars = Characteristics.miniport()
        chars.initializeHandlerEx = nil
        let (status, handle) = registerMiniport(chars, in: ndis)
        #expect(status == .badCharacteristics)
        #expect(handle == nil)
        #expect(ndis.miniportDrivers.isEmpty)
    }

    @Test func missingUnloadHandlerIsRefused() {
        let ndis = Ndis()
        var chars = Characteristics.miniport()
        chars.unloadHandler = nil
        #expect(registerMiniport(chars, in: ndis).0 == .badCharacteristics)
        #expect(ndis.miniportDrivers.isEmpty)
    }

    @Test func setOptionsRunsOnceAndItsFailureRefusesTheDriver() {
        let ndis = Ndis()
        var calls = 0
        var chars = Characteristics.miniport()
        chars.setOptionsHandler = { _, _ in
            calls += 1
            return .resources
        }
        let (status, handle) = registerMiniport(chars, in: ndis)
        #expect(status == .resources)
        #expect(handle == nil)
        #expect(calls == 1)
        #expect(ndis.miniportDrivers.isEmpty)

        let context = NullMiniport()
        var seenContext: AnyObject?
        chars.setOptionsHandler = { _, driverContext in
            seenContext = driverContext
            return .success
        }
        #expect(registerMiniport(chars, in: ndis, context: context).0 == .success)
        #expect(seenContext === context, "SetOptions gets the MiniportDriverContext")
    }
}

@Suite struct FilterRegistrationTests {
    @Test func validCharacteristicsRegister() {
        let ndis = Ndis()
        let (status, handle) = registerFilter(Characteristics.filter(), in: ndis)
        #expect(status == .success)
        #expect(handle != nil)
        #expect(ndis.filterDrivers.count == 1)
    }

    @Test(arguments: BadCharacteristics.headerAndVersion(type: .filterDriverCharacteristics,
                                                        size: FilterDriverCharacteristics.size))
    func badHeaderOrVersionIsRefused(_ bad: BadCharacteristics) {
        let ndis = Ndis()
        var chars = Characteristics.filter()
        bad.apply(&chars.header, &chars.majorNdisVersion, &chars.minorNdisVersion)
        let (status, handle) = registerFilter(chars, in: ndis)
        #expect(status == bad.expected)
        #expect(handle == nil)
        #expect(ndis.filterDrivers.isEmpty)
    }

    @Test func missingAttachHandlerIsRefused() {
        let ndis = Ndis()
        var chars = Characteristics.filter()
        chars.attachHandler = nil
        let (status, handle) = registerFilter(chars, in: ndis)
        #expect(status == .badCharacteristics)
        #expect(handle == nil)
        #expect(ndis.filterDrivers.isEmpty)
    }
}

@Suite struct ProtocolRegistrationTests {
    @Test func validCharacteristicsRegister() {
        let ndis = Ndis()
        let (status, handle) = registerProtocol(Characteristics.protocolDriver(), in: ndis)
        #expect(status == .success)
        #expect(handle != nil)
        #expect(ndis.protocolDrivers.count == 1)
    }

    @Test(arguments: BadCharacteristics.headerAndVersion(type: .protocolDriverCharacteristics,
                                                        size: ProtocolDriverCharacteristics.size))
    func badHeaderOrVersionIsRefused(_ bad: BadCharacteristics) {
        let ndis = Ndis()
        var chars = Characteristics.protocolDriver()
        bad.apply(&chars.header, &chars.majorNdisVersion, &chars.minorNdisVersion)
        let (status, handle) = registerProtocol(chars, in: ndis)
        #expect(status == bad.expected)
        #expect(handle == nil)
        #expect(ndis.protocolDrivers.isEmpty)
    }

    @Test func missingBindOrUnbindHandlerIsRefused() {
        let ndis = Ndis()
        var noBind = Characteristics.protocolDriver()
        noBind.bindAdapterHandlerEx = nil
        #expect(registerProtocol(noBind, in: ndis).0 == .badCharacteristics)
        var noUnbind = Characteristics.protocolDriver()
        noUnbind.unbindAdapterHandlerEx = nil
        #expect(registerProtocol(noUnbind, in: ndis).0 == .badCharacteristics)
        #expect(ndis.protocolDrivers.isEmpty)
    }
}
