//! Coverage-guided fuzzing of the lexicon reader (see `fuzz/common.rs`):
//! `cargo +nightly fuzz run lexicon`.
#![no_main]

#[path = "../common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::lexicon(data));
