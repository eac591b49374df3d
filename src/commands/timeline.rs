//! `/timeline [topic]`: dated events in ascending order, grouped by date, each the verbatim
//! sentence that holds the date; an event reported by several articles is shown once.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use crate::answer::{Answer, Block, Inline, Item, fold_whitespace, strong, text};
use crate::engine::Engine;
use crate::index::IndexError;
use crate::nlp::{self, dates, dates::DateValue, dates::Granularity};
use crate::strings;

/// Two sentences on the same date sharing this much of their content words are one event.
const SAME_EVENT_JACCARD: f32 = 0.5;
/// Passages a topic may select.
const MAX_TOPIC_PASSAGES: usize = 5000;

/// One event, and the other articles' passages that report it.
struct Entry {
    date: DateValue,
    article: usize,
    passage: usize,
    expr: std::ops::Range<usize>,
    also: Vec<(usize, usize)>,
    /// Content words (hashed, sorted), worked out only when another article has an event
    /// on the same date.
    words: Option<Vec<u64>>,
}

impl Entry {
    fn words(&mut self, engine: &Engine) -> &[u64] {
        self.words.get_or_insert_with(|| {
            let words =
                engine.content_words(engine.article(self.article).passage_text(self.passage));
            let mut hashed: Vec<u64> = words
                .iter()
                .map(|w| {
                    let mut h = std::hash::DefaultHasher::new();
                    w.hash(&mut h);
                    h.finish()
                })
                .collect();
            hashed.sort_unstable();
            hashed.dedup();
            hashed
        })
    }
}

pub fn timeline(engine: &Engine, topic: Option<&str>) -> Result<Answer, IndexError> {
    let mut answer = Answer::new("timeline", topic.unwrap_or(""));
    let allowed = match topic {
        Some(t) => Some(topic_passages(engine, t)?),
        None => None,
    };
    let mut entries: Vec<Entry> = Vec::new();
    let mut push = |a: &crate::corpus::Article, ev: &crate::corpus::Event| {
        entries.push(Entry {
            date: ev.date,
            article: a.id,
            passage: ev.passage,
            expr: ev.expr.clone(),
            also: Vec::new(),
            words: None,
        })
    };
    match &allowed {
        // A topic: only its passages are looked at, so the cost follows the topic.
        Some(set) => {
            for &(id, p) in set {
                let a = engine.article(id);
                if let Ok(i) = a.events.binary_search_by_key(&p, |ev| ev.passage) {
                    push(a, &a.events[i]);
                }
            }
        }
        None => {
            for a in engine.corpus.iter() {
                for ev in &a.events {
                    push(a, ev);
                }
            }
        }
    }
    entries.sort_by(|x, y| {
        x.date
            .cmp(&y.date)
            .then(x.article.cmp(&y.article))
            .then(x.passage.cmp(&y.passage))
    });
    let entries = merge_same_events(engine, entries);
    if entries.is_empty() {
        answer.push(Block::Para(vec![text(strings::timeline_nothing(topic))]));
        return Ok(answer);
    }
    answer.push(Block::Heading(vec![text(strings::timeline_heading(
        topic,
        entries.len(),
    ))]));
    let mut last_date = None;
    for e in &entries {
        if last_date != Some(e.date) {
            answer.push(Block::Para(vec![strong(display_date(e.date))]));
            last_date = Some(e.date);
        }
        let a = engine.article(e.article);
        let mut cites = vec![engine.cite_passage(&mut answer, e.article, e.passage)];
        for (article, passage) in &e.also {
            cites.push(engine.cite_passage(&mut answer, *article, *passage));
        }
        let range = a.passages[e.passage].range.clone();
        let sentence = &a.text[range.clone()];
        let (before, expr, after) = (
            &a.text[range.start..e.expr.start],
            &a.text[e.expr.clone()],
            &a.text[e.expr.end..range.end],
        );
        let mut parts = Vec::new();
        if !before.is_empty() {
            parts.push(text(fold_whitespace(before)));
        }
        parts.push(strong(fold_whitespace(expr)));
        if !after.is_empty() {
            parts.push(text(fold_whitespace(after)));
        }
        parts.push(Inline::Cite(cites.clone()));
        answer.push(Block::Quote(parts));
        answer.items.push(Item::Timeline {
            date: e.date.to_string(),
            event: sentence.to_string(),
            cite: cites[0],
        });
    }
    Ok(answer)
}

/// Passages that name the topic, and their neighbours: a date often sits in the sentence
/// next to the one that names the topic.
fn topic_passages(engine: &Engine, topic: &str) -> Result<HashSet<(usize, usize)>, IndexError> {
    let q = engine.index.parse_query(topic);
    let mut set = HashSet::new();
    for h in engine.passages_naming(&q, MAX_TOPIC_PASSAGES)? {
        let n = engine.article(h.article).passages.len();
        set.insert((h.article, h.passage));
        if h.passage > 0 {
            set.insert((h.article, h.passage - 1));
        }
        if h.passage + 1 < n {
            set.insert((h.article, h.passage + 1));
        }
    }
    Ok(set)
}

/// Folds entries of one date that report the same event in different articles.
fn merge_same_events(engine: &Engine, entries: Vec<Entry>) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    for mut e in entries {
        let mut same = None;
        for (i, o) in out.iter_mut().enumerate().rev() {
            if o.date != e.date {
                break;
            }
            if o.article != e.article
                && !o.also.iter().any(|(a, _)| *a == e.article)
                && nlp::jaccard_sorted(o.words(engine), e.words(engine)) >= SAME_EVENT_JACCARD
            {
                same = Some(i);
                break;
            }
        }
        match same {
            Some(i) => out[i].also.push((e.article, e.passage)),
            None => out.push(e),
        }
    }
    out
}

/// A date at its granularity: `2025-07-09`, `July 2025`, `2014`.
pub fn display_date(d: DateValue) -> String {
    match (d.granularity(), d.month) {
        (Granularity::Month, Some(m)) if (1..=12).contains(&m) => {
            format!("{} {}", dates::FULL_MONTHS[m as usize - 1], d.year)
        }
        _ => d.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_show_at_their_granularity() {
        assert_eq!(
            display_date(DateValue::day(2025, 7, 9).unwrap()),
            "2025-07-09"
        );
        assert_eq!(
            display_date(DateValue::month(2025, 7).unwrap()),
            "July 2025"
        );
        assert_eq!(display_date(DateValue::year(2014)), "2014");
    }
}
