#!/usr/bin/env bash
# Same-language precision/recall on the NTREX set for a grid of settings (the table in docs/method.md).
# Usage: scripts/settings_table.sh [DOCS.jsonl] [GOLD.tsv]
set -euo pipefail
cd "$(dirname "$0")/.."
DOCS=${1:-tests/data/ntrex-dev/docs.jsonl}
GOLD=${2:-tests/data/ntrex-dev/gold_samelang.tsv}
# shellcheck source=scripts/common.sh
. scripts/common.sh
printf '%-6s %-9s %-8s %-8s %9s %7s %7s %7s\n' words threshold minhash verify precision recall f1 ari
for w in 2 3 4 5; do
  for t in 0.6 0.7 0.8; do
    for m in oph classic; do
      for v in estimate exact; do
        $B dedup "$DOCS" -o /dev/null --clusters "$tmp/c.jsonl" -q --shingle-words $w --threshold $t --minhash $m --verify $v
        $B eval --gold "$GOLD" "$tmp/c.jsonl" --json | python3 -c "
import json,sys; s=json.load(sys.stdin)
print('%-6s %-9s %-8s %-8s %9.4f %7.4f %7.4f %7.4f' % ('$w','$t','$m','$v',s['precision'],s['recall'],s['f1'],s['ari']))"
      done
    done
  done
done
