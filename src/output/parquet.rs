//! Parquet output: the kept rows of Parquet inputs, with the inputs' schema.
//!
//! In: a [`Corpus`] whose sources are all Parquet files of one schema (the same column names and
//! types), and which rows to write ([`ParquetRows`]). Out: one Parquet file on a writer, its rows
//! in input order (the files in the order read, then rows): each input is read again, every
//! column, a batch at a time, and the rows its documents keep are written unchanged. Memory holds
//! a batch and the row group being written (flushed at [`ROW_GROUP_BYTES`]), whatever the input's
//! size. Compression: zstd (level 3), which Spark, pyarrow, polars and DuckDB all read.

use crate::error::{Error, Result};
use crate::pipeline::{Corpus, DocId};
use crate::reader::Source;
use crate::reader::parquet::{error, guard, string_at};
use arrow_array::{
    Array, ArrayRef, BooleanArray, Int64Array, LargeStringArray, RecordBatch, StringArray, StringViewArray,
};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use bitvec::slice::BitSlice;
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::{Compression, ZstdLevel};
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;
use std::io::Write;
use std::sync::Arc;

/// Rows read at a time.
const BATCH_ROWS: usize = 4096;

/// A row group is closed once its buffered data reaches this size (64 MiB): big enough for
/// fast scans, small enough that memory stays bounded.
pub const ROW_GROUP_BYTES: usize = 64 << 20;

/// A text rewriter: the new text of a document, or `None` to keep it.
pub type Rewrite<'a> = &'a dyn Fn(DocId, &str) -> Option<String>;

/// Which rows to write, and how.
pub enum ParquetRows<'a> {
    /// The rows whose document's bit is set, each text passed through `rewrite` if given (where
    /// it returns a new text, the row is written with it).
    Kept {
        /// One bit per document.
        keep: &'a BitSlice,
        /// The text rewriter (`--strip-repeats`, `--strip-substrings`).
        rewrite: Option<Rewrite<'a>>,
        /// The text column's name.
        text_field: &'a str,
    },
    /// Every row, with an `Int64` column `dup_cluster` (null outside clusters) added at the end
    /// or, if the inputs have one, in its place.
    Annotated {
        /// The cluster of each document.
        cluster_of: &'a [Option<u32>],
    },
}

/// The column `--annotate` writes.
const DUP_CLUSTER: &str = "dup_cluster";

fn builder(s: &Source) -> Result<ParquetRecordBatchReaderBuilder<std::fs::File>> {
    let file = s
        .parquet_file()
        .ok_or_else(|| {
            Error::Config(format!(
                "{} is not Parquet: Parquet output needs Parquet inputs",
                s.name()
            ))
        })?
        .try_clone()
        .map_err(|e| Error::io(s.name(), e))?;
    ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| error(s.name(), e))
}

/// Writes the rows `rows` selects of every input of `corpus` as one Parquet file on `w`;
/// returns `w` once the file's footer is written.
pub fn write_parquet<W: Write + Send>(w: W, corpus: &Corpus, rows: &ParquetRows<'_>) -> Result<W> {
    // An input that changed since it was read may be corrupt now: an error, not a crash.
    guard("the Parquet inputs", || write_unguarded(w, corpus, rows))
}

fn write_unguarded<W: Write + Send>(w: W, corpus: &Corpus, rows: &ParquetRows<'_>) -> Result<W> {
    let Some(first) = corpus.sources.first() else {
        return Err(Error::Config("Parquet output needs at least one Parquet input".into()));
    };
    // Each input's footer is read once: for the schema check, then for its rows.
    let builders = corpus.sources.iter().map(builder).collect::<Result<Vec<_>>>()?;
    let base = builders[0].schema().clone();
    for (s, b) in corpus.sources.iter().zip(&builders).skip(1) {
        if b.schema().fields() != base.fields() {
            return Err(error(
                s.name(),
                format!(
                    "its columns differ from those of {}: the kept rows are written with one schema",
                    first.name()
                ),
            ));
        }
    }
    let (schema, dup_col) = match rows {
        ParquetRows::Kept { .. } => (base.clone(), None),
        ParquetRows::Annotated { .. } => with_dup_cluster(&base),
    };
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::try_new(1).unwrap_or_default()))
        .set_dictionary_enabled(false)
        .build();
    let mut writer = ArrowWriter::try_new(w, schema.clone(), Some(props)).map_err(write_error)?;
    let mut next = 0usize; // the next document, in input order
    for (si, (s, b)) in corpus.sources.iter().zip(builders).enumerate() {
        let reader = b.with_batch_size(BATCH_ROWS).build().map_err(|e| error(s.name(), e))?;
        let mut row0 = 0u64;
        for batch in reader {
            let batch = batch.map_err(|e| error(s.name(), e))?;
            let n = batch.num_rows();
            // The documents of these rows (a row that was a bad record, skipped, has none).
            let mut take = vec![false; n];
            let mut docs = Vec::new();
            while let Some(m) = corpus.docs.get(next)
                && m.source as usize == si
                && m.line <= row0 + n as u64
            {
                let d = DocId(next as u32);
                next += 1;
                let selected = match rows {
                    ParquetRows::Kept { keep, .. } => keep[d.index()],
                    ParquetRows::Annotated { .. } => true,
                };
                if selected {
                    take[(m.line - 1 - row0) as usize] = true;
                    docs.push(d);
                }
            }
            row0 += n as u64;
            if docs.is_empty() {
                continue;
            }
            let mut out = arrow_select::filter::filter_record_batch(&batch, &BooleanArray::from(take))
                .map_err(|e| error(s.name(), e))?;
            match rows {
                ParquetRows::Kept {
                    rewrite: Some(rewrite),
                    text_field,
                    ..
                } => out = rewritten(&out, &docs, *rewrite, text_field).map_err(|e| error(s.name(), e))?,
                ParquetRows::Kept { .. } => {}
                ParquetRows::Annotated { cluster_of } => {
                    let marks: Int64Array = docs.iter().map(|d| cluster_of[d.index()].map(i64::from)).collect();
                    let mut cols = out.columns().to_vec();
                    let marks: ArrayRef = Arc::new(marks);
                    match dup_col {
                        Some(c) if c < cols.len() => cols[c] = marks,
                        _ => cols.push(marks),
                    }
                    out = RecordBatch::try_new(schema.clone(), cols).map_err(|e| error(s.name(), e))?;
                }
            }
            writer.write(&out).map_err(write_error)?;
            if writer.in_progress_size() >= ROW_GROUP_BYTES {
                writer.flush().map_err(write_error)?;
            }
        }
    }
    writer.into_inner().map_err(write_error)
}

/// An error of the writer: the I/O error it wraps, if any (so that a closed pipe is seen as
/// one), else a Parquet error of the output.
fn write_error(e: ParquetError) -> Error {
    match e {
        ParquetError::External(inner) => match inner.downcast::<std::io::Error>() {
            Ok(io) => Error::io("the Parquet output", *io),
            Err(other) => error("the Parquet output", other),
        },
        e => error("the Parquet output", e),
    }
}

/// The schema with a nullable `Int64` column `dup_cluster`, in place of one it has or at the
/// end, and that column's index.
fn with_dup_cluster(base: &SchemaRef) -> (SchemaRef, Option<usize>) {
    let field = Arc::new(Field::new(DUP_CLUSTER, DataType::Int64, true));
    let mut fields: Vec<_> = base.fields().iter().cloned().collect();
    let at = match fields.iter().position(|f| f.name() == DUP_CLUSTER) {
        Some(i) => {
            fields[i] = field;
            i
        }
        None => {
            fields.push(field);
            fields.len() - 1
        }
    };
    (
        Arc::new(Schema::new_with_metadata(fields, base.metadata().clone())),
        Some(at),
    )
}

/// `batch` (the kept rows of `docs`, in order) with its text column passed through `rewrite`.
fn rewritten(
    batch: &RecordBatch,
    docs: &[DocId],
    rewrite: Rewrite<'_>,
    text_field: &str,
) -> std::result::Result<RecordBatch, arrow_schema::ArrowError> {
    let Ok(c) = batch.schema().index_of(text_field) else {
        return Ok(batch.clone());
    };
    let col = batch.column(c);
    let texts: Vec<Option<String>> = docs
        .iter()
        .enumerate()
        .map(|(row, &d)| {
            let old = string_at(col, row)?;
            Some(rewrite(d, old).unwrap_or_else(|| old.to_string()))
        })
        .collect();
    let new: ArrayRef = match col.data_type() {
        DataType::LargeUtf8 => Arc::new(LargeStringArray::from(texts)),
        DataType::Utf8View => Arc::new(StringViewArray::from(texts)),
        _ => Arc::new(StringArray::from(texts)),
    };
    let mut cols = batch.columns().to_vec();
    cols[c] = new;
    RecordBatch::try_new(batch.schema(), cols)
}

/// The signing stage's table, one row per document in input order (the schema
/// `docs/cli.md` documents for `neardup sign -o FILE.parquet`):
///
/// | column | type | |
/// |---|---|---|
/// | `doc` | `Int64` | the document's number in input order, from 0 |
/// | `id` | `Utf8` | its id |
/// | `location` | `Utf8` | `FILE:LINE` (Parquet: `FILE:ROW`) |
/// | `shingles` | `Int64` | shingles with repeats; 0: the document takes no part in matching |
/// | `exact` | `Int64` | key of its normalized token sequence (u64 bit-cast): equal keys always cluster |
/// | `signature` | `FixedSizeList<UInt32>[k]` | its MinHash slots |
/// | `band_keys` | `FixedSizeList<Int64>[bands]` | its LSH key in each band (u64 bit-cast): documents sharing a band's key are candidates |
///
/// Unsigned 64-bit values are stored bit-cast to signed ones, since Spark and other readers
/// without unsigned types would read them as decimals. `k`, `bands`, `rows` and `seed` are also
/// in the file's key-value metadata (`neardup.num_perm`, ...).
pub fn write_signatures<W: Write + Send>(w: W, corpus: &Corpus, bands: usize, rows: usize, seed: u64) -> Result<W> {
    use arrow_array::UInt32Array;
    use parquet::file::metadata::KeyValue;
    let n = corpus.len();
    let k = corpus.sigs.len().checked_div(n).unwrap_or(0);
    let item = |t: DataType| Arc::new(Field::new("item", t, false));
    let list = |t: DataType, size: usize| DataType::FixedSizeList(item(t), size as i32);
    let schema = Arc::new(Schema::new(vec![
        Field::new("doc", DataType::Int64, false),
        Field::new("id", DataType::Utf8, false),
        Field::new("location", DataType::Utf8, false),
        Field::new("shingles", DataType::Int64, false),
        Field::new("exact", DataType::Int64, false),
        Field::new("signature", list(DataType::UInt32, k), false),
        Field::new("band_keys", list(DataType::Int64, bands), false),
    ]));
    let mut keys = vec![0i64; n * bands];
    if k > 0 {
        let all = bitvec::bitvec![1; n];
        for band in 0..bands {
            for (key, d) in crate::index::band_keys(&corpus.sigs, k, band, rows, &all, seed) {
                keys[d as usize * bands + band] = key as i64;
            }
        }
    }
    let meta = [
        ("num_perm", k as u64),
        ("bands", bands as u64),
        ("rows", rows as u64),
        ("seed", seed),
    ];
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::try_new(1).unwrap_or_default()))
        .set_key_value_metadata(Some(
            meta.iter()
                .map(|(key, v)| KeyValue::new(format!("neardup.{key}"), v.to_string()))
                .collect(),
        ))
        .build();
    let mut writer = ArrowWriter::try_new(w, schema.clone(), Some(props)).map_err(write_error)?;
    let batch_rows = BATCH_ROWS * 4;
    for start in (0..n).step_by(batch_rows) {
        let end = (start + batch_rows).min(n);
        let docs = (start..end).map(|i| DocId(i as u32));
        let cols: Vec<ArrayRef> = vec![
            Arc::new(Int64Array::from_iter_values(start as i64..end as i64)),
            Arc::new(StringArray::from_iter_values(docs.clone().map(|d| corpus.id(d)))),
            Arc::new(StringArray::from_iter_values(docs.clone().map(|d| corpus.location(d)))),
            Arc::new(Int64Array::from_iter_values(
                docs.clone().map(|d| corpus.docs[d.index()].shingles as i64),
            )),
            Arc::new(Int64Array::from_iter_values(
                docs.map(|d| corpus.docs[d.index()].exact as i64),
            )),
            fixed_list(k, Arc::new(UInt32Array::from(corpus.sigs[start * k..end * k].to_vec())))?,
            fixed_list(
                bands,
                Arc::new(Int64Array::from(keys[start * bands..end * bands].to_vec())),
            )?,
        ];
        let batch = RecordBatch::try_new(schema.clone(), cols).map_err(|e| error("the signature table", e))?;
        writer.write(&batch).map_err(write_error)?;
    }
    writer.into_inner().map_err(write_error)
}

/// `values` as fixed-size lists of `size` non-null items (one list per document).
fn fixed_list(size: usize, values: ArrayRef) -> Result<ArrayRef> {
    let item = Arc::new(Field::new("item", values.data_type().clone(), false));
    let list = arrow_array::FixedSizeListArray::try_new(item, size as i32, values, None);
    Ok(Arc::new(list.map_err(|e| error("the signature table", e))?))
}
