//! The Discord front end (serenity): slash commands, embeds, paging, rate limits, digest.

use crate::config::DiscordConfig;

use super::{BotContext, CancellationToken};

/// Runs the Discord bot until `shutdown`.
pub async fn run(
    _config: DiscordConfig,
    _ctx: BotContext,
    _shutdown: CancellationToken,
) -> anyhow::Result<()> {
    anyhow::bail!("the Discord front end is not built yet")
}
