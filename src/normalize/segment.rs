//! Normalizing a run of non-ASCII text by segments (see [`push_non_ascii_run`]).
//!
//! In: a maximal run of non-ASCII characters and the output so far. Out: the run appended in
//! NFKC, case-folded, exactly as NFKC of the whole text then [`super::fold_chars`] would give.

use super::{PlaneCache, fast_fold, fold_chars, only_char};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// Appends a maximal run of non-ASCII characters, NFKC-normalized and folded. No canonical
/// composition has an ASCII character as its second element, so the run can be normalized on
/// its own, together with the ASCII character before it (which a combining mark may compose
/// with): that one is taken back from `out` first.
pub(super) fn push_non_ascii_run(run: &str, out: &mut String) {
    // Tone and accent marks written apart after an ASCII letter (Yoruba writes most of its
    // vowels so): the letter and its marks are one segment, normalized on the stack, or for
    // one mark read from a table. (U+0300..U+036F are 0xCC or 0xCD and a continuation byte
    // in UTF-8.)
    let b = run.as_bytes();
    if b.first().is_some_and(|b| b & 0xFE == 0xCC)
        && let Some(&prev) = out.as_bytes().last().filter(|b| b.is_ascii())
        && run.len() < SHORT
        && run.chars().all(|c| matches!(c as u32, 0x300..=0x36F))
    {
        if b.len() == 2 {
            let mark = ((usize::from(b[0] & 1) << 6) | usize::from(b[1] & 0x3F)) as u8;
            if let Some(f) = composed_with_mark(prev, mark) {
                out.pop();
                out.push(f);
                return;
            }
        }
        out.pop();
        if nfkc_short(std::iter::once(prev as char).chain(run.chars()), out) {
            return;
        }
        out.push(prev as char);
    }
    // Normalization can restart before any stable character (a starter whose NFKC quick check
    // is Yes: UAX #15, 9.1, nothing composes with what precedes it). Stable characters that fold
    // to one character take one look-up each; from the first one that is not stable on, the
    // text is checked a segment at a time, from a stable character to the next, and the rare
    // segment that is not NFKC as it stands is written again through NFKC. The ASCII character
    // before the run opens its first segment (a combining mark may compose with it).
    // Characters that fold to themselves (every one of a script without case) are copied a
    // stretch at a time: `run[pending..]` up to the current character is still to be copied.
    let mut pending = 0;
    let mut stop = None;
    for (j, c) in run.char_indices() {
        match stable_fold(c).or_else(|| fast_fold(c)) {
            Some(f) if f == c => {}
            Some(f) => {
                out.push_str(&run[pending..j]);
                out.push(f);
                pending = j + c.len_utf8();
            }
            None => {
                stop = Some(j);
                break;
            }
        }
    }
    let Some(at) = stop else {
        out.push_str(&run[pending..]);
        return;
    };
    out.push_str(&run[pending..at]);
    // The first segment's stable character: the one just written, or the ASCII one before the
    // run.
    let mut stable = match run[..at].chars().next_back() {
        Some(prev) => {
            let len = stable_fold(prev).or_else(|| fast_fold(prev)).map_or(0, char::len_utf8);
            Stable {
                at: at - prev.len_utf8(),
                out: out.len() - len,
                c: Some(prev),
                taken: false,
            }
        }
        None => match out.chars().next_back().filter(char::is_ascii) {
            Some(prev) => Stable {
                at,
                out: out.len() - 1,
                c: Some(prev),
                taken: true,
            },
            None => Stable {
                at,
                out: out.len(),
                c: None,
                taken: false,
            },
        },
    };
    // From here on, character by character: a script with marks has them in most words. A
    // character's place in `out` counts the bytes still to be copied (a fold to itself keeps
    // its length).
    let mut pending = at;
    let mut seg = Segment::after(stable.c);
    for (j, c) in run[at..].char_indices() {
        let i = at + j;
        let info = char_info(c);
        if info.ccc == 0 && info.quick == Quick::Yes {
            if seg.dirty {
                out.push_str(&run[pending..i]);
                pending = i;
                seg.finish(run, &stable, i, out);
            }
            stable = Stable {
                at: i,
                out: out.len() + (i - pending),
                c: Some(c),
                taken: false,
            };
            seg = Segment::after(Some(c));
        } else {
            seg.admit(c, info);
        }
        if info.fold != Some(c) {
            out.push_str(&run[pending..i]);
            match info.fold {
                Some(f) => out.push(f),
                None => fold_chars(std::iter::once(c), out),
            }
            pending = i + c.len_utf8();
        }
    }
    out.push_str(&run[pending..]);
    seg.finish(run, &stable, run.len(), out);
}

/// The stable character a segment of [`push_non_ascii_run`] starts with: its byte in the run,
/// where its folded form starts in the output, the character, and whether it is the ASCII
/// character before the run (then not part of the run).
struct Stable {
    at: usize,
    out: usize,
    c: Option<char>,
    taken: bool,
}

/// What [`push_non_ascii_run`] knows of a segment with characters that are not stable: the last
/// starter, the combining class the next mark must not be below (the last mark's, or that of
/// the last mark of the starter's decomposition: `ẹ` is `e` and a dot below), and whether the
/// segment may not be NFKC as it stands.
struct Segment {
    starter: Option<char>,
    prev_ccc: u8,
    dirty: bool,
}

impl Segment {
    /// A segment whose stable first character is `c`.
    fn after(c: Option<char>) -> Self {
        Segment {
            starter: c,
            prev_ccc: c.map_or(0, |c| char_info(c).trail_ccc),
            dirty: false,
        }
    }

    /// Takes in a character that is not stable. The segment stays NFKC when the character's
    /// quick check is not No, it is not a mark below the class of the mark before it (which
    /// would reorder: `é` then a cedilla becomes `e`, cedilla, acute, composing to `ḝ`), and,
    /// if Maybe, it does not compose with the last starter (blocked or not: a conservative
    /// test). Where in doubt, the segment is normalized.
    #[inline]
    fn admit(&mut self, c: char, info: CharInfo) {
        let composes = || {
            self.starter
                .is_some_and(|s| unicode_normalization::char::compose(s, c).is_some())
        };
        self.dirty = self.dirty
            || info.quick == Quick::No
            || (info.ccc != 0 && info.ccc < self.prev_ccc)
            || (info.quick == Quick::Maybe && composes());
        if info.ccc == 0 {
            self.starter = Some(c);
            self.prev_ccc = info.trail_ccc;
        } else {
            self.prev_ccc = info.ccc;
        }
    }

    /// Ends the segment that started at `stable` at byte `end` of `run`: one that may not be
    /// NFKC is written again through it.
    fn finish(&self, run: &str, stable: &Stable, end: usize, out: &mut String) {
        if self.dirty {
            out.truncate(stable.out);
            let taken = stable.c.filter(|_| stable.taken);
            let chars = || taken.into_iter().chain(run[stable.at..end].chars());
            if !nfkc_short(chars(), out) {
                fold_chars(chars().nfkc(), out);
            }
        }
    }
}

/// What an ASCII character followed by the combining mark U+0300 + `mark` (at most 0x6F)
/// normalizes and folds to when that is one character (`e` and an acute: `é`), from a table
/// filled a row per ASCII character on first use; `None` when it is two (no composition).
fn composed_with_mark(ascii: u8, mark: u8) -> Option<char> {
    static ROWS: [std::sync::OnceLock<[Option<char>; 0x70]>; 128] = [const { std::sync::OnceLock::new() }; 128];
    let row = ROWS[usize::from(ascii & 0x7F)].get_or_init(|| {
        std::array::from_fn(|m| {
            let mark = char::from_u32(0x300 + m as u32).unwrap_or('\u{300}');
            let mut s = String::new();
            nfkc_short([char::from(ascii & 0x7F), mark].into_iter(), &mut s);
            only_char(&s)
        })
    });
    row[usize::from(mark & 0x7F).min(0x6F)]
}

/// Characters [`nfkc_short`] normalizes on the stack.
const SHORT: usize = 32;

/// Appends NFKC of `chars`, folded, to `out`, as `fold_chars(chars.nfkc(), out)` does, for a
/// segment of at most [`SHORT`] characters once decomposed; returns `false`, having written
/// nothing, for a longer one. The three steps of UAX #15 (section 3.11) on a buffer on the
/// stack: compatibility decomposition, canonical ordering (a stable sort of each run of marks
/// by combining class) and canonical composition (each character joins the last starter unless
/// blocked by a character between them of class 0 or of a class at least its own). A segment
/// is a few characters (a letter and its marks: `n` and a combining acute in Yoruba), for
/// which the general iterator's set-up costs more than the work.
fn nfkc_short(chars: impl Iterator<Item = char>, out: &mut String) -> bool {
    use unicode_normalization::char::{canonical_combining_class, compose, decompose_compatible};
    let mut buf = ['\0'; SHORT];
    let mut ccc = [0u8; SHORT];
    let mut n = 0;
    let mut overflow = false;
    for c in chars {
        let info = char_info(c);
        if info.nfkd_self {
            if n == SHORT {
                return false;
            }
            buf[n] = c;
            ccc[n] = info.ccc;
            n += 1;
            continue;
        }
        decompose_compatible(c, |d| {
            if n < SHORT {
                buf[n] = d;
                ccc[n] = canonical_combining_class(d);
                n += 1;
            } else {
                overflow = true;
            }
        });
        if overflow {
            return false;
        }
    }
    // Canonical ordering: insertion sort of each run of marks, stable.
    for i in 1..n {
        let mut j = i;
        while j > 0 && ccc[j] != 0 && ccc[j - 1] > ccc[j] {
            buf.swap(j - 1, j);
            ccc.swap(j - 1, j);
            j -= 1;
        }
    }
    // Canonical composition, in place: `w` characters kept so far, `starter` the last kept
    // starter, `last` the class of the last character kept after it (none when adjacent).
    let (mut w, mut starter, mut last) = (0usize, None::<usize>, None::<u8>);
    for i in 0..n {
        let (c, cc) = (buf[i], ccc[i]);
        if let Some(s) = starter {
            if !last.is_some_and(|l| l == 0 || l >= cc) {
                if let Some(x) = compose(buf[s], c) {
                    buf[s] = x;
                    continue;
                }
            }
        }
        buf[w] = c;
        if cc == 0 {
            starter = Some(w);
            last = None;
        } else {
            last = Some(cc);
        }
        w += 1;
    }
    fold_chars(buf[..w].iter().copied(), out);
    true
}

/// What normalizing and folding need to know of a character: its NFKC quick check (Yes, Maybe
/// or No), canonical combining class, the combining class of the last character of its
/// canonical decomposition (its own for a character that does not decompose), and its folded
/// form ([`fold_chars`]) when that is one character.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct CharInfo {
    quick: Quick,
    ccc: u8,
    trail_ccc: u8,
    fold: Option<char>,
    /// Whether the compatibility decomposition of the character is itself.
    nfkd_self: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
enum Quick {
    Yes,
    Maybe,
    #[default]
    No,
}

/// [`CharInfo`] of `c`, cached per block of the Basic Multilingual Plane.
#[inline]
fn char_info(c: char) -> CharInfo {
    static INFO: PlaneCache<CharInfo> = PlaneCache::new();
    INFO.get(c, char_info_slow)
}

/// Whether `text` is in NFKC by the quick check of UAX #15 (every character's NFKC quick check
/// is Yes and the combining marks are in canonical order): the answer of unicode-normalization's
/// `is_nfkc_quick(text.chars()) == IsNormalized::Yes`, with each character's properties read
/// from the per-block cache (the tables' binary searches cost tens of instructions per
/// character). The test [`nfkc_into`] applies per character; kept to check the cached
/// properties against unicode-normalization's.
#[cfg(test)]
pub(crate) fn is_nfkc(text: &str) -> bool {
    let mut last_ccc = 0u8;
    for c in text.chars() {
        if c.is_ascii() {
            last_ccc = 0;
            continue;
        }
        let info = char_info(c);
        if info.quick != Quick::Yes || (info.ccc != 0 && last_ccc > info.ccc) {
            return false;
        }
        last_ccc = info.ccc;
    }
    true
}

/// Appends the NFKC form of `text` to `out`: unicode-normalization's `text.nfkc()`, run only
/// over the stretches that need it. A character whose quick check is Yes and whose combining
/// class is 0 is a safe place to split (UAX #15, "Stable Code Points": nothing before it
/// reorders past it or composes with it, because the characters that compose with an earlier
/// one are exactly those whose quick check is Maybe), so the text is copied as it is between
/// such characters and normalized from the last one before a character that fails the quick
/// check to the next one after it.
pub(crate) fn nfkc_into(text: &str, out: &mut String) {
    use unicode_normalization::UnicodeNormalization;
    let stable = |c: char| {
        c.is_ascii() || {
            let info = char_info(c);
            info.quick == Quick::Yes && info.ccc == 0
        }
    };
    // `copied`: bytes of `text` already in `out`; `start`: the last stable character met.
    let (mut copied, mut start, mut last_ccc) = (0, 0, 0u8);
    let (b, mut i) = (text.as_bytes(), 0);
    while let Some(c) = text[i..].chars().next() {
        if c.is_ascii() {
            // A run of ASCII characters, all stable: the last one is where a change would
            // start from.
            let run = b[i..].iter().position(|&c| c >= 0x80).unwrap_or(b.len() - i);
            (start, last_ccc, i) = (i + run - 1, 0, i + run);
            continue;
        }
        let next = i + c.len_utf8();
        let info = char_info(c);
        if info.quick == Quick::Yes && (info.ccc == 0 || last_ccc <= info.ccc) {
            if info.ccc == 0 {
                start = i;
            }
            (last_ccc, i) = (info.ccc, next);
            continue;
        }
        // Normalized from the last stable character to the next one.
        let end = text[next..]
            .char_indices()
            .find(|&(_, n)| stable(n))
            .map_or(text.len(), |(j, _)| next + j);
        out.push_str(&text[copied..start]);
        out.extend(text[start..end].nfkc());
        (copied, start, last_ccc, i) = (end, end, 0, end);
    }
    out.push_str(&text[copied..]);
}

/// [`CharInfo`] by the Unicode tables.
fn char_info_slow(c: char) -> CharInfo {
    let mut last = c;
    unicode_normalization::char::decompose_canonical(c, |d| last = d);
    let mut folded = String::new();
    fold_chars(std::iter::once(c), &mut folded);
    CharInfo {
        quick: match is_nfkc_quick(std::iter::once(c)) {
            IsNormalized::Yes => Quick::Yes,
            IsNormalized::Maybe => Quick::Maybe,
            IsNormalized::No => Quick::No,
        },
        ccc: unicode_normalization::char::canonical_combining_class(c),
        trail_ccc: unicode_normalization::char::canonical_combining_class(last),
        fold: only_char(&folded),
        nfkd_self: {
            let mut n = 0;
            let mut same = true;
            unicode_normalization::char::decompose_compatible(c, |d| {
                n += 1;
                same &= d == c;
            });
            same && n == 1
        },
    }
}

/// The folded form of a stable character (a starter with NFKC quick check Yes) that folds to
/// one character, from [`char_info`]; `None` for every other character (ASCII included).
/// Greek, Arabic, Hebrew, Thai, Indic and Ethiopic letters fold in one look-up.
#[inline]
pub(super) fn stable_fold(c: char) -> Option<char> {
    static FOLDS: PlaneCache<Option<char>> = PlaneCache::new();
    FOLDS.get(c, |c| {
        let info = char_info_slow(c);
        (!c.is_ascii() && info.ccc == 0 && info.quick == Quick::Yes)
            .then_some(info.fold)
            .flatten()
    })
}
