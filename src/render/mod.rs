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
pub mod markdown;
pub mod pages;
pub mod search;
pub mod templates;
pub mod views;

use crate::diagnostics::Report;
use crate::link::Archive;
use crate::load::Project;

/// A file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Relative, forward slashes: `articles/x/index.html`.
    pub path: String,
    pub contents: Vec<u8>,
}

/// Everything `render` produced.
#[derive(Debug, Default)]
pub struct Rendered {
    /// Sorted by path.
    pub files: Vec<OutputFile>,
}

/// Renders every page of the archive.
pub fn render_site(archive: &Archive, project: &Project) -> Result<Rendered, Report> {
    let assets = assets::Assets::collect(&project.static_files, archive.config.base_path());
    let templates = templates::Templates::new(
        &project.templates,
        archive.config.base_path(),
        assets.urls(),
    )?;
    let mut files = pages::render_pages(archive, &templates)?;
    files.extend(assets.into_files());
    files.extend(search::search_files(archive)?);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Rendered { files })
}
