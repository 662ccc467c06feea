//! The token scanner of [`super`]: the byte spans of a normalized text's tokens, 64 ASCII bytes
//! at a time where it can.
//!
//! In: normalized text. Out: each token's `(start, end, is_unspaced_char)`, through a callback.

use super::*;

/// The token scanner: calls `emit(start, end, is_unspaced_char)` for each token's byte span.
///
/// Blocks of 64 ASCII bytes go through a branch-light path: SIMD compares give bit masks of
/// word bytes, digits and the in-word punctuation; the UAX #29 "mid" rules become shifts and ands
/// of those masks; token boundaries are the set bits of `mask ^ (mask << 1)`, visited with
/// `trailing_zeros`. So the cost is per token, not per byte. Blocks with non-ASCII bytes, and the
/// tail, take the scalar path; both share the open-token state `start`.
#[inline(always)]
pub(super) fn scan(text: &str, mut emit: impl FnMut(usize, usize, bool)) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut start = NONE;
    let mut i = 0usize;
    while i + 64 <= n {
        let mut m = classify64(&bytes[i..i + 64]);
        if m.non_ascii != 0 {
            // Letters of the Latin and Cyrillic blocks are word bytes too: two-byte ones
            // (U+00C0..U+027F but × ÷, U+0400..U+047F, and the combining marks U+0300..U+033F)
            // and three-byte ones (U+1E00..U+1EFF, Latin Extended Additional: `ẹ`, `ọ`, `ṣ`,
            // Vietnamese), when every non-ASCII byte of the block is such a letter's lead or
            // one of the continuations right after it, and no letter straddles the block end.
            let l3 = m.lead3;
            let letters = m.non_ascii == (m.lead2 | l3 | m.cont)
                && m.cont == (m.lead2 << 1) | (l3 << 1) | (l3 << 2)
                && (l3 << 1) & !m.ext_add == 0
                && m.lead2 >> 63 == 0
                && l3 >> 62 == 0
                && (m.c3 << 1) & m.times_divide == 0;
            if !letters && !two_byte_words(&bytes[i..i + 64], &m) {
                i = scan_scalar(text, i, i + 64, &mut start, &mut emit);
                continue;
            }
            m.word |= m.non_ascii;
        }
        let (next_word, next_digit) = match bytes.get(i + 64) {
            None => (false, false),
            Some(&c) if c < 0x80 => (matches!(ASCII_CLASS[c as usize], WORD | DIGIT), c.is_ascii_digit()),
            Some(_) => (is_word_at(text, i + 64), false),
        };
        let open = u64::from(start != NONE);
        let prev_digit = u64::from(i > 0 && bytes[i - 1].is_ascii_digit() && start != NONE);
        let word_prev = (m.word << 1) | open;
        let digit_prev = (m.digit << 1) | prev_digit;
        let word_next = (m.word >> 1) | (u64::from(next_word) << 63);
        let digit_next = (m.digit >> 1) | (u64::from(next_digit) << 63);
        let e = m.word | (m.mid & word_prev & word_next) | ((m.mid | m.midnum) & digit_prev & digit_next);
        // Token starts and ends (the position after a token's last byte) in this block. Starts
        // and ends alternate, so the k-th end closes the k-th start (or, first, the token
        // carried in from the previous block): no data-dependent branch per boundary.
        let prev = (e << 1) | open;
        let mut starts = e & !prev;
        let mut ends = !e & prev;
        if start != NONE && ends != 0 {
            emit(start, i + ends.trailing_zeros() as usize, false);
            ends &= ends - 1;
            start = NONE;
        }
        while ends != 0 {
            let (s, t) = (starts.trailing_zeros() as usize, ends.trailing_zeros() as usize);
            emit(i + s, i + t, false);
            starts &= starts - 1;
            ends &= ends - 1;
        }
        if starts != 0 {
            start = i + starts.trailing_zeros() as usize;
        }
        i += 64;
    }
    scan_scalar(text, i, n, &mut start, &mut emit);
    if start != NONE {
        emit(start, n, false);
    }
}

/// Whether every non-ASCII character of the block is a two-byte word character (U+0080..U+07FF:
/// Greek, Cyrillic, Armenian, Hebrew, Arabic, Syriac, Thaana and the Latin the masks do not
/// take), none straddling the block's end: then the block takes the mask path, its non-ASCII
/// bytes as word bytes. One look-up per character in a bit table of those code points' classes.
#[inline]
fn two_byte_words(block: &[u8], m: &Masks) -> bool {
    if m.non_ascii != (m.lead2_any | m.cont) || m.cont != (m.lead2_any << 1) || m.lead2_any >> 63 != 0 {
        return false;
    }
    let words = two_byte_word_table();
    let mut leads = m.lead2_any;
    while leads != 0 {
        let j = leads.trailing_zeros() as usize;
        leads &= leads - 1;
        let u = (usize::from(block[j] & 0x1F) << 6) | usize::from(block[j + 1] & 0x3F);
        if words[u / 64] >> (u % 64) & 1 == 0 {
            return false;
        }
    }
    true
}

/// Bit `u` set when code point `u` (below U+0800) is a word character ([`classify`]).
fn two_byte_word_table() -> &'static [u64; 32] {
    static TABLE: std::sync::OnceLock<[u64; 32]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = [0u64; 32];
        for u in 0x80..0x800u32 {
            if char::from_u32(u).is_some_and(|c| classify(c) == CharClass::Word) {
                t[u as usize / 64] |= 1 << (u % 64);
            }
        }
        t
    })
}

/// Bit masks of one 64-byte block (bit `j` is byte `j`).
#[derive(Default)]
struct Masks {
    non_ascii: u64,
    word: u64,
    digit: u64,
    /// `'` and `.`
    mid: u64,
    /// `,`
    midnum: u64,
    /// Lead bytes 0xC3..=0xC9, 0xCC and 0xD0..=0xD1 (two-byte letters and marks).
    lead2: u64,
    /// Lead bytes 0xC2..=0xDF (every two-byte character).
    lead2_any: u64,
    /// Lead byte 0xE1 (three-byte letters when the next byte is one of `ext_add`).
    lead3: u64,
    /// Bytes 0xB8..=0xBB (after 0xE1: U+1E00..U+1EFF).
    ext_add: u64,
    /// Continuation bytes 0x80..=0xBF.
    cont: u64,
    /// Lead byte 0xC3.
    c3: u64,
    /// Bytes 0x97 and 0xB7 (after 0xC3: × and ÷).
    times_divide: u64,
}

#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn classify64(block: &[u8]) -> Masks {
    use std::arch::x86_64::*;
    let mut m = Masks::default();
    assert!(block.len() >= 64);
    for k in 0..4 {
        // SAFETY: SSE2 is part of the x86_64 baseline, and the 16 bytes read lie inside
        // `block` (asserted to hold 64) at offset 16·k.
        unsafe {
            let v = _mm_loadu_si128(block.as_ptr().add(16 * k) as *const __m128i);
            let splat = |c: u8| _mm_set1_epi8(c as i8);
            let lower = _mm_or_si128(v, splat(0x20));
            let alpha = _mm_and_si128(
                _mm_cmpgt_epi8(lower, splat(b'a' - 1)),
                _mm_cmplt_epi8(lower, splat(b'z' + 1)),
            );
            let digit = _mm_and_si128(_mm_cmpgt_epi8(v, splat(b'0' - 1)), _mm_cmplt_epi8(v, splat(b'9' + 1)));
            let under = _mm_cmpeq_epi8(v, splat(b'_'));
            let word = _mm_or_si128(_mm_or_si128(alpha, digit), under);
            let mid = _mm_or_si128(_mm_cmpeq_epi8(v, splat(b'\'')), _mm_cmpeq_epi8(v, splat(b'.')));
            let midnum = _mm_cmpeq_epi8(v, splat(b','));
            let sh = 16 * k;
            m.non_ascii |= (_mm_movemask_epi8(v) as u16 as u64) << sh;
            m.word |= (_mm_movemask_epi8(word) as u16 as u64) << sh;
            m.digit |= (_mm_movemask_epi8(digit) as u16 as u64) << sh;
            m.mid |= (_mm_movemask_epi8(mid) as u16 as u64) << sh;
            m.midnum |= (_mm_movemask_epi8(midnum) as u16 as u64) << sh;
            if _mm_movemask_epi8(v) != 0 {
                // Bytes in `lo..=hi` (`lo` above 0x80), by signed compares: 0x80..=0xFF
                // is -128..=-1.
                let between = |lo: u8, hi: u8| {
                    _mm_and_si128(
                        _mm_cmpgt_epi8(v, _mm_set1_epi8(lo as i8 - 1)),
                        _mm_cmplt_epi8(v, _mm_set1_epi8((hi as i8).wrapping_add(1))),
                    )
                };
                let byte = |b: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8));
                let cont = _mm_cmplt_epi8(v, _mm_set1_epi8(-64));
                let lead_latin = between(0xC3, 0xC9);
                let lead_cyr = between(0xD0, 0xD1);
                let marks = byte(0xCC);
                let e1 = byte(0xE1);
                let ext_add = between(0xB8, 0xBB);
                let lead2_any = between(0xC2, 0xDF);
                m.lead2_any |= (_mm_movemask_epi8(lead2_any) as u16 as u64) << sh;
                let c3 = byte(0xC3);
                let td = _mm_or_si128(byte(0x97), byte(0xB7));
                m.cont |= (_mm_movemask_epi8(cont) as u16 as u64) << sh;
                let lead2 = _mm_or_si128(_mm_or_si128(lead_latin, lead_cyr), marks);
                m.lead2 |= (_mm_movemask_epi8(lead2) as u16 as u64) << sh;
                m.lead3 |= (_mm_movemask_epi8(e1) as u16 as u64) << sh;
                m.ext_add |= (_mm_movemask_epi8(ext_add) as u16 as u64) << sh;
                m.c3 |= (_mm_movemask_epi8(c3) as u16 as u64) << sh;
                m.times_divide |= (_mm_movemask_epi8(td) as u16 as u64) << sh;
            }
        }
    }
    m
}

#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn classify64(block: &[u8]) -> Masks {
    let mut m = Masks::default();
    for (j, &c) in block[..64].iter().enumerate() {
        let bit = 1u64 << j;
        if c >= 0x80 {
            m.non_ascii |= bit;
            match c {
                0x80..=0xBF => m.cont |= bit,
                0xC3..=0xC9 | 0xCC | 0xD0..=0xD1 => m.lead2 |= bit,
                0xE1 => m.lead3 |= bit,
                _ => {}
            }
            if (0xB8..=0xBB).contains(&c) {
                m.ext_add |= bit;
            }
            if (0xC2..=0xDF).contains(&c) {
                m.lead2_any |= bit;
            }
            if c == 0xC3 {
                m.c3 |= bit;
            }
            if c == 0x97 || c == 0xB7 {
                m.times_divide |= bit;
            }
            continue;
        }
        match ASCII_CLASS[c as usize] {
            WORD => m.word |= bit,
            DIGIT => {
                m.word |= bit;
                m.digit |= bit
            }
            MID => m.mid |= bit,
            MIDNUM => m.midnum |= bit,
            _ => {}
        }
    }
    m
}

/// The scalar scanner, from byte `i` until at least byte `end`; returns where it stopped (a char
/// boundary at or past `end`). `start` is the open token's first byte, or `NONE`.
#[inline(always)]
pub(super) fn scan_scalar(
    text: &str,
    mut i: usize,
    end: usize,
    start: &mut usize,
    emit: &mut impl FnMut(usize, usize, bool),
) -> usize {
    let bytes = text.as_bytes();
    let n = bytes.len();
    while i < end {
        let b = bytes[i];
        if b < 0x80 {
            let class = ASCII_CLASS[b as usize];
            if class == WORD || class == DIGIT {
                if *start == NONE {
                    *start = i;
                }
                i += 1;
                while i < n && bytes[i] < 0x80 && matches!(ASCII_CLASS[bytes[i] as usize], WORD | DIGIT) {
                    i += 1;
                }
                continue;
            }
            if *start != NONE {
                let keep = (class == MID && is_word_at(text, i + 1))
                    || ((class == MID || class == MIDNUM)
                        && bytes[i - 1].is_ascii_digit()
                        && bytes.get(i + 1).is_some_and(u8::is_ascii_digit));
                if !keep {
                    emit(*start, i, false);
                    *start = NONE;
                }
            }
            i += 1;
            continue;
        }
        // Non-ASCII: decode one char. `i` is always at a char boundary, since it only
        // advances by whole chars.
        let c = text[i..].chars().next().unwrap_or(' ');
        let len = c.len_utf8();
        match classify(c) {
            CharClass::Word => {
                if *start == NONE {
                    *start = i;
                }
            }
            CharClass::Ideo => {
                if *start != NONE {
                    emit(*start, i, false);
                    *start = NONE;
                }
                emit(i, i + len, true);
            }
            CharClass::Sep => {
                let mid = c == '\u{2019}' && *start != NONE && is_word_at(text, i + len);
                if !mid && *start != NONE {
                    emit(*start, i, false);
                    *start = NONE;
                }
            }
        }
        i += len;
    }
    i
}

/// Whether the character starting at byte `i` of `text` is a word character.
fn is_word_at(text: &str, i: usize) -> bool {
    match text.as_bytes().get(i) {
        None => false,
        Some(&b) if b < 0x80 => matches!(ASCII_CLASS[b as usize], WORD | DIGIT),
        Some(_) => text
            .get(i..)
            .and_then(|s| s.chars().next())
            .is_some_and(|c| classify(c) == CharClass::Word),
    }
}
