//! Integration tests of `--cross-lingual`: the real binary on the seeds and on NTREX.

mod common;

use common::{data, eval_json, run, stderr};
use std::path::{Path, PathBuf};

/// Runs `dedup` on `input` with `extra` flags; returns the cluster report's path.
fn dedup(dir: &Path, input: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let cl = dir.join(name);
    let mut args = vec![
        "dedup",
        input.to_str().unwrap(),
        "-o",
        "/dev/null",
        "--clusters",
        cl.to_str().unwrap(),
        "-q",
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    cl
}

fn report(path: &Path) -> Vec<serde_json::Value> {
    common::jsonl(&std::fs::read(path).unwrap())
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn seeds_translation_pair_clusters_and_other_articles_do_not() {
    let dir = tempfile::tempdir().unwrap();
    let cl = dedup(
        dir.path(),
        &data("seeds.jsonl"),
        "c.jsonl",
        &["--cross-lingual", "--no-lexicon"],
    );
    let clusters = report(&cl);
    // 000 (Indonesian), its first-body copy, and 001 (its French translation); 002, 003 and
    // 004 (other articles on the same story) join nothing.
    assert_eq!(clusters.len(), 1, "{clusters:?}");
    assert_eq!(strings(&clusters[0]["members"]), ["000", "001", "000-first-body"]);
    assert_eq!(strings(&clusters[0]["langs"]), ["fra", "ind"]);
}

#[test]
fn ntrex_translations_precision_and_recall() {
    let dir = tempfile::tempdir().unwrap();
    let cl = dedup(
        dir.path(),
        &data("ntrex-dev/docs.jsonl"),
        "c.jsonl",
        &["--cross-lingual", "--no-lexicon"],
    );
    let s = eval_json(&data("ntrex-dev/gold_translations.tsv"), &cl);
    let (p, r) = (s["precision"].as_f64().unwrap(), s["recall"].as_f64().unwrap());
    assert!(p >= 0.98 && r >= 0.95, "precision {p} recall {r}");
}

/// Per language pair (precision, recall) rows of `eval --by-language --json`.
fn by_language(gold: &Path, cl: &Path) -> Vec<(String, String, u64, f64, f64)> {
    let o = run(&[
        "eval",
        "--gold",
        gold.to_str().unwrap(),
        cl.to_str().unwrap(),
        "--by-language",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    common::jsonl(&o.stdout)
        .into_iter()
        .filter(|v| v.get("langs").is_some())
        .map(|v| {
            let l = strings(&v["langs"]);
            (
                l[0].clone(),
                l[1].clone(),
                v["gold_pairs"].as_u64().unwrap(),
                v["precision"].as_f64().unwrap(),
                v["recall"].as_f64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn same_language_results_do_not_get_worse() {
    let dir = tempfile::tempdir().unwrap();
    let input = data("ntrex-dev/docs.jsonl");
    let gold = data("ntrex-dev/gold_samelang.tsv");
    let plain = by_language(&gold, &dedup(dir.path(), &input, "a.jsonl", &[]));
    let cross = by_language(
        &gold,
        &dedup(dir.path(), &input, "b.jsonl", &["--cross-lingual", "--no-lexicon"]),
    );
    // Every language pair that holds same-language gold pairs (English variants, Spanish and
    // its second reference) scores as well with the cross-lingual stage as without.
    let gold_rows: Vec<_> = plain.iter().filter(|r| r.2 > 0).collect();
    assert_eq!(gold_rows.len(), 7);
    for r in gold_rows {
        let c = cross.iter().find(|c| c.0 == r.0 && c.1 == r.1).expect("row present");
        assert!(c.3 >= r.3 && c.4 >= r.4, "{r:?} became {c:?}");
    }
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let input = data("ntrex-dev/docs.jsonl");
    let outs: Vec<Vec<u8>> = ["1", "2", "3"]
        .iter()
        .map(|t| {
            let cl = dedup(
                dir.path(),
                &input,
                &format!("c{t}"),
                &["--cross-lingual", "--no-lexicon", "--threads", t],
            );
            std::fs::read(cl).unwrap()
        })
        .collect();
    assert!(!outs[0].is_empty());
    assert!(outs.iter().all(|o| o == &outs[0]));
}
