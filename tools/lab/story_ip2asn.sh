#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# An AS database for the story lab's address plan (tools/lab/lab.sh up --scenario story),
# in iptoasn's ip2asn format with documentation ASNs: each router in an AS of its own, each
# mail network in one. The IPv6 lines come when the lab has IPv6 hops. For --asn-db.
#
#   story_ip2asn.sh TOPOLOGY.env > lab-ip2asn.tsv
set -euo pipefail
[[ $# -eq 1 && -f $1 ]] || { echo "usage: story_ip2asn.sh TOPOLOGY.env" >&2; exit 2; }
# shellcheck source=/dev/null
source "$1"
line() { [[ -n $1 ]] && printf '%s\t%s\t%s\tZZ\t%s\n' "$1" "$2" "$3" "$4"; return 0; }
for family in "" 6; do
  hop1=HOP${family}_1 hop2=HOP${family}_2 hop3=HOP${family}_3 hop3b=HOP${family}_3B
  line "${!hop1:-}" "${!hop1:-}" 64496 "LAB-ACCESS r1"
  line "${!hop2:-}" "${!hop2:-}" 64497 "LAB-CORE r2"
  line "${!hop3:-}" "${!hop3:-}" 64498 "LAB-TRANSIT-ISP1 r3a"
  line "${!hop3b:-}" "${!hop3b:-}" 64499 "LAB-TRANSIT-ISP2 r3b"
done
line 198.19.1.0 198.19.1.255 64500 LAB-MAIL-A
line 198.19.2.0 198.19.2.255 64501 LAB-MAIL-B
if [[ -n ${HOP6_1:-} ]]; then
  line 2001:2:0:ff00::100 2001:2:0:ff00::1ff 64500 LAB-MAIL-A
  line 2001:2:0:ff00::200 2001:2:0:ff00::2ff 64501 LAB-MAIL-B
fi
