//! Stage 4, render: the linked archive becomes pages (HTML through Tera, plus plain
//! text, JSON-LD, feeds and static assets), all in memory. Only `output` writes them.
//!
//! HTML is produced here and in templates/ only. Pages are rendered in parallel; the
//! templates are compiled once and shared.

pub mod assets;
pub mod body;
pub mod export;
pub mod feeds;
pub mod graph;
pub mod highlight;
pub mod html;
pub mod json;
pub mod markdown;
pub mod pages;
pub mod plan;
pub mod search;
pub mod snippet;
pub mod templates;
pub mod views;

use std::sync::{Mutex, PoisonError};

use crate::diagnostics::{Diagnostic, Report};
use crate::link::Archive;
use crate::load::Project;
use crate::progress::{Progress, Stage};

/// A file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Relative, forward slashes: `articles/x/index.html`.
    pub path: String,
    pub contents: Vec<u8>,
}

/// Everything `render` produced, in memory (for `serve` and tests).
#[derive(Debug, Default)]
pub struct Rendered {
    /// Sorted by path.
    pub files: Vec<OutputFile>,
}

/// Where rendered files go as they are produced: memory ([`MemorySink`]) for `serve`,
/// or the output's staging folder (`output::StagingSink`) for `build`, so a large site
/// is never held in memory whole.
pub trait Sink: Sync {
    fn put(&self, file: OutputFile) -> Result<(), Diagnostic>;

    /// Keeps the files `unit` wrote in the sink's previous build instead of rendering
    /// it again, if that build rendered it with the same print in the same scope and
    /// its files are still as that build left them; gives how many files it kept.
    /// `None`: the unit is to be rendered and its files put.
    fn reuse(&self, _unit: &UnitPrint) -> Option<usize> {
        None
    }

    /// Says that no more units will be offered to [`Sink::reuse`]: the sink may free
    /// what it kept to answer.
    fn done_reusing(&self) {}

    /// Notes the paths of the files a rendered `unit` put, for a later build to reuse.
    fn made(&self, _unit: &UnitPrint, _paths: &[String]) {}
}

/// A unit of the site ([`plan::Unit`]) as a build renders it: a key for the unit, its
/// fingerprint ([`pages::Pages::fingerprint`]), and the scope the fingerprint holds in
/// ([`plan::scope`]: what every page depends on besides the articles it shows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnitPrint {
    pub scope: u64,
    pub unit: u64,
    pub print: u64,
}

/// Collects the files in memory.
#[derive(Debug, Default)]
pub struct MemorySink {
    files: Mutex<Vec<OutputFile>>,
}

impl Sink for MemorySink {
    fn put(&self, file: OutputFile) -> Result<(), Diagnostic> {
        self.files
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(file);
        Ok(())
    }
}

impl MemorySink {
    /// The files, sorted by path (parallel rendering finishes them in any order).
    pub fn into_rendered(self) -> Rendered {
        let mut files = self
            .files
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Rendered { files }
    }
}

/// Renders every page of the archive into memory.
pub fn render_site(
    archive: &Archive,
    project: &Project,
    progress: Option<&Progress>,
) -> Result<Rendered, Report> {
    let sink = MemorySink::default();
    render_into(archive, project, &sink, progress)?;
    Ok(sink.into_rendered())
}

/// Renders every page of the archive into `sink`.
pub fn render_into(
    archive: &Archive,
    project: &Project,
    sink: &dyn Sink,
    progress: Option<&Progress>,
) -> Result<(), Report> {
    render_pages_into(archive, project, None, sink, progress)?;
    begin_search(progress);
    search::write_search_files(archive, |file| sink.put(file)).map_err(Report::from)
}

/// [`render_into`] for a build, the archive's last use: the search stage frees it as
/// soon as it has what it needs of it, so the index is not encoded beside it. Units
/// are fingerprinted (`inputs[a]` is a hash of article `a`'s files): the sink may
/// reuse a unit its previous build rendered from the same inputs, and is told what
/// the others wrote.
pub fn render_into_last(
    archive: Archive,
    project: &Project,
    inputs: &[u64],
    sink: &dyn Sink,
    progress: Option<&Progress>,
) -> Result<(), Report> {
    render_pages_into(&archive, project, Some(inputs), sink, progress)?;
    begin_search(progress);
    search::write_search_files_last(archive, |file| sink.put(file)).map_err(Report::from)
}

fn begin_search(progress: Option<&Progress>) {
    if let Some(progress) = progress {
        progress.begin(Stage::Search);
    }
}

/// The project's static files, fingerprinted, and its templates compiled against
/// their URLs: what every build renders with.
pub(crate) fn theme(
    archive: &Archive,
    project: &Project,
) -> Result<(assets::Assets, templates::Templates), Report> {
    let base_path = archive.config.base_path();
    let assets = assets::Assets::collect(&project.static_files, base_path);
    let templates = templates::Templates::new(&project.templates, base_path, assets.urls())?;
    Ok((assets, templates))
}

/// What `gloss check` can say about the templates without rendering a page: the
/// errors of compiling them as a build does (syntax, include and macro cycles,
/// nesting). A missing variable or static file shows only when a page renders.
pub fn check_templates(archive: &Archive, project: &Project) -> Report {
    theme(archive, project).err().unwrap_or_default()
}

/// Every page and static file, without the search index; with `inputs` (see
/// [`render_into_last`]), reusing what the sink can.
fn render_pages_into(
    archive: &Archive,
    project: &Project,
    inputs: Option<&[u64]>,
    sink: &dyn Sink,
    progress: Option<&Progress>,
) -> Result<(), Report> {
    if let Some(progress) = progress {
        progress.begin(Stage::Render);
    }
    let (assets, templates) = theme(archive, project)?;
    let counted = Counted { sink, progress };
    let reusing = inputs.and_then(|inputs| Some((inputs, plan::scope(project, archive)?)));
    match reusing {
        Some((inputs, scope)) => {
            pages::render_pages_reusing(archive, &templates, &counted, scope, inputs)?;
        }
        None => pages::render_pages(archive, &templates, &counted)?,
    }
    for file in assets.into_files() {
        counted.put(file).map_err(Report::from)?;
    }
    Ok(())
}

/// Passes files on, counting them as rendered pages for the progress display.
pub(crate) struct Counted<'a> {
    pub(crate) sink: &'a dyn Sink,
    pub(crate) progress: Option<&'a Progress>,
}

impl Sink for Counted<'_> {
    fn put(&self, file: OutputFile) -> Result<(), Diagnostic> {
        if let Some(progress) = self.progress {
            progress.advance(1);
        }
        self.sink.put(file)
    }

    fn reuse(&self, unit: &UnitPrint) -> Option<usize> {
        let kept = self.sink.reuse(unit)?;
        if let Some(progress) = self.progress {
            progress.advance(kept);
        }
        Some(kept)
    }

    fn done_reusing(&self) {
        self.sink.done_reusing();
    }

    fn made(&self, unit: &UnitPrint, paths: &[String]) {
        self.sink.made(unit, paths);
    }
}
