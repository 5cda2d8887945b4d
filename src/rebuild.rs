//! Incremental rebuilds, for `gloss serve`: a built site kept in memory with what it
//! was built from, so that editing article or annotation files re-reads, re-parses
//! and re-anchors only those files, relinks, and re-renders only the pages whose
//! [fingerprint](crate::render::pages::Pages::fingerprint) changed.
//!
//! What is redone for an edit, and why it is enough:
//!
//! - `load`, `parse`, `annotate`: only the edited files; every other article's
//!   document and diagnostics are kept.
//! - `link`: only the edited articles are resolved again (plus, when a slug or title
//!   changed, the articles that name it); slugs, backlinks and related articles are
//!   recomputed for all ([`crate::link::Archive::relink`]).
//! - `render`: each unit of the site has a fingerprint of what it shows (built from a
//!   per-article fingerprint of its files, slug, title and resolved `[[id]]` links);
//!   only units whose fingerprint differs from the last render are rendered, and files
//!   that no unit writes any more are removed.
//! - search: the index is rebuilt from per-article records, of which only the edited
//!   ones are made again; building it is slow at scale, so it is handed back as a
//!   [`SearchJob`] for the caller to run in the background.
//!
//! Anything else (site.toml, the registries, templates, static files, an article or
//! annotation file added or removed) rebuilds everything, as does the first change
//! after such a rebuild failed. Either way the files are the same as a full build's
//! (tests/testsuite/incremental.rs compares them after random edits).

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::annotate::annotate_article;
use crate::diagnostics::Report;
use crate::load;
use crate::progress::{Progress, Stage};
use crate::render;
use crate::render::markdown::MarkdownRenderer;
use crate::render::pages::with_pages;
use crate::render::plan::{ArticlePrints, Lists, Unit};
use crate::render::search::{self, PackedRecord};
use crate::render::templates::Templates;
use crate::render::views::Views;
use crate::render::{Counted, OutputFile, Sink};
use crate::site::{assemble_parts, input_hash, Assembled, BuildOptions};

/// A built site and everything needed to rebuild part of it.
pub struct Session {
    root: PathBuf,
    options: BuildOptions,
    assembled: Assembled,
    templates: Templates,
    /// Per article: a hash of its text and annotation file.
    inputs: Vec<u64>,
    prints: ArticlePrints,
    /// Each unit's fingerprint when it was last rendered, and the files it wrote.
    rendered: FxHashMap<Unit, (u64, Vec<String>)>,
    /// Search records per article (same order as the articles) and per entity.
    article_records: Vec<Arc<PackedRecord>>,
    entity_records: Vec<Arc<PackedRecord>>,
    /// Set when a full rebuild failed: the next change must rebuild everything too.
    needs_full: bool,
}

/// What a build or an update produced. Its files went into the caller's sink.
#[derive(Debug)]
pub struct Outcome {
    /// How many files were put into the sink: new or changed files, or after a full
    /// build every file of the site, which replaces the previous version whole.
    pub written: usize,
    /// Files of the previous version that are gone (after an incremental update).
    pub removed: Vec<String>,
    pub warnings: Report,
    pub articles: usize,
    /// Units rendered (pages, or an article page with its two companion files).
    pub units_rendered: usize,
    pub units_total: usize,
    /// True when everything was rebuilt.
    pub full: bool,
    /// The search index, when it is out of date: run it and add its files (after
    /// removing the old ones under [`search::BUNDLE_DIR`]).
    pub search: Option<SearchJob>,
}

/// Rebuilding the search index from records, which may take a while at scale.
#[derive(Debug)]
pub struct SearchJob {
    records: Vec<Arc<PackedRecord>>,
}

impl SearchJob {
    /// The index files, all under [`search::BUNDLE_DIR`].
    pub fn run(self) -> Vec<OutputFile> {
        search::index_packed_files(&self.records)
    }
}

impl Session {
    /// Builds the whole site into `sink` (as each page is rendered, so the caller
    /// decides how the site is held). On `Err`, what `sink` got is to be dropped.
    pub fn start(
        root: &Path,
        options: &BuildOptions,
        sink: &dyn Sink,
    ) -> Result<(Self, Outcome), Report> {
        let mut assembled = assemble_parts(root, options)?;
        let warnings = assembled.report();
        if warnings.has_errors() {
            return Err(warnings);
        }
        let archive = &assembled.archive;
        let project = &assembled.project;
        let (assets, templates) = render::theme(archive, project)?;
        let inputs = std::mem::take(&mut assembled.inputs);
        let prints = ArticlePrints::compute(archive, &inputs);

        options.begin(Stage::Render);
        let sink = &Counted {
            sink,
            progress: options.progress.as_deref(),
        };
        let lists = Lists::new(archive);
        let newest = lists.newest.clone();
        let (rendered_files, units_total, rendered) =
            with_pages(archive, &templates, lists, |pages| -> Result<_, Report> {
                let units = pages.units();
                let rendered = pages.render_each(&units, sink)?;
                let written = rendered.iter().map(|(_, paths)| paths.len()).sum();
                let map = rendered
                    .into_iter()
                    .map(|(unit, paths)| {
                        let print = pages.fingerprint(&unit, &prints);
                        (unit, (print, paths))
                    })
                    .collect::<FxHashMap<_, _>>();
                Ok((written, units.len(), map))
            })?;
        let mut written = rendered_files;
        written += put_all(sink, assets.into_files())?;
        options.begin(Stage::Search);
        let (article_records, entity_records) = all_records(&assembled);
        let session = Self {
            root: root.to_path_buf(),
            // A later full rebuild reports only where `set_progress` says: whoever
            // watched this one has stopped drawing it.
            options: BuildOptions {
                progress: None,
                ..options.clone()
            },
            assembled,
            templates,
            inputs,
            prints,
            rendered,
            article_records,
            entity_records,
            needs_full: false,
        };
        written += put_all(sink, session.search_job(&newest).run())?;
        let outcome = Outcome {
            written,
            removed: Vec::new(),
            warnings,
            articles: session.assembled.archive.articles.len(),
            units_rendered: units_total,
            units_total,
            full: true,
            search: None,
        };
        Ok((session, outcome))
    }

    /// Where the next [`Session::update`] reports its stages if it has to rebuild
    /// everything (an incremental update reports none).
    pub fn set_progress(&mut self, progress: Option<Arc<Progress>>) {
        self.options.progress = progress;
    }

    /// Brings the site up to date with the files in `changed` (relative to the
    /// project root). Errors leave the files as they were: the next successful
    /// update renders everything that changed since the last good one.
    /// The new and changed files go into `sink`; on `Err`, what it got is to be
    /// dropped.
    pub fn update(
        &mut self,
        changed: &BTreeSet<PathBuf>,
        sink: &dyn Sink,
    ) -> Result<Outcome, Report> {
        let edits = if self.needs_full {
            None
        } else {
            self.article_edits(changed)
        };
        let Some(edits) = edits else {
            return self.rebuild_all(sink);
        };
        let (edited, renamed) = self.apply_edits(edits)?;
        // An article's print changes with its own files, or, when a slug or title
        // changed, with the `[[id]]` links of any article.
        let archive = &self.assembled.archive;
        let prints = if renamed {
            ArticlePrints::compute(archive, &self.inputs)
        } else {
            let mut prints = self.prints.clone();
            for &a in &edited {
                prints.update(archive, a, self.inputs[a]);
            }
            prints
        };
        let warnings = self.assembled.report();
        if warnings.has_errors() {
            // The prints stay those of the last render, so the next successful
            // update renders everything that changed since.
            return Err(warnings);
        }
        let mut outcome = self.render_changed(prints, sink)?;
        outcome.warnings = warnings;
        Ok(outcome)
    }

    /// The whole project again; a failure makes the next update a full one too.
    fn rebuild_all(&mut self, sink: &dyn Sink) -> Result<Outcome, Report> {
        match Session::start(&self.root, &self.options, sink) {
            Ok((session, outcome)) => {
                *self = session;
                Ok(outcome)
            }
            Err(report) => {
                self.needs_full = true;
                Err(report)
            }
        }
    }

    /// For each changed path, the article it belongs to; `None` when the change is
    /// anything but an edit of an existing article's or annotation's contents.
    fn article_edits(&self, changed: &BTreeSet<PathBuf>) -> Option<Vec<usize>> {
        let articles = &self.assembled.project.articles;
        let mut edits = Vec::with_capacity(changed.len());
        for path in changed {
            if !load::is_file(&self.root.join(path)) {
                return None;
            }
            let index = articles.iter().position(|a| {
                a.source.path == *path || a.annotation.as_ref().is_some_and(|t| t.path == *path)
            })?;
            edits.push(index);
        }
        Some(edits)
    }

    /// Re-reads and re-annotates the edited articles and relinks. Returns their
    /// indexes, and whether a slug or title changed.
    fn apply_edits(&mut self, edits: Vec<usize>) -> Result<(Vec<usize>, bool), Report> {
        let mut indexes = edits;
        indexes.sort_unstable();
        indexes.dedup();
        let project = &mut self.assembled.project;
        // The session keeps no texts: both files of an edited article are read again.
        for &index in &indexes {
            match load::read_article(&self.root, &mut project.articles[index]) {
                Ok(None) => {}
                Ok(Some(unread)) | Err(unread) => {
                    self.needs_full = true;
                    return Err(Report::from(unread));
                }
            }
        }
        let annotated: Vec<_> = indexes
            .par_iter()
            .map(|&i| {
                let (article, diagnostics) = annotate_article(&project.articles[i]);
                (i, article, diagnostics, input_hash(&project.articles[i]))
            })
            .collect();
        for &index in &indexes {
            load::forget_texts(&mut project.articles[index]);
        }
        let mut changed = Vec::with_capacity(annotated.len());
        for (index, article, diagnostics, input) in annotated {
            self.assembled.annotate[index] = diagnostics;
            self.inputs[index] = input;
            changed.push((index, article));
        }
        let assembled = &mut self.assembled;
        let renamed = assembled
            .archive
            .relink(&assembled.context, changed, &mut assembled.link);
        Ok((indexes, renamed))
    }

    /// Renders the units whose fingerprint changed since they were last rendered.
    fn render_changed(
        &mut self,
        prints: ArticlePrints,
        sink: &dyn Sink,
    ) -> Result<Outcome, Report> {
        let archive = &self.assembled.archive;
        let lists = Lists::new(archive);
        let newest = lists.newest.clone();
        let previous = &self.rendered;
        let (rendered, next) = with_pages(
            archive,
            &self.templates,
            lists,
            |pages| -> Result<_, Report> {
                let units = pages.units();
                let next: Vec<(Unit, u64)> = units
                    .into_par_iter()
                    .map(|unit| {
                        let print = pages.fingerprint(&unit, &prints);
                        (unit, print)
                    })
                    .collect();
                let (stale, stale_prints): (Vec<Unit>, Vec<u64>) = next
                    .iter()
                    .filter(|(unit, print)| previous.get(unit).map(|(p, _)| p) != Some(print))
                    .map(|(unit, print)| (unit.clone(), *print))
                    .unzip();
                // `render_each` keeps the order of the units it is given.
                let rendered = pages.render_each(&stale, sink)?;
                Ok((
                    rendered.into_iter().zip(stale_prints).collect::<Vec<_>>(),
                    next,
                ))
            },
        )?;

        // The map of units is updated in place: rendered units get their new print
        // and paths (their old paths become candidates for removal), vanished units
        // go, kept ones are left alone.
        let units_total = next.len();
        let mut maybe_removed: Vec<String> = Vec::new();
        if next.len() != self.rendered.len()
            || next
                .iter()
                .any(|(unit, _)| !self.rendered.contains_key(unit))
        {
            let live: FxHashSet<&Unit> = next.iter().map(|(unit, _)| unit).collect();
            self.rendered.retain(|unit, (_, paths)| {
                let keep = live.contains(unit);
                if !keep {
                    maybe_removed.append(paths);
                }
                keep
            });
        }
        let units_rendered = rendered.len();
        let mut written_paths: HashSet<String> = HashSet::new();
        for ((unit, paths), print) in rendered {
            written_paths.extend(paths.iter().cloned());
            if let Some((_, old)) = self.rendered.insert(unit, (print, paths)) {
                maybe_removed.extend(old);
            }
        }
        let written = written_paths.len();
        let mut removed: Vec<String> = maybe_removed
            .into_iter()
            .filter(|p| !written_paths.contains(p))
            .collect();
        removed.sort();
        removed.dedup();

        let search = self.refresh_records(&prints, &newest);
        self.prints = prints;
        Ok(Outcome {
            written,
            removed,
            warnings: Report::default(),
            articles: self.assembled.archive.articles.len(),
            units_rendered,
            units_total,
            full: false,
            search,
        })
    }

    /// Makes the search records of articles whose fingerprint changed again, and
    /// returns the index job if any did.
    fn refresh_records(&mut self, prints: &ArticlePrints, newest: &[usize]) -> Option<SearchJob> {
        let changed: Vec<usize> = (0..prints.full.len())
            .filter(|&i| self.prints.full.get(i) != Some(&prints.full[i]))
            .collect();
        if changed.is_empty() {
            return None;
        }
        let archive = &self.assembled.archive;
        let markdown = MarkdownRenderer::new(archive.config.base_path(), &archive.targets);
        let views = Views::new(archive, &markdown);
        let records: Vec<(usize, PackedRecord)> = changed
            .par_iter()
            .map(|&i| (i, PackedRecord::pack(search::article_record(&views, i))))
            .collect();
        for (i, record) in records {
            self.article_records[i] = Arc::new(record);
        }
        Some(self.search_job(newest))
    }

    /// The search index job for the current records: articles newest first, then
    /// entities (the order a full build indexes them in).
    fn search_job(&self, newest: &[usize]) -> SearchJob {
        let records = newest
            .iter()
            .map(|&i| Arc::clone(&self.article_records[i]))
            .chain(self.entity_records.iter().cloned())
            .collect();
        SearchJob { records }
    }
}

/// Every search record, per article and per entity.
fn all_records(assembled: &Assembled) -> (Vec<Arc<PackedRecord>>, Vec<Arc<PackedRecord>>) {
    let archive = &assembled.archive;
    let markdown = MarkdownRenderer::new(archive.config.base_path(), &archive.targets);
    let views = Views::new(archive, &markdown);
    let articles = (0..archive.articles.len())
        .into_par_iter()
        .map(|i| Arc::new(PackedRecord::pack(search::article_record(&views, i))))
        .collect();
    let entities = (0..archive.registry.entities.len())
        .map(|e| Arc::new(PackedRecord::pack(search::entity_record(&views, e))))
        .collect();
    (articles, entities)
}

/// Puts `files` into `sink`, counting them.
fn put_all(sink: &dyn Sink, files: Vec<OutputFile>) -> Result<usize, Report> {
    let count = files.len();
    for file in files {
        sink.put(file)?;
    }
    Ok(count)
}
