#!/usr/bin/env bash
# Cross-lingual precision and recall when translations are missing: NTREX with only a random
# fraction of its documents kept (fixed seeds), so that many documents have few or none
# of their translations in the corpus, as in a crawl. Anchors only and with the installed
# lexicon; the full set first, for comparison.
# Usage: scripts/crosslingual_subsample.sh [DOCS.jsonl] [GOLD.tsv] [extra dedup flags...]
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/common.sh
. scripts/common.sh
gold_set gold_translations.tsv "$@"
# Subsamples: seed:fraction of documents kept.
python3 - "$DOCS" "$GOLD" "$tmp" <<'PY'
import json, random, sys
docs, gold, out = sys.argv[1], sys.argv[2], sys.argv[3]
lines = open(docs, encoding="utf-8").read().splitlines()
labels = dict(l.split("\t") for l in open(gold, encoding="utf-8").read().splitlines()[1:])
cp = lambda src, dst: open(dst, "w", encoding="utf-8").write(open(src, encoding="utf-8").read())
cp(docs, f"{out}/full.jsonl"); cp(gold, f"{out}/full.tsv")
# Seeds 1-4 checked the mutual-match rule of attachment; 11-16 were made later, for the rule
# that many mutual best matches stand for a lead.
for seed, frac in [(1, 0.5), (2, 0.5), (3, 0.25), (4, 0.25),
                   (11, 0.75), (12, 0.75), (13, 0.5), (14, 0.5), (15, 0.35), (16, 0.35)]:
    r = random.Random(seed)
    keep = [l for l in lines if r.random() < frac]
    with open(f"{out}/s{seed}.jsonl", "w", encoding="utf-8") as f:
        f.write("".join(l + "\n" for l in keep))
    with open(f"{out}/s{seed}.tsv", "w", encoding="utf-8") as f:
        f.write("id\tcluster\n")
        for l in keep:
            i = json.loads(l)["id"]
            f.write(f"{i}\t{labels[i]}\n")
PY
lexicon_modes
printf '%-22s %-6s %6s %10s %8s\n' mode set docs precision recall
for m in "${modes[@]}"; do
  name=${m%%:*}; flags=${m#*:}
  for s in full s1 s2 s3 s4 s11 s12 s13 s14 s15 s16; do
    # shellcheck disable=SC2086
    "$B" dedup "$tmp/$s.jsonl" -o /dev/null --clusters "$tmp/c.jsonl" -q --cross-lingual $flags "${extra[@]}"
    "$B" eval --gold "$tmp/$s.tsv" "$tmp/c.jsonl" --json > "$tmp/e.json"
    python3 - "$name" "$s" "$tmp/e.json" "$tmp/$s.jsonl" <<'PY'
import json, sys
e = json.load(open(sys.argv[3]))
n = sum(1 for _ in open(sys.argv[4], encoding="utf-8"))
print(f"{sys.argv[1]:22} {sys.argv[2]:6} {n:6} {e['precision']:10.4f} {e['recall']:8.4f}")
PY
  done
done
