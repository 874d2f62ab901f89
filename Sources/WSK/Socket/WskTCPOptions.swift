import NetCore
import TCPIP

/// The socket options a TCP socket holds (listen, connection and stream
/// sockets alike), parsed and reported in one place so that every category
/// answers them the same way. Which options a category takes is its `role`.
struct WskTCPOptions {
    /// Which socket the options belong to.
    enum Role {
        /// A listening socket (WSK_FLAG_LISTEN_SOCKET): SO_CONDITIONAL_ACCEPT,
        /// no SO_SNDBUF or SO_LINGER.
        case listen
        /// A connection socket: SO_SNDBUF and SO_LINGER, no conditional accept.
        case connection
        /// A stream socket before WskListen or WskConnect: everything but
        /// conditional accept, which stream listeners do not have.
        case undecided
    }

    /// SO_REUSEADDR or SO_EXCLUSIVEADDRUSE (WSK §6.2).
    var sharing: AddressSharing = .none
    /// IPV6_V6ONLY: on by default, as on Windows (WSK §7).
    var v6Only = true
    /// SO_KEEPALIVE (RFC 1122 §4.2.3.6), once set (nil: the stack's default).
    var keepAlive: Bool?
    /// TCP_NODELAY.
    var noDelay = false
    /// SO_RCVBUF, once set (nil: the transport's default and auto-tuning).
    var receiveBufferSize: Int?
    /// SO_SNDBUF: held and reported only; WSK sends from the client's buffers.
    var sendBufferSize = 65_536
    /// SO_LINGER's l_onoff and l_linger.
    var lingerOn: UInt16 = 0
    var lingerSeconds: UInt16 = 0
    /// SO_CONDITIONAL_ACCEPT.
    var conditionalAccept = false

    /// SO_LINGER {1, 0}: closing resets the connection instead of a graceful close.
    var closesAbortively: Bool { lingerOn != 0 && lingerSeconds == 0 }

    /// The option WskSetOption names, if it is one of these: its status —
    /// STATUS_INVALID_PARAMETER for a short input or an IPv6 option on an
    /// IPv4 socket, STATUS_INVALID_DEVICE_STATE for a before-bind option
    /// after bind, STATUS_NOT_SUPPORTED for an option `role` does not
    /// have. Nil for an option that is not a stored one (the caller's own,
    /// such as SO_WSK_EVENT_CALLBACK).
    mutating func set(_ code: UInt32, level: UInt32, input: UnsafeRawBufferPointer?, family: AddressFamily,
                      bound: Bool, role: Role) -> NTStatus? {
        switch (level, code) {
        case (WskControlCode.ipprotoIPv6, WskControlCode.ipv6V6Only):
            guard family == .inet6 else { return .invalidParameter }
            guard !bound else { return .invalidDeviceState }
            guard let value = Self.ulong(input) else { return .invalidParameter }
            v6Only = value != 0
        case (WskControlCode.ipprotoTCP, WskControlCode.tcpNoDelay):
            guard let value = Self.ulong(input) else { return .invalidParameter }
            noDelay = value != 0
        case (WskControlCode.solSocket, WskControlCode.reuseAddress),
             (WskControlCode.solSocket, WskControlCode.exclusiveAddressUse):
            guard !bound else { return .invalidDeviceState }
            guard let value = Self.ulong(input) else { return .invalidParameter }
            let mode: AddressSharing = code == WskControlCode.reuseAddress ? .reuseAddress : .exclusive
            if value != 0 {
                // The two exclude each other, as in Winsock.
                guard sharing == .none || sharing == mode else { return .invalidParameter }
                sharing = mode
            } else if sharing == mode {
                sharing = .none
            }
        case (WskControlCode.solSocket, WskControlCode.keepAlive):
            guard let value = Self.ulong(input) else { return .invalidParameter }
            keepAlive = value != 0
        case (WskControlCode.solSocket, WskControlCode.receiveBuffer):
            guard let value = Self.ulong(input), value > 0 else { return .invalidParameter }
            receiveBufferSize = Int(value)
        case (WskControlCode.solSocket, WskControlCode.sendBuffer):
            guard role != .listen else { return .notSupported }
            guard let value = Self.ulong(input) else { return .invalidParameter }
            sendBufferSize = Int(value)
        case (WskControlCode.solSocket, WskControlCode.linger):
            guard role != .listen else { return .notSupported }
            guard let input, input.count >= 4 else { return .invalidParameter }
            lingerOn = input.loadUnaligned(fromByteOffset: 0, as: UInt16.self).littleEndian
            lingerSeconds = input.loadUnaligned(fromByteOffset: 2, as: UInt16.self).littleEndian
        case (WskControlCode.solSocket, WskControlCode.conditionalAccept):
            guard role == .listen else { return .notSupported }
            guard !bound else { return .invalidDeviceState }
            guard let value = Self.ulong(input) else { return .invalidParameter }
            conditionalAccept = value != 0
        default:
            return nil
        }
        return .success
    }

    /// WskGetOption of a stored option: its status and bytes (a ULONG, or
    /// the 4-byte `linger`), or nil when the option is not a stored one.
    /// `defaults` is what SO_KEEPALIVE and SO_RCVBUF report when never set:
    /// the connection's own values, or the stack's.
    func get(_ code: UInt32, level: UInt32, family: AddressFamily, role: Role,
             defaults: (keepAlive: Bool, receiveBuffer: Int), output: UnsafeMutableRawBufferPointer?,
             written: inout Int) -> NTStatus? {
        let value: UInt32
        switch (level, code) {
        case (WskControlCode.ipprotoIPv6, WskControlCode.ipv6V6Only):
            guard family == .inet6 else { return .invalidParameter }
            value = v6Only ? 1 : 0
        case (WskControlCode.ipprotoTCP, WskControlCode.tcpNoDelay):
            value = noDelay ? 1 : 0
        case (WskControlCode.solSocket, WskControlCode.reuseAddress):
            value = sharing == .reuseAddress ? 1 : 0
        case (WskControlCode.solSocket, WskControlCode.exclusiveAddressUse):
            value = sharing == .exclusive ? 1 : 0
        case (WskControlCode.solSocket, WskControlCode.keepAlive):
            value = keepAlive ?? defaults.keepAlive ? 1 : 0
        case (WskControlCode.solSocket, WskControlCode.receiveBuffer):
            value = UInt32(clamping: receiveBufferSize ?? defaults.receiveBuffer)
        case (WskControlCode.solSocket, WskControlCode.sendBuffer) where role != .listen:
            value = UInt32(clamping: sendBufferSize)
        case (WskControlCode.solSocket, WskControlCode.linger) where role != .listen:
            value = UInt32(lingerOn) | UInt32(lingerSeconds) << 16
        case (WskControlCode.solSocket, WskControlCode.conditionalAccept) where role == .listen:
            value = conditionalAccept ? 1 : 0
        case (WskControlCode.solSocket, WskControlCode.sendBuffer), (WskControlCode.solSocket, WskControlCode.linger),
             (WskControlCode.solSocket, WskControlCode.conditionalAccept):
            return .notSupported
        default:
            return nil
        }
        guard let output, output.count >= 4 else { return .bufferTooSmall }
        output.storeBytes(of: value.littleEndian, toByteOffset: 0, as: UInt32.self)
        written = 4
        return .success
    }

    /// A ULONG option value, little-endian; nil for a missing or short buffer.
    static func ulong(_ input: UnsafeRawBufferPointer?) -> UInt32? {
        guard let input, input.count >= 4 else { return nil }
        return input.loadUnaligned(fromByteOffset: 0, as: UInt32.self).littleEndian
    }

    /// Stores a SIZE_T result (SIO_WSK_QUERY_*), little-endian.
    static func storeSize(_ value: Int, into output: UnsafeMutableRawBufferPointer?, written: inout Int) -> NTStatus {
        guard let output, output.count >= 8 else { return .bufferTooSmall }
        output.storeBytes(of: UInt64(max(0, value)).littleEndian, toByteOffset: 0, as: UInt64.self)
        written = 8
        return .success
    }
}
