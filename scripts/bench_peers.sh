#!/usr/bin/env bash
# neardup beside the peers (datasketch, rensa, gaoya) on the same corpus, same parameters, same
# run; prints MB/s, peak RSS and the ratio to the best peer.
#
# Usage: scripts/bench_peers.sh [CORPUS.jsonl] [RUNS=3]
# Default corpus: the 32 MB slice of shared/bench (corpus32.jsonl.xz), unpacked to /tmp/bench.
# Parameters (those of shared/bench/peers.py): word 5-gram shingles, 128 slots, threshold 0.8,
# LSH 16 bands x 8 rows, one thread. neardup is timed as a whole process (reading, decoding,
# writing included) by CPU time (user+sys) like peers.py times its own loops; wall time is shown
# too, and is the figure for two threads.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED:-$REPO/../shared}
B=/tmp/bench
RUNS=${2:-3}
mkdir -p $B
CORPUS=${1:-$B/corpus32.jsonl}
if [ ! -f "$CORPUS" ]; then xz -dkc "$SHARED/bench/corpus32.jsonl.xz" > "$CORPUS"; fi
if [ ! -x $B/venv/bin/python ]; then
  python3 -m venv $B/venv
  $B/venv/bin/pip install -q datasketch==2.0.0 rensa==0.5.0 gaoya==0.2.2 xxhash==4.1.0 numpy
fi
(cd "$REPO" && cargo build --release -q)
ND=$REPO/target/release/neardup
OUT=$(mktemp -d)
export RAYON_NUM_THREADS=1
$B/venv/bin/python "$SHARED/bench/peers.py" "$CORPUS" --limit-mb 0 --runs "$RUNS" \
  --modes sig,dedup --peers ${PEERS:-datasketch,rensa,gaoya,gaoya-native} --out "$OUT/peers.json" 2> "$OUT/peers.log" > /dev/null
unset RAYON_NUM_THREADS
# The peers' work: no boilerplate stage (--keep-boilerplate); neardup's default, with its
# boilerplate stage (a second signing pass over documents holding boilerplate lines), is the
# "dedup/default" row.
PARAMS=(--shingle-words 5 --num-perm 128 --threshold 0.8 --bands 16 --rows 8 --keep-boilerplate)
measure() { # name cmd... -> appends "name cpu wall rss" (median over RUNS)
  local name=$1; shift
  for _ in $(seq "$RUNS"); do
    # CPU time and peak RSS of the child from wait4 (microsecond resolution), wall time around it.
    python3 -c '
import os, subprocess, sys, time
t = time.perf_counter()
p = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, ru = os.wait4(p.pid, 0)
assert os.waitstatus_to_exitcode(status) == 0, sys.argv[2:]
print("%s %.4f %.4f %d" % (sys.argv[1], ru.ru_utime + ru.ru_stime, time.perf_counter() - t, ru.ru_maxrss))
' "$name" "$@" >> "$OUT/nd.txt"
  done
}
for m in oph classic; do
  for t in 1 2; do
    measure "sign/$m/t$t" "$ND" sign "$CORPUS" -o /dev/null -q --threads $t --minhash $m "${PARAMS[@]}"
    measure "dedup/$m/t$t" "$ND" dedup "$CORPUS" -o "$OUT/kept.jsonl" --clusters "$OUT/c.jsonl" -q --threads $t --minhash $m "${PARAMS[@]}"
  done
done
# SimHash at its defaults (64-bit fingerprints of log-TF word unigrams, k = 6).
for t in 1 2; do
  measure "sign/simhash/t$t" "$ND" sign "$CORPUS" -o /dev/null -q --threads $t --method simhash --keep-boilerplate
  measure "dedup/simhash/t$t" "$ND" dedup "$CORPUS" -o "$OUT/kept.jsonl" --clusters "$OUT/c.jsonl" -q --threads $t --method simhash --keep-boilerplate
  measure "dedup/default/t$t" "$ND" dedup "$CORPUS" -o "$OUT/kept.jsonl" --clusters "$OUT/c.jsonl" -q --threads $t
done
"$ND" dedup "$CORPUS" -o /dev/null --clusters "$OUT/c.jsonl" -q "${PARAMS[@]}" --summary "$OUT/summary.json"
python3 - "$OUT" "$CORPUS" <<'PY'
import json, statistics, sys, os
out, corpus = sys.argv[1], sys.argv[2]
peers = json.load(open(f"{out}/peers.json"))["results"]
mb = next(r["mb"] for r in peers if "mb" in r)
input_mb = os.path.getsize(corpus) / 1e6
rows = {}
for line in open(f"{out}/nd.txt"):
    name, cpu, wall, rss = line.split()
    rows.setdefault(name, []).append((float(cpu), float(wall), int(rss)))
best_sig = max(r.get("tok_sig_mb_s", 0) for r in peers if r.get("mode") == "sig")
best_dedup = max(r.get("dedup_mb_s", 0) for r in peers if r.get("mode") == "dedup")
print(f"corpus: {corpus}  text MB: {mb:.2f}  input MB: {input_mb:.2f}  docs: {peers[0].get('docs')}")
print(f"{'who':34} {'MB/s cpu':>9} {'MB/s wall':>9} {'peak RSS MB':>11} {'RSS-input MB':>12} {'x best peer':>11}")
for r in peers:
    if "error" in r:
        print(f"{r['peer'] + '/' + r['mode']:34} ERROR {r['error']}"); continue
    v = r["tok_sig_mb_s"] if r["mode"] == "sig" else r["dedup_mb_s"]
    print(f"{'peer ' + r['peer'] + ' ' + ('text->sig' if r['mode']=='sig' else 'dedup'):34} {v:9.1f} {'':>9} {r['peak_rss_mb']:11.0f} {'':>12} {'':>11}")
for name, v in rows.items():
    cpu = statistics.median(x[0] for x in v); wall = statistics.median(x[1] for x in v)
    rss = max(x[2] for x in v) / 1024
    best = best_sig if name.startswith("sign") else best_dedup
    fig = mb / cpu if name.endswith("t1") else mb / wall
    print(f"{'neardup ' + name:34} {mb/cpu:9.1f} {mb/wall:9.1f} {rss:11.0f} {rss - input_mb:12.1f} {fig/best:10.1f}x")
s = json.load(open(f"{out}/summary.json"))
print(f"neardup clusters: {s['clusters']} duplicates: {s['duplicates']} verified pairs: {s['verified_pairs']} candidate pairs: {s['candidate_pairs']}")
print("ratio: neardup t1 CPU-time MB/s (t2: wall MB/s) over the best peer's figure in the same run")
PY
rm -rf "$OUT"
