//! Machine-readable site files: Atom feeds (site, per source, per tag), the sitemap and
//! robots.txt. Timestamps come only from content (publication dates), so two builds of
//! the same archive are byte-identical.

use std::fmt::Write as _;

use super::html::escape;
use super::plan::Lists;
use super::views::Views;
use super::OutputFile;

/// The sitemap protocol's limit per file.
const SITEMAP_LIMIT: usize = 50_000;

/// One Atom feed of the site.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Feed {
    /// `atom.xml`: every article.
    Site,
    /// `sources/<id>/atom.xml`, by index into the registry's sources.
    Source(usize),
    /// `tags/<tag>/atom.xml`.
    Tag(String),
}

impl Feed {
    /// The articles the feed draws from, newest first (it shows the first
    /// `feeds.limit`).
    pub fn articles<'l>(&self, lists: &'l Lists<'_>) -> &'l [usize] {
        match self {
            Feed::Site => &lists.newest,
            Feed::Source(s) => &lists.sources[*s],
            Feed::Tag(tag) => lists.tags.get(tag.as_str()).map_or(&[], Vec::as_slice),
        }
    }
}

/// The file of one feed.
pub fn feed_file(views: &Views<'_>, lists: &Lists<'_>, feed: &Feed) -> OutputFile {
    let config = &views.archive.config;
    let (path, title) = match feed {
        Feed::Site => ("atom.xml".to_owned(), config.title.clone()),
        Feed::Source(s) => {
            let source = &views.archive.registry.sources[*s];
            (
                format!("sources/{}/atom.xml", source.id),
                format!("{} — {}", config.title, source.name),
            )
        }
        Feed::Tag(tag) => (
            format!("tags/{tag}/atom.xml"),
            format!("{} — tagged {tag}", config.title),
        ),
    };
    atom(views, &path, &title, feed.articles(lists))
}

/// The sitemap(s) and robots.txt.
pub fn sitemap_files(views: &Views<'_>, lists: &Lists<'_>) -> Vec<OutputFile> {
    let archive = views.archive;
    let tags: Vec<&str> = lists.tags.keys().copied().collect();
    let mut files = sitemaps(views, &tags);
    files.push(OutputFile {
        path: "robots.txt".to_owned(),
        contents: format!(
            "User-agent: *\nAllow: /\n\nSitemap: {}\n",
            archive.config.absolute_url("sitemap.xml")
        )
        .into_bytes(),
    });
    files
}

/// An Atom feed (RFC 4287) of the newest `feeds.limit` articles among `articles`.
fn atom(views: &Views<'_>, path: &str, title: &str, articles: &[usize]) -> OutputFile {
    let archive = views.archive;
    let config = &archive.config;
    let entries: Vec<usize> = articles.iter().copied().take(config.feeds.limit).collect();
    let updated = entries
        .iter()
        .filter_map(|&i| {
            archive.articles[i]
                .annotated
                .meta
                .published
                .as_ref()
                .map(|d| *d.get_ref())
        })
        .max()
        .map_or_else(
            || "1970-01-01T00:00:00Z".to_owned(),
            crate::model::PartialDate::rfc3339,
        );
    let mut xml = String::new();
    xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    let _ = writeln!(xml, "  <title>{}</title>", escape(title));
    let _ = writeln!(xml, "  <id>{}</id>", escape(&config.absolute_url(path)));
    let _ = writeln!(
        xml,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        escape(&config.absolute_url(path))
    );
    let _ = writeln!(
        xml,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        escape(&config.base_url)
    );
    let _ = writeln!(xml, "  <updated>{updated}</updated>");
    let _ = writeln!(
        xml,
        "  <author><name>{}</name></author>",
        escape(config.author.as_deref().unwrap_or(&config.title))
    );
    let _ = writeln!(
        xml,
        "  <generator uri=\"https://crates.io/crates/gloss\">gloss</generator>"
    );
    for &i in &entries {
        let article = &archive.articles[i];
        let meta = &article.annotated.meta;
        let url = config.absolute_url(&article.path());
        let date = meta
            .published
            .as_ref()
            .map_or_else(|| updated.clone(), |d| d.get_ref().rfc3339());
        xml.push_str("  <entry>\n");
        let _ = writeln!(xml, "    <title>{}</title>", escape(&article.title));
        let _ = writeln!(xml, "    <id>{}</id>", escape(&url));
        let _ = writeln!(
            xml,
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            escape(&url)
        );
        let _ = writeln!(xml, "    <updated>{date}</updated>");
        if meta.published.is_some() {
            let _ = writeln!(xml, "    <published>{date}</published>");
        }
        for author in &meta.authors {
            let _ = writeln!(xml, "    <author><name>{}</name></author>", escape(author));
        }
        if let Some(source) = article.source {
            let _ = writeln!(
                xml,
                "    <source><title>{}</title></source>",
                escape(&archive.registry.sources[source].name)
            );
        }
        for tag in &meta.tags {
            let _ = writeln!(xml, "    <category term=\"{}\"/>", escape(tag.get_ref()));
        }
        if let Some(summary) = &meta.summary {
            let _ = writeln!(
                xml,
                "    <summary type=\"html\">{}</summary>",
                escape(&views.markdown.render(summary))
            );
        }
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    OutputFile {
        path: path.to_owned(),
        contents: xml.into_bytes(),
    }
}

/// sitemap.xml: one file, or an index of sitemap-N.xml files past 50,000 URLs.
fn sitemaps(views: &Views<'_>, tags: &[&str]) -> Vec<OutputFile> {
    let archive = views.archive;
    let config = &archive.config;
    let mut urls: Vec<(String, Option<String>)> = vec![(String::new(), None)];
    for article in &archive.articles {
        let lastmod = article
            .annotated
            .meta
            .published
            .as_ref()
            .map(toml::Spanned::get_ref)
            .filter(|d| d.day.is_some())
            .map(|d| d.iso());
        urls.push((article.path(), lastmod));
    }
    for section in [
        "timeline/",
        "corrections/",
        "sources/",
        "tags/",
        "graph/",
        "search/",
    ] {
        urls.push((section.to_owned(), None));
    }
    urls.extend(
        archive
            .registry
            .sources
            .iter()
            .map(|s| (format!("sources/{}/", s.id), None)),
    );
    urls.extend(tags.iter().map(|t| (format!("tags/{t}/"), None)));
    for (e, entity) in archive.registry.entities.iter().enumerate() {
        let _ = entity;
        urls.push((views.entity_path(e), None));
    }
    let mut kinds: Vec<&str> = archive
        .registry
        .entities
        .iter()
        .map(|e| e.kind.section())
        .collect();
    kinds.dedup();
    urls.extend(kinds.into_iter().map(|k| (format!("{k}/"), None)));

    let render = |chunk: &[(String, Option<String>)]| -> Vec<u8> {
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        for (path, lastmod) in chunk {
            let _ = write!(
                xml,
                "  <url><loc>{}</loc>",
                escape(&config.absolute_url(path))
            );
            if let Some(date) = lastmod {
                let _ = write!(xml, "<lastmod>{date}</lastmod>");
            }
            xml.push_str("</url>\n");
        }
        xml.push_str("</urlset>\n");
        xml.into_bytes()
    };
    if urls.len() <= SITEMAP_LIMIT {
        return vec![OutputFile {
            path: "sitemap.xml".to_owned(),
            contents: render(&urls),
        }];
    }
    let mut files = Vec::new();
    let mut index = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (n, chunk) in urls.chunks(SITEMAP_LIMIT).enumerate() {
        let path = format!("sitemap-{}.xml", n + 1);
        let _ = writeln!(
            index,
            "  <sitemap><loc>{}</loc></sitemap>",
            escape(&config.absolute_url(&path))
        );
        files.push(OutputFile {
            path,
            contents: render(chunk),
        });
    }
    index.push_str("</sitemapindex>\n");
    files.push(OutputFile {
        path: "sitemap.xml".to_owned(),
        contents: index.into_bytes(),
    });
    files
}
