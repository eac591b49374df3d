//! The corpus: every `.txt`/`.md` file of a folder, loaded, cleaned, split into quotable passages.

pub mod clean;
pub mod meta;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use thiserror::Error;
use tracing::warn;

use crate::nlp::dates::{self, DateValue, ExprKind};
use crate::nlp::sentences;
use clean::{Block, BlockKind};

/// Files larger than this are skipped: no article is that long, and reading it would stall a reload.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

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
#[derive(Debug, Clone, PartialEq, Eq)]
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
            SkipReason::TooLarge(n) => write!(f, "too large ({} MB)", n / (1024 * 1024)),
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    pub range: Range<usize>,
    /// Index of the article's section heading block above it, if any.
    pub section: Option<usize>,
    /// Index of the body block (paragraph) it starts in.
    pub block: usize,
}

/// A dated event: a passage and the date expression in it that resolved to a real date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub passage: usize,
    /// The date expression as written.
    pub expr: Range<usize>,
    pub date: DateValue,
}

#[derive(Debug, Clone)]
pub struct Article {
    /// Position in `Corpus::articles`.
    pub id: usize,
    /// File name relative to the corpus folder, with `/` separators.
    pub doc: String,
    pub text: String,
    pub modified: Option<SystemTime>,
    pub blocks: Vec<Block>,
    pub passages: Vec<Passage>,
    pub meta: meta::Meta,
    /// At most one event per passage, in reading order.
    pub events: Vec<Event>,
}

impl Article {
    pub fn passage_text(&self, p: usize) -> &str {
        &self.text[self.passages[p].range.clone()]
    }
    pub fn date_string(&self) -> Option<String> {
        self.meta.date.map(|d| d.to_string())
    }
    pub fn url(&self) -> Option<&str> {
        self.meta.urls.first().map(String::as_str)
    }
    pub fn word_count(&self) -> usize {
        self.blocks
            .iter()
            .filter(|b| b.kind == BlockKind::Body)
            .map(|b| self.text[b.range.clone()].split_whitespace().count())
            .sum()
    }
}

#[derive(Debug, Clone)]
pub struct Corpus {
    pub dir: PathBuf,
    pub articles: Vec<Article>,
    pub skipped: Vec<Skipped>,
    pub load_time: Duration,
}

impl Corpus {
    pub fn passage_count(&self) -> usize {
        self.articles.iter().map(|a| a.passages.len()).sum()
    }
    pub fn newest_date(&self) -> Option<DateValue> {
        self.articles.iter().filter_map(|a| a.meta.date).max()
    }
}

/// Loads every `.txt` and `.md` file below `dir` (hidden files and folders skipped, symlinks
/// followed, loops reported). Files that cannot serve are listed in `skipped`, never fatal.
pub fn load(dir: &Path) -> Result<Corpus, CorpusError> {
    let started = Instant::now();
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
    let mut skipped = Vec::new();
    let mut files: Vec<(String, String, Option<SystemTime>)> = Vec::new();
    for path in article_paths(dir, &mut skipped) {
        let doc = relative_name(dir, &path);
        match read_article_file(&path) {
            Ok((text, modified)) => files.push((doc, text, modified)),
            Err(reason) => skipped.push(Skipped { doc, reason }),
        }
    }
    let shared = shared_lines(files.iter().map(|(_, text, _)| text.as_str()));
    let mut articles = Vec::with_capacity(files.len());
    for (doc, text, modified) in files {
        match analyse(articles.len(), doc.clone(), text, modified, &shared) {
            Some(a) => articles.push(a),
            None => skipped.push(Skipped {
                doc,
                reason: SkipReason::NoArticleText,
            }),
        }
    }
    for s in &skipped {
        warn!(file = %s.doc, reason = %s.reason, "skipped");
    }
    skipped.sort_by(|a, b| a.doc.cmp(&b.doc));
    Ok(Corpus {
        dir: dir.to_path_buf(),
        articles,
        skipped,
        load_time: started.elapsed(),
    })
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

/// Reads one file as article text, or says why it cannot be one.
pub fn read_article_file(path: &Path) -> Result<(String, Option<SystemTime>), SkipReason> {
    let meta = std::fs::metadata(path).map_err(|e| SkipReason::Unreadable(e.kind().to_string()))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(SkipReason::TooLarge(meta.len()));
    }
    let bytes = std::fs::read(path).map_err(|e| SkipReason::Unreadable(e.kind().to_string()))?;
    let text = decode(bytes)?;
    Ok((text, meta.modified().ok()))
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

/// Keys of short lines that stand in two or more files: site menus and footers.
pub fn shared_lines<'a>(texts: impl Iterator<Item = &'a str>) -> HashSet<String> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for text in texts {
        let keys: HashSet<String> = text.lines().filter_map(clean::line_key).collect();
        for k in keys {
            *counts.entry(k).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .filter(|(_, n)| *n >= 2)
        .map(|(k, _)| k)
        .collect()
}

/// Cleans one file and cuts its prose into passages; None when nothing quotable is left.
pub fn analyse(
    id: usize,
    doc: String,
    text: String,
    modified: Option<SystemTime>,
    shared: &HashSet<String>,
) -> Option<Article> {
    let cleaned = clean::clean(&text, shared);
    let passages = passages(&text, &cleaned.blocks);
    if passages.is_empty() {
        return None;
    }
    let lead = passages.first().map(|p| p.range.clone());
    let meta = meta::read(&text, &cleaned.blocks, cleaned.headline.clone(), lead);
    let events = events(&text, &passages, meta.date);
    Some(Article {
        id,
        doc,
        text,
        modified,
        blocks: cleaned.blocks,
        passages,
        meta,
        events,
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
        let best = dates::extract(text, p.range.clone(), &mut anchor)
            .into_iter()
            .filter_map(|e| {
                let value = e.value?;
                let rank = (
                    e.kind != ExprKind::Since,
                    value.granularity(),
                    std::cmp::Reverse(e.range.start),
                );
                Some((rank, e.range, value))
            })
            .max_by(|a, b| a.0.cmp(&b.0));
        if let Some((_, expr, date)) = best {
            out.push(Event {
                passage: i,
                expr,
                date,
            });
        }
    }
    out
}

fn passages(text: &str, blocks: &[Block]) -> Vec<Passage> {
    let mut out: Vec<Passage> = Vec::new();
    let mut section = None;
    // A passage ending in ':' waits for the sentence it introduces.
    let mut open: Option<Passage> = None;
    for (i, b) in blocks.iter().enumerate() {
        match b.kind {
            BlockKind::Heading => {
                out.extend(open.take());
                section = Some(i);
            }
            BlockKind::Boilerplate => out.extend(open.take()),
            BlockKind::Body => {
                for r in sentences::split(text, b.range.clone()) {
                    let p = match open.take() {
                        Some(mut o) => {
                            o.range.end = r.end;
                            o
                        }
                        None => Passage {
                            range: r,
                            section,
                            block: i,
                        },
                    };
                    if text[p.range.clone()].ends_with(':') {
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

    #[test]
    fn colon_joins_the_statement_it_introduces() {
        let text = "Blinken stated from Brussels:\nEvery dollar will be spent.\nNext one.";
        let blocks = vec![
            Block {
                range: 0..29,
                kind: BlockKind::Body,
                reason: "t",
            },
            Block {
                range: 30..57,
                kind: BlockKind::Body,
                reason: "t",
            },
            Block {
                range: 58..67,
                kind: BlockKind::Body,
                reason: "t",
            },
        ];
        let ps = passages(text, &blocks);
        assert_eq!(
            &text[ps[0].range.clone()],
            "Blinken stated from Brussels:\nEvery dollar will be spent."
        );
        assert_eq!(&text[ps[1].range.clone()], "Next one.");
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
        let docs: Vec<&str> = c.articles.iter().map(|a| a.doc.as_str()).collect();
        assert_eq!(docs, ["a.txt", "sub/b.md"]);
        let skipped: Vec<(&str, &SkipReason)> = c
            .skipped
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
        assert_eq!(c.articles.len(), 1);
        assert!(
            c.skipped
                .iter()
                .any(|s| matches!(&s.reason, SkipReason::Unreadable(w) if w.contains("loop")))
        );
    }
}
