//! Hot stages on real text: normalize + tokenize + shingle + MinHash, and LSH banding.
//! Input: the NTREX news articles shipped in tests/data (102 language variants), all of them
//! and, for `text_to_signature_by_script`, those of one language per script family.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use neardup::internals::Shingler;
use neardup::internals::normalize_into;
use neardup::{MinHashKind, internals::MinHasher};
use std::hint::black_box;

fn texts() -> Vec<String> {
    texts_of(|_| true)
}

/// The NTREX texts whose id (`variant/article`) `keep` accepts.
fn texts_of(keep: impl Fn(&str) -> bool) -> Vec<String> {
    let data = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/ntrex-dev/docs.jsonl"))
        .expect("tests/data/ntrex-dev/docs.jsonl is shipped with the repo");
    data.lines()
        .filter_map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("valid JSONL");
            keep(v["id"].as_str().expect("id field")).then(|| v["text"].as_str().expect("text field").to_string())
        })
        .collect()
}

/// Text to one-permutation signature (the default pass's signing, without reading) per script
/// family, one NTREX language each, in bytes/s: the non-ASCII paths of normalization and
/// tokenizing show here.
fn text_to_signature_by_script(c: &mut Criterion) {
    let mut g = c.benchmark_group("text_to_signature_by_script");
    g.sample_size(10);
    for (family, variant) in [
        ("latin", "deu"),
        ("cyrillic", "rus"),
        ("greek", "ell"),
        ("arabic", "arb"),
        ("hebrew", "heb"),
        ("devanagari", "hin"),
        ("bengali", "ben"),
        ("tamil", "tam"),
        ("ethiopic", "amh"),
        ("thai", "tha"),
        ("cjk", "zho-CN"),
        ("hangul", "kor"),
    ] {
        let texts = texts_of(|id| id.split_once('/').is_some_and(|(v, _)| v == variant));
        assert_eq!(texts.len(), 40, "{variant}");
        let bytes: usize = texts.iter().map(String::len).sum();
        g.throughput(Throughput::Bytes(bytes as u64));
        let mut signer = Signer::new(MinHashKind::OnePermutation, 5);
        g.bench_function(family, |b| b.iter(|| black_box(signer.sign_all(&texts))));
    }
    g.finish();
}

/// Text to signature with its buffers: normalize, shingle, MinHash (128 slots).
struct Signer {
    norm: String,
    shingler: Shingler,
    hasher: MinHasher,
    hashes: Vec<u64>,
    sig: Vec<u32>,
}

impl Signer {
    /// Word shingles of `k` words, character shingles of 5.
    fn new(kind: MinHashKind, k: usize) -> Self {
        Signer {
            norm: String::new(),
            shingler: Shingler::new(k, 5, 1),
            hasher: MinHasher::new(kind, 128, 1),
            hashes: Vec::new(),
            sig: vec![0u32; 128],
        }
    }

    /// Signs every text; returns a sum of their first slots.
    fn sign_all(&mut self, texts: &[String]) -> u64 {
        let mut acc = 0u64;
        for t in texts {
            normalize_into(t, &mut self.norm);
            self.hashes.clear();
            let hashes = &mut self.hashes;
            self.shingler.shingles(&self.norm, |h| hashes.push(h));
            self.hasher.sign(&self.hashes, &mut self.sig);
            acc = acc.wrapping_add(self.sig[0] as u64);
        }
        // The signatures must exist, or the work could be optimized away.
        assert_ne!(acc, 0);
        acc
    }
}

fn text_to_signature(c: &mut Criterion) {
    let texts = texts();
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut g = c.benchmark_group("text_to_signature");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(20);
    for (name, kind, k) in [
        ("oph_128_w5", MinHashKind::OnePermutation, 5),
        ("classic_128_w5", MinHashKind::Classic, 5),
        ("oph_128_w3", MinHashKind::OnePermutation, 3),
    ] {
        let mut signer = Signer::new(kind, k);
        g.bench_function(name, |b| b.iter(|| black_box(signer.sign_all(&texts))));
    }
    g.finish();
}

/// Tokens alone against tokens with the line hashes of the boilerplate stage (same pass).
fn tokenize(c: &mut Criterion) {
    let texts: Vec<String> = texts()
        .iter()
        .map(|t| {
            let mut norm = String::new();
            normalize_into(t, &mut norm);
            norm
        })
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut g = c.benchmark_group("tokenize");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(20);
    let mut sh = Shingler::new(5, 5, 1);
    let mut lines = Vec::new();
    g.bench_function("tokens", |b| {
        b.iter(|| {
            let mut n = 0;
            for t in &texts {
                sh.load(t);
                n += sh.emit_shingles(5, 5, |_| {}).tokens;
            }
            assert!(n > 0);
            black_box(n)
        })
    });
    g.bench_function("tokens_and_lines", |b| {
        b.iter(|| {
            let mut n = 0;
            for t in &texts {
                sh.load_lines(t, &mut lines);
                n += sh.emit_shingles(5, 5, |_| {}).tokens + lines.len();
            }
            assert!(n > 0);
            black_box(n)
        })
    });
    g.finish();
}

fn lsh(c: &mut Criterion) {
    let texts = texts();
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut norm = String::new();
    let mut sh = Shingler::new(3, 5, 1);
    let mh = MinHasher::new(MinHashKind::OnePermutation, 128, 1);
    let mut hashes = Vec::new();
    let mut sigs = vec![0u32; 128 * texts.len()];
    for (t, out) in texts.iter().zip(sigs.chunks_mut(128)) {
        normalize_into(t, &mut norm);
        hashes.clear();
        sh.shingles(&norm, |h| hashes.push(h));
        mh.sign(&hashes, out);
    }
    let active = bitvec::bitvec![1; texts.len()];
    let mut g = c.benchmark_group("lsh");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("candidates_32x4", |b| {
        b.iter(|| {
            let pairs = neardup::internals::candidate_pairs(&sigs, 128, 32, 4, &active, 1);
            // The 4 English variants and the 2 Spanish ones of each article collide.
            assert!(pairs.len() >= 200);
            black_box(pairs.len())
        })
    });
    g.finish();
}

fn simhash(c: &mut Criterion) {
    use neardup::internals::SimHashAcc;
    let texts = texts();
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut g = c.benchmark_group("simhash");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(20);
    let mut norm = String::new();
    let mut sh = Shingler::new(1, 2, 1);
    let mut acc = SimHashAcc::new();
    g.bench_function("text_to_fingerprint_unigram_tf", |b| {
        b.iter(|| {
            let mut x = 0u64;
            for t in &texts {
                normalize_into(t, &mut norm);
                acc.clear();
                sh.shingles(&norm, |h| acc.add(h));
                x ^= acc.finish();
            }
            assert_ne!(x, 0);
            black_box(x)
        })
    });
    // The Hamming index over the fingerprints of all 1,120 documents, k = 6.
    let fps: Vec<u64> = texts
        .iter()
        .map(|t| {
            normalize_into(t, &mut norm);
            acc.clear();
            sh.shingles(&norm, |h| acc.add(h));
            acc.finish()
        })
        .collect();
    let active = bitvec::bitvec![1; fps.len()];
    g.bench_function("hamming_index_k6", |b| {
        b.iter(|| {
            let pairs = neardup::internals::pairs_within(&fps, &active, 6);
            assert!(pairs.len() >= 100);
            black_box(pairs.len())
        })
    });
    g.finish();
}

criterion_group!(
    benches,
    text_to_signature,
    text_to_signature_by_script,
    tokenize,
    lsh,
    simhash
);
criterion_main!(benches);
