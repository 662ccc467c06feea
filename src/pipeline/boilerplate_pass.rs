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
        // A document is signed again without its boilerplate when that can change a verdict:
        // when boilerplate is at least 5% of its text, or when it has a candidate pair. With
        // less than a fraction f of each text removed, a pair's Jaccard similarity rises at most
        // to J/(1−2f); a pair below t(1−2f) = 0.9·t cannot reach t, and pairs above it are
        // candidates already (P(candidate) ≥ 0.98 at 0.9·t with the default bands).
        let is_affected: BitVec = (0..n)
            .map(|d| {
                let (hashes, bytes) = corpus.lines.doc(d);
                let bp: u64 = hashes
                    .iter()
                    .zip(bytes)
                    .filter(|(h, _)| found.contains_key(h))
                    .map(|(_, &b)| b as u64)
                    .sum();
                // A document made of boilerplate lines (more than four fifths of its text) is
                // not chrome around a body: the lines are its content, so it keeps the signature
                // of its whole text and stays a duplicate of its copies (a license, a notice).
                // See docs/dedup-semantics.md for the share.
                let mostly = bp * 5 > corpus.docs[d].text_len * 4;
                bp > 0 && !mostly && (bp * 20 >= corpus.docs[d].text_len || first_pass.candidate_docs[d])
            })
            .collect();
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
                    if let Some(cached) = cached.filter(|c| c.lines() == hashes.len()) {
                        return (d, ctx.sign_cached_without(cached, hashes, lines, sig));
                    }
                    let m = &docs[d as usize];
                    let chunk = Chunk {
                        source: m.source,
                        start: m.start as usize,
                        end: m.end as usize,
                    };
                    let mut signed = Signed {
                        shingles: 0,
                        exact: 0,
                        fingerprint: 0,
                    };
                    reader::read_chunk(&sources[m.source as usize], chunk, read, |r| {
                        signed = ctx.sign_without(r.text, lines, sig);
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
            corpus.docs[d].shingles = signed.shingles;
        }
        true
    }
}
