//! Duplicated bodies: repeats, boilerplate, containment and shared substrings, through the real
//! binary on real text (seeds; NTREX English articles wrapped in real page chrome from the seeds).

mod common;

use common::{data, jsonl, ntrex28, run, scores};
use std::path::{Path, PathBuf};

#[test]
fn seeds_repeats_are_reported_and_stripped() {
    let dir = tempfile::tempdir().unwrap();
    let spans = dir.path().join("spans.jsonl");
    let out = dir.path().join("out.jsonl");
    let input = data("seeds.jsonl");
    let o = run(&[
        "dedup",
        input.to_str().unwrap(),
        "--annotate",
        "-o",
        "/dev/null",
        "--spans",
        spans.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report = jsonl(&std::fs::read(&spans).unwrap());
    let repeats: Vec<&serde_json::Value> = report.iter().filter(|s| s["kind"] == "repeat").collect();
    let ids: Vec<&str> = repeats.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["000", "002"]);
    // 000: the second body starts right after the title line and runs to the end of the page.
    let inputs = jsonl(&std::fs::read(&input).unwrap());
    let text000 = inputs[0]["text"].as_str().unwrap();
    let r = repeats[0];
    let (start, end) = (
        r["start"].as_u64().unwrap() as usize,
        r["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(end, text000.len());
    assert!(text000[start..].starts_with("Dalam pengungkapan mencolok"));
    assert_eq!(r["match_start"], 0);

    // --strip-repeats: 000 holds each paragraph once; records without repeats are unchanged.
    let o = run(&[
        "dedup",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--strip-repeats",
        "-q",
    ]);
    assert!(o.status.success());
    let written: Vec<String> = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    let originals: Vec<String> = std::fs::read_to_string(&input)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(written.len(), 5);
    for (i, line) in written.iter().enumerate() {
        let has_repeat = i == 0 || i == 2;
        assert_eq!(line == &originals[i], !has_repeat, "record {i}");
    }
    let stripped: serde_json::Value = serde_json::from_str(&written[0]).unwrap();
    let paragraphs: Vec<&str> = stripped["text"]
        .as_str()
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect();
    let mut unique = paragraphs.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), paragraphs.len());
    assert_eq!(stripped["id"], "000");
}

/// NTREX English articles, each wrapped in the footer chrome of seed 001 (disclaimer, share
/// buttons, language menu), and copies of half of them under other chrome (seed 004's menu and
/// disclaimer, seed 000's disclaimer) placed before the article.
fn wrapped_corpus(dir: &Path) -> (PathBuf, PathBuf) {
    let docs: Vec<serde_json::Value> = jsonl(&std::fs::read(ntrex28("docs.jsonl")).unwrap());
    let mut eng: Vec<&serde_json::Value> = docs.iter().filter(|d| d["lang"] == "eng").collect();
    eng.sort_by_key(|d| d["id"].as_str().unwrap().to_string());
    let seed = |n: &str| std::fs::read_to_string(data("seeds").join(n)).unwrap();
    let s1: Vec<String> = seed("001_c936b3df293e970d.txt").lines().map(String::from).collect();
    let s4: Vec<String> = seed("004_06bb77744ebfc381.txt").lines().map(String::from).collect();
    let s0: Vec<String> = seed("000_7dfb285ae57285c5.txt").lines().map(String::from).collect();
    let w1 = s1[36..].join("\n");
    let w2 = format!("{}\n{}", s4[..22].join("\n"), s0[17]);
    let (mut lines, mut gold) = (String::new(), String::from("id\tcluster\n"));
    let articles: Vec<&&serde_json::Value> = eng
        .iter()
        .filter(|d| d["text"].as_str().unwrap().split_whitespace().count() >= 100)
        .take(10)
        .collect();
    for (i, a) in articles.iter().enumerate() {
        let text = a["text"].as_str().unwrap();
        lines += &format!(
            "{}\n",
            serde_json::json!({"id": format!("a{i}"), "text": format!("{text}\n{w1}")})
        );
        gold += &format!("a{i}\t{i}\n");
        if i % 2 == 0 {
            lines += &format!(
                "{}\n",
                serde_json::json!({"id": format!("a{i}-copy"), "text": format!("{w2}\n{text}")})
            );
            gold += &format!("a{i}-copy\t{i}\n");
        }
    }
    let (c, g) = (dir.join("wrapped.jsonl"), dir.join("gold.tsv"));
    std::fs::write(&c, lines).unwrap();
    std::fs::write(&g, gold).unwrap();
    (c, g)
}

#[test]
fn boilerplate_handling_sees_through_page_chrome() {
    let dir = tempfile::tempdir().unwrap();
    let (corpus, gold) = wrapped_corpus(dir.path());
    assert_eq!(scores(&corpus, &gold, &[]), (1.0, 1.0));
    let (p, r) = scores(&corpus, &gold, &["--keep-boilerplate"]);
    assert!(
        p < 1.0 || r < 1.0,
        "plain mode should suffer from the chrome: precision {p} recall {r}"
    );
    // The chrome lines are reported as boilerplate, the articles' lines are not.
    let spans = dir.path().join("spans.jsonl");
    assert!(
        run(&[
            "dedup",
            corpus.to_str().unwrap(),
            "-o",
            "/dev/null",
            "--spans",
            spans.to_str().unwrap(),
            "-q"
        ])
        .status
        .success()
    );
    let report = jsonl(&std::fs::read(&spans).unwrap());
    let bp: Vec<&serde_json::Value> = report.iter().filter(|s| s["kind"] == "boilerplate").collect();
    assert!(bp.iter().any(|s| s["id"] == "a1"));
    assert!(bp.iter().any(|s| s["id"] == "a0-copy"));
    let input = jsonl(&std::fs::read(&corpus).unwrap());
    for s in bp {
        let doc = input.iter().find(|d| d["id"] == s["id"]).unwrap();
        let text = doc["text"].as_str().unwrap();
        let line = &text[s["start"].as_u64().unwrap() as usize..s["end"].as_u64().unwrap() as usize];
        let article_part = text.contains(line) && !line.trim().is_empty();
        assert!(article_part);
        // No line of an article body (the first line of a0's text) is boilerplate.
        assert!(!doc["id"].as_str().unwrap().ends_with("copy") || !text.ends_with(line));
    }
}

#[test]
fn shortened_copies_are_found_by_containment_not_by_jaccard() {
    let dir = tempfile::tempdir().unwrap();
    let docs: Vec<serde_json::Value> = jsonl(&std::fs::read(ntrex28("docs.jsonl")).unwrap());
    let eng: Vec<&serde_json::Value> = docs.iter().filter(|d| d["lang"] == "eng").take(12).collect();
    let (mut lines, mut gold) = (String::new(), String::from("id\tcluster\n"));
    for (i, a) in eng.iter().enumerate() {
        let text = a["text"].as_str().unwrap();
        lines += &format!("{}\n", serde_json::json!({"id": format!("a{i}"), "text": text}));
        gold += &format!("a{i}\t{i}\n");
        // The first half of the article, cut at a word boundary.
        let words: Vec<&str> = text.split(' ').collect();
        let half = words[..words.len() / 2].join(" ");
        lines += &format!("{}\n", serde_json::json!({"id": format!("a{i}-half"), "text": half}));
        gold += &format!("a{i}-half\t{i}\n");
    }
    let (c, g) = (dir.path().join("halves.jsonl"), dir.path().join("gold.tsv"));
    std::fs::write(&c, lines).unwrap();
    std::fs::write(&g, gold).unwrap();
    let (p, r) = scores(&c, &g, &["--threshold", "0.8"]);
    assert_eq!(p, 1.0);
    assert_eq!(r, 0.0, "plain Jaccard at 0.8 must not link a half to its article");
    assert_eq!(
        scores(&c, &g, &["--threshold", "0.8", "--containment", "0.8"]),
        (1.0, 1.0)
    );
    assert_eq!(
        scores(
            &c,
            &g,
            &["--threshold", "0.8", "--containment", "0.8", "--verify", "exact"]
        ),
        (1.0, 1.0)
    );
}

#[test]
fn shared_substrings_are_reported_and_stripped_from_later_documents() {
    let dir = tempfile::tempdir().unwrap();
    let docs: Vec<serde_json::Value> = jsonl(&std::fs::read(ntrex28("docs.jsonl")).unwrap());
    let eng: Vec<&str> = docs
        .iter()
        .filter(|d| d["lang"] == "eng")
        .map(|d| d["text"].as_str().unwrap())
        .collect();
    // A long quotation: the first 60 words of article 0, inside article 1.
    let quote: String = eng[0].split(' ').take(60).collect::<Vec<_>>().join(" ");
    let b = format!("{}\n{quote}\n", eng[1]);
    let corpus = dir.path().join("q.jsonl");
    let lines = [
        serde_json::json!({"id": "a", "text": eng[0]}),
        serde_json::json!({"id": "b", "text": b}),
        serde_json::json!({"id": "c", "text": eng[2]}),
    ];
    std::fs::write(&corpus, lines.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
    let (spans, out) = (dir.path().join("s.jsonl"), dir.path().join("o.jsonl"));
    let o = run(&[
        "dedup",
        corpus.to_str().unwrap(),
        "--keep-boilerplate",
        "--strip-substrings",
        "--spans",
        spans.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success());
    let report = jsonl(&std::fs::read(&spans).unwrap());
    let sub: Vec<&serde_json::Value> = report.iter().filter(|s| s["kind"] == "substring").collect();
    assert_eq!(sub.len(), 2, "{sub:?}");
    let in_b = sub.iter().find(|s| s["id"] == "b").unwrap();
    assert_eq!(in_b["match_id"], "a");
    assert_eq!(
        &b[in_b["start"].as_u64().unwrap() as usize..in_b["end"].as_u64().unwrap() as usize],
        quote
    );
    // The quotation leaves b (a holds it first); a and c are written unchanged.
    let written = jsonl(&std::fs::read(&out).unwrap());
    assert_eq!(written[0]["text"], eng[0]);
    assert_eq!(written[1]["text"].as_str().unwrap().trim_end(), eng[1].trim_end());
    assert_eq!(written[2]["text"], eng[2]);
}
