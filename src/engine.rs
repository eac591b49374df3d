//! The engine: a loaded corpus and its index, answering parsed commands with `Answer`s.

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use thiserror::Error;
use tracing::{error, info, warn};

use crate::answer::{Answer, Block, CitationSource, text};
use crate::commands::{self, Command, Parsed};
use crate::corpus::names::NameFile;
use crate::corpus::{self, Article, Corpus, CorpusError, Delta, Opened};
use crate::index::{Hit, IndexError, Mode, NewsIndex, UserQuery};
use crate::nlp::entities::Entity;
use crate::nlp::stopwords;
use crate::store::{Store, StoreError};
use crate::strings;

#[derive(Debug, Error)]
pub enum EngineError {
    #[error(transparent)]
    Corpus(#[from] CorpusError),
    #[error(transparent)]
    Index(#[from] IndexError),
}

/// Entities resolved across one version of the corpus. After a reload they may name
/// slots that are no longer served until they are resolved again; users of the table check
/// `Corpus::get` (a changed file always gets a new slot, so nothing stale is ever cited).
#[derive(Debug)]
pub struct EntityTable {
    pub entities: Vec<Entity>,
    /// (article, passage) to the entities mentioned in it, built on first use from `over`
    /// (see `mentions_in`).
    mentions: OnceLock<MentionsIn>,
    /// The corpus the entities were merged over.
    over: Corpus,
    /// What `/who` works out from all of an entity's mentions, kept once worked out.
    pub cards: commands::CardCache,
}

impl EntityTable {
    /// Merges the names each article found (at load, in parallel) across the corpus. The
    /// passage lists are built on first use (see `mentions_in`).
    fn resolve(corpus: &Corpus) -> EntityTable {
        EntityTable::resolve_again(corpus, &[])
    }

    /// `resolve`, keeping the entities of `previous` that are decided again from the same
    /// members (see `entities::merge_again`).
    fn resolve_again(corpus: &Corpus, previous: &[Entity]) -> EntityTable {
        EntityTable::of(corpus.merge_names(previous), corpus)
    }

    /// The table merged again over `corpus` after a change, with the passage lists built:
    /// a merge in the background builds them before its table serves.
    fn again_with_lists(&self, corpus: &Corpus) -> EntityTable {
        let table = EntityTable::resolve_again(corpus, &self.entities);
        table.mentions_in();
        table
    }

    /// The table of `entities`, merged over `corpus` (now or before it was saved); its
    /// passage lists are built on first use.
    pub(crate) fn of(entities: Vec<Entity>, corpus: &Corpus) -> EntityTable {
        EntityTable {
            entities,
            mentions: OnceLock::new(),
            over: corpus.clone(),
            cards: Default::default(),
        }
    }

    /// (article, passage) to the entities mentioned in it: built on first use (a restart
    /// builds them on a thread of its own while it starts serving).
    pub fn mentions_in(&self) -> &MentionsIn {
        self.mentions
            .get_or_init(|| MentionsIn::of(&self.entities, &self.over))
    }
}

/// Which entities each passage mentions, kept per article in two flat lists (a corpus has
/// millions of such passages: a map of small vectors took most of a restart).
#[derive(Debug, Default, Clone)]
pub struct MentionsIn {
    /// Per slot: the entities its passages mention.
    articles: Vec<Mentioned>,
}

/// One article's entities by passage: passage `p`'s are `entities[ends[p - 1]..ends[p]]`
/// (from 0 for the first), each ascending. `ends` stops at the last passage that mentions
/// one. Most passages name someone, so one end per passage (two bytes, in all but very long
/// articles) is smaller than a list of the passages that do.
#[derive(Debug, Default, Clone)]
struct Mentioned {
    ends: Ends,
    entities: Box<[u32]>,
}

#[derive(Debug, Clone)]
enum Ends {
    Short(Box<[u16]>),
    Long(Box<[u32]>),
}

impl Default for Ends {
    fn default() -> Ends {
        Ends::Short(Box::default())
    }
}

impl Ends {
    /// Two bytes an end when the last fits.
    fn new(ends: Vec<u32>) -> Ends {
        if ends.last().is_none_or(|&n| n <= u32::from(u16::MAX)) {
            Ends::Short(ends.into_iter().map(|n| n as u16).collect())
        } else {
            Ends::Long(ends.into_boxed_slice())
        }
    }

    /// Where passage `p`'s entities start and end, if it is listed.
    fn range(&self, p: usize) -> Option<(usize, usize)> {
        fn of<T: Copy + Into<u32>>(ends: &[T], p: usize) -> Option<(usize, usize)> {
            let end = (*ends.get(p)?).into() as usize;
            let start = p.checked_sub(1).map_or(0, |q| ends[q].into() as usize);
            Some((start, end))
        }
        match self {
            Ends::Short(ends) => of(ends, p),
            Ends::Long(ends) => of(ends, p),
        }
    }
}

impl MentionsIn {
    fn of(entities: &[Entity], corpus: &Corpus) -> MentionsIn {
        // (start, entity) of every mention, by article; then each article is walked once
        // against its passages, in order (a binary search per mention missed the cache).
        // Each article's list is sized first (they hold every mention of the corpus).
        let mut counts = vec![0usize; corpus.slot_count()];
        for m in entities.iter().flat_map(|e| e.mentions.iter()) {
            if let Some(n) = counts.get_mut(m.doc()) {
                *n += 1;
            }
        }
        let mut starts: Vec<Vec<(u32, u32)>> = counts.into_iter().map(Vec::with_capacity).collect();
        for (e, entity) in entities.iter().enumerate() {
            for m in entity.mentions.iter() {
                if let Some(list) = starts.get_mut(m.doc()) {
                    list.push((m.range().start as u32, e as u32));
                }
            }
        }
        let articles = starts
            .into_par_iter()
            .enumerate()
            .map(|(doc, mut starts)| {
                let Some(article) = corpus.get(doc) else {
                    return Mentioned::default();
                };
                starts.sort_unstable();
                let ps = &article.passages;
                let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(starts.len());
                let mut p = 0;
                for (at, e) in starts {
                    let at = at as usize;
                    while p < ps.len() && ps[p].range().end <= at {
                        p += 1;
                    }
                    if p < ps.len() && ps[p].range().start <= at {
                        pairs.push((p as u32, e));
                    }
                }
                pairs.sort_unstable();
                pairs.dedup();
                let listed = pairs.last().map_or(0, |(p, _)| *p as usize + 1);
                let mut ends = vec![0u32; listed];
                for (p, _) in &pairs {
                    ends[*p as usize] += 1;
                }
                let mut total = 0;
                for end in &mut ends {
                    total += *end;
                    *end = total;
                }
                // Kept for as long as the table serves: no room to grow.
                Mentioned {
                    ends: Ends::new(ends),
                    entities: pairs.into_iter().map(|(_, e)| e).collect(),
                }
            })
            .collect();
        MentionsIn { articles }
    }

    /// The entities mentioned in passage `key.1` of article `key.0`, ascending.
    pub fn get(&self, key: &(usize, usize)) -> Option<&[u32]> {
        let (a, p) = *key;
        let article = self.articles.get(a)?;
        let (start, end) = article.ends.range(p)?;
        (start < end).then(|| &article.entities[start..end])
    }
}

/// The passage of `article` that holds byte `at`.
pub fn passage_at(article: &Article, at: usize) -> Option<usize> {
    let ps = &article.passages;
    let i = ps.partition_point(|p| p.range().end <= at);
    (i < ps.len() && ps[i].range().start <= at).then_some(i)
}

/// A restart re-reads up to this many changed files (or a quarter of the corpus, if more)
/// into its saved state; past that it reads the whole folder afresh.
const MAX_CHANGED_ON_RESTART: usize = 1000;

/// One consistent version of everything a query needs. Cheap to clone: the corpus is a
/// persistent structure, the index a snapshot, the entity table shared.
#[derive(Clone)]
pub struct Engine {
    pub corpus: Corpus,
    pub index: NewsIndex,
    pub table: Arc<EntityTable>,
    /// Where this engine's state is saved, when it is (`Engine::open`).
    pub store: Option<Arc<Store>>,
}

impl Engine {
    /// Loads, cleans and indexes the folder, in memory.
    pub fn load(dir: &Path) -> Result<Engine, EngineError> {
        Engine::from_corpus(corpus::load(dir)?)
    }

    /// Indexes a loaded corpus in memory.
    pub fn from_corpus(corpus: Corpus) -> Result<Engine, EngineError> {
        Engine::build(corpus, None)
    }

    /// Indexes a loaded corpus, in `store`'s folder when given (nothing is saved yet: see
    /// `save`), else in memory.
    pub fn build(corpus: Corpus, store: Option<Arc<Store>>) -> Result<Engine, EngineError> {
        let index_dir = store.as_ref().map(|s| s.index_dir());
        // Entities are resolved first, on every core, and what the merge decoded goes back
        // to the system before indexing: side by side, the two peaked together. Their
        // passage lists are built once the index is, for the same reason.
        let table = Arc::new(EntityTable::resolve(&corpus));
        crate::release_free_memory();
        let index = NewsIndex::build_in(&corpus, index_dir.as_deref());
        crate::release_free_memory();
        let index = index?;
        table.mentions_in();
        Ok(Engine {
            corpus,
            index,
            table,
            store,
        })
    }

    /// The engine of the folder `dir`, with its state saved under `state_dir`: read back
    /// when it was saved for this folder by this build (then only files changed since are
    /// read), else built afresh and saved in the background. Where the state cannot be kept
    /// (another process holds it, the folder is read-only), the engine lives in memory.
    pub fn open(dir: &Path, state_dir: &Path) -> Result<Engine, EngineError> {
        let store = match Store::open(state_dir) {
            Ok(s) => Arc::new(s),
            Err(e) => {
                warn!(error = %e, "the index is kept in memory only");
                return Engine::load(dir);
            }
        };
        match Engine::restore(dir, &store) {
            Ok(Some(engine)) => return Ok(engine),
            Ok(None) => {}
            Err(e) => warn!(error = %e, "cannot read the saved state back; reading the folder"),
        }
        if let Err(e) = store.clear() {
            warn!(error = %e, "cannot clear the saved state");
        }
        let corpus = match NameFile::create(&store.names_file()) {
            Ok(names) => corpus::load_filing_names(dir, Arc::new(names))?,
            Err(e) => {
                warn!(error = %e, "cannot keep names in the state folder; they are kept in memory");
                corpus::load(dir)?
            }
        };
        let engine = match Engine::build(corpus.clone(), Some(store)) {
            Ok(e) => e,
            Err(e) => {
                warn!(error = %e, "cannot write the index to the state folder; it is kept in memory only");
                Engine::from_corpus(corpus)?
            }
        };
        engine.save_in_background();
        Ok(engine)
    }

    /// The engine as saved in `store`, brought up to date with the folder; None when nothing
    /// usable is saved.
    fn restore(dir: &Path, store: &Arc<Store>) -> Result<Option<Engine>, EngineError> {
        let t = std::time::Instant::now();
        let ms = |t: std::time::Instant| t.elapsed().as_millis() as u64;
        // The folder is walked on a thread of its own while the state is decoded.
        let (scan, saved) = std::thread::scope(|s| {
            let scan = s.spawn(|| Corpus::scan(dir));
            let saved = store.load(dir);
            (scan.join(), saved)
        });
        let saved = match saved {
            Ok(s) => s,
            Err(e) => {
                info!(reason = %e, "no saved state to restart from");
                return Ok(None);
            }
        };
        let scan = match scan {
            Ok(scan) => scan?,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        let decoded_ms = ms(t);
        let names = NameFile::open(&store.names_file()).ok().map(Arc::new);
        let (corpus, changed) = Corpus::restore(dir, scan, saved.slots, saved.rest, names)?;
        if !corpus.names_are_held() {
            info!("the names file does not hold the saved state's names");
            return Ok(None);
        }
        // Files are re-read one by one on an update, but on every core on a fresh load.
        if changed.len() > MAX_CHANGED_ON_RESTART.max(corpus.len() / 4) {
            info!(
                files = changed.len(),
                "most of the folder changed since the state was saved"
            );
            return Ok(None);
        }
        let files_ms = ms(t);
        let index = NewsIndex::open(&store.index_dir(), &corpus)?;
        if index.opstamp != saved.opstamp {
            info!("the saved index is not the one the state was saved with");
            return Ok(None);
        }
        let index_ms = ms(t);
        let table = Arc::new(EntityTable::of(saved.entities, &corpus));
        info!(decoded_ms, files_ms, index_ms, "saved state read back");
        let engine = Engine {
            corpus,
            index,
            table,
            store: Some(store.clone()),
        };
        if changed.is_empty() {
            // The passage lists take a few tenths of a second at 100,000 articles and only
            // `/who` reads them: they are built while the engine serves (a `/who` meanwhile
            // waits). After changes, the fresh merge below builds its own.
            let warm = engine.table.clone();
            std::thread::spawn(move || {
                let t = std::time::Instant::now();
                warm.mentions_in();
                info!(ms = ms(t), "names' passage lists built");
            });
            return Ok(Some(engine));
        }
        info!(
            files = changed.len(),
            "files changed since the state was saved"
        );
        let (next, delta) = engine.update(&changed)?;
        let next = if delta.is_empty() {
            next
        } else {
            next.with_fresh_entities()
        };
        next.save_in_background();
        Ok(Some(next))
    }

    /// Saves this engine's state, when it has a store (see `Store::save`), after any save
    /// running in the background.
    pub fn save(&self) -> Result<bool, StoreError> {
        match &self.store {
            Some(store) => {
                store.wait();
                store.save(self)
            }
            None => Ok(false),
        }
    }

    /// Saves on another thread, logging the outcome (`save` waits for it).
    pub fn save_in_background(&self) {
        let Some(store) = &self.store else {
            return;
        };
        let engine = self.clone();
        let spawned = std::thread::Builder::new()
            .name("state-save".into())
            .spawn(move || {
                if let Some(store) = &engine.store
                    && let Err(e) = store.save(&engine)
                {
                    warn!(error = %e, "cannot save the state; the next start reads the folder");
                }
            });
        match spawned {
            Ok(handle) => store.set_background(handle),
            Err(e) => warn!(error = %e, "cannot start saving the state"),
        }
    }

    /// The engine after the given paths changed: only they are re-read and re-indexed.
    /// The entity table is carried over (see `EntityTable`); `with_fresh_entities` renews it.
    /// On error nothing has changed for queries: the caller keeps serving `self`.
    pub fn update(&self, paths: &[PathBuf]) -> Result<(Engine, Delta), EngineError> {
        let (corpus, delta) = self.corpus.update(paths);
        if delta.is_empty() {
            return Ok((
                Engine {
                    corpus,
                    index: self.index.clone(),
                    table: self.table.clone(),
                    store: self.store.clone(),
                },
                delta,
            ));
        }
        let index = self.index.update(&corpus, &delta)?;
        Ok((
            Engine {
                corpus,
                index,
                table: self.table.clone(),
                store: self.store.clone(),
            },
            delta,
        ))
    }

    /// The same engine with entities resolved again over the current corpus. Entities
    /// decided again from the same members as before are kept, not gathered again (see
    /// `entities::merge_again`): after one file changes, the few it touches are.
    pub fn with_fresh_entities(&self) -> Engine {
        Engine {
            corpus: self.corpus.clone(),
            index: self.index.clone(),
            table: Arc::new(self.table.again_with_lists(&self.corpus)),
            store: self.store.clone(),
        }
    }

    pub fn entities(&self) -> &[Entity] {
        &self.table.entities
    }

    /// Answers one parsed command. Never fails: internal errors become a short apology
    /// and a log line.
    pub fn answer(&self, parsed: &Parsed) -> Answer {
        let mut answer = match commands::run(self, &parsed.command) {
            Ok(a) => a,
            Err(e) => {
                error!(command = parsed.command.name(), error = %e, "command failed");
                let mut a = Answer::new(parsed.command.name(), "");
                a.push(Block::Para(vec![text(strings::INTERNAL_ERROR)]));
                a
            }
        };
        if parsed.truncated {
            answer.blocks.insert(
                0,
                Block::Note(vec![text(strings::shortened_input(
                    crate::index::query::MAX_INPUT_CHARS,
                ))]),
            );
        }
        answer
    }

    /// Answers a chat line (terminal semantics: plain text is a question).
    pub fn answer_line(&self, line: &str) -> Answer {
        self.answer(&commands::parse_line(line))
    }

    /// The article in slot `id`. Ids from this engine's own index and corpus are always
    /// served; ids from elsewhere (the entity table) go through `Corpus::get`.
    pub fn article(&self, id: usize) -> &Article {
        self.corpus
            .get(id)
            .expect("article id from this engine's corpus or index")
    }

    /// The index terms of `s` that are not function words: what two sentences must share
    /// to report the same fact.
    pub fn content_words(&self, s: &str) -> HashSet<String> {
        self.index
            .analyse(s)
            .into_iter()
            .filter(|(_, r)| !stopwords::is_stopword_as_written(&s[r.clone()]))
            .map(|(t, _)| t)
            .collect()
    }

    /// Passages that name what `q` asks for in their own words, with every word of it in the
    /// passage or its neighbours, best first.
    pub fn passages_naming(&self, q: &UserQuery, limit: usize) -> Result<Vec<Hit>, IndexError> {
        self.index.search_top(q, Mode::All, limit)
    }

    /// The article in slot `id` with its text, to quote it (see `Corpus::read`): None when
    /// its file no longer holds the text it was analysed from, until the watcher reloads it.
    pub fn read(&self, id: usize) -> Option<Opened<'_>> {
        self.corpus.read(id)
    }

    /// The passage of article `id` that holds byte `at`, if that article is served.
    pub fn passage_at(&self, id: usize, at: usize) -> Option<usize> {
        passage_at(self.corpus.get(id)?, at)
    }
}

/// Cites passage `p` of `a`.
pub fn cite_passage(answer: &mut Answer, a: &Opened, p: usize) -> usize {
    cite(answer, a, a.passages[p].range())
}

/// Cites bytes `range` of `a`.
pub fn cite(answer: &mut Answer, a: &Opened, range: Range<usize>) -> usize {
    answer.cite(CitationSource {
        doc: &a.doc,
        title: &a.meta.title,
        date: a.date_string(),
        url: a.url(),
        text: &a.text,
        range,
    })
}

/// Whether a command needs the corpus at all (for front ends that answer help before loading).
pub fn needs_corpus(command: &Command) -> bool {
    !matches!(
        command,
        Command::Help | Command::Unknown(_) | Command::Empty | Command::Usage(_)
    )
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn passage_ends_take_four_bytes_only_past_two() {
        let ranges = |ends: &Ends| (0..5).map(|p| ends.range(p)).collect::<Vec<_>>();
        for (last, long) in [(65_535, false), (65_536, true)] {
            let ends = Ends::new(vec![1, last - 1, last - 1, last]);
            assert_eq!(matches!(ends, Ends::Long(_)), long, "{last}");
            let last = last as usize;
            assert_eq!(
                ranges(&ends),
                [
                    Some((0, 1)),
                    Some((1, last - 1)),
                    Some((last - 1, last - 1)),
                    Some((last - 1, last)),
                    None
                ]
            );
        }
        assert_eq!(Ends::new(Vec::new()).range(0), None);
    }

    #[test]
    fn entities_merged_again_after_changes_equal_a_whole_merge() {
        let dir = tempfile::tempdir().unwrap();
        crate::synth::generate(dir.path(), 150, 7).unwrap();
        let mut engine = Engine::load(dir.path()).unwrap();
        let file = |i: usize| dir.path().join(crate::synth::article_path(i));
        // A changed file, a new one naming someone already known, and a deleted one.
        let text = std::fs::read_to_string(file(75)).unwrap();
        let changes: Vec<Box<dyn Fn()>> = vec![
            Box::new(|| {
                let more = format!("{text}\nMayor Ana Lopez said the council would meet.\n");
                std::fs::write(file(75), more).unwrap();
            }),
            Box::new(|| std::fs::write(file(150), text.replace("a", "e")).unwrap()),
            Box::new(|| std::fs::remove_file(file(3)).unwrap()),
        ];
        for (n, change) in [75, 150, 3].into_iter().zip(changes) {
            change();
            let (next, delta) = engine.update(&[file(n)]).unwrap();
            assert!(!delta.is_empty(), "file {n}");
            let fresh = next.with_fresh_entities();
            let whole = fresh.corpus.merge_names(&[]);
            assert_eq!(fresh.entities(), whole.as_slice(), "file {n}");
            let kept = fresh
                .entities()
                .iter()
                .filter(|e| {
                    let shared = |b: &Entity| Arc::ptr_eq(&b.mentions, &e.mentions);
                    engine.entities().iter().any(shared)
                })
                .count();
            assert!(kept > 0 && kept < whole.len(), "file {n}: {kept} kept");
            engine = fresh;
        }
    }

    #[test]
    fn mentions_in_lists_what_a_map_of_every_mention_does() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let engine = Engine::load(&dir).unwrap();
        let mut naive: HashMap<(usize, usize), Vec<u32>> = HashMap::new();
        for (e, entity) in (0u32..).zip(engine.entities()) {
            for m in entity.mentions.iter() {
                if let Some(p) = engine.passage_at(m.doc(), m.range().start) {
                    let list = naive.entry((m.doc(), p)).or_default();
                    if !list.contains(&e) {
                        list.push(e);
                    }
                }
            }
        }
        assert!(naive.len() > 50);
        for a in engine.corpus.iter() {
            for p in 0..a.passages.len() {
                assert_eq!(
                    engine.table.mentions_in().get(&(a.id, p)),
                    naive.get(&(a.id, p)).map(Vec::as_slice),
                    "{} passage {p}",
                    a.doc
                );
            }
        }
        assert_eq!(engine.table.mentions_in().get(&(999, 0)), None);
    }
}
