//! Front ends: each turns its platform's events into commands and `Answer`s into messages.
//! What they share lives here: the engine handle, rate limits and the daily digest.

pub mod digest;
#[cfg(feature = "discord")]
pub mod discord;
#[cfg(feature = "matrix")]
pub mod matrix;
pub mod ratelimit;
pub mod terminal;

use std::path::PathBuf;
use std::sync::Arc;

use arc_swap::ArcSwap;
pub use tokio_util::sync::CancellationToken;

use crate::engine::Engine;

/// The engine every front end answers from. A reload builds a new engine and swaps it in
/// atomically: a query holds the engine it started with and never sees a half-built one.
pub type SharedEngine = Arc<ArcSwap<Engine>>;

pub fn shared(engine: Engine) -> SharedEngine {
    Arc::new(ArcSwap::from_pointee(engine))
}

/// What a chat front end needs besides its own settings.
#[derive(Clone)]
pub struct BotContext {
    pub engine: SharedEngine,
    /// The daily digest, shared by Discord and Matrix; None when `DIGEST_TIME` is unset.
    pub digests: Option<Arc<digest::Digests>>,
    pub limiter: Arc<ratelimit::RateLimiter>,
    /// Where a front end keeps its own state (the Matrix session, say).
    pub state_dir: PathBuf,
}

/// Resolves when SIGINT or SIGTERM arrives, then cancels `token`.
pub async fn cancel_on_signal(token: CancellationToken) {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
        _ = token.cancelled() => return,
    }
    tracing::info!("shutting down");
    token.cancel();
}
