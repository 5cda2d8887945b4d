//! The full-text search index behind `/search/`, built with Pagefind's Rust crate.
//!
//! # Why Pagefind
//!
//! The site has no server, so the index must be static files, and it must scale: the
//! first query on a 10,000-article archive may download at most ~300 KB. Options weighed:
//!
//! - **Pagefind** (`pagefind` crate, `api::PagefindIndex`, default features off). Indexes
//!   in-process from records we hand it, so no HTML re-parsing and no external binary.
//!   Its index is chunked by word prefix and per-page fragments are fetched only for
//!   the results shown, so what a query downloads grows slowly with the archive
//!   (measured: a first query loads ~135 KB of search files on the seeds, ~175 KB on a
//!   synthetic 10,000-article archive, plus 10 result fragments of ~1.4 KB). It ships
//!   the search runtime (WebAssembly + JS: stemming for ~30 languages, filters,
//!   excerpts with highlighted hits), served from our output folder. Its prebuilt UI
//!   (140 KB) is not used: templates/search.html drives the JS API with a small UI of
//!   its own that keeps the theme's form and loads filter indexes only when opened.
//!   Cost: ~180 crates in its `cargo tree` (tokio, lol_html, cssparser, twelf, …), many
//!   shared with ours; alone they build cold in ~3 min (1m43s CPU) on the 2-core
//!   machine, and incremental builds never recompile them. Unoptimised (dev profile)
//!   Pagefind indexes slowly: ~4 min for 10,000 articles, ~1 min with
//!   `[profile.dev.package.pagefind] opt-level = 2` (and its stemmer, miniz_oxide);
//!   test archives take milliseconds.
//! - **Hand-rolled sharded JSON + small JS**: no dependency, but stemming, ranking,
//!   excerpts, filters and an accessible UI would all be ours to write and maintain.
//! - **tinysearch**: one Bloom-filter WebAssembly blob downloaded whole (grows with the
//!   archive, so no sharding), no excerpts, no filters, and it needs a wasm toolchain at
//!   build time.
//! - **elasticlunr-rs**: one monolithic JSON index downloaded whole — megabytes at
//!   10,000 articles — which fails the size requirement.
//!
//! Pagefind is the only one that meets the size requirement without us writing a search
//! engine. Measured numbers are in the issue note (deploy-ready output).
//!
//! # What is indexed
//!
//! One record per article: the plain text (`text.txt`), the summary, every note's
//! text (corrections, ratings) and the names of the entities it mentions, so a search
//! for "Daisaku" finds an article that only says "Mr. Kaneko". The title is record
//! metadata, which Pagefind also indexes (and weights). Filters: `source`, `kind`,
//! `tag`, `entity`. One record per entity page too (name, aliases, description).
//! Everything is indexed as the site's language (`site.toml` `language`), because
//! Pagefind's UI only searches the index of the page's own language.
//!
//! # Reproducibility
//!
//! Records are added in a fixed order (newest first, then entities in registry order)
//! and Pagefind names its files by content hash, sorts before encoding and writes gzip
//! headers without timestamps: the same archive gives byte-identical index files, with
//! any number of rayon threads (tests/testsuite/deploy.rs checks it). The files come
//! back in memory ([`pagefind::api::PagefindIndex::get_files`]) and join the other
//! [`OutputFile`]s, so they are written atomically with the rest of the site.

use std::collections::{BTreeMap, BTreeSet};

use pagefind::api::{PagefindIndex, SyntheticFile};
use pagefind::options::PagefindServiceConfig;

use crate::diagnostics::{Diagnostic, Report};
use crate::link::Archive;

use super::markdown::MarkdownRenderer;
use super::views::{mention_counts, Views};
use super::OutputFile;

/// Pagefind's errors are `anyhow` errors and the runtime's are `io::Error`s; both are
/// only ever shown to the user, so a boxed error is all we need.
type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Where the index and Pagefind's scripts go in the output (`/pagefind/pagefind-ui.js`).
pub const BUNDLE_DIR: &str = "pagefind/";

/// Pagefind files the search page never loads: its UIs (templates/search.html has its
/// own, smaller one), the highlighting script and the web worker (the page searches
/// on the main thread, which saves a download on the first query). Left out so the
/// output holds only what is served.
const UNUSED: [&str; 8] = [
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-worker.js",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
];

/// One searchable thing: a page URL with its text, metadata and filter values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub url: String,
    pub content: String,
    pub meta: BTreeMap<String, String>,
    pub filters: BTreeMap<String, Vec<String>>,
}

/// The search index and Pagefind's scripts, as files under [`BUNDLE_DIR`].
pub fn search_files(archive: &Archive) -> Result<Vec<OutputFile>, Report> {
    let markdown = MarkdownRenderer::new(archive.config.base_path(), &archive.targets);
    let views = Views::new(archive, &markdown);
    index_files(&archive.config.language, records(&views))
}

/// The index of `records` (in that order) and Pagefind's scripts.
pub fn index_files(language: &str, records: Vec<Record>) -> Result<Vec<OutputFile>, Report> {
    let files = build_index(language, records).map_err(|e| {
        let mut report = Report::default();
        report.push(Diagnostic::error(
            "search/",
            format!("cannot build the search index: {e}"),
        ));
        report
    })?;
    Ok(files.into_iter().filter_map(output_file).collect())
}

/// Every record, in a fixed order: articles newest first, then entities.
pub fn records(views: &Views<'_>) -> Vec<Record> {
    let archive = views.archive;
    let mut records: Vec<Record> = archive
        .newest_first()
        .into_iter()
        .map(|i| article_record(views, i))
        .collect();
    records.extend((0..archive.registry.entities.len()).map(|e| entity_record(views, e)));
    records
}

pub fn article_record(views: &Views<'_>, index: usize) -> Record {
    let archive = views.archive;
    let article = &archive.articles[index];
    let meta = &article.annotated.meta;
    let entities: BTreeSet<&str> = mention_counts(article)
        .keys()
        .map(|&e| archive.registry.entities[e].name.as_str())
        .collect();

    let mut content = article.annotated.document.text.clone();
    if let Some(summary) = &meta.summary {
        push_paragraph(&mut content, &views.markdown.plain(summary));
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

    let mut record_meta = BTreeMap::from([("title".to_owned(), article.title.clone())]);
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
        url: views.url(&article.path()),
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
    if let Some(description) = &entity.description {
        push_paragraph(&mut content, &views.markdown.plain(description));
    }
    Record {
        url: views.url(&views.entity_path(e)),
        content,
        meta: BTreeMap::from([("title".to_owned(), entity.name.clone())]),
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

/// Runs Pagefind over the records. Its API is async and hands work to
/// `tokio::task::spawn_blocking`, so it needs a tokio runtime (a plain
/// `block_on` executor would panic); a current-thread one is enough, since Pagefind
/// parallelises the heavy part with rayon itself.
fn build_index(language: &str, records: Vec<Record>) -> Result<Vec<SyntheticFile>, BoxError> {
    let runtime = tokio::runtime::Builder::new_current_thread().build()?;
    runtime.block_on(async {
        let options = PagefindServiceConfig::builder()
            .force_language(language.to_owned())
            .build();
        let mut index = PagefindIndex::new(Some(options))?;
        for record in records {
            index
                .add_custom_record(
                    record.url,
                    record.content,
                    language.to_owned(),
                    Some(record.meta),
                    Some(record.filters),
                    None,
                )
                .await?;
        }
        Ok(index.get_files().await?)
    })
}

/// A Pagefind file as an output file under [`BUNDLE_DIR`], unless the site never loads it.
fn output_file(file: SyntheticFile) -> Option<OutputFile> {
    let name = file.filename.to_string_lossy().replace('\\', "/");
    if UNUSED.contains(&name.as_str()) {
        return None;
    }
    Some(OutputFile {
        path: format!("{BUNDLE_DIR}{name}"),
        contents: file.contents,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(url: &str, content: &str) -> Record {
        Record {
            url: url.to_owned(),
            content: content.to_owned(),
            meta: BTreeMap::from([("title".to_owned(), url.to_owned())]),
            filters: BTreeMap::from([("tag".to_owned(), vec!["t".to_owned()])]),
        }
    }

    #[test]
    fn index_is_deterministic_and_under_the_bundle_dir() {
        let records = vec![
            record("/a/", "Kaneko went to Izium"),
            record("/b/", "Another volunteer"),
        ];
        let first = build_index("en", records.clone()).expect("index");
        let second = build_index("en", records).expect("index");
        let names =
            |files: &[SyntheticFile]| files.iter().map(|f| f.filename.clone()).collect::<Vec<_>>();
        assert_eq!(names(&first), names(&second));
        assert!(first
            .iter()
            .zip(&second)
            .all(|(a, b)| a.contents == b.contents));
        let outputs: Vec<OutputFile> = first.into_iter().filter_map(output_file).collect();
        assert!(outputs.iter().all(|f| f.path.starts_with(BUNDLE_DIR)));
        assert!(outputs.iter().any(|f| f.path == "pagefind/pagefind.js"));
        assert!(!outputs.iter().any(|f| f.path.ends_with("ui.js")));
    }

    #[test]
    fn empty_archive_still_gets_the_scripts() {
        let files = build_index("en", Vec::new()).expect("index");
        assert!(files
            .iter()
            .any(|f| f.filename.to_string_lossy() == "pagefind.js"));
    }
}
