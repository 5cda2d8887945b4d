//! Checks of a built site: every internal link and `#fragment` must resolve to a
//! file (and an element id) in the output folder. External links are listed, not
//! fetched.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Report};

/// What the link check found.
#[derive(Debug, Default)]
pub struct LinkReport {
    pub report: Report,
    /// Every external URL, sorted and deduplicated.
    pub external: BTreeSet<String>,
    /// How many internal references were checked.
    pub checked: usize,
}

/// Checks the HTML files of a built site in `dir`, served at `base_path` (`/` or
/// `/archive/`).
pub fn check_links(dir: &Path, base_path: &str) -> LinkReport {
    let mut files = Vec::new();
    collect_files(dir, dir, &mut files);
    let html: Vec<&String> = files.iter().filter(|f| f.ends_with(".html")).collect();
    let mut ids: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut pages: Vec<(String, String)> = Vec::new();
    for rel in &html {
        let Ok(text) = std::fs::read_to_string(dir.join(rel)) else {
            continue;
        };
        ids.insert((*rel).clone(), element_ids(&text));
        pages.push(((*rel).clone(), text));
    }
    let existing: BTreeSet<&str> = files.iter().map(String::as_str).collect();
    let mut result = LinkReport::default();
    for (rel, text) in &pages {
        for url in references(text) {
            check_reference(rel, &url, base_path, &existing, &ids, &mut result);
        }
    }
    result.report.sort();
    result
}

fn check_reference(
    page: &str,
    url: &str,
    base_path: &str,
    existing: &BTreeSet<&str>,
    ids: &HashMap<String, BTreeSet<String>>,
    result: &mut LinkReport,
) {
    if url.starts_with("http://") || url.starts_with("https://") || url.starts_with("//") {
        result.external.insert(url.to_owned());
        return;
    }
    if url.starts_with("mailto:") || url.starts_with("tel:") || url.starts_with("data:") {
        return;
    }
    result.checked += 1;
    let (path_part, fragment) = url
        .split_once('#')
        .map_or((url, None), |(p, f)| (p, Some(f)));
    let path_part = path_part.split('?').next().unwrap_or("");
    let target = if path_part.is_empty() {
        Some(page.to_owned())
    } else {
        resolve(page, path_part, base_path)
    };
    let Some(target) = target.and_then(|t| existing_file(&t, existing)) else {
        result.report.push(Diagnostic::error(
            page,
            format!("broken link `{url}`: no such file in the site"),
        ));
        return;
    };
    if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
        let found = ids
            .get(&target)
            .is_some_and(|set| set.contains(&percent_decode(fragment)));
        if !found && target.ends_with(".html") {
            result.report.push(Diagnostic::error(
                page,
                format!("broken fragment `{url}`: `{target}` has no element with id `{fragment}`"),
            ));
        }
    }
}

/// A site-relative file path for a URL found on `page`.
fn resolve(page: &str, url: &str, base_path: &str) -> Option<String> {
    let url = percent_decode(url);
    let joined = if let Some(absolute) = url.strip_prefix('/') {
        let base = base_path.trim_start_matches('/');
        absolute
            .strip_prefix(base)
            .map(str::to_owned)
            .or_else(|| (base.is_empty()).then(|| absolute.to_owned()))?
    } else {
        let folder = page.rsplit_once('/').map_or("", |(f, _)| f);
        if folder.is_empty() {
            url.clone()
        } else {
            format!("{folder}/{url}")
        }
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    let mut path = parts.join("/");
    if joined.ends_with('/') || joined.is_empty() {
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str("index.html");
    }
    Some(path)
}

/// The file a resolved path names (`x` may be a folder with an index.html).
fn existing_file(path: &str, existing: &BTreeSet<&str>) -> Option<String> {
    if existing.contains(path) {
        return Some(path.to_owned());
    }
    let index = format!("{path}/index.html");
    existing.contains(index.as_str()).then_some(index)
}

/// `href` and `src` attribute values (entity-decoded) of every element.
fn references(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attribute in [" href=\"", " src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attribute) {
            rest = &rest[i + attribute.len()..];
            if let Some(end) = rest.find('"') {
                out.push(decode_entities(&rest[..end]));
                rest = &rest[end..];
            }
        }
    }
    out
}

fn element_ids(html: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let mut rest = html;
    while let Some(i) = rest.find(" id=\"") {
        rest = &rest[i + 5..];
        if let Some(end) = rest.find('"') {
            ids.insert(decode_entities(&rest[..end]));
            rest = &rest[end..];
        }
    }
    ids
}

fn decode_entities(text: &str) -> String {
    text.replace("&#x2F;", "/")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(byte) = u8::from_str_radix(&text[i + 1..i + 3], 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn collect_files(base: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path: PathBuf = entry.path();
        if path.is_dir() {
            collect_files(base, &path, out);
        } else if let Ok(rel) = path.strip_prefix(base) {
            out.push(
                rel.components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_absolute_relative_and_subpath_links() {
        assert_eq!(
            resolve("a/b/index.html", "/x/", "/").as_deref(),
            Some("x/index.html")
        );
        assert_eq!(
            resolve("a/b/index.html", "../c.txt", "/").as_deref(),
            Some("a/c.txt")
        );
        assert_eq!(
            resolve("index.html", "/archive/tags/", "/archive/").as_deref(),
            Some("tags/index.html")
        );
        assert_eq!(resolve("index.html", "/tags/", "/archive/"), None);
        assert_eq!(percent_decode("a%20b"), "a b");
    }
}
