//! The corpus read ([`Corpus`]: every document's place ([`DocMeta`]), id and signature, and the
//! sources they point into).
//!
//! In: what the signing stage produced. Out: texts, ids and fields of documents read again in
//! place from their sources (no copy of the corpus is kept).

use crate::error::{Error, RecordError, RecordErrorKind, Result};
use crate::reader::{self, Chunk, IdRef, ReadOptions, Source};
use crate::spans::{HashKeyed, boilerplate};
use crate::spill::{Slots, Stored, WorkDir};
use crate::types::DocId;
use bitvec::prelude::*;
use rayon::prelude::*;
use std::borrow::Cow;
use std::sync::Arc;
use xxhash_rust::xxh3::xxh3_64;

/// Where one document is and what it holds, without its text: 48 bytes, the largest record
/// the run keeps per document (lengths in 32 bits: the reader refuses records of 4 GiB or
/// more). Plain data: under a memory limit the records live in a file of the work folder.
#[derive(Debug, Clone, Copy)]
#[repr(C)]
pub(crate) struct DocMeta {
    /// First byte of the record in its source (its line without the newline, or the whole
    /// file).
    pub start: u64,
    /// 1-based line of the record in its source.
    pub line: u64,
    /// The key of its whole normalized token sequence: documents with one key
    /// always cluster, whatever the matching stages do.
    pub exact: u64,
    /// Index of its source.
    pub source: u32,
    /// Bytes of the record.
    pub len: u32,
    /// Length of the text in bytes (after JSON unescaping).
    pub text_len: u32,
    /// Number of shingles (with repeats); 0 means the document takes no part in matching.
    pub shingles: u32,
    /// Where its id comes from.
    pub id: StoredId,
}

// SAFETY: `repr(C)` integers, 8-byte ones first, then 4-byte ones (the id two of them): no
// padding (checked below), no pointer, and every bit pattern is a value.
unsafe impl crate::bytes::Plain for DocMeta {}
const _: () = assert!(size_of::<DocMeta>() == 3 * 8 + 6 * 4);

impl DocMeta {
    /// One past the record's last byte.
    pub fn end(&self) -> u64 {
        self.start + u64::from(self.len)
    }

    /// A text length or shingle count as kept, saturated at 32 bits (normalizing can lengthen a
    /// text past its record; only the rank of the longest and the share of boilerplate read
    /// lengths).
    pub fn count(n: u64) -> u32 {
        n.min(u64::from(u32::MAX)) as u32
    }
}

/// Where a document's id comes from, in 8 bytes: bytes of its record, an unescaped JSON
/// string kept in the corpus's table of such ids ([`Corpus::owned_ids`]), its folder path, or
/// its location (`FILE:LINE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C)]
pub(crate) struct StoredId {
    /// The offset of the id in the record, or the index of an owned id.
    at: u32,
    /// Its length in bytes, or one of the kinds below.
    len: u32,
}

impl StoredId {
    const LOCATION: u32 = u32::MAX;
    const FOLDER_PATH: u32 = u32::MAX - 1;
    const OWNED: u32 = u32::MAX - 2;

    /// The stored form of a record's id (`start`: the record's first byte); an owned id is
    /// moved to `owned`.
    pub(crate) fn of(id: IdRef, start: usize, owned: &mut Vec<Box<str>>) -> Self {
        match id {
            // Spans lie within the record, which is shorter than 4 GiB.
            IdRef::Span { start: s, len } => StoredId {
                at: (s as usize - start) as u32,
                len: len.min(Self::OWNED - 1),
            },
            IdRef::Owned(s) => {
                owned.push(s);
                StoredId {
                    at: (owned.len() - 1) as u32,
                    len: Self::OWNED,
                }
            }
            IdRef::FolderPath => StoredId {
                at: 0,
                len: Self::FOLDER_PATH,
            },
            IdRef::Location => StoredId {
                at: 0,
                len: Self::LOCATION,
            },
        }
    }

    /// Whether the id is the document's location (the record has no id).
    pub(crate) fn is_location(&self) -> bool {
        self.len == Self::LOCATION
    }

    /// The index of an owned id, if it is one.
    fn owned(&self) -> Option<usize> {
        (self.len == Self::OWNED).then_some(self.at as usize)
    }

    /// The reader's form of an id that is not owned (`start`: the record's first byte).
    fn reader_ref(&self, start: u64) -> IdRef {
        match self.len {
            Self::LOCATION => IdRef::Location,
            Self::FOLDER_PATH => IdRef::FolderPath,
            len => IdRef::Span {
                start: start + u64::from(self.at),
                len,
            },
        }
    }

    /// Moves an owned id's index by `base` (the owned ids of the chunks before its own).
    pub(crate) fn shift_owned(&mut self, base: usize) {
        if self.len == Self::OWNED {
            self.at += base as u32;
        }
    }
}

/// Everything read from the inputs: sources, documents, signatures.
#[derive(Debug)]
pub struct Corpus {
    /// The inputs.
    pub(crate) sources: Vec<Source>,
    /// The documents, in input order (`DocId` = index).
    pub(crate) docs: Stored<DocMeta>,
    /// The ids that are JSON strings with escapes, unescaped, in the order of their documents
    /// (the others are read from the records again).
    pub(crate) owned_ids: Vec<Box<str>>,
    /// MinHash signatures, `num_perm` slots per document, flat (empty with SimHash alone): in
    /// memory, or under a memory limit in a mapped file of the work folder
    /// ([`Corpus::signatures`]).
    pub(crate) sigs: Slots,
    /// SimHash fingerprints, one per document (empty with MinHash alone).
    pub fingerprints: Vec<u64>,
    /// The lines of every document: hash and bytes of each line with tokens, in order (with
    /// boilerplate handling on; empty otherwise).
    pub(crate) lines: boilerplate::LineStore,
    /// The tokens of the documents the boilerplate pass may sign again, as far as a memory
    /// budget allows (see [`super::sign::TokenPart`]); emptied by that pass.
    pub(crate) tokens: super::sign::TokenStore,
    /// The boilerplate lines found (hashes of normalized lines) and in how many clusters each
    /// occurs.
    pub(crate) boilerplate: HashKeyed<u32>,
    /// Documents holding at least one boilerplate line (re-signed without them).
    pub boilerplate_docs: usize,
    /// Documents made mostly of boilerplate lines that set aside only their most widespread
    /// ones ([`boilerplate::set_aside`]), each with the fewest groups of a line it sets aside,
    /// by document.
    pub(crate) set_aside_from: Vec<(u32, u32)>,
    /// The pairs of the first pass's clusters between two documents made mostly of boilerplate
    /// lines, one of which sets some aside, with their first-pass similarity: those documents'
    /// whole texts are their content, so the later passes join them again whatever their new
    /// signatures say. Sorted.
    pub(crate) joined_whole: Vec<(u32, u32, f64)>,
    /// The documents the boilerplate pass signed again (empty before it).
    pub(crate) resigned: BitVec,
    /// Slots per signature (0 with SimHash alone).
    pub num_perm: usize,
    /// The seed the documents were signed with.
    pub seed: u64,
    /// Bad records skipped (with `--on-error skip`).
    pub skipped: u64,
    /// The first few skipped records' errors, for warnings.
    pub skipped_sample: Vec<RecordError>,
    /// Total text bytes of the documents.
    pub text_bytes: u64,
    /// Total input bytes (decompressed).
    pub input_bytes: u64,
    /// Pairs of documents that carry the same id (first place, later place).
    pub duplicate_ids: Vec<(DocId, DocId)>,
    /// The work folder of a run under a memory limit (removed when the corpus is dropped).
    pub(crate) work: Option<Arc<WorkDir>>,
}

impl Corpus {
    /// The boilerplate lines document `d` sets aside (all of them, unless it is made mostly of
    /// boilerplate: [`boilerplate::set_aside`]).
    pub(crate) fn strip(&self, d: u32) -> boilerplate::Strip<'_> {
        boilerplate::Strip::of(&self.boilerplate, &self.set_aside_from, d)
    }

    /// The MinHash signatures, `num_perm` slots per document, flat, in document order (empty
    /// with SimHash alone), wherever they are kept.
    pub fn signatures(&self) -> &[u32] {
        &self.sigs
    }
    /// Bytes the run wrote to its work folder (0 without a memory limit).
    pub fn spilled_bytes(&self) -> u64 {
        self.work.as_ref().map_or(0, |w| w.spilled_bytes())
    }
    /// Whether the run is under a memory limit, where the input pages of records passed over
    /// are given back ([`Corpus::sweep`]).
    pub(crate) fn is_limited(&self) -> bool {
        self.work.is_some()
    }
    /// A pass over the records in input order that, under a memory limit, gives back the input
    /// pages behind it (call [`Sweep::at`] with each document as it comes).
    pub(crate) fn sweep(&self) -> Sweep<'_> {
        Sweep { corpus: self, from: 0 }
    }
    /// Under a memory limit, gives back the input pages of every record and the pages of the
    /// records' file (after reading records in no order, e.g. the ids of cluster members).
    pub(crate) fn release_inputs(&self) {
        if self.is_limited() {
            for s in &self.sources {
                s.release(0, s.bytes().len());
            }
            self.docs.release();
        }
    }
    /// Number of documents.
    pub fn len(&self) -> usize {
        self.docs.len()
    }
    /// Whether there are no documents.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }
    /// A document's signature.
    pub fn signature(&self, d: DocId) -> &[u32] {
        &self.sigs[d.index() * self.num_perm..(d.index() + 1) * self.num_perm]
    }
    /// `FILE:LINE` of a document.
    pub fn location(&self, d: DocId) -> String {
        let m = &self.docs[d.index()];
        format!("{}:{}", self.sources[m.source as usize].name(), m.line)
    }
    /// A document's id: its id field, its folder-relative path, or `FILE:LINE`.
    pub fn id(&self, d: DocId) -> Cow<'_, str> {
        let m = &self.docs[d.index()];
        match m.id.owned() {
            Some(i) => Cow::Borrowed(&self.owned_ids[i]),
            None if m.id.is_location() => Cow::Owned(self.location(d)),
            None => id_of(&self.sources[m.source as usize], &m.id.reader_ref(m.start)),
        }
    }

    /// Every document's text length, in order (a column of the clustering).
    pub(crate) fn text_lens(&self) -> Vec<u64> {
        self.column(|d| u64::from(d.text_len))
    }

    /// Every document's shingle count, in order.
    pub(crate) fn shingle_counts(&self) -> Vec<u64> {
        self.column(|d| u64::from(d.shingles))
    }

    /// Every document's exact key, in order.
    pub(crate) fn exact_keys(&self) -> Vec<u64> {
        self.column(|d| d.exact)
    }

    /// One value of every document's record, in order; the records' pages given back after
    /// (under a memory limit, where they are mapped from the work folder).
    fn column<T>(&self, value: impl Fn(&DocMeta) -> T) -> Vec<T> {
        let out = self.docs.iter().map(value).collect();
        self.docs.release();
        out
    }
    /// The record's bytes as they are in the input.
    pub fn record(&self, d: DocId) -> &[u8] {
        let m = &self.docs[d.index()];
        &self.sources[m.source as usize].bytes()[m.start as usize..m.end() as usize]
    }
    /// A document's language label, the string field `name` of its JSON record: `None` where
    /// the field is absent, null or empty, or the input holds no JSON records (a folder of
    /// texts). A field holding anything else (a number, a list, an object) is an error naming
    /// the record's file and line: a label the run cannot read is not passed over in silence.
    pub fn label(&self, d: DocId, name: &str) -> Result<Option<String>> {
        if self.source_of(d).format() != reader::Format::Jsonl {
            return Ok(None);
        }
        let m = &self.docs[d.index()];
        let bad = |kind| Error::Record(reader::record_error(&self.sources[m.source as usize], m.line, kind));
        // Read with the reader's own scanner (what it accepted, this reads alike); of a key
        // given twice, the last value counts, as JSON readers take it.
        let record = self.record(d);
        let values = reader::json::member_values(record, name).map_err(bad)?;
        let Some(&(start, end)) = values.last() else {
            return Ok(None);
        };
        match &record[start..end] {
            b"null" => Ok(None),
            [b'"', inner @ .., b'"'] => {
                // Only the value's bytes are decoded (the record was checked as UTF-8 when it
                // was read, and its escapes as JSON).
                let value = std::str::from_utf8(inner)
                    .map_err(|e| bad(RecordErrorKind::InvalidUtf8(start + 1 + e.valid_up_to())))?;
                // As the reader hands a text over: escaped only if it holds escapes, which the
                // scanner has validated.
                let text = match value.contains('\\') {
                    true => reader::Text::Json(value),
                    false => reader::Text::Plain(value),
                };
                let mut scratch = String::new();
                let label = text.resolve(&mut scratch);
                Ok((!label.is_empty()).then(|| label.to_string()))
            }
            _ => Err(bad(RecordErrorKind::LangNotString(name.to_string()))),
        }
    }

    /// Every document's [`Corpus::label`] from field `name`, each distinct label stored once;
    /// the error of the first record (in input order) whose label cannot be read.
    pub(crate) fn labels(&self, name: &str) -> Result<Labels> {
        const CHUNK: usize = 1 << 16;
        let mut labels = Labels::default();
        // Each distinct label once, numbered in order of first appearance.
        let mut ids: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
        for start in (0..self.len()).step_by(CHUNK) {
            let end = (start + CHUNK).min(self.len());
            let read: Vec<Result<Option<String>>> = (start..end)
                .into_par_iter()
                .map(|d| self.label(DocId(d as u32), name))
                .collect();
            for label in read {
                let id = match label? {
                    None => u32::MAX,
                    Some(l) => {
                        let next = ids.len() as u32;
                        *ids.entry(l).or_insert(next)
                    }
                };
                labels.of.push(id);
            }
        }
        labels.names = vec![String::new(); ids.len()];
        for (name, id) in ids {
            labels.names[id as usize] = name;
        }
        Ok(labels)
    }
    /// The source a document comes from.
    pub(crate) fn source_of(&self, d: DocId) -> &Source {
        &self.sources[self.docs[d.index()].source as usize]
    }
    /// Reads a document's text again.
    pub fn text(&self, d: DocId, opts: &ReadOptions) -> String {
        let m = &self.docs[d.index()];
        let src = &self.sources[m.source as usize];
        let chunk = Chunk {
            source: m.source,
            start: m.start as usize,
            end: m.end() as usize,
        };
        let mut out = String::new();
        let mut scratch = String::new();
        reader::read_chunk(src, chunk, opts, |r| out = r.text.resolve(&mut scratch).to_string());
        out
    }
}

/// Records passed over in input order whose input pages are given back under a memory limit
/// ([`Corpus::sweep`]).
pub(crate) struct Sweep<'a> {
    corpus: &'a Corpus,
    from: usize,
}

/// Records read between two givings back of input pages under a memory limit (by a [`Sweep`],
/// and by passes that read records in no order, see [`Corpus::release_inputs`]).
pub(crate) const RELEASE_EVERY: usize = 4096;

impl Sweep<'_> {
    /// The pass has come to document `d` (documents before it are done).
    pub(crate) fn at(&mut self, d: usize) {
        if self.corpus.is_limited() && d >= self.from + RELEASE_EVERY {
            self.release(d);
        }
    }

    /// Gives back the pages of the records `from..to`, one range per source they lie in, and
    /// those of their entries in the records' file.
    fn release(&mut self, to: usize) {
        let to = to.min(self.corpus.docs.len());
        let docs = &self.corpus.docs[self.from..to];
        for run in docs.chunk_by(|a, b| a.source == b.source) {
            if let (Some(first), Some(last)) = (run.first(), run.last()) {
                self.corpus.sources[first.source as usize].release(first.start as usize, last.end() as usize);
            }
        }
        self.corpus.docs.release_range(self.from, to);
        self.from = to;
    }
}

impl Drop for Sweep<'_> {
    fn drop(&mut self) {
        if self.corpus.is_limited() {
            self.release(self.corpus.docs.len());
        }
    }
}

/// Pairs (first place, later place) of documents whose explicit ids are equal, ordered by the
/// later place. The ids are hashed (12 bytes per document, sorted), and only documents whose
/// hashes are equal are compared by their ids.
pub(super) fn find_duplicate_ids(corpus: &Corpus) -> Vec<(DocId, DocId)> {
    let mut sweep = corpus.sweep();
    let mut keyed: Vec<(u64, u32)> = Vec::new();
    for (i, m) in corpus.docs.iter().enumerate() {
        sweep.at(i);
        if !m.id.is_location() {
            keyed.push((xxh3_64(corpus.id(DocId(i as u32)).as_bytes()), i as u32));
        }
    }
    drop(sweep);
    keyed.par_sort_unstable();
    let mut dups = Vec::new();
    for equal in keyed.chunk_by(|a, b| a.0 == b.0).filter(|g| g.len() > 1) {
        // In input order: each document after the first place of its id pairs with that place.
        let ids: Vec<(Cow<'_, str>, u32)> = equal.iter().map(|&(_, d)| (corpus.id(DocId(d)), d)).collect();
        for (j, (id, d)) in ids.iter().enumerate().skip(1) {
            if let Some((_, first)) = ids[..j].iter().find(|(other, _)| other == id) {
                dups.push((DocId(*first), DocId(*d)));
            }
        }
    }
    corpus.release_inputs();
    dups.sort_unstable_by_key(|&(_, later)| later);
    dups
}

/// The id a record's [`IdRef`] names in `src` (its location for [`IdRef::Location`] is the
/// caller's: it needs the line).
pub(crate) fn id_of<'a>(src: &'a reader::Source, id: &IdRef) -> Cow<'a, str> {
    match id {
        IdRef::Span { start, len } => {
            let b = &src.bytes()[*start as usize..*start as usize + *len as usize];
            // The reader validated the record as UTF-8 and spans lie on char boundaries.
            String::from_utf8_lossy(b)
        }
        IdRef::Owned(s) => Cow::Owned(s.to_string()),
        IdRef::FolderPath => Cow::Borrowed(src.folder_id().unwrap_or(src.name())),
        IdRef::Location => Cow::Borrowed(src.name()),
    }
}

/// The language labels of a corpus's documents ([`Corpus::labels`]): per document the index of
/// its label in `names`, or `u32::MAX` for none.
#[derive(Debug, Default)]
pub(crate) struct Labels {
    of: Vec<u32>,
    names: Vec<String>,
}

impl Labels {
    /// Document `d`'s label, if it has one.
    pub(crate) fn get(&self, d: u32) -> Option<&str> {
        let i = *self.of.get(d as usize)?;
        self.names.get(i as usize).map(String::as_str)
    }
}
