#!/usr/bin/env bash
# How the character-shingle size behaves on Chinese, Japanese and Thai (the NTREX zho-CN, zho-TW,
# jpn and tha articles): recall on edited copies (10% of sentences dropped, 1% of characters
# changed, seeded) and the highest Jaccard between two different articles of one language.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/common.sh
. scripts/common.sh
python3 - "$tmp" <<'PY'
import json, random, re, sys
random.seed(7)
d = sys.argv[1]
out = open(f"{d}/c.jsonl", "w"); gold = open(f"{d}/g.tsv", "w"); gold.write("id\tcluster\n")
for doc in map(json.loads, open("tests/data/ntrex-dev/docs.jsonl")):
    if doc["lang"] not in ("zho-CN", "zho-TW", "jpn", "tha"):
        continue
    t = doc["text"]
    out.write(json.dumps({"id": doc["id"], "text": t}, ensure_ascii=False) + "\n")
    gold.write(f"{doc['id']}\t{doc['id']}\n")
    parts = re.split(r"(?<=[。！？\n ])", t)
    kept = "".join(p for p in parts if random.random() > 0.1) or t
    edited = "".join(c if random.random() > 0.01 else "的" for c in kept)
    out.write(json.dumps({"id": doc["id"] + "#copy", "text": edited}, ensure_ascii=False) + "\n")
    gold.write(f"{doc['id']}#copy\t{doc['id']}\n")
PY
printf '%-6s %9s %7s %7s %22s\n' chars precision recall f1 max_J_different_articles
for k in 2 3 4 5 6 7; do
  "$B" dedup "$tmp/c.jsonl" -o /dev/null --clusters "$tmp/cl.jsonl" -q --shingle-chars $k
  "$B" eval --gold "$tmp/g.tsv" "$tmp/cl.jsonl" --json > "$tmp/s.json"
  python3 - "$k" "$tmp/s.json" <<'PY'
import itertools, json, sys, unicodedata
k = int(sys.argv[1]); s = json.load(open(sys.argv[2]))
docs = [json.loads(l) for l in open("tests/data/ntrex-dev/docs.jsonl")]
mx = 0.0
for lang in ("zho-CN", "jpn", "tha"):
    sets = []
    for d in docs:
        if d["lang"] == lang:
            c = [ch for ch in unicodedata.normalize("NFKC", d["text"]) if ch.isalnum()]
            sets.append({"".join(c[i:i + k]) for i in range(len(c) - k + 1)})
    for a, b in itertools.combinations(sets, 2):
        mx = max(mx, len(a & b) / len(a | b))
print("%-6d %9.4f %7.4f %7.4f %22.3f" % (k, s["precision"], s["recall"], s["f1"], mx))
PY
done
