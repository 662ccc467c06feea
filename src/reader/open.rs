//! Opening inputs: paths to [`Source`]s.
//!
//! In: the paths given (files, folders, `-`) and the [`ReadOptions`]. Out: one [`Source`] per
//! file, its bytes memory-mapped; stdin, pipes and `.gz`/`.zst` files streamed into an anonymous
//! temporary file first; Parquet files read into a JSONL spool of their rows ([`super::parquet`]);
//! folders walked in sorted order.

use super::{BOM, Data, Format, ReadOptions, Source, parquet};
use crate::error::{Error, Result};
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Opens every input: maps files, spools stdin and compressed files, expands folders.
pub fn open_inputs(paths: &[PathBuf], opts: &ReadOptions) -> Result<Vec<Source>> {
    open_inputs_with(paths, opts, Paging::Populate)
}

/// How a mapped input's pages come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paging {
    /// All at once when the file is mapped (fewest page faults; the whole file resident).
    Populate,
    /// As they are read (a run under a memory limit, which gives them back once read).
    OnDemand,
}

/// [`open_inputs`], with the inputs' pages brought in as `paging` says.
pub fn open_inputs_with(paths: &[PathBuf], opts: &ReadOptions, paging: Paging) -> Result<Vec<Source>> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            let mut file = spool_file(io::stdin().lock()).map_err(|e| Error::io("-", e))?;
            let (data, parquet) =
                if opts.format.is_none() && parquet::has_magic(&mut file).map_err(|e| Error::io("-", e))? {
                    (map_parquet(&file, "-", opts, paging)?, Some(file))
                } else {
                    (map_file(&file, paging).map_err(|e| Error::io("-", e))?, None)
                };
            let format = match parquet {
                Some(_) => Format::Jsonl,
                None => opts.format.unwrap_or_else(|| sniff(bytes_of(&data))),
            };
            out.push(Source {
                name: "-".into(),
                path: None,
                folder_id: None,
                format,
                data,
                parquet,
            });
            continue;
        }
        for input in list_inputs(std::slice::from_ref(p), opts)? {
            out.push(open_input_with(&input, opts, paging)?);
        }
    }
    Ok(out)
}

/// One input file, before it is opened: what the reader lists and opens
/// (an engine that spreads a run over machines lists on one and opens on others).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The file.
    pub path: PathBuf,
    /// Its name in locations and ids (the path as given, or as found in a folder).
    pub name: String,
    /// For a file found in a folder: its path inside the folder (`/`-separated).
    pub in_folder: Option<String>,
}

/// The files behind `paths` (files and folders, walked in sorted order; not `-`), in input
/// order, without opening them.
pub fn list_inputs(paths: &[PathBuf], opts: &ReadOptions) -> Result<Vec<Input>> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            return Err(Error::Config("standard input cannot be listed as files".into()));
        }
        let meta = std::fs::metadata(p).map_err(|e| Error::io(p, e))?;
        if meta.is_dir() || opts.format == Some(Format::Folder) {
            if !meta.is_dir() {
                return Err(Error::Config(format!("{} is not a folder", p.display())));
            }
            let mut files = Vec::new();
            walk(p, &mut files)?;
            for f in files {
                let rel = f.strip_prefix(p).unwrap_or(&f);
                let rel = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push(Input {
                    name: f.display().to_string(),
                    path: f,
                    in_folder: Some(rel),
                });
            }
            continue;
        }
        out.push(Input {
            path: p.clone(),
            name: p.display().to_string(),
            in_folder: None,
        });
    }
    Ok(out)
}

/// Opens one input of [`list_inputs`] as [`open_inputs`] opens it.
pub fn open_input(input: &Input, opts: &ReadOptions) -> Result<Source> {
    open_input_with(input, opts, Paging::Populate)
}

/// [`open_input`], with the input's pages brought in as `paging` says.
fn open_input_with(input: &Input, opts: &ReadOptions, paging: Paging) -> Result<Source> {
    let f = &input.path;
    let (data, parquet) = open_file(f, opts, paging)?;
    let (format, folder_id) = match &input.in_folder {
        Some(rel) => {
            // `--format jsonl` or `lines` applies to the files inside; without a format each
            // file is read as it would be on the command line, except that a file of neither
            // kind is one document (its id the path inside the folder). A Parquet file is read
            // as Parquet whatever the format.
            let format = match opts.format {
                _ if parquet.is_some() => Format::Jsonl,
                Some(f @ (Format::Jsonl | Format::Lines)) => f,
                Some(Format::Folder) => Format::Folder,
                None if is_jsonl_name(&plain_name(f)) => Format::Jsonl,
                None => Format::Folder,
            };
            (format, (format == Format::Folder).then(|| rel.clone()))
        }
        None => (
            match parquet {
                Some(_) => Format::Jsonl,
                None => opts.format.unwrap_or_else(|| format_of(f, bytes_of(&data))),
            },
            None,
        ),
    };
    Ok(Source {
        name: input.name.clone(),
        path: Some(f.clone()),
        folder_id,
        format,
        data,
        parquet,
    })
}

/// Whether an input is read whole by one worker: compressed (`.gz`, `.zst`) or Parquet
/// (decoded into a spool), or one document per file (in a folder, a file not named as JSONL
/// without a `--format`). Any other input can be read in byte ranges ([`super::boundary`]).
pub fn read_whole(input: &Input, opts: &ReadOptions) -> Result<bool> {
    let lower = input.path.to_string_lossy().to_ascii_lowercase();
    if lower.ends_with(".gz") || lower.ends_with(".zst") {
        return Ok(true);
    }
    let mut file = File::open(&input.path).map_err(|e| Error::io(&input.path, e))?;
    if parquet::is_parquet(&input.path, &mut file, opts.format.is_none()).map_err(|e| Error::io(&input.path, e))? {
        return Ok(true);
    }
    Ok(input.in_folder.is_some()
        && match opts.format {
            Some(f) => f == Format::Folder,
            None => !is_jsonl_name(&plain_name(&input.path)),
        })
}

fn bytes_of(d: &Data) -> &[u8] {
    match d {
        Data::Map(m, _) => m,
        Data::Owned(v) => v,
    }
}

/// Every regular file below `dir`, in sorted order. A folder met again inside itself (a
/// symbolic link to an ancestor) is an error naming the link, not an endless descent.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let mut ancestors = Vec::new();
    walk_in(dir, out, &mut ancestors)
}

fn walk_in(dir: &Path, out: &mut Vec<PathBuf>, ancestors: &mut Vec<PathBuf>) -> Result<()> {
    let here = dir.canonicalize().map_err(|e| Error::io(dir, e))?;
    if ancestors.contains(&here) {
        return Err(Error::io(
            dir,
            io::Error::other(format!("a folder loop: this is {} again", here.display())),
        ));
    }
    ancestors.push(here);
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .map(|e| e.map(|e| e.path()))
        .collect::<io::Result<_>>()
        .map_err(|e| Error::io(dir, e))?;
    entries.sort();
    for e in entries {
        let meta = std::fs::metadata(&e).map_err(|err| Error::io(&e, err))?;
        if meta.is_dir() {
            walk_in(&e, out, ancestors)?;
        } else if meta.is_file() {
            out.push(e);
        }
    }
    ancestors.pop();
    Ok(())
}

/// The file's name without `.gz`/`.zst`, lowercased.
fn plain_name(path: &Path) -> String {
    let name = path.to_string_lossy().to_ascii_lowercase();
    match name.strip_suffix(".gz").or_else(|| name.strip_suffix(".zst")) {
        Some(n) => n.to_string(),
        None => name,
    }
}

/// Whether a file's [`plain_name`] names JSONL (`.jsonl`, `.ndjson`, `.json`).
fn is_jsonl_name(plain: &str) -> bool {
    plain.ends_with(".jsonl") || plain.ends_with(".ndjson") || plain.ends_with(".json")
}

pub(super) fn format_of(path: &Path, data: &[u8]) -> Format {
    let name = plain_name(path);
    if is_jsonl_name(&name) {
        Format::Jsonl
    } else if name.ends_with(".txt") {
        Format::Lines
    } else {
        sniff(data)
    }
}

/// JSONL if the first non-blank byte (after a byte order mark) is `{`, lines otherwise.
fn sniff(data: &[u8]) -> Format {
    let data = data.strip_prefix(BOM).unwrap_or(data);
    match data.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => Format::Jsonl,
        _ => Format::Lines,
    }
}

/// Maps a file, decompressing `.gz`/`.zst` into a spool first; a Parquet file (by name, or by
/// its magic bytes when no format is given) is read into a JSONL spool of its rows, and returned
/// beside it.
fn open_file(path: &Path, opts: &ReadOptions, paging: Paging) -> Result<(Data, Option<File>)> {
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let lower = path.to_string_lossy().to_ascii_lowercase();
    if lower.ends_with(".gz") {
        let data = spool(flate2::read::MultiGzDecoder::new(io::BufReader::new(file)), paging)
            .map_err(|e| Error::io(path, e))?;
        return Ok((data, None));
    }
    if lower.ends_with(".zst") {
        let dec = zstd::stream::read::Decoder::new(file).map_err(|e| Error::io(path, e))?;
        return Ok((spool(dec, paging).map_err(|e| Error::io(path, e))?, None));
    }
    if parquet::is_parquet(path, &mut file, opts.format.is_none()).map_err(|e| Error::io(path, e))? {
        let data = map_parquet(&file, &path.display().to_string(), opts, paging)?;
        return Ok((data, Some(file)));
    }
    Ok((map_file(&file, paging).map_err(|e| Error::io(path, e))?, None))
}

/// The rows of a Parquet file, spooled as JSONL ([`parquet::spool_rows`]) and mapped.
fn map_parquet(file: &File, name: &str, opts: &ReadOptions, paging: Paging) -> Result<Data> {
    let rows = parquet::spool_rows(file, name, opts)?;
    map_file(&rows, paging).map_err(|e| Error::io(name, e))
}

fn map_file(file: &File, paging: Paging) -> io::Result<Data> {
    let meta = file.metadata()?;
    // A pipe, a process substitution or a character device reports no length and cannot be
    // mapped: it is read through to its end, like `-`.
    if !meta.is_file() {
        return spool(file, paging);
    }
    if meta.len() == 0 {
        return Ok(Data::Owned(Vec::new()));
    }
    // SAFETY: the map is read-only and lives as long as the `Source`. neardup never writes to
    // its inputs (it refuses outputs that name an input); if another process truncates or
    // rewrites a file while it is mapped, reads may see the new bytes or fault, the documented
    // hazard of mapping files, which every mmap-based reader (ripgrep among them) accepts.
    // Where mapping fails (some special files), the file is read into memory instead.
    let mut options = memmap2::MmapOptions::new();
    if paging == Paging::Populate {
        options.populate();
    }
    match unsafe { options.map(file) } {
        Ok(m) => Ok(Data::Map(m, file.try_clone()?)),
        Err(_) => {
            let mut v = Vec::new();
            let mut f = file;
            f.read_to_end(&mut v)?;
            Ok(Data::Owned(v))
        }
    }
}

/// Streams `r` into an anonymous temporary file and maps it.
fn spool(r: impl Read, paging: Paging) -> io::Result<Data> {
    map_file(&spool_file(r)?, paging)
}

/// Streams `r` into an anonymous temporary file, returned at its start.
fn spool_file(mut r: impl Read) -> io::Result<File> {
    let mut tmp = tempfile::tempfile()?;
    io::copy(&mut r, &mut tmp)?;
    io::Seek::seek(&mut tmp, io::SeekFrom::Start(0))?;
    Ok(tmp)
}
