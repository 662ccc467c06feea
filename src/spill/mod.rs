//! The work folder of a run under a memory limit (`--memory-limit`, `--work-dir`).
//!
//! In: a memory budget in bytes and a parent folder. Out: a private folder under it (removed
//! when the run ends) holding the stores that would otherwise grow with the corpus, and the
//! count of bytes written there (`spilled_bytes`).
//!
//! - [`Stored`]: fixed-size records (the signatures, [`Slots`], and the documents' records), in
//!   memory or in a file of the work folder that is mapped and read in place. A mapped file's
//!   pages stay in the page cache, not in the run's own memory: every so many reads
//!   ([`Stored::touch`]) and after each pass over them, the run gives its mapping of those pages
//!   back (`madvise(MADV_DONTNEED)` on a shared file mapping: the data stay in the file and the
//!   page cache, the next read maps them again).
//! - [`RunWriter`] / [`RunReader`]: files of fixed-size records written once and read back in
//!   order (the sorted runs of the external sort of `index::external`); [`DirectWriter`] /
//!   [`read_direct_records`] the same past the page cache where the file system allows it
//!   (its files of band keys).
//!
//! A full disk is an error naming the file ([`Error::Io`]); the folder and everything in it is
//! removed whatever happens, so nothing half-written is left behind.

use crate::bytes::{Plain, plain_bytes};
use crate::error::{Error, Result};
use memmap2::{MmapMut, UncheckedAdvice};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// Bytes of one page.
const PAGE: usize = 4096;

/// A run's work folder: where its stores spill, and how much they may keep mapped.
#[derive(Debug)]
pub struct WorkDir {
    dir: tempfile::TempDir,
    budget: usize,
    spilled: AtomicU64,
    files: AtomicU64,
}

impl WorkDir {
    /// A new private folder under `parent` (the system's temporary folder without one) for a
    /// run that should hold about `budget` bytes in memory.
    pub fn new(parent: Option<&Path>, budget: usize) -> Result<Arc<Self>> {
        let parent = parent.map_or_else(std::env::temp_dir, Path::to_path_buf);
        let dir = tempfile::Builder::new()
            .prefix("neardup-work-")
            .tempdir_in(&parent)
            .map_err(|e| io_error(&parent, e))?;
        Ok(Arc::new(WorkDir {
            dir,
            budget,
            spilled: AtomicU64::new(0),
            files: AtomicU64::new(0),
        }))
    }

    /// The memory budget in bytes.
    pub fn budget(&self) -> usize {
        self.budget
    }

    /// Bytes written to the folder so far.
    pub fn spilled_bytes(&self) -> u64 {
        self.spilled.load(Ordering::Relaxed)
    }

    /// The folder.
    #[cfg(test)]
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A new file in the folder (named `name` and a number of its own), written through a
    /// buffer of `buffer` bytes, counted in the spilled bytes.
    pub fn create(self: &Arc<Self>, name: &str, buffer: usize) -> Result<RunWriter> {
        let path = self.new_path(name);
        let file = File::create(&path).map_err(|e| io_error(&path, e))?;
        Ok(RunWriter {
            out: BufWriter::with_capacity(buffer, file),
            path,
            written: 0,
            work: self.clone(),
        })
    }

    /// A new file in the folder for records written once and read back once in order
    /// ([`DirectWriter`]), through a buffer of about `buffer` bytes.
    pub fn create_direct(self: &Arc<Self>, name: &str, buffer: usize) -> Result<DirectWriter> {
        let path = self.new_path(name);
        let (file, direct) = open_direct(&path, true)?;
        Ok(DirectWriter {
            file,
            direct,
            buf: Aligned::new(buffer),
            len: 0,
            written: 0,
            path,
            work: self.clone(),
        })
    }

    /// The path of a new file of the folder: `name` and a number of its own.
    fn new_path(&self, name: &str) -> PathBuf {
        let seq = self.files.fetch_add(1, Ordering::Relaxed);
        self.dir.path().join(format!("{name}-{seq}"))
    }
}

/// Opens `path` (created when `create`, else read) past the page cache where the system and
/// the file system allow it (Linux `O_DIRECT`; tmpfs, for one, refuses it), else as usual;
/// and whether it is direct.
fn open_direct(path: &Path, create: bool) -> Result<(File, bool)> {
    let options = |direct: bool| {
        let mut o = File::options();
        if create {
            o.write(true).create_new(true);
        } else {
            o.read(true);
        }
        #[cfg(target_os = "linux")]
        if direct {
            use std::os::unix::fs::OpenOptionsExt;
            o.custom_flags(libc::O_DIRECT);
        }
        #[cfg(not(target_os = "linux"))]
        let _ = direct;
        o
    };
    match options(cfg!(target_os = "linux")).open(path) {
        Ok(f) => Ok((f, cfg!(target_os = "linux"))),
        Err(e) if e.raw_os_error() == Some(libc::EINVAL) => {
            if create {
                // The failed attempt may have left the file created.
                let _ = std::fs::remove_file(path);
            }
            options(false)
                .open(path)
                .map(|f| (f, false))
                .map_err(|e| io_error(path, e))
        }
        Err(e) => Err(io_error(path, e)),
    }
}

/// A buffer whose start and length are whole pages (what direct reads and writes need).
struct Aligned {
    ptr: std::ptr::NonNull<u8>,
    cap: usize,
}

// SAFETY: the buffer is owned memory like a `Vec<u8>`'s.
unsafe impl Send for Aligned {}

impl Aligned {
    /// At least `bytes` (and a page), in whole pages.
    fn new(bytes: usize) -> Self {
        let cap = bytes.max(PAGE).div_ceil(PAGE) * PAGE;
        let layout = std::alloc::Layout::from_size_align(cap, PAGE).expect("a page-aligned layout of a sane size");
        // SAFETY: the layout's size is not zero.
        let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
        let ptr = std::ptr::NonNull::new(ptr).unwrap_or_else(|| std::alloc::handle_alloc_error(layout));
        Aligned { ptr, cap }
    }

    fn bytes(&self) -> &[u8] {
        // SAFETY: `cap` initialized bytes (zeroed at allocation) owned by `self`.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.cap) }
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `bytes`, borrowed mutably through `self`.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.cap) }
    }
}

impl Drop for Aligned {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with this layout.
        unsafe {
            std::alloc::dealloc(
                self.ptr.as_ptr(),
                std::alloc::Layout::from_size_align_unchecked(self.cap, PAGE),
            )
        }
    }
}

/// A file of the work folder written once in order and read back once in order
/// ([`read_direct_records`]): the band keys of the external sort. Its bytes go to the disk
/// without a copy in the page cache, where the file system allows it: data written once and
/// read once gain nothing there, and on a machine whose page cache is full each page written
/// through it cost more than the disk (writing 2 GB of band keys took 16 s of CPU through the
/// cache, against 1.6 s of wall time past it, on the 2-core machine of docs/memory.md).
pub struct DirectWriter {
    file: File,
    direct: bool,
    buf: Aligned,
    /// Bytes held in `buf`.
    len: usize,
    written: u64,
    path: PathBuf,
    work: Arc<WorkDir>,
}

impl DirectWriter {
    /// Appends `bytes`.
    pub fn write(&mut self, mut bytes: &[u8]) -> Result<()> {
        self.work.spilled.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        self.written += bytes.len() as u64;
        while !bytes.is_empty() {
            let take = (self.buf.cap - self.len).min(bytes.len());
            self.buf.bytes_mut()[self.len..self.len + take].copy_from_slice(&bytes[..take]);
            self.len += take;
            bytes = &bytes[take..];
            if self.len == self.buf.cap {
                self.flush_whole()?;
            }
        }
        Ok(())
    }

    /// Writes the buffer's whole pages out.
    fn flush_whole(&mut self) -> Result<()> {
        let whole = self.len / PAGE * PAGE;
        self.file
            .write_all(&self.buf.bytes()[..whole])
            .map_err(|e| io_error(&self.path, e))?;
        let rest = self.len - whole;
        self.buf.bytes_mut().copy_within(whole..self.len, 0);
        self.len = rest;
        Ok(())
    }

    /// Writes what is left (a direct file's last page padded, then cut back to its length)
    /// and returns the file's path, to be read back with [`read_direct_records`].
    pub fn finish(mut self) -> Result<PathBuf> {
        self.flush_whole()?;
        if self.len > 0 {
            let end = if self.direct { PAGE } else { self.len };
            self.buf.bytes_mut()[self.len..end].fill(0);
            self.file
                .write_all(&self.buf.bytes()[..end])
                .map_err(|e| io_error(&self.path, e))?;
            if self.direct {
                self.file.set_len(self.written).map_err(|e| io_error(&self.path, e))?;
            }
        }
        Ok(self.path)
    }
}

/// Calls `f` with each record of `N` bytes of a file a [`DirectWriter`] wrote, in order, read
/// through a buffer of about `buffer` bytes past the page cache where the file system allows
/// it; removes the file's name first (the file goes when the reading ends). A file that ends
/// inside a record is an error.
pub fn read_direct_records<const N: usize>(path: &Path, buffer: usize, mut f: impl FnMut(&[u8; N])) -> Result<()> {
    let (mut file, _) = open_direct(path, false)?;
    std::fs::remove_file(path).map_err(|e| io_error(path, e))?;
    let len = file.metadata().map_err(|e| io_error(path, e))?.len();
    let mut buf = Aligned::new(buffer.max(2 * PAGE));
    // Bytes read so far, bytes held in `buf` (a cut record first).
    let (mut read, mut held) = (0u64, 0usize);
    while read < len {
        // Reads start on a page of the file and of the buffer: the cut record (fewer than
        // `N` bytes) sits just before the first page of the buffer's second part.
        let start = if held == 0 { 0 } else { held.div_ceil(PAGE) * PAGE };
        let got = match file.read(&mut buf.bytes_mut()[start..]) {
            Ok(0) => break,
            Ok(got) => got,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_error(path, e)),
        };
        let got = got.min((len - read) as usize);
        read += got as u64;
        let first = start - held;
        let end = start + got;
        let whole = (end - first) / N * N;
        for r in buf.bytes()[first..first + whole].chunks_exact(N) {
            f(r.try_into().unwrap_or(&[0u8; N]));
        }
        held = end - first - whole;
        // The cut record moves to just before the next read's start.
        let next_start = held.div_ceil(PAGE) * PAGE;
        buf.bytes_mut().copy_within(first + whole..end, next_start - held);
        if got % PAGE != 0 && read < len {
            // A short read in the middle would leave the file's offset off a page.
            return Err(io_error(path, std::io::Error::other("short read")));
        }
    }
    if held > 0 || read < len {
        return Err(io_error(
            path,
            std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "truncated record"),
        ));
    }
    Ok(())
}

fn io_error(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A file of the work folder being written in order.
#[derive(Debug)]
pub struct RunWriter {
    out: BufWriter<File>,
    path: PathBuf,
    written: u64,
    work: Arc<WorkDir>,
}

impl RunWriter {
    /// Appends `bytes`.
    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.out.write_all(bytes).map_err(|e| io_error(&self.path, e))?;
        self.written += bytes.len() as u64;
        self.work.spilled.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok(())
    }

    /// Appends 32-bit values (native byte order: the file lives as long as the run).
    pub fn write_u32s(&mut self, values: &[u32]) -> Result<()> {
        self.write_plain(values)
    }

    /// Appends 64-bit values.
    pub fn write_u64s(&mut self, values: &[u64]) -> Result<()> {
        self.write_plain(values)
    }

    /// Appends plain records as their bytes (native byte order, read back by
    /// [`RunWriter::into_store`]).
    pub(crate) fn write_plain<T: Plain>(&mut self, values: &[T]) -> Result<()> {
        self.write(plain_bytes(values))
    }

    /// Flushes the buffer and returns the file's path, to be read back.
    pub fn finish(mut self) -> Result<PathBuf> {
        self.out.flush().map_err(|e| io_error(&self.path, e))?;
        Ok(self.path)
    }

    /// Flushes and maps the file as signature slots.
    pub fn into_slots(self) -> Result<Slots> {
        self.into_store()
    }

    /// Flushes and maps the file as a store of the records written to it.
    pub(crate) fn into_store<T: Plain>(mut self) -> Result<Stored<T>> {
        self.out.flush().map_err(|e| io_error(&self.path, e))?;
        let len = (self.written / size_of::<T>() as u64) as usize;
        if len == 0 {
            return Ok(Stored::default());
        }
        let file = File::options()
            .read(true)
            .write(true)
            .open(&self.path)
            .map_err(|e| io_error(&self.path, e))?;
        // SAFETY: the file is private to this run (a fresh file in its own temporary folder)
        // and nothing else writes it while it is mapped.
        let map = unsafe { MmapMut::map_mut(&file) }.map_err(|e| io_error(&self.path, e))?;
        // Reads are scattered (one record at a time): no read-ahead around each.
        let _ = map.advise(memmap2::Advice::Random);
        Ok(Stored::Mapped(Mapped {
            map,
            len,
            touches: AtomicUsize::new(0),
            half_budget: self.work.budget / 2,
            values: PhantomData,
        }))
    }
}

/// A file of fixed-size records read back in order through a buffer.
#[derive(Debug)]
pub struct RunReader {
    input: BufReader<File>,
    path: PathBuf,
}

impl RunReader {
    /// Opens a file that a [`RunWriter`] wrote, to be read through a buffer of `buffer` bytes,
    /// and removes its name (the file goes when the reader does).
    pub fn open(path: &Path, buffer: usize) -> Result<Self> {
        let file = File::open(path).map_err(|e| io_error(path, e))?;
        std::fs::remove_file(path).map_err(|e| io_error(path, e))?;
        Ok(RunReader {
            input: BufReader::with_capacity(buffer, file),
            path: path.to_path_buf(),
        })
    }

    /// Reads the next `N` bytes; `None` at the end of the file.
    pub fn read_record<const N: usize>(&mut self) -> Result<Option<[u8; N]>> {
        if self.input.fill_buf().map_err(|e| io_error(&self.path, e))?.is_empty() {
            return Ok(None);
        }
        let mut buf = [0u8; N];
        self.input.read_exact(&mut buf).map_err(|e| match e.kind() {
            std::io::ErrorKind::UnexpectedEof => {
                io_error(&self.path, std::io::Error::new(e.kind(), "truncated record"))
            }
            _ => io_error(&self.path, e),
        })?;
        Ok(Some(buf))
    }
}

/// Plain records (see [`Plain`]), in memory or in a mapped file of the work folder. Read and
/// written as a slice either way.
pub enum Stored<T: Plain> {
    /// In memory.
    Memory(Vec<T>),
    /// In a file of the work folder.
    Mapped(Mapped<T>),
}

/// Signature slots (32-bit values, `num_perm` per document), in memory or in a mapped file of
/// the work folder.
pub type Slots = Stored<u32>;

/// Records in a mapped file (see [`Stored`]).
pub struct Mapped<T> {
    map: MmapMut,
    len: usize,
    touches: AtomicUsize,
    half_budget: usize,
    values: PhantomData<T>,
}

/// Pages of a range per scattered read, at most, for [`Stored::read_ahead`] to read the range
/// ahead. On the machine of docs/memory.md a page read alone from the disk took 250 µs, and
/// 6.4 µs read in order (640 MB/s, direct reads of 1 MB): one read per 40 pages would break
/// even, one per 16 reads a range ahead only where it clearly gains.
pub const DENSE_PAGES: usize = 16;

/// Reads of mapped records between two looks at the resident pages.
pub const CHECK_EVERY: usize = 256;

/// Gives the heap's free pages back to the system (glibc's `malloc_trim`): memory freed in the
/// middle of the heap, between blocks still in use, otherwise stays resident until reused. Runs
/// under a memory limit call it between stages (on 2 M short documents under `--memory-limit
/// 256M` it gave back 42 MB after reading). Elsewhere a no-op.
pub fn give_back_freed_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free memory of the allocator's own arenas to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Bytes of file-backed pages the process has resident (Linux: `/proc/self/statm`'s shared
/// pages); `None` where the system does not say.
pub fn resident_file_bytes() -> Option<usize> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let shared: usize = statm.split_whitespace().nth(2)?.parse().ok()?;
    Some(shared * PAGE)
}

impl<T: Plain> Default for Stored<T> {
    fn default() -> Self {
        Stored::Memory(Vec::new())
    }
}

impl<T: Plain> std::fmt::Debug for Stored<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stored::Memory(v) => f.debug_tuple("Memory").field(&v.len()).finish(),
            Stored::Mapped(m) => f.debug_tuple("Mapped").field(&m.len).finish(),
        }
    }
}

impl<T: Plain> From<Vec<T>> for Stored<T> {
    fn from(v: Vec<T>) -> Self {
        Stored::Memory(v)
    }
}

impl<T: Plain> Deref for Stored<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        match self {
            Stored::Memory(v) => v,
            // SAFETY: the map is page-aligned (so aligned for any record of at most a page's
            // alignment) and holds `len` records written as their bytes; records are Plain,
            // valid for any bytes.
            Stored::Mapped(m) => unsafe { std::slice::from_raw_parts(m.map.as_ptr().cast::<T>(), m.len) },
        }
    }
}

impl<T: Plain> DerefMut for Stored<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        match self {
            Stored::Memory(v) => v,
            // SAFETY: as in `deref`, and `&mut self` makes this the only reference.
            Stored::Mapped(m) => unsafe { std::slice::from_raw_parts_mut(m.map.as_mut_ptr().cast::<T>(), m.len) },
        }
    }
}

impl<T: Plain> Stored<T> {
    /// Whether the records live in a file.
    #[cfg(test)]
    pub fn is_mapped(&self) -> bool {
        matches!(self, Stored::Mapped(_))
    }

    /// Counts `reads` scattered reads of the records. Every [`CHECK_EVERY`] reads, the run's
    /// resident file pages are looked up (`/proc/self/statm`), and once they pass half the
    /// budget the mapping's pages are given back. (A read may map far more than one page: the
    /// page cache holds a file written in order in large folios, which a fault maps whole.)
    /// Safe to call from any thread while others read: a page given back is read again from
    /// the page cache.
    pub fn touch(&self, reads: usize) {
        if self.due(reads) {
            self.release();
        }
    }

    /// Counts `reads` as [`Stored::touch`] does, and says whether the pages are due to be
    /// given back (for a store read together with others, which are given back with it).
    pub fn due(&self, reads: usize) -> bool {
        match self {
            Stored::Mapped(m) => {
                let before = m.touches.fetch_add(reads, Ordering::Relaxed);
                (before + reads) / CHECK_EVERY != before / CHECK_EVERY && m.over_budget()
            }
            Stored::Memory(_) => false,
        }
    }

    /// Gives the mapping's pages back (after a pass over all of them).
    pub fn release(&self) {
        if let Stored::Mapped(m) = self {
            m.release();
        }
    }

    /// Maps the pages of records `start..end` in one call (before a pass over them: one system
    /// call instead of a page fault per page). Where the system cannot, the pass faults them in.
    pub fn populate_range(&self, start: usize, end: usize) {
        #[cfg(target_os = "linux")]
        if let Stored::Mapped(m) = self {
            let size = size_of::<T>();
            let (from, to) = (start * size, (end * size).min(m.map.len()));
            if to > from {
                // Read ahead in large requests first: the mapping is advised for random reads,
                // so pages not in the page cache would each be read alone, a page at a time.
                will_need(&m.map, from, to);
                let _ = m.map.advise_range(memmap2::Advice::PopulateRead, from, to - from);
            }
        }
        #[cfg(not(target_os = "linux"))]
        let _ = (start, end);
    }

    /// Reads ahead the groups of records `g * per .. (g + 1) * per` for each `g` of `groups`
    /// (ascending), before scattered reads of them: the pages they lie in are asked for
    /// without waiting (`madvise(MADV_WILLNEED)`), so that the disk serves them together
    /// instead of one fault at a time, and nothing is mapped (the pages stay in the page
    /// cache, not in the run's memory, until read). Where the groups are at least one per
    /// [`DENSE_PAGES`] pages of the range they span, the whole range is asked for in large
    /// requests; else each group's pages, neighbours in one request.
    pub fn read_ahead(&self, groups: &[u32], per: usize) {
        let Stored::Mapped(m) = self else { return };
        let (Some(&first), Some(&last)) = (groups.first(), groups.last()) else {
            return;
        };
        let size = size_of::<T>() * per;
        let bytes = |g: u32| {
            (
                g as usize * size / PAGE * PAGE,
                ((g as usize + 1) * size).div_ceil(PAGE) * PAGE,
            )
        };
        let (from, to) = (bytes(first).0, bytes(last).1);
        if groups.len().saturating_mul(DENSE_PAGES) >= (to - from) / PAGE {
            will_need(&m.map, from, to.min(m.map.len()));
            return;
        }
        // Page-aligned ranges, merged where they touch.
        let mut open: Option<(usize, usize)> = None;
        for &g in groups {
            let (from, to) = bytes(g);
            open = match open {
                Some((f, t)) if from <= t => Some((f, t.max(to))),
                Some((f, t)) => {
                    will_need(&m.map, f, t.min(m.map.len()));
                    Some((from, to))
                }
                None => Some((from, to)),
            };
        }
        if let Some((f, t)) = open {
            will_need(&m.map, f, t.min(m.map.len()));
        }
    }

    /// Gives back the pages of records `start..end` (after a pass over them in order).
    pub fn release_range(&self, start: usize, end: usize) {
        if let Stored::Mapped(m) = self {
            let size = size_of::<T>();
            let (from, to) = (start * size / PAGE * PAGE, (end * size).min(m.map.len()));
            if to > from {
                // SAFETY: as in `Mapped::release`, for part of the mapping.
                let _ = unsafe { m.map.unchecked_advise_range(UncheckedAdvice::DontNeed, from, to - from) };
            }
        }
    }
}

/// Asks for bytes `from..to` of `map` without waiting for them (`madvise(MADV_WILLNEED)`), in
/// pieces of [`WILL_NEED_BYTES`]: Linux reads ahead at most its read-ahead window per request
/// and drops the rest of a larger one. Nothing where `to` is not past `from`.
fn will_need(map: &MmapMut, from: usize, to: usize) {
    let mut at = from;
    while at < to {
        let end = (at + WILL_NEED_BYTES).min(to);
        let _ = map.advise_range(memmap2::Advice::WillNeed, at, end - at);
        at = end;
    }
}

/// Bytes asked for per read-ahead request: Linux's default read-ahead window, 128 KB (the
/// window is larger on many disks: 8 MB on the machine of docs/memory.md).
const WILL_NEED_BYTES: usize = 128 << 10;

impl<T> Mapped<T> {
    /// Whether the run's resident file-backed pages exceed half the budget (where the system
    /// does not say, every check counts as over).
    fn over_budget(&self) -> bool {
        resident_file_bytes().is_none_or(|b| b > self.half_budget)
    }

    fn release(&self) {
        // SAFETY: a shared mapping of a file: MADV_DONTNEED drops this process's page table
        // entries only (dirty pages are marked dirty in the page cache first), so the contents
        // stay those of the file, and a later access maps them again.
        let _ = unsafe { self.map.unchecked_advise(UncheckedAdvice::DontNeed) };
    }
}

#[cfg(test)]
mod tests;
