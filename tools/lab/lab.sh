#!/usr/bin/env bash
# Cutpoint network-namespace lab.
#
# Builds a linear chain of network namespaces:
#
#   NAME-p (prober) -- NAME-r1 -- ... -- NAME-rN -- NAME-d (destination)
#
# Link k (k = 0..N) joins node k and node k+1 (node 0 = prober, node N+1 =
# destination) with subnet 198.18.k.0/24: left side .1, right side .2.  In
# every namespace the veth for link k is called "lnk<k>" (the prober only has
# lnk0).  The destination owns the whole target prefix (AnyIP local route), so
# every address in it answers; a TCP listener serves the open ports and every
# other port draws a kernel RST.
#
# Nothing is created in, or changed on, the root network namespace.  All
# addresses come from 198.18.0.0/15 (RFC 2544 benchmarking space).
#
# Usage:
#   lab.sh up NAME [--routers N] [--prefix CIDR] [--open-ports P,P,...]
#                  [--icmp-ratelimit-ms MS] [--icmp-msgs-per-sec N]
#                  [--listener PATH] --out FILE
#   lab.sh down NAME
#   lab.sh list
set -euo pipefail

readonly STATE_ROOT=/run/cutpoint-lab
readonly CLOSED_PORT=81
readonly LINK_NET=198.18        # link k = 198.18.k.0/24
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR

die() { echo "lab.sh: error: $*" >&2; exit 2; }
warn() { echo "lab.sh: warning: $*" >&2; }
log() { [[ -n ${LAB_QUIET:-} ]] || echo "lab.sh: $*" >&2; }

usage() {
  cat >&2 <<'EOF'
usage:
  lab.sh up NAME [--routers N (1..30, default 3)]
                 [--prefix CIDR (inside 198.19.0.0/16, default 198.19.1.0/24)]
                 [--open-ports P,P,... (default 25,443; "" for none)]
                 [--icmp-ratelimit-ms MS (default 0 = unlimited)]
                 [--icmp-msgs-per-sec N (default 100000)]
                 [--listener PATH (cutpoint-lab-listener binary)]
                 --out FILE
  lab.sh down NAME
  lab.sh list
EOF
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
    grep -E "^${name}-(p|d|r[0-9]+)$" || true
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

# ---------------------------------------------------------------- down
cmd_down() {
  [[ $# -eq 1 ]] || usage
  local name=$1
  validate_name "$name"
  need_root
  local state="$STATE_ROOT/$name" ns pid pids

  # Listener recorded at startup.
  if [[ -f $state/listener.pid ]]; then
    pid=$(<"$state/listener.pid")
    if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
    fi
  fi
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
    grep -E '^[A-Za-z0-9_]{1,24}-(p|d|r[0-9]+)$' |
    while read -r ns; do
      [[ -d $STATE_ROOT/${ns%-*} ]] || echo "$ns"
    done || true)
  if [[ -n $orphans ]]; then
    found=1
    echo "lab-like namespaces without state: $(echo "$orphans" | tr '\n' ' ')"
  fi
  (( found )) || echo "no labs"
}

# ---------------------------------------------------------------- up
UP_NAME=""
UP_DONE=0
up_cleanup() {
  local rc=$?
  if (( ! UP_DONE )) && [[ -n $UP_NAME ]]; then
    warn "lab '$UP_NAME' setup failed (rc=$rc); tearing down"
    cmd_down "$UP_NAME" || true
  fi
}

cmd_up() {
  [[ $# -ge 1 ]] || usage
  local name=$1; shift
  validate_name "$name"
  local routers=3 prefix=198.19.1.0/24 open_ports=25,443 ratelimit=0
  local msgs=100000 listener="" out="" i
  while [[ $# -gt 0 ]]; do
    case $1 in
      --routers) [[ $# -ge 2 ]] || die "--routers needs a value"; routers=$2; shift 2 ;;
      --prefix) [[ $# -ge 2 ]] || die "--prefix needs a value"; prefix=$2; shift 2 ;;
      --open-ports) [[ $# -ge 2 ]] || die "--open-ports needs a value"; open_ports=$2; shift 2 ;;
      --icmp-ratelimit-ms) [[ $# -ge 2 ]] || die "--icmp-ratelimit-ms needs a value"; ratelimit=$2; shift 2 ;;
      --icmp-msgs-per-sec) [[ $# -ge 2 ]] || die "--icmp-msgs-per-sec needs a value"; msgs=$2; shift 2 ;;
      --listener) [[ $# -ge 2 ]] || die "--listener needs a value"; listener=$2; shift 2 ;;
      --out) [[ $# -ge 2 ]] || die "--out needs a value"; out=$2; shift 2 ;;
      -h|--help) usage ;;
      *) die "unknown argument '$1'" ;;
    esac
  done

  # ---- validation
  [[ -n $out ]] || die "--out FILE is required"
  is_uint "$routers" && (( routers >= 1 && routers <= 30 )) ||
    die "--routers must be an integer in 1..30 (got '$routers')"
  is_uint "$ratelimit" || die "--icmp-ratelimit-ms must be a non-negative integer (got '$ratelimit')"
  is_uint "$msgs" && (( msgs >= 1 )) ||
    die "--icmp-msgs-per-sec must be a positive integer (got '$msgs')"

  [[ $prefix =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})/([0-9]{1,2})$ ]] ||
    die "--prefix must look like A.B.C.D/LEN (got '$prefix')"
  local o plen=${BASH_REMATCH[5]}
  for o in 1 2 3 4; do
    (( 10#${BASH_REMATCH[$o]} <= 255 )) || die "--prefix has an invalid octet: '$prefix'"
  done
  local paddr="$((10#${BASH_REMATCH[1]})).$((10#${BASH_REMATCH[2]})).$((10#${BASH_REMATCH[3]})).$((10#${BASH_REMATCH[4]}))"
  plen=$((10#$plen))
  (( plen >= 16 && plen <= 32 )) ||
    die "--prefix length must be 16..32 and the prefix inside 198.19.0.0/16 (got '$prefix')"
  [[ $paddr == 198.19.* ]] ||
    die "--prefix must lie inside 198.19.0.0/16 (198.18.0.0/16 is reserved for lab links; got '$prefix')"
  local pint mask net
  pint=$(ip2int "$paddr")
  mask=$(( plen == 0 ? 0 : (0xFFFFFFFF << (32 - plen)) & 0xFFFFFFFF ))
  net=$(( pint & mask ))
  (( net == pint )) ||
    die "--prefix '$prefix' has host bits set (did you mean $(int2ip "$net")/$plen?)"
  prefix="$paddr/$plen"
  local first_addr
  first_addr=$(int2ip "$net")

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

  need_root
  if (( ${#ports[@]} > 0 )); then
    if [[ -z $listener ]]; then
      listener=$(find_listener) ||
        die "cannot find cutpoint-lab-listener; build it or pass --listener PATH"
    fi
    [[ -x $listener ]] || die "--listener '$listener' is not an executable file"
    listener=$(cd -- "$(dirname -- "$listener")" && pwd)/$(basename -- "$listener")
  fi

  # ---- idempotence: remove any previous lab with this name
  if [[ -n $(lab_namespaces "$name") || -d $STATE_ROOT/$name ]]; then
    log "lab '$name' exists; tearing it down first"
    cmd_down "$name"
  fi

  UP_NAME=$name
  trap up_cleanup EXIT

  local state="$STATE_ROOT/$name"
  mkdir -p "$state"

  local n=$routers last=$((routers + 1)) k i ns
  local -a nodes=("$name-p")
  for (( i = 1; i <= n; i++ )); do nodes+=("$name-r$i"); done
  nodes+=("$name-d")

  # ---- namespaces
  for ns in "${nodes[@]}"; do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    # Keep the lab quiet: no IPv6 (router solicitations, MLD, DAD).
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 >/dev/null 2>&1 || true
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1 || true
    ns_sysctl "$ns" net.ipv4.conf.all.rp_filter 0 || true
    ns_sysctl "$ns" net.ipv4.conf.default.rp_filter 0 || true
  done

  # ---- links: veth pair created directly inside the two namespaces
  local left right
  for (( k = 0; k <= n; k++ )); do
    left=${nodes[k]}; right=${nodes[k + 1]}
    ip link add "lnk$k" netns "$left" type veth peer name "lnk$k" netns "$right"
  done
  for (( k = 0; k <= n; k++ )); do
    left=${nodes[k]}; right=${nodes[k + 1]}
    ip -n "$left" addr add "$LINK_NET.$k.1/24" dev "lnk$k"
    ip -n "$right" addr add "$LINK_NET.$k.2/24" dev "lnk$k"
    ip -n "$left" link set "lnk$k" up
    ip -n "$right" link set "lnk$k" up
    # Checksum offload on veth leaves CHECKSUM_PARTIAL packets whose on-wire
    # checksum is wrong as seen by packet sockets; compute them in software.
    tx_csum_off "$left" "lnk$k"
    tx_csum_off "$right" "lnk$k"
  done
  # Static neighbour entries: no ARP resolution races at high probe rates.
  local lmac rmac
  for (( k = 0; k <= n; k++ )); do
    left=${nodes[k]}; right=${nodes[k + 1]}
    lmac=$(ip -n "$left" -br link show dev "lnk$k" | awk '{print $3}')
    rmac=$(ip -n "$right" -br link show dev "lnk$k" | awk '{print $3}')
    ip -n "$left" neigh replace "$LINK_NET.$k.2" lladdr "$rmac" dev "lnk$k" nud permanent
    ip -n "$right" neigh replace "$LINK_NET.$k.1" lladdr "$lmac" dev "lnk$k" nud permanent
  done

  # ---- sysctls (inside the namespaces only)
  for (( i = 1; i <= n; i++ )); do
    ns=${nodes[i]}
    ns_sysctl "$ns" net.ipv4.ip_forward 1
    ns_sysctl "$ns" net.ipv4.icmp_errors_use_inbound_ifaddr 1
  done
  for (( i = 1; i <= last; i++ )); do
    ns=${nodes[i]}
    ns_sysctl "$ns" net.ipv4.icmp_ratelimit "$ratelimit" || true
    ns_sysctl "$ns" net.ipv4.icmp_msgs_per_sec "$msgs" || true
    ns_sysctl "$ns" net.ipv4.icmp_msgs_burst "$msgs" || true
  done

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

  # ---- listener
  if (( ${#ports[@]} > 0 )); then
    ip netns exec "${nodes[last]}" "$listener" "${ports[@]}" \
      </dev/null >"$state/listener.log" 2>&1 &
    echo $! >"$state/listener.pid"
  fi

  # ---- wait until it works
  local ok=0 try
  for (( try = 0; try < 20; try++ )); do
    if echo_probe "${nodes[0]}" "$first_addr"; then ok=1; break; fi
    sleep 0.25
  done
  (( ok )) || die "prober cannot reach $first_addr through the lab (ICMP echo failed)"
  if (( ${#ports[@]} > 0 )); then
    local p listening
    for p in "${ports[@]}"; do
      ok=0
      for (( try = 0; try < 40; try++ )); do
        listening=$(ip netns exec "${nodes[last]}" ss -Hltn "sport = :$((10#$p))" 2>/dev/null || true)
        if [[ -n $listening ]]; then ok=1; break; fi
        kill -0 "$(<"$state/listener.pid")" 2>/dev/null ||
          die "listener exited: $(tr '\n' ' ' <"$state/listener.log")"
        sleep 0.1
      done
      (( ok )) || die "listener is not listening on port $p in ${nodes[last]}"
    done
  fi

  # ---- topology file
  local tmp="$out.tmp.$$"
  {
    echo "LAB_NAME=$name"
    echo "PROBER_NS=${nodes[0]}"
    echo "PROBER_IF=lnk0"
    echo "PROBER_ADDR=$LINK_NET.0.1"
    echo "PROBER_GW=$LINK_NET.0.2"
    echo "ROUTERS=$n"
    for (( i = 1; i <= n; i++ )); do
      echo "HOP_$i=$LINK_NET.$((i - 1)).2"
    done
    echo "DEST_NS=${nodes[last]}"
    echo "DEST_ADDR=$LINK_NET.$n.2"
    echo "DEST_DISTANCE=$last"
    echo "TARGET_PREFIX=$prefix"
    echo "OPEN_PORTS=$open_ports"
    echo "CLOSED_PORT=$CLOSED_PORT"
    echo "STATE_DIR=$state"
  } >"$tmp"
  mv -f -- "$tmp" "$out"
  cp -f -- "$out" "$state/topology.env"

  UP_DONE=1
  trap - EXIT
  log "lab '$name' up: ${nodes[0]} -> $n router(s) -> ${nodes[last]} ($prefix); topology in $out"
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
