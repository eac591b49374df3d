//! The `newsdesk` binary: loads config, starts logging, picks a front end.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use newsdesk::{Config, Engine, answer, commands};

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

#[derive(Subcommand)]
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let quiet = matches!(cli.command, Some(Mode::Query { .. }));
    init_tracing(if quiet { "warn" } else { "info" });
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("newsdesk: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn init_tracing(default: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let dir = cli.corpus.unwrap_or(config.corpus_dir);
    let engine = Engine::load(&dir)
        .with_context(|| format!("cannot load the corpus in {}", dir.display()))?;
    tracing::info!(
        articles = engine.corpus.articles.len(),
        passages = engine.index.num_passages(),
        skipped = engine.corpus.skipped.len(),
        load_ms = engine.corpus.load_time.as_millis() as u64,
        index_ms = engine.index.build_time.as_millis() as u64,
        "corpus loaded"
    );
    match cli.command {
        Some(Mode::Query { json, line }) => {
            let answer = engine.answer(&commands::parse_line(&line.join(" ")));
            if json {
                println!("{}", answer::to_json(&answer));
            } else {
                println!(
                    "{}",
                    answer::render_plain(&answer, std::io::stdout().is_terminal())
                );
            }
            Ok(())
        }
        Some(Mode::Chat) | None => {
            let interactive = std::io::stdin().is_terminal();
            newsdesk::transport::terminal::run(
                &engine,
                std::io::stdin().lock(),
                std::io::stdout().lock(),
                interactive,
            )?;
            Ok(())
        }
    }
}
