//! The Matrix front end (matrix-sdk): commands in rooms, threaded HTML replies, paging with
//! `!more`, the daily digest, and joining rooms on invite.
//!
//! - Logs in once: the session (user, device, access token) is kept in
//!   `STATE_DIR/matrix-session.json` and restored on the next start, so no new device
//!   appears on every start. With `MATRIX_ACCESS_TOKEN` the token itself is the session.
//! - Answers nothing sent before it started: it syncs once, then registers its handlers and
//!   listens from that sync's token on; of the first sync's messages it answers only those
//!   sent after its start. Its own messages and `m.notice`s (other bots) are never commands.
//! - Commands of one room are answered in order by one worker per room; the paging state
//!   (`!more`) is kept in memory per room and user, and is lost on restart.
//! - End-to-end encryption is out of scope: in an encrypted room it says so once, in plain
//!   text, instead of staying silent.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use matrix_sdk::authentication::matrix::MatrixSession;
use matrix_sdk::config::SyncSettings;
use matrix_sdk::ruma::events::relation::Thread;
use matrix_sdk::ruma::events::room::encrypted::OriginalSyncRoomEncryptedEvent;
use matrix_sdk::ruma::events::room::member::{MembershipState, StrippedRoomMemberEvent};
use matrix_sdk::ruma::events::room::message::{
    MessageType, OriginalSyncRoomMessageEvent, Relation, RoomMessageEventContent,
    sanitize::remove_plain_reply_fallback,
};
use matrix_sdk::ruma::events::{
    AnySyncMessageLikeEvent, AnySyncTimelineEvent, Mentions, SyncMessageLikeEvent,
};
use matrix_sdk::ruma::{
    MilliSecondsSinceUnixEpoch, OwnedEventId, OwnedRoomId, OwnedRoomOrAliasId, OwnedTransactionId,
    OwnedUserId, UserId,
};
use matrix_sdk::{Client, Room, RoomState, SessionMeta, SessionTokens};
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use tracing::{info, warn};

use crate::answer::{Answer, Block, Paged, html_plain_pages, text};
use crate::commands::{self, Command, Parsed};
use crate::config::{MatrixAuth, MatrixConfig};
use crate::strings;

use super::digest::{self, Clock, DueDigest};
use super::ratelimit::Limited;
use super::{BotContext, CancellationToken};

/// Largest page of HTML (`formatted_body`); the plain `body` of the same page is shorter.
/// Far under Matrix's 64 KiB event limit: about a screenful in a client, and about as much
/// text as a Discord page.
pub const PAGE_LIMIT: usize = 4000;
/// Paged answers nobody asked `!more` of are forgotten after this long.
const PAGES_KEPT: Duration = Duration::from_secs(3600);
/// At most this many paged answers are kept; the oldest go first.
const MAX_PAGED: usize = 1000;
/// Long-poll timeout of each sync.
const SYNC_TIMEOUT: Duration = Duration::from_secs(30);
const SESSION_FILE: &str = "matrix-session.json";

/// Runs the Matrix bot until `shutdown`.
pub async fn run(
    config: MatrixConfig,
    ctx: BotContext,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    serve(config, ctx, shutdown, None).await
}

/// [`run`], telling `listening` once the bot has caught up and answers what is sent from
/// then on (for tests, and for anything that must wait until the bot is there).
pub async fn serve(
    config: MatrixConfig,
    ctx: BotContext,
    shutdown: CancellationToken,
    listening: Option<tokio::sync::oneshot::Sender<()>>,
) -> anyhow::Result<()> {
    let started = Start {
        at: Instant::now(),
        ts: MilliSecondsSinceUnixEpoch::now(),
    };
    let client = connect(&config, &ctx.state_dir).await?;
    let me = client.user_id().context("no user after login")?.to_owned();
    info!(transport = "matrix", user = %me, device = ?client.device_id(), "logged in");

    // The first sync catches up: rooms, invites and their state. Its messages are not seen
    // by the handlers, which are added after it; of them, only those sent since this start
    // are answered, below. Every message is checked for that (`sent_before`), because a
    // homeserver may replay a cached first sync: Synapse answers the same first sync of the
    // same device for two minutes with the same response, so a quick restart would get a
    // stale one and then everything sent since, old messages included.
    let first = client
        .sync_once(SyncSettings::default())
        .await
        .context("Matrix: the first sync failed")?;

    // Stops this bot's own tasks (room workers, digest) without touching the shared token.
    let stop = shutdown.child_token();
    let display_name = client.account().get_display_name().await.ok().flatten();
    let bot = Arc::new(Bot {
        started,
        ctx: ctx.clone(),
        names: mention_names(&me, display_name.as_deref()),
        me,
        allowed: config.allowed.clone(),
        shutdown: stop.clone(),
        pager: Mutex::new(Pager::default()),
        quiet_until: Mutex::new(HashMap::new()),
        told_encrypted: Mutex::new(HashSet::new()),
        queues: Mutex::new(HashMap::new()),
    });

    for room in client.invited_rooms() {
        match room.invite_details().await {
            Ok(invite) => {
                let inviter = invite.inviter.map(|m| m.user_id().to_owned());
                bot.clone().on_invite(room, inviter);
            }
            Err(e) => {
                warn!(transport = "matrix", room = %room.room_id(), error = %e, "cannot read a pending invite")
            }
        }
    }

    for (room_id, update) in &first.rooms.joined {
        let Some(room) = client.get_room(room_id) else {
            continue;
        };
        for event in &update.timeline.events {
            if let Ok(AnySyncTimelineEvent::MessageLike(AnySyncMessageLikeEvent::RoomMessage(
                SyncMessageLikeEvent::Original(ev),
            ))) = event.raw().deserialize()
            {
                bot.clone().on_message(ev, room.clone());
            }
        }
    }

    let b = bot.clone();
    client.add_event_handler(move |ev: StrippedRoomMemberEvent, room: Room| {
        let bot = b.clone();
        async move {
            if ev.state_key == bot.me && ev.content.membership == MembershipState::Invite {
                bot.on_invite(room, Some(ev.sender));
            }
        }
    });
    let b = bot.clone();
    client.add_event_handler(move |ev: OriginalSyncRoomMessageEvent, room: Room| {
        let bot = b.clone();
        async move { bot.on_message(ev, room) }
    });
    let b = bot.clone();
    client.add_event_handler(move |ev: OriginalSyncRoomEncryptedEvent, room: Room| {
        let bot = b.clone();
        async move {
            if ev.sender != bot.me {
                bot.tell_encrypted(&room).await;
            }
        }
    });

    let digest_task = match (&ctx.digests, &config.digest_room) {
        (Some(digests), Some(room)) => Some(tokio::spawn(run_digest(
            client.clone(),
            digests.clone(),
            room.clone(),
            ctx.clone(),
            stop.clone(),
        ))),
        (None, Some(_)) => {
            warn!(
                transport = "matrix",
                "DIGEST_MATRIX_ROOM is set but DIGEST_TIME is not; no digest"
            );
            None
        }
        _ => None,
    };

    info!(transport = "matrix", "listening");
    if let Some(tx) = listening {
        let _ = tx.send(());
    }
    let result = listen(&client, &shutdown).await;
    stop.cancel();
    if let Some(task) = digest_task {
        let _ = task.await;
    }
    result
}

/// Syncs until `shutdown`, riding out network trouble; a revoked token ends the bot.
async fn listen(client: &Client, shutdown: &CancellationToken) -> anyhow::Result<()> {
    let mut backoff = Duration::from_secs(1);
    loop {
        let settings = SyncSettings::default().timeout(SYNC_TIMEOUT);
        tokio::select! {
            _ = shutdown.cancelled() => return Ok(()),
            r = client.sync(settings) => {
                let e = match r {
                    Ok(()) => continue,
                    Err(e) => e,
                };
                if is_unknown_token(&e) {
                    return Err(anyhow::Error::from(e).context(
                        "Matrix: the homeserver no longer accepts the session; delete the session file in STATE_DIR or give a new MATRIX_ACCESS_TOKEN",
                    ));
                }
                warn!(transport = "matrix", error = %e, retry_in = ?backoff, "sync failed");
            }
        }
        tokio::select! {
            _ = shutdown.cancelled() => return Ok(()),
            _ = tokio::time::sleep(backoff) => {}
        }
        backoff = (backoff * 2).min(Duration::from_secs(60));
    }
}

fn is_unknown_token(e: &matrix_sdk::Error) -> bool {
    matches!(
        e.client_api_error_kind(),
        Some(matrix_sdk::ruma::api::error::ErrorKind::UnknownToken { .. })
    )
}

/// The session kept between starts.
#[derive(Serialize, Deserialize)]
struct SavedSession {
    homeserver: String,
    session: MatrixSession,
}

fn session_path(state_dir: &Path) -> PathBuf {
    state_dir.join(SESSION_FILE)
}

/// A client with a session: the saved one when it still works, else a new login.
async fn connect(config: &MatrixConfig, state_dir: &Path) -> anyhow::Result<Client> {
    let build = || async {
        Client::builder()
            .homeserver_url(&config.homeserver)
            .build()
            .await
            .context("MATRIX_HOMESERVER: cannot set up a client for it")
    };
    match &config.auth {
        MatrixAuth::AccessToken(token) => {
            // The token is the session; ask the server which user and device it belongs to.
            let probe = build().await?;
            let user_id = UserId::parse(config.user.as_str()).context("MATRIX_USER")?;
            probe
                .restore_session(session(user_id.clone(), "NEWSDESK".into(), token.expose()))
                .await?;
            let who = probe
                .whoami()
                .await
                .context("MATRIX_ACCESS_TOKEN: the homeserver does not accept it")?;
            anyhow::ensure!(
                who.user_id == user_id,
                "MATRIX_ACCESS_TOKEN belongs to {}, not to MATRIX_USER",
                who.user_id
            );
            let device = who
                .device_id
                .map_or_else(|| "NEWSDESK".into(), |d| d.to_string());
            let client = build().await?;
            client
                .restore_session(session(user_id, device, token.expose()))
                .await?;
            Ok(client)
        }
        MatrixAuth::Password(password) => {
            let path = session_path(state_dir);
            if let Some(saved) = read_session(&path)
                && saved.homeserver == config.homeserver
                && saved.session.meta.user_id.as_str() == config.user
            {
                let client = build().await?;
                client.restore_session(saved.session).await?;
                match client.whoami().await {
                    Ok(_) => {
                        info!(transport = "matrix", "restored the saved session");
                        return Ok(client);
                    }
                    Err(e) => {
                        warn!(transport = "matrix", error = %e, "the saved session no longer works; logging in again")
                    }
                }
            }
            let client = build().await?;
            client
                .matrix_auth()
                .login_username(&config.user, password.expose())
                .initial_device_display_name("newsdesk")
                .send()
                .await
                .context("MATRIX_PASSWORD: login failed")?;
            let session = client
                .matrix_auth()
                .session()
                .context("no session after login")?;
            write_session(
                &path,
                &SavedSession {
                    homeserver: config.homeserver.clone(),
                    session,
                },
            )
            .with_context(|| format!("STATE_DIR: cannot save {}", path.display()))?;
            Ok(client)
        }
    }
}

fn session(user_id: OwnedUserId, device: String, token: &str) -> MatrixSession {
    MatrixSession {
        meta: SessionMeta {
            user_id,
            device_id: device.into(),
        },
        tokens: SessionTokens {
            access_token: token.to_string(),
            refresh_token: None,
        },
    }
}

fn read_session(path: &Path) -> Option<SavedSession> {
    let bytes = std::fs::read(path).ok()?;
    match serde_json::from_slice(&bytes) {
        Ok(s) => Some(s),
        Err(e) => {
            warn!(transport = "matrix", file = %path.display(), error = %e, "unreadable session file; logging in again");
            None
        }
    }
}

/// Writes the session atomically, readable by the owner only (it holds an access token).
fn write_session(path: &Path, saved: &SavedSession) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    {
        let mut f = options.open(&tmp)?;
        f.write_all(&serde_json::to_vec_pretty(saved).map_err(std::io::Error::other)?)?;
        f.sync_all()?;
    }
    std::fs::rename(tmp, path)
}

/// When the bot started, by its own monotonic clock and by the wall clock.
#[derive(Debug, Clone, Copy)]
pub struct Start {
    pub at: Instant,
    pub ts: MilliSecondsSinceUnixEpoch,
}

/// Whether a message seen at `now` was sent before the bot `started`. Its age (how long
/// ago the homeserver received it, as the homeserver tells when it delivers it) is
/// compared with the bot's own uptime, so a homeserver clock that runs fast or slow does
/// not matter; without an age, the homeserver's timestamp is compared with the wall clock.
pub fn sent_before(
    started: &Start,
    age_ms: Option<u64>,
    origin_ts: MilliSecondsSinceUnixEpoch,
    now: Instant,
) -> bool {
    match age_ms {
        Some(age) => Duration::from_millis(age) > now.saturating_duration_since(started.at),
        None => origin_ts < started.ts,
    }
}

/// What a message asks of the bot.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Command(Parsed),
    /// The next page of the last paged answer.
    More,
}

/// The names a message may start with to address the bot: its user id, its localpart and
/// its display name.
pub fn mention_names(me: &UserId, display_name: Option<&str>) -> Vec<String> {
    let mut names = vec![me.to_string(), me.localpart().to_string()];
    if let Some(d) = display_name.map(str::trim).filter(|d| !d.is_empty())
        && !names.iter().any(|n| n.eq_ignore_ascii_case(d))
    {
        names.push(d.to_string());
    }
    // Longest first, so "@newsdesk:example.org" is not read as "@newsdesk" + ":example.org".
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    names
}

/// The text after a leading mention of the bot (`newsdesk: ask ...`, `@newsdesk ask ...`),
/// or None when the message does not start with one of `names`.
pub fn strip_mention<'a>(body: &'a str, names: &[String]) -> Option<&'a str> {
    let body = body.trim_start();
    for name in names {
        for candidate in [name.clone(), format!("@{name}")] {
            let Some(head) = body.get(..candidate.len()) else {
                continue;
            };
            if !head.eq_ignore_ascii_case(&candidate) {
                continue;
            }
            let rest = &body[candidate.len()..];
            // The name must end there: "newsdesk:", "newsdesk," or "newsdesk ask", not "newsdesks".
            if rest.is_empty()
                || rest.starts_with([':', ','])
                || rest.starts_with(char::is_whitespace)
            {
                return Some(rest.trim_start_matches([':', ',']).trim());
            }
        }
    }
    None
}

fn is_more(s: &str) -> bool {
    let s = s.trim();
    ["!more", "/more", "more"]
        .iter()
        .any(|m| s.eq_ignore_ascii_case(m))
}

/// Reads a message body: a command (`!ask ...`, `/ask ...`), `!more`, or the same after a
/// mention of the bot, where a plain question is asked as `!ask`. None for everything else.
pub fn request_of(body: &str, names: &[String]) -> Option<Request> {
    let body = body.trim();
    if body.starts_with(['!', '/']) && is_more(body) {
        return Some(Request::More);
    }
    if let Some(parsed) = commands::parse(body) {
        return Some(Request::Command(parsed));
    }
    let rest = strip_mention(body, names)?;
    if rest.is_empty() {
        return commands::parse("!help").map(Request::Command);
    }
    if is_more(rest) {
        return Some(Request::More);
    }
    if rest.starts_with(['!', '/']) {
        return commands::parse(rest).map(Request::Command);
    }
    // "newsdesk: ask ..." is "!ask ..."; "newsdesk: who shot first?" too, as /who; a line
    // that names no command is a question.
    match commands::parse(&format!("!{rest}")) {
        Some(Parsed {
            command: Command::Unknown(_),
            ..
        })
        | None => Some(Request::Command(commands::parse_line(rest))),
        Some(parsed) => Some(Request::Command(parsed)),
    }
}

/// Whether an invite from `inviter` may be accepted: `allowed` lists user ids (`@a:b`) and
/// server names (`b`); an empty list allows everyone.
pub fn invite_allowed(allowed: &[String], inviter: &str) -> bool {
    if allowed.is_empty() {
        return true;
    }
    let server = inviter.split_once(':').map_or("", |(_, s)| s);
    allowed.iter().any(|a| {
        if a.starts_with('@') {
            a == inviter
        } else {
            a.eq_ignore_ascii_case(server)
        }
    })
}

/// One page of a reply: HTML and plain text of the same entries.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub html: String,
    pub plain: String,
}

struct Pending<R> {
    root: R,
    pages: Rest,
    stored: Instant,
}

/// The pages after the one shown, each rendered when `!more` asks for it.
type Rest = Box<dyn ExactSizeIterator<Item = Page> + Send>;

/// The pages still to show, per room and user (the key), with the thread (`R`) they belong to.
/// A new answer replaces the old one's pages. In memory only.
pub struct Pager<R> {
    pending: HashMap<String, Pending<R>>,
}

impl<R> Default for Pager<R> {
    fn default() -> Self {
        Pager {
            pending: HashMap::new(),
        }
    }
}

impl<R: Clone> Pager<R> {
    /// Keeps `rest` (the pages after the one just shown) for `key`; nothing left clears it.
    pub fn store(
        &mut self,
        key: &str,
        root: R,
        rest: impl ExactSizeIterator<Item = Page> + Send + 'static,
        now: Instant,
    ) {
        if rest.len() == 0 {
            self.pending.remove(key);
            return;
        }
        self.pending
            .retain(|_, p| now.duration_since(p.stored) < PAGES_KEPT);
        if self.pending.len() >= MAX_PAGED
            && let Some(oldest) = self
                .pending
                .iter()
                .min_by_key(|(_, p)| p.stored)
                .map(|(k, _)| k.clone())
        {
            self.pending.remove(&oldest);
        }
        self.pending.insert(
            key.to_string(),
            Pending {
                root,
                pages: Box::new(rest),
                stored: now,
            },
        );
    }

    /// The next page for `key` and its thread, and whether more remain after it.
    pub fn next(&mut self, key: &str, now: Instant) -> Option<(R, Page, bool)> {
        let p = self.pending.get_mut(key)?;
        if now.duration_since(p.stored) >= PAGES_KEPT {
            self.pending.remove(key);
            return None;
        }
        let page = p.pages.next()?;
        let root = p.root.clone();
        let more = p.pages.len() > 0;
        if !more {
            self.pending.remove(key);
        }
        Some((root, page, more))
    }
}

/// An answer's pages in order, each rendered when it is taken (a long timeline has hundreds,
/// and most are never asked for); every page but the last says how to get the next.
pub struct Pages {
    paged: Paged,
    next: usize,
}

/// Cuts `answer` into pages.
pub fn pages_of(answer: Answer) -> Pages {
    Pages {
        paged: Paged::html(answer, PAGE_LIMIT),
        next: 0,
    }
}

impl Iterator for Pages {
    type Item = Page;

    fn next(&mut self) -> Option<Page> {
        if self.next >= self.paged.len() {
            return None;
        }
        let (html, plain) = self.paged.html_plain(self.next);
        self.next += 1;
        let page = Page { html, plain };
        Some(if self.next < self.paged.len() {
            with_more_hint(page)
        } else {
            page
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.paged.len() - self.next;
        (left, Some(left))
    }
}

impl ExactSizeIterator for Pages {}

fn with_more_hint(page: Page) -> Page {
    Page {
        html: format!(
            "{}\n<p><em>{}</em></p>",
            page.html,
            strings::MATRIX_MORE_HINT
        ),
        plain: format!("{}\n{}", page.plain, strings::MATRIX_MORE_HINT),
    }
}

/// The answer's first page, and the pages after it.
fn first_page(answer: Answer) -> (Page, Pages) {
    let mut pages = pages_of(answer);
    let first = pages.next().expect("an answer makes a page");
    (first, pages)
}

/// A one-sentence reply, rendered like any answer so both bodies are escaped alike.
fn sentence(line: &str) -> Page {
    let mut a = Answer::new("notice", "");
    a.push(Block::Para(vec![text(line)]));
    first_page(a).0
}

/// A transaction id for page `page` of the digest of `slot` to `room`: stable, so a digest
/// re-sent after a crash is recognised by the homeserver as the same message.
pub fn digest_txn_id(room: &str, slot: chrono::DateTime<chrono::Utc>, page: usize) -> String {
    let room: String = room
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("newsdesk-digest.{room}.{}.{page}", slot.timestamp())
}

enum Action {
    Answer(Parsed),
    More,
    Say(String),
}

struct Job {
    room: Room,
    event_id: OwnedEventId,
    /// The thread the reply goes in: the asking event's own thread, or one it starts.
    root: OwnedEventId,
    user: OwnedUserId,
    action: Action,
}

struct Bot {
    started: Start,
    ctx: BotContext,
    me: OwnedUserId,
    names: Vec<String>,
    allowed: Vec<String>,
    shutdown: CancellationToken,
    pager: Mutex<Pager<OwnedEventId>>,
    /// Users and rooms told they are rate limited, and until when to stay quiet about it.
    quiet_until: Mutex<HashMap<String, Instant>>,
    /// Encrypted rooms already told that the bot cannot read them (this run).
    told_encrypted: Mutex<HashSet<OwnedRoomId>>,
    queues: Mutex<HashMap<OwnedRoomId, mpsc::UnboundedSender<Job>>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Bot {
    /// Joins (in the background, with retries) or declines an invite.
    fn on_invite(self: Arc<Self>, room: Room, inviter: Option<OwnedUserId>) {
        let room_id = room.room_id().to_owned();
        let allowed = inviter
            .as_ref()
            .is_some_and(|i| invite_allowed(&self.allowed, i.as_str()));
        tokio::spawn(async move {
            if !allowed {
                info!(transport = "matrix", room = %room_id, inviter = ?inviter, "invite declined: inviter not in MATRIX_ALLOWED");
                if let Err(e) = room.leave().await {
                    warn!(transport = "matrix", room = %room_id, error = %e, "cannot decline invite");
                }
                return;
            }
            // Synapse sometimes refuses a join right after the invite; back off and retry.
            let mut delay = Duration::from_secs(1);
            for attempt in 1..=6 {
                match room.join().await {
                    Ok(()) => {
                        info!(transport = "matrix", room = %room_id, inviter = ?inviter, "joined");
                        if room
                            .latest_encryption_state()
                            .await
                            .is_ok_and(|s| s.is_encrypted())
                        {
                            self.tell_encrypted(&room).await;
                        }
                        return;
                    }
                    Err(e) => {
                        warn!(transport = "matrix", room = %room_id, attempt, error = %e, "join failed");
                    }
                }
                tokio::select! {
                    _ = self.shutdown.cancelled() => return,
                    _ = tokio::time::sleep(delay) => {}
                }
                delay *= 2;
            }
        });
    }

    /// Says once per room and run that encrypted messages cannot be read; logs it if even
    /// that cannot be sent.
    async fn tell_encrypted(&self, room: &Room) {
        if !lock(&self.told_encrypted).insert(room.room_id().to_owned()) {
            return;
        }
        warn!(transport = "matrix", room = %room.room_id(), "encrypted room: cannot read messages (E2EE is not supported)");
        let page = sentence(strings::MATRIX_ENCRYPTED);
        if let Err(e) = room.send(notice(&page, None)).await {
            warn!(transport = "matrix", room = %room.room_id(), error = %e, "cannot tell an encrypted room that it cannot be read");
        }
    }

    /// Filters a message and queues what it asks for; runs inside the sync loop, so it
    /// only decides and never waits.
    fn on_message(self: Arc<Self>, ev: OriginalSyncRoomMessageEvent, room: Room) {
        if room.state() != RoomState::Joined || ev.sender == self.me {
            return;
        }
        let age = ev.unsigned.age.map(|a| i64::from(a).max(0) as u64);
        if sent_before(&self.started, age, ev.origin_server_ts, Instant::now()) {
            return;
        }
        // Only text: notices are other bots (never answered, so bots cannot loop), and
        // emotes, files and the rest are not commands.
        let MessageType::Text(content) = &ev.content.msgtype else {
            return;
        };
        let root = match &ev.content.relates_to {
            Some(Relation::Replacement(_)) => return, // an edit is not a new command
            Some(Relation::Thread(t)) => t.event_id.clone(),
            _ => ev.event_id.clone(),
        };
        let Some(request) = request_of(remove_plain_reply_fallback(&content.body), &self.names)
        else {
            return;
        };
        let room_id = room.room_id().to_owned();
        let action = match self.ctx.limiter.check(
            &format!("matrix:{}", ev.sender),
            &format!("matrix:{room_id}"),
            Instant::now(),
        ) {
            Ok(()) => match request {
                Request::More => Action::More,
                Request::Command(parsed) => Action::Answer(parsed),
            },
            Err(limited) => {
                let (key, line) = match limited {
                    Limited::User(d) => (
                        format!("user {}", ev.sender),
                        strings::rate_limited_user(secs(d)),
                    ),
                    Limited::Channel(d) => (
                        format!("room {room_id}"),
                        strings::rate_limited_channel(secs(d)),
                    ),
                };
                info!(transport = "matrix", room = %room_id, user = %ev.sender, "rate limited");
                // Say it once per wait, not to every message of a flood.
                let now = Instant::now();
                let mut quiet = lock(&self.quiet_until);
                if quiet.get(&key).is_some_and(|until| *until > now) {
                    return;
                }
                if quiet.len() > 10_000 {
                    quiet.retain(|_, until| *until > now);
                }
                quiet.insert(key, now + limited.retry_after());
                Action::Say(line)
            }
        };
        self.enqueue(Job {
            room,
            event_id: ev.event_id,
            root,
            user: ev.sender,
            action,
        });
    }

    /// Hands `job` to its room's worker, starting one if needed.
    fn enqueue(self: &Arc<Self>, job: Job) {
        let room_id = job.room.room_id().to_owned();
        let mut queues = lock(&self.queues);
        let job = match queues.get(&room_id) {
            Some(q) => match q.send(job) {
                Ok(()) => return,
                Err(mpsc::error::SendError(job)) => job, // its worker ended; start another
            },
            None => job,
        };
        let (tx, mut rx) = mpsc::unbounded_channel::<Job>();
        let _ = tx.send(job);
        queues.insert(room_id, tx);
        let bot = self.clone();
        tokio::spawn(async move {
            loop {
                let job = tokio::select! {
                    _ = bot.shutdown.cancelled() => return,
                    job = rx.recv() => match job { Some(j) => j, None => return },
                };
                bot.handle(job).await;
            }
        });
    }

    async fn handle(&self, job: Job) {
        let key = format!("{} {}", job.room.room_id(), job.user);
        let (root, reply_to, page) = match job.action {
            Action::Say(line) => (job.root, job.event_id, sentence(&line)),
            Action::More => match lock(&self.pager).next(&key, Instant::now()) {
                // The next page goes in the thread of the answer it continues.
                Some((root, page, _)) => {
                    let reply_to = if root == job.root {
                        job.event_id
                    } else {
                        root.clone()
                    };
                    (root, reply_to, page)
                }
                None => (
                    job.root,
                    job.event_id,
                    sentence(strings::MATRIX_NOTHING_MORE),
                ),
            },
            Action::Answer(parsed) => {
                let command = parsed.command.name();
                let engine = self.ctx.engine.load_full();
                // Answered, and its first page rendered, off the async threads.
                let answered =
                    tokio::task::spawn_blocking(move || first_page(engine.answer(&parsed)));
                let (first, pages) = match answered.await {
                    Ok(answered) => answered,
                    Err(e) => {
                        warn!(transport = "matrix", command, error = %e, "command panicked");
                        let mut a = Answer::new("error", "");
                        a.push(Block::Para(vec![text(strings::INTERNAL_ERROR)]));
                        first_page(a)
                    }
                };
                info!(transport = "matrix", room = %job.room.room_id(), command, "answered");
                lock(&self.pager).store(&key, job.root.clone(), pages, Instant::now());
                (job.root, job.event_id, first)
            }
        };
        let content = notice(&page, Some(Thread::plain(root, reply_to)));
        if let Err(e) = job.room.send(content).await {
            warn!(transport = "matrix", room = %job.room.room_id(), error = %e, "reply not sent");
        }
    }
}

fn secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

/// An `m.notice` (bots answer with notices, so other bots ignore them) with both bodies,
/// in `thread` if given, mentioning nobody.
fn notice(page: &Page, thread: Option<Thread>) -> RoomMessageEventContent {
    let mut content = RoomMessageEventContent::notice_html(page.plain.clone(), page.html.clone());
    content.relates_to = thread.map(Relation::Thread);
    content.mentions = Some(Mentions::new());
    content
}

/// The daily digest to `room` (a room id, or an alias), sharing `digests` with Discord.
async fn run_digest(
    client: Client,
    digests: Arc<digest::Digests>,
    room: String,
    ctx: BotContext,
    shutdown: CancellationToken,
) {
    let target = format!("matrix:{room}");
    let post = {
        let target = target.clone();
        move |due: DueDigest| {
            let (client, room, target) = (client.clone(), room.clone(), target.clone());
            async move {
                let joined = digest_room(&client, &room).await?;
                for (i, page) in html_plain_pages(&due.answer, PAGE_LIMIT).iter().enumerate() {
                    let page = Page {
                        html: page.0.clone(),
                        plain: page.1.clone(),
                    };
                    let txn: OwnedTransactionId = digest_txn_id(&room, due.slot, i).into();
                    joined
                        .send(notice(&page, None))
                        .with_transaction_id(txn)
                        .await
                        .with_context(|| format!("digest to {target} not sent"))?;
                }
                Ok(due)
            }
        }
    };
    digest::run(
        digests,
        target,
        ctx.engine.clone(),
        Clock::System,
        post,
        shutdown,
    )
    .await;
}

/// The digest room, joined (joining it if the bot was invited or it is public).
async fn digest_room(client: &Client, room: &str) -> anyhow::Result<Room> {
    let id = OwnedRoomOrAliasId::try_from(room)
        .context("DIGEST_MATRIX_ROOM: not a room id (!id:server) or alias (#name:server)")?;
    if let Ok(room_id) = OwnedRoomId::try_from(id.as_str())
        && let Some(r) = client.get_room(&room_id)
        && r.state() == RoomState::Joined
    {
        return Ok(r);
    }
    client
        .join_room_by_id_or_alias(&id, &[])
        .await
        .with_context(|| format!("DIGEST_MATRIX_ROOM: cannot join {room}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::Command;

    fn names() -> Vec<String> {
        let me = UserId::parse("@newsdesk:example.org").unwrap();
        mention_names(&me, Some("News Desk"))
    }

    fn cmd(c: Command) -> Option<Request> {
        Some(Request::Command(Parsed {
            command: c,
            truncated: false,
        }))
    }

    #[test]
    fn requests_table() {
        let s = |x: &str| x.to_string();
        let cases: &[(&str, Option<Request>)] = &[
            (
                "!ask Who is Peskov?",
                cmd(Command::Ask(s("Who is Peskov?"))),
            ),
            (
                "/ask Who is Peskov?",
                cmd(Command::Ask(s("Who is Peskov?"))),
            ),
            (
                "newsdesk: ask Who is Peskov?",
                cmd(Command::Ask(s("Who is Peskov?"))),
            ),
            ("Newsdesk, search ATACMS", cmd(Command::Search(s("ATACMS")))),
            (
                "@newsdesk:example.org: !search ATACMS",
                cmd(Command::Search(s("ATACMS"))),
            ),
            ("@newsdesk status", cmd(Command::Status)),
            ("News Desk: help", cmd(Command::Help)),
            ("newsdesk:", cmd(Command::Help)),
            (
                "newsdesk: What deadline did Trump set?",
                cmd(Command::Ask(s("What deadline did Trump set?"))),
            ),
            ("!more", Some(Request::More)),
            ("/MORE ", Some(Request::More)),
            ("newsdesk: more", Some(Request::More)),
            ("more", None),
            ("newsdesks: ask x", None),
            ("hello newsdesk: ask x", None),
            ("just chatting", None),
            ("!frob", cmd(Command::Unknown(s("frob")))),
        ];
        for (input, expected) in cases {
            assert_eq!(&request_of(input, &names()), expected, "input {input:?}");
        }
    }

    #[test]
    fn mention_is_stripped_only_at_a_name_boundary() {
        let n = names();
        assert_eq!(strip_mention("  newsdesk:  ask x", &n), Some("ask x"));
        assert_eq!(
            strip_mention("@newsdesk:example.org ask x", &n),
            Some("ask x")
        );
        assert_eq!(strip_mention("newsdeskask x", &n), None);
        assert_eq!(strip_mention("news", &n), None);
        assert_eq!(
            strip_mention("névsdesk: x", &n),
            None,
            "no panic on multibyte"
        );
        assert_eq!(n[0], "@newsdesk:example.org", "longest name first");
    }

    #[test]
    fn messages_from_before_the_start_are_old() {
        let t0 = Instant::now();
        let started = Start {
            at: t0,
            ts: MilliSecondsSinceUnixEpoch(1_000_000u32.into()),
        };
        let ts = |ms: u32| MilliSecondsSinceUnixEpoch(ms.into());
        let later = t0 + Duration::from_secs(10);
        // By age: 10 s after the start, a message 12 s old is old, one 3 s old is new,
        // whatever the timestamps say (clocks may disagree).
        assert!(sent_before(&started, Some(12_000), ts(2_000_000), later));
        assert!(!sent_before(&started, Some(3_000), ts(1), later));
        // Without an age, by timestamp.
        assert!(sent_before(&started, None, ts(999_999), later));
        assert!(!sent_before(&started, None, ts(1_000_000), later));
    }

    #[test]
    fn allowed_invites() {
        let list = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let cases: &[(&[&str], &str, bool)] = &[
            (&[], "@anyone:anywhere", true),
            (&["@alice:example.org"], "@alice:example.org", true),
            (&["@alice:example.org"], "@bob:example.org", false),
            (&["example.org"], "@bob:example.org", true),
            (&["Example.ORG"], "@bob:example.org", true),
            (&["example.org"], "@bob:evil.example.org", false),
            (&["example.org"], "@mallory:example.org.evil", false),
            (
                &["@alice:example.org", "other.net"],
                "@carol:other.net",
                true,
            ),
            (&["localhost:8008"], "@u:localhost:8008", true),
        ];
        for (allowed, inviter, expected) in cases {
            assert_eq!(
                invite_allowed(&list(allowed), inviter),
                *expected,
                "{allowed:?} {inviter}"
            );
        }
    }

    fn page(n: usize) -> Page {
        Page {
            html: format!("<p>{n}</p>"),
            plain: n.to_string(),
        }
    }

    #[test]
    fn pager_hands_out_pages_in_order_then_forgets() {
        let mut p: Pager<&str> = Pager::default();
        let t0 = Instant::now();
        p.store("room alice", "$q1", vec![page(2), page(3)].into_iter(), t0);
        assert_eq!(p.next("room bob", t0), None, "per user");
        assert_eq!(p.next("room alice", t0), Some(("$q1", page(2), true)));
        assert_eq!(p.next("room alice", t0), Some(("$q1", page(3), false)));
        assert_eq!(p.next("room alice", t0), None);

        p.store("room alice", "$q1", vec![page(2)].into_iter(), t0);
        p.store("room alice", "$q2", vec![page(9)].into_iter(), t0);
        assert_eq!(
            p.next("room alice", t0),
            Some(("$q2", page(9), false)),
            "a new answer replaces the old pages"
        );
        p.store("room alice", "$q3", vec![page(4)].into_iter(), t0);
        p.store("room alice", "$q4", vec![].into_iter(), t0);
        assert_eq!(p.next("room alice", t0), None, "a one-page answer clears");

        p.store("room alice", "$q5", vec![page(5)].into_iter(), t0);
        assert_eq!(p.next("room alice", t0 + PAGES_KEPT), None, "expired");
    }

    #[test]
    fn pager_stays_bounded() {
        let mut p: Pager<u32> = Pager::default();
        let t0 = Instant::now();
        for i in 0..(MAX_PAGED as u32 + 50) {
            p.store(
                &format!("k{i}"),
                i,
                vec![page(1)].into_iter(),
                t0 + Duration::from_millis(i.into()),
            );
        }
        assert_eq!(p.pending.len(), MAX_PAGED);
        assert!(
            p.next("k0", t0 + Duration::from_secs(2)).is_none(),
            "oldest dropped"
        );
        assert!(
            p.next(&format!("k{}", MAX_PAGED + 49), t0 + Duration::from_secs(2))
                .is_some()
        );
    }

    #[test]
    fn long_answers_page_with_a_hint_and_whole_sources() {
        let file = "A dated sentence about the harbour. ".repeat(400);
        let mut a = Answer::new("timeline", "");
        for d in 0..300 {
            a.push(Block::Para(vec![text(format!(
                "2025-07-{:02}",
                d % 28 + 1
            ))]));
            let n = a.cite(crate::answer::CitationSource {
                doc: "h.txt",
                title: "Harbour",
                date: None,
                url: None,
                text: &file,
                range: d * 36..d * 36 + 35,
            });
            a.push(Block::Quote(vec![
                text("A dated sentence about the harbour."),
                crate::answer::Inline::Cite(vec![n]),
            ]));
        }
        let pages: Vec<Page> = pages_of(a.clone()).collect();
        assert!(pages.len() > 1);
        // Rendered a page at a time, as all of them at once (with the hint).
        let whole = html_plain_pages(&a, PAGE_LIMIT);
        assert_eq!(pages.len(), whole.len());
        for (p, (html, plain)) in pages.iter().zip(&whole) {
            assert!(p.html.starts_with(html.as_str()) && p.plain.starts_with(plain.as_str()));
        }
        let last = pages.len() - 1;
        for (i, p) in pages.iter().enumerate() {
            assert!(p.html.chars().count() <= PAGE_LIMIT + 100, "page {i}");
            assert_eq!(
                p.plain.contains(strings::MATRIX_MORE_HINT),
                i < last,
                "page {i}"
            );
            assert_eq!(
                p.html.contains(strings::MATRIX_MORE_HINT),
                i < last,
                "page {i}"
            );
            assert!(p.plain.contains("Sources") && p.html.contains("Sources"));
            assert_eq!(
                p.plain.matches("> A dated").count(),
                p.html.matches("<blockquote>A dated").count(),
                "both bodies hold the same entries (page {i})"
            );
        }
    }

    #[test]
    fn digest_txn_ids_are_stable_and_path_safe() {
        let slot = chrono::DateTime::parse_from_rfc3339("2026-05-01T08:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let a = digest_txn_id("!abc:example.org", slot, 0);
        assert_eq!(a, digest_txn_id("!abc:example.org", slot, 0));
        assert_ne!(a, digest_txn_id("!abc:example.org", slot, 1));
        assert_ne!(a, digest_txn_id("!xyz:example.org", slot, 0));
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)),
            "{a}"
        );
    }

    #[test]
    fn session_file_round_trips_privately() {
        let dir = tempfile::tempdir().unwrap();
        let path = session_path(dir.path());
        let saved = SavedSession {
            homeserver: "http://127.0.0.1:8008".into(),
            session: session(
                UserId::parse("@bot:localhost").unwrap(),
                "DEV".into(),
                "tok",
            ),
        };
        write_session(&path, &saved).unwrap();
        let back = read_session(&path).unwrap();
        assert_eq!(back.session.meta.device_id.as_str(), "DEV");
        assert_eq!(back.session.tokens.access_token, "tok");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "only the owner may read the token");
        }
        std::fs::write(&path, "{oops").unwrap();
        assert!(read_session(&path).is_none());
    }
}
