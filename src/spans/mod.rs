//! Duplicated spans: repeats inside a document, boilerplate lines across documents, and long
//! substrings shared between documents.
//!
//! In: documents' texts (and, for boilerplate, the first-pass clusters). Out: [`Span`]s — byte
//! ranges of a document's text with what they repeat — for the span report, for
//! `--strip-repeats`, and for excluding boilerplate from the shingles used for similarity.
//!
//! - [`repeats`]: spans of a document that repeat an earlier span of the same document.
//! - [`boilerplate`]: lines that recur in many documents (CCNet-style line hashing).
//! - [`substring`]: spans of at least 50 tokens shared with another document (Lee et al. 2022).

pub mod boilerplate;
pub mod repeats;
pub mod substring;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_merge_and_cut() {
        assert_eq!(merge_ranges(vec![(5, 8), (0, 2), (1, 3), (8, 9)]), [(0, 3), (5, 9)]);
        assert_eq!(remove_ranges("0123456789", &[(0, 3), (5, 9)]), "349");
        assert_eq!(remove_ranges("abc", &[]), "abc");
    }
}

use std::io::{self, Write};

/// A `HashMap` keyed by values that are already hashes: the hasher passes the key through.
pub type HashKeyed<V> = std::collections::HashMap<u64, V, std::hash::BuildHasherDefault<PassThrough>>;

/// Hasher for keys that are already well-mixed 64-bit hashes (SipHash over them is wasted work).
#[derive(Debug, Default, Clone, Copy)]
pub struct PassThrough(u64);

impl std::hash::Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ b as u64;
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

/// What kind of duplicated span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SpanKind {
    /// Repeats an earlier span of the same document.
    Repeat,
    /// A line that recurs in many documents.
    Boilerplate,
    /// A long span shared with another document.
    Substring,
}

impl SpanKind {
    /// The name used in the span report.
    pub fn name(self) -> &'static str {
        match self {
            SpanKind::Repeat => "repeat",
            SpanKind::Boilerplate => "boilerplate",
            SpanKind::Substring => "substring",
        }
    }
}

/// What a span matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpanMatch {
    /// An earlier byte range of the same document.
    Earlier {
        /// First byte.
        start: usize,
        /// One past the last byte.
        end: usize,
    },
    /// The number of documents (clusters of near-duplicates) the line occurs in.
    Documents(u32),
    /// A byte range of another document.
    Other {
        /// The other document's index.
        doc: u32,
        /// First byte in it.
        start: usize,
        /// One past the last byte.
        end: usize,
    },
}

/// One duplicated byte range of a document's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// The document's index.
    pub doc: u32,
    /// The kind.
    pub kind: SpanKind,
    /// First byte of the span in the document's text.
    pub start: usize,
    /// One past its last byte.
    pub end: usize,
    /// What it matches.
    pub matched: SpanMatch,
}

/// Writes one span report line: `{"id", "kind", "start", "end", ...match fields}`.
/// `id_of` names documents.
pub fn write_span(w: &mut impl Write, span: &Span, id_of: &dyn Fn(u32) -> String) -> io::Result<()> {
    let js = |s: &str| serde_json::to_string(s).unwrap_or_default();
    write!(
        w,
        "{{\"id\":{},\"kind\":\"{}\",\"start\":{},\"end\":{}",
        js(&id_of(span.doc)),
        span.kind.name(),
        span.start,
        span.end
    )?;
    match &span.matched {
        SpanMatch::Earlier { start, end } => write!(w, ",\"match_start\":{start},\"match_end\":{end}")?,
        SpanMatch::Documents(n) => write!(w, ",\"documents\":{n}")?,
        SpanMatch::Other { doc, start, end } => write!(
            w,
            ",\"match_id\":{},\"match_start\":{start},\"match_end\":{end}",
            js(&id_of(*doc))
        )?,
    }
    w.write_all(b"}\n")
}

/// Sorts byte ranges and merges those that overlap or touch.
pub fn merge_ranges(mut r: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    r.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(r.len());
    for (s, e) in r {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// `text` without the byte ranges `cut` (sorted, not overlapping); every other byte unchanged.
pub fn remove_ranges(text: &str, cut: &[(usize, usize)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for &(s, e) in cut {
        if s >= at {
            out.push_str(&text[at..s]);
            at = e;
        }
    }
    out.push_str(&text[at.min(text.len())..]);
    out
}
