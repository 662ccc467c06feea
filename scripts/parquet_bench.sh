#!/usr/bin/env bash
# Dedup of one corpus as JSONL and as Parquet, same run: `neardup dedup` with the default flags,
# kept records to a file (JSONL out for JSONL in, Parquet out for Parquet in), one thread, runs
# alternating; prints the median and best wall and CPU seconds of each and MB/s of the JSONL
# input's size, shows that both keep as many documents, and shows the stages (`--timings`) of one run
# of each. The Parquet copy is written by examples/jsonl_to_parquet.rs (snappy, 10,000 rows
# per row group, as pyarrow writes by default).
# Usage: scripts/parquet_bench.sh [CORPUS.jsonl] [RUNS]   (default: the 32 MB bench slice, 7)
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${1:-}
RUNS=${2:-7}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
if [ -z "$CORPUS" ]; then
  CORPUS=$work/corpus32.jsonl
  xz -dc ../shared/bench/corpus32.jsonl.xz > "$CORPUS"
fi
cargo build --release -q --bin neardup --example jsonl_to_parquet
bin=target/release/neardup
target/release/examples/jsonl_to_parquet "$CORPUS" "$work/corpus.parquet"
echo "JSONL $(du -h "$CORPUS" | cut -f1), Parquet $(du -h "$work/corpus.parquet" | cut -f1)"
for i in $(seq "$RUNS"); do
  for kind in jsonl parquet; do
    if [ $kind = jsonl ]; then in=$CORPUS; else in=$work/corpus.parquet; fi
    /usr/bin/time -f "$kind %e %U %S" -a -o "$work/times" \
      "$bin" dedup "$in" -o "$work/kept.$kind" -q --threads 1
  done
done
python3 - "$work" "$CORPUS" <<'PY'
import json, os, statistics, subprocess, sys
work, corpus = sys.argv[1], sys.argv[2]
mb = os.path.getsize(corpus) / 1e6
runs = {}
for line in open(f"{work}/times"):
    kind, wall, user, sys_ = line.split()
    runs.setdefault(kind, []).append((float(wall), float(user) + float(sys_)))
for kind, r in runs.items():
    wall = [w for w, _ in r]; cpu = [c for _, c in r]
    print(f"{kind:8} wall median {statistics.median(wall):.3f} s (best {min(wall):.3f}), "
          f"CPU median {statistics.median(cpu):.3f} s: {mb / statistics.median(cpu):.1f} MB/s of CPU")
ratio = statistics.median(c for _, c in runs["parquet"]) / statistics.median(c for _, c in runs["jsonl"])
print(f"parquet / jsonl CPU time: {ratio:.2f}")
PY
# Both runs keep the same documents (tests/parquet.rs checks the ids and texts too).
for in in "$CORPUS" "$work/corpus.parquet"; do
  echo "$(basename "$in"): $("$bin" dedup "$in" -o /dev/null -q --summary - | python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["documents"], "documents,", s["kept"], "kept")')"
done
echo "stages, one run each:"
"$bin" dedup "$CORPUS" -o "$work/kept.jsonl" -q --threads 1 --timings 2>&1 | sed -n '/^stage/,$p'
"$bin" dedup "$work/corpus.parquet" -o "$work/kept.parquet" -q --threads 1 --timings 2>&1 | sed -n '/^stage/,$p'
