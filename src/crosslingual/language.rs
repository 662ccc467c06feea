//! Which documents of a corpus are in one language, as the linking and grouping rules of the
//! cross-lingual stage read it.
//!
//! In: every document's label and common words ([`super::DocFeatures`]). Out: the
//! same-language test of two documents ([`SameLanguage`]) and the sorting of documents into
//! languages by that test ([`Languages`], and [`LabelledLanguages`] where the test is
//! [`SameLanguage::same`]).

use super::{DocFeatures, Params, UNDETERMINED, words};

/// The same-language test the linking and grouping rules read, from two sources: the labels
/// ([`DocFeatures::lang`]) and the documents' common words ([`words`]). Labels only ever set
/// two documents apart (two different known labels are two languages); the text decides the
/// rest, so documents the detector cannot name take part, neighbours a detector lumps together
/// (Bashkir and Russian, Fijian and Tagalog) are told apart, and a corpus whose labels say
/// nothing (one placeholder for every record) is grouped by its text alone:
/// - one language: no two different labels, and at least [`Params::same_words`] common words
///   in common (for the template rule, [`Params::template_words`]: stricter, so that an
///   article's translations into closely related languages are not taken for one language
///   repeating a template);
/// - surely two languages (candidates of a translation): two different labels, or at most
///   [`Params::apart_words`] common words in common.
///
/// A document with neither a label nor words (only numbers) takes no part.
pub(crate) struct SameLanguage<'a> {
    docs: &'a [DocFeatures],
    /// Each document's label as a small id (`u32::MAX`: [`UNDETERMINED`]).
    pub(super) label: Vec<u32>,
    /// Each document's common words, ready for the test (see [`words::WordSet`]).
    sets: Vec<words::WordSet<'a>>,
    /// How many distinct labels `label` holds (ids `0..labels`).
    labels: usize,
    same_words: usize,
    apart_words: usize,
    template_words: usize,
}

impl<'a> SameLanguage<'a> {
    pub(crate) fn new(docs: &'a [DocFeatures], p: &Params) -> Self {
        let mut ids: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
        let label = docs
            .iter()
            .map(|d| match &*d.lang {
                UNDETERMINED => u32::MAX,
                l => {
                    let next = ids.len() as u32;
                    *ids.entry(l).or_insert(next)
                }
            })
            .collect();
        let sets = docs.iter().map(|d| words::WordSet::new(&d.words)).collect();
        SameLanguage {
            docs,
            label,
            sets,
            labels: ids.len(),
            same_words: p.same_words,
            apart_words: p.apart_words,
            template_words: p.template_words,
        }
    }

    fn labels_differ(&self, a: u32, b: u32) -> bool {
        let (x, y) = (self.label[a as usize], self.label[b as usize]);
        x != u32::MAX && y != u32::MAX && x != y
    }

    /// Whether documents `a` and `b` share at least `k` common words.
    fn shares(&self, a: u32, b: u32, k: usize) -> bool {
        self.sets[a as usize].shares_at_least(&self.sets[b as usize], k)
    }

    /// Whether document `d` has a language at all.
    pub(super) fn known(&self, d: u32) -> bool {
        self.label[d as usize] != u32::MAX || !self.docs[d as usize].words.is_empty()
    }

    /// Whether documents `a` and `b` are surely in two languages (candidates of a translation).
    pub(super) fn differ(&self, a: u32, b: u32) -> bool {
        self.known(a) && self.known(b) && (self.labels_differ(a, b) || !self.shares(a, b, self.apart_words + 1))
    }

    /// Whether documents `a` and `b` are in one language.
    pub(super) fn same(&self, a: u32, b: u32) -> bool {
        self.same_with(a, b, self.same_words)
    }

    /// Whether documents `a` and `b` are in one language, as the template rule reads it.
    pub(super) fn same_for_templates(&self, a: u32, b: u32) -> bool {
        self.same_with(a, b, self.template_words)
    }

    /// No two different labels, and at least `words` common words shared.
    fn same_with(&self, a: u32, b: u32, words: usize) -> bool {
        !self.labels_differ(a, b) && self.shares(a, b, words)
    }
}

/// Documents sorted into languages as they come: each joins the first earlier language whose
/// first document it is alike (by a same-language test), or starts one. The one way the
/// candidates, the template rule and the grouping count languages.
#[derive(Default)]
pub(crate) struct Languages(Vec<u32>);

impl Languages {
    /// The index of `d`'s language (in order of first appearance).
    pub(crate) fn of(&mut self, d: u32, same: impl Fn(u32, u32) -> bool) -> usize {
        match self.0.iter().position(|&r| same(r, d)) {
            Some(i) => i,
            None => {
                self.0.push(d);
                self.0.len() - 1
            }
        }
    }

    /// How many languages were met.
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }
}

/// [`Languages`] under the test [`SameLanguage::same`], with the same answers: a document is
/// only ever alike the first documents of languages that carry its label or none (two
/// different known labels are two languages), so it is tested against those alone, in the
/// order the languages were met. Kept between uses (see [`LabelledLanguages::clear`]), so
/// that sorting a document's candidates allocates nothing.
#[derive(Default)]
pub(crate) struct LabelledLanguages {
    /// The first document of each language, in order of first appearance.
    firsts: Vec<u32>,
    /// Per language, the next language whose first document carries the same label
    /// (`u32::MAX`: none).
    next: Vec<u32>,
    /// Per label id (the last slot: no label), when `stamp` is current, the first and the
    /// last language of that label.
    chains: Vec<(u32, u32, u32)>,
    stamp: u32,
}

impl LabelledLanguages {
    /// Forgets the languages met; `same` is the test the next calls of
    /// [`LabelledLanguages::of`] read.
    pub(crate) fn clear(&mut self, same: &SameLanguage<'_>) {
        self.firsts.clear();
        self.next.clear();
        if self.chains.len() != same.labels + 1 || self.stamp == u32::MAX {
            self.chains = vec![(0, 0, 0); same.labels + 1];
            self.stamp = 0;
        }
        self.stamp += 1;
    }

    /// The first and last language of label slot `slot`, if any.
    fn chain(&self, slot: usize) -> Option<(u32, u32)> {
        let (stamp, first, last) = self.chains[slot];
        (stamp == self.stamp).then_some((first, last))
    }

    /// The index of `d`'s language: the first language met whose first document is
    /// [`SameLanguage::same`] as `d`, or a new one.
    pub(crate) fn of(&mut self, d: u32, same: &SameLanguage<'_>) -> usize {
        let unlabelled = same.labels;
        let label = same.label[d as usize];
        let found = if label == u32::MAX {
            self.firsts.iter().position(|&r| same.same(r, d))
        } else {
            // The languages of `d`'s label and those without a label, merged in order.
            let head = |c: Option<(u32, u32)>| c.map_or(u32::MAX, |(first, _)| first);
            let (mut x, mut y) = (head(self.chain(label as usize)), head(self.chain(unlabelled)));
            let mut found = None;
            while x != u32::MAX || y != u32::MAX {
                let i = x.min(y);
                if x < y {
                    x = self.next[i as usize];
                } else {
                    y = self.next[i as usize];
                }
                if same.same(self.firsts[i as usize], d) {
                    found = Some(i as usize);
                    break;
                }
            }
            found
        };
        found.unwrap_or_else(|| {
            let i = self.firsts.len() as u32;
            self.firsts.push(d);
            self.next.push(u32::MAX);
            let slot = if label == u32::MAX { unlabelled } else { label as usize };
            match self.chain(slot) {
                Some((first, last)) => {
                    self.next[last as usize] = i;
                    self.chains[slot] = (self.stamp, first, i);
                }
                None => self.chains[slot] = (self.stamp, i, i),
            }
            i as usize
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn labels_only_set_documents_apart_and_words_decide_the_rest() {
        let w = |seed: u64| -> Vec<u64> {
            let mut v: Vec<u64> = (0..20)
                .map(|k| xxhash_rust::xxh3::xxh3_64_with_seed(&[1], seed * 100 + k))
                .collect();
            v.sort_unstable();
            v
        };
        let d = |lang: &str, words: Vec<u64>| DocFeatures {
            lang: Arc::from(lang),
            words,
            ..DocFeatures::default()
        };
        // 0 and 1 share their common words (one language) under one placeholder label; 2 is
        // in another language under the same label; 3 in the first language under another
        // label; 4 in the first language without a label; 5 has neither label nor words.
        let docs = [
            d("zz", w(1)),
            d("zz", w(1)),
            d("zz", w(2)),
            d("yy", w(1)),
            d(UNDETERMINED, w(1)),
            d(UNDETERMINED, vec![]),
        ];
        let s = SameLanguage::new(&docs, &Params::default());
        assert!(s.same(0, 1) && !s.differ(0, 1));
        assert!(!s.same(0, 2) && s.differ(0, 2));
        assert!(!s.same(0, 3) && s.differ(0, 3));
        assert!(s.same(0, 4) && !s.differ(0, 4));
        assert!(!s.known(5) && !s.differ(0, 5));
    }

    proptest::proptest! {
        /// The labelled sorter gives [`Languages`]' answers under the same test, through
        /// clears, whatever the labels (some missing) and words.
        #[test]
        fn labelled_languages_answer_as_languages(
            docs in proptest::collection::vec((0usize..4, proptest::collection::vec(0u64..40, 0..8)), 1..40),
            order in proptest::collection::vec(0u32..40, 0..80),
        ) {
            let labels = ["aaa", "bbb", "ccc", UNDETERMINED];
            let docs: Vec<DocFeatures> = docs
                .iter()
                .map(|(l, w)| {
                    // Few distinct words, so that documents share some of them and not others.
                    let mut words: Vec<u64> = w.iter().map(|&x| xxhash_rust::xxh3::xxh3_64(&x.to_le_bytes())).collect();
                    words.sort_unstable();
                    words.dedup();
                    DocFeatures { lang: Arc::from(labels[*l]), words, ..DocFeatures::default() }
                })
                .collect();
            let p = Params { same_words: 2, ..Params::default() };
            let same = SameLanguage::new(&docs, &p);
            let mut labelled = LabelledLanguages::default();
            for part in order.chunks(13) {
                labelled.clear(&same);
                let mut plain = Languages::default();
                for &d in part {
                    let d = d % docs.len() as u32;
                    proptest::prop_assert_eq!(labelled.of(d, &same), plain.of(d, |r, d| same.same(r, d)));
                }
            }
        }
    }
}
