#!/usr/bin/env bash
# Resident memory, time and disk of `neardup dedup` on corpora of 1 M, 10 M and 30 M short
# documents (200-500 bytes), with --memory-limit and, where it fits, in memory. Not a test.
#
#   scripts/memory_scaling.sh SLICE [SIZES...]
#
# SLICE: the decompressed bench slice (corpus32.jsonl). SIZES: millions of documents
# (default: 1 10 30). The corpora are built from the slice's sentences (a document: random
# sentences, a fifth of their words swapped for other words of the slice, up to 200-500 bytes),
# one document in ten an edited copy (one to three words changed) of one of the last thousand,
# so that near-duplicates exist. Work files go under $WORK (default /tmp); the limit is $LIMIT
# (default 4G); in-memory runs are made up to $MEMORY_UP_TO million documents (default 10).
set -euo pipefail
slice=${1:?usage: memory_scaling.sh SLICE [SIZES...]}
shift
sizes=("${@:-1 10 30}")
read -r -a sizes <<< "${sizes[*]}"
work=${WORK:-/tmp}
limit=${LIMIT:-4G}
memory_up_to=${MEMORY_UP_TO:-10}
bin=${NEARDUP_BIN:-target/release/neardup}
[ -x "$bin" ] || cargo build --release -q
printf '%-6s %-9s %8s %10s %12s %12s %10s\n' docs mode seconds peak_MB spilled_MB bytes/doc us/doc
for m in "${sizes[@]}"; do
  corpus="$work/scaling-${m}M.jsonl"
  if [ ! -s "$corpus" ]; then
    python3 - "$slice" "$corpus" "$m" <<'PY'
import json, random, sys
slice_path, out_path, millions = sys.argv[1], sys.argv[2], int(sys.argv[3])
sentences = []
with open(slice_path, encoding="utf-8") as f:
    for line in f:
        for p in json.loads(line)["text"].split("\n\n"):
            for s in " ".join(p.split()).split(". "):
                if 40 <= len(s.encode()) <= 300:
                    sentences.append(s + ".")
vocabulary = [w for s in sentences[:20000] for w in s.split(" ")]
rng = random.Random(7)
target = millions * 1_000_000
with open(out_path, "w", encoding="utf-8") as out:
    recent = []
    for i in range(target):
        if recent and rng.random() < 0.1:
            words = rng.choice(recent).split(" ")
            for _ in range(rng.randint(1, 3)):
                words[rng.randrange(len(words))] = rng.choice(("the", "a", "new", "old", "data"))
            text = " ".join(words)
        else:
            want, parts, size = rng.randint(200, 500), [], 0
            while size < want:
                # A fifth of the words swapped for others of the slice: a corpus of millions
                # of documents made from 32 MB of text would otherwise repeat each sentence
                # hundreds of times, and every document would be a candidate of hundreds.
                s = " ".join(w if rng.random() >= 0.2 else rng.choice(vocabulary) for w in rng.choice(sentences).split(" "))
                parts.append(s)
                size += len(s) + 1
            text = " ".join(parts)[:500]
            recent.append(text)
            if len(recent) > 1000:
                recent.pop(0)
        out.write(json.dumps({"id": str(i), "text": text}, ensure_ascii=False))
        out.write("\n")
PY
  fi
  n=$(( m * 1000000 ))
  modes=(limited)
  [ "$m" -le "$memory_up_to" ] && modes+=(memory)
  for mode in "${modes[@]}"; do
    flags=()
    [ "$mode" = limited ] && flags=(--memory-limit "$limit" --work-dir "$work")
    /usr/bin/time -f '%e %M' -o "$work/scaling.time" "$bin" dedup "$corpus" -o /dev/null \
      --summary "$work/scaling.summary.json" -q "${flags[@]}"
    read -r secs kb < "$work/scaling.time"
    spilled=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["spilled_bytes"])' "$work/scaling.summary.json")
    awk -v m="${m}M" -v mode="$mode" -v s="$secs" -v kb="$kb" -v sp="$spilled" -v n="$n" \
      'BEGIN { printf "%-6s %-9s %8.1f %10.0f %12.0f %12.0f %10.2f\n", m, mode, s, kb/1024, sp/1048576, kb*1024/n, s*1e6/n }'
  done
done
