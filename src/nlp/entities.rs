//! Named entities for `/who`: people, organisations, places and things found in prose sentences, with stated roles and attributed quotes, merged across articles.
//!
//! No model and no list of this corpus's names: capitalised spans are found by a tokenizer,
//! then closed-class language knowledge decides what they are (titles and roles before a
//! name, organisation suffixes, weapon/bill nouns after a name, a country and demonym
//! gazetteer, speech verbs). Everything returned is a byte range into the caller's text.

use regex::Regex;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use crate::corpus::names::{Filed, NameFile};
use crate::span::{Span, small};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EntityKind {
    Person,
    Org,
    Place,
    Thing,
}

/// One mention of an entity inside a sentence, byte ranges absolute in the article text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// The name as written, without possessive 's.
    pub range: Range<usize>,
    pub kind: EntityKind,
    /// A title/role stated with it, e.g. "NATO Secretary-General", "Kremlin spokesman".
    pub role: Option<Range<usize>>,
}

/// A direct quotation and its speaker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// The quoted words without the marks.
    pub range: Range<usize>,
    /// The speaker mention as written.
    pub speaker: Range<usize>,
}

/// An entity resolved across the corpus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// Canonical: the longest full form, e.g. "Donald Trump".
    pub name: String,
    pub kind: EntityKind,
    /// Other surface forms: "Trump", "Zelensky".
    pub aliases: Vec<String>,
    /// Its roles as written. The lists are shared: a merge again after a change keeps the
    /// entities it did not touch (see `merge_again`), so two tables hold them once.
    pub roles: Arc<[Spot]>,
    pub mentions: Arc<[Spot]>,
    /// The quotes attributed to it.
    pub quotes: Arc<[Spot]>,
    /// What it was gathered from (see `MembersKey`).
    pub key: MembersKey,
}

/// What an entity is gathered from, hashed: its kind, place and counts, and its members in
/// their order, each an article's slot and the group's place among that article's groups.
/// An article's names never change in its slot (a changed file gets a new one), so two
/// entities with the same key are the same entity. Two 64-bit SipHashes of the same
/// members under different prefixes: a false match would take both to collide.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MembersKey(u64, u64);

/// A place in the corpus: an article's slot and a byte range of its file, in 12 bytes (a
/// large corpus names its entities millions of times).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Spot {
    doc: u32,
    span: Span,
}

impl Spot {
    /// The article's slot.
    pub fn doc(&self) -> usize {
        self.doc as usize
    }
    pub fn range(&self) -> Range<usize> {
        self.span.range()
    }
}

// ---------------------------------------------------------------------------
// Closed-class lexicons. These are language knowledge (titles, suffixes, function
// words, countries), never names of this corpus's people.
// ---------------------------------------------------------------------------

/// Capitalised words that head a title when they stand right before a name.
const ROLE_HEADS: &[&str] = &[
    "President",
    "President-elect",
    "President-Elect",
    "Vice-President",
    "Secretary",
    "Secretary-General",
    "Secretary-general",
    "Director-General",
    "General",
    "Minister",
    "Chancellor",
    "Premier",
    "Leader",
    "Senator",
    "Sen.",
    "Sens.",
    "Rep.",
    "Reps.",
    "Representative",
    "Congressman",
    "Congresswoman",
    "Gov.",
    "Governor",
    "Gen.",
    "Adm.",
    "Admiral",
    "Col.",
    "Colonel",
    "Lt.",
    "Lieutenant",
    "Maj.",
    "Sgt.",
    "Sergeant",
    "Capt.",
    "Captain",
    "Cmdr.",
    "Commander",
    "Marshal",
    "Ambassador",
    "Envoy",
    "Spokesman",
    "Spokeswoman",
    "Spokesperson",
    "Chairman",
    "Chairwoman",
    "Chair",
    "Director",
    "CEO",
    "Chief",
    "Judge",
    "Justice",
    "Mayor",
    "King",
    "Queen",
    "Prince",
    "Princess",
    "Emperor",
    "Pope",
    "Cardinal",
    "Archbishop",
    "Bishop",
    "Speaker",
    "Commissioner",
    "Adviser",
    "Advisor",
    "Ayatollah",
    "Sheikh",
    "Emir",
    "Sultan",
    "Prosecutor",
    "Sheriff",
    "Rabbi",
    "Imam",
    "Rev.",
    "Reverend",
    "Prof.",
    "Professor",
    "Dr.",
    "Coach",
];

/// Honorifics: they mark a person but are not a role worth citing.
const HONORIFICS: &[&str] = &[
    "Mr.", "Mrs.", "Ms.", "Mr", "Mrs", "Ms", "Miss", "Sir", "Dame", "Lord", "Lady",
];

/// Lower-case role nouns that can stand right before a name ("Kremlin spokesman Dmitry Peskov").
const LOWER_ROLE_NOUNS: &[&str] = &[
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "analyst",
    "adviser",
    "advisor",
    "official",
    "envoy",
    "ambassador",
    "correspondent",
    "reporter",
    "editor",
    "columnist",
    "writer",
    "author",
    "founder",
    "co-founder",
    "chairman",
    "chairwoman",
    "director",
    "economist",
    "professor",
    "researcher",
    "scientist",
    "expert",
    "commander",
    "general",
    "minister",
    "secretary",
    "president",
    "president-elect",
    "vice-president",
    "leader",
    "lawmaker",
    "senator",
    "congressman",
    "congresswoman",
    "governor",
    "mayor",
    "chief",
    "strategist",
    "aide",
    "lawyer",
    "attorney",
    "negotiator",
    "diplomat",
    "prosecutor",
    "judge",
    "candidate",
    "nominee",
    "chancellor",
    "premier",
    "coach",
    "executive",
    "ceo",
    "manager",
    "representative",
    "officer",
    "colonel",
    "lieutenant",
    "sergeant",
    "captain",
    "admiral",
    "activist",
    "historian",
    "journalist",
    "commentator",
    "pollster",
    "investor",
    "billionaire",
    "businessman",
    "businesswoman",
    "entrepreneur",
    "speaker",
    "commissioner",
    "head",
];

/// Capitalised words that qualify a title rather than name an institution
/// ("Defense" in "U.S. Defense Secretary", "Prime" in "Prime Minister").
const QUALIFIERS: &[&str] = &[
    "Vice",
    "Deputy",
    "Acting",
    "Former",
    "Outgoing",
    "Incoming",
    "Interim",
    "Senior",
    "Junior",
    "Majority",
    "Minority",
    "Prime",
    "Foreign",
    "Defense",
    "Defence",
    "Home",
    "Interior",
    "Finance",
    "Treasury",
    "Health",
    "Energy",
    "Trade",
    "Economy",
    "Economic",
    "Justice",
    "Education",
    "Transport",
    "Agriculture",
    "Labor",
    "Labour",
    "Commerce",
    "State",
    "National",
    "Security",
    "Press",
    "Executive",
    "Assistant",
    "Under",
    "Supreme",
    "Top",
    "Special",
    "Presidential",
    "Attorney",
    "Military",
    "Intelligence",
    "Industry",
    "Senate",
    "House",
    "First",
    "Lead",
    "Chief",
    "Grand",
    "Field",
    "Air",
    "Army",
    "Navy",
];

/// Capitalised function words that begin sentences and headings but never a name.
const STOP_CAPS: &[&str] = &[
    "The",
    "A",
    "An",
    "This",
    "That",
    "These",
    "Those",
    "In",
    "On",
    "At",
    "By",
    "For",
    "From",
    "To",
    "With",
    "Without",
    "Of",
    "As",
    "After",
    "Before",
    "During",
    "Despite",
    "Following",
    "Since",
    "Until",
    "While",
    "Whether",
    "If",
    "When",
    "Where",
    "Why",
    "How",
    "What",
    "Who",
    "Whom",
    "Which",
    "Although",
    "Though",
    "Because",
    "But",
    "And",
    "Or",
    "Nor",
    "So",
    "Yet",
    "However",
    "Meanwhile",
    "Moreover",
    "Furthermore",
    "Additionally",
    "Also",
    "Still",
    "Even",
    "Only",
    "Just",
    "Here",
    "There",
    "It",
    "Its",
    "He",
    "She",
    "They",
    "We",
    "I",
    "You",
    "His",
    "Her",
    "Their",
    "Our",
    "My",
    "Your",
    "Them",
    "Us",
    "Some",
    "Many",
    "Most",
    "All",
    "Both",
    "Each",
    "Every",
    "Any",
    "No",
    "Not",
    "One",
    "Two",
    "Three",
    "Another",
    "Other",
    "Such",
    "Several",
    "Few",
    "Last",
    "Next",
    "Today",
    "Yesterday",
    "Tomorrow",
    "Now",
    "Then",
    "Thus",
    "Instead",
    "Already",
    "Earlier",
    "Later",
    "Under",
    "Over",
    "Against",
    "Amid",
    "Among",
    "Between",
    "Through",
    "Toward",
    "Towards",
    "Into",
    "Onto",
    "Upon",
    "About",
    "Above",
    "Below",
    "Near",
    "Within",
    "Across",
    "Around",
    "Per",
    "Via",
    "Let",
    "Please",
    "Yes",
    "Asked",
    "Like",
    "Unlike",
    "Once",
    "Please",
    "According",
    "Overall",
    "Indeed",
    "Nevertheless",
    "Nonetheless",
    "Therefore",
    "Hence",
    "Finally",
    "Again",
    "Perhaps",
    "Maybe",
    "Why",
    "Well",
    "Days",
    "Weeks",
    "Months",
    "Years",
];

const MONTHS_DAYS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Jan.",
    "Feb.",
    "Aug.",
    "Sept.",
    "Sep.",
    "Oct.",
    "Nov.",
    "Dec.",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Lower-case words that end a role phrase when extending it to the left.
const STOP_LOWER: &[&str] = &[
    "a",
    "an",
    "the",
    "this",
    "that",
    "these",
    "those",
    "his",
    "her",
    "its",
    "their",
    "our",
    "my",
    "your",
    "of",
    "in",
    "on",
    "at",
    "by",
    "for",
    "from",
    "to",
    "with",
    "and",
    "or",
    "but",
    "as",
    "said",
    "says",
    "say",
    "told",
    "tells",
    "according",
    "who",
    "which",
    "while",
    "when",
    "where",
    "after",
    "before",
    "about",
    "than",
    "then",
    "also",
    "is",
    "was",
    "are",
    "were",
    "be",
    "been",
    "has",
    "had",
    "have",
    "will",
    "would",
    "could",
    "should",
    "can",
    "may",
    "might",
    "not",
    "no",
    "including",
    "like",
    "between",
    "among",
    "into",
    "over",
    "under",
    "against",
    "via",
    "per",
    "both",
    "either",
    "neither",
    "met",
    "meets",
    "saw",
    "spoke",
    "thanked",
    "asked",
    "named",
    "called",
    "if",
    "so",
    "because",
    "whom",
    "whose",
];

/// Verbs that introduce or follow a direct quotation.
const SPEECH_VERBS: &[&str] = &[
    "said",
    "says",
    "say",
    "saying",
    "stated",
    "states",
    "remarked",
    "remarks",
    "expressed",
    "expresses",
    "asserted",
    "asserts",
    "noted",
    "notes",
    "told",
    "tells",
    "added",
    "adds",
    "adding",
    "argued",
    "argues",
    "claimed",
    "claims",
    "claiming",
    "warned",
    "warns",
    "wrote",
    "writes",
    "declared",
    "declares",
    "insisted",
    "insists",
    "explained",
    "explains",
    "acknowledged",
    "acknowledges",
    "emphasized",
    "emphasised",
    "emphasizes",
    "confirmed",
    "confirms",
    "characterized",
    "characterised",
    "described",
    "describes",
    "labeled",
    "labelled",
    "called",
    "calls",
    "announced",
    "announces",
    "replied",
    "replies",
    "responded",
    "responds",
    "tweeted",
    "posted",
    "continued",
    "suggested",
    "suggests",
    "indicated",
    "stressed",
    "stresses",
    "urged",
    "urges",
    "promised",
    "vowed",
    "admitted",
    "recalled",
    "observed",
    "commented",
    "quipped",
    "conceded",
    "countered",
    "predicted",
    "answered",
    "asked",
    "asks",
    "reiterated",
    "maintained",
    "contended",
    "cautioned",
    "mentioned",
    "testified",
    "denied",
    "alleged",
    "dubbed",
    "termed",
    "exclaimed",
    "shouted",
    "whispered",
    "joked",
    "pointed",
    "hinted",
    "signaled",
    "signalled",
    "spoke",
];

/// Words after a bare name that show it is the subject of a clause (so a capitalised
/// sentence-initial word before them is more likely a name than a common word).
const AUX_AFTER: &[&str] = &[
    "has",
    "had",
    "have",
    "is",
    "was",
    "are",
    "were",
    "will",
    "would",
    "could",
    "should",
    "can",
    "may",
    "might",
    "must",
    "did",
    "does",
    "also",
    "later",
    "then",
    "previously",
    "recently",
];

/// Lower-case words after a name that show it belongs to a person ("Trump administration").
const PERSON_FOLLOW: &[&str] = &["administration", "campaign", "presidency", "cabinet", "era"];

/// Lower-case words after a name that show an organisation or group.
const ORG_FOLLOW: &[&str] = &[
    "alliance",
    "group",
    "coalition",
    "party",
    "company",
    "corporation",
    "agency",
    "firm",
    "network",
    "newspaper",
    "channel",
    "outlet",
    "bloc",
    "militants",
    "militia",
    "rebels",
    "officials",
    "lawmakers",
    "executives",
    "ministry",
    "movement",
    "faction",
    "organization",
    "organisation",
    "union",
];

/// Lower-case nouns after a name that make it a thing (a weapon system, a bill, a programme).
const THING_FOLLOW: &[&str] = &[
    "missile",
    "missiles",
    "system",
    "systems",
    "rocket",
    "rockets",
    "launcher",
    "launchers",
    "tank",
    "tanks",
    "jet",
    "jets",
    "fighter",
    "fighters",
    "drone",
    "drones",
    "interceptor",
    "interceptors",
    "howitzer",
    "howitzers",
    "munitions",
    "munition",
    "shells",
    "warhead",
    "warheads",
    "submarine",
    "submarines",
    "aircraft",
    "helicopter",
    "helicopters",
    "rifle",
    "rifles",
    "batteries",
    "battery",
    "bill",
    "act",
    "program",
    "programme",
    "software",
    "vaccine",
    "strikes",
    "launchers",
];

/// Capitalised last words that make a span a thing.
const THING_SUFFIX: &[&str] = &[
    "Act",
    "Bill",
    "Program",
    "Programme",
    "Initiative",
    "Treaty",
    "Accord",
    "Accords",
    "Agreement",
    "Plan",
    "Doctrine",
    "Protocol",
    "Convention",
    "Amendment",
    "Declaration",
    "Directive",
];

/// Capitalised last words that make a span an organisation.
const ORG_SUFFIX: &[&str] = &[
    "Inc",
    "Inc.",
    "Corp",
    "Corp.",
    "Co.",
    "Ltd",
    "LLC",
    "Group",
    "Company",
    "Corporation",
    "Times",
    "Post",
    "News",
    "Press",
    "Journal",
    "Herald",
    "Tribune",
    "Telegraph",
    "Gazette",
    "Review",
    "Daily",
    "Weekly",
    "Magazine",
    "Network",
    "Broadcasting",
    "Television",
    "Radio",
    "Agency",
    "Ministry",
    "Department",
    "Office",
    "Council",
    "Committee",
    "Commission",
    "Forum",
    "Institute",
    "Institution",
    "University",
    "College",
    "School",
    "Academy",
    "Foundation",
    "Fund",
    "Bank",
    "Union",
    "Party",
    "Parliament",
    "Congress",
    "Senate",
    "House",
    "Assembly",
    "Court",
    "Army",
    "Navy",
    "Force",
    "Forces",
    "Guard",
    "Command",
    "Corps",
    "Police",
    "Service",
    "Services",
    "Bureau",
    "Administration",
    "Authority",
    "Board",
    "Association",
    "Federation",
    "Organization",
    "Organisation",
    "League",
    "Alliance",
    "Coalition",
    "Cabinet",
    "Reserve",
    "Exchange",
    "Republicans",
    "Democrats",
    "Brigade",
    "Battalion",
    "Regiment",
    "Division",
    "Club",
    "Society",
    "Center",
    "Centre",
    "Airlines",
    "Airways",
    "Motors",
    "Technologies",
    "Industries",
    "Holdings",
    "Partners",
    "Securities",
];

/// Seats of power named for their building or place, used as organisations
/// (general political vocabulary, like the suffixes above).
const INSTITUTIONS: &[&str] = &[
    "Kremlin",
    "Pentagon",
    "White House",
    "Downing Street",
    "Capitol Hill",
    "Vatican",
    "Knesset",
    "Bundestag",
    "Duma",
    "Élysée",
    "Quai d'Orsay",
    "Congress",
    "Parliament",
    "Senate",
    "House",
    "NATO",
    "EU",
    "UN",
];

/// Capitalised first words that make a span an organisation ("Ministry of Defence").
const ORG_PREFIX: &[&str] = &[
    "Ministry",
    "Department",
    "University",
    "Bank",
    "Office",
    "Council",
    "Court",
    "Bureau",
    "Institute",
    "Federal",
    "Royal",
    "Church",
    "Supreme",
];

/// Words after which "of" continues a name ("Secretary of State", "Bank of England").
const OF_HEADS: &[&str] = &[
    "Secretary",
    "Minister",
    "Ministry",
    "Department",
    "University",
    "Bank",
    "Office",
    "Council",
    "Court",
    "Bureau",
    "Institute",
    "Chief",
    "Head",
    "Republic",
    "Kingdom",
    "Union",
    "Commission",
    "Committee",
    "Board",
    "Chamber",
    "College",
    "School",
    "House",
    "Gulf",
    "Sea",
    "Isle",
    "City",
    "Duke",
    "Prince",
    "Princess",
    "Bay",
    "Strait",
    "Cape",
];

/// Lower-case particles inside personal names ("Ursula von der Leyen").
const NAME_PARTICLES: &[&str] = &[
    "de", "da", "van", "von", "der", "den", "bin", "al", "la", "le", "du", "dos", "del", "ibn",
    "di",
];

/// Capitalised last words that make a span a place.
const PLACE_SUFFIX: &[&str] = &[
    "Sea",
    "Ocean",
    "Region",
    "Province",
    "Oblast",
    "Island",
    "Islands",
    "Mountains",
    "River",
    "Valley",
    "Strait",
    "Gulf",
    "Peninsula",
    "Coast",
    "Basin",
    "City",
    "County",
    "Bay",
    "Lake",
    "Desert",
    "Canal",
];

/// Lower-case words after a name that make it a place ("Kursk region").
const PLACE_FOLLOW: &[&str] = &[
    "region",
    "province",
    "oblast",
    "city",
    "county",
    "district",
    "border",
    "peninsula",
    "capital",
];

/// Countries, regions and major cities, with a canonical name where the usual surface
/// form differs (general world knowledge, not corpus names).
const PLACES: &[(&str, &str)] = &[
    ("United States", "United States"),
    ("U.S.", "United States"),
    ("US", "United States"),
    ("USA", "United States"),
    ("U.S.A.", "United States"),
    ("America", "United States"),
    ("United Kingdom", "United Kingdom"),
    ("U.K.", "United Kingdom"),
    ("UK", "United Kingdom"),
    ("Britain", "United Kingdom"),
    ("Great Britain", "United Kingdom"),
    ("England", "England"),
    ("Scotland", "Scotland"),
    ("Wales", "Wales"),
    ("Northern Ireland", "Northern Ireland"),
    ("Ireland", "Ireland"),
    ("Russia", "Russia"),
    ("Ukraine", "Ukraine"),
    ("Belarus", "Belarus"),
    ("Poland", "Poland"),
    ("Germany", "Germany"),
    ("France", "France"),
    ("Italy", "Italy"),
    ("Spain", "Spain"),
    ("Portugal", "Portugal"),
    ("Netherlands", "Netherlands"),
    ("Belgium", "Belgium"),
    ("Luxembourg", "Luxembourg"),
    ("Switzerland", "Switzerland"),
    ("Austria", "Austria"),
    ("Hungary", "Hungary"),
    ("Czech Republic", "Czech Republic"),
    ("Czechia", "Czech Republic"),
    ("Slovakia", "Slovakia"),
    ("Slovenia", "Slovenia"),
    ("Croatia", "Croatia"),
    ("Serbia", "Serbia"),
    ("Bosnia", "Bosnia"),
    ("Kosovo", "Kosovo"),
    ("Albania", "Albania"),
    ("North Macedonia", "North Macedonia"),
    ("Montenegro", "Montenegro"),
    ("Greece", "Greece"),
    ("Bulgaria", "Bulgaria"),
    ("Romania", "Romania"),
    ("Moldova", "Moldova"),
    ("Estonia", "Estonia"),
    ("Latvia", "Latvia"),
    ("Lithuania", "Lithuania"),
    ("Finland", "Finland"),
    ("Sweden", "Sweden"),
    ("Norway", "Norway"),
    ("Denmark", "Denmark"),
    ("Iceland", "Iceland"),
    ("Turkey", "Turkey"),
    ("Türkiye", "Turkey"),
    ("Georgia", "Georgia"),
    ("Armenia", "Armenia"),
    ("Azerbaijan", "Azerbaijan"),
    ("Kazakhstan", "Kazakhstan"),
    ("Uzbekistan", "Uzbekistan"),
    ("Turkmenistan", "Turkmenistan"),
    ("Kyrgyzstan", "Kyrgyzstan"),
    ("Tajikistan", "Tajikistan"),
    ("Afghanistan", "Afghanistan"),
    ("Pakistan", "Pakistan"),
    ("India", "India"),
    ("Bangladesh", "Bangladesh"),
    ("Sri Lanka", "Sri Lanka"),
    ("Nepal", "Nepal"),
    ("China", "China"),
    ("Taiwan", "Taiwan"),
    ("Hong Kong", "Hong Kong"),
    ("Japan", "Japan"),
    ("North Korea", "North Korea"),
    ("South Korea", "South Korea"),
    ("Korea", "Korea"),
    ("Mongolia", "Mongolia"),
    ("Vietnam", "Vietnam"),
    ("Thailand", "Thailand"),
    ("Cambodia", "Cambodia"),
    ("Laos", "Laos"),
    ("Myanmar", "Myanmar"),
    ("Malaysia", "Malaysia"),
    ("Singapore", "Singapore"),
    ("Indonesia", "Indonesia"),
    ("Philippines", "Philippines"),
    ("Australia", "Australia"),
    ("New Zealand", "New Zealand"),
    ("Iran", "Iran"),
    ("Iraq", "Iraq"),
    ("Syria", "Syria"),
    ("Lebanon", "Lebanon"),
    ("Israel", "Israel"),
    ("Palestine", "Palestine"),
    ("Gaza", "Gaza"),
    ("West Bank", "West Bank"),
    ("Jordan", "Jordan"),
    ("Saudi Arabia", "Saudi Arabia"),
    ("Yemen", "Yemen"),
    ("Oman", "Oman"),
    ("Qatar", "Qatar"),
    ("Kuwait", "Kuwait"),
    ("Bahrain", "Bahrain"),
    ("United Arab Emirates", "United Arab Emirates"),
    ("UAE", "United Arab Emirates"),
    ("Egypt", "Egypt"),
    ("Libya", "Libya"),
    ("Tunisia", "Tunisia"),
    ("Algeria", "Algeria"),
    ("Morocco", "Morocco"),
    ("Sudan", "Sudan"),
    ("South Sudan", "South Sudan"),
    ("Ethiopia", "Ethiopia"),
    ("Eritrea", "Eritrea"),
    ("Somalia", "Somalia"),
    ("Kenya", "Kenya"),
    ("Uganda", "Uganda"),
    ("Tanzania", "Tanzania"),
    ("Rwanda", "Rwanda"),
    ("Burundi", "Burundi"),
    ("Congo", "Congo"),
    ("Nigeria", "Nigeria"),
    ("Niger", "Niger"),
    ("Mali", "Mali"),
    ("Chad", "Chad"),
    ("Ghana", "Ghana"),
    ("Senegal", "Senegal"),
    ("Cameroon", "Cameroon"),
    ("Angola", "Angola"),
    ("Zambia", "Zambia"),
    ("Zimbabwe", "Zimbabwe"),
    ("Mozambique", "Mozambique"),
    ("South Africa", "South Africa"),
    ("Madagascar", "Madagascar"),
    ("Canada", "Canada"),
    ("Mexico", "Mexico"),
    ("Cuba", "Cuba"),
    ("Haiti", "Haiti"),
    ("Guatemala", "Guatemala"),
    ("Honduras", "Honduras"),
    ("Nicaragua", "Nicaragua"),
    ("Panama", "Panama"),
    ("Colombia", "Colombia"),
    ("Venezuela", "Venezuela"),
    ("Ecuador", "Ecuador"),
    ("Peru", "Peru"),
    ("Bolivia", "Bolivia"),
    ("Brazil", "Brazil"),
    ("Argentina", "Argentina"),
    ("Chile", "Chile"),
    ("Uruguay", "Uruguay"),
    ("Paraguay", "Paraguay"),
    ("Greenland", "Greenland"),
    ("Europe", "Europe"),
    ("Asia", "Asia"),
    ("Africa", "Africa"),
    ("Americas", "Americas"),
    ("North America", "North America"),
    ("South America", "South America"),
    ("Latin America", "Latin America"),
    ("Middle East", "Middle East"),
    ("Indo-Pacific", "Indo-Pacific"),
    ("Asia-Pacific", "Asia-Pacific"),
    ("Balkans", "Balkans"),
    ("Baltics", "Baltics"),
    ("Caucasus", "Caucasus"),
    ("Arctic", "Arctic"),
    ("Antarctica", "Antarctica"),
    ("Siberia", "Siberia"),
    ("Crimea", "Crimea"),
    ("Donbas", "Donbas"),
    ("Donbass", "Donbas"),
    ("Kashmir", "Kashmir"),
    ("Eastern Europe", "Eastern Europe"),
    ("Western Europe", "Western Europe"),
    ("Central Asia", "Central Asia"),
    ("Washington", "Washington"),
    ("Moscow", "Moscow"),
    ("Kyiv", "Kyiv"),
    ("Kiev", "Kyiv"),
    ("Brussels", "Brussels"),
    ("London", "London"),
    ("Paris", "Paris"),
    ("Berlin", "Berlin"),
    ("Rome", "Rome"),
    ("Madrid", "Madrid"),
    ("Warsaw", "Warsaw"),
    ("Vienna", "Vienna"),
    ("Budapest", "Budapest"),
    ("Prague", "Prague"),
    ("Minsk", "Minsk"),
    ("Beijing", "Beijing"),
    ("Tokyo", "Tokyo"),
    ("Seoul", "Seoul"),
    ("Pyongyang", "Pyongyang"),
    ("Tehran", "Tehran"),
    ("Baghdad", "Baghdad"),
    ("Damascus", "Damascus"),
    ("Beirut", "Beirut"),
    ("Jerusalem", "Jerusalem"),
    ("Tel Aviv", "Tel Aviv"),
    ("Ankara", "Ankara"),
    ("Istanbul", "Istanbul"),
    ("Cairo", "Cairo"),
    ("Riyadh", "Riyadh"),
    ("Doha", "Doha"),
    ("Dubai", "Dubai"),
    ("New Delhi", "New Delhi"),
    ("Delhi", "New Delhi"),
    ("Islamabad", "Islamabad"),
    ("Kabul", "Kabul"),
    ("Ottawa", "Ottawa"),
    ("Geneva", "Geneva"),
    ("Helsinki", "Helsinki"),
    ("Stockholm", "Stockholm"),
    ("Oslo", "Oslo"),
    ("Copenhagen", "Copenhagen"),
    ("Tallinn", "Tallinn"),
    ("Riga", "Riga"),
    ("Vilnius", "Vilnius"),
    ("Bucharest", "Bucharest"),
    ("Sofia", "Sofia"),
    ("Athens", "Athens"),
    ("Belgrade", "Belgrade"),
    ("Tbilisi", "Tbilisi"),
    ("Yerevan", "Yerevan"),
    ("Baku", "Baku"),
    ("New York", "New York"),
    ("Los Angeles", "Los Angeles"),
    ("Chicago", "Chicago"),
    ("Atlanta", "Atlanta"),
    ("Florida", "Florida"),
    ("Texas", "Texas"),
    ("California", "California"),
    ("Alaska", "Alaska"),
    ("Hawaii", "Hawaii"),
    ("Shanghai", "Shanghai"),
    ("Mumbai", "Mumbai"),
    ("Sydney", "Sydney"),
    ("Canberra", "Canberra"),
    ("Mexico City", "Mexico City"),
    ("West", "West"),
    ("Alabama", "Alabama"),
    ("Arizona", "Arizona"),
    ("Arkansas", "Arkansas"),
    ("Colorado", "Colorado"),
    ("Connecticut", "Connecticut"),
    ("Delaware", "Delaware"),
    ("Idaho", "Idaho"),
    ("Illinois", "Illinois"),
    ("Indiana", "Indiana"),
    ("Iowa", "Iowa"),
    ("Kansas", "Kansas"),
    ("Kentucky", "Kentucky"),
    ("Louisiana", "Louisiana"),
    ("Maine", "Maine"),
    ("Maryland", "Maryland"),
    ("Massachusetts", "Massachusetts"),
    ("Michigan", "Michigan"),
    ("Minnesota", "Minnesota"),
    ("Mississippi", "Mississippi"),
    ("Missouri", "Missouri"),
    ("Montana", "Montana"),
    ("Nebraska", "Nebraska"),
    ("Nevada", "Nevada"),
    ("New Hampshire", "New Hampshire"),
    ("New Jersey", "New Jersey"),
    ("New Mexico", "New Mexico"),
    ("North Carolina", "North Carolina"),
    ("North Dakota", "North Dakota"),
    ("Ohio", "Ohio"),
    ("Oklahoma", "Oklahoma"),
    ("Oregon", "Oregon"),
    ("Pennsylvania", "Pennsylvania"),
    ("Rhode Island", "Rhode Island"),
    ("South Carolina", "South Carolina"),
    ("South Dakota", "South Dakota"),
    ("Tennessee", "Tennessee"),
    ("Utah", "Utah"),
    ("Vermont", "Vermont"),
    ("Virginia", "Virginia"),
    ("West Virginia", "West Virginia"),
    ("Wisconsin", "Wisconsin"),
    ("Wyoming", "Wyoming"),
];

/// Demonyms (adjectives of place), mapped to the place's canonical name.
const DEMONYMS: &[(&str, &str)] = &[
    ("American", "United States"),
    ("British", "United Kingdom"),
    ("English", "England"),
    ("Scottish", "Scotland"),
    ("Welsh", "Wales"),
    ("Irish", "Ireland"),
    ("Russian", "Russia"),
    ("Soviet", "Soviet Union"),
    ("Ukrainian", "Ukraine"),
    ("Belarusian", "Belarus"),
    ("Polish", "Poland"),
    ("German", "Germany"),
    ("French", "France"),
    ("Italian", "Italy"),
    ("Spanish", "Spain"),
    ("Portuguese", "Portugal"),
    ("Dutch", "Netherlands"),
    ("Belgian", "Belgium"),
    ("Swiss", "Switzerland"),
    ("Austrian", "Austria"),
    ("Hungarian", "Hungary"),
    ("Czech", "Czech Republic"),
    ("Slovak", "Slovakia"),
    ("Croatian", "Croatia"),
    ("Serbian", "Serbia"),
    ("Greek", "Greece"),
    ("Bulgarian", "Bulgaria"),
    ("Romanian", "Romania"),
    ("Moldovan", "Moldova"),
    ("Estonian", "Estonia"),
    ("Latvian", "Latvia"),
    ("Lithuanian", "Lithuania"),
    ("Finnish", "Finland"),
    ("Swedish", "Sweden"),
    ("Norwegian", "Norway"),
    ("Danish", "Denmark"),
    ("Turkish", "Turkey"),
    ("Georgian", "Georgia"),
    ("Armenian", "Armenia"),
    ("Azerbaijani", "Azerbaijan"),
    ("Kazakh", "Kazakhstan"),
    ("Afghan", "Afghanistan"),
    ("Pakistani", "Pakistan"),
    ("Indian", "India"),
    ("Chinese", "China"),
    ("Taiwanese", "Taiwan"),
    ("Japanese", "Japan"),
    ("North Korean", "North Korea"),
    ("South Korean", "South Korea"),
    ("Korean", "Korea"),
    ("Vietnamese", "Vietnam"),
    ("Thai", "Thailand"),
    ("Indonesian", "Indonesia"),
    ("Filipino", "Philippines"),
    ("Australian", "Australia"),
    ("Iranian", "Iran"),
    ("Iraqi", "Iraq"),
    ("Syrian", "Syria"),
    ("Lebanese", "Lebanon"),
    ("Israeli", "Israel"),
    ("Palestinian", "Palestine"),
    ("Jordanian", "Jordan"),
    ("Saudi", "Saudi Arabia"),
    ("Yemeni", "Yemen"),
    ("Qatari", "Qatar"),
    ("Emirati", "United Arab Emirates"),
    ("Egyptian", "Egypt"),
    ("Libyan", "Libya"),
    ("Sudanese", "Sudan"),
    ("Ethiopian", "Ethiopia"),
    ("Somali", "Somalia"),
    ("Kenyan", "Kenya"),
    ("Nigerian", "Nigeria"),
    ("South African", "South Africa"),
    ("Canadian", "Canada"),
    ("Mexican", "Mexico"),
    ("Cuban", "Cuba"),
    ("Colombian", "Colombia"),
    ("Venezuelan", "Venezuela"),
    ("Brazilian", "Brazil"),
    ("Argentine", "Argentina"),
    ("Argentinian", "Argentina"),
    ("Chilean", "Chile"),
    ("European", "Europe"),
    ("African", "Africa"),
    ("Asian", "Asia"),
    ("Western", "West"),
];

/// Abbreviations whose final period belongs to the word.
const ABBREVIATIONS: &[&str] = &[
    "Sen", "Sens", "Rep", "Reps", "Gov", "Gen", "Adm", "Col", "Lt", "Maj", "Sgt", "Capt", "Cmdr",
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Rev", "St", "Jr", "Sr", "Inc", "Corp", "Co", "Jan", "Feb",
    "Aug", "Sept", "Sep", "Oct", "Nov", "Dec", "No", "Mt", "Ft",
];

// ---------------------------------------------------------------------------
// Lexicon lookups.
// ---------------------------------------------------------------------------

/// One bit per closed-class list above. A token learns all its memberships with one hash
/// probe when it is made; scanning the lists again for every question asked about every
/// token was a large share of the per-article time.
mod bit {
    pub const ROLE_HEADS: u32 = 1;
    pub const HONORIFICS: u32 = 1 << 1;
    pub const LOWER_ROLE_NOUNS: u32 = 1 << 2;
    pub const QUALIFIERS: u32 = 1 << 3;
    pub const STOP_CAPS: u32 = 1 << 4;
    pub const MONTHS_DAYS: u32 = 1 << 5;
    pub const STOP_LOWER: u32 = 1 << 6;
    pub const SPEECH_VERBS: u32 = 1 << 7;
    pub const AUX_AFTER: u32 = 1 << 8;
    pub const PERSON_FOLLOW: u32 = 1 << 9;
    pub const ORG_FOLLOW: u32 = 1 << 10;
    pub const THING_FOLLOW: u32 = 1 << 11;
    pub const THING_SUFFIX: u32 = 1 << 12;
    pub const ORG_SUFFIX: u32 = 1 << 13;
    pub const INSTITUTIONS: u32 = 1 << 14;
    pub const ORG_PREFIX: u32 = 1 << 15;
    pub const OF_HEADS: u32 = 1 << 16;
    pub const NAME_PARTICLES: u32 = 1 << 17;
    pub const PLACE_SUFFIX: u32 = 1 << 18;
    pub const PLACE_FOLLOW: u32 = 1 << 19;
    pub const ABBREVIATIONS: u32 = 1 << 20;
}

const LISTS: &[(u32, &[&str])] = &[
    (bit::ROLE_HEADS, ROLE_HEADS),
    (bit::HONORIFICS, HONORIFICS),
    (bit::LOWER_ROLE_NOUNS, LOWER_ROLE_NOUNS),
    (bit::QUALIFIERS, QUALIFIERS),
    (bit::STOP_CAPS, STOP_CAPS),
    (bit::MONTHS_DAYS, MONTHS_DAYS),
    (bit::STOP_LOWER, STOP_LOWER),
    (bit::SPEECH_VERBS, SPEECH_VERBS),
    (bit::AUX_AFTER, AUX_AFTER),
    (bit::PERSON_FOLLOW, PERSON_FOLLOW),
    (bit::ORG_FOLLOW, ORG_FOLLOW),
    (bit::THING_FOLLOW, THING_FOLLOW),
    (bit::THING_SUFFIX, THING_SUFFIX),
    (bit::ORG_SUFFIX, ORG_SUFFIX),
    (bit::INSTITUTIONS, INSTITUTIONS),
    (bit::ORG_PREFIX, ORG_PREFIX),
    (bit::OF_HEADS, OF_HEADS),
    (bit::NAME_PARTICLES, NAME_PARTICLES),
    (bit::PLACE_SUFFIX, PLACE_SUFFIX),
    (bit::PLACE_FOLLOW, PLACE_FOLLOW),
    (bit::ABBREVIATIONS, ABBREVIATIONS),
];

/// FxHash, as in rustc. The maps here are probed with short words and names millions of
/// times; SipHash's per-call setup would cost more than the probe. Their keys come from
/// the operator's own corpus, so flooding resistance buys nothing.
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, mut bytes: &[u8]) {
        // Whole words, then the tail in 4, 2 and 1 bytes: a copy into a zeroed word would
        // call memcpy, which costs more than the rest of hashing a short word.
        while let Some((word, rest)) = bytes.split_first_chunk::<8>() {
            self.add(u64::from_le_bytes(*word));
            bytes = rest;
        }
        if let Some((word, rest)) = bytes.split_first_chunk::<4>() {
            self.add(u64::from(u32::from_le_bytes(*word)));
            bytes = rest;
        }
        if let Some((word, rest)) = bytes.split_first_chunk::<2>() {
            self.add(u64::from(u16::from_le_bytes(*word)));
            bytes = rest;
        }
        if let Some(&b) = bytes.first() {
            self.add(u64::from(b));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
type FxSet<K> = HashSet<K, BuildHasherDefault<FxHasher>>;

struct Lexicon {
    lists: FxMap<&'static str, u32>,
    /// The longest word in the lists, in bytes: longer tokens need no lookup.
    longest: usize,
    places: FxMap<&'static str, &'static str>,
    demonyms: FxMap<&'static str, &'static str>,
    /// Canonical place name to its folded form, the grouping key of a place.
    folded_places: FxMap<&'static str, String>,
    /// Canonical place names numbered from 1 (`PlaceId`), and back.
    place_ids: FxMap<&'static str, u16>,
    place_names: Vec<&'static str>,
}

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let mut lists: FxMap<&'static str, u32> = FxMap::default();
        for (b, words) in LISTS {
            for w in *words {
                *lists.entry(w).or_default() |= b;
            }
        }
        // The first entry of a surface wins, as a scan of the table would find it.
        let mut places = FxMap::default();
        for (surface, canon) in PLACES {
            places.entry(*surface).or_insert(*canon);
        }
        let mut demonyms = FxMap::default();
        for (surface, canon) in DEMONYMS {
            demonyms.entry(*surface).or_insert(*canon);
        }
        let folded_places = PLACES
            .iter()
            .chain(DEMONYMS)
            .map(|(_, canon)| (*canon, fold(canon)))
            .collect();
        let mut place_ids = FxMap::default();
        let mut place_names = Vec::new();
        for (_, canon) in PLACES.iter().chain(DEMONYMS) {
            place_ids.entry(*canon).or_insert_with(|| {
                place_names.push(*canon);
                u16::try_from(place_names.len()).expect("fewer than 65535 places")
            });
        }
        Lexicon {
            longest: lists.keys().map(|w| w.len()).max().unwrap_or(0),
            lists,
            places,
            demonyms,
            folded_places,
            place_ids,
            place_names,
        }
    })
}

/// The lists (`bit::*`) that hold `word`.
fn lists_of(word: &str) -> u32 {
    let lexicon = lexicon();
    if word.len() > lexicon.longest {
        return 0;
    }
    lexicon.lists.get(word).copied().unwrap_or(0)
}

fn in_list(lists: u32, word: &str) -> bool {
    lists_of(word) & lists != 0
}

fn place_canonical(name: &str) -> Option<&'static str> {
    lexicon().places.get(name).copied()
}

fn demonym_place(name: &str) -> Option<&'static str> {
    let demonyms = &lexicon().demonyms;
    if let Some(p) = demonyms.get(name) {
        return Some(p);
    }
    // Plural demonyms name people of a place: "Ukrainians", "Americans".
    let singular = name.strip_suffix('s')?;
    demonyms.get(singular).copied()
}

/// A canonical place in two bytes, for the groups kept per article (0: none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct PlaceId(u16);

impl PlaceId {
    fn new(place: Option<&'static str>) -> PlaceId {
        PlaceId(place.map_or(0, |p| {
            // Every canonical name comes from the tables numbered above.
            lexicon().place_ids.get(p).copied().unwrap_or(0)
        }))
    }
    fn get(self) -> Option<&'static str> {
        let i = usize::from(self.0.checked_sub(1)?);
        lexicon().place_names.get(i).copied()
    }
}

/// The grouping key of a canonical place: its folded name.
fn place_key(canon: &'static str) -> &'static str {
    match lexicon().folded_places.get(canon) {
        Some(f) => f,
        // Every canonical name comes from the tables folded above.
        None => canon,
    }
}

// ---------------------------------------------------------------------------
// Text helpers.
// ---------------------------------------------------------------------------

/// Lower-case, strip accents and dots, unify apostrophes: the key used to compare names.
fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out);
    out
}

/// `fold`, appended to `out` (callers reuse one buffer).
fn fold_into(s: &str, out: &mut String) {
    if s.is_ascii() {
        // Most words: nothing to unify or strip but dots, and ASCII lower-cases byte by byte.
        out.extend(
            s.bytes()
                .filter(|&b| b != b'.')
                .map(|b| char::from(b.to_ascii_lowercase())),
        );
        return;
    }
    for c in s.chars() {
        if c == '.' {
            continue;
        }
        if c == '’' || c == '‘' {
            out.push('\'');
            continue;
        }
        match fold_char(c) {
            Some(f) => out.push_str(f),
            None => out.extend(c.to_lowercase()),
        }
    }
}

/// Accent folding for the Latin letters news text uses; other scripts are kept.
fn fold_char(c: char) -> Option<&'static str> {
    // Every letter below is outside ASCII; most text is ASCII, and scanning the table for
    // each of its characters was a sixth of start-up (issue 8 benchmark).
    if c.is_ascii() {
        return None;
    }
    const TABLE: &[(&str, &str)] = &[
        ("ÀÁÂÃÄÅàáâãäåĀāĂăĄą", "a"),
        ("ÇçĆćĈĉĊċČč", "c"),
        ("ĎďĐđ", "d"),
        ("ÈÉÊËèéêëĒēĔĕĖėĘęĚě", "e"),
        ("ĜĝĞğĠġĢģ", "g"),
        ("ĤĥĦħ", "h"),
        ("ÌÍÎÏìíîïĨĩĪīĬĭĮįİı", "i"),
        ("Ĵĵ", "j"),
        ("Ķķ", "k"),
        ("ĹĺĻļĽľĿŀŁł", "l"),
        ("ÑñŃńŅņŇň", "n"),
        ("ÒÓÔÕÖØòóôõöøŌōŎŏŐő", "o"),
        ("ŔŕŖŗŘř", "r"),
        ("ŚśŜŝŞşŠš", "s"),
        ("ŢţŤťŦŧ", "t"),
        ("ÙÚÛÜùúûüŨũŪūŬŭŮůŰűŲų", "u"),
        ("Ŵŵ", "w"),
        ("ÝýÿŶŷŸ", "y"),
        ("ŹźŻżŽž", "z"),
        ("ß", "ss"),
        ("Ææ", "ae"),
        ("Œœ", "oe"),
    ];
    TABLE
        .iter()
        .find(|(set, _)| set.contains(c))
        .map(|(_, f)| *f)
}

/// Levenshtein distance over chars, bounded so long junk tokens stay cheap: only the first
/// 64 chars count. The rows live on the stack; the merge asks this for many name pairs.
fn edit_distance(a: &str, b: &str) -> usize {
    const MAX: usize = 64;
    fn chars(s: &str, buf: &mut [char; MAX]) -> usize {
        let mut n = 0;
        for c in s.chars().take(MAX) {
            buf[n] = c;
            n += 1;
        }
        n
    }
    let (mut a_buf, mut b_buf) = (['\0'; MAX], ['\0'; MAX]);
    let (na, nb) = (chars(a, &mut a_buf), chars(b, &mut b_buf));
    let (a, b) = (&a_buf[..na], &b_buf[..nb]);
    let mut prev = [0; MAX + 1];
    let mut cur = [0; MAX + 1];
    for (j, p) in prev.iter_mut().enumerate().take(b.len() + 1) {
        *p = j;
    }
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Transliteration variants of one name token ("zelensky" / "zelenskyy"): long tokens
/// sharing a prefix and differing by at most `max_edits`.
fn similar_token(a: &str, b: &str, max_edits: usize) -> bool {
    if a == b {
        return true;
    }
    let (la, lb) = (a.chars().count(), b.chars().count());
    if la.min(lb) < 6 {
        return false;
    }
    // The distance is at least the difference in (counted) length: most pairs stop here.
    if la.min(64).abs_diff(lb.min(64)) > max_edits {
        return false;
    }
    let prefix = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    prefix >= 4 && edit_distance(a, b) <= max_edits
}

/// Clamp a caller's range to the text and to char boundaries, so bad input never panics.
fn clamp(text: &str, r: &Range<usize>) -> Range<usize> {
    let mut start = r.start.min(text.len());
    let mut end = r.end.min(text.len());
    while start < text.len() && !text.is_char_boundary(start) {
        start += 1;
    }
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    if end < start {
        start..start
    } else {
        start..end
    }
}

// ---------------------------------------------------------------------------
// Tokens.
// ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Tok<'a> {
    /// Absolute byte range of the word, without a possessive 's.
    start: usize,
    end: usize,
    text: &'a str,
    word: bool,
    possessive: bool,
    /// First word of the sentence or of a quotation: capitalised by position only.
    initial: bool,
    /// Inside a "(R-S.C.)"-style party/state tag: never a name.
    skip: bool,
    /// The closed-class lists holding `text` (`bit::*`).
    lists: u32,
}

impl Tok<'_> {
    fn first_upper(&self) -> bool {
        self.text.chars().next().is_some_and(char::is_uppercase)
    }
    fn is_lower(&self) -> bool {
        self.word && self.text.chars().next().is_some_and(char::is_lowercase)
    }
    fn is_acronym(&self) -> bool {
        let upper = self.text.chars().filter(|c| c.is_uppercase()).count();
        let lower = self.text.chars().any(char::is_lowercase);
        let digit = self.text.chars().any(|c| c.is_ascii_digit());
        !lower && (upper >= 2 || (upper >= 1 && digit))
    }
    fn is_titlecase(&self) -> bool {
        self.first_upper() && self.text.chars().skip(1).any(char::is_lowercase)
    }
    /// "'ve", "'ll", "'re", "'m", "'d", "n't", "'t", with either apostrophe.
    fn is_contraction(&self) -> bool {
        ["ve", "ll", "re", "m", "d", "t"].iter().any(|s| {
            self.text
                .strip_suffix(s)
                .is_some_and(|rest| rest.ends_with('\'') || rest.ends_with('’'))
        })
    }
    fn is(&self, s: &str) -> bool {
        self.text == s
    }
    fn in_list(&self, lists: u32) -> bool {
        self.lists & lists != 0
    }
}

/// The tokenizer's character classes: what `\p{L}`, `\p{M}`, `\p{N}` (together `LMN`),
/// `\p{Lu}` and `\s` match in the regex crate, so the scanner below splits text exactly as
/// the regex it replaced (see `RawTokens`). Rust's `char` predicates differ at the edges
/// (`is_alphanumeric` leaves out most combining marks, `is_uppercase` takes in circled
/// letters), hence the tables below.
const LMN: u8 = 1;
const UPPER: u8 = 2;
const SPACE: u8 = 4;

/// `char_class` of the ASCII chars.
const ASCII_CLASSES: [u8; 128] = {
    let mut table = [0; 128];
    let mut b = 0;
    while b < 128 {
        table[b] = match b as u8 {
            b'A'..=b'Z' => LMN | UPPER,
            b'a'..=b'z' | b'0'..=b'9' => LMN,
            b'\t'..=b'\r' | b' ' => SPACE,
            _ => 0,
        };
        b += 1;
    }
    table
};

fn char_class(c: char) -> u8 {
    if c.is_ascii() {
        return ASCII_CLASSES[c as usize];
    }
    match u16::try_from(u32::from(c)) {
        Ok(bmp) => bmp_class(bmp),
        Err(_) => class_of(c),
    }
}

/// The classes of the Basic Multilingual Plane in blocks of 256 chars, each asked of the
/// regex engine when one of its chars is first seen: news text uses a handful of blocks,
/// and a table lookup is far cheaper than a regex call per char.
fn bmp_class(c: u16) -> u8 {
    static BLOCKS: [OnceLock<[u8; 256]>; 256] = [const { OnceLock::new() }; 256];
    let [block, offset] = c.to_be_bytes();
    BLOCKS[usize::from(block)].get_or_init(|| {
        let mut table = [0; 256];
        for (i, class) in table.iter_mut().enumerate() {
            if let Some(c) = char::from_u32(u32::from(block) << 8 | i as u32) {
                *class = class_of(c);
            }
        }
        table
    })[usize::from(offset)]
}

const CLASS_PATTERNS: [(u8, &str); 3] = [
    (LMN, r"[\p{L}\p{M}\p{N}]"),
    (UPPER, r"\p{Lu}"),
    (SPACE, r"\s"),
];

/// The class of `c` as the regex engine sees it (for chars the tables above do not hold).
fn class_of(c: char) -> u8 {
    static RES: OnceLock<Vec<(u8, Regex)>> = OnceLock::new();
    let res = RES.get_or_init(|| {
        CLASS_PATTERNS
            .iter()
            .map(|(class, p)| (*class, Regex::new(p).expect("class pattern is valid")))
            .collect()
    });
    let mut buf = [0; 4];
    let s = c.encode_utf8(&mut buf);
    res.iter()
        .filter(|(_, re)| re.is_match(s))
        .fold(0, |acc, (class, _)| acc | class)
}

fn char_at(s: &str, i: usize) -> Option<char> {
    s.get(i..)?.chars().next()
}

/// The class and the length of the char at byte `i` of `s`; most text is ASCII, which
/// needs no decoding.
#[inline]
fn class_at(s: &str, i: usize) -> Option<(u8, usize)> {
    let b = *s.as_bytes().get(i)?;
    if b.is_ascii() {
        return Some((ASCII_CLASSES[usize::from(b)], 1));
    }
    let c = char_at(s, i)?;
    Some((char_class(c), c.len_utf8()))
}

/// Past a run of `LMN` chars starting at `i`.
fn skip_lmn(s: &str, mut i: usize) -> usize {
    let bytes = s.as_bytes();
    loop {
        // ASCII letters and digits (the `LMN` of ASCII) without decoding.
        while bytes.get(i).is_some_and(u8::is_ascii_alphanumeric) {
            i += 1;
        }
        match class_at(s, i) {
            Some((class, len)) if class & LMN != 0 => i += len,
            _ => return i,
        }
    }
}

/// Raw token ranges in `s`: acronyms with dots (U.S., U.K.), words with inner
/// hyphens/apostrophes, or one non-space symbol. A hand-written scanner for the regex
/// `(?:\p{Lu}\.){2,}|[\p{L}\p{M}\p{N}]+(?:[-'’‐][\p{L}\p{M}\p{N}]+)*|[^\s\p{L}\p{M}\p{N}]`
/// (leftmost-first, as the regex crate matches), which was an eighth of start-up. A test
/// holds the two side by side.
struct RawTokens<'a> {
    s: &'a str,
    pos: usize,
}

impl Iterator for RawTokens<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        let s = self.s;
        let (first_class, first_len) = loop {
            let (class, len) = class_at(s, self.pos)?;
            if class & SPACE == 0 {
                break (class, len);
            }
            self.pos += len;
        };
        let start = self.pos;
        // First alternative: two or more capitals, each followed by a period.
        let mut end = start;
        let mut letters = 0;
        while let Some((class, len)) = class_at(s, end)
            && class & UPPER != 0
            && s.as_bytes().get(end + len) == Some(&b'.')
        {
            end += len + 1;
            letters += 1;
        }
        if letters < 2 {
            end = start + first_len;
            if first_class & LMN != 0 {
                // Second: a word, and more words joined by a hyphen or an apostrophe.
                end = skip_lmn(s, end);
                while let Some(joint) = char_at(s, end)
                    && matches!(joint, '-' | '\'' | '’' | '‐')
                    && class_at(s, end + joint.len_utf8()).is_some_and(|(c, _)| c & LMN != 0)
                {
                    end = skip_lmn(s, end + joint.len_utf8());
                }
            }
            // Otherwise the third: the symbol alone.
        }
        self.pos = end;
        Some(start..end)
    }
}

fn party_tag_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // "(R-S.C.)", "(D-Calif.)", "(I-Vt.)": a US legislator's party and state.
        Regex::new(r"\([RDI]-[\p{L}. ]{1,20}\)").expect("party tag pattern is valid")
    })
}

fn tokenize<'a>(text: &'a str, range: &Range<usize>) -> Vec<Tok<'a>> {
    let slice = &text[range.clone()];
    // Most sentences have no parenthesis; those skip the search.
    let skips: Vec<Range<usize>> = if slice.contains('(') {
        party_tag_re()
            .find_iter(slice)
            .map(|m| range.start + m.start()..range.start + m.end())
            .collect()
    } else {
        Vec::new()
    };
    let mut raw = RawTokens { s: slice, pos: 0 }
        .map(|r| (range.start + r.start, range.start + r.end))
        .peekable();
    let mut toks: Vec<Tok> = Vec::with_capacity(slice.len() / 5 + 1);
    while let Some((s, mut e)) = raw.next() {
        let t = &text[s..e];
        let word = t.chars().next().is_some_and(char::is_alphanumeric);
        // Keep the period of "Sen." and of a middle initial ("John F. Kennedy").
        if word
            && let Some(&(ps, pe)) = raw.peek()
            && ps == e
            && &text[ps..pe] == "."
        {
            let single_cap = t.chars().count() == 1 && t.chars().all(char::is_uppercase);
            if single_cap || in_list(bit::ABBREVIATIONS, t) {
                e += 1;
                raw.next();
            }
        }
        let full = &text[s..e];
        let (text_no_poss, possessive) =
            match full.strip_suffix("'s").or_else(|| full.strip_suffix("’s")) {
                Some(stem) if !stem.is_empty() && word => (stem, true),
                _ => (full, false),
            };
        let skip = skips.iter().any(|r| r.start <= s && e <= r.end);
        toks.push(Tok {
            start: s,
            end: s + text_no_poss.len(),
            text: text_no_poss,
            word,
            possessive,
            initial: false,
            skip,
            // Every listed word starts with a letter or digit (a test checks): punctuation
            // needs no lookup.
            lists: if word { lists_of(text_no_poss) } else { 0 },
        });
    }
    // Mark sentence- and quotation-initial words.
    let mut seen_word = false;
    for k in 0..toks.len() {
        if toks[k].word {
            let after_open = k > 0 && {
                let p = toks[k - 1].text;
                p == "“" || p == "‘" || p == "«" || (p == "\"" && (k == 1 || !toks[k - 2].word))
            };
            toks[k].initial = !seen_word || after_open;
            seen_word = true;
        }
    }
    toks
}

// ---------------------------------------------------------------------------
// Candidate mentions.
// ---------------------------------------------------------------------------

/// How sure the kind is: lexicon/role evidence beats a contextual cue beats a guess.
const STRONG: u8 = 2;
const CUE: u8 = 1;
const GUESS: u8 = 0;

#[derive(Debug, Clone)]
struct Candidate {
    range: Range<usize>,
    kind: EntityKind,
    role: Option<Range<usize>>,
    strength: u8,
    /// A lone capitalised word at the start of a sentence with nothing else showing it
    /// is a name: only kept when the article uses it elsewhere as a name.
    weak_initial: bool,
    /// Canonical place name when a gazetteer entry or demonym matched.
    place: Option<&'static str>,
}

fn is_role_head(t: &Tok) -> bool {
    if t.in_list(bit::ROLE_HEADS) {
        return true;
    }
    // "President-elect", "Secretary-designate".
    match t.text.split_once('-') {
        Some((head, tail)) => {
            in_list(bit::ROLE_HEADS, head) && matches!(tail, "elect" | "Elect" | "designate")
        }
        None => false,
    }
}

/// Can this token be part of a capitalised name span?
fn is_name_token(toks: &[Tok], i: usize) -> bool {
    let t = &toks[i];
    if !t.word || t.skip || !t.first_upper() || t.is_contraction() {
        return false;
    }
    if t.in_list(bit::STOP_CAPS) {
        return false;
    }
    let chars = t.text.chars().count();
    // A lone capital letter is a pronoun "I" or a list label, unless it is an initial ("F.").
    if chars == 1 {
        return false;
    }
    if chars == 2 && t.text.ends_with('.') && !is_role_head(t) && !t.in_list(bit::HONORIFICS) {
        // Middle initial: only inside a run, checked by the caller.
        return i > 0 && toks[i - 1].word && toks[i - 1].first_upper();
    }
    // Hyphenated words with a lower-case part ("Russian-occupied") are adjectives.
    if t.text.contains('-')
        && !is_role_head(t)
        && t.text
            .split('-')
            .skip(1)
            .any(|p| p.chars().next().is_some_and(char::is_lowercase))
    {
        return false;
    }
    if t.initial
        && !t.in_list(bit::QUALIFIERS)
        && t.text.chars().skip(1).all(char::is_lowercase)
        && (t.text.ends_with("ly") || t.text.ends_with("ing"))
    {
        // "Shortly", "Additionally", "Following": sentence-initial adverbs and participles.
        return false;
    }
    true
}

fn is_month(t: &Tok) -> bool {
    t.in_list(bit::MONTHS_DAYS)
}

/// Maximal capitalised spans, as token index ranges.
fn find_runs(toks: &[Tok]) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if !is_name_token(toks, i) || is_month(&toks[i]) {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + 1;
        if !toks[i].possessive {
            loop {
                if end < toks.len() && is_name_token(toks, end) {
                    // A month inside a span is a surname ("Theresa May") unless a number follows.
                    if is_month(&toks[end])
                        && (toks.get(end + 1).is_some_and(|n| {
                            n.text.chars().next().is_some_and(|c| c.is_ascii_digit())
                        }) || !toks[end - 1].is_titlecase())
                    {
                        break;
                    }
                    end += 1;
                    if toks[end - 1].possessive {
                        break;
                    }
                    continue;
                }
                // Connectors: "of" after a title or institution word, or name particles
                // ("Ursula von der Leyen", "Lula da Silva").
                let mut gap = 0;
                if toks.get(end).is_some_and(|t| t.is("of")) && toks[end - 1].in_list(bit::OF_HEADS)
                {
                    gap = 1;
                } else if toks[end - 1].is_titlecase() {
                    while toks
                        .get(end + gap)
                        .is_some_and(|t| t.in_list(bit::NAME_PARTICLES))
                        && gap < 3
                    {
                        gap += 1;
                    }
                }
                if gap > 0 && end + gap < toks.len() && is_name_token(toks, end + gap) {
                    end += gap + 1;
                    if toks[end - 1].possessive {
                        break;
                    }
                    continue;
                }
                break;
            }
        }
        runs.push(start..end);
        i = end;
    }
    runs
}

fn is_speech_verb(t: &Tok) -> bool {
    t.word && t.in_list(bit::SPEECH_VERBS)
}

/// The lower-case words right after token `after` (exclusive), up to a punctuation mark.
fn following_lower<'t, 'a>(toks: &'t [Tok<'a>], after: usize) -> impl Iterator<Item = &'t Tok<'a>> {
    // A closing quote mark may sit between the name and its noun ("'Weimar Triangle' alliance").
    let skip_quote = toks
        .get(after + 1)
        .is_some_and(|t| matches!(t.text, "'" | "’" | "\"" | "”"));
    toks.iter()
        .skip(after + 1 + usize::from(skip_quote))
        .take_while(|t| t.is_lower())
}

/// Is the span followed by a thing noun, allowing a few modifiers in between
/// ("Patriot air defense systems", "HIMARS long-range rocket system")?
fn followed_by_thing(toks: &[Tok], last: usize) -> bool {
    for (k, t) in following_lower(toks, last).take(4).enumerate() {
        if t.in_list(bit::THING_FOLLOW) {
            return true;
        }
        // Modifiers only: a function word, a verb-looking word or a plural noun stops it.
        let w = t.text;
        if k >= 3 || t.in_list(bit::STOP_LOWER) || w.ends_with("ed") || w.ends_with('s') {
            return false;
        }
    }
    false
}

fn prev_word<'a>(toks: &'a [Tok], first: usize) -> Option<&'a Tok<'a>> {
    first.checked_sub(1).and_then(|p| toks.get(p))
}

/// Decide the kind of a name span `toks[span]` from its words and its context.
fn classify(
    text: &str,
    toks: &[Tok],
    span: &Range<usize>,
    has_person_cue: bool,
) -> (EntityKind, u8, Option<&'static str>) {
    let (first, last) = (span.start, span.end - 1);
    let words = &toks[span.clone()];
    let joined = join_span(text, toks, span);
    if has_person_cue {
        return (EntityKind::Person, STRONG, None);
    }
    if let Some(p) = place_canonical(joined) {
        // "Washington Post" is caught below by its suffix; a bare place name stays a place,
        // unless a thing noun follows ("Patriot" is not in the gazetteer anyway).
        return (EntityKind::Place, STRONG, Some(p));
    }
    if let Some(p) = demonym_place(joined) {
        return (EntityKind::Place, STRONG, Some(p));
    }
    let (Some(first_word), Some(last_word)) = (words.first(), words.last()) else {
        return (EntityKind::Org, GUESS, None);
    };
    if last_word.in_list(bit::THING_SUFFIX) || first_word.is("Operation") {
        return (EntityKind::Thing, STRONG, None);
    }
    if followed_by_thing(toks, last) {
        return (EntityKind::Thing, STRONG, None);
    }
    if last_word.in_list(bit::ORG_SUFFIX)
        || first_word.in_list(bit::ORG_PREFIX)
        || in_list(bit::INSTITUTIONS, joined)
    {
        return (EntityKind::Org, STRONG, None);
    }
    if last_word.in_list(bit::PLACE_SUFFIX) {
        return (EntityKind::Place, STRONG, None);
    }
    let next = following_lower(toks, last).next().map_or(0, |t| t.lists);
    if next & bit::PLACE_FOLLOW != 0 {
        return (EntityKind::Place, STRONG, None);
    }
    if next & bit::ORG_FOLLOW != 0 {
        return (EntityKind::Org, CUE, None);
    }
    let any_acronym = words.iter().any(Tok::is_acronym);
    let any_place = words
        .iter()
        .any(|t| place_canonical(t.text).is_some() || demonym_place(t.text).is_some());
    if next & bit::PERSON_FOLLOW != 0 && !any_acronym && !any_place && words.len() <= 3 {
        return (EntityKind::Person, CUE, None);
    }
    if any_acronym {
        return (EntityKind::Org, CUE, None);
    }
    if any_place || words.iter().any(|t| t.is("of")) {
        return (EntityKind::Org, GUESS, None);
    }
    if words.len() >= 2
        && words
            .iter()
            .all(|t| t.is_titlecase() || t.in_list(bit::NAME_PARTICLES) || t.text.ends_with('.'))
    {
        return (EntityKind::Person, CUE, None);
    }
    // A single unknown word: the context decides.
    let (after, after2) = (toks.get(last + 1), toks.get(last + 2));
    let speaks = after.is_some_and(is_speech_verb)
        || (after.is_some_and(|t| t.is(",")) && after2.is_some_and(|t| t.is("who")));
    let determiner = prev_word(toks, first).is_some_and(|p| p.is("the") || p.is("The"));
    if (speaks || has_surname_ending(toks[first].text)) && !determiner {
        return (EntityKind::Person, CUE, None);
    }
    (EntityKind::Org, GUESS, None)
}

/// Surname endings common in news names (Slavic, Armenian, Romanian, Greek): morphology,
/// not a list of people. Only used for a lone word that nothing else explains.
fn has_surname_ending(word: &str) -> bool {
    const ENDINGS: &[&str] = &[
        "ov", "ova", "ev", "eva", "sky", "skyy", "skiy", "ski", "ska", "enko", "chuk", "vich",
        "yan", "escu", "opoulos", "idis",
    ];
    word.chars().count() >= 5
        && word.chars().skip(1).all(char::is_lowercase)
        && ENDINGS.iter().any(|e| word.ends_with(e))
}

fn join_span<'a>(text: &'a str, toks: &[Tok], span: &Range<usize>) -> &'a str {
    match (toks.get(span.start), toks.get(span.end.saturating_sub(1))) {
        (Some(a), Some(b)) => text.get(a.start..b.end).unwrap_or(""),
        _ => "",
    }
}

/// A capitalised-word group inside a role ("NATO" in "NATO Secretary-General",
/// "Kremlin" in "Kremlin spokesman") names the institution: emit it as its own mention.
fn emit_role_institutions(text: &str, toks: &[Tok], range: Range<usize>, out: &mut Vec<Candidate>) {
    let mut k = range.start;
    while k < range.end {
        let usable = |t: &Tok| {
            t.word
                && t.first_upper()
                && !t.in_list(bit::QUALIFIERS)
                && !is_role_head(t)
                && !t.in_list(bit::HONORIFICS)
                && !t.in_list(bit::STOP_CAPS)
        };
        if !usable(&toks[k]) {
            k += 1;
            continue;
        }
        let start = k;
        while k < range.end && usable(&toks[k]) && (k == start || !toks[k - 1].possessive) {
            k += 1;
        }
        let span = start..k;
        let (kind, strength, place) = classify(text, toks, &span, false);
        // A capitalised word heading a sentence ("Defense industry analyst") that no lexicon
        // knows is more likely a common word than an institution.
        if span.len() == 1 && toks[start].initial && strength == GUESS {
            continue;
        }
        // Two capitalised words before a role are an institution, not a person.
        let kind = if kind == EntityKind::Person {
            EntityKind::Org
        } else {
            kind
        };
        out.push(Candidate {
            range: toks[span.start].start..toks[span.end - 1].end,
            kind,
            role: None,
            strength: strength.min(CUE),
            weak_initial: false,
            place,
        });
    }
}

/// Does a lower-case word look like part of a role phrase ("defense industry analyst")?
fn is_role_modifier(t: &Tok) -> bool {
    let w = t.text;
    if !t.word || t.in_list(bit::STOP_LOWER) || is_speech_verb(t) {
        return false;
    }
    let adverb = w.ends_with("ly");
    let past_tense = w.ends_with("ed") && w != "retired";
    let numeric = w.chars().any(|c| c.is_ascii_digit());
    !adverb && !past_tense && !numeric
}

fn is_lower_role_noun(t: &Tok) -> bool {
    if !t.is_lower() {
        return false;
    }
    // Lower-case already, as nearly every such word is: no copy needed.
    let lowered;
    let w = if t.text.chars().any(char::is_uppercase) {
        lowered = t.text.to_lowercase();
        lowered.as_str()
    } else {
        t.text
    };
    in_list(bit::LOWER_ROLE_NOUNS, w) || w.split('-').any(|p| in_list(bit::LOWER_ROLE_NOUNS, p))
}

/// A role stated in apposition after the name: "Mark Rutte, the NATO secretary-general, said".
fn appositive_role(toks: &[Tok], last: usize) -> Option<Range<usize>> {
    if !toks.get(last + 1)?.is(",") {
        return None;
    }
    let mut k = last + 2;
    if toks
        .get(k)
        .is_some_and(|t| t.is("the") || t.is("a") || t.is("an"))
    {
        k += 1;
    }
    let start = k;
    let mut has_role = false;
    while k < toks.len() && toks[k].word {
        let t = &toks[k];
        if t.is_lower() {
            if t.in_list(bit::STOP_LOWER) && !matches!(t.text, "of" | "at" | "for") {
                return None;
            }
            if is_speech_verb(t) {
                return None;
            }
        }
        if is_lower_role_noun(t) || is_role_head(t) {
            has_role = true;
        }
        k += 1;
        if k - start > 7 {
            return None;
        }
    }
    let ends_clause = k >= toks.len() || matches!(toks[k].text, "," | "." | ";" | ")" | "—" | "–");
    if has_role && ends_clause && k > start {
        Some(toks[start].start..toks[k - 1].end)
    } else {
        None
    }
}

fn process_run(
    text: &str,
    toks: &[Tok],
    run: Range<usize>,
    claimed: &mut [bool],
    out: &mut Vec<Candidate>,
) {
    let (mut s, e) = (run.start, run.end);
    let mut person_cue = false;
    while s < e && toks[s].in_list(bit::HONORIFICS) {
        s += 1;
        person_cue = true;
    }
    if s >= e {
        return;
    }
    // "Russia-Ukraine": two places joined by a hyphen.
    if e - s == 1 && toks[s].text.contains('-') && place_canonical(toks[s].text).is_none() {
        let parts: Vec<&str> = toks[s].text.split('-').collect();
        if parts
            .iter()
            .all(|p| place_canonical(p).is_some() || demonym_place(p).is_some())
        {
            let mut off = toks[s].start;
            for p in parts {
                out.push(Candidate {
                    range: off..off + p.len(),
                    kind: EntityKind::Place,
                    role: None,
                    strength: STRONG,
                    weak_initial: false,
                    place: place_canonical(p).or_else(|| demonym_place(p)),
                });
                off += p.len() + 1;
            }
            return;
        }
    }
    // A title inside the span: the last role head that still has a name after it.
    if let Some(h) = (s..e.saturating_sub(1))
        .rev()
        .find(|&k| is_role_head(&toks[k]))
    {
        let mut h_end = h;
        if h + 3 < e && toks[h + 1].is("of") {
            h_end = h + 2; // "Secretary of State Antony Blinken"
        }
        let name = h_end + 1..e;
        let name_is_institution = toks[e - 1]
            .in_list(bit::ORG_SUFFIX | bit::THING_SUFFIX | bit::PLACE_SUFFIX)
            || place_canonical(join_span(text, toks, &name)).is_some();
        if !name.is_empty() && !name_is_institution {
            emit_role_institutions(text, toks, s..h, out);
            push_person(toks, name, Some(toks[s].start..toks[h_end].end), out);
            return;
        }
    }
    let span = s..e;
    let mut role = None;
    // A lower-case role noun right before the name: "Kremlin spokesman Dmitry Peskov".
    // Or set off by commas: "A Pentagon spokesperson, Sabrina Singh, said".
    let comma_role = s >= 2
        && toks[s - 1].is(",")
        && is_lower_role_noun(&toks[s - 2])
        && toks
            .get(e)
            .is_none_or(|t| matches!(t.text, "," | "." | ";"));
    if s == run.start && s > 0 && (is_lower_role_noun(&toks[s - 1]) || comma_role) {
        let (kind, strength, _) = classify(text, toks, &span, false);
        let institution = strength == STRONG && kind != EntityKind::Person;
        if !institution {
            let head = if comma_role && !is_lower_role_noun(&toks[s - 1]) {
                s - 2
            } else {
                s - 1
            };
            let mut m = head;
            let mut taken = 0;
            while m > 0 && taken < 3 {
                let t = &toks[m - 1];
                let ok = if t.is_lower() {
                    is_role_modifier(t)
                } else {
                    t.word && t.first_upper() && !t.skip && !t.in_list(bit::STOP_CAPS)
                };
                if !ok || t.possessive {
                    break;
                }
                m -= 1;
                taken += 1;
            }
            for c in claimed.iter_mut().take(s).skip(m) {
                *c = true;
            }
            emit_role_institutions(text, toks, m..head, out);
            role = Some(toks[m].start..toks[head].end);
            person_cue = true;
        }
    }
    if role.is_none()
        && let Some(r) = appositive_role(toks, e - 1)
    {
        {
            let (kind, strength, _) = classify(text, toks, &span, false);
            if strength < STRONG || kind == EntityKind::Person {
                role = Some(r);
                person_cue = true;
            }
        }
    }
    if person_cue {
        push_person(toks, span, role, out);
        return;
    }
    let (kind, strength, place) = classify(text, toks, &span, false);
    let first = &toks[span.start];
    let next = toks.get(span.end);
    let subject_like = next.is_some_and(|n| n.in_list(bit::AUX_AFTER) || is_speech_verb(n));
    // Only a lexicon hit or a person cue makes a lone sentence-initial word a name by itself.
    let unproven = strength == GUESS || (kind != EntityKind::Person && strength < STRONG);
    // "Prosecutors said", "Officials warned": a plural common noun opening the sentence.
    let plural_agent = ["ors", "ers", "ists", "ants", "ents", "ials", "ics", "ives"]
        .iter()
        .any(|e| first.text.ends_with(e));
    let weak_initial = span.len() == 1
        && first.initial
        && ((unproven && !first.possessive && !subject_like)
            || (plural_agent && strength < STRONG));
    out.push(Candidate {
        range: first.start..toks[span.end - 1].end,
        kind,
        role: None,
        strength,
        weak_initial,
        place,
    });
}

fn push_person(
    toks: &[Tok],
    span: Range<usize>,
    role: Option<Range<usize>>,
    out: &mut Vec<Candidate>,
) {
    if span.is_empty() {
        return;
    }
    out.push(Candidate {
        range: toks[span.start].start..toks[span.end - 1].end,
        kind: EntityKind::Person,
        role,
        strength: STRONG,
        weak_initial: false,
        place: None,
    });
}

/// Adjectives like "Russian-occupied", "American-supplied": the place part is a mention.
fn hyphen_place_prefixes(toks: &[Tok], out: &mut Vec<Candidate>) {
    for t in toks {
        if !t.word || !t.first_upper() || !t.text.contains('-') {
            continue;
        }
        let Some((head, tail)) = t.text.split_once('-') else {
            continue;
        };
        if !tail.chars().next().is_some_and(char::is_lowercase) {
            continue;
        }
        if let Some(p) = place_canonical(head).or_else(|| demonym_place(head)) {
            out.push(Candidate {
                range: t.start..t.start + head.len(),
                kind: EntityKind::Place,
                role: None,
                strength: STRONG,
                weak_initial: false,
                place: Some(p),
            });
        }
    }
}

/// Headline case ("Trump Open to Boosting Arms for Ukraine") without closing punctuation.
fn looks_like_heading(text: &str, toks: &[Tok], sentence: &Range<usize>) -> bool {
    let trimmed = text[sentence.clone()].trim_end();
    if trimmed
        .chars()
        .last()
        .is_some_and(|c| ".!?:;\"”’)…".contains(c))
    {
        return false;
    }
    let long: Vec<&Tok> = toks
        .iter()
        .filter(|t| t.word && t.text.chars().count() > 3)
        .collect();
    if long.len() < 3 {
        return false;
    }
    let caps = long.iter().filter(|t| t.first_upper()).count();
    caps * 10 >= long.len() * 7
}

/// All candidate mentions of a sentence, including weak ones the caller may filter, from
/// its tokens.
fn scan(text: &str, toks: &[Tok], sentence: &Range<usize>) -> Vec<Candidate> {
    if sentence.is_empty() || looks_like_heading(text, toks, sentence) {
        return Vec::new();
    }
    let runs = find_runs(toks);
    let mut claimed = vec![false; toks.len()];
    let mut out = Vec::new();
    // Right to left, so a name can claim the capitalised words of its role
    // ("Kremlin spokesman Dmitry Peskov") before they are read as a name of their own.
    for run in runs.iter().rev() {
        let mut run = run.clone();
        while run.end > run.start && claimed[run.end - 1] {
            run.end -= 1;
        }
        if run.is_empty() {
            continue;
        }
        process_run(text, toks, run, &mut claimed, &mut out);
    }
    hyphen_place_prefixes(toks, &mut out);
    out.retain(|c| !c.range.is_empty());
    out.sort_by_key(|c| (c.range.start, c.range.end));
    out.dedup_by(|a, b| a.range == b.range);
    out
}

/// One sentence tokenized and scanned once: its tokens and candidates serve the
/// mentions, the article's lower-case words and the quotes of this sentence and the next.
struct Sentence<'a> {
    /// The caller's range clamped to the text and to char boundaries.
    range: Range<usize>,
    toks: Vec<Tok<'a>>,
    cands: Vec<Candidate>,
}

impl<'a> Sentence<'a> {
    fn new(text: &'a str, range: &Range<usize>) -> Sentence<'a> {
        let range = clamp(text, range);
        if range.is_empty() {
            return Sentence {
                range,
                toks: Vec::new(),
                cands: Vec::new(),
            };
        }
        let toks = tokenize(text, &range);
        let cands = scan(text, &toks, &range);
        Sentence { range, toks, cands }
    }

    /// The candidates that are mentions (weak sentence-initial words left out).
    fn mentions(&self) -> impl Iterator<Item = &Candidate> {
        self.cands.iter().filter(|c| !c.weak_initial)
    }
}

/// Mentions in one sentence `text[sentence]` (sentence ranges come from the caller's
/// splitter; the caller passes prose only, no headings or page furniture).
pub fn mentions(text: &str, sentence: Range<usize>) -> Vec<Mention> {
    Sentence::new(text, &sentence)
        .mentions()
        .map(|c| Mention {
            range: c.range.clone(),
            kind: c.kind,
            role: c.role.clone(),
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Quotes.
// ---------------------------------------------------------------------------

/// A quotation inside a sentence: the marks (if present) and the words between them.
struct QuoteSpan {
    open: Option<usize>,
    close: Option<Range<usize>>,
    inner: Range<usize>,
}

fn quote_spans(text: &str, sentence: &Range<usize>) -> Vec<QuoteSpan> {
    let mut spans = Vec::new();
    let mut open: Option<(usize, usize)> = None; // (mark start, mark end)
    for (i, c) in quote_marks(&text[sentence.clone()]) {
        let pos = sentence.start + i;
        let len = c.len_utf8();
        let opening = matches!(c, '“' | '«' | '„') || (c == '"' && open.is_none());
        let closing = matches!(c, '”' | '»') || (c == '"' && open.is_some());
        if closing {
            match open.take() {
                Some((os, oe)) => spans.push(QuoteSpan {
                    open: Some(os),
                    close: Some(pos..pos + len),
                    inner: oe..pos,
                }),
                None if spans.is_empty() => spans.push(QuoteSpan {
                    // A quotation carried over from the previous sentence.
                    open: None,
                    close: Some(pos..pos + len),
                    inner: sentence.start..pos,
                }),
                None => {}
            }
        } else if opening {
            open = Some((pos, pos + len));
        }
    }
    if let Some((os, oe)) = open {
        // Unclosed: the quotation runs on past this sentence.
        spans.push(QuoteSpan {
            open: Some(os),
            close: None,
            inner: oe..sentence.end,
        });
    }
    for q in &mut spans {
        q.inner = trim_quote(text, q.inner.clone());
    }
    spans.retain(|q| text[q.inner.clone()].chars().any(char::is_alphanumeric));
    spans
}

/// The characters of `s` that may be quotation marks (`"`, and every character whose
/// first byte is that of `“`, `”`, `„`, `«` or `»`), with their offsets.
fn quote_marks(s: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    super::chars_led_by(s, 0, |b| matches!(b, b'"' | 0xE2 | 0xC2))
}

/// Trim spaces and the comma that closes a quoted clause ("…stop," Trump said).
fn trim_quote(text: &str, r: Range<usize>) -> Range<usize> {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let t = s.trim_start().trim_end();
    let t = t.strip_suffix(',').unwrap_or(t).trim_end();
    r.start + lead..r.start + lead + t.len()
}

fn can_speak(m: &Candidate) -> bool {
    m.kind != EntityKind::Thing
}

/// The speaker before a speech verb at byte `verb`: the nearest person before it, or an
/// organisation/place standing right before it ("the Kremlin said").
fn subject_before(ms: &[&Candidate], toks: &[Tok], verb: usize) -> Option<Range<usize>> {
    let before: Vec<&&Candidate> = ms.iter().filter(|m| m.range.end <= verb).collect();
    if let Some(p) = before.iter().rev().find(|m| m.kind == EntityKind::Person) {
        return Some(p.range.clone());
    }
    let last = before.last()?;
    let gap = toks
        .iter()
        .filter(|t| t.word && t.start >= last.range.end && t.start < verb)
        .count();
    (gap <= 1 && can_speak(last)).then(|| last.range.clone())
}

fn is_pronoun(t: &Tok) -> bool {
    matches!(t.text, "he" | "she" | "He" | "She" | "they" | "They")
}

/// Person a pronoun most likely refers to: the first person of the previous sentence.
fn pronoun_referent(previous: Option<&Sentence>) -> Option<Range<usize>> {
    previous?
        .mentions()
        .find(|m| m.kind == EntityKind::Person)
        .map(|m| m.range.clone())
}

/// Speaker stated in a sentence that introduces a quotation ("Blinken stated from Brussels:").
fn speaker_in_intro(intro: &Sentence) -> Option<Range<usize>> {
    let toks = &intro.toks;
    let ms_refs: Vec<&Candidate> = intro.mentions().filter(|m| can_speak(m)).collect();
    let verb = toks.iter().rev().find(|t| is_speech_verb(t))?;
    subject_before(&ms_refs, toks, verb.start).or_else(|| {
        ms_refs
            .iter()
            .find(|m| m.kind == EntityKind::Person && m.range.start > verb.start)
            .map(|m| m.range.clone())
    })
}

/// Direct quotes in one sentence; `previous` is the previous sentence of the same
/// paragraph or the one before (for "X said:" followed by a quote), if any.
pub fn quotes(text: &str, sentence: Range<usize>, previous: Option<Range<usize>>) -> Vec<Quote> {
    let sentence = Sentence::new(text, &sentence);
    let previous = previous
        .map(|p| Sentence::new(text, &p))
        .filter(|p| !p.range.is_empty());
    quotes_in(text, &sentence, previous.as_ref())
}

/// `quotes` over sentences already scanned (an article scans each sentence once).
fn quotes_in(text: &str, sentence: &Sentence, previous: Option<&Sentence>) -> Vec<Quote> {
    if sentence.range.is_empty() {
        return Vec::new();
    }
    let spans = quote_spans(text, &sentence.range);
    if spans.is_empty() {
        // A block quotation without marks after "X stated from Brussels:".
        let Some(prev) = previous else {
            return Vec::new();
        };
        if !text[prev.range.clone()].trim_end().ends_with(':') {
            return Vec::new();
        }
        let Some(speaker) = speaker_in_intro(prev) else {
            return Vec::new();
        };
        let inner = trim_quote(text, sentence.range.clone());
        if inner.is_empty() {
            return Vec::new();
        }
        return vec![Quote {
            range: inner,
            speaker,
        }];
    }
    let toks = &sentence.toks;
    let in_quote = |r: &Range<usize>| {
        spans.iter().any(|q| {
            let lo = q.open.unwrap_or(q.inner.start);
            let hi = q.close.as_ref().map_or(q.inner.end, |c| c.end);
            r.start >= lo && r.end <= hi
        })
    };
    let outside: Vec<&Candidate> = sentence
        .mentions()
        .filter(|m| can_speak(m) && !in_quote(&m.range))
        .collect();
    let verbs: Vec<&Tok> = toks
        .iter()
        .filter(|t| is_speech_verb(t) && !in_quote(&(t.start..t.end)))
        .collect();
    let mut out = Vec::new();
    for q in &spans {
        let speaker = speaker_after(q, toks, &outside, &in_quote, || pronoun_referent(previous))
            .or_else(|| {
                let open = q.open?;
                let verb = verbs.iter().rev().find(|v| v.end <= open)?;
                let before_verb = toks.iter().take_while(|t| t.start < verb.start);
                let pronoun_subject = before_verb
                    .filter(|t| t.word)
                    .last()
                    .is_some_and(is_pronoun);
                if pronoun_subject && !outside.iter().any(|m| m.range.end <= verb.start) {
                    return pronoun_referent(previous);
                }
                subject_before(&outside, toks, verb.start)
            })
            .or_else(|| {
                // Nothing before the quotation in this sentence: the previous one introduced it.
                let nothing_before = !toks
                    .iter()
                    .any(|t| t.word && t.end <= q.open.unwrap_or(q.inner.start));
                if !nothing_before {
                    return None;
                }
                let prev = previous?;
                let intro = text[prev.range.clone()].trim_end();
                if intro.ends_with(':') {
                    speaker_in_intro(prev)
                } else {
                    None
                }
            });
        if let Some(speaker) = speaker {
            out.push(Quote {
                range: q.inner.clone(),
                speaker,
            });
        }
    }
    out
}

/// `"…," Trump remarked` / `"…," said Kremlin spokesman Dmitry Peskov` / `"…," he said`.
fn speaker_after(
    q: &QuoteSpan,
    toks: &[Tok],
    outside: &[&Candidate],
    in_quote: &dyn Fn(&Range<usize>) -> bool,
    pronoun_fallback: impl Fn() -> Option<Range<usize>>,
) -> Option<Range<usize>> {
    let close = q.close.as_ref()?;
    let after: Vec<&Tok> = toks
        .iter()
        .filter(|t| t.start >= close.end)
        .take_while(|t| !in_quote(&(t.start..t.end)))
        .take(10)
        .collect();
    let vi = after.iter().position(|t| is_speech_verb(t))?;
    let verb = after[vi];
    // Only names, roles, pronouns and punctuation may stand between the quote and the verb.
    let between_ok = after[..vi]
        .iter()
        .all(|t| !t.is_lower() || is_lower_role_noun(t) || is_pronoun(t) || is_role_modifier(t));
    if !between_ok || vi > 7 {
        return None;
    }
    let between: Vec<&&Candidate> = outside
        .iter()
        .filter(|m| m.range.start >= close.end && m.range.end <= verb.start)
        .collect();
    if let Some(p) = between
        .iter()
        .rev()
        .find(|m| m.kind == EntityKind::Person)
        .or(between.last())
    {
        return Some(p.range.clone());
    }
    if after[..vi].iter().any(|t| is_pronoun(t)) {
        // "he said": the person named before the quotation in this sentence, if any.
        return outside
            .iter()
            .rev()
            .find(|m| m.kind == EntityKind::Person && m.range.end <= q.open.unwrap_or(close.start))
            .map(|m| m.range.clone())
            .or_else(pronoun_fallback);
    }
    // "said Trump": the first name after the verb, past any role words.
    outside
        .iter()
        .filter(|m| m.range.start > verb.start)
        .take(3)
        .find(|m| m.kind == EntityKind::Person)
        .map(|m| m.range.clone())
        .filter(|r| {
            toks.iter()
                .filter(|t| t.start > verb.start && t.start < r.start && t.is_lower())
                .all(|t| is_lower_role_noun(t) || is_role_modifier(t))
        })
}

// ---------------------------------------------------------------------------
// Resolution within an article.
// ---------------------------------------------------------------------------

/// Folded name words joined by single spaces (a folded word never holds one), with their
/// count: a name compared word by word without a `Vec` of words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Name<'a> {
    joined: &'a str,
    len: usize,
}

impl<'a> Name<'a> {
    const EMPTY: Name<'static> = Name { joined: "", len: 0 };

    fn words(self) -> impl Iterator<Item = &'a str> {
        self.joined.split(' ').take(self.len)
    }

    /// Is `self` a short form of the person `full` (its surname, or its last words)?
    fn is_short_form_of(self, full: Name, max_edits: usize) -> bool {
        if self.len == 0 || self.len >= full.len {
            return false;
        }
        self.words()
            .zip(full.words().skip(full.len - self.len))
            .all(|(a, b)| similar_token(a, b, max_edits))
    }

    /// Two full names of one person written differently ("Volodymyr Zelenskyy" / "Zelensky").
    fn same_full_name(self, other: Name) -> bool {
        self.len == other.len
            && self
                .words()
                .zip(other.words())
                .all(|(x, y)| similar_token(x, y, 2))
    }

    /// Bucket for persons: the first letters of the surname (transliteration variants
    /// share them, see `similar_token`).
    fn surname_bucket(self) -> &'a str {
        // The last word (`words` has `len` of them; none when `joined` is empty).
        let last = self.joined.rsplit(' ').next().unwrap_or("");
        match last.char_indices().nth(4) {
            Some((i, _)) => &last[..i],
            None => last,
        }
    }
}

/// The folded words of `surface` appended to `out`, joined by spaces; returns their count.
fn fold_name(surface: &str, out: &mut String) -> usize {
    let mut n = 0;
    for w in surface.split(char::is_whitespace).filter(|w| !w.is_empty()) {
        if n > 0 {
            out.push(' ');
        }
        fold_into(w, out);
        n += 1;
    }
    n
}

/// What groups fall together under: a canonical place (folded), or else the folded name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum GroupKey<'a> {
    Place(&'static str),
    Name(&'a str),
}

fn group_key<'a>(place: Option<&'static str>, name: Name<'a>) -> GroupKey<'a> {
    match place {
        Some(p) => GroupKey::Place(place_key(p)),
        None => GroupKey::Name(name.joined),
    }
}

/// One candidate mention placed in its article.
struct Occ<'a> {
    cand: Candidate,
    surface: &'a str,
    /// Folded words of the surface form (see `Name`), the key for alias matching.
    name: String,
    words: usize,
}

impl Occ<'_> {
    fn name(&self) -> Name<'_> {
        Name {
            joined: &self.name,
            len: self.words,
        }
    }
}

/// Mentions of one entity within an article, as indices into the article's `Occ`s.
#[derive(Default)]
struct Group {
    occs: Vec<usize>,
    /// The first mention with the most words: its words are the group's (the full name).
    longest: Option<usize>,
    place: Option<&'static str>,
    quotes: Vec<Range<usize>>,
}

impl Group {
    fn push(&mut self, i: usize, occs: &[Occ]) {
        if occs[i].words > self.longest.map_or(0, |l| occs[l].words) {
            self.longest = Some(i);
        }
        self.place = self.place.or(occs[i].cand.place);
        self.occs.push(i);
    }
    fn name<'o>(&self, occs: &'o [Occ]) -> Name<'o> {
        self.longest.map_or(Name::EMPTY, |l| occs[l].name())
    }
    fn last_pos_before(&self, occs: &[Occ], pos: usize) -> Option<usize> {
        self.occs
            .iter()
            .map(|&o| occs[o].cand.range.start)
            .filter(|&start| start < pos)
            .max()
    }
}

/// Sentence-initial lone words survive only if the article also uses them as names, and
/// never writes them in lower case ("Defense officials", "Reports from").
fn keep_proven_initials(occs: &mut Vec<Occ>, sentences: &[Sentence]) {
    if !occs.iter().any(|o| o.cand.weak_initial) {
        return;
    }
    let keep: Vec<bool> = {
        let mut solid: FxSet<&str> = FxSet::default();
        for o in occs.iter().filter(|o| !o.cand.weak_initial) {
            solid.insert(&o.name);
            if o.cand.kind == EntityKind::Person {
                solid.extend(o.name().words());
            }
        }
        let wanted: FxSet<&str> = occs
            .iter()
            .filter(|o| o.cand.weak_initial && solid.contains(o.name.as_str()))
            .map(|o| o.name.as_str())
            .collect();
        // Only the wanted words need looking for among the lower-case ones.
        let mut lower: FxSet<&str> = FxSet::default();
        if !wanted.is_empty() {
            let mut folded = String::new();
            for t in sentences
                .iter()
                .flat_map(|s| &s.toks)
                .filter(|t| t.is_lower())
            {
                folded.clear();
                fold_into(t.text, &mut folded);
                if let Some(w) = wanted.get(folded.as_str()) {
                    lower.insert(w);
                }
            }
        }
        occs.iter()
            .map(|o| {
                let key = o.name.as_str();
                !o.cand.weak_initial || (wanted.contains(key) && !lower.contains(key))
            })
            .collect()
    };
    let mut k = 0;
    occs.retain(|_| {
        k += 1;
        keep[k - 1]
    });
}

/// Group one article's mentions: full names first, then short forms attach to the most
/// recent full name they fit, then everything else by its folded form.
fn group_occs<'o>(occs: &'o [Occ]) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut by_key: FxMap<GroupKey<'o>, usize> = FxMap::default();
    let mut group_of = |key: GroupKey<'o>, groups: &mut Vec<Group>| -> usize {
        *by_key.entry(key).or_insert_with(|| {
            groups.push(Group::default());
            groups.len() - 1
        })
    };
    let mut assigned = vec![false; occs.len()];
    for (i, o) in occs.iter().enumerate() {
        if o.cand.kind == EntityKind::Person && o.words >= 2 {
            let g = group_of(GroupKey::Name(&o.name), &mut groups);
            groups[g].push(i, occs);
            assigned[i] = true;
        }
    }
    let persons = groups.len();
    for (i, o) in occs.iter().enumerate() {
        if assigned[i] {
            continue;
        }
        let firm_other = o.cand.strength == STRONG && o.cand.kind != EntityKind::Person;
        if !firm_other {
            // Two people sharing a surname: the bare surname is the most recent one (ties to
            // the later group); failing that the one named first.
            let pos = o.cand.range.start;
            let mut recent: Option<(usize, usize)> = None;
            let mut first_named: Option<(usize, usize)> = None;
            for g in (0..persons).filter(|&g| o.name().is_short_form_of(groups[g].name(occs), 0)) {
                if let Some(p) = groups[g].last_pos_before(occs, pos)
                    && recent.is_none_or(|(best, _)| p >= best)
                {
                    recent = Some((p, g));
                }
                let first = groups[g]
                    .occs
                    .first()
                    .map_or(usize::MAX, |&x| occs[x].cand.range.start);
                if first_named.is_none_or(|(best, _)| first < best) {
                    first_named = Some((first, g));
                }
            }
            if let Some((_, g)) = recent.or(first_named) {
                groups[g].push(i, occs);
                continue;
            }
        }
        let g = group_of(group_key(o.cand.place, o.name()), &mut groups);
        groups[g].push(i, occs);
    }
    groups
}

/// One surface form of a group.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Form {
    /// In `ArticleEntities::strings`.
    text: Span,
    /// Its mentions in the group.
    count: u32,
    /// Its whitespace-separated words.
    words: u32,
}

/// One entity as far as one article knows it: what its mentions add up to.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ArticleGroup {
    /// Folded words of its longest form (a `Name`), in `strings`.
    name: Span,
    words: u32,
    place: PlaceId,
    /// Its forms in `forms`: distinct surfaces, first-seen order.
    forms: Span,
    /// In `forms`: the form of its last mention with the most words (an acronym's long
    /// form is read from it), and how many words that is.
    longest: u32,
    longest_words: u32,
    /// In `evidence`: kind and strength of each mention, in order.
    evidence: Span,
    /// In `spans`: mentions sorted by start without repeats; roles in mention order without
    /// immediate repeats; quotes sorted by start without repeats. Sorting and removing
    /// repeats here gives the same lists, once the articles are joined, as doing it then.
    mentions: Span,
    roles: Span,
    quotes: Span,
    /// Some form is in capitals ("NATO"): it may be an acronym of a long form.
    acronym: bool,
}

/// One article's entities: its mentions grouped within the article, with everything
/// `merge` needs to resolve them across articles and nothing of the text or its tokens.
/// It is kept for every article of a large corpus, so it is compact: all groups share a
/// few flat arrays, offsets are 32-bit (texts are cut to 4 GiB; the corpus caps an article
/// at 16 MB), and names and forms live in one string.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ArticleEntities {
    doc: usize,
    groups: Box<[ArticleGroup]>,
    forms: Box<[Form]>,
    /// Kind index << 2 | strength, one byte per mention.
    evidence: Box<[u8]>,
    spans: Box<[Span]>,
    strings: Box<str>,
}

/// An article's names, kept encoded (`Saved`) or in the names file beside the saved state
/// (`Filed`, see `corpus::names`): only a merge reads them, so they stay bytes (less than
/// half their decoded size, and a save writes them as they are). `Analysed` holds them
/// decoded.
#[derive(Debug, Clone)]
pub enum ArticleNames {
    Analysed(Box<ArticleEntities>),
    Saved(Box<[u8]>),
    Filed(Filed),
}

impl Default for ArticleNames {
    fn default() -> ArticleNames {
        ArticleNames::Analysed(Box::default())
    }
}

impl ArticleNames {
    /// The names as kept beside an article: encoded, as saved (less than half their
    /// decoded size; only a merge reads them).
    pub fn encoded(names: &ArticleEntities) -> ArticleNames {
        match postcard::to_allocvec(names) {
            Ok(bytes) => ArticleNames::Saved(bytes.into_boxed_slice()),
            Err(_) => ArticleNames::Analysed(Box::new(names.clone())),
        }
    }

    /// The names moved to `file`; kept as they are, with a warning, when it cannot take them.
    pub fn filed(self, file: &NameFile) -> ArticleNames {
        let appended = match &self {
            ArticleNames::Filed(_) => return self,
            ArticleNames::Saved(bytes) => file.append(bytes),
            ArticleNames::Analysed(names) => postcard::to_allocvec(&**names)
                .map_err(std::io::Error::other)
                .and_then(|bytes| file.append(&bytes)),
        };
        match appended {
            Ok(filed) => ArticleNames::Filed(filed),
            Err(e) => {
                tracing::warn!(error = %e, file = %file.path().display(), "cannot file an article's names; they stay in memory");
                self
            }
        }
    }

    /// Whether `file` holds these names, when filed (a saved state against its names file).
    pub fn held_by(&self, file: Option<&NameFile>) -> bool {
        match self {
            ArticleNames::Filed(filed) => file.is_some_and(|f| f.holds(*filed)),
            _ => true,
        }
    }

    /// The names, decoded if need be, read from `file` when filed there. Bytes that cannot
    /// be read or do not decode (a damaged state) give no names, with a warning.
    pub fn get(&self, file: Option<&NameFile>) -> std::borrow::Cow<'_, ArticleEntities> {
        use std::borrow::Cow;
        let read;
        let bytes: &[u8] = match self {
            ArticleNames::Analysed(names) => return Cow::Borrowed(&**names),
            ArticleNames::Saved(bytes) => bytes,
            ArticleNames::Filed(filed) => {
                read = match file.map(|f| f.read(*filed)) {
                    Some(Ok(bytes)) => bytes,
                    Some(Err(e)) => {
                        tracing::warn!(error = %e, "cannot read an article's names back; they are left out");
                        return Cow::Owned(ArticleEntities::default());
                    }
                    None => {
                        tracing::warn!(
                            "an article's names are filed but no names file is open; they are left out"
                        );
                        return Cow::Owned(ArticleEntities::default());
                    }
                };
                &read
            }
        };
        match postcard::from_bytes(bytes) {
            Ok(names) => Cow::Owned(names),
            Err(e) => {
                tracing::warn!(error = %e, "saved names do not decode; the article's names are left out");
                Cow::Owned(ArticleEntities::default())
            }
        }
    }
}

/// How `ArticleNames` are saved: the encoded bytes, or where they are in the names file.
#[derive(Serialize)]
enum SavedNamesRef<'a> {
    Bytes(#[serde(with = "raw_bytes")] &'a [u8]),
    Filed(Filed),
}

/// `SavedNamesRef` as read back.
#[derive(Deserialize)]
enum SavedNames {
    Bytes(#[serde(with = "raw_bytes")] Box<[u8]>),
    Filed(Filed),
}

/// Bytes saved as one run (serde's default for a byte list is one value per byte).
mod raw_bytes {
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &&[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(bytes)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Box<[u8]>, D::Error> {
        struct Bytes;
        impl serde::de::Visitor<'_> for Bytes {
            type Value = Box<[u8]>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an article's names, encoded")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Box<[u8]>, E> {
                Ok(v.into())
            }
            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Box<[u8]>, E> {
                Ok(v.into_boxed_slice())
            }
        }
        d.deserialize_bytes(Bytes)
    }
}

impl Serialize for ArticleNames {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ArticleNames::Analysed(names) => {
                let bytes = postcard::to_allocvec(names).map_err(serde::ser::Error::custom)?;
                SavedNamesRef::Bytes(&bytes).serialize(s)
            }
            ArticleNames::Saved(bytes) => SavedNamesRef::Bytes(bytes).serialize(s),
            ArticleNames::Filed(filed) => SavedNamesRef::Filed(*filed).serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for ArticleNames {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<ArticleNames, D::Error> {
        Ok(match SavedNames::deserialize(d)? {
            SavedNames::Bytes(bytes) => ArticleNames::Saved(bytes),
            SavedNames::Filed(filed) => ArticleNames::Filed(filed),
        })
    }
}

// Analysed on worker threads, then shared with the threads that merge.
const _: fn() = || {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<ArticleEntities>();
};

impl ArticleEntities {
    /// The article (`doc`) these entities were found in.
    pub fn doc(&self) -> usize {
        self.doc
    }

    /// Bytes held on the heap (what caching it for an article costs beyond its own size).
    pub fn heap_size(&self) -> usize {
        size_of_val(&*self.groups)
            + size_of_val(&*self.forms)
            + self.evidence.len()
            + size_of_val(&*self.spans)
            + self.strings.len()
    }

    fn build(doc: usize, occs: &[Occ], groups: Vec<Group>) -> ArticleEntities {
        let mut strings = String::new();
        let mut forms: Vec<Form> = Vec::new();
        let mut evidence: Vec<u8> = Vec::new();
        let mut spans: Vec<Span> = Vec::new();
        let mut out: Vec<ArticleGroup> = Vec::with_capacity(groups.len());
        fn push_str(strings: &mut String, s: &str) -> Span {
            let start = strings.len();
            strings.push_str(s);
            Span::new(start..strings.len())
        }
        fn push_spans(spans: &mut Vec<Span>, rs: &[Range<usize>]) -> Span {
            let start = spans.len();
            spans.extend(rs.iter().map(|r| Span::new(r.clone())));
            Span::new(start..spans.len())
        }
        for g in groups {
            let name = g.name(occs);
            let name_span = push_str(&mut strings, name.joined);
            let forms_start = forms.len();
            let evidence_start = evidence.len();
            let mut longest: Option<(usize, usize)> = None;
            let mut acronym = false;
            for &i in &g.occs {
                let o = &occs[i];
                let existing = forms[forms_start..]
                    .iter()
                    .position(|f| &strings[f.text.range()] == o.surface);
                let f = match existing {
                    Some(k) => {
                        forms[forms_start + k].count += 1;
                        forms_start + k
                    }
                    None => {
                        let text = push_str(&mut strings, o.surface);
                        forms.push(Form {
                            text,
                            count: 1,
                            words: small(o.words),
                        });
                        acronym |= o.surface.chars().filter(|c| c.is_uppercase()).count() >= 2
                            && !o.surface.chars().any(char::is_lowercase);
                        forms.len() - 1
                    }
                };
                if longest.is_none_or(|(words, _)| o.words >= words) {
                    longest = Some((o.words, f));
                }
                evidence.push(kind_index(o.cand.kind) << 2 | o.cand.strength);
            }
            let mut mentions: Vec<Range<usize>> =
                g.occs.iter().map(|&i| occs[i].cand.range.clone()).collect();
            mentions.sort_by_key(|r| r.start);
            mentions.dedup();
            let mut roles: Vec<Range<usize>> = g
                .occs
                .iter()
                .filter_map(|&i| occs[i].cand.role.clone())
                .collect();
            roles.dedup();
            let mut quotes = g.quotes;
            quotes.sort_by_key(|r| r.start);
            quotes.dedup();
            out.push(ArticleGroup {
                name: name_span,
                words: small(name.len),
                place: PlaceId::new(g.place),
                forms: Span::new(forms_start..forms.len()),
                longest: small(longest.map_or(forms_start, |(_, f)| f)),
                longest_words: small(longest.map_or(0, |(words, _)| words)),
                evidence: Span::new(evidence_start..evidence.len()),
                mentions: push_spans(&mut spans, &mentions),
                roles: push_spans(&mut spans, &roles),
                quotes: push_spans(&mut spans, &quotes),
                acronym,
            });
        }
        ArticleEntities {
            doc,
            groups: out.into_boxed_slice(),
            forms: forms.into_boxed_slice(),
            evidence: evidence.into_boxed_slice(),
            spans: spans.into_boxed_slice(),
            strings: strings.into_boxed_str(),
        }
    }
}

/// The per-article part of entity resolution: mentions, roles and quotes found in the
/// article's prose sentences (`sentences`, byte ranges into `text` in reading order) and
/// grouped within it. `merge` resolves them across articles; the result depends on this
/// article alone, so it can be computed in parallel and kept until the article changes.
pub fn analyse_article(doc: usize, text: &str, sentences: &[Range<usize>]) -> ArticleEntities {
    // Offsets are stored in 32 bits; no article comes near 4 GiB (the corpus caps them at
    // 16 MB), and one that did is read up to there.
    let text = &text[..text.floor_char_boundary(u32::MAX as usize)];
    let mut sentences: Vec<Sentence> = sentences.iter().map(|s| Sentence::new(text, s)).collect();
    let mut quotes: Vec<Quote> = Vec::new();
    for (k, s) in sentences.iter().enumerate() {
        let previous = k
            .checked_sub(1)
            .map(|p| &sentences[p])
            .filter(|p| !p.range.is_empty());
        quotes.extend(quotes_in(text, s, previous));
    }
    let mut occs: Vec<Occ> = Vec::new();
    for s in &mut sentences {
        for cand in std::mem::take(&mut s.cands) {
            let surface = &text[cand.range.clone()];
            let mut name = String::new();
            let words = fold_name(surface, &mut name);
            occs.push(Occ {
                cand,
                surface,
                name,
                words,
            });
        }
    }
    keep_proven_initials(&mut occs, &sentences);
    let mut groups = group_occs(&occs);
    // Quotes go to the group holding the speaker mention.
    for q in quotes {
        if let Some(g) = groups
            .iter_mut()
            .find(|g| g.occs.iter().any(|&o| occs[o].cand.range == q.speaker))
        {
            g.quotes.push(q.range);
        }
    }
    ArticleEntities::build(doc, &occs, groups)
}

// ---------------------------------------------------------------------------
// Resolution across articles.
// ---------------------------------------------------------------------------

fn kind_index(k: EntityKind) -> u8 {
    match k {
        EntityKind::Person => 0,
        EntityKind::Org => 1,
        EntityKind::Place => 2,
        EntityKind::Thing => 3,
    }
}

/// The kind with the most votes (the first on a tie).
fn kind_of(votes: &[u64; 4]) -> EntityKind {
    let kinds = [
        EntityKind::Person,
        EntityKind::Org,
        EntityKind::Place,
        EntityKind::Thing,
    ];
    let mut best = 0;
    for i in 1..4 {
        if votes[i] > votes[best] {
            best = i;
        }
    }
    kinds[best]
}

/// The merge's strings: each distinct name or form once (a large corpus names the same
/// people in thousands of articles), numbered in first-seen order.
#[derive(Default)]
struct Strings(indexmap::IndexSet<Box<str>, BuildHasherDefault<FxHasher>>);

impl Strings {
    fn id(&mut self, s: &str) -> u32 {
        match self.0.get_index_of(s) {
            Some(i) => small(i),
            None => small(self.0.insert_full(s.into()).0),
        }
    }

    fn get(&self, id: u32) -> &str {
        &self.0[id as usize]
    }
}

/// One article group, as the merge decides by. Its mentions, roles, quotes and forms are
/// read again from its article once the entities are decided (see `merge_with`), so a
/// large corpus never holds every article's names at once. There are millions: 32 bytes.
struct Member {
    /// Its `Name`: folded words in `Strings`, and how many.
    name: u32,
    words: u32,
    place: PlaceId,
    /// Some form is in capitals ("NATO").
    acronym: bool,
    /// A person's full name (two words or more, voted a person): decided first.
    full_person: bool,
    /// The form of its last mention with the most words (in `Strings`; an acronym's long
    /// form is read from it), and how many words that is.
    longest: u32,
    longest_words: u32,
    /// Where its mentions' kinds and strengths end in the merge's evidence bytes: they
    /// start where the previous member's end (see `Members::votes`).
    evidence_end: u32,
    /// How many roles, mentions and quotes it has, at most `u16::MAX` each: the counts
    /// only size an entity's lists before they are gathered (a list that outgrows its
    /// count grows) and tell entities apart in their key, where members do already.
    spots: [u16; 3],
}

const _: () = assert!(std::mem::size_of::<Member>() == 32);

impl Member {
    fn name<'s>(&self, strings: &'s Strings) -> Name<'s> {
        Name {
            joined: strings.get(self.name),
            len: self.words as usize,
        }
    }

    fn place(&self) -> Option<&'static str> {
        self.place.get()
    }
}

/// Votes per kind of a member's mentions (their evidence bytes), weighted so lexicon
/// evidence outweighs many guesses, and which kinds have lexicon evidence (bit per kind).
fn votes_of(evidence: &[u8]) -> ([u64; 4], u8) {
    let mut votes = [0; 4];
    let mut strong = 0;
    for e in evidence {
        let (kind, strength) = (e >> 2, e & 3);
        votes[usize::from(kind)] += match strength {
            STRONG => 10_000,
            CUE => 100,
            _ => 1,
        };
        if strength == STRONG {
            strong |= 1 << kind;
        }
    }
    (votes, strong)
}

/// The merge's members in blocks of a fixed size: a list of millions that grew by doubling
/// would hold its old and its new memory at once.
#[derive(Default)]
struct Members(Vec<Vec<Member>>);

impl Members {
    const BLOCK: usize = 1 << 16;

    fn push(&mut self, m: Member) {
        match self.0.last_mut() {
            Some(block) if block.len() < Members::BLOCK => block.push(m),
            _ => {
                let mut block = Vec::with_capacity(Members::BLOCK);
                block.push(m);
                self.0.push(block);
            }
        }
    }

    fn len(&self) -> usize {
        self.0.iter().map(Vec::len).sum()
    }

    fn get(&self, i: usize) -> &Member {
        &self.0[i / Members::BLOCK][i % Members::BLOCK]
    }

    /// Member `i`'s votes (see `votes_of`), from the evidence bytes of all of them.
    fn votes(&self, i: usize, evidence: &[u8]) -> ([u64; 4], u8) {
        let start = i.checked_sub(1).map_or(0, |p| self.get(p).evidence_end);
        votes_of(&evidence[start as usize..self.get(i).evidence_end as usize])
    }

    fn iter(&self) -> impl Iterator<Item = &Member> {
        self.0.iter().flatten()
    }
}

/// Article groups merged as one entity, and what the merge decides by (votes, the longest
/// name, the place, acronym evidence), kept up to date as groups join.
struct Merged<'s> {
    /// The longest name among its members (the first of that length).
    name: Name<'s>,
    place: Option<&'static str>,
    votes: [u64; 4],
    /// Its members (in the merge's list), in the order they joined.
    members: Vec<u32>,
    /// Listed under its surname bucket.
    indexed: bool,
    /// Some member has a form in capitals.
    acronym: bool,
    /// The member form with the most words (the last such member's): words, and the form
    /// in `Strings`.
    longest: (u32, u32),
    /// Its members' roles, mentions and quotes, counted.
    spots: [usize; 3],
}

impl<'s> Merged<'s> {
    fn new(i: u32, m: &Member, name: Name<'s>, votes: [u64; 4]) -> Merged<'s> {
        Merged {
            name,
            place: m.place(),
            votes,
            members: vec![i],
            indexed: false,
            acronym: m.acronym,
            longest: (m.longest_words, m.longest),
            spots: m.spots.map(usize::from),
        }
    }

    fn kind(&self) -> EntityKind {
        kind_of(&self.votes)
    }

    fn add(&mut self, i: u32, m: &Member, name: Name<'s>, votes: [u64; 4]) {
        self.absorb(Merged::new(i, m, name, votes));
    }

    /// `other`'s members join after its own.
    fn absorb(&mut self, other: Merged<'s>) {
        for (v, w) in self.votes.iter_mut().zip(other.votes) {
            *v += w;
        }
        if other.name.len > self.name.len {
            self.name = other.name;
        }
        self.place = self.place.or(other.place);
        self.acronym |= other.acronym;
        if other.longest.0 >= self.longest.0 {
            self.longest = other.longest;
        }
        for (n, m) in self.spots.iter_mut().zip(other.spots) {
            *n += m;
        }
        self.members.extend(other.members);
    }
}

/// Resolves the articles' entities across the corpus: the same person, organisation, place
/// or thing named in several articles (also as a surname, a transliteration variant or an
/// acronym) becomes one `Entity`. Most mentioned first. The result is the same for the same
/// articles in the same order.
pub fn merge<'a>(articles: impl IntoIterator<Item = &'a ArticleEntities>) -> Vec<Entity> {
    let articles: Vec<&ArticleEntities> = articles.into_iter().collect();
    merge_with(articles.len(), |i| std::borrow::Cow::Borrowed(articles[i]))
}

/// `merge` over `count` articles whose names `names` gives (decoded, or read from the names
/// file): each is asked for twice, once to decide the entities by their groups' names,
/// votes and places, and once to gather the mentions, roles, quotes and forms of each.
/// Only a few of them are held at a time.
pub fn merge_with<'a, F>(count: usize, names: F) -> Vec<Entity>
where
    F: Fn(usize) -> std::borrow::Cow<'a, ArticleEntities> + Sync,
{
    merge_again(count, names, &[])
}

/// `merge_with`, keeping each entity of `previous` (an earlier merge) that is decided again
/// from the same members (see `MembersKey`): its lists are shared, not gathered again, and
/// articles none of whose names joins a new entity are not read a second time. After one
/// file changes, only the entities it names or that it moves a name between are gathered.
/// The result equals `merge_with`'s.
pub fn merge_again<'a, F>(count: usize, names: F, previous: &[Entity]) -> Vec<Entity>
where
    F: Fn(usize) -> std::borrow::Cow<'a, ArticleEntities> + Sync,
{
    let mut strings = Strings::default();
    let mut evidence: Vec<u8> = Vec::new();
    let mut members = Members::default();
    // Where each article's groups start among the members (and, last, how many there are),
    // and its slot: a member's place in its article, for the keys.
    let mut starts: Vec<u32> = Vec::with_capacity(count + 1);
    let mut docs: Vec<u32> = Vec::with_capacity(count);
    each_article(
        count,
        &names,
        |_| true,
        |_, a| {
            starts.push(small(members.len()));
            docs.push(small(a.doc));
            for g in &*a.groups {
                let own = a.evidence.get(g.evidence.range()).unwrap_or_default();
                evidence.extend_from_slice(own);
                let text = |span: Span| a.strings.get(span.range()).unwrap_or_default();
                let longest = a.forms.get(g.longest as usize).map_or("", |f| text(f.text));
                members.push(Member {
                    name: strings.id(text(g.name)),
                    words: g.words,
                    place: g.place,
                    acronym: g.acronym,
                    full_person: g.words >= 2 && kind_of(&votes_of(own).0) == EntityKind::Person,
                    longest: strings.id(longest),
                    longest_words: g.longest_words,
                    evidence_end: small(evidence.len()),
                    spots: [g.roles, g.mentions, g.quotes]
                        .map(|s| u16::try_from(s.range().len()).unwrap_or(u16::MAX)),
                });
            }
        },
    );
    starts.push(small(members.len()));
    evidence.shrink_to_fit();

    let merged = decide(&members, &evidence, &strings);
    // The members are gone before the entities' lists are made.
    let count_members = members.len();
    drop((members, evidence));
    // Each member's entity and its rank there (u32::MAX: an entity kept from `previous`);
    // roles and forms are kept in member order.
    const KEPT: u32 = u32::MAX;
    let mut slots: Vec<(u32, u32)> = vec![(KEPT, 0); count_members];
    let kept: FxMap<MembersKey, &Entity> = previous.iter().map(|e| (e.key, e)).collect();
    // Each entity: kept from `previous`, or gathered anew from its members.
    let mut decided: Vec<Decided> = merged
        .iter()
        .enumerate()
        .map(|(e, g)| {
            let shape = (g.kind(), g.place, g.spots);
            let key = members_key(shape, &g.members, &starts, &docs);
            if let Some(&entity) = kept.get(&key) {
                return Decided::Kept(entity.clone());
            }
            for (rank, &m) in g.members.iter().enumerate() {
                slots[m as usize] = (small(e), small(rank));
            }
            Decided::Gathering(Gathered::new(shape), key)
        })
        .collect();
    drop(kept);

    // Only articles with a member to gather are read again.
    let groups_of = |i: usize| starts[i] as usize..starts[i + 1] as usize;
    let needed = |i: usize| slots[groups_of(i)].iter().any(|&(e, _)| e != KEPT);
    each_article(count, &names, needed, |i, a| {
        let slots = &slots[groups_of(i)];
        if a.groups.len() != slots.len() {
            tracing::warn!("an article's names read differently the second time; left out");
            return;
        }
        for (g, &(e, rank)) in a.groups.iter().zip(slots) {
            if let Some(Decided::Gathering(entity, _)) = decided.get_mut(e as usize) {
                entity.gather(a, g, rank, &mut strings);
            }
        }
    });
    drop(slots);

    // An entity whose articles all read differently the second time has nothing to show.
    let mut entities: Vec<Entity> = decided
        .into_iter()
        .map(|d| match d {
            Decided::Kept(entity) => entity,
            Decided::Gathering(g, key) => g.finish(&strings, key),
        })
        .filter(|e| !e.mentions.is_empty())
        .collect();
    entities.sort_by(|a, b| {
        b.mentions
            .len()
            .cmp(&a.mentions.len())
            .then_with(|| a.name.cmp(&b.name))
    });
    entities
}

/// Input: for each article, its index, text, and its prose sentence ranges in reading order.
/// The same as `merge` over `analyse_article` of each.
pub fn resolve(docs: &[(usize, &str, Vec<Range<usize>>)]) -> Vec<Entity> {
    let articles: Vec<ArticleEntities> = docs
        .iter()
        .map(|(doc, text, sentences)| analyse_article(*doc, text, sentences))
        .collect();
    merge(&articles)
}

/// An entity as `merge_again` decides it: kept from the earlier merge, or gathered anew
/// (with its key).
enum Decided {
    Kept(Entity),
    Gathering(Gathered, MembersKey),
}

/// The key of an entity of `shape` gathered from `members` (see `MembersKey`): `starts`
/// holds where each article's groups start among the members, `docs` each article's slot.
fn members_key(shape: Shape, members: &[u32], starts: &[u32], docs: &[u32]) -> MembersKey {
    use std::hash::Hash;
    let hash = |prefix: u8| {
        #[allow(deprecated)]
        let mut h = std::hash::SipHasher::new();
        prefix.hash(&mut h);
        shape.hash(&mut h);
        members.len().hash(&mut h);
        for &m in members {
            // The article holding member `m`, and the member's place among its groups.
            let a = starts.partition_point(|&s| s <= m) - 1;
            (docs[a], m - starts[a]).hash(&mut h);
        }
        h.finish()
    };
    MembersKey(hash(1), hash(2))
}

/// Calls `each` with the names of every article `needed` is true of, in order, decoding
/// (or reading) them a chunk at a time on every core.
fn each_article<'a, F>(
    count: usize,
    names: &F,
    needed: impl Fn(usize) -> bool,
    mut each: impl FnMut(usize, &ArticleEntities),
) where
    F: Fn(usize) -> std::borrow::Cow<'a, ArticleEntities> + Sync,
{
    use rayon::prelude::*;
    const CHUNK: usize = 1024;
    let wanted: Vec<usize> = (0..count).filter(|&i| needed(i)).collect();
    for chunk in wanted.chunks(CHUNK) {
        let read: Vec<std::borrow::Cow<'a, ArticleEntities>> =
            chunk.par_iter().map(|&i| names(i)).collect();
        for (&i, a) in chunk.iter().zip(&read) {
            each(i, a);
        }
    }
}

/// Decides which members are one entity.
fn decide<'s>(members: &Members, evidence: &[u8], strings: &'s Strings) -> Vec<Merged<'s>> {
    // Full personal names first, so short forms from other articles find them; longer names
    // before shorter ones; otherwise in the articles' order. The members are counted into
    // their (full personal name, words) and placed in member order in each: the list of
    // millions is 4 bytes a member, and needs no sort.
    let rank = |m: &Member| (!m.full_person, std::cmp::Reverse(m.words));
    let mut starts: std::collections::BTreeMap<(bool, std::cmp::Reverse<u32>), usize> =
        Default::default();
    for m in members.iter() {
        *starts.entry(rank(m)).or_default() += 1;
    }
    let mut next = 0;
    for start in starts.values_mut() {
        (*start, next) = (next, next + *start);
    }
    let mut order: Vec<u32> = vec![0; members.len()];
    for (i, m) in members.iter().enumerate() {
        if let Some(start) = starts.get_mut(&rank(m)) {
            order[*start] = small(i);
            *start += 1;
        }
    }
    drop(starts);

    let mut merged: Vec<Merged> = Vec::new();
    let mut by_key: FxMap<GroupKey, usize> = FxMap::default();
    let mut persons: FxMap<&str, Vec<usize>> = FxMap::default();
    for i in order {
        let m = members.get(i as usize);
        let (votes, strong) = members.votes(i as usize, evidence);
        let kind = kind_of(&votes);
        let name = m.name(strings);
        let bucket = persons
            .get(name.surname_bucket())
            .map(Vec::as_slice)
            .unwrap_or_default();
        let target = if kind == EntityKind::Person && name.len >= 2 {
            bucket
                .iter()
                .copied()
                .find(|&t| merged[t].name.same_full_name(name))
        } else {
            let could_be_person =
                kind == EntityKind::Person || strong & (1 << kind_index(kind)) == 0;
            let mut fits = bucket.iter().copied().filter(|&t| {
                could_be_person
                    && (merged[t].name.same_full_name(name)
                        || name.is_short_form_of(merged[t].name, 1))
            });
            // Across articles a surname shared by two people stays apart.
            match (fits.next(), fits.next()) {
                (Some(t), None) => Some(t),
                _ => by_key.get(&group_key(m.place(), name)).copied(),
            }
        };
        let t = match target {
            Some(t) => {
                merged[t].add(i, m, name, votes);
                t
            }
            None => {
                by_key
                    .entry(group_key(m.place(), name))
                    .or_insert(merged.len());
                merged.push(Merged::new(i, m, name, votes));
                merged.len() - 1
            }
        };
        if merged[t].kind() == EntityKind::Person && !merged[t].indexed {
            merged[t].indexed = true;
            persons
                .entry(merged[t].name.surname_bucket())
                .or_default()
                .push(t);
        }
    }
    merge_acronyms(merged, strings)
}

/// "NATO" and "North Atlantic Treaty Organization" are one organisation.
fn merge_acronyms<'s>(groups: Vec<Merged<'s>>, strings: &Strings) -> Vec<Merged<'s>> {
    let initials = |g: &Merged| -> Option<String> {
        let (words, form) = g.longest;
        if words < 2 {
            return None;
        }
        Some(
            strings
                .get(form)
                .split_whitespace()
                .filter_map(|w| w.chars().next().filter(|c| c.is_uppercase()))
                .flat_map(char::to_lowercase)
                .collect(),
        )
    };
    let mut long_forms: HashMap<(String, EntityKind), usize> = HashMap::new();
    for (j, g) in groups.iter().enumerate() {
        if let Some(x) = initials(g) {
            long_forms.entry((x, g.kind())).or_insert(j);
        }
    }
    let mut slots: Vec<Option<Merged>> = groups.into_iter().map(Some).collect();
    for i in 0..slots.len() {
        let Some(g) = &slots[i] else { continue };
        let is_acronym = g.name.len == 1 && g.kind() != EntityKind::Person && g.acronym;
        if !is_acronym {
            continue;
        }
        let key = (g.name.joined.to_string(), g.kind());
        if let Some(&j) = long_forms.get(&key)
            && j != i
            && let Some(acr) = slots[i].take()
        {
            match &mut slots[j] {
                Some(long) => long.absorb(acr),
                None => slots[i] = Some(acr),
            }
        }
    }
    slots.into_iter().flatten().collect()
}

/// What an entity's lists are made from: its kind, place, and how many roles, mentions and
/// quotes its members have.
type Shape = (EntityKind, Option<&'static str>, [usize; 3]);

/// An entity's mentions, roles, quotes and forms as its members' articles are read again.
struct Gathered {
    kind: EntityKind,
    place: Option<&'static str>,
    /// With their member's rank: roles and forms are listed in member order.
    roles: Vec<(u32, Spot)>,
    mentions: Vec<Spot>,
    quotes: Vec<Spot>,
    /// Its distinct forms (in `Strings`), each with where it is first seen (member rank, and
    /// place in that member's forms), its mentions, and its words where first seen.
    forms: Vec<(u32, (u32, u32), usize, u32)>,
}

impl Gathered {
    /// Sized first: an entity of a large corpus has millions of mentions, and a list that
    /// grows by doubling leaves the memory it outgrew behind.
    fn new((kind, place, spots): Shape) -> Gathered {
        let [roles, mentions, quotes] = spots;
        Gathered {
            kind,
            place,
            roles: Vec::with_capacity(roles),
            mentions: Vec::with_capacity(mentions),
            quotes: Vec::with_capacity(quotes),
            forms: Vec::new(),
        }
    }

    /// Takes `group` of `article`, its member of rank `rank`.
    fn gather(
        &mut self,
        article: &ArticleEntities,
        group: &ArticleGroup,
        rank: u32,
        strings: &mut Strings,
    ) {
        let doc = small(article.doc);
        let spots = |which: Span| {
            let spans = article.spans.get(which.range()).unwrap_or_default();
            spans.iter().map(move |span| Spot { doc, span: *span })
        };
        self.roles.extend(spots(group.roles).map(|s| (rank, s)));
        self.mentions.extend(spots(group.mentions));
        self.quotes.extend(spots(group.quotes));
        let forms = article.forms.get(group.forms.range()).unwrap_or_default();
        for (k, f) in forms.iter().enumerate() {
            let text = strings.id(article.strings.get(f.text.range()).unwrap_or_default());
            let seen = (rank, small(k));
            match self.forms.iter_mut().find(|(t, ..)| *t == text) {
                Some((_, first, count, words)) => {
                    *count += f.count as usize;
                    if seen < *first {
                        (*first, *words) = (seen, f.words);
                    }
                }
                None => self.forms.push((text, seen, f.count as usize, f.words)),
            }
        }
    }

    fn finish(mut self, strings: &Strings, key: MembersKey) -> Entity {
        // Stable: each member's own lists stay in their order.
        self.roles.sort_by_key(|&(rank, _)| rank);
        // Surface forms with counts and word counts, in first-seen order.
        self.forms.sort_unstable_by_key(|&(_, first, ..)| first);
        let forms: Vec<(&str, usize, u32)> = self
            .forms
            .iter()
            .map(|&(text, _, count, words)| (strings.get(text), count, words))
            .collect();
        let name = match (self.kind, self.place) {
            (EntityKind::Place, Some(p)) => p.to_string(),
            _ => forms
                .iter()
                .max_by(|a, b| {
                    a.2.cmp(&b.2)
                        .then(a.1.cmp(&b.1))
                        .then(b.0.len().cmp(&a.0.len()).reverse())
                })
                .map(|(f, _, _)| f.to_string())
                .unwrap_or_default(),
        };
        let aliases = forms
            .into_iter()
            .filter(|(f, _, _)| *f != name)
            .map(|(f, _, _)| f.to_string())
            .collect();
        let mut roles: Vec<Spot> = self.roles.into_iter().map(|(_, s)| s).collect();
        roles.dedup();
        let (mut mentions, mut quotes) = (self.mentions, self.quotes);
        // By place, whatever order the articles were read in.
        for spots in [&mut mentions, &mut quotes] {
            spots.sort_unstable_by_key(|s| (s.doc, s.span.range().start, s.span.range().end));
            spots.dedup();
        }
        Entity {
            name,
            kind: self.kind,
            aliases,
            roles: roles.into(),
            mentions: mentions.into(),
            quotes: quotes.into(),
            key,
        }
    }
}

/// Entity names (canonical and aliases) starting with `prefix` (case- and
/// accent-insensitive), ranked by mentions, at most `limit`. A name also matches
/// when one of its words starts with the prefix, so "rutte" finds "Mark Rutte".
pub fn complete<'a>(entities: &'a [Entity], prefix: &str, limit: usize) -> Vec<&'a Entity> {
    let p = fold(prefix.trim());
    let mut hits: Vec<(u8, &Entity)> = entities
        .iter()
        .filter_map(|e| {
            let names = std::iter::once(&e.name).chain(e.aliases.iter());
            let mut best: Option<u8> = None;
            for n in names {
                let f = fold(n);
                let rank = if f.starts_with(&p) {
                    Some(0)
                } else if f
                    .split(|c: char| c.is_whitespace() || c == '-')
                    .any(|w| w.starts_with(&p))
                {
                    Some(1)
                } else {
                    None
                };
                best = match (best, rank) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
            }
            best.map(|b| (b, e))
        })
        .collect();
    hits.sort_by(|(ra, a), (rb, b)| {
        b.mentions
            .len()
            .cmp(&a.mentions.len())
            .then(ra.cmp(rb))
            .then_with(|| a.name.cmp(&b.name))
    });
    hits.into_iter().take(limit).map(|(_, e)| e).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEEDS: [(&str, &str); 5] = [
        (
            "000",
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/seeds/000_c04f1f0281eb202f.txt"
            )),
        ),
        (
            "001",
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/seeds/001_6480d4c4fdec966e.txt"
            )),
        ),
        (
            "002",
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/seeds/002_d3192188c0ee1568.txt"
            )),
        ),
        (
            "003",
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/seeds/003_cc0f0e039f5820f7.txt"
            )),
        ),
        (
            "004",
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/seeds/004_506161d43249a073.txt"
            )),
        ),
    ];
    const LABELLED: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/entities_labelled.tsv"
    ));

    /// The byte region of a seed that is article prose (001 is a scraped page whose
    /// menus, appeal and 'Popular Posts' the real cleaner removes before us).
    fn prose_region(id: &str, text: &str) -> Range<usize> {
        if id == "001" {
            let start = text.find("The U.S. president is signaling").unwrap_or(0);
            let end = text.find("If you found this article").unwrap_or(text.len());
            start..end
        } else {
            0..text.len()
        }
    }

    /// Naive test splitter: prose lines end in sentence punctuation and have a few words
    /// (headings, 'See also' links and reference lists do not); lines split at . ! ?
    /// followed by a space and a capital, except after abbreviations like "U.S." or "Sen.".
    fn split_prose(text: &str, region: Range<usize>) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let mut line_start = region.start;
        for line in text[region.clone()].split_inclusive('\n') {
            let start = line_start;
            line_start += line.len();
            let trimmed = line.trim();
            let lead = line.len() - line.trim_start().len();
            let (body_start, body) = match trimmed.strip_prefix("- ") {
                Some(b) => (start + lead + 2, b),
                None => (start + lead, trimmed),
            };
            let ends_like_prose = body.chars().last().is_some_and(|c| ".!?:\"”".contains(c));
            if body.starts_with("See also")
                || !ends_like_prose
                || body.split_whitespace().count() < 4
            {
                continue;
            }
            let mut s = body_start;
            let bytes = body.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                let c = bytes[i];
                if matches!(c, b'.' | b'!' | b'?') {
                    let mut j = i + 1;
                    // Closing quote marks stay with the sentence.
                    while body[j..].starts_with('”') || body[j..].starts_with('"') {
                        j += if body[j..].starts_with('”') { 3 } else { 1 };
                    }
                    let next_is_new = body[j..].starts_with(' ')
                        && body[j + 1..]
                            .chars()
                            .next()
                            .is_some_and(|n| n.is_uppercase() || n == '“' || n == '"');
                    let word_before = body[..i].rsplit(' ').next().unwrap_or("");
                    let abbrev = word_before.len() <= 4
                        && (word_before.contains('.')
                            || ABBREVIATIONS.contains(&word_before)
                            || word_before.chars().count() == 1);
                    if next_is_new && !abbrev {
                        out.push(s..body_start + j);
                        s = body_start + j + 1;
                        i = j + 1;
                        continue;
                    }
                }
                i += 1;
            }
            if s < body_start + body.len() {
                out.push(s..body_start + body.len());
            }
        }
        out
    }

    fn seed_docs() -> Vec<(usize, &'static str, Vec<Range<usize>>)> {
        SEEDS
            .iter()
            .enumerate()
            .map(|(i, (id, text))| (i, *text, split_prose(text, prose_region(id, text))))
            .collect()
    }

    #[test]
    #[ignore = "debug dump: cargo test dump -- --ignored --nocapture"]
    fn dump() {
        let docs = seed_docs();
        for (d, text, sents) in &docs {
            println!("=== doc {d}");
            for (k, s) in sents.iter().enumerate() {
                println!("S: {}", &text[s.clone()]);
                for m in mentions(text, s.clone()) {
                    let role = m.role.map(|r| text[r].to_string()).unwrap_or_default();
                    println!("   {:?} [{}] role=[{}]", m.kind, &text[m.range], role);
                }
                let prev = k.checked_sub(1).map(|p| sents[p].clone());
                for q in quotes(text, s.clone(), prev) {
                    println!("   Q [{}] <- {}", &text[q.range], &text[q.speaker]);
                }
            }
        }
        for e in resolve(&docs) {
            let roles: Vec<String> = e
                .roles
                .iter()
                .map(|s| docs[s.doc()].1[s.range()].to_string())
                .collect();
            println!(
                "{:?} {} aliases={:?} roles={:?} mentions={} quotes={}",
                e.kind,
                e.name,
                e.aliases,
                roles,
                e.mentions.len(),
                e.quotes.len()
            );
        }
    }

    // -----------------------------------------------------------------------
    // Precision and recall over the labelled data.
    // -----------------------------------------------------------------------

    struct Expected {
        unit: String,
        kind: String,
        name: String,
        roles: Vec<String>,
        aliases: Vec<String>,
    }

    fn list(field: &str) -> Vec<String> {
        if field == "-" {
            Vec::new()
        } else {
            field.split('|').map(str::to_string).collect()
        }
    }

    /// (sentences by id, expected rows, unit ids in file order)
    fn parse_labels() -> (Vec<(String, String)>, Vec<Expected>, Vec<String>) {
        let mut sentences = Vec::new();
        let mut expected = Vec::new();
        let mut units: Vec<String> = Vec::new();
        for line in LABELLED.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            let unit = f.get(1).copied().unwrap_or_default().to_string();
            if !units.contains(&unit) {
                units.push(unit.clone());
            }
            match f[0] {
                "S" => sentences.push((unit, f[2].to_string())),
                "E" => expected.push(Expected {
                    unit,
                    kind: f[2].to_string(),
                    name: f[3].to_string(),
                    roles: list(f[4]),
                    aliases: list(f[5]),
                }),
                "N" => {}
                other => panic!("bad row type {other:?} in labelled data"),
            }
        }
        (sentences, expected, units)
    }

    #[derive(Default, Debug)]
    struct Score {
        pred: usize,
        pred_ok: usize,
        gold: usize,
        gold_found: usize,
    }

    impl Score {
        fn precision(&self) -> f64 {
            if self.pred == 0 {
                1.0
            } else {
                self.pred_ok as f64 / self.pred as f64
            }
        }
        fn recall(&self) -> f64 {
            if self.gold == 0 {
                1.0
            } else {
                self.gold_found as f64 / self.gold as f64
            }
        }
    }

    /// A predicted entity seen from one unit: its forms and the roles stated there.
    struct Seen {
        forms: Vec<String>,
        roles: Vec<String>,
        shown: String,
    }

    fn seen_in(entities: &[Entity], text: &str, doc: usize, kind: EntityKind) -> Vec<Seen> {
        entities
            .iter()
            .filter(|e| e.kind == kind && e.mentions.iter().any(|s| s.doc() == doc))
            .map(|e| {
                let mut roles: Vec<String> = e
                    .roles
                    .iter()
                    .filter(|s| s.doc() == doc)
                    .map(|s| text[s.range()].to_string())
                    .collect();
                roles.sort();
                roles.dedup();
                Seen {
                    forms: std::iter::once(&e.name)
                        .chain(&e.aliases)
                        .map(|f| fold(f))
                        .collect(),
                    roles,
                    shown: e.name.clone(),
                }
            })
            .collect()
    }

    fn score_unit(
        unit: &str,
        pred: &[Seen],
        gold: &[&Expected],
        names: &mut Score,
        roles: &mut Score,
        misses: &mut Vec<String>,
    ) {
        let gold_forms = |g: &Expected| -> Vec<String> {
            std::iter::once(&g.name)
                .chain(&g.aliases)
                .map(|f| fold(f))
                .collect()
        };
        let matches = |p: &Seen, g: &Expected| gold_forms(g).iter().any(|f| p.forms.contains(f));
        for p in pred {
            names.pred += 1;
            let g = gold.iter().find(|g| matches(p, g));
            if g.is_some() {
                names.pred_ok += 1;
            } else {
                misses.push(format!("{unit}: unexpected {}", p.shown));
            }
            for r in &p.roles {
                roles.pred += 1;
                if g.is_some_and(|g| g.roles.contains(r)) {
                    roles.pred_ok += 1;
                } else {
                    misses.push(format!("{unit}: unexpected role {r:?} for {}", p.shown));
                }
            }
        }
        for g in gold {
            names.gold += 1;
            let p = pred.iter().find(|p| matches(p, g));
            if p.is_some() {
                names.gold_found += 1;
            } else {
                misses.push(format!("{unit}: missed {}", g.name));
            }
            for r in &g.roles {
                roles.gold += 1;
                if p.is_some_and(|p| p.roles.contains(r)) {
                    roles.gold_found += 1;
                } else {
                    misses.push(format!("{unit}: missed role {r:?} of {}", g.name));
                }
            }
        }
    }

    #[test]
    fn precision_and_recall_on_labelled_data() {
        let (sentences, expected, units) = parse_labels();
        assert!(sentences.len() >= 40, "at least 40 hand-written sentences");
        let docs = seed_docs();
        let seed_entities = resolve(&docs);
        let (mut people, mut roles, mut orgs, mut org_roles) = (
            Score::default(),
            Score::default(),
            Score::default(),
            Score::default(),
        );
        let mut misses = Vec::new();
        for unit in &units {
            let gold_of = |kind: &str| -> Vec<&Expected> {
                expected
                    .iter()
                    .filter(|e| e.unit == *unit && e.kind == kind)
                    .collect()
            };
            let (pred_people, pred_orgs) = match SEEDS.iter().position(|(id, _)| id == unit) {
                Some(d) => (
                    seen_in(&seed_entities, docs[d].1, d, EntityKind::Person),
                    seen_in(&seed_entities, docs[d].1, d, EntityKind::Org),
                ),
                None => {
                    let text = &sentences
                        .iter()
                        .find(|(id, _)| id == unit)
                        .expect("every unit is a seed or a sentence")
                        .1;
                    let whole: Vec<Range<usize>> = std::iter::once(0..text.len()).collect();
                    let ents = resolve(&[(0, text.as_str(), whole)]);
                    (
                        seen_in(&ents, text, 0, EntityKind::Person),
                        seen_in(&ents, text, 0, EntityKind::Org),
                    )
                }
            };
            score_unit(
                unit,
                &pred_people,
                &gold_of("person"),
                &mut people,
                &mut roles,
                &mut misses,
            );
            let mut org_misses = Vec::new();
            score_unit(
                unit,
                &pred_orgs,
                &gold_of("org"),
                &mut orgs,
                &mut org_roles,
                &mut org_misses,
            );
            misses.extend(org_misses.into_iter().map(|m| format!("(org) {m}")));
        }
        for m in &misses {
            println!("  {m}");
        }
        println!(
            "people: precision {:.1}% ({}/{}), recall {:.1}% ({}/{})",
            100.0 * people.precision(),
            people.pred_ok,
            people.pred,
            100.0 * people.recall(),
            people.gold_found,
            people.gold
        );
        println!(
            "roles:  precision {:.1}% ({}/{}), recall {:.1}% ({}/{})",
            100.0 * roles.precision(),
            roles.pred_ok,
            roles.pred,
            100.0 * roles.recall(),
            roles.gold_found,
            roles.gold
        );
        println!(
            "orgs (not asserted): precision {:.1}% ({}/{}), recall {:.1}% ({}/{})",
            100.0 * orgs.precision(),
            orgs.pred_ok,
            orgs.pred,
            100.0 * orgs.recall(),
            orgs.gold_found,
            orgs.gold
        );
        assert!(people.precision() >= 0.9, "people precision {:?}", people);
        assert!(people.recall() >= 0.9, "people recall {:?}", people);
        assert!(roles.precision() >= 0.9, "roles precision {:?}", roles);
        assert!(roles.recall() >= 0.9, "roles recall {:?}", roles);
    }

    // -----------------------------------------------------------------------
    // Table tests: patterns and traps.
    // -----------------------------------------------------------------------

    /// A mention as "Kind name" or "Kind name [role]".
    fn show(text: &str, m: &Mention) -> String {
        match &m.role {
            Some(r) => format!(
                "{:?} {} [{}]",
                m.kind,
                &text[m.range.clone()],
                &text[r.clone()]
            ),
            None => format!("{:?} {}", m.kind, &text[m.range.clone()]),
        }
    }

    struct MentionCase {
        name: &'static str,
        input: &'static str,
        expected: &'static [&'static str],
    }

    #[test]
    fn mention_patterns_and_traps() {
        let cases = [
            MentionCase {
                name: "title with organisation before the name",
                input: "NATO Secretary-General Mark Rutte arrived.",
                expected: &["Org NATO", "Person Mark Rutte [NATO Secretary-General]"],
            },
            MentionCase {
                name: "lower-case role noun",
                input: "On July 9, Kremlin spokesman Dmitry Peskov noted the delay.",
                expected: &["Org Kremlin", "Person Dmitry Peskov [Kremlin spokesman]"],
            },
            MentionCase {
                name: "role phrase with sentence-initial capital, affiliation after",
                input: "Defense industry analyst Roman Schweizer of TD Cowen pointed out the risk.",
                expected: &[
                    "Person Roman Schweizer [Defense industry analyst]",
                    "Org TD Cowen",
                ],
            },
            MentionCase {
                name: "abbreviated title and party tag",
                input: "Sen. Lindsey Graham (R-S.C.) indicated support.",
                expected: &["Person Lindsey Graham [Sen.]"],
            },
            MentionCase {
                name: "appositive role",
                input: "Mark Rutte, the NATO secretary-general, said allies agree.",
                expected: &["Person Mark Rutte [NATO secretary-general]", "Org NATO"],
            },
            MentionCase {
                name: "president-elect and vice president",
                input: "President-elect Donald Trump met Vice President JD Vance.",
                expected: &[
                    "Person Donald Trump [President-elect]",
                    "Person JD Vance [Vice President]",
                ],
            },
            MentionCase {
                name: "secretary of state",
                input: "Secretary of State Antony Blinken stated from Brussels:",
                expected: &[
                    "Person Antony Blinken [Secretary of State]",
                    "Place Brussels",
                ],
            },
            MentionCase {
                name: "possessive is not part of the name",
                input: "It was President Donald Trump’s plan and Trump's idea.",
                expected: &["Person Donald Trump [President]", "Org Trump"],
            },
            MentionCase {
                name: "sentence-initial function words",
                input: "Despite the repeated attempts, the call yielded nothing.",
                expected: &[],
            },
            MentionCase {
                name: "sentence-initial participle and adverb",
                input: "Shortly after their conversation, Russia initiated an assault.",
                expected: &["Place Russia"],
            },
            MentionCase {
                name: "sentence-initial participle; a lone surname is only a guess per sentence",
                // resolve() turns this "Trump" into the person once the article names him.
                input: "Following the call, Trump reached out.",
                expected: &["Org Trump"],
            },
            MentionCase {
                name: "month is not a name",
                input: "Vance acknowledged in May that the demands were excessive.",
                expected: &["Person Vance"],
            },
            MentionCase {
                name: "month inside a full name is a surname",
                input: "British Prime Minister Theresa May resigned in May 2019.",
                expected: &[
                    "Place British",
                    "Person Theresa May [British Prime Minister]",
                ],
            },
            MentionCase {
                name: "weapon system is a thing",
                input: "The U.S. supplied Patriot air defense systems and ATACMS missiles.",
                expected: &["Place U.S.", "Thing Patriot", "Thing ATACMS"],
            },
            MentionCase {
                name: "administration belongs to a person",
                input: "The Trump administration has set a deadline.",
                expected: &["Person Trump"],
            },
            MentionCase {
                name: "white house is an organisation",
                input: "Here’s a breakdown of the White House’s recent shift.",
                expected: &["Org White House"],
            },
            MentionCase {
                name: "demonym is a place adjective",
                input: "On July 9, North Korean state media reported it.",
                expected: &["Place North Korean"],
            },
            MentionCase {
                name: "acronyms",
                input: "The G7 and NATO backed the U.S. plan.",
                expected: &["Org G7", "Org NATO", "Place U.S."],
            },
            MentionCase {
                name: "hyphenated places",
                input: "They discussed the Russia-Ukraine war and Russian-occupied areas.",
                expected: &["Place Russia", "Place Ukraine", "Place Russian"],
            },
            MentionCase {
                name: "headline case is skipped",
                input: "Trump Open to Boosting Arms for Ukraine",
                expected: &[],
            },
            MentionCase {
                name: "name particles",
                input: "European Commission President Ursula von der Leyen spoke.",
                expected: &[
                    "Org European Commission",
                    "Person Ursula von der Leyen [European Commission President]",
                ],
            },
            MentionCase {
                name: "speech verb makes a lone surname a person",
                input: "Later, Peskov expressed hope.",
                expected: &["Person Peskov"],
            },
            MentionCase {
                name: "lone unknown word opening a sentence is dropped",
                input: "Concerns over the stockpiles grew.",
                expected: &[],
            },
        ];
        for c in &cases {
            let got: Vec<String> = mentions(c.input, 0..c.input.len())
                .iter()
                .map(|m| show(c.input, m))
                .collect();
            assert_eq!(got, c.expected, "case {:?}", c.name);
        }
    }

    struct QuoteCase {
        name: &'static str,
        previous: &'static str,
        input: &'static str,
        expected: &'static [(&'static str, &'static str)],
    }

    #[test]
    fn quote_attribution() {
        let cases = [
            QuoteCase {
                name: "curly quote, speaker after",
                previous: "",
                input: "“I don’t think he’s looking to stop,” Trump remarked about Putin.",
                expected: &[("I don’t think he’s looking to stop", "Trump")],
            },
            QuoteCase {
                name: "straight quote, expressed",
                previous: "",
                input: "\"We hope to continue our dialogue,\" Peskov expressed.",
                expected: &[("We hope to continue our dialogue", "Peskov")],
            },
            QuoteCase {
                name: "verb before name after the quote",
                previous: "",
                input: "“We will not give up,” said Ukrainian Foreign Minister Andrii Sybiha.",
                expected: &[("We will not give up", "Andrii Sybiha")],
            },
            QuoteCase {
                name: "said, adding that: both quotes to one speaker",
                previous: "",
                input: "“I want it back,” Trump said, adding that Ukraine had “essentially agreed” to it.",
                expected: &[("I want it back", "Trump"), ("essentially agreed", "Trump")],
            },
            QuoteCase {
                name: "speaker before the quote",
                previous: "",
                input: "U.S. Defense Secretary Pete Hegseth stated that “everything is on the table” today.",
                expected: &[("everything is on the table", "Pete Hegseth")],
            },
            QuoteCase {
                name: "nearest person before the speech verb",
                previous: "",
                input: "Trump reached out to Volodymyr Zelenskyy, who characterized the talk as “very important.”",
                expected: &[("very important.", "Volodymyr Zelenskyy")],
            },
            QuoteCase {
                name: "X said: followed by a quote",
                previous: "",
                input: "Blinken said: \"Every dollar will go out the door.\"",
                expected: &[("Every dollar will go out the door.", "Blinken")],
            },
            QuoteCase {
                name: "speaker in the previous sentence, no marks",
                previous: "Secretary of State Antony Blinken stated from Brussels:",
                input: "President Biden has committed to making sure that every dollar goes out.",
                expected: &[(
                    "President Biden has committed to making sure that every dollar goes out.",
                    "Antony Blinken",
                )],
            },
            QuoteCase {
                name: "speaker in the previous sentence, with marks",
                previous: "Kremlin spokesman Dmitry Peskov told reporters:",
                input: "“The dialogue will continue.”",
                expected: &[("The dialogue will continue.", "Dmitry Peskov")],
            },
            QuoteCase {
                name: "pronoun speaker refers to the previous sentence's person",
                previous: "Defense Secretary Pete Hegseth spoke in Brussels on Thursday.",
                input: "“Everything is on the table,” he said.",
                expected: &[("Everything is on the table", "Pete Hegseth")],
            },
            QuoteCase {
                name: "scare quotes without a speech verb are not quotes",
                previous: "",
                input: "It aligns with Trump’s “America First” agenda.",
                expected: &[],
            },
            QuoteCase {
                name: "no speaker, no quote",
                previous: "",
                input: "“There will be consequences,” he said.",
                expected: &[],
            },
        ];
        for c in &cases {
            let text = if c.previous.is_empty() {
                c.input.to_string()
            } else {
                format!("{} {}", c.previous, c.input)
            };
            let (prev, sent) = if c.previous.is_empty() {
                (None, 0..text.len())
            } else {
                (Some(0..c.previous.len()), c.previous.len() + 1..text.len())
            };
            let got: Vec<(&str, &str)> = quotes(&text, sent, prev)
                .iter()
                .map(|q| (&text[q.range.clone()], &text[q.speaker.clone()]))
                .collect();
            assert_eq!(got, c.expected, "case {:?}", c.name);
        }
    }

    fn one_doc(text: &str) -> Vec<(usize, &str, Vec<Range<usize>>)> {
        vec![(0, text, split_prose(text, 0..text.len()))]
    }

    fn find<'a>(es: &'a [Entity], name: &str) -> &'a Entity {
        es.iter().find(|e| e.name == name).unwrap_or_else(|| {
            panic!(
                "no entity {name:?} in {:?}",
                es.iter().map(|e| &e.name).collect::<Vec<_>>()
            )
        })
    }

    #[test]
    fn aliases_merge_within_an_article() {
        let text = "President Donald Trump met allies. Trump’s plan was praised. \
                    The Trump administration said Trump's aides agreed.";
        let es = resolve(&one_doc(text));
        let trump = find(&es, "Donald Trump");
        assert_eq!(trump.kind, EntityKind::Person);
        assert_eq!(trump.aliases, vec!["Trump".to_string()]);
        assert_eq!(trump.mentions.len(), 4);
        assert_eq!(trump.roles.len(), 1);
        assert_eq!(&text[trump.roles[0].range()], "President");
        assert_eq!(
            es.iter().filter(|e| e.kind == EntityKind::Person).count(),
            1
        );
    }

    #[test]
    fn shared_surname_attaches_to_most_recent_full_name() {
        let text = "Hunter Biden spoke first. Biden was calm. \
                    Later Joe Biden arrived in Delaware. Biden then left.";
        let es = resolve(&one_doc(text));
        let hunter = find(&es, "Hunter Biden");
        let joe = find(&es, "Joe Biden");
        let at =
            |e: &Entity| -> Vec<&str> { e.mentions.iter().map(|s| &text[s.range()]).collect() };
        assert_eq!(at(hunter), vec!["Hunter Biden", "Biden"]);
        assert_eq!(at(joe), vec!["Joe Biden", "Biden"]);
        assert!(hunter.mentions[1].range().start < joe.mentions[0].range().start);
    }

    #[test]
    fn transliteration_variants_merge_across_articles() {
        let a =
            "Ukrainian President Volodymyr Zelenskyy spoke. Zelenskyy asked for Patriot systems.";
        let b = "Trump called Ukrainian President Volodymyr Zelensky on Monday.";
        let c = "Aid was discussed, Zelensky said.";
        let docs = vec![
            (0, a, split_prose(a, 0..a.len())),
            (1, b, split_prose(b, 0..b.len())),
            (2, c, split_prose(c, 0..c.len())),
        ];
        let es = resolve(&docs);
        let z: Vec<&Entity> = es
            .iter()
            .filter(|e| fold(&e.name).contains("zelensk"))
            .collect();
        assert_eq!(z.len(), 1, "{z:?}");
        assert_eq!(z[0].name, "Volodymyr Zelenskyy");
        assert_eq!(z[0].mentions.len(), 4);
        let docs_seen: HashSet<usize> = z[0].mentions.iter().map(|s| s.doc()).collect();
        assert_eq!(docs_seen.len(), 3);
        assert!(z[0].aliases.contains(&"Zelensky".to_string()));
        // Patriot is a thing, not a person.
        assert_eq!(find(&es, "Patriot").kind, EntityKind::Thing);
    }

    #[test]
    fn different_people_with_similar_names_stay_apart() {
        let text = "Olena Zelenska, the wife of Volodymyr Zelensky, visited a school in Kyiv.";
        let es = resolve(&one_doc(text));
        let people: Vec<&str> = es
            .iter()
            .filter(|e| e.kind == EntityKind::Person)
            .map(|e| e.name.as_str())
            .collect();
        assert_eq!(people.len(), 2, "{people:?}");
    }

    #[test]
    fn seeds_resolve_with_roles_and_quotes() {
        let docs = seed_docs();
        let es = resolve(&docs);
        let trump = find(&es, "Donald Trump");
        let docs_seen: HashSet<usize> = trump.mentions.iter().map(|s| s.doc()).collect();
        assert_eq!(docs_seen.len(), 5, "Trump is in every seed");
        let trump_quotes: Vec<&str> = trump
            .quotes
            .iter()
            .map(|s| &docs[s.doc()].1[s.range()])
            .collect();
        assert!(trump_quotes.contains(&"I don’t think he’s looking to stop"));
        let blinken = find(&es, "Antony Blinken");
        assert_eq!(blinken.quotes.len(), 1);
        let putin = find(&es, "Vladimir Putin");
        assert!(
            putin.mentions.iter().any(|s| s.doc() == 3),
            "bare 'Putin' in 003 joins"
        );
        // Every returned range cites the text it claims.
        for e in &es {
            for s in e
                .mentions
                .iter()
                .chain(e.roles.iter())
                .chain(e.quotes.iter())
            {
                assert!(docs[s.doc()].1.get(s.range()).is_some());
            }
        }
        // Furniture never leaks: names only in 001's 'Popular Posts' are absent.
        assert!(
            !es.iter()
                .any(|e| e.name.contains("Kudrow") || e.name.contains("Dhillon"))
        );
    }

    #[test]
    fn completion_is_prefix_accent_insensitive_and_ranked() {
        let docs = seed_docs();
        let es = resolve(&docs);
        let names = |p: &str, n: usize| -> Vec<String> {
            complete(&es, p, n).iter().map(|e| e.name.clone()).collect()
        };
        assert_eq!(names("rutte", 5), vec!["Mark Rutte"]);
        assert_eq!(names("ORBAN", 5), vec!["Viktor Orbán"]);
        assert_eq!(names("zelensky", 5), vec!["Volodymyr Zelenskyy"]);
        assert_eq!(names("pat", 5), vec!["Patriot"]);
        // Ranked by mentions: Pentagon (7) before Pete Hegseth (5) before Dmitry Peskov (2).
        assert_eq!(
            names("pe", 3),
            vec!["Pentagon", "Pete Hegseth", "Dmitry Peskov"]
        );
        assert_eq!(names("", 1), vec![es[0].name.clone()]);
        assert_eq!(names("tr", 1), vec!["Donald Trump"]);
        assert!(names("qqq", 5).is_empty());
        assert!(complete(&es, "t", 0).is_empty());
    }

    #[test]
    fn bad_ranges_do_not_panic() {
        let text = "Président Émile Zola’s café — “hi,” said Zola.";
        for r in [
            0..1000,
            Range { start: 3, end: 2 },
            2..3,
            1..text.len(),
            text.len()..text.len() + 5,
        ] {
            for m in mentions(text, r.clone()) {
                assert!(text.get(m.range.clone()).is_some());
            }
            for q in quotes(text, r.clone(), Some(r.clone())) {
                assert!(text.get(q.range.clone()).is_some());
            }
        }
        let _ = resolve(&[(0, text, vec![0..1000, Range { start: 5, end: 2 }, 1..4])]);
    }

    proptest::proptest! {
        #[test]
        fn ranges_stay_inside_sentences_on_char_boundaries(
            text in "(?s)[A-Za-zÀ-ÿ“”\"'’.,:;()\\- \n0-9é✓\u{0301}]{0,200}",
            a in 0usize..260,
            b in 0usize..260,
        ) {
            let sentence = a.min(b)..a.max(b);
            let clamped = clamp(&text, &sentence);
            let inside = |r: &Range<usize>| {
                r.start <= r.end
                    && r.start >= clamped.start
                    && r.end <= clamped.end
                    && text.is_char_boundary(r.start)
                    && text.is_char_boundary(r.end)
            };
            for m in mentions(&text, sentence.clone()) {
                proptest::prop_assert!(inside(&m.range), "{:?}", m);
                if let Some(r) = &m.role {
                    proptest::prop_assert!(inside(r));
                }
            }
            let previous = Some(0..a.min(b));
            for q in quotes(&text, sentence.clone(), previous.clone()) {
                proptest::prop_assert!(inside(&q.range), "{:?}", q);
                let prev = clamp(&text, &(0..a.min(b)));
                let speaker_ok = inside(&q.speaker)
                    || (q.speaker.start >= prev.start && q.speaker.end <= prev.end);
                proptest::prop_assert!(speaker_ok && text.is_char_boundary(q.speaker.start));
            }
            let es = resolve(&[(0, text.as_str(), vec![sentence.clone(), 0..text.len()])]);
            for e in &es {
                for s in e.mentions.iter().chain(e.roles.iter()).chain(e.quotes.iter()) {
                    proptest::prop_assert!(text.get(s.range()).is_some());
                }
            }
            let _ = complete(&es, &text, 3);
        }
    }

    // -----------------------------------------------------------------------
    // The hand-written tokenizer against the regex it replaced.
    // -----------------------------------------------------------------------

    const TOKEN_PATTERN: &str =
        r"(?:\p{Lu}\.){2,}|[\p{L}\p{M}\p{N}]+(?:[-'’‐][\p{L}\p{M}\p{N}]+)*|[^\s\p{L}\p{M}\p{N}]";

    /// The tokenizer as it was, on the regex: the reference for `tokenize`.
    fn regex_tokenize<'a>(text: &'a str, range: &Range<usize>) -> Vec<Tok<'a>> {
        static RE: OnceLock<Regex> = OnceLock::new();
        let re = RE.get_or_init(|| Regex::new(TOKEN_PATTERN).expect("valid"));
        let slice = &text[range.clone()];
        let skips: Vec<Range<usize>> = party_tag_re()
            .find_iter(slice)
            .map(|m| range.start + m.start()..range.start + m.end())
            .collect();
        let raw: Vec<(usize, usize)> = re
            .find_iter(slice)
            .map(|m| (range.start + m.start(), range.start + m.end()))
            .collect();
        let mut toks: Vec<Tok> = Vec::with_capacity(raw.len());
        let mut i = 0;
        while i < raw.len() {
            let (s, mut e) = raw[i];
            let t = &text[s..e];
            let word = t.chars().next().is_some_and(char::is_alphanumeric);
            if word
                && i + 1 < raw.len()
                && raw[i + 1].0 == e
                && &text[raw[i + 1].0..raw[i + 1].1] == "."
            {
                let single_cap = t.chars().count() == 1 && t.chars().all(char::is_uppercase);
                if ABBREVIATIONS.contains(&t) || single_cap {
                    e += 1;
                    i += 1;
                }
            }
            let full = &text[s..e];
            let (text_no_poss, possessive) =
                match full.strip_suffix("'s").or_else(|| full.strip_suffix("’s")) {
                    Some(stem) if !stem.is_empty() && word => (stem, true),
                    _ => (full, false),
                };
            let skip = skips.iter().any(|r| r.start <= s && e <= r.end);
            toks.push(Tok {
                start: s,
                end: s + text_no_poss.len(),
                text: text_no_poss,
                word,
                possessive,
                initial: false,
                skip,
                lists: lists_of(text_no_poss),
            });
            i += 1;
        }
        let mut seen_word = false;
        for k in 0..toks.len() {
            if toks[k].word {
                let after_open = k > 0 && {
                    let p = toks[k - 1].text;
                    p == "“" || p == "‘" || p == "«" || (p == "\"" && (k == 1 || !toks[k - 2].word))
                };
                toks[k].initial = !seen_word || after_open;
                seen_word = true;
            }
        }
        toks
    }

    /// Everything a token says, for comparing tokenizers.
    fn token_fields(toks: &[Tok]) -> Vec<(usize, usize, bool, bool, bool, bool, u32)> {
        toks.iter()
            .map(|t| {
                assert_eq!(t.text.len(), t.end - t.start);
                (
                    t.start,
                    t.end,
                    t.word,
                    t.possessive,
                    t.initial,
                    t.skip,
                    t.lists,
                )
            })
            .collect()
    }

    fn assert_same_tokens(text: &str, range: Range<usize>) {
        let range = clamp(text, &range);
        assert_eq!(
            token_fields(&tokenize(text, &range)),
            token_fields(&regex_tokenize(text, &range)),
            "{:?}",
            &text[range]
        );
    }

    #[test]
    fn listed_words_start_with_a_letter_or_digit() {
        for (_, words) in LISTS {
            for w in *words {
                assert!(w.chars().next().is_some_and(char::is_alphanumeric), "{w:?}");
            }
        }
    }

    #[test]
    fn char_classes_match_the_regex() {
        let res: Vec<(u8, Regex)> = CLASS_PATTERNS
            .iter()
            .map(|(class, p)| (*class, Regex::new(&format!("^{p}$")).expect("valid")))
            .collect();
        let mut buf = [0; 4];
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let s = c.encode_utf8(&mut buf);
            let want = res
                .iter()
                .filter(|(_, re)| re.is_match(s))
                .fold(0, |acc, (class, _)| acc | class);
            assert_eq!(char_class(c), want, "{c:?} U+{:04X}", u32::from(c));
        }
    }

    #[test]
    fn tokenizer_matches_the_regex_on_seeds_and_traps() {
        for (_, text) in SEEDS {
            assert_same_tokens(text, 0..text.len());
            for r in split_prose(text, 0..text.len()) {
                assert_same_tokens(text, r);
            }
        }
        for text in [
            "U.S. and U.K. officials; the U.S.A.'s A.B. plan, J. R. R. Tolkien, A.",
            "Sen. Lindsey Graham (R-S.C.) and Rep. Nancy Pelosi (D-Calif.) met (I-Vt.)",
            "Zelenskyy’s aides—“we won’t stop,” he said… rock-’n’-roll ‐dash‐ x-",
            "Ⓐ Ⅻ 𝐀.𝐁. 𝟙𝟚 ½ café e\u{301}clair \u{a0}non\u{2009}breaking\u{3000}space 🇺🇦 👍🏽",
            "I.B.M. O'Neill D'Amato l'Aquila McDonald's Jones' 's A.'s",
        ] {
            assert_same_tokens(text, 0..text.len());
        }
    }

    proptest::proptest! {
        #[test]
        fn tokenizer_matches_the_regex(
            text in "[A-Za-zÉéÀß0-9 .,'’‐\\-()“”\"\u{301}\u{a0}\u{2009}Ⓐ𝐀𝟙👍RDI:]{0,80}",
            a in 0usize..90,
            b in 0usize..90,
        ) {
            assert_same_tokens(&text, 0..text.len());
            assert_same_tokens(&text, a.min(b)..a.max(b));
        }

        /// The byte scan finds every quotation mark a walk over the characters finds.
        #[test]
        fn quote_marks_are_every_mark(text in "[a-z \"“”„«»‘’—–…éÂ€🙂]{0,40}") {
            let is_mark = |&(_, c): &(usize, char)| matches!(c, '"' | '“' | '”' | '„' | '«' | '»');
            let walked: Vec<_> = text.char_indices().filter(is_mark).collect();
            let scanned: Vec<_> = quote_marks(&text).filter(is_mark).collect();
            proptest::prop_assert_eq!(scanned, walked);
        }
    }

    /// The tokenizers over every passage of a corpus:
    /// `ENTITIES_CORPUS=DIR cargo test --release --no-default-features --lib tokenizer_matches_the_regex_on_a_corpus -- --ignored`
    #[test]
    #[ignore = "needs a corpus folder in ENTITIES_CORPUS"]
    fn tokenizer_matches_the_regex_on_a_corpus() {
        let dir = std::env::var("ENTITIES_CORPUS").expect("ENTITIES_CORPUS names a folder");
        let corpus = crate::corpus::load(std::path::Path::new(&dir)).expect("corpus loads");
        let mut passages = 0;
        for a in corpus.iter().filter_map(|a| corpus.read(a.id)) {
            assert_same_tokens(&a.text, 0..a.text.len());
            for p in &a.passages {
                assert_same_tokens(&a.text, p.range());
                passages += 1;
            }
        }
        assert!(passages > 0, "no passages in {dir}");
        println!(
            "{} articles, {passages} passages: same tokens",
            corpus.len()
        );
    }

    #[test]
    fn articles_analysed_apart_merge_as_resolve_does() {
        let docs = seed_docs();
        let articles: Vec<ArticleEntities> = docs
            .iter()
            .rev()
            .map(|(d, text, sentences)| analyse_article(*d, text, sentences))
            .collect();
        assert_eq!(articles[0].doc(), 4);
        // Kept articles are merged again after a reload, in the corpus order.
        let kept: Vec<ArticleEntities> = articles.iter().rev().cloned().collect();
        assert_eq!(merge(&kept), resolve(&docs));
        assert_eq!(merge(kept.iter()), merge(&kept));
        assert!(merge(std::iter::empty()).is_empty());
    }

    /// Each article's names, as loading analyses them.
    fn analyse_all(docs: &[(usize, &str, Vec<Range<usize>>)]) -> Vec<ArticleEntities> {
        docs.iter()
            .map(|(d, text, sentences)| analyse_article(*d, text, sentences))
            .collect()
    }

    /// `merge_again` over `articles` after `before`: the entities, how many of them share
    /// their lists with one of `before`, and how many times an article's names were read.
    fn again(articles: &[&ArticleEntities], before: &[Entity]) -> (Vec<Entity>, usize, usize) {
        let reads = std::sync::atomic::AtomicUsize::new(0);
        let merged = merge_again(
            articles.len(),
            |i| {
                reads.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                std::borrow::Cow::Borrowed(articles[i])
            },
            before,
        );
        let kept = merged
            .iter()
            .filter(|e| before.iter().any(|b| Arc::ptr_eq(&b.mentions, &e.mentions)))
            .count();
        (merged, kept, reads.into_inner())
    }

    #[test]
    fn merging_again_keeps_what_a_change_leaves_and_equals_a_whole_merge() {
        let docs = seed_docs();
        let analysed = analyse_all(&docs);
        let before = merge(&analysed);
        assert!(before.len() > 20);

        // Nothing changed: every entity is kept, and each article is read once.
        let all: Vec<&ArticleEntities> = analysed.iter().collect();
        let (same, kept, reads) = again(&all, &before);
        assert_eq!(same, before);
        assert_eq!((kept, reads), (before.len(), all.len()));

        // Each article in turn is changed: it goes, and comes back in a new slot with a
        // paragraph more, naming people it may already name.
        for (k, (_, text, _)) in docs.iter().enumerate() {
            let changed = format!(
                "{text}\n\nLater, President Volodymyr Zelensky met Smith, and Mr. Biden spoke."
            );
            let sentences = split_prose(&changed, 0..changed.len());
            let new = analyse_article(100 + k, &changed, &sentences);
            let mut after: Vec<&ArticleEntities> = all.clone();
            after.remove(k);
            after.push(&new);
            let (merged, kept, _) = again(&after, &before);
            assert_eq!(merged, merge(after.iter().copied()), "article {k} changed");
            // Entities of the other articles are kept; those of the new slot are gathered.
            assert!(kept > 0 && kept < merged.len(), "article {k}: {kept} kept");
        }

        // An article that went takes its full name with it: the short form left in the
        // other article becomes an entity of its own, decided afresh.
        let a = "President Zelensky said aid was discussed. Mayor Ana Lopez agreed.";
        let b = "Ukrainian President Volodymyr Zelensky spoke to reporters on Monday.";
        let docs = two_docs(a, b);
        let both = analyse_all(&docs);
        let before = merge(&both);
        let (merged, kept, _) = again(&[&both[0]], &before);
        assert_eq!(merged, merge([&both[0]]));
        assert!(merged.iter().any(|e| e.name == "Zelensky"));
        assert!(!before.iter().any(|e| e.name == "Zelensky"));
        assert!(kept < merged.len());
    }

    /// Two articles, numbered 0 and 1, each all prose.
    fn two_docs<'a>(a: &'a str, b: &'a str) -> Vec<(usize, &'a str, Vec<Range<usize>>)> {
        vec![
            (0, a, split_prose(a, 0..a.len())),
            (1, b, split_prose(b, 0..b.len())),
        ]
    }

    #[test]
    fn a_name_mentioned_more_often_than_a_count_holds_is_merged_whole() {
        // More mentions in one article than a member counts (`u16`): its entity's list is
        // sized short and grows; it has every mention, and a merge again equals a whole one.
        let big = "Mayor Ana Lopez spoke.\n".repeat(70_000);
        let docs = two_docs(&big, "Mayor Ana Lopez agreed.");
        let analysed = analyse_all(&docs);
        let merged = merge(&analysed);
        let lopez = merged
            .iter()
            .find(|e| e.name == "Ana Lopez")
            .expect("merged");
        assert_eq!(lopez.mentions.len(), 70_001);
        let other = analyse_article(
            2,
            "Ms. Lopez agreed.",
            &split_prose("Ms. Lopez agreed.", 0..17),
        );
        let after = [&analysed[0], &other];
        let (again_merged, _, _) = again(&after, &merged);
        assert_eq!(again_merged, merge(after));
    }

    #[test]
    fn roles_and_forms_follow_the_merge_order_not_the_articles() {
        // The full name, in the later article, is merged first; the short form joins it.
        let a = "President Zelensky said aid was discussed.";
        let b = "Ukrainian President Volodymyr Zelensky spoke to reporters on Monday.";
        let docs = two_docs(a, b);
        let es = resolve(&docs);
        let z = find(&es, "Volodymyr Zelensky");
        let roles: Vec<(usize, &str)> = z
            .roles
            .iter()
            .map(|s| (s.doc(), &docs[s.doc()].1[s.range()]))
            .collect();
        assert_eq!(roles, [(1, "Ukrainian President"), (0, "President")]);
        assert_eq!(z.aliases, ["Zelensky"]);
        // A form is listed where the merge first meets it: "Zelensky" in the full name's
        // article, though the other article, read first, names it after "Zelenskyy".
        let c = "Zelenskyy said aid was discussed, and Zelensky agreed.";
        let d = "Ukrainian President Volodymyr Zelensky spoke. Later Zelensky spoke again.";
        let more = two_docs(c, d);
        let z2 = resolve(&more);
        assert_eq!(
            find(&z2, "Volodymyr Zelensky").aliases,
            ["Zelensky", "Zelenskyy"]
        );
        let mentions: Vec<usize> = z.mentions.iter().map(Spot::doc).collect();
        assert_eq!(mentions, [0, 1], "mentions in the corpus's order");
    }

    #[test]
    fn names_read_differently_the_second_time_are_left_out() {
        let docs = seed_docs();
        let analysed = analyse_all(&docs);
        let expected = merge(&analysed);
        // Article 2's names read as nothing once they have been read once.
        let reads = std::sync::atomic::AtomicUsize::new(0);
        let merged = merge_with(analysed.len(), |i| {
            let first = i != 2 || reads.fetch_add(1, std::sync::atomic::Ordering::Relaxed) == 0;
            match first {
                true => std::borrow::Cow::Borrowed(&analysed[i]),
                false => std::borrow::Cow::Owned(ArticleEntities::default()),
            }
        });
        assert_eq!(reads.into_inner(), 2);
        assert!(merged.iter().all(|e| !e.mentions.is_empty()));
        assert!(
            merged
                .iter()
                .all(|e| e.mentions.iter().all(|s| s.doc() != 2))
        );
        // The other articles' mentions are all there.
        let mentions = |es: &[Entity]| -> usize {
            es.iter()
                .flat_map(|e| e.mentions.iter())
                .filter(|s| s.doc() != 2)
                .count()
        };
        assert_eq!(mentions(&merged), mentions(&expected));
        assert!(merged.len() <= expected.len());
    }

    #[test]
    fn saved_names_merge_as_analysed_ones() {
        let docs = seed_docs();
        let analysed: Vec<ArticleNames> = docs
            .iter()
            .map(|(d, text, sentences)| {
                ArticleNames::Analysed(Box::new(analyse_article(*d, text, sentences)))
            })
            .collect();
        // Saved and read back: bytes, until a merge decodes them; saved again as they are.
        let bytes = postcard::to_allocvec(&analysed).unwrap();
        let saved: Vec<ArticleNames> = postcard::from_bytes(&bytes).unwrap();
        assert!(saved.iter().all(|n| matches!(n, ArticleNames::Saved(_))));
        assert_eq!(postcard::to_allocvec(&saved).unwrap(), bytes);
        let names = |all: &[ArticleNames], file: Option<&NameFile>| -> Vec<ArticleEntities> {
            all.iter().map(|n| n.get(file).into_owned()).collect()
        };
        let expected = merge(&names(&analysed, None));
        assert_eq!(merge(&names(&saved, None)), expected);
        assert!(!expected.is_empty());
        // Bytes that do not decode give no names rather than a failure.
        let damaged = ArticleNames::Saved(vec![0xff; 3].into());
        assert!(merge([damaged.get(None).as_ref()]).is_empty());

        // Filed beside the state: saved as where they are, and read back from there.
        let dir = tempfile::tempdir().unwrap();
        let file = NameFile::create(&dir.path().join("names")).unwrap();
        let filed: Vec<ArticleNames> = analysed
            .iter()
            .chain(&saved)
            .map(|n| n.clone().filed(&file))
            .collect();
        assert!(filed.iter().all(|n| matches!(n, ArticleNames::Filed(_))));
        let bytes = postcard::to_allocvec(&filed).unwrap();
        let back: Vec<ArticleNames> = postcard::from_bytes(&bytes).unwrap();
        assert!(back.iter().all(|n| n.held_by(Some(&file))));
        let read = names(&back, Some(&file));
        let (first, second) = read.split_at(analysed.len());
        assert_eq!(merge(first), expected);
        assert_eq!(merge(second), expected);
        // Without their file, or against another, filed names are missing, not a failure.
        let other = NameFile::create(&dir.path().join("other")).unwrap();
        assert!(
            !back
                .iter()
                .any(|n| n.held_by(None) || n.held_by(Some(&other)))
        );
        assert!(merge(&names(&back, None)).is_empty());
        assert!(merge(&names(&back, Some(&other))).is_empty());
    }

    #[test]
    fn acronym_merges_with_its_long_form() {
        let a = "The North Atlantic Treaty Organization met in Brussels.";
        let b = "Officials said NATO would meet again.";
        let docs = two_docs(a, b);
        let es = resolve(&docs);
        let nato = find(&es, "North Atlantic Treaty Organization");
        assert_eq!(nato.kind, EntityKind::Org);
        assert_eq!(nato.aliases, vec!["NATO".to_string()]);
    }
}
