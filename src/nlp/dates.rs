//! Temporal expressions in news prose: finds dates ("July 9", "in May", "two months before"), resolves them against the article's date and the last date mentioned, and reads date labels and dated URLs.
//!
//! Resolution follows the news rules of HeidelTime: an underspecified date takes
//! its year from the article's date, moved by the tense of its sentence (news
//! defaults to the past); "later/before/after" expressions count from the last
//! date mentioned; "since X" starts at X. Every value is computed as a span of
//! days and then reported at the finest granularity that span still pins down,
//! so a vague expression ("days later") becomes a month or a year, or `None`,
//! never a guessed day. Without an article date, nothing without a year of its
//! own is resolved.

use std::cmp::Ordering;
use std::fmt;
use std::ops::Range;
use std::sync::LazyLock;

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use regex::{Captures, Regex, RegexSet, SetMatches};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Granularity {
    Year,
    Month,
    Day,
}

/// A calendar value at its granularity. Ordering: chronological, coarser before finer at the same start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct DateValue {
    pub year: i32,
    pub month: Option<u32>,
    pub day: Option<u32>,
}

impl DateValue {
    pub fn granularity(&self) -> Granularity {
        match (self.month, self.day) {
            (Some(_), Some(_)) => Granularity::Day,
            (Some(_), None) => Granularity::Month,
            _ => Granularity::Year,
        }
    }

    /// A day, when it exists in the calendar.
    pub fn day(year: i32, month: u32, day: u32) -> Option<Self> {
        NaiveDate::from_ymd_opt(year, month, day).map(|_| DateValue {
            year,
            month: Some(month),
            day: Some(day),
        })
    }

    /// A month, when `month` is 1..=12 and the year is one chrono can hold.
    pub fn month(year: i32, month: u32) -> Option<Self> {
        NaiveDate::from_ymd_opt(year, month, 1).map(|_| DateValue {
            year,
            month: Some(month),
            day: None,
        })
    }

    pub fn year(year: i32) -> Self {
        DateValue {
            year,
            month: None,
            day: None,
        }
    }

    fn from_date(d: NaiveDate) -> Self {
        DateValue {
            year: d.year(),
            month: Some(d.month()),
            day: Some(d.day()),
        }
    }

    /// The first and last day this value covers.
    fn span(&self) -> Option<(NaiveDate, NaiveDate)> {
        match (self.month, self.day) {
            (Some(m), Some(d)) => NaiveDate::from_ymd_opt(self.year, m, d).map(|x| (x, x)),
            (Some(m), None) => {
                let first = NaiveDate::from_ymd_opt(self.year, m, 1)?;
                Some((first, last_of_month(first)?))
            }
            _ => Some((
                NaiveDate::from_ymd_opt(self.year, 1, 1)?,
                NaiveDate::from_ymd_opt(self.year, 12, 31)?,
            )),
        }
    }
}

impl fmt::Display for DateValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

impl Ord for DateValue {
    fn cmp(&self, other: &Self) -> Ordering {
        // `None < Some(_)` puts a year before its months and a month before its days,
        // and a value's start decides otherwise: chronological, coarser first.
        (self.year, self.month, self.day).cmp(&(other.year, other.month, other.day))
    }
}

impl PartialOrd for DateValue {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExprKind {
    Absolute,
    Underspecified,
    Relative,
    Since,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeExpr {
    /// Byte range of the expression as written, absolute in `text`.
    pub range: Range<usize>,
    pub kind: ExprKind,
    /// Resolved value; None when it cannot be resolved without guessing (no anchor).
    pub value: Option<DateValue>,
}

/// Per-article resolution state: the article's own date (from its metadata) and the last date mentioned.
#[derive(Debug, Clone, Default)]
pub struct Anchor {
    pub article_date: Option<DateValue>,
    pub last_mentioned: Option<DateValue>,
}

/// Finds and resolves the temporal expressions of one sentence `text[sentence]`, updating `anchor.last_mentioned`.
/// Call it on the sentences of an article in reading order.
pub fn extract(text: &str, sentence: Range<usize>, anchor: &mut Anchor) -> Vec<TimeExpr> {
    let Some(s) = text.get(sentence.clone()) else {
        return Vec::new();
    };
    let cands = find_candidates(s);
    if cands.is_empty() {
        return Vec::new();
    }
    // Only some values depend on the tense; the rest never need the words.
    let tokens = std::cell::OnceCell::new();
    let article = anchor.article_date.and_then(|d| d.span());
    // Within a sentence, "two days later" counts from the date just before it.
    let mut running = anchor.last_mentioned.and_then(|d| d.span());
    let mut best: Option<(DateValue, usize)> = None;
    let mut out = Vec::with_capacity(cands.len());
    for (i, c) in cands.iter().enumerate() {
        let known = std::cell::OnceCell::new();
        let tense =
            || *known.get_or_init(|| tense_near(tokens.get_or_init(|| tokenize(s)), &cands, i));
        // "built in 18 months" is a duration; only a future "in 18 months" is a date.
        if matches!(c.what, What::Ahead(..)) && tense() != Tense::Future {
            continue;
        }
        let base = running.or(article);
        let value = resolve(&c.what, &tense, article, base);
        if let Some(v) = value {
            running = v.span();
            // The finest date of a sentence is usually its event; a coarse aside
            // ("since January") must not become the anchor for "days later".
            let finer = best.is_none_or(|(b, _)| v.granularity() >= b.granularity());
            if finer {
                best = Some((v, i));
            }
        }
        let kind = if c.since {
            ExprKind::Since
        } else {
            c.what.kind()
        };
        out.push(TimeExpr {
            range: sentence.start + c.start..sentence.start + c.end,
            kind,
            value,
        });
    }
    if let Some((v, _)) = best {
        anchor.last_mentioned = Some(v);
    }
    out
}

/// Parses a stand-alone date label such as "Last updated: July 12, 2025 12:55 am", "Published 19 Sep 2025",
/// "Friday, 19 Sep 2025", "2025-07-14T10:00:00Z"; None when the string holds no full or month date.
pub fn parse_date_label(s: &str) -> Option<DateValue> {
    let mut found: Vec<Cand> = Vec::new();
    absolute_candidates(s, &Gate::of(s), &mut found);
    found.sort_by_key(|c| (c.start, std::cmp::Reverse(c.end)));
    found.into_iter().find_map(|c| match c.what {
        What::Full(d) => Some(DateValue::from_date(d)),
        What::MonthYear(y, m) => DateValue::month(y, m),
        _ => None,
    })
}

/// A date from a dated URL path such as https://site/x/2025/07/14/slug (also /2025/07/ and /20250714/).
pub fn date_from_url(url: &str) -> Option<DateValue> {
    // Only the path: a host or query string full of digits says nothing about the date.
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme.split(['?', '#']).next().unwrap_or("");
    let path = path.split_once('/').map_or("", |(_, p)| p);
    let segs: Vec<&str> = path.split('/').collect();
    let num = |s: &str, lo: usize, hi: usize| -> Option<u32> {
        if (lo..=hi).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().ok()
        } else {
            None
        }
    };
    for (i, seg) in segs.iter().enumerate() {
        if let Some(y) = num(seg, 4, 4).filter(|y| (1990..=2100).contains(y)) {
            let y = y as i32;
            let Some(m) = segs.get(i + 1).and_then(|s| num(s, 1, 2)) else {
                continue;
            };
            if let Some(d) = segs.get(i + 2).and_then(|s| num(s, 1, 2))
                && let Some(v) = DateValue::day(y, m, d)
            {
                return Some(v);
            }
            if let Some(v) = DateValue::month(y, m) {
                return Some(v);
            }
        }
        // "/20250714/" or "/2025-07-14-slug".
        let compact = seg
            .get(..8)
            .filter(|p| p.bytes().all(|b| b.is_ascii_digit()));
        if let Some(p) = compact
            && seg.as_bytes().get(8).is_none_or(|b| !b.is_ascii_digit())
            && let (Some(y), Some(m), Some(d)) =
                (num(&p[..4], 4, 4), num(&p[4..6], 2, 2), num(&p[6..8], 2, 2))
            && (1990..=2100).contains(&y)
            && let Some(v) = DateValue::day(y as i32, m, d)
        {
            return Some(v);
        }
        if let Some(c) = ISO.captures(seg)
            && c.get(0).is_some_and(|m| m.start() == 0)
            && let Some(v) = iso_value(&c)
            && (1990..=2100).contains(&v.year)
        {
            return Some(v);
        }
    }
    None
}

// ---------------------------------------------------------------------------
// Candidates

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Modifier {
    None,
    Last,
    Next,
    This,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Day,
    Week,
    Month,
    Year,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tense {
    Past,
    Future,
}

/// What "two days before/after" counts from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Reference {
    /// Nothing follows ("two days later", "two months before, ..."): the last date mentioned.
    LastMentioned,
    /// An event follows ("a day before the capital fell"): its date is unknown.
    Event,
    /// A date follows ("three days after July 4").
    Date(Box<What>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum What {
    Full(NaiveDate),
    MonthYear(i32, u32),
    Year(i32),
    MonthDay(u32, u32),
    MonthOnly(u32, Modifier),
    Weekday(Weekday, Modifier),
    /// Calendar shift of the article's date: "yesterday" is (Day, -1), "next month" (Month, 1).
    Deictic(Unit, i64),
    /// "two months ago": a count (low, high) of units back from the article's date.
    Ago(Unit, u32, u32),
    /// "two months before", "days later": a count of units from a reference.
    Offset(Unit, u32, u32, i64, Reference),
    /// "in 18 months": a count of units ahead of the article's date (future tense only).
    Ahead(Unit, u32, u32),
    /// "the next day", "later that month": a calendar shift of the last date mentioned.
    AnaphoricCalendar(Unit, i64),
}

impl What {
    fn kind(&self) -> ExprKind {
        match self {
            What::Full(_) | What::MonthYear(..) | What::Year(_) => ExprKind::Absolute,
            What::MonthDay(..) | What::MonthOnly(_, Modifier::None) => ExprKind::Underspecified,
            _ => ExprKind::Relative,
        }
    }
}

#[derive(Debug, Clone)]
struct Cand {
    start: usize,
    end: usize,
    what: What,
    since: bool,
}

/// Month names, January first.
pub const FULL_MONTHS: [&str; 12] = [
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
];
const ABBR_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sept", "Sep", "Oct", "Nov", "Dec",
];
const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const WEEKDAY_ABBR: [&str; 10] = [
    "Tues", "Thurs", "Thur", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun",
];

/// Month names are matched only capitalised (or in capitals): lower-case
/// "may" and "march" are a verb and a noun.
fn title_and_upper(words: &[&str]) -> String {
    words
        .iter()
        .flat_map(|w| [w.to_string(), w.to_uppercase()])
        .collect::<Vec<_>>()
        .join("|")
}

fn any_month_alt() -> String {
    format!(
        "(?:{})|(?:(?:{})\\.?)",
        title_and_upper(&FULL_MONTHS),
        title_and_upper(&ABBR_MONTHS)
    )
}

fn weekday_prefix() -> String {
    format!(
        r"(?:(?P<wd>{}|(?:{})\.?),?\s+)?",
        title_and_upper(&WEEKDAYS),
        title_and_upper(&WEEKDAY_ABBR)
    )
}

const NUM: &str = r"\d{1,3}|a\s+few|a\s+couple(?:\s+of)?|couple\s+of|few|several|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty";

fn re(pattern: &str) -> Regex {
    // The patterns are constants of this module; a typo is caught by every test run.
    Regex::new(pattern).unwrap_or_else(|e| panic!("bad built-in pattern {pattern}: {e}"))
}

static MDY: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b{}(?P<mon>{})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,\s*|\s+)(?P<year>\d{{4}})\b",
        weekday_prefix(),
        any_month_alt()
    ))
});
static DMY: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b{}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{})(?:,?\s+(?P<year>\d{{4}}))?\b",
        weekday_prefix(),
        any_month_alt()
    ))
});
static MD: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b{}(?P<mon>{})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b",
        weekday_prefix(),
        any_month_alt()
    ))
});
static MY: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b(?P<mon>{}),?\s+(?P<year>\d{{4}})\b",
        any_month_alt()
    ))
});
static ISO: LazyLock<Regex> = LazyLock::new(|| re(r"(\d{4})-(\d{2})-(\d{2})"));
static NUMERIC: LazyLock<Regex> =
    LazyLock::new(|| re(r"(\d{1,2})([/.])(\d{1,2})([/.])(\d{4})|(\d{4})/(\d{1,2})/(\d{1,2})"));
static YEAR: LazyLock<Regex> = LazyLock::new(|| re(r"\d{4}"));
static MONTH_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b(?:(?P<mod>(?i:last|next|this))\s+)?(?P<mon>{})\b",
        title_and_upper(&FULL_MONTHS)
    ))
});
static WEEKDAY: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b(?:(?P<mod>(?i:last|next|this))\s+)?(?P<wd>{})\b",
        title_and_upper(&WEEKDAYS)
    ))
});
static DEICTIC: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:(?:earlier|later)\s+)?(?:(?P<tmod>this|last|next)\s+(?P<unit>week|month|year)|(?P<word>yesterday|today|tomorrow|tonight)|this\s+(?:morning|afternoon|evening)|(?P<lastnight>last\s+night))\b",
    )
});
static AGO: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b(?:(?P<n>{NUM})\s+)?(?P<unit>day|week|month|year)(?P<pl>s)?\s+ago\b"
    ))
});
static OFFSET: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b(?:(?P<n>{NUM})\s+)?(?P<unit>day|week|month|year)(?P<pl>s)?\s+(?P<dir>later|after|before|earlier)\b"
    ))
});
static THE_REL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\bthe\s+(?:(?P<rel>next|following|previous|preceding|same)\s+(?P<u1>day|week|month|year)|(?P<u2>day|week|month|year)\s+(?P<dir>before|after|earlier|later))\b",
    )
});
static AHEAD: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\bin\s+(?P<span>(?P<n>{NUM})\s+(?P<unit>day|week|month|year)s?)\b"
    ))
});
static PART_OF: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\bthe\s+(?:start|beginning|end|middle)\s+of\s+(?:the|this|(?P<m>last|next))\s+(?P<unit>week|month|year)\b",
    )
});
static THAT_UNIT: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)\b(?:(?:earlier|later)\s+that|that\s+same)\s+(?P<u>day|week|month|year)\b")
});
static URL: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\b(?:https?://|www\.)\S+"));

/// The candidate patterns `find_candidates` searches with, each a bit of [`GATE`].
#[derive(Debug, Clone, Copy)]
enum Pat {
    Mdy,
    Dmy,
    Md,
    My,
    Iso,
    Numeric,
    Year,
    MonthOnly,
    Weekday,
    Deictic,
    Ago,
    Offset,
    TheRel,
    Ahead,
    PartOf,
    ThatUnit,
}

impl Pat {
    const ALL: [Pat; 16] = [
        Pat::Mdy,
        Pat::Dmy,
        Pat::Md,
        Pat::My,
        Pat::Iso,
        Pat::Numeric,
        Pat::Year,
        Pat::MonthOnly,
        Pat::Weekday,
        Pat::Deictic,
        Pat::Ago,
        Pat::Offset,
        Pat::TheRel,
        Pat::Ahead,
        Pat::PartOf,
        Pat::ThatUnit,
    ];

    fn regex(self) -> &'static Regex {
        match self {
            Pat::Mdy => &MDY,
            Pat::Dmy => &DMY,
            Pat::Md => &MD,
            Pat::My => &MY,
            Pat::Iso => &ISO,
            Pat::Numeric => &NUMERIC,
            Pat::Year => &YEAR,
            Pat::MonthOnly => &MONTH_ONLY,
            Pat::Weekday => &WEEKDAY,
            Pat::Deictic => &DEICTIC,
            Pat::Ago => &AGO,
            Pat::Offset => &OFFSET,
            Pat::TheRel => &THE_REL,
            Pat::Ahead => &AHEAD,
            Pat::PartOf => &PART_OF,
            Pat::ThatUnit => &THAT_UNIT,
        }
    }
}

/// A pattern with its `\b` dropped: it matches wherever the pattern matched (and more).
///
/// Most sentences hold no date, and searching them is what costs: a Unicode `\b`
/// stops regex's fast DFA at the first non-ASCII character (a curly quote is
/// enough), and the search falls back to a backtracker over the rest of the
/// sentence. Without word boundaries the DFA runs over any text.
fn loose(p: Pat) -> String {
    p.regex().as_str().replace(r"\b", "")
}

/// Every loose pattern, in [`Pat::ALL`] order, run at once: a pattern this set
/// rules out cannot match, so skipping it changes nothing.
static GATE: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new(Pat::ALL.map(loose)).unwrap_or_else(|e| panic!("bad gate pattern: {e}"))
});

/// The loose patterns one by one, in [`Pat::ALL`] order; None where there is no `\b` to drop.
static LOOSE: LazyLock<Vec<Option<Regex>>> = LazyLock::new(|| {
    Pat::ALL
        .iter()
        .map(|&p| {
            let l = loose(p);
            (l != p.regex().as_str()).then(|| re(&l))
        })
        .collect()
});

/// Which candidate patterns can match one sentence.
struct Gate(SetMatches);

impl Gate {
    fn of(s: &str) -> Gate {
        Gate(GATE.matches(s))
    }

    /// The matches of `p` in `s`, as `captures_iter` finds them; none, without a
    /// search, when the gate rules `p` out.
    fn captures<'h>(&self, p: Pat, s: &'h str) -> impl Iterator<Item = Captures<'h>> {
        let strict = p.regex();
        let loose = LOOSE[p as usize].as_ref();
        let mut at = self.0.matched(p as usize).then_some(0);
        std::iter::from_fn(move || {
            let from = at?;
            // No match of `p` starts before the loose pattern's first match, so the
            // strict search can start there, where its DFA usually finds the match
            // before any non-ASCII character makes it give up. `captures_at` still
            // sees the text before `start`, so `\b` there is judged as before.
            let start = match loose {
                Some(l) => l.find_at(s, from)?.start(),
                None => from,
            };
            let c = strict.captures_at(s, start)?;
            // Every pattern consumes text, so the next search starts after this match
            // (an empty match, which none of them can make, would end the search).
            at = c.get(0).filter(|m| !m.is_empty()).map(|m| m.end());
            Some(c)
        })
    }

    /// The matches of `p` in `s` as `find_iter` finds them (only for patterns without
    /// `\b`, which the DFA searches well); none when the gate rules `p` out.
    fn find<'h>(&self, p: Pat, s: &'h str) -> impl Iterator<Item = regex::Match<'h>> {
        let open = self.0.matched(p as usize);
        open.then(|| p.regex().find_iter(s)).into_iter().flatten()
    }
}

fn month_number(name: &str) -> Option<u32> {
    let key = name.get(..3)?.to_ascii_lowercase();
    FULL_MONTHS
        .iter()
        .position(|m| m[..3].eq_ignore_ascii_case(&key))
        .map(|i| i as u32 + 1)
}

fn weekday_of(name: &str) -> Option<Weekday> {
    let key = name.get(..3)?.to_ascii_lowercase();
    let i = WEEKDAYS
        .iter()
        .position(|w| w[..3].eq_ignore_ascii_case(&key))?;
    Some(match i {
        0 => Weekday::Mon,
        1 => Weekday::Tue,
        2 => Weekday::Wed,
        3 => Weekday::Thu,
        4 => Weekday::Fri,
        5 => Weekday::Sat,
        _ => Weekday::Sun,
    })
}

fn unit_of(s: &str) -> Unit {
    match s.to_ascii_lowercase().as_str() {
        "day" => Unit::Day,
        "week" => Unit::Week,
        "month" => Unit::Month,
        _ => Unit::Year,
    }
}

/// A count as (low, high): exact for "two", a range for "a few" or a bare plural.
fn count_of(n: Option<&str>, plural: bool, unit: Unit) -> Option<(u32, u32)> {
    let Some(n) = n else {
        if !plural {
            return None;
        }
        // "days later", "months before": some, but more than one.
        return Some(match unit {
            Unit::Day => (2, 9),
            Unit::Week => (2, 6),
            Unit::Month => (2, 11),
            Unit::Year => (2, 9),
        });
    };
    let n = n.to_ascii_lowercase();
    let n: String = n.split_whitespace().collect::<Vec<_>>().join(" ");
    let exact = |k: u32| Some((k, k));
    match n.as_str() {
        "a" | "an" | "one" => exact(1),
        "two" => exact(2),
        "three" => exact(3),
        "four" => exact(4),
        "five" => exact(5),
        "six" => exact(6),
        "seven" => exact(7),
        "eight" => exact(8),
        "nine" => exact(9),
        "ten" => exact(10),
        "eleven" => exact(11),
        "twelve" => exact(12),
        "fifteen" => exact(15),
        "twenty" => exact(20),
        "thirty" => exact(30),
        "a few" | "few" => Some((2, 5)),
        "several" => Some((3, 9)),
        "a couple" | "a couple of" | "couple of" => Some((2, 3)),
        digits => digits.parse().ok().map(|k: u32| (k, k)),
    }
}

fn char_before(s: &str, pos: usize) -> Option<char> {
    s.get(..pos)?.chars().next_back()
}

fn char_after(s: &str, pos: usize) -> Option<char> {
    s.get(pos..)?.chars().next()
}

/// The word just before `pos` (letters and dots), skipping spaces, and where it starts.
fn word_before(s: &str, pos: usize) -> Option<(&str, usize)> {
    let head = s.get(..pos)?;
    let trimmed = head.trim_end();
    let end = trimmed.len();
    let start = trimmed
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphabetic() || *c == '.' || *c == '\'' || *c == '’')
        .last()
        .map_or(end, |(i, _)| i);
    if start == end {
        None
    } else {
        Some((&trimmed[start..end], start))
    }
}

/// The word just after `pos`, skipping spaces.
fn word_after(s: &str, pos: usize) -> Option<&str> {
    let tail = s.get(pos..)?;
    let tail = tail.trim_start();
    let end = tail
        .char_indices()
        .find(|(_, c)| !c.is_alphabetic())
        .map_or(tail.len(), |(i, _)| i);
    if end == 0 { None } else { Some(&tail[..end]) }
}

fn is_month_word(w: &str) -> bool {
    let w = w.trim_end_matches('.');
    FULL_MONTHS
        .iter()
        .chain(ABBR_MONTHS.iter())
        .any(|m| *m == w || m.to_uppercase() == w)
}

fn is_year_token(w: &str) -> bool {
    w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit())
}

/// The token before `pos` ignoring spaces, whatever it is made of, with its start.
fn token_before(s: &str, pos: usize) -> Option<(&str, usize)> {
    let head = s.get(..pos)?.trim_end();
    let start = head
        .char_indices()
        .rev()
        .take_while(|(_, c)| !c.is_whitespace())
        .last()
        .map(|(i, _)| i)?;
    Some((&head[start..], start))
}

/// After "and", "or", "to" or a dash, a bare month or year counts only when a
/// month or a year stands just before: "April and May", "2014-2015".
fn follows_date_list(s: &str, conj_start: usize) -> bool {
    let Some((t, ts)) = token_before(s, conj_start) else {
        return false;
    };
    let t = t.trim_end_matches([',', ';']);
    let t = t.trim_end_matches(|c: char| {
        c.is_ascii_alphabetic() && t.starts_with(|d: char| d.is_ascii_digit())
    });
    if is_month_word(t) || is_year_token(t) {
        return true;
    }
    // "April 3 and May 5": a day number, itself after a month.
    !t.is_empty()
        && t.len() <= 2
        && t.bytes().all(|b| b.is_ascii_digit())
        && token_before(s, ts).is_some_and(|(p, _)| is_month_word(p))
}

fn month_cue_ok(s: &str, start: usize) -> bool {
    const CUES: [&str; 17] = [
        "in",
        "since",
        "by",
        "until",
        "till",
        "through",
        "throughout",
        "during",
        "from",
        "of",
        "early",
        "late",
        "mid",
        "before",
        "after",
        "around",
        "between",
    ];
    match char_before(s, start) {
        Some('-') | Some('–') => {
            let dash = start - char_before(s, start).map_or(0, char::len_utf8);
            if let Some((w, _)) = word_before(s, dash)
                && ["mid", "early", "late", "pre", "post"].contains(&w.to_lowercase().as_str())
            {
                return true;
            }
            return follows_date_list(s, dash);
        }
        _ => {}
    }
    let Some((w, ws)) = word_before(s, start) else {
        return false;
    };
    let lw = w.to_lowercase();
    if CUES.contains(&lw.as_str()) {
        return true;
    }
    if ["and", "or", "to", "&"].contains(&lw.as_str()) {
        return follows_date_list(s, ws);
    }
    false
}

/// A lower-case plural or a counted noun after a number makes it a quantity: "2000 drones".
fn quantity_follows(s: &str, end: usize) -> bool {
    let Some(w) = word_after(s, end) else {
        return false;
    };
    if !s.get(end..).is_some_and(|t| t.starts_with(' ')) {
        return false;
    }
    let lw = w.to_lowercase();
    if w.chars().next().is_some_and(char::is_uppercase) {
        return false;
    }
    const COUNTED: [&str; 10] = [
        "people", "men", "women", "children", "percent", "million", "billion", "thousand", "per",
        "more",
    ];
    const NOT_PLURAL: [&str; 9] = [
        "this", "thus", "less", "across", "unless", "versus", "whereas", "focus", "status",
    ];
    COUNTED.contains(&lw.as_str())
        || (lw.len() > 3
            && lw.ends_with('s')
            && !lw.ends_with("ss")
            && !NOT_PLURAL.contains(&lw.as_str()))
}

fn year_ok(s: &str, start: usize, end: usize) -> bool {
    const CUES: [&str; 28] = [
        "in",
        "since",
        "by",
        "until",
        "till",
        "through",
        "throughout",
        "during",
        "from",
        "of",
        "for",
        "before",
        "after",
        "between",
        "early",
        "late",
        "mid",
        "around",
        "circa",
        "than",
        "year",
        "fiscal",
        "spring",
        "summer",
        "autumn",
        "fall",
        "winter",
        "the",
    ];
    const STARTERS: [&str; 10] = [
        "was", "is", "has", "had", "saw", "marked", "will", "began", "brought", "ended",
    ];
    let before = char_before(s, start);
    let after = char_after(s, end);
    // Part of a larger token: "A2024", "1990s", "2024x".
    if before.is_some_and(char::is_alphanumeric) || after.is_some_and(|c| c.is_alphanumeric()) {
        return false;
    }
    // Money, copyright, numbering, decimals, fractions, percentages, times.
    if before.is_some_and(|c| "$€£¥©#+/:.,@".contains(c)) {
        return false;
    }
    let next_two: Vec<char> = s
        .get(end..)
        .map_or(Vec::new(), |t| t.chars().take(2).collect());
    match next_two.as_slice() {
        ['%', ..] | ['/', ..] => return false,
        [',' | '.' | ':', d] if d.is_ascii_digit() => return false,
        _ => {}
    }
    let Ok(y) = s[start..end].parse::<i32>() else {
        return false;
    };
    if !(1800..=2100).contains(&y) {
        return false;
    }
    // "©  2024", "(c) 2024", "Copyright 2024".
    let prev_nonspace = s[..start].trim_end().chars().next_back();
    if prev_nonspace == Some('©')
        || s[..start].trim_end().to_lowercase().ends_with("(c)")
        || word_before(s, start).is_some_and(|(w, _)| w.eq_ignore_ascii_case("copyright"))
    {
        return false;
    }
    if matches!(before, Some('-') | Some('–')) {
        let dash = start - before.map_or(0, char::len_utf8);
        // "Pre-2014", "mid-2014", or a range "2014-2015".
        if let Some((w, ws)) = word_before(s, dash)
            && ws + w.len() == dash
        {
            return ["mid", "early", "late", "pre", "post"].contains(&w.to_lowercase().as_str());
        }
        return token_before(s, dash + before.map_or(0, char::len_utf8))
            .is_some_and(|(t, _)| t.len() >= 5 && t.get(..4).is_some_and(is_year_token));
    }
    if quantity_follows(s, end) {
        return false;
    }
    match word_before(s, start) {
        Some((w, ws)) => {
            let lw = w.to_lowercase();
            if ["and", "or", "to", "through", "&"].contains(&lw.as_str()) {
                return follows_date_list(s, ws);
            }
            CUES.contains(&lw.as_str())
        }
        None => {
            // A sentence that opens on a year: "2014 was the year ...", "2014, ...".
            s[..start].trim().is_empty()
                && (after == Some(',')
                    || word_after(s, end)
                        .is_some_and(|w| STARTERS.contains(&w.to_lowercase().as_str())))
        }
    }
}

/// A capitalised word just before a weekday makes it a name: "Black Friday", "Super Tuesday".
fn weekday_is_name(s: &str, start: usize) -> bool {
    const OK: [&str; 12] = [
        "on", "by", "since", "until", "till", "before", "after", "from", "last", "next", "this",
        "said",
    ];
    match word_before(s, start) {
        Some((w, _)) => {
            w.chars().next().is_some_and(char::is_uppercase)
                && !OK.contains(&w.to_lowercase().as_str())
        }
        None => false,
    }
}

fn day_ok(s: &str, end: usize) -> bool {
    let next: Vec<char> = s
        .get(end..)
        .map_or(Vec::new(), |t| t.chars().take(2).collect());
    !matches!(
        next.as_slice(),
        ['%', ..] | [',' | '.' | ':', '0'..='9', ..]
    )
}

fn full_date(y: &str, m: u32, d: &str) -> Option<NaiveDate> {
    let y: i32 = y.parse().ok()?;
    if !(1000..=2200).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d.parse().ok()?)
}

fn iso_value(c: &Captures) -> Option<DateValue> {
    let y: i32 = c.get(1)?.as_str().parse().ok()?;
    let m: u32 = c.get(2)?.as_str().parse().ok()?;
    let d: u32 = c.get(3)?.as_str().parse().ok()?;
    DateValue::day(y, m, d)
}

fn push(out: &mut Vec<Cand>, start: usize, end: usize, what: What) {
    out.push(Cand {
        start,
        end,
        what,
        since: false,
    });
}

/// Dates that carry their own year.
fn absolute_candidates(s: &str, gate: &Gate, out: &mut Vec<Cand>) {
    for c in gate.captures(Pat::Mdy, s) {
        let (Some(all), Some(mon), Some(day), Some(year)) =
            (c.get(0), c.name("mon"), c.name("day"), c.name("year"))
        else {
            continue;
        };
        if let Some(m) = month_number(mon.as_str())
            && let Some(d) = full_date(year.as_str(), m, day.as_str())
        {
            push(out, all.start(), all.end(), What::Full(d));
        }
    }
    for c in gate.captures(Pat::Dmy, s) {
        let (Some(all), Some(mon), Some(day)) = (c.get(0), c.name("mon"), c.name("day")) else {
            continue;
        };
        if matches!(char_before(s, day.start()), Some(c) if "$€£.,".contains(c)) {
            continue;
        }
        let Some(m) = month_number(mon.as_str()) else {
            continue;
        };
        match c.name("year") {
            Some(year) => {
                if let Some(d) = full_date(year.as_str(), m, day.as_str()) {
                    push(out, all.start(), all.end(), What::Full(d));
                }
            }
            None => {
                if let Ok(d) = day.as_str().parse::<u32>()
                    && NaiveDate::from_ymd_opt(2000, m, d).is_some()
                {
                    push(out, all.start(), all.end(), What::MonthDay(m, d));
                }
            }
        }
    }
    for c in gate.captures(Pat::My, s) {
        let (Some(all), Some(mon), Some(year)) = (c.get(0), c.name("mon"), c.name("year")) else {
            continue;
        };
        let y: i32 = year.as_str().parse().unwrap_or(0);
        if (1000..=2200).contains(&y)
            && day_ok(s, all.end())
            && let Some(m) = month_number(mon.as_str())
        {
            push(out, all.start(), all.end(), What::MonthYear(y, m));
        }
    }
    for c in gate.captures(Pat::Iso, s) {
        let Some(all) = c.get(0) else { continue };
        let edge_ok = !char_before(s, all.start()).is_some_and(|c| c.is_ascii_digit() || c == '-')
            && !char_after(s, all.end()).is_some_and(|c| c.is_ascii_digit() || c == '-');
        if edge_ok
            && let Some(v) = iso_value(&c)
            && let Some((d, _)) = v.span()
        {
            push(out, all.start(), all.end(), What::Full(d));
        }
    }
    for c in gate.captures(Pat::Numeric, s) {
        let Some(all) = c.get(0) else { continue };
        let edge =
            |ch: Option<char>| ch.is_some_and(|c| c.is_ascii_digit() || c == '/' || c == '.');
        if edge(char_before(s, all.start())) || edge(char_after(s, all.end())) {
            continue;
        }
        let num = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
        let date = if let (Some(a), Some(sep), Some(b), Some(sep2), Some(y)) =
            (num(1), c.get(2), num(3), c.get(4), c.get(5))
        {
            if sep.as_str() != sep2.as_str() {
                continue;
            }
            // Dotted dates are European (day first); slashes are US unless the first number can't be a month.
            let (m, d) = if sep.as_str() == "." || (a > 12 && b <= 12) {
                (b, a)
            } else {
                (a, b)
            };
            full_date(y.as_str(), m, &d.to_string())
        } else if let (Some(y), Some(m), Some(d)) = (c.get(6), num(7), num(8)) {
            full_date(y.as_str(), m, &d.to_string())
        } else {
            None
        };
        if let Some(d) = date {
            push(out, all.start(), all.end(), What::Full(d));
        }
    }
}

fn find_candidates(s: &str) -> Vec<Cand> {
    let gate = Gate::of(s);
    let mut out = Vec::new();
    absolute_candidates(s, &gate, &mut out);
    for c in gate.captures(Pat::Md, s) {
        let (Some(all), Some(mon), Some(day)) = (c.get(0), c.name("mon"), c.name("day")) else {
            continue;
        };
        if !day_ok(s, all.end()) {
            continue;
        }
        if let Some(m) = month_number(mon.as_str())
            && let Ok(d) = day.as_str().parse::<u32>()
            && NaiveDate::from_ymd_opt(2000, m, d).is_some()
        {
            push(&mut out, all.start(), all.end(), What::MonthDay(m, d));
        }
    }
    for m in gate.find(Pat::Year, s) {
        if year_ok(s, m.start(), m.end())
            && let Ok(y) = m.as_str().parse()
        {
            push(&mut out, m.start(), m.end(), What::Year(y));
        }
    }
    for c in gate.captures(Pat::MonthOnly, s) {
        let (Some(all), Some(mon)) = (c.get(0), c.name("mon")) else {
            continue;
        };
        let modifier = match c.name("mod").map(|m| m.as_str().to_lowercase()) {
            Some(w) if w == "last" => Modifier::Last,
            Some(w) if w == "next" => Modifier::Next,
            Some(_) => Modifier::This,
            None => Modifier::None,
        };
        if (modifier != Modifier::None || month_cue_ok(s, mon.start()))
            && let Some(m) = month_number(mon.as_str())
        {
            push(
                &mut out,
                all.start(),
                all.end(),
                What::MonthOnly(m, modifier),
            );
        }
    }
    for c in gate.captures(Pat::Weekday, s) {
        let (Some(all), Some(wd)) = (c.get(0), c.name("wd")) else {
            continue;
        };
        let modifier = match c.name("mod").map(|m| m.as_str().to_lowercase()) {
            Some(w) if w == "last" => Modifier::Last,
            Some(w) if w == "next" => Modifier::Next,
            Some(_) => Modifier::This,
            None => Modifier::None,
        };
        if (modifier != Modifier::None || !weekday_is_name(s, all.start()))
            && let Some(w) = weekday_of(wd.as_str())
        {
            push(&mut out, all.start(), all.end(), What::Weekday(w, modifier));
        }
    }
    for c in gate.captures(Pat::Deictic, s) {
        let Some(all) = c.get(0) else { continue };
        let what = if let (Some(tmod), Some(unit)) = (c.name("tmod"), c.name("unit")) {
            let tmod = tmod.as_str().to_lowercase();
            // "over the last year", "the past month", "in the next year" are durations.
            if tmod != "this"
                && word_before(s, all.start()).is_some_and(|(w, _)| {
                    ["the", "past", "over", "for", "within"].contains(&w.to_lowercase().as_str())
                })
            {
                continue;
            }
            let k = match tmod.as_str() {
                "last" => -1,
                "next" => 1,
                _ => 0,
            };
            What::Deictic(unit_of(unit.as_str()), k)
        } else if let Some(w) = c.name("word") {
            let k = match w.as_str().to_lowercase().as_str() {
                "yesterday" => -1,
                "tomorrow" => 1,
                _ => 0,
            };
            What::Deictic(Unit::Day, k)
        } else if c.name("lastnight").is_some() {
            What::Deictic(Unit::Day, -1)
        } else {
            What::Deictic(Unit::Day, 0)
        };
        push(&mut out, all.start(), all.end(), what);
    }
    for c in gate.captures(Pat::Ago, s) {
        let (Some(all), Some(unit)) = (c.get(0), c.name("unit")) else {
            continue;
        };
        let unit = unit_of(unit.as_str());
        if let Some((lo, hi)) = count_of(
            c.name("n").map(|m| m.as_str()),
            c.name("pl").is_some(),
            unit,
        ) {
            push(&mut out, all.start(), all.end(), What::Ago(unit, lo, hi));
        }
    }
    for c in gate.captures(Pat::Offset, s) {
        let (Some(all), Some(unit), Some(dir)) = (c.get(0), c.name("unit"), c.name("dir")) else {
            continue;
        };
        // "the day after" is a calendar shift (below), "day after day" no date at all.
        if word_before(s, all.start()).is_some_and(|(w, _)| w.eq_ignore_ascii_case("the")) {
            continue;
        }
        let unit = unit_of(unit.as_str());
        let sign = match dir.as_str().to_lowercase().as_str() {
            "later" | "after" => 1,
            _ => -1,
        };
        // "before"/"after" may take an object; "later"/"earlier" never do.
        let takes_object = matches!(dir.as_str().to_lowercase().as_str(), "before" | "after")
            && char_after(s, all.end()) == Some(' ')
            && word_after(s, all.end())
                .or_else(|| s.get(all.end()..).and_then(|t| t.trim_start().get(..1)))
                .is_some_and(|w| {
                    let lw = w.to_lowercase();
                    !["that", "then", "this"].contains(&lw.as_str())
                        && w.chars()
                            .next()
                            .is_some_and(|c| c.is_alphanumeric() || "$“\"'‘".contains(c))
                });
        let reference = if takes_object {
            Reference::Event
        } else {
            Reference::LastMentioned
        };
        if let Some((lo, hi)) = count_of(
            c.name("n").map(|m| m.as_str()),
            c.name("pl").is_some(),
            unit,
        ) {
            push(
                &mut out,
                all.start(),
                all.end(),
                What::Offset(unit, lo, hi, sign, reference),
            );
        }
    }
    for c in gate.captures(Pat::Ahead, s) {
        let (Some(span), Some(unit)) = (c.name("span"), c.name("unit")) else {
            continue;
        };
        // "in two years of war" is a duration.
        if word_after(s, span.end()).is_some_and(|w| w.eq_ignore_ascii_case("of")) {
            continue;
        }
        let unit = unit_of(unit.as_str());
        if let Some((lo, hi)) = count_of(c.name("n").map(|m| m.as_str()), true, unit) {
            push(
                &mut out,
                span.start(),
                span.end(),
                What::Ahead(unit, lo, hi),
            );
        }
    }
    for c in gate.captures(Pat::PartOf, s) {
        let (Some(all), Some(unit)) = (c.get(0), c.name("unit")) else {
            continue;
        };
        let k = match c.name("m").map(|m| m.as_str().to_lowercase()) {
            Some(m) if m == "last" => -1,
            Some(m) if m == "next" => 1,
            _ => 0,
        };
        push(
            &mut out,
            all.start(),
            all.end(),
            What::Deictic(unit_of(unit.as_str()), k),
        );
    }
    for c in gate.captures(Pat::TheRel, s) {
        let Some(all) = c.get(0) else { continue };
        let (unit, k) = if let (Some(rel), Some(u)) = (c.name("rel"), c.name("u1")) {
            let rel = rel.as_str().to_lowercase();
            // "over the next year" is a duration.
            if rel == "next"
                && word_before(s, all.start()).is_some_and(|(w, _)| {
                    ["over", "for", "during", "within", "in", "throughout"]
                        .contains(&w.to_lowercase().as_str())
                })
            {
                continue;
            }
            let k = match rel.as_str() {
                "next" | "following" => 1,
                "same" => 0,
                _ => -1,
            };
            (unit_of(u.as_str()), k)
        } else if let (Some(u), Some(dir)) = (c.name("u2"), c.name("dir")) {
            let k = match dir.as_str().to_lowercase().as_str() {
                "after" | "later" => 1,
                _ => -1,
            };
            (unit_of(u.as_str()), k)
        } else {
            continue;
        };
        push(
            &mut out,
            all.start(),
            all.end(),
            What::AnaphoricCalendar(unit, k),
        );
    }
    for c in gate.captures(Pat::ThatUnit, s) {
        let (Some(all), Some(u)) = (c.get(0), c.name("u")) else {
            continue;
        };
        push(
            &mut out,
            all.start(),
            all.end(),
            What::AnaphoricCalendar(unit_of(u.as_str()), 0),
        );
    }

    // Most sentences end here: nothing to filter, order or merge.
    if out.is_empty() {
        return out;
    }
    // Dates inside a link are the link's, not the story's.
    let urls: Vec<Range<usize>> = URL.find_iter(s).map(|m| m.range()).collect();
    out.retain(|c| !urls.iter().any(|u| c.start < u.end && u.start < c.end));

    // Longest wins; then reading order.
    out.sort_by_key(|c| (std::cmp::Reverse(c.end - c.start), c.start));
    // Taken spans by start; they never overlap, so only the neighbours can collide.
    let mut taken: std::collections::BTreeMap<usize, Cand> = std::collections::BTreeMap::new();
    for c in out {
        let left_free = taken
            .range(..c.end)
            .next_back()
            .is_none_or(|(_, k)| k.end <= c.start);
        if left_free {
            taken.insert(c.start, c);
        }
    }
    let chosen: Vec<Cand> = taken.into_values().collect();
    // "three days after July 4" is one expression, counted from its own date.
    let mut merged: Vec<Cand> = Vec::with_capacity(chosen.len());
    for c in chosen {
        if let Some(prev) = merged.last_mut()
            && let What::Offset(unit, lo, hi, sign, Reference::Event) = &prev.what
            && s.get(prev.end..c.start)
                .is_some_and(|gap| gap.trim().is_empty())
            && matches!(c.what.kind(), ExprKind::Absolute | ExprKind::Underspecified)
        {
            prev.what = What::Offset(*unit, *lo, *hi, *sign, Reference::Date(Box::new(c.what)));
            prev.end = c.end;
            continue;
        }
        merged.push(c);
    }
    let mut chosen = merged;
    for c in &mut chosen {
        if matches!(c.what, What::Offset(..) | What::Ago(..) | What::Ahead(..)) {
            continue;
        }
        let mut prev = word_before(s, c.start);
        // "since early 2014", "since mid-May": the qualifier sits between.
        if let Some((w, ws)) = prev
            && ["early", "late", "mid", "mid-"].contains(&w.to_lowercase().as_str())
        {
            prev = word_before(s, ws);
        } else if char_before(s, c.start) == Some('-')
            && let Some((w, ws)) = word_before(s, c.start - 1)
            && w.eq_ignore_ascii_case("mid")
        {
            prev = word_before(s, ws);
        }
        if let Some((w, ws)) = prev
            && w.eq_ignore_ascii_case("since")
        {
            c.start = ws;
            c.since = true;
        }
    }
    chosen
}

// ---------------------------------------------------------------------------
// Tense

struct Token {
    start: usize,
    end: usize,
    lower: String,
    capitalised: bool,
}

fn tokenize(s: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let flush = |st: usize, en: usize, out: &mut Vec<Token>| {
        let w = &s[st..en];
        out.push(Token {
            start: st,
            end: en,
            // ASCII needs neither Unicode case tables nor a second pass for ’.
            lower: if w.is_ascii() {
                w.to_ascii_lowercase()
            } else {
                w.to_lowercase().replace('’', "'")
            },
            capitalised: w.chars().next().is_some_and(char::is_uppercase),
        });
    };
    for (i, c) in s.char_indices() {
        let part = c.is_alphabetic() || ((c == '\'' || c == '’') && start.is_some());
        match (part, start) {
            (true, None) => start = Some(i),
            (false, Some(st)) => {
                flush(st, i, &mut out);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(st) = start {
        flush(st, s.len(), &mut out);
    }
    out
}

const IRREGULAR_PAST: &[&str] = &[
    "was",
    "were",
    "had",
    "did",
    "said",
    "told",
    "took",
    "made",
    "came",
    "went",
    "began",
    "begun",
    "met",
    "spoke",
    "gave",
    "saw",
    "won",
    "lost",
    "held",
    "led",
    "left",
    "sent",
    "got",
    "became",
    "brought",
    "bought",
    "thought",
    "knew",
    "wrote",
    "ran",
    "rose",
    "fell",
    "found",
    "kept",
    "paid",
    "struck",
    "stood",
    "sought",
    "taught",
    "wore",
    "drew",
    "grew",
    "threw",
    "flew",
    "fought",
    "caught",
    "felt",
    "heard",
    "meant",
    "been",
    "gone",
    "given",
    "taken",
    "seen",
    "known",
    "shown",
    "spoken",
    "written",
    "broken",
    "chosen",
    "driven",
    "fallen",
    "risen",
    "stolen",
    "sworn",
    "arose",
    "broke",
    "built",
    "chose",
    "dealt",
    "drove",
    "fled",
    "forgot",
    "froze",
    "hung",
    "hid",
    "lent",
    "rode",
    "rang",
    "sang",
    "sank",
    "shook",
    "shot",
    "slept",
    "sold",
    "spent",
    "stole",
    "stuck",
    "swore",
    "swept",
    "tore",
    "understood",
    "woke",
    "withdrew",
    "ago",
    "previously",
    "formerly",
];
const ED_NOT_PAST: &[&str] = &[
    "need", "speed", "seed", "feed", "breed", "proceed", "exceed", "succeed", "indeed", "hundred",
    "embed", "greed", "creed", "bleed", "shred", "steed",
];
const FUTURE_WORDS: &[&str] = &[
    "will",
    "shall",
    "won't",
    "may",
    "might",
    "upcoming",
    "scheduled",
    "slated",
    "expected",
    "planned",
    "plans",
    "planning",
    "intends",
    "next",
];
/// Present-tense verbs that announce a schedule: like HeidelTime's PRESENTFUTURE,
/// "the deadline expires in September" looks forward.
const SCHEDULE_PRESENT: &[&str] = &[
    "begins",
    "begin",
    "starts",
    "start",
    "ends",
    "end",
    "expires",
    "expire",
    "opens",
    "closes",
    "takes",
    "meets",
    "meet",
    "arrives",
    "arrive",
    "returns",
    "return",
    "visits",
    "resumes",
    "resume",
    "lasts",
    "travels",
    "hosts",
    "convenes",
    "reconvenes",
];

fn is_future_modal(t: &Token) -> bool {
    matches!(t.lower.as_str(), "will" | "shall" | "won't") || t.lower.ends_with("'ll")
}

fn classify(tokens: &[Token], i: usize) -> Option<Tense> {
    let t = &tokens[i];
    let w = t.lower.as_str();
    let next = tokens.get(i + 1).map(|t| t.lower.as_str());
    let prev = i
        .checked_sub(1)
        .and_then(|j| tokens.get(j))
        .map(|t| t.lower.as_str());
    if FUTURE_WORDS.contains(&w) || t.lower.ends_with("'ll") {
        return Some(Tense::Future);
    }
    if (w == "going" || w == "set") && next == Some("to") {
        return Some(Tense::Future);
    }
    if w == "falls" && next == Some("on") {
        return Some(Tense::Future);
    }
    if SCHEDULE_PRESENT.contains(&w) && !matches!(prev, Some("to" | "did" | "didn't")) {
        return Some(Tense::Future);
    }
    // "are meeting in May": the present progressive of news is a plan.
    if matches!(w, "is" | "are" | "am" | "'re")
        && next.is_some_and(|n| n.len() > 4 && n.ends_with("ing"))
    {
        return Some(Tense::Future);
    }
    if w == "due" && matches!(prev, Some("is" | "are" | "be" | "was" | "were")) {
        return Some(Tense::Future);
    }
    let participle = IRREGULAR_PAST.contains(&w)
        || (!t.capitalised && w.len() >= 5 && w.ends_with("ed") && !ED_NOT_PAST.contains(&w));
    if !participle {
        return None;
    }
    // "will be pushed", "is to be held": a participle under a future modal.
    let lo = i.saturating_sub(3);
    if tokens[lo..i].iter().any(is_future_modal)
        || (i >= 2 && tokens[i - 2].lower == "to" && tokens[i - 1].lower == "be")
    {
        return Some(Tense::Future);
    }
    Some(Tense::Past)
}

/// The tense of the verb nearest before the expression, else the first after
/// it, else the past (news reports what happened).
fn tense_near(tokens: &[Token], cands: &[Cand], i: usize) -> Tense {
    const WINDOW: usize = 40;
    let c = &cands[i];
    // Candidates are sorted and disjoint: the one that could hold a token is the last starting before its end.
    let outside = |t: &Token| {
        let k = cands.partition_point(|k| k.start < t.end);
        k == 0 || cands[k - 1].end <= t.start
    };
    let first_after = tokens.partition_point(|t| t.start < c.end);
    let last_before = tokens.partition_point(|t| t.end <= c.start);
    let before = (0..last_before).rev().take(WINDOW);
    let after = (first_after..tokens.len()).take(WINDOW);
    before
        .chain(after)
        .filter(|&j| outside(&tokens[j]))
        .find_map(|j| classify(tokens, j))
        .unwrap_or(Tense::Past)
}

// ---------------------------------------------------------------------------
// Resolution

type DaySpan = (NaiveDate, NaiveDate);

fn last_of_month(d: NaiveDate) -> Option<NaiveDate> {
    let first = d.with_day(1)?;
    first.checked_add_months(Months::new(1))?.pred_opt()
}

fn add_months(d: NaiveDate, k: i64) -> Option<NaiveDate> {
    let n = u32::try_from(k.unsigned_abs()).ok()?;
    if k >= 0 {
        d.checked_add_months(Months::new(n))
    } else {
        d.checked_sub_months(Months::new(n))
    }
}

fn add_days(d: NaiveDate, k: i64) -> Option<NaiveDate> {
    if k >= 0 {
        d.checked_add_days(Days::new(k.unsigned_abs()))
    } else {
        d.checked_sub_days(Days::new(k.unsigned_abs()))
    }
}

/// The finest value that holds the whole span; None when it crosses a year.
fn coarsen((lo, hi): DaySpan) -> Option<DateValue> {
    if lo > hi || lo.year() != hi.year() {
        None
    } else if lo == hi {
        Some(DateValue::from_date(lo))
    } else if lo.month() == hi.month() {
        DateValue::month(lo.year(), lo.month())
    } else {
        Some(DateValue::year(lo.year()))
    }
}

/// Widens a span to whole calendar units.
fn widen((lo, hi): DaySpan, unit: Unit) -> Option<DaySpan> {
    match unit {
        Unit::Day => Some((lo, hi)),
        Unit::Week => Some((
            add_days(lo, -i64::from(lo.weekday().num_days_from_monday()))?,
            add_days(hi, 6 - i64::from(hi.weekday().num_days_from_monday()))?,
        )),
        Unit::Month => Some((lo.with_day(1)?, last_of_month(hi)?)),
        Unit::Year => Some((
            NaiveDate::from_ymd_opt(lo.year(), 1, 1)?,
            NaiveDate::from_ymd_opt(hi.year(), 12, 31)?,
        )),
    }
}

/// The calendar unit `k` units away: "yesterday", "last month", "the following week".
fn shift_calendar(span: DaySpan, unit: Unit, k: i64) -> Option<DaySpan> {
    let (lo, hi) = widen(span, unit)?;
    match unit {
        Unit::Day => Some((add_days(lo, k)?, add_days(hi, k)?)),
        Unit::Week => Some((add_days(lo, 7 * k)?, add_days(hi, 7 * k)?)),
        Unit::Month => {
            let lo = add_months(lo, k)?;
            let hi = last_of_month(add_months(hi.with_day(1)?, k)?)?;
            Some((lo, hi))
        }
        Unit::Year => {
            let y = |d: NaiveDate| i64::from(d.year()) + k;
            Some((
                NaiveDate::from_ymd_opt(i32::try_from(y(lo)).ok()?, 1, 1)?,
                NaiveDate::from_ymd_opt(i32::try_from(y(hi)).ok()?, 12, 31)?,
            ))
        }
    }
}

/// A duration away ("two months before", "days later"), reported no finer than its unit.
fn shift_duration(span: DaySpan, unit: Unit, (a, b): (u32, u32), sign: i64) -> Option<DaySpan> {
    let (lo, hi) = span;
    let (near, far) = (i64::from(a), i64::from(b));
    let (klo, khi) = if sign >= 0 {
        (near, far)
    } else {
        (-far, -near)
    };
    let moved = match unit {
        Unit::Day => (add_days(lo, klo)?, add_days(hi, khi)?),
        Unit::Week => (add_days(lo, 7 * klo)?, add_days(hi, 7 * khi)?),
        Unit::Month => (add_months(lo, klo)?, add_months(hi, khi)?),
        Unit::Year => (add_months(lo, 12 * klo)?, add_months(hi, 12 * khi)?),
    };
    match unit {
        Unit::Month | Unit::Year => widen(moved, unit),
        Unit::Day | Unit::Week => Some(moved),
    }
}

/// The year of an underspecified (month, day) seen from `reference`, by tense and modifier.
fn year_for(
    month: u32,
    day: Option<u32>,
    reference: NaiveDate,
    tense: Tense,
    modifier: Modifier,
) -> i32 {
    let y = reference.year();
    let (rm, rd) = (reference.month(), reference.day());
    let after_ref = match day {
        Some(d) => (month, d) > (rm, rd),
        None => month > rm,
    };
    let before_ref = match day {
        Some(d) => (month, d) < (rm, rd),
        None => month < rm,
    };
    match (modifier, tense) {
        (Modifier::This, _) => y,
        (Modifier::Last, _) => {
            if before_ref {
                y
            } else {
                y - 1
            }
        }
        (Modifier::Next, _) => {
            if after_ref {
                y
            } else {
                y + 1
            }
        }
        (Modifier::None, Tense::Past) => {
            if after_ref {
                y - 1
            } else {
                y
            }
        }
        (Modifier::None, Tense::Future) => {
            if before_ref {
                y + 1
            } else {
                y
            }
        }
    }
}

/// Resolves against both ends of the article's span; a coarse article date that
/// leaves the year open gives None rather than a guess.
fn underspecified(
    article: Option<DaySpan>,
    f: impl Fn(NaiveDate) -> Option<DateValue>,
) -> Option<DateValue> {
    let (lo, hi) = article?;
    let a = f(lo)?;
    if f(hi)? == a { Some(a) } else { None }
}

/// `tense` is asked only by the values that depend on it, so a sentence of full
/// dates is never tokenised.
fn resolve(
    what: &What,
    tense: &dyn Fn() -> Tense,
    article: Option<DaySpan>,
    base: Option<DaySpan>,
) -> Option<DateValue> {
    match *what {
        What::Full(d) => Some(DateValue::from_date(d)),
        What::MonthYear(y, m) => DateValue::month(y, m),
        What::Year(y) => Some(DateValue::year(y)),
        What::MonthDay(m, d) => underspecified(article, |r| {
            DateValue::day(year_for(m, Some(d), r, tense(), Modifier::None), m, d)
        }),
        What::MonthOnly(m, modifier) => underspecified(article, |r| {
            DateValue::month(year_for(m, None, r, tense(), modifier), m)
        }),
        What::Weekday(w, modifier) => {
            let (lo, hi) = article?;
            if lo != hi {
                return None;
            }
            let today = i64::from(lo.weekday().num_days_from_monday());
            let target = i64::from(w.num_days_from_monday());
            let back = (today - target).rem_euclid(7);
            let fwd = (target - today).rem_euclid(7);
            let k = match (modifier, tense()) {
                (Modifier::This, _) => target - today,
                (Modifier::Last, _) => -(if back == 0 { 7 } else { back }),
                (Modifier::Next, _) => {
                    if fwd == 0 {
                        7
                    } else {
                        fwd
                    }
                }
                (Modifier::None, Tense::Past) => -back,
                (Modifier::None, Tense::Future) => fwd,
            };
            add_days(lo, k).map(DateValue::from_date)
        }
        What::Deictic(unit, k) => coarsen(shift_calendar(article?, unit, k)?),
        What::Ago(unit, a, b) => coarsen(shift_duration(article?, unit, (a, b), -1)?),
        What::Offset(unit, a, b, sign, ref reference) => {
            let from = match reference {
                Reference::LastMentioned => base?,
                Reference::Event => return None,
                Reference::Date(inner) => resolve(inner, tense, article, base)?.span()?,
            };
            coarsen(shift_duration(from, unit, (a, b), sign)?)
        }
        What::Ahead(unit, a, b) => coarsen(shift_duration(article?, unit, (a, b), 1)?),
        What::AnaphoricCalendar(unit, k) => {
            let (lo, hi) = base?;
            // "later that month" after a bare year cannot name the month.
            let finest = coarsen((lo, hi))?.granularity();
            let wanted = match unit {
                Unit::Day | Unit::Week => Granularity::Day,
                Unit::Month => Granularity::Month,
                Unit::Year => Granularity::Year,
            };
            if finest < wanted && k == 0 {
                return coarsen((lo, hi));
            }
            coarsen(shift_calendar((lo, hi), unit, k)?)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Option<DateValue> {
        let mut parts = s.split('-');
        let y: i32 = parts.next()?.parse().ok()?;
        match (parts.next(), parts.next()) {
            (None, _) => Some(DateValue::year(y)),
            (Some(m), None) => DateValue::month(y, m.parse().ok()?),
            (Some(m), Some(d)) => DateValue::day(y, m.parse().ok()?, d.parse().ok()?),
        }
    }

    fn render(text: &str, found: &[TimeExpr]) -> String {
        found
            .iter()
            .map(|e| {
                let v = e.value.map_or("-".to_string(), |v| v.to_string());
                format!("{}=>{}", &text[e.range.clone()], v)
            })
            .collect::<Vec<_>>()
            .join(" | ")
    }

    fn run(article: Option<&str>, sentences: &[&str]) -> Vec<String> {
        let mut anchor = Anchor {
            article_date: article.and_then(date),
            last_mentioned: None,
        };
        sentences
            .iter()
            .map(|s| render(s, &extract(s, 0..s.len(), &mut anchor)))
            .collect()
    }

    #[test]
    fn labelled_set_accuracy() {
        let tsv = include_str!("../../tests/data/dates_labelled.tsv");
        let mut units = 0usize;
        let mut correct = 0usize;
        let mut failures = Vec::new();
        // Per section (the id's first letter): s seeds, f furniture, w written, c chains, b blind batch.
        let mut sections: std::collections::BTreeMap<char, (usize, usize)> = Default::default();
        let mut group = String::new();
        let mut anchor = Anchor::default();
        for (n, line) in tsv.lines().enumerate() {
            if n == 0 || line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            assert!(cols.len() >= 3, "line {}: too few columns", n + 1);
            let (id, article, sentence) = (cols[0], cols[1], cols[2]);
            let expected_field = cols.get(3).copied().unwrap_or("");
            // Rows of one group ("s001.04", "s001.05") are sentences of one article, in order.
            let g = id.split('.').next().unwrap_or(id).to_string();
            if g != group {
                group = g;
                anchor = Anchor {
                    article_date: if article == "-" { None } else { date(article) },
                    last_mentioned: None,
                };
                assert!(
                    article == "-" || anchor.article_date.is_some(),
                    "line {}: bad date",
                    n + 1
                );
            }
            let (units_before, correct_before) = (units, correct);
            let found = extract(sentence, 0..sentence.len(), &mut anchor);
            let mut got: Vec<String> = render(sentence, &found)
                .split(" | ")
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect();
            let expected: Vec<&str> = expected_field
                .split(" | ")
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .collect();
            if expected.is_empty() {
                units += 1;
                if got.is_empty() {
                    correct += 1;
                }
            }
            units += expected.len();
            for e in &expected {
                if let Some(p) = got.iter().position(|g| g == e) {
                    got.remove(p);
                    correct += 1;
                }
            }
            // What is left over was not asked for: a false positive.
            units += got.len();
            let section = sections
                .entry(id.chars().next().unwrap_or('?'))
                .or_default();
            section.0 += correct - correct_before;
            section.1 += units - units_before;
            let rendered = render(sentence, &found);
            if rendered != expected.join(" | ") {
                failures.push(format!(
                    "{id}\n   sentence: {sentence}\n   expected: {}\n   got:      {rendered}",
                    expected.join(" | ")
                ));
            }
        }
        let accuracy = correct as f64 / units.max(1) as f64;
        for f in &failures {
            println!("MISMATCH {f}");
        }
        println!(
            "dates_labelled.tsv: exact-match accuracy {:.1}% ({correct}/{units} expressions, {} sentences differ)",
            accuracy * 100.0,
            failures.len()
        );
        for (name, (ok, all)) in &sections {
            println!("  section {name}: {ok}/{all}");
        }
        assert!(units > 200, "labelled set too small: {units}");
        assert!(accuracy >= 0.95, "accuracy {:.3} below 0.95", accuracy);
    }

    struct Case {
        name: &'static str,
        article: Option<&'static str>,
        input: &'static [&'static str],
        expected: &'static [&'static str],
    }

    #[test]
    fn tricky_cases() {
        let cases = [
            Case {
                name: "past tense takes last December in a July article",
                article: Some("2025-07-12"),
                input: &["The offensive began in December."],
                expected: &["December=>2024-12"],
            },
            Case {
                name: "future tense goes forward",
                article: Some("2025-07-12"),
                input: &["Talks will resume in March."],
                expected: &["March=>2026-03"],
            },
            Case {
                name: "a participle under will is future",
                article: Some("2024-11-18"),
                input: &["Aid will be delivered by January 20th."],
                expected: &["January 20th=>2025-01-20"],
            },
            Case {
                name: "the verb after the date decides when none is before",
                article: Some("2025-07-12"),
                input: &["On July 9, state media revealed that Lavrov will visit."],
                expected: &["July 9=>2025-07-09"],
            },
            Case {
                name: "no article date, no year: no value",
                article: None,
                input: &["On July 9, Russia escalated.", "In May, talks stalled."],
                expected: &["July 9=>-", "May=>-"],
            },
            Case {
                name: "a coarse article date that leaves the year open gives no value",
                article: Some("2025-07"),
                input: &["On July 9, Russia escalated.", "In May, talks stalled."],
                expected: &["July 9=>-", "May=>2025-05"],
            },
            Case {
                name: "verbs, names and nouns are not months",
                article: Some("2025-07-12"),
                input: &[
                    "The coming months may prove crucial.",
                    "Jan Kowalski and April Ryan joined a march on the capital.",
                    "Theresa May led the March on London.",
                ],
                expected: &["", "", ""],
            },
            Case {
                name: "numbers are not years",
                article: Some("2025-07-12"),
                input: &[
                    "Over 550 drones, $80.5 billion, 22 percent and 2000 troops.",
                    "©2024 Example Media. All rights reserved.",
                    "© 2024 americanfocus.online – All Rights Reserved.",
                    "He finished 21st, and the sixth such dialogue began.",
                ],
                expected: &["", "", "", ""],
            },
            Case {
                name: "pre-2014 is 2014",
                article: None,
                input: &["Ukraine Will Not Regain Its Pre-2014 Borders"],
                expected: &["2014=>2014"],
            },
            Case {
                name: "days later counts from the sentence's event, not its aside",
                article: Some("2025-07-12"),
                input: &[
                    "It stems from a July 4 call, the sixth since Trump resumed office in January.",
                    "Days later, on July 9, Russia escalated.",
                    "Two days later, Kyiv replied.",
                ],
                expected: &[
                    "July 4=>2025-07-04 | January=>2025-01",
                    "Days later=>2025-07 | July 9=>2025-07-09",
                    "Two days later=>2025-07-11",
                ],
            },
            Case {
                name: "before an event is not before the last date",
                article: Some("2024-11-18"),
                input: &["It came two months before Trump assumes office."],
                expected: &["two months before=>-"],
            },
            Case {
                name: "before a date counts from that date",
                article: Some("2025-07-12"),
                input: &["Talks broke down three days after July 4."],
                expected: &["three days after July 4=>2025-07-07"],
            },
            Case {
                name: "since starts an interval",
                article: Some("2025-07-12"),
                input: &["Prices have risen since January and since 2014."],
                expected: &["since January=>2025-01 | since 2014=>2014"],
            },
            Case {
                name: "durations are not dates",
                article: Some("2025-07-12"),
                input: &["Over the past year and the last month, it was built in 18 months."],
                expected: &[""],
            },
            Case {
                name: "a future in-N-units is a date",
                article: Some("2024-12-10"),
                input: &["Elections are expected in 18 months."],
                expected: &["18 months=>2026-06"],
            },
            Case {
                name: "a week that straddles two months is only a year",
                article: Some("2025-07-12"),
                input: &["Shipments paused last week."],
                expected: &["last week=>2025"],
            },
            Case {
                name: "dates inside links are not the story's",
                article: Some("2025-07-12"),
                input: &["[1] https://www.politico.com/x/2025/07/14/slug-00452001"],
                expected: &[""],
            },
            Case {
                name: "weekday names in compounds are not dates",
                article: Some("2025-07-12"),
                input: &[
                    "Black Friday and Super Tuesday came early.",
                    "Talks began Monday.",
                ],
                expected: &["", "Monday=>2025-07-07"],
            },
        ];
        for case in cases {
            assert_eq!(
                run(case.article, case.input),
                case.expected,
                "{}",
                case.name
            );
        }
    }

    #[test]
    fn kinds() {
        let text = "On July 9, in 2014, yesterday and since May, it happened on July 12, 2025.";
        let mut anchor = Anchor {
            article_date: date("2025-07-12"),
            last_mentioned: None,
        };
        let kinds: Vec<ExprKind> = extract(text, 0..text.len(), &mut anchor)
            .iter()
            .map(|e| e.kind)
            .collect();
        assert_eq!(
            kinds,
            [
                ExprKind::Underspecified,
                ExprKind::Absolute,
                ExprKind::Relative,
                ExprKind::Since,
                ExprKind::Absolute
            ]
        );
        assert_eq!(anchor.last_mentioned, date("2025-07-12"));
    }

    #[test]
    fn ranges_are_absolute_in_text() {
        let text = "First sentence. On July 9, Russia escalated.";
        let start = text.find("On").unwrap_or(0);
        let mut anchor = Anchor {
            article_date: date("2025-07-12"),
            last_mentioned: None,
        };
        let found = extract(text, start..text.len(), &mut anchor);
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].range.clone()], "July 9");
        assert!(
            extract(text, 3..200, &mut anchor).is_empty(),
            "out of bounds"
        );
        let odd = "é July 9";
        assert!(
            extract(odd, 1..odd.len(), &mut anchor).is_empty(),
            "not a char boundary"
        );
    }

    #[test]
    fn date_labels() {
        let cases = [
            ("Last updated: July 12, 2025 12:55 am", Some("2025-07-12")),
            ("Published 19 Sep 2025", Some("2025-09-19")),
            ("Friday, 19 Sep 2025", Some("2025-09-19")),
            ("2025-07-14T10:00:00Z", Some("2025-07-14")),
            ("Updated Sept. 3, 2024, 4:05 p.m. ET", Some("2024-09-03")),
            ("Posted on 14/07/2025", Some("2025-07-14")),
            ("July 2025", Some("2025-07")),
            ("December 27, 2024", Some("2024-12-27")),
            ("July 12", None),
            ("© 2024 americanfocus.online", None),
            ("in 2014", None),
            ("", None),
            ("Share This Article", None),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_date_label(input), expected.and_then(date), "{input}");
        }
    }

    #[test]
    fn urls() {
        let cases = [
            (
                "https://www.politico.com/newsletters/national-security-daily/2025/07/14/making-sense-00452001",
                Some("2025-07-14"),
            ),
            ("https://site.example/world/2025/07/", Some("2025-07")),
            (
                "https://site.example/news/20250714/slug",
                Some("2025-07-14"),
            ),
            (
                "https://site.example/news/2025-07-14-slug",
                Some("2025-07-14"),
            ),
            ("https://site.example/2025/13/01/bad-month", None),
            ("https://2025.example.com/07/14/host-is-not-a-date", None),
            ("https://site.example/story?id=20250714", None),
            ("https://site.example/story-00452001", None),
            ("not a url at all", None),
            ("", None),
        ];
        for (input, expected) in cases {
            assert_eq!(date_from_url(input), expected.and_then(date), "{input}");
        }
    }

    #[test]
    fn date_values() {
        let (y, m, d) = (
            DateValue::year(2025),
            DateValue::month(2025, 7),
            DateValue::day(2025, 7, 9),
        );
        assert_eq!(y.to_string(), "2025");
        assert_eq!(m.map(|v| v.to_string()).as_deref(), Some("2025-07"));
        assert_eq!(d.map(|v| v.to_string()).as_deref(), Some("2025-07-09"));
        assert_eq!(DateValue::day(2025, 2, 29), None);
        assert_eq!(DateValue::month(2025, 13), None);
        assert_eq!(d.map(|v| v.granularity()), Some(Granularity::Day));
        let mut sorted = [
            DateValue::day(2025, 7, 9),
            DateValue::month(2025, 7),
            Some(y),
            DateValue::day(2025, 6, 30),
            DateValue::month(2024, 12),
        ];
        sorted.sort();
        let shown: Vec<String> = sorted.iter().flatten().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            ["2024-12", "2025", "2025-06-30", "2025-07", "2025-07-09"]
        );
    }

    /// Times `extract` over every passage of the corpora named in `NEWSDESK_DATES_CORPUS`
    /// (folders separated by `:`) and, with `NEWSDESK_DATES_DUMP=FILE`, writes everything the
    /// module computes for them, so that two builds can be compared byte for byte:
    /// `cargo test --release --no-default-features --lib dates::tests::corpus_timing -- --ignored --nocapture`
    #[test]
    #[ignore = "needs a generated corpus; a measurement, not a check"]
    fn corpus_timing() {
        use std::fmt::Write as _;
        use std::time::Instant;
        let Ok(dirs) = std::env::var("NEWSDESK_DATES_CORPUS") else {
            println!("NEWSDESK_DATES_CORPUS is not set; nothing to time");
            return;
        };
        let mut articles: Vec<crate::corpus::Article> = Vec::new();
        let mut texts: Vec<std::sync::Arc<str>> = Vec::new();
        for dir in dirs.split(':').filter(|d| !d.is_empty()) {
            let corpus = crate::corpus::load(std::path::Path::new(dir))
                .unwrap_or_else(|e| panic!("cannot load {dir}: {e}"));
            for a in corpus.iter().filter_map(|a| corpus.read(a.id)) {
                texts.push(a.text.clone());
                articles.push(a.article.clone());
            }
        }
        let passages: usize = articles.iter().map(|a| a.passages.len()).sum();
        let bytes: usize = articles
            .iter()
            .flat_map(|a| a.passages.iter().map(|p| p.range().len()))
            .sum();

        // Best of several rounds: the machine is shared.
        let rounds = 7;
        let mut best_extract = f64::INFINITY;
        let mut best_candidates = f64::INFINITY;
        let mut found = 0usize;
        for _ in 0..rounds {
            let started = Instant::now();
            found = 0;
            for (a, text) in articles.iter().zip(&texts) {
                let mut anchor = Anchor {
                    article_date: a.meta.date,
                    last_mentioned: None,
                };
                for p in &a.passages {
                    found += extract(text, p.range(), &mut anchor).len();
                }
            }
            best_extract = best_extract.min(started.elapsed().as_secs_f64() * 1e3);
            let started = Instant::now();
            let mut n = 0usize;
            for (a, text) in articles.iter().zip(&texts) {
                for p in &a.passages {
                    n += find_candidates(&text[p.range()]).len();
                }
            }
            std::hint::black_box(n);
            best_candidates = best_candidates.min(started.elapsed().as_secs_f64() * 1e3);
        }
        println!(
            "{} articles, {passages} passages, {:.1} MB, {found} expressions: extract {best_extract:.1} ms, find_candidates {best_candidates:.1} ms (best of {rounds})",
            articles.len(),
            bytes as f64 / 1e6
        );

        let Ok(dump) = std::env::var("NEWSDESK_DATES_DUMP") else {
            return;
        };
        let mut out = String::new();
        for (a, text) in articles.iter().zip(&texts) {
            let _ = writeln!(out, "== {} {:?}", a.doc, a.meta.date);
            let mut anchor = Anchor {
                article_date: a.meta.date,
                last_mentioned: None,
            };
            for p in &a.passages {
                let s = &text[p.range()];
                let found = extract(text, p.range(), &mut anchor);
                let _ = writeln!(
                    out,
                    "{:?} {:?} {:?} {:?}",
                    p.range(),
                    found,
                    anchor.last_mentioned,
                    parse_date_label(s)
                );
            }
            // Labels and links are read from lines and words, not passages.
            for line in text.lines() {
                if let Some(v) = parse_date_label(line) {
                    let _ = writeln!(out, "label {line:?} {v}");
                }
                for w in line.split_whitespace() {
                    if let Some(v) = date_from_url(w) {
                        let _ = writeln!(out, "url {w:?} {v}");
                    }
                }
            }
        }
        // The labelled sentences, in their articles.
        let tsv = include_str!("../../tests/data/dates_labelled.tsv");
        let mut anchor = Anchor::default();
        let mut group = "";
        for line in tsv.lines().skip(1).filter(|l| !l.starts_with('#')) {
            let cols: Vec<&str> = line.split('\t').collect();
            let (Some(id), Some(article), Some(sentence)) =
                (cols.first(), cols.get(1), cols.get(2))
            else {
                continue;
            };
            let g = id.split('.').next().unwrap_or(id);
            if g != group {
                group = g;
                anchor = Anchor {
                    article_date: date(article),
                    last_mentioned: None,
                };
            }
            let found = extract(sentence, 0..sentence.len(), &mut anchor);
            let _ = writeln!(out, "tsv {id} {found:?} {:?}", anchor.last_mentioned);
        }
        // Made-up sentences full of what a faster search could get wrong: Unicode digits,
        // spaces and case folds (ſ folds to s, K to k), dates glued to letters, links.
        let words = [
            "July",
            "JULY",
            "Jul.",
            "Sept",
            "Sep.",
            "9",
            "19th",
            "2025",
            "1999",
            "٢٠٢٤",
            "2024-07-14",
            "14/07/2025",
            "7.14.2025",
            "May",
            "may",
            "March",
            "in",
            "since",
            "ſince",
            "laſt",
            "last",
            "LAST",
            "next",
            "this",
            "week",
            "WEEK",
            "Week",
            "month",
            "year",
            "days",
            "later",
            "ago",
            "before",
            "after",
            "earlier",
            "the",
            "The",
            "same",
            "that",
            "following",
            "day",
            "Friday",
            "FRIDAY",
            "Tues.",
            "Black",
            "on",
            "two",
            "a few",
            "several",
            "18",
            "months",
            "of",
            "end",
            "start",
            "yesterday",
            "Tonight",
            "morning",
            "night",
            "é",
            "日本",
            "\u{a0}",
            "\u{2009}",
            "’s",
            "'",
            "“",
            "-",
            "–",
            "mid",
            "pre",
            "early",
            "and",
            "or",
            "to",
            ",",
            ".",
            "$",
            "©",
            "%",
            "Kelvin\u{212a}",
            "x2025",
            "2025s",
            "https://x.y/2025/07/14/",
            "www.a.b/May-9",
        ];
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for round in 0..20_000 {
            let len = next(14);
            let seps = [" ", " ", " ", "", "\u{a0}", ", "];
            let mut s = String::new();
            for _ in 0..len {
                s.push_str(words[next(words.len())]);
                s.push_str(seps[next(seps.len())]);
            }
            let mut anchor = Anchor {
                article_date: [None, DateValue::day(2025, 7, 12), DateValue::month(2025, 1)]
                    [round % 3],
                last_mentioned: DateValue::day(2024, 12, 30).filter(|_| round % 2 == 0),
            };
            let found = extract(&s, 0..s.len(), &mut anchor);
            let _ = writeln!(
                out,
                "made {s:?} {found:?} {:?} {:?} {:?}",
                anchor.last_mentioned,
                parse_date_label(&s),
                date_from_url(&s)
            );
        }
        std::fs::write(&dump, out).unwrap_or_else(|e| panic!("cannot write {dump}: {e}"));
        println!("wrote {dump}");
    }

    mod prop {
        use super::super::*;
        use proptest::prelude::*;

        fn pieces() -> impl Strategy<Value = String> {
            let words = prop::sample::select(vec![
                "July",
                "9",
                "May",
                "in",
                "since",
                "2014",
                "-",
                "Pre-",
                "days",
                "later",
                "before",
                "two",
                "months",
                "ago",
                "last",
                "week",
                "Friday",
                ",",
                ".",
                "19 Sep 2025",
                "©",
                "2025-07-14",
                "7/14/2025",
                "é",
                "日本",
                "\u{a0}",
                "'",
                "’s",
                "the",
                "next",
                "day",
                "https://x.y/2025/07/14/",
                "until",
                "will",
                "early",
                "mid-",
                "$",
                "%",
                "in 18 months",
            ]);
            prop::collection::vec(prop_oneof![words.prop_map(str::to_string), ".{0,6}"], 0..24)
                .prop_map(|v| v.join(" "))
        }

        proptest! {
            #[test]
            fn no_panic_and_ranges_on_boundaries(text in pieces(), a in 0usize..200, b in 0usize..200, dated in any::<bool>()) {
                let (lo, hi) = (a.min(b), a.max(b));
                let mut anchor = Anchor {
                    article_date: if dated { DateValue::day(2025, 7, 12) } else { None },
                    last_mentioned: None,
                };
                let sentence = lo..hi;
                for e in extract(&text, sentence.clone(), &mut anchor) {
                    prop_assert!(sentence.start <= e.range.start && e.range.end <= sentence.end);
                    prop_assert!(e.range.start < e.range.end);
                    prop_assert!(text.is_char_boundary(e.range.start) && text.is_char_boundary(e.range.end));
                }
                let _ = parse_date_label(&text);
                let _ = date_from_url(&text);
            }

            #[test]
            fn any_text_whole(text in ".{0,300}") {
                let mut anchor = Anchor { article_date: DateValue::month(2025, 7), last_mentioned: DateValue::day(1, 1, 1) };
                for e in extract(&text, 0..text.len(), &mut anchor) {
                    prop_assert!(text.is_char_boundary(e.range.start) && text.is_char_boundary(e.range.end));
                    prop_assert!(e.range.end <= text.len());
                }
                let _ = parse_date_label(&text);
                let _ = date_from_url(&text);
            }

            /// The gate only skips searches that would have found nothing, and its
            /// searches find what `captures_iter` finds.
            #[test]
            fn gate_finds_what_captures_iter_finds(text in prop_oneof![pieces(), ".{0,80}"]) {
                let gate = Gate::of(&text);
                let groups = |c: Captures| -> Vec<Option<Range<usize>>> {
                    c.iter().map(|g| g.map(|m| m.range())).collect()
                };
                for p in Pat::ALL {
                    let want: Vec<_> = p.regex().captures_iter(&text).map(groups).collect();
                    let got: Vec<_> = gate.captures(p, &text).map(groups).collect();
                    prop_assert_eq!(got, want, "{:?} in {:?}", p, text);
                }
            }
        }

        #[test]
        fn the_gate_shuts_on_plain_prose() {
            let s = "Officials said the “talks” were constructive, and more are planned.";
            let gate = Gate::of(s);
            assert!(Pat::ALL.iter().all(|&p| !gate.0.matched(p as usize)));
            let s = "Talks resumed on July 9, two days later.";
            let gate = Gate::of(s);
            assert!(gate.0.matched(Pat::Md as usize) && gate.0.matched(Pat::Offset as usize));
            assert!(!gate.0.matched(Pat::Mdy as usize) && !gate.0.matched(Pat::Weekday as usize));
        }

        #[test]
        fn the_gate_agrees_at_unicode_edges() {
            // ſ and K fold to s and k under (?i); é is a word character, “ and \u{a0} are not.
            let texts = [
                "laſt night, “July 9” and éJuly 9, two dayſ later",
                "July\u{a0}9,\u{a0}2025 and 9 July 2025é, on Friday’s call",
                "THE NEXT DAY, ſince May 2024, weeK ago; 5 weeks ago—May",
                "July 9July 9 July 9é July 9 ٢٠٢٤ July ٩",
            ];
            for text in texts {
                let gate = Gate::of(text);
                for p in Pat::ALL {
                    let ranges = |c: Captures| c.get(0).map(|m| m.range());
                    let want: Vec<_> = p.regex().captures_iter(text).map(ranges).collect();
                    let got: Vec<_> = gate.captures(p, text).map(ranges).collect();
                    assert_eq!(got, want, "{p:?} in {text:?}");
                }
            }
        }

        #[test]
        fn huge_and_extreme_inputs() {
            let big = "On July 9, two days later, since 2014, in May. ".repeat(5_000);
            let mut anchor = Anchor {
                article_date: DateValue::day(2025, 7, 12),
                last_mentioned: None,
            };
            assert_eq!(extract(&big, 0..big.len(), &mut anchor).len(), 20_000);
            // Anchors at the ends of chrono's range must not overflow.
            for y in [i32::MIN, -262_000, 262_000, i32::MAX] {
                let mut anchor = Anchor {
                    article_date: Some(DateValue::year(y)),
                    last_mentioned: Some(DateValue::year(y)),
                };
                let t = "Yesterday, 999 years later, next month, in 500 years it will end, last week, on Friday.";
                let _ = extract(t, 0..t.len(), &mut anchor);
            }
        }
    }
}
