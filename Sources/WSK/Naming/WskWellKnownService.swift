/// One line of the services file (%WINDIR%\system32\drivers\etc\services)
/// for the few well-known services WskGetAddressInfo and WskGetNameInfo
/// know by name, with the transports Windows lists each under.
struct WskWellKnownService {
    /// The service name, matched without regard to case.
    let name: String
    /// The port.
    let port: UInt16
    /// Listed under tcp.
    let tcp: Bool
    /// Listed under udp.
    let udp: Bool

    /// The table, as Windows' services file has these entries.
    static let all: [WskWellKnownService] = [
        WskWellKnownService(name: "echo", port: 7, tcp: true, udp: true),
        WskWellKnownService(name: "discard", port: 9, tcp: true, udp: true),
        WskWellKnownService(name: "daytime", port: 13, tcp: true, udp: true),
        WskWellKnownService(name: "domain", port: 53, tcp: true, udp: true),
        WskWellKnownService(name: "http", port: 80, tcp: true, udp: false),
        WskWellKnownService(name: "ntp", port: 123, tcp: false, udp: true),
        WskWellKnownService(name: "https", port: 443, tcp: true, udp: true),
    ]

    /// The port a ServiceName stands for: a decimal number 0–65535, or a
    /// name listed under the socket type's transport (either, for no type;
    /// neither, for SOCK_RAW, which has no ports to name). Nil otherwise.
    static func port(of service: String, socketType: WskSocketType?) -> UInt16? {
        if !service.isEmpty, service.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            return UInt16(service)
        }
        let folded = service.lowercased()
        return all.first { entry in
            guard entry.name == folded else { return false }
            switch socketType {
            case nil: return true
            case .stream?: return entry.tcp
            case .datagram?: return entry.udp
            case .raw?: return false
            }
        }?.port
    }

    /// The name of `port` under udp (`datagram`) or tcp, if it has one.
    static func name(of port: UInt16, datagram: Bool) -> String? {
        all.first { $0.port == port && (datagram ? $0.udp : $0.tcp) }?.name
    }
}
