//! The `neardup` binary: parse flags, run the library, report errors with context.
//!
//! Exit codes: 0 success (also when stdout is closed early, e.g. by `head`), 1 a run-time error
//! (bad input, unreadable or unwritable file), 2 a usage error (bad flags).

mod cli;

use anyhow::Context;
use clap::Parser;
use cli::{Cli, Command, DedupArgs, EvalArgs, IndexAction, LexiconAction, LexiconArgs};
use indicatif::{ProgressBar, ProgressStyle};
use neardup::crosslingual::identify;
use neardup::crosslingual::lexicon::{self, Lexicon};
use neardup::output::{self, AtomicFile};
use neardup::{Dedup, Tick, eval};
use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

/// Prints a line to stderr; a stderr that cannot be written (closed, full) does not stop the
/// work, since the outputs are what matters.
/// Control characters in it (from a file name: ESC, a newline) are escaped, so that a line
/// stays one line and cannot drive the terminal.
macro_rules! diag {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), "{}", escape_controls(&format!($($t)*)));
    }};
}

/// `s` with each control character escaped as Rust writes it (`\n`, `\u{1b}`).
fn escape_controls(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// [`diag!`] without the line end.
macro_rules! diag_text {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($t)*);
    }};
}

mod outputs;

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Dedup(a) => dedup(&a),
        Command::Eval(a) => eval_cmd(&a),
        Command::Sign(a) => sign(&a.dedup),
        Command::Lexicon(a) => lexicon_cmd(&a),
        Command::Index(a) => match &a.action {
            IndexAction::Build(args) => index_cmd(args, None),
            IndexAction::Add { dir, args } => index_cmd(args, Some(dir)),
        },
    };
    if let Err(e) = result {
        if e.chain().any(|c| {
            c.downcast_ref::<io::Error>()
                .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
        }) {
            std::process::exit(0);
        }
        diag!("neardup: error: {}", error_text(&e));
        std::process::exit(1);
    }
}

/// The error and its causes, each once: a cause whose text its wrapper already printed (the
/// library's `FILE: os error` over the OS error itself) is not printed again.
fn error_text(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let s = cause.to_string();
        if text.contains(&s) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&s);
    }
    text
}

/// The lexicon --cross-lingual uses: the one named, else the default one if it exists.
fn lexicon_path(a: &DedupArgs) -> Option<std::path::PathBuf> {
    if a.no_lexicon {
        return None;
    }
    a.lexicon.clone().or_else(lexicon::installed)
}

/// The lexicon file named, else the default place.
fn lexicon_file(given: &Option<std::path::PathBuf>) -> anyhow::Result<std::path::PathBuf> {
    given
        .clone()
        .or_else(lexicon::default_path)
        .context("no lexicon path: name the file (neither NEARDUP_LEXICON nor HOME is set)")
}

fn lexicon_cmd(a: &LexiconArgs) -> anyhow::Result<()> {
    match &a.action {
        LexiconAction::Build { dir, output, cedict } => {
            let out = lexicon_file(output)?;
            let mut lex = lexicon::LexiconBuilder::from_dictd_dir(dir)?;
            if let Some(c) = cedict {
                lex.read_cedict(c)?;
            }
            anyhow::ensure!(
                !lex.is_empty(),
                "no FreeDict dictionary with English on one side in {} (install e.g. dict-freedict-fra-eng)",
                dir.display()
            );
            if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
            }
            let mut f = AtomicFile::create(&out)?;
            f.write_all(&lex.to_bytes())
                .with_context(|| format!("writing {}", out.display()))?;
            f.commit()?;
            for l in lex.languages() {
                diag!("{l}: {} words", lex.len_of(l));
            }
            diag!("lexicon written to {}", out.display());
        }
        LexiconAction::Show { file } => {
            let path = lexicon_file(file)?;
            let lex = Lexicon::load(&path)?;
            for l in lex.languages() {
                println!("{l}\t{}", lex.len_of(l));
            }
        }
    }
    Ok(())
}

fn is_stdout(p: &Option<std::path::PathBuf>) -> bool {
    p.as_ref().is_none_or(|p| p.as_os_str() == "-")
}

/// Whether an optional output is given as `-` (stdout).
fn is_dash(p: &Option<std::path::PathBuf>) -> bool {
    p.as_ref().is_some_and(|p| p.as_os_str() == "-")
}

/// Whether the kept records are written as Parquet: when the inputs are Parquet (all of them:
/// one output has one format). A `.parquet` output of other inputs, mixed inputs, and Parquet
/// bytes to a terminal are errors.
fn parquet_output(sources: &[neardup::reader::Source], out: Option<&Path>) -> anyhow::Result<bool> {
    let parquet = sources.iter().filter(|s| s.is_parquet()).count();
    let named = out.is_some_and(neardup::reader::is_parquet_name);
    if parquet == 0 {
        if named {
            anyhow::bail!(
                "-o names a Parquet file, but no input is Parquet: kept rows are written in the inputs' format"
            );
        }
        return Ok(false);
    }
    if parquet < sources.len() {
        let other = sources.iter().find(|s| !s.is_parquet()).map_or("-", |s| s.name());
        anyhow::bail!(
            "{other} is not Parquet while other inputs are: kept records are written in one format, give inputs of one kind"
        );
    }
    if out.is_none_or(|p| p.as_os_str() == "-") && io::stdout().is_terminal() {
        anyhow::bail!("the kept rows of Parquet inputs are Parquet: give -o FILE.parquet, or pipe stdout");
    }
    Ok(true)
}

fn dedup(a: &DedupArgs) -> anyhow::Result<()> {
    let start = Instant::now();
    let config = a.config()?;
    if a.print_curve {
        let minhash = config
            .minhash()
            .context("--print-curve shows MinHash's LSH curve: --method simhash has none")?;
        diag_text!("{}", minhash.s_curve());
    }
    let (dedup, sources) = open_run(a, config)?;
    let parquet_out = parquet_output(&sources, a.output.as_deref())?;
    let bar = reading_bar(a, &sources);
    let dedup = with_bar(with_language_model(a, with_lexicon(a, dedup)?)?, &bar);
    let (corpus, mut clustering) = dedup.run_sources(sources)?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    if !a.quiet {
        warn_about(&corpus);
    }
    outputs::write_outputs(a, &dedup, &corpus, &mut clustering, parquet_out, start)
}

/// The run `a` asks for, and its inputs opened: the index to check against, the memory limit,
/// and the outputs checked (none is an input, no two are one file, at most one is stdout).
fn open_run(a: &DedupArgs, config: neardup::Config) -> anyhow::Result<(Dedup, Vec<neardup::Source>)> {
    let against = match &a.against {
        Some(dir) => {
            anyhow::ensure!(
                !a.annotate,
                "--annotate and --against cannot be used together: the kept records say what was removed"
            );
            Some(Arc::new(neardup::reference::ReferenceIndex::open(dir, &config)?))
        }
        None => None,
    };
    let mut dedup = Dedup::new(config).read_options(a.read_options()).threads(a.threads);
    if let Some(bytes) = a.memory_limit {
        dedup = dedup.memory_limit(bytes, a.work_dir.clone());
    }
    if let Some(index) = against {
        dedup = dedup.against(index).against_substrings(a.substrings);
    }
    let sources = dedup.open(&a.inputs)?;
    let input_paths: Vec<&Path> = sources.iter().filter_map(|s| s.path()).collect();
    let outputs: Vec<&Path> = [&a.output, &a.clusters, &a.summary, &a.spans]
        .into_iter()
        .flatten()
        .map(|p| p.as_path())
        .collect();
    for out in &outputs {
        if out.as_os_str() != "-" {
            output::check_not_input(out, &input_paths)?;
        }
    }
    output::check_distinct_outputs(&outputs)?;
    let on_stdout = usize::from(is_stdout(&a.output))
        + [&a.clusters, &a.spans, &a.summary]
            .into_iter()
            .filter(|p| is_dash(p))
            .count();
    if on_stdout > 1 {
        anyhow::bail!("more than one output on stdout ('-', or -o left out): give all but one a file");
    }
    Ok((dedup, sources))
}

/// `dedup` with the dictionary of `--cross-lingual`, if one is given or installed.
fn with_lexicon(a: &DedupArgs, dedup: Dedup) -> anyhow::Result<Dedup> {
    if a.cross_lingual
        && let Some(path) = lexicon_path(a)
    {
        let t = Instant::now();
        let lex = Lexicon::load(&path)?;
        if !a.quiet {
            diag!(
                "neardup: cross-lingual: lexicon {} ({} languages: {}; loaded in {:.2} s)",
                path.display(),
                lex.languages().len(),
                lex.languages().join(" "),
                t.elapsed().as_secs_f64()
            );
        }
        return Ok(dedup.lexicon(Arc::new(lex)));
    }
    if a.cross_lingual && !a.quiet {
        diag!("neardup: cross-lingual: no lexicon, anchors only (see `neardup lexicon build`)");
    }
    Ok(dedup)
}

/// `dedup` with the language model of `--cross-lingual`, if one is given or installed.
fn with_language_model(a: &DedupArgs, dedup: Dedup) -> anyhow::Result<Dedup> {
    if !a.cross_lingual || a.no_language_model {
        return Ok(dedup);
    }
    let path = a.language_model.clone().or_else(identify::installed);
    let Some(path) = path else {
        if !a.quiet {
            diag!("neardup: cross-lingual: no language model, whatlang identifies languages (see scripts/setup.sh)");
        }
        return Ok(dedup);
    };
    let model = identify::LanguageModel::load(&path)?;
    if !a.quiet {
        diag!(
            "neardup: cross-lingual: language model {} ({} languages)",
            path.display(),
            model.languages().len()
        );
    }
    Ok(dedup.language_model(Arc::new(model)))
}

/// The progress bar of reading `sources` (bytes read of the total), on a terminal and without
/// `--quiet` only.
fn reading_bar(a: &DedupArgs, sources: &[neardup::reader::Source]) -> Option<ProgressBar> {
    let total: u64 = sources.iter().map(|s| s.bytes().len() as u64).sum();
    (!a.quiet && io::stderr().is_terminal()).then(|| {
        let bar = ProgressBar::new(total);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} reading {bytes}/{total_bytes} {wide_bar} {bytes_per_sec} eta {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    })
}

/// `dedup` advancing `bar`, if there is one, as it reads; the same bar then shows the long
/// stages after reading (documents done of a total, or a spinner where the total is unknown).
fn with_bar(dedup: Dedup, bar: &Option<ProgressBar>) -> Dedup {
    let Some(bar) = bar.clone() else {
        return dedup;
    };
    let reading = bar.clone();
    dedup
        .progress(Arc::new(move |n| reading.inc(n)))
        .stage_progress(Arc::new(move |tick| match tick {
            Tick::Start { stage, total } => {
                let template = if total > 0 {
                    "{spinner} {msg} {pos}/{len} {wide_bar} eta {eta}"
                } else {
                    "{spinner} {msg} {elapsed}"
                };
                bar.reset();
                bar.set_length(total);
                bar.set_style(ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()));
                bar.set_message(stage);
                if total == 0 {
                    bar.enable_steady_tick(std::time::Duration::from_millis(200));
                }
            }
            Tick::Done(n) => bar.inc(n),
        }))
}

/// `neardup index build` (`add` is `Some(DIR)`: `neardup index add DIR`).
fn index_cmd(a: &DedupArgs, add: Option<&std::path::PathBuf>) -> anyhow::Result<()> {
    let start = Instant::now();
    let dir = match add {
        Some(dir) => dir.clone(),
        None => a.output.clone().context("give the index folder with -o DIR")?,
    };
    anyhow::ensure!(
        add.is_none() || a.output.is_none(),
        "index add writes into DIR: -o is not used"
    );
    for (flag, given) in [
        ("--clusters", a.clusters.is_some()),
        ("--summary", a.summary.is_some()),
        ("--spans", a.spans.is_some()),
        ("--annotate", a.annotate),
        ("--against", a.against.is_some()),
        ("--memory-limit", a.memory_limit.is_some()),
    ] {
        anyhow::ensure!(!given, "{flag} is a flag of dedup, not of index");
    }
    let dedup = Dedup::new(a.config()?)
        .read_options(a.read_options())
        .threads(a.threads);
    let sources = dedup.open(&a.inputs)?;
    let bar = reading_bar(a, &sources);
    let dedup = with_bar(dedup, &bar);
    let (corpus, _) = match add {
        Some(_) => dedup.add_to_index(sources, &dir)?,
        None => dedup.build_index(sources, &dir, a.substrings)?,
    };
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    if !a.quiet {
        warn_about(&corpus);
        diag!(
            "neardup: index {}: {} {} documents in {:.3} s",
            dir.display(),
            if add.is_some() { "added" } else { "indexed" },
            corpus.len(),
            start.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// Warnings about what was read: skipped records (the first few) and repeated ids.
fn warn_about(corpus: &neardup::Corpus) {
    for e in &corpus.skipped_sample {
        diag!("neardup: warning: skipped {e}");
    }
    let more = corpus.skipped.saturating_sub(corpus.skipped_sample.len() as u64);
    if more > 0 {
        diag!("neardup: warning: and {more} more skipped records (the summary counts them all)");
    }
    for (first, later) in corpus.duplicate_ids.iter().take(10) {
        diag!(
            "neardup: warning: id {:?} at {} repeats the id at {}; both are kept as documents",
            corpus.id(*later),
            corpus.location(*later),
            corpus.location(*first)
        );
    }
    if corpus.duplicate_ids.len() > 10 {
        diag!(
            "neardup: warning: {} more repeated ids",
            corpus.duplicate_ids.len() - 10
        );
    }
}

/// The `--timings` table: each stage's seconds and the peak memory after it.
fn print_timings(stages: &[neardup::Stage]) {
    diag!("stage                                      seconds  peak_RSS_MiB");
    for s in stages {
        let rss = s.peak_rss_mb.map_or("-".to_string(), |m| format!("{m:.1}"));
        diag!("{:<42} {:>8.3} {:>12}", s.name, s.seconds, rss);
    }
}

fn sign(a: &DedupArgs) -> anyhow::Result<()> {
    let start = Instant::now();
    anyhow::ensure!(
        a.memory_limit.is_none(),
        "--memory-limit is a flag of dedup, not of sign (which writes every signature anyway)"
    );
    let read = a.read_options();
    // Signing alone has no boilerplate stage, so no line hashes are computed for it.
    let config = a.config_with(false)?;
    let minhash = config
        .minhash()
        .context("sign writes MinHash signatures: --method simhash makes none")?;
    let (bands, rows, seed) = (minhash.bands, minhash.rows, config.seed());
    let dedup = Dedup::new(config).read_options(read).threads(a.threads);
    let corpus = dedup.sign_sources(dedup.open(&a.inputs)?)?;
    let write = |w: &mut dyn Write| -> io::Result<()> {
        let mut w = io::BufWriter::with_capacity(output::BUF_BYTES, w);
        for s in corpus.signatures() {
            w.write_all(&s.to_le_bytes())?;
        }
        w.flush()
    };
    match &a.output {
        // The signing stage's table (output::write_signatures documents its schema).
        Some(p) if neardup::reader::is_parquet_name(p) => {
            let f = AtomicFile::create(p)?;
            output::write_signatures(f, &corpus, bands, rows, seed)
                .with_context(|| format!("writing {}", p.display()))?
                .commit()?;
        }
        Some(p) if p.as_os_str() != "-" => {
            let mut f = AtomicFile::create(p)?;
            write(&mut f).with_context(|| format!("writing {}", p.display()))?;
            f.commit()?;
        }
        _ => write(&mut io::stdout().lock()).context("writing stdout")?,
    }
    if !a.quiet {
        let secs = start.elapsed().as_secs_f64();
        let mb = corpus.input_bytes as f64 / 1e6;
        diag!(
            "documents: {}\nskipped: {}\ninput_MB: {mb:.2}\nseconds: {secs:.3}\nMB/s: {:.1}",
            corpus.len(),
            corpus.skipped,
            mb / secs
        );
    }
    Ok(())
}

fn eval_cmd(a: &EvalArgs) -> anyhow::Result<()> {
    let open = |p: &Path| -> anyhow::Result<io::BufReader<std::fs::File>> {
        Ok(io::BufReader::new(
            std::fs::File::open(p).with_context(|| format!("opening {}", p.display()))?,
        ))
    };
    let gold = eval::read_gold(&a.gold.display().to_string(), open(&a.gold)?)?;
    let clusters = eval::read_clusters(&a.clusters.display().to_string(), open(&a.clusters)?)?;
    let s = eval::score(&gold, &clusters);
    let by_lang = if a.by_language {
        let langs = match &a.langs {
            Some(p) => Some(eval::read_gold(&p.display().to_string(), open(p)?)?),
            None => None,
        };
        let lang_of = |id: &str| match &langs {
            Some(m) => m.get(id).cloned(),
            None => eval::lang_from_id(id),
        };
        Some(eval::score_by_language(&gold, &clusters, &lang_of))
    } else {
        None
    };
    let mut out = io::stdout().lock();
    if a.json {
        writeln!(
            out,
            "{{\"documents\":{},\"gold_pairs\":{},\"predicted_pairs\":{},\"true_pairs\":{},\"precision\":{:.4},\"recall\":{:.4},\"f1\":{:.4},\"ari\":{:.4},\"unknown_ids\":{}}}",
            s.documents,
            s.gold_pairs,
            s.predicted_pairs,
            s.true_pairs,
            s.precision,
            s.recall,
            s.f1,
            s.ari,
            s.unknown_ids
        )?;
    } else {
        writeln!(out, "metric           value")?;
        writeln!(out, "documents        {}", s.documents)?;
        writeln!(out, "gold_pairs       {}", s.gold_pairs)?;
        writeln!(out, "predicted_pairs  {}", s.predicted_pairs)?;
        writeln!(out, "true_pairs       {}", s.true_pairs)?;
        writeln!(out, "precision        {:.4}", s.precision)?;
        writeln!(out, "recall           {:.4}", s.recall)?;
        writeln!(out, "f1               {:.4}", s.f1)?;
        writeln!(out, "ari              {:.4}", s.ari)?;
        if s.unknown_ids > 0 {
            writeln!(out, "unknown_ids      {}", s.unknown_ids)?;
        }
    }
    if let Some(rows) = by_lang {
        if a.json {
            for r in &rows {
                // Language names are the ids' or labels' text: written as JSON strings (Rust's
                // `{:?}` escapes control characters in a form JSON does not read).
                let langs = serde_json::to_string(&[&r.langs.0, &r.langs.1])?;
                writeln!(
                    out,
                    "{{\"langs\":{langs},\"gold_pairs\":{},\"predicted_pairs\":{},\"true_pairs\":{},\"precision\":{:.4},\"recall\":{:.4}}}",
                    r.gold_pairs, r.predicted_pairs, r.true_pairs, r.precision, r.recall
                )?;
            }
        } else {
            writeln!(
                out,
                "\n{:<10} {:<10} {:>10} {:>10} {:>10} {:>9} {:>7}",
                "lang_a", "lang_b", "gold", "predicted", "true", "precision", "recall"
            )?;
            for r in &rows {
                writeln!(
                    out,
                    "{:<10} {:<10} {:>10} {:>10} {:>10} {:>9.4} {:>7.4}",
                    r.langs.0, r.langs.1, r.gold_pairs, r.predicted_pairs, r.true_pairs, r.precision, r.recall
                )?;
            }
        }
    }
    Ok(())
}
