//! Saved state: the analysed corpus, its entity table and its search index kept under
//! `STATE_DIR`, so that a restart over an unchanged folder reads them back instead of
//! cleaning, analysing and indexing every article again.
//!
//! `STATE_DIR/index/` holds the tantivy index (`tantivy/`, written in place by every update),
//! `corpus.state` (the articles' analysis, the file list, the entities), `names` (what each
//! article's entity analysis found, which only a merge reads: see `corpus::names`) and a
//! lock file: one
//! process at a time keeps its state there. The state names the tantivy commit it goes with;
//! any mismatch (another build of newsdesk, another folder, a crash between the index commit
//! and the save) means the folder is analysed afresh. Texts are not saved: an article reads
//! its text back from its file, by length and hash (see `corpus::Source`). A file whose size
//! or modification time differs from the saved one is read again, as a live reload reads it.
//!
//! `corpus.state` is a magic number and a run of frames, each a little-endian u64 length and
//! a postcard value: the header, the slots in runs of `SLOTS_PER_FRAME`, the rest of the
//! corpus, then the entities in runs of `ENTITIES_PER_FRAME`. Frames are encoded and decoded
//! on every core.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use tracing::info;

use crate::corpus::{Article, SavedCorpus};
use crate::engine::Engine;
use crate::nlp::entities::Entity;

const MAGIC: &[u8; 8] = b"newsdsk\x01";
/// Bumped whenever what is saved changes shape or meaning (7: names filed beside the state).
const FORMAT: u32 = 7;
const SLOTS_PER_FRAME: usize = 256;
const ENTITIES_PER_FRAME: usize = 4096;
/// Frames encoded at a time while saving (bounds the memory a save takes).
const FRAMES_IN_FLIGHT: usize = 32;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("another newsdesk process keeps its state in {0}")]
    Busy(PathBuf),
    #[error("no saved state yet")]
    Missing,
    #[error("the saved state is for {0}")]
    Other(String),
    #[error("the saved state is damaged: {0}")]
    Damaged(String),
    #[error("articles' names are filed in {0}, not in the state folder")]
    NamesElsewhere(PathBuf),
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Header {
    format: u32,
    /// The program that wrote it (an analysis may change between builds).
    build: String,
    /// The corpus folder, canonical.
    corpus: PathBuf,
    /// The tantivy commit the state goes with.
    opstamp: u64,
    slot_frames: u64,
    entity_frames: u64,
}

/// Saved state as read back, for `Engine::open` to restore.
pub struct Saved {
    pub opstamp: u64,
    pub slots: Vec<Option<Article>>,
    pub rest: SavedCorpus,
    pub entities: Vec<Entity>,
}

/// The state folder of one process (it holds the folder's lock while it lives).
#[derive(Debug)]
pub struct Store {
    dir: PathBuf,
    _lock: File,
    /// The commit saved last, so an older engine never overwrites a newer save.
    saved: Mutex<Option<u64>>,
    /// A save running on another thread (`Engine::save_in_background`).
    background: Mutex<Option<std::thread::JoinHandle<()>>>,
}

impl Store {
    /// Opens `state_dir/index`, creating it, and takes its lock.
    pub fn open(state_dir: &Path) -> Result<Store, StoreError> {
        let dir = state_dir.join("index");
        std::fs::create_dir_all(&dir).map_err(io_err(&dir))?;
        let lock_path = dir.join("lock");
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io_err(&lock_path))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Err(StoreError::Busy(dir)),
            Err(std::fs::TryLockError::Error(e)) => return Err(io_err(&lock_path)(e)),
        }
        Ok(Store {
            dir,
            _lock: lock,
            saved: Mutex::new(None),
            background: Mutex::new(None),
        })
    }

    /// Notes a save running on another thread, for `wait` (an older one is waited for first).
    pub fn set_background(&self, save: std::thread::JoinHandle<()>) {
        let old = self
            .background
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .replace(save);
        if let Some(old) = old {
            let _ = old.join();
        }
    }

    /// Waits for a save running on another thread, if any.
    pub fn wait(&self) {
        let running = self
            .background
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(save) = running {
            let _ = save.join();
        }
    }

    /// Where the search index lives.
    pub fn index_dir(&self) -> PathBuf {
        self.dir.join("tantivy")
    }

    /// Where articles' names are filed (see `corpus::names`).
    pub fn names_file(&self) -> PathBuf {
        self.dir.join("names")
    }

    fn state_file(&self) -> PathBuf {
        self.dir.join("corpus.state")
    }

    /// Saves everything of `engine` but its index (committed already). Returns
    /// false, saving nothing, when a save of the same or a later commit was made.
    pub fn save(&self, engine: &Engine) -> Result<bool, StoreError> {
        let started = Instant::now();
        let opstamp = engine.index.opstamp;
        let mut saved = self.saved.lock().unwrap_or_else(|p| p.into_inner());
        if saved.is_some_and(|s| s >= opstamp) {
            return Ok(false);
        }
        let path = self.state_file();
        let tmp = path.with_extension("tmp");
        let slots = engine.corpus.slot_count();
        let entities = &engine.table.entities;
        let header = Header {
            format: FORMAT,
            build: build_id(),
            corpus: canonical(&engine.corpus.dir),
            opstamp,
            slot_frames: slots.div_ceil(SLOTS_PER_FRAME) as u64,
            entity_frames: entities.len().div_ceil(ENTITIES_PER_FRAME) as u64,
        };
        let write = || -> io::Result<u64> {
            let mut out = BufWriter::with_capacity(1 << 20, File::create(&tmp)?);
            out.write_all(MAGIC)?;
            let mut bytes = MAGIC.len() as u64;
            bytes += write_value(&mut out, &header)?;
            let starts: Vec<usize> = (0..slots).step_by(SLOTS_PER_FRAME).collect();
            for batch in starts.chunks(FRAMES_IN_FLIGHT) {
                let frames: Vec<io::Result<Vec<u8>>> = batch
                    .par_iter()
                    .map(|&start| {
                        let end = (start + SLOTS_PER_FRAME).min(slots);
                        let run: Vec<Option<&Article>> =
                            (start..end).map(|id| engine.corpus.get(id)).collect();
                        encode(&run)
                    })
                    .collect();
                for f in frames {
                    bytes += write_frame(&mut out, &f?)?;
                }
            }
            bytes += write_value(&mut out, &engine.corpus.saved_rest())?;
            // A large corpus names a few entities millions of times: their frames are
            // written as they are encoded, never held whole.
            for run in entities.chunks(ENTITIES_PER_FRAME) {
                bytes += write_value(&mut out, run)?;
            }
            let file = out.into_inner().map_err(|e| e.into_error())?;
            file.sync_all()?;
            Ok(bytes)
        };
        // The index is written without syncs (see `index::dir`): sync it now, so that state
        // on disk never names a commit whose files are not there after a power cut.
        let index_dir = self.index_dir();
        crate::index::dir::sync_all(&index_dir).map_err(io_err(&index_dir))?;
        // The same for the names the state points into, which must be the file a restart
        // opens.
        if let Some(names) = engine.corpus.names_file() {
            if names.path() != self.names_file() {
                return Err(StoreError::NamesElsewhere(names.path().to_path_buf()));
            }
            names.sync().map_err(io_err(names.path()))?;
        }
        let bytes = write().map_err(io_err(&tmp))?;
        std::fs::rename(&tmp, &path).map_err(io_err(&path))?;
        *saved = Some(opstamp);
        info!(
            mb = bytes / 1_000_000,
            ms = started.elapsed().as_millis() as u64,
            "state saved"
        );
        Ok(true)
    }

    /// Reads the saved state back, when it was saved by this build for `corpus_dir`.
    pub fn load(&self, corpus_dir: &Path) -> Result<Saved, StoreError> {
        let path = self.state_file();
        let file = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(StoreError::Missing),
            Err(e) => return Err(io_err(&path)(e)),
        };
        let damaged = |what: &str| StoreError::Damaged(format!("{}: {what}", path.display()));
        let mut frames = Frames(io::BufReader::with_capacity(1 << 20, file));
        let mut magic = [0u8; 8];
        frames
            .0
            .read_exact(&mut magic)
            .map_err(|_| damaged("not a newsdesk state file"))?;
        if &magic != MAGIC {
            return Err(damaged("not a newsdesk state file"));
        }
        let mut next = |what: &str| -> Result<Vec<u8>, StoreError> {
            match frames.next() {
                Ok(Some(f)) => Ok(f),
                Ok(None) => Err(damaged(&format!("cut short before {what}"))),
                Err(e) => Err(damaged(&format!("{what}: {e}"))),
            }
        };
        let header: Header = decode(&next("the header")?).map_err(|e| damaged(&e))?;
        if header.format != FORMAT || header.build != build_id() {
            return Err(StoreError::Other("another build of newsdesk".into()));
        }
        if header.corpus != canonical(corpus_dir) {
            return Err(StoreError::Other(header.corpus.display().to_string()));
        }
        // Frames are read a batch at a time and each batch decoded on every core, so memory
        // holds one batch of encoded bytes, never the whole file.
        let mut slots: Vec<Option<Article>> = Vec::new();
        let mut left = header.slot_frames;
        while left > 0 {
            let batch = take_batch(&mut next, &mut left, "the articles")?;
            slots.extend(decode_runs::<Option<Article>>(&batch).map_err(|e| damaged(&e))?);
        }
        let rest: SavedCorpus = decode(&next("the file list")?).map_err(|e| damaged(&e))?;
        let mut entities: Vec<Entity> = Vec::new();
        let mut left = header.entity_frames;
        while left > 0 {
            let batch = take_batch(&mut next, &mut left, "the names")?;
            entities.extend(decode_runs::<Entity>(&batch).map_err(|e| damaged(&e))?);
        }
        if !matches!(frames.next(), Ok(None)) {
            return Err(damaged("more frames than its header lists"));
        }
        Ok(Saved {
            opstamp: header.opstamp,
            slots,
            rest,
            entities,
        })
    }

    /// Forgets the saved state (it no longer matches the index, which is rebuilt).
    pub fn clear(&self) -> Result<(), StoreError> {
        *self.saved.lock().unwrap_or_else(|p| p.into_inner()) = None;
        let path = self.state_file();
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(io_err(&path)(e)),
            _ => Ok(()),
        }
    }
}

/// What identifies this program: its version and its executable's size and time, so that
/// any rebuild reads the folder afresh. `NEWSDESK_STATE_BUILD`, when set, stands in for the
/// executable: the scale benchmark's `--restored` sets it, to profile commands over state
/// saved by an earlier build whose analysis was the same.
fn build_id() -> String {
    if let Ok(id) = std::env::var("NEWSDESK_STATE_BUILD") {
        return format!("{} {id}", env!("CARGO_PKG_VERSION"));
    }
    let exe = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| (m.len(), m.modified().ok()));
    format!("{} {:?}", env!("CARGO_PKG_VERSION"), exe.ok())
}

fn canonical(dir: &Path) -> PathBuf {
    std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf())
}

fn encode<T: Serialize + ?Sized>(value: &T) -> io::Result<Vec<u8>> {
    postcard::to_stdvec(value).map_err(io::Error::other)
}

fn decode<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, String> {
    postcard::from_bytes(bytes).map_err(|e| e.to_string())
}

fn decode_runs<T: for<'a> Deserialize<'a> + Send>(frames: &[Vec<u8>]) -> Result<Vec<T>, String> {
    let runs: Vec<Vec<T>> = frames
        .par_iter()
        .map(|f| decode::<Vec<T>>(f))
        .collect::<Result<_, _>>()?;
    Ok(runs.into_iter().flatten().collect())
}

/// Writes `value` as one frame, encoding it straight into `out`: its length is measured by
/// a first pass that writes nothing.
fn write_value<T: Serialize + ?Sized>(out: &mut impl Write, value: &T) -> io::Result<u64> {
    let len = postcard::serialize_with_flavor(value, postcard::ser_flavors::Size::default())
        .map_err(io::Error::other)?;
    out.write_all(&(len as u64).to_le_bytes())?;
    postcard::to_io(value, &mut *out).map_err(io::Error::other)?;
    Ok(8 + len as u64)
}

fn write_frame(out: &mut impl Write, bytes: &[u8]) -> io::Result<u64> {
    out.write_all(&(bytes.len() as u64).to_le_bytes())?;
    out.write_all(bytes)?;
    Ok(8 + bytes.len() as u64)
}

/// Up to `FRAMES_IN_FLIGHT` of the `left` frames still to read.
fn take_batch(
    next: &mut impl FnMut(&str) -> Result<Vec<u8>, StoreError>,
    left: &mut u64,
    what: &str,
) -> Result<Vec<Vec<u8>>, StoreError> {
    let n = (*left).min(FRAMES_IN_FLIGHT as u64);
    *left -= n;
    (0..n).map(|_| next(what)).collect()
}

/// Reads frames one by one.
struct Frames<R>(R);

impl<R: Read> Frames<R> {
    /// The next frame; None at the end; an error when one is cut short.
    fn next(&mut self) -> io::Result<Option<Vec<u8>>> {
        let mut len = [0u8; 8];
        let mut got = 0;
        while got < len.len() {
            match self.0.read(&mut len[got..])? {
                0 if got == 0 => return Ok(None),
                0 => return Err(io::ErrorKind::UnexpectedEof.into()),
                n => got += n,
            }
        }
        let len = u64::from_le_bytes(len);
        // A frame is at most a run of articles; a length past this is damage, not a frame.
        if len > 1 << 34 {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "frame too long"));
        }
        // Sized once from the length, but only up to a bound: a damaged length must not
        // reserve gigabytes before the read finds the file shorter.
        let mut frame = Vec::with_capacity(len.min(1 << 26) as usize);
        (&mut self.0).take(len).read_to_end(&mut frame)?;
        if frame.len() as u64 != len {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        Ok(Some(frame))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_a_cut_is_caught() {
        let mut buf = Vec::new();
        for f in [b"one".as_slice(), b"", b"three"] {
            write_frame(&mut buf, f).unwrap();
        }
        let mut frames = Frames(buf.as_slice());
        let mut got = Vec::new();
        while let Some(f) = frames.next().unwrap() {
            got.push(f);
        }
        assert_eq!(got, vec![b"one".to_vec(), Vec::new(), b"three".to_vec()]);
        // Cut anywhere inside a frame: an error, never a short frame.
        let ends = [11, 19, 32];
        for cut in 1..buf.len() {
            let mut frames = Frames(&buf[..cut]);
            let mut whole = 0;
            let outcome = loop {
                match frames.next() {
                    Ok(Some(_)) => whole += 1,
                    Ok(None) => break Ok(()),
                    Err(e) => break Err(e),
                }
            };
            assert_eq!(outcome.is_ok(), ends.contains(&cut), "cut at {cut}");
            assert!(whole < 3);
        }
    }

    #[test]
    fn a_second_process_is_refused_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let first = Store::open(dir.path()).unwrap();
        assert!(matches!(Store::open(dir.path()), Err(StoreError::Busy(_))));
        drop(first);
        Store::open(dir.path()).unwrap();
    }

    #[test]
    fn state_is_saved_only_with_names_filed_beside_it() {
        use crate::corpus::{self, names::NameFile};
        use std::sync::Arc;
        let folder = tempfile::tempdir().unwrap();
        std::fs::write(
            folder.path().join("a.txt"),
            "Port director Amelia Okafor said on July 2 that the ferry would sail.\n",
        )
        .unwrap();
        let (state, elsewhere) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let store = Arc::new(Store::open(state.path()).unwrap());
        let build = |names: &Path| {
            let names = Arc::new(NameFile::create(names).unwrap());
            let corpus = corpus::load_filing_names(folder.path(), names).unwrap();
            Engine::build(corpus, Some(store.clone())).unwrap()
        };
        let engine = build(&elsewhere.path().join("names"));
        assert!(matches!(
            store.save(&engine),
            Err(StoreError::NamesElsewhere(_))
        ));
        assert!(matches!(
            store.load(folder.path()),
            Err(StoreError::Missing)
        ));
        drop(engine);
        let engine = build(&store.names_file());
        assert!(store.save(&engine).unwrap());
        let saved = store.load(folder.path()).unwrap();
        assert_eq!(saved.slots.iter().flatten().count(), 1);
    }
}
