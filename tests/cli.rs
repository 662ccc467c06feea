//! Integration tests: the real `neardup` binary on the real data in tests/data.

mod common;

use common::{bin, data, dedup_seeds, ntrex28, run, scores, stderr};
use std::path::Path;
use std::process::{Output, Stdio};

fn summary_value(o: &Output, key: &str) -> String {
    let err = stderr(o);
    err.lines()
        .find_map(|l| l.strip_prefix(&format!("{key}: ")))
        .unwrap_or_else(|| panic!("no {key} in summary:\n{err}"))
        .to_string()
}

/// Cluster report lines parsed into (representative, members).
fn clusters_of(path: &Path) -> Vec<(String, Vec<String>)> {
    std::fs::read_to_string(path)
        .expect("cluster report written")
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("valid JSON line");
            let members = v["members"]
                .as_array()
                .expect("members")
                .iter()
                .map(|m| m.as_str().unwrap().to_string())
                .collect();
            (v["representative"].as_str().unwrap().to_string(), members)
        })
        .collect()
}

#[test]
fn seeds_first_body_copy_clusters_with_000_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let cl = dir.path().join("clusters.jsonl");
    let kept = dir.path().join("kept.jsonl");
    let input = data("seeds.jsonl");
    let o = run(&[
        "dedup",
        input.to_str().unwrap(),
        "-o",
        kept.to_str().unwrap(),
        "--clusters",
        cl.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        clusters_of(&cl),
        vec![("000".to_string(), vec!["000".to_string(), "000-first-body".to_string()])]
    );
    assert_eq!(summary_value(&o, "documents"), "6");
    assert_eq!(summary_value(&o, "duplicates"), "1");
    // Kept records are the input lines, bytes unchanged, in input order, minus the copy.
    let input_lines: Vec<String> = std::fs::read_to_string(&input)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    let kept_lines: Vec<String> = std::fs::read_to_string(&kept)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(kept_lines, input_lines[..5]);
}

#[test]
fn seeds_originals_never_cluster_even_with_exact_verification() {
    let dir = tempfile::tempdir().unwrap();
    let cl = dir.path().join("c.jsonl");
    for extra in [&[][..], &["--verify", "exact"][..], &["--minhash", "classic"][..]] {
        let mut args = vec![
            "dedup",
            data("seeds").to_str().unwrap().to_string().leak(),
            "-o",
            "-",
            "--clusters",
        ];
        args.push(cl.to_str().unwrap());
        args.extend_from_slice(extra);
        let o = run(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(clusters_of(&cl).is_empty(), "{extra:?}");
        // A folder input: ids are the file names, documents are whole files.
        assert_eq!(summary_value(&o, "documents"), "5");
    }
}

#[test]
fn ntrex_same_language_precision_and_recall_at_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs.jsonl");
    std::fs::copy(ntrex28("docs.jsonl"), &docs).unwrap();
    let (p, r) = scores(&docs, &ntrex28("gold_samelang.tsv"), &[]);
    assert!(p >= 0.99 && r >= 0.95, "precision {p} recall {r}");
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let mut outs = Vec::new();
    for t in ["1", "2", "3"] {
        let k = dir.path().join(format!("k{t}"));
        let c = dir.path().join(format!("c{t}"));
        let a = dir.path().join(format!("a{t}"));
        let input = ntrex28("docs.jsonl");
        let o = run(&[
            "dedup",
            input.to_str().unwrap(),
            "-o",
            k.to_str().unwrap(),
            "--clusters",
            c.to_str().unwrap(),
            "--threads",
            t,
        ]);
        assert!(o.status.success());
        let o = run(&[
            "dedup",
            input.to_str().unwrap(),
            "-o",
            a.to_str().unwrap(),
            "--annotate",
            "--threads",
            t,
            "-q",
        ]);
        assert!(o.status.success());
        outs.push((
            std::fs::read(k).unwrap(),
            std::fs::read(c).unwrap(),
            std::fs::read(a).unwrap(),
        ));
    }
    assert!(!outs[0].1.is_empty());
    assert!(outs.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn annotate_marks_every_record() {
    let o = run(&["dedup", data("seeds.jsonl").to_str().unwrap(), "--annotate", "-q"]);
    assert!(o.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 6);
    let marks: Vec<Option<u64>> = lines.iter().map(|v| v["dup_cluster"].as_u64()).collect();
    assert_eq!(marks, [Some(0), None, None, None, None, Some(0)]);
    assert!(
        lines
            .iter()
            .all(|v| v.get("dup_cluster").is_some() && v["text"].is_string())
    );
}

/// A record that has a `dup_cluster` field already (a corpus annotated before) gets its value
/// replaced, once, where it stands: the key is not written twice.
#[test]
fn annotate_replaces_an_existing_dup_cluster() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("a.jsonl");
    let text = "one two three four five six seven eight nine ten eleven twelve";
    std::fs::write(
        &input,
        format!(
            "{{\"dup_cluster\": 7, \"text\": \"{text}\"}}\n{{\"text\": \"{text}\", \"dup_cluster\": {{\"a\": [1]}}, \"dup_cluster\": null}}\n{{\"text\": \"other words here\", \"dup_cluster\": 3}}\n"
        ),
    )
    .unwrap();
    let o = run(&["dedup", input.to_str().unwrap(), "--annotate", "-q"]);
    assert!(o.status.success());
    let out = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            format!("{{\"dup_cluster\": 0, \"text\": \"{text}\"}}"),
            format!("{{\"text\": \"{text}\", \"dup_cluster\": 0, \"dup_cluster\": 0}}"),
            "{\"text\": \"other words here\", \"dup_cluster\": null}".to_string(),
        ]
    );
}

/// A pipe named as a file (`/dev/stdin` fed by a pipe, as `<(cat a.jsonl)` or `cat a |
/// neardup dedup /dev/stdin` give) has no length: it is read through, not taken as empty.
/// A folder of JSONL shards is read record by record (a duplicate across two shards is found),
/// with `--format jsonl` as without; a plain file inside stays one document.
#[test]
fn a_folder_of_jsonl_shards_is_read_record_by_record() {
    let dir = tempfile::tempdir().unwrap();
    let shards = dir.path().join("shards");
    std::fs::create_dir(&shards).unwrap();
    let seeds = std::fs::read_to_string(data("seeds.jsonl")).unwrap();
    let lines: Vec<&str> = seeds.lines().collect();
    // 000 in the first shard, its first-body copy in the second.
    std::fs::write(shards.join("a.jsonl"), format!("{}\n{}\n", lines[0], lines[1])).unwrap();
    std::fs::write(shards.join("b.jsonl"), format!("{}\n{}\n", lines[2], lines[5])).unwrap();
    std::fs::write(shards.join("notes.txt"), "a note that is one document\nof two lines\n").unwrap();
    for extra in [&[][..], &["--format", "jsonl"][..]] {
        let cl = dir.path().join("c.jsonl");
        let mut args = vec![
            "dedup",
            shards.to_str().unwrap(),
            "-o",
            "/dev/null",
            "--clusters",
            cl.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let o = run(&args);
        if extra.is_empty() {
            assert!(o.status.success(), "{}", stderr(&o));
            // Two records per shard, and the note whole.
            assert_eq!(summary_value(&o, "documents"), "5");
            let clusters = clusters_of(&cl);
            assert_eq!(clusters.len(), 1, "{clusters:?}");
            assert_eq!(clusters[0].1, ["000", "000-first-body"]);
        } else {
            // The note is no JSONL record: with --format jsonl it is a bad record, named.
            assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
            assert!(stderr(&o).contains("notes.txt:1"), "{}", stderr(&o));
        }
    }
}

/// A UTF-8 byte order mark at the start of a JSONL file (as some Windows tools write) is
/// skipped, with or without the extension that names the format.
#[test]
fn a_byte_order_mark_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(std::fs::read(data("seeds.jsonl")).unwrap());
    for name in ["bom.jsonl", "bom.data"] {
        let f = dir.path().join(name);
        std::fs::write(&f, &bytes).unwrap();
        let o = run(&["dedup", f.to_str().unwrap(), "-o", "/dev/null"]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(summary_value(&o, "documents"), "6");
    }
}

/// `--summary -` and `--spans -` write to stdout (not to a file named `-`); two outputs on
/// stdout are refused.
#[test]
fn dash_is_stdout_for_every_output() {
    let dir = tempfile::tempdir().unwrap();
    let seeds = data("seeds.jsonl");
    // Records (no -o) and the summary would both go to stdout.
    let o = run(&["dedup", seeds.to_str().unwrap(), "--summary", "-", "-q"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("more than one output on stdout"), "{}", stderr(&o));
    let k = dir.path().join("k.jsonl");
    // One output to stdout (`flag -`), the records to a file, run in the scratch folder.
    let to_stdout = |flag: &str| {
        let args = [
            "dedup",
            seeds.to_str().unwrap(),
            "-o",
            k.to_str().unwrap(),
            flag,
            "-",
            "-q",
        ];
        let o = bin().current_dir(dir.path()).args(args).output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        o.stdout
    };
    let v: serde_json::Value = serde_json::from_slice(&to_stdout("--summary")).expect("the summary on stdout");
    assert_eq!(v["documents"], 6);
    assert!(!to_stdout("--spans").is_empty());
    assert!(!dir.path().join("-").exists());
}

/// `/dev/stdout` names this process's standard output, whatever it is open on: the report is
/// written there, to a pipe or to a file opened for appending (a file renamed over the link
/// would replace `/dev/stdout` itself, or the file, losing what it held), and the link stays.
#[cfg(target_os = "linux")]
#[test]
fn dev_stdout_is_the_standard_output_and_stays_a_link() {
    let seeds = data("seeds.jsonl");
    let args = [
        "dedup",
        seeds.to_str().unwrap(),
        "-o",
        "/dev/null",
        "--clusters",
        "/dev/stdout",
        "-q",
    ];
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let report = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(report.contains("\"representative\":\"000\""), "{report}");
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log.txt");
    std::fs::write(&log, "before\n").unwrap();
    let append = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    let status = bin().args(args).stdout(append).status().unwrap();
    assert!(status.success());
    assert_eq!(std::fs::read_to_string(&log).unwrap(), format!("before\n{report}"));
    let link = std::fs::symlink_metadata("/dev/stdout").unwrap();
    assert!(!link.file_type().is_file(), "/dev/stdout was replaced by a file");
    // A process substitution: `/dev/fd/63`, a link whose target reads `pipe:[…]`.
    let out = dir.path().join("substituted.txt");
    let script = format!(
        "{} dedup {} -o /dev/null --clusters >(cat > {}) -q; wait",
        env!("CARGO_BIN_EXE_neardup"),
        seeds.display(),
        out.display()
    );
    if let Ok(status) = std::process::Command::new("bash").arg("-c").arg(&script).status() {
        assert!(status.success());
        // The substituted process may finish after bash's `wait` returns on some versions.
        for _ in 0..100 {
            if std::fs::read_to_string(&out).is_ok_and(|t| t == report) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert_eq!(std::fs::read_to_string(&out).unwrap(), report);
    }
}

/// An OS error is named once, after the file it concerns.
#[test]
fn an_os_error_is_printed_once() {
    let o = run(&["dedup", "/nonexistent/in.jsonl", "-o", "/dev/null"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("/nonexistent/in.jsonl: No such file"), "{err}");
    assert_eq!(err.matches("os error 2").count(), 1, "{err}");
}

/// Skipped records beyond the first ten are counted in a last warning line, and a stderr that
/// cannot be written (here /dev/full) does not stop the run.
#[test]
fn skip_warnings_end_with_a_count_and_a_full_stderr_is_no_failure() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("mixed.jsonl");
    let mut text = std::fs::read_to_string(data("seeds.jsonl")).unwrap();
    for _ in 0..12 {
        text.push_str("not json\n");
    }
    std::fs::write(&input, &text).unwrap();
    let kept = dir.path().join("k.jsonl");
    let args = [
        "dedup",
        input.to_str().unwrap(),
        "--on-error",
        "skip",
        "-o",
        kept.to_str().unwrap(),
    ];
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stderr(&o).matches("warning: skipped").count(), 10);
    assert!(stderr(&o).contains("and 2 more skipped records"), "{}", stderr(&o));
    std::fs::remove_file(&kept).unwrap();
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let o = bin().args(args).stderr(full).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(!std::fs::read(&kept).unwrap().is_empty());
}

/// A run that fails on one output leaves every other output as it was: a summary that cannot
/// be written, or a full stdout.
#[cfg(unix)]
#[test]
fn outputs_are_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let seeds = data("seeds.jsonl");
    let (k, c) = (dir.path().join("k.jsonl"), dir.path().join("c.jsonl"));
    std::fs::write(&k, "old kept").unwrap();
    std::fs::write(&c, "old clusters").unwrap();
    let unchanged = || {
        assert_eq!(std::fs::read_to_string(&k).unwrap(), "old kept");
        assert_eq!(std::fs::read_to_string(&c).unwrap(), "old clusters");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            2,
            "no temporary file left"
        );
    };
    let s = dir.path().join("nodir").join("s.json");
    let o = run(&[
        "dedup",
        seeds.to_str().unwrap(),
        "-o",
        k.to_str().unwrap(),
        "--clusters",
        c.to_str().unwrap(),
        "--summary",
        s.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    unchanged();
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let o = bin()
        .args(["dedup", seeds.to_str().unwrap(), "--clusters", c.to_str().unwrap()])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    unchanged();
}

/// A key given twice in a record counts as its last value, as serde_json and Python read it.
#[test]
fn a_repeated_key_takes_its_last_value() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("dup.jsonl");
    let body = "the same article body carried by both records of this little corpus today";
    std::fs::write(
        &f,
        format!(
            "{{\"id\":\"first\",\"text\":\"an entirely different opening text of no interest here\",\"text\":\"{body}\",\"id\":\"a\"}}\n{{\"id\":\"b\",\"text\":\"{body}\"}}\n"
        ),
    )
    .unwrap();
    let cl = dir.path().join("c.jsonl");
    let o = run(&[
        "dedup",
        f.to_str().unwrap(),
        "-o",
        "/dev/null",
        "--clusters",
        cl.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        clusters_of(&cl),
        [("a".to_string(), vec!["a".to_string(), "b".to_string()])]
    );
}

/// A symbolic link to an ancestor inside a folder input is an error naming it, at once.
#[cfg(unix)]
#[test]
fn a_folder_loop_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir_all(docs.join("sub")).unwrap();
    std::fs::write(docs.join("a.txt"), "one document").unwrap();
    std::os::unix::fs::symlink(&docs, docs.join("sub").join("back")).unwrap();
    let o = run(&["dedup", docs.to_str().unwrap(), "-o", "/dev/null"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("back") && stderr(&o).contains("folder loop"),
        "{}",
        stderr(&o)
    );
}

/// A file name with control characters (ESC, a newline) is escaped in errors: one line, no
/// raw control byte on the terminal.
#[cfg(unix)]
#[test]
fn control_characters_of_a_file_name_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("bad\u{1b}[31mname\nx.jsonl");
    std::fs::write(&f, "{\"text\": \"fine\"}\nnot json\n").unwrap();
    let o = run(&["dedup", f.to_str().unwrap(), "-o", "/dev/null"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(!err.contains('\u{1b}'), "{err:?}");
    assert_eq!(err.lines().count(), 1, "{err:?}");
    assert!(err.contains("bad\\u{1b}[31mname\\nx.jsonl:2"), "{err:?}");
}

#[test]
fn thread_count_is_bounded() {
    let o = dedup_seeds(&["--threads", "100000"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--threads"), "{}", stderr(&o));
    assert!(dedup_seeds(&["--threads", "1024", "-q"]).status.success());
}

#[cfg(unix)]
#[test]
fn a_pipe_named_as_a_file_is_read_whole() {
    let text = std::fs::read(data("seeds.jsonl")).unwrap();
    let mut child = bin()
        .args(["dedup", "/dev/stdin", "-o", "/dev/null"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || std::io::Write::write_all(&mut stdin, &text).unwrap());
    let o = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(summary_value(&o, "documents"), "6");
}

#[test]
fn stdin_gzip_and_lines_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read(data("seeds.jsonl")).unwrap();
    // stdin
    let mut child = bin()
        .args(["dedup", "-", "--clusters", "-", "-o", "/dev/null", "-q"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), &text).unwrap();
    drop(child.stdin.take());
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("\"members\":[\"000\",\"000-first-body\"]"));
    // gzip
    let gz = dir.path().join("seeds.jsonl.gz");
    let mut enc = flate2::write::GzEncoder::new(std::fs::File::create(&gz).unwrap(), flate2::Compression::fast());
    std::io::Write::write_all(&mut enc, &text).unwrap();
    enc.finish().unwrap();
    let o = run(&[
        "dedup",
        gz.to_str().unwrap(),
        "--clusters",
        "-",
        "-o",
        "/dev/null",
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("\"000-first-body\""));
    // lines: one document per line, ids FILE:LINE
    let lines = dir.path().join("docs.txt");
    let a = "the senator said on saturday that she will take a hard look at running for president";
    std::fs::write(&lines, format!("{a}\nsomething else\n\n{a} soon\n")).unwrap();
    let o = run(&[
        "dedup",
        lines.to_str().unwrap(),
        "--clusters",
        "-",
        "-q",
        "-o",
        "/dev/null",
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains(&format!("\"members\":[\"{0}:1\",\"{0}:4\"]", lines.display())),
        "{out}"
    );
}

#[test]
fn duplicate_ids_are_kept_and_told_apart() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("d.jsonl");
    let a = "the senator said on saturday that she will take a hard look at running for president";
    std::fs::write(
        &f,
        format!("{{\"id\":\"u\",\"text\":\"{a}\"}}\n{{\"id\":\"u\",\"text\":\"{a}\"}}\n"),
    )
    .unwrap();
    let o = run(&["dedup", f.to_str().unwrap(), "--clusters", "-", "-o", "/dev/null"]);
    assert!(o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains(&format!("{}:2 repeats the id at {}:1", f.display(), f.display())),
        "{err}"
    );
    assert_eq!(summary_value(&o, "documents"), "2");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains(&format!("\"locations\":[\"{0}:1\",\"{0}:2\"]", f.display())),
        "{out}"
    );
}

/// Each bad-input case: the error names file and line, exit code 1, no output file left.
#[test]
fn bad_input_names_file_and_line_and_leaves_no_output() {
    let cases: [(&str, &[u8], &str); 5] = [
        (
            "invalid JSON",
            b"{\"text\":\"ok\"}\n{\"text\": \"unterminated}\n",
            "invalid JSON",
        ),
        (
            "missing text",
            b"{\"text\":\"ok\"}\n{\"body\":\"x\"}\n",
            "missing text field",
        ),
        (
            "text not a string",
            b"{\"text\":\"ok\"}\n{\"text\":42}\n",
            "is not a string",
        ),
        (
            "invalid UTF-8",
            b"{\"text\":\"ok\"}\n{\"text\":\"caf\xe9\"}\n",
            "invalid UTF-8",
        ),
        ("not an object", b"{\"text\":\"ok\"}\n[1,2]\n", "not a JSON object"),
    ];
    for (name, content, msg) in cases {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("in.jsonl");
        std::fs::write(&f, content).unwrap();
        let out = dir.path().join("out.jsonl");
        let cl = dir.path().join("clusters.jsonl");
        let o = run(&[
            "dedup",
            f.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--clusters",
            cl.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(1), "{name}");
        let err = stderr(&o);
        assert!(err.contains(&format!("{}:2: ", f.display())), "{name}: {err}");
        assert!(err.contains(msg), "{name}: {err}");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            left,
            [std::ffi::OsString::from("in.jsonl")],
            "{name}: files left behind"
        );

        // --on-error skip: the run succeeds and counts the bad record.
        let o = run(&[
            "dedup",
            f.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--on-error",
            "skip",
        ]);
        assert!(o.status.success(), "{name}");
        assert_eq!(summary_value(&o, "skipped"), "1", "{name}");
        assert_eq!(summary_value(&o, "documents"), "1", "{name}");
        assert!(
            stderr(&o).contains(&format!("warning: skipped {}:2: ", f.display())),
            "{name}"
        );
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "{\"text\":\"ok\"}\n");
    }
}

#[test]
fn unreadable_file_and_bad_utf8_in_folder_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.jsonl");
    let o = run(&["dedup", missing.to_str().unwrap(), "-o", "-"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains(missing.to_str().unwrap()));
    let folder = dir.path().join("docs");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("a.txt"), b"line one\nline \xff two\n").unwrap();
    let o = run(&["dedup", folder.to_str().unwrap(), "-o", "-"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(&format!("{}:2: invalid UTF-8", folder.join("a.txt").display())),
        "{}",
        stderr(&o)
    );
}

/// Two outputs that lead to one file (the same name, another spelling of it, a hard link, a
/// symbolic link) are refused before anything is written; `/dev/null` may be shared.
#[cfg(unix)]
#[test]
fn refuses_two_outputs_on_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let seeds = data("seeds.jsonl");
    let out = dir.path().join("out.jsonl");
    std::fs::write(&out, "before").unwrap();
    let link = dir.path().join("hard.jsonl");
    std::fs::hard_link(&out, &link).unwrap();
    let sym = dir.path().join("sym.jsonl");
    std::os::unix::fs::symlink(&out, &sym).unwrap();
    let other_spelling = dir.path().join(".").join("out.jsonl");
    let fresh = dir.path().join("fresh.jsonl");
    let fresh_again = dir.path().join(".").join("fresh.jsonl");
    for (a, b, flag) in [
        (&out, &out, "--clusters"),
        (&out, &other_spelling, "--summary"),
        (&out, &link, "--clusters"),
        (&out, &sym, "--spans"),
        (&fresh, &fresh_again, "--clusters"),
    ] {
        let o = run(&[
            "dedup",
            seeds.to_str().unwrap(),
            "-o",
            a.to_str().unwrap(),
            flag,
            b.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(1), "{a:?} {b:?}");
        assert!(stderr(&o).contains("two outputs lead to one file"), "{}", stderr(&o));
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "before");
        assert!(!fresh.exists());
    }
    let o = run(&[
        "dedup",
        seeds.to_str().unwrap(),
        "-o",
        "/dev/null",
        "--clusters",
        "/dev/null",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn refuses_to_overwrite_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("in.jsonl");
    std::fs::copy(data("seeds.jsonl"), &f).unwrap();
    let before = std::fs::read(&f).unwrap();
    let o = run(&["dedup", f.to_str().unwrap(), "-o", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("refusing to overwrite input"));
    assert_eq!(std::fs::read(&f).unwrap(), before);
}

#[test]
fn options_that_cannot_apply_are_refused_naming_them() {
    // Flags of the cross-lingual stage without it are usage errors (exit 2), naming the flag
    // it needs; shingle sizes under SimHash are refused by the library (exit 1).
    for flags in [
        &["--cross-ratio", "0.8"][..],
        &["--cross-param", "ratio=0.8"],
        &["--no-lexicon"],
        &["--lexicon", "x.bin"],
    ] {
        let o = dedup_seeds(flags);
        assert_eq!(o.status.code(), Some(2), "{flags:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("--cross-lingual"), "{flags:?}: {}", stderr(&o));
    }
    let o = dedup_seeds(&["--method", "simhash", "--shingle-words", "5"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("shingle-words applies to MinHash only"),
        "{}",
        stderr(&o)
    );
    assert!(
        dedup_seeds(&["--cross-lingual", "--cross-ratio", "0.8", "--no-lexicon", "-q"])
            .status
            .success()
    );
    assert!(dedup_seeds(&["--shingle-words", "5", "-q"]).status.success());
    // What only MinHash makes: its S-curve, and `sign`'s signatures (under SimHash `sign` wrote
    // nothing to a raw file and failed inside the Parquet writer).
    let o = dedup_seeds(&["--method", "simhash", "--print-curve"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("--print-curve"), "{}", stderr(&o));
    let dir = tempfile::tempdir().unwrap();
    for out in ["s.bin", "s.parquet"] {
        let path = dir.path().join(out);
        let seeds = data("seeds.jsonl");
        let o = run(&[
            "sign",
            seeds.to_str().unwrap(),
            "--method",
            "simhash",
            "-o",
            path.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stderr(&o).contains("MinHash signatures"), "{}", stderr(&o));
        assert!(!path.exists(), "{out}");
    }
}

#[test]
fn usage_errors_exit_2_and_summary_json() {
    let o = run(&["dedup", "--threshold", "1.5", data("seeds.jsonl").to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "out-of-range values are reported by the library"
    );
    assert!(stderr(&o).contains("threshold"));
    let o = run(&["dedup", "--no-such-flag", "x"]);
    assert_eq!(o.status.code(), Some(2));
    let dir = tempfile::tempdir().unwrap();
    let s = dir.path().join("s.json");
    let o = dedup_seeds(&["--summary", s.to_str().unwrap(), "-q"]);
    assert!(o.status.success());
    assert!(o.stderr.is_empty(), "--quiet prints nothing");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&s).unwrap()).unwrap();
    assert_eq!(v["documents"], 6);
    assert_eq!(v["clusters"], 1);
    assert_eq!(v["duplicates"], 1);
}

#[test]
fn eval_prints_a_table() {
    let dir = tempfile::tempdir().unwrap();
    let gold = dir.path().join("g.tsv");
    let cl = dir.path().join("c.jsonl");
    std::fs::write(&gold, "id\tcluster\na\tx\nb\tx\nc\tx\nd\ty\ne\ty\n").unwrap();
    std::fs::write(&cl, "{\"members\":[\"a\",\"b\"]}\n{\"members\":[\"c\",\"d\",\"e\"]}\n").unwrap();
    let o = run(&["eval", "--gold", gold.to_str().unwrap(), cl.to_str().unwrap()]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("precision        0.5000"), "{out}");
    assert!(out.contains("ari              0.1667"), "{out}");
}

#[test]
fn eval_by_language_pair() {
    let dir = tempfile::tempdir().unwrap();
    let cl = dir.path().join("c.jsonl");
    let o = run(&[
        "dedup",
        ntrex28("docs.jsonl").to_str().unwrap(),
        "-o",
        "/dev/null",
        "--clusters",
        cl.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success());
    let o = run(&[
        "eval",
        "--gold",
        ntrex28("gold_samelang.tsv").to_str().unwrap(),
        cl.to_str().unwrap(),
        "--by-language",
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    // The same-language gold pairs English variants with each other and Spanish with its
    // second reference: 7 language pairs of 40 gold pairs each.
    let rows: Vec<&str> = out.lines().skip_while(|l| !l.starts_with("lang_a")).skip(1).collect();
    assert_eq!(rows.len(), 7, "{out}");
    assert!(rows.iter().all(|r| r.split_whitespace().nth(2) == Some("40")), "{out}");
    assert!(rows.iter().any(|r| r.starts_with("eng ") && r.contains("eng-GB")));
}

/// `eval --by-language --json` writes one JSON object a line whatever the language names hold
/// (here a quote, a backslash and a control character in an id's language folder).
#[test]
fn eval_by_language_json_escapes_language_names() {
    let dir = tempfile::tempdir().unwrap();
    let (gold, cl) = (dir.path().join("g.tsv"), dir.path().join("c.jsonl"));
    let odd = "x\"\\\u{1}y";
    std::fs::write(&gold, format!("id\tcluster\n{odd}/a\t1\nfr/a\t1\n")).unwrap();
    let members = serde_json::to_string(&[format!("{odd}/a"), "fr/a".to_string()]).unwrap();
    std::fs::write(&cl, format!("{{\"members\":{members}}}\n")).unwrap();
    // Every line parses as JSON (common::jsonl).
    let rows = common::eval_by_language(&gold, &cl);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1]["langs"], serde_json::json!(["fr", odd]), "{rows:?}");
    assert_eq!(rows[1]["true_pairs"], 1, "{rows:?}");
}

#[test]
fn kept_records_skip_blank_lines_and_keep_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("in.jsonl");
    let a = "the senator said on saturday that she will take a hard look at running for president";
    // Records 1 and 2 are adjacent, a blank line precedes record 3, record 4 duplicates 1 and is
    // the last line, with no newline at the end.
    let content = format!(
        "{{\"id\":\"1\",\"text\":\"{a}\"}}\n{{\"id\":\"2\", \"text\":\"other words here entirely\"}}\r\n\n{{\"id\":\"3\",\"text\":\"third one\"}}\n{{\"id\":\"4\",\"text\":\"{a}\"}}"
    );
    std::fs::write(&f, &content).unwrap();
    let out = dir.path().join("out.jsonl");
    let o = run(&["dedup", f.to_str().unwrap(), "-o", out.to_str().unwrap(), "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let lines: Vec<&str> = content.split('\n').collect();
    let expected = format!("{}\n{}\n{}\n", lines[0], lines[1], lines[3]);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), expected);
}

/// The library's `Dedup::sign_texts` (what the Python package's `sign` calls) gives the slots
/// `neardup sign` writes for a file of the same texts.
#[test]
fn library_signatures_are_the_cli_signatures() {
    let seeds = data("seeds.jsonl");
    let o = run(&["sign", seeds.to_str().unwrap(), "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let cli: Vec<u32> = o
        .stdout
        .chunks_exact(4)
        .map(|b| u32::from_le_bytes(b.try_into().unwrap()))
        .collect();
    let texts = common::texts_of(&seeds, usize::MAX);
    let config = neardup::Config::builder().build().unwrap();
    let k = config.minhash().unwrap().num_perm;
    let lib = neardup::Dedup::new(config).sign_texts(&texts).unwrap();
    assert_eq!(lib.len(), texts.len() * k);
    assert_eq!(cli, lib);
}
