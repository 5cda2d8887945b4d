//! Watching the project and rebuilding it.
//!
//! Watched: `site.toml` (through its folder, since editors often save by replacing the
//! file, which ends a watch on the file itself), the content folder, `templates/` and
//! `static/`. Only changes count: reads are events too (the build's own reads would
//! set off another build, forever). Events are debounced (one save often makes
//! several), editor temp files are ignored, and each settled batch is one full
//! rebuild in memory. Folders created later (a first `static/`) or replaced are
//! picked up after the next event.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, EventKind, MetadataKind, ModifyKind};
use notify::{RecommendedWatcher, RecursiveMode, Watcher as _};

use crate::config::Config;
use crate::diagnostics::Report;
use crate::load::CONFIG_FILE;
use crate::progress::{self, Progress};
use crate::rebuild::{Outcome, SearchJob, Session};
use crate::site::BuildOptions;

use super::events::Broadcaster;
use super::state::{stored, PendingFiles, SharedSite, SiteState};
use super::{ServeError, ServeOptions, POLL};

/// Runs builds and reports them on the terminal.
pub(crate) struct Builder {
    root: PathBuf,
    base_url: String,
    quiet: bool,
    /// Whether builds that take over a second draw a live progress line (see
    /// [`ServeOptions`]).
    progress_line: bool,
    run_id: String,
    generation: u64,
    /// The built site and what it was built from, for incremental rebuilds; `None`
    /// until a full build has worked.
    session: Option<Session>,
    /// Numbers search index jobs: one that finishes after a newer one has started (or
    /// after a full rebuild) is thrown away.
    search_generation: Arc<AtomicU64>,
    /// The previous build's warnings, so unchanged ones are not printed again and again.
    last_warnings: Vec<String>,
}

impl Builder {
    pub(crate) fn new(
        root: PathBuf,
        base_url: String,
        run_id: String,
        options: &ServeOptions,
    ) -> Self {
        Self {
            root,
            base_url,
            quiet: options.quiet,
            progress_line: options.progress_line,
            run_id,
            generation: 0,
            session: None,
            search_generation: Arc::new(AtomicU64::new(0)),
            last_warnings: Vec::new(),
        }
    }

    /// The first build: a failure still gives something to serve (a placeholder page
    /// with the errors over it).
    pub(crate) fn first_build(&mut self, site: &Arc<SharedSite>) {
        self.build(site, None);
    }

    /// Builds the site (incrementally when it can) and swaps it in. On failure the
    /// last good files stay and the errors go over them. Returns the id of the new
    /// version.
    pub(crate) fn build(
        &mut self,
        site: &Arc<SharedSite>,
        changed: Option<&BTreeSet<PathBuf>>,
    ) -> String {
        self.generation += 1;
        let build_id = format!("{}-{}", self.run_id, self.generation);
        let started = Instant::now();
        let pending = PendingFiles::default();
        // Full builds report their stages; the line shows only once a build has taken
        // a second, so an incremental update never draws it.
        let progress = Arc::new(Progress::new());
        let line = (self.progress_line && !self.quiet)
            .then(|| progress::Line::start(Arc::clone(&progress)));
        let result = if let (Some(session), Some(changed)) = (&mut self.session, changed) {
            session.set_progress(Some(Arc::clone(&progress)));
            let updated = session.update(changed, &pending);
            session.set_progress(None);
            updated
        } else {
            let options = BuildOptions {
                base_url: Some(self.base_url.clone()),
                progress: Some(Arc::clone(&progress)),
            };
            Session::start(&self.root, &options, &pending).map(|(session, outcome)| {
                self.session = Some(session);
                outcome
            })
        };
        progress.end();
        // Cleared before anything else is printed.
        if let Some(line) = line {
            line.stop();
        }
        let elapsed = started.elapsed();
        match result {
            Ok(mut outcome) => {
                self.show_warnings(&outcome.warnings);
                if !self.quiet {
                    eprintln!("{}", success_line(changed, &outcome, elapsed));
                }
                let search = outcome.search.take();
                let id = build_id.clone();
                let files = pending.into_files();
                site.modify(|current| current.apply(&outcome, files, id));
                let job = self.search_generation.fetch_add(1, Ordering::SeqCst) + 1;
                if let Some(search) = search {
                    self.index_in_background(search, job, site);
                }
            }
            Err(report) => {
                report.emit_to_stderr();
                self.last_warnings.clear();
                let error = report.to_plain_text();
                let current = site.current();
                let next = if current.build_id.is_empty() {
                    eprintln!("error: the site could not be built ({}); serving an error page until it is fixed", report.summary());
                    SiteState::placeholder(error, build_id.clone())
                } else {
                    eprintln!(
                        "error: rebuild failed ({}); the last good version stays up",
                        report.summary()
                    );
                    current.with_error(error, build_id.clone())
                };
                site.replace(next);
            }
        }
        build_id
    }

    /// Rebuilds the search index on a thread of its own (it takes seconds on a large
    /// archive) and swaps its files in when done, unless a newer job has started.
    fn index_in_background(&self, search: SearchJob, job: u64, site: &Arc<SharedSite>) {
        let site = Arc::clone(site);
        let latest = Arc::clone(&self.search_generation);
        let quiet = self.quiet;
        let spawned = std::thread::Builder::new()
            .name("gloss-search".to_owned())
            .spawn(move || {
                let started = Instant::now();
                // Compressed before the site is locked: requests wait while it is.
                let files = stored(search.run());
                if latest.load(Ordering::SeqCst) == job {
                    site.modify(|current| current.set_search_index(files));
                    if !quiet {
                        eprintln!(
                            "search index updated in {} ms",
                            started.elapsed().as_millis()
                        );
                    }
                }
            });
        if let Err(error) = spawned {
            eprintln!("warning: cannot start the search indexer: {error}");
        }
    }

    /// Prints warnings when they differ from the last build's.
    fn show_warnings(&mut self, warnings: &Report) {
        let lines = warnings.short_lines();
        if lines != self.last_warnings {
            warnings.emit_to_stderr();
            self.last_warnings = lines;
        }
    }
}

/// "built 5 articles (212 files) in 43 ms" or "rebuilt 3 of 212 pages in 43 ms
/// (seeds/x.toml changed)".
fn success_line(
    changed: Option<&BTreeSet<PathBuf>>,
    outcome: &Outcome,
    elapsed: Duration,
) -> String {
    let ms = elapsed.as_millis();
    let what = match changed {
        Some(changed) if changed.len() == 1 => changed
            .iter()
            .next()
            .map(|p| format!("{} changed", p.display()))
            .unwrap_or_default(),
        Some(changed) => format!("{} files changed", changed.len()),
        None => {
            return format!(
                "built {} articles ({} files) in {ms} ms",
                outcome.articles, outcome.written
            )
        }
    };
    if outcome.full {
        format!("rebuilt everything in {ms} ms ({what})")
    } else {
        format!(
            "rebuilt {} of {} pages in {ms} ms ({what})",
            outcome.units_rendered, outcome.units_total
        )
    }
}

/// However busy the folder, a rebuild starts at most this long after the first change.
const MAX_DELAY: Duration = Duration::from_secs(2);

/// What the watcher thread hands on: the paths of one change, or a watcher error.
type Change = Result<Vec<PathBuf>, notify::Error>;

/// The file watcher and what it watches.
pub(crate) struct Watcher {
    backend: RecommendedWatcher,
    events: Receiver<Change>,
    debounce: Duration,
    root: PathBuf,
    content: PathBuf,
    /// Folders with a watch on them now.
    watched: Vec<PathBuf>,
    /// Watched folders that were removed or replaced: their watch is gone.
    stale: BTreeSet<PathBuf>,
}

impl Watcher {
    /// Starts watching `root` (which must be absolute and exist).
    pub(crate) fn new(root: &Path, debounce: Duration) -> Result<Self, ServeError> {
        let (sender, events) = mpsc::channel();
        let handler = move |event: notify::Result<notify::Event>| {
            let change = match event {
                Ok(event) if is_change(event.kind) => Ok(event.paths),
                Ok(_) => return,
                Err(error) => Err(error),
            };
            // The receiver is gone only when the server is stopping.
            let _ = sender.send(change);
        };
        let backend = notify::recommended_watcher(handler).map_err(|e| ServeError::Watch {
            path: root.to_path_buf(),
            message: e.to_string(),
        })?;
        let mut watcher = Self {
            backend,
            events,
            debounce,
            root: root.to_path_buf(),
            content: root.join(content_dir(root)),
            watched: Vec::new(),
            stale: BTreeSet::new(),
        };
        // The project folder itself must be watchable; the others are best effort
        // (a missing content folder is already a build error).
        watcher
            .backend
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| ServeError::Watch {
                path: root.to_path_buf(),
                message: e.to_string(),
            })?;
        watcher.watched.push(root.to_path_buf());
        watcher.refresh();
        Ok(watcher)
    }

    /// Rebuilds after each settled batch of relevant changes, until told to stop.
    pub(crate) fn run(
        mut self,
        builder: &mut Builder,
        site: &Arc<SharedSite>,
        events: &Broadcaster,
        stop: &AtomicBool,
    ) {
        while !stop.load(Ordering::SeqCst) {
            let first = match self.events.recv_timeout(POLL) {
                Ok(change) => change,
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => return,
            };
            let mut changed = BTreeSet::new();
            self.collect(first, &mut changed);
            if !self.settle(&mut changed) {
                return;
            }
            if changed.is_empty() || stop.load(Ordering::SeqCst) {
                continue;
            }
            let build_id = builder.build(site, Some(&changed));
            self.refresh();
            events.reload(&build_id);
        }
    }

    /// Waits until no change has come for the debounce time (or [`MAX_DELAY`] has
    /// passed), collecting what does come. False when the watcher is gone.
    fn settle(&mut self, changed: &mut BTreeSet<PathBuf>) -> bool {
        let started = Instant::now();
        loop {
            let left = MAX_DELAY.saturating_sub(started.elapsed());
            if left.is_zero() {
                return true;
            }
            match self.events.recv_timeout(self.debounce.min(left)) {
                Ok(change) => self.collect(change, changed),
                Err(RecvTimeoutError::Timeout) => return true,
                Err(RecvTimeoutError::Disconnected) => return false,
            }
        }
    }

    /// Adds the relevant paths of a change to `changed`, relative to the root.
    fn collect(&mut self, change: Change, changed: &mut BTreeSet<PathBuf>) {
        let paths = match change {
            Ok(paths) => paths,
            Err(error) => {
                eprintln!("warning: file watcher: {error}");
                return;
            }
        };
        for path in paths {
            if path != self.root && self.watched.contains(&path) {
                self.stale.insert(path.clone());
            }
            if self.is_relevant(&path) {
                changed.insert(path.strip_prefix(&self.root).unwrap_or(&path).to_path_buf());
            }
        }
    }

    fn is_relevant(&self, path: &Path) -> bool {
        if is_editor_temp_file(path) {
            return false;
        }
        path == self.root.join(CONFIG_FILE)
            || (path.starts_with(&self.content) && (path == self.content || is_content_file(path)))
            || path.starts_with(self.root.join("templates"))
            || path.starts_with(self.root.join("static"))
    }

    /// Brings the watches up to date: the content folder may have moved (site.toml
    /// changed), and folders may have appeared, gone or been replaced.
    fn refresh(&mut self) {
        self.content = self.root.join(content_dir(&self.root));
        let targets = [
            (self.content.clone(), RecursiveMode::NonRecursive),
            (self.root.join("templates"), RecursiveMode::Recursive),
            (self.root.join("static"), RecursiveMode::Recursive),
        ];
        let stale = std::mem::take(&mut self.stale);
        let root = self.root.clone();
        let mut keep = vec![root.clone()];
        keep.extend(targets.iter().map(|(path, _)| path.clone()));
        for dir in std::mem::take(&mut self.watched) {
            if dir == root || (keep.contains(&dir) && !stale.contains(&dir) && dir.is_dir()) {
                self.watched.push(dir);
            } else {
                let _ = self.backend.unwatch(&dir);
            }
        }
        for (dir, mode) in targets {
            if dir.is_dir() && !self.watched.contains(&dir) {
                match self.backend.watch(&dir, mode) {
                    Ok(()) => self.watched.push(dir),
                    Err(error) => eprintln!("warning: cannot watch `{}`: {error}", dir.display()),
                }
            }
        }
    }
}

/// True for events that change something: not reads (opening or closing a file
/// without writing), nor access-time updates. Closing a file opened for writing
/// counts: it is the one event every save ends with.
fn is_change(kind: EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_)
        | EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        _ => true,
    }
}

/// The content folder's files that the build reads (others, like the temp files of
/// `sed -i`, come and go without mattering).
fn is_content_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ["txt", "md", "markdown", "toml"].contains(&e))
}

/// The content folder named in site.toml (`seeds` if it cannot be read: the build
/// reports why).
fn content_dir(root: &Path) -> PathBuf {
    let display = Path::new(CONFIG_FILE);
    crate::load::read_text(&root.join(CONFIG_FILE), display)
        .ok()
        .and_then(|text| Config::parse(display, &text).ok())
        .map_or_else(
            || Config::default().content.dir,
            |config| config.content.dir,
        )
}

/// Files editors write beside the real one while saving: vim's swap files and its
/// `4913` probe, backups ending in `~`, Emacs locks and autosaves, JetBrains' safe-write
/// copies, and dot-files in general (which the build skips too).
pub(crate) fn is_editor_temp_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let has_extension = |ext: &str| {
        Path::new(name)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case(ext))
    };
    name.starts_with('.')
        || name.ends_with('~')
        || name == "4913"
        || (name.starts_with('#') && name.ends_with('#'))
        || has_extension("swp")
        || has_extension("swo")
        || has_extension("swx")
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_temp_files_are_ignored() {
        for name in [
            "seeds/.000.toml.swp",
            "seeds/000.toml~",
            "seeds/4913",
            "seeds/.#000.toml",
            "seeds/#000.toml#",
            "x.SWP",
            "a.toml___jb_tmp___",
        ] {
            assert!(is_editor_temp_file(Path::new(name)), "{name}");
        }
        for name in [
            "seeds/000.toml",
            "seeds/000.txt",
            "site.toml",
            "static/style.css",
            "seeds/49130.txt",
        ] {
            assert!(!is_editor_temp_file(Path::new(name)), "{name}");
        }
    }

    #[test]
    fn success_lines_name_what_changed() {
        let one: BTreeSet<PathBuf> = [PathBuf::from("seeds/a.toml")].into();
        let two: BTreeSet<PathBuf> =
            [PathBuf::from("seeds/a.toml"), PathBuf::from("site.toml")].into();
        let ms = Duration::from_millis(43);
        let outcome = |full: bool| Outcome {
            written: 1,
            removed: Vec::new(),
            warnings: Report::default(),
            articles: 5,
            units_rendered: 3,
            units_total: 90,
            full,
            search: None,
        };
        assert_eq!(
            success_line(Some(&one), &outcome(false), ms),
            "rebuilt 3 of 90 pages in 43 ms (seeds/a.toml changed)"
        );
        assert_eq!(
            success_line(Some(&two), &outcome(true), ms),
            "rebuilt everything in 43 ms (2 files changed)"
        );
        assert_eq!(
            success_line(None, &outcome(true), ms),
            "built 5 articles (1 files) in 43 ms"
        );
    }

    #[test]
    fn reads_are_not_changes() {
        use notify::event::{CreateKind, DataChange};
        assert!(!is_change(EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!is_change(EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(is_change(EventKind::Modify(ModifyKind::Data(
            DataChange::Any
        ))));
        assert!(is_change(EventKind::Create(CreateKind::File)));
        assert!(is_change(EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
    }
}
