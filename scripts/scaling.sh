#!/usr/bin/env bash
# Time and memory of the MinHash and SimHash indexes as the corpus grows: prefixes of 1/8, 1/4,
# 1/2 and all of a JSONL corpus (default: the 250 MB Debian-documentation corpus built by
# shared/bench/make_corpus.sh, whose lines are shuffled, so a prefix is a fair sample).
# Also the peak resident memory beyond the mapped input, per document and its growth from one
# row to the next (the marginal cost of a document).
# Usage: scripts/scaling.sh [CORPUS.jsonl] [THREADS=1]
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${1:-/tmp/bench/corpus.jsonl}
THREADS=${2:-1}
# shellcheck source=scripts/common.sh
. scripts/common.sh
total=$(wc -l < "$CORPUS")
printf '%-8s %-8s %7s %9s %10s %12s %12s %8s %12s %9s %12s\n' fraction method docs input_MB sign_s index+cluster_s peak_RSS_MB pairs beyond_MB KB/doc marginal_KB
for f in 8 4 2 1; do
  head -n $(( total / f )) "$CORPUS" > "$tmp/part.jsonl"
  for m in minhash simhash; do
    "$B" dedup "$tmp/part.jsonl" -o /dev/null -q --keep-boilerplate --method $m --threads "$THREADS" \
      --timings --summary "$tmp/s.json" 2> "$tmp/t.txt"
    python3 - "$f" "$m" "$tmp/s.json" "$tmp/t.txt" "$tmp/part.jsonl" "$tmp/prev_$m" <<'PY'
import json, os, sys
f, m, s, t = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3])), open(sys.argv[4]).read().splitlines()
st = {l[:42].strip(): l[42:].split() for l in t[1:]}
sign, idx = st["read+sign"], st["lsh+verify+cluster"]
# Peak RSS (MiB, from VmHWM) of the last stage, less the mapped input.
peak = max(float(v[1]) for v in st.values())
beyond = peak - os.path.getsize(sys.argv[5]) / 2**20
docs = s["documents"]
marginal = ""
if os.path.exists(sys.argv[6]):
    pd, pb = map(float, open(sys.argv[6]).read().split())
    marginal = "%.2f" % ((beyond - pb) * 1024 / (docs - pd))
open(sys.argv[6], "w").write("%d %f" % (docs, beyond))
print("%-8s %-8s %7d %9.1f %10s %12s %12.0f %8d %12.1f %9.2f %12s" % ("1/" + f, m, docs, s["input_MB"], sign[0], idx[0], peak, s["verified_pairs"], beyond, beyond * 1024 / docs, marginal))
PY
  done
done
