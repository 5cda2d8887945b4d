//! `gloss serve`: a real server on a loopback port, fetched over real HTTP, with real
//! file edits. Every wait is bounded, so a broken server fails a test instead of
//! hanging it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use gloss::serve::{ServeOptions, Server, OVERLAY_ID, RELOAD_SCRIPT_MARKER};

use crate::support::Archive;

const TIMEOUT: Duration = Duration::from_secs(10);
const ARTICLE: &str = "/articles/kaneko-friday-interview/";
const ANNOTATION: &str = "seeds/000_3b4df888474cdb9e.toml";

fn start(root: &Path) -> Server {
    let options = ServeOptions {
        port: 0,
        quiet: true,
        ..ServeOptions::default()
    };
    Server::start(root, &options).expect("server starts")
}

/// A response, as a tiny HTTP/1.0 client sees it.
struct Fetched {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Fetched {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends `request_line` (e.g. `GET /x HTTP/1.0`) and reads the whole response.
fn request(addr: SocketAddr, method: &str, target: &str) -> Fetched {
    let mut stream = TcpStream::connect_timeout(&addr, TIMEOUT).expect("connect");
    stream.set_read_timeout(Some(TIMEOUT)).expect("timeout");
    write!(stream, "{method} {target} HTTP/1.0\r\nHost: {addr}\r\n\r\n").expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read response");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {head:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Fetched {
        status,
        headers,
        body: body.to_owned(),
    }
}

fn get(addr: SocketAddr, target: &str) -> Fetched {
    request(addr, "GET", target)
}

/// An open live-reload stream.
struct Events {
    stream: TcpStream,
    seen: String,
}

impl Events {
    fn open(addr: SocketAddr) -> Self {
        let mut stream = TcpStream::connect_timeout(&addr, TIMEOUT).expect("connect");
        write!(
            stream,
            "GET /__gloss/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .expect("send");
        stream
            .set_read_timeout(Some(Duration::from_millis(100)))
            .expect("timeout");
        let mut events = Self {
            stream,
            seen: String::new(),
        };
        events.wait_for("event: hello\n");
        events
    }

    /// Reads until `wanted` has arrived `count` times in total, or fails after
    /// [`TIMEOUT`].
    fn wait_for_nth(&mut self, wanted: &str, count: usize) {
        let deadline = Instant::now() + TIMEOUT;
        let mut buffer = [0_u8; 4096];
        while self.seen.matches(wanted).count() < count {
            assert!(
                Instant::now() < deadline,
                "no {wanted:?} (#{count}) within {TIMEOUT:?}; got:\n{}",
                self.seen
            );
            match self.stream.read(&mut buffer) {
                Ok(0) => panic!("event stream closed; got:\n{}", self.seen),
                Ok(n) => self.seen.push_str(&String::from_utf8_lossy(&buffer[..n])),
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(e) => panic!("event stream failed: {e}"),
            }
        }
    }

    fn wait_for(&mut self, wanted: &str) {
        self.wait_for_nth(wanted, 1);
    }
}

/// Rewrites a project file (as an editor's save would).
fn write(root: &Path, path: &str, text: &str) {
    std::fs::write(root.join(path), text).expect("write");
}

#[test]
fn serves_the_site_from_memory_with_the_right_types() {
    let archive = Archive::seeds();
    let server = start(archive.root());
    let addr = server.addr();
    assert!(
        server.url().starts_with("http://127.0.0.1:"),
        "{}",
        server.url()
    );

    let home = get(addr, "/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert!(
        home.body.contains(RELOAD_SCRIPT_MARKER),
        "home page has the reload script"
    );
    assert!(!home.body.contains(OVERLAY_ID));
    // Links point at the server, not at site.toml's base_url.
    let canonical = server.url().trim_end_matches('/');
    assert!(
        home.body.contains(canonical),
        "absolute URLs use {canonical}"
    );

    let article = get(addr, ARTICLE);
    assert_eq!(article.status, 200);
    let script_at = article.body.find(RELOAD_SCRIPT_MARKER).expect("script");
    assert!(
        script_at < article.body.rfind("</body>").expect("body end"),
        "script sits inside <body>"
    );

    for (target, kind) in [
        (
            "/articles/kaneko-friday-interview/annotations.jsonld",
            "application/ld+json",
        ),
        (
            "/articles/kaneko-friday-interview/text.txt",
            "text/plain; charset=utf-8",
        ),
        ("/atom.xml", "application/atom+xml; charset=utf-8"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
    ] {
        let response = get(addr, target);
        assert_eq!(response.status, 200, "{target}");
        assert_eq!(response.header("Content-Type"), Some(kind), "{target}");
        assert!(
            !response.body.contains(RELOAD_SCRIPT_MARKER),
            "{target} is not HTML"
        );
    }
    let stylesheet = stylesheet_href(&home.body);
    assert_eq!(
        get(addr, &stylesheet).header("Content-Type"),
        Some("text/css; charset=utf-8")
    );

    let redirect = get(addr, "/articles/kaneko-friday-interview");
    assert_eq!(redirect.status, 301);
    assert_eq!(redirect.header("Location"), Some(ARTICLE));

    let head = request(addr, "HEAD", ARTICLE);
    assert_eq!(head.status, 200);
    assert!(head
        .header("Content-Length")
        .is_some_and(|l| l.parse::<usize>().is_ok_and(|n| n > 0)));
    assert!(head.body.is_empty());

    assert_eq!(request(addr, "POST", "/").status, 405);
    assert!(
        !archive.root().join("public").exists(),
        "serve writes nothing to disk"
    );
    server.stop();
}

/// Files are kept compressed in memory: what is served must be what a build writes.
#[test]
fn served_files_are_the_bytes_a_build_writes() {
    let built = Archive::seeds().build();
    let archive = Archive::seeds();
    let server = start(archive.root());
    let addr = server.addr();
    let stylesheet = stylesheet_href(&get(addr, "/").body);
    for target in [
        "/articles/kaneko-friday-interview/text.txt",
        stylesheet.as_str(),
        "/search/index/meta.json",
        "/search/index/docs/0.json",
    ] {
        let response = get(addr, target);
        assert_eq!(response.status, 200, "{target}");
        let path = target.trim_start_matches('/');
        let written = built.file(path);
        assert!(written.len() > 20, "{target} has something to compare");
        assert_eq!(response.body, written, "{target}");
    }
    server.stop();
}

/// The href of the page's stylesheet (fingerprinted, so not known in advance).
fn stylesheet_href(html: &str) -> String {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(r#"link[rel="stylesheet"]"#).expect("selector");
    let href = document
        .select(&selector)
        .find_map(|e| e.value().attr("href"))
        .expect("a stylesheet link");
    // An absolute URL or a site path: the path is what is asked for.
    href.split_once("://")
        .map_or(href, |(_, rest)| &rest[rest.find('/').unwrap_or(0)..])
        .to_owned()
}

#[test]
fn misses_get_the_sites_404_page() {
    let archive = Archive::seeds();
    let server = start(archive.root());
    let missing = get(server.addr(), "/articles/no-such-article/");
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    let built_404 = Archive::seeds().build().file("404.html");
    let title = |html: &str| crate::support::texts(&scraper::Html::parse_document(html), "title");
    assert_eq!(title(&missing.body), title(&built_404));
    assert!(missing.body.contains(RELOAD_SCRIPT_MARKER));
}

#[test]
fn paths_leaving_the_site_are_refused() {
    let archive = Archive::seeds();
    let server = start(archive.root());
    for target in [
        "/../site.toml",
        "/articles/../../site.toml",
        "/%2e%2e/site.toml",
        "/%2E%2E%2Fsite.toml",
        "/..%2f..%2fetc/passwd",
        "/articles\\..\\..\\site.toml",
        "/articles%5c..%5csite.toml",
        "/%00",
        "/%zz",
    ] {
        let response = get(server.addr(), target);
        assert_eq!(response.status, 400, "{target}: {}", response.body);
        assert!(
            !response.body.contains("base_url"),
            "{target} must not leak site.toml"
        );
    }
}

#[test]
fn build_output_never_has_the_reload_script() {
    let site = Archive::seeds().build();
    let html: Vec<String> = site
        .files()
        .into_iter()
        .filter(|f| Path::new(f).extension().is_some_and(|e| e == "html"))
        .collect();
    assert!(html.len() > 10);
    for file in html {
        let text = site.file(&file);
        assert!(
            !text.contains(RELOAD_SCRIPT_MARKER) && !text.contains("__gloss"),
            "{file}"
        );
        assert!(!text.contains(OVERLAY_ID), "{file}");
    }
}

#[test]
fn edits_reload_the_page_and_errors_show_over_the_last_good_version() {
    let archive = Archive::seeds();
    let root = archive.root();
    let server = start(root);
    let addr = server.addr();
    let mut events = Events::open(addr);
    let original = std::fs::read_to_string(root.join(ANNOTATION)).expect("annotation");

    // An edit: the note body changes, a reload event follows, the page shows it.
    let edited = original.replace(
        "roughly 360,000 yen, as stated.",
        "roughly 360,000 yen, as stated (checked live).",
    );
    assert_ne!(edited, original, "the seed note to edit exists");
    write(root, ANNOTATION, &edited);
    events.wait_for("event: reload\n");
    let page = get(addr, ARTICLE).body;
    assert!(page.contains("(checked live)"), "the edited note is served");
    assert!(!page.contains(OVERLAY_ID));

    // A syntax error: the old page stays, with an overlay naming file:line:column.
    let broken_line = edited
        .lines()
        .position(|l| l.starts_with("kind = \"context\""))
        .expect("a context note")
        + 1;
    let broken = edited.replacen("kind = \"context\"", "kind = \"context", 1);
    write(root, ANNOTATION, &broken);
    events.wait_for_nth("event: reload\n", 2);
    let page = get(addr, ARTICLE);
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains(OVERLAY_ID),
        "overlay shown after a failed build"
    );
    assert!(
        page.body.contains("(checked live)"),
        "the last good version is still served"
    );
    let location = format!("{ANNOTATION}:{broken_line}:");
    assert!(page.body.contains(&location), "overlay names {location}");
    assert!(
        get(addr, "/").body.contains(OVERLAY_ID),
        "every page carries the overlay"
    );

    // Fixed: the overlay is gone.
    write(root, ANNOTATION, &edited);
    events.wait_for_nth("event: reload\n", 3);
    let page = get(addr, ARTICLE).body;
    assert!(
        !page.contains(OVERLAY_ID),
        "overlay cleared by the next good build"
    );
    assert!(page.contains("(checked live)"));
    server.stop();
}

#[test]
fn editor_temp_files_do_not_rebuild() {
    let archive = Archive::seeds();
    let server = start(archive.root());
    let mut events = Events::open(server.addr());
    write(
        archive.root(),
        "seeds/.000_3b4df888474cdb9e.toml.swp",
        "junk",
    );
    write(archive.root(), "seeds/000_3b4df888474cdb9e.toml~", "junk");
    write(archive.root(), "seeds/4913", "");
    std::thread::sleep(Duration::from_millis(600));
    // A real change after them: the first reload seen must be that one.
    write(
        archive.root(),
        "seeds/_sources.toml",
        &std::fs::read_to_string(archive.root().join("seeds/_sources.toml")).expect("sources"),
    );
    events.wait_for("event: reload\n");
    assert_eq!(
        events.seen.matches("event: reload").count(),
        1,
        "{}",
        events.seen
    );
}

#[test]
fn a_failed_first_build_still_serves_the_errors() {
    let archive = Archive::new()
        .article("a.txt", "A headline for the test\n\nThe first paragraph of the body, long enough to be a paragraph.\n")
        .annotation("a.toml", "[article]\nslug = \"a\"\nkind = \"newz\"\n");
    let server = start(archive.root());
    let mut events = Events::open(server.addr());
    let home = get(server.addr(), "/");
    assert_eq!(home.status, 200);
    assert!(home.body.contains(OVERLAY_ID));
    assert!(home.body.contains("seeds/a.toml:3:"), "{}", home.body);
    assert!(home.body.contains(RELOAD_SCRIPT_MARKER));

    write(
        archive.root(),
        "seeds/a.toml",
        "[article]\nslug = \"a\"\nkind = \"news\"\n",
    );
    events.wait_for("event: reload\n");
    let article = get(server.addr(), "/articles/a/");
    assert_eq!(article.status, 200);
    assert!(!article.body.contains(OVERLAY_ID));
}

#[test]
fn a_taken_port_moves_to_the_next_one() {
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let archive = Archive::seeds();
    let options = ServeOptions {
        port,
        quiet: true,
        ..ServeOptions::default()
    };
    let server = Server::start(archive.root(), &options).expect("starts on a later port");
    assert_eq!(server.busy_port(), Some(port));
    assert!(server.addr().port() > port && server.addr().port() <= port + 10);
    assert_eq!(get(server.addr(), "/").status, 200);
}

/// The command itself: says which port it took, serves, and dies on a signal.
#[test]
fn the_serve_command_reports_a_busy_port_and_serves() {
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let archive = Archive::seeds();
    let mut child = Command::new(env!("CARGO_BIN_EXE_gloss"))
        .current_dir(archive.root())
        .env("NO_COLOR", "1")
        .args(["serve", "--port", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn gloss serve");
    let guard = KillOnDrop(&mut child);
    let stderr = guard.0.stderr.take().expect("stderr");
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    let line = loop {
        let line = receiver
            .recv_timeout(TIMEOUT)
            .expect("gloss serve announces its URL");
        if line.contains("serving on") {
            break line;
        }
    };
    let prefix = format!("port {port} is in use; serving on http://127.0.0.1:");
    assert!(line.starts_with(&prefix), "{line}");
    let url = line.rsplit(' ').next().unwrap_or_default();
    let addr: SocketAddr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .expect("host:port");
    assert_ne!(addr.port(), port);
    assert_eq!(get(addr, "/").status, 200);
}

#[test]
fn a_bad_bind_address_is_an_error() {
    let output = Archive::new().run(&["serve", "--bind", "not-an-address"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr)
        .contains("invalid `--bind` address `not-an-address`"));
}

/// Ends the child process however the test ends.
struct KillOnDrop<'a>(&'a mut Child);

impl Drop for KillOnDrop<'_> {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn event_streams_are_bounded_and_kept_alive() {
    let archive = Archive::seeds();
    let options = ServeOptions {
        port: 0,
        quiet: true,
        heartbeat: Duration::from_millis(200),
        max_clients: 1,
        ..ServeOptions::default()
    };
    let server = Server::start(archive.root(), &options).expect("server starts");
    let mut first = Events::open(server.addr());
    assert!(
        first.seen.contains("Content-Type: text/event-stream"),
        "{}",
        first.seen
    );
    first.wait_for(": keep-alive\n");

    // One stream is the limit here: a second is turned away, not left hanging.
    let refused = get(server.addr(), "/__gloss/events");
    assert_eq!(refused.status, 503);

    // Closing the first frees its place (noticed at the next heartbeat).
    drop(first);
    let deadline = Instant::now() + TIMEOUT;
    loop {
        std::thread::sleep(Duration::from_millis(250));
        let mut stream = TcpStream::connect_timeout(&server.addr(), TIMEOUT).expect("connect");
        stream.set_read_timeout(Some(TIMEOUT)).expect("timeout");
        write!(stream, "GET /__gloss/events HTTP/1.0\r\n\r\n").expect("send");
        let mut status = [0_u8; 12];
        stream.read_exact(&mut status).expect("status line");
        if status.ends_with(b"200") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the closed stream's place was never freed"
        );
    }
    server.stop();
}
