#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Validate Cutpoint NDJSON files (and --status-file files) against docs/schema/.

Usage: validate_ndjson.py [--schema-dir DIR] FILE...

Every non-empty line of every FILE is parsed as JSON and validated against
cutpoint-record.schema.json, which dispatches on "type" to the per-record schemas.
Failures are reported as FILE:LINE: PATH: MESSAGE; the exit status is 1 if any line
fails, 2 on a usage error, 0 otherwise.
"""
import argparse
import json
import os
import sys

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SCHEMA_DIR = os.path.normpath(os.path.join(HERE, "..", "..", "docs", "schema"))


def load_validator(schema_dir):
    store = {}
    for name in sorted(os.listdir(schema_dir)):
        if name.endswith(".schema.json"):
            with open(os.path.join(schema_dir, name), encoding="utf-8") as f:
                schema = json.load(f)
            jsonschema.Draft202012Validator.check_schema(schema)
            store[schema["$id"]] = schema
    root = next(s for s in store.values() if s["$id"].endswith("/cutpoint-record.schema.json"))
    resolver = jsonschema.RefResolver.from_schema(root, store=store)
    return jsonschema.Draft202012Validator(root, resolver=resolver,
                                           format_checker=jsonschema.FormatChecker())


def json_path(error):
    path = "$"
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schema-dir", default=DEFAULT_SCHEMA_DIR)
    parser.add_argument("-q", "--quiet", action="store_true", help="no summary line")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    validator = load_validator(args.schema_dir)
    failures = 0
    records = 0
    by_type = {}
    for path in args.files:
        try:
            f = open(path, encoding="utf-8")
        except OSError as e:
            print(f"{path}: {e}", file=sys.stderr)
            failures += 1
            continue
        with f:
            for number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as e:
                    print(f"{path}:{number}: $: not JSON: {e}")
                    failures += 1
                    continue
                records += 1
                if isinstance(record, dict):
                    by_type[record.get("type")] = by_type.get(record.get("type"), 0) + 1
                errors = sorted(validator.iter_errors(record),
                                key=lambda e: (list(e.absolute_path), e.message))
                for error in errors:
                    # Descend into if/then/allOf wrappers to the most specific causes.
                    leaves = [error]
                    while any(e.context for e in leaves):
                        leaves = [c for e in leaves for c in (e.context or [e])]
                    for leaf in leaves:
                        print(f"{path}:{number}: {json_path(leaf)}: {leaf.message}")
                if errors:
                    failures += 1
    if not args.quiet:
        summary = ", ".join(f"{t}={n}" for t, n in sorted(by_type.items(), key=str))
        print(f"validate_ndjson: {records} records ({summary}), {failures} invalid", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
