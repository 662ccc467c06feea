//! # neardup
//!
//! Near-duplicate detection for text corpora: read a corpus, find the documents that are near
//! copies of each other, keep one of each cluster.
//!
//! The pipeline, one module per stage (see `ARCHITECTURE.md`): reading (memory-mapped JSONL,
//! Parquet, lines, folders) → normalizing (NFKC, case folding) → tokenizing (per-script tokens,
//! shingles) → signing (MinHash or SimHash) → LSH candidate pairs → verification and clustering
//! → outputs (kept records, cluster report); with `--cross-lingual`, translations of one
//! article are joined across languages.
//!
//! The API is small: [`Dedup`] runs the pass the CLI runs (on texts, files or [`Source`]s,
//! whole or in [`Piece`]s), configured by a [`Config`] from [`Config::builder`], and gives a
//! [`Clustering`] of a [`Corpus`]; [`reader`] opens inputs, [`output`] writes the CLI's files,
//! [`spans`] the shared-span report, [`reference`](mod@reference) is the index on disk
//! (`--against`), [`crosslingual`] the cross-lingual stage's parameters and dictionary,
//! [`eval`] scores clusters against gold labels. Errors are one [`Error`].
//!
//! ```
//! use neardup::{Config, Dedup};
//!
//! let article = "Senator Warren said on Saturday that she will take a hard look at running \
//!                for president after the November elections, the Boston Globe reported.";
//! let copy = format!("{article} Read more at our site.");
//! let texts = vec![article.to_string(), copy, "An unrelated note about the weather.".into()];
//!
//! let dedup = Dedup::new(Config::default());
//! let clustering = dedup.cluster_texts(&texts)?;
//! assert_eq!(clustering.clusters.len(), 1);
//! let cluster = &clustering.clusters[0];
//! assert_eq!(cluster.members.len(), 2);
//! assert_eq!(cluster.representative.index(), 0);
//! // The keep mask says which documents survive.
//! let keep = clustering.keep_mask(texts.len());
//! assert_eq!(keep.count_ones(), 2);
//! # Ok::<(), neardup::Error>(())
//! ```
#![deny(missing_docs)]

mod atomic;
mod bytes;
mod cluster;
mod config;
pub mod crosslingual;
mod error;
pub mod eval;
mod index;
mod normalize;
pub mod output;
mod pipeline;
pub mod reader;
pub mod reference;
mod signature;
pub mod spans;
mod spill;
mod tokenize;
mod types;

pub use config::{
    Config, ConfigBuilder, DEFAULT_SEED, Grouping, Keep, Method, MinHashSettings, SimHashSettings, SimHashWeights,
    Verify,
};
pub use error::{Error, RecordError, RecordErrorKind, Result};
pub use pipeline::{
    Cluster, Clustering, Corpus, CrossCounts, Dedup, DocId, IndexedCluster, Piece, PieceDoc, SignedPiece, Stage, Tick,
};
pub use reader::{Format, OnError, ReadOptions, Source};
pub use signature::MinHashKind;

/// Not part of the API: the pieces of the hot path that the benches, the fuzz targets, the
/// integration tests and the Python package's Spark job reach directly. They may change in
/// any release; use the items at the crate root instead.
#[doc(hidden)]
pub mod internals {
    pub use crate::cluster::components;
    pub use crate::crosslingual::{DocFeatures, anchors::Extractor, features, link, words::Profiler};
    pub use crate::index::{band_keys, candidate_pairs, hamming::pairs_within};
    pub use crate::normalize::normalize_into;
    pub use crate::signature::{MinHasher, exact_jaccard, simhash::SimHashAcc};
    pub use crate::spans::HashKeyed;
    pub use crate::spans::boilerplate::Strip;
    pub use crate::tokenize::Shingler;
}
