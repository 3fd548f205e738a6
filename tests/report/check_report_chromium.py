#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Opens a `cutpoint report -o FILE.html` page in headless Chromium and checks it against
the NDJSON it was made from.

  check_report_chromium.py --html R.html --ndjson RUN.ndjson --screenshot OUT.png
                           [--trace | --hostile | --truth truth.json]

Run it with the network gone (tests/report/report_chromium_test.sh puts it in an empty
network namespace, loopback only, which chromedriver needs): a page that tried to load
anything would fail, and the Performance API must list no resource at all.
Checks, for locate output: the summary counts equal the NDJSON's verdict counts; every
blocked target's ladder has its cut mark after the verdict's hop, drawn between that hop's
column and the next; the verdict filter and the text filter change the visible rows; with
--truth, the blocked rows are exactly the lab's filtered hosts, each cut interval holding
the filtering router; with script execution off the summary still shows the counts, and
printing hides the controls and target list but not the summary.
On-path injections have a marker at each TTL where the test probe drew an RST and also a
time exceeded or SYN-ACK. For trace output: one row per replying target, and each ladder
has a node at every TTL that drew a reply. With --hostile (NDJSON full of markup): no
injected script runs and no element comes from the data. Exit 0 on success, 1 on a failed check, 77 when Chromium cannot start.
"""

import argparse
import ipaddress
import json
import os
import sys
from collections import Counter, defaultdict

BLOCKING = {"silent_drop", "partial_drop", "rst_injection", "icmp_prohibited", "blackholed"}


def load(path):
    records = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                records.append(json.loads(line))
    return records


def start_browser():
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as e:
        print(f"FAIL: python3-selenium is missing ({e}); run tools/setup.sh", file=sys.stderr)
        sys.exit(1)
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1000", "--no-first-run", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update"):
        options.add_argument(arg)
    try:
        return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    except Exception as e:  # pylint: disable=broad-except
        print(f"SKIP: chromium cannot start: {e}")
        sys.exit(77)


class Checks:
    def __init__(self):
        self.failures = []

    def expect(self, condition, what):
        if not condition:
            self.failures.append(what)
            print(f"FAIL: {what}")
        return condition


def visible_rows(driver):
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#target-table tr.target-row'))"
        ".map(r => [r.dataset.target, r.dataset.verdict]);")


def set_filter(driver, text=None, verdict=None):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    if verdict is not None:
        Select(driver.find_element(By.ID, "filter-verdict")).select_by_value(verdict)
    if text is not None:
        box = driver.find_element(By.ID, "filter-text")
        box.clear()
        if text:
            box.send_keys(text)
        else:  # clear() fires no input event
            driver.execute_script("arguments[0].dispatchEvent(new Event('input'));", box)


def expand(driver, target):
    driver.execute_script(
        "const row = document.querySelector(`#target-table tr.target-row[data-target='${arguments[0]}']`);"
        "if (row && !(row.nextSibling && row.nextSibling.classList.contains('detail-row'))) row.click();",
        target)


def check_no_requests(driver, checks):
    resources = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name);")
    checks.expect(resources == [], f"the page requested resources: {resources}")
    url = driver.execute_script("return location.href;")
    checks.expect(url.startswith("file://"), f"page URL is {url}")


def check_locate(driver, records, checks):
    from selenium.webdriver.common.by import By
    verdicts = [r for r in records if r["type"] == "verdict"]
    want = Counter(v["verdict"] for v in verdicts)
    got = {}
    for row in driver.find_elements(By.CSS_SELECTOR, "#summary-counts tr[data-verdict]"):
        got[row.get_attribute("data-verdict")] = int(row.find_element(By.CSS_SELECTOR, "td.count").text)
    checks.expect(got == dict(want), f"summary counts {got} != NDJSON {dict(want)}")
    total = int(driver.find_element(By.ID, "total-count").text)
    checks.expect(total == len(verdicts), f"total {total} != {len(verdicts)} verdicts")
    print(f"summary counts match the NDJSON: {dict(want)}")

    rows = visible_rows(driver)
    checks.expect(len(rows) == min(len(verdicts), 200), f"{len(rows)} rows shown at first")

    blocked = [v for v in verdicts if v["verdict"] in BLOCKING]
    checks.expect(blocked, "the lab run has no blocked target")
    set_filter(driver, verdict="*blocked")
    rows = visible_rows(driver)
    checks.expect(sorted(t for t, _ in rows) == sorted(v["target"] for v in blocked),
                  f"'blocked' shows {rows}, want {[v['target'] for v in blocked]}")
    for v in blocked:
        expand(driver, v["target"])
        mark = driver.execute_script(
            "const svg = document.querySelector(`tr.detail-row[data-target='${arguments[0]}'] svg.ladder`);"
            "if (!svg) return null;"
            "const cut = svg.querySelector('g.lane g.cut');"
            "if (!cut) return {ladder: true};"
            "const lane = cut.parentNode;"
            "const xs = {};"
            "svg.querySelectorAll('text.axis').forEach(t => { xs[t.textContent] = t.getBBox().x + t.getBBox().width / 2; });"
            "const box = cut.querySelector('line, rect').getBBox();"
            "return {ladder: true, after: Number(cut.dataset.afterTtl), verdict: cut.dataset.verdict,"
            "        lane: lane.dataset.lane, x: box.x, xs: xs};", v["target"])
        if not checks.expect(mark is not None, f"{v['target']}: no ladder"):
            continue
        if not checks.expect("after" in mark, f"{v['target']}: ladder without a cut mark"):
            continue
        k = v.get("after_ttl")
        checks.expect(mark["after"] == k, f"{v['target']}: cut after hop {mark['after']}, NDJSON says {k}")
        checks.expect(mark["verdict"] == v["verdict"], f"{v['target']}: cut drawn as {mark['verdict']}")
        checks.expect(mark["lane"] == f"tcp-syn:{v['port']}", f"{v['target']}: cut on lane {mark['lane']}")
        # Geometry: the mark starts right of hop k's column and left of hop k+1's.
        xs = mark["xs"]
        left = xs.get(f"TTL {k}", 0 if k == 0 else None)
        right = xs.get(f"TTL {k + 1}")
        checks.expect(left is not None and right is not None and left < mark["x"] + 4 < right + 4,
                      f"{v['target']}: cut at x={mark['x']:.0f}, not between TTL {k} ({left}) and "
                      f"TTL {k + 1} ({right})")
        print(f"{v['target']}: {v['verdict']} ladder, cut after hop {k} (x={mark['x']:.0f})")
        if v["verdict"] == "icmp_prohibited":  # the note names the ICMP code
            note = driver.execute_script(
                "return document.querySelector(`tr.detail-row[data-target='${arguments[0]}'] g.cut title`)"
                ".textContent;", v["target"])
            checks.expect(f"ICMP code {v.get('icmp_code')}" in note, f"{v['target']}: cut note '{note}'")
        if v.get("mechanism") == "on_path":  # a star where the probe drew an RST and went on
            kinds = defaultdict(set)
            for r in records:
                if (r["type"] == "reply" and r["target"] == v["target"] and r["probe"] == "tcp-syn"
                        and r.get("port") == v["port"]):
                    kinds[r["ttl"]].add(r["kind"])
            want_stars = sorted(t for t, k in kinds.items()
                                if "rst" in k and ({"time_exceeded", "syn_ack"} & k))
            stars = driver.execute_script(
                "return Array.from(document.querySelectorAll(`tr.detail-row[data-target='${arguments[0]}'] "
                "svg.ladder text.travelled-on`)).map(s => Number(s.dataset.ttl)).sort((a, b) => a - b);",
                v["target"])
            checks.expect(stars == want_stars and stars,
                          f"{v['target']}: on-path markers at TTLs {stars}, want {want_stars}")
    rst = [v for v in blocked if v["verdict"] == "rst_injection"]
    for v in rst:  # the evidence table lists the verdict's evidence names
        names = driver.execute_script(
            "return Array.from(document.querySelectorAll(`tr.detail-row[data-target='${arguments[0]}'] "
            "table.evidence`)[0].querySelectorAll('td:first-child')).map(td => td.textContent);", v["target"])
        want_names = [e["name"].replace("_", " ") for e in v.get("evidence", [])]
        checks.expect(names == want_names, f"{v['target']}: evidence {names} != {want_names}")

    # Filters: a verdict narrows to its targets; text narrows to matching addresses.
    for verdict, count in want.items():
        set_filter(driver, verdict=verdict)
        n = len(visible_rows(driver))
        checks.expect(n == min(count, 200), f"verdict filter {verdict}: {n} rows, want {count}")
    set_filter(driver, verdict="")
    one = blocked[0]["target"]
    set_filter(driver, text=one)
    rows = visible_rows(driver)
    checks.expect(all(one in t for t, _ in rows) and any(t == one for t, _ in rows),
                  f"text filter '{one}': rows {rows[:5]}")
    hop = blocked[0].get("after_addr")
    if hop:
        set_filter(driver, text=hop)
        n = len(visible_rows(driver))
        checks.expect(0 < n, f"text filter on hop {hop}: no rows")
    # An IPv4 prefix selects the targets inside it.
    net = ipaddress.ip_network(one + "/28", strict=False)
    set_filter(driver, text=str(net))
    rows = visible_rows(driver)
    want_in = sorted(v["target"] for v in verdicts if ipaddress.ip_address(v["target"]) in net)
    checks.expect(sorted(t for t, _ in rows) == want_in, f"prefix filter {net}: {len(rows)} rows, want {len(want_in)}")
    set_filter(driver, text="no-such-target-anywhere")
    checks.expect(visible_rows(driver) == [], "a filter matching nothing leaves rows")
    # Sorting: a click on "target" orders the rows by address, a second click reverses it.
    set_filter(driver, text="", verdict="")
    header = driver.find_element(By.XPATH, "//table[@id='target-table']//th[text()='target']")
    header.click()
    first = [t for t, _ in visible_rows(driver)]
    header.click()
    second = [t for t, _ in visible_rows(driver)]
    by_address = sorted((v["target"] for v in verdicts), key=ipaddress.ip_address)
    checks.expect(first == by_address[:len(first)], f"sorted by target: {first[:5]}")
    checks.expect(second == by_address[::-1][:len(second)], f"sorted by target, reversed: {second[:5]}")
    set_filter(driver, text="", verdict="*blocked")
    print(f"filters change the visible rows ({len(verdicts)} targets, {len(blocked)} blocked)")
    for v in blocked:
        expand(driver, v["target"])


def check_truth(driver, truth_path, checks):
    """The lab's ground truth: the page's blocked rows are exactly the filtered hosts, each
    with the truth's verdict, and each ladder's cut interval holds the filtering router."""
    with open(truth_path, encoding="utf-8") as f:
        truth = json.load(f)
    want = {}
    for flt in truth.get("filters") or []:
        for target in flt["filtered"]:
            want[target] = (flt["expected_verdict"], flt["filter_router"])
    set_filter(driver, text="", verdict="*blocked")
    rows = dict(visible_rows(driver))
    checks.expect(sorted(rows) == sorted(want), f"truth: blocked rows {sorted(rows)}, filtered hosts {sorted(want)}")
    for target, (verdict, router) in want.items():
        checks.expect(rows.get(target) == verdict, f"truth: {target} shown as {rows.get(target)}, want {verdict}")
        expand(driver, target)
        cut = driver.execute_script(
            "const c = document.querySelector(`tr.detail-row[data-target='${arguments[0]}'] g.cut`);"
            "return c ? [Number(c.dataset.afterTtl), c.dataset.beforeTtl] : null;", target)
        if checks.expect(cut is not None, f"truth: {target} has no cut mark"):
            after, before = cut[0], int(cut[1]) if cut[1] else None
            checks.expect(after <= router and (before is None or router <= before),
                          f"truth: {target} cut in [{after}, {before}], filter on router {router}")
    print(f"ground truth: {len(want)} filtered hosts shown blocked, each cut interval holds its router")


def check_without_script_and_in_print(driver, html, records, checks):
    """The summary is plain HTML: with script execution off it still shows the NDJSON's
    counts, and in print media the controls and the target list are hidden, the summary not."""
    from selenium.webdriver.common.by import By
    want = Counter(r["verdict"] for r in records if r["type"] == "verdict")
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    driver.get("file://" + os.path.abspath(html))
    got = {row.get_attribute("data-verdict"): int(row.find_element(By.CSS_SELECTOR, "td.count").text)
           for row in driver.find_elements(By.CSS_SELECTOR, "#summary-counts tr[data-verdict]")}
    checks.expect(got == dict(want), f"without script: summary {got} != {dict(want)}")
    checks.expect(not driver.find_elements(By.CSS_SELECTOR, "#target-table"),
                  "without script: the target table exists anyway")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    shown = driver.execute_script(
        "return ['summary', 'cuts', 'targets'].map(id => { const e = document.getElementById(id);"
        " return e ? getComputedStyle(e).display !== 'none' : null; });")
    checks.expect(shown[0] is True and shown[2] is False,
                  f"print: summary/cuts/targets displayed {shown}")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
    print("without script and in print: the summary shows the NDJSON's counts")


def check_trace(driver, records, checks):
    from selenium.webdriver.common.by import By
    replies = [r for r in records if r["type"] == "reply"]
    ttls = defaultdict(set)
    for r in replies:
        ttls[r["target"]].add(r["ttl"])
    shown = int(driver.find_element(By.ID, "trace-targets").text)
    checks.expect(shown == len(ttls), f"trace summary {shown} targets, NDJSON {len(ttls)}")
    n_replies = int(driver.find_element(By.ID, "trace-replies").text)
    checks.expect(n_replies == len(replies), f"trace summary {n_replies} replies, NDJSON {len(replies)}")
    rows = visible_rows(driver)
    checks.expect(len(rows) == min(len(ttls), 200), f"{len(rows)} trace rows, want {len(ttls)}")
    for target in sorted(ttls)[:5]:
        expand(driver, target)
        drawn = driver.execute_script(
            "return Array.from(document.querySelectorAll(`tr.detail-row[data-target='${arguments[0]}'] "
            "svg.ladder g.node`)).map(n => Number(n.dataset.ttl));", target)
        checks.expect(set(drawn) == ttls[target], f"{target}: ladder TTLs {sorted(set(drawn))} != {sorted(ttls[target])}")
    target = sorted(ttls)[0]
    set_filter(driver, text=target)
    rows = visible_rows(driver)
    checks.expect(rows and all(target in t for t, _ in rows), f"trace text filter: {rows[:5]}")
    set_filter(driver, text="")
    expand(driver, sorted(ttls)[0])
    print(f"trace: {len(ttls)} targets, ladders match the replies' TTLs")


def check_as_path(driver, want, checks):
    """Every lane of the overview carries the AS path to its cut: a leading part of the
    chain's AS sequence `want`, drawn as labels over the hops."""
    state = driver.execute_script(
        "const lanes = Array.from(document.querySelectorAll('#overview-svg g.lane'));"
        "return {paths: lanes.map(g => g.getAttribute('data-as-path')),"
        "        labels: lanes.map(g => Array.from(g.querySelectorAll('text.as')).map(t => t.textContent))};")
    want_hops = want.split()
    checks.expect(state["paths"], "AS path: the overview has no lanes")
    for path, labels in zip(state["paths"], state["labels"]):
        hops = (path or "").split()
        checks.expect(hops and hops == want_hops[:len(hops)],
                      f"AS path: lane path '{path}' is not a leading part of '{want}'")
        checks.expect(labels == hops[:len(labels)] and len(labels) >= len(hops) - 1,
                      f"AS path: lane labels {labels} do not draw '{path}'")
    print(f"AS paths of the overview's lanes: {state['paths']}")


def check_prefixes(driver, records, checks):
    """A CIDR prefix of either family typed in the filter shows exactly the targets inside it."""
    targets = sorted({r["target"] for r in records if r.get("type") == "verdict"})
    families = {}
    for target in targets:
        address = ipaddress.ip_address(target)
        families.setdefault(address.version, address)
    checks.expect(6 in families and 4 in families, f"prefix page: want both families, have {sorted(families)}")
    for version, address in sorted(families.items()):
        for length in ((24, 32) if version == 4 else (64, 128)):
            net = ipaddress.ip_network(f"{address}/{length}", strict=False)
            set_filter(driver, text=str(net))
            rows = sorted({t for t, _ in visible_rows(driver)})
            want = sorted(t for t in targets if ipaddress.ip_address(t) in net)
            checks.expect(rows == want, f"prefix filter {net}: rows {rows}, want {want}")
            print(f"prefix filter {net}: {len(rows)} targets")


def check_hostile(driver, checks):
    """A page from hostile NDJSON: every row opened, no injected script ran, no element
    came from the data, and the hostile strings show as text."""
    rows = driver.execute_script(
        "const rows = Array.from(document.querySelectorAll('#target-table tr.target-row'));"
        "rows.forEach(r => r.click()); return rows.length;")
    checks.expect(rows > 0, "hostile page: no target rows")
    state = driver.execute_script(
        "return {pwned: window.__pwned === undefined ? null : window.__pwned,"
        "        scripts: document.scripts.length, imgs: document.images.length,"
        "        text: document.body.textContent};")
    checks.expect(state["pwned"] is None, f"hostile page: injected script ran ({state['pwned']})")
    checks.expect(state["scripts"] == 2, f"hostile page: {state['scripts']} script elements")
    checks.expect(state["imgs"] == 0, f"hostile page: {state['imgs']} img elements")
    checks.expect("<img src=x onerror=" in state["text"], "hostile page: the strings are not shown as text")
    print(f"hostile NDJSON: {rows} rows opened")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--html", required=True)
    parser.add_argument("--ndjson", required=True)
    parser.add_argument("--screenshot", required=True)
    parser.add_argument("--trace", action="store_true")
    parser.add_argument("--hostile", action="store_true")
    parser.add_argument("--prefixes", action="store_true", help="only the prefix filters (both families)")
    parser.add_argument("--as-path", help="the AS sequence every overview lane's path must start")
    parser.add_argument("--truth", help="the lab's truth.json (tools/lab/lab.sh --truth)")
    args = parser.parse_args()
    records = load(args.ndjson)
    checks = Checks()
    driver = start_browser()
    try:
        driver.get("file://" + os.path.abspath(args.html))
        errors = driver.execute_script("return document.getElementById('target-table') !== null;")
        checks.expect(errors, "the script did not build the target table")
        check_no_requests(driver, checks)
        if args.hostile:
            check_hostile(driver, checks)
        elif args.prefixes:
            check_prefixes(driver, records, checks)
        elif args.trace:
            check_trace(driver, records, checks)
        else:
            check_locate(driver, records, checks)
            if args.truth:
                check_truth(driver, args.truth, checks)
            if args.as_path:
                check_as_path(driver, args.as_path, checks)
        check_no_requests(driver, checks)
        driver.execute_script("window.scrollTo(0, 0);")
        height = driver.execute_script("return document.documentElement.scrollHeight;")
        driver.set_window_size(1400, min(max(height, 800), 2400))
        driver.save_screenshot(args.screenshot)
        print(f"screenshot: {args.screenshot}")
        if not args.trace and not args.hostile and not args.prefixes:
            check_without_script_and_in_print(driver, args.html, records, checks)
    finally:
        driver.quit()
    if checks.failures:
        print(f"{len(checks.failures)} check(s) failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
