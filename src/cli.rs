//! Command-line flags (clap derive), turned into the library's validated types. Nothing else.

use clap::builder::TypedValueParser as _;
use clap::{Args, Parser, Subcommand, ValueEnum};
use neardup::{
    Config, ConfigBuilder, Format, Grouping, Keep, Method, MinHashKind, OnError, ReadOptions, SimHashWeights, Verify,
};
use std::path::PathBuf;

/// Near-duplicate detection for text corpora.
#[derive(Debug, Parser)]
#[command(name = "neardup", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Cluster near-duplicate documents and write the deduplicated corpus.
    Dedup(DedupArgs),
    /// Score a cluster report against gold labels (pairwise precision, recall, F1, ARI).
    Eval(EvalArgs),
    /// Compute MinHash signatures only and write them as raw little-endian u32 slots
    /// (num-perm per document, in input order): the plain data a sharded run exchanges. With
    /// `-o FILE.parquet`, a table: doc, id, location, shingles, exact key, signature and band
    /// keys per document (docs/cli.md).
    Sign(SignArgs),
    /// Build the dictionary pivot of --cross-lingual from FreeDict dictionaries (dictd format).
    Lexicon(LexiconArgs),
    /// Build a lasting index of a corpus on disk, or add a corpus to one; `dedup --against DIR`
    /// then removes the documents of a new corpus that match an indexed one (docs/index.md).
    Index(IndexArgs),
}

#[derive(Debug, Args)]
pub struct IndexArgs {
    #[command(subcommand)]
    pub action: IndexAction,
}

#[derive(Debug, Subcommand)]
pub enum IndexAction {
    /// Read INPUT... as `dedup` reads it (same flags) and write its index into the new or empty
    /// folder given with -o: every document's signature, band keys, exact key, length and id,
    /// and the settings they were made with; with --substrings also every 50-token window, for
    /// `dedup --against DIR --substrings` (decontamination by shared spans).
    Build(DedupArgs),
    /// Read INPUT... and add it to the index in DIR as a new segment (with the index's settings).
    Add {
        /// The index folder.
        dir: PathBuf,
        #[command(flatten)]
        args: DedupArgs,
    },
}

#[derive(Debug, Args)]
pub struct LexiconArgs {
    #[command(subcommand)]
    pub action: LexiconAction,
}

#[derive(Debug, Subcommand)]
pub enum LexiconAction {
    /// Compile every `freedict-XXX-eng` and `freedict-eng-XXX` dictionary found in DIR into one
    /// lexicon file (default: where --cross-lingual looks for it).
    Build {
        /// Folder holding the dictd files (`.index` + `.dict.dz`).
        #[arg(default_value = "/usr/share/dictd")]
        dir: PathBuf,
        /// Where the compiled lexicon goes (default: $NEARDUP_LEXICON, else
        /// $XDG_DATA_HOME/neardup/lexicon.bin, else ~/.local/share/neardup/lexicon.bin).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Also read CC-CEDICT (Chinese → English, `cedict_1_0_ts_utf-8_mdbg.txt`, plain or
        /// gzip) for Chinese.
        #[arg(long, value_name = "FILE")]
        cedict: Option<PathBuf>,
    },
    /// Print the languages of a compiled lexicon and their headword counts.
    Show {
        /// The lexicon file (default as for `build`).
        file: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// Everything `dedup` takes that concerns reading and signing (output flags are ignored).
    #[command(flatten)]
    pub dedup: DedupArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Auto,
    Jsonl,
    Lines,
    Folder,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OnErrorArg {
    Fail,
    Skip,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KeepArg {
    First,
    Longest,
    Shortest,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum GroupingArg {
    Leader,
    Components,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum VerifyArg {
    Estimate,
    Exact,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MethodArg {
    /// MinHash signatures, LSH bands, Jaccard threshold (--threshold).
    Minhash,
    /// SimHash fingerprints, Hamming index, at most --max-hamming differing bits.
    Simhash,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum WeightsArg {
    /// Term frequency: every occurrence of a feature votes.
    Tf,
    /// Each distinct feature votes once.
    Uniform,
    /// A feature seen tf times votes 1 + floor(log2 tf) times.
    LogTf,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MinHashArg {
    /// One-permutation hashing, densified with bounded probes: O(n + k).
    Oph,
    /// Broder's k-permutation MinHash: O(n·k).
    Classic,
}

#[derive(Debug, Args)]
pub struct DedupArgs {
    /// Input files or folders; `-` reads stdin. `.gz` and `.zst` files are decompressed.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Where kept records go (`-` or absent: stdout).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write the cluster report (JSONL, one line per cluster of two or more) here.
    #[arg(long, value_name = "FILE")]
    pub clusters: Option<PathBuf>,
    /// Write every record with a `dup_cluster` field instead of removing duplicates.
    #[arg(long)]
    pub annotate: bool,
    /// Also remove the documents that are near-duplicates (or exact copies) of a document of the
    /// index in DIR (`neardup index build`); the cluster report names the indexed document each
    /// one matched. Built with the same signing flags; MinHash with leader grouping only. With
    /// --substrings, also remove documents sharing a span of 50+ tokens with an indexed
    /// document (an index built with --substrings).
    #[arg(long, value_name = "DIR")]
    pub against: Option<PathBuf>,
    /// Also write the run summary as JSON here.
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,
    /// Input format; `auto` picks by folder, extension (.jsonl/.ndjson/.json, .txt) or first byte.
    /// In a folder, `jsonl` and `lines` apply to every file inside; `auto` reads JSONL files
    /// record by record and any other file as one document; `folder` makes every file one document.
    #[arg(long, value_enum, default_value = "auto")]
    pub format: FormatArg,
    /// JSONL field holding the text.
    #[arg(long, default_value = "text")]
    pub text_field: String,
    /// JSONL field holding the id (without it, ids are FILE:LINE).
    #[arg(long, default_value = "id")]
    pub id_field: String,
    /// What to do with a bad record: stop with an error naming file and line, or skip and count it.
    #[arg(long, value_enum, default_value = "fail")]
    pub on_error: OnErrorArg,
    /// MinHash: Jaccard similarity at or above which two documents are near-duplicates
    /// [default: 0.7].
    #[arg(short, long)]
    pub threshold: Option<f64>,
    /// MinHash signature length (slots) [default: 128].
    #[arg(long)]
    pub num_perm: Option<usize>,
    /// LSH bands (default: derived from --threshold and --num-perm; see --print-curve).
    #[arg(long)]
    pub bands: Option<usize>,
    /// LSH rows per band (default: derived).
    #[arg(long)]
    pub rows: Option<usize>,
    /// MinHash shingle size in words [default: 3].
    #[arg(long)]
    pub shingle_words: Option<usize>,
    /// MinHash shingle size in characters, for Chinese, Japanese, Thai, Lao, Khmer and Myanmar
    /// text [default: 3].
    #[arg(long)]
    pub shingle_chars: Option<usize>,
    /// Seed of every hash: the same input and seed give byte-identical output.
    #[arg(long, default_value_t = neardup::DEFAULT_SEED)]
    pub seed: u64,
    /// MinHash scheme [default: oph].
    #[arg(long, value_enum)]
    pub minhash: Option<MinHashArg>,
    /// Signature method.
    #[arg(long, value_enum, default_value = "minhash")]
    pub method: MethodArg,
    /// SimHash: largest Hamming distance (of 64 bits) between near-duplicates [default: 6].
    #[arg(long)]
    pub max_hamming: Option<u32>,
    /// SimHash feature size in words (1: word unigrams) [default: 1].
    #[arg(long)]
    pub simhash_words: Option<usize>,
    /// SimHash feature size in characters, for unspaced scripts [default: 3].
    #[arg(long)]
    pub simhash_chars: Option<usize>,
    /// SimHash feature weights [default: log-tf].
    #[arg(long, value_enum)]
    pub simhash_weights: Option<WeightsArg>,
    /// Keep boilerplate lines (those in 3 or more clusters) in the shingles used for similarity.
    /// By default they are left out, so shared page chrome neither joins different articles
    /// nor splits one article wrapped in different chrome.
    #[arg(long)]
    pub keep_boilerplate: bool,
    /// Also link a document whose shingles are at least this fraction contained in another's
    /// (|A∩B|/|A| for the smaller A): shortened republications. MinHash only.
    #[arg(long, value_name = "T")]
    pub containment: Option<f64>,
    /// Also cluster translations of one article across languages (anchors: numbers and names
    /// in order; mutual best matches per language). Clusters then list their "langs".
    #[arg(long)]
    pub cross_lingual: bool,
    /// Cross-lingual: JSONL field holding each document's language label (e.g. `lang`), as the
    /// corpus gives it (any code: fra, fr, fra_Latn); where it is absent, null or empty, the
    /// detector's is used; any other value (a number, a list) is an error naming the record.
    /// Reported in the cluster report's "member_langs" and used to pick a
    /// dictionary; the grouping itself reads no label.
    #[arg(long, value_name = "NAME", requires = "cross_lingual")]
    pub lang_field: Option<String>,
    /// Cross-lingual: lowest score of a link (order-aware anchor score, 0..1).
    #[arg(long, requires = "cross_lingual", value_name = "S", default_value_t = neardup::crosslingual::Params::default().min_score)]
    pub cross_min_score: f64,
    /// Cross-lingual: a link's score must be at least this fraction of either document's best
    /// match in the other's language.
    #[arg(long, requires = "cross_lingual", value_name = "R", default_value_t = neardup::crosslingual::Params::default().ratio)]
    pub cross_ratio: f64,
    /// Cross-lingual: a link's score must be at least this many times the median score of
    /// either document's candidates.
    #[arg(long, requires = "cross_lingual", value_name = "L", default_value_t = neardup::crosslingual::Params::default().lift)]
    pub cross_lift: f64,
    /// Cross-lingual: where both documents have a lexicon, the score is the anchor score plus
    /// this times the cosine of their dictionary pivots.
    #[arg(long, requires = "cross_lingual", value_name = "W", default_value_t = neardup::crosslingual::Params::default().pivot_weight)]
    pub cross_pivot_weight: f64,
    /// Cross-lingual: set any tuning parameter of the stage, NAME=VALUE (repeatable; the
    /// names are the fields of `crosslingual::Params`, e.g. `layout_min=0.7`): for sweeps.
    #[arg(long, requires = "cross_lingual", value_name = "NAME=VALUE")]
    pub cross_param: Vec<String>,
    /// Cross-lingual: a link's two documents must name the anchors they share about as often
    /// (cosine of their anchor counts over the shared anchors, 0..1).
    #[arg(long, requires = "cross_lingual", value_name = "C", default_value_t = neardup::crosslingual::Params::default().profile_min)]
    pub cross_profile_min: f64,
    /// Cross-lingual: the compiled dictionary pivot (`neardup lexicon build`). Default: the
    /// lexicon at the default place if one was built there; without one, anchors work alone.
    #[arg(long, requires = "cross_lingual", value_name = "FILE", conflicts_with = "no_lexicon")]
    pub lexicon: Option<PathBuf>,
    /// Cross-lingual: do not use a dictionary pivot even if one is installed (anchors only).
    #[arg(long, requires = "cross_lingual")]
    pub no_lexicon: bool,
    /// Cross-lingual: the language identification model for documents without a label
    /// (langid.py's, converted by scripts/setup.sh). Default: the model at the default place
    /// ($NEARDUP_LANGID, else $XDG_DATA_HOME/neardup/langid.bin, else
    /// ~/.local/share/neardup/langid.bin) if it is there; without one, whatlang identifies them.
    #[arg(
        long,
        requires = "cross_lingual",
        value_name = "FILE",
        conflicts_with = "no_language_model"
    )]
    pub language_model: Option<PathBuf>,
    /// Cross-lingual: identify languages with whatlang even if a language model is installed.
    #[arg(long, requires = "cross_lingual")]
    pub no_language_model: bool,
    /// Remove repeats inside a document (spans of 50+ tokens repeating an earlier span) from
    /// the text of each record written with -o; records without repeats are unchanged.
    #[arg(long)]
    pub strip_repeats: bool,
    /// Write the span report (JSONL: repeats, boilerplate lines, and with --substrings shared
    /// substrings) here.
    #[arg(long, value_name = "FILE")]
    pub spans: Option<PathBuf>,
    /// Find spans of 50+ tokens shared between documents (Lee et al. 2022) for the span report.
    #[arg(long)]
    pub substrings: bool,
    /// Remove spans of 50+ tokens shared with an earlier document from the records written with
    /// -o (the earliest occurrence stays); implies --substrings.
    #[arg(long)]
    pub strip_substrings: bool,
    /// MinHash: how candidate pairs are verified: Jaccard estimated from signatures, or exact
    /// Jaccard [default: estimate].
    #[arg(long, value_enum)]
    pub verify: Option<VerifyArg>,
    /// Which member of a cluster is kept.
    #[arg(long, value_enum, default_value = "first")]
    pub keep: KeepArg,
    /// How verified pairs become clusters: `leader` takes documents in --keep order and removes
    /// one only when a verified pair links it to a document already kept (every removed
    /// document has a kept near-duplicate, named in the cluster report); `components` joins
    /// every chain of verified pairs (union-find), as most dedup tools do.
    #[arg(long, value_enum, default_value = "leader")]
    pub grouping: GroupingArg,
    /// Worker threads (0: one per core; at most 1024). The output does not depend on it.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u16).range(0..=1024).map(usize::from))]
    pub threads: usize,
    /// Keep the stores that grow with the corpus within about SIZE of memory (a number with a K,
    /// M or G suffix, powers of 1024, e.g. 32M or 4G): signatures go to a file in the work
    /// folder and LSH band keys are sorted on disk; the output is byte-identical to a run
    /// without it, and the summary's `spilled_bytes` says how much went to disk. MinHash with
    /// estimated verification only.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub memory_limit: Option<usize>,
    /// The folder under which a run with --memory-limit writes its work files (a private
    /// subfolder, removed at the end) [default: the system's temporary folder].
    #[arg(long, value_name = "DIR", requires = "memory_limit")]
    pub work_dir: Option<PathBuf>,
    /// Print the wall time and peak memory of each stage to stderr.
    #[arg(long)]
    pub timings: bool,
    /// Print the LSH S-curve (candidate probability against similarity) to stderr.
    #[arg(long)]
    pub print_curve: bool,
    /// No progress bar, no summary, no warnings on stderr (errors still print).
    #[arg(short, long)]
    pub quiet: bool,
}

impl DedupArgs {
    pub fn config(&self) -> neardup::Result<Config> {
        self.config_with(!self.keep_boilerplate)
    }

    /// The configuration, with the boilerplate stage on or off (`sign` has no use for it).
    pub fn config_with(&self, boilerplate: bool) -> neardup::Result<Config> {
        let mut b = Config::builder()
            .seed(self.seed)
            .method(match self.method {
                MethodArg::Minhash => Method::MinHash,
                MethodArg::Simhash => Method::SimHash,
            })
            .keep(match self.keep {
                KeepArg::First => Keep::First,
                KeepArg::Longest => Keep::Longest,
                KeepArg::Shortest => Keep::Shortest,
            })
            .grouping(match self.grouping {
                GroupingArg::Leader => Grouping::Leader,
                GroupingArg::Components => Grouping::Components,
            });
        // Options of one method only: set when given, so that the builder can reject the ones
        // the chosen method cannot use.
        b = b.maybe(self.threshold, ConfigBuilder::threshold);
        b = b.maybe(self.num_perm, ConfigBuilder::num_perm);
        b = b.maybe(self.shingle_words, ConfigBuilder::word_shingle);
        b = b.maybe(self.shingle_chars, ConfigBuilder::char_shingle);
        b = b.maybe(self.max_hamming, ConfigBuilder::max_hamming);
        b = b.maybe(self.simhash_words, ConfigBuilder::simhash_words);
        b = b.maybe(self.simhash_chars, ConfigBuilder::simhash_chars);
        let minhash = self.minhash.map(|v| match v {
            MinHashArg::Oph => MinHashKind::OnePermutation,
            MinHashArg::Classic => MinHashKind::Classic,
        });
        b = b.maybe(minhash, ConfigBuilder::minhash);
        let verify = self.verify.map(|v| match v {
            VerifyArg::Estimate => Verify::Estimate,
            VerifyArg::Exact => Verify::Exact,
        });
        b = b.maybe(verify, ConfigBuilder::verify);
        let weights = self.simhash_weights.map(|v| match v {
            WeightsArg::Tf => SimHashWeights::Tf,
            WeightsArg::Uniform => SimHashWeights::Uniform,
            WeightsArg::LogTf => SimHashWeights::LogTf,
        });
        b = b.maybe(weights, ConfigBuilder::simhash_weights);
        b = b.boilerplate(boilerplate);
        b = b.maybe(self.containment, ConfigBuilder::containment);
        if self.cross_lingual {
            let mut p = neardup::crosslingual::Params {
                min_score: self.cross_min_score,
                ratio: self.cross_ratio,
                lift: self.cross_lift,
                pivot_weight: self.cross_pivot_weight,
                profile_min: self.cross_profile_min,
                ..Default::default()
            };
            for kv in &self.cross_param {
                let (k, v) = kv
                    .split_once('=')
                    .ok_or_else(|| neardup::Error::Config(format!("--cross-param {kv}: expected NAME=VALUE")))?;
                p.set(k, v)?;
            }
            b = b.cross_lingual(p);
        }
        b = b
            .maybe(self.bands, ConfigBuilder::bands)
            .maybe(self.rows, ConfigBuilder::rows);
        b.build()
    }

    pub fn read_options(&self) -> ReadOptions {
        ReadOptions {
            format: match self.format {
                FormatArg::Auto => None,
                FormatArg::Jsonl => Some(Format::Jsonl),
                FormatArg::Lines => Some(Format::Lines),
                FormatArg::Folder => Some(Format::Folder),
            },
            text_field: self.text_field.clone(),
            id_field: self.id_field.clone(),
            lang_field: self.lang_field.clone(),
            on_error: match self.on_error {
                OnErrorArg::Fail => OnError::Fail,
                OnErrorArg::Skip => OnError::Skip,
            },
        }
    }
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Gold labels: a header line, then `id<TAB>cluster` per line.
    #[arg(long, value_name = "GOLD.tsv")]
    pub gold: PathBuf,
    /// Cluster report written by `neardup dedup --clusters`.
    pub clusters: PathBuf,
    /// Print the scores as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Also score each pair of languages. A document's language is read from --langs, or else
    /// from its id's prefix before '/' (as in NTREX ids such as `fra/article`).
    #[arg(long)]
    pub by_language: bool,
    /// Languages of the documents: a header line, then `id<TAB>lang` per line.
    #[arg(long, value_name = "LANGS.tsv")]
    pub langs: Option<PathBuf>,
}

/// A size in bytes: a whole number with an optional K, M or G suffix (powers of 1024).
pub fn parse_size(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let (digits, unit) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&t[..i], c.to_ascii_uppercase()),
        _ => (t, 'B'),
    };
    let shift = match unit {
        'B' => 0,
        'K' => 10,
        'M' => 20,
        'G' => 30,
        _ => return Err(format!("{s:?}: the suffix must be K, M or G (powers of 1024)")),
    };
    let n: usize = digits
        .parse()
        .map_err(|_| format!("{s:?}: expected a whole number with a K, M or G suffix, e.g. 32M"))?;
    n.checked_mul(1usize << shift)
        .filter(|&b| b > 0)
        .ok_or_else(|| format!("{s:?}: must be above zero and fit in memory addresses"))
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_take_powers_of_1024() {
        assert_eq!(parse_size("32M"), Ok(32 << 20));
        assert_eq!(parse_size("4g"), Ok(4 << 30));
        assert_eq!(parse_size("512K"), Ok(512 << 10));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert!(parse_size("0M").is_err());
        assert!(parse_size("12T").is_err());
        assert!(parse_size("M").is_err());
        assert!(parse_size("1.5G").is_err());
    }
}
