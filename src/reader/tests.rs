//! Tests of [`super`].

use super::*;

#[test]
fn json_path_equals_unescape_then_normalize() {
    let cases = [
        r#"Line one\nLine TWO\t\"quoted\" \\ \/ caf\u00e9 \u0041BC"#,
        r#"Cafe\u0301 and CAFE\u0301"#,
        r#"CAFE\u0301"#,
        r#"\ud83d\ude00 emoji"#,
        "Ünïcödé \\n mixed ＡＢＣ e\u{301}\\nX",
        r#"short\n"#,
        r#"\nstarts with an escape and has a long ASCII tail to cross sixteen bytes"#,
    ];
    for raw in cases {
        let mut unescaped = String::new();
        let t = Text::Json(raw).resolve(&mut unescaped).to_string();
        let mut expected = String::new();
        normalize::normalize_into(&t, &mut expected);
        let (mut got, mut scratch) = (String::new(), String::new());
        let len = Text::Json(raw).normalize_into(&mut got, &mut scratch);
        assert_eq!(got, expected, "{raw}");
        assert_eq!(len, t.len(), "{raw}");
    }
}

type Read = (Vec<(u64, String, IdRef)>, Vec<(u64, RecordErrorKind)>);

fn read_all(src: &Source, opts: &ReadOptions, target: usize) -> Read {
    let mut docs = Vec::new();
    let mut errs = Vec::new();
    let mut base = 0;
    let mut scratch = String::new();
    for c in chunks(std::slice::from_ref(src), target) {
        let o = read_chunk(src, c, opts, |r| {
            docs.push((base + r.line_in_chunk, r.text.resolve(&mut scratch).to_string(), r.id))
        });
        errs.extend(o.errors.into_iter().map(|(l, k)| (base + l, k)));
        base += o.lines;
    }
    (docs, errs)
}

#[test]
fn jsonl_lines_and_ids_across_chunks() {
    let data = b"{\"id\":\"a\",\"text\":\"one\"}\n\n{\"text\":\"t\\u00e9\"}\n{\"id\":7,\"text\":\"x\"}\n".to_vec();
    let src = Source::from_bytes("m.jsonl", Format::Jsonl, data);
    for target in [1, 5, 1000] {
        let (docs, errs) = read_all(&src, &ReadOptions::default(), target);
        assert!(errs.is_empty());
        let lines: Vec<u64> = docs.iter().map(|d| d.0).collect();
        assert_eq!(lines, [1, 3, 4], "target {target}");
        assert_eq!(docs[1].1, "té");
        assert_eq!(docs[1].2, IdRef::Location);
        assert!(matches!(docs[2].2, IdRef::Span { len: 1, .. }));
    }
}

#[test]
fn errors_name_the_line() {
    let data = b"{\"text\":\"ok\"}\n{\"text\":1}\n{bad\n{\"text\":\"\xff\"}\n".to_vec();
    let src = Source::from_bytes("m.jsonl", Format::Jsonl, data);
    let skip = ReadOptions {
        on_error: OnError::Skip,
        ..ReadOptions::default()
    };
    let (docs, errs) = read_all(&src, &skip, 1);
    assert_eq!(docs.len(), 1);
    let lines: Vec<u64> = errs.iter().map(|e| e.0).collect();
    assert_eq!(lines, [2, 3, 4]);
    assert!(matches!(errs[2].1, RecordErrorKind::InvalidUtf8(_)));
    let (_, errs) = read_all(&src, &ReadOptions::default(), 1000);
    assert_eq!(errs.len(), 1, "fail mode stops at the first error");
}

#[test]
fn lines_format_keeps_empty_lines() {
    let src = Source::from_bytes("m.txt", Format::Lines, b"a\r\n\nb".to_vec());
    let (docs, _) = read_all(&src, &ReadOptions::default(), 2);
    let texts: Vec<&str> = docs.iter().map(|d| d.1.as_str()).collect();
    assert_eq!(texts, ["a", "", "b"]);
}

#[test]
fn format_detection() {
    assert_eq!(format_of(Path::new("a.jsonl.gz"), b""), Format::Jsonl);
    assert_eq!(format_of(Path::new("a.txt"), b"{"), Format::Lines);
    assert_eq!(format_of(Path::new("a.data"), b"  {\"x\""), Format::Jsonl);
    assert_eq!(format_of(Path::new("a.data"), b"hello"), Format::Lines);
}

mod robustness {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Arbitrary bytes never make the reader (or the normalizer behind it) panic: every line
        /// is either a record or an error naming its line.
        #[test]
        fn arbitrary_bytes_never_panic(
            lines in prop::collection::vec(
                prop_oneof![
                    prop::collection::vec(any::<u8>(), 0..60),
                    "[{}\\[\\]\",:a-z0-9 \\\\u]{0,40}".prop_map(|s| s.into_bytes()),
                    ("[a-zé中\\\\\"n ]{0,30}").prop_map(|s| format!("{{\"text\": \"{s}\"}}").into_bytes()),
                ],
                0..20,
            )
        ) {
            let data: Vec<u8> = lines.join(&b'\n');
            let n_lines = data.split(|&b| b == b'\n').count() as u64;
            for format in [Format::Jsonl, Format::Lines] {
                let src = Source::from_bytes("fuzz", format, data.clone());
                let opts = ReadOptions { on_error: OnError::Skip, ..ReadOptions::default() };
                let (mut norm, mut scratch) = (String::new(), String::new());
                for c in chunks(std::slice::from_ref(&src), 7) {
                    let o = read_chunk(&src, c, &opts, |r| {
                        r.text.normalize_into(&mut norm, &mut scratch);
                    });
                    prop_assert!(o.errors.iter().all(|(l, _)| *l >= 1 && *l <= n_lines));
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(40))]
        /// The whole pass (signing, LSH, boilerplate, clustering, span report) on arbitrary JSONL
        /// never panics, and every document ends up read or counted as skipped.
        #[test]
        fn whole_pass_never_panics(
            texts in prop::collection::vec("[a-zA-Z0-9éß中ก \n.,'’\\\"]{0,200}", 0..12),
            junk in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..30), 0..4),
        ) {
            let mut data = Vec::new();
            for (i, t) in texts.iter().enumerate() {
                data.extend(serde_json::json!({"id": i, "text": format!("{t}\n{t}")}).to_string().into_bytes());
                data.push(b'\n');
            }
            for j in &junk {
                data.extend_from_slice(j);
                data.push(b'\n');
            }
            let src = Source::from_bytes("fuzz.jsonl", Format::Jsonl, data);
            let opts = ReadOptions { on_error: OnError::Skip, ..ReadOptions::default() };
            let config = crate::Config::builder().containment(0.8).build().unwrap();
            let dedup = crate::Dedup::new(config).read_options(opts).threads(1);
            let (corpus, clustering) = dedup.run_sources(vec![src]).unwrap();
            prop_assert!(corpus.len() >= texts.len());
            let spans = dedup.spans(&corpus, true).unwrap();
            for s in spans {
                let text = corpus.text(crate::DocId(s.doc), dedup.read_opts());
                prop_assert!(s.start <= s.end && s.end <= text.len());
                prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
            }
            prop_assert!(clustering.clusters.iter().all(|c| c.members.len() >= 2));
        }
    }
}

/// Chunks cut on the bytes themselves: one past the first newline at or after every `target`
/// bytes (what [`chunks`] finds through `pread`).
fn chunks_on_bytes(b: &[u8], target: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = if b.starts_with(BOM) { BOM.len() } else { 0 };
    while start < b.len() {
        let from = start + target;
        let end = if from >= b.len() {
            b.len()
        } else {
            memchr::memchr(b'\n', &b[from..]).map_or(b.len(), |p| from + p + 1)
        };
        out.push((start, end));
        start = end;
    }
    out
}

#[test]
fn a_mapped_file_is_cut_where_its_bytes_are() {
    // Lines shorter and longer than the page read at a time, a byte order mark, no newline at
    // the end.
    let mut text = BOM.to_vec();
    for i in 0..200usize {
        let len = [3, 50, 5000, 9000, 1][i % 5];
        text.extend(std::iter::repeat_n(b'a' + (i % 26) as u8, len));
        text.push(b'\n');
    }
    text.extend(b"last line, no newline");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lines.txt");
    std::fs::write(&path, &text).unwrap();
    let src = open_inputs_with(&[path], &ReadOptions::default(), Paging::OnDemand)
        .unwrap()
        .remove(0);
    assert!(matches!(src.data, Data::Map(..)));
    let mem = Source::from_bytes("lines", Format::Lines, text.clone());
    for target in [1, 7, 100, 4095, 4096, 4097, 20_000, 1 << 20] {
        let want = chunks_on_bytes(&text, target);
        for s in [&src, &mem] {
            let got: Vec<(usize, usize)> = chunks(std::slice::from_ref(s), target)
                .iter()
                .map(|c| (c.start, c.end))
                .collect();
            assert_eq!(got, want, "target {target}");
        }
    }
}
