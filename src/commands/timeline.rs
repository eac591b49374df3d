//! `/timeline [topic]`: dated events in ascending order, grouped by date, each the verbatim
//! sentence that holds the date; an event reported by several articles is shown once.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::answer::{Answer, Block, Inline, Item, fold_whitespace, strong, text};
use crate::corpus::{Article, Event, EventWords, Opened};
use crate::engine::{Engine, cite_passage};
use crate::index::IndexError;
use crate::nlp::{self, dates, dates::DateValue, dates::Granularity, stopwords};
use crate::strings;

/// Two sentences on the same date sharing this much of their content words are one event.
const SAME_EVENT_JACCARD: f32 = 0.5;
/// Passages a topic may select.
const MAX_TOPIC_PASSAGES: usize = 5000;

/// One event, and the other articles' passages that report it.
struct Entry<'e> {
    date: DateValue,
    article: &'e Article,
    /// Its position in `article.events`.
    event: usize,
    passage: usize,
    expr: std::ops::Range<usize>,
    /// The other articles' (article, passage).
    also: Vec<(&'e Article, usize)>,
    /// Content words, looked up only when another article has an event on the same date.
    words: Option<&'e [u32]>,
}

impl<'e> Entry<'e> {
    fn words(&mut self, engine: &Engine) -> &'e [u32] {
        let (article, event) = (self.article, self.event);
        self.words
            .get_or_insert_with(|| event_words(engine, article, event))
    }
}

/// The content words of the passage of `article.events[event]`, hashed and sorted: worked
/// out once per event and kept with the article, since the same events meet again in
/// every timeline whose topic they match. Hashes are 32-bit: a large corpus keeps millions
/// of these lists, and a collision only adds one shared word to one comparison.
fn event_words<'e>(engine: &Engine, article: &'e Article, event: usize) -> &'e [u32] {
    let slots = article.event_words.get_or_init(|| {
        (0..article.events.len())
            .map(|_| EventWords::new())
            .collect()
    });
    slots[event].get_or_init(|| match engine.read(article.id) {
        Some(a) => content_word_hashes(engine, a.passage_text(a.events[event].passage())),
        // Left out of every reply until reloaded: it shares no words.
        None => Vec::new(),
    })
}

/// `Engine::content_words` of `s`, hashed, sorted and de-duplicated, without a `String` or a
/// set per word.
fn content_word_hashes(engine: &Engine, s: &str) -> Vec<u32> {
    let mut hashed = Vec::new();
    engine.index.for_each_term(s, |term, r| {
        if !stopwords::is_stopword_as_written(&s[r]) {
            hashed.push(nlp::word_hash(term) as u32);
        }
    });
    hashed.sort_unstable();
    hashed.dedup();
    hashed
}

pub fn timeline(engine: &Engine, topic: Option<&str>) -> Result<Answer, IndexError> {
    let mut answer = Answer::new("timeline", topic.unwrap_or(""));
    let entries = events(engine, topic)?;
    // Its count is of the events quoted, known at the end.
    answer.push(Block::Heading(Vec::new()));
    let mut last_date = None;
    for chunk in entries.chunks(READ_CHUNK) {
        let opened = read_all(engine, chunk);
        let read = |id: usize| opened.get(&id).and_then(Option::as_ref);
        for e in chunk {
            // An article whose file changed is left out until reloaded, and so is its date
            // when no other event falls on it.
            let Some(a) = read(e.article.id) else {
                continue;
            };
            if last_date != Some(e.date) {
                answer.push(Block::Para(vec![strong(display_date(e.date))]));
                last_date = Some(e.date);
            }
            quote(&mut answer, e, a, read);
        }
    }
    answer.blocks[0] = match answer.items.len() {
        0 => Block::Para(vec![text(strings::timeline_nothing(topic))]),
        quoted => Block::Heading(vec![text(strings::timeline_heading(topic, quoted))]),
    };
    Ok(answer)
}

/// Entries whose files are read side by side before they are quoted in order: a topic's
/// timeline quotes thousands of articles, and reading (and checking) their files is most of
/// its time.
const READ_CHUNK: usize = 256;

/// The articles `entries` quote, read on every core; None for a file changed since it was
/// analysed (left out until reloaded).
fn read_all<'e>(engine: &'e Engine, entries: &[Entry]) -> FxHashMap<usize, Option<Opened<'e>>> {
    let mut ids: Vec<usize> = entries
        .iter()
        .flat_map(|e| std::iter::once(e.article.id).chain(e.also.iter().map(|(a, _)| a.id)))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.into_par_iter()
        .map(|id| (id, engine.read(id)))
        .collect()
}

/// Quotes entry `e`'s sentence from its article `a`, its date in bold, citing every
/// article that reports it (those `read` still can).
fn quote<'o>(
    answer: &mut Answer,
    e: &Entry,
    a: &Opened,
    read: impl Fn(usize) -> Option<&'o Opened<'o>>,
) {
    let mut cites = vec![cite_passage(answer, a, e.passage)];
    for (article, passage) in &e.also {
        if let Some(other) = read(article.id) {
            cites.push(cite_passage(answer, other, *passage));
        }
    }
    let range = a.passages[e.passage].range();
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

/// The dated events of the topic's passages (of the whole corpus without one), by date,
/// one entry per event however many articles report it.
fn events<'e>(engine: &'e Engine, topic: Option<&str>) -> Result<Vec<Entry<'e>>, IndexError> {
    let allowed = match topic {
        Some(t) => Some(topic_passages(engine, t)?),
        None => None,
    };
    let mut entries: Vec<Entry> = Vec::new();
    let mut push = |a, event: usize, ev: &Event| {
        entries.push(Entry {
            date: ev.date(),
            article: a,
            event,
            passage: ev.passage(),
            expr: ev.expr(),
            also: Vec::new(),
            words: None,
        })
    };
    match &allowed {
        // A topic: only its passages are looked at, so the cost follows the topic.
        Some(passages) => {
            for &(a, p) in passages {
                if let Ok(i) = a.events.binary_search_by_key(&p, |ev| ev.passage()) {
                    push(a, i, &a.events[i]);
                }
            }
        }
        None => {
            for a in engine.corpus.iter() {
                for (i, ev) in a.events.iter().enumerate() {
                    push(a, i, ev);
                }
            }
        }
    }
    entries.sort_by(|x, y| {
        x.date
            .cmp(&y.date)
            .then(x.article.id.cmp(&y.article.id))
            .then(x.passage.cmp(&y.passage))
    });
    Ok(merge_same_events(engine, entries))
}

/// Passages that name the topic, and their neighbours: a date often sits in the sentence
/// next to the one that names the topic.
fn topic_passages<'e>(
    engine: &'e Engine,
    topic: &str,
) -> Result<Vec<(&'e Article, usize)>, IndexError> {
    let q = engine.index.parse_query(topic);
    let mut hits: Vec<(usize, usize)> = engine
        .passages_naming(&q, MAX_TOPIC_PASSAGES)?
        .iter()
        .map(|h| (h.article, h.passage))
        .collect();
    hits.sort_unstable();
    // Article by article, each looked up once.
    let mut out = Vec::new();
    let mut around = Vec::new();
    for group in hits.chunk_by(|x, y| x.0 == y.0) {
        let a = engine.article(group[0].0);
        let last = a.passages.len() - 1;
        around.clear();
        for &(_, p) in group {
            around.extend(p.saturating_sub(1)..=(p + 1).min(last));
        }
        around.sort_unstable();
        around.dedup();
        out.extend(around.iter().map(|&p| (a, p)));
    }
    Ok(out)
}

/// Folds entries of one date that report the same event in different articles.
fn merge_same_events<'e>(engine: &Engine, entries: Vec<Entry<'e>>) -> Vec<Entry<'e>> {
    let same_event = nlp::JaccardAtLeast::new(SAME_EVENT_JACCARD);
    let mut out: Vec<Entry> = Vec::new();
    for mut e in entries {
        let mut same = None;
        for (i, o) in out.iter_mut().enumerate().rev() {
            if o.date != e.date {
                break;
            }
            if o.article.id != e.article.id
                && !o.also.iter().any(|(a, _)| a.id == e.article.id)
                && same_event.test(o.words(engine), e.words(engine))
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
    use std::collections::HashSet;

    use super::*;

    fn synthetic_engine() -> (tempfile::TempDir, Engine) {
        let dir = tempfile::tempdir().unwrap();
        crate::synth::generate(dir.path(), 150, 3).unwrap();
        let engine = Engine::load(dir.path()).unwrap();
        (dir, engine)
    }

    type Merged = Vec<(DateValue, usize, usize, Vec<(usize, usize)>)>;

    /// The merge as first written: each passage's content words a set of strings, worked
    /// out at each comparison.
    fn merged_straightforwardly(engine: &Engine, topic: Option<&str>) -> Merged {
        // The topic's passages and their neighbours, as a set.
        let allowed: Option<HashSet<(usize, usize)>> = topic.map(|t| {
            let q = engine.index.parse_query(t);
            let mut set = HashSet::new();
            for h in engine.passages_naming(&q, MAX_TOPIC_PASSAGES).unwrap() {
                let n = engine.article(h.article).passages.len();
                for p in h.passage.saturating_sub(1)..(h.passage + 2).min(n) {
                    set.insert((h.article, p));
                }
            }
            set
        });
        let mut entries: Vec<(DateValue, usize, usize)> = engine
            .corpus
            .iter()
            .flat_map(|a| a.events.iter().map(|ev| (ev.date(), a.id, ev.passage())))
            .filter(|(_, a, p)| allowed.as_ref().is_none_or(|s| s.contains(&(*a, *p))))
            .collect();
        entries.sort();
        let words =
            |a: usize, p: usize| engine.content_words(engine.read(a).unwrap().passage_text(p));
        let mut out: Merged = Vec::new();
        for (date, a, p) in entries {
            let same = out.iter().rev().take_while(|o| o.0 == date).position(|o| {
                o.1 != a
                    && !o.3.iter().any(|(x, _)| *x == a)
                    && nlp::jaccard(&words(o.1, o.2), &words(a, p)) >= SAME_EVENT_JACCARD
            });
            match same {
                Some(back) => {
                    let i = out.len() - 1 - back;
                    out[i].3.push((a, p));
                }
                None => out.push((date, a, p, Vec::new())),
            }
        }
        out
    }

    #[test]
    fn merged_events_match_the_straightforward_merge() {
        let (_dir, engine) = synthetic_engine();
        let topics = [None, Some("tariffs"), Some("ferry route"), Some("drought")];
        let mut folded = 0;
        for topic in topics {
            let expected = merged_straightforwardly(&engine, topic);
            folded += expected.iter().filter(|e| !e.3.is_empty()).count();
            // Twice: with the words worked out, then with them kept in the articles.
            for _ in 0..2 {
                let got: Merged = events(&engine, topic)
                    .unwrap()
                    .into_iter()
                    .map(|e| {
                        let also = e.also.iter().map(|(a, p)| (a.id, *p)).collect();
                        (e.date, e.article.id, e.passage, also)
                    })
                    .collect();
                assert_eq!(got, expected, "topic {topic:?}");
            }
        }
        assert!(folded > 0, "no event was reported twice");
    }

    #[test]
    fn every_event_is_quoted_in_order_with_all_its_reports_across_read_chunks() {
        let (_dir, engine) = synthetic_engine();
        let entries = events(&engine, None).unwrap();
        assert!(entries.len() > 2 * READ_CHUNK, "{} events", entries.len());
        let answer = timeline(&engine, None).unwrap();
        let items: Vec<(&String, &String, usize)> = answer
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Timeline { date, event, cite } => Some((date, event, *cite)),
                _ => None,
            })
            .collect();
        assert_eq!(items.len(), entries.len());
        let mut quotes = answer.blocks.iter().filter_map(|b| match b {
            Block::Quote(parts) => parts.last(),
            _ => None,
        });
        for (e, (date, event, cite)) in entries.iter().zip(items) {
            assert_eq!(*date, e.date.to_string());
            let c = &answer.citations[cite - 1];
            assert_eq!((&c.doc, &c.excerpt), (&e.article.doc, event));
            let Some(Inline::Cite(cites)) = quotes.next() else {
                panic!("a quote without citations");
            };
            let cited: Vec<&str> = cites
                .iter()
                .map(|n| answer.citations[n - 1].doc.as_str())
                .collect();
            let reports: Vec<&str> = std::iter::once(e.article)
                .chain(e.also.iter().map(|(a, _)| *a))
                .map(|a| a.doc.as_str())
                .collect();
            assert_eq!(cited, reports);
        }
        let dates: HashSet<DateValue> = entries.iter().map(|e| e.date).collect();
        let headings = answer
            .blocks
            .iter()
            .filter(|b| matches!(b, Block::Para(_)))
            .count();
        assert_eq!(headings, dates.len());
    }

    #[test]
    fn an_article_whose_file_changed_is_left_out_with_its_date() {
        let (dir, engine) = synthetic_engine();
        // A date only one event of the corpus falls on, found without reading any file (a
        // text once read is served as analysed, whatever the file holds after).
        let mut on_date: FxHashMap<DateValue, Vec<&Article>> = FxHashMap::default();
        for a in engine.corpus.iter() {
            for ev in a.events.iter() {
                on_date.entry(ev.date()).or_default().push(a);
            }
        }
        let (&date, articles) = on_date
            .iter()
            .filter(|(_, articles)| articles.len() == 1)
            .min_by_key(|(date, _)| **date)
            .expect("a date with one event");
        let doc = &articles[0].doc;
        let path = dir.path().join(doc);
        let mut changed = std::fs::read(&path).unwrap();
        changed.extend_from_slice(b"\nA line added since.\n");
        std::fs::write(&path, changed).unwrap();

        let answer = timeline(&engine, None).unwrap();
        assert!(answer.citations.iter().all(|c| &c.doc != doc));
        // The count is of the events shown.
        let count = strings::timeline_heading(None, answer.items.len());
        assert_eq!(answer.blocks[0], Block::Heading(vec![text(count)]));
        let heading = Block::Para(vec![strong(display_date(date))]);
        assert!(!answer.blocks.contains(&heading), "{heading:?}");
        // Every date shown has its events under it.
        for (i, b) in answer.blocks.iter().enumerate() {
            if matches!(b, Block::Para(_)) {
                assert!(
                    matches!(answer.blocks.get(i + 1), Some(Block::Quote(_))),
                    "a date with no event: {b:?}"
                );
            }
        }
        assert!(answer.items.len() > 100);
    }

    #[test]
    fn hashed_content_words_are_the_hashed_set() {
        let (_dir, engine) = synthetic_engine();
        let mut texts = vec![
            "The U.S. and the E.U. agreed on Tuesday, The THE the Über-café reopened.",
            "",
            "a an the of",
        ];
        let a = engine
            .read(engine.corpus.iter().next().unwrap().id)
            .unwrap();
        texts.extend((0..a.passages.len()).map(|p| a.passage_text(p)));
        for s in texts {
            let mut expected: Vec<u32> = engine
                .content_words(s)
                .iter()
                .map(|w| nlp::word_hash(w) as u32)
                .collect();
            expected.sort_unstable();
            expected.dedup();
            assert_eq!(content_word_hashes(&engine, s), expected, "{s}");
        }
    }

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
