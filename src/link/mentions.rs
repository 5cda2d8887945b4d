//! Automatic mention detection: every entity name and alias, found in an article's
//! text by one Aho–Corasick automaton for the whole registry.
//!
//! # Rules
//!
//! - **Surfaces.** An entity's `name` and each of its `aliases`, trimmed; empty ones
//!   are skipped (they would match everywhere).
//! - **Leftmost, then longest, then non-overlapping.** "Kei Kato" wins over "Kato",
//!   "Russian Ministry of Defense" over "Russia". Only *valid* candidates compete: when
//!   the longest surface at a position fails a rule below, a shorter one starting
//!   there still counts ("Russian" in "Russian Armed Forcesx").
//! - **Whole words.** The characters just outside a match must not be letters or
//!   digits (`char::is_alphanumeric`, so Unicode-aware): no "Kato" in "Katowice",
//!   no "Kyiv" in "Kyivstar".
//! - **Hyphenated compounds are one word.** A hyphen between a letter or digit of the
//!   match and one outside it joins them: "pro-Russia", "Kyiv-based" and "Jean" in
//!   "Jean-Pierre" are not mentions. A hyphen after punctuation does not join
//!   ("U.S.-backed" mentions "U.S."), and dashes (– —) never do ("Russia–Ukraine").
//! - **Possessives.** "Kaneko's", "Kaneko’s", "Russians'": the apostrophe is not a
//!   letter, so the name is a whole word and the range stops before the suffix.
//! - **Scripts written without spaces** (Han, kana, Hangul, Thai, Lao, Khmer,
//!   Myanmar) have no word boundaries to check: an edge where either the match's
//!   character or its neighbour is in such a script always counts as a boundary
//!   ("東京" in "東京都", "Kaneko" in "Kaneko氏").
//! - **Case.** Surfaces of 4+ characters that are not all capitals match regardless
//!   of case ("the maidan revolution"). Short surfaces (< 4 characters) and all-caps
//!   acronyms match exactly as written: "US" not "us", "NATO" not "Nato". Case folding
//!   happens in the automaton (ASCII), never by lowercasing the text, because Unicode
//!   lowercasing can change byte lengths and so the offsets. Non-ASCII letters are
//!   covered by extra patterns for the surface's lowercase, uppercase and capitalised
//!   forms, on top of which the automaton folds the ASCII letters: "Zürich" also
//!   matches "zürich", "ZÜRICH" and "zÜrich", but a surface whose non-ASCII letters
//!   appear in the text in a case mix none of those forms has ("Ölüdeniz" written
//!   "ÖLüDENIZ" or "ölÜdeniz") does not match.
//!   Text and registry are compared as written: no Unicode normalisation (NFC/NFD).

use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, BuildError, MatchKind};

use super::registry::Entity;

/// A mention found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundMention {
    /// Byte range in the text (a possessive "'s" is not included).
    pub range: Range<usize>,
    /// Index into the entity list the matcher was built from.
    pub entity: usize,
}

/// A name or alias, as the matcher knows it.
#[derive(Debug, Clone)]
struct Surface {
    text: String,
    entity: usize,
    /// Short surfaces and acronyms must match exactly as written.
    case_sensitive: bool,
}

/// A match that passed every rule, before overlaps are resolved.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    start: usize,
    end: usize,
    surface: usize,
}

/// The compiled matcher for a registry. Build once, use for every article.
///
/// Cheap to clone and share across threads (`Send + Sync`; the automaton is
/// reference-counted).
#[derive(Debug, Clone)]
pub struct MentionMatcher {
    surfaces: Vec<Surface>,
    /// Pattern id in the automaton → index into `surfaces` (one surface may have
    /// several patterns: its case variants).
    patterns: Vec<usize>,
    /// `None` when there is nothing to match.
    automaton: Option<AhoCorasick>,
}

impl MentionMatcher {
    /// Builds the matcher for `entities`; entity indices in results are positions in
    /// this slice.
    ///
    /// Building only fails on registries far beyond any real archive (billions of
    /// patterns); should it happen anyway, the matcher finds nothing rather than
    /// panicking. Use [`MentionMatcher::try_new`] to report that failure.
    pub fn new(entities: &[Entity]) -> Self {
        Self::try_new(entities).unwrap_or_else(|_| Self::empty())
    }

    /// Like [`MentionMatcher::new`], but returns the automaton's build error.
    pub fn try_new(entities: &[Entity]) -> Result<Self, BuildError> {
        let surfaces = collect_surfaces(entities);
        let mut patterns = Vec::new();
        let mut texts = Vec::new();
        for (index, surface) in surfaces.iter().enumerate() {
            for variant in case_variants(surface) {
                patterns.push(index);
                texts.push(variant);
            }
        }
        let automaton = if texts.is_empty() {
            None
        } else {
            Some(build_automaton(&texts)?)
        };
        Ok(Self {
            surfaces,
            patterns,
            automaton,
        })
    }

    fn empty() -> Self {
        Self {
            surfaces: Vec::new(),
            patterns: Vec::new(),
            automaton: None,
        }
    }

    /// Every mention in `text`, leftmost-longest, whole words, sorted by start.
    pub fn find(&self, text: &str) -> Vec<FoundMention> {
        self.find_with_surfaces(text)
            .into_iter()
            .map(|(mention, _)| mention)
            .collect()
    }

    /// Like [`MentionMatcher::find`], with the index of the surface (name or alias)
    /// that matched, so `gloss check` can report aliases that never match.
    pub fn find_with_surfaces(&self, text: &str) -> Vec<(FoundMention, usize)> {
        let mut candidates = self.candidates(text);
        // Leftmost first; at one position the longest; ties go to the earlier surface
        // so the result does not depend on the automaton's report order.
        candidates.sort_by_key(|c| (c.start, std::cmp::Reverse(c.end), c.surface));
        let mut found = Vec::new();
        let mut cursor = 0;
        for candidate in candidates {
            if candidate.start < cursor {
                continue;
            }
            cursor = candidate.end;
            let Some(surface) = self.surfaces.get(candidate.surface) else {
                continue;
            };
            let mention = FoundMention {
                range: candidate.start..candidate.end,
                entity: surface.entity,
            };
            found.push((mention, candidate.surface));
        }
        found
    }

    /// How many surfaces (names and non-empty aliases) the matcher knows.
    pub fn surface_count(&self) -> usize {
        self.surfaces.len()
    }

    /// The text of surface `index`, trimmed, as given in the registry.
    pub fn surface_text(&self, index: usize) -> Option<&str> {
        self.surfaces.get(index).map(|s| s.text.as_str())
    }

    /// The entity (index into the slice given to `new`) that surface `index` names.
    pub fn surface_entity(&self, index: usize) -> Option<usize> {
        self.surfaces.get(index).map(|s| s.entity)
    }

    /// Every match of every surface in `text` that passes the case and word-boundary
    /// rules, overlaps included. Overlapping search (rather than the automaton's
    /// leftmost-longest mode, which reports one match per position) is what lets a
    /// shorter surface stand in when the longest one at a position is rejected.
    fn candidates(&self, text: &str) -> Vec<Candidate> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        automaton
            .find_overlapping_iter(text)
            .filter_map(|m| {
                let surface = *self.patterns.get(m.pattern().as_usize())?;
                let candidate = Candidate {
                    start: m.start(),
                    end: m.end(),
                    surface,
                };
                self.is_valid(text, candidate).then_some(candidate)
            })
            .collect()
    }

    fn is_valid(&self, text: &str, candidate: Candidate) -> bool {
        let Some(surface) = self.surfaces.get(candidate.surface) else {
            return false;
        };
        let Some(matched) = text.get(candidate.start..candidate.end) else {
            return false;
        };
        let case_ok = !surface.case_sensitive || matched == surface.text;
        case_ok && is_whole_word(text, candidate.start, candidate.end)
    }
}

/// Names and aliases in registry order, trimmed, empty ones dropped.
fn collect_surfaces(entities: &[Entity]) -> Vec<Surface> {
    let mut surfaces = Vec::new();
    for (entity, e) in entities.iter().enumerate() {
        for text in std::iter::once(&e.name).chain(&e.aliases) {
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            surfaces.push(Surface {
                text: text.to_owned(),
                entity,
                case_sensitive: is_case_sensitive(text),
            });
        }
    }
    surfaces
}

/// Short surfaces ("US", "RT", "Ivo") and acronyms ("NATO", "U.S.") collide with
/// ordinary words when case is ignored ("us", "nato" in a URL), so they must match
/// exactly.
fn is_case_sensitive(text: &str) -> bool {
    text.chars().count() < 4 || !text.chars().any(char::is_lowercase)
}

/// The patterns for one surface. The automaton folds ASCII case only, so a
/// case-insensitive surface with non-ASCII letters also gets its lowercase,
/// uppercase and capitalised forms as patterns; the rest of its ASCII letters are
/// folded by the automaton. Variants equal up to ASCII case are dropped: they would
/// only report the same match twice.
fn case_variants(surface: &Surface) -> Vec<String> {
    let mut variants = vec![surface.text.clone()];
    if surface.case_sensitive || surface.text.is_ascii() {
        return variants;
    }
    let lower = surface.text.to_lowercase();
    for variant in [surface.text.to_uppercase(), capitalise(&lower), lower] {
        if !variants.iter().any(|v| v.eq_ignore_ascii_case(&variant)) {
            variants.push(variant);
        }
    }
    variants
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// One automaton for the whole registry. `Standard` match semantics because
/// overlapping search requires them; ASCII case folding for every pattern, with
/// exact case enforced afterwards for case-sensitive surfaces.
///
/// A DFA scans faster than the crate's default choice for more than a hundred
/// patterns (a contiguous NFA), and every article's text goes through it: with the
/// 10,000 names and aliases of the 100,000-article benchmark registry (119 KB), a
/// scan took 17.7 ms against 28.1 ms, for 14 MB of tables against 1.2 MB. Its tables
/// grow with the patterns' bytes, so a larger registry, or a DFA over
/// [`DFA_MEMORY`], keeps the default.
fn build_automaton(patterns: &[String]) -> Result<AhoCorasick, BuildError> {
    let builder = |kind| {
        AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(true)
            .kind(kind)
            .build(patterns)
    };
    let total_bytes: usize = patterns.iter().map(String::len).sum();
    if total_bytes <= DFA_PATTERN_BYTES {
        let dfa = builder(Some(AhoCorasickKind::DFA))?;
        if dfa.memory_usage() <= DFA_MEMORY {
            return Ok(dfa);
        }
    }
    builder(None)
}

/// Pattern bytes up to which a DFA is tried. A DFA has at most one state per
/// pattern byte and a row of 4-byte transitions per byte class: about 120 bytes of
/// tables per pattern byte for the benchmark's names, so about 30 MB here.
const DFA_PATTERN_BYTES: usize = 250_000;

/// The most memory a mention DFA may use; past it the default automaton is used.
const DFA_MEMORY: usize = 64 * 1024 * 1024;

/// Whether `text[start..end]` stands as a whole word on both sides.
fn is_whole_word(text: &str, start: usize, end: usize) -> bool {
    let (Some(before), Some(matched), Some(after)) =
        (text.get(..start), text.get(start..end), text.get(end..))
    else {
        return false;
    };
    let mut outside_before = before.chars().rev();
    let mut outside_after = after.chars();
    is_boundary(
        matched.chars().next(),
        outside_before.next(),
        outside_before.next(),
    ) && is_boundary(
        matched.chars().next_back(),
        outside_after.next(),
        outside_after.next(),
    )
}

/// Whether the edge between the match's edge character `inside`, its neighbour
/// `outside` and the character `beyond` it is a word boundary.
fn is_boundary(inside: Option<char>, outside: Option<char>, beyond: Option<char>) -> bool {
    let (Some(inside), Some(outside)) = (inside, outside) else {
        return true;
    };
    if is_unspaced_script(inside) || is_unspaced_script(outside) {
        return true;
    }
    if outside.is_alphanumeric() {
        return false;
    }
    let joins_compound =
        is_hyphen(outside) && inside.is_alphanumeric() && beyond.is_some_and(char::is_alphanumeric);
    !joins_compound
}

/// Hyphens that join compounds; dashes (– —) separate words and are not listed.
fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

/// Scripts written without spaces between words, where a word boundary cannot be
/// told from the characters alone.
fn is_unspaced_script(c: char) -> bool {
    matches!(c,
        '\u{0E00}'..='\u{0EFF}'     // Thai, Lao
        | '\u{1000}'..='\u{109F}'   // Myanmar
        | '\u{1100}'..='\u{11FF}'   // Hangul Jamo
        | '\u{1780}'..='\u{17FF}'   // Khmer
        | '\u{2E80}'..='\u{2FDF}'   // CJK radicals
        | '\u{3005}'..='\u{3007}'   // 々 〆 〇
        | '\u{3040}'..='\u{30FF}'   // Hiragana, Katakana
        | '\u{3130}'..='\u{318F}'   // Hangul compatibility Jamo
        | '\u{31F0}'..='\u{31FF}'   // Katakana phonetic extensions
        | '\u{3400}'..='\u{4DBF}'   // CJK extension A
        | '\u{4E00}'..='\u{9FFF}'   // CJK unified ideographs
        | '\u{AC00}'..='\u{D7AF}'   // Hangul syllables
        | '\u{F900}'..='\u{FAFF}'   // CJK compatibility ideographs
        | '\u{FF66}'..='\u{FF9F}'   // halfwidth Katakana
        | '\u{20000}'..='\u{3134F}' // CJK extensions B–G
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::registry::EntityKind;

    fn entity(id: &str, name: &str, aliases: &[&str]) -> Entity {
        Entity {
            id: id.to_owned(),
            kind: EntityKind::Person,
            name: name.to_owned(),
            aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
            description: None,
            wikidata: None,
            date: None,
            end_date: None,
            span: None,
        }
    }

    /// `(matched text, entity index)` for every mention, in order.
    fn found<'t>(entities: &[Entity], text: &'t str) -> Vec<(&'t str, usize)> {
        MentionMatcher::new(entities)
            .find(text)
            .into_iter()
            .map(|m| (&text[m.range], m.entity))
            .collect()
    }

    #[test]
    fn longest_match_wins_over_a_shorter_surface_of_another_entity() {
        let entities = [
            entity("kato", "Kato", &[]),
            entity("kei-kato", "Kei Kato", &[]),
        ];
        let text = "Kei Kato met Kato.";
        let mentions = MentionMatcher::new(&entities).find(text);
        assert_eq!(
            mentions,
            vec![
                FoundMention {
                    range: 0..8,
                    entity: 1
                },
                FoundMention {
                    range: 13..17,
                    entity: 0
                },
            ]
        );
    }

    #[test]
    fn ministry_wins_over_country() {
        let entities = [
            entity("russia", "Russia", &[]),
            entity("mod", "Russian Ministry of Defense", &[]),
        ];
        let text = "a test by the Russian Ministry of Defense of Russia";
        assert_eq!(
            found(&entities, text),
            vec![("Russian Ministry of Defense", 1), ("Russia", 0)]
        );
    }

    #[test]
    fn matches_are_whole_words_only() {
        let entities = [entity("kato", "Kato", &[]), entity("kyiv", "Kyiv", &[])];
        assert!(found(&entities, "Katowice, Kyivstar, Kato2, xKyiv, Katoś").is_empty());
        assert_eq!(
            found(&entities, "Kato (Kyiv)"),
            vec![("Kato", 0), ("Kyiv", 1)]
        );
    }

    #[test]
    fn matches_at_the_very_start_and_end_of_the_text() {
        let entities = [entity("kyiv", "Kyiv", &[])];
        assert_eq!(found(&entities, "Kyiv"), vec![("Kyiv", 0)]);
        assert_eq!(
            found(&entities, "Kyiv to Kyiv"),
            vec![("Kyiv", 0), ("Kyiv", 0)]
        );
    }

    #[test]
    fn possessives_are_left_out_of_the_range() {
        let entities = [
            entity("kaneko", "Kaneko", &[]),
            entity("zelenskyy", "Zelenskyy", &[]),
            entity("russians", "Russians", &[]),
        ];
        let text = "Kaneko's wound, Kaneko’s kidney, Zelenskyy’s aide, the Russians' army";
        let matcher = MentionMatcher::new(&entities);
        let mentions = matcher.find(text);
        let slices: Vec<&str> = mentions.iter().map(|m| &text[m.range.clone()]).collect();
        assert_eq!(slices, ["Kaneko", "Kaneko", "Zelenskyy", "Russians"]);
        assert_eq!(mentions[1].range, 16..22);
    }

    #[test]
    fn long_names_match_regardless_of_case() {
        let entities = [entity("maidan", "Maidan Revolution", &["Maidan uprising"])];
        assert_eq!(
            found(
                &entities,
                "the maidan revolution, THE MAIDAN REVOLUTION, the Maidan Uprising"
            ),
            vec![
                ("maidan revolution", 0),
                ("MAIDAN REVOLUTION", 0),
                ("Maidan Uprising", 0)
            ]
        );
    }

    #[test]
    fn acronyms_and_short_surfaces_match_exactly() {
        let entities = [
            entity("nato", "NATO", &[]),
            entity("us", "United States", &["US", "U.S."]),
            entity("rt", "RT", &[]),
        ];
        let text = "nato, Nato and NATO; us and US; u.s. and U.S.; rt and RT";
        assert_eq!(
            found(&entities, text),
            vec![("NATO", 0), ("US", 1), ("U.S.", 1), ("RT", 2)]
        );
    }

    #[test]
    fn accented_latin_matches_in_any_simple_case() {
        let entities = [entity("zurich", "Zürich", &[])];
        assert_eq!(
            found(
                &entities,
                "Zürich, zürich, ZÜRICH, Zürichsee, zÜrich, ZüRICH"
            ),
            vec![
                ("Zürich", 0),
                ("zürich", 0),
                ("ZÜRICH", 0),
                ("zÜrich", 0),
                ("ZüRICH", 0)
            ]
        );
    }

    #[test]
    fn mixed_case_non_ascii_letters_are_a_documented_limit() {
        let entities = [entity("oludeniz", "Ölüdeniz", &[])];
        assert_eq!(
            found(&entities, "ÖLÜDENIZ, ölüdeniz, ölÜdeniz"),
            vec![("ÖLÜDENIZ", 0), ("ölüdeniz", 0)]
        );
    }

    #[test]
    fn cyrillic_respects_word_boundaries_and_case() {
        let entities = [entity("kyiv", "Київ", &[])];
        let text = "Київ — столиця; київ; Київстар";
        assert_eq!(found(&entities, text), vec![("Київ", 0), ("київ", 0)]);
    }

    #[test]
    fn cjk_surfaces_match_inside_running_text() {
        let entities = [
            entity("tokyo", "東京", &[]),
            entity("kaneko", "Kaneko", &[]),
        ];
        let text = "彼は東京都に住む。Kaneko氏は東京で";
        let matcher = MentionMatcher::new(&entities);
        let mentions = matcher.find(text);
        let slices: Vec<(&str, usize)> = mentions
            .iter()
            .map(|m| (&text[m.range.clone()], m.entity))
            .collect();
        assert_eq!(slices, [("東京", 0), ("Kaneko", 1), ("東京", 0)]);
        assert_eq!(mentions[0].range, 6..12);
    }

    #[test]
    fn rejected_longest_match_falls_back_to_a_shorter_one_at_the_same_position() {
        let entities = [
            entity("armed-forces", "Russian Armed Forces", &[]),
            entity("russian", "Russian", &[]),
            entity("kei", "Kei", &[]),
            entity("kei-kato", "Kei Kato", &[]),
        ];
        assert_eq!(
            found(&entities, "the Russian Armed Forcesx; Kei Katowice"),
            vec![("Russian", 1), ("Kei", 2)]
        );
    }

    #[test]
    fn rejected_case_falls_back_to_a_shorter_surface() {
        let entities = [entity("sdf", "SDF", &[]), entity("sd", "Sd", &[])];
        assert_eq!(found(&entities, "Sdf Sd SDF"), vec![("Sd", 1), ("SDF", 0)]);
    }

    #[test]
    fn hyphenated_compounds_are_not_mentions() {
        let entities = [
            entity("russia", "Russia", &[]),
            entity("ukraine", "Ukraine", &[]),
            entity("kyiv", "Kyiv", &[]),
            entity("jean", "Jean", &[]),
            entity("us", "United States", &["U.S."]),
            entity("jpd", "Jean-Pierre Dupont", &[]),
        ];
        assert!(found(&entities, "pro-Russia forces, a Kyiv-based firm, Jean-Paul").is_empty());
        assert_eq!(
            found(
                &entities,
                "the Russia–Ukraine war, U.S.-backed, Jean-Pierre Dupont, Kyiv - Russia"
            ),
            vec![
                ("Russia", 0),
                ("Ukraine", 1),
                ("U.S.", 4),
                ("Jean-Pierre Dupont", 5),
                ("Kyiv", 2),
                ("Russia", 0),
            ]
        );
    }

    #[test]
    fn several_entities_come_out_sorted_and_non_overlapping() {
        let entities = [
            entity("ukraine", "Ukraine", &[]),
            entity("russia", "Russia", &[]),
            entity("nato", "NATO", &[]),
        ];
        let text = "Russia, Ukraine and NATO; again Ukraine";
        let mentions = MentionMatcher::new(&entities).find(text);
        let starts: Vec<usize> = mentions.iter().map(|m| m.range.start).collect();
        assert_eq!(starts, [0, 8, 20, 32]);
        assert!(mentions
            .windows(2)
            .all(|w| w[0].range.end <= w[1].range.start));
    }

    #[test]
    fn overlapping_aliases_of_one_entity_give_one_mention() {
        let entities = [entity(
            "kaneko",
            "Daisaku Kaneko",
            &["Kaneko", "Mr. Kaneko"],
        )];
        let matcher = MentionMatcher::new(&entities);
        let text = "Mr. Kaneko, Daisaku Kaneko and kaneko";
        let with_surfaces = matcher.find_with_surfaces(text);
        let seen: Vec<(&str, &str)> = with_surfaces
            .iter()
            .map(|(m, s)| {
                (
                    &text[m.range.clone()],
                    matcher.surface_text(*s).unwrap_or_default(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("Mr. Kaneko", "Mr. Kaneko"),
                ("Daisaku Kaneko", "Daisaku Kaneko"),
                ("kaneko", "Kaneko"),
            ]
        );
    }

    #[test]
    fn surfaces_are_listed_with_their_entities() {
        let entities = [
            entity("kyiv", "Kyiv", &["Kiev", "  ", " Kyïv "]),
            entity("nato", "NATO", &[]),
        ];
        let matcher = MentionMatcher::new(&entities);
        assert_eq!(matcher.surface_count(), 4);
        assert_eq!(matcher.surface_text(2), Some("Kyïv"));
        assert_eq!(matcher.surface_entity(2), Some(0));
        assert_eq!(matcher.surface_entity(3), Some(1));
        assert_eq!(matcher.surface_text(4), None);
        assert_eq!(matcher.surface_entity(4), None);
    }

    #[test]
    fn empty_registry_and_empty_text_find_nothing() {
        assert!(MentionMatcher::new(&[]).find("Kyiv and NATO").is_empty());
        assert_eq!(MentionMatcher::new(&[]).surface_count(), 0);
        let entities = [entity("kyiv", "Kyiv", &[""])];
        assert!(MentionMatcher::new(&entities).find("").is_empty());
        assert_eq!(found(&entities, "in Kyiv"), vec![("Kyiv", 0)]);
    }

    #[test]
    fn try_new_builds_the_same_matcher() {
        let entities = [entity("kyiv", "Kyiv", &[])];
        let matcher = MentionMatcher::try_new(&entities);
        assert!(matcher.is_ok_and(|m| m.find("Kyiv").len() == 1));
    }

    #[test]
    fn matcher_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<MentionMatcher>();
    }

    #[test]
    fn finds_aliases_in_the_seed_article() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/seeds/000_3b4df888474cdb9e.txt"
        );
        let text = std::fs::read_to_string(path).expect("seed article");
        let entities = [
            entity(
                "daisaku-kaneko",
                "Daisaku Kaneko",
                &["Kaneko", "Mr. Kaneko"],
            ),
            entity(
                "avdiivka",
                "Avdiivka",
                &["Avdeevka", "Audi Iuka", "Audy Iuka"],
            ),
        ];
        let mentions = MentionMatcher::new(&entities).find(&text);
        let slices: Vec<&str> = mentions.iter().map(|m| &text[m.range.clone()]).collect();
        assert!(slices.contains(&"Audi Iuka"));
        assert!(slices.contains(&"Audy Iuka"));
        assert!(slices.contains(&"Mr. Kaneko"));
        assert!(slices.contains(&"Daisaku Kaneko"));
        let possessive = mentions
            .iter()
            .find(|m| text[m.range.end..].starts_with("’s"))
            .expect("a mention of Kaneko’s");
        assert_eq!(&text[possessive.range.clone()], "Kaneko");
        assert_eq!(possessive.entity, 0);
        assert!(mentions
            .windows(2)
            .all(|w| w[0].range.end <= w[1].range.start));
    }

    #[test]
    fn a_registry_too_large_for_the_dfa_finds_the_same_mentions() {
        // Enough names to pass DFA_PATTERN_BYTES, so the automaton falls back to the
        // crate's default; the rules on top of it must give the same mentions.
        let filler: Vec<Entity> = (0..12_000)
            .map(|i| entity(&format!("p{i}"), &format!("Filler Person Number{i}"), &[]))
            .collect();
        let named = [
            entity("kato", "Kato", &[]),
            entity("kei-kato", "Kei Kato", &["Kei"]),
            entity("zurich", "Zürich", &[]),
        ];
        let large: Vec<Entity> = named.iter().cloned().chain(filler).collect();
        let bytes: usize = collect_surfaces(&large).iter().map(|s| s.text.len()).sum();
        assert!(bytes > DFA_PATTERN_BYTES, "{bytes} bytes");
        let text = "Kei Kato met Kato in ZÜRICH; Katowice and Kei-based were not, \
                    but Filler Person Number17 was.";
        let small = found(&named, text);
        assert_eq!(
            small,
            [("Kei Kato", 1), ("Kato", 0), ("ZÜRICH", 2)],
            "the small registry's mentions"
        );
        let mut expected = small;
        expected.push(("Filler Person Number17", 3 + 17));
        assert_eq!(found(&large, text), expected);
    }
}
