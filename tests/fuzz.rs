//! The fuzz targets' checks (`fuzz/common.rs`) on random inputs, as a stand-in for cargo-fuzz
//! that runs in `cargo test`: arbitrary bytes, and JSON-like records built from the pieces the
//! reader's branches look for.

#[path = "../fuzz/common.rs"]
mod common;

use proptest::prelude::*;

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

#[test]
fn pass_on_real_text_with_copies() {
    let seeds = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/seeds.jsonl")).unwrap();
    common::pass(&seeds);
    common::reader(&seeds);
}
