#!/usr/bin/env python3
"""Normalises a golden transcript of tests/16-golden.bats (stdin to stdout).

What differs from run to run becomes a placeholder, everything else stays
literal: the bed's paths and names (arguments LITERAL=PLACEHOLDER, applied
in order; a number only as a whole word), kernel object ids, ifindexes,
namespace inodes, program tags and the build's commit.  status's table
pads its columns to the widest cell, so an id one digit longer moves every
column: a table is checked for that alignment here, then re-aligned over
its placeholders, and a table that was not aligned keeps a mark saying so.
"""
import re
import sys

# A number after one of these words (text output) is a kernel object id.
ID_WORDS = r"(\(id |\bprogram |\bprograms |\blink |\bmap |\bid )"
RULES = [
    # JSON: "id", "program_id", "link_id", "prog_id", ... and "ifindex".
    (re.compile(r'("(?:[a-z_]+_)?id": ?)\d+'), r"\1<ID>"),
    (re.compile(r'("(?:[a-z]+_)?ifindex": ?)\d+'), r"\1<IFINDEX>"),
    (re.compile(r'("(?:netns_)?inode": ?)\d+'), r"\1<INODE>"),
    (re.compile(r'("tag": ?)"[0-9a-f]{16}"'), r'\1"<TAG>"'),
    # Text.
    (re.compile(ID_WORDS + r"\d+"), r"\1<ID>"),
    # "program <old> -> <new>": the new id too.
    (re.compile(r"(<ID> -> )\d+"), r"\1<ID>"),
    (re.compile(r"\bifindex \d+"), "ifindex <IFINDEX>"),
    (re.compile(r"\bnetns:\d+"), "netns:<INODE>"),
    (re.compile(r"\bnetns [1-9]\d*"), "netns <INODE>"),
    (re.compile(r"\b(\d+\.\d+\.\d+)\+g[0-9a-f]+(?:-dirty)?"), r"\1+g<COMMIT>"),
    # The kernel's own local-table routes (scrape -v) come and go with
    # address and link events it completes after ip(8) returned.
    (re.compile(r"(routes left out: )\d+( of other tables)"), r"\1<N>\2"),
]

# status's table: its header and rows up to the summary line.
TABLE_HEAD = re.compile(r"^DEVICE  +INSTALL  +HEALTH  ")
# PROGRAM "<id> <name>" and LINK "<id> -> <device>" or "<id> detached".
TABLE_ID = re.compile(r"^\d+ ")
TABLE_ID_COLUMNS = (3, 5)


def substitutions(args):
    subs = []
    for arg in args:
        literal, _, placeholder = arg.partition("=")
        if not literal:
            continue
        if literal.isdigit():
            subs.append((re.compile(r"\b%s\b" % literal), placeholder))
        else:
            subs.append((re.compile(re.escape(literal)), placeholder))
    return subs


def normalise(line, subs):
    for pattern, repl in subs + RULES:
        line = pattern.sub(repl, line)
    return line


def cells(line):
    """A table row's cells and where each starts; cells are 2+ spaces apart."""
    return [(m.start(), m.group(0)) for m in re.finditer(r"\S+(?: \S+)*", line)]


def realign(rows, subs):
    """The table with its ids as placeholders and its columns padded again
    to the widest cell.  A row whose cells did not start at the header's
    columns is marked, and so is a table whose columns were not padded to
    their widest cell and two blanks; an indented line (a row's why) stays
    as it is."""
    starts = [start for start, _ in cells(rows[0])]
    widths = [0] * len(starts)
    raw_widths = [0] * len(starts)
    parsed = []
    for row in rows:
        if row.startswith(" "):
            parsed.append((normalise(row, subs), None))
            continue
        c = cells(row)
        aligned = [start for start, _ in c] == starts[: len(c)]
        texts = []
        for i, (_, text) in enumerate(c):
            if aligned:
                raw_widths[i] = max(raw_widths[i], len(text))
            text = normalise(text, subs)
            if i in TABLE_ID_COLUMNS:
                text = TABLE_ID.sub("<ID> ", text)
            texts.append(text)
            if aligned:
                widths[i] = max(widths[i], len(text))
        parsed.append((texts, aligned))
    # Each column as wide as its widest cell and two blanks: where the
    # columns start follows from the cells.
    padded = [sum(w + 2 for w in raw_widths[:i]) for i in range(len(starts))]
    out = [] if padded == starts else ["<COLUMNS NOT AS WIDE AS THEIR WIDEST CELL + 2>"]
    for texts, aligned in parsed:
        if aligned is None:
            out.append(texts)
        elif not aligned:
            out.append("<NOT ALIGNED> " + "  ".join(texts))
        else:
            cols = [t.ljust(widths[i] + 2) for i, t in enumerate(texts[:-1])]
            out.append("".join(cols) + texts[-1])
    return out


def main():
    subs = substitutions(sys.argv[1:])
    lines = sys.stdin.read().split("\n")
    out = []
    i = 0
    while i < len(lines):
        if TABLE_HEAD.match(lines[i]):
            j = i + 1
            while j < len(lines) and lines[j] and not lines[j].startswith("= ") \
                    and not re.match(r"^\d+ install", lines[j]):
                j += 1
            out.extend(realign(lines[i:j], subs))
            i = j
            continue
        out.append(normalise(lines[i], subs))
        i += 1
    sys.stdout.write("\n".join(out))


main()
