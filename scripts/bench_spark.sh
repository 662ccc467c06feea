#!/usr/bin/env bash
# The Spark job on a corpus, beside text-dedup 0.4.0's Spark MinHash job on the same Parquet
# input with the same parameters (threshold 0.7, 128 permutations, 32 bands x 4 rows, word
# 5-grams), same run, Spark local[N] (default 2): wall time, peak memory of each job's whole
# process tree (the driver JVM, which runs the executors in local mode, and the Python workers;
# sampled every 0.2 s; the JVM heap capped at 1 GB for neardup, --driver-memory 1g, 2 GB for
# text-dedup, which fails with 1 GB) and what each keeps.
# text-dedup's job needs GraphFrames from Maven, out of reach here: scripts/text_dedup_spark_patch.py replaces its connected components with
# large-star/small-star rounds and sets its partition counts (see that file). neardup's CLI
# runs beside for reference. Not a test: figures for docs/spark.md.
# Usage: scripts/bench_spark.sh [CORPUS.jsonl] [CORES]   (default /tmp/bench/corpus.jsonl, 2)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-/tmp/bench/corpus.jsonl}
cores=${2:-2}
venv=target/spark-bench-venv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check "maturin>=1.5,<2" "pyarrow>=14" "pyspark>=3.5,<5" \
  "pandas>=2,<3" numpy xxhash scipy
# The package as users get it: a release build.
PATH="$PWD/$venv/bin:$PATH" "$venv/bin/pip" install -q --disable-pip-version-check --no-build-isolation \
  --force-reinstall --no-deps ./python
cargo build --release -q
"$venv/bin/pip" download -q --disable-pip-version-check --no-deps "text-dedup==0.4.0" -d "$tmp/td"
(cd "$tmp/td" && "$OLDPWD/$venv/bin/python" -m zipfile -e text_dedup-0.4.0-py3-none-any.whl wheel)
"$venv/bin/python" scripts/text_dedup_spark_patch.py "$tmp/td/wheel/text_dedup/minhash_spark.py" >"$tmp/td_minhash_spark.py"

# The corpus as 8 Parquet shards (id, text), the input of every job (a Parquet file is one
# task for neardup.spark, as for Spark's reader of text-dedup's job).
mkdir -p "$tmp/in"
"$venv/bin/python" - "$corpus" "$tmp/in" <<'EOF'
import json, sys
import pyarrow as pa, pyarrow.parquet as pq
ids, texts = [], []
with open(sys.argv[1], encoding="utf-8") as f:
    for i, line in enumerate(f):
        r = json.loads(line)
        ids.append(str(r.get("id", i)))
        texts.append(r["text"])
step = -(-len(ids) // 8)
for s in range(8):
    part = slice(s * step, (s + 1) * step)
    pq.write_table(pa.table({"id": ids[part], "text": texts[part]}), f"{sys.argv[2]}/part-{s}.parquet", row_group_size=2048)
EOF

# Resident kB of a process and all its descendants.
tree_kb() {
  local kb c
  kb=$(ps -o rss= -p "$1" 2>/dev/null | awk '{s+=$1} END {print s+0}')
  for c in $(pgrep -P "$1" 2>/dev/null); do
    kb=$((kb + $(tree_kb "$c")))
  done
  echo "$kb"
}

# Runs a command; prints "wall_s peak_MB" (peak of its whole process tree).
measure() {
  local start end peak=0 pid kb
  start=$(date +%s.%N)
  "$@" &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    kb=$(tree_kb "$pid")
    [ "$kb" -gt "$peak" ] && peak=$kb
    sleep 0.2
  done
  if ! wait "$pid"; then
    echo "failed: $*" >&2
    echo "failed -"
    return 0
  fi
  end=$(date +%s.%N)
  echo "$(echo "$end - $start" | bc) $((peak / 1024))"
}

export PYSPARK_PYTHON="$PWD/$venv/bin/python"
# Spark's Parquet reader decodes 4,096 rows of a column at once by default: 70 MB of 17 KB texts,
# more than a 1 GB heap spares; both jobs read with batches of 256 rows.
export PYSPARK_SUBMIT_ARGS="--master local[$cores] --driver-memory 1g --conf spark.sql.parquet.columnarReaderBatchSize=256 pyspark-shell"
mb=$(du -m "$corpus" | cut -f1)
echo "corpus: $corpus ($mb MB), Spark local[$cores]"
printf '%-28s %10s %10s %10s\n' job wall_s peak_MB kept
read -r w m < <(measure "$venv/bin/python" -W ignore -m neardup.spark "$tmp/in" -o "$tmp/nd_out" \
  --partitions "$cores" 2>"$tmp/nd.log" | tail -1)
kept=$(grep '^kept:' "$tmp/nd.log" | cut -d' ' -f2 || true)
printf '%-28s %10s %10s %10s\n' "neardup.spark" "$w" "$m" "$kept"
export NEARDUP_PEER_PARTITIONS=$cores
# text-dedup's job runs out of a 1 GB heap reading the 250 MB corpus (its first stage caches
# the rows): it gets 2 GB.
export PYSPARK_SUBMIT_ARGS="${PYSPARK_SUBMIT_ARGS/--driver-memory 1g/--driver-memory 2g}"
read -r w m < <(measure "$venv/bin/python" -W ignore "$tmp/td_minhash_spark.py" --input "$tmp/in" \
  --output "$tmp/td_out" --column text --threshold 0.7 --num_perm 128 --b 32 --r 4 --ngram_size 5 \
  --checkpoint_dir "$tmp/ckpt" 2>"$tmp/td.log" | tail -1)
# (Its output folders are named __pid__=N, which pyarrow's dataset reader skips: count files.)
kept=$("$venv/bin/python" -c "import glob, sys, pyarrow.parquet as pq; print(sum(pq.ParquetFile(f).metadata.num_rows for f in glob.glob(sys.argv[1] + '/**/*.parquet', recursive=True)))" "$tmp/td_out")
printf '%-28s %10s %10s %10s\n' "text-dedup 0.4.0 (patched)" "$w" "$m" "$kept"
read -r w m < <(measure target/release/neardup dedup "$tmp/in" -o "$tmp/cli.parquet" \
  --threads "$cores" 2>"$tmp/cli.log" | tail -1)
kept=$(grep '^kept:' "$tmp/cli.log" | cut -d' ' -f2 || true)
printf '%-28s %10s %10s %10s\n' "neardup dedup (CLI)" "$w" "$m" "$kept"
grep -h "rounds" "$tmp/td.log" || true
