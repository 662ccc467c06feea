//! The `dedup` command's outputs: the kept (or annotated) records, the cluster report, the
//! span report and the summary, each written to a temporary name and renamed into place once all
//! are complete, or one of them to stdout.
//!
//! In: the flags, the corpus and its clustering. Out: the files, the summary and `--timings` on
//! stderr.

use crate::cli::DedupArgs;
use crate::{is_dash, is_stdout, print_timings};
use anyhow::Context;
use neardup::output::{self, AtomicFile, ParquetRows, Summary};
use neardup::{Dedup, ReadOptions};
use std::io::{self, Write};
use std::time::Instant;

/// The outputs of a run on their way: files written to temporary names (renamed into place
/// only once all are complete), and the result of the one output on stdout, if any.
struct Staged {
    files: Vec<AtomicFile>,
    stdout: io::Result<()>,
}

/// Writes every output `a` asks for (kept records, cluster report, spans, summary), then the
/// summary and timings on stderr.
///
/// Every file is written to a temporary name first and renamed once all are complete (the
/// summary's too, staged first so that a summary that cannot be written fails the run before
/// any other output is renamed into place). At most one output goes to stdout; if it fails, no
/// file is renamed, except on a closed pipe (`| head`), which is no failure.
pub(crate) fn write_outputs(
    a: &DedupArgs,
    dedup: &Dedup,
    corpus: &neardup::Corpus,
    clustering: &mut neardup::Clustering,
    parquet_out: bool,
    start: Instant,
) -> anyhow::Result<()> {
    let mut staged = Staged {
        files: Vec::new(),
        stdout: Ok(()),
    };
    let mut summary_file = match &a.summary {
        Some(p) if p.as_os_str() != "-" => Some(AtomicFile::create(p)?),
        _ => None,
    };
    if let Some(path) = a.clusters.as_ref().filter(|p| p.as_os_str() != "-") {
        let mut f = AtomicFile::create(path)?;
        output::write_clusters(&mut f, corpus, clustering).with_context(|| format!("writing {}", path.display()))?;
        staged.files.push(f);
    }
    // Spans are found before the records are written, since --strip-substrings needs them.
    let spans = if a.spans.is_some() || a.strip_substrings {
        let t = Instant::now();
        let spans = dedup.spans(corpus, a.substrings || a.strip_substrings)?;
        let name = if a.substrings || a.strip_substrings {
            "spans (repeats, boilerplate, substrings)"
        } else {
            "spans (repeats, boilerplate)"
        };
        clustering.stages.push(neardup::Stage::since(name, t));
        spans
    } else {
        Vec::new()
    };
    let write_start = Instant::now();
    write_records(
        a,
        dedup.read_opts(),
        corpus,
        clustering,
        &spans,
        parquet_out,
        &mut staged,
    )?;
    if is_dash(&a.clusters) {
        staged.stdout = output::write_clusters(&mut io::stdout().lock(), corpus, clustering);
    }
    clustering
        .stages
        .push(neardup::Stage::since("write outputs", write_start));
    if let Some(path) = &a.spans {
        let id_of = |d: u32| corpus.id(neardup::DocId(d)).into_owned();
        if path.as_os_str() == "-" {
            let mut w = io::stdout().lock();
            staged.stdout = spans
                .iter()
                .try_for_each(|s| neardup::spans::write_span(&mut w, s, &id_of))
                .and_then(|()| w.flush());
        } else {
            let mut f = AtomicFile::create(path)?;
            for s in &spans {
                neardup::spans::write_span(&mut f, s, &id_of).with_context(|| format!("writing {}", path.display()))?;
            }
            staged.files.push(f);
        }
    }
    let threads = if a.threads == 0 {
        rayon::current_num_threads()
    } else {
        a.threads
    };
    let summary = Summary::new(corpus, clustering, start.elapsed().as_secs_f64(), threads);
    if is_dash(&a.summary) {
        let mut w = io::stdout().lock();
        staged.stdout = w.write_all(summary.to_json().as_bytes()).and_then(|()| w.flush());
    }
    if let (Some(f), Some(path)) = (summary_file.as_mut(), &a.summary) {
        f.write_all(summary.to_json().as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
    }
    match staged.stdout {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => return Err(e).context("writing stdout"),
        result => {
            for f in staged.files.into_iter().chain(summary_file) {
                f.commit()?;
            }
            result.context("writing stdout")?;
        }
    }
    if !a.quiet {
        diag_text!("{}", summary.to_text());
    }
    if a.timings {
        print_timings(&clustering.stages);
    }
    Ok(())
}

/// Writes the records `-o` asks for: the kept ones (with `--strip-repeats` or
/// `--strip-substrings`, rewritten), or every one annotated with `--annotate`; Parquet for
/// Parquet inputs. With `--strip-substrings`, a shared span is cut from every document but the
/// first that holds it (its earliest occurrence stays).
/// `read` is the run's reading options (the fields a rewritten record's text is in).
fn write_records(
    a: &DedupArgs,
    read: &ReadOptions,
    corpus: &neardup::Corpus,
    clustering: &neardup::Clustering,
    spans: &[neardup::spans::Span],
    parquet_out: bool,
    staged: &mut Staged,
) -> anyhow::Result<()> {
    let stripping = neardup::spans::Stripping::new(a.strip_repeats, if a.strip_substrings { spans } else { &[] });
    let strip = |d: neardup::DocId, text: &str| stripping.apply(d.0, text);
    let keep = clustering.keep_mask(corpus.len());
    if parquet_out {
        // Parquet inputs give a Parquet output: their kept rows, every column, their schema.
        let cluster_of = clustering.cluster_of(corpus.len());
        let rows = if a.annotate {
            ParquetRows::Annotated {
                cluster_of: &cluster_of,
            }
        } else {
            ParquetRows::Kept {
                keep: &keep,
                rewrite: (a.strip_repeats || a.strip_substrings).then_some(&strip as &dyn Fn(_, &str) -> _),
                text_field: &read.text_field,
            }
        };
        if is_stdout(&a.output) {
            let w = io::BufWriter::with_capacity(output::BUF_BYTES, io::stdout());
            staged.stdout = match output::write_parquet(w, corpus, &rows) {
                Ok(mut w) => w.flush(),
                Err(neardup::Error::Io { source, .. }) => Err(source),
                Err(e) => Err(io::Error::other(e)),
            };
        } else if let Some(path) = &a.output {
            let f = AtomicFile::create(path)?;
            let f = output::write_parquet(f, corpus, &rows).with_context(|| format!("writing {}", path.display()))?;
            staged.files.push(f);
        }
        return Ok(());
    }
    let write = |w: &mut dyn Write| -> io::Result<()> {
        let mut w = io::BufWriter::with_capacity(output::BUF_BYTES, w);
        if a.annotate {
            output::write_annotated(&mut w, corpus, clustering, read)?;
        } else if a.strip_repeats || a.strip_substrings {
            output::write_kept_rewritten(&mut w, corpus, &keep, read, &strip)?;
        } else {
            output::write_kept(&mut w, corpus, &keep)?;
        }
        w.flush()
    };
    if is_stdout(&a.output) {
        staged.stdout = write(&mut io::stdout().lock());
    } else if let Some(path) = &a.output {
        let mut f = AtomicFile::create(path)?;
        write(&mut f).with_context(|| format!("writing {}", path.display()))?;
        staged.files.push(f);
    }
    Ok(())
}
