//! Linking and grouping of the cross-lingual stage: from scored candidate pairs to the
//! documents whose groups are one article.
//!
//! In: the candidate pairs with their scores, each document's same-language group and a
//! same-language test over pairs of documents. Out: the mutual-best edges and the pairs of
//! documents whose groups join. The rules read languages only through that test ("in the
//! language of `b`" is "the test holds with `b`"), never as a list of codes.

use super::{Languages, Params};
use crate::cluster::UnionFind;
use rayon::prelude::*;
use std::collections::HashMap;

/// The pairs whose anchor score is at least `min_score`, whose score is within `ratio` of
/// the best score each side reached in the other's language (and `lift` times the median of
/// each side whose candidates are `complete`), and that `admit` lets through (shared anchors
/// and their frequency profile). The dictionary pivot ranks a document's matches but never
/// makes an edge alone.
pub(super) fn mutual_best(
    scored: &Scored<'_>,
    anchor_scores: &[f32],
    complete: &[bool],
    group: &[u32],
    admit: &dyn Fn(u32, u32) -> bool,
    p: &Params,
) -> Vec<(u32, u32, f32)> {
    let (pairs, scores) = (scored.pairs, scored.scores);
    let ratio = p.ratio as f32;
    let lift = p.lift as f32;
    // Each background once per document (not once per pair it is in): none where the
    // candidates are not complete (the test is not read there), nor where they are all one
    // same-language group (the copies of one page: a document whose only candidates are its
    // translation's copies has nothing to compare them with).
    let floor: Vec<f32> = (0..complete.len() as u32)
        .into_par_iter()
        .map(|d| match complete[d as usize] && scored.has_candidates(d) {
            true => scored.median(d, group).map_or(f32::NEG_INFINITY, |m| lift * m),
            false => f32::NEG_INFINITY,
        })
        .collect();
    pairs
        .iter()
        .zip(scores)
        .zip(anchor_scores)
        .enumerate()
        .filter(|&(i, ((&(a, b), &s), &anchor))| {
            anchor as f64 >= p.min_score
                && scored.mutual(i, ratio)
                && s >= floor[a as usize]
                && s >= floor[b as usize]
                && admit(a, b)
        })
        .map(|(_, ((&(a, b), &s), _))| (a, b, s))
        .collect()
}

/// The candidate pairs with their scores, and the question linking (mutual best edges) and
/// grouping (mutual best matches of an attachment) ask of them: is the pair within `ratio` of
/// both documents' best score in the other's language? Answered on demand (most pairs are
/// never asked: an edge needs [`Params::min_score`] first), from each document's candidates
/// sorted best first.
pub(super) struct Scored<'a> {
    pub(super) pairs: &'a [(u32, u32)],
    pub(super) scores: &'a [f32],
    /// Per document its candidates `(score, other)`, best first (ties by document).
    by_doc: Vec<Vec<(f32, u32)>>,
    /// Per document the positions of its candidates in `by_doc`, sorted by `(label, position)`.
    by_label: Vec<Vec<(u32, u32)>>,
    labels: &'a [u32],
    same: &'a (dyn Fn(u32, u32) -> bool + Sync),
}

impl<'a> Scored<'a> {
    /// `labels[d]`: document `d`'s language label as a small id (`u32::MAX` when unknown):
    /// two documents with two different known labels are never in one language, so a
    /// document's best in `b`'s language is looked for among its candidates labelled as `b`
    /// or unlabelled only (the same answer as asking `same` of every candidate, for less).
    pub(super) fn new(
        n: usize,
        pairs: &'a [(u32, u32)],
        scores: &'a [f32],
        labels: &'a [u32],
        same: &'a (dyn Fn(u32, u32) -> bool + Sync),
    ) -> Self {
        let mut by_doc: Vec<Vec<(f32, u32)>> = vec![Vec::new(); n];
        for (&(a, b), &s) in pairs.iter().zip(scores) {
            by_doc[a as usize].push((s, b));
            by_doc[b as usize].push((s, a));
        }
        let by_label = by_doc
            .par_iter_mut()
            .map(|v| {
                v.sort_unstable_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
                let mut l: Vec<(u32, u32)> = v
                    .iter()
                    .enumerate()
                    .map(|(pos, &(_, c))| (labels[c as usize], pos as u32))
                    .collect();
                l.sort_unstable();
                l
            })
            .collect();
        Scored {
            pairs,
            scores,
            by_doc,
            by_label,
            labels,
            same,
        }
    }

    /// Whether document `d` has candidates.
    fn has_candidates(&self, d: u32) -> bool {
        !self.by_doc[d as usize].is_empty()
    }

    /// The median of document `d`'s candidate scores (its background level), `d` having
    /// candidates, each same-language group of them counted once, at its best member's score
    /// (`group`: the same-language clustering): the copies of one page are one candidate, so
    /// a page published twice in each of two languages does not make its own translation its
    /// background. `None` when they are all one group: no background to tell it from.
    pub(super) fn median(&self, d: u32, group: &[u32]) -> Option<f32> {
        // Best first, so a stable sort by group leaves each group's best in front of it.
        let mut best: Vec<(u32, f32)> = self.by_doc[d as usize]
            .iter()
            .map(|&(s, c)| (group[c as usize], s))
            .collect();
        best.sort_by_key(|&(g, _)| g);
        best.dedup_by_key(|&mut (g, _)| g);
        best.sort_unstable_by(|x, y| x.1.total_cmp(&y.1));
        let (len, m) = (best.len(), best.len() / 2);
        match len {
            0 | 1 => None,
            _ if len % 2 == 1 => Some(best[m].1),
            _ => Some((best[m - 1].1 + best[m].1) / 2.0),
        }
    }

    /// `a`'s best score with a document in `b`'s language (`b` included): the first of its
    /// candidates, best first, that is `b` or in one language with it.
    fn best_like(&self, a: u32, b: u32) -> f32 {
        const UNKNOWN: u32 = u32::MAX;
        let list = &self.by_doc[a as usize];
        let like = |c: u32| c == b || (self.same)(b, c);
        let lb = self.labels[b as usize];
        let first = if lb == UNKNOWN {
            list.iter().position(|&(_, c)| like(c))
        } else {
            // The candidates labelled as `b` and the unlabelled ones, merged by position.
            let l = &self.by_label[a as usize];
            let range = |label: u32| {
                let from = l.partition_point(|&(x, _)| x < label);
                let to = l.partition_point(|&(x, _)| x <= label);
                &l[from..to]
            };
            let (mut x, mut y) = (range(lb), range(UNKNOWN));
            let mut hit = None;
            while hit.is_none() {
                let pos = match (x.first(), y.first()) {
                    (Some(&(_, p)), Some(&(_, q))) if p < q => {
                        x = &x[1..];
                        p
                    }
                    (Some(&(_, p)), None) => {
                        x = &x[1..];
                        p
                    }
                    (_, Some(&(_, q))) => {
                        y = &y[1..];
                        q
                    }
                    (None, None) => break,
                };
                if like(list[pos as usize].1) {
                    hit = Some(pos as usize);
                }
            }
            hit
        };
        first.map_or(0.0, |p| list[p].0)
    }

    /// Whether pair `i` is a mutual best match within `ratio`: its score at least `ratio`
    /// times each side's best in the other's language.
    pub(super) fn mutual(&self, i: usize, ratio: f32) -> bool {
        let (s, (a, b)) = (self.scores[i], self.pairs[i]);
        s >= ratio * self.best_like(a, b) && s >= ratio * self.best_like(b, a)
    }
}

/// The number of languages among `docs` (see [`Languages`]).
fn languages(docs: &[u32], same: &dyn Fn(u32, u32) -> bool) -> usize {
    let mut langs = Languages::default();
    for &d in docs {
        langs.of(d, same);
    }
    langs.len()
}

/// Groups documents into articles; returns the pairs of documents whose groups are joined.
///
/// Phase 1, guarded merging: start from the same-language groups; repeatedly join the two
/// groups with the densest mutual-best edges between them, counted against the smaller
/// group, while that density is at least [`Params::density`]. A single wrong edge between two
/// articles of twenty languages each has density 1/20 and never joins them; a correct pair of
/// one-document groups has density 1. Groups that share a language join only when their
/// documents of that language are alike ([`Params::same_language_min`]), or when the two
/// groups' documents are laid out alike (mean layout agreement ≥ [`Params::layout_min`]).
/// Edges that all leave one document of a group of two or more join only if that document
/// scores at least as well with the other group as with its own (see `carried`).
///
/// Phase 2, attachment: a group in fewer than [`Params::min_langs`] languages (a translation
/// whose own edges were too weak) joins the group of at least that many languages to which its
/// mean score is highest, when that group is dense in mutual-best edges
/// ([`Params::attach_density`] per document), the mean is at least [`Params::attach_min`] and
/// [`Params::attach_margin`] times the next best group of that many languages, and, unless it
/// is [`Params::attach_strong`] times the next best, the group has [`Params::attach_mutual`]
/// mutual best matches per document with the article's documents. The evidence is summed over
/// every language of the article, so a document with few anchors still finds its article. A
/// group anchors leave alone attaches on its layout (see the code below).
pub(super) fn join_groups<'l>(
    group: &[u32],
    edges: &[(u32, u32, f32)],
    scored: &Scored<'_>,
    same: &dyn Fn(u32, u32) -> bool,
    same_language: &dyn Fn(u32, u32) -> f32,
    layout: &dyn Fn(u32) -> &'l [f32],
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
    // run), so that linking does not chain the pages of one template across languages; or the
    // two groups are laid out alike.
    let compatible = |a: &[u32], b: &[u32]| -> bool {
        const CHECKED: usize = 16;
        // Per language the groups share, the best score of a pair of its documents.
        let (mut langs, mut best) = (Languages::default(), Vec::<f32>::new());
        for &y in b {
            let m = a
                .iter()
                .filter(|&&x| same(x, y))
                .take(CHECKED)
                .map(|&x| same_language(x, y))
                .reduce(f32::max);
            if let Some(m) = m {
                let l = langs.of(y, same);
                if l == best.len() {
                    best.push(m);
                }
                best[l] = best[l].max(m);
            }
        }
        if best.iter().all(|&s| s as f64 >= p.same_language_min) {
            return true;
        }
        // Or the two groups are laid out alike (see [`super::layout`]): the mean agreement of
        // their documents (up to `LAID_OUT` of each; 0 where paragraph counts differ) is at
        // least `layout_min`. The words test takes two languages that share a few function
        // words (Samoan and Serbian, Fijian and Polish) for one, and two translations of one
        // article into them can score low on anchors when one has few; their paragraphs still
        // agree. Pages of one template in one language agree too, but they have already
        // passed the test above or failed it on anchors in order, never on layout alone.
        const LAID_OUT: usize = 64;
        let (mut sum, mut pairs) = (0f32, 0usize);
        for &x in a.iter().take(LAID_OUT) {
            for &y in b.iter().take(LAID_OUT) {
                pairs += 1;
                sum += super::layout::agreement(layout(x), layout(y)).unwrap_or(0.0).max(0.0);
            }
        }
        pairs > 0 && (sum / pairs as f32) as f64 >= p.layout_min
    };
    let mut size = vec![0u32; n];
    for d in 0..n as u32 {
        size[uf.find(d) as usize] += 1;
    }
    let mut joins = Vec::new();
    let mut refused = std::collections::HashSet::new();
    // Per document, the positions in `edges` of its mutual-best edges (for `carried`).
    let mut incident: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (i, &(a, b, _)) in edges.iter().enumerate() {
        incident[a as usize].push(i as u32);
        incident[b as usize].push(i as u32);
    }
    // Per pair of groups, the positions of the edges between them: the edges keyed by their
    // pair of groups and sorted, so that each pair's edges are one run, in edge order. Kept
    // from round to round: only the edges of groups a round joined change key.
    let mut keyed = cross_keyed(edges, &mut uf);
    loop {
        // Per pair: density, score sum, the pair, and its run in `keyed`.
        let mut ranked: Vec<(f32, f32, u32, u32, usize, usize)> = Vec::new();
        let mut start = 0;
        for run in keyed.chunk_by(|u, v| u.0 == v.0) {
            let (x, y) = ((run[0].0 >> 32) as u32, run[0].0 as u32);
            let sum = run.iter().map(|&(_, i)| edges[i as usize].2).sum();
            let density = run.len() as f32 / size[x as usize].min(size[y as usize]) as f32;
            if density as f64 >= p.density {
                ranked.push((density, sum, x, y, start, start + run.len()));
            }
            start += run.len();
        }
        ranked.sort_unstable_by(|u, v| {
            v.0.total_cmp(&u.0)
                .then(v.1.total_cmp(&u.1))
                .then((u.2, u.3).cmp(&(v.2, v.3)))
        });
        let mut used = std::collections::HashSet::new();
        let mut merged = false;
        for (_, sum, x, y, start, end) in ranked {
            if used.contains(&x) || used.contains(&y) || refused.contains(&(x, y)) {
                continue;
            }
            if !compatible(&members[&x], &members[&y]) {
                refused.insert((x, y));
                continue;
            }
            let cross = &keyed[start..end];
            if !carried(
                cross,
                sum / cross.len() as f32,
                [x, y],
                edges,
                &incident,
                &mut uf,
                &size,
            ) {
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
        rekey(&mut keyed, edges, &mut uf);
    }
    // Phase 2.
    let root: Vec<u32> = (0..n as u32).map(|d| uf.find(d)).collect();
    let ctx = Grouped {
        members: &members,
        root: &root,
        size: &size,
    };
    joins.extend(attach(&ctx, edges, scored, same, layout, &compatible, p));
    joins
}

/// The key of the pair of groups an edge `(a, b, _)` joins (their roots, smaller first), or
/// `None` when both ends are in one group.
fn pair_key(&(a, b, _): &(u32, u32, f32), uf: &mut UnionFind) -> Option<u64> {
    let (ra, rb) = (uf.find(a), uf.find(b));
    (ra != rb).then(|| (u64::from(ra.min(rb)) << 32) | u64::from(ra.max(rb)))
}

/// The edges between two groups as (key of their pair of groups, position in `edges`), sorted.
fn cross_keyed(edges: &[(u32, u32, f32)], uf: &mut UnionFind) -> Vec<(u64, u32)> {
    let mut keyed: Vec<(u64, u32)> = (0..edges.len())
        .filter_map(|i| Some((pair_key(&edges[i], uf)?, i as u32)))
        .collect();
    keyed.sort_unstable();
    keyed
}

/// [`cross_keyed`] again after groups have joined, from the list of before: the edges now
/// inside one group leave it, those whose groups changed take their new key, are sorted and
/// merged with those that kept theirs (still in order). The entries are distinct, so the list
/// is the one sorting afresh gives.
fn rekey(keyed: &mut Vec<(u64, u32)>, edges: &[(u32, u32, f32)], uf: &mut UnionFind) {
    let mut moved = Vec::new();
    keyed.retain(|&(key, i)| match pair_key(&edges[i as usize], uf) {
        None => false,
        Some(now) if now != key => {
            moved.push((now, i));
            false
        }
        Some(_) => true,
    });
    if moved.is_empty() {
        return;
    }
    moved.sort_unstable();
    let stayed = std::mem::take(keyed);
    keyed.reserve(stayed.len() + moved.len());
    let (mut s, mut m) = (stayed.into_iter().peekable(), moved.into_iter().peekable());
    while let (Some(x), Some(y)) = (s.peek(), m.peek()) {
        let next = if x < y { s.next() } else { m.next() };
        keyed.extend(next);
    }
    keyed.extend(s);
    keyed.extend(m);
}

/// Whether the edges `cross` (each its pair of groups and its position in `edges`) between
/// groups `sides` (mean score `out`) carry their merge: when all of them leave one document of a
/// group of two or more, that document alone joins the groups, and `out` must be at least its
/// mean edge score with its own group. A document whose article lacks a language has a mutual
/// best match in that language in another article (the best there is); two documents' edges
/// into one article are two opinions, one document's are one, and it must prefer the article it
/// would bring its group into.
fn carried(
    cross: &[(u64, u32)],
    out: f32,
    sides: [u32; 2],
    edges: &[(u32, u32, f32)],
    incident: &[Vec<u32>],
    uf: &mut UnionFind,
    size: &[u32],
) -> bool {
    let other = |d: u32, (a, b, _): (u32, u32, f32)| if a == d { b } else { a };
    for side in sides {
        if size[side as usize] < 2 {
            continue;
        }
        let mut ends = cross.iter().map(|&(_, i)| {
            let (a, b, _) = edges[i as usize];
            if uf.find(a) == side { a } else { b }
        });
        let Some(d) = ends.next() else { continue };
        if !ends.all(|e| e == d) {
            continue;
        }
        let (mut own, mut k) = (0f32, 0u32);
        for &i in &incident[d as usize] {
            let e = edges[i as usize];
            if uf.find(other(d, e)) == side {
                own += e.2;
                k += 1;
            }
        }
        if k > 0 && out < own / k as f32 {
            return false;
        }
    }
    true
}

/// The groups after phase 1 of [`join_groups`]: each root's members, each document's root,
/// each root's size.
struct Grouped<'g> {
    members: &'g HashMap<u32, Vec<u32>>,
    root: &'g [u32],
    size: &'g [u32],
}

/// Phase 2 of [`join_groups`], attachment: the pairs `(small group, article)` to join (see
/// there), on anchors, else on layout; `compatible` is phase 1's test of two groups.
fn attach<'l>(
    g: &Grouped<'_>,
    edges: &[(u32, u32, f32)],
    scored: &Scored<'_>,
    same: &dyn Fn(u32, u32) -> bool,
    layout: &dyn Fn(u32) -> &'l [f32],
    compatible: &dyn Fn(&[u32], &[u32]) -> bool,
    p: &Params,
) -> Vec<(u32, u32)> {
    let (members, root, size) = (g.members, g.root, g.size);
    let n = root.len();
    let langs: HashMap<u32, usize> = members.iter().map(|(&r, m)| (r, languages(m, same))).collect();
    let mut internal: HashMap<u32, u32> = HashMap::new();
    for &(a, b, _) in edges {
        if root[a as usize] == root[b as usize] {
            *internal.entry(root[a as usize]).or_default() += 1;
        }
    }
    let big = |r: u32| {
        langs[&r] >= p.min_langs
            && internal.get(&r).copied().unwrap_or(0) as f64 >= p.attach_density * size[r as usize] as f64
    };
    // Only a group in fewer languages than an article attaches: three translations linked to
    // each other are an article of their own, even when too few to count as dense.
    let small = |r: u32| langs[&r] < p.min_langs;
    let in_language_of = |r: u32, y: u32| members[&r].iter().any(|&x| same(x, y));
    let (pairs, scores) = (scored.pairs, scored.scores);
    // Per (small group, group in as many languages as an article): the summed score and the
    // number of mutual best matches. The small group joins only a dense one (`big`), but must
    // lead every group in that many languages: its own article, not yet dense enough to take
    // it, is a rival, so that the best dense article is not taken for want of it.
    let mut affinity: HashMap<(u32, u32), (f32, u32)> = HashMap::new();
    for (i, (&(a, b), &s)) in pairs.iter().zip(scores).enumerate() {
        let mut mutual = None;
        for (x, y) in [(a, b), (b, a)] {
            let (rx, ry) = (root[x as usize], root[y as usize]);
            if rx != ry && small(rx) && !small(ry) && !in_language_of(rx, y) {
                let m = *mutual.get_or_insert_with(|| scored.mutual(i, 1.0));
                let e = affinity.entry((rx, ry)).or_default();
                e.0 += s;
                e.1 += u32::from(m);
            }
        }
    }
    let mut best: HashMap<u32, [(f32, u32); 2]> = HashMap::new();
    for (&(x, c), &(sum, _)) in &affinity {
        let others = members[&c].iter().filter(|&&y| !in_language_of(x, y)).count() as u32;
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
            mean >= p.attach_min && mean > second && lead && big(b[0].1)
        })
        .map(|(x, b)| (x, b[0].1))
        .filter(|&(x, c)| compatible(&members[&x], &members[&c]))
        .collect();
    // Attachment on layout (see [`super::layout`]), for the small groups anchors left alone:
    // the mean agreement of the group's documents with an article's (those of other languages;
    // a document whose paragraph count differs agrees 0), the best at least
    // `layout_min` and `attach_margin` times the next best.
    let placed: std::collections::HashSet<u32> = attach.iter().map(|a| a.0).collect();
    let mut by_count: HashMap<usize, Vec<u32>> = HashMap::new();
    for d in 0..n as u32 {
        let len = layout(d).len();
        if len > 0 && big(root[d as usize]) {
            by_count.entry(len).or_default().push(d);
        }
    }
    let mut alone: Vec<u32> = members
        .keys()
        .copied()
        .filter(|&r| small(r) && !placed.contains(&r))
        .collect();
    alone.sort_unstable();
    for r in alone {
        let mut sums: HashMap<u32, f32> = HashMap::new();
        for &x in &members[&r] {
            let lx = layout(x);
            let Some(others) = by_count.get(&lx.len()) else {
                continue;
            };
            for &y in others.iter().take(super::layout::BUDGET) {
                if !in_language_of(r, y) {
                    let a = super::layout::agreement(lx, layout(y)).unwrap_or(0.0);
                    *sums.entry(root[y as usize]).or_default() += a.max(0.0);
                }
            }
        }
        let mut means: Vec<(f32, u32)> = sums
            .into_iter()
            .map(|(c, sum)| {
                let others = members[&c].iter().filter(|&&y| !in_language_of(r, y)).count();
                (sum / (members[&r].len() * others.max(1)) as f32, c)
            })
            .collect();
        means.sort_unstable_by(|u, v| v.0.total_cmp(&u.0).then(u.1.cmp(&v.1)));
        let (best, second) = (means.first().copied(), means.get(1).map_or(0.0, |m| m.0));
        if let Some((mean, c)) = best
            && mean as f64 >= p.layout_min
            && mean as f64 >= p.attach_margin * second as f64
            && compatible(&members[&r], &members[&c])
        {
            attach.push((r, c));
        }
    }
    attach.sort_unstable();
    attach
}
#[cfg(test)]
mod tests;
