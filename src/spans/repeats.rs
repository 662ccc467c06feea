//! Repeats inside a document.
//!
//! In: a document's text. Out: the byte ranges that repeat an earlier part of the same text,
//! each with the range it repeats.
//!
//! Every window of `w` consecutive tokens (normalized: case-folded, NFKC) is hashed; a window
//! whose hash occurred earlier in the document marks its tokens as repeated. Runs of repeated
//! tokens separated by fewer than `w` unrepeated tokens are merged, so a repeat with a few edits
//! (a near repeat) stays one span; a run is reported when it holds at least `min_tokens` tokens
//! (50 by default: a repeated article body, not a menu item or a short line seen twice). Spans
//! are widened to whole lines where only separators lie between them and the line ends, so
//! removing them leaves the text's line structure intact. Cost: O(n) tokens with one hash map.

use super::HashKeyed;
use crate::normalize::normal_hash;
use crate::tokenize::token_spans;

/// Default window, in tokens.
pub(crate) const DEFAULT_WINDOW: usize = 8;
/// Default minimum repeat, in tokens.
pub(crate) const DEFAULT_MIN_TOKENS: usize = 50;

/// A repeated span and what it repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repeat {
    /// First byte of the repeat.
    pub start: usize,
    /// One past its last byte.
    pub end: usize,
    /// First byte of the earlier occurrence.
    pub match_start: usize,
    /// One past its last byte.
    pub match_end: usize,
    /// Tokens in the repeat.
    pub tokens: usize,
}

/// Finds repeats of at least `min_tokens` tokens, with windows of `window` tokens.
pub(crate) fn find_repeats(text: &str, window: usize, min_tokens: usize) -> Vec<Repeat> {
    find_repeats_in(text, &token_spans(text), window, min_tokens)
}

/// [`find_repeats`] on `text` whose token spans ([`token_spans`]) are `spans`.
pub(crate) fn find_repeats_in(text: &str, spans: &[(usize, usize)], window: usize, min_tokens: usize) -> Vec<Repeat> {
    let n = spans.len();
    if n < window.max(1) * 2 || window == 0 {
        return Vec::new();
    }
    let mut buf = String::new();
    let hashes: Vec<u64> = spans.iter().map(|&(s, e)| normal_hash(&text[s..e], &mut buf)).collect();
    // For each window start, the earliest earlier start with the same tokens.
    let mut first: HashKeyed<usize> = HashKeyed::with_capacity_and_hasher(n, Default::default());
    let mut source: Vec<Option<usize>> = vec![None; n];
    let mut covered = vec![false; n];
    for i in 0..=n - window {
        // Window key: a rotate-xor fold of the token hashes (equality is checked exactly below).
        let key = hashes[i..i + window].iter().fold(0u64, |k, &h| k.rotate_left(17) ^ h);
        match first.get(&key) {
            // A true repeat of an earlier, non-overlapping window (hash equality is checked on
            // the token hashes themselves).
            Some(&j) if j + window <= i && hashes[j..j + window] == hashes[i..i + window] => {
                for t in i..i + window {
                    covered[t] = true;
                    source[t].get_or_insert(j + (t - i));
                }
            }
            Some(_) => {}
            None => {
                first.insert(key, i);
            }
        }
    }
    // Runs of covered tokens, merging gaps shorter than the window.
    let mut out = Vec::new();
    let mut t = 0;
    while t < n {
        if !covered[t] {
            t += 1;
            continue;
        }
        let run_start = t;
        let mut run_end = t;
        let mut count = 0;
        let mut k = t;
        while k < n {
            if covered[k] {
                run_end = k;
                count += 1;
                k += 1;
            } else {
                let gap_end = (k..n).find(|&g| covered[g]).unwrap_or(n);
                if gap_end - k < window && gap_end < n {
                    k = gap_end;
                } else {
                    break;
                }
            }
        }
        if count >= min_tokens {
            let src_first = source[run_start].unwrap_or(0);
            let src_last = source[run_end].unwrap_or(src_first);
            let (start, end) = widen(text, spans[run_start].0, spans[run_end].1);
            let (match_start, match_end) = (spans[src_first].0, spans[src_last.max(src_first)].1);
            out.push(Repeat {
                start,
                end,
                match_start,
                match_end,
                tokens: count,
            });
        }
        t = run_end + 1;
    }
    out
}

/// Widens `[s, e)` to the start of its line if only whitespace precedes it there, and past the
/// end of its line (newline included) if no word character follows it there.
fn widen(text: &str, s: usize, e: usize) -> (usize, usize) {
    let b = text.as_bytes();
    let line_start = b[..s].iter().rposition(|&c| c == b'\n').map_or(0, |p| p + 1);
    let start = if b[line_start..s].iter().all(|c| c.is_ascii_whitespace()) {
        line_start
    } else {
        s
    };
    let line_end = b[e..].iter().position(|&c| c == b'\n').map_or(b.len(), |p| e + p + 1);
    let rest = &text[e..line_end];
    let end = if rest.chars().all(|c| !c.is_alphanumeric()) {
        line_end
    } else {
        e
    };
    (start, end)
}

/// `text` with every repeat removed (first occurrences kept).
pub fn strip_repeats(text: &str, repeats: &[Repeat]) -> String {
    let cut: Vec<(usize, usize)> = repeats.iter().map(|r| (r.start, r.end)).collect();
    super::remove_ranges(text, &cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeat_differing_in_case_or_accents_is_found() {
        // The ASCII tokens are hashed by their lowercase, the others by their normal form.
        let body = para(3, 60);
        let text = format!("{body}\n{}", body.to_uppercase());
        let r = find_repeats(&text, DEFAULT_WINDOW, DEFAULT_MIN_TOKENS);
        assert_eq!(r.len(), 1);
        assert_eq!((r[0].match_start, r[0].start), (0, body.len() + 1));
        let accented = body.replace('x', "é");
        let text = format!("{accented}\n{}", accented.to_uppercase());
        assert_eq!(find_repeats(&text, DEFAULT_WINDOW, DEFAULT_MIN_TOKENS).len(), 1);
    }

    fn para(seed: usize, words: usize) -> String {
        (0..words)
            .map(|i| format!("w{}x{}", seed, i))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn body_twice_is_found_and_stripped() {
        let body = format!("{}\n{}\n", para(1, 40), para(2, 40));
        let text = format!("Title\n{body}Disclaimer line\n{body}");
        let r = find_repeats(&text, DEFAULT_WINDOW, DEFAULT_MIN_TOKENS);
        assert_eq!(r.len(), 1, "{r:?}");
        let second = text.rfind(&body).unwrap();
        assert_eq!((r[0].start, r[0].end), (second, text.len()));
        assert_eq!(r[0].match_start, 6);
        assert_eq!(strip_repeats(&text, &r), format!("Title\n{body}Disclaimer line\n"));
    }

    #[test]
    fn short_repeats_are_not_reported() {
        let text = format!("menu home news\n{}\nmenu home news\n{}", para(1, 60), para(2, 60));
        assert!(find_repeats(&text, DEFAULT_WINDOW, DEFAULT_MIN_TOKENS).is_empty());
    }

    #[test]
    fn near_repeats_stay_one_span_and_case_is_folded() {
        let p = para(3, 80);
        let mut words: Vec<String> = p.split(' ').map(String::from).collect();
        words[40] = "CHANGED".into();
        let edited = words.join(" ").to_uppercase();
        let text = format!("{p}\n{edited}\n");
        let r = find_repeats(&text, DEFAULT_WINDOW, DEFAULT_MIN_TOKENS);
        assert_eq!(r.len(), 1);
        assert!(r[0].tokens >= 70);
    }

    #[test]
    fn no_repeat_means_unchanged() {
        let text = para(4, 200);
        let r = find_repeats(&text, DEFAULT_WINDOW, DEFAULT_MIN_TOKENS);
        assert!(r.is_empty());
        assert_eq!(strip_repeats(&text, &r), text);
    }
}

#[cfg(test)]
mod seed_tests {
    use super::*;

    fn seed(name: &str) -> String {
        std::fs::read_to_string(format!("{}/tests/data/seeds/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    #[test]
    fn seeds_000_and_002_carry_their_body_twice_the_others_do_not() {
        for (name, twice) in [
            ("000_7dfb285ae57285c5.txt", true),
            ("001_c936b3df293e970d.txt", false),
            ("002_2eae644a89f6a436.txt", true),
            ("003_9b78187e4d43e2b1.txt", false),
            ("004_06bb77744ebfc381.txt", false),
        ] {
            let t = seed(name);
            let r = find_repeats(&t, DEFAULT_WINDOW, DEFAULT_MIN_TOKENS);
            assert_eq!(!r.is_empty(), twice, "{name}: {r:?}");
            if twice {
                // One repeat: the second body, matching the first; together they are most of
                // the page.
                assert_eq!(r.len(), 1, "{name}");
                assert!(r[0].match_start < r[0].start && r[0].match_end <= r[0].start, "{name}");
                assert!((r[0].end - r[0].start) * 5 > t.len() * 2, "{name}");
            }
        }
    }

    #[test]
    fn stripping_000_keeps_each_paragraph_once() {
        let t = seed("000_7dfb285ae57285c5.txt");
        let stripped = strip_repeats(&t, &find_repeats(&t, DEFAULT_WINDOW, DEFAULT_MIN_TOKENS));
        let lines: Vec<&str> = stripped.lines().filter(|l| !l.trim().is_empty()).collect();
        let mut unique = lines.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), lines.len(), "a paragraph is still there twice");
        // Every paragraph of the original is still there.
        for l in t.lines().filter(|l| !l.trim().is_empty()) {
            assert!(lines.contains(&l), "lost: {l}");
        }
    }
}
