//! The site being served: its files in memory, and the errors of the last build.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use crate::rebuild::Outcome;
use crate::render::search::BUNDLE_DIR;
use crate::render::OutputFile;

/// One version of the site. Never changed once made: a rebuild makes a new one.
#[derive(Debug, Default)]
pub(crate) struct SiteState {
    /// By output path (`articles/x/index.html`).
    pub(crate) files: HashMap<String, Arc<[u8]>>,
    /// The diagnostics of the last build, as plain text, when it failed: shown over
    /// every page until a build succeeds.
    pub(crate) error: Option<String>,
    /// Names this version, so a page can tell whether it is out of date.
    pub(crate) build_id: String,
}

impl SiteState {
    /// The next version: after a full build its files replace these whole; after an
    /// incremental one they are these with the changed files swapped in.
    pub(crate) fn updated(&self, outcome: Outcome, build_id: String) -> Self {
        let mut files = if outcome.full {
            HashMap::with_capacity(outcome.written.len())
        } else {
            self.files.clone()
        };
        for path in &outcome.removed {
            files.remove(path);
        }
        for file in outcome.written {
            files.insert(file.path, Arc::from(file.contents));
        }
        Self {
            files,
            error: None,
            build_id,
        }
    }

    /// The same version with a new search index (its old files removed).
    pub(crate) fn with_search_index(&self, index: Vec<OutputFile>) -> Self {
        let mut files: HashMap<String, Arc<[u8]>> = self
            .files
            .iter()
            .filter(|(path, _)| !path.starts_with(BUNDLE_DIR))
            .map(|(path, contents)| (path.clone(), Arc::clone(contents)))
            .collect();
        for file in index {
            files.insert(file.path, Arc::from(file.contents));
        }
        Self {
            files,
            error: self.error.clone(),
            build_id: self.build_id.clone(),
        }
    }

    /// The same files with a build error on top: the last good site stays up.
    pub(crate) fn with_error(&self, error: String, build_id: String) -> Self {
        Self {
            files: self.files.clone(),
            error: Some(error),
            build_id,
        }
    }

    /// What is served when not even the first build worked: a home page and a 404
    /// page, both of which will carry the error overlay.
    pub(crate) fn placeholder(error: String, build_id: String) -> Self {
        let page: Arc<[u8]> = Arc::from(PLACEHOLDER.as_bytes());
        let files = HashMap::from([
            ("index.html".to_owned(), Arc::clone(&page)),
            ("404.html".to_owned(), page),
        ]);
        Self {
            files,
            error: Some(error),
            build_id,
        }
    }
}

const PLACEHOLDER: &str = "<!doctype html>
<html lang=\"en\">
<head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">
<title>gloss: the site could not be built</title></head>
<body>
<main style=\"font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem\">
<h1>The site could not be built</h1>
<p>Fix the errors listed below (they are also in the terminal). This page reloads by itself once the site builds.</p>
</main>
</body>
</html>
";

/// The site currently served. Requests take a snapshot (an `Arc`), so a rebuild can
/// swap in the next version while older requests finish with the one they started on.
#[derive(Debug, Default)]
pub(crate) struct SharedSite {
    current: RwLock<Arc<SiteState>>,
}

impl SharedSite {
    pub(crate) fn current(&self) -> Arc<SiteState> {
        // A panic elsewhere while holding the lock cannot leave a half-written Arc.
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Makes the next version from the current one, holding the lock throughout so
    /// that two writers (a rebuild and the search indexer) cannot lose each other's
    /// change.
    pub(crate) fn modify(&self, next: impl FnOnce(&SiteState) -> SiteState) {
        let mut current = self.current.write().unwrap_or_else(PoisonError::into_inner);
        *current = Arc::new(next(&current));
    }

    pub(crate) fn replace(&self, next: SiteState) {
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(next);
    }
}
