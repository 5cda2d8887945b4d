//! `_entities.toml` and `_sources.toml`: the archive's people, places, organisations,
//! events and publications.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::annotate::file::toml_diagnostic;
use crate::diagnostics::{did_you_mean, Diagnostic};
use crate::model::{is_slug, PartialDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    Person,
    Place,
    Organization,
    Event,
}

impl EntityKind {
    pub const ALL: [EntityKind; 4] = [Self::Person, Self::Place, Self::Organization, Self::Event];

    /// The table name in `_entities.toml`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Person => "person",
            Self::Place => "place",
            Self::Organization => "organization",
            Self::Event => "event",
        }
    }

    /// The URL section: `/people/<id>/`.
    pub fn section(self) -> &'static str {
        match self {
            Self::Person => "people",
            Self::Place => "places",
            Self::Organization => "organizations",
            Self::Event => "events",
        }
    }

    /// Plural heading for readers.
    pub fn plural_label(self) -> &'static str {
        match self {
            Self::Person => "People",
            Self::Place => "Places",
            Self::Organization => "Organizations",
            Self::Event => "Events",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.key() == key)
    }
}

/// A person, place, organisation or event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    pub id: String,
    pub kind: EntityKind,
    pub name: String,
    pub aliases: Vec<String>,
    /// Markdown.
    pub description: Option<String>,
    pub wikidata: Option<String>,
    /// When an event happened (its start), or a person's or organisation's
    /// founding/birth date if an editor gives one.
    pub date: Option<PartialDate>,
    /// When an event ended.
    pub end_date: Option<PartialDate>,
    /// Where the entry's table header is in `_entities.toml`, for diagnostics.
    pub span: Option<Range<usize>>,
}

impl Entity {
    /// Site path of the entity's page: `people/<id>/`, `places/<id>/`, …
    pub fn path(&self) -> String {
        // Joined rather than `format!`ed: article bodies link every mention.
        [self.kind.section(), "/", self.id.as_str(), "/"].concat()
    }
}

/// A publication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub id: String,
    pub name: String,
    pub url: Option<String>,
    pub country: Option<String>,
    /// newspaper | magazine | broadcaster | wire | state-affiliated media | …
    pub kind: Option<String>,
    /// Markdown.
    pub description: Option<String>,
}

/// Both registries.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    /// Sorted by kind, then id.
    pub entities: Vec<Entity>,
    /// Sorted by id.
    pub sources: Vec<Source>,
    /// Where the entities came from, for diagnostics.
    pub entities_path: std::path::PathBuf,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntityEntry {
    name: String,
    #[serde(default)]
    aliases: Vec<Spanned<String>>,
    description: Option<String>,
    wikidata: Option<String>,
    date: Option<PartialDate>,
    end_date: Option<PartialDate>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceEntry {
    name: String,
    url: Option<String>,
    country: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourcesFile {
    #[serde(default)]
    source: BTreeMap<Spanned<String>, SourceEntry>,
}

impl Registry {
    pub fn entity(&self, id: &str) -> Option<&Entity> {
        self.entities.iter().find(|e| e.id == id)
    }

    pub fn entity_index(&self, id: &str) -> Option<usize> {
        self.entities.iter().position(|e| e.id == id)
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// Parses `_entities.toml`. Unknown kinds, bad ids and an alias used by two
    /// entities are errors naming line and column.
    pub fn parse_entities(path: &Path, text: &str) -> Result<Vec<Entity>, Vec<Diagnostic>> {
        let tables: BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<EntityEntry>>> =
            toml::from_str(text).map_err(|e| vec![toml_diagnostic(path, &e)])?;
        let mut errors = Vec::new();
        let mut entities: Vec<ParsedEntity> = Vec::new();
        for (kind_key, entries) in tables {
            let Some(kind) = EntityKind::from_key(kind_key.get_ref()) else {
                let mut d = Diagnostic::error(
                    path,
                    format!("unknown entity kind `{}`", kind_key.get_ref()),
                )
                .with_span(Some(kind_key.span()))
                .with_note("kinds are `person`, `place`, `organization` and `event`");
                if let Some(best) =
                    did_you_mean(kind_key.get_ref(), EntityKind::ALL.iter().map(|k| k.key()))
                {
                    d = d.with_hint(format!("did you mean `{best}`?"));
                }
                errors.push(d);
                continue;
            };
            for (id, entry) in entries {
                let span = entry.span();
                let entry = entry.into_inner();
                if !is_slug(id.get_ref()) {
                    errors.push(
                        Diagnostic::error(path, format!("invalid entity id `{}`", id.get_ref()))
                            .with_span(Some(id.span()))
                            .with_hint("ids use lowercase letters, digits and single hyphens"),
                    );
                }
                entities.push((
                    Entity {
                        id: id.get_ref().clone(),
                        kind,
                        name: entry.name,
                        aliases: entry.aliases.iter().map(|a| a.get_ref().clone()).collect(),
                        description: entry.description,
                        wikidata: entry.wikidata,
                        date: entry.date,
                        end_date: entry.end_date,
                        span: Some(span),
                    },
                    id.span(),
                    entry.aliases,
                ));
            }
        }
        errors.extend(duplicate_errors(path, &entities));
        if errors.is_empty() {
            let mut entities: Vec<Entity> = entities.into_iter().map(|(e, _, _)| e).collect();
            entities.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
            Ok(entities)
        } else {
            Err(errors)
        }
    }

    /// Parses `_sources.toml`.
    pub fn parse_sources(path: &Path, text: &str) -> Result<Vec<Source>, Vec<Diagnostic>> {
        let file: SourcesFile =
            toml::from_str(text).map_err(|e| vec![toml_diagnostic(path, &e)])?;
        let mut errors = Vec::new();
        let mut sources = Vec::new();
        for (id, entry) in file.source {
            if !is_slug(id.get_ref()) {
                errors.push(
                    Diagnostic::error(path, format!("invalid source id `{}`", id.get_ref()))
                        .with_span(Some(id.span()))
                        .with_hint("ids use lowercase letters, digits and single hyphens"),
                );
            }
            sources.push(Source {
                id: id.into_inner(),
                name: entry.name,
                url: entry.url,
                country: entry.country,
                kind: entry.kind,
                description: entry.description,
            });
        }
        if errors.is_empty() {
            Ok(sources)
        } else {
            Err(errors)
        }
    }
}

/// Ids must be unique across kinds (one id, one page), and a name or alias may belong
/// to one entity only, or mention detection could not decide between them.
/// An entity as parsed, with the spans of its id and of each alias.
type ParsedEntity = (Entity, Range<usize>, Vec<Spanned<String>>);

fn duplicate_errors(path: &Path, entities: &[ParsedEntity]) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    // In file order, so the error points at the second use, where the editor is
    // most likely to have just added it.
    let mut in_file_order: Vec<&ParsedEntity> = entities.iter().collect();
    in_file_order.sort_by_key(|(_, span, _)| span.start);
    let mut ids: BTreeMap<&str, &Entity> = BTreeMap::new();
    for (entity, id_span, _) in &in_file_order {
        if let Some(first) = ids.insert(&entity.id, entity) {
            errors.push(
                Diagnostic::error(path, format!("duplicate entity id `{}`", entity.id))
                    .with_span(Some((*id_span).clone()))
                    .with_note(format!("it is already a {} id", first.kind.key())),
            );
        }
    }
    let mut names: BTreeMap<String, &str> = BTreeMap::new();
    for (entity, id_span, aliases) in in_file_order {
        let mut surfaces: Vec<(&str, Range<usize>)> = vec![(entity.name.as_str(), id_span.clone())];
        surfaces.extend(aliases.iter().map(|a| (a.get_ref().as_str(), a.span())));
        for (surface, span) in surfaces {
            let key = surface.to_lowercase();
            match names.get(key.as_str()) {
                Some(owner) if *owner != entity.id => errors.push(
                    Diagnostic::error(
                        path,
                        format!("`{surface}` names both `{owner}` and `{}`", entity.id),
                    )
                    .with_span(Some(span))
                    .with_hint("keep the alias on one entity and add a [[mention]] where the other is meant"),
                ),
                _ => {
                    names.insert(key, &entity.id);
                }
            }
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::line_col;

    #[test]
    fn entities_parse_sorted_by_kind_and_id() {
        let text = "[place.kyiv]\nname = \"Kyiv\"\naliases = [\"Kiev\"]\n\n[person.kei-kato]\nname = \"Kei Kato\"\n";
        let entities = Registry::parse_entities(Path::new("_entities.toml"), text).unwrap();
        assert_eq!(entities[0].id, "kei-kato");
        assert_eq!(entities[1].aliases, vec!["Kiev"]);
    }

    #[test]
    fn unknown_kind_is_an_error_with_position() {
        let text = "[persn.kei-kato]\nname = \"Kei Kato\"\n";
        let errors = Registry::parse_entities(Path::new("_entities.toml"), text).unwrap_err();
        assert_eq!(errors[0].message, "unknown entity kind `persn`");
        assert_eq!(errors[0].hint.as_deref(), Some("did you mean `person`?"));
        assert_eq!(
            line_col(text, errors[0].span.clone().unwrap().start),
            (1, 2)
        );
    }

    #[test]
    fn alias_shared_by_two_entities_is_an_error() {
        let text = "[person.a]\nname = \"A\"\naliases = [\"Kato\"]\n[person.b]\nname = \"B\"\naliases = [\"kato\"]\n";
        let errors = Registry::parse_entities(Path::new("_entities.toml"), text).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].message, "`kato` names both `a` and `b`");
        assert_eq!(
            line_col(text, errors[0].span.clone().unwrap().start),
            (6, 12)
        );
    }
}
