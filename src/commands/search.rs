//! `/search`: ranked passages with the matched words highlighted, grouped by article.

use std::collections::HashSet;

use crate::answer::{Answer, Block, Inline, Item, code, em, fold_whitespace, strong, text};
use crate::engine::{Engine, cite_passage};
use crate::index::{Hit, IndexError, Mode, UserQuery};
use crate::strings;

const MAX_ARTICLES: usize = 5;
const PER_ARTICLE: usize = 3;

pub fn search(engine: &Engine, words: &str) -> Result<Answer, IndexError> {
    let mut answer = Answer::new("search", words);
    let q = engine.index.parse_query(words);
    let mut found = engine
        .index
        .search_by_article(&q, Mode::All, PER_ARTICLE, MAX_ARTICLES)?;
    let mut partial = false;
    if found.total == 0 && q.terms.len() + q.phrases.len() > 1 {
        found = engine
            .index
            .search_by_article(&q, Mode::Any, PER_ARTICLE, MAX_ARTICLES)?;
        partial = found.total > 0;
    }
    if found.total == 0 {
        answer.push(Block::Para(vec![text(strings::search_nothing(words))]));
        return Ok(answer);
    }
    let groups = &found.articles;
    answer.push(Block::Heading(vec![text(strings::search_heading(
        words,
        found.article_count,
        found.total,
    ))]));
    if partial {
        answer.push(Block::Note(vec![text(strings::SEARCH_PARTIAL)]));
    }
    let highlight = highlight_terms(&q);
    for group in groups.iter().take(MAX_ARTICLES) {
        // A file changed since it was analysed is left out until the watcher reloads it.
        let Some(article) = engine.read(group.article) else {
            continue;
        };
        let date = article
            .date_string()
            .unwrap_or_else(|| strings::UNDATED.to_string());
        answer.push(Block::Para(vec![
            em(strings::shorten(&article.meta.title, 120)),
            text(format!(" ({date}) ")),
            code(&article.doc),
        ]));
        // Shown in reading order, chosen by rank.
        let mut shown: Vec<&Hit> = group.top.iter().take(PER_ARTICLE).collect();
        shown.sort_by_key(|h| h.passage);
        for h in shown {
            let n = cite_passage(&mut answer, &article, h.passage);
            let mut parts = highlighted(engine, article.passage_text(h.passage), &highlight);
            parts.push(Inline::Cite(vec![n]));
            answer.push(Block::Quote(parts));
            answer.items.push(Item::Search {
                doc: article.doc.clone(),
                score: h.score,
                cite: n,
            });
        }
        if group.count > PER_ARTICLE {
            answer.push(Block::Note(vec![text(strings::more_hits_in_article(
                group.count - PER_ARTICLE,
            ))]));
        }
    }
    if found.article_count > groups.len() {
        let shown: usize = groups.iter().map(|g| g.count).sum();
        answer.push(Block::Note(vec![text(strings::more_hits_elsewhere(
            found.total - shown,
            found.article_count - groups.len(),
        ))]));
    }
    Ok(answer)
}

fn highlight_terms(q: &UserQuery) -> HashSet<String> {
    q.terms
        .iter()
        .map(|t| t.term.clone())
        .chain(q.phrases.iter().flatten().cloned())
        .collect()
}

/// The passage with every word that matched the query in bold.
fn highlighted(engine: &Engine, passage: &str, terms: &HashSet<String>) -> Vec<Inline> {
    let mut parts = Vec::new();
    let mut pos = 0;
    for (term, r) in engine.index.analyse(passage) {
        if !terms.contains(&term) {
            continue;
        }
        if r.start > pos {
            parts.push(text(fold_whitespace(&passage[pos..r.start])));
        }
        parts.push(strong(&passage[r.clone()]));
        pos = r.end;
    }
    if pos < passage.len() {
        parts.push(text(fold_whitespace(&passage[pos..])));
    }
    parts
}
