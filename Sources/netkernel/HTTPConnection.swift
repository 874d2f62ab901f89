import NetCore
import WSK

/// The small HTTP/1.1 server of `netkernel serve` (RFC 9112), one
/// connection: persistent unless the client says `Connection: close`.
///
/// - `GET /`: a text status page with the stack's counters.
/// - `GET /bytes/N`: N bytes of the fixed pattern (byte i is i mod 256),
///   sent from one shared buffer lent to several WskSends at once, so a
///   100 MiB body costs no copy beyond the one into each frame.
/// - `POST /sink`: reads and discards a Content-Length body, hashing it as
///   it arrives, and answers with its length and SHA-256.
///
/// Anything else gets the matching 4xx/5xx status and the connection is
/// closed after it. Engine-thread only.
final class HTTPConnection: TCPServiceConnection, @unchecked Sendable {
    // @unchecked: engine-thread only, as its base class.
    /// The longest request head accepted (RFC 9110 §15.5.14's 431 beyond it).
    static let maximumHead = 16 << 10
    /// The pattern /bytes/N sends, 1 MiB: a multiple of 256, so every chunk starts the pattern afresh.
    static let pattern: MDL = {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
        for i in 0..<buffer.count { buffer[i] = UInt8(truncatingIfNeeded: i) }
        return MDL(buffer)
    }()

    enum Phase {
        case head
        case sink(remaining: Int, total: Int)
        case responding
    }

    let statusPage: () -> String
    var head: [UInt8] = []
    var phase = Phase.head
    var hasher = SHA256()
    var keepAlive = true
    /// Body bytes of /bytes/N still to lend.
    var patternRemaining = 0

    init(socket: WskConnectionSocket, listener: TCPServiceListener, statusPage: @escaping () -> String) {
        self.statusPage = statusPage
        super.init(socket: socket, listener: listener)
    }

    override func received(_ bytes: UnsafeRawBufferPointer) {
        consume(bytes)
    }

    /// Bytes from the peer, in whatever phase the connection is.
    func consume(_ bytes: UnsafeRawBufferPointer) {
        var rest = bytes
        while !rest.isEmpty && !closed {
            switch phase {
            case .sink(let remaining, let total):
                let take = min(remaining, rest.count)
                hasher.update(rest.slice(0, take))
                rest = rest.slice(take, rest.count - take)
                if take == remaining {
                    finishSink(total: total)
                } else {
                    phase = .sink(remaining: remaining - take, total: total)
                }
            case .head:
                let before = head.count
                head.append(contentsOf: rest)
                guard let end = Self.headEnd(head) else {
                    if head.count > Self.maximumHead { respond(status: "431 Request Header Fields Too Large", close: true) }
                    rest = UnsafeRawBufferPointer(start: nil, count: 0)
                    continue
                }
                // The head ends inside this read: what follows it is body or the next request.
                let used = end - before
                let request = Array(head[..<end])
                head.removeAll(keepingCapacity: true)
                handleRequest(request)
                rest = rest.slice(used, rest.count - used)
            case .responding:
                // Pipelined bytes wait in `head` until the response is out.
                head.append(contentsOf: rest)
                rest = UnsafeRawBufferPointer(start: nil, count: 0)
            }
        }
        if case .responding = phase { return }
        if !closed { postReceive() }
    }

    /// Index just past the blank line ending the head, if it has arrived.
    static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 3..<bytes.count where bytes[i] == 10 && bytes[i - 1] == 13 && bytes[i - 2] == 10 && bytes[i - 3] == 13 {
            return i + 1
        }
        return nil
    }

    /// One complete request head.
    func handleRequest(_ request: [UInt8]) {
        let text = String(decoding: request, as: UTF8.self)
        let lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
        let parts = lines.first?.split(separator: " ") ?? []
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else {
            respond(status: "400 Bad Request", close: true)
            return
        }
        var contentLength: Int?
        var chunked = false
        keepAlive = parts[2] == "HTTP/1.1"
        for line in lines.dropFirst() where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else {
                respond(status: "400 Bad Request", close: true)
                return
            }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: " \t")
            switch name {
            case "content-length":
                guard let length = Int(value), length >= 0 else {
                    respond(status: "400 Bad Request", close: true)
                    return
                }
                contentLength = length
            case "transfer-encoding": chunked = value.lowercased() != "identity"
            case "connection":
                let tokens = value.lowercased()
                if tokens.contains("close") { keepAlive = false }
                if tokens.contains("keep-alive") { keepAlive = true }
            default: break
            }
        }
        let method = parts[0]
        let target = parts[1]
        switch (method, target) {
        case ("GET", "/"), ("HEAD", "/"):
            respond(status: "200 OK", contentType: "text/plain; charset=utf-8", body: Array(statusPage().utf8),
                    headOnly: method == "HEAD")
        case ("GET", _) where target.hasPrefix("/bytes/"):
            guard let count = Int(target.dropFirst("/bytes/".count)), count >= 0, count <= 1 << 40 else {
                respond(status: "400 Bad Request", close: true)
                return
            }
            sendPattern(count)
        case ("POST", "/sink"):
            guard !chunked else {
                respond(status: "501 Not Implemented", close: true)
                return
            }
            guard let contentLength else {
                respond(status: "411 Length Required", close: true)
                return
            }
            hasher = SHA256()
            if contentLength == 0 {
                finishSink(total: 0)
            } else {
                phase = .sink(remaining: contentLength, total: contentLength)
            }
        default:
            if target == "/" || target == "/sink" || target.hasPrefix("/bytes/") {
                respond(status: "405 Method Not Allowed", close: true)
            } else {
                respond(status: "404 Not Found", close: !keepAlive)
            }
        }
    }

    /// The whole /sink body arrived: its length and SHA-256.
    func finishSink(total: Int) {
        respond(status: "200 OK", contentType: "text/plain", body: Array("\(total) \(hasher.hexDigest())\n".utf8))
    }

    /// Sends a complete response from one buffer owned until the send completes.
    func respond(status: String, contentType: String = "text/plain", body: [UInt8] = [], headOnly: Bool = false,
                 close: Bool = false) {
        if close { keepAlive = false }
        var message = Array(("HTTP/1.1 \(status)\r\nServer: NetKernel\r\nContent-Type: \(contentType)\r\n"
                             + "Content-Length: \(body.count)\r\n" + (keepAlive ? "" : "Connection: close\r\n")
                             + "\r\n").utf8)
        if !headOnly { message += body }
        phase = .responding
        let owned = OwnedBytes(message)
        send(owned.mdl, length: message.count) { [unowned self] in
            withExtendedLifetime(owned) {}
            self.responseQueued()
        }
    }

    /// GET /bytes/N: the head, then the pattern lent in 1 MiB pieces, four at a time.
    func sendPattern(_ count: Int) {
        let owned = OwnedBytes(Array(("HTTP/1.1 200 OK\r\nServer: NetKernel\r\nContent-Type: application/octet-stream\r\n"
                                      + "Content-Length: \(count)\r\n" + (keepAlive ? "" : "Connection: close\r\n")
                                      + "\r\n").utf8))
        phase = .responding
        patternRemaining = count
        send(owned.mdl, length: owned.count) { [unowned self] in
            withExtendedLifetime(owned) {}
            self.responseQueued()
        }
        for _ in 0..<4 { lendPattern() }
    }

    /// Lends the next piece of the pattern, if any is left.
    func lendPattern() {
        guard patternRemaining > 0, !closed else { return }
        let length = min(patternRemaining, Self.pattern.byteCount)
        patternRemaining -= length
        send(Self.pattern, length: length) { [unowned self] in
            self.lendPattern()
            self.responseQueued()
        }
    }

    /// Once the response is entirely sent: the next request (or the close).
    func responseQueued() {
        guard patternRemaining == 0, sendsOutstanding == 0 || !keepAlive else { return }
        guard case .responding = phase else { return }
        if !keepAlive {
            close(abortive: false)
            return
        }
        guard sendsOutstanding == 0 else { return }
        phase = .head
        let pending = head
        head = []
        if pending.isEmpty {
            postReceive()
        } else {
            pending.withUnsafeBytes { consume($0) }
        }
    }
}

/// Bytes that must outlive a WskSend: an MDL over memory freed when the last reference goes.
final class OwnedBytes: @unchecked Sendable {
    // @unchecked: handed between a send and its completion on the engine thread only.
    let buffer: UnsafeMutableRawBufferPointer
    let mdl: MDL
    var count: Int { buffer.count }

    init(_ bytes: [UInt8]) {
        buffer = .allocate(byteCount: max(1, bytes.count), alignment: 16)
        buffer.copyBytes(from: bytes)
        mdl = MDL(UnsafeMutableRawBufferPointer(rebasing: buffer[0..<bytes.count]))
    }

    deinit { buffer.deallocate() }
}

extension Substring {
    /// The substring without leading and trailing characters from `set`.
    func trimmingCharacters(in set: String) -> String {
        var text = self
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
}
