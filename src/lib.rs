//! # neardup
//!
//! Near-duplicate detection for text corpora: read a corpus, find the documents that are near
//! copies of each other, keep one of each cluster.
//!
//! The pipeline, one module per stage (see `ARCHITECTURE.md`):
//! [`reader`] (memory-mapped JSONL, lines, folders) → [`normalize`] (NFKC, case folding) →
//! [`tokenize`] (per-script tokens, shingles) → [`signature`] (MinHash) → [`index`] (LSH
//! candidate pairs) → [`cluster`] (verification, union-find) → [`output`] (kept records, cluster
//! report); [`crosslingual`] (with `--cross-lingual`) joins translations of one article across
//! languages; [`pipeline`] wires them, [`eval`] scores clusters against gold labels.
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
pub mod cluster;
pub mod config;
pub mod crosslingual;
pub mod error;
pub mod eval;
pub mod index;
pub mod normalize;
pub mod output;
pub mod pipeline;
pub mod reader;
pub mod reference;
pub mod signature;
pub mod spans;
mod spill;
pub mod tokenize;
pub mod types;

pub use config::{
    Config, ConfigBuilder, Grouping, Keep, Method, MinHashSettings, SimHashSettings, SimHashWeights, Verify,
};
pub use error::{Error, RecordError, RecordErrorKind, Result};
pub use pipeline::{Cluster, Clustering, Corpus, Dedup, DocId, Stage, Tick};
pub use reader::{Format, OnError, ReadOptions};
pub use signature::MinHashKind;
