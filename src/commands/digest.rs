//! `/digest [days]`: one entry per story (articles on one story grouped), each with its title,
//! date, a one-line lead quote and a citation per source.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use crate::answer::{Answer, Block, Inline, Item, em, fold_whitespace, text};
use crate::corpus::Article;
use crate::engine::Engine;
use crate::nlp::dates::DateValue;
use crate::nlp::stopwords;
use crate::strings;

/// Articles whose word vectors are at least this similar (cosine) report the same story.
const SAME_STORY: f32 = 0.3;
/// Dated articles further apart than this are different stories, however alike.
const SAME_STORY_DAYS: i64 = 10;
/// Most stories shown; the newest articles considered are a few times that.
const MAX_STORIES: usize = 25;
const MAX_ARTICLES: usize = 200;
const LEAD_CHARS: usize = 220;

pub fn digest(engine: &Engine, days: Option<u32>, now: SystemTime) -> Answer {
    let ids: Vec<usize> = match days {
        None => engine.corpus.iter().map(|a| a.id).collect(),
        Some(d) => {
            let since = now
                .checked_sub(Duration::from_secs(u64::from(d) * 86_400))
                .unwrap_or(SystemTime::UNIX_EPOCH);
            engine
                .corpus
                .iter()
                .filter(|a| a.modified.is_some_and(|m| m >= since))
                .map(|a| a.id)
                .collect()
        }
    };
    digest_of(engine, &ids, days)
}

/// The digest of the given articles (the scheduled digest passes the ones new since the last).
pub fn digest_of(engine: &Engine, ids: &[usize], days: Option<u32>) -> Answer {
    let query = days.map(|d| d.to_string()).unwrap_or_default();
    let mut answer = Answer::new("digest", query);
    if ids.is_empty() {
        answer.push(Block::Para(vec![text(strings::digest_nothing(days))]));
        return answer;
    }
    let mut ids = ids.to_vec();
    ids.sort_by(|a, b| newest_first(engine.article(*a), engine.article(*b)));
    ids.truncate(MAX_ARTICLES);
    let stories = stories(engine, &ids);
    answer.push(Block::Heading(vec![text(strings::digest_heading(
        stories.len(),
        ids.len(),
        days,
    ))]));
    for story in stories.iter().take(MAX_STORIES) {
        entry(engine, &mut answer, story);
    }
    if stories.len() > MAX_STORIES {
        answer.push(Block::Note(vec![text(strings::blocks_left_out(
            stories.len() - MAX_STORIES,
        ))]));
    }
    answer
}

fn entry(engine: &Engine, answer: &mut Answer, story: &[usize]) {
    // The story's face: a real headline if any article has one, else the newest.
    let lead = story
        .iter()
        .copied()
        .find(|id| !engine.article(*id).meta.title_derived)
        .unwrap_or(story[0]);
    let a = engine.article(lead);
    let date = story
        .iter()
        .filter_map(|id| engine.article(*id).meta.date)
        .max();
    let mut cites = vec![engine.cite_passage(answer, lead, 0)];
    for id in story.iter().filter(|id| **id != lead) {
        cites.push(engine.cite_passage(answer, *id, 0));
    }
    let mut line = vec![
        em(strings::shorten(&a.meta.title, 150)),
        text(format!(
            " ({})",
            date.map_or_else(|| strings::UNDATED.to_string(), |d| d.to_string())
        )),
    ];
    if story.len() > 1 {
        line.push(text(format!(", {}", strings::covered_by(story.len()))));
    }
    answer.push(Block::Bullet(line));
    answer.push(Block::Quote(vec![
        text(strings::shorten(
            &fold_whitespace(a.passage_text(0)),
            LEAD_CHARS,
        )),
        Inline::Cite(cites.clone()),
    ]));
    answer.items.push(Item::Digest {
        title: a.meta.title.clone(),
        date: date.map(|d| d.to_string()),
        docs: story
            .iter()
            .map(|id| engine.article(*id).doc.clone())
            .collect(),
        cite: cites[0],
    });
}

/// Newest article date first, then the most recently modified file; undated after dated.
fn newest_first(a: &Article, b: &Article) -> std::cmp::Ordering {
    b.meta
        .date
        .cmp(&a.meta.date)
        .then(b.modified.cmp(&a.modified))
        .then(a.doc.cmp(&b.doc))
}

/// Groups articles into stories: single-link clustering on TF-IDF cosine similarity.
/// Each story lists its articles newest first; stories come in the order of their newest article.
fn stories(engine: &Engine, ids: &[usize]) -> Vec<Vec<usize>> {
    let vectors: Vec<&HashMap<String, f32>> = ids
        .iter()
        .map(|id| {
            let a = engine.article(*id);
            a.term_counts.get_or_init(|| term_counts(engine, a))
        })
        .collect();
    let mut df: HashMap<&str, f32> = HashMap::new();
    for v in &vectors {
        for t in v.keys() {
            *df.entry(t.as_str()).or_default() += 1.0;
        }
    }
    let n = ids.len() as f32;
    let weighted: Vec<HashMap<&str, f32>> = vectors
        .iter()
        .map(|v| {
            let mut w: HashMap<&str, f32> = v
                .iter()
                .map(|(t, c)| (t.as_str(), c * (1.0 + n / df[t.as_str()]).ln()))
                .collect();
            let norm = w
                .values()
                .map(|x| x * x)
                .sum::<f32>()
                .sqrt()
                .max(f32::EPSILON);
            w.values_mut().for_each(|x| *x /= norm);
            w
        })
        .collect();
    let mut parent: Vec<usize> = (0..ids.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for i in 0..ids.len() {
        for j in i + 1..ids.len() {
            if !close_in_time(
                engine.article(ids[i]).meta.date,
                engine.article(ids[j]).meta.date,
            ) {
                continue;
            }
            let (small, large) = if weighted[i].len() < weighted[j].len() {
                (&weighted[i], &weighted[j])
            } else {
                (&weighted[j], &weighted[i])
            };
            let cos: f32 = small
                .iter()
                .filter_map(|(t, x)| large.get(t).map(|y| x * y))
                .sum();
            tracing::debug!(a = %engine.article(ids[i]).doc, b = %engine.article(ids[j]).doc, cos, "story similarity");
            if cos >= SAME_STORY {
                let (ri, rj) = (root(&mut parent, i), root(&mut parent, j));
                parent[ri.max(rj)] = ri.min(rj);
            }
        }
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut slot: HashMap<usize, usize> = HashMap::new();
    for (i, id) in ids.iter().enumerate() {
        let r = root(&mut parent, i);
        let g = *slot.entry(r).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(*id);
    }
    groups
}

fn close_in_time(a: Option<DateValue>, b: Option<DateValue>) -> bool {
    let (Some(a), Some(b)) = (a, b) else {
        return true;
    };
    let day = |d: DateValue| {
        chrono::NaiveDate::from_ymd_opt(d.year, d.month.unwrap_or(1), d.day.unwrap_or(1))
    };
    match (day(a), day(b)) {
        (Some(x), Some(y)) => (x - y).num_days().abs() <= SAME_STORY_DAYS,
        _ => true,
    }
}

/// Content words of the article and how often each occurs (computed once per article).
fn term_counts(engine: &Engine, a: &Article) -> HashMap<String, f32> {
    let mut counts: HashMap<String, f32> = HashMap::new();
    for p in 0..a.passages.len() {
        let s = a.passage_text(p);
        for (t, r) in engine.index.analyse(s) {
            if !stopwords::is_stopword(&s[r].to_lowercase())
                && t.len() > 2
                && !t.chars().all(|c| c.is_ascii_digit())
            {
                *counts.entry(t).or_default() += 1.0;
            }
        }
    }
    counts
}
