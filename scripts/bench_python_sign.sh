#!/usr/bin/env bash
# Signing throughput of the Python package against the CLI, one thread each, same run:
# `neardup.sign(texts, threads=1)` on the texts of a JSONL corpus (already in memory as Python
# strings), `neardup.sign_arrow(column, threads=1)` on the same texts as a pyarrow column (read
# in place, signatures returned as an Arrow array), and `neardup sign --threads 1` on the file
# (reading and JSON decoding included). All over the same text bytes; best of 3 alternating
# runs; prints MB/s of text and the ratios.
# Builds the package in release mode into target/python-bench-venv.
# Usage: scripts/bench_python_sign.sh [CORPUS.jsonl]   (default: the 32 MB bench slice)
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${1:-}
if [ -z "$CORPUS" ]; then
  CORPUS=$(mktemp --suffix=.jsonl); trap 'rm -f "$CORPUS"' EXIT
  xz -dc ../shared/bench/corpus32.jsonl.xz > "$CORPUS"
fi
cargo build --release -q
venv=target/python-bench-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check "maturin>=1.5,<2" "pyarrow>=14"
PATH="$PWD/$venv/bin:$PATH" "$venv/bin/pip" install -q --disable-pip-version-check \
  --no-build-isolation --force-reinstall --no-deps ./python
"$venv/bin/python" - "$CORPUS" target/release/neardup <<'PY'
import json, subprocess, sys, time
import neardup
import pyarrow as pa
corpus, cli = sys.argv[1], sys.argv[2]
texts = [json.loads(l)["text"] for l in open(corpus, encoding="utf-8")]
column = pa.array(texts)
mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
py_best = arrow_best = cli_best = float("inf")
for _ in range(3):
    t = time.perf_counter()
    k, data = neardup.sign(texts, threads=1)
    py_best = min(py_best, time.perf_counter() - t)
    t = time.perf_counter()
    sigs = neardup.sign_arrow(column, threads=1)
    arrow_best = min(arrow_best, time.perf_counter() - t)
    t = time.perf_counter()
    out = subprocess.run([cli, "sign", corpus, "--threads", "1", "-q"], check=True, capture_output=True).stdout
    cli_best = min(cli_best, time.perf_counter() - t)
assert out == data, "the Python signatures differ from the CLI's"
assert sigs.flatten().buffers()[1].to_pybytes()[: len(data)] == data, "the Arrow signatures differ"
print(f"texts: {len(texts)}, text MB: {mb:.1f}, signatures identical: yes")
print(f"python neardup.sign, 1 thread:       {py_best:.3f} s, {mb / py_best:.1f} MB/s")
print(f"python neardup.sign_arrow, 1 thread: {arrow_best:.3f} s, {mb / arrow_best:.1f} MB/s")
print(f"cli neardup sign, 1 thread:          {cli_best:.3f} s, {mb / cli_best:.1f} MB/s")
print(f"python / cli throughput: {cli_best / py_best:.2f}; arrow / cli: {cli_best / arrow_best:.2f}")
PY
