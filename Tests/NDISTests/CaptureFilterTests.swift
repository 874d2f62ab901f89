import Foundation
import NetCore
import TestSupport
import Testing

@testable import NDIS

// MARK: - Frames, byte by byte

/// ARP request from 02:00:00:00:00:01 (192.0.2.1): who has 192.0.2.2?
private let arpRequest: [UInt8] = [
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,  // destination: broadcast
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01,  // source: port 0
    0x08, 0x06,  // EtherType ARP
    0x00, 0x01,  // hardware type: Ethernet
    0x08, 0x00,  // protocol type: IPv4
    0x06,  // hardware address length
    0x04,  // protocol address length
    0x00, 0x01,  // operation: request
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01,  // sender hardware address
    0xC0, 0x00, 0x02, 0x01,  // sender protocol address 192.0.2.1
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // target hardware address: unknown
    0xC0, 0x00, 0x02, 0x02,  // target protocol address 192.0.2.2
]

/// ARP reply from 02:00:00:00:00:02 (192.0.2.2) to the asker.
private let arpReply: [UInt8] = [
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01,  // destination: port 0
    0x02, 0x00, 0x00, 0x00, 0x00, 0x02,  // source: port 1
    0x08, 0x06,  // EtherType ARP
    0x00, 0x01,  // hardware type: Ethernet
    0x08, 0x00,  // protocol type: IPv4
    0x06,  // hardware address length
    0x04,  // protocol address length
    0x00, 0x02,  // operation: reply
    0x02, 0x00, 0x00, 0x00, 0x00, 0x02,  // sender hardware address
    0xC0, 0x00, 0x02, 0x02,  // sender protocol address 192.0.2.2
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01,  // target hardware address
    0xC0, 0x00, 0x02, 0x01,  // target protocol address 192.0.2.1
]

/// 2023-11-14T22:13:20Z, so captures carry a plausible date.
private let epoch = Instant(nanoseconds: 1_700_000_000_000_000_000)

// MARK: - A small pcapng reader

/// Walks the blocks of a pcapng stream, checking each block's framing.
private struct CapturedFile {
    struct Failure: Error, CustomStringConvertible { var description: String }
    struct Interface: Equatable {
        var linkType: UInt16
        var name: String
    }
    struct Packet: Equatable {
        var interface: UInt32
        var timestamp: UInt64
        var direction: UInt32?
        var bytes: [UInt8]
    }

    var sectionHeaders = 0
    var interfaces: [Interface] = []
    var packets: [Packet] = []

    init(_ bytes: [UInt8]) throws {
        func u16(_ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> UInt32 { UInt32(u16(at)) | UInt32(u16(at + 2)) << 16 }
        func options(from start: Int, to end: Int) throws -> [UInt16: [UInt8]] {
            var found: [UInt16: [UInt8]] = [:]
            var at = start
            while at + 4 <= end {
                let code = u16(at)
                let length = Int(u16(at + 2))
                if code == 0 { break }
                guard at + 4 + length <= end else { throw Failure(description: "option \(code) overruns its block") }
                found[code] = Array(bytes[(at + 4)..<(at + 4 + length)])
                at += 4 + (length + 3) / 4 * 4
            }
            return found
        }
        var offset = 0
        while offset < bytes.count {
            guard offset + 12 <= bytes.count else { throw Failure(description: "truncated block at \(offset)") }
            let type = u32(offset)
            let length = Int(u32(offset + 4))
            guard length >= 12, length % 4 == 0, offset + length <= bytes.count else {
                throw Failure(description: "bad block length \(length) at \(offset)")
            }
            guard Int(u32(offset + length - 4)) == length else { throw Failure(description: "trailer length differs") }
            let body = offset + 8
            let end = offset + length - 4
            switch type {
            case 0x0A0D_0D0A:
                guard u32(body) == 0x1A2B_3C4D else { throw Failure(description: "byte-order magic") }
                sectionHeaders += 1
            case 1:
                let name = try options(from: body + 8, to: end)[2].map { String(decoding: $0, as: UTF8.self) } ?? ""
                interfaces.append(Interface(linkType: u16(body), name: name))
            case 6:
                let interface = u32(body)
                guard Int(interface) < interfaces.count else { throw Failure(description: "packet before its interface") }
                let timestamp = UInt64(u32(body + 4)) << 32 | UInt64(u32(body + 8))
                let captured = Int(u32(body + 12))
                let data = body + 20
                guard data + captured <= end else { throw Failure(description: "packet data overruns its block") }
                let flags = try options(from: data + (captured + 3) / 4 * 4, to: end)[2]
                packets.append(Packet(interface: interface, timestamp: timestamp,
                                      direction: flags.map { UInt32($0[0]) & 3 },
                                      bytes: Array(bytes[data..<(data + captured)])))
            default:
                throw Failure(description: "unexpected block type \(type)")
            }
            offset += length
        }
    }
}

private let inbound: UInt32 = 1
private let outbound: UInt32 = 2

/// Registers a capture filter on `bench`'s clock, writing to `sink`.
private func makeCapture(_ bench: WireBench, sink: some CaptureSink) throws -> CaptureFilter {
    let capture = CaptureFilter(writer: try PcapngWriter(sink: sink), clock: bench.clock)
    #expect(capture.register(in: bench.ndis) == .success)
    #expect(capture.driver != nil)
    return capture
}

/// Port 0 asks with the ARP request at `epoch` + 1 ms; port 1 answers at + 2 ms.
private func exchangeArp(_ bench: WireBench) {
    bench.clock.advance(to: epoch + .milliseconds(1))
    bench.send(from: 0, [arpRequest])
    bench.deliverAll()
    bench.clock.advance(to: epoch + .milliseconds(2))
    bench.send(from: 1, [arpReply])
    bench.deliverAll()
}

private let t1 = UInt64(epoch.nanoseconds) + 1_000_000
private let t2 = UInt64(epoch.nanoseconds) + 2_000_000

@Suite struct CaptureFilterTests {
    @Test func captureRegisteredBeforeTheAdaptersRecordsBothDirections() throws {
        let sink = MemoryCaptureSink()
        var capture: CaptureFilter?
        let bench = WireBench(ports: 2) { bench in capture = try? makeCapture(bench, sink: sink) }
        let filter = try #require(capture)
        #expect(filter.writer.interfaceCount == 2)
        for adapter in bench.adapters {
            #expect(adapter.filterModules.count == 1)
            #expect(adapter.filterModules.first?.driver === filter.driver)
            #expect(adapter.filterModules.first?.state == .running)
        }

        exchangeArp(bench)
        #expect(bench.binding(1).received == [arpRequest])
        #expect(bench.binding(0).received == [arpReply])

        let file = try CapturedFile(sink.bytes)
        #expect(file.sectionHeaders == 1)
        #expect(file.interfaces == [.init(linkType: 1, name: "vw0"), .init(linkType: 1, name: "vw1")])
        #expect(file.packets == [
            .init(interface: 0, timestamp: t1, direction: outbound, bytes: arpRequest),
            .init(interface: 1, timestamp: t1, direction: inbound, bytes: arpRequest),
            .init(interface: 1, timestamp: t2, direction: outbound, bytes: arpReply),
            .init(interface: 0, timestamp: t2, direction: inbound, bytes: arpReply),
        ])
        #expect(filter.writer.packetCount == 4)
        #expect(filter.lastError == nil)
        bench.expectPoolsDrained()
    }

    @Test func captureRegisteredWhileRunningAttachesToEveryAdapterAndLaterOnes() throws {
        let bench = WireBench(ports: 2) { bench in
            RecordingFilter("above", class: .scheduler, log: bench.log).register(in: bench.ndis)
        }
        // Traffic before the capture exists is not in it.
        bench.send(from: 0, [Frames.tagged(1, to: .broadcast, from: WireBench.mac(0))])
        bench.deliverAll()
        bench.log.clear()

        let sink = MemoryCaptureSink()
        let capture = try makeCapture(bench, sink: sink)
        #expect(capture.writer.interfaceCount == 2)
        for adapter in bench.adapters {
            #expect(adapter.state == .running)
            #expect(adapter.filterModules.count == 2)
            #expect(adapter.filterModules.first?.driver === capture.driver, "the capture sits at the bottom")
            #expect(adapter.filterModules.allSatisfy { $0.state == .running })
        }
        // Each stack was paused and restarted around the insertion.
        #expect(bench.log.ending("proto.pause").count == 2)
        #expect(bench.log.ending("proto.restart").count == 2)

        exchangeArp(bench)
        #expect(try CapturedFile(sink.bytes).packets.map(\.bytes) == [arpRequest, arpRequest, arpReply, arpReply])

        // An adapter started later gets its own interface block.
        let port = bench.wire.makePort(mac: testMAC(0x33))
        let late = try #require(bench.ndis.startAdapter(driver: bench.miniportDriver, name: "vw-late",
                                                         allocatedResources: port).adapter)
        #expect(late.filterModules.first?.driver === capture.driver)
        #expect(bench.protocolDriver.binding(on: late).setPacketFilter([.directed, .broadcast]) == .success)
        bench.send(from: 0, [arpRequest])
        bench.deliverAll()
        let file = try CapturedFile(sink.bytes)
        #expect(file.interfaces.map(\.name) == ["vw0", "vw1", "vw-late"])
        #expect(file.packets.suffix(3).map(\.interface) == [0, 1, 2])
        #expect(file.packets.suffix(3).map(\.direction) == [outbound, inbound, inbound])
        #expect(bench.protocolDriver.binding(on: late).received == [arpRequest])
        #expect(late.context.map { ($0 as! VirtualWireMiniport).receivePool.outstanding } == 0)
        bench.expectPoolsDrained()
    }

    @Test func captureSeesWhatTheWireSeesNotWhatAFilterAboveDropped() throws {
        let sink = MemoryCaptureSink()
        var dropper: RecordingFilter?
        let bench = WireBench(ports: 2) { bench in
            _ = try? makeCapture(bench, sink: sink)
            dropper = RecordingFilter("dropper", class: .scheduler, log: bench.log)
            dropper?.register(in: bench.ndis)
        }
        let drop = try #require(dropper)
        drop.dropSendsWith = .failure
        bench.send(from: 0, [arpRequest])
        bench.deliverAll()
        #expect(bench.binding(0).completions.map(\.status) == [.failure])
        #expect(try CapturedFile(sink.bytes).packets.isEmpty)
        bench.expectPoolsDrained()
    }

    @Test func deregisteringTheCaptureStopsRecording() throws {
        let sink = MemoryCaptureSink()
        var capture: CaptureFilter?
        let bench = WireBench(ports: 2) { bench in capture = try? makeCapture(bench, sink: sink) }
        exchangeArp(bench)
        bench.ndis.deregisterFilterDriver(try #require(capture?.driver))
        #expect(bench.adapters.allSatisfy { $0.filterModules.isEmpty && $0.state == .running })
        exchangeArp(bench)
        #expect(bench.binding(0).received == [arpReply, arpReply])
        #expect(try CapturedFile(sink.bytes).packets.count == 4)
        bench.expectPoolsDrained()
    }

    @Test func closedWriterStopsTheCaptureButNotTheTraffic() throws {
        let sink = MemoryCaptureSink()
        var capture: CaptureFilter?
        let bench = WireBench(ports: 2) { bench in capture = try? makeCapture(bench, sink: sink) }
        let filter = try #require(capture)
        try filter.writer.close()
        exchangeArp(bench)
        #expect(bench.binding(0).received == [arpReply])
        #expect(filter.lastError == .closed)
        bench.expectPoolsDrained()
    }

    @Test(
        .enabled(
            if: Wireshark.tshark != nil || Wireshark.isCI,
            "tshark is not installed (Debian package tshark); skipped. With CI=true this test fails instead."))
    func tsharkReadsTheCaptureOfARealArpExchange() throws {
        guard let tshark = Wireshark.tshark else {
            Issue.record("CI=true but tshark is not installed: install the Debian package tshark")
            return
        }
        let directory = try ScratchDirectory(prefix: "netkernel-capture")
        let path = directory.path("arp.pcapng")
        var capture: CaptureFilter?
        var openError: Error?
        let bench = WireBench(ports: 2) { bench in
            do { capture = try makeCapture(bench, sink: FileCaptureSink(path: path)) } catch { openError = error }
        }
        #expect(openError == nil)
        let filter = try #require(capture)
        exchangeArp(bench)
        try filter.writer.flush()

        let summary = try Wireshark.run(tshark, ["-n", "-r", path], in: directory)
        #expect(summary.status == 0, "tshark -r failed: \(summary.stderr)")
        let lines = summary.stdout.split(separator: "\n")
        #expect(lines.count == 4, "tshark -r printed:\n\(summary.stdout)")
        #expect(lines.allSatisfy { $0.contains("ARP") }, "\(summary.stdout)")
        #expect(lines.prefix(2).allSatisfy { $0.contains("Who has 192.0.2.2") && $0.contains("Tell 192.0.2.1") },
                "\(summary.stdout)")
        #expect(lines.suffix(2).allSatisfy { $0.contains("192.0.2.2 is at 02:00:00:00:00:02") }, "\(summary.stdout)")

        let detail = try Wireshark.run(tshark, ["-n", "-r", path, "-V"], in: directory)
        #expect(detail.status == 0, "tshark -V failed: \(detail.stderr)")
        #expect(!detail.stdout.contains("Malformed"), "tshark -V:\n\(detail.stdout)")
        #expect(detail.stdout.contains("Interface name: vw0"))
        #expect(detail.stdout.contains("Interface name: vw1"))

        let fields = try Wireshark.run(
            tshark, ["-n", "-r", path, "-T", "fields", "-e", "frame.interface_id", "-e", "frame.len",
                     "-e", "frame.time_epoch"],
            in: directory)
        #expect(fields.status == 0, "tshark -T fields failed: \(fields.stderr)")
        let rows = fields.stdout.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        #expect(rows.map { $0.first ?? "" } == ["0", "1", "1", "0"])
        #expect(rows.map { $0.dropFirst().first ?? "" } == ["42", "42", "42", "42"])
        #expect(rows.map { $0.last ?? "" } == ["1700000000.001000000", "1700000000.001000000",
                                              "1700000000.002000000", "1700000000.002000000"])
        try filter.writer.close()
        bench.expectPoolsDrained()
    }
}
