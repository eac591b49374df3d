//! The query of a word found at query time beyond a passage's own text: in its neighbours
//! (see `neighbours`) or in the text its span shares (see `spread`).

use std::sync::Arc;

use tantivy::query::{Bm25Weight, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, Score, SegmentReader, TantivyError, Term};

use super::dense::{Reach, Scored};
use super::grouped::RunTables;
use super::neighbours::{self, BitsCache};
use super::spread;

/// The passages that `term` reaches as `reach` says, scored as `Scored` scores them (the
/// boost is the caller's to add).
#[derive(Clone)]
pub struct AroundQuery {
    term: Term,
    reach: Reach,
    tables: Arc<RunTables>,
    cache: Arc<BitsCache>,
}

impl std::fmt::Debug for AroundQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AroundQuery")
            .field("term", &self.term)
            .field("reach", &self.reach)
            .finish_non_exhaustive()
    }
}

impl AroundQuery {
    /// The query of `term` as `reach` finds it (not `Reach::Own`: a plain term query
    /// serves that), the neighbours' bits kept in `cache`.
    pub fn new(
        term: Term,
        reach: Reach,
        tables: Arc<RunTables>,
        cache: Arc<BitsCache>,
    ) -> AroundQuery {
        AroundQuery {
            term,
            reach,
            tables,
            cache,
        }
    }
}

impl Query for AroundQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let bm25 = match scoring {
            EnableScoring::Enabled { searcher, .. } => {
                let scored = Scored {
                    term: self.term.clone(),
                    boost: 1.0,
                    reach: self.reach,
                };
                Some(scored.weight(searcher, &self.tables)?)
            }
            EnableScoring::Disabled { .. } => None,
        };
        Ok(Box::new(AroundWeight {
            query: self.clone(),
            bm25,
        }))
    }
}

struct AroundWeight {
    query: AroundQuery,
    bm25: Option<Bm25Weight>,
}

impl Weight for AroundWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let q = &self.query;
        let runs = q.tables.of(reader)?;
        let weight = self.bm25.as_ref().map(|w| w.boost_by(boost));
        match q.reach {
            Reach::Neighbours => neighbours::scorer(reader, &q.term, weight, runs, &q.cache),
            Reach::Spread(s) => spread::scorer(reader, &q.term, weight, runs, s),
            Reach::Own => Err(TantivyError::InvalidArgument(
                "a passage's own words are a plain term query".into(),
            )),
        }
    }

    fn explain(&self, _reader: &SegmentReader, _doc: DocId) -> tantivy::Result<Explanation> {
        Err(TantivyError::InvalidArgument(
            "the scores found at query time are not explained".into(),
        ))
    }
}
