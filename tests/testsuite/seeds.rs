//! The example archive, built as a user would: the acceptance checks for the seed site.

use std::process::Command;

use crate::support::{attrs, reader_texts, texts, Archive, Site};

const ARTICLES: [(&str, &str); 5] = [
    ("000_3b4df888474cdb9e", "kaneko-friday-interview"),
    ("001_260e7d2464b4973e", "kaneko-rt"),
    ("002_21f92beee9e420d1", "asahi-japanese-volunteer-ukraine"),
    ("003_ff2860a0a760750f", "sankei-russian-soldier-interview"),
    ("004_ed447884a5e1566c", "cna-japan-volunteers-ukraine"),
];

/// One build of the example archive, shared by the tests that only read it.
fn seed_site() -> &'static Site {
    static SITE: std::sync::OnceLock<Site> = std::sync::OnceLock::new();
    SITE.get_or_init(|| Archive::seeds().build())
}

/// The text a reader sees in `<article>`, without note markers and margin notes.
fn article_text(site: &Site, slug: &str) -> String {
    reader_texts(&site.html(&format!("articles/{slug}/")), "article").concat()
}

/// Only the article body (not the notes listed after it).
fn body_text(site: &Site, slug: &str) -> String {
    reader_texts(
        &site.html(&format!("articles/{slug}/")),
        "article .article-body",
    )
    .concat()
}

#[test]
fn every_page_of_the_contract_exists() {
    let site = seed_site();
    let files = site.files();
    for path in [
        "index.html",
        "404.html",
        "atom.xml",
        "sitemap.xml",
        "robots.txt",
        "timeline/index.html",
        "corrections/index.html",
        "graph/index.html",
        "search/index.html",
        "tags/index.html",
        "sources/index.html",
        "sources/rt/index.html",
        "people/index.html",
        "people/daisaku-kaneko/index.html",
        "places/avdiivka/index.html",
        "organizations/index.html",
        "events/index.html",
    ] {
        assert!(files.iter().any(|f| f == path), "missing {path}");
    }
    for (_, slug) in ARTICLES {
        for file in ["index.html", "text.txt", "annotations.jsonld"] {
            let path = format!("articles/{slug}/{file}");
            assert!(files.contains(&path), "missing {path}");
        }
    }
}

#[test]
fn every_internal_link_and_fragment_resolves() {
    let site = seed_site();
    let links = gloss::check::check_links(&site.output(), "/");
    assert!(
        links.report.diagnostics.is_empty(),
        "{:#?}",
        links.report.short_lines()
    );
    assert!(links.checked > 1000, "only {} links checked", links.checked);
}

#[test]
fn home_lists_articles_newest_first() {
    let site = seed_site();
    let home = site.page("");
    let positions: Vec<usize> = [
        "sankei-russian-soldier-interview",
        "kaneko-friday-interview",
        "kaneko-rt",
        "asahi-japanese-volunteer-ukraine",
        "cna-japan-volunteers-ukraine",
    ]
    .iter()
    .map(|slug| {
        home.find(&format!("/articles/{slug}/"))
            .unwrap_or_else(|| panic!("{slug} not on home"))
    })
    .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "order: {positions:?}"
    );
}

#[test]
fn article_titles_are_clean() {
    let site = seed_site();
    for (_, slug) in ARTICLES {
        let html = site.html(&format!("articles/{slug}/"));
        let h1 = texts(&html, "h1");
        assert_eq!(h1.len(), 1, "{slug} has {} h1", h1.len());
        let title = h1[0].trim();
        assert!(!title.is_empty());
        assert!(
            !title.contains(" | "),
            "{slug}: site name left in {title:?}"
        );
        assert!(!title.starts_with("Interview]"), "{slug}: {title:?}");
        let head_title = texts(&html, "title").concat();
        assert!(
            head_title.contains(title),
            "{slug}: <title> {head_title:?} lacks {title:?}"
        );
    }
}

#[test]
fn article_bodies_have_no_page_furniture() {
    let site = seed_site();
    let furniture = [
        "Share on Twitter",
        "Share on LINE",
        "Advertisement",
        "Main navigation",
        "Follow our news",
        "newsletter",
        "By clicking subscribe",
        "This browser is no longer supported",
        "switch browsers",
        "Photo Gallery",
        "Photo Selection",
        "Check out the best photos",
        "Related Articles",
        "RELATED:",
        "Also worth reading",
        "Comments are closed",
        "このページを",
        "Copyright©",
        "World War III would not be resigned",
    ];
    for (_, slug) in ARTICLES {
        let body = article_text(site, slug);
        for line in furniture {
            assert!(!body.contains(line), "{slug}: `{line}` inside <article>");
        }
    }
}

#[test]
fn real_paragraphs_are_all_kept() {
    let site = seed_site();
    let expected = [
        (
            "kaneko-friday-interview",
            "He was paid about 360,000 yen a month",
        ),
        (
            "kaneko-friday-interview",
            "Russia’s military invasion of Ukraine began on February 24, 2010.",
        ),
        (
            "kaneko-friday-interview",
            "Without knowing where the justice of war lies",
        ),
        (
            "kaneko-friday-interview",
            "A photograph of the battlefield.",
        ),
        (
            "kaneko-rt",
            "Moscow should not be blamed for the conflict in Ukraine",
        ),
        ("kaneko-rt", "That is a trait that the Japanese have lost"),
        (
            "asahi-japanese-volunteer-ukraine",
            "A Japanese man who is determined to fight for Ukraine",
        ),
        (
            "asahi-japanese-volunteer-ukraine",
            "Some have apparently set up social media accounts",
        ),
        (
            "sankei-russian-soldier-interview",
            "In May, a Russian soldier in his 20s",
        ),
        (
            "sankei-russian-soldier-interview",
            "Japan has a spirit of cooperation and unity",
        ),
        (
            "cna-japan-volunteers-ukraine",
            "Keiichi Kurogi was one of dozens of men in Japan",
        ),
        (
            "cna-japan-volunteers-ukraine",
            "I would rather go than see children forced to carry guns",
        ),
    ];
    for (slug, sentence) in expected {
        assert!(
            article_text(site, slug).contains(sentence),
            "{slug}: lost {sentence:?}"
        );
    }
    // The sentence the source prints twice in a row is shown once.
    let friday = body_text(site, "kaneko-friday-interview");
    assert_eq!(
        friday
            .matches("The remuneration for a foreign volunteer soldier like us")
            .count(),
        1
    );
}

#[test]
fn removed_lines_are_recorded_outside_the_article() {
    let site = seed_site();
    let html = site.html("articles/kaneko-friday-interview/");
    let removed = texts(&html, "details.removed").concat();
    for line in [
        "Share on Twitter",
        "Photo Gallery3 total",
        "Related Articles",
        "World War III would not be resigned.",
        "The remuneration for a foreign volunteer soldier",
    ] {
        assert!(removed.contains(line), "removed section lacks {line:?}");
    }
    assert!(
        texts(&html, "article details.removed").is_empty(),
        "removed section must sit outside <article>"
    );
    let cna = texts(
        &site.html("articles/cna-japan-volunteers-ukraine/"),
        "details.removed",
    )
    .concat();
    assert!(cna.contains("This browser is no longer supported"));
}

#[test]
fn seed_000_corrects_the_invasion_date_at_the_exact_words() {
    let site = seed_site();
    let html = site.html("articles/kaneko-friday-interview/");
    let marks = texts(&html, "article mark.note-correction");
    assert!(
        marks.iter().any(|m| m == "February 24, 2010"),
        "marks: {marks:?}"
    );
    let notes = texts(&html, ".notes li.note-item-correction").concat();
    assert!(
        notes.contains("February 24, 2022"),
        "correction text missing: {notes}"
    );
}

#[test]
fn every_editorial_fact_on_the_seeds_is_anchored() {
    let site = seed_site();
    let expected = [
        (
            "kaneko-friday-interview",
            "correction",
            "Maidan Revolution of 2002",
        ),
        (
            "kaneko-friday-interview",
            "claim",
            "Barack Obama later admitted his involvement",
        ),
        ("kaneko-friday-interview", "translation", "Audi Iuka"),
        ("kaneko-rt", "framing", "liberated"),
        ("kaneko-rt", "correction", "in November last year"),
        (
            "sankei-russian-soldier-interview",
            "correction",
            "April 2024",
        ),
        (
            "asahi-japanese-volunteer-ukraine",
            "fact-check",
            "more than 20,000 people from 52 countries",
        ),
    ];
    for (slug, kind, quote) in expected {
        let html = site.html(&format!("articles/{slug}/"));
        let marks = texts(&html, &format!("article mark.note-{kind}")).concat();
        assert!(
            marks.contains(quote),
            "{slug}: no {kind} mark on {quote:?}; marks: {marks}"
        );
    }
}

#[test]
fn claims_carry_claim_review_structured_data() {
    let site = seed_site();
    let html = site.html("articles/kaneko-friday-interview/");
    let scripts = texts(&html, "script[type=\"application/ld+json\"]");
    let data: serde_json::Value =
        serde_json::from_str(scripts.first().expect("JSON-LD")).expect("valid JSON");
    let graph = data["@graph"].as_array().expect("@graph");
    assert_eq!(graph[0]["@type"], "NewsArticle");
    let review = graph
        .iter()
        .find(|n| n["@type"] == "ClaimReview")
        .expect("ClaimReview");
    assert!(review["claimReviewed"]
        .as_str()
        .unwrap_or_default()
        .contains("Obama"));
    assert_eq!(review["reviewRating"]["alternateName"], "Misleading");
    assert_eq!(review["itemReviewed"]["@type"], "Claim");
    assert!(review["itemReviewed"]["author"]["name"].is_string());
    assert_eq!(
        review["author"]["name"],
        "Volunteers at War: an annotated archive"
    );
}

#[test]
fn annotation_exports_round_trip_and_validate_as_w3c() {
    let site = seed_site();
    for (_, slug) in ARTICLES {
        let text: Vec<char> = site
            .file(&format!("articles/{slug}/text.txt"))
            .chars()
            .collect();
        let export: serde_json::Value =
            serde_json::from_str(&site.file(&format!("articles/{slug}/annotations.jsonld")))
                .expect("JSON");
        assert_eq!(export["@context"], "http://www.w3.org/ns/anno.jsonld");
        assert_eq!(export["type"], "AnnotationCollection");
        let items = export["first"]["items"].as_array().expect("items");
        assert_eq!(export["total"].as_u64(), Some(items.len() as u64));
        let mut checked = 0;
        for item in items {
            let Some(selectors) = item["target"]["selector"].as_array() else {
                continue;
            };
            let exact = selectors
                .iter()
                .find(|s| s["type"] == "TextQuoteSelector")
                .expect("quote")["exact"]
                .as_str()
                .expect("exact");
            let position = selectors
                .iter()
                .find(|s| s["type"] == "TextPositionSelector")
                .expect("position");
            let start = usize::try_from(position["start"].as_u64().expect("start")).expect("usize");
            let end = usize::try_from(position["end"].as_u64().expect("end")).expect("usize");
            let sliced: String = text[start..end].iter().collect();
            assert_eq!(sliced, exact, "{slug}: selector {start}..{end}");
            checked += 1;
        }
        assert!(checked > 0, "{slug}: no positioned annotations");
    }
    let validator = crate::support::repo_root().join("tests/w3c/tools/validate_w3c_annotations.py");
    // The validator needs ~10 s of CPU per file; seed 000 (with every kind of
    // annotation) is checked here, all five by .ci/run.
    let file = site
        .output()
        .join("articles/kaneko-friday-interview/annotations.jsonld");
    let output = Command::new("python3")
        .arg(&validator)
        .arg(&file)
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "W3C validation failed (needs `pip install jsonschema rfc3987`):\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn corrections_page_links_to_each_exact_spot() {
    let site = seed_site();
    let html = site.html("corrections/");
    let links = attrs(&html, "main a", "href");
    assert!(
        links
            .iter()
            .any(|l| l.starts_with("/articles/kaneko-friday-interview/#n")),
        "{links:?}"
    );
    assert!(
        links
            .iter()
            .any(|l| l.starts_with("/articles/kaneko-rt/#n")),
        "{links:?}"
    );
    assert!(texts(&html, "main").concat().contains("February 24, 2010"));
}

#[test]
fn avdiivka_page_links_each_spelling_to_its_spot() {
    let site = seed_site();
    let html = site.html("places/avdiivka/");
    let links = attrs(&html, "main a", "href");
    let page = texts(&html, "main").concat();
    for spelling in ["Audi Iuka", "Audy Iuka", "Avdeevka"] {
        assert!(page.contains(spelling), "Avdiivka page lacks {spelling}");
    }
    for slug in ["kaneko-friday-interview", "kaneko-rt"] {
        let spots: Vec<&String> = links
            .iter()
            .filter(|l| l.starts_with(&format!("/articles/{slug}/#m-")))
            .collect();
        assert!(
            !spots.is_empty(),
            "no link to a mention in {slug}: {links:?}"
        );
        let article = site.page(&format!("articles/{slug}/"));
        for spot in spots {
            let id = spot.split('#').nth(1).expect("fragment");
            assert!(
                article.contains(&format!("id=\"{id}\"")),
                "{slug} has no element #{id}"
            );
        }
    }
}

#[test]
fn kaneko_page_lists_both_articles_about_him() {
    let site = seed_site();
    let links = attrs(&site.html("people/daisaku-kaneko/"), "main a", "href");
    assert!(links
        .iter()
        .any(|l| l.starts_with("/articles/kaneko-friday-interview/")));
    assert!(links.iter().any(|l| l.starts_with("/articles/kaneko-rt/")));
}

#[test]
fn related_articles_of_seed_000_start_with_seed_001() {
    let site = seed_site();
    let html = site.html("articles/kaneko-friday-interview/");
    let related = attrs(&html, ".panel-related a", "href");
    assert_eq!(
        related.first().map(String::as_str),
        Some("/articles/kaneko-rt/"),
        "{related:?}"
    );
}

#[test]
fn see_also_shows_on_both_ends() {
    let site = seed_site();
    let rt = site.page("articles/kaneko-rt/");
    assert!(
        rt.contains("/articles/kaneko-friday-interview/"),
        "backlink from 001 to 000 missing"
    );
}

#[test]
fn timeline_orders_all_five_articles() {
    let site = seed_site();
    let timeline = site.page("timeline/");
    let order = [
        "cna-japan-volunteers-ukraine",
        "asahi-japanese-volunteer-ukraine",
        "kaneko-rt",
        "kaneko-friday-interview",
        "sankei-russian-soldier-interview",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|slug| {
            timeline
                .find(&format!("/articles/{slug}/"))
                .unwrap_or_else(|| panic!("{slug} not on timeline"))
        })
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "timeline order wrong: {positions:?}"
    );
    // Events are interleaved: the 2014 Maidan revolution comes before every article.
    let maidan = timeline
        .find("/events/maidan-revolution/")
        .expect("Maidan on the timeline");
    assert!(maidan < positions[0]);
}

#[test]
fn source_pages_show_type_and_country() {
    let site = seed_site();
    let rt = texts(&site.html("sources/rt/"), "main")
        .concat()
        .to_lowercase();
    assert!(rt.contains("state-affiliated media"), "{rt}");
    assert!(rt.contains("ru"), "{rt}");
}

#[test]
fn authors_link_to_their_person_page() {
    let site = seed_site();
    let article = site.html("articles/kaneko-friday-interview/");
    assert_eq!(
        attrs(&article, ".byline a.author", "href"),
        ["/people/kei-kato/"]
    );
    let kato = site.html("people/kei-kato/");
    assert_eq!(
        attrs(&kato, ".authored a", "href"),
        ["/articles/kaneko-friday-interview/"]
    );
}

/// The seeds with one article a page and a timeline of at most three entries: the
/// corrections are paginated and the timeline has a page per year.
fn small_pages_site() -> &'static Site {
    static SITE: std::sync::OnceLock<Site> = std::sync::OnceLock::new();
    SITE.get_or_init(|| {
        Archive::seeds()
            .edit("site.toml", |text| {
                format!("{text}\n[lists]\nper_page = 1\ntimeline_max = 3\n")
            })
            .build()
    })
}

/// The pages of a paginated list, in order: `base`, then `base/page/2/`… for as long
/// as they exist, each with its site path.
fn list_pages(site: &Site, base: &str) -> Vec<(String, scraper::Html)> {
    let mut pages = Vec::new();
    for page in 1.. {
        let path = if page == 1 {
            base.to_owned()
        } else {
            format!("{base}page/{page}/")
        };
        if !site.output().join(&path).join("index.html").exists() {
            break;
        }
        let html = site.html(&path);
        pages.push((path, html));
    }
    pages
}

#[test]
fn corrections_are_paginated_and_each_listed_once() {
    let site = small_pages_site();
    let mut spots = Vec::new();
    let list = list_pages(site, "corrections/");
    for (path, html) in &list {
        let groups = texts(html, "main .correction-article");
        assert_eq!(
            groups.len(),
            1,
            "{path}: one article a page, got {groups:?}"
        );
        spots.extend(
            attrs(html, "main .correction-link a", "href")
                .into_iter()
                .map(|href| {
                    href.split('#')
                        .next()
                        .map(str::to_owned)
                        .unwrap_or_default()
                }),
        );
    }
    assert!(
        list.len() > 1,
        "the seeds have corrections in more than one article"
    );
    let pages = list.len();
    let nav = texts(&site.html("corrections/"), "main nav.pagination li");
    assert_eq!(nav.len(), pages, "page 1 links every page: {nav:?}");
    let mut articles = spots.clone();
    articles.dedup();
    assert_eq!(
        articles.len(),
        pages,
        "each article on exactly one page: {spots:?}"
    );
    // The same corrections as the one-page version of the seeds.
    let one_page = attrs(
        &seed_site().html("corrections/"),
        "main .correction-link a",
        "href",
    );
    assert_eq!(spots.len(), one_page.len());
}

#[test]
fn a_long_timeline_has_a_page_per_year() {
    let site = small_pages_site();
    let index = site.html("timeline/");
    let year_links = attrs(&index, "main .timeline-year-heading a", "href");
    assert!(
        year_links.contains(&"/timeline/2022/".to_owned())
            && year_links.contains(&"/timeline/2014/".to_owned()),
        "{year_links:?}"
    );
    assert!(
        !site.page("timeline/").contains("/articles/"),
        "the index of years lists no articles itself"
    );
    // Every article is on the page of its year, and only there.
    let mut seen = Vec::new();
    for link in &year_links {
        let path = link.trim_start_matches('/');
        let html = site.html(path);
        let year = path.trim_start_matches("timeline/").trim_end_matches('/');
        assert_eq!(texts(&html, "h1"), [format!("Timeline: {year}")]);
        seen.extend(
            attrs(&html, "main .timeline-title a", "href")
                .into_iter()
                .filter(|href| href.starts_with("/articles/")),
        );
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 5, "{seen:?}");
    assert_eq!(seen.len(), 5, "{seen:?}");
    // Year pages link to their neighbours.
    let y2022 = site.html("timeline/2022/");
    let nav = attrs(&y2022, "main .year-nav a", "href");
    assert!(nav.contains(&"/timeline/".to_owned()), "{nav:?}");
    assert!(
        nav.iter()
            .any(|l| l.starts_with("/timeline/20") && l != "/timeline/2022/"),
        "{nav:?}"
    );
    // And every link of the site still resolves.
    let report = gloss::check::check_links(&site.output(), "/");
    assert!(
        !report.report.has_errors(),
        "broken links:\n{}",
        report.report.to_plain_text()
    );
}

#[test]
fn entity_pages_are_paginated_with_every_mention_once() {
    // On one page (the default page size), then one article a page.
    let whole = seed_site().html("people/daisaku-kaneko/");
    let all_articles = attrs(&whole, "main .mention-article a", "href");
    let all_contexts = attrs(&whole, "main .context a", "href");
    assert!(all_articles.len() > 1, "{all_articles:?}");
    assert!(attrs(&whole, "main nav.pagination a", "href").is_empty());

    let site = small_pages_site();
    let mut articles = Vec::new();
    let mut contexts = Vec::new();
    let list = list_pages(site, "people/daisaku-kaneko/");
    for (page, (path, html)) in (1..).zip(&list) {
        let here = attrs(html, "main .mention-article a", "href");
        assert_eq!(here.len(), 1, "{path}: one article a page, got {here:?}");
        articles.extend(here);
        contexts.extend(attrs(html, "main .context a", "href"));
        // Every page keeps the header and says how many articles there are in all.
        assert_eq!(texts(html, "main h1").concat(), "Daisaku Kaneko");
        let heading = texts(html, "#mentions-heading").concat();
        assert!(
            heading.starts_with(&format!("Mentioned in {} articles", all_articles.len())),
            "{heading}"
        );
        let neighbours = attrs(html, "main nav.pagination a[rel=next]", "href");
        if page < all_articles.len() {
            assert_eq!(
                neighbours,
                [format!("/people/daisaku-kaneko/page/{}/", page + 1)]
            );
        } else {
            assert!(neighbours.is_empty(), "{neighbours:?}");
        }
    }
    assert_eq!(articles, all_articles);
    assert_eq!(contexts, all_contexts);
}

#[test]
fn the_main_navigation_marks_where_the_reader_is() {
    let site = seed_site();
    let current = |path: &str| -> Vec<(String, String)> {
        let html = site.html(path);
        let selector = scraper::Selector::parse(".site-nav a[aria-current]").expect("selector");
        html.select(&selector)
            .map(|a| {
                let value = a
                    .value()
                    .attr("aria-current")
                    .unwrap_or_default()
                    .to_owned();
                (a.text().collect::<String>(), value)
            })
            .collect()
    };
    let marked = |label: &str, value: &str| vec![(label.to_owned(), value.to_owned())];
    assert_eq!(current(""), marked("Articles", "page"));
    assert_eq!(current("tags/"), marked("Tags", "page"));
    assert_eq!(current("people/"), marked("People", "page"));
    assert_eq!(current("search/"), marked("Search", "page"));
    assert_eq!(current("articles/kaneko-rt/"), marked("Articles", "true"));
    assert_eq!(current("people/daisaku-kaneko/"), marked("People", "true"));
    let tag = attrs(&site.html("articles/kaneko-rt/"), ".tag-list a", "href");
    let tag = tag.first().expect("the article has a tag");
    assert_eq!(current(tag.trim_start_matches('/')), marked("Tags", "true"));
    let html = scraper::Html::parse_document(&site.file("404.html"));
    let selector = scraper::Selector::parse(".site-nav a[aria-current]").expect("selector");
    assert_eq!(
        html.select(&selector).count(),
        0,
        "the 404 page marks nothing"
    );
    // Nor does it claim to be the home page.
    let canonical = attrs(&html, "link[rel=canonical]", "href");
    assert_eq!(canonical, vec!["http://127.0.0.1:1111/404.html".to_owned()]);
}
