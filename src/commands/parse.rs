//! The one command parser every front end uses: `/cmd` or `!cmd`, case-insensitive.

use crate::index::query::sanitize;

/// Longest `/digest` window, in days.
pub const MAX_DIGEST_DAYS: u32 = 3650;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Ask(String),
    Search(String),
    Timeline(Option<String>),
    Who(String),
    Source(String),
    Digest(Option<u32>),
    Status,
    Help,
    /// A known command with missing or bad arguments; holds the command as typed in /help.
    Usage(&'static str),
    /// A command name we do not know.
    Unknown(String),
    /// Nothing but a prefix or whitespace.
    Empty,
}

impl Command {
    /// The name used in the JSON `command` field.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Ask(_) => "ask",
            Command::Search(_) => "search",
            Command::Timeline(_) => "timeline",
            Command::Who(_) => "who",
            Command::Source(_) => "source",
            Command::Digest(_) => "digest",
            Command::Status => "status",
            Command::Help => "help",
            Command::Usage(c) => c.trim_start_matches('/'),
            Command::Unknown(_) => "unknown",
            Command::Empty => "empty",
        }
    }
}

/// A parsed line: the command and whether its text was cut to the input limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub command: Command,
    pub truncated: bool,
}

/// Parses a chat line that starts with `/` or `!`; None when it is not a command (plain chat).
pub fn parse(line: &str) -> Option<Parsed> {
    let (clean, truncated) = sanitize(line);
    let rest = clean
        .strip_prefix('/')
        .or_else(|| clean.strip_prefix('!'))?;
    let (name, args) = match rest.find(' ') {
        Some(i) => (&rest[..i], rest[i + 1..].trim()),
        None => (rest, ""),
    };
    Some(Parsed {
        command: command(&name.to_lowercase(), args),
        truncated,
    })
}

/// Parses a terminal line: a line without a prefix is a question for `/ask`.
pub fn parse_line(line: &str) -> Parsed {
    if let Some(p) = parse(line) {
        return p;
    }
    let (clean, truncated) = sanitize(line);
    let command = if clean.is_empty() {
        Command::Empty
    } else {
        Command::Ask(clean)
    };
    Parsed { command, truncated }
}

fn required(args: &str, usage: &'static str, make: fn(String) -> Command) -> Command {
    if args.is_empty() {
        Command::Usage(usage)
    } else {
        make(args.to_string())
    }
}

fn command(name: &str, args: &str) -> Command {
    match name {
        "" => Command::Empty,
        "ask" | "q" => required(args, "/ask", Command::Ask),
        "search" | "find" => required(args, "/search", Command::Search),
        "who" => required(args, "/who", Command::Who),
        "source" | "src" => required(args, "/source", Command::Source),
        "timeline" => Command::Timeline((!args.is_empty()).then(|| args.to_string())),
        "digest" => match args {
            "" => Command::Digest(None),
            _ => match args.trim_end_matches(['d', 'D']).trim().parse::<u32>() {
                Ok(d) if (1..=MAX_DIGEST_DAYS).contains(&d) => Command::Digest(Some(d)),
                _ => Command::Usage("/digest"),
            },
        },
        "status" => Command::Status,
        "help" | "h" | "?" | "start" => Command::Help,
        other => Command::Unknown(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Case {
        input: &'static str,
        expected: Option<Command>,
    }

    #[test]
    fn parse_table() {
        let s = |x: &str| x.to_string();
        let cases = [
            Case {
                input: "/ask Who is the Kremlin spokesman?",
                expected: Some(Command::Ask(s("Who is the Kremlin spokesman?"))),
            },
            Case {
                input: "!ASK  who   is he",
                expected: Some(Command::Ask(s("who is he"))),
            },
            Case {
                input: "/Search ATACMS",
                expected: Some(Command::Search(s("ATACMS"))),
            },
            Case {
                input: "/search",
                expected: Some(Command::Usage("/search")),
            },
            Case {
                input: "/ask    ",
                expected: Some(Command::Usage("/ask")),
            },
            Case {
                input: "/timeline",
                expected: Some(Command::Timeline(None)),
            },
            Case {
                input: "/timeline patriot",
                expected: Some(Command::Timeline(Some(s("patriot")))),
            },
            Case {
                input: "/who patriot",
                expected: Some(Command::Who(s("patriot"))),
            },
            Case {
                input: "/source 003",
                expected: Some(Command::Source(s("003"))),
            },
            Case {
                input: "/digest",
                expected: Some(Command::Digest(None)),
            },
            Case {
                input: "/digest 7",
                expected: Some(Command::Digest(Some(7))),
            },
            Case {
                input: "/digest 7d",
                expected: Some(Command::Digest(Some(7))),
            },
            Case {
                input: "/digest 0",
                expected: Some(Command::Usage("/digest")),
            },
            Case {
                input: "/digest lots",
                expected: Some(Command::Usage("/digest")),
            },
            Case {
                input: "/digest 99999999999",
                expected: Some(Command::Usage("/digest")),
            },
            Case {
                input: "/help",
                expected: Some(Command::Help),
            },
            Case {
                input: "/status",
                expected: Some(Command::Status),
            },
            Case {
                input: "/frobnicate now",
                expected: Some(Command::Unknown(s("frobnicate"))),
            },
            Case {
                input: "/",
                expected: Some(Command::Empty),
            },
            Case {
                input: "!",
                expected: Some(Command::Empty),
            },
            Case {
                input: "  /ask\u{0}\u{200B} hi",
                expected: Some(Command::Ask(s("hi"))),
            },
            Case {
                input: "/ask \"unbalanced",
                expected: Some(Command::Ask(s("\"unbalanced"))),
            },
            Case {
                input: "/💥 boom",
                expected: Some(Command::Unknown(s("💥"))),
            },
            Case {
                input: "hello there",
                expected: None,
            },
            Case {
                input: "",
                expected: None,
            },
            Case {
                input: "@everyone look",
                expected: None,
            },
        ];
        for c in cases {
            assert_eq!(
                parse(c.input).map(|p| p.command),
                c.expected,
                "input {:?}",
                c.input
            );
        }
    }

    #[test]
    fn terminal_lines_default_to_ask() {
        assert_eq!(
            parse_line("who is Rutte?").command,
            Command::Ask("who is Rutte?".into())
        );
        assert_eq!(parse_line("   ").command, Command::Empty);
        assert_eq!(parse_line("/help").command, Command::Help);
    }

    #[test]
    fn long_messages_are_cut_and_flagged() {
        let p = parse(&format!("/ask {}", "x".repeat(10_000))).unwrap();
        assert!(p.truncated);
        assert!(matches!(p.command, Command::Ask(q) if q.len() < 600));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse(&s);
            let _ = parse_line(&s);
        }
    }
}
