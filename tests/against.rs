//! A lasting index (`neardup index build`, `index add`) and new data checked against it
//! (`neardup dedup --against`), on NTREX dev: language variants of indexed articles.

mod common;

use common::{bin, data, jsonl, stderr};
use std::path::{Path, PathBuf};

/// Writes the NTREX dev documents whose `lang` is in `langs` to `dir/name`.
fn ntrex_subset(dir: &Path, name: &str, langs: &[&str]) -> PathBuf {
    let all = std::fs::read(data("ntrex-dev/docs.jsonl")).unwrap();
    let mut out = String::new();
    for line in String::from_utf8(all).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        if langs.contains(&v["lang"].as_str().unwrap()) {
            out.push_str(line);
            out.push('\n');
        }
    }
    let path = dir.join(name);
    std::fs::write(&path, out).unwrap();
    path
}

/// Runs `neardup` with `args` and asserts success.
fn ok(args: &[&std::ffi::OsStr]) {
    let o = bin().args(args).output().unwrap();
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
}

/// `index build INPUT -o INDEX` with `extra` flags, asserting success.
fn build_index(input: &Path, index: &Path, extra: &[&str]) {
    let o = bin()
        .args(["index", "build"])
        .arg(input)
        .arg("-o")
        .arg(index)
        .arg("-q")
        .args(extra)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

/// `dedup NEW --against INDEX`: the kept records' ids and the report's indexed matches
/// `(member, indexed document)`.
fn check(new: &Path, index: &Path, dir: &Path) -> (Vec<String>, Vec<(String, String)>) {
    let (kept, report) = (dir.join("kept.jsonl"), dir.join("report.jsonl"));
    ok(&[
        "dedup".as_ref(),
        new.as_os_str(),
        "--against".as_ref(),
        index.as_os_str(),
        "-o".as_ref(),
        kept.as_os_str(),
        "--clusters".as_ref(),
        report.as_os_str(),
        "-q".as_ref(),
    ]);
    let ids = jsonl(&std::fs::read(&kept).unwrap())
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect();
    let mut matches = Vec::new();
    for c in jsonl(&std::fs::read(&report).unwrap()) {
        if c["indexed"] == true {
            for m in c["members"].as_array().unwrap() {
                matches.push((
                    m.as_str().unwrap().to_string(),
                    c["representative"].as_str().unwrap().to_string(),
                ));
            }
        }
    }
    (ids, matches)
}

/// The article of an NTREX id (`lang/article`).
fn article(id: &str) -> &str {
    id.split_once('/').map_or(id, |(_, a)| a)
}

#[test]
fn english_variants_are_removed_against_an_index_of_english_and_translations_kept() {
    let dir = tempfile::tempdir().unwrap();
    let eng = ntrex_subset(dir.path(), "eng.jsonl", &["eng"]);
    let new = ntrex_subset(dir.path(), "new.jsonl", &["eng-US", "eng-GB", "eng-IN", "fra", "deu"]);
    let index = dir.path().join("eng.index");
    build_index(&eng, &index, &[]);
    let (kept, matches) = check(&new, &index, dir.path());
    // Every match names its own article's English document.
    for (m, indexed) in &matches {
        assert!(m.starts_with("eng-"), "{m} removed for {indexed}");
        assert_eq!(article(m), article(indexed), "{m} removed for {indexed}");
        assert!(indexed.starts_with("eng/"));
    }
    assert!(
        matches.len() >= 114,
        "{} of 120 English variants removed",
        matches.len()
    );
    // Every French and German document is kept.
    let kept_other = kept
        .iter()
        .filter(|i| i.starts_with("fra/") || i.starts_with("deu/"))
        .count();
    assert_eq!(kept_other, 80);
}

#[test]
fn a_second_spanish_reference_is_removed_against_an_index_of_spanish() {
    let dir = tempfile::tempdir().unwrap();
    let spa = ntrex_subset(dir.path(), "spa.jsonl", &["spa"]);
    let ref2 = ntrex_subset(dir.path(), "ref2.jsonl", &["spa-ref2"]);
    let index = dir.path().join("spa.index");
    build_index(&spa, &index, &[]);
    let (_, matches) = check(&ref2, &index, dir.path());
    assert!(matches.iter().all(|(m, i)| article(m) == article(i)), "{matches:?}");
    assert!(matches.len() >= 38, "{} of 40 removed", matches.len());
}

#[test]
fn adding_to_an_index_equals_building_it_from_both() {
    let dir = tempfile::tempdir().unwrap();
    let all = ntrex_subset(dir.path(), "eng.jsonl", &["eng"]);
    let text = std::fs::read_to_string(&all).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let (a, b) = (dir.path().join("a.jsonl"), dir.path().join("b.jsonl"));
    std::fs::write(&a, lines[..25].join("\n") + "\n").unwrap();
    std::fs::write(&b, lines[25..].join("\n") + "\n").unwrap();
    let (one, two) = (dir.path().join("one.index"), dir.path().join("two.index"));
    build_index(&all, &one, &[]);
    build_index(&a, &two, &[]);
    ok(&[
        "index".as_ref(),
        "add".as_ref(),
        two.as_os_str(),
        b.as_os_str(),
        "-q".as_ref(),
    ]);
    let new = ntrex_subset(dir.path(), "new.jsonl", &["eng-US", "eng-GB", "fra"]);
    let (r1, r2) = (dir.path().join("r1"), dir.path().join("r2"));
    std::fs::create_dir(&r1).unwrap();
    std::fs::create_dir(&r2).unwrap();
    let first = check(&new, &one, &r1);
    let second = check(&new, &two, &r2);
    assert_eq!(first, second);
    assert!(first.1.len() >= 76, "{} of 80 removed", first.1.len());
    for f in ["kept.jsonl", "report.jsonl"] {
        assert_eq!(
            std::fs::read(r1.join(f)).unwrap(),
            std::fs::read(r2.join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn an_index_is_used_only_with_its_settings_and_modes() {
    let dir = tempfile::tempdir().unwrap();
    let seeds = data("seeds.jsonl");
    let index = dir.path().join("seeds.index");
    build_index(&seeds, &index, &[]);
    let run = |extra: &[&str]| {
        let mut c = bin();
        c.arg("dedup")
            .arg(&seeds)
            .arg("--against")
            .arg(&index)
            .arg("-o")
            .arg(dir.path().join("k"));
        c.args(extra).output().unwrap()
    };
    let o = run(&["--seed", "5"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("seed"), "{}", stderr(&o));
    let o = run(&["--grouping", "components"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--grouping components"), "{}", stderr(&o));
    // A second build into the same folder is refused; the index is unchanged.
    let before = std::fs::read(index.join("neardup-index.json")).unwrap();
    let o = bin()
        .args(["index", "build"])
        .arg(&seeds)
        .arg("-o")
        .arg(&index)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read(index.join("neardup-index.json")).unwrap(), before);
    // The seeds against their own index: every document has an indexed copy (itself).
    let o = run(&["--summary", "-"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(summary["kept"], 0);
    assert_eq!(summary["indexed_duplicates"], summary["documents"]);
}

/// The README's decontamination example: a test set indexed once, a training corpus checked
/// against it. The training corpus here is all of NTREX dev; the test set its English
/// documents: those and their English variants leave the training corpus, translations stay.
#[test]
fn decontamination_removes_the_test_set_and_its_near_copies() {
    let dir = tempfile::tempdir().unwrap();
    let test_set = ntrex_subset(dir.path(), "test-set.jsonl", &["eng"]);
    let index = dir.path().join("test-set.index");
    build_index(&test_set, &index, &[]);
    let (kept, matches) = check(&data("ntrex-dev/docs.jsonl"), &index, dir.path());
    let english = |i: &str| i.starts_with("eng/") || i.starts_with("eng-");
    assert!(
        kept.iter().all(|i| !i.starts_with("eng/")),
        "an English test document was kept"
    );
    assert!(matches.iter().filter(|(m, _)| english(m)).count() >= 154);
    assert!(
        matches.iter().all(|(m, i)| english(m) && article(m) == article(i)),
        "{matches:?}"
    );
    assert!(kept.iter().filter(|i| i.starts_with("fra/")).count() == 40);
}

/// Decontamination by shared spans: an index built with `--substrings` holds every 50-token
/// window of the test set; a training document that carries 80 words of a test document inside
/// an unrelated text is removed with `--against --substrings` (not by similarity: its Jaccard
/// with the test document is low), one that carries 30 words is not.
#[test]
fn a_span_of_a_test_document_inside_another_text_is_found_with_substrings() {
    let dir = tempfile::tempdir().unwrap();
    let test_set = ntrex_subset(dir.path(), "test-set.jsonl", &["eng"]);
    let carriers = ntrex_subset(dir.path(), "deu.jsonl", &["deu"]);
    let test_docs = jsonl(&std::fs::read(&test_set).unwrap());
    let carrier_docs = jsonl(&std::fs::read(&carriers).unwrap());
    let words: Vec<&str> = test_docs[3]["text"].as_str().unwrap().split_whitespace().collect();
    let doc = |id: &str, carrier: usize, leak: &[&str]| {
        let text = format!(
            "{}\n{}",
            carrier_docs[carrier]["text"].as_str().unwrap(),
            leak.join(" ")
        );
        serde_json::json!({"id": id, "text": text}).to_string() + "\n"
    };
    let train = dir.path().join("train.jsonl");
    std::fs::write(
        &train,
        doc("leak", 5, &words[20..100]) + &doc("short", 6, &words[20..50]),
    )
    .unwrap();
    let index = dir.path().join("test-set.index");
    build_index(&test_set, &index, &["--substrings"]);
    // Without --substrings the check is by similarity only: both are kept.
    let (kept, matches) = check(&train, &index, dir.path());
    assert_eq!((kept.len(), matches.len()), (2, 0));
    let report = dir.path().join("report.jsonl");
    let o = bin()
        .arg("dedup")
        .arg(&train)
        .args(["--against".as_ref(), index.as_os_str(), "--substrings".as_ref()])
        .args(["-o".as_ref(), dir.path().join("kept.jsonl").as_os_str(), "-q".as_ref()])
        .arg("--clusters")
        .arg(&report)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let lines = jsonl(&std::fs::read(&report).unwrap());
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["members"], serde_json::json!(["leak"]));
    assert_eq!(lines[0]["representative"], test_docs[3]["id"]);
    // An index built without windows is refused for --substrings, by name.
    let plain = dir.path().join("plain.index");
    build_index(&test_set, &plain, &[]);
    let o = bin()
        .arg("dedup")
        .arg(&train)
        .args([
            "--against".as_ref(),
            plain.as_os_str(),
            "--substrings".as_ref(),
            "-o".as_ref(),
        ])
        .arg(dir.path().join("k2"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--substrings"), "{}", stderr(&o));
}
