//! The in-RAM tantivy index of passages: English stemming, ASCII folding, BM25 with a title boost.

pub mod query;

use std::ops::Range;
use std::time::{Duration, Instant};

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer,
};
use tantivy::{DocAddress, Index, IndexReader, Searcher, TantivyDocument, Term as TantivyTerm};
use thiserror::Error;

use crate::corpus::{Article, Corpus};
pub use query::{Term, UserQuery};

const ANALYZER: &str = "news";
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

struct Fields {
    body: Field,
    context: Field,
    title: Field,
    pid: Field,
}

pub struct NewsIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    analyzer: TextAnalyzer,
    /// Global passage id (the `pid` fast field) to (article, passage).
    passages: Vec<(usize, usize)>,
    pub build_time: Duration,
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

impl NewsIndex {
    /// Indexes every passage of the corpus.
    pub fn build(corpus: &Corpus) -> Result<NewsIndex, IndexError> {
        let started = Instant::now();
        let mut sb = Schema::builder();
        let fields = Fields {
            body: sb.add_text_field("body", text_options(true)),
            context: sb.add_text_field("context", text_options(false)),
            title: sb.add_text_field("title", text_options(false)),
            pid: sb.add_u64_field("pid", INDEXED | FAST | STORED),
        };
        let index = Index::create_in_ram(sb.build());
        index.tokenizers().register(ANALYZER, analyzer());
        let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 50_000_000)?;
        let mut passages = Vec::with_capacity(corpus.passage_count());
        for article in &corpus.articles {
            for p in 0..article.passages.len() {
                let mut doc = TantivyDocument::default();
                doc.add_text(fields.body, article.passage_text(p));
                doc.add_text(fields.context, context_of(article, p));
                doc.add_text(fields.title, &article.meta.title);
                doc.add_u64(fields.pid, passages.len() as u64);
                writer.add_document(doc)?;
                passages.push((article.id, p));
            }
        }
        writer.commit()?;
        let reader = index.reader()?;
        Ok(NewsIndex {
            index,
            reader,
            fields,
            analyzer: analyzer(),
            passages,
            build_time: started.elapsed(),
        })
    }

    /// Analyses `text` as the index does: (term, byte range in `text`).
    pub fn analyse(&self, text: &str) -> Vec<(String, Range<usize>)> {
        let mut analyzer = self.analyzer.clone();
        let mut stream = analyzer.token_stream(text);
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

    fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// Inverse document frequency of a term over passages (BM25's form), 0 for an unknown term.
    pub fn idf(&self, term: &str) -> f32 {
        let searcher = self.searcher();
        let n = searcher.num_docs() as f32;
        let df = searcher
            .doc_freq(&TantivyTerm::from_field_text(self.fields.body, term))
            .unwrap_or(0) as f32;
        if df == 0.0 {
            return 0.0;
        }
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    /// How many passages contain the term.
    pub fn doc_freq(&self, term: &str) -> u64 {
        self.searcher()
            .doc_freq(&TantivyTerm::from_field_text(self.fields.body, term))
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
        let f = &self.fields;
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
            if let Some((article, passage)) = self.passage_of(&searcher, addr)? {
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
        let column = searcher
            .segment_reader(addr.segment_ord)
            .fast_fields()
            .u64("pid")?;
        Ok(column
            .first(addr.doc_id)
            .and_then(|pid| self.passages.get(pid as usize).copied()))
    }

    pub fn num_passages(&self) -> usize {
        self.passages.len()
    }

    /// The index's own schema, for diagnostics.
    pub fn schema(&self) -> Schema {
        self.index.schema()
    }
}
