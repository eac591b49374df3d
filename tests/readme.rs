//! The README's example replies are what the bot answers over `seeds/` today: each
//! terminal example (a text block that starts with `> /command`) is answered again and
//! compared, so the README cannot drift from the code.

use std::path::Path;

use newsdesk::Engine;
use newsdesk::answer::render_plain;

/// Each terminal example: the command line and the reply shown under it.
fn examples(readme: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for block in readme.split("```text\n").skip(1) {
        let Some((body, _)) = block.split_once("```") else {
            continue;
        };
        let Some(rest) = body.strip_prefix("> /") else {
            continue;
        };
        let (line, reply) = rest.split_once('\n').unwrap_or((rest, ""));
        out.push((format!("/{line}"), reply.trim_end().to_string()));
    }
    out
}

#[test]
fn readme_examples_are_todays_replies() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let engine = Engine::load(&root.join("seeds")).unwrap();
    let examples = examples(&readme);
    assert!(examples.len() >= 8, "{} examples found", examples.len());
    for (line, shown) in examples {
        // Timings differ from run to run, and the digest orders undated articles by the
        // file's time, which a checkout sets.
        if line.starts_with("/status") || line.starts_with("/digest") {
            continue;
        }
        let reply = render_plain(&engine.answer_line(&line), false);
        assert_eq!(
            reply.trim_end(),
            shown,
            "the README's reply to {line} is not today's"
        );
    }
}
