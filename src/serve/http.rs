//! Requests to responses: which in-memory file a URL means, with which content type.
//!
//! Paths are decoded and normalised before lookup, and anything that tries to step
//! out (`..`, its percent-encoded forms, backslashes, control characters) is refused
//! with 400. The site lives in a map, so nothing outside it can be read anyway; the
//! refusal keeps the behaviour explicit and tested.

use std::fmt::Write as _;
use std::io::Cursor;
use std::sync::Arc;

use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::inject::{self, EVENTS_PATH};
use super::state::SiteState;

/// True for the live-reload event stream, which is served apart from files.
pub(crate) fn is_events_request(request: &Request) -> bool {
    *request.method() == Method::Get && split_query(request.url()).0 == EVENTS_PATH
}

/// What a request path resolves to.
#[derive(Debug, PartialEq, Eq)]
enum Lookup {
    /// A file of the site, by output path.
    File(String),
    /// A folder asked for without its trailing slash: where to send the browser.
    Redirect(String),
    NotFound,
    /// A path that could not be decoded or tries to leave the site.
    BadRequest,
}

/// Answers one ordinary request from the given version of the site. A client that
/// went away mid-response is not an error worth reporting.
pub(crate) fn respond(request: Request, site: &SiteState) {
    let response = match *request.method() {
        Method::Get | Method::Head => match lookup(site, request.url()) {
            Lookup::File(path) => file_response(site, &path, 200),
            Lookup::Redirect(location) => redirect(&location),
            Lookup::NotFound => not_found(site),
            Lookup::BadRequest => text_response(
                400,
                "400 bad request: the path is not valid for this site\n",
            ),
        },
        _ => with_header(
            text_response(
                405,
                "405 method not allowed: this preview answers GET and HEAD\n",
            ),
            "Allow",
            "GET, HEAD",
        ),
    };
    let _ = request.respond(response);
}

type Body = Response<Cursor<Arc<[u8]>>>;

fn lookup(site: &SiteState, url: &str) -> Lookup {
    let (raw_path, query) = split_query(url);
    let Some(path) = normalize_request_path(raw_path) else {
        return Lookup::BadRequest;
    };
    if path.is_empty() || path.ends_with('/') {
        let index = format!("{path}index.html");
        return if site.files.contains_key(&index) {
            Lookup::File(index)
        } else {
            Lookup::NotFound
        };
    }
    if site.files.contains_key(&path) {
        return Lookup::File(path);
    }
    if site.files.contains_key(&format!("{path}/index.html")) {
        let query = query.filter(|q| q.bytes().all(|b| b.is_ascii_graphic()));
        let location = match query {
            Some(query) => format!("/{}/?{query}", encode_path(&path)),
            None => format!("/{}/", encode_path(&path)),
        };
        return Lookup::Redirect(location);
    }
    Lookup::NotFound
}

/// The path and the query string of a request target (a `#fragment` never reaches a
/// server, but is dropped too if a client sends one).
fn split_query(url: &str) -> (&str, Option<&str>) {
    let url = url.split_once('#').map_or(url, |(before, _)| before);
    match url.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (url, None),
    }
}

/// Decodes and normalises a request path into a site path without the leading slash:
/// `/` → `""`, `/articles/x/` → `articles/x/`, `/atom.xml` → `atom.xml`. Empty
/// segments are collapsed. `None` for anything that is not a plain path inside the
/// site: `.` or `..` segments (also percent-encoded), backslashes, control characters,
/// invalid percent-encoding or UTF-8, or a target that does not start with `/`.
pub fn normalize_request_path(raw: &str) -> Option<String> {
    if !raw.starts_with('/') {
        return None;
    }
    let decoded = percent_decode(raw)?;
    if decoded.chars().any(|c| c == '\\' || c.is_control()) {
        return None;
    }
    let mut segments = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" => {}
            "." | ".." => return None,
            other => segments.push(other),
        }
    }
    let mut path = segments.join("/");
    if decoded.ends_with('/') && !path.is_empty() {
        path.push('/');
    }
    Some(path)
}

/// `%XX` escapes to bytes, then UTF-8. A `+` is a plus sign in a path.
fn percent_decode(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Percent-encodes a site path for a `Location` header (which must be ASCII).
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// The `Content-Type` for a file, by its extension. Text types say UTF-8, which is
/// what gloss writes.
pub fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name == "atom.xml" {
        return "application/atom+xml; charset=utf-8";
    }
    let extension = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "jsonld" => "application/ld+json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "wasm" => "application/wasm",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// A file of the site; HTML gets the live-reload script and, after a failed build,
/// the error overlay.
fn file_response(site: &SiteState, path: &str, status: u16) -> Body {
    let Some(stored) = site.files.get(path) else {
        return text_response(404, "404 not found\n");
    };
    let kind = content_type(path);
    let body: Arc<[u8]> = if kind.starts_with("text/html") {
        Arc::from(inject::decorate(
            &stored.contents(),
            site.error.as_deref(),
            &site.build_id,
        ))
    } else {
        stored.shared()
    };
    response(status, kind, body)
}

/// The site's own 404 page, with the 404 status.
fn not_found(site: &SiteState) -> Body {
    if site.files.contains_key("404.html") {
        file_response(site, "404.html", 404)
    } else {
        text_response(404, "404 not found\n")
    }
}

fn redirect(location: &str) -> Body {
    with_header(
        text_response(301, "301 moved permanently\n"),
        "Location",
        location,
    )
}

fn text_response(status: u16, text: &str) -> Body {
    response(
        status,
        "text/plain; charset=utf-8",
        Arc::from(text.as_bytes()),
    )
}

fn response(status: u16, kind: &str, body: Arc<[u8]>) -> Body {
    let length = body.len();
    // The length is known: send it (HEAD answers carry it too) rather than chunks.
    let mut response = Response::new(
        StatusCode(status),
        Vec::new(),
        Cursor::new(body),
        Some(length),
        None,
    )
    .with_chunked_threshold(usize::MAX);
    for (name, value) in [
        ("Content-Type", kind),
        // A preview must never show a stale page after a rebuild.
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
    ] {
        response = with_header(response, name, value);
    }
    response
}

/// Adds a header. Values here are constants or percent-encoded, so they are always
/// valid ASCII; one that somehow is not is left out rather than panicking.
fn with_header(mut response: Body, name: &str, value: &str) -> Body {
    if let Ok(header) = Header::from_bytes(name.as_bytes(), value.as_bytes()) {
        response.add_header(header);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::super::state::StoredFile;
    use super::*;

    fn site(paths: &[&str]) -> SiteState {
        SiteState {
            files: paths
                .iter()
                .map(|p| ((*p).to_owned(), StoredFile::new(b"x")))
                .collect(),
            error: None,
            build_id: String::new(),
        }
    }

    #[test]
    fn paths_are_decoded_and_normalised() {
        assert_eq!(normalize_request_path("/").as_deref(), Some(""));
        assert_eq!(
            normalize_request_path("/articles//x/").as_deref(),
            Some("articles/x/")
        );
        assert_eq!(
            normalize_request_path("/tags/caf%C3%A9/").as_deref(),
            Some("tags/café/")
        );
        assert_eq!(
            normalize_request_path("/a+b.txt").as_deref(),
            Some("a+b.txt")
        );
    }

    #[test]
    fn escapes_are_refused() {
        for bad in [
            "/../etc/passwd",
            "/articles/../../x",
            "/%2e%2e/x",
            "/%2E%2E%2Fx",
            "/a/%2e/b",
            "/a\\..\\b",
            "/a%5c..%5cb",
            "/a%00b",
            "/%zz",
            "/%c3",
            "relative",
            "",
        ] {
            assert_eq!(normalize_request_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn folders_get_index_and_a_redirect_without_slash() {
        let site = site(&["index.html", "articles/x/index.html", "atom.xml"]);
        assert_eq!(lookup(&site, "/"), Lookup::File("index.html".to_owned()));
        assert_eq!(
            lookup(&site, "/articles/x/?q=1"),
            Lookup::File("articles/x/index.html".to_owned())
        );
        assert_eq!(
            lookup(&site, "/articles/x"),
            Lookup::Redirect("/articles/x/".to_owned())
        );
        assert_eq!(
            lookup(&site, "/articles/x?q=1"),
            Lookup::Redirect("/articles/x/?q=1".to_owned())
        );
        assert_eq!(
            lookup(&site, "/atom.xml"),
            Lookup::File("atom.xml".to_owned())
        );
        assert_eq!(lookup(&site, "/articles/"), Lookup::NotFound);
        assert_eq!(lookup(&site, "/nope"), Lookup::NotFound);
        assert_eq!(lookup(&site, "/%2e%2e/index.html"), Lookup::BadRequest);
    }

    #[test]
    fn content_types_by_extension() {
        assert_eq!(
            content_type("articles/x/index.html"),
            "text/html; charset=utf-8"
        );
        assert_eq!(
            content_type("articles/x/annotations.jsonld"),
            "application/ld+json"
        );
        assert_eq!(
            content_type("articles/x/text.txt"),
            "text/plain; charset=utf-8"
        );
        assert_eq!(
            content_type("atom.xml"),
            "application/atom+xml; charset=utf-8"
        );
        assert_eq!(
            content_type("sitemap.xml"),
            "application/xml; charset=utf-8"
        );
        assert_eq!(content_type("static/font.WOFF2"), "font/woff2");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
    }

    #[test]
    fn location_is_ascii() {
        assert_eq!(encode_path("tags/café"), "tags/caf%C3%A9");
    }
}
