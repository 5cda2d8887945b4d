//! The whole pipeline, in order: load → parse/annotate → link → render.
//!
//! [`build_into`] streams the site into a sink (`gloss build`: the output's staging
//! folder); [`build`] returns it in memory (tests). `serve` goes through
//! [`crate::rebuild::Session`], which starts from `assemble_parts`. Nothing here
//! touches the file system except through `load`.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use rayon::prelude::*;

use crate::annotate::{annotate_with_overrides, AnnotatedArticle};
use crate::diagnostics::{Diagnostic, Report};
use crate::link::{self, Archive, LinkContext, LinkDiagnostics, Registry};
use crate::lint;
use crate::load::{self, Project};
use crate::progress::{Progress, Stage};
use crate::render::{self, Rendered, Sink};

/// Options that override `site.toml` for one build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub base_url: Option<String>,
    /// Where the build reports its stages and page counts, if anyone is watching.
    pub progress: Option<Arc<Progress>>,
}

impl BuildOptions {
    pub(crate) fn begin(&self, stage: Stage) {
        if let Some(progress) = &self.progress {
            progress.begin(stage);
        }
    }

    fn advance(&self, n: usize) {
        if let Some(progress) = &self.progress {
            progress.advance(n);
        }
    }
}

/// A successful build: the site's files and the warnings found on the way.
#[derive(Debug)]
pub struct Built {
    pub rendered: Rendered,
    pub warnings: Report,
    pub articles: usize,
}

/// Loads, checks and lints a project without rendering (`gloss check`): every
/// diagnostic a build would report before rendering (the templates' compile errors
/// included), plus the archive-wide warnings of [`lint`]. Like a
/// build, it reads, parses, lints and frees each article in turn, so the archive's
/// texts are never all in memory at once (holding them took 1.6 GB at 100,000
/// articles). `Err` only when nothing could be assembled at all.
pub fn check(root: &Path, options: &BuildOptions) -> Result<(Archive, Report), Report> {
    let mut assembled = assemble_for(root, options, Purpose::Check)?;
    let warnings =
        lint::archive_warnings(&assembled.project, &assembled.archive, &assembled.context);
    assembled.other.extend(warnings);
    let mut report = assembled.report();
    // A template that would not compile fails every build: say so before one is run.
    report.merge(render::check_templates(
        &assembled.archive,
        &assembled.project,
    ));
    Ok((assembled.archive, report))
}

/// Assembles a project for a build: each article's files are read, parsed and dropped in
/// turn, so the archive's texts are never all in memory at once; the report reads
/// again from disk the few files its diagnostics point into. Rendering reads the
/// parsed documents.
fn assemble_for_build(root: &Path, options: &BuildOptions) -> Result<ForBuild, Report> {
    let assembled = assemble_for(root, options, Purpose::Build)?;
    let report = assembled.report();
    Ok(ForBuild {
        project: assembled.project,
        archive: assembled.archive,
        report,
        inputs: assembled.inputs,
    })
}

/// What a build renders from: the project (without its articles' texts), the linked
/// archive, the diagnostics, and each article's [`input_hash`].
struct ForBuild {
    project: Project,
    archive: Archive,
    report: Report,
    inputs: Vec<u64>,
}

/// A loaded and linked project with its diagnostics kept by where they come from, so
/// an incremental rebuild can replace one article's.
pub(crate) struct Assembled {
    pub(crate) project: Project,
    pub(crate) archive: Archive,
    pub(crate) context: LinkContext,
    /// Parsing and anchoring, per article.
    pub(crate) annotate: Vec<Vec<Diagnostic>>,
    pub(crate) link: LinkDiagnostics,
    /// The registries and orphan annotation files.
    pub(crate) other: Vec<Diagnostic>,
    /// Per article, a hash of its text and annotation file ([`input_hash`]), taken
    /// before the texts were freed: what tells a build or `serve`'s session that an
    /// article is unchanged. Empty for `gloss check`.
    pub(crate) inputs: Vec<u64>,
}

impl Assembled {
    /// Every diagnostic, sorted, with the text of the files they point into.
    pub(crate) fn report(&self) -> Report {
        let mut report = Report::default();
        report.extend(self.other.iter().cloned());
        report.extend(self.annotate.iter().flatten().cloned());
        report.extend(self.link.all().cloned());
        attach_sources(&self.project, &mut report);
        report.sort();
        report
    }
}

/// Assembles a project for `serve`'s session, which keeps the list of article files
/// (an edit is matched to its article by path) and each article's [`input_hash`].
pub(crate) fn assemble_parts(root: &Path, options: &BuildOptions) -> Result<Assembled, Report> {
    assemble_for(root, options, Purpose::Serve)
}

/// What assembling is for. None of them keeps the articles' texts: each article and
/// its annotation file are read just before they are parsed and freed just after (the
/// parsed document has its own copy of the text). Reading all first held the whole
/// archive's source text, 870 MB at 100,000 articles, and did not let reading one
/// article overlap parsing another.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Purpose {
    /// A build: each article's [`input_hash`] is taken before its texts are freed.
    Build,
    /// `gloss check`: each article's own lints ([`lint::article_warnings`]) run on
    /// its texts before they are freed.
    Check,
    /// `serve`'s session: each article's [`input_hash`] is taken before its texts are
    /// freed, and the list of files is kept.
    Serve,
}

/// A hash of an article's own files, by which `serve`'s session tells whether an
/// edit changed them, and a build whether the pages its previous build rendered of
/// the article still hold. XXH3: every build hashes every article's text.
pub(crate) fn input_hash(article: &load::ArticleSource) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let text = &article.source.text;
    // The length first, so that the text and the annotation file are not read as
    // one run of bytes (moving a line from one to the other changes the hash).
    hasher.update(&(text.len() as u64).to_le_bytes());
    hasher.update(text.as_bytes());
    if let Some(annotation) = &article.annotation {
        hasher.update(annotation.text.as_bytes());
    }
    hasher.digest()
}

fn assemble_for(
    root: &Path,
    options: &BuildOptions,
    purpose: Purpose,
) -> Result<Assembled, Report> {
    options.begin(Stage::Load);
    let mut project = load::load_project_with(root, load::ArticleTexts::Defer)?;
    if let Some(base_url) = &options.base_url {
        project.config.set_base_url(base_url);
    }
    let mut other = Report::default();
    let registry = load_registry(&project, &mut other);
    options.begin(Stage::Annotate);
    let root = project.root.clone();
    // Each article boxed as soon as it is made: the list of results, then of
    // articles, then linking's move into `Article`s each hold a pointer to an article
    // rather than the article (616 bytes, 62 MB at 100,000 articles).
    //
    // The mention automaton is built beside the parsing, which keeps both cores busy
    // anyway: built after it, on one thread, it took 70 ms at 100,000 articles while
    // the other core waited.
    let (context, results) = rayon::join(
        || LinkContext::new(&registry),
        || read_and_annotate_all(&root, &mut project.articles, purpose, options),
    );
    let mut annotated: Vec<Box<AnnotatedArticle>> = Vec::with_capacity(results.len());
    let mut annotate: Vec<Vec<Diagnostic>> = Vec::with_capacity(results.len());
    let mut inputs: Vec<u64> = Vec::new();
    for result in results {
        match result {
            Ok((article, diagnostics, input)) => {
                annotated.push(article);
                annotate.push(diagnostics);
                if purpose != Purpose::Check {
                    inputs.push(input);
                }
            }
            // An article that cannot be read is an error, so no session is made with
            // its list of files out of step with the archive's.
            Err(unread) => other.push(unread),
        }
    }
    for orphan in &project.orphan_annotations {
        other.push(
            Diagnostic::warning(
                &orphan.path,
                "annotation file has no article with the same name",
            )
            .with_hint("name it after an article file: `<article stem>.toml`"),
        );
    }
    if purpose != Purpose::Serve {
        // Their texts are freed; the list of files itself is not needed any more.
        project = without_article_sources(project);
    }
    options.begin(Stage::Link);
    let (archive, link) = link::link_with(&context, project.config.clone(), registry, annotated);
    Ok(Assembled {
        project,
        archive,
        context,
        annotate,
        link,
        other: other.diagnostics,
        inputs,
    })
}

/// An article, parsed and anchored, with what that found and (for `serve`'s session)
/// its [`input_hash`].
type Annotated = (Box<AnnotatedArticle>, Vec<Diagnostic>, u64);

/// How many articles are read ahead of parsing: two chunks of texts are held at once.
const READ_AHEAD: usize = 256;

/// Reads every article's files (a chunk ahead, see [`load::read_ahead`]), parses and
/// anchors each (and does what `purpose` asks), and frees its texts. Results keep the
/// articles' order.
fn read_and_annotate_all(
    root: &Path,
    articles: &mut [load::ArticleSource],
    purpose: Purpose,
    options: &BuildOptions,
) -> Vec<Result<Annotated, Diagnostic>> {
    let mut results = Vec::with_capacity(articles.len());
    load::read_ahead(root, articles, READ_AHEAD, |chunk, reads| {
        results.par_extend(chunk.par_iter_mut().zip(reads).map(|(article, read)| {
            let result = annotate_read(article, read, purpose);
            options.advance(1);
            result
        }));
    });
    results
}

/// Parses and anchors one article whose files were read (linting it or hashing its
/// files if `purpose` says so), and frees the texts.
fn annotate_read(
    article: &mut load::ArticleSource,
    read: load::ArticleRead,
    purpose: Purpose,
) -> Result<Annotated, Diagnostic> {
    let unread_annotation = read?;
    let (annotated, mut diagnostics, overrides) = annotate_with_overrides(article);
    if purpose == Purpose::Check {
        diagnostics.extend(lint::article_warnings(article, &overrides));
    }
    let input = if purpose == Purpose::Check {
        0
    } else {
        input_hash(article)
    };
    load::forget_texts(article);
    diagnostics.extend(unread_annotation);
    Ok((Box::new(annotated), diagnostics, input))
}

/// Builds the site in memory. Errors (in any file) fail the build; warnings travel
/// with the result.
pub fn build(root: &Path, options: &BuildOptions) -> Result<Built, Report> {
    let ForBuild {
        project,
        archive,
        report,
        ..
    } = assemble_for_build(root, options)?;
    if report.has_errors() {
        return Err(report);
    }
    let rendered = render::render_site(&archive, &project, options.progress.as_deref())?;
    Ok(Built {
        rendered,
        warnings: report,
        articles: archive.articles.len(),
    })
}

/// What a build into a [`Sink`] reports.
#[derive(Debug)]
pub struct BuildSummary {
    pub warnings: Report,
    pub articles: usize,
    pub files: usize,
    /// Units of the site (an article page with its two companion files, one page of a
    /// list, …) rendered, and reused from the sink's previous build unrendered.
    pub units_rendered: usize,
    pub units_reused: usize,
}

/// Counts what passes through to another sink.
struct Counting<'a> {
    inner: &'a dyn Sink,
    files: AtomicUsize,
    units_rendered: AtomicUsize,
    units_reused: AtomicUsize,
}

impl<'a> Counting<'a> {
    fn new(inner: &'a dyn Sink) -> Self {
        Self {
            inner,
            files: AtomicUsize::new(0),
            units_rendered: AtomicUsize::new(0),
            units_reused: AtomicUsize::new(0),
        }
    }
}

impl Sink for Counting<'_> {
    fn put(&self, file: render::OutputFile) -> Result<(), Diagnostic> {
        self.files.fetch_add(1, Ordering::Relaxed);
        self.inner.put(file)
    }

    fn reuse(&self, unit: &render::UnitPrint) -> Option<usize> {
        let kept = self.inner.reuse(unit)?;
        self.files.fetch_add(kept, Ordering::Relaxed);
        self.units_reused.fetch_add(1, Ordering::Relaxed);
        Some(kept)
    }

    fn done_reusing(&self) {
        self.inner.done_reusing();
    }

    fn made(&self, unit: &render::UnitPrint, paths: &[String]) {
        self.units_rendered.fetch_add(1, Ordering::Relaxed);
        self.inner.made(unit, paths);
    }
}

/// Builds the site into `sink` (the output's staging folder), page by page, without
/// holding the whole site in memory.
pub fn build_into(
    root: &Path,
    options: &BuildOptions,
    sink: &dyn Sink,
) -> Result<BuildSummary, Report> {
    let ForBuild {
        project,
        archive,
        report,
        inputs,
    } = assemble_for_build(root, options)?;
    if report.has_errors() {
        return Err(report);
    }
    let counting = Counting::new(sink);
    let articles = archive.articles.len();
    let progress = options.progress.as_deref();
    render::render_into_last(archive, &project, &inputs, &counting, progress)?;
    Ok(BuildSummary {
        warnings: report,
        articles,
        files: counting.files.into_inner(),
        units_rendered: counting.units_rendered.into_inner(),
        units_reused: counting.units_reused.into_inner(),
    })
}

/// The project without its article and annotation texts: rendering reads the parsed
/// documents, and the report keeps its own copy of any file it points into.
fn without_article_sources(mut project: Project) -> Project {
    project.articles = Vec::new();
    project.orphan_annotations = Vec::new();
    project
}

fn load_registry(project: &Project, report: &mut Report) -> Registry {
    let mut registry = Registry::default();
    if let Some(file) = &project.entities {
        registry.entities_path.clone_from(&file.path);
        match Registry::parse_entities(&file.path, &file.text) {
            Ok(entities) => registry.entities = entities,
            Err(diagnostics) => report.extend(diagnostics),
        }
    }
    if let Some(file) = &project.sources {
        match Registry::parse_sources(&file.path, &file.text) {
            Ok(sources) => registry.sources = sources,
            Err(diagnostics) => report.extend(diagnostics),
        }
    }
    registry
}

/// Gives the report the text of each file a diagnostic points into (only those: an
/// archive of 100,000 annotation files need not be copied for a clean build). The
/// project's files are looked up in one map: a scan of every article per path was
/// quadratic in an archive with many warnings. A file the project no longer holds (a
/// build frees article texts once parsed) is read again.
pub(crate) fn attach_sources(project: &Project, report: &mut Report) {
    let mut wanted: Vec<std::path::PathBuf> =
        report.diagnostics.iter().map(|d| d.path.clone()).collect();
    wanted.sort();
    wanted.dedup();
    if wanted.is_empty() {
        return;
    }
    let registries = [&project.entities, &project.sources];
    let mut by_path: HashMap<&Path, &str> = HashMap::new();
    let files = registries
        .into_iter()
        .flatten()
        .chain(
            project
                .articles
                .iter()
                .flat_map(|a| std::iter::once(&a.source).chain(a.annotation.as_ref())),
        )
        .chain(project.orphan_annotations.iter());
    // Article texts freed after parsing are empty here: those are read again.
    for file in files.filter(|file| !file.text.is_empty()) {
        // The first file of a path wins, as the scan did.
        by_path
            .entry(file.path.as_path())
            .or_insert(file.text.as_str());
    }
    for path in wanted {
        if let Some(text) = by_path.get(path.as_path()) {
            report.add_source(&path, text);
        } else if let Ok(text) = load::read_text(&project.root.join(&path), &path) {
            report.add_source(&path, &text);
        }
    }
}
