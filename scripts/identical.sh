#!/usr/bin/env bash
# Byte-identity of two builds' outputs in every mode the documentation names: kept records, cluster
# report, spans and the summary's counts (its timings aside), on the bench slice (when given),
# NTREX dev and the seeds. For refactors and speed-ups that must not change a result.
# Usage: scripts/identical.sh OLD_BIN NEW_BIN [SLICE.jsonl]
# NEW_FLAGS (environment) are added to the new build's runs only, e.g. NEW_FLAGS="--memory-limit
# 32M" to compare a run under a memory limit with the old build's in memory (modes the new side
# refuses are reported as such).
#   e.g. git worktree add /tmp/parent HEAD~1 && (cd /tmp/parent && cargo build --release)
#        scripts/identical.sh /tmp/parent/target/release/neardup target/release/neardup corpus32.jsonl
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=${1:?usage: scripts/identical.sh OLD_BIN NEW_BIN [SLICE.jsonl]}
NEW=${2:?usage: scripts/identical.sh OLD_BIN NEW_BIN [SLICE.jsonl]}
SLICE=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sets=(tests/data/ntrex-dev/docs.jsonl tests/data/seeds.jsonl)
[ -n "$SLICE" ] && sets+=("$SLICE")
modes=(
  ""
  "--keep-boilerplate"
  "--grouping components"
  "--keep longest"
  "--verify exact"
  "--method simhash"
  "--method simhash --keep-boilerplate"
  "--containment 0.8"
  "--spans SPANS"
  "--spans SPANS --substrings"
  "--strip-repeats"
  "--strip-substrings"
  "--cross-lingual"
  "--cross-lingual --lang-field lang"
  "--cross-lingual --no-lexicon"
)
fail=0
for set in "${sets[@]}"; do
  for mode in "${modes[@]}"; do
    for side in old new; do
      bin=$OLD; [ $side = new ] && bin=$NEW
      m=${mode//SPANS/$tmp/$side.spans}
      rm -f "$tmp/$side.spans"
      # shellcheck disable=SC2086
      extra=""; [ $side = new ] && extra=${NEW_FLAGS:-}
      # shellcheck disable=SC2086
      if ! "$bin" dedup "$set" -o "$tmp/$side.kept" --clusters "$tmp/$side.clusters" --summary "$tmp/$side.summary" -q $m $extra 2> "$tmp/err"; then
        printf '%-40s %-30s %s\n' "$(basename "$set")" "${mode:-(default)}" "refused: $(head -c 100 "$tmp/err")"
        continue 2
      fi
      python3 -c "import json,sys; d=json.load(open(sys.argv[1])); [d.pop(k, None) for k in ('seconds','MB/s','spilled_bytes')]; print(json.dumps(d, sort_keys=True))" \
        "$tmp/$side.summary" > "$tmp/$side.counts"
      touch "$tmp/$side.spans"
    done
    differ=""
    for f in kept clusters counts spans; do cmp -s "$tmp/old.$f" "$tmp/new.$f" || differ="$differ $f"; done
    same=yes
    [ -z "$differ" ] || same="no (${differ# })"
    printf '%-40s %-30s %s\n' "$(basename "$set")" "${mode:-(default)}" "$same"
    [ "$same" = yes ] || fail=1
  done
done
exit $fail
