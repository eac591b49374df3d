//! The engine: a loaded corpus and its index, answering parsed commands with `Answer`s.

use std::ops::Range;
use std::path::Path;

use thiserror::Error;
use tracing::error;

use crate::answer::{Answer, Block, CitationSource, text};
use crate::commands::{self, Command, Parsed};
use crate::corpus::{self, Article, Corpus, CorpusError};
use crate::index::{IndexError, NewsIndex};
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
}

impl Engine {
    /// Loads, cleans and indexes the folder.
    pub fn load(dir: &Path) -> Result<Engine, EngineError> {
        Engine::from_corpus(corpus::load(dir)?)
    }

    pub fn from_corpus(corpus: Corpus) -> Result<Engine, EngineError> {
        let index = NewsIndex::build(&corpus)?;
        Ok(Engine { corpus, index })
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
