//! Front ends: each turns its platform's events into commands and `Answer`s into messages.

pub mod terminal;
