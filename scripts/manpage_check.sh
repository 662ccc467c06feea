#!/usr/bin/env bash
# Cross-lingual precision on another domain: the Debian man pages of a bench corpus
# (../shared/bench/make_corpus.sh; ids like man:fr/man1/ls.1.txt). A page and its translations
# share their path after the language folder, which serves as gold. Prints, for the clusters in
# two or more languages, the pairs that are one page (precision) and how many of the corpus's
# same-page pairs across languages they hold, anchors only and with the installed lexicon.
# Also prints the ceiling: the precision of a perfect linker on top of the same-language clusters
# (sibling pages of one template are near-duplicates in one language), and the share of the
# pairs that perfect clustering also holds (the precision of the links themselves).
# Usage: scripts/manpage_check.sh CORPUS.jsonl [extra dedup flags...]
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${1:?usage: scripts/manpage_check.sh CORPUS.jsonl [flags...]}
shift
# shellcheck source=scripts/common.sh
. scripts/common.sh
"$B" dedup "$CORPUS" -o /dev/null --clusters "$tmp/same.jsonl" -q "$@"
for mode in --no-lexicon ""; do
  # shellcheck disable=SC2086
  "$B" dedup "$CORPUS" -o /dev/null --clusters "$tmp/c.jsonl" -q --cross-lingual $mode "$@"
  python3 scripts/manpage_score.py "$tmp/c.jsonl" "$CORPUS" "${mode:-with lexicon}" "$tmp/same.jsonl"
done
