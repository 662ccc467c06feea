//! Boilerplate lines across documents.
//!
//! In: for every document, the hashes of its normalized lines, and a grouping of documents into
//! clusters of near-duplicates. Out: the set of line hashes that occur in at least `min_groups`
//! different groups.
//!
//! This is the paragraph hashing of CCNet (Wenzek et al., "CCNet: Extracting high quality
//! monolingual datasets from web crawl data", LREC 2020): hash each normalized line, count in
//! how many documents it occurs, and treat the frequent ones as boilerplate. Counting once per
//! *cluster* of near-duplicates rather than once per document keeps copies of one article from
//! turning the article's own lines into boilerplate.
//!
//! Threshold: a line is boilerplate when it occurs in at least 3 groups. Two documents sharing a
//! line are as likely to be quoting each other as to share a template; a third unrelated document
//! with the same line is the signature of a template (site chrome, disclaimers, menus, licence
//! headers). CCNet removes every repeated paragraph; 3 is that rule made safe for quotations.
//!
//! A line is identified by its tokens after normalization ([`crate::tokenize::line_hash`]: the
//! token hashes folded in order), so case, spacing and punctuation between words do not tell two
//! lines apart; lines without tokens (rules, bullets) are not counted. The tokenizer hashes the
//! lines in the same pass as it hashes the tokens. Cost: O(total lines · log) for one sort of
//! `(hash, group)` pairs; 16 bytes per line while counting.

use super::HashKeyed;
use crate::tokenize::line_hash;
use rayon::prelude::*;

/// Default minimum number of groups.
pub const DEFAULT_MIN_GROUPS: u32 = 3;

/// Calls `f(start, end, groups)` for every line of raw (not normalized) `text` that is in
/// `boilerplate`; `start..end` are the line's bytes in `text` (without its newline) and
/// `groups` the number of groups it occurs in. Each line is normalized on its own, so offsets
/// stay those of the original text.
pub fn for_each_boilerplate_line(
    text: &str,
    seed: u64,
    boilerplate: &HashKeyed<u32>,
    mut f: impl FnMut(usize, usize, u32),
) {
    if boilerplate.is_empty() {
        return;
    }
    let mut norm = String::new();
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', text.as_bytes()).chain(std::iter::once(text.len())) {
        if end < start {
            continue;
        }
        crate::normalize::normalize_into(&text[start..end], &mut norm);
        if let Some(&groups) = line_hash(&norm, seed).and_then(|h| boilerplate.get(&h)) {
            f(start, end, groups);
        }
        start = end + 1;
    }
}

/// Line hashes that occur in at least `min_groups` groups, with the number of groups.
/// Document `d`'s line hashes are `lines[offsets[d]..offsets[d + 1]]` (repeats allowed) and
/// `group[d]` its group.
///
/// Most lines occur once in a corpus. A counting filter (one saturating counter per slot,
/// slot = top bits of the hash, twice as many slots as lines) first keeps only the lines
/// counted at least `min_groups` times; a line in that many groups always is (collisions only
/// add). Only those go through the exact sort of `(hash, group)` pairs, so the answer is exact
/// and the sort is a small fraction of the lines.
pub fn find(lines: &[u64], offsets: &[u64], group: &[u32], min_groups: u32) -> HashKeyed<u32> {
    let bits = (lines.len().max(1) * 2).next_power_of_two().trailing_zeros().max(1);
    let mut counts = vec![0u8; 1 << bits];
    let slot = |h: u64| (h >> (64 - bits)) as usize;
    let cap = min_groups.min(u8::MAX as u32) as u8;
    for &h in lines {
        let c = &mut counts[slot(h)];
        *c = (*c + 1).min(cap);
    }
    let mut pairs: Vec<(u64, u32)> = group
        .par_iter()
        .enumerate()
        .flat_map_iter(|(d, &g)| {
            lines[offsets[d] as usize..offsets[d + 1] as usize]
                .iter()
                .filter(|&&h| counts[slot(h)] >= cap)
                .map(move |&h| (h, g))
        })
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|run| run.len() as u32 >= min_groups)
        .map(|run| (run[0].0, run.len() as u32))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hashes(text: &str) -> Vec<u64> {
        let mut spans = Vec::new();
        crate::tokenize::Shingler::new(5, 5, 1).load_lines(text, &mut spans);
        let mut v: Vec<u64> = spans.iter().map(|l| l.hash).collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    #[test]
    fn lines_in_three_groups_are_boilerplate() {
        let docs = [
            "article one\nshare this\nmenu",
            "article two\nshare this\nmenu",
            "article three\nshare this",
            "article one\nshare this\nmenu", // a copy of doc 0, same group
        ];
        let per_doc: Vec<Vec<u64>> = docs.iter().map(|d| hashes(d)).collect();
        let lines: Vec<u64> = per_doc.concat();
        let mut offsets = vec![0u64];
        for l in &per_doc {
            offsets.push(offsets.last().unwrap() + l.len() as u64);
        }
        let b = find(&lines, &offsets, &[0, 1, 2, 0], 3);
        assert_eq!(b, [(line_hash("share this", 1).unwrap(), 3)].into_iter().collect());
        // Counted per document instead, the copy would push "menu" and "article one" up.
        let counted_per_doc = find(&lines, &offsets, &[0, 1, 2, 3], 3);
        assert!(counted_per_doc.contains_key(&line_hash("menu", 1).unwrap()));
    }

    #[test]
    fn boilerplate_lines_of_raw_text_are_found_by_their_words() {
        let set: HashKeyed<u32> = [(line_hash("share this", 1).unwrap(), 3)].into_iter().collect();
        let text = "A b\n  Share   THIS!  \n---\nshare that";
        let mut found = Vec::new();
        for_each_boilerplate_line(text, 1, &set, |s, e, g| found.push((&text[s..e], g)));
        assert_eq!(found, [("  Share   THIS!  ", 3)]);
    }
}
