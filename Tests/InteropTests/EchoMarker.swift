/// A UDP datagram with a fixed payload sent to serve's UDP echo and
/// awaited (up to three tries, a second each), run inside the namespace
/// with `python3 -c SCRIPT ADDRESS PORT TEXT`. Marks a point in both
/// captures: frames from the kernel count from the request on, frames
/// from the stack from its echo on. Prints "echoed" or "lost".
enum EchoMarker {
    static let script = #"""
import socket, sys
address, port, text = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
s = socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET, socket.SOCK_DGRAM)
s.connect((address, port))
s.settimeout(1)
for attempt in range(3):
    s.send(text)
    try:
        if s.recv(2048) == text:
            print("echoed")
            sys.exit(0)
    except socket.timeout:
        pass
print("lost")
"""#
}
