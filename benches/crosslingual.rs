//! The cross-lingual stage on the NTREX articles shipped in tests/data (1,120 documents, 28
//! language variants): feature extraction (repeats set aside, language identification, anchors)
//! alone, and the whole stage after the same-language pass (features, candidates, scores,
//! linking), on one core.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use neardup::crosslingual::{Params, anchors::Extractor, features};
use neardup::reader::{Format, Source};
use neardup::spans::HashKeyed;
use neardup::{Config, Dedup};
use std::hint::black_box;

fn texts() -> (Vec<u8>, Vec<String>) {
    let data = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/ntrex-dev/docs.jsonl"))
        .expect("tests/data/ntrex-dev/docs.jsonl is shipped with the repo");
    let texts = String::from_utf8_lossy(&data)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("valid JSONL");
            v["text"].as_str().expect("text field").to_string()
        })
        .collect();
    (data, texts)
}

fn cross_lingual(c: &mut Criterion) {
    let (data, texts) = texts();
    let text_bytes: usize = texts.iter().map(String::len).sum();
    let mut g = c.benchmark_group("crosslingual");
    g.throughput(Throughput::Bytes(text_bytes as u64));
    g.sample_size(20);
    let none = HashKeyed::default();
    g.bench_function("features_ntrex", |b| {
        let mut ex = Extractor::new();
        b.iter(|| {
            let n: usize = texts
                .iter()
                .map(|t| {
                    features(
                        t,
                        None,
                        &none,
                        1,
                        None,
                        Params::default().max_anchors,
                        &mut ex,
                        &mut neardup::crosslingual::words::Profiler::default(),
                    )
                    .anchors
                    .len()
                })
                .sum();
            black_box(n)
        })
    });
    g.throughput(Throughput::Bytes(data.len() as u64));
    let dedup = Dedup::new(
        Config::builder()
            .cross_lingual(Params::default())
            .build()
            .expect("valid"),
    )
    .threads(1);
    g.bench_function("dedup_cross_lingual_ntrex_1_thread", |b| {
        b.iter(|| {
            let src = Source::from_bytes("ntrex", Format::Jsonl, data.clone());
            let (corpus, clustering) = dedup.run_sources(vec![src]).expect("valid input");
            assert_eq!(corpus.len(), 1120);
            // 40 articles, each in one cluster of up to 28 variants (a few fall out).
            assert!((40..=80).contains(&clustering.clusters.len()));
            black_box(clustering.duplicates())
        })
    });
    g.finish();
}

criterion_group!(benches, cross_lingual);
criterion_main!(benches);
