import NetCore

/// One `--address` of `netkernel serve`: an IPv4 or IPv6 address with the
/// length of its on-link prefix, written as CIDR (`192.0.2.2/24`,
/// `2001:db8::2/64`).
enum ServeAddress: Equatable, CustomStringConvertible {
    case v4(IPv4Address, prefixLength: Int)
    case v6(IPv6Address, prefixLength: Int)

    /// Parses `ADDRESS/LENGTH`; nil unless both halves are valid for one family.
    init?(cidr text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[1].isEmpty, parts[1].allSatisfy(\.isASCII), parts[1].allSatisfy(\.isNumber),
              parts[1].count <= 3, let length = Int(parts[1])
        else { return nil }
        if let v4 = IPv4Address(String(parts[0])), length <= 32 {
            self = .v4(v4, prefixLength: length)
        } else if let v6 = IPv6Address(String(parts[0])), length <= 128 {
            self = .v6(v6, prefixLength: length)
        } else {
            return nil
        }
    }

    /// Why the stack would refuse this as a unicast address of its own, if it would.
    var problem: String? {
        switch self {
        case .v4(let address, _):
            if address.isUnspecified || address.isMulticast || address.isLimitedBroadcast || address.isLoopback {
                return "not a unicast address"
            }
        case .v6(let address, _):
            if address.isUnspecified || address.isMulticast || address.isLoopback || address.isIPv4Mapped {
                return "not a unicast address"
            }
        }
        return nil
    }

    var description: String {
        switch self {
        case .v4(let address, let length): "\(address)/\(length)"
        case .v6(let address, let length): "\(address)/\(length)"
        }
    }
}
