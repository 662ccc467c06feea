//! Exact substrings shared between documents.
//!
//! In: the documents' texts. Out: for each document, the byte spans of at least `min_tokens`
//! tokens that also occur in another document, with one place where they occur.
//!
//! Lee et al., "Deduplicating Training Data Makes Language Models Better" (ACL 2022), find every
//! repeated span of ≥ 50 tokens with a suffix array over the concatenated corpus. A span of at
//! least `m` tokens is shared exactly when each of its `m`-token windows is shared, so the same
//! spans come from hashing every window of `m` normalized tokens: windows whose hash occurs in two
//! documents are shared, and runs of overlapping shared windows are the spans. That needs 12
//! bytes per token (window hash and document) instead of a suffix array's several bytes per input
//! byte, one parallel sort, and no comparison of suffixes; equal hashes are confirmed by
//! comparing the windows' token hashes (64-bit) pairwise before a span is reported. Time O(N log
//! N) in the corpus' tokens.

use crate::normalize::normal_hash;
use crate::tokenize::token_spans;
use rayon::prelude::*;

/// Default minimum span, in tokens (Lee et al.).
pub(crate) const DEFAULT_MIN_TOKENS: usize = 50;

/// One document's tokens: byte spans in its text and normalized-token hashes.
#[derive(Debug, Clone, Default)]
pub(crate) struct DocTokens {
    /// `(start, end)` of each token in the text.
    pub spans: Vec<(u32, u32)>,
    /// Hash of each normalized token.
    pub hashes: Vec<u64>,
}

/// Tokenizes one text for [`shared_spans`].
pub(crate) fn doc_tokens(text: &str) -> DocTokens {
    let mut buf = String::new();
    let spans = token_spans(text);
    let hashes = spans.iter().map(|&(s, e)| normal_hash(&text[s..e], &mut buf)).collect();
    DocTokens {
        spans: spans.into_iter().map(|(s, e)| (s as u32, e as u32)).collect(),
        hashes,
    }
}

/// A span of one document shared with another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shared {
    /// The document.
    pub doc: u32,
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// Another document holding the first window of the span.
    pub other: u32,
    /// First byte of that window in the other document.
    pub other_start: usize,
    /// One past the last byte of the span's copy in the other document (its first window's end
    /// plus the span's remaining length in tokens, as far as that document goes).
    pub other_end: usize,
}

fn window_key(h: &[u64]) -> u64 {
    h.iter()
        .fold(0x9E37_79B9_7F4A_7C15u64, |k, &x| k.rotate_left(23) ^ x)
        .wrapping_mul(0xff51_afd7_ed55_8ccd)
}

/// The keys of every window of `m` normalized tokens of `text`, sorted, each once: what an index
/// built with `--substrings` stores per document, and what a document checked against it looks
/// up (a key found is a span of at least `m` tokens shared with an indexed document).
pub fn window_keys(text: &str, m: usize) -> Vec<u64> {
    if m == 0 {
        return Vec::new();
    }
    let t = doc_tokens(text);
    let mut keys: Vec<u64> = t.hashes.windows(m).map(window_key).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Every span of at least `m` tokens that occurs in two different documents.
pub(crate) fn shared_spans(docs: &[DocTokens], m: usize) -> Vec<Shared> {
    if m == 0 {
        return Vec::new();
    }
    // (window key, doc, position) for every window of every document.
    let mut windows: Vec<(u64, u32, u32)> = docs
        .par_iter()
        .enumerate()
        .flat_map_iter(|(d, t)| {
            let n = t.hashes.len();
            (0..n.saturating_sub(m - 1)).map(move |i| (window_key(&t.hashes[i..i + m]), d as u32, i as u32))
        })
        .collect();
    windows.par_sort_unstable();
    // For each (doc, window) that shares its key with a window of another document (confirmed
    // by the token hashes), one such partner.
    let mut marks: Vec<(u32, u32, u32, u32)> = windows
        .par_chunk_by(|a, b| a.0 == b.0)
        .filter(|run| run.len() >= 2 && run.iter().any(|w| w.1 != run[0].1))
        .flat_map_iter(|run| partners(run, docs, m, &mut 0))
        .collect();
    marks.par_sort_unstable();
    // Runs of consecutive shared windows of one document form a span.
    let mut out = Vec::new();
    for doc_marks in marks.chunk_by(|a, b| a.0 == b.0) {
        let d = doc_marks[0].0;
        let t = &docs[d as usize];
        let mut k = 0;
        while k < doc_marks.len() {
            let first = doc_marks[k];
            let mut last = first;
            while k + 1 < doc_marks.len() && doc_marks[k + 1].1 <= last.1 + 1 {
                k += 1;
                last = doc_marks[k];
            }
            let start = t.spans[first.1 as usize].0 as usize;
            let end = t.spans[last.1 as usize + m - 1].1 as usize;
            let other = &docs[first.2 as usize];
            let other_last = ((first.3 + (last.1 - first.1)) as usize + m - 1).min(other.spans.len() - 1);
            out.push(Shared {
                doc: d,
                start,
                end,
                other: first.2,
                other_start: other.spans[first.3 as usize].0 as usize,
                other_end: other.spans[other_last].1 as usize,
            });
            k += 1;
        }
    }
    out
}

/// For each window `(key, doc, position)` of `run` (one key, sorted by document and position),
/// the first window of the run in another document with the same tokens, if there is one, as
/// `(doc, position, other doc, other position)`. The windows are sorted into classes of equal
/// tokens (one class unless two token sequences share a 64-bit key), so each window is compared
/// with the first window of each class only: linear in the run's length, where searching the run
/// for each window was quadratic in text that repeats itself (a page of one word). `compared`
/// counts the comparisons of two windows' tokens.
fn partners(run: &[(u64, u32, u32)], docs: &[DocTokens], m: usize, compared: &mut usize) -> Vec<(u32, u32, u32, u32)> {
    let tokens = |w: usize| {
        let (_, d, i) = run[w];
        &docs[d as usize].hashes[i as usize..i as usize + m]
    };
    // Per class: its first window, and its first window in another document than that one.
    let mut classes: Vec<(usize, Option<usize>)> = Vec::new();
    let mut class_of = Vec::with_capacity(run.len());
    for w in 0..run.len() {
        let c = match classes.iter().position(|&(first, _)| {
            *compared += 1;
            tokens(first) == tokens(w)
        }) {
            Some(c) => c,
            None => {
                classes.push((w, None));
                classes.len() - 1
            }
        };
        let (first, other) = &mut classes[c];
        if other.is_none() && run[*first].1 != run[w].1 {
            *other = Some(w);
        }
        class_of.push(c);
    }
    (0..run.len())
        .filter_map(|w| {
            let (_, d, i) = run[w];
            let (first, other) = classes[class_of[w]];
            let partner = if run[first].1 != d { Some(first) } else { other };
            partner.map(|p| (d, i, run[p].1, run[p].2))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(seed: usize, n: usize) -> String {
        (0..n).map(|i| format!("t{seed}w{i}")).collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn finds_the_shared_span_in_both_documents() {
        let shared = words(9, 60);
        let a = format!("{} {} {}", words(1, 20), shared, words(2, 20));
        let b = format!("{} {}", words(3, 5), shared.to_uppercase());
        let c = words(4, 100);
        let docs: Vec<DocTokens> = [&a, &b, &c].iter().map(|t| doc_tokens(t)).collect();
        let spans = shared_spans(&docs, 50);
        assert_eq!(spans.len(), 2, "{spans:?}");
        let sa = spans.iter().find(|s| s.doc == 0).unwrap();
        assert_eq!(&a[sa.start..sa.end], shared);
        assert_eq!(sa.other, 1);
        let sb = spans.iter().find(|s| s.doc == 1).unwrap();
        assert_eq!(&b[sb.start..sb.end], shared.to_uppercase());
        assert_eq!(&b[sa.other_start..sa.other_end], shared.to_uppercase());
    }

    #[test]
    fn short_overlaps_and_self_repeats_are_not_reported() {
        let piece = words(5, 40);
        let a = format!("{piece} {}", words(6, 30));
        let b = format!("{piece} {}", words(7, 30));
        let c = format!("{} {}", words(8, 60), words(8, 60)); // repeats only itself
        let docs: Vec<DocTokens> = [&a, &b, &c].iter().map(|t| doc_tokens(t)).collect();
        assert!(shared_spans(&docs, 50).is_empty());
    }

    #[test]
    fn each_window_finds_its_partner_in_one_comparison_per_class() {
        // Two documents of one repeated word: every window of both has one key. Each window's
        // partner is the other document's first window, found without searching the run.
        let docs: Vec<DocTokens> = (0..2).map(|_| doc_tokens(&"la ".repeat(5_000))).collect();
        let spans = shared_spans(&docs, 50);
        assert_eq!(spans.len(), 2);
        assert!(
            spans
                .iter()
                .all(|s| s.start == 0 && s.end == 3 * 5_000 - 1 && s.other_start == 0)
        );
        let run: Vec<(u64, u32, u32)> = (0..2).flat_map(|d| (0..4_951).map(move |i| (7, d, i))).collect();
        let mut compared = 0;
        let found = partners(&run, &docs, 50, &mut compared);
        assert_eq!(found.len(), run.len());
        assert!(found.iter().all(|&(d, _, od, oi)| od == 1 - d && oi == 0));
        // One comparison per window (the first has none), where a search of the run per window
        // compares about a quarter of the run's length squared.
        assert_eq!(compared, run.len() - 1);
        // Windows of one key with different tokens (a collision) are told apart.
        let h = |d: u32, i: u32| (0u64, d, i);
        let docs = [
            DocTokens {
                spans: vec![(0, 1); 2],
                hashes: vec![1, 2],
            },
            DocTokens {
                spans: vec![(0, 1); 2],
                hashes: vec![1, 3],
            },
            DocTokens {
                spans: vec![(0, 1); 2],
                hashes: vec![1, 2],
            },
        ];
        let run = [h(0, 0), h(1, 0), h(2, 0)];
        assert_eq!(partners(&run, &docs, 2, &mut 0), [(0, 0, 2, 0), (2, 0, 0, 0)]);
    }
}
