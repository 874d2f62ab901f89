import Foundation
import NDIS
import NetCore
import NetSim
import Synchronization
import TCPIP
import Testing
import WSK

// Helpers shared by the WSK test files, on top of `WskPair` and
// `ClientBuffer` (WskDatagramSmokeTests.swift).

/// Counts an IRP's completions and remembers what each saw, from any thread.
final class CompletionProbe: Sendable {
    private let calls = Atomic<Int>(0)
    private let seen = Mutex<[(status: IRP.IoStatusBlock, pendingReturned: Bool)]>([])

    /// How many times the completion routine ran.
    var count: Int { calls.load(ordering: .acquiring) }
    /// The IoStatus each run saw.
    var statuses: [IRP.IoStatusBlock] { seen.withLock { $0.map(\.status) } }
    /// PendingReturned as each run saw it.
    var pendingReturned: [Bool] { seen.withLock { $0.map(\.pendingReturned) } }

    /// A routine that records and keeps the IRP, as a client's routine for
    /// its own IRP must (STATUS_MORE_PROCESSING_REQUIRED).
    var routine: IRP.CompletionRoutine {
        { irp in
            self.seen.withLock { $0.append((irp.ioStatus, irp.pendingReturned)) }
            self.calls.wrappingAdd(1, ordering: .acquiringAndReleasing)
            return .moreProcessingRequired
        }
    }
}

extension IRP {
    /// IoAllocateIrp + IoSetCompletionRoutine with a fresh probe.
    static func probed() -> (IRP, CompletionProbe) {
        let irp = IRP()
        let probe = CompletionProbe()
        irp.setCompletionRoutine(probe.routine)
        return (irp, probe)
    }
}

/// The outcome of one IRP-taking WSK call.
struct WskCallResult {
    let status: NTStatus
    let irp: IRP
    let probe: CompletionProbe
}

/// Makes an IRP-taking WSK call with a fresh IRP and checks WSK's return
/// contract (§2.3, §3): a status other than STATUS_PENDING means the IRP has
/// already completed — once, with that status, PendingReturned false —
/// before the call returned; STATUS_PENDING means it has not, and it is
/// marked pending.
@discardableResult
func wskCall(sourceLocation: SourceLocation = #_sourceLocation, _ body: (IRP) -> NTStatus) -> WskCallResult {
    let (irp, probe) = IRP.probed()
    let status = body(irp)
    if status == .pending {
        #expect(irp.pendingReturned, "STATUS_PENDING without IoMarkIrpPending", sourceLocation: sourceLocation)
        #expect(probe.count == 0, "completed before the call returned STATUS_PENDING", sourceLocation: sourceLocation)
    } else {
        #expect(probe.count == 1, "returned \(status) but completed \(probe.count) times",
                sourceLocation: sourceLocation)
        #expect(probe.statuses.first?.status == status, "returned \(status), completed with \(probe.statuses)",
                sourceLocation: sourceLocation)
        #expect(probe.pendingReturned == [false], "inline completion with PendingReturned set",
                sourceLocation: sourceLocation)
    }
    return WskCallResult(status: status, irp: irp, probe: probe)
}

/// A WskReceiveFrom posted with its own client memory — buffer, remote
/// address, control length and flags — kept alive for as long as the test
/// holds this object, as WSK requires until the IRP completes.
final class PostedReceive {
    let buffer: ClientBuffer
    let remote = UnsafeMutablePointer<SocketAddress>.allocate(capacity: 1)
    let flags = UnsafeMutablePointer<WskReceiveFlags>.allocate(capacity: 1)
    let controlLength = UnsafeMutablePointer<UInt32>.allocate(capacity: 1)
    let irp: IRP
    let probe: CompletionProbe
    private(set) var returned: NTStatus = .unsuccessful

    init(capacity: Int = 2_048, irp: IRP? = nil) {
        buffer = ClientBuffer(capacity: capacity)
        remote.initialize(to: .v4(.any, port: 0))
        flags.initialize(to: [])
        controlLength.initialize(to: 99)
        if let irp {
            self.irp = irp
            probe = CompletionProbe()
            irp.setCompletionRoutine(probe.routine)
        } else {
            (self.irp, probe) = IRP.probed()
        }
    }

    /// Posts the receive, checking the return contract; returns what the call returned.
    @discardableResult
    func post(on socket: WskDatagramSocket, buf: WSKBuf? = nil, flags callFlags: UInt32 = 0,
              sourceLocation: SourceLocation = #_sourceLocation) -> NTStatus {
        returned = socket.receiveFrom(buf ?? buffer.buf(), flags: callFlags, remoteAddress: remote,
                                      controlLength: controlLength, controlFlags: flags, irp: irp)
        if returned == .pending {
            #expect(irp.pendingReturned, sourceLocation: sourceLocation)
            #expect(probe.count == 0, sourceLocation: sourceLocation)
        } else {
            #expect(probe.count == 1, sourceLocation: sourceLocation)
            #expect(irp.ioStatus.status == returned, sourceLocation: sourceLocation)
            #expect(!irp.pendingReturned, sourceLocation: sourceLocation)
        }
        return returned
    }

    var isComplete: Bool { probe.count > 0 }
    var status: NTStatus { irp.ioStatus.status }
    var information: Int { irp.ioStatus.information }
    /// The bytes received.
    var bytes: [UInt8] { buffer.prefix(irp.ioStatus.information) }

    deinit {
        remote.deallocate()
        flags.deallocate()
        controlLength.deallocate()
    }
}

/// A payload whose bytes say which datagram it is.
func payload(_ tag: UInt8, count: Int = 16) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: Int(tag) &* 31 &+ $0) }
}

extension WskDatagramSocket {
    /// WskBind with a fresh IRP.
    func bindNow(_ address: SocketAddress, flags: UInt32 = 0,
                 sourceLocation: SourceLocation = #_sourceLocation) -> NTStatus {
        wskCall(sourceLocation: sourceLocation) { bind(address, flags: flags, irp: $0) }.status
    }

    /// WskGetLocalAddress with a fresh IRP.
    func localAddress(sourceLocation: SourceLocation = #_sourceLocation) -> (status: NTStatus, address: SocketAddress?) {
        let out = UnsafeMutablePointer<SocketAddress>.allocate(capacity: 1)
        defer { out.deallocate() }
        out.initialize(to: .v4(.any, port: 0))
        let status = wskCall(sourceLocation: sourceLocation) { getLocalAddress(out, irp: $0) }.status
        return (status, status == .success ? out.pointee : nil)
    }

    /// WskSendTo of `bytes` with a fresh IRP; the information on success.
    @discardableResult
    func sendNow(_ bytes: [UInt8], to remote: SocketAddress?,
                 sourceLocation: SourceLocation = #_sourceLocation) -> (status: NTStatus, information: Int) {
        let buffer = ClientBuffer(bytes)
        let result = wskCall(sourceLocation: sourceLocation) {
            sendTo(buffer.buf(bytes.count), remoteAddress: remote, irp: $0)
        }
        return withExtendedLifetime(buffer) { (result.status, result.irp.ioStatus.information) }
    }

    /// WskCloseSocket with a fresh IRP.
    @discardableResult
    func closeNow(sourceLocation: SourceLocation = #_sourceLocation) -> NTStatus {
        wskCall(sourceLocation: sourceLocation) { closeSocket($0) }.status
    }

    /// WskControlSocket(WskSetOption) with a ULONG value and an IRP.
    func setOption(_ code: UInt32, level: UInt32 = WskControlCode.solSocket, _ value: UInt32,
                   sourceLocation: SourceLocation = #_sourceLocation) -> NTStatus {
        var value = value.littleEndian
        return withUnsafeBytes(of: &value) { input in
            wskCall(sourceLocation: sourceLocation) {
                controlSocket(.setOption, controlCode: code, level: level, input: input, output: nil,
                              outputSizeReturned: nil, irp: $0)
            }.status
        }
    }

    /// WskControlSocket(WskGetOption) of a ULONG option with an IRP.
    func option(_ code: UInt32, level: UInt32 = WskControlCode.solSocket,
                sourceLocation: SourceLocation = #_sourceLocation) -> (status: NTStatus, value: UInt32?) {
        var value: UInt32 = 0xDEAD_BEEF
        var returned = -1
        let result = withUnsafeMutableBytes(of: &value) { output in
            wskCall(sourceLocation: sourceLocation) {
                controlSocket(.getOption, controlCode: code, level: level, input: nil, output: output,
                              outputSizeReturned: &returned, irp: $0)
            }
        }
        guard result.status == .success else { return (result.status, nil) }
        #expect(returned == 4, sourceLocation: sourceLocation)
        #expect(result.irp.ioStatus.information == 4, sourceLocation: sourceLocation)
        return (result.status, UInt32(littleEndian: value))
    }

    /// WskControlSocket(WskIoctl) with an IRP: the status and the output written.
    func ioctl(_ code: UInt32, input: [UInt8]?, outputSize: Int = 0,
               sourceLocation: SourceLocation = #_sourceLocation) -> (status: NTStatus, output: [UInt8]) {
        var output = [UInt8](repeating: 0, count: outputSize)
        var returned = -1
        let result = output.withUnsafeMutableBytes { out in
            let call = { (input: UnsafeRawBufferPointer?) in
                wskCall(sourceLocation: sourceLocation) {
                    self.controlSocket(.ioctl, controlCode: code, level: 0, input: input,
                                       output: outputSize > 0 ? out : nil, outputSizeReturned: &returned, irp: $0)
                }
            }
            if let input { return input.withUnsafeBytes { call($0) } }
            return call(nil)
        }
        let written = result.status == .success ? result.irp.ioStatus.information : 0
        return (result.status, Array(output.prefix(written)))
    }

    /// SIO_WSK_SET_REMOTE_ADDRESS / SIO_WSK_SET_SENDTO_ADDRESS; nil clears.
    func setAddress(_ code: UInt32, _ address: SocketAddress?,
                    sourceLocation: SourceLocation = #_sourceLocation) -> NTStatus {
        ioctl(code, input: address?.sockaddrBytes, sourceLocation: sourceLocation).status
    }

    /// SIO_WSK_QUERY_RECEIVE_BACKLOG: the bytes queued, as the SIZE_T it reports.
    func receiveBacklog(sourceLocation: SourceLocation = #_sourceLocation) -> UInt64? {
        let (status, output) = ioctl(WskControlCode.queryReceiveBacklog, input: nil, outputSize: 8,
                                     sourceLocation: sourceLocation)
        guard status == .success, output.count == 8 else { return nil }
        return output.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
    }

    /// SO_WSK_EVENT_CALLBACK with `mask` (enable: no IRP, as WSK requires).
    func setEvents(_ mask: WskEventMask, npiID: [UInt8] = WskEventCallbackControl.wskInterfaceID,
                   irp: IRP? = nil) -> NTStatus {
        let control = WskEventCallbackControl(eventMask: mask, npiID: npiID).bytes
        return control.withUnsafeBytes {
            controlSocket(.setOption, controlCode: WskControlCode.eventCallback, level: WskControlCode.solSocket,
                          input: $0, output: nil, outputSizeReturned: nil, irp: irp)
        }
    }
}

extension WskPair {
    /// Lets frames in flight land.
    func settle(_ duration: Duration = .milliseconds(20)) { sim.run(for: duration) }

    /// Ends a test: closes any socket still open, lets the simulation idle,
    /// and checks no buffer is held anywhere — the miniports' receive pools,
    /// the stacks' send pools (`buffersOutstanding`) and the stacks' receive
    /// and large pools that kept datagrams are copied into.
    func finish(_ sockets: [WskSocket], sourceLocation: SourceLocation = #_sourceLocation) {
        for socket in sockets where !socket.isClosed {
            #expect(wskCall(sourceLocation: sourceLocation) { socket.closeSocket($0) }.status == .success,
                    sourceLocation: sourceLocation)
        }
        sim.run(for: .seconds(1))
        #expect(sim.buffersOutstanding == 0, sourceLocation: sourceLocation)
        for host in [alice, bob] {
            #expect(host.stack.receivePool.outstanding == 0, "\(host.name) rx pool", sourceLocation: sourceLocation)
            #expect(host.stack.largePool.outstanding == 0, "\(host.name) large pool", sourceLocation: sourceLocation)
        }
    }

    /// A socket of any category from `npi`, or the failure status.
    func socket(_ npi: WskProviderNpi, family: AddressFamily = .inet, type: WskSocketType, protocolNumber: UInt32,
                flags: WskSocketFlags, dispatch: WskClientDatagramDispatch? = nil) -> (status: NTStatus, socket: WskSocket?) {
        let result = wskCall {
            npi.dispatch.wskSocket(npi.client, addressFamily: family, socketType: type, protocolNumber: protocolNumber,
                                   flags: flags, socketContext: nil, dispatch: dispatch, irp: $0)
        }
        return (result.status, result.irp.socket)
    }

    /// A datagram socket from `npi` bound to `address`.
    func boundSocket(_ npi: WskProviderNpi, _ address: SocketAddress,
                     dispatch: WskClientDatagramDispatch? = nil,
                     sourceLocation: SourceLocation = #_sourceLocation) -> WskDatagramSocket {
        let socket = datagramSocket(npi, family: address.family, dispatch: dispatch)
        #expect(socket.bindNow(address, sourceLocation: sourceLocation) == .success, sourceLocation: sourceLocation)
        return socket
    }
}

/// What a WskReceiveFromEvent saw, and what it answers.
final class EventLog {
    struct Call {
        let flags: WskReceiveFlags
        let bytes: [UInt8]?
        let remote: SocketAddress?
        let chained: Bool
    }

    var calls: [Call] = []
    /// Indications the callback answered STATUS_PENDING for.
    var retained: [WskDatagramIndication] = []
    /// Indications it answered anything else for (not the client's to keep).
    var returned: [WskDatagramIndication] = []
    /// The answer for each call, by index; `otherwise` after the list.
    var answers: [NTStatus] = []
    var otherwise: NTStatus = .success

    var dispatch: WskClientDatagramDispatch {
        WskClientDatagramDispatch { [self] _, flags, indication in
            calls.append(Call(flags: flags, bytes: indication.map { Array($0.bytes) },
                              remote: indication?.remoteAddress, chained: indication?.next != nil))
            let answer = calls.count <= answers.count ? answers[calls.count - 1] : otherwise
            if let indication {
                if answer == .pending { retained.append(indication) } else { returned.append(indication) }
            }
            return answer
        }
    }

    var payloads: [[UInt8]] { calls.compactMap(\.bytes) }
}

/// A reusable barrier for a fixed number of threads, built on atomics so the
/// threads leave it within a few instructions of each other.
final class RoundBarrier: Sendable {
    private let parties: Int
    private let arrived = Atomic<Int>(0)
    private let generation = Atomic<Int>(0)

    init(parties: Int) { self.parties = parties }

    func arriveAndWait() {
        let current = generation.load(ordering: .acquiring)
        if arrived.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue == parties {
            arrived.store(0, ordering: .relaxed)
            generation.wrappingAdd(1, ordering: .releasing)
        } else {
            pollUntil { generation.load(ordering: .acquiring) != current }
        }
    }
}

/// Polls `condition` until it holds, yielding the CPU after a burst of polls
/// so waiting still makes progress with more runnable threads than cores.
func pollUntil(_ condition: () -> Bool) {
    var polls = 0
    while !condition() {
        polls += 1
        if polls > 1_000 { sched_yield() }
    }
}

/// Busy-waits `count` atomic increments: a delay the optimiser cannot drop.
func busyWait(_ count: Int) {
    let sink = Atomic<Int>(0)
    for _ in 0..<count { sink.wrappingAdd(1, ordering: .relaxed) }
}

/// Runs `body` on a new Foundation thread and returns a semaphore it
/// signals when done.
func onThread(_ body: @escaping @Sendable () -> Void) -> DispatchSemaphore {
    let done = DispatchSemaphore(value: 0)
    Thread {
        body()
        done.signal()
    }.start()
    return done
}

/// Whether `semaphore` is signalled within `seconds` of real time. The
/// signal is left in place, so a later check sees it too (a negative check
/// that fails must not make the positive one after it wait in vain).
func signalled(_ semaphore: DispatchSemaphore, within seconds: Double) -> Bool {
    guard semaphore.wait(timeout: .now() + seconds) == .success else { return false }
    semaphore.signal()
    return true
}

/// A flag other threads set and read.
final class AtomicFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func set(_ newValue: Bool = true) { value.store(newValue, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}

extension WskPair {
    /// Runs the work other threads submit (async WSK calls, cancel routines)
    /// until `condition` holds: blocks, in real time, until something is
    /// submitted, then runs the simulation briefly so it is drained. False
    /// when nothing came within `timeout`.
    @discardableResult
    /// `timeout` only turns a hang into a failure: under `swift test --parallel`
    /// on two cores the tasks this waits for may not run for tens of seconds
    /// while long simulations hold the cooperative pool.
    func pump(until condition: () -> Bool, timeout: Duration = .seconds(300)) -> Bool {
        while !condition() {
            guard sim.submissions.wait(timeout: timeout) else { return condition() }
            sim.run(for: .milliseconds(1))
        }
        return true
    }
}

/// Carries a value that is not Sendable to a thread that alone uses it meanwhile.
final class UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

extension WskPair {
    /// `pump(until:)` on a Foundation thread of its own, so an async test
    /// does not block a cooperative thread that the tasks it waits for need.
    func pumpOnThread(until condition: @escaping @Sendable () -> Bool) async -> Bool {
        let box = UncheckedBox(self)
        return await withCheckedContinuation { (done: CheckedContinuation<Bool, Never>) in
            Thread { done.resume(returning: box.value.pump(until: condition)) }.start()
        }
    }
}
