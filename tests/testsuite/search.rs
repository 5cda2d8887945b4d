//! Search: a reader types a name on /search/ and finds the articles that mention it,
//! with nothing but the static files of the built site.

use std::fs;
use std::io::Read as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use ciborium::Value;

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

/// A gzip-compressed Pagefind file, decompressed, without its `pagefind_dcd` signature.
fn pagefind_file(bundle: &Path, name: &str) -> Vec<u8> {
    let compressed = fs::read(bundle.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(compressed.as_slice())
        .read_to_end(&mut bytes)
        .expect("gzip");
    bytes
        .strip_prefix(b"pagefind_dcd")
        .expect("Pagefind signature")
        .to_vec()
}

fn cbor(bytes: &[u8]) -> Vec<Value> {
    let value: Value = ciborium::from_reader(bytes).expect("cbor");
    value.into_array().expect("a CBOR array")
}

fn text(value: &Value) -> &str {
    value.as_text().expect("a CBOR string")
}

/// The URLs of the pages a one-word query finds, looked up the way Pagefind's
/// WebAssembly does: entry → meta → the index chunk whose word range holds the word →
/// page numbers → fragments. Exact (already lower-case, unstemmed) words only.
fn lookup(site: &Site, word: &str) -> Vec<String> {
    let bundle = site.output().join("pagefind");
    let entry: serde_json::Value =
        serde_json::from_str(&site.file("pagefind/pagefind-entry.json")).expect("entry json");
    let hash = entry["languages"]["en"]["hash"]
        .as_str()
        .expect("an English index");
    let meta = cbor(&pagefind_file(&bundle, &format!("pagefind.{hash}.pf_meta")));
    let pages = meta[1].as_array().expect("pages");
    let chunk = meta[2]
        .as_array()
        .expect("chunks")
        .iter()
        .map(|c| c.as_array().expect("chunk"))
        .find(|c| text(&c[0]) <= word && word <= text(&c[1]))
        .unwrap_or_else(|| panic!("no index chunk holds {word:?}"));
    let words = cbor(&pagefind_file(
        &bundle,
        &format!("index/{}.pf_index", text(&chunk[2])),
    ));
    let words = words[0].as_array().expect("words");
    let Some(found) = words
        .iter()
        .map(|w| w.as_array().expect("word"))
        .find(|w| text(&w[0]) == word)
    else {
        return Vec::new();
    };
    let mut number = 0_usize;
    let mut urls: Vec<String> = found[1]
        .as_array()
        .expect("word pages")
        .iter()
        .map(|p| {
            // Page numbers are delta-encoded within a word's list.
            let delta: usize = p.as_array().expect("page")[0]
                .as_integer()
                .expect("number")
                .try_into()
                .expect("usize");
            number += delta;
            let page_hash = text(&pages[number].as_array().expect("meta page")[0]).to_owned();
            let fragment: serde_json::Value = serde_json::from_slice(&pagefind_file(
                &bundle,
                &format!("fragment/{page_hash}.pf_fragment"),
            ))
            .expect("fragment json");
            fragment["url"].as_str().expect("url").to_owned()
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
    let entry: serde_json::Value =
        serde_json::from_str(&site.file("pagefind/pagefind-entry.json")).expect("entry");
    let hash = entry["languages"]["en"]["hash"].as_str().expect("hash");
    let meta = cbor(&pagefind_file(
        &site.output().join("pagefind"),
        &format!("pagefind.{hash}.pf_meta"),
    ));
    let mut filters: Vec<&str> = meta[3]
        .as_array()
        .expect("filters")
        .iter()
        .map(|f| text(&f.as_array().expect("filter")[0]))
        .collect();
    filters.sort_unstable();
    assert_eq!(filters, ["entity", "kind", "source", "tag"]);
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
        attrs(&html, "#search", "data-bundle"),
        ["/archive/pagefind/"]
    );
    assert!(site.files().contains(&"pagefind/pagefind.js".to_owned()));
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

/// The result links the search page shows for `url`. Chromium's virtual clock can run
/// out while the WebAssembly still compiles on a busy machine (the compile is not a
/// pending fetch or timer), so an empty page is retried a few times before it counts.
fn result_links(browser: &Path, url: &str) -> Vec<String> {
    for attempt in 1..=6 {
        let dom = dump_dom(browser, url);
        let links = attrs(
            &scraper::Html::parse_document(&dom),
            "#search .search-results a",
            "href",
        );
        if !links.is_empty() || dom.contains("No results.") {
            return links;
        }
        eprintln!("{url}: no results rendered yet (attempt {attempt}), retrying");
    }
    Vec::new()
}

/// The real search, in a real browser, on a site served from a subpath: ?q= runs on
/// load, and ?source= narrows the results.
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

    let kaneko = result_links(&browser, &format!("{base}search/?q=Kaneko"));
    for seed in ["000", "001"] {
        let url = format!("/archive/articles/{}/", seed_slug(seed));
        assert!(
            kaneko.contains(&url),
            "the page should list {url} for ?q=Kaneko; it lists {kaneko:?}"
        );
    }
    let izium = result_links(&browser, &format!("{base}search/?q=Izium"));
    assert!(
        izium.contains(&format!("/archive/articles/{}/", seed_slug("002"))),
        "?q=Izium lists {izium:?}"
    );
    let rt_only = result_links(&browser, &format!("{base}search/?q=Kaneko&source=RT"));
    assert_eq!(
        rt_only,
        [format!("/archive/articles/{}/", seed_slug("001"))],
        "?source=RT keeps only RT's article"
    );
}
