//! Structured data: schema.org `NewsArticle` (with a `ClaimReview` per reviewed claim)
//! for search engines, and the W3C Web Annotation export of every note, claim,
//! mention, see-also and tag, for any annotation tool.
//!
//! W3C selectors index the published `text.txt` in Unicode code points, as the Web
//! Annotation model requires, so a consumer can check `text[start..end] == exact`.

use std::ops::Range;

use serde::Serialize;
use serde_json::{json, Value};

use crate::annotate::{Note, NoteKind, NoteType};
use crate::link::Article;

use super::json::{self, Object};
use super::views::Views;

/// How many characters of context the export's TextQuoteSelector carries either side.
const CONTEXT_CHARS: usize = 32;

/// The `NewsArticle` JSON-LD of an article page, with a `ClaimReview` for each claim.
/// `text` is the article's body text (the page has it at hand, decompressed).
///
/// The article is written from typed structs (every page has one); its fields are
/// declared in the sorted order a `json!` map gave them, so the bytes are the same.
pub fn news_article_jsonld(views: &Views<'_>, index: usize, text: &str) -> String {
    let archive = views.archive;
    let article = &archive.articles[index];
    let meta = &article.annotated.meta;
    let page_url = archive.config.absolute_url(&article.path());
    let news_article = NewsArticleLd {
        id: [page_url.as_str(), "#article"].concat(),
        kind: "NewsArticle",
        author: meta
            .authors
            .iter()
            .map(|name| Thing {
                kind: "Person",
                name,
                same_as: None,
                url: None,
            })
            .collect(),
        date_published: meta.published.as_ref().map(|d| d.get_ref().iso()),
        description: meta.summary.as_deref().map(|s| views.markdown.plain(s)),
        headline: &article.title,
        in_language: meta.language.as_deref().unwrap_or(&archive.config.language),
        is_based_on: meta.url.as_deref(),
        keywords: meta.tags.iter().map(|t| t.get_ref().as_str()).collect(),
        main_entity_of_page: &page_url,
        mentions: entity_things(views, article),
        publisher: article.source.map(|s| {
            let source = &archive.registry.sources[s];
            Publisher {
                kind: "Organization",
                name: &source.name,
                url: source.url.as_deref(),
            }
        }),
        url: &page_url,
    };
    let mut graph = vec![GraphItem::Article(Box::new(news_article))];
    for (note, claimant) in article.annotated.notes.iter().zip(&article.claimants) {
        if note.kind == NoteType::Claim {
            let claim = &text[note.range.clone()];
            graph.push(GraphItem::Review(claim_review(
                views, article, note, claim, *claimant, &page_url,
            )));
        }
    }
    script_safe(&SchemaDocument {
        context: "https://schema.org",
        graph,
    })
}

#[derive(Serialize)]
struct SchemaDocument<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@graph")]
    graph: Vec<GraphItem<'a>>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum GraphItem<'a> {
    Article(Box<NewsArticleLd<'a>>),
    Review(Value),
}

/// Fields in sorted order (see [`news_article_jsonld`]).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NewsArticleLd<'a> {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: &'static str,
    author: Vec<Thing<'a>>,
    date_published: Option<String>,
    description: Option<String>,
    headline: &'a str,
    in_language: &'a str,
    is_based_on: Option<&'a str>,
    keywords: Vec<&'a str>,
    main_entity_of_page: &'a str,
    mentions: Vec<Thing<'a>>,
    publisher: Option<Publisher<'a>>,
    url: &'a str,
}

/// A source as publisher; its `url` is `null` when it has none.
#[derive(Serialize)]
struct Publisher<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    url: Option<&'a str>,
}

/// An author, or an entity the article mentions: `@type`, `name`, then `sameAs` and
/// `url` where there are some (fields in sorted order).
#[derive(Serialize)]
struct Thing<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    #[serde(rename = "sameAs", skip_serializing_if = "Option::is_none")]
    same_as: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

fn claim_review(
    views: &Views<'_>,
    article: &Article,
    note: &Note,
    claim: &str,
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
        "claimReviewed": claim,
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

fn entity_things<'a>(views: &Views<'a>, article: &Article) -> Vec<Thing<'a>> {
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
            Thing {
                kind,
                name: &entity.name,
                same_as: entity
                    .wikidata
                    .as_ref()
                    .map(|q| format!("https://www.wikidata.org/wiki/{q}")),
                url: Some(archive.config.absolute_url(&views.entity_path(e))),
            }
        })
        .collect()
}

/// JSON inside `<script>`: `</` and `<!--` must not appear, so `<` is escaped (JSON
/// has it only inside strings, where `\u003c` means the same).
fn script_safe(value: &impl Serialize) -> String {
    // Serialising these types cannot fail: every map key is a string.
    let json = serde_json::to_string(value).unwrap_or_default();
    if json.contains('<') {
        json.replace('<', "\\u003c")
    } else {
        json
    }
}

/// The W3C `AnnotationCollection` of an article (`annotations.jsonld`).
///
/// Written from typed structs rather than `json!` trees: every article has one, with
/// an annotation per note and mention, and building a map per JSON object was a
/// tenth of a build's time.
/// `text` is the article's body text; the result is the file's bytes.
pub fn annotation_collection(views: &Views<'_>, index: usize, text: &str) -> Vec<u8> {
    let archive = views.archive;
    let article = &archive.articles[index];
    let page_url = archive.config.absolute_url(&article.path());
    // Ids joined rather than `format!`ed, here and below: each article has dozens.
    let collection_id = [page_url.as_str(), "annotations.jsonld"].concat();
    let text_url = [page_url.as_str(), "text.txt"].concat();
    let positions = CharPositions::new(text);
    let mut items: Vec<Annotation<'_>> = Vec::new();
    for note in &article.annotated.notes {
        items.push(Annotation {
            id: [
                page_url.as_str(),
                "#note-",
                itoa::Buffer::new().format(note.number),
            ]
            .concat(),
            kind: "Annotation",
            motivation: motivation(note.kind),
            body: Bodies::Many(note_body(note)),
            target: text_target(&text_url, text, &positions, &note.range),
        });
    }
    for mention in &article.mentions {
        let entity = &archive.registry.entities[mention.entity()];
        let mut body = vec![Body::specific(
            archive
                .config
                .absolute_url(&views.entity_path(mention.entity())),
            "identifying",
        )];
        if let Some(q) = &entity.wikidata {
            body.push(Body::specific(
                format!("https://www.wikidata.org/entity/{q}"),
                "identifying",
            ));
        }
        items.push(Annotation {
            id: [page_url.as_str(), "#", &mention.anchor(&archive.registry)].concat(),
            kind: "Annotation",
            motivation: "identifying",
            body: Bodies::Many(body),
            target: text_target(&text_url, text, &positions, &mention.range),
        });
    }
    for (i, link) in article.see_also.iter().filter(|l| l.outgoing).enumerate() {
        let other = &archive.articles[link.article];
        let mut body = vec![Body::specific(
            archive.config.absolute_url(&other.path()),
            "linking",
        )];
        if let Some(why) = &link.why {
            body.push(Body::textual(why, Some("text/plain"), "describing"));
        }
        items.push(Annotation {
            id: [
                page_url.as_str(),
                "#see-also-",
                itoa::Buffer::new().format(i + 1),
            ]
            .concat(),
            kind: "Annotation",
            motivation: "linking",
            body: Bodies::Many(body),
            target: Target::Whole(&text_url),
        });
    }
    for tag in &article.annotated.meta.tags {
        items.push(Annotation {
            id: [page_url.as_str(), "#tag-", tag.get_ref()].concat(),
            kind: "Annotation",
            motivation: "tagging",
            body: Bodies::One(Body::textual(tag.get_ref(), None, "tagging")),
            target: Target::Whole(&text_url),
        });
    }
    let total = items.len();
    let label = format!("Annotations on “{}”", article.title);
    let collection = Collection {
        context: "http://www.w3.org/ns/anno.jsonld",
        id: &collection_id,
        kind: "AnnotationCollection",
        label: &label,
        total,
        first: AnnotationPage {
            id: [collection_id.as_str(), "#page-1"].concat(),
            kind: "AnnotationPage",
            part_of: PartOf {
                id: &collection_id,
                label: &label,
                total,
            },
            start_index: 0,
            items,
        },
    };
    // Sized for what each annotation usually takes (about 600 bytes), rather than
    // doubled and copied from 128 bytes up to an article's 15 KB.
    let mut json = Vec::with_capacity(1024 + total * 640);
    collection.write(&mut json);
    json
}

/// The W3C model's objects, as `annotations.jsonld` writes them (with [`json`], in
/// the order of their fields here).
struct Collection<'a> {
    context: &'static str,
    id: &'a str,
    kind: &'static str,
    label: &'a str,
    total: usize,
    first: AnnotationPage<'a>,
}

impl Collection<'_> {
    fn write(&self, out: &mut Vec<u8>) {
        json::object(out, |object| {
            object
                .str("@context", self.context)
                .str("id", self.id)
                .str("type", self.kind)
                .str("label", self.label)
                .num("total", self.total)
                .object("first", |first| self.first.fill(first));
        });
    }
}

struct AnnotationPage<'a> {
    id: String,
    kind: &'static str,
    part_of: PartOf<'a>,
    start_index: usize,
    items: Vec<Annotation<'a>>,
}

impl AnnotationPage<'_> {
    fn fill(&self, object: &mut Object<'_>) {
        let part_of = &self.part_of;
        object
            .str("id", &self.id)
            .str("type", self.kind)
            .object("partOf", |object| {
                object
                    .str("id", part_of.id)
                    .str("label", part_of.label)
                    .num("total", part_of.total);
            })
            .num("startIndex", self.start_index)
            .value("items", |out| {
                json::array(out, &self.items, |out, item| item.write(out));
            });
    }
}

struct PartOf<'a> {
    id: &'a str,
    label: &'a str,
    total: usize,
}

struct Annotation<'a> {
    id: String,
    kind: &'static str,
    motivation: &'static str,
    body: Bodies<'a>,
    target: Target<'a>,
}

impl Annotation<'_> {
    fn write(&self, out: &mut Vec<u8>) {
        json::object(out, |object| {
            object
                .str("id", &self.id)
                .str("type", self.kind)
                .str("motivation", self.motivation)
                .value("body", |out| match &self.body {
                    Bodies::One(body) => body.write(out),
                    Bodies::Many(bodies) => json::array(out, bodies, |out, body| body.write(out)),
                })
                .value("target", |out| self.target.write(out));
        });
    }
}

enum Bodies<'a> {
    One(Body<'a>),
    Many(Vec<Body<'a>>),
}

/// A body: a textual body, or another resource with the role it plays. The model
/// allows `purpose` only on these two, not on a bare IRI.
struct Body<'a> {
    kind: &'static str,
    source: Option<String>,
    value: Option<&'a str>,
    format: Option<&'static str>,
    purpose: &'static str,
}

impl<'a> Body<'a> {
    fn specific(source: String, purpose: &'static str) -> Self {
        Self {
            kind: "SpecificResource",
            source: Some(source),
            value: None,
            format: None,
            purpose,
        }
    }

    fn textual(value: &'a str, format: Option<&'static str>, purpose: &'static str) -> Self {
        Self {
            kind: "TextualBody",
            source: None,
            value: Some(value),
            format,
            purpose,
        }
    }

    fn write(&self, out: &mut Vec<u8>) {
        json::object(out, |object| {
            object
                .str("type", self.kind)
                .opt_str("source", self.source.as_deref())
                .opt_str("value", self.value)
                .opt_str("format", self.format)
                .str("purpose", self.purpose);
        });
    }
}

enum Target<'a> {
    /// The whole text (see-also links and tags).
    Whole(&'a str),
    /// A passage of it.
    Passage {
        source: &'a str,
        selector: (QuoteSelector<'a>, PositionSelector),
    },
}

impl Target<'_> {
    fn write(&self, out: &mut Vec<u8>) {
        match self {
            Target::Whole(source) => json::string(out, source),
            Target::Passage {
                source,
                selector: (quote, position),
            } => json::object(out, |object| {
                object.str("source", source).value("selector", |out| {
                    out.push(b'[');
                    quote.write(out);
                    out.push(b',');
                    position.write(out);
                    out.push(b']');
                });
            }),
        }
    }
}

struct QuoteSelector<'a> {
    kind: &'static str,
    exact: &'a str,
    prefix: &'a str,
    suffix: &'a str,
}

impl QuoteSelector<'_> {
    fn write(&self, out: &mut Vec<u8>) {
        json::object(out, |object| {
            object
                .str("type", self.kind)
                .str("exact", self.exact)
                .str("prefix", self.prefix)
                .str("suffix", self.suffix);
        });
    }
}

struct PositionSelector {
    kind: &'static str,
    start: usize,
    end: usize,
}

impl PositionSelector {
    fn write(&self, out: &mut Vec<u8>) {
        json::object(out, |object| {
            object
                .str("type", self.kind)
                .num("start", self.start)
                .num("end", self.end);
        });
    }
}

/// Why each kind of note was made, in the W3C vocabulary.
fn motivation(kind: NoteType) -> &'static str {
    match kind {
        NoteType::Note(NoteKind::Correction | NoteKind::FactCheck) | NoteType::Claim => "assessing",
        NoteType::Note(NoteKind::Context | NoteKind::Translation) => "describing",
        NoteType::Note(NoteKind::Framing | NoteKind::Comment) => "commenting",
    }
}

fn note_body(note: &Note) -> Vec<Body<'_>> {
    let mut bodies = vec![Body::textual(
        note.body.get_ref(),
        Some("text/markdown"),
        motivation(note.kind),
    )];
    if let Some(correct) = &note.correct {
        bodies.push(Body::textual(correct, Some("text/plain"), "editing"));
    }
    if let Some(rating) = &note.rating {
        bodies.push(Body::textual(rating, Some("text/plain"), "classifying"));
    }
    bodies
}

/// A target into `text.txt`: a quote selector with context and a position selector in
/// code points.
fn text_target<'a>(
    text_url: &'a str,
    text: &'a str,
    positions: &CharPositions,
    range: &Range<usize>,
) -> Target<'a> {
    let start = positions.char_index(range.start);
    let end = positions.char_index(range.end);
    // CONTEXT_CHARS code points either side, as slices of the text: the boundaries
    // are the ones `positions` already holds.
    let prefix_start = positions.byte_offset(start.saturating_sub(CONTEXT_CHARS));
    let suffix_end = positions.byte_offset(end + CONTEXT_CHARS);
    Target::Passage {
        source: text_url,
        selector: (
            QuoteSelector {
                kind: "TextQuoteSelector",
                exact: &text[range.clone()],
                prefix: &text[prefix_start..range.start],
                suffix: &text[range.end..suffix_end],
            },
            PositionSelector {
                kind: "TextPositionSelector",
                start,
                end,
            },
        ),
    }
}

/// Byte offset → code-point index, for texts where most offsets are looked up.
struct CharPositions {
    /// Byte offset of every char boundary, in order, and the text's length at the
    /// end; `None` for an ASCII text, where each byte is a code point (listing them
    /// was 1.5% of a build's instructions).
    boundaries: Option<Vec<usize>>,
    len: usize,
}

impl CharPositions {
    fn new(text: &str) -> Self {
        if text.is_ascii() {
            return Self {
                boundaries: None,
                len: text.len(),
            };
        }
        Self::listing_boundaries(text)
    }

    fn listing_boundaries(text: &str) -> Self {
        let mut boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        boundaries.push(text.len());
        Self {
            boundaries: Some(boundaries),
            len: text.len(),
        }
    }

    fn char_index(&self, byte: usize) -> usize {
        match &self.boundaries {
            Some(boundaries) => boundaries.partition_point(|&b| b < byte),
            None => byte.min(self.len + 1),
        }
    }

    /// The byte offset of code point `index`, or the text's length past its end.
    fn byte_offset(&self, index: usize) -> usize {
        match &self.boundaries {
            Some(boundaries) => {
                let last = boundaries.last().copied().unwrap_or(0);
                boundaries.get(index).copied().unwrap_or(last)
            }
            None => index.min(self.len),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_positions_are_the_listed_ones() {
        for text in ["", "a", "Kaneko said so. Twice."] {
            let fast = CharPositions::new(text);
            assert!(fast.boundaries.is_none());
            let listed = CharPositions::listing_boundaries(text);
            for at in 0..text.len() + 3 {
                assert_eq!(fast.char_index(at), listed.char_index(at), "{text:?} {at}");
                assert_eq!(
                    fast.byte_offset(at),
                    listed.byte_offset(at),
                    "{text:?} {at}"
                );
            }
        }
        assert!(CharPositions::new("Kaneko 🙂").boundaries.is_some());
    }

    /// The quote selector's context is CONTEXT_CHARS code points either side (fewer
    /// at the ends of the text), whatever their width in bytes.
    #[test]
    fn quote_context_counts_code_points() {
        let before = "日本語のテキスト、".repeat(5); // 45 code points, 3 bytes each
        let text = format!("{before}Kaneko🙂 said{}", " é".repeat(3));
        let start = before.len();
        let end = start + "Kaneko🙂".len();
        let positions = CharPositions::new(&text);
        let Target::Passage {
            selector: (quote, position),
            ..
        } = text_target("t", &text, &positions, &(start..end))
        else {
            panic!("a passage target");
        };
        assert_eq!(quote.exact, "Kaneko🙂");
        let expected_prefix: String = {
            let mut chars: Vec<char> = before.chars().rev().take(CONTEXT_CHARS).collect();
            chars.reverse();
            chars.into_iter().collect()
        };
        assert_eq!(quote.prefix, expected_prefix);
        assert_eq!(quote.prefix.chars().count(), CONTEXT_CHARS);
        // Only 11 code points follow: the suffix stops at the end of the text.
        assert_eq!(quote.suffix, " said é é é");
        assert_eq!((position.start, position.end), (45, 52));
        let Target::Passage {
            selector: (at_start, _),
            ..
        } = text_target("t", &text, &positions, &(0..3))
        else {
            panic!("a passage target");
        };
        assert_eq!(at_start.prefix, "");
    }

    #[test]
    fn char_positions_count_code_points() {
        let text = "日本 is Japan";
        let positions = CharPositions::new(text);
        assert_eq!(positions.char_index(0), 0);
        assert_eq!(positions.char_index(6), 2);
        assert_eq!(positions.char_index(text.len()), 11);
    }
}
