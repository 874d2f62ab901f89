import NetCore

extension TCPIPStack {
    /// CreateIpForwardEntry2 for AF_INET6: adds a route, such as a default
    /// route through a configured gateway (`::/0` via `nextHop`), which never
    /// expires, unlike one learned from a Router Advertisement.
    @discardableResult
    public func addRoute(_ destination: IPv6Prefix, nextHop: IPv6Address? = nil, interface: IPInterface,
                         metric: UInt32 = 256) -> NTStatus {
        if let nextHop, nextHop.isMulticast || nextHop.isUnspecified { return .invalidParameter }
        routes.add(IPv6Route(destination: destination, nextHop: nextHop, interfaceIndex: interface.index,
                             metric: metric))
        return .success
    }
}
