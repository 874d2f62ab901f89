import NetCore

/// The connections a listening socket accepts, one by one
/// (`WskListenSocket.connections`).
public struct WskAcceptSequence: AsyncSequence, Sendable {
    public typealias Element = WskConnectionSocket

    let socket: WskListenSocket

    public struct AsyncIterator: AsyncIteratorProtocol {
        let socket: WskListenSocket

        public mutating func next() async throws -> WskConnectionSocket? {
            do {
                return try await socket.accept()
            } catch .cancelled, .invalidDeviceState {
                return nil
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(socket: socket)
    }
}
