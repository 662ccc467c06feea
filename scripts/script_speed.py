#!/usr/bin/env python3
"""Read + sign speed per language (issue: the same-language pass at full speed in every script).

For each language variant of NTREX dev, its documents repeated (ids made unique) to at least
--mb MB of JSONL, signed by `neardup dedup --keep-boilerplate --threads 1 --timings` (the
`read+sign` line), best of --runs, for each binary given, in one run (binaries interleaved).
Prints MB/s per language and each language's share of English's, then the whole dev set's.

With --instructions, counts instead the instructions `neardup sign` executes per MB (valgrind
callgrind, one run): a figure the load of a shared machine does not move.

Usage: scripts/script_speed.py [--mb 8] [--runs 3] [--instructions] [--langs eng,tam,...] BIN [BIN...]
"""
import argparse, json, os, subprocess, sys, tempfile

ap = argparse.ArgumentParser()
ap.add_argument("bins", nargs="+")
ap.add_argument("--mb", type=float, default=8)
ap.add_argument("--runs", type=int, default=3)
ap.add_argument("--langs", default="")
ap.add_argument("--instructions", action="store_true")
ap.add_argument("--docs", default=os.path.join(os.path.dirname(__file__), "..", "tests", "data", "ntrex-dev", "docs.jsonl"))
a = ap.parse_args()

by_lang = {}
for line in open(a.docs, encoding="utf-8"):
    d = json.loads(line)
    by_lang.setdefault(d["lang"], []).append(d)
langs = [l for l in a.langs.split(",") if l] or sorted(by_lang)
if "eng" in langs:
    langs.remove("eng")
langs.insert(0, "eng")


def sign_seconds(b, path):
    out = subprocess.run([b, "dedup", path, "-o", "/dev/null", "-q", "--keep-boilerplate", "--threads", "1", "--timings"],
                         capture_output=True, text=True, check=True).stderr
    return next(float(l.split()[1]) for l in out.splitlines() if l.startswith("read+sign"))


def instructions(b, path):
    err = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", b, "sign", path,
                          "-o", "/dev/null", "-q", "--threads", "1"], capture_output=True, text=True, check=True).stderr
    return int(next(l for l in err.splitlines() if "Collected" in l).split()[-1])


def measure(path):
    mb = os.path.getsize(path) / 1e6
    if a.instructions:
        # Reported as "MB per G instructions", so that higher is faster as for MB/s.
        return [mb / (instructions(b, path) / 1e9) for b in a.bins]
    best = [float("inf")] * len(a.bins)
    for _ in range(a.runs):
        for i, b in enumerate(a.bins):
            best[i] = min(best[i], sign_seconds(b, path))
    return [mb / s for s in best]


with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "lang.jsonl")
    rates = {}
    for lang in langs:
        with open(path, "w", encoding="utf-8") as f:
            rep = 0
            while f.tell() < a.mb * 1e6:
                for d in by_lang[lang]:
                    f.write(json.dumps(dict(d, id=f"{d['id']}#{rep}"), ensure_ascii=False) + "\n")
                rep += 1
        rates[lang] = measure(path)
        eng = rates["eng"]
        unit = "MB/GIr" if a.instructions else "MB/s"
        cells = "  ".join(f"{r:7.1f} {unit} {r / e:5.0%}" for r, e in zip(rates[lang], eng))
        print(f"{lang:10s} {cells}", flush=True)
    whole = measure(a.docs)
    print("whole dev set " + "  ".join(f"{r:7.1f}" for r in whole))
    for i, b in enumerate(a.bins):
        worst = min(langs, key=lambda l: rates[l][i])
        print(f"{b}: slowest {worst} {rates[worst][i]:.1f} = {rates[worst][i] / rates['eng'][i]:.0%} of English")
