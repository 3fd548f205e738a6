#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The option tables against the code and the generated documents.

- `cutpoint help COMMAND` prints exactly `cutpoint COMMAND --help`; `cutpoint help nosuch`
  exits 2; every command takes -q.
- Every option the code reads (args.Get/Has/GetAll("x"), IntegerOption(args, "x", ...),
  SecondsOption(args, "x", ...)) is in the table of each command that runs that code, with
  help text.
- Every option of every table is in the command's man page, the bash completion and the
  zsh completion; cutpoint(1) lists every command; the pages render (man -l) and the
  completions parse (bash -n, zsh -n).
- The literal defaults of trace and scan (dry runs: the meta record and every probe
  record, bytes aside: they carry the send time), match and report are checked by
  running each with and without "--OPTION DEFAULT" (unit.cli DocumentedDefaultsTest
  compares the parsed configurations of trace, scan and locate in process, locate
  having no dry run).

usage: option_docs_test.py CUTPOINT DOCS_DIR SOURCE_DIR
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

CUTPOINT, DOCS, SOURCE = (os.path.abspath(path) for path in sys.argv[1:4])
failures = []
checks = 0


def check(ok, message):
    global checks
    checks += 1
    if not ok:
        failures.append(message)
        print("FAIL: " + message)


def run(*args, cwd=None):
    result = subprocess.run([CUTPOINT, *args], capture_output=True, text=True, cwd=cwd)
    return result.returncode, result.stdout, result.stderr


# The commands, from the usage.
code, usage, _ = run("help")
check(code == 0, "cutpoint help: exit %d" % code)
commands = re.findall(r"^  (\S+) +\S", usage.split("commands:\n", 1)[1].split("\n\n")[0], re.M)
check(len(commands) >= 6, "usage lists too few commands: %s" % commands)

OPTION_ROW = re.compile(r"^  (?:-(\S), |    )--([\w-]+)(?: (\S+))?(?: +(.*))?$")


def parse_options(help_text):
    """{long_name: (help, default or None)} from the options: table of --help."""
    options = {}
    lines = help_text.split("options:\n", 1)[1].splitlines() if "options:\n" in help_text else []
    for i, line in enumerate(lines):
        match = OPTION_ROW.match(line)
        if not match:
            continue
        text = match.group(4) or ""
        if not text and i + 1 < len(lines) and lines[i + 1].startswith(" " * 30):
            text = lines[i + 1].strip()
        default = re.search(r"\(default ([^)]*)\)$", text)
        options[match.group(2)] = (text, default.group(1) if default else None)
    return options


tables = {}
for command in commands:
    code_a, help_a, _ = run("help", command)
    code_b, help_b, _ = run(command, "--help")
    check(code_a == 0 and code_b == 0, "%s: help exits %d / %d" % (command, code_a, code_b))
    check(help_a == help_b, "cutpoint help %s differs from cutpoint %s --help" % (command, command))
    tables[command] = parse_options(help_b)
    check("help" in tables[command], "%s: no --help row" % command)
    for name, (text, _) in tables[command].items():
        check(text.strip() != "", "%s --%s: no help text" % (command, name))
    code, _, err = run(command, "-q", "--help")
    check(code == 0, "cutpoint %s -q --help: exit %d (%s)" % (command, code, err.strip()))
code, _, _ = run("help", "nosuch")
check(code == 2, "cutpoint help nosuch: exit %d, not 2" % code)

# Options the code reads, per source file, and the commands that run each file.
READ = re.compile(r'(?:args(?:\.|->)(?:Get|Has|GetAll)\(|(?:IntegerOption|SecondsOption)\(\s*args,\s*)"([\w-]+)"')
probing = ["trace", "scan", "locate"]
source_dir = os.path.join(SOURCE, "tools", "cutpoint")
for file_name in sorted(os.listdir(source_dir)):
    if not file_name.endswith(".cc"):
        continue
    with open(os.path.join(source_dir, file_name)) as source:
        reads = set(READ.findall(source.read()))
    if not reads:
        continue
    stem = file_name[:-3]
    if stem in ("common_config", "probe_options"):
        users = probing
    elif stem == "exit_codes":
        users = commands
    elif stem.startswith("trace_"):
        users = ["trace", "scan"]
    else:
        match = re.match(r"^([a-z]+)_(command|config)$", stem)
        users = [match.group(1)] if match else []
    check(users != [], "%s reads options %s but no command is known to run it "
          "(name it COMMAND_command.cc or map it here)" % (file_name, sorted(reads)))
    for command in users:
        check(command in tables, "%s: command %s is not in the registry" % (file_name, command))
        for name in sorted(reads):
            check(name in tables.get(command, {}),
                  "cutpoint %s reads --%s (%s) but its table lacks it" % (command, name, file_name))

# The generated documents.
man_dir = os.path.join(DOCS, "man")
with open(os.path.join(man_dir, "cutpoint.1")) as page:
    main_page = page.read()
have_man = shutil.which("man") is not None
for command in commands:
    check("\n.B %s\n" % command.replace("-", "\\-") in main_page, "cutpoint.1 lacks %s" % command)
    path = os.path.join(man_dir, "cutpoint-%s.1" % command)
    check(os.path.exists(path), "no man page %s" % path)
    if not os.path.exists(path):
        continue
    with open(path) as page:
        roff = page.read()
    for name, (_, default) in tables[command].items():
        check("\\fB\\-\\-%s\\fR" % name.replace("-", "\\-") in roff,
              "cutpoint-%s.1 lacks --%s" % (command, name))
        if default is not None:
            check("Default: \\fB%s\\fR." % default.replace("-", "\\-") in roff,
                  "cutpoint-%s.1 lacks --%s's default %s" % (command, name, default))
    if have_man:
        rendered = subprocess.run(["man", "-l", path], capture_output=True, text=True,
                                  env=dict(os.environ, MANPAGER="cat", PAGER="cat", MANWIDTH="80"))
        check(rendered.returncode == 0 and "cutpoint %s" % command in rendered.stdout,
              "man -l %s: exit %d" % (path, rendered.returncode))

bash_file = os.path.join(DOCS, "cutpoint.bash")
check(subprocess.run(["bash", "-n", bash_file]).returncode == 0, "bash -n cutpoint.bash")
# Completion as bash does it: the words so far, the completions offered.
complete = r'''source "$1"; shift
COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _cutpoint
printf '%s\n' "${COMPREPLY[@]}"'''


def bash_complete(*words):
    result = subprocess.run(["bash", "-c", complete, "complete", bash_file, "cutpoint", *words],
                            capture_output=True, text=True)
    return set(result.stdout.split())


check(set(commands) <= bash_complete(""), "bash: not every command completes")
for command in commands:
    offered = bash_complete(command, "--")
    for name in tables[command]:
        check("--" + name in offered, "bash: cutpoint %s -- does not offer --%s" % (command, name))
check(bash_complete("scan", "--tx", "") == {"raw", "afpacket", "afxdp", "dpdk"},
      "bash: --tx does not complete its backends")

zsh_file = os.path.join(DOCS, "_cutpoint")
with open(zsh_file) as script:
    zsh = script.read()
if shutil.which("zsh"):
    check(subprocess.run(["zsh", "-n", zsh_file]).returncode == 0, "zsh -n _cutpoint")
for command in commands:
    body = re.search(r"^_cutpoint_%s\(\) \{\n(.*?)^\}" % command.replace("-", "_"), zsh, re.M | re.S)
    check(body is not None, "zsh: no _cutpoint_%s" % command)
    for name in tables[command] if body else []:
        check(re.search(r"[',]--%s[\[}]" % re.escape(name), body.group(1)) is not None,
              "zsh: _cutpoint_%s lacks --%s" % (command, name))
    check(re.search(r"^ +'%s:" % command, zsh, re.M) is not None, "zsh: command %s not listed" % command)

# trace, scan, match and report: a run without the option equals a run with its documented
# default.
# Volatile: the command line, clocks, and probe bytes (they carry the send time).
VOLATILE = {"argv", "start_time", "end_time", "duration_s", "time", "bytes"}


def records(text):
    out = []
    for line in text.splitlines():
        record = json.loads(line)
        out.append({k: v for k, v in record.items() if k not in VOLATILE})
    return out


work = tempfile.mkdtemp(prefix="cutpoint-option-docs.")
key_file = os.path.join(work, "probe.key")
for command in ("trace", "scan"):
    dry_run = [command, "--dry-run", "--allow-reserved", "198.18.0.0/15", "-S", "198.18.0.1",
               "--key-file", key_file, "-q", "198.18.0.0/30"]
    defaulted = 0
    for name, (_, default) in tables[command].items():
        if default is None:
            continue
        context = ["--tx", "afxdp"] if name == "xdp-queue" else []
        code_a, without, err_a = run(*dry_run, *context)
        code_b, with_default, err_b = run(*dry_run, *context, "--" + name, default)
        check(code_a == 0 and code_b == 0,
              "%s --dry-run --%s %s: exit %d / %d (%s%s)" % (command, name, default, code_a,
                                                               code_b, err_a, err_b))
        check(len(records(without)) > 2 and records(without) == records(with_default),
              "%s --%s %s: the dry run differs from one without it" % (command, name, default))
        defaulted += 1
    check(defaulted >= 10, "%s: only %d documented defaults" % (command, defaulted))
    # The comparison sees a value that is not the default.
    _, without, _ = run(*dry_run)
    _, other, _ = run(*dry_run, "--ttl", "3" if command == "scan" else "2-3")
    check(records(without) != records(other), "%s: a dry run with another --ttl looks the same"
          % command)
shutil.rmtree(work)

fixtures = os.path.join(SOURCE, "tests", "fixtures")
match_args = ["match", "--pcap", "locate_rst_lab.pcap", "--key-file", "locate_rst_lab.key", "-q"]
default = tables["match"]["output"][1]
_, without, _ = run(*match_args, cwd=os.path.join(fixtures, "match"))
_, with_default, _ = run(*match_args, "--output", default, cwd=os.path.join(fixtures, "match"))
check(len(records(without)) > 2 and records(without) == records(with_default),
      "match --output %s is not the default" % default)

report_args = ["report", "--format", "html", "upstream-a.ndjson", "trace_small.ndjson"]
default = tables["report"]["report-max-targets"][1]
cwd = os.path.join(fixtures, "report")
_, without, _ = run(*report_args, cwd=cwd)
_, with_default, _ = run(*report_args, "--report-max-targets", default, cwd=cwd)
_, with_one, _ = run(*report_args, "--report-max-targets", "1", cwd=cwd)
check(len(without) > 1000 and without == with_default,
      "report --report-max-targets %s is not the default" % default)
check(without != with_one, "report: --report-max-targets 1 changes nothing; the check is blind")

print("cli.option_docs: %d checks, %d failed" % (checks, len(failures)))
sys.exit(1 if failures else 0)
