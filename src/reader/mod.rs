//! Memory-mapped corpus readers.
//!
//! In: paths (files, folders, or `-` for stdin) and [`ReadOptions`]. Out: [`Source`]s (the bytes
//! of each input, memory-mapped) and, chunk by chunk, records: a document's text borrowed from
//! the map (or unescaped into a buffer the caller reuses), its byte range, line and id.
//!
//! Formats:
//! - **JSONL**: one JSON object per line; the text is the string field `text_field`, the id the
//!   string or number field `id_field` (if absent, the id is `FILE:LINE`). Blank lines are not
//!   records.
//! - **Lines**: every line is a document (an empty line is an empty document); id `FILE:LINE`.
//! - **Parquet** (`.parquet`/`.parq`, or a file that starts and ends with `PAR1` when no format is
//!   given): the column `text_field` (and `id_field`, `lang_field` if present), row by row; the
//!   rows are spooled as JSONL lines (see the `parquet` submodule), so that row N is line N.
//! - **Folder**: every file below a folder (recursively, in sorted order) is read as it would be
//!   on the command line: a `.jsonl`/`.ndjson`/`.json` file (compressed or not) record by record,
//!   a Parquet file row by row, any other file as one document whose id is its path relative to
//!   the folder. With
//!   `--format jsonl` or `lines` every file inside is read in that format; with `--format
//!   folder` every file is one document.
//!
//! Regular files are mapped, never read whole into memory. Stdin and `.gz`/`.zst` files cannot be
//! mapped: they are streamed (decompressed on the fly) into an anonymous temporary file, which is
//! then mapped, so memory stays bounded whatever their size.

pub(crate) mod json;
mod open;
pub(crate) mod parquet;

#[cfg(test)]
use open::format_of;
pub use open::{Input, open_inputs};
pub(crate) use open::{Paging, list_inputs, open_input, open_inputs_with, read_whole};
pub use parquet::is_parquet_name;

use crate::error::{RecordError, RecordErrorKind, Result};
use crate::normalize;
use memmap2::Mmap;
use std::fs::File;
use std::path::{Path, PathBuf};

/// Input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON Lines.
    Jsonl,
    /// One document per line.
    Lines,
    /// A folder of text files, one document each.
    Folder,
}

/// What to do with a bad record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnError {
    /// Stop the run with an error naming file and line.
    #[default]
    Fail,
    /// Skip the record and count it.
    Skip,
}

/// How inputs are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// Format of every input; `None` picks it per input (folder, extension, or first byte).
    pub format: Option<Format>,
    /// JSONL field holding the text.
    pub text_field: String,
    /// JSONL field holding the id.
    pub id_field: String,
    /// JSONL field holding the document's language label (read by the cross-lingual stage;
    /// `None`: the detector's).
    pub lang_field: Option<String>,
    /// Bad-record policy.
    pub on_error: OnError,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            format: None,
            text_field: "text".into(),
            id_field: "id".into(),
            lang_field: None,
            on_error: OnError::Fail,
        }
    }
}

enum Data {
    /// A file mapped, and the file (read by [`Source::read_at`] without touching the map).
    Map(Mmap, File),
    Owned(Vec<u8>),
}

/// One input's bytes and how to read them.
pub struct Source {
    name: String,
    path: Option<PathBuf>,
    folder_id: Option<String>,
    format: Format,
    data: Data,
    /// For a Parquet input: the file itself (`data` holds its rows spooled as JSONL).
    parquet: Option<File>,
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Source")
            .field("name", &self.name)
            .field("format", &self.format)
            .field("len", &self.bytes().len())
            .finish()
    }
}

impl Source {
    /// An in-memory source (for the library API and tests).
    pub fn from_bytes(name: impl Into<String>, format: Format, bytes: Vec<u8>) -> Self {
        Source {
            name: name.into(),
            path: None,
            folder_id: None,
            format,
            data: Data::Owned(bytes),
            parquet: None,
        }
    }

    /// The display name: the path as given, or `-` for stdin.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The file on disk, if any (not for stdin or in-memory sources).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }
    /// The format this source is read in.
    pub fn format(&self) -> Format {
        self.format
    }
    /// The whole content (decompressed).
    pub fn bytes(&self) -> &[u8] {
        match &self.data {
            Data::Map(m, _) => m,
            Data::Owned(v) => v,
        }
    }
    /// Reads bytes of the content from `at` into `buf`, as many as fit and are there: for a
    /// mapped file through `pread`, so that the map's pages are not touched (a page read that
    /// way reads only itself, where a fault in the map reads the pages around it as well).
    pub(crate) fn read_at(&self, at: usize, buf: &mut [u8]) -> usize {
        let b = self.bytes();
        let at = at.min(b.len());
        let want = buf.len().min(b.len() - at);
        #[cfg(unix)]
        if let Data::Map(_, file) = &self.data {
            use std::os::unix::fs::FileExt;
            let mut got = 0;
            while got < want {
                match file.read_at(&mut buf[got..want], (at + got) as u64) {
                    Ok(0) => break,
                    Ok(n) => got += n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
            if got == want {
                return got;
            }
        }
        // Not mapped, or the file could not be read: the bytes themselves.
        buf[..want].copy_from_slice(&b[at..at + want]);
        want
    }
    /// Gives back the pages of bytes `start..end` of a mapped input, read and no longer needed
    /// (a run under a memory limit); they are read again from the page cache if asked for.
    pub fn release(&self, start: usize, end: usize) {
        if let Data::Map(m, _) = &self.data
            && end > start
            && end <= m.len()
        {
            // SAFETY: a read-only shared mapping of a file: MADV_DONTNEED drops this process's
            // page table entries only; the next read of those bytes maps the file's pages again.
            let _ = unsafe { m.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, start, end - start) };
        }
    }
    /// For a file of a folder input: its path relative to the folder.
    pub(crate) fn folder_id(&self) -> Option<&str> {
        self.folder_id.as_deref()
    }
    /// Whether the input is a Parquet file (read through a JSONL spool of its text, id and
    /// language columns: [`Source::bytes`] are that spool, line N row N).
    pub fn is_parquet(&self) -> bool {
        self.parquet.is_some()
    }
    /// For a Parquet input, the file (stdin's bytes, spooled, for `-`), to read again.
    pub(crate) fn parquet_file(&self) -> Option<&File> {
        self.parquet.as_ref()
    }
}

/// The most records `chunk` of `source` can hold: 1 for a file of a folder, else its lines
/// (every record is one line). Counted at memory speed, so that buffers for everything the
/// records give can be sized before they are read.
pub(crate) fn max_records(source: &Source, chunk: Chunk) -> usize {
    if source.format == Format::Folder {
        return 1;
    }
    let b = &source.bytes()[chunk.start..chunk.end];
    memchr::memchr_iter(b'\n', b).count() + usize::from(b.last().is_some_and(|&c| c != b'\n'))
}

/// The UTF-8 byte order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A contiguous run of whole lines of one source, processed as a unit (by one thread).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Chunk {
    /// Index of the source.
    pub source: u32,
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// The first record boundary at or after byte `at` of a source read by lines (JSONL, lines):
/// the start (after a byte order mark) for 0, else `at` when a line ends just before it, else
/// one past the next newline (the end if none). Byte ranges cut at [`boundary`] of their ends
/// hold whole records and, one after another, every record once. The bytes are read a page at
/// a time through [`Source::read_at`], not the map: a fault in the map reads the pages around
/// it too, which, for [`chunks`]' one boundary per megabyte, read the whole input before
/// signing began, and under a memory limit made it all resident (12.6 GB of the 13 GB input of
/// docs/memory.md's 30 M documents, against a 4 GB budget).
pub(crate) fn boundary(source: &Source, at: usize) -> usize {
    let len = source.bytes().len();
    let mut buf = [0u8; LINE_END_PROBE];
    if at == 0 {
        let head = source.read_at(0, &mut buf[..BOM.len()]);
        return if buf[..head] == *BOM { BOM.len() } else { 0 };
    }
    let mut from = at - 1;
    while from < len {
        let got = source.read_at(from, &mut buf);
        if let Some(p) = memchr::memchr(b'\n', &buf[..got]) {
            return from + p + 1;
        }
        from += got.max(1);
    }
    len
}

/// Bytes [`boundary`] reads at a time: one page.
const LINE_END_PROBE: usize = 4096;

/// Splits every source into chunks of about `target` bytes, each cut at the first
/// [`boundary`] past its `target` bytes.
pub(crate) fn chunks(sources: &[Source], target: usize) -> Vec<Chunk> {
    let mut out = Vec::new();
    for (si, s) in sources.iter().enumerate() {
        let len = s.bytes().len();
        if s.format == Format::Folder {
            out.push(Chunk {
                source: si as u32,
                start: 0,
                end: len,
            });
            continue;
        }
        // A UTF-8 byte order mark at the start of a file is no part of its first record.
        let mut start = boundary(s, 0);
        while start < len {
            let end = boundary(s, start.saturating_add(target).saturating_add(1));
            out.push(Chunk {
                source: si as u32,
                start,
                end,
            });
            start = end;
        }
    }
    out
}

/// Where a document's id comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum IdRef {
    /// Bytes `start..start+len` of the source (a JSON string with no escapes, or a number).
    Span {
        /// First byte in the source.
        start: u64,
        /// Length in bytes.
        len: u32,
    },
    /// An unescaped JSON string.
    Owned(Box<str>),
    /// No id field: `FILE:LINE`.
    Location,
    /// A file of a folder input: its relative path.
    FolderPath,
}

/// A document's text as the reader found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Text<'a> {
    /// The text itself.
    Plain(&'a str),
    /// The content of a JSON string that holds escapes (already validated), still escaped:
    /// [`Text::normalize_into`] unescapes it while normalizing, in one pass.
    Json(&'a str),
}

impl<'a> Text<'a> {
    /// Normalizes the text (see [`crate::normalize::normalize_into`]) into `out`: escaped JSON
    /// is unescaped and normalized in one pass. `scratch` is used only when a `\u` escape stands
    /// for a non-ASCII character (then the text is unescaped first). Returns the length in
    /// bytes of the unescaped text.
    pub fn normalize_into(self, out: &mut String, scratch: &mut String) -> usize {
        match self {
            Text::Plain(t) => {
                normalize::normalize_into(t, out);
                t.len()
            }
            Text::Json(raw) => match normalize::normalize_json(raw, out) {
                Some(len) => len,
                None => {
                    let t = self.resolve(scratch);
                    normalize::normalize_into(t, out);
                    t.len()
                }
            },
        }
    }

    /// The text, unescaping into `scratch` if needed.
    pub(crate) fn resolve<'b>(&self, scratch: &'b mut String) -> &'b str
    where
        'a: 'b,
    {
        match *self {
            Text::Plain(t) => t,
            Text::Json(raw) => {
                scratch.clear();
                // `raw` was validated by the scanner, so unescaping cannot fail; on the
                // impossible error the text is whatever was unescaped so far.
                let span = json::StrSpan {
                    start: 0,
                    end: raw.len(),
                    escaped: true,
                };
                let _ = json::unescape(raw, span, scratch);
                scratch.as_str()
            }
        }
    }

    /// Its length in bytes as stored (still escaped for [`Text::Json`]).
    pub(crate) fn raw_len(&self) -> usize {
        match self {
            Text::Plain(t) | Text::Json(t) => t.len(),
        }
    }

    /// The text cut into pieces of at least `target` bytes, each ending with a line break
    /// (the last one ends where the text does): whole lines, whole escapes and whole
    /// characters, so that normalizing and tokenizing the pieces one by one gives the tokens
    /// and lines of the whole text. A text without a line break past `target` is one piece.
    pub fn pieces(self, target: usize) -> impl Iterator<Item = Text<'a>> {
        let (raw, json) = match self {
            Text::Plain(t) => (t, false),
            Text::Json(t) => (t, true),
        };
        let mut next = Some(0);
        std::iter::from_fn(move || {
            let start = next?;
            let end = piece_end(raw.as_bytes(), start, target, json);
            next = (end < raw.len()).then_some(end);
            let piece = &raw[start..end];
            Some(if json { Text::Json(piece) } else { Text::Plain(piece) })
        })
    }
}

/// One past the first line break at or after `start + target` (the end of `b` if none): a
/// newline byte, or in escaped JSON a `\n` escape (a backslash preceded by an even number of
/// backslashes starts an escape). Both are ASCII, so the cut is a character boundary.
fn piece_end(b: &[u8], start: usize, target: usize, json: bool) -> usize {
    let mut from = start.saturating_add(target);
    if from >= b.len() {
        return b.len();
    }
    if !json {
        return memchr::memchr(b'\n', &b[from..]).map_or(b.len(), |p| from + p + 1);
    }
    while let Some(p) = memchr::memmem::find(&b[from..], b"\\n").map(|p| from + p) {
        let backslashes_before = b[start..p].iter().rev().take_while(|&&c| c == b'\\').count();
        if backslashes_before % 2 == 0 {
            return p + 2;
        }
        from = p + 1;
    }
    b.len()
}

/// One document as the reader hands it over.
#[derive(Debug)]
pub(crate) struct Record<'a> {
    /// 1-based line of the record within its chunk (add the chunk's line base).
    pub line_in_chunk: u64,
    /// First byte of the record (its line, without the newline) in the source.
    pub start: usize,
    /// One past its last byte.
    pub end: usize,
    /// The text.
    pub text: Text<'a>,
    /// The id.
    pub id: IdRef,
}

/// What reading one chunk gave besides its records.
#[derive(Debug, Default)]
pub(crate) struct ChunkOutcome {
    /// Lines in the chunk (the next chunk's line base is this chunk's base plus this).
    pub lines: u64,
    /// Bad records: line within the chunk and what is wrong. With [`OnError::Fail`] reading
    /// stops at the first.
    pub errors: Vec<(u64, RecordErrorKind)>,
}

/// Records are shorter than this (4 GiB): the run keeps their lengths in 32 bits.
pub(crate) const MAX_RECORD: u64 = 1 << 32;

/// Reads the records of `chunk`, calling `f` for each good one.
pub(crate) fn read_chunk(
    source: &Source,
    chunk: Chunk,
    opts: &ReadOptions,
    mut f: impl FnMut(Record<'_>),
) -> ChunkOutcome {
    let all = source.bytes();
    let mut out = ChunkOutcome::default();
    if source.format == Format::Folder {
        out.lines = 1;
        if all.len() as u64 >= MAX_RECORD {
            out.errors.push((1, RecordErrorKind::TooLong(all.len() as u64)));
            return out;
        }
        match utf8(all).map_err(|_| std::str::from_utf8(all).unwrap_err()) {
            Ok(text) => f(Record {
                line_in_chunk: 1,
                start: 0,
                end: all.len(),
                text: Text::Plain(text),
                id: IdRef::FolderPath,
            }),
            Err(e) => {
                let line = 1 + memchr::memchr_iter(b'\n', &all[..e.valid_up_to()]).count() as u64;
                let col = e.valid_up_to()
                    - all[..e.valid_up_to()]
                        .iter()
                        .rposition(|&b| b == b'\n')
                        .map_or(0, |p| p + 1);
                out.errors.push((line, RecordErrorKind::InvalidUtf8(col)));
            }
        }
        return out;
    }
    let bytes = &all[chunk.start..chunk.end];
    let mut pos = 0usize;
    let mut line = 0u64;
    while pos < bytes.len() {
        line += 1;
        let nl = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |o| pos + o);
        let (s, e) = (chunk.start + pos, chunk.start + nl);
        pos = nl + 1;
        let rec = &all[s..e];
        let result = match source.format {
            _ if rec.len() as u64 >= MAX_RECORD => Err(RecordErrorKind::TooLong(rec.len() as u64)),
            Format::Lines => lines_record(rec, s, line),
            _ => {
                if rec.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                jsonl_record(rec, s, line, opts)
            }
        };
        match result {
            Ok(r) => f(r),
            Err(kind) => {
                out.errors.push((line, kind));
                if opts.on_error == OnError::Fail {
                    break;
                }
            }
        }
    }
    out.lines = line;
    out
}

/// Validates UTF-8: the SIMD validator (AVX2 where the CPU has it) for the common valid case,
/// the standard library's for the position of the first bad byte.
fn utf8(b: &[u8]) -> Result<&str, RecordErrorKind> {
    match simdutf8::basic::from_utf8(b) {
        Ok(s) => Ok(s),
        Err(_) => std::str::from_utf8(b).map_err(|e| RecordErrorKind::InvalidUtf8(e.valid_up_to())),
    }
}

fn lines_record(rec: &[u8], s: usize, line: u64) -> Result<Record<'_>, RecordErrorKind> {
    let text = utf8(rec)?;
    Ok(Record {
        line_in_chunk: line,
        start: s,
        end: s + rec.len(),
        text: Text::Plain(text.strip_suffix('\r').unwrap_or(text)),
        id: IdRef::Location,
    })
}

fn jsonl_record<'a>(rec: &'a [u8], s: usize, line: u64, opts: &ReadOptions) -> Result<Record<'a>, RecordErrorKind> {
    let as_str = utf8(rec)?;
    let spans = json::scan_record(rec, &opts.text_field, &opts.id_field)?;
    let id = match spans.id {
        None => IdRef::Location,
        Some(json::IdSpan::Num(a, b)) => IdRef::Span {
            start: (s + a) as u64,
            len: (b - a) as u32,
        },
        Some(json::IdSpan::Str(sp)) if !sp.escaped => IdRef::Span {
            start: (s + sp.start) as u64,
            len: (sp.end - sp.start) as u32,
        },
        Some(json::IdSpan::Str(sp)) => {
            let mut id = String::new();
            json::unescape(as_str, sp, &mut id)?;
            IdRef::Owned(id.into_boxed_str())
        }
    };
    let raw = &as_str[spans.text.start..spans.text.end];
    let text = if spans.text.escaped {
        Text::Json(raw)
    } else {
        Text::Plain(raw)
    };
    Ok(Record {
        line_in_chunk: line,
        start: s,
        end: s + rec.len(),
        text,
        id,
    })
}

/// Turns a chunk-relative error into a [`RecordError`] naming the source and absolute line.
pub(crate) fn record_error(source: &Source, line: u64, kind: RecordErrorKind) -> RecordError {
    RecordError {
        file: source.name.clone(),
        line,
        kind,
    }
}

#[cfg(test)]
mod tests;
