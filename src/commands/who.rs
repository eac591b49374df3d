//! `/who <name or term>`: who a person or organisation is according to the articles (roles,
//! aliases, articles, quotes, company), or who is involved with a thing or topic.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use crate::answer::{Answer, Block, Inline, Item, code, em, fold_whitespace, strong, text};
use crate::corpus::{Article, Opened};
use crate::engine::{Engine, cite, cite_passage, passage_at};
use crate::index::IndexError;
use crate::nlp::entities::{self, Entity, EntityKind, Spot};
use crate::strings;

const MAX_ROLES: usize = 3;
const MAX_QUOTES: usize = 3;
const MAX_ARTICLES: usize = 5;
const MAX_COMPANY: usize = 5;
const MAX_INVOLVED: usize = 8;
const MAX_TOPIC_PASSAGES: usize = 2000;
/// A name in the sentence beside the one that names the topic counts this much.
const NEIGHBOUR_WEIGHT: f32 = 0.5;

pub fn kind_name(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Person => "person",
        EntityKind::Org => "org",
        EntityKind::Place => "place",
        EntityKind::Thing => "thing",
    }
}

pub fn who(engine: &Engine, query: &str) -> Result<Answer, IndexError> {
    let mut answer = Answer::new("who", query);
    match lookup(engine, query) {
        Some(e)
            if matches!(
                engine.entities()[e].kind,
                EntityKind::Person | EntityKind::Org
            ) =>
        {
            card(engine, &mut answer, e)
        }
        found => {
            if !involved(engine, &mut answer, query, found)? {
                not_found(engine, &mut answer, query);
            }
        }
    }
    Ok(answer)
}

/// The entity the user means: an exact name or alias first, then a name word starting
/// with the query; the most mentioned wins.
fn lookup(engine: &Engine, query: &str) -> Option<usize> {
    let q = fold(query);
    if q.is_empty() {
        return None;
    }
    let names = engine.table.cards.folded_names(engine);
    pick(engine, query, &|e| names[e].contains(&q), &|e| {
        names[e].iter().any(|n| n.split(' ').any(|w| w == q))
    })
}

/// The most mentioned entity that `exact` holds for (its name or an alias is the query),
/// else the most mentioned that `word` holds for (the query is one word of a name), else the
/// first completion of `query`.
fn pick(
    engine: &Engine,
    query: &str,
    exact: &dyn Fn(usize) -> bool,
    word: &dyn Fn(usize) -> bool,
) -> Option<usize> {
    let best = |pred: &dyn Fn(usize) -> bool| {
        engine
            .entities()
            .iter()
            .enumerate()
            .filter(|(i, _)| pred(*i))
            .max_by_key(|(_, e)| e.mentions.len())
            .map(|(i, _)| i)
    };
    best(exact).or_else(|| best(word)).or_else(|| {
        let first = entities::complete(engine.entities(), query, 1)
            .into_iter()
            .next()?;
        engine
            .entities()
            .iter()
            .position(|e| std::ptr::eq(e, first))
    })
}

/// Lowercase, accents and dots off, single spaces: how names are compared.
fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars().flat_map(char::to_lowercase) {
        let base = match ch {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            '’' | '\'' | '.' => continue,
            c if c.is_alphanumeric() => c,
            _ => ' ',
        };
        out.push(base);
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `spans` (sorted by article, as an entity's mentions are; any order works) in runs per
/// article, only the articles still served: after a reload the table may name files that
/// changed, until it is resolved again. One corpus lookup per run, not per span.
fn served_by_article<'e, 's>(
    engine: &'e Engine,
    spans: &'s [Spot],
) -> impl Iterator<Item = (&'e Article, &'s [Spot])> {
    spans
        .chunk_by(|x, y| x.doc() == y.doc())
        .filter_map(|run| Some((engine.corpus.get(run[0].doc())?, run)))
}

/// `spans` in the articles still served, each with its article and text (an article whose
/// file changed since it was analysed is left out until reloaded).
fn served<'e, 's>(
    engine: &'e Engine,
    spans: &'s [Spot],
) -> impl Iterator<Item = (Opened<'e>, Range<usize>)> + use<'e, 's> {
    served_by_article(engine, spans)
        .filter_map(|(a, run)| Some((engine.read(a.id)?, run)))
        .flat_map(|(a, run)| run.iter().map(move |s| (a.clone(), s.range())))
}

/// What a card says about an entity, from the articles still served.
#[derive(Debug, PartialEq)]
struct Facts {
    /// The first `MAX_ROLES` roles as written (whitespace folded), each once, with where.
    roles: Vec<(String, usize, Range<usize>)>,
    mentions: usize,
    /// Articles that mention it.
    articles: usize,
    /// The first `MAX_ARTICLES` of (article, mentions in it), most mentions first.
    per_article: Vec<(usize, usize)>,
    first_mention: Option<(usize, Range<usize>)>,
    /// The first `MAX_QUOTES` quotes.
    quotes: Vec<(usize, Range<usize>)>,
}

/// An entity's `Facts`: one pass over its mentions, run by run, and only as many roles and
/// quotes as a card shows.
fn facts(engine: &Engine, entity: &Entity) -> Facts {
    let mut roles: Vec<(String, usize, Range<usize>)> = Vec::new();
    let mut seen_roles: HashSet<String> = HashSet::new();
    for (a, range) in served(engine, &entity.roles) {
        if roles.len() == MAX_ROLES {
            break;
        }
        let role = fold_whitespace(&a.text[range.clone()]);
        if seen_roles.insert(fold(&role)) {
            roles.push((role, a.id, range));
        }
    }
    let mut per_article: Vec<(usize, usize)> = Vec::new();
    let mut first_mention = None;
    for (a, run) in served_by_article(engine, &entity.mentions) {
        per_article.push((a.id, run.len()));
        first_mention.get_or_insert((a.id, run[0].range()));
    }
    let by_count = |a: &(usize, usize), b: &(usize, usize)| b.1.cmp(&a.1).then(a.0.cmp(&b.0));
    let (mentions, articles) = (per_article.iter().map(|(_, n)| n).sum(), per_article.len());
    if articles > MAX_ARTICLES {
        per_article.select_nth_unstable_by(MAX_ARTICLES, by_count);
        per_article.truncate(MAX_ARTICLES);
    }
    per_article.sort_by(by_count);
    Facts {
        roles,
        mentions,
        articles,
        per_article,
        first_mention,
        quotes: served(engine, &entity.quotes)
            .take(MAX_QUOTES)
            .map(|(a, r)| (a.id, r))
            .collect(),
    }
}

/// What a card works out from all of an entity's mentions.
#[derive(Debug)]
struct CardData {
    facts: Facts,
    /// The first `MAX_COMPANY` of `company`.
    company: Vec<(usize, usize)>,
}

/// What `/who` keeps per entity table: each entity's `CardData`, kept the first time it is
/// worked out, so that a name in thousands of articles (a wire agency) is read once, not at
/// every `/who` (a kept card is only used while the same articles are served, see
/// `CardCache::served`); and the folded names `lookup` compares.
#[derive(Debug, Default)]
pub struct CardCache {
    /// One past the highest article slot the table's entities name.
    bound: OnceLock<usize>,
    cards: OnceLock<Box<[OnceLock<KeptCard>]>>,
    /// Each entity's name and aliases, `fold`ed.
    names: OnceLock<Vec<Vec<String>>>,
}

impl CardCache {
    /// How many articles are served among those the table may name. Slots are never reused,
    /// and a table serves corpus versions from its own on, in which such a slot can only go
    /// from served to emptied: the same count means the same articles served.
    fn served(&self, engine: &Engine) -> usize {
        let bound = *self.bound.get_or_init(|| {
            let entities = engine.entities();
            let sorted_last = entities
                .iter()
                .flat_map(|e| e.mentions.last().into_iter().chain(e.quotes.last()));
            let roles = entities.iter().flat_map(|e| e.roles.iter());
            sorted_last
                .chain(roles)
                .map(|s| s.doc() + 1)
                .max()
                .unwrap_or(0)
        });
        let corpus = &engine.corpus;
        let above = (bound..corpus.slot_count())
            .filter(|id| corpus.get(*id).is_some())
            .count();
        corpus.len() - above
    }

    /// Each entity's name and aliases as `lookup` compares them.
    fn folded_names(&self, engine: &Engine) -> &[Vec<String>] {
        self.names.get_or_init(|| {
            engine
                .entities()
                .iter()
                .map(|e| {
                    std::iter::once(&e.name)
                        .chain(&e.aliases)
                        .map(|n| fold(n))
                        .collect()
                })
                .collect()
        })
    }

    /// The card data of entity `e`, from the cache when it was worked out with the same
    /// articles served.
    fn get(&self, engine: &Engine, e: usize) -> Arc<CardData> {
        let served = self.served(engine);
        let slots = self.cards.get_or_init(|| {
            (0..engine.entities().len())
                .map(|_| OnceLock::new())
                .collect()
        });
        match slots[e].get() {
            Some((when, data)) if *when == served => data.clone(),
            // Worked out for other articles (a reload is under way): not kept.
            Some(_) => Arc::new(card_data(engine, e)),
            None => slots[e]
                .get_or_init(|| (served, Arc::new(card_data(engine, e))))
                .1
                .clone(),
        }
    }
}

/// A card's data and the `CardCache::served` count it was worked out with.
type KeptCard = (usize, Arc<CardData>);

fn card_data(engine: &Engine, e: usize) -> CardData {
    let mut company = company(engine, e);
    company.truncate(MAX_COMPANY);
    CardData {
        facts: facts(engine, &engine.entities()[e]),
        company,
    }
}

fn card(engine: &Engine, answer: &mut Answer, e: usize) {
    let entity = &engine.entities()[e];
    let data = engine.table.cards.get(engine, e);
    let facts = &data.facts;
    let mut cites = Vec::new();
    answer.push(Block::Heading(vec![text(format!(
        "{} ({})",
        entity.name,
        kind_name(entity.kind)
    ))]));

    // Roles as written, each once, each cited where the article states it.
    let roles = &facts.roles;
    for (role, doc, range) in roles {
        let Some(p) = engine.passage_at(*doc, range.start) else {
            continue;
        };
        let Some(a) = engine.read(*doc) else {
            continue;
        };
        let n = cite_passage(answer, &a, p);
        cites.push(n);
        answer.push(Block::Bullet(vec![
            strong(strings::ROLE),
            text(": "),
            text(expand_title(role)),
            Inline::Cite(vec![n]),
        ]));
    }
    // The sentence that says who they are, quoted.
    if let Some((_, doc, range)) = roles.first()
        && let Some(p) = engine.passage_at(*doc, range.start)
        && let Some(a) = engine.read(*doc)
    {
        let n = cite_passage(answer, &a, p);
        answer.push(Block::Quote(vec![
            text(fold_whitespace(a.passage_text(p))),
            Inline::Cite(vec![n]),
        ]));
    }
    if !entity.aliases.is_empty() {
        answer.push(Block::Bullet(vec![
            strong(strings::ALIASES),
            text(": "),
            text(entity.aliases.join(", ")),
        ]));
    }

    // Articles, most mentions first.
    let per_article = &facts.per_article;
    answer.push(Block::Bullet(vec![
        strong(strings::APPEARS_IN),
        text(format!(
            ": {}",
            strings::mentions_in_articles(facts.mentions, facts.articles)
        )),
    ]));
    for (doc, n) in per_article.iter().take(MAX_ARTICLES) {
        let a = engine.article(*doc);
        let date = a
            .date_string()
            .unwrap_or_else(|| strings::UNDATED.to_string());
        answer.push(Block::Bullet(vec![
            em(strings::shorten(&a.meta.title, 90)),
            text(format!(" ({date}), {n}× ")),
            code(&a.doc),
        ]));
    }

    // Their own words.
    for (doc, range) in &facts.quotes {
        let Some(p) = engine.passage_at(*doc, range.start) else {
            continue;
        };
        let Some(a) = engine.read(*doc) else {
            continue;
        };
        let n = cite_passage(answer, &a, p);
        cites.push(n);
        let words = fold_whitespace(&a.text[range.clone()]);
        answer.push(Block::Quote(vec![
            text(format!("“{}”", strings::shorten(&words, 300))),
            Inline::Cite(vec![n]),
        ]));
    }
    // Every reply quotes: without roles or quotes, the first mention in context.
    if cites.is_empty()
        && let Some((doc, range)) = &facts.first_mention
        && let Some(p) = engine.passage_at(*doc, range.start)
        && let Some(a) = engine.read(*doc)
    {
        let n = cite_passage(answer, &a, p);
        cites.push(n);
        answer.push(Block::Quote(vec![
            text(fold_whitespace(a.passage_text(p))),
            Inline::Cite(vec![n]),
        ]));
    }

    let company = &data.company;
    if !company.is_empty() {
        let names: Vec<String> = company
            .iter()
            .map(|(o, _)| engine.entities()[*o].name.clone())
            .collect();
        answer.push(Block::Bullet(vec![
            strong(strings::APPEARS_WITH),
            text(format!(": {}", names.join(", "))),
        ]));
    }
    answer.items.push(Item::Who {
        name: entity.name.clone(),
        kind: kind_name(entity.kind).to_string(),
        role: roles.first().map(|(r, _, _)| expand_title(r)),
        aliases: entity.aliases.clone(),
        mentions: facts.mentions,
        cites,
    });
}

/// People and organisations named in the same passages, most shared passages first.
fn company(engine: &Engine, e: usize) -> Vec<(usize, usize)> {
    // The passages that name `e`, from its own mentions (not a scan of every passage): in
    // reading order, so a passage named twice comes twice in a row.
    let mut lists: Vec<&[u32]> = Vec::new();
    for (a, run) in served_by_article(engine, &engine.entities()[e].mentions) {
        let mut last = None;
        for s in run {
            let Some(p) = passage_at(a, s.range().start) else {
                continue;
            };
            if last.replace(p) == Some(p) {
                continue;
            }
            if let Some(list) = engine.table.mentions_in().get(&(a.id, p)) {
                lists.push(list);
            }
        }
    }
    tally_company(engine, e, lists)
}

/// The people and organisations in `lists` (each passage's entities, once per passage)
/// beside `e`, most passages first.
fn tally_company<'l>(
    engine: &Engine,
    e: usize,
    lists: impl IntoIterator<Item = &'l [u32]>,
) -> Vec<(usize, usize)> {
    let mut counts: HashMap<usize, usize> = HashMap::new();
    for list in lists.into_iter().filter(|l| l.contains(&(e as u32))) {
        for o in list.iter().map(|o| *o as usize).filter(|o| *o != e) {
            if matches!(
                engine.entities()[o].kind,
                EntityKind::Person | EntityKind::Org
            ) {
                *counts.entry(o).or_default() += 1;
            }
        }
    }
    let mut v: Vec<(usize, usize)> = counts.into_iter().collect();
    v.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(
                engine.entities()[b.0]
                    .mentions
                    .len()
                    .cmp(&engine.entities()[a.0].mentions.len()),
            )
            .then(a.0.cmp(&b.0))
    });
    v
}

/// Whether two neighbouring passages can be quoted as one excerpt: in the same paragraph,
/// or in consecutive prose paragraphs with nothing (no heading, no furniture) between.
fn adjacent_prose(a: &crate::corpus::Article, p: usize, q: usize) -> bool {
    let (first, second) = (p.min(q), p.max(q));
    let last_block_of_first = a
        .blocks
        .iter()
        .rposition(|b| b.range().start < a.passages[first].range().end)
        .unwrap_or(a.block_of(first));
    a.block_of(second) <= last_block_of_first + 1
}

/// How one name is tied to a topic: passages shared, their summed score, and the best one
/// as (score, article, passage).
struct Tie {
    passages: usize,
    score: f32,
    best: (f32, usize, std::ops::Range<usize>),
}

/// For a thing or topic: the people and organisations named in the passages about it,
/// ranked by how many such passages they share, each with the best passage that ties them.
/// Returns false when no passage is about it.
fn involved(
    engine: &Engine,
    answer: &mut Answer,
    query: &str,
    thing: Option<usize>,
) -> Result<bool, IndexError> {
    let q = engine.index.parse_query(query);
    let hits = engine.passages_naming(&q, MAX_TOPIC_PASSAGES)?;
    let mut tally: HashMap<usize, Tie> = HashMap::new();
    for h in &hits {
        let a = engine.article(h.article);
        // A name in the passage that names the topic, or right beside it ("... discussed a
        // plan to provide these advanced weapons"): the excerpt spans both, verbatim.
        let around = h.passage.saturating_sub(1)..(h.passage + 2).min(a.passages.len());
        let mut counted: Vec<usize> = Vec::new();
        for p in around.filter(|p| *p == h.passage || adjacent_prose(a, *p, h.passage)) {
            let Some(list) = engine.table.mentions_in().get(&(h.article, p)) else {
                continue;
            };
            let weight = if p == h.passage {
                1.0
            } else {
                NEIGHBOUR_WEIGHT
            };
            let excerpt = a.passages[p.min(h.passage)].range().start
                ..a.passages[p.max(h.passage)].range().end;
            for e in list.iter().map(|e| *e as usize) {
                if Some(e) == thing
                    || counted.contains(&e)
                    || !matches!(
                        engine.entities()[e].kind,
                        EntityKind::Person | EntityKind::Org
                    )
                {
                    continue;
                }
                counted.push(e);
                let t = tally.entry(e).or_insert(Tie {
                    passages: 0,
                    score: 0.0,
                    best: (f32::MIN, h.article, excerpt.clone()),
                });
                t.passages += 1;
                t.score += weight * h.score;
                if weight * h.score > t.best.0 {
                    t.best = (weight * h.score, h.article, excerpt.clone());
                }
            }
        }
    }
    if tally.is_empty() {
        return Ok(false);
    }
    let mut ranked: Vec<(usize, Tie)> = tally.into_iter().collect();
    ranked.sort_by(|a, b| {
        b.1.passages
            .cmp(&a.1.passages)
            .then(b.1.score.total_cmp(&a.1.score))
            .then(a.0.cmp(&b.0))
    });
    let label = thing.map_or_else(|| query.to_string(), |t| engine.entities()[t].name.clone());
    answer.push(Block::Heading(vec![text(strings::involved_heading(
        &label,
        ranked.len(),
    ))]));
    for (e, tie) in ranked.iter().take(MAX_INVOLVED) {
        let (passages, (_, article, excerpt)) = (&tie.passages, &tie.best);
        let entity = &engine.entities()[*e];
        let role = served(engine, &entity.roles)
            .next()
            .map(|(a, r)| expand_title(&fold_whitespace(&a.text[r])));
        let Some(a) = engine.read(*article) else {
            continue;
        };
        let n = cite(answer, &a, excerpt.clone());
        let mut line = vec![strong(&entity.name)];
        if let Some(r) = &role {
            line.push(text(format!(", {r}")));
        }
        line.push(text(format!(" ({})", strings::passages_count(*passages))));
        answer.push(Block::Bullet(line));
        answer.push(Block::Quote(vec![
            text(fold_whitespace(&a.text[excerpt.clone()])),
            Inline::Cite(vec![n]),
        ]));
        answer.items.push(Item::Who {
            name: entity.name.clone(),
            kind: kind_name(entity.kind).to_string(),
            role,
            aliases: entity.aliases.clone(),
            mentions: *passages,
            cites: vec![n],
        });
    }
    if ranked.len() > MAX_INVOLVED {
        answer.push(Block::Note(vec![text(strings::blocks_left_out(
            ranked.len() - MAX_INVOLVED,
        ))]));
    }
    Ok(true)
}

fn not_found(engine: &Engine, answer: &mut Answer, query: &str) {
    answer.push(Block::Para(vec![text(strings::who_not_found(query))]));
    let near = near_matches(engine, query);
    if !near.is_empty() {
        answer.push(Block::Para(vec![
            text(strings::NEAR_MATCHES),
            text(near.join(", ")),
        ]));
    }
}

/// Names within two edits of the query (or of one of its words), most mentioned first.
fn near_matches(engine: &Engine, query: &str) -> Vec<String> {
    let q = fold(query);
    let names = engine.table.cards.folded_names(engine);
    let mut found: Vec<(usize, &str)> = engine
        .entities()
        .iter()
        .zip(names)
        .filter(|(_, names)| {
            names.iter().any(|n| {
                edit_distance(n, &q) <= 2
                    || n.split(' ')
                        .any(|w| w.len() > 3 && edit_distance(w, &q) <= 2)
            })
        })
        .map(|(e, _)| (e.mentions.len(), e.name.as_str()))
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    found
        .into_iter()
        .take(5)
        .map(|(_, n)| n.to_string())
        .collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// Spells out an abbreviated title for readers: "Sen." -> "Senator".
fn expand_title(role: &str) -> String {
    const TITLES: &[(&str, &str)] = &[
        ("Sen.", "Senator"),
        ("Rep.", "Representative"),
        ("Gov.", "Governor"),
        ("Gen.", "General"),
        ("Lt.", "Lieutenant"),
        ("Col.", "Colonel"),
        ("Adm.", "Admiral"),
        ("Sgt.", "Sergeant"),
        ("Capt.", "Captain"),
        ("Pres.", "President"),
        ("Amb.", "Ambassador"),
    ];
    role.split(' ')
        .map(|w| {
            TITLES
                .iter()
                .find(|(a, _)| *a == w)
                .map_or(w, |(_, full)| full)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The entity with only what the served articles still say, copied whole.
    fn live(engine: &Engine, entity: &Entity) -> Entity {
        let served = |s: &&Spot| engine.corpus.get(s.doc()).is_some();
        Entity {
            roles: entity.roles.iter().filter(served).cloned().collect(),
            mentions: entity.mentions.iter().filter(served).cloned().collect(),
            quotes: entity.quotes.iter().filter(served).cloned().collect(),
            ..entity.clone()
        }
    }

    /// `facts` as first written: a live copy of the entity, every role folded, a count per
    /// mention.
    fn facts_straightforwardly(engine: &Engine, entity: &Entity) -> Facts {
        let entity = &live(engine, entity);
        let mut roles = Vec::new();
        let mut seen_roles: HashSet<String> = HashSet::new();
        for s in entity.roles.iter() {
            let role = fold_whitespace(&engine.read(s.doc()).unwrap().text[s.range()]);
            if seen_roles.insert(fold(&role)) {
                roles.push((role, s.doc(), s.range()));
            }
        }
        roles.truncate(MAX_ROLES);
        let mut counts: HashMap<usize, usize> = HashMap::new();
        for s in entity.mentions.iter() {
            *counts.entry(s.doc()).or_default() += 1;
        }
        let mut per_article: Vec<(usize, usize)> = counts.into_iter().collect();
        per_article.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let articles = per_article.len();
        per_article.truncate(MAX_ARTICLES);
        Facts {
            roles,
            mentions: entity.mentions.len(),
            articles,
            per_article,
            first_mention: entity.mentions.first().map(|s| (s.doc(), s.range())),
            quotes: entity
                .quotes
                .iter()
                .take(MAX_QUOTES)
                .map(|s| (s.doc(), s.range()))
                .collect(),
        }
    }

    /// `company` as first written: a set of every passage that names the entity.
    fn company_straightforwardly(engine: &Engine, e: usize) -> Vec<(usize, usize)> {
        let passages: HashSet<(usize, usize)> = engine.entities()[e]
            .mentions
            .iter()
            .filter_map(|s| Some((s.doc(), engine.passage_at(s.doc(), s.range().start)?)))
            .collect();
        let lists = passages
            .iter()
            .filter_map(|key| engine.table.mentions_in().get(key));
        tally_company(engine, e, lists)
    }

    #[test]
    fn cards_match_the_straightforward_count_before_and_after_a_reload() {
        let dir = tempfile::tempdir().unwrap();
        crate::synth::generate(dir.path(), 120, 4).unwrap();
        let engine = Engine::load(dir.path()).unwrap();
        let check = |engine: &Engine| {
            for (e, entity) in engine.entities().iter().enumerate() {
                assert_eq!(
                    facts(engine, entity),
                    facts_straightforwardly(engine, entity),
                    "{}",
                    entity.name
                );
                assert_eq!(
                    company(engine, e),
                    company_straightforwardly(engine, e),
                    "{}",
                    entity.name
                );
            }
        };
        check(&engine);
        // The cases that matter: roles past what a card shows, and shared passages.
        assert!(engine.entities().iter().any(|e| e.roles.len() > MAX_ROLES));
        assert!((0..engine.entities().len()).any(|e| !company(&engine, e).is_empty()));
        // Files deleted: the table still names them until entities are resolved again.
        let gone: Vec<std::path::PathBuf> = (0..120)
            .step_by(7)
            .map(|i| dir.path().join(crate::synth::article_path(i)))
            .collect();
        for path in &gone {
            std::fs::remove_file(path).unwrap();
        }
        let (after, delta) = engine.update(&gone).unwrap();
        assert_eq!(delta.removed.len(), gone.len());
        assert!(
            engine
                .entities()
                .iter()
                .any(|e| facts(&after, e).mentions < facts(&engine, e).mentions)
        );
        check(&after);
    }

    /// The same engine with nothing kept in its card cache.
    fn uncached(engine: &Engine) -> Engine {
        Engine {
            table: Arc::new(crate::engine::EntityTable::of(
                engine.table.entities.clone(),
                &engine.corpus,
            )),
            ..engine.clone()
        }
    }

    #[test]
    fn kept_cards_serve_only_the_articles_they_were_worked_out_for() {
        let dir = tempfile::tempdir().unwrap();
        crate::synth::generate(dir.path(), 80, 6).unwrap();
        let before = Engine::load(dir.path()).unwrap();
        let names: Vec<String> = before
            .entities()
            .iter()
            .filter(|e| matches!(e.kind, EntityKind::Person | EntityKind::Org))
            .take(25)
            .map(|e| e.name.clone())
            .collect();
        let cards = |engine: &Engine| -> Vec<Answer> {
            names.iter().map(|n| who(engine, n).unwrap()).collect()
        };
        let first = cards(&before);
        assert_eq!(cards(&before), first, "kept cards");
        assert_eq!(cards(&uncached(&before)), first);
        // A reload removes articles; the table (and what it kept) is carried over.
        let gone: Vec<std::path::PathBuf> = (0..80)
            .step_by(3)
            .map(|i| dir.path().join(crate::synth::article_path(i)))
            .collect();
        for path in &gone {
            std::fs::remove_file(path).unwrap();
        }
        let (after, _) = before.update(&gone).unwrap();
        assert!(Arc::ptr_eq(&before.table, &after.table));
        let now = cards(&after);
        assert_ne!(now, first, "the reload changed no card");
        assert_eq!(now, cards(&uncached(&after)));
        // The older version, still answering during the reload, keeps its own view.
        assert_eq!(cards(&before), first);
        assert_eq!(cards(&after), now);
    }

    /// `lookup` as first written: every name folded at every comparison.
    fn lookup_straightforwardly(engine: &Engine, query: &str) -> Option<usize> {
        let q = fold(query);
        if q.is_empty() {
            return None;
        }
        let exact = |e: &Entity| {
            std::iter::once(&e.name)
                .chain(&e.aliases)
                .any(|n| fold(n) == q)
        };
        let word = |e: &Entity| {
            std::iter::once(&e.name)
                .chain(&e.aliases)
                .any(|n| fold(n).split(' ').any(|w| w == q))
        };
        let entity = |i: usize| &engine.entities()[i];
        pick(engine, query, &|i| exact(entity(i)), &|i| word(entity(i)))
    }

    #[test]
    fn lookup_with_kept_folded_names_finds_the_same() {
        let dir = tempfile::tempdir().unwrap();
        crate::synth::generate(dir.path(), 60, 8).unwrap();
        let engine = Engine::load(dir.path()).unwrap();
        let mut queries = vec![String::new(), "  ".into(), "zzqx".into(), "U.S.".into()];
        for e in engine.entities() {
            for n in std::iter::once(&e.name).chain(&e.aliases) {
                queries.push(n.to_uppercase());
                queries.extend(n.split(' ').map(str::to_string));
                queries.push(n.chars().take(3).collect());
            }
        }
        for q in &queries {
            assert_eq!(
                lookup(&engine, q),
                lookup_straightforwardly(&engine, q),
                "{q}"
            );
        }
    }

    #[test]
    fn folding_and_distance() {
        assert_eq!(fold("Orbán’s  U.S."), "orbans us");
        assert_eq!(edit_distance("zelensky", "zelenskyy"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(expand_title("Sen."), "Senator");
        assert_eq!(
            expand_title("NATO Secretary-General"),
            "NATO Secretary-General"
        );
    }
}
