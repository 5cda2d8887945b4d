//! Search: a reader types a name on /search/ and finds the articles that mention it,
//! with nothing but the static files of the built site.

use std::fmt::Write as _;
use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::support::{attrs, repo_root, texts, Archive, Site};

/// The slug of a seed article, from its annotation file (`000` → `kaneko-friday-interview`).
fn seed_slug(prefix: &str) -> String {
    let seeds = repo_root().join("seeds");
    let path = fs::read_dir(&seeds)
        .expect("seeds")
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.extension().is_some_and(|x| x == "toml")
                && p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })
        .unwrap_or_else(|| panic!("no seed {prefix}_*.toml"));
    let table: toml::Table = fs::read_to_string(&path)
        .expect("read")
        .parse()
        .expect("toml");
    table["article"]["slug"]
        .as_str()
        .expect("seed has a slug")
        .to_owned()
}

fn json(site: &Site, path: &str) -> serde_json::Value {
    serde_json::from_str(&site.file(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The URLs of the pages whose indexed words include `word` exactly, looked up the way
/// static/search.js does: meta.json → the shard with the longest key that begins the
/// word (hex of the key in the file name) → delta-encoded document numbers → the
/// document files.
fn lookup(site: &Site, word: &str) -> Vec<String> {
    let meta = json(site, "search/index/meta.json");
    let home = meta["shards"]
        .as_array()
        .expect("shards")
        .iter()
        .map(|k| k.as_str().expect("shard key"))
        .filter(|k| word.starts_with(k))
        .max_by_key(|k| k.len())
        .expect("the root shard begins every word");
    let hex = home.bytes().fold(String::new(), |mut hex, b| {
        let _ = write!(hex, "{b:02x}");
        hex
    });
    let shard = json(site, &format!("search/index/terms/t{hex}.json"));
    let Some(postings) = shard.get(word) else {
        return Vec::new();
    };
    let per_file = meta["docs_per_file"].as_u64().expect("docs_per_file");
    let postings = postings.as_array().expect("postings");
    let mut doc = 0;
    let mut urls: Vec<String> = postings
        .chunks(2)
        .map(|pair| {
            doc += pair[0].as_u64().expect("delta");
            assert!(pair[1].as_u64().expect("score") >= 1, "scores are positive");
            let file = json(site, &format!("search/index/docs/{}.json", doc / per_file));
            let index = usize::try_from(doc % per_file).expect("index");
            file[index]["url"].as_str().expect("url").to_owned()
        })
        .collect();
    urls.sort();
    urls
}

#[test]
fn index_finds_names_in_the_articles_that_mention_them() {
    let site = Archive::seeds().build();
    let kaneko = lookup(&site, "kaneko");
    for seed in ["000", "001"] {
        let url = format!("/articles/{}/", seed_slug(seed));
        assert!(
            kaneko.contains(&url),
            "\"Kaneko\" should find {url}; found {kaneko:?}"
        );
    }
    assert!(
        kaneko.contains(&"/people/daisaku-kaneko/".to_owned()),
        "the entity page is searchable too: {kaneko:?}"
    );
    let izium = lookup(&site, "izium");
    let url = format!("/articles/{}/", seed_slug("002"));
    assert!(
        izium.contains(&url),
        "\"Izium\" should find {url}; found {izium:?}"
    );
    assert!(lookup(&site, "xyzzyplugh").is_empty());
}

#[test]
fn notes_and_entity_names_are_searchable_and_filters_exist() {
    let site = Archive::new()
        .file("seeds/_entities.toml", "[person.daisaku-kaneko]\nname = \"Daisaku Kaneko\"\naliases = [\"Kaneko\"]\n")
        .file("seeds/_sources.toml", "[source.rt]\nname = \"RT\"\nurl = \"https://www.rt.com\"\n")
        .article("a.txt", "Volunteer speaks\n\nMr. Kaneko spoke from Moscow about the front.\n")
        .annotation(
            "a.toml",
            "[article]\nslug = \"a\"\nsource = \"rt\"\nkind = \"interview\"\ntags = [\"volunteers\"]\n\n\
             [[note]]\nquote = \"Moscow\"\nkind = \"context\"\nbody = \"He was treated in a zyxwvut hospital.\"\n",
        )
        .build();
    assert_eq!(
        lookup(&site, "zyxwvut"),
        vec!["/articles/a/".to_owned()],
        "note text is indexed"
    );
    assert!(
        lookup(&site, "daisaku").contains(&"/articles/a/".to_owned()),
        "entity full names are indexed"
    );
    let meta = json(&site, "search/index/meta.json");
    let filters = meta["filters"].as_object().expect("filters");
    let keys: Vec<&str> = filters.keys().map(String::as_str).collect();
    assert_eq!(keys, ["entity", "kind", "source", "tag"]);
    assert_eq!(filters["source"], serde_json::json!([["RT", 1]]));
    // The one document with source RT is the article (document 0: articles come first).
    assert_eq!(site.file("search/index/filters/source/0.json"), "[0]");
    let docs = json(&site, "search/index/docs/0.json");
    assert_eq!(docs[0]["url"], "/articles/a/");
    assert_eq!(docs[0]["meta"]["text"], "/articles/a/text.txt");
    assert_eq!(docs[0]["meta"]["source"], "RT");
}

#[test]
fn search_page_loads_only_files_from_the_site_and_explains_itself_without_javascript() {
    let site = Archive::seeds()
        .arg("--base-url")
        .arg("https://example.org/archive/")
        .build();
    let html = site.html("search/");
    assert_eq!(
        attrs(&html, "form.search-form", "action"),
        ["/archive/search/"]
    );
    assert_eq!(
        attrs(&html, "form.search-form input[name=q]", "type"),
        ["search"]
    );
    assert_eq!(
        attrs(&html, "#search", "data-index"),
        ["/archive/search/index/"]
    );
    assert!(site.files().contains(&"search/index/meta.json".to_owned()));
    let noscript = site.page("search/");
    let noscript = &noscript[noscript.find("<noscript>").expect("a <noscript>")..];
    for target in ["/archive/tags/", "/archive/people/", "/archive/places/"] {
        assert!(
            noscript.contains(&format!("href=\"{target}\"")),
            "<noscript> links to {target}"
        );
    }
    assert!(texts(&html, "noscript")
        .concat()
        .contains("needs JavaScript"));
    for src in
        attrs(&html, "script[src]", "src")
            .into_iter()
            .chain(attrs(&html, "link[href]", "href"))
    {
        let ours = src.starts_with("/archive/") || src.starts_with("https://example.org/archive/");
        assert!(
            ours,
            "the search page loads {src}, which is not part of the site"
        );
    }
}

/// `python3 -m http.server` on a free loopback port, serving `dir`; stopped on drop.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(dir: &Path) -> Option<Self> {
        let port = TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let child = Command::new("python3")
            .args([
                "-m",
                "http.server",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
            ])
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        for _ in 0..50 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Some(Self { child, port });
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn chromium() -> Option<PathBuf> {
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .into_iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

/// The DOM of `url` after its scripts ran, from headless Chromium.
fn dump_dom(browser: &Path, url: &str) -> String {
    let profile = tempfile::tempdir().expect("profile dir");
    let output = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--virtual-time-budget=20000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(["--dump-dom", url])
        .output()
        .expect("run chromium");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// What the search page shows for `url`: its result links and the marked words of
/// its excerpts. Chromium's virtual clock can run out on a busy machine before the
/// fetches finish, so a page that shows nothing yet is loaded again, a few times; no
/// links means the page said "No results.".
fn results(browser: &Path, url: &str) -> (Vec<String>, Vec<String>) {
    for attempt in 1..=6 {
        let dom = dump_dom(browser, url);
        let html = scraper::Html::parse_document(&dom);
        let links = attrs(&html, "#search .search-results h2 a", "href");
        if !links.is_empty() || dom.contains("No results.") {
            return (links, texts(&html, "#search .search-excerpt mark"));
        }
        eprintln!("{url}: no results rendered yet (attempt {attempt}), retrying");
    }
    panic!("{url}: the page showed neither results nor \"No results.\"");
}

fn result_links(browser: &Path, url: &str) -> Vec<String> {
    results(browser, url).0
}

/// The real search, in a real browser, on a site served from a subpath: ?q= runs on
/// load, a word's beginning finds it, accents and case are folded as the index folds
/// them, excerpts mark the hits, and ?source= narrows the results (or lists a source's
/// pages alone).
#[test]
fn browser_search_runs_the_query_in_the_url() {
    let Some(browser) = chromium() else {
        eprintln!("\n*** SKIPPED browser_search_runs_the_query_in_the_url: no Chromium at /usr/bin/chromium (apt-get install chromium) ***\n");
        return;
    };
    let site = Archive::seeds()
        .arg("--base-url")
        .arg("http://127.0.0.1/archive/")
        .build();
    let root = tempfile::tempdir().expect("server root");
    std::os::unix::fs::symlink(site.output(), root.path().join("archive")).expect("symlink");
    let server = Server::start(root.path()).expect("python3 -m http.server starts");
    let base = format!("http://127.0.0.1:{}/archive/", server.port);
    let kaneko_articles: Vec<String> = ["000", "001"]
        .iter()
        .map(|seed| format!("/archive/articles/{}/", seed_slug(seed)))
        .collect();

    let (kaneko, marks) = results(&browser, &format!("{base}search/?q=Kaneko"));
    for url in &kaneko_articles {
        assert!(
            kaneko.contains(url),
            "the page should list {url} for ?q=Kaneko; it lists {kaneko:?}"
        );
    }
    assert!(
        marks.iter().any(|m| m == "Kaneko"),
        "excerpts mark the word as the text spells it: {marks:?}"
    );
    for query in ["Kane", "KAN%C3%89KO"] {
        let found = result_links(&browser, &format!("{base}search/?q={query}"));
        for url in &kaneko_articles {
            assert!(found.contains(url), "?q={query} lists {found:?}");
        }
    }
    let izium = result_links(&browser, &format!("{base}search/?q=Izium"));
    assert!(
        izium.contains(&format!("/archive/articles/{}/", seed_slug("002"))),
        "?q=Izium lists {izium:?}"
    );
    let rt_article = [format!("/archive/articles/{}/", seed_slug("001"))];
    let rt_only = result_links(&browser, &format!("{base}search/?q=Kaneko&source=RT"));
    assert_eq!(rt_only, rt_article, "?source=RT keeps only RT's article");
    let rt_alone = result_links(&browser, &format!("{base}search/?source=RT"));
    assert_eq!(rt_alone, rt_article, "?source=RT alone lists RT's pages");
    assert!(
        result_links(&browser, &format!("{base}search/?q=Kaneko+xyzzyplugh")).is_empty(),
        "every word must match"
    );
}
