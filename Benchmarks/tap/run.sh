#!/usr/bin/env bash
# Benchmarks/tap/run.sh — NetKernel on a real wire: `netkernel serve` (and
# `netkernel connect`) on a TAP device against the Linux kernel in the same
# network namespace, and, as the ceiling, the kernel talking to itself over
# a veth pair between two namespaces, measured with the same clients.
#
#   TCP kernel → stack   bench.py push to serve's discard port (DUR s, then the FIN)
#   TCP stack → kernel   curl GET /bytes/GET_BYTES from serve's HTTP port;
#                        netkernel connect --send-bytes CONNECT_BYTES to a kernel sink
#   UDP 64 B             bench.py udpblast to serve's UDP echo for SDUR s: datagrams
#                        the stack echoed per second (its own counter, GET / before and after)
#   TCP conn/s           bench.py crr to serve's TCP echo: connect, 1 byte each way, close
#   veth ceiling         the same push, udpblast (counted by the receiving kernel's UDP
#                        layer) and crr (to a one-thread Python echo server), and iperf3
#                        one stream
#
# Usage (root): Benchmarks/tap/run.sh    RUNS=3 DUR=8 SDUR=5 by default; the
# medians of RUNS runs are printed as a Markdown table. Build first with
#   swift build -c release --product netkernel
# (NETKERNEL=path overrides .build/release/netkernel). Needs ip, python3,
# curl, iperf3, timeout. Everything runs inside the namespaces nkb_tap,
# nkb_a and nkb_b, made here and deleted by name on exit; addresses are
# from 192.0.2.0/24 and never leave them. Unpinned (the scheduler places
# every process), so client and stack compete for the machine's cores.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
NK=${NETKERNEL:-$ROOT/.build/release/netkernel}
RUNS=${RUNS:-3}
DUR=${DUR:-8}
SDUR=${SDUR:-5}
GET_BYTES=${GET_BYTES:-1073741824}
CONNECT_BYTES=${CONNECT_BYTES:-536870912}
T=nkb_tap A=nkb_a B=nkb_b
WORK=$(mktemp -d /tmp/nkb.XXXXXX)
PIDS=()

for tool in ip python3 curl iperf3 timeout; do
    command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }
[ -x "$NK" ] || { echo "no $NK: swift build -c release --product netkernel" >&2; exit 1; }

stop_pids() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    PIDS=()
}
del_ns() { for ns in "$@"; do ip netns del "$ns" 2>/dev/null || true; done; }
cleanup() { stop_pids; del_ns $T $A $B; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
del_ns $T $A $B

# wait_line FILE LINE: until FILE has the line, at most 30 s.
wait_line() {
    local deadline=$((SECONDS + 30))
    until grep -qx "$2" "$1" 2>/dev/null; do
        [ $SECONDS -lt $deadline ] || { echo "no '$2' in $1: $(cat "$1")" >&2; exit 1; }
        sleep 0.05
    done
}
kv() { tr ' ' '\n' | sed -n "s/^$1=//p" | head -1; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TICK=$(getconf CLK_TCK)
# client namespace: wide ephemeral range, no TIME_WAIT buckets (the crr loop makes tens of thousands)
client_sysctls() { ip netns exec "$1" sysctl -q -w net.ipv4.ip_local_port_range="1024 65535" net.ipv4.tcp_max_tw_buckets=0; }
udp_echoed() { ip netns exec $T curl -sS --max-time 10 http://192.0.2.2/ | sed -n 's/^UDP echo: \([0-9]*\) datagrams echoed.*/\1/p'; }

declare -a TAP_IN TAP_IN_CPU TAP_OUT TAP_OUT_CPU TAP_CONNECT TAP_UDP TAP_UDP_SENT TAP_CRR
declare -a VETH_BULK VETH_IPERF VETH_UDP VETH_UDP_SENT VETH_CRR

tap_run() {
    ip netns add $T
    ip -n $T link set lo up
    client_sysctls $T
    ip netns exec $T "$NK" serve --tap nkb0 --address 192.0.2.2/24 --echo 7 --discard 9 --http 80 --udp-echo 7 \
        --log-level warning >"$WORK/serve.out" 2>"$WORK/serve.err" &
    local serve=$!
    PIDS+=($serve)
    wait_line "$WORK/serve.out" ready
    ip -n $T addr add 192.0.2.1/24 dev nkb0
    ip netns exec $T ping -q -c 1 -W 2 192.0.2.2 >/dev/null

    local c0 c1 line
    c0=$(cpu_ticks $serve)
    line=$(timeout $((DUR + 60)) ip netns exec $T python3 "$HERE/bench.py" push 192.0.2.2 9 "$DUR")
    c1=$(cpu_ticks $serve)
    TAP_IN+=("$(kv gbit_per_s <<<"$line")")
    TAP_IN_CPU+=("$(python3 -c "print(round(($c1 - $c0) / $TICK / $(kv secs <<<"$line") * 100))")")

    c0=$(cpu_ticks $serve)
    line=$(timeout 300 ip netns exec $T curl -sS -o /dev/null -w '%{speed_download} %{time_total}' \
        "http://192.0.2.2/bytes/$GET_BYTES")
    c1=$(cpu_ticks $serve)
    TAP_OUT+=("$(python3 -c "print(round(${line% *} * 8 / 1e9, 3))")")
    TAP_OUT_CPU+=("$(python3 -c "print(round(($c1 - $c0) / $TICK / ${line#* } * 100))")")

    local before after
    before=$(udp_echoed)
    line=$(timeout $((SDUR + 30)) ip netns exec $T python3 "$HERE/bench.py" udpblast 192.0.2.2 7 "$SDUR" 64)
    after=$(udp_echoed)
    TAP_UDP+=("$(python3 -c "print(round(($after - $before) / $(kv secs <<<"$line")))")")
    TAP_UDP_SENT+=("$(kv sent_pps <<<"$line")")

    line=$(timeout $((SDUR + 30)) ip netns exec $T python3 "$HERE/bench.py" crr 192.0.2.2 7 "$SDUR")
    TAP_CRR+=("$(kv conn_per_s <<<"$line")")

    kill -TERM $serve
    wait $serve || { echo "serve failed: $(cat "$WORK/serve.err")" >&2; exit 1; }
    PIDS=()
    del_ns $T

    # netkernel connect → a kernel-side sink, on a TAP made beforehand.
    ip netns add $T
    ip -n $T link set lo up
    ip -n $T tuntap add nkb0 mode tap
    ip -n $T link set nkb0 up
    ip -n $T addr add 192.0.2.1/24 dev nkb0
    ip netns exec $T python3 "$HERE/bench.py" sink 192.0.2.1 5001 300 >"$WORK/sink.out" &
    PIDS+=($!)
    wait_line "$WORK/sink.out" ready
    line=$(timeout 300 ip netns exec $T "$NK" connect --tap nkb0 --address 192.0.2.2/24 \
        --send-bytes "$CONNECT_BYTES" 192.0.2.1 5001)
    TAP_CONNECT+=("$(sed -n 's/.*(\([0-9.]*\) Mbit\/s).*/\1/p' <<<"$line" | python3 -c "import sys; print(round(float(sys.stdin.read()) / 1000, 3))")")
    stop_pids
    del_ns $T
}

veth_run() {
    ip netns add $A
    ip netns add $B
    ip link add nkb_va netns $A type veth peer name nkb_vb netns $B
    ip -n $A link set lo up
    ip -n $B link set lo up
    ip -n $A link set nkb_va mtu 1500 up
    ip -n $B link set nkb_vb mtu 1500 up
    ip -n $A addr add 192.0.2.11/24 dev nkb_va
    ip -n $B addr add 192.0.2.12/24 dev nkb_vb
    client_sysctls $A
    ip netns exec $B python3 "$HERE/bench.py" sink 192.0.2.12 9 300 >"$WORK/vsink.out" &
    PIDS+=($!)
    ip netns exec $B python3 "$HERE/bench.py" echo 192.0.2.12 7 300 >"$WORK/vecho.out" &
    PIDS+=($!)
    ip netns exec $B python3 "$HERE/bench.py" udpsink 192.0.2.12 7 300 >"$WORK/vudp.out" &
    PIDS+=($!)
    ip netns exec $B iperf3 -s -p 5201 >/dev/null 2>&1 &
    PIDS+=($!)
    wait_line "$WORK/vsink.out" ready
    wait_line "$WORK/vecho.out" ready
    wait_line "$WORK/vudp.out" ready
    ip netns exec $A ping -q -c 1 -W 2 192.0.2.12 >/dev/null

    local line before after
    line=$(timeout $((DUR + 60)) ip netns exec $A python3 "$HERE/bench.py" push 192.0.2.12 9 "$DUR")
    VETH_BULK+=("$(kv gbit_per_s <<<"$line")")

    # iperf3's server may take a moment to listen: its client retries its control connection.
    local tries=0
    until line=$(timeout $((DUR + 30)) ip netns exec $A iperf3 -c 192.0.2.12 -p 5201 -t "$DUR" -J 2>/dev/null); do
        tries=$((tries + 1))
        [ $tries -lt 20 ] || { echo "iperf3 failed" >&2; exit 1; }
        sleep 0.1
    done
    VETH_IPERF+=("$(python3 -c "import json,sys; print(round(json.loads(sys.stdin.read())['end']['sum_received']['bits_per_second'] / 1e9, 3))" <<<"$line")")

    before=$(ip netns exec $B python3 "$HERE/bench.py" udpin)
    line=$(timeout $((SDUR + 30)) ip netns exec $A python3 "$HERE/bench.py" udpblast 192.0.2.12 7 "$SDUR" 64)
    after=$(ip netns exec $B python3 "$HERE/bench.py" udpin)
    VETH_UDP+=("$(python3 -c "print(round(($after - $before) / $(kv secs <<<"$line")))")")
    VETH_UDP_SENT+=("$(kv sent_pps <<<"$line")")

    line=$(timeout $((SDUR + 30)) ip netns exec $A python3 "$HERE/bench.py" crr 192.0.2.12 7 "$SDUR")
    VETH_CRR+=("$(kv conn_per_s <<<"$line")")
    stop_pids
    del_ns $A $B
}

echo "# machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, kernel $(uname -r), $(date -u +%Y-%m-%dT%H:%MZ)"
echo "# build: $NK ($(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?'), $(swift --version 2>/dev/null | head -1 || echo 'swift ?'))"
echo "# RUNS=$RUNS DUR=$DUR SDUR=$SDUR GET_BYTES=$GET_BYTES CONNECT_BYTES=$CONNECT_BYTES, unpinned"
for i in $(seq 1 "$RUNS"); do
    tap_run
    veth_run
    echo "run $i: tap in=${TAP_IN[-1]} Gbit/s (serve ${TAP_IN_CPU[-1]} % CPU) out=${TAP_OUT[-1]} Gbit/s (serve ${TAP_OUT_CPU[-1]} %)" \
        "connect=${TAP_CONNECT[-1]} Gbit/s udp=${TAP_UDP[-1]} pps (sent ${TAP_UDP_SENT[-1]}) crr=${TAP_CRR[-1]}/s |" \
        "veth bulk=${VETH_BULK[-1]} iperf3=${VETH_IPERF[-1]} Gbit/s udp=${VETH_UDP[-1]} pps (sent ${VETH_UDP_SENT[-1]}) crr=${VETH_CRR[-1]}/s"
done

# med V…: "median (min–max)"; whole numbers from 100 up (and for percentages, `med -i`).
med() { python3 -c "
import statistics, sys
whole = sys.argv[1] == '-i'
v = [float(x) for x in sys.argv[1 + whole:]]
f = (lambda x: f'{x:,.0f}') if whole or max(v) >= 100 else (lambda x: f'{x:.2f}')
print(f'**{f(statistics.median(v))}** ({f(min(v))}–{f(max(v))})')" "$@"; }

cat <<TABLE

| measure (median of $RUNS runs, min–max) | NetKernel on TAP ↔ kernel | kernel ↔ kernel over veth |
|---|---|---|
| TCP kernel → peer, Gbit/s (Python push, ${DUR} s) | $(med "${TAP_IN[@]}"), serve at $(med -i "${TAP_IN_CPU[@]}") % CPU | $(med "${VETH_BULK[@]}") |
| TCP peer → kernel, Gbit/s (curl GET /bytes/$GET_BYTES) | $(med "${TAP_OUT[@]}"), serve at $(med -i "${TAP_OUT_CPU[@]}") % CPU | iperf3 1 stream: $(med "${VETH_IPERF[@]}") |
| TCP NetKernel → kernel sink, Gbit/s (netkernel connect --send-bytes $CONNECT_BYTES) | $(med "${TAP_CONNECT[@]}") | (as the row above) |
| UDP 64 B taken in, datagrams/s (Python udpblast, ${SDUR} s) | $(med "${TAP_UDP[@]}") echoed; sent $(med "${TAP_UDP_SENT[@]}") | $(med "${VETH_UDP[@]}"); sent $(med "${VETH_UDP_SENT[@]}") |
| TCP connections/s (Python, 1 byte echoed, ${SDUR} s) | $(med "${TAP_CRR[@]}") | $(med "${VETH_CRR[@]}") (Python echo server) |
TABLE
