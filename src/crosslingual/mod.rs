//! Syndicated translations: the same article across languages.
//!
//! In: for every document its language, anchor sequence (module `anchors`) and, with a lexicon,
//! its dictionary pivot bag ([`lexicon`]), and the groups of the same-language pass
//! (near-duplicates already joined). Out: the pairs of documents whose groups are one article (the caller joins
//! them with union-find into clusters), the mutual-best edges with their scores, and the counts
//! behind them.
//!
//! 0. **Language**: the record's label (`--lang-field`), else the detector's when its
//!    confidence is at least 0.5 (langid.py's model where one is installed, module
//!    [`identify`], else whatlang), else none (`und`: code, command lines, too little text, a
//!    language the detector does not know). Labels only ever set two documents apart; whether two documents
//!    are in one language is decided by their common words (module `language`), so a document
//!    without a label takes part through its words, and only one with neither takes no part.
//! 1. **Corpus filter.** A key is an anchor of the corpus only when it occurs in documents of at
//!    least two languages and at least once as a strong anchor (a number, an acronym, a
//!    capitalized name); a word of a script without case becomes an anchor only through this
//!    rule. Each kept key weighs its inverse document frequency, `ln(1 + N/df)`. Anchor
//!    trigrams found in more than 3 groups of one language are template (a man page footer, a
//!    site's share bar) and leave the sequences.
//! 2. **Candidates** without comparing all pairs: an inverted index over the keys; each document
//!    reads the postings of its rarest keys (up to a fixed budget of entries), sums the weights
//!    it shares with documents of other languages and keeps its best [`Params::per_language`] in
//!    each language among its 64 best. The work and the number of candidates grow linearly with
//!    the corpus, and not with the number of languages.
//! 3. **Score**: order-aware, `2·LCS_w(a, b) / (W(a) + W(b) + 2·prior)`, the weighted longest
//!    common subsequence of the two anchor sequences (Hirschberg 1975's dynamic programme with
//!    IDF weights; `PRIOR_ANCHORS` (1.5) anchors of top weight added to each side). A
//!    translation keeps the anchors of its source in the same order; another article on the
//!    same story shares anchors in another order. Where both documents have a pivot bag, plus [`Params::pivot_weight`]
//!    times the cosine of the bags.
//! 4. **Linking** by mutual best matches: a pair is an edge when its anchor score (without
//!    the pivot) is at least [`Params::min_score`], its score within [`Params::ratio`] of the
//!    best score each document reached in the other's language, and at least
//!    [`Params::lift`] times the median score of the candidates of each side whose candidates
//!    are every document it shares an anchor with (see there; each same-language cluster
//!    among them counted once: a page's copies are one candidate). A fixed threshold
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
//!    `MIN_SHARED_KEYS` (2) distinct anchors in common.
//! 5. **Grouping**: guarded merging of groups (never on the edges of one document that scores
//!    better with its own group), then attachment of the groups in few languages to the
//!    article they score best with, ahead of every other group in as many languages, given a
//!    strong lead
//!    ([`Params::attach_strong`]) or mutual best matches with its documents
//!    ([`Params::attach_mutual`]): where a document's own article is absent, another report
//!    on the same story is still its best. A group anchors leave alone attaches on its
//!    paragraphs' lengths (module `layout`, [`Params::layout_min`]), and two groups laid out
//!    alike may join though their documents of one language score low.
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
//! let clustering = Dedup::new(config).cluster_texts(&texts)?;
//! assert_eq!(clustering.clusters.len(), 1);
//! let c = &clustering.clusters[0];
//! assert_eq!(c.members.iter().map(|m| m.index()).collect::<Vec<_>>(), [0, 1, 5]);
//! assert_eq!(c.langs.iter().map(|l| &**l).collect::<Vec<_>>(), ["fra", "ind"]);
//! # Ok::<(), neardup::Error>(())
//! ```

pub(crate) mod anchors;
mod group;
pub mod identify;
mod index;
mod language;
pub(crate) mod layout;
pub mod lexicon;
pub(crate) mod words;

use crate::spans::boilerplate;
use crate::spans::remove_ranges;
use crate::spans::repeats::{DEFAULT_MIN_TOKENS, DEFAULT_WINDOW, find_repeats_in, strip_repeats};
use anchors::Anchor;
use group::{Scored, join_groups, mutual_best};
use index::{AnchorIndex, PivotIndex, ScoreScratch};
use language::SameLanguage;
pub(crate) use language::{LabelledLanguages, Languages};
use rayon::prelude::*;
use std::borrow::Cow;
use std::sync::Arc;

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
    /// story, sharing its names) has no translation among them. Read only for a document whose
    /// candidates were drawn from every document it shares an anchor with (a small corpus, a
    /// document with few anchors), where "best in its language" is best among few. A document
    /// that shares anchors with more documents than it ranks has its best matches as
    /// candidates, and where its article is in many languages their median is a translation's
    /// score, not a background.
    pub lift: f64,
    /// Where both documents have a pivot bag, the score is the anchor score plus this times
    /// the cosine of the pivot bags (for ranking: [`Params::min_score`] reads the anchor score
    /// alone). The default, 0.75, gives NTREX the recall of 1.0 (0.5 loses some) and the man
    /// pages the same precision as 0.5 and 1.0, see docs/crosslingual.md.
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
    /// Common words (module `words`) two documents share at least to count as one language for
    /// the linking and grouping rules (see the same-language test in the module documentation).
    pub same_words: usize,
    /// Common words two documents share at least to count as one language for the template
    /// rule ([`Params::template_groups`]).
    pub template_words: usize,
    /// Common words two documents share at most to count as surely two languages, and so as
    /// candidates of a translation.
    pub apart_words: usize,
    /// Lowest mean layout agreement (module `layout`): of a group with an article, to attach on
    /// layout in phase 2 (the article must also lead the next best by
    /// [`Params::attach_margin`]); of two groups that share a language, to join in phase 1 when
    /// their documents of that language are not alike ([`Params::same_language_min`]). On
    /// NTREX dev 0.5–0.8 give results within 0.0015 (see docs/crosslingual.md).
    pub layout_min: f64,
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
            same_words: 3,
            template_words: 15,
            apart_words: 1,
            layout_min: 0.7,
        }
    }
}

impl Params {
    /// The names of the parameters [`Params::set`] takes, in field order.
    pub const NAMES: [&'static str; 20] = [
        "min_score",
        "ratio",
        "per_language",
        "max_anchors",
        "lift",
        "pivot_weight",
        "profile_min",
        "same_language_min",
        "template_groups",
        "density",
        "min_langs",
        "attach_density",
        "attach_min",
        "attach_margin",
        "attach_strong",
        "attach_mutual",
        "same_words",
        "template_words",
        "apart_words",
        "layout_min",
    ];

    /// Sets the parameter `name` (a field's name, see [`Params::NAMES`]) from its text: the
    /// one way the sweeps of `scripts/crosslingual_sweep.sh` reach every parameter.
    pub fn set(&mut self, name: &str, value: &str) -> crate::Result<()> {
        let bad =
            |e: &dyn std::fmt::Display| crate::Error::Config(format!("cross-lingual parameter {name}={value}: {e}"));
        let f = || value.parse::<f64>().map_err(|e| bad(&e));
        let u = || value.parse::<usize>().map_err(|e| bad(&e));
        match name {
            "min_score" => self.min_score = f()?,
            "ratio" => self.ratio = f()?,
            "per_language" => self.per_language = u()?,
            "max_anchors" => self.max_anchors = u()?,
            "lift" => self.lift = f()?,
            "pivot_weight" => self.pivot_weight = f()?,
            "profile_min" => self.profile_min = f()?,
            "same_language_min" => self.same_language_min = f()?,
            "template_groups" => self.template_groups = u()?,
            "density" => self.density = f()?,
            "min_langs" => self.min_langs = u()?,
            "attach_density" => self.attach_density = f()?,
            "attach_min" => self.attach_min = f()?,
            "attach_margin" => self.attach_margin = f()?,
            "attach_strong" => self.attach_strong = f()?,
            "attach_mutual" => self.attach_mutual = f()?,
            "same_words" => self.same_words = u()?,
            "template_words" => self.template_words = u()?,
            "apart_words" => self.apart_words = u()?,
            "layout_min" => self.layout_min = f()?,
            _ => return Err(bad(&format!("no such parameter (one of {})", Self::NAMES.join(", ")))),
        }
        Ok(())
    }
}

/// What the cross-lingual stage knows of one document (not part of the API: the benches reach
/// it through `neardup::internals`).
#[doc(hidden)]
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocFeatures {
    /// The document's language label: the one given with the record, or else the detector's
    /// ISO 639-3 code (`"und"` when it cannot tell). Labels only ever set two documents apart
    /// in the grouping; their common words decide the rest (see [`words`]).
    pub lang: Arc<str>,
    /// The document's common words (see [`words`]), hashed and sorted.
    pub words: Vec<u64>,
    /// Anchors in text order.
    pub anchors: Vec<Anchor>,
    /// Pivot bag (English words through the lexicon, see [`lexicon`]): `(id, weight)` sorted
    /// by id; empty without a lexicon for the language.
    pub pivots: Vec<(u32, f32)>,
    /// The lengths of its paragraphs (see [`layout`]).
    pub layout: Vec<f32>,
}

/// The output of [`link`].
#[doc(hidden)]
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

/// The features of one document (`max_anchors`: [`Params::max_anchors`]): its repeats (a body
/// carried twice) and the `boilerplate` lines it drops (hashes of normalized lines with the
/// fewest groups of a line dropped, see [`crate::spans::boilerplate`]) are set aside, then the language is identified and the
/// anchors extracted from what is left. `label` is the document's language as the corpus gives it;
/// when it is absent or empty, the `detector`'s is taken. `lines`, where known, are the hashes
/// of the text's lines as the first pass listed them (the boilerplate lines are among such hashes):
/// when none is boilerplate and no repeat is cut, no line is looked up.
#[doc(hidden)]
#[allow(clippy::too_many_arguments)]
pub fn features(
    text: &str,
    label: Option<&str>,
    boilerplate: boilerplate::Strip<'_>,
    lines: Option<&[u64]>,
    seed: u64,
    lexicon: Option<&lexicon::Lexicon>,
    max_anchors: usize,
    ex: &mut anchors::Extractor,
    profiler: &mut words::Profiler,
    detector: &mut identify::Detector<'_>,
) -> DocFeatures {
    // The text's tokens, found once for the repeats and, when nothing is set aside, the
    // dictionary pivots.
    let spans = crate::tokenize::token_spans(text);
    let repeats = find_repeats_in(text, &spans, DEFAULT_WINDOW, DEFAULT_MIN_TOKENS);
    let body = if repeats.is_empty() {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(strip_repeats(text, &repeats))
    };
    let mut cut = Vec::new();
    let may_hold = !repeats.is_empty() || lines.is_none_or(|l| l.iter().any(|&h| boilerplate.drops(h)));
    if may_hold {
        boilerplate::for_each_boilerplate_line(&body, seed, boilerplate.lines, |start, end, groups| {
            if groups >= boilerplate.from {
                cut.push((start, (end + 1).min(body.len())))
            }
        });
    }
    let kept = if cut.is_empty() {
        body
    } else {
        Cow::Owned(remove_ranges(&body, &cut))
    };
    // The language of what is left, or of the whole text when what is left is too little to
    // tell (a page that is mostly template).
    let lang: Arc<str> = match label.filter(|l| !l.is_empty()) {
        Some(l) => Arc::from(l),
        None => Arc::from(match detector.language(&kept) {
            Some(lang) => lang,
            // The detector reads a text's head only: when nothing was set aside there, the
            // whole text would get the same answer.
            None if anchors::same_head(&kept, text) => UNDETERMINED,
            None => detector.language(text).unwrap_or(UNDETERMINED),
        }),
    };
    let mut out = DocFeatures {
        pivots: lexicon
            .map(|l| l.pivot_bag(&lang, &kept, matches!(kept, Cow::Borrowed(_)).then_some(&spans[..])))
            .unwrap_or_default(),
        words: profiler.common_words(&kept),
        layout: layout::layout(&kept),
        lang,
        anchors: Vec::new(),
    };
    ex.extract(&kept, &mut out.anchors);
    // Scoring reads at most `max_anchors` anchors of a document (after the corpus filter);
    // keeping four times that bounds the memory a huge document takes.
    out.anchors.truncate(4 * max_anchors.max(1));
    out.anchors.shrink_to_fit();
    out
}

/// Where a file `scripts/setup.sh` installs is looked for: the path in the environment
/// variable `env`, else `$XDG_DATA_HOME/neardup/NAME`, else `~/.local/share/neardup/NAME`.
fn data_file(env: &str, name: &str) -> Option<std::path::PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        return Some(p.into());
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".local/share")))?;
    Some(base.join("neardup").join(name))
}

/// The language of a document the detector cannot identify reliably.
pub(crate) const UNDETERMINED: &str = "und";

/// Postings entries one document reads to find its candidates.
pub(crate) const POSTINGS_BUDGET: usize = 4096;

/// Distinct anchors an edge's two documents must share: one name or number in common, however
/// often repeated, is a coincidence (four `intro` pages of different man sections linked through
/// their title alone), not a translation. No right edge of NTREX or of the man pages shares fewer
/// than two.
pub(crate) const MIN_SHARED_KEYS: usize = 2;

/// Anchors of the highest weight (`ln(1 + N)`) added to both sides of every score's
/// denominator: a pair that shares two rare anchors out of two is weak evidence, a pair that
/// shares twenty out of twenty-five is strong; without the prior both would score about 1.
pub(crate) const PRIOR_ANCHORS: f32 = 1.5;

/// Finds the cross-lingual links among `docs`; `group[d]` is the same-language group of `d`
/// (documents of one group are never scored against each other).
#[doc(hidden)]
pub fn link(docs: &[DocFeatures], group: &[u32], p: &Params) -> Links {
    link_with(docs, group, p, |links, _| links)
}

/// [`link`], then `then` with the links and the anchor score of any two documents (the score
/// edges are drawn on, without the pivot): what the clusters built from the links report of
/// their members.
pub(crate) fn link_with<T>(
    docs: &[DocFeatures],
    group: &[u32],
    p: &Params,
    then: impl FnOnce(Links, &dyn Fn(u32, u32) -> f32) -> T,
) -> T {
    let n = docs.len();
    let same = SameLanguage::new(docs, p);
    let index = AnchorIndex::build(docs, group, &same, p.max_anchors, p.template_groups);
    let (pairs, complete) = index.candidates(group, &same, p.per_language);
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
    let same_fn = |a: u32, b: u32| same.same(a, b);
    let admit = |a: u32, b: u32| {
        let (shared, profile) = index.overlap(a as usize, b as usize);
        shared >= MIN_SHARED_KEYS && profile as f64 >= p.profile_min
    };
    let scored = Scored::new(n, &pairs, &scores, &same.label, &same_fn);
    let edges = mutual_best(&scored, &anchor_scores, &complete, group, &admit, p);
    // Scored on demand while grouping (single-threaded), with one scratch space.
    let scratch = std::cell::RefCell::new(ScoreScratch::default());
    let same_language = |a: u32, b: u32| index.score(a as usize, b as usize, prior, &mut scratch.borrow_mut());
    let layouts = |d: u32| docs[d as usize].layout.as_slice();
    let joins = join_groups(group, &edges, &scored, &same_fn, &same_language, &layouts, p);
    let links = Links {
        joins,
        edges,
        candidate_pairs: pairs.len(),
    };
    then(links, &same_language)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spans::HashKeyed;

    /// A document of `lang` whose anchors are the strong `keys`.
    fn doc(lang: &'static str, keys: &[u64]) -> DocFeatures {
        DocFeatures {
            lang: Arc::from(lang),
            words: Vec::new(),
            anchors: keys.iter().map(|&key| Anchor { key, strong: true }).collect(),
            ..DocFeatures::default()
        }
    }

    #[test]
    fn every_parameter_can_be_set_by_name() {
        for name in Params::NAMES {
            let mut p = Params::default();
            p.set(name, "7").unwrap();
            assert_ne!(p, Params::default(), "{name} did not change");
        }
        let mut p = Params::default();
        assert!(p.set("no_such", "1").is_err());
        assert!(p.set("per_language", "0.5").is_err());
        assert!(p.set("layout_min", "high").is_err());
        assert_eq!(p, Params::default());
    }

    #[test]
    fn the_first_pass_lines_only_skip_the_look_up() {
        let text = "Senator Warren said on Saturday in Boston that she will run in 2028.\n\
                    Share this page with your friends\nThe Boston Globe reported it first on 12 May.";
        // The first pass lists the lines of the normalized text.
        let (mut norm, mut spans) = (String::new(), Vec::new());
        crate::normalize::normalize_into(text, &mut norm);
        crate::tokenize::Shingler::new(5, 5, 7).load_lines(&norm, &mut spans);
        let lines: Vec<u64> = spans.iter().map(|l| l.hash).collect();
        assert_eq!(lines.len(), 3);
        let run = |boilerplate: &HashKeyed<u32>, lines: Option<&[u64]>| {
            let (mut ex, mut profiler) = (anchors::Extractor::new(), words::Profiler::default());
            features(
                text,
                Some("eng"),
                boilerplate::Strip {
                    lines: boilerplate,
                    from: 0,
                },
                lines,
                7,
                None,
                1024,
                &mut ex,
                &mut profiler,
                &mut identify::Detector::new(None),
            )
        };
        // The share line is boilerplate: it is cut whether or not the first pass's lines are given.
        let share: HashKeyed<u32> = [(lines[1], 3)].into_iter().collect();
        assert_eq!(run(&share, Some(&lines)), run(&share, None));
        assert_ne!(run(&share, None), run(&HashKeyed::default(), None));
        // A boilerplate line the document does not hold: nothing is cut, looked up or not.
        let other: HashKeyed<u32> = [(lines[1] ^ 1, 3)].into_iter().collect();
        assert_eq!(run(&other, Some(&lines)), run(&other, None));
        assert_eq!(run(&other, None), run(&HashKeyed::default(), None));
    }

    /// The mutual-best edges of `docs` (each its own group) as pairs.
    fn edges_of(docs: &[DocFeatures], p: &Params) -> Vec<(u32, u32)> {
        let group: Vec<u32> = (0..docs.len() as u32).collect();
        link(docs, &group, p).edges.iter().map(|e| (e.0, e.1)).collect()
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
}
