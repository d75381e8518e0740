#!/usr/bin/python3
"""schema_check.py SCHEMA [DOC]: validates the JSON document DOC (the
argument, or stdin without one) against the Draft 2020-12 JSON Schema in
the file SCHEMA.

Every error is printed on stderr, one line each, as the path in the
document, the path in the schema and the validator's message, so a failing
test says which field is wrong without a rerun.

Exit status: 0 when the document matches, 1 when it does not, 2 when DOC
is not JSON or SCHEMA is not a valid schema.
"""
import json
import sys

import jsonschema


def where(path):
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}"
                   for p in path) or "."


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__.split("\n\n")[0], file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as e:
        print(f"{argv[1]}: not a valid schema: {e.message}", file=sys.stderr)
        return 2
    text = argv[2] if len(argv) == 3 else sys.stdin.read()
    try:
        doc = json.loads(text)
    except ValueError as e:
        print(f"not JSON: {e}: {text[:200]!r}", file=sys.stderr)
        return 2
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(doc),
                    key=lambda e: list(map(str, e.absolute_path)))
    for e in errors:
        print(f"document{where(e.absolute_path)} "
              f"(schema{where(e.absolute_schema_path)}): {e.message[:300]}",
              file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
