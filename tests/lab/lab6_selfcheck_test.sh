#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# lab.lab6_selfcheck: the dual-stack lab itself, without cutpoint (whose CLI does not speak
# IPv6 yet). Brings up one lab per scenario (lab c6<PID>, one at a time, taken down by the
# trap of lab_test_lib.sh whatever happens) and probes it from inside the prober namespace
# only, with raw ICMP/ICMPv6 sockets and TCP connects (checks wait 1.2 s):
#   drop       hop-limited echoes get time exceeded from router K's inbound IPv6 address,
#              the target's echo reply at the end; open ports connect, port 81 is refused;
#              the filtered hosts' port 25 times out in both families while their port 443
#              and echo work; --icmp6-ratelimit-ms reaches net.ipv6.icmp.ratelimit
#   rst        --filter-family 6 --silent-hop 1: the IPv6 host's open port 25 is refused
#              (the router's reset), its IPv4 twin connects; hop 1 sends no time exceeded
#              in either family, hop 2 does
#   icmp       ICMPv6 destination unreachable code 1 (admin) from router 3 quoting our SYN
#              and ICMP 3/13 in IPv4; --icmp6-code policy: code 5
#   drop --filter-family 4 --ratelimit-hop 2: IPv4 dropped, the IPv6 twin connects; router
#              2 answers 100 hop-limited IPv6 echoes sent 10 ms apart only ~50 times
#   inject     the forged RST refuses port 25 (IPv6 and IPv4) while the destination's nft
#              counter sees the relayed SYN; --inject-ttl-mode remaining: the RST of a SYN
#              sent with hop limit 2 dies on the way back, one sent with 64 arrives
#   blackhole  every probe to the filtered hosts dies silently at router 2, time exceeded
#              included, while router 1 still answers and the other hosts work
#   ecmp       hop 2 is r2a/r2b: 20 echoes per IPv6 flow label, 16 labels, all of a label's
#              packets take one branch (nft counters on both) and both branches get labels;
#              with --loss 3:30 on top (49 % of echoes survive), 100 echoes come back 25..75 times
# Needs root, ip, python3 and nft; exits 77 (ctest SKIP) otherwise.
set -euo pipefail
# shellcheck source=lab_test_lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lab_test_lib.sh"
lab_usage 2 "LISTENER_BINARY INJECTOR_BINARY" "$@"
LISTENER=$1
INJECTOR=$2
lab_test_init lab.lab6_selfcheck ip python3 nft
lab_need_executable "$LISTENER" "$INJECTOR"
lab_workdir cutpoint-lab6
PROBE=$LAB_WORK/probe6.py
FAILURES=0

cat >"$PROBE" <<'PY'
import errno, ipaddress, os, select, socket, struct, sys, time

# Checks from stdin, one per line, all run at once (run inside the prober namespace only):
#   tcp ADDR PORT WANT [HOPS]       connect (TTL / hop limit HOPS): WANT is open, refused,
#                                   eacces, ehostunreach or timeout, or several joined by |
#   echo ADDR HOPS WANT [FROM]      echo request with that TTL / hop limit: reply | exceeded |
#                                   unreach:CODE | none; FROM = who must answer
#   icmperr ADDR PORT TYPE CODE FROM  an ICMP(v6) error TYPE/CODE from FROM quoting our TCP
#                                   segment to ADDR:PORT arrives (pair it with a tcp line)
#   burst ADDR HOPS COUNT LO HI     COUNT echo requests at once: LO..HI answers of any kind
#   paced ADDR HOPS COUNT GAP_MS LO HI  the same, GAP_MS apart (the other checks wait)
#   flows SRC ADDR LABEL COUNT      COUNT IPv6 echo requests with flow label LABEL (header
#                                   built here); checked by the caller's counters
WAIT = float(os.environ.get("PROBE_WAIT", "1.2"))
IDENT = os.getpid() & 0xFFFF
ERRNO = {"refused": errno.ECONNREFUSED, "eacces": errno.EACCES,
         "ehostunreach": errno.EHOSTUNREACH}


def norm(a):
    return str(ipaddress.ip_address(a))


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


class Run:
    def __init__(self):
        self.s4 = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        self.s6 = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
        self.seq = 0
        self.echoes = {}   # seq -> list of (kind, from, code)
        self.errors = []   # (family, type, code, from, quoted dst, quoted dport)
        self.tcp = []      # [sock, addr, port, want, result]

    def echo(self, addr, hops):
        self.seq += 1
        v6 = ":" in addr
        s = self.s6 if v6 else self.s4
        if v6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, hops)
            pkt = struct.pack("!BBHHH", 128, 0, 0, IDENT, self.seq) + b"lab6"
        else:
            s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, hops)
            hdr = struct.pack("!BBHHH", 8, 0, 0, IDENT, self.seq) + b"lab6"
            pkt = hdr[:2] + struct.pack("!H", csum(hdr)) + hdr[4:]
        self.echoes[self.seq] = []
        s.sendto(pkt, (addr, 0))
        return self.seq

    def connect(self, addr, port, want, hops):
        fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.setblocking(False)
        if hops and fam == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, hops)
        elif hops:
            s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, hops)
        rc = s.connect_ex((addr, port))
        entry = [s, addr, port, want, None]
        if rc not in (0, errno.EINPROGRESS):
            entry[4] = rc
        self.tcp.append(entry)
        return entry

    def flows(self, src, dst, label, count):
        raw = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
        s, d = socket.inet_pton(socket.AF_INET6, src), socket.inet_pton(socket.AF_INET6, dst)
        for i in range(count):
            icmp = struct.pack("!BBHHH", 128, 0, 0, IDENT, 60000 + i % 5000) + b"flow"
            pseudo = s + d + struct.pack("!IxxxB", len(icmp), 58)
            icmp = icmp[:2] + struct.pack("!H", csum(pseudo + icmp)) + icmp[4:]
            hdr = struct.pack("!IHBB", (6 << 28) | (label & 0xFFFFF), len(icmp), 58, 64)
            raw.sendto(hdr + s + d + icmp, (dst, 0))
        raw.close()

    def read_icmp(self, data, src, v6):
        off = 0 if v6 else (data[0] & 15) * 4
        if len(data) < off + 8:
            return
        t, code, _, ident, seq = struct.unpack("!BBHHH", data[off:off + 8])
        if t == (129 if v6 else 0):
            if ident == IDENT and seq in self.echoes:
                self.echoes[seq].append(("reply", norm(src), code))
            return
        if t not in ((1, 3) if v6 else (3, 11)):
            return
        kind = "exceeded" if t == (3 if v6 else 11) else "unreach"
        q = data[off + 8:]
        if v6 and len(q) >= 48:
            nh, qdst, l4 = q[6], q[24:40], q[40:]
            qdst = socket.inet_ntop(socket.AF_INET6, qdst)
        elif not v6 and len(q) >= 28:
            ihl = (q[0] & 15) * 4
            nh, qdst, l4 = q[9], socket.inet_ntop(socket.AF_INET, q[16:20]), q[ihl:]
        else:
            return
        if nh in (1, 58) and len(l4) >= 8:
            qi, qs = struct.unpack("!HH", l4[4:8])
            if qi == IDENT and qs in self.echoes:
                self.echoes[qs].append((kind, norm(src), code))
        if nh == 6 and len(l4) >= 4:
            self.errors.append((6 if v6 else 4, t, code, norm(src), norm(qdst),
                                struct.unpack("!H", l4[2:4])[0]))

    def wait(self, until):
        while True:
            pending = [e for e in self.tcp if e[4] is None]
            left = until - time.time()
            if left <= 0:
                break
            wr = [e[0] for e in pending]
            r, w, _ = select.select([self.s4, self.s6], wr, [], left)
            for s in r:
                data, src = s.recvfrom(4096)
                self.read_icmp(data, src[0], s is self.s6)
            for e in pending:
                if e[0] in w:
                    e[4] = e[0].getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)


def tcp_result(rc):
    if rc is None:
        return "timeout"
    if rc == 0:
        return "open"
    for name, value in ERRNO.items():
        if rc == value:
            return name
    return errno.errorcode.get(rc, str(rc)).lower()


def main():
    run, checks = Run(), []
    for line in sys.stdin:
        f = line.split()
        if not f or f[0].startswith("#"):
            continue
        checks.append(f)
        if f[0] == "tcp":
            f.append(run.connect(f[1], int(f[2]), f[3], int(f[4]) if len(f) > 4 else 0))
        elif f[0] == "echo":
            f.append(run.echo(f[1], int(f[2])))
        elif f[0] == "burst":
            f.append([run.echo(f[1], int(f[2])) for _ in range(int(f[3]))])
        elif f[0] == "paced":
            seqs = []
            for _ in range(int(f[3])):
                seqs.append(run.echo(f[1], int(f[2])))
                run.wait(time.time() + int(f[4]) / 1000.0)
            f.append(seqs)
        elif f[0] == "flows":
            run.flows(f[1], f[2], int(f[3], 0), int(f[4]))
    run.wait(time.time() + WAIT)
    bad = 0
    for f in checks:
        ok, got = True, ""
        if f[0] == "tcp":
            got = tcp_result(f[-1][4])
            ok = got in f[3].split("|")
        elif f[0] == "echo":
            answers = run.echoes[f[-1]]
            want = f[3]
            if want == "none":
                ok, got = not answers, str(answers)
            else:
                kind, _, code = want.partition(":")
                got = str(answers)
                ok = any(a[0] == kind and (not code or a[2] == int(code)) and
                         (len(f) < 6 or a[1] == norm(f[4])) for a in answers)
        elif f[0] == "icmperr":
            hits = [e for e in run.errors if e[4] == norm(f[1]) and e[5] == int(f[2])]
            got = str(hits)
            ok = any(e[1] == int(f[3]) and e[2] == int(f[4]) and e[3] == norm(f[5]) for e in hits)
        elif f[0] in ("burst", "paced"):
            n = sum(1 for s in f[-1] if run.echoes[s])
            got, ok = "%d answers" % n, int(f[-3]) <= n <= int(f[-2])
        else:
            continue
        line = " ".join(x for x in f if isinstance(x, str))
        print("%s %s -> %s" % ("ok  " if ok else "FAIL", line, got))
        bad += not ok
    sys.exit(1 if bad else 0)


main()
PY

# up ARGS...: lab c6<PID> with these lab.sh options (any earlier one taken down first).
up() {
  [[ -z $LAB_TEST_NAME ]] || LAB_QUIET=1 bash "$LAB_SH" down "$LAB_TEST_NAME"
  lab_up c6 --routers 3 --listener "$LISTENER" --injector "$INJECTOR" "$@"
  echo "lab.lab6_selfcheck: lab $*"
}

# probe: the checks on stdin (see probe6.py), run in the prober namespace.
probe() {
  if ! ip netns exec "$PROBER_NS" python3 "$PROBE"; then
    FAILURES=$((FAILURES + 1))
  fi
}

fail() {
  echo "FAIL $*"
  FAILURES=$((FAILURES + 1))
}

# expect_sysctl NS KEY VALUE
expect_sysctl() {
  local got
  got=$(ip netns exec "$1" sysctl -n "$2")
  if [[ $got == "$3" ]]; then echo "ok   $1 $2 = $got"; else fail "$1 $2 = $got, expected $3"; fi
}

# counter NS: packets counted by the lab6check table's one rule there.
counter() {
  ip netns exec "$1" nft list table inet lab6check | sed -n 's/.*counter packets \([0-9]*\).*/\1/p'
}

# add_counter NS HOOK MATCH: an nft counter for MATCH in a table of the test's own.
add_counter() {
  ip netns exec "$1" nft -f - <<EOT
table inet lab6check {
  chain c {
    type filter hook $2 priority -20; policy accept;
    $3 counter
  }
}
EOT
}

router_ns() { echo "${PROBER_NS%-p}-r$1"; }

# twin6 IPV4: the IPv6 twin of a target of 198.19.1.0/24 in TARGET_PREFIX6.
twin6() { printf '%s%x\n' "${TARGET_PREFIX6%%::*}::" $(( 0x100 + ${1##*.} )); }

check_drop() {
  up --scenario drop --icmp6-ratelimit-ms 40
  local a=2001:2:0:ff00::107 f
  f=$(twin6 198.19.1.101)
  [[ $TARGET_PREFIX6 == 2001:2:0:ff00::100/120 && $FILTERED6 == "$f,$(twin6 198.19.1.102)" ]] ||
    fail "TARGET_PREFIX6=$TARGET_PREFIX6 FILTERED6=$FILTERED6"
  expect_sysctl "$(router_ns 1)" net.ipv6.icmp.ratelimit 40
  expect_sysctl "$(router_ns 1)" net.ipv4.icmp_ratelimit 0
  expect_sysctl "$(router_ns 2)" net.ipv6.conf.all.forwarding 1
  probe <<EOF
echo $a 1 exceeded $HOP6_1
echo $a 2 exceeded $HOP6_2
echo $a 3 exceeded $HOP6_3
echo $a 4 reply $a
echo 198.19.1.7 3 exceeded $HOP_3
tcp $a 25 open
tcp $a 443 open
tcp $a 81 refused
tcp $f 25 timeout
tcp $f 443 open
echo $f 64 reply $f
echo $f 2 exceeded $HOP6_2
tcp 198.19.1.101 25 timeout
tcp 198.19.1.101 443 open
EOF
}

check_rst() {
  up --scenario rst --filter-family 6 --silent-hop 1
  local f
  f=$(twin6 198.19.1.102)
  [[ -z $FILTERED && $FILTER_FAMILY == 6 ]] || fail "FILTERED=$FILTERED FILTER_FAMILY=$FILTER_FAMILY"
  probe <<EOF
tcp $f 25 refused
tcp $f 443 open
tcp 198.19.1.102 25 open
echo $f 1 none
echo 198.19.1.102 1 none
echo $f 2 exceeded $HOP6_2
EOF
}

check_icmp() {
  local f
  f=$(twin6 198.19.1.101)
  up --scenario icmp --filter-router 3
  probe <<EOF
tcp $f 25 eacces|timeout
icmperr $f 25 1 1 $HOP6_3
tcp $f 443 open
tcp 198.19.1.101 25 ehostunreach|timeout
icmperr 198.19.1.101 25 3 13 $HOP_3
EOF
  up --scenario icmp --icmp6-code policy
  [[ $ICMP6_CODE == 5 ]] || fail "ICMP6_CODE=$ICMP6_CODE, expected 5"
  probe <<EOF
tcp $f 25 eacces|timeout
icmperr $f 25 1 5 $HOP6_2
EOF
}

check_family4_ratelimit() {
  up --scenario drop --filter-family 4 --ratelimit-hop 2 --ratelimit-pps 50
  [[ -z $FILTERED6 ]] || fail "FILTERED6=$FILTERED6 with --filter-family 4"
  expect_sysctl "$(router_ns 2)" net.ipv6.icmp.ratelimit 20
  expect_sysctl "$(router_ns 1)" net.ipv6.icmp.ratelimit 0
  probe <<EOF
tcp 198.19.1.101 25 timeout
tcp $(twin6 198.19.1.101) 25 open
paced 2001:2:0:ff00::120 2 100 10 30 80
EOF
}

check_inject() {
  local f
  f=$(twin6 198.19.1.101)
  up --scenario inject
  add_counter "$DEST_NS" input "ip6 daddr $f tcp dport 25 tcp flags & (syn | ack) == syn"
  probe <<EOF
tcp $f 25 refused
tcp 198.19.1.101 25 refused
tcp $f 443 open
tcp $(twin6 198.19.1.103) 25 open
EOF
  local seen
  seen=$(counter "$DEST_NS")
  if (( seen >= 1 )); then
    echo "ok   the destination saw $seen relayed SYN(s) to [$f]:25"
  else
    fail "the destination saw no SYN to [$f]:25"
  fi
  up --scenario inject --inject-ttl-mode remaining
  probe <<EOF
tcp $f 25 ehostunreach|timeout 2
tcp $f 25 refused 64
EOF
}

check_blackhole() {
  local f
  f=$(twin6 198.19.1.101)
  up --scenario blackhole
  probe <<EOF
tcp $f 25 timeout
tcp $f 443 timeout
echo $f 64 none
echo $f 2 none
echo $f 1 exceeded $HOP6_1
echo 198.19.1.101 64 none
tcp 198.19.1.101 443 timeout
tcp $(twin6 198.19.1.100) 25 open
echo $(twin6 198.19.1.100) 2 exceeded $HOP6_2
EOF
}

# Per flow label: its 20 packets all through r2a or all through r2b.
check_ecmp() {
  up --scenario open --ecmp-hop 2 --loss 3:30
  local a_ns b_ns label a0=0 b0=0 a b na=0 nb=0
  local match="ip6 saddr $PROBER_ADDR6 icmpv6 type echo-request"
  a_ns=$(router_ns 2a); b_ns=$(router_ns 2b)
  add_counter "$a_ns" forward "$match"
  add_counter "$b_ns" forward "$match"
  for label in $(seq 1 16); do
    echo "flows $PROBER_ADDR6 2001:2:0:ff00::105 $label 20" | PROBE_WAIT=0 probe
    a=$(counter "$a_ns"); b=$(counter "$b_ns")
    if (( a - a0 == 20 && b == b0 )); then na=$((na + 1))
    elif (( b - b0 == 20 && a == a0 )); then nb=$((nb + 1))
    else fail "flow label $label split: r2a +$((a - a0)), r2b +$((b - b0))"
    fi
    a0=$a; b0=$b
  done
  if (( na > 0 && nb > 0 )); then
    echo "ok   16 flow labels: $na through r2a, $nb through r2b"
  else
    fail "16 flow labels: $na through r2a, $nb through r2b"
  fi
  probe <<EOF
burst 2001:2:0:ff00::110 64 100 25 75
EOF
}

start=$SECONDS
check_drop
check_rst
check_icmp
check_family4_ratelimit
check_inject
check_blackhole
check_ecmp
echo "lab.lab6_selfcheck: $FAILURES failure(s), $((SECONDS - start)) s"
(( FAILURES == 0 ))
