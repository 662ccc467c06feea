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
    # CPU time of the child from wait4 (microsecond resolution), wall time around it. Peak RSS
    # from GNU time: a child's ru_maxrss also holds the RSS of the Python process that spawned
    # it (the kernel carries the high-water mark across exec), which swamps small figures.
    python3 -c "$RUN_PY" "$OUT" 1 "$name" "$@" >> "$OUT/nd.txt"
  done
}
RUN_PY='
import os, subprocess, sys, time
out, copies, name, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
t = time.perf_counter()
ps = []
for i in range(copies):
    # "{i}" in an argument becomes the copy number, so copies write to files of their own.
    argv = ["/usr/bin/time", "-f", "%M", "-o", f"{out}/rss{i}"] + [a.replace("{i}", str(i)) for a in cmd]
    ps.append(subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
cpu = 0.0
for p in ps:
    _, status, ru = os.wait4(p.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, cmd
    cpu += ru.ru_utime + ru.ru_stime
wall = time.perf_counter() - t
rss = max(int(open(f"{out}/rss{i}").read().split()[-1]) for i in range(copies))
print("%s %.4f %.4f %d" % (name, cpu, wall, rss))
# Outputs named with "{i}" are new files in every run: removed here, after the timing.
for i in range(copies):
    for a in cmd:
        if "{i}" in a and os.path.exists(a.replace("{i}", str(i))):
            os.unlink(a.replace("{i}", str(i)))
'
# The machine's own ceiling for two threads: two single-thread runs at once, as independent
# processes (no shared work, no synchronisation). On a shared 2-vCPU machine this is often well
# under 2x; two threads of one run are compared with it as well as with 2x.
pair() { # name cmd... -> appends "name cpu wall rss": two copies run side by side
  local name=$1; shift
  for _ in $(seq "$RUNS"); do
    python3 -c "$RUN_PY" "$OUT" 2 "$name" "$@" >> "$OUT/nd.txt"
  done
}
# Anonymous memory (heap and stacks: what grows with the documents; the mapped input and the
# program's code are file-backed pages that peak RSS also counts), its peak sampled from
# /proc/PID/status every 0.5 ms over each run of the process itself.
ANON_PY='
import subprocess, sys, time
name, cmd = sys.argv[1], sys.argv[2:]
p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
peak = 0
while p.poll() is None:
    try:
        status = open(f"/proc/{p.pid}/status").read()
    except OSError:
        break
    for line in status.splitlines():
        if line.startswith("RssAnon:"):
            peak = max(peak, int(line.split()[1]))
    time.sleep(0.0005)
assert p.wait() == 0, cmd
print(name, peak)
'
anon() { # name cmd... -> appends "name peak_anon_KiB" to anon.txt, RUNS times
  local name=$1; shift
  for _ in $(seq "$RUNS"); do
    python3 -c "$ANON_PY" "$name" "$@" >> "$OUT/anon.txt"
  done
}
# The process itself: an empty input, to tell the fixed cost from the cost per document.
: > "$OUT/empty.jsonl"
measure "empty" "$ND" dedup "$OUT/empty.jsonl" -o /dev/null -q "${PARAMS[@]}"
anon "empty" "$ND" dedup "$OUT/empty.jsonl" -o /dev/null -q "${PARAMS[@]}"
anon "dedup/oph/t1" "$ND" dedup "$CORPUS" -o "$OUT/anon.jsonl" -q --threads 1 "${PARAMS[@]}"
rm -f "$OUT/anon.jsonl"
pair "pair/sign/oph" "$ND" sign "$CORPUS" -o /dev/null -q --threads 1 "${PARAMS[@]}"
pair "pair/dedup/oph" "$ND" dedup "$CORPUS" -o "$OUT/kept{i}.jsonl" --clusters "$OUT/c{i}.jsonl" -q --threads 1 "${PARAMS[@]}"
# Each dedup run writes new files (a pipeline's fresh output). Replacing the previous run's
# 33 MB output instead costs this machine's ext4 (mounted with discard) 13-22 ms inside the
# rename, serial: the "replace" row shows it.
for m in oph classic; do
  for t in 1 2; do
    measure "sign/$m/t$t" "$ND" sign "$CORPUS" -o /dev/null -q --threads $t --minhash $m "${PARAMS[@]}"
    measure "dedup/$m/t$t" "$ND" dedup "$CORPUS" -o "$OUT/kept{i}.jsonl" --clusters "$OUT/c{i}.jsonl" -q --threads $t --minhash $m "${PARAMS[@]}"
  done
done
measure "replace/dedup/oph/t2" "$ND" dedup "$CORPUS" -o "$OUT/kept.jsonl" --clusters "$OUT/c.jsonl" -q --threads 2 "${PARAMS[@]}"
# SimHash at its defaults (64-bit fingerprints of log-TF word unigrams, k = 6; `sign` writes
# MinHash signatures only).
for t in 1 2; do
  measure "dedup/simhash/t$t" "$ND" dedup "$CORPUS" -o "$OUT/kept{i}.jsonl" --clusters "$OUT/c{i}.jsonl" -q --threads $t --method simhash --keep-boilerplate
  measure "dedup/default/t$t" "$ND" dedup "$CORPUS" -o "$OUT/kept{i}.jsonl" --clusters "$OUT/c{i}.jsonl" -q --threads $t
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
med = lambda name, i: statistics.median(x[i] for x in rows[name])
for name, v in rows.items():
    if name == "empty" or name.startswith("pair/"):
        continue
    cpu = statistics.median(x[0] for x in v); wall = statistics.median(x[1] for x in v)
    rss = max(x[2] for x in v) * 1024 / 1e6
    best = best_sig if name.startswith("sign") else best_dedup
    fig = mb / cpu if name.endswith("t1") else mb / wall
    if name.startswith("replace/"):
        name = "dedup/oph/t2, replacing its output"
    print(f"{'neardup ' + name:34} {mb/cpu:9.1f} {mb/wall:9.1f} {rss:11.0f} {rss - input_mb:12.1f} {fig/best:10.1f}x")
s = json.load(open(f"{out}/summary.json"))
print(f"neardup clusters: {s['clusters']} duplicates: {s['duplicates']} verified pairs: {s['verified_pairs']} candidate pairs: {s['candidate_pairs']}")
empty = max(x[2] for x in rows["empty"]) * 1024 / 1e6
docs = s["documents"]
for name in ("sign/oph/t1", "dedup/oph/t1"):
    beyond = max(x[2] for x in rows[name]) * 1024 / 1e6 - input_mb
    print(f"memory {name}: {beyond:.1f} MB beyond the input = {beyond * 1000 / docs:.2f} KB/doc; "
          f"less the empty process ({empty:.1f} MB): {(beyond - empty) * 1000 / docs:.2f} KB/doc")
anon = {}
for line in open(f"{out}/anon.txt"):
    name, kib = line.split()
    anon.setdefault(name, []).append(int(kib) * 1024 / 1e6)
a_run, a_empty = max(anon["dedup/oph/t1"]), max(anon["empty"])
print(f"memory dedup/oph/t1, anonymous (heap and stacks; peak sampled every 0.5 ms): {a_run:.2f} MB, "
      f"less the empty process ({a_empty:.2f} MB): {(a_run - a_empty) * 1000 / docs:.2f} KB/doc")
for stage in ("sign", "dedup"):
    one, two = med(f"{stage}/oph/t1", 1), med(f"{stage}/oph/t2", 1)
    ceiling = 2 * one / med(f"pair/{stage}/oph", 1)
    print(f"two threads, {stage}: {one / two:.2f}x the one-thread wall time; the machine's ceiling "
          f"(two one-thread runs side by side) {ceiling:.2f}x; {one / two / ceiling:.0%} of it")
print(f"replacing an existing output file, dedup t2: {med('replace/dedup/oph/t2', 1) - med('dedup/oph/t2', 1):+.3f} s wall against writing a new one")
print("ratio: neardup t1 CPU-time MB/s (t2: wall MB/s) over the best peer's figure in the same run")
PY
rm -rf "$OUT"
