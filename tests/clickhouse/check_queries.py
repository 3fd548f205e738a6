#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""docs/clickhouse.md against a running ClickHouse server and Cutpoint NDJSON files.

    check_queries.py --doc docs/clickhouse.md --port TCP_PORT --schema-dir docs/schema \
        FILE.ndjson...

Reads the blocks of the doc: `<!-- ddl -->` (CREATE statements, run in order), `<!-- load -->`
(the shell loop that loads the files, run by bash with clickhouse-client pointed at the port)
and `<!-- query: NAME -->` (the documented queries). Then checks, against the NDJSON parsed
here in Python:
  * the typed tables have a column for every field of their record type's JSON Schema, except
    the arrays of objects the doc says 18.16 cannot read (and nothing else);
  * every line is loaded: each typed table holds exactly the lines of its type, field for
    field; `lines` holds every line byte for byte;
  * every documented query's answer (rows and values) equals the same figure computed here,
    and every query has such a check (a query without one, or a check without its query,
    fails).
Prints each query's name and row count. Exit 0 when all holds, 1 otherwise.
"""
import argparse
import collections
import ipaddress
import json
import os
import re
import subprocess
import sys

BLOCKING = {"silent_drop", "partial_drop", "rst_injection", "icmp_prohibited", "blackholed"}
OPEN = {"reachable", "closed"}
# Record type -> table, and the fields 18.16's JSONEachRow cannot read (arrays of objects),
# which the doc leaves to the `lines` table.
TABLES = {"reply": "replies", "verdict": "verdicts", "cut": "cuts", "meta": "meta",
          "stats": "stats"}
UNREADABLE = {"reply": {"mpls"}, "verdict": {"evidence"}, "meta": {"asn_dbs"},
              "stats": {"dpdk.tx_queues", "dpdk.threads"}, "cut": set()}

failures = []


def fail(message):
    failures.append(message)
    print("FAIL: " + message)


# ---------------------------------------------------------------- the doc

def read_doc(path):
    """[(kind, name, text)] of the marked fenced blocks, in document order."""
    text = open(path, encoding="utf-8").read()
    pattern = re.compile(r"<!-- (ddl|load|query: ([a-z0-9_]+)) -->\n```(sql|sh)\n(.*?)\n```",
                         re.S)
    blocks = []
    for m in pattern.finditer(text):
        kind = "query" if m.group(1).startswith("query") else m.group(1)
        blocks.append((kind, m.group(2), m.group(4)))
    # A marker whose block did not parse would silently drop a query: count them.
    markers = len(re.findall(r"<!-- (?:ddl|load|query: [a-z0-9_]+) -->", text))
    if markers != len(blocks):
        fail(f"{path}: {markers} block markers but {len(blocks)} parsed blocks")
    return blocks


# ---------------------------------------------------------------- the server

class Client:
    def __init__(self, port):
        self.base = ["clickhouse-client", "--host", "127.0.0.1", "--port", str(port)]

    def run(self, sql, settings=()):
        proc = subprocess.run(self.base + list(settings) + ["--query", sql],
                              capture_output=True, text=True, timeout=60)
        if proc.returncode != 0:
            raise RuntimeError(f"clickhouse-client failed ({proc.returncode}) on:\n{sql}\n"
                               f"{proc.stderr.strip()}")
        return proc.stdout

    def rows(self, sql):
        out = self.run(sql.rstrip().rstrip(";") + "\nFORMAT JSONEachRow",
                       ["--output_format_json_quote_64bit_integers=0",
                        "--output_format_json_quote_denormals=1"])
        return [json.loads(line) for line in out.splitlines() if line.strip()]


# ---------------------------------------------------------------- comparing

def canon(value):
    """A value as comparable text: floats to 12 significant digits, bools as 0/1."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return int(value)  # 20000.000000 in the file, 20000 from ClickHouse
        return float(f"{value:.12g}")
    if isinstance(value, list):
        return [canon(v) for v in value]
    if isinstance(value, dict):
        return {k: canon(v) for k, v in value.items()}
    return value


def key_of(row):
    return json.dumps(canon(row), sort_keys=True)


def nl(value, empty=""):
    """Sort key of a Nullable value: NULLs last, as ClickHouse orders them."""
    return (1, empty) if value is None else (0, value)


def compare_rows(name, got, want, order):
    """Same rows (a multiset, values compared by canon()), and got in `order`."""
    if [k for k in sorted(map(key_of, got))] != sorted(map(key_of, want)):
        missing = collections.Counter(map(key_of, want)) - collections.Counter(map(key_of, got))
        extra = collections.Counter(map(key_of, got)) - collections.Counter(map(key_of, want))
        fail(f"query {name}: {len(got)} rows from ClickHouse, {len(want)} computed; "
             f"missing {list(missing)[:5]}, unexpected {list(extra)[:5]}")
        return False
    keys = [order(r) for r in got]
    if keys != sorted(keys):
        fail(f"query {name}: rows not in the documented order: {[key_of(r) for r in got][:5]}")
        return False
    return True


# ---------------------------------------------------------------- the figures, in Python

def group(records, keyf):
    groups = collections.OrderedDict()
    for r in records:
        groups.setdefault(keyf(r), []).append(r)
    return groups


def q_verdict_counts(rec):
    want = [{"port": port, "verdict": verdict, "targets": len(rs)}
            for (port, verdict), rs in group(rec["verdict"],
                                             lambda r: (r["port"], r["verdict"])).items()]
    return want, lambda r: (r["port"], -r["targets"], r["verdict"])


def q_blocked_per_as_hop(rec):
    rows = [r for r in rec["verdict"] if r["verdict"] in BLOCKING and "after_ttl" in r]
    fields = ("after_ttl", "after_addr", "after_asn", "after_as_name", "before_ttl",
              "before_asn")
    want = []
    for key, rs in group(rows, lambda r: (r["verdict"], r.get("mechanism", ""))
                         + tuple(r.get(f) for f in fields)).items():
        row = {"verdict": key[0], "mechanism": key[1]}
        row.update(zip(fields, key[2:]))
        row["targets"] = len(rs)
        row["target_list"] = sorted(r["target"] for r in rs)
        want.append(row)
    return want, lambda r: (-r["targets"], r["verdict"], r["mechanism"], r["after_ttl"],
                            nl(r["after_addr"]))


def q_verdicts_per_target_as(rec):
    want = [{"asn": a, "as_name": n, "verdict": v, "targets": len(rs)}
            for (a, n, v), rs in group(rec["verdict"], lambda r: (
                r.get("target_asn", 0), r.get("target_as_name", ""), r["verdict"])).items()]
    return want, lambda r: (r["asn"], r["verdict"])


def network_of(target):
    length = 48 if ":" in target else 24
    return str(ipaddress.ip_network(f"{target}/{length}", strict=False))


def q_blocked_per_prefix(rec):
    want = []
    for network, rs in group(rec["verdict"], lambda r: network_of(r["target"])).items():
        blocked = [r["target"] for r in rs if r["verdict"] in BLOCKING]
        want.append({"network": network, "judged": len(rs), "blocked": len(blocked),
                     "open": sum(r["verdict"] in OPEN for r in rs),
                     "blocked_share": round(len(blocked) / len(rs), 4),
                     "blocked_targets": sorted(blocked)})
    return want, lambda r: r["network"]


def quantile_exact(values, level):
    values = sorted(values)
    return values[min(int(level * len(values)), len(values) - 1)]


def q_rtt_per_hop(rec):
    rows = [r for r in rec["reply"] if r["kind"] == "time_exceeded" and r["rtt_exact"]]
    want = []
    for (version, ttl, hop, asn), rs in group(rows, lambda r: (
            r["ip_version"], r["ttl"], r["from"], r.get("from_asn", 0))).items():
        rtts = [r["rtt_us"] for r in rs]
        want.append({"ip_version": version, "ttl": ttl, "hop": hop, "asn": asn,
                     "replies": len(rs), "rtt_p50_us": quantile_exact(rtts, 0.5),
                     "rtt_p90_us": quantile_exact(rtts, 0.9), "rtt_max_us": max(rtts)})
    return want, lambda r: (r["ip_version"], r["ttl"], r["hop"])


def q_rst_injection_hosts(rec):
    fields = ("target", "port", "mechanism", "after_ttl", "after_addr", "after_as_name",
              "before_addr", "cut_prefix")
    want = [{f: r.get(f) for f in fields} for r in rec["verdict"]
            if r["verdict"] == "rst_injection"]
    return want, lambda r: (r["port"], r["target"])


def q_rst_and_syn_ack(rec):
    want = []
    for (target, port), rs in group([r for r in rec["reply"] if r["probe"] == "tcp-syn"],
                                    lambda r: (r["target"], r["port"])).items():
        rst = [r for r in rs if r["kind"] == "rst"]
        syn_ack = [r for r in rs if r["kind"] == "syn_ack"]
        if rst and syn_ack:
            want.append({"target": target, "port": port, "rsts": len(rst),
                         "syn_acks": len(syn_ack),
                         "rst_reply_ttls": sorted({r["reply_ttl"] for r in rst}),
                         "syn_ack_reply_ttls": sorted({r["reply_ttl"] for r in syn_ack})})
    return want, lambda r: (r["target"], r["port"])


def q_cuts(rec):
    fields = ("prefix", "targets", "port", "verdict", "after_ttl", "after_addr",
              "after_as_name", "before_ttl", "before_as_name")
    want = []
    for r in rec["cut"]:
        row = {f: r.get(f) for f in fields}
        row["mechanism"] = r.get("mechanism", "")
        want.append(row)
    return want, lambda r: (r["port"], r["prefix"])


def q_replies_by_kind(rec):
    want = [{"ip_version": v, "probe": p, "kind": k, "replies": len(rs),
             "targets": len({r["target"] for r in rs})}
            for (v, p, k), rs in group(rec["reply"], lambda r: (
                r["ip_version"], r["probe"], r["kind"])).items()]
    return want, lambda r: (r["ip_version"], r["probe"], r["kind"])


def q_evidence_of_blocking(rec):
    counts = collections.Counter()
    for r in rec["verdict"]:
        if r["verdict"] in BLOCKING:
            for name in {e["name"] for e in r["evidence"]}:
                counts[(r["verdict"], name)] += 1
    want = [{"verdict": v, "evidence": e, "targets": n} for (v, e), n in counts.items()]
    return want, lambda r: (r["verdict"], -r["targets"], r["evidence"])


def q_runs(rec):
    want = [{"started": r["start_time"][:19].replace("T", " "), "command": r["command"],
             "key_fingerprint": r["key_fingerprint"], "targets": r.get("targets"),
             "probe_count": r.get("probe_count"), "probe_kinds": " ".join(r.get("probes", [])),
             "ttl_min": r.get("ttl_min"), "ttl_max": r.get("ttl_max")} for r in rec["meta"]]
    return want, lambda r: (r["started"], r["key_fingerprint"])


def q_capture_health(rec):
    s = rec["stats"]
    want = [{"runs": len(s), "probes_sent": sum(r["probes_sent"] for r in s),
             "matched": sum(r["matched"] for r in s), "rejected": sum(r["rejected"] for r in s),
             "send_errors": sum(r["send_errors"] for r in s),
             "pcap_dropped": sum(r.get("pcap_dropped", 0) for r in s),
             "interrupted_runs": sum(bool(r["interrupted"]) for r in s),
             "longest_run_s": max(r["duration_s"] for r in s)}]
    return want, lambda r: 0


CHECKS = {name[2:]: fn for name, fn in globals().items() if name.startswith("q_")}


# ---------------------------------------------------------------- schema and load checks

def schema_fields(schema_dir, record_type):
    schema = json.load(open(os.path.join(schema_dir, f"{record_type}.schema.json")))
    fields = set()

    def walk(props, prefix):
        for name, spec in props.items():
            if spec.get("type") == "object" and "properties" in spec:
                walk(spec["properties"], prefix + name + ".")
            else:
                fields.add(prefix + name)
    walk(schema["properties"], "")
    return fields


def table_value(record, column):
    value = record
    for part in column.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def check_tables(client, schema_dir, records):
    for record_type, table in TABLES.items():
        types = dict(line.split("\t") for line in client.run(
            f"SELECT name, type FROM system.columns WHERE database = 'cutpoint' AND "
            f"table = '{table}' ORDER BY name").splitlines())
        columns = sorted(types)
        fields = schema_fields(schema_dir, record_type)
        want = fields - UNREADABLE[record_type]
        if set(columns) != want:
            fail(f"table {table}: columns {sorted(set(columns) - want)} are no schema fields, "
                 f"schema fields {sorted(want - set(columns))} have no column")
        if not UNREADABLE[record_type] <= fields:
            fail(f"table {table}: {sorted(UNREADABLE[record_type] - fields)} are left out but "
                 "are no longer in the schema")
        # Field for field: every loaded row is one line of this type.
        got = client.rows(f"SELECT * FROM cutpoint.{table}")
        want_rows = []
        for r in records[record_type]:
            row = {}
            for c in columns:
                v = table_value(r, c)
                if v is None and types[c].startswith("Array"):
                    v = []
                row[c] = v
            want_rows.append(row)
        if sorted(map(key_of, got)) != sorted(map(key_of, want_rows)):
            diff = collections.Counter(map(key_of, want_rows)) - collections.Counter(
                map(key_of, got))
            fail(f"table {table}: {len(got)} rows loaded, {len(want_rows)} {record_type} lines; "
                 f"first lines not found as loaded: {list(diff)[:2]}")
        else:
            print(f"table {table}: {len(got)} rows, each equal to its {record_type} line "
                  f"({len(columns)} columns)")


def check_lines(client, raw_lines):
    out = client.run("SELECT line FROM cutpoint.lines FORMAT TSVRaw")
    got = out.splitlines()
    if sorted(got) != sorted(raw_lines):
        fail(f"table lines: {len(got)} rows, {len(raw_lines)} lines in the files, "
             "or some differ byte for byte")
    else:
        print(f"table lines: {len(got)} rows, byte for byte the lines of the files")


# ---------------------------------------------------------------- main

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--doc", required=True)
    parser.add_argument("--port", required=True, type=int)
    parser.add_argument("--schema-dir", required=True)
    parser.add_argument("ndjson", nargs="+")
    args = parser.parse_args()

    raw_lines = []
    records = collections.defaultdict(list)
    for path in args.ndjson:
        for line in open(path, encoding="utf-8").read().splitlines():
            raw_lines.append(line)
            r = json.loads(line)
            records[r["type"]].append(r)
    print("records: " + ", ".join(f"{t} {len(rs)}" for t, rs in sorted(records.items())))

    blocks = read_doc(args.doc)
    client = Client(args.port)
    ddl = [text for kind, _, text in blocks if kind == "ddl"]
    loads = [text for kind, _, text in blocks if kind == "load"]
    queries = [(name, text) for kind, name, text in blocks if kind == "query"]
    if len(loads) != 1:
        fail(f"{args.doc}: {len(loads)} load blocks, want 1")
        return 1
    for statement in ddl:
        client.run(statement)
    print(f"created {len(ddl)} objects from the doc's DDL")

    # The doc's load loop, verbatim, with clickhouse-client pointed at this server.
    script = (f"set -eu -o pipefail\n"
              f"clickhouse-client() {{ command clickhouse-client --host 127.0.0.1 "
              f"--port {args.port} \"$@\"; }}\n" + loads[0])
    proc = subprocess.run(["bash", "-c", script, "load"] + args.ndjson, capture_output=True,
                          text=True, timeout=120)
    if proc.returncode != 0:
        fail(f"the doc's load commands exited {proc.returncode}: {proc.stderr.strip()}")
        return 1
    print(f"loaded {len(args.ndjson)} files with the doc's load commands")

    check_tables(client, args.schema_dir, records)
    check_lines(client, raw_lines)

    names = [name for name, _ in queries]
    for name in sorted(set(names)):
        if names.count(name) > 1:
            fail(f"query {name} documented {names.count(name)} times")
    for name in sorted(set(CHECKS) - set(names)):
        fail(f"query {name} is checked here but not in {args.doc}")
    for name, sql in queries:
        if name not in CHECKS:
            fail(f"query {name} has no check in {sys.argv[0]}")
            continue
        try:
            got = client.rows(sql)
        except RuntimeError as error:
            fail(f"query {name}: {error}")
            continue
        want, order = CHECKS[name](records)
        if compare_rows(name, got, want, order):
            print(f"query {name}: {len(got)} rows, as computed from the NDJSON")
        if not got:
            fail(f"query {name}: no rows; the lab run should give every query something")
    print(f"{len(queries)} documented queries, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
