"""The Spark job against the command line: the same kept records, in the same order, and the
same cluster report, whatever the partitioning (Spark in local[2], the repository's real data:
the seeds and NTREX dev)."""

import glob
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pyspark = pytest.importorskip("pyspark", reason="pyspark is installed by scripts/test_python.sh")

from neardup import spark as nspark  # noqa: E402

from test_dedup import DATA, cli  # noqa: E402,F401

INPUTS = [str(DATA / "seeds.jsonl"), str(DATA / "ntrex-dev" / "docs.jsonl")]


@pytest.fixture(scope="module")
def session():
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    s = (
        SparkSession.builder.master("local[2]")
        .appName("neardup-tests")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


def summary(stderr: str) -> dict:
    out = {}
    for line in stderr.splitlines():
        name, _, value = line.partition(": ")
        out[name] = value
    return out


def run_cli(cli, inputs, tmp_path, *flags):
    kept = tmp_path / ("cli_kept" + (".parquet" if inputs[0].endswith(".parquet") else ".jsonl"))
    clusters = tmp_path / "cli_clusters.jsonl"
    done = subprocess.run(
        [str(cli), "dedup", *inputs, "-o", str(kept), "--clusters", str(clusters), *flags],
        check=True,
        capture_output=True,
        text=True,
    )
    return kept, clusters.read_text(encoding="utf-8"), summary(done.stderr)


def spark_rows(folder):
    import pyarrow.parquet as pq

    rows = []
    for f in sorted(glob.glob(os.path.join(folder, "*.parquet"))):
        rows.extend(pq.read_table(f).to_pylist())
    return rows


SAME = ("documents", "clusters", "duplicates", "kept", "boilerplate_lines", "boilerplate_docs",
        "candidate_pairs", "verified_pairs")


@pytest.mark.parametrize("partitions,piece_mb", [(2, 0.25), (3, 1.0)])
def test_spark_gives_the_cli_result(session, cli, tmp_path, partitions, piece_mb):
    kept, clusters, figures = run_cli(cli, INPUTS, tmp_path)
    out = str(tmp_path / "out")
    got = nspark.run(
        session, INPUTS, out, str(tmp_path / "clusters.jsonl"),
        partitions=partitions, piece_bytes=int(piece_mb * (1 << 20)), stages=str(tmp_path / "stages"),
    )
    assert (tmp_path / "clusters.jsonl").read_text(encoding="utf-8") == clusters
    assert {k: str(got[k]) for k in SAME} == {k: figures[k] for k in SAME}
    # The kept records: the same, field for field, in input order.
    want = [json.loads(line) for line in kept.read_text(encoding="utf-8").splitlines()]
    rows = spark_rows(out)
    assert len(rows) == len(want) == int(figures["kept"])
    assert [r["id"] for r in rows] == [w["id"] for w in want]
    assert all(r["text"] == w["text"] and r["lang"] == w["lang"] for r, w in zip(rows, want) if "lang" in w)
    assert got["duplicates"] > 100 and got["boilerplate_docs"] > 0
    # The stages' tables agree with the run's figures and report.
    import pyarrow.dataset as ds

    def table(name):
        return ds.dataset(str(tmp_path / "stages" / name), format="parquet").to_table()

    sigs = table("signatures")
    assert sigs.num_rows == int(figures["documents"])
    assert sigs.column("doc").to_pylist() == list(range(sigs.num_rows))
    assert {len(s) for s in sigs.column("signature").to_pylist()} == {4 * 128}
    assert table("candidate_pairs").num_rows == int(figures["candidate_pairs"])
    assert table("verified_pairs").num_rows == int(figures["verified_pairs"])
    decisions = table("decisions").to_pylist()
    assert sum(not d["keep"] for d in decisions) == int(figures["duplicates"])
    ids = sigs.column("id").to_pylist()
    report = [json.loads(line) for line in clusters.splitlines()]
    assert [ids[d["representative"]] for d in decisions if d["keep"]] == [c["representative"] for c in report]


def test_spark_reads_and_writes_parquet_as_the_cli(session, cli, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    # NTREX dev as two Parquet shards of several row groups, with an extra column.
    recs = [json.loads(line) for line in open(INPUTS[1], encoding="utf-8")]
    half = len(recs) // 2
    for i, part in enumerate((recs[:half], recs[half:])):
        table = pa.table({
            "id": [r["id"] for r in part],
            "text": [r["text"] for r in part],
            "n": list(range(len(part))),
        })
        pq.write_table(table, tmp_path / f"shard{i}.parquet", row_group_size=300)
    inputs = [str(tmp_path / "shard0.parquet"), str(tmp_path / "shard1.parquet")]
    kept, clusters, figures = run_cli(cli, inputs, tmp_path)
    out = str(tmp_path / "out")
    got = nspark.run(session, inputs, out, str(tmp_path / "clusters.jsonl"), partitions=2)
    assert (tmp_path / "clusters.jsonl").read_text(encoding="utf-8") == clusters
    assert {k: str(got[k]) for k in SAME} == {k: figures[k] for k in SAME}
    rows = spark_rows(out)
    assert rows == pq.read_table(kept).to_pylist()


def test_a_bad_record_is_named_by_its_file_and_line(session, tmp_path):
    lines = [json.dumps({"id": str(i), "text": f"document number {i} with some words in it"}) for i in range(40)]
    lines[26] = '{"id": "26", "text": '
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # Pieces of 100 bytes: the bad record is far from the start of its piece.
    with pytest.raises(ValueError, match=r"bad\.jsonl:27: invalid JSON"):
        nspark.run(session, [str(path)], None, None, piece_bytes=100)
    got = nspark.run(session, [str(path)], None, None, piece_bytes=100, on_error="skip")
    assert (got["documents"], got["skipped"]) == (39, 1)


def test_flags_the_job_does_not_run_are_refused():
    assert nspark.main(["x.jsonl", "-o", "out", "--cross-lingual"]) == 2
    with pytest.raises(ValueError, match="not supported on Spark: method"):
        nspark.run(None, ["x.jsonl"], method="simhash")


def test_a_dataframe_keeps_what_the_cli_keeps(session, cli, tmp_path):
    # NTREX dev as a DataFrame of three partitions, in file order.
    recs = [json.loads(line) for line in open(INPUTS[1], encoding="utf-8")]
    df = session.sparkContext.parallelize([(r["id"], r["text"], r["lang"]) for r in recs], 3).toDF(["id", "text", "lang"])
    kept = nspark.dedup(df, text="text", partitions=2)
    got = [r["id"] for r in kept.collect()]
    cli_kept, _, figures = run_cli(cli, [INPUTS[1]], tmp_path)
    want = [json.loads(line)["id"] for line in cli_kept.read_text(encoding="utf-8").splitlines()]
    assert got == want and len(got) == int(figures["kept"]) < len(recs)
    assert kept.columns == ["id", "text", "lang"]


# Documents made of boilerplate lines: one NTREX article republished by three sites under their
# own chrome (two German lines above, two below; three pages of their own each), and two
# licences made of two blocks of the MIT license found elsewhere (block one below five
# articles, block two below three) with a copyright sentence each (as tests/semantics.rs
# builds them).
MIT = ("Permission is hereby granted, free of charge, to any person obtaining a copy\n"
"of this software and associated documentation files (the \"Software\"), to deal\n"
"in the Software without restriction, including without limitation the rights\n"
"to use, copy, modify, merge, publish, distribute, sublicense, and/or sell\n"
"copies of the Software, and to permit persons to whom the Software is\n"
"furnished to do so, subject to the following conditions:\n"
"The above copyright notice and this permission notice shall be included in all\n"
"copies or substantial portions of the Software.\n"
"THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR\n"
"IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,\n"
"FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT.")

def write_syndicated(path):
    recs = [json.loads(line) for line in open(DATA / "ntrex-dev" / "docs.jsonl", encoding="utf-8")]
    def of(lang):
        return [r["text"] for r in recs if r["id"].startswith(lang + "/")]

    eng, deu = of("eng"), of("deu")
    out = []
    for site in range(3):
        lines = deu[10 + site].split("\n")
        head, foot = "\n".join(lines[:2]), "\n".join(lines[-2:])
        for j, body in enumerate([eng[0]] + eng[1 + 3 * site: 4 + 3 * site]):
            out.append({"id": f"site{site}/page{j}", "text": f"{head}\n{body}\n{foot}"})
    lines = MIT.split("\n")
    one, two = "\n".join(lines[:5]), "\n".join(lines[5:])
    for i, a in enumerate(eng[20:28]):
        out.append({"id": f"a{i}", "text": a + "\n" + (one if i < 5 else two)})
    for i, own in enumerate([
        "Copyright 2019 the authors of the tiny parser library, all rights reserved by them in every country.",
        "Copyright 2021 Grace Hopper and the many contributors to the compiler project of the navy lab.",
    ]):
        out.append({"id": f"licence{i}", "text": f"{one}\n{two}\n{own}"})
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(r) + "\n" for r in out)


@pytest.mark.parametrize("partitions,piece_mb", [(2, 0.01), (3, 1.0)])
def test_spark_sets_boilerplate_aside_as_the_cli(session, cli, tmp_path, partitions, piece_mb):
    corpus = tmp_path / "syndicated.jsonl"
    write_syndicated(corpus)
    kept, clusters, figures = run_cli(cli, [str(corpus)], tmp_path)
    got = nspark.run(
        session, [str(corpus)], str(tmp_path / "out"), str(tmp_path / "clusters.jsonl"),
        partitions=partitions, piece_bytes=int(piece_mb * (1 << 20)),
    )
    assert (tmp_path / "clusters.jsonl").read_text(encoding="utf-8") == clusters
    assert {k: str(got[k]) for k in SAME} == {k: figures[k] for k in SAME}
    assert [r["id"] for r in spark_rows(str(tmp_path / "out"))] == [
        json.loads(line)["id"] for line in kept.read_text(encoding="utf-8").splitlines()
    ]
    # The syndicated copies are one cluster, the licences another (the first pass's pair).
    members = [json.loads(line)["members"] for line in clusters.splitlines()]
    assert members == [["site0/page0", "site1/page0", "site2/page0"], ["licence0", "licence1"]]
    # A DataFrame of the same texts keeps the same rows.
    texts = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()]
    df = session.createDataFrame([(r["id"], r["text"]) for r in texts], "id string, text string")
    kept_ids = sorted(r["id"] for r in nspark.dedup(df, "text").collect())
    assert kept_ids == sorted(json.loads(line)["id"] for line in kept.read_text(encoding="utf-8").splitlines())
