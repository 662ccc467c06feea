//! The compiled part of the `neardup` Python package (`neardup._neardup`): a thin layer over
//! the Rust library. In: texts (a list of Python strings, or an Arrow column read in place
//! through the Arrow PyCapsule interface, [`arrow`]) and keyword arguments. Out: a `DedupResult`
//! (one keep flag and one cluster id per text), or signatures and band keys as bytes or as an
//! Arrow array. The GIL is released while Rust works. The Python wrapper
//! (`neardup/__init__.py`) documents the API; this file only converts and calls
//! [`neardup::Dedup`].

mod arrow;
mod spark;

use arrow_array::{ArrayRef, FixedSizeListArray, Int64Array, UInt32Array};
use arrow_schema::{DataType, Field};
use neardup::crosslingual::{Params, identify, lexicon};
use neardup::reference::ReferenceIndex;
use neardup::{Config, ConfigBuilder, Dedup, Grouping, Keep, Method};
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use std::sync::Arc;

/// The texts of a call: borrowed from an Arrow column, or copied from a list of strings.
enum Texts {
    Arrow(arrow::Column),
    Owned(Vec<String>),
}

impl Texts {
    fn of(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(match arrow::import(obj)? {
            Some(column) => Texts::Arrow(column),
            None => Texts::Owned(
                obj.extract()
                    .map_err(|e| not_a_string(obj, "texts", false).unwrap_or(e))?,
            ),
        })
    }

    fn strs(&self) -> PyResult<Vec<&str>> {
        match self {
            Texts::Arrow(c) => c.texts(),
            Texts::Owned(v) => Ok(v.iter().map(String::as_str).collect()),
        }
    }
}

/// Where a list that should hold strings does not: a `TypeError` naming `what`, the index of
/// its first item that is not a string (nor `None`, where `none` is allowed) and that item's
/// type (as an Arrow column's null is named by its index); `None` when every item is one (the
/// error is then another).
fn not_a_string(obj: &Bound<'_, PyAny>, what: &str, none: bool) -> Option<PyErr> {
    let (i, item) = obj.try_iter().ok()?.enumerate().find_map(|(i, item)| {
        item.ok()
            .filter(|x| !(x.is_instance_of::<pyo3::types::PyString>() || none && x.is_none()))
            .map(|x| (i, x))
    })?;
    let kind = item
        .get_type()
        .name()
        .map_or_else(|_| "?".to_string(), |n| n.to_string());
    let want = if none {
        "label must be a string or None"
    } else {
        "text must be a string"
    };
    Some(pyo3::exceptions::PyTypeError::new_err(format!(
        "{what}: {kind} at index {i}: every {want}"
    )))
}

/// The result of `neardup.dedup`: per text, whether it is kept and its cluster.
#[pyclass(frozen, module = "neardup")]
struct DedupResult {
    /// One flag per text: false for a text that is a near-copy of a kept one.
    #[pyo3(get)]
    keep: Vec<bool>,
    /// One cluster id per text (clusters numbered in order of their first member), -1 for a
    /// text in no cluster of two or more.
    #[pyo3(get)]
    cluster: Vec<i64>,
    /// The clusters: the text indices of each, in input order.
    #[pyo3(get)]
    clusters: Vec<Vec<usize>>,
    /// Per cluster, the index of the text kept.
    #[pyo3(get)]
    representatives: Vec<usize>,
    /// With `cross_lingual`: each text's language as the stage read it (its label, else the
    /// detector's), `None` for a text in no cluster; otherwise an empty list.
    #[pyo3(get)]
    langs: Vec<Option<String>>,
    /// With `against`: per text, the id of the indexed document it was removed for, `None`
    /// for a text no indexed document removed; otherwise an empty list.
    #[pyo3(get)]
    indexed: Vec<Option<String>>,
}

#[pymethods]
impl DedupResult {
    fn __repr__(&self) -> String {
        let removed = self.keep.iter().filter(|&&k| !k).count();
        format!(
            "DedupResult(texts={}, clusters={}, removed={})",
            self.keep.len(),
            self.clusters.len(),
            removed
        )
    }

    fn __len__(&self) -> usize {
        self.keep.len()
    }
}

/// The library's configuration from the keyword arguments (`None`: the CLI's default).
#[allow(clippy::too_many_arguments)]
fn config(
    threshold: Option<f64>,
    num_perm: Option<usize>,
    bands: Option<usize>,
    rows: Option<usize>,
    shingle_words: Option<usize>,
    shingle_chars: Option<usize>,
    seed: Option<u64>,
    method: &str,
    keep: &str,
    grouping: &str,
    keep_boilerplate: bool,
    cross_lingual: bool,
) -> PyResult<Config> {
    let mut b = Config::builder()
        .boilerplate(!keep_boilerplate)
        .maybe(threshold, ConfigBuilder::threshold)
        .maybe(num_perm, ConfigBuilder::num_perm)
        .maybe(bands, ConfigBuilder::bands)
        .maybe(rows, ConfigBuilder::rows)
        .maybe(shingle_words, ConfigBuilder::word_shingle)
        .maybe(shingle_chars, ConfigBuilder::char_shingle)
        .maybe(seed, ConfigBuilder::seed);
    b = b.method(match method {
        "minhash" => Method::MinHash,
        "simhash" => Method::SimHash,
        other => {
            return Err(PyValueError::new_err(format!(
                "method: 'minhash' or 'simhash', not {other:?}"
            )));
        }
    });
    b = b.keep(match keep {
        "first" => Keep::First,
        "longest" => Keep::Longest,
        "shortest" => Keep::Shortest,
        other => {
            return Err(PyValueError::new_err(format!(
                "keep: 'first', 'longest' or 'shortest', not {other:?}"
            )));
        }
    });
    b = b.grouping(match grouping {
        "leader" => Grouping::Leader,
        "components" => Grouping::Components,
        other => {
            return Err(PyValueError::new_err(format!(
                "grouping: 'leader' or 'components', not {other:?}"
            )));
        }
    });
    if cross_lingual {
        b = b.cross_lingual(Params::default());
    }
    b.build().map_err(|e| PyValueError::new_err(e.to_string()))
}

/// Clusters near-duplicate texts (and, with `cross_lingual`, translations); see
/// `neardup.dedup` for the arguments.
#[pyfunction]
#[pyo3(signature = (texts, *, threshold=None, num_perm=None, bands=None, rows=None,
    shingle_words=None, shingle_chars=None, seed=None, method="minhash", keep="first",
    grouping="leader", keep_boilerplate=false, cross_lingual=false, langs=None, lexicon=None,
    language_model=None, threads=0, against=None, substrings=false))]
#[allow(clippy::too_many_arguments)]
fn _dedup(
    py: Python<'_>,
    texts: &Bound<'_, PyAny>,
    threshold: Option<f64>,
    num_perm: Option<usize>,
    bands: Option<usize>,
    rows: Option<usize>,
    shingle_words: Option<usize>,
    shingle_chars: Option<usize>,
    seed: Option<u64>,
    method: &str,
    keep: &str,
    grouping: &str,
    keep_boilerplate: bool,
    cross_lingual: bool,
    langs: Option<&Bound<'_, PyAny>>,
    lexicon: Option<std::path::PathBuf>,
    language_model: Option<&Bound<'_, PyAny>>,
    threads: usize,
    against: Option<std::path::PathBuf>,
    substrings: bool,
) -> PyResult<DedupResult> {
    let config = config(
        threshold,
        num_perm,
        bands,
        rows,
        shingle_words,
        shingle_chars,
        seed,
        method,
        keep,
        grouping,
        keep_boilerplate,
        cross_lingual,
    )?;
    let langs: Option<Vec<Option<String>>> = langs
        .map(|l| l.extract().map_err(|e| not_a_string(l, "langs", true).unwrap_or(e)))
        .transpose()?;
    let texts = Texts::of(texts)?;
    let texts = texts.strs()?;
    if let Some(l) = &langs
        && l.len() != texts.len()
    {
        return Err(PyValueError::new_err(format!(
            "langs: {} labels for {} texts",
            l.len(),
            texts.len()
        )));
    }
    let mut dedup = Dedup::new(config).threads(threads);
    if cross_lingual {
        // As the CLI: the lexicon named, else the default one if it was built.
        let path = lexicon.or_else(lexicon::installed);
        if let Some(path) = path {
            let lex = py
                .detach(|| lexicon::Lexicon::load(&path))
                .map_err(|e| PyOSError::new_err(format!("lexicon {}: {e}", path.display())))?;
            dedup = dedup.lexicon(Arc::new(lex));
        }
        // As the CLI: the language model named (`--language-model FILE`), else the one
        // scripts/setup.sh installed, if any; `False` keeps whatlang (`--no-language-model`).
        let path = match language_model {
            Some(v) if v.is_instance_of::<pyo3::types::PyBool>() => match v.extract::<bool>()? {
                true => identify::installed(),
                false => None,
            },
            Some(v) => Some(v.extract::<std::path::PathBuf>()?),
            None => identify::installed(),
        };
        if let Some(path) = path {
            let model = py
                .detach(|| identify::LanguageModel::load(&path))
                .map_err(|e| PyOSError::new_err(format!("language model {}: {e}", path.display())))?;
            dedup = dedup.language_model(Arc::new(model));
        }
    }
    if let Some(dir) = &against {
        // As `neardup dedup --against DIR`: the index's settings must be this call's.
        let index = py
            .detach(|| ReferenceIndex::open(dir, dedup.config()))
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        dedup = dedup.against(Arc::new(index)).against_substrings(substrings);
    } else if substrings {
        return Err(PyValueError::new_err(
            "substrings needs against (an index built with substrings)",
        ));
    }
    let n = texts.len();
    let clustering = py
        .detach(|| {
            let labels: Option<Vec<Option<&str>>> = langs.as_ref().map(|l| l.iter().map(|x| x.as_deref()).collect());
            dedup.cluster_texts_labelled(&texts, labels.as_deref())
        })
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    // Kept: a cluster's representative or a text in no cluster, and not removed for an indexed
    // document (the library's own rule, as the command line writes it).
    let keep_flags: Vec<bool> = clustering.keep_mask(n).iter().by_vals().collect();
    let mut cluster = vec![-1i64; n];
    let mut member_langs = if cross_lingual { vec![None; n] } else { Vec::new() };
    let mut clusters = Vec::with_capacity(clustering.clusters.len());
    let mut representatives = Vec::with_capacity(clustering.clusters.len());
    for (c, cl) in clustering.clusters.iter().enumerate() {
        for (i, m) in cl.members.iter().enumerate() {
            cluster[m.index()] = c as i64;
            if let Some(l) = cl.member_langs.get(i)
                && cross_lingual
            {
                member_langs[m.index()] = Some(l.to_string());
            }
        }
        clusters.push(cl.members.iter().map(|m| m.index()).collect());
        representatives.push(cl.representative.index());
    }
    let mut indexed = Vec::new();
    if let Some(found) = &clustering.indexed {
        indexed = vec![None; n];
        for c in found {
            for m in &c.members {
                indexed[m.index()] = Some(c.indexed.clone());
            }
        }
    }
    Ok(DedupResult {
        keep: keep_flags,
        cluster,
        clusters,
        representatives,
        langs: member_langs,
        indexed,
    })
}

/// Builds an index of texts in `path` (as `neardup index build`), each named by `ids[i]` (else
/// `texts:N`, from 1); returns how many texts it holds. See `neardup.index_build`.
#[pyfunction]
#[pyo3(signature = (texts, path, *, ids=None, substrings=false, threshold=None, num_perm=None,
    bands=None, rows=None, shingle_words=None, shingle_chars=None, seed=None, keep_boilerplate=false,
    threads=0))]
#[allow(clippy::too_many_arguments)]
fn _index_build(
    py: Python<'_>,
    texts: &Bound<'_, PyAny>,
    path: std::path::PathBuf,
    ids: Option<Vec<String>>,
    substrings: bool,
    threshold: Option<f64>,
    num_perm: Option<usize>,
    bands: Option<usize>,
    rows: Option<usize>,
    shingle_words: Option<usize>,
    shingle_chars: Option<usize>,
    seed: Option<u64>,
    keep_boilerplate: bool,
    threads: usize,
) -> PyResult<usize> {
    let config = config(
        threshold,
        num_perm,
        bands,
        rows,
        shingle_words,
        shingle_chars,
        seed,
        "minhash",
        "first",
        "leader",
        keep_boilerplate,
        false,
    )?;
    let texts = Texts::of(texts)?;
    let texts = texts.strs()?;
    let dedup = Dedup::new(config).threads(threads);
    py.detach(|| {
        let ids: Option<Vec<&str>> = ids.as_ref().map(|v| v.iter().map(String::as_str).collect());
        dedup.build_index_texts(&texts, ids.as_deref(), &path, substrings)
    })
    .map_err(|e| PyValueError::new_err(e.to_string()))?;
    Ok(texts.len())
}

/// MinHash signatures of texts, or with `band_keys` their LSH band keys: `num_perm` u32 slots
/// per text (what `neardup sign` writes), or `bands` u64 keys per text (xxh3 of each band's
/// `rows` slots with the band's seed, `neardup::internals::band_keys`: the keys the CLI's LSH stage
/// sorts). As one bytes object (little-endian, text after text), or with `arrow` as an Arrow
/// array with one fixed-size list per text: `uint32` slots, or `int64` keys (the u64 bit-cast,
/// as Spark and Parquet readers without unsigned types keep them). Returns `(num_perm, bands,
/// rows, data)`. See `neardup.sign`, `neardup.band_keys` and `neardup.sign_arrow`.
#[pyfunction]
#[pyo3(signature = (texts, *, band_keys=false, arrow=false, threshold=None, num_perm=None, bands=None,
    rows=None, shingle_words=None, shingle_chars=None, seed=None, threads=0))]
#[allow(clippy::too_many_arguments)]
fn _sign(
    py: Python<'_>,
    texts: &Bound<'_, PyAny>,
    band_keys: bool,
    arrow: bool,
    threshold: Option<f64>,
    num_perm: Option<usize>,
    bands: Option<usize>,
    rows: Option<usize>,
    shingle_words: Option<usize>,
    shingle_chars: Option<usize>,
    seed: Option<u64>,
    threads: usize,
) -> PyResult<(usize, usize, usize, Py<PyAny>)> {
    let config = config(
        threshold,
        num_perm,
        bands,
        rows,
        shingle_words,
        shingle_chars,
        seed,
        "minhash",
        "first",
        "leader",
        true,
        false,
    )?;
    let m = config
        .minhash()
        .ok_or_else(|| PyValueError::new_err("signatures are MinHash's"))?;
    let (k, b, r, s) = (m.num_perm, m.bands, m.rows, config.seed());
    let texts = Texts::of(texts)?;
    let texts = texts.strs()?;
    let n = texts.len();
    let dedup = Dedup::new(config).threads(threads);
    let signed = py
        .detach(|| {
            dedup.sign_texts(&texts).map(|sigs| {
                if !band_keys {
                    return Signed::Slots(sigs);
                }
                Signed::Keys(band_key_rows(&sigs, k, b, r, s, &bitvec::bitvec![1; n]))
            })
        })
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    let data: Py<PyAny> = match (signed, arrow) {
        (Signed::Slots(v), false) => PyBytes::new(py, &v.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>())
            .into_any()
            .unbind(),
        (Signed::Keys(v), false) => PyBytes::new(py, &v.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>())
            .into_any()
            .unbind(),
        (Signed::Slots(v), true) => {
            let values: ArrayRef = Arc::new(UInt32Array::from(v));
            column(py, DataType::UInt32, k, values)?
        }
        (Signed::Keys(v), true) => {
            // The u64 keys bit-cast to i64, in place.
            let values: ArrayRef = Arc::new(Int64Array::from(v.into_iter().map(|x| x as i64).collect::<Vec<i64>>()));
            column(py, DataType::Int64, b, values)?
        }
    };
    Ok((k, b, r, data))
}

/// The LSH band keys of the `active` documents of `sigs` (`k` slots each), `b` keys per
/// active document, in document order (`neardup::internals::band_keys`, band by band).
fn band_key_rows(sigs: &[u32], k: usize, b: usize, r: usize, seed: u64, active: &bitvec::slice::BitSlice) -> Vec<u64> {
    // Position of each active document among the active ones.
    let mut at = vec![0usize; active.len()];
    for (i, d) in active.iter_ones().enumerate() {
        at[d] = i;
    }
    let mut keys = vec![0u64; active.count_ones() * b];
    for band in 0..b {
        for (key, d) in neardup::internals::band_keys(sigs, k, band, r, active, seed) {
            keys[at[d as usize] * b + band] = key;
        }
    }
    keys
}

enum Signed {
    Slots(Vec<u32>),
    Keys(Vec<u64>),
}

/// `values` as an Arrow array of fixed-size lists of `size` (one per text), for Python.
fn column(py: Python<'_>, item: DataType, size: usize, values: ArrayRef) -> PyResult<Py<PyAny>> {
    let field = Arc::new(Field::new("item", item, false));
    let list = FixedSizeListArray::try_new(field, size as i32, values, None)
        .map_err(|e| PyValueError::new_err(format!("Arrow: {e}")))?;
    Ok(Py::new(py, arrow::ArrowColumn::new(Arc::new(list)))?.into_any())
}

#[pymodule]
fn _neardup(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<DedupResult>()?;
    m.add_class::<arrow::ArrowColumn>()?;
    m.add_class::<spark::SparkRun>()?;
    m.add_function(wrap_pyfunction!(_dedup, m)?)?;
    m.add_function(wrap_pyfunction!(_index_build, m)?)?;
    m.add_function(wrap_pyfunction!(_sign, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
