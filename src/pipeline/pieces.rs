//! The run in pieces, for engines that spread it over machines (the Python package's Spark
//! job): the input planned into pieces, each piece signed on its own, the documents of a piece
//! signed again without boilerplate lines, and a piece's kept records read back.
//!
//! In: paths, then one [`Piece`] at a time. Out: per piece, its documents in input order with
//! what the stages after signing read of each ([`SignedPiece`]): the line (within the piece),
//! the id, the exact key, the shingle count, the text length, the MinHash slots and the line
//! hashes of the boilerplate pass. A document is signed exactly as [`Dedup::run`] signs it, so
//! an engine that numbers the documents piece after piece, and joins, verifies and clusters
//! them as [`Dedup::run`] does, gets its result.

use super::Dedup;
use super::sign::{SignCtx, Signed, slots};
use crate::error::{Error, Result};
use crate::reader::{self, Chunk, Input, Source};
use crate::spans::HashKeyed;
use crate::spans::boilerplate::LinePart;
use std::path::PathBuf;

/// A piece of the input: records of one file, from byte `start` to `end` of it (cut at record
/// boundaries when read, `reader::boundary`), or the whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// The file.
    pub input: Input,
    /// Index of the file among the inputs.
    pub file: u32,
    /// First byte (before the cut).
    pub start: u64,
    /// One past the last byte (before the cut).
    pub end: u64,
    /// Whether the file is read whole (compressed, Parquet, one document per file).
    pub whole: bool,
}

/// One document of a signed piece.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PieceDoc {
    /// 1-based line within the piece (add the lines of the file's pieces before it).
    pub line: u64,
    /// Its id (id field, or path in a folder); `None` when the id is its location
    /// (`FILE:LINE`, known once the line is).
    pub id: Option<String>,
    /// The exact key (the hash of its normalized tokens).
    pub exact: u64,
    /// Shingles signed (0: the document takes no part in matching).
    pub shingles: u64,
    /// Text length in bytes.
    pub text_len: u64,
}

/// A piece signed.
#[derive(Debug, Clone, Default)]
pub struct SignedPiece {
    /// Lines in the piece.
    pub lines: u64,
    /// Bad records: line within the piece and what is wrong (none kept with `--on-error fail`:
    /// [`Dedup::sign_piece`] answers the first as an error).
    pub errors: Vec<(u64, String)>,
    /// The documents, in input order.
    pub docs: Vec<PieceDoc>,
    /// `num_perm` slots per document (none under SimHash alone).
    pub sigs: Vec<u32>,
    /// The hashes and bytes of each document's lines (with boilerplate handling; else empty).
    pub doc_lines: LinePart,
}

impl Dedup {
    /// The pieces of `paths` (files and folders; not stdin), about `target` bytes each, in
    /// input order: a file read by lines in byte ranges, any other file whole.
    pub fn plan(&self, paths: &[PathBuf], target: u64) -> Result<Vec<Piece>> {
        let target = target.max(1);
        let mut out = Vec::new();
        for (file, input) in reader::list_inputs(paths, &self.read)?.into_iter().enumerate() {
            let file = u32::try_from(file).map_err(|_| Error::Config("more than 2^32 input files".into()))?;
            let whole = reader::read_whole(&input, &self.read)?;
            let len = std::fs::metadata(&input.path)
                .map_err(|e| Error::io(&input.path, e))?
                .len();
            let mut start = 0;
            loop {
                let end = if whole { len } else { (start + target).min(len) };
                out.push(Piece {
                    input: input.clone(),
                    file,
                    start,
                    end,
                    whole,
                });
                if end >= len {
                    break;
                }
                start = end;
            }
        }
        Ok(out)
    }

    /// The source and the chunk of it a piece reads.
    fn open_piece(&self, piece: &Piece) -> Result<(Source, Chunk)> {
        let source = reader::open_input(&piece.input, &self.read)?;
        let len = source.bytes().len();
        let (start, end) = if piece.whole {
            (reader::boundary(&source, 0), len)
        } else {
            let at = |x: u64| reader::boundary(&source, usize::try_from(x).unwrap_or(usize::MAX).min(len));
            (at(piece.start), at(piece.end))
        };
        Ok((
            source,
            Chunk {
                source: 0,
                start,
                end: end.max(start),
            },
        ))
    }

    /// Signs the documents of one piece as [`Dedup::run`] signs them.
    ///
    /// ```
    /// use neardup::{Config, Dedup};
    /// let seeds = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/seeds.jsonl"));
    /// let dedup = Dedup::new(Config::default());
    /// // Pieces of about 20 KB: the seeds' six records in several byte ranges, signed apart.
    /// let pieces = dedup.plan(&[seeds.clone()], 20_000)?;
    /// assert!(pieces.len() > 1);
    /// let signed: Vec<_> = pieces.iter().map(|p| dedup.sign_piece(p)).collect::<Result<_, _>>()?;
    /// let sigs: Vec<u32> = signed.iter().flat_map(|s| s.sigs.iter().copied()).collect();
    /// // The same signatures as signing the file whole.
    /// assert_eq!(sigs, dedup.sign_sources(dedup.open(&[seeds])?)?.signatures());
    /// # Ok::<(), neardup::Error>(())
    /// ```
    pub fn sign_piece(&self, piece: &Piece) -> Result<SignedPiece> {
        let (source, chunk) = self.open_piece(piece)?;
        self.sign_chunk(&source, chunk)
    }

    /// Signs in-memory texts as one piece (document `i` is `texts[i]`, on line `i + 1`; no
    /// ids), as [`Dedup::cluster_texts`] signs them.
    ///
    /// ```
    /// use neardup::{Config, Dedup};
    /// let dedup = Dedup::new(Config::default());
    /// let texts = ["One article about the harbour.\nShare this page", "Another about the weather."];
    /// let signed = dedup.sign_texts_piece(&texts)?;
    /// assert_eq!(signed.docs.len(), 2);
    /// // The same signatures as sign_texts, and each document's lines for the boilerplate pass.
    /// assert_eq!(signed.sigs, dedup.sign_texts(&texts)?);
    /// assert_eq!(signed.doc_lines.doc(0).0.len(), 2);
    /// # Ok::<(), neardup::Error>(())
    /// ```
    pub fn sign_texts_piece<S: AsRef<str>>(&self, texts: &[S]) -> Result<SignedPiece> {
        let (dedup, source) = self.texts_source(texts.iter().map(|t| (t.as_ref(), None, None)))?;
        dedup.sign_chunk(&source, whole(&source))
    }

    /// In-memory texts as a source of JSONL records (`text`, `lang` where a label is given,
    /// `id` where an id is), with a copy of this pass that reads it: how the library reads texts
    /// as the CLI reads a file of them.
    pub(super) fn texts_source<'t>(
        &self,
        texts: impl Iterator<Item = (&'t str, Option<&'t str>, Option<&'t str>)>,
    ) -> Result<(Dedup, Source)> {
        let mut data = Vec::new();
        for (t, label, id) in texts {
            let mut record = serde_json::Map::new();
            if let Some(id) = id {
                record.insert("id".into(), id.into());
            }
            record.insert("text".into(), t.into());
            if let Some(l) = label {
                record.insert("lang".into(), l.into());
            }
            // Writing a map of strings to memory cannot fail.
            serde_json::to_writer(&mut data, &record).map_err(|e| Error::Config(e.to_string()))?;
            data.push(b'\n');
        }
        let dedup = Dedup {
            read: reader::ReadOptions {
                format: Some(reader::Format::Jsonl),
                ..reader::ReadOptions::default()
            },
            ..self.clone()
        };
        Ok((dedup, Source::from_bytes("texts", reader::Format::Jsonl, data)))
    }

    fn sign_chunk(&self, source: &Source, chunk: Chunk) -> Result<SignedPiece> {
        let k = slots(&self.config);
        let mut ctx = SignCtx::new(&self.config);
        let mut out = SignedPiece::default();
        let mut slots = vec![0u32; k];
        let outcome = reader::read_chunk(source, chunk, &self.read, |r| {
            let (signed, text_len) = ctx.sign_text(r.text, &mut slots);
            out.sigs.extend_from_slice(&slots);
            let id = match r.id {
                reader::IdRef::Location => None,
                id => Some(super::corpus::id_of(source, &id).into_owned()),
            };
            out.docs.push(PieceDoc {
                line: r.line_in_chunk,
                id,
                exact: signed.exact,
                shingles: signed.shingles,
                text_len,
            });
        });
        out.lines = outcome.lines;
        for (line, kind) in outcome.errors {
            if self.read.on_error == reader::OnError::Fail {
                return Err(reader::record_error(source, line, kind).into());
            }
            out.errors.push((line, kind.to_string()));
        }
        out.doc_lines = std::mem::take(&mut ctx.lines);
        Ok(out)
    }

    /// Signs the documents `rows` (ascending indices into the piece's documents, as
    /// [`Dedup::sign_piece`] lists them, each with the fewest groups of a line it sets aside:
    /// 0 for all) again without their lines in `boilerplate` (hash → groups), as the
    /// boilerplate pass of [`Dedup::run`] does: per row, its shingle count and `num_perm` slots.
    pub fn resign_piece(
        &self,
        piece: &Piece,
        rows: &[(u32, u32)],
        boilerplate: &HashKeyed<u32>,
    ) -> Result<Vec<(u32, u64, Vec<u32>)>> {
        let (source, chunk) = self.open_piece(piece)?;
        Ok(self.resign_chunk(&source, chunk, rows, boilerplate))
    }

    /// [`Dedup::resign_piece`] for in-memory texts read as [`Dedup::sign_texts_piece`] reads
    /// them.
    ///
    /// ```
    /// use neardup::{Config, Dedup, spans::HashKeyed};
    /// let dedup = Dedup::new(Config::default());
    /// let texts = [
    ///     "The harbour reopened on Monday after the storm.\nShare this page with your friends",
    ///     "The harbour reopened on Monday after the storm.",
    /// ];
    /// let signed = dedup.sign_texts_piece(&texts)?;
    /// // Take the second line of document 0 as boilerplate (found in 3 clusters, say).
    /// let footer = signed.doc_lines.doc(0).0[1];
    /// let boilerplate: HashKeyed<u32> = [(footer, 3)].into_iter().collect();
    /// // Document 0 signed again without it: the same signature as document 1.
    /// let resigned = dedup.resign_texts(&texts, &[(0, 0)], &boilerplate)?;
    /// let k = signed.sigs.len() / 2;
    /// assert_eq!((resigned[0].0, resigned[0].1), (0, signed.docs[1].shingles));
    /// assert_eq!(resigned[0].2, signed.sigs[k..]);
    /// # Ok::<(), neardup::Error>(())
    /// ```
    pub fn resign_texts<S: AsRef<str>>(
        &self,
        texts: &[S],
        rows: &[(u32, u32)],
        boilerplate: &HashKeyed<u32>,
    ) -> Result<Vec<(u32, u64, Vec<u32>)>> {
        let (dedup, source) = self.texts_source(texts.iter().map(|t| (t.as_ref(), None, None)))?;
        Ok(dedup.resign_chunk(&source, whole(&source), rows, boilerplate))
    }

    fn resign_chunk(
        &self,
        source: &Source,
        chunk: Chunk,
        rows: &[(u32, u32)],
        boilerplate: &HashKeyed<u32>,
    ) -> Vec<(u32, u64, Vec<u32>)> {
        let k = slots(&self.config);
        let mut ctx = SignCtx::new(&self.config);
        let mut out = Vec::with_capacity(rows.len());
        let mut row = 0u32;
        let mut next = rows.iter().peekable();
        reader::read_chunk(source, chunk, &self.read, |r| {
            if let Some(&&(_, from)) = next.peek().filter(|&&&(want, _)| want == row) {
                next.next();
                let mut slots = vec![0u32; k];
                let strip = crate::spans::boilerplate::Strip {
                    lines: boilerplate,
                    from,
                };
                let Signed { shingles, .. } = ctx.sign_without(r.text, strip, &mut slots);
                out.push((row, shingles, slots));
            }
            row += 1;
        });
        out
    }

    /// Calls `f` with the line (within the piece) and the bytes (as they are in the input, or
    /// in the JSONL spool of a Parquet file) of each record of the piece whose row (index among
    /// the piece's documents) `keep` accepts, in input order.
    ///
    /// ```
    /// use neardup::{Config, Dedup};
    /// let seeds = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/seeds.jsonl"));
    /// let dedup = Dedup::new(Config::default());
    /// let piece = &dedup.plan(&[seeds], 1 << 30)?[0];
    /// // The records of rows 0 and 5 (the seeds' 000 and its copy 005), as they are in the file.
    /// let mut lines = Vec::new();
    /// dedup.piece_records(piece, |row| row == 0 || row == 5, |line, bytes| {
    ///     assert!(bytes.starts_with(b"{"));
    ///     lines.push(line);
    /// })?;
    /// assert_eq!(lines, [1, 6]);
    /// # Ok::<(), neardup::Error>(())
    /// ```
    pub fn piece_records(
        &self,
        piece: &Piece,
        mut keep: impl FnMut(u32) -> bool,
        mut f: impl FnMut(u64, &[u8]),
    ) -> Result<()> {
        let (source, chunk) = self.open_piece(piece)?;
        let bytes = source.bytes();
        let mut row = 0u32;
        reader::read_chunk(&source, chunk, &self.read, |r| {
            if keep(row) {
                f(r.line_in_chunk, &bytes[r.start..r.end]);
            }
            row += 1;
        });
        Ok(())
    }
}

/// All of a source (of [`Dedup::texts_source`]) as one chunk.
fn whole(source: &Source) -> Chunk {
    Chunk {
        source: 0,
        start: 0,
        end: source.bytes().len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::types::DocId;

    fn data(name: &str) -> PathBuf {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data")).join(name)
    }

    /// The pieces of the seeds and NTREX dev, cut every 4,099 bytes (records split across cuts)
    /// and signed one by one, hold every document of the run once, in order, signed alike.
    #[test]
    fn pieces_sign_what_the_run_signs() {
        let paths = [data("seeds.jsonl"), data("ntrex-dev/docs.jsonl")];
        let dedup = Dedup::new(Config::default());
        let corpus = dedup.read_sources(dedup.open(&paths).unwrap()).unwrap();
        let pieces = dedup.plan(&paths, 4099).unwrap();
        assert!(pieces.len() > 100);
        let (mut d, mut line, mut last_file) = (0usize, 0u64, u32::MAX);
        let k = corpus.num_perm;
        for piece in &pieces {
            if piece.file != last_file {
                (line, last_file) = (0, piece.file);
            }
            let signed = dedup.sign_piece(piece).unwrap();
            assert!(signed.errors.is_empty());
            for (row, doc) in signed.docs.iter().enumerate() {
                let m = &corpus.docs[d];
                assert_eq!(
                    (doc.exact, doc.shingles, doc.text_len),
                    (m.exact, u64::from(m.shingles), u64::from(m.text_len))
                );
                assert_eq!(line + doc.line, m.line, "document {d}");
                let id = doc
                    .id
                    .clone()
                    .unwrap_or_else(|| format!("{}:{}", piece.input.name, line + doc.line));
                assert_eq!(id, corpus.id(DocId(d as u32)));
                assert_eq!(signed.sigs[row * k..(row + 1) * k], corpus.sigs[d * k..(d + 1) * k]);
                assert_eq!(signed.doc_lines.doc(row), corpus.lines.doc(d));
                d += 1;
            }
            line += signed.lines;
        }
        assert_eq!(d, corpus.len());
    }
}
