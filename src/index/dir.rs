//! The index's folder in the state folder: tantivy's memory-mapped directory, without an
//! fsync per file written. A commit would otherwise sync every new file and rewrite its list
//! of files once per file (tens of milliseconds on a live reload); `store` syncs the whole
//! folder once, before it saves the state that names the commit (see `sync_all`). Served,
//! the folder's files are mapped a page at a time, as queries read them (`release_cached`).

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tantivy::directory::error::{
    DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError,
};
use tantivy::directory::{
    Advice, AntiCallToken, Directory, DirectoryLock, FileHandle, Lock, MmapDirectory,
    TerminatingWrite, WatchCallback, WatchHandle, WritePtr,
};

#[derive(Debug, Clone)]
pub struct LazySyncDirectory {
    inner: MmapDirectory,
    root: PathBuf,
}

impl LazySyncDirectory {
    pub fn open(root: &Path) -> Result<LazySyncDirectory, OpenDirectoryError> {
        Ok(LazySyncDirectory {
            // Read where a query reads, no further: without read-ahead around each fault.
            inner: MmapDirectory::open_with_madvice(root, Advice::Random)?,
            root: root.to_path_buf(),
        })
    }
}

/// A file written without a sync at the end.
struct Unsynced(File);

impl Write for Unsynced {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl TerminatingWrite for Unsynced {
    fn terminate_ref(&mut self, _: AntiCallToken) -> io::Result<()> {
        self.0.flush()
    }
}

impl Directory for LazySyncDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(self.root.join(path))
            .map_err(|e| {
                if e.kind() == io::ErrorKind::AlreadyExists {
                    OpenWriteError::FileAlreadyExists(path.to_path_buf())
                } else {
                    OpenWriteError::wrap_io_error(e, path.to_path_buf())
                }
            })?;
        Ok(BufWriter::new(Box::new(Unsynced(file))))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    /// Written beside the target and renamed over it: readers see the old or the new bytes.
    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let target = self.root.join(path);
        let tmp = self.root.join(format!(
            ".{}.{}.{}.tmp",
            path.display(),
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::write(&tmp, data)?;
        std::fs::rename(&tmp, &target).inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
    }

    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.inner.acquire_lock(lock)
    }

    fn watch(&self, callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(callback)
    }
}

/// Syncs every file of the folder (dirty pages cannot be dropped), then drops the pages the
/// system caches for them.
///
/// Why: the kernel caches a file it has written or read in folios of up to 2 MB, and maps a
/// whole folio into the process at the first fault in it. A query reads a few 4 kB blocks of
/// each posting list it touches; mapped in folios, each costs hundreds of kB of resident
/// memory (at 100,000 articles, 84 reads one MB apart in one segment's postings mapped 56
/// MB). Dropped, each block is read again on its first use, in a page of its own (see the
/// `Advice::Random` above). Pages mapped at the time stay.
pub fn release_cached(root: &Path) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    sync_all(root)?;
    each_file(root, |f| {
        // SAFETY: a plain system call on a file held open; it only advises.
        unsafe { libc::posix_fadvise(f.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED) };
        Ok(())
    })
}

/// Syncs every file of the folder, then the folder itself: what the directory left undone.
pub fn sync_all(root: &Path) -> io::Result<()> {
    each_file(root, File::sync_all)?;
    File::open(root)?.sync_all()
}

/// Calls `f` on every file of the folder, opened for reading.
fn each_file(root: &Path, f: impl Fn(&File) -> io::Result<()>) -> io::Result<()> {
    for entry in std::fs::read_dir(root)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            match File::open(entry.path()) {
                Ok(file) => f(&file)?,
                // Deleted meanwhile by a merge: nothing to do.
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsRawFd;

    /// How many of `file`'s pages the system has cached, by `mincore` over a mapping of it.
    fn cached_pages(file: &File) -> usize {
        let len = file.metadata().unwrap().len() as usize;
        let page = 4096;
        // SAFETY: a read-only shared mapping of an open file, unmapped before returning;
        // `mincore` writes one byte per page into a vector of that many.
        unsafe {
            let at = libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ,
                libc::MAP_SHARED,
                file.as_raw_fd(),
                0,
            );
            assert_ne!(at, libc::MAP_FAILED);
            let mut resident = vec![0u8; len.div_ceil(page)];
            assert_eq!(libc::mincore(at, len, resident.as_mut_ptr()), 0);
            libc::munmap(at, len);
            resident.iter().filter(|&&b| b & 1 == 1).count()
        }
    }

    #[test]
    fn released_files_keep_their_bytes_but_not_their_cached_pages() {
        // In the build's folder, on the disk the index uses: a memory-backed /tmp would keep
        // its pages whatever it is told.
        let root = tempfile::tempdir_in(env!("CARGO_MANIFEST_DIR")).unwrap();
        let bytes: Vec<u8> = (0..4 << 20).map(|i: u32| (i % 251) as u8).collect();
        let path = root.path().join("segment.idx");
        std::fs::write(&path, &bytes).unwrap();
        std::fs::create_dir(root.path().join("sub")).unwrap();
        let file = File::open(&path).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
        assert!(cached_pages(&file) > 0, "a file just read is cached");

        release_cached(root.path()).unwrap();
        assert_eq!(cached_pages(&file), 0);
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
    }
}
