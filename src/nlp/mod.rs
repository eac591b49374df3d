//! Language processing on byte ranges: sentences, dates, stopwords and question analysis.

pub mod dates;
pub mod question;
pub mod sentences;
pub mod stopwords;
pub mod synonyms;
