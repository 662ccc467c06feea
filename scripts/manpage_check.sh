#!/usr/bin/env bash
# Cross-lingual precision on another domain: the Debian man pages of a bench corpus
# (../shared/bench/make_corpus.sh; ids like man:fr/man1/ls.1.txt). A page and its translations
# share their path after the language folder, which serves as gold. Prints, for the clusters in
# two or more languages, the pairs that are one page (precision) and how many of the corpus's
# same-page pairs across languages they hold, anchors only and with the installed lexicon.
# Usage: scripts/manpage_check.sh CORPUS.jsonl [extra dedup flags...]
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${1:?usage: scripts/manpage_check.sh CORPUS.jsonl [flags...]}
shift
# shellcheck source=scripts/common.sh
. scripts/common.sh
for mode in --no-lexicon ""; do
  # shellcheck disable=SC2086
  "$B" dedup "$CORPUS" -o /dev/null --clusters "$tmp/c.jsonl" -q --cross-lingual $mode "$@"
  python3 - "${mode:-with lexicon}" "$tmp/c.jsonl" "$CORPUS" <<'PY'
import collections, json, re, sys
def page(i):
    m = re.match(r'man:(?:[a-z]{2}(?:_[A-Z]{2})?/)?(man\w+/[^/]+)$', i)
    return m.group(1) if m else None
predicted = true = 0
for line in open(sys.argv[2]):
    c = json.loads(line)
    if len(c.get('langs', [])) < 2:
        continue
    m = c['members']
    predicted += len(m) * (len(m) - 1) // 2
    n = collections.Counter(page(x) or x for x in m)
    true += sum(v * (v - 1) // 2 for v in n.values())
pages = collections.Counter(p for p in (page(json.loads(l)['id']) for l in open(sys.argv[3])) if p)
gold = sum(v * (v - 1) // 2 for v in pages.values())
print(f"{sys.argv[1]}: multilingual cluster pairs {predicted}, same page {true}, "
      f"precision {true / max(predicted, 1):.3f}; same-page pairs in the corpus {gold}, found {true / max(gold, 1):.3f}")
PY
done
