#!/usr/bin/env python3
"""What a dedup run removed, checked on the text: for a corpus (JSONL with `text`, and `id` or
line numbers as ids), the kept records and the cluster report of `neardup dedup`, prints

- documents removed;
- kept documents whose normalized word sequence equals another kept one's (exact copies kept);
- removed documents whose cluster's kept document is below word-5-gram Jaccard 0.5 (content
  lost: nothing like them is kept), with the share of the removed.

Words: lower-cased runs of letters and digits (Unicode \\w), as a plain reading of the text,
independent of neardup's tokenizer. Pairs among kept documents at Jaccard >= 0.9 are counted by
running neardup again on the kept records (see scripts/removal_check.sh).

Usage: removal_check.py CORPUS.jsonl KEPT.jsonl CLUSTERS.jsonl
"""
import json
import re
import sys
from collections import Counter

WORD = re.compile(r"\w+", re.UNICODE)


def grams(text, n=5):
    w = WORD.findall(text.lower())
    if len(w) < n:
        return {tuple(w)} if w else set()
    return {tuple(w[i : i + n]) for i in range(len(w) - n + 1)}


def jaccard(a, b):
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def main():
    corpus, kept, clusters = sys.argv[1:4]
    text = {}
    for i, line in enumerate(open(corpus, encoding="utf-8"), 1):
        r = json.loads(line)
        text[str(r.get("id", i))] = r["text"]
    kept_texts = [json.loads(l)["text"] for l in open(kept, encoding="utf-8")]
    words = Counter(tuple(WORD.findall(t.lower())) for t in kept_texts)
    copies_kept = sum(v - 1 for v in words.values() if v > 1)
    removed = lost = 0
    for line in open(clusters, encoding="utf-8"):
        c = json.loads(line)
        rep = c["representative"]
        g = grams(text[rep])
        for m in c["members"]:
            if m == rep:
                continue
            removed += 1
            j = jaccard(grams(text[m]), g)
            lost += j < 0.5
    print(f"documents {len(text)}, removed {removed}, kept {len(kept_texts)}")
    print(f"kept exact copies (same words as another kept document): {copies_kept}")
    print(f"removed with their kept document below word-5-gram Jaccard 0.5: {lost} ({lost / max(removed, 1):.2%})")


main()
