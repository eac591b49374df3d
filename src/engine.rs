//! The engine: a loaded corpus and its index, answering parsed commands with `Answer`s.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;

use thiserror::Error;
use tracing::error;

use crate::answer::{Answer, Block, CitationSource, text};
use crate::commands::{self, Command, Parsed};
use crate::corpus::{self, Article, Corpus, CorpusError};
use crate::index::{IndexError, NewsIndex};
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

pub struct Engine {
    pub corpus: Corpus,
    pub index: NewsIndex,
    /// People, organisations, places and things, resolved across the corpus.
    pub entities: Vec<Entity>,
    /// (article, passage) to the entities mentioned in it.
    pub mentions_in: HashMap<(usize, usize), Vec<usize>>,
}

impl Engine {
    /// Loads, cleans and indexes the folder.
    pub fn load(dir: &Path) -> Result<Engine, EngineError> {
        Engine::from_corpus(corpus::load(dir)?)
    }

    pub fn from_corpus(corpus: Corpus) -> Result<Engine, EngineError> {
        let index = NewsIndex::build(&corpus)?;
        let docs: Vec<(usize, &str, Vec<Range<usize>>)> = corpus
            .articles
            .iter()
            .map(|a| {
                (
                    a.id,
                    a.text.as_str(),
                    a.passages.iter().map(|p| p.range.clone()).collect(),
                )
            })
            .collect();
        let entities = entities::resolve(&docs);
        let mut engine = Engine {
            corpus,
            index,
            entities,
            mentions_in: HashMap::new(),
        };
        let mut mentions_in: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
        for (e, entity) in engine.entities.iter().enumerate() {
            for (doc, range) in &entity.mentions {
                if let Some(p) = engine.passage_at(*doc, range.start) {
                    let list = mentions_in.entry((*doc, p)).or_default();
                    if !list.contains(&e) {
                        list.push(e);
                    }
                }
            }
        }
        engine.mentions_in = mentions_in;
        Ok(engine)
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

    pub fn article(&self, id: usize) -> &Article {
        &self.corpus.articles[id]
    }

    /// The index terms of `s` that are not function words: what two sentences must share
    /// to report the same fact.
    pub fn content_words(&self, s: &str) -> HashSet<String> {
        self.index
            .analyse(s)
            .into_iter()
            .filter(|(_, r)| !stopwords::is_stopword(&s[r.clone()].to_lowercase()))
            .map(|(t, _)| t)
            .collect()
    }

    /// Cites bytes `range` of article `id` in `answer`.
    pub fn cite(&self, answer: &mut Answer, id: usize, range: Range<usize>) -> usize {
        let a = self.article(id);
        answer.cite(CitationSource {
            doc: &a.doc,
            title: &a.meta.title,
            date: a.date_string(),
            url: a.url(),
            text: &a.text,
            range,
        })
    }

    /// The passage of article `id` that holds byte `at`.
    pub fn passage_at(&self, id: usize, at: usize) -> Option<usize> {
        let ps = &self.article(id).passages;
        let i = ps.partition_point(|p| p.range.end <= at);
        (i < ps.len() && ps[i].range.start <= at).then_some(i)
    }

    /// Cites passage `p` of article `id`.
    pub fn cite_passage(&self, answer: &mut Answer, id: usize, p: usize) -> usize {
        let range = self.article(id).passages[p].range.clone();
        self.cite(answer, id, range)
    }
}

/// Whether a command needs the corpus at all (for front ends that answer help before loading).
pub fn needs_corpus(command: &Command) -> bool {
    !matches!(
        command,
        Command::Help | Command::Unknown(_) | Command::Empty | Command::Usage(_)
    )
}
