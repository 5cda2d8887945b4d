//! The full-text search index behind `/search/`: static files written with the rest of
//! the site, read by `static/search.js`.
//!
//! # Why our own index
//!
//! The site has no server, so the index must be static files, and the first query on a
//! large archive must download little. Until this index, gloss used Pagefind's Rust
//! crate. It met the download goal, but at 10,000 articles it took two thirds of the
//! build time (23 s of 34 s) and 2.5 GB of the 2.9 GB peak memory, because it keeps
//! every record's words and fragments in memory until it writes, and it brought ~180
//! crates (tokio among them). What gloss needs is narrower: words from records it
//! already has in plain text, ranked by BM25, split into prefix shards, with filters by
//! source, kind, tag and entity. That is [`index`] (the files) and [`tokens`] (the
//! word rule that `static/search.js` repeats). Excerpts come from each article's
//! published `text.txt`, fetched for the results shown only.
//!
//! What Pagefind did that this does not: stemming. Instead, a query word also matches
//! longer words that begin with it (`volunteer` finds `volunteers`, `fight` finds
//! `fighting`), with half the score of an exact match; irregular forms (`fought`) are
//! not found from their stem.
//!
//! # What is indexed
//!
//! One record per article: the plain text (`text.txt`), the summary, every note's
//! text (corrections, ratings) and the names of the entities it mentions, so a search
//! for "Daisaku" finds an article that only says "Mr. Kaneko". The title is indexed
//! with a higher weight. Filters: `source`, `kind`, `tag`, `entity`. One record per
//! entity page too (name, aliases, description).
//!
//! # Reproducibility
//!
//! Records are indexed in a fixed order (newest first, then entities in registry
//! order), in parallel batches that are merged in that order, so the same archive gives
//! byte-identical index files with any number of rayon threads
//! (tests/testsuite/deploy.rs checks it).

pub mod index;
pub mod tokens;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::link::{Archive, ArticleBody};

use super::markdown::MarkdownRenderer;
use super::views::{mention_counts, Views};
use super::OutputFile;

/// Where the index goes in the output (`/search/index/meta.json`).
pub const BUNDLE_DIR: &str = "search/index/";

/// One searchable thing: a page URL with its text, metadata and filter values.
///
/// Metadata keys the search page reads: `title` (also indexed, weighted), `source`
/// and `date` (shown under the title), `text` (the URL of the plain text excerpts are
/// cut from) and `summary` (the excerpt when the text has no hit).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub url: String,
    pub content: String,
    pub meta: BTreeMap<String, String>,
    pub filters: BTreeMap<String, Vec<String>>,
}

/// A record as `serve`'s session keeps it between edits: postcard-encoded and
/// LZ4-compressed. Made whole, a record held about 12 KB per article (its text with
/// the notes appended, grown by doubling, and a dozen small strings in maps); packed,
/// about a fifth of that.
#[derive(Debug)]
pub enum PackedRecord {
    Packed(Box<[u8]>),
    /// Kept as it is if it could not be encoded (postcard does not fail on these
    /// types, but nothing is lost if it ever did).
    Plain(Record),
}

impl PackedRecord {
    pub fn pack(record: Record) -> Self {
        match postcard::to_allocvec(&record) {
            Ok(encoded) => {
                let packed = lz4_flex::block::compress_prepend_size(&encoded);
                // A copy of exactly the packed length (see `Document::pack`).
                Self::Packed(Box::from(packed.as_slice()))
            }
            Err(_) => Self::Plain(record),
        }
    }

    /// The record. Only [`PackedRecord::pack`] makes packed ones, so they decode; an
    /// empty record would be the sign of a bug, not of bad input.
    pub fn unpack(&self) -> Cow<'_, Record> {
        match self {
            Self::Plain(record) => Cow::Borrowed(record),
            Self::Packed(packed) => Cow::Owned(
                lz4_flex::block::decompress_size_prepended(packed)
                    .ok()
                    .and_then(|encoded| postcard::from_bytes(&encoded).ok())
                    .unwrap_or_default(),
            ),
        }
    }
}

/// Writes the search index, file by file, under [`BUNDLE_DIR`]. Records are made
/// while indexing and dropped batch by batch, never all held at once.
pub fn write_search_files<E: Send>(
    archive: &Archive,
    emit: impl Fn(OutputFile) -> Result<(), E> + Sync,
) -> Result<(), E> {
    index::write_gathered(gather(archive), index::SHARD_BUDGET, emit)
}

/// [`write_search_files`] for a build, which has no use for the archive after this.
/// Records are gathered a step of [`FREE_STEP`] documents at a time, and each
/// article's body (text, blocks, notes, mentions) is freed as soon as its record is
/// cut into words, so the words' postings grow as the archive shrinks; the rest of
/// the archive is freed before the postings are scored and encoded. At 100,000
/// articles, gathering beside the whole archive made this stage the build's peak.
pub fn write_search_files_last<E: Send>(
    archive: Archive,
    emit: impl Fn(OutputFile) -> Result<(), E> + Sync,
) -> Result<(), E> {
    write_freeing_every(archive, FREE_STEP, emit)
}

fn write_freeing_every<E: Send>(
    mut archive: Archive,
    step: usize,
    emit: impl Fn(OutputFile) -> Result<(), E> + Sync,
) -> Result<(), E> {
    let newest = archive.newest_first();
    let count = (newest.len() + archive.registry.entities.len()).min(index::MAX_DOCS);
    let mut collected = index::Collected::default();
    // Each step's part is appended, and the bodies of its articles freed, while the
    // next step is gathered: both are one thread's work, and done between the steps
    // they left the other core idle (freeing 1,024 bodies took 1.2 ms a step).
    let mut pending = index::Collected::default();
    let mut bodies: Vec<ArticleBody> = Vec::new();
    let mut next = 0;
    while next < count {
        let docs = next..(next + step.max(1)).min(count);
        let (gathered, ()) = rayon::join(
            || gather_range(&archive, &newest, docs.clone()),
            || {
                collected.append(std::mem::take(&mut pending));
                bodies.clear();
            },
        );
        pending = gathered;
        let gathered_articles = newest
            .get(docs.start.min(newest.len())..docs.end.min(newest.len()))
            .unwrap_or(&[]);
        bodies.extend(
            gathered_articles
                .iter()
                .map(|&article| archive.articles[article].take_body()),
        );
        next = docs.end;
    }
    collected.append(pending);
    drop(bodies);
    // What is left of the articles is freed in parallel: one thread took 0.13-0.19 s
    // at 100,000 articles.
    std::mem::take(&mut archive.articles)
        .into_par_iter()
        .for_each(drop);
    drop(archive);
    index::write_gathered(collected, index::SHARD_BUDGET, emit)
}

/// Documents gathered between two frees of article bodies in [`write_search_files_last`].
const FREE_STEP: usize = 1024;

/// Every record of the archive, cut into words.
fn gather(archive: &Archive) -> index::Collected {
    let newest = archive.newest_first();
    let count = newest.len() + archive.registry.entities.len();
    gather_range(archive, &newest, 0..count)
}

/// Gathers the records of documents `docs`: articles newest first (`newest`), then
/// entities in registry order.
fn gather_range(archive: &Archive, newest: &[usize], docs: Range<usize>) -> index::Collected {
    let markdown = MarkdownRenderer::new(archive.config.base_path(), &archive.targets);
    let views = Views::new(archive, &markdown);
    let articles = newest.len();
    let record = |doc: usize| {
        if doc < articles {
            article_record(&views, newest[doc])
        } else {
            entity_record(&views, doc - articles)
        }
    };
    let docs = docs.start..docs.end.min(articles + archive.registry.entities.len());
    index::Collected::of_range(docs, record)
}

/// The search index, as files under [`BUNDLE_DIR`].
pub fn search_files(archive: &Archive) -> Vec<OutputFile> {
    index::collect_files(|emit| write_search_files(archive, emit))
}

/// The index of `records`, in that order.
pub fn index_files<R: std::borrow::Borrow<Record> + Sync>(records: &[R]) -> Vec<OutputFile> {
    index::build(records.len(), |doc| records[doc].borrow())
}

/// The index of packed `records`, in that order, each unpacked only while it is
/// indexed.
pub fn index_packed_files<R: std::borrow::Borrow<PackedRecord> + Sync>(
    records: &[R],
) -> Vec<OutputFile> {
    index::build(records.len(), |doc| records[doc].borrow().unpack())
}

pub fn article_record(views: &Views<'_>, index: usize) -> Record {
    let archive = views.archive;
    let article = &archive.articles[index];
    let meta = &article.annotated.meta;
    let entities: BTreeSet<&str> = mention_counts(article)
        .keys()
        .map(|&e| archive.registry.entities[e].name.as_str())
        .collect();

    let mut content = article.annotated.document.text().into_owned();
    let summary = meta.summary.as_ref().map(|s| views.markdown.plain(s));
    if let Some(summary) = &summary {
        push_paragraph(&mut content, summary);
    }
    for note in &article.annotated.notes {
        push_paragraph(&mut content, &views.markdown.plain(note.body.get_ref()));
        for extra in [&note.correct, &note.rating].into_iter().flatten() {
            push_paragraph(&mut content, extra);
        }
    }
    if !entities.is_empty() {
        push_paragraph(
            &mut content,
            &entities.iter().copied().collect::<Vec<_>>().join(", "),
        );
    }

    let page = article.path();
    let mut record_meta = BTreeMap::from([
        ("title".to_owned(), article.title.clone()),
        ("text".to_owned(), views.url(&format!("{page}text.txt"))),
    ]);
    if let Some(summary) = summary {
        record_meta.insert("summary".to_owned(), summary.trim().to_owned());
    }
    if let Some(date) = Views::published(article) {
        record_meta.insert("date".to_owned(), date.human);
    }
    let mut filters = BTreeMap::new();
    if let Some(source) = article.source {
        let name = archive.registry.sources[source].name.clone();
        record_meta.insert("source".to_owned(), name.clone());
        filters.insert("source".to_owned(), vec![name]);
    }
    if let Some(kind) = &meta.kind {
        filters.insert("kind".to_owned(), vec![kind.get_ref().as_str().to_owned()]);
    }
    insert_nonempty(
        &mut filters,
        "tag",
        meta.tags.iter().map(|t| t.get_ref().clone()).collect(),
    );
    insert_nonempty(
        &mut filters,
        "entity",
        entities.into_iter().map(str::to_owned).collect(),
    );
    Record {
        url: views.url(&page),
        content,
        meta: record_meta,
        filters,
    }
}

/// An entity page: found by its name, aliases and description; filtered as itself, so
/// narrowing results to an entity keeps its own page among them.
pub fn entity_record(views: &Views<'_>, e: usize) -> Record {
    let entity = &views.archive.registry.entities[e];
    let mut content = entity.name.clone();
    if !entity.aliases.is_empty() {
        push_paragraph(&mut content, &entity.aliases.join(", "));
    }
    let mut meta = BTreeMap::from([("title".to_owned(), entity.name.clone())]);
    if let Some(description) = &entity.description {
        let description = views.markdown.plain(description);
        push_paragraph(&mut content, &description);
        meta.insert("summary".to_owned(), description.trim().to_owned());
    }
    Record {
        url: views.url(&views.entity_path(e)),
        content,
        meta,
        filters: BTreeMap::from([("entity".to_owned(), vec![entity.name.clone()])]),
    }
}

fn push_paragraph(content: &mut String, text: &str) {
    let text = text.trim();
    if !text.is_empty() {
        content.push_str("\n\n");
        content.push_str(text);
    }
}

fn insert_nonempty(filters: &mut BTreeMap<String, Vec<String>>, key: &str, values: Vec<String>) {
    if !values.is_empty() {
        filters.insert(key.to_owned(), values);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::{check, BuildOptions};

    fn seeds() -> Archive {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let (archive, report) = check(root, &BuildOptions::default()).expect("seeds");
        assert!(!report.has_errors());
        archive
    }

    #[test]
    fn packed_records_give_the_same_index() {
        let archive = seeds();
        let markdown = MarkdownRenderer::new(archive.config.base_path(), &archive.targets);
        let views = Views::new(&archive, &markdown);
        let records: Vec<Record> = (0..archive.articles.len())
            .map(|i| article_record(&views, i))
            .chain((0..archive.registry.entities.len()).map(|e| entity_record(&views, e)))
            .collect();
        let packed: Vec<PackedRecord> = records.iter().cloned().map(PackedRecord::pack).collect();
        for (record, packed) in records.iter().zip(&packed) {
            assert!(matches!(packed, PackedRecord::Packed(_)));
            assert_eq!(&*packed.unpack(), record);
        }
        assert!(
            records[0].content.len() > 1000,
            "an article's text is in it"
        );
        assert_eq!(index_packed_files(&packed), index_files(&records));
    }

    #[test]
    fn freeing_bodies_as_records_are_gathered_gives_the_same_index() {
        let whole = search_files(&seeds());
        assert!(whole.len() > 3);
        // Steps of 2 documents: the seeds' 5 articles and their entities are gathered
        // over several steps, articles freed between them.
        let freed = index::collect_files(|emit| write_freeing_every(seeds(), 2, emit));
        assert_eq!(freed, whole);
    }
}
