//! Reading and signing: every record of the sources read, normalized, tokenized and signed,
//! chunk by chunk in parallel, and the chunks put together in input order.
//!
//! In: opened [`Source`]s and the pass's settings. Out: a [`Corpus`] (every document's place, id
//! and signature, the lines and tokens the boilerplate pass needs).

use super::corpus::find_duplicate_ids;
use super::sign::{self, SignCtx, uses_simhash};
use super::{Corpus, Dedup, DocMeta};
use crate::error::{Error, Result};
use crate::reader::{self, Source};
use crate::spans::{HashKeyed, boilerplate};
use crate::spill::{RunWriter, Slots};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

struct ChunkResult {
    docs: Vec<DocMeta>,
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
        let chunks = reader::chunks(&sources, self.chunk_bytes);
        // Under a memory limit the signatures go to a file of the work folder, chunk by chunk
        // in input order, and the inputs' pages are given back once read.
        let work = self.work_dir()?;
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
        let caps: Vec<usize> = chunks
            .par_iter()
            .map(|c| {
                let cap = reader::max_records(&sources[c.source as usize], *c);
                release(c);
                cap
            })
            .collect();
        let in_memory = if work.is_some() {
            0
        } else {
            caps.iter().sum::<usize>() * k
        };
        let mut sigs = vec![0u32; in_memory];
        // Each chunk's slice of that buffer, or `None`: the chunk signs into a buffer of its own
        // that goes to the work folder's file.
        let mut slices: Vec<(usize, Option<&mut [u32]>)> = Vec::with_capacity(chunks.len());
        let mut rest: &mut [u32] = &mut sigs;
        for (ci, &cap) in caps.iter().enumerate() {
            if work.is_some() {
                slices.push((ci, None));
                continue;
            }
            let (slice, tail) = std::mem::take(&mut rest).split_at_mut(cap * k);
            slices.push((ci, Some(slice)));
            rest = tail;
        }
        // Chunks are handed out one at a time, largest first, to whichever thread is free (a
        // chunk holding one huge document started last would leave the other threads idle at
        // the end), and put back in input order after. Under a memory limit they go in input
        // order, so that few chunks' signatures wait for those before them to be written.
        if work.is_none() {
            slices.sort_by_key(|(ci, _)| std::cmp::Reverse(chunks[*ci].end - chunks[*ci].start));
        }
        let spilled = match &work {
            Some(w) => Some(InOrder::new(w.create("signatures", 1 << 20)?)),
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
                |ctx, (ci, slice)| {
                    let chunk = chunks[ci];
                    let src = &sources[chunk.source as usize];
                    // Sized for the chunk's lines, the most records it can hold (one per line
                    // in the line formats): no growth by doubling.
                    let mut docs = Vec::with_capacity(caps[ci]);
                    let mut fps = Vec::new();
                    let mut text_bytes = 0u64;
                    let mut own = if slice.is_none() {
                        vec![0u32; caps[ci] * k]
                    } else {
                        Vec::new()
                    };
                    let slice: &mut [u32] = match slice {
                        Some(s) => s,
                        None => &mut own,
                    };
                    ctx.reserve(chunk.end - chunk.start);
                    let outcome = reader::read_chunk(src, chunk, &self.read, |r| {
                        let at = docs.len() * k;
                        // A record is one line, so the chunk's slice has room for it.
                        let (signed, text_len) = ctx.sign_text(r.text, &mut slice[at..at + k]);
                        if with_fps {
                            fps.push(signed.fingerprint);
                        }
                        let shingles = signed.shingles;
                        text_bytes += text_len;
                        docs.push(DocMeta {
                            exact: signed.exact,
                            source: chunk.source,
                            line: r.line_in_chunk,
                            start: r.start as u64,
                            end: r.end as u64,
                            text_len,
                            shingles,
                            id: r.id,
                        });
                    });
                    // The chunk's lines, one entry per document signed (none without
                    // boilerplate handling).
                    let mut lines = std::mem::take(&mut ctx.lines);
                    let mut tokens = std::mem::take(&mut ctx.tokens);
                    // What the reservation left unused goes back (address space only).
                    lines.shrink_to_fit();
                    tokens.shrink_to_fit();
                    if let Some(w) = &spilled {
                        own.truncate(docs.len() * k);
                        w.put(ci, own);
                    }
                    release(&chunk);
                    if let Some(p) = &self.progress {
                        p((chunk.end - chunk.start) as u64);
                    }
                    (
                        ci,
                        ChunkResult {
                            docs,
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
        // Every chunk index was processed exactly once.
        let results: Vec<ChunkResult> = slots.into_iter().flatten().collect();

        // Stitch chunks together in input order, turning chunk-relative lines into absolute ones.
        let n: usize = results.iter().map(|r| r.docs.len()).sum();
        let mut docs = Vec::with_capacity(n);
        let sigs: Slots = match spilled {
            Some(w) => w.finish()?.into_slots()?,
            None => close_up(sigs, &results, &caps, k).into(),
        };
        let mut fingerprints = Vec::with_capacity(if with_fps { n } else { 0 });
        let mut lines = boilerplate::LineStore::default();
        let mut tokens = sign::TokenStore::default();
        let mut skipped = 0;
        let mut skipped_sample = Vec::new();
        let mut text_bytes = 0;
        let mut line_base = 0u64;
        let mut last_source = u32::MAX;
        for (chunk, r) in chunks.iter().zip(results) {
            if chunk.source != last_source {
                line_base = 0;
                last_source = chunk.source;
            }
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
            docs.extend(r.docs.into_iter().map(|mut d| {
                d.line += line_base;
                d
            }));
            fingerprints.extend_from_slice(&r.fps);
            if self.config.boilerplate {
                lines.push_part(r.lines);
                tokens.push_part(r.tokens);
            }
            text_bytes += r.text_bytes;
            line_base += r.outcome.lines;
        }
        if docs.len() > u32::MAX as usize {
            return Err(Error::Config("more than 2^32 documents in one run".into()));
        }
        let input_bytes = sources.iter().map(|s| s.bytes().len() as u64).sum();
        let mut corpus = Corpus {
            sources,
            docs,
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
    let mut written = 0;
    let mut cap_start = 0;
    for (r, &cap) in results.iter().zip(caps) {
        let len = r.docs.len() * k;
        sigs.copy_within(cap_start..cap_start + len, written);
        written += len;
        cap_start += cap * k;
    }
    sigs.truncate(written);
    sigs.shrink_to_fit();
    sigs
}

/// The chunks' signatures written to a file in input order as chunks finish in any order: a
/// chunk's waits in memory until those before it are written.
struct InOrder {
    state: Mutex<InOrderState>,
}

struct InOrderState {
    next: usize,
    waiting: BTreeMap<usize, Vec<u32>>,
    out: RunWriter,
    error: Option<Error>,
}

impl InOrder {
    fn new(out: RunWriter) -> Self {
        InOrder {
            state: Mutex::new(InOrderState {
                next: 0,
                waiting: BTreeMap::new(),
                out,
                error: None,
            }),
        }
    }

    /// Chunk `ci`'s signatures: written now if every chunk before it was.
    fn put(&self, ci: usize, sigs: Vec<u32>) {
        let mut s = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        s.waiting.insert(ci, sigs);
        loop {
            let next = s.next;
            let Some(v) = s.waiting.remove(&next) else {
                break;
            };
            if s.error.is_none()
                && let Err(e) = s.out.write_u32s(&v)
            {
                s.error = Some(e);
            }
            s.next += 1;
        }
    }

    /// The file, once every chunk was put (or the first error writing it).
    fn finish(self) -> Result<RunWriter> {
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
