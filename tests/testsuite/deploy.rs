//! Deploy-ready output: a site built for a subpath works there, its feeds and sitemap
//! are valid, every page can be shared, and the same input always gives the same bytes.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

use gloss::check::check_links;

use crate::support::{attrs, repo_root, tree, Archive, Site};

const BASE_URL: &str = "https://example.org/archive/";
const BASE_PATH: &str = "/archive/";

fn seeds_under_subpath() -> Site {
    Archive::seeds().arg("--base-url").arg(BASE_URL).build()
}

fn html_pages(site: &Site) -> Vec<String> {
    site.files()
        .into_iter()
        .filter(|f| Path::new(f).extension().is_some_and(|e| e == "html"))
        .collect()
}

/// Every `href` and `src` of a page.
fn references(site: &Site, page: &str) -> Vec<String> {
    let html = scraper::Html::parse_document(&site.file(page));
    let mut refs = attrs(&html, "[href]", "href");
    refs.extend(attrs(&html, "[src]", "src"));
    refs
}

#[test]
fn site_built_for_a_subpath_has_no_broken_links_and_no_root_links() {
    let site = seeds_under_subpath();
    let report = check_links(&site.output(), BASE_PATH);
    assert!(
        !report.report.has_errors(),
        "broken links:\n{}",
        report.report.to_plain_text()
    );
    assert!(
        report.checked > 1000,
        "only {} internal references checked",
        report.checked
    );
    for page in html_pages(&site) {
        for url in references(&site, &page) {
            let escapes =
                url.starts_with('/') && !url.starts_with("//") && !url.starts_with(BASE_PATH);
            assert!(!escapes, "{page}: `{url}` points outside {BASE_PATH}");
        }
    }
}

/// 404.html is served for any missing URL, at any depth, so relative links would break:
/// every link must be absolute.
#[test]
fn not_found_page_links_work_at_any_depth() {
    let site = seeds_under_subpath();
    let refs = references(&site, "404.html");
    assert!(!refs.is_empty());
    for url in refs {
        let absolute =
            url.starts_with(BASE_PATH) || url.starts_with("https://") || url.starts_with('#');
        assert!(absolute, "404.html: `{url}` is relative");
    }
}

/// RFC 3339 date-time: `2024-05-03T00:00:00Z` or with a `+09:00` offset.
fn is_rfc3339(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|b| b.iter().all(u8::is_ascii_digit))
    };
    let shape = bytes.len() >= 20
        && digits(0..4)
        && bytes[4] == b'-'
        && digits(5..7)
        && bytes[7] == b'-'
        && digits(8..10)
        && bytes[10] == b'T'
        && digits(11..13)
        && bytes[13] == b':'
        && digits(14..16)
        && bytes[16] == b':'
        && digits(17..19);
    let zone = &text[19.min(text.len())..];
    let zone = zone
        .strip_prefix('.')
        .map_or(zone, |z| z.trim_start_matches(|c: char| c.is_ascii_digit()));
    shape
        && (zone == "Z"
            || (zone.len() == 6
                && (zone.starts_with('+') || zone.starts_with('-'))
                && zone.as_bytes()[3] == b':'))
}

fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    node.children().find(|c| c.has_tag_name(name))
}

fn child_text<'a>(node: roxmltree::Node<'a, '_>, name: &str) -> &'a str {
    child(node, name).and_then(|c| c.text()).unwrap_or("")
}

/// An Atom feed (RFC 4287): the feed and each entry have id, title, updated; entries
/// link to their page, under the base URL.
fn assert_atom(site: &Site, path: &str) -> usize {
    let text = site.file(path);
    let doc =
        roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{path} is not XML: {e}"));
    let feed = doc.root_element();
    assert!(
        feed.has_tag_name(("http://www.w3.org/2005/Atom", "feed")),
        "{path}: root is not an Atom feed"
    );
    for name in ["id", "title", "updated"] {
        assert!(
            !child_text(feed, name).is_empty(),
            "{path}: feed has no <{name}>"
        );
    }
    assert!(
        is_rfc3339(child_text(feed, "updated")),
        "{path}: feed updated {:?}",
        child_text(feed, "updated")
    );
    let entries: Vec<_> = feed
        .children()
        .filter(|c| c.has_tag_name("entry"))
        .collect();
    for entry in &entries {
        for name in ["id", "title", "updated"] {
            assert!(
                !child_text(*entry, name).is_empty(),
                "{path}: an entry has no <{name}>"
            );
        }
        assert!(
            is_rfc3339(child_text(*entry, "updated")),
            "{path}: entry updated {:?}",
            child_text(*entry, "updated")
        );
        let href = child(*entry, "link")
            .and_then(|l| l.attribute("href"))
            .unwrap_or("");
        assert!(
            href.starts_with(BASE_URL),
            "{path}: entry link {href:?} is not under {BASE_URL}"
        );
    }
    entries.len()
}

#[test]
fn feeds_sitemap_and_robots_are_valid() {
    let site = seeds_under_subpath();
    assert!(
        assert_atom(&site, "atom.xml") >= 5,
        "the site feed carries the seed articles"
    );
    let source_feeds: Vec<String> = site
        .files()
        .into_iter()
        .filter(|f| f.starts_with("sources/") && f.ends_with("/atom.xml"))
        .collect();
    assert!(!source_feeds.is_empty(), "no per-source feeds");
    for feed in &source_feeds {
        assert_atom(&site, feed);
    }

    let text = site.file("sitemap.xml");
    let doc = roxmltree::Document::parse(&text).expect("sitemap.xml is XML");
    assert!(doc
        .root_element()
        .has_tag_name(("http://www.sitemaps.org/schemas/sitemap/0.9", "urlset")));
    let locs: Vec<&str> = doc
        .root_element()
        .children()
        .filter(|c| c.has_tag_name("url"))
        .map(|u| child_text(u, "loc"))
        .collect();
    assert!(locs.len() > 20, "sitemap lists {} URLs", locs.len());
    for loc in &locs {
        assert!(
            loc.starts_with(BASE_URL),
            "sitemap loc {loc:?} is not under {BASE_URL}"
        );
    }
    assert!(locs.contains(&"https://example.org/archive/search/"));

    let robots = site.file("robots.txt");
    assert!(
        robots
            .lines()
            .any(|l| l == "Sitemap: https://example.org/archive/sitemap.xml"),
        "robots.txt: {robots}"
    );
}

#[test]
fn every_page_has_a_canonical_url_and_share_cards() {
    let site = seeds_under_subpath();
    for page in html_pages(&site) {
        let html = scraper::Html::parse_document(&site.file(&page));
        let meta = |property: &str| -> Vec<String> {
            let mut values = attrs(&html, &format!("meta[property=\"{property}\"]"), "content");
            values.extend(attrs(
                &html,
                &format!("meta[name=\"{property}\"]"),
                "content",
            ));
            values
        };
        let canonical = attrs(&html, "link[rel=canonical]", "href");
        assert_eq!(canonical.len(), 1, "{page}: one canonical link");
        assert!(
            canonical[0].starts_with(BASE_URL),
            "{page}: canonical {}",
            canonical[0]
        );
        assert_eq!(
            meta("og:url"),
            canonical,
            "{page}: og:url is the canonical URL"
        );
        for property in ["og:title", "og:site_name", "og:description", "twitter:card"] {
            assert!(
                meta(property).iter().any(|v| !v.is_empty()),
                "{page}: no {property}"
            );
        }
        let expected_type = if page.starts_with("articles/") {
            "article"
        } else {
            "website"
        };
        assert_eq!(meta("og:type"), [expected_type], "{page}: og:type");
        assert_eq!(meta("twitter:card"), ["summary"], "{page}");
    }
}

/// Runs `gloss build` in `archive` with extra environment variables.
fn build_with_env(archive: &Archive, env: &[(&str, &str)]) {
    let output = Command::new(env!("CARGO_BIN_EXE_gloss"))
        .current_dir(archive.root())
        .envs(env.iter().copied())
        .env("NO_COLOR", "1")
        .args(["build", "--base-url", BASE_URL])
        .output()
        .expect("run gloss");
    assert!(
        output.status.success(),
        "gloss build failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The seeds, copied newest-named file first: a different directory order and
/// different creation times from `Archive::seeds()`.
fn seeds_in_reverse_order() -> Archive {
    let mut names: Vec<_> = fs::read_dir(repo_root().join("seeds"))
        .expect("seeds")
        .flatten()
        .map(|e| e.path())
        .collect();
    names.sort();
    names.reverse();
    let mut archive = Archive::new().file(
        "site.toml",
        &fs::read_to_string(repo_root().join("site.toml")).expect("site.toml"),
    );
    for path in names {
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        archive = archive.file(
            &format!("seeds/{name}"),
            &fs::read_to_string(&path).expect("seed text"),
        );
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    archive
}

fn assert_same_trees(what: &str, a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) {
    let names = |t: &BTreeMap<String, Vec<u8>>| t.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(a), names(b), "{what}: different files");
    for (path, bytes) in a {
        assert!(bytes == &b[path], "{what}: {path} differs");
    }
}

#[test]
fn builds_are_byte_identical() {
    let reference = Archive::seeds();
    build_with_env(&reference, &[]);
    let expected = tree(&reference.root().join("public"));
    assert!(
        expected
            .keys()
            .any(|p| p.starts_with("search/index/terms/")),
        "the search index is part of the output"
    );

    let again = Archive::seeds();
    build_with_env(&again, &[("RAYON_NUM_THREADS", "1")]);
    assert_same_trees(
        "RAYON_NUM_THREADS=1",
        &expected,
        &tree(&again.root().join("public")),
    );

    let reversed = seeds_in_reverse_order();
    build_with_env(&reversed, &[]);
    assert_same_trees(
        "seeds copied in reverse order",
        &expected,
        &tree(&reversed.root().join("public")),
    );
}
