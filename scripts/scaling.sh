#!/usr/bin/env bash
# Time and memory of the MinHash and SimHash indexes as the corpus grows: prefixes of 1/8, 1/4,
# 1/2 and all of a JSONL corpus (default: the 250 MB Debian-documentation corpus built by
# shared/bench/make_corpus.sh, whose lines are shuffled, so a prefix is a fair sample).
# Usage: scripts/scaling.sh [CORPUS.jsonl] [THREADS=1]
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${1:-/tmp/bench/corpus.jsonl}
THREADS=${2:-1}
cargo build --release -q
B=target/release/neardup
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
total=$(wc -l < "$CORPUS")
printf '%-8s %-8s %7s %9s %10s %12s %12s %8s\n' fraction method docs input_MB sign_s index+cluster_s peak_RSS_MB pairs
for f in 8 4 2 1; do
  head -n $(( total / f )) "$CORPUS" > "$tmp/part.jsonl"
  for m in minhash simhash; do
    "$B" dedup "$tmp/part.jsonl" -o /dev/null -q --keep-boilerplate --method $m --threads "$THREADS" \
      --timings --summary "$tmp/s.json" 2> "$tmp/t.txt"
    python3 - "$f" "$m" "$tmp/s.json" "$tmp/t.txt" <<'PY'
import json, sys
f, m, s, t = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3])), open(sys.argv[4]).read().splitlines()
st = {l[:42].strip(): l[42:].split() for l in t[1:]}
sign, idx = st["read+sign"], st["lsh+verify+cluster"]
print("%-8s %-8s %7d %9.1f %10s %12s %12s %8d" % ("1/" + f, m, s["documents"], s["input_MB"], sign[0], idx[0], idx[1], s["verified_pairs"]))
PY
  done
done
