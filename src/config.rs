//! Typed configuration from the environment and `.env`, validated at start.
//! Secrets are kept in `Secret`, whose `Debug` never shows the value.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use chrono::NaiveTime;
use chrono_tz::Tz;
use thiserror::Error;

/// A bad setting: names the variable, says what is wrong, never echoes a secret.
#[derive(Debug, Error, PartialEq)]
#[error("{var}: {problem}")]
pub struct ConfigError {
    pub var: &'static str,
    pub problem: String,
}

/// A token or password: usable, but never printed or logged.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DiscordConfig {
    /// `DISCORD_TOKEN`
    pub token: Secret,
    /// `DISCORD_GUILD_ID`: register commands in this guild (instant) instead of globally.
    pub guild_id: Option<u64>,
    /// `DIGEST_DISCORD_CHANNEL`: channel id for the daily digest.
    pub digest_channel: Option<u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum MatrixAuth {
    Password(Secret),
    AccessToken(Secret),
}

#[derive(Debug, Clone, PartialEq)]
pub struct MatrixConfig {
    /// `MATRIX_HOMESERVER`, e.g. `https://matrix.example.org`
    pub homeserver: String,
    /// `MATRIX_USER`, e.g. `@newsdesk:example.org`
    pub user: String,
    /// `MATRIX_PASSWORD` or `MATRIX_ACCESS_TOKEN`
    pub auth: MatrixAuth,
    /// `MATRIX_ALLOWED`: users (`@a:b`) or servers (`b`) whose invites are accepted; empty = all.
    pub allowed: Vec<String>,
    /// `DIGEST_MATRIX_ROOM`: room id for the daily digest.
    pub digest_room: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DigestConfig {
    /// `DIGEST_TIME`, HH:MM local time.
    pub time: NaiveTime,
    /// `DIGEST_TZ`, an IANA zone name (default UTC).
    pub tz: Tz,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimits {
    /// `RATE_LIMIT_USER`: commands per user per minute (default 6).
    pub per_user: u32,
    /// `RATE_LIMIT_CHANNEL`: commands per channel or room per minute (default 20).
    pub per_channel: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// `CORPUS_DIR`: the folder of articles (default `seeds`).
    pub corpus_dir: PathBuf,
    /// `STATE_DIR`: where digest state and the Matrix session are kept (default `.newsdesk`).
    pub state_dir: PathBuf,
    /// `CORPUS_POLL_SECS`: poll the folder every N seconds instead of relying on file
    /// notifications (for mounts where inotify is silent); unset = notifications.
    pub poll: Option<Duration>,
    pub rate: RateLimits,
    pub digest: Option<DigestConfig>,
    pub discord: Option<DiscordConfig>,
    pub matrix: Option<MatrixConfig>,
}

impl Config {
    /// Reads `.env` (if present) into the environment, then the settings.
    pub fn from_env() -> Result<Config, ConfigError> {
        let _ = dotenvy::dotenv();
        Config::from_lookup(|var| std::env::var(var).ok())
    }

    /// Reads settings through `lookup`, so tests need not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let get = |var: &str| {
            lookup(var)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let err = |var: &'static str, problem: &str| ConfigError {
            var,
            problem: problem.to_string(),
        };
        if lookup("CORPUS_DIR").is_some_and(|v| v.trim().is_empty()) {
            return Err(err(
                "CORPUS_DIR",
                "is empty; give a folder of .txt/.md articles",
            ));
        }
        let corpus_dir = get("CORPUS_DIR").map_or_else(|| PathBuf::from("seeds"), PathBuf::from);
        let state_dir = get("STATE_DIR").map_or_else(|| PathBuf::from(".newsdesk"), PathBuf::from);
        let poll = match get("CORPUS_POLL_SECS") {
            None => None,
            Some(v) => match v.parse::<u64>() {
                Ok(n) if (1..=3600).contains(&n) => Some(Duration::from_secs(n)),
                _ => {
                    return Err(err(
                        "CORPUS_POLL_SECS",
                        "must be a whole number of seconds from 1 to 3600",
                    ));
                }
            },
        };
        let count = |var: &'static str, default: u32| -> Result<u32, ConfigError> {
            match get(var) {
                None => Ok(default),
                Some(v) => match v.parse::<u32>() {
                    Ok(n) if (1..=10_000).contains(&n) => Ok(n),
                    _ => Err(err(
                        var,
                        "must be a whole number from 1 to 10000 (commands per minute)",
                    )),
                },
            }
        };
        let rate = RateLimits {
            per_user: count("RATE_LIMIT_USER", 6)?,
            per_channel: count("RATE_LIMIT_CHANNEL", 20)?,
        };
        let id = |var: &'static str| -> Result<Option<u64>, ConfigError> {
            get(var)
                .map(|v| {
                    v.parse::<u64>()
                        .map_err(|_| err(var, "must be a numeric Discord id (snowflake)"))
                })
                .transpose()
        };
        let tz = match get("DIGEST_TZ") {
            None => Tz::UTC,
            Some(v) => v.parse::<Tz>().map_err(|_| {
                err(
                    "DIGEST_TZ",
                    "must be an IANA time zone name such as Europe/Berlin",
                )
            })?,
        };
        let digest = match get("DIGEST_TIME") {
            None => None,
            Some(v) => Some(DigestConfig {
                time: NaiveTime::parse_from_str(&v, "%H:%M").map_err(|_| {
                    err("DIGEST_TIME", "must be a time of day as HH:MM, e.g. 08:30")
                })?,
                tz,
            }),
        };
        let discord = match get("DISCORD_TOKEN") {
            None => None,
            Some(t) => Some(DiscordConfig {
                token: Secret::new(t),
                guild_id: id("DISCORD_GUILD_ID")?,
                digest_channel: id("DIGEST_DISCORD_CHANNEL")?,
            }),
        };
        let matrix = match (get("MATRIX_HOMESERVER"), get("MATRIX_USER")) {
            (None, None) => None,
            (Some(homeserver), Some(user)) => {
                if !(homeserver.starts_with("http://") || homeserver.starts_with("https://")) {
                    return Err(err(
                        "MATRIX_HOMESERVER",
                        "must be a URL starting with https:// (or http:// for a local server)",
                    ));
                }
                if !(user.starts_with('@') && user.contains(':')) {
                    return Err(err(
                        "MATRIX_USER",
                        "must be a full Matrix user id such as @newsdesk:example.org",
                    ));
                }
                let auth = match (get("MATRIX_ACCESS_TOKEN"), get("MATRIX_PASSWORD")) {
                    (Some(t), _) => MatrixAuth::AccessToken(Secret::new(t)),
                    (None, Some(p)) => MatrixAuth::Password(Secret::new(p)),
                    (None, None) => {
                        return Err(err(
                            "MATRIX_PASSWORD",
                            "or MATRIX_ACCESS_TOKEN must be set with MATRIX_HOMESERVER",
                        ));
                    }
                };
                let allowed = get("MATRIX_ALLOWED")
                    .map(|v| {
                        v.split(',')
                            .map(|s| s.trim().to_string())
                            .filter(|s| !s.is_empty())
                            .collect()
                    })
                    .unwrap_or_default();
                Some(MatrixConfig {
                    homeserver,
                    user,
                    auth,
                    allowed,
                    digest_room: get("DIGEST_MATRIX_ROOM"),
                })
            }
            (None, Some(_)) => {
                return Err(err("MATRIX_HOMESERVER", "must be set with MATRIX_USER"));
            }
            (Some(_), None) => {
                return Err(err("MATRIX_USER", "must be set with MATRIX_HOMESERVER"));
            }
        };
        if get("DIGEST_DISCORD_CHANNEL").is_some() && digest.is_none() {
            return Err(err(
                "DIGEST_TIME",
                "must be set (HH:MM) when DIGEST_DISCORD_CHANNEL is",
            ));
        }
        if get("DIGEST_MATRIX_ROOM").is_some() && digest.is_none() {
            return Err(err(
                "DIGEST_TIME",
                "must be set (HH:MM) when DIGEST_MATRIX_ROOM is",
            ));
        }
        Ok(Config {
            corpus_dir,
            state_dir,
            poll,
            rate,
            digest,
            discord,
            matrix,
        })
    }

    /// True when any chat front end has credentials.
    pub fn has_chat(&self) -> bool {
        self.discord.is_some() || self.matrix.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(move |var| pairs.iter().find(|(k, _)| k == var).map(|(_, v)| v.clone()))
    }

    #[test]
    fn defaults() {
        let c = with(&[]).unwrap();
        assert_eq!(c.corpus_dir, PathBuf::from("seeds"));
        assert_eq!(
            c.rate,
            RateLimits {
                per_user: 6,
                per_channel: 20
            }
        );
        assert!(!c.has_chat() && c.digest.is_none() && c.poll.is_none());
    }

    #[test]
    fn bad_values_name_their_variable() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[("CORPUS_DIR", "  ")], "CORPUS_DIR"),
            (&[("DIGEST_TIME", "25:99")], "DIGEST_TIME"),
            (
                &[("DIGEST_TIME", "08:00"), ("DIGEST_TZ", "Mars/Olympus")],
                "DIGEST_TZ",
            ),
            (
                &[("DISCORD_TOKEN", "t"), ("DISCORD_GUILD_ID", "abc")],
                "DISCORD_GUILD_ID",
            ),
            (&[("DIGEST_DISCORD_CHANNEL", "123")], "DIGEST_TIME"),
            (
                &[
                    ("MATRIX_HOMESERVER", "matrix.org"),
                    ("MATRIX_USER", "@a:b"),
                    ("MATRIX_PASSWORD", "p"),
                ],
                "MATRIX_HOMESERVER",
            ),
            (
                &[
                    ("MATRIX_HOMESERVER", "https://m"),
                    ("MATRIX_USER", "bob"),
                    ("MATRIX_PASSWORD", "p"),
                ],
                "MATRIX_USER",
            ),
            (
                &[("MATRIX_HOMESERVER", "https://m"), ("MATRIX_USER", "@a:b")],
                "MATRIX_PASSWORD",
            ),
            (&[("MATRIX_USER", "@a:b")], "MATRIX_HOMESERVER"),
            (&[("RATE_LIMIT_USER", "0")], "RATE_LIMIT_USER"),
            (&[("CORPUS_POLL_SECS", "soon")], "CORPUS_POLL_SECS"),
        ];
        for (pairs, var) in cases {
            let e = with(pairs).unwrap_err();
            assert_eq!(e.var, *var, "{pairs:?}");
            assert!(e.to_string().starts_with(&format!("{var}: ")));
        }
    }

    #[test]
    fn secrets_never_print() {
        let c = with(&[
            ("DISCORD_TOKEN", "sekrit-token"),
            ("MATRIX_HOMESERVER", "http://127.0.0.1:8008"),
            ("MATRIX_USER", "@bot:localhost"),
            ("MATRIX_PASSWORD", "hunter2"),
        ])
        .unwrap();
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("sekrit") && !shown.contains("hunter2"),
            "{shown}"
        );
        assert_eq!(c.discord.unwrap().token.expose(), "sekrit-token");
    }

    #[test]
    fn full_chat_config() {
        let c = with(&[
            ("DISCORD_TOKEN", "t"),
            ("DISCORD_GUILD_ID", "42"),
            ("DIGEST_TIME", "08:30"),
            ("DIGEST_TZ", "Europe/Berlin"),
            ("DIGEST_DISCORD_CHANNEL", "7"),
            ("MATRIX_HOMESERVER", "https://m.example"),
            ("MATRIX_USER", "@bot:example"),
            ("MATRIX_ACCESS_TOKEN", "tok"),
            ("MATRIX_ALLOWED", "@alice:example, example.org"),
        ])
        .unwrap();
        assert_eq!(c.digest.unwrap().tz, chrono_tz::Europe::Berlin);
        assert_eq!(c.discord.unwrap().guild_id, Some(42));
        let m = c.matrix.unwrap();
        assert_eq!(m.allowed, ["@alice:example", "example.org"]);
        assert!(matches!(m.auth, MatrixAuth::AccessToken(_)));
    }
}
