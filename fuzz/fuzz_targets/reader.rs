//! Coverage-guided fuzzing of the reader (see `fuzz/common.rs`): `cargo +nightly fuzz run reader`.
#![no_main]

#[path = "../common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::reader(data));
