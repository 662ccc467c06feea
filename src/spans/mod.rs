//! Duplicated spans: repeats inside a document, boilerplate lines across documents, and long
//! substrings shared between documents.
//!
//! In: documents' texts (and, for boilerplate, the first-pass clusters). Out: [`Span`]s — byte
//! ranges of a document's text with what they repeat — for the span report, for
//! `--strip-repeats`, and for excluding boilerplate from the shingles used for similarity.
//!
//! - `repeats`: spans of a document that repeat an earlier span of the same document.
//! - `boilerplate`: lines that recur in many documents (CCNet-style line hashing).
//! - `substring`: spans of at least 50 tokens shared with another document (Lee et al. 2022).

pub(crate) mod boilerplate;
pub use boilerplate::LinePart;
pub(crate) mod repeats;
pub(crate) mod substring;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stripping_cuts_repeats_and_spans_shared_with_an_earlier_document() {
        let shared = |doc, other| Span {
            doc,
            kind: SpanKind::Substring,
            start: 0,
            end: 4,
            matched: SpanMatch::Other {
                doc: other,
                start: 0,
                end: 4,
            },
        };
        // Documents 0 and 1 share their first four bytes: only the later one loses them.
        let spans = [shared(0, 1), shared(1, 0)];
        let s = Stripping::new(false, &spans);
        assert_eq!(s.apply(0, "abcd efgh"), None);
        assert_eq!(s.apply(1, "abcd efgh").as_deref(), Some(" efgh"));
        assert_eq!(Stripping::new(false, &[]).apply(1, "abcd efgh"), None);
        // A body carried twice keeps its first copy.
        let body: String = (0..60).map(|i| format!("w{i} ")).collect();
        let twice = format!("{body}\n{body}");
        let cut = Stripping::new(true, &[]).apply(0, &twice).unwrap();
        assert!(cut.len() < twice.len() && cut.starts_with(body.trim_end()), "{cut:?}");
    }

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
    /// A 32-bit hash spread over the 64 bits (the table reads the top ones too).
    fn write_u32(&mut self, v: u32) {
        self.0 = u64::from(v).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// A hash map keyed by 32-bit ids that are themselves hashes (see [`PassThrough`]).
pub type IdKeyed<V> = std::collections::HashMap<u32, V, std::hash::BuildHasherDefault<PassThrough>>;

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
pub(crate) fn merge_ranges(mut r: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
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
pub(crate) fn remove_ranges(text: &str, cut: &[(usize, usize)]) -> String {
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

/// What `--strip-repeats` and `--strip-substrings` cut from the kept records' texts: a
/// document's repeats (spans repeating an earlier span of itself), and spans shared with an
/// earlier document (each shared span stays in the first document that holds it).
#[derive(Debug, Clone, Default)]
pub struct Stripping {
    repeats: bool,
    /// Per document, the spans it shares with an earlier document.
    shared: std::collections::HashMap<u32, Vec<(usize, usize)>>,
}

impl Stripping {
    /// Cuts repeats when `repeats`, and the spans of `substrings` (the span report of a corpus
    /// with substrings, see [`SpanKind::Substring`]) whose other document comes first.
    pub fn new(repeats: bool, substrings: &[Span]) -> Self {
        let mut shared: std::collections::HashMap<u32, Vec<(usize, usize)>> = std::collections::HashMap::new();
        for s in substrings {
            if let SpanMatch::Other { doc, .. } = s.matched
                && doc < s.doc
            {
                shared.entry(s.doc).or_default().push((s.start, s.end));
            }
        }
        Stripping { repeats, shared }
    }

    /// Document `doc`'s text with its cuts removed, or `None` when nothing is cut from it.
    pub fn apply(&self, doc: u32, text: &str) -> Option<String> {
        let mut cut: Vec<(usize, usize)> = Vec::new();
        if self.repeats {
            let r = repeats::find_repeats(text, repeats::DEFAULT_WINDOW, repeats::DEFAULT_MIN_TOKENS);
            cut.extend(r.iter().map(|r| (r.start, r.end)));
        }
        if let Some(c) = self.shared.get(&doc) {
            cut.extend_from_slice(c);
        }
        (!cut.is_empty()).then(|| remove_ranges(text, &merge_ranges(cut)))
    }
}
