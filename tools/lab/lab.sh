#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Cutpoint network-namespace lab, dual stack (IPv4 and IPv6 on every link).
#
# Chain topology (every scenario except "story"):
#
#   NAME-p (prober) -- NAME-r1 -- ... -- NAME-rN -- NAME-d (destination)
#
# Link k (k = 0..N) joins node k and node k+1 (node 0 = prober, node N+1 =
# destination) with subnet 198.18.k.0/24: left side .1, right side .2.  In
# every namespace the veth for link k is called "lnk<k>" (the prober only has
# lnk0).  The destination owns the whole target prefix (AnyIP local route), so
# every address in it answers; a TCP listener serves the open ports and every
# other port draws a kernel RST.  Router k answers TTL expiry from its inbound
# (prober-facing) address 198.18.(k-1).2.
#
# IPv6 (2001:2::/48, RFC 5180 benchmarking space, nothing else): the link with
# IPv4 subnet 198.18.X.0/24 also has 2001:2:0:X::/64, X's decimal digits
# written as the hextet (198.18.102.2 <-> 2001:2:0:102::2; link 0 is
# 2001:2::/64), left ::1, right ::2, added with nodad and permanent neighbour
# entries (no DAD, router solicitation, autoconf or link-local address: the
# lab stays quiet).  The destination owns an IPv6 target prefix too: target i
# of the IPv4 prefix is target i of the IPv6 prefix, and by default the IPv6
# prefix is the IPv4 one's twin in 2001:2:0:ff00::/112, which mirrors
# 198.19.0.0/16 address for address: 198.19.C.D <-> 2001:2:0:ff00::(C*256+D)
# in hex (198.19.1.0/24 -> 2001:2:0:ff00::100/120, so 198.19.1.101 ->
# 2001:2:0:ff00::165).  --prefix6 moves it (same size, inside that /112).
# Routers forward IPv6 and route 2001:2:0:ff00::/56 towards the destination,
# 2001:2::/52 (the links) back.  Linux sources an ICMPv6 error from the
# address of the interface it leaves through, which on the way back to the
# prober is the inbound one: router k answers hop-limit expiry from
# 2001:2:0:(k-1)::2 (tests/lab/lab6_selfcheck_test.sh checks it).
#
# Scenarios (--scenario) put a filter for the TEST PORT (--port, default 25)
# of a SUBSET of the prefix (--filtered, default prefix+101 and prefix+102,
# and their IPv6 twins) on router k (--filter-router K, default 2); other
# targets, other ports and ICMP stay untouched as controls.  --filter-family
# 4|6|both (default both) filters one family only: --filter-family 4 leaves the
# twins reachable over IPv6.  IPv6 addresses in --filtered add to the twins.
#   open     no filter
#   drop     nft forward rule (inet table): silent drop
#   rst      nft forward rule: reject with tcp reset (in-path, SYN dropped)
#   inject   cutpoint-lab-injector on router k's lnk<k-1>: forged RST|ACK in
#            the target's name (TTL / hop limit 64, random IP ID, no DF, IPv6
#            flow label 0); the SYN travels on (relayed by the injector right
#            after its RST, so the forged RST always arrives before the real
#            SYN-ACK; --inject-mode tap leaves forwarding to the kernel and
#            lets them race; --inject-ttl-mode remaining[+N] gives the RST the
#            SYN's arriving TTL plus N instead of 64; copy gives it the
#            server's TTL as it leaves router k, DF and IP ID 0)
#   icmp     nft forward rule: reject with icmp admin-prohibited (type 3/13)
#            and ICMPv6 destination unreachable code 1 admin-prohibited, or
#            code 5 policy-fail / 6 reject-route (--icmp6-code)
#   partial  nft forward rule: drops --drop-percent P (default 50) % of the SYNs
#            to the test port of the filtered hosts at random (numgen random
#            mod 100 < P; SYN only, so the prober's RSTs pass and no half-open
#            connection hides a SYN that got through) -> partial_drop with
#            pass fraction (100 - P) / 100
#   blackhole  blackhole routes (ip route add blackhole, the fewest prefixes
#            covering the filtered hosts: a null-routed sub-prefix) on router
#            k: every protocol of those hosts, controls and expiring probes
#            included, dies silently there -> blackholed after hop k-1
#   story    the ProtonMail story: prober - r1 - r2 - { r3a - da (198.19.1.0/24,
#            .101/.102 silently dropped on the test port by r3a),
#            r3b - db (198.19.2.0/24, .101/.102 get forged RSTs injected
#            on-path by an injector on r3b) }.  r2 routes by prefix.  IPv6:
#            da owns 2001:2:0:ff00::100/120, db 2001:2:0:ff00::200/120, the
#            twins of the filtered hosts are filtered alike.
# Harder paths (chain scenarios, combinable):
#   --silent-hop J      router J never sends ICMP / ICMPv6 time exceeded (nft
#                       output rule)
#   --ratelimit-hop J   router J rate-limits ICMP to --ratelimit-pps P (default
#                       50): icmp_msgs_per_sec=P, icmp_msgs_burst=P (one
#                       global limiter for both families), and the per-
#                       destination limiters icmp_ratelimit=1000/P ms and
#                       net.ipv6.icmp.ratelimit=1000/P ms (measured: equal
#                       values give equal rates on this kernel)
#   --loss J:PCT[,...]  router J drops PCT % of the packets it forwards, both
#                       directions and families, at random (nft numgen;
#                       sch_netem is not needed); the packets it sends itself
#                       (its ICMP) pass
#   --also-filter SCENARIO:J:A,B,...  a second filter (drop, rst, icmp or
#                       inject) on router J for other hosts of the prefix: two
#                       filters on one path, both in the truth's `filters`
#   --ecmp-hop J        hop J is two parallel routers NAME-rJa / NAME-rJb
#                       (b links: 198.18.(100+J-1).0/24 and 198.18.(100+J).0/24,
#                       veths lnk<J-1>b / lnk<J>b on the outer routers); router
#                       J-1 splits IPv4 by L4 flow hash (multipath route,
#                       fib_multipath_hash_policy=1) and IPv6 by source,
#                       destination, flow label and next header
#                       (net.ipv6.fib_multipath_hash_policy=0): an IPv6 flow
#                       keeps its branch only while its flow label stays.
#                       With --filter-router J only branch a filters.  Returns
#                       go through branch a; router J+1 answers from its
#                       lnk<J> address (both families) either way.
#   --second-vantage    a second prober NAME-p2 (vantage B) on its own veth
#                       "lnkv" (198.18.200.0/24 and 2001:2:0:200::/64: prober
#                       .1 / ::1, router .2 / ::2) to router k, the filter
#                       router (router 2, or N if N < 2, when --scenario open);
#                       default routes via router k, which answers TTL expiry
#                       from 198.18.200.2 / 2001:2:0:200::2; explicit routes to
#                       198.18.200.0/24 and its /64 on every other router and
#                       the destination.  The --scenario filter then matches
#                       only what arrives on router k's lnk<k-1> (nft iifname:
#                       a transit that filters one upstream only), so B's
#                       probes bypass it.  Topology file: PROBER2_NS, _IF,
#                       _ADDR, _GW, _ADDR6, _GW6, _ROUTER, _DISTANCE; truth:
#                       "second_vantage".  Chain scenarios only; not with
#                       blackhole or --ecmp-hop.
#
# --truth FILE writes the ground truth as JSON (see tests/lab/README.md).
#
# Nothing is created in, or changed on, the root network namespace.  All
# addresses come from 198.18.0.0/15 (RFC 2544) and 2001:2::/48 (RFC 5180).
#
# Usage:
#   lab.sh up NAME [--routers N] [--prefix CIDR] [--prefix6 CIDR6]
#                  [--open-ports P,P,...]
#                  [--icmp-ratelimit-ms MS] [--icmp6-ratelimit-ms MS]
#                  [--icmp-msgs-per-sec N]
#                  [--listener PATH] [--injector PATH]
#                  [--scenario NAME] [--port P] [--filtered A,B,...]
#                  [--filter-family 4|6|both] [--icmp6-code admin|policy|reject-route]
#                  [--filter-router K] [--silent-hop J] [--ratelimit-hop J]
#                  [--ratelimit-pps P] [--ecmp-hop J] [--inject-mode relay|tap]
#                  [--inject-ttl-mode fixed|remaining[+N]|copy]
#                  [--also-filter SCENARIO:J:A,B,...]
#                  [--loss J:PCT[,J:PCT...]] [--drop-percent P] [--second-vantage]
#                  [--truth FILE] --out FILE
#   lab.sh down NAME
#   lab.sh list
set -euo pipefail

readonly STATE_ROOT=/run/cutpoint-lab
readonly CLOSED_PORT=81
readonly LINK_NET=198.18        # link k = 198.18.k.0/24
readonly LINKS6=2001:2::/52     # every IPv6 link (2001:2:0:X::/64, X <= 255 in decimal digits)
readonly TARGETS6=2001:2:0:ff00::/56  # routed towards the destination, like 198.19.0.0/16
readonly TWIN6=2001:2:0:ff00    # 198.19.0.0/16 <-> 2001:2:0:ff00::/112, address for address
readonly NS_SUFFIX_RE='(p2?|d[ab]?|r[0-9]+[ab]?)'
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR

die() { echo "lab.sh: error: $*" >&2; exit 2; }
warn() { echo "lab.sh: warning: $*" >&2; }
log() { [[ -n ${LAB_QUIET:-} ]] || echo "lab.sh: $*" >&2; }

usage() {
  cat >&2 <<'EOT'
usage:
  lab.sh up NAME [--routers N (1..30, default 3)]
                 [--prefix CIDR (inside 198.19.0.0/16, default 198.19.1.0/24)]
                 [--prefix6 CIDR6 (inside 2001:2:0:ff00::/112, as large as --prefix;
                                   default its twin, 198.19.1.0/24 -> 2001:2:0:ff00::100/120)]
                 [--open-ports P,P,... (default 25,443; "" for none)]
                 [--icmp-ratelimit-ms MS (default 0 = unlimited)]
                 [--icmp6-ratelimit-ms MS (net.ipv6.icmp.ratelimit, default as IPv4)]
                 [--icmp-msgs-per-sec N (default 100000, both families)]
                 [--listener PATH (cutpoint-lab-listener binary)]
                 [--injector PATH (cutpoint-lab-injector binary)]
                 [--scenario open|drop|partial|rst|inject|icmp|blackhole|story (default open)]
                 [--drop-percent P (partial: share of SYNs dropped, 1..99, default 50)]
                 [--port P (filtered test port, default 25)]
                 [--filtered A,B,... (IPv4 or IPv6; default prefix+101,prefix+102)]
                 [--filter-family 4|6|both (default both: IPv4 hosts and their twins)]
                 [--icmp6-code admin|policy|reject-route (ICMPv6 code 1|5|6, default admin)]
                 [--filter-router K (1..N, default 2 or N if N < 2)]
                 [--silent-hop J] [--ratelimit-hop J [--ratelimit-pps P (50)]]
                 [--ecmp-hop J (2..N)] [--inject-mode relay|tap (default relay)]
                 [--inject-ttl-mode fixed|remaining[+N]|copy (forged RST TTL, default fixed 64)]
                 [--also-filter SCENARIO:J:A,B,... (a second filter on router J)]
                 [--loss J:PCT[,J:PCT...] (router J drops PCT % of what it forwards)]
                 [--second-vantage (a second prober NAME-p2 on router k, bypassing its filter)]
                 [--truth FILE (ground truth JSON)]
                 --out FILE
  lab.sh down NAME
  lab.sh list
EOT
  exit 2
}
need_root() {
  [[ $(id -u) -eq 0 ]] || die "must run as root (network namespaces)"
  command -v ip >/dev/null || die "iproute2 'ip' not found"
}

validate_name() {
  [[ $1 =~ ^[A-Za-z0-9_]{1,24}$ ]] ||
    die "invalid lab NAME '$1' (1-24 chars of [A-Za-z0-9_])"
}

is_uint() { [[ $1 =~ ^[0-9]+$ ]] && (( ${#1} <= 9 )); }

# Namespaces belonging to lab NAME (exact pattern, so lab "a" never matches
# lab "a_b"'s namespaces).
lab_namespaces() {
  local name=$1
  ip netns list 2>/dev/null | awk '{print $1}' |
    grep -E "^${name}-${NS_SUFFIX_RE}$" || true
}

ns_sysctl() {  # ns key value -- inside the namespace only
  local ns=$1 key=$2 val=$3
  if ! ip netns exec "$ns" sysctl -qw "$key=$val" >/dev/null 2>&1; then
    warn "could not set $key=$val in $ns"
    return 1
  fi
}

ip2int() {
  local IFS=. a b c d
  read -r a b c d <<<"$1"
  echo $(( (a << 24) | (b << 16) | (c << 8) | d ))
}
int2ip() {
  local n=$1
  echo "$(( (n >> 24) & 255 )).$(( (n >> 16) & 255 )).$(( (n >> 8) & 255 )).$(( n & 255 ))"
}

# IPv6 address of side SIDE (1 = left, 2 = right) of the link whose IPv4 subnet
# is 198.18.OCT.0/24: OCT's decimal digits as the fourth hextet, RFC 5952 text.
link6() {
  if (( $1 == 0 )); then echo "2001:2::$2"; else echo "2001:2:0:$1::$2"; fi
}

# Text of 2001:2:0:ff00::V (0 <= V < 65536), RFC 5952.
twin6_text() {
  if (( $1 == 0 )); then echo "$TWIN6::"; else printf '%s::%x\n' "$TWIN6" "$1"; fi
}

# V for an address 2001:2:0:ff00::V in any RFC 4291 text form (no embedded
# IPv4 part); fails for anything outside 2001:2:0:ff00::/112.
twin6_value() {
  local a=${1,,} h i
  local -a hs=() head=() tail=()
  [[ $a =~ ^[0-9a-f:]+$ && $a != *:::* ]] || return 1
  if [[ $a == *::* ]]; then
    [[ ${a#*::} != *::* ]] || return 1
    [[ -z ${a%%::*} ]] || IFS=: read -r -a head <<<"${a%%::*}"
    [[ -z ${a#*::} ]] || IFS=: read -r -a tail <<<"${a#*::}"
    (( ${#head[@]} + ${#tail[@]} <= 7 )) || return 1
    hs=("${head[@]}")
    for (( i = ${#head[@]} + ${#tail[@]}; i < 8; i++ )); do hs+=(0); done
    hs+=("${tail[@]}")
  else
    IFS=: read -r -a hs <<<"$a"
  fi
  (( ${#hs[@]} == 8 )) || return 1
  for h in "${hs[@]}"; do [[ $h =~ ^[0-9a-f]{1,4}$ ]] || return 1; done
  local top=""
  for (( i = 0; i < 7; i++ )); do top+="$((16#${hs[i]})):"; done
  [[ $top == 8193:2:0:65280:0:0:0: ]] || return 1
  echo $((16#${hs[7]}))
}

# Sends an ICMP (ICMPv6 for an IPv6 ADDR) echo from NS to ADDR (without ping:
# one every 0.1 s until one is answered, so random --loss costs little);
# prints nothing, returns status.
echo_probe() {
  local ns=$1 addr=$2 v6=0
  [[ $addr == *:* ]] && v6=1
  if command -v ping >/dev/null; then
    local -a fam=()
    (( v6 )) && fam=(-6)
    ip netns exec "$ns" ping "${fam[@]}" -n -q -c1 -W1 "$addr" >/dev/null 2>&1
  else
    ip netns exec "$ns" python3 - "$addr" "$v6" <<'PY' >/dev/null 2>&1
import os, select, socket, struct, sys, time
dst, v6 = sys.argv[1], sys.argv[2] == "1"
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF); s += s >> 16
    return ~s & 0xFFFF
ident = os.getpid() & 0xFFFF
# ICMPv6: the kernel fills in the checksum (RFC 3542) and hands over no IP header.
req, rep = (128, 129) if v6 else (8, 0)
hdr = struct.pack("!BBHHH", req, 0, 0, ident, 1) + b"cutpoint-lab"
pkt = hdr if v6 else hdr[:2] + struct.pack("!H", csum(hdr)) + hdr[4:]
if v6:
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
else:
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
end = time.time() + 1.0
resend = 0.0
while time.time() < end:
    if time.time() >= resend:
        s.sendto(pkt, (dst, 0))
        resend = time.time() + 0.1
    r, _, _ = select.select([s], [], [], max(0.0, min(end, resend) - time.time()))
    if not r: continue
    data, src = s.recvfrom(2048)
    off = 0 if v6 else (data[0] & 15) * 4
    t, _, _, i, _ = struct.unpack("!BBHHH", data[off:off + 8])
    if t == rep and i == ident and src[0] == dst: sys.exit(0)
sys.exit(1)
PY
  fi
}

# Turns off TX checksum offload on IF inside NS.  On veth, offloaded packets
# (e.g. the destination kernel's SYN-ACKs/RSTs) cross the chain with only a
# partial checksum, and a packet-socket capture on the prober sees a wrong
# TCP checksum.  Uses ethtool when present, else the SIOCETHTOOL ioctl.
tx_csum_off() {
  local ns=$1 ifname=$2
  if command -v ethtool >/dev/null; then
    ip netns exec "$ns" ethtool -K "$ifname" tx off >/dev/null 2>&1 && return 0
  fi
  ip netns exec "$ns" python3 - "$ifname" <<'PY' ||
import ctypes, fcntl, socket, struct, sys
SIOCETHTOOL, ETHTOOL_STXCSUM = 0x8946, 0x17
val = ctypes.create_string_buffer(struct.pack("II", ETHTOOL_STXCSUM, 0), 8)
ifr = struct.pack("16sP", sys.argv[1].encode(), ctypes.addressof(val))
ifr += b"\0" * (40 - len(ifr))
with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
    fcntl.ioctl(s.fileno(), SIOCETHTOOL, ifr)
PY
    warn "could not disable TX checksum offload on $ns/$ifname (captured TCP checksums may look wrong)"
}

find_listener() {
  local c
  if command -v cutpoint-lab-listener >/dev/null; then
    command -v cutpoint-lab-listener; return 0
  fi
  local root
  root=$(cd -- "$SCRIPT_DIR/../.." && pwd)
  for c in "$root"/build*/tools/lab/cutpoint-lab-listener \
           "$root"/build*/*/tools/lab/cutpoint-lab-listener \
           "$root"/build*/cutpoint-lab-listener; do
    if [[ -x $c ]]; then echo "$c"; return 0; fi
  done
  return 1
}


find_injector() {
  local c root
  if command -v cutpoint-lab-injector >/dev/null; then
    command -v cutpoint-lab-injector; return 0
  fi
  root=$(cd -- "$SCRIPT_DIR/../.." && pwd)
  for c in "$root"/build*/tools/injector/cutpoint-lab-injector \
           "$root"/build*/*/tools/injector/cutpoint-lab-injector; do
    if [[ -x $c ]]; then echo "$c"; return 0; fi
  done
  return 1
}

abs_exe() {  # PATH -> absolute path of an executable file, or die
  local what=$1 p=$2
  [[ -x $p && -f $p ]] || die "$what '$p' is not an executable file"
  echo "$(cd -- "$(dirname -- "$p")" && pwd)/$(basename -- "$p")"
}

# ---------------------------------------------------------------- down
cmd_down() {
  [[ $# -eq 1 ]] || usage
  local name=$1
  validate_name "$name"
  need_root
  local state="$STATE_ROOT/$name" ns pid pids f

  # Processes recorded at startup (listeners, injectors).
  for f in "$state"/*.pid; do
    [[ -f $f ]] || continue
    pid=$(<"$f")
    if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done
  # Any other process still living inside one of this lab's namespaces.
  for ns in $(lab_namespaces "$name"); do
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    for pid in $pids; do kill -TERM "$pid" 2>/dev/null || true; done
  done
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    local alive=0
    for ns in $(lab_namespaces "$name"); do
      [[ -n $(ip netns pids "$ns" 2>/dev/null || true) ]] && alive=1
    done
    (( alive )) || break
    sleep 0.1
  done
  for ns in $(lab_namespaces "$name"); do
    for pid in $(ip netns pids "$ns" 2>/dev/null || true); do
      kill -KILL "$pid" 2>/dev/null || true
    done
  done
  for ns in $(lab_namespaces "$name"); do
    ip netns del "$ns" 2>/dev/null || warn "could not delete namespace $ns"
  done
  rm -rf -- "$state"
  rmdir -- "$STATE_ROOT" 2>/dev/null || true
  return 0
}

# ---------------------------------------------------------------- list
cmd_list() {
  [[ $# -eq 0 ]] || usage
  local found=0 d name
  if [[ -d $STATE_ROOT ]]; then
    for d in "$STATE_ROOT"/*/; do
      [[ -d $d ]] || continue
      name=$(basename "$d")
      found=1
      echo "lab $name: $(lab_namespaces "$name" | tr '\n' ' ')"
      [[ -f $d/topology.env ]] && sed 's/^/    /' "$d/topology.env"
    done
  fi
  # Namespaces that look like lab namespaces but have no state dir.
  local orphans
  orphans=$(ip netns list 2>/dev/null | awk '{print $1}' |
    grep -E "^[A-Za-z0-9_]{1,24}-${NS_SUFFIX_RE}$" |
    while read -r ns; do
      [[ -d $STATE_ROOT/${ns%-*} ]] || echo "$ns"
    done || true)
  if [[ -n $orphans ]]; then
    found=1
    echo "lab-like namespaces without state: $(echo "$orphans" | tr '\n' ' ')"
  fi
  (( found )) || echo "no labs"
}

# ---------------------------------------------------------------- up helpers
UP_NAME=""
UP_DONE=0
UP_STATE=""
up_cleanup() {
  local rc=$?
  if (( ! UP_DONE )) && [[ -n $UP_NAME ]]; then
    warn "lab '$UP_NAME' setup failed (rc=$rc); tearing down"
    cmd_down "$UP_NAME" || true
  fi
}

mk_ns() {
  local ns=$1
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  # IPv6 on but quiet: every address is static (nodad, permanent neighbours),
  # so no DAD, router solicitation, autoconf or link-local address -- set
  # before the veths exist, which take the "default" values.  The MLD reports
  # of joined groups cannot be turned off; their repeats come 10 ms apart
  # instead of 1 s, so they are over before the lab is.
  local c
  local -a kv=()
  for c in all default; do
    kv+=("net.ipv6.conf.$c.disable_ipv6=0" "net.ipv6.conf.$c.accept_dad=0"
         "net.ipv6.conf.$c.dad_transmits=0" "net.ipv6.conf.$c.accept_ra=0"
         "net.ipv6.conf.$c.router_solicitations=0" "net.ipv6.conf.$c.autoconf=0"
         "net.ipv6.conf.$c.mldv1_unsolicited_report_interval=10"
         "net.ipv6.conf.$c.mldv2_unsolicited_report_interval=10")
  done
  kv+=(net.ipv6.conf.default.addr_gen_mode=1)
  ip netns exec "$ns" sysctl -qw "${kv[@]}" >/dev/null 2>&1 || true
  [[ $(ip netns exec "$ns" sysctl -n net.ipv6.conf.default.disable_ipv6 2>/dev/null) == 0 ]] ||
    die "IPv6 is not available in $ns (the lab is dual stack)"
  ns_sysctl "$ns" net.ipv4.conf.all.rp_filter 0 || true
  ns_sysctl "$ns" net.ipv4.conf.default.rp_filter 0 || true
}

# mk_link LEFT_NS LEFT_IF RIGHT_NS RIGHT_IF OCTET: veth pair created directly
# inside the two namespaces, subnet 198.18.OCTET.0/24, left .1, right .2, and
# 2001:2:0:OCTET::/64 (link6), left ::1, right ::2, software checksums, static
# neighbour entries.
mk_link() {
  local lns=$1 lif=$2 rns=$3 rif=$4 oct=$5 lmac rmac l6 r6
  l6=$(link6 "$oct" 1); r6=$(link6 "$oct" 2)
  ip link add "$lif" netns "$lns" type veth peer name "$rif" netns "$rns"
  ip -n "$lns" addr add "$LINK_NET.$oct.1/24" dev "$lif"
  ip -n "$rns" addr add "$LINK_NET.$oct.2/24" dev "$rif"
  ip -n "$lns" addr add "$l6/64" dev "$lif" nodad
  ip -n "$rns" addr add "$r6/64" dev "$rif" nodad
  ip -n "$lns" link set "$lif" up
  ip -n "$rns" link set "$rif" up
  # Checksum offload on veth leaves CHECKSUM_PARTIAL packets whose on-wire
  # checksum is wrong as seen by packet sockets; compute them in software.
  tx_csum_off "$lns" "$lif"
  tx_csum_off "$rns" "$rif"
  # Static neighbour entries: no ARP resolution races at high probe rates.
  lmac=$(ip -n "$lns" -br link show dev "$lif" | awk '{print $3}')
  rmac=$(ip -n "$rns" -br link show dev "$rif" | awk '{print $3}')
  ip -n "$lns" neigh replace "$LINK_NET.$oct.2" lladdr "$rmac" dev "$lif" nud permanent
  ip -n "$rns" neigh replace "$LINK_NET.$oct.1" lladdr "$lmac" dev "$rif" nud permanent
  ip -n "$lns" neigh replace "$r6" lladdr "$rmac" dev "$lif" nud permanent
  ip -n "$rns" neigh replace "$l6" lladdr "$lmac" dev "$rif" nud permanent
}

# icmp_limits NS RATELIMIT_MS MSGS_PER_SEC BURST RATELIMIT6_MS: the per-destination
# limiters of each family, and the one global limiter (icmp_msgs_*) that ICMPv6
# shares with ICMP.
icmp_limits() {
  ns_sysctl "$1" net.ipv4.icmp_ratelimit "$2" || true
  ns_sysctl "$1" net.ipv4.icmp_msgs_per_sec "$3" || true
  ns_sysctl "$1" net.ipv4.icmp_msgs_burst "$4" || true
  ns_sysctl "$1" net.ipv6.icmp.ratelimit "$5" || true
}

router_sysctls() {
  ns_sysctl "$1" net.ipv4.ip_forward 1
  ns_sysctl "$1" net.ipv4.icmp_errors_use_inbound_ifaddr 1
  ns_sysctl "$1" net.ipv6.conf.all.forwarding 1
}

# start_listener NS TAG PORT...: cutpoint-lab-listener inside NS.
start_listener() {
  local ns=$1 tag=$2; shift 2
  (( $# > 0 )) || return 0
  # A SYN-ACK whose RST from the prober is lost (a filter on another ECMP branch drops it)
  # leaves a half-open connection that answers later SYNs of the same (Paris-constant)
  # flow with a challenge ACK; one SYN-ACK retransmission ends it after ~3 s instead of
  # ~63 s, so runs a few seconds apart do not meet each other's.
  ns_sysctl "$ns" net.ipv4.tcp_synack_retries 1 || die "cannot set tcp_synack_retries in $ns"
  ip netns exec "$ns" "$UP_LISTENER" "$@" </dev/null >"$UP_STATE/$tag.log" 2>&1 &
  echo $! >"$UP_STATE/$tag.pid"
}

wait_listener() {  # ns tag port...: listening on each port in both families
  local ns=$1 tag=$2 p v4 v6 ok try; shift 2
  for p in "$@"; do
    ok=0
    for (( try = 0; try < 40; try++ )); do
      v4=$(ip netns exec "$ns" ss -Hltn -f inet "sport = :$p" 2>/dev/null || true)
      v6=$(ip netns exec "$ns" ss -Hltn -f inet6 "sport = :$p" 2>/dev/null || true)
      if [[ -n $v4 && -n $v6 ]]; then ok=1; break; fi
      kill -0 "$(<"$UP_STATE/$tag.pid")" 2>/dev/null ||
        die "listener exited: $(tr '\n' ' ' <"$UP_STATE/$tag.log")"
      sleep 0.1
    done
    (( ok )) || die "listener is not listening on port $p in $ns"
  done
}

wait_reach() {  # prober_ns addr
  local try
  for (( try = 0; try < 20; try++ )); do
    echo_probe "$1" "$2" && return 0
    sleep 0.25
  done
  die "prober cannot reach $2 through the lab (ICMP echo failed)"
}

# install_filter NS ACTION PORT ADDRS4 ADDRS6 [ICMP6_TYPE]: nft forward-chain
# filter (one inet table) for the comma-separated IPv4 and IPv6 hosts (either
# list may be empty).
install_filter() {
  local ns=$1 action=$2 port=$3 csv4=$4 csv6=$5 icmp6=${6:-admin-prohibited} rule4 rule6
  case $action in
    drop) rule4="drop"; rule6=$rule4 ;;
    rst) rule4="reject with tcp reset"; rule6=$rule4 ;;
    icmp) rule4="reject with icmp type admin-prohibited"; rule6="reject with icmpv6 type $icmp6" ;;
    relay) rule4="tcp flags & (syn | ack) == syn drop"; rule6=$rule4 ;;  # the injector relays them
    partial) rule4="tcp flags & (syn | ack) == syn numgen random mod 100 < $DROP_PERCENT drop"
             rule6=$rule4 ;;
    *) die "internal: unknown filter action '$action'" ;;
  esac
  command -v nft >/dev/null || die "nft (nftables) not found"
  local sets="" rules=""
  if [[ -n $csv4 ]]; then
    sets+="  set filtered4 { type ipv4_addr; elements = { ${csv4//,/, } } }"$'\n'
    rules+="    ip daddr @filtered4 tcp dport $port $rule4"$'\n'
  fi
  if [[ -n $csv6 ]]; then
    sets+="  set filtered6 { type ipv6_addr; elements = { ${csv6//,/, } } }"$'\n'
    rules+="    ip6 daddr @filtered6 tcp dport $port $rule6"$'\n'
  fi
  ip netns exec "$ns" nft -f - <<EOT || die "could not install the $action filter in $ns"
table inet cutpoint_filter {
$sets  chain forward {
    type filter hook forward priority 0; policy accept;
$rules  }
}
EOT
}

# install_blackhole NS ADDRS4 ADDRS6: blackhole routes (null routes) for those
# hosts, as the fewest prefixes that cover exactly them (eight adjacent aligned
# hosts: one /29) -- every packet to them dies silently, expiring ones too (the
# route lookup comes before the hop-limit check).
install_blackhole() {
  local ns=$1 net
  local -a l4=() l6=()
  [[ -z $2 ]] || IFS=, read -r -a l4 <<<"$2"
  [[ -z $3 ]] || IFS=, read -r -a l6 <<<"$3"
  for net in $(covering_prefixes "${l4[@]}" "${l6[@]}"); do
    ip -n "$ns" route add blackhole "$net" || die "could not null-route $net in $ns"
  done
}

# covering_prefixes ADDR...: the minimal prefixes that cover exactly those addresses.
covering_prefixes() {
  (($# > 0)) || return 0
  python3 -c 'import ipaddress, sys
for family in (4, 6):
    addrs = [ipaddress.ip_address(a) for a in sys.argv[1:]]
    for net in ipaddress.collapse_addresses(a for a in addrs if a.version == family):
        print(net)' "$@"
}

install_loss() {  # ns pct: drop pct % of the forwarded packets, both directions and families
  command -v nft >/dev/null || die "nft (nftables) not found"
  ip netns exec "$1" nft -f - <<EOT || die "could not install random loss in $1"
table inet cutpoint_loss {
  chain forward {
    type filter hook forward priority -10; policy accept;
    numgen random mod 100 < $2 drop
  }
}
EOT
}

install_silent() {  # ns: never send ICMP or ICMPv6 time exceeded
  command -v nft >/dev/null || die "nft (nftables) not found"
  ip netns exec "$1" nft -f - <<'EOT' || die "could not make $1 silent"
table inet cutpoint_silent {
  chain output {
    type filter hook output priority 0; policy accept;
    icmp type time-exceeded drop
    icmpv6 type time-exceeded drop
  }
}
EOT
}

# start_injector NS IFACE TAG PORT ADDR,ADDR,... MODE TTL_MODE [TTL] (addresses of
# both families; TTL: --ttl, default 64)
start_injector() {
  local ns=$1 ifname=$2 tag=$3 port=$4 csv=$5 mode=$6 ttl_mode=${7:-fixed} ttl=${8:-64} try
  local -a extra=()
  [[ $mode == relay ]] && extra=(--relay)
  ip netns exec "$ns" "$UP_INJECTOR" -i "$ifname" -t "$csv" -p "$port" --ttl "$ttl" \
    --ttl-mode "$ttl_mode" "${extra[@]}" \
    </dev/null >"$UP_STATE/$tag.log" 2>&1 &
  echo $! >"$UP_STATE/$tag.pid"
  for (( try = 0; try < 50; try++ )); do
    grep -q 'listening on' "$UP_STATE/$tag.log" 2>/dev/null && return 0
    kill -0 "$(<"$UP_STATE/$tag.pid")" 2>/dev/null ||
      die "injector exited: $(tr '\n' ' ' <"$UP_STATE/$tag.log")"
    sleep 0.1
  done
  die "injector in $ns did not come up: $(tr '\n' ' ' <"$UP_STATE/$tag.log")"
}

json_list() {  # a,b,c -> ["a","b","c"];  quote=0 for numbers
  local csv=$1 quote=${2:-1} out="" x
  local -a xs=()
  [[ -n $csv ]] && IFS=, read -r -a xs <<<"$csv"
  for x in "${xs[@]}"; do
    [[ -n $out ]] && out+=","
    if (( quote )); then out+="\"$x\""; else out+="$x"; fi
  done
  echo "[$out]"
}
json_val() { if [[ -z $1 ]]; then echo null; elif [[ $1 =~ ^[0-9]+$ ]]; then echo "$1"; else echo "\"$1\""; fi; }

write_file() {  # path content: atomic write
  local path=$1 tmp="$1.tmp.$$"
  printf '%s\n' "$2" >"$tmp"
  mv -f -- "$tmp" "$path"
}

verdict_of() {
  case $1 in
    drop) echo silent_drop ;; rst|inject) echo rst_injection ;; icmp) echo icmp_prohibited ;;
    partial) echo partial_drop ;;
    blackhole) echo blackholed ;;
    *) echo "" ;;
  esac
}
mechanism_of() {
  case $1 in drop|partial|rst|icmp) echo in_path ;; inject) echo on_path ;; *) echo "" ;; esac
}
# Why a filtered host is expected inconclusive (no scenario is, today).
reason_of() { echo ""; }

# --icmp6-code NAME -> the nft reject type and the ICMPv6 code it sends.
icmp6_type() {
  case $1 in admin) echo admin-prohibited ;; policy) echo policy-fail ;; *) echo reject-route ;; esac
}
icmp6_code_num() { case $1 in admin) echo 1 ;; policy) echo 5 ;; *) echo 6 ;; esac; }

# Validates PREFIX (CIDR inside 198.19.0.0/16); sets P_NET (int), P_PLEN, P_TEXT.
parse_prefix() {
  local prefix=$1 o
  [[ $prefix =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})/([0-9]{1,2})$ ]] ||
    die "--prefix must look like A.B.C.D/LEN (got '$prefix')"
  for o in 1 2 3 4; do
    (( 10#${BASH_REMATCH[$o]} <= 255 )) || die "--prefix has an invalid octet: '$prefix'"
  done
  local paddr="$((10#${BASH_REMATCH[1]})).$((10#${BASH_REMATCH[2]})).$((10#${BASH_REMATCH[3]})).$((10#${BASH_REMATCH[4]}))"
  local plen=$((10#${BASH_REMATCH[5]}))
  (( plen >= 16 && plen <= 32 )) ||
    die "--prefix length must be 16..32 and the prefix inside 198.19.0.0/16 (got '$prefix')"
  [[ $paddr == 198.19.* ]] ||
    die "--prefix must lie inside 198.19.0.0/16 (198.18.0.0/16 is reserved for lab links; got '$prefix')"
  local pint mask net
  pint=$(ip2int "$paddr")
  mask=$(( (0xFFFFFFFF << (32 - plen)) & 0xFFFFFFFF ))
  net=$(( pint & mask ))
  (( net == pint )) ||
    die "--prefix '$prefix' has host bits set (did you mean $(int2ip "$net")/$plen?)"
  P_NET=$net; P_PLEN=$plen; P_TEXT="$paddr/$plen"
}

# Validates PREFIX6 (CIDR inside 2001:2:0:ff00::/112 with as many addresses as
# an IPv4 prefix of length PLEN4, so target i of one is target i of the other);
# sets P6_BASE (the value of its first address, see twin6_value) and
# P6_TEXT (RFC 5952).
parse_prefix6() {
  local prefix=$1 want=$(( $2 + 96 )) addr plen base
  [[ $prefix =~ ^([0-9A-Fa-f:]+)/([0-9]{1,3})$ ]] ||
    die "--prefix6 must look like ADDR/LEN (got '$prefix')"
  addr=${BASH_REMATCH[1]}; plen=$((10#${BASH_REMATCH[2]}))
  base=$(twin6_value "$addr") || die "--prefix6 must lie inside $TWIN6::/112 (got '$prefix')"
  (( plen == want )) ||
    die "--prefix6 must be a /$want, as large as the IPv4 prefix (got '$prefix')"
  (( base % (1 << (128 - plen)) == 0 )) || die "--prefix6 '$prefix' has host bits set"
  P6_BASE=$base; P6_TEXT="$(twin6_text "$base")/$plen"
}

# The IPv6 twin of 198.19.0.0/16 prefix NET/PLEN (NET an integer), as CIDR text.
twin6_prefix() {
  echo "$(twin6_text $(( $1 - $(ip2int 198.19.0.0) )))/$(( $2 + 96 ))"
}

# split_filtered CSV NET SIZE BASE6 PREFIX PREFIX6: sets F4 and F6, the IPv4 and
# IPv6 hosts to filter under --filter-family ($FAMILY): the IPv4 hosts of CSV
# (inside PREFIX), and the twins of those (same index in PREFIX6) plus the IPv6
# hosts of CSV (inside PREFIX6).  RFC 5952 text, no duplicates.
split_filtered() {
  local csv=$1 net=$2 size=$3 base6=$4 prefix=$5 prefix6=$6 a ai v
  local -a items=() l4=() l6=()
  local -A seen=()
  IFS=, read -r -a items <<<"$csv"
  (( ${#items[@]} >= 1 )) || die "--filtered is empty"
  for a in "${items[@]}"; do
    if [[ $a == *:* ]]; then
      v=$(twin6_value "$a") && (( v >= base6 && v < base6 + size )) ||
        die "--filtered: $a is not inside $prefix6"
      [[ $FAMILY != 4 ]] || die "--filtered: $a is IPv6, but --filter-family is 4"
    else
      [[ $a =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]] || die "--filtered: '$a' is not an IP address"
      ai=$(ip2int "$a")
      (( ai >= net && ai < net + size )) || die "--filtered: $a is not inside $prefix"
      if [[ $FAMILY != 6 && -z ${seen[$a]:-} ]]; then l4+=("$a"); seen[$a]=1; fi
      [[ $FAMILY != 4 ]] || continue
      v=$(( base6 + ai - net ))
    fi
    a=$(twin6_text "$v")
    if [[ -z ${seen[$a]:-} ]]; then l6+=("$a"); seen[$a]=1; fi
  done
  F4=$(IFS=,; echo "${l4[*]}"); F6=$(IFS=,; echo "${l6[*]}")
}

csv_join() {  # a b ... -> the non-empty ones joined by commas
  local out="" x
  for x in "$@"; do [[ -z $x ]] || out+="${out:+,}$x"; done
  echo "$out"
}

# router_routes NS FWD_OCT FWD_IF BACK_OCT BACK_IF [P4 P6]: a router's routes
# of both families towards the targets (P4/P6, default all of them) through
# the right side of link FWD_OCT, and back to the links through the left side
# of link BACK_OCT.
router_routes() {
  local ns=$1 fo=$2 fif=$3 bo=$4 bif=$5 p4=${6:-198.19.0.0/16} p6=${7:-$TARGETS6}
  ip -n "$ns" route add "$p4" via "$LINK_NET.$fo.2" dev "$fif"
  ip -n "$ns" route add 198.18.0.0/16 via "$LINK_NET.$bo.1" dev "$bif"
  ip -n "$ns" -6 route add "$p6" via "$(link6 "$fo" 2)" dev "$fif"
  ip -n "$ns" -6 route add "$LINKS6" via "$(link6 "$bo" 1)" dev "$bif"
}

# prober_routes NS: default routes of both families through router 1.
prober_routes() {
  ip -n "$1" route add default via "$LINK_NET.0.2" dev lnk0
  ip -n "$1" -6 route add default via "$(link6 0 2)" dev lnk0
}

# dest_routes NS OCT IF P4 P6: default routes through the left side of link
# OCT, and AnyIP: every address of P4 and P6 is local.
dest_routes() {
  ip -n "$1" route add default via "$LINK_NET.$2.1" dev "$3"
  ip -n "$1" -6 route add default via "$(link6 "$2" 1)" dev "$3"
  ip -n "$1" route add local "$4" dev lo
  ip -n "$1" -6 route add local "$5" dev lo
}

# wait_up PROBER_NS ADDR4 ADDR6 LISTENER_NS TAG: the prober reaches the
# destination in both families, and the listener listens.
wait_up() {
  wait_reach "$1" "$2"
  wait_reach "$1" "$3"
  (( ${#PORTS[@]} == 0 )) || wait_listener "$4" "$5" "${PORTS[@]}"
}

# ---------------------------------------------------------------- up
# The options of `up`, read by up_chain / up_story and their helpers.
ROUTERS=3 PREFIX=198.19.1.0/24 PREFIX6="" OPEN_PORTS=25,443 RATELIMIT=0 RATELIMIT6=""
MSGS=100000 LISTENER="" INJECTOR="" OUT="" TRUTH="" SCENARIO=open PORT=25 FILTERED=""
FILTER_ROUTER="" SILENT_HOP="" RL_HOP="" RL_PPS=50 ECMP_HOP="" INJECT_MODE=relay LOSS=""
FAMILY=both ICMP6_CODE=admin TTL_MODE=fixed PREFIX_GIVEN=0 FILTERED_GIVEN=0 ALSO_FILTER="" DROP_PERCENT=50
PORTS=()
SECOND_VANTAGE=""  # --second-vantage (a flag): see the "second vantage" section

parse_up_options() {
  while [[ $# -gt 0 ]]; do
    [[ $1 == -h || $1 == --help ]] && usage
    if [[ $1 == --second-vantage ]]; then SECOND_VANTAGE=1; shift; continue; fi
    [[ $# -ge 2 ]] || die "$1 needs a value"
    case $1 in
      --routers) ROUTERS=$2 ;;
      --prefix) PREFIX=$2; PREFIX_GIVEN=1 ;;
      --prefix6) PREFIX6=$2 ;;
      --open-ports) OPEN_PORTS=$2 ;;
      --icmp-ratelimit-ms) RATELIMIT=$2 ;;
      --icmp6-ratelimit-ms) RATELIMIT6=$2 ;;
      --icmp-msgs-per-sec) MSGS=$2 ;;
      --listener) LISTENER=$2 ;;
      --injector) INJECTOR=$2 ;;
      --out) OUT=$2 ;;
      --truth) TRUTH=$2 ;;
      --scenario) SCENARIO=$2 ;;
      --port) PORT=$2 ;;
      --filtered) FILTERED=$2; FILTERED_GIVEN=1 ;;
      --filter-family) FAMILY=$2 ;;
      --icmp6-code) ICMP6_CODE=$2 ;;
      --filter-router) FILTER_ROUTER=$2 ;;
      --silent-hop) SILENT_HOP=$2 ;;
      --ratelimit-hop) RL_HOP=$2 ;;
      --ratelimit-pps) RL_PPS=$2 ;;
      --ecmp-hop) ECMP_HOP=$2 ;;
      --inject-mode) INJECT_MODE=$2 ;;
      --inject-ttl-mode) TTL_MODE=$2 ;;
      --also-filter) ALSO_FILTER=$2 ;;
      --loss) LOSS=$2 ;;
      --drop-percent) DROP_PERCENT=$2 ;;
      *) die "unknown argument '$1'" ;;
    esac
    shift 2
  done
}

check_up_options() {
  [[ -n $OUT ]] || die "--out FILE is required"
  is_uint "$ROUTERS" && (( ROUTERS >= 1 && ROUTERS <= 30 )) ||
    die "--routers must be an integer in 1..30 (got '$ROUTERS')"
  is_uint "$RATELIMIT" || die "--icmp-ratelimit-ms must be a non-negative integer (got '$RATELIMIT')"
  [[ -n $RATELIMIT6 ]] || RATELIMIT6=$RATELIMIT
  is_uint "$RATELIMIT6" ||
    die "--icmp6-ratelimit-ms must be a non-negative integer (got '$RATELIMIT6')"
  is_uint "$MSGS" && (( MSGS >= 1 )) ||
    die "--icmp-msgs-per-sec must be a positive integer (got '$MSGS')"
  case $SCENARIO in
    open|drop|partial|rst|inject|icmp|blackhole|story) ;;
    *) die "--scenario must be one of open, drop, partial, rst, inject, icmp, blackhole, story (got '$SCENARIO')" ;;
  esac
  is_uint "$DROP_PERCENT" && (( 10#$DROP_PERCENT >= 1 && 10#$DROP_PERCENT <= 99 )) ||
    die "--drop-percent must be an integer in 1..99 (got '$DROP_PERCENT')"
  DROP_PERCENT=$((10#$DROP_PERCENT))
  is_uint "$PORT" && (( 10#$PORT >= 1 && 10#$PORT <= 65535 )) || die "--port: invalid port '$PORT'"
  PORT=$((10#$PORT))
  (( PORT != CLOSED_PORT )) || die "--port must not be the lab's closed port $CLOSED_PORT"
  [[ $INJECT_MODE == relay || $INJECT_MODE == tap ]] ||
    die "--inject-mode must be relay or tap (got '$INJECT_MODE')"
  [[ $TTL_MODE =~ ^(fixed|copy|remaining(\+[0-9]{1,3})?)$ ]] ||
    die "--inject-ttl-mode must be fixed, copy or remaining[+N] (got '$TTL_MODE')"
  [[ $FAMILY == 4 || $FAMILY == 6 || $FAMILY == both ]] ||
    die "--filter-family must be 4, 6 or both (got '$FAMILY')"
  [[ $ICMP6_CODE == admin || $ICMP6_CODE == policy || $ICMP6_CODE == reject-route ]] ||
    die "--icmp6-code must be admin, policy or reject-route (got '$ICMP6_CODE')"
  is_uint "$RL_PPS" && (( RL_PPS >= 1 )) || die "--ratelimit-pps must be a positive integer"
  check_open_ports
  if [[ $SCENARIO == story ]]; then
    (( ! PREFIX_GIVEN && ! FILTERED_GIVEN )) && [[ -z $PREFIX6 ]] ||
      die "--scenario story has fixed prefixes (198.19.1.0/24, 198.19.2.0/24 and twins) and filtered hosts"
    [[ -z $FILTER_ROUTER$SILENT_HOP$RL_HOP$ECMP_HOP$LOSS$ALSO_FILTER ]] ||
      die "--scenario story takes no --filter-router/--silent-hop/--ratelimit-hop/--ecmp-hop/--loss/--also-filter"
    [[ $TTL_MODE != copy ]] || die "--inject-ttl-mode copy is for chain scenarios"
    [[ -z $SECOND_VANTAGE ]] || die "--second-vantage is for chain scenarios, not story"
    (( ROUTERS == 3 )) || warn "--scenario story always has 3 router hops; --routers ignored"
  fi
}

check_open_ports() {
  local p i
  PORTS=()
  if [[ -n $OPEN_PORTS ]]; then
    IFS=, read -r -a PORTS <<<"$OPEN_PORTS"
    for p in "${PORTS[@]}"; do
      is_uint "$p" && (( 10#$p >= 1 && 10#$p <= 65535 )) ||
        die "--open-ports: invalid port '$p' in '$OPEN_PORTS'"
      (( 10#$p != CLOSED_PORT )) ||
        die "--open-ports must not contain $CLOSED_PORT (the lab's closed port)"
    done
  fi
  for (( i = 0; i < ${#PORTS[@]}; i++ )); do PORTS[i]=$((10#${PORTS[i]})); done
  OPEN_PORTS=$(IFS=,; echo "${PORTS[*]}")
  [[ ,$OPEN_PORTS, == *,$PORT,* ]] ||
    warn "test port $PORT is not among the open ports ($OPEN_PORTS): unfiltered targets will answer RST"
}

find_up_binaries() {
  if (( ${#PORTS[@]} > 0 )); then
    if [[ -z $LISTENER ]]; then
      LISTENER=$(find_listener) ||
        die "cannot find cutpoint-lab-listener; build it or pass --listener PATH"
    fi
    UP_LISTENER=$(abs_exe --listener "$LISTENER")
  fi
  if [[ $SCENARIO == inject || $SCENARIO == story || $ALSO_FILTER == inject:* ]]; then
    if [[ -z $INJECTOR ]]; then
      INJECTOR=$(find_injector) ||
        die "cannot find cutpoint-lab-injector; build it or pass --injector PATH"
    fi
    UP_INJECTOR=$(abs_exe --injector "$INJECTOR")
  fi
  if [[ $SCENARIO != open && $SCENARIO != blackhole ]] && ! command -v nft >/dev/null; then
    die "--scenario $SCENARIO needs nft (nftables)"
  fi
}

cmd_up() {
  [[ $# -ge 1 ]] || usage
  local name=$1; shift
  validate_name "$name"
  parse_up_options "$@"
  check_up_options
  need_root
  find_up_binaries

  # ---- idempotence: remove any previous lab with this name
  if [[ -n $(lab_namespaces "$name") || -d $STATE_ROOT/$name ]]; then
    log "lab '$name' exists; tearing it down first"
    cmd_down "$name"
  fi

  UP_NAME=$name
  trap up_cleanup EXIT
  local state="$STATE_ROOT/$name"
  UP_STATE=$state
  mkdir -p "$state"

  if [[ $SCENARIO == story ]]; then
    up_story "$name" "$state"
  else
    up_chain "$name" "$state"
  fi
  cp -f -- "$OUT" "$state/topology.env"
  [[ -z $TRUTH ]] || cp -f -- "$TRUTH" "$state/truth.json"
  UP_DONE=1
  trap - EXIT
}

hop_in_range() {  # flag value n lo
  local flag=$1 v=$2 n=$3 lo=${4:-1}
  [[ -z $v ]] && return 0
  is_uint "$v" && (( 10#$v >= lo && 10#$v <= n )) || die "$flag must be in $lo..$n (got '$v')"
}

abs_path() { echo "$(cd -- "$(dirname -- "$1")" && pwd)/$(basename -- "$1")"; }

# The chain_* helpers run inside up_chain and work on its local variables.
up_chain() {
  local name=$1 state=$2 n=$ROUTERS k=$FILTER_ROUTER silent=$SILENT_HOP rl_hop=$RL_HOP
  local ecmp=$ECMP_HOP scenario=$SCENARIO filtered=$FILTERED filtered6=""
  local prefix net plen size prefix6 base6 first_addr first_addr6 i
  local also="" also_scenario="" also_k="" also_f4="" also_f6=""
  local -a loss_hops=() loss_pcts=()
  chain_validate
  chain_filtered
  chain_also_validate
  local vk="" vns="" vrns=""
  [[ -z $SECOND_VANTAGE ]] || vantage_validate

  local last=$((n + 1))
  local -a nodes=("$name-p")
  for (( i = 1; i <= n; i++ )); do
    if [[ $i == "$ecmp" ]]; then nodes+=("$name-r${i}a"); else nodes+=("$name-r$i"); fi
  done
  nodes+=("$name-d")
  local bns=""
  [[ -z $ecmp ]] || bns="$name-r${ecmp}b"

  chain_network
  [[ -z $SECOND_VANTAGE ]] || vantage_network
  chain_paths
  start_listener "${nodes[last]}" listener "${PORTS[@]}"
  local fns="" fif="" faddr="" faddr6=""
  [[ -z $k ]] || chain_filter
  [[ -z $SECOND_VANTAGE || -z $k ]] || vantage_filter
  chain_first_unfiltered
  wait_up "${nodes[0]}" "$first_addr" "$first_addr6" "${nodes[last]}" listener

  chain_env
  [[ -z $TRUTH ]] || chain_truth
  chain_log
  [[ -z $SECOND_VANTAGE ]] || vantage_finish
}

chain_validate() {
  parse_prefix "$PREFIX"
  prefix=$P_TEXT; net=$P_NET; plen=$P_PLEN; size=$(( 1 << (32 - P_PLEN) ))
  [[ -n $PREFIX6 ]] || PREFIX6=$(twin6_prefix "$net" "$plen")
  parse_prefix6 "$PREFIX6" "$plen"
  prefix6=$P6_TEXT; base6=$P6_BASE

  hop_in_range --filter-router "$k" "$n"
  hop_in_range --silent-hop "$silent" "$n"
  hop_in_range --ratelimit-hop "$rl_hop" "$n"
  if [[ -n $ecmp ]]; then
    (( n >= 2 )) || die "--ecmp-hop needs --routers >= 2"
    hop_in_range --ecmp-hop "$ecmp" "$n" 2
    ecmp=$((10#$ecmp))
  fi
  if [[ -n $LOSS ]]; then
    local item lh lp
    local -a items=()
    IFS=, read -r -a items <<<"$LOSS"
    for item in "${items[@]}"; do
      [[ $item =~ ^([0-9]+):([0-9]+)$ ]] || die "--loss: '$item' is not J:PCT"
      lh=$((10#${BASH_REMATCH[1]})); lp=$((10#${BASH_REMATCH[2]}))
      hop_in_range --loss "$lh" "$n"
      (( lp >= 1 && lp <= 99 )) || die "--loss: PCT must be 1..99 (got '$lp')"
      [[ $lh != "$ecmp" ]] || die "--loss: not on the ECMP hop"
      loss_hops+=("$lh"); loss_pcts+=("$lp")
    done
  fi
  [[ -z $silent ]] || silent=$((10#$silent))
  [[ -z $rl_hop ]] || rl_hop=$((10#$rl_hop))
}

chain_filtered() {
  if [[ $scenario == open ]]; then
    [[ -z $filtered && -z $k ]] || warn "--scenario open: --filtered/--filter-router ignored"
    filtered=""; k=""
    return 0
  fi
  if [[ -z $k ]]; then k=$(( n >= 2 ? 2 : n )); fi
  k=$((10#$k))
  if [[ -z $filtered ]]; then
    (( plen <= 24 )) || die "--filtered is required for prefixes longer than /24"
    filtered="$(int2ip $((net + 101))),$(int2ip $((net + 102)))"
  fi
  split_filtered "$filtered" "$net" "$size" "$base6" "$prefix" "$prefix6"
  filtered=$F4; filtered6=$F6
}

chain_network() {
  local ns
  for ns in "${nodes[@]}" $bns; do mk_ns "$ns"; done
  for (( i = 0; i <= n; i++ )); do
    mk_link "${nodes[i]}" "lnk$i" "${nodes[i + 1]}" "lnk$i" "$i"
  done
  if [[ -n $ecmp ]]; then
    mk_link "${nodes[ecmp - 1]}" "lnk$((ecmp - 1))b" "$bns" "lnk$((ecmp - 1))" $((100 + ecmp - 1))
    mk_link "$bns" "lnk$ecmp" "${nodes[ecmp + 1]}" "lnk${ecmp}b" $((100 + ecmp))
  fi

  # ---- sysctls (inside the namespaces only)
  for (( i = 1; i <= n; i++ )); do router_sysctls "${nodes[i]}"; done
  [[ -z $bns ]] || router_sysctls "$bns"
  for ns in "${nodes[@]:1}" $bns; do
    icmp_limits "$ns" "$RATELIMIT" "$MSGS" "$MSGS" "$RATELIMIT6"
  done

  # ---- routes
  prober_routes "${nodes[0]}"
  for (( i = 1; i <= n; i++ )); do
    router_routes "${nodes[i]}" "$i" "lnk$i" $((i - 1)) "lnk$((i - 1))"
  done
  dest_routes "${nodes[last]}" "$n" "lnk$n" "$prefix" "$prefix6"
  [[ -z $ecmp ]] || chain_ecmp_routes
}

# Router J-1 splits: IPv4 by the L4 flow hash, IPv6 by source, destination, flow
# label and next header (policy 0: the IPv6 default, set anyway).
chain_ecmp_routes() {
  local up=${nodes[ecmp - 1]} a=$((ecmp - 1)) b=$((100 + ecmp - 1))
  ns_sysctl "$up" net.ipv4.fib_multipath_hash_policy 1 ||
    die "cannot set fib_multipath_hash_policy in $up"
  ns_sysctl "$up" net.ipv6.fib_multipath_hash_policy 0 ||
    die "cannot set net.ipv6.fib_multipath_hash_policy in $up"
  ip -n "$up" route replace 198.19.0.0/16 \
    nexthop via "$LINK_NET.$a.2" dev "lnk$a" weight 1 \
    nexthop via "$LINK_NET.$b.2" dev "lnk${a}b" weight 1
  ip -n "$up" -6 route del "$TARGETS6"
  ip -n "$up" -6 route add "$TARGETS6" \
    nexthop via "$(link6 "$a" 2)" dev "lnk$a" weight 1 \
    nexthop via "$(link6 "$b" 2)" dev "lnk${a}b" weight 1
  router_routes "$bns" $((100 + ecmp)) "lnk$ecmp" "$b" "lnk$a"
  # Returns go through branch a; the node after the pair answers from its
  # lnk<J> address whichever branch a probe came through (IPv6 does that by
  # itself: it sources errors from the interface they leave through).
  (( ecmp + 1 > n )) ||
    ns_sysctl "${nodes[ecmp + 1]}" net.ipv4.icmp_errors_use_inbound_ifaddr 0
}

# Silent hop, ICMP rate limit, random loss.
chain_paths() {
  if [[ -n $silent ]]; then
    install_silent "${nodes[silent]}"
    [[ $silent != "$ecmp" ]] || install_silent "$bns"
  fi
  if [[ -n $rl_hop ]]; then
    local rl_ms=$(( 1000 / RL_PPS )); (( rl_ms >= 1 )) || rl_ms=1
    icmp_limits "${nodes[rl_hop]}" "$rl_ms" "$RL_PPS" "$RL_PPS" "$rl_ms"
    [[ $rl_hop != "$ecmp" ]] || icmp_limits "$bns" "$rl_ms" "$RL_PPS" "$RL_PPS" "$rl_ms"
  fi
  for (( i = 0; i < ${#loss_hops[@]}; i++ )); do
    install_loss "${nodes[loss_hops[i]]}" "${loss_pcts[i]}"
  done
}

# The filter on router k (branch a when k is the ECMP hop).
chain_filter() {
  fns=${nodes[k]}; fif="lnk$((k - 1))"
  faddr="$LINK_NET.$((k - 1)).2"; faddr6=$(link6 $((k - 1)) 2)
  case $scenario in
    drop|partial|rst|icmp)
      install_filter "$fns" "$scenario" "$PORT" "$filtered" "$filtered6" "$(icmp6_type "$ICMP6_CODE")" ;;
    blackhole) install_blackhole "$fns" "$filtered" "$filtered6" ;;
    inject) chain_injector "$fns" "$fif" "$k" injector "$filtered" "$filtered6" ;;
  esac
  [[ -z $also ]] || chain_also_filter
}

# chain_injector NS IFACE HOP TAG ADDRS4 ADDRS6: the injector on router HOP. `copy`
# forges the server's TTL: 64 less the routers between the server and the prober, plus
# the HOP-1 the RST crosses itself (the server's IP ID 0 and DF come with the mode).
chain_injector() {
  local ns=$1 ifname=$2 hop=$3 tag=$4 ttl=64
  [[ $TTL_MODE != copy ]] || ttl=$((64 - n + hop - 1))
  [[ $INJECT_MODE == tap ]] || install_filter "$ns" relay "$PORT" "$5" "$6"
  start_injector "$ns" "$ifname" "$tag" "$PORT" "$(csv_join "$5" "$6")" \
    "$INJECT_MODE" "$TTL_MODE" "$ttl"
}

# The second filter (--also-filter SCENARIO:J:ADDRS) on router J of the same chain.
chain_also_filter() {
  local ans=${nodes[also_k]} aif="lnk$((also_k - 1))"
  case $also_scenario in
    drop|rst|icmp)
      install_filter "$ans" "$also_scenario" "$PORT" "$also_f4" "$also_f6" \
        "$(icmp6_type "$ICMP6_CODE")" ;;
    inject) chain_injector "$ans" "$aif" "$also_k" injector2 "$also_f4" "$also_f6" ;;
  esac
}

# --also-filter SCENARIO:J:A,B,...: a second filter of another kind or hop, for other
# targets of the prefix (two filters on one path).
chain_also_validate() {
  [[ -n $ALSO_FILTER ]] || return 0
  [[ $ALSO_FILTER =~ ^(drop|rst|icmp|inject):([0-9]+):(.+)$ ]] ||
    die "--also-filter must be SCENARIO:J:A,B,... with SCENARIO drop, rst, icmp or inject"
  also_scenario=${BASH_REMATCH[1]}; also_k=$((10#${BASH_REMATCH[2]}))
  local hosts=${BASH_REMATCH[3]}
  hop_in_range --also-filter "$also_k" "$n"
  [[ $scenario != open && $scenario != blackhole ]] ||
    die "--also-filter needs a filter scenario (drop, rst, icmp or inject)"
  (( also_k != k )) || die "--also-filter: hop $also_k already holds the --scenario filter"
  [[ -z $ecmp ]] || die "--also-filter does not combine with --ecmp-hop"
  split_filtered "$hosts" "$net" "$size" "$base6" "$prefix" "$prefix6"
  also_f4=$F4; also_f6=$F6
  also=1
}

# The first target pair (same index) that no blackhole swallows: the one the
# lab waits to reach.
chain_first_unfiltered() {
  local j a4 a6
  for (( j = 0; j < size; j++ )); do
    a4=$(int2ip $((net + j))); a6=$(twin6_text $((base6 + j)))
    if [[ ,$filtered,$filtered6, != *,$a4,* && ,$filtered,$filtered6, != *,$a6,* ]]; then
      first_addr=$a4; first_addr6=$a6
      return 0
    fi
  done
  die "every target is filtered: nothing to check the lab with"
}

chain_env() {
  local env j icmp6=""
  [[ $scenario != icmp ]] || icmp6=$(icmp6_code_num "$ICMP6_CODE")
  env="LAB_NAME=$name
SCENARIO=$scenario
PROBER_NS=${nodes[0]}
PROBER_IF=lnk0
PROBER_ADDR=$LINK_NET.0.1
PROBER_GW=$LINK_NET.0.2
PROBER_ADDR6=$(link6 0 1)
PROBER_GW6=$(link6 0 2)
ROUTERS=$n"
  for (( j = 1; j <= n; j++ )); do env+=$'\n'"HOP_$j=$LINK_NET.$((j - 1)).2"; done
  [[ -z $ecmp ]] || env+=$'\n'"HOP_${ecmp}B=$LINK_NET.$((100 + ecmp - 1)).2"
  for (( j = 1; j <= n; j++ )); do env+=$'\n'"HOP6_$j=$(link6 $((j - 1)) 2)"; done
  [[ -z $ecmp ]] || env+=$'\n'"HOP6_${ecmp}B=$(link6 $((100 + ecmp - 1)) 2)"
  env+="
DEST_NS=${nodes[last]}
DEST_ADDR=$LINK_NET.$n.2
DEST_ADDR6=$(link6 "$n" 2)
DEST_DISTANCE=$last
TARGET_PREFIX=$prefix
TARGET_PREFIXES=$prefix
TARGET_PREFIX6=$prefix6
TARGET_PREFIXES6=$prefix6
OPEN_PORTS=$OPEN_PORTS
CLOSED_PORT=$CLOSED_PORT
TEST_PORT=$PORT
FILTERED=$filtered
FILTERED6=$filtered6
FILTER_FAMILY=$FAMILY
FILTER_ROUTER=$k
FILTER_NS=$fns
FILTER_IF=$fif
FILTER_ADDR=$faddr
FILTER_ADDR6=$faddr6
ICMP6_CODE=$icmp6
SILENT_HOP=$silent
RATELIMIT_HOP=$rl_hop
ECMP_HOP=$ecmp
LOSS=$LOSS
TRUTH=${TRUTH:+$(abs_path "$TRUTH")}
STATE_DIR=$state"
  write_file "$OUT" "$env"
}

# JSON object {"1": hop 1's address, ...} of family FAM (4 or 6), routers 1..N.
hops_json() {
  local fam=$1 n=$2 j a out=""
  for (( j = 1; j <= n; j++ )); do
    if [[ $fam == 4 ]]; then a="$LINK_NET.$((j - 1)).2"; else a=$(link6 $((j - 1)) 2); fi
    out+="${out:+, }\"$j\": \"$a\""
  done
  echo "{$out}"
}

chain_truth() {
  local j hops hops6 verdict mech reason branch_a="" branch_b="" ecmp_addrs=null ecmp_addrs6=null
  local fbranch="" fbranch6="" icmp6=null loss_json="" filters="[]" fl fl6
  hops=$(hops_json 4 "$n"); hops6=$(hops_json 6 "$n")
  verdict=$(verdict_of "$scenario"); mech=$(mechanism_of "$scenario"); reason=$(reason_of "$scenario")
  [[ $scenario != icmp ]] || icmp6=$(icmp6_code_num "$ICMP6_CODE")
  if [[ -n $ecmp ]]; then
    branch_a="$LINK_NET.$((ecmp - 1)).2"; branch_b="$LINK_NET.$((100 + ecmp - 1)).2"
    ecmp_addrs="{\"a\": \"$branch_a\", \"b\": \"$branch_b\"}"
    ecmp_addrs6="{\"a\": \"$(link6 $((ecmp - 1)) 2)\", \"b\": \"$(link6 $((100 + ecmp - 1)) 2)\"}"
    [[ $k != "$ecmp" ]] || { fbranch=$branch_a; fbranch6=$(link6 $((ecmp - 1)) 2); }
  fi
  for (( j = 0; j < ${#loss_hops[@]}; j++ )); do
    loss_json+="${loss_json:+, }\"${loss_hops[j]}\": ${loss_pcts[j]}"
  done
  fl=$(json_list "$filtered"); fl6=$(json_list "$filtered6")
  local drop_json=null pass_json=null
  if [[ $scenario == partial ]]; then
    drop_json=$DROP_PERCENT; pass_json=$(printf '0.%02d' $((100 - DROP_PERCENT)))
  fi
  if [[ -n $k ]]; then
    filters="[{\"prefix\": \"$prefix\", \"filtered\": $fl, \"filter_router\": $k, \"filter_addr\": \"$faddr\", \"filter_ns\": \"$fns\", \"expected_verdict\": $(json_val "$verdict"), \"mechanism\": $(json_val "$mech"), \"distance\": $last, \"ecmp_filter_branch_addr\": $(json_val "$fbranch"), \"prefix6\": \"$prefix6\", \"filtered6\": $fl6, \"filter_addr6\": \"$faddr6\", \"icmp6_code\": $icmp6, \"expected_reason\": $(json_val "$reason"), \"ecmp_filter_branch_addr6\": $(json_val "$fbranch6"), \"drop_percent\": $drop_json, \"pass_fraction\": $pass_json}"
    [[ -z $also ]] || filters+=", $(also_filter_json)"
    filters+="]"
  fi
  write_file "$TRUTH" "{
  \"scenario\": \"$scenario\",
  \"port\": $PORT,
  \"prefix\": \"$prefix\",
  \"prefixes\": [\"$prefix\"],
  \"filtered\": $fl,
  \"filter_router\": $(json_val "$k"),
  \"filter_addr\": $(json_val "$faddr"),
  \"expected_verdict\": $(json_val "$verdict"),
  \"mechanism\": $(json_val "$mech"),
  \"distance\": $last,
  \"prober_addr\": \"$LINK_NET.0.1\",
  \"hops\": $hops,
  \"silent_hop\": $(json_val "$silent"),
  \"ratelimit_hop\": $(json_val "$rl_hop"),
  \"ratelimit_pps\": $( [[ -n $rl_hop ]] && echo "$RL_PPS" || echo null ),
  \"ecmp_hop\": $(json_val "$ecmp"),
  \"loss_pct\": {$loss_json},
  \"ecmp_branch_addrs\": $ecmp_addrs,
  \"ecmp_filter_branch_addr\": $(json_val "$fbranch"),
  \"inject_mode\": $( [[ $scenario == inject ]] && echo "\"$INJECT_MODE\"" || echo null ),
  \"open_ports\": $(json_list "$OPEN_PORTS" 0),
  \"closed_port\": $CLOSED_PORT,
  \"networks\": [{\"prefix\": \"$prefix\", \"distance\": $last, \"hops\": $hops, \"prefix6\": \"$prefix6\", \"hops6\": $hops6}],
  \"filters\": $filters,
  \"prefix6\": \"$prefix6\",
  \"prefixes6\": [\"$prefix6\"],
  \"filtered6\": $fl6,
  \"filter_family\": \"$FAMILY\",
  \"filter_addr6\": $(json_val "$faddr6"),
  \"icmp6_code\": $icmp6,
  \"expected_reason\": $(json_val "$reason"),
  \"prober_addr6\": \"$(link6 0 1)\",
  \"hops6\": $hops6,
  \"ecmp_branch_addrs6\": $ecmp_addrs6,
  \"ecmp_filter_branch_addr6\": $(json_val "$fbranch6"),
  \"inject_ttl_mode\": $( [[ $scenario == inject || $also_scenario == inject ]] && echo "\"$TTL_MODE\"" || echo null ),
  \"also_filter\": $(json_val "$ALSO_FILTER"),
  \"drop_percent\": $drop_json,
  \"pass_fraction\": $pass_json
}"
}

also_filter_json() {
  local a6 icmp=null
  a6=$(link6 $((also_k - 1)) 2)
  [[ $also_scenario != icmp ]] || icmp=$(icmp6_code_num "$ICMP6_CODE")
  echo "{\"prefix\": \"$prefix\", \"filtered\": $(json_list "$also_f4"), \"filter_router\": $also_k, \"filter_addr\": \"$LINK_NET.$((also_k - 1)).2\", \"filter_ns\": \"${nodes[also_k]}\", \"expected_verdict\": $(json_val "$(verdict_of "$also_scenario")"), \"mechanism\": $(json_val "$(mechanism_of "$also_scenario")"), \"distance\": $last, \"ecmp_filter_branch_addr\": null, \"prefix6\": \"$prefix6\", \"filtered6\": $(json_list "$also_f6"), \"filter_addr6\": \"$a6\", \"icmp6_code\": $icmp, \"expected_reason\": null, \"ecmp_filter_branch_addr6\": null}"
}

chain_log() {
  local desc="$scenario"
  [[ $scenario != partial ]] || desc+=" ($DROP_PERCENT % of SYNs)"
  [[ -z $k ]] || desc+=" at hop $k ($faddr, $faddr6) for ${filtered:-no IPv4 host}; ${filtered6:-no IPv6 host} port $PORT"
  [[ -z $silent ]] || desc+=", hop $silent silent"
  [[ -z $rl_hop ]] || desc+=", hop $rl_hop ICMP-limited to $RL_PPS/s"
  [[ -z $LOSS ]] || desc+=", random loss (hop:%) $LOSS"
  [[ -z $also ]] || desc+=", and $also_scenario at hop $also_k for $(csv_join "$also_f4" "$also_f6")"
  [[ -z $ecmp ]] || desc+=", hop $ecmp ECMP (a $LINK_NET.$((ecmp - 1)).2, b $LINK_NET.$((100 + ecmp - 1)).2)"
  log "lab '$name' up: ${nodes[0]} -> $n router(s) -> ${nodes[last]} ($prefix, $prefix6); $desc; topology in $OUT"
}

# The ProtonMail story: two transit ISPs behind r2, one drops, one injects.
# The story_* helpers run inside up_story and work on its local variables.
up_story() {
  local name=$1 state=$2
  local p=$name-p r1=$name-r1 r2=$name-r2 r3a=$name-r3a r3b=$name-r3b da=$name-da db=$name-db
  local pa=198.19.1.0/24 pb=198.19.2.0/24 pa6 pb6
  local fa4 fa6 fb4 fb6
  pa6=$(twin6_prefix "$(ip2int 198.19.1.0)" 24); pb6=$(twin6_prefix "$(ip2int 198.19.2.0)" 24)
  split_filtered 198.19.1.101,198.19.1.102 "$(ip2int 198.19.1.0)" 256 $((0x100)) "$pa" "$pa6"
  fa4=$F4; fa6=$F6
  split_filtered 198.19.2.101,198.19.2.102 "$(ip2int 198.19.2.0)" 256 $((0x200)) "$pb" "$pb6"
  fb4=$F4; fb6=$F6

  story_network
  start_listener "$da" listener "${PORTS[@]}"
  start_listener "$db" listener-b "${PORTS[@]}"

  [[ -z $fa4$fa6 ]] || install_filter "$r3a" drop "$PORT" "$fa4" "$fa6"
  [[ $INJECT_MODE == tap ]] || install_filter "$r3b" relay "$PORT" "$fb4" "$fb6"
  start_injector "$r3b" lnk2 injector "$PORT" "$(csv_join "$fb4" "$fb6")" "$INJECT_MODE" "$TTL_MODE"

  wait_up "$p" 198.19.1.0 "$(twin6_text $((0x100)))" "$da" listener
  wait_up "$p" 198.19.2.0 "$(twin6_text $((0x200)))" "$db" listener-b

  story_env
  [[ -z $TRUTH ]] || story_truth
  log "lab '$name' up (story): $p -> r1 -> r2 -> { r3a (drops $(csv_join "$fa4" "$fa6"):$PORT) -> $pa, $pa6 ; r3b (injects RST for $(csv_join "$fb4" "$fb6"):$PORT) -> $pb, $pb6 }; topology in $OUT"
}

story_network() {
  local ns
  for ns in "$p" "$r1" "$r2" "$r3a" "$r3b" "$da" "$db"; do mk_ns "$ns"; done
  mk_link "$p" lnk0 "$r1" lnk0 0
  mk_link "$r1" lnk1 "$r2" lnk1 1
  mk_link "$r2" lnk2 "$r3a" lnk2 2          # transit ISP 1
  mk_link "$r3a" lnk3 "$da" lnk3 3
  mk_link "$r2" lnk2b "$r3b" lnk2 102       # transit ISP 2
  mk_link "$r3b" lnk3 "$db" lnk3 103
  for ns in "$r1" "$r2" "$r3a" "$r3b"; do router_sysctls "$ns"; done
  for ns in "$r1" "$r2" "$r3a" "$r3b" "$da" "$db"; do
    icmp_limits "$ns" "$RATELIMIT" "$MSGS" "$MSGS" "$RATELIMIT6"
  done

  prober_routes "$p"
  router_routes "$r1" 1 lnk1 0 lnk0
  router_routes "$r2" 2 lnk2 1 lnk1 "$pa" "$pa6"   # r2 routes by prefix
  ip -n "$r2" route add "$pb" via "$LINK_NET.102.2" dev lnk2b
  ip -n "$r2" -6 route add "$pb6" via "$(link6 102 2)" dev lnk2b
  router_routes "$r3a" 3 lnk3 2 lnk2 "$pa" "$pa6"
  router_routes "$r3b" 103 lnk3 102 lnk2 "$pb" "$pb6"
  dest_routes "$da" 3 lnk3 "$pa" "$pa6"
  dest_routes "$db" 103 lnk3 "$pb" "$pb6"
}

story_env() {
  write_file "$OUT" "LAB_NAME=$name
SCENARIO=story
PROBER_NS=$p
PROBER_IF=lnk0
PROBER_ADDR=$LINK_NET.0.1
PROBER_GW=$LINK_NET.0.2
PROBER_ADDR6=$(link6 0 1)
PROBER_GW6=$(link6 0 2)
ROUTERS=3
HOP_1=$LINK_NET.0.2
HOP_2=$LINK_NET.1.2
HOP_3=$LINK_NET.2.2
HOP_3B=$LINK_NET.102.2
HOP6_1=$(link6 0 2)
HOP6_2=$(link6 1 2)
HOP6_3=$(link6 2 2)
HOP6_3B=$(link6 102 2)
DEST_NS=$da
DEST_NS_B=$db
DEST_DISTANCE=4
TARGET_PREFIX=$pa
TARGET_PREFIXES=\"$pa $pb\"
TARGET_PREFIX6=$pa6
TARGET_PREFIXES6=\"$pa6 $pb6\"
OPEN_PORTS=$OPEN_PORTS
CLOSED_PORT=$CLOSED_PORT
TEST_PORT=$PORT
FILTERED=$(csv_join "$fa4" "$fb4")
FILTERED6=$(csv_join "$fa6" "$fb6")
FILTER_FAMILY=$FAMILY
TRUTH=${TRUTH:+$(abs_path "$TRUTH")}
STATE_DIR=$state"
}

story_truth() {
  local h12 h12_6 a3_6 b3_6
  h12="\"1\": \"$LINK_NET.0.2\", \"2\": \"$LINK_NET.1.2\""
  h12_6="\"1\": \"$(link6 0 2)\", \"2\": \"$(link6 1 2)\""
  a3_6=$(link6 2 2); b3_6=$(link6 102 2)
  write_file "$TRUTH" "{
  \"scenario\": \"story\",
  \"port\": $PORT,
  \"prefix\": null,
  \"prefixes\": [\"$pa\", \"$pb\"],
  \"filtered\": $(json_list "$(csv_join "$fa4" "$fb4")"),
  \"filter_router\": 3,
  \"filter_addr\": null,
  \"expected_verdict\": null,
  \"mechanism\": null,
  \"distance\": 4,
  \"prober_addr\": \"$LINK_NET.0.1\",
  \"hops\": {$h12},
  \"silent_hop\": null,
  \"ratelimit_hop\": null,
  \"ecmp_hop\": null,
  \"ecmp_branch_addrs\": null,
  \"ecmp_filter_branch_addr\": null,
  \"inject_mode\": \"$INJECT_MODE\",
  \"open_ports\": $(json_list "$OPEN_PORTS" 0),
  \"closed_port\": $CLOSED_PORT,
  \"networks\": [
    {\"prefix\": \"$pa\", \"distance\": 4, \"hops\": {$h12, \"3\": \"$LINK_NET.2.2\"}, \"transit\": \"ISP 1 (r3a)\", \"prefix6\": \"$pa6\", \"hops6\": {$h12_6, \"3\": \"$a3_6\"}},
    {\"prefix\": \"$pb\", \"distance\": 4, \"hops\": {$h12, \"3\": \"$LINK_NET.102.2\"}, \"transit\": \"ISP 2 (r3b)\", \"prefix6\": \"$pb6\", \"hops6\": {$h12_6, \"3\": \"$b3_6\"}}
  ],
  \"filters\": [
    {\"prefix\": \"$pa\", \"filtered\": $(json_list "$fa4"), \"filter_router\": 3, \"filter_addr\": \"$LINK_NET.2.2\", \"filter_ns\": \"$r3a\", \"expected_verdict\": \"silent_drop\", \"mechanism\": \"in_path\", \"distance\": 4, \"ecmp_filter_branch_addr\": null, \"prefix6\": \"$pa6\", \"filtered6\": $(json_list "$fa6"), \"filter_addr6\": \"$a3_6\", \"icmp6_code\": null, \"expected_reason\": null, \"ecmp_filter_branch_addr6\": null},
    {\"prefix\": \"$pb\", \"filtered\": $(json_list "$fb4"), \"filter_router\": 3, \"filter_addr\": \"$LINK_NET.102.2\", \"filter_ns\": \"$r3b\", \"expected_verdict\": \"rst_injection\", \"mechanism\": \"on_path\", \"distance\": 4, \"ecmp_filter_branch_addr\": null, \"prefix6\": \"$pb6\", \"filtered6\": $(json_list "$fb6"), \"filter_addr6\": \"$b3_6\", \"icmp6_code\": null, \"expected_reason\": null, \"ecmp_filter_branch_addr6\": null}
  ],
  \"prefix6\": null,
  \"prefixes6\": [\"$pa6\", \"$pb6\"],
  \"filtered6\": $(json_list "$(csv_join "$fa6" "$fb6")"),
  \"filter_family\": \"$FAMILY\",
  \"filter_addr6\": null,
  \"icmp6_code\": null,
  \"expected_reason\": null,
  \"prober_addr6\": \"$(link6 0 1)\",
  \"hops6\": {$h12_6},
  \"ecmp_branch_addrs6\": null,
  \"ecmp_filter_branch_addr6\": null,
  \"inject_ttl_mode\": \"$TTL_MODE\"
}"
}

# ---------------------------------------------------------------- second vantage
# --second-vantage: a second prober (vantage B) attached to router k, the filter
# router, by its own veth, while the first prober (vantage A) stays at the head
# of the chain.  The --scenario filter on router k then matches only what
# arrives from A's side (its lnk<k-1>), the pattern of a transit that filters
# one upstream only: B's probes bypass it.  The vantage_* helpers run inside
# up_chain and work on its local variables (vk: the router B hangs off, vns:
# B's namespace, vrns: router vk's).
readonly VANTAGE_OCT=200        # B's link: 198.18.200.0/24, 2001:2:0:200::/64
readonly VANTAGE_IF=lnkv        # B's veth, the same name at both ends

vantage_validate() {
  [[ -z $ecmp ]] || die "--second-vantage does not combine with --ecmp-hop"
  [[ $scenario != blackhole ]] ||
    die "--second-vantage: blackhole routes null-route for every upstream (use drop, partial, rst, icmp, inject or open)"
  if [[ -n $k ]]; then vk=$k; else vk=$(( n >= 2 ? 2 : n )); fi
  vns="$name-p2"
}

# B's namespace and link, its default routes via router vk, and routes to its
# link on every other node: downstream on the routers before vk, back towards vk
# (explicitly, not through the return routes towards A) on those after it and
# on the destination.
vantage_network() {
  local j v4="$LINK_NET.$VANTAGE_OCT.0/24" v6="2001:2:0:$VANTAGE_OCT::/64"
  vrns=${nodes[vk]}
  mk_ns "$vns"
  mk_link "$vns" "$VANTAGE_IF" "$vrns" "$VANTAGE_IF" "$VANTAGE_OCT"
  ip -n "$vns" route add default via "$LINK_NET.$VANTAGE_OCT.2" dev "$VANTAGE_IF"
  ip -n "$vns" -6 route add default via "$(link6 "$VANTAGE_OCT" 2)" dev "$VANTAGE_IF"
  for (( j = 1; j < vk; j++ )); do
    ip -n "${nodes[j]}" route add "$v4" via "$LINK_NET.$j.2" dev "lnk$j"
    ip -n "${nodes[j]}" -6 route add "$v6" via "$(link6 "$j" 2)" dev "lnk$j"
  done
  for (( j = vk + 1; j <= last; j++ )); do
    ip -n "${nodes[j]}" route add "$v4" via "$LINK_NET.$((j - 1)).1" dev "lnk$((j - 1))"
    ip -n "${nodes[j]}" -6 route add "$v6" via "$(link6 $((j - 1)) 1)" dev "lnk$((j - 1))"
  done
}

# Router k's filter table (drop, partial, rst, icmp, the injector's relay rule)
# passes whatever does not arrive on lnk<k-1>.  The injector itself captures on
# lnk<k-1> only; --inject-mode tap has no table.
vantage_filter() {
  ip netns exec "$fns" nft list table inet cutpoint_filter >/dev/null 2>&1 || return 0
  ip netns exec "$fns" nft -f - <<EOT || die "could not restrict the filter in $fns to $fif"
insert rule inet cutpoint_filter forward iifname != "$fif" accept comment "second vantage: filter $fif only"
EOT
}

# B's hops (JSON object, family 4 or 6): router vk from B's link, then the
# routers after it from their inbound addresses.
vantage_hops_json() {
  local family=$1 j a out=""
  for (( j = vk; j <= n; j++ )); do
    if (( j == vk )); then
      if [[ $family == 4 ]]; then a="$LINK_NET.$VANTAGE_OCT.2"; else a=$(link6 "$VANTAGE_OCT" 2); fi
    elif [[ $family == 4 ]]; then a="$LINK_NET.$((j - 1)).2"
    else a=$(link6 $((j - 1)) 2)
    fi
    out+="${out:+, }\"$((j - vk + 1))\": \"$a\""
  done
  echo "{$out}"
}

# B reaches the lab; its topology-file lines and truth entry; the log line.
vantage_finish() {
  local vdist=$((last - vk + 1)) bypass=0 f4="" f6=""
  wait_reach "$vns" "$first_addr"
  wait_reach "$vns" "$first_addr6"
  [[ -z $k ]] || bypass=1
  # A second filter beyond vk (--also-filter) is on B's path too.
  if [[ -n $also ]] && (( also_k > vk )); then f4=$also_f4; f6=$also_f6; fi
  write_file "$OUT" "$(<"$OUT")
PROBER2_NS=$vns
PROBER2_IF=$VANTAGE_IF
PROBER2_ADDR=$LINK_NET.$VANTAGE_OCT.1
PROBER2_GW=$LINK_NET.$VANTAGE_OCT.2
PROBER2_ADDR6=$(link6 "$VANTAGE_OCT" 1)
PROBER2_GW6=$(link6 "$VANTAGE_OCT" 2)
PROBER2_ROUTER=$vk
PROBER2_DISTANCE=$vdist"
  if [[ -n $TRUTH ]]; then
    local body
    body=$(<"$TRUTH"); body=${body%\}}; body=${body%$'\n'}
    write_file "$TRUTH" "$body,
  \"second_vantage\": {\"prober_ns\": \"$vns\", \"prober_if\": \"$VANTAGE_IF\", \"prober_addr\": \"$LINK_NET.$VANTAGE_OCT.1\", \"prober_addr6\": \"$(link6 "$VANTAGE_OCT" 1)\", \"router\": $vk, \"distance\": $vdist, \"hops\": $(vantage_hops_json 4), \"hops6\": $(vantage_hops_json 6), \"filter_bypassed\": $( (( bypass )) && echo true || echo false ), \"filtered\": $(json_list "$f4"), \"filtered6\": $(json_list "$f6")}
}"
  fi
  log "second vantage $vns ($LINK_NET.$VANTAGE_OCT.1, $(link6 "$VANTAGE_OCT" 1)) on router $vk ($vrns $VANTAGE_IF), distance $vdist${k:+; the hop-$k filter matches $fif only}"
}

main() {
  [[ $# -ge 1 ]] || usage
  local cmd=$1; shift
  case $cmd in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    list) need_root; cmd_list "$@" ;;
    -h|--help|help) usage ;;
    *) echo "lab.sh: unknown command '$cmd'" >&2; usage ;;
  esac
}

main "$@"
