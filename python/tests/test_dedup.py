"""Tests of the Python package: the API, and the same results as the command line on the
repository's real data (the seeds and NTREX dev)."""

import json
import os
import struct
import subprocess
from pathlib import Path

import pytest

import neardup

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"


@pytest.fixture(scope="session")
def cli() -> Path:
    """The neardup binary: $NEARDUP_BIN, else the repository's build (built if missing)."""
    given = os.environ.get("NEARDUP_BIN")
    if given:
        return Path(given)
    for profile in ("release", "debug"):
        b = ROOT / "target" / profile / "neardup"
        if b.is_file():
            return b
    subprocess.run(["cargo", "build", "--quiet"], cwd=ROOT, check=True)
    return ROOT / "target" / "debug" / "neardup"


def records(path: Path, limit=None):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            out.append(json.loads(line))
            if limit is not None and len(out) == limit:
                break
    return out


def cli_clusters(cli: Path, tmp_path: Path, jsonl: Path, *flags: str):
    """The command line's clusters (member ids, kept id) and kept ids on `jsonl`."""
    kept, report = tmp_path / "kept.jsonl", tmp_path / "clusters.jsonl"
    subprocess.run(
        [str(cli), "dedup", str(jsonl), "-o", str(kept), "--clusters", str(report), "-q", *flags],
        check=True,
    )
    clusters = [
        (tuple(c["members"]), c["representative"]) for c in (json.loads(l) for l in open(report, encoding="utf-8"))
    ]
    return clusters, [r["id"] for r in records(kept)]


def py_clusters(result, ids):
    clusters = [
        (tuple(ids[i] for i in members), ids[rep])
        for members, rep in zip(result.clusters, result.representatives)
    ]
    return clusters, [i for i, k in zip(ids, result.keep) if k]


def test_exact_copies_cluster_and_one_is_kept():
    r = neardup.dedup(["the cat sat on the mat today", "The cat sat on the mat, today!", "a dog"])
    assert r.keep == [True, False, True]
    assert r.cluster == [0, 0, -1]
    assert r.clusters == [[0, 1]]
    assert r.representatives == [0]
    assert len(r) == 3
    assert "removed=1" in repr(r)


def test_keep_longest_keeps_the_longest():
    body = " ".join(f"w{i}" for i in range(60))
    texts = [body, body + " and two more"]
    assert neardup.dedup(texts).keep == [True, False]
    assert neardup.dedup(texts, keep="longest").keep == [False, True]


def test_columns_and_iterables_are_accepted():
    texts = ["one two three four five six", "one two three four five six", "seven eight"]
    want = neardup.dedup(texts).keep
    assert neardup.dedup(tuple(texts)).keep == want
    assert neardup.dedup(t for t in texts).keep == want


def test_bad_arguments_raise_value_errors():
    with pytest.raises(ValueError, match="method"):
        neardup.dedup(["a"], method="bloom")
    with pytest.raises(ValueError, match="keep"):
        neardup.dedup(["a"], keep="random")
    with pytest.raises(ValueError, match="grouping"):
        neardup.dedup(["a"], grouping="cliques")
    with pytest.raises(ValueError, match="threshold"):
        neardup.dedup(["a"], threshold=1.5)
    with pytest.raises(ValueError, match="labels"):
        neardup.dedup(["a", "b"], cross_lingual=True, langs=["fra"])
    # A list item that is not a string is named by its index and type, as an Arrow null is.
    with pytest.raises(TypeError, match="texts: NoneType at index 1: every text must be a string"):
        neardup.dedup(["a", None])
    with pytest.raises(TypeError, match="texts: int at index 2"):
        neardup.sign(["a", "b", 3])
    with pytest.raises(TypeError, match="langs: int at index 1: every label must be a string or None"):
        neardup.dedup(["a", "b"], cross_lingual=True, langs=[None, 5])


@pytest.mark.parametrize(
    "flags", [(), ("--keep-boilerplate",), ("--method", "simhash"), ("--grouping", "components", "--keep-boilerplate")]
)
def test_same_clusters_as_the_command_line_on_ntrex(cli, tmp_path, flags):
    # 600 documents of NTREX dev: same-language near-duplicates of its articles among them.
    recs = records(DATA / "ntrex-dev" / "docs.jsonl", limit=600)
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text("".join(json.dumps({"id": r["id"], "text": r["text"]}) + "\n" for r in recs), encoding="utf-8")
    kwargs = {}
    if "--keep-boilerplate" in flags:
        kwargs["keep_boilerplate"] = True
    if "simhash" in flags:
        kwargs["method"] = "simhash"
    if "components" in flags:
        kwargs["grouping"] = "components"
    result = neardup.dedup([r["text"] for r in recs], **kwargs)
    want = cli_clusters(cli, tmp_path, jsonl, *flags)
    assert want[0], "the slice has near-duplicates"
    assert py_clusters(result, [r["id"] for r in recs]) == want


def test_same_translations_as_the_command_line_on_the_seeds(cli, tmp_path):
    recs = records(DATA / "seeds.jsonl")
    ids = [r["id"] for r in recs]
    result = neardup.dedup([r["text"] for r in recs], cross_lingual=True)
    assert py_clusters(result, ids) == cli_clusters(cli, tmp_path, DATA / "seeds.jsonl", "--cross-lingual")
    # 000 (Indonesian) and 001 (its French translation) form one cluster; 002-004 join none.
    joined = {ids[i] for i in result.clusters[0]}
    assert {"000", "001"} <= joined and not joined & {"002", "003", "004"}
    assert result.langs[ids.index("001")] == "fra"
    assert result.langs[ids.index("002")] is None


def test_the_language_model_is_chosen_as_on_the_command_line(cli, tmp_path):
    recs = records(DATA / "seeds.jsonl")
    ids, texts = [r["id"] for r in recs], [r["text"] for r in recs]
    # False keeps whatlang, as --no-language-model does.
    whatlang = neardup.dedup(texts, cross_lingual=True, language_model=False)
    want = cli_clusters(cli, tmp_path, DATA / "seeds.jsonl", "--cross-lingual", "--no-language-model")
    assert py_clusters(whatlang, ids) == want
    # A named file that is not a model is refused by name.
    bad = tmp_path / "not-a-model.bin"
    bad.write_bytes(b"not a model")
    with pytest.raises(OSError, match="not-a-model.bin"):
        neardup.dedup(texts, cross_lingual=True, language_model=str(bad))
    # The installed model named gives what the default (the installed model) gives.
    data = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    installed = os.environ.get("NEARDUP_LANGID") or os.path.join(data, "neardup", "langid.bin")
    if os.path.isfile(installed):
        named = neardup.dedup(texts, cross_lingual=True, language_model=installed)
        default = neardup.dedup(texts, cross_lingual=True)
        assert named.langs == default.langs and named.clusters == default.clusters


def test_signatures_are_the_command_line_signatures(cli, tmp_path):
    recs = records(DATA / "seeds.jsonl")
    k, data = neardup.sign([r["text"] for r in recs])
    out = subprocess.run([str(cli), "sign", str(DATA / "seeds.jsonl"), "-q"], check=True, capture_output=True).stdout
    assert len(data) == 4 * k * len(recs)
    assert data == out
    # Slots are little-endian u32; two different texts differ.
    slots = struct.unpack(f"<{k * len(recs)}I", data)
    assert slots[:k] != slots[k : 2 * k]
    k64, data64 = neardup.sign(["one text"], num_perm=64, seed=7)
    assert k64 == 64 and len(data64) == 256
    assert neardup.sign(["one text"], num_perm=64, seed=7) == (k64, data64)


def test_band_keys_make_near_duplicates_candidates():
    recs = records(DATA / "seeds.jsonl")
    texts = [r["text"] for r in recs]
    bands, rows, data = neardup.band_keys(texts)
    assert len(data) == 8 * bands * len(texts)
    keys = [struct.unpack_from(f"<{bands}Q", data, 8 * bands * i) for i in range(len(texts))]
    ids = [r["id"] for r in recs]
    first, copy = ids.index("000"), ids.index("000-first-body")
    # 000 and its first body's copy (the CLI's one same-language cluster) share a band's key;
    # 000 and 002 (another article) share none.
    assert any(a == b for a, b in zip(keys[first], keys[copy]))
    assert not any(a == b for a, b in zip(keys[first], keys[ids.index("002")]))
    # Identical texts have identical keys; the same call gives the same bytes.
    assert neardup.band_keys([texts[0], texts[0]])[2][: 8 * bands] == neardup.band_keys([texts[0], texts[0]])[2][8 * bands :]
    assert neardup.band_keys(texts) == (bands, rows, data)
    # Bands follow the threshold as in the CLI (fewer rows per band for a lower threshold).
    assert neardup.band_keys(texts, threshold=0.3)[1] < rows


def test_arrow_columns_are_read_in_place_with_the_list_results():
    import pyarrow as pa

    recs = records(DATA / "ntrex-dev" / "docs.jsonl", limit=600)
    texts = [r["text"] for r in recs]
    want = neardup.dedup(texts)
    assert want.clusters, "the slice has near-duplicates"
    half = len(texts) // 2
    columns = [
        pa.array(texts),
        pa.array(texts, type=pa.large_string()),
        pa.array(texts, type=pa.string_view()),
        pa.chunked_array([texts[:half], texts[half:]]),  # a stream of two chunks
        pa.array(texts).slice(0),  # an offset-0 slice shares the buffers
    ]
    for col in columns:
        got = neardup.dedup(col)
        assert (got.keep, got.cluster) == (want.keep, want.cluster), col.type
    # A slice with an offset: its texts, not its buffers' first ones.
    sliced = neardup.dedup(pa.array(texts).slice(half))
    assert sliced.keep == neardup.dedup(texts[half:]).keep
    with pytest.raises(ValueError, match="null at index 1"):
        neardup.dedup(pa.array(["a", None, "b"]))
    with pytest.raises(TypeError, match="not of strings"):
        neardup.dedup(pa.array([1, 2, 3]))


def test_signatures_and_band_keys_as_arrow_arrays(cli):
    import pyarrow as pa

    recs = records(DATA / "seeds.jsonl")
    texts = [r["text"] for r in recs]
    sigs = neardup.sign_arrow(pa.array(texts))
    k, data = neardup.sign(texts)
    assert isinstance(sigs, pa.FixedSizeListArray) and sigs.type == pa.list_(pa.field("item", pa.uint32(), nullable=False), k)
    assert len(sigs) == len(texts) and sigs.null_count == 0
    # The same slots as the bytes (and so as `neardup sign`), in text order.
    assert sigs.flatten().to_pylist() == list(struct.unpack(f"<{k * len(texts)}I", data))
    bands, rows, kdata = neardup.band_keys(texts)
    keys = neardup.band_keys_arrow(texts)
    assert keys.type == pa.list_(pa.field("item", pa.int64(), nullable=False), bands)
    # int64 keys are the u64 keys bit-cast: the same 8 bytes each.
    assert keys.flatten().to_pylist() == list(struct.unpack(f"<{bands * len(texts)}q", kdata))
    # Without pyarrow's help: the raw column speaks the PyCapsule interface.
    _, _, _, raw = neardup._neardup._sign(texts, arrow=True)
    assert len(raw) == len(texts)
    assert pa.array(raw).equals(sigs)


def test_against_an_index_removes_what_the_command_line_removes(cli, tmp_path):
    # An index of NTREX dev's English documents; the English variants and the French and German
    # documents checked against it, by the command line and by `dedup(..., against=)`.
    recs = records(DATA / "ntrex-dev" / "docs.jsonl")
    index_in, new_in = tmp_path / "eng.jsonl", tmp_path / "new.jsonl"
    new = [r for r in recs if r["lang"] in ("eng-US", "eng-GB", "fra", "deu")]
    with open(index_in, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(r) + "\n" for r in recs if r["lang"] == "eng")
    with open(new_in, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(r) + "\n" for r in new)
    idx = tmp_path / "idx"
    subprocess.run([str(cli), "index", "build", str(index_in), "-o", str(idx), "-q"], check=True)
    kept, report = tmp_path / "kept.jsonl", tmp_path / "clusters.jsonl"
    subprocess.run(
        [str(cli), "dedup", str(new_in), "-o", str(kept), "--clusters", str(report), "--against", str(idx), "-q"],
        check=True,
    )
    removed_for = {}
    for c in (json.loads(l) for l in open(report, encoding="utf-8")):
        if c.get("indexed"):
            removed_for.update({m: c["representative"] for m in c["members"]})
    ids = [r["id"] for r in new]
    result = neardup.dedup([r["text"] for r in new], against=str(idx))
    assert [i for i, k in zip(ids, result.keep) if k] == [r["id"] for r in records(kept)]
    assert {i: x for i, x in zip(ids, result.indexed) if x is not None} == removed_for
    # Most English variants go, each for its own article's English document; no French or
    # German document does.
    assert len(removed_for) >= 0.95 * sum(r["lang"].startswith("eng") for r in new)
    assert all(i.startswith("eng") and x.split("/")[1] == i.split("/")[1] for i, x in removed_for.items())
    # Without `against`, no index is read and `indexed` is empty; a mismatched index is refused.
    assert neardup.dedup(["a text"]).indexed == []
    with pytest.raises(ValueError, match="index"):
        neardup.dedup(["a text"], against=str(idx), num_perm=64)
    with pytest.raises(ValueError, match="substrings"):
        neardup.dedup(["a text"], substrings=True)


def test_an_index_built_from_python_is_the_command_line_index(cli, tmp_path):
    # The seeds indexed from Python and by the command line: the same files; then a text that
    # copies 000's first body, checked against it from Python, names 000.
    recs = records(DATA / "seeds.jsonl")
    py_idx, cli_idx = tmp_path / "py", tmp_path / "cli"
    n = neardup.index_build([r["text"] for r in recs], str(py_idx), ids=[r["id"] for r in recs], substrings=True)
    assert n == len(recs)
    subprocess.run(
        [str(cli), "index", "build", str(DATA / "seeds.jsonl"), "-o", str(cli_idx), "--substrings", "-q"], check=True
    )
    assert sorted(p.name for p in py_idx.iterdir()) == sorted(p.name for p in cli_idx.iterdir())
    for p in py_idx.iterdir():
        assert p.read_bytes() == (cli_idx / p.name).read_bytes(), p.name
    copy = next(r["text"] for r in recs if r["id"] == "000-first-body")
    result = neardup.dedup([copy, "a text of its own about nothing in the seeds"], against=str(py_idx))
    assert result.keep == [False, True]
    assert result.indexed[0] in ("000", "000-first-body")
    # Without ids, the texts are named by their place; a wrong number of ids is refused.
    neardup.index_build(["one text to index, long enough to shingle"], str(tmp_path / "anon"))
    r = neardup.dedup(["one text to index, long enough to shingle"], against=str(tmp_path / "anon"))
    assert r.indexed == ["texts:1"]
    with pytest.raises(ValueError, match="ids"):
        neardup.index_build(["a", "b"], str(tmp_path / "bad"), ids=["only one"])
