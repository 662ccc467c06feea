#!/usr/bin/env bash
# Set-up of what neardup uses beyond the Rust toolchain, both optional, for `dedup
# --cross-lingual`: the language identification model (langid.py's, from the `langid` package on
# PyPI, BSD licence; without it whatlang identifies languages), and the dictionary pivot:
# FreeDict's bilingual dictionaries from Debian's packages (dictd format, /usr/share/dictd; each
# keeps its own licence, mostly GPL-2.0+) compiled into the lexicon file --cross-lingual reads
# (`neardup lexicon build`). Runs again in a second when everything is in place. Without the
# dictionaries, --cross-lingual works on anchors alone; without either, this script says so and
# exits 0, unless NEARDUP_REQUIRE_LEXICON=1 (CI sets it).
set -euo pipefail
cd "$(dirname "$0")/.."

# The language model: langid.py's classifier (Lui and Baldwin 2012), read from the pinned source
# package and converted into the file --cross-lingual reads (scripts/langid_model.py, standard
# library only). Rebuilt when missing or older than the converter.
model="${NEARDUP_LANGID:-${XDG_DATA_HOME:-$HOME/.local/share}/neardup/langid.bin}"
if [ ! -f "$model" ] || [ scripts/langid_model.py -nt "$model" ]; then
  sdist_dir=$(mktemp -d)
  trap 'rm -rf "$sdist_dir"' EXIT
  echo "setup: fetching langid 1.1.6 (PyPI) for the language model" >&2
  sdist="$sdist_dir/langid-1.1.6.tar.gz"
  # pip as the machine has it, else from a throw-away virtual environment.
  pip=(python3 -m pip)
  if ! python3 -m pip --version >/dev/null 2>&1 && python3 -m venv "$sdist_dir/venv" >/dev/null 2>&1; then
    pip=("$sdist_dir/venv/bin/python" -m pip)
  fi
  if "${pip[@]}" download -q --disable-pip-version-check --no-deps --no-binary :all: -d "$sdist_dir" langid==1.1.6 >&2 &&
    echo "044bcae1912dab85c33d8e98f2811b8f4ff1213e5e9a9e9510137b84da2cb293  $sdist" | sha256sum -c --quiet &&
    mkdir -p "$(dirname "$model")" && python3 scripts/langid_model.py "$sdist" "$model"; then
    echo "setup: language model ready: $model" >&2
  else
    echo "setup: no language model (langid 1.1.6 could not be fetched from PyPI or converted)" >&2
    if [ "${NEARDUP_REQUIRE_LEXICON:-0}" = 1 ]; then exit 1; fi
    echo "setup: --cross-lingual will identify languages with whatlang" >&2
  fi
else
  echo "setup: language model ready: $model" >&2
fi

# X→English dictionaries, and English→X ones read inverted (Indonesian, Russian, Hindi).
packages=()
for l in ara deu fra ita jpn nld pol por spa tur; do packages+=("dict-freedict-$l-eng"); done
for l in ind rus hin; do packages+=("dict-freedict-eng-$l"); done

missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done

fail() {
  echo "setup: $*" >&2
  if [ "${NEARDUP_REQUIRE_LEXICON:-0}" = 1 ]; then exit 1; fi
  echo "setup: --cross-lingual will use anchors only" >&2
  exit 0
}

if [ "${#missing[@]}" -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    fail "apt-get not found; install the FreeDict dictionaries (${missing[*]}) by hand"
  fi
  sudo=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || fail "need root or sudo to install ${missing[*]}"
    sudo=(sudo)
  fi
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; then
    # A fresh machine may have no package lists yet.
    "${sudo[@]}" apt-get update -q >/dev/null || true
    "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null ||
      fail "could not install ${missing[*]}"
  fi
fi

dict_dir=/usr/share/dictd
lexicon="${NEARDUP_LEXICON:-${XDG_DATA_HOME:-$HOME/.local/share}/neardup/lexicon.bin}"
# Rebuild when the lexicon is missing or older than a dictionary or than this script.
stale=0
[ -f "$lexicon" ] || stale=1
if [ "$stale" = 0 ]; then
  for f in "$dict_dir"/freedict-*.index scripts/setup.sh src/crosslingual/lexicon.rs; do
    if [ -e "$f" ] && [ "$f" -nt "$lexicon" ]; then stale=1; fi
  done
fi
if [ "$stale" = 1 ]; then
  echo "setup: compiling the lexicon into $lexicon" >&2
  # Release by default (the README's run needs that build anyway); NEARDUP_SETUP_PROFILE=dev
  # (CI, whose tests build the dev profile) skips the release build: the lexicon is the same.
  cargo run --profile "${NEARDUP_SETUP_PROFILE:-release}" -q -- lexicon build "$dict_dir" -o "$lexicon" ||
    fail "lexicon build failed"
fi
echo "setup: lexicon ready: $lexicon" >&2

