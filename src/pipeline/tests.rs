//! Tests of [`super`].

use super::*;
use crate::reader::Text;
use crate::signature::MinHashKind;
use crate::spans::HashKeyed;
use crate::spans::boilerplate::{Part, Strip};

/// Runs `sign` with a fresh context, once signing whole texts and once in pieces of
/// `piece` bytes; returns the signature and what `sign` gave, both ways.
fn both_ways<T>(c: &Config, piece: usize, sign: impl Fn(&mut SignCtx, &mut [u32]) -> T) -> [(Vec<u32>, T); 2] {
    [usize::MAX, piece].map(|piece_bytes| {
        let mut ctx = SignCtx::new(c);
        ctx.piece_bytes = piece_bytes;
        let mut sig = vec![0u32; c.mh.num_perm];
        let got = sign(&mut ctx, &mut sig);
        (sig, got)
    })
}

/// Signs `t` with a token cache of `budget` bytes, then signs it again from the tokens kept,
/// without the lines of `strip`: its shingle count and fingerprint, or `None` if the tokens
/// were not kept.
/// Every line of `lines` set aside.
fn every(lines: &HashKeyed<u32>) -> Strip<'_> {
    Strip { lines, from: 0 }
}

fn sign_again_from_cache(
    ctx: &mut SignCtx,
    t: Text<'_>,
    strip: Strip<'_>,
    sig: &mut [u32],
    budget: usize,
) -> Option<(u64, u64)> {
    ctx.cache = Some(Arc::new(std::sync::atomic::AtomicUsize::new(budget)));
    ctx.sign_text(t, &mut vec![0u32; sig.len()]);
    let part = std::mem::take(&mut ctx.tokens);
    let lines = std::mem::take(&mut ctx.lines);
    assert_eq!((part.docs(), lines.docs()), (1, 1));
    let signed = ctx.sign_cached_without(part.doc(0)?, lines.doc(0).0, strip, sig);
    Some((signed.shingles, signed.fingerprint))
}

#[test]
fn tokens_kept_within_the_budget_sign_like_the_text() {
    let text = Text::Plain("a line of chrome here\nthe body of the page, one line\nand one more line of it\n");
    let chrome = crate::tokenize::line_hash("a line of chrome here", 0).unwrap();
    let strip: HashKeyed<u32> = [(chrome, 3)].into_iter().collect();
    for method in [Method::MinHash, Method::SimHash] {
        let c = Config::builder().method(method).seed(0).build().unwrap();
        let mut ctx = SignCtx::new(&c);
        let mut want = vec![0u32; c.mh.num_perm];
        let expected = ctx.sign_without(text, every(&strip), &mut want);
        let mut got = vec![0u32; c.mh.num_perm];
        let cached = sign_again_from_cache(&mut ctx, text, every(&strip), &mut got, usize::MAX);
        assert_eq!(cached, Some((expected.shingles, expected.fingerprint)));
        assert!(expected.shingles > 0);
        assert_eq!(got, want);
        // A budget too small for the document keeps nothing (the text is then read again).
        assert_eq!(sign_again_from_cache(&mut ctx, text, every(&strip), &mut got, 40), None);
    }
    // Signed in pieces, a document the budget has room for in part only is not kept, and what
    // its first pieces were granted goes back to the budget.
    let c = Config::builder().seed(0).build().unwrap();
    let mut ctx = SignCtx::new(&c);
    ctx.piece_bytes = 20;
    let budget = Arc::new(std::sync::atomic::AtomicUsize::new(50));
    ctx.cache = Some(budget.clone());
    ctx.sign_text(text, &mut vec![0u32; c.mh.num_perm]);
    assert!(ctx.tokens.doc(0).is_none());
    assert_eq!(budget.load(std::sync::atomic::Ordering::Relaxed), 50);
}

#[test]
fn documents_the_budget_refuses_are_counted_in_place() {
    let c = Config::builder().seed(0).build().unwrap();
    let mut ctx = SignCtx::new(&c);
    let long = "many words in a long line ".repeat(40);
    let short = "a short line";
    // Room for the short document's 3 tokens and line (28 bytes), not for a long one's 240.
    ctx.cache = Some(Arc::new(std::sync::atomic::AtomicUsize::new(100)));
    let mut sig = vec![0u32; c.mh.num_perm];
    for text in [long.as_str(), short, &long, &long] {
        ctx.sign_text(Text::Plain(text), &mut sig);
    }
    let part = std::mem::take(&mut ctx.tokens);
    assert_eq!(part.docs(), 4);
    let kept: Vec<bool> = (0..4).map(|i| part.doc(i).is_some()).collect();
    assert_eq!(kept, [false, true, false, false]);
    assert_eq!(part.doc(1).unwrap().lines(), 1);
    // The two refused after the last one kept have no record.
    assert_eq!(part.records(), 2);
}

proptest::proptest! {
    /// A long text signed piece by piece gives the signature, shingle count, length and
    /// lines of the whole text signed at once, for both MinHash kinds, plain and escaped
    /// JSON text, word and character shingles; and so does signing without boilerplate
    /// lines.
    #[test]
    fn pieces_sign_like_the_whole_text(
        parts in proptest::collection::vec(
            proptest::sample::select(vec!["alpha ", "beta ", "gamma\n", "\n", "\n\n", "中文", "字", "x1, ", "\"q\" ", "\\", "é ", "\t", "end.\n"]),
            0..200,
        ),
        piece in 1usize..80,
        classic in proptest::bool::ANY,
    ) {
        let text: String = parts.concat();
        let kind = if classic { MinHashKind::Classic } else { MinHashKind::OnePermutation };
        let c = Config::builder().num_perm(32).word_shingle(3).char_shingle(2).minhash(kind).build().unwrap();
        let escaped = serde_json::to_string(&text).unwrap();
        for t in [Text::Plain(&text), Text::Json(&escaped[1..escaped.len() - 1])] {
            // Signature, shingles, text length and lines of the document.
            let [whole, pieces] = both_ways(&c, piece, |ctx, sig| {
                let (signed, len) = ctx.sign_text(t, sig);
                (signed.shingles, len, ctx.lines.clone())
            });
            proptest::prop_assert_eq!(&whole, &pieces);
            let lines = &whole.1.2;
            proptest::prop_assert_eq!(lines.docs(), 1);
            // Without the lines of two hashes (the first line's and a middle line's), both
            // ways again.
            let hashes = lines.doc(0).0;
            if let Some(&h) = hashes.first() {
                // The first line in 5 groups and a middle line in 3; lines in 4 or more go.
                let strip: HashKeyed<u32> = [(hashes[hashes.len() / 2], 3), (h, 5)].into_iter().collect();
                let strip = Strip { lines: &strip, from: 4 };
                let [a, b] = both_ways(&c, piece, |ctx, sig| ctx.sign_without(t, strip, sig).shingles);
                proptest::prop_assert_eq!(&a, &b);
                // Signed again from the tokens the first signing kept: the same again.
                let again = |ctx: &mut SignCtx, sig: &mut [u32]| {
                    sign_again_from_cache(ctx, t, strip, sig, usize::MAX).map(|(shingles, _)| shingles)
                };
                let [x, y] = both_ways(&c, piece, again);
                proptest::prop_assert_eq!(&x, &(a.0.clone(), Some(a.1)));
                proptest::prop_assert_eq!(&y, &(a.0.clone(), Some(a.1)));
            }
        }
    }
}

/// Where the first piece points to the wrong shingle size (Latin words, then mostly
/// Chinese, and the other way round), the second pass gives the whole text's signature.
#[test]
fn a_first_piece_that_misleads_still_signs_like_the_whole_text() {
    let words = "the quick brown fox jumps over the lazy dog\n".repeat(3);
    let chars = "中文字符的文本没有空格分隔词语因此按字切分\n".repeat(12);
    for kind in [MinHashKind::OnePermutation, MinHashKind::Classic] {
        // Shingle sizes that differ, so the two sizes sign differently.
        let c = Config::builder()
            .num_perm(32)
            .word_shingle(5)
            .char_shingle(2)
            .minhash(kind)
            .build()
            .unwrap();
        for text in [format!("{words}{chars}"), format!("{chars}{}", words.repeat(10))] {
            let [whole, pieces] = both_ways(&c, 40, |ctx, sig| ctx.sign_text(Text::Plain(&text), sig).0.shingles);
            assert_eq!(whole, pieces);
            assert!(whole.1 > 0);
        }
    }
}

#[test]
fn pieces_end_at_line_breaks_outside_escapes() {
    let raw = r#"ab\\ncd\nef\\\nxy\ngh"#;
    let pieces: Vec<&str> = Text::Json(raw)
        .pieces(1)
        .map(|t| match t {
            Text::Json(p) => p,
            Text::Plain(p) => p,
        })
        .collect();
    // `\\n` is a backslash and an `n`, `\\\n` a backslash and a newline.
    assert_eq!(pieces, [r#"ab\\ncd\n"#, r#"ef\\\n"#, r#"xy\n"#, "gh"]);
    assert_eq!(pieces.concat(), raw);
}

#[test]
fn the_cross_lingual_stage_reports_its_documents_then_its_linking() {
    let texts = [
        "Apollo 11 landed on the Moon in 1969 with Armstrong and Aldrin.",
        "Kurze Notiz.",
        "",
    ];
    let ticks = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = ticks.clone();
    let config = Config::builder()
        .cross_lingual(crate::crosslingual::Params::default())
        .build()
        .unwrap();
    Dedup::new(config)
        .threads(2)
        .stage_progress(Arc::new(move |t| seen.lock().unwrap().push(t)))
        .cluster_texts(&texts)
        .unwrap();
    let ticks = ticks.lock().unwrap();
    let starts: Vec<(&str, u64)> = ticks
        .iter()
        .filter_map(|t| match *t {
            Tick::Start { stage, total } => Some((stage, total)),
            Tick::Done(_) => None,
        })
        .collect();
    assert_eq!(starts, [("cross-lingual: documents", 3), ("cross-lingual: linking", 0)]);
    // Every document is counted once, before the linking starts.
    let linking = ticks
        .iter()
        .position(|t| matches!(t, Tick::Start { total: 0, .. }))
        .unwrap();
    let done: u64 = ticks[..linking]
        .iter()
        .map(|t| if let Tick::Done(n) = t { *n } else { 0 })
        .sum();
    assert_eq!(done, 3);
    assert!(ticks[linking..].iter().all(|t| !matches!(t, Tick::Done(_))));
}

/// Under a memory limit the stages after reading tell their progress: the documents keyed, the
/// partitions sorted and the candidate pairs verified, each counted to its total.
#[test]
fn a_limited_run_tells_its_stages() {
    let seeds = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/seeds.jsonl"));
    let ticks: Arc<std::sync::Mutex<Vec<Tick>>> = Arc::default();
    let seen = ticks.clone();
    let config = Config::builder().boilerplate(false).build().unwrap();
    // One file of band keys per band (the seeds are far too few for more).
    let bands = config.mh.bands as u64;
    let (corpus, clustering) = Dedup::new(config)
        .memory_limit(1 << 20, None)
        .stage_progress(Arc::new(move |t| seen.lock().unwrap().push(t)))
        .run(&[seeds])
        .unwrap();
    assert!(corpus.spilled_bytes() > 0);
    let ticks = ticks.lock().unwrap();
    // Each stage's units, summed up to the next start.
    let mut stages: Vec<(&str, u64, u64)> = Vec::new();
    for t in ticks.iter() {
        match *t {
            Tick::Start { stage, total } => stages.push((stage, total, 0)),
            Tick::Done(n) => stages.last_mut().unwrap().2 += n,
        }
    }
    let pairs = clustering.candidate_pairs as u64;
    assert_eq!(
        stages,
        [
            ("LSH: band keys to disk, documents", 6, 6),
            ("LSH: band keys sorted, files", bands, bands),
            ("verify: candidate pairs", pairs, pairs),
        ]
    );
    assert!(pairs > 0);
}

#[test]
fn every_kind_of_id_is_read_back_from_the_compact_records() {
    assert_eq!(std::mem::size_of::<super::DocMeta>(), 48);
    // Ids with escapes are unescaped into the corpus's table, chunk after chunk (one chunk per
    // record here): each document must find its own.
    let lines = [
        r#"{"id": "plain", "text": "one"}"#,
        r#"{"id": "tab\there", "text": "two"}"#,
        r#"{"id": 42, "text": "three"}"#,
        r#"{"text": "four"}"#,
        r#"{"id": "quote\"d", "text": "five"}"#,
        r#"{"id": "caf\u00e9", "text": "six"}"#,
    ];
    let data = lines.join("\n").into_bytes();
    // In memory, and under a memory limit, where the records are renumbered as they are
    // written to the work folder's file and read back mapped, and the lines likewise.
    let mut lines_of_each = Vec::new();
    for limited in [false, true] {
        let mut dedup = Dedup::new(Config::default());
        if limited {
            dedup = dedup.memory_limit(1 << 20, None);
        }
        dedup.chunk_bytes = 16;
        let source = crate::reader::Source::from_bytes("ids.jsonl", crate::reader::Format::Jsonl, data.clone());
        let corpus = dedup.read_sources(vec![source]).unwrap();
        assert_eq!(corpus.docs.is_mapped(), limited);
        let ids: Vec<String> = (0..corpus.len())
            .map(|d| corpus.id(DocId(d as u32)).into_owned())
            .collect();
        assert_eq!(ids, ["plain", "tab\there", "42", "ids.jsonl:4", "quote\"d", "café"]);
        assert_eq!(corpus.owned_ids.len(), 3);
        let texts: Vec<String> = (0..corpus.len())
            .map(|d| corpus.text(DocId(d as u32), &dedup.read))
            .collect();
        assert_eq!(texts, ["one", "two", "three", "four", "five", "six"]);
        // The records survive their pages given back.
        corpus.release_inputs();
        let lines: Vec<u64> = corpus.docs.iter().map(|m| m.line).collect();
        assert_eq!(lines, [1, 2, 3, 4, 5, 6]);
        assert_eq!(corpus.lines.docs(), 6);
        let doc_lines: Vec<(Vec<u64>, Vec<u32>)> = (0..6)
            .map(|d| {
                let (h, b) = corpus.lines.doc(d);
                (h.to_vec(), b.to_vec())
            })
            .collect();
        assert!(doc_lines.iter().all(|(h, b)| h.len() == 1 && b.len() == 1));
        lines_of_each.push(doc_lines);
    }
    assert_eq!(lines_of_each[0], lines_of_each[1]);
}
