//! Unicode normalization and case folding.
//!
//! In: a document's text (`&str`). Out: the same text in NFKC with case folded, written into a
//! buffer the caller reuses, so normalizing allocates nothing once the buffer has grown.
//!
//! Cost: O(n). Pure-ASCII text (most web and code text) takes a fast path that only lowercases
//! bytes; other text skips NFKC when the quick check of UAX #15 says it is already normalized.
//!
//! Case folding is Unicode full lowercase mapping (`char::to_lowercase`) plus the two foldings
//! that differ from it and matter for matching text: `ß`/`ẞ` → `ss` and final sigma `ς` → `σ`.
//! Punctuation is folded: `’` becomes `'` (so `it’s` and `it's` are one word) and every other
//! non-ASCII separator (dashes, quotes, bullets, box drawing, no-break spaces) becomes a space;
//! the tokenizer then treats every run of separators as one.

mod segment;

#[cfg(test)]
pub(crate) use segment::is_nfkc;
pub(crate) use segment::nfkc_into;
use segment::push_non_ascii_run;
use segment::stable_fold;
#[cfg(test)]
use unicode_normalization::{IsNormalized, is_nfkc_quick};

/// Writes the NFKC, case-folded form of `text` into `out` (cleared first).
///
/// ```
/// let mut buf = String::new();
/// neardup::internals::normalize_into("Straße ＡＢＣ", &mut buf);
/// assert_eq!(buf, "strasse abc");
/// ```
pub fn normalize_into(text: &str, out: &mut String) {
    out.clear();
    out.reserve(text.len() + text.len() / 8);
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // An ASCII run: lowercase it (ASCII is always NFKC).
        let j = copy_lower_until(bytes, i, out);
        if j == bytes.len() {
            break;
        }
        let k = j + bytes[j..].iter().position(|b| b.is_ascii()).unwrap_or(bytes.len() - j);
        push_non_ascii_run(&text[j..k], out);
        i = k;
    }
}

/// The xxh3 of the normal form of `token` ([`normalize_into`]; `buf` is room for it), for
/// stages that compare a text's tokens one at a time in their normal form without normalizing
/// the whole text. Most tokens are already normal and are hashed as they stand, without being
/// copied: an ASCII token once lowercased (on the stack), and a token whose every character is
/// ASCII and not a capital, or a character that is NFKC, a starter, stable (nothing composes
/// with what precedes it) and its own case fold (every letter of a script without case).
pub(crate) fn normal_hash(token: &str, buf: &mut String) -> u64 {
    use xxhash_rust::xxh3::xxh3_64;
    let b = token.as_bytes();
    if b.len() <= 32 && b.is_ascii() {
        let mut lower = [0u8; 32];
        for (l, &c) in lower.iter_mut().zip(b) {
            *l = c.to_ascii_lowercase();
        }
        return xxh3_64(&lower[..b.len()]);
    }
    if is_normal(token) {
        return xxh3_64(b);
    }
    normalize_into(token, buf);
    xxh3_64(buf.as_bytes())
}

/// Whether `token` is its own normal form ([`normalize_into`] would copy it as it stands):
/// every character ASCII and not a capital, or a character that is NFKC, a starter, stable and
/// its own case fold. A test for one token or word at a time: most are normal, and the test
/// costs less than the normalizer's walk.
fn is_normal(token: &str) -> bool {
    token.chars().all(|c| {
        if c.is_ascii() {
            !c.is_ascii_uppercase()
        } else {
            stable_fold(c) == Some(c)
        }
    })
}

/// [`normalize_into`] for one token or word (see [`normal_hash`]): a normal one is copied as it
/// stands.
pub(crate) fn normalize_token_into(token: &str, out: &mut String) {
    if is_normal(token) {
        out.clear();
        out.push_str(token);
    } else {
        normalize_into(token, out);
    }
}

/// [`normalize_into`] over the content of a JSON string with escapes, unescaping as it goes;
/// the length of the unescaped text, or `None` if an escape stands for a non-ASCII character
/// (then the caller unescapes first and normalizes the result).
pub(crate) fn normalize_json(raw: &str, out: &mut String) -> Option<usize> {
    out.clear();
    out.reserve(raw.len() + raw.len() / 8);
    let b = raw.as_bytes();
    let mut len = 0;
    let mut i = 0;
    while i < b.len() {
        let (j, added) = copy_json_ascii(b, i, out);
        len += added;
        if j == b.len() {
            break;
        }
        if b[j] == b'\\' {
            // Only `\\u` escapes come back here (the scanner validated them: 4 hex digits).
            let cp = b[j + 2..j + 6]
                .iter()
                .fold(0u32, |acc, &h| acc * 16 + (h as char).to_digit(16).unwrap_or(0));
            if cp >= 0x80 {
                return None;
            }
            i = j + 6;
            out.push((cp as u8).to_ascii_lowercase() as char);
            len += 1;
            continue;
        }
        let k = j + b[j..].iter().position(|c| c.is_ascii()).unwrap_or(b.len() - j);
        push_non_ascii_run(&raw[j..k], out);
        len += k - j;
        i = k;
    }
    Some(len)
}

/// The one character of `s`, if it has exactly one.
fn only_char(s: &str) -> Option<char> {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// The folded form of a frequent character that is already NFKC (a starter with quick check
/// Yes), in one lookup: the same result as NFKC followed by [`fold_chars`] (a unit test checks
/// every such character against the Unicode tables). `None` for every other character.
#[inline(always)]
fn fast_fold(c: char) -> Option<char> {
    let u = c as u32;
    Some(match u {
        0xC0..=0xD6 | 0xD8..=0xDE | 0x410..=0x42F => char::from_u32(u + 0x20)?,
        0x400..=0x40F => char::from_u32(u + 0x50)?,
        0xE0..=0xF6 | 0xF8..=0xFF | 0x430..=0x45F => c,
        0x3041..=0x3096 | 0x30A1..=0x30FA | 0x30FC | 0x4E00..=0x9FFF | 0xAC00..=0xD7A3 => c,
        // Vietnamese letters: capital at even code points, small just after.
        0x1EA0..=0x1EF9 => char::from_u32(u | 1)?,
        0x100..=0x12F | 0x131 | 0x134..=0x13E | 0x141..=0x148 | 0x14A..=0x17E => {
            let mut l = c.to_lowercase();
            let first = l.next()?;
            if l.next().is_some() {
                return None;
            }
            first
        }
        0x2019 => '\'',
        // Not NFKC, but their NFKC form is one ASCII character that composes with nothing
        // (fullwidth digits and punctuation other than < = >, which compose with U+0338; the
        // no-break space): the NFKC result, folded.
        0xFF01..=0xFF19 | 0xFF1A..=0xFF1B | 0xFF1F..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF5E => {
            char::from_u32(u - 0xFEE0)?
        }
        0xA0 => ' ',
        0xA9
        | 0xAB
        | 0xAE
        | 0xB7
        | 0xBB
        | 0xD7
        | 0xF7
        | 0x2010
        | 0x2013..=0x2014
        | 0x2018
        | 0x201A..=0x201D
        | 0x2022
        | 0x2500..=0x259F
        | 0x27E8..=0x27E9
        | 0x3001..=0x3002 => ' ',
        _ => return None,
    })
}

/// Loads 16 bytes at `src`, stores them at `dst` with 'A'..='Z' lowercased, and returns the
/// mask of the bytes that are non-ASCII (or, with `BACKSLASH`, a backslash).
///
/// # Safety
/// 16 bytes must be readable at `src` and writable at `dst`. (SSE2 is part of the x86_64
/// baseline.)
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn lower16<const BACKSLASH: bool>(src: *const u8, dst: *mut u8) -> u32 {
    use std::arch::x86_64::*;
    // SAFETY: the caller guarantees both 16-byte ranges.
    unsafe {
        let x = _mm_loadu_si128(src as *const __m128i);
        let mut special = _mm_movemask_epi8(x) as u32;
        if BACKSLASH {
            special |= _mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(b'\\' as i8))) as u32;
        }
        let upper = _mm_and_si128(
            _mm_cmpgt_epi8(x, _mm_set1_epi8(b'A' as i8 - 1)),
            _mm_cmplt_epi8(x, _mm_set1_epi8(b'Z' as i8 + 1)),
        );
        _mm_storeu_si128(
            dst as *mut __m128i,
            _mm_add_epi8(x, _mm_and_si128(upper, _mm_set1_epi8(0x20))),
        );
        special
    }
}

/// The byte a simple JSON escape (`\\X` with X one of `n t r b f " \\ /`) stands for.
#[inline(always)]
fn simple_escape(x: u8) -> Option<u8> {
    match x {
        b'n' => Some(b'\n'),
        b't' => Some(b'\t'),
        b'r' => Some(b'\r'),
        b'b' => Some(8),
        b'f' => Some(12),
        b'"' | b'\\' | b'/' => Some(x),
        _ => None,
    }
}

/// Appends the unescaped, lowercased ASCII text of the JSON string content `b` from `i` to
/// `out`, decoding simple escapes on the way, up to the end, a non-ASCII byte or a `\\u`
/// escape; returns where it stopped and how many bytes it appended. Escapes in text are often
/// a few dozen bytes apart (`\\n` ending every line), so they are decoded inside the loop rather
/// than by returning to the caller.
#[inline(always)]
fn copy_json_ascii(b: &[u8], mut i: usize, out: &mut String) -> (usize, usize) {
    let start_len = out.len();
    // Unescaping never lengthens ASCII text, so this is room for everything appended here,
    // plus 16 bytes of slack for the last block store.
    out.reserve(b.len() - i + 16);
    // SAFETY: every byte written is ASCII (a lowercased ASCII byte or the ASCII byte an escape
    // stands for), so the String stays valid UTF-8; writes go to `base + len` with
    // `len − start_len ≤ i − i₀` and block stores of 16 bytes, all inside the capacity reserved
    // above; `set_len` covers only bytes written. Loads read inside `b` (loop conditions). SSE2
    // is part of the x86_64 baseline.
    unsafe {
        let v = out.as_mut_vec();
        let base = v.as_mut_ptr();
        let mut len = v.len();
        loop {
            #[cfg(target_arch = "x86_64")]
            {
                let mut stopped = false;
                while i + 16 <= b.len() {
                    let special = lower16::<true>(b.as_ptr().add(i), base.add(len));
                    if special != 0 {
                        let n = special.trailing_zeros() as usize;
                        len += n;
                        i += n;
                        stopped = true;
                        break;
                    }
                    len += 16;
                    i += 16;
                }
                if !stopped {
                    // Fewer than 16 bytes left: byte by byte.
                    while i < b.len() && b[i] < 0x80 && b[i] != b'\\' {
                        *base.add(len) = b[i].to_ascii_lowercase();
                        len += 1;
                        i += 1;
                    }
                }
            }
            #[cfg(not(target_arch = "x86_64"))]
            while i < b.len() && b[i] < 0x80 && b[i] != b'\\' {
                *base.add(len) = b[i].to_ascii_lowercase();
                len += 1;
                i += 1;
            }
            // At the end, a non-ASCII byte, or a backslash (the scanner validated every escape,
            // so the byte after it is there).
            if i < b.len() && b[i] == b'\\' {
                if let Some(c) = simple_escape(b[i + 1]) {
                    *base.add(len) = c;
                    len += 1;
                    i += 2;
                    continue;
                }
            }
            break;
        }
        v.set_len(len);
        (i, len - start_len)
    }
}

/// Appends `b[i..j]` lowercased to `out`, where `j` is the first non-ASCII byte at or after
/// `i` (or the end), and returns `j`. One pass: each 16-byte block is
/// loaded once, stored lowercased, and kept up to its first special byte.
#[inline(always)]
fn copy_lower_until(b: &[u8], i: usize, out: &mut String) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        let mut i = i;
        out.reserve(b.len() - i + 16);
        // SAFETY: bytes are stored only into the spare capacity reserved just above (at most
        // `b.len() − i` bytes are kept, and a block stores 16 bytes at an offset below that);
        // `set_len` covers only bytes before the first special byte of their block, which are
        // ASCII ('A'..='Z' plus 0x20 is 'a'..='z'), so the String stays valid UTF-8. Loads read
        // inside `b` (loop condition). SSE2 is part of the x86_64 baseline.
        unsafe {
            let v = out.as_mut_vec();
            let mut len = v.len();
            let base = v.as_mut_ptr();
            while i + 16 <= b.len() {
                let special = lower16::<false>(b.as_ptr().add(i), base.add(len));
                if special != 0 {
                    let n = special.trailing_zeros() as usize;
                    v.set_len(len + n);
                    return i + n;
                }
                len += 16;
                i += 16;
            }
            v.set_len(len);
        }
        let j = i + b[i..].iter().position(|&c| c >= 0x80).unwrap_or(b.len() - i);
        push_ascii_lowercase(ascii_str(&b[i..j]), out);
        return j;
    }
    #[allow(unreachable_code)]
    {
        let j = i + b[i..].iter().position(|&c| c >= 0x80).unwrap_or(b.len() - i);
        push_ascii_lowercase(ascii_str(&b[i..j]), out);
        j
    }
}

/// `b`, every byte of which is below 0x80, as a `str` without validating it again (the
/// callers have just found where the ASCII run ends; short tokens end there).
#[inline(always)]
fn ascii_str(b: &[u8]) -> &str {
    debug_assert!(b.is_ascii());
    // SAFETY: the callers pass a run of bytes below 0x80, each one ASCII character, so the
    // slice is valid UTF-8.
    unsafe { std::str::from_utf8_unchecked(b) }
}

/// Appends ASCII `s` lowercased, in one pass (16 bytes per step with SSE2).
#[inline(always)]
fn push_ascii_lowercase(s: &str, out: &mut String) {
    debug_assert!(s.is_ascii());
    #[cfg(target_arch = "x86_64")]
    {
        let src = s.as_bytes();
        out.reserve(src.len());
        // SAFETY: `s` is ASCII, so every byte written is ASCII ('A'..='Z' plus 0x20 is
        // 'a'..='z') and the String stays valid UTF-8. `reserve` made room for `src.len()` more
        // bytes; every 16-byte load reads inside `src` and every store writes inside that room
        // (loop condition); `set_len` covers exactly the bytes written. SSE2 is part of the
        // x86_64 baseline. One pass: load from the source, store lowercased.
        unsafe {
            let v = out.as_mut_vec();
            let dst = v.as_mut_ptr().add(v.len());
            let mut i = 0;
            while i + 16 <= src.len() {
                lower16::<false>(src.as_ptr().add(i), dst.add(i));
                i += 16;
            }
            while i < src.len() {
                *dst.add(i) = src[i].to_ascii_lowercase();
                i += 1;
            }
            let new_len = v.len() + src.len();
            v.set_len(new_len);
        }
        return;
    }
    #[allow(unreachable_code)]
    {
        let run_start = out.len();
        out.push_str(s);
        out[run_start..].make_ascii_lowercase();
    }
}

fn fold_chars(chars: impl Iterator<Item = char>, out: &mut String) {
    for c in chars {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        let u = c as u32;
        match u {
            // Fast paths for frequent characters whose folding is known: Latin-1 letters,
            // basic Cyrillic, and caseless blocks (kana, CJK, Hangul).
            0xC0..=0xD6 | 0xD8..=0xDE | 0x410..=0x42F => out.push(char::from_u32(u + 0x20).unwrap_or(c)),
            0x400..=0x40F => out.push(char::from_u32(u + 0x50).unwrap_or(c)),
            0xE0..=0xF6 | 0xF8..=0xFF | 0x430..=0x45F | 0x3040..=0x9FFF | 0xAC00..=0xD7A3 => out.push(c),
            // Punctuation folding: the apostrophe ’ becomes ', every other separator a space.
            0x2019 => out.push('\''),
            0xA0..=0xBF | 0xD7 | 0xF7 | 0x2000..=0x206F | 0x2500..=0x25FF => out.push(' '),
            0xDF | 0x1E9E => out.push_str("ss"),
            0x3C2 => out.push('σ'),
            _ => match single_fold(c) {
                Some(f) => out.push(f),
                None => push_fold_slow(c, out),
            },
        }
    }
}

/// The lower case of `c`, with separators as spaces (the general case of [`fold_chars`]).
fn push_fold_slow(c: char, out: &mut String) {
    for l in c.to_lowercase() {
        out.push(if classify(l) == CharClass::Sep { ' ' } else { l });
    }
}

/// What [`push_fold_slow`] gives for a character of the Basic Multilingual Plane when it is
/// one character, cached per block of 64 code points (`None` otherwise, and beyond the plane).
#[inline]
fn single_fold(c: char) -> Option<char> {
    static FOLDS: PlaneCache<Option<char>> = PlaneCache::new();
    if c as u32 >= 0x10000 {
        return None;
    }
    FOLDS.get(c, |c| {
        let mut folded = String::new();
        push_fold_slow(c, &mut folded);
        only_char(&folded)
    })
}

/// The script class of a character, as the tokenizer needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum CharClass {
    /// Part of a word in a script written with spaces (letters, digits, marks, `_`).
    Word,
    /// A character of a script written without spaces (Han, Hiragana, Katakana, Thai, Lao,
    /// Khmer, Myanmar): each one is a token of its own.
    Ideo,
    /// Whitespace, punctuation, symbols: separates tokens.
    #[default]
    Sep,
}

/// Letters of the frequent non-ASCII blocks: Latin-1 and Latin Extended, Greek, Cyrillic,
/// Hebrew, Arabic, Devanagari, Hangul syllables. A shortcut: the standard library's
/// `char::is_alphabetic` costs hundreds of instructions for these (exhaustive tests check that
/// the shortcut agrees with it).
#[inline]
pub(crate) fn is_common_letter(u: u32) -> bool {
    matches!(u, 0xC0..=0xD6 | 0xD8..=0xF6 | 0xF8..=0x24F | 0x388..=0x38A | 0x38C | 0x38E..=0x3A1
        | 0x3A3..=0x3F5 | 0x400..=0x481 | 0x48A..=0x52F | 0x5D0..=0x5EA | 0x620..=0x64A | 0x671..=0x6D3
        | 0x904..=0x939 | 0xAC00..=0xD7A3)
}

/// Classifies a non-ASCII character.
pub(crate) fn classify(c: char) -> CharClass {
    // One look-up in the cache, whatever the script: a chain of range tests in front of it
    // (the frequent letters) cost Arabic, Greek or Hebrew text more than it saved Latin.
    static CLASSES: PlaneCache<CharClass> = PlaneCache::new();
    CLASSES.get(c, classify_slow)
}

/// [`classify`] by ranges and the Unicode tables (cached by [`classify`] per block of 64 code
/// points of the Basic Multilingual Plane).
fn classify_slow(c: char) -> CharClass {
    let u = c as u32;
    if is_common_letter(u) {
        return CharClass::Word;
    }
    match u {
        0x2000..=0x206F | 0x2500..=0x25FF => return CharClass::Sep,
        0x3040..=0x30FF | 0x4E00..=0x9FFF => return CharClass::Ideo,
        _ => {}
    }
    if is_unspaced_script(u) {
        return CharClass::Ideo;
    }
    if c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c) {
        CharClass::Word
    } else {
        CharClass::Sep
    }
}

/// A function of characters, cached for the Basic Multilingual Plane: each block of 64 code
/// points is computed on first use (from the standard library's and unicode-normalization's
/// tables, hundreds of instructions per character outside the hand-written shortcuts), so a
/// script without shortcuts (Tamil, Bengali, Ethiopic, Thai) pays the slow lookups 64 times,
/// not once per character of the text. Characters beyond the plane are computed each time.
pub(crate) struct PlaneCache<T: 'static> {
    blocks: [std::sync::OnceLock<[T; 64]>; 1024],
}

impl<T: Copy + Default> PlaneCache<T> {
    /// An empty cache.
    pub const fn new() -> Self {
        PlaneCache {
            blocks: [const { std::sync::OnceLock::new() }; 1024],
        }
    }

    /// `f(c)`, from the cache within the Basic Multilingual Plane (`f` must be the same function
    /// at every call on one cache).
    #[inline]
    pub fn get(&self, c: char, f: fn(char) -> T) -> T {
        let u = c as u32;
        if u >= 0x10000 {
            return f(c);
        }
        let block = self.blocks[(u >> 6) as usize].get_or_init(|| {
            let base = u & !63;
            // Surrogate code points are not characters and never looked up.
            std::array::from_fn(|i| char::from_u32(base + i as u32).map_or_else(T::default, f))
        });
        block[(u & 63) as usize]
    }
}

impl<T: Copy + Default> Default for PlaneCache<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// True for code points of the scripts that are written without spaces between words.
fn is_unspaced_script(u: u32) -> bool {
    matches!(u,
        0x0E00..=0x0E7F     // Thai
        | 0x0E80..=0x0EFF   // Lao
        | 0x1000..=0x109F   // Myanmar
        | 0x1780..=0x17FF   // Khmer
        | 0x19E0..=0x19FF   // Khmer symbols
        | 0x2E80..=0x2FDF   // CJK radicals, Kangxi
        | 0x3005..=0x3007   // ideographic iteration mark, closing mark, zero
        | 0x3021..=0x3029   // Hangzhou numerals
        | 0x3031..=0x3035   // kana repeat marks
        | 0x3040..=0x30FF   // Hiragana, Katakana
        | 0x31F0..=0x31FF   // Katakana phonetic extensions
        | 0x3400..=0x4DBF   // CJK extension A
        | 0x4E00..=0x9FFF   // CJK unified ideographs
        | 0xA9E0..=0xA9FF   // Myanmar extended-B
        | 0xAA60..=0xAA7F   // Myanmar extended-A
        | 0xF900..=0xFAFF   // CJK compatibility ideographs
        | 0xFF66..=0xFF9F   // halfwidth Katakana
        | 0x20000..=0x3FFFF // CJK extensions B..
    )
}

#[cfg(test)]
mod tests;
