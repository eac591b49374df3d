//! The engine: a loaded corpus and its index, answering parsed commands with `Answer`s.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use thiserror::Error;
use tracing::error;

use crate::answer::{Answer, Block, CitationSource, text};
use crate::commands::{self, Command, Parsed};
use crate::corpus::{self, Article, Corpus, CorpusError, Delta};
use crate::index::{Hit, IndexError, NewsIndex, UserQuery};
use crate::nlp::entities::{self, Entity};
use crate::nlp::stopwords;
use crate::strings;

#[derive(Debug, Error)]
pub enum EngineError {
    #[error(transparent)]
    Corpus(#[from] CorpusError),
    #[error(transparent)]
    Index(#[from] IndexError),
}

/// Entities resolved across one version of the corpus. After a reload they may name
/// slots that are no longer served until they are resolved again; users of the table check
/// `Corpus::get` (a changed file always gets a new slot, so nothing stale is ever cited).
#[derive(Debug, Default)]
pub struct EntityTable {
    pub entities: Vec<Entity>,
    /// (article, passage) to the entities mentioned in it.
    pub mentions_in: HashMap<(usize, usize), Vec<usize>>,
    /// What `/who` works out from all of an entity's mentions, kept once worked out.
    pub cards: commands::CardCache,
}

impl EntityTable {
    /// Merges the names each article found (at load, in parallel) across the corpus.
    fn resolve(corpus: &Corpus) -> EntityTable {
        let entities = entities::merge(corpus.iter().map(|a| &a.entities));
        let mut mentions_in: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
        for (e, entity) in entities.iter().enumerate() {
            for (doc, range) in &entity.mentions {
                if let Some(p) = corpus.get(*doc).and_then(|a| passage_at(a, range.start)) {
                    let list = mentions_in.entry((*doc, p)).or_default();
                    if !list.contains(&e) {
                        list.push(e);
                    }
                }
            }
        }
        EntityTable {
            entities,
            mentions_in,
            cards: Default::default(),
        }
    }
}

/// The passage of `article` that holds byte `at`.
pub fn passage_at(article: &Article, at: usize) -> Option<usize> {
    let ps = &article.passages;
    let i = ps.partition_point(|p| p.range.end <= at);
    (i < ps.len() && ps[i].range.start <= at).then_some(i)
}

/// One consistent version of everything a query needs. Cheap to clone: the corpus is a
/// persistent structure, the index a snapshot, the entity table shared.
#[derive(Clone)]
pub struct Engine {
    pub corpus: Corpus,
    pub index: NewsIndex,
    pub table: Arc<EntityTable>,
}

impl Engine {
    /// Loads, cleans and indexes the folder.
    pub fn load(dir: &Path) -> Result<Engine, EngineError> {
        Engine::from_corpus(corpus::load(dir)?)
    }

    pub fn from_corpus(corpus: Corpus) -> Result<Engine, EngineError> {
        // Indexing and entity resolution read the corpus independently.
        let (index, table) = rayon::join(
            || NewsIndex::build(&corpus),
            || Arc::new(EntityTable::resolve(&corpus)),
        );
        let index = index?;
        Ok(Engine {
            corpus,
            index,
            table,
        })
    }

    /// The engine after the given paths changed: only they are re-read and re-indexed.
    /// The entity table is carried over (see `EntityTable`); `with_fresh_entities` renews it.
    /// On error nothing has changed for queries: the caller keeps serving `self`.
    pub fn update(&self, paths: &[PathBuf]) -> Result<(Engine, Delta), EngineError> {
        let (corpus, delta) = self.corpus.update(paths);
        if delta.is_empty() {
            return Ok((
                Engine {
                    corpus,
                    index: self.index.clone(),
                    table: self.table.clone(),
                },
                delta,
            ));
        }
        let index = self.index.update(&corpus, &delta)?;
        Ok((
            Engine {
                corpus,
                index,
                table: self.table.clone(),
            },
            delta,
        ))
    }

    /// The same engine with entities resolved again over the current corpus.
    pub fn with_fresh_entities(&self) -> Engine {
        Engine {
            corpus: self.corpus.clone(),
            index: self.index.clone(),
            table: Arc::new(EntityTable::resolve(&self.corpus)),
        }
    }

    pub fn entities(&self) -> &[Entity] {
        &self.table.entities
    }

    /// Answers one parsed command. Never fails: internal errors become a short apology
    /// and a log line.
    pub fn answer(&self, parsed: &Parsed) -> Answer {
        let mut answer = match commands::run(self, &parsed.command) {
            Ok(a) => a,
            Err(e) => {
                error!(command = parsed.command.name(), error = %e, "command failed");
                let mut a = Answer::new(parsed.command.name(), "");
                a.push(Block::Para(vec![text(strings::INTERNAL_ERROR)]));
                a
            }
        };
        if parsed.truncated {
            answer.blocks.insert(
                0,
                Block::Note(vec![text(strings::shortened_input(
                    crate::index::query::MAX_INPUT_CHARS,
                ))]),
            );
        }
        answer
    }

    /// Answers a chat line (terminal semantics: plain text is a question).
    pub fn answer_line(&self, line: &str) -> Answer {
        self.answer(&commands::parse_line(line))
    }

    /// The article in slot `id`. Ids from this engine's own index and corpus are always
    /// served; ids from elsewhere (the entity table) go through `Corpus::get`.
    pub fn article(&self, id: usize) -> &Article {
        self.corpus
            .get(id)
            .expect("article id from this engine's corpus or index")
    }

    /// The index terms of `s` that are not function words: what two sentences must share
    /// to report the same fact.
    pub fn content_words(&self, s: &str) -> HashSet<String> {
        self.index
            .analyse(s)
            .into_iter()
            .filter(|(_, r)| !stopwords::is_stopword_as_written(&s[r.clone()]))
            .map(|(t, _)| t)
            .collect()
    }

    /// Passages that name what `q` asks for in their own words (the index also matches a
    /// passage through its neighbours' words), best first.
    pub fn passages_naming(&self, q: &UserQuery, limit: usize) -> Result<Vec<Hit>, IndexError> {
        self.index.search_naming(q, limit)
    }

    /// Cites bytes `range` of article `id` in `answer`.
    pub fn cite(&self, answer: &mut Answer, id: usize, range: Range<usize>) -> usize {
        cite_article(answer, self.article(id), range)
    }

    /// The passage of article `id` that holds byte `at`, if that article is served.
    pub fn passage_at(&self, id: usize, at: usize) -> Option<usize> {
        passage_at(self.corpus.get(id)?, at)
    }

    /// Cites passage `p` of article `id`.
    pub fn cite_passage(&self, answer: &mut Answer, id: usize, p: usize) -> usize {
        cite_passage_of(answer, self.article(id), p)
    }
}

/// Cites passage `p` of `a`, an article already looked up.
pub fn cite_passage_of(answer: &mut Answer, a: &Article, p: usize) -> usize {
    cite_article(answer, a, a.passages[p].range.clone())
}

fn cite_article(answer: &mut Answer, a: &Article, range: Range<usize>) -> usize {
    answer.cite(CitationSource {
        doc: &a.doc,
        title: &a.meta.title,
        date: a.date_string(),
        url: a.url(),
        text: &a.text,
        range,
    })
}

/// Whether a command needs the corpus at all (for front ends that answer help before loading).
pub fn needs_corpus(command: &Command) -> bool {
    !matches!(
        command,
        Command::Help | Command::Unknown(_) | Command::Empty | Command::Usage(_)
    )
}
