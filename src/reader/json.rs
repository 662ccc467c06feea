//! A small validating JSON scanner for one JSONL record.
//!
//! It finds the text and id fields of a top-level object without building a tree, skips every
//! other value (validating it), and returns string values as byte spans of the line, so the
//! caller can borrow them when they hold no escape and unescape them into a reused buffer
//! otherwise. The line must already be valid UTF-8.

use crate::error::RecordErrorKind;

/// A JSON string value: the bytes between its quotes, and whether it holds escapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StrSpan {
    pub start: usize,
    pub end: usize,
    pub escaped: bool,
}

/// The id field's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdSpan {
    /// A string.
    Str(StrSpan),
    /// A number, kept as its literal text.
    Num(usize, usize),
}

/// The fields of one record that the reader needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RecordSpans {
    pub text: StrSpan,
    pub id: Option<IdSpan>,
    /// Byte offset of the closing `}` (where `--annotate` inserts its field).
    pub close: usize,
    /// Whether the object has at least one member.
    pub nonempty: bool,
}

type R<T> = Result<T, RecordErrorKind>;

/// Index of the first byte at or after `i` that is `"`, `\\` or a control character (or
/// `b.len()`): 16 bytes per step with SSE2, then byte by byte.
#[inline(always)]
fn skip_plain(b: &[u8], i: usize) -> usize {
    skip_plain_sse2(b, i)
}

/// [`skip_plain`] with SSE2 (the x86_64 baseline), then byte by byte.
#[inline(always)]
fn skip_plain_sse2(b: &[u8], mut i: usize) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        while i + 16 <= b.len() {
            // SAFETY: SSE2 is part of the x86_64 baseline; the 16 bytes read are in bounds
            // (checked by the loop condition).
            let mask = unsafe {
                let v = _mm_loadu_si128(b.as_ptr().add(i) as *const __m128i);
                let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
                let backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
                // Unsigned v <= 0x1f  <=>  max(v, 0x1f) == 0x1f.
                let ctrl = _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(0x1f)), _mm_set1_epi8(0x1f));
                _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), ctrl)) as u32
            };
            if mask != 0 {
                return i + mask.trailing_zeros() as usize;
            }
            i += 16;
        }
    }
    while i < b.len() && !STRING_SPECIAL[b[i] as usize] {
        i += 1;
    }
    i
}

/// Bytes that end a run of plain string content: `"`, `\\` and control characters.
static STRING_SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 0x20 {
        t[c] = true;
        c += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

fn err<T>(msg: impl Into<String>, pos: usize) -> R<T> {
    Err(RecordErrorKind::InvalidJson(format!("{} at byte {}", msg.into(), pos)))
}

struct P<'a> {
    b: &'a [u8],
    i: usize,
}

impl P<'_> {
    fn ws(&mut self) {
        while let Some(&c) = self.b.get(self.i) {
            if matches!(c, b' ' | b'\t' | b'\r' | b'\n') {
                self.i += 1;
            } else {
                break;
            }
        }
    }

    fn expect(&mut self, c: u8) -> R<()> {
        self.ws();
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            Ok(())
        } else {
            err(format!("expected '{}'", c as char), self.i)
        }
    }

    fn string(&mut self) -> R<StrSpan> {
        if self.b.get(self.i) != Some(&b'"') {
            return err("expected a string", self.i);
        }
        let start = self.i + 1;
        #[cfg(target_arch = "x86_64")]
        let (end, escaped) = if self.b.len() - start >= 64 && std::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            unsafe { string_body_avx2(self.b, start)? }
        } else {
            string_body(self.b, start, skip_plain)?
        };
        #[cfg(not(target_arch = "x86_64"))]
        let (end, escaped) = string_body(self.b, start, skip_plain)?;
        self.i = end + 1;
        Ok(StrSpan { start, end, escaped })
    }

    fn number(&mut self) -> R<(usize, usize)> {
        let start = self.i;
        let b = self.b;
        let digits = |i: &mut usize| {
            let s = *i;
            while b.get(*i).is_some_and(u8::is_ascii_digit) {
                *i += 1;
            }
            *i > s
        };
        if b.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        if b.get(self.i) == Some(&b'0') {
            self.i += 1;
        } else if !digits(&mut self.i) {
            return err("bad number", start);
        }
        if b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if !digits(&mut self.i) {
                return err("bad number", start);
            }
        }
        if matches!(b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !digits(&mut self.i) {
                return err("bad number", start);
            }
        }
        Ok((start, self.i))
    }

    fn value(&mut self, depth: usize) -> R<()> {
        if depth > 256 {
            return err("nesting too deep", self.i);
        }
        self.ws();
        match self.b.get(self.i) {
            Some(b'"') => self.string().map(|_| ()),
            Some(b'{') => {
                self.i += 1;
                self.ws();
                if self.b.get(self.i) == Some(&b'}') {
                    self.i += 1;
                    return Ok(());
                }
                loop {
                    self.ws();
                    self.string()?;
                    self.expect(b':')?;
                    self.value(depth + 1)?;
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(());
                        }
                        _ => return err("expected ',' or '}'", self.i),
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                self.ws();
                if self.b.get(self.i) == Some(&b']') {
                    self.i += 1;
                    return Ok(());
                }
                loop {
                    self.value(depth + 1)?;
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(());
                        }
                        _ => return err("expected ',' or ']'", self.i),
                    }
                }
            }
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            Some(b'-' | b'0'..=b'9') => self.number().map(|_| ()),
            Some(_) => err("unexpected character", self.i),
            None => err("unexpected end of line", self.i),
        }
    }

    fn literal(&mut self, lit: &[u8]) -> R<()> {
        if self.b[self.i..].starts_with(lit) {
            self.i += lit.len();
            Ok(())
        } else {
            err("bad literal", self.i)
        }
    }

    fn key_is(&self, key: StrSpan, name: &str) -> bool {
        let raw = &self.b[key.start..key.end];
        if !key.escaped {
            return raw == name.as_bytes();
        }
        let mut s = String::new();
        std::str::from_utf8(self.b).is_ok_and(|line| unescape(line, key, &mut s).is_ok() && s == name)
    }
}

/// Scans one JSONL record (a whole line, valid UTF-8) for `text_field` and `id_field`.
pub(crate) fn scan_record(line: &[u8], text_field: &str, id_field: &str) -> R<RecordSpans> {
    let mut p = P { b: line, i: 0 };
    p.ws();
    match p.b.get(p.i) {
        Some(b'{') => p.i += 1,
        Some(_) => {
            // Validate first, so "not JSON at all" and "JSON but not an object" differ.
            p.value(0)?;
            return Err(RecordErrorKind::NotAnObject);
        }
        None => return err("empty record", 0),
    }
    let mut text: Option<R<StrSpan>> = None;
    let mut id = None;
    let mut nonempty = false;
    p.ws();
    let close = if p.b.get(p.i) == Some(&b'}') {
        p.i += 1;
        p.i - 1
    } else {
        nonempty = true;
        loop {
            p.ws();
            let key = p.string()?;
            p.expect(b':')?;
            p.ws();
            // A key given twice counts as its last value, as serde_json and Python read it.
            let is_text = p.key_is(key, text_field);
            let is_id = !is_text && p.key_is(key, id_field);
            if is_text || is_id {
                match p.b.get(p.i) {
                    Some(b'"') => {
                        let s = p.string()?;
                        if is_text {
                            text = Some(Ok(s));
                        } else {
                            id = Some(Ok(IdSpan::Str(s)));
                        }
                    }
                    Some(b'-' | b'0'..=b'9') if is_id => {
                        let (s, e) = p.number()?;
                        id = Some(Ok(IdSpan::Num(s, e)));
                    }
                    _ => {
                        p.value(1)?;
                        if is_text {
                            text = Some(Err(RecordErrorKind::TextNotString(text_field.into())));
                        } else {
                            id = Some(Err(RecordErrorKind::BadId(id_field.into())));
                        }
                    }
                }
            } else {
                p.value(1)?;
            }
            p.ws();
            match p.b.get(p.i) {
                Some(b',') => p.i += 1,
                Some(b'}') => {
                    p.i += 1;
                    break p.i - 1;
                }
                _ => return err("expected ',' or '}'", p.i),
            }
        }
    };
    p.ws();
    if p.i != p.b.len() {
        return err("trailing characters after the object", p.i);
    }
    let text = text.ok_or_else(|| RecordErrorKind::MissingTextField(text_field.into()))??;
    let id = id.transpose()?;
    Ok(RecordSpans {
        text,
        id,
        close,
        nonempty,
    })
}

/// The byte spans of the values of the object `line`'s members named `key` (every one, if the
/// key is given more than once), in order. `--annotate` writes its field over them.
pub(crate) fn member_values(line: &[u8], key: &str) -> R<Vec<(usize, usize)>> {
    let mut p = P { b: line, i: 0 };
    let mut out = Vec::new();
    p.ws();
    p.expect(b'{')?;
    p.ws();
    if p.b.get(p.i) == Some(&b'}') {
        return Ok(out);
    }
    loop {
        p.ws();
        let k = p.string()?;
        p.expect(b':')?;
        p.ws();
        let start = p.i;
        p.value(1)?;
        if p.key_is(k, key) {
            out.push((start, p.i));
        }
        p.ws();
        match p.b.get(p.i) {
            Some(b',') => p.i += 1,
            Some(b'}') => return Ok(out),
            _ => return err("expected ',' or '}'", p.i),
        }
    }
}

/// Appends the unescaped content of the string `span` of `line` to `out`.
pub(crate) fn unescape(line: &str, span: StrSpan, out: &mut String) -> R<()> {
    let raw_str = &line[span.start..span.end];
    let raw = raw_str.as_bytes();
    // The line is valid UTF-8 and escapes are ASCII, so every piece between escapes is too.
    let mut i = 0;
    loop {
        let p = find_backslash(raw, i);
        if p == raw.len() {
            break;
        }
        out.push_str(&raw_str[i..p]);
        let c = raw[p + 1];
        i = p + 2;
        let ch = match c {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = hex4(&raw[p + 2..p + 6]);
                i = p + 6;
                if (0xD800..0xDC00).contains(&hi) && raw.get(i..i + 2) == Some(b"\\u") {
                    let lo = hex4(&raw[i + 2..i + 6]);
                    if (0xDC00..0xE000).contains(&lo) {
                        i += 6;
                        let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                        char::from_u32(cp).unwrap_or('\u{FFFD}')
                    } else {
                        '\u{FFFD}'
                    }
                } else {
                    // A lone surrogate cannot be held in a Rust string: it becomes U+FFFD.
                    char::from_u32(hi).unwrap_or('\u{FFFD}')
                }
            }
            _ => return err("bad escape", span.start + p),
        };
        out.push(ch);
    }
    out.push_str(&raw_str[i..]);
    Ok(())
}

/// Index of the first `\\` at or after `i` (or `b.len()`): 16 bytes per step with SSE2.
/// Escapes in text are often a few bytes apart (`\\n` ending every line), where this beats a
/// general `memchr` call.
#[inline(always)]
fn find_backslash(b: &[u8], mut i: usize) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        while i + 16 <= b.len() {
            // SAFETY: SSE2 is part of the x86_64 baseline; the load is in bounds.
            let mask = unsafe {
                let v = _mm_loadu_si128(b.as_ptr().add(i) as *const __m128i);
                _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8)))
            };
            if mask != 0 {
                return i + mask.trailing_zeros() as usize;
            }
            i += 16;
        }
    }
    i + b[i..].iter().position(|&c| c == b'\\').unwrap_or(b.len() - i)
}

/// Scans a string's content from `start` (just after the opening quote) to its closing quote,
/// validating escapes; returns the quote's index and whether there were escapes. `skip` finds
/// the next special byte (`"`, `\\`, control character) from an index.
#[inline(always)]
fn string_body(b: &[u8], start: usize, skip: impl Fn(&[u8], usize) -> usize) -> R<(usize, bool)> {
    string_body_from(b, start, start, false, skip)
}

/// [`string_body`] resumed at `i` (a string opened at `start`), `escaped` telling whether
/// escapes were seen before `i`.
#[inline(always)]
fn string_body_from(
    b: &[u8],
    start: usize,
    mut i: usize,
    mut escaped: bool,
    skip: impl Fn(&[u8], usize) -> usize,
) -> R<(usize, bool)> {
    loop {
        i = skip(b, i);
        match b.get(i) {
            None => return err("unterminated string", start - 1),
            Some(b'"') => return Ok((i, escaped)),
            Some(b'\\') => {
                escaped = true;
                i = escape_end(b, i)?;
            }
            Some(_) => return err("control character in string", i),
        }
    }
}

/// One past the escape sequence starting with the backslash at `i`, validated.
#[inline(always)]
fn escape_end(b: &[u8], i: usize) -> R<usize> {
    match b.get(i + 1) {
        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(i + 2),
        Some(b'u') => {
            let hex = b.get(i + 2..i + 6);
            if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                return err("bad \\u escape", i);
            }
            Ok(i + 6)
        }
        _ => err("bad escape", i),
    }
}

/// [`string_body`] with AVX2: 32 bytes are classified at once and every special byte of the
/// block is handled from the block's bit mask, so text with an escape every few dozen bytes
/// (`\\n` ending each line) is not reloaded after each escape.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn string_body_avx2(b: &[u8], start: usize) -> R<(usize, bool)> {
    use std::arch::x86_64::*;
    let mut escaped = false;
    let mut i = start;
    while i + 32 <= b.len() {
        // SAFETY: the load reads 32 bytes inside `b` (loop condition); AVX2 is enabled for this
        // function, whose callers check the CPU has it.
        let mut mask = unsafe {
            let v = _mm256_loadu_si256(b.as_ptr().add(i) as *const __m256i);
            let quote = _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'"' as i8));
            let backslash = _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'\\' as i8));
            let ctrl = _mm256_cmpeq_epi8(_mm256_max_epu8(v, _mm256_set1_epi8(0x1f)), _mm256_set1_epi8(0x1f));
            _mm256_movemask_epi8(_mm256_or_si256(_mm256_or_si256(quote, backslash), ctrl)) as u32
        };
        let mut next = i + 32;
        while mask != 0 {
            let p = i + mask.trailing_zeros() as usize;
            match b[p] {
                b'"' => return Ok((p, escaped)),
                b'\\' => {
                    escaped = true;
                    let q = escape_end(b, p)?;
                    if q >= i + 32 {
                        next = q;
                        break;
                    }
                    // Bits before `q` (the escape's own bytes) are done.
                    mask &= u32::MAX << (q - i);
                }
                _ => return err("control character in string", p),
            }
        }
        i = next;
    }
    string_body_from(b, start, i, escaped, skip_plain_sse2)
}

fn hex4(h: &[u8]) -> u32 {
    // The scanner checked these are 4 hex digits.
    h.iter()
        .fold(0, |acc, &c| acc * 16 + (c as char).to_digit(16).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(line: &str) -> R<String> {
        let s = scan_record(line.as_bytes(), "text", "id")?;
        let mut out = String::new();
        unescape(line, s.text, &mut out)?;
        Ok(out)
    }

    #[test]
    fn finds_fields() {
        let l = r#"{"a": [1, {"b": null}], "id": "x\"y", "text": "hi\nthere \u00e9\ud83d\ude00", "z": -1.5e3}"#;
        assert_eq!(text_of(l).unwrap(), "hi\nthere é😀");
        let s = scan_record(l.as_bytes(), "text", "id").unwrap();
        assert!(matches!(s.id, Some(IdSpan::Str(StrSpan { escaped: true, .. }))));
        assert_eq!(l.as_bytes()[s.close], b'}');
        let n = scan_record(br#"{"id": 17, "text": "a"}"#, "text", "id").unwrap();
        assert_eq!(n.id, Some(IdSpan::Num(7, 9)));
    }

    #[test]
    fn errors() {
        let e = |l: &str| scan_record(l.as_bytes(), "text", "id").unwrap_err();
        assert!(matches!(e(r#"{"text": "a""#), RecordErrorKind::InvalidJson(_)));
        assert!(matches!(e(r#"{"text": "a"} x"#), RecordErrorKind::InvalidJson(_)));
        assert!(matches!(e(r#"{"txt": "a"}"#), RecordErrorKind::MissingTextField(_)));
        assert!(matches!(e(r#"{"text": 3}"#), RecordErrorKind::TextNotString(_)));
        assert!(matches!(e(r#"{"text": "a", "id": [1]}"#), RecordErrorKind::BadId(_)));
        assert!(matches!(e(r#"[1, 2]"#), RecordErrorKind::NotAnObject));
        assert!(matches!(e("{\"text\": \"a\tb\"}"), RecordErrorKind::InvalidJson(_)));
        assert!(matches!(e(r#"{"text": "\x"}"#), RecordErrorKind::InvalidJson(_)));
        assert!(matches!(e(r#"{"text": tru}"#), RecordErrorKind::InvalidJson(_)));
    }

    #[test]
    fn skip_plain_finds_the_first_special_byte() {
        for len in 0..200 {
            for special in [b'"', b'\\', b'\n', 0u8, 0x1f] {
                let mut v = vec![b'a'; len];
                v.extend_from_slice("é".as_bytes());
                let at = v.len();
                v.push(special);
                v.extend_from_slice(b"tail\"");
                assert_eq!(skip_plain(&v, 0), at);
            }
            assert_eq!(skip_plain(&vec![b'x'; len], 0), len);
            // Strings of every length through both scanners agree.
            let mut line = b"\"".to_vec();
            line.extend(std::iter::repeat_n(b'y', len));
            line.extend_from_slice(b"\\n\\u00e9z\" ");
            let sse = string_body(&line, 1, skip_plain).unwrap();
            assert_eq!(sse, (line.len() - 2, true));
            #[cfg(target_arch = "x86_64")]
            if std::is_x86_feature_detected!("avx2") {
                // SAFETY: AVX2 checked just above.
                assert_eq!(unsafe { string_body_avx2(&line, 1) }.unwrap(), sse);
            }
        }
    }

    proptest::proptest! {
        /// The AVX2 scanner and the portable one agree on every string body: the closing
        /// quote, whether it had escapes, and the error (kind and place) of a bad one. Pieces
        /// are drawn so that escapes and bad bytes fall at every offset of a 32-byte block.
        #[test]
        fn both_scanners_agree(pieces in proptest::collection::vec(0usize..12, 0..80)) {
            let mut line = b"\"".to_vec();
            for p in pieces {
                line.extend_from_slice(match p {
                    0 => b"\\n",
                    1 => b"\\u00e9",
                    2 => b"\\\\",
                    3 => b"\\\"",
                    4 => b"\\x",
                    5 => b"\x01",
                    6 => b"\\u12",
                    7 => "é".as_bytes(),
                    8 => b"abcdefghijklmnopq",
                    9 => b"\"",
                    _ => b"xyz ",
                });
            }
            let portable = string_body(&line, 1, skip_plain);
            #[cfg(target_arch = "x86_64")]
            if std::is_x86_feature_detected!("avx2") {
                // SAFETY: AVX2 checked just above.
                let fast = unsafe { string_body_avx2(&line, 1) };
                proptest::prop_assert_eq!(format!("{fast:?}"), format!("{portable:?}"));
            }
        }
    }

    #[test]
    fn agrees_with_serde_json() {
        // Every line serde_json accepts as an object with a string "text", we accept with the
        // same text; every line it rejects, we reject.
        let lines = [
            r#"{"text": "plain"}"#,
            r#"{"text": "tab\tand \"quotes\" \\ \/ \b\f\r"}"#,
            r#"{ "x" : { "y" : [ true , false , null , 0 , -0.5 , 1E+2 ] } , "text" : "" }"#,
            r#"{"text": "a",}"#,
            r#"{"text": 01}"#,
            r#"{"text": "a" "b"}"#,
            r#"{}"#,
        ];
        for l in lines {
            let ours = text_of(l).ok();
            let theirs = serde_json::from_str::<serde_json::Value>(l)
                .ok()
                .and_then(|v| v.get("text").and_then(|t| t.as_str()).map(String::from));
            assert_eq!(ours, theirs, "{l}");
        }
    }
}
