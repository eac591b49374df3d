//! The corpus: every `.txt`/`.md` file of a folder, loaded, cleaned, split into quotable passages.

pub mod clean;
pub mod meta;
pub mod names;
pub mod once_words;
pub mod shards;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use tracing::warn;

use crate::nlp::dates::{self, DateValue, ExprKind};
use crate::nlp::{entities, sentences};
use crate::span::{Span, small};
use clean::{Block, BlockKind};
use shards::Shards;

/// Files larger than this are skipped: no news article is that long (a long feature is
/// 100 kB), and cleaning and indexing it would stall every reload behind it.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

#[derive(Debug, Error)]
pub enum CorpusError {
    #[error("corpus folder {0} does not exist")]
    Missing(PathBuf),
    #[error("{0} is not a folder")]
    NotADirectory(PathBuf),
    #[error("cannot read corpus folder {path}: {source}")]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Why a file is not served.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SkipReason {
    Empty,
    NotUtf8,
    Binary,
    TooLarge(u64),
    Unreadable(String),
    /// The cleaner found nothing but page furniture.
    NoArticleText,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Empty => write!(f, "empty file"),
            SkipReason::NotUtf8 => write!(f, "not UTF-8 text"),
            SkipReason::Binary => write!(f, "binary data"),
            SkipReason::TooLarge(n) => {
                write!(
                    f,
                    "too large for an article ({} MB; the limit is {} MB)",
                    n / (1024 * 1024),
                    MAX_FILE_BYTES / (1024 * 1024)
                )
            }
            SkipReason::Unreadable(e) => write!(f, "unreadable: {e}"),
            SkipReason::NoArticleText => write!(f, "no article text after removing page furniture"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub doc: String,
    pub reason: SkipReason,
}

/// A quotable unit: one sentence of article prose, or a sentence ending in a colon together
/// with the sentence it introduces ("Blinken stated from Brussels:" + the statement).
/// Its byte range alone, in 8 bytes (see `span`): a corpus has millions of them. The
/// paragraph it starts in and the section heading above it are found from the article's
/// blocks when a reply needs them (`Article::block_of`, `Article::section_of`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Passage {
    span: Span,
}

const _: () = assert!(std::mem::size_of::<Passage>() == 8);

impl Passage {
    pub fn new(range: Range<usize>) -> Passage {
        Passage {
            span: Span::new(range),
        }
    }
    /// Its byte range in the file.
    pub fn range(&self) -> Range<usize> {
        self.span.range()
    }
}

/// A dated event: a passage and the date expression in it that resolved to a real date.
/// In 20 bytes (a large corpus keeps millions): 32-bit numbers, as in `Passage`, and the
/// date's month and day in a byte each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    passage: u32,
    expr: Span,
    year: i32,
    /// 0 when the date has none.
    month: u8,
    day: u8,
}

const _: () = assert!(std::mem::size_of::<Event>() == 20);

impl Event {
    /// None when the date is not a calendar date (a month over 12, a day over 31).
    pub fn new(passage: usize, expr: Range<usize>, date: DateValue) -> Option<Event> {
        let part = |n: Option<u32>, most: u32| match n {
            None => Some(0),
            Some(n) if (1..=most).contains(&n) => Some(n as u8),
            Some(_) => None,
        };
        Some(Event {
            passage: small(passage),
            expr: Span::new(expr),
            year: date.year,
            month: part(date.month, 12)?,
            day: part(date.day, 31)?,
        })
    }
    pub fn date(&self) -> DateValue {
        let part = |n: u8| (n != 0).then_some(u32::from(n));
        DateValue {
            year: self.year,
            month: part(self.month),
            day: part(self.day),
        }
    }
    /// The passage it is in.
    pub fn passage(&self) -> usize {
        self.passage as usize
    }
    /// The date expression as written.
    pub fn expr(&self) -> Range<usize> {
        self.expr.range()
    }
}

/// Saved with the engine's state (see `store`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Article {
    /// Position in `Corpus::articles`.
    pub id: usize,
    /// File name relative to the corpus folder, with `/` separators.
    pub doc: String,
    /// The text as analysed, by length and hash: the text itself is read back from the file
    /// when a reply quotes it (`Corpus::read`).
    pub source: Source,
    pub modified: Option<SystemTime>,
    pub blocks: Vec<Block>,
    pub passages: Vec<Passage>,
    pub meta: meta::Meta,
    /// At most one event per passage, in reading order.
    pub events: Vec<Event>,
    /// Names found in the article, before they are merged across articles.
    pub entities: entities::ArticleNames,
    /// Its short lines' keys as counted in `LineCounts`, to uncount when it goes.
    line_keys: Box<[u64]>,
    /// Content words and their counts, filled the first time a digest compares stories.
    #[serde(skip)]
    pub term_counts: std::sync::OnceLock<HashMap<String, f32>>,
    /// Content words (hashed, sorted) of each event's passage, in the order of `events`;
    /// each filled the first time a timeline compares that event with another article's.
    #[serde(skip)]
    pub event_words: std::sync::OnceLock<Box<[EventWords]>>,
}

impl Article {
    /// Moves its names to `names`, when the corpus files them (see `names`).
    fn file_names(&mut self, names: Option<&names::NameFile>) {
        if let Some(file) = names {
            self.entities = std::mem::take(&mut self.entities).filed(file);
        }
    }

    /// Index of the block (a body paragraph) passage `p` starts in: blocks are the file's
    /// lines in order, so it is the last to start at or before the passage.
    pub fn block_of(&self, p: usize) -> usize {
        let start = self.passages[p].range().start;
        self.blocks
            .partition_point(|b| b.range().start <= start)
            .saturating_sub(1)
    }

    /// Index of the section heading block above passage `p`, if any.
    pub fn section_of(&self, p: usize) -> Option<usize> {
        self.sections().nth(p).flatten()
    }

    /// The section heading block above each passage in order, in one walk of the blocks:
    /// the last heading among the blocks that start at or before the passage.
    pub fn sections(&self) -> impl Iterator<Item = Option<usize>> + '_ {
        let (mut b, mut section) = (0, None);
        self.passages.iter().map(move |p| {
            let start = p.range().start;
            while self.blocks.get(b).is_some_and(|x| x.range().start <= start) {
                if self.blocks[b].kind == BlockKind::Heading {
                    section = Some(b);
                }
                b += 1;
            }
            section
        })
    }

    pub fn date_string(&self) -> Option<String> {
        self.meta.date.map(|d| d.to_string())
    }
    pub fn url(&self) -> Option<&str> {
        self.meta.urls.first().map(String::as_str)
    }
}

/// One event's content words (see `commands::timeline`), worked out on first use.
pub type EventWords = once_words::OnceWords;

/// An article's text as analysed, by its length and a hash of its bytes: what a text read
/// back from the file must match to be quoted by the article's offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    len: u32,
    hash: u64,
}

impl Source {
    pub fn of(text: &str) -> Source {
        Source {
            len: small(text.len()),
            hash: hash_bytes(text.as_bytes()),
        }
    }
    /// The text's length in bytes.
    pub fn len(&self) -> usize {
        self.len as usize
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// A fixed hasher: saved state names texts and line keys by it. XXH3: every quote's file
/// is hashed again as it is read, at several GB/s (SipHash, the standard library's, runs at
/// about one and a half).
fn hash_bytes(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// An article with its text, read back from its file (`Corpus::read`): quotes borrow from it.
#[derive(Debug, Clone)]
pub struct Opened<'a> {
    pub article: &'a Article,
    pub text: Arc<str>,
}

impl std::ops::Deref for Opened<'_> {
    type Target = Article;
    fn deref(&self) -> &Article {
        self.article
    }
}

impl<'a> Opened<'a> {
    pub fn passage_text(&self, p: usize) -> &str {
        &self.text[self.article.passages[p].range()]
    }
    pub fn word_count(&self) -> usize {
        self.article
            .blocks
            .iter()
            .filter(|b| b.kind == BlockKind::Body)
            .map(|b| self.text[b.range()].split_whitespace().count())
            .sum()
    }
}

/// Told of a file that no longer holds the text its article was analysed from (see
/// `Corpus::read`), once per article: the watcher reads it again.
pub type StaleHook = Box<dyn Fn(&Path) + Send + Sync>;

/// The texts most recently read back, shared by every version of a corpus: slots are never
/// reused, so a slot's text is the same in all of them. Kept to a byte budget.
struct Texts {
    recent: lru::LruCache<usize, Arc<str>>,
    bytes: usize,
    /// Slots whose file was found changed, reported once each.
    stale: HashSet<usize>,
    on_stale: Option<StaleHook>,
}

impl fmt::Debug for Texts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Texts")
            .field("cached", &self.recent.len())
            .field("bytes", &self.bytes)
            .field("stale", &self.stale.len())
            .finish()
    }
}

/// What the text cache may hold: a reply reads a few dozen articles; `/timeline` and `/who`
/// a few hundred.
const TEXT_CACHE_BYTES: usize = 16 << 20;

impl Texts {
    fn get(&mut self, id: usize) -> Option<Arc<str>> {
        self.recent.get(&id).cloned()
    }
    fn put(&mut self, id: usize, text: Arc<str>) {
        self.bytes += text.len();
        if let Some(old) = self.recent.put(id, text) {
            self.bytes -= old.len();
        }
        while self.bytes > TEXT_CACHE_BYTES && self.recent.len() > 1 {
            match self.recent.pop_lru() {
                Some((_, t)) => self.bytes -= t.len(),
                None => break,
            }
        }
    }
}

impl Default for Texts {
    fn default() -> Texts {
        Texts {
            recent: lru::LruCache::unbounded(),
            bytes: 0,
            stale: HashSet::new(),
            on_stale: None,
        }
    }
}

/// How many files each short line (by `clean::line_key`) stands in: the cleaner drops lines
/// shared by two or more files as site furniture. Keys are kept as 64-bit hashes (a fixed
/// hasher, so saved state can name them too).
#[derive(Debug, Clone, Default)]
pub struct LineCounts(Shards<u64, u32>);

impl clean::SharedLines for LineCounts {
    fn is_shared(&self, key: &str) -> bool {
        self.0
            .get(&hash_bytes(key.as_bytes()))
            .is_some_and(|n| *n >= 2)
    }
}

impl LineCounts {
    /// The distinct line keys of a text, hashed and sorted.
    pub fn keys_of(text: &str) -> Vec<u64> {
        let mut keys: Vec<u64> = text
            .lines()
            .filter_map(clean::line_key)
            .map(|k| hash_bytes(k.as_bytes()))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }
    fn add_keys(&mut self, keys: &[u64]) {
        for k in keys {
            *self.0.shard_mut(k).entry(*k).or_insert(0) += 1;
        }
    }
    fn remove_keys(&mut self, keys: &[u64]) {
        for k in keys {
            if let Some(n) = self.0.get_mut(k) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    self.0.remove(k);
                }
            }
        }
    }
}

/// The loaded folder. Articles sit in slots that are never reused: a changed file gets a new
/// slot and its old one is emptied, so anything that still refers to the old version (an
/// older index snapshot, the entity table) can never cite the new bytes by old offsets.
/// Cloning is cheap (persistent or shared structures): a reload copies the slots in
/// proportion to the change, and of its maps the shards it touches (see `Shards`).
#[derive(Debug, Clone)]
pub struct Corpus {
    pub dir: PathBuf,
    slots: imbl::Vector<Option<Arc<Article>>>,
    /// Each served file's slot; the names are shared with `seen`.
    by_doc: Shards<Arc<str>, usize>,
    skipped: imbl::OrdMap<String, SkipReason>,
    /// Size and modification time of every file considered, served or skipped: what
    /// polling compares against, so an unchanged file is never read again.
    seen: Shards<Arc<str>, FileStamp>,
    lines: LineCounts,
    live: usize,
    pub load_time: Duration,
    /// Read back from saved state at start-up rather than from every file.
    pub restored: bool,
    texts: Arc<std::sync::Mutex<Texts>>,
    /// Where articles' names are filed (see `names`); None keeps them in memory.
    names: Option<Arc<names::NameFile>>,
}

/// A file's size and modification time.
pub type FileStamp = (u64, Option<SystemTime>);

fn stamp(path: &Path) -> Option<FileStamp> {
    std::fs::metadata(path)
        .ok()
        .map(|m| (m.len(), m.modified().ok()))
}

/// The article files of a folder and their size and modification time (`Corpus::scan`).
pub struct Scan {
    stamps: HashMap<String, Option<FileStamp>>,
}

/// What a reload changed: slots emptied and slots filled.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delta {
    pub removed: Vec<usize>,
    pub added: Vec<usize>,
}

impl Delta {
    pub fn is_empty(&self) -> bool {
        self.removed.is_empty() && self.added.is_empty()
    }
}

impl Corpus {
    pub fn empty(dir: &Path) -> Corpus {
        Corpus {
            dir: dir.to_path_buf(),
            slots: imbl::Vector::new(),
            by_doc: Shards::default(),
            skipped: imbl::OrdMap::new(),
            seen: Shards::default(),
            lines: LineCounts::default(),
            live: 0,
            load_time: Duration::ZERO,
            restored: false,
            texts: Arc::default(),
            names: None,
        }
    }

    /// The names `article` found, read back from the names file when filed there.
    pub fn names_of<'a>(
        &self,
        article: &'a Article,
    ) -> std::borrow::Cow<'a, entities::ArticleEntities> {
        article.entities.get(self.names.as_deref())
    }

    /// The entities of the articles' names merged across the corpus, keeping those of
    /// `previous` decided again from the same members (see `entities::merge_again`).
    /// Names filed or read back from saved state are read and decoded a few at a time, on
    /// every core.
    pub fn merge_names(&self, previous: &[entities::Entity]) -> Vec<entities::Entity> {
        let articles: Vec<&Article> = self.iter().collect();
        entities::merge_again(articles.len(), |i| self.names_of(articles[i]), previous)
    }

    /// Whether every article's filed names are in the names file (a saved state checked
    /// against the file beside it).
    pub fn names_are_held(&self) -> bool {
        self.iter()
            .all(|a| a.entities.held_by(self.names.as_deref()))
    }

    /// The names file, if articles' names are filed.
    pub fn names_file(&self) -> Option<&names::NameFile> {
        self.names.as_deref()
    }

    /// The article in slot `id` with its text, read back from its file (or the texts
    /// recently read). None when the slot is empty, or when the file no longer holds the
    /// text the article was analysed from (changed or gone, and not yet reloaded): its
    /// offsets would quote other bytes, so the article is left out until the reload.
    pub fn read(&self, id: usize) -> Option<Opened<'_>> {
        if let Some(text) = self.texts().get(id) {
            return Some(Opened {
                article: self.get(id)?,
                text,
            });
        }
        let opened = self.read_file(id)?;
        self.texts().put(id, opened.text.clone());
        Some(opened)
    }

    /// `read` from the file, and without keeping the text among those recently read: for
    /// reading every article once (indexing).
    pub fn read_file(&self, id: usize) -> Option<Opened<'_>> {
        let article = self.get(id)?;
        let path = self.dir.join(&article.doc);
        match read_source(&path, article.source) {
            Ok(text) => Some(Opened {
                article,
                text: text.into(),
            }),
            Err(why) => {
                let mut texts = self.texts();
                if texts.stale.insert(id) {
                    warn!(file = %article.doc, why, "left out until read again");
                    if let Some(hook) = &texts.on_stale {
                        hook(&path);
                    }
                }
                None
            }
        }
    }

    fn texts(&self) -> std::sync::MutexGuard<'_, Texts> {
        self.texts.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Calls `hook` with the path of each file found no longer holding the text its article
    /// was analysed from (once per article), in this corpus and every later version of it.
    /// Such a file may have changed unseen: its size and modification time kept.
    pub fn on_stale(&self, hook: StaleHook) {
        self.texts().on_stale = Some(hook);
    }

    /// The articles being served, in slot order.
    pub fn iter(&self) -> impl Iterator<Item = &Article> {
        self.slots.iter().filter_map(|s| s.as_deref())
    }

    /// The article in slot `id`, if it is still served.
    pub fn get(&self, id: usize) -> Option<&Article> {
        self.slots.get(id).and_then(|s| s.as_deref())
    }

    /// How many articles are served.
    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// One past the highest slot ever used.
    pub fn slot_count(&self) -> usize {
        self.slots.len()
    }

    pub fn by_doc(&self, doc: &str) -> Option<&Article> {
        self.by_doc.get(doc).and_then(|id| self.get(*id))
    }

    /// Files that are not served, and why, by name.
    pub fn skipped(&self) -> Vec<Skipped> {
        self.skipped
            .iter()
            .map(|(doc, reason)| Skipped {
                doc: doc.clone(),
                reason: reason.clone(),
            })
            .collect()
    }

    pub fn passage_count(&self) -> usize {
        self.iter().map(|a| a.passages.len()).sum()
    }

    pub fn newest_date(&self) -> Option<DateValue> {
        self.iter().filter_map(|a| a.meta.date).max()
    }

    fn remove_doc(&mut self, doc: &str, delta: &mut Delta) {
        self.skipped.remove(doc);
        self.seen.remove(doc);
        if let Some(id) = self.by_doc.remove(doc) {
            if let Some(Some(old)) = self.slots.get(id) {
                self.lines.remove_keys(&old.line_keys);
                self.live -= 1;
            }
            self.slots.set(id, None);
            delta.removed.push(id);
        }
    }

    fn insert(
        &mut self,
        doc: String,
        text: String,
        modified: Option<SystemTime>,
        delta: &mut Delta,
    ) {
        let id = self.slots.len();
        let keys = LineCounts::keys_of(&text);
        self.lines.add_keys(&keys);
        match analyse(id, doc.clone(), &text, modified, keys.clone(), &self.lines) {
            Some(mut a) => {
                a.file_names(self.names.as_deref());
                // A reload indexes it next: its text is at hand.
                self.texts().put(id, text.into());
                self.slots.push_back(Some(Arc::new(a)));
                self.add_doc(doc, id);
                self.live += 1;
                delta.added.push(id);
            }
            None => {
                // The text was counted: uncount it.
                self.lines.remove_keys(&keys);
                self.skipped.insert(doc, SkipReason::NoArticleText);
            }
        }
    }

    /// Re-reads the given paths (files or folders, added, changed or deleted) and returns the
    /// corpus that serves their current contents, with what changed. Files that now fail to
    /// load are listed as skipped; everything else keeps serving. Only the named paths are
    /// read, so the cost follows the change, not the corpus. (Lines shared across files are
    /// recounted, but other files are not re-cleaned until they change themselves.)
    pub fn update(&self, paths: &[PathBuf]) -> (Corpus, Delta) {
        let mut next = self.clone();
        let mut delta = Delta::default();
        let mut seen: HashSet<String> = HashSet::new();
        for path in paths {
            let path = if path.is_absolute() {
                path.clone()
            } else {
                self.dir.join(path)
            };
            let Ok(rel) = path.strip_prefix(&self.dir) else {
                continue;
            };
            if rel
                .components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
            {
                continue;
            }
            let prefix = relative_name(&self.dir, &path);
            if path.is_dir() {
                // A folder appeared or was moved in: everything below it.
                let mut skipped = Vec::new();
                for file in article_paths(&path, &mut skipped) {
                    let doc = relative_name(&self.dir, &file);
                    if seen.insert(doc.clone()) {
                        next.reload_file(doc, &file, &mut delta);
                    }
                }
                continue;
            }
            if !path.exists() {
                // Deleted: the file, or every file below a deleted folder.
                let folder = format!("{prefix}/");
                let under: Vec<String> = next
                    .by_doc
                    .keys()
                    .map(|d| &**d)
                    .chain(next.skipped.keys().map(String::as_str))
                    .filter(|d| *d == prefix || d.starts_with(&folder))
                    .map(str::to_string)
                    .collect();
                for doc in under {
                    if seen.insert(doc.clone()) {
                        next.remove_doc(&doc, &mut delta);
                    }
                }
                continue;
            }
            if is_article_name(&path) && seen.insert(prefix.clone()) {
                next.reload_file(prefix, &path, &mut delta);
            }
        }
        (next, delta)
    }

    /// The file's name, shared by `seen` and `by_doc` once both hold it.
    fn doc_name(&self, doc: &str) -> Arc<str> {
        let name = self.seen.get_key_value(doc).map(|(name, _)| name);
        match name.or(self.by_doc.get_key_value(doc).map(|(name, _)| name)) {
            Some(name) => Arc::clone(name),
            None => Arc::from(doc),
        }
    }

    fn stamp_doc(&mut self, doc: &str, stamp: FileStamp) {
        let name = self.doc_name(doc);
        self.seen.insert(name, stamp);
    }

    fn add_doc(&mut self, doc: String, id: usize) {
        let name = self.doc_name(&doc);
        self.by_doc.insert(name, id);
    }

    fn reload_file(&mut self, doc: String, path: &Path, delta: &mut Delta) {
        self.remove_doc(&doc, delta);
        match read_article_file(path) {
            Ok((text, read)) => {
                self.stamp_doc(&doc, read);
                self.insert(doc, text, read.1, delta);
            }
            Err(reason) => {
                if let Some(s) = stamp(path) {
                    self.stamp_doc(&doc, s);
                }
                warn!(file = %doc, reason = %reason, "skipped");
                self.skipped.insert(doc, reason);
            }
        }
    }

    /// The article files that differ from what this corpus read: new, changed (size or
    /// modification time) or gone. What a polling reload passes to `update`.
    pub fn changed_files(&self) -> Vec<PathBuf> {
        let mut skipped = Vec::new();
        let mut now: HashSet<String> = HashSet::new();
        let mut changed = Vec::new();
        for path in article_paths(&self.dir, &mut skipped) {
            let doc = relative_name(&self.dir, &path);
            if self.seen.get(doc.as_str()).copied() != stamp(&path) {
                changed.push(path.clone());
            }
            now.insert(doc);
        }
        for doc in self.seen.keys() {
            if !now.contains(&**doc) {
                changed.push(self.dir.join(&**doc));
            }
        }
        changed
    }
}

/// What saved state (see `store`) keeps of a corpus besides its articles.
#[derive(Debug, Serialize, Deserialize)]
pub struct SavedCorpus {
    skipped: Vec<(String, SkipReason)>,
    seen: Vec<(String, FileStamp)>,
    lines: Vec<(u64, u32)>,
}

impl Corpus {
    /// Everything else as saved state.
    pub fn saved_rest(&self) -> SavedCorpus {
        SavedCorpus {
            skipped: self
                .skipped
                .iter()
                .map(|(d, r)| (d.clone(), r.clone()))
                .collect(),
            seen: self.seen.iter().map(|(d, s)| (d.to_string(), *s)).collect(),
            lines: self.lines.0.iter().map(|(k, n)| (*k, *n)).collect(),
        }
    }

    /// The folder's article files as they are now, for `restore` (walked and statted while
    /// the saved state is decoded).
    pub fn scan(dir: &Path) -> Result<Scan, CorpusError> {
        check_dir(dir)?;
        let mut skipped = Vec::new();
        let stamps = article_paths(dir, &mut skipped)
            .par_iter()
            .map(|p| (relative_name(dir, p), stamp(p)))
            .collect();
        Ok(Scan { stamps })
    }

    /// The corpus saved as `slots` and `rest` (their names filed in `names`), as it was
    /// saved, with the files that differ from it now, as `scan` found them (changed size or
    /// modification time, new, gone): what to pass to `update` to bring it up to date, as a
    /// live reload would.
    pub fn restore(
        dir: &Path,
        scan: Scan,
        slots: Vec<Option<Article>>,
        rest: SavedCorpus,
        names: Option<Arc<names::NameFile>>,
    ) -> Result<(Corpus, Vec<PathBuf>), CorpusError> {
        let started = Instant::now();
        let now = scan.stamps;
        let mut corpus = Corpus::empty(dir);
        corpus.names = names;
        corpus.lines = LineCounts(rest.lines.into_iter().collect());
        corpus.skipped = rest.skipped.into_iter().collect();
        let mut changed: Vec<PathBuf> = Vec::new();
        for (doc, s) in &rest.seen {
            if now.get(doc).is_none_or(|n| *n != Some(*s)) {
                changed.push(dir.join(doc));
            }
        }
        for (doc, s) in rest.seen {
            corpus.stamp_doc(&doc, s);
        }
        for doc in now.keys() {
            if !corpus.seen.contains_key(doc.as_str()) {
                changed.push(dir.join(doc));
            }
        }
        for (id, slot) in slots.into_iter().enumerate() {
            if let Some(a) = &slot {
                corpus.add_doc(a.doc.clone(), id);
                corpus.live += 1;
            }
            corpus.slots.push_back(slot.map(Arc::new));
        }
        changed.sort();
        corpus.load_time = started.elapsed();
        corpus.restored = true;
        Ok((corpus, changed))
    }
}

fn check_dir(dir: &Path) -> Result<(), CorpusError> {
    let meta = std::fs::metadata(dir).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => CorpusError::Missing(dir.to_path_buf()),
        _ => CorpusError::Unreadable {
            path: dir.to_path_buf(),
            source: e,
        },
    })?;
    if !meta.is_dir() {
        return Err(CorpusError::NotADirectory(dir.to_path_buf()));
    }
    Ok(())
}

/// Loads every `.txt` and `.md` file below `dir` (hidden files and folders skipped, symlinks
/// followed, loops reported). Files that cannot serve are listed in `skipped`, never fatal.
pub fn load(dir: &Path) -> Result<Corpus, CorpusError> {
    load_in_chunks(dir, ANALYSIS_CHUNK, None)
}

/// `load`, with the articles' names filed in `names` (see `names`) rather than kept in
/// memory; later versions of the corpus file theirs there too.
pub fn load_filing_names(dir: &Path, names: Arc<names::NameFile>) -> Result<Corpus, CorpusError> {
    load_in_chunks(dir, ANALYSIS_CHUNK, Some(names))
}

fn load_in_chunks(
    dir: &Path,
    chunk_files: usize,
    names: Option<Arc<names::NameFile>>,
) -> Result<Corpus, CorpusError> {
    let started = Instant::now();
    check_dir(dir)?;
    let mut corpus = Corpus::empty(dir);
    corpus.names = names;
    let mut skipped = Vec::new();
    let paths = article_paths(dir, &mut skipped);
    // Reading and cleaning are per file: every core takes a share, in file order. Texts are
    // not kept: each file is read once to count its short lines (by the `readers`), and
    // again to be analysed.
    let read_keys = || -> Vec<(String, Option<FileStamp>, KeysRead)> {
        paths
            .par_iter()
            .map(|path| {
                let (keys, read) = match read_article_file(path) {
                    Ok((text, read)) => (Ok(LineCounts::keys_of(&text)), Some(read)),
                    Err(reason) => (Err(reason), stamp(path)),
                };
                (relative_name(dir, path), read, keys)
            })
            .collect()
    };
    let read = match readers() {
        Some(pool) => pool.install(read_keys),
        None => read_keys(),
    };
    // Count shared lines over every file first, so each is cleaned knowing the whole site.
    let mut files: Vec<(String, Vec<u64>)> = Vec::new();
    for (doc, stamp, read) in read {
        if let Some(s) = stamp {
            corpus.stamp_doc(&doc, s);
        }
        match read {
            Ok(keys) => {
                corpus.lines.add_keys(&keys);
                files.push((doc, keys));
            }
            Err(reason) => skipped.push(Skipped { doc, reason }),
        }
    }
    let lines = &corpus.lines;
    // Slot i is file i (the corpus starts empty). Files are analysed a chunk at a time on
    // every core, and each article is then copied on this thread: what an article keeps is
    // packed together rather than left among the pages its analysis churned through, and
    // the next chunk's analysis reuses those pages. At 100,000 articles that is 170 MB less.
    let mut analysed: Vec<(String, Result<Option<Article>, SkipReason>)> =
        Vec::with_capacity(files.len());
    let mut progress = crate::progress::Progress::new("analysing the articles", files.len());
    let mut files = files.into_iter();
    loop {
        progress.at(analysed.len());
        let chunk: Vec<(String, Vec<u64>)> = files.by_ref().take(chunk_files).collect();
        if chunk.is_empty() {
            break;
        }
        let base = analysed.len();
        let done: Vec<(String, Result<Option<Article>, SkipReason>)> = chunk
            .into_par_iter()
            .enumerate()
            .map(|(j, (doc, keys))| {
                // A file changed between the two reads is analysed as it is now; its new
                // stamp tells the watcher to read it again.
                let article = read_article_file(&dir.join(&doc)).map(|(text, (_, modified))| {
                    analyse(base + j, doc.clone(), &text, modified, keys, lines)
                });
                (doc, article)
            })
            .collect();
        analysed.extend(
            done.into_iter()
                .map(|(doc, article)| (doc, article.map(|a| packed(a, corpus.names.as_deref())))),
        );
    }
    for (doc, article) in analysed {
        // Slots are numbered by file, so a file that yields no article leaves its slot empty.
        let id = corpus.slots.len();
        match article {
            Ok(Some(a)) => {
                debug_assert_eq!(a.id, id);
                corpus.slots.push_back(Some(Arc::new(a)));
                corpus.add_doc(doc, id);
                corpus.live += 1;
            }
            Ok(None) => {
                corpus.slots.push_back(None);
                skipped.push(Skipped {
                    doc,
                    reason: SkipReason::NoArticleText,
                });
            }
            Err(reason) => {
                corpus.slots.push_back(None);
                skipped.push(Skipped { doc, reason });
            }
        }
    }
    for s in skipped {
        warn!(file = %s.doc, reason = %s.reason, "skipped");
        corpus.skipped.insert(s.doc, s.reason);
    }
    crate::release_free_memory();
    corpus.load_time = started.elapsed();
    Ok(corpus)
}

fn is_hidden(entry: &walkdir::DirEntry) -> bool {
    entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('.')
}

fn is_article_name(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("txt" | "md")
    )
}

fn article_paths(dir: &Path, skipped: &mut Vec<Skipped>) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    for entry in walker.filter_entry(|e| !is_hidden(e)) {
        match entry {
            Ok(e) if e.file_type().is_file() && is_article_name(e.path()) => {
                paths.push(e.into_path())
            }
            Ok(_) => {}
            Err(e) => {
                let doc = e
                    .path()
                    .map(|p| relative_name(dir, p))
                    .unwrap_or_else(|| dir.display().to_string());
                let why = if e.loop_ancestor().is_some() {
                    "symlink loop".to_string()
                } else {
                    e.to_string()
                };
                skipped.push(Skipped {
                    doc,
                    reason: SkipReason::Unreadable(why),
                });
            }
        }
    }
    paths
}

fn relative_name(dir: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(dir).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The text of `path` when it is still the one `source` describes.
fn read_source(path: &Path, source: Source) -> Result<String, &'static str> {
    let file = std::fs::File::open(path).map_err(|_| "the file cannot be opened")?;
    let bytes = read_past(file, source.len(), source.len() as u64)
        .map_err(|_| "the file cannot be read")?;
    if bytes.len() != source.len() || hash_bytes(&bytes) != source.hash {
        return Err("the file changed");
    }
    String::from_utf8(bytes).map_err(|_| "the file changed")
}

/// A copy of `article` made on this thread, the original dropped (see `load`), with its
/// names moved to `names` when given.
fn packed(article: Option<Article>, names: Option<&names::NameFile>) -> Option<Article> {
    let mut article = article?;
    article.file_names(names);
    Some(article.clone())
}

/// Files analysed at a time at start-up (see `load`).
const ANALYSIS_CHUNK: usize = 2048;

/// Threads that read the files the first time (see `readers`).
const READERS: usize = 16;

/// A pool of `READERS` threads for the first read of every file at start-up, when the files
/// are most likely not in the page cache: a read that waits for the disk holds its thread,
/// and with a thread per core the reads were one or two at a time. Over 100,000 articles
/// not in the cache, that pass took 6 s at 100% CPU; with 16 reads in flight, under 3 s
/// (8 or 32 did no better). None if the pool cannot be made: the global pool reads.
fn readers() -> Option<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(READERS)
        .thread_name(|i| format!("reader-{i}"))
        .build()
        .inspect_err(|e| warn!(error = %e, "no reader threads; reading on the global pool"))
        .ok()
}

/// A file's short lines' keys (see `LineCounts`), or why it cannot be an article.
type KeysRead = Result<Vec<u64>, SkipReason>;

/// A file's text and its size and modification time when opened, or why it cannot be an
/// article.
type ReadResult = Result<(String, FileStamp), SkipReason>;

/// Reads one file as article text, or says why it cannot be one. The file is opened once
/// and its stamp read from the open file (a corpus of 100,000 files is read twice at
/// start-up: every look-up of a path costs).
pub fn read_article_file(path: &Path) -> ReadResult {
    let unreadable = |e: std::io::Error| SkipReason::Unreadable(e.kind().to_string());
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let meta = file.metadata().map_err(unreadable)?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(SkipReason::TooLarge(meta.len()));
    }
    // A file that grew past the limit since is read one byte past it.
    let bytes = read_past(file, meta.len() as usize, MAX_FILE_BYTES).map_err(unreadable)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(SkipReason::TooLarge(bytes.len() as u64));
    }
    let text = decode(bytes)?;
    Ok((text, (meta.len(), meta.modified().ok())))
}

/// `file` read to its end or one byte past `limit`, whichever comes first, into room for
/// `expected` bytes and one more: one byte past the limit tells a longer file without
/// reading all of it.
fn read_past(file: std::fs::File, expected: usize, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::with_capacity(expected + 1);
    file.take(limit + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Accepts UTF-8 text only (a leading BOM is kept as bytes, so offsets stay true to the file).
pub fn decode(bytes: Vec<u8>) -> Result<String, SkipReason> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(SkipReason::Empty);
    }
    if bytes.contains(&0) {
        return Err(SkipReason::Binary);
    }
    String::from_utf8(bytes).map_err(|_| SkipReason::NotUtf8)
}

/// Cleans one file and cuts its prose into passages; None when nothing quotable is left.
/// `line_keys` are its short lines' keys as counted in `shared`.
pub fn analyse(
    id: usize,
    doc: String,
    text: &str,
    modified: Option<SystemTime>,
    line_keys: Vec<u64>,
    shared: &dyn clean::SharedLines,
) -> Option<Article> {
    let mut cleaned = clean::clean(text, shared);
    let mut passages = passages(text, &cleaned.blocks);
    if passages.is_empty() {
        return None;
    }
    // Kept for as long as the article serves: no room to grow.
    passages.shrink_to_fit();
    cleaned.blocks.shrink_to_fit();
    let lead = passages.first().map(|p| p.range());
    let meta = meta::read(text, &cleaned.blocks, cleaned.headline.clone(), lead);
    let mut events = events(text, &passages, meta.date);
    events.shrink_to_fit();
    let sentences: Vec<Range<usize>> = passages.iter().map(|p| p.range()).collect();
    let entities = entities::analyse_article(id, text, &sentences);
    Some(Article {
        id,
        doc,
        source: Source::of(text),
        modified,
        blocks: cleaned.blocks,
        passages,
        meta,
        events,
        entities: entities::ArticleNames::encoded(&entities),
        line_keys: line_keys.into_boxed_slice(),
        term_counts: std::sync::OnceLock::new(),
        event_words: std::sync::OnceLock::new(),
    })
}

/// Resolves the date expressions of the passages in reading order (so that "days later"
/// follows the last date mentioned) and keeps, per passage, its most precise date: an
/// interval's start ("since January") only when nothing finer is there.
fn events(text: &str, passages: &[Passage], article_date: Option<DateValue>) -> Vec<Event> {
    let mut anchor = dates::Anchor {
        article_date,
        last_mentioned: None,
    };
    let mut out = Vec::new();
    for (i, p) in passages.iter().enumerate() {
        let best = dates::extract(text, p.range(), &mut anchor)
            .into_iter()
            .filter_map(|e| {
                let value = e.value?;
                let rank = (
                    e.kind != ExprKind::Since,
                    value.granularity(),
                    std::cmp::Reverse(e.range.start),
                );
                // Only a calendar date can be an event: another date of the passage may be.
                Some((rank, Event::new(i, e.range, value)?))
            })
            .max_by(|a, b| a.0.cmp(&b.0));
        if let Some((_, event)) = best {
            out.push(event);
        }
    }
    out
}

fn passages(text: &str, blocks: &[Block]) -> Vec<Passage> {
    let mut out: Vec<Passage> = Vec::new();
    // A passage ending in ':' waits for the sentence it introduces.
    let mut open: Option<Passage> = None;
    for b in blocks {
        match b.kind {
            BlockKind::Heading | BlockKind::Boilerplate => out.extend(open.take()),
            BlockKind::Body => {
                for r in sentences::split(text, b.range()) {
                    let p = match open.take() {
                        Some(mut o) => {
                            o.span = Span::new(o.range().start..r.end);
                            o
                        }
                        None => Passage::new(r),
                    };
                    if text[p.range()].ends_with(':') {
                        open = Some(p);
                    } else {
                        out.push(p);
                    }
                }
            }
        }
    }
    out.extend(open);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_rejects_what_cannot_serve() {
        assert_eq!(decode(b"".to_vec()), Err(SkipReason::Empty));
        assert_eq!(decode(b" \n\t".to_vec()), Err(SkipReason::Empty));
        assert_eq!(decode(b"ab\0cd".to_vec()), Err(SkipReason::Binary));
        assert_eq!(decode(vec![b'a', 0xff, 0xfe]), Err(SkipReason::NotUtf8));
        assert_eq!(
            decode("Ünïcode.".as_bytes().to_vec()),
            Ok("Ünïcode.".to_string())
        );
    }

    /// A file is read with the size and time it had when opened; one past the size limit,
    /// a folder, or a missing file is refused with its reason.
    #[test]
    fn a_file_is_read_with_its_stamp_or_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, "Ships sail.\n").unwrap();
        let (text, (len, modified)) = read_article_file(&path).unwrap();
        assert_eq!((text.as_str(), len), ("Ships sail.\n", 12));
        assert_eq!(Some((len, modified)), stamp(&path));
        let big = dir.path().join("big.txt");
        let file = std::fs::File::create(&big).unwrap();
        file.set_len(MAX_FILE_BYTES + 1).unwrap();
        assert_eq!(
            read_article_file(&big),
            Err(SkipReason::TooLarge(MAX_FILE_BYTES + 1))
        );
        assert!(matches!(
            read_article_file(dir.path()),
            Err(SkipReason::Unreadable(_))
        ));
        assert!(matches!(
            read_article_file(&dir.path().join("gone.txt")),
            Err(SkipReason::Unreadable(_))
        ));
    }

    #[test]
    fn colon_joins_the_statement_it_introduces() {
        let text = "Blinken stated from Brussels:\nEvery dollar will be spent.\nNext one.";
        let blocks = vec![
            Block::new(0..29, BlockKind::Body, "t"),
            Block::new(30..57, BlockKind::Body, "t"),
            Block::new(58..67, BlockKind::Body, "t"),
        ];
        let ps = passages(text, &blocks);
        assert_eq!(
            &text[ps[0].range()],
            "Blinken stated from Brussels:\nEvery dollar will be spent."
        );
        assert_eq!(&text[ps[1].range()], "Next one.");
    }

    /// Each passage's paragraph and section, found from the blocks, are those the passages
    /// were cut from: the body block each first sentence was split out of, and the last
    /// heading before it. Over the seeds and generated articles, with headings, furniture
    /// and statements introduced by a colon.
    #[test]
    fn a_passage_finds_the_paragraph_and_section_it_was_cut_from() {
        let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let mut texts: Vec<String> = std::fs::read_dir(&seeds)
            .unwrap()
            .filter_map(|e| std::fs::read_to_string(e.unwrap().path()).ok())
            .collect();
        texts.extend((0..300).map(|i| crate::synth::article(i, 7)));
        texts.push("Markets\n\nShares fell: Traders said so.\nBonds rose.\n\nSee also\n\nPolitics\n\nThe vote was close. It passed.\n".into());
        let (mut checked, mut sectioned) = (0, 0);
        for (id, text) in texts.iter().enumerate() {
            let Some(a) = analyse(
                id,
                format!("{id}.txt"),
                text,
                None,
                Vec::new(),
                &HashSet::new(),
            ) else {
                continue;
            };
            // Where each sentence was cut from, as `passages` walks the blocks.
            let mut cut_from = HashMap::new();
            let mut section = None;
            for (i, b) in a.blocks.iter().enumerate() {
                match b.kind {
                    BlockKind::Heading => section = Some(i),
                    BlockKind::Boilerplate => {}
                    BlockKind::Body => {
                        for r in sentences::split(text, b.range()) {
                            cut_from.insert(r.start, (i, section));
                        }
                    }
                }
            }
            let walked: Vec<Option<usize>> = a.sections().collect();
            for (p, passage) in a.passages.iter().enumerate() {
                let found = (a.block_of(p), walked[p]);
                assert_eq!(a.section_of(p), found.1);
                assert_eq!(Some(&found), cut_from.get(&passage.range().start), "{text}");
                checked += 1;
                sectioned += usize::from(found.1.is_some());
            }
        }
        assert!(checked > 5000 && sectioned > 100, "{checked} {sectioned}");
    }

    #[test]
    fn loads_folder_and_reports_bad_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        std::fs::write(
            p.join("a.txt"),
            "A real article sentence about Patriot missiles.\n",
        )
        .unwrap();
        std::fs::create_dir(p.join("sub")).unwrap();
        std::fs::write(
            p.join("sub/b.md"),
            "Another real article about tariffs on oil.\n",
        )
        .unwrap();
        std::fs::write(p.join("empty.txt"), "").unwrap();
        std::fs::write(p.join("latin1.txt"), [b'c', b'a', b'f', 0xe9, b'\n']).unwrap();
        std::fs::write(p.join("bin.txt"), [1u8, 0, 2, 3]).unwrap();
        std::fs::write(p.join("ignored.pdf"), "x").unwrap();
        std::fs::write(p.join(".hidden.txt"), "Hidden text.").unwrap();
        let c = load(p).unwrap();
        let docs: Vec<&str> = c.iter().map(|a| a.doc.as_str()).collect();
        assert_eq!(docs, ["a.txt", "sub/b.md"]);
        let skipped = c.skipped();
        let skipped: Vec<(&str, &SkipReason)> = skipped
            .iter()
            .map(|s| (s.doc.as_str(), &s.reason))
            .collect();
        assert_eq!(
            skipped,
            [
                ("bin.txt", &SkipReason::Binary),
                ("empty.txt", &SkipReason::Empty),
                ("latin1.txt", &SkipReason::NotUtf8)
            ]
        );
    }

    #[test]
    fn missing_folder_is_an_error() {
        assert!(matches!(
            load(Path::new("/no/such/folder")),
            Err(CorpusError::Missing(_))
        ));
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loop_is_skipped_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "A sentence of news.\n").unwrap();
        std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
        let c = load(dir.path()).unwrap();
        assert_eq!(c.len(), 1);
        assert!(
            c.skipped()
                .iter()
                .any(|s| matches!(&s.reason, SkipReason::Unreadable(w) if w.contains("loop")))
        );
    }

    const HARBOUR: &str =
        "The harbour authority approved the dredging plan on Tuesday after a long debate.\n";
    const RAIL: &str =
        "Train drivers returned to work on Friday after a four-day strike over pay.\n";

    #[test]
    fn loading_in_chunks_gives_the_same_corpus() {
        let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let whole = load_in_chunks(&seeds, usize::MAX, None).unwrap();
        assert!(whole.len() > 3);
        let key = |c: &Corpus| -> Vec<String> {
            c.slots
                .iter()
                .map(|s| format!("{s:?}"))
                .chain(c.skipped().iter().map(|s| format!("{s:?}")))
                .collect()
        };
        for chunk in [1, 3] {
            let c = load_in_chunks(&seeds, chunk, None).unwrap();
            assert_eq!(key(&c), key(&whole), "chunks of {chunk}");
            for a in c.iter() {
                assert_eq!(c.by_doc(&a.doc).map(|b| b.id), Some(a.id));
                assert!(c.read(a.id).is_some(), "{}", a.doc);
            }
        }
    }

    #[test]
    fn an_event_keeps_its_date_at_every_granularity_and_only_calendar_dates() {
        let d = |year, month, day| DateValue { year, month, day };
        for date in [
            d(2014, None, None),
            d(-44, Some(3), None),
            d(2025, Some(12), Some(31)),
            d(2025, Some(1), Some(1)),
        ] {
            let e = Event::new(3, 10..20, date).unwrap();
            assert_eq!((e.date(), e.passage(), e.expr()), (date, 3, 10..20));
        }
        for date in [
            d(2025, Some(13), None),
            d(2025, Some(0), None),
            d(2025, Some(2), Some(32)),
            d(2025, Some(2), Some(300)),
        ] {
            assert_eq!(Event::new(0, 0..1, date), None, "{date:?}");
        }
    }

    #[test]
    fn an_article_keeps_its_names_encoded_or_filed_as_the_analysis_found_them() {
        let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let dir = tempfile::tempdir().unwrap();
        let file = Arc::new(names::NameFile::create(&dir.path().join("names")).unwrap());
        let in_memory = load(&seeds).unwrap();
        let filing = load_filing_names(&seeds, file.clone()).unwrap();
        for (c, filed) in [(&in_memory, false), (&filing, true)] {
            let mut found_all = Vec::new();
            for a in c.iter() {
                assert_eq!(
                    matches!(a.entities, entities::ArticleNames::Filed(_)),
                    filed,
                    "{}",
                    a.doc
                );
                let text = c.read(a.id).unwrap();
                let sentences: Vec<Range<usize>> = a.passages.iter().map(|p| p.range()).collect();
                let found = entities::analyse_article(a.id, &text.text, &sentences);
                assert_eq!(
                    format!("{:?}", c.names_of(a)),
                    format!("{found:?}"),
                    "{}",
                    a.doc
                );
                found_all.push(found);
            }
            assert!(
                entities::merge(&found_all).len() > 3,
                "the seeds name people and places"
            );
            assert!(c.names_are_held());
        }
        // A new file's names are filed too, after the others.
        let folder = tempfile::tempdir().unwrap();
        let lopez = "Maria Lopez, the mayor of Springfield, said the bridge would open.\n\nThe bridge opened on Monday, Maria Lopez said.\n";
        std::fs::write(folder.path().join("a.txt"), lopez).unwrap();
        let c = load_filing_names(folder.path(), file.clone()).unwrap();
        let before = std::fs::metadata(file.path()).unwrap().len();
        let doc = folder.path().join("b.txt");
        std::fs::write(&doc, lopez.replace("Monday", "Tuesday")).unwrap();
        let (next, delta) = c.update(&[doc]);
        assert_eq!(delta.added.len(), 1);
        let added = next.get(delta.added[0]).unwrap();
        assert!(matches!(added.entities, entities::ArticleNames::Filed(_)));
        assert!(std::fs::metadata(file.path()).unwrap().len() > before);
        let text = next.read(added.id).unwrap();
        let sentences: Vec<Range<usize>> = added.passages.iter().map(|p| p.range()).collect();
        let found = entities::analyse_article(added.id, &text.text, &sentences);
        assert_eq!(format!("{:?}", next.names_of(added)), format!("{found:?}"));
        assert!(found.heap_size() > 0, "it names Maria Lopez");
    }

    #[test]
    fn recent_texts_keep_to_their_budget_dropping_the_least_recently_read() {
        let mut texts = Texts::default();
        let text = |c: char| -> Arc<str> { c.to_string().repeat(TEXT_CACHE_BYTES / 4).into() };
        for (id, c) in "abcd".chars().enumerate() {
            texts.put(id, text(c));
        }
        assert_eq!(texts.bytes, TEXT_CACHE_BYTES);
        // Reading `a` makes `b` the least recently read.
        assert!(texts.get(0).is_some());
        texts.put(4, text('e'));
        assert!(texts.get(1).is_none());
        assert!([0, 2, 3, 4].iter().all(|id| texts.get(*id).is_some()));
        assert_eq!(texts.bytes, TEXT_CACHE_BYTES);
        // The same slot again replaces, and is counted once.
        texts.put(4, text('e'));
        assert_eq!(texts.bytes, TEXT_CACHE_BYTES);
        // A text over the whole budget is still kept (alone): the reply reading it needs it.
        texts.put(5, "x".repeat(TEXT_CACHE_BYTES + 1).into());
        assert_eq!(texts.recent.len(), 1);
        assert_eq!(texts.bytes, TEXT_CACHE_BYTES + 1);
    }

    #[test]
    fn a_text_is_read_back_only_while_the_file_holds_the_bytes_analysed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, HARBOUR).unwrap();
        // Same length, one byte changed: only the hash tells.
        let mut same_length = HARBOUR.as_bytes().to_vec();
        let at = HARBOUR.find("approved").unwrap();
        same_length[at] = b'A';
        for (changed, why) in [
            (same_length, "same length, other bytes"),
            (format!("{HARBOUR}More.\n").into_bytes(), "longer"),
            (format!("{HARBOUR} ").into_bytes(), "one byte longer"),
            (
                HARBOUR.as_bytes()[..HARBOUR.len() - 1].to_vec(),
                "one byte shorter",
            ),
            (Vec::new(), "emptied"),
        ] {
            // A corpus that has not read the text yet.
            let c = load(dir.path()).unwrap();
            let id = c.by_doc("a.txt").unwrap().id;
            std::fs::write(&path, &changed).unwrap();
            assert!(c.read(id).is_none(), "{why}");
            // Put back, it is served again: a failed read is not remembered.
            std::fs::write(&path, HARBOUR).unwrap();
            assert_eq!(&*c.read(id).expect(why).text, HARBOUR);
        }
        // Gone altogether.
        let c = load(dir.path()).unwrap();
        let id = c.by_doc("a.txt").unwrap().id;
        std::fs::remove_file(&path).unwrap();
        assert!(c.read(id).is_none());
        // A text already read is the one analysed, whatever the file holds now.
        std::fs::write(&path, HARBOUR).unwrap();
        let c = load(dir.path()).unwrap();
        let id = c.by_doc("a.txt").unwrap().id;
        assert_eq!(&*c.read(id).unwrap().text, HARBOUR);
        std::fs::write(&path, "Something else entirely.\n").unwrap();
        assert_eq!(&*c.read(id).unwrap().text, HARBOUR);
    }

    #[test]
    fn update_reads_only_what_changed_and_never_reuses_a_slot() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        std::fs::write(p.join("a.txt"), HARBOUR).unwrap();
        std::fs::write(p.join("b.txt"), RAIL).unwrap();
        let c0 = load(p).unwrap();
        let a0 = c0.by_doc("a.txt").unwrap().id;

        // Rewrite a.txt, add c.txt, delete b.txt.
        std::fs::write(
            p.join("a.txt"),
            "The harbour authority rejected the plan.\n",
        )
        .unwrap();
        std::fs::write(p.join("c.txt"), RAIL).unwrap();
        std::fs::remove_file(p.join("b.txt")).unwrap();
        let (c1, delta) = c0.update(&[p.join("a.txt"), p.join("c.txt"), p.join("b.txt")]);
        assert_eq!(c1.len(), 2);
        let a1 = c1.by_doc("a.txt").unwrap();
        assert_ne!(a1.id, a0, "a changed file gets a new slot");
        assert!(c1.get(a0).is_none(), "its old slot is empty");
        assert!(c1.read(a1.id).unwrap().text.contains("rejected"));
        assert!(c1.by_doc("b.txt").is_none() && c1.by_doc("c.txt").is_some());
        assert_eq!(delta.removed.len(), 2);
        assert_eq!(delta.added.len(), 2);
        // The old version is untouched: queries still running on it see what they saw.
        assert_eq!(c0.len(), 2);
        assert!(c0.get(a0).is_some());
        assert_eq!(c0.by_doc("a.txt").map(|a| a.id), Some(a0));
        assert!(c0.by_doc("b.txt").is_some() && c0.by_doc("c.txt").is_none());
        // Its maps were copied, not changed: it still sees all three files as changed
        // since it read them, and the new version none.
        assert_eq!(c0.changed_files().len(), 3);
        assert!(c1.changed_files().is_empty());
        // But its file no longer holds the text it was analysed from: it is not quoted by
        // its old offsets.
        assert!(c0.read(a0).is_none());
    }

    #[test]
    fn a_file_turned_bad_is_reported_and_others_keep_serving() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        std::fs::write(p.join("a.txt"), HARBOUR).unwrap();
        std::fs::write(p.join("b.txt"), RAIL).unwrap();
        let c0 = load(p).unwrap();
        std::fs::write(p.join("a.txt"), [0xffu8, 0xfe, b'x']).unwrap();
        let (c1, _) = c0.update(&[p.join("a.txt")]);
        assert!(
            c1.by_doc("a.txt").is_none(),
            "its bytes changed, so the old quotes would not be checkable"
        );
        assert_eq!(
            c1.skipped(),
            vec![Skipped {
                doc: "a.txt".into(),
                reason: SkipReason::NotUtf8
            }]
        );
        assert!(c1.by_doc("b.txt").is_some());
        // Fixed again: served again, no longer skipped.
        std::fs::write(p.join("a.txt"), HARBOUR).unwrap();
        let (c2, _) = c1.update(&[p.join("a.txt")]);
        assert!(c2.by_doc("a.txt").is_some() && c2.skipped().is_empty());
    }

    #[test]
    fn deleted_folder_removes_everything_below_it() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        std::fs::create_dir_all(p.join("desk/world")).unwrap();
        std::fs::write(p.join("desk/world/a.txt"), HARBOUR).unwrap();
        std::fs::write(p.join("desk/b.md"), RAIL).unwrap();
        std::fs::write(p.join("c.txt"), RAIL).unwrap();
        let c0 = load(p).unwrap();
        assert_eq!(c0.len(), 3);
        std::fs::remove_dir_all(p.join("desk")).unwrap();
        let (c1, delta) = c0.update(&[p.join("desk")]);
        assert_eq!(c1.len(), 1);
        assert_eq!(delta.removed.len(), 2);
        // And a folder moved in brings its files.
        std::fs::create_dir_all(p.join("new")).unwrap();
        std::fs::write(p.join("new/x.txt"), HARBOUR).unwrap();
        let (c2, _) = c1.update(&[p.join("new")]);
        assert!(c2.by_doc("new/x.txt").is_some());
    }

    #[test]
    fn hidden_and_foreign_paths_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        std::fs::write(p.join("a.txt"), HARBOUR).unwrap();
        let c0 = load(p).unwrap();
        std::fs::write(p.join(".swap.txt"), RAIL).unwrap();
        std::fs::write(p.join("notes.pdf"), RAIL).unwrap();
        let (c1, delta) = c0.update(&[
            p.join(".swap.txt"),
            p.join("notes.pdf"),
            PathBuf::from("/etc/passwd"),
        ]);
        assert!(delta.is_empty());
        assert_eq!(c1.len(), 1);
    }
}
