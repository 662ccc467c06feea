//! Coverage-guided fuzzing of the whole pass (see `fuzz/common.rs`): `cargo +nightly fuzz run pass`.
#![no_main]

#[path = "../common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::pass(data));
