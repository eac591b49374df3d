//! Scale benchmark (issue 8): start-up, per-command latency, one-file reload and ripgrep as
//! the baseline, over a generated corpus of N articles:
//!
//!     cargo bench --bench scale -- --articles 10000 [--seed 1] [--json] [--rg-terms 200]
//!         [--bare-timeline] [--startup-only] [--only ask|search|who|timeline|digest[,...]]
//!         [--restored] [--lines FILE]
//!
//! `--only` with `--restored` reads the engine back from the state a run saved; with
//! `NEWSDESK_STATE_BUILD=bench` set, the state outlives rebuilds (see `store::build_id`).
//! `--lines FILE` times the command lines of a file (one a line) as `--only` times a mix.
//!
//! The corpus is written once to `target/scale-corpus/N-seed/` and reused while its marker
//! file matches. Figures are in-process and warm: each query mix runs once untimed first.
//! Each command is timed twice: the answer alone (the issue's `latency_ms`), and the reply
//! as a chat shows it, the answer with its first page rendered (`reply_latency_ms`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use newsdesk::answer::{MARKDOWN_LIMIT, Paged};
use newsdesk::commands::{Command, Parsed};
use newsdesk::store::Store;
use newsdesk::synth::{self, CAST_SIZE, Rng, pools};
use newsdesk::transport::shared;
use newsdesk::{Engine, live};

/// Queries per command in the mix.
const MIX: usize = 200;
/// One-file reloads timed (the median is reported).
const RELOADS: usize = 5;

struct Options {
    articles: usize,
    seed: u64,
    json: bool,
    rg_terms: usize,
    /// Stop after start-up (for profiling the load).
    startup_only: bool,
    /// Also time one bare `/timeline` over the whole corpus.
    bare_timeline: bool,
    /// Run only these commands' mixes (comma-separated), several times, then stop (for
    /// profiling one command).
    only: Option<String>,
    /// Only restart over the state a full run saved (the run's child process).
    restart_only: bool,
    /// Only measure tantivy alone over the corpus (the run's child process).
    engine_limit_only: bool,
    /// With `--only`: read the engine back from saved state instead of starting afresh
    /// (profiling a command at 100k without a two-minute start-up). With
    /// `NEWSDESK_STATE_BUILD=bench` in the environment the state is tagged `bench` rather
    /// than with this build, so a later build reads it back too: only for changes that
    /// leave the analysis as it was.
    restored: bool,
    /// With `--only`: write each query and its answer (plain text) to this file, to compare
    /// the answers of two builds.
    dump: Option<PathBuf>,
    /// Command lines to time as `--only` times a mix (`--lines FILE`, one a line; blank
    /// lines and lines starting with `#` are skipped): searches outside the mix.
    lines: Vec<String>,
}

fn options() -> Options {
    let mut o = Options {
        articles: 1000,
        seed: 1,
        json: false,
        rg_terms: MIX,
        startup_only: false,
        bare_timeline: false,
        only: None,
        restart_only: false,
        engine_limit_only: false,
        restored: false,
        dump: None,
        lines: Vec::new(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--articles" => o.articles = number(args.next(), "--articles"),
            "--seed" => o.seed = number(args.next(), "--seed"),
            "--rg-terms" => o.rg_terms = number(args.next(), "--rg-terms"),
            "--json" => o.json = true,
            "--startup-only" => o.startup_only = true,
            "--bare-timeline" => o.bare_timeline = true,
            "--only" => o.only = args.next(),
            "--restart-only" => o.restart_only = true,
            "--engine-limit-only" => o.engine_limit_only = true,
            "--restored" => o.restored = true,
            "--dump" => o.dump = args.next().map(PathBuf::from),
            "--lines" => {
                let path = args.next().unwrap_or_default();
                let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
                    eprintln!("--lines {path}: {e}");
                    std::process::exit(2);
                });
                o.lines = text
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    .map(String::from)
                    .collect();
                o.only = Some("lines".into());
            }
            // cargo bench passes --bench to every bench target.
            "--bench" => {}
            other => {
                eprintln!(
                    "unknown argument {other}; usage: --articles N [--seed S] [--json] [--rg-terms K] [--startup-only] [--bare-timeline] [--only COMMAND[,COMMAND...] [--restored] [--dump FILE]] [--lines FILE] [--restart-only] [--engine-limit-only]"
                );
                std::process::exit(2);
            }
        }
    }
    o
}

fn number<T: std::str::FromStr>(v: Option<String>, flag: &str) -> T {
    v.and_then(|v| v.parse().ok()).unwrap_or_else(|| {
        eprintln!("{flag} needs a number");
        std::process::exit(2);
    })
}

/// The generated corpus for these options, written unless a complete copy is there.
fn corpus(o: &Options) -> (PathBuf, u64, bool) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("scale-corpus")
        .join(format!("{}-{}", o.articles, o.seed));
    let marker = root.join(".complete");
    let expected = format!(
        "version {} articles {} seed {}\n",
        synth::GENERATOR_VERSION,
        o.articles,
        o.seed
    );
    if let Ok(m) = std::fs::read_to_string(&marker)
        && let Some((head, bytes)) = m.split_once("bytes ")
        && head == expected
        && let Ok(bytes) = bytes.trim().parse()
    {
        return (root, bytes, true);
    }
    let _ = std::fs::remove_dir_all(&root);
    let stats = synth::generate(&root, o.articles, o.seed).expect("write the scale corpus");
    std::fs::write(&marker, format!("{expected}bytes {}\n", stats.bytes)).expect("marker");
    (root, stats.bytes, false)
}

/// The deterministic query mix: `MIX` lines per command, from the generator's vocabulary.
struct Mix {
    ask: Vec<String>,
    search: Vec<String>,
    who: Vec<String>,
    timeline: Vec<String>,
    digest: Vec<String>,
}

impl Mix {
    /// Each command's name and its mix, in the order they are timed.
    fn commands(&self) -> [(&'static str, &Vec<String>); 5] {
        [
            ("ask", &self.ask),
            ("search", &self.search),
            ("who", &self.who),
            ("timeline", &self.timeline),
            ("digest", &self.digest),
        ]
    }
}

fn topic_words(topic: &str) -> &str {
    topic.trim_start_matches("the ")
}

fn mix() -> Mix {
    let mut rng = Rng::new(0x5CA1E);
    let mut m = Mix {
        ask: Vec::new(),
        search: Vec::new(),
        who: Vec::new(),
        timeline: Vec::new(),
        digest: Vec::new(),
    };
    for i in 0..MIX {
        let p = synth::person(rng.below(CAST_SIZE));
        let topic = rng.pick(pools::TOPICS);
        let place = rng.pick(pools::PLACES);
        let org = rng.pick(pools::ORGS);
        m.ask.push(match i % 5 {
            0 => format!("/ask What did {} say about {topic}?", p.name()),
            1 => format!("/ask Who is the {} spokesman?", topic_words(org)),
            2 => format!("/ask When did {place} approve {topic}?"),
            3 => format!("/ask How much will {topic} cost?"),
            _ => format!("/ask Why did {} criticize {topic}?", p.last),
        });
        m.search.push(match i % 4 {
            0 => format!("/search {}", topic_words(topic)),
            1 => format!("/search {}", p.last),
            2 => format!("/search {place}"),
            _ => format!(
                "/search {}",
                topic_words(topic).split(' ').next().unwrap_or(topic)
            ),
        });
        m.who.push(match i % 3 {
            0 => format!("/who {}", p.last),
            1 => format!("/who {}", p.name()),
            _ => format!("/who {}", topic_words(org)),
        });
        // Bare `/timeline` (every event of the corpus) is timed once on its own: at 1,000
        // articles one takes seconds, so a mix of them would not finish at 10,000.
        m.timeline.push(match i % 10 {
            0..=6 => format!("/timeline {}", topic_words(topic)),
            _ => format!("/timeline {place}"),
        });
        m.digest.push(match i % 4 {
            0 => "/digest".to_string(),
            _ => format!("/digest {}", rng.range(1, 60)),
        });
    }
    m
}

fn parse(lines: &[String]) -> Vec<Parsed> {
    lines
        .iter()
        .map(|l| {
            let p = newsdesk::commands::parse_line(l);
            assert!(
                !matches!(p.command, Command::Usage(_) | Command::Unknown(_)),
                "bad query {l}"
            );
            p
        })
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// p50 and p99 of one command's mix, in ms, after one untimed warm-up pass.
fn latency(engine: &Engine, queries: &[Parsed]) -> (f64, f64) {
    for q in queries {
        std::hint::black_box(engine.answer(q));
    }
    timed(engine, queries)
}

/// p50 and p99 of one pass over the queries, in ms.
fn timed(engine: &Engine, queries: &[Parsed]) -> (f64, f64) {
    timed_each(queries, |q| {
        std::hint::black_box(engine.answer(q));
    })
}

/// p50 and p99 of one pass over the queries as a chat shows each reply, in ms: the answer
/// and its first page (Discord's Markdown, as long as an embed holds).
fn reply_timed(engine: &Engine, queries: &[Parsed]) -> (f64, f64) {
    timed_each(queries, |q| {
        let paged = Paged::markdown(engine.answer(q), MARKDOWN_LIMIT);
        std::hint::black_box(paged.page(0));
    })
}

/// p50 and p99, in ms, of `each` over the queries, what it makes dropped inside the time.
fn timed_each(queries: &[Parsed], each: impl Fn(&Parsed)) -> (f64, f64) {
    let mut times: Vec<Duration> = queries
        .iter()
        .map(|q| {
            let t = Instant::now();
            each(q);
            t.elapsed()
        })
        .collect();
    times.sort();
    (percentile(&times, 0.5), percentile(&times, 0.99))
}

/// Peak resident memory so far.
fn peak_rss_mb() -> f64 {
    status_mb("VmHWM:")
}

/// Resident memory now, the mapped files' share of it, and the peak so far.
fn memory() -> String {
    format!(
        "{:.0} MB resident ({:.0} MB of it mapped files), peak {:.0} MB",
        rss_now_mb(),
        status_mb("RssFile:"),
        peak_rss_mb()
    )
}

/// Resident memory now.
fn rss_now_mb() -> f64 {
    status_mb("VmRSS:")
}

fn status_mb(key: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(key))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// Time from `live::apply` starting until the shared engine serves the new text of one
/// file (median of `RELOADS`), and the whole `apply` call (entities are resolved again
/// after the new text is served). The file is restored afterwards, so the corpus is reused.
/// Where the benchmark keeps the engine's state for these options.
fn state_dir(o: &Options) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("scale-state")
        .join(format!("{}-{}", o.articles, o.seed))
}

/// Restarts over the saved state in a child process (so its memory is its own) and returns
/// the seconds it took and its peak RSS.
fn restart(o: &Options) -> (f64, f64) {
    let mut next = child_figures(o, "--restart-only", "run the restart");
    (next(), next())
}

/// Runs this benchmark again with `flag` over the same corpus, its stderr shown, and
/// returns the figures it prints on one line, one at a time (NaN for any missing).
fn child_figures(o: &Options, flag: &str, what: &str) -> impl FnMut() -> f64 {
    let out = Process::new(std::env::current_exe().expect("this benchmark"))
        .args(["--bench", flag, "--articles"])
        .arg(o.articles.to_string())
        .arg("--seed")
        .arg(o.seed.to_string())
        .stderr(Stdio::inherit())
        .output()
        .expect(what);
    let mut fields = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .map(|f| f.parse::<f64>().unwrap_or(f64::NAN))
        .collect::<Vec<_>>()
        .into_iter();
    move || fields.next().unwrap_or(f64::NAN)
}

/// The child side of `restart`: opens the engine over its saved state and prints the seconds
/// and the peak RSS.
fn restart_only(dir: &Path, state: &Path) {
    // The engine logs the phases of a restart.
    tracing_subscriber::fmt()
        .with_env_filter("info,tantivy=warn")
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
    let t = Instant::now();
    let engine = Engine::open(dir, state).expect("restart");
    let s = t.elapsed().as_secs_f64();
    eprintln!(
        "restart: {s:.2} s, {} articles served, peak RSS {:.0} MB",
        engine.corpus.len(),
        peak_rss_mb()
    );
    println!("{s} {}", peak_rss_mb());
}

/// The entity phase again on its own (what `from_corpus` spends besides the index), in s:
/// a whole merge, keeping nothing of the engine's.
fn entities_alone(engine: &Engine) -> f64 {
    let t = Instant::now();
    std::hint::black_box(engine.corpus.merge_names(&[]));
    let s = t.elapsed().as_secs_f64();
    eprintln!("entities alone: {s:.2} s");
    s
}

fn reload_one_file(engine: Engine, dir: &Path, articles: usize) -> (f64, f64) {
    let shared = shared(engine);
    let rel = synth::article_path(articles / 2);
    let doc = rel.to_string_lossy().replace('\\', "/");
    let path = dir.join(&rel);
    let original = std::fs::read_to_string(&path).expect("read the file to change");
    let mut served = Vec::new();
    let mut total = Vec::new();
    for round in 0..RELOADS {
        let marker = format!("benchmarkrevision{round}");
        let changed = format!(
            "{original}\nThe port authority confirmed revision {marker} of the ferry timetable on July 9.\n"
        );
        std::fs::write(&path, &changed).expect("rewrite the file");
        let source = newsdesk::corpus::Source::of(&changed);
        let started = Instant::now();
        let seen = std::thread::scope(|s| {
            let watcher = s.spawn(|| {
                loop {
                    let e = shared.load();
                    if e.corpus.by_doc(&doc).is_some_and(|a| a.source == source) {
                        return started.elapsed();
                    }
                    std::thread::yield_now();
                }
            });
            live::apply(&shared, std::slice::from_ref(&path));
            watcher.join().expect("watcher thread")
        });
        total.push(started.elapsed());
        served.push(seen);
        eprintln!("reload {round}: after, {}", memory());
    }
    std::fs::write(&path, &original).expect("restore the file");
    live::apply(&shared, std::slice::from_ref(&path));
    served.sort();
    total.sort();
    (percentile(&served, 0.5), percentile(&total, 0.5))
}

/// What tantivy alone does with the same files and the same `/search` terms, measured in a
/// child process (so its memory is its own).
struct EngineLimit {
    /// Seconds to index every file.
    index_s: f64,
    /// p50 and p99 of the terms' searches, in ms.
    search_p50: f64,
    search_p99: f64,
}

fn engine_limit(o: &Options) -> EngineLimit {
    let mut next = child_figures(o, "--engine-limit-only", "run tantivy alone");
    EngineLimit {
        index_s: next(),
        search_p50: next(),
        search_p99: next(),
    }
}

/// The child side of `engine_limit`: the engine's own limit, tantivy used as plainly as it
/// goes. Each file is one document of one text field (tantivy's default analyser, positions
/// kept), indexed in RAM by a writer with the engine's threads and memory and tantivy's own
/// merge policy (its merges waited for), nothing cleaned, split or analysed first. Then each
/// `/search` term of the mix, every word required as `/search` requires it, for the best 10
/// documents and the count. Prints the indexing seconds and the searches' p50 and p99 in ms.
fn engine_limit_only(dir: &Path, articles: usize) {
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::QueryParser;
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{Index, IndexWriter, TantivyDocument};

    let files: Vec<PathBuf> = (0..articles)
        .map(|i| dir.join(synth::article_path(i)))
        .collect();
    let mut sb = Schema::builder();
    let body = sb.add_text_field("body", TEXT);
    let index = Index::create_in_ram(sb.build());
    // The engine's writer threads and memory.
    let (threads, memory) = newsdesk::index::writer_budget();
    let t = Instant::now();
    let mut writer: IndexWriter = index
        .writer_with_num_threads(threads, memory)
        .expect("a writer");
    for path in &files {
        if let Ok(text) = std::fs::read_to_string(path) {
            let mut doc = TantivyDocument::default();
            doc.add_text(body, text);
            writer.add_document(doc).expect("add a document");
        }
    }
    writer.commit().expect("commit");
    writer.wait_merging_threads().expect("merges");
    let index_s = t.elapsed().as_secs_f64();
    let searcher = index.reader().expect("a reader").searcher();
    let mut parser = QueryParser::for_index(&index, vec![body]);
    parser.set_conjunction_by_default();
    let queries: Vec<_> = mix()
        .search
        .iter()
        .map(|l| {
            let words = l.trim_start_matches("/search ");
            parser.parse_query(words).expect("a plain query")
        })
        .collect();
    let search = |q: &dyn tantivy::query::Query| {
        let (top, n) = searcher
            .search(q, &(TopDocs::with_limit(10).order_by_score(), Count))
            .expect("search");
        std::hint::black_box((top, n));
    };
    queries.iter().for_each(|q| search(q.as_ref()));
    let mut times: Vec<Duration> = queries
        .iter()
        .map(|q| {
            let t = Instant::now();
            search(q.as_ref());
            t.elapsed()
        })
        .collect();
    times.sort();
    let (p50, p99) = (percentile(&times, 0.5), percentile(&times, 0.99));
    eprintln!(
        "tantivy alone: {} files indexed in {index_s:.2} s; the /search terms p50 {p50:.3} ms, p99 {p99:.3} ms",
        files.len()
    );
    println!("{index_s} {p50} {p99}");
}

/// Median ms of `rg -i -F -c TERM DIR` over the terms, or None without ripgrep.
fn ripgrep(dir: &Path, terms: &[String]) -> Option<f64> {
    let ok = Process::new("rg")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        return None;
    }
    let run = |term: &str| {
        let t = Instant::now();
        let status = Process::new("rg")
            .args(["-i", "-F", "-c", term])
            .arg(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run rg");
        // 0: matches, 1: no match; both are a finished search.
        assert!(matches!(status.code(), Some(0 | 1)), "rg failed: {status}");
        t.elapsed()
    };
    // Warm the page cache as the engine's load did.
    run("warm-up");
    let mut times: Vec<Duration> = terms.iter().map(|t| run(t)).collect();
    times.sort();
    Some(percentile(&times, 0.5))
}

fn main() {
    // `cargo test --all-targets` builds and runs bench targets too; cargo passes `--bench`
    // only when it benchmarks, so under test this compiles, checks and exits.
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("scale: not run under cargo test; use cargo bench --bench scale -- --articles N");
        return;
    }
    let o = options();
    let started = Instant::now();
    let (dir, bytes, reused) = corpus(&o);
    let corpus_mb = bytes as f64 / 1e6;
    eprintln!(
        "corpus: {} articles, {corpus_mb:.1} MB in {} ({}, {:.1} s)",
        o.articles,
        dir.display(),
        if reused { "reused" } else { "generated" },
        started.elapsed().as_secs_f64()
    );

    let state = state_dir(&o);
    if o.restart_only {
        restart_only(&dir, &state);
        return;
    }
    if o.engine_limit_only {
        engine_limit_only(&dir, o.articles);
        return;
    }
    if let (Some(only), true) = (&o.only, o.restored) {
        let engine = Engine::open(&dir, &state).expect("read the saved state back");
        eprintln!("read back: {} articles", engine.corpus.len());
        run_only(&engine, only, &o.lines, o.dump.as_deref());
        return;
    }
    // What `Engine::open` does on a first start, in its steps, so the phases can be told
    // apart: the index is written to the state folder, and the state saved after.
    let _ = std::fs::remove_dir_all(&state);
    let store = Arc::new(Store::open(&state).expect("open the state folder"));
    let t = Instant::now();
    let names = newsdesk::corpus::names::NameFile::create(&store.names_file())
        .expect("create the names file");
    let loaded =
        newsdesk::corpus::load_filing_names(&dir, Arc::new(names)).expect("load the scale corpus");
    let corpus_s = t.elapsed().as_secs_f64();
    let rss_corpus = rss_now_mb();
    let engine = Engine::build(loaded, Some(store)).expect("index the scale corpus");
    let startup_s = t.elapsed().as_secs_f64();
    let rss_after_load = peak_rss_mb();
    let t = Instant::now();
    engine.save().expect("save the state");
    let save_s = t.elapsed().as_secs_f64();
    eprintln!("state saved in {save_s:.2} s");
    // `Engine::build` merges the names, then indexes, then builds the names' passage lists.
    let index_s = startup_s - corpus_s;
    eprintln!(
        "phases: corpus (read, clean, sentences, dates) {corpus_s:.2} s, index and entities {index_s:.2} s"
    );
    eprintln!(
        "memory: {rss_corpus:.0} MB resident after the corpus phase, {:.0} MB after index and entities ({:.0} MB of it mapped files: the index), peak {rss_after_load:.0} MB",
        rss_now_mb(),
        status_mb("RssFile:")
    );
    eprintln!(
        "start-up: {startup_s:.2} s ({} articles served, {} skipped, {} passages, {} entities)",
        engine.corpus.len(),
        engine.corpus.skipped().len(),
        engine.corpus.passage_count(),
        engine.entities().len()
    );

    if o.startup_only {
        entities_alone(&engine);
        return;
    }
    let m = mix();
    let commands = m.commands();
    if let Some(only) = &o.only {
        run_only(&engine, only, &o.lines, o.dump.as_deref());
        return;
    }
    let mut lat = Vec::new();
    for (name, lines) in commands {
        let t = Instant::now();
        let parsed = parse(lines);
        let (p50, p99) = latency(&engine, &parsed);
        let (reply_p50, reply_p99) = reply_timed(&engine, &parsed);
        eprintln!(
            "{name}: p50 {p50:.2} ms, p99 {p99:.2} ms; with the first page: p50 {reply_p50:.2} ms, p99 {reply_p99:.2} ms ({:.1} s)",
            t.elapsed().as_secs_f64()
        );
        lat.push((name, p50, p99, reply_p50, reply_p99));
    }
    let bare_timeline_ms = o.bare_timeline.then(|| {
        let q = newsdesk::commands::parse_line("/timeline");
        let t = Instant::now();
        std::hint::black_box(engine.answer(&q));
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        eprintln!("bare /timeline once: {ms:.0} ms");
        ms
    });
    let rss_mb = peak_rss_mb();
    eprintln!("before the reloads: {}", memory());

    let (reload_ms, apply_ms) = reload_one_file(engine, &dir, o.articles);
    // A reload merges the entities again beside the table that serves.
    let rss_reload = peak_rss_mb();
    eprintln!("reload one file: served after {reload_ms:.1} ms, apply done after {apply_ms:.1} ms");
    // The engine is gone (and with it the state folder's lock): restart in a new process.
    let (restart_s, restart_rss) = restart(&o);

    let terms: Vec<String> = m
        .search
        .iter()
        .take(o.rg_terms)
        .map(|l| l.trim_start_matches("/search ").to_string())
        .collect();
    let rg_ms = ripgrep(&dir, &terms);
    let search_p50 = lat[1].1;
    let limit = engine_limit(&o);

    let mut table = String::new();
    let _ = writeln!(
        table,
        "\nscale benchmark: {} articles, {corpus_mb:.1} MB, seed {}",
        o.articles, o.seed
    );
    let _ = writeln!(
        table,
        "  {:<28} {:>12}",
        "start-up (load+index)",
        format!("{startup_s:.2} s")
    );
    let _ = writeln!(
        table,
        "  {:<28} {:>12}",
        "  corpus, index+entities",
        format!("{corpus_s:.2}, {index_s:.2} s")
    );
    let _ = writeln!(
        table,
        "  {:<28} {:>12}",
        "  state saved",
        format!("{save_s:.2} s")
    );
    let _ = writeln!(
        table,
        "  {:<28} {:>12}",
        "restart (unchanged folder)",
        format!("{restart_s:.2} s, peak RSS {restart_rss:.0} MB")
    );
    let _ = writeln!(
        table,
        "  {:<28} {:>12}",
        "index throughput",
        format!("{:.1} MB/s", corpus_mb / startup_s)
    );
    let _ = writeln!(
        table,
        "  {:<28} {:>12}",
        "tantivy alone, raw files",
        format!(
            "{:.2} s, {:.1} MB/s",
            limit.index_s,
            corpus_mb / limit.index_s
        )
    );
    let _ = writeln!(
        table,
        "  {:<28} {:>12}",
        "peak RSS after load",
        format!("{rss_after_load:.0} MB")
    );
    let _ = writeln!(
        table,
        "  {:<28} {:>12}",
        "peak RSS after queries",
        format!("{rss_mb:.0} MB ({:.2}x corpus)", rss_mb / corpus_mb)
    );
    let _ = writeln!(
        table,
        "  {:<28} {:>12}",
        "one changed file served",
        format!("{reload_ms:.1} ms")
    );
    let _ = writeln!(
        table,
        "  {:<28} {:>12}",
        "  whole apply (+entities)",
        format!("{apply_ms:.1} ms")
    );
    let _ = writeln!(
        table,
        "  {:<28} {:>12}",
        "peak RSS through reloads",
        format!("{rss_reload:.0} MB ({:.2}x corpus)", rss_reload / corpus_mb)
    );
    let _ = writeln!(
        table,
        "  {:<10} {:>10} {:>10} {:>12} {:>12}   ({MIX} queries each, warm; reply: with its first page)",
        "command", "p50 ms", "p99 ms", "reply p50", "reply p99"
    );
    for (name, p50, p99, reply_p50, reply_p99) in &lat {
        let _ = writeln!(
            table,
            "  /{:<9} {p50:>10.3} {p99:>10.3} {reply_p50:>12.3} {reply_p99:>12.3}",
            name
        );
    }
    let _ = writeln!(
        table,
        "  {:<10} {:>10.3} {:>10.3}   (tantivy alone: the /search terms, best 10 and count)",
        "tantivy", limit.search_p50, limit.search_p99
    );
    if let Some(ms) = bare_timeline_ms {
        let _ = writeln!(table, "  /timeline (no topic), once {ms:>10.0} ms");
    }
    match rg_ms {
        Some(rg) => {
            let _ = writeln!(
                table,
                "  {:<28} {:>12}",
                format!("rg -i -F -c (median, {} terms)", terms.len()),
                format!("{rg:.1} ms")
            );
            let _ = writeln!(
                table,
                "  {:<28} {:>12}",
                "/search p50 vs rg",
                format!("{:.5} ({:.0}x faster)", search_p50 / rg, rg / search_p50)
            );
        }
        None => {
            let _ = writeln!(table, "  ripgrep not installed: no baseline");
        }
    }
    print!("{table}");

    if o.json {
        let lat_json = lat
            .iter()
            .map(|(n, p50, p99, ..)| format!("\"{n}\":{{\"p50\":{p50:.3},\"p99\":{p99:.3}}}"))
            .collect::<Vec<_>>()
            .join(",");
        let reply_json = lat
            .iter()
            .map(|(n, .., p50, p99)| format!("\"{n}\":{{\"p50\":{p50:.3},\"p99\":{p99:.3}}}"))
            .collect::<Vec<_>>()
            .join(",");
        let (rg, vs) = match rg_ms {
            Some(rg) => (format!("{rg:.3}"), format!("{:.6}", search_p50 / rg)),
            None => ("null".to_string(), "null".to_string()),
        };
        println!(
            "{{\"articles\":{},\"corpus_mb\":{corpus_mb:.2},\"startup_s\":{startup_s:.3},\"index_mb_per_s\":{:.2},\"rss_mb\":{rss_mb:.1},\"reload_one_file_ms\":{reload_ms:.2},\"restart_s\":{restart_s:.3},\"restart_rss_mb\":{restart_rss:.1},\"reload_rss_mb\":{rss_reload:.1},\"latency_ms\":{{{lat_json}}},\"reply_latency_ms\":{{{reply_json}}},\"rg_ms\":{rg},\"search_vs_rg\":{vs},\"engine_limit\":{{\"startup_s\":{:.3},\"index_mb_per_s\":{:.2},\"search\":{{\"p50\":{:.3},\"p99\":{:.3}}}}}}}",
            o.articles,
            corpus_mb / startup_s,
            limit.index_s,
            corpus_mb / limit.index_s,
            limit.search_p50,
            limit.search_p99
        );
    }
}

/// `--only`: the named commands' mixes, each timed once cold and five times warm.
fn run_only(engine: &Engine, only: &str, lines: &[String], dump: Option<&Path>) {
    let m = mix();
    let mut commands: Vec<(&str, &[String])> = m
        .commands()
        .map(|(name, mix)| (name, mix.as_slice()))
        .to_vec();
    commands.push(("lines", lines));
    let mut answers = String::new();
    // One command, or several separated by commas, each run on its own in turn.
    for only in only.split(',') {
        let Some((_, lines)) = commands.iter().find(|(name, _)| *name == only) else {
            eprintln!("--only takes ask, search, who, timeline or digest, or a list of them");
            std::process::exit(2);
        };
        if lines.is_empty() {
            eprintln!("{only}: no command lines");
            std::process::exit(2);
        }
        let parsed = parse(lines);
        eprintln!("{only}: before, {}", memory());
        if dump.is_some() {
            for (line, q) in lines.iter().zip(&parsed) {
                let reply = engine.answer(q);
                answers.push_str(&format!(
                    "## {line}\n{}\n",
                    newsdesk::answer::render_plain(&reply, false)
                ));
            }
        }
        // The first pass fills what commands keep lazily (digest term counts, timeline
        // event words, who cards); the warm passes below are what a running bot sees.
        let (p50, p99) = timed(engine, &parsed);
        eprintln!(
            "{only} first pass: p50 {p50:.2} ms, p99 {p99:.2} ms; {}",
            memory()
        );
        let mut worst: Vec<(Duration, usize)> = vec![(Duration::ZERO, 0); parsed.len()];
        let mut fastest: Vec<Duration> = vec![Duration::MAX; parsed.len()];
        for _ in 0..5 {
            let (p50, p99) = latency(engine, &parsed);
            eprintln!("{only}: p50 {p50:.2} ms, p99 {p99:.2} ms");
            for (i, q) in parsed.iter().enumerate() {
                let t = Instant::now();
                std::hint::black_box(engine.answer(q));
                worst[i] = (worst[i].0.max(t.elapsed()), i);
                fastest[i] = fastest[i].min(t.elapsed());
            }
        }
        let (p50, p99) = reply_timed(engine, &parsed);
        eprintln!("{only}, with the first page: p50 {p50:.2} ms, p99 {p99:.2} ms");
        // Each query at its fastest of five passes: what a change did, with less of the
        // machine's noise (to compare two builds run one after the other).
        let total: f64 = fastest.iter().map(|d| d.as_secs_f64() * 1000.0).sum();
        fastest.sort();
        eprintln!(
            "{only}, each query's fastest pass: p50 {:.2} ms, p99 {:.2} ms, sum {total:.1} ms",
            percentile(&fastest, 0.5),
            percentile(&fastest, 0.99)
        );
        // The slowest queries (each at its slowest of five passes), to know what to profile;
        // every one of `--lines`.
        worst.sort_by(|a, b| b.cmp(a));
        let shown = if only == "lines" { worst.len() } else { 5 };
        for (t, i) in worst.iter().take(shown) {
            eprintln!("  {:>7.2} ms  {}", t.as_secs_f64() * 1000.0, lines[*i]);
        }
    }
    if let Some(path) = dump {
        std::fs::write(path, answers).expect("write the answers");
    }
}
