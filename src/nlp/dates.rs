//! Dates in news text (stand-in: article date labels and dated URLs only).
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Granularity {
    Year,
    Month,
    Day,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
    pub fn day(y: i32, m: u32, d: u32) -> Option<Self> {
        chrono::NaiveDate::from_ymd_opt(y, m, d).map(|_| DateValue {
            year: y,
            month: Some(m),
            day: Some(d),
        })
    }
    pub fn month(y: i32, m: u32) -> Option<Self> {
        (1..=12).contains(&m).then_some(DateValue {
            year: y,
            month: Some(m),
            day: None,
        })
    }
    pub fn year(y: i32) -> Self {
        DateValue {
            year: y,
            month: None,
            day: None,
        }
    }
}

impl fmt::Display for DateValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.month, self.day) {
            (Some(m), Some(d)) => write!(f, "{:04}-{:02}-{:02}", self.year, m, d),
            (Some(m), None) => write!(f, "{:04}-{:02}", self.year, m),
            _ => write!(f, "{:04}", self.year),
        }
    }
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

pub fn parse_date_label(s: &str) -> Option<DateValue> {
    let re = regex::Regex::new(r"(?i)\b(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?\s+(\d{1,2}),?\s+(\d{4})\b|\b(\d{1,2})\s+(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+(\d{4})\b|\b(\d{4})-(\d{2})-(\d{2})\b").ok()?;
    let c = re.captures(s)?;
    let month_of = |m: &str| {
        MONTHS
            .iter()
            .position(|p| m.to_ascii_lowercase().starts_with(p))
            .map(|i| i as u32 + 1)
    };
    if let (Some(m), Some(d), Some(y)) = (c.get(1), c.get(2), c.get(3)) {
        return DateValue::day(
            y.as_str().parse().ok()?,
            month_of(m.as_str())?,
            d.as_str().parse().ok()?,
        );
    }
    if let (Some(d), Some(m), Some(y)) = (c.get(4), c.get(5), c.get(6)) {
        return DateValue::day(
            y.as_str().parse().ok()?,
            month_of(m.as_str())?,
            d.as_str().parse().ok()?,
        );
    }
    DateValue::day(
        c.get(7)?.as_str().parse().ok()?,
        c.get(8)?.as_str().parse().ok()?,
        c.get(9)?.as_str().parse().ok()?,
    )
}

pub fn date_from_url(url: &str) -> Option<DateValue> {
    let re = regex::Regex::new(r"/(\d{4})/(\d{2})/(\d{2})/").ok()?;
    let c = re.captures(url)?;
    DateValue::day(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?)
}
