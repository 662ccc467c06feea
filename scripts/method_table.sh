#!/usr/bin/env bash
# One table, one run: precision, recall, F1, ARI, CPU time and peak memory of MinHash, SimHash
# (k = 0..6) and a combined mode on a gold-labelled set (default: NTREX same-language).
# Usage: scripts/method_table.sh [DOCS.jsonl] [GOLD.tsv] [extra dedup flags...]
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/common.sh
. scripts/common.sh
gold_set gold_samelang.tsv "$@"
printf '%-22s %9s %7s %7s %7s %8s %8s\n' method precision recall f1 ari cpu_s rss_MB
row() { # name flags...
  local name=$1; shift
  /usr/bin/time -o "$tmp/t" -f "%U %S %M" "$B" dedup "$DOCS" -o /dev/null --clusters "$tmp/c.jsonl" -q --threads 1 "$@"
  "$B" eval --gold "$GOLD" "$tmp/c.jsonl" --json > "$tmp/s.json"
  python3 - "$name" "$tmp/s.json" "$tmp/t" <<'PY'
import json, sys
s = json.load(open(sys.argv[2])); u, k, m = open(sys.argv[3]).read().split()
print('%-22s %9.4f %7.4f %7.4f %7.4f %8.3f %8.1f' % (sys.argv[1], s['precision'], s['recall'], s['f1'], s['ari'], float(u) + float(k), int(m) / 1024))
PY
}
row "minhash (default)" --method minhash "${extra[@]}"
for k in 0 1 2 3 4 5 6; do
  row "simhash k=$k" --method simhash --max-hamming $k "${extra[@]}"
done
# A combined mode, computed from the two reports: MinHash clusters plus SimHash clusters (a pair
# linked by either), to see whether it beats either alone.
"$B" dedup "$DOCS" -o /dev/null --clusters "$tmp/m.jsonl" -q "${extra[@]}"
"$B" dedup "$DOCS" -o /dev/null --clusters "$tmp/s.jsonl" -q --method simhash "${extra[@]}"
python3 - "$tmp/m.jsonl" "$tmp/s.jsonl" > "$tmp/c.jsonl" <<'PY'
import json, sys
parent = {}
def find(x):
    parent.setdefault(x, x)
    while parent[x] != x:
        parent[x] = parent[parent[x]]; x = parent[x]
    return x
for f in sys.argv[1:]:
    for line in open(f):
        m = json.loads(line)["members"]
        for x in m[1:]:
            parent[find(x)] = find(m[0])
groups = {}
for x in list(parent):
    groups.setdefault(find(x), []).append(x)
for g in groups.values():
    if len(g) > 1:
        print(json.dumps({"members": g}))
PY
"$B" eval --gold "$GOLD" "$tmp/c.jsonl" --json | python3 -c "
import json,sys; s=json.load(sys.stdin)
print('%-22s %9.4f %7.4f %7.4f %7.4f' % ('minhash OR simhash', s['precision'], s['recall'], s['f1'], s['ari']))"
