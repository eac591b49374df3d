//! Load test: many concurrent queries while the corpus reloads over and over. Reports
//! answers served, errors (which must be 0) and latency percentiles:
//!
//!     LOAD_SECONDS=20 LOAD_THREADS=8 cargo test --release --test load -- --nocapture
//!
//! An error is a panic, an internal-error reply, or a citation whose excerpt is not the
//! bytes it names. CI runs it for a few seconds; the figures come from a longer run.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use newsdesk::transport::shared;
use newsdesk::{Engine, commands, live, strings};

const LINES: &[&str] = &[
    "/ask Who is the Kremlin spokesman?",
    "/ask How many drones and missiles were in Russia's most extensive aerial assault?",
    "/ask What did the port authority decide about the ferry?",
    "/search Patriot missiles",
    "/search \"rare earth\"",
    "/search harbour -ferry",
    "/who rutte",
    "/who patriot",
    "/timeline",
    "/timeline ferry",
    "/digest",
    "/source 001",
    "/status",
];

fn env_or(var: &str, default: u64) -> u64 {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[test]
fn load_concurrent_queries_while_reloading_serve_without_errors() {
    let seconds = env_or("LOAD_SECONDS", 3);
    let threads = env_or("LOAD_THREADS", 4) as usize;
    let dir = tempfile::tempdir().unwrap();
    let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    for entry in std::fs::read_dir(&seeds).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    for i in 0..200 {
        std::fs::write(
            dir.path().join(format!("port{i:03}.txt")),
            format!("Port Bulletin {i}\nPort director Amelia Okafor said on July {} that the ferry route {i} would reopen.\nThe harbour authority approved a budget of ${i} million for dredging.\n", i % 28 + 1),
        )
        .unwrap();
    }
    let engine = shared(Engine::load(dir.path()).unwrap());
    let stop = Arc::new(AtomicBool::new(false));
    let errors = Arc::new(AtomicUsize::new(0));

    let reloader = {
        let (engine, stop, dir) = (engine.clone(), stop.clone(), dir.path().to_path_buf());
        std::thread::spawn(move || {
            let mut reloads = 0usize;
            while !stop.load(Ordering::Relaxed) {
                let i = reloads % 200;
                let path = dir.join(format!("port{i:03}.txt"));
                let text = format!(
                    "Port Bulletin {i} (rev {reloads})\nPort director Amelia Okafor said on July 9 that the ferry route {i} stays closed after revision {reloads}.\n"
                );
                std::fs::write(&path, text).unwrap();
                live::apply(&engine, &[path]);
                reloads += 1;
            }
            reloads
        })
    };
    let workers: Vec<_> = (0..threads)
        .map(|t| {
            let (engine, stop, errors) = (engine.clone(), stop.clone(), errors.clone());
            std::thread::spawn(move || {
                let mut latencies = Vec::new();
                let mut n = t;
                while !stop.load(Ordering::Relaxed) {
                    let line = LINES[n % LINES.len()];
                    n += 1;
                    let started = Instant::now();
                    let outcome = catch_unwind(AssertUnwindSafe(|| {
                        let e = engine.load();
                        let a = e.answer(&commands::parse_line(line));
                        let text = newsdesk::answer::render_markdown(&a, 4096);
                        let verbatim = a.citations.iter().all(|c| {
                            // A file rewritten since the reply no longer holds the text
                            // analysed (it is left out until reloaded); any other is checked.
                            e.corpus
                                .by_doc(&c.doc)
                                .is_some_and(|art| match e.corpus.read(art.id) {
                                    Some(now) => {
                                        now.text.as_bytes().get(c.start..c.end)
                                            == Some(c.excerpt.as_bytes())
                                    }
                                    None => c.end <= art.source.len(),
                                })
                        });
                        verbatim && !text.contains(strings::INTERNAL_ERROR)
                    }));
                    latencies.push((line, started.elapsed()));
                    if !matches!(outcome, Ok(true)) {
                        errors.fetch_add(1, Ordering::Relaxed);
                        eprintln!("error on {line:?}: {outcome:?}");
                    }
                }
                latencies
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    let reloads = reloader.join().expect("reloader did not panic");
    let samples: Vec<(&str, Duration)> = workers
        .into_iter()
        .flat_map(|w| w.join().expect("worker did not panic"))
        .collect();
    let mut all: Vec<Duration> = samples.iter().map(|(_, d)| *d).collect();
    all.sort();
    for line in LINES {
        let mut mine: Vec<Duration> = samples
            .iter()
            .filter(|(l, _)| l == line)
            .map(|(_, d)| *d)
            .collect();
        mine.sort();
        println!(
            "  {line:<80} n={:<5} p50 {:>7.2} ms  p99 {:>7.2} ms",
            mine.len(),
            percentile(&mine, 0.5).as_secs_f64() * 1e3,
            percentile(&mine, 0.99).as_secs_f64() * 1e3
        );
    }
    let errors = errors.load(Ordering::Relaxed);
    println!(
        "load: {seconds} s, {threads} query threads, {} answers ({:.0}/s), {errors} errors, {reloads} reloads; latency p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        all.len(),
        all.len() as f64 / seconds as f64,
        percentile(&all, 0.50).as_secs_f64() * 1e3,
        percentile(&all, 0.95).as_secs_f64() * 1e3,
        percentile(&all, 0.99).as_secs_f64() * 1e3,
        all.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
    assert_eq!(errors, 0);
    assert!(!all.is_empty() && reloads > 0);
}
