//! How far a long first start has got, logged every few seconds: reading a newsroom's
//! archive for the first time takes a minute or more, and a start that says nothing looks hung.

use std::time::{Duration, Instant};

use tracing::info;

/// How often a long step logs how far it has got; a step shorter than this logs nothing.
const EVERY: Duration = Duration::from_secs(5);

/// One step of a start (analysing the files, indexing their passages), counted in articles.
pub struct Progress {
    step: &'static str,
    total: usize,
    started: Instant,
    next: Instant,
}

/// What a step has done so far, and how long the rest should take at its pace so far.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Report {
    done: usize,
    total: usize,
    percent: usize,
    elapsed_s: u64,
    left_s: u64,
}

impl Progress {
    pub fn new(step: &'static str, total: usize) -> Progress {
        Progress::starting_at(step, total, Instant::now())
    }

    fn starting_at(step: &'static str, total: usize, started: Instant) -> Progress {
        Progress {
            step,
            total,
            started,
            next: started + EVERY,
        }
    }

    /// Logs how far the step has got, `done` of its articles, when a report is due.
    pub fn at(&mut self, done: usize) {
        if let Some(r) = self.due(done, Instant::now()) {
            info!(
                done = r.done,
                of = r.total,
                percent = r.percent,
                elapsed_s = r.elapsed_s,
                left_s = r.left_s,
                "{}",
                self.step
            );
        }
    }

    /// The report due at `now`, if one is: the first once `EVERY` has passed since the
    /// start, then one per `EVERY` (none at the end: the step's own line says it is done).
    fn due(&mut self, done: usize, now: Instant) -> Option<Report> {
        if now < self.next || done == 0 || done >= self.total {
            return None;
        }
        while self.next <= now {
            self.next += EVERY;
        }
        let elapsed = now.duration_since(self.started);
        let left = elapsed.mul_f64((self.total - done) as f64 / done as f64);
        Some(Report {
            done,
            total: self.total,
            percent: done * 100 / self.total,
            elapsed_s: elapsed.as_secs(),
            left_s: left.as_secs_f64().round() as u64,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_come_every_few_seconds_with_the_time_left_at_the_pace_so_far() {
        let t0 = Instant::now();
        let at = |s: u64| t0 + Duration::from_secs(s);
        let mut p = Progress::starting_at("analysing", 1000, t0);
        // A short step says nothing.
        assert_eq!(p.due(100, at(1)), None);
        assert_eq!(p.due(400, at(4)), None);
        let first = p.due(500, at(5)).expect("due after 5 s");
        assert_eq!(
            first,
            Report {
                done: 500,
                total: 1000,
                percent: 50,
                elapsed_s: 5,
                left_s: 5
            }
        );
        // Not again until the next 5 s have passed.
        assert_eq!(p.due(600, at(6)), None);
        assert_eq!(p.due(700, at(9)), None);
        let second = p.due(800, at(12)).expect("due after 10 s");
        assert_eq!(
            (second.percent, second.elapsed_s, second.left_s),
            (80, 12, 3)
        );
        // A stall of several periods gives one report, not one per period missed.
        assert!(p.due(900, at(31)).is_some());
        assert_eq!(p.due(910, at(34)), None);
        // The end is the step's own line to say.
        assert_eq!(p.due(1000, at(40)), None);
    }

    #[test]
    fn nothing_done_or_nothing_to_do_reports_nothing() {
        let t0 = Instant::now();
        let mut p = Progress::starting_at("indexing", 10, t0);
        assert_eq!(p.due(0, t0 + Duration::from_secs(6)), None);
        let mut empty = Progress::starting_at("indexing", 0, t0);
        assert_eq!(empty.due(0, t0 + Duration::from_secs(6)), None);
    }
}
