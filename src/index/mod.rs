//! The in-RAM tantivy index of passages: English stemming, ASCII folding, BM25 with a title boost.

pub mod query;

use std::ops::Range;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer,
};
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument,
    Term as TantivyTerm,
};
use thiserror::Error;

use crate::corpus::{Article, Corpus, Delta};
pub use query::{Term, UserQuery};

const ANALYZER: &str = "news";
/// The writer's indexing memory (tantivy's minimum is 15 MB per thread).
const WRITER_MEMORY: usize = 50_000_000;
/// How much a title match counts against a match in the passage itself.
const TITLE_BOOST: f32 = 0.6;
/// How much the neighbouring sentences and the section heading count.
const CONTEXT_BOOST: f32 = 0.35;

#[derive(Debug, Error)]
pub enum IndexError {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}

/// A scored passage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub article: usize,
    pub passage: usize,
    pub score: f32,
}

/// Whether every query term must match (`All`) or any (`Any`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    All,
    Any,
}

#[derive(Clone, Copy)]
struct Fields {
    body: Field,
    context: Field,
    title: Field,
    /// The article's slot in the corpus.
    aid: Field,
    /// The passage's number in its article.
    pn: Field,
    /// The passage's byte range in the file.
    start: Field,
    end: Field,
    /// The article's date as days since 1970-01-01 (its first day), or -1 when undated.
    date: Field,
}

/// What every version of the index shares: the tantivy index, its one writer and reader.
struct Shared {
    index: Index,
    writer: Mutex<IndexWriter>,
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
    passages: usize,
    pub build_time: Duration,
}

/// Dotted acronyms as one word: "U.S." reads as "US  ", "U.K." as "UK  ", so that a user's
/// "US" finds them. The letters close up and the dots become trailing spaces, so the text
/// keeps its length and every byte offset stays where it was.
pub fn fold_acronyms(text: &str) -> std::borrow::Cow<'_, str> {
    let b = text.as_bytes();
    let letter_dot = |i: usize| i + 1 < b.len() && b[i].is_ascii_uppercase() && b[i + 1] == b'.';
    let mut out: Option<Vec<u8>> = None;
    let mut i = 0;
    while i < b.len() {
        let starts_word = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        if !(starts_word && letter_dot(i) && letter_dot(i + 2)) {
            i += 1;
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
        i = end;
    }
    match out {
        // Only ASCII letters and dots were moved, so the bytes are still UTF-8.
        Some(buf) => {
            std::borrow::Cow::Owned(String::from_utf8(buf).unwrap_or_else(|_| text.to_string()))
        }
        None => std::borrow::Cow::Borrowed(text),
    }
}

fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

fn text_options(positions: bool) -> TextOptions {
    let record = if positions {
        IndexRecordOption::WithFreqsAndPositions
    } else {
        IndexRecordOption::WithFreqs
    };
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(record),
    )
}

/// The words around a passage that help it match: its section heading and its neighbours.
fn context_of(article: &Article, p: usize) -> String {
    let mut ctx = String::new();
    if let Some(h) = article.passages[p].section {
        ctx.push_str(&article.text[article.blocks[h].range.clone()]);
        ctx.push('\n');
    }
    if p > 0 {
        ctx.push_str(article.passage_text(p - 1));
        ctx.push('\n');
    }
    if p + 1 < article.passages.len() {
        ctx.push_str(article.passage_text(p + 1));
    }
    ctx
}

fn add_article(writer: &IndexWriter, f: &Fields, article: &Article) -> Result<(), IndexError> {
    let date = article.meta.date.and_then(|d| {
        chrono::NaiveDate::from_ymd_opt(d.year, d.month.unwrap_or(1), d.day.unwrap_or(1))
    });
    let days = date.map_or(-1, |d| (d - chrono::NaiveDate::default()).num_days());
    for (p, passage) in article.passages.iter().enumerate() {
        let mut doc = TantivyDocument::default();
        doc.add_text(f.body, fold_acronyms(article.passage_text(p)));
        doc.add_text(f.context, fold_acronyms(&context_of(article, p)));
        doc.add_text(f.title, fold_acronyms(&article.meta.title));
        doc.add_u64(f.aid, article.id as u64);
        doc.add_u64(f.pn, p as u64);
        doc.add_u64(f.start, passage.range.start as u64);
        doc.add_u64(f.end, passage.range.end as u64);
        doc.add_i64(f.date, days);
        writer.add_document(doc)?;
    }
    Ok(())
}

impl NewsIndex {
    /// Indexes every passage of the corpus.
    pub fn build(corpus: &Corpus) -> Result<NewsIndex, IndexError> {
        let started = Instant::now();
        let mut sb = Schema::builder();
        let fields = Fields {
            body: sb.add_text_field("body", text_options(true)),
            context: sb.add_text_field("context", text_options(false)),
            title: sb.add_text_field("title", text_options(false)),
            aid: sb.add_u64_field("aid", INDEXED | FAST),
            pn: sb.add_u64_field("pn", FAST),
            start: sb.add_u64_field("start", FAST),
            end: sb.add_u64_field("end", FAST),
            date: sb.add_i64_field("date", FAST),
        };
        let index = Index::create_in_ram(sb.build());
        index.tokenizers().register(ANALYZER, analyzer());
        let writer = index.writer_with_num_threads::<TantivyDocument>(1, WRITER_MEMORY)?;
        for article in corpus.iter() {
            add_article(&writer, &fields, article)?;
        }
        let mut writer = writer;
        writer.commit()?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let shared = Arc::new(Shared {
            index,
            writer: Mutex::new(writer),
            reader,
            fields,
            analyzer: analyzer(),
        });
        let searcher = shared.reader.searcher();
        Ok(NewsIndex {
            shared,
            searcher,
            passages: corpus.passage_count(),
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
            if let Some(article) = corpus.get(*id) {
                add_article(&writer, &f, article)?;
            }
        }
        if let Err(e) = writer.commit() {
            // Nothing of this update is visible; the writer starts clean for the next one.
            let _ = writer.rollback();
            return Err(e.into());
        }
        drop(writer);
        self.shared.reader.reload()?;
        Ok(NewsIndex {
            shared: self.shared.clone(),
            searcher: self.shared.reader.searcher(),
            passages: corpus.passage_count(),
            build_time: started.elapsed(),
        })
    }

    /// Analyses `text` as the index does: (term, byte range in `text`).
    pub fn analyse(&self, text: &str) -> Vec<(String, Range<usize>)> {
        let mut analyzer = self.shared.analyzer.clone();
        let folded = fold_acronyms(text);
        let mut stream = analyzer.token_stream(&folded);
        let mut out = Vec::new();
        while let Some(tok) = stream.next() {
            out.push((tok.text.clone(), tok.offset_from..tok.offset_to));
        }
        out
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

    /// The tantivy query for `q`: each term may match the passage, its context or the title;
    /// in `Mode::All` each term must match the passage or its context.
    fn to_query(&self, q: &UserQuery, mode: Mode) -> Box<dyn Query> {
        let f = &self.shared.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for t in &q.terms {
            let per_term = BooleanQuery::new(vec![
                (Occur::Should, self.term_query(f.body, &t.term, 1.0)),
                (
                    Occur::Should,
                    self.term_query(f.context, &t.term, CONTEXT_BOOST),
                ),
            ]);
            let occur = if mode == Mode::All {
                Occur::Must
            } else {
                Occur::Should
            };
            clauses.push((occur, Box::new(per_term)));
            clauses.push((
                Occur::Should,
                self.term_query(f.title, &t.term, TITLE_BOOST),
            ));
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
        let searcher = self.searcher();
        let query = self.to_query(q, mode);
        let (top, count) = searcher.search(
            &query,
            &(
                TopDocs::with_limit(limit.max(1)).order_by_score(),
                tantivy::collector::Count,
            ),
        )?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top {
            if let Some((article, passage)) = self.passage_of(searcher, addr)? {
                hits.push(Hit {
                    article,
                    passage,
                    score,
                });
            }
        }
        Ok((hits, count))
    }

    fn passage_of(
        &self,
        searcher: &Searcher,
        addr: DocAddress,
    ) -> Result<Option<(usize, usize)>, IndexError> {
        let fast = searcher.segment_reader(addr.segment_ord).fast_fields();
        let (aid, pn) = (fast.u64("aid")?, fast.u64("pn")?);
        Ok(aid
            .first(addr.doc_id)
            .zip(pn.first(addr.doc_id))
            .map(|(a, p)| (a as usize, p as usize)))
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
}
