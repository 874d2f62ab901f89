import NetCore

#if canImport(Glibc)
import Glibc
#endif

/// Why a TAP adapter could not be opened. MiniportInitializeEx can only
/// return an NDIS_STATUS, which says little to a person; this says what
/// went wrong with which device in one line, for a CLI to print, and the
/// failed adapter's `TapConfiguration.error` holds it.
public enum TapError: Error, Equatable, Sendable, CustomStringConvertible {
    /// EPERM / EACCES from /dev/net/tun or TUNSETIFF: not root (no CAP_NET_ADMIN).
    case permissionDenied(device: String)
    /// ENOENT / ENODEV / ENXIO opening /dev/net/tun: no tun driver or device node.
    case tunUnavailable(device: String)
    /// The name is empty or longer than IFNAMSIZ - 1 (15) bytes.
    case invalidName(device: String)
    /// EINVAL from TUNSETIFF: the name belongs to a link that is not a TAP
    /// device, or to a TAP device of the other queue mode (single/multi-queue).
    case notATap(device: String)
    /// EBUSY from TUNSETIFF: a single-queue TAP device another file already holds.
    case busy(device: String)
    /// The configuration asks for something impossible (e.g. zero queues).
    case invalidConfiguration(device: String, reason: String)
    /// Any other failing call, with its errno.
    case system(device: String, call: String, errno: Int32)

    /// The error a failed attach with `errno` stands for.
    public static func attaching(_ device: String, errno code: Int32) -> TapError {
        switch code {
        case EPERM, EACCES: .permissionDenied(device: device)
        case ENOENT, ENODEV, ENXIO: .tunUnavailable(device: device)
        case ENAMETOOLONG: .invalidName(device: device)
        case EINVAL: .notATap(device: device)
        case EBUSY: .busy(device: device)
        default: .system(device: device, call: "TUNSETIFF", errno: code)
        }
    }

    /// The device the error is about.
    public var device: String {
        switch self {
        case .permissionDenied(let d), .tunUnavailable(let d), .invalidName(let d), .notATap(let d), .busy(let d),
             .invalidConfiguration(let d, _), .system(let d, _, _): d
        }
    }

    /// The NDIS_STATUS MiniportInitializeEx fails with.
    public var ndisStatus: NDISStatus {
        switch self {
        case .permissionDenied: NDISStatus(NTStatus.accessDenied)
        case .tunUnavailable: .adapterNotFound
        case .invalidName, .invalidConfiguration: .invalidParameter
        case .notATap, .busy: .resourceConflict
        case .system: .failure
        }
    }

    /// One line naming the device.
    public var description: String {
        switch self {
        case .permissionDenied(let d):
            "TAP \(d): permission denied opening /dev/net/tun (run as root or with CAP_NET_ADMIN)"
        case .tunUnavailable(let d):
            "TAP \(d): /dev/net/tun is missing (load the tun module or create the device node)"
        case .invalidName(let d):
            "TAP \(d): an interface name must be 1 to 15 bytes long"
        case .notATap(let d):
            "TAP \(d): the name is taken by a link that is not a TAP device of this queue mode"
        case .busy(let d):
            "TAP \(d): the TAP device is already attached by another process"
        case .invalidConfiguration(let d, let reason):
            "TAP \(d): \(reason)"
        case .system(let d, let call, let code):
            "TAP \(d): \(call) failed: \(String(cString: strerror(code))) (errno \(code))"
        }
    }
}
