//! Writers for kept documents, annotated records, the cluster report and the run summary.
//!
//! In: a [`Corpus`] and its [`Clustering`]. Out: bytes on a writer. Formats are stable:
//! - kept records: each surviving input record, bytes unchanged, one per line, in input order
//!   (a file of a folder input, which has no record of its own, is written as the JSONL object
//!   `{"id": PATH, "text": CONTENT}`);
//! - annotated records: every record, with a `"dup_cluster": N` field (`null` outside clusters)
//!   added before the closing brace of a JSONL object (a record that has the field already gets
//!   its value replaced where it stands); lines and files become
//!   `{"id", "text", "dup_cluster"}` objects;
//! - cluster report: JSONL, one line per cluster of two or more, `{"cluster", "representative",
//!   "members", "similarity", "locations"}`, where `locations[i]` is `FILE:LINE` of `members[i]`
//!   (it tells apart two records that carry the same id); with the cross-lingual stage also
//!   `"langs"`, `"member_langs"` and `"translation_score"` (see [`crate::Cluster`]). With an
//!   index checked against (`--against`), then one line per indexed document that documents
//!   matched: `{"cluster", "representative", "indexed": true, "members", "similarity",
//!   "locations"}`, the representative being the indexed document's id and the members the
//!   corpus's documents removed for it (all of them: the indexed document is not in the corpus);
//!   the summary then also counts them (`indexed_duplicates`).
//!
//! Parquet inputs give Parquet kept records (or annotated rows), with the inputs' schema: see
//! [`write_parquet`].
//!
//! Files are written through [`AtomicFile`]: to a temporary file in the destination folder,
//! renamed over the destination only once complete, so a failed run never leaves a partial file.

mod parquet;

pub use parquet::{ParquetRows, Rewrite, write_parquet, write_signatures};

pub use crate::atomic::{AtomicFile, BUF_BYTES};
use crate::error::{Error, Result};
use crate::pipeline::{Clustering, Corpus, DocId};
use crate::reader::{Format, ReadOptions, json};
use bitvec::slice::BitSlice;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Fails if `out` is the same file as one of the corpus inputs.
pub fn check_not_input(out: &Path, corpus_inputs: &[&Path]) -> Result<()> {
    let Ok(o) = out.canonicalize() else {
        return Ok(()); // does not exist yet
    };
    for p in corpus_inputs {
        if p.canonicalize().is_ok_and(|c| c == o) {
            return Err(Error::OutputIsInput(out.to_path_buf()));
        }
    }
    Ok(())
}

/// Where an output path leads.
#[derive(PartialEq)]
enum Place {
    /// An existing file: its device and inode (the same through any link or spelling).
    File(u64, u64),
    /// A path not yet there (or, off Unix, any path): its canonical folder and its name.
    Path(PathBuf),
}

/// Where `p` leads; `None` for a character device (`/dev/null`, a terminal), which outputs may
/// share.
fn place(p: &Path) -> Option<Place> {
    match std::fs::metadata(p) {
        #[cfg(unix)]
        Ok(m) => {
            use std::os::unix::fs::{FileTypeExt, MetadataExt};
            (!m.file_type().is_char_device()).then(|| Place::File(m.dev(), m.ino()))
        }
        #[cfg(not(unix))]
        Ok(_) => Some(Place::Path(p.canonicalize().unwrap_or_else(|_| p.to_path_buf()))),
        Err(_) => {
            let parent = match p.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            let dir = parent.canonicalize().unwrap_or_else(|_| parent.to_path_buf());
            Some(Place::Path(dir.join(p.file_name().unwrap_or_default())))
        }
    }
}

/// Fails if two of `outputs` (`-`, stdout, left out) lead to one file: through the same name,
/// another spelling of it, a hard link or a symbolic link. Character devices may be shared.
pub fn check_distinct_outputs(outputs: &[&Path]) -> Result<()> {
    let named: Vec<(&Path, Place)> = outputs
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .filter_map(|&p| Some((p, place(p)?)))
        .collect();
    for (i, (a, pa)) in named.iter().enumerate() {
        if let Some((b, _)) = named[i + 1..].iter().find(|(_, pb)| pb == pa) {
            return Err(Error::OutputsCollide(a.to_path_buf(), b.to_path_buf()));
        }
    }
    Ok(())
}

fn json_str(s: &str) -> String {
    // Serializing a &str cannot fail.
    serde_json::to_string(s).unwrap_or_default()
}

fn text_object(w: &mut impl Write, corpus: &Corpus, d: DocId, cluster: Option<Option<u32>>) -> io::Result<()> {
    let text = String::from_utf8_lossy(corpus.record(d));
    let text = match corpus.source_of(d).format() {
        Format::Lines => text.strip_suffix('\r').map(str::to_string).unwrap_or(text.into_owned()),
        _ => text.into_owned(),
    };
    write!(w, "{{\"id\":{},\"text\":{}", json_str(&corpus.id(d)), json_str(&text))?;
    match cluster {
        Some(Some(c)) => write!(w, ",\"dup_cluster\":{c}")?,
        Some(None) => write!(w, ",\"dup_cluster\":null")?,
        None => {}
    }
    w.write_all(b"}\n")
}

/// Writes the records whose bit is set in `keep`, in input order.
pub fn write_kept(w: &mut impl Write, corpus: &Corpus, keep: &BitSlice) -> io::Result<()> {
    // Consecutive kept records that follow each other in their source, one newline apart, are
    // written as one slice of the source: the same bytes, in one write instead of two per record.
    let mut run: Option<(u32, u64, u64)> = None; // (source, start, end) of the pending run
    let flush = |w: &mut dyn Write, run: Option<(u32, u64, u64)>| -> io::Result<()> {
        if let Some((src, start, end)) = run {
            let source = &corpus.sources[src as usize];
            // Under a memory limit a long run goes out in pieces whose input pages are given
            // back once written.
            let piece = if corpus.is_limited() { 1 << 24 } else { usize::MAX };
            let mut at = start as usize;
            while at < end as usize {
                let to = (end as usize).min(at.saturating_add(piece));
                w.write_all(&source.bytes()[at..to])?;
                if corpus.is_limited() {
                    source.release(at, to);
                }
                at = to;
            }
            w.write_all(b"\n")?;
        }
        Ok(())
    };
    let mut sweep = corpus.sweep();
    for i in keep.iter_ones() {
        sweep.at(i);
        let d = DocId(i as u32);
        if corpus.source_of(d).format() == Format::Folder {
            flush(w, run.take())?;
            text_object(w, corpus, d, None)?;
            continue;
        }
        let m = &corpus.docs[i];
        match run {
            Some((src, start, end)) if src == m.source && m.start == end + 1 => run = Some((src, start, m.end())),
            _ => {
                flush(w, run.take())?;
                run = Some((m.source, m.start, m.end()));
            }
        }
    }
    flush(w, run)
}

/// Writes the records whose bit is set in `keep`, in input order, with each text passed through
/// `rewrite`: where it returns a new text, the record is written with that text in place of
/// the old one and every other byte unchanged (for JSONL, the text field's value is replaced);
/// where it returns `None`, the record is written as it is.
pub fn write_kept_rewritten(
    w: &mut impl Write,
    corpus: &Corpus,
    keep: &BitSlice,
    read: &ReadOptions,
    rewrite: &dyn Fn(DocId, &str) -> Option<String>,
) -> io::Result<()> {
    let mut sweep = corpus.sweep();
    for i in keep.iter_ones() {
        sweep.at(i);
        let d = DocId(i as u32);
        let text = corpus.text(d, read);
        let Some(new) = rewrite(d, &text) else {
            if corpus.source_of(d).format() == Format::Folder {
                text_object(w, corpus, d, None)?;
            } else {
                w.write_all(corpus.record(d))?;
                w.write_all(b"\n")?;
            }
            continue;
        };
        match corpus.source_of(d).format() {
            Format::Jsonl => {
                let rec = corpus.record(d);
                let spans = json::scan_record(rec, &read.text_field, &read.id_field)
                    .map_err(|e| io::Error::other(e.to_string()))?;
                // The value's quotes are just outside the span.
                w.write_all(&rec[..spans.text.start - 1])?;
                w.write_all(json_str(&new).as_bytes())?;
                w.write_all(&rec[spans.text.end + 1..])?;
            }
            Format::Lines => w.write_all(new.replace('\n', " ").as_bytes())?,
            Format::Folder => {
                write!(w, "{{\"id\":{},\"text\":{}}}", json_str(&corpus.id(d)), json_str(&new))?;
            }
        }
        w.write_all(b"\n")?;
    }
    Ok(())
}

/// The field `--annotate` writes.
const DUP_CLUSTER: &str = "dup_cluster";

/// Writes every record with a `dup_cluster` field (replacing the value of one it has already).
pub fn write_annotated(
    w: &mut impl Write,
    corpus: &Corpus,
    clustering: &Clustering,
    read: &ReadOptions,
) -> io::Result<()> {
    let cluster_of = clustering.cluster_of(corpus.len());
    let mut sweep = corpus.sweep();
    for (i, c) in cluster_of.iter().enumerate() {
        sweep.at(i);
        let d = DocId(i as u32);
        if corpus.source_of(d).format() != Format::Jsonl {
            text_object(w, corpus, d, Some(*c))?;
            continue;
        }
        let rec = corpus.record(d);
        let mark = match c {
            Some(c) => c.to_string(),
            None => "null".to_string(),
        };
        let bad = |e: crate::error::RecordErrorKind| io::Error::other(e.to_string());
        // A record that has a `dup_cluster` field already gets its value replaced, so that the
        // key is not written twice.
        let own = json::member_values(rec, DUP_CLUSTER).map_err(bad)?;
        if !own.is_empty() {
            let mut at = 0;
            for (start, end) in own {
                w.write_all(&rec[at..start])?;
                w.write_all(mark.as_bytes())?;
                at = end;
            }
            w.write_all(&rec[at..])?;
            w.write_all(b"\n")?;
            continue;
        }
        // The record was parsed once already, so it scans again.
        let spans = json::scan_record(rec, &read.text_field, &read.id_field).map_err(bad)?;
        w.write_all(&rec[..spans.close])?;
        if spans.nonempty {
            w.write_all(b",")?;
        }
        write!(w, "\"{DUP_CLUSTER}\":{mark}")?;
        w.write_all(&rec[spans.close..])?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

/// Writes the cluster report (see the module docs for the format).
pub fn write_clusters(w: &mut impl Write, corpus: &Corpus, clustering: &Clustering) -> io::Result<()> {
    // Members' ids are read from anywhere in the inputs: under a memory limit the input pages
    // are given back every so many members.
    let mut read = 0usize;
    for (ci, c) in clustering.clusters.iter().enumerate() {
        read += c.members.len();
        if read >= crate::pipeline::RELEASE_EVERY {
            corpus.release_inputs();
            read = 0;
        }
        let ids: Vec<String> = c.members.iter().map(|&m| json_str(&corpus.id(m))).collect();
        let locs: Vec<String> = c.members.iter().map(|&m| json_str(&corpus.location(m))).collect();
        let sims: Vec<String> = c.similarity.iter().map(|s| format!("{s:.4}")).collect();
        write!(
            w,
            "{{\"cluster\":{ci},\"representative\":{},\"members\":[{}],\"similarity\":[{}],\"locations\":[{}]",
            json_str(&corpus.id(c.representative)),
            ids.join(","),
            sims.join(","),
            locs.join(",")
        )?;
        if !c.langs.is_empty() {
            let list = |v: &[std::sync::Arc<str>]| v.iter().map(|l| json_str(l)).collect::<Vec<_>>().join(",");
            write!(
                w,
                ",\"langs\":[{}],\"member_langs\":[{}]",
                list(&c.langs),
                list(&c.member_langs)
            )?;
            let scores: Vec<String> = c
                .translation_score
                .iter()
                .map(|s| s.map_or("null".to_string(), |s| format!("{s:.4}")))
                .collect();
            write!(w, ",\"translation_score\":[{}]", scores.join(","))?;
        }
        writeln!(w, "}}")?;
    }
    // Then, with an index checked against, one line per indexed document matched: the
    // corpus's documents removed for it (the indexed document itself is not in the corpus).
    let first = clustering.clusters.len();
    for (i, c) in clustering.indexed.iter().flatten().enumerate() {
        let ids: Vec<String> = c.members.iter().map(|&m| json_str(&corpus.id(m))).collect();
        let locs: Vec<String> = c.members.iter().map(|&m| json_str(&corpus.location(m))).collect();
        let sims: Vec<String> = c.similarity.iter().map(|s| format!("{s:.4}")).collect();
        writeln!(
            w,
            "{{\"cluster\":{},\"representative\":{},\"indexed\":true,\"members\":[{}],\"similarity\":[{}],\"locations\":[{}]}}",
            first + i,
            json_str(&c.indexed),
            ids.join(","),
            sims.join(","),
            locs.join(",")
        )?;
    }
    corpus.release_inputs();
    Ok(())
}

/// The figures of one run, printed as `name: value` lines or as a JSON object.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// `(name, value)` in a fixed order.
    pub fields: Vec<(&'static str, String)>,
}

impl Summary {
    /// The summary of a finished run.
    pub fn new(corpus: &Corpus, clustering: &Clustering, seconds: f64, threads: usize) -> Self {
        let mb = corpus.input_bytes as f64 / 1e6;
        let fields = vec![
            ("documents", corpus.len().to_string()),
            ("skipped", corpus.skipped.to_string()),
            ("clusters", clustering.clusters.len().to_string()),
            ("duplicates", clustering.duplicates().to_string()),
            ("kept", (corpus.len() - clustering.duplicates()).to_string()),
            ("duplicate_ids", corpus.duplicate_ids.len().to_string()),
            ("boilerplate_lines", corpus.boilerplate.len().to_string()),
            ("boilerplate_docs", corpus.boilerplate_docs.to_string()),
            ("candidate_pairs", clustering.candidate_pairs.to_string()),
            ("verified_pairs", clustering.verified_pairs.to_string()),
            ("cross_candidate_pairs", clustering.cross.candidate_pairs.to_string()),
            ("cross_links", clustering.cross.edges.to_string()),
            ("input_MB", format!("{mb:.2}")),
            ("seconds", format!("{seconds:.3}")),
            ("MB/s", format!("{:.1}", if seconds > 0.0 { mb / seconds } else { 0.0 })),
            ("threads", threads.to_string()),
            ("spilled_bytes", corpus.spilled_bytes().to_string()),
        ];
        let mut fields = fields;
        if clustering.indexed.is_some() {
            fields.push(("indexed_duplicates", clustering.indexed_duplicates().to_string()));
        }
        Summary { fields }
    }

    /// `name: value` lines.
    pub fn to_text(&self) -> String {
        self.fields.iter().map(|(k, v)| format!("{k}: {v}\n")).collect()
    }

    /// One JSON object (numbers as numbers).
    pub fn to_json(&self) -> String {
        let body: Vec<String> = self
            .fields
            .iter()
            .map(|(k, v)| format!("{}:{}", json_str(k), v))
            .collect();
        format!("{{{}}}\n", body.join(","))
    }
}
