//! Discord replies as plain data: embeds checked against every Discord limit (serenity checks
//! only the content length and the embed count), pages of whole entries, and the stateless
//! ids of the page buttons.

use thiserror::Error;

use crate::answer::{Answer, Paged, markdown_pages};
use crate::strings;

/// Message content.
pub const CONTENT_LIMIT: usize = 2000;
pub const TITLE_LIMIT: usize = 256;
pub const DESCRIPTION_LIMIT: usize = 4096;
pub const FIELD_NAME_LIMIT: usize = 256;
pub const FIELD_VALUE_LIMIT: usize = 1024;
pub const FIELDS_MAX: usize = 25;
pub const FOOTER_LIMIT: usize = 2048;
/// Title, description, field names and values, footer and author together.
pub const EMBED_TOTAL_LIMIT: usize = 6000;
/// A component's `custom_id`.
pub const CUSTOM_ID_LIMIT: usize = 100;
/// Names and values of autocomplete choices.
pub const CHOICE_LIMIT: usize = 100;
/// Page limits tried in turn until every page's embed passes `Embed::check`.
const PAGE_LIMITS: [usize; 4] = [DESCRIPTION_LIMIT, 3000, 2000, 1000];

/// One embed, as plain strings; `check` says whether Discord would accept it.
#[derive(Debug, Clone, PartialEq)]
pub struct Embed {
    pub title: String,
    pub description: String,
    /// (name, value), never inline.
    pub fields: Vec<(String, String)>,
    pub footer: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LimitError {
    #[error("{part} is {len} characters, over Discord's limit of {limit}")]
    TooLong {
        part: &'static str,
        len: usize,
        limit: usize,
    },
    #[error("{0} fields, over Discord's limit of {FIELDS_MAX}")]
    TooManyFields(usize),
    #[error("{part} is empty; Discord refuses empty {part}s")]
    Empty { part: &'static str },
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

fn within(part: &'static str, s: &str, limit: usize) -> Result<usize, LimitError> {
    let len = chars(s);
    if len > limit {
        Err(LimitError::TooLong { part, len, limit })
    } else {
        Ok(len)
    }
}

impl Embed {
    /// Checks every limit Discord sets on an embed.
    pub fn check(&self) -> Result<(), LimitError> {
        let mut total = within("title", &self.title, TITLE_LIMIT)?;
        total += within("description", &self.description, DESCRIPTION_LIMIT)?;
        if self.fields.len() > FIELDS_MAX {
            return Err(LimitError::TooManyFields(self.fields.len()));
        }
        for (name, value) in &self.fields {
            if name.trim().is_empty() {
                return Err(LimitError::Empty { part: "field name" });
            }
            if value.trim().is_empty() {
                return Err(LimitError::Empty {
                    part: "field value",
                });
            }
            total += within("field name", name, FIELD_NAME_LIMIT)?;
            total += within("field value", value, FIELD_VALUE_LIMIT)?;
        }
        if let Some(f) = &self.footer {
            total += within("footer", f, FOOTER_LIMIT)?;
        }
        within_total(total)
    }
}

fn within_total(total: usize) -> Result<(), LimitError> {
    if total > EMBED_TOTAL_LIMIT {
        Err(LimitError::TooLong {
            part: "embed",
            len: total,
            limit: EMBED_TOTAL_LIMIT,
        })
    } else {
        Ok(())
    }
}

/// Message content within Discord's limit (used for the short ephemeral notices).
pub fn content(s: &str) -> String {
    strings::shorten(s, CONTENT_LIMIT)
}

/// The answer as embeds, one per page. Each page holds whole entries (never a cut sentence)
/// and its own sources as fields; `footer` (the command line, for the page buttons) goes on
/// every page. Should a page still break a limit, the pages are cut smaller and checked again.
pub fn pages(answer: &Answer, footer: Option<&str>) -> Vec<Embed> {
    let (title, footer) = frame(answer, footer);
    for limit in PAGE_LIMITS {
        let embeds: Vec<Embed> = markdown_pages(answer, limit)
            .iter()
            .map(|text| embed_of(&title, text, footer.clone()))
            .collect();
        match embeds.iter().find_map(|e| e.check().err()) {
            None => return embeds,
            Some(e) => {
                tracing::warn!(limit, error = %e, "page too large for an embed; paging smaller")
            }
        }
    }
    vec![too_long(title, footer)]
}

/// Page `page` (from 0; past the end, the last) of the answer as an embed, and how many
/// pages there are: only that page is rendered, so a reply of hundreds of pages (a long
/// timeline) costs one. The pages are cut to the largest of `PAGE_LIMITS` with which
/// every page fits the embed's total whatever it cites (`page_limit`), so every page of one
/// reply is cut alike; a page that still breaks a limit falls back to `pages`.
pub fn page(answer: Answer, footer: Option<&str>, page: usize) -> (Embed, usize) {
    let (title, framed) = frame(&answer, footer);
    let Some(limit) = page_limit(&title, framed.as_deref()) else {
        return page_of_all(&answer, footer, page);
    };
    let paged = Paged::markdown(answer, limit);
    let embed = embed_of(&title, &paged.page(page), framed);
    match embed.check() {
        Ok(()) => (embed, paged.len()),
        Err(e) => {
            tracing::warn!(limit, error = %e, "page too large for an embed");
            page_of_all(paged.answer(), footer, page)
        }
    }
}

/// Page `page` of `pages` (the last past the end), and how many there are.
fn page_of_all(answer: &Answer, footer: Option<&str>, page: usize) -> (Embed, usize) {
    let mut all = pages(answer, footer);
    let n = all.len();
    (all.swap_remove(page.min(n - 1)), n)
}

/// The largest of `PAGE_LIMITS` with which an embed of any page fits Discord's total: the
/// page's text (description and source fields together) is at most the limit, and the
/// fields' names add at most `field_names_bound`. None when none does (a very long title
/// and footer), to try each limit on the real pages.
fn page_limit(title: &str, footer: Option<&str>) -> Option<usize> {
    let framing = chars(title) + footer.map_or(0, chars);
    PAGE_LIMITS
        .into_iter()
        .find(|&limit| framing + limit + field_names_bound(limit) <= EMBED_TOTAL_LIMIT)
}

/// The most characters the sources fields' names of a page of `limit` characters take: a
/// line that would overflow a field opens the next, so two fields side by side hold at
/// least `FIELD_VALUE_LIMIT` characters, and there are at most `2 * limit /
/// FIELD_VALUE_LIMIT + 1` fields.
fn field_names_bound(limit: usize) -> usize {
    let names = chars(strings::SOURCES).max(chars(strings::DISCORD_SOURCES_CONTINUED));
    (2 * limit / FIELD_VALUE_LIMIT + 1) * names
}

/// The title and footer every page of the answer carries.
fn frame(answer: &Answer, footer: Option<&str>) -> (String, Option<String>) {
    // Embeds never ping, but a title is shown as typed: break mentions all the same.
    let title = strings::shorten(
        &strings::discord_title(answer.command, &answer.query),
        TITLE_LIMIT,
    )
    .replace('@', "@\u{200B}");
    (title, footer.map(|f| strings::shorten(f, FOOTER_LIMIT)))
}

fn too_long(title: String, footer: Option<String>) -> Embed {
    Embed {
        title,
        description: strings::DISCORD_REPLY_TOO_LONG.to_string(),
        fields: Vec::new(),
        footer,
    }
}

/// One page: the text above the sources becomes the description, the sources fields of at
/// most 1024 characters each, split between lines.
fn embed_of(title: &str, text: &str, footer: Option<String>) -> Embed {
    let marker = format!("\n**{}**\n", strings::SOURCES);
    let (body, sources) = match text.rfind(&marker) {
        Some(i) => (&text[..i], &text[i + marker.len()..]),
        None => (text, ""),
    };
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut value = String::new();
    for line in sources.lines() {
        let line = strings::shorten(line, FIELD_VALUE_LIMIT);
        if !value.is_empty() && chars(&value) + 1 + chars(&line) > FIELD_VALUE_LIMIT {
            fields.push((String::new(), std::mem::take(&mut value)));
        }
        if !value.is_empty() {
            value.push('\n');
        }
        value.push_str(&line);
    }
    if !value.is_empty() {
        fields.push((String::new(), value));
    }
    for (i, (name, _)) in fields.iter_mut().enumerate() {
        *name = if i == 0 {
            strings::SOURCES
        } else {
            strings::DISCORD_SOURCES_CONTINUED
        }
        .to_string();
    }
    Embed {
        title: title.to_string(),
        description: body.to_string(),
        fields,
        footer,
    }
}

/// FNV-1a, 64 bits: a hash that is the same in every build and process, unlike std's.
pub fn line_hash(line: &str) -> u64 {
    line.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

const BUTTON_PREFIX: &str = "nd:page:";

/// The id of a button that shows page `page` (from 0) of the reply to `line`. The line
/// itself travels in the embed's footer; the id carries its hash so a click can tell that
/// the footer is the line the button was made for.
pub fn page_button_id(line: &str, page: usize) -> String {
    format!("{BUTTON_PREFIX}{page}:{:016x}", line_hash(line))
}

/// (page, line hash) from a page button's id; None for ids that are not ours.
pub fn parse_page_button(id: &str) -> Option<(usize, u64)> {
    let rest = id.strip_prefix(BUTTON_PREFIX)?;
    let (page, hash) = rest.split_once(':')?;
    if hash.len() != 16 {
        return None;
    }
    Some((page.parse().ok()?, u64::from_str_radix(hash, 16).ok()?))
}

/// The Prev and Next buttons for page `page` of `pages`: (id, label, disabled). None when
/// everything fits on one page.
pub fn page_buttons(
    line: &str,
    page: usize,
    pages: usize,
) -> Option<[(String, &'static str, bool); 2]> {
    if pages < 2 {
        return None;
    }
    Some([
        (
            page_button_id(line, page.saturating_sub(1)),
            strings::DISCORD_PREV,
            page == 0,
        ),
        (
            page_button_id(line, (page + 1).max(1)),
            strings::DISCORD_NEXT,
            page + 1 >= pages,
        ),
    ])
}

/// The nonce of page `page` of the digest for `slot`: the same on every retry, so Discord
/// drops a repeat (`enforce_nonce`). At most 25 characters.
pub fn digest_nonce(slot: chrono::DateTime<chrono::Utc>, page: usize) -> String {
    format!("nd{}p{page}", slot.timestamp())
}

/// Shortens an autocomplete choice name or value to Discord's limit.
pub fn choice(s: &str) -> String {
    strings::shorten(s, CHOICE_LIMIT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::{Block, CitationSource, Inline, strong, text};

    fn embed() -> Embed {
        Embed {
            title: "t".into(),
            description: "d".into(),
            fields: vec![("Sources".into(), "v".into())],
            footer: Some("f".into()),
        }
    }

    #[test]
    fn check_catches_every_limit() {
        let cases: Vec<(&str, Embed, Option<&str>)> = vec![
            ("fits", embed(), None),
            (
                "title",
                Embed {
                    title: "x".repeat(257),
                    ..embed()
                },
                Some("title"),
            ),
            (
                "description",
                Embed {
                    description: "é".repeat(4097),
                    ..embed()
                },
                Some("description"),
            ),
            (
                "field value",
                Embed {
                    fields: vec![("n".into(), "x".repeat(1025))],
                    ..embed()
                },
                Some("field value"),
            ),
            (
                "field name",
                Embed {
                    fields: vec![("n".repeat(257), "x".into())],
                    ..embed()
                },
                Some("field name"),
            ),
            (
                "footer",
                Embed {
                    footer: Some("x".repeat(2049)),
                    ..embed()
                },
                Some("footer"),
            ),
            (
                "total",
                Embed {
                    description: "x".repeat(4000),
                    fields: vec![("n".into(), "x".repeat(1000)); 3],
                    ..embed()
                },
                Some("embed"),
            ),
        ];
        for (name, e, part) in cases {
            match (e.check(), part) {
                (Ok(()), None) => {}
                (Err(LimitError::TooLong { part: got, .. }), Some(want)) => {
                    assert_eq!(got, want, "{name}")
                }
                (got, want) => panic!("{name}: {got:?}, wanted {want:?}"),
            }
        }
        let many = Embed {
            fields: vec![("n".into(), "v".into()); 26],
            ..embed()
        };
        assert_eq!(many.check(), Err(LimitError::TooManyFields(26)));
        let blank = Embed {
            fields: vec![("n".into(), " ".into())],
            ..embed()
        };
        assert!(matches!(blank.check(), Err(LimitError::Empty { .. })));
    }

    /// A long timeline-like answer: 120 entries, each citing its own file.
    fn long_answer() -> Answer {
        let file = "On 3 May the harbour board met again to vote on the plan. ".repeat(130);
        let mut a = Answer::new("timeline", "harbour @everyone");
        for d in 0..120 {
            a.push(Block::Para(vec![strong(format!(
                "2025-05-{:02}",
                d % 28 + 1
            ))]));
            let n = a.cite(CitationSource {
                doc: &format!("{d:03}_{}.txt", "a".repeat(60)),
                title: &"A very long headline about the harbour plan ".repeat(4),
                date: None,
                url: None,
                text: &file,
                range: d * 59..d * 59 + 58,
            });
            a.push(Block::Quote(vec![
                text("On 3 May the harbour board met again to vote on the plan."),
                Inline::Cite(vec![n]),
            ]));
        }
        a
    }

    /// The quotes of `long_answer` on all the pages.
    fn quotes_in(pages: &[Embed]) -> usize {
        pages
            .iter()
            .map(|p| p.description.matches("> On 3 May").count())
            .sum()
    }

    #[test]
    fn pages_pass_every_check_and_keep_every_entry() {
        let a = long_answer();
        let line = "/timeline harbour @everyone";
        let pages = pages(&a, Some(line));
        assert!(pages.len() > 1);
        for (i, p) in pages.iter().enumerate() {
            p.check().unwrap_or_else(|e| panic!("page {i}: {e}"));
            assert!(!p.fields.is_empty(), "page {i} has its sources");
            assert_eq!(p.fields[0].0, "Sources");
            assert_eq!(p.footer.as_deref(), Some(line));
            assert!(
                p.description.starts_with("**2025-05-"),
                "page {i} starts with an entry"
            );
            // every marker on the page is listed in its own sources
            for n in 1..=120 {
                if p.description.contains(&format!("[{n}]")) {
                    assert!(
                        p.fields.iter().any(|(_, v)| v.contains(&format!("[{n}]"))),
                        "page {i} cites [{n}] without its source"
                    );
                }
            }
        }
        assert_eq!(quotes_in(&pages), 120, "no entry lost or cut between pages");
        assert!(!pages[0].title.contains("@everyone"));
    }

    #[test]
    fn a_page_rendered_alone_fits_and_the_pages_hold_every_entry_once() {
        let a = long_answer();
        for extra in [0, 900, 1500, 1700, 2100] {
            let line = format!("/timeline harbour {}", "x".repeat(extra));
            let all = pages(&a, Some(&line));
            let (title, footer) = frame(&a, Some(&line));
            let limit = page_limit(&title, footer.as_deref());
            let (_, n) = page(a.clone(), Some(&line), 0);
            let each: Vec<Embed> = (0..n).map(|k| page(a.clone(), Some(&line), k).0).collect();
            for (k, e) in each.iter().enumerate() {
                e.check()
                    .unwrap_or_else(|err| panic!("{extra}: page {k}: {err}"));
                assert!(e.description.starts_with("**2025-05-"), "page {k}");
                assert!(
                    e.description.contains(&format!("page {} of {n}", k + 1)),
                    "{extra}: page {k}"
                );
            }
            assert_eq!(
                quotes_in(&each),
                120,
                "{extra}: no entry lost or shown twice"
            );
            // Past the end: the last page.
            assert_eq!(page(a.clone(), Some(&line), n + 5).0, each[n - 1]);
            // Where the first limit is safe for any page, the pages are those of `pages`.
            if limit == Some(PAGE_LIMITS[0]) {
                assert_eq!(each, all, "{extra}");
            }
            if extra == 0 {
                assert_eq!(limit, Some(PAGE_LIMITS[0]));
            }
            if extra >= 1700 {
                assert!(limit < Some(PAGE_LIMITS[0]), "{extra}");
            }
        }
    }

    #[test]
    fn sources_split_into_fields_between_lines() {
        let text = format!(
            "> quote[1]\n**Sources**\n{}",
            (0..40)
                .map(|i| format!("[{i}] *{}* (undated) `{i}.txt`", "T".repeat(60)))
                .collect::<Vec<_>>()
                .join("\n")
        );
        let e = embed_of("t", &text, None);
        assert_eq!(e.description, "> quote[1]");
        assert!(e.fields.len() > 1);
        assert_eq!(e.fields[1].0, "Sources (continued)");
        let lines: usize = e.fields.iter().map(|(_, v)| v.lines().count()).sum();
        assert_eq!(lines, 40);
        e.check().unwrap();
    }

    #[test]
    fn button_ids_round_trip() {
        let long = format!("/ask {}", "why ".repeat(150));
        for (line, page) in [
            ("/timeline", 0),
            ("/search ATACMS", 7),
            (long.as_str(), 12345),
        ] {
            let id = page_button_id(line, page);
            assert!(id.len() <= CUSTOM_ID_LIMIT, "{id}");
            assert_eq!(parse_page_button(&id), Some((page, line_hash(line))));
        }
        for bad in [
            "",
            "nd:page:",
            "nd:page:x:0123456789abcdef",
            "nd:page:1:zz",
            "other:1:2",
        ] {
            assert_eq!(parse_page_button(bad), None, "{bad:?}");
        }
        assert_ne!(line_hash("/ask a"), line_hash("/ask b"));
        assert_eq!(line_hash(""), 0xcbf2_9ce4_8422_2325);
    }

    #[test]
    fn buttons_disable_at_the_ends_and_ids_differ() {
        assert!(page_buttons("/x", 0, 1).is_none());
        let [prev, next] = page_buttons("/x", 0, 3).unwrap();
        assert!(prev.2 && !next.2);
        assert_ne!(prev.0, next.0);
        assert_eq!(parse_page_button(&next.0).unwrap().0, 1);
        let [prev, next] = page_buttons("/x", 2, 3).unwrap();
        assert!(!prev.2 && next.2);
        assert_eq!(parse_page_button(&prev.0).unwrap().0, 1);
        assert_ne!(prev.0, next.0);
    }

    #[test]
    fn digest_nonce_is_short_and_stable() {
        let slot = chrono::DateTime::parse_from_rfc3339("2026-03-29T06:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let n = digest_nonce(slot, 3);
        assert!(n.len() <= 25, "{n}");
        assert_eq!(n, digest_nonce(slot, 3));
        assert_ne!(n, digest_nonce(slot, 2));
    }
}
