//! Structured data: schema.org `NewsArticle` (with a `ClaimReview` per reviewed claim)
//! for search engines, and the W3C Web Annotation export of every note, claim,
//! mention, see-also and tag, for any annotation tool.
//!
//! W3C selectors index the published `text.txt` in Unicode code points, as the Web
//! Annotation model requires, so a consumer can check `text[start..end] == exact`.

use std::ops::Range;

use serde_json::{json, Value};

use crate::annotate::{Note, NoteKind, NoteType};
use crate::link::Article;

use super::views::Views;

/// How many characters of context the export's TextQuoteSelector carries either side.
const CONTEXT_CHARS: usize = 32;

/// The `NewsArticle` JSON-LD of an article page, with a `ClaimReview` for each claim.
pub fn news_article_jsonld(views: &Views<'_>, index: usize) -> String {
    let archive = views.archive;
    let article = &archive.articles[index];
    let meta = &article.annotated.meta;
    let page_url = archive.config.absolute_url(&article.path());
    let publisher = article.source.map(|s| {
        let source = &archive.registry.sources[s];
        json!({ "@type": "Organization", "name": source.name, "url": source.url })
    });
    let mut graph = vec![json!({
        "@type": "NewsArticle",
        "@id": format!("{page_url}#article"),
        "headline": article.title,
        "url": page_url,
        "mainEntityOfPage": page_url,
        "isBasedOn": meta.url,
        "datePublished": meta.published.as_ref().map(|d| d.get_ref().iso()),
        "author": meta.authors.iter().map(|a| json!({ "@type": "Person", "name": a })).collect::<Vec<_>>(),
        "publisher": publisher,
        "inLanguage": meta.language.clone().unwrap_or_else(|| archive.config.language.clone()),
        "keywords": meta.tags.iter().map(|t| t.get_ref().clone()).collect::<Vec<_>>(),
        "description": meta.summary.as_deref().map(|s| views.markdown.plain(s)),
        "mentions": entity_things(views, article),
    })];
    for (note, claimant) in article.annotated.notes.iter().zip(&article.claimants) {
        if note.kind == NoteType::Claim {
            graph.push(claim_review(views, article, note, *claimant, &page_url));
        }
    }
    let document = json!({ "@context": "https://schema.org", "@graph": graph });
    script_safe(&document)
}

fn claim_review(
    views: &Views<'_>,
    article: &Article,
    note: &Note,
    claimant: Option<usize>,
    page_url: &str,
) -> Value {
    let archive = views.archive;
    let rating = note.rating.clone().unwrap_or_default();
    let author = claimant.map_or_else(
        || json!({ "@type": "Organization", "name": article.source.map_or_else(|| "Unknown".to_owned(), |s| archive.registry.sources[s].name.clone()) }),
        |e| {
            let entity = &archive.registry.entities[e];
            let kind = if entity.kind == crate::link::EntityKind::Person { "Person" } else { "Organization" };
            json!({ "@type": kind, "name": entity.name, "url": archive.config.absolute_url(&views.entity_path(e)) })
        },
    );
    json!({
        "@type": "ClaimReview",
        "url": format!("{page_url}#note-{}", note.number),
        "claimReviewed": &article.annotated.document.text[note.range.clone()],
        "reviewBody": views.markdown.plain(note.body.get_ref()),
        "reviewRating": { "@type": "Rating", "alternateName": rating },
        "itemReviewed": {
            "@type": "Claim",
            "author": author,
            "appearance": { "@type": "NewsArticle", "url": page_url, "headline": article.title },
        },
        "author": { "@type": "Organization", "name": archive.config.title, "url": archive.config.base_url },
    })
}

fn entity_things(views: &Views<'_>, article: &Article) -> Vec<Value> {
    let archive = views.archive;
    super::views::mention_counts(article)
        .keys()
        .map(|&e| {
            let entity = &archive.registry.entities[e];
            let kind = match entity.kind {
                crate::link::EntityKind::Person => "Person",
                crate::link::EntityKind::Place => "Place",
                crate::link::EntityKind::Organization => "Organization",
                crate::link::EntityKind::Event => "Event",
            };
            let mut thing = json!({ "@type": kind, "name": entity.name, "url": archive.config.absolute_url(&views.entity_path(e)) });
            if let Some(q) = &entity.wikidata {
                thing["sameAs"] = json!(format!("https://www.wikidata.org/wiki/{q}"));
            }
            thing
        })
        .collect()
}

/// JSON inside `<script>`: `</` and `<!--` must not appear, so `<` is escaped.
fn script_safe(value: &Value) -> String {
    value.to_string().replace('<', "\\u003c")
}

/// The W3C `AnnotationCollection` of an article (`annotations.jsonld`).
pub fn annotation_collection(views: &Views<'_>, index: usize) -> String {
    let archive = views.archive;
    let article = &archive.articles[index];
    let page_url = archive.config.absolute_url(&article.path());
    let collection_id = format!("{page_url}annotations.jsonld");
    let text_url = format!("{page_url}text.txt");
    let text = &article.annotated.document.text;
    let positions = CharPositions::new(text);
    let mut items: Vec<Value> = Vec::new();
    for note in &article.annotated.notes {
        items.push(json!({
            "id": format!("{page_url}#note-{}", note.number),
            "type": "Annotation",
            "motivation": motivation(note.kind),
            "body": note_body(views, note),
            "target": text_target(&text_url, text, &positions, &note.range),
        }));
    }
    for mention in &article.mentions {
        let entity = &archive.registry.entities[mention.entity];
        let mut body = vec![specific_resource(
            &archive
                .config
                .absolute_url(&views.entity_path(mention.entity)),
            "identifying",
        )];
        if let Some(q) = &entity.wikidata {
            body.push(specific_resource(
                &format!("https://www.wikidata.org/entity/{q}"),
                "identifying",
            ));
        }
        items.push(json!({
            "id": format!("{page_url}#{}", mention.anchor(&archive.registry)),
            "type": "Annotation",
            "motivation": "identifying",
            "body": body,
            "target": text_target(&text_url, text, &positions, &mention.range),
        }));
    }
    for (i, link) in article.see_also.iter().filter(|l| l.outgoing).enumerate() {
        let other = &archive.articles[link.article];
        let mut body = vec![specific_resource(
            &archive.config.absolute_url(&other.path()),
            "linking",
        )];
        if let Some(why) = &link.why {
            body.push(json!({ "type": "TextualBody", "value": why, "format": "text/plain", "purpose": "describing" }));
        }
        items.push(json!({
            "id": format!("{page_url}#see-also-{}", i + 1),
            "type": "Annotation",
            "motivation": "linking",
            "body": body,
            "target": text_url,
        }));
    }
    for tag in &article.annotated.meta.tags {
        items.push(json!({
            "id": format!("{page_url}#tag-{}", tag.get_ref()),
            "type": "Annotation",
            "motivation": "tagging",
            "body": { "type": "TextualBody", "value": tag.get_ref(), "purpose": "tagging" },
            "target": text_url,
        }));
    }
    let total = items.len();
    let collection = json!({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": format!("Annotations on “{}”", article.title),
        "total": total,
        "first": {
            "id": format!("{collection_id}#page-1"),
            "type": "AnnotationPage",
            "partOf": { "id": collection_id, "label": format!("Annotations on “{}”", article.title), "total": total },
            "startIndex": 0,
            "items": items,
        },
    });
    serde_json::to_string(&collection).unwrap_or_default()
}

/// A body that is another resource, with the role it plays. The model allows
/// `purpose` only on specific resources and textual bodies, not on a bare IRI.
fn specific_resource(source: &str, purpose: &str) -> Value {
    json!({ "type": "SpecificResource", "source": source, "purpose": purpose })
}

/// Why each kind of note was made, in the W3C vocabulary.
fn motivation(kind: NoteType) -> &'static str {
    match kind {
        NoteType::Note(NoteKind::Correction | NoteKind::FactCheck) | NoteType::Claim => "assessing",
        NoteType::Note(NoteKind::Context | NoteKind::Translation) => "describing",
        NoteType::Note(NoteKind::Framing | NoteKind::Comment) => "commenting",
    }
}

fn note_body(views: &Views<'_>, note: &Note) -> Value {
    let mut bodies = vec![json!({
        "type": "TextualBody",
        "value": note.body.get_ref(),
        "format": "text/markdown",
        "purpose": motivation(note.kind),
    })];
    if let Some(correct) = &note.correct {
        bodies.push(json!({ "type": "TextualBody", "value": correct, "format": "text/plain", "purpose": "editing" }));
    }
    if let Some(rating) = &note.rating {
        bodies.push(json!({ "type": "TextualBody", "value": rating, "format": "text/plain", "purpose": "classifying" }));
    }
    let _ = views;
    Value::Array(bodies)
}

/// A target into `text.txt`: a quote selector with context and a position selector in
/// code points.
fn text_target(
    text_url: &str,
    text: &str,
    positions: &CharPositions,
    range: &Range<usize>,
) -> Value {
    let start = positions.char_index(range.start);
    let end = positions.char_index(range.end);
    let prefix: String = {
        let before: Vec<char> = text[..range.start]
            .chars()
            .rev()
            .take(CONTEXT_CHARS)
            .collect();
        before.into_iter().rev().collect()
    };
    let suffix: String = text[range.end..].chars().take(CONTEXT_CHARS).collect();
    json!({
        "source": text_url,
        "selector": [
            { "type": "TextQuoteSelector", "exact": &text[range.clone()], "prefix": prefix, "suffix": suffix },
            { "type": "TextPositionSelector", "start": start, "end": end },
        ],
    })
}

/// Byte offset → code-point index, for texts where most offsets are looked up.
struct CharPositions {
    /// Byte offset of every char boundary, in order.
    boundaries: Vec<usize>,
}

impl CharPositions {
    fn new(text: &str) -> Self {
        let mut boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        boundaries.push(text.len());
        Self { boundaries }
    }

    fn char_index(&self, byte: usize) -> usize {
        self.boundaries.partition_point(|&b| b < byte)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_positions_count_code_points() {
        let text = "日本 is Japan";
        let positions = CharPositions::new(text);
        assert_eq!(positions.char_index(0), 0);
        assert_eq!(positions.char_index(6), 2);
        assert_eq!(positions.char_index(text.len()), 11);
    }
}
