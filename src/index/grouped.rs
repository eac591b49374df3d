//! Every match of a query grouped by article: counts per article and the best passages of
//! the best articles, for `/search`. A common word matches hundreds of thousands of
//! passages, so the work per match is kept to a few array reads: each segment's documents
//! are known as runs of one article's consecutive passages (`Runs`, worked out once per
//! segment), and an article's best passages are kept in a fixed array, not a vector.
//!
//! `search` does it in three passes: every match counted without scores (`Counting`, or
//! from bitsets for several words, see `dense`); the best articles found by a ranking
//! search that skips what cannot make the cut (`leading_articles`); and only those
//! articles' matches scored and kept (`ByArticle`).

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::index::SegmentId;
use tantivy::query::{Bm25Weight, EnableScoring, Query, Scorer};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentOrdinal, SegmentReader};

use super::dense::{Around, DocBits, Reach, Scored, TermGroups, for_each_block};
use super::near::floor;
use super::neighbours::BitsCache;
use super::spread::Spread;
use super::{Hit, by_score};

/// The most passages kept per article (what `/search` shows of one article).
pub const MAX_PER_ARTICLE: usize = 4;

/// Matches of one article: how many passages, and the best few, best first.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleHits {
    pub article: usize,
    pub count: usize,
    pub top: Vec<Hit>,
}

/// The matches of a query grouped by article.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Grouped {
    /// Matching passages.
    pub total: usize,
    /// Articles with a matching passage.
    pub article_count: usize,
    /// The best articles (by their best passage), best first.
    pub articles: Vec<ArticleHits>,
}

/// A segment's documents as runs: from `start[i]` on, documents are passages
/// `first_passage[i]`, `first_passage[i] + 1`, ... of article `article[i]`.
#[derive(Debug, Default, PartialEq)]
pub struct Runs {
    start: Vec<DocId>,
    article: Vec<u32>,
    first_passage: Vec<u32>,
    /// One bit per document: set where it has no neighbour before it in its run (the
    /// run's first, or any document of a run that is no article's passages).
    no_before: Vec<u64>,
    /// Likewise where it has none after it.
    no_after: Vec<u64>,
    /// One bit per document, set where a section starts (see `spread`): at each run's
    /// first document, and at each passage that opens a section under a heading of its own.
    section_start: Vec<u64>,
    /// How many runs are articles' passages, and how many sections open under a heading.
    articles: u64,
    sections: u64,
}

impl Runs {
    /// The runs of documents given in order as (article, passage). A document without the
    /// two values (none are written so) starts a run of its own that no match can extend.
    pub fn of(docs: impl IntoIterator<Item = Option<(u64, u64)>>) -> Runs {
        let mut runs = Runs::default();
        let mut expected: Option<(u64, u64)> = None;
        let mut count = 0;
        for (doc, value) in docs.into_iter().enumerate() {
            count = doc + 1;
            if value.is_none() || value != expected {
                let (article, passage) = value.unwrap_or((u64::from(u32::MAX), 0));
                runs.start.push(doc as DocId);
                runs.article.push(article as u32);
                runs.first_passage.push(passage as u32);
            }
            expected = value.map(|(a, p)| (a, p + 1));
        }
        // A run's first document has no neighbour before it, its last none after (a
        // document without an article is a run of its own, so it has neither).
        let words = count.div_ceil(64);
        let (mut no_before, mut no_after) = (vec![0u64; words], vec![0u64; words]);
        let set = |bits: &mut [u64], doc: usize| bits[doc / 64] |= 1 << (doc % 64);
        for (i, &start) in runs.start.iter().enumerate() {
            let end = runs.start.get(i + 1).map_or(count, |&next| next as usize);
            set(&mut no_before, start as usize);
            set(&mut no_after, end - 1);
        }
        runs.articles = runs.article.iter().filter(|&&a| a != u32::MAX).count() as u64;
        runs.section_start = no_before.clone();
        (runs.no_before, runs.no_after) = (no_before, no_after);
        runs
    }

    /// These runs, with sections opening at `docs` (each a passage under a heading of its
    /// own; see `spread`).
    pub fn with_sections(mut self, docs: impl IntoIterator<Item = DocId>) -> Runs {
        for doc in docs {
            let (word, bit) = (doc as usize / 64, 1u64 << (doc % 64));
            if let Some(w) = self.section_start.get_mut(word) {
                *w |= bit;
                self.sections += 1;
            }
        }
        self
    }

    fn of_segment(reader: &SegmentReader) -> tantivy::Result<Runs> {
        let fast = reader.fast_fields();
        let (aid, pn, sec) = (fast.u64("aid")?, fast.u64("pn")?, fast.u64("sec")?);
        let docs = 0..reader.max_doc();
        let runs = Runs::of(docs.clone().map(|doc| aid.first(doc).zip(pn.first(doc))));
        Ok(runs.with_sections(docs.filter(|&doc| sec.first(doc).is_some())))
    }

    /// One bit per document, set where a run starts (see `spread`).
    pub(super) fn run_start(&self) -> &[u64] {
        &self.no_before
    }

    /// One bit per document, set where a section starts (see `spread`).
    pub(super) fn section_start(&self) -> &[u64] {
        &self.section_start
    }

    /// How many runs are articles' passages.
    pub(super) fn articles(&self) -> u64 {
        self.articles
    }

    /// How many sections open under a heading.
    pub(super) fn sections(&self) -> u64 {
        self.sections
    }

    /// One bit per document, set where it has no neighbour before it in its run.
    pub(super) fn no_before(&self) -> &[u64] {
        &self.no_before
    }

    /// One bit per document, set where it has no neighbour after it in its run.
    pub(super) fn no_after(&self) -> &[u64] {
        &self.no_after
    }

    pub(super) fn len(&self) -> usize {
        self.start.len()
    }

    /// Whether run `at` is an article's passages (not a document without them).
    pub(super) fn is_article(&self, at: usize) -> bool {
        self.article.get(at).is_some_and(|&a| a != u32::MAX)
    }

    /// The first document of run `at`.
    pub(super) fn start_of(&self, at: usize) -> DocId {
        self.start[at]
    }

    /// The document after run `at`'s last, in a segment of `max_doc` documents.
    pub(super) fn end_of(&self, at: usize, max_doc: DocId) -> DocId {
        self.start.get(at + 1).copied().unwrap_or(max_doc)
    }

    /// The run of `doc`, from `at`, the run of an earlier document: matches come in
    /// document order, so the run is `at` or the next one, and only a gap in the matches
    /// needs a search.
    pub(super) fn step(&self, at: usize, doc: DocId) -> usize {
        let mut at = at;
        if at + 1 < self.len() && self.start[at + 1] <= doc {
            at += 1;
            if at + 1 < self.len() && self.start[at + 1] <= doc {
                at += self.start[at..].partition_point(|&s| s <= doc) - 1;
            }
        }
        at
    }
}

/// The runs of every segment a searcher reads, each worked out once: a new version of the
/// index reuses those of the segments it keeps.
#[derive(Debug, Default)]
pub struct RunTables(HashMap<SegmentId, Arc<Runs>>);

impl RunTables {
    /// The tables for `searcher`'s segments, taken from `previous` where it has them.
    pub fn refresh(previous: &RunTables, searcher: &Searcher) -> tantivy::Result<RunTables> {
        let mut tables = HashMap::new();
        for reader in searcher.segment_readers() {
            let id = reader.segment_id();
            let runs = match previous.0.get(&id) {
                Some(runs) => runs.clone(),
                None => Arc::new(Runs::of_segment(reader)?),
            };
            tables.insert(id, runs);
        }
        Ok(RunTables(tables))
    }

    pub(super) fn of(&self, reader: &SegmentReader) -> tantivy::Result<Arc<Runs>> {
        Ok(match self.0.get(&reader.segment_id()) {
            Some(runs) => runs.clone(),
            // Every version of the index has its tables made with its searcher; this is only
            // a safe way through should one be missing.
            None => Arc::new(Runs::of_segment(reader)?),
        })
    }
}

/// A kept passage of one article.
#[derive(Debug, Clone, Copy)]
struct Kept {
    passage: u32,
    score: Score,
}

/// Better first: higher score, then earlier passage (as `by_score` within an article).
fn better(a: &Kept, b: &Kept) -> bool {
    b.score
        .total_cmp(&a.score)
        .then(a.passage.cmp(&b.passage))
        .is_lt()
}

/// The matches of one article in one run (or, once merged, in all).
#[derive(Debug, Clone, Copy)]
pub struct Tally {
    article: u32,
    count: u32,
    len: u8,
    top: [Kept; MAX_PER_ARTICLE],
    /// Once `per` passages are kept, the lowest score among them: a match scoring less is
    /// only counted.
    floor: Score,
}

impl Tally {
    fn new(article: u32) -> Tally {
        Tally {
            article,
            count: 0,
            len: 0,
            top: [Kept {
                passage: 0,
                score: 0.0,
            }; MAX_PER_ARTICLE],
            floor: Score::NEG_INFINITY,
        }
    }

    fn kept(&self) -> &[Kept] {
        &self.top[..usize::from(self.len)]
    }

    /// The kept passage a newcomer must beat, once `per` are kept.
    fn worst(&self, per: usize) -> Option<usize> {
        if usize::from(self.len) < per {
            return None;
        }
        (0..usize::from(self.len)).reduce(|w, i| {
            if better(&self.top[w], &self.top[i]) {
                i
            } else {
                w
            }
        })
    }

    /// Keeps `k` if it is among the best `per` seen (it is counted already).
    fn keep(&mut self, k: Kept, per: usize) {
        if k.score < self.floor {
            return;
        }
        match self.worst(per) {
            None => {
                self.top[usize::from(self.len)] = k;
                self.len += 1;
            }
            Some(w) => {
                if better(&k, &self.top[w]) {
                    self.top[w] = k;
                }
            }
        }
        if usize::from(self.len) == per {
            self.floor = self
                .kept()
                .iter()
                .map(|k| k.score)
                .fold(Score::INFINITY, Score::min);
        }
    }

    fn best(&self) -> Hit {
        let k = self
            .kept()
            .iter()
            .copied()
            .reduce(|b, k| if better(&k, &b) { k } else { b })
            .unwrap_or(Kept {
                passage: 0,
                score: Score::NEG_INFINITY,
            });
        self.hit(k)
    }

    fn hit(&self, k: Kept) -> Hit {
        Hit {
            article: self.article as usize,
            passage: k.passage as usize,
            score: k.score,
        }
    }

    fn into_hits(self) -> ArticleHits {
        let mut top: Vec<Hit> = self.kept().iter().map(|k| self.hit(*k)).collect();
        top.sort_by(by_score);
        ArticleHits {
            article: self.article as usize,
            count: self.count as usize,
            top,
        }
    }
}

/// Collects every match into per-article counts and best passages.
pub struct ByArticle<'t> {
    pub per_article: usize,
    pub tables: &'t RunTables,
}

pub struct ByArticleSegment {
    per_article: usize,
    runs: Arc<Runs>,
    /// The run of the last match.
    at: usize,
    /// One tally per run with a match, in document order.
    tallies: Vec<Tally>,
}

impl Collector for ByArticle<'_> {
    type Fruit = Vec<Tally>;
    type Child = ByArticleSegment;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<ByArticleSegment> {
        let runs = self.tables.of(reader)?;
        Ok(ByArticleSegment {
            per_article: self.per_article.clamp(1, MAX_PER_ARTICLE),
            runs,
            at: 0,
            tallies: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Tally>>) -> tantivy::Result<Vec<Tally>> {
        Ok(merge(fruits, self.per_article.clamp(1, MAX_PER_ARTICLE)))
    }
}

/// One tally per article: the runs of one article (segments, or two runs in a merged
/// segment) added up, found through a table indexed by article slot.
fn merge(fruits: Vec<Vec<Tally>>, per: usize) -> Vec<Tally> {
    let mut all: Vec<Tally> = Vec::new();
    let mut at: Vec<u32> = Vec::new();
    for tally in fruits.into_iter().flatten() {
        let slot = tally.article as usize;
        if slot >= at.len() {
            at.resize(slot + 1, u32::MAX);
        }
        match at[slot] {
            u32::MAX => {
                at[slot] = all.len() as u32;
                all.push(tally);
            }
            i => {
                let into = &mut all[i as usize];
                into.count += tally.count;
                for k in tally.kept() {
                    into.keep(*k, per);
                }
            }
        }
    }
    all
}

impl SegmentCollector for ByArticleSegment {
    type Fruit = Vec<Tally>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let runs = &*self.runs;
        self.at = runs.step(self.at, doc);
        let (run, start) = (self.at, runs.start[self.at]);
        let article = runs.article[run];
        if article == u32::MAX {
            return;
        }
        // One tally per stretch of one article's matches; runs of it are told apart by
        // their passage numbers only.
        if self.tallies.last().is_none_or(|t| t.article != article) {
            self.tallies.push(Tally::new(article));
        }
        let Some(tally) = self.tallies.last_mut() else {
            return;
        };
        tally.count += 1;
        tally.keep(
            Kept {
                passage: runs.first_passage[run] + (doc - start),
                score,
            },
            self.per_article,
        );
    }

    fn harvest(self) -> Vec<Tally> {
        self.tallies
    }
}

/// The collected tallies as `Grouped`: counts, and the `best` articles in order.
pub fn grouped(tallies: Vec<Tally>, best: usize) -> Grouped {
    let total = tallies.iter().map(|t| t.count as usize).sum();
    let article_count = tallies.len();
    // Each article's best passage worked out once, not per comparison.
    let mut keyed: Vec<(Hit, usize)> = tallies
        .iter()
        .enumerate()
        .map(|(i, t)| (t.best(), i))
        .collect();
    let order = |x: &(Hit, usize), y: &(Hit, usize)| by_score(&x.0, &y.0);
    if keyed.len() > best {
        keyed.select_nth_unstable_by(best, order);
        keyed.truncate(best);
    }
    keyed.sort_by(order);
    Grouped {
        total,
        article_count,
        articles: keyed.iter().map(|&(_, i)| tallies[i].into_hits()).collect(),
    }
}

/// A set of article slots, one bit each.
#[derive(Debug, Default)]
struct Bits(Vec<u64>);

impl Bits {
    /// Adds `i`; whether it was new.
    fn insert(&mut self, i: usize) -> bool {
        let (word, bit) = (i / 64, 1u64 << (i % 64));
        if word >= self.0.len() {
            self.0.resize(word + 1, 0);
        }
        let new = self.0[word] & bit == 0;
        self.0[word] |= bit;
        new
    }
}

/// Counts every match, without scores (the query's optional clauses, which only score,
/// are not even read): matching passages and the articles they are in.
struct Counting<'t> {
    tables: &'t RunTables,
}

/// One segment's count: its matches, and its articles with a match, each once per stretch
/// of matches (an article's runs may be apart, or in other segments).
struct SegmentCount {
    runs: Arc<Runs>,
    at: usize,
    total: usize,
    articles: Vec<u32>,
}

impl Collector for Counting<'_> {
    type Fruit = (usize, usize);
    type Child = SegmentCount;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentCount> {
        Ok(SegmentCount {
            runs: self.tables.of(reader)?,
            at: 0,
            total: 0,
            articles: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<(usize, Vec<u32>)>) -> tantivy::Result<(usize, usize)> {
        let mut seen = Bits::default();
        let (mut total, mut articles) = (0, 0);
        for (n, list) in fruits {
            total += n;
            for a in list {
                articles += usize::from(seen.insert(a as usize));
            }
        }
        Ok((total, articles))
    }
}

impl SegmentCollector for SegmentCount {
    type Fruit = (usize, Vec<u32>);

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.collect_block(&[doc]);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        let runs = &*self.runs;
        for &doc in docs {
            self.at = runs.step(self.at, doc);
            let article = runs.article[self.at];
            if article == u32::MAX {
                continue;
            }
            self.total += 1;
            if self.articles.last() != Some(&article) {
                self.articles.push(article);
            }
        }
    }

    fn harvest(self) -> (usize, Vec<u32>) {
        (self.total, self.articles)
    }
}

/// What a search matches: `query`'s documents (unscored), or `groups`' when given (the
/// same, counted faster from bitsets), the neighbours' bits from `cache`.
#[derive(Clone, Copy)]
pub struct Matches<'q> {
    pub query: &'q dyn Query,
    pub groups: Option<&'q TermGroups>,
    pub cache: &'q BitsCache,
}

/// How the ranking search scores a query's matches: `query`'s score (a flat union of plain
/// terms, which block-WAND can skip through) and each of `around`'s, the terms found at
/// query time (see `neighbours` and `spread`).
#[derive(Clone, Copy)]
pub struct Ranking<'q> {
    pub query: &'q dyn Query,
    pub around: &'q [Scored],
    /// Whether every document `query` finds is a match (it finds the passages that name a
    /// word, and any of them matches, or the one word or phrase matches only there): the
    /// matches are then not read.
    pub finds_matches: bool,
    /// Where a match need not name a word itself (found through its neighbours, heading or
    /// title alone, as in `Mode::Any`): the whole query, which ranks every match when one
    /// that names no word could still be among the best.
    pub whole: Option<&'q dyn Query>,
}

/// The articles whose best match may be among the `best`: `ranking` scores each match of
/// the query as the query does (it matches more, and those are passed over). Two passes:
///
/// - every match, skipping the documents that cannot come near the `best`-th article found
///   so far (block-WAND), less the most the terms found at query time (the neighbours' and
///   the heading's) can add, titles aside;
/// - then every match of the articles whose title has a word, weighed but for those that
///   cannot reach the cut even so: a title adds the same to every passage of its article,
///   and too much for the first pass to allow for (its threshold would drop too low).
///
/// Those near the cut are weighed exactly after: the ranking search sums the same scores as
/// the query, not necessarily in the same order (see `near`). A match that names none of
/// the words itself is not found by `ranking`: it scores no more than the terms found at
/// query time can add, titles included, so it is passed over only when that is below the
/// cut; otherwise every match is ranked by `ranking.whole`, which skips nothing.
fn leading_articles(
    searcher: &Searcher,
    query: &dyn Query,
    dense: Option<&[DocBits]>,
    ranking: Ranking<'_>,
    tables: &RunTables,
    best: usize,
) -> tantivy::Result<Vec<u32>> {
    let weight = ranking
        .query
        .weight(EnableScoring::enabled_from_searcher(searcher))?;
    let matches = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let around: Vec<(&Scored, Bm25Weight)> = ranking
        .around
        .iter()
        .map(|s| Ok((s, s.weight(searcher, tables)?)))
        .collect::<tantivy::Result<_>>()?;
    let is_title = |s: &Scored| s.reach == Reach::Spread(Spread::Article);
    // The most the terms found at query time add to a score, titles aside.
    let mut most: Score = 0.0;
    for (s, w) in around.iter().filter(|(s, _)| !is_title(s)) {
        most += s.most(searcher, w)?;
    }
    let lowered = |cut: Score| if cut == Score::MIN { cut } else { cut - most };
    let mut leading = Leading::new(best);
    let segments = || searcher.segment_readers().iter().enumerate();
    // The query's own matches in a segment: its bits, or its documents sought in order as
    // the ranking finds them.
    let matching = |ordinal: usize, reader: &SegmentReader| -> tantivy::Result<Matching<'_>> {
        Ok(match dense {
            Some(bits) => Matching::Bits(&bits[ordinal]),
            None if ranking.finds_matches => Matching::Every,
            None => Matching::Sought(matches.scorer(reader, 1.0)?),
        })
    };
    // The scores of the terms found at query time, the titles' or the others'.
    let added = |reader: &SegmentReader, runs: &Arc<Runs>, titles: bool| {
        let mut added = Vec::new();
        for (s, w) in around.iter().filter(|(s, _)| is_title(s) == titles) {
            added.extend(s.around(reader, w, runs)?);
        }
        tantivy::Result::Ok(added)
    };
    let sum = |added: &mut [Around], doc: DocId| added.iter_mut().map(|s| s.score(doc)).sum();
    for (ordinal, reader) in segments() {
        let runs = tables.of(reader)?;
        let alive = reader.alive_bitset();
        let mut matching = matching(ordinal, reader)?;
        let (mut others, mut titles) = (added(reader, &runs, false)?, added(reader, &runs, true)?);
        let mut at = 0;
        weight.for_each_pruning(lowered(leading.cut), reader, &mut |doc, score| {
            let cut = leading.cut;
            if score + most < cut || alive.is_some_and(|a| a.is_deleted(doc)) || !matching.has(doc)
            {
                return lowered(cut);
            }
            let score: Score = score + sum(&mut others, doc) + sum(&mut titles, doc);
            at = runs.step(at, doc);
            lowered(leading.offer(runs.article[at], score))
        })?;
    }
    // The articles with a word in their title, every match weighed: each run's first
    // document has the title's words, and the title scores the same in every passage.
    for (ordinal, reader) in segments() {
        let mut titled: Vec<DocId> = Vec::new();
        for (s, _) in around.iter().filter(|(s, _)| is_title(s)) {
            for_each_block(reader, &s.term, |docs| titled.extend_from_slice(docs))?;
        }
        if titled.is_empty() {
            continue;
        }
        titled.sort_unstable();
        titled.dedup();
        let runs = tables.of(reader)?;
        let alive = reader.alive_bitset();
        let mut matching = matching(ordinal, reader)?;
        let (mut others, mut titles) = (added(reader, &runs, false)?, added(reader, &runs, true)?);
        let mut ranked = weight.scorer(reader, 1.0)?;
        let mut at = 0;
        for &start in &titled {
            at = runs.step(at, start);
            let end = runs.end_of(at, reader.max_doc());
            let title: Score = sum(&mut titles, start);
            // The scorer may already be past `start`, in a later article.
            let mut doc = match ranked.doc() {
                doc if doc < start => ranked.seek(start),
                doc => doc,
            };
            while doc < end {
                let score = ranked.score() + title;
                if score + most >= leading.cut
                    && alive.is_none_or(|a| a.is_alive(doc))
                    && matching.has(doc)
                {
                    leading.offer(runs.article[at], score + sum(&mut others, doc));
                }
                doc = ranked.advance();
            }
        }
    }
    if let Some(whole) = ranking.whole {
        let mut most_of_all = most;
        for (s, w) in around.iter().filter(|(s, _)| is_title(s)) {
            most_of_all += s.most(searcher, w)?;
        }
        if leading.cut <= most_of_all {
            let every = Ranking {
                query: whole,
                around: &[],
                finds_matches: true,
                whole: None,
            };
            return leading_articles(searcher, query, dense, every, tables, best);
        }
    }
    Ok(leading.into_articles())
}

/// Each article's best score so far, among those that can still lead, and the cut: the
/// `best`-th best score, rounded down (see `near`).
struct Leading {
    scores: HashMap<u32, Score>,
    cut: Score,
    best: usize,
}

impl Leading {
    fn new(best: usize) -> Leading {
        Leading {
            scores: HashMap::new(),
            cut: Score::MIN,
            best,
        }
    }

    /// Records a match of `article` scoring `score`; returns the cut.
    fn offer(&mut self, article: u32, score: Score) -> Score {
        if score < self.cut {
            return self.cut;
        }
        let best_of = self.scores.entry(article).or_insert(Score::MIN);
        if score <= *best_of {
            return self.cut;
        }
        *best_of = score;
        self.cut = self.cut_now();
        if self.scores.len() > 4 * self.best + 16 {
            let cut = self.cut;
            self.scores.retain(|_, s| *s >= cut);
        }
        self.cut
    }

    fn cut_now(&self) -> Score {
        if self.scores.len() < self.best {
            return Score::MIN;
        }
        let mut scores: Vec<Score> = self.scores.values().copied().collect();
        let (_, nth, _) = scores.select_nth_unstable_by(self.best - 1, |a, b| b.total_cmp(a));
        if *nth > 0.0 { floor(*nth) } else { Score::MIN }
    }

    fn into_articles(self) -> Vec<u32> {
        let cut = self.cut;
        self.scores
            .into_iter()
            .filter(|(_, s)| *s >= cut)
            .map(|(a, _)| a)
            .collect()
    }
}

/// A query's matches in one segment, for a ranking search to check its documents against.
enum Matching<'b> {
    Bits(&'b DocBits),
    Sought(Box<dyn Scorer>),
    /// Every document the ranking search finds.
    Every,
}

impl Matching<'_> {
    /// Whether `doc` matches; documents are asked in order.
    fn has(&mut self, doc: DocId) -> bool {
        match self {
            Matching::Every => true,
            Matching::Bits(bits) => bits.contains(doc),
            Matching::Sought(scorer) => scorer.doc() <= doc && scorer.seek(doc) == doc,
        }
    }
}

/// Every match of `groups` counted, segment by segment on the searcher's threads, from its
/// bits (see `dense`); the bits are kept for the ranking search.
fn count_dense(
    searcher: &Searcher,
    groups: &TermGroups,
    tables: &RunTables,
    cache: &BitsCache,
) -> tantivy::Result<((usize, usize), Vec<DocBits>)> {
    let counting = Counting { tables };
    let segments = searcher.segment_readers().iter().enumerate();
    let per_segment = searcher.index().search_executor().map(
        |(ordinal, reader)| {
            let bits = groups.matches(reader, &*tables.of(reader)?, cache)?;
            let mut count = counting.for_segment(ordinal as SegmentOrdinal, reader)?;
            let mut block = Vec::with_capacity(64);
            for doc in bits.alive(reader) {
                block.push(doc);
                if block.len() == 64 {
                    count.collect_block(&block);
                    block.clear();
                }
            }
            count.collect_block(&block);
            Ok((count.harvest(), bits))
        },
        segments,
    )?;
    let (fruits, bits): (Vec<_>, Vec<_>) = per_segment.into_iter().unzip();
    Ok((counting.merge_fruits(fruits)?, bits))
}

/// Every match of a query grouped by article (see `ByArticle`), its `best` articles with
/// their best `per_article` passages. `matches` must match what the query does; `ranking`
/// must score every match as the query does, and `of_articles` must give the query
/// narrowed to the given articles.
pub fn search(
    searcher: &Searcher,
    matches: Matches<'_>,
    ranking: Ranking<'_>,
    of_articles: impl Fn(&[u32]) -> Box<dyn Query>,
    tables: &RunTables,
    per_article: usize,
    best: usize,
) -> tantivy::Result<Grouped> {
    let query = matches.query;
    let ((total, article_count), dense) = match matches.groups {
        Some(groups) => {
            let (counts, bits) = count_dense(searcher, groups, tables, matches.cache)?;
            (counts, Some(bits))
        }
        None => (searcher.search(query, &Counting { tables })?, None),
    };
    if total == 0 || best == 0 {
        return Ok(Grouped {
            total,
            article_count,
            articles: Vec::new(),
        });
    }
    let leading = leading_articles(searcher, query, dense.as_deref(), ranking, tables, best)?;
    let tallies = searcher.search(
        &*of_articles(&leading),
        &ByArticle {
            per_article,
            tables,
        },
    )?;
    let articles = grouped(tallies, best).articles;
    Ok(Grouped {
        total,
        article_count,
        articles,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_follow_articles_and_consecutive_passages() {
        let docs = [
            Some((7, 0)),
            Some((7, 1)),
            Some((7, 2)),
            // Another article.
            Some((3, 0)),
            Some((3, 1)),
            // The same article again, but not the next passage: a new run.
            Some((3, 5)),
            None,
            Some((3, 6)),
        ];
        let runs = Runs::of(docs);
        assert_eq!(runs.start, vec![0, 3, 5, 6, 7]);
        assert_eq!(runs.article, vec![7, 3, 3, u32::MAX, 3]);
        assert_eq!(runs.first_passage, vec![0, 0, 5, 0, 6]);
        // The runs' first and last documents, and the one without an article both.
        assert_eq!(runs.no_before, vec![0b1110_1001]);
        assert_eq!(runs.no_after, vec![0b1111_0100]);
        // Past 64 documents, in the next word.
        let long = Runs::of((0..70).map(|p| Some((1, p))));
        assert_eq!(long.no_before, vec![1, 0]);
        assert_eq!(long.no_after, vec![0, 1 << 5]);
    }

    /// The segment collector over `runs`, fed `matches` (doc, score) in order.
    fn collect(runs: Runs, per: usize, matches: &[(DocId, Score)]) -> Vec<Tally> {
        let mut c = ByArticleSegment {
            per_article: per,
            runs: Arc::new(runs),
            at: 0,
            tallies: Vec::new(),
        };
        for &(doc, score) in matches {
            c.collect(doc, score);
        }
        c.harvest()
    }

    #[test]
    fn a_segment_counts_and_keeps_the_best_per_run() {
        // Article 1: passages 0..4 at docs 0..4; article 2: passages 0..3 at docs 4..7;
        // article 1 again, passages 10..12 at docs 7..9 (a merged segment).
        let mut docs: Vec<Option<(u64, u64)>> = (0..4).map(|p| Some((1, p))).collect();
        docs.extend((0..3).map(|p| Some((2, p))));
        docs.extend((10..12).map(|p| Some((1, p))));
        let runs = Runs::of(docs);
        let tallies = collect(runs, 2, &[(0, 1.0), (2, 3.0), (3, 3.0), (5, 0.5), (8, 9.0)]);
        type Seen = (u32, u32, Vec<(u32, f32)>);
        let seen: Vec<Seen> = tallies
            .iter()
            .map(|t| {
                let mut kept: Vec<(u32, f32)> =
                    t.kept().iter().map(|k| (k.passage, k.score)).collect();
                kept.sort_by_key(|k| k.0);
                (t.article, t.count, kept)
            })
            .collect();
        assert_eq!(
            seen,
            vec![
                (1, 3, vec![(2, 3.0), (3, 3.0)]),
                (2, 1, vec![(1, 0.5)]),
                (1, 1, vec![(11, 9.0)]),
            ]
        );
        // Merged: article 1's runs added up, its best two kept.
        let g = grouped(merge(vec![tallies], 2), 5);
        assert_eq!((g.total, g.article_count), (5, 2));
        let first = &g.articles[0];
        assert_eq!((first.article, first.count), (1, 4));
        let top: Vec<usize> = first.top.iter().map(|h| h.passage).collect();
        assert_eq!(top, vec![11, 2]);
    }

    #[test]
    fn a_gap_in_the_matches_finds_its_run() {
        let docs: Vec<Option<(u64, u64)>> = (0..1000u64).map(|d| Some((d / 10, d % 10))).collect();
        let tallies = collect(
            Runs::of(docs),
            3,
            &[(5, 1.0), (6, 1.0), (777, 2.0), (999, 1.0)],
        );
        let got: Vec<(u32, u32)> = tallies.iter().map(|t| (t.article, t.count)).collect();
        assert_eq!(got, vec![(0, 2), (77, 1), (99, 1)]);
        assert_eq!(tallies[1].kept()[0].passage, 7);
    }
}
