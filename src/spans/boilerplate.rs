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
//! Lines are hashed after normalization with surrounding whitespace trimmed; lines with no
//! letter or digit (rules, bullets) are not counted. Cost: O(total lines · log) for one sort of
//! `(hash, group)` pairs; 16 bytes per line while counting.

use super::HashKeyed;
use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Default minimum number of groups.
pub const DEFAULT_MIN_GROUPS: u32 = 3;

/// The hash of a normalized line, or `None` for a line with no letter or digit.
#[inline]
pub fn line_hash(line: &str, seed: u64) -> Option<u64> {
    let t = line.trim();
    // Letters or digits: ASCII ones by byte, others by char (most lines decide on ASCII).
    let has_word =
        t.bytes().any(|b| b.is_ascii_alphanumeric()) || (!t.is_ascii() && t.chars().any(char::is_alphanumeric));
    if !has_word {
        return None;
    }
    Some(xxh3_64_with_seed(t.as_bytes(), seed ^ 0x4c49_4e45))
}

/// Calls `f(start, end, hash)` for every counted line of normalized `text` (`end` excludes
/// the newline).
pub fn for_each_line(text: &str, seed: u64, mut f: impl FnMut(usize, usize, u64)) {
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', text.as_bytes()).chain(std::iter::once(text.len())) {
        if end < start {
            continue;
        }
        if let Some(h) = line_hash(&text[start..end], seed) {
            f(start, end, h);
        }
        start = end + 1;
    }
}

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
/// Document `d`'s line hashes are `lines[offsets[d]..offsets[d + 1]]` and `group[d]` its group.
pub fn find(lines: &[u64], offsets: &[u64], group: &[u32], min_groups: u32) -> HashKeyed<u32> {
    let mut pairs: Vec<(u64, u32)> = group
        .par_iter()
        .enumerate()
        .flat_map_iter(|(d, &g)| {
            lines[offsets[d] as usize..offsets[d + 1] as usize]
                .iter()
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

/// `text` (normalized) without its lines whose hash is in `boilerplate`.
pub fn strip_lines(text: &str, seed: u64, boilerplate: &HashKeyed<u32>, out: &mut String) {
    out.clear();
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', text.as_bytes()).chain(std::iter::once(text.len())) {
        if end < start {
            continue;
        }
        let line = &text[start..end];
        if !line_hash(line, seed).is_some_and(|h| boilerplate.contains_key(&h)) {
            out.push_str(line);
            out.push('\n');
        }
        start = end + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hashes(text: &str) -> Vec<u64> {
        let mut v = Vec::new();
        for_each_line(text, 1, |_, _, h| v.push(h));
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
    fn strip_keeps_other_lines() {
        let set: HashKeyed<u32> = [(line_hash("share this", 1).unwrap(), 3)].into_iter().collect();
        let mut out = String::new();
        strip_lines("a b\n  share this  \n---\nc d", 1, &set, &mut out);
        assert_eq!(out, "a b\n---\nc d\n");
    }
}
