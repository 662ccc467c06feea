//! Coverage-guided fuzzing of the Parquet reader (see `fuzz/common.rs`):
//! `cargo +nightly fuzz run parquet`.
#![no_main]

#[path = "../common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::parquet(data));
