//! `/help` and `/status`.

use crate::answer::{Answer, Block, code, text};
use crate::engine::Engine;
use crate::strings;

pub fn help() -> Answer {
    let mut a = Answer::new("help", "");
    a.push(Block::Para(vec![text(strings::HELP_INTRO)]));
    for (usage, what) in strings::COMMANDS {
        a.push(Block::Bullet(vec![code(*usage), text(format!(": {what}"))]));
    }
    a.push(Block::Note(vec![text(strings::HELP_FOOTER)]));
    a
}

pub fn status(engine: &Engine) -> Answer {
    let c = &engine.corpus;
    let mut a = Answer::new("status", "");
    a.push(Block::Heading(vec![text("Status")]));
    a.push(Block::Bullet(vec![
        text("Corpus "),
        code(c.dir.display().to_string()),
        text(format!(
            ": {} article{}, {} passage{}",
            c.len(),
            strings::plural(c.len()),
            engine.index.num_passages(),
            strings::plural(engine.index.num_passages())
        )),
    ]));
    let newest = c
        .newest_date()
        .map(|d| d.to_string())
        .unwrap_or_else(|| strings::UNDATED.to_string());
    a.push(Block::Bullet(vec![text(format!(
        "Newest article date: {newest}"
    ))]));
    a.push(Block::Bullet(vec![text(if c.restored {
        format!(
            "Read back from saved state in {} ms (only files changed since were read again)",
            c.load_time.as_millis()
        )
    } else {
        format!(
            "Loaded and cleaned in {} ms, indexed in {} ms",
            c.load_time.as_millis(),
            engine.index.build_time.as_millis()
        )
    })]));
    if c.skipped().is_empty() {
        a.push(Block::Bullet(vec![text("No files skipped")]));
    } else {
        a.push(Block::Bullet(vec![text(format!(
            "Skipped {} file{}:",
            c.skipped().len(),
            strings::plural(c.skipped().len())
        ))]));
        for s in &c.skipped() {
            a.push(Block::Bullet(vec![
                code(&s.doc),
                text(format!(": {}", s.reason)),
            ]));
        }
    }
    a
}
