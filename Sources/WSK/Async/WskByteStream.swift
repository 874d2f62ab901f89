import NetCore

/// The bytes of a connection as an async sequence of chunks
/// (`WskConnectionSocket.bytes`): one WskReceive per element, ending at the
/// peer's FIN.
public struct WskByteStream: AsyncSequence, Sendable {
    public typealias Element = [UInt8]

    let socket: WskConnectionSocket
    let maxChunk: Int

    public struct AsyncIterator: AsyncIteratorProtocol {
        let socket: WskConnectionSocket
        let maxChunk: Int
        var finished = false

        public mutating func next() async throws -> [UInt8]? {
            guard !finished else { return nil }
            do {
                let chunk = try await socket.receive(max: maxChunk)
                if chunk.isEmpty { finished = true }
                return chunk.isEmpty ? nil : chunk
            } catch .cancelled, .invalidDeviceState {
                finished = true
                return nil
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(socket: socket, maxChunk: Swift.max(1, maxChunk))
    }
}
