#!/usr/bin/env bash
# Seeds for the fuzz targets, in fuzz/corpus/<target> (where `cargo fuzz run <target>` starts).
# The binary formats (`index`, `lexicon`, `parquet`) are rarely reached from random bytes: a
# valid small file of each gives the fuzzer their tables to mutate. Made with the CLI, so they
# follow the formats as they are. Usage: bash fuzz/seeds.sh [NEARDUP_BIN]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
nd=${1:-$here/../target/release/neardup}
[ -x "$nd" ] || { echo "no neardup binary at $nd (cargo build --release first)" >&2; exit 1; }
out=$here/corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"/{reader,pass,parquet,index,lexicon}

# Text: the start of the seeds (cut inside a record), small records with a bad one and a blank
# line, and plain lines in three scripts for the pass (read as lines).
data=$here/../tests/data
head -c 3000 "$data/seeds.jsonl" > "$out/reader/seeds.jsonl"
printf '{"id":"a","text":"one two three four five six"}\n{"id":"b","text":"one two three four five six"}\n{"text":1}\n\n' \
  > "$out/reader/small.jsonl"
printf 'the same line of text here\nthe same line of text here\nanother line\n' > "$out/pass/lines.txt"
printf 'maison à Paris\n北京市的房子\nبيت في القاهرة\n' > "$out/pass/scripts.txt"

# A two-record corpus for the binary formats.
printf '{"id":"a","text":"one two three four five six seven"}\n{"id":"b","text":"alpha beta gamma delta epsilon zeta"}\n' \
  > "$tmp/small.jsonl"
# A Parquet file of signatures (valid footer and pages; no text column) and, where pyarrow is
# installed, a table of texts.
"$nd" sign "$tmp/small.jsonl" -o "$out/parquet/signatures.parquet" -q
py=${PYTHON:-python3}
[ -x "$here/../target/python-venv/bin/python" ] && py=${PYTHON:-$here/../target/python-venv/bin/python}
"$py" -c 'import pyarrow' 2> /dev/null && "$py" - "$out/parquet/texts.parquet" <<'PY'
import sys, pyarrow as pa, pyarrow.parquet as pq
pq.write_table(pa.table({"id": ["a", "b", None], "text": ["one two three four five", "one two three four five", "x"]}), sys.argv[1])
PY
"$nd" index build "$tmp/small.jsonl" -o "$tmp/index" --substrings -q
cp "$tmp"/index/seg-*.bin "$out/index/"

# A lexicon from a three-entry CC-CEDICT file (plain text; no dictd files needed).
mkdir -p "$tmp/no-dictd"
printf '# CC-CEDICT\n選舉 选举 [xuan3 ju3] /to elect/election/\n房子 房子 [fang2 zi5] /house/\n水 水 [shui3] /water/\n' \
  > "$tmp/cedict.txt"
"$nd" lexicon build "$tmp/no-dictd" --cedict "$tmp/cedict.txt" -o "$out/lexicon/small.bin" > /dev/null 2>&1
echo "seeds written to $out"
