//! The last step of clustering: verified pairs and exact copies into clusters, each with the
//! document it keeps (the configuration's grouping and keep rule).
//!
//! In: document lengths, verified pairs, copy pairs and a pair similarity. Out: clusters as
//! `(representative, members)`, or as [`Cluster`]s with each member's similarity to the kept one.

use super::{Cluster, Dedup, DocId};
use crate::cluster;
use crate::config::{Grouping, Keep};

impl Dedup {
    /// The clusters of documents of lengths `lens` (input order) from their `verified` pairs
    /// and the `copies` pairs of equal exact keys, as `(representative, members)` (members
    /// ascending, clusters in order of their first member, two members or more): the grouping
    /// and keep rule of the configuration, the last step of [`Dedup::cluster_corpus`], for
    /// engines that find the pairs elsewhere. `similarity` is read for pairs of `verified` and
    /// `copies` only.
    ///
    /// ```
    /// use neardup::{Config, Dedup};
    /// let dedup = Dedup::new(Config::default());
    /// // Four documents: 0 and 1 verified alike, 2 an exact copy of 1, 3 alike nothing.
    /// let clusters = dedup.group_pairs(&[100, 120, 120, 80], &[(0, 1)], &[(1, 2)], &|_, _| 0.9);
    /// // One cluster; it keeps the first document (the default keep rule).
    /// assert_eq!(clusters, [(0, vec![0, 1, 2])]);
    /// ```
    pub fn group_pairs(
        &self,
        lens: &[u64],
        verified: &[(u32, u32)],
        copies: &[(u32, u32)],
        similarity: &(dyn Fn(u32, u32) -> f64 + Sync),
    ) -> Vec<(u32, Vec<u32>)> {
        self.group(lens.len(), Some(lens), verified, copies, similarity)
    }

    /// [`Dedup::group_pairs`] of `n` documents, their lengths read only where the keep rule
    /// reads them: `lens` may be `None` under [`Keep::First`] (input order), which then needs
    /// no array per document for the order.
    pub(super) fn group(
        &self,
        n: usize,
        lens: Option<&[u64]>,
        verified: &[(u32, u32)],
        copies: &[(u32, u32)],
        similarity: &(dyn Fn(u32, u32) -> f64 + Sync),
    ) -> Vec<(u32, Vec<u32>)> {
        let keep = self.config.keep;
        let lens = lens.filter(|_| keep != Keep::First);
        match self.config.grouping {
            Grouping::Components => {
                let mut joined = verified.to_vec();
                joined.extend_from_slice(copies);
                cluster::components(n, &joined)
                    .into_iter()
                    // Members are ascending: in input order the first is kept.
                    .map(|members| (lens.map_or(members[0], |l| representative(&members, keep, l)), members))
                    .collect()
            }
            Grouping::Leader => {
                let order = lens.map(|l| keep.order(l));
                cluster::leaders(n, verified, copies, order.as_deref(), similarity)
            }
        }
    }
}

/// The member of `members` (ascending, not empty) that `keep` keeps: first in its priority,
/// ties in input order.
fn representative(members: &[u32], keep: Keep, lens: &[u64]) -> u32 {
    *members
        .iter()
        .min_by_key(|&&m| (keep.rank(lens[m as usize]), m))
        .unwrap_or(&members[0])
}

/// A cluster of `members` (ascending) with its representative chosen by `keep`.
pub(super) fn make_cluster(
    members: Vec<u32>,
    keep: Keep,
    lens: &[u64],
    similarity: &dyn Fn(u32, u32) -> f64,
) -> Cluster {
    let r = representative(&members, keep, lens);
    cluster_around(members, r, similarity)
}

/// A cluster of `members` (ascending) kept as `representative`, with each member's similarity
/// to it.
pub(super) fn cluster_around(members: Vec<u32>, representative: u32, similarity: &dyn Fn(u32, u32) -> f64) -> Cluster {
    let similarity = members.iter().map(|&m| similarity(m, representative)).collect();
    Cluster {
        members: members.into_iter().map(DocId).collect(),
        representative: DocId(representative),
        similarity,
        langs: Vec::new(),
        member_langs: Vec::new(),
        translation_score: Vec::new(),
    }
}
