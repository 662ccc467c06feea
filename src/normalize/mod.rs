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
//! Punctuation and whitespace are folded by the tokenizer, which treats every run of them as one
//! separator.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// Writes the NFKC, case-folded form of `text` into `out` (cleared first).
///
/// ```
/// let mut buf = String::new();
/// neardup::normalize::normalize_into("Straße ＡＢＣ", &mut buf);
/// assert_eq!(buf, "strasse abc");
/// ```
pub fn normalize_into(text: &str, out: &mut String) {
    out.clear();
    out.reserve(text.len() + text.len() / 8);
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // An ASCII run: lowercase it byte by byte (ASCII is always NFKC).
        let j = i + ascii_prefix_len(&bytes[i..]);
        push_ascii_lowercase(&text[i..j], out);
        if j == bytes.len() {
            break;
        }
        // A non-ASCII run, up to the next ASCII byte. No canonical composition has an ASCII
        // character as its second element, so the run can be normalized on its own, together
        // with the ASCII character before it (which a combining mark may compose with).
        let k = j + bytes[j..].iter().position(|b| b.is_ascii()).unwrap_or(bytes.len() - j);
        let seg = &text[j..k];
        if is_nfkc_quick(seg.chars()) == IsNormalized::Yes {
            fold_chars(seg.chars(), out);
        } else {
            let from = if j > i {
                out.pop();
                j - 1
            } else {
                j
            };
            fold_chars(text[from..k].nfkc(), out);
        }
        i = k;
    }
}

/// Appends ASCII `s` lowercased, in one pass (16 bytes per step with SSE2).
#[inline(always)]
fn push_ascii_lowercase(s: &str, out: &mut String) {
    debug_assert!(s.is_ascii());
    let run_start = out.len();
    out.push_str(s);
    let dst = &mut out[run_start..];
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        // SAFETY: `dst` is ASCII (a copy of `s`), so adding 0x20 to its bytes in 'A'..='Z'
        // keeps it ASCII and valid UTF-8; SSE2 is part of the x86_64 baseline; every 16-byte
        // load and store is inside `dst` (loop condition).
        unsafe {
            let bytes = dst.as_bytes_mut();
            let mut i = 0;
            while i + 16 <= bytes.len() {
                let p = bytes.as_mut_ptr().add(i) as *mut __m128i;
                let v = _mm_loadu_si128(p);
                let upper = _mm_and_si128(
                    _mm_cmpgt_epi8(v, _mm_set1_epi8(b'A' as i8 - 1)),
                    _mm_cmplt_epi8(v, _mm_set1_epi8(b'Z' as i8 + 1)),
                );
                _mm_storeu_si128(p, _mm_add_epi8(v, _mm_and_si128(upper, _mm_set1_epi8(0x20))));
                i += 16;
            }
            bytes[i..].make_ascii_lowercase();
        }
        return;
    }
    #[allow(unreachable_code)]
    dst.make_ascii_lowercase();
}

/// Length of the longest all-ASCII prefix of `b`, eight bytes at a time.
fn ascii_prefix_len(b: &[u8]) -> usize {
    let mut n = 0;
    for w in b.chunks_exact(8) {
        let x = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        let hi = x & 0x8080_8080_8080_8080;
        if hi != 0 {
            return n + (hi.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    n + b[n..].iter().position(|c| !c.is_ascii()).unwrap_or(b.len() - n)
}

fn fold_chars(chars: impl Iterator<Item = char>, out: &mut String) {
    for c in chars {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        match c {
            'ß' | 'ẞ' => out.push_str("ss"),
            'ς' => out.push('σ'),
            _ => out.extend(c.to_lowercase()),
        }
    }
}

/// The script class of a character, as the tokenizer needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharClass {
    /// Part of a word in a script written with spaces (letters, digits, marks, `_`).
    Word,
    /// A character of a script written without spaces (Han, Hiragana, Katakana, Thai, Lao,
    /// Khmer, Myanmar): each one is a token of its own.
    Ideo,
    /// Whitespace, punctuation, symbols: separates tokens.
    Sep,
}

/// Classifies a non-ASCII character.
pub fn classify(c: char) -> CharClass {
    let u = c as u32;
    if is_unspaced_script(u) {
        return CharClass::Ideo;
    }
    if c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c) {
        CharClass::Word
    } else {
        CharClass::Sep
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
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        let mut b = String::new();
        normalize_into(s, &mut b);
        b
    }

    #[test]
    fn ascii_fast_path_lowercases() {
        assert_eq!(norm("Hello, WORLD 42"), "hello, world 42");
    }

    #[test]
    fn nfkc_and_folding() {
        // Full-width letters and the "ﬁ" ligature are compatibility characters.
        assert_eq!(norm("ＡＢＣ ﬁle"), "abc file");
        assert_eq!(norm("ΣΟΦΟΣ σοφος"), "σοφοσ σοφοσ");
        assert_eq!(norm("GROẞE Straße"), "grosse strasse");
        // Decomposed é composes under NFKC, also with an uppercase base letter.
        assert_eq!(norm("Cafe\u{301}"), "café");
        assert_eq!(norm("CAFE\u{301} x"), "café x");
        assert_eq!(norm("ab\u{2460}cd"), "ab1cd");
    }

    #[test]
    fn runs_agree_with_whole_text_nfkc() {
        use unicode_normalization::UnicodeNormalization;
        for t in [
            "a\u{300}\u{301}b",
            "Ǆemal ﬃ ＡＢ ²",
            "x\u{1100}\u{1161}y",
            "e\u{301}\u{327}",
            "tail é",
        ] {
            let whole: String = t.nfkc().collect::<String>().to_lowercase();
            assert_eq!(norm(t), whole, "{t:?}");
        }
        assert_eq!(ascii_prefix_len(b"abcdefghij\xc3\xa9"), 10);
        assert_eq!(ascii_prefix_len(b"abc"), 3);
    }

    #[test]
    fn simd_lowercase_matches_std() {
        let all: String = (0u8..128).map(char::from).collect::<String>().repeat(3);
        let mut out = String::from("x");
        push_ascii_lowercase(&all, &mut out);
        assert_eq!(out, format!("x{}", all.to_ascii_lowercase()));
    }

    #[test]
    fn classes() {
        assert_eq!(classify('中'), CharClass::Ideo);
        assert_eq!(classify('ก'), CharClass::Ideo);
        assert_eq!(classify('カ'), CharClass::Ideo);
        assert_eq!(classify('é'), CharClass::Word);
        assert_eq!(classify('ب'), CharClass::Word);
        assert_eq!(classify('\u{94d}'), CharClass::Word); // Devanagari virama, a mark
        assert_eq!(classify('—'), CharClass::Sep);
        assert_eq!(classify('。'), CharClass::Sep);
    }
}
