import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// What the interop suite needs: root, /dev/net/tun, ip(8), ping(8),
/// python3, curl, timeout(1), tcpdump or dumpcap, tshark, and the built
/// `netkernel` binary. Without them the tests skip
/// locally and fail under CI=true (where .ci/run installs the tools).
enum InteropEnvironment {
    /// A tool on PATH or in the usual places (ip lives in /usr/sbin or /sbin).
    static func find(_ name: String) -> String? {
        Wireshark.find(name) ?? ["/usr/sbin", "/sbin", "/bin"].map { "\($0)/\(name)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static let ip = find("ip")
    static let ping = find("ping")
    static let python3 = find("python3")
    static let curl = find("curl")
    static let timeout = find("timeout")

    /// The `netkernel` executable the tests run. SwiftPM builds it because
    /// InteropTests depends on the `netkernel` target, into the same
    /// directory as the test bundle (.build/<triple>/debug/): found next to
    /// the running test executable (/proc/self/exe), else at
    /// <package>/.build/debug/netkernel worked out from #filePath.
    /// NETKERNEL_BINARY overrides both.
    static let netkernel: String? = {
        if let path = ProcessInfo.processInfo.environment["NETKERNEL_BINARY"] {
            return FileManager.default.isExecutableFile(atPath: path) ? path : nil
        }
        var candidates: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            var directory = URL(fileURLWithPath: exe).deletingLastPathComponent()
            // The runner may sit inside a bundle directory (…/X.xctest/Contents/…): climb to .../debug.
            while directory.path.contains(".xctest") { directory.deleteLastPathComponent() }
            candidates.append(directory.appendingPathComponent("netkernel").path)
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug/netkernel").path)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    static var missing: [String] {
        var missing: [String] = []
        if geteuid() != 0 { missing.append("root") }
        if !FileManager.default.fileExists(atPath: "/dev/net/tun") { missing.append("/dev/net/tun") }
        if ip == nil { missing.append("ip(8)") }
        if ping == nil { missing.append("ping(8)") }
        if python3 == nil { missing.append("python3") }
        if curl == nil { missing.append("curl") }
        if timeout == nil { missing.append("timeout(1)") }
        if !KernelCapture.available { missing.append("tcpdump or dumpcap") }
        if Wireshark.tshark == nil { missing.append("tshark") }
        if netkernel == nil { missing.append("the netkernel binary") }
        return missing
    }

    static let available = missing.isEmpty
    /// Run where possible, and always under CI (where `require` then fails).
    static let enabled = available || Wireshark.isCI

    static func require() throws {
        try #require(available, "the interop tests need \(missing.joined(separator: ", "))")
    }
}
