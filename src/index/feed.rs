//! Documents on their way to the index writer, counted. An article's passages go to the
//! writer as one batch, so that they sit together in one segment (`grouped::Runs`); the
//! writer queues up to 10,000 batches, which for whole articles is most of a 10,000-article
//! corpus held twice in memory. Each document carries a ticket that the writer's thread
//! drops once it has indexed it, and a batch waits while too many are on their way.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use tantivy::indexer::UserOperation;
use tantivy::schema::document::Document;
use tantivy::{IndexWriter, TantivyDocument};

/// Documents queued for the writer at most (a batch is let through on its own, whatever its
/// size, when none are queued).
const IN_FLIGHT: usize = 16_384;
/// A waiting batch goes once the queue is down to this: the writer's threads wake it once
/// per stretch, not once per document.
const RESUME: usize = IN_FLIGHT / 2;
/// How long a batch waits at most (should the writer's threads stop taking documents, the
/// next write reports their failure rather than hanging).
const MAX_WAIT: Duration = Duration::from_secs(30);

/// The writer of the index's documents.
pub type Writer = IndexWriter<Counted>;

/// A document and its ticket.
pub struct Counted {
    doc: TantivyDocument,
    _ticket: Ticket,
}

impl Document for Counted {
    type Value<'a> = <TantivyDocument as Document>::Value<'a>;
    type FieldsValuesIter<'a> = <TantivyDocument as Document>::FieldsValuesIter<'a>;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        self.doc.iter_fields_and_values()
    }
}

#[derive(Default)]
struct Queued {
    count: AtomicUsize,
    /// Held only to wait for, and to signal, the queue's fall to `RESUME`.
    lock: Mutex<()>,
    resume: Condvar,
}

struct Ticket(Arc<Queued>);

impl Drop for Ticket {
    fn drop(&mut self) {
        if self.0.count.fetch_sub(1, Ordering::AcqRel) == RESUME + 1 {
            let _guard = self.0.lock.lock().unwrap_or_else(|p| p.into_inner());
            self.0.resume.notify_all();
        }
    }
}

/// Counts the documents queued for one writer.
#[derive(Default, Clone)]
pub struct Feed(Arc<Queued>);

impl Feed {
    /// Sends `docs` to `writer` as one batch, once few enough are queued.
    pub fn send(&self, writer: &Writer, docs: Vec<TantivyDocument>) -> tantivy::Result<()> {
        let q = &*self.0;
        let queued = q.count.load(Ordering::Acquire);
        if queued > 0 && queued + docs.len() > IN_FLIGHT {
            let started = std::time::Instant::now();
            let mut guard = q.lock.lock().unwrap_or_else(|p| p.into_inner());
            // The timeout also covers a wake-up sent between the check and the wait.
            while q.count.load(Ordering::Acquire) > RESUME && started.elapsed() < MAX_WAIT {
                guard = q
                    .resume
                    .wait_timeout(guard, Duration::from_millis(10))
                    .unwrap_or_else(|p| p.into_inner())
                    .0;
            }
        }
        q.count.fetch_add(docs.len(), Ordering::AcqRel);
        let batch: Vec<UserOperation<Counted>> = docs
            .into_iter()
            .map(|doc| {
                UserOperation::Add(Counted {
                    doc,
                    _ticket: Ticket(self.0.clone()),
                })
            })
            .collect();
        writer.run(batch)?;
        Ok(())
    }

    /// Documents sent and not yet indexed.
    #[cfg(test)]
    fn queued(&self) -> usize {
        self.0.count.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{STORED, Schema, TEXT};
    use tantivy::{Index, doc};

    #[test]
    fn documents_are_counted_until_indexed() {
        let mut sb = Schema::builder();
        let body = sb.add_text_field("body", TEXT | STORED);
        let index = Index::create_in_ram(sb.build());
        let mut writer: Writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let feed = Feed::default();
        // More than may be queued at once: later batches wait for earlier ones.
        for n in 0..(2 * IN_FLIGHT / 100) {
            let docs = (0..100)
                .map(|i| doc!(body => format!("passage {i} of article {n}")))
                .collect();
            feed.send(&writer, docs).unwrap();
            assert!(feed.queued() <= IN_FLIGHT);
        }
        writer.commit().unwrap();
        assert_eq!(feed.queued(), 0);
        let reader = index.reader().unwrap();
        assert_eq!(
            reader.searcher().num_docs() as usize,
            2 * IN_FLIGHT / 100 * 100
        );
    }
}
