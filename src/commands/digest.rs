//! `/digest [days]`: one entry per story (articles on one story grouped), each with its title,
//! date, a one-line lead quote and a citation per source.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use crate::answer::{Answer, Block, Inline, Item, em, fold_whitespace, text};
use crate::corpus::{Article, Opened};
use crate::engine::{Engine, cite_passage};
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
    let since = days.map(|d| {
        now.checked_sub(Duration::from_secs(u64::from(d) * 86_400))
            .unwrap_or(SystemTime::UNIX_EPOCH)
    });
    let articles = engine
        .corpus
        .iter()
        .filter(|a| since.is_none_or(|since| a.modified.is_some_and(|m| m >= since)));
    digest_from(engine, newest(articles, MAX_ARTICLES), days)
}

/// The digest of the given articles (the scheduled digest passes the ones new since the last).
pub fn digest_of(engine: &Engine, ids: &[usize], days: Option<u32>) -> Answer {
    let articles = ids.iter().map(|id| engine.article(*id));
    digest_from(engine, newest(articles, MAX_ARTICLES), days)
}

/// The digest of `articles`, newest first.
fn digest_from(engine: &Engine, articles: Vec<&Article>, days: Option<u32>) -> Answer {
    let query = days.map(|d| d.to_string()).unwrap_or_default();
    let mut answer = Answer::new("digest", query);
    if articles.is_empty() {
        answer.push(Block::Para(vec![text(strings::digest_nothing(days))]));
        return answer;
    }
    let ids: Vec<usize> = articles.iter().map(|a| a.id).collect();
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
    // Articles whose files changed since they were analysed are left out until reloaded.
    let story: Vec<Opened> = story.iter().filter_map(|id| engine.read(*id)).collect();
    // The story's face: a real headline if any article has one, else the newest.
    let Some(a) = story
        .iter()
        .find(|a| !a.meta.title_derived)
        .or(story.first())
    else {
        return;
    };
    let date = story.iter().filter_map(|a| a.meta.date).max();
    let mut cites = vec![cite_passage(answer, a, 0)];
    for other in story.iter().filter(|o| o.id != a.id) {
        cites.push(cite_passage(answer, other, 0));
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
        docs: story.iter().map(|a| a.doc.clone()).collect(),
        cite: cites[0],
    });
}

/// The `n` newest of `articles` (by `newest_first`), newest first: a selection, then a sort
/// of the few selected, so a digest over a large archive does not sort all of it. The dates
/// and times sit side by side in one vector, so most comparisons touch no article.
fn newest<'a>(articles: impl Iterator<Item = &'a Article>, n: usize) -> Vec<&'a Article> {
    type Keyed<'a> = (Option<DateValue>, Option<SystemTime>, &'a Article);
    let order = |x: &Keyed, y: &Keyed| {
        y.0.cmp(&x.0)
            .then(y.1.cmp(&x.1))
            .then_with(|| x.2.doc.cmp(&y.2.doc))
    };
    let mut keyed: Vec<Keyed> = articles.map(|a| (a.meta.date, a.modified, a)).collect();
    if keyed.len() > n {
        keyed.select_nth_unstable_by(n, order);
        keyed.truncate(n);
    }
    keyed.sort_by(order);
    keyed.into_iter().map(|(_, _, a)| a).collect()
}

/// Groups articles into stories: single-link clustering on TF-IDF cosine similarity.
/// Each story lists its articles newest first; stories come in the order of their newest article.
fn stories(engine: &Engine, ids: &[usize]) -> Vec<Vec<usize>> {
    let vectors: Vec<&HashMap<String, f32>> = ids
        .iter()
        .map(|id| {
            let a = engine.article(*id);
            a.term_counts.get_or_init(|| match engine.read(*id) {
                Some(a) => term_counts(engine, &a),
                // Left out of every reply until reloaded: it shares no words.
                None => HashMap::new(),
            })
        })
        .collect();
    // Terms numbered for this digest, with their document frequency.
    let mut term_ids: HashMap<&str, u32> = HashMap::new();
    let mut df: Vec<f32> = Vec::new();
    for v in &vectors {
        for t in v.keys() {
            let id = *term_ids.entry(t.as_str()).or_insert_with(|| {
                df.push(0.0);
                df.len() as u32 - 1
            });
            df[id as usize] += 1.0;
        }
    }
    let n = ids.len() as f32;
    // Unit TF-IDF vectors, sorted by term number so that a dot product is one merge.
    let weighted: Vec<Vec<(u32, f32)>> = vectors
        .iter()
        .map(|v| {
            let mut w: Vec<(u32, f32)> = v
                .iter()
                .map(|(t, c)| {
                    let id = term_ids[t.as_str()];
                    (id, c * (1.0 + n / df[id as usize]).ln())
                })
                .collect();
            w.sort_unstable_by_key(|(id, _)| *id);
            let norm = w
                .iter()
                .map(|(_, x)| x * x)
                .sum::<f32>()
                .sqrt()
                .max(f32::EPSILON);
            w.iter_mut().for_each(|(_, x)| *x /= norm);
            w
        })
        .collect();
    let days: Vec<Option<i64>> = ids
        .iter()
        .map(|id| engine.article(*id).meta.date.and_then(day_number))
        .collect();
    let mut parent: Vec<usize> = (0..ids.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for (i, j, cos) in similar_pairs(&weighted, &days, df.len()) {
        tracing::trace!(a = %engine.article(ids[i]).doc, b = %engine.article(ids[j]).doc, cos, "story similarity");
        let (ri, rj) = (root(&mut parent, i), root(&mut parent, j));
        parent[ri.max(rj)] = ri.min(rj);
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

/// The pairs `i < j` of vectors (sparse, sorted by term, terms below `terms`) whose cosine
/// reaches `SAME_STORY`, unless their days are too far apart, with the cosine. The products
/// are summed term by term over lists of the vectors holding each term, so the cost follows
/// the shared terms, not every pair's terms; each pair's sum still runs over its shared terms
/// in order, as `dot`'s does, so it is the same.
fn similar_pairs(
    vectors: &[Vec<(u32, f32)>],
    days: &[Option<i64>],
    terms: usize,
) -> Vec<(usize, usize, f32)> {
    // For each term, the vectors that hold it and their weights, in vector order.
    let mut holders: Vec<Vec<(u32, f32)>> = vec![Vec::new(); terms];
    for (i, v) in vectors.iter().enumerate() {
        for &(t, x) in v {
            holders[t as usize].push((i as u32, x));
        }
    }
    // How far each term's list has been passed: vector `i` is next in the lists of its terms.
    let mut passed = vec![0usize; terms];
    let mut sums = vec![0.0f32; vectors.len()];
    let mut out = Vec::new();
    for (i, v) in vectors.iter().enumerate() {
        for &(t, x) in v {
            let list = &holders[t as usize];
            let next = &mut passed[t as usize];
            *next += 1;
            for &(j, y) in &list[*next..] {
                sums[j as usize] += x * y;
            }
        }
        for j in i + 1..vectors.len() {
            let cos = std::mem::take(&mut sums[j]);
            let apart =
                matches!((days[i], days[j]), (Some(x), Some(y)) if (x - y).abs() > SAME_STORY_DAYS);
            if cos >= SAME_STORY && !apart {
                out.push((i, j, cos));
            }
        }
    }
    out
}

/// The dot product of two sparse vectors sorted by term.
#[cfg(test)]
fn dot(a: &[(u32, f32)], b: &[(u32, f32)]) -> f32 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

/// Days since 1970 of a date's first day.
fn day_number(d: DateValue) -> Option<i64> {
    chrono::NaiveDate::from_ymd_opt(d.year, d.month.unwrap_or(1), d.day.unwrap_or(1))
        .map(|d| (d - chrono::NaiveDate::default()).num_days())
}

/// Content words of the article and how often each occurs (computed once per article).
fn term_counts(engine: &Engine, a: &Opened) -> HashMap<String, f32> {
    let mut counts: HashMap<String, f32> = HashMap::new();
    for p in 0..a.passages.len() {
        let s = a.passage_text(p);
        for (t, r) in engine.index.analyse(s) {
            if !stopwords::is_stopword_as_written(&s[r])
                && t.len() > 2
                && !t.chars().all(|c| c.is_ascii_digit())
            {
                *counts.entry(t).or_default() += 1.0;
            }
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparse_dot_product_meets_on_shared_terms() {
        let a = [(1, 0.5), (3, 0.5), (7, 1.0)];
        let b = [(0, 2.0), (3, 2.0), (7, 0.25), (9, 4.0)];
        assert_eq!(dot(&a, &b), 0.5 * 2.0 + 1.0 * 0.25);
        assert_eq!(dot(&a, &[]), 0.0);
        assert_eq!(dot(&[(2, 1.0)], &[(1, 1.0), (3, 1.0)]), 0.0);
    }

    #[test]
    fn newest_selects_then_sorts() {
        let dir = tempfile::tempdir().unwrap();
        let stories = [
            (
                "2024-03-01",
                "The harbour council voted to rebuild the old ferry pier by spring.",
            ),
            (
                "2025-01-02",
                "Farmers in the northern valley reported the driest winter in decades.",
            ),
            (
                "2023-07-04",
                "A new library opened downtown with a large collection of maps.",
            ),
            (
                "2025-06-30",
                "The regional airline cancelled its evening flights after a strike.",
            ),
            (
                "2024-12-24",
                "Volunteers served holiday meals to hundreds of families at the shelter.",
            ),
        ];
        for (i, (date, lead)) in stories.iter().enumerate() {
            let text =
                format!("Published: {date}\n\nStory {i}\n\n{lead} Officials confirmed it later.\n");
            std::fs::write(dir.path().join(format!("a{i}.txt")), text).unwrap();
        }
        let engine = Engine::load(dir.path()).unwrap();
        assert_eq!(engine.corpus.len(), 5);
        let dates = |n: usize| -> Vec<String> {
            newest(engine.corpus.iter(), n)
                .iter()
                .map(|a| a.date_string().unwrap_or_default())
                .collect()
        };
        assert_eq!(dates(3), ["2025-06-30", "2025-01-02", "2024-12-24"]);
        assert_eq!(dates(10).len(), 5);
    }

    /// Newest article date first, then the most recently modified file; undated after dated.
    fn newest_first(a: &Article, b: &Article) -> std::cmp::Ordering {
        b.meta
            .date
            .cmp(&a.meta.date)
            .then(b.modified.cmp(&a.modified))
            .then(a.doc.cmp(&b.doc))
    }

    #[test]
    fn newest_is_the_head_of_the_full_sort() {
        // Few dates and two modification times, so that ties go down to the names.
        let dir = tempfile::tempdir().unwrap();
        let times = [
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_750_000_000),
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_760_000_000),
        ];
        for i in 0..40 {
            let date = ["", "Published: 2025-03-01\n\n", "Published: 2025-03-02\n\n"][i % 3];
            let text = format!(
                "{date}Story number {i}\n\nThe council met about item {i} and agreed on it.\n"
            );
            let path = dir.path().join(format!("f{:02}.txt", (i * 7) % 40));
            std::fs::write(&path, text).unwrap();
            let file = std::fs::File::options().write(true).open(&path).unwrap();
            file.set_modified(times[i % 2]).unwrap();
        }
        let engine = Engine::load(dir.path()).unwrap();
        let mut all: Vec<&Article> = engine.corpus.iter().collect();
        assert_eq!(all.len(), 40);
        all.sort_by(|a, b| newest_first(a, b));
        for n in 0..45 {
            let got: Vec<&str> = newest(engine.corpus.iter(), n)
                .iter()
                .map(|a| a.doc.as_str())
                .collect();
            let want: Vec<&str> = all.iter().take(n).map(|a| a.doc.as_str()).collect();
            assert_eq!(got, want, "n = {n}");
        }
    }

    #[test]
    fn similar_pairs_match_pairwise_dot_products() {
        let mut rng = crate::synth::Rng::new(5);
        let terms = 40;
        let vectors: Vec<Vec<(u32, f32)>> = (0..40)
            .map(|_| {
                let mut v: Vec<(u32, f32)> = (0..rng.range(0, 25))
                    .map(|_| {
                        (
                            rng.below(terms) as u32,
                            0.05 + rng.below(100) as f32 / 400.0,
                        )
                    })
                    .collect();
                v.sort_unstable_by_key(|(t, _)| *t);
                v.dedup_by_key(|(t, _)| *t);
                // Unit length, as `stories` weighs them.
                let norm = v
                    .iter()
                    .map(|(_, x)| x * x)
                    .sum::<f32>()
                    .sqrt()
                    .max(f32::EPSILON);
                v.iter_mut().for_each(|(_, x)| *x /= norm);
                v
            })
            .collect();
        let days: Vec<Option<i64>> = (0..40)
            .map(|i| (i % 5 != 0).then_some(rng.below(30) as i64))
            .collect();
        let mut want = Vec::new();
        for i in 0..vectors.len() {
            for j in i + 1..vectors.len() {
                if let (Some(x), Some(y)) = (days[i], days[j])
                    && (x - y).abs() > SAME_STORY_DAYS
                {
                    continue;
                }
                let cos = dot(&vectors[i], &vectors[j]);
                if cos >= SAME_STORY {
                    want.push((i, j, cos));
                }
            }
        }
        assert!(want.len() > 5, "{} similar pairs", want.len());
        // The same pairs and bit for bit the same cosines.
        let got = similar_pairs(&vectors, &days, terms);
        let bits = |v: &[(usize, usize, f32)]| -> Vec<(usize, usize, u32)> {
            v.iter().map(|(i, j, c)| (*i, *j, c.to_bits())).collect()
        };
        assert_eq!(bits(&got), bits(&want));
    }

    #[test]
    fn day_numbers_count_from_1970() {
        assert_eq!(day_number(DateValue::day(1970, 1, 2).unwrap()), Some(1));
        assert_eq!(day_number(DateValue::year(1970)), Some(0));
    }
}
