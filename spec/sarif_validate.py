# SPDX-License-Identifier: MIT
"""Validates SARIF files against the vendored SARIF 2.1.0 schema (draft-04), formats included.

usage: python3 spec/sarif_validate.py SCHEMA FILE...
Prints "FILE: valid" or each error with its JSON path; exits 1 when any file is invalid.
"""
import json
import sys

import jsonschema


def main(argv):
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    status = 0
    for path in argv[2:]:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        if not errors:
            print(f"{path}: valid")
            continue
        status = 1
        print(f"{path}: {len(errors)} errors")
        for e in errors[:20]:
            where = "/".join(str(p) for p in e.absolute_path)
            print(f"  at /{where}: {e.message[:300]}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
