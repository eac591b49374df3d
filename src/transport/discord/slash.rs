//! The slash commands: their definitions with typed options, the chat line a command's
//! options stand for (so the one parser handles Discord too), and autocomplete choices.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

use serenity::all::{CommandOptionType, CommandType, CreateCommand, CreateCommandOption};

use super::reply;
use crate::commands::MAX_DIGEST_DAYS;
use crate::engine::Engine;
use crate::nlp::{entities, stopwords};
use crate::strings;

/// Most choices Discord shows for one autocomplete request.
pub const MAX_CHOICES: usize = 25;

/// What the help text says a command does, within Discord's 100-character limit.
fn description(command: &str) -> String {
    let text = strings::COMMANDS
        .iter()
        .find(|(usage, _)| usage.split_whitespace().next() == Some(command))
        .map(|(_, what)| *what)
        .unwrap_or(command);
    let mut d = strings::shorten(text, 100);
    if let Some(first) = d.get(..1) {
        d = first.to_uppercase() + &d[1..];
    }
    d
}

fn text_option(name: &str, about: &str, required: bool, autocomplete: bool) -> CreateCommandOption {
    CreateCommandOption::new(CommandOptionType::String, name, about)
        .required(required)
        .set_autocomplete(autocomplete)
        .max_length(crate::index::query::MAX_INPUT_CHARS as u16)
}

/// The commands to register, each with its typed options and descriptions.
pub fn definitions() -> Vec<CreateCommand> {
    let cmd = |name: &str| {
        CreateCommand::new(name)
            .kind(CommandType::ChatInput)
            .description(description(&format!("/{name}")))
    };
    vec![
        cmd("ask").add_option(text_option(
            "question",
            strings::DISCORD_OPT_QUESTION,
            true,
            false,
        )),
        cmd("search").add_option(text_option(
            "words",
            strings::DISCORD_OPT_WORDS,
            true,
            false,
        )),
        cmd("timeline").add_option(text_option(
            "topic",
            strings::DISCORD_OPT_TOPIC,
            false,
            true,
        )),
        cmd("who").add_option(text_option("name", strings::DISCORD_OPT_NAME, true, true)),
        cmd("source").add_option(text_option(
            "article",
            strings::DISCORD_OPT_ARTICLE,
            true,
            true,
        )),
        cmd("digest").add_option(
            CreateCommandOption::new(
                CommandOptionType::Integer,
                "days",
                strings::DISCORD_OPT_DAYS,
            )
            .required(false)
            .min_int_value(1)
            .max_int_value(u64::from(MAX_DIGEST_DAYS)),
        ),
        cmd("status"),
        cmd("help"),
    ]
}

/// An option's value as Discord sends it.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Text(String),
    Int(i64),
}

/// The chat line a slash command stands for: `/ask` with `question` "Who…" is "/ask Who…".
/// Options are taken in the order given; the parser does the rest.
pub fn command_line<'a>(name: &str, args: impl IntoIterator<Item = &'a Arg>) -> String {
    let mut line = format!("/{name}");
    for arg in args {
        let value = match arg {
            Arg::Text(s) => s.trim().to_string(),
            Arg::Int(i) => i.to_string(),
        };
        if !value.is_empty() {
            line.push(' ');
            line.push_str(&value);
        }
    }
    line
}

fn fold(s: &str) -> String {
    s.to_lowercase()
}

/// Whether `name` or one of its words starts with `prefix` (already folded).
fn matches(name: &str, prefix: &str) -> bool {
    let f = fold(name);
    prefix.is_empty()
        || f.starts_with(prefix)
        || f.split(|c: char| !c.is_alphanumeric())
            .any(|w| w.starts_with(prefix))
}

/// The engine a topic list was made from, and the list.
type Topics = (Weak<Engine>, Arc<Vec<String>>);

/// Timeline topics, computed once per loaded engine.
#[derive(Default)]
pub struct TopicCache(Mutex<Option<Topics>>);

impl TopicCache {
    pub fn get(&self, engine: &Arc<Engine>) -> Arc<Vec<String>> {
        let mut slot = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((weak, topics)) = slot.as_ref()
            && std::ptr::eq(weak.as_ptr(), Arc::as_ptr(engine))
        {
            return topics.clone();
        }
        let topics = Arc::new(timeline_topics(engine));
        *slot = Some((Arc::downgrade(engine), topics.clone()));
        topics
    }
}

/// Topics for `/timeline`: the names mentioned in dated passages, most events first, then
/// the words (4 letters or more, not function words) that recur across dated passages.
pub fn timeline_topics(engine: &Engine) -> Vec<String> {
    let mut names: HashMap<usize, usize> = HashMap::new();
    let mut words: HashMap<String, usize> = HashMap::new();
    for a in engine.corpus.iter() {
        if a.events.is_empty() {
            continue;
        }
        // An article whose file changed since it was analysed is left out until reloaded.
        // Every dated article is read once: past the recent texts, which replies use.
        let Some(a) = engine.corpus.read_file(a.id) else {
            continue;
        };
        for ev in &a.events {
            for e in engine
                .table
                .mentions_in()
                .get(&(a.id, ev.passage()))
                .into_iter()
                .flatten()
            {
                *names.entry(*e as usize).or_default() += 1;
            }
            let mut seen: Vec<String> = Vec::new();
            for w in a
                .passage_text(ev.passage())
                .split(|c: char| !c.is_alphabetic())
                .filter(|w| w.chars().count() >= 4)
            {
                let w = w.to_lowercase();
                if !stopwords::is_stopword(&w) && !seen.contains(&w) {
                    seen.push(w);
                }
            }
            for w in seen {
                *words.entry(w).or_default() += 1;
            }
        }
    }
    let mut names: Vec<(usize, &str)> = names
        .into_iter()
        .map(|(e, n)| (n, engine.entities()[e].name.as_str()))
        .collect();
    names.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    let mut words: Vec<(usize, String)> = words
        .into_iter()
        .filter(|(_, n)| *n >= 2)
        .map(|(w, n)| (n, w))
        .collect();
    words.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut out: Vec<String> = names.into_iter().map(|(_, n)| n.to_string()).collect();
    for (_, w) in words {
        if !out.iter().any(|n| fold(n) == w) {
            out.push(w);
        }
    }
    out
}

/// Autocomplete choices, (shown name, value), for `command`'s option typed so far as `prefix`.
pub fn choices(
    engine: &Arc<Engine>,
    topics: &TopicCache,
    command: &str,
    prefix: &str,
) -> Vec<(String, String)> {
    let p = fold(prefix.trim());
    let list: Vec<(String, String)> = match command {
        "who" => entities::complete(engine.entities(), prefix, MAX_CHOICES)
            .into_iter()
            .map(|e| (e.name.clone(), e.name.clone()))
            .collect(),
        "source" => engine
            .corpus
            .iter()
            .filter(|a| matches(&a.meta.title, &p) || fold(&a.doc).starts_with(&p))
            .take(MAX_CHOICES)
            .map(|a| {
                let date = a.date_string().unwrap_or_else(|| strings::UNDATED.into());
                (format!("{} ({date})", a.meta.title), a.doc.clone())
            })
            .collect(),
        "timeline" => topics
            .get(engine)
            .iter()
            .filter(|t| matches(t, &p))
            .take(MAX_CHOICES)
            .map(|t| (t.clone(), t.clone()))
            .collect(),
        _ => Vec::new(),
    };
    list.into_iter()
        .take(MAX_CHOICES)
        .map(|(name, value)| (reply::choice(&name), reply::choice(&value)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::{Command, parse};

    #[test]
    fn options_become_the_chat_line_the_parser_reads() {
        struct Case {
            name: &'static str,
            args: Vec<Arg>,
            line: &'static str,
            command: Command,
        }
        let s = |x: &str| Arg::Text(x.to_string());
        let cases = [
            Case {
                name: "ask",
                args: vec![s("  Who is the Kremlin spokesman? ")],
                line: "/ask Who is the Kremlin spokesman?",
                command: Command::Ask("Who is the Kremlin spokesman?".into()),
            },
            Case {
                name: "search",
                args: vec![s("\"rare earth\" -Ukraine")],
                line: "/search \"rare earth\" -Ukraine",
                command: Command::Search("\"rare earth\" -Ukraine".into()),
            },
            Case {
                name: "timeline",
                args: vec![],
                line: "/timeline",
                command: Command::Timeline(None),
            },
            Case {
                name: "timeline",
                args: vec![s("Patriot")],
                line: "/timeline Patriot",
                command: Command::Timeline(Some("Patriot".into())),
            },
            Case {
                name: "who",
                args: vec![s("Peskov")],
                line: "/who Peskov",
                command: Command::Who("Peskov".into()),
            },
            Case {
                name: "source",
                args: vec![s("001_6480d4c4fdec966e.txt")],
                line: "/source 001_6480d4c4fdec966e.txt",
                command: Command::Source("001_6480d4c4fdec966e.txt".into()),
            },
            Case {
                name: "digest",
                args: vec![Arg::Int(7)],
                line: "/digest 7",
                command: Command::Digest(Some(7)),
            },
            Case {
                name: "digest",
                args: vec![],
                line: "/digest",
                command: Command::Digest(None),
            },
            Case {
                name: "status",
                args: vec![],
                line: "/status",
                command: Command::Status,
            },
            Case {
                name: "ask",
                args: vec![s("   ")],
                line: "/ask",
                command: Command::Usage("/ask"),
            },
        ];
        for c in cases {
            let line = command_line(c.name, &c.args);
            assert_eq!(line, c.line);
            assert_eq!(parse(&line).unwrap().command, c.command, "{line}");
        }
    }

    #[test]
    fn definitions_are_valid_for_discord() {
        let defs = serde_json::to_value(definitions()).unwrap();
        let defs = defs.as_array().unwrap();
        assert_eq!(defs.len(), 8);
        let name_ok = |n: &str| {
            !n.is_empty()
                && n.len() <= 32
                && n.chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_' || c == '-')
        };
        for d in defs {
            let name = d["name"].as_str().unwrap();
            assert!(name_ok(name), "{name}");
            let about = d["description"].as_str().unwrap();
            assert!(
                !about.is_empty() && about.chars().count() <= 100,
                "{name}: {about}"
            );
            for o in d["options"].as_array().into_iter().flatten() {
                assert!(name_ok(o["name"].as_str().unwrap()));
                let about = o["description"].as_str().unwrap();
                assert!(!about.is_empty() && about.chars().count() <= 100, "{about}");
            }
        }
    }
}
