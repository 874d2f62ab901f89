import Testing
@testable import TCPIP
import NetCore

/// Addresses, MACs and a reference checksum shared by the IPv6, ICMPv6 and
/// NDP tests. Addresses come only from 2001:db8::/32 (RFC 3849), fe80::/10
/// and the multicast ranges; MACs from 00:00:5e:00:53:00/24 (RFC 7042 §2.1.1).
enum V6 {
    // MARK: Addresses, as the bytes fixtures spell out.

    /// 2001:db8::1
    static let docA: [UInt8] = [0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01]
    /// 2001:db8::2
    static let docB: [UInt8] = [0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02]
    /// 2001:db8::fe, a router's global address.
    static let docRouter: [UInt8] = [0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFE]
    /// fe80::200:5eff:fe00:5301, host A's link-local address (EUI-64 of 00:00:5e:00:53:01).
    static let llA: [UInt8] = [0xFE, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x00, 0x5E, 0xFF, 0xFE, 0x00, 0x53, 0x01]
    /// fe80::200:5eff:fe00:5302, host B's link-local address.
    static let llB: [UInt8] = [0xFE, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x00, 0x5E, 0xFF, 0xFE, 0x00, 0x53, 0x02]
    /// fe80::1, the router's link-local address.
    static let llRouter: [UInt8] = [0xFE, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01]
    /// fe80::2, a second router on the link.
    static let llRouter2: [UInt8] = [0xFE, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02]
    /// ff02::1, all nodes.
    static let allNodes: [UInt8] = [0xFF, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01]
    /// ff02::2, all routers.
    static let allRouters: [UInt8] = [0xFF, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02]
    /// ff02::1:ff00:5302, host B's solicited-node group.
    static let solicitedB: [UInt8] = [0xFF, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xFF, 0x00, 0x53, 0x02]
    /// ::, the unspecified address.
    static let unspecified: [UInt8] = [UInt8](repeating: 0, count: 16)

    static func address(_ bytes: [UInt8]) -> IPv6Address {
        bytes.withUnsafeBytes { IPv6Address(bytes: $0) }
    }

    static let macA = MACAddress(0x00, 0x00, 0x5E, 0x00, 0x53, 0x01)
    static let macB = MACAddress(0x00, 0x00, 0x5E, 0x00, 0x53, 0x02)
    static let macRouter = MACAddress(0x00, 0x00, 0x5E, 0x00, 0x53, 0xFE)

    // MARK: Reference checksum

    /// The ICMPv6 checksum of `message` from `source` to `destination`, the
    /// slow way, independent of `InternetChecksum` and `ICMPv6Message`: the
    /// pseudo-header of RFC 8200 §8.1 laid out as bytes, then the message
    /// with its checksum field taken as zero, summed sixteen bits at a time
    /// with end-around carry and complemented.
    static func referenceChecksum(_ message: [UInt8], source: [UInt8], destination: [UInt8]) -> UInt16 {
        let length = UInt32(message.count)
        var pseudo = source + destination
        pseudo += [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
        pseudo += [0, 0, 0, 58]
        var body = message
        body[2] = 0
        body[3] = 0
        var all = pseudo + body
        if all.count % 2 == 1 { all.append(0) }
        var sum: UInt32 = 0
        var i = 0
        while i < all.count {
            sum += UInt32(all[i]) << 8 | UInt32(all[i + 1])
            while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
            i += 2
        }
        return ~UInt16(sum)
    }

    /// `message` with its checksum field filled in by `referenceChecksum`.
    static func checksummed(_ message: [UInt8], source: [UInt8], destination: [UInt8]) -> [UInt8] {
        var bytes = message
        let value = referenceChecksum(message, source: source, destination: destination)
        bytes[2] = UInt8(value >> 8)
        bytes[3] = UInt8(value & 0xFF)
        return bytes
    }

    // MARK: Catching typed errors

    static func ipv6Malformation(_ bytes: [UInt8]) -> IPv6Header.Malformation? {
        bytes.withUnsafeBytes { (raw) -> IPv6Header.Malformation? in
            do throws(IPv6Header.Malformation) {
                _ = try IPv6Header(raw)
                return nil
            } catch {
                return error
            }
        }
    }

    static func icmpMalformation(_ bytes: [UInt8], source: [UInt8], destination: [UInt8]) -> ICMPv6Message.Malformation? {
        bytes.withUnsafeBytes { (raw) -> ICMPv6Message.Malformation? in
            do throws(ICMPv6Message.Malformation) {
                _ = try ICMPv6Message(raw, source: address(source), destination: address(destination))
                return nil
            } catch {
                return error
            }
        }
    }
}
