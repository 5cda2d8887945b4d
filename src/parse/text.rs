//! Parser for raw scraped text (`.txt`).
//!
//! Scraped text puts one paragraph per line and mixes the article with the page's
//! furniture. The parser works line by line, in passes:
//!
//! 1. editor overrides: `[parse] drop` lines are removed, `[parse] keep` lines are
//!    shielded from every removal heuristic;
//! 2. zones: lines before the first and after the last body-like paragraph are the
//!    page's edges, where furniture clusters and the rules are a little bolder;
//! 3. boilerplate by vocabulary ([`boilerplate`]), the bulleted lists under a
//!    "RELATED:" heading, and lone section names ("Asia") at the edges or repeated;
//! 4. the headline (first surviving line, if it looks like one), its repeat, the
//!    byline and a standfirst;
//! 5. the body: duplicates removed, each line becomes a block (caption, heading or
//!    paragraph), and a sentence repeated back to back inside a line is cut once.
//!
//! Every removed line is recorded with its line number and reason; nothing is
//! silently lost. Text inside a paragraph is never altered except for that recorded
//! repeated sentence: editors quote it exactly.

mod boilerplate;
mod facts;
mod shape;

use rustc_hash::FxHashSet;

use self::boilerplate::Zone;
use self::facts::{collapse_whitespace, ends_sentence, match_key, strip_bullet, Facts};
use super::{
    BlockKind, BodyParts, Document, ParseOverrides, RemovalReason, RemovedLine, TextBuilder,
};

pub(crate) use self::facts::match_key as override_key;
pub(crate) use self::shape::byline as detect_byline;

/// Parses a scraped article.
pub fn parse_text(source: &str, overrides: &ParseOverrides) -> Document {
    Parse::run(source, overrides).document
}

/// The `[parse] drop` and `keep` entries that match no line of the source, for the
/// caller to warn about (a typo in an override is otherwise invisible).
pub fn unmatched_text_overrides(source: &str, overrides: &ParseOverrides) -> Vec<String> {
    Parse::run(source, overrides).unmatched
}

/// Body-like lines (zone anchors) have at least this many words.
const ANCHOR_MIN_WORDS: usize = 12;

/// Duplicates shorter than this are only removed when they directly repeat the
/// previous block ("No." can legitimately appear twice in an interview).
const DUPLICATE_MIN_WORDS: usize = 5;

/// One non-blank source line.
#[derive(Debug)]
struct Line<'a> {
    /// 1-based line number.
    number: usize,
    /// The line, trimmed.
    text: &'a str,
    facts: Facts,
    /// [`shape::is_caption`], asked once: up to four steps ask it of a line.
    caption: bool,
    /// `[parse] keep` names this line.
    kept: bool,
}

/// What the parser decided a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Not decided yet; ends up in the body.
    Body,
    Removed(RemovalReason),
    Title,
    Byline,
    Standfirst,
}

/// The result of a parse, with the override bookkeeping.
struct Parse {
    document: Document,
    unmatched: Vec<String>,
}

impl Parse {
    fn run(source: &str, overrides: &ParseOverrides) -> Self {
        let drops: Vec<String> = overrides.drop.iter().map(|d| match_key(d)).collect();
        let keeps: Vec<String> = overrides.keep.iter().map(|k| match_key(k)).collect();
        let mut lines = split_lines(source);
        let mut roles = vec![Role::Body; lines.len()];
        let mut used_drops = vec![false; drops.len()];
        let mut used_keeps = vec![false; keeps.len()];
        // Without overrides there is nothing to compare keys with: most articles.
        if !drops.is_empty() || !keeps.is_empty() {
            for (line, role) in lines.iter_mut().zip(&mut roles) {
                let key = match_key(line.text);
                for (used, drop) in used_drops.iter_mut().zip(&drops) {
                    *used |= *drop == key;
                }
                for (used, keep) in used_keeps.iter_mut().zip(&keeps) {
                    *used |= *keep == key;
                }
                // Drop wins over keep when an editor names a line in both.
                if drops.contains(&key) {
                    *role = Role::Removed(RemovalReason::Dropped);
                } else {
                    line.kept = keeps.contains(&key);
                }
            }
        }

        let zones = Zones::find(&lines, &roles);
        mark_boilerplate(&lines, &zones, &mut roles);
        mark_related_lists(&lines, &zones, &mut roles);
        mark_section_names(&lines, &zones, &mut roles);
        let mut document = Document::default();
        find_headline(&lines, &mut roles, &mut document);
        find_byline(&lines, &mut roles, &mut document);
        find_standfirst(&lines, &mut roles, &mut document);
        build_body(&lines, &zones, &roles, &mut document);

        let unmatched = unused(&overrides.drop, &used_drops)
            .chain(unused(&overrides.keep, &used_keeps))
            .collect();
        Self {
            document,
            unmatched,
        }
    }
}

/// The entries whose `used` flag is false.
fn unused<'a>(entries: &'a [String], used: &'a [bool]) -> impl Iterator<Item = String> + 'a {
    entries
        .iter()
        .zip(used)
        .filter(|(_, used)| !**used)
        .map(|(entry, _)| entry.clone())
}

/// Splits the source into trimmed non-blank lines with 1-based numbers. A leading
/// BOM is dropped; CRLF and LF both end a line (a lone CR does not, it is trimmed
/// like other whitespace).
fn split_lines(source: &str) -> Vec<Line<'_>> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    source
        .split('\n')
        .enumerate()
        .filter_map(|(i, raw)| {
            let text = raw.trim();
            (!text.is_empty()).then(|| Line {
                number: i + 1,
                text,
                facts: Facts::new(text),
                caption: shape::is_caption(text),
                kept: false,
            })
        })
        .collect()
}

/// The first and last body-like lines: long, sentence-ending, not furniture, not a
/// caption. Lines outside them are the page's edges.
struct Zones {
    first: Option<usize>,
    last: Option<usize>,
}

impl Zones {
    fn find(lines: &[Line<'_>], roles: &[Role]) -> Self {
        let is_anchor = |i: &usize| {
            let line = &lines[*i];
            roles[*i] == Role::Body
                && line.facts.len() >= ANCHOR_MIN_WORDS
                && ends_sentence(line.text)
                && boilerplate::classify(&line.facts, Zone::Body).is_none()
                && !line.caption
        };
        let first = (0..lines.len()).find(is_anchor);
        let last = (0..lines.len()).rev().find(is_anchor);
        Self { first, last }
    }

    fn zone(&self, index: usize) -> Zone {
        match (self.first, self.last) {
            (Some(first), Some(last)) if (first..=last).contains(&index) => Zone::Body,
            _ => Zone::Edge,
        }
    }
}

/// Sets `role` to a removal unless the editor kept the line or it is already decided.
fn remove(line: &Line<'_>, role: &mut Role, reason: RemovalReason) {
    if !line.kept && *role == Role::Body {
        *role = Role::Removed(reason);
    }
}

/// Vocabulary-based furniture: share buttons, ads, navigation, newsletter, ….
fn mark_boilerplate(lines: &[Line<'_>], zones: &Zones, roles: &mut [Role]) {
    for (i, (line, role)) in lines.iter().zip(roles.iter_mut()).enumerate() {
        if let Some(reason) = boilerplate::classify(&line.facts, zones.zone(i)) {
            remove(line, role, reason);
        }
    }
}

/// The bulleted lines directly under a "RELATED:" / "Related Articles" heading are
/// the related-articles list.
fn mark_related_lists(lines: &[Line<'_>], zones: &Zones, roles: &mut [Role]) {
    let mut in_list = false;
    for (i, line) in lines.iter().enumerate() {
        let bulleted = strip_bullet(line.text).len() < line.text.len();
        if in_list && bulleted {
            remove(line, &mut roles[i], RemovalReason::Related);
            continue;
        }
        in_list = roles[i] == Role::Removed(RemovalReason::Related)
            && boilerplate::opens_related_list(&line.facts, zones.zone(i));
    }
}

/// Lone section names from a site menu ("Asia"): at the page's edges, or repeated
/// anywhere (a heading is not repeated; a menu entry often is).
fn mark_section_names(lines: &[Line<'_>], zones: &Zones, roles: &mut [Role]) {
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for line in lines {
        if shape::is_section_name(line.text, 3) {
            *counts.entry(line.text).or_default() += 1;
        }
    }
    // A two-word first line may be a short headline ("Ukraine Diary"); a one-word
    // one is a menu entry or kicker ("Asia").
    let first_body = roles.iter().position(|r| *r == Role::Body);
    for (i, line) in lines.iter().enumerate() {
        let repeated = counts.get(line.text).copied().unwrap_or(0) >= 2;
        let max_words = if Some(i) == first_body { 1 } else { 2 };
        let at_edge = zones.zone(i) == Zone::Edge && shape::is_section_name(line.text, max_words);
        if repeated || at_edge {
            remove(line, &mut roles[i], RemovalReason::Navigation);
        }
    }
}

/// The headline is the first surviving line, if it looks like one (not a caption,
/// byline or lede). A later line repeating it is removed as `RepeatedTitle`.
fn find_headline(lines: &[Line<'_>], roles: &mut [Role], document: &mut Document) {
    let Some(first) = roles.iter().position(|r| *r == Role::Body) else {
        return;
    };
    let line = &lines[first];
    if line.caption || shape::byline(line.text).is_some() {
        return;
    }
    let headline = shape::clean_headline(line.text);
    let next = (first + 1..lines.len()).find(|&i| roles[i] == Role::Body);
    // A line's key keeps every non-space character but a leading bullet, so a line
    // with more than one character over the longest key cannot repeat the headline.
    // Most lines are paragraphs, far longer: they are not given a key at all.
    let longest = headline
        .repeats
        .iter()
        .map(|key| key.chars().count())
        .max()
        .unwrap_or(0);
    let repeats = |i: usize| {
        let text = lines[i].text;
        // Counted only as far as the limit: a paragraph need not be read to its end.
        let visible = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .take(longest + 2)
            .count();
        visible <= longest + 1 && headline.repeats.contains(&match_key(text))
    };
    let repeated = next.is_some_and(repeats);
    if !shape::acceptable_headline(&headline, repeated) {
        return;
    }
    roles[first] = Role::Title;
    for i in first + 1..lines.len() {
        if repeats(i) {
            remove(&lines[i], &mut roles[i], RemovalReason::RepeatedTitle);
        }
    }
    document.title = Some(headline.title);
}

/// The first byline-shaped line becomes [`Document::byline`] (metadata, shown
/// elsewhere, so neither in the text nor in the removed list).
fn find_byline(lines: &[Line<'_>], roles: &mut [Role], document: &mut Document) {
    for (line, role) in lines.iter().zip(roles.iter_mut()) {
        if *role != Role::Body || line.caption {
            continue;
        }
        if let Some(byline) = shape::byline(line.text) {
            *role = Role::Byline;
            document.byline = Some(byline);
            return;
        }
    }
}

/// The line right after the headline is the standfirst if it has the deck's shape.
fn find_standfirst(lines: &[Line<'_>], roles: &mut [Role], document: &mut Document) {
    let Some(title) = roles.iter().position(|r| *r == Role::Title) else {
        return;
    };
    let next = (title + 1..lines.len()).find(|&i| matches!(roles[i], Role::Body | Role::Byline));
    let Some(next) = next else {
        return;
    };
    let has_body_after = roles[next + 1..].contains(&Role::Body);
    if roles[next] == Role::Body && has_body_after && shape::looks_like_standfirst(lines[next].text)
    {
        roles[next] = Role::Standfirst;
        document.standfirst = Some(collapse_whitespace(lines[next].text));
    }
}

/// Emits the body blocks and the removed-lines record, in source order.
fn build_body(lines: &[Line<'_>], zones: &Zones, roles: &[Role], document: &mut Document) {
    let mut builder = TextBuilder::default();
    let mut removed = Vec::new();
    // Fx rather than SipHash: the keys are whole paragraphs, a dozen per article, and a
    // set that lives for one article has nothing to fear from colliding keys.
    let mut seen: FxHashSet<String> = FxHashSet::default();
    let mut previous: Option<String> = None;
    for (i, (line, role)) in lines.iter().zip(roles).enumerate() {
        let record = |reason, text: &str| RemovedLine {
            line: line.number,
            text: text.to_string(),
            reason,
        };
        match *role {
            Role::Removed(reason) => removed.push(record(reason, line.text)),
            Role::Title | Role::Byline | Role::Standfirst => {}
            Role::Body => {
                let key = collapse_whitespace(line.text);
                let repeats_previous = previous.as_ref() == Some(&key);
                let long_enough = line.facts.len() >= DUPLICATE_MIN_WORDS;
                if !line.kept && seen.contains(&key) && (long_enough || repeats_previous) {
                    removed.push(record(RemovalReason::Duplicate, line.text));
                    continue;
                }
                let kind = block_kind(line, zones.zone(i));
                let (text, repeats) = if line.kept || kind != BlockKind::Paragraph {
                    (line.text.to_string(), Vec::new())
                } else {
                    shape::remove_repeated_sentences(line.text)
                };
                builder.push_block(kind, &text, line.number);
                for sentence in repeats {
                    removed.push(record(RemovalReason::Duplicate, &sentence));
                }
                seen.insert(key.clone());
                previous = Some(key);
            }
        }
    }
    *document.parts_mut() = BodyParts {
        text: builder.text,
        blocks: builder.blocks,
        removed,
    };
}

/// Caption, heading (only between body paragraphs) or paragraph.
fn block_kind(line: &Line<'_>, zone: Zone) -> BlockKind {
    if line.caption {
        BlockKind::Caption
    } else if zone == Zone::Body && shape::looks_like_heading(line.text) {
        BlockKind::Heading { level: 2 }
    } else {
        BlockKind::Paragraph
    }
}

#[cfg(test)]
mod tests;
