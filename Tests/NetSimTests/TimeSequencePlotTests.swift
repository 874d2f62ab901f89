#if canImport(FoundationXML)
import FoundationXML
#endif
import Foundation
@testable import NetSim
import TCPIP
import Testing

@Suite struct TimeSequencePlotTests {
    static let mss = 1_000

    static func sample(_ milliseconds: Int, _ event: TCPTraceSample.Event, segment: Range<Int> = 0..<0,
                       una: Int, nxt: Int, cwnd: Int, ssthresh: Int = Int.max) -> TCPTraceSample {
        TCPTraceSample(time: .milliseconds(milliseconds), event: event,
                       segmentStart: UInt64(segment.lowerBound), segmentEnd: UInt64(segment.upperBound),
                       sndUna: UInt64(una), sndNxt: UInt64(nxt), congestionWindow: cwnd, slowStartThreshold: ssthresh,
                       smoothedRTT: .milliseconds(100), rto: .milliseconds(300), flightSize: nxt - una,
                       receiveWindow: 64_000)
    }

    /// Slow start over four 100 ms round trips, then the segment at 15 000
    /// lost: SACKed duplicates, fast recovery and its retransmission, the
    /// retransmission lost too, a timeout and a second retransmission, then
    /// recovery's end.
    static func syntheticTrace() -> [TCPTraceSample] {
        var trace: [TCPTraceSample] = []
        var una = 0, nxt = 0, cwnd = 2 * mss
        var clock = 0
        for _ in 0..<3 {
            let burst = cwnd / mss
            for i in 0..<burst {
                trace.append(sample(clock + i, .send, segment: nxt..<nxt + mss, una: una, nxt: nxt + mss, cwnd: cwnd))
                nxt += mss
            }
            for i in 0..<burst {
                una += mss
                cwnd += mss
                trace.append(sample(clock + 100 + i, .ack, una: una, nxt: nxt, cwnd: cwnd))
            }
            clock += 100 + burst
        }
        // una = 14 000, cwnd = 16 000: this flight's second segment (14 000..<15 000 is the first) is lost.
        let lost = una + mss
        for i in 0..<(cwnd / mss) {
            trace.append(sample(clock + i, .send, segment: nxt..<nxt + mss, una: una, nxt: nxt + mss, cwnd: cwnd))
            nxt += mss
        }
        clock += 100
        una += mss
        trace.append(sample(clock, .ack, una: una, nxt: nxt, cwnd: cwnd))
        for i in 1...3 { trace.append(sample(clock + i, .sack, una: una, nxt: nxt, cwnd: cwnd)) }
        cwnd /= 2
        trace.append(sample(clock + 3, .fastRecovery, una: una, nxt: nxt, cwnd: cwnd, ssthresh: cwnd))
        trace.append(sample(clock + 3, .retransmit, segment: lost..<lost + mss, una: una, nxt: nxt, cwnd: cwnd, ssthresh: cwnd))
        clock += 403
        trace.append(sample(clock, .rto, una: una, nxt: nxt, cwnd: mss, ssthresh: cwnd))
        trace.append(sample(clock, .retransmit, segment: lost..<lost + mss, una: una, nxt: nxt, cwnd: mss, ssthresh: cwnd))
        clock += 100
        una = nxt
        trace.append(sample(clock, .ack, una: una, nxt: nxt, cwnd: 2 * mss, ssthresh: cwnd))
        trace.append(sample(clock, .recoveryEnd, una: una, nxt: nxt, cwnd: 2 * mss, ssthresh: cwnd))
        return trace
    }

    /// What an XML parse of the SVG found.
    final class SVGInspector: NSObject, XMLParserDelegate {
        var elements = 0
        var texts: [String] = []
        var retransmissionGroupStroke: String?
        /// The `d` of each child of the group with `id`.
        var childPaths: [String: [String]] = [:]
        var pathsByID: [String: String] = [:]
        private var stack: [String] = []
        private var text = ""

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
            elements += 1
            if let parent = stack.last, !parent.isEmpty {
                childPaths[parent, default: []].append(attributeDict["d"] ?? "")
            }
            let id = attributeDict["id"] ?? ""
            if id == "retransmissions" { retransmissionGroupStroke = attributeDict["stroke"] }
            if elementName == "path", !id.isEmpty { pathsByID[id] = attributeDict["d"] }
            stack.append(id)
            text = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
            if elementName == "text" || elementName == "title" { texts.append(text) }
            stack.removeLast()
        }
    }

    static func inspect(_ svg: String) throws -> SVGInspector {
        let parser = XMLParser(data: Data(svg.utf8))
        let inspector = SVGInspector()
        parser.delegate = inspector
        let parsed = parser.parse()
        #expect(parsed, "SVG is not well-formed XML: \(String(describing: parser.parserError))")
        return inspector
    }

    /// The numbers in an SVG path's `d`, in order.
    static func numbers(_ d: String) -> [Double] {
        d.split(whereSeparator: { "MLHVZmlhvz ".contains($0) }).compactMap { Double($0) }
    }

    @Test func aTraceWithALossDrawsOneRedMarkPerRetransmission() throws {
        let trace = Self.syntheticTrace()
        let svg = TimeSequencePlot(title: "bulk transfer, 1 loss", samples: trace).svg()
        let found = try Self.inspect(svg)
        #expect(found.retransmissionGroupStroke == "red")
        let marks = found.childPaths["retransmissions"] ?? []
        #expect(marks.count == 2)
        #expect(found.childPaths["timeouts"]?.count == 1)
        // Both marks draw 15 000..<16 000: same span, the timeout's one to the right.
        let first = Self.numbers(marks[0]), second = Self.numbers(marks[1])
        #expect(first.count == 3 && second.count == 3)
        #expect(second[0] > first[0])
        #expect(first[1] == second[1] && first[2] == second[2])
        // Below (larger y than) the top of the highest segment sent, 30 000.
        let sentTops = Self.numbers(found.pathsByID["sent"] ?? "").enumerated().filter { $0.offset % 3 == 2 }.map(\.element)
        #expect(sentTops.count == trace.filter { $0.event == .send }.count)
        #expect(first[2] > (sentTops.min() ?? .infinity))
        #expect(found.pathsByID["acked"] != nil && found.pathsByID["window"] != nil && found.pathsByID["cwnd"] != nil)
        for label in ["time (s)", "sequence offset (bytes)", "cwnd (bytes)", "bulk transfer, 1 loss",
                      "retransmission", "acked (snd.una)", "window limit (snd.una + rwnd)", "cwnd (right axis)"] {
            #expect(found.texts.contains(label), "missing text \(label)")
        }
        // Time to 0.917 s: ticks every 0.2 s up to 1. Sequence to 30 000 (the window
        // line, up to 94 000, is far above and clipped): ticks every 5 000 up to 30 000.
        for label in ["0", "0.2", "0.8", "1", "5K", "30K"] {
            #expect(found.texts.contains(label), "missing tick label \(label)")
        }
        #expect(!found.texts.contains("35K") && !found.texts.contains("1.2"))
    }

    /// A window just above the data stretches the sequence axis to show it.
    @Test func aNearbyWindowLimitIsOnTheAxis() throws {
        let trace = Self.syntheticTrace().map { sample in
            var sample = sample
            sample.receiveWindow = 10_000
            return sample
        }
        let found = try Self.inspect(TimeSequencePlot(title: "small window", samples: trace).svg())
        // 30 000 + 10 000: ticks every 5 000 up to 40 000.
        #expect(found.texts.contains("40K"))
        #expect(!found.texts.contains("45K"))
    }

    @Test func theTitleIsEscaped() throws {
        let title = "a <b> & \"c\" 'd' \u{1}"
        let svg = TimeSequencePlot(title: title, samples: Self.syntheticTrace()).svg()
        let found = try Self.inspect(svg)
        #expect(found.texts.filter { $0 == "a <b> & \"c\" 'd' \u{FFFD}" }.count == 2)
    }

    @Test func anEmptyTraceIsStillAValidDocument() throws {
        let found = try Self.inspect(TimeSequencePlot(title: "empty", samples: [], width: 10, height: 10).svg())
        #expect(found.texts.contains("no samples"))
        #expect(found.childPaths["retransmissions"] == nil)
    }

    @Test func aLongTraceIsThinnedButKeepsEveryRetransmissionAndTimeout() throws {
        var trace: [TCPTraceSample] = []
        var nxt = 0
        var retransmissions = 0, timeouts = 0
        for i in 0..<100_000 {
            let una = Swift.max(0, nxt - 64 * Self.mss)
            if i % 331 == 0 {
                trace.append(Self.sample(i, .retransmit, segment: una..<una + Self.mss, una: una, nxt: nxt, cwnd: 64_000))
                retransmissions += 1
            } else if i % 2_003 == 0 {
                trace.append(Self.sample(i, .rto, una: una, nxt: nxt, cwnd: Self.mss))
                timeouts += 1
            } else if i % 2 == 0 {
                trace.append(Self.sample(i, .send, segment: nxt..<nxt + Self.mss, una: una, nxt: nxt + Self.mss, cwnd: 64_000))
                nxt += Self.mss
            } else {
                trace.append(Self.sample(i, .ack, una: una + Self.mss, nxt: nxt, cwnd: 64_000))
            }
        }
        let plot = TimeSequencePlot(title: "long", samples: trace)
        let kept = plot.plottedSamples()
        #expect(kept.count <= TimeSequencePlot.sampleBudget + 1)
        #expect(kept.count >= TimeSequencePlot.sampleBudget - 10)
        #expect(kept.last == trace.last)
        #expect(kept.filter { $0.event == .retransmit }.count == retransmissions)
        let svg = plot.svg()
        #expect(svg.utf8.count < 3_000_000, "\(svg.utf8.count) bytes")
        let found = try Self.inspect(svg)
        #expect(found.childPaths["retransmissions"]?.count == retransmissions)
        #expect(found.childPaths["timeouts"]?.count == timeouts)
        #expect(retransmissions == 303 && timeouts > 40)
        // A short trace is drawn whole.
        #expect(TimeSequencePlot(title: "short", samples: Array(trace.prefix(500))).plottedSamples() == Array(trace.prefix(500)))
    }

    @Test func csvLinesAreExact() {
        #expect(TCPTraceSample.csvHeader == "time_s,event,seg_start,seg_end,snd_una,snd_nxt,cwnd,ssthresh,srtt_ms,rto_ms,flight,rwnd")
        let first = TCPTraceSample(time: .milliseconds(1_234) + .microseconds(567), event: .send,
                                   segmentStart: 0, segmentEnd: 1_448, sndUna: 0, sndNxt: 1_448,
                                   congestionWindow: 14_480, slowStartThreshold: Int.max, smoothedRTT: nil,
                                   rto: .seconds(1), flightSize: 1_448, receiveWindow: 65_535)
        #expect(first.csvLine == "1.234567,send,0,1448,0,1448,14480,,,1000.000,1448,65535")
        let second = TCPTraceSample(time: .nanoseconds(2_500_000_499), event: .fastRecovery,
                                    segmentStart: 0, segmentEnd: 0, sndUna: 5_000_000_000, sndNxt: 5_000_014_480,
                                    congestionWindow: 7_240, slowStartThreshold: 7_240, smoothedRTT: .microseconds(25_250),
                                    rto: .milliseconds(200) + .nanoseconds(1_500), flightSize: 14_480, receiveWindow: 1_048_576)
        #expect(second.csvLine == "2.500000,fastRecovery,0,0,5000000000,5000014480,7240,7240,25.250,200.002,14480,1048576")
        let third = TCPTraceSample(time: .zero, event: .recoveryEnd, segmentStart: 7, segmentEnd: 9, sndUna: 1, sndNxt: 2,
                                   congestionWindow: 0, slowStartThreshold: 0, smoothedRTT: .nanoseconds(999_999_600),
                                   rto: .microseconds(1), flightSize: 0, receiveWindow: 0)
        #expect(third.csvLine == "0.000000,recoveryEnd,7,9,1,2,0,0,1000.000,0.001,0,0")
    }
}
