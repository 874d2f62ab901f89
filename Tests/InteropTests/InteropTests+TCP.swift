import Foundation
import Testing
import TestSupport

// serve's TCP services against the kernel's TCP: curl and Python clients in
// the namespace, each test with the kernel's side captured (withServe's
// checkCapture) so that tshark can vouch for the exchange as the kernel saw it.
extension InteropTests {
    static let families = [(name: "IPv4", address: "192.0.2.2"), (name: "IPv6", address: "2001:db8::2")]
    static let hundredMebibytes = 100 << 20

    /// The JSON object a Python client printed last.
    func result(of run: CommandResult, _ what: String) throws -> [String: Any] {
        let json = run.output.split(separator: "\n").last.map(String.init) ?? ""
        return try #require((try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any],
                            "\(what) printed no result: \(run)")
    }

    /// serve's closing line for a TCP service: (connections, bytes in, bytes out).
    func summary(of service: String, in serve: NamespaceProcess) throws -> (connections: Int, bytesIn: Int, bytesOut: Int) {
        let prefix = "  \(service): "
        let line = try #require(serve.lines.first { $0.hasPrefix(prefix) }, "no \(service) line: \(serve.output)")
        // "N connections, N bytes in, N bytes out"
        let numbers = line.dropFirst(prefix.count).split(separator: ",").compactMap {
            $0.split(separator: " ").first.flatMap { Int($0) }
        }
        try #require(numbers.count == 3, "\(line)")
        return (numbers[0], numbers[1], numbers[2])
    }

    @Test func curlGetsTheStatusPageAndOneHundredMebibytesOverEachFamily() throws {
        let directory = try ScratchDirectory(prefix: "nk-interop-curl")
        let serve = try withServe(checkCapture: true) { namespace, _ in
            for family in Self.families {
                let host = family.address.contains(":") ? "[\(family.address)]" : family.address
                let page = try namespace.exec(InteropEnvironment.curl!,
                                              ["-sS", "-g", "--max-time", "30", "-w", "\n%{http_code}", "http://\(host)/"])
                #expect(page.status == 0 && page.output.hasSuffix("\n200"), "\(family.name) GET /: \(page)")
                for text in ["NetKernel serve on nk0", "IPv4:", "ICMPv6:", "UDP:", "TCP echo on port 7: ",
                             "HTTP on port 80: "] {
                    #expect(page.output.contains(text), "\(family.name) GET / lacks \(text): \(page.output)")
                }

                let path = directory.path("bytes-\(family.name)")
                let get = try namespace.exec(InteropEnvironment.curl!,
                                             ["-sS", "-g", "--max-time", "240", "-o", path,
                                              "-w", "%{http_code} %{size_download} %{speed_download}",
                                              "http://\(host)/bytes/\(Self.hundredMebibytes)"])
                #expect(get.status == 0 && get.output.hasPrefix("200 \(Self.hundredMebibytes) "),
                        "\(family.name) GET /bytes: \(get)")
                let digest = try namespace.exec(InteropEnvironment.python3!, ["-c", PatternDigest.script, path])
                let words = digest.output.split(whereSeparator: \.isWhitespace)
                #expect(digest.status == 0 && words.count == 3, "\(digest)")
                #expect(words.first == "\(Self.hundredMebibytes)" && words.count == 3 && words[1] == words[2],
                        "\(family.name): the body's SHA-256 is not the pattern's: \(digest.output)")
                print("curl GET /bytes/\(Self.hundredMebibytes) over \(family.name): \(get.output) (code, bytes, bytes/s)")
                try? FileManager.default.removeItem(atPath: path)
            }
        }
        let http = try summary(of: "HTTP on port 80", in: serve)
        #expect(http.connections == 4 && http.bytesOut > 2 * Self.hundredMebibytes, "\(serve.output)")
    }

    /// 100 MiB over IPv4, then 10 MiB over IPv6: the debug build (the
    /// one `swift test` runs) hashes at only a few MB/s, and the second
    /// family needs the path, not the volume, tested again.
    @Test func pythonPostsOneHundredMebibytesToTheSinkAndGetsTheirLengthAndDigest() throws {
        let lengths = [Self.hundredMebibytes, 10 << 20]
        let serve = try withServe(checkCapture: true) { namespace, _ in
            for (family, (length, seed)) in zip(Self.families, zip(lengths, [4, 6])) {
                let run = try namespace.exec(InteropEnvironment.python3!,
                                             ["-c", HTTPSinkClient.script, family.name, family.address, "80",
                                              "\(length)", "\(seed)"])
                let result = try result(of: run, "\(family.name) sink client")
                #expect(run.status == 0, "\(family.name) sink client: \(run)")
                #expect(result["status"] as? String == "HTTP/1.1 200 OK", "\(family.name): \(result)")
                let expected = try #require(result["expected"] as? String)
                #expect(expected.hasPrefix("\(length) ") && expected.count == "\(length) ".count + 64 + 1)
                #expect(result["body"] as? String == expected, "\(family.name): \(result)")
                print("POST /sink of \(length) bytes over \(family.name): \(result["seconds"] ?? "?") s")
            }
        }
        let http = try summary(of: "HTTP on port 80", in: serve)
        #expect(http.connections == 2 && http.bytesIn > lengths.reduce(0, +), "\(serve.output)")
    }

    @Test func aThousandShortEchoConnectionsAndTenMebibytesDiscardedOverEachFamily() throws {
        var echoBytes = 0
        let serve = try withServe(checkCapture: true) { namespace, _ in
            for (family, seed) in zip(Self.families, [4, 6]) {
                let run = try namespace.exec(InteropEnvironment.python3!,
                                             ["-c", TCPEchoClient.script, family.address, "7", "1000", "\(seed)",
                                              "9", "\(10 << 20)"])
                let result = try result(of: run, "\(family.name) echo client")
                #expect(run.status == 0, "\(family.name) echo client: \(run)")
                #expect(result["failed"] is NSNull, "\(family.name): \(result)")
                #expect(result["echoed"] as? Int == 1000 && result["mismatched"] as? Int == 0, "\(family.name): \(result)")
                #expect(result["discard_reply"] as? Int == 0, "\(family.name): the discard service answered: \(result)")
                echoBytes += result["echo_bytes"] as? Int ?? 0
                print("TCP echo over \(family.name): \(result)")
            }
        }
        let echo = try summary(of: "TCP echo on port 7", in: serve)
        #expect(echo.connections == 2000 && echo.bytesIn == echoBytes && echo.bytesOut == echoBytes, "\(serve.output)")
        let discard = try summary(of: "TCP discard on port 9", in: serve)
        #expect(discard.connections == 2 && discard.bytesIn == 20 << 20 && discard.bytesOut == 0, "\(serve.output)")
    }
}
