//! The `newsdesk` binary: loads config, starts logging, picks a front end.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use newsdesk::config::Config;
use newsdesk::transport::{self, BotContext, CancellationToken};
use newsdesk::{Engine, answer, commands};

#[derive(Parser)]
#[command(
    version,
    about = "Answers questions about a folder of news articles with cited, verbatim excerpts"
)]
struct Cli {
    /// Folder of .txt/.md articles (default: CORPUS_DIR, then seeds)
    #[arg(long, global = true)]
    corpus: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Mode>,
}

#[derive(Subcommand, PartialEq)]
enum Mode {
    /// Chat in the terminal, one command per line (also from a pipe)
    Chat,
    /// Answer one chat line and exit
    Query {
        /// Print the reply as JSON (CONTRACT.md)
        #[arg(long)]
        json: bool,
        /// The chat line, e.g. "/ask Who is the Kremlin spokesman?"
        line: Vec<String>,
    },
    /// Run the Discord bot (needs DISCORD_TOKEN)
    #[cfg(feature = "discord")]
    Discord,
    /// Run the Matrix bot (needs MATRIX_HOMESERVER, MATRIX_USER and a password or token)
    #[cfg(feature = "matrix")]
    Matrix,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("newsdesk: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Logs to stderr; `RUST_LOG` overrides the default, and a filter it cannot parse is an error.
fn init_tracing(default: &str) -> anyhow::Result<()> {
    let filter = match std::env::var("RUST_LOG") {
        Ok(v) if !v.trim().is_empty() => tracing_subscriber::EnvFilter::try_new(v.trim())
            .map_err(|e| anyhow::anyhow!("RUST_LOG: not a log filter ({e})"))?,
        _ => tracing_subscriber::EnvFilter::new(default),
    };
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
    Ok(())
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let quiet = matches!(cli.command, Some(Mode::Query { .. }));
    init_tracing(if quiet { "warn" } else { "info,tantivy=warn" })?;
    let dir = cli
        .corpus
        .clone()
        .unwrap_or_else(|| config.corpus_dir.clone());
    // A one-off query reads the folder in memory; the chat and the bots keep their index and
    // analysis under STATE_DIR, so that a restart reads back what did not change.
    let engine = if quiet {
        Engine::load(&dir)
    } else {
        Engine::open(&dir, &config.state_dir)
    }
    .with_context(|| format!("cannot load the corpus in {}", dir.display()))?;
    tracing::info!(
        articles = engine.corpus.len(),
        passages = engine.index.num_passages(),
        skipped = engine.corpus.skipped().len(),
        load_ms = engine.corpus.load_time.as_millis() as u64,
        index_ms = engine.index.build_time.as_millis() as u64,
        "corpus loaded"
    );
    match cli.command {
        Some(Mode::Query { json, line }) => {
            let answer = engine.answer(&commands::parse_line(&line.join(" ")));
            let out = if json {
                answer::to_json(&answer).to_string()
            } else {
                answer::render_plain(&answer, std::io::stdout().is_terminal())
            };
            quiet_on_closed_pipe(writeln!(std::io::stdout().lock(), "{out}"))
        }
        Some(Mode::Chat) => chat(engine, config.poll),
        None if !config.has_chat() => chat(engine, config.poll),
        None => bots(config, engine, true, true),
        #[cfg(feature = "discord")]
        Some(Mode::Discord) => bots(config, engine, true, false),
        #[cfg(feature = "matrix")]
        Some(Mode::Matrix) => bots(config, engine, false, true),
    }
}

/// The terminal chat, with the folder watched so new articles are found without a restart.
fn chat(engine: Engine, poll: Option<std::time::Duration>) -> anyhow::Result<()> {
    let engine = transport::shared(engine);
    let _watcher = newsdesk::live::watch(engine.clone(), poll)?;
    let interactive = std::io::stdin().is_terminal();
    let result = quiet_on_closed_pipe(transport::terminal::run(
        &engine,
        std::io::stdin().lock(),
        std::io::stdout().lock(),
        interactive,
    ));
    drop(_watcher);
    save_on_exit(&engine);
    result
}

/// Finishes saving the state (a start-up save may still be running), so the next start
/// reads it back.
fn save_on_exit(engine: &transport::SharedEngine) {
    if let Err(e) = engine.load().save() {
        tracing::warn!(error = %e, "cannot save the state; the next start reads the folder");
    }
}

/// A reader that stops reading (`newsdesk query ... | head`) is not an error.
fn quiet_on_closed_pipe(result: std::io::Result<()>) -> anyhow::Result<()> {
    match result {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// Runs the configured chat front ends in one process until SIGINT or SIGTERM.
fn bots(config: Config, engine: Engine, discord: bool, matrix: bool) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let shutdown = CancellationToken::new();
        tokio::spawn(transport::cancel_on_signal(shutdown.clone()));
        let digests = match &config.digest {
            Some(d) => Some(Arc::new(
                transport::digest::Digests::open(d.clone(), &config.state_dir.join("digest.json"))
                    .context("STATE_DIR: cannot open the digest state")?,
            )),
            None => None,
        };
        let engine = transport::shared(engine);
        let watcher = newsdesk::live::watch(engine.clone(), config.poll)?;
        let ctx = BotContext {
            engine: engine.clone(),
            digests,
            limiter: Arc::new(transport::ratelimit::RateLimiter::new(config.rate)),
            state_dir: config.state_dir.clone(),
        };
        let mut tasks: tokio::task::JoinSet<anyhow::Result<()>> = tokio::task::JoinSet::new();
        #[cfg(feature = "discord")]
        if discord {
            let cfg = config.discord.clone().context("DISCORD_TOKEN: not set")?;
            tasks.spawn(transport::discord::run(cfg, ctx.clone(), shutdown.clone()));
        }
        #[cfg(feature = "matrix")]
        if matrix {
            let cfg = config
                .matrix
                .clone()
                .context("MATRIX_HOMESERVER: not set")?;
            tasks.spawn(transport::matrix::run(cfg, ctx.clone(), shutdown.clone()));
        }
        let _ = (discord, matrix, &ctx);
        if tasks.is_empty() {
            anyhow::bail!("no chat front end is configured; see .env.example");
        }
        let mut result = Ok(());
        while let Some(done) = tasks.join_next().await {
            if let Err(e) = done
                .map_err(anyhow::Error::from)
                .and_then(|r: anyhow::Result<()>| r)
            {
                tracing::error!(error = %format!("{e:#}"), "front end stopped");
                shutdown.cancel();
                result = Err(e);
            }
        }
        drop(watcher);
        tokio::task::block_in_place(|| save_on_exit(&engine));
        result
    })
}
