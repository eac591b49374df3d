//! The terminal chat: one command per line from stdin (a TTY or a pipe), replies on stdout.

use std::io::{self, BufRead, Write};

use crate::answer::render_plain;
use crate::strings;

use super::SharedEngine;

/// Answers each line of `input` until end of input, each from the engine as it is then (so
/// files added to the folder meanwhile are found). With `interactive`, shows a greeting and a prompt.
pub fn run(
    engine: &SharedEngine,
    input: impl BufRead,
    mut output: impl Write,
    interactive: bool,
) -> io::Result<()> {
    if interactive {
        let e = engine.load();
        let c = &e.corpus;
        writeln!(
            output,
            "{}",
            strings::greeting(c.len(), &c.dir.display().to_string())
        )?;
        write!(output, "> ")?;
        output.flush()?;
    }
    for line in input.lines() {
        let line = match line {
            Ok(l) => l,
            // A line that is not UTF-8 is still a line: read it lossily rather than stop.
            Err(e) if e.kind() == io::ErrorKind::InvalidData => String::from("\u{FFFD}"),
            Err(e) => return Err(e),
        };
        let answer = engine.load().answer_line(&line);
        writeln!(output, "{}", render_plain(&answer, interactive))?;
        if interactive {
            write!(output, "\n> ")?;
        } else {
            writeln!(output)?;
        }
        output.flush()?;
    }
    Ok(())
}
