//! Helpers shared by the integration tests: run the real binary, find the shipped data, read
//! JSONL, score a cluster report.
#![allow(dead_code)] // each test file uses a different subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `neardup` binary built for these tests.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_neardup"))
}

/// Runs the binary with `args`.
pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("neardup runs")
}

/// Runs `dedup` on the shipped seeds with kept records to `/dev/null`, plus `extra` flags.
pub fn dedup_seeds(extra: &[&str]) -> Output {
    let seeds = data("seeds.jsonl");
    let mut args = vec!["dedup", seeds.to_str().unwrap(), "-o", "/dev/null"];
    args.extend_from_slice(extra);
    run(&args)
}

/// A path under `tests/data`.
pub fn data(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(p)
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The `text` fields of the first `limit` records of a JSONL file.
pub fn texts_of(path: &Path, limit: usize) -> Vec<String> {
    jsonl(&std::fs::read(path).unwrap())
        .iter()
        .take(limit)
        .map(|r| r["text"].as_str().unwrap().to_string())
        .collect()
}

/// Every line of JSONL bytes, parsed.
pub fn jsonl(bytes: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

/// What `neardup eval` of a cluster report against a gold file prints, with `extra` flags.
fn eval_output(gold: &Path, clusters: &Path, extra: &[&str]) -> Vec<u8> {
    let (gold, clusters) = (gold.to_str().unwrap(), clusters.to_str().unwrap());
    let o = run(&[&["eval", "--gold", gold, clusters][..], extra].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    o.stdout
}

/// `neardup eval --json` of a cluster report against a gold file.
pub fn eval_json(gold: &Path, clusters: &Path) -> serde_json::Value {
    serde_json::from_slice(&eval_output(gold, clusters, &["--json"])).expect("eval --json prints JSON")
}

/// The lines of `neardup eval --by-language --json` of a cluster report against a gold file:
/// the totals, then one row per language pair.
pub fn eval_by_language(gold: &Path, clusters: &Path) -> Vec<serde_json::Value> {
    jsonl(&eval_output(gold, clusters, &["--by-language", "--json"]))
}

/// Dedups `corpus` with `extra` flags, kept records to /dev/null, the cluster report to `cl`.
pub fn dedup_to(corpus: &Path, cl: &Path, extra: &[&str]) {
    let mut args = vec![
        "dedup",
        corpus.to_str().unwrap(),
        "-o",
        "/dev/null",
        "--clusters",
        cl.to_str().unwrap(),
        "-q",
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// (precision, recall) of `eval --json`.
pub fn precision_recall(gold: &Path, cl: &Path) -> (f64, f64) {
    let s = eval_json(gold, cl);
    (s["precision"].as_f64().unwrap(), s["recall"].as_f64().unwrap())
}

/// Dedups `corpus` with `extra` flags and scores the clusters against `gold`: (precision, recall).
pub fn scores(corpus: &Path, gold: &Path, extra: &[&str]) -> (f64, f64) {
    let cl = corpus.with_extension(format!("clusters{}", extra.join("").len()));
    dedup_to(corpus, &cl, extra);
    precision_recall(gold, &cl)
}

/// The 28 language variants of NTREX dev the cross-lingual stage was first developed on.
pub const NTREX_28: [&str; 28] = [
    "arb", "deu", "eng", "eng-GB", "eng-IN", "eng-US", "fra", "fra-CA", "heb", "hin", "ind", "ita", "jpn", "kor",
    "nld", "pol", "por", "por-BR", "rus", "spa", "spa-MX", "spa-ref2", "tha", "tur", "ukr", "vie", "zho-CN", "zho-TW",
];

/// A file of NTREX dev (`docs.jsonl`, `gold_samelang.tsv` or `gold_translations.tsv`) cut to
/// the variants of [`NTREX_28`] (ids start with the variant and `/`): the lines of the earlier
/// 28-variant set, byte for byte. Written once under the tests' scratch folder.
pub fn ntrex28(file: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ntrex28");
    let out = dir.join(file);
    if out.exists() {
        return out;
    }
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string(data(&format!("ntrex-dev/{file}"))).unwrap();
    let keep = |line: &str| {
        let id = line.strip_prefix("{\"id\": \"").unwrap_or(line);
        id.split_once('/').is_some_and(|(v, _)| NTREX_28.contains(&v))
    };
    let mut lines = text.lines();
    let mut cut = String::new();
    if file.ends_with(".tsv") {
        cut.push_str(lines.next().unwrap());
        cut.push('\n');
    }
    for l in lines.filter(|l| keep(l)) {
        cut.push_str(l);
        cut.push('\n');
    }
    // Written aside (one name per process and call: tests run on several threads of one
    // process) and renamed, so tests running at once never read half a file.
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!("{file}.{}.{call}", std::process::id()));
    std::fs::write(&tmp, cut).unwrap();
    std::fs::rename(&tmp, &out).unwrap();
    out
}

/// A corpus of news sites built from NTREX dev articles: `english` English sites and `french`
/// French ones, each with its own chrome (two lines above the article and two below, taken
/// from a German article, a different one per site) around four pages: the same syndicated
/// article (NTREX's first, in the site's language), then three articles of its own. Returns
/// the JSONL records, ids `e0/syndicated`, `e0/own0`, … and `f0/…`.
pub fn syndicated_sites(english: usize, french: usize) -> String {
    syndicated_sites_with(english, french, 3)
}

/// [`syndicated_sites`] with `own_pages` articles of its own per site (at most 39 over all
/// sites).
pub fn syndicated_sites_with(english: usize, french: usize, own_pages: usize) -> String {
    let records = jsonl(&std::fs::read(data("ntrex-dev/docs.jsonl")).unwrap());
    let of = |lang: &str| -> Vec<String> {
        let prefix = format!("{lang}/");
        records
            .iter()
            .filter(|r| r["id"].as_str().unwrap().starts_with(&prefix))
            .map(|r| r["text"].as_str().unwrap().to_string())
            .collect()
    };
    let (eng, fra, chrome) = (of("eng"), of("fra"), of("deu"));
    let sites = (0..english)
        .map(|i| ('e', i, &eng))
        .chain((0..french).map(|i| ('f', i, &fra)));
    let mut own = 1;
    let mut out = String::new();
    for (k, (lang, i, articles)) in sites.enumerate() {
        let lines: Vec<&str> = chrome[10 + k].lines().collect();
        let (head, foot) = (lines[..2].join("\n"), lines[lines.len() - 2..].join("\n"));
        let mut page = |name: String, body: &str| {
            let record =
                serde_json::json!({"id": format!("{lang}{i}/{name}"), "text": format!("{head}\n{body}\n{foot}")});
            out += &format!("{record}\n");
        };
        page("syndicated".into(), &articles[0]);
        for j in 0..own_pages {
            page(format!("own{j}"), &articles[own]);
            own += 1;
        }
    }
    out
}
