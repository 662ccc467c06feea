//! Pairs of fingerprints within `k` differing bits.
//!
//! In: 64-bit fingerprints (SimHash), which documents take part, and `k`. Out: pairs `(a, b)`,
//! `a < b`, with `popcount(fp[a] ^ fp[b]) ≤ k`, sorted, that connect exactly the documents the
//! full set of such pairs connects: documents with one fingerprint are linked to the first of
//! them (a star, not all their pairs), and the index below runs over one document per distinct
//! fingerprint, so that a million copies of one text give a million pairs, not half a trillion.
//! Over distinct fingerprints the pairs are exact (no pair missed, none extra).
//!
//! Manku, Jain and Das Sarma, "Detecting near-duplicates for web crawling" (WWW 2007): split the
//! 64 bits into `m = k + 2` blocks. Two fingerprints within `k` bits differ in at most `k`
//! blocks, so they agree on at least `m − k = 2` of them. One table per choice of `k` blocks to
//! ignore (`C(m, k)` tables) keys each fingerprint by the bits of the remaining blocks; a pair
//! within `k` bits shares a key in at least one table, and every pair sharing a key is checked
//! with one popcount. Each table is a sorted list of `(key, doc)` — plain data, like the LSH
//! bands — so time and memory grow as `n log n` and `n` per table; tables run in parallel.

use bitvec::slice::BitSlice;
use rayon::prelude::*;

/// The masks of the tables for distance `k`: each keeps `m − k` of `m = k + 2` blocks.
pub(crate) fn table_masks(k: u32) -> Vec<u64> {
    let m = k as usize + 2;
    let block = |j: usize| -> u64 {
        let (lo, hi) = (64 * j / m, 64 * (j + 1) / m);
        let width = hi - lo;
        let ones = if width == 64 { u64::MAX } else { (1u64 << width) - 1 };
        ones << lo
    };
    // Every subset of m − k = 2 blocks to keep.
    let mut masks = Vec::new();
    for a in 0..m {
        for b in a + 1..m {
            masks.push(block(a) | block(b));
        }
    }
    masks
}

/// Two documents, `(a, b)` with `a < b`.
pub(crate) type Pair = (u32, u32);

/// Pairs of active documents whose fingerprints differ in at most `k` bits: every pair of the
/// first documents of two distinct fingerprints, and each other document with the first of its
/// fingerprint (see the module doc).
pub fn pairs_within(fps: &[u64], active: &BitSlice, k: u32) -> Vec<(u32, u32)> {
    pairs_and_stars(fps, active, k).0
}

/// [`pairs_within`], and apart the stars among them: `(first, other)` for each document that is
/// not the first of its fingerprint. The clustering takes the documents of one fingerprint for
/// one ([`crate::cluster::leaders`]): their edges are on the first only.
pub(crate) fn pairs_and_stars(fps: &[u64], active: &BitSlice, k: u32) -> (Vec<Pair>, Vec<Pair>) {
    let pack = |a: u32, b: u32| ((a as u64) << 32) | b as u64;
    // Documents by fingerprint: the first of each fingerprint stands for the others.
    let (firsts, star) = crate::cluster::equal_key_stars(active.iter_ones().map(|d| (fps[d], d as u32)).collect());
    let masks = table_masks(k);
    let per_table: Vec<Vec<u64>> = masks
        .par_iter()
        .map(|&mask| {
            let mut keys: Vec<(u64, u32)> = firsts.iter().map(|&d| (fps[d as usize] & mask, d)).collect();
            keys.sort_unstable();
            let mut out = Vec::new();
            for bucket in keys.chunk_by(|x, y| x.0 == y.0) {
                for (i, &(_, a)) in bucket.iter().enumerate() {
                    for &(_, b) in &bucket[i + 1..] {
                        if (fps[a as usize] ^ fps[b as usize]).count_ones() <= k {
                            out.push(pack(a.min(b), a.max(b)));
                        }
                    }
                }
            }
            out
        })
        .collect();
    let mut all = per_table.concat();
    all.extend(star.iter().map(|&(a, b)| pack(a, b)));
    all.par_sort_unstable();
    all.dedup();
    (all.into_iter().map(|p| ((p >> 32) as u32, p as u32)).collect(), star)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitvec::prelude::*;
    use proptest::prelude::*;

    fn brute(fps: &[u64], k: u32) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        for a in 0..fps.len() {
            for b in a + 1..fps.len() {
                if (fps[a] ^ fps[b]).count_ones() <= k {
                    out.push((a as u32, b as u32));
                }
            }
        }
        out
    }

    #[test]
    fn masks_cover_all_bits_and_leave_k_blocks_out() {
        for k in 0..=8 {
            let masks = table_masks(k);
            let m = k as usize + 2;
            assert_eq!(masks.len(), m * (m - 1) / 2);
            assert_eq!(masks.iter().fold(0, |a, b| a | b), u64::MAX);
        }
    }

    proptest! {
        #[test]
        fn index_equals_brute_force_on_random_fingerprints(
            base in prop::collection::vec(any::<u64>(), 1..40),
            flips in prop::collection::vec((0usize..40, prop::collection::vec(0u32..64, 0..8)), 0..80),
            k in 0u32..7,
        ) {
            // Plant near-duplicates: copies of base fingerprints with a few bits flipped.
            let mut fps = base.clone();
            for (src, bits) in flips {
                let mut f = base[src % base.len()];
                for b in bits {
                    f ^= 1 << b;
                }
                fps.push(f);
            }
            let active = bitvec![1; fps.len()];
            let got = pairs_within(&fps, &active, k);
            let all = brute(&fps, k);
            // Every pair found is within k bits, and the pairs connect what all pairs connect.
            prop_assert!(got.iter().all(|p| all.binary_search(p).is_ok()));
            prop_assert_eq!(components(fps.len(), &got), components(fps.len(), &all));
            // Over distinct fingerprints, the pairs are all the pairs.
            let mut distinct = fps.clone();
            distinct.sort_unstable();
            distinct.dedup();
            prop_assert_eq!(pairs_within(&distinct, &bitvec![1; distinct.len()], k), brute(&distinct, k));
        }
    }

    /// Each document's smallest connected document.
    fn components(n: usize, pairs: &[(u32, u32)]) -> Vec<u32> {
        let mut uf = crate::cluster::UnionFind::new(n);
        for &(a, b) in pairs {
            uf.union(a, b);
        }
        let mut least = vec![u32::MAX; n];
        for d in 0..n as u32 {
            let r = uf.find(d) as usize;
            least[r] = least[r].min(d);
        }
        (0..n as u32).map(|d| least[uf.find(d) as usize]).collect()
    }

    #[test]
    fn copies_of_one_fingerprint_give_linear_pairs() {
        // 1,000 copies of one fingerprint and 1,000 of another one bit away: all pairs are
        // about 2 million; a star per fingerprint and one pair between them are 1,999.
        let fps: Vec<u64> = (0..2_000u64).map(|d| 0xF0F0 ^ (d % 2)).collect();
        let pairs = pairs_within(&fps, &bitvec![1; fps.len()], 3);
        assert_eq!(pairs.len(), 1_999);
        assert!(pairs.contains(&(0, 1)) && pairs.contains(&(0, 2)) && pairs.contains(&(1, 3)));
    }

    #[test]
    fn inactive_documents_are_left_out() {
        let fps = [0u64, 1, 3];
        let mut active = bitvec![1; 3];
        active.set(1, false);
        assert_eq!(pairs_within(&fps, &active, 2), [(0, 2)]);
    }
}
