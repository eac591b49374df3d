//! Restarts over saved state (`STATE_DIR`), with real files in temp folders: an unchanged
//! folder is read back and answers as before; files changed, added or removed while the bot
//! was down are picked up; damaged, foreign or locked state falls back to reading the folder.

use std::path::Path;

use newsdesk::{Engine, answer};

const LINES: &[&str] = &[
    "/ask Who is the Kremlin spokesman?",
    "/ask How many drones and missiles were in Russia's most extensive aerial assault?",
    "/search Patriot missiles",
    "/search harbour -ferry",
    "/who rutte",
    "/who patriot",
    "/timeline",
    "/timeline ferry",
    "/digest",
    "/source 001",
];

/// The seeds plus a few small articles of our own, in a temp folder.
fn corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    for entry in std::fs::read_dir(&seeds).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    for i in 0..5 {
        std::fs::write(
            dir.path().join(format!("port{i}.txt")),
            format!(
                "Port Bulletin {i}\nPort director Amelia Okafor said on July {} that ferry route {i} would reopen.\nThe harbour authority approved a budget of ${i} million for dredging berth {i}.\n",
                i + 1
            ),
        )
        .unwrap();
    }
    dir
}

fn answers(engine: &Engine) -> Vec<String> {
    LINES
        .iter()
        .map(|l| answer::to_json(&engine.answer_line(l)).to_string())
        .collect()
}

/// Opens the engine and waits until its state is saved (`Engine::open` saves in the
/// background; a second save of the same commit waits for the first and does nothing).
fn open_and_save(dir: &Path, state: &Path) -> Engine {
    let engine = Engine::open(dir, state).unwrap();
    engine.save().unwrap();
    engine
}

#[test]
fn an_unchanged_folder_is_read_back_and_answers_as_before() {
    let dir = corpus();
    let state = tempfile::tempdir().unwrap();
    let first = open_and_save(dir.path(), state.path());
    assert!(!first.corpus.restored);
    let before = answers(&first);
    let fresh = answers(&Engine::load(dir.path()).unwrap());
    assert_eq!(
        before, fresh,
        "an engine with saved state answers as one in memory"
    );
    drop(first);

    let second = Engine::open(dir.path(), state.path()).unwrap();
    assert!(second.corpus.restored, "the saved state was read back");
    assert_eq!(second.corpus.len(), 10);
    assert_eq!(answers(&second), before);
    // Every article's text is the file's, analysed as before.
    let reloaded = Engine::load(dir.path()).unwrap();
    for a in reloaded.corpus.iter() {
        let b = second
            .corpus
            .by_doc(&a.doc)
            .expect("served after the restart");
        assert_eq!(a.source, b.source);
        assert_eq!(a.passages, b.passages);
        assert_eq!(a.blocks, b.blocks);
        assert_eq!(a.events, b.events);
        assert_eq!(a.meta, b.meta);
    }
    assert_eq!(second.entities(), reloaded.entities());
    let status = answer::render_plain(&second.answer_line("/status"), false);
    assert!(status.contains("Read back from saved state"), "{status}");
}

#[test]
fn files_changed_while_down_are_read_and_the_rest_is_kept() {
    let dir = corpus();
    let state = tempfile::tempdir().unwrap();
    drop(open_and_save(dir.path(), state.path()));

    // Changed (and longer, so its size differs whatever the clock), removed and added.
    let changed = dir.path().join("port1.txt");
    let mut text = std::fs::read_to_string(&changed).unwrap();
    text.push_str(
        "The harbour authority confirmed the zanzibarite dredger would arrive on August 2.\n",
    );
    std::fs::write(&changed, text).unwrap();
    std::fs::remove_file(dir.path().join("port2.txt")).unwrap();
    std::fs::write(
        dir.path().join("port9.txt"),
        "Port Bulletin 9\nPort director Amelia Okafor said on July 9 that the quillwort ferry would sail.\nThe harbour authority approved a budget of $9 million for quillwort moorings.\n",
    )
    .unwrap();

    let engine = Engine::open(dir.path(), state.path()).unwrap();
    assert!(engine.corpus.restored);
    assert_eq!(engine.corpus.len(), 10);
    assert!(engine.corpus.by_doc("port2.txt").is_none());
    let hits = |word: &str| {
        answer::to_json(&engine.answer_line(&format!("/search {word}")))["citations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["doc"].as_str().unwrap().to_string())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
    };
    assert_eq!(hits("zanzibarite"), ["port1.txt"]);
    assert_eq!(hits("quillwort"), ["port9.txt"]);
    assert!(hits("berth 2").iter().all(|d| d != "port2.txt"));
    // The rest answers as a fresh read of the folder does (scores aside: the index keeps
    // counting replaced passages in its statistics until segments merge, as on a live reload).
    let fresh = Engine::load(dir.path()).unwrap();
    for line in [
        "/ask Who is the Kremlin spokesman?",
        "/who rutte",
        "/search Patriot missiles",
    ] {
        let (a, b) = (
            answer::to_json(&engine.answer_line(line)),
            answer::to_json(&fresh.answer_line(line)),
        );
        assert_eq!(a["text"], b["text"], "{line}");
        assert_eq!(a["citations"], b["citations"], "{line}");
    }
    // The changes are saved in turn: the next start reads nothing again.
    engine.save().unwrap();
    drop(engine);
    let again = Engine::open(dir.path(), state.path()).unwrap();
    assert!(again.corpus.restored);
    assert_eq!(again.corpus.len(), 10);
    assert_eq!(
        answer::to_json(&again.answer_line("/search quillwort"))["citations"][0]["doc"],
        "port9.txt"
    );
}

#[test]
fn damaged_or_foreign_state_means_reading_the_folder() {
    let dir = corpus();
    let state = tempfile::tempdir().unwrap();
    let first = open_and_save(dir.path(), state.path());
    let before = answers(&first);
    drop(first);
    // Each damage below means the folder is read afresh, and answers as before.
    let read_afresh = |why: &str| {
        let engine = open_and_save(dir.path(), state.path());
        assert!(!engine.corpus.restored, "{why}");
        assert_eq!(answers(&engine), before, "{why}");
    };

    let file = state.path().join("index").join("corpus.state");
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(&file, &bytes[..bytes.len() / 2]).unwrap();
    read_afresh("a cut state file is not read back");
    std::fs::write(&file, b"not a state file").unwrap();
    read_afresh("a file that is not state is not read back");

    // The names file beside the state cut short, or gone: the folder is read again (a merge
    // after a reload would find no names).
    let names = state.path().join("index").join("names");
    let len = std::fs::metadata(&names).unwrap().len();
    assert!(len > 0, "the articles' names are filed");
    let cut = std::fs::OpenOptions::new()
        .write(true)
        .open(&names)
        .unwrap();
    cut.set_len(len - 1).unwrap();
    drop(cut);
    read_afresh("a cut names file is not read back");
    std::fs::remove_file(&names).unwrap();
    read_afresh("state without its names file is not read back");
    assert!(
        Engine::open(dir.path(), state.path())
            .unwrap()
            .corpus
            .restored
    );

    // The same state folder for another corpus folder: that one is read, and saved.
    let other = tempfile::tempdir().unwrap();
    std::fs::write(
        other.path().join("only.txt"),
        "Port Bulletin\nPort director Amelia Okafor said the marram ferry would sail.\n",
    )
    .unwrap();
    let engine = open_and_save(other.path(), state.path());
    assert!(!engine.corpus.restored);
    assert_eq!(engine.corpus.len(), 1);
    drop(engine);
    assert!(
        Engine::open(other.path(), state.path())
            .unwrap()
            .corpus
            .restored
    );
}

#[test]
fn a_second_process_on_the_same_state_keeps_its_index_in_memory() {
    let dir = corpus();
    let state = tempfile::tempdir().unwrap();
    let first = open_and_save(dir.path(), state.path());
    let second = Engine::open(dir.path(), state.path()).unwrap();
    assert!(
        second.store.is_none(),
        "the state folder is the first one's"
    );
    assert_eq!(answers(&second), answers(&first));
    drop(first);
    drop(second);
    assert!(
        Engine::open(dir.path(), state.path())
            .unwrap()
            .corpus
            .restored
    );
}
