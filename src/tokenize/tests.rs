//! Tests of [`super`].

use super::scan::scan_scalar;
use super::*;
use crate::normalize::normalize_into;

fn hashes_of(tokens: &[&str], seed: u64) -> Vec<u64> {
    tokens
        .iter()
        .map(|t| token_hash(t.as_bytes(), 0, t.len(), seed))
        .collect()
}

#[test]
fn token_hash_depends_on_bytes_only_and_separates_tokens() {
    // The same token hashes alike wherever it stands (masking drops the bytes after it).
    let a = b"hello world, hello";
    assert_eq!(token_hash(a, 0, 5, 1), token_hash(a, 13, 18, 1));
    assert_eq!(token_hash(b"hello", 0, 5, 1), token_hash(a, 0, 5, 1));
    // All tokens of the seeds and NTREX sample are told apart (no collisions among
    // distinct tokens), across lengths 1..=40.
    let mut seen = std::collections::HashMap::new();
    for f in [
        "000_7dfb285ae57285c5.txt",
        "002_2eae644a89f6a436.txt",
        "004_06bb77744ebfc381.txt",
    ] {
        let t = std::fs::read_to_string(format!("{}/tests/data/seeds/{f}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        for tok in tokens(&t) {
            let h = token_hash(tok.as_bytes(), 0, tok.len(), 7);
            assert_eq!(*seen.entry(h).or_insert_with(|| tok.to_string()), tok);
        }
    }
    for len in 1..=40usize {
        let x = vec![b'x'; len];
        let mut y = x.clone();
        y[len - 1] = b'y';
        assert_ne!(token_hash(&x, 0, len, 3), token_hash(&y, 0, len, 3));
        assert_ne!(token_hash(&x, 0, len, 3), token_hash(&x, 0, len, 4));
    }
}

#[test]
fn word_tokens() {
    let t = "don't stop: u.s. 1,000.50 dollars, e.g. snake_case—x";
    assert_eq!(
        tokens(t),
        ["don't", "stop", "u.s", "1,000.50", "dollars", "e.g", "snake_case", "x"]
    );
}

#[test]
fn cjk_and_thai_are_characters() {
    assert_eq!(tokens("埃隆·马斯克 openai"), ["埃", "隆", "马", "斯", "克", "openai"]);
    assert_eq!(tokens("ภาษาไทย"), ["ภ", "า", "ษ", "า", "ไ", "ท", "ย"]);
    assert_eq!(tokens("मुझे हिंदी"), ["मुझे", "हिंदी"]);
    assert_eq!(tokens("it’s"), ["it’s"]);
}

#[test]
fn scanner_matches_token_list() {
    // The hashing scanner and the span scanner must agree on every input.
    let mut s = Shingler::new(1, 1, 7);
    for text in [
        "Hello, world!  A  b",
        "埃隆·马斯克与OpenAI的代币",
        "x'",
        "'x",
        "1,",
        ",1",
        "a.b.c.",
        "it’s ’",
        "",
    ] {
        let mut norm = String::new();
        normalize_into(text, &mut norm);
        s.load(&norm);
        assert_eq!(s.tokens, hashes_of(&tokens(&norm), 7), "{text:?}");
    }
}

fn scalar_tokens(text: &str) -> Vec<(usize, usize, bool)> {
    let mut out = Vec::new();
    let mut start = NONE;
    let mut emit = |s, e, i| out.push((s, e, i));
    scan_scalar(text, 0, text.len(), &mut start, &mut emit);
    if start != NONE {
        emit(start, text.len(), false);
    }
    out
}

/// The lines of `text` with tokens, each split off and tokenized alone: its hash
/// ([`line_hash`]), its token range in the whole text, the bytes from its first token's start
/// to its last token's end, and its unspaced-script characters.
fn lines_one_by_one(text: &str, seed: u64) -> Vec<LineSpan> {
    let mut out = Vec::new();
    let mut first = 0u32;
    for line in text.split('\n') {
        let mut spans = Vec::new();
        scan(line, |s, e, i| spans.push((s, e, i)));
        let (Some(&(start, _, _)), Some(&(_, end, _))) = (spans.first(), spans.last()) else {
            continue;
        };
        let count = spans.len() as u32;
        out.push(LineSpan {
            hash: line_hash(line, seed).expect("a line with tokens has a hash"),
            first,
            end: first + count,
            bytes: (end - start) as u32,
            ideo: spans.iter().filter(|t| t.2).count() as u32,
        });
        first += count;
    }
    out
}

fn block_tokens(text: &str) -> Vec<(usize, usize, bool)> {
    let mut out = Vec::new();
    scan(text, |s, e, i| out.push((s, e, i)));
    out
}

proptest::proptest! {
    #[test]
    fn block_scanner_equals_scalar_scanner(
        parts in proptest::collection::vec(
            proptest::sample::select(vec!["a", "Z", "9", "0", "_", " ", "'", ".", ",", "é", "中", "’", "\n", "x1", "ab", "—", "Д", "ё", "ɐ", "×", "÷", "Ā", "ѿ", "Ҋ", "ß",
                // Combining marks (U+0300..U+033F and past it), Latin Extended Additional and
                // its neighbours (U+1DFF, U+1F00), Yoruba and Vietnamese letters.
                "\u{300}", "\u{301}", "\u{323}", "\u{33F}", "\u{340}", "ẹ", "ọ", "ṣ", "ỹ", "Ḁ", "\u{1DFF}", "ἀ", "ᴀ", "‐", "ⅰ",
                // Two-byte scripts, with their punctuation and signs: Greek, Armenian, Hebrew,
                // Arabic (comma, semicolon, question mark, percent, full stop, end of ayah,
                // tatweel, harakat, Arabic-Indic digits), Syriac, Thaana, NKo.
                "ά", "ω", "϶", "·", "ա", "՛", "։", "ש", "\u{5B0}", "־", "׳", "ب", "ک", "ی", "،", "؛", "؟", "٪",
                "۔", "\u{6DD}", "ـ", "\u{64E}", "٣", "۵", "ܐ", "ހ", "ߊ", "\u{7FF}", "¡", "\u{80}"]),
            0..300,
        )
    ) {
        let text: String = parts.concat();
        proptest::prop_assert_eq!(block_tokens(&text), scalar_tokens(&text));
    }

    /// The lines the tokenizer lists are the text's lines with tokens, each with the hash
    /// [`line_hash`] gives it alone; dropping some of them leaves the tokens of the text
    /// without those lines.
    #[test]
    fn lines_of_a_text_are_its_lines_alone(
        parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "a", "9", " ", ".", ",", "é", "中", "\n", "\n\n", "ab", "—", "x1 y2", "_", "'", "the ", "word ",
                "1,5 ", "u.s ", " \n ", "\n\n\n", "a long line of plain words ", "ends.\n",
            ]),
            0..400,
        ),
        drop_every in 1usize..4,
    ) {
        let text: String = parts.concat();
        let mut sh = Shingler::new(3, 2, 7);
        let mut lines = Vec::new();
        sh.load_lines(&text, &mut lines);
        proptest::prop_assert_eq!(&lines, &lines_one_by_one(&text, 7));
        let mut plain = Shingler::new(3, 2, 7);
        plain.load(&text);
        proptest::prop_assert_eq!(&sh.tokens, &plain.tokens);
        proptest::prop_assert_eq!(sh.ideo, plain.ideo);
        // Drop every `drop_every`-th line, and tokenize the text without those lines.
        let dropped: Vec<u64> = lines.iter().step_by(drop_every).map(|l| l.hash).collect();
        let mut k = 0;
        sh.drop_lines(&lines, |_| {
            k += 1;
            (k - 1) % drop_every == 0
        });
        let kept: Vec<&str> = text
            .split('\n')
            .filter(|l| line_hash(l, 7).is_none_or(|h| !dropped.contains(&h)))
            .collect();
        plain.load(&kept.join("\n"));
        // A line equal to a dropped one goes too in `kept`: compare only when hashes are
        // distinct.
        let mut distinct = lines.iter().map(|l| l.hash).collect::<Vec<_>>();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() == lines.len() {
            proptest::prop_assert_eq!(&sh.tokens, &plain.tokens);
            proptest::prop_assert_eq!(sh.ideo, plain.ideo);
        }
    }
}

#[test]
fn block_scanner_on_real_text() {
    for f in [
        "000_7dfb285ae57285c5.txt",
        "001_c936b3df293e970d.txt",
        "004_06bb77744ebfc381.txt",
    ] {
        let t = std::fs::read_to_string(format!("{}/tests/data/seeds/{f}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let mut norm = String::new();
        normalize_into(&t, &mut norm);
        assert_eq!(block_tokens(&norm), scalar_tokens(&norm), "{f}");
        let long = "Version 1,000.50 of don't-stop e.g. U.S. snake_case ".repeat(20);
        assert_eq!(block_tokens(&long), scalar_tokens(&long));
    }
}

#[test]
fn rolling_equals_direct() {
    let t: Vec<u64> = (0..40u64).map(|i| xxh3_64_with_seed(&i.to_le_bytes(), 0)).collect();
    for k in 1..=12 {
        let mut h = cyclic(&t[..k]);
        for i in k..t.len() {
            h = roll(h, t[i - k], t[i], k);
            assert_eq!(h, cyclic(&t[i + 1 - k..=i]), "k={k} i={i}");
        }
    }
}

#[test]
fn shingle_counts() {
    let mut s = Shingler::new(3, 2, 1);
    let st = s.shingles("a b c d e", |_| {});
    assert_eq!((st.tokens, st.shingles, st.char_mode), (5, 3, false));
    let st = s.shingles("a b", |_| {});
    assert_eq!(st.shingles, 1);
    let st = s.shingles(" ,; ", |_| {});
    assert_eq!(st.shingles, 0);
    let st = s.shingles("中文文本", |_| {});
    assert_eq!((st.shingles, st.char_mode), (3, true));
}

#[test]
fn shingles_are_order_sensitive_and_seeded() {
    let mut s = Shingler::new(2, 2, 1);
    let a = s.shingle_set("a b c");
    let b = s.shingle_set("c b a");
    assert!(a.iter().all(|h| !b.contains(h)));
    let mut s2 = Shingler::new(2, 2, 2);
    assert_ne!(a, s2.shingle_set("a b c"));
}

#[test]
fn letters_the_block_scanner_takes_whole_are_word_characters() {
    // Its two-byte leads (0xC3..=0xC9 but × ÷, 0xCC, 0xD0..=0xD1) and three-byte ones
    // (0xE1 0xB8..=0xBB): every character they start is a word character.
    let ranges = [0xC0..0x280u32, 0x300..0x340, 0x400..0x480, 0x1E00..0x1F00];
    for u in ranges.into_iter().flatten().filter(|&u| u != 0xD7 && u != 0xF7) {
        let c = char::from_u32(u).unwrap();
        assert_eq!(
            crate::normalize::classify(c),
            crate::normalize::CharClass::Word,
            "U+{u:04X}"
        );
    }
}
