//! Every user-visible sentence, so that the terminal, Discord and Matrix say the same thing.

pub const SOURCES: &str = "Sources";
pub const UNDATED: &str = "undated";

pub const HELP_INTRO: &str = "I answer questions about the news articles in my folder, quoting them word for word and citing each quote.";
pub const HELP_FOOTER: &str =
    "Commands start with / or !. In the terminal, a line without a command is asked as a question.";

/// (usage, what it does) for each command, in the order `/help` lists them.
pub const COMMANDS: &[(&str, &str)] = &[
    (
        "/ask <question>",
        "the 1-3 sentences that best answer it, quoted and cited",
    ),
    (
        "/search <words>",
        "passages with those words, grouped by article (\"quotes\" for phrases, -word to exclude)",
    ),
    (
        "/timeline [topic]",
        "dated events in order, each quoted and cited",
    ),
    (
        "/who <name or term>",
        "who someone is according to the articles, or who is involved with a thing",
    ),
    (
        "/source <file prefix or title words>",
        "an article's card: title, publisher, date, URL, length, lead",
    ),
    (
        "/digest [days]",
        "one entry per story; with days, only articles added in that many days",
    ),
    (
        "/status",
        "what is loaded: articles, passages, newest date, skipped files",
    ),
    ("/help", "this list"),
];

pub fn unknown_command(name: &str) -> String {
    format!(
        "I don't know the command \"{}\". Type /help to see what I can do.",
        shorten(name, 40)
    )
}

pub fn usage(command: &str) -> String {
    let usage = COMMANDS
        .iter()
        .find(|(u, _)| u.split_whitespace().next() == Some(command))
        .map(|(u, _)| *u)
        .unwrap_or(command);
    format!("Usage: {usage}. Type /help for examples.")
}

pub const INTERNAL_ERROR: &str =
    "Sorry, something went wrong on my side. The details are in my log.";

pub fn greeting(articles: usize, dir: &str) -> String {
    format!(
        "newsdesk: {articles} article{} from {dir}. Ask a question, or type /help.",
        plural(articles)
    )
}

pub const EMPTY_LINE: &str =
    "Type a command, for example /ask Who is the Kremlin spokesman? or /help.";

pub fn shortened_input(limit: usize) -> String {
    format!("Your message was long, so I read only its first {limit} characters.")
}

pub const NO_ANSWER: &str = "I can't find an answer to that in the articles.";
pub fn no_answer_missing(terms: &[String]) -> String {
    format!(
        "I can't find an answer to that in the articles: they never mention {}.",
        join_or(terms)
    )
}
pub const NO_ANSWER_HINT: &str =
    "Try /search with a few key words to see what the articles do say.";
pub const SAME_FACT: &str = "also reported by";

pub fn search_heading(query: &str, articles: usize, passages: usize) -> String {
    format!(
        "{passages} passage{} in {articles} article{} for \"{}\"",
        plural(passages),
        plural(articles),
        shorten(query, 80)
    )
}
pub fn search_nothing(query: &str) -> String {
    format!(
        "Nothing in the articles matches \"{}\".",
        shorten(query, 80)
    )
}
pub const SEARCH_PARTIAL: &str = "No passage has all of those words; these have some of them.";
pub fn more_hits_in_article(n: usize) -> String {
    format!("{n} more hit{} in this article", plural(n))
}
pub fn more_hits_elsewhere(hits: usize, articles: usize) -> String {
    format!(
        "{hits} more hit{} in {articles} more article{}",
        plural(hits),
        plural(articles)
    )
}

pub fn source_not_found(query: &str) -> String {
    format!(
        "No article matches \"{}\". Try a file name prefix such as 001, or words of a title.",
        shorten(query, 80)
    )
}
pub fn source_ambiguous(n: usize) -> String {
    format!("{n} articles match; be more specific:")
}
pub fn file_changed(doc: &str) -> String {
    format!("{doc} changed since I read it; I am reading it again. Ask again in a moment.")
}
pub const DERIVED_TITLE: &str = "no headline; label taken from the lead";

pub fn digest_heading(stories: usize, articles: usize, days: Option<u32>) -> String {
    let span = match days {
        Some(1) => " added in the last day".to_string(),
        Some(d) => format!(" added in the last {d} days"),
        None => String::new(),
    };
    format!(
        "Digest: {stories} stor{} from {articles} article{}{span}",
        if stories == 1 { "y" } else { "ies" },
        plural(articles)
    )
}
pub fn digest_nothing(days: Option<u32>) -> String {
    match days {
        Some(d) => format!(
            "No articles were added in the last {d} day{}. Try /digest without a number for every story.",
            plural(d as usize)
        ),
        None => "The folder has no articles yet.".to_string(),
    }
}
pub fn covered_by(k: usize) -> String {
    format!("covered by {k} sources")
}

pub fn timeline_heading(topic: Option<&str>, events: usize) -> String {
    match topic {
        Some(t) => format!(
            "Timeline of \"{}\": {events} dated event{}",
            shorten(t, 60),
            plural(events)
        ),
        None => format!("Timeline: {events} dated event{}", plural(events)),
    }
}
pub fn timeline_nothing(topic: Option<&str>) -> String {
    match topic {
        Some(t) => format!(
            "I found no dated events about \"{}\" in the articles.",
            shorten(t, 60)
        ),
        None => "I found no dated events in the articles.".to_string(),
    }
}

pub const ROLE: &str = "Role";
pub const ALIASES: &str = "Also called";
pub const APPEARS_IN: &str = "Appears in";
pub const APPEARS_WITH: &str = "Appears with";
pub const NEAR_MATCHES: &str = "Did you mean: ";
pub fn mentions_in_articles(mentions: usize, articles: usize) -> String {
    format!(
        "{mentions} mention{} in {articles} article{}",
        plural(mentions),
        plural(articles)
    )
}
pub fn involved_heading(label: &str, n: usize) -> String {
    format!(
        "Who is involved with \"{}\": {n} {} in the articles",
        shorten(label, 60),
        if n == 1 { "name" } else { "names" }
    )
}
pub fn passages_count(n: usize) -> String {
    format!("{n} passage{}", plural(n))
}
pub fn who_not_found(query: &str) -> String {
    format!("\"{}\" is not in the articles.", shorten(query, 60))
}

pub fn rate_limited_user(secs: u64) -> String {
    format!("You're asking faster than I can keep up with. Please try again in {secs} s.")
}
pub fn rate_limited_channel(secs: u64) -> String {
    format!("This channel is sending me a lot right now. Please try again in {secs} s.")
}
pub fn daily_digest_heading(date: &str) -> String {
    format!("Daily digest, {date}")
}
pub const DIGEST_NOTHING_NEW: &str = "No new articles since the last digest.";

// Matrix (here rather than at the end of the file: clippy refuses items after the tests).
pub const MATRIX_MORE_HINT: &str = "Type !more for the next page.";
pub const MATRIX_NOTHING_MORE: &str = "There is nothing more to show. Ask me something first, for example !ask Who is the Kremlin spokesman?";
pub const MATRIX_ENCRYPTED: &str = "This room is end-to-end encrypted, and I can't read encrypted messages, so I can't answer here. Please invite me to a room without encryption.";

pub fn not_built(command: &str) -> String {
    format!("{command} is not available yet.")
}

pub fn page_of(page: usize, pages: usize) -> String {
    format!("page {page} of {pages}")
}

pub fn blocks_left_out(n: usize) -> String {
    format!("{n} more not shown")
}

pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn join_or(terms: &[String]) -> String {
    let quoted: Vec<String> = terms.iter().map(|t| format!("\"{t}\"")).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        n => format!("{} or {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

/// Shortens `s` to at most `max` characters at a word boundary, ending in "…".
pub fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max.saturating_sub(1)).collect();
    let at_word = match cut.rfind(char::is_whitespace) {
        Some(i) if i > cut.len() / 2 => &cut[..i],
        _ => &cut[..],
    };
    format!("{}…", at_word.trim_end_matches([',', ';', ':', ' ']))
}

#[cfg(test)]
#[allow(clippy::items_after_test_module)]
mod tests {
    use super::*;

    #[test]
    fn shorten_cuts_at_words() {
        assert_eq!(shorten("short", 10), "short");
        assert_eq!(shorten("one two three four five", 12), "one two…");
        assert_eq!(shorten("ééééééééééééé", 5), "éééé…");
    }

    #[test]
    fn usage_names_the_command() {
        assert_eq!(
            usage("/ask"),
            "Usage: /ask <question>. Type /help for examples."
        );
    }
}

// Discord

/// The embed title: the command and what was asked.
pub fn discord_title(command: &str, query: &str) -> String {
    let label = match command {
        "ask" => "Ask",
        "search" => "Search",
        "timeline" => "Timeline",
        "who" => "Who",
        "source" => "Source",
        "digest" => "Digest",
        "status" => "Status",
        "help" => "newsdesk help",
        _ => "newsdesk",
    };
    if query.trim().is_empty() {
        label.to_string()
    } else {
        format!("{label}: {}", shorten(query, 200))
    }
}
pub const DISCORD_SOURCES_CONTINUED: &str = "Sources (continued)";
pub const DISCORD_PREV: &str = "Prev";
pub const DISCORD_NEXT: &str = "Next";
pub const DISCORD_BUTTON_STALE: &str =
    "That button belongs to a reply I can no longer page. Run the command again, please.";
pub const DISCORD_REPLY_TOO_LONG: &str =
    "That reply is too long for Discord. Try a narrower question or a topic.";
/// Slash command option descriptions (Discord allows at most 100 characters).
pub const DISCORD_OPT_QUESTION: &str = "Your question, e.g. Who is the Kremlin spokesman?";
pub const DISCORD_OPT_WORDS: &str = "Words to find; \"quotes\" for phrases, -word to exclude";
pub const DISCORD_OPT_TOPIC: &str = "A name or word to narrow the timeline (optional)";
pub const DISCORD_OPT_NAME: &str = "A person, organisation, place or thing";
pub const DISCORD_OPT_ARTICLE: &str = "An article: file name prefix or title words";
pub const DISCORD_OPT_DAYS: &str = "Only articles added in this many days (optional)";
