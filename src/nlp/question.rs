//! What a question asks for (a person, a date, a number...) and where a sentence holds it.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuestionType {
    Person,
    Date,
    Number,
    Place,
    Reason,
    /// What/which/how questions without an expected answer type.
    Other,
}

/// Words that make "how X" ask for a quantity.
const MEASURES: &[&str] = &[
    "many", "much", "big", "large", "long", "far", "old", "high", "tall", "often", "fast", "heavy",
    "deep", "wide", "costly",
];

/// Nouns that make "what X" / "which X" ask for a kind of answer rather than name a topic.
const ASKED_KINDS: &[&str] = &[
    "percentage",
    "percent",
    "share",
    "proportion",
    "amount",
    "number",
    "year",
    "date",
    "day",
    "month",
    "time",
    "sum",
    "figure",
];

/// Words that only shape the question: the measure after "how" ("how big a raise"), the
/// kind after "what" ("what percentage of Ukraine").
pub fn frame_words(question: &str) -> Vec<String> {
    let q = question.to_lowercase();
    let words: Vec<&str> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words
        .windows(2)
        .filter(|p| {
            (p[0] == "how" && MEASURES.contains(&p[1]))
                || (matches!(p[0], "what" | "which") && ASKED_KINDS.contains(&p[1]))
        })
        .map(|p| p[1].to_string())
        .collect()
}

/// Reads the question's type from its wh-words.
pub fn classify(question: &str) -> QuestionType {
    let q = question.to_lowercase();
    let words: Vec<&str> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |w: &str| words.contains(&w);
    let pair = |a: &str, b: &str| words.windows(2).any(|p| p[0] == a && p[1] == b);
    if pair("how", "many")
        || pair("how", "much")
        || pair("what", "percentage")
        || pair("what", "amount")
    {
        QuestionType::Number
    } else if has("when")
        || pair("what", "year")
        || pair("what", "date")
        || pair("which", "day")
        || pair("what", "day")
    {
        QuestionType::Date
    } else if has("who") || has("whom") || has("whose") {
        QuestionType::Person
    } else if has("where") {
        QuestionType::Place
    } else if has("why") {
        QuestionType::Reason
    } else {
        QuestionType::Other
    }
}

static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:\b(?:over|more than|about|nearly|almost|at least|some|up to|roughly)\s+)?(?:[$€£]\s?)?\b\d[\d,]*(?:\.\d+)?(?:\s?(?:%|percent|billion|million|trillion|thousand|bn|m)\b|%)?|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|hundreds|thousand|thousands|dozens?)\b",
    )
    .expect("static regex")
});

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+)?(?:(?:January|February|March|April|June|July|August|September|October|November|December|Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)(?:\s+\d{1,2}(?:st|nd|rd|th)?)?(?:,?\s+\d{4})?|\d{1,2}\s+(?:January|February|March|April|May|June|July|August|September|October|November|December)(?:\s+\d{4})?|(?:19|20)\d{2})\b|\b(?:yesterday|today|tomorrow|last (?:week|month|year)|earlier this (?:week|month|year))\b",
    )
    .expect("static regex")
});

static REASON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:because|due to|as a result of|in order to|so that|citing|aimed at|in response to|owing to|to pressure|to apply|to ensure)\b[^.;]*")
        .expect("static regex")
});

/// Capitalised words in a row ("Dmitry Peskov", "Sergey Lavrov"), allowing initials and hyphens.
static CAPITALISED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b[A-Z][\p{L}'’-]*[\p{L}](?:\s+(?:[A-Z]\.\s*)?[A-Z][\p{L}'’-]*[\p{L}])*")
        .expect("static regex")
});

const NOT_NAMES: &[&str] = &[
    "The",
    "A",
    "An",
    "On",
    "In",
    "At",
    "After",
    "Before",
    "Since",
    "But",
    "And",
    "He",
    "She",
    "It",
    "They",
    "We",
    "I",
    "This",
    "That",
    "These",
    "Those",
    "While",
    "When",
    "Days",
    "Despite",
    "Following",
    "Shortly",
    "Further",
    "Additionally",
    "However",
    "If",
    "Whether",
    "According",
    "Here",
    "There",
    "Our",
    "His",
    "Her",
    "Their",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Candidate answer spans of the expected type in `sentence`, excluding words of the question.
/// `question_words` are lowercase surface words of the question.
pub fn answer_spans(
    sentence: &str,
    qtype: QuestionType,
    question_words: &[String],
) -> Vec<Range<usize>> {
    let asked = |r: &Range<usize>| {
        let span = sentence[r.clone()].to_lowercase();
        span.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .all(|w| question_words.iter().any(|q| q == w))
    };
    let spans: Vec<Range<usize>> = match qtype {
        QuestionType::Number => NUMBER
            .find_iter(sentence)
            .map(|m| m.range())
            .filter(|r| !asked(r))
            .collect(),
        QuestionType::Date => DATE.find_iter(sentence).map(|m| m.range()).collect(),
        QuestionType::Reason => REASON.find_iter(sentence).map(|m| m.range()).collect(),
        QuestionType::Person => names(sentence)
            .into_iter()
            .filter(|r| !asked(r) && sentence[r.clone()].contains(' '))
            .collect(),
        QuestionType::Place => names(sentence)
            .into_iter()
            .filter(|r| {
                !asked(r)
                    && preceded_by(
                        sentence,
                        r.start,
                        &["in", "at", "from", "to", "near", "across"],
                    )
            })
            .collect(),
        QuestionType::Other => Vec::new(),
    };
    spans.into_iter().filter(|r| !r.is_empty()).collect()
}

/// Capitalised spans with leading function words and months trimmed off.
fn names(sentence: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for m in CAPITALISED.find_iter(sentence) {
        let mut start = m.start();
        let text = m.as_str();
        let mut offset = 0;
        for word in text.split_whitespace() {
            let bare = word.trim_end_matches(['’', '\'', 's']);
            if NOT_NAMES.contains(&word) || NOT_NAMES.contains(&bare) {
                offset = text[offset..]
                    .find(word)
                    .map_or(offset, |i| offset + i + word.len());
                start = m.start() + offset;
            } else {
                break;
            }
        }
        let span = sentence[start..m.end()].trim();
        if span.is_empty() {
            continue;
        }
        let lead = sentence[start..].len() - sentence[start..].trim_start().len();
        let s = start + lead;
        let e = s + span.trim_end_matches("’s").trim_end_matches("'s").len();
        if e > s {
            out.push(s..e);
        }
    }
    out
}

fn preceded_by(sentence: &str, at: usize, words: &[&str]) -> bool {
    let before = sentence[..at].trim_end().to_lowercase();
    words
        .iter()
        .any(|w| before.ends_with(&format!(" {w}")) || before == *w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_table() {
        let cases = [
            ("Who is the Kremlin spokesman?", QuestionType::Person),
            ("How many drones were launched?", QuestionType::Number),
            (
                "How much did Ukraine agree to provide?",
                QuestionType::Number,
            ),
            ("When did the call happen?", QuestionType::Date),
            ("What year did Russia annex Crimea?", QuestionType::Date),
            ("Where did Hegseth speak?", QuestionType::Place),
            (
                "Why did the Pentagon pause shipments?",
                QuestionType::Reason,
            ),
            ("What did Blinken promise?", QuestionType::Other),
        ];
        for (q, t) in cases {
            assert_eq!(classify(q), t, "{q}");
        }
    }

    fn spans(s: &str, t: QuestionType, q: &[&str]) -> Vec<String> {
        let q: Vec<String> = q.iter().map(|w| w.to_string()).collect();
        answer_spans(s, t, &q)
            .into_iter()
            .map(|r| s[r].to_string())
            .collect()
    }

    #[test]
    fn person_span_skips_question_words_and_openers() {
        let s = "On July 9, Kremlin spokesman Dmitry Peskov noted that dialogue could be pursued.";
        assert_eq!(
            spans(s, QuestionType::Person, &["kremlin", "spokesman"]),
            ["Dmitry Peskov"]
        );
    }

    #[test]
    fn number_spans() {
        let s = "Russia initiated its most extensive aerial assault, involving over 550 drones and missiles.";
        assert_eq!(spans(s, QuestionType::Number, &[]), ["over 550"]);
        let s = "Ukraine had “essentially agreed” to provide $500 billion worth of rare earth materials.";
        assert_eq!(spans(s, QuestionType::Number, &[]), ["$500 billion"]);
        let s = "imposing 100% secondary tariffs";
        assert_eq!(spans(s, QuestionType::Number, &[]), ["100%"]);
    }

    #[test]
    fn date_and_place_spans() {
        assert_eq!(
            spans(
                "Days later, on July 9, Russia escalated.",
                QuestionType::Date,
                &[]
            ),
            ["July 9"]
        );
        assert_eq!(
            spans("Russia annexed Crimea in 2014.", QuestionType::Date, &[]),
            ["2014"]
        );
        assert_eq!(
            spans(
                "Hegseth spoke at a meeting in Brussels.",
                QuestionType::Place,
                &[]
            ),
            ["Brussels"]
        );
    }
}
