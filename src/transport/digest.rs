//! The daily digest: when it is due (a pure function of the schedule and the clock, right
//! across DST changes), what it announces (articles not yet announced to that target), and the
//! state on disk that makes a restart neither skip nor repeat one. Discord and Matrix share one
//! `Digests`, each channel or room being a target of its own.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Days, LocalResult, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use tracing::{error, info, warn};

use crate::answer::{Answer, Block, text};
use crate::commands::digest_of;
use crate::config::DigestConfig;
use crate::engine::Engine;
use crate::strings;

use super::{CancellationToken, SharedEngine};

/// After a failed post, wait this long before trying again.
const RETRY_AFTER: Duration = Duration::from_secs(60);

/// The instant of the digest on local date `day`: the configured time, or, when a DST jump
/// skips that time, the first instant after the gap; when the time occurs twice, the first.
fn slot_on(schedule: &DigestConfig, day: NaiveDate) -> DateTime<Utc> {
    let local = day.and_time(schedule.time);
    match schedule.tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        LocalResult::None => {
            // In a gap: step forward a minute at a time to the first time that exists.
            let mut probe = local;
            for _ in 0..(24 * 60) {
                probe += chrono::Duration::minutes(1);
                if let Some(t) = schedule.tz.from_local_datetime(&probe).earliest() {
                    return t.with_timezone(&Utc);
                }
            }
            Utc.from_utc_datetime(&local)
        }
    }
}

/// The first digest time strictly after `after`.
pub fn next_run(schedule: &DigestConfig, after: DateTime<Utc>) -> DateTime<Utc> {
    let today = after.with_timezone(&schedule.tz).date_naive();
    (0..3)
        .filter_map(|d| today.checked_add_days(Days::new(d)))
        .map(|day| slot_on(schedule, day))
        .find(|t| *t > after)
        .unwrap_or_else(|| after + chrono::Duration::days(1))
}

/// The latest digest time at or before `now`.
pub fn last_due(schedule: &DigestConfig, now: DateTime<Utc>) -> DateTime<Utc> {
    let today = now.with_timezone(&schedule.tz).date_naive();
    (0..3)
        .filter_map(|d| today.checked_sub_days(Days::new(d)))
        .map(|day| slot_on(schedule, day))
        .find(|t| *t <= now)
        .unwrap_or_else(|| now - chrono::Duration::days(1))
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
struct TargetState {
    /// The last digest slot posted to this target.
    last_slot: Option<DateTime<Utc>>,
    /// Files already announced to this target.
    announced: BTreeSet<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
struct StateFile {
    targets: BTreeMap<String, TargetState>,
}

/// The digest schedule and its state file, shared by every front end.
pub struct Digests {
    schedule: DigestConfig,
    path: PathBuf,
    state: Mutex<StateFile>,
}

/// What a due digest carries: its slot (a stable key for idempotent sends) and its reply.
pub struct DueDigest {
    pub slot: DateTime<Utc>,
    pub answer: Answer,
    docs: Vec<String>,
}

impl Digests {
    /// Opens (or starts) the state at `path`. A corrupt file is set aside, not fatal.
    pub fn open(schedule: DigestConfig, path: &Path) -> io::Result<Digests> {
        let state = match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                let aside = path.with_extension("corrupt");
                warn!(file = %path.display(), error = %e, "digest state unreadable; set aside, starting fresh");
                let _ = std::fs::rename(path, aside);
                StateFile::default()
            }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => StateFile::default(),
            Err(e) => return Err(e),
        };
        Ok(Digests {
            schedule,
            path: path.to_path_buf(),
            state: Mutex::new(state),
        })
    }

    pub fn schedule(&self) -> &DigestConfig {
        &self.schedule
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, StateFile> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Writes the state atomically: a temporary file, flushed, then renamed over the old one.
    fn save(&self, state: &StateFile) -> io::Result<()> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = self.path.with_extension("tmp");
        let bytes = serde_json::to_vec_pretty(state).map_err(io::Error::other)?;
        {
            use std::io::Write;
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(&bytes)?;
            f.sync_all()?;
        }
        std::fs::rename(&tmp, &self.path)
    }

    /// The digest due for `target` at `now`, if one is. A target seen for the first time
    /// starts from now: what the folder holds is its baseline, and its first digest is the
    /// next scheduled one, announcing what arrives after.
    pub fn due(
        &self,
        target: &str,
        engine: &Engine,
        now: DateTime<Utc>,
    ) -> io::Result<Option<DueDigest>> {
        let slot = last_due(&self.schedule, now);
        let mut state = self.lock();
        if !state.targets.contains_key(target) {
            let baseline = TargetState {
                last_slot: Some(slot),
                announced: engine.corpus.iter().map(|a| a.doc.clone()).collect(),
            };
            state.targets.insert(target.to_string(), baseline);
            self.save(&state)?;
            info!(
                target,
                "digest target registered; first digest at the next scheduled time"
            );
            return Ok(None);
        }
        let t = &state.targets[target];
        if t.last_slot.is_some_and(|last| last >= slot) {
            return Ok(None);
        }
        let ids: Vec<usize> = engine
            .corpus
            .iter()
            .filter(|a| !t.announced.contains(&a.doc))
            .map(|a| a.id)
            .collect();
        let docs = ids
            .iter()
            .map(|id| engine.article(*id).doc.clone())
            .collect();
        let date = slot
            .with_timezone(&self.schedule.tz)
            .format("%Y-%m-%d")
            .to_string();
        let mut answer = if ids.is_empty() {
            let mut a = Answer::new("digest", "");
            a.push(Block::Para(vec![text(strings::DIGEST_NOTHING_NEW)]));
            a
        } else {
            digest_of(engine, &ids, None)
        };
        answer.blocks.insert(
            0,
            Block::Heading(vec![text(strings::daily_digest_heading(&date))]),
        );
        Ok(Some(DueDigest { slot, answer, docs }))
    }

    /// Records that `digest` was posted to `target`: its files are announced, its slot done.
    pub fn mark_posted(&self, target: &str, digest: &DueDigest) -> io::Result<()> {
        let mut state = self.lock();
        let t = state.targets.entry(target.to_string()).or_default();
        t.last_slot = Some(digest.slot);
        t.announced.extend(digest.docs.iter().cloned());
        self.save(&state)
    }
}

/// The wall clock, or a clock that follows tokio's (pausable) time from a fixed start, for tests.
#[derive(Debug, Clone, Copy)]
pub enum Clock {
    System,
    Virtual {
        start: DateTime<Utc>,
        at: tokio::time::Instant,
    },
}

impl Clock {
    pub fn virtual_from(start: DateTime<Utc>) -> Clock {
        Clock::Virtual {
            start,
            at: tokio::time::Instant::now(),
        }
    }
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Virtual { start, at } => {
                *start + chrono::Duration::from_std(at.elapsed()).unwrap_or_default()
            }
        }
    }
}

/// Posts the digest to `target` every day at the scheduled time until `shutdown`. `post`
/// sends one digest (its slot is a stable idempotency key); a failed post is retried and
/// the digest only counts as posted once `post` succeeds.
pub async fn run<P, F>(
    digests: Arc<Digests>,
    target: String,
    engine: SharedEngine,
    clock: Clock,
    mut post: P,
    shutdown: CancellationToken,
) where
    P: FnMut(DueDigest) -> F,
    F: Future<Output = anyhow::Result<DueDigest>>,
{
    loop {
        let now = clock.now();
        let wait = match digests.due(&target, &engine.load(), now) {
            Ok(Some(due)) => {
                let slot = due.slot;
                match post(due).await {
                    Ok(posted) => match digests.mark_posted(&target, &posted) {
                        Ok(()) => {
                            info!(target = %target, %slot, "digest posted");
                            Duration::ZERO
                        }
                        Err(e) => {
                            error!(target = %target, error = %e, "digest posted but its state could not be saved");
                            RETRY_AFTER
                        }
                    },
                    Err(e) => {
                        warn!(target = %target, error = %e, "digest post failed; will retry");
                        RETRY_AFTER
                    }
                }
            }
            Ok(None) => (next_run(digests.schedule(), now) - now)
                .to_std()
                .unwrap_or(Duration::from_secs(1)),
            Err(e) => {
                error!(target = %target, error = %e, "digest state unavailable");
                RETRY_AFTER
            }
        };
        if wait.is_zero() {
            continue;
        }
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = shutdown.cancelled() => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveTime;
    use chrono_tz::Tz;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn schedule(hm: &str, tz: Tz) -> DigestConfig {
        DigestConfig {
            time: NaiveTime::parse_from_str(hm, "%H:%M").unwrap(),
            tz,
        }
    }

    struct Case {
        name: &'static str,
        schedule: DigestConfig,
        after: &'static str,
        next: &'static str,
    }

    #[test]
    fn next_run_table() {
        let berlin = chrono_tz::Europe::Berlin;
        let ny = chrono_tz::America::New_York;
        let cases = [
            Case {
                name: "later today",
                schedule: schedule("08:30", Tz::UTC),
                after: "2026-03-01T07:00:00Z",
                next: "2026-03-01T08:30:00Z",
            },
            Case {
                name: "exactly at the time goes to tomorrow",
                schedule: schedule("08:30", Tz::UTC),
                after: "2026-03-01T08:30:00Z",
                next: "2026-03-02T08:30:00Z",
            },
            Case {
                name: "winter offset",
                schedule: schedule("08:00", berlin),
                after: "2026-01-10T00:00:00Z",
                next: "2026-01-10T07:00:00Z",
            },
            Case {
                name: "summer offset",
                schedule: schedule("08:00", berlin),
                after: "2026-07-10T00:00:00Z",
                next: "2026-07-10T06:00:00Z",
            },
            Case {
                name: "across spring forward",
                schedule: schedule("08:00", berlin),
                after: "2026-03-28T07:00:00Z",
                next: "2026-03-29T06:00:00Z",
            },
            Case {
                name: "across fall back",
                schedule: schedule("08:00", berlin),
                after: "2026-10-24T06:00:00Z",
                next: "2026-10-25T07:00:00Z",
            },
            Case {
                name: "time skipped by DST runs right after the gap",
                schedule: schedule("02:30", berlin),
                after: "2026-03-28T12:00:00Z",
                next: "2026-03-29T01:00:00Z",
            },
            Case {
                name: "time that happens twice runs the first time",
                schedule: schedule("01:30", ny),
                after: "2026-11-01T00:00:00Z",
                next: "2026-11-01T05:30:00Z",
            },
            Case {
                name: "midnight",
                schedule: schedule("00:00", Tz::UTC),
                after: "2026-12-31T23:59:59Z",
                next: "2027-01-01T00:00:00Z",
            },
        ];
        for c in cases {
            assert_eq!(next_run(&c.schedule, at(c.after)), at(c.next), "{}", c.name);
            assert!(
                last_due(&c.schedule, at(c.next)) == at(c.next),
                "{}: last_due at the slot is the slot",
                c.name
            );
        }
    }

    #[test]
    fn spring_forward_day_is_23_hours_apart() {
        let s = schedule("08:00", chrono_tz::Europe::Berlin);
        let before = next_run(&s, at("2026-03-28T00:00:00Z"));
        let after = next_run(&s, before);
        assert_eq!(after - before, chrono::Duration::hours(23));
    }

    fn corpus_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    const A: &str = "Harbour Plan Approved\nThe harbour authority approved the dredging plan on Tuesday after a long debate.\n";
    const B: &str = "Rail Strike Ends\nTrain drivers returned to work on Friday after a four-day strike over pay.\n";

    /// (slot, rendered digest) of every post.
    type Posts = Arc<Mutex<Vec<(DateTime<Utc>, String)>>>;

    #[tokio::test(start_paused = true)]
    async fn posts_once_a_day_new_articles_only_and_survives_restart() {
        let corpus = corpus_dir(&[("a.txt", A)]);
        let state = tempfile::tempdir().unwrap();
        let path = state.path().join("digest.json");
        let sched = schedule("08:00", chrono_tz::Europe::Berlin);
        let engine = super::super::shared(Engine::load(corpus.path()).unwrap());
        let posts: Posts = Arc::default();
        let start = at("2026-03-27T12:00:00Z");

        let run_for = |days: u64, clock: Clock| {
            let digests = Arc::new(Digests::open(sched.clone(), &path).unwrap());
            let (engine, posts) = (engine.clone(), posts.clone());
            async move {
                let shutdown = CancellationToken::new();
                let stop = shutdown.clone();
                let task = tokio::spawn(run(
                    digests,
                    "discord:1".into(),
                    engine,
                    clock,
                    move |due: DueDigest| {
                        let posts = posts.clone();
                        async move {
                            posts.lock().unwrap().push((
                                due.slot,
                                crate::answer::render_markdown(&due.answer, 4096),
                            ));
                            Ok(due)
                        }
                    },
                    shutdown,
                ));
                tokio::time::sleep(Duration::from_secs(days * 86_400)).await;
                stop.cancel();
                task.await.unwrap();
            }
        };

        // Day 0: registered, baseline is a.txt; nothing posted yet.
        run_for(1, Clock::virtual_from(start)).await;
        {
            let p = posts.lock().unwrap();
            assert_eq!(p.len(), 1, "one digest on the next morning: {p:?}");
            assert_eq!(p[0].0, at("2026-03-28T07:00:00Z"));
            assert!(
                p[0].1.contains("No new articles"),
                "a.txt was there before: {}",
                p[0].1
            );
        }
        // b.txt arrives; the bot restarts a day and a half later, after the slot passed while it was down.
        std::fs::write(corpus.path().join("b.txt"), B).unwrap();
        engine.store(Arc::new(Engine::load(corpus.path()).unwrap()));
        run_for(2, Clock::virtual_from(at("2026-03-29T18:00:00Z"))).await;
        let p = posts.lock().unwrap();
        let slots: Vec<DateTime<Utc>> = p.iter().map(|(s, _)| *s).collect();
        assert_eq!(
            slots,
            [
                at("2026-03-28T07:00:00Z"),
                at("2026-03-29T06:00:00Z"),
                at("2026-03-30T06:00:00Z"),
                at("2026-03-31T06:00:00Z")
            ],
            "missed slot caught up once, then daily across DST"
        );
        assert!(p[1].1.contains("Rail Strike Ends"), "{}", p[1].1);
        assert!(
            !p[2].1.contains("Rail Strike Ends"),
            "announced once only: {}",
            p[2].1
        );
    }

    #[tokio::test(start_paused = true)]
    async fn failed_post_is_retried_not_skipped() {
        let corpus = corpus_dir(&[("a.txt", A)]);
        let state = tempfile::tempdir().unwrap();
        let digests = Arc::new(
            Digests::open(schedule("08:00", Tz::UTC), &state.path().join("d.json")).unwrap(),
        );
        let engine = super::super::shared(Engine::load(corpus.path()).unwrap());
        let tries: Arc<Mutex<u32>> = Arc::default();
        let shutdown = CancellationToken::new();
        let (t, stop) = (tries.clone(), shutdown.clone());
        let task = tokio::spawn(run(
            digests.clone(),
            "matrix:!r".into(),
            engine,
            Clock::virtual_from(at("2026-05-01T07:59:00Z")),
            move |due: DueDigest| {
                let t = t.clone();
                async move {
                    let mut n = t.lock().unwrap();
                    *n += 1;
                    if *n < 3 {
                        Err(anyhow::anyhow!("homeserver down"))
                    } else {
                        Ok(due)
                    }
                }
            },
            shutdown,
        ));
        tokio::time::sleep(Duration::from_secs(3600)).await;
        stop.cancel();
        task.await.unwrap();
        assert_eq!(
            *tries.lock().unwrap(),
            3,
            "two failures, then one success, then nothing more that day"
        );
    }

    #[test]
    fn corrupt_state_is_set_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.json");
        std::fs::write(&path, "{not json").unwrap();
        let d = Digests::open(schedule("08:00", Tz::UTC), &path).unwrap();
        assert!(d.lock().targets.is_empty());
        assert!(dir.path().join("d.corrupt").exists());
    }
}
