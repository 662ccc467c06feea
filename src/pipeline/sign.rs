//! Signing documents: per-thread buffers that normalize, tokenize and shingle a text and write
//! its MinHash slots, SimHash fingerprint and exact key.
//!
//! In: a document's text (whole, in pieces for a long text, or without its boilerplate lines).
//! Out: its signature slots (written in place), and what else signing gave ([`Signed`]).

use crate::config::{Config, Method, SimHashWeights};
use crate::normalize::normalize_into;
use crate::reader::Text;
use crate::signature::simhash::{SimHashAcc, TfCounter};
use crate::signature::{MinHashKind, MinHasher, oph_insert};
use crate::spans::boilerplate;
use crate::tokenize::{LineSpan, Shingler};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use xxhash_rust::xxh3::Xxh3;

/// Per-thread buffers for signing documents.
pub(super) struct SignCtx {
    pub(super) norm: String,
    pub(super) json: String,
    pub(super) shingler: Shingler,
    pub(super) hashes: Vec<u64>,
    pub(super) hasher: MinHasher,
    pub(super) sim: SimHashAcc,
    pub(super) tf: TfCounter,
    /// Line hashes and lengths of the documents signed since the worker last took them, one
    /// entry per document (boilerplate handling on).
    pub(super) lines: boilerplate::LinePart,
    /// The lines of the last document, from the tokenizer (boilerplate handling on).
    pub(super) spans: Vec<LineSpan>,
    /// Long documents, classic MinHash: the signature of the current piece.
    pub(super) piece_sig: Vec<u32>,
    /// The exact key of the text signed in pieces, streamed ([`exact_key`]).
    pub(super) exact: Xxh3,
    /// Documents longer than this (in stored bytes) are signed piece by piece.
    pub(super) piece_bytes: usize,
    /// The tokens of the documents signed since the worker last took them, kept for the
    /// boilerplate pass while `cache` (the bytes the whole run may still keep) lasts.
    pub(super) tokens: TokenPart,
    pub(super) cache: Option<Arc<AtomicUsize>>,
    pub(super) config: Config,
}

/// Bytes of token hashes and line spans the first pass keeps for the boilerplate pass (see
/// [`TokenPart`]): a bound on memory, not a tuning; documents past it are read and tokenized
/// again, with the same result.
pub(crate) const TOKEN_CACHE_BYTES: usize = 1 << 28;

/// The tokens and lines of a run of consecutive documents as the first pass's tokenizer gave
/// them (a long document's pieces joined), so that the boilerplate pass can sign a document
/// again without its boilerplate lines without reading, normalizing and tokenizing it again
/// (most of the cost of signing). A document the budget has no room for is not kept. Of each
/// line only where it ends is kept (4 bytes, and 8 more for a line with characters of unspaced
/// scripts): its hash and length are in the first pass's [`boilerplate::LinePart`], line for
/// line.
#[derive(Debug, Default)]
pub(crate) struct TokenPart {
    tokens: Vec<u64>,
    /// Per line: one past its last token, counted from its document's first token.
    ends: Vec<u32>,
    /// The lines that hold characters of unspaced scripts: the line's index in its document
    /// and how many such characters it holds.
    ideos: Vec<(u32, u32)>,
    /// Per document up to the last one kept: one past its last entry in `tokens`, `ends` and
    /// `ideos`, how many of its tokens are characters of unspaced scripts, and whether it was
    /// kept. The documents refused after the last one kept are only counted
    /// (`refused_after`): once the budget is spent, a document costs nothing here.
    docs: Vec<DocEnd>,
    refused_after: usize,
    /// Whether the open document (added piece by piece) has been refused by the budget, and the
    /// bytes of it the budget granted so far (given back if it is refused).
    refused: bool,
    granted: usize,
}

/// Where a document of a [`TokenPart`] ends (16 bytes: the budget bounds what a part keeps,
/// [`TOKEN_CACHE_BYTES`] at most, so its offsets fit 32 bits).
#[derive(Debug, Clone, Copy, Default)]
struct DocEnd {
    tokens: u32,
    lines: u32,
    ideos: u32,
    /// Its unspaced-script characters if kept, [`DocEnd::REFUSED`] if not.
    ideo: u32,
}

impl DocEnd {
    const REFUSED: u32 = u32::MAX;
}

impl TokenPart {
    /// Reserves room for `tokens` more tokens and `lines` more lines.
    fn reserve(&mut self, tokens: usize, lines: usize) {
        self.tokens.reserve(tokens);
        self.ends.reserve(lines);
    }

    /// Gives back the room not used.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.tokens.shrink_to_fit();
        self.ends.shrink_to_fit();
        self.ideos.shrink_to_fit();
        self.docs.shrink_to_fit();
    }

    /// Where the open document starts.
    fn open(&self) -> DocEnd {
        self.docs.last().copied().unwrap_or_default()
    }

    /// Adds `tokens` to the open document, and its lines `spans` (token indices counting
    /// `kept` tokens of the previous piece in front), if `budget` has room for them.
    fn add(&mut self, budget: &AtomicUsize, tokens: &[u64], spans: &[LineSpan], kept: usize) {
        if self.refused {
            return;
        }
        let ideo_lines = spans.iter().filter(|l| l.ideo > 0).count();
        let bytes = std::mem::size_of_val(tokens)
            + spans.len() * std::mem::size_of::<u32>()
            + ideo_lines * std::mem::size_of::<(u32, u32)>();
        let granted = budget.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| left.checked_sub(bytes));
        if granted.is_err() {
            budget.fetch_add(std::mem::take(&mut self.granted), Ordering::Relaxed);
            self.refused = true;
            return;
        }
        self.granted += bytes;
        // Token and line indices within the document: those of this piece follow the ones
        // added before.
        let open = self.open();
        let base = (self.tokens.len() - open.tokens as usize) as u32;
        let line_base = self.ends.len() - open.lines as usize;
        if ideo_lines > 0 {
            let lines = spans.iter().enumerate().filter(|(_, l)| l.ideo > 0);
            self.ideos.extend(lines.map(|(i, l)| ((line_base + i) as u32, l.ideo)));
        }
        self.ends.extend(spans.iter().map(|l| l.end - kept as u32 + base));
        self.tokens.extend_from_slice(tokens);
    }

    /// Closes the open document (`ideo`: its unspaced-script characters); one the budget
    /// refused in part is not kept.
    fn end_doc(&mut self, ideo: usize) {
        self.granted = 0;
        let refused = std::mem::take(&mut self.refused);
        if refused {
            // Nothing of it was kept (what its first pieces were granted went back).
            let open = self.open();
            self.tokens.truncate(open.tokens as usize);
            self.ends.truncate(open.lines as usize);
            self.ideos.truncate(open.ideos as usize);
            self.refused_after += 1;
            return;
        }
        // The documents refused since the last one kept take their places before it.
        let open = DocEnd {
            ideo: DocEnd::REFUSED,
            ..self.open()
        };
        let placed = self.docs.len() + self.refused_after;
        self.docs.resize(placed, open);
        self.refused_after = 0;
        // A kept document's counts are below the budget's bound, so within 32 bits.
        self.docs.push(DocEnd {
            tokens: self.tokens.len() as u32,
            lines: self.ends.len() as u32,
            ideos: self.ideos.len() as u32,
            ideo: ideo.min(DocEnd::REFUSED as usize - 1) as u32,
        });
    }

    /// How many documents have a record (those up to the last one kept).
    #[cfg(test)]
    pub(crate) fn records(&self) -> usize {
        self.docs.len()
    }

    /// Document `i` of the part, if it was kept.
    pub(crate) fn doc(&self, i: usize) -> Option<CachedTokens<'_>> {
        let end = *self.docs.get(i)?;
        let start = if i == 0 { DocEnd::default() } else { self.docs[i - 1] };
        (end.ideo != DocEnd::REFUSED).then(|| CachedTokens {
            tokens: &self.tokens[start.tokens as usize..end.tokens as usize],
            ends: &self.ends[start.lines as usize..end.lines as usize],
            ideos: &self.ideos[start.ideos as usize..end.ideos as usize],
            ideo: end.ideo as usize,
        })
    }
}

/// The [`TokenPart`]s of a corpus, in document order.
pub(crate) type TokenStore = boilerplate::Parts<TokenPart>;

impl boilerplate::Part for TokenPart {
    fn docs(&self) -> usize {
        self.docs.len() + self.refused_after
    }
}

/// Document `d`'s tokens, if they were kept.
pub(crate) fn cached_tokens(store: &TokenStore, d: usize) -> Option<CachedTokens<'_>> {
    store.locate(d).and_then(|(part, i)| part.doc(i))
}

/// A document's tokens as [`TokenPart`] kept them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CachedTokens<'a> {
    /// Its token hashes.
    tokens: &'a [u64],
    /// Per line (those with tokens, in order): one past its last token.
    ends: &'a [u32],
    /// Its lines with characters of unspaced scripts (index in `ends`, how many), in order.
    ideos: &'a [(u32, u32)],
    /// How many of its tokens are characters of unspaced scripts.
    ideo: usize,
}

impl CachedTokens<'_> {
    /// How many lines (with tokens) the document has.
    pub(crate) fn lines(&self) -> usize {
        self.ends.len()
    }
}

/// Documents longer than this are signed in pieces of about this many bytes, so that a
/// thread's buffers stay bounded whatever the size of one document: the token buffer holds up
/// to 4 bytes per byte of text and the normalized copy about 1, so 32 KiB pieces keep both
/// under 200 KiB per thread. Pieces cost no speed since a piece signs one shingle size (best
/// of 15: 0.097 s CPU on the 32 MB slice with 128 KiB pieces, 0.102 s with 32 KiB; on the
/// 250 MB corpus 0.73 and 0.72 s); 32 KiB pieces take 88 KiB less peak anonymous memory on one
/// thread than 128 KiB ones (1 MiB pieces took 1.4 MB more than 128 KiB, 3.3 MB on two threads).
pub(super) const PIECE_BYTES: usize = 1 << 15;

/// What one pass of [`SignCtx::sign_pieces`] over a text gave.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct PiecePass {
    /// Stored bytes of the text after normalization, tokens, unspaced-script characters among
    /// them, and shingles signed.
    pub(super) len: usize,
    pub(super) tokens: usize,
    pub(super) ideo: usize,
    pub(super) shingles: usize,
    /// Whether the shingles signed were of characters.
    pub(super) chars: bool,
}

/// The key of a document's whole sequence of normalized tokens: the xxh3 of its token hashes
/// in order (their bytes in native order: keys never leave the run). Two documents with the
/// same words in the same order, case, punctuation and spacing aside, have one key, and so do
/// two empty documents. A text signed in pieces streams its tokens through [`Xxh3`], which gives
/// the hash of the whole.
pub(crate) fn exact_key(tokens: &[u64]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(crate::bytes::plain_bytes(tokens))
}

/// What signing one document gave besides its MinHash slots.
#[derive(Debug, Clone, Copy)]
pub(super) struct Signed {
    /// Shingles (MinHash) or features (SimHash only); 0 means the document takes no part.
    pub(super) shingles: u64,
    /// The key of the document's normalized token sequence ([`exact_key`]).
    pub(super) exact: u64,
    /// SimHash fingerprint (0 when SimHash is off).
    pub(super) fingerprint: u64,
}

pub(super) fn uses_minhash(m: Method) -> bool {
    m == Method::MinHash
}

/// Slots per signature under `config`: `num_perm` where MinHash runs, none under SimHash alone.
pub(super) fn slots(config: &Config) -> usize {
    if uses_minhash(config.method) {
        config.mh.num_perm
    } else {
        0
    }
}

pub(super) fn uses_simhash(m: Method) -> bool {
    m == Method::SimHash
}

impl SignCtx {
    pub(super) fn new(c: &Config) -> Self {
        SignCtx {
            norm: String::new(),
            json: String::new(),
            shingler: Shingler::new(c.mh.word_shingle, c.mh.char_shingle, c.seed),
            hashes: Vec::new(),
            hasher: MinHasher::new(c.mh.kind, c.mh.num_perm, c.seed),
            sim: SimHashAcc::new(),
            tf: TfCounter::default(),
            lines: boilerplate::LinePart::default(),
            spans: Vec::new(),
            piece_sig: Vec::new(),
            exact: Xxh3::new(),
            piece_bytes: PIECE_BYTES,
            tokens: TokenPart::default(),
            cache: None,
            config: c.clone(),
        }
    }

    /// Reserves room for the lines and tokens of `bytes` of input in the stores the chunk's
    /// documents add to (boilerplate handling on): a token per 2 bytes and a line per 8, more
    /// than most text holds, so that the stores rarely grow by copying. Pages never written are
    /// never resident.
    pub(super) fn reserve(&mut self, bytes: usize) {
        if !self.config.boilerplate {
            return;
        }
        self.lines.reserve(bytes / 8);
        // Only while the budget has room: past it, documents are not kept.
        if self.cache.as_ref().is_some_and(|c| c.load(Ordering::Relaxed) > 0) {
            self.tokens.reserve(bytes / 2, bytes / 8);
        }
    }

    /// Whether `text` is signed piece by piece: a long text, with MinHash (SimHash weights
    /// need the whole document's counts).
    pub(super) fn in_pieces(&self, text: Text<'_>) -> bool {
        text.raw_len() > self.piece_bytes && uses_minhash(self.config.method)
    }

    /// Signs a long text piece by piece ([`Text::pieces`]): each piece is normalized and
    /// tokenized alone, and the last tokens of one piece stay in front of the next so shingles
    /// across the cut are drawn. Whether the document counts as written without spaces (and
    /// so which shingle size signs it) is known only at its end: the size the first piece
    /// points to is signed, and in the rare text whose whole turns out otherwise, a second
    /// pass signs the other size. The result is the one of signing the whole text at once
    /// (min-hashes do not depend on the order shingles come in). With `strip`, lines in it are
    /// left out; otherwise, with boilerplate handling on, the line hashes are added to
    /// `self.lines` as the next document.
    pub(super) fn sign_pieces(
        &mut self,
        text: Text<'_>,
        strip: Option<boilerplate::Strip<'_>>,
        out: &mut [u32],
    ) -> (Signed, u64) {
        let (wk, ck) = (self.config.mh.word_shingle, self.config.mh.char_shingle);
        let kind = self.hasher.kind();
        // Lines are recorded for the boilerplate stage unless this is the signing without them.
        let record_lines = strip.is_none() && self.config.boilerplate;
        self.exact.reset();
        let first = self.piece_pass(text, strip, record_lines, None, out);
        if record_lines {
            self.lines.end_doc();
            if self.cache.is_some() {
                self.tokens.end_doc(first.ideo);
            }
        }
        let (len, tokens) = (first.len, first.tokens);
        let char_mode = first.ideo * 2 > tokens;
        let mut count = first.shingles;
        if char_mode != first.chars {
            count = self.piece_pass(text, strip, false, Some(char_mode), out).shingles;
        }
        let k = if char_mode { ck } else { wk };
        if tokens > 0 && tokens < k {
            // Fewer tokens than a shingle: one shingle of them all, as for a short text. They
            // are all among the tokens kept from the last piece (fewer than the larger size).
            self.hashes.clear();
            let hashes = &mut self.hashes;
            count = self.shingler.emit_shingles(k, k, |h| hashes.push(h)).shingles;
            self.hasher.sign(&self.hashes, out);
        } else if kind == MinHashKind::OnePermutation {
            self.hasher.densify(out);
        }
        let signed = Signed {
            shingles: count as u64,
            exact: self.exact.digest(),
            fingerprint: 0,
        };
        (signed, len as u64)
    }

    /// One pass of [`SignCtx::sign_pieces`] over the pieces of `text`, signing the shingles of
    /// one size into `out` (reset first): of characters if `chars`, else of words, or, with
    /// `None`, of the size the first piece points to (most of its tokens unspaced-script
    /// characters or not).
    pub(super) fn piece_pass(
        &mut self,
        text: Text<'_>,
        strip: Option<boilerplate::Strip<'_>>,
        record_lines: bool,
        chars: Option<bool>,
        out: &mut [u32],
    ) -> PiecePass {
        let (wk, ck) = (self.config.mh.word_shingle, self.config.mh.char_shingle);
        let kind = self.hasher.kind();
        let want_lines = strip.is_some() || record_lines;
        out.fill(u32::MAX);
        let mut pass = PiecePass {
            chars: chars.unwrap_or(false),
            ..PiecePass::default()
        };
        let mut kept = 0usize;
        for (i, piece) in text.pieces(self.piece_bytes).enumerate() {
            pass.len += piece.normalize_into(&mut self.norm, &mut self.json);
            let spans = want_lines.then_some(&mut self.spans);
            self.shingler.load_next(&self.norm, spans, kept);
            match strip {
                Some(bp) => self.shingler.drop_lines(&self.spans, |l| bp.drops(l.hash)),
                None if record_lines => self.lines.push_spans(&self.spans),
                None => {}
            }
            let now = self.shingler.token_hashes().len();
            if let (true, Some(budget)) = (record_lines, &self.cache) {
                let new = &self.shingler.token_hashes()[kept..now];
                self.tokens.add(budget, new, &self.spans, kept);
            }
            if chars.is_none() {
                self.exact
                    .update(crate::bytes::plain_bytes(&self.shingler.token_hashes()[kept..now]));
            }
            pass.tokens += now - kept;
            pass.ideo += self.shingler.unspaced();
            if i == 0 && chars.is_none() {
                pass.chars = self.shingler.unspaced() * 2 > now;
            }
            let k = if pass.chars { ck } else { wk };
            match kind {
                MinHashKind::OnePermutation => {
                    pass.shingles += self.shingler.emit_windows(k, kept, |h| oph_insert(out, h));
                }
                MinHashKind::Classic => {
                    let hashes = &mut self.hashes;
                    hashes.clear();
                    pass.shingles += self.shingler.emit_windows(k, kept, |h| hashes.push(h));
                    min_into(&self.hasher, &self.hashes, out, &mut self.piece_sig);
                }
            }
            kept = now.min(wk.max(ck) - 1);
        }
        pass
    }

    /// Signs `text` into `out`; returns what else signing gave and the text's length. With
    /// boilerplate handling on, also adds the document's line hashes to `self.lines`.
    pub(super) fn sign_text(&mut self, text: Text<'_>, out: &mut [u32]) -> (Signed, u64) {
        if self.in_pieces(text) {
            return self.sign_pieces(text, None, out);
        }
        let len = text.normalize_into(&mut self.norm, &mut self.json);
        if self.config.boilerplate {
            // Lines are hashed by the tokenizer, in the same pass as the tokens.
            self.shingler.load_lines(&self.norm, &mut self.spans);
            self.lines.push_spans(&self.spans);
            self.lines.end_doc();
            if let Some(budget) = &self.cache {
                self.tokens.add(budget, self.shingler.token_hashes(), &self.spans, 0);
                self.tokens.end_doc(self.shingler.unspaced());
            }
        } else {
            self.shingler.load(&self.norm);
        }
        (self.sign_loaded(out), len as u64)
    }

    /// Signs `text` without its boilerplate lines: their tokens are dropped from the
    /// document's tokens before shingling, as if the lines had not been there.
    pub(super) fn sign_without(&mut self, text: Text<'_>, strip: boilerplate::Strip<'_>, out: &mut [u32]) -> Signed {
        if self.in_pieces(text) {
            return self.sign_pieces(text, Some(strip), out).0;
        }
        text.normalize_into(&mut self.norm, &mut self.json);
        self.shingler.load_lines(&self.norm, &mut self.spans);
        self.shingler.drop_lines(&self.spans, |l| strip.drops(l.hash));
        self.sign_loaded(out)
    }

    /// Signs a document whose tokens the first pass kept ([`TokenPart`]) without its
    /// boilerplate lines (`strip`): the same as [`SignCtx::sign_without`] on its text. `hashes` are its
    /// lines' hashes, as the first pass listed them ([`boilerplate::LinePart::doc`]).
    pub(super) fn sign_cached_without(
        &mut self,
        cached: CachedTokens<'_>,
        hashes: &[u64],
        strip: boilerplate::Strip<'_>,
        out: &mut [u32],
    ) -> Signed {
        debug_assert_eq!(hashes.len(), cached.ends.len());
        self.shingler.load_tokens(cached.tokens, cached.ideo);
        let mut ideos = cached.ideos.iter().peekable();
        let dropped = cached.ends.iter().zip(hashes).enumerate().filter_map(|(i, (&end, h))| {
            // The unspaced characters of line `i` (the list is in line order).
            let ideo = match ideos.next_if(|&&(line, _)| line as usize <= i) {
                Some(&(line, n)) if line as usize == i => n,
                _ => 0,
            };
            let first = if i == 0 { 0 } else { cached.ends[i - 1] };
            strip.drops(*h).then_some((first as usize, end as usize, ideo as usize))
        });
        self.shingler.drop_ranges(dropped);
        self.sign_loaded(out)
    }

    /// Signs the tokens the shingler holds: the shingles of each signature from them.
    pub(super) fn sign_loaded(&mut self, out: &mut [u32]) -> Signed {
        let c = &self.config;
        let mut shingles = 0;
        if uses_minhash(c.method) {
            let st = match self.hasher.kind() {
                // Each shingle hash goes straight into its bin: no buffer of hashes.
                MinHashKind::OnePermutation => {
                    out.fill(u32::MAX);
                    let st = self
                        .shingler
                        .emit_shingles(c.mh.word_shingle, c.mh.char_shingle, |h| oph_insert(out, h));
                    self.hasher.densify(out);
                    st
                }
                MinHashKind::Classic => {
                    self.hashes.clear();
                    let hashes = &mut self.hashes;
                    let st = self
                        .shingler
                        .emit_shingles(c.mh.word_shingle, c.mh.char_shingle, |h| hashes.push(h));
                    self.hasher.sign(&self.hashes, out);
                    st
                }
            };
            shingles = st.shingles as u64;
        }
        let mut fingerprint = 0;
        if uses_simhash(c.method) {
            self.sim.clear();
            let (w, ch) = (c.sh.words, c.sh.chars);
            let st = match c.sh.weights {
                SimHashWeights::Tf => {
                    let sim = &mut self.sim;
                    self.shingler.emit_shingles(w, ch, |h| sim.add(h))
                }
                SimHashWeights::Uniform | SimHashWeights::LogTf => {
                    let tf = &mut self.tf;
                    tf.start();
                    let st = self.shingler.emit_shingles(w, ch, |h| tf.add(h));
                    for (h, n) in tf.iter() {
                        let times = match c.sh.weights {
                            SimHashWeights::LogTf => 1 + n.ilog2(),
                            _ => 1,
                        };
                        for _ in 0..times {
                            self.sim.add(h);
                        }
                    }
                    st
                }
            };
            fingerprint = self.sim.finish();
            if !uses_minhash(c.method) {
                shingles = st.shingles as u64;
            }
        }
        Signed {
            shingles,
            exact: exact_key(self.shingler.token_hashes()),
            fingerprint,
        }
    }

    pub(super) fn shingle_set(&mut self, text: &str) -> Vec<u64> {
        normalize_into(text, &mut self.norm);
        self.shingler.shingle_set(&self.norm)
    }

    /// The sorted, deduplicated shingle hashes of `text` without the boilerplate lines `strip`
    /// sets aside: the set [`SignCtx::sign_without`] signs (exact verification after the
    /// boilerplate pass).
    pub(super) fn shingle_set_without(&mut self, text: &str, strip: boilerplate::Strip<'_>) -> Vec<u64> {
        normalize_into(text, &mut self.norm);
        self.shingler.load_lines(&self.norm, &mut self.spans);
        self.shingler.drop_lines(&self.spans, |l| strip.drops(l.hash));
        self.shingler.loaded_set()
    }
}

/// Classic MinHash of `hashes` merged into `out` slot by slot (the minimum of both), with
/// `piece` for the piece's own signature.
fn min_into(hasher: &MinHasher, hashes: &[u64], out: &mut [u32], piece: &mut Vec<u32>) {
    if hashes.is_empty() {
        return;
    }
    piece.resize(out.len(), u32::MAX);
    hasher.sign(hashes, piece);
    for (o, p) in out.iter_mut().zip(piece.iter()) {
        *o = (*o).min(*p);
    }
}
