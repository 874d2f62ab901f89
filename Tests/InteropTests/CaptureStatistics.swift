import Foundation
import Testing
import TestSupport

/// What tshark counts in a capture, in one pass (`-z io,stat,0,…` with one
/// display filter per column): frames, TCP segments, RSTs,
/// retransmissions (tshark's own analysis, which flags a segment that
/// repeats sequence space already seen), malformed frames, and frames with
/// an expert-info error — with checksum validation turned on for IPv4, TCP
/// and UDP (tshark always checks ICMP's), so a bad checksum from the stack
/// is an error too.
struct CaptureStatistics: CustomStringConvertible {
    var frames = 0
    var tcpSegments = 0
    var resets = 0
    var retransmissions = 0
    var malformed = 0
    var errors = 0

    /// The display filters, in the columns' order.
    static let filters = ["frame", "tcp", "tcp.flags.reset==1", "tcp.analysis.retransmission", "_ws.malformed",
                          "_ws.expert.severity>=8388608"]
    /// Checksum validation on, where the default leaves it off.
    static let preferences = ["-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
                              "-o", "udp.check_checksum:TRUE"]

    var description: String {
        "\(frames) frames, \(tcpSegments) TCP segments, \(resets) RSTs, \(retransmissions) retransmissions, "
            + "\(malformed) malformed, \(errors) with expert errors"
    }

    static func read(_ path: String, in directory: ScratchDirectory) throws -> CaptureStatistics {
        let tshark = try #require(Wireshark.tshark, "tshark is needed to read \(path)")
        let arguments = ["-n", "-r", path, "-q"] + preferences + ["-z", "io,stat,0," + filters.joined(separator: ",")]
        let run = try Wireshark.run(tshark, arguments, in: directory)
        try #require(run.status == 0, "tshark \(arguments.joined(separator: " ")): \(run.stderr)")
        // The one row: "| 0.000 <> 12.345 | frames | bytes | frames | bytes | …".
        let row = try #require(run.stdout.split(separator: "\n").last { $0.contains("<>") }, "no io,stat row: \(run.stdout)")
        let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let counts = cells.dropFirst().enumerated().filter { $0.offset % 2 == 0 }.compactMap { Int($0.element) }
        try #require(counts.count == filters.count, "io,stat row \(row)")
        return CaptureStatistics(frames: counts[0], tcpSegments: counts[1], resets: counts[2], retransmissions: counts[3],
                                 malformed: counts[4], errors: counts[5])
    }
}
