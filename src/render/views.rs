//! What templates see: serialisable views of the archive, one shape per thing, as
//! documented for theme authors in README.md ("Templates").

use std::borrow::Cow;

use serde::Serialize;

use crate::link::{Archive, Article, EntityKind};
use crate::model::PartialDate;

use super::markdown::MarkdownRenderer;

#[derive(Debug, Clone, Serialize)]
pub struct DateView {
    pub iso: String,
    pub human: String,
    pub approximate: bool,
}

impl DateView {
    pub fn new(date: PartialDate, approximate: bool) -> Self {
        Self {
            iso: date.iso(),
            human: date.human(),
            approximate,
        }
    }
}

// Views borrow the archive's strings: a view is made for one page, turned into the
// page's context (which copies every string) and dropped, so owning copies of its
// names and titles as well only doubled the copying.

#[derive(Debug, Clone, Serialize)]
pub struct LinkView<'a> {
    pub name: &'a str,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceRef<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EntityRef<'a> {
    pub name: &'a str,
    pub url: String,
    pub kind: &'static str,
}

/// An article in a list.
#[derive(Debug, Clone, Serialize)]
pub struct Card<'a> {
    pub id: &'a str,
    pub slug: &'a str,
    pub url: String,
    pub title: &'a str,
    pub source: Option<SourceRef<'a>>,
    pub published: Option<DateView>,
    pub kind: Option<&'static str>,
    pub summary_html: Cow<'a, str>,
    pub tags: Vec<LinkView<'a>>,
    pub entities: Vec<EntityRef<'a>>,
    pub note_count: usize,
    pub correction_count: usize,
}

/// How many entities a card shows.
const CARD_ENTITIES: usize = 6;

/// Builds views; holds what every view needs.
pub struct Views<'a> {
    pub archive: &'a Archive,
    pub markdown: &'a MarkdownRenderer<'a>,
}

impl<'a> Views<'a> {
    pub fn new(archive: &'a Archive, markdown: &'a MarkdownRenderer<'a>) -> Self {
        Self { archive, markdown }
    }
}

impl<'a> Views<'a> {
    pub fn url(&self, path: &str) -> String {
        self.markdown.url(path)
    }

    pub fn entity_path(&self, entity: usize) -> String {
        self.archive.registry.entities[entity].path()
    }

    pub fn entity_ref(&self, entity: usize) -> EntityRef<'a> {
        let e = &self.archive.registry.entities[entity];
        EntityRef {
            name: &e.name,
            url: self.url(&self.entity_path(entity)),
            kind: e.kind.key(),
        }
    }

    pub fn source_ref(&self, article: &Article) -> Option<SourceRef<'a>> {
        let source = &self.archive.registry.sources[article.source?];
        Some(SourceRef {
            id: &source.id,
            name: &source.name,
            url: self.url(&["sources/", source.id.as_str(), "/"].concat()),
        })
    }

    pub fn published(article: &Article) -> Option<DateView> {
        let meta = &article.annotated.meta;
        meta.published
            .as_ref()
            .map(|d| DateView::new(*d.get_ref(), meta.published_approximate))
    }

    pub fn tag_link(&self, tag: &'a str) -> LinkView<'a> {
        LinkView {
            name: tag,
            url: self.url(&["tags/", tag, "/"].concat()),
        }
    }

    /// Article `index`'s card, made anew on each use. An article is on a handful of
    /// list pages (home, tags, source, timeline); without a card kept for every
    /// article, the render stage's peak at 100,000 articles fell by 150 MB, and a
    /// 10,000-article build took no longer.
    pub fn card(&self, index: usize) -> Card<'a> {
        let article = &self.archive.articles[index];
        let meta = &article.annotated.meta;
        let notes = &article.annotated.notes;
        Card {
            id: article.id(),
            slug: &article.slug,
            url: self.url(&article.path()),
            title: &article.title,
            source: self.source_ref(article),
            published: Self::published(article),
            kind: meta.kind.as_ref().map(|k| k.get_ref().as_str()),
            summary_html: meta
                .summary
                .as_deref()
                .map(|s| self.markdown.render_inline(s))
                .unwrap_or_default(),
            tags: meta
                .tags
                .iter()
                .map(|t| self.tag_link(t.get_ref()))
                .collect(),
            entities: self
                .top_entities(article)
                .into_iter()
                .map(|e| self.entity_ref(e))
                .collect(),
            note_count: notes.len(),
            correction_count: notes
                .iter()
                .filter(|n| {
                    n.kind == crate::annotate::NoteType::Note(crate::annotate::NoteKind::Correction)
                })
                .count(),
        }
    }

    /// The entities an article mentions most, people first on ties.
    pub fn top_entities(&self, article: &Article) -> Vec<usize> {
        let counts = mention_counts(article);
        let mut entities: Vec<(usize, usize)> = counts.into_iter().collect();
        let kind = |e: usize| self.archive.registry.entities[e].kind;
        entities.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then(kind(a.0).cmp(&kind(b.0)))
                .then(a.0.cmp(&b.0))
        });
        entities.truncate(CARD_ENTITIES);
        entities.into_iter().map(|(e, _)| e).collect()
    }
}

/// How often each entity is mentioned in an article, by entity index.
pub fn mention_counts(article: &Article) -> std::collections::BTreeMap<usize, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for mention in &article.mentions {
        *counts.entry(mention.entity()).or_insert(0) += 1;
    }
    counts
}

/// `{ key, label }` for an entity kind.
#[derive(Debug, Clone, Serialize)]
pub struct KindView {
    pub key: &'static str,
    pub label: &'static str,
}

impl From<EntityKind> for KindView {
    fn from(kind: EntityKind) -> Self {
        Self {
            key: kind.key(),
            label: kind.plural_label(),
        }
    }
}
