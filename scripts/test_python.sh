#!/usr/bin/env bash
# The Python package's tests (python/tests, pytest): builds the package into a virtual
# environment under target/ (pip, maturin, pytest and pyarrow from PyPI) and runs them. A debug build:
# the tests' data is small, and the build reuses what `cargo test` compiled.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/python-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check pytest "maturin>=1.5,<2" "pyarrow>=14"
PATH="$PWD/$venv/bin:$PATH" MATURIN_PEP517_ARGS="--profile dev" "$venv/bin/pip" install -q --disable-pip-version-check \
  --no-build-isolation --force-reinstall --no-deps ./python
"$venv/bin/python" -m pytest -q python/tests
