/// The Python client of the TCP echo and discard case, run inside the
/// namespace with `python3 -c SCRIPT ADDRESS ECHO_PORT COUNT SEED
/// DISCARD_PORT DISCARD_BYTES`. First COUNT short connections in a row to
/// the echo service: each sends 1 to 4,000 seeded random bytes, half-closes,
/// reads to the service's FIN and compares. Then one connection to the
/// discard service sends DISCARD_BYTES, half-closes, and must see the
/// service's FIN with nothing before it. Prints one JSON object.
enum TCPEchoClient {
    static let script = #"""
import json, random, socket, sys, time
address, echo_port, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
discard_port, discard_bytes = int(sys.argv[5]), int(sys.argv[6])
rng = random.Random(seed)

def exchange(port, payload):
    s = socket.create_connection((address, port), timeout=20)
    s.sendall(payload)
    s.shutdown(socket.SHUT_WR)
    reply = bytearray()
    while True:
        data = s.recv(65536)
        if not data:
            break
        reply += data
    s.close()
    return bytes(reply)

echoed = mismatched = echo_bytes = 0
failed = None
started = time.monotonic()
for i in range(count):
    payload = rng.randbytes(rng.randint(1, 4000))
    try:
        reply = exchange(echo_port, payload)
    except OSError as error:
        failed = "connection %d: %s" % (i, error)
        break
    echo_bytes += len(payload)
    if reply == payload:
        echoed += 1
    else:
        mismatched += 1
echo_seconds = time.monotonic() - started
discard_reply = None
if failed is None:
    started = time.monotonic()
    try:
        discard_reply = len(exchange(discard_port, rng.randbytes(discard_bytes)))
    except OSError as error:
        failed = "discard: %s" % error
print(json.dumps({"echoed": echoed, "mismatched": mismatched, "echo_bytes": echo_bytes,
                  "echo_seconds": round(echo_seconds, 3), "discard_reply": discard_reply, "failed": failed}))
"""#
}
