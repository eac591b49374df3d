//! The transport-agnostic reply: blocks of text with emphasis and citation markers,
//! citations pointing at exact bytes of corpus files, and structured items.

mod render;

pub use render::{
    MARKDOWN_LIMIT, Paged, html_pages, html_plain_pages, markdown_pages, plain_pages, render_html,
    render_markdown, render_plain, to_json,
};

use std::collections::HashMap;

use serde::Serialize;

/// A piece of inline text.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text(String),
    /// The answer span or a matched search word.
    Strong(String),
    /// Secondary emphasis: titles, notes.
    Em(String),
    /// A file name, command or other literal.
    Code(String),
    /// Citation markers, rendered as `[1][2]`.
    Cite(Vec<usize>),
}

/// A block of the reply, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A bold line that opens the reply or a group.
    Heading(Vec<Inline>),
    Para(Vec<Inline>),
    /// Verbatim text from the corpus (possibly shortened for display), with its markers.
    Quote(Vec<Inline>),
    Bullet(Vec<Inline>),
    /// A small note: further hits, truncation, hints.
    Note(Vec<Inline>),
}

/// One cited excerpt: exactly the bytes `[start, end)` of `doc`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Citation {
    pub n: usize,
    pub doc: String,
    pub title: String,
    pub date: Option<String>,
    pub url: Option<String>,
    pub excerpt: String,
    pub start: usize,
    pub end: usize,
}

/// The structured result of a command, one per entry (CONTRACT.md).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Item {
    Ask {
        answer: String,
        cite: usize,
    },
    Search {
        doc: String,
        score: f32,
        cite: usize,
    },
    Timeline {
        date: String,
        event: String,
        cite: usize,
    },
    Who {
        name: String,
        kind: String,
        role: Option<String>,
        aliases: Vec<String>,
        mentions: usize,
        cites: Vec<usize>,
    },
    Source {
        doc: String,
        title: String,
        date: Option<String>,
        url: Option<String>,
        publisher: Option<String>,
    },
    Digest {
        title: String,
        date: Option<String>,
        docs: Vec<String>,
        cite: usize,
    },
}

/// What every front end renders.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The command's name as in CONTRACT.md ("ask", "search", ..., "help", "unknown").
    pub command: &'static str,
    /// The user's argument text after sanitising.
    pub query: String,
    pub blocks: Vec<Block>,
    /// Added only through `cite`, which keeps `cited` in step.
    pub citations: Vec<Citation>,
    pub items: Vec<Item>,
    cited: CitedRanges,
}

/// Where each cited byte range sits in `Answer::citations`, so that citing stays constant
/// time in replies with thousands of citations (a timeline). Derived from the citations, so
/// it never makes two answers differ.
#[derive(Debug, Clone, Default)]
struct CitedRanges(HashMap<(usize, usize), Vec<usize>>);

impl PartialEq for CitedRanges {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Answer {
    pub fn new(command: &'static str, query: impl Into<String>) -> Self {
        Answer {
            command,
            query: query.into(),
            blocks: Vec::new(),
            citations: Vec::new(),
            items: Vec::new(),
            cited: CitedRanges::default(),
        }
    }

    /// Adds a citation and returns its number. The same bytes cited twice get one number.
    pub fn cite(&mut self, citation: CitationSource<'_>) -> usize {
        let key = (citation.range.start, citation.range.end);
        let at = self.cited.0.entry(key).or_default();
        if let Some(c) = at
            .iter()
            .map(|&i| &self.citations[i])
            .find(|c| c.doc == citation.doc)
        {
            return c.n;
        }
        at.push(self.citations.len());
        let n = self.citations.len() + 1;
        self.citations.push(Citation {
            n,
            doc: citation.doc.to_string(),
            title: citation.title.to_string(),
            date: citation.date,
            url: citation.url.map(str::to_string),
            excerpt: citation.text[citation.range.clone()].to_string(),
            start: citation.range.start,
            end: citation.range.end,
        });
        n
    }

    pub fn push(&mut self, block: Block) {
        self.blocks.push(block);
    }
}

/// Everything needed to cite a byte range of an article.
pub struct CitationSource<'a> {
    pub doc: &'a str,
    pub title: &'a str,
    pub date: Option<String>,
    pub url: Option<&'a str>,
    /// The whole file's text, so that the excerpt is sliced from the real bytes.
    pub text: &'a str,
    pub range: std::ops::Range<usize>,
}

/// Shorthand constructors that keep command code readable.
pub fn text(s: impl Into<String>) -> Inline {
    Inline::Text(s.into())
}
pub fn strong(s: impl Into<String>) -> Inline {
    Inline::Strong(s.into())
}
pub fn em(s: impl Into<String>) -> Inline {
    Inline::Em(s.into())
}
pub fn code(s: impl Into<String>) -> Inline {
    Inline::Code(s.into())
}

/// Replaces each run of whitespace (line breaks included) with one space.
pub fn fold_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Copied a run at a time between the spaces.
    let mut rest = s;
    while let Some(i) = rest.find(char::is_whitespace) {
        out.push_str(&rest[..i]);
        out.push(' ');
        rest = rest[i..].trim_start_matches(char::is_whitespace);
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_runs_of_any_kind_fold_to_one_space() {
        // As first written: a char at a time.
        let by_chars = |s: &str| {
            let mut out = String::new();
            let mut in_space = false;
            for ch in s.chars() {
                if !ch.is_whitespace() {
                    out.push(ch);
                } else if !in_space {
                    out.push(' ');
                }
                in_space = ch.is_whitespace();
            }
            out
        };
        let pieces = [
            "a", "é", "東京", " ", "  ", "\t", "\n\r\n", "\u{a0}", "\u{2009}", "\u{3000}", "—",
        ];
        let mut rng = crate::synth::Rng::new(3);
        for _ in 0..5000 {
            let s: String = (0..rng.below(9))
                .map(|_| pieces[rng.below(pieces.len())])
                .collect();
            assert_eq!(fold_whitespace(&s), by_chars(&s), "{s:?}");
        }
        assert_eq!(fold_whitespace(" a \u{a0}\n b\t"), " a b ");
    }

    #[test]
    fn same_bytes_cited_twice_get_one_number() {
        let text = "One two three four five six seven.";
        // Same range in different files, different ranges in one file, and repeats.
        let cites = [
            ("a.txt", 0..3),
            ("b.txt", 0..3),
            ("a.txt", 4..7),
            ("a.txt", 0..3),
            ("c.txt", 4..7),
            ("b.txt", 0..3),
            ("a.txt", 0..7),
            ("c.txt", 4..7),
        ];
        let mut answer = Answer::new("timeline", "");
        let numbers: Vec<usize> = cites
            .iter()
            .map(|(doc, range)| {
                answer.cite(CitationSource {
                    doc,
                    title: "t",
                    date: None,
                    url: None,
                    text,
                    range: range.clone(),
                })
            })
            .collect();
        // The straightforward numbering: the position of the first equal citation.
        let mut first: Vec<(&str, std::ops::Range<usize>)> = Vec::new();
        let expected: Vec<usize> = cites
            .iter()
            .map(
                |(doc, range)| match first.iter().position(|c| c == &(*doc, range.clone())) {
                    Some(i) => i + 1,
                    None => {
                        first.push((doc, range.clone()));
                        first.len()
                    }
                },
            )
            .collect();
        assert_eq!(numbers, expected);
        assert_eq!(numbers, [1, 2, 3, 1, 4, 2, 5, 4]);
        assert_eq!(answer.citations.len(), 5);
        for c in &answer.citations {
            assert_eq!(c.excerpt, text[c.start..c.end]);
        }
    }
}
