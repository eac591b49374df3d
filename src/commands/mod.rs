//! Commands: the parser and one module per command, each turning arguments into an `Answer`.

mod ask;
mod digest;
mod info;
mod parse;
mod search;
mod source;
mod timeline;
mod who;

pub use digest::digest_of;
pub use parse::{Command, MAX_DIGEST_DAYS, Parsed, parse, parse_line};
pub use who::CardCache;

use crate::answer::{Answer, Block, text};
use crate::engine::Engine;
use crate::index::IndexError;
use crate::strings;

/// Runs one command against the engine.
pub fn run(engine: &Engine, command: &Command) -> Result<Answer, IndexError> {
    Ok(match command {
        Command::Ask(q) => ask::ask(engine, q)?,
        Command::Search(q) => search::search(engine, q)?,
        Command::Source(q) => source::source(engine, q),
        Command::Digest(days) => digest::digest(engine, *days, std::time::SystemTime::now()),
        Command::Status => info::status(engine),
        Command::Help => info::help(),
        Command::Timeline(q) => timeline::timeline(engine, q.as_deref())?,
        Command::Who(q) => who::who(engine, q)?,
        Command::Usage(c) => message(command.name(), "", strings::usage(c)),
        Command::Unknown(name) => message("unknown", name, strings::unknown_command(name)),
        Command::Empty => message("empty", "", strings::EMPTY_LINE.to_string()),
    })
}

/// A reply that is one sentence and cites nothing.
fn message(command: &'static str, query: &str, line: String) -> Answer {
    let mut a = Answer::new(command, query);
    a.push(Block::Para(vec![text(line)]));
    a
}
