//! Boilerplate removal (stand-in: every line is body).
use std::collections::HashSet;
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BlockKind {
    Body,
    Heading,
    Boilerplate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub range: Range<usize>,
    pub kind: BlockKind,
    pub reason: &'static str,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cleaned {
    pub blocks: Vec<Block>,
    pub headline: Option<Range<usize>>,
}

pub fn clean(text: &str, _shared_lines: &HashSet<String>) -> Cleaned {
    let mut blocks = Vec::new();
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if !t.is_empty() {
            let lead = line.len() - line.trim_start().len();
            blocks.push(Block {
                range: pos + lead..pos + lead + t.len(),
                kind: BlockKind::Body,
                reason: "stand-in",
            });
        }
        pos += line.len();
    }
    Cleaned {
        blocks,
        headline: None,
    }
}

pub fn line_key(line: &str) -> Option<String> {
    let t = line.trim();
    (t.len() < 80).then(|| t.to_lowercase())
}
