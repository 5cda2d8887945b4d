//! Archive-wide warnings for `gloss check`: things that build fine but are probably
//! not what the editor meant.
//!
//! - an article without an annotation file (published with parsed metadata only);
//! - an entity that no article mentions (a typo in its name, or a leftover);
//! - an alias that never matches (misspelt, or always inside a longer name);
//! - a `[parse] drop` or `keep` line that matches no line of the article (a typo
//!   there is otherwise invisible: the line simply stays or goes).
//!
//! These are only warnings, and only `check` reports them. None takes a pass over the
//! articles of its own: the per-article ones run while `check` has each article's
//! texts, and linking notes which names and aliases matched as it finds mentions.

use std::ops::Range;

use crate::diagnostics::Diagnostic;
use crate::link::{Archive, Entity, LinkContext};
use crate::load::{ArticleSource, Project};
use crate::parse::{self, Format, ParseOverrides};

/// The warnings that look across the archive: entities and aliases no article uses.
/// [`article_warnings`] are per article: `gloss check` runs them while each article's
/// texts are in memory.
pub fn archive_warnings(
    project: &Project,
    archive: &Archive,
    context: &LinkContext,
) -> Vec<Diagnostic> {
    entity_warnings(project, archive, context)
}

/// One article's warnings: no annotation file, or `[parse]` lines (`overrides`, from
/// its annotation file) that match nothing.
pub fn article_warnings(article: &ArticleSource, overrides: &ParseOverrides) -> Vec<Diagnostic> {
    let mut warnings: Vec<Diagnostic> = missing_annotation(article).into_iter().collect();
    warnings.extend(unmatched_overrides(article, overrides));
    warnings
}

/// An article published without an annotation file.
pub fn missing_annotation(article: &ArticleSource) -> Option<Diagnostic> {
    if article.annotation.is_some() {
        return None;
    }
    Some(
        Diagnostic::warning(&article.source.path, "article has no annotation file")
            .with_note("it is published with the metadata the parser finds, and no notes")
            .with_hint(format!(
                "create one with `gloss new {}`",
                article.source.path.display()
            )),
    )
}

/// Entities no article mentions, and aliases that never match any article's text
/// (`context` is the one the archive was linked with).
pub fn entity_warnings(
    project: &Project,
    archive: &Archive,
    context: &LinkContext,
) -> Vec<Diagnostic> {
    let entities = &archive.registry.entities;
    if entities.is_empty() {
        return Vec::new();
    }
    let registry_text = project
        .entities
        .as_ref()
        .map_or("", |file| file.text.as_str());
    let path = &archive.registry.entities_path;
    // An entity is in use when an article mentions it or names it as an author.
    let mut mentioned: Vec<bool> = archive
        .mentions_by_entity()
        .iter()
        .map(|m| !m.is_empty())
        .collect();
    for article in &archive.articles {
        for author in article.authors.iter().flatten() {
            if let Some(used) = mentioned.get_mut(*author) {
                *used = true;
            }
        }
    }
    let matcher = context.matcher();
    let mut diagnostics = Vec::new();
    for (index, entity) in entities.iter().enumerate() {
        if !mentioned.get(index).copied().unwrap_or(true) {
            diagnostics.push(
                Diagnostic::warning(
                    path,
                    format!("entity `{}` is never mentioned in any article", entity.id),
                )
                .with_span(entity.span.clone())
                .with_hint("check its name and aliases against the articles, or remove it"),
            );
        }
    }
    for surface in 0..matcher.surface_count() {
        let (Some(text), Some(index)) = (
            matcher.surface_text(surface),
            matcher.surface_entity(surface),
        ) else {
            continue;
        };
        let Some(entity) = entities.get(index) else {
            continue;
        };
        // The name is not an alias; an entity mentioned nowhere was reported above.
        let unmentioned = !mentioned.get(index).copied().unwrap_or(true);
        if context.surface_matched(surface) || unmentioned || text == entity.name.trim() {
            continue;
        }
        diagnostics.push(
            Diagnostic::warning(
                path,
                format!(
                    "alias `{text}` of `{}` never matches in any article",
                    entity.id
                ),
            )
            .with_span(alias_span(registry_text, entity, text))
            .with_note("aliases match whole words, and a longer name wins where both would match")
            .with_hint("check its spelling against the articles, or remove it"),
        );
    }
    diagnostics
}

/// Where an alias is written in `_entities.toml`: quoted, between its entity's table
/// header and the next header. Falls back to the header.
fn alias_span(text: &str, entity: &Entity, alias: &str) -> Option<Range<usize>> {
    let header = entity.span.clone()?;
    let rest = text.get(header.start..)?;
    let body_end = rest
        .match_indices("\n[")
        .map(|(at, _)| at)
        .find(|&at| at >= header.len())
        .unwrap_or(rest.len());
    let table = &rest[..body_end];
    ["\"", "'"]
        .iter()
        .find_map(|quote| table.find(&format!("{quote}{alias}{quote}")))
        .map(|at| header.start + at..header.start + at + alias.len() + 2)
        .or(Some(header))
}

/// `[parse] drop` and `keep` entries of one article that match nothing.
pub fn unmatched_overrides(article: &ArticleSource, overrides: &ParseOverrides) -> Vec<Diagnostic> {
    let Some(annotation) = &article.annotation else {
        return Vec::new();
    };
    if overrides.drop.is_empty() && overrides.keep.is_empty() {
        return Vec::new();
    }
    let unmatched = match article.format {
        Format::Text => parse::unmatched_text_overrides(&article.source.text, overrides),
        Format::Markdown => parse::unmatched_markdown_overrides(&article.source.text, overrides),
    };
    unmatched
        .into_iter()
        .map(|line| {
            let list = if overrides.drop.contains(&line) {
                "drop"
            } else {
                "keep"
            };
            Diagnostic::warning(
                &annotation.path,
                format!("`[parse] {list}` line matches nothing in the article"),
            )
            .with_span(override_span(&annotation.text, &line))
            .with_note(format!("looked for a line reading: {line}"))
            .with_hint(format!(
                "copy the line exactly from `{}` (surrounding spaces do not matter)",
                article.source.path.display()
            ))
        })
        .collect()
}

/// Where an override line is written: its quoted text after the `[parse]` header.
fn override_span(text: &str, line: &str) -> Option<Range<usize>> {
    let start = text.find("[parse]")?;
    let after = &text[start..];
    let escaped = line.replace('\\', "\\\\").replace('"', "\\\"");
    [format!("\"{escaped}\""), format!("'{line}'")]
        .iter()
        .find_map(|quoted| {
            after
                .find(quoted.as_str())
                .map(|at| start + at..start + at + quoted.len())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_spans_stay_inside_their_table() {
        let text = "[place.a]\nname = \"A\"\naliases = [\"Ay\"]\n\n[place.b]\nname = \"B\"\naliases = [\"Bee\", \"Ay2\"]\n";
        let entity = |id: &str, header: &str| Entity {
            id: id.to_owned(),
            kind: crate::link::EntityKind::Place,
            name: String::new(),
            aliases: Vec::new(),
            description: None,
            wikidata: None,
            date: None,
            end_date: None,
            span: text.find(header).map(|at| at..at + header.len()),
        };
        let b = entity("b", "[place.b]");
        assert_eq!(
            alias_span(text, &b, "Bee").map(|s| &text[s]),
            Some("\"Bee\"")
        );
        // Not found in b's table (it is in a's): the header.
        assert_eq!(
            alias_span(text, &b, "Ay").map(|s| &text[s]),
            Some("[place.b]")
        );
        let a = entity("a", "[place.a]");
        assert_eq!(alias_span(text, &a, "Ay").map(|s| &text[s]), Some("\"Ay\""));
    }

    #[test]
    fn override_spans_point_at_the_quoted_line() {
        let text = "[article]\ntitle = \"Share\"\n\n[parse]\ndrop = [\"Share\", 'Tweet']\n";
        let span = override_span(text, "Share").expect("found");
        assert_eq!(&text[span], "\"Share\"");
        let span = override_span(text, "Tweet").expect("found");
        assert_eq!(&text[span], "'Tweet'");
        assert_eq!(override_span(text, "Nothing"), None);
    }
}
