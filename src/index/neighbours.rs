//! A passage's neighbours' words, found at query time from the passages' own postings
//! rather than indexed again as each passage's context (which took a fifth of the first
//! start's work; see the README's benchmark section). An article's passages are
//! consecutive documents of one segment (`grouped::Runs`), so the passages beside document
//! `d` are documents `d - 1` and `d + 1` of the same run.
//!
//! A passage matches a word through its neighbours when either has the word itself, and
//! scores each such neighbour's own BM25 for the word (times the query's boost).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::fieldnorm::FieldNormReader;
use tantivy::index::SegmentId;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, Scorer};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

use super::dense::{DocBits, for_each_block};
use super::grouped::Runs;
use super::spread::Spread;

/// The documents of `reader` with a neighbour in their run that has `term` (a term of the
/// passages' own field), one bit each: the term's own bits shifted one place each way,
/// with what would cross a run's edge left out. Deleted documents are included, as
/// postings include them.
pub fn bits(reader: &SegmentReader, term: &Term, runs: &Runs) -> tantivy::Result<DocBits> {
    let max_doc = reader.max_doc();
    let mut own = DocBits::empty(max_doc);
    for_each_block(reader, term, |docs| own.set(docs, true))?;
    Ok(own.beside(runs.no_before(), runs.no_after(), max_doc))
}

/// The bits that a search's words reach beyond the passages' own postings (their
/// neighbours', and their spans'; see `spread`), each worked out once per segment: a
/// search reads its query's matches several times over (see `grouped`).
#[derive(Default)]
pub struct BitsCache(Mutex<HashMap<BitsKey, Arc<DocBits>>>);

/// Bits of a term in a segment: its neighbours' (no spread), or its span's.
type BitsKey = (SegmentId, Term, Option<Spread>);

impl BitsCache {
    /// `bits(reader, term, runs)`, from the cache when worked out before.
    pub fn bits(
        &self,
        reader: &SegmentReader,
        term: &Term,
        runs: &Runs,
    ) -> tantivy::Result<Arc<DocBits>> {
        self.get_or(reader, term, None, || bits(reader, term, runs))
    }

    /// `spread::bits(reader, term, runs, spread)`, from the cache when worked out before.
    pub fn spread_bits(
        &self,
        reader: &SegmentReader,
        term: &Term,
        runs: &Runs,
        spread: Spread,
    ) -> tantivy::Result<Arc<DocBits>> {
        self.get_or(reader, term, Some(spread), || {
            super::spread::bits(reader, term, runs, spread)
        })
    }

    fn get_or(
        &self,
        reader: &SegmentReader,
        term: &Term,
        spread: Option<Spread>,
        work: impl FnOnce() -> tantivy::Result<DocBits>,
    ) -> tantivy::Result<Arc<DocBits>> {
        let key = (reader.segment_id(), term.clone(), spread);
        let lock = || self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(found) = lock().get(&key) {
            return Ok(found.clone());
        }
        let found = Arc::new(work()?);
        lock().insert(key, found.clone());
        Ok(found)
    }
}

/// The neighbours' scores of a word for documents asked in order: each neighbour in the
/// document's run that has the word adds its own BM25 for it.
pub struct Scores {
    postings: SegmentPostings,
    /// The posting just before the cursor's, when it is the one before its document.
    passed: Option<(DocId, u32)>,
    norms: FieldNormReader,
    weight: Bm25Weight,
    runs: Arc<Runs>,
    at: usize,
    max_doc: DocId,
}

impl Scores {
    /// For `term` of the passages' own field in `reader`, scored by `weight` (the term's
    /// BM25 over the whole index); None when the segment lacks the term.
    pub fn new(
        reader: &SegmentReader,
        term: &Term,
        weight: Bm25Weight,
        runs: Arc<Runs>,
    ) -> tantivy::Result<Option<Scores>> {
        let inverted = reader.inverted_index(term.field())?;
        let Some(postings) = inverted.read_postings(term, IndexRecordOption::WithFreqs)? else {
            return Ok(None);
        };
        Ok(Some(Scores {
            postings,
            passed: None,
            norms: reader.get_fieldnorms_reader(term.field())?,
            weight,
            runs,
            at: 0,
            max_doc: reader.max_doc(),
        }))
    }

    /// How often document `n` has the word. Each call's `n` is at least the last one's
    /// less one (`score` asks for `d - 1` and `d + 1` of ascending documents `d`).
    fn freq(&mut self, n: DocId) -> u32 {
        let mut doc = self.postings.doc();
        if n < doc {
            return match self.passed {
                Some((d, freq)) if d == n => freq,
                _ => 0,
            };
        }
        // Only the posting of `n - 1` can be asked for again.
        if n > 0 && doc < n - 1 {
            doc = self.postings.seek(n - 1);
        }
        while doc < n {
            self.passed = Some((doc, self.postings.term_freq()));
            doc = self.postings.advance();
        }
        if doc == n {
            self.postings.term_freq()
        } else {
            0
        }
    }

    /// The neighbours' score of `doc`; documents are asked in ascending order.
    pub fn score(&mut self, doc: DocId) -> Score {
        self.at = self.runs.step(self.at, doc);
        if !self.runs.is_article(self.at) {
            return 0.0;
        }
        let (start, end) = (
            self.runs.start_of(self.at),
            self.runs.end_of(self.at, self.max_doc),
        );
        let mut score = 0.0;
        for n in [doc.checked_sub(1).filter(|&n| n >= start), Some(doc + 1)] {
            let Some(n) = n.filter(|&n| n < end) else {
                continue;
            };
            let freq = self.freq(n);
            if freq > 0 {
                score += self.weight.score(self.norms.fieldnorm_id(n), freq);
            }
        }
        score
    }
}

/// The passages of `reader` with a neighbour that has `term` (a word of the passages' own
/// field), scored by those neighbours' BM25 for it when `weight` is given (see `Scores`).
pub fn scorer(
    reader: &SegmentReader,
    term: &Term,
    weight: Option<Bm25Weight>,
    runs: Arc<Runs>,
    cache: &BitsCache,
) -> tantivy::Result<Box<dyn Scorer>> {
    let bits = cache.bits(reader, term, &runs)?;
    let scores = match weight {
        Some(weight) => Scores::new(reader, term, weight, runs)?,
        None => None,
    };
    Ok(Box::new(NeighbourScorer::new(bits, scores)))
}

/// The documents of a segment's bits in order, each scored by `Scores` (0 without scores).
struct NeighbourScorer {
    bits: Arc<DocBits>,
    doc: DocId,
    count: u32,
    scores: Option<Scores>,
}

impl NeighbourScorer {
    fn new(bits: Arc<DocBits>, scores: Option<Scores>) -> NeighbourScorer {
        let count = bits.len();
        let doc = bits.next_from(0).unwrap_or(TERMINATED);
        NeighbourScorer {
            bits,
            doc,
            count,
            scores,
        }
    }
}

impl DocSet for NeighbourScorer {
    fn advance(&mut self) -> DocId {
        if self.doc != TERMINATED {
            self.doc = self.bits.next_from(self.doc + 1).unwrap_or(TERMINATED);
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc < target {
            self.doc = self.bits.next_from(target).unwrap_or(TERMINATED);
        }
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.count
    }
}

impl Scorer for NeighbourScorer {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        self.scores.as_mut().map_or(0.0, |s| s.score(doc))
    }
}
