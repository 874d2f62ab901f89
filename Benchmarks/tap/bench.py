#!/usr/bin/env python3
"""bench.py - the kernel-side clients and servers of Benchmarks/tap/run.sh.

Every client is bounded by its own duration and socket timeouts, and prints
one line of key=value pairs.

  bench.py push HOST PORT SECS        TCP bulk: send for SECS, half-close, wait for the
                                      peer's FIN (so every byte was read) -> gbit_per_s
  bench.py crr HOST PORT SECS         short connections in a row: connect, 1 byte out,
                                      1 byte echoed back, close -> conn_per_s
  bench.py udpblast HOST PORT SECS N  N-byte UDP datagrams as fast as one socket
                                      sends them, for SECS -> sent_pps
  bench.py sink ADDRESS PORT SECS     TCP discard server (a thread per connection)
  bench.py echo ADDRESS PORT SECS     TCP echo server (one thread, selectors)
  bench.py udpsink ADDRESS PORT SECS  a bound UDP socket nobody reads
  bench.py udpin                      this namespace's UDP datagrams taken in so far
                                      (InDatagrams + RcvbufErrors from /proc/net/snmp)
"""
import selectors
import socket
import sys
import threading
import time


def family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def push(host, port, secs):
    chunk = bytes(range(256)) * 4096
    s = socket.create_connection((host, port), timeout=30)
    sent, t0 = 0, time.monotonic()
    end = t0 + secs
    while time.monotonic() < end:
        s.sendall(chunk)
        sent += len(chunk)
    s.shutdown(socket.SHUT_WR)
    while s.recv(65536):
        pass
    el = time.monotonic() - t0
    s.close()
    print(f"gbit_per_s={sent * 8 / el / 1e9:.3f} bytes={sent} secs={el:.3f}")


def crr(host, port, secs):
    n, t0 = 0, time.monotonic()
    end = t0 + secs
    addr = (host, port)
    while True:
        s = socket.socket(family(host), socket.SOCK_STREAM)
        s.settimeout(10)
        s.connect(addr)
        s.sendall(b"x")
        if s.recv(1) != b"x":
            raise SystemExit(f"connection {n}: no echo")
        s.close()
        n += 1
        if (n & 63) == 0 and time.monotonic() >= end:
            break
    el = time.monotonic() - t0
    print(f"conn_per_s={n / el:.0f} n={n}")


def udpblast(host, port, secs, size):
    s = socket.socket(family(host), socket.SOCK_DGRAM)
    s.connect((host, port))
    payload = b"u" * size
    n, t0 = 0, time.monotonic()
    end = t0 + secs
    while True:
        for _ in range(256):
            try:
                s.send(payload)
                n += 1
            except (BlockingIOError, ConnectionRefusedError, OSError):
                pass
        if time.monotonic() >= end:
            break
    el = time.monotonic() - t0
    print(f"sent_pps={n / el:.0f} sent={n} secs={el:.3f}")


def listener(address, port):
    ls = socket.socket(family(address), socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((address, port))
    ls.listen(1024)
    return ls


def sink(address, port, secs):
    ls = listener(address, port)
    ls.settimeout(secs)

    def drain(c):
        buffer = bytearray(1 << 20)
        with c:
            while c.recv_into(buffer):
                pass

    print("ready", flush=True)
    while True:
        try:
            c, _ = ls.accept()
        except socket.timeout:
            return
        threading.Thread(target=drain, args=(c,), daemon=True).start()


def echo(address, port, secs):
    ls = listener(address, port)
    ls.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(ls, selectors.EVENT_READ)
    print("ready", flush=True)
    end = time.monotonic() + secs
    while time.monotonic() < end:
        for key, _ in sel.select(timeout=1):
            if key.fileobj is ls:
                try:
                    c, _ = ls.accept()
                except BlockingIOError:
                    continue
                c.setblocking(False)
                sel.register(c, selectors.EVENT_READ)
                continue
            c = key.fileobj
            try:
                data = c.recv(65536)
            except (BlockingIOError, ConnectionResetError):
                data = b""
            if data:
                c.send(data)
            else:
                sel.unregister(c)
                c.close()


def udpsink(address, port, secs):
    s = socket.socket(family(address), socket.SOCK_DGRAM)
    s.bind((address, port))
    print("ready", flush=True)
    time.sleep(secs)


def udpin():
    with open("/proc/net/snmp") as f:
        rows = [line.split() for line in f if line.startswith("Udp:")]
    fields = dict(zip(rows[0][1:], map(int, rows[1][1:])))
    print(fields["InDatagrams"] + fields["RcvbufErrors"])


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "push":
        push(args[0], int(args[1]), float(args[2]))
    elif command == "crr":
        crr(args[0], int(args[1]), float(args[2]))
    elif command == "udpblast":
        udpblast(args[0], int(args[1]), float(args[2]), int(args[3]))
    elif command in ("sink", "echo", "udpsink"):
        {"sink": sink, "echo": echo, "udpsink": udpsink}[command](args[0], int(args[1]), float(args[2]))
    elif command == "udpin":
        udpin()
    else:
        raise SystemExit(__doc__)
