import Testing
@testable import TCPIP
import NetCore

/// RFC 6724 §5 (source) and §6 (destination) rules, each with inputs where
/// that rule is the one that decides. Where the RFC's §10 example lets a
/// later rule agree with the earlier one, a second case sets the later
/// rules against the winner, so the test fails if the rule under test is
/// skipped rather than merely reordered.
@Suite("SourceAddressSelection")
struct SourceAddressSelectionTests {
    static func ip(_ text: String) -> IPv6Address { IPv6Address(text)! }

    static let t0 = Instant(nanoseconds: 5_000_000_000_000)

    static func unicast(_ text: String, _ prefixLength: Int = 64, on interfaceIndex: UInt32 = 1,
                        origin: IPv6AddressOrigin = .manual, state: IPv6DADState = .preferred,
                        validUntil: Instant? = nil, preferredUntil: Instant? = nil) -> IPv6UnicastAddress {
        IPv6UnicastAddress(ip(text), prefixLength: prefixLength, interfaceIndex: interfaceIndex, origin: origin,
                           dadState: state, validUntil: validUntil, preferredUntil: preferredUntil)!
    }

    /// An IPv4 address as the IPv4-mapped candidate RFC 6724 §3.2 compares it as.
    static func mapped(_ v4: String, _ v4PrefixLength: Int, on interfaceIndex: UInt32 = 1,
                       origin: IPv6AddressOrigin = .manual) -> IPv6UnicastAddress {
        unicast("::ffff:" + v4, 96 + v4PrefixLength, on: interfaceIndex, origin: origin)
    }

    static func select(_ destination: String, _ candidates: [IPv6UnicastAddress], outgoing: UInt32? = nil,
                       now: Instant? = nil, preferTemporary: Bool = true) -> IPv6Address? {
        SourceAddressSelection.selectSource(for: ip(destination), candidates: candidates, outgoingInterface: outgoing,
                                            now: now, preferTemporary: preferTemporary)?.address
    }

    /// Checks `winner` is chosen over `loser` with the candidates in both
    /// orders, since a tie keeps the earlier candidate and would otherwise
    /// pass a test for a rule that never fired.
    static func expectChosen(_ winner: IPv6UnicastAddress, over loser: IPv6UnicastAddress, for destination: String,
                             outgoing: UInt32? = nil, now: Instant? = nil, preferTemporary: Bool = true,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        for candidates in [[winner, loser], [loser, winner]] {
            let chosen = select(destination, candidates, outgoing: outgoing, now: now, preferTemporary: preferTemporary)
            #expect(chosen == winner.address, "candidates \(candidates.map(\.address))", sourceLocation: sourceLocation)
        }
    }

    // MARK: - §5 source address selection

    @Test("No candidates, no source")
    func noCandidates() {
        #expect(Self.select("2001:db8:1::1", []) == nil)
    }

    @Test("Rule 1: the destination's own address wins even when deprecated (§10.1)")
    func rule1SameAddress() {
        Self.expectChosen(Self.unicast("2001:db8:1::1", state: .deprecated), over: Self.unicast("2001:db8:2::1"),
                          for: "2001:db8:1::1")
    }

    @Test("Rule 2: a global source for a global destination, not a link-local one (§10.1)")
    func rule2GlobalForGlobal() {
        Self.expectChosen(Self.unicast("2001:db8:3::1"), over: Self.unicast("fe80::1"), for: "2001:db8:1::1")
        // Rules 3 and 7 pointing the other way do not matter.
        Self.expectChosen(Self.unicast("2001:db8:3::1", state: .deprecated),
                          over: Self.unicast("fe80::1", origin: .temporary), for: "2001:db8:1::1")
    }

    @Test("Rule 2: a global source for ff05::1, whose site scope a link-local source cannot reach (§10.1)")
    func rule2SiteMulticast() {
        Self.expectChosen(Self.unicast("2001:db8:3::1"), over: Self.unicast("fe80::1"), for: "ff05::1")
    }

    @Test("Rule 2: a deprecated link-local source for a link-local destination, not a global one (§10.1)")
    func rule2LinkLocalBeforeRule3() {
        Self.expectChosen(Self.unicast("fe80::2", state: .deprecated), over: Self.unicast("2001:db8:1::1"),
                          for: "fe80::1")
    }

    @Test("Rule 2: when every scope reaches the destination, the smallest wins")
    func rule2SmallestSufficientScope() {
        // ff02::1 is link scope: fe80::/10 is enough, global is more than
        // needed. The global one is temporary, so rule 7 would pick it.
        Self.expectChosen(Self.unicast("fe80::1"), over: Self.unicast("2001:db8:1::1", origin: .temporary), for: "ff02::1")
    }

    @Test("Rule 2: when no scope reaches the destination, the largest wins")
    func rule2LargestInsufficientScope() {
        // Site-local fec0::/10 is the only unicast scope between link and
        // global, so it alone can show this half of the rule. Its label (11)
        // differs from ff0e::1's (1) while fe80::1's matches, so rule 6 would
        // pick the other one.
        Self.expectChosen(Self.unicast("fec0::1"), over: Self.unicast("fe80::1"), for: "ff0e::1")
    }

    @Test("Rule 3: a preferred source over a deprecated one")
    func rule3AvoidDeprecated() {
        // The deprecated one would win on rules 7 and 8.
        Self.expectChosen(Self.unicast("2001:db8:2::1"),
                          over: Self.unicast("2001:db8:1::2", origin: .temporary, state: .deprecated),
                          for: "2001:db8:1::1")
    }

    @Test("Rule 3 with now: past its preferred lifetime a preferred address counts as deprecated")
    func rule3LifetimeApplied() {
        let stale = Self.unicast("2001:db8:1::2", origin: .temporary, preferredUntil: Self.t0)
        let fresh = Self.unicast("2001:db8:2::1")
        Self.expectChosen(fresh, over: stale, for: "2001:db8:1::1", now: Self.t0)
        Self.expectChosen(fresh, over: stale, for: "2001:db8:1::1", now: Self.t0 + .seconds(3600))
        // One nanosecond earlier it is still preferred, and rule 7 decides.
        Self.expectChosen(stale, over: fresh, for: "2001:db8:1::1", now: Self.t0 - .nanoseconds(1))
        // Without now only dadState counts.
        Self.expectChosen(stale, over: fresh, for: "2001:db8:1::1")
    }

    @Test("A deprecated source is still used when there is nothing better")
    func deprecatedStillUsable() {
        #expect(Self.select("2001:db8:1::1", [Self.unicast("2001:db8:2::1", state: .deprecated)]) == Self.ip("2001:db8:2::1"))
    }

    @Test("Rule 5: a source on the outgoing interface")
    func rule5OutgoingInterface() {
        let onOutgoing = Self.unicast("2001:db8:2::1", on: 2)
        let elsewhere = Self.unicast("2001:db8:1::2", on: 1, origin: .temporary)
        Self.expectChosen(onOutgoing, over: elsewhere, for: "2001:db8:1::1", outgoing: 2)
        // Without an outgoing interface rule 7 picks the other one.
        Self.expectChosen(elsewhere, over: onOutgoing, for: "2001:db8:1::1")
    }

    @Test("Rule 6: a 6to4 source for a 6to4 destination (§10.1)")
    func rule6MatchingLabel() {
        // §10.1's 2002:c633:6401:: with 192.0.2.1 embedded instead. The other
        // candidate is temporary, so rule 7 would pick it.
        Self.expectChosen(Self.unicast("2002:c000:201::2", 48),
                          over: Self.unicast("2001:db8:1::2", origin: .temporary), for: "2002:c000:201::1")
    }

    @Test("Rule 6: a native source for a native destination, not a ULA one")
    func rule6NativeOverULA() {
        // fc00::/7 has label 13, 2001:db8::1 label 1.
        Self.expectChosen(Self.unicast("2001:db8:9::1"), over: Self.unicast("fd00:1::1", origin: .temporary),
                          for: "2001:db8:1::1")
    }

    @Test("Rule 7: a temporary source over a public one (§10.1)")
    func rule7PreferTemporary() {
        Self.expectChosen(Self.unicast("2001:db8:1::d5e3:7953:13eb:22e8", origin: .temporary),
                          over: Self.unicast("2001:db8:1::2"), for: "2001:db8:1::d5e3:0:0:1")
        // The public address shares the destination's /64 and would win rule 8.
        Self.expectChosen(Self.unicast("2001:db8:2::d5e3:7953:13eb:22e8", origin: .temporary),
                          over: Self.unicast("2001:db8:1::2"), for: "2001:db8:1::1")
    }

    @Test("Rule 7 with preferTemporary false: a public source over a temporary one")
    func rule7PreferPublic() {
        // The temporary address would win rule 8.
        Self.expectChosen(Self.unicast("2001:db8:2::2"),
                          over: Self.unicast("2001:db8:1::d5e3:7953:13eb:22e8", origin: .temporary),
                          for: "2001:db8:1::1", preferTemporary: false)
    }

    @Test("Only .temporary counts as temporary for rule 7", arguments: IPv6AddressOrigin.allCases)
    func rule7Origins(origin: IPv6AddressOrigin) {
        let other = Self.unicast("2001:db8:1::2", origin: origin)
        let publicOne = Self.unicast("2001:db8:1::3")
        // Equal on rules 1–8 unless `origin` is temporary, so otherwise the earlier one stays.
        let chosen = Self.select("2001:db8:1::1", [publicOne, other])
        #expect(chosen == (origin == .temporary ? other.address : publicOne.address))
    }

    @Test("Rule 8: the longest matching prefix (§10.1)")
    func rule8LongestMatch() {
        Self.expectChosen(Self.unicast("2001:db8:1::2"), over: Self.unicast("2001:db8:3::2"), for: "2001:db8:1::1")
    }

    @Test("Rule 8 counts no bits past the source's on-link prefix")
    func rule8CappedAtPrefixLength() {
        // Raw, 2001:db8:1::1:1 shares 111 bits with the destination and the
        // other candidate 64; capped at their prefixes, 48 and 64.
        Self.expectChosen(Self.unicast("2001:db8:1:0:8000::1", 64), over: Self.unicast("2001:db8:1::1:1", 48),
                          for: "2001:db8:1::1")
        #expect(SourceAddressSelection.commonPrefixLength(Self.unicast("2001:db8:1::1:1", 48), Self.ip("2001:db8:1::1")) == 48)
        #expect(SourceAddressSelection.commonPrefixLength(Self.unicast("2001:db8:1::1", 128), Self.ip("2001:db8:1::1")) == 128)
        #expect(SourceAddressSelection.commonPrefixLength(Self.unicast("2001:db8:1::1", 128), Self.ip("2001:db8:1::3")) == 126)
        #expect(SourceAddressSelection.commonPrefixLength(Self.unicast("2001:db8:1::1", 128), Self.ip("2001:db8:1:0:8000::1")) == 64)
    }

    @Test("A tie keeps the earlier candidate, so the choice is stable")
    func tieKeepsEarlier() {
        // Both share exactly the /64 with the destination: nothing separates them.
        let a = Self.unicast("2001:db8:1::a")
        let b = Self.unicast("2001:db8:1::ffff:0:b")
        #expect(Self.select("2001:db8:1::1", [a, b]) == a.address)
        #expect(Self.select("2001:db8:1::1", [b, a]) == b.address)
        #expect(Self.select("2001:db8:1::1", [a, b, Self.unicast("2001:db8:1::c")]) == a.address)
    }

    @Test("Tentative, duplicate and invalid addresses are never a source", arguments: [IPv6DADState.tentative, .duplicate, .invalid])
    func unusableNeverChosen(state: IPv6DADState) {
        #expect(Self.select("2001:db8:1::1", [Self.unicast("2001:db8:1::2", state: state)]) == nil)
        // Not even when it is the destination itself (rule 1) …
        #expect(Self.select("2001:db8:1::1", [Self.unicast("2001:db8:1::1", state: state)]) == nil)
        // … and a worse usable candidate is taken instead, in either order.
        Self.expectChosen(Self.unicast("fe80::1", state: .deprecated), over: Self.unicast("2001:db8:1::1", state: state),
                          for: "2001:db8:1::1")
    }

    @Test("With now, an address past its valid lifetime is never a source")
    func validLifetimeApplied() {
        let expiring = Self.unicast("2001:db8:1::2", validUntil: Self.t0, preferredUntil: Self.t0 - .seconds(60))
        #expect(Self.select("2001:db8:1::1", [expiring], now: Self.t0) == nil)
        #expect(Self.select("2001:db8:1::1", [expiring], now: Self.t0 - .nanoseconds(1)) == expiring.address)
        #expect(Self.select("2001:db8:1::1", [expiring]) == expiring.address)
        Self.expectChosen(Self.unicast("fe80::1"), over: expiring, for: "2001:db8:1::1", now: Self.t0)
    }

    @Test("A link-local destination takes only candidates on the outgoing interface")
    func linkLocalRestrictedToOutgoing() {
        let if1 = Self.unicast("fe80::1", on: 1)
        let if2 = Self.unicast("fe80::2", on: 2)
        let global2 = Self.unicast("2001:db8:1::2", on: 2)
        #expect(Self.select("fe80::9", [if1, if2], outgoing: 2) == if2.address)
        #expect(Self.select("fe80::9", [if2, if1], outgoing: 1) == if1.address)
        // Rule 1 would take fe80::1, but it is on another link.
        #expect(Self.select("fe80::1", [if1, if2], outgoing: 2) == if2.address)
        // Nothing on the outgoing interface: no source, not one from another link.
        #expect(Self.select("fe80::9", [if1, if2, global2], outgoing: 3) == nil)
        // A global address on the right interface beats a link-local one on the wrong one.
        #expect(Self.select("fe80::9", [if1, global2], outgoing: 2) == global2.address)
        // Without an outgoing interface every candidate is admitted.
        #expect(Self.select("fe80::9", [if1, if2]) == if1.address)
    }

    @Test("A multicast destination of any scope takes only candidates on the outgoing interface")
    func multicastRestrictedToOutgoing() {
        let if1 = Self.unicast("2001:db8:1::1", on: 1)
        #expect(Self.select("ff0e::1", [if1], outgoing: 2) == nil)
        #expect(Self.select("ff05::1", [if1], outgoing: 2) == nil)
        #expect(Self.select("ff02::1", [Self.unicast("fe80::1", on: 1)], outgoing: 2) == nil)
        #expect(Self.select("ff0e::1", [if1], outgoing: 1) == if1.address)
        // For a global unicast destination the interface is only rule 5's preference.
        #expect(Self.select("2001:db8:9::1", [if1], outgoing: 2) == if1.address)
    }

    @Test("An IPv4-mapped destination takes only IPv4-mapped candidates, and the reverse")
    func familiesKeptApart() {
        let v6 = Self.unicast("2001:db8:1::1")
        let v4 = Self.mapped("192.0.2.2", 24)
        #expect(Self.select("::ffff:192.0.2.1", [v6, v4]) == v4.address)
        #expect(Self.select("::ffff:192.0.2.1", [v6]) == nil)
        #expect(Self.select("2001:db8:1::9", [v4, v6]) == v6.address)
        #expect(Self.select("2001:db8:1::9", [v4]) == nil)
    }

    @Test("Rule 2 between IPv4-mapped candidates: 169.254/16 only for a 169.254/16 destination")
    func ipv4Scope() {
        // Each loser is temporary, so rule 7 would pick it.
        Self.expectChosen(Self.mapped("192.0.2.2", 24), over: Self.mapped("169.254.13.78", 16, origin: .temporary),
                          for: "::ffff:192.0.2.1")
        Self.expectChosen(Self.mapped("169.254.13.78", 16), over: Self.mapped("192.0.2.2", 24, origin: .temporary),
                          for: "::ffff:169.254.1.1")
    }

    @Test("Multicast and unspecified addresses are never a source")
    func multicastAndUnspecifiedNeverChosen() {
        // Rule 1 would pick ff05::1 for itself if it were admitted.
        #expect(Self.select("ff05::1", [Self.unicast("ff05::1", 128)]) == nil)
        #expect(Self.select("2001:db8:1::1", [Self.unicast("::", 128)]) == nil)
        #expect(Self.select("ff05::1", [Self.unicast("ff05::1", 128), Self.unicast("fe80::1")]) == Self.ip("fe80::1"))
    }

    // MARK: - §6 destination address ordering

    static func order(_ destinations: [String], _ sources: [IPv6UnicastAddress],
                      outgoing: @escaping (IPv6Address) -> UInt32? = { _ in nil }, now: Instant? = nil,
                      policy: PrefixPolicyTable = .rfc6724Default) -> [(destination: IPv6Address, source: IPv6Address?)] {
        SourceAddressSelection.orderDestinations(destinations.map(ip), sources: sources, outgoingInterface: outgoing,
                                                 now: now, policy: policy).map { ($0.destination, $0.source?.address) }
    }

    /// Checks the sorted order, and the source chosen for each, from both
    /// the expected order and its reverse, so rule 10 cannot pass it alone.
    static func expectOrder(_ expected: [(String, String?)], sources: [IPv6UnicastAddress],
                            outgoing: @escaping (IPv6Address) -> UInt32? = { _ in nil }, now: Instant? = nil,
                            policy: PrefixPolicyTable = .rfc6724Default, sourceLocation: SourceLocation = #_sourceLocation) {
        let destinations = expected.map(\.0)
        for input in [destinations, Array(destinations.reversed())] {
            let sorted = order(input, sources, outgoing: outgoing, now: now, policy: policy)
            #expect(sorted.map(\.destination) == destinations.map(ip), "from \(input)", sourceLocation: sourceLocation)
            #expect(sorted.map(\.source) == expected.map { $0.1.map(ip) }, "from \(input)", sourceLocation: sourceLocation)
            let plain = SourceAddressSelection.sortDestinations(input.map(ip), sources: sources, outgoingInterface: outgoing,
                                                                now: now, policy: policy)
            #expect(plain == destinations.map(ip), "sortDestinations from \(input)", sourceLocation: sourceLocation)
        }
    }

    @Test("Rule 1: a destination without a usable source goes last")
    func destinationRule1() {
        // fe80::1 is routed out of interface 2, where there is no address;
        // rule 8 (smaller scope) would otherwise put it first.
        Self.expectOrder([("2001:db8:1::1", "2001:db8:1::2"), ("fe80::1", nil)],
                         sources: [Self.unicast("2001:db8:1::2", on: 1), Self.unicast("fe80::2", on: 1)],
                         outgoing: { $0.isLinkLocal ? 2 : 1 })
    }

    @Test("Rule 2: IPv6 first when only it has a source of matching scope (§10.2)")
    func destinationRule2IPv6First() {
        let sources = [Self.unicast("2001:db8:1::2"), Self.unicast("fe80::1"), Self.mapped("169.254.13.78", 16)]
        Self.expectOrder([("2001:db8:1::1", "2001:db8:1::2"), ("::ffff:192.0.2.121", "::ffff:169.254.13.78")],
                         sources: sources)
    }

    @Test("Rule 2: IPv4 first when only it has a source of matching scope (§10.2)")
    func destinationRule2IPv4First() {
        // Rule 6 would put IPv6 (precedence 40) ahead of IPv4 (35).
        let sources = [Self.unicast("fe80::1"), Self.mapped("192.0.2.117", 24)]
        Self.expectOrder([("::ffff:192.0.2.121", "::ffff:192.0.2.117"), ("2001:db8:1::1", "fe80::1")], sources: sources)
    }

    @Test("Rule 3: a destination whose source is deprecated goes after (§10.2)")
    func destinationRule3Example() {
        let sources = [Self.unicast("2001:db8:1::2", state: .deprecated), Self.unicast("fe80::2")]
        Self.expectOrder([("fe80::1", "fe80::2"), ("2001:db8:1::1", "2001:db8:1::2")], sources: sources)
    }

    @Test("Rule 3 decides even where every later rule ties, and applies lifetimes with now")
    func destinationRule3Alone() {
        // Two link-local destinations on two links, each with its one
        // source; everything but the deprecation is alike, so without rule 3
        // rule 10 would keep fe80::a first.
        let sources = [Self.unicast("fe80::1", on: 1, preferredUntil: Self.t0), Self.unicast("fe80::2", on: 2)]
        let outgoing: (IPv6Address) -> UInt32? = { $0 == Self.ip("fe80::a") ? 1 : 2 }
        let sorted = Self.order(["fe80::a", "fe80::b"], sources, outgoing: outgoing, now: Self.t0)
        #expect(sorted.map(\.destination) == [Self.ip("fe80::b"), Self.ip("fe80::a")])
        #expect(sorted.map(\.source) == [Self.ip("fe80::2"), Self.ip("fe80::1")])
        let before = Self.order(["fe80::a", "fe80::b"], sources, outgoing: outgoing, now: Self.t0 - .nanoseconds(1))
        #expect(before.map(\.destination) == [Self.ip("fe80::a"), Self.ip("fe80::b")])
    }

    @Test("Rule 5: a destination whose source has a matching label goes first (§10.2)")
    func destinationRule5() {
        // Rule 6 would put 2001:db8:1::1 (40) ahead of 6to4 (30).
        let sources = [Self.unicast("2002:c000:201::2", 48), Self.unicast("fe80::2")]
        Self.expectOrder([("2002:c000:201::1", "2002:c000:201::2"), ("2001:db8:1::1", "2002:c000:201::2")],
                         sources: sources)
    }

    @Test("Rule 6: native IPv6 ahead of 6to4 when both have matching sources (§10.2)")
    func destinationRule6SixToFour() {
        let sources = [Self.unicast("2002:c000:201::2", 48), Self.unicast("2001:db8:1::2"), Self.unicast("fe80::2")]
        Self.expectOrder([("2001:db8:1::1", "2001:db8:1::2"), ("2002:c000:201::1", "2002:c000:201::2")], sources: sources)
    }

    @Test("Rule 6: IPv6 ahead of IPv4 when both have global sources (§10.2)")
    func destinationRule6IPv4() {
        // §10.2 uses 10.1.2.3 to show RFC 1918 space is global; any global
        // IPv4 address makes the same point.
        let sources = [Self.unicast("2001:db8:1::2"), Self.unicast("fe80::1"), Self.mapped("192.0.2.4", 24)]
        Self.expectOrder([("2001:db8:1::1", "2001:db8:1::2"), ("::ffff:192.0.2.3", "::ffff:192.0.2.4")], sources: sources)
    }

    @Test("Rule 8: the smaller scope first (§10.2)")
    func destinationRule8() {
        let sources = [Self.unicast("2001:db8:1::2"), Self.unicast("fe80::2")]
        Self.expectOrder([("fe80::1", "fe80::2"), ("2001:db8:1::1", "2001:db8:1::2")], sources: sources)
    }

    @Test("Rule 9: the longest match between destination and source first (§10.2)")
    func destinationRule9() {
        let sources = [Self.unicast("2001:db8:1::2"), Self.unicast("2001:db8:3f44::2"), Self.unicast("fe80::2")]
        Self.expectOrder([("2001:db8:1::1", "2001:db8:1::2"), ("2001:db8:3ffe::1", "2001:db8:3f44::2")], sources: sources)
    }

    @Test("Rule 9 compares only destinations of one address family")
    func destinationRule9SameFamilyOnly() {
        // A policy that ties IPv4 with IPv6 on precedence, so rules 1–8 tie;
        // the IPv4 pair shares 120 bits against IPv6's 64, which must not count.
        let policy = PrefixPolicyTable([
            PrefixPolicy(prefix: IPv6Prefix("::/0")!, precedence: 40, label: 1),
            PrefixPolicy(prefix: IPv6Prefix("::ffff:0:0/96")!, precedence: 40, label: 4),
        ])
        let sources = [Self.unicast("2001:db8:1::2"), Self.mapped("192.0.2.2", 24)]
        for input in [["2001:db8:1::1", "::ffff:192.0.2.1"], ["::ffff:192.0.2.1", "2001:db8:1::1"]] {
            let sorted = Self.order(input, sources, policy: policy)
            #expect(sorted.map(\.destination) == input.map(Self.ip), "\(input)")
        }
    }

    @Test("Rule 10: destinations alike on every rule keep their order")
    func destinationRule10() {
        let sources = [Self.unicast("2001:db8:1::2")]
        for input in [["2001:db8:1::a", "2001:db8:1::b", "2001:db8:1::c"], ["2001:db8:1::c", "2001:db8:1::a", "2001:db8:1::b"]] {
            #expect(Self.order(input, sources).map(\.destination) == input.map(Self.ip))
        }
    }

    @Test("Without any source, destinations still sort by precedence and scope")
    func destinationsWithoutSources() {
        Self.expectOrder([("fe80::1", nil), ("2001:db8::1", nil), ("::ffff:192.0.2.1", nil), ("2002:c000:201::1", nil)],
                         sources: [])
    }
}
