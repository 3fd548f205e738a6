#!/usr/bin/env bash
# Cutpoint network-namespace lab.
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
# Scenarios (--scenario) put a filter for the TEST PORT (--port, default 25)
# of a SUBSET of the prefix (--filtered, default prefix+101 and prefix+102) on
# router k (--filter-router K, default 2); other targets, other ports and ICMP
# stay untouched as controls:
#   open     no filter
#   drop     nft forward rule: silent drop
#   rst      nft forward rule: reject with tcp reset (in-path, SYN dropped)
#   inject   cutpoint-lab-injector on router k's lnk<k-1>: forged RST|ACK in
#            the target's name (TTL 64, random IP ID, no DF); the SYN travels
#            on (relayed by the injector right after its RST, so the forged
#            RST always arrives before the real SYN-ACK; --inject-mode tap
#            leaves forwarding to the kernel and lets them race)
#   icmp     nft forward rule: reject with icmp admin-prohibited (type 3/13)
#   story    the ProtonMail story: prober - r1 - r2 - { r3a - da (198.19.1.0/24,
#            .101/.102 silently dropped on the test port by r3a),
#            r3b - db (198.19.2.0/24, .101/.102 get forged RSTs injected
#            on-path by an injector on r3b) }.  r2 routes by prefix.
# Harder paths (chain scenarios, combinable):
#   --silent-hop J      router J never sends ICMP time exceeded (nft output rule)
#   --ratelimit-hop J   router J rate-limits ICMP to --ratelimit-pps P (default
#                       50): icmp_msgs_per_sec=P, icmp_msgs_burst=P,
#                       icmp_ratelimit=1000/P ms (per-destination limiter)
#   --loss J:PCT[,...]  router J drops PCT % of the packets it forwards, both
#                       directions, at random (nft numgen; sch_netem is not
#                       needed); the packets it sends itself (its ICMP) pass
#   --ecmp-hop J        hop J is two parallel routers NAME-rJa / NAME-rJb
#                       (b links: 198.18.(100+J-1).0/24 and 198.18.(100+J).0/24,
#                       veths lnk<J-1>b / lnk<J>b on the outer routers); router
#                       J-1 splits by L4 flow hash (multipath route,
#                       fib_multipath_hash_policy=1).  With --filter-router J
#                       only branch a filters.  Returns go through branch a;
#                       router J+1 answers from its lnk<J> address either way.
#
# --truth FILE writes the ground truth as JSON (see tests/lab/README.md).
#
# Nothing is created in, or changed on, the root network namespace.  All
# addresses come from 198.18.0.0/15 (RFC 2544 benchmarking space).
#
# Usage:
#   lab.sh up NAME [--routers N] [--prefix CIDR] [--open-ports P,P,...]
#                  [--icmp-ratelimit-ms MS] [--icmp-msgs-per-sec N]
#                  [--listener PATH] [--injector PATH]
#                  [--scenario NAME] [--port P] [--filtered A,B,...]
#                  [--filter-router K] [--silent-hop J] [--ratelimit-hop J]
#                  [--ratelimit-pps P] [--ecmp-hop J] [--inject-mode relay|tap]
#                  [--loss J:PCT[,J:PCT...]] [--truth FILE] --out FILE
#   lab.sh down NAME
#   lab.sh list
set -euo pipefail

readonly STATE_ROOT=/run/cutpoint-lab
readonly CLOSED_PORT=81
readonly LINK_NET=198.18        # link k = 198.18.k.0/24
readonly NS_SUFFIX_RE='(p|d[ab]?|r[0-9]+[ab]?)'
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
                 [--open-ports P,P,... (default 25,443; "" for none)]
                 [--icmp-ratelimit-ms MS (default 0 = unlimited)]
                 [--icmp-msgs-per-sec N (default 100000)]
                 [--listener PATH (cutpoint-lab-listener binary)]
                 [--injector PATH (cutpoint-lab-injector binary)]
                 [--scenario open|drop|rst|inject|icmp|story (default open)]
                 [--port P (filtered test port, default 25)]
                 [--filtered A,B,... (default prefix+101,prefix+102)]
                 [--filter-router K (1..N, default 2 or N if N < 2)]
                 [--silent-hop J] [--ratelimit-hop J [--ratelimit-pps P (50)]]
                 [--ecmp-hop J (2..N)] [--inject-mode relay|tap (default relay)]
                 [--loss J:PCT[,J:PCT...] (router J drops PCT % of what it forwards)]
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

# Sends one ICMP echo from NS to ADDR with TTL; prints nothing, returns status.
echo_probe() {
  local ns=$1 addr=$2
  if command -v ping >/dev/null; then
    ip netns exec "$ns" ping -n -q -c1 -W1 "$addr" >/dev/null 2>&1
  else
    ip netns exec "$ns" python3 - "$addr" <<'PY' >/dev/null 2>&1
import os, select, socket, struct, sys, time
dst = sys.argv[1]
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF); s += s >> 16
    return ~s & 0xFFFF
ident = os.getpid() & 0xFFFF
hdr = struct.pack("!BBHHH", 8, 0, 0, ident, 1) + b"cutpoint-lab"
pkt = hdr[:2] + struct.pack("!H", csum(hdr)) + hdr[4:]
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
s.sendto(pkt, (dst, 0))
end = time.time() + 1.0
while time.time() < end:
    r, _, _ = select.select([s], [], [], max(0.0, end - time.time()))
    if not r: break
    data, src = s.recvfrom(2048)
    ihl = (data[0] & 15) * 4
    t, _, _, i, _ = struct.unpack("!BBHHH", data[ihl:ihl + 8])
    if t == 0 and i == ident and src[0] == dst: sys.exit(0)
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
  # Keep the lab quiet: no IPv6 (router solicitations, MLD, DAD).
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 >/dev/null 2>&1 || true
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1 || true
  ns_sysctl "$ns" net.ipv4.conf.all.rp_filter 0 || true
  ns_sysctl "$ns" net.ipv4.conf.default.rp_filter 0 || true
}

# mk_link LEFT_NS LEFT_IF RIGHT_NS RIGHT_IF OCTET: veth pair created directly
# inside the two namespaces, subnet 198.18.OCTET.0/24, left .1, right .2,
# software checksums, static neighbour entries.
mk_link() {
  local lns=$1 lif=$2 rns=$3 rif=$4 oct=$5 lmac rmac
  ip link add "$lif" netns "$lns" type veth peer name "$rif" netns "$rns"
  ip -n "$lns" addr add "$LINK_NET.$oct.1/24" dev "$lif"
  ip -n "$rns" addr add "$LINK_NET.$oct.2/24" dev "$rif"
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
}

icmp_limits() {  # ns ratelimit_ms msgs_per_sec burst
  ns_sysctl "$1" net.ipv4.icmp_ratelimit "$2" || true
  ns_sysctl "$1" net.ipv4.icmp_msgs_per_sec "$3" || true
  ns_sysctl "$1" net.ipv4.icmp_msgs_burst "$4" || true
}

router_sysctls() {
  ns_sysctl "$1" net.ipv4.ip_forward 1
  ns_sysctl "$1" net.ipv4.icmp_errors_use_inbound_ifaddr 1
}

# start_listener NS TAG PORT...: cutpoint-lab-listener inside NS.
start_listener() {
  local ns=$1 tag=$2; shift 2
  (( $# > 0 )) || return 0
  ip netns exec "$ns" "$UP_LISTENER" "$@" </dev/null >"$UP_STATE/$tag.log" 2>&1 &
  echo $! >"$UP_STATE/$tag.pid"
}

wait_listener() {  # ns tag port...
  local ns=$1 tag=$2 p listening ok try; shift 2
  for p in "$@"; do
    ok=0
    for (( try = 0; try < 40; try++ )); do
      listening=$(ip netns exec "$ns" ss -Hltn "sport = :$p" 2>/dev/null || true)
      if [[ -n $listening ]]; then ok=1; break; fi
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

# install_filter NS ACTION PORT ADDR,ADDR,...: nft forward-chain filter.
install_filter() {
  local ns=$1 action=$2 port=$3 csv=$4 rule
  case $action in
    drop) rule="drop" ;;
    rst) rule="reject with tcp reset" ;;
    icmp) rule="reject with icmp type admin-prohibited" ;;
    relay) rule="tcp flags & (syn | ack) == syn drop" ;;  # the injector relays them
    *) die "internal: unknown filter action '$action'" ;;
  esac
  command -v nft >/dev/null || die "nft (nftables) not found"
  ip netns exec "$ns" nft -f - <<EOT || die "could not install the $action filter in $ns"
table ip cutpoint_filter {
  set filtered {
    type ipv4_addr
    elements = { ${csv//,/, } }
  }
  chain forward {
    type filter hook forward priority 0; policy accept;
    ip daddr @filtered tcp dport $port $rule
  }
}
EOT
}

install_loss() {  # ns pct: drop pct % of the forwarded packets, both directions
  command -v nft >/dev/null || die "nft (nftables) not found"
  ip netns exec "$1" nft -f - <<EOT || die "could not install random loss in $1"
table ip cutpoint_loss {
  chain forward {
    type filter hook forward priority -10; policy accept;
    numgen random mod 100 < $2 drop
  }
}
EOT
}

install_silent() {  # ns: never send ICMP time exceeded
  command -v nft >/dev/null || die "nft (nftables) not found"
  ip netns exec "$1" nft -f - <<'EOT' || die "could not make $1 silent"
table ip cutpoint_silent {
  chain output {
    type filter hook output priority 0; policy accept;
    icmp type time-exceeded drop
  }
}
EOT
}

# start_injector NS IFACE TAG PORT ADDR,ADDR,... MODE
start_injector() {
  local ns=$1 ifname=$2 tag=$3 port=$4 csv=$5 mode=$6 try
  local -a extra=()
  [[ $mode == relay ]] && extra=(--relay)
  ip netns exec "$ns" "$UP_INJECTOR" -i "$ifname" -t "$csv" -p "$port" --ttl 64 "${extra[@]}" \
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
    *) echo "" ;;
  esac
}
mechanism_of() {
  case $1 in drop|rst|icmp) echo in_path ;; inject) echo on_path ;; *) echo "" ;; esac
}

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

# ---------------------------------------------------------------- up
cmd_up() {
  [[ $# -ge 1 ]] || usage
  local name=$1; shift
  validate_name "$name"
  local routers=3 prefix=198.19.1.0/24 open_ports=25,443 ratelimit=0
  local msgs=100000 listener="" injector="" out="" truth="" i
  local scenario=open port=25 filtered="" filter_router="" silent_hop="" rl_hop=""
  local rl_pps=50 ecmp_hop="" inject_mode=relay prefix_given=0 filtered_given=0 loss=
  while [[ $# -gt 0 ]]; do
    [[ $1 == -h || $1 == --help ]] && usage
    [[ $# -ge 2 ]] || die "$1 needs a value"
    case $1 in
      --routers) routers=$2 ;;
      --prefix) prefix=$2; prefix_given=1 ;;
      --open-ports) open_ports=$2 ;;
      --icmp-ratelimit-ms) ratelimit=$2 ;;
      --icmp-msgs-per-sec) msgs=$2 ;;
      --listener) listener=$2 ;;
      --injector) injector=$2 ;;
      --out) out=$2 ;;
      --truth) truth=$2 ;;
      --scenario) scenario=$2 ;;
      --port) port=$2 ;;
      --filtered) filtered=$2; filtered_given=1 ;;
      --filter-router) filter_router=$2 ;;
      --silent-hop) silent_hop=$2 ;;
      --ratelimit-hop) rl_hop=$2 ;;
      --ratelimit-pps) rl_pps=$2 ;;
      --ecmp-hop) ecmp_hop=$2 ;;
      --inject-mode) inject_mode=$2 ;;
      --loss) loss=$2 ;;
      *) die "unknown argument '$1'" ;;
    esac
    shift 2
  done

  # ---- validation
  [[ -n $out ]] || die "--out FILE is required"
  is_uint "$routers" && (( routers >= 1 && routers <= 30 )) ||
    die "--routers must be an integer in 1..30 (got '$routers')"
  is_uint "$ratelimit" || die "--icmp-ratelimit-ms must be a non-negative integer (got '$ratelimit')"
  is_uint "$msgs" && (( msgs >= 1 )) ||
    die "--icmp-msgs-per-sec must be a positive integer (got '$msgs')"
  case $scenario in
    open|drop|rst|inject|icmp|story) ;;
    *) die "--scenario must be one of open, drop, rst, inject, icmp, story (got '$scenario')" ;;
  esac
  is_uint "$port" && (( 10#$port >= 1 && 10#$port <= 65535 )) || die "--port: invalid port '$port'"
  port=$((10#$port))
  (( port != CLOSED_PORT )) || die "--port must not be the lab's closed port $CLOSED_PORT"
  [[ $inject_mode == relay || $inject_mode == tap ]] ||
    die "--inject-mode must be relay or tap (got '$inject_mode')"
  is_uint "$rl_pps" && (( rl_pps >= 1 )) || die "--ratelimit-pps must be a positive integer"

  local -a ports=()
  if [[ -n $open_ports ]]; then
    local p
    IFS=, read -r -a ports <<<"$open_ports"
    for p in "${ports[@]}"; do
      is_uint "$p" && (( 10#$p >= 1 && 10#$p <= 65535 )) ||
        die "--open-ports: invalid port '$p' in '$open_ports'"
      (( 10#$p != CLOSED_PORT )) ||
        die "--open-ports must not contain $CLOSED_PORT (the lab's closed port)"
    done
  fi
  for (( i = 0; i < ${#ports[@]}; i++ )); do ports[i]=$((10#${ports[i]})); done
  open_ports=$(IFS=,; echo "${ports[*]}")
  [[ ,$open_ports, == *,$port,* ]] ||
    warn "test port $port is not among the open ports ($open_ports): unfiltered targets will answer RST"

  if [[ $scenario == story ]]; then
    (( ! prefix_given && ! filtered_given )) ||
      die "--scenario story has fixed prefixes (198.19.1.0/24, 198.19.2.0/24) and filtered hosts"
    [[ -z $filter_router$silent_hop$rl_hop$ecmp_hop$loss ]] ||
      die "--scenario story takes no --filter-router/--silent-hop/--ratelimit-hop/--ecmp-hop/--loss"
    (( routers == 3 )) || warn "--scenario story always has 3 router hops; --routers ignored"
  fi

  need_root
  if (( ${#ports[@]} > 0 )); then
    if [[ -z $listener ]]; then
      listener=$(find_listener) ||
        die "cannot find cutpoint-lab-listener; build it or pass --listener PATH"
    fi
    UP_LISTENER=$(abs_exe --listener "$listener")
  fi
  if [[ $scenario == inject || $scenario == story ]]; then
    if [[ -z $injector ]]; then
      injector=$(find_injector) ||
        die "cannot find cutpoint-lab-injector; build it or pass --injector PATH"
    fi
    UP_INJECTOR=$(abs_exe --injector "$injector")
  fi
  if [[ $scenario != open ]] && ! command -v nft >/dev/null; then
    die "--scenario $scenario needs nft (nftables)"
  fi

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

  if [[ $scenario == story ]]; then
    up_story "$name" "$state" "$out" "$truth" "$port" "$open_ports" "$inject_mode" \
      "$ratelimit" "$msgs" "${ports[@]}"
  else
    up_chain "$name" "$state" "$out" "$truth" "$port" "$open_ports" "$inject_mode" \
      "$ratelimit" "$msgs" "$routers" "$prefix" "$scenario" "$filtered" "$filter_router" \
      "$silent_hop" "$rl_hop" "$rl_pps" "$ecmp_hop" "$loss" "${ports[@]}"
  fi
  cp -f -- "$out" "$state/topology.env"
  [[ -z $truth ]] || cp -f -- "$truth" "$state/truth.json"
  UP_DONE=1
  trap - EXIT
}

hop_in_range() {  # flag value n lo
  local flag=$1 v=$2 n=$3 lo=${4:-1}
  [[ -z $v ]] && return 0
  is_uint "$v" && (( 10#$v >= lo && 10#$v <= n )) || die "$flag must be in $lo..$n (got '$v')"
}

up_chain() {
  local name=$1 state=$2 out=$3 truth=$4 port=$5 open_ports=$6 inject_mode=$7
  local ratelimit=$8 msgs=$9 n=${10} prefix=${11} scenario=${12} filtered=${13}
  local k=${14} silent=${15} rl_hop=${16} rl_pps=${17} ecmp=${18} loss=${19}
  shift 19
  local -a ports=("$@")
  local i ns a

  parse_prefix "$prefix"
  prefix=$P_TEXT
  local net=$P_NET plen=$P_PLEN size=$(( 1 << (32 - P_PLEN) ))
  local first_addr
  first_addr=$(int2ip "$net")

  hop_in_range --filter-router "$k" "$n"
  hop_in_range --silent-hop "$silent" "$n"
  hop_in_range --ratelimit-hop "$rl_hop" "$n"
  if [[ -n $ecmp ]]; then
    (( n >= 2 )) || die "--ecmp-hop needs --routers >= 2"
    hop_in_range --ecmp-hop "$ecmp" "$n" 2
    ecmp=$((10#$ecmp))
  fi
  local -a loss_hops=() loss_pcts=()
  if [[ -n $loss ]]; then
    local item lh lp
    local -a items=()
    IFS=, read -r -a items <<<"$loss"
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

  local -a flist=()
  if [[ $scenario == open ]]; then
    [[ -z $filtered && -z $k ]] || warn "--scenario open: --filtered/--filter-router ignored"
    filtered=""; k=""
  else
    if [[ -z $k ]]; then k=$(( n >= 2 ? 2 : n )); fi
    k=$((10#$k))
    if [[ -z $filtered ]]; then
      (( plen <= 24 )) || die "--filtered is required for prefixes longer than /24"
      filtered="$(int2ip $((net + 101))),$(int2ip $((net + 102)))"
    fi
    IFS=, read -r -a flist <<<"$filtered"
    (( ${#flist[@]} >= 1 )) || die "--filtered is empty"
    for a in "${flist[@]}"; do
      [[ $a =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]] || die "--filtered: '$a' is not an IPv4 address"
      local ai
      ai=$(ip2int "$a")
      (( ai >= net && ai < net + size )) || die "--filtered: $a is not inside $prefix"
    done
    filtered=$(IFS=,; echo "${flist[*]}")
  fi

  local last=$((n + 1))
  local -a nodes=("$name-p")
  for (( i = 1; i <= n; i++ )); do
    if [[ $i == "$ecmp" ]]; then nodes+=("$name-r${i}a"); else nodes+=("$name-r$i"); fi
  done
  nodes+=("$name-d")
  local bns=""
  [[ -z $ecmp ]] || bns="$name-r${ecmp}b"

  # ---- namespaces and links
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
  for (( i = 1; i <= last; i++ )); do icmp_limits "${nodes[i]}" "$ratelimit" "$msgs" "$msgs"; done
  [[ -z $bns ]] || icmp_limits "$bns" "$ratelimit" "$msgs" "$msgs"

  # ---- routes
  ip -n "${nodes[0]}" route add default via "$LINK_NET.0.2" dev lnk0
  for (( i = 1; i <= n; i++ )); do
    ns=${nodes[i]}
    ip -n "$ns" route add 198.19.0.0/16 via "$LINK_NET.$i.2" dev "lnk$i"
    ip -n "$ns" route add 198.18.0.0/16 via "$LINK_NET.$((i - 1)).1" dev "lnk$((i - 1))"
  done
  ip -n "${nodes[last]}" route add default via "$LINK_NET.$n.1" dev "lnk$n"
  # AnyIP: every address of the prefix is local on the destination.
  ip -n "${nodes[last]}" route add local "$prefix" dev lo
  if [[ -n $ecmp ]]; then
    local up=${nodes[ecmp - 1]}
    ns_sysctl "$up" net.ipv4.fib_multipath_hash_policy 1 ||
      die "cannot set fib_multipath_hash_policy in $up"
    ip -n "$up" route replace 198.19.0.0/16 \
      nexthop via "$LINK_NET.$((ecmp - 1)).2" dev "lnk$((ecmp - 1))" weight 1 \
      nexthop via "$LINK_NET.$((100 + ecmp - 1)).2" dev "lnk$((ecmp - 1))b" weight 1
    ip -n "$bns" route add 198.19.0.0/16 via "$LINK_NET.$((100 + ecmp)).2" dev "lnk$ecmp"
    ip -n "$bns" route add 198.18.0.0/16 via "$LINK_NET.$((100 + ecmp - 1)).1" dev "lnk$((ecmp - 1))"
    # Returns go through branch a; the node after the pair answers from its
    # lnk<J> address whichever branch a probe came through.
    (( ecmp + 1 > n )) ||
      ns_sysctl "${nodes[ecmp + 1]}" net.ipv4.icmp_errors_use_inbound_ifaddr 0
  fi

  # ---- harder paths
  if [[ -n $silent ]]; then
    install_silent "${nodes[silent]}"
    [[ $silent != "$ecmp" ]] || install_silent "$bns"
  fi
  if [[ -n $rl_hop ]]; then
    local rl_ms=$(( 1000 / rl_pps )); (( rl_ms >= 1 )) || rl_ms=1
    icmp_limits "${nodes[rl_hop]}" "$rl_ms" "$rl_pps" "$rl_pps"
    [[ $rl_hop != "$ecmp" ]] || icmp_limits "$bns" "$rl_ms" "$rl_pps" "$rl_pps"
  fi

  for (( i = 0; i < ${#loss_hops[@]}; i++ )); do
    install_loss "${nodes[loss_hops[i]]}" "${loss_pcts[i]}"
  done

  # ---- listener
  start_listener "${nodes[last]}" listener "${ports[@]}"

  # ---- filter (router k; branch a when k is the ECMP hop)
  local fns="" fif="" faddr=""
  if [[ -n $k ]]; then
    fns=${nodes[k]}; fif="lnk$((k - 1))"; faddr="$LINK_NET.$((k - 1)).2"
    case $scenario in
      drop|rst|icmp) install_filter "$fns" "$scenario" "$port" "$filtered" ;;
      inject)
        [[ $inject_mode == tap ]] || install_filter "$fns" relay "$port" "$filtered"
        start_injector "$fns" "$fif" injector "$port" "$filtered" "$inject_mode" ;;
    esac
  fi

  # ---- wait until it works
  wait_reach "${nodes[0]}" "$first_addr"
  (( ${#ports[@]} == 0 )) || wait_listener "${nodes[last]}" listener "${ports[@]}"

  # ---- topology file
  local env
  env="LAB_NAME=$name
SCENARIO=$scenario
PROBER_NS=${nodes[0]}
PROBER_IF=lnk0
PROBER_ADDR=$LINK_NET.0.1
PROBER_GW=$LINK_NET.0.2
ROUTERS=$n"
  for (( i = 1; i <= n; i++ )); do env+=$'\n'"HOP_$i=$LINK_NET.$((i - 1)).2"; done
  [[ -z $ecmp ]] || env+=$'\n'"HOP_${ecmp}B=$LINK_NET.$((100 + ecmp - 1)).2"
  env+="
DEST_NS=${nodes[last]}
DEST_ADDR=$LINK_NET.$n.2
DEST_DISTANCE=$last
TARGET_PREFIX=$prefix
TARGET_PREFIXES=$prefix
OPEN_PORTS=$open_ports
CLOSED_PORT=$CLOSED_PORT
TEST_PORT=$port
FILTERED=$filtered
FILTER_ROUTER=$k
FILTER_NS=$fns
FILTER_IF=$fif
FILTER_ADDR=$faddr
SILENT_HOP=$silent
RATELIMIT_HOP=$rl_hop
ECMP_HOP=$ecmp
LOSS=$loss
TRUTH=${truth:+$(cd -- "$(dirname -- "$truth")" && pwd)/$(basename -- "$truth")}
STATE_DIR=$state"
  write_file "$out" "$env"

  local loss_json="{" sep=""
  for (( i = 0; i < ${#loss_hops[@]}; i++ )); do
    loss_json+="$sep\"${loss_hops[i]}\": ${loss_pcts[i]}"; sep=", "
  done
  loss_json+="}"
  # ---- ground truth
  if [[ -n $truth ]]; then
    local hops="" verdict mech branch_a="" branch_b=""
    for (( i = 1; i <= n; i++ )); do
      [[ -n $hops ]] && hops+=", "
      hops+="\"$i\": \"$LINK_NET.$((i - 1)).2\""
    done
    verdict=$(verdict_of "$scenario"); mech=$(mechanism_of "$scenario")
    if [[ -n $ecmp ]]; then
      branch_a="$LINK_NET.$((ecmp - 1)).2"; branch_b="$LINK_NET.$((100 + ecmp - 1)).2"
    fi
    local fbranch=""
    [[ -n $ecmp && $k == "$ecmp" ]] && fbranch=$branch_a
    local ecmp_addrs=null
    [[ -z $ecmp ]] || ecmp_addrs="{\"a\": \"$branch_a\", \"b\": \"$branch_b\"}"
    local filters="[]" fl
    fl=$(json_list "$filtered")
    if [[ -n $k ]]; then
      filters="[{\"prefix\": \"$prefix\", \"filtered\": $fl, \"filter_router\": $k, \"filter_addr\": \"$faddr\", \"filter_ns\": \"$fns\", \"expected_verdict\": $(json_val "$verdict"), \"mechanism\": $(json_val "$mech"), \"distance\": $last, \"ecmp_filter_branch_addr\": $(json_val "$fbranch")}]"
    fi
    write_file "$truth" "{
  \"scenario\": \"$scenario\",
  \"port\": $port,
  \"prefix\": \"$prefix\",
  \"prefixes\": [\"$prefix\"],
  \"filtered\": $fl,
  \"filter_router\": $(json_val "$k"),
  \"filter_addr\": $(json_val "$faddr"),
  \"expected_verdict\": $(json_val "$verdict"),
  \"mechanism\": $(json_val "$mech"),
  \"distance\": $last,
  \"prober_addr\": \"$LINK_NET.0.1\",
  \"hops\": {$hops},
  \"silent_hop\": $(json_val "$silent"),
  \"ratelimit_hop\": $(json_val "$rl_hop"),
  \"ratelimit_pps\": $( [[ -n $rl_hop ]] && echo "$rl_pps" || echo null ),
  \"ecmp_hop\": $(json_val "$ecmp"),
  \"loss_pct\": $loss_json,
  \"ecmp_branch_addrs\": $ecmp_addrs,
  \"ecmp_filter_branch_addr\": $(json_val "$fbranch"),
  \"inject_mode\": $( [[ $scenario == inject ]] && echo "\"$inject_mode\"" || echo null ),
  \"open_ports\": $(json_list "$open_ports" 0),
  \"closed_port\": $CLOSED_PORT,
  \"networks\": [{\"prefix\": \"$prefix\", \"distance\": $last, \"hops\": {$hops}}],
  \"filters\": $filters
}"
  fi
  local desc="$scenario"
  [[ -z $k ]] || desc+=" at hop $k ($faddr) for $filtered port $port"
  [[ -z $silent ]] || desc+=", hop $silent silent"
  [[ -z $rl_hop ]] || desc+=", hop $rl_hop ICMP-limited to $rl_pps/s"
  [[ -z $loss ]] || desc+=", random loss (hop:%) $loss"
  [[ -z $ecmp ]] || desc+=", hop $ecmp ECMP (a $LINK_NET.$((ecmp - 1)).2, b $LINK_NET.$((100 + ecmp - 1)).2)"
  log "lab '$name' up: ${nodes[0]} -> $n router(s) -> ${nodes[last]} ($prefix); $desc; topology in $out"
}

# The ProtonMail story: two transit ISPs behind r2, one drops, one injects.
up_story() {
  local name=$1 state=$2 out=$3 truth=$4 port=$5 open_ports=$6 inject_mode=$7
  local ratelimit=$8 msgs=$9
  shift 9
  local -a ports=("$@")
  local p=$name-p r1=$name-r1 r2=$name-r2 r3a=$name-r3a r3b=$name-r3b da=$name-da db=$name-db
  local pa=198.19.1.0/24 pb=198.19.2.0/24
  local fa=198.19.1.101,198.19.1.102 fb=198.19.2.101,198.19.2.102
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
    icmp_limits "$ns" "$ratelimit" "$msgs" "$msgs"
  done

  ip -n "$p" route add default via "$LINK_NET.0.2" dev lnk0
  ip -n "$r1" route add 198.19.0.0/16 via "$LINK_NET.1.2" dev lnk1
  ip -n "$r1" route add 198.18.0.0/16 via "$LINK_NET.0.1" dev lnk0
  ip -n "$r2" route add "$pa" via "$LINK_NET.2.2" dev lnk2
  ip -n "$r2" route add "$pb" via "$LINK_NET.102.2" dev lnk2b
  ip -n "$r2" route add 198.18.0.0/16 via "$LINK_NET.1.1" dev lnk1
  ip -n "$r3a" route add "$pa" via "$LINK_NET.3.2" dev lnk3
  ip -n "$r3a" route add 198.18.0.0/16 via "$LINK_NET.2.1" dev lnk2
  ip -n "$r3b" route add "$pb" via "$LINK_NET.103.2" dev lnk3
  ip -n "$r3b" route add 198.18.0.0/16 via "$LINK_NET.102.1" dev lnk2
  ip -n "$da" route add default via "$LINK_NET.3.1" dev lnk3
  ip -n "$da" route add local "$pa" dev lo
  ip -n "$db" route add default via "$LINK_NET.103.1" dev lnk3
  ip -n "$db" route add local "$pb" dev lo

  start_listener "$da" listener "${ports[@]}"
  start_listener "$db" listener-b "${ports[@]}"

  install_filter "$r3a" drop "$port" "$fa"
  [[ $inject_mode == tap ]] || install_filter "$r3b" relay "$port" "$fb"
  start_injector "$r3b" lnk2 injector "$port" "$fb" "$inject_mode"

  wait_reach "$p" 198.19.1.0
  wait_reach "$p" 198.19.2.0
  if (( ${#ports[@]} > 0 )); then
    wait_listener "$da" listener "${ports[@]}"
    wait_listener "$db" listener-b "${ports[@]}"
  fi

  write_file "$out" "LAB_NAME=$name
SCENARIO=story
PROBER_NS=$p
PROBER_IF=lnk0
PROBER_ADDR=$LINK_NET.0.1
PROBER_GW=$LINK_NET.0.2
ROUTERS=3
HOP_1=$LINK_NET.0.2
HOP_2=$LINK_NET.1.2
HOP_3=$LINK_NET.2.2
HOP_3B=$LINK_NET.102.2
DEST_NS=$da
DEST_NS_B=$db
DEST_DISTANCE=4
TARGET_PREFIX=$pa
TARGET_PREFIXES=\"$pa $pb\"
OPEN_PORTS=$open_ports
CLOSED_PORT=$CLOSED_PORT
TEST_PORT=$port
FILTERED=$fa,$fb
TRUTH=${truth:+$(cd -- "$(dirname -- "$truth")" && pwd)/$(basename -- "$truth")}
STATE_DIR=$state"

  if [[ -n $truth ]]; then
    local h12="\"1\": \"$LINK_NET.0.2\", \"2\": \"$LINK_NET.1.2\""
    write_file "$truth" "{
  \"scenario\": \"story\",
  \"port\": $port,
  \"prefix\": null,
  \"prefixes\": [\"$pa\", \"$pb\"],
  \"filtered\": $(json_list "$fa,$fb"),
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
  \"inject_mode\": \"$inject_mode\",
  \"open_ports\": $(json_list "$open_ports" 0),
  \"closed_port\": $CLOSED_PORT,
  \"networks\": [
    {\"prefix\": \"$pa\", \"distance\": 4, \"hops\": {$h12, \"3\": \"$LINK_NET.2.2\"}, \"transit\": \"ISP 1 (r3a)\"},
    {\"prefix\": \"$pb\", \"distance\": 4, \"hops\": {$h12, \"3\": \"$LINK_NET.102.2\"}, \"transit\": \"ISP 2 (r3b)\"}
  ],
  \"filters\": [
    {\"prefix\": \"$pa\", \"filtered\": $(json_list "$fa"), \"filter_router\": 3, \"filter_addr\": \"$LINK_NET.2.2\", \"filter_ns\": \"$r3a\", \"expected_verdict\": \"silent_drop\", \"mechanism\": \"in_path\", \"distance\": 4, \"ecmp_filter_branch_addr\": null},
    {\"prefix\": \"$pb\", \"filtered\": $(json_list "$fb"), \"filter_router\": 3, \"filter_addr\": \"$LINK_NET.102.2\", \"filter_ns\": \"$r3b\", \"expected_verdict\": \"rst_injection\", \"mechanism\": \"on_path\", \"distance\": 4, \"ecmp_filter_branch_addr\": null}
  ]
}"
  fi
  log "lab '$name' up (story): $p -> r1 -> r2 -> { r3a (drops $fa:$port) -> $pa ; r3b (injects RST for $fb:$port) -> $pb }; topology in $out"
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
