import Testing
@testable import NetCore

@Suite struct MACAddressTests {
    @Test(arguments: [
        ("52:54:00:12:34:56", "52:54:00:12:34:56"),
        ("52-54-00-12-34-56", "52:54:00:12:34:56"),
        ("AA:BB:CC:DD:EE:FF", "aa:bb:cc:dd:ee:ff"),
        ("aA-bB-cC-Dd-eE-Ff", "aa:bb:cc:dd:ee:ff"),
        ("00:00:00:00:00:00", "00:00:00:00:00:00"),
        ("ff:ff:ff:ff:ff:ff", "ff:ff:ff:ff:ff:ff"),
        ("01:00:5e:00:00:fb", "01:00:5e:00:00:fb"),
    ])
    func parsesAndPrintsCanonically(input: String, canonical: String) throws {
        let mac = try #require(MACAddress(input))
        #expect(mac.description == canonical)
        #expect(MACAddress(mac.description) == mac)
    }

    @Test(arguments: [
        "", "52:54:00:12:34", "52:54:00:12:34:56:78", "52:54:00:12:34:5", "5:54:00:12:34:56",
        "52:54:00:12:34:567", "52:54-00:12:34:56", "52-54-00-12-34:56", "52.54.00.12.34.56",
        "525400123456", "5254.0012.3456", "52:54:00:12:34:5g", "g2:54:00:12:34:56",
        " 52:54:00:12:34:56", "52:54:00:12:34:56 ", "52::54:00:12:34:56", "+2:54:00:12:34:56",
        "52:54:00:12:34:56:", ":52:54:00:12:34:56", "52:54:00:12:34:-6", "５2:54:00:12:34:56",
    ])
    func rejectsInvalidText(input: String) {
        #expect(MACAddress(input) == nil)
    }

    @Test func bytesAndRawValue() {
        let mac = MACAddress(0x52, 0x54, 0x00, 0x12, 0x34, 0x56)
        #expect(mac.rawValue == 0x5254_0012_3456)
        #expect(mac.bytes == [0x52, 0x54, 0x00, 0x12, 0x34, 0x56])
        // Reads only the first six bytes, at any alignment.
        let wire: [UInt8] = [0xEE, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x99]
        wire.withUnsafeBytes { raw in
            #expect(MACAddress(bytes: UnsafeRawBufferPointer(rebasing: raw[1...])) == mac)
        }
        var out = [UInt8](repeating: 0xAA, count: 9)
        out.withUnsafeMutableBytes { mac.write(to: $0, at: 2) }
        #expect(out == [0xAA, 0xAA, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0xAA])
    }

    @Test func predicates() throws {
        #expect(MACAddress.broadcast.isBroadcast)
        #expect(MACAddress.broadcast.isMulticast)
        #expect(!MACAddress.broadcast.isUnicast)
        #expect(MACAddress.broadcast.description == "ff:ff:ff:ff:ff:ff")
        #expect(MACAddress.zero.description == "00:00:00:00:00:00")
        #expect(MACAddress.zero.isUnicast && !MACAddress.zero.isBroadcast)

        let multicast = try #require(MACAddress("01:00:5e:00:00:01"))
        #expect(multicast.isMulticast && !multicast.isUnicast && !multicast.isBroadcast)
        #expect(!multicast.isLocallyAdministered)

        let local = try #require(MACAddress("02:00:00:00:00:01"))
        #expect(local.isLocallyAdministered && local.isUnicast)
        let universal = try #require(MACAddress("52:54:00:12:34:56"))
        #expect(universal.isLocallyAdministered)  // 0x52 has the U/L bit set
        let burnedIn = try #require(MACAddress("00:1b:21:0a:0b:0c"))
        #expect(!burnedIn.isLocallyAdministered && burnedIn.isUnicast)
    }

    @Test(arguments: [
        ("224.0.0.1", "01:00:5e:00:00:01"),
        ("224.0.0.251", "01:00:5e:00:00:fb"),
        ("239.255.255.250", "01:00:5e:7f:ff:fa"),
        ("224.128.0.1", "01:00:5e:00:00:01"),  // the 24th bit is dropped
        ("233.252.0.1", "01:00:5e:7c:00:01"),
    ])
    func ipv4MulticastMapping(group: String, mac: String) throws {
        let address = try #require(IPv4Address(group))
        #expect(MACAddress.ipv4Multicast(address).description == mac)
    }

    @Test(arguments: [
        ("ff02::1", "33:33:00:00:00:01"),
        ("ff02::1:ff12:3456", "33:33:ff:12:34:56"),
        ("ff05::1:3", "33:33:00:01:00:03"),
        ("ff02::fb", "33:33:00:00:00:fb"),
        ("ff0e:1:2:3:4:5:dead:beef", "33:33:de:ad:be:ef"),
    ])
    func ipv6MulticastMapping(group: String, mac: String) throws {
        let address = try #require(IPv6Address(group))
        #expect(MACAddress.ipv6Multicast(address).description == mac)
    }

    @Test func ordersByValue() {
        #expect(MACAddress.zero < MACAddress.broadcast)
        #expect(MACAddress(0, 0, 0, 0, 1, 0) > MACAddress(0, 0, 0, 0, 0, 0xFF))
    }
}
