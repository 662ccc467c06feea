//! A lasting index of a reference corpus on disk, and the documents of a new corpus that match it.
//!
//! In: a signed corpus (signatures, exact keys, lengths, shingle counts, ids) and the settings it
//! was signed with. Out: a folder (`neardup index build`, `neardup index add`) and, when a new
//! corpus is checked against it (`neardup dedup --against`), the indexed documents that share a
//! band key or an exact key with a new document: the ones that can match, read in place.
//!
//! # Format (version 1)
//!
//! A folder holding `neardup-index.json` and one segment file per corpus built or added:
//!
//! - `neardup-index.json`: `{"format":"neardup-index","version":1,"settings":{…},
//!   "segments":["seg-000000.bin",…],"documents":N}`. `settings` are those that make a
//!   signature ([`Settings`]); a run that uses the index must have the same ones.
//! - `seg-NNNNNN.bin`, little-endian, memory-mapped when read: a 64-byte header (`NDIXSEG1`,
//!   version `u32`, `num_perm` `u32`, `bands` `u32`, `rows` `u32`, documents `n` `u64`, band
//!   entries `e` `u64`, id bytes `u64`, window entries `w` `u64`, zero padding), then in this order: the signatures
//!   (`n × num_perm` `u32`), exact keys (`n` `u64`), text lengths (`n` `u64`), shingle counts
//!   (`n` `u64`; 0: the document takes no part in LSH), the band table (`e` entries of key `u64`
//!   and document `u32`, sorted: every band of every document with shingles, keyed as
//!   [`crate::index::band_keys`] keys them), the exact table (`n` entries of key `u64` and
//!   document `u32`, sorted), the id offsets (`n + 1` `u64`), the ids (UTF-8) and, for an index
//!   built with `--substrings`, the window table (`w` entries of the key of a window of 50
//!   normalized tokens, `spans::substring::window_keys`, `u64`, and document `u32`,
//!   sorted; `w = 0` without).
//!
//! A segment is written to a temporary name and renamed; the manifest is rewritten the same way
//! after it, so an interrupted `index add` leaves the index as it was.

use crate::atomic::AtomicFile;
use crate::config::Config;
use crate::error::{Error, Result};
use memmap2::Mmap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The manifest's file name.
pub(crate) const MANIFEST: &str = "neardup-index.json";
/// The format version this build writes and reads.
pub(crate) const VERSION: u32 = 1;
const MAGIC: &[u8; 8] = b"NDIXSEG1";
const HEADER: usize = 64;
/// Bytes of one entry of the band and exact tables.
const ENTRY: usize = 12;

/// The settings a signature depends on: an index is used only with the same ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// `(name, value)` pairs in a fixed order.
    pub fields: Vec<(&'static str, String)>,
}

impl Settings {
    /// The settings of `config` that make its signatures and band keys.
    pub fn of(config: &Config) -> Self {
        let fields = vec![
            ("method", format!("{:?}", config.method()).to_lowercase()),
            ("minhash", format!("{:?}", config.mh.kind).to_lowercase()),
            ("num_perm", config.mh.num_perm.to_string()),
            ("bands", config.mh.bands.to_string()),
            ("rows", config.mh.rows.to_string()),
            ("word_shingle", config.mh.word_shingle.to_string()),
            ("char_shingle", config.mh.char_shingle.to_string()),
            ("seed", config.seed().to_string()),
            ("boilerplate", config.boilerplate().to_string()),
        ];
        Settings { fields }
    }

    fn to_json(&self) -> String {
        let body: Vec<String> = self
            .fields
            .iter()
            .map(|(k, v)| {
                format!(
                    "{}:{}",
                    serde_json::Value::from(*k),
                    serde_json::Value::from(v.as_str())
                )
            })
            .collect();
        format!("{{{}}}", body.join(","))
    }

    /// The differences of `other` from these settings, as `name: index value, run value`.
    fn differences(&self, other: &serde_json::Value) -> Vec<String> {
        self.fields
            .iter()
            .filter_map(|(k, v)| {
                let theirs = other.get(*k).and_then(|x| x.as_str()).unwrap_or("(absent)");
                (theirs != v).then(|| format!("{k}: the index has {theirs}, this run {v}"))
            })
            .collect()
    }
}

/// What a segment holds, per document (input order of its corpus).
pub(crate) struct SegmentData<'a> {
    /// Signatures, `num_perm` slots per document.
    pub sigs: &'a [u32],
    /// Exact keys.
    pub exact: &'a [u64],
    /// Text lengths in bytes.
    pub lens: &'a [u64],
    /// Shingle counts (0: no part in LSH).
    pub shingles: &'a [u64],
    /// Ids.
    pub ids: &'a [String],
    /// `(window key, document)` of every 50-token window, sorted (empty: no substring check).
    pub windows: &'a [(u64, u32)],
}

/// Writes `path` through `write` ([`AtomicFile`]): into a temporary file beside it, synced and
/// renamed into place, so that `path` is whole or as it was.
fn write_atomically(path: &Path, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    let mut f = AtomicFile::create(path)?;
    write(&mut f).map_err(|e| Error::io(path, e))?;
    f.commit_synced()
}

/// The little-endian `u32` at byte `at` of `bytes` (in bounds: the callers check the lengths).
fn le_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap_or([0; 4]))
}

/// The little-endian `u64` at byte `at` of `bytes`.
fn le_u64(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or([0; 8]))
}

fn bad(path: &Path, msg: impl std::fmt::Display) -> Error {
    Error::Config(format!(
        "{}: not a neardup index of format {VERSION}: {msg}",
        path.display()
    ))
}

/// A reference index opened for reading.
pub struct ReferenceIndex {
    dir: PathBuf,
    settings: serde_json::Value,
    segments: Vec<Segment>,
    /// The segments' file names, from the manifest.
    names: Vec<String>,
    /// Whether every segment holds its documents' windows.
    substrings: bool,
    /// First global document number of each segment.
    bases: Vec<u64>,
}

struct Segment {
    map: Mmap,
    n: usize,
    k: usize,
    e: usize,
    /// Window entries.
    w: usize,
    /// Bytes of the ids.
    id_bytes: usize,
}

impl Segment {
    fn sigs_at(&self) -> usize {
        HEADER
    }
    fn exact_at(&self) -> usize {
        HEADER + self.n * self.k * 4
    }
    fn lens_at(&self) -> usize {
        self.exact_at() + self.n * 8
    }
    fn shingles_at(&self) -> usize {
        self.lens_at() + self.n * 8
    }
    fn bands_at(&self) -> usize {
        self.shingles_at() + self.n * 8
    }
    fn exact_table_at(&self) -> usize {
        self.bands_at() + self.e * ENTRY
    }
    fn offsets_at(&self) -> usize {
        self.exact_table_at() + self.n * ENTRY
    }
    fn ids_at(&self) -> usize {
        self.offsets_at() + (self.n + 1) * 8
    }
    fn windows_at(&self) -> usize {
        self.ids_at() + self.id_bytes
    }
    fn u64_at(&self, at: usize) -> u64 {
        le_u64(&self.map, at)
    }
    fn entry(&self, table: usize, i: usize) -> (u64, u32) {
        let at = table + i * ENTRY;
        (le_u64(&self.map, at), le_u32(&self.map, at + 8))
    }
    /// The documents of the sorted table at `table` (`len` entries) under `key`.
    fn lookup(&self, table: usize, len: usize, key: u64, out: &mut Vec<u32>) {
        let (mut lo, mut hi) = (0, len);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.entry(table, mid).0 < key {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        while lo < len {
            let (k, d) = self.entry(table, lo);
            if k != key {
                break;
            }
            // A damaged table's document numbers past the segment are not followed.
            if (d as usize) < self.n {
                out.push(d);
            }
            lo += 1;
        }
    }
}

impl ReferenceIndex {
    /// Opens the index in `dir` for runs with `config`: the settings must be the index's.
    pub fn open(dir: &Path, config: &Config) -> Result<Self> {
        let manifest = dir.join(MANIFEST);
        let text = std::fs::read_to_string(&manifest).map_err(|e| Error::io(&manifest, e))?;
        let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| bad(&manifest, e))?;
        if json.get("format").and_then(|v| v.as_str()) != Some("neardup-index") {
            return Err(bad(&manifest, "no \"format\": \"neardup-index\""));
        }
        let version = json.get("version").and_then(|v| v.as_u64()).unwrap_or(0);
        if version != u64::from(VERSION) {
            return Err(bad(&manifest, format!("version {version}")));
        }
        let settings = json.get("settings").cloned().unwrap_or_default();
        let diff = Settings::of(config).differences(&settings);
        if !diff.is_empty() {
            return Err(Error::Config(format!(
                "{} was built with other settings ({}): give the flags it was built with",
                dir.display(),
                diff.join("; ")
            )));
        }
        let names: Vec<String> = json
            .get("segments")
            .and_then(|v| v.as_array())
            .ok_or_else(|| bad(&manifest, "no segment list"))?
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| bad(&manifest, "a segment name is not a string"))
            })
            .collect::<Result<_>>()?;
        let mut segments = Vec::new();
        let mut bases = Vec::new();
        let mut base = 0u64;
        for name in &names {
            if name.contains(['/', '\\']) || name.starts_with('.') {
                return Err(bad(&manifest, format!("segment name {name:?} leaves the folder")));
            }
            let path = dir.join(name);
            let seg = Self::open_segment(&path, config)?;
            bases.push(base);
            base += seg.n as u64;
            segments.push(seg);
        }
        Ok(ReferenceIndex {
            dir: dir.to_path_buf(),
            settings,
            substrings: json.get("substrings").and_then(|v| v.as_bool()).unwrap_or(false),
            segments,
            names,
            bases,
        })
    }

    fn open_segment(path: &Path, config: &Config) -> Result<Segment> {
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        // SAFETY: the segment is written once under a temporary name and renamed into place,
        // never changed afterwards; every read below checks its bounds against the map's length.
        let map = unsafe { Mmap::map(&file) }.map_err(|e| Error::io(path, e))?;
        if map.len() < HEADER || &map[..8] != MAGIC {
            return Err(bad(path, "bad segment header"));
        }
        let u32_at = |at: usize| le_u32(&map, at);
        let u64_at = |at: usize| le_u64(&map, at);
        let (version, k, bands, rows) = (u32_at(8), u32_at(12) as usize, u32_at(16) as usize, u32_at(20) as usize);
        if version != VERSION || k != config.mh.num_perm || bands != config.mh.bands || rows != config.mh.rows {
            return Err(bad(path, "segment signed with other settings than its manifest says"));
        }
        let (n, e, id_bytes, w) = (
            u64_at(24) as usize,
            u64_at(32) as usize,
            u64_at(40) as usize,
            u64_at(48) as usize,
        );
        let seg = Segment {
            map,
            n,
            k,
            e,
            w,
            id_bytes,
        };
        let end = n
            .checked_mul(k * 4 + 8 * 3 + ENTRY + 8)
            .and_then(|x| x.checked_add(e.checked_mul(ENTRY)?))
            .and_then(|x| x.checked_add(w.checked_mul(ENTRY)?))
            .and_then(|x| x.checked_add(id_bytes)?.checked_add(HEADER + 8));
        if end != Some(seg.map.len()) {
            return Err(bad(path, "segment length does not match its header"));
        }
        // The id offsets must rise from 0 to the id bytes, so that every id read is in place.
        let mut last = 0u64;
        for d in 0..=n {
            let off = seg.u64_at(seg.offsets_at() + d * 8);
            if off < last || (d == 0 && off != 0) || off > id_bytes as u64 {
                return Err(bad(path, "id offsets out of order"));
            }
            last = off;
        }
        if last != id_bytes as u64 {
            return Err(bad(path, "id offsets out of order"));
        }
        Ok(seg)
    }

    /// The folder it was opened from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Documents indexed.
    pub fn len(&self) -> u64 {
        self.bases
            .last()
            .map_or(0, |b| b + self.segments.last().map_or(0, |s| s.n as u64))
    }

    /// Whether no document is indexed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether it holds the 50-token windows of its documents (built with `--substrings`): in
    /// every segment.
    pub fn has_windows(&self) -> bool {
        self.substrings
    }

    /// The first indexed document (global number) holding one of `keys` (a document's window
    /// keys, sorted), if any: a span of at least 50 tokens shared with it.
    pub fn window_hit(&self, keys: &[u64]) -> Option<u64> {
        let mut found = Vec::new();
        let mut best: Option<u64> = None;
        for (seg, &base) in self.segments.iter().zip(&self.bases) {
            for &key in keys {
                found.clear();
                seg.lookup(seg.windows_at(), seg.w, key, &mut found);
                if let Some(&d) = found.iter().min() {
                    let g = base + u64::from(d);
                    best = Some(best.map_or(g, |b| b.min(g)));
                }
            }
        }
        best
    }

    /// The settings recorded in the manifest (as JSON).
    pub fn settings(&self) -> &serde_json::Value {
        &self.settings
    }

    fn place(&self, g: u64) -> (&Segment, usize) {
        let s = self.bases.partition_point(|&b| b <= g) - 1;
        (&self.segments[s], (g - self.bases[s]) as usize)
    }

    /// Indexed document `g`'s signature slots (appended to `out`).
    pub fn signature(&self, g: u64, out: &mut Vec<u32>) {
        let (seg, d) = self.place(g);
        let at = seg.sigs_at() + d * seg.k * 4;
        out.extend(
            seg.map[at..at + seg.k * 4]
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])),
        );
    }

    /// Indexed document `g`'s exact key, text length and shingle count.
    pub fn doc(&self, g: u64) -> (u64, u64, u64) {
        let (seg, d) = self.place(g);
        (
            seg.u64_at(seg.exact_at() + d * 8),
            seg.u64_at(seg.lens_at() + d * 8),
            seg.u64_at(seg.shingles_at() + d * 8),
        )
    }

    /// Indexed document `g`'s id.
    pub fn id(&self, g: u64) -> String {
        let (seg, d) = self.place(g);
        let (from, to) = (
            seg.u64_at(seg.offsets_at() + d * 8),
            seg.u64_at(seg.offsets_at() + d * 8 + 8),
        );
        let at = seg.ids_at();
        String::from_utf8_lossy(&seg.map[at + from as usize..at + to as usize]).into_owned()
    }

    /// The indexed documents (global numbers, sorted, each once) that share a band key (in
    /// `band_keys`, sorted) or an exact key (in `exact_keys`, sorted) with a new document.
    pub fn matching(&self, band_keys: &[u64], exact_keys: &[u64]) -> Vec<u64> {
        let mut out = Vec::new();
        let mut found = Vec::new();
        for (seg, &base) in self.segments.iter().zip(&self.bases) {
            found.clear();
            for (keys, table, len) in [
                (band_keys, seg.bands_at(), seg.e),
                (exact_keys, seg.exact_table_at(), seg.n),
            ] {
                let mut last = None;
                for &key in keys {
                    if last != Some(key) {
                        seg.lookup(table, len, key, &mut found);
                        last = Some(key);
                    }
                }
            }
            out.extend(found.iter().map(|&d| base + u64::from(d)));
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The band keys of every active document (`shingles > 0`), over all bands, as `(key, doc)`
/// sorted: the keys [`crate::index::band_keys`] makes, band by band.
pub(crate) fn all_band_keys(sigs: &[u32], shingles: &[u64], config: &Config) -> Vec<(u64, u32)> {
    let active: bitvec::vec::BitVec = shingles.iter().map(|&s| s > 0).collect();
    let mut keys: Vec<(u64, u32)> = (0..config.mh.bands)
        .flat_map(|band| {
            crate::index::band_keys(sigs, config.mh.num_perm, band, config.mh.rows, &active, config.seed())
        })
        .collect();
    keys.sort_unstable();
    keys
}

/// Writes one segment of `data` to `path` (through a temporary file renamed into place).
fn write_segment(path: &Path, data: &SegmentData<'_>, config: &Config) -> Result<()> {
    let n = data.lens.len();
    let bands = all_band_keys(data.sigs, data.shingles, config);
    let mut exact: Vec<(u64, u32)> = data.exact.iter().enumerate().map(|(d, &k)| (k, d as u32)).collect();
    exact.sort_unstable();
    let id_bytes: usize = data.ids.iter().map(String::len).sum();
    let mut header = Vec::with_capacity(HEADER);
    header.extend_from_slice(MAGIC);
    for v in [
        VERSION,
        config.mh.num_perm as u32,
        config.mh.bands as u32,
        config.mh.rows as u32,
    ] {
        header.extend_from_slice(&v.to_le_bytes());
    }
    for v in [n as u64, bands.len() as u64, id_bytes as u64, data.windows.len() as u64] {
        header.extend_from_slice(&v.to_le_bytes());
    }
    header.resize(HEADER, 0);
    write_atomically(path, |w| {
        w.write_all(&header)?;
        for s in data.sigs {
            w.write_all(&s.to_le_bytes())?;
        }
        for list in [data.exact, data.lens, data.shingles] {
            for v in list {
                w.write_all(&v.to_le_bytes())?;
            }
        }
        for (k, d) in bands.iter().chain(&exact) {
            w.write_all(&k.to_le_bytes())?;
            w.write_all(&d.to_le_bytes())?;
        }
        let mut off = 0u64;
        w.write_all(&off.to_le_bytes())?;
        for id in data.ids {
            off += id.len() as u64;
            w.write_all(&off.to_le_bytes())?;
        }
        for id in data.ids {
            w.write_all(id.as_bytes())?;
        }
        for (k, d) in data.windows {
            w.write_all(&k.to_le_bytes())?;
            w.write_all(&d.to_le_bytes())?;
        }
        Ok(())
    })
}

/// Writes the manifest of `dir` (through a temporary file renamed into place).
fn write_manifest(
    dir: &Path,
    settings: &Settings,
    substrings: bool,
    segments: &[String],
    documents: u64,
) -> Result<()> {
    let path = dir.join(MANIFEST);
    let names: Vec<String> = segments
        .iter()
        .map(|s| serde_json::Value::from(s.as_str()).to_string())
        .collect();
    let text = format!(
        "{{\"format\":\"neardup-index\",\"version\":{VERSION},\"settings\":{},\"substrings\":{substrings},\"segments\":[{}],\"documents\":{documents}}}\n",
        settings.to_json(),
        names.join(",")
    );
    write_atomically(&path, |w| w.write_all(text.as_bytes()))
}

/// Creates the index `dir` (a new or empty folder) from one signed corpus; with `substrings`,
/// the index holds its documents' windows (`data.windows`) and every corpus added must too.
pub(crate) fn build(dir: &Path, data: &SegmentData<'_>, config: &Config, substrings: bool) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let busy = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?.next().is_some();
    if busy {
        return Err(Error::Config(format!(
            "{} is not empty: an index is built into a new or empty folder (`neardup index add` adds to one)",
            dir.display()
        )));
    }
    let name = "seg-000000.bin".to_string();
    write_segment(&dir.join(&name), data, config)?;
    write_manifest(dir, &Settings::of(config), substrings, &[name], data.lens.len() as u64)
}

/// Adds one signed corpus to the index `dir` as a new segment (with its windows when the index
/// holds windows: [`ReferenceIndex::has_windows`]).
pub(crate) fn add(dir: &Path, data: &SegmentData<'_>, config: &Config) -> Result<()> {
    let index = ReferenceIndex::open(dir, config)?;
    let mut names = index.names.clone();
    let name = format!("seg-{:06}.bin", names.len());
    write_segment(&dir.join(&name), data, config)?;
    names.push(name);
    write_manifest(
        dir,
        &Settings::of(config),
        index.has_windows(),
        &names,
        index.len() + data.lens.len() as u64,
    )
}

#[cfg(test)]
mod tests;
