//! The live corpus: files added, changed and deleted while the bot serves are picked up
//! (by notifications and by polling), a script feeding `newsdesk chat` finds a new file, and
//! nasty folders never crash it.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use newsdesk::transport::{SharedEngine, shared};
use newsdesk::{Engine, commands, live};

const HARBOUR: &str = "Harbour Plan Approved\nThe harbour authority approved the dredging plan on Tuesday after a long debate.\n";
const ZEBRA: &str = "Zoo News\nA zebra foal was born at the city zoo on Sunday, keepers said.\n";

/// Waits, polling, until `cond` holds for the served engine; fails after `limit`.
fn wait_for(engine: &SharedEngine, limit: Duration, what: &str, cond: impl Fn(&Engine) -> bool) {
    let start = Instant::now();
    while !cond(&engine.load()) {
        assert!(start.elapsed() < limit, "timed out waiting for: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn hits(engine: &Engine, words: &str) -> usize {
    engine
        .answer(&commands::parse_line(&format!("/search {words}")))
        .citations
        .len()
}

fn check_watching(poll: Option<Duration>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("harbour.txt"), HARBOUR).unwrap();
    let engine = shared(Engine::load(dir.path()).unwrap());
    let _w = live::watch(engine.clone(), poll).unwrap();
    let limit = Duration::from_secs(10);

    std::fs::write(dir.path().join("zoo.txt"), ZEBRA).unwrap();
    wait_for(&engine, limit, "new file served", |e| hits(e, "zebra") == 1);

    std::fs::write(
        dir.path().join("zoo.txt"),
        "Zoo News\nA giraffe calf was born at the city zoo on Monday, keepers said.\n",
    )
    .unwrap();
    wait_for(&engine, limit, "changed file re-read", |e| {
        hits(e, "giraffe") == 1 && hits(e, "zebra") == 0
    });

    std::fs::write(dir.path().join("bad.txt"), [0xffu8, 0xfe, 0x00]).unwrap();
    wait_for(&engine, limit, "bad file reported", |e| {
        e.corpus.skipped().iter().any(|s| s.doc == "bad.txt")
    });
    assert_eq!(
        hits(&engine.load(), "harbour"),
        1,
        "the others keep serving"
    );

    std::fs::remove_file(dir.path().join("zoo.txt")).unwrap();
    wait_for(&engine, limit, "deleted file gone", |e| {
        hits(e, "giraffe") == 0 && e.corpus.len() == 1
    });

    // Names are resolved again after a change: /who finds the new person.
    std::fs::write(
        dir.path().join("port.txt"),
        "Port News\nPort director Amelia Okafor announced a new ferry route on Monday.\n",
    )
    .unwrap();
    wait_for(&engine, limit, "entity table refreshed", |e| {
        e.entities().iter().any(|x| x.name == "Amelia Okafor")
    });
}

#[test]
fn live_watcher_picks_up_added_changed_and_deleted_files() {
    check_watching(None);
}

#[test]
fn live_polling_picks_up_changes_where_notifications_are_silent() {
    check_watching(Some(Duration::from_millis(50)));
}

#[test]
fn live_a_file_changed_unseen_is_read_again_once_a_reply_finds_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("harbour.txt");
    std::fs::write(&path, HARBOUR).unwrap();
    let engine = shared(Engine::load(dir.path()).unwrap());
    // Polling once an hour: only a reply can tell the watcher of this change.
    let _w = live::watch(engine.clone(), Some(Duration::from_secs(3600))).unwrap();
    let stamp = std::fs::metadata(&path).unwrap().modified().unwrap();
    // Same size and modification time, other words.
    let changed = HARBOUR.replace("dredging", "drainage");
    assert_eq!(changed.len(), HARBOUR.len());
    std::fs::write(&path, &changed).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(stamp)
        .unwrap();
    assert!(engine.load().corpus.changed_files().is_empty(), "unseen");
    // The first reply finds the file changed: it quotes nothing of it by the old offsets.
    assert_eq!(hits(&engine.load(), "dredging"), 0);
    wait_for(&engine, Duration::from_secs(10), "file read again", |e| {
        hits(e, "drainage") == 1
    });
    let e = engine.load();
    let a = e.answer(&commands::parse_line("/search drainage"));
    let file = std::fs::read(&path).unwrap();
    let c = &a.citations[0];
    assert_eq!(&file[c.start..c.end], c.excerpt.as_bytes());
}

#[test]
fn live_chat_script_finds_a_file_written_meanwhile() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("harbour.txt"), HARBOUR).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_newsdesk"))
        .args(["chat", "--corpus"])
        .arg(dir.path())
        .env_remove("CORPUS_DIR")
        .env_remove("CORPUS_POLL_SECS")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    // Each reply ends with an empty line.
    let mut ask = |line: &str| -> String {
        writeln!(stdin, "{line}").unwrap();
        let mut reply = String::new();
        loop {
            let mut l = String::new();
            assert!(stdout.read_line(&mut l).unwrap() > 0, "chat ended early");
            if l.trim().is_empty() {
                return reply;
            }
            reply.push_str(&l);
        }
    };
    assert!(ask("/search zebra").contains("Nothing in the articles matches"));
    std::fs::write(dir.path().join("zoo.txt"), ZEBRA).unwrap();
    let start = Instant::now();
    loop {
        let reply = ask("/search zebra");
        if reply.contains("zoo.txt") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "chat never found the new file: {reply}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().ok();
    child.wait().ok();
}

#[test]
fn live_rewrites_during_reloads_never_break_a_citation() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..20 {
        std::fs::write(dir.path().join(format!("f{i}.txt")), HARBOUR).unwrap();
    }
    let engine = shared(Engine::load(dir.path()).unwrap());
    let stop = Arc::new(AtomicBool::new(false));
    let reader = {
        let (engine, stop) = (engine.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut checked = 0;
            while !stop.load(Ordering::Relaxed) {
                let e = engine.load();
                for line in [
                    "/search harbour dredging",
                    "/ask Who approved the dredging plan?",
                    "/digest",
                    "/timeline",
                    "/who harbour",
                ] {
                    let a = e.answer(&commands::parse_line(line));
                    for c in &a.citations {
                        let article = e.corpus.by_doc(&c.doc).expect("cited file is served");
                        assert!(c.end <= article.source.len());
                        // The file may have changed since the reply; while it still holds
                        // the text analysed, the quote is its bytes at the cited offsets.
                        if let Some(now) = e.corpus.read(article.id) {
                            assert_eq!(&now.text.as_bytes()[c.start..c.end], c.excerpt.as_bytes());
                            checked += 1;
                        }
                    }
                }
            }
            checked
        })
    };
    // Rewrite, truncate, delete and recreate files while reloads run.
    for round in 0..40 {
        let i = round % 20;
        let path = dir.path().join(format!("f{i}.txt"));
        match round % 4 {
            0 => std::fs::write(&path, format!("Harbour Update {round}\nThe harbour authority approved plan number {round} on Tuesday after a vote.\n")).unwrap(),
            1 => std::fs::write(&path, "").unwrap(),
            2 => drop(std::fs::remove_file(&path)),
            _ => std::fs::write(&path, [0xffu8, 0xfe]).unwrap(),
        }
        live::apply(&engine, &[path]);
    }
    stop.store(true, Ordering::Relaxed);
    let checked = reader.join().expect("no query panicked during reloads");
    assert!(checked > 0);
    // After one full comparison with the folder, the engine serves exactly what is on disk.
    let changed = engine.load().corpus.changed_files();
    live::apply(&engine, &changed);
    assert!(engine.load().corpus.changed_files().is_empty());
}

#[test]
fn live_nasty_folder_thousands_of_small_files_and_a_huge_one() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    for i in 0..3000 {
        std::fs::write(
            p.join(format!("n{i:04}.txt")),
            format!("Note {i}\nThe council met on day {i} and approved budget line {i}.\n"),
        )
        .unwrap();
    }
    // 50 MB of text: more than any article, skipped with a clear reason.
    let big = "All work and no play makes a very long file. ".repeat(50 * 1024 * 1024 / 45);
    std::fs::write(p.join("huge.txt"), &big).unwrap();
    std::fs::write(p.join("zero.txt"), "").unwrap();
    std::fs::write(p.join("binary.md"), [0u8, 1, 2, 3, 255]).unwrap();
    let engine = Engine::load(p).unwrap();
    assert_eq!(engine.corpus.len(), 3000);
    let status =
        newsdesk::answer::render_plain(&engine.answer(&commands::parse_line("/status")), false);
    assert!(
        status.contains("huge.txt: too large for an article"),
        "{status}"
    );
    assert!(status.contains("zero.txt: empty file") && status.contains("binary.md: binary data"));
    assert_eq!(hits(&engine, "\"budget line 2999\""), 1);
    assert!(Path::new(&p.join("huge.txt")).exists());
}
