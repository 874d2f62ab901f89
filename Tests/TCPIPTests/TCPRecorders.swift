import Testing
@testable import TCPIP
import NetCore

// Owners for the TCP tests: they record every call the stack makes, in
// order, so a test can check exactly what the socket above would have seen.

/// A TCPConnectionOwner that records every callback.
final class ConnectionRecorder: TCPConnectionOwner {
    enum Event: Equatable, CustomStringConvertible {
        case connected
        case received(Int)
        case dataAvailable
        case sendCompleted(tag: UInt64, status: NTStatus)
        case peerClosed
        case disconnectCompleted
        case closed(NTStatus)

        var description: String {
            switch self {
            case .connected: "connected"
            case .received(let count): "received(\(count))"
            case .dataAvailable: "dataAvailable"
            case .sendCompleted(let tag, let status): "sendCompleted(\(tag), \(status))"
            case .peerClosed: "peerClosed"
            case .disconnectCompleted: "disconnectCompleted"
            case .closed(let status): "closed(\(status))"
            }
        }
    }

    /// Every callback but the send-backlog reports, in order.
    var events: [Event] = []
    /// The bytes taken in `tcpReceive`, in order.
    var received: [UInt8] = []
    /// How many bytes `tcpReceive` takes of each indication (the rest is buffered).
    var receiveLimit = Int.max
    var backlogReports: [Int] = []

    func tcpConnected(_ connection: TCPConnection) { events.append(.connected) }

    func tcpReceive(_ connection: TCPConnection, _ bytes: UnsafeRawBufferPointer) -> Int {
        let taken = min(bytes.count, receiveLimit)
        received += bytes.prefix(taken)
        events.append(.received(taken))
        return taken
    }

    func tcpDataAvailable(_ connection: TCPConnection) { events.append(.dataAvailable) }

    func tcpSendCompleted(_ connection: TCPConnection, tag: UInt64, status: NTStatus) {
        events.append(.sendCompleted(tag: tag, status: status))
    }

    func tcpPeerClosed(_ connection: TCPConnection) { events.append(.peerClosed) }

    func tcpDisconnectCompleted(_ connection: TCPConnection) { events.append(.disconnectCompleted) }

    func tcpClosed(_ connection: TCPConnection, status: NTStatus) { events.append(.closed(status)) }

    func tcpSendBacklogChanged(_ connection: TCPConnection, idealBacklog: Int) { backlogReports.append(idealBacklog) }

    /// The statuses `tcpClosed` reported (exactly one is allowed).
    var closes: [NTStatus] {
        events.compactMap { if case .closed(let status) = $0 { status } else { nil } }
    }

    /// The completed sends, as (tag, status).
    var completions: [Event] {
        events.filter { if case .sendCompleted = $0 { true } else { false } }
    }
}

/// A TCPListenerOwner that records every callback and answers inspections with `decision`.
final class ListenerRecorder: TCPListenerOwner {
    var decision: TCPInspectDecision = .accept
    var inspected: [TCPConnectRequest] = []
    var aborted: [TCPConnectRequest] = []
    var ready = 0

    func tcpInspect(_ listener: TCPListener, request: TCPConnectRequest) -> TCPInspectDecision {
        inspected.append(request)
        return decision
    }

    func tcpInspectAborted(_ listener: TCPListener, request: TCPConnectRequest) { aborted.append(request) }

    func tcpConnectionReady(_ listener: TCPListener) { ready += 1 }
}
