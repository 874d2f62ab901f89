/// What holds an address in the TCP demultiplexer: a bound socket that has
/// not listened or connected yet, a listener, or a connection bound explicitly.
enum TCPEndpoint {
    case bound
    case listener(TCPListener)
}
