//! The indexing analyser, with the last few texts' tokens remembered per thread. Each
//! passage is indexed as itself and again as both its neighbours' context, and every passage
//! carries its section heading and its article's title: an article's documents go to one
//! writer thread together, so each of those texts is analysed once and then replayed.

use std::cell::RefCell;
use std::hash::BuildHasher;
use std::rc::Rc;

use rustc_hash::FxBuildHasher;
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};

/// Texts remembered per thread: a document's body, heading, two neighbours and title, with
/// room for the next document's new neighbour.
const SLOTS: usize = 8;

/// One token as the analyser gave it; its text is `Tokens::text[start..end]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Mark {
    offset_from: usize,
    offset_to: usize,
    position: usize,
    position_length: usize,
    end: usize,
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
}

impl Remembered {
    pub fn new(inner: TextAnalyzer) -> Remembered {
        Remembered { inner }
    }
}

impl Tokenizer for Remembered {
    type TokenStream<'a> = Replay;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Replay {
        Replay {
            tokens: tokens_of(&mut self.inner, text),
            next: 0,
            token: Token::default(),
        }
    }
}

/// Plays remembered tokens back.
pub struct Replay {
    tokens: Rc<Tokens>,
    next: usize,
    token: Token,
}

impl TokenStream for Replay {
    fn advance(&mut self) -> bool {
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
}
