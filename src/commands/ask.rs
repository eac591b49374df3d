//! `/ask`: an extractive answer. The 1-3 passages that best answer the question, the answer
//! span emphasised, the same fact from several articles quoted once and cited from all.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use crate::answer::{Answer, Block, Inline, Item, fold_whitespace, strong, text};
use crate::corpus::Opened;
use crate::engine::{Engine, cite_passage};
use crate::index::{Hit, IndexError, Mode, UserQuery};
use crate::nlp::dates::{self, ExprKind, Granularity};
use crate::nlp::question::{self, QuestionType};
use crate::nlp::{self, stopwords, synonyms};
use crate::strings;

/// Share of the question's weighted terms a passage (with half credit for its context) must
/// hold to count as an answer. Below it, we say we don't know rather than quote loosely.
pub const MIN_COVERAGE: f32 = 0.45;
/// Distinct question terms an answer must hold (all of them when the question has fewer).
const MIN_MATCHED_TERMS: usize = 2;
/// Further passages must score at least this share of the best one.
const FOLLOW_UP_RATIO: f32 = 0.8;
/// Two passages with this much overlap of content words report the same fact.
const SAME_FACT_JACCARD: f32 = 0.5;
const CANDIDATES: usize = 50;
/// Weight of verbs that frame a question ("what did X say about Y"): the topic is elsewhere.
const FRAME_WEIGHT: f32 = 0.3;
const MAX_QUOTES: usize = 3;

#[derive(Debug, Clone)]
struct Candidate {
    article: usize,
    passage: usize,
    coverage: f32,
    score: f32,
    span: Option<Range<usize>>,
    /// Content words, hashed and sorted (`nlp::word_hash`).
    words: Vec<u64>,
}

/// Why a question has no answer.
#[derive(Debug, Clone, PartialEq)]
pub enum NoAnswer {
    /// Names in the question that no article mentions.
    Unknown(Vec<String>),
    /// Nothing covers enough of the question.
    Weak,
}

pub fn ask(engine: &Engine, question: &str) -> Result<Answer, IndexError> {
    let mut answer = Answer::new("ask", question);
    match select(engine, question)? {
        Ok(chosen) => render(engine, &mut answer, &chosen),
        Err(why) => {
            let line = match why {
                NoAnswer::Unknown(names) => strings::no_answer_missing(&names),
                NoAnswer::Weak => strings::NO_ANSWER.to_string(),
            };
            answer.push(Block::Para(vec![text(line)]));
            answer.push(Block::Note(vec![text(strings::NO_ANSWER_HINT)]));
        }
    }
    Ok(answer)
}

/// Groups of candidates: the first of each group is quoted, the rest report the same fact.
type Selection = Vec<Vec<Candidate>>;

/// What a question asks for: its query, weighted terms, type and words.
struct Asked {
    q: UserQuery,
    weights: Vec<Weighted>,
    qtype: QuestionType,
    words: Vec<String>,
}

fn select(engine: &Engine, question: &str) -> Result<Result<Selection, NoAnswer>, IndexError> {
    let asked = match asked(engine, question) {
        Ok(asked) => asked,
        Err(why) => return Ok(Err(why)),
    };
    let hits = retrieve(engine, &asked)?;
    let mut candidates = candidates(engine, &asked, &hits);
    candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
    for c in candidates.iter().take(5) {
        tracing::debug!(doc = %engine.article(c.article).doc, passage = c.passage, coverage = c.coverage, score = c.score, "ask candidate");
    }
    let Some(best) = candidates.first().cloned() else {
        return Ok(Err(NoAnswer::Weak));
    };
    if best.coverage < MIN_COVERAGE {
        return Ok(Err(NoAnswer::Weak));
    }
    let mut groups: Selection = Vec::new();
    for c in candidates {
        if c.coverage < MIN_COVERAGE || c.score < FOLLOW_UP_RATIO * best.score {
            continue;
        }
        if let Some(g) = groups
            .iter_mut()
            .find(|g| nlp::jaccard_sorted(&g[0].words, &c.words) >= SAME_FACT_JACCARD)
        {
            if g.iter().all(|x| x.article != c.article) {
                g.push(c);
            }
            continue;
        }
        if groups.len() < MAX_QUOTES {
            groups.push(vec![c]);
        }
    }
    Ok(Ok(groups))
}

/// The passages to weigh as answers: the best by their own words. Titles and neighbours
/// count in the weighing (`coverage`), not here: a passage that holds the question's words
/// is the one to quote, and matching through neighbours and titles in the search costs a
/// third of an answer's time at 100,000 articles and fills the candidates with passages
/// that do not say what was asked.
fn retrieve(engine: &Engine, asked: &Asked) -> Result<Vec<Hit>, IndexError> {
    engine.index.search_top(&asked.q, Mode::Own, CANDIDATES)
}

/// The question understood, or why it has no answer before any search.
fn asked(engine: &Engine, question: &str) -> Result<Asked, NoAnswer> {
    let idx = &engine.index;
    let mut q = idx.parse_query(question);
    let frame = question::frame_words(question);
    if q.terms.len() > frame.len() {
        q.terms
            .retain(|t| !frame.contains(&t.surface.to_lowercase()));
    }
    if q.is_empty() {
        return Err(NoAnswer::Weak);
    }
    let weights = term_weights(engine, &q);
    // A word the articles never use, nor any synonym of it: the question is about something
    // they do not cover, whatever else matches.
    let missing: Vec<String> = q
        .terms
        .iter()
        .zip(&weights)
        .filter(|(t, w)| {
            !stopwords::is_frame_word(&t.surface.to_lowercase())
                && idx.doc_freq(&w.term) == 0
                && w.synonyms.iter().all(|s| idx.doc_freq(s) == 0)
        })
        .map(|(t, _)| t.surface.clone())
        .collect();
    if !missing.is_empty() {
        return Err(NoAnswer::Unknown(missing));
    }
    Ok(Asked {
        q,
        weights,
        qtype: question::classify(question),
        words: question
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect(),
    })
}

/// The passages `hits` found, those that pass as answers scored as such. Each text is
/// analysed once per question: a candidate's own sentence in one pass (the terms sought,
/// its content words, where the question's words sit), the texts around it through `Around`.
fn candidates(engine: &Engine, asked: &Asked, hits: &[Hit]) -> Vec<Candidate> {
    let Asked {
        q,
        weights,
        qtype,
        words: question_words,
    } = asked;
    let qtype = *qtype;
    let top_bm25 = hits.first().map_or(1.0, |h| h.score.max(f32::EPSILON));
    // All that the coverage and the proper-name check look for.
    let sought: HashSet<&str> = q
        .terms
        .iter()
        .map(|t| t.term.as_str())
        .chain(weights.iter().flat_map(|w| {
            std::iter::once(w.term.as_str()).chain(w.synonyms.iter().map(String::as_str))
        }))
        .collect();
    let query_terms: HashSet<&str> = q.terms.iter().map(|t| t.term.as_str()).collect();
    let mut around = Around {
        engine,
        sought: &sought,
        texts: HashMap::new(),
    };
    hits.iter()
        .filter_map(|h| {
            // A file changed since it was analysed is left out until the watcher reloads it.
            let article = engine.read(h.article)?;
            let sentence = article.passage_text(h.passage);
            let mut body: HashSet<&str> = HashSet::new();
            let mut words: Vec<u64> = Vec::new();
            let mut anchors: Vec<usize> = Vec::new();
            engine.index.for_each_term(sentence, |t, r| {
                if let Some(s) = sought.get(t) {
                    body.insert(s);
                }
                if query_terms.contains(t) {
                    anchors.push(r.start);
                }
                if !stopwords::is_stopword_as_written(&sentence[r]) {
                    words.push(nlp::word_hash(t));
                }
            });
            words.sort_unstable();
            words.dedup();
            let context = around.context(h.article, h.passage);
            let proper_ok = q
                .terms
                .iter()
                .filter(|t| t.proper)
                .all(|t| body.contains(t.term.as_str()) || context.contains(t.term.as_str()));
            if !proper_ok {
                return None;
            }
            let (coverage, matched) = coverage(weights, &body, &context);
            if matched < weights.len().min(MIN_MATCHED_TERMS) {
                return None;
            }
            let span = best_span(&article, h.passage, qtype, question_words, &anchors);
            let typed = qtype == QuestionType::Other || span.is_some();
            let score = coverage * if typed { 1.0 } else { 0.7 } + 0.1 * h.score / top_bm25;
            Some(Candidate {
                article: h.article,
                passage: h.passage,
                coverage,
                score,
                span,
                words,
            })
        })
        .collect()
}

/// A text around a candidate: its article's title, a section heading, a passage.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Text {
    Title(usize),
    Block(usize, usize),
    Passage(usize, usize),
}

/// The sought terms in the texts around candidates (title, section heading, neighbouring
/// passages), each text analysed once per question: candidates share articles and
/// neighbours.
struct Around<'e, 'q> {
    engine: &'e Engine,
    sought: &'q HashSet<&'q str>,
    texts: HashMap<Text, HashSet<&'q str>>,
}

impl<'q> Around<'_, 'q> {
    fn found(&mut self, text: Text) -> &HashSet<&'q str> {
        let (engine, sought) = (self.engine, self.sought);
        self.texts.entry(text).or_insert_with(|| {
            // An article whose file changed since (left out until reloaded) adds nothing.
            let opened;
            let s: &str = match text {
                Text::Title(a) => &engine.article(a).meta.title,
                Text::Block(a, b) => {
                    opened = engine.read(a);
                    opened.as_ref().map_or("", |o| &o.text[o.blocks[b].range()])
                }
                Text::Passage(a, p) => {
                    opened = engine.read(a);
                    opened.as_ref().map_or("", |o| o.passage_text(p))
                }
            };
            let mut found = HashSet::new();
            engine.index.for_each_term(s, |t, _| {
                if let Some(t) = sought.get(t) {
                    found.insert(*t);
                }
            });
            found
        })
    }

    /// `context_terms` of passage `p`, as far as the sought terms go.
    fn context(&mut self, article: usize, p: usize) -> HashSet<&'q str> {
        let a = self.engine.article(article);
        let mut texts = vec![Text::Title(article)];
        if let Some(h) = a.section_of(p) {
            texts.push(Text::Block(article, h));
        }
        for n in [p.wrapping_sub(1), p + 1] {
            if n < a.passages.len() {
                texts.push(Text::Passage(article, n));
            }
        }
        let mut set = HashSet::new();
        for t in texts {
            set.extend(self.found(t));
        }
        set
    }
}

/// A question term with its weight and the index terms of its synonyms.
struct Weighted {
    term: String,
    weight: f32,
    synonyms: Vec<String>,
}

/// IDF weight of each query term; a term no passage holds weighs as much as the rarest term,
/// so a question about things the articles never mention cannot reach the threshold.
fn term_weights(engine: &Engine, q: &UserQuery) -> Vec<Weighted> {
    let idfs: Vec<f32> = q.terms.iter().map(|t| engine.index.idf(&t.term)).collect();
    let max = idfs.iter().copied().fold(0.0f32, f32::max).max(1.0);
    let mut out: Vec<Weighted> = q
        .terms
        .iter()
        .zip(idfs)
        .map(|(t, w)| Weighted {
            term: t.term.clone(),
            weight: if w > 0.0 { w } else { max }
                * if stopwords::is_frame_word(&t.surface.to_lowercase()) {
                    FRAME_WEIGHT
                } else {
                    1.0
                },
            synonyms: synonyms::synonyms(&t.surface.to_lowercase())
                .into_iter()
                .flat_map(|s| engine.index.analyse(s).into_iter().map(|(t, _)| t))
                .collect(),
        })
        .collect();
    for phrase in &q.phrases {
        for t in phrase {
            if !out.iter().any(|x| &x.term == t) {
                out.push(Weighted {
                    term: t.clone(),
                    weight: engine.index.idf(t).max(0.1),
                    synonyms: Vec::new(),
                });
            }
        }
    }
    out
}

/// Share of the question's weight a passage holds: full for its own words, `SYNONYM` for a
/// synonym, half that again when only the context (neighbours, heading, title) has it.
/// Also returns how many distinct question terms matched at all.
fn coverage(weights: &[Weighted], body: &HashSet<&str>, context: &HashSet<&str>) -> (f32, usize) {
    const SYNONYM: f32 = 0.7;
    let (mut got, mut total, mut matched) = (0.0, 0.0, 0);
    for w in weights {
        total += w.weight;
        let has = |set: &HashSet<&str>| {
            if set.contains(w.term.as_str()) {
                1.0
            } else if w.synonyms.iter().any(|s| set.contains(s.as_str())) {
                SYNONYM
            } else {
                0.0
            }
        };
        let credit = has(body).max(0.5 * has(context));
        if credit > 0.0 {
            matched += 1;
        }
        got += credit * w.weight;
    }
    (if total > 0.0 { got / total } else { 0.0 }, matched)
}

/// The typed span nearest to the question's words (`anchors`, offsets in the sentence).
fn best_span(
    a: &Opened,
    passage: usize,
    qtype: QuestionType,
    question_words: &[String],
    anchors: &[usize],
) -> Option<Range<usize>> {
    let range = a.passages[passage].range();
    let sentence = &a.text[range.clone()];
    let spans: Vec<(u8, Range<usize>)> = match qtype {
        // Dates come from the date tagger, finest first: "a July 4 conversation ... since
        // January" answers "when" with July 4.
        QuestionType::Date => {
            let mut anchor = dates::Anchor {
                article_date: a.meta.date,
                last_mentioned: None,
            };
            dates::extract(&a.text, range.clone(), &mut anchor)
                .into_iter()
                .map(|e| {
                    let rank = match (e.kind, e.value.map(|v| v.granularity())) {
                        (ExprKind::Since, _) => 0,
                        (_, Some(Granularity::Day)) => 3,
                        (_, Some(Granularity::Month)) => 2,
                        _ => 1,
                    };
                    (rank, e.range.start - range.start..e.range.end - range.start)
                })
                .collect()
        }
        _ => question::answer_spans(sentence, qtype, question_words)
            .into_iter()
            .map(|r| (0, r))
            .collect(),
    };
    let best = spans
        .into_iter()
        .min_by_key(|(rank, r)| {
            (
                std::cmp::Reverse(*rank),
                anchors
                    .iter()
                    .map(|a| a.abs_diff(r.start))
                    .min()
                    .unwrap_or(0),
            )
        })?
        .1;
    Some(trim_asked(sentence, best, question_words))
}

/// Drops the words the user asked about from the ends of a span: "Who is Mark Rutte?"
/// is answered by "NATO Secretary-General", not by his name again.
fn trim_asked(sentence: &str, span: Range<usize>, question_words: &[String]) -> Range<usize> {
    let asked = |w: &str| {
        let w = w
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        let w = w.trim_end_matches("’s").trim_end_matches("'s");
        !w.is_empty() && question_words.iter().any(|q| q == w)
    };
    let text = &sentence[span.clone()];
    let words: Vec<(usize, &str)> = text
        .split(' ')
        .scan(0, |pos, w| {
            let at = *pos;
            *pos += w.len() + 1;
            Some((at, w))
        })
        .collect();
    let first = words.iter().position(|(_, w)| !asked(w));
    let last = words.iter().rposition(|(_, w)| !asked(w));
    match (first, last) {
        (Some(f), Some(l)) => span.start + words[f].0..span.start + words[l].0 + words[l].1.len(),
        _ => span,
    }
}

fn render(engine: &Engine, answer: &mut Answer, groups: &Selection) {
    for group in groups {
        let lead = &group[0];
        // Candidates were read from their files; one changed since is left out.
        let Some(article) = engine.read(lead.article) else {
            continue;
        };
        let range = article.passages[lead.passage].range();
        let sentence = &article.text[range.clone()];
        let mut cites = Vec::with_capacity(group.len());
        for c in group {
            if let Some(a) = engine.read(c.article) {
                cites.push(cite_passage(answer, &a, c.passage));
            }
        }
        let mut parts = emphasised(sentence, lead.span.clone());
        parts.push(Inline::Cite(cites.clone()));
        answer.push(Block::Quote(parts));
        answer.items.push(Item::Ask {
            answer: sentence.to_string(),
            cite: cites[0],
        });
    }
}

/// The sentence as display text (whitespace runs folded), with the answer span in bold.
fn emphasised(sentence: &str, span: Option<Range<usize>>) -> Vec<Inline> {
    let Some(r) = span else {
        return vec![text(fold_whitespace(sentence))];
    };
    let mut parts = Vec::new();
    let before = fold_whitespace(&sentence[..r.start]);
    if !before.is_empty() {
        parts.push(text(before));
    }
    parts.push(strong(fold_whitespace(&sentence[r.clone()])));
    let after = fold_whitespace(&sentence[r.end..]);
    if !after.is_empty() {
        parts.push(text(after));
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::{self, pools};

    fn terms_of(engine: &Engine, s: &str) -> HashSet<String> {
        engine
            .index
            .analyse(s)
            .into_iter()
            .map(|(t, _)| t)
            .collect()
    }

    fn context_terms(engine: &Engine, article: usize, p: usize) -> HashSet<String> {
        let a = engine.read(article).unwrap();
        let mut set = terms_of(engine, &a.meta.title);
        if let Some(h) = a.section_of(p) {
            set.extend(terms_of(engine, &a.text[a.blocks[h].range()]));
        }
        for n in [p.wrapping_sub(1), p + 1] {
            if n < a.passages.len() {
                set.extend(terms_of(engine, a.passage_text(n)));
            }
        }
        set
    }

    type Scored = (usize, usize, u32, u32, Option<Range<usize>>, Vec<u64>);

    /// `candidates` as first written: every term of every text around each candidate, as
    /// strings, analysed again for each candidate.
    fn candidates_straightforwardly(engine: &Engine, asked: &Asked, hits: &[Hit]) -> Vec<Scored> {
        let (q, weights) = (&asked.q, &asked.weights);
        let top_bm25 = hits.first().map_or(1.0, |h| h.score.max(f32::EPSILON));
        let query_terms: HashSet<&str> = q.terms.iter().map(|t| t.term.as_str()).collect();
        hits.iter()
            .filter_map(|h| {
                let opened = engine.read(h.article).unwrap();
                let sentence = opened.passage_text(h.passage);
                let tokens = engine.index.analyse(sentence);
                let body: HashSet<String> = tokens.iter().map(|(t, _)| t.clone()).collect();
                let words: HashSet<String> = tokens
                    .iter()
                    .filter(|(_, r)| !stopwords::is_stopword_as_written(&sentence[r.clone()]))
                    .map(|(t, _)| t.clone())
                    .collect();
                let context = context_terms(engine, h.article, h.passage);
                let proper_ok = q
                    .terms
                    .iter()
                    .filter(|t| t.proper)
                    .all(|t| body.contains(&t.term) || context.contains(&t.term));
                if !proper_ok {
                    return None;
                }
                let (coverage, matched) = coverage(
                    weights,
                    &body.iter().map(String::as_str).collect(),
                    &context.iter().map(String::as_str).collect(),
                );
                if matched < weights.len().min(MIN_MATCHED_TERMS) {
                    return None;
                }
                let anchors: Vec<usize> = tokens
                    .iter()
                    .filter(|(t, _)| query_terms.contains(t.as_str()))
                    .map(|(_, r)| r.start)
                    .collect();
                let span = best_span(&opened, h.passage, asked.qtype, &asked.words, &anchors);
                let typed = asked.qtype == QuestionType::Other || span.is_some();
                let score = coverage * if typed { 1.0 } else { 0.7 } + 0.1 * h.score / top_bm25;
                let mut hashed: Vec<u64> = words.iter().map(|w| nlp::word_hash(w)).collect();
                hashed.sort_unstable();
                Some((
                    h.article,
                    h.passage,
                    coverage.to_bits(),
                    score.to_bits(),
                    span,
                    hashed,
                ))
            })
            .collect()
    }

    #[test]
    fn candidates_match_the_straightforward_analysis() {
        let dir = tempfile::tempdir().unwrap();
        synth::generate(dir.path(), 150, 12).unwrap();
        let engine = Engine::load(dir.path()).unwrap();
        let mut rng = synth::Rng::new(3);
        let mut compared = 0;
        for i in 0..60 {
            let p = synth::person(rng.below(synth::CAST_SIZE));
            let topic = rng.pick(pools::TOPICS);
            let place = rng.pick(pools::PLACES);
            let org = rng.pick(pools::ORGS);
            let question = match i % 5 {
                0 => format!("What did {} say about {topic}?", p.name()),
                1 => format!("Who is the {org} spokesman?"),
                2 => format!("When did {place} approve {topic}?"),
                3 => format!("How much will {topic} cost?"),
                _ => format!("Why did {} criticize {topic}?", p.last),
            };
            let Ok(asked) = asked(&engine, &question) else {
                continue;
            };
            let hits = retrieve(&engine, &asked).unwrap();
            let got: Vec<Scored> = candidates(&engine, &asked, &hits)
                .into_iter()
                .map(|c| {
                    (
                        c.article,
                        c.passage,
                        c.coverage.to_bits(),
                        c.score.to_bits(),
                        c.span,
                        c.words,
                    )
                })
                .collect();
            let want = candidates_straightforwardly(&engine, &asked, &hits);
            compared += want.len();
            assert_eq!(got, want, "{question}");
        }
        assert!(compared > 200, "{compared} candidates compared");
    }

    #[test]
    fn asked_words_are_trimmed_from_the_span() {
        let s = "meeting with NATO Secretary-General Mark Rutte marks a shift";
        let words: Vec<String> = ["who", "is", "mark", "rutte"]
            .iter()
            .map(|w| w.to_string())
            .collect();
        assert_eq!(&s[trim_asked(s, 13..46, &words)], "NATO Secretary-General");
        assert_eq!(
            &s[trim_asked(s, 36..46, &words)],
            "Mark Rutte",
            "a span of asked words only stays"
        );
    }

    #[test]
    fn emphasis_keeps_words_and_spacing() {
        let parts = emphasised("Kremlin spokesman Dmitry Peskov noted it.", Some(18..31));
        assert_eq!(
            parts,
            vec![
                text("Kremlin spokesman "),
                strong("Dmitry Peskov"),
                text(" noted it.")
            ]
        );
        let parts = emphasised("550 drones.", Some(0..3));
        assert_eq!(parts, vec![strong("550"), text(" drones.")]);
    }
}
