/// Python run inside the namespace with `python3 -c SCRIPT FILE`: the
/// SHA-256 of FILE and, computed independently of serve, of the pattern of
/// the same length that GET /bytes/N must send (byte i is i mod 256).
/// Prints "LENGTH FILE_SHA256 PATTERN_SHA256".
enum PatternDigest {
    static let script = #"""
import hashlib, os, sys
path = sys.argv[1]
length = os.path.getsize(path)
received = hashlib.sha256()
with open(path, "rb") as f:
    while True:
        chunk = f.read(1 << 20)
        if not chunk:
            break
        received.update(chunk)
pattern = hashlib.sha256()
block = bytes(range(256)) * 4096
left = length
while left > 0:
    pattern.update(block[:min(left, len(block))])
    left -= min(left, len(block))
print(length, received.hexdigest(), pattern.hexdigest())
"""#
}
