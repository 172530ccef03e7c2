#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The matcher a user would otherwise write: Unicode-to-ASCII transliteration (unidecode) and
Jaro-Winkler (jellyfish) on the lower-cased names, with a threshold.

usage: names_baseline.py PAIRS.tsv [THRESHOLD]
       names_baseline.py --speed PAIRS.tsv
PAIRS.tsv has lines "a<TAB>b<TAB>1|0". Prints the threshold with the best F1 on these pairs
(hindsight, the most generous setting for the baseline) and, when THRESHOLD is given, the
precision, recall and F1 at that threshold too, as lines of key=value.
With --speed, times jellyfish.jaro_winkler_similarity alone over the pairs as they are (best of
3 runs) and prints pairs per second and the sum of the similarities (to check the values)."""
import sys
import time
import jellyfish
from unidecode import unidecode


def prf(scores, labels, t):
    tp = sum(1 for s, l in zip(scores, labels) if s >= t and l)
    fp = sum(1 for s, l in zip(scores, labels) if s >= t and not l)
    fn = sum(1 for s, l in zip(scores, labels) if s < t and l)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def speed(path):
    with open(path, encoding="utf-8") as f:
        pairs = [tuple(line.rstrip("\n").split("\t")[:2]) for line in f]
    jw = jellyfish.jaro_winkler_similarity
    best = None
    total = 0.0
    for _ in range(3):
        t0 = time.perf_counter()
        total = 0.0
        for a, b in pairs:
            total += jw(a, b)
        dt = time.perf_counter() - t0
        best = dt if best is None or dt < best else best
    print("pairs=%d seconds=%.4f pairs_per_second=%.0f sum=%.6f" % (len(pairs), best, len(pairs) / best, total))


def main():
    if sys.argv[1] == "--speed":
        speed(sys.argv[2])
        return
    scores, labels = [], []
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            a, b, label = line.rstrip("\n").split("\t")
            scores.append(jellyfish.jaro_winkler_similarity(unidecode(a).lower(), unidecode(b).lower()))
            labels.append(label == "1")
    best = max((prf(scores, labels, t / 100.0) + (t / 100.0,) for t in range(50, 100)),
               key=lambda x: x[2])
    print("best_threshold=%.2f best_precision=%.4f best_recall=%.4f best_f1=%.4f" % (best[3], best[0], best[1], best[2]))
    if len(sys.argv) > 2:
        p, r, f = prf(scores, labels, float(sys.argv[2]))
        print("at_threshold=%s precision=%.4f recall=%.4f f1=%.4f" % (sys.argv[2], p, r, f))


if __name__ == "__main__":
    main()
