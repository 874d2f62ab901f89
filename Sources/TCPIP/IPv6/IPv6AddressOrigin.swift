/// How an IPv6 address came to be assigned: the combination of Windows'
/// NL_PREFIX_ORIGIN and NL_SUFFIX_ORIGIN that matters to the stack, named
/// after the mechanism rather than the two halves.
public enum IPv6AddressOrigin: Sendable, Hashable, CaseIterable {
    /// Configured by hand (IpPrefixOriginManual / IpSuffixOriginManual).
    case manual
    /// fe80::/64 with an identifier of the stack's own making, formed when the
    /// interface comes up (IpPrefixOriginWellKnown with
    /// IpSuffixOriginLinkLayerAddress or IpSuffixOriginRandom), RFC 4862 §5.3.
    case linkLocal
    /// Stateless autoconfiguration from a Router Advertisement prefix with a
    /// modified EUI-64 identifier (IpPrefixOriginRouterAdvertisement /
    /// IpSuffixOriginLinkLayerAddress), RFC 4862 §5.5.3.
    case slaac
    /// Stateless autoconfiguration with an RFC 7217 stable, semantically
    /// opaque identifier (IpPrefixOriginRouterAdvertisement /
    /// IpSuffixOriginRandom): stable per network, yet not trackable across
    /// networks, which is what Windows uses instead of EUI-64.
    case stablePrivacy
    /// A temporary address (RFC 8981, formerly RFC 4941) that rotates
    /// (IpPrefixOriginRouterAdvertisement / IpSuffixOriginRandom, with
    /// SkipAsSource clear and a short lifetime). The only origin that
    /// RFC 6724 rule 7 treats as temporary; all others are "public".
    case temporary
}
