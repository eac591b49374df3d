//! Splits English news prose into sentences as exact byte ranges, so every quote can be cited.
//!
//! The splitter is rule-based: a sentence may end only at `.`, `!`, `?` or an ellipsis that is
//! followed by whitespace, and whether it does end there depends on the word before the
//! punctuation (abbreviations, initials, `U.S.`) and the word after it (lower case, digits,
//! words that typically open a sentence). Byte offsets are kept throughout; nothing is copied
//! or normalised, because callers quote `&text[range]` verbatim.

use std::ops::Range;

/// Splits the block `text[block]` (one paragraph or list item) into sentences.
/// Returns absolute byte ranges into `text`, ascending, non-overlapping, non-empty,
/// inside `block`, on char boundaries, each trimmed of surrounding whitespace and of a
/// leading list marker ("- ", "• ", "* ", "– ", "1. ", "a) ") so that `&text[r]` is the
/// sentence as a reader would quote it. Closing quotes and brackets after the final
/// punctuation belong to the sentence (`... productive.”`).
pub fn split(text: &str, block: Range<usize>) -> Vec<Range<usize>> {
    let Some(block) = clamp_to_char_boundaries(text, block) else {
        return Vec::new();
    };
    let mut sentences = Vec::new();
    for segment in hard_segments(text, block) {
        let mut pieces = Vec::new();
        split_segment(text, segment, &mut pieces);
        sentences.extend(finish_segment(text, pieces));
    }
    sentences
}

/// Characters that can end a sentence.
fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '‽')
}

/// The byte offset of the first sentence-ending character (`is_terminal`) at or after `from`,
/// found a byte at a time: every other character is passed over undecoded. '…' and '‽'
/// start with 0xE2, as do many other characters ('’' among them).
fn next_terminal(s: &str, from: usize) -> Option<usize> {
    super::chars_led_by(s, from, |b| matches!(b, b'.' | b'!' | b'?' | 0xE2))
        .find(|&(_, c)| is_terminal(c))
        .map(|(at, _)| at)
}

/// Characters that close a quotation or bracket and stay with the sentence they follow.
fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | '»' | '›' | ')' | ']' | '}')
}

/// Characters that may open the next sentence before its first word.
fn is_opener(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '“' | '‘' | '„' | '‚' | '«' | '‹' | '(' | '[' | '{' | '¿' | '¡'
    )
}

/// Whitespace, plus the invisible characters scraped pages sprinkle between words; neither
/// may start or end a quoted sentence.
fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}')
}

fn is_bullet(c: char) -> bool {
    matches!(
        c,
        '-' | '•' | '*' | '–' | '—' | '·' | '▪' | '◦' | '‣' | '●' | '○' | '■' | '►' | '➤'
    )
}

fn clamp_to_char_boundaries(text: &str, block: Range<usize>) -> Option<Range<usize>> {
    let mut start = block.start.min(text.len());
    let mut end = block.end.min(text.len());
    // `text.len()` and 0 are always boundaries, so both loops terminate inside the text.
    while !text.is_char_boundary(start) {
        start += 1;
    }
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (start < end).then_some(start..end)
}

/// Byte length of a list marker ("- ", "• ", "1. ", "12) ", "a) ", "(a) ", "(3) ") at the
/// start of `s`, excluding the whitespace that must follow it.
fn list_marker_len(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let first = s.chars().next()?;
    let len = if is_bullet(first) {
        first.len_utf8()
    } else if first.is_ascii_digit() {
        // More than three digits is a year or an amount ("2025. It was"), not a list number.
        let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits > 3 || !matches!(bytes.get(digits), Some(b'.' | b')')) {
            return None;
        }
        digits + 1
    } else if first == '(' {
        let inner = &bytes[1..];
        let n = match inner.first() {
            Some(b) if b.is_ascii_alphabetic() => 1,
            _ => inner.iter().take_while(|b| b.is_ascii_digit()).count(),
        };
        if n == 0 || n > 3 || inner.get(n) != Some(&b')') {
            return None;
        }
        n + 2
    } else if first.is_ascii_alphabetic() && bytes.get(1) == Some(&b')') {
        2
    } else {
        return None;
    };
    let after = s[len..].chars().next()?;
    is_space(after).then_some(len)
}

/// Cuts a block where a sentence must end whatever the punctuation says: at a blank line,
/// and at a line break that starts a new list item.
fn hard_segments(text: &str, block: Range<usize>) -> Vec<Range<usize>> {
    let mut segments = Vec::new();
    let mut start = block.start;
    let body = &text[block.clone()];
    for (i, _) in body.match_indices('\n') {
        let rest = &body[i + 1..];
        let rest = rest.trim_start_matches(|c: char| is_space(c) && c != '\n');
        if rest.starts_with('\n') || list_marker_len(rest).is_some() {
            let cut = block.start + i;
            if cut > start {
                segments.push(start..cut);
            }
            start = cut + 1;
        }
    }
    if start < block.end {
        segments.push(start..block.end);
    }
    segments
}

fn split_segment(text: &str, segment: Range<usize>, out: &mut Vec<Range<usize>>) {
    let s = &text[segment.clone()];
    let base = segment.start;
    // A list number is not a sentence end: "1. First step." starts scanning at "First".
    let mut sentence_start = skip_space_and_markers(s, 0);
    let mut i = sentence_start;
    while let Some(at) = next_terminal(s, i) {
        i = at;
        let cluster_end = end_of_cluster(s, i);
        let after = &s[cluster_end..];
        match after.chars().next() {
            None => break,
            // "U.S.-Ukraine", "3.5", URLs, "e.g.,": punctuation inside a token ends nothing.
            Some(next) if !is_space(next) => {
                i = cluster_end;
                continue;
            }
            Some(_) => {}
        }
        let next_start = s.len() - after.trim_start_matches(is_space).len();
        if next_start >= s.len() {
            break;
        }
        if ends_sentence(s, i, cluster_end, next_start) {
            out.push(base + sentence_start..base + cluster_end);
            sentence_start = skip_space_and_markers(s, next_start);
            i = sentence_start;
        } else {
            i = next_start;
        }
    }
    out.push(base + sentence_start..segment.end);
}

/// Position after any whitespace and list markers ("- ", "1. ") starting at `pos`.
fn skip_space_and_markers(s: &str, mut pos: usize) -> usize {
    loop {
        let rest = s[pos..].trim_start_matches(is_space);
        pos = s.len() - rest.len();
        match list_marker_len(rest) {
            Some(n) => pos += n,
            None => return pos,
        }
    }
}

/// End of the run of final punctuation starting at `start`: more punctuation, closing quotes
/// and brackets (`?”`, `.”)`), and a trailing reference marker (`.[1]`).
fn end_of_cluster(s: &str, start: usize) -> usize {
    let mut end = start;
    loop {
        let rest = &s[end..];
        let run = rest.len()
            - rest
                .trim_start_matches(|c| is_terminal(c) || is_closer(c))
                .len();
        end += run;
        let reference = reference_marker_len(&s[end..]);
        end += reference;
        if run == 0 && reference == 0 {
            return end;
        }
    }
}

/// Length of a reference marker like `[1]` or `[12]` at the start of `s`, or 0.
fn reference_marker_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    if bytes.first() != Some(&b'[') {
        return 0;
    }
    let digits = bytes[1..].iter().take_while(|b| b.is_ascii_digit()).count();
    if (1..=3).contains(&digits) && bytes.get(digits + 1) == Some(&b']') {
        digits + 2
    } else {
        0
    }
}

/// Trims the raw pieces of one segment into quotable sentences. A piece with no letter or
/// digit ("…", "”", "🙂") is not worth quoting alone: it joins the sentence before it (or, at
/// the start, the one after); if nothing else exists it is dropped.
fn finish_segment(text: &str, pieces: Vec<Range<usize>>) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::with_capacity(pieces.len());
    let mut pending_start = None;
    for piece in pieces.into_iter().filter_map(|r| trim(text, r)) {
        if has_word(&text[piece.clone()]) {
            let start = pending_start.take().unwrap_or(piece.start);
            out.push(start..piece.end);
        } else if let Some(last) = out.last_mut() {
            last.end = piece.end;
        } else {
            pending_start.get_or_insert(piece.start);
        }
    }
    // Joining can put a list marker back at the front ("1." + "🙂"), so trim once more.
    out.into_iter()
        .filter_map(|r| trim(text, r))
        .filter(|r| has_word(&text[r.clone()]))
        .collect()
}

fn has_word(s: &str) -> bool {
    s.chars().any(char::is_alphanumeric)
}

/// Strips surrounding whitespace and leading list markers; `None` if nothing is left.
fn trim(text: &str, range: Range<usize>) -> Option<Range<usize>> {
    let piece = &text[range.clone()];
    let start = range.start + skip_space_and_markers(piece, 0);
    let kept = text[start..range.end].trim_end_matches(is_space);
    (!kept.is_empty()).then(|| start..start + kept.len())
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Case {
    Upper,
    Lower,
    Digit,
    Other,
}

/// What follows a candidate sentence end.
struct NextToken<'a> {
    case: Case,
    /// The leading run of letters, e.g. "He" in "He’s".
    word: &'a str,
    /// The token is a plain word (not "All-Star" or "B2B"), so `word` can be looked up.
    plain: bool,
}

impl<'a> NextToken<'a> {
    fn read(rest: &'a str) -> Self {
        let unquoted = rest.trim_start_matches(is_opener);
        let token = unquoted.split(is_space).next().unwrap_or("");
        let case = match token.chars().next() {
            None => Case::Other,
            Some(c) if c.is_uppercase() => Case::Upper,
            // "iPhone", "eBay" start sentences in lower case.
            Some(c) if c.is_lowercase() => {
                if token.chars().skip(1).any(char::is_uppercase) {
                    Case::Upper
                } else {
                    Case::Lower
                }
            }
            Some(c) if c.is_numeric() || matches!(c, '#' | '$' | '£' | '€' | '¥') => {
                Case::Digit
            }
            // Scripts without case: a sentence start is as likely as anything.
            Some(c) if c.is_alphabetic() => Case::Upper,
            Some(_) => Case::Other,
        };
        let word_len = token
            .char_indices()
            .find(|&(_, c)| !c.is_alphabetic())
            .map_or(token.len(), |(i, _)| i);
        let plain = !token[word_len..].starts_with(|c: char| c == '-' || c.is_alphanumeric());
        NextToken {
            case,
            word: &token[..word_len],
            plain,
        }
    }

    /// Whether the word is one that usually opens a sentence (articles, pronouns,
    /// conjunctions, sentence adverbs) rather than continuing a name or title.
    fn is_sentence_opener(&self) -> bool {
        self.plain && matches_any(self.word, SENTENCE_OPENERS)
    }
}

/// Decides whether the punctuation at `s[term_start..cluster_end]`, followed by whitespace and
/// the token at `next_start`, ends a sentence.
fn ends_sentence(s: &str, term_start: usize, cluster_end: usize, next_start: usize) -> bool {
    let cluster = &s[term_start..cluster_end];
    let rest = &s[next_start..];
    let next = NextToken::read(rest);
    // Lower case after a full stop means an abbreviation ("approx. three", "Inc. said") or a
    // quote followed by its attribution ("“Why?” he asked").
    if next.case == Case::Lower {
        return false;
    }
    // Spaced ellipsis or dot leaders (". . ."): wait for the last dot.
    if rest.starts_with(['.', '…']) {
        return false;
    }
    if cluster.contains(['?', '!', '‽']) {
        let quoted = cluster.contains(['"', '\'', '”', '’', '»']);
        return !(quoted && next.case == Case::Upper && is_attribution(rest));
    }
    let dots = cluster.matches('.').count();
    if cluster.contains('…') || dots >= 3 {
        // An ellipsis inside a sentence is followed by lower case or a number; before a
        // capital it is taken as the end of the sentence.
        return next.case == Case::Upper;
    }
    if dots == 2 {
        // "the U.S.. The": an abbreviation's dot plus the full stop.
        return true;
    }
    let word = word_before(&s[..term_start]);
    match classify(word) {
        Abbrev::Never => false,
        Abbrev::BeforeNumber => {
            next.case != Case::Digit && (!is_initialism(word) || next.is_sentence_opener())
        }
        Abbrev::Month => next.case == Case::Upper && next.is_sentence_opener(),
        Abbrev::Meridiem => {
            next.case == Case::Upper
                && !matches_any(next.word, TIME_FOLLOWERS)
                && !is_followed_by_time(rest)
        }
        Abbrev::Etc => next.case != Case::Other,
        Abbrev::Weak => {
            // "(R-S.C.) said": an abbreviation closing a parenthesis is a party tag or aside.
            !cluster.contains(')') && next.case == Case::Upper && next.is_sentence_opener()
        }
        Abbrev::Ordinary => true,
    }
}

/// The token before a full stop, stripped of quotes and brackets and cut after the last
/// hyphen or slash, so that "(R-S.C" gives "S.C" and "good”" gives "good".
fn word_before(before: &str) -> &str {
    let token = before.rsplit(is_space).next().unwrap_or("");
    let token = token
        .trim_end_matches(is_closer)
        .trim_start_matches(is_opener);
    token
        .rsplit(['-', '–', '—', '/', '('])
        .next()
        .unwrap_or(token)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Abbrev {
    /// Titles and Latin abbreviations that are never the last word of a sentence.
    Never,
    /// "No. 5", "Vol. 2", "pp. 10".
    BeforeNumber,
    /// "Jan. 20".
    Month,
    /// "a.m." and "p.m.", which end sentences often.
    Meridiem,
    /// "etc.", which ends a sentence more often than not.
    Etc,
    /// Abbreviations, initialisms and initials that may end a sentence: "Inc.", "U.S.", "F.".
    Weak,
    /// Any other word: the full stop is a full stop.
    Ordinary,
}

fn classify(word: &str) -> Abbrev {
    if word.is_empty() {
        Abbrev::Ordinary
    } else if matches_any(word, NEVER_LAST) {
        Abbrev::Never
    } else if matches_any(word, &["a.m", "p.m"]) {
        Abbrev::Meridiem
    } else if matches_any(word, &["etc"]) {
        Abbrev::Etc
    } else if matches_any(word, BEFORE_NUMBER) {
        Abbrev::BeforeNumber
    } else if matches_any(word, MONTHS) {
        Abbrev::Month
    } else if matches_any(word, WEAK) || is_initialism(word) {
        Abbrev::Weak
    } else {
        Abbrev::Ordinary
    }
}

/// A single letter ("F" in "John F. Kennedy") or dotted letters ("U.S", "J.D", "Ph.D").
fn is_initialism(word: &str) -> bool {
    if !word.contains('.') {
        let mut chars = word.chars();
        return chars.next().is_some_and(char::is_alphabetic) && chars.next().is_none();
    }
    word.split('.').all(|part| {
        let n = part.chars().count();
        (1..=2).contains(&n) && part.chars().all(char::is_alphabetic)
    })
}

/// Case rule for the word lists: an entry written in lower case ("vs") matches in any case;
/// one written with capitals ("Mr", "Jan") matches as written or in all capitals, so that
/// "ft." (feet) is not "Ft." (Fort) and "mar." is not "Mar.".
fn matches_any(word: &str, list: &[&str]) -> bool {
    list.iter().any(|entry| {
        word == *entry
            || (word.eq_ignore_ascii_case(entry)
                && (entry.bytes().all(|b| !b.is_ascii_uppercase())
                    || word.bytes().all(|b| !b.is_ascii_lowercase())))
    })
}

/// "“Why?” Trump asked." — a question or exclamation inside quotes followed, within a few
/// capitalised words, by a verb of saying is one sentence.
fn is_attribution(rest: &str) -> bool {
    for token in rest.split(is_space).filter(|t| !t.is_empty()).take(5) {
        let word = token.trim_matches(|c: char| !c.is_alphanumeric());
        if matches_any(word, SPEECH_VERBS) {
            return true;
        }
        if !word.starts_with(char::is_uppercase) {
            return false;
        }
    }
    false
}

/// "at 9 a.m. Kyiv time": the word after the next one is "time".
fn is_followed_by_time(rest: &str) -> bool {
    rest.split(is_space)
        .filter(|t| !t.is_empty())
        .nth(1)
        .is_some_and(|t| t.trim_end_matches(|c: char| !c.is_alphanumeric()) == "time")
}

const NEVER_LAST: &[&str] = &[
    "Mr", "Mrs", "Ms", "Mx", "Dr", "Drs", "Prof", "Sen", "Sens", "Rep", "Reps", "Gov", "Govs",
    "Gen", "Gens", "Lt", "Col", "Maj", "Capt", "Cpt", "Sgt", "Cpl", "Pvt", "Pfc", "Spc", "Adm",
    "Cmdr", "Cdr", "Brig", "Rev", "Fr", "Hon", "Pres", "Supt", "Det", "Insp", "Atty", "Amb", "St",
    "Mt", "Ft", "Messrs", "Mmes", "Mme", "Mlle", "vs", "v", "cf", "viz", "e.g", "i.e", "approx",
    "ca",
];

const BEFORE_NUMBER: &[&str] = &[
    "no", "nos", "vol", "vols", "p", "pp", "art", "fig", "figs", "ch", "chap", "sec", "para", "op",
    "tel", "ext", "ref",
];

const MONTHS: &[&str] = &[
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
];

/// Abbreviations that end sentences now and then; only a typical sentence opener after them
/// confirms the end ("Apple Inc. The deal" vs "Apple Inc. Chief Executive").
const WEAK: &[&str] = &[
    "Inc", "Corp", "Co", "Ltd", "Plc", "Bros", "Jr", "Sr", "Esq", "Assn", "Dept", "Univ", "Ave",
    "Blvd", "Rd", "Hwy", "Govt", "Intl", "Natl", "al", "est", "Ariz", "Ark", "Calif", "Colo",
    "Conn", "Fla", "Kan", "Kans", "Ky", "Mich", "Minn", "Mont", "Neb", "Nev", "Okla", "Tenn",
    "Tex", "Vt", "Wis", "Wyo",
];

const SENTENCE_OPENERS: &[&str] = &[
    "a",
    "an",
    "the",
    "this",
    "that",
    "these",
    "those",
    "it",
    "its",
    "he",
    "she",
    "they",
    "we",
    "i",
    "you",
    "his",
    "her",
    "their",
    "our",
    "my",
    "your",
    "there",
    "here",
    "what",
    "why",
    "how",
    "who",
    "whose",
    "where",
    "when",
    "which",
    "while",
    "whether",
    "in",
    "on",
    "at",
    "by",
    "for",
    "from",
    "with",
    "without",
    "within",
    "into",
    "of",
    "to",
    "as",
    "after",
    "before",
    "since",
    "until",
    "during",
    "despite",
    "although",
    "though",
    "because",
    "if",
    "unless",
    "once",
    "but",
    "and",
    "or",
    "nor",
    "so",
    "yet",
    "also",
    "however",
    "meanwhile",
    "moreover",
    "furthermore",
    "additionally",
    "instead",
    "indeed",
    "still",
    "then",
    "thus",
    "therefore",
    "hence",
    "now",
    "today",
    "yesterday",
    "tomorrow",
    "later",
    "earlier",
    "finally",
    "overall",
    "some",
    "many",
    "most",
    "all",
    "both",
    "each",
    "every",
    "either",
    "neither",
    "no",
    "not",
    "none",
    "such",
    "another",
    "according",
    "among",
    "against",
    "unlike",
    "even",
    "only",
    "just",
    "perhaps",
    "otherwise",
    "besides",
    "nevertheless",
    "nonetheless",
    "similarly",
    "consequently",
    "ultimately",
    "currently",
    "recently",
    "previously",
    "initially",
    "eventually",
    "separately",
    "yes",
    "mr",
    "mrs",
    "ms",
];

const TIME_FOLLOWERS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Mon",
    "Tue",
    "Tues",
    "Wed",
    "Thu",
    "Thurs",
    "Fri",
    "Sat",
    "Sun",
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
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
    "ET",
    "EST",
    "EDT",
    "CT",
    "CST",
    "CDT",
    "MT",
    "MST",
    "MDT",
    "PT",
    "PST",
    "PDT",
    "GMT",
    "UTC",
    "BST",
    "CET",
    "CEST",
    "EET",
    "EEST",
    "MSK",
    "IST",
    "JST",
    "AEST",
    "AEDT",
    "Eastern",
    "Central",
    "Mountain",
    "Pacific",
    "Atlantic",
    "local",
];

const SPEECH_VERBS: &[&str] = &[
    "said",
    "says",
    "asked",
    "asks",
    "told",
    "tells",
    "added",
    "adds",
    "wrote",
    "writes",
    "stated",
    "states",
    "remarked",
    "noted",
    "notes",
    "explained",
    "replied",
    "responded",
    "continued",
    "insisted",
    "warned",
    "declared",
    "argued",
    "exclaimed",
    "shouted",
    "yelled",
    "tweeted",
    "posted",
    "recalled",
    "suggested",
    "acknowledged",
    "conceded",
    "countered",
    "quipped",
    "joked",
    "asserted",
    "expressed",
    "claimed",
    "demanded",
    "wondered",
    "cried",
];

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Splits `input` as one block and returns the sentences as text.
    fn sentences(input: &str) -> Vec<&str> {
        split(input, 0..input.len())
            .into_iter()
            .map(|r| &input[r])
            .collect()
    }

    struct Case {
        name: &'static str,
        input: &'static str,
        expected: &'static [&'static str],
    }

    const CASES: &[Case] = &[
        // Initialisms.
        Case {
            name: "U.S. before a title",
            input: "U.S. President Donald Trump met Rutte.",
            expected: &["U.S. President Donald Trump met Rutte."],
        },
        Case {
            name: "U.S. before a proper noun",
            input: "The bill passed the U.S. Senate on Tuesday.",
            expected: &["The bill passed the U.S. Senate on Tuesday."],
        },
        Case {
            name: "U.S. plus full stop",
            input: "He wants benefits for the U.S.. The allies disagree.",
            expected: &["He wants benefits for the U.S..", "The allies disagree."],
        },
        Case {
            name: "U.S. ends a sentence",
            input: "Talks stalled in the U.S. The next day, Congress left.",
            expected: &["Talks stalled in the U.S.", "The next day, Congress left."],
        },
        Case {
            name: "U.K., U.N. and D.C. inside a sentence",
            input: "The U.K. Foreign Office briefed the U.N. Security Council in Washington, D.C. on Monday.",
            expected: &[
                "The U.K. Foreign Office briefed the U.N. Security Council in Washington, D.C. on Monday.",
            ],
        },
        Case {
            name: "D.C. ends a sentence",
            input: "She moved to Washington, D.C. In 2020 she ran for office.",
            expected: &[
                "She moved to Washington, D.C.",
                "In 2020 she ran for office.",
            ],
        },
        Case {
            name: "U.S.-Ukraine compound",
            input: "U.S.-Ukraine relations improved.",
            expected: &["U.S.-Ukraine relations improved."],
        },
        Case {
            name: "U.S. before a digit",
            input: "U.S. 10-year yields rose.",
            expected: &["U.S. 10-year yields rose."],
        },
        Case {
            name: "U.S. before an opening quote with a pronoun",
            input: "He made a deal with the U.S. “We are ready,” he said.",
            expected: &["He made a deal with the U.S.", "“We are ready,” he said."],
        },
        // Titles.
        Case {
            name: "Sen., Rep., Gov.",
            input: "Sen. Lindsey Graham, Rep. Jim Jordan and Gov. Ron DeSantis spoke.",
            expected: &["Sen. Lindsey Graham, Rep. Jim Jordan and Gov. Ron DeSantis spoke."],
        },
        Case {
            name: "Gen., Lt. Col.",
            input: "Gen. Mark Milley and Lt. Col. Alexander Vindman testified.",
            expected: &["Gen. Mark Milley and Lt. Col. Alexander Vindman testified."],
        },
        Case {
            name: "Adm., Dr.",
            input: "Adm. Lisa Franchetti met Dr. Anthony Fauci.",
            expected: &["Adm. Lisa Franchetti met Dr. Anthony Fauci."],
        },
        Case {
            name: "Mr., Mrs., Ms., Prof.",
            input: "Mr. and Mrs. Smith met Ms. Jones and Prof. Brown.",
            expected: &["Mr. and Mrs. Smith met Ms. Jones and Prof. Brown."],
        },
        Case {
            name: "St.",
            input: "They flew to St. Petersburg and St. Louis.",
            expected: &["They flew to St. Petersburg and St. Louis."],
        },
        Case {
            name: "Jr. inside a name",
            input: "Martin Luther King Jr. Day is a holiday.",
            expected: &["Martin Luther King Jr. Day is a holiday."],
        },
        Case {
            name: "Jr. ends a sentence",
            input: "The award went to John Smith Jr. The ceremony was brief.",
            expected: &[
                "The award went to John Smith Jr.",
                "The ceremony was brief.",
            ],
        },
        // Companies, numbers, Latin.
        Case {
            name: "Inc., Corp.",
            input: "Apple Inc. Chief Executive Tim Cook and Microsoft Corp. said so.",
            expected: &["Apple Inc. Chief Executive Tim Cook and Microsoft Corp. said so."],
        },
        Case {
            name: "Co., Ltd.",
            input: "Shares of Ford Motor Co. fell while Samsung Electronics Co. Ltd. rose.",
            expected: &["Shares of Ford Motor Co. fell while Samsung Electronics Co. Ltd. rose."],
        },
        Case {
            name: "Corp. ends a sentence",
            input: "The deal was signed by Acme Corp. The shares rose.",
            expected: &["The deal was signed by Acme Corp.", "The shares rose."],
        },
        Case {
            name: "No. 5",
            input: "He was ranked No. 5 in the world. No. The answer was no.",
            expected: &[
                "He was ranked No. 5 in the world.",
                "No.",
                "The answer was no.",
            ],
        },
        Case {
            name: "vs. and v.",
            input: "It was Ohio State vs. Michigan after Roe v. Wade fell.",
            expected: &["It was Ohio State vs. Michigan after Roe v. Wade fell."],
        },
        Case {
            name: "e.g. and i.e.",
            input: "Some allies, e.g. Poland, paid more, i.e. Warsaw paid twice.",
            expected: &["Some allies, e.g. Poland, paid more, i.e. Warsaw paid twice."],
        },
        Case {
            name: "etc. inside a sentence",
            input: "They sent tanks, jets, etc. to the front.",
            expected: &["They sent tanks, jets, etc. to the front."],
        },
        Case {
            name: "etc. ends a sentence",
            input: "They sent tanks, jets, etc. Deliveries began Monday.",
            expected: &["They sent tanks, jets, etc.", "Deliveries began Monday."],
        },
        Case {
            name: "approx. before a number word",
            input: "Approx. three hundred people attended.",
            expected: &["Approx. three hundred people attended."],
        },
        // Times and dates.
        Case {
            name: "a.m. before a time zone",
            input: "The vote is at 9 a.m. Eastern time on Monday.",
            expected: &["The vote is at 9 a.m. Eastern time on Monday."],
        },
        Case {
            name: "a.m. before a weekday",
            input: "The meeting starts at 10 a.m. Monday in Brussels.",
            expected: &["The meeting starts at 10 a.m. Monday in Brussels."],
        },
        Case {
            name: "a.m. before a place and 'time'",
            input: "Sirens sounded at 4 a.m. Kyiv time.",
            expected: &["Sirens sounded at 4 a.m. Kyiv time."],
        },
        Case {
            name: "p.m. ends a sentence before The",
            input: "The vote began at 9 p.m. The police arrived later.",
            expected: &["The vote began at 9 p.m.", "The police arrived later."],
        },
        Case {
            name: "p.m. ends a sentence before a noun",
            input: "It ended at 10 p.m. Police said no one was hurt.",
            expected: &["It ended at 10 p.m.", "Police said no one was hurt."],
        },
        Case {
            name: "month abbreviations",
            input: "Talks began Jan. 20 and Feb. 3; deadlines are Aug. 1, Sept. 11, Oct. 7, Nov. 5 and Dec. 25.",
            expected: &[
                "Talks began Jan. 20 and Feb. 3; deadlines are Aug. 1, Sept. 11, Oct. 7, Nov. 5 and Dec. 25.",
            ],
        },
        Case {
            name: "month abbreviation ends a sentence",
            input: "Prices have risen since Jan. The Fed is worried.",
            expected: &["Prices have risen since Jan.", "The Fed is worried."],
        },
        // Party tags and initials.
        Case {
            name: "party tag (R-S.C.)",
            input: "Sen. Lindsey Graham (R-S.C.) indicated support.",
            expected: &["Sen. Lindsey Graham (R-S.C.) indicated support."],
        },
        Case {
            name: "party tag (D-N.Y.) then a new sentence",
            input: "Rep. Hakeem Jeffries (D-N.Y.) said no. The vote failed.",
            expected: &["Rep. Hakeem Jeffries (D-N.Y.) said no.", "The vote failed."],
        },
        Case {
            name: "party tag before a capitalised word",
            input: "Rep. Jane Doe (D-N.Y.) The Times reported it.",
            expected: &["Rep. Jane Doe (D-N.Y.) The Times reported it."],
        },
        Case {
            name: "middle initial",
            input: "John F. Kennedy was president before Lyndon B. Johnson.",
            expected: &["John F. Kennedy was president before Lyndon B. Johnson."],
        },
        Case {
            name: "dotted initials",
            input: "J.D. Vance spoke after George W. Bush.",
            expected: &["J.D. Vance spoke after George W. Bush."],
        },
        Case {
            name: "single letter ends a sentence",
            input: "They chose plan B. The rest is history.",
            expected: &["They chose plan B.", "The rest is history."],
        },
        // Numbers, URLs, addresses.
        Case {
            name: "decimals and money",
            input: "Sales hit $80.5 billion, up 3.5% on 1.2m units.",
            expected: &["Sales hit $80.5 billion, up 3.5% on 1.2m units."],
        },
        Case {
            name: "percentage ends a sentence",
            input: "Inflation was 3.5%. Prices rose.",
            expected: &["Inflation was 3.5%.", "Prices rose."],
        },
        Case {
            name: "year ends a sentence before a number",
            input: "Russia annexed Crimea in 2014. 20 percent is occupied.",
            expected: &["Russia annexed Crimea in 2014.", "20 percent is occupied."],
        },
        Case {
            name: "version numbers",
            input: "Version 1.2.3 fixed it. Version 2.0 is next.",
            expected: &["Version 1.2.3 fixed it.", "Version 2.0 is next."],
        },
        Case {
            name: "URL inside a sentence",
            input: "Read https://www.politico.com/newsletters/2025/07/14/x-00452001 for more.",
            expected: &[
                "Read https://www.politico.com/newsletters/2025/07/14/x-00452001 for more.",
            ],
        },
        Case {
            name: "URL ends a sentence",
            input: "See https://www.politico.com/newsletters/2025/07/14/x-00452001. The site is free.",
            expected: &[
                "See https://www.politico.com/newsletters/2025/07/14/x-00452001.",
                "The site is free.",
            ],
        },
        Case {
            name: "emails",
            input: "Write to john.doe@example.co.uk for details. Or write to tips@example.com. Replies take a day.",
            expected: &[
                "Write to john.doe@example.co.uk for details.",
                "Or write to tips@example.com.",
                "Replies take a day.",
            ],
        },
        // Ellipses.
        Case {
            name: "ellipsis char mid-sentence",
            input: "He paused… and then continued.",
            expected: &["He paused… and then continued."],
        },
        Case {
            name: "three dots mid-sentence",
            input: "He paused... and then continued.",
            expected: &["He paused... and then continued."],
        },
        Case {
            name: "ellipsis char ends a sentence",
            input: "It was over… The next day began.",
            expected: &["It was over…", "The next day began."],
        },
        Case {
            name: "three dots end a sentence",
            input: "It was over... The next day began.",
            expected: &["It was over...", "The next day began."],
        },
        Case {
            name: "spaced ellipsis",
            input: "It was over . . . The next day began.",
            expected: &["It was over . . .", "The next day began."],
        },
        Case {
            name: "ellipsis before a number",
            input: "The count rose to… 5 million.",
            expected: &["The count rose to… 5 million."],
        },
        Case {
            name: "truncated teaser",
            input: "Lisa Kudrow recently surprised fans by making a stop at the iconic \"Friends\" couch on…",
            expected: &[
                "Lisa Kudrow recently surprised fans by making a stop at the iconic \"Friends\" couch on…",
            ],
        },
        // Quotes.
        Case {
            name: "quote with comma and attribution",
            input: "“I don’t think he’s looking to stop,” Trump remarked about Putin.",
            expected: &["“I don’t think he’s looking to stop,” Trump remarked about Putin."],
        },
        Case {
            name: "curly quote closes a sentence",
            input: "He said: “Done.” Then he left.",
            expected: &["He said: “Done.”", "Then he left."],
        },
        Case {
            name: "straight quote closes a sentence",
            input: "He said: \"Done.\" Then he left.",
            expected: &["He said: \"Done.\"", "Then he left."],
        },
        Case {
            name: "quoted question with named attribution",
            input: "“Why not?” Trump asked. “Stop!” President Trump wrote.",
            expected: &["“Why not?” Trump asked.", "“Stop!” President Trump wrote."],
        },
        Case {
            name: "quoted question with lower-case attribution",
            input: "“Why not?” he asked. ‘Go!’ she said.",
            expected: &["“Why not?” he asked.", "‘Go!’ she said."],
        },
        Case {
            name: "quoted question ends a sentence",
            input: "She asked, “Why?” He shrugged. ‘Enough!’ The crowd roared.",
            expected: &[
                "She asked, “Why?”",
                "He shrugged.",
                "‘Enough!’",
                "The crowd roared.",
            ],
        },
        Case {
            name: "full stop after closing quote",
            input: "He called it “very good”. Then he hung up.",
            expected: &["He called it “very good”.", "Then he hung up."],
        },
        Case {
            name: "closing parenthesis",
            input: "(This was expected.) The vote passed.",
            expected: &["(This was expected.)", "The vote passed."],
        },
        Case {
            name: "questions and exclamations",
            input: "Is it over? No one knows! What now?! 2025 will tell.",
            expected: &[
                "Is it over?",
                "No one knows!",
                "What now?!",
                "2025 will tell.",
            ],
        },
        Case {
            name: "camel-case sentence start",
            input: "Apple sold more. iPhone sales rose.",
            expected: &["Apple sold more.", "iPhone sales rose."],
        },
        // Reference markers.
        Case {
            name: "reference marker before the full stop",
            input: "Sales are at a record pace [1]. The next plan may face delays [2].",
            expected: &[
                "Sales are at a record pace [1].",
                "The next plan may face delays [2].",
            ],
        },
        Case {
            name: "reference marker after the full stop",
            input: "It rose.[3] Then it fell.",
            expected: &["It rose.[3]", "Then it fell."],
        },
        // Headings, lists, layout.
        Case {
            name: "heading without final punctuation",
            input: "Trump Ties U.S. Support to Trade Deals",
            expected: &["Trump Ties U.S. Support to Trade Deals"],
        },
        Case {
            name: "hyphen bullet",
            input: "- Hegseth confirmed it.",
            expected: &["Hegseth confirmed it."],
        },
        Case {
            name: "indented round bullet",
            input: "  • Privacy Policy",
            expected: &["Privacy Policy"],
        },
        Case {
            name: "star and en dash bullets",
            input: "* Starred item.\n– Dashed item",
            expected: &["Starred item.", "Dashed item"],
        },
        Case {
            name: "numbered item with two sentences",
            input: "1. First step. Second sentence.",
            expected: &["First step.", "Second sentence."],
        },
        Case {
            name: "lettered items",
            input: "a) Option one\n(b) Option two\n(12) Option twelve",
            expected: &["Option one", "Option two", "Option twelve"],
        },
        Case {
            name: "list inside a block",
            input: "Key points:\n- One.\n- Two",
            expected: &["Key points:", "One.", "Two"],
        },
        Case {
            name: "year is not a list number",
            input: "2025. It was a year.",
            expected: &["2025.", "It was a year."],
        },
        Case {
            name: "hyphen inside a sentence is kept",
            input: "The cease-fire - if it holds - starts today.",
            expected: &["The cease-fire - if it holds - starts today."],
        },
        Case {
            name: "several spaces and tabs",
            input: "First  sentence here.   Second\tone.",
            expected: &["First  sentence here.", "Second\tone."],
        },
        Case {
            name: "newline inside a sentence",
            input: "A line\ncontinues here. Next one.",
            expected: &["A line\ncontinues here.", "Next one."],
        },
        Case {
            name: "abbreviation before a line break",
            input: "at 9 p.m.\nThe police came.",
            expected: &["at 9 p.m.", "The police came."],
        },
        Case {
            name: "blank line is a hard break",
            input: "Call With Putin\n\nTrump called.",
            expected: &["Call With Putin", "Trump called."],
        },
        Case {
            name: "no-break and zero-width spaces are trimmed",
            input: "\u{a0}\u{200b}See also\u{a0} Harvard.\u{feff}",
            expected: &["See also\u{a0} Harvard."],
        },
        Case {
            name: "all caps",
            input: "THE U.S. SENATE VOTED. THE BILL PASSED. SEN. GRAHAM SPOKE.",
            expected: &[
                "THE U.S. SENATE VOTED.",
                "THE BILL PASSED.",
                "SEN. GRAHAM SPOKE.",
            ],
        },
        Case {
            name: "lower case after a full stop",
            input: "The rate was cut by 0.5 pct. in May.",
            expected: &["The rate was cut by 0.5 pct. in May."],
        },
        Case {
            name: "trailing emoji joins the sentence",
            input: "I love it. 🙂",
            expected: &["I love it. 🙂"],
        },
        Case {
            name: "leading punctuation joins the next sentence",
            input: "... Then he left.",
            expected: &["... Then he left."],
        },
        // Degenerate blocks.
        Case {
            name: "empty",
            input: "",
            expected: &[],
        },
        Case {
            name: "whitespace only",
            input: " \n\t\u{a0} ",
            expected: &[],
        },
        Case {
            name: "punctuation only",
            input: "... !? “” -",
            expected: &[],
        },
        Case {
            name: "list number before an emoji",
            input: "1. 🙂",
            expected: &[],
        },
        Case {
            name: "bullet only",
            input: "- ",
            expected: &[],
        },
    ];

    #[test]
    fn table() {
        let mut failures = Vec::new();
        for case in CASES {
            let got = sentences(case.input);
            if got != case.expected {
                failures.push(format!(
                    "{}:\n  input:    {:?}\n  expected: {:?}\n  got:      {:?}",
                    case.name, case.input, case.expected, got
                ));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// One line of a seed article, split as one block. `expected: WHOLE` means the line is
    /// exactly one sentence.
    struct SeedLine {
        line: &'static str,
        expected: &'static [&'static str],
    }

    const WHOLE: &[&str] = &[];

    const SEED_000: &[SeedLine] = &[
        SeedLine {
            line: "President Donald Trump’s recent meeting with NATO Secretary-General Mark Rutte marks a significant shift in U.S. policy toward Russia’s war against Ukraine. The administration is resuming military shipments, including advanced Patriot missile systems, to Ukraine, and will sell sophisticated equipment to NATO allies who will transfer it to Kyiv. This new strategy emphasizes a structured, alliance-driven approach to supporting Ukraine, with a 50-day deadline for peace negotiations and potential economic sanctions against countries buying Russian oil and gas. Trump’s approach aims to leverage NATO for deterrence and shift financial burden, signaling a decisive change in the U.S. stance on the conflict.",
            expected: &[
                "President Donald Trump’s recent meeting with NATO Secretary-General Mark Rutte marks a significant shift in U.S. policy toward Russia’s war against Ukraine.",
                "The administration is resuming military shipments, including advanced Patriot missile systems, to Ukraine, and will sell sophisticated equipment to NATO allies who will transfer it to Kyiv.",
                "This new strategy emphasizes a structured, alliance-driven approach to supporting Ukraine, with a 50-day deadline for peace negotiations and potential economic sanctions against countries buying Russian oil and gas.",
                "Trump’s approach aims to leverage NATO for deterrence and shift financial burden, signaling a decisive change in the U.S. stance on the conflict.",
            ],
        },
        SeedLine {
            line: "Trump’s administration has taken several bold steps, including resuming the shipment of Patriot missile systems, which are vital for Ukraine’s air defense against Russian ballistic missiles. Additionally, the president has signaled that the United States is now willing to provide offensive weapons, marking a clear escalation in America’s role in the conflict. This strategy involves selling sophisticated military equipment to NATO allies, who will transfer it to Ukraine, a move intended to streamline delivery and share financial responsibility among allies.",
            expected: &[
                "Trump’s administration has taken several bold steps, including resuming the shipment of Patriot missile systems, which are vital for Ukraine’s air defense against Russian ballistic missiles.",
                "Additionally, the president has signaled that the United States is now willing to provide offensive weapons, marking a clear escalation in America’s role in the conflict.",
                "This strategy involves selling sophisticated military equipment to NATO allies, who will transfer it to Ukraine, a move intended to streamline delivery and share financial responsibility among allies.",
            ],
        },
        SeedLine {
            line: "The Trump administration has also set a 50-day deadline for a peace deal with Russia, with the possibility of imposing 100% secondary tariffs on countries continuing to purchase Russian oil and gas. This is a calculated move to apply economic pressure on Russia while leveraging NATO for collective security. The administration is emphasizing a coordinated effort with NATO, aiming to bolster Ukraine’s defenses without entangling the U.S. directly in the conflict. This strategic pivot reflects a broader effort to reposition the U.S. as an enabler of allied defense and a provider of strength, while also addressing the financial aspects of sustaining the war effort through the use of frozen Russian assets and existing drawdown authority.",
            expected: &[
                "The Trump administration has also set a 50-day deadline for a peace deal with Russia, with the possibility of imposing 100% secondary tariffs on countries continuing to purchase Russian oil and gas.",
                "This is a calculated move to apply economic pressure on Russia while leveraging NATO for collective security.",
                "The administration is emphasizing a coordinated effort with NATO, aiming to bolster Ukraine’s defenses without entangling the U.S. directly in the conflict.",
                "This strategic pivot reflects a broader effort to reposition the U.S. as an enabler of allied defense and a provider of strength, while also addressing the financial aspects of sustaining the war effort through the use of frozen Russian assets and existing drawdown authority.",
            ],
        },
    ];

    const SEED_001: &[SeedLine] = &[
        SeedLine {
            line: "The U.S. president is signaling a shift towards increased military support for Ukraine and fresh sanctions against Russia as talks with Moscow stall.",
            expected: WHOLE,
        },
        SeedLine {
            line: "President Donald Trump has taken decisive measures against Russian leadership, as Moscow continues to ignore global appeals for a cease-fire in Ukraine.",
            expected: WHOLE,
        },
        SeedLine {
            line: "In a notable change of tone, Trump is advocating for the provision of additional defensive weaponry to Ukraine and has backed a strategy of imposing new sanctions on Russia until it shows a genuine willingness to negotiate.",
            expected: WHOLE,
        },
        SeedLine {
            line: "This development comes on the heels of a barrage of Russian attacks against Ukrainian urban areas and a lackluster phone call with Russian President Vladimir Putin that Trump described as unproductive.",
            expected: WHOLE,
        },
        SeedLine {
            line: "Putin has repeatedly dismissed the Trump administration’s calls for a cease-fire, claiming he is open to ending the conflict only on conditions favorable to Russia.",
            expected: WHOLE,
        },
        SeedLine {
            line: "Here’s a breakdown of the White House’s recent shift regarding Moscow.",
            expected: WHOLE,
        },
        SeedLine {
            line: "Call With Putin: A Pivotal Moment",
            expected: WHOLE,
        },
        SeedLine {
            line: "Trump’s increasing commitment to arming Ukraine stems from a July 4 conversation with Putin—the sixth such dialogue since Trump resumed office in January.",
            expected: WHOLE,
        },
        SeedLine {
            line: "Despite the repeated attempts, the call yielded no advancements toward a cease-fire, prompting Trump to express his disappointment afterward.",
            expected: WHOLE,
        },
        SeedLine {
            line: "Further disillusionment arose from this interaction, leading Trump to conclude that Putin had no intention of pursuing cease-fire negotiations.",
            expected: WHOLE,
        },
        SeedLine {
            line: "“I don’t think he’s looking to stop,” Trump remarked about Putin.",
            expected: WHOLE,
        },
        SeedLine {
            line: "Shortly after their conversation, Russia initiated its most extensive aerial assault on Ukraine to date, involving over 550 drones and missiles.",
            expected: WHOLE,
        },
        SeedLine {
            line: "Days later, on July 9, Russia escalated its aggression further, targeting civilian areas in Ukraine with an even larger offensive incorporating more than 700 drones and numerous ballistic missiles, mainly sourced from Iran.",
            expected: WHOLE,
        },
        SeedLine {
            line: "Following the call with Putin, Trump also reached out to Ukrainian President Volodymyr Zelenskyy, who characterized their discussion as “very important and productive.”",
            expected: WHOLE,
        },
        SeedLine {
            line: "The details shared suggest they focused on enhancing Ukraine’s air defenses to mitigate civilian casualties and explored prospects for a collaborative weapons initiative.",
            expected: WHOLE,
        },
        SeedLine {
            line: "Trump labeled the conversation with Zelenskyy as “very good.”",
            expected: WHOLE,
        },
        SeedLine {
            line: "Trump Open to Boosting Arms for Ukraine",
            expected: WHOLE,
        },
        SeedLine {
            line: "Since then, Trump has shown support for sending more military aid to Ukraine, including additional Patriot air defense systems vital for intercepting Russian missiles.",
            expected: WHOLE,
        },
        SeedLine {
            line: "On July 8, Trump criticized Putin for his treatment of civilians, emphasizing that Ukraine must be equipped to defend itself against ongoing Russian hostility.",
            expected: WHOLE,
        },
        SeedLine {
            line: "“It’s killing too many people, so we’re sending some defensive weapons to Ukraine, and I’ve approved that,” Trump stated.",
            expected: WHOLE,
        },
        SeedLine {
            line: "This marks a stark contrast to a recent pause in arms shipments from the Pentagon, which was cited as a necessary measure to align with Trump’s “America First” agenda.",
            expected: WHOLE,
        },
        SeedLine {
            line: "This suspension had delayed the delivery of critical military assets, including guided rocket systems and anti-armor munitions.",
            expected: WHOLE,
        },
        SeedLine {
            line: "The Pentagon has since resumed weapon deliveries to Ukraine, though it remains uncertain if the Patriot systems are part of this batch.",
            expected: WHOLE,
        },
        SeedLine {
            line: "Kyiv has consistently urged Washington to provide more Patriot missiles and defense systems, viewing them as essential for defending against intensified Russian aerial assaults.",
            expected: WHOLE,
        },
        SeedLine {
            line: "New Sanctions on Russia and Its Allies on the Horizon",
            expected: WHOLE,
        },
        SeedLine {
            line: "Additionally, Trump has endorsed a Senate initiative aimed at imposing new sanctions on Russia’s oil sector to pressure Putin back to the negotiation table.",
            expected: WHOLE,
        },
        SeedLine {
            line: "Sen. Lindsey Graham (R-S.C.) indicated earlier this month that Trump has authorized him to advance a new bill that would institute a staggering 500% tariff on imports from nations that continue to purchase Russian oil.",
            expected: WHOLE,
        },
        SeedLine {
            line: "If enacted, the bill could significantly impact Russia’s economic allies, notably China and India.",
            expected: WHOLE,
        },
        SeedLine {
            line: "Majority Leader John Thune (R-S.D.) emphasized that the bill enjoys strong bipartisan support and aims to bolster Trump’s leverage in negotiations, potentially hastening an end to the violence in Ukraine.",
            expected: WHOLE,
        },
        SeedLine {
            line: "“Senate Republicans are committed to collaborating with the House and White House to ensure this legislation reaches the president’s desk,” Thune asserted.",
            expected: WHOLE,
        },
        SeedLine {
            line: "Trump has long hinted at escalating sanctions against Russia’s oil industry but has held back thus far. His newfound backing for this legislation suggests a critical shift in approach toward Russia.",
            expected: &[
                "Trump has long hinted at escalating sanctions against Russia’s oil industry but has held back thus far.",
                "His newfound backing for this legislation suggests a critical shift in approach toward Russia.",
            ],
        },
        SeedLine {
            line: "This shift occurs as the administration grapples with Russia’s growing alliances with other hostile nations, including China, Iran, and North Korea.",
            expected: WHOLE,
        },
        SeedLine {
            line: "On July 9, North Korean state media revealed that Russian Foreign Minister Sergey Lavrov will visit North Korea to deepen ties between Moscow and Pyongyang.",
            expected: WHOLE,
        },
        SeedLine {
            line: "North Korea has been supplying Russia with combat troops and munitions to support its military efforts, viewing this conflict as a proxy war against the United States and its allies.",
            expected: WHOLE,
        },
        SeedLine {
            line: "The prospects for the U.S. administration to resolve the conflict without further loss of life seem to be waning, largely due to Moscow’s refusal to engage in cease-fire discussions.",
            expected: WHOLE,
        },
        SeedLine {
            line: "In this context, Vice President JD Vance acknowledged in May that Russia’s demands in negotiations were excessive, including calls for Ukraine to surrender territory that has yet to be occupied by Russian forces.",
            expected: WHOLE,
        },
        SeedLine {
            line: "Whether Russia feels an increased incentive to negotiate now that Trump is signaling stronger support for Ukraine remains uncertain.",
            expected: WHOLE,
        },
        SeedLine {
            line: "On July 9, Kremlin spokesman Dmitry Peskov noted that while Trump often adopts “a tough style” in communication, dialogue with him could still be pursued.",
            expected: WHOLE,
        },
        SeedLine {
            line: "“We hope to continue our dialogue with Washington and our course aimed at repairing the badly damaged bilateral ties,” Peskov expressed.",
            expected: WHOLE,
        },
        SeedLine {
            line: "The Associated Press contributed to this report.",
            expected: WHOLE,
        },
        SeedLine {
            line: "If you found this article interesting, please consider\u{a0}supporting traditional journalism",
            expected: WHOLE,
        },
        SeedLine {
            line: "Our first edition was published 25 years ago from a basement in Atlanta. Today, The Epoch Times brings fact-based, award-winning journalism to millions of Americans.",
            expected: &[
                "Our first edition was published 25 years ago from a basement in Atlanta.",
                "Today, The Epoch Times brings fact-based, award-winning journalism to millions of Americans.",
            ],
        },
        SeedLine {
            line: "Our journalists have faced threats, arrests, and violence, but our commitment to independent journalism has never wavered. This year marks our 25th year of independent reporting, free from corporate and political influence.",
            expected: &[
                "Our journalists have faced threats, arrests, and violence, but our commitment to independent journalism has never wavered.",
                "This year marks our 25th year of independent reporting, free from corporate and political influence.",
            ],
        },
        SeedLine {
            line: "That’s why you’re invited to a limited-time introductory offer —\u{a0}just $1 per week\u{a0}— so you can join millions already celebrating independent news.",
            expected: WHOLE,
        },
    ];

    const SEED_002: &[SeedLine] = &[
        SeedLine {
            line: "WSJ: Trump administration reorganizes delivery of Patriot systems to allies, prioritizing Ukraine",
            expected: WHOLE,
        },
        SeedLine {
            line: "The Trump administration has announced a significant shift in the delivery of Patriot missile defense systems to allies, with a focus on supporting Ukraine. According to a recent article from Politico, President Donald Trump and NATO Secretary General Mark Rutte discussed a new plan to provide these advanced weapons to Ukraine, primarily through sales to NATO countries [1].",
            expected: &[
                "The Trump administration has announced a significant shift in the delivery of Patriot missile defense systems to allies, with a focus on supporting Ukraine.",
                "According to a recent article from Politico, President Donald Trump and NATO Secretary General Mark Rutte discussed a new plan to provide these advanced weapons to Ukraine, primarily through sales to NATO countries [1].",
            ],
        },
        SeedLine {
            line: "The details of the new plan are still being ironed out, but two main scenarios have been proposed. One involves European countries purchasing American weapons for transfer to Ukraine, while the other suggests that allies could send their own weapons to Kyiv and then buy American replacements. However, the exact timeline and level of planning for this initiative remain uncertain [1].",
            expected: &[
                "The details of the new plan are still being ironed out, but two main scenarios have been proposed.",
                "One involves European countries purchasing American weapons for transfer to Ukraine, while the other suggests that allies could send their own weapons to Kyiv and then buy American replacements.",
                "However, the exact timeline and level of planning for this initiative remain uncertain [1].",
            ],
        },
        SeedLine {
            line: "Defense officials and allies have expressed some confusion regarding the plan, as they have not yet been fully briefed on how their countries would participate. A U.S. defense official noted that while the industry can and will sell to allies, there are delivery backlogs on most weapons, which could lead to delays in fulfilling these new orders [1].",
            expected: &[
                "Defense officials and allies have expressed some confusion regarding the plan, as they have not yet been fully briefed on how their countries would participate.",
                "A U.S. defense official noted that while the industry can and will sell to allies, there are delivery backlogs on most weapons, which could lead to delays in fulfilling these new orders [1].",
            ],
        },
        SeedLine {
            line: "The Pentagon has been increasing its purchases of Patriot missiles over the past year, indicating a significant demand and potential strain on stockpiles. The U.S. has already supplied Patriot systems to Ukraine and Israel, and has also used them to defend U.S. bases in the Middle East against Iranian attacks. Concerns over the depth of U.S. stockpiles were cited as a reason for stopping the delivery of weapons to Ukraine this month, although some Pentagon officials challenged this view [1].",
            expected: &[
                "The Pentagon has been increasing its purchases of Patriot missiles over the past year, indicating a significant demand and potential strain on stockpiles.",
                "The U.S. has already supplied Patriot systems to Ukraine and Israel, and has also used them to defend U.S. bases in the Middle East against Iranian attacks.",
                "Concerns over the depth of U.S. stockpiles were cited as a reason for stopping the delivery of weapons to Ukraine this month, although some Pentagon officials challenged this view [1].",
            ],
        },
        SeedLine {
            line: "Defense industry analyst Roman Schweizer of TD Cowen pointed out that the deal resembles traditional foreign military sales, which are known for their slow and cumbersome nature. He noted that while current weapons sales to allies are at a record pace, hitting $80.5 billion in preliminary agreements this year, with 22 percent of that tied to NATO members, the new plan may face similar challenges [1].",
            expected: &[
                "Defense industry analyst Roman Schweizer of TD Cowen pointed out that the deal resembles traditional foreign military sales, which are known for their slow and cumbersome nature.",
                "He noted that while current weapons sales to allies are at a record pace, hitting $80.5 billion in preliminary agreements this year, with 22 percent of that tied to NATO members, the new plan may face similar challenges [1].",
            ],
        },
        SeedLine {
            line: "This reorganization of weapon delivery comes amidst ongoing peace negotiations and military exercises. The U.S. has been involved in various peace deals and ceasefires, including one between Congo and Rwanda, and is working towards a potential resolution between Armenia and Azerbaijan. Additionally, the U.S. and Australia conducted war games in the Indo-Pacific region, testing the HIMARS long-range rocket system [1].",
            expected: &[
                "This reorganization of weapon delivery comes amidst ongoing peace negotiations and military exercises.",
                "The U.S. has been involved in various peace deals and ceasefires, including one between Congo and Rwanda, and is working towards a potential resolution between Armenia and Azerbaijan.",
                "Additionally, the U.S. and Australia conducted war games in the Indo-Pacific region, testing the HIMARS long-range rocket system [1].",
            ],
        },
        SeedLine {
            line: "The Pentagon has also withdrawn from the Aspen Security Forum, citing a lack of alignment with the conference's values and the Trump administration's goals. This move follows reports that the Pentagon's top brass would have participated in the forum, which is a nonpartisan gathering of top military brass and Pentagon officials [1].",
            expected: &[
                "The Pentagon has also withdrawn from the Aspen Security Forum, citing a lack of alignment with the conference's values and the Trump administration's goals.",
                "This move follows reports that the Pentagon's top brass would have participated in the forum, which is a nonpartisan gathering of top military brass and Pentagon officials [1].",
            ],
        },
        SeedLine {
            line: "In summary, the Trump administration's new plan to deliver Patriot missile systems to allies, prioritizing Ukraine, is a significant shift in U.S. defense policy. While the details of the plan are still being finalized, the initiative highlights the ongoing efforts to support Ukraine and other allies in the face of geopolitical challenges.",
            expected: &[
                "In summary, the Trump administration's new plan to deliver Patriot missile systems to allies, prioritizing Ukraine, is a significant shift in U.S. defense policy.",
                "While the details of the plan are still being finalized, the initiative highlights the ongoing efforts to support Ukraine and other allies in the face of geopolitical challenges.",
            ],
        },
        SeedLine {
            line: "References:",
            expected: WHOLE,
        },
        SeedLine {
            line: "[1] https://www.politico.com/newsletters/national-security-daily/2025/07/14/making-sense-of-trumps-weapons-deal-00452001",
            expected: WHOLE,
        },
        SeedLine {
            line: "Comments",
            expected: WHOLE,
        },
        SeedLine {
            line: "No comments yet",
            expected: WHOLE,
        },
    ];

    const SEED_003: &[SeedLine] = &[
        SeedLine {
            line: "At a NATO Defense Ministerial meeting in Brussels, U.S. Defense Secretary Pete Hegseth stated that “everything is on the table” regarding negotiations to end the Russia-Ukraine war, reinforcing the Trump administration’s stance on finding a diplomatic resolution.",
            expected: WHOLE,
        },
        SeedLine {
            line: "Key Takeaways from Hegseth’s Statements",
            expected: WHOLE,
        },
        SeedLine {
            line: "Ukraine’s NATO Membership Not a Likely Outcome",
            expected: WHOLE,
        },
        SeedLine {
            line: "- Hegseth confirmed that Ukraine joining NATO is “not a realistic outcome” in any potential peace settlement.",
            expected: &[
                "Hegseth confirmed that Ukraine joining NATO is “not a realistic outcome” in any potential peace settlement.",
            ],
        },
        SeedLine {
            line: "- He clarified that this position is part of the Trump administration’s strategy for ongoing negotiations.",
            expected: &[
                "He clarified that this position is part of the Trump administration’s strategy for ongoing negotiations.",
            ],
        },
        SeedLine {
            line: "Ukraine Will Not Regain Its Pre-2014 Borders",
            expected: WHOLE,
        },
        SeedLine {
            line: "- Hegseth ruled out the possibility of Ukraine reclaiming its full territory, including Crimea, which Russia annexed in 2014.",
            expected: &[
                "Hegseth ruled out the possibility of Ukraine reclaiming its full territory, including Crimea, which Russia annexed in 2014.",
            ],
        },
        SeedLine {
            line: "- He emphasized this stance was not a concession to Putin, but a realistic acknowledgment of battlefield conditions.",
            expected: &[
                "He emphasized this stance was not a concession to Putin, but a realistic acknowledgment of battlefield conditions.",
            ],
        },
        SeedLine {
            line: "Military Aid to Ukraine Could Be Adjusted",
            expected: WHOLE,
        },
        SeedLine {
            line: "- The U.S. has provided Ukraine with $66 billion in military aid since the war began.",
            expected: &[
                "The U.S. has provided Ukraine with $66 billion in military aid since the war began.",
            ],
        },
        SeedLine {
            line: "- Hegseth indicated that future U.S. support could be increased or decreased depending on negotiations.",
            expected: &[
                "Hegseth indicated that future U.S. support could be increased or decreased depending on negotiations.",
            ],
        },
        SeedLine {
            line: "Trump Ties U.S. Support to Trade Deals",
            expected: WHOLE,
        },
        SeedLine {
            line: "- In a Fox News interview, Trump stated that Ukraine must provide the U.S. access to its rare earth minerals in exchange for continued aid.",
            expected: &[
                "In a Fox News interview, Trump stated that Ukraine must provide the U.S. access to its rare earth minerals in exchange for continued aid.",
            ],
        },
        SeedLine {
            line: "- “We are going to have all this money in there, and I say I want it back,” Trump said, adding that Ukraine had “essentially agreed” to provide $500 billion worth of rare earth materials.",
            expected: &[
                "“We are going to have all this money in there, and I say I want it back,” Trump said, adding that Ukraine had “essentially agreed” to provide $500 billion worth of rare earth materials.",
            ],
        },
        SeedLine {
            line: "What This Means for Ukraine’s Future",
            expected: WHOLE,
        },
        SeedLine {
            line: "- Russia controls about 20% of Ukraine, including Crimea, and recent months have favored Russian territorial gains.",
            expected: &[
                "Russia controls about 20% of Ukraine, including Crimea, and recent months have favored Russian territorial gains.",
            ],
        },
        SeedLine {
            line: "- Hegseth’s statements signal a shift from previous U.S. policy, which had been committed to Ukraine reclaiming all occupied territory.",
            expected: &[
                "Hegseth’s statements signal a shift from previous U.S. policy, which had been committed to Ukraine reclaiming all occupied territory.",
            ],
        },
        SeedLine {
            line: "- Trump’s approach appears more transactional, linking military assistance to economic benefits for the U.S..",
            expected: &[
                "Trump’s approach appears more transactional, linking military assistance to economic benefits for the U.S..",
            ],
        },
        SeedLine {
            line: "The Trump administration’s new stance on Ukraine marks a significant policy shift, moving toward negotiations with Russia and potential reductions in military aid. With Ukraine’s NATO membership off the table, the U.S. is focusing on securing trade advantages while seeking an end to the conflict.",
            expected: &[
                "The Trump administration’s new stance on Ukraine marks a significant policy shift, moving toward negotiations with Russia and potential reductions in military aid.",
                "With Ukraine’s NATO membership off the table, the U.S. is focusing on securing trade advantages while seeking an end to the conflict.",
            ],
        },
    ];

    const SEED_004: &[SeedLine] = &[
        SeedLine {
            line: "Biden Authorizes Ukraine’s Missile Strikes On Russia As Trump Prepares For Office",
            expected: WHOLE,
        },
        SeedLine {
            line: "Outgoing President Joe Biden faces critical decisions regarding military assistance to Ukraine as his term nears its end.",
            expected: WHOLE,
        },
        SeedLine {
            line: "According to Breitbart, the Biden administration has reportedly lifted restrictions on Ukraine's use of American-supplied ATACMS missiles for strikes within Russian territory, marking a significant shift in military aid policy.",
            expected: WHOLE,
        },
        SeedLine {
            line: "Reports from both the Washington Post and New York Times, citing unnamed U.S. officials, reveal this policy change comes amid growing concerns about North Korean troops entering Russia and potentially joining the conflict.",
            expected: WHOLE,
        },
        SeedLine {
            line: "The decision arrived as President-elect Donald Trump prepared to implement his promised peace negotiations strategy.",
            expected: WHOLE,
        },
        SeedLine {
            line: "Strategic Military Aid Developments Under Biden Administration",
            expected: WHOLE,
        },
        SeedLine {
            line: "The authorization for ATACMS strikes initially focused on Russia's Kursk region, where Ukrainian forces conducted a surprise incursion during summer operations. This decision represents an evolution from previous policies that limited ATACMS use to targets within Ukrainian territory, including Russian-occupied areas such as Crimea.",
            expected: &[
                "The authorization for ATACMS strikes initially focused on Russia's Kursk region, where Ukrainian forces conducted a surprise incursion during summer operations.",
                "This decision represents an evolution from previous policies that limited ATACMS use to targets within Ukrainian territory, including Russian-occupied areas such as Crimea.",
            ],
        },
        SeedLine {
            line: "Biden's administration had previously shown reluctance to permit strikes within Russia proper, primarily due to concerns about potential escalation from the nuclear-capable nation.",
            expected: WHOLE,
        },
        SeedLine {
            line: "These concerns included possibilities of Russia increasing support to American adversaries like Iran or assisting Houthi militants in their disruption of global shipping routes.",
            expected: WHOLE,
        },
        SeedLine {
            line: "The timing of this policy shift carries significant implications, occurring just two months before Trump assumes office. This development could potentially impact Trump's stated objectives of negotiating an end to the ongoing conflict.",
            expected: &[
                "The timing of this policy shift carries significant implications, occurring just two months before Trump assumes office.",
                "This development could potentially impact Trump's stated objectives of negotiating an end to the ongoing conflict.",
            ],
        },
        SeedLine {
            line: "Trump's Diplomatic Initiatives Take Shape",
            expected: WHOLE,
        },
        SeedLine {
            line: "Following his recent electoral victory, Trump has already initiated unofficial diplomatic efforts to fulfill his campaign promises regarding the Ukraine conflict. His approach includes direct communication with key figures involved in the situation.",
            expected: &[
                "Following his recent electoral victory, Trump has already initiated unofficial diplomatic efforts to fulfill his campaign promises regarding the Ukraine conflict.",
                "His approach includes direct communication with key figures involved in the situation.",
            ],
        },
        SeedLine {
            line: "The president-elect has conducted discussions with Ukrainian President Volodymyr Zelensky and German Chancellor Olaf Scholz. While reports suggest communication with Vladimir Putin, the Kremlin has denied any such conversation took place.",
            expected: &[
                "The president-elect has conducted discussions with Ukrainian President Volodymyr Zelensky and German Chancellor Olaf Scholz.",
                "While reports suggest communication with Vladimir Putin, the Kremlin has denied any such conversation took place.",
            ],
        },
        SeedLine {
            line: "Trump's allies, including Hungarian Prime Minister Viktor Orbán, have indicated that the incoming administration might leverage financial aid as a negotiating tool. This strategy could involve withholding funding to encourage Ukrainian participation in peace talks.",
            expected: &[
                "Trump's allies, including Hungarian Prime Minister Viktor Orbán, have indicated that the incoming administration might leverage financial aid as a negotiating tool.",
                "This strategy could involve withholding funding to encourage Ukrainian participation in peace talks.",
            ],
        },
        SeedLine {
            line: "International Response To Changing U.S. Policy",
            expected: WHOLE,
        },
        SeedLine {
            line: "Secretary of State Antony Blinken stated from Brussels:",
            expected: WHOLE,
        },
        SeedLine {
            line: "President Biden has committed to making sure that every dollar we have at our disposal will be pushed out the door between now and January 20th.",
            expected: WHOLE,
        },
        SeedLine {
            line: "International allies have begun positioning themselves for potential changes in U.S. support. The G7 nations have collectively pledged continued backing for Ukraine while European nations explore options to increase their financial support should Trump limit American aid.",
            expected: &[
                "International allies have begun positioning themselves for potential changes in U.S. support.",
                "The G7 nations have collectively pledged continued backing for Ukraine while European nations explore options to increase their financial support should Trump limit American aid.",
            ],
        },
        SeedLine {
            line: "The 'Weimar Triangle' alliance, comprising France, Germany, and Poland, along with the UK, plans discussions about expanding European funding. However, domestic budget constraints in several European nations may complicate these efforts.",
            expected: &[
                "The 'Weimar Triangle' alliance, comprising France, Germany, and Poland, along with the UK, plans discussions about expanding European funding.",
                "However, domestic budget constraints in several European nations may complicate these efforts.",
            ],
        },
        SeedLine {
            line: "Recent escalations in the conflict underscore the urgency of these policy decisions. Russia's latest offensive included extensive missile and drone strikes across Ukraine, demonstrating the ongoing intensity of military operations.",
            expected: &[
                "Recent escalations in the conflict underscore the urgency of these policy decisions.",
                "Russia's latest offensive included extensive missile and drone strikes across Ukraine, demonstrating the ongoing intensity of military operations.",
            ],
        },
        SeedLine {
            line: "Where Military Aid Stands Now",
            expected: WHOLE,
        },
        SeedLine {
            line: "The current situation reflects a complex interplay between immediate military needs and long-term diplomatic objectives. Biden's recent decisions could influence both the conflict's immediate trajectory and future peace negotiations.",
            expected: &[
                "The current situation reflects a complex interplay between immediate military needs and long-term diplomatic objectives.",
                "Biden's recent decisions could influence both the conflict's immediate trajectory and future peace negotiations.",
            ],
        },
        SeedLine {
            line: "These policy shifts occur against the backdrop of Trump's impending presidency and his different approach to resolving the conflict. The coming months may prove crucial in determining the direction of international support for Ukraine and the prospects for peace negotiations.",
            expected: &[
                "These policy shifts occur against the backdrop of Trump's impending presidency and his different approach to resolving the conflict.",
                "The coming months may prove crucial in determining the direction of international support for Ukraine and the prospects for peace negotiations.",
            ],
        },
        SeedLine {
            line: "The evolving military aid strategy under Biden's administration, coupled with Trump's anticipated diplomatic initiatives, sets the stage for potentially significant changes in U.S.-Ukraine relations. While current policy focuses on expanded military support, the transition period ahead may reshape the international community's approach to resolving this conflict.",
            expected: &[
                "The evolving military aid strategy under Biden's administration, coupled with Trump's anticipated diplomatic initiatives, sets the stage for potentially significant changes in U.S.-Ukraine relations.",
                "While current policy focuses on expanded military support, the transition period ahead may reshape the international community's approach to resolving this conflict.",
            ],
        },
    ];

    #[test]
    fn seed_articles() {
        let mut failures = Vec::new();
        let mut checked = 0;
        for (file, lines) in [
            ("000", SEED_000),
            ("001", SEED_001),
            ("002", SEED_002),
            ("003", SEED_003),
            ("004", SEED_004),
        ] {
            for seed in lines {
                let expected = if seed.expected.is_empty() {
                    vec![seed.line]
                } else {
                    seed.expected.to_vec()
                };
                checked += expected.len();
                let got = sentences(seed.line);
                if got != expected {
                    failures.push(format!(
                        "{file}: {:?}\n  expected: {expected:?}\n  got:      {got:?}",
                        seed.line
                    ));
                }
            }
        }
        assert_eq!(checked, 137, "the seed table should hold 137 sentences");
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn ranges_are_absolute_in_the_surrounding_text() {
        let text = "Intro line.\n- First one. Second one.\nOutro.";
        let start = text.find("- First").unwrap_or(0);
        let end = text.find("\nOutro").unwrap_or(text.len());
        let got = split(text, start..end);
        let first = text.find("First").unwrap_or(0);
        let second = text.find("Second").unwrap_or(0);
        assert_eq!(
            got,
            vec![
                first..first + "First one.".len(),
                second..second + "Second one.".len()
            ]
        );
    }

    #[test]
    fn block_is_clamped_and_snapped_to_char_boundaries() {
        let text = "Überall. Ende.";
        // Out of bounds end.
        assert_eq!(sentences_in(text, 0..1000), vec!["Überall.", "Ende."]);
        // Start inside the two-byte 'Ü' moves forward to the next boundary.
        assert_eq!(sentences_in(text, 1..text.len()), vec!["berall.", "Ende."]);
        // End inside a char moves back.
        let e = "Ende é";
        assert_eq!(sentences_in(e, 0..e.len() - 1), vec!["Ende"]);
        // Reversed and empty blocks.
        #[allow(clippy::reversed_empty_ranges)]
        let reversed = 8..2;
        assert!(split(text, reversed).is_empty());
        assert!(split(text, 3..3).is_empty());
        assert!(split(text, 50..60).is_empty());
    }

    fn sentences_in(text: &str, block: Range<usize>) -> Vec<&str> {
        split(text, block).into_iter().map(|r| &text[r]).collect()
    }

    /// The invariants promised by `split`'s documentation.
    fn check_invariants(text: &str, block: Range<usize>) -> Result<(), TestCaseError> {
        let ranges = split(text, block.clone());
        let mut previous_end = 0;
        for r in &ranges {
            prop_assert!(r.start < r.end, "empty range {r:?}");
            prop_assert!(
                r.start >= block.start && r.end <= block.end,
                "{r:?} outside {block:?}"
            );
            prop_assert!(r.start >= previous_end, "overlap or disorder at {r:?}");
            prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
            let s = &text[r.clone()];
            prop_assert!(
                !s.starts_with(is_space) && !s.ends_with(is_space),
                "untrimmed {s:?}"
            );
            prop_assert!(list_marker_len(s).is_none(), "leading list marker in {s:?}");
            previous_end = r.end;
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn arbitrary_strings_keep_invariants(text in any::<String>(), a in 0usize..300, b in 0usize..300) {
            check_invariants(&text, 0..text.len())?;
            check_invariants(&text, a.min(b)..a.max(b))?;
        }

        #[test]
        fn prose_like_strings_keep_invariants(
            text in "([A-Za-z]{1,6}|[ .!?…“”\"'()\\[\\]0-9\\n\\t$%,:;—–•*-]|\u{a0}|\u{200b}|é|ß|🙂|👩‍👩‍👧|e\u{301}|\u{0}|\u{7}|\r|U\\.S\\.|p\\.m\\.|Dr\\.|1\\. |- ){0,60}",
            a in 0usize..400,
            b in 0usize..400,
        ) {
            check_invariants(&text, 0..text.len())?;
            check_invariants(&text, a.min(b)..a.max(b))?;
        }

        /// The byte search finds what a walk over the characters finds, from every boundary.
        #[test]
        fn next_terminal_is_the_first_terminal_character(text in "[a-z ’‘“”—–.!?…‽é🙂]{0,40}") {
            for from in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                let walked = text[from..]
                    .char_indices()
                    .find(|&(_, c)| is_terminal(c))
                    .map(|(i, _)| from + i);
                prop_assert_eq!(next_terminal(&text, from), walked, "from {} in {:?}", from, text);
            }
        }
    }
}
