//! Verification and clustering.
//!
//! In: candidate pairs and a similarity function. Out: the verified edges, and clusters (sets of
//! two or more documents connected by verified edges).
//!
//! Every candidate is verified against the threshold before it is linked, so documents that only
//! happen to collide in a band are never chained together. Clusters are the connected components
//! of the verified edges, found with union-find (path halving; the smaller id becomes the root, so
//! the result is the same whatever order the edges come in: Tarjan 1975). Cost: near-linear in the
//! edges. Beyond one machine the same components come from the large-star/small-star rounds of
//! Kiveris et al. (SoCC 2014) over the same edge lists.

use rayon::prelude::*;

/// Disjoint sets over `0..n` whose roots are the smallest member of each set.
#[derive(Debug, Clone)]
pub(crate) struct UnionFind {
    parent: Vec<u32>,
}

impl UnionFind {
    /// `n` singletons.
    pub fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n as u32).collect(),
        }
    }

    /// The root (smallest member) of `x`'s set.
    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[x as usize];
            self.parent[x as usize] = self.parent[p as usize];
            x = p;
        }
        x
    }

    /// Each element's root (the smallest member of its set), in the same memory.
    pub(crate) fn into_roots(mut self) -> Vec<u32> {
        for x in 0..self.parent.len() as u32 {
            // A slot set to its root keeps it: path halving through it finds the root again.
            let r = self.find(x);
            self.parent[x as usize] = r;
        }
        self.parent
    }

    /// Joins the sets of `a` and `b`; returns whether they were apart.
    pub fn union(&mut self, a: u32, b: u32) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.parent[hi as usize] = lo;
        true
    }
}

/// The pairs whose similarity is at least `threshold`, in the input order (computed in parallel).
#[cfg(test)]
pub(crate) fn verify<F>(pairs: &[(u32, u32)], threshold: f64, sim: F) -> Vec<(u32, u32)>
where
    F: Fn(u32, u32) -> f64 + Sync,
{
    verify_with(pairs, |a, b| sim(a, b) >= threshold)
}

/// The pairs that pass `test`, in the input order (computed in parallel).
pub(crate) fn verify_with<F>(pairs: &[(u32, u32)], test: F) -> Vec<(u32, u32)>
where
    F: Fn(u32, u32) -> bool + Sync,
{
    pairs.par_iter().filter(|&&(a, b)| test(a, b)).copied().collect()
}

/// A pair of documents.
type Pair = (u32, u32);

/// The pairs that pass `test`, sorted, taken block pair by block pair: documents are cut into
/// blocks of `block` consecutive ids, and the pairs between two blocks are tested together
/// (in parallel): `before` is given them first (sorted by their first document), and `done`
/// told how many were tested after. Reads of a large store of signatures that cannot all
/// stay in memory then fall within two blocks at a time (a blocked nested-loop join) instead
/// of anywhere in it.
pub(crate) fn verify_in_blocks<F>(
    pairs: &[Pair],
    block: u32,
    test: F,
    before: &dyn Fn(&[Pair]),
    done: &dyn Fn(usize),
) -> Vec<Pair>
where
    F: Fn(u32, u32) -> bool + Sync,
{
    let block = block.max(1);
    let mut sorted = pairs.to_vec();
    sorted.par_sort_unstable_by_key(|&(a, b)| (a / block, b / block, a, b));
    let mut out = Vec::new();
    for group in sorted.chunk_by(|x, y| (x.0 / block, x.1 / block) == (y.0 / block, y.1 / block)) {
        before(group);
        out.par_extend(group.par_iter().filter(|&&(a, b)| test(a, b)));
        done(group.len());
    }
    out.par_sort_unstable();
    out
}

/// Connected components of `edges` over `0..n` with two or more members: each sorted, the list
/// ordered by smallest member.
pub fn components(n: usize, edges: &[(u32, u32)]) -> Vec<Vec<u32>> {
    let mut uf = UnionFind::new(n);
    for &(a, b) in edges {
        uf.union(a, b);
    }
    let mut index = vec![u32::MAX; n];
    let mut out: Vec<Vec<u32>> = Vec::new();
    let mut touched: Vec<u32> = edges.iter().flat_map(|&(a, b)| [a, b]).collect();
    touched.sort_unstable();
    touched.dedup();
    for x in touched {
        let r = uf.find(x) as usize;
        if index[r] == u32::MAX {
            index[r] = out.len() as u32;
            out.push(Vec::new());
        }
        out[index[r] as usize].push(x);
    }
    // `touched` was ascending, so each component is sorted and components are in order of
    // their first member.
    out
}

/// Greedy leader clustering: documents are taken in `order` (keep priority, first first); a
/// document is removed when one of its `edges` leads to a document already kept, and is then
/// assigned to the kept neighbour it is most similar to (`similarity`, ties by priority); else it
/// is kept. The kept documents are the lexicographically first maximal independent set of the
/// edge graph in that order (Blelloch, Fineman and Shun, SPAA 2012, compute the same set in
/// parallel rounds), so every removed document has a kept neighbour, and no edge joins two kept
/// documents. Union-find ([`components`]) instead removes every document connected to the kept
/// one through any chain of edges, however unlike its two ends are.
///
/// `copies` are pairs of documents that are one document to the clustering: the same token
/// sequence ([`equal_key_stars`] of the exact keys), or with SimHash one fingerprint (the
/// Hamming index pairs each such document with the first of its fingerprint only). Pairs that
/// share a document join their groups. A group is one node of the graph: its edges are those of
/// all its members, its member first in priority decides for it when it comes (kept, or removed
/// to a kept neighbour), and every other member goes where it went, so no two copies are ever
/// kept and an edge to any copy is an edge to the one kept.
///
/// Returns clusters as `(leader, members)`: members ascending, the leader among them, clusters
/// in order of their first member; only clusters of two or more. Linear in the edges.
/// `order: None` is input order (no array of 4 bytes per document for it, nor for the ranks).
pub fn leaders(
    n: usize,
    edges: &[(u32, u32)],
    copies: &[(u32, u32)],
    order: Option<&[u32]>,
    similarity: &(dyn Fn(u32, u32) -> f64 + Sync),
) -> Vec<(u32, Vec<u32>)> {
    // Each document's node: the smallest member of its group of copies (without copies, the
    // document itself, and no array of 4 bytes per document).
    let roots: Option<Vec<u32>> = (!copies.is_empty()).then(|| {
        let mut uf = UnionFind::new(n);
        for &(a, b) in copies {
            uf.union(a, b);
        }
        uf.into_roots()
    });
    let node = |d: u32| roots.as_ref().map_or(d, |r| r[d as usize]);
    // Per node, the documents its members have edges to (compressed rows; edges inside a
    // group are no edges of the graph).
    let inner = |&&(a, b): &&(u32, u32)| node(a) == node(b);
    let mut start = vec![0u32; n + 1];
    for &(a, b) in edges.iter().filter(|e| !inner(e)) {
        start[node(a) as usize + 1] += 1;
        start[node(b) as usize + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    // Each row filled from its start, which moves to the next row's start as it fills; the
    // starts are then shifted back (no second array of offsets).
    let mut adj = vec![0u32; start[n] as usize];
    for &(a, b) in edges.iter().filter(|e| !inner(e)) {
        let (na, nb) = (node(a) as usize, node(b) as usize);
        adj[start[na] as usize] = b;
        start[na] += 1;
        adj[start[nb] as usize] = a;
        start[nb] += 1;
    }
    for i in (1..=n).rev() {
        start[i] = start[i - 1];
    }
    start[0] = 0;
    let ranks: Option<Vec<u32>> = order.map(|order| {
        let mut rank = vec![u32::MAX; n];
        for (r, &d) in order.iter().enumerate() {
            rank[d as usize] = r as u32;
        }
        rank
    });
    let rank = |d: u32| ranks.as_ref().map_or(d, |r| r[d as usize]);
    // The documents in priority order.
    let sequence = (0..order.map_or(n, <[u32]>::len)).map(|i| order.map_or(i as u32, |o| o[i]));
    // Per node: where its members go (the member kept, or the leader it was removed to;
    // UNSEEN until its first member in `order` comes), and whether it is kept.
    const UNSEEN: u32 = u32::MAX;
    let mut goes = vec![UNSEEN; n];
    let mut kept = bitvec::bitvec![0; n];
    for d in sequence {
        let g = node(d) as usize;
        if goes[g] != UNSEEN {
            continue;
        }
        let mut best: Option<(f64, u32)> = None;
        for &e in &adj[start[g] as usize..start[g + 1] as usize] {
            let h = node(e) as usize;
            if kept[h] {
                let k = goes[h];
                let s = similarity(d, k);
                let better = match best {
                    None => true,
                    Some((bs, bk)) => s > bs || (s == bs && rank(k) < rank(bk)),
                };
                if better {
                    best = Some((s, k));
                }
            }
        }
        match best {
            Some((_, k)) => goes[g] = k,
            None => {
                goes[g] = d;
                kept.set(g, true);
            }
        }
    }
    // The removed documents by leader (8 bytes per removed document, not a list per document).
    let mut removed: Vec<(u32, u32)> = (0..n as u32)
        .filter_map(|d| match goes[node(d) as usize] {
            UNSEEN => None,
            l if l == d => None,
            l => Some((l, d)),
        })
        .collect();
    removed.sort_unstable();
    let mut out: Vec<(u32, Vec<u32>)> = removed
        .chunk_by(|x, y| x.0 == y.0)
        .map(|group| {
            let l = group[0].0;
            let mut m: Vec<u32> = group.iter().map(|&(_, d)| d).collect();
            m.push(l);
            m.sort_unstable();
            (l, m)
        })
        .collect();
    out.sort_unstable_by_key(|c| c.1[0]);
    out
}

/// Documents grouped by equal keys, from `(key, document)` entries: the first document of each
/// group (by key, then document) and a pair `(first, other)` for every other document of it (a
/// star: linear in the group, where all its pairs would be quadratic).
pub fn equal_key_stars(mut keyed: Vec<(u64, u32)>) -> (Vec<u32>, Vec<(u32, u32)>) {
    keyed.par_sort_unstable();
    let (mut firsts, mut pairs) = (Vec::new(), Vec::new());
    for equal in keyed.chunk_by(|x, y| x.0 == y.0) {
        let first = equal[0].1;
        firsts.push(first);
        pairs.extend(equal[1..].iter().map(|&(_, d)| (first, d)));
    }
    (firsts, pairs)
}

#[cfg(test)]
mod tests {
    /// Leader clusters as `(leader, members)` of `edges` in priority `order`, every pair at
    /// similarity `sim(a, b)`.
    fn lead(n: usize, edges: &[(u32, u32)], copies: &[(u32, u32)], order: &[u32]) -> Vec<(u32, Vec<u32>)> {
        leaders(n, edges, copies, Some(order), &|a, b| {
            1.0 / (1.0 + a.abs_diff(b) as f64)
        })
    }

    #[test]
    fn a_chain_keeps_its_ends_where_components_remove_them() {
        // A - B - C (A and C unlike): union-find removes B and C; leaders keep A and C.
        let edges = [(0, 1), (1, 2)];
        assert_eq!(components(3, &edges), vec![vec![0, 1, 2]]);
        assert_eq!(lead(3, &edges, &[], &[0, 1, 2]), vec![(0, vec![0, 1])]);
        // In another priority (B first) B is kept and both ends go to it.
        assert_eq!(lead(3, &edges, &[], &[1, 0, 2]), vec![(1, vec![0, 1, 2])]);
        // No edges: nothing removed.
        assert!(lead(3, &[], &[], &[0, 1, 2]).is_empty());
    }

    #[test]
    fn a_removed_document_goes_to_its_most_similar_kept_neighbour() {
        // 3 has edges to kept 0 and kept 2 (0 and 2 unlinked); it is closer to 2.
        let clusters = lead(4, &[(0, 3), (2, 3)], &[], &[0, 1, 2, 3]);
        assert_eq!(clusters, vec![(2, vec![2, 3])]);
    }

    #[test]
    fn copies_are_never_both_kept() {
        // 0 is the first of copies {0, 1, 2} (stars 0-1, 0-2) but last in priority: 1 and 2
        // meet no kept neighbour through the stars alone; one of them must still go.
        let clusters = lead(3, &[], &[(0, 1), (0, 2)], &[1, 2, 0]);
        assert_eq!(clusters, vec![(1, vec![0, 1, 2])]);
        // A document assigned to a copy that is then removed follows to the copy kept.
        let clusters = lead(4, &[(2, 3)], &[(0, 1), (0, 2)], &[1, 2, 3, 0]);
        assert_eq!(clusters, vec![(1, vec![0, 1, 2, 3])]);
        // The first copy removed to another document: the other copies go with it.
        let clusters = lead(4, &[(3, 0)], &[(0, 1), (0, 2)], &[3, 0, 1, 2]);
        assert_eq!(clusters, vec![(3, vec![0, 1, 2, 3])]);
    }

    #[test]
    fn an_edge_to_one_copy_is_an_edge_to_all() {
        // SimHash: 1 and 2 have one fingerprint, and the index pairs 0 with 1, the first of
        // it, only. Whichever comes first in priority, the three end in one cluster: 0 meets
        // the kept 2 through 1's edge, and 2 meets the kept 0 the same way.
        for order in [[2, 0, 1], [0, 2, 1], [1, 2, 0], [0, 1, 2]] {
            let clusters = lead(3, &[(0, 1)], &[(1, 2)], &order);
            assert_eq!(clusters, vec![(order[0], vec![0, 1, 2])], "{order:?}");
        }
        // Groups that share a document are one: stars (0, 1) and (1, 2) from two keys.
        let clusters = lead(4, &[(2, 3)], &[(0, 1), (1, 2)], &[0, 3, 1, 2]);
        assert_eq!(clusters, vec![(0, vec![0, 1, 2, 3])]);
    }

    use super::*;
    use proptest::prelude::*;

    /// Naive grouping: repeatedly merge groups that share an edge.
    fn naive(n: usize, edges: &[(u32, u32)]) -> Vec<Vec<u32>> {
        let mut label: Vec<usize> = (0..n).collect();
        loop {
            let mut changed = false;
            for &(a, b) in edges {
                let (la, lb) = (label[a as usize], label[b as usize]);
                if la != lb {
                    let (keep, drop) = (la.min(lb), la.max(lb));
                    for l in label.iter_mut() {
                        if *l == drop {
                            *l = keep;
                        }
                    }
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let mut groups: std::collections::BTreeMap<usize, Vec<u32>> = Default::default();
        for (i, l) in label.iter().enumerate() {
            groups.entry(*l).or_default().push(i as u32);
        }
        groups.into_values().filter(|g| g.len() > 1).collect()
    }

    proptest! {
        #[test]
        fn union_find_agrees_with_naive_grouping(
            n in 1usize..60,
            raw in prop::collection::vec((0u32..60, 0u32..60), 0..80),
        ) {
            let edges: Vec<(u32, u32)> = raw.into_iter()
                .map(|(a, b)| (a % n as u32, b % n as u32))
                .filter(|(a, b)| a != b)
                .collect();
            let mut got = components(n, &edges);
            got.sort();
            prop_assert_eq!(got, naive(n, &edges));
            // Order of edges does not matter.
            let mut rev = edges.clone();
            rev.reverse();
            prop_assert_eq!(components(n, &rev), components(n, &edges));
        }

        /// Leaders in input order without an order array are those of the identity order,
        /// with copies or without, similarities tied or not.
        #[test]
        fn leaders_in_input_order_need_no_order(
            n in 1usize..40,
            raw in prop::collection::vec((0u32..40, 0u32..40), 0..60),
            raw_copies in prop::collection::vec((0u32..40, 0u32..40), 0..6),
            tied in any::<bool>(),
        ) {
            let pairs = |raw: Vec<(u32, u32)>| -> Vec<(u32, u32)> {
                raw.into_iter().map(|(a, b)| (a % n as u32, b % n as u32)).filter(|(a, b)| a != b).collect()
            };
            let (edges, copies) = (pairs(raw), pairs(raw_copies));
            let sim = |a: u32, b: u32| if tied { 0.5 } else { 1.0 / (1.0 + a.abs_diff(b) as f64) };
            let identity: Vec<u32> = (0..n as u32).collect();
            prop_assert_eq!(
                leaders(n, &edges, &copies, None, &sim),
                leaders(n, &edges, &copies, Some(&identity), &sim)
            );
        }
    }

    #[test]
    fn into_roots_gives_every_find() {
        let mut uf = UnionFind::new(8);
        for (a, b) in [(5, 3), (3, 7), (1, 6), (6, 2)] {
            uf.union(a, b);
        }
        let want: Vec<u32> = (0..8).map(|x| uf.find(x)).collect();
        assert_eq!(uf.into_roots(), want);
        assert_eq!(want, [0, 1, 1, 3, 4, 3, 1, 3]);
    }

    #[test]
    fn roots_are_smallest() {
        let mut uf = UnionFind::new(5);
        uf.union(4, 3);
        uf.union(3, 1);
        assert_eq!(uf.find(4), 1);
        assert!(!uf.union(1, 4));
    }

    #[test]
    fn verifying_in_blocks_gives_the_sorted_pairs_that_pass() {
        let pairs: Vec<(u32, u32)> = (0..200u32).flat_map(|a| [(a, a + 1), (a, a * 3 + 7)]).collect();
        let test = |a: u32, b: u32| (a + b) % 3 != 0;
        let mut want = verify_with(&pairs, test);
        want.sort_unstable();
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let shown = std::sync::atomic::AtomicUsize::new(0);
        for block in [1, 7, 64, 1000] {
            let before = |group: &[(u32, u32)]| {
                // One block pair at a time, sorted by the first document.
                let (a, b) = (group[0].0 / block, group[0].1 / block);
                assert!(group.iter().all(|&(x, y)| (x / block, y / block) == (a, b)));
                assert!(group.is_sorted_by_key(|p| p.0));
                shown.fetch_add(group.len(), std::sync::atomic::Ordering::Relaxed);
            };
            let got = verify_in_blocks(&pairs, block, test, &before, &|n| {
                calls.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
            });
            assert_eq!(got, want, "block {block}");
        }
        // Every pair was shown before and told after, once per block size.
        assert_eq!(calls.into_inner(), 4 * pairs.len());
        assert_eq!(shown.into_inner(), 4 * pairs.len());
    }

    #[test]
    fn verify_filters() {
        let pairs = [(0, 1), (1, 2), (2, 3)];
        let v = verify(&pairs, 0.5, |a, _| if a == 1 { 0.4 } else { 0.9 });
        assert_eq!(v, [(0, 1), (2, 3)]);
    }
}
