//! The cross-lingual stage wired into a run: each document's features (see
//! [`crate::crosslingual::features`]) from its text, the links among them, and the clusters of
//! the same-language pass joined with them.
//!
//! In: the same-language [`Clustering`], each document's text and label. Out: the clustering
//! with translations joined, each member's language named.

use super::{Clustering, CrossCounts, Dedup, Tick, make_cluster};
use crate::cluster;
use crate::crosslingual;
use crate::spans::HashKeyed;
use crate::spans::boilerplate::{LineStore, Strip};
use rayon::prelude::*;

impl Dedup {
    /// The cross-lingual stage (see [`crate::crosslingual`]): joins the same-language clusters
    /// of `same` with the translations found among the documents (`doc_of(d)` is document
    /// `d`'s text and language label, if the corpus gives one; its repeats and `boilerplate`
    /// lines are set aside first, only the most widespread in the documents of
    /// `set_aside_from` (see [`crate::spans::boilerplate::set_aside`]), the first pass's
    /// `lines` telling which documents hold any).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn link_languages<'l>(
        &self,
        p: &crosslingual::Params,
        doc_of: &(dyn Fn(u32) -> (String, Option<&'l str>) + Sync),
        boilerplate: &HashKeyed<u32>,
        set_aside_from: &[(u32, u32)],
        lines: &LineStore,
        same: Clustering,
        lens: &[u64],
        similarity: &(dyn Fn(u32, u32) -> f64 + Sync),
    ) -> Clustering {
        let n = lens.len();
        // The first pass's lines of every document, where it listed them (boilerplate handling on).
        let known_lines = !boilerplate.is_empty() && lines.docs() == n;
        let seed = self.config.seed;
        self.tick(Tick::Start {
            stage: "cross-lingual: documents",
            total: n as u64,
        });
        let feats: Vec<crosslingual::DocFeatures> = (0..n as u32)
            .into_par_iter()
            .map_init(
                || {
                    (
                        crosslingual::anchors::Extractor::new(),
                        crosslingual::words::Profiler::default(),
                        crosslingual::identify::Detector::new(self.language_model.as_deref()),
                    )
                },
                |(ex, profiler, detector), d| {
                    let (text, label) = doc_of(d);
                    let f = crosslingual::features(
                        &text,
                        label,
                        Strip::of(boilerplate, set_aside_from, d),
                        known_lines.then(|| lines.doc(d as usize).0),
                        seed,
                        self.lexicon.as_deref(),
                        p.max_anchors,
                        ex,
                        profiler,
                        detector,
                    );
                    self.tick(Tick::Done(1));
                    f
                },
            )
            .collect();
        self.tick(Tick::Start {
            stage: "cross-lingual: linking",
            total: 0,
        });
        let group = same.groups(n);
        let mut edges: Vec<(u32, u32)> = same
            .clusters
            .iter()
            .flat_map(|c| c.members.windows(2).map(|w| (w[0].0, w[1].0)))
            .collect();
        let (clusters, cross) = crosslingual::link_with(&feats, &group, p, |links, anchor_score| {
            edges.extend(links.joins.iter().copied());
            let clusters = cluster::components(n, &edges)
                .into_iter()
                .map(|members| {
                    let mut c = make_cluster(members, self.config.keep, lens, similarity);
                    c.member_langs = c.members.iter().map(|m| feats[m.index()].lang.clone()).collect();
                    c.langs = c.member_langs.clone();
                    c.langs.sort_unstable();
                    c.langs.dedup();
                    // A member outside the representative's same-language group is there as a
                    // translation of it: the anchor score of the two says how close.
                    let r = c.representative.0;
                    c.translation_score = c
                        .members
                        .iter()
                        .map(|m| (group[m.index()] != group[r as usize]).then(|| anchor_score(m.0, r)))
                        .collect();
                    c
                })
                .collect();
            let cross = CrossCounts {
                candidate_pairs: links.candidate_pairs,
                edges: links.edges.len(),
            };
            (clusters, cross)
        });
        Clustering {
            clusters,
            cross,
            ..same
        }
    }
}
