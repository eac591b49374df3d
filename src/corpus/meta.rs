//! Article metadata read from the text: title, date, referenced URLs and publisher.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::clean::{Block, BlockKind};
use crate::nlp::dates::{self, DateValue};
use crate::strings;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Meta {
    pub title: String,
    /// True when the file has no headline and the title is a label made from the lead.
    pub title_derived: bool,
    pub date: Option<DateValue>,
    pub urls: Vec<String>,
    /// Who published the text, where it says so ("originally published by ...").
    pub publisher: Option<String>,
    /// The site the page was scraped from, where a copyright line names it.
    pub site: Option<String>,
}

static URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"https?://[^\s<>"'()\[\]{}]+"#).expect("static regex"));
/// A line that labels the article's own date: "Last updated: ...", "Published ...", "Posted on ...".
static DATE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:last\s+updated|updated|published(?:\s+on)?|posted(?:\s+on)?|first\s+published|date)\b\s*:?\s*(.+)$")
        .expect("static regex")
});
/// Searched in the whole text: an ASCII `\b`, which regex's fast DFA runs over any text (a
/// Unicode one makes it give up at the first curly quote, and the rest of the article is
/// searched by the slow engine).
static PUBLISHED_BY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:originally\s+)?(?:published|appeared)\s+(?:first\s+)?(?:by|in|on)\s+((?:The\s+)?[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*){0,4})")
        .expect("static regex")
});
static COPYRIGHT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:©|\(c\)|copyright)\s*(?:\d{4}\s*(?:[-–]\s*\d{4})?\s*)?([A-Za-z][\w.-]*(?:\s+[A-Z][\w.-]*){0,3})")
        .expect("static regex")
});

/// Reads the metadata of one cleaned file. `lead` is the first body sentence, used for a
/// derived title when the page has no headline.
pub fn read(
    text: &str,
    blocks: &[Block],
    headline: Option<Range<usize>>,
    lead: Option<Range<usize>>,
) -> Meta {
    let (title, title_derived) = match (&headline, &lead) {
        (Some(h), _) => (text[h.clone()].trim().to_string(), false),
        (None, Some(l)) => (label_from_lead(&text[l.clone()]), true),
        (None, None) => (String::new(), true),
    };
    let lower = text.to_ascii_lowercase();
    Meta {
        title,
        title_derived,
        date: article_date(text, blocks, headline.as_ref()),
        urls: urls(text),
        publisher: publisher(text, &lower),
        site: site(text, &lower),
    }
}

/// Who first published the text ("Originally published by The Times"). `lower` is the text
/// in ASCII lower case: the pattern's words are looked for there first, since a pattern
/// that ignores case has too many spellings for regex to look for them itself, and it
/// reads the whole text otherwise. A long s ('ſ') is an 's' to `(?i)`, so it sends the
/// search on.
fn publisher(text: &str, lower: &str) -> Option<String> {
    let may = lower.contains("published") || lower.contains("appeared") || text.contains('ſ');
    may.then(|| named_by(&PUBLISHED_BY, text)).flatten()
}

/// The site a copyright line names ("© 2024 Example News"); `lower` as for `publisher`.
fn site(text: &str, lower: &str) -> Option<String> {
    let may = text.contains('©') || lower.contains("(c)") || lower.contains("copyright");
    may.then(|| named_by(&COPYRIGHT, text)).flatten()
}

/// The name `pattern`'s first group takes in `text`, without its closing punctuation.
fn named_by(pattern: &Regex, text: &str) -> Option<String> {
    pattern
        .captures(text)
        .map(|c| c[1].trim_end_matches(['.', ':', ',']).to_string())
}

/// The article's own date: an explicit label wins; then a dated URL in the text; then a bare
/// date line right beside the headline (a dateline). A date line elsewhere on the page, such as
/// a site header's "today", is never used, and neither is a guess.
fn article_date(
    text: &str,
    blocks: &[Block],
    headline: Option<&Range<usize>>,
) -> Option<DateValue> {
    for b in blocks {
        let block = &text[b.range()];
        if may_start_a_label(block)
            && let Some(c) = DATE_LABEL.captures(block)
            && let Some(d) = dates::parse_date_label(&c[1])
        {
            return Some(d);
        }
    }
    if let Some(d) = URL
        .find_iter(text)
        .find_map(|m| dates::date_from_url(m.as_str()))
    {
        return Some(d);
    }
    let h = headline?;
    let at = blocks.iter().position(|b| b.range() == *h)?;
    let near = blocks[at.saturating_sub(2)..(at + 3).min(blocks.len())].iter();
    near.filter(|b| b.kind == BlockKind::Boilerplate && b.range().len() < 60)
        .find_map(|b| dates::parse_date_label(&text[b.range()]))
}

/// Whether `block` starts, after spaces, with a letter that one of `DATE_LABEL`'s words
/// starts with. The pattern is anchored at the start, but it ends with `$`, so regex
/// searches it backwards from the end: through the whole of every block before it fails.
fn may_start_a_label(block: &str) -> bool {
    block
        .trim_start()
        .starts_with(|c: char| matches!(c.to_ascii_lowercase(), 'l' | 'u' | 'p' | 'f' | 'd'))
}

fn urls(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for m in URL.find_iter(text) {
        let u = m
            .as_str()
            .trim_end_matches(['.', ',', ';', ':', '!', '?'])
            .to_string();
        if !out.contains(&u) {
            out.push(u);
        }
    }
    out
}

/// A short label from the lead sentence: an opening circumstance ("At a meeting in Brussels, ")
/// is skipped so the label starts with who did what.
fn label_from_lead(lead: &str) -> String {
    const OPENERS: &[&str] = &[
        "at ",
        "in ",
        "on ",
        "after ",
        "during ",
        "following ",
        "amid ",
        "as ",
        "despite ",
        "with ",
    ];
    let lower = lead.to_lowercase();
    let mut s = lead;
    if OPENERS.iter().any(|o| lower.starts_with(o))
        && let Some(comma) = lead.find(", ")
        && lead[..comma].split_whitespace().count() <= 12
    {
        s = &lead[comma + 2..];
    }
    strings::shorten(s.trim(), 70)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::clean::BlockKind;

    fn blocks_of(text: &str) -> Vec<Block> {
        let mut out = Vec::new();
        let mut pos = 0;
        for line in text.split_inclusive('\n') {
            let t = line.trim();
            if !t.is_empty() {
                let lead = line.len() - line.trim_start().len();
                out.push(Block::new(
                    pos + lead..pos + lead + t.len(),
                    BlockKind::Boilerplate,
                    "test",
                ));
            }
            pos += line.len();
        }
        out
    }

    use proptest::prelude::*;

    proptest! {
        /// The words looked for first do not hide a publisher or a site the patterns find.
        #[test]
        fn publisher_and_site_are_what_the_patterns_find(
            parts in prop::collection::vec(
                prop_oneof![
                    prop::sample::select(vec![
                        "Originally published by The Times.", "PUBLISHED IN Reuters", "publiſhed in Foo",
                        "appeared first on Bar News", "APPEARED in", "© 2024 Example News", "(C) Acme",
                        "(c) 2019-2024 Globe", "COPYRIGHT Daily Star", "Copyright", "published",
                        "K", "ſ", "\n", " ", ".",
                    ]).prop_map(str::to_string),
                    "[A-Za-z ©()ſ.,:-]{0,12}",
                ],
                0..8,
            )
        ) {
            let text = parts.concat();
            let lower = text.to_ascii_lowercase();
            prop_assert_eq!(publisher(&text, &lower), named_by(&PUBLISHED_BY, &text));
            prop_assert_eq!(site(&text, &lower), named_by(&COPYRIGHT, &text));
        }
    }

    /// The shortcut passes every block the label pattern matches: all of the words' first
    /// letters in every case `(?i)` matches, after any run of spaces.
    #[test]
    fn the_label_shortcut_passes_every_label() {
        let first = Regex::new(r"(?i)^(?:l|u|p|f|d)").unwrap();
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            let s = c.to_string();
            assert_eq!(may_start_a_label(&s), first.is_match(&s), "{c:?}");
        }
        let words = [
            "Last updated",
            "LAST  UPDATED",
            "updated",
            "Published on",
            "PUBLISHED",
            "posted",
            "Posted On",
            "first published",
            "Date",
            "date",
        ];
        for word in words {
            for lead in ["", " ", "\t", "\u{a0}", "\u{2003} \u{3000}"] {
                for tail in [": July 9, 2025", " 9 July 2025", ":2025-07-09"] {
                    let block = format!("{lead}{word}{tail}");
                    assert!(DATE_LABEL.is_match(&block), "{block:?}");
                    assert!(may_start_a_label(&block), "{block:?}");
                }
            }
        }
        assert!(!may_start_a_label("The minister said on Friday."));
        assert!(!may_start_a_label(" \u{a0}"));
    }

    #[test]
    fn label_beats_scrape_date_and_url() {
        let text = "Friday, 19 Sep 2025\nHeadline here\nLast updated: July 12, 2025 12:55 am\nSee https://x.com/2024/01/02/y\n";
        let blocks = blocks_of(text);
        let m = read(text, &blocks, Some(blocks[1].range()), None);
        assert_eq!(m.date.map(|d| d.to_string()), Some("2025-07-12".into()));
        assert_eq!(m.title, "Headline here");
        assert!(!m.title_derived);
    }

    #[test]
    fn dated_url_when_no_label() {
        let text = "Title\nBody.\n[1] https://www.politico.com/newsletters/x/2025/07/14/making-sense-00452001\n";
        let blocks = blocks_of(text);
        let m = read(text, &blocks, None, None);
        assert_eq!(m.date.map(|d| d.to_string()), Some("2025-07-14".into()));
        assert_eq!(
            m.urls,
            vec!["https://www.politico.com/newsletters/x/2025/07/14/making-sense-00452001"]
        );
    }

    #[test]
    fn far_date_line_is_not_the_article_date() {
        let text = "Friday, 19 Sep 2025\nMenu\nMenu two\nMenu three\nMenu four\nThe Headline\nBody text.\n";
        let blocks = blocks_of(text);
        let m = read(text, &blocks, Some(blocks[5].range()), None);
        assert_eq!(m.date, None);
    }

    #[test]
    fn dateline_beside_headline_counts() {
        let text = "The Headline\n3 March 2024\nBody text.\n";
        let blocks = blocks_of(text);
        let m = read(text, &blocks, Some(blocks[0].range()), None);
        assert_eq!(m.date.map(|d| d.to_string()), Some("2024-03-03".into()));
    }

    #[test]
    fn publisher_and_site() {
        let text = "© 2024 americanfocus.online – All Rights Reserved.\nThis article was originally published\u{a0}by The Epoch Times: Why Trump\n";
        let m = read(text, &blocks_of(text), None, None);
        assert_eq!(m.publisher.as_deref(), Some("The Epoch Times"));
        assert_eq!(m.site.as_deref(), Some("americanfocus.online"));
    }

    #[test]
    fn derived_label_skips_opening_circumstance() {
        let lead = "At a NATO Defense Ministerial meeting in Brussels, U.S. Defense Secretary Pete Hegseth stated that “everything is on the table” regarding negotiations.";
        let label = label_from_lead(lead);
        assert!(
            label.starts_with("U.S. Defense Secretary Pete Hegseth"),
            "{label}"
        );
        assert!(label.chars().count() <= 70);
    }
}
