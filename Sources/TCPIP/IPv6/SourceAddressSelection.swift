import NetCore

/// RFC 6724 default address selection: which of the host's addresses to
/// send from (§5), and in which order to try a name's addresses (§6) — what
/// Windows' TCP/IP does for every unbound connect and what getaddrinfo
/// sorts by.
///
/// IPv4 takes part as IPv4-mapped addresses (::ffff:a.b.c.d) on both sides,
/// as §3.2 and the policy table intend, so a dual-stack host can rank IPv4
/// against IPv6 destinations.
///
/// Left out, for want of the information: rule 4 (home addresses, Mobile
/// IPv6 only), rule 5.5 (prefixes from the chosen next hop), destination
/// rule 4 (home addresses) and rule 7 (native transport: no tunnels yet),
/// and reachability in destination rule 1 beyond "no usable source".
public enum SourceAddressSelection {
    /// The source to use for `destination`, or nil when no candidate may be used.
    ///
    /// - Parameters:
    ///   - candidates: the host's addresses, in assignment order: when the
    ///     rules cannot separate two, the earlier one is kept, so the choice
    ///     is stable from call to call (§5 leaves the tiebreak open).
    ///   - outgoingInterface: the interface the route lookup chose; rule 5
    ///     favours its addresses, and for link-local and multicast
    ///     destinations only its addresses are candidates at all (§4).
    ///   - now: when given, the lifetimes are applied on top of `dadState`
    ///     (see `IPv6UnicastAddress.dadState(at:)`).
    ///   - policy: the §2.1 policy table.
    ///   - preferTemporary: rule 7's sense. RFC 6724 made preferring
    ///     temporary addresses the default (reversing RFC 3484), and Windows
    ///     does so too: with privacy addresses enabled, its default on client
    ///     editions, outgoing connections come from the temporary address.
    ///     Pass false for the "public" sense (IPV6_PREFER_SRC_PUBLIC, RFC 5014).
    public static func selectSource(for destination: IPv6Address, candidates: [IPv6UnicastAddress],
                                    outgoingInterface: UInt32? = nil, now: Instant? = nil,
                                    policy: PrefixPolicyTable = .rfc6724Default,
                                    preferTemporary: Bool = true) -> IPv6UnicastAddress? {
        let context = Context(destination: destination, outgoingInterface: outgoingInterface, now: now,
                              policy: policy, preferTemporary: preferTemporary)
        var best: IPv6UnicastAddress?
        for candidate in candidates where context.admits(candidate) {
            guard let incumbent = best else {
                best = candidate
                continue
            }
            if context.prefers(candidate, over: incumbent) { best = candidate }
        }
        return best
    }

    /// `destinations` in the order to try them (§6), each with the source
    /// `selectSource` picks for it (nil if none may be used; such
    /// destinations sort last).
    ///
    /// - Parameter outgoingInterface: the interface a route lookup gives for
    ///   each destination, or nil where none is known.
    public static func orderDestinations(_ destinations: [IPv6Address], sources: [IPv6UnicastAddress],
                                         outgoingInterface: (IPv6Address) -> UInt32? = { _ in nil },
                                         now: Instant? = nil, policy: PrefixPolicyTable = .rfc6724Default,
                                         preferTemporary: Bool = true) -> [(destination: IPv6Address, source: IPv6UnicastAddress?)] {
        let ranked = destinations.enumerated().map { index, destination in
            let source = selectSource(for: destination, candidates: sources, outgoingInterface: outgoingInterface(destination),
                                      now: now, policy: policy, preferTemporary: preferTemporary)
            return RankedDestination(index: index, destination: destination, source: source, now: now, policy: policy)
        }
        // Rule 10 (keep the original order) as the final key makes this a
        // total order, so the result does not depend on the sort's stability.
        return ranked.sorted { a, b in
            if let decided = a.precedes(b) { return decided }
            return a.index < b.index
        }.map { ($0.destination, $0.source) }
    }

    /// `destinations` in the order to try them (§6); see `orderDestinations`.
    public static func sortDestinations(_ destinations: [IPv6Address], sources: [IPv6UnicastAddress],
                                        outgoingInterface: (IPv6Address) -> UInt32? = { _ in nil },
                                        now: Instant? = nil, policy: PrefixPolicyTable = .rfc6724Default,
                                        preferTemporary: Bool = true) -> [IPv6Address] {
        orderDestinations(destinations, sources: sources, outgoingInterface: outgoingInterface, now: now,
                          policy: policy, preferTemporary: preferTemporary).map(\.destination)
    }

    /// CommonPrefixLen(S, D) of §2.2: the leading bits `source` and `address`
    /// share, but no more than the source's on-link prefix length, so that
    /// interface identifiers, which say nothing about topology, never decide.
    public static func commonPrefixLength(_ source: IPv6UnicastAddress, _ address: IPv6Address) -> Int {
        let high = source.address.high ^ address.high
        let shared = high != 0 ? high.leadingZeroBitCount : 64 + (source.address.low ^ address.low).leadingZeroBitCount
        return min(shared, source.prefixLength)
    }

    /// One destination with what §6 compares about it, worked out once.
    struct RankedDestination {
        let index: Int
        let destination: IPv6Address
        let source: IPv6UnicastAddress?
        let scope: IPv6Scope
        let precedence: UInt32
        let matchingScope: Bool
        let deprecatedSource: Bool
        let matchingLabel: Bool
        let commonPrefix: Int

        init(index: Int, destination: IPv6Address, source: IPv6UnicastAddress?, now: Instant?, policy: PrefixPolicyTable) {
            self.index = index
            self.destination = destination
            self.source = source
            scope = IPv6Scope(of: destination)
            precedence = policy.precedence(of: destination)
            if let source {
                matchingScope = source.scope == scope
                deprecatedSource = (now.map { source.dadState(at: $0) } ?? source.dadState) == .deprecated
                matchingLabel = policy.label(of: source.address) == policy.label(of: destination)
                commonPrefix = SourceAddressSelection.commonPrefixLength(source, destination)
            } else {
                matchingScope = false
                deprecatedSource = false
                matchingLabel = false
                commonPrefix = 0
            }
        }

        /// §6 rules 1–9: true if this destination goes first, false if `other`
        /// does, nil if they tie (and rule 10 keeps the given order).
        func precedes(_ other: RankedDestination) -> Bool? {
            // Rule 1: avoid unusable destinations.
            if (source == nil) != (other.source == nil) { return source != nil }
            // Rules 2, 3, 5 and 9 compare sources, which exist for both or neither.
            let haveSources = source != nil
            // Rule 2: prefer matching scope.
            if haveSources, matchingScope != other.matchingScope { return matchingScope }
            // Rule 3: avoid deprecated addresses.
            if haveSources, deprecatedSource != other.deprecatedSource { return other.deprecatedSource }
            // Rule 5: prefer matching label.
            if haveSources, matchingLabel != other.matchingLabel { return matchingLabel }
            // Rule 6: prefer higher precedence.
            if precedence != other.precedence { return precedence > other.precedence }
            // Rule 8: prefer smaller scope.
            if scope != other.scope { return scope < other.scope }
            // Rule 9: longest matching prefix, within one address family only.
            if haveSources, destination.isIPv4Mapped == other.destination.isIPv4Mapped, commonPrefix != other.commonPrefix {
                return commonPrefix > other.commonPrefix
            }
            return nil
        }
    }

    /// What §4 and §5 need to know about the destination, worked out once per selection.
    struct Context {
        let destination: IPv6Address
        let destinationScope: IPv6Scope
        let destinationLabel: UInt32?
        let outgoingInterface: UInt32?
        let now: Instant?
        let policy: PrefixPolicyTable
        let preferTemporary: Bool

        init(destination: IPv6Address, outgoingInterface: UInt32?, now: Instant?, policy: PrefixPolicyTable, preferTemporary: Bool) {
            self.destination = destination
            destinationScope = IPv6Scope(of: destination)
            destinationLabel = policy.label(of: destination)
            self.outgoingInterface = outgoingInterface
            self.now = now
            self.policy = policy
            self.preferTemporary = preferTemporary
        }

        func state(_ address: IPv6UnicastAddress) -> IPv6DADState {
            now.map { address.dadState(at: $0) } ?? address.dadState
        }

        /// §4's candidate set: usable unicast addresses of the destination's
        /// family, and for link-local or multicast destinations only those on
        /// the outgoing interface, since another link's addresses mean nothing there.
        func admits(_ candidate: IPv6UnicastAddress) -> Bool {
            let address = candidate.address
            guard state(candidate).isUsable, !address.isMulticast, !address.isUnspecified,
                  address.isIPv4Mapped == destination.isIPv4Mapped else { return false }
            if let outgoingInterface, destination.isMulticast || destinationScope <= .linkLocal {
                return candidate.interfaceIndex == outgoingInterface
            }
            return true
        }

        /// §5 rules 1–8: whether `a` beats `b`; false on a tie, so the
        /// earlier candidate stays.
        func prefers(_ a: IPv6UnicastAddress, over b: IPv6UnicastAddress) -> Bool {
            // Rule 1: prefer same address.
            if a.address == destination { return b.address != destination }
            if b.address == destination { return false }
            // Rule 2: prefer appropriate scope: the smallest scope that still
            // reaches the destination, else the largest available.
            let scopeA = a.scope, scopeB = b.scope
            if scopeA < scopeB { return scopeA >= destinationScope }
            if scopeB < scopeA { return scopeB < destinationScope }
            // Rule 3: avoid deprecated addresses.
            let deprecatedA = state(a) == .deprecated, deprecatedB = state(b) == .deprecated
            if deprecatedA != deprecatedB { return deprecatedB }
            // Rule 4 (home addresses) does not apply without Mobile IPv6.
            // Rule 5: prefer the outgoing interface.
            if let outgoingInterface {
                let onA = a.interfaceIndex == outgoingInterface, onB = b.interfaceIndex == outgoingInterface
                if onA != onB { return onA }
            }
            // Rule 6: prefer matching label.
            let labelA = policy.label(of: a.address) == destinationLabel
            let labelB = policy.label(of: b.address) == destinationLabel
            if labelA != labelB { return labelA }
            // Rule 7: prefer temporary addresses (or public ones, if so configured).
            if a.isTemporary != b.isTemporary { return a.isTemporary == preferTemporary }
            // Rule 8: use longest matching prefix.
            return SourceAddressSelection.commonPrefixLength(a, destination) > SourceAddressSelection.commonPrefixLength(b, destination)
        }
    }
}
