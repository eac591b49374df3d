#![cfg(feature = "matrix")]
//! The Matrix front end end to end, against a real Synapse on 127.0.0.1.
//!
//! Synapse comes from PyPI into `target/synapse-venv` (`scripts/synapse-setup`, which
//! `scripts/test` runs first). One Synapse serves every test of this file: SQLite in a
//! temporary folder, open registration, rate limits off. It is started on first use and
//! stops when this test process ends (a small Python wrapper ends it when its stdin closes).
//! Each test registers its own users and rooms, so the tests run in parallel.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use matrix_sdk::config::SyncSettings;
use matrix_sdk::room::MessagesOptions;
use matrix_sdk::ruma::api::client::account::register;
use matrix_sdk::ruma::api::client::room::create_room;
use matrix_sdk::ruma::api::client::uiaa::{AuthData, Dummy};
use matrix_sdk::ruma::events::InitialStateEvent;
use matrix_sdk::ruma::events::room::encryption::RoomEncryptionEventContent;
use matrix_sdk::ruma::events::room::member::{MembershipState, OriginalSyncRoomMemberEvent};
use matrix_sdk::ruma::events::room::message::{
    MessageType, OriginalSyncRoomMessageEvent, Relation, RoomMessageEventContent,
};
use matrix_sdk::ruma::{OwnedEventId, OwnedRoomId, OwnedUserId};
use matrix_sdk::{Client, Room};
use newsdesk::answer::fold_whitespace;
use newsdesk::config::{DigestConfig, MatrixAuth, MatrixConfig, RateLimits, Secret};
use newsdesk::transport::digest::Digests;
use newsdesk::transport::matrix::{PAGE_LIMIT, pages_of};
use newsdesk::transport::ratelimit::RateLimiter;
use newsdesk::transport::{self, BotContext, CancellationToken};
use newsdesk::{Engine, commands, strings};
use tokio::sync::mpsc;

const PASSWORD: &str = "correct horse battery staple";
/// How long any one thing may take before the test fails (CI machines are slow).
const PATIENCE: Duration = Duration::from_secs(90);

// ---------------------------------------------------------------------------------------
// Synapse

struct Synapse {
    url: String,
    _dir: tempfile::TempDir,
    /// Closing this (at process exit) tells the wrapper to stop Synapse.
    _stdin: Mutex<ChildStdin>,
    _wrapper: Mutex<Child>,
}

/// Runs Synapse until stdin closes, so that it never outlives the test process.
const WRAPPER: &str = r#"
import subprocess, sys
p = subprocess.Popen([sys.executable, "-m", "synapse.app.homeserver", "-c", sys.argv[1]])
try:
    sys.stdin.read()
finally:
    p.terminate()
    try:
        p.wait(20)
    except Exception:
        p.kill()
"#;

fn venv_python() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/synapse-venv/bin/python")
}

fn synapse() -> &'static Synapse {
    static SYNAPSE: OnceLock<Synapse> = OnceLock::new();
    SYNAPSE.get_or_init(start_synapse)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_synapse() -> Synapse {
    let python = venv_python();
    assert!(
        python.exists(),
        "Synapse is not installed ({} is missing): run scripts/synapse-setup, which scripts/test runs before cargo test",
        python.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    let port = free_port();
    let unlimited = "{per_second: 100000, burst_count: 100000}";
    let config = format!(
        r#"server_name: "localhost"
pid_file: "{d}/homeserver.pid"
listeners:
  - port: {port}
    bind_addresses: ["127.0.0.1"]
    type: http
    tls: false
    x_forwarded: false
    resources:
      - names: [client]
        compress: false
database:
  name: sqlite3
  args:
    database: "{d}/homeserver.db"
media_store_path: "{d}/media"
signing_key_path: "{d}/signing.key"
report_stats: false
enable_registration: true
enable_registration_without_verification: true
macaroon_secret_key: "newsdesk-test-macaroon"
form_secret: "newsdesk-test-form"
trusted_key_servers: []
suppress_key_server_warning: true
rc_message: {unlimited}
rc_registration: {unlimited}
rc_login:
  address: {unlimited}
  account: {unlimited}
  failed_attempts: {unlimited}
rc_joins:
  local: {unlimited}
  remote: {unlimited}
rc_invites:
  per_room: {unlimited}
  per_user: {unlimited}
  per_issuer: {unlimited}
"#
    );
    let yaml = dir.path().join("homeserver.yaml");
    std::fs::write(&yaml, config).unwrap();
    // A fixed ed25519 seed: this server federates with nobody.
    std::fs::write(
        dir.path().join("signing.key"),
        "ed25519 a_test AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
    )
    .unwrap();
    let log_path = dir.path().join("synapse.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut wrapper = Command::new(&python)
        .arg("-c")
        .arg(WRAPPER)
        .arg(&yaml)
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("cannot start Synapse");
    let stdin = wrapper.stdin.take().unwrap();
    let started = Instant::now();
    loop {
        if health(port) {
            eprintln!(
                "Synapse up on 127.0.0.1:{port} after {:.1} s",
                started.elapsed().as_secs_f64()
            );
            break;
        }
        if let Ok(Some(status)) = wrapper.try_wait() {
            panic!(
                "Synapse exited ({status}) before it was up:\n{}",
                std::fs::read_to_string(&log_path).unwrap_or_default()
            );
        }
        if started.elapsed() > PATIENCE {
            panic!(
                "Synapse not up after {PATIENCE:?}:\n{}",
                std::fs::read_to_string(&log_path).unwrap_or_default()
            );
        }
        // Polling the server, with the timeout above.
        std::thread::sleep(Duration::from_millis(100));
    }
    Synapse {
        url: format!("http://127.0.0.1:{port}"),
        _dir: dir,
        _stdin: Mutex::new(stdin),
        _wrapper: Mutex::new(wrapper),
    }
}

fn health(port: u16) -> bool {
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    if s.write_all(b"GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut reply = String::new();
    let _ = s.read_to_string(&mut reply);
    reply.starts_with("HTTP/1.1 200") || reply.starts_with("HTTP/1.0 200")
}

// ---------------------------------------------------------------------------------------
// Users and what they see

/// Registers `name` (no device is created when `login` is false).
async fn register(name: &str, login: bool) -> Client {
    let client = Client::builder()
        .homeserver_url(&synapse().url)
        .build()
        .await
        .unwrap();
    let mut req = register::v3::Request::new();
    req.username = Some(name.to_string());
    req.password = Some(PASSWORD.to_string());
    req.auth = Some(AuthData::Dummy(Dummy::new()));
    req.inhibit_login = !login;
    client
        .matrix_auth()
        .register(req)
        .await
        .unwrap_or_else(|e| panic!("cannot register {name}: {e}"));
    client
}

fn user_id(name: &str) -> OwnedUserId {
    format!("@{name}:localhost").try_into().unwrap()
}

#[derive(Debug, Clone)]
enum Seen {
    Message(OwnedRoomId, Box<OriginalSyncRoomMessageEvent>),
    Member(OwnedRoomId, OwnedUserId, MembershipState),
}

/// A user whose client syncs in the background and records every message and membership
/// change it sees, in order.
struct Person {
    client: Client,
    rx: mpsc::UnboundedReceiver<Seen>,
    seen: Vec<Seen>,
    sync: tokio::task::JoinHandle<()>,
}

impl Person {
    async fn new(name: &str) -> Person {
        let client = register(name, true).await;
        let (tx, rx) = mpsc::unbounded_channel();
        let t = tx.clone();
        client.add_event_handler(move |ev: OriginalSyncRoomMessageEvent, room: Room| {
            let t = t.clone();
            async move {
                let _ = t.send(Seen::Message(room.room_id().to_owned(), Box::new(ev)));
            }
        });
        client.add_event_handler(move |ev: OriginalSyncRoomMemberEvent, room: Room| {
            let t = tx.clone();
            async move {
                if let Ok(user) = OwnedUserId::try_from(ev.state_key.as_str()) {
                    let _ = t.send(Seen::Member(
                        room.room_id().to_owned(),
                        user,
                        ev.content.membership.clone(),
                    ));
                }
            }
        });
        client.sync_once(SyncSettings::default()).await.unwrap();
        let c = client.clone();
        let sync = tokio::spawn(async move {
            let _ = c
                .sync(SyncSettings::default().timeout(Duration::from_secs(5)))
                .await;
        });
        Person {
            client,
            rx,
            seen: Vec::new(),
            sync,
        }
    }

    /// Waits (on the server's sync, with a timeout) for something `pick` accepts.
    async fn wait_for<T>(&mut self, what: &str, mut pick: impl FnMut(&Seen) -> Option<T>) -> T {
        if let Some(t) = self.seen.iter().find_map(&mut pick) {
            return t;
        }
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(seen)) => {
                    let hit = pick(&seen);
                    self.seen.push(seen);
                    if let Some(t) = hit {
                        return t;
                    }
                }
                Ok(None) => panic!("sync stopped while waiting for {what}"),
                Err(_) => panic!(
                    "timed out waiting for {what}; seen so far:\n{:#?}",
                    self.seen
                ),
            }
        }
    }

    /// Creates a room and invites `invite` to it.
    async fn room_with(&self, invite: &OwnedUserId, encrypted: bool) -> Room {
        let mut req = create_room::v3::Request::new();
        req.invite = vec![invite.clone()];
        req.preset = Some(create_room::v3::RoomPreset::PrivateChat);
        if encrypted {
            req.initial_state = vec![
                InitialStateEvent::with_empty_state_key(
                    RoomEncryptionEventContent::with_recommended_defaults(),
                )
                .to_raw_any(),
            ];
        }
        self.client.create_room(req).await.unwrap()
    }

    async fn wait_member(&mut self, room: &Room, user: &OwnedUserId, state: MembershipState) {
        let room_id = room.room_id().to_owned();
        self.wait_for(&format!("{user} to be {state} in {room_id}"), |s| match s {
            Seen::Member(r, u, m) if *r == room_id && u == user && *m == state => Some(()),
            _ => None,
        })
        .await
    }

    async fn say(&self, room: &Room, body: &str) -> OwnedEventId {
        room.send(RoomMessageEventContent::text_plain(body))
            .await
            .unwrap()
            .response
            .event_id
    }

    /// The bot's reply in the thread of `asked`.
    async fn reply_to(&mut self, bot: &OwnedUserId, asked: &OwnedEventId) -> Reply {
        let what = format!("a threaded reply from {bot} to {asked}");
        self.wait_for(&what, |s| reply_in_thread(s, bot, asked))
            .await
    }

    fn replies_to(&self, bot: &OwnedUserId, asked: &OwnedEventId) -> usize {
        self.seen
            .iter()
            .filter(|s| reply_in_thread(s, bot, asked).is_some())
            .count()
    }
}

impl Drop for Person {
    fn drop(&mut self) {
        self.sync.abort();
    }
}

/// A notice from the bot: its plain body and its HTML body.
#[derive(Debug)]
struct Reply {
    plain: String,
    html: String,
}

fn notice_of(ev: &OriginalSyncRoomMessageEvent) -> Reply {
    let MessageType::Notice(n) = &ev.content.msgtype else {
        panic!("the bot must answer with m.notice: {ev:?}");
    };
    let formatted = n
        .formatted
        .as_ref()
        .unwrap_or_else(|| panic!("no formatted_body: {ev:?}"));
    assert_eq!(formatted.format.as_str(), "org.matrix.custom.html");
    Reply {
        plain: n.body.clone(),
        html: formatted.body.clone(),
    }
}

fn reply_in_thread(s: &Seen, bot: &OwnedUserId, asked: &OwnedEventId) -> Option<Reply> {
    let Seen::Message(_, ev) = s else { return None };
    if ev.sender != *bot {
        return None;
    }
    match &ev.content.relates_to {
        Some(Relation::Thread(t)) if t.event_id == *asked => Some(notice_of(ev)),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// The bot

fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds")
}

struct Bot {
    id: OwnedUserId,
    config: MatrixConfig,
    ctx: BotContext,
    state: tempfile::TempDir,
}

struct Running {
    stop: CancellationToken,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Running {
    async fn stop(self) {
        self.stop.cancel();
        let r = tokio::time::timeout(PATIENCE, self.task)
            .await
            .expect("the bot did not stop on shutdown")
            .unwrap();
        r.expect("the bot ended with an error");
    }
}

impl Bot {
    /// Registers the bot's account (without a device: only the bot itself logs in).
    async fn new(name: &str, corpus: &Path, rate: RateLimits) -> Bot {
        register(name, false).await;
        let state = tempfile::tempdir().unwrap();
        Bot {
            id: user_id(name),
            config: MatrixConfig {
                homeserver: synapse().url.clone(),
                user: user_id(name).to_string(),
                auth: MatrixAuth::Password(Secret::new(PASSWORD)),
                allowed: Vec::new(),
                digest_room: None,
            },
            ctx: BotContext {
                engine: transport::shared(Engine::load(corpus).unwrap()),
                digests: None,
                limiter: Arc::new(RateLimiter::new(rate)),
                state_dir: state.path().to_path_buf(),
            },
            state,
        }
    }

    fn start(&self) -> Running {
        let stop = CancellationToken::new();
        let task = tokio::spawn(transport::matrix::run(
            self.config.clone(),
            self.ctx.clone(),
            stop.clone(),
        ));
        Running { stop, task }
    }

    /// Starts the bot and waits until it listens.
    async fn start_listening(&self) -> Running {
        let stop = CancellationToken::new();
        let (tx, rx) = tokio::sync::oneshot::channel();
        let task = tokio::spawn(transport::matrix::serve(
            self.config.clone(),
            self.ctx.clone(),
            stop.clone(),
            Some(tx),
        ));
        tokio::time::timeout(PATIENCE, rx)
            .await
            .expect("the bot did not start listening")
            .expect("the bot stopped before it listened");
        Running { stop, task }
    }

    fn session(&self) -> serde_json::Value {
        let bytes = std::fs::read(self.state.path().join("matrix-session.json"))
            .expect("the bot keeps its session in STATE_DIR");
        serde_json::from_slice(&bytes).unwrap()
    }
}

const GENEROUS: RateLimits = RateLimits {
    per_user: 1000,
    per_channel: 1000,
};

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The reply is exactly the engine's first page for `line`, and every citation on it
/// points at real bytes of its file; with `verbatim`, each cited excerpt is shown whole
/// in both bodies.
fn check_reply(engine: &Engine, corpus: &Path, line: &str, reply: &Reply, verbatim: bool) {
    let parsed = commands::parse(line).unwrap_or_else(|| commands::parse_line(line));
    let answer = engine.answer(&parsed);
    let first = &pages_of(answer.clone()).next().expect("a first page");
    assert_eq!(reply.plain, first.plain, "plain body of {line:?}");
    assert_eq!(reply.html, first.html, "HTML body of {line:?}");
    let shown: Vec<_> = answer
        .citations
        .iter()
        .filter(|c| reply.plain.contains(&format!("[{}]", c.n)))
        .collect();
    assert!(!shown.is_empty(), "{line:?} cites nothing: {}", reply.plain);
    for c in shown {
        let file = std::fs::read(corpus.join(&c.doc)).unwrap();
        assert_eq!(
            &file[c.start..c.end],
            c.excerpt.as_bytes(),
            "citation [{}] of {line:?} is not the bytes it names",
            c.n
        );
        assert!(reply.plain.contains(&c.doc) && reply.html.contains(&c.doc));
        if verbatim {
            let excerpt = fold_whitespace(&c.excerpt);
            let excerpt = excerpt.trim();
            assert!(
                reply.plain.contains(excerpt),
                "plain body lacks excerpt [{}] {excerpt:?}:\n{}",
                c.n,
                reply.plain
            );
            assert!(
                strip_tags(&reply.html).contains(&html_escape(excerpt)),
                "HTML body lacks excerpt [{}] {excerpt:?}:\n{}",
                c.n,
                reply.html
            );
        }
    }
}

/// The HTML without its tags (the answer span is in <strong> inside the quote).
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(ch),
            _ => {}
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// The tests

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matrix_joins_on_invite_and_answers_commands_in_threads() {
    let bot = Bot::new("newsdesk", &seeds(), GENEROUS).await;
    let mut alice = Person::new("alice_threads").await;
    let running = bot.start();
    let room = alice.room_with(&bot.id, false).await;
    alice
        .wait_member(&room, &bot.id, MembershipState::Join)
        .await;

    let engine = bot.ctx.engine.load();
    let asks = [
        ("!ask Who is the Kremlin spokesman?", true),
        (
            "/ask How much in rare earth materials did Trump say Ukraine agreed to provide?",
            true,
        ),
        ("!search ATACMS", false),
        ("!source 003", false),
    ];
    for (line, verbatim) in asks {
        let asked = alice.say(&room, line).await;
        let reply = alice.reply_to(&bot.id, &asked).await;
        check_reply(&engine, &seeds(), line, &reply, verbatim);
    }

    // Addressed by name: the mention is stripped and the rest read as a command.
    let asked = alice
        .say(&room, "newsdesk: ask Who is the Kremlin spokesman?")
        .await;
    let reply = alice.reply_to(&bot.id, &asked).await;
    check_reply(
        &engine,
        &seeds(),
        "!ask Who is the Kremlin spokesman?",
        &reply,
        true,
    );

    // A notice (another bot) and plain chat are not commands. Commands of a room are
    // answered in order, so once the later /status is answered, these were passed over.
    let notice = room
        .send(RoomMessageEventContent::notice_plain("!ask Who is Peskov?"))
        .await
        .unwrap()
        .response
        .event_id;
    let chat = alice.say(&room, "good morning, everyone").await;
    let status = alice.say(&room, "/status").await;
    let reply = alice.reply_to(&bot.id, &status).await;
    assert!(reply.plain.contains("5 articles"), "{}", reply.plain);
    assert_eq!(alice.replies_to(&bot.id, &notice), 0, "answered a notice");
    assert_eq!(alice.replies_to(&bot.id, &chat), 0, "answered plain chat");

    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matrix_keeps_its_session_and_ignores_messages_sent_before_it_started() {
    let mut bot = Bot::new("newsdesk_restart", &seeds(), GENEROUS).await;
    let mut bob = Person::new("bob_restart").await;
    let running = bot.start();
    let room = bob.room_with(&bot.id, false).await;
    bob.wait_member(&room, &bot.id, MembershipState::Join).await;
    running.stop().await;
    let device = bot.session()["session"]["device_id"]
        .as_str()
        .unwrap()
        .to_string();

    let old = bob.say(&room, "!ask Who is the Kremlin spokesman?").await;

    // A second start restores the saved session: a wrong password is never even tried.
    bot.config.auth = MatrixAuth::Password(Secret::new("not the password"));
    let running = bot.start_listening().await;
    let new = bob.say(&room, "!status").await;
    let reply = bob.reply_to(&bot.id, &new).await;
    assert!(reply.plain.contains("5 articles"), "{}", reply.plain);
    assert_eq!(
        bob.replies_to(&bot.id, &old),
        0,
        "answered a message sent before it started"
    );
    running.stop().await;

    let session = bot.session();
    assert_eq!(
        session["session"]["device_id"].as_str(),
        Some(device.as_str())
    );
    // The homeserver knows exactly one device of the bot's: no new one per start.
    let probe = Client::builder()
        .homeserver_url(&synapse().url)
        .build()
        .await
        .unwrap();
    let saved: matrix_sdk::authentication::matrix::MatrixSession =
        serde_json::from_value(session["session"].clone()).unwrap();
    probe.restore_session(saved).await.unwrap();
    let devices = probe.devices().await.unwrap().devices;
    assert_eq!(
        devices
            .iter()
            .map(|d| d.device_id.to_string())
            .collect::<Vec<_>>(),
        [device]
    );
}

/// Twelve council reports of eight dated decisions each: a timeline of many pages.
fn council_corpus() -> tempfile::TempDir {
    let towns = [
        "Aldmere",
        "Brackwater",
        "Cindervale",
        "Dunmore",
        "Eastholm",
        "Fernbridge",
        "Glenrock",
        "Harrowgate",
        "Ivybrook",
        "Juniper Bay",
        "Kestrel Point",
        "Larkspur",
    ];
    let topics = [
        "harbour dredging",
        "school roof",
        "tram extension",
        "flood barrier",
        "library expansion",
        "bridge repair",
        "market square",
        "water main",
    ];
    let months = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let dir = tempfile::tempdir().unwrap();
    for (i, town) in towns.iter().enumerate() {
        let mut text = format!("{town} Council Approves Spending Plans\n\n");
        for (j, topic) in topics.iter().enumerate() {
            text.push_str(&format!(
                "On {} {}, {}, the {town} council voted to fund the {topic} project after a long public debate about its cost.\n\n",
                months[(i + j) % 12],
                (i * 3 + j) % 27 + 1,
                2010 + i
            ));
        }
        std::fs::write(dir.path().join(format!("{i:03}_council.txt")), text).unwrap();
    }
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matrix_pages_long_answers_with_more() {
    let corpus = council_corpus();
    let bot = Bot::new("newsdesk_pages", corpus.path(), GENEROUS).await;
    let mut carol = Person::new("carol_pages").await;
    let running = bot.start();
    let room = carol.room_with(&bot.id, false).await;
    carol
        .wait_member(&room, &bot.id, MembershipState::Join)
        .await;

    let line = "!timeline";
    let answer = bot
        .ctx
        .engine
        .load()
        .answer(&commands::parse(line).unwrap());
    let expected: Vec<_> = pages_of(answer).collect();
    assert!(
        expected.len() >= 2,
        "{line} should need more than one page of {PAGE_LIMIT} characters"
    );

    let asked = carol.say(&room, line).await;
    let first = carol.reply_to(&bot.id, &asked).await;
    // Bot messages already matched to a page (the first page is in the same thread).
    let mut shown: std::collections::HashSet<OwnedEventId> = carol
        .seen
        .iter()
        .filter_map(|s| match s {
            Seen::Message(_, ev) if ev.sender == bot.id => Some(ev.event_id.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(first.plain, expected[0].plain);
    assert!(first.plain.contains(strings::MATRIX_MORE_HINT));
    assert!(first.plain.contains(&strings::page_of(1, expected.len())));
    // `!more`, sent in the thread or in the room, continues in the answer's thread.
    for (i, page) in expected.iter().enumerate().skip(1) {
        let more = if i % 2 == 1 {
            let mut c = RoomMessageEventContent::text_plain("!more");
            c.relates_to = Some(Relation::Thread(
                matrix_sdk::ruma::events::relation::Thread::plain(asked.clone(), asked.clone()),
            ));
            room.send(c).await.unwrap().response.event_id
        } else {
            carol.say(&room, "!more").await
        };
        let bot_id = bot.id.clone();
        let next = carol
            .wait_for(&format!("page {} after {more}", i + 1), |s| match s {
                Seen::Message(_, ev) if ev.sender == bot_id && !shown.contains(&ev.event_id) => {
                    match &ev.content.relates_to {
                        Some(Relation::Thread(t))
                            if t.event_id == asked
                                && t.in_reply_to.as_ref().map(|r| &r.event_id)
                                    == Some(if i % 2 == 1 { &more } else { &asked }) =>
                        {
                            Some((ev.event_id.clone(), notice_of(ev)))
                        }
                        _ => None,
                    }
                }
                _ => None,
            })
            .await;
        let (id, next) = next;
        shown.insert(id);
        assert_eq!(next.plain, page.plain, "page {}", i + 1);
        assert_eq!(next.html, page.html, "page {}", i + 1);
    }
    let more = carol.say(&room, "!more").await;
    let done = carol.reply_to(&bot.id, &more).await;
    assert!(
        done.plain.contains(strings::MATRIX_NOTHING_MORE),
        "{}",
        done.plain
    );
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matrix_rate_limits_reply_politely() {
    let rate = RateLimits {
        per_user: 2,
        per_channel: 100,
    };
    let bot = Bot::new("newsdesk_rate", &seeds(), rate).await;
    let mut dave = Person::new("dave_rate").await;
    let running = bot.start();
    let room = dave.room_with(&bot.id, false).await;
    dave.wait_member(&room, &bot.id, MembershipState::Join)
        .await;
    for _ in 0..2 {
        let asked = dave.say(&room, "!status").await;
        let reply = dave.reply_to(&bot.id, &asked).await;
        assert!(reply.plain.contains("5 articles"), "{}", reply.plain);
    }
    let asked = dave.say(&room, "!status").await;
    let reply = dave.reply_to(&bot.id, &asked).await;
    let polite = strings::rate_limited_user(60);
    let polite = polite.split(" in ").next().unwrap();
    assert!(reply.plain.starts_with(polite), "{}", reply.plain);
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matrix_says_it_cannot_read_an_encrypted_room() {
    let bot = Bot::new("newsdesk_e2ee", &seeds(), GENEROUS).await;
    let mut erin = Person::new("erin_e2ee").await;
    let running = bot.start();
    let room = erin.room_with(&bot.id, true).await;
    let room_id = room.room_id().to_owned();
    let bot_id = bot.id.clone();
    let notice = erin
        .wait_for("the bot's notice in the encrypted room", |s| match s {
            Seen::Message(r, ev) if *r == room_id && ev.sender == bot_id => Some(notice_of(ev)),
            _ => None,
        })
        .await;
    assert_eq!(notice.plain, strings::MATRIX_ENCRYPTED);
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matrix_declines_invites_from_users_not_allowed() {
    let mut bot = Bot::new("newsdesk_allowed", &seeds(), GENEROUS).await;
    bot.config.allowed = vec!["@frank_allowed:localhost".into()];
    let mut frank = Person::new("frank_allowed").await;
    let mut mallory = Person::new("mallory_allowed").await;
    let running = bot.start();
    let refused = mallory.room_with(&bot.id, false).await;
    mallory
        .wait_member(&refused, &bot.id, MembershipState::Leave)
        .await;
    let accepted = frank.room_with(&bot.id, false).await;
    frank
        .wait_member(&accepted, &bot.id, MembershipState::Join)
        .await;
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matrix_posts_the_daily_digest_once() {
    // A corpus of its own, so a new article can arrive.
    let corpus = tempfile::tempdir().unwrap();
    for f in std::fs::read_dir(seeds()).unwrap() {
        let f = f.unwrap();
        std::fs::copy(f.path(), corpus.path().join(f.file_name())).unwrap();
    }
    let mut bot = Bot::new("newsdesk_digest", corpus.path(), GENEROUS).await;
    let mut grace = Person::new("grace_digest").await;
    let room = grace.room_with(&bot.id, false).await;
    let room_id = room.room_id().to_string();
    let target = format!("matrix:{room_id}");

    // The digest time passed two minutes ago; the room was registered yesterday, when the
    // folder held seeds/ only.
    let now = chrono::Utc::now();
    let schedule = DigestConfig {
        time: (now - chrono::Duration::minutes(2)).time(),
        tz: chrono_tz::UTC,
    };
    let state = bot.state.path().join("digest.json");
    let digests = Digests::open(schedule.clone(), &state).unwrap();
    let yesterday = now - chrono::Duration::days(1);
    assert!(
        digests
            .due(&target, &bot.ctx.engine.load(), yesterday)
            .unwrap()
            .is_none()
    );
    let baseline = std::fs::read(&state).unwrap();
    std::fs::write(
        corpus.path().join("900_harbour.txt"),
        "Harbour Dredging Plan Approved\n\nThe harbour authority approved the dredging plan on Tuesday after a long debate about the cost.\n",
    )
    .unwrap();
    bot.ctx
        .engine
        .store(Arc::new(Engine::load(corpus.path()).unwrap()));
    bot.ctx.digests = Some(Arc::new(digests));
    bot.config.digest_room = Some(room_id.clone());

    let running = bot.start();
    let rid = room.room_id().to_owned();
    let bot_id = bot.id.clone();
    let digest = grace
        .wait_for("the daily digest", |s| match s {
            Seen::Message(r, ev) if *r == rid && ev.sender == bot_id => Some(notice_of(ev)),
            _ => None,
        })
        .await;
    running.stop().await;
    let date = newsdesk::transport::digest::last_due(&schedule, now)
        .format("%Y-%m-%d")
        .to_string();
    assert!(
        digest
            .plain
            .starts_with(&strings::daily_digest_heading(&date)),
        "{}",
        digest.plain
    );
    assert!(
        digest.plain.contains("Harbour Dredging Plan Approved")
            && digest.html.contains("Harbour Dredging Plan Approved"),
        "{}",
        digest.plain
    );
    assert!(
        !digest.plain.contains("Kremlin"),
        "only the new article: {}",
        digest.plain
    );
    let posted = std::fs::read(&state).unwrap();
    assert_ne!(posted, baseline, "the post is recorded");

    // A crash after sending but before recording: the state still says "due". The re-send
    // carries the same transaction id, and the homeserver keeps one message.
    std::fs::write(&state, &baseline).unwrap();
    bot.ctx.digests = Some(Arc::new(Digests::open(schedule, &state).unwrap()));
    let running = bot.start();
    let deadline = Instant::now() + PATIENCE;
    while std::fs::read(&state).unwrap() == baseline {
        assert!(Instant::now() < deadline, "the digest was not re-sent");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    running.stop().await;

    let messages = room
        .messages(MessagesOptions::backward())
        .await
        .unwrap()
        .chunk;
    let digests_in_room = messages
        .iter()
        .filter(|e| {
            let v: serde_json::Value = e.raw().deserialize_as().unwrap();
            v["sender"] == bot.id.as_str()
                && v["content"]["body"]
                    .as_str()
                    .is_some_and(|b| b.starts_with(&strings::daily_digest_heading(&date)))
        })
        .count();
    assert_eq!(digests_in_room, 1, "one digest, however often it was sent");
}
