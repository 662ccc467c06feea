#!/usr/bin/env python3
"""Scores a cluster report of a corpus's Debian man pages (ids like man:fr/man1/ls.1.txt: a page
and its translations share their path after the language folder, which serves as gold). Over
the clusters in two or more languages: the pairs that are one page (precision), and how many of
the corpus's same-page pairs they hold (found).

Usage: manpage_score.py CLUSTERS.jsonl CORPUS.jsonl [LABEL]
Prints "precision / found" alone, or with LABEL a line with the counts.
"""
import collections
import json
import re
import sys


def page(i):
    m = re.match(r"man:(?:[a-z]{2}(?:_[A-Z]{2})?/)?(man\w+/[^/]+)$", i)
    return m.group(1) if m else None


predicted = true = 0
for line in open(sys.argv[1], encoding="utf-8"):
    c = json.loads(line)
    if len(c.get("langs", [])) < 2:
        continue
    m = c["members"]
    predicted += len(m) * (len(m) - 1) // 2
    n = collections.Counter(page(x) or x for x in m)
    true += sum(v * (v - 1) // 2 for v in n.values())
pages = collections.Counter(p for p in (page(json.loads(l)["id"]) for l in open(sys.argv[2], encoding="utf-8")) if p)
gold = sum(v * (v - 1) // 2 for v in pages.values())
precision, found = true / max(predicted, 1), true / max(gold, 1)
if len(sys.argv) > 3:
    print(f"{sys.argv[3]}: multilingual cluster pairs {predicted}, same page {true}, "
          f"precision {precision:.3f}; same-page pairs in the corpus {gold}, found {found:.3f}")
else:
    print(f"{precision:.3f} / {found:.3f}")
