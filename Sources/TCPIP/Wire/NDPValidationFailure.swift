import NetCore

/// Which of the validity checks of RFC 4861 §6.1, §7.1 and §8.1 that
/// depend only on the packet a well-formed Neighbor Discovery message
/// failed; each is a silent drop and a counter of its own. Checksum, length
/// and option lengths are checked earlier, when the views are made.
public enum NDPValidationFailure: Error, Sendable, Equatable, CaseIterable {
    /// The IP Hop Limit is not 255, so the packet may have come through a
    /// router from off the link: the check that stands in for authentication.
    case hopLimitNot255
    /// The ICMP Code is not 0.
    case nonzeroCode
    /// A Router Advertisement or Redirect whose IP source is not link-local,
    /// so it cannot be from a router on this link.
    case sourceNotLinkLocal
    /// A Neighbor Solicitation or Advertisement whose Target Address is multicast.
    case targetIsMulticast
    /// A message from the unspecified address (duplicate address detection
    /// or a host with no address yet) that carries a Source Link-Layer
    /// Address option, which would poison neighbour caches with no address to key it.
    case unspecifiedSourceWithLinkLayerAddress
    /// A Neighbor Solicitation from the unspecified address not sent to a
    /// solicited-node multicast group, as duplicate address detection must be.
    case unspecifiedSourceNotToSolicitedNode
    /// A Neighbor Advertisement to a multicast destination with the
    /// Solicited flag set: only a unicast reply can answer a solicitation.
    case solicitedToMulticast
    /// A Redirect whose Target Address is neither link-local nor the
    /// Destination Address: a better first hop must be a router on the link
    /// (named by its link-local address) or the destination itself.
    case redirectTargetNotLinkLocal
    /// A Redirect whose Destination Address is multicast.
    case redirectDestinationIsMulticast

    /// The checks every Neighbor Discovery message shares.
    @inlinable
    static func common(hopLimit: UInt8, code: UInt8) -> NDPValidationFailure? {
        if hopLimit != 255 { return .hopLimitNot255 }
        if code != 0 { return .nonzeroCode }
        return nil
    }
}
