//! The Discord front end end to end: a real serenity `Client` against a local stand-in for
//! Discord on 127.0.0.1 — a REST server reached through `HttpBuilder::proxy` and a `ws://`
//! gateway that sends HELLO, READY and INTERACTION_CREATE as Discord does. Every request the
//! bot makes is recorded and checked: registration, deferrals, edited replies, autocomplete
//! choices, page turns, rate-limit notices and the daily digest.
#![cfg(feature = "discord")]

use std::collections::VecDeque;
use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use newsdesk::Engine;
use newsdesk::config::{DigestConfig, DiscordConfig, RateLimits, Secret};
use newsdesk::transport::{self, BotContext, CancellationToken, digest::Digests, discord};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message as WsMessage;

const APP: u64 = 111_111_111_111_111_111;
const BOT: u64 = 222_222_222_222_222_222;
const GUILD: u64 = 333_333_333_333_333_333;
const CHANNEL: u64 = 444_444_444_444_444_444;
const DIGEST_CHANNEL: u64 = 555_555_555_555_555_555;
const ALICE: u64 = 600_000_000_000_000_001;
/// Long enough for a slow debug build on a busy 2-core machine; only reached on failure.
const WAIT: Duration = Duration::from_secs(20);

/// One request the bot made to the REST stand-in.
#[derive(Debug, Clone)]
struct Recorded {
    method: String,
    path: String,
    auth: String,
    body: Value,
}

fn message_json(channel: &str, body: &Value) -> Value {
    json!({
        "id": "900000000000000001",
        "channel_id": channel,
        "author": {"id": BOT.to_string(), "username": "newsdesk", "discriminator": "0000", "avatar": null, "bot": true},
        "content": body.get("content").cloned().unwrap_or(json!("")),
        "timestamp": "2026-01-01T00:00:00.000000+00:00",
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": false,
        "type": 0
    })
}

/// Answers like Discord's REST API for the calls the bot makes, and records each call.
async fn rest(
    req: Request<Incoming>,
    ws_url: String,
    log: mpsc::UnboundedSender<Recorded>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let method = req.method().to_string();
    let path = req.uri().path().to_string();
    let auth = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = req
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let parts: Vec<&str> = path.trim_start_matches("/api/v10/").split('/').collect();
    let (status, reply) = match (method.as_str(), parts.as_slice()) {
        ("GET", ["gateway"]) | ("GET", ["gateway", "bot"]) => (
            200,
            json!({"url": ws_url, "shards": 1, "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}}),
        ),
        ("PUT", ["applications", _, "commands"])
        | ("PUT", ["applications", _, "guilds", _, "commands"]) => {
            let guild = (parts.len() == 5).then(|| parts[3].to_string());
            let cmds: Vec<Value> = body
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .enumerate()
                .map(|(i, mut c)| {
                    c["id"] = json!((700_000_000_000_000_000u64 + i as u64).to_string());
                    c["application_id"] = json!(APP.to_string());
                    c["version"] = json!("1");
                    c["guild_id"] = json!(guild);
                    if c.get("type").is_none() {
                        c["type"] = json!(1);
                    }
                    c
                })
                .collect();
            (200, Value::Array(cmds))
        }
        ("POST", ["interactions", _, _, "callback"]) => (204, Value::Null),
        ("PATCH", ["webhooks", _, _, "messages", "@original"]) => {
            (200, message_json(&CHANNEL.to_string(), &body))
        }
        ("POST", ["channels", channel, "messages"]) => (200, message_json(channel, &body)),
        _ => (404, json!({"message": "Unknown route", "code": 0})),
    };
    let _ = log.send(Recorded {
        method,
        path,
        auth,
        body,
    });
    let bytes = if reply.is_null() {
        Bytes::new()
    } else {
        Bytes::from(reply.to_string())
    };
    let mut response = Response::new(Full::new(bytes));
    *response.status_mut() = StatusCode::from_u16(status).unwrap();
    if status == 200 {
        response
            .headers_mut()
            .insert("content-type", "application/json".parse().unwrap());
    }
    Ok(response)
}

async fn serve_rest(listener: TcpListener, ws_url: String, log: mpsc::UnboundedSender<Recorded>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        let (ws_url, log) = (ws_url.clone(), log.clone());
        tokio::spawn(async move {
            let service =
                hyper::service::service_fn(move |req| rest(req, ws_url.clone(), log.clone()));
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

fn user(id: u64, name: &str) -> Value {
    json!({"id": id.to_string(), "username": name, "discriminator": "0", "global_name": name, "avatar": null})
}

/// The gateway: HELLO, wait for IDENTIFY, READY, then each queued dispatch; heartbeats acked.
async fn serve_gateway(
    listener: TcpListener,
    ws_url: String,
    mut dispatches: mpsc::UnboundedReceiver<Value>,
) {
    let Ok((stream, _)) = listener.accept().await else {
        return;
    };
    let mut ws = tokio_tungstenite::accept_async(stream)
        .await
        .expect("websocket handshake");
    let send = |v: Value| WsMessage::Text(v.to_string());
    ws.send(send(json!({"op": 10, "d": {"heartbeat_interval": 41250}})))
        .await
        .unwrap();
    loop {
        match ws.next().await {
            Some(Ok(WsMessage::Text(t))) => {
                let v: Value = serde_json::from_str(&t).unwrap();
                match v["op"].as_u64() {
                    Some(2) => {
                        // serenity sends the token as it sends it to REST, "Bot …".
                        let token = v["d"]["token"].as_str().unwrap_or("");
                        assert!(token.ends_with("test-token"), "IDENTIFY carries the token");
                        assert_eq!(v["d"]["intents"], 0, "no intents, privileged or not");
                        break;
                    }
                    Some(1) => ws.send(send(json!({"op": 11}))).await.unwrap(),
                    _ => {}
                }
            }
            Some(Ok(_)) => {}
            _ => return,
        }
    }
    let ready = json!({
        "v": 10,
        "user": {"id": BOT.to_string(), "username": "newsdesk", "discriminator": "0000", "avatar": null, "bot": true, "verified": true, "mfa_enabled": false, "flags": 0},
        "guilds": [{"id": GUILD.to_string(), "unavailable": true}],
        "session_id": "session-1",
        "resume_gateway_url": ws_url,
        "shard": [0, 1],
        "application": {"id": APP.to_string(), "flags": 0}
    });
    ws.send(send(json!({"op": 0, "s": 1, "t": "READY", "d": ready})))
        .await
        .unwrap();
    let mut seq = 1;
    loop {
        tokio::select! {
            d = dispatches.recv() => {
                let Some(d) = d else { return };
                seq += 1;
                let frame = json!({"op": 0, "s": seq, "t": "INTERACTION_CREATE", "d": d});
                if ws.send(send(frame)).await.is_err() { return; }
            }
            msg = ws.next() => match msg {
                Some(Ok(WsMessage::Text(t))) => {
                    let v: Value = serde_json::from_str(&t).unwrap_or(Value::Null);
                    if v["op"] == 1 && ws.send(send(json!({"op": 11}))).await.is_err() {
                        return;
                    }
                }
                Some(Ok(WsMessage::Close(_))) => {
                    // Send the close reply tungstenite queued, as Discord would.
                    let _ = ws.flush().await;
                    return;
                }
                None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            }
        }
    }
}

/// Seeds plus a long dated article (so /timeline needs pages) and a line that says @everyone.
fn corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    for f in std::fs::read_dir(&seeds).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, dir.path().join(f.file_name().unwrap())).unwrap();
    }
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
    let acts = [
        "approved the dredging contract for",
        "postponed the vote on",
        "published the environmental survey of",
        "opened public hearings about",
        "raised the budget for",
    ];
    let places = [
        "the north quay",
        "the ferry terminal",
        "the container berth",
        "the old pier",
    ];
    let mut text = String::from(
        "Harbour Board Chronicle\n\nA record of the harbour board's decisions over two years, compiled by the port authority.\n\n",
    );
    for i in 0..48 {
        text.push_str(&format!(
            "On {} {} {}, the harbour board {} {} after a debate that lasted {} hours.",
            i % 27 + 1,
            months[i % 12],
            2023 + i / 24,
            acts[i % acts.len()],
            places[i % places.len()],
            i % 5 + 2
        ));
        text.push_str(if i % 2 == 1 { "\n\n" } else { " " });
    }
    text.push_str("A notice posted by the dockers read \"@everyone to the gates\" and drew a crowd of several hundred workers.\n");
    std::fs::write(dir.path().join("harbour_chronicle.txt"), text).unwrap();
    dir
}

struct Options {
    guild: Option<u64>,
    rate: RateLimits,
    digest: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            guild: Some(GUILD),
            rate: RateLimits {
                per_user: 1000,
                per_channel: 1000,
            },
            digest: false,
        }
    }
}

struct Bot {
    requests: mpsc::UnboundedReceiver<Recorded>,
    pending: VecDeque<Recorded>,
    gateway: mpsc::UnboundedSender<Value>,
    shutdown: CancellationToken,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
    /// The command registration the bot made on READY.
    registered: Recorded,
    state: PathBuf,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
    next_id: u64,
}

impl Bot {
    async fn start(opts: Options) -> Bot {
        // RUST_LOG=debug shows what the bot and serenity did when a test fails.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
        let corpus = corpus();
        let state_dir = tempfile::tempdir().unwrap();
        let state = state_dir.path().join("digest.json");
        let rest_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let ws_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let api = format!("http://{}", rest_listener.local_addr().unwrap());
        let ws_url = format!("ws://{}", ws_listener.local_addr().unwrap());
        let (log, requests) = mpsc::unbounded_channel();
        let (gateway, dispatches) = mpsc::unbounded_channel();
        tokio::spawn(serve_rest(rest_listener, ws_url.clone(), log));
        tokio::spawn(serve_gateway(ws_listener, ws_url, dispatches));

        let digests = opts.digest.then(|| {
            // A digest is due at once: the channel's last one was long ago and nothing has
            // been announced to it yet.
            std::fs::write(
                &state,
                json!({"targets": {format!("discord:{DIGEST_CHANNEL}"): {"last_slot": "2020-01-01T08:00:00Z", "announced": []}}}).to_string(),
            )
            .unwrap();
            let schedule = DigestConfig {
                time: chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
                tz: chrono_tz::Europe::Berlin,
            };
            Arc::new(Digests::open(schedule, &state).unwrap())
        });
        let ctx = BotContext {
            engine: transport::shared(Engine::load(corpus.path()).unwrap()),
            digests,
            limiter: Arc::new(transport::ratelimit::RateLimiter::new(opts.rate)),
            state_dir: state_dir.path().to_path_buf(),
        };
        let config = DiscordConfig {
            token: Secret::new("test-token"),
            guild_id: opts.guild,
            digest_channel: opts.digest.then_some(DIGEST_CHANNEL),
        };
        let shutdown = CancellationToken::new();
        let task = tokio::spawn({
            let shutdown = shutdown.clone();
            async move { discord::run_via(config, ctx, shutdown, Some(&api)).await }
        });
        let mut bot = Bot {
            requests,
            pending: VecDeque::new(),
            gateway,
            shutdown,
            task,
            registered: Recorded {
                method: String::new(),
                path: String::new(),
                auth: String::new(),
                body: Value::Null,
            },
            state,
            _dirs: (corpus, state_dir),
            next_id: 800_000_000_000_000_000,
        };
        // Until the commands are registered, keep what else arrives (a digest post) for later.
        loop {
            let r = bot.recv().await;
            if r.method == "PUT" && r.path.ends_with("/commands") {
                bot.registered = r;
                break;
            }
            if !(r.method == "GET" && r.path.starts_with("/api/v10/gateway")) {
                bot.pending.push_back(r);
            }
        }
        bot
    }

    async fn recv(&mut self) -> Recorded {
        match tokio::time::timeout(WAIT, self.requests.recv()).await {
            Ok(Some(r)) => r,
            Ok(None) => panic!("the REST stand-in stopped"),
            Err(_) => panic!("the bot made no request within {WAIT:?}"),
        }
    }

    /// The next request the bot makes.
    async fn request(&mut self) -> Recorded {
        match self.pending.pop_front() {
            Some(r) => r,
            None => self.recv().await,
        }
    }

    /// Sends an interaction through the gateway, after checking serenity reads it.
    fn dispatch(&self, interaction: Value) {
        if let Err(e) = serde_json::from_value::<serenity::all::Interaction>(interaction.clone()) {
            panic!("fixture is not an interaction serenity reads: {e}\n{interaction:#}");
        }
        self.gateway.send(interaction).unwrap();
    }

    fn fresh_id(&mut self) -> String {
        self.next_id += 1;
        self.next_id.to_string()
    }

    /// A slash command (or autocomplete, `kind` 4) from `who` in the test channel; returns its token.
    fn command(&mut self, kind: u8, name: &str, options: Value, who: u64) -> String {
        let id = self.fresh_id();
        let token = format!("token-{id}");
        self.dispatch(json!({
            "id": id,
            "application_id": APP.to_string(),
            "type": kind,
            "data": {"id": "1000", "name": name, "type": 1, "options": options, "guild_id": GUILD.to_string()},
            "guild_id": GUILD.to_string(),
            "channel_id": CHANNEL.to_string(),
            "channel": {"id": CHANNEL.to_string(), "type": 0, "name": "newsroom", "permissions": "2248473465835073"},
            "member": {
                "user": user(who, "alice"), "roles": [], "joined_at": "2025-01-01T00:00:00.000000+00:00",
                "deaf": false, "mute": false, "flags": 0, "pending": false, "nick": null, "avatar": null,
                "premium_since": null, "permissions": "2248473465835073", "communication_disabled_until": null
            },
            "token": token,
            "version": 1,
            "app_permissions": "2248473465835073",
            "locale": "en-GB",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": GUILD.to_string()},
            "context": 0,
            "attachment_size_limit": 524288000
        }));
        token
    }

    /// A click on button `custom_id` of the message whose body the bot sent as `message`.
    fn click(&mut self, custom_id: &str, message: &Value) -> String {
        let id = self.fresh_id();
        let token = format!("token-{id}");
        let mut msg = message_json(&CHANNEL.to_string(), message);
        msg["embeds"] = message["embeds"].clone();
        msg["components"] = message["components"].clone();
        msg["application_id"] = json!(APP.to_string());
        msg["flags"] = json!(0);
        self.dispatch(json!({
            "id": id,
            "application_id": APP.to_string(),
            "type": 3,
            "data": {"custom_id": custom_id, "component_type": 2},
            "guild_id": GUILD.to_string(),
            "channel_id": CHANNEL.to_string(),
            "channel": {"id": CHANNEL.to_string(), "type": 0, "name": "newsroom"},
            "member": {
                "user": user(ALICE, "alice"), "roles": [], "joined_at": "2025-01-01T00:00:00.000000+00:00",
                "deaf": false, "mute": false, "flags": 0, "pending": false
            },
            "message": msg,
            "token": token,
            "version": 1,
            "app_permissions": "2248473465835073",
            "locale": "en-GB",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": GUILD.to_string()},
            "context": 0,
            "attachment_size_limit": 524288000
        }));
        token
    }

    /// Runs a slash command and returns (deferral, edited reply).
    async fn run_command(&mut self, name: &str, options: Value) -> (Recorded, Recorded) {
        let token = self.command(2, name, options, ALICE);
        let defer = self.request().await;
        assert_eq!(defer.method, "POST", "{defer:?}");
        assert!(
            defer.path.ends_with(&format!("/{token}/callback")),
            "{defer:?}"
        );
        let edit = self.request().await;
        assert_eq!(edit.method, "PATCH", "/{name}: {edit:?}");
        assert_eq!(
            edit.path,
            format!("/api/v10/webhooks/{APP}/{token}/messages/@original")
        );
        (defer, edit)
    }

    /// Stops the bot and returns the digest state file it left (empty if none).
    async fn stop(self) -> String {
        self.shutdown.cancel();
        tokio::time::timeout(WAIT, self.task)
            .await
            .expect("the bot stops on shutdown")
            .unwrap()
            .expect("the bot ends cleanly");
        std::fs::read_to_string(&self.state).unwrap_or_default()
    }
}

/// Every limit Discord sets on a message, checked here independently of the bot's code.
fn assert_message_ok(body: &Value) {
    let n = |v: &Value| v.as_str().map_or(0, |s| s.chars().count());
    assert!(n(&body["content"]) <= 2000, "content too long");
    let am = &body["allowed_mentions"];
    assert_eq!(
        am["parse"],
        json!([]),
        "allowed_mentions must be empty: {body}"
    );
    assert!(am["users"].as_array().is_none_or(|a| a.is_empty()));
    assert!(am["roles"].as_array().is_none_or(|a| a.is_empty()));
    assert_ne!(am["replied_user"], json!(true));
    let embeds = body["embeds"].as_array().cloned().unwrap_or_default();
    assert!(embeds.len() <= 10);
    for e in &embeds {
        let (title, desc, footer) = (
            n(&e["title"]),
            n(&e["description"]),
            n(&e["footer"]["text"]),
        );
        assert!(title <= 256, "title {title}");
        assert!(desc <= 4096, "description {desc}");
        assert!(footer <= 2048, "footer {footer}");
        let fields = e["fields"].as_array().cloned().unwrap_or_default();
        assert!(fields.len() <= 25, "{} fields", fields.len());
        let mut total = title + desc + footer + n(&e["author"]["name"]);
        for f in &fields {
            assert!(n(&f["name"]) <= 256 && n(&f["name"]) > 0);
            assert!(
                n(&f["value"]) <= 1024 && n(&f["value"]) > 0,
                "field value {}",
                n(&f["value"])
            );
            total += n(&f["name"]) + n(&f["value"]);
        }
        assert!(total <= 6000, "embed total {total}");
        let all = e.to_string();
        assert!(
            !all.contains("@everyone") && !all.contains("@here"),
            "a ping in {all}"
        );
    }
}

fn embed(body: &Value) -> &Value {
    &body["embeds"][0]
}

fn description(body: &Value) -> String {
    embed(body)["description"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

fn sources(body: &Value) -> String {
    embed(body)["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| f["value"].as_str().unwrap_or("").to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Each `[n]` in the description is listed in the embed's Sources fields with a file that exists.
fn assert_cited(body: &Value, corpus: &Path) {
    let desc = description(body);
    let src = sources(body);
    assert_eq!(embed(body)["fields"][0]["name"], "Sources");
    let mut marks = 0;
    for n in 1..200 {
        let mark = format!("[{n}]");
        if desc.contains(&mark) {
            marks += 1;
            let line = src
                .lines()
                .find(|l| l.contains(&mark))
                .unwrap_or_else(|| panic!("{mark} has no source: {src}"));
            let file = line.rsplit('`').nth(1).expect("file name in backticks");
            assert!(corpus.join(file).is_file(), "{file} is not in the corpus");
        }
    }
    assert!(marks > 0, "no citation marker: {desc}");
    // Each quote is the cited file's own words (bold and escapes aside), unless shortened.
    let fold = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut verbatim = 0;
    for line in desc.lines().filter_map(|l| l.strip_prefix("> ")) {
        let mut quote = line.to_string();
        let mut first_mark = None;
        while quote.ends_with(']') {
            let Some(open) = quote.rfind('[') else { break };
            match quote[open + 1..quote.len() - 1].parse::<usize>() {
                Ok(n) => first_mark = Some(n),
                Err(_) => break,
            }
            quote.truncate(open);
        }
        let Some(n) = first_mark else { continue };
        if quote.contains('…') {
            continue;
        }
        // `/who` shows a quotation in quotation marks around the cited words.
        if let Some(inner) = quote.strip_prefix('“').and_then(|q| q.strip_suffix('”')) {
            quote = inner.to_string();
        }
        let mut plain = String::new();
        let mut chars = quote
            .replace("**", "")
            .chars()
            .collect::<Vec<_>>()
            .into_iter();
        while let Some(c) = chars.next() {
            match c {
                '\\' => plain.extend(chars.next()),
                '\u{200B}' => {}
                c => plain.push(c),
            }
        }
        let mark = format!("[{n}]");
        let line = src.lines().find(|l| l.contains(&mark)).unwrap();
        let file = line.rsplit('`').nth(1).unwrap();
        let text = std::fs::read_to_string(corpus.join(file)).unwrap();
        assert!(
            fold(&text).contains(&fold(&plain)),
            "quote {mark} is not verbatim in {file}: {plain}"
        );
        verbatim += 1;
    }
    assert!(verbatim > 0, "no whole quote to check in {desc}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discord_registers_guild_commands_with_typed_options() {
    let bot = Bot::start(Options::default()).await;
    let r = &bot.registered;
    assert_eq!(
        r.path,
        format!("/api/v10/applications/{APP}/guilds/{GUILD}/commands")
    );
    assert_eq!(r.auth, "Bot test-token");
    let cmds = r.body.as_array().unwrap();
    let names: Vec<&str> = cmds.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "ask", "search", "timeline", "who", "source", "digest", "status", "help"
        ]
    );
    let option = |cmd: &str| -> Value {
        cmds.iter().find(|c| c["name"] == cmd).unwrap()["options"][0].clone()
    };
    for c in cmds {
        let d = c["description"].as_str().unwrap();
        assert!(!d.is_empty() && d.chars().count() <= 100, "{d}");
        assert_eq!(c["type"], 1, "chat input command");
    }
    // (command, option, type, required, autocomplete)
    let expected = [
        ("ask", "question", 3, true, false),
        ("search", "words", 3, true, false),
        ("timeline", "topic", 3, false, true),
        ("who", "name", 3, true, true),
        ("source", "article", 3, true, true),
        ("digest", "days", 4, false, false),
    ];
    for (cmd, name, kind, required, autocomplete) in expected {
        let o = option(cmd);
        assert_eq!(o["name"], name, "{cmd}");
        assert_eq!(o["type"], kind, "{cmd}");
        assert_eq!(o["required"], required, "{cmd}");
        assert_eq!(
            o["autocomplete"].as_bool().unwrap_or(false),
            autocomplete,
            "{cmd}"
        );
        assert!(!o["description"].as_str().unwrap().is_empty());
    }
    assert_eq!(option("digest")["min_value"], 1);
    assert_eq!(option("digest")["max_value"], 3650);
    assert!(option("status").is_null() && option("help").is_null());
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discord_registers_global_commands_without_a_guild() {
    let bot = Bot::start(Options {
        guild: None,
        ..Options::default()
    })
    .await;
    assert_eq!(bot.registered.method, "PUT");
    assert_eq!(
        bot.registered.path,
        format!("/api/v10/applications/{APP}/commands")
    );
    assert_eq!(bot.registered.body.as_array().unwrap().len(), 8);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discord_every_command_defers_then_edits_an_embed_within_limits() {
    let mut bot = Bot::start(Options::default()).await;
    let corpus = bot._dirs.0.path().to_path_buf();
    let opt = |name: &str, value: Value| json!([{"name": name, "type": if value.is_number() {4} else {3}, "value": value}]);
    // (command, options, title starts with, text in description or sources, cites)
    let cases = [
        (
            "ask",
            opt("question", json!("Who is the Kremlin spokesman?")),
            "Ask: Who is the Kremlin spokesman?",
            "Dmitry Peskov",
            true,
        ),
        (
            "search",
            opt("words", json!("ATACMS")),
            "Search: ATACMS",
            "ATACMS",
            true,
        ),
        (
            "timeline",
            opt("topic", json!("Patriot")),
            "Timeline: Patriot",
            "Patriot",
            true,
        ),
        (
            "who",
            opt("name", json!("Peskov")),
            "Who: Peskov",
            "Peskov",
            true,
        ),
        (
            "source",
            opt("article", json!("001_6480d4c4fdec966e.txt")),
            "Source",
            "001_6480d4c4fdec966e.txt",
            true,
        ),
        ("digest", opt("days", json!(3650)), "Digest", "Digest", true),
        ("digest", json!([]), "Digest", "stories", true),
        ("status", json!([]), "Status", "articles", false),
        ("help", json!([]), "newsdesk help", "/ask", false),
    ];
    for (name, options, title, text, cites) in cases {
        let (defer, edit) = bot.run_command(name, options).await;
        assert_eq!(
            defer.body["type"], 5,
            "/{name} is deferred (DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE)"
        );
        assert_eq!(defer.body["data"]["allowed_mentions"]["parse"], json!([]));
        assert_message_ok(&edit.body);
        let e = embed(&edit.body);
        assert!(
            e["title"].as_str().unwrap().starts_with(title),
            "/{name}: {}",
            e["title"]
        );
        assert!(
            description(&edit.body).contains(text) || sources(&edit.body).contains(text),
            "/{name}: {text:?} missing from {}",
            edit.body
        );
        assert!(
            e["footer"]["text"]
                .as_str()
                .unwrap()
                .starts_with(&format!("/{name}"))
        );
        if cites {
            assert_cited(&edit.body, &corpus);
        }
        assert_eq!(
            edit.body["components"],
            json!([]),
            "/{name} fits one page: no buttons"
        );
    }
    bot.stop().await;
}

fn buttons(body: &Value) -> Vec<Value> {
    body["components"][0]["components"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discord_long_answer_pages_with_buttons() {
    let mut bot = Bot::start(Options::default()).await;
    let corpus = bot._dirs.0.path().to_path_buf();
    let (_, first) = bot
        .run_command(
            "timeline",
            json!([{"name": "topic", "type": 3, "value": "harbour board"}]),
        )
        .await;
    assert_message_ok(&first.body);
    assert_cited(&first.body, &corpus);
    let d1 = description(&first.body);
    let pages: usize = d1
        .rsplit("page 1 of ")
        .next()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page line: {d1}"));
    assert!(pages >= 2, "{pages} pages");
    let bs = buttons(&first.body);
    assert_eq!(bs.len(), 2);
    assert_eq!(
        (bs[0]["label"].as_str(), bs[0]["disabled"].as_bool()),
        (Some("Prev"), Some(true))
    );
    assert_eq!(
        (bs[1]["label"].as_str(), bs[1]["disabled"].as_bool()),
        (Some("Next"), Some(false))
    );
    let next = bs[1]["custom_id"].as_str().unwrap().to_string();
    assert!(next.len() <= 100);

    let token = bot.click(&next, &first.body);
    let ack = bot.request().await;
    assert!(ack.path.ends_with(&format!("/{token}/callback")));
    assert_eq!(
        ack.body["type"], 6,
        "the page turn is deferred (DEFERRED_UPDATE_MESSAGE)"
    );
    let second = bot.request().await;
    assert_eq!(second.method, "PATCH");
    assert_eq!(
        second.path,
        format!("/api/v10/webhooks/{APP}/{token}/messages/@original")
    );
    assert_message_ok(&second.body);
    assert_cited(&second.body, &corpus);
    let d2 = description(&second.body);
    assert!(d2.contains(&format!("page 2 of {pages}")), "{d2}");
    assert!(
        d2.starts_with("**"),
        "page 2 starts with a whole entry: {d2}"
    );
    assert_ne!(d1, d2);
    assert_eq!(embed(&second.body)["footer"], embed(&first.body)["footer"]);
    let bs = buttons(&second.body);
    assert_eq!(bs[0]["disabled"], false, "Prev works on page 2");

    // Back again: the same first page, answered afresh.
    let prev = bs[0]["custom_id"].as_str().unwrap().to_string();
    bot.click(&prev, &second.body);
    assert_eq!(bot.request().await.body["type"], 6);
    let again = bot.request().await;
    assert_eq!(description(&again.body), d1, "pages are deterministic");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discord_stale_page_button_is_refused_privately() {
    let mut bot = Bot::start(Options::default()).await;
    let (_, reply) = bot.run_command("status", json!([])).await;
    // A button made for another line than the one in this message's footer.
    let id = discord::page_button_id("/timeline something else", 1);
    let token = bot.click(&id, &reply.body);
    let r = bot.request().await;
    assert!(r.path.ends_with(&format!("/{token}/callback")));
    assert_eq!(r.body["type"], 4);
    assert_eq!(r.body["data"]["flags"], 64, "ephemeral");
    assert!(
        r.body["data"]["content"]
            .as_str()
            .unwrap()
            .contains("Run the command again")
    );
    assert_eq!(r.body["data"]["allowed_mentions"]["parse"], json!([]));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discord_autocomplete_offers_names_titles_and_topics() {
    let mut bot = Bot::start(Options::default()).await;
    // (command, option, typed so far, a choice value that must be offered)
    let cases = [
        ("who", "name", "Pesk", "Dmitry Peskov"),
        ("source", "article", "why trump", "001_6480d4c4fdec966e.txt"),
        ("timeline", "topic", "harb", "harbour"),
        ("timeline", "topic", "", "harbour"),
    ];
    for (cmd, option, typed, want) in cases {
        let token = bot.command(
            4,
            cmd,
            json!([{"name": option, "type": 3, "value": typed, "focused": true}]),
            ALICE,
        );
        let r = bot.request().await;
        assert!(r.path.ends_with(&format!("/{token}/callback")), "{r:?}");
        assert_eq!(r.body["type"], 8, "APPLICATION_COMMAND_AUTOCOMPLETE_RESULT");
        let choices = r.body["data"]["choices"].as_array().unwrap();
        assert!(
            !choices.is_empty() && choices.len() <= 25,
            "/{cmd} {typed:?}: {choices:?}"
        );
        for c in choices {
            let (name, value) = (c["name"].as_str().unwrap(), c["value"].as_str().unwrap());
            assert!(!name.is_empty() && name.chars().count() <= 100);
            assert!(!value.is_empty() && value.chars().count() <= 100);
        }
        assert!(
            choices.iter().any(|c| c["value"] == want),
            "/{cmd} {typed:?} does not offer {want:?}: {choices:?}"
        );
    }
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discord_rate_limited_user_and_channel_are_answered_privately() {
    let mut bot = Bot::start(Options {
        rate: RateLimits {
            per_user: 2,
            per_channel: 3,
        },
        ..Options::default()
    })
    .await;
    bot.run_command("status", json!([])).await;
    bot.run_command("status", json!([])).await;
    let limited = |r: &Recorded, token: &str, says: &str| {
        assert!(r.path.ends_with(&format!("/{token}/callback")), "{r:?}");
        assert_eq!(r.body["type"], 4, "answered at once, not deferred");
        assert_eq!(r.body["data"]["flags"], 64, "ephemeral");
        let text = r.body["data"]["content"].as_str().unwrap();
        assert!(
            text.contains(says) && text.contains("try again in"),
            "{text}"
        );
        assert_eq!(r.body["data"]["allowed_mentions"]["parse"], json!([]));
    };
    let token = bot.command(2, "status", json!([]), ALICE);
    let r = bot.request().await;
    limited(&r, &token, "You're asking faster");
    // Another user in the same channel still gets an answer: the first request after the
    // notice is Bob's deferral, so nothing was sent for Alice's third command.
    let bob = bot.command(2, "help", json!([]), ALICE + 1);
    let r = bot.request().await;
    assert!(
        r.path.ends_with(&format!("/{bob}/callback")) && r.body["type"] == 5,
        "{r:?}"
    );
    assert_eq!(bot.request().await.method, "PATCH");
    // The channel has had three commands this minute.
    let carol = bot.command(2, "help", json!([]), ALICE + 2);
    let r = bot.request().await;
    limited(&r, &carol, "This channel");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discord_quoted_mentions_never_ping() {
    let mut bot = Bot::start(Options::default()).await;
    let (_, edit) = bot
        .run_command(
            "search",
            json!([{"name": "words", "type": 3, "value": "dockers notice gates"}]),
        )
        .await;
    assert_message_ok(&edit.body);
    let d = description(&edit.body);
    assert!(
        d.contains("@\u{200B}everyone"),
        "the quote is shown, defused: {d}"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discord_daily_digest_is_posted_with_a_nonce_and_recorded() {
    let mut bot = Bot::start(Options {
        digest: true,
        ..Options::default()
    })
    .await;
    let corpus = bot._dirs.0.path().to_path_buf();
    let post = bot.request().await;
    assert_eq!(post.method, "POST");
    assert_eq!(
        post.path,
        format!("/api/v10/channels/{DIGEST_CHANNEL}/messages")
    );
    assert_message_ok(&post.body);
    let nonce = post.body["nonce"].as_str().expect("a string nonce");
    assert!(
        nonce.starts_with("nd") && nonce.ends_with("p0") && nonce.len() <= 25,
        "{nonce}"
    );
    assert_eq!(post.body["enforce_nonce"], true);
    let d = description(&post.body);
    assert!(d.starts_with("**Daily digest, "), "{d}");
    assert_cited(&post.body, &corpus);
    let state = bot.stop().await;
    let saved: Value = serde_json::from_str(&state).unwrap();
    let target = &saved["targets"][format!("discord:{DIGEST_CHANNEL}")];
    assert_ne!(
        target["last_slot"], "2020-01-01T08:00:00Z",
        "the slot is recorded: {saved}"
    );
    let announced = target["announced"].as_array().unwrap();
    assert!(
        announced.iter().any(|d| d == "001_6480d4c4fdec966e.txt"),
        "the posted articles are recorded: {saved}"
    );
}

#[tokio::test]
async fn discord_zero_ids_are_refused_with_the_setting_named() {
    let corpus = corpus();
    let state = tempfile::tempdir().unwrap();
    for (guild, channel, var) in [
        (Some(0), None, "DISCORD_GUILD_ID"),
        (None, Some(0), "DIGEST_DISCORD_CHANNEL"),
    ] {
        let ctx = BotContext {
            engine: transport::shared(Engine::load(corpus.path()).unwrap()),
            digests: None,
            limiter: Arc::new(transport::ratelimit::RateLimiter::new(RateLimits {
                per_user: 1,
                per_channel: 1,
            })),
            state_dir: state.path().to_path_buf(),
        };
        let config = DiscordConfig {
            token: Secret::new("test-token"),
            guild_id: guild,
            digest_channel: channel,
        };
        // No stand-in: the check comes before any connection.
        let e = discord::run_via(
            config,
            ctx,
            CancellationToken::new(),
            Some("http://127.0.0.1:9"),
        )
        .await
        .unwrap_err();
        assert!(e.to_string().starts_with(var), "{e}");
        assert!(!e.to_string().contains("test-token"));
    }
}
