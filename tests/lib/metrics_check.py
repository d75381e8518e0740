#!/usr/bin/python3
"""Checks `xdpwire status --metrics` output with a real Prometheus parser.

Usage:
    metrics_check.py FILE     (- for stdin)

Parses FILE with the Python client's parser
(prometheus_client.parser.text_string_to_metric_families, Debian's
python3-prometheus-client), then checks what the parser does not: every
family has # HELP and # TYPE, appears once (its samples together), is one
of xdpwire's with the type and exactly the labels xdpwire-status(8) lists,
label values from the documented sets, no series twice, and names by the
Prometheus conventions (snake_case, counters ending in _total).  Every
problem is a line on stderr.

On success prints the samples as one JSON array, for jq:
    [{"name": ..., "type": ..., "labels": {...}, "value": ...}, ...]

Exit status: 0 when the output is valid, 1 when it is not, 2 on a usage
error.
"""

import json
import re
import sys

from prometheus_client.parser import text_string_to_metric_families

BASE = {"device", "kind", "netns"}

# family (as the parser names it: a counter without _total) -> type, labels
FAMILIES = {
    "xdpwire_build_info": ("gauge", {"version"}),
    "xdpwire_install_info": (
        "gauge",
        BASE | {"program_id", "program_name", "link_id", "mode"},
    ),
    "xdpwire_install_health": ("gauge", BASE | {"health"}),
    "xdpwire_install_ok": ("gauge", BASE),
    "xdpwire_packets": ("counter", BASE | {"reason"}),
    "xdpwire_slots": ("gauge", BASE | {"state"}),
    "xdpwire_sandboxes": ("gauge", BASE | {"state"}),
    "xdpwire_owner_table_used": ("gauge", BASE | {"family"}),
    "xdpwire_owner_table_size": ("gauge", BASE | {"family"}),
    "xdpwire_program_runs": ("counter", BASE),
    "xdpwire_program_run_seconds": ("counter", BASE),
}

# label -> its values, where they are a fixed set
VALUES = {
    "kind": {"redirect", "tunnel_host", "tunnel_veth"},
    "health": {"ok", "stale", "broken", "other-netns"},
    "reason": {"forwarded", "pass_port", "no_target", "malformed"},
    "family": {"ipv4", "ipv6"},
    "mode": {"native", "generic", ""},
}
STATES = {
    "xdpwire_slots": {"filled", "empty", "unknown"},
    "xdpwire_sandboxes": {"committed", "stale", "broken"},
}

NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def header_problems(text):
    """HELP and TYPE lines: one of each per family, before its samples."""
    problems, helped, typed, seen = [], set(), set(), []
    for line in text.splitlines():
        if line.startswith("# HELP "):
            helped.add(line.split(" ")[2])
        elif line.startswith("# TYPE "):
            name = line.split(" ")[2]
            if name in typed:
                problems.append(f"{name}: a second # TYPE line")
            typed.add(name)
            seen.append(name)
        elif line and not line.startswith("#"):
            sample = re.split(r"[{ ]", line, maxsplit=1)[0]
            if not seen or sample != seen[-1]:
                problems.append(f"{sample}: a sample outside its family")
    for name in typed - helped:
        problems.append(f"{name}: no # HELP line")
    if not text.endswith("\n"):
        problems.append("the last line has no newline")
    return problems


def check(text):
    problems = header_problems(text)
    samples, series, families = [], set(), set()
    for fam in text_string_to_metric_families(text):
        if fam.name in families:
            problems.append(f"{fam.name}: family given twice")
        families.add(fam.name)
        want = FAMILIES.get(fam.name)
        if not want:
            problems.append(f"{fam.name}: not a family of xdpwire's")
            continue
        if fam.type != want[0]:
            problems.append(f"{fam.name}: type {fam.type}, want {want[0]}")
        if not fam.documentation:
            problems.append(f"{fam.name}: no help text")
        for s in fam.samples:
            suffix = "_total" if fam.type == "counter" else ""
            if s.name != fam.name + suffix or not NAME.match(s.name):
                problems.append(f"{s.name}: not named {fam.name + suffix}")
            if set(s.labels) != want[1]:
                problems.append(
                    f"{s.name}: labels {sorted(s.labels)}, want {sorted(want[1])}"
                )
            for label, value in s.labels.items():
                allowed = VALUES.get(label)
                if label == "state":
                    allowed = STATES[fam.name]
                if allowed is not None and value not in allowed:
                    problems.append(f"{s.name}: {label}={value!r} not one of ours")
            key = (s.name, tuple(sorted(s.labels.items())))
            if key in series:
                problems.append(f"{s.name}{dict(s.labels)}: twice")
            series.add(key)
            if s.value < 0:
                problems.append(f"{s.name}{dict(s.labels)}: negative")
            samples.append(
                {
                    "name": s.name,
                    "type": fam.type,
                    "labels": dict(s.labels),
                    "value": s.value,
                }
            )
    if "xdpwire_build_info" not in families:
        problems.append("no xdpwire_build_info")
    return problems, samples


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    if sys.argv[1] == "-":
        text = sys.stdin.read()
    else:
        with open(sys.argv[1], encoding="utf-8") as f:
            text = f.read()
    try:
        problems, samples = check(text)
    except ValueError as e:  # what the parser refuses
        problems, samples = [f"the parser refuses it: {e}"], []
    for p in problems:
        print(f"metrics_check: {p}", file=sys.stderr)
    if problems:
        return 1
    json.dump(samples, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
