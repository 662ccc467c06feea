//! LSH banding: candidate pairs from MinHash signatures.
//!
//! In: the signatures of all documents (one flat `&[u32]`, `k` slots each), which documents take
//! part, and bands × rows. Out: candidate pairs `(a, b)` with `a < b`, sorted and deduplicated.
//!
//! Each band is independent plain data: for every document, the key `(xxh3 of the band's rows,
//! document id)`. Sorting a band's keys groups the documents that collide in it. Bands are
//! processed in parallel (one band per rayon task, no locks), and each band's keys could as well
//! be written to disk per shard and merge-sorted, which is how the stage scales past memory.
//! Cost per band: O(n log n) for the sort, 12 bytes per document of transient memory.
//!
//! A bucket of `m` documents yields all its `m·(m−1)/2` pairs while `m ≤` [`FULL_BUCKET`]. A larger
//! bucket (thousands of copies of one boilerplate page) yields, for each member, a pair with the
//! bucket's first member and one with its predecessor: `2m` pairs that still connect every member
//! whose similarity to either is verified, instead of a quadratic blow-up.

pub(crate) mod external;
pub mod hamming;

use bitvec::slice::BitSlice;
use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Largest bucket whose pairs are all emitted.
pub const FULL_BUCKET: usize = 64;

/// The band keys of one band: `(key, doc)` for every active document, sorted.
pub fn band_keys(sigs: &[u32], k: usize, band: usize, rows: usize, active: &BitSlice, seed: u64) -> Vec<(u64, u32)> {
    let mut keys = keys_of_band(sigs, k, band, rows, active, 0, seed);
    keys.sort_unstable();
    keys
}

/// The keys of one band for documents `first + i`, `i` each set bit of `active`, in document
/// order (unsorted): what [`band_keys`] sorts, and what the external banding takes a block of
/// documents at a time.
pub(crate) fn keys_of_band(
    sigs: &[u32],
    k: usize,
    band: usize,
    rows: usize,
    active: &BitSlice,
    first: usize,
    seed: u64,
) -> Vec<(u64, u32)> {
    let mut buf = Vec::with_capacity(rows * 4);
    let band_seed = seed ^ (band as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    active
        .iter_ones()
        .map(|i| {
            let d = first + i;
            let slots = &sigs[d * k + band * rows..d * k + (band + 1) * rows];
            buf.clear();
            for s in slots {
                buf.extend_from_slice(&s.to_le_bytes());
            }
            (xxh3_64_with_seed(&buf, band_seed), d as u32)
        })
        .collect()
}

/// Emits the pairs of the buckets of one band's sorted keys, packed as `a << 32 | b`.
pub(crate) fn bucket_pairs(keys: &[(u64, u32)], out: &mut Vec<u64>) {
    let pack = |a: u32, b: u32| ((a as u64) << 32) | b as u64;
    for bucket in keys.chunk_by(|x, y| x.0 == y.0) {
        let m = bucket.len();
        if m < 2 {
            continue;
        }
        if m <= FULL_BUCKET {
            for i in 0..m {
                for j in i + 1..m {
                    out.push(pack(bucket[i].1, bucket[j].1));
                }
            }
        } else {
            let first = bucket[0].1;
            for j in 1..m {
                out.push(pack(first, bucket[j].1));
                if j > 1 {
                    out.push(pack(bucket[j - 1].1, bucket[j].1));
                }
            }
        }
    }
}

/// The pairs of one band's keys (sorted here), packed as `a << 32 | b`, sorted and
/// deduplicated, into `out` (cleared first): what each band gives in memory and each band-key
/// file under a memory limit (`external`).
pub(crate) fn band_pairs(keys: &mut [(u64, u32)], out: &mut Vec<u64>) {
    keys.sort_unstable();
    out.clear();
    bucket_pairs(keys, out);
    out.sort_unstable();
    out.dedup();
}

/// All candidate pairs over `bands` bands of `rows` rows: sorted, deduplicated, `a < b`.
pub fn candidate_pairs(
    sigs: &[u32],
    k: usize,
    bands: usize,
    rows: usize,
    active: &BitSlice,
    seed: u64,
) -> Vec<(u32, u32)> {
    // Bands mostly find the same pairs: the bands' sorted pair sets are merged as they come
    // (a merge of sorted sets, so the result does not depend on the order), and memory holds
    // a few copies of the distinct pairs, not one per band.
    let all: Vec<u64> = (0..bands)
        .into_par_iter()
        .map(|band| {
            let mut keys = keys_of_band(sigs, k, band, rows, active, 0, seed);
            let mut out = Vec::new();
            band_pairs(&mut keys, &mut out);
            out
        })
        .reduce(Vec::new, merge_sets);
    all.into_iter().map(|p| ((p >> 32) as u32, p as u32)).collect()
}

/// The union of two sorted sets, sorted.
fn merge_sets(a: Vec<u64>, b: Vec<u64>) -> Vec<u64> {
    if a.is_empty() {
        return b;
    }
    if b.is_empty() {
        return a;
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        out.push(x.min(y));
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitvec::prelude::*;

    #[test]
    fn identical_signatures_collide_and_different_do_not() {
        let k = 8;
        // docs 0 and 2 equal, doc 1 different in every slot, doc 3 shares only band 1.
        let sigs: Vec<u32> = [
            [1, 2, 3, 4, 5, 6, 7, 8],
            [9, 9, 9, 9, 9, 9, 9, 9],
            [1, 2, 3, 4, 5, 6, 7, 8],
            [0, 0, 0, 0, 5, 6, 7, 8],
        ]
        .concat();
        let active = bitvec![1; 4];
        assert_eq!(candidate_pairs(&sigs, k, 2, 4, &active, 1), [(0, 2), (0, 3), (2, 3)]);
        let mut only = bitvec![1; 4];
        only.set(2, false);
        assert_eq!(candidate_pairs(&sigs, k, 2, 4, &only, 1), [(0, 3)]);
    }

    #[test]
    fn merged_sets_are_the_sorted_union() {
        assert_eq!(merge_sets(vec![1, 3, 5, 9], vec![2, 3, 9, 10]), [1, 2, 3, 5, 9, 10]);
        assert_eq!(merge_sets(vec![], vec![4]), [4]);
        assert_eq!(merge_sets(vec![4, 7], vec![]), [4, 7]);
    }

    #[test]
    fn large_buckets_stay_linear() {
        let n = 1000;
        let keys: Vec<(u64, u32)> = (0..n).map(|d| (7, d)).collect();
        let mut out = Vec::new();
        bucket_pairs(&keys, &mut out);
        assert_eq!(out.len(), 2 * (n as usize - 1) - 1);
        let small: Vec<(u64, u32)> = (0..5).map(|d| (7, d)).collect();
        out.clear();
        bucket_pairs(&small, &mut out);
        assert_eq!(out.len(), 10);
    }
}
