extension TCPStatistics {
    /// The counters that are not zero, one "name: value" line each, as `netstat -s -p tcp` lists them.
    public var report: [String] {
        Mirror(reflecting: self).children.compactMap { child in
            guard let name = child.label, let value = child.value as? UInt64, value != 0 else { return nil }
            return "\(name): \(value)"
        }
    }
}
