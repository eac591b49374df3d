//! Answers over real files in temp folders: /ask selection and its threshold both ways,
//! one quote for a fact reported twice, and every citation verbatim for any query.

use std::path::Path;

use newsdesk::answer::{Block, Inline, Item};
use newsdesk::{Engine, commands};

fn engine_with(files: &[(&str, &str)]) -> (tempfile::TempDir, Engine) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let engine = Engine::load(dir.path()).unwrap();
    (dir, engine)
}

const HARBOUR: &str = "Harbour Authority Names New Chief\n\
The harbour authority met on Tuesday to discuss the budget for the coming year.\n\
Port director Amelia Okafor announced that the authority will dredge the northern channel.\n\
The dredging is expected to cost $14 million and to take eighteen months.\n\
Fishermen said the work was overdue because silt had closed two berths.\n";

const RAIL: &str = "Rail Strike Ends After Talks\n\
Train drivers returned to work on Friday after a four-day strike over pay.\n\
Union leader Tomas Berg said the agreement gives drivers a raise of 6 percent.\n";

const RAIL_COPY: &str = "Drivers Back At Work\n\
Commuters faced crowded platforms as services resumed slowly across the region.\n\
Union leader Tomas Berg said the agreement gives drivers a raise of 6 percent.\n";

fn ask(engine: &Engine, q: &str) -> newsdesk::Answer {
    engine.answer(&commands::parse_line(&format!("/ask {q}")))
}

fn strong_spans(a: &newsdesk::Answer) -> Vec<String> {
    a.blocks
        .iter()
        .flat_map(|b| match b {
            Block::Quote(parts) => parts.clone(),
            _ => Vec::new(),
        })
        .filter_map(|i| match i {
            Inline::Strong(s) => Some(s),
            _ => None,
        })
        .collect()
}

#[test]
fn ask_picks_the_sentence_of_the_asked_type() {
    let (_d, e) = engine_with(&[("harbour.txt", HARBOUR), ("rail.txt", RAIL)]);
    let a = ask(&e, "Who is the port director?");
    assert_eq!(
        a.citations[0].excerpt,
        "Port director Amelia Okafor announced that the authority will dredge the northern channel."
    );
    assert_eq!(strong_spans(&a), ["Amelia Okafor"]);

    let a = ask(&e, "How much will the dredging cost?");
    assert!(a.citations[0].excerpt.contains("$14 million"));
    assert_eq!(strong_spans(&a)[0], "$14 million");

    let a = ask(&e, "Why was the dredging work overdue?");
    assert!(a.citations[0].excerpt.starts_with("Fishermen said"));
}

#[test]
fn ask_threshold_answers_when_covered_and_declines_when_loose() {
    let (_d, e) = engine_with(&[("harbour.txt", HARBOUR), ("rail.txt", RAIL)]);
    // Covered: the words of the question are in one sentence.
    assert!(
        !ask(
            &e,
            "How long will the dredging of the northern channel take?"
        )
        .citations
        .is_empty()
    );
    // Loosely related: shares "harbour" but asks about something the articles never say.
    let a = ask(
        &e,
        "What did the harbour authority decide about parking fees?",
    );
    assert!(a.citations.is_empty(), "quoted {:?}", a.citations);
    // One weak shared word is not an answer.
    let a = ask(&e, "Who won the strike chess tournament in Oslo?");
    assert!(a.citations.is_empty());
    let a = ask(&e, "When did the budget committee approve the stadium?");
    assert!(a.citations.is_empty(), "quoted {:?}", a.citations);
}

#[test]
fn same_fact_in_two_articles_is_quoted_once_and_cited_twice() {
    let (_d, e) = engine_with(&[
        ("rail.txt", RAIL),
        ("rail_copy.txt", RAIL_COPY),
        ("harbour.txt", HARBOUR),
    ]);
    let a = ask(&e, "How big a raise does the agreement give drivers?");
    let quotes = a
        .blocks
        .iter()
        .filter(|b| matches!(b, Block::Quote(_)))
        .count();
    assert_eq!(quotes, 1, "{:?}", a.blocks);
    let docs: Vec<&str> = a.citations.iter().map(|c| c.doc.as_str()).collect();
    assert!(
        docs.contains(&"rail.txt") && docs.contains(&"rail_copy.txt"),
        "{docs:?}"
    );
    assert_eq!(a.items.len(), 1);
    assert!(matches!(&a.items[0], Item::Ask { answer, .. } if answer.contains("6 percent")));
}

#[test]
fn search_groups_by_article_and_counts_further_hits() {
    let many: String = (0..8)
        .map(|i| format!("Strike number {i} hit the depot.\n"))
        .collect();
    let (_d, e) = engine_with(&[("a.txt", &many), ("rail.txt", RAIL)]);
    let a = e.answer(&commands::parse_line("/search strike"));
    let notes: Vec<String> = a
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Note(p) => Some(format!("{p:?}")),
            _ => None,
        })
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("more hits in this article")),
        "{notes:?}"
    );
    assert!(a.citations.len() <= 6);
}

mod verbatim {
    use super::*;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn seeds() -> &'static Engine {
        static E: OnceLock<Engine> = OnceLock::new();
        E.get_or_init(|| {
            Engine::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds")).unwrap()
        })
    }

    const WORDS: &[&str] = &[
        "Trump",
        "Putin",
        "Patriot",
        "missiles",
        "Ukraine",
        "who",
        "how",
        "many",
        "when",
        "tariff",
        "NATO",
        "Rutte",
        "drones",
        "\"",
        "-",
        "AND",
        "Biden",
        "ATACMS",
        "rare",
        "earth",
        "Zelenskyy",
        "é",
        "🚀",
        "Kyiv",
        "sanctions",
    ];
    const COMMANDS: &[&str] = &[
        "/ask",
        "/search",
        "/source",
        "/digest",
        "/timeline",
        "/who",
        "",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn every_citation_is_the_bytes_it_names(cmd in 0..COMMANDS.len(), words in proptest::collection::vec(0..WORDS.len(), 0..8)) {
            let line = format!("{} {}", COMMANDS[cmd], words.iter().map(|w| WORDS[*w]).collect::<Vec<_>>().join(" "));
            let e = seeds();
            let a = e.answer(&commands::parse_line(&line));
            for c in &a.citations {
                let file = std::fs::read(e.corpus.dir.join(&c.doc)).unwrap();
                prop_assert_eq!(&file[c.start..c.end], c.excerpt.as_bytes());
            }
        }
    }
}

/// The passage that says what was asked is found among many that hold some of the question's
/// words and have the rest in their titles and neighbours: a search that matches through
/// titles and neighbours ranks those higher, and at scale the answer is never weighed.
#[test]
fn ask_finds_the_passage_that_says_it_among_title_and_neighbour_matches() {
    let mut files: Vec<(String, String)> = (0..40)
        .map(|n| {
            (
                format!("review{n:02}.txt"),
                format!(
                    "Antitrust Case Review, Part {n}\n\
                     Gov. Gavin Rivera said the case in district {n} was closed.\n\
                     Antitrust lawyers for district {n} filed their papers on time.\n\
                     Gov. Gavin Rivera said the case in district {n} could reopen.\n"
                ),
            )
        })
        .collect();
    // Articles on other things, as most of a corpus is.
    files.extend((0..100).map(|n| {
        (
            format!("other{n:03}.txt"),
            format!(
                "Ferry Timetable Changes, Week {n}\n\
                 The ferry to the island will leave at {n} past the hour.\n\
                 Passengers may bring bicycles on the morning sailings.\n"
            ),
        )
    }));
    let said = "Gov. Gavin Rivera said the antitrust case would be settled by the spring.";
    files.push((
        "council.txt".into(),
        format!("Notes From the Council\nParks will get two new gardeners.\n{said}\n"),
    ));
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let (_d, e) = engine_with(&files);
    let a = ask(&e, "What did Gavin Rivera say about the antitrust case?");
    assert_eq!(a.citations[0].excerpt, said, "{a:#?}");
}
