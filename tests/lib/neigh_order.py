#!/usr/bin/env python3
"""Puts the neighbours of each interface in scrape's outputs (-j, -p and
text, on stdin) in one order, changing no byte of them otherwise.

scrape prints neighbours in the order of the kernel's dump, which walks
the neighbour table's hash buckets: the hash is seeded at random, so two
runs on the same configuration may list them in another order.  Byte
comparisons of scrape's outputs (tests/50-scrape.bats) compare through
this.
"""
import re
import sys

COMPACT = re.compile(r'"neighbors":\[((?:\{[^{}]*\},?)*)\]')


def compact(line):
    def sort(m):
        items = sorted(re.findall(r"\{[^{}]*\}", m.group(1)))
        return '"neighbors":[' + ",".join(items) + "]"

    return COMPACT.sub(sort, line)


def pretty(lines, i, out):
    """lines[i] opens a pretty "neighbors" array: sorts its elements."""
    indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
    out.append(lines[i])
    i += 1
    groups, cur = [], []
    while i < len(lines) and lines[i].rstrip(",") != indent + "]":
        cur.append(lines[i])
        if lines[i].rstrip(",") == indent + "  }":
            cur[-1] = cur[-1].rstrip(",")
            groups.append(cur)
            cur = []
        i += 1
    groups = sorted(groups) + ([cur] if cur else [])
    for k, g in enumerate(groups):
        out.extend(g[:-1])
        out.append(g[-1] + ("," if k < len(groups) - 1 else ""))
    return i


def main():
    lines = sys.stdin.read().split("\n")
    out, i = [], 0
    while i < len(lines):
        line = lines[i]
        if line.strip() == '"neighbors": [':
            i = pretty(lines, i, out)
            continue
        if line.startswith("  neighbour "):
            run = []
            while i < len(lines) and lines[i].startswith("  neighbour "):
                run.append(lines[i])
                i += 1
            out.extend(sorted(run))
            continue
        out.append(compact(line))
        i += 1
    sys.stdout.write("\n".join(out))


main()
