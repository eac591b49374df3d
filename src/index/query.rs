//! Chat input to search terms: sanitised, never a syntax error, never silently empty.

use std::ops::Range;

use crate::nlp::stopwords;

/// Longest input read, in characters; the rest is dropped and the reply says so.
pub const MAX_INPUT_CHARS: usize = 500;

/// Removes control and format characters, folds whitespace and caps the length.
/// Returns the clean text and whether it was shortened.
pub fn sanitize(input: &str) -> (String, bool) {
    let mut out = String::with_capacity(input.len().min(MAX_INPUT_CHARS * 4));
    let mut chars = 0;
    let mut truncated = false;
    let mut pending_space = false;
    for ch in input.chars() {
        let blank = ch.is_whitespace() || ch.is_control() || is_format(ch);
        if blank {
            pending_space = !out.is_empty();
            continue;
        }
        if chars + usize::from(pending_space) >= MAX_INPUT_CHARS {
            truncated = true;
            break;
        }
        if pending_space {
            out.push(' ');
            chars += 1;
            pending_space = false;
        }
        out.push(ch);
        chars += 1;
    }
    (out, truncated)
}

/// Zero-width and bidi controls: invisible, and a way to smuggle text past filters.
fn is_format(ch: char) -> bool {
    matches!(ch, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

/// One analysed word of the query.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// The index term (lowercased, folded, stemmed).
    pub term: String,
    /// The word as the user wrote it.
    pub surface: String,
    /// Written with a capital inside the question: a name the answer must mention.
    pub proper: bool,
}

/// The parsed query: terms to score, phrases that must match, terms to exclude.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserQuery {
    /// Content terms (stopwords dropped unless nothing else is left).
    pub terms: Vec<Term>,
    /// `"quoted phrases"` as sequences of index terms (only when the quotes balance).
    pub phrases: Vec<Vec<String>>,
    /// `-word` exclusions.
    pub excluded: Vec<String>,
}

impl UserQuery {
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty() && self.phrases.is_empty()
    }
}

/// Splits the text into analysed words with their byte ranges.
pub type Analyse<'a> = dyn Fn(&str) -> Vec<(String, Range<usize>)> + 'a;

/// Parses sanitised text. Quotes only make a phrase when they balance; an unbalanced quote
/// is read as an ordinary character. Operators such as AND, OR, NOT, `+`, `(` are words or
/// noise, never syntax.
pub fn parse(text: &str, analyse: &Analyse<'_>) -> UserQuery {
    let mut q = UserQuery::default();
    let normalized = text.replace(['“', '”', '„', '«', '»'], "\"");
    let balanced = normalized.matches('"').count().is_multiple_of(2);
    let mut free = String::new();
    if balanced {
        for (i, part) in normalized.split('"').enumerate() {
            if i % 2 == 1 {
                let terms: Vec<String> = analyse(part).into_iter().map(|(t, _)| t).collect();
                if terms.len() > 1 {
                    q.phrases.push(terms);
                    continue;
                }
            }
            free.push_str(part);
            free.push(' ');
        }
    } else {
        free = normalized.replace('"', " ");
    }
    let mut all = Vec::new();
    let mut first_word = true;
    for word in free.split_whitespace() {
        let (excluded, word) = match word.strip_prefix('-') {
            Some(rest) if !rest.is_empty() => (true, rest),
            _ => (false, word),
        };
        for (term, range) in analyse(word) {
            let surface = &word[range];
            if excluded {
                q.excluded.push(term);
                continue;
            }
            let lower = surface.to_lowercase();
            let proper = !first_word
                && surface.chars().next().is_some_and(char::is_uppercase)
                && !stopwords::is_stopword(&lower);
            let content = !stopwords::is_stopword(&lower) && !stopwords::is_question_word(&lower);
            let t = Term {
                term,
                surface: surface.to_string(),
                proper,
            };
            if content && !q.terms.iter().any(|x| x.term == t.term) {
                q.terms.push(t.clone());
            }
            all.push(t);
        }
        first_word = false;
    }
    if q.terms.is_empty() && q.phrases.is_empty() {
        // "AND OR NOT", "who is": keep the words rather than answering an empty query.
        for t in all {
            if !q.terms.iter().any(|x| x.term == t.term) {
                q.terms.push(t);
            }
        }
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyse(s: &str) -> Vec<(String, Range<usize>)> {
        let mut out = Vec::new();
        let mut start = None;
        for (i, ch) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
            match (ch.is_alphanumeric(), start) {
                (true, None) => start = Some(i),
                (false, Some(st)) => {
                    out.push((s[st..i].to_lowercase(), st..i));
                    start = None;
                }
                _ => {}
            }
        }
        out
    }

    struct Case {
        name: &'static str,
        input: &'static str,
        terms: &'static [&'static str],
        phrases: usize,
        excluded: &'static [&'static str],
    }

    #[test]
    fn parse_table() {
        let cases = [
            Case {
                name: "plain words",
                input: "patriot missiles",
                terms: &["patriot", "missiles"],
                phrases: 0,
                excluded: &[],
            },
            Case {
                name: "unbalanced quote",
                input: "\"unbalanced patriot",
                terms: &["unbalanced", "patriot"],
                phrases: 0,
                excluded: &[],
            },
            Case {
                name: "phrase",
                input: "\"rare earth\" Trump",
                terms: &["trump"],
                phrases: 1,
                excluded: &[],
            },
            Case {
                name: "curly phrase",
                input: "“rare earth” Trump",
                terms: &["trump"],
                phrases: 1,
                excluded: &[],
            },
            Case {
                name: "operators are words",
                input: "AND OR NOT",
                terms: &["and", "or", "not"],
                phrases: 0,
                excluded: &[],
            },
            Case {
                name: "c++ and dash",
                input: "C++ -",
                terms: &["c"],
                phrases: 0,
                excluded: &[],
            },
            Case {
                name: "exclusion",
                input: "patriot -israel",
                terms: &["patriot"],
                phrases: 0,
                excluded: &["israel"],
            },
            Case {
                name: "stopwords dropped",
                input: "who is the Kremlin spokesman",
                terms: &["kremlin", "spokesman"],
                phrases: 0,
                excluded: &[],
            },
            Case {
                name: "emoji only",
                input: "🚀🚀",
                terms: &[],
                phrases: 0,
                excluded: &[],
            },
            Case {
                name: "parens",
                input: "(ATACMS OR HIMARS",
                terms: &["atacms", "himars"],
                phrases: 0,
                excluded: &[],
            },
        ];
        for c in cases {
            let q = parse(c.input, &analyse);
            let terms: Vec<&str> = q.terms.iter().map(|t| t.term.as_str()).collect();
            assert_eq!(terms, c.terms, "{}", c.name);
            assert_eq!(q.phrases.len(), c.phrases, "{}", c.name);
            assert_eq!(q.excluded, c.excluded, "{}", c.name);
        }
    }

    #[test]
    fn proper_nouns_inside_question() {
        let q = parse("What did Blinken promise", &analyse);
        let proper: Vec<&str> = q
            .terms
            .iter()
            .filter(|t| t.proper)
            .map(|t| t.surface.as_str())
            .collect();
        assert_eq!(proper, ["Blinken"]);
    }

    #[test]
    fn sanitize_table() {
        assert_eq!(
            sanitize("  a\u{0}b\tc\u{200B}d  "),
            ("a b c d".to_string(), false)
        );
        assert_eq!(sanitize("\u{202E}evil"), ("evil".to_string(), false));
        let long = "word ".repeat(2000);
        let (s, cut) = sanitize(&long);
        assert!(cut);
        assert!(s.chars().count() <= MAX_INPUT_CHARS);
        assert_eq!(sanitize(""), (String::new(), false));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let (clean, _) = sanitize(&s);
            proptest::prop_assert!(clean.chars().count() <= MAX_INPUT_CHARS);
            let _ = parse(&clean, &analyse);
        }
    }
}
