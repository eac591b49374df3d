//! Renderers of one `Answer`: plain text (terminal), Markdown (Discord, JSON `text`), HTML (Matrix), JSON (CONTRACT.md).

use super::{Answer, Block, Inline};
use crate::strings;

/// Discord's embed description limit, also the contract's limit on `text`.
pub const MARKDOWN_LIMIT: usize = 4096;

/// Markup of one output format.
trait Markup {
    fn escape(&self, s: &str) -> String;
    fn strong(&self, s: &str) -> String;
    fn em(&self, s: &str) -> String;
    fn code(&self, s: &str) -> String;
    fn block(&self, block: &Block, inner: String) -> String;
    fn separator(&self) -> &'static str;
}

struct Plain {
    ansi: bool,
}

impl Markup for Plain {
    fn escape(&self, s: &str) -> String {
        s.to_string()
    }
    fn strong(&self, s: &str) -> String {
        if self.ansi {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn em(&self, s: &str) -> String {
        s.to_string()
    }
    fn code(&self, s: &str) -> String {
        s.to_string()
    }
    fn block(&self, block: &Block, inner: String) -> String {
        match block {
            Block::Heading(_) => self.strong(&inner),
            Block::Para(_) => inner,
            Block::Quote(_) => format!("  > {inner}"),
            Block::Bullet(_) => format!("  - {inner}"),
            Block::Note(_) => format!("  ({inner})"),
        }
    }
    fn separator(&self) -> &'static str {
        "\n"
    }
}

struct Markdown;

impl Markup for Markdown {
    fn escape(&self, s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        for ch in s.chars() {
            if matches!(
                ch,
                '\\' | '*' | '_' | '~' | '`' | '|' | '[' | ']' | '<' | '>'
            ) {
                out.push('\\');
            }
            out.push(ch);
        }
        defuse_mentions(&out)
    }
    fn strong(&self, s: &str) -> String {
        format!("**{}**", self.escape(s))
    }
    fn em(&self, s: &str) -> String {
        format!("*{}*", self.escape(s))
    }
    fn code(&self, s: &str) -> String {
        format!("`{}`", s.replace('`', "'"))
    }
    fn block(&self, block: &Block, inner: String) -> String {
        match block {
            Block::Heading(_) => format!("**{inner}**"),
            Block::Para(_) => inner,
            Block::Quote(_) => format!("> {inner}"),
            Block::Bullet(_) => format!("- {inner}"),
            Block::Note(_) => format!("-# {inner}"),
        }
    }
    fn separator(&self) -> &'static str {
        "\n"
    }
}

struct Html;

impl Markup for Html {
    fn escape(&self, s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        for ch in s.chars() {
            match ch {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#39;"),
                _ => out.push(ch),
            }
        }
        defuse_mentions(&out)
    }
    fn strong(&self, s: &str) -> String {
        format!("<strong>{}</strong>", self.escape(s))
    }
    fn em(&self, s: &str) -> String {
        format!("<em>{}</em>", self.escape(s))
    }
    fn code(&self, s: &str) -> String {
        format!("<code>{}</code>", self.escape(s))
    }
    fn block(&self, block: &Block, inner: String) -> String {
        match block {
            Block::Heading(_) => format!("<p><strong>{inner}</strong></p>"),
            Block::Para(_) => format!("<p>{inner}</p>"),
            Block::Quote(_) => format!("<blockquote>{inner}</blockquote>"),
            Block::Bullet(_) => format!("<ul><li>{inner}</li></ul>"),
            Block::Note(_) => format!("<p><sub>{inner}</sub></p>"),
        }
    }
    fn separator(&self) -> &'static str {
        "\n"
    }
}

/// Breaks `@everyone`, `@here`, `@room` and `<@id>` so quoted text can never ping anyone,
/// whatever the platform's own mention settings are.
fn defuse_mentions(s: &str) -> String {
    if !s.contains('@') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for ch in s.chars() {
        out.push(ch);
        if ch == '@' {
            out.push('\u{200B}');
        }
    }
    out
}

fn inlines(m: &dyn Markup, parts: &[Inline]) -> String {
    let mut out = String::new();
    for part in parts {
        match part {
            Inline::Text(s) => out.push_str(&m.escape(s)),
            Inline::Strong(s) => out.push_str(&m.strong(s)),
            Inline::Em(s) => out.push_str(&m.em(s)),
            Inline::Code(s) => out.push_str(&m.code(s)),
            Inline::Cite(ns) => {
                for n in ns {
                    out.push_str(&format!("[{n}]"));
                }
            }
        }
    }
    out
}

fn block_parts(block: &Block) -> &[Inline] {
    match block {
        Block::Heading(p)
        | Block::Para(p)
        | Block::Quote(p)
        | Block::Bullet(p)
        | Block::Note(p) => p,
    }
}

fn cited_numbers(blocks: &[Block]) -> Vec<usize> {
    let mut ns = Vec::new();
    for b in blocks {
        for part in block_parts(b) {
            if let Inline::Cite(list) = part {
                for n in list {
                    if !ns.contains(n) {
                        ns.push(*n);
                    }
                }
            }
        }
    }
    ns
}

/// The "Sources" lines: one per cited file, with all its citation numbers.
fn sources(m: &dyn Markup, answer: &Answer, numbers: &[usize]) -> Vec<String> {
    let mut by_doc: Vec<(&str, Vec<usize>)> = Vec::new();
    for n in numbers {
        let Some(c) = answer.citations.iter().find(|c| c.n == *n) else {
            continue;
        };
        match by_doc.iter_mut().find(|(doc, _)| *doc == c.doc) {
            Some((_, ns)) => ns.push(*n),
            None => by_doc.push((&c.doc, vec![*n])),
        }
    }
    by_doc
        .into_iter()
        .map(|(doc, ns)| {
            let c = answer
                .citations
                .iter()
                .find(|c| c.doc == doc)
                .expect("doc listed from citations");
            let marks: String = ns.iter().map(|n| format!("[{n}]")).collect();
            let date = c.date.as_deref().unwrap_or(strings::UNDATED);
            let title = strings::shorten(&c.title, 90);
            let line = format!("{marks} {} ({date}) {}", m.em(&title), m.code(doc));
            m.block(&Block::Para(Vec::new()), line)
        })
        .collect()
}

/// Renders with a size limit: whole blocks are kept in order until the limit, then a note
/// says how many were left out; the sources list names only what the kept blocks cite.
fn render(m: &dyn Markup, answer: &Answer, limit: usize) -> String {
    let rendered: Vec<String> = answer
        .blocks
        .iter()
        .map(|b| m.block(b, inlines(m, block_parts(b))))
        .collect();
    let sep = m.separator();
    let mut kept = answer.blocks.len();
    loop {
        let numbers = cited_numbers(&answer.blocks[..kept]);
        let mut lines: Vec<String> = rendered[..kept].to_vec();
        if kept < answer.blocks.len() {
            let note = Block::Note(vec![Inline::Text(strings::blocks_left_out(
                answer.blocks.len() - kept,
            ))]);
            lines.push(m.block(&note, inlines(m, block_parts(&note))));
        }
        if !numbers.is_empty() {
            lines.push(m.block(&Block::Heading(Vec::new()), m.escape(strings::SOURCES)));
            lines.extend(sources(m, answer, &numbers));
        }
        let out = lines.join(sep);
        if out.chars().count() <= limit || kept == 0 {
            return truncate_chars(out, limit);
        }
        kept -= 1;
    }
}

fn truncate_chars(s: String, limit: usize) -> String {
    match s.char_indices().nth(limit) {
        Some((i, _)) => {
            let mut cut = s[..i].to_string();
            cut.pop();
            cut.push('…');
            cut
        }
        None => s,
    }
}

/// Splits blocks into entries: a heading, paragraph or bullet starts one; the quotes and
/// notes under it belong to it, so a page never separates a date from its events.
fn entries(blocks: &[Block]) -> Vec<std::ops::Range<usize>> {
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    for (i, b) in blocks.iter().enumerate() {
        let starts = matches!(b, Block::Heading(_) | Block::Para(_) | Block::Bullet(_));
        match out.last_mut() {
            Some(last) if !starts => last.end = i + 1,
            _ => out.push(i..i + 1),
        }
    }
    out
}

/// Pages of whole entries, each within `limit` characters with its own sources and a
/// "page k of n" line. One page when everything fits.
fn paginate(m: &dyn Markup, answer: &Answer, limit: usize) -> Vec<String> {
    page_answers(m, answer, limit)
        .iter()
        .map(|page| render(m, page, limit))
        .collect()
}

/// The pages of `paginate` as answers of their own, cut where `m` overflows `limit`.
fn page_answers(m: &dyn Markup, answer: &Answer, limit: usize) -> Vec<Answer> {
    const FOOTER_RESERVE: usize = 40;
    let budget = limit.saturating_sub(FOOTER_RESERVE);
    let page_of = |blocks: &[Block]| Answer {
        blocks: blocks.to_vec(),
        ..answer.clone()
    };
    let fits = |blocks: &[Block]| render(m, &page_of(blocks), usize::MAX).chars().count() <= budget;
    let mut pages: Vec<Vec<Block>> = Vec::new();
    let mut current: Vec<Block> = Vec::new();
    for entry in entries(&answer.blocks) {
        let mut candidate = current.clone();
        candidate.extend_from_slice(&answer.blocks[entry.clone()]);
        if current.is_empty() || fits(&candidate) {
            current = candidate;
        } else {
            pages.push(std::mem::take(&mut current));
            current = answer.blocks[entry].to_vec();
        }
    }
    if !current.is_empty() || pages.is_empty() {
        pages.push(current);
    }
    let total = pages.len();
    pages
        .into_iter()
        .enumerate()
        .map(|(i, blocks)| {
            let mut page = page_of(&blocks);
            if total > 1 {
                page.blocks
                    .push(Block::Note(vec![Inline::Text(strings::page_of(
                        i + 1,
                        total,
                    ))]));
            }
            page
        })
        .collect()
}

/// Discord-flavoured Markdown pages, each within `limit` characters.
pub fn markdown_pages(answer: &Answer, limit: usize) -> Vec<String> {
    paginate(&Markdown, answer, limit)
}

/// Matrix HTML pages, each within `limit` characters of HTML.
pub fn html_pages(answer: &Answer, limit: usize) -> Vec<String> {
    paginate(&Html, answer, limit)
}

/// Plain-text pages (Matrix's `body` beside the HTML), each within `limit` characters.
pub fn plain_pages(answer: &Answer, limit: usize) -> Vec<String> {
    paginate(&Plain { ansi: false }, answer, limit)
}

/// Matrix pages as (HTML `formatted_body`, plain `body`) pairs that hold the same entries:
/// the HTML, always the longer, decides where pages break and stays within `limit`.
pub fn html_plain_pages(answer: &Answer, limit: usize) -> Vec<(String, String)> {
    page_answers(&Html, answer, limit)
        .iter()
        .map(|page| {
            (
                render(&Html, page, limit),
                render(&Plain { ansi: false }, page, limit),
            )
        })
        .collect()
}

/// Terminal text; `ansi` turns on bold for answer spans.
pub fn render_plain(answer: &Answer, ansi: bool) -> String {
    render(&Plain { ansi }, answer, usize::MAX)
}

/// Discord-flavoured Markdown within `limit` characters.
pub fn render_markdown(answer: &Answer, limit: usize) -> String {
    render(&Markdown, answer, limit)
}

/// Matrix `formatted_body` HTML.
pub fn render_html(answer: &Answer) -> String {
    render(&Html, answer, usize::MAX)
}

/// The `query --json` object of CONTRACT.md; `text` is the first page as chat shows it.
pub fn to_json(answer: &Answer) -> serde_json::Value {
    let text = markdown_pages(answer, MARKDOWN_LIMIT)
        .into_iter()
        .next()
        .unwrap_or_default();
    serde_json::json!({
        "command": answer.command,
        "query": answer.query,
        "text": text,
        "citations": answer.citations,
        "items": answer.items,
    })
}

#[cfg(test)]
mod tests {
    use super::super::Block;
    use super::*;
    use crate::answer::{Answer, CitationSource, Item, code, strong, text};

    fn sample() -> Answer {
        let file = "Intro. Kremlin spokesman Dmitry Peskov spoke. @everyone *stars*";
        let mut a = Answer::new("ask", "Who is the Kremlin spokesman?");
        let n = a.cite(CitationSource {
            doc: "001.txt",
            title: "Title_one",
            date: Some("2025-07-12".into()),
            url: None,
            text: file,
            range: 7..45,
        });
        a.push(Block::Quote(vec![
            text("Kremlin spokesman "),
            strong("Dmitry Peskov"),
            text(" spoke."),
            Inline::Cite(vec![n]),
        ]));
        a.push(Block::Note(vec![text("@everyone *stars* "), code("x_y")]));
        a.items.push(Item::Ask {
            answer: "Kremlin spokesman Dmitry Peskov spoke.".into(),
            cite: n,
        });
        a
    }

    #[test]
    fn markdown_is_exact() {
        let md = render_markdown(&sample(), MARKDOWN_LIMIT);
        assert_eq!(
            md,
            "> Kremlin spokesman **Dmitry Peskov** spoke.[1]\n\
             -# @\u{200B}everyone \\*stars\\* `x_y`\n\
             **Sources**\n\
             [1] *Title\\_one* (2025-07-12) `001.txt`"
        );
    }

    #[test]
    fn plain_is_exact() {
        let plain = render_plain(&sample(), false);
        assert_eq!(
            plain,
            "  > Kremlin spokesman Dmitry Peskov spoke.[1]\n  (@everyone *stars* x_y)\nSources\n[1] Title_one (2025-07-12) 001.txt"
        );
    }

    #[test]
    fn html_escapes_and_defuses() {
        let html = render_html(&sample());
        assert!(html.starts_with(
            "<blockquote>Kremlin spokesman <strong>Dmitry Peskov</strong> spoke.[1]</blockquote>"
        ));
        assert!(html.contains("@\u{200B}everyone"));
        assert!(!html.contains("@everyone"));
    }

    #[test]
    fn json_follows_contract() {
        let v = to_json(&sample());
        assert_eq!(v["command"], "ask");
        assert_eq!(
            v["citations"][0]["excerpt"],
            "Kremlin spokesman Dmitry Peskov spoke."
        );
        assert_eq!(v["citations"][0]["start"], 7);
        assert_eq!(v["items"][0]["cite"], 1);
        assert!(v["citations"][0]["url"].is_null());
    }

    #[test]
    fn limit_drops_whole_blocks_and_says_so() {
        let mut a = sample();
        for _ in 0..200 {
            a.push(Block::Para(vec![text(
                "A long enough line of filler text to fill the reply.",
            )]));
        }
        let md = render_markdown(&a, MARKDOWN_LIMIT);
        assert!(md.chars().count() <= MARKDOWN_LIMIT);
        assert!(md.contains("more not shown"));
        assert!(md.ends_with("`001.txt`"), "sources survive the cut: {md}");
    }

    #[test]
    fn pages_keep_entries_whole_and_cite_their_own_sources() {
        let file = "A dated sentence about the harbour. ".repeat(200);
        let mut a = Answer::new("timeline", "");
        for d in 0..60 {
            a.push(Block::Para(vec![strong(format!(
                "2025-07-{:02}",
                d % 28 + 1
            ))]));
            let n = a.cite(CitationSource {
                doc: "h.txt",
                title: "Harbour",
                date: None,
                url: None,
                text: &file,
                range: d * 36..d * 36 + 35,
            });
            a.push(Block::Quote(vec![
                text("A dated sentence about the harbour."),
                Inline::Cite(vec![n]),
            ]));
        }
        let pages = markdown_pages(&a, 1000);
        assert!(pages.len() > 1);
        for (i, p) in pages.iter().enumerate() {
            assert!(
                p.chars().count() <= 1000,
                "page {i} is {} chars",
                p.chars().count()
            );
            assert!(p.contains(&format!("page {} of {}", i + 1, pages.len())));
            // Every quote on the page comes after its date line on the same page.
            let first_line = p.lines().next().unwrap();
            assert!(
                first_line.starts_with("**2025-07-"),
                "page {i} starts mid-entry: {first_line}"
            );
            assert!(p.contains("**Sources**"));
        }
        let all: usize = pages.iter().map(|p| p.matches("> A dated").count()).sum();
        assert_eq!(all, 60, "no entry lost between pages");
    }

    #[test]
    fn one_page_when_it_fits() {
        assert_eq!(
            markdown_pages(&sample(), MARKDOWN_LIMIT),
            vec![render_markdown(&sample(), MARKDOWN_LIMIT)]
        );
    }

    #[test]
    fn same_bytes_cited_once() {
        let mut a = sample();
        let again = a.cite(CitationSource {
            doc: "001.txt",
            title: "Title_one",
            date: None,
            url: None,
            text: "Intro. Kremlin spokesman Dmitry Peskov spoke. @everyone *stars*",
            range: 7..45,
        });
        assert_eq!(again, 1);
        assert_eq!(a.citations.len(), 1);
    }
}
