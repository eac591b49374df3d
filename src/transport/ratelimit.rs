//! Per-user and per-channel rate limits: a sliding one-minute window of recent commands.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::config::RateLimits;

const WINDOW: Duration = Duration::from_secs(60);
/// Past this many tracked keys, idle ones are dropped so memory stays bounded.
const MAX_KEYS: usize = 10_000;

/// Which limit a command ran into, and when the caller may try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limited {
    User(Duration),
    Channel(Duration),
}

impl Limited {
    pub fn retry_after(&self) -> Duration {
        match self {
            Limited::User(d) | Limited::Channel(d) => *d,
        }
    }
}

pub struct RateLimiter {
    limits: RateLimits,
    hits: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl RateLimiter {
    pub fn new(limits: RateLimits) -> Self {
        RateLimiter {
            limits,
            hits: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a command by `user` in `channel` at `now`, unless either is over its limit.
    /// Keys are namespaced by the caller ("discord:123", "matrix:!room:server").
    pub fn check(&self, user: &str, channel: &str, now: Instant) -> Result<(), Limited> {
        let mut hits = self.hits.lock().unwrap_or_else(|p| p.into_inner());
        if hits.len() > MAX_KEYS {
            hits.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < WINDOW));
        }
        let user_key = format!("user {user}");
        let channel_key = format!("channel {channel}");
        if let Some(wait) = over(&mut hits, &user_key, self.limits.per_user, now) {
            return Err(Limited::User(wait));
        }
        if let Some(wait) = over(&mut hits, &channel_key, self.limits.per_channel, now) {
            return Err(Limited::Channel(wait));
        }
        hits.entry(user_key).or_default().push_back(now);
        hits.entry(channel_key).or_default().push_back(now);
        Ok(())
    }
}

/// Drops hits older than the window; if `limit` remain, how long until the oldest leaves.
fn over(
    hits: &mut HashMap<String, VecDeque<Instant>>,
    key: &str,
    limit: u32,
    now: Instant,
) -> Option<Duration> {
    let q = hits.entry(key.to_string()).or_default();
    while q.front().is_some_and(|t| now.duration_since(*t) >= WINDOW) {
        q.pop_front();
    }
    (q.len() >= limit as usize).then(|| {
        q.front()
            .map_or(Duration::ZERO, |t| WINDOW - now.duration_since(*t))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_limit_then_window_slides() {
        let rl = RateLimiter::new(RateLimits {
            per_user: 2,
            per_channel: 10,
        });
        let t0 = Instant::now();
        assert!(rl.check("u", "c", t0).is_ok());
        assert!(rl.check("u", "c", t0 + Duration::from_secs(1)).is_ok());
        let e = rl.check("u", "c", t0 + Duration::from_secs(2)).unwrap_err();
        assert_eq!(e, Limited::User(Duration::from_secs(58)));
        assert!(
            rl.check("other", "c", t0 + Duration::from_secs(2)).is_ok(),
            "other users are not affected"
        );
        assert!(
            rl.check("u", "c", t0 + Duration::from_secs(61)).is_ok(),
            "the window slides"
        );
    }

    #[test]
    fn channel_limit_covers_all_users() {
        let rl = RateLimiter::new(RateLimits {
            per_user: 10,
            per_channel: 3,
        });
        let t0 = Instant::now();
        for u in ["a", "b", "c"] {
            assert!(rl.check(u, "room", t0).is_ok());
        }
        assert!(matches!(
            rl.check("d", "room", t0),
            Err(Limited::Channel(_))
        ));
        assert!(rl.check("d", "elsewhere", t0).is_ok());
    }

    #[test]
    fn refused_commands_do_not_count() {
        let rl = RateLimiter::new(RateLimits {
            per_user: 1,
            per_channel: 100,
        });
        let t0 = Instant::now();
        assert!(rl.check("u", "c", t0).is_ok());
        for s in 1..30 {
            assert!(rl.check("u", "c", t0 + Duration::from_secs(s)).is_err());
        }
        assert!(rl.check("u", "c", t0 + Duration::from_secs(60)).is_ok());
    }
}
