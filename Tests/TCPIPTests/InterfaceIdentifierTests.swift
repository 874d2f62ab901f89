import Testing
@testable import TCPIP
import NetCore

@Suite("InterfaceIdentifier")
struct InterfaceIdentifierTests {
    @Test("Modified EUI-64 of 52:54:00:12:34:56 is 5054:00ff:fe12:3456")
    func modifiedEUI64() {
        let mac = MACAddress(0x52, 0x54, 0x00, 0x12, 0x34, 0x56)
        #expect(InterfaceIdentifier.modifiedEUI64(mac) == 0x5054_00FF_FE12_3456)
        // The link-local derivation in NetCore must agree, or a host would
        // form different identifiers for fe80::/64 and for its SLAAC prefixes.
        #expect(IPv6Address.linkLocal(eui64From: mac).low == InterfaceIdentifier.modifiedEUI64(mac))
    }

    @Test("The universal/local bit is inverted both ways")
    func universalLocalBit() {
        // A universally administered MAC gets the bit set, a local one cleared.
        #expect(InterfaceIdentifier.modifiedEUI64(MACAddress(0x00, 0x00, 0x5E, 0x00, 0x53, 0x01)) == 0x0200_5EFF_FE00_5301)
        #expect(InterfaceIdentifier.modifiedEUI64(MACAddress(0x02, 0x00, 0x5E, 0x00, 0x53, 0x01)) == 0x0000_5EFF_FE00_5301)
        #expect(InterfaceIdentifier.modifiedEUI64(MACAddress(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF)) == 0xFDFF_FFFF_FEFF_FFFF)
    }

    @Test("isReserved at and just past each boundary of RFC 5453's ranges", arguments: [
        (UInt64(0), true),
        (1, false),
        (0x0200_5EFF_FDFF_FFFF, false),
        (0x0200_5EFF_FE00_0000, true),
        (0x0200_5EFF_FE00_5213, true),
        (0x0200_5EFF_FEFF_FFFF, true),
        (0x0200_5EFF_FF00_0000, false),
        (0x0300_5EFF_FE00_0000, false),
        (0xFDFF_FFFF_FFFF_FF7F, false),
        (0xFDFF_FFFF_FFFF_FF80, true),
        (0xFDFF_FFFF_FFFF_FFFF, true),
        (0xFE00_0000_0000_0000, false),
        (0xFFFF_FFFF_FFFF_FFFF, false),
    ])
    func isReserved(identifier: UInt64, reserved: Bool) {
        #expect(InterfaceIdentifier.isReserved(identifier) == reserved)
    }

    @Test("An IANA-block MAC's EUI-64 identifier is reserved")
    func ianaMACIsReserved() {
        // 00:00:5e:00:53:xx is the documentation range inside IANA's OUI (RFC 7042).
        #expect(InterfaceIdentifier.isReserved(InterfaceIdentifier.modifiedEUI64(MACAddress(0x00, 0x00, 0x5E, 0x00, 0x53, 0x01))))
        #expect(!InterfaceIdentifier.isReserved(InterfaceIdentifier.modifiedEUI64(MACAddress(0x52, 0x54, 0x00, 0x12, 0x34, 0x56))))
    }

    @Test("IPv6Address(prefix:interfaceIdentifier:) keeps the prefix, zeroes up to bit 64, then the identifier")
    func addressFromPrefixAndIdentifier() {
        let iid: UInt64 = 0x5054_00FF_FE12_3456
        #expect(IPv6Address(prefix: IPv6Prefix("2001:db8:1:2::/64")!, interfaceIdentifier: iid)
            == IPv6Address("2001:db8:1:2:5054:ff:fe12:3456"))
        #expect(IPv6Address(prefix: IPv6Prefix("2001:db8:1::/48")!, interfaceIdentifier: iid)
            == IPv6Address("2001:db8:1:0:5054:ff:fe12:3456"))
        #expect(IPv6Address(prefix: IPv6Prefix("::/0")!, interfaceIdentifier: iid) == IPv6Address("::5054:ff:fe12:3456"))
        #expect(IPv6Address(prefix: IPv6Prefix("2001:db8:1:2::/65")!, interfaceIdentifier: iid) == nil)
        #expect(IPv6Address(prefix: IPv6Prefix("2001:db8:1:2::1/128")!, interfaceIdentifier: iid) == nil)
        #expect(IPv6Address("2001:db8:1:2:5054:ff:fe12:3456")!.interfaceIdentifier == iid)
    }
}
