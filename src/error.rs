//! The library's error type.
//!
//! Every fallible call in the library returns [`Error`]. Errors about input records carry the
//! file and the 1-based line, so the command line can say exactly where bad input is.

use std::path::PathBuf;

/// What went wrong with one input record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordErrorKind {
    /// The line is not valid JSON.
    #[error("invalid JSON: {0}")]
    InvalidJson(String),
    /// The JSON value is not an object.
    #[error("record is not a JSON object")]
    NotAnObject,
    /// The configured text field is absent.
    #[error("missing text field {0:?}")]
    MissingTextField(String),
    /// The text field is present but is not a string.
    #[error("text field {0:?} is not a string")]
    TextNotString(String),
    /// The id field is present but is neither a string nor a number.
    #[error("id field {0:?} is neither a string nor a number")]
    BadId(String),
    /// The language field (`--lang-field`) is present but is neither a string nor null.
    #[error("language field {0:?} is not a string")]
    LangNotString(String),
    /// The bytes are not valid UTF-8.
    #[error("invalid UTF-8 at byte {0} of the line")]
    InvalidUtf8(usize),
    /// The record is 4 GiB or longer (its length is kept in 32 bits).
    #[error("record of {0} bytes: records are limited to 4 GiB")]
    TooLong(u64),
}

/// A bad record: where it is and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {kind}")]
pub struct RecordError {
    /// The input's display name (a path, or `-` for stdin).
    pub file: String,
    /// 1-based line number of the record (for a folder input, the line of the bad byte).
    pub line: u64,
    /// What is wrong.
    pub kind: RecordErrorKind,
}

/// The error type of every fallible call in neardup.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A record of the input is malformed.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// An input or output file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A Parquet input or output could not be read or written (a corrupt file, a compression
    /// it does not use, a missing column or a column of another type).
    #[error("{file}: {msg}")]
    Parquet {
        /// The file's display name.
        file: String,
        /// What is wrong.
        msg: String,
    },
    /// A configuration value is out of range or inconsistent.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// An output path is also one of the inputs.
    #[error("refusing to overwrite input file {0}")]
    OutputIsInput(PathBuf),
    /// Two outputs lead to one file.
    #[error("two outputs lead to one file: {} and {}", .0.display(), .1.display())]
    OutputsCollide(PathBuf, PathBuf),
    /// A gold or clusters file for evaluation is malformed.
    #[error("{file}:{line}: {msg}")]
    Eval {
        /// The file.
        file: String,
        /// 1-based line.
        line: u64,
        /// What is wrong.
        msg: String,
    },
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// Result alias for the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;
