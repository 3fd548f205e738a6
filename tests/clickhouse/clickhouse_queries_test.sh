#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# docs/clickhouse.md, end to end: a lab run's NDJSON loaded unchanged into ClickHouse and
# every documented query answered as Python computes it from the same NDJSON.
#
#   clickhouse_queries_test.sh CUTPOINT_BINARY LISTENER_BINARY INJECTOR_BINARY
#
# Brings up the story lab (tools/lab/lab.sh: r3a silently drops TCP 25 of 198.19.1.101/.102,
# r3b injects RSTs for 198.19.2.101/.102 and their IPv6 twins), writes an ip2asn database of
# the lab's address plan (as tools/demo.sh does, IPv6 too), and from inside the prober
# namespace runs a dual-stack `cutpoint trace` and a `cutpoint locate`, both with --asn-db.
# Then starts a ClickHouse server of its own: a plain process (`clickhouse-server
# --config-file`), run as this user, listening on 127.0.0.1 only, on two free ports (native
# TCP and HTTP; no interserver, TLS or other ports), with its config, users, data, tmp, user
# files, format schemas and logs in the work directory; nothing under /etc or /var is read or
# written, and no service manager is involved. check_queries.py creates the tables of the
# doc, loads both outputs with the doc's own load commands, and checks the tables and every
# documented query (tests/clickhouse/check_queries.py). The server is stopped by its PID and
# the lab taken down on every exit; the work directory is removed after a pass.
# Needs root (the lab), clickhouse-server and clickhouse-client: exit 77 (ctest SKIP)
# otherwise. Nothing is sent outside the lab's namespaces.
set -euo pipefail
# shellcheck source=tests/lab/lab_test_lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/../lab/lab_test_lib.sh"
HERE=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd -- "$HERE/../.." && pwd)

lab_usage 3 "CUTPOINT_BINARY LISTENER_BINARY INJECTOR_BINARY" "$@"
CUTPOINT=$1
LISTENER=$2
INJECTOR=$3
LABEL=clickhouse.queries
lab_test_init "$LABEL" ip python3 nft clickhouse-server clickhouse-client
lab_need_executable "$CUTPOINT" "$LISTENER" "$INJECTOR"

lab_workdir cutpoint-clickhouse
TMP=$LAB_WORK
CH_PID=""
stop_clickhouse() {
  [[ -n $CH_PID ]] || return 0
  kill "$CH_PID" 2>/dev/null || return 0
  local _
  for _ in $(seq 1 40); do
    kill -0 "$CH_PID" 2>/dev/null || return 0
    sleep 0.25
  done
  echo "$LABEL: clickhouse-server $CH_PID did not stop in 10 s: SIGKILL" >&2
  kill -KILL "$CH_PID" 2>/dev/null || true
  wait "$CH_PID" 2>/dev/null || true
}
lab_at_exit stop_clickhouse

# ---- the lab run
lab_up cpch --scenario story --open-ports 25,443 --listener "$LISTENER" --injector "$INJECTOR" \
  --truth "$TMP/truth.json"
asn_db=$TMP/lab-ip2asn.tsv
bash "$LAB_TEST_DIR/../../tools/lab/story_ip2asn.sh" "$LAB_WORK/topology.env" >"$asn_db"
read -r -a V6 <<<"$TARGET_PREFIXES6"

# A dual-stack trace of 16 hosts around the filtered ones in each network.
lab_run_cutpoint trace trace --allow-reserved 198.18.0.0/15,2001:2::/48 -i "$PROBER_IF" \
  -S "$PROBER_ADDR,$PROBER_ADDR6" -p 25,443 --probe tcp-syn,icmp-echo --ttl 1-6 \
  --rate 20000 --cooldown 2 --key-file "$TMP/trace.key" --asn-db "$asn_db" \
  -o "$TMP/trace.ndjson" 198.19.1.96/28 198.19.2.96/28 2001:2:0:ff00::260/124
# locate over both IPv4 networks and the IPv6 twin of the injecting ISP's.
lab_run_cutpoint locate locate --allow-reserved 198.18.0.0/15,2001:2::/48 -i "$PROBER_IF" \
  -S "$PROBER_ADDR,$PROBER_ADDR6" -p 25 --control-port 443 --ttl 1-8 --rate 20000 \
  --key-file "$TMP/locate.key" --asn-db "$asn_db" -o "$TMP/locate.ndjson" \
  "$TARGET_PREFIX" 198.19.2.0/24 "${V6[1]}"
LAB_QUIET=1 bash "$LAB_SH" down "$LAB_TEST_NAME" >/dev/null 2>&1 || true
LAB_TEST_NAME=""  # down already; the teardown need not do it again

# ---- a ClickHouse server of this test's own
read -r TCP_PORT HTTP_PORT < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')
CH=$TMP/clickhouse
mkdir -p "$CH/data" "$CH/tmp" "$CH/user_files" "$CH/format_schemas" "$CH/log"
cat >"$CH/config.xml" <<EOF
<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>$CH/log/clickhouse-server.log</log>
    <errorlog>$CH/log/clickhouse-server.err.log</errorlog>
    <size>10M</size>
    <count>1</count>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <tcp_port>$TCP_PORT</tcp_port>
  <http_port>$HTTP_PORT</http_port>
  <path>$CH/data/</path>
  <tmp_path>$CH/tmp/</tmp_path>
  <user_files_path>$CH/user_files/</user_files_path>
  <format_schema_path>$CH/format_schemas/</format_schema_path>
  <users_config>$CH/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <max_concurrent_queries>16</max_concurrent_queries>
</yandex>
EOF
cat >"$CH/users.xml" <<'EOF'
<?xml version="1.0"?>
<yandex>
  <profiles>
    <default>
      <max_memory_usage>2000000000</max_memory_usage>
      <max_threads>2</max_threads>
    </default>
  </profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas>
    <default>
      <interval>
        <duration>3600</duration>
        <queries>0</queries>
        <errors>0</errors>
        <result_rows>0</result_rows>
        <read_rows>0</read_rows>
        <execution_time>0</execution_time>
      </interval>
    </default>
  </quotas>
</yandex>
EOF
clickhouse-server --config-file="$CH/config.xml" >"$CH/log/stdout" 2>&1 </dev/null &
CH_PID=$!
ready=0
for _ in $(seq 1 120); do
  kill -0 "$CH_PID" 2>/dev/null || break
  if clickhouse-client --host 127.0.0.1 --port "$TCP_PORT" --query "SELECT 1" >/dev/null 2>&1; then
    ready=1
    break
  fi
  sleep 0.25
done
if ((!ready)); then
  echo "$LABEL: FAIL: clickhouse-server did not answer on 127.0.0.1:$TCP_PORT; its log:" >&2
  tail -n 20 "$CH/log/stdout" "$CH/log/clickhouse-server.err.log" 2>/dev/null | sed 's/^/  /' >&2
  exit 1
fi
echo "$LABEL: clickhouse-server $(clickhouse-client --host 127.0.0.1 --port "$TCP_PORT" \
  --query 'SELECT version()') (pid $CH_PID) on 127.0.0.1:$TCP_PORT (http $HTTP_PORT)"

# ---- the doc's tables, load commands and queries, checked
python3 "$HERE/check_queries.py" --doc "$ROOT/docs/clickhouse.md" --port "$TCP_PORT" \
  --schema-dir "$ROOT/docs/schema" "$TMP/trace.ndjson" "$TMP/locate.ndjson" |
  sed "s/^/$LABEL: /"
