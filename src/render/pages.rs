//! Every page of the site: which template, which path, which context.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::json;

use crate::annotate::{NoteKind, NoteType};
use crate::config::MentionLinks;
use crate::diagnostics::{Diagnostic, Report};
use crate::link::{Archive, EntityKind};

use super::body::{BodyOptions, BodyWriter};
use super::export;
use super::feeds;
use super::highlight::Highlighter;
use super::markdown::MarkdownRenderer;
use super::plan::{ArticlePrints, Family, Lists, Unit};
use super::snippet::sentence_context;
use super::templates::Templates;
use super::views::{mention_counts, Card, DateView, KindView, Views};
use super::{OutputFile, Sink, UnitPrint};

/// A page to render: its output path, template and page-specific context.
struct PageJob {
    path: String,
    template: &'static str,
    section: &'static str,
    title: String,
    description: String,
    /// Site path of the page, for canonical URLs (`articles/x/`).
    site_path: String,
    context: serde_json::Value,
}

/// Renders every page into `sink`, each as soon as its context is built, so no more
/// than a page per thread is held in memory. Template errors are collected, not
/// stopped at.
pub fn render_pages(
    archive: &Archive,
    templates: &Templates,
    sink: &dyn Sink,
) -> Result<(), Report> {
    with_pages(archive, templates, Lists::new(archive), |pages| {
        let units = pages.units();
        pages.render(&units, sink)
    })
}

/// [`render_pages`] for a build: each unit is fingerprinted, and the sink reuses its
/// files from its previous build when that build rendered it with the same print in
/// the same `scope`; the others are rendered, and the sink told which files each
/// wrote. `inputs[a]` is a hash of article `a`'s files.
pub fn render_pages_reusing(
    archive: &Archive,
    templates: &Templates,
    sink: &dyn Sink,
    scope: u64,
    inputs: &[u64],
) -> Result<(), Report> {
    let prints = ArticlePrints::compute(archive, inputs);
    with_pages(archive, templates, Lists::new(archive), |pages| {
        let stale: Vec<(Unit, UnitPrint)> = pages
            .units()
            .into_par_iter()
            .with_max_len(UNITS_PER_TASK)
            .filter_map(|unit| {
                let print = UnitPrint {
                    scope,
                    unit: unit.key(),
                    print: pages.fingerprint(&unit, &prints),
                };
                sink.reuse(&print).is_none().then_some((unit, print))
            })
            .collect();
        sink.done_reusing();
        pages.render_recording(&stale, sink)
    })
}

/// Runs `f` with the page renderer of `archive` (which borrows what it builds here).
/// `lists` are `Lists::new(archive)`, which the caller may need too.
pub fn with_pages<R>(
    archive: &Archive,
    templates: &Templates,
    lists: Lists<'_>,
    f: impl FnOnce(&Pages<'_>) -> R,
) -> R {
    let markdown = MarkdownRenderer::new(archive.config.base_path(), &archive.targets);
    let views = Views::new(archive, &markdown);
    let pages = Pages {
        lists,
        site: site_view(archive),
        nav: nav(&views),
        highlighter: Highlighter::shared(),
        views,
        templates,
    };
    f(&pages)
}

/// The most units one parallel task renders in a row. Left to itself, rayon cuts a
/// list into as many pieces as there are threads and cuts further only when a thread
/// runs out of work and steals; the piece a thread is in the middle of can no longer
/// be split. At 100,000 articles a build's rendering ended 0.2-0.65 s after one of
/// the two threads had finished, the other alone with the rest of its piece (hundreds
/// of entity pages). Pieces of 16 units leave at most 16 short pages to the last thread.
const UNITS_PER_TASK: usize = 16;

/// Renders pages: every [`Unit`] of the site, or some of them (an incremental rebuild).
pub struct Pages<'a> {
    pub(super) views: Views<'a>,
    pub(super) lists: Lists<'a>,
    templates: &'a Templates,
    highlighter: &'static Highlighter,
    site: serde_json::Value,
    nav: serde_json::Value,
}

impl Pages<'_> {
    /// Renders `units` in parallel into `sink`.
    pub fn render(&self, units: &[Unit], sink: &dyn Sink) -> Result<(), Report> {
        let failures = units
            .par_iter()
            .with_max_len(UNITS_PER_TASK)
            .map(|unit| self.put_unit(unit, sink).1)
            .reduce(Report::default, merged);
        failed_if_any(failures)
    }

    /// [`Pages::render`], telling `sink` which files each unit put as soon as it has
    /// put them all, so that no list of the site's paths is held.
    fn render_recording(&self, units: &[(Unit, UnitPrint)], sink: &dyn Sink) -> Result<(), Report> {
        let failures = units
            .par_iter()
            .with_max_len(UNITS_PER_TASK)
            .map(|(unit, print)| {
                let (paths, failures) = self.put_unit(unit, sink);
                if failures.diagnostics.is_empty() {
                    sink.made(print, &paths);
                }
                failures
            })
            .reduce(Report::default, merged);
        failed_if_any(failures)
    }

    /// Renders `units` in parallel into `sink`, returning the paths each unit wrote,
    /// in the order of `units`. On `Err`, the files already put into `sink` are not a
    /// consistent site: the caller drops them.
    pub fn render_each(
        &self,
        units: &[Unit],
        sink: &dyn Sink,
    ) -> Result<Vec<(Unit, Vec<String>)>, Report> {
        let results: Vec<(Unit, Vec<String>, Report)> = units
            .par_iter()
            .with_max_len(UNITS_PER_TASK)
            .map(|unit| {
                let (paths, failures) = self.put_unit(unit, sink);
                (unit.clone(), paths, failures)
            })
            .collect();
        let mut report = Report::default();
        let mut rendered = Vec::with_capacity(results.len());
        for (unit, paths, failures) in results {
            report.merge(failures);
            rendered.push((unit, paths));
        }
        failed_if_any(report)?;
        Ok(rendered)
    }

    /// Renders one unit and puts its files into `sink`: the paths it put, and what
    /// failed (template errors are collected, not stopped at).
    fn put_unit(&self, unit: &Unit, sink: &dyn Sink) -> (Vec<String>, Report) {
        let mut paths = Vec::new();
        let mut failures = Report::default();
        for file in self.render_unit(unit) {
            let put = file.and_then(|file| {
                let path = file.path.clone();
                sink.put(file).map(|()| path).map_err(Report::from)
            });
            match put {
                Ok(path) => paths.push(path),
                Err(failure) => failures.merge(failure),
            }
        }
        (paths, failures)
    }

    /// The files of one unit. Its context is built here, on the rendering thread,
    /// and dropped as soon as the page is rendered.
    fn render_unit(&self, unit: &Unit) -> Vec<Result<OutputFile, Report>> {
        let views = &self.views;
        let job = match unit {
            Unit::Article(index) => {
                let (job, extra) = article_page(views, self.highlighter, *index);
                let mut files = vec![self.render_job(job)];
                files.extend(extra.into_iter().map(Ok));
                return files;
            }
            Unit::Feed(feed) => return vec![Ok(feeds::feed_file(views, &self.lists, feed))],
            Unit::Sitemap => {
                return feeds::sitemap_files(views, &self.lists)
                    .into_iter()
                    .map(Ok)
                    .collect()
            }
            Unit::Listing(family, page) => listing_page(views, &self.lists, family, *page),
            Unit::TagIndex => tag_index_page(views, &self.lists),
            Unit::SourceIndex => source_index_page(views, &self.lists),
            Unit::EntityIndex(kind) => entity_index_page(views, &self.lists, *kind),
            Unit::Entity(e) => return entity_pages(self, *e),
            Unit::Timeline => timeline_page(self, None),
            Unit::TimelineYear(year) => timeline_page(self, Some(*year)),
            Unit::Corrections(n) => corrections_page(views, &self.lists, *n),
            Unit::Search => simple_page(views, "search/", "search.html", "search", "Search"),
            Unit::Graph => graph_page(views),
            Unit::NotFound => {
                // At its own path, so that it is no nav item's page and its URL is
                // not the home page's; it is served for any missing path.
                let mut job = simple_page(views, "404.html", "404.html", "404", "Page not found");
                "404.html".clone_into(&mut job.path);
                job
            }
        };
        vec![self.render_job(job)]
    }

    fn render_job(&self, job: PageJob) -> Result<OutputFile, Report> {
        render_job(
            self.templates,
            job,
            &self.site,
            &self.nav,
            self.views.archive,
        )
    }
}

/// Two reports as one.
fn merged(mut a: Report, b: Report) -> Report {
    a.merge(b);
    a
}

/// The failures of rendering, sorted, as an error if any of them is one.
fn failed_if_any(mut report: Report) -> Result<(), Report> {
    if report.has_errors() {
        report.sort();
        return Err(report);
    }
    Ok(())
}

/// Renders a page. The job is taken by value so that its context moves into Tera's:
/// a copy of every page's context tree was a measurable part of rendering. `site`,
/// `nav` and `page` are put into the same map before it moves, since
/// `Context::insert` would serialize each of them into a copy of its own.
fn render_job(
    templates: &Templates,
    job: PageJob,
    site: &serde_json::Value,
    nav: &serde_json::Value,
    archive: &Archive,
) -> Result<OutputFile, Report> {
    let base_path = archive.config.base_path();
    // Joined rather than `format!`ed, as below: every page makes these.
    let url = [base_path, job.site_path.as_str()].concat();
    let parent_url = parent_path(job.section, &job.site_path).map(|p| [base_path, p].concat());
    let nav = nav_marked(nav, &url, job.section, parent_url.as_deref());
    let page = json!({
        "title": job.title,
        "description": job.description,
        "url": url,
        "canonical": archive.config.absolute_url(&job.site_path),
        "section": job.section,
        "parent_url": parent_url.unwrap_or_default(),
    });
    let mut values = job.context;
    if let serde_json::Value::Object(map) = &mut values {
        map.insert("site".to_owned(), site.clone());
        map.insert("nav".to_owned(), nav);
        map.insert("page".to_owned(), page);
    }
    let context = tera::Context::from_value(values).map_err(|e| {
        let mut report = Report::default();
        report.push(Diagnostic::error(
            job.template,
            format!("cannot build the page context: {e}"),
        ));
        report
    })?;
    let contents = templates.render(job.template, &context)?;
    Ok(OutputFile {
        path: job.path,
        contents,
    })
}

/// The site path of the index a page belongs under (an article under the home page, a
/// tag under `tags/`, an entity under its kind's list), if any.
fn parent_path<'a>(section: &str, site_path: &'a str) -> Option<&'a str> {
    match section {
        "article" => Some(""),
        "tag" => Some("tags/"),
        "source" => Some("sources/"),
        // `people/<id>/…`: the first folder is the kind's list.
        "entity" => site_path
            .find('/')
            .and_then(|slash| site_path.get(..=slash)),
        _ => None,
    }
}

/// The main navigation with each item's `current`: `"page"` for the item this page is
/// (or whose section it is in), `"true"` for the index it belongs under, `""`
/// otherwise. Marked here rather than in the template: the comparisons ran for every
/// item of every page (and, written with Tera's whitespace control inside the `<a>`
/// tag, never printed their attribute).
fn nav_marked(
    nav: &serde_json::Value,
    url: &str,
    section: &str,
    parent_url: Option<&str>,
) -> serde_json::Value {
    let mut nav = nav.clone();
    let items = nav.as_array_mut().into_iter().flatten();
    for item in items.filter_map(serde_json::Value::as_object_mut) {
        let item_url = item.get("url").and_then(serde_json::Value::as_str);
        let item_section = item.get("section").and_then(serde_json::Value::as_str);
        let is_page = item_url == Some(url)
            || (item_section == Some(section) && section != "entities" && section != "entity");
        let current = if is_page {
            "page"
        } else if parent_url.is_some_and(|parent| item_url == Some(parent)) {
            "true"
        } else {
            ""
        };
        item.insert("current".into(), current.into());
    }
    nav
}

fn site_view(archive: &Archive) -> serde_json::Value {
    let config = &archive.config;
    json!({
        "title": config.title,
        "description": config.description,
        "language": config.language,
        "base_url": config.base_url,
        "author": config.author,
    })
}

fn nav(views: &Views<'_>) -> serde_json::Value {
    let mut items = vec![
        ("Articles", "", "home"),
        ("Timeline", "timeline/", "timeline"),
        ("Sources", "sources/", "sources"),
        ("Tags", "tags/", "tags"),
    ];
    for kind in EntityKind::ALL {
        if views
            .archive
            .registry
            .entities
            .iter()
            .any(|e| e.kind == kind)
        {
            items.push((kind.plural_label(), kind.section(), kind.section()));
        }
    }
    items.extend([
        ("Corrections", "corrections/", "corrections"),
        ("Graph", "graph/", "graph"),
        ("Search", "search/", "search"),
    ]);
    let items: Vec<serde_json::Value> = items
        .into_iter()
        .map(|(label, path, section)| {
            let path = if path.is_empty() || path.ends_with('/') {
                path.to_owned()
            } else {
                format!("{path}/")
            };
            json!({ "label": label, "url": views.url(&path), "section": section })
        })
        .collect();
    serde_json::Value::Array(items)
}

/// A page at `site_path` (`search/`) written to `site_path/index.html`.
fn job(
    site_path: String,
    template: &'static str,
    section: &'static str,
    title: String,
    description: String,
    context: serde_json::Value,
) -> PageJob {
    PageJob {
        path: [site_path.as_str(), "index.html"].concat(),
        template,
        section,
        title,
        description,
        site_path,
        context,
    }
}

/// A JSON object of `fields`, each moved in. `json!` copies whatever it is given, which
/// for a list that is JSON already is a second copy of all of it, and its freeing.
fn object<const N: usize>(fields: [(&str, serde_json::Value); N]) -> serde_json::Value {
    serde_json::Value::Object(
        fields
            .into_iter()
            .map(|(key, value)| (key.to_owned(), value))
            .collect(),
    )
}

fn simple_page(
    views: &Views<'_>,
    site_path: &str,
    template: &'static str,
    section: &'static str,
    title: &str,
) -> PageJob {
    job(
        site_path.to_owned(),
        template,
        section,
        title.to_owned(),
        views.archive.config.description.clone(),
        json!({}),
    )
}

/// A paginated list of articles: its first page's path and what each page shows.
struct Listing {
    /// Site path of the first page (`tags/x/`); later pages are `…page/N/`.
    base: String,
    template: &'static str,
    section: &'static str,
    title: String,
    description: String,
}

/// Page `n` (from 1) of a paginated list of `articles`, with `articles` (that page's
/// cards), `pagination` and the listing's own context.
fn paginated(
    views: &Views<'_>,
    listing: &Listing,
    articles: &[usize],
    n: usize,
    extra: &serde_json::Value,
) -> PageJob {
    let per_page = views.archive.config.lists.per_page.max(1);
    let pages = page_count(articles.len(), per_page);
    let chunk: Vec<Card> = articles
        .iter()
        .skip((n - 1) * per_page)
        .take(per_page)
        .map(|&i| views.card(i))
        .collect();
    let mut context = extra.clone();
    context["articles"] = json!(chunk);
    context["pagination"] = pagination(views, &listing.base, n, articles.len());
    let title = if n == 1 {
        listing.title.clone()
    } else {
        format!("{} (page {n} of {pages})", listing.title)
    };
    job(
        page_path(&listing.base, n),
        listing.template,
        listing.section,
        title,
        listing.description.clone(),
        context,
    )
}

/// Site path of page `n` of a list whose first page is at `base`.
fn page_path(base: &str, n: usize) -> String {
    if n == 1 {
        base.to_owned()
    } else {
        format!("{base}page/{n}/")
    }
}

/// The `pagination` a list page's template sees: page `n` of a list of `total`
/// items, `lists.per_page` a page.
fn pagination(views: &Views<'_>, base: &str, n: usize, total: usize) -> serde_json::Value {
    let per_page = views.archive.config.lists.per_page.max(1);
    let pages = page_count(total, per_page);
    let numbered: Vec<serde_json::Value> = page_numbers(n, pages)
        .into_iter()
        .map(|k| match k {
            Some(k) => {
                json!({ "number": k, "url": views.url(&page_path(base, k)), "current": k == n })
            }
            None => json!({ "gap": true }),
        })
        .collect();
    let mut pagination = json!({
        "page": n,
        "pages": pages,
        "total": total,
        "first_number": (n - 1) * per_page + 1,
        "prev_url": (n > 1).then(|| views.url(&page_path(base, n - 1))),
        "next_url": (n < pages).then(|| views.url(&page_path(base, n + 1))),
    });
    // Moved in: `json!` would copy the list.
    pagination["numbered"] = numbered.into();
    pagination
}

/// Numbered page links either side of the current page.
const PAGE_WINDOW: usize = 2;

/// The page numbers page `n` of `pages` links to: the first, the last and those within
/// [`PAGE_WINDOW`] of `n`, with `None` for each gap (a gap of one page shows the page
/// instead). Every page stays reachable through the previous/next links; numbering
/// them all made each list page grow with the archive (3,334 links on every home page
/// at 100,000 articles, 600 MB of home pages in all).
fn page_numbers(n: usize, pages: usize) -> Vec<Option<usize>> {
    let mut shown: Vec<usize> = [1, pages]
        .into_iter()
        .chain(n.saturating_sub(PAGE_WINDOW).max(1)..=(n + PAGE_WINDOW).min(pages))
        .collect();
    shown.sort_unstable();
    shown.dedup();
    let mut numbers = Vec::with_capacity(shown.len() + 2);
    let mut previous = 0;
    for k in shown {
        match k - previous {
            1 => {}
            2 => numbers.push(Some(k - 1)),
            _ => numbers.push(None),
        }
        numbers.push(Some(k));
        previous = k;
    }
    numbers
}

/// How many pages a list of `len` articles takes (an empty list still has one).
pub(super) fn page_count(len: usize, per_page: usize) -> usize {
    len.div_ceil(per_page.max(1)).max(1)
}

/// Page `n` of the home page, a tag's or a source's list.
fn listing_page(views: &Views<'_>, lists: &Lists<'_>, family: &Family, n: usize) -> PageJob {
    let config = &views.archive.config;
    match family {
        Family::Home => {
            let listing = Listing {
                base: String::new(),
                template: "index.html",
                section: "home",
                title: config.title.clone(),
                description: config.description.clone(),
            };
            paginated(views, &listing, &lists.newest, n, &json!({}))
        }
        Family::Tag(tag) => {
            let listing = Listing {
                base: format!("tags/{tag}/"),
                template: "tag.html",
                section: "tag",
                title: format!("Tagged “{tag}”"),
                description: format!("Articles tagged {tag}"),
            };
            let articles = lists.tags.get(tag.as_str()).map_or(&[][..], Vec::as_slice);
            paginated(
                views,
                &listing,
                articles,
                n,
                &json!({ "tag": views.tag_link(tag) }),
            )
        }
        Family::Source(s) => {
            let source = &views.archive.registry.sources[*s];
            let description_html = source
                .description
                .as_deref()
                .map(|d| views.markdown.render(d))
                .unwrap_or_default();
            let listing = Listing {
                base: format!("sources/{}/", source.id),
                template: "source.html",
                section: "source",
                title: source.name.clone(),
                description: format!("Articles from {}", source.name),
            };
            let extra = json!({
                "source": { "id": source.id, "name": source.name, "homepage": source.url, "country": source.country,
                            "kind": source.kind, "description_html": description_html },
            });
            paginated(views, &listing, &lists.sources[*s], n, &extra)
        }
    }
}

#[derive(Serialize)]
struct NoteView<'a> {
    number: usize,
    id: String,
    anchor: String,
    kind: &'static str,
    kind_label: &'static str,
    quote: &'a str,
    body_html: &'a str,
    correct: Option<&'a str>,
    rating: Option<&'a str>,
    claimant: Option<super::views::LinkView<'a>>,
    fuzzy: bool,
}

/// The article page plus its text.txt and annotations.jsonld.
fn article_page(
    views: &Views<'_>,
    highlighter: &Highlighter,
    index: usize,
) -> (PageJob, Vec<OutputFile>) {
    let archive = views.archive;
    let article = &archive.articles[index];
    let annotated = &article.annotated;
    let document = &annotated.document;
    // Unpacked once for the page, its body, notes, exports and text.txt.
    let body = document.body();
    let text = body.text.as_str();
    let options = BodyOptions {
        link_mentions: archive.config.links.mentions != MentionLinks::None,
        first_mention_per_block: archive.config.links.mentions == MentionLinks::First,
    };
    let note_html: Vec<String> = annotated
        .notes
        .iter()
        .map(|note| views.markdown.render(note.body.get_ref()))
        .collect();
    let body_html = BodyWriter::new(
        archive,
        article,
        &body,
        options,
        highlighter,
        views.markdown,
        &note_html,
    )
    .render();
    let notes: Vec<NoteView> = annotated
        .notes
        .iter()
        .zip(&article.claimants)
        .zip(&note_html)
        .map(|((note, claimant), body_html)| NoteView {
            number: note.number,
            id: ["note-", itoa::Buffer::new().format(note.number)].concat(),
            anchor: ["n", itoa::Buffer::new().format(note.number)].concat(),
            kind: note.kind.as_str(),
            kind_label: note.kind.label(),
            quote: &text[note.range.clone()],
            body_html,
            correct: note.correct.as_deref(),
            rating: note.rating.as_deref(),
            claimant: claimant.map(|e| {
                let r = views.entity_ref(e);
                super::views::LinkView {
                    name: r.name,
                    url: r.url,
                }
            }),
            fuzzy: note.fuzzy.is_some(),
        })
        .collect();
    let meta = &annotated.meta;
    let source = article.source.map(|s| {
        let source = &archive.registry.sources[s];
        json!({
            "id": source.id, "name": source.name, "url": views.url(&format!("sources/{}/", source.id)),
            "country": source.country, "kind": source.kind, "homepage": source.url,
        })
    });
    let counts = mention_counts(article);
    let entity_groups: Vec<serde_json::Value> = EntityKind::ALL
        .into_iter()
        .filter_map(|kind| {
            let mut entities: Vec<(usize, usize)> = counts
                .iter()
                .filter(|(e, _)| archive.registry.entities[**e].kind == kind)
                .map(|(e, c)| (*e, *c))
                .collect();
            if entities.is_empty() {
                return None;
            }
            entities.sort_by(|a, b| b.1.cmp(&a.1).then(archive.registry.entities[a.0].name.cmp(&archive.registry.entities[b.0].name)));
            let list: Vec<serde_json::Value> = entities
                .iter()
                .map(|(e, count)| {
                    let entity = &archive.registry.entities[*e];
                    json!({ "id": entity.id, "name": entity.name, "url": views.url(&views.entity_path(*e)), "count": count })
                })
                .collect();
            let mut group = json!({ "kind": kind.key(), "label": kind.plural_label() });
            group["entities"] = list.into();
            Some(group)
        })
        .collect();
    let related: Vec<serde_json::Value> = article
        .related
        .iter()
        .map(|r| {
            let other = &archive.articles[r.article];
            json!({
                "title": other.title,
                "url": views.url(&other.path()),
                "source_name": other.source.map(|s| archive.registry.sources[s].name.clone()),
                "published": Views::published(other),
                "shared": r.shared.iter().map(|e| archive.registry.entities[*e].name.clone()).collect::<Vec<_>>(),
            })
        })
        .collect();
    let see_also: Vec<serde_json::Value> = article
        .see_also
        .iter()
        .map(|link| {
            let other = &archive.articles[link.article];
            json!({ "title": other.title, "url": views.url(&other.path()), "why": link.why,
                    "direction": if link.outgoing { "outgoing" } else { "incoming" } })
        })
        .collect();
    let removed: Vec<serde_json::Value> = body
        .removed
        .iter()
        .map(|r| json!({ "line": r.line, "text": r.text, "reason": r.reason.describe() }))
        .collect();
    let path = article.path();
    let card = &views.card(index);
    let description = meta
        .summary
        .as_deref()
        .map(|s| views.markdown.plain(s))
        .unwrap_or_default();
    let author_links: Vec<serde_json::Value> = meta
        .authors
        .iter()
        .zip(&article.authors)
        .map(|(name, entity)| {
            json!({ "name": name, "url": entity.map(|e| views.url(&views.entity_path(e))) })
        })
        .collect();
    let mut context = json!({
        "article": {
            "id": card.id, "slug": card.slug, "url": card.url, "title": card.title,
            "published": card.published, "kind": card.kind, "summary_html": card.summary_html,
            "tags": card.tags, "entities": card.entities, "note_count": card.note_count,
            "correction_count": card.correction_count,
            "authors": meta.authors,
            "byline": document.byline,
            "standfirst": document.standfirst,
            "original_url": meta.url,
            "language": meta.language.clone().unwrap_or_else(|| archive.config.language.clone()),
            "translated_from": meta.translated_from,
            "notes": notes,
            "text_url": views.url(&[path.as_str(), "text.txt"].concat()),
            "annotations_url": views.url(&[path.as_str(), "annotations.jsonld"].concat()),
        }
    });
    // Moved in rather than written into `json!`, which copies whatever it is given:
    // the body is most of the page, and these lists are JSON already (copying them
    // here and on the other pages, and freeing the copies, was 3% of a build's
    // instructions).
    let fields = &mut context["article"];
    fields["body_html"] = body_html.into();
    fields["jsonld"] = export::news_article_jsonld(views, index, text).into();
    fields["source"] = source.into();
    fields["author_links"] = author_links.into();
    fields["removed"] = removed.into();
    fields["entity_groups"] = entity_groups.into();
    fields["related"] = related.into();
    fields["see_also"] = see_also.into();
    let extra = vec![
        OutputFile {
            path: [path.as_str(), "text.txt"].concat(),
            contents: text.as_bytes().to_vec(),
        },
        OutputFile {
            path: [path.as_str(), "annotations.jsonld"].concat(),
            contents: export::annotation_collection(views, index, text),
        },
    ];
    (
        job(
            path,
            "article.html",
            "article",
            article.title.clone(),
            description,
            context,
        ),
        extra,
    )
}

fn tag_index_page(views: &Views<'_>, lists: &Lists<'_>) -> PageJob {
    let index_list: Vec<serde_json::Value> = lists
        .tags
        .iter()
        .map(|(tag, articles)| json!({ "name": tag, "url": views.url(&format!("tags/{tag}/")), "count": articles.len() }))
        .collect();
    job(
        "tags/".into(),
        "tags.html",
        "tags",
        "Tags".into(),
        "Every tag in the archive".into(),
        object([("tags", index_list.into())]),
    )
}

fn source_index_page(views: &Views<'_>, lists: &Lists<'_>) -> PageJob {
    let list: Vec<serde_json::Value> = views
        .archive
        .registry
        .sources
        .iter()
        .enumerate()
        .map(|(s, source)| {
            json!({ "id": source.id, "name": source.name, "url": views.url(&format!("sources/{}/", source.id)),
                    "homepage": source.url, "country": source.country, "kind": source.kind, "count": lists.sources[s].len() })
        })
        .collect();
    job(
        "sources/".into(),
        "sources.html",
        "sources",
        "Sources".into(),
        "The publications in the archive".into(),
        object([("sources", list.into())]),
    )
}

/// The index page of one kind of entity (every kind gets one, empty or not:
/// templates and search link to all four).
fn entity_index_page(views: &Views<'_>, lists: &Lists<'_>, kind: EntityKind) -> PageJob {
    let archive = views.archive;
    let list: Vec<serde_json::Value> = (0..archive.registry.entities.len())
        .filter(|&e| archive.registry.entities[e].kind == kind)
        .map(|e| {
            let entity = &archive.registry.entities[e];
            json!({ "id": entity.id, "name": entity.name, "url": views.url(&views.entity_path(e)),
                    "count": lists.entity_articles[e].len(), "aliases": entity.aliases })
        })
        .collect();
    job(
        format!("{}/", kind.section()),
        "entities.html",
        "entities",
        kind.plural_label().to_owned(),
        format!("{} in the archive", kind.plural_label()),
        object([
            ("kind", json!(KindView::from(kind))),
            ("entities", list.into()),
        ]),
    )
}

/// An entity's pages: its mentions in context, grouped by article, `per_page` articles
/// a page (`/people/<id>/`, then `/people/<id>/page/2/`…), each page with the entity's
/// header and panels. One page for every mention made the most-mentioned person of the
/// 100,000-article benchmark archive a 7.8 MB page, and its context the largest
/// allocation of a build. Each page is rendered before the next one's context is built.
fn entity_pages(pages: &Pages<'_>, e: usize) -> Vec<Result<OutputFile, Report>> {
    let views = &pages.views;
    let lists = &pages.lists;
    let archive = views.archive;
    let articles = &lists.entity_articles[e];
    let header = entity_header(views, e, lists, articles);
    let per_page = archive.config.lists.per_page.max(1);
    let base = views.entity_path(e);
    let page_total = page_count(articles.len(), per_page);
    let mut files = Vec::with_capacity(page_total);
    for n in 1..=page_total {
        let first = (n - 1) * per_page;
        let chunk = articles
            .get(first..(first + per_page).min(articles.len()))
            .unwrap_or(&[]);
        let mut context = header.context.clone();
        context["mentions"] = mention_groups(views, e, chunk);
        context["pagination"] = pagination(views, &base, n, articles.len());
        let title = if n == 1 {
            header.title.clone()
        } else {
            format!("{} (page {n})", header.title)
        };
        let job = job(
            page_path(&base, n),
            "entity.html",
            "entity",
            title,
            header.description.clone(),
            context,
        );
        files.push(pages.render_job(job));
    }
    files
}

/// What every page of an entity shows besides its share of the mentions.
struct EntityHeader {
    title: String,
    description: String,
    context: serde_json::Value,
}

fn entity_header(
    views: &Views<'_>,
    e: usize,
    lists: &Lists<'_>,
    articles: &[usize],
) -> EntityHeader {
    let archive = views.archive;
    let entity = &archive.registry.entities[e];
    let mut source_counts: BTreeMap<usize, usize> = BTreeMap::new();
    let mut cooccurring: BTreeMap<usize, usize> = BTreeMap::new();
    for &a in articles {
        let article = &archive.articles[a];
        if let Some(s) = article.source {
            *source_counts.entry(s).or_insert(0) += 1;
        }
        for other in mention_counts(article).keys().filter(|o| **o != e) {
            *cooccurring.entry(*other).or_insert(0) += 1;
        }
    }
    let sources: Vec<serde_json::Value> = source_counts
        .iter()
        .map(|(s, count)| {
            let source = &archive.registry.sources[*s];
            json!({ "name": source.name, "url": views.url(&format!("sources/{}/", source.id)), "count": count })
        })
        .collect();
    let mut together: Vec<(usize, usize)> = cooccurring.into_iter().collect();
    together.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    together.truncate(10);
    let cooccurring: Vec<serde_json::Value> = together
        .iter()
        .map(|(o, count)| {
            let r = views.entity_ref(*o);
            json!({ "name": r.name, "url": r.url, "kind": r.kind, "count": count })
        })
        .collect();
    let description_html = entity
        .description
        .as_deref()
        .map(|d| views.markdown.render(d))
        .unwrap_or_default();
    let description = entity
        .description
        .as_deref()
        .map(|d| views.markdown.plain(d))
        .unwrap_or_default();
    let mut context = json!({
        "entity": {
            "id": entity.id, "name": entity.name, "kind": entity.kind.key(),
            "kind_label": kind_label(entity.kind), "aliases": entity.aliases,
            "description_html": description_html, "wikidata": entity.wikidata,
            "date": entity.date.map(|d| DateView::new(d, false)),
            "end_date": entity.end_date.map(|d| DateView::new(d, false)),
        },
    });
    let authored: Vec<serde_json::Value> = lists.authored[e]
        .iter()
        .map(|&a| {
            let article = &archive.articles[a];
            json!({ "title": article.title, "url": views.url(&article.path()),
                "source_name": article.source.map(|s| archive.registry.sources[s].name.clone()),
                "published": Views::published(article) })
        })
        .collect();
    // Moved in: `json!` would copy the lists.
    context["sources"] = sources.into();
    context["cooccurring"] = cooccurring.into();
    context["authored"] = authored.into();
    EntityHeader {
        title: entity.name.clone(),
        description,
        context,
    }
}

/// One page's mention groups: per article, each of its mentions of entity `e` in its
/// sentence.
fn mention_groups(views: &Views<'_>, e: usize, articles: &[usize]) -> serde_json::Value {
    let archive = views.archive;
    let groups: Vec<serde_json::Value> = articles
        .iter()
        .map(|&a| {
            let article = &archive.articles[a];
            // Once per article, not per mention: a popular entity has thousands.
            let article_url = views.url(&article.path());
            let text = article.annotated.document.text();
            let contexts: Vec<serde_json::Value> = article
                .mentions
                .iter()
                .filter(|mention| mention.entity() == e)
                .map(|mention| {
                    let (before, text, after) = sentence_context(&text, &mention.range);
                    let url = [article_url.as_str(), "#", &mention.anchor(&archive.registry)].concat();
                    json!({ "before": before, "text": text, "after": after, "url": url })
                })
                .collect();
            let mut group = json!({
                "article": { "title": article.title, "url": article_url,
                             "source_name": article.source.map(|s| archive.registry.sources[s].name.clone()),
                             "published": Views::published(article) },
            });
            // Moved in: `json!` would copy the list.
            group["contexts"] = contexts.into();
            group
        })
        .collect();
    serde_json::Value::Array(groups)
}

fn kind_label(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Person => "Person",
        EntityKind::Place => "Place",
        EntityKind::Organization => "Organization",
        EntityKind::Event => "Event",
    }
}

/// The timeline: every dated article and event in date order on one page, or, when
/// it has a page per year, the index of years (`year` None) or one year's page.
fn timeline_page(pages: &Pages<'_>, year: Option<i32>) -> PageJob {
    let views = &pages.views;
    let lists = &pages.lists;
    let archive = views.archive;
    let by_year = lists.timeline_by_year;
    let index = by_year && year.is_none();
    let mut items: Vec<(crate::model::PartialDate, serde_json::Value)> = Vec::new();
    let wanted = |y: i32| !index && year.is_none_or(|want| want == y);
    let articles: Box<dyn Iterator<Item = usize>> = match year {
        Some(y) => Box::new(lists.years.get(&y).into_iter().flatten().copied()),
        None if index => Box::new(std::iter::empty()),
        None => Box::new(0..archive.articles.len()),
    };
    for a in articles {
        let article = &archive.articles[a];
        if let Some(date) = &article.annotated.meta.published {
            items.push((
                *date.get_ref(),
                json!({ "type": "article", "title": article.title, "url": views.url(&article.path()),
                        "date": Views::published(article),
                        "source_name": article.source.map(|s| archive.registry.sources[s].name.clone()),
                        "end_date": null }),
            ));
        }
    }
    for (e, entity) in archive.registry.entities.iter().enumerate() {
        if let (EntityKind::Event, Some(date)) = (entity.kind, entity.date) {
            if wanted(date.year) {
                items.push((
                    date,
                    json!({ "type": "event", "title": entity.name, "url": views.url(&views.entity_path(e)),
                            "date": DateView::new(date, false), "source_name": null,
                            "end_date": entity.end_date.map(|d| DateView::new(d, false)) }),
                ));
            }
        }
    }
    items.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| a.1["title"].as_str().cmp(&b.1["title"].as_str()))
    });
    let mut grouped: BTreeMap<i32, Vec<serde_json::Value>> = BTreeMap::new();
    for (date, item) in items {
        grouped.entry(date.year).or_default().push(item);
    }
    let year_url = |y: i32| views.url(&format!("timeline/{y}/"));
    let years: Vec<serde_json::Value> = if index {
        lists
            .timeline_years
            .iter()
            .map(|&y| {
                let articles = lists.years.get(&y).map_or(0, Vec::len);
                let events = archive
                    .registry
                    .entities
                    .iter()
                    .filter(|e| e.kind == EntityKind::Event && e.date.is_some_and(|d| d.year == y))
                    .count();
                json!({ "year": y, "items": [], "url": year_url(y), "articles": articles, "events": events })
            })
            .collect()
    } else {
        grouped
            .into_iter()
            .map(|(y, list)| {
                object([
                    ("year", y.into()),
                    ("items", list.into()),
                    ("url", serde_json::Value::Null),
                ])
            })
            .collect()
    };
    let undated: Vec<Card> = if year.is_some() {
        Vec::new()
    } else {
        lists
            .newest
            .iter()
            .filter(|&&a| archive.articles[a].annotated.meta.published.is_none())
            .map(|&a| views.card(a))
            .collect()
    };
    let all_years: &[i32] = if by_year { &lists.timeline_years } else { &[] };
    let year_nav = year.map(|y| {
        let position = all_years.iter().position(|&other| other == y);
        let neighbour = |offset: isize| {
            position
                .and_then(|p| p.checked_add_signed(offset))
                .and_then(|p| all_years.get(p))
                .map(|&other| json!({ "year": other, "url": year_url(other) }))
        };
        json!({ "index_url": views.url("timeline/"), "previous": neighbour(-1), "next": neighbour(1) })
    });
    let (site_path, title) = match year {
        Some(y) => (format!("timeline/{y}/"), format!("Timeline: {y}")),
        None => ("timeline/".to_owned(), "Timeline".to_owned()),
    };
    job(
        site_path,
        "timeline.html",
        "timeline",
        title,
        "Articles and events in date order".into(),
        object([
            ("years", years.into()),
            ("undated", json!(undated)),
            ("by_year", by_year.into()),
            ("year", year.into()),
            ("year_nav", year_nav.into()),
        ]),
    )
}

/// Page `n` of the corrections: the articles with corrections, newest first,
/// `lists.per_page` articles a page.
fn corrections_page(views: &Views<'_>, lists: &Lists<'_>, n: usize) -> PageJob {
    let archive = views.archive;
    let per_page = archive.config.lists.per_page.max(1);
    let total = lists.corrected.len();
    let mut groups = Vec::new();
    for &index in lists
        .corrected
        .iter()
        .skip((n - 1) * per_page)
        .take(per_page)
    {
        let article = &archive.articles[index];
        let mut text = None;
        let corrections: Vec<serde_json::Value> = article
            .annotated
            .notes
            .iter()
            .filter(|n| n.kind == NoteType::Note(NoteKind::Correction))
            .map(|n| {
                let text = text.get_or_insert_with(|| article.annotated.document.text());
                json!({ "number": n.number, "quote": &text[n.range.clone()],
                        "correct": n.correct, "body_html": views.markdown.render(n.body.get_ref()),
                        "url": format!("{}#n{}", views.url(&article.path()), n.number) })
            })
            .collect();
        let heading = json!({ "title": article.title, "url": views.url(&article.path()),
                              "source_name": article.source.map(|s| archive.registry.sources[s].name.clone()),
                              "published": Views::published(article) });
        groups.push(object([
            ("article", heading),
            ("corrections", corrections.into()),
        ]));
    }
    let pages = page_count(total, per_page);
    let title = if n == 1 {
        "Corrections".to_owned()
    } else {
        format!("Corrections (page {n} of {pages})")
    };
    job(
        page_path("corrections/", n),
        "corrections.html",
        "corrections",
        title,
        "Every correction in the archive".into(),
        object([
            ("groups", groups.into()),
            ("pagination", pagination(views, "corrections/", n, total)),
        ]),
    )
}

fn graph_page(views: &Views<'_>) -> PageJob {
    let (svg, legend) = super::graph::graph_svg(views);
    job(
        "graph/".into(),
        "graph.html",
        "graph",
        "Graph".into(),
        "How the archive's articles, entities and sources connect".into(),
        object([("svg", svg.into()), ("legend", legend)]),
    )
}

#[cfg(test)]
mod tests {
    use super::page_numbers;

    fn shown(n: usize, pages: usize) -> String {
        page_numbers(n, pages)
            .into_iter()
            .map(|k| k.map_or("…".to_owned(), |k| k.to_string()))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn page_links_are_the_ends_and_a_window_around_the_page() {
        assert_eq!(shown(1, 1), "1");
        assert_eq!(shown(2, 3), "1 2 3");
        assert_eq!(shown(1, 7), "1 2 3 … 7");
        // A gap of one page shows that page rather than an ellipsis.
        assert_eq!(shown(3, 7), "1 2 3 4 5 6 7");
        assert_eq!(shown(50, 3334), "1 … 48 49 50 51 52 … 3334");
        assert_eq!(shown(3334, 3334), "1 … 3332 3333 3334");
        assert_eq!(shown(4, 9), "1 2 3 4 5 6 … 9");
    }
}
