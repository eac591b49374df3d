//! The indexing analyser, with the last few texts' tokens remembered per thread. Every
//! passage carries its section heading and its article's title: an article's documents go
//! to one writer thread together, so each of those texts is analysed once and then replayed
//! (for the heading, without its stopwords).

use std::cell::RefCell;
use std::hash::BuildHasher;
use std::rc::Rc;

use rustc_hash::FxBuildHasher;
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};

use crate::nlp::stopwords::is_stopword_in_any_case;

/// Texts remembered per thread: the headings and titles of the articles a thread is
/// indexing, with room to spare.
const SLOTS: usize = 8;

/// One token as the analyser gave it; its text is `Tokens::text[start..end]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Mark {
    offset_from: usize,
    offset_to: usize,
    position: usize,
    position_length: usize,
    end: usize,
    /// The word as written is a stopword (`Remembered::without_stopwords` leaves it out).
    stop: bool,
}

/// A text's tokens, their words laid end to end.
#[derive(Debug, Default, PartialEq, Eq)]
struct Tokens {
    text: String,
    marks: Vec<Mark>,
}

struct Slot {
    hash: u64,
    source: String,
    tokens: Rc<Tokens>,
    used: u64,
}

#[derive(Default)]
struct Recent {
    slots: Vec<Slot>,
    clock: u64,
}

thread_local! {
    static RECENT: RefCell<Recent> = RefCell::new(Recent::default());
}

/// `analyzer`'s tokens of `text`, from this thread's recent texts when it is one of them.
fn tokens_of(analyzer: &mut TextAnalyzer, text: &str) -> Rc<Tokens> {
    let hash = FxBuildHasher.hash_one(text);
    RECENT.with_borrow_mut(|recent| {
        recent.clock += 1;
        let clock = recent.clock;
        if let Some(slot) = recent
            .slots
            .iter_mut()
            .find(|s| s.hash == hash && s.source == text)
        {
            slot.used = clock;
            return Rc::clone(&slot.tokens);
        }
        let mut tokens = Tokens::default();
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {
            let t = stream.token();
            tokens.text.push_str(&t.text);
            tokens.marks.push(Mark {
                offset_from: t.offset_from,
                offset_to: t.offset_to,
                position: t.position,
                position_length: t.position_length,
                end: tokens.text.len(),
                stop: text
                    .get(t.offset_from..t.offset_to)
                    .is_some_and(|w| is_stopword_in_any_case(w.as_bytes())),
            });
        }
        let tokens = Rc::new(tokens);
        let slot = Slot {
            hash,
            source: text.to_string(),
            tokens: Rc::clone(&tokens),
            used: clock,
        };
        if recent.slots.len() < SLOTS {
            recent.slots.push(slot);
        } else if let Some(oldest) = recent.slots.iter_mut().min_by_key(|s| s.used) {
            *oldest = slot;
        }
        tokens
    })
}

/// The tokenizer: `inner`'s tokens, remembered.
#[derive(Clone)]
pub struct Remembered {
    inner: TextAnalyzer,
    skip_stopwords: bool,
}

impl Remembered {
    pub fn new(inner: TextAnalyzer) -> Remembered {
        Remembered {
            inner,
            skip_stopwords: false,
        }
    }

    /// `new`, the stopwords left out (judged on the words as written): for a field where
    /// only content words should count.
    pub fn without_stopwords(inner: TextAnalyzer) -> Remembered {
        Remembered {
            inner,
            skip_stopwords: true,
        }
    }
}

impl Tokenizer for Remembered {
    type TokenStream<'a> = Replay;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Replay {
        Replay {
            tokens: tokens_of(&mut self.inner, text),
            next: 0,
            token: Token::default(),
            skip_stopwords: self.skip_stopwords,
        }
    }
}

/// Plays remembered tokens back.
pub struct Replay {
    tokens: Rc<Tokens>,
    next: usize,
    token: Token,
    skip_stopwords: bool,
}

impl TokenStream for Replay {
    fn advance(&mut self) -> bool {
        if self.skip_stopwords {
            while self.tokens.marks.get(self.next).is_some_and(|m| m.stop) {
                self.next += 1;
            }
        }
        let Some(mark) = self.tokens.marks.get(self.next) else {
            return false;
        };
        let start = match self.next {
            0 => 0,
            n => self.tokens.marks[n - 1].end,
        };
        self.next += 1;
        let t = &mut self.token;
        t.offset_from = mark.offset_from;
        t.offset_to = mark.offset_to;
        t.position = mark.position;
        t.position_length = mark.position_length;
        t.text.clear();
        t.text.push_str(&self.tokens.text[start..mark.end]);
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {
            out.push(stream.token().clone());
        }
        out
    }

    #[test]
    fn replays_exactly_what_the_analyser_gives_however_often_and_whatever_was_between() {
        let mut plain = super::super::analyzer();
        let mut remembered = TextAnalyzer::from(Remembered::new(super::super::analyzer()));
        let texts: Vec<String> = (0..3 * SLOTS)
            .map(|i| format!("Passage {i}: the ministers’ talks resumed in Brussels, café"))
            .chain(["".to_string(), "   ".to_string(), "Zürich".to_string()])
            .collect();
        // Each text again and again, with more and fewer others between than there are slots.
        for round in 0..3 {
            for (i, text) in texts.iter().enumerate() {
                let again = &texts[(i * 7 + round) % texts.len()];
                for t in [text, again, text] {
                    assert_eq!(all(&mut remembered, t), all(&mut plain, t), "{t:?}");
                }
            }
        }
    }

    #[test]
    fn without_stopwords_replays_the_analysers_other_tokens() {
        let mut plain = super::super::analyzer();
        let mut content =
            TextAnalyzer::from(Remembered::without_stopwords(super::super::analyzer()));
        let text = "The Minister said THAT it was over, and Zürich's café was not.";
        let expected: Vec<Token> = all(&mut plain, text)
            .into_iter()
            .filter(|t| {
                let word = text[t.offset_from..t.offset_to].to_lowercase();
                !crate::nlp::stopwords::is_stopword(&word)
            })
            .collect();
        let words: Vec<&str> = expected.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(words, ["minist", "said", "zurich", "s", "cafe"]);
        // Twice: the second time from this thread's recent texts.
        for _ in 0..2 {
            assert_eq!(all(&mut content, text), expected);
        }
    }
}
