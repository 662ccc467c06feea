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
pub struct UnionFind {
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
pub fn verify<F>(pairs: &[(u32, u32)], threshold: f64, sim: F) -> Vec<(u32, u32)>
where
    F: Fn(u32, u32) -> f64 + Sync,
{
    verify_with(pairs, |a, b| sim(a, b) >= threshold)
}

/// The pairs that pass `test`, in the input order (computed in parallel).
pub fn verify_with<F>(pairs: &[(u32, u32)], test: F) -> Vec<(u32, u32)>
where
    F: Fn(u32, u32) -> bool + Sync,
{
    pairs.par_iter().filter(|&&(a, b)| test(a, b)).copied().collect()
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
    fn verify_filters() {
        let pairs = [(0, 1), (1, 2), (2, 3)];
        let v = verify(&pairs, 0.5, |a, _| if a == 1 { 0.4 } else { 0.9 });
        assert_eq!(v, [(0, 1), (2, 3)]);
    }
}
