//! Files replaced whole: [`AtomicFile`] writes to a temporary file in the destination's folder
//! and renames it over the destination only once complete, so that a failed run never leaves a
//! partial file. The outputs of a run and the files of an index are written through it.
//!
//! In: a destination path and bytes. Out: the file, whole or as it was. Imports nothing of the
//! crate but its error type, so every module can write through it.

use crate::error::{Error, Result};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Capacity of the buffers outputs are written through. 64 KiB: small writes are gathered,
/// while runs of kept records (slices of the mapped input, usually larger) bypass the buffer
/// and go to the kernel uncopied.
pub const BUF_BYTES: usize = 1 << 16;

/// A file written under a temporary name and renamed into place by [`AtomicFile::commit`].
/// Dropped without commit, the temporary file is removed.
///
/// A destination that exists and is not a regular file (`/dev/null`, a FIFO, a terminal) is
/// written directly: renaming over it would replace the device or pipe with a regular file. A
/// symbolic link is followed (`/dev/stdout` is one): the file it leads to is replaced, the link
/// stays.
#[derive(Debug)]
pub struct AtomicFile {
    out: io::BufWriter<Target>,
    /// The path as given (for messages).
    dest: PathBuf,
    /// Where the file goes: `dest` with symbolic links followed.
    path: PathBuf,
}

/// The standard descriptor `path` names, if it is one: `/proc/self/fd/N` or `/dev/fd/N` with
/// `N` 1 or 2 (what `/dev/stdout` and `/dev/stderr` lead to).
#[cfg(unix)]
fn open_descriptor(path: &Path) -> Option<Descriptor> {
    let n = path
        .strip_prefix("/proc/self/fd")
        .or_else(|_| path.strip_prefix("/dev/fd"))
        .ok()?;
    match n.to_str()? {
        "1" => Some(Descriptor::Stdout),
        "2" => Some(Descriptor::Stderr),
        _ => None,
    }
}

/// A standard descriptor an output path names.
#[cfg(unix)]
enum Descriptor {
    Stdout,
    Stderr,
}

#[cfg(unix)]
impl Descriptor {
    /// A copy of the descriptor, as a file.
    fn file(self) -> io::Result<std::fs::File> {
        use std::os::fd::AsFd;
        let fd = match self {
            Descriptor::Stdout => io::stdout().as_fd().try_clone_to_owned(),
            Descriptor::Stderr => io::stderr().as_fd().try_clone_to_owned(),
        }?;
        Ok(std::fs::File::from(fd))
    }
}

/// Whether `path` leads to something that is neither a file nor a folder (a pipe, a device):
/// written through as it is, never replaced.
fn is_special(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// `dest` with its symbolic links followed, as far as they lead to something: a link to a file
/// (or to a file yet to be made, in a folder that exists) gives that file's path, a link to a
/// standard descriptor (`/dev/stdout` → `/proc/self/fd/1`) that descriptor's path; a link to a
/// pipe or a device, or that leads nowhere readable, stays as it is, and is then opened through
/// (see [`AtomicFile`]).
fn follow_links(dest: &Path) -> PathBuf {
    let mut path = dest.to_path_buf();
    // A chain of links, followed a few steps (a loop stays as it is).
    for _ in 0..16 {
        #[cfg(unix)]
        if open_descriptor(&path).is_some() {
            return path;
        }
        // A link that leads to a pipe or a device (`/dev/fd/63` of a process substitution, whose
        // target reads `pipe:[…]`) is opened through as it is.
        if is_special(&path) {
            return path;
        }
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => {}
            _ => return path,
        }
        let Ok(target) = std::fs::read_link(&path) else {
            return path;
        };
        let next = match path.parent() {
            Some(dir) if target.is_relative() => dir.join(&target),
            _ => target,
        };
        // A target that is neither there nor in a folder that is, is no path.
        let there = next.exists() || next.parent().is_some_and(|d| d.is_dir());
        if !there {
            return path;
        }
        path = next;
    }
    dest.to_path_buf()
}

#[derive(Debug)]
enum Target {
    Temp(tempfile::NamedTempFile),
    Direct(std::fs::File),
}

impl Write for Target {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Target::Temp(t) => t.write(buf),
            Target::Direct(f) => f.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Target::Temp(t) => t.flush(),
            Target::Direct(f) => f.flush(),
        }
    }
}

impl AtomicFile {
    /// Starts writing `dest`.
    pub fn create(dest: &Path) -> Result<Self> {
        let path = follow_links(dest);
        // `/dev/stdout` and the like: written to that descriptor of this process (a copy of it,
        // sharing its offset and append mode), whatever it is open on.
        #[cfg(unix)]
        let own = open_descriptor(&path).map(Descriptor::file);
        #[cfg(not(unix))]
        let own: Option<io::Result<std::fs::File>> = None;
        let special = is_special(&path);
        let target = if let Some(file) = own {
            Target::Direct(file.map_err(|e| Error::io(dest, e))?)
        } else if special {
            Target::Direct(
                std::fs::OpenOptions::new()
                    .write(true)
                    .open(dest)
                    .map_err(|e| Error::io(dest, e))?,
            )
        } else {
            let dir = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            // Mode: that of the file replaced, else 0666 less the umask (as a plain create
            // would give), not the 0600 of a temporary file.
            let mut b = tempfile::Builder::new();
            b.prefix(".neardup-");
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(&path).map_or(0o666, |m| m.permissions().mode() & 0o7777);
                b.permissions(std::fs::Permissions::from_mode(mode));
            }
            Target::Temp(b.tempfile_in(dir).map_err(|e| Error::io(dest, e))?)
        };
        Ok(AtomicFile {
            out: io::BufWriter::with_capacity(BUF_BYTES, target),
            dest: dest.to_path_buf(),
            path,
        })
    }

    /// Flushes and renames the file into place (or just flushes a special file).
    pub fn commit(self) -> Result<()> {
        self.finish(false)
    }

    /// [`AtomicFile::commit`], with the file's data synced to the disk before the rename, so
    /// that after a crash the destination is the old file or the whole new one (an index's
    /// files, which later runs rely on).
    pub fn commit_synced(self) -> Result<()> {
        self.finish(true)
    }

    fn finish(self, sync: bool) -> Result<()> {
        let dest = self.dest;
        match self.out.into_inner().map_err(|e| Error::io(&dest, e.into_error()))? {
            Target::Temp(tmp) => {
                if sync {
                    tmp.as_file().sync_all().map_err(|e| Error::io(&dest, e))?;
                }
                tmp.persist(&self.path).map_err(|e| Error::io(&dest, e.error))?;
            }
            Target::Direct(mut f) => f.flush().map_err(|e| Error::io(&dest, e))?,
        }
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.out.write_all(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn written_files_are_not_private_temporaries() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.txt");
        let mut f = AtomicFile::create(&p).unwrap();
        f.write_all(b"x").unwrap();
        f.commit().unwrap();
        // Group/other read as a plain create gives under the usual umasks (not 0600).
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_ne!(mode, 0o600, "mode {mode:o}");
        // A file replaced keeps its mode.
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        let mut f = AtomicFile::create(&p).unwrap();
        f.write_all(b"y").unwrap();
        f.commit().unwrap();
        assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o640);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_followed_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let (file, link, chain) = (
            dir.path().join("real.txt"),
            dir.path().join("link"),
            dir.path().join("chain"),
        );
        std::fs::write(&file, "old").unwrap();
        std::os::unix::fs::symlink("real.txt", &link).unwrap();
        std::os::unix::fs::symlink(&link, &chain).unwrap();
        for (via, text) in [(&link, "one"), (&chain, "two")] {
            let mut f = AtomicFile::create(via).unwrap();
            f.write_all(text.as_bytes()).unwrap();
            f.commit().unwrap();
            assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
            assert!(std::fs::symlink_metadata(via).unwrap().file_type().is_symlink());
            assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
        }
        // A link to a file not yet there makes the file.
        let (new, to_new) = (dir.path().join("new.txt"), dir.path().join("to-new"));
        std::os::unix::fs::symlink(&new, &to_new).unwrap();
        let mut f = AtomicFile::create(&to_new).unwrap();
        f.write_all(b"made").unwrap();
        f.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&new).unwrap(), "made");
        assert!(std::fs::symlink_metadata(&to_new).unwrap().file_type().is_symlink());
    }

    /// A link to a pipe (what `/dev/fd/63` of a process substitution is) is written through.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_link_to_a_pipe_is_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let (fifo, link) = (dir.path().join("fifo"), dir.path().join("link"));
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            return; // no mkfifo here
        }
        std::os::unix::fs::symlink(&fifo, &link).unwrap();
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
        };
        let mut f = AtomicFile::create(&link).unwrap();
        f.write_all(b"through").unwrap();
        f.commit().unwrap(); // closes the pipe's write end: the reader sees its end
        assert_eq!(reader.join().unwrap(), "through");
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert!(!std::fs::metadata(&fifo).unwrap().is_file());
    }

    #[test]
    fn regular_files_are_replaced_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.txt");
        std::fs::write(&dest, "old").unwrap();
        let mut f = AtomicFile::create(&dest).unwrap();
        f.write_all(b"new").unwrap();
        assert_eq!(
            std::fs::read_to_string(&dest).unwrap(),
            "old",
            "not visible before commit"
        );
        f.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&dest).unwrap(), "new");
        // Dropped without commit: the destination is untouched and no temporary file remains.
        let mut g = AtomicFile::create(&dest).unwrap();
        g.write_all(b"lost").unwrap();
        drop(g);
        assert_eq!(std::fs::read_to_string(&dest).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn dev_null_stays_a_device() {
        use std::os::unix::fs::FileTypeExt;
        let mut f = AtomicFile::create(Path::new("/dev/null")).unwrap();
        f.write_all(b"discarded").unwrap();
        f.commit().unwrap();
        assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device());
    }
}
