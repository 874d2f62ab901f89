import TCPIP

/// A time–sequence graph (as tcptrace and Wireshark's Stevens/tcptrace
/// graphs draw it) as an SVG document: x = time, y = sequence offset; a
/// vertical tick per segment sent (retransmissions in red), the snd.una line
/// (acked, green), the window limit line snd.una + rwnd (yellow), and cwnd on
/// a second y axis (blue line) — with axes, tick labels, a legend and a title.
///
/// Reading it: the ticks climb with the transfer; a red tick below the top of
/// the climb is a hole filled again; a flat green line under continuing ticks
/// is an ACK stall; ticks reaching the yellow line mean the peer's window, not
/// cwnd, limits the sender. Orange triangles on the green line mark
/// retransmission timeouts (RFC 6298 §5).
public struct TimeSequencePlot {
    /// Traces longer than this are thinned before drawing.
    static let sampleBudget = 20_000

    private let title: String
    private let samples: [TCPTraceSample]
    private let width: Int
    private let height: Int

    /// A plot of `samples` (in time order, as a connection records them)
    /// under `title`, `width` × `height` pixels (at least 320 × 240).
    public init(title: String, samples: [TCPTraceSample], width: Int = 1200, height: Int = 700) {
        self.title = title
        self.samples = samples
        self.width = Swift.max(width, 320)
        self.height = Swift.max(height, 240)
    }

    /// The SVG text. Valid XML whatever the title holds; traces of more than
    /// `sampleBudget` samples are thinned (every retransmission, timeout and
    /// recovery event kept) so that the file stays within a few megabytes.
    public func svg() -> String {
        let plotted = plottedSamples()
        let legend = legendLayout(hasReceived: plotted.contains { $0.event == .receive })
        let frame = Frame(width: width, height: height, top: (legend.last?.y ?? 50) + 20, samples: plotted)
        var out = ""
        out.reserveCapacity(4_096 + plotted.count * 64)
        out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" "
        out += "viewBox=\"0 0 \(width) \(height)\" font-family=\"sans-serif\" font-size=\"12\">\n"
        let escapedTitle = Self.xmlEscaped(title)
        out += "<title>\(escapedTitle)</title>\n"
        out += "<rect width=\"\(width)\" height=\"\(height)\" fill=\"white\"/>\n"
        out += "<text id=\"plot-title\" x=\"\(width / 2)\" y=\"26\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">\(escapedTitle)</text>\n"
        out += "<defs><clipPath id=\"plot-area\"><rect x=\"\(frame.left)\" y=\"\(frame.top)\" "
        out += "width=\"\(frame.right - frame.left)\" height=\"\(frame.bottom - frame.top)\"/></clipPath></defs>\n"
        drawAxes(frame, into: &out)
        out += "<g clip-path=\"url(#plot-area)\" fill=\"none\" stroke-width=\"1.2\">\n"
        drawSeries(plotted, frame, into: &out)
        out += "</g>\n"
        if plotted.isEmpty {
            out += "<text x=\"\(width / 2)\" y=\"\(height / 2)\" text-anchor=\"middle\" fill=\"#888\">no samples</text>\n"
        }
        drawLegend(legend, into: &out)
        out += "</svg>\n"
        return out
    }

    /// The samples drawn: all of them up to `sampleBudget`; beyond it every
    /// retransmission, timeout, tail loss probe and recovery boundary, and an
    /// even spread of the rest (always with the first and the last, so the
    /// lines span the whole trace).
    func plottedSamples() -> [TCPTraceSample] {
        guard samples.count > Self.sampleBudget else { return samples }
        let essential = samples.reduce(0) { $0 + (Self.isEssential($1.event) ? 1 : 0) }
        let others = samples.count - essential
        let budget = Swift.min(others, Swift.max(Self.sampleBudget - essential, Self.sampleBudget / 10))
        var kept: [TCPTraceSample] = []
        kept.reserveCapacity(essential + budget + 1)
        var otherIndex = 0
        for (index, sample) in samples.enumerated() {
            if Self.isEssential(sample.event) {
                kept.append(sample)
                continue
            }
            // Exactly `budget` of the others, evenly spread from the first: keep k where ⌊k · budget / others⌋ steps.
            let steps = otherIndex == 0 || otherIndex * budget / others != (otherIndex - 1) * budget / others
            if steps || index == samples.count - 1 { kept.append(sample) }
            otherIndex += 1
        }
        return kept
    }

    private static func isEssential(_ event: TCPTraceSample.Event) -> Bool {
        switch event {
        case .retransmit, .rto, .tlp, .fastRecovery, .recoveryEnd: return true
        case .send, .ack, .sack, .receive: return false
        }
    }

    /// Room left and right of the plot for the two y axes' labels.
    private static let sideMargin = 90

    private static let sentColor = "#222222"
    private static let retransmitColor = "red"
    private static let receivedColor = "#999999"
    private static let ackedColor = "#1a9e1a"
    private static let windowColor = "#e6c200"
    private static let cwndColor = "#1f5fd6"
    private static let timeoutColor = "#ff8c00"

    /// The plot area and the three axes' scales, from the samples' extent.
    private struct Frame {
        let left: Int, right: Int, top: Int, bottom: Int
        let time: Scale, sequence: Scale, cwnd: Scale

        init(width: Int, height: Int, top: Int, samples: [TCPTraceSample]) {
            left = TimeSequencePlot.sideMargin
            right = width - TimeSequencePlot.sideMargin
            self.top = top
            bottom = Swift.max(height - 55, top + 40)
            var timeMax = 0.0, sequenceMax = 0.0, windowMax = 0.0, cwndMax = 0.0
            for sample in samples {
                timeMax = Swift.max(timeMax, sample.time.secondsDouble)
                if TimeSequencePlot.isSegment(sample.event) {
                    sequenceMax = Swift.max(sequenceMax, Double(sample.segmentEnd))
                }
                sequenceMax = Swift.max(sequenceMax, Double(sample.sndNxt), Double(sample.sndUna))
                windowMax = Swift.max(windowMax, Double(sample.sndUna) + Double(Swift.max(sample.receiveWindow, 0)))
                cwndMax = Swift.max(cwndMax, Double(sample.congestionWindow))
            }
            // A window far above the data would flatten the graph: then the
            // axis stops at the data and the window line is clipped at the top.
            if windowMax <= sequenceMax * 1.5 { sequenceMax = Swift.max(sequenceMax, windowMax) }
            time = Scale(maximum: timeMax)
            sequence = Scale(maximum: sequenceMax)
            cwnd = Scale(maximum: cwndMax)
        }

        func x(_ seconds: Double) -> Double {
            Double(left) + seconds / time.maximum * Double(right - left)
        }

        func y(_ value: Double, on scale: Scale) -> Double {
            Double(bottom) - value / scale.maximum * Double(bottom - top)
        }
    }

    /// An axis from 0 to a round maximum, ticked every `step` (1, 2 or 5 × 10ⁿ).
    private struct Scale {
        let maximum: Double
        let step: Double

        init(maximum value: Double) {
            let value = value.isFinite && value > 0 ? value : 1
            let raw = value / 8
            var magnitude = 1.0
            while magnitude * 10 <= raw { magnitude *= 10 }
            while magnitude > raw { magnitude /= 10 }
            let normalized = raw / magnitude
            step = (normalized <= 1 ? 1 : normalized <= 2 ? 2 : normalized <= 5 ? 5 : 10) * magnitude
            maximum = (value / step).rounded(.up) * step
        }

        var ticks: [Double] {
            let count = Int((maximum / step).rounded())
            return (0...count).map { Double($0) * step }
        }

        /// Digits after the point that labels `step` apart need.
        func decimals(dividedBy divisor: Double) -> Int {
            var step = self.step / divisor
            var digits = 0
            while step < 0.999_999 && digits < 9 {
                step *= 10
                digits += 1
            }
            return digits
        }
    }

    private static func isSegment(_ event: TCPTraceSample.Event) -> Bool {
        event == .send || event == .retransmit || event == .receive
    }

    private func drawAxes(_ frame: Frame, into out: inout String) {
        let left = frame.left, right = frame.right, top = frame.top, bottom = frame.bottom
        out += "<g id=\"grid\" stroke=\"#e8e8e8\" stroke-width=\"1\">\n"
        for tick in frame.time.ticks.dropFirst() {
            let x = Self.fixed(frame.x(tick))
            out += "<path d=\"M\(x) \(top)V\(bottom)\"/>\n"
        }
        for tick in frame.sequence.ticks.dropFirst() {
            let y = Self.fixed(frame.y(tick, on: frame.sequence))
            out += "<path d=\"M\(left) \(y)H\(right)\"/>\n"
        }
        out += "</g>\n"
        out += "<g id=\"axes\" stroke=\"black\" stroke-width=\"1\" fill=\"none\">\n"
        out += "<path d=\"M\(left) \(top)V\(bottom)H\(right)\"/>\n"
        out += "<path d=\"M\(right) \(top)V\(bottom)\" stroke=\"\(Self.cwndColor)\"/>\n"
        out += "</g>\n"

        let timeDecimals = frame.time.decimals(dividedBy: 1)
        out += "<g id=\"x-ticks\" text-anchor=\"middle\">\n"
        for tick in frame.time.ticks {
            let x = Self.fixed(frame.x(tick))
            out += "<path d=\"M\(x) \(bottom)v5\" stroke=\"black\"/>"
            out += "<text x=\"\(x)\" y=\"\(bottom + 18)\">\(Self.fixed(tick, decimals: timeDecimals))</text>\n"
        }
        out += "</g>\n"
        out += "<g id=\"y-ticks\" text-anchor=\"end\">\n"
        for tick in frame.sequence.ticks {
            let y = Self.fixed(frame.y(tick, on: frame.sequence))
            out += "<path d=\"M\(left) \(y)h-5\" stroke=\"black\"/>"
            out += "<text x=\"\(left - 8)\" y=\"\(y)\" dy=\"4\">\(Self.byteLabel(tick, scale: frame.sequence))</text>\n"
        }
        out += "</g>\n"
        out += "<g id=\"cwnd-ticks\" text-anchor=\"start\" fill=\"\(Self.cwndColor)\">\n"
        for tick in frame.cwnd.ticks {
            let y = Self.fixed(frame.y(tick, on: frame.cwnd))
            out += "<path d=\"M\(right) \(y)h5\" stroke=\"\(Self.cwndColor)\"/>"
            out += "<text x=\"\(right + 8)\" y=\"\(y)\" dy=\"4\">\(Self.byteLabel(tick, scale: frame.cwnd))</text>\n"
        }
        out += "</g>\n"
        let middleY = (top + bottom) / 2
        out += "<text id=\"x-label\" x=\"\((left + right) / 2)\" y=\"\(bottom + 42)\" text-anchor=\"middle\">time (s)</text>\n"
        out += "<text id=\"y-label\" x=\"22\" y=\"\(middleY)\" text-anchor=\"middle\" "
        out += "transform=\"rotate(-90 22 \(middleY))\">sequence offset (bytes)</text>\n"
        out += "<text id=\"cwnd-label\" x=\"\(width - 16)\" y=\"\(middleY)\" text-anchor=\"middle\" fill=\"\(Self.cwndColor)\" "
        out += "transform=\"rotate(90 \(width - 16) \(middleY))\">cwnd (bytes)</text>\n"
    }

    private func drawSeries(_ plotted: [TCPTraceSample], _ frame: Frame, into out: inout String) {
        guard let last = plotted.last else { return }
        let endX = Self.fixed(frame.x(last.time.secondsDouble))
        out += "<path id=\"window\" stroke=\"\(Self.windowColor)\" d=\""
        stepLine(plotted, frame, scale: frame.sequence, endX: endX, into: &out) {
            Double($0.sndUna) + Double(Swift.max($0.receiveWindow, 0))
        }
        out += "\"/>\n<path id=\"cwnd\" stroke=\"\(Self.cwndColor)\" d=\""
        stepLine(plotted, frame, scale: frame.cwnd, endX: endX, into: &out) { Double($0.congestionWindow) }
        out += "\"/>\n<path id=\"acked\" stroke=\"\(Self.ackedColor)\" d=\""
        stepLine(plotted, frame, scale: frame.sequence, endX: endX, into: &out) { Double($0.sndUna) }
        out += "\"/>\n"

        out += "<path id=\"sent\" stroke=\"\(Self.sentColor)\" d=\""
        for sample in plotted where sample.event == .send { segmentTick(sample, frame, into: &out) }
        out += "\"/>\n"
        if plotted.contains(where: { $0.event == .receive }) {
            out += "<path id=\"received\" stroke=\"\(Self.receivedColor)\" d=\""
            for sample in plotted where sample.event == .receive { segmentTick(sample, frame, into: &out) }
            out += "\"/>\n"
        }
        out += "<g id=\"retransmissions\" stroke=\"\(Self.retransmitColor)\" stroke-width=\"1.6\">\n"
        for sample in plotted where sample.event == .retransmit {
            out += "<path d=\""
            segmentTick(sample, frame, into: &out)
            out += "\"/>\n"
        }
        out += "</g>\n"
        out += "<g id=\"timeouts\" fill=\"\(Self.timeoutColor)\" stroke=\"none\">\n"
        for sample in plotted where sample.event == .rto {
            let x = frame.x(sample.time.secondsDouble)
            let y = frame.y(Double(sample.sndUna), on: frame.sequence)
            out += "<path d=\"M\(Self.fixed(x - 5)) \(Self.fixed(y + 9))L\(Self.fixed(x)) \(Self.fixed(y + 1))"
            out += "L\(Self.fixed(x + 5)) \(Self.fixed(y + 9))Z\"/>\n"
        }
        out += "</g>\n"
    }

    /// A vertical tick from the segment's first byte to its end, at least 2 px tall so a small segment still shows.
    private func segmentTick(_ sample: TCPTraceSample, _ frame: Frame, into out: inout String) {
        let x = frame.x(sample.time.secondsDouble)
        let low = frame.y(Double(sample.segmentStart), on: frame.sequence)
        let high = Swift.min(frame.y(Double(sample.segmentEnd), on: frame.sequence), low - 2)
        out += "M\(Self.fixed(x)) \(Self.fixed(low))V\(Self.fixed(high))"
    }

    /// A step line through `value` of each sample, holding each value until
    /// the next sample changes it; a point is written only where the line
    /// moves by at least 0.1 px, which keeps long flat stretches small.
    private func stepLine(_ plotted: [TCPTraceSample], _ frame: Frame, scale: Scale, endX: String,
                          into out: inout String, value: (TCPTraceSample) -> Double) {
        var previousY = ""
        for sample in plotted {
            let y = Self.fixed(frame.y(value(sample), on: scale))
            guard y != previousY else { continue }
            let x = Self.fixed(frame.x(sample.time.secondsDouble))
            out += previousY.isEmpty ? "M\(x) \(y)" : "H\(x)V\(y)"
            previousY = y
        }
        out += "H\(endX)"
    }

    /// How a legend entry's sample is drawn.
    private enum Swatch { case tick, line, triangle }

    /// One legend entry, placed: its swatch at `x`, its baseline at `y`.
    private struct LegendEntry {
        let label: String, color: String, swatch: Swatch
        var x = 0, y = 0
    }

    /// The legend's entries laid out in rows under the title, wrapping at the plot's right edge.
    private func legendLayout(hasReceived: Bool) -> [LegendEntry] {
        var entries = [
            LegendEntry(label: "segment sent", color: Self.sentColor, swatch: .tick),
            LegendEntry(label: "retransmission", color: Self.retransmitColor, swatch: .tick),
        ]
        if hasReceived { entries.append(LegendEntry(label: "segment received", color: Self.receivedColor, swatch: .tick)) }
        entries += [
            LegendEntry(label: "acked (snd.una)", color: Self.ackedColor, swatch: .line),
            LegendEntry(label: "window limit (snd.una + rwnd)", color: Self.windowColor, swatch: .line),
            LegendEntry(label: "cwnd (right axis)", color: Self.cwndColor, swatch: .line),
            LegendEntry(label: "retransmission timeout", color: Self.timeoutColor, swatch: .triangle),
        ]
        var x = Self.sideMargin, y = 50
        for index in entries.indices {
            // About 7 px a character at 12 px sans-serif, plus the swatch and a gap.
            let entryWidth = 24 + entries[index].label.count * 7 + 18
            if x > Self.sideMargin && x + entryWidth > width - Self.sideMargin {
                x = Self.sideMargin
                y += 18
            }
            entries[index].x = x
            entries[index].y = y
            x += entryWidth
        }
        return entries
    }

    private func drawLegend(_ entries: [LegendEntry], into out: inout String) {
        out += "<g id=\"legend\">\n"
        for entry in entries {
            let x = entry.x, y = entry.y
            switch entry.swatch {
            case .tick:
                out += "<path d=\"M\(x + 8) \(y + 4)V\(y - 10)\" stroke=\"\(entry.color)\" stroke-width=\"2\"/>"
            case .line:
                out += "<path d=\"M\(x) \(y - 4)H\(x + 18)\" stroke=\"\(entry.color)\" stroke-width=\"2\"/>"
            case .triangle:
                out += "<path d=\"M\(x + 3) \(y + 2)L\(x + 9) \(y - 8)L\(x + 15) \(y + 2)Z\" fill=\"\(entry.color)\"/>"
            }
            out += "<text x=\"\(x + 24)\" y=\"\(y)\">\(entry.label)</text>\n"
        }
        out += "</g>\n"
    }

    /// A byte count as a tick label: 0 plain, others plain below 10 k, else in K or M (SI) with the digits the step needs.
    private static func byteLabel(_ value: Double, scale: Scale) -> String {
        if value == 0 { return "0" }
        if scale.maximum >= 10_000_000 {
            return fixed(value / 1_000_000, decimals: scale.decimals(dividedBy: 1_000_000)) + "M"
        }
        if scale.maximum >= 10_000 {
            return fixed(value / 1_000, decimals: scale.decimals(dividedBy: 1_000)) + "K"
        }
        return fixed(value, decimals: scale.decimals(dividedBy: 1))
    }

    /// `value` with `decimals` digits after the point (a whole number
    /// without one), rounded; written with integer arithmetic because the
    /// standard library has no fixed-point formatting and Foundation is not used here.
    static func fixed(_ value: Double, decimals: Int = 1) -> String {
        var scale: Int64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (value * Double(scale)).rounded()
        guard scaled.isFinite, scaled.magnitude < 1e15 else { return "0" }
        let units = Int64(scaled)
        let whole = units.magnitude / UInt64(scale)
        let sign = units < 0 ? "-" : ""
        let fraction = units.magnitude % UInt64(scale)
        guard fraction != 0 else { return sign + String(whole) }
        var digits = String(fraction)
        if digits.count < decimals { digits = String(repeating: "0", count: decimals - digits.count) + digits }
        while digits.hasSuffix("0") { digits.removeLast() }
        return sign + String(whole) + "." + digits
    }

    /// `text` safe as XML character data or an attribute value: the five
    /// markup characters escaped, and characters XML 1.0 does not allow at
    /// all (most C0 controls, U+FFFE, U+FFFF) replaced by U+FFFD.
    static func xmlEscaped(_ text: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out.unicodeScalars.append("\u{FFFD}")
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
