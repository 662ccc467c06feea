//! Apache Parquet inputs.
//!
//! In: an open Parquet file and the [`ReadOptions`]' field names. Out: an anonymous spool file
//! holding, for every row in row order, one JSONL line with the row's text, id and language
//! columns (the only columns decoded: arrow's projection reads their pages and nothing else,
//! one batch of rows at a time), which the JSONL reader then reads like any other input. Line N
//! of the spool is row N of the file (1-based, across row groups), so a bad row is named
//! `FILE:N` like a bad line, and the kept rows' positions lead back to the file when the kept
//! records are written as Parquet (the output stage reads the file again, all columns).
//!
//! Column types read: text and language as UTF-8 strings (`Utf8`, `LargeUtf8`, `Utf8View`);
//! the id as a string or an integer. A null text is a bad record (as a JSON `null` text is); a
//! null id falls back to `FILE:ROW`; a null language to the detector's.

use super::ReadOptions;
use crate::error::{Error, Result};
use arrow_array::cast::AsArray;
use arrow_array::types::{Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type, UInt64Type};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::DataType;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder};
use rayon::prelude::*;
use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, Write};
use std::path::Path;

/// The 4 bytes a Parquet file starts and ends with.
pub(crate) const MAGIC: &[u8; 4] = b"PAR1";

/// Rows decoded at a time.
const BATCH_ROWS: usize = 4096;

/// Whether a path names a Parquet file: `.parquet` or `.parq`, in any case.
pub fn is_parquet_name(path: &Path) -> bool {
    let name = path.to_string_lossy().to_ascii_lowercase();
    name.ends_with(".parquet") || name.ends_with(".parq")
}

/// Whether a file is Parquet: by its name ([`is_parquet_name`]), or by its first and last four
/// bytes when `sniff` (no `--format` given).
pub(crate) fn is_parquet(path: &Path, file: &mut File, sniff: bool) -> io::Result<bool> {
    if is_parquet_name(path) {
        return Ok(true);
    }
    if !sniff || !file.metadata()?.is_file() {
        return Ok(false);
    }
    has_magic(file)
}

/// Whether a seekable file starts and ends with [`MAGIC`] (its position is put back to the start).
pub(crate) fn has_magic(file: &mut File) -> io::Result<bool> {
    let len = file.metadata()?.len();
    if len < 12 {
        return Ok(false);
    }
    let (mut head, mut tail) = ([0u8; 4], [0u8; 4]);
    file.seek(io::SeekFrom::Start(0))?;
    file.read_exact(&mut head)?;
    file.seek(io::SeekFrom::End(-4))?;
    file.read_exact(&mut tail)?;
    file.seek(io::SeekFrom::Start(0))?;
    Ok(&head == MAGIC && &tail == MAGIC)
}

/// An error of the Parquet file `name`.
pub(crate) fn error(name: &str, msg: impl std::fmt::Display) -> Error {
    Error::Parquet {
        file: name.to_string(),
        msg: msg.to_string(),
    }
}

/// Runs `f`, turning a panic into an error of the file `name`. The parquet crate panics on some
/// corrupt files (offsets out of range in the footer, found by the fuzz stand-in) where it
/// should return an error; a corrupt input must fail the run with its name, not crash it.
/// While `f` runs, the panic message is not printed on this thread (the hook, installed once,
/// hands every other panic to the hook that was there before).
pub(crate) fn guard<T>(name: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    use std::cell::Cell;
    use std::sync::Once;
    thread_local!(static QUIET: Cell<bool> = const { Cell::new(false) });
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let earlier = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                earlier(info);
            }
        }));
    });
    let was = QUIET.with(|q| q.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    result.unwrap_or_else(|panic| {
        let why = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(error(name, format!("corrupt Parquet file ({why})")))
    })
}

/// Writes the text, id and language columns of every row of `file` as JSONL lines (with the
/// field names of `opts`) into a new anonymous temporary file, returned at its start. A
/// corrupt file is an error naming it.
pub(crate) fn spool_rows(file: &File, name: &str, opts: &ReadOptions) -> Result<File> {
    guard(name, || spool_rows_unguarded(file, name, opts))
}

fn spool_rows_unguarded(file: &File, name: &str, opts: &ReadOptions) -> Result<File> {
    let len = file.metadata().map_err(|e| Error::io(name, e))?.len();
    if len < 12 {
        return Err(error(name, format!("not a Parquet file ({len} bytes)")));
    }
    // SAFETY: as for the reader's own maps (a read-only map of an input, which neardup never
    // writes to); the map is the `Bytes`' owner and lives as long as they are read.
    let map = unsafe { memmap2::Mmap::map(file) }.map_err(|e| Error::io(name, e))?;
    let data = bytes::Bytes::from_owner(map);
    let meta = ArrowReaderMetadata::load(&data, ArrowReaderOptions::default()).map_err(|e| error(name, e))?;
    let schema = meta.schema().clone();
    let find = |field: &str| schema.fields().iter().position(|f| f.name() == field);
    let Some(text_col) = find(&opts.text_field) else {
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        return Err(error(
            name,
            format!(
                "no column {:?} (columns: {}); name the text column with --text-field",
                opts.text_field,
                names.join(", ")
            ),
        ));
    };
    let id_col = find(&opts.id_field);
    let lang_col = opts.lang_field.as_deref().and_then(find);
    for (col, what) in [(Some(text_col), "text"), (lang_col, "language")] {
        if let Some(c) = col {
            let t = schema.field(c).data_type();
            if !matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View) {
                return Err(error(
                    name,
                    format!("the {what} column {:?} holds {t}, not strings", schema.field(c).name()),
                ));
            }
        }
    }
    if let Some(c) = id_col {
        let t = schema.field(c).data_type();
        if !(matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View) || t.is_integer()) {
            return Err(error(
                name,
                format!("the id column {:?} holds {t}, not strings or integers", opts.id_field),
            ));
        }
    }
    let mut roots: Vec<usize> = [Some(text_col), id_col, lang_col].into_iter().flatten().collect();
    roots.sort_unstable();
    roots.dedup();
    let mask = ProjectionMask::roots(meta.parquet_schema(), roots);
    let keys = Keys {
        text: json_key(&opts.text_field),
        id: json_key(&opts.id_field),
        lang: opts.lang_field.as_deref().map(json_key).unwrap_or_default(),
    };
    // One row group's lines, read on its own (each worker decodes from the shared map).
    let spool_group = |g: usize| -> Result<Vec<u8>> {
        guard(name, || {
            let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(data.clone(), meta.clone())
                .with_row_groups(vec![g])
                .with_projection(mask.clone())
                .with_batch_size(BATCH_ROWS)
                .build()
                .map_err(|e| error(name, e))?;
            let mut buf = Vec::new();
            for batch in reader {
                let batch = batch.map_err(|e| error(name, e))?;
                // Projected columns keep their names: look them up in the batch.
                let col = |field: &str| batch.column_by_name(field).cloned();
                let cols = Cols {
                    text: col(&opts.text_field),
                    id: id_col.and_then(|_| col(&opts.id_field)),
                    lang: lang_col.and_then(|_| opts.lang_field.as_deref().and_then(col)),
                };
                write_batch(&mut buf, &batch, &cols, &keys).map_err(|e| Error::io(name, e))?;
            }
            Ok(buf)
        })
    };
    let spool = tempfile::tempfile().map_err(|e| Error::io(name, e))?;
    let mut out = BufWriter::with_capacity(1 << 16, spool);
    // Row groups are read in parallel, a window at a time (as many as threads, up to
    // WINDOW_BYTES of data), and written in order: the spool is the same for any thread count.
    let groups = meta.metadata().row_groups();
    let mut start = 0;
    while start < groups.len() {
        let mut end = start + 1;
        let mut bytes = groups[start].total_byte_size().max(0) as u64;
        while end < groups.len() && end - start < rayon::current_num_threads() && bytes < WINDOW_BYTES {
            bytes += groups[end].total_byte_size().max(0) as u64;
            end += 1;
        }
        let parts: Vec<Result<Vec<u8>>> = (start..end).into_par_iter().map(spool_group).collect();
        for part in parts {
            out.write_all(&part?).map_err(|e| Error::io(name, e))?;
        }
        start = end;
    }
    let mut spool = out.into_inner().map_err(|e| Error::io(name, e.into_error()))?;
    spool.seek(io::SeekFrom::Start(0)).map_err(|e| Error::io(name, e))?;
    Ok(spool)
}

/// Most data (uncompressed, as the file's metadata counts it) of the row groups read at once.
const WINDOW_BYTES: u64 = 256 << 20;

/// The JSON object keys of the spooled fields, each `"name":`.
struct Keys {
    text: Vec<u8>,
    id: Vec<u8>,
    lang: Vec<u8>,
}

fn json_key(field: &str) -> Vec<u8> {
    let mut k = serde_json::to_vec(field).unwrap_or_default();
    k.push(b':');
    k
}

struct Cols {
    text: Option<ArrayRef>,
    id: Option<ArrayRef>,
    lang: Option<ArrayRef>,
}

fn write_batch(out: &mut impl Write, batch: &RecordBatch, cols: &Cols, keys: &Keys) -> io::Result<()> {
    for row in 0..batch.num_rows() {
        out.write_all(b"{")?;
        let mut comma = false;
        if let Some(id) = &cols.id
            && id.is_valid(row)
        {
            out.write_all(&keys.id)?;
            match string_at(id, row) {
                Some(s) => serde_json::to_writer(&mut *out, s)?,
                None => write!(out, "{}", int_at(id, row))?,
            }
            comma = true;
        }
        if let Some(lang) = &cols.lang
            && let Some(s) = string_at(lang, row)
        {
            if comma {
                out.write_all(b",")?;
            }
            out.write_all(&keys.lang)?;
            serde_json::to_writer(&mut *out, s)?;
            comma = true;
        }
        if comma {
            out.write_all(b",")?;
        }
        out.write_all(&keys.text)?;
        match cols.text.as_ref().and_then(|t| string_at(t, row)) {
            Some(s) => serde_json::to_writer(&mut *out, s)?,
            None => out.write_all(b"null")?,
        }
        out.write_all(b"}\n")?;
    }
    Ok(())
}

/// The string at `row` of a string column (`None` for a null, or a column of another type).
pub(crate) fn string_at(col: &ArrayRef, row: usize) -> Option<&str> {
    if col.is_null(row) {
        return None;
    }
    match col.data_type() {
        DataType::Utf8 => Some(col.as_string::<i32>().value(row)),
        DataType::LargeUtf8 => Some(col.as_string::<i64>().value(row)),
        DataType::Utf8View => Some(col.as_string_view().value(row)),
        _ => None,
    }
}

/// The integer at `row` of an integer column (0 for another type, which the schema check rules out).
fn int_at(col: &ArrayRef, row: usize) -> i128 {
    match col.data_type() {
        DataType::Int8 => col.as_primitive::<Int8Type>().value(row).into(),
        DataType::Int16 => col.as_primitive::<Int16Type>().value(row).into(),
        DataType::Int32 => col.as_primitive::<Int32Type>().value(row).into(),
        DataType::Int64 => col.as_primitive::<Int64Type>().value(row).into(),
        DataType::UInt8 => col.as_primitive::<UInt8Type>().value(row).into(),
        DataType::UInt16 => col.as_primitive::<UInt16Type>().value(row).into(),
        DataType::UInt32 => col.as_primitive::<UInt32Type>().value(row).into(),
        DataType::UInt64 => col.as_primitive::<UInt64Type>().value(row).into(),
        _ => 0,
    }
}
