"""Makes text-dedup 0.4.0's Spark MinHash job (text_dedup/minhash_spark.py, from its wheel on
PyPI) run on a machine without Maven: GraphFrames' connected components (a jar from a Maven
repository) is replaced by large-star/small-star rounds written with DataFrame operations
(Kiveris et al., "Connected Components in MapReduce and Beyond", SoCC 2014), which give every
vertex the smallest id of its component, as GraphFrames does; and its partition counts, sized
for a cluster (8,192 shuffle partitions, 4,096 and at least 256 partitions on write), are
set by the environment (NEARDUP_PEER_PARTITIONS, default 4): on two cores the shipped ones
take minutes of task overhead on a few MB. Nothing else of the job changes.

Usage: python scripts/text_dedup_spark_patch.py minhash_spark.py > patched.py
"""

import sys

COMPONENTS = '''

def _large_small_star(spark, vertices_df, edges_df):
    """Connected components by large-star/small-star rounds (Kiveris et al., SoCC 2014):
    DataFrame (id, component), component the smallest id of the vertex's component."""
    import os as _os
    from pyspark.sql import functions as _F

    e = (
        edges_df.select(_F.least("src", "dst").alias("u"), _F.greatest("src", "dst").alias("v"))
        .filter(_F.col("u") != _F.col("v"))
        .distinct()
        .localCheckpoint()
    )
    rounds = 0
    while True:
        rounds += 1
        # Large star: each vertex x links every larger neighbour to the smallest of x and its
        # neighbours.
        both = e.union(e.select(_F.col("v").alias("u"), _F.col("u").alias("v")))
        m = both.groupBy("u").agg(_F.least(_F.min("v"), _F.col("u")).alias("m"))
        large = (
            both.join(m, "u")
            .filter(_F.col("v") > _F.col("u"))
            .select(_F.greatest("v", "m").alias("u"), _F.least("v", "m").alias("v"))
            .filter(_F.col("u") != _F.col("v"))
            .distinct()
        )
        # Small star: each vertex x links itself and its smaller neighbours to the smallest of
        # them.
        m2 = large.groupBy("u").agg(_F.min("v").alias("m"))
        small = (
            large.join(m2, "u")
            .select(_F.col("v").alias("a"), _F.col("m").alias("b"))
            .union(m2.select(_F.col("u").alias("a"), _F.col("m").alias("b")))
            .filter(_F.col("a") != _F.col("b"))
            .select(_F.greatest("a", "b").alias("u"), _F.least("a", "b").alias("v"))
            .distinct()
            .localCheckpoint()
        )
        # The round changed nothing when every edge of one set is in the other (both are
        # distinct, so equal counts and a full inner join say so).
        same = small.join(e, ["u", "v"]).count()
        changed = small.count() != same or e.count() != same
        e = small
        if changed == 0:
            break
    print(f"large-star/small-star: {rounds} rounds", file=sys.stderr)
    # Converged: every edge is (vertex, root of its component).
    roots = e.select(_F.col("v").alias("id")).distinct().withColumn("component", _F.col("id"))
    return (
        vertices_df.join(e.select(_F.col("u").alias("id"), _F.col("v").alias("component")), "id", "left")
        .join(roots.withColumnRenamed("component", "root"), "id", "left")
        .select("id", _F.coalesce("component", "root", "id").alias("component"))
    )

'''


def patch(src: str) -> str:
    swaps = [
        ("    from graphframes import GraphFrame  # type: ignore\n", ""),
        ("GraphFrame(vertices_df, edges_df).connectedComponents()", "_large_small_star(spark, vertices_df, edges_df)"),
        ('.set("spark.sql.shuffle.partitions", "8192")', '.set("spark.sql.shuffle.partitions", _PARTS)'),
        ('.set("spark.default.parallelism", "100")', '.set("spark.default.parallelism", _PARTS)'),
        (".repartition(4096)", ".repartition(int(_PARTS))"),
        ("partitions = max(256, min(", "partitions = max(1, min("),
        ("\n# region: MinHashLSH\n", COMPONENTS + "\n# region: MinHashLSH\n"),
        ("SEED = 42\n", "SEED = 42\n_PARTS = __import__('os').environ.get('NEARDUP_PEER_PARTITIONS', '4')\n"),
    ]
    for old, new in swaps:
        if old not in src:
            raise SystemExit(f"text-dedup's job changed: {old.strip()!r} not found")
        src = src.replace(old, new)
    return src


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as f:
        sys.stdout.write(patch(f.read()))
