#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The baseline of bench/names_baseline.py (unidecode, lower case, jellyfish Jaro-Winkler),
pair by pair, for bench/names_hard.lua, which needs each pair's score to break the figures down
by nation and category.

usage: names_hard_baseline.py PAIRS.tsv
PAIRS.tsv has lines "a<TAB>b"; prints one similarity a line, in the same order."""
import sys
import jellyfish
from unidecode import unidecode


def main():
    jw = jellyfish.jaro_winkler_similarity
    out = []
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            a, b = line.rstrip("\n").split("\t")[:2]
            out.append("%.6f" % jw(unidecode(a).lower(), unidecode(b).lower()))
    sys.stdout.write("\n".join(out) + ("\n" if out else ""))


if __name__ == "__main__":
    main()
