import Testing
@testable import TCPIP
import NetCore

@Suite("IPv6UnicastAddress")
struct IPv6UnicastAddressTests {
    static let t0 = Instant(nanoseconds: 7_000_000_000_000)
    static let preferredUntil = t0 + .seconds(100)
    static let validUntil = t0 + .seconds(200)

    static func address(_ state: IPv6DADState, validUntil: Instant? = validUntil,
                        preferredUntil: Instant? = preferredUntil) -> IPv6UnicastAddress {
        IPv6UnicastAddress(IPv6Address("2001:db8:1::5")!, prefixLength: 64, interfaceIndex: 1, origin: .slaac,
                           dadState: state, validUntil: validUntil, preferredUntil: preferredUntil)!
    }

    @Test("A preferred address turns deprecated at its preferred deadline and invalid at its valid one", arguments: [
        (Duration.zero, IPv6DADState.preferred),
        (.seconds(100) - .nanoseconds(1), .preferred),
        (.seconds(100), .deprecated),
        (.seconds(200) - .nanoseconds(1), .deprecated),
        (.seconds(200), .invalid),
        (.seconds(86_400), .invalid),
    ])
    func preferredLifecycle(offset: Duration, expected: IPv6DADState) {
        #expect(Self.address(.preferred).dadState(at: Self.t0 + offset) == expected)
    }

    @Test("Without deadlines the state never changes", arguments: IPv6DADState.allCases)
    func infiniteLifetimes(state: IPv6DADState) {
        let forever = Self.address(state, validUntil: nil, preferredUntil: nil)
        #expect(forever.dadState(at: Self.t0) == state)
        #expect(forever.dadState(at: .distantFuture) == state)
    }

    @Test("Past the preferred deadline only a preferred address changes; past the valid one every address is invalid",
          arguments: [IPv6DADState.tentative, .duplicate, .deprecated])
    func otherStates(state: IPv6DADState) {
        // A tentative address has not passed DAD: it must not become usable
        // as "deprecated" just because its preferred lifetime ran out.
        #expect(Self.address(state).dadState(at: Self.preferredUntil) == state)
        #expect(Self.address(state).dadState(at: Self.validUntil) == .invalid)
    }

    @Test("A valid deadline before the preferred one still makes the address invalid")
    func validBeforePreferred() {
        let odd = Self.address(.preferred, validUntil: Self.t0 + .seconds(10), preferredUntil: Self.t0 + .seconds(20))
        #expect(odd.dadState(at: Self.t0 + .seconds(10)) == .invalid)
    }

    @Test("Only preferred and deprecated addresses are usable")
    func usableStates() {
        #expect(IPv6DADState.allCases.filter(\.isUsable) == [.deprecated, .preferred])
    }

    @Test("The init keeps the address, masks the prefix and rejects lengths over 128")
    func initializer() throws {
        let a = try #require(IPv6UnicastAddress(IPv6Address("2001:db8:1::5")!, prefixLength: 64, interfaceIndex: 3))
        #expect(a.address == IPv6Address("2001:db8:1::5"))
        #expect(a.prefix == IPv6Prefix("2001:db8:1::/64"))
        #expect(a.prefixLength == 64)
        #expect(a.dadState == .preferred)
        #expect(a.origin == .manual)
        #expect(IPv6UnicastAddress(IPv6Address("2001:db8:1::5")!, prefixLength: 129, interfaceIndex: 3) == nil)
        #expect(IPv6UnicastAddress(IPv6Address("2001:db8:1::5")!, prefixLength: -1, interfaceIndex: 3) == nil)
    }

    @Test("Only the temporary origin is temporary", arguments: IPv6AddressOrigin.allCases)
    func temporary(origin: IPv6AddressOrigin) {
        let a = IPv6UnicastAddress(IPv6Address("2001:db8:1::5")!, prefixLength: 64, interfaceIndex: 1, origin: origin)!
        #expect(a.isTemporary == (origin == .temporary))
    }

    @Test("scope follows the address")
    func scope() {
        #expect(IPv6UnicastAddress(IPv6Address("fe80::5")!, prefixLength: 64, interfaceIndex: 1)!.scope == .linkLocal)
        #expect(IPv6UnicastAddress(IPv6Address("2001:db8::5")!, prefixLength: 64, interfaceIndex: 1)!.scope == .global)
    }
}
