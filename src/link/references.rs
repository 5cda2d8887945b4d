//! `[[id]]` links in Markdown (note bodies, summaries, descriptions) and the table of
//! everything they can point to: articles by file stem or slug, entities by id.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use toml::Spanned;

use super::registry::Registry;
use crate::diagnostics::{did_you_mean, Diagnostic};

/// Where an `[[id]]` leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Site path, e.g. `people/daisaku-kaneko/`.
    pub path: String,
    pub title: String,
    /// Index into the article list, for article targets.
    pub article: Option<usize>,
}

/// Every linkable id.
#[derive(Debug, Clone, Default)]
pub struct Targets {
    /// Id → index into `all`. An article is named by its stem and its slug, and
    /// both lead to one `Target` (not a copy of its path and title under each).
    by_id: HashMap<String, usize>,
    all: Vec<Target>,
    /// Article file stems, for did-you-mean on `see_also`.
    article_ids: Vec<String>,
}

impl Targets {
    pub fn new(
        articles: &[&str],
        slugs: &[String],
        titles: &[String],
        registry: &Registry,
    ) -> Self {
        let mut by_id = HashMap::with_capacity(registry.entities.len() + 2 * articles.len());
        let mut all = Vec::with_capacity(registry.entities.len() + articles.len());
        for entity in &registry.entities {
            by_id.insert(entity.id.clone(), all.len());
            all.push(Target {
                path: entity.path(),
                title: entity.name.clone(),
                article: None,
            });
        }
        // Articles win over entities on a clash: an editor linking a stem means the article.
        for (index, (&id, slug)) in articles.iter().zip(slugs).enumerate() {
            by_id.insert(slug.clone(), all.len());
            by_id.insert(id.to_owned(), all.len());
            all.push(Target {
                path: format!("articles/{slug}/"),
                title: titles[index].clone(),
                article: Some(index),
            });
        }
        let article_ids = articles.iter().map(|&id| id.to_owned()).collect();
        Self {
            by_id,
            all,
            article_ids,
        }
    }

    pub fn get(&self, id: &str) -> Option<&Target> {
        self.by_id.get(id).and_then(|&t| self.all.get(t))
    }

    /// The article an id (stem or slug) names.
    pub fn article_index(&self, id: &str) -> Option<usize> {
        self.get(id).and_then(|t| t.article)
    }

    pub fn article_ids(&self) -> impl Iterator<Item = &str> {
        self.article_ids.iter().map(String::as_str)
    }

    /// Every id, sorted (for did-you-mean that does not depend on hash order).
    pub fn ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.by_id.keys().map(String::as_str).collect();
        ids.sort_unstable();
        ids
    }

    /// Errors for every `[[id]]` in `markdown` that names nothing, pointing at the id
    /// inside the TOML string where the position can be computed.
    pub fn check_wiki_links(&self, path: &Path, markdown: &Spanned<String>) -> Vec<Diagnostic> {
        let mut diagnostics = Vec::new();
        for (id, range) in wiki_links(markdown.get_ref()) {
            if self.by_id.contains_key(id) {
                continue;
            }
            let mut diagnostic = Diagnostic::error(
                path,
                format!("unknown article or entity `{id}` in `[[{id}]]`"),
            )
            .with_span(Some(span_in_toml_string(markdown, &range)));
            if let Some(best) = did_you_mean(id, self.ids()) {
                diagnostic = diagnostic.with_hint(format!("did you mean `[[{best}]]`?"));
            }
            diagnostics.push(diagnostic);
        }
        diagnostics
    }
}

/// Every `[[id]]` (or `[[id|label]]`) in a Markdown text: the id and the byte range of
/// the whole `[[…]]`.
pub fn wiki_links(markdown: &str) -> Vec<(&str, Range<usize>)> {
    let mut links = Vec::new();
    let mut rest = 0;
    while let Some(open) = markdown[rest..].find("[[") {
        let start = rest + open;
        let Some(close) = markdown[start + 2..].find("]]") else {
            break;
        };
        let end = start + 2 + close + 2;
        let inner = &markdown[start + 2..end - 2];
        let id = inner.split('|').next().unwrap_or(inner).trim();
        if !id.is_empty() && !id.contains(['[', '\n']) {
            links.push((id, start..end));
        }
        rest = end;
    }
    links
}

/// Best-effort position of a range of a string's value inside the TOML file: exact for
/// basic strings without escapes (the common case), else the whole string.
fn span_in_toml_string(value: &Spanned<String>, range: &Range<usize>) -> Range<usize> {
    let span = value.span();
    // A basic string `"…"` or literal `'…'` starts one byte before its value; triple-quoted
    // strings three (plus a newline the value drops).
    let len = span.end - span.start;
    let quotes = len.saturating_sub(value.get_ref().len()) / 2;
    if quotes == 1 || quotes == 3 {
        let start = span.start + quotes;
        start + range.start..start + range.end
    } else {
        span
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wiki_links_are_found_with_labels() {
        let links = wiki_links("See [[avdiivka]] and [[daisaku-kaneko|him]]; not [[ ]] or [x].");
        let ids: Vec<&str> = links.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, ["avdiivka", "daisaku-kaneko"]);
        assert_eq!(links[0].1, 4..16);
    }
}
