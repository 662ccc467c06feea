#!/usr/bin/env bash
# The Python package's tests (python/tests, pytest): builds the package into a virtual
# environment under target/ (pip, maturin, pytest, pyarrow, and pyspark with pandas for the
# Spark job's tests, from PyPI; Spark runs on the machine's Java 17, installed if missing) and
# runs them. A debug build:
# the tests' data is small, and the build reuses what `cargo test` compiled.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/python-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check pytest "maturin>=1.5,<2" "pyarrow>=14" \
  "pyspark>=3.5,<5" "pandas>=2,<3"
# Spark needs a Java runtime (17 or later).
if ! command -v java >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    (apt-get update -q && apt-get install -y -q openjdk-17-jre-headless) >/dev/null ||
      { echo "test_python: Java 17 is missing and could not be installed" >&2; exit 1; }
  else
    echo "test_python: Java 17 is missing (Spark needs it)" >&2; exit 1
  fi
fi
PATH="$PWD/$venv/bin:$PATH" MATURIN_PEP517_ARGS="--profile dev" "$venv/bin/pip" install -q --disable-pip-version-check \
  --no-build-isolation --force-reinstall --no-deps ./python
"$venv/bin/python" -m pytest -q python/tests
