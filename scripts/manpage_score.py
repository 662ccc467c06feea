#!/usr/bin/env python3
"""Scores a cluster report of a corpus's Debian man pages (ids like man:fr/man1/ls.1.txt: a page
and its translations share their path after the language folder, which serves as gold). Over
the clusters in two or more languages: the pairs that are one page (precision), and how many of
the corpus's same-page pairs they hold (found).

With SAME.jsonl (the cluster report of the same corpus without --cross-lingual), also:
- ceiling: the precision a perfect linker would reach, one that joins exactly the pages that are
  one page across languages, on top of the same-language clusters (which join sibling pages of
  one template, sha224sum and sha512sum in one language, as the near-duplicates they are);
- explained: the share of the report's pairs that that perfect clustering also holds together,
  i.e. the precision of the cross-lingual links themselves.

Usage: manpage_score.py CLUSTERS.jsonl CORPUS.jsonl [LABEL [SAME.jsonl]]
Prints "precision / found" alone, or with LABEL a line with the counts.
"""
import collections
import json
import re
import sys


def page(i):
    m = re.match(r"man:(?:[a-z]{2}(?:_[A-Z]{2})?/)?(man\w+/[^/]+)$", i)
    return m.group(1) if m else None


def folder(i):
    m = re.match(r"man:([a-z]{2}(?:_[A-Z]{2})?)/", i)
    return m.group(1) if m else "en"


def multilingual(path):
    for line in open(path, encoding="utf-8"):
        c = json.loads(line)
        if len(c.get("langs", [])) >= 2:
            yield c["members"]


def pairs_held(clusters):
    predicted = true = 0
    for m in clusters:
        predicted += len(m) * (len(m) - 1) // 2
        n = collections.Counter(page(x) or x for x in m)
        true += sum(v * (v - 1) // 2 for v in n.values())
    return predicted, true


ids = [json.loads(line)["id"] for line in open(sys.argv[2], encoding="utf-8")]
predicted, true = pairs_held(multilingual(sys.argv[1]))
pages = collections.Counter(p for p in map(page, ids) if p)
gold = sum(v * (v - 1) // 2 for v in pages.values())
precision, found = true / max(predicted, 1), true / max(gold, 1)
if len(sys.argv) <= 3:
    print(f"{precision:.3f} / {found:.3f}")
    sys.exit()
line = (f"{sys.argv[3]}: multilingual cluster pairs {predicted}, same page {true}, "
        f"precision {precision:.3f}; same-page pairs in the corpus {gold}, found {found:.3f}")
if len(sys.argv) > 4:
    # The perfect clustering: same-language clusters joined with every page's translations.
    parent = {i: i for i in ids}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for line_ in open(sys.argv[4], encoding="utf-8"):
        m = json.loads(line_)["members"]
        for x in m[1:]:
            parent[find(x)] = find(m[0])
    first = {}
    for i in ids:
        p = page(i)
        if p:
            parent[find(i)] = find(first.setdefault(p, i))
    groups = collections.defaultdict(list)
    for i in ids:
        groups[find(i)].append(i)
    perfect = [m for m in groups.values() if len({folder(x) for x in m}) >= 2]
    p_pred, p_true = pairs_held(perfect)
    root = {i: find(i) for i in ids}
    together = sum(1 for m in multilingual(sys.argv[1]) for a in range(len(m)) for b in range(a + 1, len(m))
                   if root[m[a]] == root[m[b]])
    line += (f"; ceiling (a perfect linker over the same-language clusters) {p_true / max(p_pred, 1):.4f} ({p_true} of {p_pred}), "
             f"pairs that clustering also holds {together / max(predicted, 1):.3f}")
print(line)
