//! SimHash fingerprints.
//!
//! In: the 64-bit hashes of a document's features (one call per occurrence). Out: a 64-bit
//! fingerprint. Charikar, "Similarity estimation techniques from rounding algorithms" (STOC
//! 2002): each feature votes +w on the bits set in its hash and −w on the others; the
//! fingerprint keeps the sign of each bit's total. The Hamming distance of two fingerprints
//! tracks the angle between the documents' weighted feature vectors: `P(bit differs) = θ/π`.
//!
//! Weights: feeding every occurrence gives term-frequency weights (the default: measured best on
//! the NTREX gold, see docs/method.md); feeding each distinct feature once gives uniform weights.
//!
//! Cost: O(n) per document and no allocation. The bit counts are kept byte-sliced: a table maps
//! each byte of a hash to eight byte-wide 0/1 lanes of a `u64`, so a feature costs eight table
//! loads and eight adds instead of 64 increments; the byte lanes are flushed into `u32`
//! counters every 255 features, before they can overflow.

/// `SPREAD[b]` has byte lane `j` equal to bit `j` of `b`.
static SPREAD: [u64; 256] = {
    let mut t = [0u64; 256];
    let mut b = 0;
    while b < 256 {
        let mut j = 0;
        while j < 8 {
            if (b >> j) & 1 == 1 {
                t[b] |= 1u64 << (8 * j);
            }
            j += 1;
        }
        b += 1;
    }
    t
};

/// Accumulates feature hashes into a SimHash fingerprint.
#[derive(Debug, Clone)]
pub struct SimHashAcc {
    counts: [u32; 64],
    lanes: [u64; 8],
    pending: u32,
    total: u32,
}

impl Default for SimHashAcc {
    fn default() -> Self {
        SimHashAcc {
            counts: [0; 64],
            lanes: [0; 8],
            pending: 0,
            total: 0,
        }
    }
}

impl SimHashAcc {
    /// An empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one occurrence of a feature.
    #[inline(always)]
    pub fn add(&mut self, h: u64) {
        for (k, lane) in self.lanes.iter_mut().enumerate() {
            *lane += SPREAD[((h >> (8 * k)) & 0xFF) as usize];
        }
        self.pending += 1;
        self.total += 1;
        if self.pending == 255 {
            self.flush();
        }
    }

    fn flush(&mut self) {
        for (k, lane) in self.lanes.iter_mut().enumerate() {
            for j in 0..8 {
                self.counts[8 * k + j] += ((*lane >> (8 * j)) & 0xFF) as u32;
            }
            *lane = 0;
        }
        self.pending = 0;
    }

    /// Number of features added.
    pub fn total(&self) -> u32 {
        self.total
    }

    /// The fingerprint: bit `b` is set when more than half of the features have it set. No
    /// feature gives 0.
    pub fn finish(&mut self) -> u64 {
        self.flush();
        let mut fp = 0u64;
        for (b, &c) in self.counts.iter().enumerate() {
            if 2 * c as u64 > self.total as u64 {
                fp |= 1 << b;
            }
        }
        fp
    }

    /// Resets for the next document.
    pub fn clear(&mut self) {
        *self = Self::default();
    }
}

/// Counts feature occurrences in an open-addressing table that is reused across documents (a
/// generation stamp clears it in O(1)), to weigh features by their term frequency without
/// sorting them.
#[derive(Debug, Clone, Default)]
pub(crate) struct TfCounter {
    keys: Vec<u64>,
    counts: Vec<u32>,
    stamps: Vec<u32>,
    generation: u32,
    used: Vec<u32>,
}

impl TfCounter {
    /// Starts a document. The table keeps its size from one document to the next and doubles
    /// when half full, so it stays as small as the documents' vocabularies (and in cache).
    pub fn start(&mut self) {
        if self.keys.is_empty() || self.generation == u32::MAX {
            self.reset(self.keys.len().max(4096));
        }
        self.generation += 1;
        self.used.clear();
    }

    fn reset(&mut self, size: usize) {
        self.keys = vec![0; size];
        self.counts = vec![0; size];
        self.stamps = vec![0; size];
        self.generation = 0;
    }

    fn grow(&mut self) {
        let entries: Vec<(u64, u32)> = self.iter().collect();
        self.reset(self.keys.len() * 2);
        self.generation = 1;
        self.used.clear();
        for (h, n) in entries {
            self.add(h);
            let last = *self.used.last().unwrap_or(&0) as usize;
            self.counts[last] = n;
        }
    }

    /// Counts one occurrence of `h`.
    #[inline]
    pub fn add(&mut self, h: u64) {
        if 2 * self.used.len() >= self.keys.len() {
            self.grow();
        }
        let mask = self.keys.len() - 1;
        let mut i = (h as usize) & mask;
        loop {
            if self.stamps[i] != self.generation {
                self.stamps[i] = self.generation;
                self.keys[i] = h;
                self.counts[i] = 1;
                self.used.push(i as u32);
                return;
            }
            if self.keys[i] == h {
                self.counts[i] += 1;
                return;
            }
            i = (i + 1) & mask;
        }
    }

    /// Every distinct feature with its count, in first-seen order.
    pub fn iter(&self) -> impl Iterator<Item = (u64, u32)> + '_ {
        self.used
            .iter()
            .map(|&i| (self.keys[i as usize], self.counts[i as usize]))
    }
}

/// The fingerprint of `features` (each occurrence counted).
#[cfg(test)]
pub(crate) fn simhash(features: impl IntoIterator<Item = u64>) -> u64 {
    let mut acc = SimHashAcc::new();
    for h in features {
        acc.add(h);
    }
    acc.finish()
}

/// Hamming distance of two fingerprints.
#[inline]
pub fn hamming(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

#[cfg(test)]
mod tests {
    use super::*;
    use xxhash_rust::xxh3::xxh3_64_with_seed;

    /// The textbook definition: a signed sum per bit.
    fn naive(features: &[u64]) -> u64 {
        let mut v = [0i64; 64];
        for &h in features {
            for (b, x) in v.iter_mut().enumerate() {
                *x += if (h >> b) & 1 == 1 { 1 } else { -1 };
            }
        }
        v.iter()
            .enumerate()
            .fold(0, |fp, (b, &x)| if x > 0 { fp | (1 << b) } else { fp })
    }

    #[test]
    fn byte_sliced_counts_equal_the_definition() {
        for n in [0usize, 1, 2, 254, 255, 256, 1000, 5000] {
            let f: Vec<u64> = (0..n as u64)
                .map(|i| xxh3_64_with_seed(&i.to_le_bytes(), n as u64))
                .collect();
            assert_eq!(simhash(f.iter().copied()), naive(&f), "n={n}");
        }
    }

    #[test]
    fn tf_counter_counts() {
        let mut c = TfCounter::default();
        for round in 0..3 {
            let items: Vec<u64> = (0..100u64 + 3000 * round)
                .flat_map(|i| std::iter::repeat_n(i * 7919 + round, (i % 5 + 1) as usize))
                .collect();
            c.start();
            items.iter().for_each(|&h| c.add(h));
            let mut got: Vec<(u64, u32)> = c.iter().collect();
            got.sort_unstable();
            let mut want: Vec<(u64, u32)> = (0..100u64 + 3000 * round)
                .map(|i| (i * 7919 + round, (i % 5 + 1) as u32))
                .collect();
            want.sort_unstable();
            assert_eq!(got, want);
        }
    }

    #[test]
    fn similar_sets_are_close_and_different_sets_far() {
        let h = |i: u64| xxh3_64_with_seed(&i.to_le_bytes(), 1);
        let a: Vec<u64> = (0..1000).map(h).collect();
        let mut b = a.clone();
        b[..50]
            .iter_mut()
            .enumerate()
            .for_each(|(i, x)| *x = h(10_000 + i as u64));
        let c: Vec<u64> = (20_000..21_000).map(h).collect();
        let (fa, fb, fc) = (simhash(a), simhash(b), simhash(c));
        // 5% of features replaced: cosine 0.95, so a bit differs with probability
        // acos(0.95)/π = 0.10: about 6.5 bits, σ 2.4. Unrelated sets: 32 bits, σ 4.
        assert!(hamming(fa, fb) <= 14, "{}", hamming(fa, fb));
        assert!(hamming(fa, fc) >= 20, "{}", hamming(fa, fc));
    }
}
