//! A corpus checked against a lasting index ([`crate::reference`]), and indexes built from a run.
//!
//! In: a signed and clustered corpus, and an index opened with the run's settings. Out: the
//! clustering in which every indexed document that can match (one sharing a band key or an
//! exact key with a document of the corpus) takes part as a document that is always kept and
//! comes first in keep priority: a new document is removed when it is a verified near-duplicate
//! (or an exact copy) of an indexed document or of a kept new one, the rule of leader clustering
//! ([`crate::cluster::leaders`]), so the removal guarantee holds against the index too. The
//! clusters led by an indexed document are reported as [`IndexedCluster`]s naming it.

use super::{Column, Dedup, DocId, Signals};
use crate::config::{Grouping, Method, Verify};
use crate::error::{Error, Result};
use crate::pipeline::{Clustering, Corpus};
use crate::reader::Source;
use crate::reference::{self, ReferenceIndex, SegmentData};
use crate::spans::substring::{DEFAULT_MIN_TOKENS, window_keys};
use crate::types::IndexedCluster;
use bitvec::prelude::*;
use rayon::prelude::*;
use std::path::Path;
use std::sync::Arc;

impl Dedup {
    /// Checks every corpus this pass reads against `index` (opened with this pass's settings,
    /// [`ReferenceIndex::open`]): documents that are near-duplicates of an indexed document are
    /// removed and reported in [`Clustering::indexed`]. MinHash with estimated verification and
    /// leader grouping only (the index holds signatures, not texts), without the cross-lingual
    /// stage; [`Dedup::run`] says so with an error otherwise.
    pub fn against(mut self, index: Arc<ReferenceIndex>) -> Self {
        self.against = Some(index);
        self
    }

    /// With an index to check against ([`Dedup::against`]), also removes the documents that
    /// share a span of at least 50 tokens with an indexed document (decontamination by n-gram
    /// overlap): the index must have been built with its windows ([`Dedup::build_index`] with
    /// `substrings`).
    pub fn against_substrings(mut self, on: bool) -> Self {
        self.against_substrings = on;
        self
    }

    /// An error when the configuration cannot be used with an index.
    pub(super) fn check_against(&self) -> Result<()> {
        if let Some(index) = &self.against {
            self.check_indexable()?;
            if self.against_substrings && !index.has_windows() {
                return Err(Error::Config(format!(
                    "{} holds no 50-token windows: build it with `neardup index build --substrings` to check shared spans",
                    index.dir().display()
                )));
            }
        }
        Ok(())
    }

    /// An error naming the setting when the configuration cannot make or use an index.
    fn check_indexable(&self) -> Result<()> {
        let c = &self.config;
        let refuse = |what: &str| {
            Err(Error::Config(format!(
                "an index holds MinHash signatures and is matched by their estimate with leader grouping: {what} cannot be used with one"
            )))
        };
        if c.method != Method::MinHash {
            return refuse("--method other than minhash");
        }
        if c.mh.verify != Verify::Estimate {
            return refuse("--verify exact");
        }
        if c.grouping != Grouping::Leader {
            return refuse("--grouping components");
        }
        if c.mh.containment.is_some() {
            return refuse("--containment");
        }
        if c.cross_lingual.is_some() {
            return refuse("--cross-lingual");
        }
        Ok(())
    }

    /// The clustering of `corpus` with the indexed documents that can match it taking part,
    /// always kept and first in priority (see the module documentation).
    pub(super) fn cluster_against(&self, corpus: &Corpus, index: &ReferenceIndex) -> Result<Clustering> {
        let n = corpus.len();
        let k = self.config.mh.num_perm;
        let shingles = corpus.shingle_counts();
        let band_keys: Vec<u64> = reference::all_band_keys(&corpus.sigs, &shingles, &self.config)
            .into_iter()
            .map(|e| e.0)
            .collect();
        let mut exact_keys = corpus.exact_keys();
        exact_keys.sort_unstable();
        let mut pulled = index.matching(&band_keys, &exact_keys);
        // Documents sharing a 50-token span with an indexed one: paired with it whatever their
        // similarity (the first such indexed document).
        let hits: Vec<(u32, u64)> = if self.against_substrings {
            let read = &self.read;
            (0..n as u32)
                .into_par_iter()
                .filter_map(|d| {
                    let keys = window_keys(&corpus.text(DocId(d), read), DEFAULT_MIN_TOKENS);
                    index.window_hit(&keys).map(|g| (d, g))
                })
                .collect()
        } else {
            Vec::new()
        };
        pulled.extend(hits.iter().map(|h| h.1));
        pulled.sort_unstable();
        pulled.dedup();
        let forced: Vec<(u32, u32)> = hits
            .iter()
            .map(|&(d, g)| (d, (n + pulled.binary_search(&g).unwrap_or(0)) as u32))
            .collect();
        let mut sigs = corpus.sigs.to_vec();
        sigs.reserve(pulled.len() * k);
        for &g in &pulled {
            index.signature(g, &mut sigs);
        }
        // A column of the corpus's documents, then of the indexed ones pulled in.
        let column = |c: Column| {
            let mut v = match c {
                Column::Exact => corpus.exact_keys(),
                Column::TextLen => corpus.text_lens(),
                Column::Shingles => corpus.shingle_counts(),
            };
            v.extend(pulled.iter().map(|&g| {
                let (exact, len, size) = index.doc(g);
                match c {
                    Column::Exact => exact,
                    Column::TextLen => len,
                    Column::Shingles => size,
                }
            }));
            v
        };
        let active: BitVec = shingles
            .iter()
            .copied()
            .chain(pulled.iter().map(|&g| index.doc(g).2))
            .map(|s| s > 0)
            .collect();
        drop(shingles);
        let sigs = crate::spill::Slots::from(sigs);
        let docs = Signals {
            sigs: &sigs,
            work: None,
            fps: &[],
            active: &active,
            columns: &column,
            pinned: pulled.len(),
            forced: &forced,
            joined: &corpus.joined_whole,
        };
        // Exact verification is refused with an index, so no shingle set is ever asked for.
        let mut all = self.cluster_signatures(docs, &|_, _| Vec::new())?;
        let (mut own, mut indexed) = (Vec::new(), Vec::new());
        for mut c in std::mem::take(&mut all.clusters) {
            // Indexed documents are never removed: only this corpus's members are reported.
            let keep: Vec<bool> = c.members.iter().map(|m| m.index() < n).collect();
            let mut it = keep.iter();
            c.similarity.retain(|_| *it.next().unwrap_or(&false));
            c.members.retain(|m| m.index() < n);
            if c.representative.index() >= n {
                if !c.members.is_empty() {
                    indexed.push(IndexedCluster {
                        indexed: index.id(pulled[c.representative.index() - n]),
                        members: c.members,
                        similarity: c.similarity,
                    });
                }
            } else if c.members.len() > 1 {
                own.push(c);
            }
        }
        all.clusters = own;
        all.indexed = Some(indexed);
        all.candidate_docs.truncate(n);
        Ok(all)
    }

    /// Reads `sources`, clusters them as [`Dedup::run_sources`] does, and writes them as a new
    /// index in `dir` (a new or empty folder): every document's final signature (after the
    /// boilerplate pass, when on), band keys, exact key, length and id. Returns the run.
    /// With `substrings`, the index also holds every 50-token window of every document, for
    /// [`Dedup::against_substrings`].
    ///
    /// ```
    /// use neardup::{Config, Dedup, reference::ReferenceIndex};
    /// use std::sync::Arc;
    /// let seeds = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/seeds.jsonl"));
    /// let dir = tempfile::tempdir().map_err(|e| neardup::Error::io(".", e))?;
    /// let dedup = Dedup::new(Config::default());
    /// dedup.build_index(dedup.open(&[seeds.clone()])?, dir.path(), false)?;
    /// // The seeds against an index of themselves: each is removed for its indexed copy.
    /// let index = Arc::new(ReferenceIndex::open(dir.path(), dedup.config())?);
    /// let (corpus, clustering) = dedup.against(index).run(&[seeds])?;
    /// let removed: usize = clustering.indexed.unwrap().iter().map(|c| c.members.len()).sum();
    /// assert_eq!(removed, corpus.len());
    /// # Ok::<(), neardup::Error>(())
    /// ```
    pub fn build_index(&self, sources: Vec<Source>, dir: &Path, substrings: bool) -> Result<(Corpus, Clustering)> {
        self.check_indexable()?;
        let (corpus, clustering) = self.run_sources(sources)?;
        let windows = self.windows_of(&corpus, substrings)?;
        with_segment(&corpus, &windows, |data| {
            reference::build(dir, data, &self.config, substrings)
        })?;
        Ok((corpus, clustering))
    }

    /// [`Dedup::build_index`] on in-memory texts: `ids[i]` is the id of `texts[i]` in the index
    /// (what a run checked against it names); without `ids`, `texts:N` for the `N`-th text
    /// (from 1).
    ///
    /// ```
    /// use neardup::{Config, Dedup, reference::ReferenceIndex};
    /// use std::sync::Arc;
    /// let dir = tempfile::tempdir()?;
    /// let test_set = ["The quick brown fox jumps over the lazy dog near the old river bank today."];
    /// let dedup = Dedup::new(Config::default());
    /// dedup.build_index_texts(&test_set, Some(&["test-1"]), dir.path(), false)?;
    /// let index = Arc::new(ReferenceIndex::open(dir.path(), dedup.config())?);
    /// let train = [test_set[0], "Something else entirely, about boats and the sea and the wind."];
    /// let c = Dedup::new(Config::default()).against(index).cluster_texts(&train)?;
    /// let found = c.indexed.unwrap();
    /// assert_eq!(found.len(), 1);
    /// assert_eq!((found[0].indexed.as_str(), found[0].members[0].index()), ("test-1", 0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn build_index_texts<S: AsRef<str> + Sync>(
        &self,
        texts: &[S],
        ids: Option<&[&str]>,
        dir: &Path,
        substrings: bool,
    ) -> Result<Clustering> {
        if let Some(ids) = ids
            && ids.len() != texts.len()
        {
            return Err(Error::Config(format!("{} ids for {} texts", ids.len(), texts.len())));
        }
        let records = texts
            .iter()
            .enumerate()
            .map(|(i, t)| (t.as_ref(), None, ids.map(|ids| ids[i])));
        let (dedup, source) = self.texts_source(records)?;
        Ok(dedup.build_index(vec![source], dir, substrings)?.1)
    }

    /// Reads `sources` and adds them to the index in `dir` as a new segment (the index's
    /// settings must be this pass's). With the boilerplate pass on, a document is signed
    /// without the lines that are boilerplate in the corpus it was added with; with it off,
    /// a signature depends on its document alone and adding equals building from both. An index
    /// built with windows gets the new documents' windows too.
    ///
    /// ```
    /// use neardup::{Config, Dedup, Format, Source, reference::ReferenceIndex};
    /// let dir = tempfile::tempdir()?;
    /// let dedup = Dedup::new(Config::default());
    /// dedup.build_index_texts(&["Last month's crawl: the harbour reopened after the storm."], None, dir.path(), false)?;
    /// // This month's crawl, added as a new segment.
    /// let jsonl = b"{\"id\": \"m2-1\", \"text\": \"This month: the bridge was closed for repairs.\"}\n".to_vec();
    /// let (corpus, _) = dedup.add_to_index(vec![Source::from_bytes("m2", Format::Jsonl, jsonl)], dir.path())?;
    /// assert_eq!(corpus.len(), 1);
    /// assert_eq!(ReferenceIndex::open(dir.path(), dedup.config())?.len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_to_index(&self, sources: Vec<Source>, dir: &Path) -> Result<(Corpus, Clustering)> {
        self.check_indexable()?;
        let substrings = ReferenceIndex::open(dir, &self.config)?.has_windows();
        let (corpus, clustering) = self.run_sources(sources)?;
        let windows = self.windows_of(&corpus, substrings)?;
        with_segment(&corpus, &windows, |data| reference::add(dir, data, &self.config))?;
        Ok((corpus, clustering))
    }
}

impl Dedup {
    /// `(window key, document)` of every 50-token window of every document of `corpus`, sorted
    /// (none without `on`).
    fn windows_of(&self, corpus: &Corpus, on: bool) -> Result<Vec<(u64, u32)>> {
        if !on {
            return Ok(Vec::new());
        }
        let read = &self.read;
        self.in_pool(|| {
            let mut all: Vec<(u64, u32)> = (0..corpus.len() as u32)
                .into_par_iter()
                .flat_map_iter(|d| {
                    window_keys(&corpus.text(DocId(d), read), DEFAULT_MIN_TOKENS)
                        .into_iter()
                        .map(move |k| (k, d))
                })
                .collect();
            all.par_sort_unstable();
            all
        })
    }
}

/// Calls `f` with what a segment holds of `corpus`: its signatures and, per document, exact key,
/// length, shingle count and id, and its `windows`.
fn with_segment(corpus: &Corpus, windows: &[(u64, u32)], f: impl FnOnce(&SegmentData<'_>) -> Result<()>) -> Result<()> {
    let (exact, lens, shingles) = (corpus.exact_keys(), corpus.text_lens(), corpus.shingle_counts());
    let ids: Vec<String> = (0..corpus.len() as u32)
        .map(|d| corpus.id(DocId(d)).into_owned())
        .collect();
    f(&SegmentData {
        sigs: &corpus.sigs,
        exact: &exact,
        lens: &lens,
        shingles: &shingles,
        ids: &ids,
        windows,
    })
}
