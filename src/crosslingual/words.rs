//! Which documents are written in one language, told from their own words.
//!
//! In: a document's text. Out: its *common words*, the [`COMMON_WORDS`] most frequent words of
//! its first [`PROFILE_BYTES`] (hashed, sorted by hash). Two texts in one language share many
//! of them (the function words: `the`, `of`, `and`; `de`, `la`, `que`), two texts in two
//! languages almost none, whatever the script and whether any language identifier knows the
//! language: the idea behind function-word language identification (Ingle 1976; Grefenstette
//! 1995, "Comparing two language identification schemes"), taken pairwise, with the corpus in
//! place of a list of languages. In scripts written without spaces or whose letters are
//! syllables (Han, Kana, Hangul, Thai, Lao, Myanmar, Khmer, Ethiopic), each letter counts as a
//! word. Numbers are not words.
//!
//! Cost: one pass over the first [`PROFILE_BYTES`] bytes, one sort of their word hashes.

use xxhash_rust::xxh3::xxh3_64;

/// Bytes of a text its common words are taken from.
pub const PROFILE_BYTES: usize = 4096;

/// Common words kept per document.
pub const COMMON_WORDS: usize = 30;

/// Whether each letter of this code point is a word of its own.
fn letter_is_word(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF | 0x1000..=0x109F | 0x1200..=0x139F | 0x1780..=0x17FF
        | 0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

/// Whether `c` is part of a word: a letter, a digit, or a combining mark (any character
/// beyond ASCII that is not white space, punctuation or a symbol of the general blocks).
fn word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    !c.is_whitespace()
        && !matches!(c as u32, 0x80..=0xBF | 0xD7 | 0xF7 | 0x2000..=0x2BFF | 0x3000..=0x303F | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65 | 0x1F000..=0x1FFFF
            | 0x60C | 0x61B | 0x61F | 0x66A..=0x66D | 0x6D4 | 0x964..=0x965 | 0xE4F | 0xE5A..=0xE5B)
}

/// `char::is_numeric` of the Basic Multilingual Plane, cached (the standard library searches
/// its tables for every character beyond ASCII).
static NUMERIC: crate::normalize::PlaneCache<bool> = crate::normalize::PlaneCache::new();

/// The lowercase of a character of the Basic Multilingual Plane when it is one character
/// (`'\0'` for the few that lower to more), cached as [`NUMERIC`].
static LOWER: crate::normalize::PlaneCache<char> = crate::normalize::PlaneCache::new();

fn lower_one(c: char) -> char {
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        _ => '\0',
    }
}

/// Appends `c.to_lowercase()` to `out`, from [`LOWER`] where it is one character.
fn push_lower(c: char, out: &mut String) {
    match LOWER.get(c, lower_one) {
        '\0' => out.extend(c.to_lowercase()),
        l => out.push(l),
    }
}

/// Scratch space of [`Profiler::common_words`].
#[derive(Default)]
pub struct Profiler {
    word: String,
    hashes: Vec<u64>,
    counted: Vec<(u32, u64)>,
}

impl Profiler {
    /// The common words of `text`: hashes sorted ascending, at most [`COMMON_WORDS`].
    pub fn common_words(&mut self, text: &str) -> Vec<u64> {
        let mut end = text.len().min(PROFILE_BYTES);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        self.hashes.clear();
        self.word.clear();
        let mut digits_only = true;
        let flush = |word: &mut String, digits_only: &mut bool, hashes: &mut Vec<u64>| {
            if !word.is_empty() && !*digits_only {
                hashes.push(xxh3_64(word.as_bytes()));
            }
            word.clear();
            *digits_only = true;
        };
        for c in text[..end].chars() {
            if c.is_ascii() {
                // The common case, without the general tests and case mapping below.
                if c.is_ascii_alphanumeric() {
                    digits_only &= c.is_ascii_digit();
                    self.word.push(c.to_ascii_lowercase());
                } else {
                    flush(&mut self.word, &mut digits_only, &mut self.hashes);
                }
                continue;
            }
            if word_char(c) {
                if letter_is_word(c) {
                    flush(&mut self.word, &mut digits_only, &mut self.hashes);
                    self.word.push(c);
                    digits_only = false;
                    flush(&mut self.word, &mut digits_only, &mut self.hashes);
                    continue;
                }
                digits_only &= NUMERIC.get(c, char::is_numeric);
                push_lower(c, &mut self.word);
            } else {
                flush(&mut self.word, &mut digits_only, &mut self.hashes);
            }
        }
        flush(&mut self.word, &mut digits_only, &mut self.hashes);
        self.hashes.sort_unstable();
        self.counted.clear();
        self.counted.extend(
            self.hashes
                .chunk_by(|a, b| a == b)
                .map(|run| (run.len() as u32, run[0])),
        );
        // Most frequent first, ties by hash, so the result is a function of the text.
        self.counted.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut out: Vec<u64> = self.counted.iter().take(COMMON_WORDS).map(|e| e.1).collect();
        out.sort_unstable();
        out
    }
}

/// How many common words two documents share (both lists sorted).
#[cfg(test)]
pub(crate) fn shared(a: &[u64], b: &[u64]) -> usize {
    crate::signature::intersection_size(a, b)
}

/// A document's common words, ready for many "do these two share at least `k`?" questions:
/// the sorted hashes, and a 1,024-bit mask with one bit per word (the hash's top ten bits).
/// The popcount of two masks' intersection (plus, where a set has two words on one bit, the
/// fewer such extra words) bounds from above the words two documents share, which settles most
/// pairs. Each shared bit then names the words that hold it on each side: since the bit is the
/// hash's top bits, the words of a bit are a run of the sorted list, found from the count of
/// words before the bit's 64-bit chunk and the bits set before it in the chunk (plus the extra
/// words of the few bits that hold two), so only those words are compared.
#[derive(Debug, Clone)]
pub struct WordSet<'a> {
    words: &'a [u64],
    mask: [u64; 16],
    /// Words before each of the mask's 16 chunks.
    before: [u8; 16],
    /// The bits holding more than one word, and how many more, by bit (at most [`MAX_SHARED_BITS`];
    /// `None` when there are more: then the lists are merged).
    crowded: Option<Vec<(u16, u8)>>,
    /// Words beyond one per set bit.
    extra: usize,
}

/// Bits of one document holding two words or more that [`WordSet`] keeps track of (30 words on
/// 1,024 bits put two on one bit in about a third of documents, three or more bits rarely).
const MAX_SHARED_BITS: usize = 4;

impl<'a> WordSet<'a> {
    /// The set of `words` (sorted, each once).
    pub fn new(words: &'a [u64]) -> Self {
        let mut mask = [0u64; 16];
        let mut crowded: Vec<(u16, u8)> = Vec::new();
        let mut last = u16::MAX;
        for &w in words {
            let bit = (w >> 54) as u16;
            if bit == last {
                match crowded.last_mut() {
                    Some((b, extra)) if *b == bit => *extra = extra.saturating_add(1),
                    _ => crowded.push((bit, 1)),
                }
            }
            mask[bit as usize / 64] |= 1 << (bit % 64);
            last = bit;
        }
        let mut before = [0u8; 16];
        for (c, b) in before.iter_mut().enumerate() {
            *b = words.partition_point(|&w| ((w >> 54) as usize) < 64 * c).min(255) as u8;
        }
        let extra = crowded.iter().map(|&(_, e)| e as usize).sum();
        WordSet {
            words,
            mask,
            before,
            crowded: (crowded.len() <= MAX_SHARED_BITS && words.len() < 256).then_some(crowded),
            extra,
        }
    }

    /// Whether the two sets share at least `k` words.
    pub fn shares_at_least(&self, other: &WordSet<'_>, k: usize) -> bool {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("popcnt") {
                // SAFETY: the CPU has `popcnt`, checked just above.
                return unsafe { self.shares_popcnt(other, k) };
            }
        }
        self.shares_portable(other, k)
    }

    /// [`WordSet::shares_at_least`] with the CPU's `popcnt` instruction (the build targets
    /// every x86-64; counting bits in software is several times the work).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "popcnt")]
    fn shares_popcnt(&self, other: &WordSet<'_>, k: usize) -> bool {
        self.shares_portable(other, k)
    }

    /// The run of `words` holding bit `64 * chunk + t`.
    #[inline(always)]
    fn run(&self, crowded: &[(u16, u8)], chunk: usize, t: u32) -> &[u64] {
        let bit = (64 * chunk) as u16 + t as u16;
        let below = (1u64 << t) - 1;
        let mut start = self.before[chunk] as usize + (self.mask[chunk] & below).count_ones() as usize;
        let mut len = 1;
        for &(b, e) in crowded {
            if b as usize / 64 == chunk && b < bit {
                start += e as usize;
            } else if b == bit {
                len += e as usize;
            }
        }
        &self.words[start..start + len]
    }

    #[inline(always)]
    fn shares_portable(&self, other: &WordSet<'_>, k: usize) -> bool {
        if k == 0 {
            return true;
        }
        let (x, y) = (&self.mask, &other.mask);
        let mut left: usize = x.iter().zip(y).map(|(p, q)| (p & q).count_ones() as usize).sum();
        let slack = self.extra.min(other.extra);
        if left + slack < k {
            return false;
        }
        let (Some(ca), Some(cb)) = (&self.crowded, &other.crowded) else {
            return shares_at_least(self.words, other.words, k);
        };
        let mut found = 0;
        for i in 0..16 {
            let mut both = x[i] & y[i];
            while both != 0 {
                let t = both.trailing_zeros();
                both &= both - 1;
                let (ra, rb) = (self.run(ca, i, t), other.run(cb, i, t));
                found += if ra.len() == 1 && rb.len() == 1 {
                    usize::from(ra[0] == rb[0])
                } else {
                    crate::signature::intersection_size(ra, rb)
                };
                if found >= k {
                    return true;
                }
                left -= 1;
                if found + left + slack < k {
                    return false;
                }
            }
        }
        false
    }
}

/// Whether two documents share at least `k` common words (both lists sorted, each word once),
/// stopping as soon as the answer is known.
pub(crate) fn shares_at_least(a: &[u64], b: &[u64], k: usize) -> bool {
    crate::signature::intersection_at_least(a, b, k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cached_character_tests_agree_with_the_standard_library() {
        for c in (0x80..=0x10FFFFu32).filter_map(char::from_u32) {
            assert_eq!(NUMERIC.get(c, char::is_numeric), c.is_numeric(), "{:X}", c as u32);
            let mut lowered = String::new();
            push_lower(c, &mut lowered);
            assert_eq!(lowered, c.to_lowercase().to_string(), "{:X}", c as u32);
        }
    }

    proptest::proptest! {
        /// The mask-and-run answer is the merge's, whether words crowd few bits (the lists
        /// are merged), share a bit now and then (runs of two or more words) or never do.
        #[test]
        fn word_sets_answer_as_the_merge(
            a in proptest::collection::vec((0u64..1024, proptest::num::u64::ANY), 0..40),
            b in proptest::collection::vec((0u64..1024, proptest::num::u64::ANY), 0..40),
            common in proptest::collection::vec((0u64..1024, proptest::num::u64::ANY), 0..12),
            bits in proptest::sample::select(vec![8u64, 64, 256, 1024]),
            k in 0usize..6,
        ) {
            // Top ten bits from the first `bits` values, so that words crowd them or not.
            let word = |&(top, low): &(u64, u64)| ((top % bits) << 54) | (low >> 10);
            let set = |v: &[(u64, u64)]| {
                let mut w: Vec<u64> = v.iter().chain(&common).map(word).collect();
                w.sort_unstable();
                w.dedup();
                w
            };
            let (x, y) = (set(&a), set(&b));
            let (sx, sy) = (WordSet::new(&x), WordSet::new(&y));
            proptest::prop_assert_eq!(sx.shares_at_least(&sy, k), shares_at_least(&x, &y, k));
            proptest::prop_assert_eq!(sy.shares_at_least(&sx, k), shares_at_least(&x, &y, k));
        }
    }

    #[test]
    fn shares_at_least_agrees_with_the_count() {
        let lists: Vec<Vec<u64>> = vec![
            vec![],
            vec![1],
            vec![1, 2, 3],
            vec![2, 3, 4, 9],
            vec![1, 3, 5, 7, 9],
            vec![0, 9],
        ];
        for a in &lists {
            for b in &lists {
                for k in 0..6 {
                    assert_eq!(shares_at_least(a, b, k), shared(a, b) >= k, "{a:?} {b:?} {k}");
                }
            }
        }
    }

    fn words(text: &str) -> Vec<u64> {
        Profiler::default().common_words(text)
    }

    const EN1: &str = "The committee said on Tuesday that the new rules would take effect next year, \
        after a long debate in which members of both parties argued about the cost of the plan \
        and the time it would take to put it in place across the country.";
    const EN2: &str = "Scientists have found that the ice in the northern sea is melting faster than \
        they had thought, and they warned that the change could affect the weather of the whole \
        region for many years to come, according to a report published this week.";
    const DE1: &str = "Der Ausschuss sagte am Dienstag, dass die neuen Regeln im nächsten Jahr in \
        Kraft treten würden, nach einer langen Debatte, in der Mitglieder beider Parteien über \
        die Kosten des Plans und die Zeit stritten, die seine Umsetzung im ganzen Land dauern würde.";
    const ZH1: &str = "委员会周二表示，新规定将于明年生效。此前，两党成员就该计划的成本以及在全国范围内实施该计划所需的时间进行了长时间的辩论。";
    const ZH2: &str = "科学家发现，北方海域的冰融化速度比他们想象的要快，他们警告说，这种变化可能会在未来许多年影响整个地区的天气。这是本周发表的一份报告中说的。";

    #[test]
    fn one_language_shares_more_common_words_than_two() {
        let (en1, en2, de1, zh1, zh2) = (words(EN1), words(EN2), words(DE1), words(ZH1), words(ZH2));
        assert!(shared(&en1, &en2) >= 3, "{}", shared(&en1, &en2));
        assert!(shared(&en1, &de1) <= 1, "{}", shared(&en1, &de1));
        assert!(shared(&zh1, &zh2) >= 3, "{}", shared(&zh1, &zh2));
        assert_eq!(shared(&zh1, &en1), 0);
    }

    #[test]
    fn numbers_are_no_words_and_the_list_is_bounded() {
        assert!(words("12 345, 67.8 -- () 2024").is_empty());
        let w = words(EN1);
        assert!(!w.is_empty() && w.len() <= COMMON_WORDS);
        assert!(w.windows(2).all(|p| p[0] < p[1]));
        assert_eq!(w, words(EN1));
    }
}
