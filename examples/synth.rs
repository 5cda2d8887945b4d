//! Generates a deterministic synthetic news archive for benchmarking gloss at scale,
//! and optionally the same corpus as a Hugo site for a side-by-side comparison.
//!
//! ```sh
//! cargo run --release --example synth -- --articles 10000 --out /tmp/synth-10k \
//!     [--seed 42] [--hugo /tmp/synth-10k-hugo] [--force]
//! ```
//!
//! gloss layout (`--out DIR`):
//!
//! - `DIR/site.toml`
//! - `DIR/seeds/NNNNNN.txt`: a headline line, a blank line, then one paragraph per
//!   line, 600–900 words of English-ish text built from a fixed vocabulary and
//!   sentence templates;
//! - `DIR/seeds/NNNNNN.toml`: source (one of 20), published date (2000–2024), kind,
//!   summary, 2–4 tags (of 200), 2–4 notes whose quotes are sentences occurring
//!   exactly once in the article (one of them a correction with `correct`), and
//!   occasionally `[[see_also]]` to earlier articles;
//! - `DIR/seeds/_entities.toml`: max(20, N/20) people, each with a full name and a
//!   surname alias; every article names 2–5 of them in its text (full name first,
//!   then the surname), and every person occurs in at least one article;
//! - `DIR/seeds/_sources.toml`: 20 publications.
//!
//! Hugo layout (`--hugo DIR2`): `hugo.toml` (taxonomies tags, people and sources;
//! article permalinks `/articles/:slug/`), `content/articles/NNNNNN.md` with front
//! matter (title, slug, date, tags, people, sources, summary, kind, notes) and the same
//! paragraphs as Markdown, and `layouts/` with baseof, single, list (the articles
//! section grouped by year, like gloss's timeline), taxonomy, term, home and 404
//! templates doing work comparable to gloss's: article body, metadata, notes,
//! related articles, and cards (source, kind, date, title, summary, people, note
//! counts) on every list page, paginated where gloss paginates (home, tags, sources:
//! 30 a page), with feeds where gloss has them (home, tags, sources).
//!
//! Everything is a pure function of `--articles` and `--seed`: each article has its
//! own PRNG seeded from (seed, index), so generation runs in parallel and two runs
//! write byte-identical files.

// A benchmark fixture generator: the PRNG's float/int casts are intended, and the
// embedded templates keep `r##"` so that `"#` inside HTML stays safe to add.
#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    clippy::cast_sign_loss,
    clippy::needless_raw_string_hashes,
    clippy::single_match_else
)]

use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use gloss::model::MONTHS;
use rayon::prelude::*;

// ─── PRNG ────────────────────────────────────────────────────────────────────

/// SplitMix64: tiny, fast, good enough for text.
#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64) -> Self {
        let mut rng = Rng(seed ^ stream.wrapping_mul(0xA076_1D64_78BD_642F));
        rng.next();
        rng.next();
        rng
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
    /// Skewed towards 0 (popular people are mentioned more often).
    fn skewed(&mut self, n: usize) -> usize {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((u * u * n as f64) as usize).min(n - 1)
    }
}

// ─── Vocabulary ──────────────────────────────────────────────────────────────

const FIRST_NAMES: &[&str] = &[
    "Anna", "Boris", "Clara", "Daniel", "Elena", "Farid", "Greta", "Hector", "Irina", "Jonas",
    "Karin", "Louis", "Marta", "Nikolai", "Olga", "Pavel", "Quentin", "Rosa", "Stefan", "Tamara",
    "Ulrich", "Vera", "Walter", "Xenia", "Yusuf", "Zofia", "Amir", "Beatrix", "Carlos", "Dmitri",
    "Edith", "Felix", "Gloria", "Hugo", "Ingrid", "Jakob", "Lena", "Marco", "Nadia", "Oscar",
    "Petra", "Rafael", "Sonia", "Tomas", "Ursula", "Viktor", "Wanda", "Yara", "Aiko", "Kenji",
    "Mei", "Ravi", "Priya", "Omar", "Leila", "Samuel", "Helena", "Arturo", "Brigitte", "Cyril",
];

/// Syllables of generated surnames (unique per person, never a vocabulary word).
const SYLLABLES: &[&str] = &[
    "ka", "lo", "ven", "mir", "das", "tor", "bel", "rin", "sul", "gar", "no", "vi", "bra", "zel",
    "kov", "ta", "mon", "dre", "lis", "pa", "ros", "nak", "ti", "ber", "shu", "go", "len", "fa",
    "dor", "mi", "sal", "ve", "kur", "jan", "ol", "pe", "ras", "ul", "bo", "nes",
];
const SURNAME_ENDINGS: &[&str] = &[
    "ov", "ski", "ra", "ni", "son", "ez", "ak", "elli", "in", "o",
];

const PLACES: &[&str] = &[
    "Valmora",
    "Eastbridge",
    "Port Selwyn",
    "Kessary",
    "Dunmere",
    "Altavia",
    "Rivergate",
    "Norholm",
    "Calder Bay",
    "Meriton",
    "Ostrava Heights",
    "Lindqvist",
    "Saltmarsh",
    "Gransby",
    "Highmoor",
    "Teravale",
    "Brackwater",
    "Fenwick",
    "Marigold Coast",
    "Stonehaven",
    "Westerly",
    "Quarry Hill",
    "Ambergate",
    "Corvell",
    "Sundridge",
    "Palmera",
    "Vestby",
    "Hollin",
    "Redcliff",
    "Ashford Plains",
];

const ORGS: &[&str] = &[
    "the transport ministry",
    "the regional council",
    "the central bank",
    "the electoral commission",
    "the port authority",
    "the teachers union",
    "the health department",
    "the supreme court",
    "the national assembly",
    "the water board",
    "the chamber of commerce",
    "the farmers association",
    "the statistics office",
    "the housing agency",
    "the energy regulator",
    "the city police",
    "the audit office",
    "the university senate",
    "the coast guard",
    "the finance committee",
];

const NOUNS: &[&str] = &[
    "budget",
    "bridge",
    "railway",
    "hospital",
    "harbour",
    "pipeline",
    "reform",
    "tax",
    "pension",
    "election",
    "contract",
    "strike",
    "school",
    "reservoir",
    "tunnel",
    "airport",
    "subsidy",
    "factory",
    "market",
    "inquiry",
    "survey",
    "treaty",
    "merger",
    "lawsuit",
    "highway",
    "ferry",
    "library",
    "museum",
    "stadium",
    "clinic",
    "loan",
    "tariff",
    "quota",
    "licence",
    "permit",
    "audit",
    "ballot",
    "census",
    "levy",
    "grant",
];

const PLURALS: &[&str] = &[
    "residents",
    "workers",
    "officials",
    "farmers",
    "students",
    "nurses",
    "drivers",
    "engineers",
    "investors",
    "voters",
    "tenants",
    "pensioners",
    "fishermen",
    "teachers",
    "shopkeepers",
    "commuters",
    "contractors",
    "inspectors",
    "lawmakers",
    "volunteers",
];

const ADJECTIVES: &[&str] = &[
    "new",
    "controversial",
    "delayed",
    "ambitious",
    "costly",
    "modest",
    "sweeping",
    "temporary",
    "regional",
    "long-awaited",
    "disputed",
    "revised",
    "unexpected",
    "cautious",
    "expanded",
    "reduced",
    "emergency",
    "preliminary",
    "annual",
    "joint",
];

const VERBS_PAST: &[&str] = &[
    "approved",
    "rejected",
    "announced",
    "criticised",
    "defended",
    "postponed",
    "questioned",
    "welcomed",
    "challenged",
    "proposed",
    "reviewed",
    "suspended",
    "endorsed",
    "cancelled",
    "extended",
    "investigated",
    "negotiated",
    "signed",
    "opposed",
    "praised",
];

const SAY_VERBS: &[&str] = &[
    "said",
    "told reporters",
    "argued",
    "noted",
    "insisted",
    "added",
    "warned",
    "conceded",
];

const WEEKDAYS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

const TOPICS_A: &[&str] = &[
    "energy",
    "transport",
    "housing",
    "health",
    "education",
    "trade",
    "labour",
    "water",
    "fisheries",
    "tourism",
    "defence",
    "justice",
    "media",
    "finance",
    "agriculture",
    "climate",
    "migration",
    "elections",
    "culture",
    "technology",
];
const TOPICS_B: &[&str] = &[
    "policy",
    "budget",
    "protest",
    "reform",
    "scandal",
    "investment",
    "courts",
    "infrastructure",
    "regulation",
    "strikes",
];

const KINDS: &[&str] = &[
    "news",
    "news",
    "news",
    "interview",
    "feature",
    "opinion",
    "analysis",
];

const SOURCE_WORDS: &[(&str, &str, &str)] = &[
    ("northern-ledger", "The Northern Ledger", "newspaper"),
    ("valmora-times", "Valmora Times", "newspaper"),
    ("coastal-courier", "Coastal Courier", "newspaper"),
    ("daily-beacon", "The Daily Beacon", "newspaper"),
    (
        "evening-standard-post",
        "Evening Standard Post",
        "newspaper",
    ),
    ("meridian-wire", "Meridian Wire", "wire"),
    ("continental-press", "Continental Press Agency", "wire"),
    ("radio-eastbridge", "Radio Eastbridge", "broadcaster"),
    ("channel-nine-news", "Channel Nine News", "broadcaster"),
    (
        "public-broadcasting-service",
        "Public Broadcasting Service",
        "broadcaster",
    ),
    ("the-quarterly-review", "The Quarterly Review", "magazine"),
    ("civic-monthly", "Civic Monthly", "magazine"),
    ("market-observer", "Market Observer", "magazine"),
    ("state-herald", "The State Herald", "state-affiliated media"),
    ("national-voice", "National Voice", "state-affiliated media"),
    ("harbour-gazette", "Harbour Gazette", "newspaper"),
    ("highmoor-chronicle", "Highmoor Chronicle", "newspaper"),
    (
        "the-inquirer-online",
        "The Inquirer Online",
        "digital native",
    ),
    ("factline", "Factline", "digital native"),
    ("rivergate-post", "Rivergate Post", "newspaper"),
];

const REPORTERS: &[&str] = &[
    "Harriet Vale",
    "Simon Archer",
    "Lucia Moreno",
    "Peter Lindgren",
    "Amelia Stroud",
    "Tariq Hassan",
    "Julia Brandt",
    "Martin Oduya",
    "Nora Kelleher",
    "Edwin Rask",
    "Chloe Varga",
    "Ivan Petrak",
    "Sofia Lind",
    "George Amadi",
    "Hannah Wirth",
];

/// A sentence template. Slots: {P} person (full name at first mention, then the
/// surname), {PL} place, {ORG} organisation, {N} noun, {NS} plural noun, {ADJ},
/// {V} past-tense verb, {SAY}, {NUM}, {PCT}, {YEAR}, {MONTH}, {DAY}, {WD} weekday.
const TEMPLATES: &[&str] = &[
    "{ORG} {V} the {ADJ} {N} on {WD}, according to documents seen by this newspaper.",
    "{P} {SAY} that the {N} in {PL} would cost at least {NUM} million.",
    "In {MONTH} {YEAR}, {ORG} {V} a plan to expand the {N} near {PL}.",
    "About {NUM} {NS} gathered outside the offices of {ORG} in {PL} on {WD}.",
    "{P} {SAY} the {ADJ} {N} had been {V} without proper consultation.",
    "The {N} was first {V} in {YEAR}, but work stalled after a dispute over funding.",
    "Critics said the {ADJ} {N} would hurt {NS} in {PL} more than anyone else.",
    "According to {ORG}, {PCT} percent of {NS} in {PL} supported the {N}.",
    "{P} {V} the decision, calling it a turning point for {NS} across the region.",
    "Officials in {PL} {V} the {N} after an audit found {NUM} irregular payments.",
    "The dispute over the {N} has divided {NS} in {PL} since {MONTH} {YEAR}.",
    "{P} first raised concerns about the {N} at a meeting in {PL} on {MONTH} {DAY}.",
    "A spokesperson for {ORG} declined to comment on the {ADJ} {N}.",
    "Local {NS} {SAY} they had not been told about the {N} until {WD}.",
    "The figures, published by {ORG} on {MONTH} {DAY}, show a rise of {PCT} percent.",
    "{P} and several {NS} met {ORG} in {PL} to discuss the {ADJ} {N}.",
    "It was the largest {N} in {PL} since {YEAR}, when {ORG} {V} a similar scheme.",
    "{P}'s office {V} the {N} in a statement released late on {WD}.",
    "Supporters of the {N} argue that {NS} in {PL} will benefit within {NUM} days.",
    "The {ADJ} {N} is expected to be {V} by {ORG} before the end of {YEAR}.",
    "Asked about the {N}, {P} {SAY} that nothing had been decided yet.",
    "{ORG} has {V} {NUM} applications related to the {N} this year alone.",
    "In {PL}, {NS} {V} the {ADJ} {N} during a heated public hearing.",
    "The {N} would require {NUM} new {NS}, according to an estimate by {ORG}.",
    "{P} {SAY} that {ORG} had ignored warnings about the {N} for {NUM} months.",
    "Residents of {PL} have waited since {YEAR} for the {ADJ} {N} to open.",
    "The report by {ORG} found that {PCT} percent of the {N} funds were unspent.",
    "{P}, who has followed the {N} since {YEAR}, {SAY} the delays were predictable.",
    "Opposition lawmakers {V} the {N} and demanded an inquiry by {ORG}.",
    "On {WD}, {ORG} {V} a {ADJ} review of every {N} in {PL}.",
    "The cost of the {N} in {PL} has risen to {NUM} million since {MONTH} {YEAR}.",
    "Few {NS} in {PL} expected {ORG} to move so quickly on the {N}.",
    "{P} {V} the {ADJ} {N} in an interview broadcast on {WD} evening.",
    "Documents show that {ORG} {V} the {N} twice before {MONTH} {YEAR}.",
    "A survey of {NUM} {NS} found strong opposition to the {N} in {PL}.",
    "The {ADJ} {N} will be {V} again when {ORG} meets in {MONTH}.",
    "{P} {SAY} the {N} was never meant to replace the {ADJ} {N} in {PL}.",
    "Since {YEAR}, {NS} in {PL} have paid {PCT} percent more for the {N}.",
    "The minutes of the meeting, dated {MONTH} {DAY}, {YEAR}, record {NUM} objections.",
    "{ORG} {V} the claim that the {N} had been rushed through in {MONTH}.",
];

const HEADLINES: &[&str] = &[
    "{S} {V} {ADJ} {N} plan for {PL}",
    "{ORGC} faces questions over {N} in {PL}",
    "{NSC} in {PL} protest {ADJ} {N}",
    "{ADJC} {N} divides {PL} as {S} steps in",
    "Inside the {N} dispute that split {PL}",
    "{S} and {S2} clash over {N}",
    "{PL} {N} delayed again, {ORG} says",
    "What the {ADJ} {N} means for {NS} in {PL}",
];

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

fn toml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn toml_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| toml_str(s)).collect();
    format!("[{}]", quoted.join(", "))
}

fn number(rng: &mut Rng) -> String {
    let n = match rng.below(3) {
        0 => rng.range(2, 99),
        1 => rng.range(100, 999),
        _ => rng.range(1000, 99_999),
    };
    if n >= 1000 {
        format!("{},{:03}", n / 1000, n % 1000)
    } else {
        n.to_string()
    }
}

// ─── Registry ────────────────────────────────────────────────────────────────

struct Person {
    id: String,
    name: String,
    surname: String,
}

/// Every lowercase word of the fixed vocabulary, so no surname collides with one.
fn vocabulary_words() -> HashSet<String> {
    let mut words = HashSet::new();
    let lists: [&[&str]; 14] = [
        FIRST_NAMES,
        PLACES,
        ORGS,
        NOUNS,
        PLURALS,
        ADJECTIVES,
        VERBS_PAST,
        SAY_VERBS,
        &MONTHS,
        WEEKDAYS,
        TOPICS_A,
        TOPICS_B,
        REPORTERS,
        TEMPLATES,
    ];
    for list in lists {
        for item in list {
            for word in item.split(|c: char| !c.is_ascii_alphabetic()) {
                if !word.is_empty() {
                    words.insert(word.to_ascii_lowercase());
                }
            }
        }
    }
    for (_, name, _) in SOURCE_WORDS {
        for word in name.split(' ') {
            words.insert(word.to_ascii_lowercase());
        }
    }
    words
}

fn people(count: usize, seed: u64) -> Vec<Person> {
    let mut rng = Rng::new(seed, u64::MAX);
    let vocabulary = vocabulary_words();
    let mut surnames = HashSet::new();
    let mut people = Vec::with_capacity(count);
    while people.len() < count {
        let syllables = rng.range(2, 3);
        let mut surname = String::new();
        for _ in 0..syllables {
            surname.push_str(rng.pick(SYLLABLES));
        }
        surname.push_str(rng.pick(SURNAME_ENDINGS));
        let surname = capitalise(&surname);
        let key = surname.to_ascii_lowercase();
        if key.len() < 5 || vocabulary.contains(&key) || !surnames.insert(key) {
            continue;
        }
        let first = rng.pick(FIRST_NAMES);
        let name = format!("{first} {surname}");
        people.push(Person {
            id: slugify(&name),
            name,
            surname,
        });
    }
    people
}

fn tags() -> Vec<String> {
    let mut tags = Vec::with_capacity(TOPICS_A.len() * TOPICS_B.len());
    for b in TOPICS_B {
        for a in TOPICS_A {
            tags.push(format!("{a}-{b}"));
        }
    }
    tags
}

// ─── Articles ────────────────────────────────────────────────────────────────

struct Note {
    quote: String,
    kind: &'static str,
    body: String,
    correct: Option<String>,
}

struct Article {
    stem: String,
    title: String,
    slug: String,
    source: usize,
    date: (usize, usize, usize),
    kind: &'static str,
    author: &'static str,
    summary: String,
    tags: Vec<String>,
    people: Vec<usize>,
    paragraphs: Vec<String>,
    notes: Vec<Note>,
    see_also: Vec<(String, String)>,
}

struct Filler<'a> {
    rng: &'a mut Rng,
    people: &'a [Person],
    cast: &'a [usize],
    mentioned: Vec<bool>,
    /// Index in `cast` of the next person to use for a {P} slot.
    turn: usize,
}

impl Filler<'_> {
    fn person(&mut self) -> String {
        // Cycle through the cast so everyone occurs; then pick at random.
        let slot = if self.turn < self.cast.len() {
            self.turn
        } else {
            self.rng.below(self.cast.len())
        };
        self.turn += 1;
        let person = &self.people[self.cast[slot]];
        if self.mentioned[slot] {
            person.surname.clone()
        } else {
            self.mentioned[slot] = true;
            person.name.clone()
        }
    }

    fn fill(&mut self, template: &str) -> String {
        let mut out = String::with_capacity(template.len() + 64);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let close = open + rest[open..].find('}').expect("closed slot");
            let slot = &rest[open + 1..close];
            let text = match slot {
                "P" => self.person(),
                "S" | "S2" => {
                    let name = self.person();
                    name.rsplit(' ').next().unwrap_or(&name).to_owned()
                }
                "PL" => self.rng.pick(PLACES).to_string(),
                "ORG" => self.rng.pick(ORGS).to_string(),
                "ORGC" => capitalise(self.rng.pick(ORGS)),
                "N" => self.rng.pick(NOUNS).to_string(),
                "NS" => self.rng.pick(PLURALS).to_string(),
                "NSC" => capitalise(self.rng.pick(PLURALS)),
                "ADJ" => self.rng.pick(ADJECTIVES).to_string(),
                "ADJC" => capitalise(self.rng.pick(ADJECTIVES)),
                "V" => self.rng.pick(VERBS_PAST).to_string(),
                "SAY" => self.rng.pick(SAY_VERBS).to_string(),
                "NUM" => number(self.rng),
                "PCT" => self.rng.range(2, 97).to_string(),
                "YEAR" => self.rng.range(1985, 2024).to_string(),
                "MONTH" => self.rng.pick(&MONTHS).to_string(),
                "DAY" => self.rng.range(1, 28).to_string(),
                "WD" => self.rng.pick(WEEKDAYS).to_string(),
                other => panic!("unknown slot {other}"),
            };
            out.push_str(&text);
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
        // Sentences start with a capital even when a slot opens them.
        capitalise(&out)
    }
}

fn count_occurrences(haystack: &str, needle: &str) -> usize {
    haystack.match_indices(needle).count()
}

fn article(index: usize, seed: u64, people: &[Person], tags: &[String], total: usize) -> Article {
    let mut rng = Rng::new(seed, index as u64);
    let stem = format!("{index:06}");

    // The cast: 2–5 distinct people; the first articles go through the registry in
    // order so that every person occurs somewhere.
    let cast_size = rng.range(2, 5).min(people.len());
    let mut cast: Vec<usize> = Vec::with_capacity(cast_size);
    if index < people.len() {
        cast.push(index);
    }
    while cast.len() < cast_size {
        let p = rng.skewed(people.len());
        if !cast.contains(&p) {
            cast.push(p);
        }
    }

    let mut filler = Filler {
        rng: &mut rng,
        people,
        cast: &cast,
        mentioned: vec![false; cast.len()],
        turn: 0,
    };
    // Headline first, with surnames only (the body introduces full names).
    let headline_template = filler.rng.pick(HEADLINES);
    let saved_turn = filler.turn;
    let title = {
        let mentioned = filler.mentioned.clone();
        let t = filler.fill(headline_template);
        filler.mentioned = mentioned;
        filler.turn = saved_turn;
        t
    };

    let target_words = filler.rng.range(600, 900);
    let mut words = 0;
    let mut paragraphs: Vec<String> = Vec::new();
    // Sentences that mention a person come first, so the whole cast appears early.
    while words < target_words {
        let sentences = filler.rng.range(3, 6);
        let mut paragraph = String::new();
        let mut previous = String::new();
        for _ in 0..sentences {
            let template = loop {
                let t = filler.rng.pick(TEMPLATES);
                if filler.turn < cast.len() && !t.contains("{P}") {
                    continue;
                }
                break t;
            };
            let sentence = filler.fill(template);
            if sentence == previous {
                continue;
            }
            words += sentence.split_whitespace().count();
            if !paragraph.is_empty() {
                paragraph.push(' ');
            }
            paragraph.push_str(&sentence);
            previous = sentence;
        }
        paragraphs.push(paragraph);
    }

    // Notes: sentences (outside the first paragraph, which may be read as a
    // standfirst) that occur exactly once in the whole file.
    let full_text = format!("{title}\n\n{}\n", paragraphs.join("\n"));
    let mut candidates: Vec<String> = paragraphs
        .iter()
        .skip(1)
        .flat_map(|p| p.split_inclusive(". "))
        .map(|s| s.trim().trim_end_matches('.').to_owned())
        .filter(|s| s.split_whitespace().count() >= 6 && count_occurrences(&full_text, s) == 1)
        .collect();
    let note_count = rng.range(2, 4).min(candidates.len());
    let mut notes = Vec::with_capacity(note_count);
    for n in 0..note_count {
        let quote = candidates.swap_remove(rng.below(candidates.len()));
        let person = &people[cast[rng.below(cast.len())]];
        if n == 0 {
            // A correction: change the first number (or the last word) of the quote.
            let correct = match quote.find(|c: char| c.is_ascii_digit()) {
                Some(at) => {
                    let end = quote[at..]
                        .find(|c: char| !c.is_ascii_digit())
                        .map_or(quote.len(), |e| at + e);
                    let old: u64 = quote[at..end].parse().unwrap_or(1);
                    format!("{}{}{}", &quote[..at], old + 1, &quote[end..])
                }
                None => {
                    let cut = quote.rfind(' ').unwrap_or(0);
                    format!("{} {}", &quote[..cut], rng.pick(NOUNS))
                }
            };
            notes.push(Note {
                body: format!(
                    "The figure was misreported. The correct wording, confirmed by \
                     [[{}]]'s office, is given below.",
                    person.id
                ),
                quote,
                kind: "correction",
                correct: Some(correct),
            });
        } else {
            let kind = rng.pick(&["context", "fact-check", "framing", "comment"]);
            notes.push(Note {
                body: format!(
                    "*{}* background: {} has commented on this before; see [[{}]]. \
                     Records of {} in {} go back to {}.",
                    capitalise(kind),
                    person.name,
                    person.id,
                    rng.pick(ORGS),
                    rng.pick(PLACES),
                    rng.range(1990, 2020)
                ),
                quote,
                kind,
                correct: None,
            });
        }
    }

    let mut see_also = Vec::new();
    if index > 0 && rng.chance(25) {
        for _ in 0..rng.range(1, 2) {
            let other = rng.below(index);
            let other_stem = format!("{other:06}");
            if other_stem != stem && !see_also.iter().any(|(s, _)| *s == other_stem) {
                see_also.push((other_stem, "Earlier coverage of the same story".to_owned()));
            }
        }
    }

    let tag_count = rng.range(2, 4);
    let mut article_tags: Vec<String> = Vec::with_capacity(tag_count);
    while article_tags.len() < tag_count {
        let t = &tags[rng.skewed(tags.len())];
        if !article_tags.contains(t) {
            article_tags.push(t.clone());
        }
    }

    // Dates spread over 2000–2024; later indices tend to be later.
    let year = 2000 + (index * 25 / total.max(1)).min(24);
    let date = (year, rng.range(1, 12), rng.range(1, 28));
    let summary = format!(
        "{} and {} on the {} {} in {}.",
        people[cast[0]].name,
        people[cast[1 % cast.len()]].name,
        rng.pick(ADJECTIVES),
        rng.pick(NOUNS),
        rng.pick(PLACES)
    );
    let slug = format!("{}-{stem}", slugify(&title));
    Article {
        stem,
        title,
        slug,
        source: rng.below(SOURCE_WORDS.len()),
        date,
        kind: rng.pick(KINDS),
        author: rng.pick(REPORTERS),
        summary,
        tags: article_tags,
        people: cast,
        paragraphs,
        notes,
        see_also,
    }
}

// ─── Writers ─────────────────────────────────────────────────────────────────

fn gloss_text(a: &Article) -> String {
    let mut out = String::with_capacity(6000);
    out.push_str(&a.title);
    out.push_str("\n\n");
    for p in &a.paragraphs {
        out.push_str(p);
        out.push('\n');
    }
    out
}

fn gloss_annotation(a: &Article) -> String {
    let (source_id, _, _) = SOURCE_WORDS[a.source];
    let (y, m, d) = a.date;
    let mut out = String::with_capacity(2000);
    let _ = writeln!(out, "[article]");
    let _ = writeln!(out, "title = {}", toml_str(&a.title));
    let _ = writeln!(out, "slug = {}", toml_str(&a.slug));
    let _ = writeln!(out, "source = {}", toml_str(source_id));
    let _ = writeln!(out, "url = \"https://example.org/{source_id}/{}\"", a.slug);
    let _ = writeln!(out, "published = {y:04}-{m:02}-{d:02}");
    let _ = writeln!(out, "authors = [{}]", toml_str(a.author));
    let _ = writeln!(out, "language = \"en\"");
    let _ = writeln!(out, "kind = {}", toml_str(a.kind));
    let _ = writeln!(out, "summary = {}", toml_str(&a.summary));
    let _ = writeln!(out, "tags = {}", toml_list(&a.tags));
    for note in &a.notes {
        let _ = writeln!(out, "\n[[note]]");
        let _ = writeln!(out, "quote = {}", toml_str(&note.quote));
        let _ = writeln!(out, "kind = {}", toml_str(note.kind));
        let _ = writeln!(out, "body = {}", toml_str(&note.body));
        if let Some(correct) = &note.correct {
            let _ = writeln!(out, "correct = {}", toml_str(correct));
        }
    }
    for (stem, why) in &a.see_also {
        let _ = writeln!(out, "\n[[see_also]]");
        let _ = writeln!(out, "article = {}", toml_str(stem));
        let _ = writeln!(out, "why = {}", toml_str(why));
    }
    out
}

fn entities_file(people: &[Person]) -> String {
    let mut out = String::with_capacity(people.len() * 200);
    out.push_str("# Synthetic people (generated by examples/synth.rs).\n");
    for p in people {
        let _ = writeln!(out, "\n[person.{}]", p.id);
        let _ = writeln!(out, "name = {}", toml_str(&p.name));
        let _ = writeln!(out, "aliases = [{}]", toml_str(&p.surname));
        let _ = writeln!(
            out,
            "description = {}",
            toml_str(&format!("{} is a synthetic public figure.", p.name))
        );
    }
    out
}

fn sources_file() -> String {
    let mut out = String::from("# Synthetic publications (generated by examples/synth.rs).\n");
    for (id, name, kind) in SOURCE_WORDS {
        let _ = writeln!(out, "\n[source.{id}]");
        let _ = writeln!(out, "name = {}", toml_str(name));
        let _ = writeln!(out, "url = \"https://example.org/{id}\"");
        let _ = writeln!(out, "country = \"ZZ\"");
        let _ = writeln!(out, "type = {}", toml_str(kind));
    }
    out
}

const GLOSS_SITE: &str = r##"# Synthetic benchmark archive (generated by examples/synth.rs).
title = "Synthetic archive"
description = "A generated archive for benchmarking."
base_url = "http://127.0.0.1:1111/"
language = "en"

[content]
dir = "seeds"

[build]
output = "public"

[links]
mentions = "all"
"##;

fn hugo_markdown(a: &Article, people: &[Person]) -> String {
    let (_, source_name, _) = SOURCE_WORDS[a.source];
    let (y, m, d) = a.date;
    let names: Vec<String> = a.people.iter().map(|&p| people[p].name.clone()).collect();
    let mut out = String::with_capacity(7000);
    out.push_str("+++\n");
    let _ = writeln!(out, "title = {}", toml_str(&a.title));
    let _ = writeln!(out, "slug = {}", toml_str(&a.slug));
    let _ = writeln!(out, "date = {y:04}-{m:02}-{d:02}");
    let _ = writeln!(out, "summary = {}", toml_str(&a.summary));
    let _ = writeln!(out, "tags = {}", toml_list(&a.tags));
    let _ = writeln!(out, "people = {}", toml_list(&names));
    let _ = writeln!(out, "sources = [{}]", toml_str(source_name));
    let _ = writeln!(out, "authors = [{}]", toml_str(a.author));
    let _ = writeln!(out, "kind = {}", toml_str(a.kind));
    let corrections = a.notes.iter().filter(|n| n.correct.is_some()).count();
    let _ = writeln!(out, "note_count = {}", a.notes.len());
    let _ = writeln!(out, "correction_count = {corrections}");
    for note in &a.notes {
        let _ = writeln!(out, "\n[[notes]]");
        let _ = writeln!(out, "quote = {}", toml_str(&note.quote));
        let _ = writeln!(out, "kind = {}", toml_str(note.kind));
        // Hugo has no [[id]] links: the same Markdown with the id as plain text.
        let _ = writeln!(
            out,
            "body = {}",
            toml_str(&note.body.replace("[[", "").replace("]]", ""))
        );
        if let Some(correct) = &note.correct {
            let _ = writeln!(out, "correct = {}", toml_str(correct));
        }
    }
    for (stem, why) in &a.see_also {
        let _ = writeln!(out, "\n[[see_also]]");
        let _ = writeln!(out, "article = {}", toml_str(stem));
        let _ = writeln!(out, "why = {}", toml_str(why));
    }
    out.push_str("+++\n\n");
    for p in &a.paragraphs {
        out.push_str(p);
        out.push_str("\n\n");
    }
    out
}

const HUGO_CONFIG: &str = r##"# Synthetic benchmark archive (generated by examples/synth.rs), the same corpus as the
# gloss archive beside it.
baseURL = "http://127.0.0.1:1313/"
title = "Synthetic archive"
languageCode = "en"
# gloss feeds carry the newest 20 articles; so do Hugo's RSS feeds.
rssLimit = 20
enableRobotsTXT = true
# gloss paginates the home page and the tag and source pages, 30 articles a page
# (`[lists] per_page`), and lists all of a person's articles on one page.
paginate = 30

[taxonomies]
tag = "tags"
person = "people"
source = "sources"

[permalinks]
articles = "/articles/:slug/"

# gloss writes Atom feeds for the home page, every tag and every source (the newest
# 20 each), not for people: the same here (content/people/_index.md turns the people
# feeds off). Every page kind is rendered as HTML.
[outputs]
home = ["HTML", "RSS"]
section = ["HTML"]
taxonomy = ["HTML"]
term = ["HTML", "RSS"]

# "Related articles" on every article page, like gloss's rare-entity ranking.
[related]
includeNewer = true
threshold = 20
toLower = false
[[related.indices]]
name = "people"
weight = 100
[[related.indices]]
name = "tags"
weight = 60
"##;

const HUGO_BASEOF: &str = r##"<!DOCTYPE html>
<html lang="{{ .Site.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if .IsHome }}{{ .Site.Title }}{{ else }}{{ .Title }} · {{ .Site.Title }}{{ end }}</title>
<meta name="description" content="{{ with .Description }}{{ . }}{{ else }}{{ with .Summary }}{{ . | plainify }}{{ else }}{{ .Site.Title }}{{ end }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .Permalink }}">{{ end }}
</head>
<body>
<header class="site-header">
  <a class="site-title" href="{{ "/" | relURL }}">{{ .Site.Title }}</a>
  <nav><ul>
    <li><a href="{{ "/" | relURL }}">Articles</a></li>
    <li><a href="{{ "/articles/" | relURL }}">Timeline</a></li>
    <li><a href="{{ "/sources/" | relURL }}">Sources</a></li>
    <li><a href="{{ "/tags/" | relURL }}">Tags</a></li>
    <li><a href="{{ "/people/" | relURL }}">People</a></li>
  </ul></nav>
</header>
<main id="main">
{{ block "main" . }}{{ end }}
</main>
<footer class="site-footer"><p>{{ .Site.Title }}</p></footer>
</body>
</html>
"##;

const HUGO_CARD: &str = r##"<article class="card">
  <p class="kicker">
    {{- range .GetTerms "sources" }}<a class="kicker-source" href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end -}}
    {{- with .Params.kind }}<span class="sep" aria-hidden="true"> · </span><span class="kicker-kind">{{ . | title }}</span>{{ end -}}
    <span class="sep" aria-hidden="true"> · </span><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time>
  </p>
  <h2 class="card-title"><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
  <div class="card-summary">{{ .Summary }}</div>
  <div class="card-meta">
    <p class="entities"><span class="label">Mentioned in this article</span>
    {{- range .GetTerms "people" }} <a class="entity entity-person" href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end -}}
    </p>
    <p class="badges">
      {{- with .Params.note_count }}<span class="badge badge-notes">{{ . }} note{{ if ne . 1 }}s{{ end }}</span>{{ end -}}
      {{- with .Params.correction_count }} <span class="badge badge-corrections">{{ . }} correction{{ if ne . 1 }}s{{ end }}</span>{{ end -}}
    </p>
  </div>
</article>
"##;

const HUGO_SINGLE: &str = r##"{{ define "main" }}
<div class="article-layout">
<article class="article" lang="en">
  <header class="article-header">
    <p class="kicker">
      {{- range .GetTerms "sources" }}<a class="kicker-source" href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end -}}
      {{- with .Params.kind }}<span class="sep" aria-hidden="true"> · </span><span class="kicker-kind">{{ . | title }}</span>{{ end -}}
      <span class="sep" aria-hidden="true"> · </span><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time>
    </p>
    <h1 class="article-title">{{ .Title }}</h1>
    {{- with .Params.authors }}<p class="byline">By {{ delimit . ", " " and " }}</p>{{ end }}
    <p class="badges article-badges">
      {{- with .Params.note_count }}<a class="badge badge-notes" href="#notes">{{ . }} note{{ if ne . 1 }}s{{ end }}</a>{{ end -}}
      {{- with .Params.correction_count }} <span class="badge badge-corrections">{{ . }} correction{{ if ne . 1 }}s{{ end }}</span>{{ end -}}
    </p>
    <ul class="tags">{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">#{{ .LinkTitle }}</a></li>{{ end }}</ul>
  </header>
  <div class="article-body prose">
{{ .Content }}
  </div>
  {{- with .Params.notes }}
  <section class="notes" id="notes">
    <h2 class="section-heading">Notes</h2>
    <ol class="note-list">
    {{- range $i, $n := . }}
      <li id="note-{{ add $i 1 }}" class="note-item note-item-{{ $n.kind }}">
        <p class="note-head"><span class="note-number">{{ add $i 1 }}</span> <span class="note-kind">{{ $n.kind | title }}</span></p>
        <blockquote class="note-quote"><p>{{ $n.quote }}</p></blockquote>
        {{- with $n.correct }}<p class="note-correct"><span class="note-correct-label">Should read:</span> <ins>{{ . }}</ins></p>{{ end }}
        <div class="note-body">{{ $n.body | markdownify }}</div>
      </li>
    {{- end }}
    </ol>
  </section>
  {{- end }}
</article>
<aside class="article-aside">
  <section class="in-this-article">
    <h2>In this article</h2>
    <ul>{{ range .GetTerms "people" }}<li><a class="entity entity-person" href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
  </section>
  {{- with .Params.see_also }}
  <section class="see-also">
    <h2>See also</h2>
    <ul>{{ range . }}<li>{{ with site.GetPage (printf "/articles/%s" .article) }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }} — {{ .why }}</li>{{ end }}</ul>
  </section>
  {{- end }}
  {{- $related := .Site.RegularPages.Related . | first 5 }}
  {{- with $related }}
  <section class="related">
    <h2>Related articles</h2>
    <ul>{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Date.Format "2006-01-02" }}</time></li>{{ end }}</ul>
  </section>
  {{- end }}
</aside>
</div>
{{ end }}
"##;

const HUGO_HOME: &str = r##"{{ define "main" }}
<div class="wrap wrap-narrow">
  <header class="page-header intro">
    {{- $articles := where .Site.RegularPages "Section" "articles" }}
    <p class="intro-meta">{{ len $articles }} articles, newest first.</p>
  </header>
  <section aria-label="Articles">
  <ol class="card-list">
  {{- $pager := .Paginate $articles.ByDate.Reverse }}
  {{- range $pager.Pages }}
    <li>{{ partial "card.html" . }}</li>
  {{- end }}
  </ol>
  {{ partial "pager.html" $pager }}
  </section>
</div>
{{ end }}
"##;

/// The articles section: gloss's timeline analogue, every article grouped by year.
const HUGO_LIST: &str = r##"{{ define "main" }}
<div class="wrap">
  <header class="page-header"><h1>{{ .Title }}</h1></header>
  {{- range .Pages.GroupByDate "2006" }}
  <section class="timeline-year">
    <h2>{{ .Key }}</h2>
    <ol class="timeline">
    {{- range .Pages }}
      <li><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 Jan" }}</time> <a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ range .GetTerms "sources" }} · {{ .LinkTitle }}{{ end }}</li>
    {{- end }}
    </ol>
  </section>
  {{- end }}
</div>
{{ end }}
"##;

const HUGO_TAXONOMY: &str = r##"{{ define "main" }}
<div class="wrap wrap-narrow">
  <header class="page-header"><h1>{{ .Title }}</h1></header>
  <ul class="term-list">
  {{- range .Data.Terms.Alphabetical }}
    <li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> <span class="count">{{ .Count }}</span></li>
  {{- end }}
  </ul>
</div>
{{ end }}
"##;

const HUGO_TERM: &str = r##"{{ define "main" }}
<div class="wrap wrap-narrow">
  <header class="page-header">
    <p class="kicker"><a href="{{ .Parent.RelPermalink }}">{{ .Parent.Title }}</a></p>
    <h1>{{ .Title }}</h1>
    <p class="lede">{{ len .Pages }} article{{ if ne (len .Pages) 1 }}s{{ end }}.</p>
  </header>
  <ol class="card-list">
  {{- if eq .Data.Plural "people" }}
  {{- range .Pages.ByDate.Reverse }}
    <li>{{ partial "card.html" . }}</li>
  {{- end }}
  </ol>
  {{- else }}
  {{- $pager := .Paginate .Pages.ByDate.Reverse }}
  {{- range $pager.Pages }}
    <li>{{ partial "card.html" . }}</li>
  {{- end }}
  </ol>
  {{ partial "pager.html" $pager }}
  {{- end }}
</div>
{{ end }}
"##;

const HUGO_PAGER: &str = r##"{{ if gt .TotalPages 1 }}
<nav class="pagination" aria-label="Pages">
  {{- with .Prev }}<a rel="prev" href="{{ .URL }}">Newer</a>{{ end }}
  <span>Page {{ .PageNumber }} of {{ .TotalPages }} (articles {{ add (mul (sub .PageNumber 1) .PageSize) 1 }}–{{ add (mul (sub .PageNumber 1) .PageSize) (len .Pages) }} of {{ .TotalNumberOfElements }})</span>
  {{- with .Next }}<a rel="next" href="{{ .URL }}">Older</a>{{ end }}
</nav>
{{ end }}"##;

const HUGO_404: &str = r##"{{ define "main" }}
<div class="wrap"><h1>Page not found</h1><p><a href="{{ "/" | relURL }}">Back to the articles</a></p></div>
{{ end }}
"##;

fn write_hugo_skeleton(dir: &Path) -> std::io::Result<()> {
    let layouts = dir.join("layouts");
    fs::create_dir_all(layouts.join("_default"))?;
    fs::create_dir_all(layouts.join("partials"))?;
    fs::create_dir_all(dir.join("content/articles"))?;
    fs::write(dir.join("hugo.toml"), HUGO_CONFIG)?;
    fs::write(layouts.join("_default/baseof.html"), HUGO_BASEOF)?;
    fs::write(layouts.join("_default/single.html"), HUGO_SINGLE)?;
    fs::write(layouts.join("_default/list.html"), HUGO_LIST)?;
    fs::write(layouts.join("_default/taxonomy.html"), HUGO_TAXONOMY)?;
    fs::write(layouts.join("_default/term.html"), HUGO_TERM)?;
    fs::write(layouts.join("index.html"), HUGO_HOME)?;
    fs::write(layouts.join("404.html"), HUGO_404)?;
    fs::write(layouts.join("partials/card.html"), HUGO_CARD)?;
    fs::write(layouts.join("partials/pager.html"), HUGO_PAGER)?;
    fs::create_dir_all(dir.join("content/people"))?;
    fs::write(
        dir.join("content/people/_index.md"),
        "+++\ntitle = \"People\"\n[cascade]\noutputs = [\"HTML\"]\n+++\n",
    )?;
    fs::write(
        dir.join("content/articles/_index.md"),
        "+++\ntitle = \"Timeline\"\n+++\n",
    )?;
    Ok(())
}

// ─── CLI ─────────────────────────────────────────────────────────────────────

struct Args {
    articles: usize,
    out: PathBuf,
    seed: u64,
    hugo: Option<PathBuf>,
    force: bool,
}

const USAGE: &str = "usage: synth --articles N --out DIR [--seed S] [--hugo DIR2] [--force]\n\
     \n\
     Writes a deterministic synthetic gloss archive of N articles to DIR (and the same\n\
     corpus as a Hugo site to DIR2). Refuses non-empty folders unless --force, which\n\
     first deletes DIR/seeds and DIR2/content.";

fn parse_args() -> Result<Args, String> {
    let mut articles = None;
    let mut out = None;
    let mut seed = 42;
    let mut hugo = None;
    let mut force = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--articles" => {
                articles = Some(
                    value("--articles")?
                        .replace('_', "")
                        .parse()
                        .map_err(|e| format!("--articles: {e}"))?,
                );
            }
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            "--seed" => {
                seed = value("--seed")?
                    .parse()
                    .map_err(|e| format!("--seed: {e}"))?;
            }
            "--hugo" => hugo = Some(PathBuf::from(value("--hugo")?)),
            "--force" => force = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let articles: usize = articles.ok_or("--articles is required")?;
    if articles < 2 {
        return Err("--articles must be at least 2".into());
    }
    Ok(Args {
        articles,
        out: out.ok_or("--out is required")?,
        seed,
        hugo,
        force,
    })
}

fn prepare(dir: &Path, generated: &Path, force: bool) -> Result<(), String> {
    if dir.exists() {
        let busy = fs::read_dir(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .next()
            .is_some();
        if busy {
            if !force {
                return Err(format!(
                    "{} is not empty (use --force to regenerate)",
                    dir.display()
                ));
            }
            if generated.exists() {
                fs::remove_dir_all(generated)
                    .map_err(|e| format!("{}: {e}", generated.display()))?;
            }
        }
    }
    fs::create_dir_all(generated).map_err(|e| format!("{}: {e}", generated.display()))
}

fn run(args: &Args) -> Result<(), String> {
    let io = |e: std::io::Error| e.to_string();
    let seeds = args.out.join("seeds");
    prepare(&args.out, &seeds, args.force)?;
    if let Some(hugo) = &args.hugo {
        prepare(hugo, &hugo.join("content"), args.force)?;
        write_hugo_skeleton(hugo).map_err(io)?;
    }
    let people = people((args.articles / 20).max(20), args.seed);
    let tags = tags();
    fs::write(args.out.join("site.toml"), GLOSS_SITE).map_err(io)?;
    fs::write(seeds.join("_entities.toml"), entities_file(&people)).map_err(io)?;
    fs::write(seeds.join("_sources.toml"), sources_file()).map_err(io)?;
    let stats: Vec<(usize, usize)> = (0..args.articles)
        .into_par_iter()
        .map(|i| -> Result<(usize, usize), String> {
            let a = article(i, args.seed, &people, &tags, args.articles);
            let text = gloss_text(&a);
            let words = text.split_whitespace().count();
            fs::write(seeds.join(format!("{}.txt", a.stem)), &text).map_err(io)?;
            fs::write(seeds.join(format!("{}.toml", a.stem)), gloss_annotation(&a)).map_err(io)?;
            if let Some(hugo) = &args.hugo {
                fs::write(
                    hugo.join(format!("content/articles/{}.md", a.stem)),
                    hugo_markdown(&a, &people),
                )
                .map_err(io)?;
            }
            Ok((words, a.notes.len()))
        })
        .collect::<Result<_, _>>()?;
    let words: usize = stats.iter().map(|s| s.0).sum();
    let notes: usize = stats.iter().map(|s| s.1).sum();
    eprintln!(
        "synth: {} articles ({} words, {} notes), {} people, {} tags, {} sources → {}{}",
        args.articles,
        words,
        notes,
        people.len(),
        tags.len(),
        SOURCE_WORDS.len(),
        args.out.display(),
        args.hugo
            .as_ref()
            .map(|h| format!(" and {} (Hugo)", h.display()))
            .unwrap_or_default()
    );
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            if message.is_empty() {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
