//! A range within one article (byte offsets into its file, or positions in one of its
//! lists) kept in 32 bits: files are at most `corpus::MAX_FILE_BYTES`, and a large corpus keeps
//! millions of such ranges.

use std::ops::Range;

use serde::{Deserialize, Serialize};

/// A range in 8 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Span {
    start: u32,
    end: u32,
}

impl Span {
    pub fn new(r: Range<usize>) -> Span {
        Span {
            start: small(r.start),
            end: small(r.end),
        }
    }
    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// An offset, count or position within one article, in 32 bits.
pub fn small(n: usize) -> u32 {
    const _: () = assert!(crate::corpus::MAX_FILE_BYTES <= u32::MAX as u64);
    u32::try_from(n).expect("article offsets fit in 32 bits")
}
