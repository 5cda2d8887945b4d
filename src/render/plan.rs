//! The site as a list of units to render, and what each unit shows.
//!
//! A [`Unit`] is one page (or, for feeds and articles, a small group of files made
//! together). A full build renders every unit; an incremental rebuild renders only
//! the units whose [fingerprint](Pages::fingerprint) changed. A fingerprint hashes
//! exactly what its unit reads from the archive: the article fingerprints of the
//! articles it shows (see [`ArticlePrints`]), in order, and the list structure around
//! them (page numbers, counts). That is the dependency graph of the site, written
//! once, beside the page builders it describes.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

use xxhash_rust::xxh3::Xxh3Default;

use crate::annotate::{NoteKind, NoteType};
use crate::link::related::distinct_entities;
use crate::link::{wiki_links, Archive, EntityKind, Targets};
use crate::load::Project;

use super::feeds::Feed;
use super::pages::{page_count, Pages};

/// The hasher of keys and fingerprints: XXH3 rather than the standard library's
/// SipHash, as every article's packed body and every unit's list of prints goes
/// through it on each build. Both give the same value in every run, which the
/// manifest needs.
type PrintHasher = Xxh3Default;

/// A list page family: its pages share one list of articles.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    Home,
    Tag(String),
    /// Index into the registry's sources.
    Source(usize),
}

/// One thing to render.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unit {
    /// The article page, its text.txt and annotations.jsonld.
    Article(usize),
    /// Page `n` (from 1) of a list.
    Listing(Family, usize),
    TagIndex,
    SourceIndex,
    EntityIndex(EntityKind),
    Entity(usize),
    /// The timeline, or its index of years when it has a page per year.
    Timeline,
    /// One year of the timeline, when it has a page per year.
    TimelineYear(i32),
    /// Page `n` (from 1) of the corrections.
    Corrections(usize),
    Search,
    Graph,
    NotFound,
    Feed(Feed),
    /// The sitemap(s) and robots.txt.
    Sitemap,
}

impl Unit {
    /// A key for the unit, the same in every build of the same gloss (the manifest
    /// keeps it to find the unit's files again, see [`super::UnitPrint`]).
    pub fn key(&self) -> u64 {
        let mut hasher = PrintHasher::new();
        self.hash(&mut hasher);
        hasher.finish()
    }
}

/// What every unit of the site depends on besides the articles its fingerprint
/// covers: the configuration (as this build sees it, `--base-url` included), the
/// registries, the project's templates and static files, and the list of article
/// and annotation files (a unit names articles by their place in it). A unit is
/// reused only from a build of the same scope; the built-in templates and static
/// files are the program's, which the manifest checks apart.
///
/// `None` when a project template calls one of Tera's functions whose result is not
/// a function of the inputs (the time, a random number, the environment): every
/// page is rendered again then, as its output may differ from build to build.
pub fn scope(project: &Project, archive: &Archive) -> Option<u64> {
    if project
        .templates
        .iter()
        .any(|(_, text)| calls_impure_function(text))
    {
        return None;
    }
    let mut hasher = PrintHasher::new();
    archive.config.hash(&mut hasher);
    for registry in [&project.entities, &project.sources] {
        registry
            .as_ref()
            .map(|file| (&file.path, &file.text))
            .hash(&mut hasher);
    }
    project.templates.hash(&mut hasher);
    project.static_files.hash(&mut hasher);
    for article in &archive.articles {
        let annotated = &article.annotated;
        (&annotated.source_path, &annotated.annotation_path).hash(&mut hasher);
    }
    Some(hasher.finish())
}

/// Whether a template's text calls `now`, `get_random` or `get_env`. A text match,
/// not a parse: a page that merely mentions `now(` costs reuse, nothing more.
fn calls_impure_function(template: &str) -> bool {
    ["now", "get_random", "get_env"].iter().any(|name| {
        template.match_indices(name).any(|(at, _)| {
            let before = template[..at].chars().next_back();
            let after = template[at + name.len()..].trim_start();
            !before.is_some_and(|c| c.is_alphanumeric() || c == '_') && after.starts_with('(')
        })
    })
}

/// The lists every page draws from, computed once per build.
#[derive(Debug)]
pub struct Lists<'a> {
    /// Article indexes, newest first.
    pub newest: Vec<usize>,
    /// Tag → its articles, newest first.
    pub tags: BTreeMap<&'a str, Vec<usize>>,
    /// Per source: its articles, newest first.
    pub sources: Vec<Vec<usize>>,
    /// Per entity: the articles that mention it, in article order. (Which of an
    /// article's mentions are the entity's is found in the article: a list of every
    /// (article, mention) pair was 4.1 MB of a 10,000-article build's heap.)
    pub entity_articles: Vec<Vec<usize>>,
    /// Per entity: the articles it wrote (by `authors`), newest first.
    pub authored: Vec<Vec<usize>>,
    /// Articles with at least one correction, newest first.
    pub corrected: Vec<usize>,
    /// Dated articles by year of publication, newest first within a year.
    pub years: BTreeMap<i32, Vec<usize>>,
    /// The years of the timeline: those of dated articles and of dated events.
    pub timeline_years: Vec<i32>,
    /// True when the timeline is too long for one page: it is then an index of
    /// years, with a page per year.
    pub timeline_by_year: bool,
}

impl<'a> Lists<'a> {
    pub fn new(archive: &'a Archive) -> Self {
        let newest = archive.newest_first();
        let mut tags: BTreeMap<&'a str, Vec<usize>> = BTreeMap::new();
        let mut sources = vec![Vec::new(); archive.registry.sources.len()];
        let mut authored = vec![Vec::new(); archive.registry.entities.len()];
        for &index in &newest {
            let article = &archive.articles[index];
            for tag in &article.annotated.meta.tags {
                tags.entry(tag.get_ref().as_str()).or_default().push(index);
            }
            if let Some(source) = article.source {
                sources[source].push(index);
            }
            let mut authors: Vec<usize> = article.authors.iter().flatten().copied().collect();
            authors.sort_unstable();
            authors.dedup();
            for author in authors {
                authored[author].push(index);
            }
        }
        let corrected = newest
            .iter()
            .copied()
            .filter(|&a| {
                archive.articles[a]
                    .annotated
                    .notes
                    .iter()
                    .any(|n| n.kind == NoteType::Note(NoteKind::Correction))
            })
            .collect();
        let mut years: BTreeMap<i32, Vec<usize>> = BTreeMap::new();
        for &index in &newest {
            if let Some(date) = &archive.articles[index].annotated.meta.published {
                years.entry(date.get_ref().year).or_default().push(index);
            }
        }
        let events = archive
            .registry
            .entities
            .iter()
            .filter(|e| e.kind == EntityKind::Event && e.date.is_some())
            .count();
        let dated: usize = years.values().map(Vec::len).sum();
        let mut timeline_years: Vec<i32> = years.keys().copied().collect();
        timeline_years.extend(
            archive
                .registry
                .entities
                .iter()
                .filter(|e| e.kind == EntityKind::Event)
                .filter_map(|e| e.date.map(|d| d.year)),
        );
        timeline_years.sort_unstable();
        timeline_years.dedup();
        let mut entity_articles = vec![Vec::new(); archive.registry.entities.len()];
        for (index, article) in archive.articles.iter().enumerate() {
            for entity in distinct_entities(article) {
                entity_articles[entity].push(index);
            }
        }
        Self {
            // One page of 10,000 entries is slow to load, and to rebuild after an edit.
            timeline_by_year: dated + events > archive.config.lists.timeline_max,
            timeline_years,
            years,
            corrected,
            newest,
            tags,
            sources,
            entity_articles,
            authored,
        }
    }
}

/// Per article, fingerprints of what other pages show of it, from the least to the
/// most: a unit hashes the print that covers what it shows, so that a note edit
/// does not re-render every list the article is on.
///
/// - `heading`: slug, title, source and date: what a related-articles list, a see-also
///   link, the timeline or an entity page's heading shows;
/// - `card`: the heading plus kind, summary (and where its `[[id]]` links lead),
///   tags, the entities mentioned and the kinds of its notes: the list pages' cards;
/// - `mentions`: the heading plus the body (its text, blocks and removed lines) and
///   where its mentions are: the sentences an entity page quotes;
/// - `full`: a hash of the article's own files (kept by the caller, see
///   [`ArticlePrints::compute`]) with its slug, title and every `[[id]]` target: its
///   own page, feeds, corrections and search record.
///
/// Authors, claimants and mentions follow from the files and the registry, which an
/// incremental rebuild never changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticlePrints {
    pub heading: Vec<u64>,
    pub card: Vec<u64>,
    pub mentions: Vec<u64>,
    pub full: Vec<u64>,
}

/// The four prints of one article.
type Prints = (u64, u64, u64, u64);

impl ArticlePrints {
    /// Every article's prints; `inputs[a]` is a hash of article `a`'s text and
    /// annotation file.
    pub fn compute(archive: &Archive, inputs: &[u64]) -> Self {
        use rayon::prelude::*;
        let all: Vec<Prints> = (0..archive.articles.len())
            .into_par_iter()
            .map(|a| Self::of(archive, a, inputs[a]))
            .collect();
        let mut prints = Self::default();
        for (heading, card, mentions, full) in all {
            prints.heading.push(heading);
            prints.card.push(card);
            prints.mentions.push(mentions);
            prints.full.push(full);
        }
        prints
    }

    /// Recomputes the prints of article `a`.
    pub fn update(&mut self, archive: &Archive, a: usize, input: u64) {
        let (heading, card, mentions, full) = Self::of(archive, a, input);
        self.heading[a] = heading;
        self.card[a] = card;
        self.mentions[a] = mentions;
        self.full[a] = full;
    }

    fn of(archive: &Archive, a: usize, input: u64) -> Prints {
        let article = &archive.articles[a];
        let annotated = &article.annotated;
        let meta = &annotated.meta;
        let finish = |parts: &dyn Fn(&mut PrintHasher)| {
            let mut hasher = PrintHasher::new();
            parts(&mut hasher);
            hasher.finish()
        };
        let heading = finish(&|h| {
            (&article.slug, &article.title, article.source).hash(h);
            meta.published.as_ref().map(toml::Spanned::get_ref).hash(h);
            meta.published_approximate.hash(h);
        });
        let card = finish(&|h| {
            heading.hash(h);
            meta.kind.as_ref().map(toml::Spanned::get_ref).hash(h);
            meta.summary.hash(h);
            if let Some(summary) = &meta.summary {
                hash_links(summary, &archive.targets, h);
            }
            for tag in &meta.tags {
                tag.get_ref().hash(h);
            }
            for mention in &article.mentions {
                mention.entity().hash(h);
            }
            for note in &annotated.notes {
                note.kind.hash(h);
            }
        });
        let mentions = finish(&|h| {
            heading.hash(h);
            annotated.document.hash_body(h);
            for mention in &article.mentions {
                (&mention.range, mention.entity(), mention.ordinal).hash(h);
            }
        });
        let full = finish(&|h| {
            (input, &article.slug, &article.title).hash(h);
            if let Some(summary) = &meta.summary {
                hash_links(summary, &archive.targets, h);
            }
            for note in &annotated.notes {
                hash_links(note.body.get_ref(), &archive.targets, h);
            }
        });
        (heading, card, mentions, full)
    }
}

/// What the `[[id]]` links of a Markdown text resolve to (their text is the target's
/// title, so a renamed article changes every page that links to it).
fn hash_links(markdown: &str, targets: &Targets, hasher: &mut PrintHasher) {
    for (id, _) in wiki_links(markdown) {
        id.hash(hasher);
        targets
            .get(id)
            .map(|target| (&target.path, &target.title))
            .hash(hasher);
    }
}

impl Pages<'_> {
    /// Every unit of the site, in a fixed order: the few units that each take long
    /// (the sitemap, the timeline, feeds, indexes) first, so that rendering in
    /// parallel ends on short pages: placed last, one of them kept a core busy for
    /// up to a second at 100,000 articles while the other had nothing left to do.
    pub fn units(&self) -> Vec<Unit> {
        let archive = self.views.archive;
        let per_page = archive.config.lists.per_page;
        let mut units = vec![Unit::Sitemap, Unit::Timeline];
        if self.lists.timeline_by_year {
            units.extend(
                self.lists
                    .timeline_years
                    .iter()
                    .copied()
                    .map(Unit::TimelineYear),
            );
        }
        units.extend([Unit::Feed(Feed::Site), Unit::TagIndex, Unit::SourceIndex]);
        units.extend(EntityKind::ALL.map(Unit::EntityIndex));
        units.extend([Unit::Graph, Unit::Search, Unit::NotFound]);
        units.extend((0..archive.registry.sources.len()).map(|s| Unit::Feed(Feed::Source(s))));
        units.extend(
            self.lists
                .tags
                .keys()
                .map(|tag| Unit::Feed(Feed::Tag((*tag).to_owned()))),
        );
        units.extend((0..archive.articles.len()).map(Unit::Article));
        let listing = |family: Family, len: usize| {
            (1..=page_count(len, per_page)).map(move |n| Unit::Listing(family.clone(), n))
        };
        units.extend(listing(Family::Home, self.lists.newest.len()));
        for (tag, articles) in &self.lists.tags {
            units.extend(listing(Family::Tag((*tag).to_owned()), articles.len()));
        }
        for (s, articles) in self.lists.sources.iter().enumerate() {
            units.extend(listing(Family::Source(s), articles.len()));
        }
        units.extend((0..archive.registry.entities.len()).map(Unit::Entity));
        units.extend((1..=page_count(self.lists.corrected.len(), per_page)).map(Unit::Corrections));
        units
    }

    /// A hash of everything `unit` shows, given each article's fingerprint. Two
    /// builds of the same site (same config, registries, templates and static files)
    /// render a unit identically when its fingerprint is the same.
    pub fn fingerprint(&self, unit: &Unit, prints: &ArticlePrints) -> u64 {
        let archive = self.views.archive;
        let lists = &self.lists;
        let mut hasher = PrintHasher::new();
        unit.hash(&mut hasher);
        // Each article of `list` with the print that covers what the unit shows of it.
        let articles =
            |list: &mut dyn Iterator<Item = usize>, print: &[u64], hasher: &mut PrintHasher| {
                for a in list {
                    (a, print[a]).hash(hasher);
                }
            };
        match unit {
            Unit::Article(a) => {
                let article = &archive.articles[*a];
                prints.full[*a].hash(&mut hasher);
                for related in &article.related {
                    related.shared.hash(&mut hasher);
                }
                articles(
                    &mut article
                        .related
                        .iter()
                        .map(|r| r.article)
                        .chain(article.see_also.iter().map(|l| l.article)),
                    &prints.heading,
                    &mut hasher,
                );
                for link in &article.see_also {
                    (&link.why, link.outgoing).hash(&mut hasher);
                }
            }
            Unit::Listing(family, n) => {
                let list = match family {
                    Family::Home => lists.newest.as_slice(),
                    Family::Tag(tag) => lists.tags.get(tag.as_str()).map_or(&[][..], Vec::as_slice),
                    Family::Source(s) => lists.sources[*s].as_slice(),
                };
                if let Family::Source(s) = family {
                    let description = archive.registry.sources[*s].description.as_deref();
                    hash_links(description.unwrap_or(""), &archive.targets, &mut hasher);
                }
                let per_page = archive.config.lists.per_page.max(1);
                list.len().hash(&mut hasher);
                articles(
                    &mut list.iter().copied().skip((n - 1) * per_page).take(per_page),
                    &prints.card,
                    &mut hasher,
                );
            }
            Unit::TagIndex => {
                for (tag, list) in &lists.tags {
                    (tag, list.len()).hash(&mut hasher);
                }
            }
            Unit::SourceIndex => {
                for list in &lists.sources {
                    list.len().hash(&mut hasher);
                }
            }
            Unit::EntityIndex(_) => {
                for articles in &lists.entity_articles {
                    articles.len().hash(&mut hasher);
                }
            }
            Unit::Entity(e) => {
                let description = archive.registry.entities[*e].description.as_deref();
                hash_links(description.unwrap_or(""), &archive.targets, &mut hasher);
                articles(
                    &mut lists.entity_articles[*e].iter().copied(),
                    &prints.mentions,
                    &mut hasher,
                );
                articles(
                    &mut lists.authored[*e].iter().copied(),
                    &prints.heading,
                    &mut hasher,
                );
            }
            Unit::Corrections(n) => {
                let per_page = archive.config.lists.per_page.max(1);
                lists.corrected.len().hash(&mut hasher);
                articles(
                    &mut lists
                        .corrected
                        .iter()
                        .copied()
                        .skip((n - 1) * per_page)
                        .take(per_page),
                    &prints.full,
                    &mut hasher,
                );
            }
            // They show every article (or nothing from articles at all): any change
            // to an article changes them.
            Unit::Feed(feed) => {
                let limit = archive.config.feeds.limit;
                articles(
                    &mut feed.articles(lists).iter().copied().take(limit),
                    &prints.full,
                    &mut hasher,
                );
            }
            Unit::Sitemap => {
                // Only paths and dates reach the sitemap, so a note edit leaves it be.
                lists.tags.keys().for_each(|tag| tag.hash(&mut hasher));
                for article in &archive.articles {
                    article.slug.hash(&mut hasher);
                    article
                        .annotated
                        .meta
                        .published
                        .as_ref()
                        .map(toml::Spanned::get_ref)
                        .hash(&mut hasher);
                }
            }
            Unit::Graph => {
                articles(
                    &mut lists
                        .newest
                        .iter()
                        .copied()
                        .take(super::graph::MAX_ARTICLES),
                    &prints.card,
                    &mut hasher,
                );
            }
            Unit::Timeline if lists.timeline_by_year => {
                for (year, list) in &lists.years {
                    (year, list.len()).hash(&mut hasher);
                }
                let undated = lists.newest.iter().copied();
                articles(
                    &mut undated
                        .filter(|&a| archive.articles[a].annotated.meta.published.is_none()),
                    &prints.card,
                    &mut hasher,
                );
            }
            Unit::TimelineYear(year) => {
                // The page links to the years before and after it.
                lists.timeline_years.hash(&mut hasher);
                let list = lists.years.get(year).map_or(&[][..], Vec::as_slice);
                articles(&mut list.iter().copied(), &prints.heading, &mut hasher);
            }
            Unit::Timeline => {
                // Dated articles are timeline entries (their heading); undated ones
                // are cards below.
                for &a in &lists.newest {
                    let dated = archive.articles[a].annotated.meta.published.is_some();
                    let print = if dated {
                        prints.heading[a]
                    } else {
                        prints.card[a]
                    };
                    (a, dated, print).hash(&mut hasher);
                }
            }
            Unit::Search | Unit::NotFound => {}
        }
        hasher.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::calls_impure_function;

    #[test]
    fn templates_that_call_the_clock_random_numbers_or_the_environment_are_found() {
        for impure in [
            "<p>{{ now() | date(format=\"%Y\") }}</p>",
            "{{ now(timestamp=true) }}",
            "{% set n = get_random(end=10) %}",
            "{{ get_env ( name=\"HOME\" ) }}",
        ] {
            assert!(calls_impure_function(impure), "{impure}");
        }
        for pure in [
            "<p>Read it now.</p>",
            "{{ known(x) }}",
            "{{ page.now }}",
            "{{ snow(x) }}",
            "{{ my_get_env(name=1) }}",
            "{{ now_playing }}",
        ] {
            assert!(!calls_impure_function(pure), "{pure}");
        }
    }
}
