"""neardup on Apache Spark: the command line's dedup, spread over a cluster, with its result.

Run it as a command (``python -m neardup.spark INPUT... -o OUT``, or through ``spark-submit``)
or call :func:`run` with a SparkSession. The inputs (JSONL, lines, folders of files, Parquet;
paths every executor can read) are planned on the driver into pieces of about 32 MB (names and
sizes only, no text is read there); each piece is read and signed on an executor by the
compiled package (``mapInArrow``), which signs exactly as ``neardup dedup`` does. Then, in
Spark:

1. LSH buckets: each document's band keys, grouped by (band, key); a bucket yields all its pairs
   up to 64 members and, past that, a star to its first member plus a chain (what the command
   line does: ``neardup::index::FULL_BUCKET``), never the quadratic blow-up of a bucket of
   thousands of copies.
2. Verification: each candidate pair joined with both signatures, its estimated Jaccard
   similarity (equal slots / slots) against the threshold.
3. Exact copies: a star from the first document of each exact key to the others.
4. Grouping: the verified pairs and copies (edges, never texts or signatures) are collected to
   the driver and grouped there by the library's own rule (greedy leaders in keep order, or
   union-find with ``--grouping components``).
5. Boilerplate (on by default, as on the command line): lines that occur in at least three
   groups of that first pass are boilerplate; the documents that carry some are signed again
   without them, on the executors, and 1–4 run again.

Documents are numbered in input order (sorted file names, then lines) from each piece's
document count, never with ``monotonically_increasing_id``: the kept records and clusters do
not depend on partitioning, and equal the command line's. The kept records are written to OUT
as Parquet files whose order (sorted file names, then rows) is the input order; with
``clusters``, the cluster report is the JSONL the command line writes with ``--clusters``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from neardup._neardup import SparkRun

__all__ = ["dedup", "run", "main", "PIECE_BYTES"]

#: Bytes of input per piece (a task signs one piece at a time).
PIECE_BYTES = 32 << 20

_PIECE_SCHEMA = "piece int, file int, name string, path string, in_folder string, start long, end long, whole boolean"
_DOC_SCHEMA = (
    "piece int, row int, line long, id string, exact long, shingles long, text_len long, "
    "sig binary, bands array<long>, lines array<long>, line_bytes array<int>"
)

# Keyword arguments of SparkRun the job takes (the command line's flags of the same names).
_RESIGNED_SCHEMA = "piece int, row int, new_shingles long, new_sig binary, new_bands array<long>"

_RUN_OPTIONS = (
    "threshold", "num_perm", "bands", "rows", "shingle_words", "shingle_chars", "seed", "keep",
    "grouping", "keep_boilerplate", "text_field", "id_field", "format",
)


def _piece_tuple(row) -> tuple:
    return (row["file"], row["name"], row["path"], row["in_folder"], row["start"], row["end"], row["whole"])


def _binary(np, pa, data: bytes, n: int, width: int):
    """n binary values of `width` bytes each, from one buffer, without a copy per row."""
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    return pa.Array.from_buffers(pa.binary(), n, [None, pa.py_buffer(offsets.tobytes()), pa.py_buffer(data)])


def _lists(np, pa, values, ends):
    """A list<...> array of the runs of `values` ending at `ends` (one per row)."""
    offsets = np.concatenate([np.zeros(1, dtype=np.int32), ends.astype(np.int32)])
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), pa.array(values))


_DOC_NAMES = ["piece", "row", "line", "id", "exact", "shingles", "text_len", "sig", "bands", "lines", "line_bytes"]


def _doc_batch(np, pa, s: Dict[str, Any], k: int, b: int, piece, row, ids):
    """The rows (``_DOC_SCHEMA``) of the documents a SparkRun signed (`s`, the dict of
    ``sign_piece``/``sign_texts``), with their `piece` and `row` columns and their `ids`."""
    n = s["n"]
    shingles = np.frombuffer(s["shingles"], dtype=np.uint64)
    line_ends = np.frombuffer(s["line_ends"], dtype=np.uint32)
    cols = [
        piece,
        row,
        pa.array(np.frombuffer(s["line"], dtype=np.int64)),
        ids,
        pa.array(np.frombuffer(s["exact"], dtype=np.int64)),
        pa.array(shingles.view(np.int64)),
        pa.array(np.frombuffer(s["text_len"], dtype=np.int64)),
        _binary(np, pa, s["sigs"], n, 4 * k),
        _lists(np, pa, np.frombuffer(s["bands"], dtype=np.int64), np.cumsum(np.where(shingles > 0, b, 0))),
        _lists(np, pa, np.frombuffer(s["line_hashes"], dtype=np.int64), line_ends),
        _lists(np, pa, np.frombuffer(s["line_bytes"], dtype=np.int32), line_ends),
    ]
    return pa.RecordBatch.from_arrays(cols, names=_DOC_NAMES)


def _sign_pieces(options: Dict[str, Any]):
    """The mapInArrow function signing pieces: one row per document, and per piece one row with
    ``row = -1`` carrying its line count (``line``) and bad records (``id``, as JSON)."""

    def sign(batches: Iterator) -> Iterator:
        import numpy as np
        import pyarrow as pa

        r = SparkRun(on_error="skip", **options)
        k, b = r.settings()[:2]
        for batch in batches:
            for row in batch.to_pylist():
                s = r.sign_piece(_piece_tuple(row))
                n = s["n"]
                yield _doc_batch(
                    np, pa, s, k, b,
                    pa.array(np.full(n, row["piece"], dtype=np.int32)),
                    pa.array(np.arange(n, dtype=np.int32)),
                    pa.array(s["id"], pa.string()),
                )
                info = [
                    pa.array([row["piece"]], pa.int32()),
                    pa.array([-1], pa.int32()),
                    pa.array([s["lines"]], pa.int64()),
                    pa.array([json.dumps(s["errors"])], pa.string()),
                    pa.array([0], pa.int64()),
                    pa.array([0], pa.int64()),
                    pa.array([0], pa.int64()),
                    pa.array([b""], pa.binary()),
                    pa.array([[]], pa.list_(pa.int64())),
                    pa.array([[]], pa.list_(pa.int64())),
                    pa.array([[]], pa.list_(pa.int32())),
                ]
                yield pa.RecordBatch.from_arrays(info, names=_DOC_NAMES)

    return sign


def _bucket_pairs(batches: Iterator) -> Iterator:
    """The candidate pairs of LSH buckets (each a sorted list of documents): every pair up to
    FULL_BUCKET members, past that each member with the first and with its predecessor."""
    import numpy as np
    import pyarrow as pa

    full = 64
    for batch in batches:
        a_out, b_out = [], []
        for m in batch.column(0).to_pylist():
            m = np.asarray(m, dtype=np.int64)
            if len(m) <= full:
                i, j = np.triu_indices(len(m), 1)
                a_out.append(m[i])
                b_out.append(m[j])
            else:
                a_out.append(np.full(len(m) - 1, m[0]))
                b_out.append(m[1:])
                a_out.append(m[1:-1])
                b_out.append(m[2:])
        if a_out:
            yield pa.RecordBatch.from_arrays(
                [pa.array(np.concatenate(a_out)), pa.array(np.concatenate(b_out))], names=["a", "b"]
            )


def _slots(np, arr, n: int, k: int):
    """The `k` u32 slots of each of the `n` signatures of a binary Arrow array, read from its
    data buffer in place (no Python bytes object per row)."""
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32)[arr.offset : arr.offset + n + 1]
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    return data.view(np.uint32).reshape(n, k)


def _similarity(k: int):
    """mapInArrow over (a, b, sa, sb, ...): the estimated Jaccard similarity of the two
    signatures, as (a, b, sim, ...): the columns after the signatures pass through."""

    def sim(batches: Iterator) -> Iterator:
        import numpy as np
        import pyarrow as pa

        for batch in batches:
            n = batch.num_rows
            if n == 0:
                continue
            if k:
                j = (_slots(np, batch.column(2), n, k) == _slots(np, batch.column(3), n, k)).sum(axis=1) / k
            else:
                j = np.zeros(n)
            rest = list(range(4, batch.num_columns))
            yield pa.RecordBatch.from_arrays(
                [batch.column(0), batch.column(1), pa.array(j)] + [batch.column(i) for i in rest],
                names=["a", "b", "sim"] + [batch.schema.names[i] for i in rest],
            )

    return sim


def _resigned_batch(np, pa, k: int, b: int, piece, row, shingles: bytes, sigs: bytes, keys: bytes):
    """The rows (``_RESIGNED_SCHEMA``) of documents a SparkRun signed again (the bytes of
    ``resign_piece``/``resign_texts``), with their `piece` and `row` columns."""
    shingles = np.frombuffer(shingles, dtype=np.uint64)
    return pa.RecordBatch.from_arrays(
        [
            piece,
            row,
            pa.array(shingles.view(np.int64)),
            _binary(np, pa, sigs, len(shingles), 4 * k),
            _lists(np, pa, np.frombuffer(keys, dtype=np.int64), np.cumsum(np.where(shingles > 0, b, 0))),
        ],
        names=["piece", "row", "new_shingles", "new_sig", "new_bands"],
    )


def _resign_pieces(options: Dict[str, Any], boilerplate: bytes):
    """mapInArrow over (piece, rows): the rows of each piece (each with the fewest groups of a
    boilerplate line it sets aside) signed again without those lines."""

    def resign(batches: Iterator) -> Iterator:
        import numpy as np
        import pyarrow as pa

        r = SparkRun(on_error="skip", **options)
        k, b = r.settings()[:2]
        for batch in batches:
            for row in batch.to_pylist():
                todo = sorted((x["row"], x["from"]) for x in row["rows"])
                rows, shingles, sigs, keys = r.resign_piece(_piece_tuple(row), todo, boilerplate)
                rows = np.frombuffer(rows, dtype=np.uint32).astype(np.int32)
                piece = pa.array(np.full(len(rows), row["piece"], dtype=np.int32))
                yield _resigned_batch(np, pa, k, b, piece, pa.array(rows), shingles, sigs, keys)

    return resign


def _kept_records(options: Dict[str, Any]):
    """mapInArrow over (piece, removed): the records of each piece not removed, in order."""

    def records(batches: Iterator) -> Iterator:
        import pyarrow as pa

        r = SparkRun(on_error="skip", **options)
        for batch in batches:
            for row in batch.to_pylist():
                removed = sorted(row["removed"] or [])
                out = r.piece_records(_piece_tuple(row), removed)
                yield pa.RecordBatch.from_arrays(
                    [
                        pa.array([row["piece"]] * len(out), pa.int32()),
                        pa.array([line for line, _ in out], pa.int64()),
                        pa.array([rec.decode("utf-8", "replace") for _, rec in out], pa.string()),
                    ],
                    names=["piece", "line", "record"],
                )

    return records


class _Pass:
    """What one clustering pass gives: clusters as (representative, members) over document
    numbers, and its counts."""

    def __init__(self, clusters, candidate_pairs, verified_pairs, candidate_docs, edges, joined):
        self.clusters = clusters
        # {(a, b): similarity}: pairs an earlier pass verified on whole texts, reported with
        # that similarity.
        self.joined = joined
        self.candidate_pairs = candidate_pairs
        self.verified_pairs = verified_pairs
        self.candidate_docs = candidate_docs
        # (a, b, similarity, kind): kind "v" a verified pair, "c" an exact copy.
        self.edges = [(r["a"], r["b"], r["sim"], r["kind"]) for r in edges]


def _cluster_pass(spark, docs, run: SparkRun, k: int, threshold: float, joined=None):
    """Candidates, verification, copies and grouping over `docs` (doc, exact, shingles,
    text_len, sig, bands), with the pairs `joined` ({(a, b): similarity}, verified by an
    earlier pass) joined to the verified pairs; returns the pass and its candidate pairs
    (persisted: the caller unpersists them). The edges (verified pairs and copies, with their
    similarities and their documents' lengths) come to the driver in one collect; nothing else
    does."""
    from pyspark.sql import functions as F

    keys = docs.filter(F.col("shingles") > 0).select("doc", F.posexplode("bands").alias("band", "key"))
    buckets = (
        keys.groupBy("band", "key")
        .agg(F.sort_array(F.collect_list("doc")).alias("m"))
        .filter(F.size("m") >= 2)
        .select("m")
    )
    pairs = buckets.mapInArrow(_bucket_pairs, "a long, b long").distinct().persist()
    side = docs.select("doc", "sig", "text_len")
    sa = side.select(F.col("doc").alias("a"), F.col("sig").alias("sa"), F.col("text_len").alias("la"))
    sb = side.select(F.col("doc").alias("b"), F.col("sig").alias("sb"), F.col("text_len").alias("lb"))

    def with_sim(p, kind):
        return (
            p.join(sa, "a")
            .join(sb, "b")
            .select("a", "b", "sa", "sb", "la", "lb")
            .mapInArrow(_similarity(k), "a long, b long, sim double, la long, lb long")
            .withColumn("kind", F.lit(kind))
        )

    verified = with_sim(pairs, "v").filter(F.col("sim") >= threshold)
    firsts = docs.groupBy("exact").agg(F.min("doc").alias("first"))
    copies = (
        docs.select("exact", "doc")
        .join(firsts, "exact")
        .filter(F.col("doc") != F.col("first"))
        .select(F.col("first").alias("a"), F.col("doc").alias("b"))
    )
    count = pairs.groupBy().count().select(
        F.lit(-1).cast("long").alias("a"), F.lit(-1).cast("long").alias("b"), F.lit(0.0).alias("sim"),
        F.col("count").alias("la"), F.lit(0).cast("long").alias("lb"), F.lit("n").alias("kind"),
    )
    joined = joined or {}
    if joined:
        # With their lengths; a pair also verified now keeps its earlier similarity.
        want = spark.createDataFrame([(a, b, s) for (a, b), s in sorted(joined.items())], "a long, b long, sim double")
        verified = verified.join(want.select("a", "b"), ["a", "b"], "left_anti").unionByName(
            want.join(sa.select("a", "la"), "a")
            .join(sb.select("b", "lb"), "b")
            .select("a", "b", "sim", "la", "lb", F.lit("v").alias("kind"))
        )
    rows = verified.unionByName(with_sim(copies, "c")).unionByName(count).collect()
    candidate_pairs = sum(r["la"] for r in rows if r["kind"] == "n")
    edges = [r for r in rows if r["kind"] != "n"]
    candidate_docs = pairs.select(F.col("a").alias("doc")).union(pairs.select(F.col("b").alias("doc"))).distinct()
    lens_of = {}
    for r in edges:
        lens_of[r["a"]] = r["la"]
        lens_of[r["b"]] = r["lb"]
    involved = sorted(lens_of)
    clusters: List[Tuple[int, List[int]]] = []
    if involved:
        at = {d: i for i, d in enumerate(involved)}
        edge = lambda kind: sorted((at[r["a"]], at[r["b"]], r["sim"]) for r in edges if r["kind"] == kind)  # noqa: E731
        grouped = run.group_pairs([lens_of[d] for d in involved], edge("v"), edge("c"))
        clusters = [(involved[rep], [involved[m] for m in members]) for rep, members in grouped]
    verified_pairs = sum(1 for r in edges if r["kind"] == "v")
    return _Pass(clusters, candidate_pairs, verified_pairs, candidate_docs, edges, joined), pairs


def _pair_sims(spark, docs, pairs, k: int) -> Dict[Tuple[int, int], float]:
    """The estimated similarity of each pair (a, b) of `pairs` from the signatures of `docs`."""
    if not pairs:
        return {}
    want = spark.createDataFrame(pairs, "a long, b long")
    sig = docs.select("doc", "sig")
    rows = (
        want.join(sig.withColumnRenamed("doc", "a").withColumnRenamed("sig", "sa"), "a")
        .join(sig.withColumnRenamed("doc", "b").withColumnRenamed("sig", "sb"), "b")
        .select("a", "b", "sa", "sb")
        .mapInArrow(_similarity(k), "a long, b long, sim double")
        .collect()
    )
    return {(r["a"], r["b"]): r["sim"] for r in rows}


def _set_aside(lines, found, docs):
    """Per document holding boilerplate lines: what it sets aside of them, as
    ``neardup::spans::boilerplate::set_aside`` decides (doc, mostly, from, aside): all of them
    (from 0), or, in a document made mostly of them (more than four fifths of its text), its
    most widespread lines first, all lines in one number of groups together, while a fifth of
    its text stays (none: aside 0)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    tiers = (
        lines.join(F.broadcast(found), "h")
        .groupBy("doc", "count")
        .agg(F.sum("bytes").alias("b"))
        .join(docs.select("doc", "text_len"), "doc")
    )
    widest_first = Window.partitionBy("doc").orderBy(F.col("count").desc())
    tiers = tiers.withColumn(
        "taken", F.sum("b").over(widest_first.rowsBetween(Window.unboundedPreceding, Window.currentRow))
    )

    def keeps_a_fifth(aside):
        return F.greatest(F.col("text_len") - aside, F.lit(0)) * 5 >= F.col("text_len")

    fits = keeps_a_fifth(F.col("taken"))
    per_doc = tiers.groupBy("doc", "text_len").agg(
        F.sum("b").alias("bp"),
        F.min(F.when(fits, F.col("count"))).alias("tier_from"),
        F.max(F.when(fits, F.col("taken"))).alias("tier_bytes"),
    )
    mostly = ~keeps_a_fifth(F.col("bp"))
    return per_doc.select(
        "doc",
        "text_len",
        mostly.alias("mostly"),
        F.when(mostly, F.col("tier_from")).otherwise(0).cast("int").alias("from"),
        F.when(mostly, F.coalesce("tier_bytes", F.lit(0))).otherwise(F.col("bp")).alias("aside"),
    )


def _joined_whole(first: "_Pass", mostly, changed) -> List[Tuple[int, int]]:
    """The pairs of the first pass's clusters (each member with its representative) whose two
    documents are made mostly of boilerplate and one of which sets some aside, sorted: their
    whole texts are their content, so later passes join them again (as ``neardup dedup``)."""
    pairs = set()
    for rep, members in first.clusters:
        if rep not in mostly:
            continue
        for m in members:
            if m != rep and m in mostly and (m in changed or rep in changed):
                pairs.add((min(m, rep), max(m, rep)))
    return sorted(pairs)


def _dedup_docs(spark, docs, driver: SparkRun, resign):
    """Clusters `docs` (doc, piece, row, exact, shingles, text_len, sig, bands, lines,
    line_bytes) as ``neardup dedup`` does: the first pass, then the boilerplate pass, whose
    documents `resign(affected, packed_lines)` signs again (`affected`: piece, row, from; a
    DataFrame of piece, row, new_shingles, new_sig, new_bands). Returns (docs as last signed,
    the last pass, its candidate pairs (persisted), boilerplate lines, boilerplate documents)."""
    from pyspark.sql import functions as F

    k, _, _, _, boilerplate, min_groups, threshold = driver.settings()
    first, first_pairs = _cluster_pass(spark, docs, driver, k, threshold)
    result = first
    boilerplate_lines, boilerplate_docs = 0, 0
    if boilerplate:
        group_rows = [(m, members[0]) for _, members in first.clusters for m in members]
        groups = spark.createDataFrame(group_rows or [(-1, -1)], "doc long, g long")
        lines = docs.select("doc", F.explode(F.arrays_zip("lines", "line_bytes")).alias("l")).select(
            "doc", F.col("l.lines").alias("h"), F.col("l.line_bytes").alias("bytes")
        )
        found = (
            lines.join(F.broadcast(groups), "doc", "left")
            .select("h", F.coalesce("g", "doc").alias("g"))
            .distinct()
            .groupBy("h")
            .count()
            .filter(F.col("count") >= min_groups)
            .persist()
        )
        hashes = [(r["h"], r["count"]) for r in found.collect()]
        boilerplate_lines = len(hashes)
        if hashes:
            cand = first.candidate_docs.withColumn("candidate", F.lit(True))
            aside = _set_aside(lines, found, docs).persist()
            affected = (
                aside.join(docs.select("doc", "piece", "row"), "doc")
                .join(cand, "doc", "left")
                .filter(
                    (F.col("aside") > 0)
                    & ((F.col("aside") * 20 >= F.col("text_len")) | F.col("candidate").isNotNull())
                )
                .select("doc", "piece", "row", "from")
                .persist()
            )
            boilerplate_docs = affected.count()
            if boilerplate_docs:
                import struct

                # Whole-text pairs of the first pass between documents made mostly of
                # boilerplate, with their first-pass similarity.
                in_clusters = groups.select("doc").distinct()
                flags = (
                    aside.filter("mostly")
                    .select("doc")
                    .join(F.broadcast(in_clusters), "doc")
                    .join(affected.select("doc", F.lit(True).alias("changed")), "doc", "left")
                    .collect()
                )
                mostly = {r["doc"] for r in flags}
                changed = {r["doc"] for r in flags if r["changed"]}
                joined_pairs = _joined_whole(first, mostly, changed)
                joined_sims = _pair_sims(spark, docs, joined_pairs, k)
                joined = {p: joined_sims[p] for p in joined_pairs}
                packed = b"".join(struct.pack("<qq", h, c) for h, c in hashes)
                redone = resign(affected.select("piece", "row", "from"), packed)
                docs2 = (
                    docs.join(redone, ["piece", "row"], "left")
                    .withColumn("shingles", F.coalesce("new_shingles", "shingles"))
                    .withColumn("sig", F.coalesce("new_sig", "sig"))
                    .withColumn("bands", F.coalesce("new_bands", "bands"))
                    .drop("new_shingles", "new_sig", "new_bands")
                    .persist()
                )
                result, again = _cluster_pass(spark, docs2, driver, k, threshold, joined)
                first_pairs.unpersist()
                first_pairs = again
                docs = docs2
            affected.unpersist()
            aside.unpersist()
        found.unpersist()

    return docs, result, first_pairs, boilerplate_lines, boilerplate_docs


def run(
    spark,
    inputs: Sequence[str],
    output: Optional[str] = None,
    clusters: Optional[str] = None,
    *,
    piece_bytes: int = PIECE_BYTES,
    partitions: Optional[int] = None,
    stages: Optional[str] = None,
    on_error: str = "fail",
    **options: Any,
) -> Dict[str, Any]:
    """Deduplicates the files `inputs` on `spark` as ``neardup dedup`` does.

    Args:
        spark: a SparkSession.
        inputs: files and folders (read by every executor at the same paths).
        output: a folder to write the kept records to (Parquet; created, must not exist).
        clusters: a file to write the cluster report to (JSONL, the command line's format).
        piece_bytes: input bytes per piece (task).
        partitions: partitions of the documents (default: the session's parallelism); the
            result does not depend on it.
        stages: a folder to write the stages' data to, as Parquet tables (signatures,
            candidate_pairs, verified_pairs, copies, decisions; schemas in docs/spark.md).
        on_error: ``"fail"`` (a bad record stops the run, naming its file and line) or
            ``"skip"`` (skipped and counted).
        **options: the command line's flags: threshold, num_perm, bands, rows, shingle_words,
            shingle_chars, seed, keep, grouping, keep_boilerplate, text_field, id_field, format.

    Returns:
        The summary: documents, skipped, clusters, duplicates, kept, boilerplate_lines,
        boilerplate_docs, candidate_pairs, verified_pairs, seconds.
    """
    from pyspark.sql import functions as F

    unknown = set(options) - set(_RUN_OPTIONS)
    if unknown:
        raise ValueError(f"not supported on Spark: {', '.join(sorted(unknown))}")
    if on_error not in ("fail", "skip"):
        raise ValueError(f"on_error: 'fail' or 'skip', not {on_error!r}")
    t0 = time.time()
    driver = SparkRun(on_error=on_error, **options)
    k = driver.settings()[0]
    pieces = driver.plan([str(p) for p in inputs], piece_bytes)
    parts = partitions or spark.sparkContext.defaultParallelism
    # Shuffles (buckets, joins) in as many partitions as the documents: Spark's default of 200
    # costs more in task overhead than small corpora take to process.
    spark.conf.set("spark.sql.shuffle.partitions", str(parts))
    piece_rows = [(i, *p) for i, p in enumerate(pieces)]
    pieces_df = spark.createDataFrame(piece_rows, _PIECE_SCHEMA).repartition(max(1, min(parts, len(pieces))), "piece")
    signed = pieces_df.mapInArrow(_sign_pieces(options), _DOC_SCHEMA).persist()

    # Per piece: its line count and bad records (one row each), then document numbers and the
    # line each piece's lines start after.
    per_piece = (
        signed.groupBy("piece")
        .agg(
            F.sum(F.when(F.col("row") >= 0, 1).otherwise(0)).alias("docs"),
            F.max(F.when(F.col("row") < 0, F.col("line"))).alias("lines"),
            F.max(F.when(F.col("row") < 0, F.col("id"))).alias("errors"),
        )
        .collect()
    )
    info = {r["piece"]: (r["lines"], json.loads(r["errors"])) for r in per_piece}
    counts = {r["piece"]: r["docs"] for r in per_piece}
    base, line_base, skipped = [], [], 0
    doc_base, lines_before, last_file = 0, 0, None
    errors: List[str] = []
    for i, p in enumerate(pieces):
        if p[0] != last_file:
            lines_before, last_file = 0, p[0]
        base.append(doc_base)
        line_base.append(lines_before)
        lines, bad = info.get(i, (0, []))
        for line, message in bad:
            errors.append(f"{p[1]}:{lines_before + line}: {message}")
        doc_base += counts.get(i, 0)
        lines_before += lines
    if errors and on_error == "fail":
        raise ValueError(errors[0])
    skipped = len(errors)
    n = doc_base
    bases = spark.createDataFrame([(i, base[i], line_base[i]) for i in range(len(pieces))], "piece int, base long, line_base long")
    docs = (
        signed.filter(F.col("row") >= 0)
        .join(F.broadcast(bases), "piece")
        .withColumn("doc", F.col("base") + F.col("row"))
        .drop("base")
        .repartition(parts, "doc")
        .persist()
    )
    resign = lambda affected, packed: (  # noqa: E731
        affected.groupBy("piece")
        .agg(F.collect_list(F.struct("row", "from")).alias("rows"))
        .join(pieces_df, "piece")
        .mapInArrow(_resign_pieces(options, packed), _RESIGNED_SCHEMA)
    )
    docs, result, first_pairs, boilerplate_lines, boilerplate_docs = _dedup_docs(spark, docs, driver, resign)
    if stages is not None:
        _write_stages(spark, docs, pieces_df, first_pairs, result, stages)
    first_pairs.unpersist()
    removed = sorted(m for rep, members in result.clusters for m in members if m != rep)
    if clusters is not None:
        _write_clusters(spark, docs, pieces_df, result, k, clusters)
    if output is not None:
        _write_kept(spark, docs, pieces_df, pieces, removed, options, output)
    signed.unpersist()
    duplicates = len(removed)
    return {
        "documents": n,
        "skipped": skipped,
        "clusters": len(result.clusters),
        "duplicates": duplicates,
        "kept": n - duplicates,
        "boilerplate_lines": boilerplate_lines,
        "boilerplate_docs": boilerplate_docs,
        "candidate_pairs": result.candidate_pairs,
        "verified_pairs": result.verified_pairs,
        "seconds": round(time.time() - t0, 3),
    }


def _positions(batches: Iterator) -> Iterator:
    """mapInArrow: each row with its partition and its index in the partition."""
    import pyarrow as pa
    from pyspark import TaskContext

    part = TaskContext.get().partitionId()
    row = 0
    for b in batches:
        n = b.num_rows
        yield pa.RecordBatch.from_arrays(
            list(b.columns) + [pa.array([part] * n, pa.int32()), pa.array(range(row, row + n), pa.int64())],
            names=list(b.schema.names) + ["__neardup_part", "__neardup_row"],
        )
        row += n


def _sign_texts(options: Dict[str, Any], text: str):
    """mapInArrow over (text, part, row): each batch of texts signed (the columns of
    ``_DOC_SCHEMA``, `piece` the partition, `row` the row in it)."""

    def sign(batches: Iterator) -> Iterator:
        import numpy as np
        import pyarrow as pa

        r = SparkRun(**options)
        k, b = r.settings()[:2]
        for batch in batches:
            texts = batch.column(0).to_pylist()
            if any(t is None for t in texts):
                i = texts.index(None)
                raise ValueError(
                    f"column {text!r} is null in row {batch.column(2)[i].as_py()} of partition {batch.column(1)[i].as_py()}"
                )
            s = r.sign_texts(texts)
            yield _doc_batch(
                np, pa, s, k, b, batch.column(1), batch.column(2).cast(pa.int32()), pa.nulls(s["n"], pa.string())
            )

    return sign


def _resign_texts(options: Dict[str, Any], boilerplate: bytes):
    """mapInArrow over (text, part, row, from) of the documents to sign again without their
    boilerplate lines in at least `from` groups."""

    def resign(batches: Iterator) -> Iterator:
        import numpy as np
        import pyarrow as pa

        r = SparkRun(**options)
        k, b = r.settings()[:2]
        for batch in batches:
            todo = list(enumerate(batch.column(3).to_pylist()))
            _, shingles, sigs, keys = r.resign_texts(batch.column(0).to_pylist(), todo, boilerplate)
            yield _resigned_batch(np, pa, k, b, batch.column(1), batch.column(2).cast(pa.int32()), shingles, sigs, keys)

    return resign


def dedup(df, text: str = "text", *, partitions: Optional[int] = None, **options: Any):
    """The rows of `df` that ``neardup dedup`` keeps: its documents are the values of column
    `text`, in the DataFrame's order (partition after partition, then rows), with the CLI's
    defaults (boilerplate handling and leader grouping included); the kept rows come back with
    every column, in that order. `options` are the flags of :func:`run`. Rows whose text is
    null are an error naming their partition and row. The DataFrame is read once (persisted
    with its positions), so it need not be deterministic.

    >>> kept = neardup.spark.dedup(spark.read.parquet("corpus/"), text="text")  # doctest: +SKIP
    """
    from pyspark.sql import functions as F
    from pyspark.sql.types import IntegerType, LongType, StructField, StructType

    unknown = set(options) - set(_RUN_OPTIONS) - {"text_field", "id_field", "format"}
    if unknown:
        raise ValueError(f"not supported on Spark: {', '.join(sorted(unknown))}")
    options = {k: v for k, v in options.items() if k not in ("text_field", "id_field", "format")}
    spark = df.sparkSession
    driver = SparkRun(**options)
    parts = partitions or spark.sparkContext.defaultParallelism
    spark.conf.set("spark.sql.shuffle.partitions", str(parts))
    # A new schema: the DataFrame's own may be cached, and `add` changes it in place.
    schema = StructType(
        list(df.schema.fields)
        + [StructField("__neardup_part", IntegerType(), False), StructField("__neardup_row", LongType(), False)]
    )
    pos = df.mapInArrow(_positions, schema).persist()
    texts = pos.select(F.col(text), "__neardup_part", "__neardup_row")
    signed = texts.mapInArrow(_sign_texts(options, text), _DOC_SCHEMA)
    counts = {r[0]: r[1] for r in signed.groupBy("piece").count().collect()}
    base, total = {}, 0
    for part in sorted(counts):
        base[part] = total
        total += counts[part]
    bases = spark.createDataFrame([(p, b) for p, b in base.items()] or [(-1, 0)], "piece int, base long")
    docs = (
        signed.join(F.broadcast(bases), "piece")
        .withColumn("doc", F.col("base") + F.col("row"))
        .withColumn("line_base", F.lit(0).cast("long"))
        .drop("base")
        .repartition(parts, "doc")
        .persist()
    )

    def resign(affected, packed):
        todo = texts.join(
            affected.select(F.col("piece").alias("__neardup_part"), F.col("row").alias("__neardup_row"), "from"),
            ["__neardup_part", "__neardup_row"],
        ).select(F.col(text), "__neardup_part", "__neardup_row", "from")
        return todo.mapInArrow(_resign_texts(options, packed), _RESIGNED_SCHEMA)

    docs, result, pairs, _, _ = _dedup_docs(spark, docs, driver, resign)
    pairs.unpersist()
    removed = [m for rep, members in result.clusters for m in members if m != rep]
    gone = (
        docs.join(spark.createDataFrame([(d,) for d in removed] or [(-1,)], "doc long"), "doc")
        .select(F.col("piece").alias("__neardup_part"), F.col("row").alias("__neardup_row"))
    )
    return (
        pos.join(gone, ["__neardup_part", "__neardup_row"], "left_anti")
        .orderBy("__neardup_part", "__neardup_row")
        .drop("__neardup_part", "__neardup_row")
    )


def _write_clusters(spark, docs, pieces_df, result: "_Pass", k: int, path: str) -> None:
    """The cluster report, as ``neardup dedup --clusters`` writes it."""
    clusters = result.clusters
    pairs = [(m, rep) for rep, members in clusters for m in members]
    with open(path, "w", encoding="utf-8") as f:
        if not pairs:
            return
        sim = _pair_sims(spark, docs, pairs, k)
        for m, rep in pairs:
            earlier = result.joined.get((min(m, rep), max(m, rep)))
            if earlier is not None:
                sim[(m, rep)] = earlier
        members = spark.createDataFrame([(m,) for m, _ in pairs], "doc long")
        meta = docs.select("doc", "id", "line", "line_base", "piece").join(members, "doc")
        info = {r["doc"]: r for r in meta.join(pieces_df.select("piece", "name"), "piece").collect()}
        for ci, (rep, ms) in enumerate(clusters):
            f.write(
                '{"cluster":%d,"representative":%s,"members":[%s],"similarity":[%s],"locations":[%s]}\n'
                % (
                    ci,
                    _json(_id(info[rep])),
                    ",".join(_json(_id(info[m])) for m in ms),
                    ",".join(f"{sim[(m, rep)]:.4f}" for m in ms),
                    ",".join(_json(_location(info[m])) for m in ms),
                )
            )


def _write_stages(spark, docs, pieces_df, pairs, result: "_Pass", folder: str) -> None:
    """The data of each stage (of the last clustering pass), as Parquet tables in `folder`."""
    from pyspark.sql import functions as F

    (
        docs.join(pieces_df.select("piece", "name"), "piece")
        .select(
            "doc", F.coalesce("id", F.concat_ws(":", "name", (F.col("line_base") + F.col("line")).cast("string"))).alias("id"),
            F.concat_ws(":", "name", (F.col("line_base") + F.col("line")).cast("string")).alias("location"),
            "exact", "shingles", "text_len", F.col("sig").alias("signature"), F.col("bands").alias("band_keys"),
        )
        .orderBy("doc")
        .write.parquet(f"{folder}/signatures")
    )
    pairs.orderBy("a", "b").write.parquet(f"{folder}/candidate_pairs")
    for kind, name in (("v", "verified_pairs"), ("c", "copies")):
        rows = sorted((a, b, sim) for a, b, sim, k in result.edges if k == kind)
        spark.createDataFrame(rows, "a long, b long, similarity double").coalesce(1).write.parquet(f"{folder}/{name}")
    decisions = [
        (m, c, rep, m == rep) for c, (rep, members) in enumerate(result.clusters) for m in members
    ]
    spark.createDataFrame(decisions, "doc long, cluster long, representative long, keep boolean").coalesce(1).write.parquet(
        f"{folder}/decisions"
    )


def _json(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def _location(r) -> str:
    return f"{r['name']}:{r['line_base'] + r['line']}"


def _id(r) -> str:
    return r["id"] if r["id"] is not None else _location(r)


def _is_parquet(name: str) -> bool:
    return name.lower().endswith((".parquet", ".parq"))


def _write_kept(spark, docs, pieces_df, pieces, removed: List[int], options: Dict[str, Any], output: str) -> None:
    """The records not removed, in input order, as Parquet files in `output`: Parquet rows with
    every column of their input, JSON records as their fields (the schema Spark infers from
    them), lines and files as a ``text`` column."""
    from pyspark.sql import functions as F

    gone = spark.createDataFrame([(d,) for d in removed] or [(-1,)], "doc long")
    parquet = [_is_parquet(p[1]) for p in pieces]
    if any(parquet):
        if not all(parquet):
            raise ValueError("Parquet and other inputs cannot be mixed (the output keeps one schema)")
        _write_kept_parquet(spark, docs, gone, pieces, output)
        return
    per_piece = docs.select("doc", "piece", "row").join(gone, "doc").groupBy("piece").agg(F.collect_list("row").alias("removed"))
    todo = pieces_df.join(per_piece, "piece", "left").orderBy("piece")
    kept = todo.mapInArrow(_kept_records(options), "piece int, line long, record string").persist()
    if options.get("format") in ("lines", "folder"):
        table = kept.select(F.col("record").alias("text"))
    else:
        schema = spark.read.json(kept.select("record").rdd.map(lambda r: r[0])).schema
        if not schema.fields:
            # Nothing kept (an empty input): an empty table of the text column.
            from pyspark.sql.types import StringType, StructField, StructType

            schema = StructType([StructField(options.get("text_field") or "text", StringType())])
        table = kept.select(F.from_json("record", schema).alias("r")).select("r.*")
    table.write.parquet(output)
    kept.unpersist()


def _write_kept_parquet(spark, docs, gone, pieces, output: str) -> None:
    """The kept rows of Parquet inputs, read by Spark with every column, each known by its file
    and row index (row N of a file is its line N + 1 as neardup reads it)."""
    import os
    from urllib.parse import unquote, urlparse

    from pyspark.sql import functions as F

    files = sorted({(p[0], p[2]) for p in pieces})
    # Spark's vectorized reader holds 4,096 rows of a column at once: 70 MB of 17 KB texts,
    # more than a 1 GB heap spares beside the run. Batches of 256 rows.
    spark.conf.set("spark.sql.parquet.columnarReaderBatchSize", "256")
    rows = spark.read.parquet(*[path for _, path in files]).select(
        "*", F.col("_metadata.file_path").alias("__file_path"), F.col("_metadata.row_index").alias("__row")
    )
    # Spark names files by URI: each one's input index, by its real path.
    index = {os.path.realpath(path): f for f, path in files}
    uris = [r[0] for r in rows.select("__file_path").distinct().collect()]
    names = spark.createDataFrame(
        [(u, index[os.path.realpath(unquote(urlparse(u).path))]) for u in uris], "__file_path string, __file int"
    )
    file_of = spark.createDataFrame([(i, p[0]) for i, p in enumerate(pieces)], "piece int, __file int")
    kept = (
        docs.select("doc", "piece", "line")
        .join(gone, "doc", "left_anti")
        .join(F.broadcast(file_of), "piece")
        .select("__file", (F.col("line") - 1).alias("__row"))
    )
    table = (
        rows.join(F.broadcast(names), "__file_path")
        .join(kept, ["__file", "__row"])
        .orderBy("__file", "__row")
        .drop("__file", "__row", "__file_path")
    )
    table.write.parquet(output)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m neardup.spark",
        description="neardup dedup on Apache Spark: the command line's result, spread over a cluster.",
    )
    p.add_argument("inputs", nargs="+", help="files and folders (JSONL, lines, folders of files)")
    p.add_argument("-o", "--output", required=True, help="folder to write the kept records to (Parquet)")
    p.add_argument("--clusters", help="file to write the cluster report to (JSONL)")
    p.add_argument("--stages", help="folder to write each stage's data to (Parquet tables, docs/spark.md)")
    p.add_argument("--threshold", type=float)
    p.add_argument("--num-perm", type=int)
    p.add_argument("--bands", type=int)
    p.add_argument("--rows", type=int)
    p.add_argument("--shingle-words", type=int)
    p.add_argument("--shingle-chars", type=int)
    p.add_argument("--seed", type=int)
    p.add_argument("--keep", choices=["first", "longest", "shortest"])
    p.add_argument("--grouping", choices=["leader", "components"])
    p.add_argument("--keep-boilerplate", action="store_true")
    p.add_argument("--text-field")
    p.add_argument("--id-field")
    p.add_argument("--format", choices=["jsonl", "lines", "folder"])
    p.add_argument("--on-error", choices=["fail", "skip"], default="fail")
    p.add_argument("--partitions", type=int, help="partitions of the documents (default: the session's parallelism)")
    p.add_argument("--piece-mb", type=float, default=PIECE_BYTES / (1 << 20), help="input MB per task (default 32)")
    p.add_argument("--master", help="Spark master when not run by spark-submit (default local[*])")
    for flag in ("--method", "--cross-lingual", "--containment", "--verify", "--lang-field", "--annotate",
                 "--strip-repeats", "--strip-substrings", "--max-hamming"):
        p.add_argument(flag, dest="unsupported_" + flag[2:].replace("-", "_"), nargs="?", const=True,
                       help=argparse.SUPPRESS)
    return p


def main(argv: Optional[Sequence[str]] = None) -> int:
    """The command: ``python -m neardup.spark INPUT... -o OUT [--clusters FILE] [flags]``."""
    args = _parser().parse_args(argv)
    unsupported = [k[len("unsupported_"):].replace("_", "-") for k, v in vars(args).items() if k.startswith("unsupported_") and v is not None]
    if unsupported:
        print(f"neardup.spark: not supported on Spark yet: --{', --'.join(unsupported)} (run `neardup dedup`)", file=sys.stderr)
        return 2
    options = {
        name: getattr(args, name)
        for name in _RUN_OPTIONS
        if getattr(args, name, None) not in (None, False)
    }
    import os

    from pyspark.errors import PySparkException
    from pyspark.sql import SparkSession

    # Local executors run this interpreter (where the package is installed).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("neardup").config("spark.ui.showConsoleProgress", "false")
    if args.master:
        builder = builder.master(args.master)
    elif "SPARK_ENV_LOADED" not in os.environ and "PYSPARK_GATEWAY_PORT" not in os.environ:
        # Not under spark-submit (which sets the master).
        builder = builder.master("local[*]")
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    try:
        summary = run(
            spark,
            args.inputs,
            args.output,
            args.clusters,
            piece_bytes=int(args.piece_mb * (1 << 20)),
            partitions=args.partitions,
            stages=args.stages,
            on_error=args.on_error,
            **options,
        )
    except (ValueError, OSError, PySparkException) as e:
        print(f"neardup.spark: {e}", file=sys.stderr)
        return 1
    finally:
        spark.stop()
    for name, value in summary.items():
        print(f"{name}: {value}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
