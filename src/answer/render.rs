//! Renderers of one `Answer`: plain text (terminal), Markdown (Discord, JSON `text`), HTML (Matrix), JSON (CONTRACT.md).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::{Answer, Block, Citation, Inline};
use crate::strings;

/// Discord's embed description limit, also the contract's limit on `text`.
pub const MARKDOWN_LIMIT: usize = 4096;

/// Markup of one output format. Each writes onto the end of `out`, so that sizing a long
/// timeline's pages block by block makes no string per piece.
trait Markup: Sync {
    fn escape(&self, s: &str, out: &mut String);
    fn strong(&self, s: &str, out: &mut String);
    fn em(&self, s: &str, out: &mut String);
    fn code(&self, s: &str, out: &mut String);
    /// What goes before and after a block's text.
    fn wrap(&self, block: &Block) -> (&'static str, &'static str);
    fn separator(&self) -> &'static str;

    /// `s` escaped between `open` and `close`.
    fn enclose(&self, open: &str, s: &str, close: &str, out: &mut String) {
        out.push_str(open);
        self.escape(s, out);
        out.push_str(close);
    }
}

struct Plain {
    ansi: bool,
}

impl Plain {
    fn bold(&self) -> (&'static str, &'static str) {
        if self.ansi {
            ("\x1b[1m", "\x1b[0m")
        } else {
            ("", "")
        }
    }
}

impl Markup for Plain {
    fn escape(&self, s: &str, out: &mut String) {
        out.push_str(s);
    }
    fn strong(&self, s: &str, out: &mut String) {
        let (open, close) = self.bold();
        self.enclose(open, s, close, out);
    }
    fn em(&self, s: &str, out: &mut String) {
        out.push_str(s);
    }
    fn code(&self, s: &str, out: &mut String) {
        out.push_str(s);
    }
    fn wrap(&self, block: &Block) -> (&'static str, &'static str) {
        match block {
            Block::Heading(_) => self.bold(),
            Block::Para(_) => ("", ""),
            Block::Quote(_) => ("  > ", ""),
            Block::Bullet(_) => ("  - ", ""),
            Block::Note(_) => ("  (", ")"),
        }
    }
    fn separator(&self) -> &'static str {
        "\n"
    }
}

struct Markdown;

impl Markup for Markdown {
    fn escape(&self, s: &str, out: &mut String) {
        out.reserve(s.len());
        for ch in s.chars() {
            if matches!(
                ch,
                '\\' | '*' | '_' | '~' | '`' | '|' | '[' | ']' | '<' | '>'
            ) {
                out.push('\\');
            }
            push_defused(ch, out);
        }
    }
    fn strong(&self, s: &str, out: &mut String) {
        self.enclose("**", s, "**", out);
    }
    fn em(&self, s: &str, out: &mut String) {
        self.enclose("*", s, "*", out);
    }
    fn code(&self, s: &str, out: &mut String) {
        out.push('`');
        for ch in s.chars() {
            out.push(if ch == '`' { '\'' } else { ch });
        }
        out.push('`');
    }
    fn wrap(&self, block: &Block) -> (&'static str, &'static str) {
        match block {
            Block::Heading(_) => ("**", "**"),
            Block::Para(_) => ("", ""),
            Block::Quote(_) => ("> ", ""),
            Block::Bullet(_) => ("- ", ""),
            Block::Note(_) => ("-# ", ""),
        }
    }
    fn separator(&self) -> &'static str {
        "\n"
    }
}

struct Html;

impl Markup for Html {
    fn escape(&self, s: &str, out: &mut String) {
        out.reserve(s.len());
        for ch in s.chars() {
            match ch {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#39;"),
                _ => push_defused(ch, out),
            }
        }
    }
    fn strong(&self, s: &str, out: &mut String) {
        self.enclose("<strong>", s, "</strong>", out);
    }
    fn em(&self, s: &str, out: &mut String) {
        self.enclose("<em>", s, "</em>", out);
    }
    fn code(&self, s: &str, out: &mut String) {
        self.enclose("<code>", s, "</code>", out);
    }
    fn wrap(&self, block: &Block) -> (&'static str, &'static str) {
        match block {
            Block::Heading(_) => ("<p><strong>", "</strong></p>"),
            Block::Para(_) => ("<p>", "</p>"),
            Block::Quote(_) => ("<blockquote>", "</blockquote>"),
            Block::Bullet(_) => ("<ul><li>", "</li></ul>"),
            Block::Note(_) => ("<p><sub>", "</sub></p>"),
        }
    }
    fn separator(&self) -> &'static str {
        "\n"
    }
}

/// Pushes `ch`, breaking `@everyone`, `@here`, `@room` and `<@id>` (a zero-width space after
/// every `@`) so quoted text can never ping anyone, whatever the platform's own mention
/// settings are.
fn push_defused(ch: char, out: &mut String) {
    out.push(ch);
    if ch == '@' {
        out.push('\u{200B}');
    }
}

fn inlines(m: &dyn Markup, parts: &[Inline], out: &mut String) {
    for part in parts {
        match part {
            Inline::Text(s) => m.escape(s, out),
            Inline::Strong(s) => m.strong(s, out),
            Inline::Em(s) => m.em(s, out),
            Inline::Code(s) => m.code(s, out),
            Inline::Cite(ns) => {
                for &n in ns {
                    push_mark(n, out);
                }
            }
        }
    }
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

/// An answer's citations as rendering looks them up: by number, and the first citation of
/// each file (whose title and date its sources line shows).
struct Cited<'a> {
    by_n: HashMap<usize, &'a Citation>,
    first_of_doc: HashMap<&'a str, &'a Citation>,
}

impl<'a> Cited<'a> {
    fn new(citations: &'a [Citation]) -> Cited<'a> {
        let mut by_n = HashMap::with_capacity_and_hasher(citations.len(), Default::default());
        let mut first_of_doc = HashMap::default();
        for c in citations {
            by_n.entry(c.n).or_insert(c);
            first_of_doc.entry(c.doc.as_str()).or_insert(c);
        }
        Cited { by_n, first_of_doc }
    }
}

/// The "Sources" list of a run of blocks, kept up as blocks are added: one line per cited
/// file in the order first cited, with all its citation numbers.
struct Sources<'a> {
    /// Citation numbers seen (numbers without a citation included: they still bring the
    /// heading).
    seen: HashSet<usize>,
    /// Each file and its numbers.
    docs: Vec<(&'a str, Vec<usize>)>,
    doc_at: HashMap<&'a str, usize>,
    /// Characters of all the lines.
    chars: usize,
}

impl<'a> Sources<'a> {
    fn new() -> Sources<'a> {
        Sources {
            seen: HashSet::default(),
            docs: Vec::new(),
            doc_at: HashMap::default(),
            chars: 0,
        }
    }

    /// Adds the files `block` cites; `line_chars` gives the characters of a file's line
    /// before its marks.
    fn add_block(&mut self, cited: &Cited<'a>, block: &Block, line_chars: &dyn Fn(&str) -> usize) {
        for part in block_parts(block) {
            let Inline::Cite(list) = part else {
                continue;
            };
            for &n in list {
                if !self.seen.insert(n) {
                    continue;
                }
                let Some(c) = cited.by_n.get(&n) else {
                    continue;
                };
                let i = match self.doc_at.get(c.doc.as_str()) {
                    Some(&i) => i,
                    None => {
                        self.chars += line_chars(&c.doc);
                        self.doc_at.insert(&c.doc, self.docs.len());
                        self.docs.push((&c.doc, Vec::new()));
                        self.docs.len() - 1
                    }
                };
                self.docs[i].1.push(n);
                // `Markup::wrap` wraps its text, so a mark adds exactly its own characters.
                self.chars += mark_chars(n);
            }
        }
    }

    fn lines(&self, m: &dyn Markup, cited: &Cited<'_>) -> Vec<String> {
        self.docs
            .iter()
            .map(|(doc, ns)| {
                let mut marks = String::new();
                for &n in ns {
                    push_mark(n, &mut marks);
                }
                let mut line = String::new();
                source_line(m, cited.first_of_doc[doc], &marks, &mut line);
                line
            })
            .collect()
    }
}

/// A citation mark, `[n]`.
fn push_mark(n: usize, out: &mut String) {
    use std::fmt::Write;
    let _ = write!(out, "[{n}]");
}

/// The characters of `push_mark(n)`: the brackets and n's digits.
fn mark_chars(n: usize) -> usize {
    2 + n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

/// The characters of the sources line of file `doc` before its marks.
fn line_chars(m: &dyn Markup, cited: &Cited<'_>, doc: &str) -> usize {
    with_buffer(|line| source_line(m, cited.first_of_doc[doc], "", line))
}

/// The characters `write` writes, counted in a buffer kept by the thread (sizing a page
/// writes every block once, and most are never shown).
fn with_buffer(write: impl FnOnce(&mut String)) -> usize {
    thread_local! {
        static BUFFER: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    BUFFER.with_borrow_mut(|buffer| {
        buffer.clear();
        write(buffer);
        buffer.chars().count()
    })
}

/// The sources line of file `c.doc` (`c` its first citation) after its citation marks.
fn source_line(m: &dyn Markup, c: &Citation, marks: &str, out: &mut String) {
    let date = c.date.as_deref().unwrap_or(strings::UNDATED);
    let title = strings::shorten(&c.title, 90);
    let (open, close) = m.wrap(&Block::Para(Vec::new()));
    out.push_str(open);
    out.push_str(marks);
    out.push(' ');
    m.em(&title, out);
    out.push_str(" (");
    out.push_str(date);
    out.push_str(") ");
    m.code(&c.doc, out);
    out.push_str(close);
}

/// The size in characters of a run of blocks as `render` lays it out, kept up as blocks are
/// added, so that finding where a page or a cut ends takes one pass.
struct Tally<'a> {
    lines: usize,
    chars: usize,
    sources: Sources<'a>,
    sources_heading: usize,
    separator: usize,
}

impl<'a> Tally<'a> {
    fn new(m: &dyn Markup) -> Tally<'a> {
        Tally {
            lines: 0,
            chars: 0,
            sources: Sources::new(),
            sources_heading: sources_heading(m).chars().count(),
            separator: m.separator().chars().count(),
        }
    }

    /// Adds `block`, which renders to `rendered` characters (`line_chars` as in
    /// `Sources::add_block`).
    fn add(
        &mut self,
        cited: &Cited<'a>,
        block: &Block,
        rendered: usize,
        line_chars: &dyn Fn(&str) -> usize,
    ) {
        self.lines += 1;
        self.chars += rendered;
        self.sources.add_block(cited, block, line_chars);
    }

    /// Characters of the blocks so far, a note line of `note` characters if any, and the
    /// sources.
    fn size(&self, note: Option<usize>) -> usize {
        let mut lines = self.lines;
        let mut chars = self.chars;
        if let Some(note) = note {
            lines += 1;
            chars += note;
        }
        if !self.sources.seen.is_empty() {
            lines += 1 + self.sources.docs.len();
            chars += self.sources_heading + self.sources.chars;
        }
        chars + self.separator * lines.saturating_sub(1)
    }
}

fn sources_heading(m: &dyn Markup) -> String {
    let (open, close) = m.wrap(&Block::Heading(Vec::new()));
    let mut out = String::new();
    m.enclose(open, strings::SOURCES, close, &mut out);
    out
}

fn left_out_note(n: usize) -> Block {
    Block::Note(vec![Inline::Text(strings::blocks_left_out(n))])
}

fn render_block(m: &dyn Markup, block: &Block) -> String {
    let mut out = String::new();
    render_block_into(m, block, &mut out);
    out
}

fn render_block_into(m: &dyn Markup, block: &Block, out: &mut String) {
    let (open, close) = m.wrap(block);
    out.push_str(open);
    inlines(m, block_parts(block), out);
    out.push_str(close);
}

/// The characters `block` renders to.
fn rendered_chars(m: &dyn Markup, block: &Block) -> usize {
    with_buffer(|out| render_block_into(m, block, out))
}

/// Renders with a size limit: whole blocks are kept in order until the limit, then a note
/// says how many were left out; the sources list names only what the kept blocks cite.
fn render(m: &dyn Markup, answer: &Answer, limit: usize) -> String {
    let blocks: Vec<&Block> = answer.blocks.iter().collect();
    render_blocks(m, &blocks, &Cited::new(&answer.citations), limit)
}

/// `render` of `blocks` citing `cited`: the most blocks whose text, note and sources fit.
fn render_blocks(m: &dyn Markup, blocks: &[&Block], cited: &Cited<'_>, limit: usize) -> String {
    let rendered: Vec<String> = blocks.iter().map(|b| render_block(m, b)).collect();
    let note_chars = |kept: usize| {
        (kept < blocks.len()).then(|| rendered_chars(m, &left_out_note(blocks.len() - kept)))
    };
    let line_chars = |doc: &str| line_chars(m, cited, doc);
    let mut tally = Tally::new(m);
    let mut kept = 0;
    for k in 0..=blocks.len() {
        if k > 0 {
            let b = k - 1;
            tally.add(cited, blocks[b], rendered[b].chars().count(), &line_chars);
        }
        if tally.size(note_chars(k)) <= limit {
            kept = k;
        }
    }
    // Only the kept blocks' files and marks are wanted here, not their sizes.
    let mut sources = Sources::new();
    for b in &blocks[..kept] {
        sources.add_block(cited, b, &|_| 0);
    }
    let mut lines: Vec<String> = rendered;
    lines.truncate(kept);
    if kept < blocks.len() {
        lines.push(render_block(m, &left_out_note(blocks.len() - kept)));
    }
    if !sources.seen.is_empty() {
        lines.push(sources_heading(m));
        lines.extend(sources.lines(m, cited));
    }
    truncate_chars(lines.join(m.separator()), limit)
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

/// Blocks from which `cut` sizes them on every core.
const PARALLEL_BLOCKS: usize = 512;

/// Where each page of `answer` starts and ends when `m` lays it out within `limit`
/// characters: as many whole entries as fit with the page's own sources and its "page k of
/// n" line (an entry alone always makes a page). One page when everything fits.
fn cut(
    m: &dyn Markup,
    answer: &Answer,
    cited: &Cited<'_>,
    limit: usize,
) -> Vec<std::ops::Range<usize>> {
    const FOOTER_RESERVE: usize = 40;
    let budget = limit.saturating_sub(FOOTER_RESERVE);
    let blocks = &answer.blocks;
    // Every block and every file's sources line is sized, on every core: a long timeline
    // has thousands of each.
    let docs: Vec<&str> = cited.first_of_doc.keys().copied().collect();
    let (sizes, lines): (Vec<usize>, Vec<usize>) = if blocks.len() < PARALLEL_BLOCKS {
        (
            blocks.iter().map(|b| rendered_chars(m, b)).collect(),
            docs.iter().map(|doc| line_chars(m, cited, doc)).collect(),
        )
    } else {
        use rayon::prelude::*;
        rayon::join(
            || blocks.par_iter().map(|b| rendered_chars(m, b)).collect(),
            || {
                docs.par_iter()
                    .map(|doc| line_chars(m, cited, doc))
                    .collect()
            },
        )
    };
    let lines: HashMap<&str, usize> = docs.into_iter().zip(lines).collect();
    let line_chars = |doc: &str| lines[doc];
    let mut cuts: Vec<std::ops::Range<usize>> = Vec::new();
    let mut current: Option<std::ops::Range<usize>> = None;
    let mut tally = Tally::new(m);
    for entry in entries(blocks) {
        for b in entry.clone() {
            tally.add(cited, &blocks[b], sizes[b], &line_chars);
        }
        // The entry joins the page if the page with it still fits; otherwise the page
        // closes and the entry opens the next.
        current = match current {
            None => Some(entry),
            Some(page) if tally.size(None) <= budget => Some(page.start..entry.end),
            Some(page) => {
                cuts.push(page);
                tally = Tally::new(m);
                for b in entry.clone() {
                    tally.add(cited, &blocks[b], sizes[b], &line_chars);
                }
                Some(entry)
            }
        };
    }
    cuts.push(current.unwrap_or(0..0));
    cuts
}

/// Page `k` of `cuts` as `m` renders it within `limit`, with its "page k of n" line when
/// there are several.
fn render_page(
    m: &dyn Markup,
    answer: &Answer,
    cited: &Cited<'_>,
    cuts: &[std::ops::Range<usize>],
    k: usize,
    limit: usize,
) -> String {
    let note = (cuts.len() > 1)
        .then(|| Block::Note(vec![Inline::Text(strings::page_of(k + 1, cuts.len()))]));
    let blocks: Vec<&Block> = answer.blocks[cuts[k].clone()]
        .iter()
        .chain(note.as_ref())
        .collect();
    render_blocks(m, &blocks, cited, limit)
}

/// Every page of `answer` as `m` cuts and renders it within `limit`.
fn paginate(m: &dyn Markup, answer: &Answer, limit: usize) -> Vec<String> {
    let cited = Cited::new(&answer.citations);
    let cuts = cut(m, answer, &cited, limit);
    (0..cuts.len())
        .map(|k| render_page(m, answer, &cited, &cuts, k, limit))
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
    let cited = Cited::new(&answer.citations);
    let cuts = cut(&Html, answer, &cited, limit);
    (0..cuts.len())
        .map(|k| html_plain_page(answer, &cited, &cuts, k, limit))
        .collect()
}

/// Page `k` of `cuts` (cut as HTML) as HTML and as plain text.
fn html_plain_page(
    answer: &Answer,
    cited: &Cited<'_>,
    cuts: &[std::ops::Range<usize>],
    k: usize,
    limit: usize,
) -> (String, String) {
    let render = |m: &dyn Markup| render_page(m, answer, cited, cuts, k, limit);
    (render(&Html), render(&Plain { ansi: false }))
}

/// The markup a `Paged` answer is cut for.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Format {
    Markdown,
    Html,
}

impl Format {
    fn markup(self) -> &'static dyn Markup {
        match self {
            Format::Markdown => &Markdown,
            Format::Html => &Html,
        }
    }
}

/// An answer cut into pages once, each page rendered only when it is shown: a chat reply
/// shows one page, and a long timeline has hundreds.
#[derive(Debug, Clone)]
pub struct Paged {
    answer: Answer,
    format: Format,
    limit: usize,
    cuts: Vec<std::ops::Range<usize>>,
}

impl Paged {
    /// Cut as Discord-flavoured Markdown pages of at most `limit` characters.
    pub fn markdown(answer: Answer, limit: usize) -> Paged {
        Paged::new(answer, Format::Markdown, limit)
    }

    /// Cut as Matrix HTML pages of at most `limit` characters (see `html_plain`).
    pub fn html(answer: Answer, limit: usize) -> Paged {
        Paged::new(answer, Format::Html, limit)
    }

    fn new(answer: Answer, format: Format, limit: usize) -> Paged {
        let cuts = cut(
            format.markup(),
            &answer,
            &Cited::new(&answer.citations),
            limit,
        );
        Paged {
            answer,
            format,
            limit,
            cuts,
        }
    }

    /// How many pages there are (at least one).
    pub fn len(&self) -> usize {
        self.cuts.len()
    }

    /// Never: an answer makes at least one page.
    pub fn is_empty(&self) -> bool {
        self.cuts.is_empty()
    }

    pub fn answer(&self) -> &Answer {
        &self.answer
    }

    /// Page `k` (from 0; the last page past the end) in the markup it was cut for.
    pub fn page(&self, k: usize) -> String {
        let cited = Cited::new(&self.answer.citations);
        render_page(
            self.format.markup(),
            &self.answer,
            &cited,
            &self.cuts,
            k.min(self.cuts.len() - 1),
            self.limit,
        )
    }

    /// Page `k` as HTML and as plain text holding the same entries (Matrix's
    /// `formatted_body` and `body`), for pages cut as HTML: the HTML, always the longer,
    /// stays within the limit.
    pub fn html_plain(&self, k: usize) -> (String, String) {
        debug_assert_eq!(self.format, Format::Html, "cut as Markdown");
        let cited = Cited::new(&self.answer.citations);
        let k = k.min(self.cuts.len() - 1);
        html_plain_page(&self.answer, &cited, &self.cuts, k, self.limit)
    }
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
    // Only the first page is rendered; the cuts still count every page for its note.
    let cited = Cited::new(&answer.citations);
    let cuts = cut(&Markdown, answer, &cited, MARKDOWN_LIMIT);
    let text = render_page(&Markdown, answer, &cited, &cuts, 0, MARKDOWN_LIMIT);
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

    /// Rendering as first written, each page and cut worked out by rendering it whole: the
    /// reference for the one-pass `Tally`.
    mod straightforward {
        use super::super::{Markup, block_parts, entries, inlines, truncate_chars};
        use crate::answer::{Answer, Block, Inline};
        use crate::strings;

        /// What a markup call writes, as a string.
        fn s(write: impl FnOnce(&mut String)) -> String {
            let mut out = String::new();
            write(&mut out);
            out
        }

        fn block(m: &dyn Markup, b: &Block, inner: String) -> String {
            let (open, close) = m.wrap(b);
            format!("{open}{inner}{close}")
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
                    let line = format!(
                        "{marks} {} ({date}) {}",
                        s(|o| m.em(&title, o)),
                        s(|o| m.code(doc, o))
                    );
                    block(m, &Block::Para(Vec::new()), line)
                })
                .collect()
        }

        /// Renders with a size limit: whole blocks are kept in order until the limit, then a note
        /// says how many were left out; the sources list names only what the kept blocks cite.
        pub fn render(m: &dyn Markup, answer: &Answer, limit: usize) -> String {
            let rendered: Vec<String> = answer
                .blocks
                .iter()
                .map(|b| block(m, b, s(|o| inlines(m, block_parts(b), o))))
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
                    lines.push(block(m, &note, s(|o| inlines(m, block_parts(&note), o))));
                }
                if !numbers.is_empty() {
                    lines.push(block(
                        m,
                        &Block::Heading(Vec::new()),
                        s(|o| m.escape(strings::SOURCES, o)),
                    ));
                    lines.extend(sources(m, answer, &numbers));
                }
                let out = lines.join(sep);
                if out.chars().count() <= limit || kept == 0 {
                    return truncate_chars(out, limit);
                }
                kept -= 1;
            }
        }

        /// Pages of whole entries, each within `limit` characters with its own sources and a
        /// "page k of n" line. One page when everything fits.
        pub fn paginate(m: &dyn Markup, answer: &Answer, limit: usize) -> Vec<String> {
            page_answers(m, answer, limit)
                .iter()
                .map(|page| render(m, page, limit))
                .collect()
        }

        /// The pages of `paginate` as answers of their own, cut where `m` overflows `limit`.
        pub fn page_answers(m: &dyn Markup, answer: &Answer, limit: usize) -> Vec<Answer> {
            const FOOTER_RESERVE: usize = 40;
            let budget = limit.saturating_sub(FOOTER_RESERVE);
            let page_of = |blocks: &[Block]| Answer {
                blocks: blocks.to_vec(),
                ..answer.clone()
            };
            let fits = |blocks: &[Block]| {
                render(m, &page_of(blocks), usize::MAX).chars().count() <= budget
            };
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
    }

    /// Answers with many entries, files cited several times, titles to escape and shorten,
    /// undated files and a marker that cites nothing.
    fn varied_answer(entries: usize, seed: u64) -> Answer {
        let mut rng = crate::synth::Rng::new(seed);
        let file = "The harbour board met on 3 May to vote. *Stars* and @everyone <b>. ".repeat(40);
        let mut a = Answer::new("timeline", "harbour");
        if rng.below(2) == 0 {
            a.push(Block::Heading(vec![text("A heading")]));
        }
        for e in 0..entries {
            match rng.below(4) {
                0 => a.push(Block::Bullet(vec![text(format!("bullet {e}"))])),
                _ => a.push(Block::Para(vec![strong(format!(
                    "2025-05-{:02}",
                    e % 28 + 1
                ))])),
            }
            for _ in 0..rng.range(0, 3) {
                let mut ns = Vec::new();
                for _ in 0..rng.range(1, 3) {
                    let d = rng.below(7);
                    let start = rng.below(2000);
                    let title = match d {
                        0 => "A_very *long* headline about the harbour plan and its many, many costs to everyone".repeat(2),
                        _ => format!("Title_{d} <{d}>"),
                    };
                    ns.push(a.cite(CitationSource {
                        doc: &format!("{d:03}_f.txt"),
                        title: &title,
                        date: (!d.is_multiple_of(3)).then(|| format!("2025-05-{:02}", d + 1)),
                        url: None,
                        text: &file,
                        range: start..start + rng.range(5, 60),
                    }));
                }
                if rng.below(9) == 0 {
                    ns.push(999);
                }
                a.push(Block::Quote(vec![
                    text("The board met on "),
                    strong("3 May"),
                    text(" to vote @here."),
                    Inline::Cite(ns),
                ]));
            }
            if rng.below(6) == 0 {
                a.push(Block::Note(vec![text("a note"), code("x_y")]));
            }
        }
        a
    }

    #[test]
    fn one_pass_rendering_matches_rendering_each_cut_whole() {
        let markups: [&dyn Markup; 4] = [
            &Markdown,
            &Html,
            &Plain { ansi: false },
            &Plain { ansi: true },
        ];
        for seed in 0..40 {
            let a = varied_answer([0, 1, 3, 12, 60][seed as usize % 5], seed);
            for m in markups {
                for limit in [0, 1, 30, 120, 400, 1000, 1500, MARKDOWN_LIMIT, usize::MAX] {
                    assert_eq!(
                        render(m, &a, limit),
                        straightforward::render(m, &a, limit),
                        "render, seed {seed}, limit {limit}"
                    );
                    assert_eq!(
                        paginate(m, &a, limit),
                        straightforward::paginate(m, &a, limit),
                        "paginate, seed {seed}, limit {limit}"
                    );
                }
            }
            let old_pages = straightforward::page_answers(&Html, &a, 1500);
            let matrix: Vec<(String, String)> = old_pages
                .iter()
                .map(|p| {
                    (
                        straightforward::render(&Html, p, 1500),
                        straightforward::render(&Plain { ansi: false }, p, 1500),
                    )
                })
                .collect();
            assert_eq!(html_plain_pages(&a, 1500), matrix, "seed {seed}");
            // Cut once, rendered a page at a time; a page past the end is the last.
            let paged = Paged::html(a.clone(), 1500);
            let each: Vec<(String, String)> =
                (0..paged.len()).map(|k| paged.html_plain(k)).collect();
            assert_eq!(each, matrix, "seed {seed}");
            assert_eq!(paged.html_plain(paged.len() + 3), matrix[matrix.len() - 1]);
            for limit in [120, 1000, MARKDOWN_LIMIT] {
                let paged = Paged::markdown(a.clone(), limit);
                let each: Vec<String> = (0..paged.len()).map(|k| paged.page(k)).collect();
                let whole = straightforward::paginate(&Markdown, &a, limit);
                assert_eq!(each, whole, "seed {seed}, limit {limit}");
            }
            assert_eq!(
                to_json(&a)["text"],
                straightforward::paginate(&Markdown, &a, MARKDOWN_LIMIT)[0],
                "seed {seed}"
            );
        }
    }

    #[test]
    fn long_answers_sized_on_every_core_page_as_the_reference() {
        for seed in [5, 6] {
            let a = varied_answer(300, seed);
            assert!(a.blocks.len() >= PARALLEL_BLOCKS, "{}", a.blocks.len());
            for m in [&Markdown as &dyn Markup, &Html] {
                for limit in [1000, MARKDOWN_LIMIT] {
                    assert_eq!(
                        paginate(m, &a, limit),
                        straightforward::paginate(m, &a, limit),
                        "seed {seed}, limit {limit}"
                    );
                }
            }
        }
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
    fn a_mark_is_as_long_as_it_is_counted() {
        for n in (0..1100).chain([9_999, 10_000, 99_999, 100_000, usize::MAX]) {
            let mut mark = String::new();
            push_mark(n, &mut mark);
            assert_eq!(mark_chars(n), mark.chars().count(), "{n}");
        }
    }

    #[test]
    fn an_answer_with_nothing_in_it_is_one_empty_page() {
        let empty = Answer::new("help", "");
        for paged in [
            Paged::markdown(empty.clone(), MARKDOWN_LIMIT),
            Paged::html(empty.clone(), 1000),
        ] {
            assert_eq!(paged.len(), 1);
            assert!(!paged.is_empty());
        }
        assert_eq!(Paged::markdown(empty.clone(), MARKDOWN_LIMIT).page(0), "");
        assert_eq!(Paged::markdown(empty.clone(), MARKDOWN_LIMIT).page(9), "");
        assert_eq!(
            Paged::html(empty, 1000).html_plain(0),
            (String::new(), String::new())
        );
        let one = Paged::markdown(sample(), MARKDOWN_LIMIT);
        assert_eq!(one.len(), 1);
        assert_eq!(one.page(0), render_markdown(&sample(), MARKDOWN_LIMIT));
        assert_eq!(one.answer(), &sample());
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
