//! Tests of [`super`].

use super::*;

proptest::proptest! {
    /// Looking for a document's best in another's language among the candidates labelled
    /// alike or unlabelled gives the answer of asking every candidate, best first.
    #[test]
    fn scored_answers_as_asking_every_candidate(
        edges in proptest::collection::btree_map((0u32..12, 0u32..12), 0u8..6, 0..50),
        labels in proptest::collection::vec(0u32..4, 12),
        words in proptest::collection::vec(0u32..3, 12),
    ) {
        // Label 3 stands for unknown; two documents are in one language when no two known
        // labels differ and their "words" agree (not transitive through unknowns).
        let labels: Vec<u32> = labels.iter().map(|&l| if l == 3 { u32::MAX } else { l }).collect();
        let same = |a: u32, b: u32| {
            let (x, y) = (labels[a as usize], labels[b as usize]);
            (x == u32::MAX || y == u32::MAX || x == y) && words[a as usize] == words[b as usize]
        };
        let pairs: Vec<(u32, u32)> = edges.keys().filter(|(a, b)| a < b).copied().collect();
        let scores: Vec<f32> = pairs.iter().map(|p| edges[p] as f32 / 4.0).collect();
        let scored = Scored::new(12, &pairs, &scores, &labels, &same);
        let best_like = |a: u32, b: u32| {
            let mut list: Vec<(f32, u32)> = pairs
                .iter()
                .zip(&scores)
                .filter_map(|(&(x, y), &s)| (x == a).then_some((s, y)).or((y == a).then_some((s, x))))
                .collect();
            list.sort_unstable_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
            list.iter().find(|&&(_, c)| c == b || same(b, c)).map_or(0.0, |e| e.0)
        };
        for (i, &(a, b)) in pairs.iter().enumerate() {
            proptest::prop_assert_eq!(scored.best_like(a, b), best_like(a, b));
            proptest::prop_assert_eq!(scored.best_like(b, a), best_like(b, a));
            let s = scores[i];
            for ratio in [0.9f32, 1.0] {
                proptest::prop_assert_eq!(
                    scored.mutual(i, ratio),
                    s >= ratio * best_like(a, b) && s >= ratio * best_like(b, a)
                );
            }
        }
    }

    /// Keying the edges again after rounds of joins, from the list of the round before, gives
    /// the list keying them afresh gives.
    #[test]
    fn rekeyed_edges_are_the_edges_keyed_afresh(
        ends in proptest::collection::vec((0u32..20, 0u32..20), 0..80),
        rounds in proptest::collection::vec(proptest::collection::vec((0u32..20, 0u32..20), 0..6), 1..5),
    ) {
        let edges: Vec<(u32, u32, f32)> = ends.iter().map(|&(a, b)| (a, b, 0.5)).collect();
        let mut uf = UnionFind::new(20);
        let mut keyed = cross_keyed(&edges, &mut uf);
        for joins in rounds {
            for (a, b) in joins {
                uf.union(a, b);
            }
            rekey(&mut keyed, &edges, &mut uf);
            proptest::prop_assert_eq!(&keyed, &cross_keyed(&edges, &mut uf));
        }
    }
}
use crate::cluster::UnionFind;

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

/// Whether `join_groups` (default parameters, no same-language similarity, no layouts)
/// puts documents `x` and `y` in one cluster.
fn joined(
    group: &[u32],
    edges: &[(u32, u32, f32)],
    pairs: &[(u32, u32)],
    scores: &[f32],
    lang_of: &(dyn Fn(u32) -> &'static str + Sync),
    x: u32,
    y: u32,
) -> bool {
    joined_laid_out(group, edges, pairs, scores, lang_of, 0.0, &[], x, y)
}

/// [`joined`], with every pair of same-language documents scoring `alike` and the
/// documents' layouts (`layouts[d]`, none past its end).
#[allow(clippy::too_many_arguments)]
fn joined_laid_out(
    group: &[u32],
    edges: &[(u32, u32, f32)],
    pairs: &[(u32, u32)],
    scores: &[f32],
    lang_of: &(dyn Fn(u32) -> &'static str + Sync),
    alike: f32,
    layouts: &[Vec<f32>],
    x: u32,
    y: u32,
) -> bool {
    let same = |a: u32, b: u32| lang_of(a) == lang_of(b);
    let unlabelled = vec![u32::MAX; group.len()];
    let scored = Scored::new(group.len(), pairs, scores, &unlabelled, &same);
    let layout = |d: u32| layouts.get(d as usize).map_or(&[][..], |l| l.as_slice());
    let joins = join_groups(group, edges, &scored, &same, &|_, _| alike, &layout, &Params::default());
    let mut uf = UnionFind::new(group.len());
    for (a, b) in joins {
        uf.union(a, b);
    }
    uf.find(x) == uf.find(y)
}

/// The layout of a text whose paragraphs are `lens` characters long.
fn layout_of(lens: &[usize]) -> Vec<f32> {
    let text: Vec<String> = lens.iter().map(|&n| "x".repeat(n)).collect();
    crate::crosslingual::layout::layout(&text.join("\n"))
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
    groups_sharing_a_language_join_laid_out(alike, &[])
}

/// [`groups_sharing_a_language_join`], the documents laid out as `layouts` (paragraph
/// lengths per document).
fn groups_sharing_a_language_join_laid_out(alike: f32, layouts: &[&[usize]]) -> bool {
    let langs = ["aaa", "bbb", "aaa", "ccc"];
    let lang_of = |d: u32| langs[d as usize];
    let group: Vec<u32> = (0..4).collect();
    let edges = [(0, 1, 0.8), (2, 3, 0.8), (0, 3, 0.6), (1, 2, 0.6), (1, 3, 0.6)];
    let (pairs, scores) = candidates_of(&edges);
    let layouts: Vec<Vec<f32>> = layouts.iter().map(|lens| layout_of(lens)).collect();
    joined_laid_out(&group, &edges, &pairs, &scores, &lang_of, alike, &layouts, 0, 2)
}

#[test]
fn groups_laid_out_alike_join_though_their_documents_score_low() {
    // Documents 0 and 2 score 0.15 (too low to be one article's two translations into
    // one language), but all four documents have paragraphs of proportional lengths.
    let a: &[usize] = &[10, 80, 20, 60, 30, 90];
    let b: &[usize] = &[14, 120, 31, 88, 47, 140];
    assert!(groups_sharing_a_language_join_laid_out(0.15, &[a, b, b, a]));
    // Laid out otherwise, or with another paragraph count: no join.
    let c: &[usize] = &[50, 15, 70, 25, 90, 12];
    assert!(!groups_sharing_a_language_join_laid_out(0.15, &[a, b, c, c]));
    assert!(!groups_sharing_a_language_join_laid_out(
        0.15,
        &[a, b, &a[..5], &b[..5]]
    ));
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

#[test]
fn attachment_needs_mutual_best_matches_or_a_strong_lead() {
    // Mean 0.5 against 0.2 (2.5 times the next best), and A's documents pick document 5 in
    // its language: it joins A.
    assert!(joins_article(false));
    // The same lead, but A's documents each have a better match in that language (its own
    // translation elsewhere): no mutual best match, and 2.5 is short of a strong lead.
    assert!(!joins_article(true));
}

/// Article A (documents 0..5) and article B (5..10), each in five languages with every pair
/// linked, laid out as `a` and `b`; document 10, in a sixth language, has no anchor in
/// common with anyone, and is laid out as `x`. Does it join A?
fn attaches_on_layout(a: &[usize], b: &[usize], x: &[usize]) -> bool {
    const LANGS: [&str; 6] = ["l0", "l1", "l2", "l3", "l4", "zzz"];
    let lang_of = |d: u32| if d == 10 { LANGS[5] } else { LANGS[(d % 5) as usize] };
    let group: Vec<u32> = (0..11).collect();
    let edges = [clique(0..5, 0.8), clique(5..10, 0.8)].concat();
    let (pairs, scores) = candidates_of(&edges);
    let layouts: Vec<Vec<f32>> = (0..11)
        .map(|d| {
            layout_of(if d < 5 {
                a
            } else if d < 10 {
                b
            } else {
                x
            })
        })
        .collect();
    joined_laid_out(&group, &edges, &pairs, &scores, &lang_of, 0.0, &layouts, 10, 0)
}

#[test]
fn a_document_without_anchors_attaches_on_its_paragraphs() {
    let a = [10, 80, 20, 60, 30, 90];
    let b = [50, 15, 70, 25, 90, 12];
    // Paragraphs about 1.5 times as long as A's: A's translation.
    let x: Vec<usize> = a.iter().map(|n| n * 3 / 2 + 3).collect();
    assert!(attaches_on_layout(&a, &b, &x));
    // Laid out like neither, or with another number of paragraphs: it stays alone.
    assert!(!attaches_on_layout(&a, &b, &[40, 40, 90, 10, 20, 50]));
    assert!(!attaches_on_layout(&a, &b, &x[..5]));
    // Laid out like both articles (one template): no lead, it stays alone.
    assert!(!attaches_on_layout(&a, &a, &x));
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
        let same = |a: u32, b: u32| lang_of(a) == lang_of(b);
        mutual_best(
            &Scored::new(4, &pairs, &scores, &[u32::MAX; 4], &same),
            &anchors,
            &[true; 4],
            &[0, 1, 2, 3],
            &|_, _| true,
            &Params::default(),
        )
    };
    // Most of the 0.9 from the dictionary pivot: no edge; from the anchors: an edge.
    assert!(edges(0.1).is_empty());
    assert_eq!(edges(0.35), [(0, 1, 0.9)]);
}

#[test]
fn the_background_test_reads_complete_candidates_only() {
    // Document 0 scores 0.4 with each of 1, 2, 3 (four languages): each pair is a mutual best
    // match, but none stands out of 0's candidates.
    const LANGS: [&str; 4] = ["aaa", "bbb", "ccc", "ddd"];
    let pairs = [(0, 1), (0, 2), (0, 3)];
    let scores = [0.4; 3];
    let same = |a: u32, b: u32| LANGS[a as usize] == LANGS[b as usize];
    let edges = |complete: [bool; 4]| {
        mutual_best(
            &Scored::new(4, &pairs, &scores, &[u32::MAX; 4], &same),
            &scores,
            &complete,
            &[0, 1, 2, 3],
            &|_, _| true,
            &Params::default(),
        )
    };
    // Its candidates are every document it shares an anchor with: their median is the
    // background, and no pair is an edge (a small corpus of reports on one story).
    assert!(edges([true; 4]).is_empty());
    // They share anchors with more documents than they rank (their candidates are their best
    // matches, the median says nothing of the background): the mutual best matches are edges.
    assert_eq!(edges([false; 4]).len(), 3);
    // One side whose candidates are complete still applies the test.
    assert!(edges([true, false, false, false]).is_empty());
    // 1, 2 and 3 have one candidate each: nothing to compare it with, no test read there.
    assert_eq!(edges([false, true, true, true]).len(), 3);
}

/// Group {0 (aaa), 1 (bbb)}, linked at 0.5, and group {2, 3, 4} (ccc, ddd, eee), every pair
/// linked at 0.8; document 1 has edges scoring `bridge` to each of 2, 3, 4 (with `two`,
/// documents 0 and 1 have one edge each instead). Do documents 1 and 2 end in one group?
fn bridged_groups_join(bridge: f32, two: bool) -> bool {
    let langs = ["aaa", "bbb", "ccc", "ddd", "eee"];
    let lang_of = |d: u32| langs[d as usize];
    let group: Vec<u32> = (0..5).collect();
    let cross = if two {
        vec![(0, 2, bridge), (1, 3, bridge)]
    } else {
        vec![(1, 2, bridge), (1, 3, bridge), (1, 4, bridge)]
    };
    let edges = [vec![(0, 1, 0.5)], clique(2..5, 0.8), cross].concat();
    let (pairs, scores) = candidates_of(&edges);
    joined(&group, &edges, &pairs, &scores, &lang_of, 1, 2)
}

#[test]
fn one_document_alone_does_not_bridge_two_groups() {
    // Document 1 scores lower with the other group (0.4) than with its own (0.5): its edges
    // are the best it found in languages its article lacks, and the groups stay apart.
    assert!(!bridged_groups_join(0.4, false));
    // It scores higher with the other group: it joins that group.
    assert!(bridged_groups_join(0.6, false));
    // Two documents' edges at 0.4 are two opinions: the groups join.
    assert!(bridged_groups_join(0.4, true));
}

/// Article A: documents 0..5 (aaa..eee), every pair linked (dense). Article B: documents
/// 5, 6, 7 (aaa, bbb, ccc), linked in a chain (three languages, too few edges to be dense).
/// Document 8 (fff) scores 0.3 with each of A's documents and, with `rival`, 0.6 with each of
/// B's. Does it join A?
fn attaches_past_a_rival(rival: bool) -> bool {
    let langs = ["aaa", "bbb", "ccc", "ddd", "eee", "aaa", "bbb", "ccc", "fff"];
    let lang_of = |d: u32| langs[d as usize];
    let group: Vec<u32> = (0..9).collect();
    let edges = [clique(0..5, 0.8), vec![(5, 6, 0.8), (6, 7, 0.8)]].concat();
    let (mut pairs, mut scores) = candidates_of(&edges);
    for d in 0..5u32 {
        pairs.push((d, 8));
        scores.push(0.3);
    }
    if rival {
        for d in 5..8u32 {
            pairs.push((d, 8));
            scores.push(0.6);
        }
    }
    joined(&group, &edges, &pairs, &scores, &lang_of, 8, 0)
}

#[test]
fn attachment_must_lead_an_article_too_sparse_to_take_it() {
    // Alone with A, document 8 attaches to it.
    assert!(attaches_past_a_rival(false));
    // B, in three languages but not dense enough to take attachments, matches it better:
    // A is not its article, and it stays apart.
    assert!(!attaches_past_a_rival(true));
}

#[test]
fn the_background_counts_the_copies_of_a_page_once() {
    // Document 0's candidates: 1 and 2 (copies of one page, one same-language group) at 0.8,
    // 3 at 0.1, 4 at 0.3.
    let pairs = [(0, 1), (0, 2), (0, 3), (0, 4)];
    let scores = [0.8, 0.8, 0.1, 0.3];
    let same = |_: u32, _: u32| false;
    let scored = Scored::new(5, &pairs, &scores, &[u32::MAX; 5], &same);
    // Each document its own group: the median of 0.8, 0.8, 0.3, 0.1.
    assert!((scored.median(0, &[0, 1, 2, 3, 4]).unwrap() - 0.55).abs() < 1e-6);
    // The copies as one: the median of 0.8, 0.3, 0.1.
    assert!((scored.median(0, &[0, 1, 1, 3, 4]).unwrap() - 0.3).abs() < 1e-6);
    // A lone candidate group (1's only candidate is 0) is no background.
    assert_eq!(scored.median(1, &[0, 1, 1, 3, 4]), None);
    // Nor are two copies when they are all there is: 3's candidates 0 and 4 as one group.
    let scored = Scored::new(5, &[(0, 3), (3, 4)], &[0.5, 0.4], &[u32::MAX; 5], &same);
    assert_eq!(scored.median(3, &[0, 1, 2, 0, 0]), None);
    assert!((scored.median(3, &[0, 1, 2, 3, 4]).unwrap() - 0.45).abs() < 1e-6);
}
