//! Writes a JSONL corpus as Parquet, for the Parquet benchmark (`scripts/parquet_bench.sh`) and
//! for trying `neardup dedup` on Parquet without Python:
//! `cargo run --release --example jsonl_to_parquet -- IN.jsonl OUT.parquet [ROWS_PER_GROUP]`.
//! Columns: every top-level string field of the first record (in name order), as
//! nullable `Utf8`; snappy-compressed, as pyarrow writes by default.

use arrow_array::{ArrayRef, RecordBatch, StringArray};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use std::io::BufRead;
use std::sync::Arc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output, rest @ ..] = args.as_slice() else {
        return Err("usage: jsonl_to_parquet IN.jsonl OUT.parquet [ROWS_PER_GROUP]".into());
    };
    let group: usize = rest.first().map_or(Ok(10_000), |g| g.parse())?;
    let mut names: Vec<String> = Vec::new();
    let mut rows: Vec<serde_json::Map<String, serde_json::Value>> = Vec::new();
    let mut writer: Option<ArrowWriter<std::fs::File>> = None;
    let flush = |rows: &mut Vec<serde_json::Map<String, serde_json::Value>>,
                 names: &[String],
                 writer: &mut Option<ArrowWriter<std::fs::File>>|
     -> Result<(), Box<dyn std::error::Error>> {
        if rows.is_empty() {
            return Ok(());
        }
        let cols: Vec<(&str, ArrayRef)> = names
            .iter()
            .map(|n| {
                let col: StringArray = rows.iter().map(|r| r.get(n).and_then(|v| v.as_str())).collect();
                (n.as_str(), Arc::new(col) as ArrayRef)
            })
            .collect();
        let batch = RecordBatch::try_from_iter(cols)?;
        if writer.is_none() {
            let props = WriterProperties::builder()
                .set_compression(Compression::SNAPPY)
                .set_max_row_group_row_count(Some(group))
                .build();
            *writer = Some(ArrowWriter::try_new(
                std::fs::File::create(output)?,
                batch.schema(),
                Some(props),
            )?);
        }
        writer.as_mut().ok_or("no writer")?.write(&batch)?;
        rows.clear();
        Ok(())
    };
    for line in std::io::BufReader::new(std::fs::File::open(input)?).lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let serde_json::Value::Object(record) = serde_json::from_str(&line)? else {
            return Err(format!("{input}: a line that is not a JSON object").into());
        };
        if names.is_empty() {
            names = record
                .iter()
                .filter(|(_, v)| v.is_string())
                .map(|(k, _)| k.clone())
                .collect();
        }
        rows.push(record);
        if rows.len() == group {
            flush(&mut rows, &names, &mut writer)?;
        }
    }
    flush(&mut rows, &names, &mut writer)?;
    match writer {
        Some(w) => {
            w.close()?;
        }
        None => return Err(format!("{input}: no records").into()),
    }
    Ok(())
}
