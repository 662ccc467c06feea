//! The span report of a read corpus: repeats, boilerplate lines and shared substrings of every
//! document (see [`crate::spans`]), found in one read of each text.
//!
//! In: a [`Corpus`] (its boilerplate found by the dedup pass). Out: [`Span`]s, ordered by
//! document, then start.

use super::Corpus;
use crate::reader::ReadOptions;
use crate::spans::{Span, SpanKind, SpanMatch, boilerplate, repeats, substring};
use crate::types::DocId;
use rayon::prelude::*;

/// All spans of a read corpus, ordered by document, then start: repeats inside each document,
/// lines of the corpus' boilerplate (found by the dedup pass, see
/// [`crate::Dedup::remove_boilerplate`]), and with `substrings`, spans of at least 50 tokens
/// shared with another document. Byte offsets are into each document's text.
pub(crate) fn report(corpus: &Corpus, read: &ReadOptions, substrings: bool) -> Vec<Span> {
    let n = corpus.len() as u32;
    let seed = corpus.seed;
    // One read of each text serves the repeats, the boilerplate lines and the substring tokens.
    let per_doc: Vec<(Vec<Span>, Option<substring::DocTokens>)> = (0..n)
        .into_par_iter()
        .map(|d| {
            let text = corpus.text(DocId(d), read);
            let mut out: Vec<Span> = repeats::find_repeats(&text, repeats::DEFAULT_WINDOW, repeats::DEFAULT_MIN_TOKENS)
                .into_iter()
                .map(|r| Span {
                    doc: d,
                    kind: SpanKind::Repeat,
                    start: r.start,
                    end: r.end,
                    matched: SpanMatch::Earlier {
                        start: r.match_start,
                        end: r.match_end,
                    },
                })
                .collect();
            boilerplate::for_each_boilerplate_line(&text, seed, &corpus.boilerplate, |start, end, groups| {
                out.push(Span {
                    doc: d,
                    kind: SpanKind::Boilerplate,
                    start,
                    end,
                    matched: SpanMatch::Documents(groups),
                })
            });
            (out, substrings.then(|| substring::doc_tokens(&text)))
        })
        .collect();
    let mut spans = Vec::new();
    let mut toks = Vec::with_capacity(if substrings { per_doc.len() } else { 0 });
    for (s, t) in per_doc {
        spans.extend(s);
        toks.extend(t);
    }
    if substrings {
        spans.extend(
            substring::shared_spans(&toks, substring::DEFAULT_MIN_TOKENS)
                .into_iter()
                .map(|s| Span {
                    doc: s.doc,
                    kind: SpanKind::Substring,
                    start: s.start,
                    end: s.end,
                    matched: SpanMatch::Other {
                        doc: s.other,
                        start: s.other_start,
                        end: s.other_end,
                    },
                }),
        );
    }
    spans.par_sort_unstable_by(|a, b| (a.doc, a.start, a.kind, a.end).cmp(&(b.doc, b.start, b.kind, b.end)));
    spans
}
