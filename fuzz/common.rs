#![allow(dead_code)] // each target uses one of the two bodies
//! The bodies of the fuzz targets, shared by cargo-fuzz (`fuzz/fuzz_targets/`, coverage-guided)
//! and the proptest stand-in that runs in `cargo test` (`tests/fuzz.rs`, random inputs). Each
//! takes any bytes and checks what must hold for all input: no panic, and the invariants below.
//! The runs use rayon's global pool (a pool built per input outlives the input, which
//! LeakSanitizer reports as a leak).

use neardup::crosslingual::Params;
use neardup::reader::Source;
use neardup::{Config, Dedup, Format, Method, OnError, ReadOptions};

/// Lines the reader can make of `data` (a last line without a newline counts).
fn line_count(data: &[u8]) -> usize {
    data.split(|&b| b == b'\n').count()
}

/// The reader: `data` as JSONL and as plain lines, with bad records failing the run or skipped.
/// A run succeeds or fails with an error (never a panic); it never yields more documents than
/// the input has lines; with `--on-error skip` a JSONL input never fails on a record.
pub fn reader(data: &[u8]) {
    for format in [Format::Jsonl, Format::Lines] {
        for on_error in [OnError::Fail, OnError::Skip] {
            let read = ReadOptions {
                format: Some(format),
                on_error,
                ..ReadOptions::default()
            };
            let dedup = Dedup::new(Config::default()).read_options(read);
            match dedup.sign_sources(vec![Source::from_bytes("fuzz", format, data.to_vec())]) {
                Ok(corpus) => assert!(corpus.len() <= line_count(data)),
                Err(e) => {
                    assert!(!e.to_string().is_empty());
                    assert!(
                        !(format == Format::Jsonl
                            && on_error == OnError::Skip
                            && matches!(e, neardup::Error::Record(_))),
                        "a skipped record failed the run: {e}"
                    );
                }
            }
        }
    }
}

/// The Parquet reader: `data` as a `.parquet` file, read with the default options (text column
/// `text`). Opening and signing it succeed or fail with an error naming the file, never a panic
/// (a corrupt footer, page, compression or schema included); a file that opens yields at most
/// as many documents as it has rows.
pub fn parquet(data: &[u8]) {
    use std::sync::atomic::{AtomicU64, Ordering};
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let call = CALLS.fetch_add(1, Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("neardup-fuzz-{}-{call}.parquet", std::process::id()));
    std::fs::write(&path, data).expect("a temporary file");
    let opened = neardup::reader::open_inputs(std::slice::from_ref(&path), &ReadOptions::default());
    // The file stays open (and mapped) in the sources: it can go now.
    let _ = std::fs::remove_file(&path);
    match opened {
        Ok(sources) => {
            let rows = sources[0].bytes().iter().filter(|&&b| b == b'\n').count();
            let dedup = Dedup::new(Config::default());
            match dedup.sign_sources(sources) {
                Ok(corpus) => assert!(corpus.len() <= rows),
                Err(e) => assert!(e.to_string().contains("neardup-fuzz"), "{e}"),
            }
        }
        Err(e) => assert!(e.to_string().contains("neardup-fuzz"), "{e}"),
    }
}

/// The whole pass on `data` as plain lines (one document each), in three modes: the default,
/// SimHash, and the cross-lingual stage. Every document is in at most one cluster, every
/// cluster keeps exactly one document, and the kept documents plus the duplicates are all.
pub fn pass(data: &[u8]) {
    let configs = [
        Config::default(),
        Config::builder().method(Method::SimHash).build().expect("valid"),
        Config::builder()
            .cross_lingual(Params::default())
            .build()
            .expect("valid"),
    ];
    for config in configs {
        let read = ReadOptions {
            format: Some(Format::Lines),
            ..ReadOptions::default()
        };
        let dedup = Dedup::new(config).read_options(read);
        let Ok((corpus, clustering)) =
            dedup.run_sources(vec![Source::from_bytes("fuzz", Format::Lines, data.to_vec())])
        else {
            continue;
        };
        let n = corpus.len();
        let mut seen = vec![false; n];
        for c in &clustering.clusters {
            assert!(c.members.len() >= 2);
            for m in &c.members {
                assert!(
                    !std::mem::replace(&mut seen[m.index()], true),
                    "a document in two clusters"
                );
            }
        }
        let kept = clustering.keep_mask(n).count_ones();
        assert_eq!(kept + clustering.duplicates(), n);
        let mut out = Vec::new();
        neardup::output::write_clusters(&mut out, &corpus, &clustering).expect("writes to memory");
        assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), clustering.clusters.len());
    }
}

/// The index reader: `data` as the segment of an index (with a valid manifest of the default
/// settings). Opening it succeeds or fails with an error naming the file, never a panic; an
/// index that opens answers every lookup (band, exact and window keys, signatures and ids of
/// every document it reports) without a panic.
pub fn index(data: &[u8]) {
    use neardup::reference::ReferenceIndex;
    use std::sync::atomic::{AtomicU64, Ordering};
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let call = CALLS.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("neardup-fuzz-index-{}-{call}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let config = Config::default();
    let settings = neardup::reference::Settings::of(&config);
    let fields: Vec<String> = settings
        .fields
        .iter()
        .map(|(k, v)| format!("\"{k}\":\"{v}\""))
        .collect();
    let manifest = format!(
        "{{\"format\":\"neardup-index\",\"version\":1,\"settings\":{{{}}},\"substrings\":true,\"segments\":[\"seg-000000.bin\"],\"documents\":0}}",
        fields.join(",")
    );
    std::fs::write(dir.join("neardup-index.json"), manifest).expect("a manifest");
    std::fs::write(dir.join("seg-000000.bin"), data).expect("a segment");
    match ReferenceIndex::open(&dir, &config) {
        Ok(index) => {
            let keys: Vec<u64> = data
                .chunks_exact(8)
                .map(|c| u64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
                .take(64)
                .collect();
            let mut sorted = keys.clone();
            sorted.sort_unstable();
            let mut found = index.matching(&sorted, &sorted);
            found.extend(index.window_hit(&sorted));
            for g in found.into_iter().chain(0..index.len().min(16)) {
                assert!(g < index.len());
                let mut sig = Vec::new();
                index.signature(g, &mut sig);
                assert_eq!(sig.len(), config.minhash().map_or(0, |m| m.num_perm));
                let _ = (index.id(g), index.doc(g));
            }
        }
        Err(e) => assert!(e.to_string().contains("neardup-fuzz-index"), "{e}"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The lexicon reader: `data` as a compiled lexicon file (`neardup lexicon build`). Loading
/// succeeds or fails with an error, never a panic; a lexicon that loads answers look-ups of any
/// word under any label (its own codes and other styles) without a panic, and the pivots of a
/// word it finds are whole ids.
pub fn lexicon(data: &[u8]) {
    use neardup::crosslingual::lexicon::Lexicon;
    let Ok(lex) = Lexicon::from_bytes(data.to_vec()) else {
        return;
    };
    let text = String::from_utf8_lossy(data);
    let mut words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(32)
        .collect();
    words.extend(["maison", "house", "بيت", "haus"]);
    let langs: Vec<String> = lex.languages().into_iter().map(str::to_string).collect();
    for label in langs
        .iter()
        .map(String::as_str)
        .chain(["fr", "fra_Latn", "arb", "en", "und", ""])
    {
        let _ = (lex.covers(label), lex.resolve(label), lex.len_of(label));
        for w in &words {
            if let Some(p) = lex.lookup(label, w) {
                assert_eq!(p.iter().count(), p.len());
            }
        }
    }
}
