//! Boilerplate removal: classifies each line of a news text file as article prose, heading or page furniture.
//!
//! The approach follows jusText (Pomikálek 2011) and boilerpipe (Kohlschütter 2010):
//! every non-blank line is a block, first judged on its own features, then by its
//! neighbours. Nothing here knows a particular site: the cue vocabulary is the generic
//! vocabulary of web page furniture ("share", "related", "leave a reply", "all rights
//! reserved", ...), the stoplist is plain English.
//!
//! Passes, in order:
//! 1. *Alone.* Furniture for a reason of its own: no words, furniture cue, share bar,
//!    link line (URLs), copyright, date or reading-time line, breadcrumb, byline,
//!    teaser ending in an ellipsis, a short line repeated in this file or shared with
//!    other files ([`line_key`]). Otherwise by length and stopword density:
//!    - *long* is at least `LONG_WORDS` words and `LONG_CHARS` chars (jusText's
//!      `length_low`); a long line ending like a sentence is *good* with stopword density
//!      >= `STOP_GOOD` (jusText uses 0.30/0.32; news is dense in names), *near-good* with
//!      >= `STOP_NEAR`, furniture below;
//!    - a long line with no sentence end is near-good from `STOP_GOOD` (prose that lost
//!      its full stop), furniture below;
//!    - a short line ending like a sentence (a one-line quote) is a *short sentence*;
//!    - a short line without one is a *fragment* (heading, headline, label, menu item),
//!      unless it reads as a sentence-case sentence or runs on into a lowercase line.
//! 2. *Menus.* `MENU_RUN` or more short fragments in a row (`MENU_WORDS` words, or
//!    `MENU_BULLET_WORDS` for list items) are navigation.
//! 3. *Tail.* Once the body has started, a hard end marker (comments, tags, author box,
//!    references, copyright, a support appeal addressed to the reader) makes the rest
//!    of the file furniture; a soft one (related, popular, most viewed, you might also
//!    like) too, unless `RESUME_RUN` good blocks in a row show the article resuming.
//! 4. *Body start.* The first good block with more prose near it; good blocks above it
//!    are page blurbs.
//! 5. *Context.* Near-good blocks and short sentences become body when their nearest
//!    confident neighbour on either side is good prose, furniture when both are
//!    furniture (fragments are looked through).
//! 6. *Headings.* Fragments followed (through at most two more) by body are headings;
//!    so are Markdown `##` lines that no cue made furniture.
//! 7. *Headline.* A title-like line above the body and below the site's menus; a
//!    prose line between it and the body is the standfirst and is body.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::OnceLock;

use crate::nlp::stopwords::WordKeys;
use crate::span::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum BlockKind {
    /// Article prose: indexed and quotable.
    Body,
    /// A section heading inside the article body: kept as context, never quoted as an answer.
    Heading,
    /// Page furniture: never indexed, never quoted.
    Boilerplate,
}

/// One line of the file and what the cleaner made of it. Kept for every line of every
/// article, so in 12 bytes: 32-bit offsets (files are at most `MAX_FILE_BYTES`) and the
/// reason by number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    span: Span,
    pub kind: BlockKind,
    reason: Reason,
}

impl Block {
    pub fn new(range: Range<usize>, kind: BlockKind, reason: &'static str) -> Block {
        Block {
            span: Span::new(range),
            kind,
            reason: Reason::of(reason).expect("the cleaner gives fewer than 256 reasons"),
        }
    }
    /// Byte range of the block's content in the file: the line without surrounding
    /// whitespace, without a leading list marker ("- ", "• ", "* ", "– ", "1. ") and without
    /// Markdown heading hashes ("## ").
    pub fn range(&self) -> Range<usize> {
        self.span.range()
    }
    /// Short fixed reason for the class, for logs and tests ("menu run", "tail", "stopwords", ...).
    pub fn reason(&self) -> &'static str {
        self.reason.text()
    }
}

/// A block's reason: its number among the distinct reasons given so far (the cleaner's are a
/// short fixed list; saved state names them by text).
#[derive(Clone, Copy, PartialEq, Eq)]
struct Reason(u8);

impl std::fmt::Debug for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.text())
    }
}

static REASONS: std::sync::RwLock<Vec<&'static str>> = std::sync::RwLock::new(Vec::new());

impl Reason {
    /// The reason of this text; None once 256 distinct texts have been given.
    fn of(text: &str) -> Option<Reason> {
        let find = |all: &[&str]| all.iter().position(|r| *r == text);
        if let Some(i) = find(&REASONS.read().unwrap_or_else(|e| e.into_inner())) {
            return Some(Reason(i as u8));
        }
        let mut all = REASONS.write().unwrap_or_else(|e| e.into_inner());
        let i = match find(&all) {
            Some(i) => i,
            None if all.len() <= u8::MAX as usize => {
                all.push(Box::leak(text.into()));
                all.len() - 1
            }
            None => return None,
        };
        Some(Reason(i as u8))
    }
    fn text(self) -> &'static str {
        REASONS.read().unwrap_or_else(|e| e.into_inner())[self.0 as usize]
    }
}

/// A `Block` as saved with the engine's state: its reason by text, since numbers are given
/// in the order reasons are first met.
#[derive(serde::Serialize)]
struct SavedBlock<'a> {
    span: Span,
    kind: BlockKind,
    reason: &'a str,
}

impl serde::Serialize for Block {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        SavedBlock {
            span: self.span,
            kind: self.kind,
            reason: self.reason(),
        }
        .serialize(ser)
    }
}

/// A `SavedBlock` as read back: its reason as bytes (postcard writes a text as its bytes),
/// looked up in this thread's table of the reasons met (a restart reads millions of blocks).
#[derive(serde::Deserialize)]
struct ReadBlock<'a> {
    span: Span,
    kind: BlockKind,
    reason: &'a [u8],
}

impl Reason {
    /// `Reason::of` a saved text: a thread's own table first, without a lock.
    fn of_saved(text: &[u8]) -> Option<Reason> {
        thread_local! {
            static MET: std::cell::RefCell<rustc_hash::FxHashMap<&'static [u8], Reason>> =
                Default::default();
        }
        MET.with_borrow_mut(|met| {
            if let Some(&r) = met.get(text) {
                return Some(r);
            }
            let r = Reason::of(std::str::from_utf8(text).ok()?)?;
            met.insert(r.text().as_bytes(), r);
            Some(r)
        })
    }
}

impl<'de> serde::Deserialize<'de> for Block {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Block, D::Error> {
        let b = ReadBlock::deserialize(de)?;
        let reason = Reason::of_saved(b.reason).ok_or_else(|| {
            serde::de::Error::custom(
                "a block reason that is not text, or more than the cleaner has",
            )
        })?;
        Ok(Block {
            span: b.span,
            kind: b.kind,
            reason,
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cleaned {
    /// Every non-blank line of the file, in order, exactly once.
    pub blocks: Vec<Block>,
    /// The page's headline: not the site name, not its date line, not a menu item or breadcrumb;
    /// None when the file has no headline (it starts straight with prose).
    pub headline: Option<Range<usize>>,
}

/// Minimum words for a block to be judged on its stopword density alone.
const LONG_WORDS: usize = 10;
/// Minimum chars for the same (jusText's `length_low`).
const LONG_CHARS: usize = 70;
/// Stopword density of good prose (jusText `stopwords_high` 0.32, lowered for name-dense news).
const STOP_GOOD: f64 = 0.30;
/// Stopword density below which even a punctuated long block is not prose.
const STOP_NEAR: f64 = 0.18;
/// A fragment without list marker of at most this many words can be a menu item.
const MENU_WORDS: usize = 3;
/// A list item of at most this many words can be a menu item.
const MENU_BULLET_WORDS: usize = 5;
/// Menu items in a row that make a menu.
const MENU_RUN: usize = 3;
/// Fragments longer than this are not headings or headlines but prose that lost its stop.
const FRAGMENT_MAX_WORDS: usize = 20;
/// line_key: lines with more words than this are never treated as shared furniture.
const KEY_MAX_WORDS: usize = 14;
/// line_key: ... nor lines with more chars than this.
const KEY_MAX_CHARS: usize = 120;
/// Good prose needed before a tail marker may end the article: blocks, or chars.
const BODY_STARTED_BLOCKS: usize = 2;
const BODY_STARTED_CHARS: usize = 300;
/// Good blocks in a row after a soft tail marker ("Related") that mean the article resumes.
const RESUME_RUN: usize = 3;
/// The first good block opens the article only if another good or near-good block
/// follows within this many blocks (an isolated good block in the page header is a blurb).
const BODY_WINDOW: usize = 5;
/// How many blocks above the body are searched for the headline.
const HEADLINE_WINDOW: usize = 30;

/// English function words (jusText-style stoplist, trimmed to the common ~170).
#[rustfmt::skip]
const STOPWORDS: &[&str] = &[
    "a", "about", "above", "according", "across", "after", "again", "against", "ago", "all",
    "along", "also", "although", "am", "among", "an", "and", "another", "any", "are", "aren't",
    "around", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
    "but", "by", "can", "can't", "could", "did", "didn't", "do", "does", "doesn't", "doing",
    "don't", "down", "during", "each", "either", "even", "ever", "every", "few", "for", "from",
    "further", "had", "has", "hasn't", "have", "haven't", "having", "he", "he's", "her", "here",
    "hers", "herself", "him", "himself", "his", "how", "however", "i", "i'm", "if", "in",
    "including", "into", "is", "isn't", "it", "it's", "its", "itself", "just", "least", "less",
    "let", "many", "may", "me", "might", "more", "most", "much", "must", "my", "myself", "neither",
    "no", "nor", "not", "now", "of", "off", "on", "once", "one", "only", "onto", "or", "other",
    "our", "ours", "ourselves", "out", "over", "own", "per", "said", "same", "says", "shall",
    "she", "she's", "should", "since", "so", "some", "still", "such", "than", "that", "that's",
    "the", "their", "theirs", "them", "themselves", "then", "there", "there's", "these", "they",
    "they're", "this", "those", "though", "through", "thus", "to", "too", "toward", "towards",
    "under", "until", "up", "upon", "us", "very", "via", "was", "wasn't", "we", "we're", "well",
    "were", "what", "what's", "when", "where", "whether", "which", "while", "who", "whom", "whose",
    "why", "will", "with", "within", "without", "won't", "would", "yet", "you", "your", "yours",
];

/// The most words a share bar has.
const SHARE_BAR_MAX_WORDS: usize = 12;

/// The most words a line's cue can have and still be one: of the longest whole-line cue,
/// or of a share bar.
const CUE_MAX_WORDS: usize = most_words(
    &[HARD_TAIL_LINES, SOFT_TAIL_LINES, LINE_CUES],
    SHARE_BAR_MAX_WORDS,
);

/// The most space-separated words of any entry of `lists`, and at least `floor`.
const fn most_words(lists: &[&[&str]], floor: usize) -> usize {
    let mut most = floor;
    let mut i = 0;
    while i < lists.len() {
        let mut j = 0;
        while j < lists[i].len() {
            let bytes = lists[i][j].as_bytes();
            let mut words = 1;
            let mut k = 0;
            while k < bytes.len() {
                if bytes[k] == b' ' {
                    words += 1;
                }
                k += 1;
            }
            if words > most {
                most = words;
            }
            j += 1;
        }
        i += 1;
    }
    most
}

/// Whole-line cues that open the furniture after an article: comment sections, tag lists,
/// author boxes, reference lists. Once the body has started, everything from here on is tail.
#[rustfmt::skip]
const HARD_TAIL_LINES: &[&str] = &[
    "comments", "comment", "leave a comment", "leave a reply", "post a comment", "add a comment",
    "join the conversation", "join the discussion", "show comments", "view comments",
    "no comments yet", "no comments", "discussion", "about the author", "about the authors",
    "author", "tags", "tagged", "topics", "filed under", "references", "sources", "footnotes",
    "support us", "support us today", "donate", "share your thoughts", "what do you think",
];
/// Whole-line cues that open a block of other stories. Soft: the article may resume after
/// the block (an inline "Related" box), when a run of good prose follows.
#[rustfmt::skip]
const SOFT_TAIL_LINES: &[&str] = &[
    "related", "related articles", "related stories", "related posts", "related content",
    "related coverage", "related topics", "related reading", "related news", "related links",
    "more on this story", "more on this topic", "more stories", "more news", "more articles",
    "more from", "more like this", "popular", "popular posts", "popular stories",
    "popular articles", "popular now", "most popular", "most read", "most viewed", "most shared",
    "trending", "trending now", "trending stories", "you might also like", "you may also like",
    "you might like", "you may like", "recommended", "recommended for you", "recommended stories",
    "recommended articles", "read next", "what to read next", "up next", "further reading",
    "explore more on these topics", "top stories", "latest news", "latest stories", "latest posts",
    "recent posts", "recent articles", "editor's picks", "editors' picks", "don't miss",
    "in case you missed it", "you may have missed", "sponsored stories", "promoted stories",
    "around the web", "from the web", "see more",
];
/// Prefixes (lowercased, with their colon) that open a tag or category list: hard tail.
#[rustfmt::skip]
const HARD_TAIL_PREFIXES: &[&str] = &[
    "tags:", "tagged:", "tagged with:", "topics:", "filed under:", "posted in:", "categories:",
    "category:",
];
/// Phrases that mark appeals, comment forms and copyright anywhere in a line: hard tail.
#[rustfmt::skip]
const HARD_TAIL_PHRASES: &[&str] = &[
    "all rights reserved", "please consider supporting",
    "support our journalism", "support independent journalism", "support our work",
    "make a contribution", "become a member", "become a supporter", "donate now",
    "your email address will not be published", "leave a reply", "you must be logged in to post",
];
/// Phrases that mark a block of other stories anywhere in a short line: soft tail.
const SOFT_TAIL_PHRASES: &[&str] = &["you might also like", "you may also like"];

/// Whole-line furniture: navigation, account, ad and consent labels. Drop just the line.
#[rustfmt::skip]
const LINE_CUES: &[&str] = &[
    "menu", "main menu", "navigation", "toggle navigation", "open menu", "close menu", "search",
    "close", "home", "subscribe", "subscribe now", "sign in", "sign up", "sign out", "log in",
    "login", "log out", "logout", "register", "my account", "account", "advertisement", "advert",
    "ad", "ads", "sponsored", "sponsored content", "promoted", "newsletter", "newsletters",
    "reply", "report", "like", "loading", "load more", "show more", "view all", "see all",
    "back to top", "previous", "next", "continue reading", "image", "photo", "video", "watch",
    "listen", "live", "breaking", "breaking news", "accept", "accept all", "reject all",
    "cookie settings", "manage preferences", "got it", "welcome back", "skip to content",
    "skip to main content", "contact", "contact us", "about", "about us", "privacy",
    "privacy policy", "cookie policy", "terms", "terms of use", "terms of service",
    "terms conditions", "terms and conditions", "dmca", "sitemap", "faq", "help", "advertise",
    "advertise with us", "listen to this article", "listen to article", "font size", "dark mode",
    "reuse this content", "cancel reply", "lost your password", "forgot your password", "more",
    "less", "edition", "opinion", "analysis", "exclusive",
];
/// Prefixes of link lines and captions: drop just the line. Lowercased raw text.
#[rustfmt::skip]
const LINE_PREFIXES: &[&str] = &[
    "see also", "read more", "read also", "also read", "related:", "more:", "watch:", "listen:",
    "read:", "recommended:", "watch video", "previous article", "next article", "previous post",
    "next post", "share on ", "share via ", "follow us on", "click here", "image caption",
    "image source", "media caption", "image:", "photo:", "picture:", "photograph:", "credit:",
    "source:", "this article was originally published", "this story was originally published",
    "this article first appeared", "this story first appeared", "originally published",
    "sign up for", "sign up to", "subscribe to",
];
/// Phrases that mark a furniture line anywhere in it: consent notices, forms, attribution.
/// Only applied to lines of at most [`CUE_PHRASE_MAX_WORDS`] words, so a long sentence of
/// prose that happens to mention a privacy policy is never dropped.
#[rustfmt::skip]
const LINE_PHRASES: &[&str] = &[
    "we use cookies", "uses cookies", "use of cookies", "accept cookies", "by continuing to use",
    "by continuing to browse", "first appeared on", "appeared first on", "sign up for our",
    "sign up to our", "subscribe to our", "sign in to your account", "lost your password",
    "forgot your password", "required fields are marked", "photograph:",
];
const CUE_PHRASE_MAX_WORDS: usize = 40;
/// Generic words of furniture that prose also uses ("the ministry's newsletter said"):
/// they mark only short lines, of at most [`CUE_WORD_MAX_WORDS`] words.
#[rustfmt::skip]
const LINE_WORDS: &[&str] = &[
    "newsletter", "privacy policy", "cookie policy", "terms of use", "terms of service",
    "getty images", "min read", "minute read", "originally published by", "originally appeared",
];
const CUE_WORD_MAX_WORDS: usize = 12;

/// Words of share bars and social links: a line made only of these is a share bar.
#[rustfmt::skip]
const SOCIAL_WORDS: &[&str] = &[
    "share", "shares", "shared", "tweet", "email", "e-mail", "mail", "print", "copy", "link",
    "url", "facebook", "twitter", "x", "whatsapp", "linkedin", "reddit", "pinterest", "telegram",
    "messenger", "youtube", "instagram", "tiktok", "threads", "bluesky", "mastodon", "flipboard",
    "pocket", "save", "follow", "us", "on", "via", "this", "the", "article", "story", "post",
    "page", "rss", "google", "sms", "gift", "feed",
];

/// Tokens a date or reading-time line is made of.
#[rustfmt::skip]
const DATE_WORDS: &[&str] = &[
    "updated", "update", "last", "published", "posted", "modified", "created", "on", "at", "am",
    "pm", "a", "an", "ago", "hours", "hour", "hrs", "hr", "h", "minutes", "minute", "mins", "min",
    "m", "seconds", "second", "secs", "days", "day", "d", "weeks", "week", "months", "month",
    "years", "year", "just", "now", "gmt", "utc", "bst", "est", "edt", "cst", "cdt", "mst", "mdt",
    "pst", "pdt", "cet", "cest", "eet", "eest", "ist", "jst", "aest", "et", "pt", "ct", "read",
    "reading", "time", "of", "the", "date", "and", "by", "first",
];
/// Tokens that make a date line a date line (not just "at the").
#[rustfmt::skip]
const DATE_STRONG: &[&str] = &[
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    "ago", "yesterday", "today", "read",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Long prose with enough stopwords.
    Good,
    /// Prose-like but not sure: decided by neighbours.
    NearGood,
    /// A short line that ends like a sentence: decided by neighbours.
    ShortSentence,
    /// A short line with no sentence end: heading, headline or furniture.
    Fragment,
    /// Furniture for a reason of its own.
    Bad,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    Sentence,
    Colon,
    Ellipsis,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tail {
    /// A furniture heading ("Comments", "Tags: ..."): ends the article.
    Hard,
    /// An appeal or form phrase inside a longer line: ends the article unless more good
    /// prose follows it than precedes it (then it was a sentence that quoted the phrase).
    Phrase,
    /// A block of other stories ("Related"): the article may resume after it.
    Soft,
}

struct Line<'a> {
    range: Range<usize>,
    text: &'a str,
    bullet: bool,
    md_level: usize,
    words: usize,
    /// Words whose first letter or digit is a letter: each is at least one word of the
    /// line's cue (`cue_text`).
    lettered: usize,
    chars: usize,
    stop_density: f64,
    title_ratio: f64,
    end: End,
    starts_lower: bool,
    starts_quote: bool,
    key: Option<String>,
    tail: Option<Tail>,
    class: Class,
    reason: &'static str,
    menu: bool,
    /// Its text lowercased, whitespace folded (`fold_lower`), once classified.
    lower: String,
}

/// Which `line_key`s stand in two or more files of the corpus.
pub trait SharedLines {
    fn is_shared(&self, key: &str) -> bool;
}

impl SharedLines for HashSet<String> {
    fn is_shared(&self, key: &str) -> bool {
        self.contains(key)
    }
}

/// Classifies every line of `text`. `shared_lines` knows the `line_key`s of lines found in two or more files of the corpus.
pub fn clean(text: &str, shared_lines: &dyn SharedLines) -> Cleaned {
    let mut lines: Vec<Line> = split_lines(text)
        .into_iter()
        .map(|(range, bullet, md_level)| describe(text, range, bullet, md_level))
        .collect();
    if lines.is_empty() {
        return Cleaned::default();
    }

    classify_alone(&mut lines, shared_lines);
    mark_menus(&mut lines);
    cut_tail(&mut lines);
    let body_start = find_body_start(&mut lines);
    let mut kinds = resolve_context(&lines);
    mark_headings(&lines, &mut kinds);
    let headline = pick_headline(&lines, body_start);
    if let Some(h) = headline {
        kinds[h] = (BlockKind::Heading, "headline");
        // A prose line between the headline and the body is the standfirst (dek).
        for i in h + 1..body_start {
            let l = &lines[i];
            if matches!(l.class, Class::NearGood | Class::ShortSentence)
                && l.words >= 6
                && !l.starts_lower
                && !l.bullet
            {
                kinds[i] = (BlockKind::Body, "dek");
            }
        }
    }

    Cleaned {
        blocks: lines
            .iter()
            .zip(kinds)
            .map(|(l, (kind, reason))| Block::new(l.range.clone(), kind, reason))
            .collect(),
        headline: headline.map(|h| lines[h].range.clone()),
    }
}

/// The key under which a line is counted for cross-file repetition: lowercased, whitespace folded,
/// list markers stripped; None for lines too long or too sentence-like to be furniture (a real
/// sentence shared by two articles, e.g. syndicated wire copy, must never be dropped for that).
pub fn line_key(line: &str) -> Option<String> {
    let (content, _, _) = strip_markers(line.trim());
    let content = content.trim();
    // Counted no further than the limits: most lines are long prose. A character is at most
    // four bytes, and characters are counted faster than words.
    if content.len() > 4 * KEY_MAX_CHARS || content.chars().nth(KEY_MAX_CHARS).is_some() {
        return None;
    }
    let first = content.chars().next()?;
    // A quotation or a line that continues a sentence is prose, whatever its length.
    if is_quote_char(first) || first.is_lowercase() {
        return None;
    }
    // The words are counted and the key written in one pass, stopped at the word limit.
    let mut words = 0;
    let mut lowercase_words = 0;
    let mut key = String::with_capacity(content.len());
    for w in content.split_whitespace() {
        words += 1;
        if words > KEY_MAX_WORDS {
            return None;
        }
        if w.chars().next().is_some_and(char::is_lowercase) {
            lowercase_words += 1;
        }
        if !key.is_empty() {
            key.push(' ');
        }
        if w.is_ascii() {
            let start = key.len();
            key.push_str(w);
            key[start..].make_ascii_lowercase();
        } else {
            key.extend(w.chars().flat_map(char::to_lowercase));
        }
    }
    // A sentence: punctuated, with running lowercase words (a Title Case "All Rights
    // Reserved." line is a label, not a sentence).
    if words >= 4 && lowercase_words >= 2 && matches!(line_end(content), End::Sentence | End::Colon)
    {
        return None;
    }
    Some(key)
}

/// Splits into non-blank lines: (content range, had list marker, Markdown heading level).
fn split_lines(text: &str) -> Vec<(Range<usize>, bool, usize)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let trimmed = raw.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        let lead = raw.len() - trimmed.len();
        let trimmed = trimmed.trim_end();
        if trimmed.is_empty() {
            continue;
        }
        let (content, bullet, md_level) = strip_markers(trimmed);
        let content_trim = content.trim();
        let (content_start, content, bullet, md_level) = if content_trim.is_empty() {
            // A line that is only a marker ("-", "##") keeps its marker so it is not empty.
            (start + lead, trimmed, false, 0)
        } else {
            let skip = trimmed.len() - content.len() + (content.len() - content.trim_start().len());
            (start + lead + skip, content_trim, bullet, md_level)
        };
        out.push((
            content_start..content_start + content.len(),
            bullet,
            md_level,
        ));
    }
    out
}

/// Strips Markdown heading hashes, list markers and a blockquote marker from a trimmed line.
/// Returns the rest (a suffix of the input), whether a list marker was found, heading level.
fn strip_markers(line: &str) -> (&str, bool, usize) {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    if (1..=6).contains(&hashes) {
        let rest = &line[hashes..];
        if rest.starts_with(' ') || rest.starts_with('\t') {
            return (rest.trim_start(), false, hashes);
        }
    }
    let mut rest = line;
    if let Some(r) = rest.strip_prefix("> ") {
        rest = r.trim_start();
    }
    for marker in [
        "- ", "* ", "+ ", "• ", "– ", "— ", "· ", "▪ ", "◦ ", "► ", "‣ ",
    ] {
        if let Some(r) = rest.strip_prefix(marker) {
            return (r.trim_start(), true, 0);
        }
    }
    // Numbered list items: "1. ", "12) ".
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=3).contains(&digits) {
        let after = &rest[digits..];
        if let Some(r) = after
            .strip_prefix(". ")
            .or_else(|| after.strip_prefix(") "))
        {
            return (r.trim_start(), true, 0);
        }
    }
    (rest, false, 0)
}

fn describe(text: &str, range: Range<usize>, bullet: bool, md_level: usize) -> Line<'_> {
    // Markdown emphasis around a line ("*By Jane Doe*", "**Related:**") is not content.
    let t = text[range.clone()].trim_matches(|c: char| c == '*' || c == '_' || c.is_whitespace());
    let t = if t.is_empty() {
        &text[range.clone()]
    } else {
        t
    };
    let mut words = 0;
    let mut lettered = 0;
    let mut stops = 0;
    let mut title_total = 0;
    let mut title_caps = 0;
    for token in t.split_whitespace() {
        let Some((is_stop, first_alpha)) = token_facts(token) else {
            continue;
        };
        words += 1;
        if is_stop {
            stops += 1;
        }
        if let Some(c) = first_alpha.filter(|c| c.is_alphabetic()) {
            lettered += 1;
            if !is_stop {
                title_total += 1;
                if c.is_uppercase() {
                    title_caps += 1;
                }
            }
        }
    }
    let first = t.chars().next();
    Line {
        range,
        text: t,
        bullet,
        md_level,
        words,
        lettered,
        chars: t.chars().count(),
        stop_density: if words == 0 {
            0.0
        } else {
            stops as f64 / words as f64
        },
        title_ratio: if title_total == 0 {
            0.0
        } else {
            title_caps as f64 / title_total as f64
        },
        end: line_end(t),
        starts_lower: first.is_some_and(char::is_lowercase),
        starts_quote: first.is_some_and(is_quote_char),
        key: line_key(t),
        tail: None,
        class: Class::Fragment,
        reason: "",
        menu: false,
        lower: String::new(),
    }
}

/// What `describe` counts of one whitespace-separated token: whether its word
/// (`normalize_token`) is a stopword, and the token's first letter or digit; None when the
/// word is empty.
fn token_facts(token: &str) -> Option<(bool, Option<char>)> {
    let bytes = token.as_bytes();
    if bytes.is_ascii() {
        // The word is the token trimmed to its letters and digits, so its first byte is
        // the token's first letter or digit. It is lowercased only to be looked up, and
        // only when it is short enough to be a stopword.
        let start = bytes.iter().position(u8::is_ascii_alphanumeric)?;
        let end = bytes.iter().rposition(u8::is_ascii_alphanumeric)? + 1;
        let is_stop = is_stopword_in_any_case(&bytes[start..end]);
        return Some((is_stop, Some(char::from(bytes[start]))));
    }
    let w = normalize_token(token);
    if w.is_empty() {
        return None;
    }
    Some((is_stopword(&w), token.chars().find(|c| c.is_alphanumeric())))
}

/// Whether `word`, lowercased, is a stopword.
fn is_stopword_in_any_case(word: &[u8]) -> bool {
    static KEYS: OnceLock<WordKeys> = OnceLock::new();
    KEYS.get_or_init(|| WordKeys::of(STOPWORDS))
        .contains_any_case(word)
}

/// Whether `word` is a stopword as written: the stopwords are lowercase ASCII.
fn is_stopword(word: &str) -> bool {
    word.is_ascii()
        && !word.bytes().any(|b| b.is_ascii_uppercase())
        && is_stopword_in_any_case(word.as_bytes())
}

/// Lowercase, curly apostrophes folded, surrounding punctuation trimmed.
fn normalize_token(token: &str) -> Cow<'_, str> {
    if token.is_ascii() {
        // Most words: no Unicode case tables, no apostrophes to fold, and most are in
        // lowercase already (every line's words pass through here).
        let word = token.trim_matches(|c: char| !c.is_ascii_alphanumeric());
        return if word.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(word.to_ascii_lowercase())
        } else {
            Cow::Borrowed(word)
        };
    }
    let mut lower = String::new();
    fold_word(&mut lower, token);
    Cow::Owned(
        lower
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_string(),
    )
}

/// `word` lowercased onto `out` character by character, curly apostrophes made straight.
fn fold_word(out: &mut String, word: &str) {
    for c in word.chars() {
        fold_char(out, c);
    }
}

/// `c` lowercased onto `out`, a curly apostrophe made straight.
fn fold_char(out: &mut String, c: char) {
    match c {
        '’' | '‘' => out.push('\''),
        c => out.extend(c.to_lowercase()),
    }
}

fn is_quote_char(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '‘' | '’' | '\'' | '«' | '„' | '‚')
}

/// How a line ends, looking through closing quotes, brackets and emphasis.
fn line_end(t: &str) -> End {
    let core = t.trim_end_matches(|c: char| {
        is_quote_char(c) || matches!(c, ')' | ']' | '»' | '*' | '_' | ' ')
    });
    if core.ends_with('…') || core.ends_with("...") {
        End::Ellipsis
    } else if core.ends_with(['.', '!', '?']) {
        End::Sentence
    } else if core.ends_with(':') {
        End::Colon
    } else {
        End::Other
    }
}

/// Lowercase with every run of whitespace (non-breaking spaces included, which scraped
/// pages are full of) folded to one space and curly apostrophes made straight.
fn fold_lower(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    let mut in_word = false;
    // A word starts after a space, unless nothing is written yet (a word of only '*'s
    // writes nothing, and the next word's space still follows it).
    let start_word = |out: &mut String, in_word: &mut bool| {
        if !*in_word && !out.is_empty() {
            out.push(' ');
        }
        *in_word = true;
    };
    let mut i = 0;
    while let Some(&b) = t.as_bytes().get(i) {
        // Most text is ASCII: a byte at a time, without decoding.
        if b.is_ascii() {
            i += 1;
            // ASCII whitespace as `char::is_whitespace` has it (vertical tab included).
            if matches!(b, b'\t'..=b'\r' | b' ') {
                in_word = false;
                continue;
            }
            start_word(&mut out, &mut in_word);
            if b != b'*' {
                out.push(char::from(b.to_ascii_lowercase()));
            }
            continue;
        }
        let Some(c) = t[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
        if c.is_whitespace() {
            in_word = false;
            continue;
        }
        start_word(&mut out, &mut in_word);
        fold_char(&mut out, c);
    }
    out
}

/// The line's words for cue matching: lowercase, punctuation as spaces, numbers dropped
/// ("3 Comments" is "comments").
fn cue_text(t: &str) -> String {
    let mut out = String::new();
    for token in t
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .filter(|w| !w.is_empty())
    {
        let w = normalize_token(token);
        if w.is_empty() || w.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&w);
    }
    out
}

/// First pass: each line on its own features.
fn classify_alone(lines: &mut [Line], shared: &dyn SharedLines) {
    let mut key_counts: HashMap<&str, usize> = HashMap::new();
    for l in lines.iter() {
        if let Some(k) = &l.key {
            *key_counts.entry(k.as_str()).or_default() += 1;
        }
    }
    let repeated: HashSet<String> = key_counts
        .into_iter()
        .filter(|&(_, n)| n >= 2)
        .map(|(k, _)| k.to_string())
        .collect();

    for l in lines.iter_mut() {
        l.lower = fold_lower(l.text);
        let lower = l.lower.as_str();
        // A line with more lettered words than any cue has is none: its cue is not made.
        let cue = if l.lettered > CUE_MAX_WORDS {
            String::new()
        } else {
            cue_text(l.text)
        };
        l.tail = tail_cue(l, lower, &cue);
        let bad = if l.words == 0 {
            // Rules ("---"), emoji, lone symbols.
            Some("no words")
        } else if l.tail.is_some() {
            Some("tail marker")
        } else if has_link_word(lower) && link_density(l.text) > 0.5 {
            Some("links")
        } else if is_line_cue(l, lower, &cue) {
            Some("furniture cue")
        } else if is_share_bar(&cue) {
            Some("share bar")
        } else if lower.contains('©') || (lower.starts_with("copyright") && has_year(lower)) {
            Some("copyright")
        } else if is_date_line(lower) {
            Some("date")
        } else if is_breadcrumb(l.text) {
            Some("breadcrumb")
        } else if is_byline(l, lower) {
            Some("byline")
        } else if l.end == End::Ellipsis && !l.starts_quote {
            Some("teaser")
        } else if l.key.as_ref().is_some_and(|k| shared.is_shared(k)) {
            Some("shared")
        } else if l.key.as_ref().is_some_and(|k| repeated.contains(k)) {
            Some("repeated")
        } else {
            None
        };
        if let Some(reason) = bad {
            l.class = Class::Bad;
            l.reason = reason;
            continue;
        }
        (l.class, l.reason) = prose_class(l);
    }

    // Hard-wrapped prose (wire copy at 72 columns): a line whose sentence runs on into a
    // lowercase next line is prose, not a heading.
    for i in 1..lines.len() {
        let (before, after) = lines.split_at_mut(i);
        let (prev, next) = (&mut before[i - 1], &after[0]);
        if prev.class == Class::Fragment
            && prev.end == End::Other
            && prev.words >= 5
            && prev.md_level == 0
            && next.starts_lower
            && !next.bullet
        {
            prev.class = Class::ShortSentence;
            prev.reason = "wrapped line";
        }
    }
}

fn prose_class(l: &Line) -> (Class, &'static str) {
    let long = l.words >= LONG_WORDS && l.chars >= LONG_CHARS;
    let sentence = matches!(l.end, End::Sentence | End::Colon);
    if sentence {
        if long {
            if l.stop_density >= STOP_GOOD {
                (Class::Good, "stopwords")
            } else if l.stop_density >= STOP_NEAR {
                (Class::NearGood, "near good")
            } else {
                (Class::Bad, "few stopwords")
            }
        } else if l.words >= 3 || l.starts_quote {
            (Class::ShortSentence, "short sentence")
        } else {
            (Class::Fragment, "short")
        }
    } else if l.words > FRAGMENT_MAX_WORDS || l.chars > 160 {
        if l.stop_density >= STOP_GOOD {
            (Class::NearGood, "unpunctuated prose")
        } else {
            (Class::Bad, "few stopwords")
        }
    } else if l.starts_lower
        || l.starts_quote
        || (l.words >= 8 && l.stop_density >= 0.4 && l.title_ratio < 0.5)
    {
        // Sentence-case text rich in function words: prose without its full stop.
        (Class::ShortSentence, "unpunctuated sentence")
    } else if l.bullet && l.md_level == 0 {
        // A short list item inside prose is part of it; in a menu, mark_menus catches it.
        (Class::ShortSentence, "list item")
    } else {
        (Class::Fragment, "short")
    }
}

/// A phrase list, searched in one pass over a line rather than a pass per phrase.
struct PhraseList {
    list: &'static [&'static str],
    search: OnceLock<aho_corasick::AhoCorasick>,
}

impl PhraseList {
    const fn new(list: &'static [&'static str]) -> PhraseList {
        PhraseList {
            list,
            search: OnceLock::new(),
        }
    }

    /// Whether `lower` holds any of the phrases.
    fn in_line(&self, lower: &str) -> bool {
        self.search
            .get_or_init(|| {
                aho_corasick::AhoCorasick::new(self.list).expect("a short list of short phrases")
            })
            .is_match(lower)
    }
}

static HARD_TAIL_SEARCH: PhraseList = PhraseList::new(HARD_TAIL_PHRASES);
static SOFT_TAIL_SEARCH: PhraseList = PhraseList::new(SOFT_TAIL_PHRASES);
static LINE_PHRASE_SEARCH: PhraseList = PhraseList::new(LINE_PHRASES);
static LINE_WORD_SEARCH: PhraseList = PhraseList::new(LINE_WORDS);

fn tail_cue(l: &Line, lower: &str, cue: &str) -> Option<Tail> {
    if HARD_TAIL_LINES.contains(&cue) || HARD_TAIL_PREFIXES.iter().any(|p| lower.starts_with(p)) {
        return Some(Tail::Hard);
    }
    if HARD_TAIL_SEARCH.in_line(lower) {
        // A short line is the phrase itself. In a long line it may be news prose ("Finland
        // applied to become a member of NATO"): an appeal speaks to the reader.
        if l.words < LONG_WORDS {
            return Some(Tail::Hard);
        }
        let addresses_reader = lower
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| matches!(w, "you" | "your" | "our" | "us" | "we"));
        return addresses_reader.then_some(Tail::Phrase);
    }
    if SOFT_TAIL_LINES.contains(&cue) || (l.words <= 12 && SOFT_TAIL_SEARCH.in_line(lower)) {
        return Some(Tail::Soft);
    }
    None
}

fn is_line_cue(l: &Line, lower: &str, cue: &str) -> bool {
    LINE_CUES.contains(&cue)
        || LINE_PREFIXES.iter().any(|p| lower.starts_with(p))
        || (l.words <= CUE_PHRASE_MAX_WORDS && LINE_PHRASE_SEARCH.in_line(lower))
        || (l.words <= CUE_WORD_MAX_WORDS && LINE_WORD_SEARCH.in_line(lower))
}

fn is_share_bar(cue: &str) -> bool {
    let mut n = 0;
    for w in cue.split(' ') {
        if w.is_empty() {
            continue;
        }
        if !SOCIAL_WORDS.contains(&w) {
            return false;
        }
        n += 1;
    }
    // One word ("Share", "Email") or a row of them; "the story" alone would be odd prose.
    (1..=SHARE_BAR_MAX_WORDS).contains(&n)
        && cue
            .split(' ')
            .any(|w| !matches!(w, "on" | "the" | "this" | "us" | "via"))
}

/// Whether a line, lowercased, has a word a link needs ("http" or "www."): most lines
/// have none, and their tokens need not be looked at one by one.
fn has_link_word(lower: &str) -> bool {
    lower.contains("http") || lower.contains("www.")
}

/// Share of the line's chars that are URLs or Markdown link text.
fn link_density(t: &str) -> f64 {
    let mut linked = 0;
    // Without a copy in lowercase of every token of every line: a prefix compared in ASCII
    // without case.
    let starts = |s: &str, prefix: &str| {
        s.as_bytes()
            .get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(prefix.as_bytes()))
    };
    for token in t.split_whitespace() {
        let trimmed = token.trim_start_matches(|c: char| !c.is_alphanumeric());
        // Few tokens hold a link: a searcher for "](" is only made for those with a ']'.
        if starts(trimmed, "http://")
            || starts(trimmed, "https://")
            || starts(trimmed, "www.")
            || (token.as_bytes().contains(&b']')
                && token
                    .match_indices("](")
                    .any(|(i, _)| starts(&token[i + 2..], "http")))
        {
            linked += token.chars().count() + 1;
        }
    }
    if linked == 0 {
        // Most lines: not counted.
        return 0.0;
    }
    (linked as f64 / t.chars().count() as f64).min(1.0)
}

fn has_year(lower: &str) -> bool {
    lower
        .split(|c: char| !c.is_ascii_digit())
        .any(|t| t.len() == 4 && (t.starts_with("19") || t.starts_with("20")))
}

fn is_date_line(lower: &str) -> bool {
    let mut n = 0;
    let mut strong = false;
    for tok in lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
    {
        n += 1;
        if n > 14 {
            return false;
        }
        if tok.chars().all(|c| c.is_ascii_digit()) {
            if tok.len() == 4 && (tok.starts_with("19") || tok.starts_with("20")) {
                strong = true;
            }
            continue;
        }
        let digits = tok.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 {
            // "19th", "5pm", "10h", "3min"
            let suffix = &tok[digits..];
            if matches!(
                suffix,
                "st" | "nd" | "rd" | "th" | "am" | "pm" | "h" | "m" | "min" | "mins" | "d"
            ) {
                continue;
            }
            return false;
        }
        if DATE_STRONG.contains(&tok) {
            strong = true;
        } else if !DATE_WORDS.contains(&tok) {
            return false;
        }
    }
    n > 0 && strong
}

/// The words that separate a breadcrumb's steps.
const BREADCRUMB_SEPARATORS: &[&str] = &[">", "»", "›", "/", "→", "|", ">>"];

/// Which bytes a separator ends in.
const SEPARATOR_ENDS: [bool; 256] = {
    let mut ends = [false; 256];
    let mut i = 0;
    while i < BREADCRUMB_SEPARATORS.len() {
        let bytes = BREADCRUMB_SEPARATORS[i].as_bytes();
        ends[bytes[bytes.len() - 1] as usize] = true;
        i += 1;
    }
    ends
};

/// "Home > News > World": two or more path separators.
fn is_breadcrumb(t: &str) -> bool {
    // Most lines hold no byte a separator ends in, and need not be split into words.
    if !t.bytes().any(|b| SEPARATOR_ENDS[usize::from(b)]) {
        return false;
    }
    let seps = t
        .split_whitespace()
        .filter(|w| BREADCRUMB_SEPARATORS.contains(w))
        .count();
    seps >= 2 && line_end(t) != End::Sentence
}

/// "By Jane Doe", "Written by Jane Doe, Reuters", "Author: Jane Doe".
fn is_byline(l: &Line, lower: &str) -> bool {
    let prefix = [
        "by ",
        "written by ",
        "posted by ",
        "words by ",
        "author: ",
        "reporting by ",
    ]
    .into_iter()
    .find(|p| lower.starts_with(p));
    let Some(prefix) = prefix else {
        return false;
    };
    if l.words > 9 || (l.end == End::Sentence && l.words > 5) {
        return false;
    }
    // The name after "by" is capitalised in the original. Skip the prefix by words: the
    // folded text's byte offsets are not the original's.
    let names: Vec<&str> = l
        .text
        .split_whitespace()
        .skip(prefix.split_whitespace().count())
        .collect();
    let caps = names
        .iter()
        .filter(|w| w.chars().next().is_some_and(|c| c.is_uppercase()))
        .count();
    !names.is_empty() && caps * 2 >= names.len()
}

/// Runs of short menu-like lines: navigation, category and footer link lists.
fn mark_menus(lines: &mut [Line]) {
    let menuish = |l: &Line| -> bool {
        if l.md_level > 0 || matches!(l.end, End::Sentence | End::Ellipsis) || l.chars > 40 {
            return false;
        }
        if l.class == Class::Bad
            && !matches!(
                l.reason,
                "furniture cue" | "share bar" | "repeated" | "shared" | "no words"
            )
        {
            return false;
        }
        if l.bullet {
            l.words <= MENU_BULLET_WORDS
        } else {
            l.words <= MENU_WORDS && !l.starts_lower
        }
    };
    let flags: Vec<bool> = lines.iter().map(menuish).collect();
    let mut i = 0;
    while i < lines.len() {
        if !flags[i] {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < lines.len() && flags[j] {
            j += 1;
        }
        if j - i >= MENU_RUN {
            for l in &mut lines[i..j] {
                l.menu = true;
                if l.class != Class::Bad {
                    l.class = Class::Bad;
                    l.reason = "menu run";
                }
            }
        }
        i = j;
    }
}

/// After the body has started, a hard tail marker makes the rest of the file furniture;
/// a soft one does too unless a run of good prose shows the article resuming.
fn cut_tail(lines: &mut [Line]) {
    // good_after[i]: good blocks after block i.
    let mut good_after = vec![0; lines.len()];
    for i in (0..lines.len().saturating_sub(1)).rev() {
        good_after[i] = good_after[i + 1] + usize::from(lines[i + 1].class == Class::Good);
    }
    let mut good_blocks = 0;
    let mut good_chars = 0;
    let mut i = 0;
    while i < lines.len() {
        let started = good_blocks >= BODY_STARTED_BLOCKS || good_chars >= BODY_STARTED_CHARS;
        match lines[i].tail {
            Some(Tail::Phrase) if started && good_after[i] > good_blocks => {
                // More article after the phrase than before: it was a sentence, not an appeal.
                let l = &mut lines[i];
                l.tail = None;
                (l.class, l.reason) = prose_class(l);
                if l.class == Class::Good {
                    good_blocks += 1;
                    good_chars += l.chars;
                }
                i += 1;
            }
            Some(kind) if started => {
                let resume = match kind {
                    Tail::Hard | Tail::Phrase => None,
                    Tail::Soft => find_resumption(lines, i + 1),
                };
                let end = resume.unwrap_or(lines.len());
                for l in &mut lines[i..end] {
                    l.class = Class::Bad;
                    l.reason = if resume.is_some() {
                        "related block"
                    } else {
                        "tail"
                    };
                }
                i = end;
            }
            _ => {
                if lines[i].class == Class::Good {
                    good_blocks += 1;
                    good_chars += lines[i].chars;
                }
                i += 1;
            }
        }
    }
}

/// The first index from `from` opening [`RESUME_RUN`] good blocks in a row, unless a hard
/// tail marker comes first.
fn find_resumption(lines: &[Line], from: usize) -> Option<usize> {
    let mut run = 0;
    for (i, l) in lines.iter().enumerate().skip(from) {
        if matches!(l.tail, Some(Tail::Hard | Tail::Phrase)) {
            return None;
        }
        if l.class == Class::Good {
            run += 1;
            if run == RESUME_RUN {
                return Some(i + 1 - RESUME_RUN);
            }
        } else {
            run = 0;
        }
    }
    None
}

/// The first good block that has more prose after it; good blocks before it are page
/// blurbs (site descriptions, promos) and become furniture.
fn find_body_start(lines: &mut [Line]) -> usize {
    let goods: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].class == Class::Good)
        .collect();
    let start = goods
        .iter()
        .copied()
        .find(|&i| {
            goods.len() == 1
                || lines[i + 1..lines.len().min(i + 1 + BODY_WINDOW)]
                    .iter()
                    .any(|l| matches!(l.class, Class::Good | Class::NearGood))
        })
        .unwrap_or(lines.len());
    for l in &mut lines[..start] {
        if l.class == Class::Good {
            l.class = Class::Bad;
            l.reason = "isolated";
        }
    }
    start
}

/// Uncertain blocks (near-good, short sentences) become body when a good block is their
/// nearest confident neighbour on either side (fragments are looked through: a heading
/// between two paragraphs does not cut them apart), furniture when only furniture is.
fn resolve_context(lines: &[Line]) -> Vec<(BlockKind, &'static str)> {
    let confident = |l: &Line| match l.class {
        Class::Good => Some(true),
        Class::Bad => Some(false),
        _ => None,
    };
    let n = lines.len();
    // Nearest confident neighbour on each side, computed in two sweeps.
    let mut prev: Vec<Option<bool>> = Vec::with_capacity(n);
    let mut last = None;
    for l in lines {
        prev.push(last);
        last = confident(l).or(last);
    }
    let mut next: Vec<Option<bool>> = Vec::with_capacity(n);
    last = None;
    for l in lines.iter().rev() {
        next.push(last);
        last = confident(l).or(last);
    }
    next.reverse();
    (0..n)
        .map(|i| {
            let l = &lines[i];
            match l.class {
                Class::Good => (BlockKind::Body, l.reason),
                Class::Bad => (BlockKind::Boilerplate, l.reason),
                // Decided by mark_headings.
                Class::Fragment => (BlockKind::Boilerplate, l.reason),
                Class::NearGood | Class::ShortSentence => match (prev[i], next[i]) {
                    (Some(true), _) | (_, Some(true)) | (None, None) => {
                        (BlockKind::Body, "context")
                    }
                    _ => (BlockKind::Boilerplate, "context"),
                },
            }
        })
        .collect()
}

/// Fragments followed (through at most two more fragments) by article prose are headings;
/// Markdown headings are headings unless a cue made them furniture.
fn mark_headings(lines: &[Line], kinds: &mut [(BlockKind, &'static str)]) {
    for i in (0..lines.len()).rev() {
        let l = &lines[i];
        if l.class != Class::Fragment {
            continue;
        }
        if l.md_level > 0 {
            kinds[i] = (BlockKind::Heading, "markdown heading");
            continue;
        }
        let mut j = i + 1;
        let mut skipped = 0;
        while j < lines.len() && lines[j].class == Class::Fragment && skipped < 2 {
            j += 1;
            skipped += 1;
        }
        if j < lines.len() && kinds[j].0 == BlockKind::Body {
            kinds[i] = (BlockKind::Heading, "heading");
        }
    }
}

/// The headline: a title-like line before the article body, after the site's menus.
/// Preferred: a Markdown `# ` title; a line whose text recurs in the page (breadcrumb,
/// share text, attribution); a line of headline length. Ties go to the earliest.
fn pick_headline(lines: &[Line], body_start: usize) -> Option<usize> {
    let head = &lines[..body_start.min(lines.len())];
    let has_h1 = head.iter().any(|h| h.md_level == 1);
    // A headline sits close above the body; the window also bounds the work on huge inputs.
    let first = head.len().saturating_sub(HEADLINE_WINDOW);
    let candidates: Vec<usize> = (first..head.len())
        .filter(|&i| {
            let l = &head[i];
            let class_ok = match l.class {
                Class::Fragment => true,
                // Sentence-case headlines read like sentences without a full stop.
                Class::ShortSentence => l.end == End::Other && !l.bullet,
                Class::Bad => matches!(l.reason, "repeated" | "shared"),
                _ => false,
            };
            class_ok
                && !l.menu
                && !l.bullet
                && (l.md_level <= 1 || !has_h1)
                && (l.words >= 3 || l.md_level > 0)
                && !l.starts_lower
                && (l.end != End::Sentence || l.text.trim_end().ends_with(['?', '!']))
                // A title followed by a truncated teaser links to another story.
                && lines.get(i + 1).is_none_or(|n| n.reason != "teaser")
        })
        .collect();
    // Site names and taglines come before the navigation: only titles after the last menu
    // that still has a title below it count (share bars under the headline are menus too).
    let last = candidates.last().copied()?;
    let after_menu = head[..last]
        .iter()
        .rposition(|l| l.menu)
        .map_or(0, |m| m + 1);
    // Where the headline's text recurs: breadcrumb, share text, attribution, all in the page
    // head; bounded so a huge page without a body stays linear.
    let near =
        first.saturating_sub(HEADLINE_WINDOW)..(body_start + HEADLINE_WINDOW).min(lines.len());
    let mut best: Option<(usize, usize)> = None;
    for &i in candidates.iter().filter(|&&i| i >= after_menu) {
        let l = &head[i];
        let recurs = near
            .clone()
            .any(|j| j != i && lines[j].lower.contains(l.lower.as_str()));
        let score = usize::from(l.md_level == 1) * 4
            + usize::from(recurs) * 2
            + usize::from(l.words >= 6 && l.words <= FRAGMENT_MAX_WORDS);
        if best.is_none_or(|(_, s)| score > s) {
            best = Some((i, score));
        }
    }
    best.map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `line_key` as it was: a pass over the words for each of its questions.
    fn line_key_before(line: &str) -> Option<String> {
        let (content, _, _) = strip_markers(line.trim());
        let content = content.trim();
        if content.is_empty()
            || content.split_whitespace().nth(KEY_MAX_WORDS).is_some()
            || content.chars().nth(KEY_MAX_CHARS).is_some()
        {
            return None;
        }
        let words = content.split_whitespace().count();
        let first = content.chars().next()?;
        if is_quote_char(first) || first.is_lowercase() {
            return None;
        }
        let lowercase_words = content
            .split_whitespace()
            .filter(|w| w.chars().next().is_some_and(char::is_lowercase))
            .count();
        if words >= 4
            && lowercase_words >= 2
            && matches!(line_end(content), End::Sentence | End::Colon)
        {
            return None;
        }
        let key: Vec<String> = content
            .split_whitespace()
            .map(|w| w.chars().flat_map(char::to_lowercase).collect())
            .collect();
        Some(key.join(" "))
    }

    proptest! {
        /// One pass over the words gives the keys the passes before gave.
        #[test]
        fn line_key_is_what_it_was(
            line in prop_oneof![
                "(\\s|[a-zA-Z.:?!\"“”‘’'©#*•-]|é|É|İ|ß|\u{a0}|All|Rights|Reserved|the|and|1\\. ){0,40}",
                // Around the word limit.
                prop::collection::vec("[A-Z][a-zé]{0,6}|the|and|of", 10..18)
                    .prop_map(|w| w.join(" ")),
            ]
        ) {
            prop_assert_eq!(line_key(&line), line_key_before(&line));
        }

        /// A word is a stopword exactly when the list holds it as written.
        #[test]
        fn stopwords_are_the_list(
            word in "[a-zA-Z']{0,12}|(the|an|aren't|THE|don't|Don't|a|i|abouts)\u{0}?"
        ) {
            prop_assert_eq!(is_stopword(&word), STOPWORDS.contains(&word.as_str()));
        }

        /// A token's facts are those of its normalised word, as `describe` read them before
        /// it looked stopwords up as packed keys.
        #[test]
        fn token_facts_are_the_normalised_words(
            token in "([a-zA-Z'’.,;:!?()\"*_-]|é|É|ß|İ|K|ſ|1|2){1,14}|(The|AND|Don't|AREN'T|it’s|\"Whatever)[.,]?"
        ) {
            let w = normalize_token(&token);
            let want = (!w.is_empty()).then(|| {
                (is_stopword(&w), token.chars().find(|c| c.is_alphanumeric()))
            });
            prop_assert_eq!(token_facts(&token), want);
        }

        /// The ASCII shortcuts give what the character-by-character folding gives.
        #[test]
        fn link_density_reads_links_in_any_case_as_a_lowercase_copy_did(
            t in "(HTTPS?://|https?://|[Ww]{3}\\.|\\]\\(|[Hh]ttp|[a-zA-Z.:/()\\[\\] ]|é){0,30}"
        ) {
            // What it did before it compared without a copy.
            let mut linked = 0;
            for token in t.split_whitespace() {
                let lower = token.to_ascii_lowercase();
                let trimmed = lower.trim_start_matches(|c: char| !c.is_alphanumeric());
                if trimmed.starts_with("http://")
                    || trimmed.starts_with("https://")
                    || trimmed.starts_with("www.")
                    || lower.contains("](http")
                {
                    linked += token.chars().count() + 1;
                }
            }
            let total = t.chars().count();
            let expected = if total == 0 { 0.0 } else { (linked as f64 / total as f64).min(1.0) };
            prop_assert_eq!(link_density(&t), expected);
            // The shortcut for lines without links misses none.
            if expected > 0.0 {
                prop_assert!(has_link_word(&fold_lower(&t)));
            }
        }

        #[test]
        fn ascii_shortcuts_fold_as_the_general_way(t in "[ -~’‘\u{a0}\u{c9}\u{e9}\u{130}*]{0,40}") {
            let mut general = String::new();
            for w in t.split_whitespace() {
                if !general.is_empty() {
                    general.push(' ');
                }
                fold_word(&mut general, &w.replace('*', ""));
            }
            prop_assert_eq!(fold_lower(&t), general);
            for token in t.split_whitespace() {
                let mut lower = String::new();
                fold_word(&mut lower, token);
                let general = lower.trim_matches(|c: char| !c.is_alphanumeric()).to_string();
                prop_assert_eq!(normalize_token(token), general);
            }
        }

        /// The copy in one go, for a plain ASCII line, folds as word by word does.
        #[test]
        fn a_plain_line_folds_as_word_by_word(t in "[A-Za-z0-9.,'-]{1,8}( [A-Za-z0-9.,'-]{1,8}){0,8}") {
            let words: Vec<String> = t.split(' ').map(str::to_ascii_lowercase).collect();
            prop_assert_eq!(fold_lower(&t), words.join(" "));
        }

        /// A cue has at least a word for each of the line's lettered words, so a line with
        /// more of them than `CUE_MAX_WORDS` can skip making its cue.
        #[test]
        fn each_lettered_word_is_a_word_of_the_cue(t in "([A-Za-z\u{e9}\u{130}0-9]{1,5}|[ .,:’'/#@-]){1,30}") {
            let l = describe(&t, 0..t.len(), false, 0);
            let cue = cue_text(l.text);
            let cue_words = if cue.is_empty() { 0 } else { cue.split(' ').count() };
            prop_assert!(cue_words >= l.lettered, "{:?}: {} lettered, cue {:?}", t, l.lettered, cue);
        }
    }

    #[test]
    fn a_phrase_list_finds_each_of_its_phrases_anywhere_in_a_line() {
        for (search, list) in [
            (&HARD_TAIL_SEARCH, HARD_TAIL_PHRASES),
            (&SOFT_TAIL_SEARCH, SOFT_TAIL_PHRASES),
            (&LINE_PHRASE_SEARCH, LINE_PHRASES),
            (&LINE_WORD_SEARCH, LINE_WORDS),
        ] {
            for p in list {
                assert!(search.in_line(p), "{p}");
                assert!(search.in_line(&format!("before {p}, after")), "{p}");
                // Cut short by one character, it is not found (unless another phrase is).
                let mut cut = p.chars();
                cut.next_back();
                let cut = cut.as_str();
                assert_eq!(
                    search.in_line(cut),
                    list.iter().any(|q| cut.contains(q)),
                    "{cut}"
                );
            }
        }
    }

    #[test]
    fn no_cue_is_empty_and_the_longest_fits_the_bound() {
        for list in [HARD_TAIL_LINES, SOFT_TAIL_LINES, LINE_CUES] {
            for cue in list {
                assert!(!cue.is_empty());
                assert!(cue.split(' ').count() <= CUE_MAX_WORDS, "{cue}");
            }
        }
        // A line of more lettered words than the bound is no cue, nor a share bar.
        let long =
            "Share on Facebook Share on Twitter Share on LinkedIn Share on Reddit Share by Email";
        let l = describe(long, 0..long.len(), false, 0);
        assert!(l.lettered > CUE_MAX_WORDS);
        assert!(!is_share_bar(&cue_text(long)));
    }

    struct Case {
        name: &'static str,
        annotated: &'static str,
    }

    /// Labelled pages: each non-blank line is prefixed with the expected verdict:
    /// `B|` body, `H|` heading, `T|` the headline (a heading), `-|` boilerplate.
    const PAGES: &[Case] = &[
        Case {
            name: "seed 000: three prose paragraphs, no headline",
            annotated: r##"B|President Donald Trump’s recent meeting with NATO Secretary-General Mark Rutte marks a significant shift in U.S. policy toward Russia’s war against Ukraine. The administration is resuming military shipments, including advanced Patriot missile systems, to Ukraine, and will sell sophisticated equipment to NATO allies who will transfer it to Kyiv. This new strategy emphasizes a structured, alliance-driven approach to supporting Ukraine, with a 50-day deadline for peace negotiations and potential economic sanctions against countries buying Russian oil and gas. Trump’s approach aims to leverage NATO for deterrence and shift financial burden, signaling a decisive change in the U.S. stance on the conflict.
B|Trump’s administration has taken several bold steps, including resuming the shipment of Patriot missile systems, which are vital for Ukraine’s air defense against Russian ballistic missiles. Additionally, the president has signaled that the United States is now willing to provide offensive weapons, marking a clear escalation in America’s role in the conflict. This strategy involves selling sophisticated military equipment to NATO allies, who will transfer it to Ukraine, a move intended to streamline delivery and share financial responsibility among allies.
B|The Trump administration has also set a 50-day deadline for a peace deal with Russia, with the possibility of imposing 100% secondary tariffs on countries continuing to purchase Russian oil and gas. This is a calculated move to apply economic pressure on Russia while leveraging NATO for collective security. The administration is emphasizing a coordinated effort with NATO, aiming to bolster Ukraine’s defenses without entangling the U.S. directly in the conflict. This strategic pivot reflects a broader effort to reposition the U.S. as an enabler of allied defense and a provider of strength, while also addressing the financial aspects of sustaining the war effort through the use of frozen Russian assets and existing drawdown authority."##,
        },
        Case {
            name: "seed 001: scraped news site with menus, See also, appeal, Popular Posts",
            annotated: r##"-|Friday, 19 Sep 2025
-|  • Contact
-|  • Privacy Policy
-|  • Terms & Conditions
-|  • DMCA
-|logo logo
-|  • World
-|  • Politics
-|  • Crime
-|  • Economy
-|  • Tech & Science
-|  • Sports
-|  • Entertainment
-|  • More
-|    • Education
-|    • Celebrities
-|    • Culture and Arts
-|    • Environment
-|    • Health and Wellness
-|    • Lifestyle
-|  • 🔥
-|  • Trump
-|  • House
-|  • VIDEO
-|  • ScienceAlert
-|  • White
-|  • Trumps
-|  • Watch
-|  • man
-|  • Health
-|  • Season
-|Font ResizerAa
-|American FocusAmerican Focus
-|Search
-|  • World
-|  • Politics
-|  • Crime
-|  • Economy
-|  • Tech & Science
-|  • Sports
-|  • Entertainment
-|  • More
-|    • Education
-|    • Celebrities
-|    • Culture and Arts
-|    • Environment
-|    • Health and Wellness
-|    • Lifestyle
-|Follow US
-|© 2024 americanfocus.online – All Rights Reserved.
-|American Focus > Blog > Politics > Why Trump Has Changed Tack With Russia and What’s Next
-|Politics

T|Why Trump Has Changed Tack With Russia and What’s Next

-|Last updated: July 12, 2025 12:55 am
-|Share
-|Why Trump Has Changed Tack With Russia and What’s Next
-|SHARE

-|This article was originally published  by The Epoch Times: Why Trump Has Changed Tack With Russia and What’s Next

B|The U.S. president is signaling a shift towards increased military support for Ukraine and fresh sanctions against Russia as talks with Moscow stall.

B|President Donald Trump has taken decisive measures against Russian leadership, as Moscow continues to ignore global appeals for a cease-fire in Ukraine.

B|In a notable change of tone, Trump is advocating for the provision of additional defensive weaponry to Ukraine and has backed a strategy of imposing new sanctions on Russia until it shows a genuine willingness to negotiate.

B|This development comes on the heels of a barrage of Russian attacks against Ukrainian urban areas and a lackluster phone call with Russian President Vladimir Putin that Trump described as unproductive.

B|Putin has repeatedly dismissed the Trump administration’s calls for a cease-fire, claiming he is open to ending the conflict only on conditions favorable to Russia.

B|Here’s a breakdown of the White House’s recent shift regarding Moscow.

H|Call With Putin: A Pivotal Moment

B|Trump’s increasing commitment to arming Ukraine stems from a July 4 conversation with Putin—the sixth such dialogue since Trump resumed office in January.

B|Despite the repeated attempts, the call yielded no advancements toward a cease-fire, prompting Trump to express his disappointment afterward.

B|Further disillusionment arose from this interaction, leading Trump to conclude that Putin had no intention of pursuing cease-fire negotiations.

B|“I don’t think he’s looking to stop,” Trump remarked about Putin.

B|Shortly after their conversation, Russia initiated its most extensive aerial assault on Ukraine to date, involving over 550 drones and missiles.

-|See also  Can Donald Trump tame Harvard?

B|Days later, on July 9, Russia escalated its aggression further, targeting civilian areas in Ukraine with an even larger offensive incorporating more than 700 drones and numerous ballistic missiles, mainly sourced from Iran.

B|Following the call with Putin, Trump also reached out to Ukrainian President Volodymyr Zelenskyy, who characterized their discussion as “very important and productive.”

B|The details shared suggest they focused on enhancing Ukraine’s air defenses to mitigate civilian casualties and explored prospects for a collaborative weapons initiative.

B|Trump labeled the conversation with Zelenskyy as “very good.”

H|Trump Open to Boosting Arms for Ukraine

B|Since then, Trump has shown support for sending more military aid to Ukraine, including additional Patriot air defense systems vital for intercepting Russian missiles.

B|On July 8, Trump criticized Putin for his treatment of civilians, emphasizing that Ukraine must be equipped to defend itself against ongoing Russian hostility.

B|“It’s killing too many people, so we’re sending some defensive weapons to Ukraine, and I’ve approved that,” Trump stated.

B|This marks a stark contrast to a recent pause in arms shipments from the Pentagon, which was cited as a necessary measure to align with Trump’s “America First” agenda.

B|This suspension had delayed the delivery of critical military assets, including guided rocket systems and anti-armor munitions.

B|The Pentagon has since resumed weapon deliveries to Ukraine, though it remains uncertain if the Patriot systems are part of this batch.

B|Kyiv has consistently urged Washington to provide more Patriot missiles and defense systems, viewing them as essential for defending against intensified Russian aerial assaults.

-|See also  New DNC Chair Declares It's Time To Go On Offense Against Trump

H|New Sanctions on Russia and Its Allies on the Horizon

B|Additionally, Trump has endorsed a Senate initiative aimed at imposing new sanctions on Russia’s oil sector to pressure Putin back to the negotiation table.

B|Sen. Lindsey Graham (R-S.C.) indicated earlier this month that Trump has authorized him to advance a new bill that would institute a staggering 500% tariff on imports from nations that continue to purchase Russian oil.

B|If enacted, the bill could significantly impact Russia’s economic allies, notably China and India.

B|Majority Leader John Thune (R-S.D.) emphasized that the bill enjoys strong bipartisan support and aims to bolster Trump’s leverage in negotiations, potentially hastening an end to the violence in Ukraine.

B|“Senate Republicans are committed to collaborating with the House and White House to ensure this legislation reaches the president’s desk,” Thune asserted.

B|Trump has long hinted at escalating sanctions against Russia’s oil industry but has held back thus far. His newfound backing for this legislation suggests a critical shift in approach toward Russia.

B|This shift occurs as the administration grapples with Russia’s growing alliances with other hostile nations, including China, Iran, and North Korea.

B|On July 9, North Korean state media revealed that Russian Foreign Minister Sergey Lavrov will visit North Korea to deepen ties between Moscow and Pyongyang.

B|North Korea has been supplying Russia with combat troops and munitions to support its military efforts, viewing this conflict as a proxy war against the United States and its allies.

B|The prospects for the U.S. administration to resolve the conflict without further loss of life seem to be waning, largely due to Moscow’s refusal to engage in cease-fire discussions.

-|See also  Hakeem Jeffries, Kathy Hochul rage at Trump after Nadler’s aide nabbed by DHS agents: 'Clearly trying to intimidate'

B|In this context, Vice President JD Vance acknowledged in May that Russia’s demands in negotiations were excessive, including calls for Ukraine to surrender territory that has yet to be occupied by Russian forces.

B|Whether Russia feels an increased incentive to negotiate now that Trump is signaling stronger support for Ukraine remains uncertain.

B|On July 9, Kremlin spokesman Dmitry Peskov noted that while Trump often adopts “a tough style” in communication, dialogue with him could still be pursued.

B|“We hope to continue our dialogue with Washington and our course aimed at repairing the badly damaged bilateral ties,” Peskov expressed.

B|The Associated Press contributed to this report.

-|If you found this article interesting, please consider supporting traditional journalism

-|Our first edition was published 25 years ago from a basement in Atlanta. Today, The Epoch Times brings fact-based, award-winning journalism to millions of Americans.

-|Our journalists have faced threats, arrests, and violence, but our commitment to independent journalism has never wavered. This year marks our 25th year of independent reporting, free from corporate and political influence.

-|That’s why you’re invited to a limited-time introductory offer — just $1 per week — so you can join millions already celebrating independent news.

-|TAGGED:ChangedRussiaTackTrumpWhats
-|Share This Article
-|Twitter Email Copy Link Print
-|Previous Article Bella Thorne Accuses Charlie Puth of ‘Hate Train’ Over Refusal Bella Thorne Accuses Charlie Puth of ‘Hate Train’ Over Refusal
-|Next Article ‘College Murders’ Directors on Bryan Kohberger’s Guilty Plea ‘College Murders’ Directors on Bryan Kohberger’s Guilty Plea
-|Leave a comment

-|Leave a Reply Cancel reply

-|Your email address will not be published. Required fields are marked *

-|Popular Posts

-|Lisa Kudrow Surprises Fans Visiting ‘Friends’ Couch

-|Lisa Kudrow recently surprised fans by making a stop at the iconic "Friends" couch on…

-|December 27, 2024

-|Dolly Parton Masking Grief With ‘Deadly’ Vegas Residency

-|Dolly Parton Announces Las Vegas Residency After 32 Years Country music legend Dolly Parton is…

-|June 25, 2025

-|‘Enshittification’ named word of the year

-|The Macquarie Dictionary has announced "enshittification" as its word of the year for 2024, defining…

-|November 26, 2024

-|Jason Kidd joins Everton ownership group: Premier League club views Mavericks coach as ‘incredible resource’

-|Getty Images Former NBA star and current Dallas Mavericks coach, Jason Kidd, has made a…

-|April 24, 2025

-|TRUST IN TRUMP: Sentiment Surges as Economy Booms

-|News Search Select Category All News Articles Briefings & Statements All Presidential Actions Executive Orders…

-|July 9, 2025

-|You Might Also Like

-|Weighted vest women are the 2026 swing voters
-|Politics

-|Weighted vest women are the 2026 swing voters

-|September 19, 2025
-|US Seeking to Regain Control of Bagram Air Base in Afghanistan: Trump
-|Politics

-|US Seeking to Regain Control of Bagram Air Base in Afghanistan: Trump

-|September 19, 2025
-|Fed Governor Miran says he did not tell Trump how he would vote on rates this week
-|Economy

-|Fed Governor Miran says he did not tell Trump how he would vote on rates this week

-|September 19, 2025
-|JUST IN: Homeless Person Tries to Rob Harmeet Dhillon in DC |
-|Politics

-|JUST IN: Homeless Person Tries to Rob Harmeet Dhillon in DC |

-|August 12, 2025
-|logo logo
-|Facebook Twitter Youtube

-|About US


-|Explore global affairs, political insights, and linguistic origins. Stay informed with our comprehensive coverage of world news, politics, and Lifestyle.

-|Top Categories
-|  • Crime
-|  • Environment
-|  • Sports
-|  • Tech and Science
-|Usefull Links
-|  • Contact
-|  • Privacy Policy
-|  • Terms & Conditions
-|  • DMCA

-|© 2024 americanfocus.online –  All Rights Reserved.

-|Welcome Back!

-|Sign in to your account

-|Lost your password?"##,
        },
        Case {
            name: "seed 002: summary with references and empty comments",
            annotated: r##"T|WSJ: Trump administration reorganizes delivery of Patriot systems to allies, prioritizing Ukraine
B|The Trump administration has announced a significant shift in the delivery of Patriot missile defense systems to allies, with a focus on supporting Ukraine. According to a recent article from Politico, President Donald Trump and NATO Secretary General Mark Rutte discussed a new plan to provide these advanced weapons to Ukraine, primarily through sales to NATO countries [1].
B|The details of the new plan are still being ironed out, but two main scenarios have been proposed. One involves European countries purchasing American weapons for transfer to Ukraine, while the other suggests that allies could send their own weapons to Kyiv and then buy American replacements. However, the exact timeline and level of planning for this initiative remain uncertain [1].
B|Defense officials and allies have expressed some confusion regarding the plan, as they have not yet been fully briefed on how their countries would participate. A U.S. defense official noted that while the industry can and will sell to allies, there are delivery backlogs on most weapons, which could lead to delays in fulfilling these new orders [1].
B|The Pentagon has been increasing its purchases of Patriot missiles over the past year, indicating a significant demand and potential strain on stockpiles. The U.S. has already supplied Patriot systems to Ukraine and Israel, and has also used them to defend U.S. bases in the Middle East against Iranian attacks. Concerns over the depth of U.S. stockpiles were cited as a reason for stopping the delivery of weapons to Ukraine this month, although some Pentagon officials challenged this view [1].
B|Defense industry analyst Roman Schweizer of TD Cowen pointed out that the deal resembles traditional foreign military sales, which are known for their slow and cumbersome nature. He noted that while current weapons sales to allies are at a record pace, hitting $80.5 billion in preliminary agreements this year, with 22 percent of that tied to NATO members, the new plan may face similar challenges [1].
B|This reorganization of weapon delivery comes amidst ongoing peace negotiations and military exercises. The U.S. has been involved in various peace deals and ceasefires, including one between Congo and Rwanda, and is working towards a potential resolution between Armenia and Azerbaijan. Additionally, the U.S. and Australia conducted war games in the Indo-Pacific region, testing the HIMARS long-range rocket system [1].
B|The Pentagon has also withdrawn from the Aspen Security Forum, citing a lack of alignment with the conference's values and the Trump administration's goals. This move follows reports that the Pentagon's top brass would have participated in the forum, which is a nonpartisan gathering of top military brass and Pentagon officials [1].
B|In summary, the Trump administration's new plan to deliver Patriot missile systems to allies, prioritizing Ukraine, is a significant shift in U.S. defense policy. While the details of the plan are still being finalized, the initiative highlights the ongoing efforts to support Ukraine and other allies in the face of geopolitical challenges.
-|References:
-|[1] https://www.politico.com/newsletters/national-security-daily/2025/07/14/making-sense-of-trumps-weapons-deal-00452001
-|Comments

-|No comments yet"##,
        },
        Case {
            name: "seed 003: prose first, headings over bullet lists",
            annotated: r##"B|At a NATO Defense Ministerial meeting in Brussels, U.S. Defense Secretary Pete Hegseth stated that “everything is on the table” regarding negotiations to end the Russia-Ukraine war, reinforcing the Trump administration’s stance on finding a diplomatic resolution.
H|Key Takeaways from Hegseth’s Statements
H|Ukraine’s NATO Membership Not a Likely Outcome
B|- Hegseth confirmed that Ukraine joining NATO is “not a realistic outcome” in any potential peace settlement.
B|- He clarified that this position is part of the Trump administration’s strategy for ongoing negotiations.
H|Ukraine Will Not Regain Its Pre-2014 Borders
B|- Hegseth ruled out the possibility of Ukraine reclaiming its full territory, including Crimea, which Russia annexed in 2014.
B|- He emphasized this stance was not a concession to Putin, but a realistic acknowledgment of battlefield conditions.
H|Military Aid to Ukraine Could Be Adjusted
B|- The U.S. has provided Ukraine with $66 billion in military aid since the war began.
B|- Hegseth indicated that future U.S. support could be increased or decreased depending on negotiations.
H|Trump Ties U.S. Support to Trade Deals
B|- In a Fox News interview, Trump stated that Ukraine must provide the U.S. access to its rare earth minerals in exchange for continued aid.
B|- “We are going to have all this money in there, and I say I want it back,” Trump said, adding that Ukraine had “essentially agreed” to provide $500 billion worth of rare earth materials.
H|What This Means for Ukraine’s Future
B|- Russia controls about 20% of Ukraine, including Crimea, and recent months have favored Russian territorial gains.
B|- Hegseth’s statements signal a shift from previous U.S. policy, which had been committed to Ukraine reclaiming all occupied territory.
B|- Trump’s approach appears more transactional, linking military assistance to economic benefits for the U.S..
B|The Trump administration’s new stance on Ukraine marks a significant policy shift, moving toward negotiations with Russia and potential reductions in military aid. With Ukraine’s NATO membership off the table, the U.S. is focusing on securing trade advantages while seeking an end to the conflict."##,
        },
        Case {
            name: "seed 004: headline, headings, quote introduced by a colon",
            annotated: r##"T|Biden Authorizes Ukraine’s Missile Strikes On Russia As Trump Prepares For Office
B|Outgoing President Joe Biden faces critical decisions regarding military assistance to Ukraine as his term nears its end.
B|According to Breitbart, the Biden administration has reportedly lifted restrictions on Ukraine's use of American-supplied ATACMS missiles for strikes within Russian territory, marking a significant shift in military aid policy.
B|Reports from both the Washington Post and New York Times, citing unnamed U.S. officials, reveal this policy change comes amid growing concerns about North Korean troops entering Russia and potentially joining the conflict.
B|The decision arrived as President-elect Donald Trump prepared to implement his promised peace negotiations strategy.
H|Strategic Military Aid Developments Under Biden Administration
B|The authorization for ATACMS strikes initially focused on Russia's Kursk region, where Ukrainian forces conducted a surprise incursion during summer operations. This decision represents an evolution from previous policies that limited ATACMS use to targets within Ukrainian territory, including Russian-occupied areas such as Crimea.
B|Biden's administration had previously shown reluctance to permit strikes within Russia proper, primarily due to concerns about potential escalation from the nuclear-capable nation.
B|These concerns included possibilities of Russia increasing support to American adversaries like Iran or assisting Houthi militants in their disruption of global shipping routes.
B|The timing of this policy shift carries significant implications, occurring just two months before Trump assumes office. This development could potentially impact Trump's stated objectives of negotiating an end to the ongoing conflict.
H|Trump's Diplomatic Initiatives Take Shape
B|Following his recent electoral victory, Trump has already initiated unofficial diplomatic efforts to fulfill his campaign promises regarding the Ukraine conflict. His approach includes direct communication with key figures involved in the situation.
B|The president-elect has conducted discussions with Ukrainian President Volodymyr Zelensky and German Chancellor Olaf Scholz. While reports suggest communication with Vladimir Putin, the Kremlin has denied any such conversation took place.
B|Trump's allies, including Hungarian Prime Minister Viktor Orbán, have indicated that the incoming administration might leverage financial aid as a negotiating tool. This strategy could involve withholding funding to encourage Ukrainian participation in peace talks.
H|International Response To Changing U.S. Policy
B|Secretary of State Antony Blinken stated from Brussels:
B|President Biden has committed to making sure that every dollar we have at our disposal will be pushed out the door between now and January 20th.
B|International allies have begun positioning themselves for potential changes in U.S. support. The G7 nations have collectively pledged continued backing for Ukraine while European nations explore options to increase their financial support should Trump limit American aid.
B|The 'Weimar Triangle' alliance, comprising France, Germany, and Poland, along with the UK, plans discussions about expanding European funding. However, domestic budget constraints in several European nations may complicate these efforts.
B|Recent escalations in the conflict underscore the urgency of these policy decisions. Russia's latest offensive included extensive missile and drone strikes across Ukraine, demonstrating the ongoing intensity of military operations.
H|Where Military Aid Stands Now
B|The current situation reflects a complex interplay between immediate military needs and long-term diplomatic objectives. Biden's recent decisions could influence both the conflict's immediate trajectory and future peace negotiations.
B|These policy shifts occur against the backdrop of Trump's impending presidency and his different approach to resolving the conflict. The coming months may prove crucial in determining the direction of international support for Ukraine and the prospects for peace negotiations.
B|The evolving military aid strategy under Biden's administration, coupled with Trump's anticipated diplomatic initiatives, sets the stage for potentially significant changes in U.S.-Ukraine relations. While current policy focuses on expanded military support, the transition period ahead may reshape the international community's approach to resolving this conflict."##,
        },
        Case {
            name: "WordPress blog: share links, Read more, newsletter box, cookie notice, tags, author box, related, comments",
            annotated: r##"-|Skip to content
-|The Harbour Ledger
-|Local news for the bay area
-|Menu
-|  - Home
-|  - News
-|  - Business
-|  - Sports
-|  - Opinion
-|  - Contact
T|Council approves new ferry terminal after three-year dispute
-|Posted on March 4, 2024 by Dana Whitfield
-|Share on Facebook
-|Share on Twitter
-|Email
B|The city council voted 7-2 on Tuesday night to approve construction of a new ferry terminal on the east waterfront, ending a dispute that has divided residents since 2021.
B|The $48 million project will replace the ageing dock at Pier 9, which engineers said last year could no longer safely handle the larger vessels the ferry operator plans to buy.
-|Read more: Ferry operator orders two hybrid vessels
B|Councillor Maria Ortega, who voted against the plan, said the city had not done enough to address concerns about traffic on Harbour Road.
B|“We are building a terminal for 2040 with roads from 1960,” she said.
B|Supporters argued that the delay had already cost the city millions in repairs to the old dock.
H|What happens next
B|Construction is expected to begin in the autumn and take about two years. The ferry operator has agreed to keep the current schedule running from Pier 9 until the new terminal opens.
B|A public meeting on the design will be held at the library on March 20.
-|Sign up for our newsletter
-|Get the latest local news delivered to your inbox every morning.
-|Subscribe
-|We use cookies to ensure that we give you the best experience on our website. If you continue to use this site we will assume that you are happy with it.
-|Accept
-|Tags: ferry, council, waterfront
-|About the author
-|Dana Whitfield covers city hall and transport for The Harbour Ledger. She joined the paper in 2019.
-|Related Articles
-|Ferry operator orders two hybrid vessels
-|February 12, 2024
-|Harbour Road resurfacing to start in June
-|January 30, 2024
-|3 Comments
-|Tom Baker
-|3 hours ago
-|Finally! This has taken far too long.
-|Reply
-|Jenny L.
-|2 hours ago
-|What about parking? Nobody has explained where commuters will park.
-|Reply
-|Leave a Reply
-|Your email address will not be published. Required fields are marked *
-|© 2024 The Harbour Ledger. Powered by WordPress."##,
        },
        Case {
            name: "BBC-like page: image captions, More on this story, Related Topics",
            annotated: r##"-|Skip to content
-|Home
-|News
-|Sport
-|Weather
-|iPlayer
-|Sounds
T|Ukraine war: Kyiv hit by largest drone attack of the war
-|2 hours ago
-|Share
-|Save
-|Jonathan Beale
-|Defence correspondent
-|Image source, Reuters
-|Image caption, Firefighters worked through the night to put out blazes in the capital
B|Russia has launched its largest drone attack on Kyiv since the start of the full-scale invasion, Ukrainian officials say.
B|At least 10 people were killed and dozens injured as more than 400 drones and missiles struck the capital and several other cities overnight.
B|Ukraine's air force said it had shot down most of the drones, but debris fell on residential buildings in several districts.
B|"It was the loudest night I can remember," said Olena, a teacher who spent the night in a metro station.
B|President Volodymyr Zelensky called on Western allies to speed up deliveries of air defence systems.
-|Image source, Getty Images
-|Image caption, Residents sheltered in metro stations
B|The attack came hours after a new round of talks in Istanbul ended without agreement.
B|Moscow says it targets only military facilities, but the UN has recorded thousands of civilian deaths since 2022.
-|More on this story
-|Zelensky urges allies to send more air defence
-|3 days ago
-|What we know about the Istanbul talks
-|1 June
-|Related Topics
-|Russia-Ukraine war
-|Ukraine
-|Russia
-|Top Stories
-|Trump announces tariffs on European cars
-|Flooding forces thousands from homes in Bavaria
-|Copyright 2025 BBC. All rights reserved. The BBC is not responsible for the content of external sites."##,
        },
        Case {
            name: "Guardian-like page: standfirst, photo credit, Most viewed, support appeal",
            annotated: r##"-|Skip to main content
-|Support the Guardian
-|Fund independent journalism with $15 per month
-|Support us
-|Print subscriptions
-|Sign in
-|News
-|Opinion
-|Sport
-|Culture
-|Lifestyle
-|World
-|Europe
-|US news
-|Ukraine
T|Zelenskyy says Ukraine will not accept ceasefire that rewards invasion
B|Ukrainian president says Russia is using talks to buy time while its forces advance in the east
-|Luke Harding in Kyiv
-|Tue 15 Jul 2025 09.12 BST
-|Share
B|Volodymyr Zelenskyy has said Ukraine will not accept any ceasefire deal that allows Russia to keep the territory it has seized, as Russian forces pressed their offensive in the east.
B|Speaking in Kyiv alongside the Danish prime minister, Zelenskyy said Moscow was "using diplomacy as camouflage" while it prepared for a summer campaign.
-|Ukrainian servicemen fire a howitzer near Pokrovsk. Photograph: Anatolii Stepanov/Reuters
B|The Kremlin said on Monday that it remained open to talks but that any settlement would have to reflect "realities on the ground".
B|Western officials believe Russia has lost more than 1,000 soldiers a day in recent months, but it continues to recruit at a pace that allows it to replace its losses.
B|Zelenskyy again asked allies for more Patriot batteries, saying that each system protected "a whole city".
-|Explore more on these topics
-|Ukraine
-|Russia
-|Volodymyr Zelenskyy
-|Europe
-|news
-|Share
-|Reuse this content
-|Most viewed
-|Heatwave warning issued as temperatures set to hit 34C
-|Man charged after boat crash on Lake Windermere
-|The best summer reads of 2025, chosen by our critics
-|... we have a small favour to ask. Millions are turning to the Guardian for open, independent, quality news every day, and readers in 180 countries around the world now support us financially.
-|We believe everyone deserves access to information that’s grounded in science and truth. That’s why we made a different choice: to keep our reporting open for all readers, regardless of where they live or what they can afford.
-|Support the Guardian
-|Remind me in September
-|© 2025 Guardian News & Media Limited or its affiliated companies. All rights reserved."##,
        },
        Case {
            name: "clean wire story: nothing may be lost",
            annotated: r##"T|Russia and Ukraine swap prisoners in first exchange since talks stalled
B|KYIV, July 15 (Reuters) - Russia and Ukraine exchanged 95 prisoners of war each on Tuesday, the first such swap since peace talks in Istanbul broke down last month, officials on both sides said.

B|The exchange was mediated by the United Arab Emirates, Ukraine's coordination headquarters for prisoners of war said in a statement.

B|"Our people are home," President Volodymyr Zelenskiy wrote on Telegram.

B|Russia's defence ministry said the returned servicemen would receive medical and psychological treatment in Belarus before travelling home.

B|It did not give further details.

B|Both sides have carried out dozens of exchanges since the war began in February 2022, often with mediation from Turkey, Saudi Arabia or the UAE.

B|"Every exchange gives hope," said one relative.

B|Kyiv says more than 8,000 Ukrainians remain in Russian captivity. Moscow has not disclosed how many of its soldiers are held by Ukraine.

B|Talks are expected to resume in August."##,
        },
        Case {
            name: "Markdown article: # title, ## sections, - bullets, > quote, link lines",
            annotated: r##"T|# How the EU plans to fund Ukraine's reconstruction

-|*By Anna Keller · 6 min read*

B|The European Union has agreed a framework for using the profits of frozen Russian assets to pay for Ukraine's reconstruction, diplomats said on Friday.

H|## What was agreed

B|- Windfall profits from about €210bn of immobilised Russian central bank assets will be channelled into a dedicated fund.
B|- The first tranche, worth about €3bn, is expected to be paid out before the end of the year.
B|- Hungary abstained but did not block the decision.

H|## Why it matters

B|Ukraine's government estimates that rebuilding the country will cost more than $500bn over the next decade, according to a joint assessment with the World Bank.

B|> "This is money that belongs to the victims of the aggression," the Commission president told reporters.

H|## What comes next

B|Finance ministers will meet in Luxembourg next month to settle the legal details.

-|---

-|**Related:** [EU extends sanctions on Russia](https://example.com/eu-sanctions)

-|*Share this article:* [Twitter](https://twitter.com/share) | [Facebook](https://facebook.com/share)"##,
        },
        Case {
            name: "news page with an inline Recommended box the article resumes after",
            annotated: r##"T|Oil prices jump as Red Sea shipping disruption widens
-|By Priya Natarajan
-|June 3, 2025
B|Oil prices rose more than 3% on Monday after two more tankers were attacked in the Red Sea, raising fears of a prolonged disruption to one of the world's busiest shipping routes.
B|Brent crude futures climbed to $84.20 a barrel by midday in London, their highest level since April.
-|Recommended
-|Shipping insurers raise war-risk premiums again
-|Suez Canal revenue falls by half
-|Analysis: Who pays for longer voyages around Africa?
B|Analysts said the market had been slow to price in the risk of a wider conflict in the region.
B|"Every week the ships go around the Cape, the more the costs build up in the system," said one London-based commodities trader.
B|Several large container lines have already said they will keep avoiding the route until at least the end of the year.
B|The International Energy Agency is due to publish its monthly oil market report on Thursday.
-|Advertisement
-|Most read
-|Shares in European defence firms hit record high
-|Why your grocery bill is still rising
-|Newsletter
-|Get our morning briefing in your inbox
-|Sign up"##,
        },
        Case {
            name: "hard-wrapped wire copy",
            annotated: r##"T|Ukraine says it shot down 40 drones overnight
B|KYIV (AP) — Ukraine's air force said Tuesday it shot down 40 of the 52
B|drones Russia launched overnight, as officials in the east reported
B|fresh shelling of front-line towns.
B|The regional governor said two people were wounded in Kramatorsk and
B|that several homes were damaged.
B|"The night was hard," he wrote."##,
        },
        Case {
            name: "prose whose sentences open with furniture words",
            annotated: r##"T|Minister resigns over leaked messages
B|The transport minister resigned on Sunday after leaked messages showed she had discussed contracts with a lobbyist, the prime minister's office said.
B|Comments made by the minister in the messages were described as "deeply inappropriate" by opposition leaders on Monday.
B|Related coverage of the affair has dominated the front pages of the country's newspapers all week.
B|Share prices of the company involved fell 4% in early trading.
B|Finland applied to become a member of the alliance in 2022, and each member state must make a contribution to its common fund.
B|The prime minister will appoint a successor this week, according to officials.
B|Tags were placed on the evidence boxes by police, who removed them from the ministry on Friday."##,
        },
    ];

    /// Splits an annotated page into the file text and the expected verdict of each block.
    fn parse(annotated: &str) -> (String, Vec<char>) {
        let mut text = Vec::new();
        let mut expected = Vec::new();
        for line in annotated.split('\n') {
            if line.trim().is_empty() {
                text.push(line);
                continue;
            }
            let (code, rest) = line
                .split_once('|')
                .expect("annotated line without verdict");
            text.push(rest);
            expected.push(code.chars().next().unwrap_or('?'));
        }
        (text.join("\n"), expected)
    }

    #[test]
    fn blocks_round_trip_through_saved_state_by_their_reasons_text() {
        let cleaned = clean(
            "Menu\nHome | News | Sport\n\nThe council met on Tuesday.\n",
            &HashSet::new(),
        );
        let bytes = postcard::to_allocvec(&cleaned.blocks).unwrap();
        let back: Vec<Block> = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(back, cleaned.blocks);
        let reasons: Vec<&str> = back.iter().map(Block::reason).collect();
        assert!(reasons.iter().all(|r| !r.is_empty()), "{reasons:?}");
        // A reason this build does not give (an older build's) reads back as itself.
        let saved = SavedBlock {
            span: Span::new(3..9),
            kind: BlockKind::Boilerplate,
            reason: "an older build's reason",
        };
        let block: Block = postcard::from_bytes(&postcard::to_allocvec(&saved).unwrap()).unwrap();
        assert_eq!(
            (block.range(), block.reason()),
            (3..9, "an older build's reason")
        );
        // A reason whose bytes are not text is a damaged state, not a panic.
        #[derive(serde::Serialize)]
        struct Damaged<'a> {
            span: Span,
            kind: BlockKind,
            reason: &'a [u8],
        }
        let damaged = Damaged {
            span: Span::new(3..9),
            kind: BlockKind::Body,
            reason: b"\xff\xfe",
        };
        let bytes = postcard::to_allocvec(&damaged).unwrap();
        assert!(postcard::from_bytes::<Block>(&bytes).is_err());
    }

    fn verdict(cleaned: &Cleaned, block: &Block) -> char {
        if cleaned.headline.as_ref() == Some(&block.range()) {
            return 'T';
        }
        match block.kind {
            BlockKind::Body => 'B',
            BlockKind::Heading => 'H',
            BlockKind::Boilerplate => '-',
        }
    }

    /// Every line of every labelled page, seeds and other sites alike, gets its label.
    #[test]
    fn labelled_pages() {
        let mut wrong = Vec::new();
        let mut total = 0;
        for case in PAGES {
            let (text, expected) = parse(case.annotated);
            let cleaned = clean(&text, &HashSet::new());
            assert_eq!(
                cleaned.blocks.len(),
                expected.len(),
                "{}: block count",
                case.name
            );
            for (block, want) in cleaned.blocks.iter().zip(&expected) {
                total += 1;
                let got = verdict(&cleaned, block);
                if got != *want {
                    wrong.push(format!(
                        "{}: want {want} got {got} ({}): {}",
                        case.name,
                        block.reason(),
                        &text[block.range()]
                    ));
                }
            }
            let want_headline = expected.iter().position(|&c| c == 'T');
            let got_headline = cleaned
                .headline
                .as_ref()
                .and_then(|h| cleaned.blocks.iter().position(|b| &b.range() == h));
            if want_headline != got_headline {
                wrong.push(format!(
                    "{}: headline want block {want_headline:?} got {got_headline:?}",
                    case.name
                ));
            }
        }
        println!("{total} labelled lines, {} wrong", wrong.len());
        assert!(total > 350, "labelled set shrank to {total} lines");
        assert!(
            wrong.is_empty(),
            "{} wrong:\n{}",
            wrong.len(),
            wrong.join("\n")
        );
    }

    fn page(name_prefix: &str) -> String {
        let case = PAGES
            .iter()
            .find(|c| c.name.starts_with(name_prefix))
            .expect("no such page");
        parse(case.annotated).0
    }

    #[test]
    fn seed_001_headline_is_the_standalone_line_not_the_breadcrumb() {
        let text = page("seed 001");
        let cleaned = clean(&text, &HashSet::new());
        let range = cleaned.headline.expect("headline");
        assert_eq!(
            &text[range.clone()],
            "Why Trump Has Changed Tack With Russia and What’s Next"
        );
        let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
        assert_eq!(line_start, range.start, "headline is a whole line");
    }

    #[test]
    fn seed_003_bullet_ranges_skip_the_marker() {
        let text = page("seed 003");
        let cleaned = clean(&text, &HashSet::new());
        let bullet = cleaned
            .blocks
            .iter()
            .find(|b| text[b.range()].starts_with("Hegseth confirmed"))
            .expect("bullet block");
        assert_eq!(bullet.kind, BlockKind::Body);
        assert_eq!(&text[bullet.range().start - 2..bullet.range().start], "- ");
    }

    #[test]
    fn wire_story_loses_nothing() {
        let text = page("clean wire");
        let cleaned = clean(&text, &HashSet::new());
        assert!(
            cleaned
                .blocks
                .iter()
                .all(|b| b.kind != BlockKind::Boilerplate)
        );
    }

    struct MarkerCase {
        name: &'static str,
        input: &'static str,
        expected: &'static str,
    }

    #[test]
    fn block_ranges_strip_whitespace_and_markers() {
        let cases = [
            MarkerCase {
                name: "dash",
                input: "  - item one\n",
                expected: "item one",
            },
            MarkerCase {
                name: "bullet",
                input: "\t• item\r\n",
                expected: "item",
            },
            MarkerCase {
                name: "star",
                input: "* starred",
                expected: "starred",
            },
            MarkerCase {
                name: "en dash",
                input: "– dashed",
                expected: "dashed",
            },
            MarkerCase {
                name: "numbered",
                input: "12. numbered",
                expected: "numbered",
            },
            MarkerCase {
                name: "heading",
                input: "## Section",
                expected: "Section",
            },
            MarkerCase {
                name: "quote",
                input: "> quoted",
                expected: "quoted",
            },
            MarkerCase {
                name: "hashtag kept",
                input: "#tag",
                expected: "#tag",
            },
            MarkerCase {
                name: "emphasis kept",
                input: "**bold**",
                expected: "**bold**",
            },
            MarkerCase {
                name: "marker only",
                input: "-",
                expected: "-",
            },
            MarkerCase {
                name: "hashes only",
                input: "  ## ",
                expected: "##",
            },
            MarkerCase {
                name: "nbsp",
                input: "\u{a0}text\u{a0}",
                expected: "text",
            },
            MarkerCase {
                name: "bom",
                input: "\u{feff}Title here",
                expected: "Title here",
            },
        ];
        for case in cases {
            let cleaned = clean(case.input, &HashSet::new());
            assert_eq!(cleaned.blocks.len(), 1, "{}", case.name);
            assert_eq!(
                &case.input[cleaned.blocks[0].range()],
                case.expected,
                "{}",
                case.name
            );
        }
    }

    struct KeyCase {
        name: &'static str,
        input: &'static str,
        expected: Option<&'static str>,
    }

    #[test]
    fn line_keys() {
        let cases = [
            KeyCase {
                name: "menu item",
                input: "  • Privacy  Policy ",
                expected: Some("privacy policy"),
            },
            KeyCase {
                name: "copyright",
                input: "© 2024 Site – All Rights Reserved.",
                expected: Some("© 2024 site – all rights reserved."),
            },
            KeyCase {
                name: "question",
                input: "Lost your password?",
                expected: Some("lost your password?"),
            },
            KeyCase {
                name: "heading hashes",
                input: "## Related Articles",
                expected: Some("related articles"),
            },
            KeyCase {
                name: "sentence",
                input: "The Associated Press contributed to this report.",
                expected: None,
            },
            KeyCase {
                name: "quote",
                input: "“No.”",
                expected: None,
            },
            KeyCase {
                name: "continuation",
                input: "and then the minister left",
                expected: None,
            },
            KeyCase {
                name: "long",
                input: "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen",
                expected: None,
            },
            KeyCase {
                name: "blank",
                input: "   ",
                expected: None,
            },
        ];
        for case in cases {
            assert_eq!(
                line_key(case.input).as_deref(),
                case.expected,
                "{}",
                case.name
            );
        }
    }

    #[test]
    fn shared_lines_drop_furniture_but_never_sentences() {
        let text = "Trump meets Rutte at the White House\n\
            Weekly Briefing\n\
            The two leaders discussed the war in Ukraine and the supply of Patriot air defence systems to Kyiv.\n\
            The Associated Press contributed to this report.\n\
            Officials said a further meeting of the two leaders was planned for the autumn in Brussels.\n";
        let shared: HashSet<String> = [
            "Weekly Briefing",
            "The Associated Press contributed to this report.",
        ]
        .iter()
        .filter_map(|l| line_key(l))
        .collect();
        let cleaned = clean(text, &shared);
        let kinds: Vec<(BlockKind, &str)> = cleaned
            .blocks
            .iter()
            .map(|b| (b.kind, b.reason()))
            .collect();
        assert_eq!(kinds[1], (BlockKind::Boilerplate, "shared"));
        assert_eq!(kinds[3].0, BlockKind::Body);
    }

    #[test]
    fn empty_inputs() {
        for input in ["", "\n\n", "   \r\n\t\n"] {
            assert_eq!(clean(input, &HashSet::new()), Cleaned::default());
        }
    }

    fn check_invariants(text: &str, cleaned: &Cleaned) {
        let lines = text.split('\n').filter(|l| !l.trim().is_empty()).count();
        assert_eq!(cleaned.blocks.len(), lines);
        let mut prev_end = 0;
        for b in &cleaned.blocks {
            assert!(b.range().start < b.range().end, "empty block");
            assert!(
                b.range().start >= prev_end,
                "blocks overlap or out of order"
            );
            assert!(b.range().end <= text.len());
            assert!(text.is_char_boundary(b.range().start));
            assert!(text.is_char_boundary(b.range().end));
            assert!(!text[b.range()].contains('\n'));
            prev_end = b.range().end;
        }
        if let Some(h) = &cleaned.headline {
            assert!(cleaned.blocks.iter().any(|b| &b.range() == h));
        }
    }

    proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in "\\PC*") {
            let cleaned = clean(&text, &HashSet::new());
            check_invariants(&text, &cleaned);
        }

        #[test]
        fn page_like_text_never_panics(
            lines in prop::collection::vec(
                prop_oneof![
                    Just(String::new()),
                    "[ \t\u{a0}]{0,3}[-*•#>]{0,3} ?[A-Za-z’“”…:,.!?© ]{0,80}",
                    "(\\d{1,3}\\. )?[A-Z][a-z]+( [a-z]+){0,20}[.?!:…]?",
                    "\\PC{0,40}",
                    "(By|by|Posted by|Tags:|See also|Related) [İı’‘*ßẞ A-Za-z\u{a0}]{0,30}",
                ],
                0..40,
            ),
            shared_pick in 0usize..40,
        ) {
            let text = lines.join("\n");
            let shared: HashSet<String> =
                lines.iter().skip(shared_pick).take(3).filter_map(|l| line_key(l)).collect();
            let cleaned = clean(&text, &shared);
            check_invariants(&text, &cleaned);
        }
    }
}
