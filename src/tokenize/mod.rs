//! Per-script tokens and shingles.
//!
//! In: normalized text (see [`crate::normalize`]). Out: the 64-bit xxh3 hashes of the document's
//! shingles, handed to a callback one by one; nothing is allocated per token or per shingle (the
//! token hashes live in a buffer the [`Shingler`] reuses).
//!
//! Tokens:
//! - in scripts written with spaces, a word is a maximal run of letters, digits, combining marks
//!   and `_`, as in the word boundaries of Unicode UAX #29, including its rules that keep `'`, `’`
//!   and `.` between two word characters (`don't`, `u.s`) and `,` or `.` between two digits
//!   (`1,000`, `3.14`) inside the word;
//! - every character of Han, Hiragana, Katakana, Thai, Lao, Khmer and Myanmar is a token of its
//!   own, since those scripts put no spaces between words;
//! - everything else (spaces, punctuation, symbols) only separates tokens.
//!
//! Shingles are windows of `k` consecutive tokens; `k` is the word size unless most tokens of the
//! document are characters of the unspaced scripts, in which case it is the character size.
//! A document with fewer than `k` tokens (but at least one) has a single shingle of all of them.
//!
//! Cost: O(n) in the bytes of the text: one hash per token, and per shingle an O(1) rolling
//! update of a cyclic polynomial hash over the token hashes plus a 64-bit finalizer.

use crate::normalize::{CharClass, classify};
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Largest shingle size accepted (in tokens).
pub const MAX_SHINGLE: usize = 32;

const SEP: u8 = 0;
const WORD: u8 = 1;
const DIGIT: u8 = 2;
const MID: u8 = 3; // ' and . : kept between word characters
const MIDNUM: u8 = 4; // , : kept between digits

static ASCII_CLASS: [u8; 128] = {
    let mut t = [SEP; 128];
    let mut c = b'a';
    while c <= b'z' {
        t[c as usize] = WORD;
        t[(c - b'a' + b'A') as usize] = WORD;
        c += 1;
    }
    let mut d = b'0';
    while d <= b'9' {
        t[d as usize] = DIGIT;
        d += 1;
    }
    t[b'_' as usize] = WORD;
    t[b'\'' as usize] = MID;
    t[b'.' as usize] = MID;
    t[b',' as usize] = MIDNUM;
    t
};

/// Turns normalized text into shingle hashes. Holds reusable buffers: make one per thread.
#[derive(Debug, Clone)]
pub struct Shingler {
    word_k: usize,
    char_k: usize,
    seed: u64,
    /// Token hashes of the current document.
    tokens: Vec<u64>,
    /// How many of them are characters of unspaced scripts.
    ideo: usize,
}

/// What [`Shingler::shingles`] found in one document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShingleStats {
    /// Number of tokens.
    pub tokens: usize,
    /// Number of shingles emitted (with repeats).
    pub shingles: usize,
    /// Whether character shingles were used.
    pub char_mode: bool,
}

/// One line of a document as the tokenizer saw it (lines without tokens are not listed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineSpan {
    /// The line's hash, from its token hashes in order (see [`line_hash`]).
    pub hash: u64,
    /// Index of its first token in the document's token sequence.
    pub first: u32,
    /// One past its last token.
    pub end: u32,
    /// Bytes from the start of its first token to the end of its last.
    pub bytes: u32,
    /// How many of its tokens are characters of unspaced scripts.
    pub ideo: u32,
}

/// A token's share of its line's hash: its hash `t`, marked with its place `i` in the line,
/// mixed by one 64×64→128-bit multiply whose two halves are xored (the "mum" mix of wyhash).
/// A line's hash sums the shares of its tokens ([`fold_line`]): order-aware through the marks,
/// and with no chain from one token to the next, so the multiplies of a line's tokens run side
/// by side (a fold that fed each step into the next cost about five cycles a token).
#[inline(always)]
fn line_share(t: u64, i: usize) -> u64 {
    let x = t ^ (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let m = u128::from(x) * u128::from(0xD6E8_FEB8_6659_FD93u64);
    (m >> 64) as u64 ^ m as u64
}

/// The sum of the shares ([`line_share`]) of a line's token hashes, before [`finish`].
#[inline]
fn fold_line(tokens: &[u64]) -> u64 {
    tokens
        .iter()
        .enumerate()
        .fold(0u64, |h, (i, &t)| h.wrapping_add(line_share(t, i)))
}

/// Seed tweak that keeps line hashes apart from shingle hashes.
const LINE_SEED: u64 = 0x4c49_4e45; // "LINE"

/// The hash of one line of normalized text: the sum of its tokens' shares (`line_share`: each
/// token's hash marked with its place in the line), so a line is
/// identified by its words (case, spacing and punctuation between words do not matter), or
/// `None` for a line without tokens. Equal to the `hash` that [`Shingler::load_lines`] gives
/// the same line inside a text.
pub fn line_hash(line: &str, seed: u64) -> Option<u64> {
    let (mut h, mut n) = (0u64, 0usize);
    scan(line, |s, e, _| {
        h = h.wrapping_add(line_share(token_hash(line.as_bytes(), s, e, seed), n));
        n += 1;
    });
    (n > 0).then(|| finish(h, n, seed ^ LINE_SEED))
}

impl Shingler {
    /// A shingler with `word_k`-word and `char_k`-character shingles; `seed` seeds the hashes.
    ///
    /// # Panics
    /// If a size is 0 or above [`MAX_SHINGLE`]; [`crate::Config`] validates these first.
    pub fn new(word_k: usize, char_k: usize, seed: u64) -> Self {
        assert!((1..=MAX_SHINGLE).contains(&word_k) && (1..=MAX_SHINGLE).contains(&char_k));
        Shingler {
            word_k,
            char_k,
            seed,
            tokens: Vec::with_capacity(1 << 14),
            ideo: 0,
        }
    }

    /// Calls `emit` with the hash of every shingle of `text` (already normalized), in order.
    pub fn shingles(&mut self, text: &str, emit: impl FnMut(u64)) -> ShingleStats {
        self.load(text);
        self.emit_shingles(self.word_k, self.char_k, emit)
    }

    /// Tokenizes `text` (already normalized) and keeps the token hashes, so that shingles of
    /// several sizes can be drawn from them with [`Shingler::emit_shingles`].
    pub fn load(&mut self, text: &str) {
        self.load_next(text, None, 0);
    }

    /// Loads the next piece of a long text: the last `keep` tokens loaded stay in front (they
    /// end the previous piece; shingles that span the cut are drawn from them), the tokens of
    /// `text` follow. With `lines`, also lists the piece's lines (token indices count the kept
    /// tokens). [`Shingler::unspaced`] then counts the new tokens only.
    pub(crate) fn load_next(&mut self, text: &str, lines: Option<&mut Vec<LineSpan>>, keep: usize) {
        self.ideo = match lines {
            Some(lines) => {
                lines.clear();
                self.tokenize::<true>(text, lines, keep)
            }
            None => self.tokenize::<false>(text, &mut Vec::new(), keep),
        };
    }

    /// Loads tokens that [`Shingler::load`] gave before (`unspaced`: their
    /// [`Shingler::unspaced`]), as if their text were loaded again.
    pub(crate) fn load_tokens(&mut self, tokens: &[u64], unspaced: usize) {
        self.tokens.clear();
        self.tokens.extend_from_slice(tokens);
        self.ideo = unspaced;
    }

    /// The token hashes loaded.
    pub(crate) fn token_hashes(&self) -> &[u64] {
        &self.tokens
    }

    /// How many of the tokens last loaded (not counting kept ones) are characters of unspaced
    /// scripts, after any [`Shingler::drop_lines`].
    pub fn unspaced(&self) -> usize {
        self.ideo
    }

    /// [`Shingler::load`] that also lists the text's lines (those with tokens) in `lines`,
    /// with their hashes and token ranges, in one pass.
    pub fn load_lines(&mut self, text: &str, lines: &mut Vec<LineSpan>) {
        self.load_next(text, Some(lines), 0);
    }

    /// Removes from the tokens last loaded (by [`Shingler::load_lines`], which gave `lines`)
    /// the tokens of every line `drop` selects, as if those lines had not been in the text.
    pub fn drop_lines(&mut self, lines: &[LineSpan], mut drop: impl FnMut(&LineSpan) -> bool) {
        let dropped = lines.iter().filter(|l| drop(l));
        self.drop_ranges(dropped.map(|l| (l.first as usize, l.end as usize, l.ideo as usize)));
    }

    /// Removes from the tokens last loaded the token ranges `(first, end)` of `ranges` (in
    /// order, not overlapping), each with `ideo` characters of unspaced scripts.
    pub(crate) fn drop_ranges(&mut self, ranges: impl IntoIterator<Item = (usize, usize, usize)>) {
        let mut w = 0usize;
        let mut r = 0usize;
        for (first, end, ideo) in ranges {
            self.tokens.copy_within(r..first, w);
            w += first - r;
            r = end;
            self.ideo -= ideo;
        }
        let n = self.tokens.len();
        self.tokens.copy_within(r..n, w);
        self.tokens.truncate(w + n - r);
    }

    /// Emits the shingles of the tokens last loaded, of `word_k` words or, if most tokens are
    /// characters of unspaced scripts, `char_k` characters.
    pub fn emit_shingles(&self, word_k: usize, char_k: usize, mut emit: impl FnMut(u64)) -> ShingleStats {
        let n = self.tokens.len();
        let char_mode = self.ideo * 2 > n;
        let k = if char_mode { char_k } else { word_k };
        let mut stats = ShingleStats {
            tokens: n,
            shingles: 0,
            char_mode,
        };
        if n == 0 {
            return stats;
        }
        if n < k {
            emit(finish(cyclic(&self.tokens), n, self.shingle_seed()));
            stats.shingles = 1;
            return stats;
        }
        stats.shingles = self.emit_windows(k, 0, emit);
        stats
    }

    fn shingle_seed(&self) -> u64 {
        self.seed ^ 0x5348_494e_474c_4553 // "SHINGLES"
    }

    /// Emits the shingles of `k` tokens that end at token `from` or later (all of them for
    /// `from = 0`), in order; returns how many. After [`Shingler::load_next`] with `keep`
    /// tokens kept, `from = keep` gives exactly the shingles not emitted for earlier pieces.
    pub(crate) fn emit_windows(&self, k: usize, from: usize, mut emit: impl FnMut(u64)) -> usize {
        let t = &self.tokens;
        let n = t.len();
        let first = (from + 1).saturating_sub(k);
        if first + k > n {
            return 0;
        }
        let seed = self.shingle_seed();
        let mut h = cyclic(&t[first..first + k]);
        emit(finish(h, k, seed));
        for i in first + k..n {
            h = roll(h, t[i - k], t[i], k);
            emit(finish(h, k, seed));
        }
        n - k - first + 1
    }

    /// The sorted, deduplicated shingle hashes of `text` (for exact Jaccard).
    pub fn shingle_set(&mut self, text: &str) -> Vec<u64> {
        self.load(text);
        self.loaded_set()
    }

    /// The sorted, deduplicated shingle hashes of the tokens last loaded (after any
    /// [`Shingler::drop_lines`]).
    pub fn loaded_set(&self) -> Vec<u64> {
        let mut v = Vec::new();
        self.emit_shingles(self.word_k, self.char_k, |h| v.push(h));
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Fills `self.tokens` with the token hashes; returns how many were unspaced-script chars.
    /// With `LINES`, also appends the text's lines to `lines`.
    /// The last `keep` tokens already loaded stay in front of the new ones.
    fn tokenize<const LINES: bool>(&mut self, text: &str, lines: &mut Vec<LineSpan>, keep: usize) -> usize {
        let seed = self.seed;
        let bytes = text.as_bytes();
        // A local vector, written through its spare capacity: no capacity check per token and
        // no reload of the vector's fields through `self`. Every token but the last is followed
        // by a separator byte or is a character of 3+ bytes, so there are at most
        // `len / 2 + 1` tokens.
        let mut tokens = std::mem::take(&mut self.tokens);
        let keep = keep.min(tokens.len());
        tokens.drain(..tokens.len() - keep);
        tokens.reserve(text.len() / 2 + 1);
        let spare = tokens.spare_capacity_mut();
        let mut n = 0;
        let mut ideo = 0usize;
        // The open line: a line ends at a newline between two tokens. Lines are only delimited
        // here; their hashes are folded from the token hashes once the text is tokenized.
        let listed = lines.len();
        let mut at = LineCursor {
            line: OpenLine {
                first: keep,
                ..OpenLine::default()
            },
            prev_end: 0,
            newline: if LINES { next_newline(bytes, 0) } else { 0 },
        };
        scan(
            text,
            #[inline(always)]
            |s, e, is_ideo| {
                if LINES {
                    if at.newline < s || n == 0 {
                        at.line_break(bytes, s, e, keep + n, ideo, lines);
                    }
                    at.prev_end = e;
                }
                ideo += usize::from(is_ideo);
                // Indexing is checked: a wrong bound would panic, never write out of bounds.
                spare[n].write(token_hash(bytes, s, e, seed));
                n += 1;
            },
        );
        if LINES {
            at.line.close(keep + n, at.prev_end, ideo, lines);
        }
        // SAFETY: the first `n` elements of the spare capacity were written just above.
        unsafe { tokens.set_len(keep + n) };
        for l in &mut lines[listed..] {
            let words = &tokens[l.first as usize..l.end as usize];
            l.hash = finish(fold_line(words), words.len(), seed ^ LINE_SEED);
        }
        self.tokens = tokens;
        ideo
    }
}

/// The position of the first newline of `bytes` at or after `from`, or `bytes.len()`. Most
/// lines are short, so 16 bytes are compared at a time inline (SSE2, which every x86-64 has)
/// rather than through a call whose set-up outweighs a line's worth of search.
#[inline]
fn next_newline(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{__m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8};
        while i + 16 <= bytes.len() {
            // SAFETY: `i + 16 <= bytes.len()`, so the unaligned 16-byte load is inside `bytes`;
            // SSE2 is part of the x86-64 baseline.
            let found = unsafe {
                let v = _mm_loadu_si128(bytes.as_ptr().add(i).cast::<__m128i>());
                _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(b'\n' as i8)))
            };
            if found != 0 {
                return i + found.trailing_zeros() as usize;
            }
            i += 16;
        }
    }
    memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |j| i + j)
}

/// Where the tokenizer is in the lines of a text: the open line, where the last token ended,
/// and the first newline at or after that (`bytes.len()` if none), found again once per line,
/// not per gap between tokens: a token starting past it begins a new line.
struct LineCursor {
    line: OpenLine,
    prev_end: usize,
    newline: usize,
}

impl LineCursor {
    /// At the first token of the text (`n == 0`) or of a line (the token `s..e`, number `n`,
    /// `ideo` unspaced-script characters before it): lists the line it ends and opens its own.
    /// Out of the token loop, which it would otherwise crowd.
    #[cold]
    #[inline(never)]
    fn line_break(&mut self, bytes: &[u8], s: usize, e: usize, n: usize, ideo: usize, lines: &mut Vec<LineSpan>) {
        if self.newline < s {
            // Tokens hold no newline, so the next one is at or after this token's end.
            self.newline = next_newline(bytes, e);
            self.line.close(n, self.prev_end, ideo, lines);
            self.line = OpenLine {
                first: n,
                start: s,
                ideo,
            };
        } else {
            self.line.start = s;
        }
    }
}

/// The line the tokenizer is in: its first token, its first token's first byte, and the
/// unspaced-script characters among the tokens before it.
#[derive(Default)]
struct OpenLine {
    first: usize,
    start: usize,
    ideo: usize,
}

impl OpenLine {
    /// Lists the line, if it has tokens, without its hash (`n` is one past its last token,
    /// `end` one past its last token's last byte, `ideo` the unspaced-script characters up to
    /// its end).
    #[inline]
    fn close(&self, n: usize, end: usize, ideo: usize, lines: &mut Vec<LineSpan>) {
        if n > self.first {
            lines.push(LineSpan {
                hash: 0,
                first: self.first as u32,
                end: n as u32,
                bytes: (end - self.start).min(u32::MAX as usize) as u32,
                ideo: (ideo - self.ideo) as u32,
            });
        }
    }
}

const NONE: usize = usize::MAX;

/// `MASK_LO[n]` and `MASK_HI[n]` keep the first `n` bytes of a 16-byte little-endian load.
static MASK_LO: [u64; 17] = {
    let mut t = [0u64; 17];
    let mut n = 1;
    while n <= 16 {
        t[n] = if n >= 8 { u64::MAX } else { u64::MAX >> (64 - 8 * n) };
        n += 1;
    }
    t
};
static MASK_HI: [u64; 17] = {
    let mut t = [0u64; 17];
    let mut n = 9;
    while n <= 16 {
        t[n] = u64::MAX >> (128 - 8 * n);
        n += 1;
    }
    t
};

/// The 64-bit hash of the token `text[s..e]`. Tokens of up to 16 bytes (nearly all) are read
/// as two little-endian words, masked to their length, and mixed by a folded 64×64→128-bit
/// multiply, the mixing step of xxh3's short-input path: one predictable branch instead of
/// xxh3's three length classes. Longer tokens go to xxh3 itself.
#[inline(always)]
fn token_hash(text: &[u8], s: usize, e: usize, seed: u64) -> u64 {
    let len = e - s;
    if len > 16 || len == 0 {
        return xxh3_64_with_seed(&text[s..e], seed);
    }
    let word = |b: &[u8]| u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
    let (lo, hi) = if s + 16 <= text.len() {
        // SAFETY: `s + 16 <= text.len()`, so both 8-byte unaligned reads are inside `text`.
        unsafe {
            let p = text.as_ptr().add(s);
            (
                u64::from_le(std::ptr::read_unaligned(p as *const u64)),
                u64::from_le(std::ptr::read_unaligned(p.add(8) as *const u64)),
            )
        }
    } else {
        let mut buf = [0u8; 16];
        buf[..len].copy_from_slice(&text[s..e]);
        (word(&buf[..8]), word(&buf[8..]))
    };
    let lo = lo & MASK_LO[len];
    let hi = hi & MASK_HI[len];
    let m = ((lo ^ seed ^ 0xbe4b_a423_396c_feb8) as u128)
        .wrapping_mul((hi ^ seed.rotate_left(32) ^ 0x1cad_2177_2fa0_6b7b ^ (len as u64) << 56) as u128);
    // No finalizer here: [`finish`] applies one to every shingle.
    (m as u64) ^ ((m >> 64) as u64)
}

/// Rotation step of the cyclic polynomial hash over token hashes.
const ROT: u32 = 23;

/// The cyclic polynomial ("Buzhash") value of a window of token hashes:
/// `XOR_j rotl(t_j, (len−1−j)·23)`. The rotations `23·m mod 64` are distinct for `m < 64`, so
/// the order of tokens matters. It rolls in O(1) (Cohen, "Recursive hashing functions for
/// n-grams", ACM TOIS 1997; Lemire and Kaser, "Recursive n-gram hashing is pairwise
/// independent, at best", 2010): see [`roll`].
#[inline(always)]
fn cyclic(window: &[u64]) -> u64 {
    window.iter().fold(0u64, |h, &t| h.rotate_left(ROT) ^ t)
}

/// Slides a window of `k` tokens by one: drops `old`, adds `new`.
#[inline(always)]
fn roll(h: u64, old: u64, new: u64, k: usize) -> u64 {
    h.rotate_left(ROT) ^ old.rotate_left((k as u32 * ROT) & 63) ^ new
}

/// The shingle hash: the window's cyclic value and its length, through the 64-bit finalizer of
/// MurmurHash3, which spreads every input bit over the output. Distinct windows of random token
/// hashes collide with probability about 2^-64, as for hashing the window's bytes.
#[inline(always)]
fn finish(h: u64, len: usize, seed: u64) -> u64 {
    let mut h = h ^ seed ^ (len as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// The byte spans `(start, end)` of the tokens of `text`, by the same rules as [`Shingler`].
/// On text that is not normalized, uppercase letters still count as word characters, so the
/// spans are those of the normalized text mapped back (for reports in the input's own bytes).
pub(crate) fn token_spans(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    scan(text, |s, e, _| out.push((s, e)));
    out
}

/// Splits normalized text into token strings, by the same rules as [`Shingler`]: for tests,
/// debugging and other stages that need the tokens themselves.
#[cfg(test)]
pub(crate) fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    scan(text, |s, e, _| out.push(&text[s..e]));
    out
}

mod scan;
use scan::scan;

#[cfg(test)]
mod tests;
