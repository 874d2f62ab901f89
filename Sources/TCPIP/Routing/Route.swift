import NetCore

/// One entry of the route table (MIB_IPFORWARD_ROW2 in Windows terms):
/// a destination prefix, reached on-link or through a next hop, over an interface.
public struct Route: Hashable, Sendable, CustomStringConvertible {
    /// DestinationPrefix.
    public var destination: IPv4Prefix
    /// NextHop: nil when the destination is on-link.
    public var nextHop: IPv4Address?
    /// InterfaceIndex.
    public var interfaceIndex: UInt32
    /// Metric: among routes of equal prefix length, the lowest wins.
    public var metric: UInt32

    public init(destination: IPv4Prefix, nextHop: IPv4Address? = nil, interfaceIndex: UInt32, metric: UInt32 = 256) {
        self.destination = destination
        self.nextHop = nextHop
        self.interfaceIndex = interfaceIndex
        self.metric = metric
    }

    public var description: String {
        "\(destination) via \(nextHop.map { "\($0)" } ?? "on-link") if \(interfaceIndex) metric \(metric)"
    }
}
