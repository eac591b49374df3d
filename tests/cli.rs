//! The `newsdesk` binary as scripts use it: `query --json`, `chat` over a pipe, exit codes.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_newsdesk"));
    c.env_remove("CORPUS_DIR")
        .env_remove("RUST_LOG")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn query_json(corpus: &Path, line: &str) -> serde_json::Value {
    let out = bin()
        .args(["query", "--json", "--corpus"])
        .arg(corpus)
        .arg(line)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Every citation is exactly the bytes it names.
fn assert_verbatim(corpus: &Path, reply: &serde_json::Value) {
    for c in reply["citations"].as_array().unwrap() {
        let data = std::fs::read(corpus.join(c["doc"].as_str().unwrap())).unwrap();
        let (s, e) = (
            c["start"].as_u64().unwrap() as usize,
            c["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(
            std::str::from_utf8(&data[s..e]).unwrap(),
            c["excerpt"].as_str().unwrap()
        );
    }
}

#[test]
fn query_json_follows_the_contract() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    for line in [
        "/ask Who is the Kremlin spokesman?",
        "/search Patriot",
        "/source 002",
        "/digest",
        "/status",
        "/help",
        "/frobnicate",
    ] {
        let reply = query_json(&seeds, line);
        for key in ["command", "query", "text", "citations", "items"] {
            assert!(reply.get(key).is_some(), "{line}: no {key}");
        }
        assert!(reply["text"].as_str().unwrap().chars().count() <= 4096);
        assert_verbatim(&seeds, &reply);
    }
    assert_eq!(query_json(&seeds, "/frobnicate")["command"], "unknown");
}

#[test]
fn bad_input_is_a_reply_not_a_crash() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let long = format!("/ask {}", "patriot missiles ".repeat(700));
    for line in [
        "",
        "/",
        "!",
        "/ask \"unbalanced",
        "/search AND OR NOT",
        "/search C++ -",
        "/ask 🚀\u{200B}\u{202E}",
        &long,
        "/digest -5",
        "@everyone",
    ] {
        let reply = query_json(&seeds, line);
        assert!(
            !reply["text"].as_str().unwrap().is_empty(),
            "{line:?} got an empty reply"
        );
    }
}

#[test]
fn missing_corpus_is_a_one_line_error() {
    let out = bin()
        .args(["query", "--corpus", "/no/such/folder", "/help"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("/no/such/folder"));
}

#[test]
fn bad_config_names_the_variable() {
    let out = bin()
        .env("CORPUS_DIR", " ")
        .args(["query", "/help"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("CORPUS_DIR")
    );
}

#[test]
fn chat_over_a_pipe_answers_like_query() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let lines = [
        "/ask Who is the Kremlin spokesman?",
        "/search ATACMS",
        "What secondary tariffs could hit buyers of Russian oil?",
    ];
    let mut child = bin()
        .arg("--corpus")
        .arg(&seeds)
        .arg("chat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(lines.join("\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let chat = String::from_utf8(out.stdout).unwrap();
    for line in lines {
        let once = bin()
            .arg("query")
            .arg("--corpus")
            .arg(&seeds)
            .arg(line)
            .output()
            .unwrap();
        let once = String::from_utf8(once.stdout).unwrap();
        assert!(
            chat.contains(once.trim_end()),
            "chat and query differ for {line}:\n{chat}\n---\n{once}"
        );
    }
}

#[test]
fn nasty_files_are_skipped_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(
        p.join("good.txt"),
        "Officials said the Patriot batteries arrived in Kyiv on Monday after a long delay.\n",
    )
    .unwrap();
    std::fs::write(p.join("empty.txt"), "").unwrap();
    std::fs::write(p.join("latin1.txt"), b"caf\xe9 au lait\n").unwrap();
    std::fs::write(p.join("binary.md"), [0u8, 159, 146, 150, 0, 1]).unwrap();
    let reply = query_json(p, "/status");
    let text = reply["text"].as_str().unwrap();
    for (file, why) in [
        ("empty.txt", "empty"),
        ("latin1.txt", "UTF-8"),
        ("binary.md", "binary"),
    ] {
        assert!(
            text.contains(file) && text.contains(why),
            "status lacks {file}: {text}"
        );
    }
    let reply = query_json(p, "/search Patriot");
    assert_eq!(reply["citations"][0]["doc"], "good.txt");
    assert_verbatim(p, &reply);
}

#[test]
fn empty_folder_still_answers() {
    let dir = tempfile::tempdir().unwrap();
    for line in [
        "/ask Who is the Kremlin spokesman?",
        "/search Patriot",
        "/digest",
        "/status",
        "/source 001",
    ] {
        let reply = query_json(dir.path(), line);
        assert_eq!(reply["citations"].as_array().unwrap().len(), 0, "{line}");
    }
}
