//! Tests of [`super`].

use super::build::english_words;
use super::*;

fn write_dictd(dir: &Path, name: &str, entries: &[(&str, &str)]) {
    use std::io::Write;
    // The body: entries one after the other; the index: base-64 offsets and lengths.
    let mut body = String::new();
    let mut index = String::new();
    let enc = |mut v: usize| {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut s = Vec::new();
        loop {
            s.push(A[v % 64]);
            v /= 64;
            if v == 0 {
                break;
            }
        }
        s.reverse();
        String::from_utf8(s).unwrap()
    };
    for (head, text) in entries {
        let start = body.len();
        body.push_str(text);
        index.push_str(&format!("{head}\t{}\t{}\n", enc(start), enc(text.len())));
    }
    std::fs::write(dir.join(format!("{name}.index")), index).unwrap();
    let f = std::fs::File::create(dir.join(format!("{name}.dict.dz"))).unwrap();
    let mut gz = flate2::write::GzEncoder::new(f, flate2::Compression::default());
    gz.write_all(body.as_bytes()).unwrap();
    gz.finish().unwrap();
}

#[test]
fn dictd_both_directions_and_the_compiled_file() {
    let dir = tempfile::tempdir().unwrap();
    write_dictd(
        dir.path(),
        "freedict-fra-eng",
        &[
            ("00databaseinfo", "00databaseinfo\nabout this dictionary\n"),
            ("élection", "élection /elɛksjɔ̃/ <n>\n1. election\n2. choice, poll\n"),
            ("sénatrice", "sénatrice <n>\n(politique) senator\nune femme au sénat\n"),
        ],
    );
    write_dictd(
        dir.path(),
        "freedict-eng-ind",
        &[(
            "president",
            "president /ˈprɛzɪdənt/ <n>\npresiden, kepala negara\nhead of a state\n",
        )],
    );
    let built = LexiconBuilder::from_dictd_dir(dir.path()).unwrap();
    assert_eq!(built.languages(), ["fra", "ind"]);
    let path = dir.path().join("lex.bin");
    std::fs::write(&path, built.to_bytes()).unwrap();
    let lex = Lexicon::load(&path).unwrap();
    let ids = |p: Option<Pivots<'_>>| p.map(|p| p.iter().collect::<Vec<_>>());
    let want = |w: &[&str]| Some(w.iter().map(|x| pivot_id(x)).collect::<Vec<_>>());
    assert_eq!(lex.languages(), ["fra", "ind"]);
    assert_eq!(
        ids(lex.lookup("fra", "élection")),
        want(&["election", "choice", "poll"])
    );
    // The gloss line in French is not taken for English.
    assert_eq!(ids(lex.lookup("fra", "sénatrice")), want(&["senator"]));
    // Inverted: the Indonesian word maps to the English headword; multiword phrases do not.
    assert_eq!(ids(lex.lookup("ind", "presiden")), want(&["president"]));
    assert!(lex.lookup("ind", "kepala negara").is_none());
    assert!(lex.lookup("deu", "wahl").is_none());
    // A plural finds its headword by prefix.
    assert_eq!(
        ids(lex.lookup("fra", "élections")),
        want(&["election", "choice", "poll"])
    );
    assert_eq!(lex.len_of("ind"), 1);
    let back = lex;
    // A French and an English text meet on their pivots.
    let fr = back.pivot_bag("fra", "La sénatrice et les élections", None);
    let en = back.pivot_bag("eng", "The senator and the elections", None);
    let ids = |b: &[(u32, f32)]| b.iter().map(|e| e.0).collect::<Vec<_>>();
    assert!(ids(&fr).contains(&pivot_id("senator")) && ids(&en).contains(&pivot_id("senator")));
    assert!(ids(&en).contains(&pivot_id("election")));
}

#[test]
fn cedict_both_forms_and_no_pointer_glosses() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cedict.txt");
    std::fs::write(
        &path,
        "# CC-CEDICT\n\
         選舉 选举 [xuan3 ju3] /to elect/election/CL:次[ci4]/\n\
         參議員 参议员 [can1 yi4 yuan2] /senator/\n\
         王 王 [Wang2] /surname Wang/\n\
         囯 囯 [guo2] /old variant of 國|国[guo2]/\n",
    )
    .unwrap();
    let mut built = LexiconBuilder::new();
    built.read_cedict(&path).unwrap();
    // Traditional and simplified headwords; the two pointer-only entries are left out.
    assert_eq!(built.len_of("cmn"), 4);
    let lex = Lexicon::from_bytes(built.to_bytes()).unwrap();
    let ids = |p: Option<Pivots<'_>>| p.map(|p| p.iter().collect::<Vec<_>>());
    let want = |w: &str| Some(english_words(w).iter().map(|x| pivot_id(x)).collect::<Vec<_>>());
    assert_eq!(ids(lex.lookup("cmn", "选举")), want("elect election"));
    assert_eq!(ids(lex.lookup("cmn", "選舉")), want("elect election"));
    assert!(lex.lookup("cmn", "王").is_none());
    // Chinese, written without spaces, meets English on its pivots by longest headword.
    let zh = lex.pivot_bag("cmn", "参议员和选举", None);
    let en = lex.pivot_bag("eng", "The senator and the election", None);
    let has = |b: &[(u32, f32)], w: &str| b.iter().any(|e| e.0 == pivot_id(&english_words(w)[0]));
    assert!(has(&zh, "senator") && has(&en, "senator") && has(&zh, "election"));
    // A file without entries is an error, not an empty language.
    std::fs::write(&path, "# nothing\n").unwrap();
    assert!(LexiconBuilder::new().read_cedict(&path).is_err());
}

#[test]
fn arabic_folding_drops_marks_and_unifies_letters() {
    let mut out = String::new();
    fold_word("ara", "أَحْمَد", &mut out);
    assert_eq!(out, "احمد");
    fold_word("ara", "مدرسة", &mut out);
    assert_eq!(out, "مدرسه");
    // Other languages keep their letters.
    fold_word("fra", "Élection", &mut out);
    assert_eq!(out, "élection");
}

#[test]
fn english_stems_agree_on_inflections() {
    assert_eq!(english_stem("elections"), english_stem("election"));
    assert_eq!(english_stem("parties").as_deref(), Some("party"));
    assert_eq!(english_stem("the"), None);
    // Every function word is left out, and only those (words differing by a trailing
    // letter or longer than the packing are not taken for one).
    assert!(STOP.iter().all(|w| w.len() <= 16 && english_stem(w).is_none()));
    for w in ["abouts", "ab", "thems", "somethingelsewhatsoever", "th"] {
        assert!(!is_stop(w), "{w}");
    }
    assert_eq!(english_stem("something"), None);
    assert_eq!(english_stem("somethings").as_deref(), Some("something"));
}

#[test]
fn not_a_lexicon_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.bin");
    std::fs::write(&p, "hello\n").unwrap();
    assert!(Lexicon::load(&p).is_err());
    // A header that points past the end is refused, not followed.
    let mut b = MAGIC.to_vec();
    b.extend_from_slice(&1u32.to_le_bytes());
    b.extend_from_slice(b"fra\0");
    b.extend_from_slice(&1000u32.to_le_bytes());
    b.extend_from_slice(&12u32.to_le_bytes());
    b.extend_from_slice(&0u32.to_le_bytes());
    assert!(Lexicon::from_bytes(b).is_err());
}

proptest::proptest! {
    /// The hash index finds every headword of a compiled table, with its own pivots, and no
    /// word that is not one (look-ups without the fallbacks of `lookup`), whether the file
    /// holds the index or the index is built on first use (a file without one, or of version
    /// 2).
    #[test]
    fn the_hash_index_finds_exactly_the_headwords(
        words in proptest::collection::hash_set("[a-zé]{1,9}", 0..300),
        absent in proptest::collection::vec("[a-zé]{1,9}", 0..50),
    ) {
        let mut built = LexiconBuilder::new();
        for w in &words {
            built.add("fra", w, vec![format!("{w}x")]);
        }
        built.add("deu", "haus", vec!["house".into()]);
        let stored = built.to_bytes();
        // The same file as written before the index was stored: index offsets 0, built on use.
        let mut unindexed = stored.clone();
        let langs = u32::from_le_bytes(stored[8..12].try_into().unwrap()) as usize;
        for l in 0..langs {
            unindexed[24 + 16 * l..28 + 16 * l].fill(0);
        }
        // A file of version 2, whose index holds no tags: not read (an offset past the end
        // is not an error), built on use.
        let mut v2 = stored.clone();
        v2[..8].copy_from_slice(b"NDLEX\0\0\x02");
        for l in 0..langs {
            v2[24 + 16 * l..28 + 16 * l].copy_from_slice(&u32::MAX.to_le_bytes());
        }
        for bytes in [stored, unindexed, v2] {
            let lex = Lexicon::from_bytes(bytes).unwrap();
            let table = lex.table("fra");
            proptest::prop_assert_eq!(table.is_some(), !words.is_empty());
            if let Some(table) = table {
                for w in &words {
                    let got: Vec<u32> = table.get(w).map(|p| p.iter().collect()).unwrap_or_default();
                    proptest::prop_assert_eq!(got, vec![pivot_id(&format!("{w}x"))]);
                }
                for w in absent.iter().filter(|w| !words.contains(*w)) {
                    proptest::prop_assert!(table.get(w).is_none());
                }
            }
        }
    }

    /// A compiled lexicon with bytes changed past its header: look-ups answer or not, but
    /// never panic.
    #[test]
    fn damaged_tables_never_panic(at in 0usize..4096, byte in 0u8..=255, word in "[a-z]{1,6}") {
        let mut built = LexiconBuilder::new();
        for w in ["chat", "chien", "maison", "élection", "sénat"] {
            built.add("fra", w, vec!["pet".into(), "home".into()]);
        }
        let mut bytes = built.to_bytes();
        let i = 12 + at % (bytes.len() - 12);
        bytes[i] = byte;
        if let Ok(lex) = Lexicon::from_bytes(bytes) {
            let _ = lex.lookup("fra", &word);
            let _ = lex.pivot_bag("fra", "le chat et le chien de la maison", None);
        }
    }
}

#[test]
fn labels_of_any_style_find_their_table() {
    let mut built = LexiconBuilder::new();
    built.add("fra", "maison", vec!["house".into()]);
    built.add("ara", "بيت", vec!["house".into()]);
    let lex = Lexicon::from_bytes(built.to_bytes()).unwrap();
    let house = vec![pivot_id("house")];
    for label in ["fra", "fr", "fra-CA", "fra_Latn", "FR-fr"] {
        assert_eq!(lex.resolve(label), Some("fra"), "{label}");
        assert_eq!(
            lex.lookup(label, "maison").map(|p| p.iter().collect::<Vec<_>>()),
            Some(house.clone())
        );
    }
    // A member of a macrolanguage is served by the macrolanguage's table, English by itself.
    for label in ["arb", "ar", "arz-EG"] {
        assert_eq!(lex.resolve(label), Some("ara"), "{label}");
    }
    assert_eq!(lex.resolve("en-GB"), Some("eng"));
    assert!(lex.covers("en") && !lex.covers("deu") && !lex.covers("und"));
    // The pivot bag of an Arabic text labelled as Standard Arabic uses the Arabic table and its
    // folding (the article written onto the word).
    let code = lex.resolve("arb").unwrap();
    assert_eq!(
        lex.pivot_bag(code, "البيت", None)
            .iter()
            .map(|e| e.0)
            .collect::<Vec<_>>(),
        house
    );
}
