//! Stage 3, link: the registries of entities and sources, mention detection, and the
//! cross-references between articles (see-also, backlinks, related articles).
//!
//! This is the only stage that resolves ids: every `source = "…"`, `entity = "…"`,
//! `claimant`, `[[id]]` and `see_also.article` is checked here, with a did-you-mean
//! when unknown. Its output, [`Archive`], is what `render/` draws from.

pub mod mentions;
pub mod references;
pub mod registry;
pub mod related;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

pub use mentions::{FoundMention, MentionMatcher};
pub use references::{wiki_links, Target, Targets};
pub use registry::{Entity, EntityKind, Registry, Source};
pub use related::Related;

use crate::annotate::AnnotatedArticle;
use crate::config::Config;
use crate::diagnostics::{did_you_mean, Diagnostic};
use crate::model::{is_slug, slugify};
use crate::parse::{BlockKind, Document};

/// A mention of an entity in an article's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub range: Range<usize>,
    /// Index into [`Registry::entities`] ([`Mention::entity`]). Four bytes, not
    /// eight: an archive of 100,000 articles holds millions of mentions.
    entity: u32,
    /// This is the entity's n-th mention in the article (from 1). It names the
    /// mention's anchor on the article page: see [`Mention::anchor`].
    pub ordinal: u32,
}

impl Mention {
    pub fn new(range: Range<usize>, entity: usize, ordinal: u32) -> Self {
        Self {
            range,
            // A registry of four billion entities would not fit in memory.
            entity: u32::try_from(entity).unwrap_or(u32::MAX),
            ordinal,
        }
    }

    /// Index into [`Registry::entities`].
    pub fn entity(&self) -> usize {
        self.entity as usize
    }

    /// Stable anchor id within the article page: `m-<entity id>-<n>`. Made when a page
    /// needs it rather than stored: a large archive holds millions of mentions.
    pub fn anchor(&self, registry: &Registry) -> String {
        let entity_id = registry
            .entities
            .get(self.entity())
            .map_or("", |e| e.id.as_str());
        // Joined rather than `format!`ed: pages and exports ask for it per mention.
        [
            "m-",
            entity_id,
            "-",
            itoa::Buffer::new().format(self.ordinal),
        ]
        .concat()
    }
}

/// A see-also link, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeeAlso {
    /// Index into [`Archive::articles`].
    pub article: usize,
    pub why: Option<String>,
    /// False for a backlink: another article's see-also pointing here.
    pub outgoing: bool,
}

/// An article with every id resolved.
#[derive(Debug, Clone)]
pub struct Article {
    /// Boxed: annotation builds a box per article and linking moves it in, so the
    /// archive is not held twice over (once as annotated, once as linked articles)
    /// while linking, which was 62 MB at 100,000 articles.
    pub annotated: Box<AnnotatedArticle>,
    pub slug: String,
    pub title: String,
    /// Index into [`Registry::sources`].
    pub source: Option<usize>,
    /// Sorted by position, non-overlapping.
    pub mentions: Vec<Mention>,
    /// Entity index of each note's claimant (same order as `annotated.notes`).
    pub claimants: Vec<Option<usize>>,
    /// For each of `meta.authors`, the person entity of that name (or alias), if any.
    pub authors: Vec<Option<usize>>,
    /// Outgoing see-also links, then backlinks.
    pub see_also: Vec<SeeAlso>,
    pub related: Vec<Related>,
}

impl Article {
    pub fn id(&self) -> &str {
        &self.annotated.id
    }

    /// Site path of the article page: `articles/<slug>/`.
    pub fn path(&self) -> String {
        // Joined rather than `format!`ed: every list, related link and mention group
        // asks for it.
        ["articles/", self.slug.as_str(), "/"].concat()
    }

    /// Takes out what only the article's own files, the entity pages and its search
    /// record read: its document, notes and mentions. A build's last stage does this
    /// as it goes; the article keeps its id, slug, title and metadata. The caller
    /// frees the body where it costs least (the search stage, on the core that is not
    /// cutting words).
    pub fn take_body(&mut self) -> ArticleBody {
        ArticleBody {
            document: std::mem::take(&mut self.annotated.document),
            notes: std::mem::take(&mut self.annotated.notes),
            explicit_mentions: std::mem::take(&mut self.annotated.mentions),
            mentions: std::mem::take(&mut self.mentions),
            claimants: std::mem::take(&mut self.claimants),
        }
    }
}

/// What [`Article::take_body`] takes out of an article, held only to be dropped.
#[derive(Debug)]
pub struct ArticleBody {
    pub document: Document,
    pub notes: Vec<crate::annotate::Note>,
    pub explicit_mentions: Vec<crate::annotate::ExplicitMention>,
    pub mentions: Vec<Mention>,
    pub claimants: Vec<Option<usize>>,
}

/// The whole linked archive: what rendering needs.
#[derive(Debug, Clone)]
pub struct Archive {
    pub config: Config,
    pub registry: Registry,
    /// Sorted by id (file stem).
    pub articles: Vec<Article>,
    pub targets: Targets,
}

impl Archive {
    /// Article indexes, newest first; undated articles last, then by id.
    pub fn newest_first(&self) -> Vec<usize> {
        // Articles are sorted by id, so the index breaks ties as the id would. The
        // keys are gathered first: comparing through the articles themselves misses
        // the cache at every step.
        let mut keyed: Vec<(std::cmp::Reverse<Option<crate::model::PartialDate>>, usize)> = self
            .articles
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let date = a.annotated.meta.published.as_ref().map(|d| *d.get_ref());
                (std::cmp::Reverse(date), i)
            })
            .collect();
        keyed.sort_unstable();
        keyed.into_iter().map(|(_, i)| i).collect()
    }

    /// The articles a person entity wrote (by `authors`), newest first.
    pub fn authored_by(&self, entity: usize) -> Vec<usize> {
        self.newest_first()
            .into_iter()
            .filter(|&a| self.articles[a].authors.contains(&Some(entity)))
            .collect()
    }

    /// For each entity, the (article, mention) pairs that mention it, in article order.
    pub fn mentions_by_entity(&self) -> Vec<Vec<(usize, usize)>> {
        let mut by_entity = vec![Vec::new(); self.registry.entities.len()];
        for (a, article) in self.articles.iter().enumerate() {
            for (m, mention) in article.mentions.iter().enumerate() {
                by_entity[mention.entity()].push((a, m));
            }
        }
        by_entity
    }
}

/// What linking needs besides the articles, built once per registry: the mention
/// automaton and the people an author name can resolve to.
pub struct LinkContext {
    matcher: MentionMatcher,
    people: HashMap<String, usize>,
    /// Per surface (name or alias) of `matcher`: whether it has matched in an article
    /// linked with this context. `gloss check` reports aliases that never match from
    /// this, rather than running the automaton over every article a second time.
    surfaces_matched: Vec<AtomicBool>,
}

impl LinkContext {
    pub fn new(registry: &Registry) -> Self {
        let matcher = MentionMatcher::new(&registry.entities);
        let surfaces_matched = (0..matcher.surface_count())
            .map(|_| AtomicBool::new(false))
            .collect();
        Self {
            matcher,
            people: people_by_name(registry),
            surfaces_matched,
        }
    }

    /// The registry's matcher (surfaces are numbered by it).
    pub fn matcher(&self) -> &MentionMatcher {
        &self.matcher
    }

    /// Whether surface `index` matched in any article linked so far (before code
    /// blocks and `ignore` entries are taken out). Only ever set: after an edit in
    /// `serve`, an alias that stopped matching still counts.
    pub fn surface_matched(&self, index: usize) -> bool {
        self.surfaces_matched
            .get(index)
            .is_some_and(|matched| matched.load(Ordering::Relaxed))
    }

    /// The registry's names and aliases in `text` ([`MentionMatcher::find`]), noting
    /// which surfaces matched.
    fn find_names(&self, text: &str) -> impl Iterator<Item = FoundMention> + '_ {
        self.matcher
            .find_with_surfaces(text)
            .into_iter()
            .map(|(mention, surface)| {
                if let Some(matched) = self.surfaces_matched.get(surface) {
                    // Read first: a popular name is found on both threads, and
                    // storing each time would bounce its cache line between them.
                    if !matched.load(Ordering::Relaxed) {
                        matched.store(true, Ordering::Relaxed);
                    }
                }
                mention
            })
    }
}

/// A link's diagnostics by where they come from, so that relinking one article can
/// replace just its own.
#[derive(Debug, Clone, Default)]
pub struct LinkDiagnostics {
    /// Same order as [`Archive::articles`].
    pub per_article: Vec<Vec<Diagnostic>>,
    /// Slugs used twice.
    pub duplicates: Vec<Diagnostic>,
    /// `[[id]]` links in the registry's descriptions.
    pub registry: Vec<Diagnostic>,
}

impl LinkDiagnostics {
    pub fn all(&self) -> impl Iterator<Item = &Diagnostic> {
        self.per_article
            .iter()
            .flatten()
            .chain(&self.duplicates)
            .chain(&self.registry)
    }
}

/// Resolves every id and computes the cross-references.
pub fn link(
    config: Config,
    registry: Registry,
    annotated: Vec<impl Into<Box<AnnotatedArticle>> + Send>,
) -> (Archive, Vec<Diagnostic>) {
    let context = LinkContext::new(&registry);
    let (archive, diagnostics) = link_with(&context, config, registry, annotated);
    let all = diagnostics.all().cloned().collect();
    (archive, all)
}

/// [`link`] with a context built beforehand, keeping diagnostics by article.
pub fn link_with(
    context: &LinkContext,
    config: Config,
    registry: Registry,
    annotated: Vec<impl Into<Box<AnnotatedArticle>> + Send>,
) -> (Archive, LinkDiagnostics) {
    let annotated: Vec<Box<AnnotatedArticle>> = annotated.into_iter().map(Into::into).collect();
    // In parallel: on one thread, titles and slugs (with the duplicate check below)
    // took 86 ms at 100,000 articles.
    let (titles, proposed): (Vec<String>, Vec<(String, Option<Diagnostic>)>) = annotated
        .par_iter()
        .map(|article| {
            let title = article_title(article);
            let proposed = proposed_slug(article, &title);
            (title, proposed)
        })
        .unzip();
    let slugs: Vec<String> = proposed.iter().map(|(slug, _)| slug.clone()).collect();
    let duplicates = duplicate_slugs(annotated.iter().map(|a| &**a).zip(&slugs));
    let ids: Vec<&str> = annotated.iter().map(|a| a.id.as_str()).collect();
    let targets = Targets::new(&ids, &slugs, &titles, &registry);

    // Unzipped in parallel rather than collected as pairs first: at 100,000 articles
    // the intermediate list of pairs was another 80 MB at the link stage's peak.
    let (mut articles, per_article): (Vec<Article>, Vec<Vec<Diagnostic>>) = annotated
        .into_par_iter()
        .zip(proposed.into_par_iter())
        .zip(titles.into_par_iter())
        .map(|((annotated, (slug, invalid)), title)| {
            let (article, mut found) =
                resolve_article(annotated, slug, title, &registry, context, &targets);
            found.extend(invalid);
            (article, found)
        })
        .unzip();
    finish_cross_references(&mut articles, registry.entities.len());
    let mut registry_diagnostics = Vec::new();
    check_registry_links(&registry, &targets, &mut registry_diagnostics);
    let archive = Archive {
        config,
        registry,
        articles,
        targets,
    };
    let diagnostics = LinkDiagnostics {
        per_article,
        duplicates,
        registry: registry_diagnostics,
    };
    (archive, diagnostics)
}

impl Archive {
    /// Replaces the articles at the given indexes with new versions (an edited
    /// article or annotation file) and relinks: only those articles are resolved
    /// again; slugs, `[[id]]` targets, backlinks and related articles are recomputed
    /// for the whole archive, since an edit can change them anywhere. The result is the
    /// same as linking everything anew (the incremental rebuild tests compare them).
    /// Returns true when a slug or title changed, and with it the `[[id]]` targets.
    pub fn relink(
        &mut self,
        context: &LinkContext,
        changed: Vec<(usize, AnnotatedArticle)>,
        diagnostics: &mut LinkDiagnostics,
    ) -> bool {
        let mut renamed: HashSet<String> = HashSet::new();
        let mut resolved = Vec::with_capacity(changed.len());
        for (index, annotated) in changed {
            let annotated = Box::new(annotated);
            let title = article_title(&annotated);
            let (slug, invalid) = proposed_slug(&annotated, &title);
            let old = &self.articles[index];
            if old.title != title || old.slug != slug {
                renamed.insert(old.slug.clone());
                renamed.insert(slug.clone());
            }
            resolved.push((index, annotated, slug, title, invalid));
        }
        if !renamed.is_empty() {
            // Other articles may name a changed article by its slug (in `see_also` or
            // an `[[id]]`): they are resolved again too, as a full link would.
            let editing: HashSet<usize> = resolved.iter().map(|r| r.0).collect();
            let referring: Vec<usize> = (0..self.articles.len())
                .filter(|i| {
                    !editing.contains(i) && refers_to(&self.articles[*i].annotated, &renamed)
                })
                .collect();
            for index in referring {
                let annotated = self.articles[index].annotated.clone();
                let title = self.articles[index].title.clone();
                let (slug, invalid) = proposed_slug(&annotated, &title);
                resolved.push((index, annotated, slug, title, invalid));
            }
            let mut slugs: Vec<String> = self.articles.iter().map(|a| a.slug.clone()).collect();
            let mut titles: Vec<String> = self.articles.iter().map(|a| a.title.clone()).collect();
            for (index, _, slug, title, _) in &resolved {
                slugs[*index].clone_from(slug);
                titles[*index].clone_from(title);
            }
            let ids: Vec<&str> = self.articles.iter().map(Article::id).collect();
            self.targets = Targets::new(&ids, &slugs, &titles, &self.registry);
        }
        // Related articles depend only on which entities each article mentions: when
        // no edit changed that, the ranking is kept as it was.
        let mut entities_changed = false;
        for (index, annotated, slug, title, invalid) in resolved {
            let (mut article, mut found) = resolve_article(
                annotated,
                slug,
                title,
                &self.registry,
                context,
                &self.targets,
            );
            found.extend(invalid);
            let old = &mut self.articles[index];
            if related::distinct_entities(&article) == related::distinct_entities(old) {
                article.related = std::mem::take(&mut old.related);
            } else {
                entities_changed = true;
            }
            *old = article;
            diagnostics.per_article[index] = found;
        }
        diagnostics.duplicates =
            duplicate_slugs(self.articles.iter().map(|a| (&*a.annotated, &a.slug)));
        for article in &mut self.articles {
            article.see_also.retain(|link| link.outgoing);
        }
        add_backlinks(&mut self.articles);
        if entities_changed {
            related::rank(&mut self.articles, self.registry.entities.len());
        }
        !renamed.is_empty()
    }
}

/// True when an article's `see_also` or `[[id]]` links name one of `names`.
fn refers_to(article: &AnnotatedArticle, names: &HashSet<String>) -> bool {
    article
        .see_also
        .iter()
        .any(|spec| names.contains(spec.article.get_ref()))
        || article.notes.iter().any(|note| {
            wiki_links(note.body.get_ref())
                .iter()
                .any(|(id, _)| names.contains(*id))
        })
}

/// What depends on every article at once: backlinks and related articles.
fn finish_cross_references(articles: &mut [Article], entity_count: usize) {
    add_backlinks(articles);
    related::rank(articles, entity_count);
}

/// The title an article is shown with: the editor's, the parser's, or its file stem.
fn article_title(article: &AnnotatedArticle) -> String {
    article
        .meta
        .title
        .clone()
        .or_else(|| article.document.title.clone())
        .unwrap_or_else(|| article.id.clone())
}

/// An article's slug: the editor's (an error if invalid), or derived from the title.
fn proposed_slug(article: &AnnotatedArticle, title: &str) -> (String, Option<Diagnostic>) {
    let Some(given) = &article.meta.slug else {
        let derived = slugify(title);
        let slug = if derived.is_empty() {
            slugify(&article.id)
        } else {
            derived
        };
        return (slug, None);
    };
    let invalid = (!is_slug(given.get_ref())).then(|| {
        Diagnostic::error(
            annotation_path(article),
            format!("invalid slug `{}`", given.get_ref()),
        )
        .with_span(Some(given.span()))
        .with_hint(format!(
            "slugs use lowercase letters, digits and single hyphens, like `{}`",
            slugify(given.get_ref())
        ))
    });
    (given.get_ref().clone(), invalid)
}

/// A slug used twice is an error at its second use, naming the first article.
fn duplicate_slugs<'a>(
    articles: impl Iterator<Item = (&'a AnnotatedArticle, &'a String)>,
) -> Vec<Diagnostic> {
    let mut seen: HashMap<&str, &AnnotatedArticle> = HashMap::new();
    let mut diagnostics = Vec::new();
    for (article, slug) in articles {
        if let Some(first) = seen.get(slug.as_str()) {
            let mut diagnostic = Diagnostic::error(
                annotation_path(article),
                format!(
                    "slug `{slug}` is also used by `{}`",
                    first.source_path.display()
                ),
            )
            .with_hint("give one of them another `slug` in its [article] table");
            if let Some(given) = &article.meta.slug {
                diagnostic = diagnostic.with_span(Some(given.span()));
            }
            diagnostics.push(diagnostic);
        } else {
            seen.insert(slug, article);
        }
    }
    diagnostics
}

/// Diagnostics about an article without an annotation file point at the article.
fn annotation_path(article: &AnnotatedArticle) -> &Path {
    article
        .annotation_path
        .as_deref()
        .unwrap_or(&article.source_path)
}

fn resolve_article(
    annotated: Box<AnnotatedArticle>,
    slug: String,
    title: String,
    registry: &Registry,
    context: &LinkContext,
    targets: &Targets,
) -> (Article, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let path = annotation_path(&annotated).to_path_buf();
    let source = annotated.meta.source.as_ref().and_then(|id| {
        let found = registry.sources.iter().position(|s| s.id == *id.get_ref());
        if found.is_none() {
            diagnostics.push(unknown_id(
                &path,
                "source",
                id.get_ref(),
                id.span(),
                registry.sources.iter().map(|s| s.id.as_str()),
            ));
        }
        found
    });
    for tag in &annotated.meta.tags {
        if !is_slug(tag.get_ref()) {
            diagnostics.push(
                Diagnostic::error(&path, format!("invalid tag `{}`", tag.get_ref()))
                    .with_span(Some(tag.span()))
                    .with_hint(format!(
                        "tags use lowercase letters, digits and single hyphens, like `{}`",
                        slugify(tag.get_ref())
                    )),
            );
        }
    }
    let claimants = annotated
        .notes
        .iter()
        .map(|note| {
            let claimant = note.claimant.as_ref()?;
            let found = registry.entity_index(claimant.get_ref());
            if found.is_none() {
                diagnostics.push(unknown_id(
                    &path,
                    "entity",
                    claimant.get_ref(),
                    claimant.span(),
                    registry.entities.iter().map(|e| e.id.as_str()),
                ));
            }
            found
        })
        .collect();
    for note in &annotated.notes {
        diagnostics.extend(targets.check_wiki_links(&path, &note.body));
    }
    let mentions = find_mentions(&annotated, registry, context, &path, &mut diagnostics);
    let see_also = annotated
        .see_also
        .iter()
        .filter_map(|spec| {
            let target = spec.article.get_ref();
            let found = targets.article_index(target);
            if found.is_none() {
                diagnostics.push(unknown_id(
                    &path,
                    "article",
                    target,
                    spec.article.span(),
                    targets.article_ids(),
                ));
            }
            Some(SeeAlso {
                article: found?,
                why: spec.why.clone(),
                outgoing: true,
            })
        })
        .collect();
    let authors = annotated
        .meta
        .authors
        .iter()
        .map(|name| context.people.get(&name.trim().to_lowercase()).copied())
        .collect();
    let article = Article {
        annotated,
        slug,
        title,
        source,
        mentions,
        claimants,
        authors,
        see_also,
        related: Vec::new(),
    };
    (article, diagnostics)
}

/// Automatic mentions from the registry's names, minus suppressed ones, plus explicit
/// ones (which win over automatic ones they overlap). Code blocks are not searched.
fn find_mentions(
    article: &AnnotatedArticle,
    registry: &Registry,
    context: &LinkContext,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Mention> {
    // Unpacked once: the text and the code blocks.
    let body = article.document.body();
    let code: Vec<&Range<usize>> = body
        .blocks
        .iter()
        .filter(|b| matches!(b.kind, BlockKind::Code { .. }))
        .map(|b| &b.range)
        .collect();
    let mut found: Vec<(Range<usize>, usize)> = context
        .find_names(&body.text)
        .filter(|m| !code.iter().any(|c| overlaps(c, &m.range)))
        .map(|m| (m.range, m.entity))
        .collect();
    for explicit in &article.mentions {
        let Some(entity) = registry.entity_index(explicit.entity.get_ref()) else {
            diagnostics.push(unknown_id(
                path,
                "entity",
                explicit.entity.get_ref(),
                explicit.entity.span(),
                registry.entities.iter().map(|e| e.id.as_str()),
            ));
            continue;
        };
        if explicit.ignore {
            let before = found.len();
            found.retain(|(range, e)| !(*e == entity && overlaps(range, &explicit.range)));
            if found.len() == before {
                diagnostics.push(
                    Diagnostic::warning(
                        path,
                        format!(
                            "nothing to ignore: `{}` is not matched automatically at this quote",
                            explicit.entity.get_ref()
                        ),
                    )
                    .with_span(Some(explicit.entity.span())),
                );
            }
        } else {
            found.retain(|(range, _)| !overlaps(range, &explicit.range));
            found.push((explicit.range.clone(), entity));
        }
    }
    found.sort_by_key(|(range, _)| (range.start, range.end));
    // Numbered per entity, so a new mention of one entity does not renumber (and
    // break links to) the mentions of every other. An article names a handful of
    // entities: counted in a short list, not in an array as long as the registry
    // (zeroing one per article was quadratic in the archive's size).
    let mut seen: Vec<(usize, u32)> = Vec::new();
    let mentions: Vec<Mention> = found
        .into_iter()
        .map(|(range, entity)| {
            let ordinal = if let Some((_, count)) = seen.iter_mut().find(|(e, _)| *e == entity) {
                *count += 1;
                *count
            } else {
                seen.push((entity, 1));
                1
            };
            Mention::new(range, entity, ordinal)
        })
        .collect();
    // Collected in place into the matcher's list, which grew by doubling: its spare
    // room would be held with the article until it is rendered.
    crate::model::exact_size(mentions)
}

/// Every person's lowercased name and aliases → entity index, built once per build:
/// authors are linked to their entity page when the registry has them.
fn people_by_name(registry: &Registry) -> HashMap<String, usize> {
    let mut people = HashMap::new();
    for (index, entity) in registry.entities.iter().enumerate() {
        if entity.kind == EntityKind::Person {
            for name in std::iter::once(&entity.name).chain(&entity.aliases) {
                people.entry(name.trim().to_lowercase()).or_insert(index);
            }
        }
    }
    people
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// An unknown id, with a did-you-mean among the known ones.
pub(crate) fn unknown_id<'a>(
    path: &Path,
    what: &str,
    id: &str,
    span: Range<usize>,
    known: impl IntoIterator<Item = &'a str>,
) -> Diagnostic {
    let mut diagnostic =
        Diagnostic::error(path, format!("unknown {what} `{id}`")).with_span(Some(span));
    if let Some(best) = did_you_mean(id, known) {
        diagnostic = diagnostic.with_hint(format!("did you mean `{best}`?"));
    }
    diagnostic
}

/// Adds each outgoing see-also as a backlink on its target, unless the target links
/// back already.
fn add_backlinks(articles: &mut [Article]) {
    let mut incoming: BTreeMap<usize, Vec<SeeAlso>> = BTreeMap::new();
    for (from, article) in articles.iter().enumerate() {
        for link in article.see_also.iter().filter(|l| l.outgoing) {
            incoming.entry(link.article).or_default().push(SeeAlso {
                article: from,
                why: link.why.clone(),
                outgoing: false,
            });
        }
    }
    for (to, links) in incoming {
        for link in links {
            let already = articles[to]
                .see_also
                .iter()
                .any(|l| l.article == link.article);
            if !already && link.article != to {
                articles[to].see_also.push(link);
            }
        }
    }
}

/// Entity descriptions may use `[[id]]` too; an unknown one points at the entity's table.
fn check_registry_links(registry: &Registry, targets: &Targets, diagnostics: &mut Vec<Diagnostic>) {
    for entity in &registry.entities {
        let Some(description) = &entity.description else {
            continue;
        };
        for (id, _) in wiki_links(description) {
            if targets.get(id).is_none() {
                let mut diagnostic = Diagnostic::error(
                    &registry.entities_path,
                    format!(
                        "unknown article or entity `{id}` in the description of `{}`",
                        entity.id
                    ),
                )
                .with_span(entity.span.clone());
                if let Some(best) = did_you_mean(id, targets.ids()) {
                    diagnostic = diagnostic.with_hint(format!("did you mean `{best}`?"));
                }
                diagnostics.push(diagnostic);
            }
        }
    }
}
