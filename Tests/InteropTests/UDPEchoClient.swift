/// The Python client of the UDP echo case, run inside the namespace with
/// `python3 -c SCRIPT FAMILY ADDRESS PORT COUNT SEED`. A connected UDP
/// socket sends `COUNT` datagrams of 1 to 1,400 random bytes, one at a
/// time, and compares each echo with what it sent. A datagram whose echo
/// does not come within 250 ms is sent again (counted as a retry), up to 40
/// times; an echo of an earlier, retried datagram arriving late is counted
/// as stale and skipped; anything else that differs is corrupted. Prints
/// one JSON object.
enum UDPEchoClient {
    static let script = #"""
import json, random, socket, sys
family = socket.AF_INET6 if sys.argv[1] == "6" else socket.AF_INET
address, port, count, seed = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
rng = random.Random(seed)
s = socket.socket(family, socket.SOCK_DGRAM)
s.connect((address, port))
s.settimeout(0.25)
echoed = retries = corrupted = stale = refused = 0
retried = set()
failed = None
for i in range(count):
    payload = rng.randbytes(rng.randint(1, 1400))
    tries = 0
    done = False
    while not done:
        if tries > 40:
            failed = "datagram %d never came back intact" % i
            break
        if tries > 0:
            retries += 1
            retried.add(payload)
        s.send(payload)
        tries += 1
        while True:
            try:
                data = s.recv(2048)
            except socket.timeout:
                break
            except ConnectionRefusedError:
                refused += 1
                break
            if data == payload:
                echoed += 1
                done = True
                break
            if data in retried:
                stale += 1
                continue
            corrupted += 1
    if failed:
        break
print(json.dumps({"sent": count, "echoed": echoed, "retries": retries, "corrupted": corrupted,
                  "stale": stale, "refused": refused, "failed": failed}))
"""#
}
