//! Articles' names (what entity analysis found in each, before the merge across articles)
//! kept in a file beside the saved state rather than in memory: only a merge reads them,
//! and at 100,000 articles they are 150 MB, a third of what the corpus holds. The saved state
//! names each article's names by where they are in the file, so a restart reads none of them.
//!
//! The file only grows: an article analysed again (a changed file) appends its new names,
//! and a fresh start (the saved state did not match) begins a new file.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// Where one article's encoded names are in the names file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filed {
    at: u64,
    len: u32,
}

impl Filed {
    fn end(self) -> u64 {
        self.at + u64::from(self.len)
    }
}

/// The names file of one state folder.
#[derive(Debug)]
pub struct NameFile {
    path: PathBuf,
    file: File,
    /// Where the next names go: appends take turns, reads need no lock.
    end: Mutex<u64>,
}

impl NameFile {
    /// A new, empty file at `path`. One already there is unlinked first, not truncated: an
    /// engine still serving from it (a test's, or one that lost the state folder's lock)
    /// keeps reading what it filed.
    pub fn create(path: &Path) -> io::Result<NameFile> {
        match std::fs::remove_file(path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        let file = File::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)?;
        Ok(NameFile {
            path: path.to_path_buf(),
            file,
            end: Mutex::new(0),
        })
    }

    /// The file at `path` as a saved state left it; later names go after what it holds.
    pub fn open(path: &Path) -> io::Result<NameFile> {
        let file = File::options().read(true).write(true).open(path)?;
        let end = file.metadata()?.len();
        Ok(NameFile {
            path: path.to_path_buf(),
            file,
            end: Mutex::new(end),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one article's encoded names.
    pub fn append(&self, bytes: &[u8]) -> io::Result<Filed> {
        let len = u32::try_from(bytes.len()).map_err(io::Error::other)?;
        let mut end = self.end.lock().unwrap_or_else(|p| p.into_inner());
        let at = *end;
        self.file.write_all_at(bytes, at)?;
        *end += u64::from(len);
        Ok(Filed { at, len })
    }

    /// The bytes appended as `filed`.
    pub fn read(&self, filed: Filed) -> io::Result<Vec<u8>> {
        let mut bytes = vec![0; filed.len as usize];
        self.file.read_exact_at(&mut bytes, filed.at)?;
        Ok(bytes)
    }

    /// Whether the file holds `filed` whole (a saved state's names against a file that was
    /// cut short or replaced).
    pub fn holds(&self, filed: Filed) -> bool {
        filed.end() <= *self.end.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Flushes what was appended to the disk, before a saved state names it.
    pub fn sync(&self) -> io::Result<()> {
        self.file.sync_data()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_as_appended_across_reopening_and_recreation() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("names");
        let file = NameFile::create(&path).unwrap();
        let a = file.append(b"first").unwrap();
        let empty = file.append(b"").unwrap();
        let b = file.append(&[0xff, 0, 7]).unwrap();
        assert_eq!(file.read(a).unwrap(), b"first");
        assert_eq!(file.read(empty).unwrap(), b"");
        assert_eq!(file.read(b).unwrap(), [0xff, 0, 7]);
        file.sync().unwrap();

        // Reopened, it holds what was filed and appends after it.
        let again = NameFile::open(&path).unwrap();
        assert!(again.holds(a) && again.holds(b));
        let c = again.append(b"third").unwrap();
        assert_eq!(again.read(c).unwrap(), b"third");
        assert_eq!(again.read(a).unwrap(), b"first");

        // A new file does not hold the old one's names; the old handle still reads them.
        let fresh = NameFile::create(&path).unwrap();
        assert!(!fresh.holds(b));
        assert!(fresh.read(b).is_err());
        assert_eq!(file.read(b).unwrap(), [0xff, 0, 7]);
        assert_eq!(fresh.append(b"x").unwrap(), a.with_len(1));
    }

    impl Filed {
        fn with_len(self, len: u32) -> Filed {
            Filed { len, ..self }
        }
    }
}
