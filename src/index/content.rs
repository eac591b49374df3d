//! The heading's analyser leaves stopwords out: a query searches a passage's surroundings
//! for content words only (see `query`), and stopwords are about a third of the words of
//! news text. A word is judged as written, in any case, before it is lowercased or stemmed.

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use crate::nlp::stopwords::is_stopword_in_any_case;

/// The token filter: the tokens before it, stopwords left out. It goes right after the
/// tokenizer, where a token's text is the word as written.
#[derive(Clone, Copy, Debug, Default)]
pub struct ContentWords;

impl TokenFilter for ContentWords {
    type Tokenizer<T: Tokenizer> = ContentFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> ContentFilter<T> {
        ContentFilter { inner: tokenizer }
    }
}

#[derive(Clone)]
pub struct ContentFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for ContentFilter<T> {
    type TokenStream<'a> = ContentStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        ContentStream {
            tail: self.inner.token_stream(text),
        }
    }
}

pub struct ContentStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for ContentStream<T> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            if !is_stopword_in_any_case(self.tail.token().text.as_bytes()) {
                return true;
            }
        }
        false
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
    use tantivy::tokenizer::TextAnalyzer;

    fn all(analyzer: &mut TextAnalyzer, text: &str) -> Vec<tantivy::tokenizer::Token> {
        let mut out = Vec::new();
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {
            out.push(stream.token().clone());
        }
        out
    }

    /// The heading's analyser gives the passages' analyser's tokens, offsets and positions
    /// as they were, but for the stopwords as written.
    #[test]
    fn the_heading_keeps_the_analysers_tokens_but_stopwords() {
        let mut plain = super::super::analyzer();
        let mut content = super::super::heading_analyzer();
        let text = "The Minister said THAT it was over, and Zürich's café was not.";
        let expected: Vec<_> = all(&mut plain, text)
            .into_iter()
            .filter(|t| {
                let word = text[t.offset_from..t.offset_to].to_lowercase();
                !crate::nlp::stopwords::is_stopword(&word)
            })
            .collect();
        let words: Vec<&str> = expected.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(words, ["minist", "said", "zurich", "s", "cafe"]);
        assert_eq!(all(&mut content, text), expected);
    }
}
