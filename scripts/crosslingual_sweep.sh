#!/usr/bin/env bash
# One row per value of one cross-lingual parameter (--cross-param NAME=VALUE), anchors only:
# NTREX dev all 102 variants with the detector's labels (a), with one placeholder label for every
# record (c), the 28 earlier variants (the tests' ntrex28 cut), and, when a bench corpus's man
# pages are given, their precision and share of same-page pairs found.
# Usage: scripts/crosslingual_sweep.sh NAME VALUE... [-- MAN.jsonl]
#   e.g. scripts/crosslingual_sweep.sh layout_min 0.5 0.6 0.7 0.8 0.9
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/common.sh
. scripts/common.sh
NAME=${1:?usage: scripts/crosslingual_sweep.sh NAME VALUE... [-- MAN.jsonl]}
shift
values=()
MAN=
while [ $# -gt 0 ]; do
  if [ "$1" = -- ]; then MAN=${2:-}; break; fi
  values+=("$1"); shift
done
D=tests/data/ntrex-dev
python3 - "$D" "$tmp" <<'PY'
import json, sys
d, out = sys.argv[1], sys.argv[2]
# The 28 variants of the earlier dev set (as the tests' ntrex28 cuts them).
old28 = {"arb", "deu", "eng", "eng-GB", "eng-IN", "eng-US", "fra", "fra-CA", "heb", "hin", "ind", "ita", "jpn",
         "kor", "nld", "pol", "por", "por-BR", "rus", "spa", "spa-MX", "spa-ref2", "tha", "tur", "ukr", "vie",
         "zho-CN", "zho-TW"}
gold = dict(l.rstrip("\n").split("\t") for i, l in enumerate(open(f"{d}/gold_translations.tsv", encoding="utf-8")) if i)
with open(f"{out}/zz.jsonl", "w", encoding="utf-8") as zz, open(f"{out}/n28.jsonl", "w", encoding="utf-8") as n28, \
        open(f"{out}/n28.tsv", "w", encoding="utf-8") as g28:
    g28.write("id\tcluster\n")
    for line in open(f"{d}/docs.jsonl", encoding="utf-8"):
        r = json.loads(line)
        zz.write(json.dumps({**r, "lang": "zz"}) + "\n")
        if r["id"].split("/")[0] in old28:
            n28.write(line)
            g28.write(f"{r['id']}\t{gold[r['id']]}\n")
PY
score() { "$B" eval --gold "$1" "$2" --json | python3 -c "import json,sys; d=json.load(sys.stdin); print(f\"{d['precision']:.4f} / {d['recall']:.4f}\")"; }
printf '%-22s %-18s %-18s %-18s %s\n' "$NAME" "(a) detector" "(c) zz" "28 variants" "man pages"
for v in "${values[@]}"; do
  p=(--cross-lingual --no-lexicon --cross-param "$NAME=$v")
  "$B" dedup "$D/docs.jsonl" -o /dev/null --clusters "$tmp/a.jsonl" -q "${p[@]}"
  "$B" dedup "$tmp/zz.jsonl" -o /dev/null --clusters "$tmp/c.jsonl" -q "${p[@]}" --lang-field lang
  "$B" dedup "$tmp/n28.jsonl" -o /dev/null --clusters "$tmp/b.jsonl" -q "${p[@]}"
  man=
  if [ -n "$MAN" ]; then
    "$B" dedup "$MAN" -o /dev/null --clusters "$tmp/m.jsonl" -q "${p[@]}"
    man=$(python3 scripts/manpage_score.py "$tmp/m.jsonl" "$MAN")
  fi
  printf '%-22s %-18s %-18s %-18s %s\n' "$v" "$(score "$D/gold_translations.tsv" "$tmp/a.jsonl")" \
    "$(score "$D/gold_translations.tsv" "$tmp/c.jsonl")" "$(score "$tmp/n28.tsv" "$tmp/b.jsonl")" "$man"
done
