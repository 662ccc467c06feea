#!/usr/bin/env bash
# Legal input that used to cost far more than its size: prints wall seconds and peak RSS of each
# run, and the ratios the reliability checks read (all measured in one run of this script).
#  1. SimHash on N copies of one sentence (20,000 and 1,000,000 by default).
#  2. Read + sign of 100,000 three-word documents at --num-perm 128 and 1024, one-permutation
#     MinHash against classic MinHash: the read+sign line of --timings, best of 3 (--threads 1,
#     --keep-boilerplate).
#  3. --substrings on two documents of one repeated word, 1 MB and 4 MB each.
# Usage: scripts/bench_pathological.sh [COPIES...]
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/common.sh
. scripts/common.sh
copies=("${@:-20000 1000000}")
# shellcheck disable=SC2048,SC2086
set -- ${copies[*]}
run() { # label, command...: prints "label seconds peak_MB"
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" > /dev/null 2>&1
  read -r s kb < "$tmp/time"
  printf '%-48s %8.2f s %8.0f MB\n' "$label" "$s" "$((kb / 1024))"
  echo "$s" > "$tmp/last"
}
echo "== 1. SimHash on copies of one sentence"
for n in "$@"; do
  python3 -c "
import json, sys
line = json.dumps({'text': 'The quick brown fox jumps over the lazy dog near the river bank today.'})
sys.stdout.write((line + '\n') * $n)" > "$tmp/same.jsonl"
  run "simhash, $n copies" "$B" dedup "$tmp/same.jsonl" --method simhash -o /dev/null -q
done
echo "== 2. Read + sign of 100,000 three-word documents"
python3 -c "
import json, random
r = random.Random(1)
words = ['w%d' % i for i in range(50000)]
with open('$tmp/short.jsonl', 'w') as f:
    for i in range(100000):
        f.write(json.dumps({'text': ' '.join(r.choice(words) for _ in range(3))}) + '\n')"
sign() { # minhash kind, num-perm: best of 3 of the read+sign stage (--timings), seconds
  for _ in 1 2 3; do
    "$B" dedup "$tmp/short.jsonl" --minhash "$1" --num-perm "$2" --threads 1 --keep-boilerplate -o /dev/null -q --timings 2>&1 |
      awk '/^read\+sign/ {print $2}'
  done | sort -n | head -1
}
for k in 128 1024; do
  oph=$(sign oph "$k"); classic=$(sign classic "$k")
  python3 -c "print(f'read+sign at --num-perm $k: one-permutation $oph s, classic $classic s, ratio {$oph / max($classic, 0.001):.2f}x')"
done
echo "== 3. --substrings on two self-repeating documents"
for mb in 1 4; do
  python3 -c "
import json
t = 'la ' * ($mb * 1024 * 1024 // 3)
with open('$tmp/rep.jsonl', 'w') as f:
    for i in range(2):
        f.write(json.dumps({'id': str(i), 'text': t}) + '\n')"
  run "substrings, two documents of $mb MB" "$B" dedup "$tmp/rep.jsonl" --substrings --spans "$tmp/spans.jsonl" --keep-boilerplate -o /dev/null -q
  eval "sub$mb=$(cat "$tmp/last")"
done
python3 -c "print(f'   4 MB / 1 MB: {$sub4 / max($sub1, 0.01):.2f}x')"
