//! Keeps the served engine in step with the corpus folder: debounced file notifications, or
//! polling where notifications are silent (network mounts). Each change is applied by one
//! thread and swapped in atomically; a failed reload leaves the last good engine serving.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use thiserror::Error;
use tracing::{error, info, warn};

use crate::transport::SharedEngine;

/// How long file events settle before they are applied (an editor's save is several events).
const DEBOUNCE: Duration = Duration::from_millis(200);

#[derive(Debug, Error)]
pub enum WatchError {
    #[error("cannot watch {dir}: {source}")]
    Notify {
        dir: PathBuf,
        source: notify_debouncer_full::notify::Error,
    },
    #[error("cannot start the reload thread: {0}")]
    Thread(#[from] std::io::Error),
}

enum Job {
    /// These paths changed.
    Paths(Vec<PathBuf>),
    /// Something may have changed anywhere (events were lost): compare the whole folder.
    Rescan,
    Stop,
}

/// The running watcher; dropping it stops watching and joins the reload thread.
pub struct Watcher {
    _debouncer: Option<Debouncer<RecommendedWatcher, RecommendedCache>>,
    jobs: Sender<Job>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.jobs.send(Job::Stop);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Starts keeping `engine` in step with its corpus folder: by notifications, or by comparing
/// the folder every `poll` when given.
pub fn watch(engine: SharedEngine, poll: Option<Duration>) -> Result<Watcher, WatchError> {
    let dir = engine.load().corpus.dir.clone();
    let (jobs, rx) = mpsc::channel();
    let debouncer = match poll {
        Some(_) => None,
        None => {
            let tx = jobs.clone();
            let mut d = new_debouncer(DEBOUNCE, None, move |res: DebounceEventResult| {
                let job = match res {
                    Ok(events) if events.iter().any(|e| e.need_rescan()) => Job::Rescan,
                    Ok(events) => Job::Paths(
                        events
                            .into_iter()
                            .filter(|e| !matches!(e.kind, EventKind::Access(_)))
                            .flat_map(|e| e.event.paths)
                            .collect(),
                    ),
                    Err(errors) => {
                        for e in errors {
                            warn!(error = %e, "file watch error; rescanning the folder");
                        }
                        Job::Rescan
                    }
                };
                let _ = tx.send(job);
            })
            .map_err(|source| WatchError::Notify {
                dir: dir.clone(),
                source,
            })?;
            d.watch(&dir, RecursiveMode::Recursive)
                .map_err(|source| WatchError::Notify {
                    dir: dir.clone(),
                    source,
                })?;
            Some(d)
        }
    };
    // A file that changed unseen (size and modification time kept) is found by the first
    // reply that reads it: it is read again like any other change.
    let stale = jobs.clone();
    engine.load().corpus.on_stale(Box::new(move |path| {
        let _ = stale.send(Job::Paths(vec![path.to_path_buf()]));
    }));
    let thread = std::thread::Builder::new()
        .name("corpus-reload".into())
        .spawn(move || reload_loop(engine, rx, poll))?;
    info!(dir = %dir.display(), mode = if poll.is_some() { "polling" } else { "notifications" }, "watching the corpus folder");
    Ok(Watcher {
        _debouncer: debouncer,
        jobs,
        thread: Some(thread),
    })
}

fn reload_loop(engine: SharedEngine, rx: Receiver<Job>, poll: Option<Duration>) {
    loop {
        let job = match poll {
            Some(every) => match rx.recv_timeout(every) {
                Ok(job) => job,
                Err(RecvTimeoutError::Timeout) => Job::Rescan,
                Err(RecvTimeoutError::Disconnected) => return,
            },
            None => match rx.recv() {
                Ok(job) => job,
                Err(_) => return,
            },
        };
        let paths = match job {
            Job::Stop => return,
            Job::Paths(p) => p,
            Job::Rescan => engine.load().corpus.changed_files(),
        };
        if !paths.is_empty() {
            apply(&engine, &paths);
        }
    }
}

/// Applies changed paths: the new corpus and index are swapped in as soon as they are built
/// (queries see new files at once), then names are resolved again and swapped in too, and
/// the state is saved when the engine keeps one.
pub fn apply(engine: &SharedEngine, paths: &[PathBuf]) {
    let started = Instant::now();
    let current = engine.load_full();
    match current.update(paths) {
        Ok((next, delta)) => {
            let changed = !delta.is_empty();
            engine.store(Arc::new(next));
            if changed {
                info!(
                    added = delta.added.len(),
                    removed = delta.removed.len(),
                    ms = started.elapsed().as_millis() as u64,
                    "corpus updated"
                );
                // What the last version freed goes back to the system before the merge
                // takes its room, and what the old table held after it: a merge at 100,000
                // articles needs about 100 MB for a moment, beside the table that serves.
                drop(current);
                crate::release_free_memory();
                let fresh = Arc::new(engine.load().with_fresh_entities());
                engine.store(fresh.clone());
                crate::release_free_memory();
                // The index is committed; the rest of the state follows it to disk.
                if let Err(e) = fresh.save() {
                    warn!(error = %e, "cannot save the state; the next start reads the folder");
                }
            }
        }
        Err(e) => error!(error = %e, "reload failed; the last good index keeps serving"),
    }
}
