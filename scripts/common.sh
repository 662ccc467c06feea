# Sourced by the measurement scripts, from the repository root: builds the release binary,
# sets B to it (or to $NEARDUP_BIN, unbuilt, to measure another build such as a parent
# commit's) and tmp to a scratch folder removed on exit.
if [ -n "${NEARDUP_BIN:-}" ]; then B=$NEARDUP_BIN; else cargo build --release -q; B=target/release/neardup; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The cross-lingual modes to compare, as "name:flags" in the array `modes`: anchors only, and
# anchors + dictionary when the lexicon scripts/setup.sh installs is there.
lexicon_modes() {
  modes=("anchors only:--no-lexicon")
  local lex="${NEARDUP_LEXICON:-${XDG_DATA_HOME:-$HOME/.local/share}/neardup/lexicon.bin}"
  if [ -f "$lex" ]; then modes+=("anchors + dictionary:--lexicon $lex"); else echo "(no lexicon at $lex: run scripts/setup.sh)"; fi
}
# The data arguments of the scripts that score a gold-labelled set: DOCS and GOLD from the
# script's first two arguments (default: NTREX and its gold file named by $1 here), the rest,
# extra dedup flags, in the array `extra`. Usage: gold_set GOLD_FILE_NAME "$@"
gold_set() {
  local gold=$1; shift
  DOCS=${1:-tests/data/ntrex-dev/docs.jsonl}
  GOLD=${2:-tests/data/ntrex-dev/$gold}
  extra=("${@:3}")
}
