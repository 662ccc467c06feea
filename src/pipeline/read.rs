//! Reading and signing: every record of the sources read, normalized, tokenized and signed,
//! chunk by chunk in parallel, and the chunks put together in input order.
//!
//! In: opened [`Source`]s and the pass's settings. Out: a [`Corpus`] (every document's place, id
//! and signature, the lines and tokens the boilerplate pass needs).

use super::corpus::StoredId;
use super::corpus::find_duplicate_ids;
use super::sign::{self, SignCtx, uses_simhash};
use super::{Corpus, Dedup, DocMeta};
use crate::error::{Error, Result};
use crate::reader::{self, Source};
use crate::spans::{HashKeyed, boilerplate};
use crate::spill::{RunWriter, Slots, Stored};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::mem::MaybeUninit;
use std::sync::{Arc, Mutex};

struct ChunkResult {
    /// How many documents the chunk wrote at the start of its slice of the document buffer.
    docs: usize,
    /// Its ids that are JSON strings with escapes, unescaped (see [`StoredId`]).
    owned: Vec<Box<str>>,
    fps: Vec<u64>,
    lines: boilerplate::LinePart,
    tokens: sign::TokenPart,
    outcome: reader::ChunkOutcome,
    text_bytes: u64,
}

impl Dedup {
    /// Reads and signs every document of `sources` (in the current rayon pool).
    pub fn read_sources(&self, sources: Vec<Source>) -> Result<Corpus> {
        let k = sign::slots(&self.config);
        let with_fps = uses_simhash(self.config.method);
        // Under a memory limit the signatures go to a file of the work folder, chunk by chunk
        // in input order, and the inputs' pages are given back once read. The folder comes
        // first: a work folder that cannot be made is an error before any input is read.
        let work = self.work_dir()?;
        let chunks = reader::chunks(&sources, self.chunk_bytes);
        let release = |c: &reader::Chunk| {
            if work.is_some() {
                sources[c.source as usize].release(c.start, c.end);
            }
        };
        // The bytes of tokens the whole run may keep for the boilerplate pass.
        let cache_bytes = match &work {
            Some(w) => sign::TOKEN_CACHE_BYTES.min(w.budget() / 4),
            None => sign::TOKEN_CACHE_BYTES,
        };
        let cache = Arc::new(std::sync::atomic::AtomicUsize::new(cache_bytes));
        // The signatures go straight into one buffer sized for the most records the chunks can
        // hold (pages never written are never resident), each chunk into its own slice; the
        // slices are closed up afterwards. No per-chunk copy exists beside the final one.
        // In memory, the records each chunk can hold, counted before any is read, to size the
        // buffers; under a memory limit each chunk counts its own as it is read (counting them
        // all first would read the whole input once more): no capacities then, and no buffers.
        let caps: Vec<usize> = match work {
            Some(_) => Vec::new(),
            None => chunks
                .par_iter()
                .map(|c| reader::max_records(&sources[c.source as usize], *c))
                .collect(),
        };
        let mut sigs = vec![0u32; caps.iter().sum::<usize>() * k];
        // The documents' records likewise go straight into one buffer, each chunk's at the start
        // of its own slice, closed up afterwards: no chunk keeps a vector of its own that would
        // be copied into the whole and freed (the heap rarely gives such holes back to the
        // system: on 2 M short documents under `--memory-limit 256M`, 120 MB stayed resident).
        // Under a memory limit they go to a file of the work folder instead, renumbered, chunk
        // by chunk in input order, as the signatures do.
        let mut docs: Vec<DocMeta> = Vec::with_capacity(caps.iter().sum());
        let mut doc_rest = docs.spare_capacity_mut();
        // Each chunk's slices of those buffers; `None` when the chunk writes into buffers of its
        // own that go to the work folder's files.
        type ChunkSlices<'a> = (usize, Option<&'a mut [u32]>, Option<&'a mut [MaybeUninit<DocMeta>]>);
        let mut slices: Vec<ChunkSlices<'_>> = Vec::with_capacity(chunks.len());
        let mut rest: &mut [u32] = &mut sigs;
        for ci in 0..chunks.len() {
            let Some(&cap) = caps.get(ci) else {
                slices.push((ci, None, None));
                continue;
            };
            let (doc_slice, doc_tail) = std::mem::take(&mut doc_rest).split_at_mut(cap);
            doc_rest = doc_tail;
            let (slice, tail) = std::mem::take(&mut rest).split_at_mut(cap * k);
            slices.push((ci, Some(slice), Some(doc_slice)));
            rest = tail;
        }
        // Chunks are handed out one at a time, largest first, to whichever thread is free (a
        // chunk holding one huge document started last would leave the other threads idle at
        // the end), and put back in input order after. Under a memory limit they go in input
        // order, so that few chunks' signatures wait for those before them to be written.
        if work.is_none() {
            slices.sort_by_key(|(ci, _, _)| std::cmp::Reverse(chunks[*ci].end - chunks[*ci].start));
        }
        let spilled = match &work {
            Some(w) => Some(InOrder::new(w.create("signatures", 1 << 20)?, |out, sigs: Vec<u32>| {
                out.write_u32s(&sigs)
            })),
            None => None,
        };
        // The boilerplate pass's lines under a memory limit: three files (see LineStore).
        let spilled_lines = match &work {
            Some(w) if self.config.boilerplate => {
                let files = [
                    w.create("line-hashes", 1 << 20)?,
                    w.create("line-bytes", 1 << 20)?,
                    w.create("line-ends", 1 << 20)?,
                ];
                Some(InOrder::new(
                    boilerplate::LineWriter::new(files),
                    |out, lines: boilerplate::LinePart| out.write(&lines),
                ))
            }
            _ => None,
        };
        // The documents' records under a memory limit: each chunk's renumbered (lines from the
        // start of its source, owned ids from the start of the table) as it is written.
        let mut renumber = Renumber::default();
        let spilled_docs = match &work {
            Some(w) => Some(InOrder::new(
                w.create("documents", 1 << 20)?,
                move |out, (mut docs, chunk, lines, owned): (Vec<DocMeta>, reader::Chunk, u64, usize)| {
                    renumber.chunk(chunk.source, lines, owned, &mut docs);
                    out.write_plain(&docs)
                },
            )),
            None => None,
        };
        let processed: Vec<(usize, ChunkResult)> = slices
            .into_iter()
            .par_bridge()
            .map_init(
                || {
                    let mut ctx = SignCtx::new(&self.config);
                    ctx.cache = self.config.boilerplate.then(|| cache.clone());
                    ctx
                },
                |ctx, (ci, slice, doc_slice)| {
                    let chunk = chunks[ci];
                    let src = &sources[chunk.source as usize];
                    // The chunk's slice of the document buffer is sized for its lines, the most
                    // records it can hold (one per line in the line formats).
                    let mut n_docs = 0;
                    let mut owned = Vec::new();
                    let mut fps = Vec::new();
                    let mut text_bytes = 0u64;
                    let mut own = if slice.is_none() {
                        vec![0u32; reader::max_records(src, chunk) * k]
                    } else {
                        Vec::new()
                    };
                    let mut own_docs: Vec<DocMeta> = Vec::new();
                    let mut doc_slice = doc_slice;
                    let slice: &mut [u32] = match slice {
                        Some(s) => s,
                        None => &mut own,
                    };
                    ctx.reserve(chunk.end - chunk.start);
                    let outcome = reader::read_chunk(src, chunk, &self.read, |r| {
                        let at = n_docs * k;
                        // A record is one line, so the chunk's slice has room for it.
                        let (signed, text_len) = ctx.sign_text(r.text, &mut slice[at..at + k]);
                        if with_fps {
                            fps.push(signed.fingerprint);
                        }
                        let shingles = signed.shingles;
                        text_bytes += text_len;
                        let meta = DocMeta {
                            exact: signed.exact,
                            source: chunk.source,
                            line: r.line_in_chunk,
                            start: r.start as u64,
                            // The reader refuses records of 4 GiB or more.
                            len: (r.end - r.start) as u32,
                            text_len: DocMeta::count(text_len),
                            shingles: DocMeta::count(shingles),
                            id: StoredId::of(r.id, r.start, &mut owned),
                        };
                        match doc_slice.as_deref_mut() {
                            Some(s) => {
                                s[n_docs].write(meta);
                            }
                            None => own_docs.push(meta),
                        }
                        n_docs += 1;
                    });
                    // The chunk's lines, one entry per document signed (none without
                    // boilerplate handling).
                    let mut lines = std::mem::take(&mut ctx.lines);
                    if let Some(w) = &spilled_lines {
                        w.put(ci, std::mem::take(&mut lines));
                    }
                    let mut tokens = std::mem::take(&mut ctx.tokens);
                    // What the reservation left unused goes back (address space only).
                    lines.shrink_to_fit();
                    tokens.shrink_to_fit();
                    if let Some(w) = &spilled {
                        own.truncate(n_docs * k);
                        w.put(ci, own);
                    }
                    if let Some(w) = &spilled_docs {
                        w.put(ci, (own_docs, chunk, outcome.lines, owned.len()));
                    }
                    release(&chunk);
                    if let Some(p) = &self.progress {
                        p((chunk.end - chunk.start) as u64);
                    }
                    (
                        ci,
                        ChunkResult {
                            docs: n_docs,
                            owned,
                            fps,
                            lines,
                            tokens,
                            outcome,
                            text_bytes,
                        },
                    )
                },
            )
            .collect();
        let mut slots: Vec<Option<ChunkResult>> = (0..chunks.len()).map(|_| None).collect();
        for (ci, r) in processed {
            slots[ci] = Some(r);
        }
        // Every chunk index was processed exactly once (the closing up below relies on it).
        let results: Vec<ChunkResult> = slots.into_iter().flatten().collect();
        assert_eq!(results.len(), chunks.len(), "a chunk's result is missing");

        // Close up the chunks' document slices, in input order (in memory: under a memory
        // limit the chunks wrote their records to the file).
        let mut written = 0;
        if work.is_none() {
            let base = docs.as_mut_ptr();
            for (from, to, len) in close_up_moves(&results, &caps) {
                // SAFETY: the chunk wrote its first `len` records at `from` (see
                // close_up_moves), and `to <= from`: the records are moved down (`copy` allows
                // the ranges to overlap) to follow those of the chunks before, which leaves
                // `0..written` initialized, each record once. What lies past it is never read.
                unsafe { std::ptr::copy(base.add(from), base.add(to), len) };
                written += len;
            }
        }
        // SAFETY: `0..written` is initialized (above) and within the capacity (none under a
        // memory limit: the chunks wrote their records to the file).
        unsafe { docs.set_len(written) };
        docs.shrink_to_fit();
        let sigs: Slots = match spilled {
            Some(w) => w.finish()?.into_slots()?,
            None => close_up(sigs, &results, &caps, k).into(),
        };
        // Turn chunk-relative lines into absolute ones, and each chunk's owned ids into
        // indices of the corpus's table (the file's records were renumbered as written).
        let mut first_doc = 0;
        let mut renumber = Renumber::default();
        let mut fingerprints = Vec::with_capacity(if with_fps { written } else { 0 });
        let mut lines = boilerplate::LineStore::default();
        let mut tokens = sign::TokenStore::default();
        let mut owned_ids = Vec::new();
        let mut skipped = 0;
        let mut skipped_sample = Vec::new();
        let mut text_bytes = 0;
        for (chunk, r) in chunks.iter().zip(results) {
            let line_base = renumber.line_base(chunk.source);
            let src = &sources[chunk.source as usize];
            for (line, kind) in r.outcome.errors {
                let e = reader::record_error(src, line_base + line, kind);
                if self.read.on_error == reader::OnError::Fail {
                    return Err(e.into());
                }
                skipped += 1;
                if skipped_sample.len() < 10 {
                    skipped_sample.push(e);
                }
            }
            let in_memory = if work.is_some() { 0 } else { r.docs };
            renumber.chunk(
                chunk.source,
                r.outcome.lines,
                r.owned.len(),
                &mut docs[first_doc..first_doc + in_memory],
            );
            owned_ids.extend(r.owned);
            first_doc += in_memory;
            fingerprints.extend_from_slice(&r.fps);
            if self.config.boilerplate {
                lines.push_part(r.lines);
                tokens.push_part(r.tokens);
            }
            text_bytes += r.text_bytes;
        }
        let docs: Stored<DocMeta> = match spilled_docs {
            Some(w) => w.finish()?.into_store()?,
            None => docs.into(),
        };
        if let Some(w) = spilled_lines {
            lines = w.finish()?.finish()?;
        }
        if work.is_some() {
            // What the chunks freed (buffers of the signing contexts, reservations given back)
            // goes back to the system rather than staying in the heap's free lists.
            crate::spill::give_back_freed_heap();
        }
        if docs.len() > u32::MAX as usize {
            return Err(Error::Config("more than 2^32 documents in one run".into()));
        }
        let input_bytes = sources.iter().map(|s| s.bytes().len() as u64).sum();
        let mut corpus = Corpus {
            sources,
            docs,
            owned_ids,
            sigs,
            fingerprints,
            work,
            lines,
            tokens,
            boilerplate: HashKeyed::default(),
            boilerplate_docs: 0,
            set_aside_from: Vec::new(),
            joined_whole: Vec::new(),
            resigned: bitvec::vec::BitVec::EMPTY,
            num_perm: k,
            seed: self.config.seed,
            skipped,
            skipped_sample,
            text_bytes,
            input_bytes,
            duplicate_ids: Vec::new(),
        };
        corpus.duplicate_ids = find_duplicate_ids(&corpus);
        Ok(corpus)
    }
}

/// Closes up the signature slices of the chunks (each chunk's slice starts where the capacity of
/// the chunks before it ends).
fn close_up(mut sigs: Vec<u32>, results: &[ChunkResult], caps: &[usize], k: usize) -> Vec<u32> {
    for (from, to, len) in close_up_moves(results, caps) {
        sigs.copy_within(from * k..(from + len) * k, to * k);
    }
    sigs.truncate(results.iter().map(|r| r.docs).sum::<usize>() * k);
    sigs.shrink_to_fit();
    sigs
}

/// How the chunks' slices of a buffer are closed up, in documents: each chunk's slice starts
/// where the capacity (`caps`) of the chunks before it ends, and its records are moved from
/// there to follow those of the chunks before it: `(from, to, len)` with `to <= from`.
fn close_up_moves<'a>(
    results: &'a [ChunkResult],
    caps: &'a [usize],
) -> impl Iterator<Item = (usize, usize, usize)> + 'a {
    results
        .iter()
        .zip(caps)
        .scan((0, 0), |(cap_start, written), (r, &cap)| {
            let m = (*cap_start, *written, r.docs);
            *cap_start += cap;
            *written += r.docs;
            Some(m)
        })
}

/// The chunks' signatures, records or lines written to files in input order as chunks finish
/// in any order: a chunk's wait in memory until those before it are written (by `write`, to
/// `out`).
struct InOrder<V, W = RunWriter> {
    state: Mutex<InOrderState<V, W>>,
}

/// How an [`InOrder`] writes one chunk's values.
type WriteChunk<V, W> = Box<dyn FnMut(&mut W, V) -> Result<()> + Send>;

struct InOrderState<V, W> {
    next: usize,
    waiting: BTreeMap<usize, V>,
    out: W,
    write: WriteChunk<V, W>,
    error: Option<Error>,
}

impl<V, W> InOrder<V, W> {
    fn new(out: W, write: impl FnMut(&mut W, V) -> Result<()> + Send + 'static) -> Self {
        InOrder {
            state: Mutex::new(InOrderState {
                next: 0,
                waiting: BTreeMap::new(),
                out,
                write: Box::new(write),
                error: None,
            }),
        }
    }

    /// Chunk `ci`'s values: written now if every chunk before it was.
    fn put(&self, ci: usize, values: V) {
        let mut s = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        s.waiting.insert(ci, values);
        loop {
            let next = s.next;
            let Some(v) = s.waiting.remove(&next) else {
                break;
            };
            if s.error.is_none() {
                let InOrderState { out, write, .. } = &mut *s;
                if let Err(e) = write(out, v) {
                    s.error = Some(e);
                }
            }
            s.next += 1;
        }
    }

    /// The files, once every chunk was put (or the first error writing them).
    fn finish(self) -> Result<W> {
        let s = self
            .state
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match s.error {
            Some(e) => Err(e),
            None => Ok(s.out),
        }
    }
}

/// Chunk-relative numbers of the documents' records made absolute, chunk after chunk in input
/// order: lines counted from the start of the chunk's source, owned ids from the start of the
/// corpus's table ([`StoredId::shift_owned`]).
#[derive(Default)]
struct Renumber {
    source: Option<u32>,
    line_base: u64,
    owned_base: usize,
}

impl Renumber {
    /// The line before the next chunk's first, if it is of `source`.
    fn line_base(&mut self, source: u32) -> u64 {
        if self.source != Some(source) {
            self.source = Some(source);
            self.line_base = 0;
        }
        self.line_base
    }

    /// Renumbers the next chunk's `docs` (of `source`, `lines` lines, `owned` owned ids).
    fn chunk(&mut self, source: u32, lines: u64, owned: usize, docs: &mut [DocMeta]) {
        let line_base = self.line_base(source);
        for d in docs {
            d.line += line_base;
            d.id.shift_owned(self.owned_base);
        }
        self.line_base += lines;
        self.owned_base += owned;
    }
}
