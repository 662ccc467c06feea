//! The cross-lingual stage on the NTREX articles shipped in tests/data (4,080 documents: 40
//! articles in 102 language variants), on one core: feature extraction (repeats set aside,
//! language identification, common words, anchors; with the installed dictionaries, if any, the
//! pivot bags too) alone, the anchors alone, the linking alone on those features (candidates,
//! scores, mutual best matches, grouping), and the whole run with the stage (`neardup dedup
//! --cross-lingual`).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use neardup::crosslingual::{Params, identify, lexicon};
use neardup::internals::{DocFeatures, Extractor, Profiler, features, link};
use neardup::internals::{HashKeyed, Strip};
use neardup::reader::{Format, Source};
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
    // The dictionaries scripts/setup.sh installs, when they are there (as the CLI reads them).
    let lex = lexicon::installed().and_then(|p| lexicon::Lexicon::load(&p).ok());
    // The language model scripts/setup.sh installs, when it is there (else whatlang).
    let model = identify::installed().and_then(|p| identify::LanguageModel::load(&p).ok());
    let featurize = |ex: &mut Extractor, profiler: &mut Profiler| -> Vec<DocFeatures> {
        texts
            .iter()
            .map(|t| {
                features(
                    t,
                    None,
                    Strip { lines: &none, from: 0 },
                    None,
                    1,
                    lex.as_ref(),
                    Params::default().max_anchors,
                    ex,
                    profiler,
                    &mut identify::Detector::new(model.as_ref()),
                )
            })
            .collect()
    };
    g.bench_function("features_ntrex", |b| {
        let (mut ex, mut profiler) = (Extractor::new(), Profiler::default());
        b.iter(|| black_box(featurize(&mut ex, &mut profiler).len()))
    });
    // The anchors alone (NFKC, numbers, identifiers and names in text order), of whole texts.
    g.bench_function("anchors_ntrex", |b| {
        let (mut ex, mut out) = (Extractor::new(), Vec::new());
        b.iter(|| {
            texts
                .iter()
                .map(|t| {
                    ex.extract(t, &mut out);
                    out.len()
                })
                .sum::<usize>()
        })
    });
    let feats = featurize(&mut Extractor::new(), &mut Profiler::default());
    let groups: Vec<u32> = (0..feats.len() as u32).collect();
    g.bench_function("link_ntrex", |b| {
        b.iter(|| {
            let links = link(&feats, &groups, &Params::default());
            black_box(links.joins.len())
        })
    });
    // The language of each document as the stage identifies it (its head), by the installed
    // model and by whatlang: documents per second.
    g.throughput(Throughput::Elements(texts.len() as u64));
    if let Some(m) = model.as_ref() {
        g.bench_function("identify_ntrex_language_model", |b| {
            let mut d = identify::Detector::new(Some(m));
            b.iter(|| texts.iter().map(|t| black_box(d.detect(t)).1).sum::<f64>())
        });
    }
    g.bench_function("identify_ntrex_whatlang", |b| {
        let mut d = identify::Detector::new(None);
        b.iter(|| texts.iter().map(|t| black_box(d.detect(t)).1).sum::<f64>())
    });
    g.throughput(Throughput::Bytes(data.len() as u64));
    let mut dedup = Dedup::new(
        Config::builder()
            .cross_lingual(Params::default())
            .build()
            .expect("valid"),
    )
    .threads(1);
    // What the CLI reads when scripts/setup.sh installed them.
    if let Some(l) = lex {
        dedup = dedup.lexicon(std::sync::Arc::new(l));
    }
    if let Some(m) = model {
        dedup = dedup.language_model(std::sync::Arc::new(m));
    }
    g.bench_function("dedup_cross_lingual_ntrex_1_thread", |b| {
        b.iter(|| {
            let src = Source::from_bytes("ntrex", Format::Jsonl, data.clone());
            let (corpus, clustering) = dedup.run_sources(vec![src]).expect("valid input");
            assert_eq!(corpus.len(), 4080);
            // 40 articles, each in one cluster of up to 102 variants (a few fall out).
            assert!(
                (40..=120).contains(&clustering.clusters.len()),
                "{}",
                clustering.clusters.len()
            );
            black_box(clustering.duplicates())
        })
    });
    g.finish();
}

criterion_group!(benches, cross_lingual);
criterion_main!(benches);
