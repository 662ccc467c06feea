"""neardup: near-duplicate detection for text corpora, from Python.

The same engine as the ``neardup`` command line, called in process: MinHash (or SimHash)
signatures, LSH candidates, verified pairs, clusters that keep one text each, and, with
``cross_lingual=True``, translations of one article across languages. With no keyword
arguments :func:`dedup` gives the command line's default result (``neardup dedup`` on a JSONL
file of the same texts).

>>> import neardup
>>> r = neardup.dedup(["the cat sat on the mat today", "the cat sat on the mat today", "a dog"])
>>> r.keep
[True, False, True]
>>> r.cluster
[0, 0, -1]
"""

from __future__ import annotations

from typing import Any, Iterable, Optional, Sequence, Tuple, Union

from ._neardup import ArrowColumn, DedupResult, __version__, _dedup, _index_build, _sign

__all__ = [
    "ArrowColumn", "DedupResult", "band_keys", "band_keys_arrow", "dedup", "index_build", "sign", "sign_arrow",
    "__version__",
]


def _texts(values):
    """The texts as the compiled module takes them: an Arrow column as it is (read in place
    through the Arrow PyCapsule interface: a pyarrow Array or ChunkedArray, a polars Series, a
    pandas Series backed by Arrow), anything else as a list."""
    if hasattr(values, "__arrow_c_stream__") or hasattr(values, "__arrow_c_array__"):
        return values
    array = getattr(values, "array", None)  # pandas: an ArrowExtensionArray exports its column
    chunks = getattr(array, "_pa_array", None)
    if chunks is not None and hasattr(chunks, "__arrow_c_stream__"):
        return chunks
    return _as_list(values)


def _as_list(values) -> list:
    """A list of Python values from a list, tuple, pandas Series, pyarrow Array or
    ChunkedArray, numpy array or any iterable."""
    if isinstance(values, list):
        return values
    to_pylist = getattr(values, "to_pylist", None)  # pyarrow
    if callable(to_pylist):
        return to_pylist()
    tolist = getattr(values, "tolist", None)  # pandas, numpy
    if callable(tolist):
        return tolist()
    return list(values)


def dedup(
    texts: Iterable[str],
    *,
    threshold: Optional[float] = None,
    num_perm: Optional[int] = None,
    bands: Optional[int] = None,
    rows: Optional[int] = None,
    shingle_words: Optional[int] = None,
    shingle_chars: Optional[int] = None,
    seed: Optional[int] = None,
    method: str = "minhash",
    keep: str = "first",
    grouping: str = "leader",
    keep_boilerplate: bool = False,
    cross_lingual: bool = False,
    langs: Optional[Iterable[Optional[str]]] = None,
    lexicon: Optional[str] = None,
    language_model: Union[str, bool, None] = None,
    threads: int = 0,
    against: Optional[str] = None,
    substrings: bool = False,
) -> DedupResult:
    """Cluster near-duplicate texts and decide which to keep.

    Each argument is the command line's flag of the same name (``--threshold``,
    ``--num-perm``, ...); ``None`` takes the command line's default.

    Args:
        texts: the documents, as a list of strings, an Arrow column of strings (a pyarrow
            ``Array`` or ``ChunkedArray``, a polars ``Series``, a pandas Series with an Arrow
            dtype: read in place, no Python object per text), a pandas Series or any iterable
            of strings (``None`` is not a text).
        threshold: Jaccard similarity at or above which two texts are near-duplicates.
        num_perm: MinHash signature length.
        bands, rows: LSH banding (default: derived from ``threshold`` and ``num_perm``).
        shingle_words, shingle_chars: shingle sizes (words; characters for scripts written
            without spaces).
        seed: seed of every hash; the same texts and seed give the same result.
        method: ``"minhash"`` or ``"simhash"``.
        keep: which member of a cluster is kept: ``"first"``, ``"longest"`` or ``"shortest"``.
        grouping: ``"leader"`` (a text is removed only when it is a verified near-duplicate of
            a text kept, in ``keep`` order) or ``"components"`` (union-find: chains join).
        keep_boilerplate: skip the boilerplate stage (lines found in many clusters).
        cross_lingual: also cluster translations of one article across languages.
        langs: with ``cross_lingual``, each text's language label (``None`` where unknown:
            the detector's is used: the language model ``scripts/setup.sh`` installed, else
            whatlang).
        lexicon: with ``cross_lingual``, the compiled dictionary pivot (default: the one
            ``neardup lexicon build`` or ``scripts/setup.sh`` installed, if any).
        language_model: with ``cross_lingual``, the language model that identifies texts
            without a label (``--language-model``): a file path; ``None`` or ``True``, the one
            ``scripts/setup.sh`` installed, if any; ``False``, whatlang
            (``--no-language-model``).
        threads: worker threads (0: one per core).
        against: an index folder (``neardup index build``, built with the same settings): texts
            that are near-duplicates of an indexed document are removed too, as with
            ``neardup dedup --against``.
        substrings: with ``against`` (an index built with ``--substrings``), also remove texts
            that share a 50-token span with an indexed document (decontamination).

    Returns:
        A :class:`DedupResult`: ``keep`` (one bool per text), ``cluster`` (one cluster id per
        text, -1 for a text in no cluster of two or more), ``clusters`` (the text indices of
        each cluster), ``representatives`` (the text kept of each cluster), with
        ``cross_lingual`` ``langs``, and with ``against`` ``indexed`` (per text, the id of the
        indexed document it was removed for, else ``None``).

    The GIL is released while the texts are clustered.
    """
    texts = _texts(texts)
    if langs is not None:
        langs = _as_list(langs)
    return _dedup(
        texts,
        threshold=threshold,
        num_perm=num_perm,
        bands=bands,
        rows=rows,
        shingle_words=shingle_words,
        shingle_chars=shingle_chars,
        seed=seed,
        method=method,
        keep=keep,
        grouping=grouping,
        keep_boilerplate=keep_boilerplate,
        cross_lingual=cross_lingual,
        langs=langs,
        lexicon=lexicon,
        language_model=language_model,
        threads=threads,
        against=against,
        substrings=substrings,
    )


def index_build(
    texts: Iterable[str],
    path: str,
    *,
    ids: Optional[Iterable[str]] = None,
    substrings: bool = False,
    threshold: Optional[float] = None,
    num_perm: Optional[int] = None,
    bands: Optional[int] = None,
    rows: Optional[int] = None,
    shingle_words: Optional[int] = None,
    shingle_chars: Optional[int] = None,
    seed: Optional[int] = None,
    keep_boilerplate: bool = False,
    threads: int = 0,
) -> int:
    """Write an index of texts to the folder ``path`` (new or empty), as ``neardup index build``
    does for a file of them: a test set, say, that :func:`dedup` then checks other texts against
    (``dedup(train, against=path)``, with the same settings).

    Args:
        texts: the documents (as for :func:`dedup`).
        path: the index folder.
        ids: each text's id, which ``DedupResult.indexed`` names (default: ``texts:N`` for
            the ``N``-th text, from 1).
        substrings: also store every 50-token window, for ``dedup(..., substrings=True)``.
        threshold, ..., threads: as for :func:`dedup` (MinHash settings; an index is checked
            only with the settings it was built with).

    Returns:
        How many texts the index holds.
    """
    texts = _texts(texts)
    return _index_build(
        texts,
        path,
        ids=None if ids is None else _as_list(ids),
        substrings=substrings,
        threshold=threshold,
        num_perm=num_perm,
        bands=bands,
        rows=rows,
        shingle_words=shingle_words,
        shingle_chars=shingle_chars,
        seed=seed,
        keep_boilerplate=keep_boilerplate,
        threads=threads,
    )


def sign(
    texts: Iterable[str],
    *,
    num_perm: Optional[int] = None,
    shingle_words: Optional[int] = None,
    shingle_chars: Optional[int] = None,
    seed: Optional[int] = None,
    threads: int = 0,
) -> Tuple[int, bytes]:
    """MinHash signatures of texts, as ``neardup sign`` writes them.

    Returns ``(num_perm, data)``: ``data`` holds ``num_perm`` little-endian unsigned 32-bit
    slots per text, in text order, with no Python object per text or slot
    (``numpy.frombuffer(data, "<u4").reshape(-1, num_perm)`` or
    ``pyarrow.py_buffer(data)`` read it without a copy). The GIL is released while signing.
    """
    k, _, _, data = _sign(
        _texts(texts), num_perm=num_perm, shingle_words=shingle_words, shingle_chars=shingle_chars, seed=seed,
        threads=threads,
    )
    return k, data


def band_keys(
    texts: Iterable[str],
    *,
    threshold: Optional[float] = None,
    num_perm: Optional[int] = None,
    bands: Optional[int] = None,
    rows: Optional[int] = None,
    shingle_words: Optional[int] = None,
    shingle_chars: Optional[int] = None,
    seed: Optional[int] = None,
    threads: int = 0,
) -> Tuple[int, int, bytes]:
    """LSH band keys of texts, the keys the CLI's LSH stage groups documents by.

    Returns ``(bands, rows, data)``: ``data`` holds ``bands`` little-endian unsigned 64-bit keys
    per text, text after text (``numpy.frombuffer(data, "<u8").reshape(-1, bands)``). Two texts
    with one key in the same band are candidates; bands and rows follow ``threshold`` and
    ``num_perm`` as in the CLI unless given. For a distributed run: group by (band, key), pair
    within groups, verify. The GIL is released while signing.
    """
    _, bands, rows, data = _sign(
        _texts(texts), band_keys=True, threshold=threshold, num_perm=num_perm, bands=bands, rows=rows,
        shingle_words=shingle_words, shingle_chars=shingle_chars, seed=seed, threads=threads,
    )
    return bands, rows, data


def _arrow(column: ArrowColumn) -> Any:
    """A pyarrow array of the column (no copy), or the column itself without pyarrow."""
    try:
        import pyarrow
    except ImportError:
        return column
    return pyarrow.array(column)


def sign_arrow(
    texts: Iterable[str],
    *,
    num_perm: Optional[int] = None,
    shingle_words: Optional[int] = None,
    shingle_chars: Optional[int] = None,
    seed: Optional[int] = None,
    threads: int = 0,
) -> Any:
    """MinHash signatures of texts as an Arrow array: one ``fixed_size_list<uint32>[num_perm]``
    per text, the slots :func:`sign` returns as bytes.

    ``texts`` as in :func:`dedup`; an Arrow column is read in place. The result is a
    ``pyarrow.FixedSizeListArray`` built without a copy through the Arrow C data interface
    (or, without pyarrow, an :class:`ArrowColumn` that polars, nanoarrow and other readers of
    the Arrow PyCapsule interface take). No Python object is made per text or slot; the GIL is
    released while signing.
    """
    _, _, _, column = _sign(
        _texts(texts), arrow=True, num_perm=num_perm, shingle_words=shingle_words, shingle_chars=shingle_chars,
        seed=seed, threads=threads,
    )
    return _arrow(column)


def band_keys_arrow(
    texts: Iterable[str],
    *,
    threshold: Optional[float] = None,
    num_perm: Optional[int] = None,
    bands: Optional[int] = None,
    rows: Optional[int] = None,
    shingle_words: Optional[int] = None,
    shingle_chars: Optional[int] = None,
    seed: Optional[int] = None,
    threads: int = 0,
) -> Any:
    """LSH band keys of texts as an Arrow array: one ``fixed_size_list<int64>[bands]`` per text.

    The keys of :func:`band_keys`, each unsigned 64-bit key bit-cast to a signed one (Spark
    and Parquet readers without unsigned types keep them as they are; equal keys stay equal).
    Conversion as in :func:`sign_arrow`.
    """
    _, _, _, column = _sign(
        _texts(texts), band_keys=True, arrow=True, threshold=threshold, num_perm=num_perm, bands=bands, rows=rows,
        shingle_words=shingle_words, shingle_chars=shingle_chars, seed=seed, threads=threads,
    )
    return _arrow(column)
