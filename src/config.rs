//! Validated configuration: shingle sizes, signature length and seed, the threshold and the LSH
//! bands × rows derived from it.
//!
//! In: the user's choices (or the defaults). Out: a [`Config`] whose values are known to be in
//! range, so the stages never check them again.
//!
//! ## Choosing bands × rows
//! With `b` bands of `r` rows, a pair of Jaccard similarity `s` shares at least one band (becomes
//! a candidate) with probability `P(s) = 1 − (1 − s^r)^b`. Every candidate is verified against the
//! threshold afterwards, so a false candidate costs one signature comparison while a missed pair
//! is lost for good. The rule: among the `r` with `b = ⌊k / r⌋`, take the largest `r` (fewest
//! false candidates) for which `P(threshold) ≥ 0.99`, the rule gaoya uses. At the defaults
//! (k = 128, t = 0.7) that is 32 bands × 4 rows, `P(0.7) = 0.9998`, `P(0.5) = 0.87`,
//! `P(0.3) = 0.23`; [`MinHashSettings::s_curve`] prints the whole curve.

use crate::error::{Error, Result};
use crate::signature::MinHashKind;
use crate::tokenize::MAX_SHINGLE;

/// How candidate pairs are verified before they are linked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Verify {
    /// Jaccard estimated from the full signatures.
    #[default]
    Estimate,
    /// Exact Jaccard of the two shingle sets (recomputed from the text).
    Exact,
}

/// How verified pairs become clusters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Grouping {
    /// Greedy leaders in keep order (`cluster::leaders`): a document is removed only
    /// when a verified pair links it to a document kept; it names that document. Every removed
    /// document has a kept near-duplicate, and no verified pair joins two kept documents.
    #[default]
    Leader,
    /// Connected components of the verified pairs (union-find): chains of look-alikes join, and
    /// a removed document may be far from the one kept.
    Components,
}

/// Which member of a cluster is kept as its representative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Keep {
    /// The first in input order.
    #[default]
    First,
    /// The longest text (ties: the first).
    Longest,
    /// The shortest text (ties: the first).
    Shortest,
}

impl Keep {
    /// A document's place in keep priority (lower first; ties in input order): 0 for all
    /// under `First`, else by length.
    pub(crate) fn rank(self, len: u64) -> u64 {
        match self {
            Keep::First => 0,
            Keep::Longest => u64::MAX - len,
            Keep::Shortest => len,
        }
    }

    /// The documents (of lengths `lens`) in keep priority: input order, or by length (longest
    /// or shortest first, ties in input order).
    pub(crate) fn order(self, lens: &[u64]) -> Vec<u32> {
        let mut order: Vec<u32> = (0..lens.len() as u32).collect();
        if self != Keep::First {
            order.sort_by_key(|&d| (self.rank(lens[d as usize]), d));
        }
        order
    }
}

/// Which signatures find and verify near-duplicates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Method {
    /// MinHash signatures, LSH bands, Jaccard threshold.
    #[default]
    MinHash,
    /// SimHash fingerprints, Hamming index, at most `max_hamming` differing bits.
    SimHash,
}

/// How SimHash weighs features.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SimHashWeights {
    /// Every occurrence counts (term frequency).
    Tf,
    /// Each distinct feature counts once.
    Uniform,
    /// A feature seen `tf` times counts `1 + ⌊log2 tf⌋` times: sublinear term frequency
    /// (Salton and Buckley 1988), so frequent function words do not outvote the content words.
    #[default]
    LogTf,
}

/// Default SimHash distance.
pub(crate) const DEFAULT_MAX_HAMMING: u32 = 6;
/// Default SimHash feature size in words.
pub(crate) const DEFAULT_SIMHASH_WORDS: usize = 1;
/// Default SimHash feature size in characters.
pub(crate) const DEFAULT_SIMHASH_CHARS: usize = 3;

/// Default number of MinHash slots.
pub(crate) const DEFAULT_NUM_PERM: usize = 128;
/// Default Jaccard threshold.
pub(crate) const DEFAULT_THRESHOLD: f64 = 0.7;
/// Default shingle size in words.
pub(crate) const DEFAULT_WORD_SHINGLE: usize = 3;
/// Default shingle size in characters (Chinese, Japanese, Thai…).
pub(crate) const DEFAULT_CHAR_SHINGLE: usize = 3;
/// Default seed of every hash.
pub const DEFAULT_SEED: u64 = 0x6e65_6172_6475_7021;

/// A validated configuration of the dedup pass. Build it with [`ConfigBuilder`].
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub(crate) method: Method,
    /// MinHash's settings (read only when [`Config::method`] is MinHash; the stages that run
    /// under both take their defaults from here).
    pub(crate) mh: MinHashSettings,
    /// SimHash's settings (read only under SimHash).
    pub(crate) sh: SimHashSettings,
    pub(crate) seed: u64,
    pub(crate) keep: Keep,
    pub(crate) grouping: Grouping,
    pub(crate) boilerplate: bool,
    pub(crate) boilerplate_min_groups: u32,
    pub(crate) cross_lingual: Option<crate::crosslingual::Params>,
}

impl Default for Config {
    fn default() -> Self {
        ConfigBuilder::default().build().expect("the defaults are valid")
    }
}

impl Config {
    /// A builder starting from the defaults.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }
    /// Signature method.
    pub fn method(&self) -> Method {
        self.method
    }
    /// The MinHash settings, when MinHash is the method (`None` under SimHash).
    pub fn minhash(&self) -> Option<MinHashSettings> {
        (self.method == Method::MinHash).then_some(self.mh)
    }
    /// The SimHash settings, when SimHash is the method (`None` under MinHash).
    pub fn simhash(&self) -> Option<SimHashSettings> {
        (self.method == Method::SimHash).then_some(self.sh)
    }
    /// Seed of every hash.
    pub fn seed(&self) -> u64 {
        self.seed
    }
    /// How verified pairs become clusters.
    pub fn grouping(&self) -> Grouping {
        self.grouping
    }
    /// Representative rule.
    pub fn keep(&self) -> Keep {
        self.keep
    }

    /// Whether boilerplate lines are excluded from the shingles used for similarity.
    pub fn boilerplate(&self) -> bool {
        self.boilerplate
    }
    /// Groups (clusters of the first pass) a line must occur in to be boilerplate.
    pub fn boilerplate_min_groups(&self) -> u32 {
        self.boilerplate_min_groups
    }
    /// Cross-lingual parameters, if that stage is on.
    pub fn cross_lingual(&self) -> Option<crate::crosslingual::Params> {
        self.cross_lingual
    }
}

/// What only the MinHash method reads ([`Config::minhash`]; set through [`ConfigBuilder`]).
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct MinHashSettings {
    /// Number of MinHash slots.
    pub num_perm: usize,
    /// Jaccard threshold.
    pub threshold: f64,
    /// LSH bands.
    pub bands: usize,
    /// LSH rows per band.
    pub rows: usize,
    /// Shingle size in words.
    pub word_shingle: usize,
    /// Shingle size in characters (unspaced scripts).
    pub char_shingle: usize,
    /// MinHash scheme.
    pub kind: MinHashKind,
    /// Verification of candidates.
    pub verify: Verify,
    /// Containment threshold, if on.
    pub containment: Option<f64>,
}

impl MinHashSettings {
    /// Probability that a pair of Jaccard similarity `s` becomes a candidate.
    pub fn candidate_probability(&self, s: f64) -> f64 {
        candidate_probability(s, self.bands, self.rows)
    }

    /// The S-curve as text: `s  P(candidate)` for s = 0.0, 0.1, …, 1.0 and the threshold.
    pub fn s_curve(&self) -> String {
        let mut out = format!(
            "bands={} rows={} threshold={}\n  s     P(candidate)\n",
            self.bands, self.rows, self.threshold
        );
        let mut points: Vec<f64> = (0..=10).map(|i| i as f64 / 10.0).collect();
        points.push(self.threshold);
        points.sort_by(f64::total_cmp);
        points.dedup();
        for s in points {
            out.push_str(&format!("  {s:.2}  {:.4}\n", self.candidate_probability(s)));
        }
        out
    }
}

/// What only the SimHash method reads ([`Config::simhash`]; set through [`ConfigBuilder`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SimHashSettings {
    /// Largest Hamming distance (of 64 bits) between near-duplicates.
    pub max_hamming: u32,
    /// Feature size in words.
    pub words: usize,
    /// Feature size in characters (unspaced scripts).
    pub chars: usize,
    /// How features are weighed.
    pub weights: SimHashWeights,
}

/// `1 − (1 − s^r)^b`.
pub(crate) fn candidate_probability(s: f64, bands: usize, rows: usize) -> f64 {
    1.0 - (1.0 - s.powi(rows as i32)).powi(bands as i32)
}

/// The bands × rows rule described in the module docs.
pub(crate) fn choose_bands_rows(num_perm: usize, threshold: f64) -> (usize, usize) {
    let mut best = (num_perm, 1);
    for r in 1..=num_perm {
        let b = num_perm / r;
        if b == 0 {
            break;
        }
        if candidate_probability(threshold, b, r) >= 0.99 {
            best = (b, r);
        }
    }
    best
}

/// Builds a [`Config`]; every setter has a documented default.
#[derive(Debug, Clone, Default)]
pub struct ConfigBuilder {
    num_perm: Option<usize>,
    threshold: Option<f64>,
    bands: Option<usize>,
    rows: Option<usize>,
    word_shingle: Option<usize>,
    char_shingle: Option<usize>,
    seed: Option<u64>,
    minhash: Option<MinHashKind>,
    verify: Option<Verify>,
    keep: Option<Keep>,
    grouping: Option<Grouping>,
    method: Option<Method>,
    max_hamming: Option<u32>,
    simhash_words: Option<usize>,
    simhash_chars: Option<usize>,
    simhash_weights: Option<SimHashWeights>,
    boilerplate: Option<bool>,
    boilerplate_min_groups: Option<u32>,
    containment: Option<f64>,
    cross_lingual: Option<crate::crosslingual::Params>,
}

impl ConfigBuilder {
    /// Applies `set` with `v` when there is one, for options that are given or not (a flag, a
    /// keyword argument): `b.maybe(threshold, ConfigBuilder::threshold)`.
    pub fn maybe<T>(self, v: Option<T>, set: fn(Self, T) -> Self) -> Self {
        match v {
            Some(v) => set(self, v),
            None => self,
        }
    }

    /// MinHash slots (default 128, range 8..=1024).
    pub fn num_perm(mut self, v: usize) -> Self {
        self.num_perm = Some(v);
        self
    }
    /// Jaccard threshold (default 0.7, range (0, 1]).
    pub fn threshold(mut self, v: f64) -> Self {
        self.threshold = Some(v);
        self
    }
    /// LSH bands (default: derived from the threshold); needs `rows` too, `bands·rows ≤ num_perm`.
    pub fn bands(mut self, v: usize) -> Self {
        self.bands = Some(v);
        self
    }
    /// LSH rows per band (default: derived from the threshold).
    pub fn rows(mut self, v: usize) -> Self {
        self.rows = Some(v);
        self
    }
    /// Shingle size in words (default 3).
    pub fn word_shingle(mut self, v: usize) -> Self {
        self.word_shingle = Some(v);
        self
    }
    /// Shingle size in characters for unspaced scripts (default 3).
    pub fn char_shingle(mut self, v: usize) -> Self {
        self.char_shingle = Some(v);
        self
    }
    /// Seed of every hash (default fixed): the same seed gives the same output.
    pub fn seed(mut self, v: u64) -> Self {
        self.seed = Some(v);
        self
    }
    /// MinHash scheme (default one-permutation hashing).
    pub fn minhash(mut self, v: MinHashKind) -> Self {
        self.minhash = Some(v);
        self
    }
    /// Verification of candidates (default: estimated from signatures).
    pub fn verify(mut self, v: Verify) -> Self {
        self.verify = Some(v);
        self
    }
    /// Representative rule (default: first).
    pub fn keep(mut self, v: Keep) -> Self {
        self.keep = Some(v);
        self
    }

    /// How verified pairs become clusters (default: greedy leaders).
    pub fn grouping(mut self, v: Grouping) -> Self {
        self.grouping = Some(v);
        self
    }

    /// Signature method (default MinHash).
    pub fn method(mut self, v: Method) -> Self {
        self.method = Some(v);
        self
    }
    /// SimHash: largest Hamming distance of near-duplicates (default 6, range 0..=16).
    pub fn max_hamming(mut self, v: u32) -> Self {
        self.max_hamming = Some(v);
        self
    }
    /// SimHash feature size in words (default 1: word unigrams).
    pub fn simhash_words(mut self, v: usize) -> Self {
        self.simhash_words = Some(v);
        self
    }
    /// SimHash feature size in characters, for unspaced scripts (default 3).
    pub fn simhash_chars(mut self, v: usize) -> Self {
        self.simhash_chars = Some(v);
        self
    }
    /// SimHash weights (default sublinear term frequency, [`SimHashWeights::LogTf`]).
    pub fn simhash_weights(mut self, v: SimHashWeights) -> Self {
        self.simhash_weights = Some(v);
        self
    }

    /// Exclude boilerplate lines (in at least `min_groups` clusters, see
    /// `spans::boilerplate`) from the shingles used for similarity (default on).
    pub fn boilerplate(mut self, on: bool) -> Self {
        self.boilerplate = Some(on);
        self
    }
    /// Minimum number of clusters a boilerplate line occurs in (default 3).
    pub fn boilerplate_min_groups(mut self, v: u32) -> Self {
        self.boilerplate_min_groups = Some(v);
        self
    }
    /// Also link a document whose shingles are mostly contained in another's:
    /// `|A∩B| / |A| ≥ t` for the smaller set `A` (MinHash only; default off).
    pub fn containment(mut self, t: f64) -> Self {
        self.containment = Some(t);
        self
    }

    /// Also cluster translations of one article across languages (see [`crate::crosslingual`];
    /// default off; `Params::default()` are the measured defaults).
    pub fn cross_lingual(mut self, p: crate::crosslingual::Params) -> Self {
        self.cross_lingual = Some(p);
        self
    }

    /// Checks every value and derives bands × rows.
    pub fn build(self) -> Result<Config> {
        // An option of one method given with the other is an error, not ignored.
        let method = self.method.unwrap_or_default();
        let options = [
            ("num-perm", self.num_perm.is_some(), Method::MinHash),
            ("threshold", self.threshold.is_some(), Method::MinHash),
            ("bands", self.bands.is_some(), Method::MinHash),
            ("rows", self.rows.is_some(), Method::MinHash),
            ("minhash", self.minhash.is_some(), Method::MinHash),
            ("verify", self.verify.is_some(), Method::MinHash),
            ("containment", self.containment.is_some(), Method::MinHash),
            ("shingle-words", self.word_shingle.is_some(), Method::MinHash),
            ("shingle-chars", self.char_shingle.is_some(), Method::MinHash),
            ("max-hamming", self.max_hamming.is_some(), Method::SimHash),
            ("simhash-words", self.simhash_words.is_some(), Method::SimHash),
            ("simhash-chars", self.simhash_chars.is_some(), Method::SimHash),
            ("simhash-weights", self.simhash_weights.is_some(), Method::SimHash),
        ];
        let given: Vec<&str> = options
            .iter()
            .filter(|&&(_, given, of)| given && of != method)
            .map(|&(name, ..)| name)
            .collect();
        let (other, chosen) = match method {
            Method::SimHash => ("MinHash", "SimHash"),
            Method::MinHash => ("SimHash", "MinHash"),
        };
        if !given.is_empty() {
            return Err(Error::Config(format!(
                "{} {} to {other} only; the method chosen is {}",
                given.join(", "),
                if given.len() == 1 { "applies" } else { "apply" },
                chosen
            )));
        }
        let num_perm = self.num_perm.unwrap_or(DEFAULT_NUM_PERM);
        if !(8..=1024).contains(&num_perm) {
            return Err(Error::Config(format!("num-perm must be in 8..=1024, got {num_perm}")));
        }
        let threshold = self.threshold.unwrap_or(DEFAULT_THRESHOLD);
        if !(threshold > 0.0 && threshold <= 1.0) {
            return Err(Error::Config(format!("threshold must be in (0, 1], got {threshold}")));
        }
        let (bands, rows) = match (self.bands, self.rows) {
            (None, None) => choose_bands_rows(num_perm, threshold),
            (Some(b), Some(r)) => (b, r),
            (Some(b), None) => (b, num_perm / b.max(1)),
            (None, Some(r)) => (num_perm / r.max(1), r),
        };
        if bands == 0 || rows == 0 || bands * rows > num_perm {
            return Err(Error::Config(format!(
                "bands × rows must be positive and at most num-perm ({num_perm}), got {bands} × {rows}"
            )));
        }
        let word_shingle = self.word_shingle.unwrap_or(DEFAULT_WORD_SHINGLE);
        let char_shingle = self.char_shingle.unwrap_or(DEFAULT_CHAR_SHINGLE);
        let simhash_words = self.simhash_words.unwrap_or(DEFAULT_SIMHASH_WORDS);
        let simhash_chars = self.simhash_chars.unwrap_or(DEFAULT_SIMHASH_CHARS);
        let max_hamming = self.max_hamming.unwrap_or(DEFAULT_MAX_HAMMING);
        if max_hamming > 16 {
            return Err(Error::Config(format!(
                "max-hamming must be in 0..=16, got {max_hamming}"
            )));
        }
        for (name, v) in [
            ("word shingle", word_shingle),
            ("char shingle", char_shingle),
            ("simhash word feature", simhash_words),
            ("simhash char feature", simhash_chars),
        ] {
            if !(1..=MAX_SHINGLE).contains(&v) {
                return Err(Error::Config(format!(
                    "{name} size must be in 1..={MAX_SHINGLE}, got {v}"
                )));
            }
        }
        if let Some(t) = self.containment
            && !(t > 0.0 && t <= 1.0)
        {
            return Err(Error::Config(format!("containment must be in (0, 1], got {t}")));
        }
        Ok(Config {
            method,
            mh: MinHashSettings {
                num_perm,
                threshold,
                bands,
                rows,
                word_shingle,
                char_shingle,
                kind: self.minhash.unwrap_or_default(),
                verify: self.verify.unwrap_or_default(),
                containment: self.containment,
            },
            sh: SimHashSettings {
                max_hamming,
                words: simhash_words,
                chars: simhash_chars,
                weights: self.simhash_weights.unwrap_or_default(),
            },
            seed: self.seed.unwrap_or(DEFAULT_SEED),
            keep: self.keep.unwrap_or_default(),
            grouping: self.grouping.unwrap_or_default(),
            boilerplate: self.boilerplate.unwrap_or(true),
            boilerplate_min_groups: self
                .boilerplate_min_groups
                .unwrap_or(crate::spans::boilerplate::DEFAULT_MIN_GROUPS),
            cross_lingual: match self.cross_lingual {
                Some(p) if !(p.min_score >= 0.0 && p.min_score <= 1.0 && p.ratio > 0.0 && p.ratio <= 1.0) => {
                    return Err(Error::Config(format!(
                        "cross-lingual min score must be in [0, 1] and ratio in (0, 1], got {} and {}",
                        p.min_score, p.ratio
                    )));
                }
                other => other,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_option_of_the_other_method_is_rejected() {
        let simhash = || Config::builder().method(Method::SimHash);
        for (b, name) in [
            (simhash().num_perm(64), "num-perm"),
            (simhash().threshold(0.8), "threshold"),
            (simhash().containment(0.8), "containment"),
            (simhash().verify(Verify::Exact), "verify"),
            (simhash().word_shingle(5), "shingle-words"),
            (simhash().char_shingle(2), "shingle-chars"),
            (Config::builder().max_hamming(3), "max-hamming"),
            (Config::builder().simhash_words(2), "simhash-words"),
        ] {
            let e = b.build().unwrap_err().to_string();
            assert!(e.contains(name), "{e}");
        }
        assert!(simhash().max_hamming(3).seed(7).keep(Keep::Longest).build().is_ok());
        assert!(
            Config::builder()
                .num_perm(64)
                .threshold(0.8)
                .containment(0.9)
                .build()
                .is_ok()
        );
    }

    #[test]
    fn bands_rows_rule() {
        assert_eq!(choose_bands_rows(128, 0.7), (32, 4));
        assert_eq!(choose_bands_rows(128, 0.8), (21, 6));
        for t in [0.5, 0.6, 0.7, 0.8, 0.9, 0.95] {
            let (b, r) = choose_bands_rows(128, t);
            assert!(b * r <= 128);
            assert!(candidate_probability(t, b, r) >= 0.99);
            assert!(candidate_probability(t, 128 / (r + 1), r + 1) < 0.99);
        }
    }

    #[test]
    fn rejects_bad_values() {
        assert!(Config::builder().threshold(0.0).build().is_err());
        assert!(Config::builder().threshold(1.5).build().is_err());
        assert!(Config::builder().num_perm(4).build().is_err());
        assert!(Config::builder().bands(20).rows(8).build().is_err());
        assert!(Config::builder().word_shingle(0).build().is_err());
        let c = Config::builder().bands(16).rows(8).build().unwrap();
        let m = c.minhash().unwrap();
        assert_eq!((m.bands, m.rows), (16, 8));
    }

    #[test]
    fn each_method_shows_its_own_settings_only() {
        let c = Config::default();
        assert_eq!(c.minhash().map(|m| (m.num_perm, m.bands, m.rows)), Some((128, 32, 4)));
        assert!(c.simhash().is_none());
        let s = Config::builder()
            .method(Method::SimHash)
            .max_hamming(4)
            .build()
            .unwrap();
        assert!(s.minhash().is_none());
        assert_eq!(s.simhash().map(|h| (h.max_hamming, h.words, h.chars)), Some((4, 1, 3)));
        assert_eq!(s.simhash().unwrap().weights, SimHashWeights::LogTf);
    }

    #[test]
    fn s_curve_is_monotone() {
        let c = Config::default().minhash().unwrap();
        let mut last = -1.0;
        for i in 0..=100 {
            let p = c.candidate_probability(i as f64 / 100.0);
            assert!(p >= last);
            last = p;
        }
        assert!(c.s_curve().contains("0.70"));
    }
}
