//! A deterministic scale corpus for benchmarks: seeded articles of realistic size and shape.
//!
//! The articles are load data, not test truth: sentences are built from word pools and
//! templates so that the vocabulary is large, and each file carries what the engine works on
//! in real scraped pages (headlines, datelines, date labels and dated URLs, quotations with
//! speakers, people with titles, dates in every form `/timeline` reads, and, for a share of
//! files, site furniture: menus, share buttons, "See also" lines, popular-post blocks,
//! comment forms, copyright lines, subscription appeals and tag lists).
//!
//! Everything comes from one small seeded PRNG (splitmix64) and std only, so a seed gives
//! the same bytes on every run and every machine.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Files per subfolder.
pub const FILES_PER_DIR: usize = 1000;

/// Bumped whenever the output for a given seed changes, so cached corpora are rebuilt.
pub const GENERATOR_VERSION: u32 = 1;

/// Smallest and largest article, in bytes.
pub const MIN_BYTES: usize = 3000;
pub const MAX_BYTES: usize = 8192;

/// What `generate` wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GenStats {
    pub files: usize,
    pub bytes: u64,
    pub dirs: usize,
}

/// splitmix64 (Steele, Lea and Flood): tiny, fast, and good enough for load data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() >> 11) % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T: ?Sized>(&mut self, pool: &[&'a T]) -> &'a T {
        pool[self.below(pool.len())]
    }
}

/// The generator's word pools, public so benchmarks can build queries from the same names.
#[rustfmt::skip]
pub mod pools {
    pub const FIRST_NAMES: &[&str] = &[
        "Amelia", "James", "Olivia", "Noah", "Sophia", "Liam", "Isabella", "Mason", "Mia",
        "Ethan", "Charlotte", "Lucas", "Harper", "Elijah", "Evelyn", "Logan", "Abigail",
        "Aiden", "Emily", "Jacob", "Ella", "Michael", "Avery", "Daniel", "Scarlett", "Henry",
        "Grace", "Jackson", "Chloe", "Samuel", "Victoria", "Sebastian", "Riley", "David",
        "Aria", "Carter", "Lily", "Wyatt", "Aubrey", "Jayden", "Zoey", "John", "Penelope",
        "Owen", "Lillian", "Dylan", "Addison", "Luke", "Layla", "Gabriel", "Natalie", "Anthony",
        "Camila", "Isaac", "Hannah", "Grayson", "Brooklyn", "Jack", "Zoe", "Julian", "Nora",
        "Levi", "Leah", "Christopher", "Savannah", "Joshua", "Audrey", "Andrew", "Claire",
        "Lincoln", "Eleanor", "Mateo", "Skylar", "Ryan", "Ellie", "Jaxon", "Samantha", "Nathan",
        "Stella", "Aaron", "Paisley", "Isaiah", "Violet", "Thomas", "Mila", "Charles",
        "Allison", "Caleb", "Alexa", "Josiah", "Anna", "Christian", "Hazel", "Hunter",
        "Aaliyah", "Eli", "Ariana", "Jonathan", "Lucy", "Connor", "Caroline", "Landon", "Sarah",
        "Adrian", "Genesis", "Asher", "Kennedy", "Cameron", "Sadie", "Leo", "Gabriella",
        "Theodore", "Madelyn", "Jeremiah", "Adeline", "Hudson", "Maya", "Robert", "Autumn",
        "Easton", "Aurora", "Nolan", "Piper", "Nicholas", "Hailey", "Ezra", "Arianna", "Colton",
        "Kaylee", "Angel", "Ruby", "Brayden", "Serenity", "Jordan", "Eva", "Dominic", "Naomi",
        "Austin", "Nevaeh", "Ian", "Alice", "Adam", "Luna", "Elias", "Bella", "Jaxson", "Quinn",
        "Greyson", "Lydia", "Jose", "Peyton", "Ezekiel", "Melanie", "Carson", "Kylie", "Evan",
        "Aubree", "Maverick", "Mackenzie", "Bryson", "Katherine", "Jace", "Ivy", "Cooper",
        "Madison", "Xavier", "Emma", "Parker", "Elena", "Roman", "Sofia", "Jason", "Valentina",
        "Santiago", "Ingrid", "Chase", "Yuki", "Sawyer", "Priya", "Gavin", "Fatima", "Leonardo",
        "Amara", "Kai", "Mei", "Jameson", "Olga", "Kevin", "Anika", "Bentley", "Noor",
        "Zachary", "Ines", "Everett", "Dmitri", "Axel", "Kwame", "Tobias", "Sven",
    ];
    pub const LAST_NAMES: &[&str] = &[
        "Okafor", "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
        "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson",
        "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White",
        "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young",
        "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green",
        "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter",
        "Roberts", "Gomez", "Phillips", "Evans", "Turner", "Diaz", "Parker", "Cruz", "Edwards",
        "Collins", "Reyes", "Stewart", "Morris", "Morales", "Murphy", "Cook", "Rogers",
        "Gutierrez", "Ortiz", "Morgan", "Cooper", "Peterson", "Bailey", "Reed", "Kelly",
        "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson", "Watson", "Brooks", "Chavez",
        "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes", "Price", "Alvarez",
        "Castillo", "Sanders", "Patel", "Myers", "Long", "Ross", "Foster", "Jimenez", "Powell",
        "Jenkins", "Perry", "Russell", "Sullivan", "Bell", "Coleman", "Butler", "Henderson",
        "Barnes", "Gonzales", "Fisher", "Vasquez", "Simmons", "Romero", "Jordan", "Patterson",
        "Alexander", "Hamilton", "Graham", "Reynolds", "Griffin", "Wallace", "Moreno", "West",
        "Cole", "Hayes", "Bryant", "Herrera", "Gibson", "Ellis", "Tran", "Medina", "Aguilar",
        "Stevens", "Murray", "Ford", "Castro", "Marshall", "Owens", "Harrison", "Fernandez",
        "McDonald", "Woods", "Washington", "Kennedy", "Wells", "Vargas", "Henry", "Chen",
        "Freeman", "Webb", "Tucker", "Guzman", "Burns", "Crawford", "Olson", "Simpson",
        "Porter", "Hunter", "Gordon", "Mendez", "Silva", "Shaw", "Snyder", "Mason", "Dixon",
        "Munoz", "Hunt", "Hicks", "Holmes", "Palmer", "Wagner", "Black", "Robertson", "Boyd",
        "Rose", "Stone", "Salazar", "Fox", "Warren", "Mills", "Meyer", "Rice", "Schmidt",
        "Garza", "Daniels", "Ferguson", "Nichols", "Stephens", "Soto", "Weaver", "Ryan",
        "Gardner", "Payne", "Grant", "Dunn", "Kovalenko", "Lindqvist", "Haddad", "Nakamura",
        "Mensah", "Kowalski", "Rahman", "Achterberg", "Delacroix", "Varga", "Oyelaran",
        "Brennan", "Takahashi", "Novak", "Sorensen", "Abdullah", "Petrov", "Moretti", "Yilmaz",
    ];
    /// US state abbreviations as news copy writes them after a party letter.
    pub const STATES: &[&str] = &[
        "S.C.", "Texas", "Ohio", "Calif.", "N.Y.", "Fla.", "Ga.", "Pa.", "Mich.", "Wis.",
        "Ariz.", "Nev.", "N.C.", "Va.", "Mass.", "Ill.", "Minn.", "Colo.", "Ore.", "Wash.",
        "Ky.", "Tenn.", "La.", "Ala.", "Miss.", "Mo.", "Iowa", "Kan.", "Neb.", "Utah",
    ];
    pub const PLACES: &[&str] = &[
        "Washington", "Brussels", "Kyiv", "Moscow", "London", "Paris", "Berlin", "Warsaw",
        "Beijing", "Tokyo", "Seoul", "New Delhi", "Islamabad", "Tehran", "Ankara", "Cairo",
        "Nairobi", "Lagos", "Johannesburg", "Brasilia", "Buenos Aires", "Mexico City", "Ottawa",
        "Canberra", "Jakarta", "Manila", "Hanoi", "Bangkok", "Riyadh", "Doha", "Dubai",
        "Jerusalem", "Beirut", "Baghdad", "Kabul", "Tbilisi", "Vilnius", "Riga", "Tallinn",
        "Helsinki", "Stockholm", "Oslo", "Copenhagen", "Amsterdam", "Madrid", "Lisbon", "Rome",
        "Vienna", "Prague", "Budapest", "Bucharest", "Sofia", "Athens", "Geneva", "Davos",
        "Chicago", "Houston", "Phoenix", "Philadelphia", "San Antonio", "San Diego", "Dallas",
        "Austin", "Denver", "Seattle", "Boston", "Atlanta", "Miami", "Detroit", "Minneapolis",
        "Portland", "Las Vegas", "Baltimore", "Milwaukee", "Albuquerque", "Tucson", "Fresno",
        "Sacramento", "Kansas City", "Omaha", "Raleigh", "Cleveland", "Tampa", "New Orleans",
        "Honolulu", "Anchorage", "Charleston", "Savannah", "Odesa", "Kharkiv", "Lviv", "Dnipro",
        "Zaporizhzhia", "Crimea", "Gaza", "Rafah", "Taipei", "Hong Kong", "Singapore",
        "Kuala Lumpur", "Colombo", "Dhaka", "Kathmandu", "Addis Ababa", "Khartoum", "Kinshasa",
        "Accra", "Dakar", "Casablanca", "Tunis", "Tripoli", "Caracas", "Bogota", "Lima",
        "Santiago", "Quito", "Havana", "Panama City", "Reykjavik", "Dublin", "Edinburgh",
        "Cardiff", "Belfast", "Zurich",
    ];
    pub const ORGS: &[&str] = &[
        "NATO", "the Pentagon", "the State Department", "the White House", "the Kremlin",
        "the European Commission", "the United Nations", "the World Bank",
        "the International Monetary Fund", "the Federal Reserve", "the Treasury Department",
        "the Justice Department", "the FBI", "the Supreme Court", "the Senate", "the House",
        "the Department of Energy", "the Environmental Protection Agency", "NASA",
        "the World Health Organization", "the Red Cross", "Amnesty International",
        "Human Rights Watch", "the European Central Bank", "the Bank of England", "OPEC",
        "the African Union", "ASEAN", "the Port Authority", "the Harbour Board",
        "the City Council", "the Transit Authority", "the Chamber of Commerce",
        "the Teachers Union", "the Farm Bureau", "the Coast Guard", "the National Guard",
        "the Health Ministry", "the Foreign Ministry", "the Defense Ministry",
        "the Interior Ministry", "the Finance Ministry", "the Election Commission", "Reuters",
        "the Associated Press", "Bloomberg", "Microsoft", "Google", "Apple", "Amazon", "Tesla",
        "Boeing", "Airbus", "Lockheed Martin", "Raytheon", "Pfizer", "Moderna", "ExxonMobil",
        "Shell", "BP", "Toyota", "Samsung", "TSMC", "Nvidia", "Intel", "OpenAI", "Meta",
        "Netflix", "Walmart", "Goldman Sachs", "JPMorgan Chase", "Harvard University",
        "Stanford University", "the Brookings Institution", "the Heritage Foundation",
        "the Atlantic Council", "the RAND Corporation", "Greenpeace", "the Sierra Club",
        "Doctors Without Borders", "UNICEF", "the IAEA", "the WTO", "the OECD", "the G7",
        "the G20", "the Arctic Council", "Interpol",
    ];
    /// Topics as noun phrases; their words are what `/search` and `/timeline` look for.
    pub const TOPICS: &[&str] = &[
        "rare earth minerals", "the ferry route", "tariffs", "the wildfire season",
        "interest rates", "the housing shortage", "the cease-fire talks", "drone strikes",
        "air defenses", "the budget deficit", "the minimum wage", "the transit strike",
        "vaccine supplies", "the bird flu outbreak", "the heat wave", "flood barriers",
        "the harbour dredging", "the bridge repairs", "school funding", "the election audit",
        "border security", "the refugee camps", "food prices", "the grain corridor",
        "the oil embargo", "natural gas pipelines", "the power grid", "solar subsidies",
        "wind farms", "nuclear talks", "the uranium deal", "chip exports",
        "artificial intelligence rules", "data privacy", "the antitrust case",
        "the merger review", "the pension reform", "the tax overhaul", "the farm bill",
        "water rationing", "the drought", "coral bleaching", "the fishing quota",
        "the mining licence", "lithium reserves", "the copper mine", "the steel plant",
        "the car factory", "electric vehicles", "battery recycling", "the rail link",
        "the airport expansion", "the stadium vote", "the police budget", "prison reform",
        "the opioid settlement", "hospital staffing", "the nurses strike", "the measles cases",
        "the cholera outbreak", "the earthquake relief", "the hurricane damage",
        "the landslide", "the peace plan", "the prisoner swap", "the hostage talks",
        "the sanctions package", "the arms sale", "Patriot missiles", "the fighter jets",
        "the naval drills", "the submarine deal", "the space launch", "the satellite network",
        "the cyberattack", "the ransomware gang", "the data breach", "the social media ban",
        "the streaming rights", "the film festival", "the museum reopening",
        "the heritage site", "the tourism slump", "the cruise ships", "the shipping lanes",
        "the canal tolls", "the container backlog", "the trade deal", "the currency swap",
        "the bond auction", "the stock rally", "inflation", "the jobs report",
        "the factory orders", "the consumer survey", "the rent freeze", "the zoning plan",
        "the bike lanes", "the congestion charge", "the bus network", "the subway extension",
        "the school closures", "the university fees", "student loans", "the climate summit",
        "carbon credits", "the methane rules", "plastic waste", "the recycling scheme",
    ];
    pub const VERBS_PAST: &[&str] = &[
        "approved", "rejected", "delayed", "announced", "criticized", "defended", "expanded",
        "suspended", "reviewed", "proposed", "questioned", "endorsed", "blocked", "revised",
        "outlined", "doubled", "cut", "extended", "postponed", "challenged", "welcomed",
        "investigated", "funded", "scrapped", "renewed", "finalized", "unveiled", "halted",
    ];
    pub const ADJECTIVES: &[&str] = &[
        "sweeping", "modest", "controversial", "long-awaited", "emergency", "temporary",
        "bipartisan", "regional", "federal", "record", "fragile", "costly", "unexpected",
        "ambitious", "narrow", "broad", "preliminary", "final", "revised", "informal",
        "landmark", "stalled", "disputed", "urgent", "cautious", "sharp", "gradual",
    ];
    pub const SITES: &[&str] = &[
        "American Focus", "Daily Ledger", "Harbour Times", "Capitol Wire", "Metro Herald",
        "Global Dispatch", "The Evening Post", "Coastal Courier", "Frontline Report",
        "The Civic Journal", "Northern Star", "Valley Tribune", "The Policy Desk",
        "World Briefing", "Sunday Observer", "The Market Monitor", "Union Gazette",
        "Pacific Chronicle", "The Daily Signal Box", "Open Record",
    ];
    pub const SECTIONS: &[&str] = &[
        "World", "Politics", "Crime", "Economy", "Tech & Science", "Sports", "Entertainment",
        "Health", "Climate", "Business", "Opinion", "Local", "Europe", "Asia", "Americas",
    ];
    pub const MONTHS: &[&str] = &[
        "January", "February", "March", "April", "May", "June", "July", "August", "September",
        "October", "November", "December",
    ];
    pub const MONTHS_SHORT: &[&str] = &[
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    pub const WEEKDAYS: &[&str] = &[
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    ];
}

use pools::*;

/// A person of the generated world: a stable name with a title and, for some, a party.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub first: &'static str,
    pub last: &'static str,
    /// How the copy introduces them, with `{}` where the name goes.
    pub title: String,
}

impl Person {
    pub fn name(&self) -> String {
        format!("{} {}", self.first, self.last)
    }
    /// The first mention: "Sen. Amelia Okafor (R-S.C.)", "Defense Secretary James Smith".
    pub fn introduced(&self) -> String {
        self.title.replace("{}", &self.name())
    }
}

/// How many people the generated world has (the cast is the same for every seed, so the
/// benchmark can build `/who` queries without reading the corpus).
pub const CAST_SIZE: usize = 1200;

/// Person `i` of the cast (`i < CAST_SIZE`).
pub fn person(i: usize) -> Person {
    let mut rng = Rng::new(0xCA57 ^ (i as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let first = rng.pick(FIRST_NAMES);
    let last = rng.pick(LAST_NAMES);
    let title = match rng.below(12) {
        0 => format!(
            "Sen. {{}} ({}-{})",
            if rng.chance(50) { "R" } else { "D" },
            rng.pick(STATES)
        ),
        1 => format!(
            "Rep. {{}} ({}-{})",
            if rng.chance(50) { "R" } else { "D" },
            rng.pick(STATES)
        ),
        2 => format!(
            "{} Secretary {{}}",
            rng.pick(&["Defense", "State", "Treasury", "Energy", "Transportation"][..])
        ),
        3 => format!(
            "{} Minister {{}}",
            rng.pick(&["Foreign", "Prime", "Finance", "Interior", "Health"][..])
        ),
        4 => format!(
            "{} of {}",
            if rng.chance(50) {
                "spokesman {}"
            } else {
                "spokeswoman {}"
            },
            rng.pick(ORGS)
        ),
        5 => format!("Gov. {{}} of {}", rng.pick(PLACES)),
        6 => format!("Mayor {{}} of {}", rng.pick(PLACES)),
        7 => format!("{} chief executive {{}}", rng.pick(ORGS)),
        8 => format!("analyst {{}} at {}", rng.pick(ORGS)),
        9 => format!("Port director {{}} of {}", rng.pick(PLACES)),
        10 => "President {}".to_string(),
        _ => format!("Professor {{}} of {}", rng.pick(ORGS)),
    };
    Person { first, last, title }
}

/// A calendar date of the generated world (2014-2025; every month has 28 days here so no
/// invalid date is ever written).
#[derive(Debug, Clone, Copy)]
struct Day {
    year: u32,
    month: usize,
    day: u32,
}

impl Day {
    fn random(rng: &mut Rng, years: (u32, u32)) -> Day {
        Day {
            year: rng.range(years.0 as usize, years.1 as usize) as u32,
            month: rng.below(12),
            day: rng.range(1, 28) as u32,
        }
    }
    fn month_day(self) -> String {
        format!("{} {}", MONTHS[self.month], self.day)
    }
    fn long(self) -> String {
        format!("{} {}, {}", MONTHS[self.month], self.day, self.year)
    }
    fn short_dmy(self) -> String {
        format!("{} {} {}", self.day, MONTHS_SHORT[self.month], self.year)
    }
    fn iso(self) -> String {
        format!("{}-{:02}-{:02}", self.year, self.month + 1, self.day)
    }
    fn url_path(self) -> String {
        format!("{}/{:02}/{:02}", self.year, self.month + 1, self.day)
    }
}

/// One article's cast and setting, so sentences of a story hang together.
struct Story {
    people: Vec<Person>,
    topic: &'static str,
    topic2: &'static str,
    place: &'static str,
    org: &'static str,
    date: Day,
}

/// A time expression in one of the forms `/timeline` reads.
fn when(rng: &mut Rng, s: &Story) -> String {
    match rng.below(14) {
        0 | 1 => format!("on {}", s.date.month_day()),
        2 => format!("on {}", s.date.short_dmy()),
        3 => format!("on {}", s.date.iso()),
        4 => format!("in {}", MONTHS[rng.below(12)]),
        5 => "earlier this month".to_string(),
        6 => format!("{} months before", rng.pick(&["two", "three", "six"][..])),
        7 => "days later".to_string(),
        8 => format!("in {}", rng.range(2014, 2024)),
        9 => format!("on {}", rng.pick(WEEKDAYS)),
        10 => "last week".to_string(),
        11 => format!("on {}", s.date.long()),
        12 => "the following year".to_string(),
        _ => format!("in late {}", MONTHS[rng.below(12)]),
    }
}

fn number(rng: &mut Rng) -> String {
    match rng.below(5) {
        0 => format!("${} million", rng.range(2, 900)),
        1 => format!("{}%", rng.range(1, 95)),
        2 => format!("{} billion dollars", rng.range(1, 120)),
        3 => format!("more than {}", rng.range(10, 900)),
        _ => format!("{}", rng.range(2, 5000)),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// One sentence of prose. `fresh` says whether the speaker is mentioned for the first time.
fn sentence(rng: &mut Rng, s: &Story, mentioned: &mut [bool]) -> String {
    let template = rng.below(24);
    // Only templates that quote or name someone mention a person, so a person's first
    // mention in the text is the one with the title.
    let speaker = if SPEAKERLESS.contains(&template) {
        String::new()
    } else {
        let who = rng.below(s.people.len());
        let p = &s.people[who];
        if mentioned[who] {
            p.last.to_string()
        } else {
            mentioned[who] = true;
            p.introduced()
        }
    };
    let verb = rng.pick(VERBS_PAST);
    let adj = rng.pick(ADJECTIVES);
    let when = when(rng, s);
    let num = number(rng);
    let org = if rng.chance(70) {
        s.org
    } else {
        rng.pick(ORGS)
    };
    let place = if rng.chance(70) {
        s.place
    } else {
        rng.pick(PLACES)
    };
    let topic = if rng.chance(60) {
        s.topic
    } else if rng.chance(50) {
        s.topic2
    } else {
        rng.pick(TOPICS)
    };
    match template {
        0 => format!(
            "“We will not accept {adj} changes to {topic} without a vote,” {speaker} said {when}."
        ),
        1 => format!(
            "“This is about {topic}, and about the people of {place},” {speaker} told reporters."
        ),
        2 => format!(
            "{} {verb} a {adj} plan on {topic} {when}, according to documents seen by {}.",
            capitalise(org),
            rng.pick(SITES)
        ),
        3 => format!("{speaker} said the {adj} proposal would cost {num} over the next decade."),
        4 => {
            format!("Officials in {place} {verb} the measure {when}, citing concerns over {topic}.")
        }
        5 => format!("The decision follows months of talks between {org} and leaders in {place}."),
        6 => format!("“I don’t think anyone expected {topic} to move this fast,” said {speaker}."),
        7 => format!(
            "{speaker} stated from {place}: “Everything is on the table regarding {topic}.”"
        ),
        8 => format!(
            "According to {org}, {} residents were affected by {topic} {when}.",
            rng.range(12, 90_000)
        ),
        9 => format!("Critics said the {adj} approach to {topic} ignored warnings issued {when}."),
        10 => format!("{speaker} added that {org} had {verb} its position on {topic} {when}."),
        11 => format!(
            "The {adj} agreement, signed in {place} {when}, covers {topic} and {}.",
            rng.pick(TOPICS)
        ),
        12 => {
            format!("In a statement, {speaker} called the vote on {topic} “a {adj} step forward.”")
        }
        13 => format!(
            "Analysts expect {topic} to dominate the agenda when ministers meet in {place}."
        ),
        14 => format!("The figures, released {when}, show {num} in new spending tied to {topic}."),
        16 => {
            format!("Residents of {place} packed a town hall {when} to demand answers on {topic}.")
        }
        17 => format!(
            "“Frankly, the numbers on {topic} do not add up,” {speaker} said in an interview, \
             adding that {org} would publish a {adj} review within weeks."
        ),
        18 => format!(
            "Lawmakers {verb} an amendment on {topic} {when} after a {adj} debate that ran past midnight."
        ),
        19 => format!(
            "{speaker}, who has followed {topic} for years, warned that {place} could face shortages by winter."
        ),
        20 => format!(
            "A spokesperson for {org} declined to comment on {topic} when contacted {when}."
        ),
        21 => format!(
            "Asked whether {org} would reconsider, {speaker} replied: “Not while {topic} remains unresolved.”"
        ),
        22 => format!(
            "Shares of companies exposed to {topic} fell {}% in early trading, while bond yields in {place} edged higher.",
            rng.range(1, 12)
        ),
        23 => format!(
            "Earlier, {speaker} had described {topic} as “{adj} but necessary,” a phrase repeated by supporters in {place}."
        ),
        _ => format!(
            "{} has {verb} {num} for {topic} since {}, {speaker} said.",
            capitalise(org),
            rng.range(2014, 2024)
        ),
    }
}

/// Sentence templates that name no one.
const SPEAKERLESS: &[usize] = &[2, 4, 5, 8, 9, 11, 13, 14, 16, 18, 20, 22];

fn paragraph(rng: &mut Rng, s: &Story, mentioned: &mut [bool]) -> String {
    let n = rng.range(2, 4);
    (0..n)
        .map(|_| sentence(rng, s, mentioned))
        .collect::<Vec<_>>()
        .join(" ")
}

fn headline(rng: &mut Rng, s: &Story) -> String {
    let p = &s.people[0];
    match rng.below(6) {
        0 => format!(
            "{} {} {} Plan on {}",
            p.last,
            capitalise(rng.pick(&["backs", "rejects", "questions", "defends"][..])),
            capitalise(rng.pick(ADJECTIVES)),
            title_case(s.topic)
        ),
        1 => format!("What’s Next for {} in {}", title_case(s.topic), s.place),
        2 => format!(
            "{} {} Over {}",
            capitalise(s.org.trim_start_matches("the ")),
            capitalise(rng.pick(VERBS_PAST)),
            title_case(s.topic)
        ),
        3 => format!("{}: {} Warns of {}", s.place, p.last, title_case(s.topic2)),
        4 => format!(
            "Why {} Changed Tack on {}",
            p.last,
            title_case(s.topic.trim_start_matches("the "))
        ),
        _ => format!(
            "{} Deal on {} Faces {} Test",
            s.place,
            title_case(s.topic.trim_start_matches("the ")),
            capitalise(rng.pick(ADJECTIVES))
        ),
    }
}

fn title_case(s: &str) -> String {
    s.split(' ')
        .map(|w| {
            if w == "the" {
                "the".to_string()
            } else {
                capitalise(w)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

fn site_domain(site: &str) -> String {
    format!("www.{}.com", slug(site).replace('-', ""))
}

/// Site furniture above the headline: date line, menus, breadcrumbs.
fn header_furniture(rng: &mut Rng, site: &str, section: &str, title: &str, s: &Story) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}, {}",
        WEEKDAYS[s.date.day as usize % 7],
        s.date.short_dmy()
    );
    for item in ["Contact", "Privacy Policy", "Terms & Conditions", "DMCA"] {
        let _ = writeln!(out, "  • {item}");
    }
    let _ = writeln!(out, "{site}{site}");
    for item in SECTIONS.iter().take(rng.range(6, SECTIONS.len())) {
        let _ = writeln!(out, "  • {item}");
    }
    let _ = writeln!(out, "Search\nFollow US");
    let _ = writeln!(out, "© {} {} – All Rights Reserved.", s.date.year, site);
    let _ = writeln!(out, "{site} > Blog > {section} > {title}");
    let _ = writeln!(out, "{section}\n");
    out
}

/// Site furniture below the article: see-also, popular posts, comment form, tags.
fn footer_furniture(rng: &mut Rng, site: &str, s: &Story) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Share this:\n  • Facebook\n  • X\n  • WhatsApp\n  • Email\n"
    );
    if rng.chance(60) {
        let _ = writeln!(
            out,
            "{}\n",
            rng.pick(&["Popular Posts", "You Might Also Like", "Related Articles"][..])
        );
        for _ in 0..rng.range(3, 5) {
            let d = Day::random(rng, (2024, 2025));
            let t = rng.pick(TOPICS);
            let _ = writeln!(
                out,
                "{} {} {}\n{}\n",
                capitalise(rng.pick(VERBS_PAST)),
                title_case(t.trim_start_matches("the ")),
                rng.pick(&["Sparks Debate", "Explained", "Under Review", "In Numbers"][..]),
                d.long()
            );
        }
    }
    if rng.chance(50) {
        let _ = writeln!(
            out,
            "Leave a Reply\nYour email address will not be published. Required fields are marked *\nComment *\nName *\nEmail *\nWebsite\nSave my name, email, and website in this browser for the next time I comment.\nPost Comment\n"
        );
    }
    if rng.chance(50) {
        let _ = writeln!(
            out,
            "Subscribe to our newsletter\nGet the latest news from {site} delivered to your inbox every morning.\nSubscribe\n"
        );
    }
    let mut tags: Vec<String> = vec![title_case(s.topic.trim_start_matches("the "))];
    tags.push(s.place.to_string());
    tags.push(s.people[0].name());
    let _ = writeln!(out, "Tags: {}\n", tags.join(", "));
    let _ = writeln!(out, "© {} {}. All rights reserved.", s.date.year, site);
    out
}

/// Writes article `i` for `seed` into a String.
pub fn article(i: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    // Warm the state so neighbouring articles diverge at once.
    rng.next_u64();
    let cast = rng.range(2, 5);
    let story = Story {
        people: (0..cast).map(|_| person(rng.below(CAST_SIZE))).collect(),
        topic: rng.pick(TOPICS),
        topic2: rng.pick(TOPICS),
        place: rng.pick(PLACES),
        org: rng.pick(ORGS),
        date: Day::random(&mut rng, (2024, 2025)),
    };
    let mut mentioned = vec![false; story.people.len()];
    let site = rng.pick(SITES);
    let section = rng.pick(SECTIONS);
    let title = headline(&mut rng, &story);
    let furnished = rng.chance(45);
    let target = rng.range(MIN_BYTES + 500, MAX_BYTES - 600);

    let mut head = String::new();
    if furnished {
        head.push_str(&header_furniture(&mut rng, site, section, &title, &story));
    }
    let _ = writeln!(head, "{title}\n");
    match rng.below(4) {
        0 => {
            let _ = writeln!(
                head,
                "Last updated: {} 12:55 am\nShare\n",
                story.date.long()
            );
        }
        1 => {
            let _ = writeln!(head, "Published {}\n", story.date.iso());
        }
        2 => {
            let by = person(rng.below(CAST_SIZE));
            let _ = writeln!(head, "By {} | {}\n", by.name(), story.date.long());
        }
        _ => {}
    }
    let url = format!(
        "https://{}/{}/{}/",
        site_domain(site),
        story.date.url_path(),
        slug(&title)
    );
    if rng.chance(30) {
        let _ = writeln!(
            head,
            "This article was originally published by {}: {title}\n",
            rng.pick(SITES)
        );
    }
    let tail = if furnished {
        footer_furniture(&mut rng, site, &story)
    } else {
        format!("Source: {url}\n")
    };

    let mut body = String::new();
    let mut first = true;
    loop {
        let mut para = paragraph(&mut rng, &story, &mut mentioned);
        if first {
            para = format!(
                "{} ({}) — {para}",
                story.place.to_uppercase(),
                rng.pick(&["AP", "Reuters", "AFP"][..])
            );
            first = false;
        }
        if head.len() + body.len() + para.len() + 2 + tail.len() > target {
            break;
        }
        body.push_str(&para);
        body.push_str("\n\n");
        if furnished && rng.chance(12) {
            let _ = writeln!(
                body,
                "See also  {}\n",
                title_case(rng.pick(TOPICS).trim_start_matches("the "))
            );
        }
    }
    // Top up sentence by sentence, so every file lands close to its target size.
    let mut last = String::new();
    loop {
        let s = sentence(&mut rng, &story, &mut mentioned);
        if head.len() + body.len() + last.len() + s.len() + 3 + tail.len() > target {
            break;
        }
        if !last.is_empty() {
            last.push(' ');
        }
        last.push_str(&s);
    }
    if !last.is_empty() {
        body.push_str(&last);
        body.push_str("\n\n");
    }
    if furnished {
        let _ = writeln!(body, "Read more at {url}\n");
    }
    format!("{head}{body}{tail}")
}

/// The file of article `i`, relative to the corpus folder.
pub fn article_path(i: usize) -> PathBuf {
    PathBuf::from(format!("{:04}", i / FILES_PER_DIR)).join(format!("a{i:07}.txt"))
}

/// Writes `articles` articles below `dir` (created if missing), `FILES_PER_DIR` per subfolder.
pub fn generate(dir: &Path, articles: usize, seed: u64) -> io::Result<GenStats> {
    let mut stats = GenStats::default();
    for i in 0..articles {
        let path = dir.join(article_path(i));
        if i % FILES_PER_DIR == 0 {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            stats.dirs += 1;
        }
        let text = article(i, seed);
        fs::write(&path, text.as_bytes())?;
        stats.files += 1;
        stats.bytes += text.len() as u64;
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Length and FNV-1a hash of `article(0, 42)`.
    const PINNED_ARTICLE_0_SEED_42: (usize, u64) = (5956, 8588817681622518791);

    fn read_all(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
        let mut files: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(dir).unwrap().to_path_buf();
                (rel, fs::read(e.path()).unwrap())
            })
            .collect();
        files.sort();
        files
    }

    #[test]
    fn same_seed_writes_the_same_bytes() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let sa = generate(a.path(), 40, 7).unwrap();
        let sb = generate(b.path(), 40, 7).unwrap();
        assert_eq!(sa, sb);
        assert_eq!(read_all(a.path()), read_all(b.path()));
    }

    #[test]
    fn different_seeds_write_different_articles() {
        for i in 0..20 {
            assert_ne!(article(i, 1), article(i, 2), "article {i}");
        }
        assert_ne!(article(0, 1), article(1, 1));
    }

    #[test]
    fn a_known_seed_keeps_its_bytes() {
        // Pins the output across machines and refactors: change GENERATOR_VERSION with it.
        let text = article(0, 42);
        let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        assert_eq!((text.len(), hash), PINNED_ARTICLE_0_SEED_42);
    }

    #[test]
    fn articles_have_realistic_size_and_shape() {
        let mut furnished = 0;
        for i in 0..300 {
            let t = article(i, 3);
            assert!(
                (MIN_BYTES..=MAX_BYTES).contains(&t.len()),
                "article {i} is {} bytes",
                t.len()
            );
            assert!(
                t.contains('“') && t.contains(" said"),
                "article {i} quotes no one"
            );
            if t.contains("  • ") {
                furnished += 1;
                assert!(t.contains("All Rights Reserved"), "article {i}");
            }
        }
        assert!(
            (60..=240).contains(&furnished),
            "{furnished} furnished of 300"
        );
    }

    #[test]
    fn files_spread_over_subfolders() {
        assert_eq!(article_path(0), Path::new("0000/a0000000.txt"));
        assert_eq!(article_path(1999), Path::new("0001/a0001999.txt"));
        assert_eq!(article_path(123_456), Path::new("0123/a0123456.txt"));
    }

    #[test]
    fn generated_corpus_loads_and_cleans_to_articles() {
        let dir = tempfile::tempdir().unwrap();
        let stats = generate(dir.path(), 60, 11).unwrap();
        assert_eq!(stats.files, 60);
        let engine = crate::Engine::load(dir.path()).unwrap();
        assert_eq!(
            engine.corpus.len(),
            60,
            "skipped: {:?}",
            engine.corpus.skipped()
        );
        for a in engine.corpus.iter() {
            assert!(
                a.passages.len() >= 5,
                "{} has {} passages",
                a.doc,
                a.passages.len()
            );
            assert!(a.meta.date.is_some(), "{} has no date", a.doc);
            // Cleaning removed the furniture: the served prose is shorter than the file.
            assert!(!a.meta.title.is_empty(), "{} has no title", a.doc);
        }
        assert!(engine.corpus.iter().any(|a| !a.events.is_empty()));
        assert!(
            engine.entities().len() > 20,
            "{} entities",
            engine.entities().len()
        );
    }
}
