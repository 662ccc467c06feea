//! The dedup pass, wiring the stages: read → normalize → shingle → sign → LSH → verify → cluster.
//!
//! In: paths (or in-memory texts) and a [`Config`]. Out: a [`Corpus`] (every document's place,
//! id and signature) and a [`Clustering`] (clusters of two or more near-duplicates, each with its
//! representative). Rayon lives here: chunks of the input are read and signed in parallel, LSH
//! bands are processed in parallel, candidates are verified in parallel. The output is the same
//! whatever the thread count: every stage's result is ordered by document id.
//!
//! The stages' data live in submodules: `corpus` (documents and their places, [`Corpus`]),
//! `read` (reading and signing chunks in parallel), `sign` (per-thread signing),
//! `boilerplate_pass`, `grouping` (pairs into clusters), `languages` (the cross-lingual stage
//! wired in), `pieces` (the run in pieces, for engines that
//! spread it over machines) and `report` (the span report); the result is
//! [`crate::types::Clustering`].

mod against;
mod boilerplate_pass;
mod corpus;
mod grouping;
mod languages;
mod pieces;
mod read;
mod report;
mod sign;

pub use crate::types::{Cluster, Clustering, CrossCounts, DocId, IndexedCluster, Stage, Tick};
pub use corpus::Corpus;
pub(crate) use corpus::DocMeta;
pub(crate) use corpus::RELEASE_EVERY;
use grouping::{cluster_around, make_cluster};
pub use pieces::{Piece, PieceDoc, SignedPiece};
use sign::{SignCtx, uses_minhash};

use crate::cluster;
use crate::config::{Config, Keep, Method, Verify};
use crate::crosslingual;
use crate::error::{Error, Result};
use crate::index;
use crate::reader::{self, ReadOptions, Source};
use crate::signature::simhash::hamming;
use crate::signature::{estimate_containment, estimate_jaccard, exact_containment, exact_jaccard};
use crate::spill::{Slots, WorkDir};
use bitvec::prelude::*;
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

/// Called with the number of input bytes just processed (for progress bars).
pub type ProgressFn = Arc<dyn Fn(u64) + Send + Sync>;

/// Called as the stages after reading go on (see [`Tick`]; for progress bars).
pub type StageProgressFn = Arc<dyn Fn(Tick) + Send + Sync>;

/// The dedup pass: configure it, then call [`Dedup::run`] on paths or
/// [`Dedup::cluster_texts`] on in-memory texts.
///
/// ```
/// use neardup::{Config, Dedup};
/// let base = "the quick brown fox jumps over the lazy dog while the cat sleeps in the sun";
/// let texts = [base.to_string(), format!("{base} today"), "something else entirely".into()];
/// let dedup = Dedup::new(Config::builder().threshold(0.7).build()?);
/// let clustering = dedup.cluster_texts(&texts)?;
/// assert_eq!(clustering.clusters.len(), 1);
/// assert_eq!(clustering.clusters[0].members.len(), 2);
/// # Ok::<(), neardup::Error>(())
/// ```
#[derive(Clone)]
pub struct Dedup {
    config: Config,
    read: ReadOptions,
    threads: usize,
    progress: Option<ProgressFn>,
    stage_progress: Option<StageProgressFn>,
    chunk_bytes: usize,
    lexicon: Option<Arc<crosslingual::lexicon::Lexicon>>,
    language_model: Option<Arc<crosslingual::identify::LanguageModel>>,
    against: Option<Arc<crate::reference::ReferenceIndex>>,
    against_substrings: bool,
    /// A memory budget in bytes and the folder to spill under (see [`Dedup::memory_limit`]).
    memory_limit: Option<(usize, Option<PathBuf>)>,
}

impl std::fmt::Debug for Dedup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dedup")
            .field("config", &self.config)
            .field("read", &self.read)
            .field("threads", &self.threads)
            .finish()
    }
}

/// What clustering reads of each document, in document order.
#[derive(Clone, Copy)]
struct Signals<'a> {
    /// MinHash signatures, `num_perm` slots each (empty with SimHash alone).
    sigs: &'a Slots,
    /// The work folder of a run under a memory limit.
    work: Option<&'a Arc<WorkDir>>,
    /// SimHash fingerprints (empty with MinHash alone).
    fps: &'a [u64],
    /// Which documents take part in matching (one per document).
    active: &'a BitSlice,
    /// The per-document columns, asked for once the candidates are found (not held while
    /// they are: under a memory limit that is the run's peak).
    columns: &'a (dyn Fn(Column) -> Vec<u64> + Sync),
    /// The last `pinned` documents are always kept, first in keep priority, and never paired
    /// with each other (the indexed documents of `--against`).
    pinned: usize,
    /// Pairs verified elsewhere (a span shared with an indexed document), joined to those the
    /// signatures verify.
    forced: &'a [(u32, u32)],
    /// Pairs an earlier pass verified, with their similarity then ([`Corpus`]'s
    /// `joined_whole`): joined too, and reported with that similarity. Sorted.
    joined: &'a [(u32, u32, f64)],
}

/// A per-document column of the clustering ([`Signals::columns`]).
#[derive(Debug, Clone, Copy)]
enum Column {
    /// Exact keys ([`sign::exact_key`]).
    Exact,
    /// Text lengths in bytes.
    TextLen,
    /// Shingle counts.
    Shingles,
}

/// Pairs linking each document to the first document with its exact key (a star per key).
fn exact_copies(exact: &[u64]) -> Vec<(u32, u32)> {
    cluster::equal_key_stars(exact.iter().enumerate().map(|(d, &k)| (k, d as u32)).collect()).1
}

impl Dedup {
    /// A dedup pass with `config`, default reading options and all cores.
    pub fn new(config: Config) -> Self {
        Dedup {
            config,
            read: ReadOptions::default(),
            threads: 0,
            progress: None,
            stage_progress: None,
            chunk_bytes: 1 << 20,
            lexicon: None,
            language_model: None,
            against: None,
            against_substrings: false,
            memory_limit: None,
        }
    }
    /// Sets the dictionary pivot of the cross-lingual stage (without one, anchors work alone).
    pub fn lexicon(mut self, lexicon: Arc<crosslingual::lexicon::Lexicon>) -> Self {
        self.lexicon = Some(lexicon);
        self
    }
    /// Sets the language identifier of the cross-lingual stage for documents without a label
    /// (without one, whatlang's; see [`crosslingual::identify`]).
    pub fn language_model(mut self, model: Arc<crosslingual::identify::LanguageModel>) -> Self {
        self.language_model = Some(model);
        self
    }
    /// Sets how inputs are read.
    pub fn read_options(mut self, read: ReadOptions) -> Self {
        self.read = read;
        self
    }
    /// Runs within about `bytes` of memory for the stores that grow with the corpus: the
    /// signatures are written to a file in a private folder under `work_dir` (the system's
    /// temporary folder without one) and read in place, LSH band keys are partitioned and
    /// sorted on disk (an external sort, docs/memory.md), and the pages of the inputs and of that
    /// file are given back as they are passed over. Results are byte-identical to a run without
    /// the limit; [`Corpus::spilled_bytes`] tells how much went to disk. Not yet with SimHash
    /// or `Verify::Exact`, which are refused.
    pub fn memory_limit(mut self, bytes: usize, work_dir: Option<PathBuf>) -> Self {
        self.memory_limit = Some((bytes, work_dir));
        self
    }

    /// The work folder of a run under a memory limit (a new one for each call).
    pub(super) fn work_dir(&self) -> Result<Option<Arc<WorkDir>>> {
        let Some((bytes, dir)) = &self.memory_limit else {
            return Ok(None);
        };
        if self.config.method != Method::MinHash || self.config.mh.verify != Verify::Estimate {
            return Err(Error::Config(
                "--memory-limit runs MinHash with estimated verification only (not SimHash, not --verify exact)".into(),
            ));
        }
        WorkDir::new(dir.as_deref(), *bytes).map(Some)
    }
    /// Number of threads (0 = one per core). The output does not depend on it.
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }
    /// A callback told how many input bytes were processed, as reading goes on.
    pub fn progress(mut self, f: ProgressFn) -> Self {
        self.progress = Some(f);
        self
    }
    /// A callback told how the stages after reading go on: today the cross-lingual stage, the
    /// longest (its documents one by one, then its linking, of unknown length).
    pub fn stage_progress(mut self, f: StageProgressFn) -> Self {
        self.stage_progress = Some(f);
        self
    }
    /// Reports `tick` to the stage progress callback, if any.
    pub(super) fn tick(&self, tick: Tick) {
        if let Some(f) = &self.stage_progress {
            f(tick);
        }
    }
    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }
    /// The reading options.
    pub fn read_opts(&self) -> &ReadOptions {
        &self.read
    }

    fn in_pool<T: Send>(&self, f: impl FnOnce() -> T + Send) -> Result<T> {
        if self.threads == 0 {
            return Ok(f());
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(self.threads)
            .build()
            .map_err(|e| Error::Config(format!("cannot start {} threads: {e}", self.threads)))?;
        Ok(pool.install(f))
    }

    /// Reads and clusters the inputs at `paths` (`-` is stdin): what `neardup dedup` runs
    /// before writing its outputs.
    ///
    /// ```
    /// use neardup::{Config, Dedup};
    /// let seeds = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/seeds.jsonl"));
    /// let (corpus, clustering) = Dedup::new(Config::default()).run(&[seeds])?;
    /// assert_eq!(corpus.len(), 6);
    /// // Page 000 and a copy of its first body (the sixth record) are one cluster.
    /// let c = &clustering.clusters[0];
    /// assert_eq!(corpus.id(c.members[0]), "000");
    /// assert_eq!(corpus.id(c.members[1]), "000-first-body");
    /// assert_eq!(clustering.keep_mask(corpus.len()).count_ones(), 5);
    /// # Ok::<(), neardup::Error>(())
    /// ```
    pub fn run(&self, paths: &[PathBuf]) -> Result<(Corpus, Clustering)> {
        let sources = self.open(paths)?;
        self.run_sources(sources)
    }

    /// Opens the inputs at `paths` ([`reader::open_inputs`]) on this run's threads (Parquet
    /// files are decoded a row group per thread).
    pub fn open(&self, paths: &[PathBuf]) -> Result<Vec<Source>> {
        // Under a memory limit the inputs' pages come in as they are read (and go once read).
        let paging = match self.memory_limit {
            Some(_) => reader::Paging::OnDemand,
            None => reader::Paging::Populate,
        };
        self.in_pool(|| reader::open_inputs_with(paths, &self.read, paging))?
    }

    /// Reads and clusters already opened sources ([`Dedup::open`]): [`Dedup::run`] in two steps.
    ///
    /// ```
    /// use neardup::{Config, Dedup};
    /// let seeds = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/seeds.jsonl"));
    /// let dedup = Dedup::new(Config::default());
    /// let (corpus, clustering) = dedup.run_sources(dedup.open(&[seeds.clone()])?)?;
    /// assert_eq!(corpus.len(), 6);
    /// assert_eq!(clustering.clusters, dedup.run(&[seeds])?.1.clusters);
    /// # Ok::<(), neardup::Error>(())
    /// ```
    pub fn run_sources(&self, sources: Vec<Source>) -> Result<(Corpus, Clustering)> {
        self.in_pool(|| {
            self.check_against()?;
            let t = std::time::Instant::now();
            let mut corpus = self.read_sources(sources)?;
            let mut stages = vec![Stage::since("read+sign", t)];
            let t = std::time::Instant::now();
            let mut clustering = self.cluster_corpus(&corpus)?;
            stages.push(Stage::since("lsh+verify+cluster", t));
            if self.config.boilerplate && !corpus.lines.is_empty() {
                let t = std::time::Instant::now();
                let changed = self.remove_boilerplate(&mut corpus, &clustering);
                stages.push(Stage::since("boilerplate (find+re-sign)", t));
                // Checked against an index, the corpus is clustered again below, with the
                // indexed documents: clustering it alone here would be thrown away.
                if changed && self.against.is_none() {
                    let t = std::time::Instant::now();
                    clustering = self.cluster_corpus(&corpus)?;
                    stages.push(Stage::since("lsh+verify+cluster again", t));
                }
            }
            if let Some(index) = &self.against {
                let t = std::time::Instant::now();
                clustering = self.cluster_against(&corpus, index)?;
                stages.push(Stage::since("against the index", t));
            }
            if let Some(p) = self.config.cross_lingual {
                let t = std::time::Instant::now();
                let lens = corpus.text_lens();
                let (sigs, fps) = (&corpus.sigs, &corpus.fingerprints);
                let labels = match self.read.lang_field.as_deref() {
                    Some(f) => corpus.labels(f)?,
                    None => Default::default(),
                };
                let doc_of = |d: u32| (corpus.text(DocId(d), &self.read), labels.get(d));
                clustering = self.link_languages(
                    &p,
                    &doc_of,
                    &corpus.boilerplate,
                    &corpus.set_aside_from,
                    &corpus.lines,
                    clustering,
                    &lens,
                    &|a, b| self.pair_similarity(sigs, fps, a, b),
                );
                stages.push(Stage::since("cross-lingual", t));
            }
            clustering.stages = stages;
            Ok((corpus, clustering))
        })?
    }

    /// The span report of a corpus: repeats, boilerplate lines and, with `substrings`, spans of at
    /// least 50 tokens shared with another document (see [`crate::spans`]), ordered by document,
    /// then start; in this pass's thread pool.
    ///
    /// ```
    /// use neardup::spans::SpanKind;
    /// use neardup::{Config, Dedup};
    /// let seeds = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/seeds.jsonl"));
    /// let dedup = Dedup::new(Config::default());
    /// let (corpus, _) = dedup.run(&[seeds])?;
    /// let spans = dedup.spans(&corpus, false)?;
    /// // Page 000 carries its body twice: the second copy is a repeat of the first.
    /// assert!(spans.iter().any(|s| s.doc == 0 && s.kind == SpanKind::Repeat));
    /// # Ok::<(), neardup::Error>(())
    /// ```
    pub fn spans(&self, corpus: &Corpus, substrings: bool) -> Result<Vec<crate::spans::Span>> {
        self.in_pool(|| report::report(corpus, &self.read, substrings))
    }

    /// Reads and signs every document of `sources` in this pass's thread pool: what `neardup
    /// sign` writes.
    ///
    /// ```
    /// use neardup::{Config, Dedup};
    /// let seeds = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/seeds.jsonl"));
    /// let dedup = Dedup::new(Config::default());
    /// let corpus = dedup.sign_sources(dedup.open(&[seeds])?)?;
    /// let k = dedup.config().minhash().unwrap().num_perm;
    /// assert_eq!(corpus.len(), 6);
    /// assert_eq!(corpus.signatures().len(), 6 * k);
    /// # Ok::<(), neardup::Error>(())
    /// ```
    pub fn sign_sources(&self, sources: Vec<Source>) -> Result<Corpus> {
        self.in_pool(|| self.read_sources(sources))?
    }

    /// Clusters a corpus that [`Dedup::read_sources`] read (the first pass only: the
    /// boilerplate pass and the cross-lingual stage are [`Dedup::run_sources`]'s).
    ///
    /// ```
    /// use neardup::{Config, Dedup, Format, ReadOptions, reader::Source};
    /// let records = "{\"text\": \"one two three four five six\"}\n{\"text\": \"one two three four five six\"}\n";
    /// let source = Source::from_bytes("memory", Format::Jsonl, records.as_bytes().to_vec());
    /// let dedup = Dedup::new(Config::default());
    /// let corpus = dedup.read_sources(vec![source])?;
    /// assert_eq!(dedup.cluster_corpus(&corpus)?.clusters.len(), 1);
    /// # Ok::<(), neardup::Error>(())
    /// ```
    pub fn cluster_corpus(&self, corpus: &Corpus) -> Result<Clustering> {
        let active: BitVec = corpus.docs.iter().map(|d| d.shingles > 0).collect();
        corpus.docs.release();
        let read = &self.read;
        let docs = Signals {
            sigs: &corpus.sigs,
            work: corpus.work.as_ref(),
            fps: &corpus.fingerprints,
            active: &active,
            columns: &|c| match c {
                Column::Exact => corpus.exact_keys(),
                Column::TextLen => corpus.text_lens(),
                Column::Shingles => corpus.shingle_counts(),
            },
            pinned: 0,
            forced: &[],
            joined: &corpus.joined_whole,
        };
        // Exact verification compares what was signed: after the boilerplate pass, a document
        // signed again is compared without the lines it set aside.
        self.cluster_signatures(docs, &|d, ctx| {
            let text = corpus.text(DocId(d), read);
            match corpus.resigned.get(d as usize).is_some_and(|b| *b) {
                true => ctx.shingle_set_without(&text, corpus.strip(d)),
                false => ctx.shingle_set(&text),
            }
        })
    }

    /// Clusters in-memory texts (document `i` is `texts[i]`): the same stages as
    /// [`Dedup::run`] on a file of them, boilerplate handling included, so the library and the
    /// CLI give the same clusters.
    pub fn cluster_texts<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Result<Clustering> {
        self.cluster_texts_labelled(texts, None)
    }

    /// Clusters in-memory texts with their language labels (`labels[i]` of `texts[i]`, as the
    /// corpus gives it; where it is `None`, and without `labels`, the detector's is reported).
    /// Labels change what the cross-lingual stage reports and which dictionary it reads, not
    /// how it groups.
    ///
    /// ```
    /// use neardup::{Config, Dedup, crosslingual::Params};
    /// // The seeds shipped in tests/data: 000 (Indonesian) and 001 (its French translation).
    /// let seeds = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/seeds.jsonl"));
    /// let texts: Vec<String> = seeds
    ///     .lines()
    ///     .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["text"].as_str().unwrap().to_string())
    ///     .collect();
    /// let mut labels = vec![None; texts.len()];
    /// labels[0] = Some("ind_Latn");
    /// let config = Config::builder().cross_lingual(Params::default()).build()?;
    /// let c = Dedup::new(config).cluster_texts_labelled(&texts, Some(&labels))?;
    /// let members: Vec<usize> = c.clusters[0].members.iter().map(|m| m.index()).collect();
    /// assert_eq!(members, [0, 1, 5]);
    /// // The label given, and the detector's where none is.
    /// assert_eq!(&*c.clusters[0].member_langs[0], "ind_Latn");
    /// assert_eq!(&*c.clusters[0].member_langs[1], "fra");
    /// # Ok::<(), neardup::Error>(())
    /// ```
    pub fn cluster_texts_labelled<S: AsRef<str> + Sync>(
        &self,
        texts: &[S],
        labels: Option<&[Option<&str>]>,
    ) -> Result<Clustering> {
        let labelled = texts
            .iter()
            .enumerate()
            .map(|(i, t)| (t.as_ref(), labels.and_then(|l| l.get(i).copied().flatten()), None));
        let (mut dedup, source) = self.texts_source(labelled)?;
        dedup.read.lang_field = labels.map(|_| "lang".to_string());
        let (_, clustering) = dedup.run_sources(vec![source])?;
        Ok(clustering)
    }

    /// The MinHash signatures of in-memory texts, `num_perm` slots per text in text order (flat),
    /// signed in parallel in this pass's thread pool: the slots `neardup sign` writes for a file
    /// of the same texts (the first pass's signatures; boilerplate handling does not change
    /// them). Empty under SimHash alone.
    ///
    /// ```
    /// use neardup::{Config, Dedup};
    /// let dedup = Dedup::new(Config::builder().num_perm(64).build()?);
    /// let sigs = dedup.sign_texts(&["one text to sign", "and another one"])?;
    /// assert_eq!(sigs.len(), 2 * 64);
    /// # Ok::<(), neardup::Error>(())
    /// ```
    pub fn sign_texts<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Result<Vec<u32>> {
        if !uses_minhash(self.config.method) {
            return Ok(Vec::new());
        }
        let k = self.config.mh.num_perm;
        // The lines a signing context keeps for the boilerplate stage are not wanted here.
        let mut config = self.config.clone();
        config.boilerplate = false;
        let mut sigs = vec![0u32; texts.len() * k];
        self.in_pool(|| {
            sigs.par_chunks_mut(k).zip(texts.par_iter()).for_each_init(
                || SignCtx::new(&config),
                |ctx, (out, t)| {
                    ctx.sign_text(reader::Text::Plain(t.as_ref()), out);
                },
            )
        })?;
        Ok(sigs)
    }

    /// The same-language similarity of two documents: estimated Jaccard (MinHash) or
    /// `1 - hamming/64` (SimHash).
    fn pair_similarity(&self, sigs: &[u32], fps: &[u64], a: u32, b: u32) -> f64 {
        let k = self.config.mh.num_perm;
        match self.config.method {
            Method::SimHash => 1.0 - hamming(fps[a as usize], fps[b as usize]) as f64 / 64.0,
            Method::MinHash => estimate_jaccard(
                &sigs[a as usize * k..(a as usize + 1) * k],
                &sigs[b as usize * k..(b as usize + 1) * k],
            ),
        }
    }

    fn cluster_signatures(
        &self,
        docs: Signals<'_>,
        shingle_set: &(dyn Fn(u32, &mut SignCtx) -> Vec<u64> + Sync),
    ) -> Result<Clustering> {
        let Signals {
            sigs,
            work,
            fps,
            active,
            columns,
            pinned,
            forced,
            joined,
        } = docs;
        let c = &self.config;
        let k = c.mh.num_perm;
        let n = active.len();
        // Each read of a signature is counted: under a memory limit the mapped file's pages are
        // given back every so many reads.
        let sig = |d: u32| {
            sigs.touch(1);
            &sigs[d as usize * k..(d as usize + 1) * k]
        };
        let ham = |a: u32, b: u32| hamming(fps[a as usize], fps[b as usize]);
        // Candidates: LSH bands for MinHash, the Hamming index for SimHash (whose pairs are
        // already within the distance: the index checks every pair it finds).
        let bands = |bands: usize, rows: usize, seed: u64| match work {
            Some(w) => index::external::candidate_pairs(sigs, k, (bands, rows), active, seed, w, &|t| self.tick(t)),
            None => Ok(index::candidate_pairs(sigs, k, bands, rows, active, seed)),
        };
        // SimHash: the documents of one fingerprint are one document to the clustering (the
        // index pairs each with the first of its fingerprint only).
        let (mut candidates, one_fingerprint) = match c.method {
            Method::MinHash => (bands(c.mh.bands, c.mh.rows, c.seed)?, Vec::new()),
            Method::SimHash => index::hamming::pairs_and_stars(fps, active, c.sh.max_hamming),
        };
        // Containment: a short copy of a long document has a low Jaccard similarity (0.5 for a
        // half), so its candidates come from 2-row bands (P(candidate) ≥ 0.99 from J = 0.2).
        let containment = c.mh.containment.filter(|_| c.method == Method::MinHash);
        if containment.is_some() {
            candidates.extend(bands(k / 2, 2, c.seed ^ 0xC0)?);
            candidates.sort_unstable();
            candidates.dedup();
        }
        // Pinned documents are never paired with each other: each stays kept.
        let own = n - pinned;
        candidates.retain(|&(a, _)| (a as usize) < own);
        // Set sizes: the shingle counts (repeats inside a document count again, so a page with
        // its body twice looks twice as long; the signatures' own cardinality estimate is too
        // coarse for short documents, whose bins are densified).
        let card: Vec<f64> = if containment.is_some() {
            columns(Column::Shingles).into_iter().map(|s| s as f64).collect()
        } else {
            Vec::new()
        };
        let mut verified = match c.mh.verify {
            Verify::Estimate => match c.method {
                Method::MinHash => {
                    let test = |a: u32, b: u32| {
                        let j = estimate_jaccard(sig(a), sig(b));
                        j >= c.mh.threshold
                            || containment
                                .is_some_and(|t| estimate_containment(j, card[a as usize], card[b as usize]) >= t)
                    };
                    match work {
                        // Two blocks of signatures at a time take a quarter of the budget.
                        Some(w) => {
                            let block = (w.budget() / 8 / (k * 4).max(1)).max(1024);
                            self.tick(Tick::Start {
                                stage: "verify: candidate pairs",
                                total: candidates.len() as u64,
                            });
                            // The signatures a block pair's tests read, read ahead (see
                            // Stored::read_ahead): the first documents come sorted.
                            let before = |group: &[(u32, u32)]| {
                                let mut firsts: Vec<u32> = group.iter().map(|p| p.0).collect();
                                firsts.dedup();
                                sigs.read_ahead(&firsts, k);
                                let mut seconds: Vec<u32> = group.iter().map(|p| p.1).collect();
                                seconds.sort_unstable();
                                seconds.dedup();
                                sigs.read_ahead(&seconds, k);
                            };
                            cluster::verify_in_blocks(&candidates, block as u32, test, &before, &|pairs| {
                                sigs.release();
                                self.tick(Tick::Done(pairs as u64));
                            })
                        }
                        None => cluster::verify_with(&candidates, test),
                    }
                }
                Method::SimHash => candidates.clone(),
            },
            Verify::Exact => {
                let mut involved: Vec<u32> = candidates.iter().flat_map(|&(a, b)| [a, b]).collect();
                involved.sort_unstable();
                involved.dedup();
                let sets: Vec<Vec<u64>> = involved
                    .par_iter()
                    .map_init(|| SignCtx::new(c), |ctx, &d| shingle_set(d, ctx))
                    .collect();
                let set_of = |d: u32| {
                    // `d` comes from `candidates`, so it is in `involved`.
                    let i = involved.binary_search(&d).unwrap_or(0);
                    &sets[i]
                };
                cluster::verify_with(&candidates, |a, b| {
                    exact_jaccard(set_of(a), set_of(b)) >= c.mh.threshold
                        || containment.is_some_and(|t| exact_containment(set_of(a), set_of(b)) >= t)
                })
            }
        };
        // The candidates are not needed past here: which documents had one (a bit each).
        let mut candidate_docs = bitvec![0; n];
        for &(a, b) in &candidates {
            candidate_docs.set(a as usize, true);
            candidate_docs.set(b as usize, true);
        }
        let candidate_pairs = candidates.len();
        drop(candidates);
        if work.is_some() {
            // The external sort's buffers and the candidates, freed, go back to the system
            // rather than staying in the heap's free lists through the grouping.
            crate::spill::give_back_freed_heap();
        }
        if !forced.is_empty() || !joined.is_empty() {
            verified.extend_from_slice(forced);
            verified.extend(joined.iter().map(|&(a, b, _)| (a, b)));
            verified.sort_unstable();
            verified.dedup();
        }
        let earlier = |m: u32, r: u32| {
            let key = (m.min(r), m.max(r));
            let i = joined.binary_search_by(|e| (e.0, e.1).cmp(&key)).ok()?;
            Some(joined[i].2)
        };
        let similarity = |m: u32, r: u32| match (earlier(m, r), c.method) {
            (Some(s), _) => s,
            (None, Method::SimHash) => 1.0 - ham(m, r) as f64 / 64.0,
            (None, Method::MinHash) => estimate_jaccard(sig(m), sig(r)),
        };
        // Documents with one exact key (the same normalized tokens) cluster whatever the
        // matching above found: a copy of a document made only of boilerplate lines, or too
        // short to sign, is still a copy.
        let mut copies = exact_copies(&columns(Column::Exact));
        copies.extend_from_slice(&one_fingerprint);
        copies.retain(|&(a, b)| (a as usize) < own || (b as usize) < own);
        // Lengths only where the keep rule reads them (not in input order, the default).
        let lens = (self.config.keep != Keep::First).then(|| columns(Column::TextLen));
        let grouped = if pinned == 0 {
            self.group(n, lens.as_deref(), &verified, &copies, &similarity)
        } else {
            // The pinned documents first, then the others in keep priority.
            let mut order: Vec<u32> = (own as u32..n as u32).collect();
            match &lens {
                Some(lens) => order.extend(self.config.keep.order(&lens[..own])),
                None => order.extend(0..own as u32),
            }
            cluster::leaders(n, &verified, &copies, Some(&order), &similarity)
        };
        let clusters = grouped
            .into_iter()
            .map(|(representative, members)| cluster_around(members, representative, &similarity))
            .collect();
        sigs.release();
        Ok(Clustering {
            clusters,
            candidate_pairs,
            verified_pairs: verified.len(),
            stages: Vec::new(),
            candidate_docs,
            cross: CrossCounts::default(),
            indexed: None,
        })
    }
}

#[cfg(test)]
mod tests;
