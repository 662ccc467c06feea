//! The fuzz targets' checks (`fuzz/common.rs`) on random inputs, as a stand-in for cargo-fuzz
//! that runs in `cargo test`: arbitrary bytes, and JSON-like records built from the pieces the
//! reader's branches look for.

#[path = "../fuzz/common.rs"]
mod common;

use proptest::prelude::*;
use std::sync::Arc;

/// Bytes that look like JSONL often enough to reach past the first check.
fn jsonish() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(&b"{\"text\": \""[..]),
        Just(&b"\", \"id\": "[..]),
        Just(&b"}\n"[..]),
        Just(&b"\\u00e9\\n\\\""[..]),
        Just(&b"\xef\xbb\xbf"[..]),
        Just(&b"\xff\xfe"[..]),
        Just(&b"[1, {\"a\": null}]"[..]),
        Just(&b"one two three four five six seven "[..]),
        Just("Ünïcödé 中文 العربية ".as_bytes()),
        Just(&b"\r\n"[..]),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn reader_survives_any_bytes(data in prop::collection::vec(any::<u8>(), 0..2048)) {
        common::reader(&data);
    }

    #[test]
    fn reader_survives_json_like_bytes(data in jsonish()) {
        common::reader(&data);
    }

    #[test]
    fn pass_survives_any_text(data in jsonish()) {
        common::pass(&data);
    }
}

/// Damage to a valid file: bytes changed (position, new byte), 8-byte words of its header set
/// to extreme values (word number, value), and where to cut it short, if at all.
type Damage = (
    Vec<(prop::sample::Index, u8)>,
    Vec<(usize, u64)>,
    Option<prop::sample::Index>,
);

fn damage() -> impl Strategy<Value = Damage> {
    // Counts and offsets near 2^64, 2^63 and 2^32: sums of them with sizes overflow, which a
    // few random bytes never make.
    let extreme = prop::sample::select(vec![u64::MAX, u64::MAX - 64, 1 << 63, 1 << 32, u64::from(u32::MAX)]);
    (
        prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
        prop::collection::vec((0usize..8, extreme), 0..3),
        prop::option::of(any::<prop::sample::Index>()),
    )
}

/// `valid` with `damage` done to it.
fn damaged(valid: &[u8], (edits, words, cut): &Damage) -> Vec<u8> {
    let mut data = valid.to_vec();
    for (at, byte) in edits {
        let i = at.index(data.len());
        data[i] = *byte;
    }
    for &(word, value) in words {
        if let Some(w) = data.get_mut(word * 8..word * 8 + 8) {
            w.copy_from_slice(&value.to_le_bytes());
        }
    }
    if let Some(cut) = cut {
        data.truncate(cut.index(data.len()));
    }
    data
}

/// A compiled lexicon of two languages (French, and Arabic with its folding), built once.
fn small_lexicon() -> &'static [u8] {
    static BYTES: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BYTES.get_or_init(|| {
        let mut built = neardup::crosslingual::lexicon::LexiconBuilder::new();
        for (w, e) in [
            ("maison", "house"),
            ("chat", "cat"),
            ("élection", "elect"),
            ("sénat", "senat"),
        ] {
            built.add("fra", w, vec![e.to_string(), "home".to_string()]);
        }
        built.add("ara", "بيت", vec!["house".to_string()]);
        built.to_bytes()
    })
}

/// The seeds as a small Parquet file of several row groups and pages (snappy), built once.
fn seeds_parquet() -> &'static [u8] {
    use arrow_array::{ArrayRef, RecordBatch, StringArray};
    static BYTES: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BYTES.get_or_init(|| {
        let seeds = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/seeds.jsonl")).unwrap();
        let rows: Vec<serde_json::Value> = seeds.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        let col = |k: &str| -> ArrayRef {
            Arc::new(StringArray::from_iter(
                rows.iter()
                    .map(|r| r[k].as_str().map(|s| s.chars().take(300).collect::<String>())),
            ))
        };
        let batch = RecordBatch::try_from_iter([("id", col("id")), ("text", col("text"))]).unwrap();
        let props = parquet::file::properties::WriterProperties::builder()
            .set_max_row_group_row_count(Some(2))
            .set_compression(parquet::basic::Compression::SNAPPY)
            .build();
        let mut out = Vec::new();
        let mut w = parquet::arrow::ArrowWriter::try_new(&mut out, batch.schema(), Some(props)).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
        out
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A valid file with bytes changed, or cut short: an error or documents, never a panic.
    #[test]
    fn parquet_reader_survives_corrupt_files(damage in damage()) {
        common::parquet(&damaged(seeds_parquet(), &damage));
    }

    #[test]
    fn parquet_reader_survives_any_bytes(body in prop::collection::vec(any::<u8>(), 0..512)) {
        common::parquet(&[&b"PAR1"[..], &body, &b"PAR1"[..]].concat());
    }
}

#[test]
fn parquet_reader_reads_a_valid_file() {
    common::parquet(seeds_parquet());
}

#[test]
fn pass_on_real_text_with_copies() {
    let seeds = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/seeds.jsonl")).unwrap();
    common::pass(&seeds);
    common::reader(&seeds);
}

/// The segment of an index of the seeds, with their 50-token windows, built once.
fn seeds_segment() -> &'static [u8] {
    static BYTES: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BYTES.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let index = dir.path().join("index");
        let seeds = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/seeds.jsonl"));
        let dedup = neardup::Dedup::new(neardup::Config::default());
        let sources = dedup.open(&[seeds]).unwrap();
        dedup.build_index(sources, &index, true).unwrap();
        std::fs::read(index.join("seg-000000.bin")).unwrap()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// A valid segment with bytes changed, or cut short: an error or answers, never a panic.
    #[test]
    fn index_reader_survives_corrupt_segments(damage in damage()) {
        common::index(&damaged(seeds_segment(), &damage));
    }

    #[test]
    fn lexicon_reader_survives_corrupt_files(damage in damage()) {
        common::lexicon(&damaged(small_lexicon(), &damage));
    }

    #[test]
    fn lexicon_reader_survives_any_bytes(data in prop::collection::vec(any::<u8>(), 0..512)) {
        // Past the magic bytes (of this version and of the last), so that the header and
        // tables are read.
        common::lexicon(&[&b"NDLEX\0\0\x03"[..], &data].concat());
        common::lexicon(&[&b"NDLEX\0\0\x02"[..], &data].concat());
    }

    #[test]
    fn index_reader_survives_any_bytes(data in prop::collection::vec(any::<u8>(), 0..512)) {
        common::index(&data);
    }
}
