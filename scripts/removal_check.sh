#!/usr/bin/env bash
# What each clustering removes, checked on the text (issue: every removed document must have a
# kept near-copy): for a JSONL corpus, `neardup dedup` with --grouping components and leader
# (plus any extra flags), then scripts/removal_check.py on each run, and the pairs of kept
# documents at word-5-gram Jaccard >= 0.9 (neardup again on the kept records: exact
# verification, 5-word shingles, union-find, no boilerplate stage).
# Usage: scripts/removal_check.sh CORPUS.jsonl [extra dedup flags...]
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/common.sh
. scripts/common.sh
CORPUS=${1:?usage: scripts/removal_check.sh CORPUS.jsonl [flags...]}
shift
for g in components leader; do
  echo "== --grouping $g $*"
  "$B" dedup "$CORPUS" -o "$tmp/kept.jsonl" --clusters "$tmp/c.jsonl" -q --grouping "$g" "$@"
  python3 scripts/removal_check.py "$CORPUS" "$tmp/kept.jsonl" "$tmp/c.jsonl"
  "$B" dedup "$tmp/kept.jsonl" -o /dev/null --clusters "$tmp/c9.jsonl" -q --threshold 0.9 \
    --verify exact --shingle-words 5 --grouping components --keep-boilerplate
  python3 - "$tmp/c9.jsonl" <<'PY'
import json, sys
pairs = sum(len(c["members"]) * (len(c["members"]) - 1) // 2 for c in map(json.loads, open(sys.argv[1])))
print(f"pairs of kept documents at Jaccard >= 0.9 (5-word shingles, exact): {pairs}")
PY
done
