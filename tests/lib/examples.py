#!/usr/bin/env python3
"""Prints every example command line of the files given, one per line:
"FILE:LINE<TAB>ARGV as a JSON array", for the test that dry-parses them.

Where examples are:
  *.rst   line blocks ("| ``xdpwire ...``"), a trailing backslash joining
          the next line of the block;
  *.md    lines of ```sh blocks;
  other   --help output: the lines of an "Examples:" block.
A line is an example when its first word is "xdpwire" and its second
starts with a letter or "-" and does not end with ":" (else it is output
xdpwire prints, a message or a version, not a command).  The
command ends at the first shell operator (a pipe, ";", "&&", a redirection)
or comment; $variables are left as typed.
"""
import json
import re
import shlex
import sys

LINE_BLOCK = re.compile(r"^\s*\|\s*``(.*)``\s*$")


def rst_lines(text):
    pending, start = None, 0
    for n, line in enumerate(text.splitlines(), 1):
        m = LINE_BLOCK.match(line)
        if not m:
            if pending is not None:
                yield start, pending
            pending = None
            continue
        part = m.group(1)
        if pending is None:
            pending, start = "", n
        pending += part
        if pending.endswith("\\"):
            pending = pending[:-1] + " "
            continue
        yield start, pending
        pending = None
    if pending is not None:
        yield start, pending


def md_lines(text):
    inside = False
    for n, line in enumerate(text.splitlines(), 1):
        if line.startswith("```"):
            inside = line.strip() in ("```sh", "```bash", "```shell")
            continue
        if inside:
            yield n, line


def help_lines(text):
    inside = False
    for n, line in enumerate(text.splitlines(), 1):
        if line in ("Examples:", "Example:"):
            inside = True
        elif not line.strip():
            inside = False
        elif inside:
            yield n, line


def argv_of(line):
    lex = shlex.shlex(line, posix=True, punctuation_chars=True)
    lex.whitespace_split = True
    lex.commenters = "#"
    words = []
    for word in lex:
        if word and all(c in "|&;<>()" for c in word):
            break
        words.append(word)
    return words


def main(paths):
    for path in paths:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if path.endswith(".rst"):
            lines = rst_lines(text)
        elif path.endswith(".md"):
            lines = md_lines(text)
        else:
            lines = help_lines(text)
        for n, line in lines:
            try:
                words = argv_of(line)
            except ValueError as e:
                words = ["xdpwire", "__unparsable__: %s" % e]
            if len(words) < 2 or words[0] != "xdpwire":
                continue
            if words[1].endswith(":") or not re.match(r"[a-z_-]", words[1]):
                continue
            print("%s:%d\t%s" % (path, n, json.dumps(words)))


if __name__ == "__main__":
    main(sys.argv[1:])
