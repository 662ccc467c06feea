//! Coverage-guided fuzzing of the index reader (see `fuzz/common.rs`):
//! `cargo +nightly fuzz run index`.
#![no_main]

#[path = "../common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::index(data));
