//! Small sets of near-synonyms common in news English, used to widen a question's words
//! ("promise" finds "committed", "money" finds "dollar"). General language, not corpus text.

const SETS: &[&[&str]] = &[
    &[
        "give",
        "gave",
        "given",
        "provide",
        "provided",
        "supply",
        "supplied",
        "send",
        "sent",
        "deliver",
        "delivered",
    ],
    &["us", "america", "american", "washington"],
    &[
        "promise",
        "promised",
        "pledge",
        "pledged",
        "vow",
        "vowed",
        "commit",
        "committed",
        "guarantee",
        "assure",
        "assured",
    ],
    &[
        "say",
        "speak",
        "spoke",
        "said",
        "state",
        "stated",
        "tell",
        "told",
        "remark",
        "remarked",
        "note",
        "noted",
        "add",
        "added",
        "claim",
        "claimed",
        "assert",
        "asserted",
        "express",
        "expressed",
        "declare",
        "declared",
        "announce",
        "announced",
    ],
    &[
        "money",
        "dollar",
        "dollars",
        "fund",
        "funds",
        "funding",
        "cash",
        "financing",
        "budget",
    ],
    &["aid", "assistance", "support", "help"],
    &[
        "weapon",
        "weapons",
        "arms",
        "munition",
        "munitions",
        "armament",
    ],
    &["missile", "missiles", "rocket", "rockets"],
    &[
        "attack",
        "assault",
        "strike",
        "strikes",
        "offensive",
        "barrage",
        "raid",
    ],
    &["tariff", "tariffs", "duty", "duties", "levy"],
    &["sanction", "sanctions", "penalty", "penalties"],
    &[
        "talk",
        "talks",
        "negotiation",
        "negotiations",
        "dialogue",
        "discussion",
        "discussions",
    ],
    &["deal", "agreement", "accord", "pact"],
    &["country", "countries", "nation", "nations"],
    &[
        "buy",
        "buyer",
        "buyers",
        "purchase",
        "purchasing",
        "acquire",
    ],
    &["sell", "sale", "sales", "seller"],
    &["war", "conflict", "fighting", "hostilities"],
    &["meeting", "summit", "talks"],
    &["ceasefire", "cease-fire", "truce", "armistice"],
    &["spokesman", "spokesperson", "spokeswoman"],
    &["remaining", "rest", "left", "leftover"],
    &["plan", "strategy", "proposal", "initiative", "scheme"],
    &[
        "large",
        "big",
        "extensive",
        "massive",
        "major",
        "largest",
        "biggest",
    ],
    &[
        "start",
        "begin",
        "began",
        "launch",
        "launched",
        "initiate",
        "initiated",
    ],
    &["stop", "halt", "pause", "suspend", "suspension"],
    &["kill", "killed", "death", "deaths", "casualties"],
    &["leader", "head", "chief"],
    &["law", "bill", "legislation"],
    &["quit", "resign", "resigned", "step down"],
];

/// The other words of every set `word` (lowercase) belongs to.
pub fn synonyms(word: &str) -> Vec<&'static str> {
    SETS.iter()
        .filter(|set| set.contains(&word))
        .flat_map(|set| set.iter().copied().filter(|w| *w != word))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_both_directions() {
        assert!(synonyms("promise").contains(&"committed"));
        assert!(synonyms("dollar").contains(&"money"));
        assert!(synonyms("patriot").is_empty());
    }
}
