//! Integration tests of `--cross-lingual`: the real binary on the seeds and on NTREX.

mod common;

use common::{data, dedup_seeds, dedup_to, ntrex28, precision_recall, run, stderr};
use std::path::{Path, PathBuf};

/// Runs `dedup` on `input` with `extra` flags; returns the cluster report's path.
fn dedup(dir: &Path, input: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let cl = dir.join(name);
    dedup_to(input, &cl, extra);
    cl
}

/// The seeds' cross-lingual report is one cluster: 000 (Indonesian), 001 (its French
/// translation) and 000's first-body copy; 002, 003 and 004 (other articles on the same story)
/// join nothing. 000 is kept; 001 is removed as its translation, with their anchor score (an
/// edge's least is `min_score`, 0.3); the copy is in 000's same-language group, no translation.
fn assert_seed_translation_cluster(cl: &Path) {
    let clusters = report(cl);
    assert_eq!(clusters.len(), 1, "{clusters:?}");
    assert_eq!(strings(&clusters[0]["members"]), ["000", "001", "000-first-body"]);
    assert_eq!(strings(&clusters[0]["langs"]), ["fra", "ind"]);
    assert_eq!(clusters[0]["representative"], "000");
    let scores = clusters[0]["translation_score"].as_array().unwrap();
    assert!(scores[0].is_null() && scores[2].is_null(), "{scores:?}");
    assert!(scores[1].as_f64().unwrap() >= 0.3, "{scores:?}");
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
    assert_seed_translation_cluster(&cl);
}

#[test]
fn ntrex_translations_precision_and_recall() {
    let dir = tempfile::tempdir().unwrap();
    let cl = dedup(
        dir.path(),
        &ntrex28("docs.jsonl"),
        "c.jsonl",
        &["--cross-lingual", "--no-lexicon"],
    );
    let (p, r) = precision_recall(&ntrex28("gold_translations.tsv"), &cl);
    assert!(p >= 0.98 && r >= 0.95, "precision {p} recall {r}");
}

/// The 74 variants of NTREX dev outside the 28 the stage was first developed on, alone (all 40
/// articles): a held-out set of languages, many in scripts without case. When every word of
/// such a script with a two-consonant skeleton was a weak anchor, the corpus filter dropped the
/// short names of three short articles and they fell apart: precision 0.9946, recall 0.9116
/// (0.9993 / 0.9755 since weak anchors need three classes, and single documents no longer
/// bridge groups).
#[test]
fn ntrex_variants_outside_the_first_28_keep_recall() {
    let dir = tempfile::tempdir().unwrap();
    let held_out = |line: &str| {
        let id = line.strip_prefix("{\"id\": \"").unwrap_or(line);
        id.split_once('/').is_some_and(|(v, _)| !common::NTREX_28.contains(&v))
    };
    let docs = std::fs::read_to_string(data("ntrex-dev/docs.jsonl")).unwrap();
    let gold = std::fs::read_to_string(data("ntrex-dev/gold_translations.tsv")).unwrap();
    let mut gold_lines = gold.lines();
    let mut part_gold = format!("{}\n", gold_lines.next().unwrap());
    let mut part = String::new();
    for l in docs.lines().filter(|l| held_out(l)) {
        part.push_str(l);
        part.push('\n');
    }
    for l in gold_lines.filter(|l| held_out(l)) {
        part_gold.push_str(l);
        part_gold.push('\n');
    }
    let (input, gold_path) = (dir.path().join("v74.jsonl"), dir.path().join("v74.tsv"));
    std::fs::write(&input, part).unwrap();
    std::fs::write(&gold_path, part_gold).unwrap();
    let cl = dedup(dir.path(), &input, "c.jsonl", &["--cross-lingual", "--no-lexicon"]);
    let (p, r) = precision_recall(&gold_path, &cl);
    assert!(p >= 0.98 && r >= 0.95, "precision {p} recall {r}");
}

/// With three quarters of NTREX's documents left out (four disjoint quarters, chosen by a hash
/// of the id), most documents miss most of their translations, as in a crawl: a group whose own
/// article is too thin must not attach to another report on the same story. Before attachment
/// needed mutual best matches or a strong lead, precision was 0.98 / 0.99 / 0.84 / 0.93 on
/// these quarters; with that rule, 1.00 / 0.99 / 0.96 / 0.99; since only groups in fewer
/// languages than an article attach (three translations linked to each other are an article of
/// their own), 1.00 / 0.99 / 0.99 / 0.99. Weak anchors of three consonant classes alone gave
/// 0.91 on the third quarter (one French document's edges joined two articles); with that
/// rule, a merge no single document carries and attachment ahead of sparse articles: 1.00 /
/// 0.99 / 1.00 / 1.00.
#[test]
fn ntrex_quarters_with_translations_missing_keep_precision() {
    for (k, p, r) in quarters(&ntrex28("docs.jsonl"), &ntrex28("gold_translations.tsv")) {
        assert!(p >= 0.98 && r >= 0.8, "quarter {k}: precision {p} recall {r}");
    }
}

/// The same quarters of all 102 variants. Two articles on one story that share names and
/// numbers are the hard case there: before single documents stopped carrying merges, two of
/// 23 and 28 documents joined (precision 1.00 / 0.97 / 0.93 / 0.99); since, 1.00 / 0.96 /
/// 0.99 / 1.00.
#[test]
fn ntrex_quarters_of_all_variants_keep_precision() {
    for (k, p, r) in quarters(&data("ntrex-dev/docs.jsonl"), &data("ntrex-dev/gold_translations.tsv")) {
        assert!(p >= 0.95 && r >= 0.9, "quarter {k}: precision {p} recall {r}");
    }
}

/// Precision and recall of `--cross-lingual --no-lexicon` on each of four disjoint quarters of
/// `docs` (by a hash of the id), against the quarter's rows of `gold`: `(quarter, p, r)`.
fn quarters(docs: &Path, gold: &Path) -> Vec<(u64, f64, f64)> {
    let dir = tempfile::tempdir().unwrap();
    let docs = std::fs::read_to_string(docs).unwrap();
    let gold = std::fs::read_to_string(gold).unwrap();
    let label: std::collections::HashMap<&str, &str> =
        gold.lines().skip(1).filter_map(|l| l.split_once('\t')).collect();
    (0..4u64)
        .map(|k| {
            let (mut part, mut part_gold) = (String::new(), String::from("id\tcluster\n"));
            for line in docs.lines() {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                let id = v["id"].as_str().unwrap();
                if xxhash_rust::xxh3::xxh3_64(id.as_bytes()) % 4 == k {
                    part.push_str(line);
                    part.push('\n');
                    part_gold.push_str(&format!("{id}\t{}\n", label[id]));
                }
            }
            let (input, gold_path) = (
                dir.path().join(format!("q{k}.jsonl")),
                dir.path().join(format!("q{k}.tsv")),
            );
            std::fs::write(&input, part).unwrap();
            std::fs::write(&gold_path, part_gold).unwrap();
            let cl = dedup(
                dir.path(),
                &input,
                &format!("c{k}.jsonl"),
                &["--cross-lingual", "--no-lexicon"],
            );
            let (p, r) = precision_recall(&gold_path, &cl);
            (k, p, r)
        })
        .collect()
}

/// Per language pair (precision, recall) rows of `eval --by-language --json`.
fn by_language(gold: &Path, cl: &Path) -> Vec<(String, String, u64, f64, f64)> {
    common::eval_by_language(gold, cl)
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
    let input = ntrex28("docs.jsonl");
    let gold = ntrex28("gold_samelang.tsv");
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
    let input = ntrex28("docs.jsonl");
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

/// `what` at `path`, a file `scripts/setup.sh` installs, if it is there. CI sets
/// NEARDUP_REQUIRE_LEXICON=1 after running the set-up, so there its absence fails the test
/// instead of skipping it.
fn installed(what: &str, path: Option<PathBuf>) -> Option<PathBuf> {
    let path = path.filter(|p| p.is_file());
    if path.is_none() {
        assert!(
            std::env::var("NEARDUP_REQUIRE_LEXICON").as_deref() != Ok("1"),
            "no {what} installed: run scripts/setup.sh"
        );
        eprintln!("no {what} installed (scripts/setup.sh installs one): skipped");
    }
    path
}

fn installed_lexicon() -> Option<PathBuf> {
    installed("lexicon", neardup::crosslingual::lexicon::default_path())
}

#[test]
fn with_the_installed_lexicon_seeds_and_ntrex_still_meet_the_targets() {
    let Some(lex) = installed_lexicon() else { return };
    let lex = lex.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let flags = ["--cross-lingual", "--lexicon", lex];
    assert_seed_translation_cluster(&dedup(dir.path(), &data("seeds.jsonl"), "s.jsonl", &flags));
    let cl = dedup(dir.path(), &ntrex28("docs.jsonl"), "n.jsonl", &flags);
    let (p, r) = precision_recall(&ntrex28("gold_translations.tsv"), &cl);
    assert!(p >= 0.98 && r >= 0.95, "precision {p} recall {r}");
}

#[test]
fn lexicon_build_from_an_empty_folder_fails_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("dicts");
    std::fs::create_dir(&empty).unwrap();
    let out = dir.path().join("lex.bin");
    let o = run(&["lexicon", "build", empty.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no FreeDict dictionary"), "{}", stderr(&o));
    assert!(!out.exists());
    // A file that is not a lexicon is refused by name.
    std::fs::write(&out, "not a lexicon").unwrap();
    let o = dedup_seeds(&["--cross-lingual", "--lexicon", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("lex.bin") && stderr(&o).contains("not a neardup lexicon"));
}

#[test]
fn lexicon_build_reads_the_system_dictionaries() {
    let dicts = Path::new("/usr/share/dictd");
    if !dicts.join("freedict-fra-eng.index").exists() {
        assert!(
            std::env::var("NEARDUP_REQUIRE_LEXICON").as_deref() != Ok("1"),
            "FreeDict dictionaries missing: run scripts/setup.sh"
        );
        eprintln!("no FreeDict dictionaries in {}: skipped", dicts.display());
        return;
    }
    // Two of the smaller ones (a debug build reads the big German and Japanese ones slowly):
    // one read as is, one inverted.
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("dictd");
    std::fs::create_dir(&sub).unwrap();
    for name in ["freedict-fra-eng", "freedict-eng-ind"] {
        for ext in ["index", "dict.dz"] {
            let f = format!("{name}.{ext}");
            std::fs::copy(dicts.join(&f), sub.join(&f)).unwrap();
        }
    }
    let out = dir.path().join("lex.bin");
    let o = run(&["lexicon", "build", sub.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&["lexicon", "show", out.to_str().unwrap()]);
    let shown = String::from_utf8_lossy(&o.stdout).into_owned();
    let counts: Vec<(&str, usize)> = shown
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(l, n)| (l, n.parse().unwrap()))
        .collect();
    assert_eq!(counts.len(), 2, "{shown}");
    assert!(counts[0].0 == "fra" && counts[0].1 > 5000, "{shown}");
    assert!(counts[1].0 == "ind" && counts[1].1 > 5000, "{shown}");
}

/// All 102 variants of NTREX dev with each record's own label (`--lang-field lang`): the
/// variants whatlang does not know, or takes for a neighbour (Bashkir as Russian, Fijian as
/// Tagalog), each count as a language of their own. Anchors only: precision 0.9985, recall
/// 0.9538 when the test was written, 0.9773 since documents also attach on their layout.
#[test]
fn ntrex_all_variants_with_their_labels() {
    let dir = tempfile::tempdir().unwrap();
    let flags = ["--cross-lingual", "--no-lexicon", "--lang-field", "lang"];
    let cl = dedup(dir.path(), &data("ntrex-dev/docs.jsonl"), "c.jsonl", &flags);
    let (p, r) = precision_recall(&data("ntrex-dev/gold_translations.tsv"), &cl);
    assert!(p >= 0.99 && r >= 0.96, "precision {p} recall {r}");
    // The report names each member's label: Dhivehi, which whatlang does not know.
    let report = report(&cl);
    assert!(
        report
            .iter()
            .any(|c| strings(&c["member_langs"]).contains(&"div".to_string()))
    );
}

/// All 102 variants with the detector's labels only: six variants whatlang cannot name at all
/// (Dhivehi, Dzongkha, Lao, Uyghur, Kurdish and Sindhi in Arabic script) and many it names
/// as a neighbour. Labels only set documents apart; their common words decide the rest.
/// Anchors only: precision 0.9989, recall 0.9079 when the test was written (0.9817 / 0.1744
/// when every rule read whatlang's label), 0.9327 since documents also attach on their layout,
/// 0.9800 since groups laid out alike may join.
#[test]
fn ntrex_all_variants_with_the_detector() {
    let dir = tempfile::tempdir().unwrap();
    let flags = ["--cross-lingual", "--no-lexicon", "--no-language-model"];
    let cl = dedup(dir.path(), &data("ntrex-dev/docs.jsonl"), "c.jsonl", &flags);
    let (p, r) = precision_recall(&data("ntrex-dev/gold_translations.tsv"), &cl);
    assert!(p >= 0.99 && r >= 0.95, "precision {p} recall {r}");
}

fn installed_language_model() -> Option<PathBuf> {
    installed("language model", neardup::crosslingual::identify::default_path())
}

/// All 102 variants with langid.py's model in place of whatlang (1.0000 / 0.9809 anchors
/// only when it came in, against whatlang's 0.9995 / 0.9780), and the labels it gives the
/// documents of the languages both it and NTREX name, as the report shows them.
#[test]
fn ntrex_all_variants_with_the_language_model() {
    let Some(model) = installed_language_model() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let flags = [
        "--cross-lingual",
        "--no-lexicon",
        "--language-model",
        model.to_str().unwrap(),
    ];
    let cl = dedup(dir.path(), &data("ntrex-dev/docs.jsonl"), "c.jsonl", &flags);
    let (p, r) = precision_recall(&data("ntrex-dev/gold_translations.tsv"), &cl);
    assert!(p >= 0.99 && r >= 0.97, "precision {p} recall {r}");
    let (mut agree, mut known) = (0, 0);
    for c in report(&cl) {
        for (id, lang) in strings(&c["members"]).iter().zip(strings(&c["member_langs"])) {
            let variant = id.split('/').next().unwrap();
            // Variants named by an ISO 639-3 code the model knows, without region or script.
            if [
                "deu", "fra", "rus", "jpn", "kor", "tha", "vie", "tur", "pol", "ukr", "swe", "fin",
            ]
            .contains(&variant)
            {
                known += 1;
                agree += usize::from(lang == variant);
            }
        }
    }
    assert!(known >= 400 && agree == known, "{agree} of {known} labels agree");
}

#[test]
fn a_file_that_is_not_a_language_model_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("model.bin");
    std::fs::write(&bad, "not a model").unwrap();
    let o = dedup_seeds(&["--cross-lingual", "--language-model", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("model.bin") && stderr(&o).contains("not a language model"),
        "{}",
        stderr(&o)
    );
}

/// Writes the JSONL file `src` to `dst` with `edit(line number, record)` applied to each record.
fn rewrite_jsonl(src: &Path, dst: &Path, edit: impl Fn(usize, &mut serde_json::Value)) {
    let mut out = String::new();
    for (i, line) in std::fs::read_to_string(src).unwrap().lines().enumerate() {
        let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
        edit(i, &mut v);
        out.push_str(&v.to_string());
        out.push('\n');
    }
    std::fs::write(dst, out).unwrap();
}

/// All 102 variants with one placeholder label for every record (`"lang": "zz"`), so that
/// labels say nothing: the grouping runs on the documents' text alone. Anchors only:
/// precision 0.9936, recall 0.8729 when the test was written, 0.9931 / 0.9122 since documents
/// also attach on their layout, 0.9933 / 0.9686 since groups laid out alike may join (the
/// issue's target: 0.98 / 0.90).
#[test]
fn ntrex_all_variants_with_labels_that_say_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("zz.jsonl");
    rewrite_jsonl(&data("ntrex-dev/docs.jsonl"), &input, |_, v| v["lang"] = "zz".into());
    let flags = ["--cross-lingual", "--no-lexicon", "--lang-field", "lang"];
    let cl = dedup(dir.path(), &input, "c.jsonl", &flags);
    let (p, r) = precision_recall(&data("ntrex-dev/gold_translations.tsv"), &cl);
    assert!(p >= 0.99 && r >= 0.95, "precision {p} recall {r}");
}

/// A label that is absent, null or empty leaves the language to the detector; a label given
/// is reported as it is.
#[test]
fn lang_field_is_read_where_present() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("seeds.jsonl");
    rewrite_jsonl(&data("seeds.jsonl"), &input, |i, v| match i {
        0 => v["language"] = "id-ID".into(),
        1 => v["language"] = serde_json::Value::Null,
        2 => v["language"] = "".into(),
        _ => {}
    });
    let flags = ["--cross-lingual", "--no-lexicon", "--lang-field", "language"];
    let clusters = report(&dedup(dir.path(), &input, "c.jsonl", &flags));
    assert_eq!(clusters.len(), 1, "{clusters:?}");
    assert_eq!(strings(&clusters[0]["members"]), ["000", "001", "000-first-body"]);
    assert_eq!(strings(&clusters[0]["member_langs"]), ["id-ID", "fra", "ind"]);
}

/// A label that is neither a string nor null (a number, a list, an object) stops the run with
/// the record's file and line, as a text field that is not a string does: it is not taken for
/// an absent label in silence. The same record with a string label runs.
#[test]
fn a_lang_field_that_is_not_a_string_names_its_record() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("seeds.jsonl");
    for (value, ok) in [
        (serde_json::json!(5), false),
        (serde_json::json!({"code": "fra"}), false),
        (serde_json::json!("fra"), true),
    ] {
        rewrite_jsonl(&data("seeds.jsonl"), &input, |i, v| {
            if i == 2 {
                v["language"] = value.clone();
            }
        });
        let flags = ["--cross-lingual", "--no-lexicon", "--lang-field", "language"];
        let o = run(&[
            &["dedup", input.to_str().unwrap(), "-o", "/dev/null", "-q"][..],
            &flags[..],
        ]
        .concat());
        assert_eq!(o.status.success(), ok, "{value}: {}", stderr(&o));
        if !ok {
            let want = format!("{}:3: language field \"language\" is not a string", input.display());
            assert!(stderr(&o).contains(&want), "{value}: {}", stderr(&o));
        }
    }
}

/// A label is read as the reader reads the record: escapes unescaped, the last value of a key
/// given twice, and a record holding a number no 64-bit float holds (which the reader passes
/// over as any other value) still gives its label.
#[test]
fn a_lang_field_is_read_as_the_reader_reads_the_record() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("two.jsonl");
    std::fs::write(
        &input,
        "{\"id\":\"1\",\"text\":\"Warren 2018 Boston Globe said\",\"lang\":\"fr\",\"lang\":\"de\"}\n\
         {\"id\":\"2\",\"text\":\"Warren 2018 Boston Globe dit\",\"lang\":\"\\u00e9s\",\"x\":1e400}\n",
    )
    .unwrap();
    let flags = ["--cross-lingual", "--no-lexicon", "--lang-field", "lang"];
    let clusters = report(&dedup(dir.path(), &input, "c.jsonl", &flags));
    assert_eq!(clusters.len(), 1, "{clusters:?}");
    assert_eq!(strings(&clusters[0]["member_langs"]), ["de", "és"]);
}

#[test]
fn lang_field_needs_cross_lingual() {
    let o = dedup_seeds(&["--lang-field", "lang"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--cross-lingual"), "{}", stderr(&o));
}

/// The clusters of `common::syndicated_sites(english, french)` with `--cross-lingual`, each
/// its sorted member ids.
fn syndicated_clusters(english: usize, french: usize) -> Vec<Vec<String>> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, common::syndicated_sites(english, french)).unwrap();
    let cl = dedup(dir.path(), &input, "cl.jsonl", &["--cross-lingual"]);
    report(&cl)
        .iter()
        .map(|c| {
            let mut m = strings(&c["members"]);
            m.sort();
            m
        })
        .collect()
}

/// The same article republished by two sites in each of two languages, under each site's
/// chrome: the copies in one language are one same-language cluster, and the copies in the
/// other language, tied in score, are one candidate of its background rather than two (which
/// made the translation its own background: no link).
#[test]
fn syndicated_translations_with_copies_in_each_language_join() {
    // One cluster: the four copies, and no page of a site's own.
    assert_eq!(
        syndicated_clusters(2, 2),
        [["e0/syndicated", "e1/syndicated", "f0/syndicated", "f1/syndicated"]]
    );
}

/// Three copies in one language: their lines are boilerplate (in three clusters of the first
/// pass), and the features set aside only the most widespread ones, the sites' chrome, as the
/// boilerplate pass does (docs/dedup-semantics.md), so the article is what links.
#[test]
fn an_article_syndicated_three_times_links_to_its_translations() {
    let (e, f) = (["e0", "e1", "e2"], ["f0", "f1"]);
    let copies = |sites: &[&str]| -> Vec<String> { sites.iter().map(|s| format!("{s}/syndicated")).collect() };
    assert_eq!(syndicated_clusters(3, 2), [copies(&[&e[..], &f[..]].concat())]);
    assert_eq!(syndicated_clusters(2, 3), [copies(&["e0", "e1", "f0", "f1", "f2"])]);
    // Three in each language: each French copy's only candidates are the English copies, one
    // same-language group, so its side has no background to tell them from (the test is not
    // read there).
    assert_eq!(
        syndicated_clusters(3, 3),
        [copies(&["e0", "e1", "e2", "f0", "f1", "f2"])]
    );
}
