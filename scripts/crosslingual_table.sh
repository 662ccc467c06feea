#!/usr/bin/env bash
# Cross-lingual results on a gold-labelled set (default: NTREX translations), anchors only and
# anchors + dictionary pivot (the lexicon scripts/setup.sh installs), in one run: overall
# pairwise precision/recall/F1, recall per language variant (over every gold pair it is in),
# and the weakest language pairs.
# Usage: scripts/crosslingual_table.sh [DOCS.jsonl] [GOLD.tsv] [extra dedup flags...]
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/common.sh
. scripts/common.sh
gold_set gold_translations.tsv "$@"
lexicon_modes
for m in "${modes[@]}"; do
  name=${m%%:*}; flags=${m#*:}
  # shellcheck disable=SC2086
  "$B" dedup "$DOCS" -o /dev/null --clusters "$tmp/c.jsonl" -q --cross-lingual $flags "${extra[@]}"
  "$B" eval --gold "$GOLD" "$tmp/c.jsonl" --by-language --json > "$tmp/e.jsonl"
  python3 - "$name" "$tmp/e.jsonl" <<'PY'
import json, sys, collections
rows = [json.loads(l) for l in open(sys.argv[2])]
total, pairs = rows[0], [r for r in rows[1:] if r['gold_pairs'] > 0]
print(f"== {sys.argv[1]}: precision {total['precision']:.4f} recall {total['recall']:.4f} f1 {total['f1']:.4f} "
      f"(gold pairs {total['gold_pairs']}, predicted {total['predicted_pairs']})")
gold, true = collections.Counter(), collections.Counter()
for r in pairs:
    for l in r['langs']:
        gold[l] += r['gold_pairs']; true[l] += r['true_pairs']
print('recall by variant: ' + ' '.join(f"{l} {true[l]/gold[l]:.2f}" for l in sorted(gold, key=lambda l: true[l]/gold[l])))
weak = sorted(pairs, key=lambda r: r['recall'])[:10]
print('weakest pairs: ' + ', '.join(f"{a}-{b} {r['recall']:.2f}" for r in weak for a, b in [r['langs']]))
wrong = [r for r in pairs if r['precision'] < 1]
print('pairs with precision < 1: ' + (', '.join(f"{a}-{b} {r['precision']:.2f}" for r in wrong for a, b in [r['langs']]) or 'none'))
PY
done
