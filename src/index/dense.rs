//! A plain query's matches in one segment as a bitset, worked out from its terms' postings
//! block by block. A common word is in a quarter of all passages' neighbours: intersecting
//! unions of such lists document by document (tantivy's way, which also scores) costs
//! several times more than setting their bits and ANDing the sets, when every match is to
//! be counted anyway.

use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, SegmentReader, Term};

/// What a query matches: a passage with a term of every group, and with none of `none`.
/// No group at all matches nothing (as a query of only excluded words).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TermGroups {
    pub all: Vec<Vec<Term>>,
    pub none: Vec<Term>,
}

/// A set of one segment's documents, one bit each.
#[derive(Debug, Clone, PartialEq)]
pub struct DocBits(Vec<u64>);

impl DocBits {
    fn empty(max_doc: DocId) -> DocBits {
        DocBits(vec![0; (max_doc as usize).div_ceil(64)])
    }

    pub fn contains(&self, doc: DocId) -> bool {
        let (word, bit) = (doc as usize / 64, doc % 64);
        self.0.get(word).is_some_and(|w| w >> bit & 1 == 1)
    }

    fn set(&mut self, docs: &[DocId], on: bool) {
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

    fn and(&mut self, other: &DocBits) {
        for (w, o) in self.0.iter_mut().zip(&other.0) {
            *w &= o;
        }
    }

    fn is_empty(&self) -> bool {
        self.0.iter().all(|&w| w == 0)
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
fn for_each_block(
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
    pub fn matches(&self, reader: &SegmentReader) -> tantivy::Result<DocBits> {
        let max_doc = reader.max_doc();
        let mut found: Option<DocBits> = None;
        for group in &self.all {
            let mut bits = DocBits::empty(max_doc);
            for term in group {
                for_each_block(reader, term, |docs| bits.set(docs, true))?;
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
