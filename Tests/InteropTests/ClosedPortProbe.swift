/// Python run inside the namespace: a UDP datagram to a port nobody
/// listens on must come back as ICMP (or ICMPv6) port unreachable, which
/// Linux reports on a connected socket as ECONNREFUSED. Prints "refused",
/// "timeout" or "answered". `python3 -c SCRIPT FAMILY ADDRESS PORT`.
enum ClosedPortProbe {
    static let script = #"""
import socket, sys
family = socket.AF_INET6 if sys.argv[1] == "6" else socket.AF_INET
s = socket.socket(family, socket.SOCK_DGRAM)
s.settimeout(3)
s.connect((sys.argv[2], int(sys.argv[3])))
s.send(b"anyone there?")
try:
    s.recv(100)
    print("answered")
except ConnectionRefusedError:
    print("refused")
except socket.timeout:
    print("timeout")
"""#
}
