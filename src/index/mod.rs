//! The tantivy index of passages, in RAM or in the state folder (see `store`): English
//! stemming, ASCII folding, BM25 with a title boost.

mod around;
mod dense;
pub mod dir;
mod feed;
mod grouped;
mod near;
mod neighbours;
pub mod query;
mod spread;
mod stem;

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tantivy::columnar::Column;
use tantivy::merge_policy::LogMergePolicy;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, StopWordFilter, TextAnalyzer,
};
use tantivy::{
    DocAddress, Index, IndexReader, ReloadPolicy, Score, Searcher, TantivyDocument,
    Term as TantivyTerm,
};
use thiserror::Error;

use crate::corpus::{Corpus, Delta, Opened};
use dense::{Reach, Scored, Scoring, TermGroups};
pub use grouped::{ArticleHits, Grouped};
use neighbours::BitsCache;
pub use query::{Term, UserQuery};
use spread::Spread;

/// The analyser of the passages' own text (`analyzer`; each text is indexed once).
const BODY_ANALYZER: &str = "news";
/// The analyser of the title, indexed on each article's first passage (see `spread`):
/// `analyzer`'s.
const TITLE_ANALYZER: &str = "news-title";
/// The analyser of the heading, indexed on the first passage of its section (see
/// `spread`): `analyzer`'s, the stopwords left out (see `heading_analyzer`).
const HEADING_ANALYZER: &str = "news-heading";
/// The writer's indexing memory per thread (tantivy's minimum is 15 MB). A segment is
/// flushed when it is full: at 100 MB it holds about 500,000 passages, and 100,000 articles
/// make 10 segments (24 at 50 MB, where `/ask` took a fifth longer). A reload's small
/// segment takes only the memory it fills.
const WRITER_MEMORY: usize = 100_000_000;
/// Segments of more passages than this are searched as they are, never merged: those the
/// writer flushes when its memory is full, and most of what the first start's commit
/// flushes. Merging them while the corpus was first indexed took a fifth of that step at
/// 100,000 articles, and 150 MB more memory at its peak. Smaller segments, the ones each
/// reload adds, are merged as tantivy's log policy would (eight of a size together).
const MAX_PASSAGES_BEFORE_MERGE: usize = 50_000;
/// How much a title match counts against a match in the passage itself.
const TITLE_BOOST: f32 = 0.6;
/// How much a match in the passage's section heading counts.
const HEADING_BOOST: f32 = 0.1;
/// How much a neighbouring passage's own score for a word counts toward the passage (see
/// `neighbours`). With these two, `/search` ranks nearly as it did when the heading and
/// the neighbours' words were indexed as one field, weighted 0.35 with that field's own
/// statistics (see the README). A larger weight here also slows `/search`, whose ranking
/// pass must lower its threshold by the most the neighbours can add (see `grouped`).
const NEIGHBOUR_BOOST: f32 = 0.05;

#[derive(Debug, Error)]
pub enum IndexError {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index folder {0}: {1}")]
    Dir(std::path::PathBuf, std::io::Error),
    #[error("the saved search index has other fields than this version uses")]
    Schema,
}

/// A scored passage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub article: usize,
    pub passage: usize,
    pub score: f32,
}

/// Higher score first; ties in reading order, so results are stable.
fn by_score(a: &Hit, b: &Hit) -> std::cmp::Ordering {
    b.score
        .total_cmp(&a.score)
        .then(a.article.cmp(&b.article))
        .then(a.passage.cmp(&b.passage))
}

/// Whether every query term must match (`All`) or any (`Any`), in the passage, its
/// surroundings (its section heading and its neighbours) or its title; or any, in the
/// passage's own text only (`Own`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    All,
    Any,
    Own,
}

#[derive(Clone, Copy)]
struct Fields {
    body: Field,
    /// The passage's section heading.
    heading: Field,
    title: Field,
    /// The article's slot in the corpus.
    aid: Field,
    /// The passage's number in its article (its range, its article's date and the rest are
    /// the corpus's to tell).
    pn: Field,
    /// Set on a passage that opens a section under a heading of its own (see `spread`).
    sec: Field,
}

/// Where a term is looked for, and how much a match there counts.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Clause {
    field: Field,
    boost: f32,
    /// Where around the passage `field` is looked in.
    reach: Reach,
}

impl Fields {
    fn clause(field: Field, boost: f32) -> Clause {
        Clause {
            field,
            boost,
            reach: Reach::Own,
        }
    }

    /// Where a word is looked for around the passage: its section heading, and its
    /// neighbours' own text.
    fn surroundings(&self) -> [Clause; 2] {
        [
            Clause {
                field: self.heading,
                boost: HEADING_BOOST,
                reach: Reach::Spread(Spread::Section),
            },
            Clause {
                field: self.body,
                boost: NEIGHBOUR_BOOST,
                reach: Reach::Neighbours,
            },
        ]
    }

    /// Where a word is looked for in the passage's title.
    fn title(&self) -> Clause {
        Clause {
            field: self.title,
            boost: TITLE_BOOST,
            reach: Reach::Spread(Spread::Article),
        }
    }

    /// Where `to_query` searches each term as a flat union of clauses: `Mode::Own` and
    /// `Mode::Any`; none for `Mode::All`.
    fn union(&self, mode: Mode) -> Vec<Clause> {
        match mode {
            Mode::All => Vec::new(),
            Mode::Own => vec![Fields::clause(self.body, 1.0)],
            Mode::Any => [Fields::clause(self.body, 1.0)]
                .into_iter()
                .chain(self.surroundings())
                .chain([self.title()])
                .collect(),
        }
    }
}

/// What every version of the index shares: the tantivy index, its one writer and reader.
struct Shared {
    index: Index,
    writer: Mutex<feed::Writer>,
    feed: feed::Feed,
    reader: IndexReader,
    fields: Fields,
    analyzer: TextAnalyzer,
}

/// One version of the index: a searcher snapshot that matches one version of the corpus.
/// Cloning is cheap; an update commits to the shared writer and returns a new version,
/// while queries on older versions go on undisturbed.
#[derive(Clone)]
pub struct NewsIndex {
    shared: Arc<Shared>,
    searcher: Searcher,
    /// Each segment's documents as runs of one article's passages (`grouped`).
    runs: Arc<grouped::RunTables>,
    passages: usize,
    /// The tantivy commit this version serves; saved state names it (see `store`).
    pub opstamp: u64,
    pub build_time: Duration,
}

/// Dotted acronyms as one word: "U.S." reads as "US  ", "U.K." as "UK  ", so that a user's
/// "US" finds them. The letters close up and the dots become trailing spaces, so the text
/// keeps its length and every byte offset stays where it was.
pub fn fold_acronyms(text: &str) -> Cow<'_, str> {
    let b = text.as_bytes();
    let letter_dot = |i: usize| i + 1 < b.len() && b[i].is_ascii_uppercase() && b[i + 1] == b'.';
    let mut out: Option<Vec<u8>> = None;
    // An acronym's first letter stands before a dot: only those places are looked at.
    let mut next = 0;
    for (dot, _) in text.match_indices('.') {
        let Some(i) = dot.checked_sub(1) else {
            continue;
        };
        let starts_word = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        if i < next || !(starts_word && letter_dot(i) && letter_dot(i + 2)) {
            continue;
        }
        let mut end = i;
        while letter_dot(end) {
            end += 2;
        }
        let run: Vec<u8> = b[i..end].iter().copied().filter(|c| *c != b'.').collect();
        let buf = out.get_or_insert_with(|| b.to_vec());
        let spaces = std::iter::repeat_n(b' ', end - i - run.len());
        for (slot, byte) in buf[i..end]
            .iter_mut()
            .zip(run.iter().copied().chain(spaces))
        {
            *slot = byte;
        }
        next = end;
    }
    match out {
        // Only ASCII letters and dots were moved, so the bytes are still UTF-8.
        Some(buf) => Cow::Owned(String::from_utf8(buf).unwrap_or_else(|_| text.to_string())),
        None => Cow::Borrowed(text),
    }
}

fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(stem::EnglishStemmer)
        .build()
}

/// `analyzer`, the stopwords (in any case) left out: a query searches a passage's
/// surroundings for content words only (see `query`), and stopwords are about a third of the
/// words of news text.
fn heading_analyzer() -> TextAnalyzer {
    let stopwords = crate::nlp::stopwords::STOPWORDS
        .iter()
        .map(|w| w.to_string());
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(StopWordFilter::remove(stopwords))
        .filter(AsciiFoldingFilter)
        .filter(stem::EnglishStemmer)
        .build()
}

fn text_options(analyzer: &str, record: IndexRecordOption) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer)
            .set_index_option(record),
    )
}

/// The index's fields; an index saved with other fields is not opened.
fn schema() -> (Schema, Fields) {
    let mut sb = Schema::builder();
    let fields = Fields {
        body: sb.add_text_field(
            "body",
            text_options(BODY_ANALYZER, IndexRecordOption::WithFreqsAndPositions),
        ),
        heading: sb.add_text_field(
            "heading",
            text_options(HEADING_ANALYZER, IndexRecordOption::WithFreqs),
        ),
        title: sb.add_text_field(
            "title",
            text_options(TITLE_ANALYZER, IndexRecordOption::WithFreqs),
        ),
        aid: sb.add_u64_field("aid", INDEXED | FAST),
        pn: sb.add_u64_field("pn", FAST),
        sec: sb.add_u64_field("sec", FAST),
    };
    (sb.build(), fields)
}

/// Which clauses of a query `NewsIndex::to_query_with` builds, the bits found at query time
/// kept in `cache`.
#[derive(Clone, Copy)]
struct Build<'c> {
    /// The clauses found at query time, the neighbours' and the spans' (which block-WAND
    /// cannot skip through).
    around: bool,
    /// The clauses that only score, matching nothing the others do not.
    scored: bool,
    cache: &'c Arc<BitsCache>,
}

impl<'c> Build<'c> {
    /// Every clause.
    fn scored(cache: &'c Arc<BitsCache>) -> Build<'c> {
        Build {
            around: true,
            scored: true,
            cache,
        }
    }
}

/// How clause `c` scores `term` where `dense` scores it.
fn scored(c: Clause, term: &str) -> Scored {
    Scored {
        term: TantivyTerm::from_field_text(c.field, term),
        boost: c.boost,
        reach: c.reach,
    }
}

/// Documents with any of `terms`, scored 0: a filter that leaves the scores to the rest of
/// the query.
fn any_of(terms: impl Iterator<Item = TantivyTerm>) -> Box<dyn Query> {
    let clauses: Vec<(Occur, Box<dyn Query>)> = terms
        .map(|term| {
            let q: Box<dyn Query> = Box::new(TermQuery::new(term, IndexRecordOption::Basic));
            (Occur::Should, q)
        })
        .collect();
    Box::new(ConstScoreQuery::new(
        Box::new(BooleanQuery::new(clauses)),
        0.0,
    ))
}

fn add_article(
    writer: &feed::Writer,
    feed: &feed::Feed,
    f: &Fields,
    article: &Opened,
) -> Result<(), IndexError> {
    // One batch per article: its passages land in one segment, in order, so a segment is
    // runs of one article's passages (see `grouped::Runs`).
    let mut docs = Vec::with_capacity(article.passages.len());
    // The title and each section's heading are indexed on the first passage they cover,
    // and spread over the rest at query time (see `spread`). A passage before the first
    // heading has no section, and every one after it has one.
    let mut section: Option<usize> = None;
    for (p, under) in article.sections().enumerate() {
        let mut doc = TantivyDocument::default();
        doc.add_text(f.body, &*fold_acronyms(article.passage_text(p)));
        if p == 0 {
            doc.add_text(f.title, &*fold_acronyms(&article.meta.title));
        }
        if let Some(h) = under.filter(|&h| section != Some(h)) {
            section = Some(h);
            doc.add_text(
                f.heading,
                &*fold_acronyms(&article.text[article.blocks[h].range()]),
            );
            doc.add_u64(f.sec, 1);
        }
        doc.add_u64(f.aid, article.id as u64);
        doc.add_u64(f.pn, p as u64);
        docs.push(doc);
    }
    feed.send(writer, docs)?;
    Ok(())
}

/// Threads for the writer and for a query's segments.
fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

/// The writer of `index`, its analyser registered.
fn writer_of(index: &Index) -> Result<feed::Writer, IndexError> {
    index.tokenizers().register(BODY_ANALYZER, analyzer());
    index.tokenizers().register(TITLE_ANALYZER, analyzer());
    index
        .tokenizers()
        .register(HEADING_ANALYZER, heading_analyzer());
    let (threads, memory) = writer_budget();
    let writer: feed::Writer = index.writer_with_num_threads(threads, memory)?;
    writer.set_merge_policy(Box::new(merge_policy()));
    Ok(writer)
}

/// Which segments the writer merges (see `MAX_PASSAGES_BEFORE_MERGE`).
fn merge_policy() -> LogMergePolicy {
    let mut policy = LogMergePolicy::default();
    policy.set_max_docs_before_merge(MAX_PASSAGES_BEFORE_MERGE);
    policy
}

/// The threads the engine's index writer runs and the memory it takes in all (also what the
/// scale benchmark gives tantivy alone).
pub fn writer_budget() -> (usize, usize) {
    let threads = threads();
    (threads, WRITER_MEMORY * threads)
}

impl NewsIndex {
    /// Indexes every passage of the corpus, in RAM.
    pub fn build(corpus: &Corpus) -> Result<NewsIndex, IndexError> {
        NewsIndex::build_in(corpus, None)
    }

    /// Indexes every passage of the corpus, in `dir` when given (anything there is replaced;
    /// then served as `open` serves it, once the merges its commit set off are done), else in
    /// RAM.
    pub fn build_in(corpus: &Corpus, dir: Option<&Path>) -> Result<NewsIndex, IndexError> {
        NewsIndex::build_from(corpus, dir, corpus.iter().map(|a| a.id))
    }

    /// `build_in`, the articles `ids` fed to the writer in that order.
    fn build_from(
        corpus: &Corpus,
        dir: Option<&Path>,
        ids: impl Iterator<Item = usize>,
    ) -> Result<NewsIndex, IndexError> {
        let started = Instant::now();
        let (schema, fields) = schema();
        let index = match dir {
            Some(dir) => {
                if dir.exists() {
                    std::fs::remove_dir_all(dir).map_err(|e| IndexError::Dir(dir.into(), e))?;
                }
                std::fs::create_dir_all(dir).map_err(|e| IndexError::Dir(dir.into(), e))?;
                let d = dir::LazySyncDirectory::open(dir).map_err(tantivy::TantivyError::from)?;
                Index::create(d, schema, tantivy::IndexSettings::default())?
            }
            None => Index::create_in_ram(schema),
        };
        let mut writer = writer_of(&index)?;
        // This thread analyses; the writer's threads build the postings.
        let feed = feed::Feed::default();
        let mut progress = crate::progress::Progress::new("indexing the articles", corpus.len());
        // Each text is read back from its file; one changed since it was analysed is left
        // out, as every reply leaves it out, until the watcher reloads it.
        for (fed, id) in ids.enumerate() {
            progress.at(fed);
            if let Some(article) = corpus.read_file(id) {
                add_article(&writer, &feed, &fields, &article)?;
            }
        }
        // The commit waits for every document: none is queued after it.
        let opstamp = writer.commit()?;
        if let Some(dir) = dir {
            // Served as a restart would open it: with the merges the commit set off done, and
            // none of the pages they read still mapped (up to 128 MB at 100,000 articles).
            writer.wait_merging_threads()?;
            drop(index);
            let mut index = NewsIndex::open(dir, corpus)?;
            index.build_time = started.elapsed();
            return Ok(index);
        }
        NewsIndex::serve(index, writer, fields, corpus, opstamp, started)
    }

    /// Opens the index saved in `dir` for `corpus` (see `store`): the caller checks that
    /// its `opstamp` is the one saved with the corpus. The folder's cached pages are dropped
    /// first, so that queries map only what they read (see `dir::release_cached`).
    pub fn open(dir: &Path, corpus: &Corpus) -> Result<NewsIndex, IndexError> {
        let started = Instant::now();
        dir::release_cached(dir).map_err(|e| IndexError::Dir(dir.into(), e))?;
        let d = dir::LazySyncDirectory::open(dir).map_err(tantivy::TantivyError::from)?;
        let index = Index::open(d)?;
        let (schema, fields) = schema();
        if index.schema() != schema {
            return Err(IndexError::Schema);
        }
        let opstamp = index.load_metas()?.opstamp;
        let writer = writer_of(&index)?;
        NewsIndex::serve(index, writer, fields, corpus, opstamp, started)
    }

    fn serve(
        index: Index,
        writer: feed::Writer,
        fields: Fields,
        corpus: &Corpus,
        opstamp: u64,
        started: Instant,
    ) -> Result<NewsIndex, IndexError> {
        let mut index = index;
        // A query's segments are searched side by side; the results are merged in segment
        // order, so they are the same as one thread's.
        if threads() > 1 {
            index.set_multithread_executor(threads())?;
        }
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let shared = Arc::new(Shared {
            index,
            writer: Mutex::new(writer),
            feed: feed::Feed::default(),
            reader,
            fields,
            analyzer: analyzer(),
        });
        let searcher = shared.reader.searcher();
        let runs = grouped::RunTables::refresh(&Default::default(), &searcher)?;
        Ok(NewsIndex {
            shared,
            searcher,
            runs: Arc::new(runs),
            passages: corpus.passage_count(),
            opstamp,
            build_time: started.elapsed(),
        })
    }

    /// The index of `corpus`, the corpus this index served changed by `delta`: the removed
    /// articles' passages are deleted, the added ones indexed, and a new snapshot returned.
    pub fn update(&self, corpus: &Corpus, delta: &Delta) -> Result<NewsIndex, IndexError> {
        let started = Instant::now();
        let f = self.shared.fields;
        let mut writer = self.shared.writer.lock().unwrap_or_else(|p| p.into_inner());
        for id in &delta.removed {
            writer.delete_term(TantivyTerm::from_field_u64(f.aid, *id as u64));
        }
        for id in &delta.added {
            if let Some(article) = corpus.read(*id) {
                add_article(&writer, &self.shared.feed, &f, &article)?;
            }
        }
        let opstamp = match writer.commit() {
            Ok(o) => o,
            Err(e) => {
                // Nothing of this update is visible; the writer starts clean for the next one.
                let _ = writer.rollback();
                return Err(e.into());
            }
        };
        drop(writer);
        self.shared.reader.reload()?;
        let searcher = self.shared.reader.searcher();
        let runs = grouped::RunTables::refresh(&self.runs, &searcher)?;
        Ok(NewsIndex {
            shared: self.shared.clone(),
            searcher,
            runs: Arc::new(runs),
            passages: corpus.passage_count(),
            opstamp,
            build_time: started.elapsed(),
        })
    }

    /// Analyses `text` as the index does: (term, byte range in `text`).
    pub fn analyse(&self, text: &str) -> Vec<(String, Range<usize>)> {
        let mut out = Vec::new();
        self.for_each_term(text, |t, r| out.push((t.to_string(), r)));
        out
    }

    /// `analyse` without a `String` per term: calls `f` with each term and its byte range.
    pub fn for_each_term(&self, text: &str, mut f: impl FnMut(&str, Range<usize>)) {
        let mut analyzer = self.shared.analyzer.clone();
        let folded = fold_acronyms(text);
        let mut stream = analyzer.token_stream(&folded);
        while let Some(tok) = stream.next() {
            f(&tok.text, tok.offset_from..tok.offset_to);
        }
    }

    /// Parses sanitised chat text into a query.
    pub fn parse_query(&self, text: &str) -> UserQuery {
        query::parse(text, &|s: &str| self.analyse(s))
    }

    fn searcher(&self) -> &Searcher {
        &self.searcher
    }

    /// Inverse document frequency of a term over passages (BM25's form), 0 for an unknown term.
    pub fn idf(&self, term: &str) -> f32 {
        let searcher = self.searcher();
        let n = searcher.num_docs() as f32;
        let df = searcher
            .doc_freq(&TantivyTerm::from_field_text(self.shared.fields.body, term))
            .unwrap_or(0) as f32;
        if df == 0.0 {
            return 0.0;
        }
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    /// How many passages contain the term.
    pub fn doc_freq(&self, term: &str) -> u64 {
        self.searcher()
            .doc_freq(&TantivyTerm::from_field_text(self.shared.fields.body, term))
            .unwrap_or(0)
    }

    fn term_query(&self, field: Field, term: &str, boost: f32) -> Box<dyn Query> {
        let q = TermQuery::new(
            TantivyTerm::from_field_text(field, term),
            IndexRecordOption::WithFreqs,
        );
        Box::new(BoostQuery::new(Box::new(q), boost))
    }

    /// The query of clause `c` for word `t`, the bits found at query time kept in `cache`.
    fn clause_query(&self, c: Clause, t: &str, cache: &Arc<BitsCache>) -> Box<dyn Query> {
        if c.reach == Reach::Own {
            return self.term_query(c.field, t, c.boost);
        }
        let term = TantivyTerm::from_field_text(c.field, t);
        let q = around::AroundQuery::new(term, c.reach, self.runs.clone(), cache.clone());
        Box::new(BoostQuery::new(Box::new(q), c.boost))
    }

    /// The clauses of `union` that look for `t`: all but the neighbours' for a stopword,
    /// which the passage's surroundings are searched without (as its heading is indexed).
    fn clauses_of(&self, union: &[Clause], t: &Term) -> Vec<Clause> {
        let stopword = crate::nlp::stopwords::is_stopword_as_written(&t.surface);
        union
            .iter()
            .copied()
            .filter(|c| !(c.reach == Reach::Neighbours && stopword))
            .collect()
    }

    /// The tantivy query for `q`: each term may match the passage, its surroundings (its
    /// section heading and its neighbours) or the title. In `Mode::All` each term must
    /// match the passage or its surroundings, and the passage must name one of them
    /// itself: it is never found through its neighbours' words alone. In `Mode::Own` only
    /// the passage counts.
    fn to_query(&self, q: &UserQuery, mode: Mode) -> Box<dyn Query> {
        let cache = Arc::default();
        self.to_query_with(q, mode, Build::scored(&cache))
    }

    /// `to_query`, with the clauses `build` asks for.
    fn to_query_with(&self, q: &UserQuery, mode: Mode, build: Build<'_>) -> Box<dyn Query> {
        let f = &self.shared.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let body = |t: &str| self.term_query(f.body, t, 1.0);
        let title = |t: &str| self.clause_query(f.title(), t, build.cache);
        let keep = |c: &Clause| build.around || c.reach == Reach::Own;
        let union: Vec<Clause> = f.union(mode).into_iter().filter(keep).collect();
        let around: Vec<Clause> = f.surroundings().into_iter().filter(keep).collect();
        let query = |c: Clause, t: &str| self.clause_query(c, t, build.cache);
        for word in &q.terms {
            let t = word.term.as_str();
            let around = self
                .clauses_of(&around, word)
                .into_iter()
                .map(|c| query(c, t));
            match mode {
                // Flat: a disjunction of plain term clauses lets top-k searches skip blocks
                // that cannot make the cut (block-WAND); the clauses found at query time
                // (the neighbours', the heading's and the title's), which are no plain
                // terms, are left out where that matters (`search_by_article`).
                Mode::Own | Mode::Any => clauses.extend(
                    self.clauses_of(&union, word)
                        .into_iter()
                        .map(|c| (Occur::Should, query(c, t))),
                ),
                // One word: the passage must have it, its surroundings and the title only
                // add to the score. The matches are the word's own postings, not their
                // union with the neighbours' (nearly three times as many for a common word).
                Mode::All if q.terms.len() == 1 && q.phrases.is_empty() => {
                    clauses.push((Occur::Must, body(t)));
                    if build.scored {
                        clauses.extend(around.map(|q| (Occur::Should, q)));
                        if build.around {
                            clauses.push((Occur::Should, title(t)));
                        }
                    }
                }
                Mode::All => {
                    let per_term = BooleanQuery::new(
                        std::iter::once(body(t))
                            .chain(around)
                            .map(|q| (Occur::Should, q))
                            .collect(),
                    );
                    clauses.push((Occur::Must, Box::new(per_term)));
                    if build.scored && build.around {
                        clauses.push((Occur::Should, title(t)));
                    }
                }
            }
        }
        if mode == Mode::All && q.terms.len() > 1 && q.phrases.is_empty() {
            // The passage names one of the words (a phrase, below, is matched in the passage
            // itself); the ranking is the terms'.
            let own = q
                .terms
                .iter()
                .map(|t| TantivyTerm::from_field_text(f.body, &t.term));
            clauses.push((Occur::Must, any_of(own)));
        }
        for phrase in &q.phrases {
            let terms: Vec<TantivyTerm> = phrase
                .iter()
                .map(|t| TantivyTerm::from_field_text(f.body, t))
                .collect();
            let occur = if mode == Mode::All {
                Occur::Must
            } else {
                Occur::Should
            };
            clauses.push((
                occur,
                Box::new(BoostQuery::new(Box::new(PhraseQuery::new(terms)), 2.0)),
            ));
        }
        for t in &q.excluded {
            clauses.push((
                Occur::MustNot,
                Box::new(TermQuery::new(
                    TantivyTerm::from_field_text(f.body, t),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// What `to_query(q, mode)` matches as groups of terms (see `dense`), for a query of
    /// several words that must all be found: each word in the passage or its surroundings,
    /// and one of them in the passage. Other queries are one group (a term's own postings
    /// or their union, which tantivy reads as fast) or have a phrase (positions are not
    /// read there): none.
    fn dense_groups(&self, q: &UserQuery, mode: Mode) -> Option<TermGroups> {
        if mode != Mode::All || q.terms.len() < 2 || !q.phrases.is_empty() {
            return None;
        }
        let f = &self.shared.fields;
        let term = |field: Field, t: &str| TantivyTerm::from_field_text(field, t);
        let own = |t: &str| dense::Source {
            term: term(f.body, t),
            reach: Reach::Own,
        };
        let around = f.surroundings();
        let group = |word: &Term| {
            let around = self
                .clauses_of(&around, word)
                .into_iter()
                .map(|c| dense::Source {
                    term: term(c.field, &word.term),
                    reach: c.reach,
                });
            std::iter::once(own(&word.term)).chain(around).collect()
        };
        let all_own = q.terms.iter().map(|t| own(&t.term)).collect();
        Some(TermGroups {
            all: q.terms.iter().map(group).chain([all_own]).collect(),
            none: q.excluded.iter().map(|t| term(f.body, t)).collect(),
        })
    }

    /// How `to_query(q, Mode::All)` scores what `dense_groups` matches: its clauses' term
    /// scores, clause by clause (the filter on the passage's own words scores nothing).
    fn dense_scoring(&self, q: &UserQuery) -> Scoring {
        let f = &self.shared.fields;
        let around = f.surroundings();
        Scoring(
            q.terms
                .iter()
                .flat_map(|word| {
                    let mut own = vec![scored(Fields::clause(f.body, 1.0), &word.term)];
                    own.extend(
                        self.clauses_of(&around, word)
                            .into_iter()
                            .map(|c| scored(c, &word.term)),
                    );
                    [own, vec![scored(f.title(), &word.term)]]
                })
                .collect(),
        )
    }

    /// The best `limit` passages for `q`, with the total number of matching passages.
    pub fn search(
        &self,
        q: &UserQuery,
        mode: Mode,
        limit: usize,
    ) -> Result<(Vec<Hit>, usize), IndexError> {
        if q.is_empty() {
            return Ok((Vec::new(), 0));
        }
        let query = self.to_query(q, mode);
        self.top(&query, limit)
    }

    /// The best `limit` passages for `q`, best first, uncounted: without a count to keep,
    /// the search can skip what cannot rank. All of several words are scored a term at a
    /// time over their matches' bits instead (see `dense`): an intersection of unions can
    /// skip nothing when thousands are kept (`/timeline` and `/who` keep 5,000).
    ///
    /// Equal scores rank in file order and the cut falls the same way in every build of
    /// the index, whatever order the writer's threads laid the documents out in (see
    /// `near`): the same corpus gives the same answers.
    pub fn search_top(
        &self,
        q: &UserQuery,
        mode: Mode,
        limit: usize,
    ) -> Result<Vec<Hit>, IndexError> {
        if q.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let searcher = self.searcher();
        let top = match self.dense_groups(q, mode) {
            Some(groups) => groups.top(
                searcher,
                &self.runs,
                &BitsCache::default(),
                &self.dense_scoring(q),
                limit,
            )?,
            None => {
                let mut top =
                    searcher.search(&*self.to_query(q, mode), &near::NearBest { limit })?;
                if let Some(scoring) = self.union_scoring(q, mode) {
                    scoring.rescore(searcher, &self.runs, &mut top)?;
                }
                top
            }
        };
        self.hits(searcher, top, limit)
    }

    /// How `to_query(q, mode)` scores when it is a plain union of terms, which tantivy
    /// searches with block-WAND: each term's clauses in turn, one by one. None for a
    /// single clause, whose score is the same whatever the order.
    fn union_scoring(&self, q: &UserQuery, mode: Mode) -> Option<Scoring> {
        if !q.phrases.is_empty() || !q.excluded.is_empty() {
            return None;
        }
        let union = self.shared.fields.union(mode);
        let parts: Vec<Vec<Scored>> = q
            .terms
            .iter()
            .flat_map(|word| {
                self.clauses_of(&union, word)
                    .into_iter()
                    .map(|c| vec![scored(c, &word.term)])
            })
            .collect();
        (parts.len() > 1).then_some(Scoring(parts))
    }

    fn top(&self, query: &dyn Query, limit: usize) -> Result<(Vec<Hit>, usize), IndexError> {
        let searcher = self.searcher();
        let (top, count) = searcher.search(
            query,
            &(near::NearBest { limit }, tantivy::collector::Count),
        )?;
        Ok((self.hits(searcher, top, limit)?, count))
    }

    /// The article and passage of each scored document, the best `limit` of them.
    fn hits(
        &self,
        searcher: &Searcher,
        top: Vec<(Score, DocAddress)>,
        limit: usize,
    ) -> Result<Vec<Hit>, IndexError> {
        let mut hits = Vec::with_capacity(top.len());
        // The article and passage columns, opened once per segment.
        let mut columns: HashMap<u32, (Column<u64>, Column<u64>)> = HashMap::new();
        for (score, addr) in top {
            let (aid, pn) = match columns.entry(addr.segment_ord) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    let fast = searcher.segment_reader(addr.segment_ord).fast_fields();
                    e.insert((fast.u64("aid")?, fast.u64("pn")?))
                }
            };
            if let (Some(article), Some(passage)) = (aid.first(addr.doc_id), pn.first(addr.doc_id))
            {
                hits.push(Hit {
                    article: article as usize,
                    passage: passage as usize,
                    score,
                });
            }
        }
        // Equal scores (a wire story filed twice) rank in file order, whatever order the
        // writer's threads gave the documents.
        hits.sort_by(by_score);
        hits.truncate(limit);
        Ok(hits)
    }

    /// Every passage matching `q`, grouped by article: the number of matching passages and
    /// articles, and for each article its match count and best `per_article` passages; the
    /// `best` articles (by their best passage) first and in order. Only the best articles'
    /// matches are scored; the others are only counted (see `grouped`).
    pub fn search_by_article(
        &self,
        q: &UserQuery,
        mode: Mode,
        per_article: usize,
        best: usize,
    ) -> Result<Grouped, IndexError> {
        if q.is_empty() {
            return Ok(Grouped::default());
        }
        // The neighbours' bits of each word are worked out once, though every pass reads them.
        let cache = Arc::default();
        let query = self.to_query_with(q, mode, Build::scored(&cache));
        // Its matches, without the clauses that only score.
        let matching = self.to_query_with(
            q,
            mode,
            Build {
                scored: false,
                ..Build::scored(&cache)
            },
        );
        // Any of the words in the passages themselves, flat: with the scores found at query
        // time (the neighbours', the heading's and the title's) added to what it finds, the
        // same sum of scores for every match of `query`, in a form whose top-k search skips
        // blocks (block-WAND). Each match of `Mode::All` names a word itself, so that search
        // meets it; one of `Mode::Any` may not (a title's word), and is ranked by the whole
        // query when it could lead (`/search` falls back to `Mode::Any` when all the words
        // match nothing).
        let ranking = self.to_query_with(
            q,
            Mode::Any,
            Build {
                around: false,
                ..Build::scored(&cache)
            },
        );
        let f = &self.shared.fields;
        // The query's clauses found at query time, scored beside the ranking search.
        let around: Vec<Clause> = match mode {
            Mode::All => f.surroundings().into_iter().chain([f.title()]).collect(),
            Mode::Any => f.union(Mode::Any),
            Mode::Own => Vec::new(),
        };
        let around: Vec<Scored> = q
            .terms
            .iter()
            .flat_map(|word| {
                self.clauses_of(&around, word)
                    .into_iter()
                    .filter(|c| c.reach != Reach::Own)
                    .map(|c| scored(c, &word.term))
            })
            .collect();
        let aid = self.shared.fields.aid;
        let of_articles = |articles: &[u32]| -> Box<dyn Query> {
            let ids = articles
                .iter()
                .map(|&a| TantivyTerm::from_field_u64(aid, u64::from(a)));
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, query.box_clone()),
                (Occur::Must, any_of(ids)),
            ]))
        };
        Ok(grouped::search(
            self.searcher(),
            grouped::Matches {
                query: &*matching,
                groups: self.dense_groups(q, mode).as_ref(),
                cache: &cache,
            },
            grouped::Ranking {
                query: &*ranking,
                around: &around,
                finds_matches: mode == Mode::Any || q.terms.len() + q.phrases.len() == 1,
                whole: (mode == Mode::Any).then_some(&*query),
            },
            of_articles,
            &self.runs,
            per_article,
            best,
        )?)
    }

    pub fn num_passages(&self) -> usize {
        self.passages
    }

    /// Passages in the snapshot, deleted ones excluded (tantivy's own count).
    pub fn indexed_passages(&self) -> u64 {
        self.searcher.num_docs()
    }

    /// The index's own schema, for diagnostics.
    pub fn schema(&self) -> Schema {
        self.shared.index.schema()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::TopDocs;

    #[test]
    fn segments_as_flushed_are_never_merged_and_those_of_reloads_are() {
        use std::collections::HashSet;
        use tantivy::index::{SegmentId, SegmentMeta};
        use tantivy::merge_policy::MergePolicy;
        let index = Index::create_in_ram(schema().0);
        let metas = |passages: u32, n: usize| -> Vec<SegmentMeta> {
            (0..n)
                .map(|_| index.new_segment_meta(SegmentId::generate_random(), passages))
                .collect()
        };
        let policy = merge_policy();
        // As the writer flushes them at 100,000 articles: tantivy's own policy merges these.
        let flushed = metas(500_000, 10);
        assert!(policy.compute_merge_candidates(&flushed).is_empty());
        assert!(
            !LogMergePolicy::default()
                .compute_merge_candidates(&flushed)
                .is_empty()
        );
        // Eight reloads later: their segments are merged, and only they.
        let reloads = metas(47, 8);
        let all: Vec<SegmentMeta> = flushed.iter().chain(&reloads).cloned().collect();
        let candidates = policy.compute_merge_candidates(&all);
        assert_eq!(candidates.len(), 1);
        let merged: HashSet<SegmentId> = candidates[0].0.iter().copied().collect();
        assert_eq!(merged, reloads.iter().map(SegmentMeta::id).collect());
        // Seven are left as they are until the eighth.
        assert!(
            policy
                .compute_merge_candidates(&all[..all.len() - 1])
                .is_empty()
        );
    }

    #[test]
    fn acronyms_fold_in_place() {
        assert_eq!(
            fold_acronyms("the U.S. and U.K. said"),
            "the US   and UK   said"
        );
        assert_eq!(
            fold_acronyms("(R-S.C.) and U.S.-Ukraine"),
            "(R-SC  ) and US  -Ukraine"
        );
        assert_eq!(
            fold_acronyms("J. Smith and e.g. A.B"),
            "J. Smith and e.g. A.B"
        );
        assert_eq!(fold_acronyms("Ünï U.N. é"), "Ünï UN   é");
        for s in ["the U.S. and U.K. said", "Ünï U.N. é", "", "U.S."] {
            assert_eq!(fold_acronyms(s).len(), s.len());
        }
    }

    /// `fold_acronyms` as a scan of every byte: a run is folded where a word starts with
    /// two letter-dot pairs.
    fn fold_acronyms_byte_by_byte(text: &str) -> String {
        let mut b = text.as_bytes().to_vec();
        let letter_dot =
            |b: &[u8], i: usize| i + 1 < b.len() && b[i].is_ascii_uppercase() && b[i + 1] == b'.';
        let mut i = 0;
        while i < b.len() {
            let starts_word = i == 0 || !b[i - 1].is_ascii_alphanumeric();
            if !(starts_word && letter_dot(&b, i) && letter_dot(&b, i + 2)) {
                i += 1;
                continue;
            }
            let mut end = i;
            while letter_dot(&b, end) {
                end += 2;
            }
            let letters: Vec<u8> = b[i..end].iter().copied().filter(|c| *c != b'.').collect();
            let n = letters.len();
            b[i..i + n].copy_from_slice(&letters);
            b[i + n..end].fill(b' ');
            i = end;
        }
        String::from_utf8(b).expect("only ASCII bytes moved")
    }

    proptest::proptest! {
        #[test]
        fn acronyms_fold_wherever_a_scan_of_every_byte_folds_them(
            parts in proptest::collection::vec(
                proptest::sample::select(vec!["U", "K", "b", ".", " ", "é", "1", "-", "N."]),
                0..40,
            )
        ) {
            let text = parts.concat();
            proptest::prop_assert_eq!(fold_acronyms(&text), fold_acronyms_byte_by_byte(&text));
        }
    }

    fn corpus_of(files: &[(&str, &str)]) -> (tempfile::TempDir, Corpus) {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let corpus = crate::corpus::load(dir.path()).unwrap();
        (dir, corpus)
    }

    /// `search_by_article` against every match ranked by `search`: the counts, each
    /// article's best passages and the `best` articles in order. Returns the total.
    fn check_grouped(
        index: &NewsIndex,
        q: &UserQuery,
        mode: Mode,
        per: usize,
        best: usize,
    ) -> usize {
        let (all, total) = index.search(q, mode, 1_000_000).unwrap();
        let grouped = index.search_by_article(q, mode, per, best).unwrap();
        assert_eq!(grouped.total, total);
        let mut counts: HashMap<usize, usize> = HashMap::new();
        for h in &all {
            *counts.entry(h.article).or_default() += 1;
        }
        assert_eq!(grouped.article_count, counts.len());
        assert_eq!(grouped.articles.len(), best.min(counts.len()));
        for g in &grouped.articles {
            assert_eq!(g.count, counts[&g.article], "article {}", g.article);
            assert_eq!(g.top.len(), per.min(g.count));
            // Its best passages, ties in reading order.
            let mut mine: Vec<Hit> = all
                .iter()
                .filter(|h| h.article == g.article)
                .copied()
                .collect();
            mine.sort_by(by_score);
            assert_eq!(g.top, mine[..g.top.len()]);
        }
        // The best articles first: those of the best passages.
        let mut firsts: Vec<usize> = Vec::new();
        for h in &all {
            if !firsts.contains(&h.article) {
                firsts.push(h.article);
            }
        }
        let n = best.min(firsts.len());
        let head: Vec<usize> = grouped.articles[..n].iter().map(|g| g.article).collect();
        assert_eq!(head, firsts[..n]);
        total
    }

    /// `search_top` of all of several words (scored a term at a time) against tantivy's
    /// own top `limit` of the same query: the same scores rank by rank, up to rounding, and
    /// the same passages but for those scored as the last one kept. Gives the matches.
    fn check_top(index: &NewsIndex, q: &UserQuery, limit: usize) -> usize {
        assert!(index.dense_groups(q, Mode::All).is_some(), "{q:?}");
        let searcher = index.searcher();
        let query = index.to_query(q, Mode::All);
        let (theirs, count) = searcher
            .search(
                &query,
                &(
                    TopDocs::with_limit(limit).order_by_score(),
                    tantivy::collector::Count,
                ),
            )
            .unwrap();
        let theirs = index.hits(searcher, theirs, limit).unwrap();
        let ours = index.search_top(q, Mode::All, limit).unwrap();
        assert_eq!(ours.len(), theirs.len(), "{q:?} {limit}");
        let close = |a: f32, b: f32| (a - b).abs() <= 1e-5 * a.abs().max(1.0);
        for (o, t) in ours.iter().zip(&theirs) {
            assert!(close(o.score, t.score), "{q:?} {o:?} {t:?}");
        }
        if let Some(cut) = theirs.last().map(|h| h.score) {
            let above = |hits: &[Hit]| {
                let mut v: Vec<(usize, usize)> = hits
                    .iter()
                    .filter(|h| !close(h.score, cut))
                    .map(|h| (h.article, h.passage))
                    .collect();
                v.sort_unstable();
                v
            };
            assert_eq!(above(&ours), above(&theirs), "{q:?} {limit}");
        }
        count
    }

    #[test]
    fn grouped_search_over_a_generated_corpus() {
        let dir = tempfile::tempdir().unwrap();
        crate::synth::generate(dir.path(), 200, 9).unwrap();
        let corpus = crate::corpus::load(dir.path()).unwrap();
        let index = NewsIndex::build(&corpus).unwrap();
        let check = |index: &NewsIndex| {
            let (mut matched, mut top_matched) = (0, 0);
            for words in [
                "tariffs",
                "ferry route",
                "minister said",
                // Several words, one excluded: their matches are counted from bitsets.
                "minister said -ferry",
                "port ferry route -tariffs",
                "Lisbon",
                "\"power grid\"",
                // A word and a phrase: the ranking search finds passages that do not match,
                // some of them scoring above those that do.
                "minister \"ferry route\"",
                "vote \"prime minister\"",
                "zeppelin",
            ] {
                let q = index.parse_query(words);
                for (per, best) in [(3, 5), (1, 1), (2, 50), (4, 1000)] {
                    matched += check_grouped(index, &q, Mode::All, per, best);
                    matched += check_grouped(index, &q, Mode::Any, per, best);
                }
                if index.dense_groups(&q, Mode::All).is_some() {
                    for limit in [1, 7, 100, 5000] {
                        top_matched += check_top(index, &q, limit);
                    }
                }
            }
            assert!(matched > 1000, "{matched} matches");
            assert!(top_matched > 1000, "{top_matched} matches");
        };
        check(&index);
        // After live changes: deleted passages, a new segment, the old ones' runs reused.
        let mut changed = Vec::new();
        for n in [3, 50, 120] {
            let path = dir.path().join(crate::synth::article_path(n));
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(&path, text.replace("the", "a")).unwrap();
            changed.push(path);
        }
        let gone = dir.path().join(crate::synth::article_path(7));
        std::fs::remove_file(&gone).unwrap();
        changed.push(gone);
        let (next, delta) = corpus.update(&changed);
        assert_eq!((delta.removed.len(), delta.added.len()), (4, 3));
        let next_index = index.update(&next, &delta).unwrap();
        assert!(next_index.searcher.segment_readers().len() > 1);
        check(&next_index);
    }

    /// Each segment's documents as (article, passage), segment by segment.
    fn layout(index: &NewsIndex) -> Vec<Vec<(u64, u64)>> {
        index
            .searcher
            .segment_readers()
            .iter()
            .map(|reader| {
                let fast = reader.fast_fields();
                let (aid, pn) = (fast.u64("aid").unwrap(), fast.u64("pn").unwrap());
                (0..reader.max_doc())
                    .map(|d| (aid.first(d).unwrap(), pn.first(d).unwrap()))
                    .collect()
            })
            .collect()
    }

    /// The same corpus indexed in another order, as the writer's threads may lay it out,
    /// gives the same passages, scores and order, however many are kept. Generated text
    /// has many equal scores, and the cut often falls among them.
    #[test]
    fn the_best_passages_do_not_depend_on_how_the_index_is_laid_out() {
        let dir = tempfile::tempdir().unwrap();
        crate::synth::generate(dir.path(), 150, 4).unwrap();
        let corpus = crate::corpus::load(dir.path()).unwrap();
        let ids: Vec<usize> = corpus.iter().map(|a| a.id).collect();
        let first = NewsIndex::build_from(&corpus, None, ids.iter().copied()).unwrap();
        // The odd articles, then the even ones backwards.
        let odd = ids.iter().copied().filter(|i| i % 2 == 1);
        let even = ids.iter().rev().copied().filter(|i| i % 2 == 0);
        let second = NewsIndex::build_from(&corpus, None, odd.chain(even)).unwrap();
        assert_ne!(layout(&first), layout(&second));
        let mut cut_among_ties = 0;
        for words in [
            "tariffs",
            "said",
            "ferry route",
            "minister said",
            "Lisbon port",
            "minister -ferry",
            "\"power grid\"",
        ] {
            let q = first.parse_query(words);
            for mode in [Mode::All, Mode::Any, Mode::Own] {
                let every = first.search_top(&q, mode, 1_000_000).unwrap();
                for limit in [1, 3, 10, 50, 400, 5000] {
                    let a = first.search_top(&q, mode, limit).unwrap();
                    let b = second.search_top(&q, mode, limit).unwrap();
                    assert_eq!(a, b, "{words:?} {mode:?} {limit}");
                    assert_eq!(a, every[..limit.min(every.len())], "{words:?} {mode:?}");
                    if every.len() > limit && every[limit - 1].score == every[limit].score {
                        cut_among_ties += 1;
                    }
                }
            }
        }
        assert!(
            cut_among_ties >= 10,
            "{cut_among_ties} cuts among equal scores"
        );
    }

    #[test]
    fn grouped_search_counts_every_match_per_article() {
        let para = |n: usize, word: &str| {
            (0..n)
                .map(|i| format!("The harbour {word} report number {i} was filed on time.\n"))
                .collect::<String>()
        };
        let (_dir, corpus) = corpus_of(&[
            ("a.txt", &para(7, "ferry")),
            ("b.txt", &para(2, "ferry")),
            ("c.txt", &para(4, "bridge")),
            (
                "d.txt",
                &format!("{}{}", para(3, "ferry"), para(3, "bridge")),
            ),
        ]);
        let index = NewsIndex::build(&corpus).unwrap();
        let q = index.parse_query("ferry report");
        // 12 passages name the ferry; one more names the report and has the ferry in its
        // neighbour.
        assert_eq!(check_grouped(&index, &q, Mode::All, 2, 2), 13);
        assert!(
            index
                .search_by_article(&index.parse_query("zeppelin"), Mode::All, 3, 5)
                .unwrap()
                .articles
                .is_empty()
        );
    }

    /// One article of four passages, indexed.
    fn storm_report() -> (tempfile::TempDir, NewsIndex) {
        let (dir, corpus) = corpus_of(&[(
            "a.md",
            "# Storm Report\n\nThe ferry left the harbour at dawn.\nForty passengers were on board.\nNobody was hurt in the storm.\nThe ferry returned at noon.\n",
        )]);
        (dir, NewsIndex::build(&corpus).unwrap())
    }

    /// The passages `text` finds, in passage order, and its hits.
    fn passages_found(index: &NewsIndex, text: &str, mode: Mode) -> (Vec<usize>, Vec<Hit>) {
        let (hits, count) = index.search(&index.parse_query(text), mode, 100).unwrap();
        assert_eq!(hits.len(), count);
        let mut found: Vec<usize> = hits.iter().map(|h| h.passage).collect();
        found.sort();
        (found, hits)
    }

    #[test]
    fn all_words_search_never_finds_a_passage_through_its_neighbours_alone() {
        let (_dir, index) = storm_report();
        let passages = |text: &str, mode: Mode| passages_found(&index, text, mode);
        // The third passage has the ferry and the passengers around it, and names neither.
        assert_eq!(passages("ferry", Mode::Any).0, [0, 1, 2, 3]);
        assert_eq!(passages("ferry", Mode::All).0, [0, 3]);
        assert_eq!(passages("ferry passengers", Mode::Any).0, [0, 1, 2, 3]);
        assert_eq!(passages("ferry passengers", Mode::All).0, [0, 1]);
        // One word is searched as its own postings; the score is the same sum.
        let (_, any) = passages("ferry", Mode::Any);
        let (_, all) = passages("ferry", Mode::All);
        let first = |hits: &[Hit]| hits.iter().find(|h| h.passage == 0).unwrap().score;
        assert_eq!(first(&any), first(&all));
    }

    /// The scoring weight of clause `c`'s query for `word`, as `to_query` builds it.
    fn clause_weight(index: &NewsIndex, c: Clause, word: &str) -> Box<dyn tantivy::query::Weight> {
        let query = index.clause_query(c, word, &Arc::default());
        query
            .weight(tantivy::query::EnableScoring::enabled_from_searcher(
                index.searcher(),
            ))
            .unwrap()
    }

    /// `weight`'s scorer in `reader` gives `expected` (document, score) walked, and finds
    /// every other one of them sought.
    fn check_scorer(
        weight: &dyn tantivy::query::Weight,
        reader: &tantivy::SegmentReader,
        expected: &[(u32, f32)],
        what: &str,
    ) {
        use tantivy::DocSet;
        let mut scorer = weight.scorer(reader, 1.0).unwrap();
        let mut found = Vec::new();
        while scorer.doc() != tantivy::TERMINATED {
            found.push((scorer.doc(), scorer.score()));
            scorer.advance();
        }
        assert_eq!(found, expected, "{what}");
        let mut scorer = weight.scorer(reader, 1.0).unwrap();
        for &(d, _) in expected.iter().skip(1).step_by(2) {
            assert_eq!(scorer.seek(d), d, "{what}");
        }
    }

    /// Every word of the passages, looked for in their neighbours (`neighbours`), against
    /// the neighbours worked out from each passage's article and number: the same passages,
    /// each with its neighbours' own BM25 scores of the word added up.
    #[test]
    fn a_word_of_the_neighbours_matches_and_scores_as_their_own_matches_do() {
        use std::collections::BTreeMap;
        // An article of more passages than a word of bits holds, some words in every
        // third or fifth of them.
        let long: String = (0..150)
            .map(|i| {
                let pier = if i % 3 == 0 { " near the pier" } else { "" };
                let gull = if i % 5 == 0 { " with a gull gull" } else { "" };
                format!("Boat number {i} sailed out{pier}{gull} today.\n")
            })
            .collect();
        let (_dir, corpus) = corpus_of(&[
            (
                "a.md",
                "The ferry left the harbour at dawn.\nForty passengers were on board, and the ferry rolled.\nNobody was hurt in the storm.\nThe ferry returned at noon, and the ferry crew rested.\n",
            ),
            (
                "b.md",
                "The council met on Monday about the harbour.\nThe harbour plan passed by one vote.\nFerry fares rise in May, the council said.\n",
            ),
            ("c.md", "A single passage about the ferry and the storm.\n"),
            ("d.md", &long),
        ]);
        let index = NewsIndex::build(&corpus).unwrap();
        assert!(
            index.num_passages() > 150,
            "{} passages",
            index.num_passages()
        );
        let f = index.shared.fields;
        let searcher = index.searcher();
        let mut checked = 0;
        for reader in searcher.segment_readers() {
            let fast = reader.fast_fields();
            let (aid, pn) = (fast.u64("aid").unwrap(), fast.u64("pn").unwrap());
            let place = |d: u32| (aid.first(d).unwrap(), pn.first(d).unwrap());
            let norms = reader.get_fieldnorms_reader(f.body).unwrap();
            let body = reader.inverted_index(f.body).unwrap();
            let mut terms = body.terms().stream().unwrap();
            while terms.advance() {
                let text = std::str::from_utf8(terms.key()).unwrap().to_string();
                let term = TantivyTerm::from_field_text(f.body, &text);
                let mut freqs: BTreeMap<u32, u32> = BTreeMap::new();
                let mut block = body
                    .read_block_postings(&term, IndexRecordOption::WithFreqs)
                    .unwrap()
                    .unwrap();
                while !block.docs().is_empty() {
                    freqs.extend(
                        block
                            .docs()
                            .iter()
                            .copied()
                            .zip(block.freqs().iter().copied()),
                    );
                    block.advance();
                }
                let bm25 =
                    tantivy::query::Bm25Weight::for_terms(searcher, std::slice::from_ref(&term))
                        .unwrap()
                        .boost_by(NEIGHBOUR_BOOST);
                let own = |n: u32| {
                    freqs
                        .get(&n)
                        .map_or(0.0, |&tf| bm25.score(norms.fieldnorm_id(n), tf))
                };
                let mut expected: Vec<(u32, f32)> = Vec::new();
                for d in 0..reader.max_doc() {
                    let (a, p) = place(d);
                    let beside = |n: u32| {
                        let (b, q) = place(n);
                        a == b && q.abs_diff(p) == 1 && freqs.contains_key(&n)
                    };
                    let before = d > 0 && beside(d - 1);
                    let after = d + 1 < reader.max_doc() && beside(d + 1);
                    if before || after {
                        let mut score = 0.0;
                        if before {
                            score += own(d - 1);
                        }
                        if after {
                            score += own(d + 1);
                        }
                        expected.push((d, score));
                    }
                }
                let neighbours = f.surroundings()[1];
                assert_eq!(neighbours.reach, Reach::Neighbours);
                let weight = clause_weight(&index, neighbours, &text);
                check_scorer(&*weight, reader, &expected, &text);
                checked += usize::from(!expected.is_empty());
            }
        }
        assert!(checked > 20, "{checked} terms checked");
    }

    /// The heading's analyser gives the passages' analyser's tokens, offsets and positions
    /// as they were, but for the stopwords as written.
    #[test]
    fn the_heading_keeps_the_analysers_tokens_but_stopwords() {
        let all = |analyzer: &mut TextAnalyzer, text: &str| {
            let mut out = Vec::new();
            let mut stream = analyzer.token_stream(text);
            while stream.advance() {
                out.push(stream.token().clone());
            }
            out
        };
        let text = "The Minister said THAT it was over, and Zürich's café was not.";
        let expected: Vec<_> = all(&mut analyzer(), text)
            .into_iter()
            .filter(|t| {
                let word = text[t.offset_from..t.offset_to].to_lowercase();
                !crate::nlp::stopwords::is_stopword(&word)
            })
            .collect();
        let words: Vec<&str> = expected.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(words, ["minist", "said", "zurich", "s", "cafe"]);
        assert_eq!(all(&mut heading_analyzer(), text), expected);
    }

    /// A harbour report: `title`, then `first`, then ten lines of its own (every line its
    /// own, so that the cleaner keeps each: lines shared across files are page furniture to
    /// it).
    fn harbour_article(title: &str, i: usize, first: &str) -> String {
        let more: String = (0..10)
            .map(|k| format!("Dock worker {i} counted {k} crates of tea at noon.\n"))
            .collect();
        format!("# {title}\n\n{first}\n{more}")
    }

    /// 400 harbour reports, each naming "ferry" once, in a long line, `f005.md` to
    /// `f404.md`.
    fn weak_ferry_reports() -> Vec<(String, String)> {
        (5..405)
            .map(|i| {
                let weak = format!(
                    "Reporter {i} wrote at length about many unrelated things before a ferry appeared far away."
                );
                (
                    format!("f{i:03}.md"),
                    harbour_article(&format!("Harbour report {i} on the coast"), i, &weak),
                )
            })
            .collect()
    }

    /// The index of `files`, and the article of `doc` in it.
    fn index_of(files: &[(String, String)], doc: &str) -> (tempfile::TempDir, NewsIndex, usize) {
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        let (dir, corpus) = corpus_of(&refs);
        let index = NewsIndex::build(&corpus).unwrap();
        let id = corpus.iter().find(|a| a.doc == doc).unwrap().id;
        (dir, index, id)
    }

    /// A word in an article's title lifts every passage of it (see `spread`): an article
    /// that leads only by its title is found, though its passage alone scores far below the
    /// cut and the ranking pass skips the postings blocks around it.
    #[test]
    fn an_article_that_leads_by_its_title_is_found() {
        let mut files = weak_ferry_reports();
        for i in 0..5 {
            let strong = format!("The ferry ferry ferry crossed with {i} cars.");
            files.push((
                format!("a{i}.md"),
                harbour_article(&format!("Strong tide number {i} rises"), i, &strong),
            ));
        }
        let weak = "Reporter 405 wrote at length about many unrelated things before a ferry appeared far away.";
        files.push(("z.md".into(), harbour_article("Ferry News", 405, weak)));
        let (_dir, index, titled) = index_of(&files, "z.md");
        let q = index.parse_query("ferry");
        let (all, _) = index.search(&q, Mode::All, 10).unwrap();
        assert_eq!(all[0].article, titled, "{all:?}");
        for best in [1, 2, 5] {
            check_grouped(&index, &q, Mode::All, 1, best);
        }
        let grouped = index.search_by_article(&q, Mode::All, 1, 1).unwrap();
        assert_eq!(grouped.articles[0].article, titled);
    }

    /// `Mode::Any` (`/search`'s fallback) finds a passage through its title alone: an
    /// article whose title has a rare word and whose text has none of the words leads. The
    /// ranking pass over the passages' own words never meets its passages; it must see that
    /// such a passage could lead and rank every match instead.
    #[test]
    fn an_article_that_names_no_word_but_in_its_title_leads_a_search_of_any_word() {
        let mut files = weak_ferry_reports();
        let nothing = "Nothing of the sort was seen.";
        files.push(("z.md".into(), harbour_article("Zeppelin", 405, nothing)));
        let (_dir, index, titled) = index_of(&files, "z.md");
        let q = index.parse_query("ferry zeppelin");
        assert_eq!(index.search(&q, Mode::All, 10).unwrap().1, 0);
        let (any, _) = index.search(&q, Mode::Any, 10).unwrap();
        assert_eq!(any[0].article, titled, "{any:?}");
        for best in [1, 2, 5] {
            check_grouped(&index, &q, Mode::Any, 1, best);
        }
        let grouped = index.search_by_article(&q, Mode::Any, 1, 1).unwrap();
        assert_eq!(grouped.articles[0].article, titled);
        // A word the index lacks adds nothing anywhere: "ferry" alone ranks as before.
        let ferry = index.parse_query("ferry");
        let lacking = index.parse_query("ferry quixotry");
        let leads = |q: &UserQuery| {
            let g = index.search_by_article(q, Mode::Any, 1, 5).unwrap();
            g.articles.iter().map(|a| a.article).collect::<Vec<_>>()
        };
        assert_eq!(leads(&lacking), leads(&ferry));
        check_grouped(&index, &lacking, Mode::Any, 1, 5);
    }

    /// Articles with a word in their title, some without it in their text: the title pass
    /// seeks the ranking's scorer from one to the next, and after one without the word the
    /// scorer already stands in the next one's passages (in a debug build, seeking back
    /// fails tantivy's assertion).
    #[test]
    fn titled_articles_are_weighed_in_turn_whatever_their_text() {
        let mut files: Vec<(String, String)> = vec![(
            "a.md".into(),
            "# Strong tide rises\n\nThe ferry ferry ferry crossed the bay.\n".into(),
        )];
        for i in 0..16 {
            let text = if i % 4 < 2 {
                format!(
                    "# Ferry times {i}\n\nThe tide was low on day {i}.\nGulls circled {i} masts.\n"
                )
            } else {
                format!(
                    "# Ferry news {i}\n\nThe crane stood idle on day {i}.\nA ferry left pier {i} late.\n"
                )
            };
            files.push((format!("b{i:02}.md"), text));
        }
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        let (_dir, corpus) = corpus_of(&refs);
        let index = NewsIndex::build(&corpus).unwrap();
        let q = index.parse_query("ferry");
        for best in [1, 2, 3, 5, 8] {
            check_grouped(&index, &q, Mode::All, 2, best);
        }
    }

    /// Every word of the titles and headings, looked for in the passages they cover (see
    /// `spread`), against the spans worked out from each passage's article: the passages
    /// of every span whose text has the word, each scored as BM25 over the spans would
    /// score the span's text. Sections cross 64-bit words; one heading is stopwords only,
    /// and its passages must not take the heading before it.
    #[test]
    fn a_word_of_a_title_or_heading_matches_and_scores_every_passage_under_it() {
        use std::collections::{BTreeMap, HashMap};
        use tantivy::fieldnorm::FieldNormReader;
        let mut long = String::from("# The Long Voyage\n\nA first line before any section.\n");
        for s in 0..7 {
            let heading = match s {
                3 => "## About it all".to_string(),
                _ => format!("## Harbour leg {s} pier"),
            };
            long.push_str(&format!("\n{heading}\n\n"));
            for i in 0..(5 + 9 * s) {
                long.push_str(&format!("Boat {s} number {i} sailed out today.\n"));
            }
        }
        let (_dir, corpus) = corpus_of(&[
            (
                "a.md",
                "# Storm Report\n\nThe ferry left the harbour at dawn.\nForty passengers were on board.\n\n## Ferry Pier Damage\n\nNobody was hurt in the storm.\nThe ferry returned at noon.\n",
            ),
            (
                "b.md",
                "The council met on Monday about the harbour.\nThe harbour plan passed by one vote.\n",
            ),
            ("c.md", &long),
        ]);
        let index = NewsIndex::build(&corpus).unwrap();
        assert!(index.num_passages() > 150, "{}", index.num_passages());
        let f = index.shared.fields;
        let searcher = index.searcher();
        let tokenizers = index.shared.index.tokenizers();
        let mut checked = 0;
        for (field, analyzer, spread, boost) in [
            (f.title, TITLE_ANALYZER, Spread::Article, TITLE_BOOST),
            (f.heading, HEADING_ANALYZER, Spread::Section, HEADING_BOOST),
        ] {
            let mut analyzer = tokenizers.get(analyzer).unwrap();
            let mut words_of = |text: &str| {
                let mut words: HashMap<String, u32> = HashMap::new();
                let mut len = 0;
                let mut stream = analyzer.token_stream(text);
                while let Some(t) = stream.next() {
                    *words.entry(t.text.clone()).or_default() += 1;
                    len += 1;
                }
                (words, len)
            };
            // Each passage's span, by article and passage, and each span's words.
            let mut span_of: HashMap<(u64, u64), (usize, usize)> = HashMap::new();
            let mut spans: BTreeMap<(usize, usize), (HashMap<String, u32>, u32)> = BTreeMap::new();
            for a in corpus.iter() {
                let opened = corpus.read(a.id).unwrap();
                let mut at: Option<(usize, Option<usize>)> = None;
                for (p, under) in opened.sections().enumerate() {
                    let start = match spread {
                        Spread::Article => {
                            if p == 0 {
                                spans.insert((a.id, 0), words_of(&fold_acronyms(&a.meta.title)));
                            }
                            0
                        }
                        Spread::Section => match at {
                            Some((start, h)) if h == under => start,
                            _ => {
                                if let Some(h) = under {
                                    let text = &opened.text[opened.blocks[h].range()];
                                    spans.insert((a.id, p), words_of(&fold_acronyms(text)));
                                }
                                at = Some((p, under));
                                p
                            }
                        },
                    };
                    span_of.insert((a.id as u64, p as u64), (a.id, start));
                }
            }
            let n = spans.len() as u64;
            let tokens: u32 = spans.values().map(|(_, len)| len).sum();
            let mut vocabulary: Vec<&String> = spans.values().flat_map(|(w, _)| w.keys()).collect();
            vocabulary.sort();
            vocabulary.dedup();
            for word in vocabulary {
                let df = spans.values().filter(|(w, _)| w.contains_key(word)).count() as u64;
                let bm25 =
                    tantivy::query::Bm25Weight::for_one_term(df, n, tokens as f32 / n as f32)
                        .boost_by(boost);
                let clause = Clause {
                    field,
                    boost,
                    reach: Reach::Spread(spread),
                };
                let weight = clause_weight(&index, clause, word);
                for reader in searcher.segment_readers() {
                    let fast = reader.fast_fields();
                    let (aid, pn) = (fast.u64("aid").unwrap(), fast.u64("pn").unwrap());
                    let mut expected: Vec<(u32, f32)> = Vec::new();
                    for d in 0..reader.max_doc() {
                        let place = (aid.first(d).unwrap(), pn.first(d).unwrap());
                        let Some((words, len)) = spans.get(&span_of[&place]) else {
                            continue;
                        };
                        if let Some(&tf) = words.get(word) {
                            let norm = FieldNormReader::fieldnorm_to_id(*len);
                            expected.push((d, bm25.score(norm, tf)));
                        }
                    }
                    check_scorer(&*weight, reader, &expected, word);
                    checked += usize::from(!expected.is_empty());
                }
            }
        }
        assert!(checked > 20, "{checked} words checked");
    }

    #[test]
    fn a_passage_surroundings_hold_its_neighbours_content_words_not_their_stopwords() {
        let (_dir, index) = storm_report();
        let passages = |text: &str| passages_found(&index, text, Mode::Any).0;
        // A content word is found in the passage that says it and in both its neighbours.
        assert_eq!(passages("passengers"), [0, 1, 2]);
        assert_eq!(passages("hurt"), [1, 2, 3]);
        // A query of stopwords alone searches them, but only where they are said.
        assert_eq!(passages("was"), [2]);
        assert_eq!(passages("nobody was"), [1, 2, 3]);
    }
}
