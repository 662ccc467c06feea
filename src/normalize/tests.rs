//! Tests of [`super`].

use super::*;

fn norm(s: &str) -> String {
    let mut b = String::new();
    normalize_into(s, &mut b);
    b
}

#[test]
fn ascii_fast_path_lowercases() {
    assert_eq!(norm("Hello, WORLD 42"), "hello, world 42");
}

#[test]
fn nfkc_and_folding() {
    // Full-width letters and the "ﬁ" ligature are compatibility characters.
    assert_eq!(norm("ＡＢＣ ﬁle"), "abc file");
    assert_eq!(norm("ΣΟΦΟΣ σοφος"), "σοφοσ σοφοσ");
    assert_eq!(norm("GROẞE Straße"), "grosse strasse");
    // Decomposed é composes under NFKC, also with an uppercase base letter.
    assert_eq!(norm("Cafe\u{301}"), "café");
    assert_eq!(norm("CAFE\u{301} x"), "café x");
    assert_eq!(norm("ab\u{2460}cd"), "ab1cd");
    assert_eq!(norm("It’s “quoted” — ok•x"), "it's  quoted    ok x");
}

#[test]
fn runs_agree_with_whole_text_nfkc() {
    use unicode_normalization::UnicodeNormalization;
    for t in [
        "a\u{300}\u{301}b",
        "Ǆemal ﬃ ＡＢ ²",
        "x\u{1100}\u{1161}y",
        "e\u{301}\u{327}",
        "tail é",
    ] {
        let whole: String = t.nfkc().collect::<String>().to_lowercase();
        assert_eq!(norm(t), whole, "{t:?}");
    }
    for len in 0..80 {
        let prefix: String = "Ab".repeat(len).chars().take(len).collect();
        // Plain text: the copy stops at the first non-ASCII byte, lowercased.
        let text = format!("{prefix}éZ");
        let mut out = String::from("x");
        assert_eq!(copy_lower_until(text.as_bytes(), 0, &mut out), len);
        assert_eq!(out, format!("x{}", prefix.to_ascii_lowercase()));
        // JSON text: simple escapes are decoded on the way; the copy stops at `\\u`.
        let raw = format!("{prefix}\\nQ\\\"{prefix}\\u00e9Z");
        let mut out = String::new();
        let (j, added) = copy_json_ascii(raw.as_bytes(), 0, &mut out);
        let want = format!("{p}\nq\"{p}", p = prefix.to_ascii_lowercase());
        assert_eq!(out, want);
        assert_eq!(added, want.len());
        assert_eq!(&raw[j..j + 2], "\\u");
    }
}

/// The reference: NFKC of the whole text, then the same per-character folding.
fn reference(t: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::new();
    fold_chars(t.nfkc(), &mut out);
    out
}

proptest::proptest! {
    #[test]
    fn runs_equal_whole_text_reference(
        parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "a", "E", "Z", " ", "\\", "\n", "\u{301}", "\u{327}", "é", "Ç", "ﬁ", "Ａ", "²", "’", "—",
                "Д", "ё", "中", "が", "\u{3099}", "ｶ", "ß", "Σ", "ς", "\u{1100}", "\u{1161}", "1", "abcdefghijklmnop",
                // Tamil, Bengali, Devanagari: vowel signs that compose (Maybe), a virama and a
                // nukta (combining classes 9 and 7), precomposed letters; Hangul syllables and
                // trailing jamo; Greek with a tonos; Arabic with harakat (classes 30-33).
                "க", "\u{BC6}", "\u{BBE}", "\u{BD7}", "\u{BCA}", "\u{BCD}", "ஒ", "ব", "\u{9C7}", "\u{9BE}",
                "\u{9D7}", "\u{9CB}", "क", "न", "\u{93C}", "\u{929}", "\u{94D}", "가", "\u{11A8}", "ά", "ἀ",
                "\u{300}", "\u{345}", "ب", "\u{64E}", "\u{651}", "\u{650}", "ﬀ", "㎏",
                // Yoruba: letters with a dot below, precomposed or not, and tone marks.
                "ẹ", "ọ", "Ẹ", "\u{323}", "n", "o", "\u{302}", "\u{308}", "\u{335}",
                // Yoruba: letters with a dot below under a tone mark; Vietnamese stacks.
                "ẹ", "Ọ", "ṣ", "\u{323}", "\u{301}", "ệ", "ǜ", "\u{308}", "ɛ",
            ]),
            0..200,
        )
    ) {
        let text: String = parts.concat();
        let mut got = String::new();
        normalize_into(&text, &mut got);
        proptest::prop_assert_eq!(got, reference(&text));
        // The cached quick check answers as unicode-normalization's.
        proptest::prop_assert_eq!(
            is_nfkc(&text),
            unicode_normalization::is_nfkc_quick(text.chars()) == IsNormalized::Yes
        );
        // The JSON path, on the same text escaped as JSON, gives the same.
        let escaped = serde_json::to_string(&text).unwrap();
        let raw = &escaped[1..escaped.len() - 1];
        let mut got_json = String::new();
        if normalize_json(raw, &mut got_json).is_none() {
            normalize_into(&serde_json::from_str::<String>(&escaped).unwrap(), &mut got_json);
        }
        proptest::prop_assert_eq!(got_json, reference(&text));
        // Each token's hash in its normal form, with the shortcuts for normal tokens, is the
        // hash of the token normalized; and of the whole text, too.
        let mut buf = String::new();
        for t in text.split([' ', '\n']).chain([text.as_str()]) {
            let mut normal = String::new();
            normalize_into(t, &mut normal);
            proptest::prop_assert_eq!(normal_hash(t, &mut buf), xxhash_rust::xxh3::xxh3_64(normal.as_bytes()));
            normalize_token_into(t, &mut buf);
            proptest::prop_assert_eq!(&buf, &normal);
        }
    }
}

#[test]
fn nfkc_quick_check_of_every_character_and_mark_pair_is_unicode_normalizations() {
    let quick = |t: &str| unicode_normalization::is_nfkc_quick(t.chars()) == IsNormalized::Yes;
    let marks = [
        '\u{300}', '\u{323}', '\u{334}', '\u{93C}', '\u{94D}', '\u{64E}', '\u{651}', '\u{3099}',
    ];
    for c in (0u32..0x3_0000).filter_map(char::from_u32) {
        let one = c.to_string();
        assert_eq!(is_nfkc(&one), quick(&one), "{c:?}");
        for m in marks {
            let two = format!("{c}{m}");
            assert_eq!(is_nfkc(&two), quick(&two), "{c:?} {m:?}");
        }
    }
}

#[test]
fn simd_lowercase_matches_std() {
    let all: String = (0u8..128).map(char::from).collect::<String>().repeat(3);
    let mut out = String::from("x");
    push_ascii_lowercase(&all, &mut out);
    assert_eq!(out, format!("x{}", all.to_ascii_lowercase()));
}

#[test]
fn fast_paths_agree_with_unicode_tables() {
    use unicode_normalization::UnicodeNormalization;
    for u in (0x80u32..0x600)
        .chain(0x2000..0x2C00)
        .chain(0x3000..0x3100)
        .chain(0xAC00..0xAC10)
    {
        let Some(c) = char::from_u32(u) else { continue };
        // fold_chars only ever sees NFKC text.
        if c.to_string().nfkc().ne(std::iter::once(c)) {
            continue;
        }
        let mut fast = String::new();
        fold_chars(std::iter::once(c), &mut fast);
        let slow: String = match c {
            'ß' | 'ẞ' => "ss".into(),
            'ς' => "σ".into(),
            '’' => "'".into(),
            _ => c
                .to_lowercase()
                .map(|l| if classify(l) == CharClass::Sep { ' ' } else { l })
                .collect(),
        };
        assert_eq!(fast, slow, "fold U+{u:04X}");
        let class = if c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c) {
            CharClass::Word
        } else {
            CharClass::Sep
        };
        if !is_unspaced_script(u) {
            assert_eq!(classify(c), class, "class U+{u:04X}");
        }
    }
}

#[test]
fn fast_fold_equals_nfkc_then_fold() {
    use unicode_normalization::UnicodeNormalization;
    for u in 0x80u32..0x10000 {
        let Some(c) = char::from_u32(u) else { continue };
        if let Some(f) = fast_fold(c) {
            let nfkc: String = c.to_string().nfkc().collect();
            if nfkc.chars().eq(std::iter::once(c)) {
                assert_eq!(
                    unicode_normalization::char::canonical_combining_class(c),
                    0,
                    "U+{u:04X}"
                );
            } else {
                // A compatibility character: its NFKC form is one ASCII character that is
                // not the first element of any canonical composition.
                assert!(
                    nfkc.len() == 1
                        && nfkc.is_ascii()
                        && !nfkc.chars().all(|a| a.is_ascii_alphabetic() || "<=>".contains(a)),
                    "U+{u:04X}"
                );
            }
            let mut reference = String::new();
            fold_chars(c.to_string().nfkc(), &mut reference);
            assert_eq!(f.to_string(), reference, "U+{u:04X}");
        }
    }
}

#[test]
fn stable_fold_equals_nfkc_then_fold_and_runs_of_it_are_nfkc() {
    use unicode_normalization::UnicodeNormalization;
    let mut folded = Vec::new();
    for u in 0x80u32..0x10000 {
        let Some(c) = char::from_u32(u) else { continue };
        if let Some(f) = stable_fold(c) {
            assert_eq!(
                unicode_normalization::char::canonical_combining_class(c),
                0,
                "U+{u:04X}"
            );
            assert_eq!(is_nfkc_quick(std::iter::once(c)), IsNormalized::Yes, "U+{u:04X}");
            let mut reference = String::new();
            fold_chars(c.to_string().nfkc(), &mut reference);
            assert_eq!(f.to_string(), reference, "U+{u:04X}");
            folded.push(c);
        }
    }
    // Runs of such characters, after ASCII letters and between them, normalize as the
    // reference does (NFKC of the whole text, then folding).
    for (i, w) in folded.chunks(7).enumerate() {
        let run: String = w.iter().collect();
        let text = format!("a{run}B {run}{run} x{}", w[0]);
        let mut got = String::new();
        normalize_into(&text, &mut got);
        let mut reference = String::new();
        fold_chars(text.nfkc(), &mut reference);
        assert_eq!(got, reference, "chunk {i}: {text:?}");
    }
}

#[test]
fn classes() {
    assert_eq!(classify('中'), CharClass::Ideo);
    assert_eq!(classify('ก'), CharClass::Ideo);
    assert_eq!(classify('カ'), CharClass::Ideo);
    assert_eq!(classify('é'), CharClass::Word);
    assert_eq!(classify('ب'), CharClass::Word);
    assert_eq!(classify('\u{94d}'), CharClass::Word); // Devanagari virama, a mark
    assert_eq!(classify('—'), CharClass::Sep);
    assert_eq!(classify('。'), CharClass::Sep);
}

#[test]
fn segments_normalize_as_the_reference_short_or_long() {
    // Every pair of marks after letters with and without precomposed forms, after ASCII and
    // after a non-ASCII letter: the segments the stack buffer normalizes.
    let starters = [
        "a", "E", "I", "i", "n", "o", "1", "ẹ", "Ẹ", "ọ", "é", "ñ", "Ω", "ω", "ά", "и", "க", "ব", "क", "가",
        "\u{1100}", "ب", "ı", "İ",
    ];
    let marks = [
        "\u{300}", "\u{301}", "\u{302}", "\u{303}", "\u{308}", "\u{323}", "\u{327}", "\u{328}", "\u{335}", "\u{345}",
        "\u{342}", "\u{313}", "\u{306}", "\u{307}", "\u{340}", "\u{344}", "\u{35C}", "\u{BBE}", "\u{BD7}", "\u{9BE}",
        "\u{93C}", "\u{94D}", "\u{1161}", "\u{11A8}", "\u{64E}", "\u{651}", "\u{3099}",
    ];
    for s in starters {
        for m1 in marks {
            for m2 in marks {
                // The one known difference: `I`, a dot above and another mark. The reference
                // composes `İ` and folds it to `i` and a dot above, ahead of the other mark;
                // an ASCII letter is folded first here, so the marks keep canonical order.
                if s == "I" && (m1 == "\u{307}" || m2 == "\u{307}") && m1 != m2 {
                    continue;
                }
                for text in [
                    format!("x{s}{m1}{m2} "),
                    format!("é{s}{m1}{m2}y"),
                    format!("{s}{m1}{m2}"),
                ] {
                    assert_eq!(norm(&text), reference(&text), "{text:?}");
                }
            }
        }
    }
    // A segment longer than the stack buffer takes the general path.
    for n in [30, 31, 32, 33, 40] {
        let text = format!("a{}{}b", "\u{301}\u{323}".repeat(n / 2), "\u{300}".repeat(n % 2));
        assert_eq!(norm(&text), reference(&text), "{n} marks");
    }
}

#[test]
fn nfkc_into_is_unicode_normalizations_nfkc() {
    use unicode_normalization::UnicodeNormalization;
    for s in [
        "",
        "plain ASCII",
        "déjà vu",
        "e\u{301}t\u{301}e\u{301}",
        "ＡＢＣ ﬁle",
        "a\u{323}\u{302}b\u{302}\u{323}",
        "\u{1100}\u{1161}\u{11A8} 한국어",
        "क़ ड़ \u{915}\u{93C}",
        "\u{9C7}\u{9BE} \u{B47}\u{B3E}",
        "Å Å ℃ ½",
    ] {
        let mut out = String::from("kept ");
        nfkc_into(s, &mut out);
        assert_eq!(out, format!("kept {}", s.nfkc().collect::<String>()), "{s:?}");
    }
}

proptest::proptest! {
    /// Texts made of characters that compose, decompose, reorder or fold under NFKC.
    #[test]
    fn nfkc_into_agrees_on_mixed_texts(picks in proptest::collection::vec(0usize..24, 0..40)) {
        use unicode_normalization::UnicodeNormalization;
        const PIECES: [&str; 24] = [
            "a", "e", " ", "\u{301}", "\u{323}", "\u{302}", "\u{308}", "é", "ﬁ", "Ａ", "\u{1100}",
            "\u{1161}", "\u{11A8}", "한", "\u{915}", "\u{93C}", "\u{9C7}", "\u{9BE}", "\u{B47}",
            "\u{B3E}", "Å", "½", "\u{FB01}", "\u{0644}\u{0627}",
        ];
        let s: String = picks.iter().map(|&i| PIECES[i]).collect();
        let mut out = String::new();
        nfkc_into(&s, &mut out);
        proptest::prop_assert_eq!(out, s.nfkc().collect::<String>());
    }
}
