import NetCore

/// The demultiplexer of one transport protocol: which socket a datagram or
/// segment is for, and whether a new socket may bind where it asks.
///
/// IPv4 and IPv6 share one table, IPv4 addresses held as IPv4-mapped (see
/// `TransportAddress`), so a dual-stack IPv6 socket (IPV6_V6ONLY off)
/// receives IPv4 traffic and an IPv4 socket on the same port conflicts with
/// it, as Windows' dual IP layer has it: "the stack reserves the port on
/// both IPv4 and IPv6" (WSK §7).
///
/// Lookup prefers a socket with a matching fixed peer, then one bound to the
/// specific local address, then a wildcard one; among equals the socket
/// bound last wins, which is what SO_REUSEADDR sockets sharing an address get.
/// Entries are kept per port, and a port rarely has more than a few, so a
/// lookup is one hash probe and a short scan, allocation-free.
public struct TransportEndpointTable<Owner> {
    struct Entry {
        let id: UInt32
        var binding: TransportBinding
        let owner: Owner
    }

    /// One bind's outcome against one earlier binding (WSK §6.2).
    enum Outcome {
        case success
        case inUse
        case denied
    }

    var byPort: [UInt16: [Entry]] = [:]
    var nextID: UInt32 = 1
    /// Sockets bound.
    public private(set) var count = 0
    /// The ephemeral port range (Windows' dynamic range by default).
    public var ephemeralPorts: ClosedRange<UInt16> = 49_152...65_535

    /// An empty table.
    public init() {}

    /// WskBind's address check and claim: `binding` is added for `owner`
    /// and its handle returned, or the status Windows gives for the
    /// conflict — STATUS_ADDRESS_ALREADY_EXISTS when the address is in use,
    /// STATUS_ACCESS_DENIED when sharing is refused. A port of 0 must be
    /// resolved first with `allocatePort`.
    ///
    /// The §6.2 "CHECK" cells (a specific address over a wildcard one, the
    /// first socket not exclusive) are access checks against the first
    /// socket's security descriptor; without security descriptors every
    /// socket has the default one, which forbids sharing, so they deny.
    public mutating func bind(_ binding: TransportBinding, owner: Owner) -> Result<UInt32, NTStatus> {
        for entry in byPort[binding.local.port] ?? [] {
            switch Self.outcome(second: binding, first: entry.binding) {
            case .success: continue
            case .inUse: return .failure(.addressAlreadyExists)
            case .denied: return .failure(.accessDenied)
            }
        }
        let id = nextID
        nextID &+= 1
        byPort[binding.local.port, default: []].append(Entry(id: id, binding: binding, owner: owner))
        count += 1
        return .success(id)
    }

    /// Removes a binding (the socket closed).
    public mutating func unbind(_ id: UInt32, port: UInt16) {
        guard let i = byPort[port]?.firstIndex(where: { $0.id == id }) else { return }
        // In place: a copy taken out of the dictionary would be shared with
        // the one still in it, and removing from it would copy the array.
        byPort[port]!.remove(at: i)
        if byPort[port]!.isEmpty { byPort[port] = nil }
        count -= 1
    }

    /// Sets or clears a binding's fixed peer (SIO_WSK_SET_REMOTE_ADDRESS, or a connect).
    public mutating func setRemote(_ remote: TransportAddress?, of id: UInt32, port: UInt16) {
        guard let i = byPort[port]?.firstIndex(where: { $0.id == id }) else { return }
        byPort[port]![i].binding.remote = remote
    }

    /// The binding held under `id`.
    public func binding(_ id: UInt32, port: UInt16) -> TransportBinding? {
        byPort[port]?.first { $0.id == id }?.binding
    }

    /// A free port for `binding` (whose port is ignored) by RFC 6056's
    /// simple randomization (Algorithm 1): a random start in the ephemeral
    /// range, then the following ports in turn, so the port does not tell
    /// an off-path attacker anything. Nil when every port conflicts.
    public func allocatePort(for binding: TransportBinding, random: inout SeededRandom) -> UInt16? {
        let low = Int(ephemeralPorts.lowerBound)
        let size = Int(ephemeralPorts.upperBound) - low + 1
        let start = Int(random.next() % UInt64(size))
        var candidate = binding
        for step in 0..<size {
            let port = UInt16(low + (start + step) % size)
            candidate.local.port = port
            let free = (byPort[port] ?? []).allSatisfy { Self.outcome(second: candidate, first: $0.binding) == .success }
            if free { return port }
        }
        return nil
    }

    /// Whether no socket at all holds `port`.
    public func isUnused(port: UInt16) -> Bool { byPort[port] == nil }

    /// The socket a unicast datagram to `local` from `remote` is for, or nil
    /// when no socket takes it (the caller answers port unreachable).
    public func lookup(local: TransportAddress, remote: TransportAddress) -> Owner? {
        guard let entries = byPort[local.port] else { return nil }
        var best: Owner?
        var bestScore = 0
        for entry in entries {
            let score = Self.score(entry.binding, local: local, remote: remote)
            if score > 0 && score >= bestScore {
                best = entry.owner
                bestScore = score
            }
        }
        return best
    }

    /// The socket with the fixed peer `remote` bound at `local`, if any: the
    /// one an ICMP error about a datagram from `local` to `remote` concerns.
    public func lookupConnected(local: TransportAddress, remote: TransportAddress) -> Owner? {
        for entry in (byPort[local.port] ?? []).reversed() where entry.binding.remote == remote {
            if Self.score(entry.binding, local: local, remote: remote) > 0 { return entry.owner }
        }
        return nil
    }

    /// Every socket a broadcast or multicast datagram to `local` reaches:
    /// all that match, as each listener of a group gets its own copy.
    public func forEachMatch(local: TransportAddress, remote: TransportAddress, _ body: (Owner) -> Void) {
        for entry in byPort[local.port] ?? [] where Self.score(entry.binding, local: local, remote: remote) > 0 {
            body(entry.owner)
        }
    }

    /// How well `binding` matches a datagram: 0 not at all, else higher for
    /// a fixed peer and for a specific local address.
    static func score(_ binding: TransportBinding, local: TransportAddress, remote: TransportAddress) -> Int {
        let coverage = local.isIPv4 ? binding.ipv4Coverage : binding.ipv6Coverage
        var score: Int
        switch coverage {
        case .none: return 0
        case .wildcard: score = 1
        case .address(let address):
            guard address == local.address else { return 0 }
            score = 2
        }
        if let fixed = binding.remote {
            guard fixed == remote else { return 0 }
            score += 4
        }
        return score
    }

    /// The WSK §6.2 outcome of binding `second` when `first` holds the same
    /// port, worst over the address spaces both cover (two different
    /// specific addresses never conflict).
    static func outcome(second: TransportBinding, first: TransportBinding) -> Outcome {
        guard second.local.port == first.local.port else { return .success }
        var worst = Outcome.success
        for (new, old) in [(second.ipv4Coverage, first.ipv4Coverage), (second.ipv6Coverage, first.ipv6Coverage)] {
            let newWildcard: Bool
            let oldWildcard: Bool
            switch (new, old) {
            case (.none, _), (_, .none): continue
            case (.address(let a), .address(let b)) where a != b: continue
            default:
                newWildcard = new == .wildcard
                oldWildcard = old == .wildcard
            }
            switch matrix(second: second.sharing, secondWildcard: newWildcard,
                          first: first.sharing, firstWildcard: oldWildcard) {
            case .success: break
            case .inUse: if worst == .success { worst = .inUse }
            case .denied: worst = .denied
            }
        }
        return worst
    }

    /// WSK §6.2's table, rows the second bind, columns the first; the
    /// CHECK cells deny (see `bind`).
    static func matrix(second: AddressSharing, secondWildcard: Bool, first: AddressSharing, firstWildcard: Bool) -> Outcome {
        switch (second, secondWildcard) {
        case (.none, true):
            return firstWildcard ? .inUse : .success
        case (.none, false):
            switch (first, firstWildcard) {
            case (.none, true), (.reuseAddress, true): return .denied
            case (.none, false), (.exclusive, false): return .inUse
            case (.reuseAddress, false), (.exclusive, true): return .denied
            }
        case (.reuseAddress, true):
            switch (first, firstWildcard) {
            case (.none, true), (.exclusive, true): return .denied
            default: return .success
            }
        case (.reuseAddress, false):
            switch (first, firstWildcard) {
            case (.reuseAddress, _): return .success
            default: return .denied
            }
        case (.exclusive, true):
            return .inUse
        case (.exclusive, false):
            return firstWildcard ? .denied : .inUse
        }
    }
}
