//! The Discord front end (serenity): slash commands, embeds, paging, rate limits, digest.
//!
//! A slash command becomes the chat line it stands for ("/ask Who…") and goes through the
//! one parser. Answers are deferred (the engine may take longer than Discord's 3 seconds)
//! and then edited in as embeds; long ones get Prev/Next buttons whose ids carry the page
//! and a hash of the command line, which itself travels in the embed's footer, so a click
//! is answered again from scratch and the bot keeps no state about its messages.

mod reply;
mod slash;

pub use reply::{
    CONTENT_LIMIT, CUSTOM_ID_LIMIT, DESCRIPTION_LIMIT, EMBED_TOTAL_LIMIT, Embed, FIELD_VALUE_LIMIT,
    FIELDS_MAX, FOOTER_LIMIT, LimitError, TITLE_LIMIT, line_hash, page_button_id, pages as embeds,
    parse_page_button,
};
pub use slash::{Arg, command_line, definitions, timeline_topics};

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context as _;
use serenity::all::{
    ButtonStyle, ChannelId, Command as SlashCommand, CommandDataOptionValue, CommandInteraction,
    ComponentInteraction, Context, CreateActionRow, CreateAllowedMentions,
    CreateAutocompleteResponse, CreateButton, CreateEmbed, CreateEmbedFooter,
    CreateInteractionResponse, CreateInteractionResponseFollowup, CreateInteractionResponseMessage,
    CreateMessage, EditInteractionResponse, EventHandler, GatewayIntents, GuildId, Http,
    HttpBuilder, Interaction, Nonce, Ready,
};
use tracing::{error, info, warn};

use super::digest::{self, Clock, DueDigest};
use super::ratelimit::Limited;
use super::{BotContext, CancellationToken};
use crate::commands::{self, Command, Parsed};
use crate::config::DiscordConfig;
use crate::strings;

/// Runs the Discord bot until `shutdown`.
pub async fn run(
    config: DiscordConfig,
    ctx: BotContext,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    run_via(config, ctx, shutdown, None).await
}

/// Runs the bot with its REST calls sent to `api` (`http://host:port`) instead of Discord;
/// the gateway is whatever that API names. For tests and API proxies.
pub async fn run_via(
    config: DiscordConfig,
    ctx: BotContext,
    shutdown: CancellationToken,
    api: Option<&str>,
) -> anyhow::Result<()> {
    // Discord ids are never 0 (serenity's id types panic on it); say which setting is wrong.
    anyhow::ensure!(
        config.guild_id != Some(0),
        "DISCORD_GUILD_ID: 0 is not a Discord id"
    );
    anyhow::ensure!(
        config.digest_channel != Some(0),
        "DIGEST_DISCORD_CHANNEL: 0 is not a Discord id"
    );
    let mut http = HttpBuilder::new(config.token.expose());
    if let Some(base) = api {
        // serenity's own rate limiter sends to Discord whatever the proxy (0.12.5), so a
        // proxy takes over rate limiting, as serenity's docs intend.
        http = http.proxy(base).ratelimiter_disabled(true);
    }
    let handler = Handler {
        ctx: ctx.clone(),
        guild: config.guild_id,
        topics: slash::TopicCache::default(),
    };
    // Slash commands arrive whatever the intents: the bot asks for none, privileged or not.
    let mut client =
        serenity::client::ClientBuilder::new_with_http(http.build(), GatewayIntents::empty())
            .event_handler(handler)
            .await
            .context("cannot set up the Discord client")?;
    let stop = shutdown.child_token();
    let digest_task = match (&ctx.digests, config.digest_channel) {
        (Some(digests), Some(channel)) => {
            let http = client.http.clone();
            let channel = ChannelId::new(channel);
            Some(tokio::spawn(digest::run(
                digests.clone(),
                format!("discord:{channel}"),
                ctx.engine.clone(),
                Clock::System,
                move |due| post_digest(http.clone(), channel, due),
                stop.clone(),
            )))
        }
        (None, Some(_)) => {
            warn!(
                transport = "discord",
                "DIGEST_DISCORD_CHANNEL is set but DIGEST_TIME is not; no digest"
            );
            None
        }
        _ => None,
    };
    let shards = client.shard_manager.clone();
    let watcher = stop.clone();
    tokio::spawn(async move {
        watcher.cancelled().await;
        shards.shutdown_all().await;
    });
    let result = client.start().await;
    stop.cancel();
    if let Some(task) = digest_task {
        let _ = task.await;
    }
    result.context("the Discord connection failed")
}

struct Handler {
    ctx: BotContext,
    guild: Option<u64>,
    topics: slash::TopicCache,
}

/// No message ever pings anyone.
fn no_mentions() -> CreateAllowedMentions {
    CreateAllowedMentions::new()
}

fn create_embed(e: &Embed) -> CreateEmbed {
    let mut out = CreateEmbed::new()
        .title(&e.title)
        .description(&e.description);
    for (name, value) in &e.fields {
        out = out.field(name, value, false);
    }
    if let Some(f) = &e.footer {
        out = out.footer(CreateEmbedFooter::new(f));
    }
    out
}

fn buttons(line: &str, page: usize, pages: usize) -> Vec<CreateActionRow> {
    match reply::page_buttons(line, page, pages) {
        None => Vec::new(),
        Some(bs) => vec![CreateActionRow::Buttons(
            bs.into_iter()
                .map(|(id, label, disabled)| {
                    CreateButton::new(id)
                        .label(label)
                        .style(ButtonStyle::Secondary)
                        .disabled(disabled)
                })
                .collect(),
        )],
    }
}

/// A short, private notice (rate limits, stale buttons, failures).
fn notice(text: &str) -> CreateInteractionResponse {
    CreateInteractionResponse::Message(
        CreateInteractionResponseMessage::new()
            .content(reply::content(text))
            .ephemeral(true)
            .allowed_mentions(no_mentions()),
    )
}

/// A short follow-up only the person who asked can see.
fn private_followup(text: &str) -> CreateInteractionResponseFollowup {
    CreateInteractionResponseFollowup::new()
        .content(reply::content(text))
        .ephemeral(true)
        .allowed_mentions(no_mentions())
}

fn limited_text(limited: Limited) -> String {
    let secs = limited.retry_after().as_secs().max(1);
    match limited {
        Limited::User(_) => strings::rate_limited_user(secs),
        Limited::Channel(_) => strings::rate_limited_channel(secs),
    }
}

fn args_of(options: &[serenity::all::CommandDataOption]) -> Vec<Arg> {
    options
        .iter()
        .filter_map(|o| match &o.value {
            CommandDataOptionValue::String(s) => Some(Arg::Text(s.clone())),
            CommandDataOptionValue::Integer(i) => Some(Arg::Int(*i)),
            CommandDataOptionValue::Autocomplete { value, .. } => Some(Arg::Text(value.clone())),
            _ => None,
        })
        .collect()
}

impl Handler {
    /// Answers `line` and renders page `page` of the reply off the async threads: the engine
    /// is synchronous and may be slow. The page's embed, and how many pages there are.
    async fn answer_page(&self, line: &str, page: usize) -> anyhow::Result<(Embed, usize)> {
        let engine = self.ctx.engine.load_full();
        let line = line.to_string();
        let shown = tokio::task::spawn_blocking(move || {
            let parsed = commands::parse(&line).unwrap_or(Parsed {
                command: Command::Empty,
                truncated: false,
            });
            reply::page(engine.answer(&parsed), Some(&line), page)
        })
        .await?;
        Ok(shown)
    }

    /// The reply to `line` at `page`: the page's embed and its buttons. None when answering
    /// failed (logged here; the caller tells the user privately).
    async fn page_edit(&self, line: &str, page: usize) -> Option<EditInteractionResponse> {
        match self.answer_page(line, page).await {
            Ok((embed, pages)) => {
                let page = page.min(pages - 1);
                Some(
                    EditInteractionResponse::new()
                        .content("")
                        .embed(create_embed(&embed))
                        .components(buttons(line, page, pages))
                        .allowed_mentions(no_mentions()),
                )
            }
            Err(e) => {
                error!(transport = "discord", command = %line, error = %e, "answer failed");
                None
            }
        }
    }

    async fn on_command(&self, ctx: &Context, cmd: &CommandInteraction) {
        let line = command_line(&cmd.data.name, &args_of(&cmd.data.options));
        let (user, channel) = (cmd.user.id, cmd.channel_id);
        info!(transport = "discord", command = %cmd.data.name, %user, %channel, "command");
        if let Err(limited) = self.ctx.limiter.check(
            &format!("discord:{user}"),
            &format!("discord:{channel}"),
            Instant::now(),
        ) {
            info!(transport = "discord", %user, %channel, ?limited, "rate limited");
            if let Err(e) = cmd
                .create_response(&ctx.http, notice(&limited_text(limited)))
                .await
            {
                warn!(transport = "discord", error = %e, "could not send the rate-limit notice");
            }
            return;
        }
        // Acknowledge at once: Discord drops an interaction not answered within 3 seconds.
        let defer = CreateInteractionResponse::Defer(
            CreateInteractionResponseMessage::new().allowed_mentions(no_mentions()),
        );
        if let Err(e) = cmd.create_response(&ctx.http, defer).await {
            warn!(transport = "discord", error = %e, "could not defer");
            return;
        }
        let sent = match self.page_edit(&line, 0).await {
            Some(edit) => cmd.edit_response(&ctx.http, edit).await.map(drop),
            None => {
                // The "thinking…" placeholder is public; the apology is for the asker only.
                let _ = cmd.delete_response(&ctx.http).await;
                cmd.create_followup(&ctx.http, private_followup(strings::INTERNAL_ERROR))
                    .await
                    .map(drop)
            }
        };
        if let Err(e) = sent {
            warn!(transport = "discord", command = %cmd.data.name, error = %e, "could not send the answer");
        }
    }

    async fn on_autocomplete(&self, ctx: &Context, cmd: &CommandInteraction) {
        let Some(focused) = cmd.data.autocomplete() else {
            return;
        };
        let engine = self.ctx.engine.load_full();
        let choices = slash::choices(&engine, &self.topics, &cmd.data.name, focused.value);
        let mut response = CreateAutocompleteResponse::new();
        for (name, value) in choices {
            response = response.add_string_choice(name, value);
        }
        if let Err(e) = cmd
            .create_response(&ctx.http, CreateInteractionResponse::Autocomplete(response))
            .await
        {
            warn!(transport = "discord", error = %e, "could not send autocomplete choices");
        }
    }

    async fn on_button(&self, ctx: &Context, press: &ComponentInteraction) {
        let Some((page, hash)) = parse_page_button(&press.data.custom_id) else {
            return;
        };
        let line = press
            .message
            .embeds
            .first()
            .and_then(|e| e.footer.as_ref())
            .map(|f| f.text.clone())
            .filter(|line| line_hash(line) == hash);
        let Some(line) = line else {
            info!(transport = "discord", id = %press.data.custom_id, "page button without its line");
            if let Err(e) = press
                .create_response(&ctx.http, notice(strings::DISCORD_BUTTON_STALE))
                .await
            {
                warn!(transport = "discord", error = %e, "could not answer a button");
            }
            return;
        };
        if let Err(e) = press
            .create_response(&ctx.http, CreateInteractionResponse::Acknowledge)
            .await
        {
            warn!(transport = "discord", error = %e, "could not acknowledge a button");
            return;
        }
        let sent = match self.page_edit(&line, page).await {
            Some(edit) => press.edit_response(&ctx.http, edit).await.map(drop),
            None => press
                .create_followup(&ctx.http, private_followup(strings::INTERNAL_ERROR))
                .await
                .map(drop),
        };
        if let Err(e) = sent {
            warn!(transport = "discord", error = %e, "could not turn the page");
        }
    }
}

#[serenity::async_trait]
impl EventHandler for Handler {
    async fn ready(&self, ctx: Context, ready: Ready) {
        info!(transport = "discord", user = %ready.user.name, guilds = ready.guilds.len(), "connected");
        let defs = definitions();
        let registered = match self.guild {
            Some(g) => GuildId::new(g).set_commands(&ctx.http, defs).await,
            None => SlashCommand::set_global_commands(&ctx.http, defs).await,
        };
        match registered {
            Ok(cmds) => {
                info!(transport = "discord", commands = cmds.len(), guild = ?self.guild, "slash commands registered")
            }
            Err(e) => {
                error!(transport = "discord", error = %e, "could not register the slash commands")
            }
        }
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        match &interaction {
            Interaction::Command(cmd) => self.on_command(&ctx, cmd).await,
            Interaction::Autocomplete(cmd) => self.on_autocomplete(&ctx, cmd).await,
            Interaction::Component(press) => self.on_button(&ctx, press).await,
            _ => {}
        }
    }
}

/// Posts a due digest, one message per page, each with a nonce Discord enforces so that a
/// retried post is not shown twice.
async fn post_digest(
    http: Arc<Http>,
    channel: ChannelId,
    due: DueDigest,
) -> anyhow::Result<DueDigest> {
    for (i, page) in reply::pages(&due.answer, None).iter().enumerate() {
        let message = CreateMessage::new()
            .embed(create_embed(page))
            .nonce(Nonce::String(reply::digest_nonce(due.slot, i)))
            .enforce_nonce(true)
            .allowed_mentions(no_mentions());
        channel
            .send_message(&http, message)
            .await
            .with_context(|| format!("posting the digest to channel {channel}"))?;
    }
    Ok(due)
}
