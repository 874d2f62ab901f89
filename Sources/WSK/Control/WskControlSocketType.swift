/// WSK_CONTROL_SOCKET_TYPE: what a WskControlSocket call does.
public enum WskControlSocketType: UInt32, Sendable {
    /// WskSetOption.
    case setOption = 0
    /// WskGetOption.
    case getOption = 1
    /// WskIoctl.
    case ioctl = 2
}
