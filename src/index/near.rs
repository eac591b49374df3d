//! The best matches of a query, cut where the index's layout cannot move the cut. The
//! writer's threads lay documents out in whatever order they take them, so two builds of
//! one corpus order equal scores differently, and block-WAND adds a document's term scores
//! in the order their postings reach it, so equal scores can differ in the last bit. The
//! best matches are therefore kept with every match scoring within `NEAR` of the cut; the
//! caller ranks them by an exact score and then by article and passage, and cuts after.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::Weight;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// How far below the cut a score may be and still be kept, as a share of the cut: far
/// above the rounding of a sum of a few dozen `f32` terms (a few parts in ten million).
const NEAR: f32 = 1e-4;

/// The lowest score kept when the `limit`-th best is `cut`.
pub fn floor(cut: Score) -> Score {
    cut - cut.abs() * NEAR
}

/// A score ordered as a number (scores are never NaN; `total_cmp` makes it total anyway).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Ranked(Score);

impl Eq for Ranked {}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// Keeps, of `scored`, the best `limit` and every other within `NEAR` of the last of them;
/// in no order.
pub fn keep_near_best<T>(scored: &mut Vec<(Score, T)>, limit: usize) {
    if scored.len() <= limit {
        return;
    }
    if limit == 0 {
        scored.clear();
        return;
    }
    let (_, cut, _) = scored.select_nth_unstable_by(limit - 1, |a, b| b.0.total_cmp(&a.0));
    let floor = floor(cut.0);
    scored.retain(|(score, _)| *score >= floor);
}

/// A collector of the best `limit` matches and those near them (see the module's text),
/// best first by score; equal scores in no set order. Over a union of terms it skips, as
/// tantivy's top-k does, what cannot come near the cut (block-WAND).
pub struct NearBest {
    pub limit: usize,
}

/// One segment's share of `NearBest`.
pub struct NearBestSegment {
    ordinal: SegmentOrdinal,
    limit: usize,
    /// The best `limit` scores so far, the lowest on top.
    best: BinaryHeap<Reverse<Ranked>>,
    /// Every match at or above the floor when it came; trimmed as the floor rises.
    kept: Vec<(Score, DocId)>,
    /// How many kept matches set off the next trim.
    trim_at: usize,
}

impl NearBestSegment {
    fn new(ordinal: SegmentOrdinal, limit: usize) -> NearBestSegment {
        NearBestSegment {
            ordinal,
            limit,
            best: BinaryHeap::with_capacity(limit.min(10_000)),
            kept: Vec::new(),
            trim_at: 2 * limit.max(64),
        }
    }

    /// The lowest score still worth keeping.
    fn floor(&self) -> Score {
        match self.best.peek() {
            Some(Reverse(Ranked(cut))) if self.best.len() == self.limit => floor(*cut),
            _ => Score::MIN,
        }
    }

    /// The threshold for block-WAND, which passes on only what scores above it.
    fn threshold(&self) -> Score {
        self.floor().next_down()
    }

    /// Takes a match; returns the new threshold.
    fn take(&mut self, doc: DocId, score: Score) -> Score {
        if self.limit == 0 || score < self.floor() {
            return self.threshold();
        }
        self.kept.push((score, doc));
        if self.best.len() < self.limit {
            self.best.push(Reverse(Ranked(score)));
        } else if self
            .best
            .peek()
            .is_some_and(|Reverse(low)| Ranked(score) > *low)
        {
            self.best.pop();
            self.best.push(Reverse(Ranked(score)));
        }
        // Trimmed whenever it has doubled, so each match is looked at a few times at most
        // (many near ties are all kept).
        if self.kept.len() >= self.trim_at {
            let floor = self.floor();
            self.kept.retain(|(score, _)| *score >= floor);
            self.trim_at = self.trim_at.max(2 * self.kept.len());
        }
        self.threshold()
    }
}

impl SegmentCollector for NearBestSegment {
    type Fruit = Vec<(Score, DocAddress)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.take(doc, score);
    }

    fn harvest(self) -> Self::Fruit {
        let floor = self.floor();
        let ordinal = self.ordinal;
        self.kept
            .into_iter()
            .filter(|(score, _)| *score >= floor)
            .map(|(score, doc)| (score, DocAddress::new(ordinal, doc)))
            .collect()
    }
}

impl Collector for NearBest {
    type Fruit = Vec<(Score, DocAddress)>;
    type Child = NearBestSegment;

    fn for_segment(
        &self,
        ordinal: SegmentOrdinal,
        _reader: &SegmentReader,
    ) -> tantivy::Result<NearBestSegment> {
        Ok(NearBestSegment::new(ordinal, self.limit))
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(
        &self,
        fruits: Vec<Vec<(Score, DocAddress)>>,
    ) -> tantivy::Result<Vec<(Score, DocAddress)>> {
        let mut all: Vec<(Score, DocAddress)> = fruits.into_iter().flatten().collect();
        keep_near_best(&mut all, self.limit);
        all.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
        Ok(all)
    }

    /// As tantivy's top-k collects: the floor goes back to the query, which skips what
    /// cannot reach it. Deleted documents are passed over.
    fn collect_segment(
        &self,
        weight: &dyn Weight,
        ordinal: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Vec<(Score, DocAddress)>> {
        let mut segment = self.for_segment(ordinal, reader)?;
        let alive = reader.alive_bitset();
        weight.for_each_pruning(Score::MIN, reader, &mut |doc, score| {
            if alive.is_some_and(|a| a.is_deleted(doc)) {
                return segment.threshold();
            }
            segment.take(doc, score)
        })?;
        Ok(segment.harvest())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What should be kept of `scores` (document = index): the `limit`-th best score's
    /// neighbourhood and everything above it.
    fn expected(scores: &[f32], limit: usize) -> Vec<DocId> {
        let mut sorted = scores.to_vec();
        sorted.sort_by(|a, b| b.total_cmp(a));
        let Some(&cut) = sorted.get(limit.saturating_sub(1)).filter(|_| limit > 0) else {
            return if limit == 0 {
                vec![]
            } else {
                (0..scores.len() as DocId).collect()
            };
        };
        (0..scores.len() as DocId)
            .filter(|&d| scores[d as usize] >= floor(cut))
            .collect()
    }

    proptest! {
        /// Fed as a plain scan feeds it, and as block-WAND does (only what beats the
        /// threshold), a segment keeps exactly the best and their near ties.
        #[test]
        fn a_segment_keeps_the_best_and_their_near_ties(
            raw in proptest::collection::vec(0u8..12, 0..400),
            limit in 0usize..80,
        ) {
            // Few distinct scores, so ties are many; some a hair apart.
            let scores: Vec<f32> = raw
                .iter()
                .map(|&r| (1.0 + f32::from(r / 2)) * if r % 2 == 1 { 1.0 + 4e-7 } else { 1.0 })
                .collect();
            let want = expected(&scores, limit);
            for pruned in [false, true] {
                let mut s = NearBestSegment::new(0, limit);
                let mut threshold = Score::MIN;
                for (doc, &score) in scores.iter().enumerate() {
                    if !pruned || score > threshold {
                        threshold = s.take(doc as DocId, score);
                    }
                }
                let mut got: Vec<DocId> = s.harvest().into_iter().map(|(_, a)| a.doc_id).collect();
                got.sort_unstable();
                prop_assert_eq!(&got, &want, "pruned: {}", pruned);
            }
            let mut all: Vec<(Score, DocId)> =
                scores.iter().enumerate().map(|(d, &s)| (s, d as DocId)).collect();
            keep_near_best(&mut all, limit);
            let mut got: Vec<DocId> = all.into_iter().map(|(_, d)| d).collect();
            got.sort_unstable();
            prop_assert_eq!(got, want);
        }
    }
}
