//! English function words, dropped from queries so that BM25 and answer coverage weigh content words.

use rustc_hash::FxHashSet;

/// Sorted, lowercase; searched with binary search.
pub const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "me",
    "might",
    "more",
    "most",
    "must",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "same",
    "shall",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "yourself",
];

/// Words that only shape a question ("tell me", "many") and carry no topic.
const QUESTION_WORDS: &[&str] = &[
    "happen", "happened", "kind", "many", "much", "name", "named", "tell", "type",
];

/// Verbs that frame a question rather than name its topic.
const FRAME_WORDS: &[&str] = &[
    "describe",
    "described",
    "explain",
    "explained",
    "mention",
    "mentioned",
    "report",
    "reported",
    "say",
    "said",
    "says",
    "speak",
    "spoke",
    "tell",
    "think",
    "thinks",
    "thought",
];

pub fn is_frame_word(word: &str) -> bool {
    FRAME_WORDS.contains(&word)
}

pub fn is_stopword(word: &str) -> bool {
    STOPWORDS.binary_search(&word).is_ok()
}

/// A word of up to 15 bytes, lowercased and packed into one number (its length in the top
/// byte keeps "a" apart from "a\0"); None for a longer word.
fn ascii_key(word: &[u8]) -> Option<u128> {
    if word.len() > 15 {
        return None;
    }
    let packed = word
        .iter()
        .fold(0u128, |k, b| (k << 8) | u128::from(b.to_ascii_lowercase()));
    Some(packed | (word.len() as u128) << 120)
}

/// A set of short ASCII words, looked up in any case without copying the word.
pub(crate) struct WordKeys(FxHashSet<u128>);

impl WordKeys {
    pub(crate) fn of(words: &[&str]) -> WordKeys {
        WordKeys(
            words
                .iter()
                .filter_map(|w| ascii_key(w.as_bytes()))
                .collect(),
        )
    }

    /// Whether `word`, its ASCII letters lowercased, is one of the set's (other bytes are
    /// left as they are, so a word with any is in no set of ASCII words).
    pub(crate) fn contains_any_case(&self, word: &[u8]) -> bool {
        ascii_key(word).is_some_and(|k| self.0.contains(&k))
    }
}

/// `is_stopword` of a word as written, in any case; allocates only for capitalised words.
pub fn is_stopword_as_written(word: &str) -> bool {
    if word.bytes().any(|b| !b.is_ascii_lowercase()) {
        is_stopword(&word.to_lowercase())
    } else {
        is_stopword(word)
    }
}

pub fn is_question_word(word: &str) -> bool {
    QUESTION_WORDS.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_is_sorted_for_binary_search() {
        assert!(STOPWORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(is_stopword("the") && is_stopword("who") && !is_stopword("patriot"));
    }

    #[test]
    fn any_case_as_written() {
        for w in ["The", "THE", "the", "Who"] {
            assert!(is_stopword_as_written(w), "{w}");
        }
        assert!(!is_stopword_as_written("Patriot") && !is_stopword_as_written("patriot"));
    }
}
