//! Parquet in and out: the real binary on NTREX dev and the seeds written as Parquet gives the
//! results of the JSONL run, and writes the kept rows with the input's schema.

mod common;

use arrow_array::{Array, ArrayRef, Int64Array, LargeStringArray, RecordBatch, RecordBatchReader, StringArray};
use common::{data, jsonl, run, stderr};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::file::properties::WriterProperties;
use std::path::Path;
use std::sync::Arc;

/// The records of a JSONL file as a Parquet file: string columns `id`, `lang` (if the records
/// have one) and `text` (`LargeUtf8` when `large`), plus `row` (Int64, the record's index), in
/// row groups of `group` rows.
fn to_parquet(records: &[serde_json::Value], out: &Path, group: usize, large: bool) {
    let strings = |key: &str| -> Vec<Option<String>> {
        records
            .iter()
            .map(|r| r.get(key).and_then(|v| v.as_str()).map(String::from))
            .collect()
    };
    let mut cols: Vec<(&str, ArrayRef)> = vec![("id", Arc::new(StringArray::from(strings("id"))))];
    if records.iter().any(|r| r.get("lang").is_some()) {
        cols.push(("lang", Arc::new(StringArray::from(strings("lang")))));
    }
    let text: ArrayRef = if large {
        Arc::new(LargeStringArray::from(strings("text")))
    } else {
        Arc::new(StringArray::from(strings("text")))
    };
    cols.push(("text", text));
    cols.push(("row", Arc::new(Int64Array::from_iter_values(0..records.len() as i64))));
    let batch = RecordBatch::try_from_iter(cols).unwrap();
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(group))
        .build();
    let mut w = ArrowWriter::try_new(std::fs::File::create(out).unwrap(), batch.schema(), Some(props)).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

/// Every row of a Parquet file, as one batch.
fn read_parquet(path: &Path) -> RecordBatch {
    let reader = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(path).unwrap())
        .unwrap()
        .build()
        .unwrap();
    let schema = reader.schema();
    let batches: Vec<RecordBatch> = reader.map(Result::unwrap).collect();
    arrow_select::concat::concat_batches(&schema, &batches).unwrap()
}

fn column_strings(b: &RecordBatch, name: &str) -> Vec<String> {
    let c = b.column_by_name(name).unwrap();
    if let Some(s) = c.as_any().downcast_ref::<StringArray>() {
        return s.iter().map(|v| v.unwrap().to_string()).collect();
    }
    let s = c.as_any().downcast_ref::<LargeStringArray>().unwrap();
    s.iter().map(|v| v.unwrap().to_string()).collect()
}

/// A cluster report with the input's name replaced by `INPUT` in its locations.
fn report(path: &Path, input: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .replace(input.to_str().unwrap(), "INPUT")
}

#[test]
fn ntrex_as_parquet_gives_the_jsonl_results_and_keeps_every_column() {
    let dir = tempfile::tempdir().unwrap();
    let src = data("ntrex-dev/docs.jsonl");
    let records = jsonl(&std::fs::read(&src).unwrap());
    let pq = dir.path().join("ntrex.parquet");
    to_parquet(&records, &pq, 1000, false);
    for extra in [&[][..], &["--cross-lingual", "--lang-field", "lang"][..]] {
        let (kept_pq, kept_js) = (dir.path().join("kept.parquet"), dir.path().join("kept.jsonl"));
        let (cl_pq, cl_js) = (dir.path().join("pq.clusters"), dir.path().join("js.clusters"));
        for (input, kept, cl) in [(&pq, &kept_pq, &cl_pq), (&src, &kept_js, &cl_js)] {
            let mut args = vec!["dedup", input.to_str().unwrap(), "-o", kept.to_str().unwrap()];
            args.extend(["--clusters", cl.to_str().unwrap(), "-q"]);
            args.extend_from_slice(extra);
            let o = run(&args);
            assert!(o.status.success(), "{}", stderr(&o));
        }
        assert_eq!(report(&cl_pq, &pq), report(&cl_js, &src), "{extra:?}");
        let kept = read_parquet(&kept_pq);
        let expected = jsonl(&std::fs::read(&kept_js).unwrap());
        assert!(expected.len() < records.len(), "some documents are removed");
        assert_eq!(kept.schema(), read_parquet(&pq).schema(), "the input's schema");
        assert_eq!(kept.num_rows(), expected.len());
        let ids: Vec<String> = expected.iter().map(|r| r["id"].as_str().unwrap().to_string()).collect();
        assert_eq!(column_strings(&kept, "id"), ids);
        let texts: Vec<String> = expected
            .iter()
            .map(|r| r["text"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(column_strings(&kept, "text"), texts);
        // The column neardup never read comes through: each kept row's own index.
        let rows = kept
            .column_by_name("row")
            .unwrap()
            .as_any()
            .downcast_ref::<Int64Array>()
            .unwrap();
        for (r, id) in rows.values().iter().zip(&ids) {
            assert_eq!(records[*r as usize]["id"].as_str().unwrap(), id);
        }
    }
}

#[test]
fn a_folder_of_shards_reads_like_one_file_and_annotates() {
    let dir = tempfile::tempdir().unwrap();
    let records = jsonl(&std::fs::read(data("seeds.jsonl")).unwrap());
    let shards = dir.path().join("shards");
    std::fs::create_dir(&shards).unwrap();
    // Shards in name order hold the records in order; the second with LargeUtf8 text.
    let half = records.len() / 2;
    to_parquet(&records[..half], &shards.join("part-0.parquet"), 2, false);
    let whole = dir.path().join("whole.parquet");
    to_parquet(&records, &whole, 2, true);
    let cl = |name: &str| dir.path().join(name);
    // Columns must agree across shards: LargeUtf8 beside Utf8 is refused, naming the file.
    to_parquet(&records[half..], &shards.join("part-1.parquet"), 2, true);
    let o = run(&[
        "dedup",
        shards.to_str().unwrap(),
        "-o",
        cl("k.parquet").to_str().unwrap(),
        "-q",
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("part-1.parquet") && stderr(&o).contains("columns differ"),
        "{}",
        stderr(&o)
    );
    to_parquet(&records[half..], &shards.join("part-1.parquet"), 2, false);
    let report_of = |input: &Path, out: &Path| {
        common::dedup_to(input, out, &[]);
        let v = jsonl(&std::fs::read(out).unwrap());
        v.iter().map(|c| c["members"].clone()).collect::<Vec<_>>()
    };
    let from_folder = report_of(&shards, &cl("f.clusters"));
    assert!(!from_folder.is_empty(), "the seeds hold a copy");
    assert_eq!(from_folder, report_of(&whole, &cl("w.clusters")));
    // --annotate: every row, with dup_cluster (null outside clusters).
    let ann = cl("ann.parquet");
    let o = run(&[
        "dedup",
        shards.to_str().unwrap(),
        "--annotate",
        "-o",
        ann.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let b = read_parquet(&ann);
    assert_eq!(b.num_rows(), records.len());
    let marks = b.column_by_name("dup_cluster").unwrap();
    let members: usize = from_folder.iter().map(|m| m.as_array().unwrap().len()).sum();
    assert_eq!(marks.len() - marks.null_count(), members);
}

#[test]
fn bad_parquet_input_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    // A null text is a bad record named by its row; skipped with --on-error skip.
    let rows = vec![
        serde_json::json!({"id": "a", "text": "one two three four five six seven"}),
        serde_json::json!({"id": "b"}),
        serde_json::json!({"id": "c", "text": "one two three four five six seven"}),
    ];
    to_parquet(&rows, &p("null.parquet"), 10, false);
    let o = run(&[
        "dedup",
        p("null.parquet").to_str().unwrap(),
        "-o",
        p("k.parquet").to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("null.parquet:2:"), "{}", stderr(&o));
    assert!(!p("k.parquet").exists(), "no output from a failed run");
    let o = run(&[
        "dedup",
        p("null.parquet").to_str().unwrap(),
        "-o",
        p("k.parquet").to_str().unwrap(),
        "--on-error",
        "skip",
        "--summary",
        "-",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(summary["skipped"], 1);
    assert_eq!(column_strings(&read_parquet(&p("k.parquet")), "id"), vec!["a"]);
    // No text column: the error lists the columns.
    let o = run(&[
        "dedup",
        p("null.parquet").to_str().unwrap(),
        "--text-field",
        "body",
        "-o",
        "/dev/null",
    ]);
    assert!(
        stderr(&o).contains("no column \"body\" (columns: id, text, row)"),
        "{}",
        stderr(&o)
    );
    // Not Parquet inside: an error naming the file, no panic.
    std::fs::write(p("junk.parquet"), b"PAR1 not really PAR1").unwrap();
    let o = run(&["dedup", p("junk.parquet").to_str().unwrap(), "-o", "/dev/null"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("junk.parquet"), "{}", stderr(&o));
    std::fs::write(p("empty.parquet"), b"").unwrap();
    let o = run(&["dedup", p("empty.parquet").to_str().unwrap(), "-o", "/dev/null"]);
    assert!(
        stderr(&o).contains("empty.parquet: not a Parquet file (0 bytes)"),
        "{}",
        stderr(&o)
    );
    // One output has one format.
    let seeds = data("seeds.jsonl");
    let o = run(&["dedup", seeds.to_str().unwrap(), "-o", p("x.parquet").to_str().unwrap()]);
    assert!(stderr(&o).contains("no input is Parquet"), "{}", stderr(&o));
    let o = run(&[
        "dedup",
        seeds.to_str().unwrap(),
        p("null.parquet").to_str().unwrap(),
        "-o",
        "/dev/null",
    ]);
    assert!(
        stderr(&o).contains("not Parquet while other inputs are"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_output_is_the_same_for_any_thread_count() {
    // NTREX dev in 41 row groups of 100 rows, read a window of row groups at a time.
    let dir = tempfile::tempdir().unwrap();
    let records = jsonl(&std::fs::read(data("ntrex-dev/docs.jsonl")).unwrap());
    let pq = dir.path().join("ntrex.parquet");
    to_parquet(&records, &pq, 100, false);
    let out = |threads: &str| {
        let kept = dir.path().join(format!("kept{threads}.parquet"));
        let o = run(&[
            "dedup",
            pq.to_str().unwrap(),
            "-o",
            kept.to_str().unwrap(),
            "-q",
            "--threads",
            threads,
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        std::fs::read(kept).unwrap()
    };
    let one = out("1");
    assert_eq!(one, out("2"));
    assert_eq!(one, out("3"));
}

#[test]
fn parquet_on_stdin_is_recognized_by_its_magic() {
    let dir = tempfile::tempdir().unwrap();
    let records = jsonl(&std::fs::read(data("seeds.jsonl")).unwrap());
    let pq = dir.path().join("seeds.parquet");
    to_parquet(&records, &pq, 3, false);
    let out = dir.path().join("kept.parquet");
    let o = common::bin()
        .args(["dedup", "-", "-o", out.to_str().unwrap(), "-q"])
        .stdin(std::fs::File::open(&pq).unwrap())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        read_parquet(&out).num_rows(),
        records.len() - 1,
        "the seeds' one copy removed"
    );
}

#[test]
fn sign_writes_the_signing_stage_as_a_table() {
    use arrow_array::{FixedSizeListArray, UInt32Array};
    let dir = tempfile::tempdir().unwrap();
    let seeds = data("seeds.jsonl");
    let (table, raw) = (dir.path().join("sigs.parquet"), dir.path().join("sigs.bin"));
    for out in [&table, &raw] {
        let o = run(&["sign", seeds.to_str().unwrap(), "-o", out.to_str().unwrap(), "-q"]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let file = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&table).unwrap()).unwrap();
    let meta: Vec<(String, String)> = file
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .unwrap()
        .iter()
        .filter(|kv| kv.key.starts_with("neardup."))
        .map(|kv| (kv.key.clone(), kv.value.clone().unwrap_or_default()))
        .collect();
    assert!(meta.contains(&("neardup.num_perm".into(), "128".into())), "{meta:?}");
    let b = read_parquet(&table);
    let names: Vec<String> = b.schema().fields().iter().map(|f| f.name().clone()).collect();
    assert_eq!(
        names,
        ["doc", "id", "location", "shingles", "exact", "signature", "band_keys"]
    );
    let ids = column_strings(&b, "id");
    assert_eq!(ids, ["000", "001", "002", "003", "004", "000-first-body"]);
    // The signature column holds the raw output's slots, document after document.
    let sigs = b
        .column_by_name("signature")
        .unwrap()
        .as_any()
        .downcast_ref::<FixedSizeListArray>()
        .unwrap();
    let slots = sigs.values().as_any().downcast_ref::<UInt32Array>().unwrap();
    let bytes: Vec<u8> = slots.values().iter().flat_map(|s| s.to_le_bytes()).collect();
    assert_eq!(bytes, std::fs::read(&raw).unwrap());
    // The one near-duplicate pair of the seeds shares a band key; 000 and 002 share none.
    let keys = b
        .column_by_name("band_keys")
        .unwrap()
        .as_any()
        .downcast_ref::<FixedSizeListArray>()
        .unwrap();
    let keys_of = |i: usize| {
        let v = keys.value(i);
        v.as_any().downcast_ref::<Int64Array>().unwrap().values().to_vec()
    };
    let shared = |a: usize, b: usize| keys_of(a).iter().zip(keys_of(b)).any(|(x, y)| *x == y);
    assert!(shared(0, 5));
    assert!(!shared(0, 2));
}
