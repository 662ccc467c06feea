//! The anchor index of the cross-lingual stage: the corpus filter, the template filter,
//! candidate pairs and the order-aware score.
//!
//! In: every document's anchors and language ([`super::DocFeatures`]) and its
//! same-language group. Out: per document its filtered key sequence, per key its weight, the
//! candidate pairs, and scores of pairs on demand.

#[cfg(test)]
use super::Params;
use super::{DocFeatures, LabelledLanguages, Languages, POSTINGS_BUDGET, SameLanguage};
use crate::spans::IdKeyed;
use rayon::prelude::*;
use std::collections::HashMap;

struct KeyStat {
    id: u32,
    df: u32,
    /// The first document holding the key.
    first: u32,
    /// Whether a document in another language than `first` holds it too.
    crosses: bool,
    /// Documents where the key occurs as a strong anchor.
    strong: u32,
}

/// The anchors of a corpus after the corpus filter: key ids in text order, and per key its
/// weight and document frequency.
pub(super) struct AnchorIndex {
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
pub(super) struct ScoreScratch {
    row: Vec<f32>,
    a: Vec<u32>,
    b: Vec<u32>,
    /// Per key, the call of [`AnchorIndex::score`] that last found it shared (see `call`).
    shared: Vec<u32>,
    call: u32,
}

impl AnchorIndex {
    pub(super) fn build(
        docs: &[DocFeatures],
        group: &[u32],
        same: &SameLanguage<'_>,
        max_anchors: usize,
        template_groups: usize,
    ) -> Self {
        let n = docs.len();
        let mut stats: HashMap<u64, KeyStat> = HashMap::new();
        let mut distinct: Vec<(u64, bool)> = Vec::new();
        for (d, doc) in docs.iter().enumerate() {
            let d = d as u32;
            distinct.clear();
            distinct.extend(doc.anchors.iter().map(|a| (a.key, a.strong)));
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
                    first: d,
                    crosses: false,
                    strong: 0,
                });
                s.df += 1;
                s.strong += u32::from(strong);
                if !s.crosses && s.first != d && same.differ(s.first, d) {
                    s.crosses = true;
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
            if 2 * s.strong >= s.df && s.crosses {
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
        let seqs: Vec<Vec<u32>> = strip_templates(seqs, group, same, template_groups)
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
    pub(super) fn from_seqs(seqs: Vec<Vec<u32>>, weight: Vec<f32>, df: Vec<u32>) -> Self {
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

    /// Candidate pairs `(a, b)`, `a < b`, sorted: for each document, the `per_language`
    /// documents of each other language (by the same-language test, not by a label) with the
    /// most anchor weight in common, among its [`RANKED`] best. A document reads the postings
    /// of its keys rarest first, up to [`POSTINGS_BUDGET`] entries, so its work is bounded
    /// whatever the corpus size and its rarest (most telling) anchors always count.
    ///
    /// Also, per document, whether its candidates were drawn from every document it shares an
    /// anchor with: its postings read whole, and every document met examined before its
    /// [`RANKED`] best were taken. Only then is the median of its candidates' scores a
    /// background (see [`super::Params::lift`]).
    pub(super) fn candidates(
        &self,
        group: &[u32],
        same: &SameLanguage<'_>,
        per_language: usize,
    ) -> (Vec<(u32, u32)>, Vec<bool>) {
        let n = group.len();
        let mut postings: Vec<Vec<u32>> = vec![Vec::new(); self.weight.len()];
        for (d, keys) in self.key_sets.iter().enumerate() {
            for &k in keys {
                postings[k as usize].push(d as u32);
            }
        }
        let per_doc: Vec<(Vec<(u32, u32)>, bool)> = (0..n as u32)
            .into_par_iter()
            .map_init(
                || CandidateScratch::new(n),
                |scratch, d| self.candidates_of(d, &postings, group, same, per_language, scratch),
            )
            .collect();
        let complete = per_doc.iter().map(|p| p.1).collect();
        let mut pairs: Vec<(u32, u32)> = per_doc.into_iter().flat_map(|p| p.0).collect();
        pairs.sort_unstable();
        pairs.dedup();
        (pairs, complete)
    }

    /// The candidates of document `d` (see [`AnchorIndex::candidates`]), as pairs `(min, max)`,
    /// and whether they are complete.
    /// The weights shared with every document met are summed first (in a dense scratch
    /// array); the language test then runs on the best of them only, in rank order, until
    /// [`RANKED`] have passed: the same candidates as testing every document met.
    fn candidates_of(
        &self,
        d: u32,
        postings: &[Vec<u32>],
        group: &[u32],
        same: &SameLanguage<'_>,
        per_language: usize,
        scratch: &mut CandidateScratch,
    ) -> (Vec<(u32, u32)>, bool) {
        let du = d as usize;
        if !same.known(d) {
            return (Vec::new(), false);
        }
        let CandidateScratch {
            acc,
            seen,
            met,
            keys,
            langs,
            taken,
        } = scratch;
        met.clear();
        keys.clear();
        keys.extend_from_slice(&self.key_sets[du]);
        keys.sort_unstable_by_key(|&k| (self.df[k as usize], k));
        let mut budget = POSTINGS_BUDGET;
        let mut read_whole = true;
        for &k in keys.iter() {
            let list = &postings[k as usize];
            if list.len() > budget {
                read_whole = false;
                break;
            }
            budget -= list.len();
            let w = self.weight[k as usize];
            for &e in list {
                if !std::mem::replace(&mut seen[e as usize], true) {
                    met.push(u64::from(e));
                }
                acc[e as usize] += w;
            }
        }
        // Each document met with its summed weight, as one sort key: the weight's bits
        // complemented above the document, so that ascending keys are descending weights, ties
        // by document (a sum of positive weights is a non-negative float, whose bits order as
        // its value). The dense arrays are cleared for the next document.
        for m in met.iter_mut() {
            let e = *m as usize;
            seen[e] = false;
            let w = std::mem::take(&mut acc[e]);
            *m |= u64::from(!w.to_bits()) << 32;
        }
        let passes = |e: u32| group[e as usize] != group[du] && same.differ(d, e);
        // The best RANKED documents that pass the test, in rank order: sort the met ones a
        // chunk at a time, best chunk first.
        let mut ranked: Vec<u32> = Vec::with_capacity(RANKED);
        let mut rest = &mut met[..];
        while ranked.len() < RANKED && !rest.is_empty() {
            let take = (RANKED - ranked.len()).min(rest.len());
            if take < rest.len() {
                rest.select_nth_unstable(take - 1);
            }
            let (chunk, tail) = rest.split_at_mut(take);
            chunk.sort_unstable();
            ranked.extend(chunk.iter().map(|&m| m as u32).filter(|&e| passes(e)));
            rest = tail;
        }
        let complete = read_whole && rest.is_empty();
        // The best `per_language` of each language, in rank order.
        langs.clear(same);
        taken.clear();
        let mut out = Vec::new();
        for e in ranked {
            let l = langs.of(e, same);
            if l == taken.len() {
                taken.push(0);
            }
            if taken[l] < per_language {
                taken[l] += 1;
                out.push((d.min(e), d.max(e)));
            }
        }
        (out, complete)
    }

    /// The order-aware score of a pair, `2·LCS_w / (W(a) + W(b) + 2·prior)`.
    /// The common subsequence is computed on the two sequences reduced to the keys both hold
    /// (the same LCS: other anchors never match), which keeps the quadratic step small.
    pub(super) fn score(&self, a: usize, b: usize, prior: f32, s: &mut ScoreScratch) -> f32 {
        let denom = self.mass[a] + self.mass[b] + 2.0 * prior;
        if denom <= 0.0 {
            return 0.0;
        }
        // Mark the keys both hold (one merge of the sorted key sets), then keep the marked
        // ones of each sequence.
        if s.shared.len() != self.weight.len() || s.call == u32::MAX {
            s.shared = vec![0; self.weight.len()];
            s.call = 0;
        }
        s.call += 1;
        let (call, shared) = (s.call, &mut s.shared);
        for_common(
            &self.key_sets[a],
            &self.key_sets[b],
            |&k| k,
            |i, _| shared[self.key_sets[a][i] as usize] = call,
        );
        let shared = &s.shared;
        s.a.clear();
        s.a.extend(self.seqs[a].iter().copied().filter(|&k| shared[k as usize] == call));
        s.b.clear();
        s.b.extend(self.seqs[b].iter().copied().filter(|&k| shared[k as usize] == call));
        2.0 * weighted_lcs(&s.a, &s.b, &self.weight, &mut s.row) / denom
    }

    /// The frequency profile alone (see [`AnchorIndex::overlap`]).
    #[cfg(test)]
    pub(super) fn profile(&self, a: usize, b: usize) -> f32 {
        self.overlap(a, b).1
    }

    /// How many distinct keys the two documents share, and their frequency profile: how alike
    /// they use those anchors, the cosine of their `(1 + ln tf) · idf` vectors over the shared
    /// keys only (1 when they share none). One walk over the two key sets.
    pub(super) fn overlap(&self, a: usize, b: usize) -> (usize, f32) {
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
pub(super) struct PivotIndex {
    vecs: Vec<Vec<(u32, f32)>>,
}

impl PivotIndex {
    pub(super) fn build(docs: &[DocFeatures]) -> Self {
        let with = docs.iter().filter(|d| !d.pivots.is_empty()).count().max(1);
        let mut df: IdKeyed<u32> = IdKeyed::default();
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
    pub(super) fn cosine(&self, a: usize, b: usize) -> Option<f32> {
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
/// corpus filter) that occurs in more than `max_groups` same-language groups *of one language*,
/// from the documents of that language (by the same-language test: the holders of a trigram
/// are sorted into languages, each holder joining the first earlier one it is alike). The
/// trigram stays in the documents of other languages, so that an article translated into a
/// few closely related languages, which the test may take for one, keeps its anchors in all
/// the others. A page template (a man page footer with
/// its version, year and licence; a site's share bar) repeats one anchor sequence in many
/// pages of each language, and would otherwise make unrelated pages look like translations of
/// each other; the names and figures of one article occur once per language, or a few times
/// where outlets translated it independently. This is the boilerplate rule of
/// [`crate::spans::boilerplate`] (count per group, drop what many groups share) applied to
/// anchor trigrams, within each language.
fn strip_templates(seqs: Vec<Vec<u32>>, group: &[u32], same: &SameLanguage<'_>, max_groups: usize) -> Vec<Vec<u32>> {
    let tri = |s: &[u32], i: usize| (u64::from(s[i]) << 42) ^ (u64::from(s[i + 1]) << 21) ^ u64::from(s[i + 2]);
    // (trigram, group, document): the first document of each group stands for it.
    let mut seen: Vec<(u64, u32, u32)> = seqs
        .iter()
        .enumerate()
        .flat_map(|(d, s)| (0..s.len().saturating_sub(2)).map(move |i| (tri(s, i), group[d], d as u32)))
        .collect();
    seen.sort_unstable();
    seen.dedup_by(|later, earlier| later.0 == earlier.0 && later.1 == earlier.1);
    // (trigram, group) where the trigram is template.
    let mut template: std::collections::HashSet<(u64, u32)> = std::collections::HashSet::new();
    for run in seen.chunk_by(|a, b| a.0 == b.0) {
        if run.len() <= max_groups {
            continue;
        }
        // The holders' groups, per language.
        let (mut langs, mut groups_of) = (Languages::default(), Vec::<Vec<u32>>::new());
        for &(_, g, d) in run {
            let l = langs.of(d, |r, d| same.same_for_templates(r, d));
            if l == groups_of.len() {
                groups_of.push(Vec::new());
            }
            groups_of[l].push(g);
        }
        for groups in &groups_of {
            if groups.len() > max_groups {
                template.extend(groups.iter().map(|&g| (run[0].0, g)));
            }
        }
    }
    if template.is_empty() {
        return seqs;
    }
    seqs.into_iter()
        .enumerate()
        .map(|(d, s)| {
            let mut drop = vec![false; s.len()];
            for i in 0..s.len().saturating_sub(2) {
                if template.contains(&(tri(&s, i), group[d])) {
                    drop[i..i + 3].iter_mut().for_each(|d| *d = true);
                }
            }
            s.into_iter().zip(drop).filter(|&(_, d)| !d).map(|(k, _)| k).collect()
        })
        .collect()
}

/// Scratch space of [`AnchorIndex::candidates_of`]: the weight shared with each document met
/// (zero for the others), the documents met (with their weights once summed), and the keys in
/// the order they are read.
pub(super) struct CandidateScratch {
    acc: Vec<f32>,
    seen: Vec<bool>,
    /// The documents met, each packed with its summed weight (see `candidates_of`).
    met: Vec<u64>,
    keys: Vec<u32>,
    langs: LabelledLanguages,
    /// Candidates taken per language (see [`AnchorIndex::candidates_of`]).
    taken: Vec<usize>,
}

impl CandidateScratch {
    fn new(n: usize) -> Self {
        CandidateScratch {
            acc: vec![0.0; n],
            seen: vec![false; n],
            met: Vec::new(),
            keys: Vec::new(),
            langs: LabelledLanguages::default(),
            taken: Vec::new(),
        }
    }
}

/// Candidates a document ranks by shared anchor weight before taking the best of each
/// language: bounds the candidates of a document, and so the pairs scored, whatever the number
/// of languages. On NTREX dev 48 to 256 give results within 0.004 in every mode (32 loses
/// 0.0036 recall on the 28 earlier variants), the man pages within 0.006 (see
/// docs/crosslingual.md).
pub(crate) const RANKED: usize = 64;

/// [`crate::signature::for_common`] over the whole lists.
fn for_common<T>(a: &[T], b: &[T], key: impl Fn(&T) -> u32, mut f: impl FnMut(usize, usize)) {
    crate::signature::for_common(a, b, key, |i, j| {
        f(i, j);
        std::ops::ControlFlow::Continue(())
    });
}

/// Weight of the heaviest common subsequence of `a` and `b` (`row` is scratch space).
pub(crate) fn weighted_lcs(a: &[u32], b: &[u32], weight: &[f32], row: &mut Vec<f32>) -> f32 {
    // A common prefix is matched whole by some heaviest common subsequence (exchange argument:
    // a subsequence that leaves a[0] = b[0] unmatched, or matches either elsewhere, can match
    // the two together instead, at the same or more weight), and so is a common suffix. The
    // prefix's weight is where the recurrence starts, summed in the order it would sum it.
    let p = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let base = a[..p].iter().fold(0.0f32, |s, &k| s + weight[k as usize]);
    let (a, b) = (&a[p..], &b[p..]);
    let q = a.iter().rev().zip(b.iter().rev()).take_while(|(x, y)| x == y).count();
    let (a, b, suffix) = (&a[..a.len() - q], &b[..b.len() - q], &a[a.len() - q..]);
    let add_suffix = |s: f32| suffix.iter().fold(s, |s, &k| s + weight[k as usize]);
    if a.is_empty() || b.is_empty() {
        return add_suffix(base);
    }
    add_suffix(lcs_rows(a, b, base, weight, row))
}

/// The recurrence of [`weighted_lcs`] over all of `a` and `b`, from `base`.
fn lcs_rows(a: &[u32], b: &[u32], base: f32, weight: &[f32], row: &mut Vec<f32>) -> f32 {
    // row[j] = best over a[..i] and b[..j]; one row, with the diagonal carried along.
    row.clear();
    row.resize(b.len() + 1, base);
    // Branch-free: on a match `diag + wx` is at least `up` and `left` (the chains those hold
    // gain at most this key's weight, and rounding is monotonic), so the maximum of the three
    // is the recurrence's value either way. Plain comparisons, not `f32::max` (whose NaN
    // handling costs more than the cell): the values are sums of finite, non-negative weights.
    #[inline(always)]
    fn cell(up: f32, left: f32, diag: f32, matches: bool, wx: f32) -> f32 {
        let best = if up > left { up } else { left };
        let matched = if matches { diag + wx } else { 0.0 };
        if matched > best { matched } else { best }
    }
    // Two rows at a time: each row's cells form a chain (a cell needs the one to its left),
    // and the second row's cell needs only the first row's cell above it, so the two chains
    // run side by side, one cell apart. Each cell is computed from the same values as one row
    // at a time would: the same result, to the bit. An odd last row is paired with a row that
    // matches nothing, which copies the row above it (a row never falls from left to right,
    // so each of its cells is the cell above).
    for pair in a.chunks(2) {
        let (x1, x2) = (pair[0], pair.get(1).copied());
        let (w1, w2) = (weight[x1 as usize], x2.map_or(0.0, |x| weight[x as usize]));
        // `left` is the row's cell to the left, `diag` the cell above that one.
        let (mut diag1, mut left1, mut diag2, mut left2) = (base, base, base, base);
        for (&y, cell_j) in b.iter().zip(row[1..].iter_mut()) {
            let up = *cell_j;
            let v1 = cell(up, left1, diag1, x1 == y, w1);
            (diag1, left1) = (up, v1);
            let v2 = cell(v1, left2, diag2, x2 == Some(y), w2);
            (diag2, left2) = (v1, v2);
            *cell_j = v2;
        }
    }
    row[b.len()]
}
#[cfg(test)]
mod tests {
    use super::*;

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

    /// Documents labelled `langs`, each its own group, whose common words are those of their
    /// label (twenty words per language, none shared between languages).
    fn labelled(langs: &[&str]) -> (Vec<DocFeatures>, Vec<u32>) {
        let docs = langs
            .iter()
            .map(|&l| DocFeatures {
                lang: std::sync::Arc::from(l),
                words: {
                    let mut w: Vec<u64> = (0..20)
                        .map(|k| xxhash_rust::xxh3::xxh3_64_with_seed(l.as_bytes(), k))
                        .collect();
                    w.sort_unstable();
                    w
                },
                ..DocFeatures::default()
            })
            .collect();
        (docs, (0..langs.len() as u32).collect())
    }

    #[test]
    fn a_template_leaves_only_the_language_it_crowds() {
        // Trigram 1-2-3 in four pages of language aaa (a footer), once in bbb and ccc, then
        // the pages' own anchors.
        let (docs, group) = labelled(&["aaa", "aaa", "aaa", "aaa", "bbb", "ccc"]);
        let same = SameLanguage::new(&docs, &Params::default());
        let seqs: Vec<Vec<u32>> = (0..6).map(|d| vec![1, 2, 3, 10 + d]).collect();
        let out = strip_templates(seqs.clone(), &group, &same, 3);
        for (d, seq) in out.iter().enumerate().take(4) {
            assert_eq!(seq, &[10 + d as u32], "doc {d}");
        }
        assert_eq!(out[4], seqs[4]);
        assert_eq!(out[5], seqs[5]);
        // In three pages of aaa it is no template.
        let (docs, group) = labelled(&["aaa", "aaa", "aaa", "bbb"]);
        let same = SameLanguage::new(&docs, &Params::default());
        assert_eq!(strip_templates(seqs[..4].to_vec(), &group, &same, 3), seqs[..4]);
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
        // A common prefix and suffix around a middle that needs the recurrence.
        assert_eq!(
            weighted_lcs(&[0, 1, 2, 3, 1, 0], &[0, 1, 3, 2, 1, 0], &w, &mut row),
            10.0
        );
    }

    proptest::proptest! {
        /// The common prefix and suffix set aside change nothing: the same weight as the
        /// whole recurrence (integer weights, so that sums are exact in any order).
        #[test]
        fn weighted_lcs_is_the_textbook_recurrence(
            a in proptest::collection::vec(0u32..5, 0..24),
            b in proptest::collection::vec(0u32..5, 0..24),
        ) {
            let w = [1.0, 2.0, 3.0, 4.0, 5.0];
            let mut t = vec![vec![0f32; b.len() + 1]; a.len() + 1];
            for i in 1..=a.len() {
                for j in 1..=b.len() {
                    t[i][j] = t[i - 1][j].max(t[i][j - 1]);
                    if a[i - 1] == b[j - 1] {
                        t[i][j] = t[i][j].max(t[i - 1][j - 1] + w[a[i - 1] as usize]);
                    }
                }
            }
            proptest::prop_assert_eq!(weighted_lcs(&a, &b, &w, &mut Vec::new()), t[a.len()][b.len()]);
        }

        /// Two rows at a time give the one-row recurrence's value to the bit, with weights
        /// whose sums round.
        #[test]
        fn two_rows_at_a_time_are_the_one_row_recurrence_to_the_bit(
            a in proptest::collection::vec(0u32..6, 0..40),
            b in proptest::collection::vec(0u32..6, 0..40),
            w in proptest::collection::vec(0.001f32..9.0, 6),
            base in 0f32..5.0,
        ) {
            let mut row = vec![base; b.len() + 1];
            for &x in &a {
                let (mut diag, mut left) = (base, base);
                for (&y, cell) in b.iter().zip(row[1..].iter_mut()) {
                    let up = *cell;
                    let mut v = up.max(left);
                    if x == y {
                        v = v.max(diag + w[x as usize]);
                    }
                    (diag, left, *cell) = (up, v, v);
                }
            }
            let got = lcs_rows(&a, &b, base, &w, &mut Vec::new());
            proptest::prop_assert_eq!(got.to_bits(), row[b.len()].to_bits());
        }
    }
}
