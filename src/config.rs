//! Typed configuration from the environment and `.env`, validated at start.

use std::path::PathBuf;

use thiserror::Error;

/// A bad setting: names the variable, says what is wrong, never echoes a secret.
#[derive(Debug, Error, PartialEq)]
#[error("{var}: {problem}")]
pub struct ConfigError {
    pub var: &'static str,
    pub problem: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// `CORPUS_DIR`: the folder of articles (default `seeds`).
    pub corpus_dir: PathBuf,
}

impl Config {
    /// Reads `.env` (if present) into the environment, then the settings.
    pub fn from_env() -> Result<Config, ConfigError> {
        let _ = dotenvy::dotenv();
        Config::from_lookup(|var| std::env::var(var).ok())
    }

    /// Reads settings through `lookup`, so tests need not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let corpus_dir = match lookup("CORPUS_DIR") {
            None => PathBuf::from("seeds"),
            Some(v) if v.trim().is_empty() => {
                return Err(ConfigError {
                    var: "CORPUS_DIR",
                    problem: "is empty; give a folder of .txt/.md articles".into(),
                });
            }
            Some(v) => PathBuf::from(v.trim()),
        };
        Ok(Config { corpus_dir })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_to_seeds() {
        let c = Config::from_lookup(|_| None).unwrap();
        assert_eq!(c.corpus_dir, PathBuf::from("seeds"));
    }

    #[test]
    fn empty_corpus_dir_names_the_variable() {
        let e = Config::from_lookup(|v| (v == "CORPUS_DIR").then(|| "  ".to_string())).unwrap_err();
        assert_eq!(e.var, "CORPUS_DIR");
        assert!(e.to_string().starts_with("CORPUS_DIR: "));
    }
}
