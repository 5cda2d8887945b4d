//! The site being served: its files in memory, and the errors of the last build.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use crate::rebuild::Outcome;
use crate::render::search::BUNDLE_DIR;
use crate::render::OutputFile;

/// One version of the site. A request holds it through an `Arc` and it never changes
/// under the request: [`SharedSite::modify`] changes it in place only when no request
/// holds it, and copies it otherwise.
#[derive(Debug, Default, Clone)]
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
    /// Becomes the next version: after a full build the new files replace these
    /// whole; after an incremental one the changed files are swapped in.
    pub(crate) fn apply(&mut self, outcome: Outcome, build_id: String) {
        if outcome.full {
            self.files = HashMap::with_capacity(outcome.written.len());
        }
        for path in &outcome.removed {
            self.files.remove(path);
        }
        for file in outcome.written {
            self.files.insert(file.path, Arc::from(file.contents));
        }
        self.error = None;
        self.build_id = build_id;
    }

    /// Swaps in a new search index (its old files removed).
    pub(crate) fn set_search_index(&mut self, index: Vec<OutputFile>) {
        self.files.retain(|path, _| !path.starts_with(BUNDLE_DIR));
        for file in index {
            self.files.insert(file.path, Arc::from(file.contents));
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

    /// Changes the current version, holding the lock throughout so that two writers
    /// (a rebuild and the search indexer) cannot lose each other's change. It is
    /// changed in place unless a request still holds it, in which case it is copied
    /// first (which, for 40,000 files, takes tens of milliseconds).
    pub(crate) fn modify(&self, change: impl FnOnce(&mut SiteState)) {
        let mut current = self.current.write().unwrap_or_else(PoisonError::into_inner);
        change(Arc::make_mut(&mut current));
    }

    pub(crate) fn replace(&self, next: SiteState) {
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(next);
    }
}
