//! Syndicated translations: the same article across languages.
//!
//! In: for every document its language, anchor sequence ([`anchors`]) and, with a lexicon, its
//! dictionary pivot bag ([`lexicon`]), and the groups of the same-language pass (near-duplicates
//! already joined). Out: the pairs of documents whose groups are one article (the caller joins
//! them with union-find into clusters), the mutual-best edges with their scores, and the counts
//! behind them.
//!
//! 0. **Language**: whatlang's, when its confidence is at least 0.5; other documents (code,
//!    command lines, too little text) take no part.
//! 1. **Corpus filter.** A key is an anchor of the corpus only when it occurs in documents of at
//!    least two languages and at least once as a strong anchor (a number, an acronym, a
//!    capitalized name); a word of a script without case becomes an anchor only through this
//!    rule. Each kept key weighs its inverse document frequency, `ln(1 + N/df)`. Anchor
//!    trigrams found in more than 3 groups of one language are template (a man page footer, a
//!    site's share bar) and leave the sequences.
//! 2. **Candidates** without comparing all pairs: an inverted index over the keys; each document
//!    reads the postings of its rarest keys (up to a fixed budget of entries), sums the weights
//!    it shares with documents of other languages and keeps its best [`Params::per_language`] in
//!    each language. The work and the number of candidates grow linearly with the corpus.
//! 3. **Score**: order-aware, `2·LCS_w(a, b) / (W(a) + W(b) + 2·prior)`, the weighted longest
//!    common subsequence of the two anchor sequences (Hirschberg 1975's dynamic programme with
//!    IDF weights; [`PRIOR_ANCHORS`] of top weight added to each side). A translation keeps the
//!    anchors of its source in the same order; another article on the same story shares anchors
//!    in another order. Where both documents have a pivot bag, plus [`Params::pivot_weight`]
//!    times the cosine of the bags.
//! 4. **Linking** by mutual best matches: a pair is an edge when its anchor score (without
//!    the pivot) is at least [`Params::min_score`], its score within [`Params::ratio`] of the
//!    best score each document reached in the other's language, and at least
//!    [`Params::lift`] times the median score of each side's candidates. A fixed threshold
//!    over such scores chains articles together through generic
//!    anchors (a year, a country, a president); the best match of a translation is almost always
//!    its source, whatever the absolute score. The ratio (rather than the single best) keeps two
//!    translations into one language (fr-FR and fr-CA) that both match. Last, the edge's
//!    **frequency profile** must reach [`Params::profile_min`]: the cosine of the two documents'
//!    `(1 + ln tf) · idf` anchor counts over the anchors they share. A translation names what it
//!    shares with its source about as often as the source does; a sibling page whose own
//!    translation is absent (`iconv_open` against `iconv_close`, `getprotoent` against
//!    `getservent`) names its own subject often and the other's once, and may still be the best
//!    match. Measured on NTREX and on Debian man pages in one run when the rule came in
//!    (`scripts/crosslingual_table.sh`, `scripts/manpage_check.sh`): 0.9 removed 9 of the 48
//!    wrong man-page edges and none of the right ones, and 0.6% of NTREX's right edges without
//!    changing a cluster; 0.95 would remove 7% of NTREX's. An edge also needs
//!    [`MIN_SHARED_KEYS`] distinct anchors in common.
//! 5. **Grouping**: guarded merging of groups, then attachment of the groups
//!    in few languages to the article they score best with, given a strong lead
//!    ([`Params::attach_strong`]) or mutual best matches with its documents
//!    ([`Params::attach_mutual`]): where a document's own article is absent, another report
//!    on the same story is still its best. Many mutual best matches
//!    ([`Params::attach_many`]) stand for the lead: a document with few anchors may score
//!    nearly as well on average with another report on its story, yet still be the best match
//!    of its article's documents in a dozen languages, and they its.
//!
//! All stages exchange plain data (keys, postings, pairs, edges), so each can run per shard.
//!
//! From the library, on the seeds shipped in `tests/data` (000 is Indonesian, 001 its French
//! translation, 002–004 other articles on the same story, 005 a copy of 000's first body):
//!
//! ```
//! use neardup::{Config, Dedup, crosslingual::Params};
//! let seeds = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/seeds.jsonl"));
//! let texts: Vec<String> = seeds
//!     .lines()
//!     .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["text"].as_str().unwrap().to_string())
//!     .collect();
//! let config = Config::builder().cross_lingual(Params::default()).build()?;
//! let clustering = Dedup::new(config).cluster_texts(&texts);
//! assert_eq!(clustering.clusters.len(), 1);
//! let c = &clustering.clusters[0];
//! assert_eq!(c.members.iter().map(|m| m.index()).collect::<Vec<_>>(), [0, 1, 5]);
//! assert_eq!(c.langs, ["fra", "ind"]);
//! # Ok::<(), neardup::Error>(())
//! ```

pub mod anchors;
pub mod lexicon;

use crate::cluster::UnionFind;
use crate::spans::boilerplate;
use crate::spans::repeats::{DEFAULT_MIN_TOKENS, DEFAULT_WINDOW, find_repeats, strip_repeats};
use crate::spans::{HashKeyed, remove_ranges};
use anchors::Anchor;
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::HashMap;

/// The tuning of the cross-lingual stage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Lowest anchor score of an edge (the pivot, added to the score for ranking, does not
    /// count here: between look-alike pages the shared vocabulary alone reached 0.4).
    pub min_score: f64,
    /// An edge's score must be at least this fraction of either side's best in the other's language.
    pub ratio: f64,
    /// Candidates kept per document and language.
    pub per_language: usize,
    /// Anchors of a document used for scoring (its first ones): bounds the quadratic LCS.
    pub max_anchors: usize,
    /// An edge's score must be at least this many times the median score of either document's
    /// candidates: a document that scores alike with everything (another article on the same
    /// story, sharing its names) has no translation among them.
    pub lift: f64,
    /// Where both documents have a pivot bag, the score is the anchor score plus this times
    /// the cosine of the pivot bags (for ranking: [`Params::min_score`] reads the anchor score
    /// alone). The default, 0.75, gives NTREX the recall of 1.0 (0.5 loses some) and the man
    /// pages the same precision as 0.5 and 1.0, see the README.
    pub pivot_weight: f64,
    /// Lowest frequency profile of an edge: the cosine of the two documents' anchor counts
    /// over the anchors they share (see the module doc, step 4).
    pub profile_min: f64,
    /// Two groups holding documents of one language join only if the best anchor score
    /// between those documents is at least this (two translations of one article into one
    /// language keep its anchors in order: on NTREX fr-FR and fr-CA score 0.30 at the least,
    /// the median 0.70; sibling man pages in one language, the `sha*sum` or `iso_8859-*`
    /// family, a median of 0.27).
    pub same_language_min: f64,
    /// Anchor trigrams in more groups than this within one language are template, not article.
    pub template_groups: usize,
    /// Phase 1: lowest density of edges (per document of the smaller group) to join two groups.
    pub density: f64,
    /// Phase 2: groups in fewer languages than this attach to groups in at least this many.
    pub min_langs: usize,
    /// Phase 2: a group takes attachments only if its own mutual-best edges number at least
    /// this many per document (a dense article, not a chain of look-alike pages).
    pub attach_density: f64,
    /// Phase 2: lowest mean score to attach.
    pub attach_min: f64,
    /// Phase 2: the best mean must be this many times the second best.
    pub attach_margin: f64,
    /// Phase 2: a group whose best mean is this many times the second best attaches on that
    /// lead alone; below it, [`Params::attach_mutual`] must hold too.
    pub attach_strong: f64,
    /// Phase 2: mutual best matches (pairs where each document is the other's best in its
    /// language) a group must have with the article it attaches to, per document of the group,
    /// unless its lead is strong ([`Params::attach_strong`]). An article whose own translations
    /// are absent still has a best article among those present (another report on the same
    /// story), but the documents of that article have better matches than it.
    pub attach_mutual: f64,
    /// Phase 2: with at least this many mutual best matches per document with the article it
    /// scores best with, a group attaches to it without [`Params::attach_margin`]'s lead
    /// (its mean must still be the highest and at least [`Params::attach_min`]).
    pub attach_many: f64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            min_score: 0.3,
            ratio: 0.9,
            per_language: 3,
            max_anchors: 1024,
            lift: 1.2,
            pivot_weight: 0.75,
            profile_min: 0.9,
            same_language_min: 0.2,
            template_groups: 3,
            density: 0.5,
            min_langs: 3,
            attach_density: 1.75,
            attach_min: 0.1,
            attach_margin: 1.5,
            attach_strong: 4.0,
            attach_mutual: 3.0,
            attach_many: 9.0,
        }
    }
}

/// What the cross-lingual stage knows of one document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocFeatures {
    /// ISO 639-3 language code (`"und"` when unknown).
    pub lang: &'static str,
    /// Anchors in text order.
    pub anchors: Vec<Anchor>,
    /// Pivot bag (English words through the lexicon, see [`lexicon`]): `(id, weight)` sorted
    /// by id; empty without a lexicon for the language.
    pub pivots: Vec<(u32, f32)>,
}

/// The output of [`link`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Links {
    /// Pairs of documents whose clusters are joined (with the same-language groups, these
    /// give the clusters through union-find).
    pub joins: Vec<(u32, u32)>,
    /// Mutual-best edges `(a, b, score)`, `a < b`, sorted.
    pub edges: Vec<(u32, u32, f32)>,
    /// Candidate pairs scored.
    pub candidate_pairs: usize,
}

/// The features of one document (`max_anchors`: [`Params::max_anchors`]): its repeats (a body carried twice) and the `boilerplate` lines
/// (hashes of normalized lines, see [`crate::spans::boilerplate`]) are set aside, then the
/// language is identified and the anchors extracted from what is left.
pub fn features(
    text: &str,
    boilerplate: &HashKeyed<u32>,
    seed: u64,
    lexicon: Option<&lexicon::Lexicon>,
    max_anchors: usize,
    ex: &mut anchors::Extractor,
) -> DocFeatures {
    let repeats = find_repeats(text, DEFAULT_WINDOW, DEFAULT_MIN_TOKENS);
    let body = if repeats.is_empty() {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(strip_repeats(text, &repeats))
    };
    let mut cut = Vec::new();
    boilerplate::for_each_boilerplate_line(&body, seed, boilerplate, |start, end, _| {
        cut.push((start, (end + 1).min(body.len())))
    });
    let kept = if cut.is_empty() {
        body
    } else {
        Cow::Owned(remove_ranges(&body, &cut))
    };
    // The language of what is left, or of the whole text when what is left is too little to
    // tell (a page that is mostly template).
    let lang = match anchors::detect_language(&kept) {
        (lang, c) if c >= anchors::MIN_CONFIDENCE => lang,
        _ => anchors::language(text),
    };
    let mut out = DocFeatures {
        lang,
        anchors: Vec::new(),
        pivots: lexicon.map(|l| l.pivot_bag(lang, &kept)).unwrap_or_default(),
    };
    ex.extract(&kept, &mut out.anchors);
    // Scoring reads at most `max_anchors` anchors of a document (after the corpus filter);
    // keeping four times that bounds the memory a huge document takes.
    out.anchors.truncate(4 * max_anchors.max(1));
    out.anchors.shrink_to_fit();
    out
}

struct KeyStat {
    id: u32,
    df: u32,
    langs: [&'static str; 2],
    /// Documents where the key occurs as a strong anchor.
    strong: u32,
}

/// The anchors of a corpus after the corpus filter: key ids in text order, and per key its
/// weight and document frequency.
struct AnchorIndex {
    seqs: Vec<Vec<u32>>,
    weight: Vec<f32>,
    df: Vec<u32>,
    /// Sorted distinct keys of each document.
    key_sets: Vec<Vec<u32>>,
    /// How often each key of `key_sets` occurs in the document's sequence.
    counts: Vec<Vec<u32>>,
    /// Total anchor weight of each document.
    mass: Vec<f32>,
}

/// Scratch space of [`AnchorIndex::score`].
#[derive(Default)]
struct ScoreScratch {
    row: Vec<f32>,
    a: Vec<u32>,
    b: Vec<u32>,
}

impl AnchorIndex {
    fn build(docs: &[DocFeatures], group: &[u32], max_anchors: usize, template_groups: usize) -> Self {
        let n = docs.len();
        let mut stats: HashMap<u64, KeyStat> = HashMap::new();
        let mut distinct: Vec<(u64, bool)> = Vec::new();
        for d in docs {
            distinct.clear();
            distinct.extend(d.anchors.iter().map(|a| (a.key, a.strong)));
            distinct.sort_unstable();
            // Sorted by (key, strong): merge each key's flags (strong if any occurrence is).
            distinct.dedup_by(|later, earlier| {
                let same = later.0 == earlier.0;
                if same {
                    earlier.1 |= later.1;
                }
                same
            });
            for &(key, strong) in &distinct {
                let next = stats.len() as u32;
                let s = stats.entry(key).or_insert(KeyStat {
                    id: next,
                    df: 0,
                    langs: ["", ""],
                    strong: 0,
                });
                s.df += 1;
                s.strong += u32::from(strong);
                if s.langs[0].is_empty() {
                    s.langs[0] = d.lang;
                } else if s.langs[1].is_empty() && s.langs[0] != d.lang {
                    s.langs[1] = d.lang;
                }
            }
        }
        let mut weight = vec![0f32; stats.len()];
        let mut df = vec![0u32; stats.len()];
        for s in stats.values() {
            df[s.id as usize] = s.df;
            // In two languages, and strong in at least half the documents that hold it: a
            // name that caseless scripts also write, not an ordinary word whose skeleton
            // happens to match a rare name.
            if 2 * s.strong >= s.df && !s.langs[1].is_empty() {
                weight[s.id as usize] = (1.0 + n as f64 / s.df as f64).ln() as f32;
            }
        }
        let seqs: Vec<Vec<u32>> = docs
            .iter()
            .map(|d| {
                d.anchors
                    .iter()
                    .map(|a| stats[&a.key].id)
                    .filter(|&k| weight[k as usize] > 0.0)
                    .collect()
            })
            .collect();
        let seqs: Vec<Vec<u32>> = strip_templates(seqs, docs, group, template_groups)
            .into_iter()
            .map(|mut s| {
                s.truncate(max_anchors);
                s
            })
            .collect();
        Self::from_seqs(seqs, weight, df)
    }

    /// The index of key sequences already filtered, with each key's weight and document
    /// frequency.
    fn from_seqs(seqs: Vec<Vec<u32>>, weight: Vec<f32>, df: Vec<u32>) -> Self {
        let (key_sets, counts) = seqs
            .iter()
            .map(|s| {
                let mut k = s.clone();
                k.sort_unstable();
                k.chunk_by(|x, y| x == y)
                    .map(|r| (r[0], r.len() as u32))
                    .unzip::<u32, u32, Vec<u32>, Vec<u32>>()
            })
            .unzip();
        AnchorIndex {
            mass: seqs
                .iter()
                .map(|s| s.iter().map(|&k| weight[k as usize]).sum())
                .collect(),
            seqs,
            weight,
            df,
            key_sets,
            counts,
        }
    }

    /// Candidate pairs `(a, b)`, `a < b`, sorted: for each document, the [`Params::per_language`]
    /// documents of each other language with the most anchor weight in common. A document reads
    /// the postings of its keys rarest first, up to [`POSTINGS_BUDGET`] entries, so its work is
    /// bounded whatever the corpus size and its rarest (most telling) anchors always count.
    fn candidates(&self, docs: &[DocFeatures], group: &[u32], per_language: usize) -> Vec<(u32, u32)> {
        let n = docs.len();
        let mut postings: Vec<Vec<u32>> = vec![Vec::new(); self.weight.len()];
        for (d, keys) in self.key_sets.iter().enumerate() {
            for &k in keys {
                postings[k as usize].push(d as u32);
            }
        }
        let mut pairs: Vec<(u32, u32)> = (0..n as u32)
            .into_par_iter()
            .flat_map_iter(|d| {
                let du = d as usize;
                if docs[du].lang == UNDETERMINED {
                    return Vec::new();
                }
                let mut keys = self.key_sets[du].clone();
                keys.sort_unstable_by_key(|&k| (self.df[k as usize], k));
                let mut budget = POSTINGS_BUDGET;
                let mut acc: HashMap<u32, f32> = HashMap::new();
                for k in keys {
                    let list = &postings[k as usize];
                    if list.len() > budget {
                        break;
                    }
                    budget -= list.len();
                    for &e in list {
                        let eu = e as usize;
                        if docs[eu].lang != docs[du].lang && docs[eu].lang != UNDETERMINED && group[eu] != group[du] {
                            *acc.entry(e).or_default() += self.weight[k as usize];
                        }
                    }
                }
                let mut ranked: Vec<(&'static str, f32, u32)> =
                    acc.into_iter().map(|(e, w)| (docs[e as usize].lang, w, e)).collect();
                ranked.sort_unstable_by(|x, y| x.0.cmp(y.0).then(y.1.total_cmp(&x.1)).then(x.2.cmp(&y.2)));
                let mut out = Vec::new();
                let mut run = ("", 0);
                for (lang, _, e) in ranked {
                    if lang != run.0 {
                        run = (lang, 0);
                    }
                    if run.1 < per_language {
                        run.1 += 1;
                        out.push((d.min(e), d.max(e)));
                    }
                }
                out
            })
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        pairs
    }

    /// The order-aware score of a pair, `2·LCS_w / (W(a) + W(b) + 2·prior)`.
    /// The common subsequence is computed on the two sequences reduced to the keys both hold
    /// (the same LCS: other anchors never match), which keeps the quadratic step small.
    fn score(&self, a: usize, b: usize, prior: f32, s: &mut ScoreScratch) -> f32 {
        let denom = self.mass[a] + self.mass[b] + 2.0 * prior;
        if denom <= 0.0 {
            return 0.0;
        }
        let (ka, kb) = (&self.key_sets[a], &self.key_sets[b]);
        s.a.clear();
        s.a.extend(self.seqs[a].iter().copied().filter(|k| kb.binary_search(k).is_ok()));
        s.b.clear();
        s.b.extend(self.seqs[b].iter().copied().filter(|k| ka.binary_search(k).is_ok()));
        2.0 * weighted_lcs(&s.a, &s.b, &self.weight, &mut s.row) / denom
    }

    /// The frequency profile alone (see [`AnchorIndex::overlap`]).
    #[cfg(test)]
    fn profile(&self, a: usize, b: usize) -> f32 {
        self.overlap(a, b).1
    }

    /// How many distinct keys the two documents share, and their frequency profile: how alike
    /// they use those anchors, the cosine of their `(1 + ln tf) · idf` vectors over the shared
    /// keys only (1 when they share none). One walk over the two key sets.
    fn overlap(&self, a: usize, b: usize) -> (usize, f32) {
        let (ka, ca, cb) = (&self.key_sets[a], &self.counts[a], &self.counts[b]);
        let (mut shared, mut dot, mut na, mut nb) = (0, 0f32, 0f32, 0f32);
        for_common(
            ka,
            &self.key_sets[b],
            |&k| k,
            |i, j| {
                let w = self.weight[ka[i] as usize];
                let x = (1.0 + (ca[i] as f32).ln()) * w;
                let y = (1.0 + (cb[j] as f32).ln()) * w;
                shared += 1;
                dot += x * y;
                na += x * x;
                nb += y * y;
            },
        );
        let cosine = if na == 0.0 || nb == 0.0 {
            1.0
        } else {
            dot / (na * nb).sqrt()
        };
        (shared, cosine)
    }
}

/// The pivot bags of a corpus as unit tf-idf vectors (`(1 + ln tf) · ln(1 + N/df)`).
struct PivotIndex {
    vecs: Vec<Vec<(u32, f32)>>,
}

impl PivotIndex {
    fn build(docs: &[DocFeatures]) -> Self {
        let with = docs.iter().filter(|d| !d.pivots.is_empty()).count().max(1);
        let mut df: HashMap<u32, u32> = HashMap::new();
        for d in docs {
            for &(id, _) in &d.pivots {
                *df.entry(id).or_default() += 1;
            }
        }
        let vecs = docs
            .iter()
            .map(|d| {
                let mut v: Vec<(u32, f32)> = d
                    .pivots
                    .iter()
                    .map(|&(id, tf)| (id, (1.0 + tf.max(1.0).ln()) * (1.0 + with as f32 / df[&id] as f32).ln()))
                    .collect();
                let norm = v.iter().map(|e| e.1 * e.1).sum::<f32>().sqrt();
                if norm > 0.0 {
                    v.iter_mut().for_each(|e| e.1 /= norm);
                }
                v
            })
            .collect();
        PivotIndex { vecs }
    }

    /// Cosine of two documents' pivot vectors, if both have one.
    fn cosine(&self, a: usize, b: usize) -> Option<f32> {
        let (x, y) = (&self.vecs[a], &self.vecs[b]);
        if x.is_empty() || y.is_empty() {
            return None;
        }
        let mut dot = 0.0f32;
        for_common(x, y, |e| e.0, |i, j| dot += x[i].1 * y[j].1);
        Some(dot)
    }
}

/// Removes template anchors: every anchor covered by a run of 3 consecutive anchors (after the
/// corpus filter) that occurs in more than `max_groups` same-language groups *of one language*.
/// A page template (a man page footer with its version, year and licence; a site's share bar)
/// repeats one anchor sequence in many pages of each language, and would otherwise make
/// unrelated pages look like translations of each other; the names and figures of one article
/// occur once per language, or a few times where outlets translated it independently. This is
/// the boilerplate rule of [`crate::spans::boilerplate`] (count per group, drop what many groups
/// share) applied to anchor trigrams, within each language.
fn strip_templates(seqs: Vec<Vec<u32>>, docs: &[DocFeatures], group: &[u32], max_groups: usize) -> Vec<Vec<u32>> {
    let tri = |s: &[u32], i: usize| (u64::from(s[i]) << 42) ^ (u64::from(s[i + 1]) << 21) ^ u64::from(s[i + 2]);
    let mut seen: Vec<(u64, &'static str, u32)> = seqs
        .iter()
        .enumerate()
        .flat_map(|(d, s)| (0..s.len().saturating_sub(2)).map(move |i| (tri(s, i), docs[d].lang, group[d])))
        .collect();
    seen.sort_unstable();
    seen.dedup();
    let mut template: std::collections::HashSet<u64> = std::collections::HashSet::new();
    for run in seen.chunk_by(|a, b| a.0 == b.0 && a.1 == b.1) {
        if run.len() > max_groups {
            template.insert(run[0].0);
        }
    }
    if template.is_empty() {
        return seqs;
    }
    seqs.into_iter()
        .map(|s| {
            let mut drop = vec![false; s.len()];
            for i in 0..s.len().saturating_sub(2) {
                if template.contains(&tri(&s, i)) {
                    drop[i..i + 3].iter_mut().for_each(|d| *d = true);
                }
            }
            s.into_iter().zip(drop).filter(|&(_, d)| !d).map(|(k, _)| k).collect()
        })
        .collect()
}

/// The language of a document whatlang cannot identify reliably.
pub const UNDETERMINED: &str = "und";

/// Postings entries one document reads to find its candidates.
pub const POSTINGS_BUDGET: usize = 4096;

/// Distinct anchors an edge's two documents must share: one name or number in common, however
/// often repeated, is a coincidence (four `intro` pages of different man sections linked through
/// their title alone), not a translation. No right edge of NTREX or of the man pages shares fewer
/// than two.
pub const MIN_SHARED_KEYS: usize = 2;

/// Anchors of the highest weight (`ln(1 + N)`) added to both sides of every score's
/// denominator: a pair that shares two rare anchors out of two is weak evidence, a pair that
/// shares twenty out of twenty-five is strong; without the prior both would score about 1.
pub const PRIOR_ANCHORS: f32 = 1.5;

/// Finds the cross-lingual links among `docs`; `group[d]` is the same-language group of `d`
/// (documents of one group are never scored against each other).
pub fn link(docs: &[DocFeatures], group: &[u32], p: &Params) -> Links {
    let n = docs.len();
    let index = AnchorIndex::build(docs, group, p.max_anchors, p.template_groups);
    let pairs = index.candidates(docs, group, p.per_language);
    let prior = PRIOR_ANCHORS * (1.0 + n as f32).ln();
    let pivots = PivotIndex::build(docs);
    // Per pair its anchor score and its score (the anchor score plus the weighted pivot cosine).
    let (anchor_scores, scores): (Vec<f32>, Vec<f32>) = pairs
        .par_iter()
        .map_init(ScoreScratch::default, |scratch, &(a, b)| {
            let anchor = index.score(a as usize, b as usize, prior, scratch);
            match pivots.cosine(a as usize, b as usize) {
                Some(c) => (anchor, anchor + p.pivot_weight as f32 * c),
                None => (anchor, anchor),
            }
        })
        .unzip();
    let lang_of = |d: u32| docs[d as usize].lang;
    let admit = |a: u32, b: u32| {
        let (shared, profile) = index.overlap(a as usize, b as usize);
        shared >= MIN_SHARED_KEYS && profile as f64 >= p.profile_min
    };
    let scored = Scored::new(&pairs, &scores, &lang_of);
    let edges = mutual_best(&scored, &anchor_scores, &lang_of, &admit, p);
    // Scored on demand while grouping (single-threaded), with one scratch space.
    let scratch = std::cell::RefCell::new(ScoreScratch::default());
    let same_language = |a: u32, b: u32| index.score(a as usize, b as usize, prior, &mut scratch.borrow_mut());
    let joins = join_groups(group, &edges, &scored, &lang_of, &same_language, p);
    Links {
        joins,
        edges,
        candidate_pairs: pairs.len(),
    }
}

/// The pairs whose anchor score is at least `min_score`, whose score is within `ratio` of
/// the best score each side reached in the other's language (and `lift` times each side's
/// median), and that `admit` lets through (shared anchors and their frequency profile). The
/// dictionary pivot ranks a document's matches but never makes an edge alone.
fn mutual_best(
    scored: &Scored<'_>,
    anchor_scores: &[f32],
    lang_of: &dyn Fn(u32) -> &'static str,
    admit: &dyn Fn(u32, u32) -> bool,
    p: &Params,
) -> Vec<(u32, u32, f32)> {
    let (pairs, scores, best) = (scored.pairs, scored.scores, &scored.best);
    // The median of each document's candidate scores: its background level.
    let mut all: HashMap<u32, Vec<f32>> = HashMap::new();
    for (&(a, b), &s) in pairs.iter().zip(scores) {
        all.entry(a).or_default().push(s);
        all.entry(b).or_default().push(s);
    }
    let median: HashMap<u32, f32> = all
        .into_iter()
        .map(|(d, mut v)| {
            v.sort_unstable_by(f32::total_cmp);
            let m = v.len() / 2;
            (
                d,
                if v.len() % 2 == 1 {
                    v[m]
                } else {
                    (v[m - 1] + v[m]) / 2.0
                },
            )
        })
        .collect();
    let ratio = p.ratio as f32;
    let lift = p.lift as f32;
    pairs
        .iter()
        .zip(scores)
        .zip(anchor_scores)
        .filter(|&((&(a, b), &s), &anchor)| {
            anchor as f64 >= p.min_score
                && s >= ratio * best[&(a, lang_of(b))]
                && s >= ratio * best[&(b, lang_of(a))]
                && s >= lift * median[&a]
                && s >= lift * median[&b]
                && admit(a, b)
        })
        .map(|((&(a, b), &s), _)| (a, b, s))
        .collect()
}

/// The candidate pairs with their scores, and each document's best score in each language
/// it has candidates in, which linking (mutual best edges) and grouping (mutual best matches
/// of an attachment) both read.
struct Scored<'a> {
    pairs: &'a [(u32, u32)],
    scores: &'a [f32],
    /// `(document, language)` to the highest score of its pairs with documents of that language.
    best: HashMap<(u32, &'static str), f32>,
}

impl<'a> Scored<'a> {
    fn new(pairs: &'a [(u32, u32)], scores: &'a [f32], lang_of: &dyn Fn(u32) -> &'static str) -> Self {
        let mut best: HashMap<(u32, &'static str), f32> = HashMap::new();
        for (&(a, b), &s) in pairs.iter().zip(scores) {
            for (x, y) in [(a, b), (b, a)] {
                let e = best.entry((x, lang_of(y))).or_default();
                *e = e.max(s);
            }
        }
        Scored { pairs, scores, best }
    }
}

/// Groups documents into articles; returns the pairs of documents whose groups are joined.
///
/// Phase 1, guarded merging: start from the same-language groups; repeatedly join the two
/// groups with the densest mutual-best edges between them, counted against the smaller
/// group, while that density is at least [`Params::density`]. A single wrong edge between two
/// articles of twenty languages each has density 1/20 and never joins them; a correct pair of
/// one-document groups has density 1. Groups that share a language join only when their
/// documents of that language are alike ([`Params::same_language_min`]).
///
/// Phase 2, attachment: a group in fewer than [`Params::min_langs`] languages (a translation
/// whose own edges were too weak) joins the group of at least that many languages, dense in
/// mutual-best edges ([`Params::attach_density`] per document), to which its
/// mean score is highest, when that mean is at least [`Params::attach_min`] and
/// [`Params::attach_margin`] times the next best, and, unless it is [`Params::attach_strong`]
/// times the next best, the group has [`Params::attach_mutual`] mutual best matches per
/// document with the article's documents; or, whatever its lead, it has
/// [`Params::attach_many`] mutual best matches per document with them. The evidence is summed
/// over every language of the article, so a document with few anchors still finds its article.
fn join_groups(
    group: &[u32],
    edges: &[(u32, u32, f32)],
    scored: &Scored<'_>,
    lang_of: &dyn Fn(u32) -> &'static str,
    same_language: &dyn Fn(u32, u32) -> f32,
    p: &Params,
) -> Vec<(u32, u32)> {
    let n = group.len();
    let mut uf = UnionFind::new(n);
    for (d, &g) in group.iter().enumerate() {
        uf.union(d as u32, g);
    }
    let mut members: HashMap<u32, Vec<u32>> = HashMap::new();
    for d in 0..n as u32 {
        members.entry(uf.find(d)).or_default().push(d);
    }
    // Two groups that both hold documents of one language may join only if some pair of those
    // documents is itself alike (two outlets' translations of one article keep its anchors in
    // order; two pages of one site in one language share little once the template filter has
    // run), so that linking does not chain the pages of one template across languages.
    let compatible = |a: &[u32], b: &[u32]| -> bool {
        const CHECKED: usize = 16;
        let mut by_lang: HashMap<&'static str, Vec<u32>> = HashMap::new();
        for &x in a {
            by_lang.entry(lang_of(x)).or_default().push(x);
        }
        let mut best: HashMap<&'static str, f32> = HashMap::new();
        for &y in b {
            if let Some(xs) = by_lang.get(lang_of(y)) {
                let m = xs
                    .iter()
                    .take(CHECKED)
                    .map(|&x| same_language(x, y))
                    .fold(0.0f32, f32::max);
                let e = best.entry(lang_of(y)).or_insert(0.0);
                *e = e.max(m);
            }
        }
        best.values().all(|&s| s as f64 >= p.same_language_min)
    };
    let mut size = vec![0u32; n];
    for d in 0..n as u32 {
        size[uf.find(d) as usize] += 1;
    }
    let mut joins = Vec::new();
    let mut refused = std::collections::HashSet::new();
    loop {
        let mut between: HashMap<(u32, u32), (u32, f32)> = HashMap::new();
        for &(a, b, s) in edges {
            let (ra, rb) = (uf.find(a), uf.find(b));
            if ra != rb {
                let e = between.entry((ra.min(rb), ra.max(rb))).or_default();
                e.0 += 1;
                e.1 += s;
            }
        }
        let mut ranked: Vec<(f32, f32, u32, u32)> = between
            .into_iter()
            .map(|((x, y), (c, sum))| (c as f32 / size[x as usize].min(size[y as usize]) as f32, sum, x, y))
            .filter(|r| r.0 as f64 >= p.density)
            .collect();
        ranked.sort_unstable_by(|u, v| {
            v.0.total_cmp(&u.0)
                .then(v.1.total_cmp(&u.1))
                .then((u.2, u.3).cmp(&(v.2, v.3)))
        });
        let mut used = std::collections::HashSet::new();
        let mut merged = false;
        for (_, _, x, y) in ranked {
            if used.contains(&x) || used.contains(&y) || refused.contains(&(x, y)) {
                continue;
            }
            if !compatible(&members[&x], &members[&y]) {
                refused.insert((x, y));
                continue;
            }
            used.insert(x);
            used.insert(y);
            let total = size[x as usize] + size[y as usize];
            uf.union(x, y);
            let r = uf.find(x);
            size[r as usize] = total;
            let (mx, my) = (
                members.remove(&x).unwrap_or_default(),
                members.remove(&y).unwrap_or_default(),
            );
            members.insert(r, [mx, my].concat());
            joins.push((x, y));
            merged = true;
        }
        if !merged {
            break;
        }
    }
    // Phase 2.
    let root: Vec<u32> = (0..n as u32).map(|d| uf.find(d)).collect();
    let mut per_lang: HashMap<(u32, &'static str), u32> = HashMap::new();
    for d in 0..n as u32 {
        *per_lang.entry((root[d as usize], lang_of(d))).or_default() += 1;
    }
    let mut langs: HashMap<u32, Vec<&'static str>> = HashMap::new();
    for &(r, l) in per_lang.keys() {
        langs.entry(r).or_default().push(l);
    }
    let mut internal: HashMap<u32, u32> = HashMap::new();
    for &(a, b, _) in edges {
        if root[a as usize] == root[b as usize] {
            *internal.entry(root[a as usize]).or_default() += 1;
        }
    }
    let big = |r: u32| {
        langs[&r].len() >= p.min_langs
            && internal.get(&r).copied().unwrap_or(0) as f64 >= p.attach_density * size[r as usize] as f64
    };
    // Only a group in fewer languages than an article attaches: three translations linked to
    // each other are an article of their own, even when too few to count as dense.
    let small = |r: u32| langs[&r].len() < p.min_langs;
    let (pairs, scores, top) = (scored.pairs, scored.scores, &scored.best);
    // Per (small group, article): the summed score and the number of mutual best matches.
    let mut affinity: HashMap<(u32, u32), (f32, u32)> = HashMap::new();
    for (&(a, b), &s) in pairs.iter().zip(scores) {
        let mutual = s >= top[&(a, lang_of(b))] && s >= top[&(b, lang_of(a))];
        for (x, y) in [(a, b), (b, a)] {
            let (rx, ry) = (root[x as usize], root[y as usize]);
            if rx != ry && small(rx) && big(ry) && !langs[&rx].contains(&lang_of(y)) {
                let e = affinity.entry((rx, ry)).or_default();
                e.0 += s;
                e.1 += u32::from(mutual);
            }
        }
    }
    let mut best: HashMap<u32, [(f32, u32); 2]> = HashMap::new();
    for (&(x, c), &(sum, _)) in &affinity {
        let others = size[c as usize]
            - langs[&x]
                .iter()
                .map(|&l| per_lang.get(&(c, l)).copied().unwrap_or(0))
                .sum::<u32>();
        let mean = sum / (size[x as usize] * others.max(1)) as f32;
        let b = best.entry(x).or_insert([(0.0, u32::MAX); 2]);
        let cand = (mean, c);
        let better = |u: (f32, u32), v: (f32, u32)| u.0 > v.0 || (u.0 == v.0 && u.1 < v.1);
        if better(cand, b[0]) {
            b[1] = b[0];
            b[0] = cand;
        } else if better(cand, b[1]) {
            b[1] = cand;
        }
    }
    let mut attach: Vec<(u32, u32)> = best
        .into_iter()
        .filter(|(x, b)| {
            let (mean, second) = (b[0].0 as f64, b[1].0 as f64);
            let mutual = affinity[&(*x, b[0].1)].1 as f64 / size[*x as usize] as f64;
            let lead =
                mean >= p.attach_margin * second && (mean >= p.attach_strong * second || mutual >= p.attach_mutual);
            mean >= p.attach_min && mean > second && (lead || mutual >= p.attach_many)
        })
        .map(|(x, b)| (x, b[0].1))
        .filter(|&(x, c)| compatible(&members[&x], &members[&c]))
        .collect();
    attach.sort_unstable();
    joins.extend(attach);
    joins
}

/// Calls `f(i, j)` for every pair of elements with equal keys, `key(&a[i]) == key(&b[j])`, of
/// two lists sorted by distinct keys.
fn for_common<T>(a: &[T], b: &[T], key: impl Fn(&T) -> u32, mut f: impl FnMut(usize, usize)) {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match key(&a[i]).cmp(&key(&b[j])) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                f(i, j);
                i += 1;
                j += 1;
            }
        }
    }
}

/// Weight of the heaviest common subsequence of `a` and `b` (`row` is scratch space).
pub fn weighted_lcs(a: &[u32], b: &[u32], weight: &[f32], row: &mut Vec<f32>) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    // row[j] = best over a[..i] and b[..j]; one row, with the diagonal carried along.
    row.clear();
    row.resize(b.len() + 1, 0.0);
    for &x in a {
        let mut diag = 0.0f32;
        for (j, &y) in b.iter().enumerate() {
            let up = row[j + 1];
            let v = if x == y {
                diag + weight[x as usize]
            } else {
                up.max(row[j])
            };
            diag = up;
            row[j + 1] = v;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Documents 0..5 in five languages, linked by `edges`; document 5 (a sixth language)
    /// scores 0.5 with each of them and has no edge: is it attached?
    fn attaches_to(edges: &[(u32, u32, f32)]) -> bool {
        const LANGS: [&str; 6] = ["aaa", "bbb", "ccc", "ddd", "eee", "fff"];
        let group: Vec<u32> = (0..6).collect();
        let pairs: Vec<(u32, u32)> = (0..5).map(|d| (d, 5)).collect();
        let scores = vec![0.5f32; pairs.len()];
        let lang_of = |d: u32| LANGS[d as usize];
        joined(&group, edges, &pairs, &scores, &lang_of, 5, 0)
    }

    /// Whether `join_groups` (default parameters, no same-language similarity) puts
    /// documents `x` and `y` in one cluster.
    fn joined(
        group: &[u32],
        edges: &[(u32, u32, f32)],
        pairs: &[(u32, u32)],
        scores: &[f32],
        lang_of: &dyn Fn(u32) -> &'static str,
        x: u32,
        y: u32,
    ) -> bool {
        joined_alike(group, edges, pairs, scores, lang_of, 0.0, x, y)
    }

    /// [`joined`], with every pair of same-language documents scoring `alike`.
    #[allow(clippy::too_many_arguments)]
    fn joined_alike(
        group: &[u32],
        edges: &[(u32, u32, f32)],
        pairs: &[(u32, u32)],
        scores: &[f32],
        lang_of: &dyn Fn(u32) -> &'static str,
        alike: f32,
        x: u32,
        y: u32,
    ) -> bool {
        let scored = Scored::new(pairs, scores, lang_of);
        let joins = join_groups(group, edges, &scored, lang_of, &|_, _| alike, &Params::default());
        let mut uf = UnionFind::new(group.len());
        for (a, b) in joins {
            uf.union(a, b);
        }
        uf.find(x) == uf.find(y)
    }

    /// Every pair of the documents `docs` linked at `score`: an article whose documents all
    /// match each other.
    fn clique(docs: std::ops::Range<u32>, score: f32) -> Vec<(u32, u32, f32)> {
        let end = docs.end;
        docs.flat_map(|a| (a + 1..end).map(move |b| (a, b, score))).collect()
    }

    /// The candidate pairs of `edges` and their scores (each edge is a scored candidate).
    fn candidates_of(edges: &[(u32, u32, f32)]) -> (Vec<(u32, u32)>, Vec<f32>) {
        edges.iter().map(|&(a, b, s)| ((a, b), s)).unzip()
    }

    #[test]
    fn attachment_needs_a_dense_article_not_a_chain() {
        let all = clique(0..5, 0.8);
        // Every pair linked (10 edges for 5 documents): an article; the sixth joins it.
        assert!(attaches_to(&all));
        // A chain 0-1-2-3-4 (4 edges): look-alike pages; nothing attaches.
        let chain: Vec<(u32, u32, f32)> = (0..4u32).map(|a| (a, a + 1, 0.8)).collect();
        assert!(!attaches_to(&chain));
    }

    /// Article A (documents 0..5, languages aaa..eee, every pair linked) and article B
    /// (documents 6..11, the same languages, every pair linked); document 5 (language fff)
    /// scores 0.5 with A's documents and 0.2 with B's. With `rival`, document 11 (also fff)
    /// scores 0.6 with A's documents, so they are not document 5's mutual best matches. Does
    /// document 5 join A?
    fn joins_article(rival: bool) -> bool {
        const LANGS: [&str; 5] = ["aaa", "bbb", "ccc", "ddd", "eee"];
        let lang_of = |d: u32| match d {
            5 | 11 => "fff",
            _ => LANGS[(d % 6) as usize],
        };
        let group: Vec<u32> = (0..12).collect();
        let edges = [clique(0..5, 0.8), clique(6..11, 0.8)].concat();
        let mut pairs = Vec::new();
        let mut scores = Vec::new();
        for d in 0..5u32 {
            pairs.extend([(d, 5), (5, d + 6)]);
            scores.extend([0.5f32, 0.2]);
            if rival {
                pairs.push((d, 11));
                scores.push(0.6);
            }
        }
        joined(&group, &edges, &pairs, &scores, &lang_of, 5, 0)
    }

    /// Article A: documents 0..5 (languages aaa..eee), every pair linked. Documents 5, 6 and,
    /// with `third`, 7 (languages fff, ggg, hhh) are linked to each other (3 edges for 3
    /// documents: short of the density that takes attachments) and score 0.3 with every
    /// document of A, a strong lead over no other article. Does document 5 join A?
    fn second_group_joins_article(third: bool) -> bool {
        let langs = ["aaa", "bbb", "ccc", "ddd", "eee", "fff", "ggg", "hhh"];
        let lang_of = |d: u32| langs[d as usize];
        let group: Vec<u32> = (0..8).collect();
        let second = if third { 5..8 } else { 5..7 };
        let edges = [clique(0..5, 0.8), clique(second.clone(), 0.6)].concat();
        let (mut pairs, mut scores) = candidates_of(&edges);
        for d in 0..5u32 {
            for x in second.clone() {
                pairs.push((d, x));
                scores.push(0.3);
            }
        }
        assert!(joined(&group, &edges, &pairs, &scores, &lang_of, 5, 6));
        joined(&group, &edges, &pairs, &scores, &lang_of, 5, 0)
    }

    /// Groups {0 (aaa), 1 (bbb)} and {2 (aaa), 3 (ccc)}, each linked inside and by three edges
    /// between them; documents 0 and 2 share a language and score `alike` with each other.
    /// Do the groups join?
    fn groups_sharing_a_language_join(alike: f32) -> bool {
        let langs = ["aaa", "bbb", "aaa", "ccc"];
        let lang_of = |d: u32| langs[d as usize];
        let group: Vec<u32> = (0..4).collect();
        let edges = [(0, 1, 0.8), (2, 3, 0.8), (0, 3, 0.6), (1, 2, 0.6), (1, 3, 0.6)];
        let (pairs, scores) = candidates_of(&edges);
        joined_alike(&group, &edges, &pairs, &scores, &lang_of, alike, 0, 2)
    }

    #[test]
    fn groups_sharing_a_language_join_only_if_its_documents_are_alike() {
        // Two outlets' translations of one article into one language keep its anchors in order.
        assert!(groups_sharing_a_language_join(0.3));
        // Sibling pages in one language share anchors too, but fewer and less in order.
        assert!(!groups_sharing_a_language_join(0.15));
    }

    #[test]
    fn an_article_in_three_languages_does_not_attach() {
        // Three translations linked to each other are an article of their own.
        assert!(!second_group_joins_article(true));
        // Two are a fragment of an article (fewer languages than an article): they attach.
        assert!(second_group_joins_article(false));
    }

    /// Articles A (documents 0..n) and B (n..2n), each in the same `n` languages with every
    /// pair linked; document 2n, in a language of its own, scores 0.5 with A's documents and
    /// 0.4 with B's (a lead of 1.25, short of the margin), so it is the best match of each of
    /// A's documents in its language and they are its. Does it join A?
    fn joins_with_many_mutual_matches(n: u32) -> bool {
        const LANGS: [&str; 10] = ["l0", "l1", "l2", "l3", "l4", "l5", "l6", "l7", "l8", "l9"];
        let x = 2 * n;
        let lang_of = move |d: u32| if d == x { "zzz" } else { LANGS[(d % n) as usize] };
        let group: Vec<u32> = (0..=x).collect();
        let edges = [clique(0..n, 0.8), clique(n..2 * n, 0.8)].concat();
        let (mut pairs, mut scores) = candidates_of(&edges);
        for d in 0..n {
            pairs.extend([(d, x), (d + n, x)]);
            scores.extend([0.5f32, 0.4]);
        }
        joined(&group, &edges, &pairs, &scores, &lang_of, x, 0)
    }

    #[test]
    fn many_mutual_best_matches_stand_for_a_lead() {
        // The mutual best match of A's documents in 10 languages: it joins A.
        assert!(joins_with_many_mutual_matches(10));
        // In 8: the lead of 1.25 alone is too small.
        assert!(!joins_with_many_mutual_matches(8));
    }

    #[test]
    fn attachment_needs_mutual_best_matches_or_a_strong_lead() {
        // Mean 0.5 against 0.2 (2.5 times the next best), and A's documents pick document 5 in
        // its language: it joins A.
        assert!(joins_article(false));
        // The same lead, but A's documents each have a better match in that language (its own
        // translation elsewhere): no mutual best match, and 2.5 is short of a strong lead.
        assert!(!joins_article(true));
    }

    /// An index over hand-made key sequences, every key of weight 1 except key 2 (weight 2).
    fn index_of(seqs: &[&[u32]]) -> AnchorIndex {
        let weight = vec![1.0, 1.0, 2.0, 1.0];
        let df = vec![1; weight.len()];
        AnchorIndex::from_seqs(seqs.iter().map(|s| s.to_vec()).collect(), weight, df)
    }

    #[test]
    fn profile_matches_hand_values() {
        let l3 = 1.0 + 3f32.ln();
        // Shared keys 0 and 1 (weight 1), counts (3, 1) against (1, 3): a page naming its own
        // subject three times and its sibling's once, against the sibling page.
        let idx = index_of(&[&[0, 0, 0, 1, 3], &[1, 0, 1, 1], &[0, 1, 0, 0, 2], &[3, 3]]);
        let swapped = 2.0 * l3 / (l3 * l3 + 1.0);
        assert!((idx.profile(0, 1) - swapped).abs() < 1e-6, "{}", idx.profile(0, 1));
        // Same counts on the shared keys (key 3 and key 2 are not shared): 1.
        assert!((idx.profile(0, 2) - 1.0).abs() < 1e-6);
        // Symmetric; and no shared key at all is no evidence against (1).
        assert_eq!(idx.profile(1, 0), idx.profile(0, 1));
        assert_eq!(idx.profile(1, 3), 1.0);
        // Weights scale each key's share: counts (1, 3) on keys (0, 2) against (3, 1).
        let idx = index_of(&[&[0, 2, 2, 2], &[0, 0, 0, 2]]);
        let (x, y) = ([1.0, 2.0 * l3], [l3, 2.0]);
        let want = (x[0] * y[0] + x[1] * y[1]) / ((x[0] * x[0] + x[1] * x[1]) * (y[0] * y[0] + y[1] * y[1])).sqrt();
        assert!((idx.profile(0, 1) - want).abs() < 1e-6);
    }

    /// A document of `lang` whose anchors are the strong `keys`.
    fn doc(lang: &'static str, keys: &[u64]) -> DocFeatures {
        DocFeatures {
            lang,
            anchors: keys.iter().map(|&key| Anchor { key, strong: true }).collect(),
            pivots: Vec::new(),
        }
    }

    /// The mutual-best edges of `docs` (each its own group) as pairs.
    fn edges_of(docs: &[DocFeatures], p: &Params) -> Vec<(u32, u32)> {
        let group: Vec<u32> = (0..docs.len() as u32).collect();
        link(docs, &group, p).edges.iter().map(|e| (e.0, e.1)).collect()
    }

    #[test]
    fn the_pivot_alone_makes_no_edge() {
        // Documents 0..4 in four languages; 0 and 1 score 0.9, every other pair 0.2.
        const LANGS: [&str; 4] = ["aaa", "bbb", "ccc", "ddd"];
        let pairs = [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3)];
        let scores = [0.9, 0.2, 0.2, 0.2, 0.2];
        let lang_of = |d: u32| LANGS[d as usize];
        let edges = |anchor: f32| {
            let anchors = [anchor, 0.2, 0.2, 0.2, 0.2];
            mutual_best(
                &Scored::new(&pairs, &scores, &lang_of),
                &anchors,
                &lang_of,
                &|_, _| true,
                &Params::default(),
            )
        };
        // Most of the 0.9 from the dictionary pivot: no edge; from the anchors: an edge.
        assert!(edges(0.1).is_empty());
        assert_eq!(edges(0.35), [(0, 1, 0.9)]);
    }

    #[test]
    fn one_shared_anchor_is_no_translation() {
        // Two pages titled alike (key 1, four times each) and nothing else in common; two
        // more documents give each a background.
        let docs = [
            doc("aaa", &[1, 2, 1, 3, 1, 1]),
            doc("bbb", &[1, 4, 1, 5, 1, 1]),
            doc("ccc", &[2, 6]),
            doc("ddd", &[4, 7]),
        ];
        assert!(edges_of(&docs, &Params::default()).is_empty());
        // With a second shared anchor they link.
        let docs = [
            doc("aaa", &[1, 2, 1, 3, 1, 1, 8]),
            doc("bbb", &[1, 4, 1, 5, 1, 1, 8]),
            doc("ccc", &[2, 6]),
            doc("ddd", &[4, 7]),
        ];
        assert_eq!(edges_of(&docs, &Params::default()), [(0, 1)]);
    }

    #[test]
    fn a_sibling_page_is_no_translation() {
        // Keys 1 and 2 are two pages' subjects (`iconv_open`, `iconv_close`), 3..=8 what
        // both pages cite. A translation (document 2 of document 0) names each as often as
        // its source; the sibling page (document 1) names its own subject where the source
        // names its own.
        let (s, t) = (1, 2);
        // Two documents in other languages that share a little with both (the background
        // a document's median score is taken from).
        let docs = [
            doc("aaa", &[s, 3, s, 4, 5, s, t, 6, s, 7, 8, s]),
            doc("bbb", &[t, 3, t, 4, 5, t, s, 6, t, 7, 8, t]),
            doc("ddd", &[3, 9]),
            doc("eee", &[4, 10]),
            doc("ccc", &[s, 3, s, 4, 5, s, t, 6, s, 7, 8, s]),
        ];
        let edges = |docs: &[DocFeatures], profile_min| {
            let p = Params {
                profile_min,
                ..Params::default()
            };
            edges_of(docs, &p)
        };
        // Without its translation, the sibling is document 0's best match, and only the
        // profile tells.
        assert_eq!(edges(&docs[..4], 0.0), [(0, 1)]);
        assert!(edges(&docs[..4], Params::default().profile_min).is_empty());
        assert!(edges(&docs, Params::default().profile_min).contains(&(0, 4)));
    }

    #[test]
    fn weighted_lcs_matches_hand_values() {
        let w = [1.0, 2.0, 3.0, 4.0];
        let mut row = Vec::new();
        assert_eq!(weighted_lcs(&[0, 1, 2, 3], &[0, 1, 2, 3], &w, &mut row), 10.0);
        // Order matters: only one of {2, 3} can follow in reverse order.
        assert_eq!(weighted_lcs(&[0, 1, 2, 3], &[3, 2, 1, 0], &w, &mut row), 4.0);
        assert_eq!(weighted_lcs(&[0, 2, 3], &[0, 1, 3], &w, &mut row), 5.0);
        assert_eq!(weighted_lcs(&[], &[0], &w, &mut row), 0.0);
    }
}
