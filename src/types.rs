//! Plain types shared by every stage: a document's place in the input ([`DocId`]), the
//! clusters of a run ([`Cluster`], [`Clustering`]) and the time and memory of its stages
//! ([`Stage`]). Imports nothing of the crate, so every module may use it.
//!
//! In: the clusters the matching stages built. Out: which documents are kept
//! ([`Clustering::keep_mask`]), which cluster each document is in, and the summary's counts.

use bitvec::prelude::*;
use std::sync::Arc;

/// A document's position in the input order (0-based), across all inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DocId(pub u32);

impl DocId {
    /// As an index.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// One cluster of near-duplicates.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// Members in input order (the representative among them).
    pub members: Vec<DocId>,
    /// The member that is kept.
    pub representative: DocId,
    /// Estimated Jaccard of each member to the representative (1.0 for itself).
    pub similarity: Vec<f64>,
    /// The languages of the members, distinct and sorted (filled by the cross-lingual stage
    /// only; empty otherwise).
    pub langs: Vec<Arc<str>>,
    /// The language of each member, in member order (cross-lingual stage only): its label
    /// field, or else the detector's.
    pub member_langs: Vec<Arc<str>>,
    /// For each member, in member order, whether it joined the representative as a
    /// translation (in another same-language group than the representative's) and then the
    /// anchor score of the two (the cross-lingual stage's; that stage only, empty
    /// otherwise). A removed translation is removed for the representative, the kept document
    /// of its article.
    pub translation_score: Vec<Option<f32>>,
}

/// The clusters of a corpus and the counts behind them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Clustering {
    /// Clusters of two or more documents, ordered by their first member.
    pub clusters: Vec<Cluster>,
    /// Candidate pairs from LSH.
    pub candidate_pairs: usize,
    /// Candidate pairs that passed verification.
    pub verified_pairs: usize,
    /// Wall seconds and peak resident memory (MB, where the OS tells) at the end of each stage.
    pub stages: Vec<Stage>,
    /// Documents that appear in at least one candidate pair.
    pub candidate_docs: BitVec,
    /// Cross-lingual stage: candidate pairs scored and edges linked (zero when
    /// the stage is off).
    pub cross: CrossCounts,
    /// With an index to check against (`--against`): the documents removed as near-duplicates
    /// of an indexed document, grouped by it (`None` without an index).
    pub indexed: Option<Vec<IndexedCluster>>,
}

/// Documents of a corpus removed for one indexed document they match (`--against`).
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedCluster {
    /// The indexed document's id.
    pub indexed: String,
    /// The corpus's documents removed for it, in input order.
    pub members: Vec<DocId>,
    /// Estimated Jaccard of each member to the indexed document (1.0 for an exact copy whose
    /// signature is the same).
    pub similarity: Vec<f64>,
}

/// The counts of the cross-lingual stage.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CrossCounts {
    /// Candidate pairs scored.
    pub candidate_pairs: usize,
    /// Pairs linked.
    pub edges: usize,
}

/// What a stage after reading reports as it goes (for progress bars, see
/// `Dedup::stage_progress`): first [`Tick::Start`], then [`Tick::Done`] as its units are done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tick {
    /// A stage starts: its name and how many units (documents) it will process, 0 when it
    /// cannot say.
    Start {
        /// The stage, as a progress bar shows it (e.g. `cross-lingual: documents`).
        stage: &'static str,
        /// Units to process (0: unknown).
        total: u64,
    },
    /// This many more units are done.
    Done(u64),
}

/// The time and memory of one stage of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    /// The stage.
    pub name: &'static str,
    /// Wall seconds it took.
    pub seconds: f64,
    /// Peak resident memory of the process so far, in MiB (`None` where the OS does not say).
    pub peak_rss_mb: Option<f64>,
}

impl Stage {
    /// A stage that started at `start`, measured now.
    pub fn since(name: &'static str, start: std::time::Instant) -> Self {
        Stage {
            name,
            seconds: start.elapsed().as_secs_f64(),
            peak_rss_mb: peak_rss_mb(),
        }
    }
}

/// Peak resident memory of this process in MiB (`VmHWM` of `/proc/self/status`; Linux only).
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

impl Clustering {
    /// For every document, the index of its cluster, if it is in one.
    pub fn cluster_of(&self, n: usize) -> Vec<Option<u32>> {
        let mut v = vec![None; n];
        for (ci, c) in self.clusters.iter().enumerate() {
            for m in &c.members {
                v[m.index()] = Some(ci as u32);
            }
        }
        v
    }
    /// For every document, its group: the first member of its cluster, or itself.
    pub fn groups(&self, n: usize) -> Vec<u32> {
        let mut group: Vec<u32> = (0..n as u32).collect();
        for c in &self.clusters {
            for m in &c.members {
                group[m.index()] = c.members[0].0;
            }
        }
        group
    }
    /// Keep mask: every document outside clusters, and each cluster's representative.
    pub fn keep_mask(&self, n: usize) -> BitVec {
        let mut keep = bitvec![1; n];
        for c in &self.clusters {
            for m in &c.members {
                if *m != c.representative {
                    keep.set(m.index(), false);
                }
            }
        }
        for m in self.indexed.iter().flatten().flat_map(|c| &c.members) {
            keep.set(m.index(), false);
        }
        keep
    }
    /// Documents removed as duplicates (of another document of the corpus, or of an indexed one).
    pub fn duplicates(&self) -> usize {
        self.clusters.iter().map(|c| c.members.len() - 1).sum::<usize>() + self.indexed_duplicates()
    }
    /// Documents removed as duplicates of an indexed document.
    pub fn indexed_duplicates(&self) -> usize {
        self.indexed.iter().flatten().map(|c| c.members.len()).sum()
    }
}
