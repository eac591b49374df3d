//! A plain query's matches in one segment as a bitset, worked out from its terms' postings
//! block by block. A common word is in a quarter of all passages' neighbours: intersecting
//! unions of such lists document by document (tantivy's way, which also scores) costs
//! several times more than setting their bits and ANDing the sets, when every match is to
//! be counted anyway. The matches of such a query can also be scored here, a term at a
//! time (`TermGroups::top`), when thousands of the best are wanted.

use std::sync::Arc;

use tantivy::query::Bm25Weight;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentReader, Term};

use super::grouped::{RunTables, Runs};
use super::near::keep_near_best;
use super::neighbours::{self, BitsCache};
use super::spread::{self, Spread};

/// What a query matches: a passage with a term of every group, and with none of `none`.
/// No group at all matches nothing (as a query of only excluded words).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TermGroups {
    pub all: Vec<Vec<Source>>,
    pub none: Vec<Term>,
}

/// Where a term is looked for: in the passage's own field, in its neighbours' (see
/// `neighbours`), or in the text its span shares (see `spread`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    Own,
    Neighbours,
    Spread(Spread),
}

/// Where a group's term is looked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub term: Term,
    pub reach: Reach,
}

/// A set of one segment's documents, one bit each.
#[derive(Debug, Clone, PartialEq)]
pub struct DocBits(Vec<u64>);

impl DocBits {
    pub fn empty(max_doc: DocId) -> DocBits {
        DocBits(vec![0; (max_doc as usize).div_ceil(64)])
    }

    /// The documents beside those of the set, of a segment of `max_doc` documents: the
    /// set shifted one place each way, less the documents `no_before` and `no_after` mark
    /// as having no neighbour on that side (see `grouped::Runs`).
    pub fn beside(&self, no_before: &[u64], no_after: &[u64], max_doc: DocId) -> DocBits {
        let own = &self.0;
        let edge = |mask: &[u64], i: usize| mask.get(i).copied().unwrap_or(u64::MAX);
        let mut out: Vec<u64> = (0..own.len())
            .map(|i| {
                // Bit d of `before` is bit d - 1 of the set; bit d of `after`, bit d + 1.
                let before = own[i] << 1 | if i > 0 { own[i - 1] >> 63 } else { 0 };
                let after = own[i] >> 1 | own.get(i + 1).map_or(0, |w| w << 63);
                before & !edge(no_before, i) | after & !edge(no_after, i)
            })
            .collect();
        if !max_doc.is_multiple_of(64)
            && let Some(w) = out.last_mut()
        {
            *w &= (1u64 << (max_doc % 64)) - 1;
        }
        DocBits(out)
    }

    /// How many documents the set holds.
    pub fn len(&self) -> u32 {
        self.0.iter().map(|w| w.count_ones()).sum()
    }

    /// The first document of the set at or after `doc`.
    pub fn next_from(&self, doc: DocId) -> Option<DocId> {
        let mut i = doc as usize / 64;
        let mut w = *self.0.get(i)? & (u64::MAX << (doc % 64));
        loop {
            if w != 0 {
                return Some(i as DocId * 64 + w.trailing_zeros());
            }
            i += 1;
            w = *self.0.get(i)?;
        }
    }

    fn or(&mut self, other: &DocBits) {
        for (w, o) in self.0.iter_mut().zip(&other.0) {
            *w |= o;
        }
    }

    pub fn contains(&self, doc: DocId) -> bool {
        let (word, bit) = (doc as usize / 64, doc % 64);
        self.0.get(word).is_some_and(|w| w >> bit & 1 == 1)
    }

    pub fn set(&mut self, docs: &[DocId], on: bool) {
        for &doc in docs {
            let (word, bit) = (doc as usize / 64, 1u64 << (doc % 64));
            if let Some(w) = self.0.get_mut(word) {
                if on {
                    *w |= bit;
                } else {
                    *w &= !bit;
                }
            }
        }
    }

    /// Adds the documents of `range`.
    pub fn fill(&mut self, range: std::ops::Range<DocId>) {
        let (mut doc, end) = (range.start as usize, range.end as usize);
        while doc < end {
            let (word, bit) = (doc / 64, doc % 64);
            let n = (64 - bit).min(end - doc);
            let ones = if n == 64 {
                u64::MAX
            } else {
                ((1u64 << n) - 1) << bit
            };
            match self.0.get_mut(word) {
                Some(w) => *w |= ones,
                None => return,
            }
            doc += n;
        }
    }

    fn and(&mut self, other: &DocBits) {
        for (w, o) in self.0.iter_mut().zip(&other.0) {
            *w &= o;
        }
    }

    fn is_empty(&self) -> bool {
        self.0.iter().all(|&w| w == 0)
    }

    /// The documents in the set that `reader` has not deleted, in order.
    pub fn alive<'a>(&'a self, reader: &'a SegmentReader) -> impl Iterator<Item = DocId> + 'a {
        let alive = reader.alive_bitset();
        self.iter()
            .filter(move |&doc| alive.is_none_or(|a| a.is_alive(doc)))
    }

    /// The documents in the set, in order.
    pub fn iter(&self) -> impl Iterator<Item = DocId> + '_ {
        self.0.iter().enumerate().flat_map(|(i, &word)| {
            let mut w = word;
            std::iter::from_fn(move || {
                (w != 0).then(|| {
                    let bit = w.trailing_zeros();
                    w &= w - 1;
                    i as DocId * 64 + bit
                })
            })
        })
    }
}

/// Calls `f` with each block of `term`'s documents in `reader`, deleted ones included.
pub fn for_each_block(
    reader: &SegmentReader,
    term: &Term,
    mut f: impl FnMut(&[DocId]),
) -> tantivy::Result<()> {
    let inverted = reader.inverted_index(term.field())?;
    if let Some(mut block) = inverted.read_block_postings(term, IndexRecordOption::Basic)? {
        while !block.docs().is_empty() {
            f(block.docs());
            block.advance();
        }
    }
    Ok(())
}

impl TermGroups {
    /// The documents of `reader` that match, deleted ones included: the caller skips those
    /// as it reads (as collectors do).
    pub fn matches(
        &self,
        reader: &SegmentReader,
        runs: &Runs,
        cache: &BitsCache,
    ) -> tantivy::Result<DocBits> {
        let max_doc = reader.max_doc();
        let mut found: Option<DocBits> = None;
        for group in &self.all {
            let mut bits = DocBits::empty(max_doc);
            for Source { term, reach } in group {
                match *reach {
                    Reach::Own => for_each_block(reader, term, |docs| bits.set(docs, true))?,
                    Reach::Neighbours => bits.or(&*cache.bits(reader, term, runs)?),
                    Reach::Spread(spread) => {
                        bits.or(&*cache.spread_bits(reader, term, runs, spread)?)
                    }
                }
            }
            match &mut found {
                None => found = Some(bits),
                Some(found) => found.and(&bits),
            }
            if found.as_ref().is_some_and(DocBits::is_empty) {
                break;
            }
        }
        let mut found = found.unwrap_or_else(|| DocBits::empty(max_doc));
        for term in &self.none {
            for_each_block(reader, term, |docs| found.set(docs, false))?;
        }
        Ok(found)
    }
}

/// A term's share of a match's score: its BM25 over the whole index, times `boost` (as
/// tantivy scores a boosted term query).
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub term: Term,
    pub boost: f32,
    /// Where around the passage the term is scored.
    pub reach: Reach,
}

impl Scored {
    /// The term's BM25 over the whole index (over the spans, for a span's text: see
    /// `spread`), without the boost.
    pub fn weight(&self, searcher: &Searcher, tables: &RunTables) -> tantivy::Result<Bm25Weight> {
        match self.reach {
            Reach::Spread(spread) => spread::weight(searcher, tables, &self.term, spread),
            Reach::Own | Reach::Neighbours => {
                Bm25Weight::for_terms(searcher, std::slice::from_ref(&self.term))
            }
        }
    }

    /// The most this term adds to one passage's score in `searcher`, with the boost: for a
    /// span's text, the best its spans score (they are few: each is read); otherwise the
    /// best BM25 can give, from each neighbour for the neighbours, and nothing for a word
    /// the index does not have (whose weight is the highest of all).
    pub fn most(&self, searcher: &Searcher, weight: &Bm25Weight) -> tantivy::Result<Score> {
        if searcher.doc_freq(&self.term)? == 0 {
            return Ok(0.0);
        }
        let best = match self.reach {
            Reach::Spread(_) => spread::best(searcher, &self.term, weight)?,
            Reach::Neighbours => 2.0 * weight.max_score(),
            Reach::Own => weight.max_score(),
        };
        Ok(best * self.boost)
    }

    /// A reader of this term's scores, boosted, for documents of `reader` asked in
    /// ascending order: the neighbours' or the span's (None for the passage's own, or when
    /// the segment lacks the term).
    pub fn around(
        &self,
        reader: &SegmentReader,
        weight: &Bm25Weight,
        runs: &Arc<Runs>,
    ) -> tantivy::Result<Option<Around>> {
        let weight = weight.boost_by(self.boost);
        Ok(match self.reach {
            Reach::Own => None,
            Reach::Neighbours => neighbours::Scores::new(reader, &self.term, weight, runs.clone())?
                .map(Around::Neighbours),
            Reach::Spread(spread) => {
                spread::Scores::new(reader, &self.term, weight, runs.clone(), spread)?
                    .map(Around::Spread)
            }
        })
    }
}

/// The scores of a term found at query time, for documents asked in ascending order.
pub enum Around {
    Neighbours(neighbours::Scores),
    Spread(spread::Scores),
}

impl Around {
    pub fn score(&mut self, doc: DocId) -> Score {
        match self {
            Around::Neighbours(s) => s.score(doc),
            Around::Spread(s) => s.score(doc),
        }
    }
}

/// How a match is scored: each part's terms are added up, then the parts in order (as the
/// clauses of the query the groups stand for).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scoring(pub Vec<Vec<Scored>>);

impl Scoring {
    /// Each term's BM25 over the whole index, part by part.
    fn weighed(
        &self,
        searcher: &Searcher,
        tables: &RunTables,
    ) -> tantivy::Result<Vec<Vec<(Bm25Weight, &Scored)>>> {
        self.0
            .iter()
            .map(|part| {
                part.iter()
                    .map(|s| Ok((s.weight(searcher, tables)?, s)))
                    .collect()
            })
            .collect()
    }

    /// The scores of `docs` (ascending) in `reader`, each added up in one order: part by
    /// part, each part's terms in turn.
    fn scores(
        weighed: &[Vec<(Bm25Weight, &Scored)>],
        reader: &SegmentReader,
        runs: &Arc<Runs>,
        docs: &[DocId],
    ) -> tantivy::Result<Vec<Score>> {
        let mut scores = vec![0.0; docs.len()];
        let mut sum = vec![0.0; docs.len()];
        for part in weighed {
            sum.fill(0.0);
            for (weight, s) in part {
                match s.around(reader, weight, runs)? {
                    Some(mut around) => {
                        for (sum, &doc) in sum.iter_mut().zip(docs) {
                            *sum += around.score(doc);
                        }
                    }
                    None if s.reach == Reach::Own => add_scores(reader, s, weight, docs, &mut sum)?,
                    None => {}
                }
            }
            for (score, add) in scores.iter_mut().zip(&sum) {
                *score += add;
            }
        }
        Ok(scores)
    }

    /// Scores `found` again, as `TermGroups::top` scores: a document's score then does not
    /// depend on where the writer put it (block-WAND adds a union's terms in the order
    /// their postings reach the document, which can change the last bit).
    pub fn rescore(
        &self,
        searcher: &Searcher,
        tables: &RunTables,
        found: &mut [(Score, DocAddress)],
    ) -> tantivy::Result<()> {
        let weighed = self.weighed(searcher, tables)?;
        found.sort_unstable_by_key(|(_, address)| *address);
        for run in found.chunk_by_mut(|a, b| a.1.segment_ord == b.1.segment_ord) {
            let reader = searcher.segment_reader(run[0].1.segment_ord);
            let docs: Vec<DocId> = run.iter().map(|(_, a)| a.doc_id).collect();
            let scores = Scoring::scores(&weighed, reader, &tables.of(reader)?, &docs)?;
            for ((score, _), new) in run.iter_mut().zip(scores) {
                *score = new;
            }
        }
        Ok(())
    }
}

impl TermGroups {
    /// The best `limit` matches by `scoring` and those near them (see `near`), best first
    /// by score. Each segment's matches are scored a term at a time, on the searcher's
    /// threads: a term's postings are read in order beside the matches, rather than
    /// intersected document by document (tantivy's way, whose top-k cannot skip anything
    /// when thousands are kept).
    pub fn top(
        &self,
        searcher: &Searcher,
        tables: &RunTables,
        cache: &BitsCache,
        scoring: &Scoring,
        limit: usize,
    ) -> tantivy::Result<Vec<(Score, DocAddress)>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let weighed = scoring.weighed(searcher, tables)?;
        let segments = searcher.segment_readers().iter().enumerate();
        let per_segment = searcher.index().search_executor().map(
            |(ordinal, reader)| {
                let runs = tables.of(reader)?;
                let docs: Vec<DocId> = self.matches(reader, &runs, cache)?.alive(reader).collect();
                let scores = Scoring::scores(&weighed, reader, &runs, &docs)?;
                let mut top: Vec<(Score, DocAddress)> = scores
                    .into_iter()
                    .zip(docs)
                    .map(|(score, doc)| (score, DocAddress::new(ordinal as u32, doc)))
                    .collect();
                keep_near_best(&mut top, limit);
                Ok(top)
            },
            segments,
        )?;
        let mut top: Vec<(Score, DocAddress)> = per_segment.into_iter().flatten().collect();
        keep_near_best(&mut top, limit);
        top.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
        Ok(top)
    }
}

/// Adds `s`'s score in `reader` to `sums`, for each of `docs` (ascending) that has its term.
/// The term's postings are read block by block beside the documents; blocks without any of
/// them are skipped unread.
fn add_scores(
    reader: &SegmentReader,
    s: &Scored,
    weight: &Bm25Weight,
    docs: &[DocId],
    sums: &mut [Score],
) -> tantivy::Result<()> {
    let field = s.term.field();
    let norms = reader.get_fieldnorms_reader(field)?;
    let inverted = reader.inverted_index(field)?;
    let Some(mut block) = inverted.read_block_postings(&s.term, IndexRecordOption::WithFreqs)?
    else {
        return Ok(());
    };
    let mut i = 0;
    while let Some(&target) = docs.get(i) {
        // The block that may hold `target`, from its first posting at or after it.
        let at = block.seek(target);
        let (posted, freqs) = (block.docs(), block.freqs());
        if at >= posted.len() {
            break;
        }
        for (&doc, &freq) in posted[at..].iter().zip(&freqs[at..]) {
            while docs.get(i).is_some_and(|&d| d < doc) {
                i += 1;
            }
            match docs.get(i) {
                Some(&d) if d == doc => {
                    sums[i] += weight.score(norms.fieldnorm_id(doc), freq) * s.boost;
                    i += 1;
                }
                Some(_) => {}
                None => return Ok(()),
            }
        }
        // Every document up to the block's last posting has been met.
        while docs.get(i).is_some_and(|&d| d <= posted[posted.len() - 1]) {
            i += 1;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_iterate_in_order_and_combine() {
        let mut a = DocBits::empty(200);
        a.set(&[0, 3, 63, 64, 130, 199], true);
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![0, 3, 63, 64, 130, 199]);
        let mut b = DocBits::empty(200);
        b.set(&[3, 64, 150, 199], true);
        a.and(&b);
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![3, 64, 199]);
        a.set(&[64], false);
        assert!(a.contains(3) && !a.contains(64) && a.contains(199) && !a.contains(500));
        a.set(&[3, 199], false);
        assert!(a.is_empty());
    }
}
