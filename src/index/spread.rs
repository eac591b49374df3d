//! Text that a whole span of passages shares, indexed once and spread over the span at
//! query time: an article's title over its passages, a section's heading over the
//! passages under it. Indexed on every passage, the two took a fifth of the first start's
//! indexing (see the README's benchmark section).
//!
//! Each is indexed on the span's first passage only. An article's passages are
//! consecutive documents of one segment (`grouped::Runs`), so the span of document `d` is
//! found from the segment's span starts: the last at or before `d`. Runs start spans of
//! both kinds, so a span never crosses an article's edge; the passages before an
//! article's first heading are a span without one.
//!
//! A passage matches a word of its span's text when the span's first passage has it, and
//! scores that passage's BM25 for it. The statistics are the spans' own: how many
//! articles (or sections) there are, how long their titles (or headings) are on average,
//! and how many have the word.

use std::sync::Arc;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, Scorer};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED, Term};

use super::dense::{DocBits, for_each_block};
use super::grouped::{RunTables, Runs};

/// The spans a field's text is shared by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Spread {
    /// An article's passages (its title).
    Article,
    /// The passages under one heading (the heading).
    Section,
}

impl Spread {
    /// One bit per document of `runs`' segment, set where a span starts.
    fn starts(self, runs: &Runs) -> &[u64] {
        match self {
            Spread::Article => runs.run_start(),
            Spread::Section => runs.section_start(),
        }
    }

    /// How many spans with text there are in `runs`' segment.
    fn count(self, runs: &Runs) -> u64 {
        match self {
            Spread::Article => runs.articles(),
            Spread::Section => runs.sections(),
        }
    }
}

/// The last set bit of `bits` at or before `doc` (0 when none is: the first document always
/// starts a run).
fn start_of(bits: &[u64], doc: DocId) -> DocId {
    let mut i = doc as usize / 64;
    let Some(&first) = bits.get(i) else {
        return 0;
    };
    // The bits at or before `doc` in its word.
    let mut w = first & (u64::MAX >> (63 - doc % 64));
    loop {
        if w != 0 {
            return i as DocId * 64 + 63 - w.leading_zeros();
        }
        if i == 0 {
            return 0;
        }
        i -= 1;
        w = bits[i];
    }
}

/// The first set bit of `bits` after `doc`, or `max_doc`.
fn next_start(bits: &[u64], doc: DocId, max_doc: DocId) -> DocId {
    let from = doc + 1;
    let mut i = from as usize / 64;
    let Some(&first) = bits.get(i) else {
        return max_doc;
    };
    let mut w = first & (u64::MAX << (from % 64));
    loop {
        if w != 0 {
            return (i as DocId * 64 + w.trailing_zeros()).min(max_doc);
        }
        i += 1;
        match bits.get(i) {
            Some(&next) => w = next,
            None => return max_doc,
        }
    }
}

/// The documents of `reader` whose span's text has `term`, one bit each: each span that
/// has it, whole. Deleted documents are included, as postings include them.
pub fn bits(
    reader: &SegmentReader,
    term: &Term,
    runs: &Runs,
    spread: Spread,
) -> tantivy::Result<DocBits> {
    let max_doc = reader.max_doc();
    let starts = spread.starts(runs);
    let mut out = DocBits::empty(max_doc);
    for_each_block(reader, term, |docs| {
        for &doc in docs {
            out.fill(doc..next_start(starts, doc, max_doc));
        }
    })?;
    Ok(out)
}

/// BM25 of `term` over the spans of `spread` in `searcher` (see the module's comment).
pub fn weight(
    searcher: &Searcher,
    tables: &RunTables,
    term: &Term,
    spread: Spread,
) -> tantivy::Result<Bm25Weight> {
    let (mut spans, mut tokens) = (0u64, 0u64);
    for reader in searcher.segment_readers() {
        spans += spread.count(&*tables.of(reader)?);
        tokens += reader.inverted_index(term.field())?.total_num_tokens();
    }
    let spans = spans.max(1);
    let average = tokens as Score / spans as Score;
    let doc_freq = searcher.doc_freq(term)?.min(spans);
    Ok(Bm25Weight::for_one_term_without_explain(
        doc_freq, spans, average,
    ))
}

/// The best score `weight` gives `term` in any span of `searcher` (a span's text is
/// indexed once, so its postings are few).
pub fn best(searcher: &Searcher, term: &Term, weight: &Bm25Weight) -> tantivy::Result<Score> {
    let mut best: Score = 0.0;
    for reader in searcher.segment_readers() {
        let inverted = reader.inverted_index(term.field())?;
        let Some(mut block) = inverted.read_block_postings(term, IndexRecordOption::WithFreqs)?
        else {
            continue;
        };
        let norms = reader.get_fieldnorms_reader(term.field())?;
        while !block.docs().is_empty() {
            for (&doc, &freq) in block.docs().iter().zip(block.freqs()) {
                best = best.max(weight.score(norms.fieldnorm_id(doc), freq));
            }
            block.advance();
        }
    }
    Ok(best)
}

/// A term's postings in one segment (each a span's first document), read span by span.
struct Spans {
    postings: SegmentPostings,
    norms: FieldNormReader,
    runs: Arc<Runs>,
    spread: Spread,
    max_doc: DocId,
}

impl Spans {
    /// `term`'s postings in `reader`, its spans those of `spread`; None when the segment
    /// lacks the term.
    fn open(
        reader: &SegmentReader,
        term: &Term,
        runs: Arc<Runs>,
        spread: Spread,
    ) -> tantivy::Result<Option<Spans>> {
        let inverted = reader.inverted_index(term.field())?;
        let Some(postings) = inverted.read_postings(term, IndexRecordOption::WithFreqs)? else {
            return Ok(None);
        };
        Ok(Some(Spans {
            postings,
            norms: reader.get_fieldnorms_reader(term.field())?,
            runs,
            spread,
            max_doc: reader.max_doc(),
        }))
    }

    /// The first document of the span of `doc`.
    fn start_of(&self, doc: DocId) -> DocId {
        start_of(self.spread.starts(&self.runs), doc)
    }

    /// The document after the span that starts at `start`.
    fn end_of(&self, start: DocId) -> DocId {
        next_start(self.spread.starts(&self.runs), start, self.max_doc)
    }

    /// `weight`'s score of the posting the cursor is on.
    fn score(&self, weight: &Bm25Weight) -> Score {
        let doc = self.postings.doc();
        weight.score(self.norms.fieldnorm_id(doc), self.postings.term_freq())
    }
}

/// The span scores of a word for documents asked in ascending order: the BM25 of the
/// span's first passage for it.
pub struct Scores {
    spans: Spans,
    weight: Bm25Weight,
    /// The span last asked about, its end and its score.
    span: Option<(DocId, DocId, Score)>,
}

impl Scores {
    /// For `term` of `spread`'s field in `reader`, scored by `weight` (see `weight`); None
    /// when the segment lacks the term.
    pub fn new(
        reader: &SegmentReader,
        term: &Term,
        weight: Bm25Weight,
        runs: Arc<Runs>,
        spread: Spread,
    ) -> tantivy::Result<Option<Scores>> {
        Ok(
            Spans::open(reader, term, runs, spread)?.map(|spans| Scores {
                spans,
                weight,
                span: None,
            }),
        )
    }

    /// The span score of `doc`; documents are asked in ascending order.
    pub fn score(&mut self, doc: DocId) -> Score {
        if let Some((start, end, score)) = self.span
            && (start..end).contains(&doc)
        {
            return score;
        }
        let spans = &mut self.spans;
        let start = spans.start_of(doc);
        let mut at = spans.postings.doc();
        if at < start {
            at = spans.postings.seek(start);
        }
        let score = if at == start {
            spans.score(&self.weight)
        } else {
            0.0
        };
        self.span = Some((start, spans.end_of(start), score));
        score
    }
}

/// The passages of `reader` whose span's text has `term`, scored by the span's BM25 for it
/// when `weight` is given (see `Scores`).
pub fn scorer(
    reader: &SegmentReader,
    term: &Term,
    weight: Option<Bm25Weight>,
    runs: Arc<Runs>,
    spread: Spread,
) -> tantivy::Result<Box<dyn Scorer>> {
    Ok(match Spans::open(reader, term, runs, spread)? {
        Some(spans) => Box::new(SpreadScorer::new(spans, weight)),
        None => Box::new(tantivy::query::EmptyScorer),
    })
}

/// The documents of every span whose first document has the term, in order, each scored
/// as that first document (0 without scores). The postings are walked as the documents
/// are: no bits are set (a title's spans are whole articles).
struct SpreadScorer {
    spans: Spans,
    weight: Option<Bm25Weight>,
    doc: DocId,
    /// The end of the span `doc` is in.
    end: DocId,
}

impl SpreadScorer {
    fn new(spans: Spans, weight: Option<Bm25Weight>) -> SpreadScorer {
        let mut scorer = SpreadScorer {
            spans,
            weight,
            doc: TERMINATED,
            end: TERMINATED,
        };
        scorer.enter(scorer.spans.postings.doc());
        scorer
    }

    /// Moves to the span that starts at `start`, a posting (or `TERMINATED`).
    fn enter(&mut self, start: DocId) -> DocId {
        self.doc = start;
        self.end = if start == TERMINATED {
            TERMINATED
        } else {
            self.spans.end_of(start)
        };
        self.doc
    }
}

impl DocSet for SpreadScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        if self.doc + 1 < self.end {
            self.doc += 1;
            return self.doc;
        }
        let next = self.spans.postings.advance();
        self.enter(next)
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        if target < self.end {
            self.doc = target;
            return target;
        }
        // The span of `target`, if it has the term; else the next span that has it.
        let start = self.spans.start_of(target);
        let posted = self.spans.postings.seek(start);
        if posted == start {
            self.enter(start);
            self.doc = target;
            return target;
        }
        self.enter(posted)
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.spans.postings.size_hint().saturating_mul(8)
    }
}

impl Scorer for SpreadScorer {
    fn score(&mut self) -> Score {
        self.weight.as_ref().map_or(0.0, |w| self.spans.score(w))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_starts_are_found_each_way_across_words() {
        let mut bits = vec![0u64; 3];
        for doc in [0u32, 5, 63, 64, 130] {
            bits[doc as usize / 64] |= 1 << (doc % 64);
        }
        let before: Vec<DocId> = [0, 4, 5, 62, 63, 64, 65, 129, 130, 140]
            .iter()
            .map(|&d| start_of(&bits, d))
            .collect();
        assert_eq!(before, [0, 0, 5, 5, 63, 64, 64, 64, 130, 130]);
        let after: Vec<DocId> = [0, 5, 62, 63, 64, 129, 130]
            .iter()
            .map(|&d| next_start(&bits, d, 150))
            .collect();
        assert_eq!(after, [5, 63, 63, 64, 130, 130, 150]);
        assert_eq!(next_start(&bits, 191, 192), 192);
    }
}
