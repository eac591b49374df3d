//! newsdesk answers a team's questions about a folder of news articles with cited, verbatim
//! excerpts, in a terminal, on Discord and on Matrix.
//!
//! - [`corpus`] loads the folder, strips page furniture and cuts prose into passages with
//!   byte ranges; [`nlp`] holds the language parts (sentences, dates, question types).
//! - [`index`] keeps the passages in a tantivy index, on disk under the state folder (see
//!   [`store`]) or in RAM.
//! - [`commands`] parses chat lines (one parser for every front end) and answers them with an
//!   [`answer::Answer`], plain data that [`answer`] renders as text, Markdown, HTML or JSON.
//! - [`engine::Engine`] ties a corpus to its index; [`transport`] holds the front ends.
//! - [`synth`] writes a deterministic scale corpus for the benchmark (`benches/scale.rs`).

/// mimalloc rather than glibc's allocator: the analysis and a restart allocate millions of
/// small blocks on every core, and glibc grew its per-thread heaps a page range at a time
/// (`mprotect`), a tenth of a restart's time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Hands the allocator's free pages back to the system, on this thread and on every rayon
/// thread: after a phase that churned through memory on every core (start-up's analysis and
/// indexing), which mimalloc would otherwise keep until each of those threads allocates
/// again. 70 MB at 100,000 articles after the analysis.
pub fn release_free_memory() {
    // SAFETY: `mi_collect` only frees the calling thread's unused pages; it takes no
    // pointers and may be called at any time.
    rayon::broadcast(|_| unsafe { libmimalloc_sys::mi_collect(true) });
    unsafe { libmimalloc_sys::mi_collect(true) };
}

pub mod answer;
pub mod commands;
pub mod config;
pub mod corpus;
pub mod engine;
pub mod index;
pub mod live;
pub mod nlp;
pub mod progress;
pub mod span;
pub mod store;
pub mod strings;
pub mod synth;
pub mod transport;

pub use answer::Answer;
pub use commands::{Command, Parsed};
pub use config::Config;
pub use engine::Engine;
