//! The test builder: writes an archive into a temp dir, runs the real `gloss` binary on
//! it, and gives access to the output tree.

#![allow(dead_code, unreachable_pub)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

/// The repository root (the example archive).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// An archive under construction.
pub struct Archive {
    dir: TempDir,
    args: Vec<String>,
}

impl Archive {
    /// An empty project with a minimal site.toml.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::create_dir_all(dir.path().join("seeds")).expect("seeds dir");
        fs::write(
            dir.path().join("site.toml"),
            "title = \"Test archive\"\nbase_url = \"https://example.org/\"\n",
        )
        .expect("site.toml");
        Self {
            dir,
            args: Vec::new(),
        }
    }

    /// A copy of the example archive (seeds/ and site.toml; built-in templates).
    pub fn seeds() -> Self {
        let archive = Self::new();
        for entry in fs::read_dir(repo_root().join("seeds")).expect("seeds") {
            let path = entry.expect("entry").path();
            fs::copy(
                &path,
                archive
                    .dir
                    .path()
                    .join("seeds")
                    .join(path.file_name().expect("name")),
            )
            .expect("copy");
        }
        fs::copy(
            repo_root().join("site.toml"),
            archive.dir.path().join("site.toml"),
        )
        .expect("site.toml");
        archive
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Adds or replaces a file under seeds/.
    #[must_use]
    pub fn article(self, name: &str, text: &str) -> Self {
        self.file(&format!("seeds/{name}"), text)
    }

    #[must_use]
    pub fn annotation(self, name: &str, text: &str) -> Self {
        self.file(&format!("seeds/{name}"), text)
    }

    /// Adds or replaces any file of the project.
    #[must_use]
    pub fn file(self, path: &str, text: &str) -> Self {
        let full = self.dir.path().join(path);
        fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        fs::write(full, text).expect("write");
        self
    }

    /// Edits a file in place.
    #[must_use]
    pub fn edit(self, path: &str, edit: impl FnOnce(&str) -> String) -> Self {
        let full = self.dir.path().join(path);
        let text = fs::read_to_string(&full).expect("read");
        fs::write(full, edit(&text)).expect("write");
        self
    }

    #[must_use]
    pub fn arg(mut self, arg: &str) -> Self {
        self.args.push(arg.to_owned());
        self
    }

    /// Runs `gloss <args…>` in the project.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_gloss"))
            .current_dir(self.dir.path())
            .env("NO_COLOR", "1")
            .args(args)
            .output()
            .expect("run gloss")
    }

    /// Runs `gloss build` and expects success.
    pub fn build(self) -> Site {
        let mut args = vec!["build".to_owned()];
        args.extend(self.args.iter().cloned());
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = self.run(&refs);
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(output.status.success(), "gloss build failed:\n{stderr}");
        Site {
            archive: self,
            stderr,
        }
    }

    /// Runs `gloss build` and expects failure; returns (exit code, stderr).
    pub fn build_err(&self) -> (i32, String) {
        let mut args = vec!["build".to_owned()];
        args.extend(self.args.iter().cloned());
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = self.run(&refs);
        assert!(
            !output.status.success(),
            "gloss build unexpectedly succeeded"
        );
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }
}

/// A built site.
pub struct Site {
    pub archive: Archive,
    pub stderr: String,
}

impl Site {
    pub fn output(&self) -> PathBuf {
        self.archive.root().join("public")
    }

    /// A file of the output, as text.
    pub fn file(&self, path: &str) -> String {
        let full = self.output().join(path);
        fs::read_to_string(&full).unwrap_or_else(|e| panic!("cannot read {}: {e}", full.display()))
    }

    /// The HTML of a page by its site path (`articles/x/` → `articles/x/index.html`).
    pub fn page(&self, path: &str) -> String {
        if path.is_empty() || path.ends_with('/') {
            self.file(&format!("{path}index.html"))
        } else {
            self.file(path)
        }
    }

    pub fn html(&self, path: &str) -> scraper::Html {
        scraper::Html::parse_document(&self.page(path))
    }

    /// Every file of the output, relative, sorted.
    pub fn files(&self) -> Vec<String> {
        let mut out = Vec::new();
        walk(&self.output(), &self.output(), &mut out);
        out.sort();
        out
    }
}

/// Every file under `dir` and its bytes, by relative path (forward slashes).
pub fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut paths = Vec::new();
    walk(dir, dir, &mut paths);
    paths
        .into_iter()
        .map(|relative| {
            let bytes = fs::read(dir.join(&relative)).expect("read");
            (relative, bytes)
        })
        .collect()
}

fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
    for entry in fs::read_dir(dir).expect("read_dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(base, &path, out);
        } else {
            out.push(
                path.strip_prefix(base)
                    .expect("prefix")
                    .to_string_lossy()
                    .replace('\\', "/"),
            );
        }
    }
}

/// The texts of all elements matching a CSS selector.
pub fn texts(html: &scraper::Html, selector: &str) -> Vec<String> {
    let selector = scraper::Selector::parse(selector).expect("selector");
    html.select(&selector)
        .map(|e| e.text().collect::<String>())
        .collect()
}

/// An attribute of all elements matching a CSS selector.
pub fn attrs(html: &scraper::Html, selector: &str, attribute: &str) -> Vec<String> {
    let selector = scraper::Selector::parse(selector).expect("selector");
    html.select(&selector)
        .filter_map(|e| e.value().attr(attribute).map(str::to_owned))
        .collect()
}

/// The texts of matching elements as a reader sees them: without note markers and
/// margin notes.
pub fn reader_texts(html: &scraper::Html, selector: &str) -> Vec<String> {
    let selector = scraper::Selector::parse(selector).expect("selector");
    html.select(&selector)
        .map(|element| {
            let mut text = String::new();
            collect_reader_text(element, &mut text);
            text
        })
        .collect()
}

fn collect_reader_text(element: scraper::ElementRef<'_>, out: &mut String) {
    for child in element.children() {
        if let Some(text) = child.value().as_text() {
            out.push_str(text);
        } else if let Some(child) = scraper::ElementRef::wrap(child) {
            let class = child.value().attr("class").unwrap_or_default();
            if !class.contains("note-ref") && !class.contains("sidenotes") {
                collect_reader_text(child, out);
            }
        }
    }
}
