//! The compiled half of `neardup.spark`: the steps of a run that work on documents, called by
//! the Spark job on its executors (and the grouping, on the driver).
//!
//! In: a [`SparkRun`] (the configuration and reading options, built from the job's flags) and
//! pieces of the input as tuples `(file, name, path, in_folder, start, end, whole)`
//! ([`neardup::Piece`]). Out: per piece its documents' columns as little-endian
//! bytes (the Python side wraps them into Arrow arrays without a copy per row), the documents
//! signed again without boilerplate lines, the kept records; and on the driver, the clusters of
//! the verified pairs. Each step is [`neardup::Dedup`]'s own, so the job gives the CLI's result.

use neardup::Piece;
use neardup::reader::Input;
use neardup::{Dedup, Format, MinHashSettings, OnError, ReadOptions};
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use std::collections::HashMap;
use std::path::PathBuf;

/// Four columns of little-endian values.
type Columns4<'py> = (
    Bound<'py, PyBytes>,
    Bound<'py, PyBytes>,
    Bound<'py, PyBytes>,
    Bound<'py, PyBytes>,
);

/// A piece as Python holds it.
type PieceTuple = (u32, String, String, Option<String>, u64, u64, bool);

fn piece_of(t: PieceTuple) -> Piece {
    let (file, name, path, in_folder, start, end, whole) = t;
    Piece {
        input: Input {
            path: PathBuf::from(path),
            name,
            in_folder,
        },
        file,
        start,
        end,
        whole,
    }
}

fn tuple_of(p: Piece) -> PieceTuple {
    (
        p.file,
        p.input.name,
        p.input.path.display().to_string(),
        p.input.in_folder,
        p.start,
        p.end,
        p.whole,
    )
}

fn err(e: neardup::Error) -> PyErr {
    match e {
        neardup::Error::Io { .. } => PyOSError::new_err(e.to_string()),
        e => PyValueError::new_err(e.to_string()),
    }
}

fn le_bytes<'py, T: Copy, const N: usize>(py: Python<'py>, v: &[T], f: fn(T) -> [u8; N]) -> Bound<'py, PyBytes> {
    let mut out = Vec::with_capacity(v.len() * N);
    for &x in v {
        out.extend_from_slice(&f(x));
    }
    PyBytes::new(py, &out)
}

/// A configured run whose steps the Spark job calls (see the module doc).
#[pyclass(frozen, module = "neardup._neardup")]
pub struct SparkRun {
    dedup: Dedup,
}

impl SparkRun {
    /// The run's MinHash settings: a Spark run is built with MinHash (see `new`).
    fn minhash(&self) -> PyResult<MinHashSettings> {
        self.dedup
            .config()
            .minhash()
            .ok_or_else(|| PyValueError::new_err("a Spark run signs with MinHash"))
    }
}

#[pymethods]
impl SparkRun {
    /// The run of the keyword arguments (`None`: the CLI's default); `format` is `"jsonl"`,
    /// `"lines"`, `"folder"` or `None` (picked per input), `on_error` `"fail"` or `"skip"`.
    #[new]
    #[pyo3(signature = (*, threshold=None, num_perm=None, bands=None, rows=None, shingle_words=None,
        shingle_chars=None, seed=None, keep="first", grouping="leader", keep_boilerplate=false,
        text_field="text", id_field="id", format=None, on_error="fail"))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        threshold: Option<f64>,
        num_perm: Option<usize>,
        bands: Option<usize>,
        rows: Option<usize>,
        shingle_words: Option<usize>,
        shingle_chars: Option<usize>,
        seed: Option<u64>,
        keep: &str,
        grouping: &str,
        keep_boilerplate: bool,
        text_field: &str,
        id_field: &str,
        format: Option<&str>,
        on_error: &str,
    ) -> PyResult<Self> {
        let config = super::config(
            threshold,
            num_perm,
            bands,
            rows,
            shingle_words,
            shingle_chars,
            seed,
            "minhash",
            keep,
            grouping,
            keep_boilerplate,
            false,
        )?;
        let format = match format {
            None => None,
            Some("jsonl") => Some(Format::Jsonl),
            Some("lines") => Some(Format::Lines),
            Some("folder") => Some(Format::Folder),
            Some(other) => {
                return Err(PyValueError::new_err(format!(
                    "format: 'jsonl', 'lines' or 'folder', not {other:?}"
                )));
            }
        };
        let on_error = match on_error {
            "fail" => OnError::Fail,
            "skip" => OnError::Skip,
            other => {
                return Err(PyValueError::new_err(format!(
                    "on_error: 'fail' or 'skip', not {other:?}"
                )));
            }
        };
        let read = ReadOptions {
            format,
            text_field: text_field.into(),
            id_field: id_field.into(),
            lang_field: None,
            on_error,
        };
        Ok(SparkRun {
            dedup: Dedup::new(config).read_options(read).threads(1),
        })
    }

    /// `(num_perm, bands, rows, seed, boilerplate, min_groups, threshold)` of the run.
    fn settings(&self) -> PyResult<(usize, usize, usize, u64, bool, u32, f64)> {
        let (c, m) = (self.dedup.config(), self.minhash()?);
        Ok((
            m.num_perm,
            m.bands,
            m.rows,
            c.seed(),
            c.boilerplate(),
            c.boilerplate_min_groups(),
            m.threshold,
        ))
    }

    /// The pieces of `paths`, about `target` bytes each, in input order.
    fn plan(&self, py: Python<'_>, paths: Vec<PathBuf>, target: u64) -> PyResult<Vec<PieceTuple>> {
        let pieces = py.detach(|| self.dedup.plan(&paths, target)).map_err(err)?;
        Ok(pieces.into_iter().map(tuple_of).collect())
    }

    /// Signs one piece. Returns a dict: `lines` (in the piece), `errors` (`(line, message)`),
    /// `n` (documents), `id` (a list: the id, or `None` where it is the location), and as
    /// little-endian bytes `line` (u64), `exact` (u64), `shingles` (u64), `text_len` (u64),
    /// `sigs` (`num_perm` u32 per document), `bands` (`bands` u64 keys per document that takes
    /// part in matching, none for the others: `shingles` says which), `line_hashes` (u64) with
    /// `line_bytes` (u32) and `line_ends` (u32, one past each document's last line).
    fn sign_piece<'py>(&self, py: Python<'py>, piece: PieceTuple) -> PyResult<Bound<'py, PyDict>> {
        let piece = piece_of(piece);
        let signed = py.detach(|| self.dedup.sign_piece(&piece)).map_err(err)?;
        self.signed_dict(py, signed)
    }

    /// Signs in-memory texts as one piece (text `i` on line `i + 1`, no ids): the dict of
    /// `sign_piece`.
    fn sign_texts<'py>(&self, py: Python<'py>, texts: Vec<String>) -> PyResult<Bound<'py, PyDict>> {
        let signed = py.detach(|| self.dedup.sign_texts_piece(&texts)).map_err(err)?;
        self.signed_dict(py, signed)
    }

    /// Signs the documents `rows` of a piece (each `(row, from)`) again without their lines in
    /// `boilerplate` (pairs of little-endian u64: a line's hash and the number of groups it is
    /// in) that are in at least `from` groups (0: all). Returns `(rows, shingles, sigs, bands)` as
    /// little-endian bytes (u32, u64, u32 × `num_perm`, u64 × `bands` for each row with
    /// shingles).
    fn resign_piece<'py>(
        &self,
        py: Python<'py>,
        piece: PieceTuple,
        rows: Vec<(u32, u32)>,
        boilerplate: &[u8],
    ) -> PyResult<Columns4<'py>> {
        let piece = piece_of(piece);
        let set = hash_set(boilerplate);
        let out = py
            .detach(|| self.dedup.resign_piece(&piece, &rows, &set))
            .map_err(err)?;
        self.resigned(py, out)
    }

    /// `resign_piece` for in-memory texts (`sign_texts`'s rows).
    fn resign_texts<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<String>,
        rows: Vec<(u32, u32)>,
        boilerplate: &[u8],
    ) -> PyResult<Columns4<'py>> {
        let set = hash_set(boilerplate);
        let out = py
            .detach(|| self.dedup.resign_texts(&texts, &rows, &set))
            .map_err(err)?;
        self.resigned(py, out)
    }

    /// The records of a piece whose rows are not in `removed` (ascending), as `(line, bytes)`
    /// in input order.
    fn piece_records<'py>(
        &self,
        py: Python<'py>,
        piece: PieceTuple,
        removed: Vec<u32>,
    ) -> PyResult<Vec<(u64, Bound<'py, PyBytes>)>> {
        let piece = piece_of(piece);
        let mut records: Vec<(u64, Vec<u8>)> = Vec::new();
        py.detach(|| {
            let mut next = removed.iter().peekable();
            self.dedup.piece_records(
                &piece,
                |row| {
                    while next.peek().is_some_and(|&&r| r < row) {
                        next.next();
                    }
                    next.peek() != Some(&&row)
                },
                |line, b| records.push((line, b.to_vec())),
            )
        })
        .map_err(err)?;
        Ok(records.into_iter().map(|(l, b)| (l, PyBytes::new(py, &b))).collect())
    }

    /// The clusters of `lens.len()` documents (numbered in input order) from their verified
    /// pairs and copy pairs, each pair `(a, b, similarity)`: `(representative, members)` as the
    /// CLI groups them (see `neardup::Dedup::group_pairs`).
    fn group_pairs(
        &self,
        py: Python<'_>,
        lens: Vec<u64>,
        verified: Vec<(u32, u32, f64)>,
        copies: Vec<(u32, u32, f64)>,
    ) -> PyResult<Vec<(u32, Vec<u32>)>> {
        let n = lens.len() as u32;
        if let Some(&(a, b, _)) = verified
            .iter()
            .chain(&copies)
            .find(|&&(a, b, _)| a >= n || b >= n || a >= b)
        {
            return Err(PyValueError::new_err(format!(
                "pair ({a}, {b}) is not (a, b) with a < b < {n}"
            )));
        }
        Ok(py.detach(|| {
            let sims: HashMap<(u32, u32), f64> = verified.iter().chain(&copies).map(|&(a, b, s)| ((a, b), s)).collect();
            let similarity = |a: u32, b: u32| sims.get(&(a.min(b), a.max(b))).copied().unwrap_or(0.0);
            let pairs = |v: &[(u32, u32, f64)]| v.iter().map(|&(a, b, _)| (a, b)).collect::<Vec<_>>();
            self.dedup
                .group_pairs(&lens, &pairs(&verified), &pairs(&copies), &similarity)
        }))
    }
}

/// Boilerplate lines (hash, groups) from pairs of little-endian u64.
fn hash_set(bytes: &[u8]) -> neardup::internals::HashKeyed<u32> {
    let word = |b: &[u8]| u64::from_le_bytes(b.try_into().expect("8 bytes"));
    bytes
        .chunks_exact(16)
        .map(|c| (word(&c[..8]), word(&c[8..]).min(u32::MAX as u64) as u32))
        .collect()
}

impl SparkRun {
    /// The columns of documents signed again: rows, shingles, slots and band keys.
    fn resigned<'py>(&self, py: Python<'py>, out: Vec<(u32, u64, Vec<u32>)>) -> PyResult<Columns4<'py>> {
        let sigs: Vec<u32> = out.iter().flat_map(|(_, _, s)| s.iter().copied()).collect();
        let shingles: Vec<u64> = out.iter().map(|&(_, s, _)| s).collect();
        let keys = py.detach(|| self.band_keys(&sigs, &shingles))?;
        let rows: Vec<u32> = out.iter().map(|&(r, _, _)| r).collect();
        Ok((
            le_bytes(py, &rows, u32::to_le_bytes),
            le_bytes(py, &shingles, u64::to_le_bytes),
            le_bytes(py, &sigs, u32::to_le_bytes),
            le_bytes(py, &keys, u64::to_le_bytes),
        ))
    }

    /// The columns of a signed piece (see `sign_piece`).
    fn signed_dict<'py>(&self, py: Python<'py>, signed: neardup::SignedPiece) -> PyResult<Bound<'py, PyDict>> {
        let keys = py.detach(|| {
            self.band_keys(
                &signed.sigs,
                &signed.docs.iter().map(|d| d.shingles).collect::<Vec<_>>(),
            )
        })?;
        let d = PyDict::new(py);
        d.set_item("lines", signed.lines)?;
        d.set_item("errors", signed.errors)?;
        d.set_item("n", signed.docs.len())?;
        d.set_item("id", signed.docs.iter().map(|x| x.id.clone()).collect::<Vec<_>>())?;
        let col = |f: fn(&neardup::PieceDoc) -> u64| signed.docs.iter().map(f).collect::<Vec<u64>>();
        d.set_item("line", le_bytes(py, &col(|x| x.line), u64::to_le_bytes))?;
        d.set_item("exact", le_bytes(py, &col(|x| x.exact), u64::to_le_bytes))?;
        d.set_item("shingles", le_bytes(py, &col(|x| x.shingles), u64::to_le_bytes))?;
        d.set_item("text_len", le_bytes(py, &col(|x| x.text_len), u64::to_le_bytes))?;
        d.set_item("sigs", le_bytes(py, &signed.sigs, u32::to_le_bytes))?;
        d.set_item("bands", le_bytes(py, &keys, u64::to_le_bytes))?;
        let (mut hashes, mut bytes, mut ends) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..signed.docs.len() {
            let (h, b) = signed.doc_lines.doc(i);
            hashes.extend_from_slice(h);
            bytes.extend_from_slice(b);
            ends.push(hashes.len() as u32);
        }
        if !self.dedup.config().boilerplate() {
            ends = vec![0; signed.docs.len()];
        }
        d.set_item("line_hashes", le_bytes(py, &hashes, u64::to_le_bytes))?;
        d.set_item("line_bytes", le_bytes(py, &bytes, u32::to_le_bytes))?;
        d.set_item("line_ends", le_bytes(py, &ends, u32::to_le_bytes))?;
        Ok(d)
    }

    /// The LSH band keys of signatures (`bands` per document with shingles, in order).
    fn band_keys(&self, sigs: &[u32], shingles: &[u64]) -> PyResult<Vec<u64>> {
        let m = self.minhash()?;
        let active: bitvec::vec::BitVec = shingles.iter().map(|&s| s > 0).collect();
        Ok(super::band_key_rows(
            sigs,
            m.num_perm,
            m.bands,
            m.rows,
            self.dedup.config().seed(),
            &active,
        ))
    }
}
