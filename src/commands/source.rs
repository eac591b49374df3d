//! `/source`: an article card found by file name prefix or by title words.

use std::collections::HashSet;

use crate::answer::{Answer, Block, Inline, Item, code, em, fold_whitespace, strong, text};
use crate::engine::{Engine, cite};
use crate::strings;

const MAX_LISTED: usize = 10;
/// Share of the query's title words an article's title must hold to be picked by title.
const MIN_TITLE_MATCH: f32 = 0.5;

pub fn source(engine: &Engine, query: &str) -> Answer {
    let mut answer = Answer::new("source", query);
    let found = by_prefix(engine, query);
    let found = if found.is_empty() {
        by_title(engine, query)
    } else {
        found
    };
    match found.as_slice() {
        [] => answer.push(Block::Para(vec![text(strings::source_not_found(query))])),
        [one] => card(engine, &mut answer, *one),
        many => {
            answer.push(Block::Para(vec![text(strings::source_ambiguous(
                many.len(),
            ))]));
            for id in many.iter().take(MAX_LISTED) {
                let a = engine.article(*id);
                answer.push(Block::Bullet(vec![
                    code(&a.doc),
                    text(" "),
                    em(strings::shorten(&a.meta.title, 100)),
                ]));
            }
            if many.len() > MAX_LISTED {
                answer.push(Block::Note(vec![text(strings::blocks_left_out(
                    many.len() - MAX_LISTED,
                ))]));
            }
        }
    }
    answer
}

fn by_prefix(engine: &Engine, query: &str) -> Vec<usize> {
    let q = query.trim().to_lowercase();
    if q.is_empty() || q.contains(' ') {
        return Vec::new();
    }
    let matches: Vec<usize> = engine
        .corpus
        .iter()
        .filter(|a| a.doc.to_lowercase().starts_with(&q))
        .map(|a| a.id)
        .collect();
    // An exact file name wins over longer names that share its prefix.
    match engine.corpus.iter().find(|a| a.doc.to_lowercase() == q) {
        Some(exact) => vec![exact.id],
        None => matches,
    }
}

fn by_title(engine: &Engine, query: &str) -> Vec<usize> {
    let wanted: HashSet<String> = engine
        .index
        .analyse(query)
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    if wanted.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(f32, usize)> = engine
        .corpus
        .iter()
        .map(|a| {
            let have: HashSet<String> = engine
                .index
                .analyse(&a.meta.title)
                .into_iter()
                .map(|(t, _)| t)
                .collect();
            (
                wanted.intersection(&have).count() as f32 / wanted.len() as f32,
                a.id,
            )
        })
        .filter(|(s, _)| *s >= MIN_TITLE_MATCH)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let Some(best) = scored.first().map(|s| s.0) else {
        return Vec::new();
    };
    scored
        .into_iter()
        .filter(|(s, _)| *s == best)
        .map(|(_, id)| id)
        .collect()
}

fn card(engine: &Engine, answer: &mut Answer, id: usize) {
    let Some(a) = engine.read(id) else {
        answer.push(Block::Note(vec![text(strings::file_changed(
            &engine.article(id).doc,
        ))]));
        return;
    };
    answer.push(Block::Heading(vec![text(&a.meta.title)]));
    if a.meta.title_derived {
        answer.push(Block::Note(vec![text(strings::DERIVED_TITLE)]));
    }
    let publisher = match (&a.meta.publisher, &a.meta.site) {
        (Some(p), Some(s)) => format!("{p} (via {s})"),
        (Some(p), None) => p.clone(),
        (None, Some(s)) => s.clone(),
        (None, None) => "not stated".to_string(),
    };
    let date = a
        .date_string()
        .unwrap_or_else(|| strings::UNDATED.to_string());
    let field = |name: &str, value: Inline| Block::Bullet(vec![strong(name), text(": "), value]);
    answer.push(field("Publisher", text(publisher)));
    answer.push(field("Date", text(date)));
    answer.push(field(
        "URL",
        a.url().map_or_else(|| text("none in the text"), code),
    ));
    answer.push(field(
        "Length",
        text(format!(
            "{} bytes, {} words of article text, {} passages",
            a.text.len(),
            a.word_count(),
            a.passages.len()
        )),
    ));
    answer.push(field("File", code(&a.doc)));
    if let Some(first) = a.passages.first() {
        let n = cite(answer, &a, first.range());
        answer.push(Block::Quote(vec![
            text(fold_whitespace(a.passage_text(0))),
            Inline::Cite(vec![n]),
        ]));
    }
    answer.items.push(Item::Source {
        doc: a.doc.clone(),
        title: a.meta.title.clone(),
        date: a.date_string(),
        url: a.url().map(str::to_string),
        publisher: a.meta.publisher.clone().or_else(|| a.meta.site.clone()),
    });
}
