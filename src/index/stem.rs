//! English stemming with a memo per thread. A corpus says the same few ten thousand words
//! over and over, so most stems are looked up rather than worked out. The stems are the
//! Snowball English stemmer's, as tantivy's own `Stemmer` gives them.

use std::cell::RefCell;

use frostem::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Words remembered per thread before the memo starts afresh (a few MB).
const MEMO_LIMIT: usize = 100_000;

thread_local! {
    static MEMO: RefCell<FxHashMap<Box<str>, Box<str>>> = RefCell::new(FxHashMap::default());
}

/// `text` made its English stem, from this thread's memo when it has it.
fn stem_into(stemmer: &Stemmer, text: &mut String) {
    MEMO.with_borrow_mut(|memo| {
        if let Some(stem) = memo.get(text.as_str()) {
            text.clear();
            text.push_str(stem);
            return;
        }
        let stem: Box<str> = stemmer.stem(text).into();
        if memo.len() >= MEMO_LIMIT {
            memo.clear();
        }
        memo.insert(text.as_str().into(), stem.clone());
        text.clear();
        text.push_str(&stem);
    });
}

/// The token filter: tantivy's English `Stemmer`, remembered.
#[derive(Clone, Copy, Debug, Default)]
pub struct EnglishStemmer;

impl TokenFilter for EnglishStemmer {
    type Tokenizer<T: Tokenizer> = StemFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> StemFilter<T> {
        StemFilter { inner: tokenizer }
    }
}

#[derive(Clone)]
pub struct StemFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for StemFilter<T> {
    type TokenStream<'a> = StemStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        StemStream {
            tail: self.inner.token_stream(text),
            stemmer: Stemmer::new(Algorithm::English),
        }
    }
}

pub struct StemStream<T> {
    tail: T,
    stemmer: Stemmer,
}

impl<T: TokenStream> TokenStream for StemStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        stem_into(&self.stemmer, &mut self.tail.token_mut().text);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{
        AsciiFoldingFilter, Language, LowerCaser, SimpleTokenizer, TextAnalyzer,
    };

    use super::*;

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize)> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push((t.text.clone(), t.offset_from, t.offset_to));
        }
        out
    }

    /// Every word of the shipped corpus, twice over (the second time from the memo), and
    /// past the memo's limit: the same tokens as tantivy's own stemmer.
    #[test]
    fn stems_are_tantivys() {
        let chain = || {
            TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
        };
        let mut ours = chain().filter(EnglishStemmer).build();
        let mut theirs = chain()
            .filter(tantivy::tokenizer::Stemmer::new(Language::English))
            .build();
        let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let mut compared = 0;
        for entry in std::fs::read_dir(seeds).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default();
            for _ in 0..2 {
                let want = tokens(&mut theirs, &text);
                assert_eq!(tokens(&mut ours, &text), want);
                compared += want.len();
            }
        }
        assert!(compared > 5_000, "{compared} tokens");
        let many: String = (0..MEMO_LIMIT + 10)
            .map(|i| format!("running{i}s walked "))
            .collect();
        assert_eq!(tokens(&mut ours, &many), tokens(&mut theirs, &many));
    }
}
