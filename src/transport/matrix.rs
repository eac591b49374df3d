//! The Matrix front end (matrix-sdk): commands in rooms, threaded HTML replies, digest.

use crate::config::MatrixConfig;

use super::{BotContext, CancellationToken};

/// Runs the Matrix bot until `shutdown`.
pub async fn run(
    _config: MatrixConfig,
    _ctx: BotContext,
    _shutdown: CancellationToken,
) -> anyhow::Result<()> {
    anyhow::bail!("the Matrix front end is not built yet")
}
