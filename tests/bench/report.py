#!/usr/bin/env python3
"""make bench's report: raw samples in, one Markdown table and results.json out.

Each row (one JSON line from bench_row in tests/bench/lib.bash) holds our
samples and its anchor's, measured in the same rounds.  The ratio of a row
is the median of the per-round ratios: pairing the rounds cancels most of
the noise a shared machine adds to both sides of one round.  The spread is
the interquartile range (25th-75th percentile) of those ratios.

A goal "ratio<=X" or "ratio>=X" is judged on the median ratio, "value<=X"
on the largest sample (a peak is a peak), and no goal is rounded: 1.51 is
not <= 1.5.
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import sys


def quantile(values, q):
    """Linear-interpolated quantile of a non-empty list."""
    v = sorted(values)
    pos = (len(v) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (pos - lo)


def summary(values):
    if not values:
        return None
    return {
        "median": statistics.median(values),
        "p25": quantile(values, 0.25),
        "p75": quantile(values, 0.75),
        "min": min(values),
        "max": max(values),
        "n": len(values),
    }


def judge(goal, ours, ratio):
    """True/False for a goal, None when there is none."""
    if not goal:
        return None
    for op in ("<=", ">="):
        if op in goal:
            what, bound = goal.split(op)
            bound = float(bound)
            break
    else:
        raise ValueError(f"goal {goal!r}: expected ratio<=X, ratio>=X or value<=X")
    if what == "ratio":
        got = ratio["median"]
    elif what == "value":
        got = ours["max"]
    else:
        raise ValueError(f"goal {goal!r}: unknown quantity {what!r}")
    return got <= bound if op == "<=" else got >= bound


def analyse(row):
    ours = summary(row["samples"])
    theirs = summary(row["anchor_samples"])
    if ours is None:
        raise ValueError(f"{row['section']}/{row['case']}: no samples")
    ratio = None
    if theirs is not None:
        if len(row["samples"]) != len(row["anchor_samples"]):
            raise ValueError(f"{row['section']}/{row['case']}: samples not paired")
        ratio = summary([a / b for a, b in zip(row["samples"], row["anchor_samples"])])
    out = dict(row)
    out.update(value=ours, anchor_value=theirs, ratio=ratio,
               met=judge(row["goal"], ours, ratio))
    return out


def fmt(x):
    """Three significant digits, without scientific notation."""
    if x == 0:
        return "0"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.3g}" if abs(x) >= 1 else f"{x:.3f}".rstrip("0").rstrip(".")


def cell(s, unit):
    if s is None:
        return "-"
    return f"{fmt(s['median'])} {unit} ({fmt(s['p25'])}-{fmt(s['p75'])})"


def table(rows):
    lines = [
        "| Section | Case | xdpwire, median (IQR) | Anchor | Anchor, median (IQR) "
        "| Ratio, median (IQR) | Goal | Met |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        ratio = "-"
        if r["ratio"] is not None:
            q = r["ratio"]
            ratio = f"{q['median']:.2f}x ({q['p25']:.2f}-{q['p75']:.2f})"
        met = {None: "", True: "yes", False: "**no**"}[r["met"]]
        goal = r["goal"].replace("<=", " <= ").replace(">=", " >= ")
        case = r["case"] + (f" ({r['note']})" if r["note"] else "")
        lines.append(f"| {r['section']} | {case} | {cell(r['value'], r['unit'])} "
                     f"| {r['anchor'] or '-'} | {cell(r['anchor_value'], r['unit'])} "
                     f"| {ratio} | {goal} | {met} |")
    return "\n".join(lines)


BEGIN = "<!-- bench:begin (tests/bench/report.py writes this part) -->"
END = "<!-- bench:end -->"


def verdicts(rows):
    """The goals missed, by name: the README must not leave one out."""
    missed = [r for r in rows if r["met"] is False]
    if not missed:
        return "Every goal was met in this run."
    lines = ["Goals missed in this run:", ""]
    for r in missed:
        goal = r["goal"].replace("<=", " <= ").replace(">=", " >= ")
        q = r["ratio"]
        got = (f"{q['median']:.2f}x" if goal.startswith("ratio")
               else f"{fmt(r['value']['max'])} {r['unit']}")
        lines.append(f"- {r['section']}, {r['case']} against {r['anchor']}: "
                     f"{got}, goal {goal}")
    return "\n".join(lines)


def update_readme(path, text):
    with open(path) as f:
        doc = f.read()
    start, end = doc.find(BEGIN), doc.find(END)
    if start < 0 or end < start:
        raise ValueError(f"{path}: no bench markers")
    doc = doc[:start + len(BEGIN)] + "\n" + text + "\n" + doc[end:]
    with open(path + ".tmp", "w") as f:
        f.write(doc)
    os.replace(path + ".tmp", path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", required=True, help="JSON lines from bench_row")
    ap.add_argument("--json", help="write results here")
    ap.add_argument("--seconds", type=int, help="how long the run took")
    ap.add_argument("--readme", help="replace the table between this file's "
                    "bench markers")
    args = ap.parse_args()

    with open(args.rows) as f:
        rows = [analyse(json.loads(line)) for line in f if line.strip()]
    judged = [r for r in rows if r["met"] is not None]
    met = sum(1 for r in judged if r["met"])
    doc = {
        "generated": datetime.datetime.now(datetime.timezone.utc)
        .isoformat(timespec="seconds"),
        "kernel": platform.release(),
        "cpus": os.cpu_count(),
        "seconds": args.seconds,
        "goals": {"met": met, "missed": len(judged) - met},
        "rows": rows,
    }
    if args.json:
        tmp = args.json + ".tmp"
        with open(tmp, "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")
        os.replace(tmp, args.json)
    tally = (f"Goals: {met} met, {len(judged) - met} missed. Kernel "
             f"{doc['kernel']}, {doc['cpus']} CPUs, {args.seconds} s, "
             f"{doc['generated']}.")
    print(table(rows))
    print()
    print(tally)
    if args.readme:
        update_readme(args.readme,
                      f"{table(rows)}\n\n{tally}\n\n{verdicts(rows)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
