//! `site.toml`: the site's configuration.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::annotate::file::toml_diagnostic;
use crate::diagnostics::Diagnostic;

/// The whole configuration, with defaults for everything.
#[derive(Debug, Clone, Hash, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Absolute URL the site is served from, e.g. `https://example.org/archive/`.
    pub base_url: String,
    pub language: String,
    pub author: Option<String>,
    pub content: ContentConfig,
    pub build: BuildConfig,
    pub links: LinksConfig,
    pub feeds: FeedConfig,
    pub lists: ListsConfig,
}

#[derive(Debug, Clone, Hash, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ContentConfig {
    /// Folder of articles and annotations, relative to the project root.
    pub dir: PathBuf,
}

#[derive(Debug, Clone, Hash, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BuildConfig {
    /// Output folder, relative to the project root.
    pub output: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MentionLinks {
    All,
    First,
    None,
}

#[derive(Debug, Clone, Hash, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LinksConfig {
    pub mentions: MentionLinks,
}

#[derive(Debug, Clone, Hash, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ListsConfig {
    /// Articles per page on the home, tag and source pages; later pages are at
    /// `page/2/`, `page/3/`, …
    pub per_page: usize,
    /// The most entries (dated articles and events) the timeline shows on one page;
    /// a longer timeline has an index of years and a page per year.
    pub timeline_max: usize,
}

impl Default for ListsConfig {
    fn default() -> Self {
        Self {
            per_page: 30,
            timeline_max: 1_000,
        }
    }
}

#[derive(Debug, Clone, Hash, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FeedConfig {
    /// How many articles the Atom feeds carry.
    pub limit: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            title: "Annotated archive".to_owned(),
            description: String::new(),
            base_url: "/".to_owned(),
            language: "en".to_owned(),
            author: None,
            content: ContentConfig::default(),
            build: BuildConfig::default(),
            links: LinksConfig::default(),
            feeds: FeedConfig::default(),
            lists: ListsConfig::default(),
        }
    }
}

impl Default for ContentConfig {
    fn default() -> Self {
        Self {
            dir: PathBuf::from("seeds"),
        }
    }
}

impl Default for BuildConfig {
    fn default() -> Self {
        Self {
            output: PathBuf::from("public"),
        }
    }
}

impl Default for LinksConfig {
    fn default() -> Self {
        Self {
            mentions: MentionLinks::All,
        }
    }
}

impl Default for FeedConfig {
    fn default() -> Self {
        Self { limit: 20 }
    }
}

impl Config {
    /// Parses `site.toml` text; `path` is only used in diagnostics.
    pub fn parse(path: &Path, text: &str) -> Result<Self, Diagnostic> {
        let mut config: Config = toml::from_str(text).map_err(|e| toml_diagnostic(path, &e))?;
        config.base_url = normalize_base_url(&config.base_url);
        Ok(config)
    }

    /// Replaces the base URL (from `--base-url`).
    pub fn set_base_url(&mut self, base_url: &str) {
        self.base_url = normalize_base_url(base_url);
    }

    /// The path part of the base URL, always starting and ending with `/`:
    /// `https://example.org/archive/` → `/archive/`. Every internal link starts with it.
    pub fn base_path(&self) -> &str {
        let after_scheme = self
            .base_url
            .split_once("://")
            .map_or(self.base_url.as_str(), |(_, rest)| rest);
        if self.base_url.contains("://") {
            after_scheme.find('/').map_or("/", |i| &after_scheme[i..])
        } else {
            after_scheme
        }
    }

    /// An absolute URL for a site path (`articles/x/` → `https://example.org/archive/articles/x/`).
    pub fn absolute_url(&self, path: &str) -> String {
        [self.base_url.as_str(), path.trim_start_matches('/')].concat()
    }
}

/// Ensures a trailing slash, so joining is plain concatenation.
fn normalize_base_url(url: &str) -> String {
    let trimmed = url.trim();
    if trimmed.is_empty() {
        "/".to_owned()
    } else if trimmed.ends_with('/') {
        trimmed.to_owned()
    } else {
        format!("{trimmed}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_of_subpath_and_root() {
        let mut config = Config::default();
        config.set_base_url("https://example.org/archive");
        assert_eq!(config.base_path(), "/archive/");
        assert_eq!(
            config.absolute_url("/tags/x/"),
            "https://example.org/archive/tags/x/"
        );
        config.set_base_url("https://example.org");
        assert_eq!(config.base_path(), "/");
        config.set_base_url("/");
        assert_eq!(config.base_path(), "/");
    }

    #[test]
    fn unknown_option_is_an_error() {
        let error = Config::parse(Path::new("site.toml"), "titel = \"x\"\n").unwrap_err();
        assert_eq!(error.hint.as_deref(), Some("did you mean `title`?"));
    }
}
