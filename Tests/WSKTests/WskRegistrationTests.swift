import Foundation
import NDIS
import NetCore
import NetSim
import Synchronization
import TCPIP
import Testing
import WSK

/// A capture made on another thread, with what it returned.
private final class ThreadedCapture: Sendable {
    let started = Atomic<Bool>(false)
    let returned = Atomic<Bool>(false)
    private let result = Mutex<(status: NTStatus, npi: WskProviderNpi?)?>(nil)
    let done: DispatchSemaphore

    var status: NTStatus? { result.withLock { $0?.status } }
    var hasReturned: Bool { returned.load(ordering: .acquiring) }
    var npi: WskProviderNpi? { result.withLock { $0?.npi } }

    init(_ registration: WskRegistration, waitTimeout: WskWaitTimeout) {
        done = DispatchSemaphore(value: 0)
        let done = self.done
        Thread { [self] in
            started.store(true, ordering: .releasing)
            var npi: WskProviderNpi?
            let status = registration.captureProviderNpi(waitTimeout: waitTimeout, &npi)
            result.withLock { $0 = (status, npi) }
            returned.store(true, ordering: .releasing)
            done.signal()
        }.start()
        pollUntil { started.load(ordering: .acquiring) }
    }
}

/// A stack with a WSK subsystem of our own, so it can start not ready.
private func standaloneSubsystem(ready: Bool) -> (Simulation, WskSubsystem) {
    let sim = Simulation(seed: 7)
    let host = sim.addHost("solo")
    return (sim, WskSubsystem(stack: host.stack, ready: ready))
}

/// WskRegister, WskCaptureProviderNPI, WskReleaseProviderNPI,
/// WskQueryProviderCharacteristics and WskDeregister (WSK §1.3).
@Suite struct WskRegistrationTests {
    @Test func registerCaptureReleaseDeregister() {
        let (_, wsk) = standaloneSubsystem(ready: true)
        let registration = WskRegistration()
        #expect(!registration.isRegistered)
        #expect(registration.register(WskClientNpi(), with: wsk) == .success)
        #expect(registration.isRegistered)

        var first: WskProviderNpi?
        #expect(registration.captureProviderNpi(waitTimeout: .noWait, &first) == .success)
        #expect(first?.dispatch.version == .v1_0)
        // Capture may be repeated; each success is one more capture of the same client object.
        var second: WskProviderNpi?
        #expect(registration.captureProviderNpi(waitTimeout: .infinite, &second) == .success)
        #expect(first?.client === second?.client)
        #expect(first?.client.subsystem === wsk)
        registration.releaseProviderNpi()
        registration.releaseProviderNpi()

        registration.deregister()
        #expect(!registration.isRegistered)
        var after: WskProviderNpi?
        #expect(registration.captureProviderNpi(waitTimeout: .noWait, &after) == .deviceNotReady)
        #expect(after == nil)
        var characteristics: WskProviderCharacteristics?
        #expect(registration.queryProviderCharacteristics(&characteristics) == .deviceNotReady)
        // Deregistering twice is harmless; the block can be registered again.
        registration.deregister()
        #expect(registration.register(WskClientNpi(), with: wsk) == .success)
        #expect(registration.captureProviderNpi(waitTimeout: .noWait, &after) == .success)
        registration.releaseProviderNpi()
        registration.deregister()
    }

    @Test func anUnregisteredBlockIsNotReady() {
        let registration = WskRegistration()
        var npi: WskProviderNpi?
        #expect(registration.captureProviderNpi(waitTimeout: .infinite, &npi) == .deviceNotReady)
        var characteristics: WskProviderCharacteristics?
        #expect(registration.queryProviderCharacteristics(&characteristics) == .deviceNotReady)
        #expect(characteristics == nil)
        registration.releaseProviderNpi()
        registration.deregister()
        #expect(!registration.isRegistered)
    }

    @Test func waitTimeoutValuesMapToWindowsConstants() {
        #expect(WskWaitTimeout(rawValue: 0) == .noWait)
        #expect(WskWaitTimeout(rawValue: 0xFFFF_FFFF) == .infinite)
        #expect(WskWaitTimeout(rawValue: 50) == .milliseconds(50))
    }

    @Test func noWaitCaptureOnANotReadySubsystemIsDeviceNotReady() {
        let (_, wsk) = standaloneSubsystem(ready: false)
        #expect(!wsk.isReady)
        let registration = WskRegistration()
        // WskRegister does not wait for the subsystem.
        #expect(registration.register(WskClientNpi(), with: wsk) == .success)
        var npi: WskProviderNpi?
        #expect(registration.captureProviderNpi(waitTimeout: .noWait, &npi) == .deviceNotReady)
        #expect(npi == nil)
        wsk.start()
        #expect(wsk.isReady)
        #expect(registration.captureProviderNpi(waitTimeout: .noWait, &npi) == .success)
        registration.releaseProviderNpi()
        registration.deregister()
    }

    @Test func timedCaptureIsDeviceNotReadyAfterTheWait() {
        let (_, wsk) = standaloneSubsystem(ready: false)
        let registration = WskRegistration()
        _ = registration.register(WskClientNpi(), with: wsk)
        var npi: WskProviderNpi?
        let clock = ContinuousClock()
        let started = clock.now
        #expect(registration.captureProviderNpi(waitTimeout: .milliseconds(50), &npi) == .deviceNotReady)
        #expect(clock.now - started >= .milliseconds(45))
        #expect(npi == nil)
        // Nothing was captured, so deregistration does not wait.
        registration.deregister()
    }

    @Test func anInfiniteCaptureOnAnotherThreadSucceedsOnceTheSubsystemStarts() {
        let (_, wsk) = standaloneSubsystem(ready: false)
        let registration = WskRegistration()
        _ = registration.register(WskClientNpi(), with: wsk)
        let capture = ThreadedCapture(registration, waitTimeout: .infinite)
        // Still blocked: the subsystem is not ready.
        #expect(!signalled(capture.done, within: 0.1))
        #expect(!capture.hasReturned)
        wsk.start()
        #expect(signalled(capture.done, within: 30))
        #expect(capture.status == .success)
        #expect(capture.npi?.dispatch.version == .v1_0)
        registration.releaseProviderNpi()
        registration.deregister()
    }

    @Test func aLongTimedCaptureIsWokenByStart() {
        let (_, wsk) = standaloneSubsystem(ready: false)
        let registration = WskRegistration()
        _ = registration.register(WskClientNpi(), with: wsk)
        let capture = ThreadedCapture(registration, waitTimeout: .milliseconds(600_000))
        #expect(!signalled(capture.done, within: 0.05))
        wsk.start()
        #expect(signalled(capture.done, within: 30))
        #expect(capture.status == .success)
        registration.releaseProviderNpi()
        registration.deregister()
    }

    @Test func aWaitingCaptureIsWokenWithDeviceNotReadyByDeregister() {
        let (_, wsk) = standaloneSubsystem(ready: false)
        let registration = WskRegistration()
        _ = registration.register(WskClientNpi(), with: wsk)
        let infinite = ThreadedCapture(registration, waitTimeout: .infinite)
        let timed = ThreadedCapture(registration, waitTimeout: .milliseconds(600_000))
        #expect(!signalled(infinite.done, within: 0.1))
        #expect(!timed.hasReturned)
        registration.deregister()
        #expect(signalled(infinite.done, within: 30))
        #expect(signalled(timed.done, within: 30))
        #expect(infinite.status == .deviceNotReady)
        #expect(timed.status == .deviceNotReady)
        #expect(infinite.npi == nil)
        // Starting the subsystem afterwards does not revive the registration.
        wsk.start()
        var npi: WskProviderNpi?
        #expect(registration.captureProviderNpi(waitTimeout: .noWait, &npi) == .deviceNotReady)
    }

    @Test func anUnsupportedVersionIsNoInterfaceAndCharacteristicsTellWhichToUse() {
        let (_, wsk) = standaloneSubsystem(ready: true)
        let registration = WskRegistration()
        let v2 = WskVersion(major: 2, minor: 0)
        #expect(v2.rawValue == 0x0200)
        #expect(registration.register(WskClientNpi(dispatch: WskClientDispatch(version: v2)), with: wsk) == .success)
        var npi: WskProviderNpi?
        #expect(registration.captureProviderNpi(waitTimeout: .noWait, &npi) == .noInterface)
        #expect(npi == nil)
        // A minor version above the provider's highest is not offered either.
        let v11 = WskRegistration()
        _ = v11.register(WskClientNpi(dispatch: WskClientDispatch(version: WskVersion(major: 1, minor: 1))), with: wsk)
        #expect(v11.captureProviderNpi(waitTimeout: .noWait, &npi) == .noInterface)
        v11.deregister()

        // The documented recovery: read the characteristics, deregister, re-register with a supported version.
        var characteristics: WskProviderCharacteristics?
        #expect(registration.queryProviderCharacteristics(&characteristics) == .success)
        #expect(characteristics?.highestVersion == .v1_0)
        #expect(characteristics?.lowestVersion == .v1_0)
        #expect(characteristics?.highestVersion.major == 1)
        #expect(characteristics?.lowestVersion.minor == 0)
        registration.deregister()
        let chosen = characteristics!.highestVersion
        #expect(registration.register(WskClientNpi(dispatch: WskClientDispatch(version: chosen)), with: wsk) == .success)
        #expect(registration.captureProviderNpi(waitTimeout: .noWait, &npi) == .success)
        registration.releaseProviderNpi()
        registration.deregister()
    }

    @Test func anUnsupportedVersionIsNoInterfaceEvenBeforeTheSubsystemIsReady() {
        let (_, wsk) = standaloneSubsystem(ready: false)
        let registration = WskRegistration()
        _ = registration.register(WskClientNpi(dispatch: WskClientDispatch(version: WskVersion(major: 2, minor: 0))),
                                  with: wsk)
        var npi: WskProviderNpi?
        #expect(registration.captureProviderNpi(waitTimeout: .infinite, &npi) == .noInterface)
        registration.deregister()
    }

    @Test func registeringTheSameBlockTwiceIsInvalidParameter() {
        let (_, wsk) = standaloneSubsystem(ready: true)
        let registration = WskRegistration()
        #expect(registration.register(WskClientNpi(), with: wsk) == .success)
        #expect(registration.register(WskClientNpi(), with: wsk) == .invalidParameter)
        // The first registration is untouched.
        var npi: WskProviderNpi?
        #expect(registration.captureProviderNpi(waitTimeout: .noWait, &npi) == .success)
        registration.releaseProviderNpi()
        // Several blocks may register the same client with one subsystem.
        let other = WskRegistration()
        #expect(other.register(WskClientNpi(), with: wsk) == .success)
        var otherNpi: WskProviderNpi?
        #expect(other.captureProviderNpi(waitTimeout: .noWait, &otherNpi) == .success)
        #expect(otherNpi?.client !== npi?.client)
        other.releaseProviderNpi()
        other.deregister()
        #expect(registration.isRegistered)
        registration.deregister()
    }

    @Test func deregisterBlocksUntilEveryCaptureIsReleasedAndEverySocketClosed() {
        let pair = WskPair()
        let registration = WskRegistration()
        #expect(registration.register(WskClientNpi(), with: pair.bob.wsk) == .success)
        var npi: WskProviderNpi?
        #expect(registration.captureProviderNpi(waitTimeout: .noWait, &npi) == .success)
        #expect(registration.captureProviderNpi(waitTimeout: .noWait, &npi) == .success)
        let provider = npi!
        let datagram = pair.boundSocket(provider, .v4(.any, port: 7))
        let pending = PostedReceive(capacity: 16)
        #expect(pending.post(on: datagram) == .pending)
        let basic = pair.socket(provider, type: .raw, protocolNumber: 0, flags: .basicSocket).socket!
        let openBefore = pair.bob.wsk.statistics.socketsOpen

        let returned = AtomicFlag()
        let done = onThread {
            registration.deregister()
            returned.set()
        }
        // Wait (without sleeping) until deregistration has begun: captures fail from then on.
        let deadline = ContinuousClock.now + .seconds(30)
        var began = false
        while ContinuousClock.now < deadline {
            var probe: WskProviderNpi?
            let status = registration.captureProviderNpi(waitTimeout: .noWait, &probe)
            if status == .deviceNotReady { began = true; break }
            #expect(status == .success)
            registration.releaseProviderNpi()
            sched_yield()
        }
        #expect(began)
        // No socket may be made while deregistering.
        #expect(pair.socket(provider, type: .datagram, protocolNumber: 17, flags: .datagramSocket).status
            == .invalidDeviceState)

        registration.releaseProviderNpi()
        #expect(!returned.isSet)
        registration.releaseProviderNpi()
        #expect(!returned.isSet)
        #expect(datagram.closeNow() == .success)
        #expect(pending.status == .cancelled)
        // One socket is still open: deregistration must still be waiting.
        #expect(!signalled(done, within: 0.05))
        #expect(!returned.isSet)
        #expect(registration.isRegistered)
        #expect(wskCall { basic.closeSocket($0) }.status == .success)
        #expect(signalled(done, within: 30))
        #expect(returned.isSet)
        #expect(!registration.isRegistered)
        #expect(pair.bob.wsk.statistics.socketsOpen == openBefore - 2)

        // After deregistration the client object makes no sockets and captures fail.
        #expect(pair.socket(provider, type: .datagram, protocolNumber: 17, flags: .datagramSocket).status
            == .invalidDeviceState)
        var after: WskProviderNpi?
        #expect(registration.captureProviderNpi(waitTimeout: .noWait, &after) == .deviceNotReady)
        pair.finish([])
    }

    @Test func deregisteringOneRegistrationLeavesAnotherAlone() {
        let pair = WskPair()
        let registration = WskRegistration()
        _ = registration.register(WskClientNpi(), with: pair.bob.wsk)
        var npi: WskProviderNpi?
        _ = registration.captureProviderNpi(waitTimeout: .noWait, &npi)
        registration.releaseProviderNpi()
        registration.deregister()
        // bob's pair registration still works.
        let socket = pair.boundSocket(pair.bobNpi, .v4(.any, port: 7))
        #expect(pair.socket(npi!, type: .datagram, protocolNumber: 17, flags: .datagramSocket).status
            == .invalidDeviceState)
        pair.finish([socket])
    }
}

/// The provider-level calls of a captured NPI: WskSocket, WskSocketConnect
/// and WskControlClient (WSK §1.5, §2.1, §6.4).
@Suite struct WskProviderDispatchTests {
    /// What WskProviderDispatch documents for a category/type/protocol
    /// triple: basic sockets take SOCK_STREAM+TCP, SOCK_DGRAM+UDP or
    /// SOCK_RAW; datagram sockets SOCK_DGRAM+UDP (SOCK_RAW not supported);
    /// listen, connection and stream sockets are not supported yet for
    /// SOCK_STREAM+TCP; anything else, or several category flags, is invalid.
    static func expected(_ flags: WskSocketFlags, _ type: WskSocketType, _ proto: UInt32) -> NTStatus {
        switch flags {
        case .basicSocket:
            return (type == .stream && proto == 6) || (type == .datagram && proto == 17) || type == .raw
                ? .success : .invalidParameter
        case .datagramSocket:
            if type == .datagram && proto == 17 { return .success }
            return type == .raw ? .notSupported : .invalidParameter
        case .listenSocket, .connectionSocket, .streamSocket:
            return type == .stream && proto == 6 ? .success : .invalidParameter
        default:
            return .invalidParameter
        }
    }

    @Test func everyCategoryTypeAndProtocolCombination() {
        let pair = WskPair()
        let categories: [WskSocketFlags] = [.basicSocket, .listenSocket, .connectionSocket, .datagramSocket,
                                            .streamSocket, [.listenSocket, .datagramSocket],
                                            [.connectionSocket, .streamSocket], WskSocketFlags(rawValue: 0x10)]
        let types: [WskSocketType] = [.stream, .datagram, .raw]
        let protocols: [UInt32] = [0, 1, 6, 17, 255]
        var created = 0
        for family in [AddressFamily.inet, .inet6] {
            for flags in categories {
                for type in types {
                    for proto in protocols {
                        let want = Self.expected(flags, type, proto)
                        let opened = pair.bob.wsk.statistics.socketsOpen
                        let (status, socket) = pair.socket(pair.bobNpi, family: family, type: type,
                                                           protocolNumber: proto, flags: flags)
                        #expect(status == want, "\(family) flags \(flags.rawValue) type \(type) proto \(proto)")
                        guard status == .success, let socket else {
                            #expect(socket == nil)
                            #expect(pair.bob.wsk.statistics.socketsOpen == opened)
                            continue
                        }
                        created += 1
                        #expect(socket.addressFamily == family)
                        #expect(socket.socketType == type)
                        #expect(socket.protocolNumber == proto)
                        #expect(socket.category == flags)
                        #expect((socket is WskDatagramSocket) == (flags == .datagramSocket))
                        #expect((socket is WskListenSocket) == (flags == .listenSocket))
                        #expect((socket is WskConnectionSocket) == (flags == .connectionSocket))
                        #expect((socket is WskStreamSocket) == (flags == .streamSocket))
                        #expect(!socket.isClosed)
                        #expect(pair.bob.wsk.statistics.socketsOpen == opened + 1)
                        #expect(wskCall { socket.closeSocket($0) }.status == .success)
                        #expect(socket.isClosed)
                        #expect(pair.bob.wsk.statistics.socketsOpen == opened)
                    }
                }
            }
        }
        // Basic: stream+TCP, dgram+UDP, raw × 5 protocols; datagram: dgram+UDP; listen, connection,
        // stream: stream+TCP — per family.
        #expect(created == 2 * (1 + 1 + 5 + 1 + 3))
        pair.finish([])
    }

    @Test func aSocketStartsWithItsContext() {
        let pair = WskPair()
        final class Context {}
        let context = Context()
        let irp = IRP()
        let status = pair.bobNpi.dispatch.wskSocket(pair.bobNpi.client, addressFamily: .inet, socketType: .datagram,
                                                    protocolNumber: 17, flags: .datagramSocket, socketContext: context,
                                                    dispatch: nil, irp: irp)
        #expect(status == .success)
        #expect(irp.ioStatus.status == .success)
        #expect(irp.socket?.socketContext === context)
        #expect(irp.socket?.subsystem === pair.bob.wsk)
        let created = pair.bob.wsk.statistics.socketsCreated
        _ = pair.datagramSocket(pair.bobNpi).closeNow()
        #expect(pair.bob.wsk.statistics.socketsCreated == created + 1)
        pair.finish([irp.socket!])
    }

    @Test func aBasicSocketOnlyCloses() {
        let pair = WskPair()
        let basic = pair.socket(pair.bobNpi, type: .datagram, protocolNumber: 17, flags: .basicSocket).socket!
        #expect(!(basic is WskDatagramSocket))
        var one: UInt32 = 1
        var output = [UInt8](repeating: 0, count: 8)
        for (type, code, level) in [(WskControlSocketType.setOption, WskControlCode.reuseAddress, WskControlCode.solSocket),
                                    (.setOption, WskControlCode.exclusiveAddressUse, WskControlCode.solSocket),
                                    (.getOption, WskControlCode.receiveBuffer, WskControlCode.solSocket),
                                    (.setOption, WskControlCode.eventCallback, WskControlCode.solSocket),
                                    (.ioctl, WskControlCode.queryReceiveBacklog, 0),
                                    (.ioctl, WskControlCode.setRemoteAddress, 0)] {
            let status = withUnsafeBytes(of: &one) { input in
                output.withUnsafeMutableBytes { out in
                    wskCall {
                        basic.controlSocket(type, controlCode: code, level: level, input: input, output: out,
                                            outputSizeReturned: nil, irp: $0)
                    }.status
                }
            }
            #expect(status == .notSupported, "\(type) \(code)")
            // Without an IRP too.
            let noIrp = withUnsafeBytes(of: &one) {
                basic.controlSocket(type, controlCode: code, level: level, input: $0, output: nil,
                                    outputSizeReturned: nil, irp: nil)
            }
            #expect(noIrp == .notSupported)
        }
        #expect(wskCall { basic.closeSocket($0) }.status == .success)
        #expect(wskCall { basic.closeSocket($0) }.status == .invalidDeviceState)
        #expect(withUnsafeBytes(of: &one) {
            basic.controlSocket(.setOption, controlCode: WskControlCode.reuseAddress, level: WskControlCode.solSocket,
                                input: $0, output: nil, outputSizeReturned: nil, irp: nil)
        } == .invalidDeviceState)
        pair.finish([])
    }

    @Test func wskSocketConnectRefusedLeavesNoSocket() {
        let pair = WskPair()
        let opened = pair.alice.wsk.statistics.socketsOpen
        let result = wskCall {
            pair.aliceNpi.dispatch.wskSocketConnect(pair.aliceNpi.client, socketType: .stream, protocolNumber: 6,
                                                    localAddress: .v4(.any, port: 0),
                                                    remoteAddress: .v4(WskPair.bobV4, port: 80), flags: 0,
                                                    socketContext: nil, irp: $0)
        }
        #expect(result.status == .pending)
        pair.sim.run(for: .milliseconds(100))
        #expect(result.irp.ioStatus.status == .connectionRefused)
        #expect(result.irp.socket == nil)
        #expect(pair.alice.wsk.statistics.socketsOpen == opened)
        pair.finish([])
    }

    @Test func theTransportListQuery() {
        let pair = WskPair()
        let npi = pair.aliceNpi
        let query = WskControlCode.transportListQuery
        // No output: BUFFER_OVERFLOW with the size needed.
        var needed = -1
        #expect(npi.dispatch.wskControlClient(npi.client, controlCode: query, input: nil, output: nil,
                                              outputSizeReturned: &needed, irp: nil) == .bufferOverflow)
        #expect(needed == 4 * WskTransport.size)
        // Too short: the same, and nothing written.
        var short = [UInt8](repeating: 0xEE, count: needed - 1)
        var again = -1
        #expect(short.withUnsafeMutableBytes {
            npi.dispatch.wskControlClient(npi.client, controlCode: query, input: nil, output: $0,
                                          outputSizeReturned: &again, irp: nil)
        } == .bufferOverflow)
        #expect(again == needed)
        #expect(short.allSatisfy { $0 == 0xEE })
        // Big enough: the records, which parse back.
        var output = [UInt8](repeating: 0, count: needed + 10)
        var written = -1
        #expect(output.withUnsafeMutableBytes {
            npi.dispatch.wskControlClient(npi.client, controlCode: query, input: nil, output: $0,
                                          outputSizeReturned: &written, irp: nil)
        } == .success)
        #expect(written == needed)
        let records = output.withUnsafeBytes { raw in
            (0..<written / WskTransport.size).compactMap {
                WskTransport(UnsafeRawBufferPointer(rebasing: raw[($0 * WskTransport.size)...]))
            }
        }
        #expect(records.count == 4)
        #expect(records == WskTransport.available)
        #expect(Set(records.map(\.addressFamily)) == [.inet, .inet6])
        for record in records {
            #expect(record.version == .v1_0)
            #expect(record.socketType == .datagram ? record.protocolNumber == 17 : record.protocolNumber == 6)
            #expect(record.bytes.count == WskTransport.size)
        }
        #expect(records.filter { $0.socketType == .stream }.count == 2)
        // A short record does not parse.
        #expect(output.withUnsafeBytes { WskTransport(UnsafeRawBufferPointer(rebasing: $0[0..<27])) } == nil)
        // The query takes no IRP.
        let withIrp = wskCall { irp in
            output.withUnsafeMutableBytes { out in
                npi.dispatch.wskControlClient(npi.client, controlCode: query, input: nil, output: out,
                                              outputSizeReturned: nil, irp: irp)
            }
        }
        #expect(withIrp.status == .invalidParameter)
        // An unknown control code.
        #expect(wskCall {
            npi.dispatch.wskControlClient(npi.client, controlCode: 0x99, input: nil, output: nil,
                                          outputSizeReturned: nil, irp: $0)
        }.status == .notSupported)
        pair.finish([])
    }
}
