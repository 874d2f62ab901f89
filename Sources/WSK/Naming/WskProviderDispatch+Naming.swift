import NetCore
import TCPIP

/// The provider-level name calls of WSK_PROVIDER_DISPATCH (Windows 7 on):
/// name resolution against numeric addresses, "localhost" and the
/// subsystem's hosts table. There is no DNS, so only those names resolve.
///
/// They read the stack's addresses (RFC 6724 ordering, AI_ADDRCONFIG), so,
/// like the socket calls, they run on the engine thread; the IRP always
/// completes inline.
extension WskProviderDispatch {
    /// NS_ALL: every namespace provider.
    static let allNameSpaces: UInt32 = 0
    /// NS_TCPIP_HOSTS: the hosts file.
    static let hostsNameSpace: UInt32 = 11

    /// WskGetAddressInfo (like GetAddrInfoExW): the addresses for a node name
    /// and the port for a service name, as a list of ADDRINFOEXW in
    /// `result.pointee` (nil unless the call succeeds). Free it with
    /// `wskFreeAddressInfo`.
    ///
    /// With no node name the list holds the loopback addresses (::1,
    /// 127.0.0.1), or with AI_PASSIVE the wildcard ones (::, 0.0.0.0), IPv6
    /// first. A node name is a numeric IPv4 or IPv6 address (with a numeric
    /// `%scope` for IPv6), "localhost", or — unless AI_NUMERICHOST — a name
    /// in the subsystem's hosts table, all matched without regard to case.
    /// The addresses are kept to the hinted family (and with AI_ADDRCONFIG
    /// to the families the host has addresses of), one entry per address,
    /// and put in RFC 6724 destination order over the stack's addresses, as
    /// Windows sorts them. The service is a decimal port or a name from a
    /// small services table (echo, discard, daytime, domain, http, ntp,
    /// https) listed for the hinted socket type's transport; no service is
    /// port 0. With AI_CANONNAME the first entry names what was resolved:
    /// the node name as given, or the hosts table's own spelling.
    ///
    /// `nameSpace` may be NS_ALL (0) or NS_TCPIP_HOSTS (11), which here are
    /// the same thing. Only the owners' presence is checked: nothing runs
    /// under another security context.
    ///
    /// Statuses: STATUS_SUCCESS; STATUS_NO_MATCH when the node name does not
    /// resolve, or nothing is left after the family filters;
    /// STATUS_INVALID_PARAMETER when both names are nil, for AI_CANONNAME
    /// without a node name (EAI_BADFLAGS), an unknown service, another
    /// namespace, or an owning thread without an owning process;
    /// STATUS_INVALID_DEVICE_STATE when the client's registration is gone.
    public func wskGetAddressInfo(_ client: WskClient, nodeName: String?, serviceName: String?, nameSpace: UInt32 = 0,
                                  hints: WskAddressInfoHints?, result: UnsafeMutablePointer<WskAddressInfo?>,
                                  owningProcess: AnyObject? = nil, owningThread: AnyObject? = nil, irp: IRP) -> NTStatus {
        result.pointee = nil
        let status = lookUpAddressInfo(client, nodeName: nodeName, serviceName: serviceName, nameSpace: nameSpace,
                                       hints: hints ?? WskAddressInfoHints(), result: result,
                                       ownerValid: owningThread == nil || owningProcess != nil)
        irp.complete(status: status)
        return status
    }

    /// WskFreeAddressInfo: gives back a list from `wskGetAddressInfo`. Each
    /// entry's ai_next is cleared, so no entry the client still holds keeps
    /// the rest of the list alive.
    public func wskFreeAddressInfo(_ client: WskClient, _ addressInfo: WskAddressInfo?) {
        var current = addressInfo
        while let entry = current {
            current = entry.next
            entry.next = nil
        }
    }

    /// WskGetNameInfo (like GetNameInfoW): the node name and service name
    /// for a socket address, in whichever of `nodeName` and `serviceName`
    /// is given; neither is written unless the call succeeds.
    ///
    /// The node name is the first name (in sorted order) the hosts table
    /// lists the address under — cut at its first dot with NI_NOFQDN — or
    /// the address as text, with `%scope` for a scoped IPv6 address; with
    /// NI_NUMERICHOST always the text. The service name is the port's name
    /// in the services table for TCP, or for UDP with NI_DGRAM, or the port
    /// in decimal when it has none or with NI_NUMERICSERV.
    ///
    /// Statuses: STATUS_SUCCESS; STATUS_NO_MATCH with NI_NAMEREQD when the
    /// address has no name; STATUS_INVALID_PARAMETER when both outputs are
    /// nil, or for an owning thread without an owning process;
    /// STATUS_INVALID_DEVICE_STATE when the client's registration is gone.
    public func wskGetNameInfo(_ client: WskClient, socketAddress: SocketAddress, nodeName: UnsafeMutablePointer<String>?,
                               serviceName: UnsafeMutablePointer<String>?, flags: WskNameInfoFlags,
                               owningProcess: AnyObject? = nil, owningThread: AnyObject? = nil, irp: IRP) -> NTStatus {
        let status = lookUpNameInfo(client, socketAddress: socketAddress, nodeName: nodeName, serviceName: serviceName,
                                    flags: flags, ownerValid: owningThread == nil || owningProcess != nil)
        irp.complete(status: status)
        return status
    }

    // MARK: - Address info

    private func lookUpAddressInfo(_ client: WskClient, nodeName: String?, serviceName: String?, nameSpace: UInt32,
                                   hints: WskAddressInfoHints, result: UnsafeMutablePointer<WskAddressInfo?>,
                                   ownerValid: Bool) -> NTStatus {
        guard ownerValid, nodeName != nil || serviceName != nil,
              nameSpace == Self.allNameSpaces || nameSpace == Self.hostsNameSpace,
              nodeName != nil || !hints.flags.contains(.canonicalName)
        else { return .invalidParameter }
        var port: UInt16 = 0
        if let serviceName {
            guard let named = WskWellKnownService.port(of: serviceName, socketType: hints.socketType) else {
                return .invalidParameter
            }
            port = named
        }
        guard let registration = client.registration, registration.isRegistered else { return .invalidDeviceState }
        let stack = client.subsystem.stack

        var canonicalName: String?
        var endpoints: [SocketAddress]
        if let nodeName {
            guard let resolved = resolve(nodeName, numericOnly: hints.flags.contains(.numericHost),
                                         hosts: client.subsystem.hosts) else { return .noMatch }
            canonicalName = resolved.name
            endpoints = resolved.endpoints
        } else if hints.flags.contains(.passive) {
            endpoints = [.v6(.any, port: 0), .v4(.any, port: 0)]
        } else {
            endpoints = [.v6(.loopback, port: 0), .v4(.loopback, port: 0)]
        }
        if let family = hints.family { endpoints.removeAll { $0.family != family } }
        if hints.flags.contains(.addressConfiguration) {
            let configured = configuredFamilies(of: stack)
            endpoints.removeAll { !configured.contains($0.family) }
        }
        guard !endpoints.isEmpty else { return .noMatch }
        if nodeName != nil { endpoints = destinationOrder(endpoints, stack: stack) }

        var list: WskAddressInfo?
        for (index, endpoint) in endpoints.enumerated().reversed() {
            var address = endpoint
            address.port = port
            list = WskAddressInfo(flags: hints.flags, socketType: hints.socketType, protocolNumber: hints.protocolNumber,
                                  canonicalName: index == 0 && hints.flags.contains(.canonicalName) ? canonicalName : nil,
                                  address: address, next: list)
        }
        result.pointee = list
        return .success
    }

    /// The addresses `name` stands for, with the name to report for it, or
    /// nil when it does not resolve.
    private func resolve(_ name: String, numericOnly: Bool,
                         hosts: [String: [IPAddress]]) -> (name: String, endpoints: [SocketAddress])? {
        if let numeric = Self.numericAddress(name) { return (name, [numeric]) }
        guard !numericOnly else { return nil }
        let folded = name.lowercased()
        if folded == "localhost" { return (name, [.v6(.loopback, port: 0), .v4(.loopback, port: 0)]) }
        let key = hosts[name] != nil ? name : hosts.keys.filter { $0.lowercased() == folded }.min()
        guard let key, let addresses = hosts[key], !addresses.isEmpty else { return nil }
        return (key, addresses.map { SocketAddress($0, port: 0) })
    }

    /// A dotted quad or IPv6 text, the latter with an optional numeric
    /// `%scope` (which the SocketAddress parser takes inside brackets).
    private static func numericAddress(_ text: String) -> SocketAddress? {
        if text.contains("%") { return SocketAddress("[\(text)]:0") }
        return IPAddress(text).map { SocketAddress($0, port: 0) }
    }

    /// The families AI_ADDRCONFIG lets through: IPv4 when an interface has
    /// an IPv4 address, IPv6 when one has a usable IPv6 address that is not
    /// link-local (the stack has no loopback addresses to leave out).
    private func configuredFamilies(of stack: TCPIPStack) -> Set<AddressFamily> {
        var families = Set<AddressFamily>()
        if stack.interfaces.contains(where: { !$0.addresses.isEmpty }) { families.insert(.inet) }
        let now = stack.now
        if stack.interfaces.contains(where: { interface in
            interface.ipv6Addresses.contains { !$0.address.isLinkLocal && $0.dadState(at: now).isUsable }
        }) {
            families.insert(.inet6)
        }
        return families
    }

    /// `endpoints` without repeats, in RFC 6724 §6 order
    /// (`SourceAddressSelection.sortDestinations`) over every address of
    /// the stack, IPv4 ones taking part as IPv4-mapped with their prefix
    /// lengths plus 96.
    private func destinationOrder(_ endpoints: [SocketAddress], stack: TCPIPStack) -> [SocketAddress] {
        var byKey: [IPv6Address: SocketAddress] = [:]
        var keys: [IPv6Address] = []
        for endpoint in endpoints {
            let key: IPv6Address
            switch endpoint {
            case .v4(let address, _): key = IPv6Address(ipv4Mapped: address)
            case .v6(let address, _, _, _): key = address
            }
            guard byKey[key] == nil else { continue }
            byKey[key] = endpoint
            keys.append(key)
        }
        let sources = stack.interfaces.flatMap { interface in
            interface.addresses.compactMap { assigned in
                IPv6UnicastAddress(IPv6Address(ipv4Mapped: assigned.address), prefixLength: 96 + assigned.prefix.length,
                                   interfaceIndex: interface.index)
            } + interface.ipv6Addresses
        }
        return SourceAddressSelection.sortDestinations(keys, sources: sources, now: stack.now).compactMap { byKey[$0] }
    }

    // MARK: - Name info

    private func lookUpNameInfo(_ client: WskClient, socketAddress: SocketAddress, nodeName: UnsafeMutablePointer<String>?,
                                serviceName: UnsafeMutablePointer<String>?, flags: WskNameInfoFlags,
                                ownerValid: Bool) -> NTStatus {
        guard ownerValid, nodeName != nil || serviceName != nil else { return .invalidParameter }
        guard let registration = client.registration, registration.isRegistered else { return .invalidDeviceState }
        // Only the node name can fail, so it is settled before anything is written.
        if let nodeName {
            let ip = socketAddress.ip
            let named = flags.contains(.numericHost)
                ? nil : client.subsystem.hosts.sorted { $0.key < $1.key }.first { $0.value.contains(ip) }?.key
            if let named {
                nodeName.pointee = flags.contains(.noFullyQualifiedName) ? String(named.prefix { $0 != "." }) : named
            } else {
                guard flags.contains(.numericHost) || !flags.contains(.nameRequired) else { return .noMatch }
                nodeName.pointee = socketAddress.scopeID == 0 ? ip.description : "\(ip)%\(socketAddress.scopeID)"
            }
        }
        if let serviceName {
            let port = socketAddress.port
            serviceName.pointee = flags.contains(.numericService)
                ? String(port) : WskWellKnownService.name(of: port, datagram: flags.contains(.datagram)) ?? String(port)
        }
        return .success
    }
}
