//! MinHash signatures.
//!
//! In: the 64-bit hashes of a document's shingles. Out: a signature of `k` 32-bit slots, written
//! into a slice the caller owns (signatures of all documents live in one flat `Vec<u32>`, so a
//! signature costs exactly `4·k` bytes and no allocation).
//!
//! Two estimators of the Jaccard similarity of shingle sets, both reading "fraction of equal
//! slots" (standard error `sqrt(J(1−J)/k)`, about 0.035 at J = 0.8 and k = 128):
//!
//! - Classic ([`MinHashKind::Classic`]), Broder, "On the resemblance and containment of documents"
//!   (1997). Slot `i` is the minimum over shingles of `a_i·x + b_i (mod 2^32)`, with `x` the
//!   shingle hash folded to 32 bits and `a_i` odd (so each map is a permutation of the 32-bit
//!   values). Cost O(n·k): `k` multiply-add-min per shingle, in 32-bit lanes that the compiler
//!   vectorizes (AVX2 is used when the CPU has it, detected at run time).
//! - One permutation ([`MinHashKind::OnePermutation`]), one-permutation hashing (Li, Owen and Zhang, NeurIPS 2012):
//!   the high bits of the shingle hash pick one of `k` bins, the low 32 bits are the value, and
//!   each bin keeps its minimum. Empty bins (only in documents with fewer shingles than about
//!   `k·ln k`) are densified: bin `i` takes the value of the first filled bin among its
//!   [`PROBES`] pseudo-random probes (optimal densification, Shrivastava ICML 2017; the probes are
//!   the same for every document), or, where all miss, of the nearest filled bin to its left or
//!   right, a fixed pseudo-random direction per bin (Shrivastava and Li, UAI 2014). Probing until
//!   a filled bin is met costs about `k/f` probes per empty bin with `f` bins filled: quadratic in
//!   `k` for short documents. Bounded, signing costs O(n + k) whatever the fill.

pub mod simhash;

use bitvec::prelude::*;
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Which MinHash scheme computes the signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MinHashKind {
    /// `k` permutations, one minimum each (Broder 1997).
    Classic,
    /// One permutation split into `k` bins, densified with random directions (Li et al. 2012;
    /// Shrivastava and Li 2014).
    #[default]
    OnePermutation,
}

/// Computes MinHash signatures of a fixed length with fixed seeds.
#[derive(Debug, Clone)]
pub struct MinHasher {
    kind: MinHashKind,
    a: Vec<u32>,
    b: Vec<u32>,
    /// Per bin, its [`PROBES`] probes of optimal densification.
    probes: Vec<u32>,
    /// The same probes by the bin they probe: `(bin, attempt)` for the bins probing bin `j`
    /// at `probed_by[probed_start[j]..probed_start[j + 1]]`.
    probed_by: Vec<(u32, u8)>,
    probed_start: Vec<u32>,
    /// Per bin, whether an empty bin its probes missed takes its value from the right (else
    /// from the left).
    rightward: BitVec,
}

impl MinHasher {
    /// A hasher of `num_perm` slots; `seed` fixes the permutations.
    pub fn new(kind: MinHashKind, num_perm: usize, seed: u64) -> Self {
        let mut state = seed ^ 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            // splitmix64: a fixed, well-mixed stream of parameters from one seed.
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        let mut a = Vec::with_capacity(num_perm);
        let mut b = Vec::with_capacity(num_perm);
        for _ in 0..num_perm {
            a.push((next() as u32) | 1);
            b.push(next() as u32);
        }
        let rightward = (0..num_perm as u64)
            .map(|i| xxh3_64_with_seed(&i.to_le_bytes(), seed) & 1 == 1)
            .collect();
        // The probe sequence of optimal densification: `(i, attempt)` hashed with the seed and
        // mapped onto the bins by multiply-shift.
        let k = num_perm as u64;
        let probes = (0..k)
            .flat_map(|i| {
                (1..=PROBES as u64).map(move |attempt| {
                    let mut key = [0u8; 16];
                    key[..8].copy_from_slice(&i.to_le_bytes());
                    key[8..].copy_from_slice(&attempt.to_le_bytes());
                    let p = xxh3_64_with_seed(&key, seed);
                    (((p >> 32) * k) >> 32) as u32
                })
            })
            .collect::<Vec<u32>>();
        let mut by_target: Vec<(u32, u32, u8)> = probes
            .iter()
            .enumerate()
            .map(|(x, &j)| (j, (x / PROBES) as u32, (x % PROBES) as u8))
            .collect();
        by_target.sort_unstable();
        let mut probed_start = vec![0u32; num_perm + 1];
        for &(j, _, _) in &by_target {
            probed_start[j as usize + 1] += 1;
        }
        for j in 0..num_perm {
            probed_start[j + 1] += probed_start[j];
        }
        let probed_by = by_target.into_iter().map(|(_, i, t)| (i, t)).collect();
        MinHasher {
            kind,
            a,
            b,
            probes,
            probed_by,
            probed_start,
            rightward,
        }
    }

    /// Number of slots.
    pub fn num_perm(&self) -> usize {
        self.a.len()
    }

    /// The scheme in use.
    pub fn kind(&self) -> MinHashKind {
        self.kind
    }

    /// Writes the signature of the shingle hashes `hashes` into `out` (`out.len()` must equal
    /// [`MinHasher::num_perm`]). An empty input gives all slots `u32::MAX`.
    pub fn sign(&self, hashes: &[u64], out: &mut [u32]) {
        assert_eq!(out.len(), self.a.len(), "signature slice of the wrong length");
        out.fill(u32::MAX);
        if hashes.is_empty() {
            return;
        }
        match self.kind {
            MinHashKind::Classic => classic(hashes, &self.a, &self.b, out),
            MinHashKind::OnePermutation => self.one_permutation(hashes, out),
        }
    }

    fn one_permutation(&self, hashes: &[u64], out: &mut [u32]) {
        for &h in hashes {
            oph_insert(out, h);
        }
        self.densify(out);
    }

    /// Densification of a one-permutation signature: every empty bin `i` (still `u32::MAX`)
    /// takes the value of the first filled bin among its [`PROBES`] probes (optimal
    /// densification, Shrivastava ICML 2017: the probes depend on `(i, attempt)` and the seed
    /// only, so they are the same for every document); a bin whose probes all miss takes the
    /// nearest filled bin to its right or to its left (circularly), as the fixed bit
    /// `rightward[i]` says (densification with random directions, Shrivastava and Li, UAI
    /// 2014). At most [`PROBES`] look-ups per empty bin and one pass over the bins: O(k)
    /// whatever the fill. A bin whose true minimum is `u32::MAX` counts as empty (probability
    /// 2^-32).
    pub fn densify(&self, out: &mut [u32]) {
        let k = out.len();
        let filled: Vec<u32> = (0..k as u32).filter(|&j| out[j as usize] != u32::MAX).collect();
        match filled[..] {
            [] => return,
            // Every empty bin copies the one filled bin, whatever the rule.
            [only] => return out.fill(out[only as usize]),
            _ if filled.len() == k => return,
            _ => {}
        }
        // Per empty bin, the filled bin its probes meet first (`u32::MAX`: none).
        let mut source = vec![u32::MAX; k];
        if filled.len() * PROBES < k {
            // Few filled bins: from each of them to the bins that probe it, keeping per bin the
            // earliest attempt (O(filled · PROBES) instead of O(empty · PROBES)).
            let mut attempt = vec![u8::MAX; k];
            for &j in &filled {
                let j = j as usize;
                for &(i, t) in &self.probed_by[self.probed_start[j] as usize..self.probed_start[j + 1] as usize] {
                    if t < attempt[i as usize] {
                        attempt[i as usize] = t;
                        source[i as usize] = j as u32;
                    }
                }
            }
        } else {
            let mut is_filled = vec![0u64; k.div_ceil(64)];
            for &j in &filled {
                is_filled[j as usize / 64] |= 1 << (j % 64);
            }
            for (i, src) in source.iter_mut().enumerate() {
                if out[i] == u32::MAX {
                    let probes = &self.probes[i * PROBES..(i + 1) * PROBES];
                    if let Some(&j) = probes
                        .iter()
                        .find(|&&j| is_filled[j as usize / 64] >> (j % 64) & 1 == 1)
                    {
                        *src = j;
                    }
                }
            }
        }
        // The runs of empty bins between two filled bins, once round the circle; only empty
        // bins are written and only filled bins are read.
        for (w, &left) in filled.iter().enumerate() {
            let right = filled[(w + 1) % filled.len()] as usize;
            let left = left as usize;
            let mut e = left + 1;
            loop {
                if e == k {
                    e = 0;
                }
                if e == right {
                    break;
                }
                let from = match source[e] {
                    u32::MAX if self.rightward[e] => right,
                    u32::MAX => left,
                    j => j as usize,
                };
                out[e] = out[from];
                e += 1;
            }
        }
    }
}

/// Probes of optimal densification per empty bin before the nearest filled bin is taken
/// (see [`MinHasher::densify`]). With half the bins filled, 1 in 65,536 empty bins falls back.
pub const PROBES: usize = 16;

/// One-permutation hashing of one shingle hash: the high 32 bits pick the bin (Lemire's
/// multiply-shift maps them uniformly onto `0..k`), the low 32 bits are the value, and the
/// bin keeps its minimum.
#[inline(always)]
pub(crate) fn oph_insert(out: &mut [u32], h: u64) {
    let bin = (((h >> 32) * out.len() as u64) >> 32) as usize;
    let v = h as u32;
    // `bin < out.len()` by construction of the multiply-shift. A branch-free min: whether a
    // new value is smaller is unpredictable.
    out[bin] = out[bin].min(v);
}

/// Classic MinHash kernel with run-time dispatch to an AVX2 build of the same loop.
fn classic(hashes: &[u64], a: &[u32], b: &[u32], out: &mut [u32]) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            unsafe { classic_avx2(hashes, a, b, out) };
            return;
        }
    }
    classic_portable(hashes, a, b, out);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn classic_avx2(hashes: &[u64], a: &[u32], b: &[u32], out: &mut [u32]) {
    classic_portable(hashes, a, b, out)
}

#[inline(always)]
fn classic_portable(hashes: &[u64], a: &[u32], b: &[u32], out: &mut [u32]) {
    let n = out.len();
    let (a, b) = (&a[..n], &b[..n]);
    for &h in hashes {
        let x = (h ^ (h >> 32)) as u32;
        for i in 0..n {
            let v = a[i].wrapping_mul(x).wrapping_add(b[i]);
            out[i] = out[i].min(v);
        }
    }
}

/// Estimated Jaccard similarity: the fraction of slots where two signatures agree.
pub(crate) fn estimate_jaccard(x: &[u32], y: &[u32]) -> f64 {
    debug_assert_eq!(x.len(), y.len());
    if x.is_empty() {
        return 0.0;
    }
    let eq = x.iter().zip(y).filter(|(p, q)| p == q).count();
    eq as f64 / x.len() as f64
}

/// Estimated number of distinct shingles behind a signature: a slot is the minimum of about
/// `n/k` (one permutation) or `n` (classic) uniform 32-bit values, whose mean is `1/(m+1)` of
/// the range.
#[cfg(test)]
pub(crate) fn estimate_cardinality(sig: &[u32], kind: MinHashKind) -> f64 {
    let k = sig.len() as f64;
    let mean: f64 = sig.iter().map(|&v| (v as f64 + 1.0) / 4_294_967_296.0).sum::<f64>() / k;
    let per_slot = (1.0 / mean - 1.0).max(0.0);
    match kind {
        MinHashKind::OnePermutation => per_slot * k,
        MinHashKind::Classic => per_slot,
    }
}

/// Estimated containment `|A∩B| / min(|A|, |B|)` from the Jaccard estimate and the set sizes:
/// `|A∩B| = J·(|A| + |B|)/(1 + J)`.
pub(crate) fn estimate_containment(jaccard: f64, size_a: f64, size_b: f64) -> f64 {
    let small = size_a.min(size_b);
    if small <= 0.0 {
        return 0.0;
    }
    (jaccard * (size_a + size_b) / (1.0 + jaccard) / small).min(1.0)
}

/// Exact containment `|A∩B| / min(|A|, |B|)` of two sorted, deduplicated sets.
pub(crate) fn exact_containment(x: &[u64], y: &[u64]) -> f64 {
    let small = x.len().min(y.len());
    if small == 0 {
        0.0
    } else {
        intersection_size(x, y) as f64 / small as f64
    }
}

/// Exact Jaccard similarity of two sorted, deduplicated sets.
pub fn exact_jaccard(x: &[u64], y: &[u64]) -> f64 {
    let inter = intersection_size(x, y);
    let union = x.len() + y.len() - inter;
    if union == 0 { 0.0 } else { inter as f64 / union as f64 }
}

/// Calls `f(i, j)` for every pair of elements with equal keys, `key(&a[i]) == key(&b[j])`, of
/// two lists sorted by distinct keys, in order, until `f` breaks: the one merge of sorted lists
/// the crate's set operations share.
pub(crate) fn for_common<T, K: Ord>(
    a: &[T],
    b: &[T],
    key: impl Fn(&T) -> K,
    mut f: impl FnMut(usize, usize) -> std::ops::ControlFlow<()>,
) {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match key(&a[i]).cmp(&key(&b[j])) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                if f(i, j).is_break() {
                    return;
                }
                i += 1;
                j += 1;
            }
        }
    }
}

/// Size of the intersection of two sorted, deduplicated sets.
pub(crate) fn intersection_size(x: &[u64], y: &[u64]) -> usize {
    let mut n = 0;
    for_common(
        x,
        y,
        |&v| v,
        |_, _| {
            n += 1;
            std::ops::ControlFlow::Continue(())
        },
    );
    n
}

/// Whether two sorted lists of distinct hashes share at least `k`: `intersection_size(x, y) >=
/// k`, stopping as soon as `k` are found.
pub(crate) fn intersection_at_least(x: &[u64], y: &[u64], k: usize) -> bool {
    let mut n = 0;
    if k > 0 {
        for_common(
            x,
            y,
            |&v| v,
            |_, _| {
                n += 1;
                if n >= k {
                    std::ops::ControlFlow::Break(())
                } else {
                    std::ops::ControlFlow::Continue(())
                }
            },
        );
    }
    n >= k
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two sets of `n` hashes with a chosen overlap, from a fixed pseudo-random stream.
    fn sets(n: usize, shared: usize, salt: u64) -> (Vec<u64>, Vec<u64>) {
        let h = |i: u64| xxh3_64_with_seed(&i.to_le_bytes(), salt);
        let common: Vec<u64> = (0..shared as u64).map(h).collect();
        let mut x = common.clone();
        let mut y = common;
        x.extend((0..(n - shared) as u64).map(|i| h(1_000_000 + i)));
        y.extend((0..(n - shared) as u64).map(|i| h(2_000_000 + i)));
        (x, y)
    }

    fn check(kind: MinHashKind, n: usize) {
        let k = 128;
        let mh = MinHasher::new(kind, k, 42);
        let (mut sx, mut sy) = (vec![0; k], vec![0; k]);
        let mut abs_err = 0.0;
        let mut bias = 0.0;
        let mut trials = 0.0;
        for (t, shared) in [n / 10, n / 3, n / 2, 2 * n / 3, 4 * n / 5, 9 * n / 10, n]
            .into_iter()
            .enumerate()
        {
            for salt in 0..20u64 {
                let (x, y) = sets(n, shared, salt * 31 + t as u64);
                mh.sign(&x, &mut sx);
                mh.sign(&y, &mut sy);
                let mut xs = x.clone();
                xs.sort_unstable();
                let mut ys = y.clone();
                ys.sort_unstable();
                let exact = exact_jaccard(&xs, &ys);
                let est = estimate_jaccard(&sx, &sy);
                let se = (exact * (1.0 - exact) / k as f64).sqrt();
                // A single estimate stays within 5 standard errors (plus a small floor).
                assert!(
                    (est - exact).abs() <= 5.0 * se + 0.02,
                    "{kind:?} n={n} exact {exact} est {est}"
                );
                abs_err += (est - exact).abs();
                bias += est - exact;
                trials += 1.0;
            }
        }
        // On average the error is about the standard error (≤ 0.044 at J = 0.5) and unbiased.
        assert!(
            abs_err / trials < 0.04,
            "{kind:?} n={n} mean abs error {}",
            abs_err / trials
        );
        assert!((bias / trials).abs() < 0.015, "{kind:?} n={n} bias {}", bias / trials);
    }

    #[test]
    fn classic_estimates_jaccard() {
        check(MinHashKind::Classic, 1000);
        check(MinHashKind::Classic, 60);
    }

    #[test]
    fn one_permutation_estimates_jaccard() {
        check(MinHashKind::OnePermutation, 2000);
        // Fewer shingles than bins: densification does the work.
        check(MinHashKind::OnePermutation, 60);
    }

    #[test]
    fn avx2_and_portable_agree() {
        let mh = MinHasher::new(MinHashKind::Classic, 128, 3);
        let (x, _) = sets(500, 0, 9);
        let mut p = vec![u32::MAX; 128];
        classic_portable(&x, &mh.a, &mh.b, &mut p);
        let mut d = vec![0; 128];
        mh.sign(&x, &mut d);
        assert_eq!(p, d);
    }

    #[test]
    fn insert_then_densify_equals_sign() {
        for kind in [MinHashKind::Classic, MinHashKind::OnePermutation] {
            let mh = MinHasher::new(kind, 128, 5);
            for n in [0, 1, 50, 3000] {
                let (x, _) = sets(n.max(1), 0, 11);
                let x = &x[..n];
                let (mut a, mut b) = (vec![0; 128], vec![0; 128]);
                mh.sign(x, &mut a);
                b.fill(u32::MAX);
                if kind == MinHashKind::OnePermutation {
                    x.iter().for_each(|&h| oph_insert(&mut b, h));
                    mh.densify(&mut b);
                    assert_eq!(a, b, "n={n}");
                }
            }
        }
    }

    #[test]
    fn empty_bins_copy_a_probed_or_the_nearest_filled_bin() {
        let mh = MinHasher::new(MinHashKind::OnePermutation, 16, 7);
        let mut sig = vec![u32::MAX; 16];
        sig[3] = 30;
        sig[9] = 90;
        mh.densify(&mut sig);
        let mut fell_back = 0;
        for i in (0..16).filter(|&i| i != 3 && i != 9) {
            let probed = mh.probes[i * PROBES..(i + 1) * PROBES]
                .iter()
                .find(|&&j| j == 3 || j == 9);
            let want = match probed {
                Some(&j) => j as usize * 10,
                None => {
                    fell_back += 1;
                    let (left, right) = if (4..9).contains(&i) { (30, 90) } else { (90, 30) };
                    if mh.rightward[i] { right } else { left }
                }
            };
            assert_eq!(sig[i] as usize, want, "bin {i}");
        }
        // 2 of 16 bins filled: about a third of the empty bins miss with all their probes.
        assert!(fell_back > 0 && fell_back < 14, "{fell_back}");
        // At most PROBES look-ups per bin whatever the fill: one filled bin of 2^18 (probing
        // until a filled bin is met needs about 2^36 probes here).
        let mh = MinHasher::new(MinHashKind::OnePermutation, 1 << 18, 7);
        let mut sig = vec![u32::MAX; 1 << 18];
        sig[12_345] = 5;
        mh.densify(&mut sig);
        assert!(sig.iter().all(|&v| v == 5));
    }

    /// [`MinHasher::densify`] as its doc says it, bin by bin.
    fn densify_by_definition(mh: &MinHasher, out: &mut [u32]) {
        let k = out.len();
        let orig = out.to_vec();
        let filled = |j: usize| orig[j] != u32::MAX;
        if (0..k).all(filled) || !(0..k).any(filled) {
            return;
        }
        for i in (0..k).filter(|&i| !filled(i)) {
            let probed = mh.probes[i * PROBES..(i + 1) * PROBES]
                .iter()
                .find(|&&j| filled(j as usize));
            let from = match probed {
                Some(&j) => j as usize,
                None if mh.rightward[i] => (1..k).map(|d| (i + d) % k).find(|&j| filled(j)).unwrap(),
                None => (1..k).map(|d| (i + k - d) % k).find(|&j| filled(j)).unwrap(),
            };
            out[i] = orig[from];
        }
    }

    #[test]
    fn densify_follows_its_definition_at_every_fill() {
        for k in [64usize, 200] {
            let mh = MinHasher::new(MinHashKind::OnePermutation, k, 3);
            for filled in 1..=k {
                for salt in 0..3u64 {
                    // `filled` bins chosen pseudo-randomly, each with its own value.
                    let mut bins: Vec<usize> = (0..k).collect();
                    bins.sort_by_key(|&b| xxh3_64_with_seed(&(b as u64).to_le_bytes(), salt * 1000 + filled as u64));
                    let mut sig = vec![u32::MAX; k];
                    for &b in &bins[..filled] {
                        sig[b] = b as u32 * 7 + 1;
                    }
                    let mut want = sig.clone();
                    densify_by_definition(&mh, &mut want);
                    mh.densify(&mut sig);
                    assert_eq!(sig, want, "k={k} filled={filled}");
                }
            }
        }
    }

    #[test]
    fn identical_sets_have_identical_signatures() {
        for kind in [MinHashKind::Classic, MinHashKind::OnePermutation] {
            let mh = MinHasher::new(kind, 64, 1);
            let (x, _) = sets(30, 0, 1);
            let mut rev = x.clone();
            rev.reverse();
            let (mut s1, mut s2) = (vec![0; 64], vec![0; 64]);
            mh.sign(&x, &mut s1);
            mh.sign(&rev, &mut s2);
            assert_eq!(s1, s2);
            assert_eq!(estimate_jaccard(&s1, &s2), 1.0);
        }
    }

    #[test]
    fn cardinality_and_containment_estimates() {
        for kind in [MinHashKind::OnePermutation, MinHashKind::Classic] {
            let mh = MinHasher::new(kind, 128, 9);
            for n in [500usize, 2000, 8000] {
                let (x, _) = sets(n, 0, 3);
                let mut s = vec![0; 128];
                mh.sign(&x, &mut s);
                let est = estimate_cardinality(&s, kind);
                assert!((est / n as f64 - 1.0).abs() < 0.3, "{kind:?} n={n} est={est}");
            }
            // A half of a set: Jaccard 0.5, containment 1.
            let (x, _) = sets(2000, 0, 4);
            let half = &x[..1000];
            let (mut sx, mut sh) = (vec![0; 128], vec![0; 128]);
            mh.sign(&x, &mut sx);
            mh.sign(half, &mut sh);
            let j = estimate_jaccard(&sx, &sh);
            let c = estimate_containment(j, estimate_cardinality(&sx, kind), estimate_cardinality(&sh, kind));
            assert!(c > 0.8, "{kind:?} j={j} c={c}");
        }
        assert_eq!(exact_containment(&[1, 2], &[1, 2, 3, 4]), 1.0);
    }

    #[test]
    fn exact_jaccard_by_hand() {
        assert_eq!(exact_jaccard(&[1, 2, 3], &[2, 3, 4]), 0.5);
        assert_eq!(exact_jaccard(&[], &[]), 0.0);
        assert_eq!(intersection_size(&[1, 5, 9], &[5, 9, 10]), 2);
    }
}
