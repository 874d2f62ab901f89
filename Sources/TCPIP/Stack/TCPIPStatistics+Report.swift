extension TCPIPStatistics {
    /// The counters as `netstat -s` prints them: a heading per layer, then
    /// each counter that is not zero, by name.
    public var report: [String] {
        var lines: [String] = []
        for (layer, counters) in [("Ethernet", Mirror(reflecting: ethernet)), ("ARP", Mirror(reflecting: arp)),
                                  ("IPv4", Mirror(reflecting: ipv4)), ("ICMPv4", Mirror(reflecting: icmpv4)),
                                  ("IPv6", Mirror(reflecting: ipv6)), ("ICMPv6", Mirror(reflecting: icmpv6)),
                                  ("NDP", Mirror(reflecting: ndp)),
                                  ("UDP", Mirror(reflecting: udp)), ("TCP", Mirror(reflecting: tcp))] {
            let nonzero = counters.children.compactMap { child -> String? in
                guard let name = child.label, let value = child.value as? UInt64, value != 0 else { return nil }
                return "    \(name): \(value)"
            }
            lines.append(layer + (nonzero.isEmpty ? ": nothing counted" : ":"))
            lines += nonzero
        }
        return lines
    }
}
