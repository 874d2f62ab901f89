/// The Python client of the POST /sink case, run inside the namespace with
/// `python3 -c SCRIPT FAMILY ADDRESS PORT LENGTH SEED`: one connection, a
/// POST /sink head with `Content-Length: LENGTH`, then LENGTH seeded random
/// bytes (hashed here as they go), then the response read by its own
/// Content-Length. Prints one JSON object: the status line, the body, what
/// the body should be ("LENGTH SHA256HEX\n"), and the time taken.
enum HTTPSinkClient {
    static let script = #"""
import hashlib, json, random, socket, sys, time
address, port, length, seed = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
rng = random.Random(seed)
digest = hashlib.sha256()
started = time.monotonic()
s = socket.create_connection((address, port), timeout=60)
host = "[%s]" % address if ":" in address else address
s.sendall(("POST /sink HTTP/1.1\r\nHost: %s\r\nContent-Type: application/octet-stream\r\n"
           "Content-Length: %d\r\n\r\n" % (host, length)).encode())
sent = 0
while sent < length:
    chunk = rng.randbytes(min(1 << 20, length - sent))
    digest.update(chunk)
    s.sendall(chunk)
    sent += len(chunk)
response = b""
while b"\r\n\r\n" not in response:
    data = s.recv(65536)
    if not data:
        break
    response += data
head, _, body = response.partition(b"\r\n\r\n")
lines = head.decode("latin-1").split("\r\n")
fields = {}
for line in lines[1:]:
    name, _, value = line.partition(":")
    fields[name.strip().lower()] = value.strip()
wanted = int(fields.get("content-length", "0"))
while len(body) < wanted:
    data = s.recv(65536)
    if not data:
        break
    body += data
s.close()
print(json.dumps({"status": lines[0], "body": body.decode("latin-1"),
                  "expected": "%d %s\n" % (length, digest.hexdigest()),
                  "seconds": round(time.monotonic() - started, 3)}))
"""#
}
