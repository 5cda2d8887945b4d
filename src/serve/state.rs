//! The site being served: its files in memory, and the errors of the last build.
//!
//! Files are kept LZ4-compressed and unpacked per request: a site's pages are about
//! a third of their size compressed (a 10,000-article archive's 588 MB of files),
//! and unpacking a page takes microseconds.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use crate::diagnostics::Diagnostic;
use crate::rebuild::Outcome;
use crate::render::search::BUNDLE_DIR;
use crate::render::{OutputFile, Sink};

/// A file of the served site, compressed unless that would not make it smaller.
#[derive(Debug, Clone)]
pub(crate) enum StoredFile {
    Plain(Arc<[u8]>),
    /// `lz4_flex`'s block format with the length prepended.
    Compressed(Arc<[u8]>),
}

impl StoredFile {
    pub(crate) fn new(contents: &[u8]) -> Self {
        let compressed = lz4_flex::block::compress_prepend_size(contents);
        // Already-compressed files (images, fonts) are kept as they are.
        if compressed.len() < contents.len() - contents.len() / 8 {
            Self::Compressed(Arc::from(compressed))
        } else {
            Self::Plain(Arc::from(contents))
        }
    }

    /// The file's bytes, shared without a copy when they are not compressed.
    pub(crate) fn shared(&self) -> Arc<[u8]> {
        match self {
            Self::Plain(bytes) => Arc::clone(bytes),
            Self::Compressed(_) => Arc::from(self.contents()),
        }
    }

    /// The file's bytes.
    pub(crate) fn contents(&self) -> Cow<'_, [u8]> {
        match self {
            Self::Plain(bytes) => Cow::Borrowed(bytes),
            // Only `new` makes these, so they always unpack; an empty answer would be
            // the sign of a bug, not of bad input.
            Self::Compressed(packed) => {
                Cow::Owned(lz4_flex::block::decompress_size_prepended(packed).unwrap_or_default())
            }
        }
    }
}

/// A file as the site keeps it, by its path.
fn store(file: OutputFile) -> (String, StoredFile) {
    let stored = StoredFile::new(&file.contents);
    (file.path, stored)
}

/// Files as the site keeps them.
pub(crate) fn stored(files: Vec<OutputFile>) -> Vec<(String, StoredFile)> {
    files.into_iter().map(store).collect()
}

/// Where a build or an update puts its files: each is compressed as it is rendered
/// (on the rendering thread), and the lot is swapped in only if the build succeeds.
#[derive(Debug, Default)]
pub(crate) struct PendingFiles {
    files: Mutex<Vec<(String, StoredFile)>>,
}

impl Sink for PendingFiles {
    fn put(&self, file: OutputFile) -> Result<(), Diagnostic> {
        // Compressed (and the page freed) before the lock is taken.
        let stored = store(file);
        self.files
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(stored);
        Ok(())
    }
}

impl PendingFiles {
    pub(crate) fn into_files(self) -> Vec<(String, StoredFile)> {
        self.files
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// One version of the site. A request holds it through an `Arc` and it never changes
/// under the request: [`SharedSite::modify`] changes it in place only when no request
/// holds it, and copies it otherwise.
#[derive(Debug, Default, Clone)]
pub(crate) struct SiteState {
    /// By output path (`articles/x/index.html`).
    pub(crate) files: HashMap<String, StoredFile>,
    /// The diagnostics of the last build, as plain text, when it failed: shown over
    /// every page until a build succeeds.
    pub(crate) error: Option<String>,
    /// Names this version, so a page can tell whether it is out of date.
    pub(crate) build_id: String,
}

impl SiteState {
    /// Becomes the next version: after a full build the new files replace these
    /// whole; after an incremental one the changed files are swapped in.
    pub(crate) fn apply(
        &mut self,
        outcome: &Outcome,
        files: Vec<(String, StoredFile)>,
        build_id: String,
    ) {
        if outcome.full {
            self.files = HashMap::with_capacity(files.len());
        }
        for path in &outcome.removed {
            self.files.remove(path);
        }
        self.files.extend(files);
        self.error = None;
        self.build_id = build_id;
    }

    /// Swaps in a new search index (its old files removed), compressed beforehand with
    /// [`stored`] so that the site is not locked while it is compressed.
    pub(crate) fn set_search_index(&mut self, index: Vec<(String, StoredFile)>) {
        self.files.retain(|path, _| !path.starts_with(BUNDLE_DIR));
        self.files.extend(index);
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
        let page = StoredFile::Plain(Arc::from(PLACEHOLDER.as_bytes()));
        let files = HashMap::from([
            ("index.html".to_owned(), page.clone()),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_kept_compressed_and_come_back_whole() {
        let page = "<li><a href=\"/people/kei-kato/\">Kei Kato</a></li>\n".repeat(200);
        let stored = StoredFile::new(page.as_bytes());
        let StoredFile::Compressed(packed) = &stored else {
            panic!("a repetitive page is compressed");
        };
        assert!(packed.len() * 4 < page.len(), "{} bytes", packed.len());
        assert_eq!(&*stored.contents(), page.as_bytes());
        assert_eq!(&*stored.shared(), page.as_bytes());
    }

    #[test]
    fn files_that_do_not_compress_are_kept_as_they_are() {
        // Bytes of a simple generator: no repeats for LZ4 to find.
        let mut state: u32 = 0x1234_5678;
        let noise: Vec<u8> = (0..4096)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                state.to_le_bytes()[0]
            })
            .collect();
        let stored = StoredFile::new(&noise);
        assert!(matches!(stored, StoredFile::Plain(_)));
        assert_eq!(&*stored.contents(), &noise[..]);
        for empty in [StoredFile::new(b""), StoredFile::new(b"x")] {
            assert_eq!(empty.contents().len(), empty.shared().len());
        }
    }

    #[test]
    fn a_full_build_and_a_new_search_index_replace_the_files_they_make() {
        let mut site = SiteState::placeholder("boom".into(), "1".into());
        let pending = PendingFiles::default();
        let put = |path: &str, text: &str| {
            pending
                .put(OutputFile {
                    path: path.into(),
                    contents: text.as_bytes().to_vec(),
                })
                .expect("memory never fails");
        };
        put("index.html", "<p>home</p>");
        put("a/index.html", "<p>a</p>");
        let outcome = Outcome {
            written: 2,
            removed: Vec::new(),
            warnings: crate::diagnostics::Report::default(),
            articles: 1,
            units_rendered: 2,
            units_total: 2,
            full: true,
            search: None,
        };
        site.apply(&outcome, pending.into_files(), "2".into());
        assert_eq!(site.error, None);
        let mut paths: Vec<&str> = site.files.keys().map(String::as_str).collect();
        paths.sort_unstable();
        assert_eq!(
            paths,
            ["a/index.html", "index.html"],
            "the 404 placeholder is gone"
        );
        assert_eq!(&*site.files["a/index.html"].contents(), b"<p>a</p>");

        let index = |names: &[&str]| {
            stored(
                names
                    .iter()
                    .map(|name| OutputFile {
                        path: format!("{BUNDLE_DIR}{name}"),
                        contents: format!("{{\"{name}\": true}}").into_bytes(),
                    })
                    .collect(),
            )
        };
        site.set_search_index(index(&["meta.json", "terms/ta.json"]));
        site.set_search_index(index(&["meta.json", "terms/tb.json"]));
        let mut paths: Vec<&str> = site.files.keys().map(String::as_str).collect();
        paths.sort_unstable();
        assert_eq!(
            paths,
            [
                "a/index.html",
                "index.html",
                "search/index/meta.json",
                "search/index/terms/tb.json"
            ],
            "the old index's files are gone"
        );
        assert_eq!(
            &*site.files["search/index/terms/tb.json"].contents(),
            b"{\"terms/tb.json\": true}"
        );
    }
}
