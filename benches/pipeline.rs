//! The whole dedup pass (read JSONL from memory → signatures → LSH → verify → clusters) on the
//! NTREX articles shipped in tests/data (4,080 documents: 40 articles in 102 language variants).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use neardup::reader::{Format, Source};
use neardup::{Config, Dedup};
use std::hint::black_box;

fn whole_pipeline(c: &mut Criterion) {
    let data = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/ntrex-dev/docs.jsonl"))
        .expect("tests/data/ntrex-dev/docs.jsonl is shipped with the repo");
    let mut g = c.benchmark_group("pipeline");
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.sample_size(20);
    for threads in [1, 2] {
        let dedup = Dedup::new(Config::default()).threads(threads);
        g.bench_function(format!("dedup_ntrex_{threads}_threads"), |b| {
            b.iter(|| {
                let src = Source::from_bytes("ntrex", Format::Jsonl, data.clone());
                let (corpus, clustering) = dedup.run_sources(vec![src]).expect("valid input");
                assert_eq!(corpus.len(), 4080);
                // 40 articles × (4 English + 2 Spanish variants) form about 80 clusters (79).
                assert!(clustering.clusters.len() >= 70, "{}", clustering.clusters.len());
                black_box(clustering.duplicates())
            })
        });
    }
    g.finish();
}

criterion_group!(benches, whole_pipeline);
criterion_main!(benches);
