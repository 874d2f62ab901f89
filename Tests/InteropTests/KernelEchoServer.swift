/// The kernel-side echo server that `netkernel connect` talks to, run
/// inside the namespace with `python3 -c SCRIPT PORT ADDRESS…`: for each
/// address a TCP listener (a thread per connection, echoing until the
/// client's FIN, then its own FIN) and a UDP socket echoing each datagram
/// to its sender. Prints `ready` once every socket is bound; runs until
/// killed.
enum KernelEchoServer {
    static let script = #"""
import socket, sys, threading
port, addresses = int(sys.argv[1]), sys.argv[2:]

def family(address):
    return socket.AF_INET6 if ":" in address else socket.AF_INET

def echo_connection(connection):
    with connection:
        while True:
            data = connection.recv(262144)
            if not data:
                break
            connection.sendall(data)
        connection.shutdown(socket.SHUT_WR)

def tcp(listener):
    while True:
        connection, _ = listener.accept()
        threading.Thread(target=echo_connection, args=(connection,), daemon=True).start()

def udp(sock):
    while True:
        data, peer = sock.recvfrom(65535)
        sock.sendto(data, peer)

threads = []
for address in addresses:
    listener = socket.socket(family(address), socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((address, port))
    listener.listen(16)
    datagrams = socket.socket(family(address), socket.SOCK_DGRAM)
    datagrams.bind((address, port))
    threads += [threading.Thread(target=tcp, args=(listener,), daemon=True),
                threading.Thread(target=udp, args=(datagrams,), daemon=True)]
for thread in threads:
    thread.start()
print("ready", flush=True)
threading.Event().wait()
"""#
}
