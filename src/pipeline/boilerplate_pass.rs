//! The boilerplate pass: lines that recur across the clusters of the first pass are found
//! (see [`crate::spans::boilerplate`]) and the documents holding them re-signed without them.
//!
//! In: a signed [`Corpus`] and the first pass's [`Clustering`]. Out: the corpus with its
//! boilerplate lines and the affected documents' new signatures.

use super::sign::{SignCtx, Signed};
use super::{Clustering, Corpus, Dedup};
use crate::reader::{self, Chunk};
use crate::spans::boilerplate;
use bitvec::prelude::*;
use rayon::prelude::*;

impl Dedup {
    /// Finds the boilerplate lines (counting each line once per cluster of `first_pass`) and
    /// re-signs the documents that hold any, without them. Returns whether any document changed.
    ///
    /// ```
    /// use neardup::{Config, Dedup, Format, Source};
    /// // Four different articles under one site's footer line.
    /// let mut jsonl = String::new();
    /// for topic in ["the harbour reopened", "a bridge closed for repairs", "the school won a prize", "rain is due on Friday"] {
    ///     jsonl += &format!("{{\"text\": \"Local news: {topic}, the council said on Tuesday.\\nFollow us on every network and share this page\"}}\n");
    /// }
    /// let dedup = Dedup::new(Config::default());
    /// let mut corpus = dedup.read_sources(vec![Source::from_bytes("site", Format::Jsonl, jsonl.into_bytes())])?;
    /// let first_pass = dedup.cluster_corpus(&corpus)?;
    /// // The footer is in four clusters of the first pass: boilerplate; every page is signed again.
    /// assert!(dedup.remove_boilerplate(&mut corpus, &first_pass));
    /// assert!(dedup.cluster_corpus(&corpus)?.clusters.is_empty());
    /// # Ok::<(), neardup::Error>(())
    /// ```
    pub fn remove_boilerplate(&self, corpus: &mut Corpus, first_pass: &Clustering) -> bool {
        let n = corpus.len();
        let group = first_pass.groups(n);
        let found = boilerplate::find(&corpus.lines, &group, self.config.boilerplate_min_groups);
        corpus.lines.release();
        // What each document sets aside: all its boilerplate lines, or, in a document made
        // mostly of them, its most widespread ones while a fifth of its text stays. A document
        // is signed again without them when that can change a verdict: when they are at least
        // 5% of its text, or when it has a candidate pair. With less than a fraction f of each
        // text removed, a pair's Jaccard similarity rises at most to J/(1−2f); a pair below
        // t(1−2f) = 0.9·t cannot reach t, and pairs above it are candidates already
        // (P(candidate) ≥ 0.98 at 0.9·t with the default bands). Two bits per document are
        // kept: whether it is signed again, and whether it is made mostly of boilerplate.
        let (mut is_affected, mut mostly) = (bitvec![0; n], bitvec![0; n]);
        let mut set_aside_from = Vec::new();
        let mut tiers = Vec::new();
        for d in 0..n {
            let (hashes, bytes) = corpus.lines.doc(d);
            let text_len = u64::from(corpus.docs[d].text_len);
            let a = boilerplate::set_aside(hashes, bytes, &found, text_len, &mut tiers);
            let affected = a.bytes > 0 && (a.bytes * 20 >= text_len || first_pass.candidate_docs[d]);
            is_affected.set(d, affected);
            mostly.set(d, a.mostly);
            if a.mostly && affected {
                set_aside_from.push((d as u32, a.from));
            }
        }
        corpus.lines.release();
        corpus.set_aside_from = set_aside_from;
        // A document made mostly of boilerplate is a duplicate of its copies, not chrome of
        // itself: what the first pass joined between two such documents (on their whole texts,
        // their content) stays joined once one of them sets part of its text aside. The pass
        // only adds evidence. See docs/dedup-semantics.md.
        corpus.joined_whole = joined_whole(
            first_pass,
            |d| mostly[d as usize],
            |d| mostly[d as usize] && is_affected[d as usize],
        );
        corpus.boilerplate = found;
        corpus.boilerplate_docs = is_affected.count_ones();
        // The tokens kept for this pass are not needed after it.
        let tokens = std::mem::take(&mut corpus.tokens);
        if is_affected.not_any() {
            return false;
        }
        let k = corpus.num_perm;
        let read = &self.read;
        // Each document is signed again straight into its own signature slots.
        let (docs, sources, lines) = (&corpus.docs, &corpus.sources, &corpus.boilerplate);
        let corpus_lines = &corpus.lines;
        let set_aside_from = &corpus.set_aside_from;
        let corpus_strip = |d: u32| boilerplate::Strip::of(lines, set_aside_from, d);
        // Without MinHash slots (k = 0, SimHash alone) every document's row is empty.
        let rows = corpus
            .sigs
            .chunks_mut(k.max(1))
            .chain(std::iter::repeat_with(<&mut [u32]>::default));
        let slots: Vec<(u32, &mut [u32])> = (0..n as u32)
            .zip(rows)
            .filter(|(d, _)| is_affected[*d as usize])
            .collect();
        let resigned: Vec<(u32, Signed)> = slots
            .into_par_iter()
            .map_init(
                || SignCtx::new(&self.config),
                |ctx, (d, sig)| {
                    // Signed again from the tokens the first pass kept, or else from the
                    // record read again in place (no copy of its text), without its
                    // boilerplate lines.
                    let hashes = corpus_lines.doc(d as usize).0;
                    let cached = super::sign::cached_tokens(&tokens, d as usize);
                    let strip = corpus_strip(d);
                    if let Some(cached) = cached.filter(|c| c.lines() == hashes.len()) {
                        return (d, ctx.sign_cached_without(cached, hashes, strip, sig));
                    }
                    let m = &docs[d as usize];
                    let chunk = Chunk {
                        source: m.source,
                        start: m.start as usize,
                        end: m.end() as usize,
                    };
                    let mut signed = Signed {
                        shingles: 0,
                        exact: 0,
                        fingerprint: 0,
                    };
                    reader::read_chunk(&sources[m.source as usize], chunk, read, |r| {
                        signed = ctx.sign_without(r.text, strip, sig);
                    });
                    (d, signed)
                },
            )
            .collect();
        for (d, signed) in resigned {
            let d = d as usize;
            if !corpus.fingerprints.is_empty() {
                corpus.fingerprints[d] = signed.fingerprint;
            }
            corpus.docs[d].shingles = super::DocMeta::count(signed.shingles);
        }
        corpus.lines.release();
        corpus.resigned = is_affected;
        true
    }
}

/// The pairs of `first_pass`'s clusters (each member with its representative) whose two
/// documents are `mostly` made of boilerplate and one of which is `changed`, with their
/// first-pass similarity, sorted.
fn joined_whole(
    first_pass: &Clustering,
    mostly: impl Fn(u32) -> bool,
    changed: impl Fn(u32) -> bool,
) -> Vec<(u32, u32, f64)> {
    let mut pairs = Vec::new();
    for c in &first_pass.clusters {
        let r = c.representative.0;
        if !mostly(r) {
            continue;
        }
        for (m, &sim) in c.members.iter().zip(&c.similarity) {
            let m = m.0;
            if m != r && mostly(m) && (changed(m) || changed(r)) {
                pairs.push((m.min(r), m.max(r), sim));
            }
        }
    }
    pairs.sort_unstable_by_key(|p| (p.0, p.1));
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Cluster, DocId};

    #[test]
    fn only_pairs_of_documents_made_of_boilerplate_are_kept_joined() {
        let cluster = |members: &[u32], representative: u32| Cluster {
            members: members.iter().map(|&m| DocId(m)).collect(),
            representative: DocId(representative),
            similarity: members
                .iter()
                .map(|&m| if m == representative { 1.0 } else { m as f64 / 8.0 })
                .collect(),
            langs: Vec::new(),
            member_langs: Vec::new(),
            translation_score: Vec::new(),
        };
        let first_pass = Clustering {
            clusters: vec![cluster(&[0, 1, 2, 3], 1), cluster(&[4, 5], 5), cluster(&[6, 7], 6)],
            ..Clustering::default()
        };
        // 0, 1, 3, 5, 6, 7 are made of boilerplate; 0, 4 and 6 set some aside.
        let mostly = |d: u32| [0, 1, 3, 5, 6, 7].contains(&d);
        let changed = |d: u32| [0, 4, 6].contains(&d);
        let pairs = joined_whole(&first_pass, mostly, changed);
        // 2 is chrome around a body; 3 and 1 are both unchanged (their signatures decide); 4
        // is not made of boilerplate.
        assert_eq!(pairs, [(0, 1, 0.0), (6, 7, 0.875)]);
    }
}
