//! What `gloss serve` adds to HTML pages, and only when serving: the live-reload
//! script, and after a failed build an overlay with the errors. `gloss build` output
//! never contains either: they are added per response, not at render time.

/// The Server-Sent Events endpoint the script listens to.
pub const EVENTS_PATH: &str = "/__gloss/events";

/// An attribute on the injected `<script>`, to find it (in tests, and by people
/// reading a page's source and wondering where it came from).
pub const RELOAD_SCRIPT_MARKER: &str = "data-gloss-live-reload";

/// The `id` of the error overlay element.
pub const OVERLAY_ID: &str = "gloss-error-overlay";

/// Adds the reload script (and the overlay, when `error` is set) just before the last
/// `</body>`, or at the end of a page that has none.
///
/// The script knows the build it came with: if the stream's `hello` names another
/// build (a reload event was missed while the page loaded, or the server restarted),
/// the page reloads at once.
pub(crate) fn decorate(html: &[u8], error: Option<&str>, build_id: &str) -> Vec<u8> {
    let mut insert = String::new();
    if let Some(error) = error {
        insert.push_str(&overlay(error));
    }
    insert.push_str(&script(build_id));
    let at = body_end(html).unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + insert.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(insert.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The byte offset of the last `</body` (any case).
fn body_end(html: &[u8]) -> Option<usize> {
    const CLOSE: &[u8] = b"</body";
    html.windows(CLOSE.len())
        .rposition(|window| window.eq_ignore_ascii_case(CLOSE))
}

fn script(build_id: &str) -> String {
    format!(
        r#"<script {RELOAD_SCRIPT_MARKER}>
(() => {{
  const built = "{id}";
  const events = new EventSource("{EVENTS_PATH}");
  events.addEventListener("hello", (e) => {{ if (e.data !== built) location.reload(); }});
  events.addEventListener("reload", () => location.reload());
}})();
</script>
"#,
        id = crate::render::html::escape(build_id),
    )
}

/// A fixed panel over the page with the build's diagnostics, plain text.
fn overlay(error: &str) -> String {
    format!(
        r#"<div id="{OVERLAY_ID}" role="alert" style="position:fixed;left:0;right:0;bottom:0;max-height:70vh;overflow:auto;z-index:2147483647;margin:0;padding:1rem 1.25rem;background:#1e1e1e;color:#f3f3f3;border-top:4px solid #e5484d;box-shadow:0 -4px 24px rgba(0,0,0,.4);font:14px/1.45 system-ui,sans-serif;text-align:left">
<button type="button" onclick="this.parentNode.remove()" style="float:right;font:inherit;background:#333;color:#f3f3f3;border:1px solid #666;border-radius:4px;padding:.2rem .6rem;cursor:pointer">Hide</button>
<p style="margin:0 0 .75rem;color:#ff9592"><strong>The last change did not build.</strong> This is the last good version of the page; it reloads by itself once the errors are fixed.</p>
<pre style="margin:0;white-space:pre-wrap;font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:#f3f3f3;background:none">{}</pre>
</div>
"#,
        crate::render::html::escape(error.trim_end())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_goes_before_the_last_body_end() {
        let html = b"<html><body><p>x</p></BODY></html>";
        let out = String::from_utf8(decorate(html, None, "b1")).unwrap_or_default();
        let script = out.find(RELOAD_SCRIPT_MARKER).unwrap_or(usize::MAX);
        assert!(script < out.find("</BODY>").unwrap_or(0), "{out}");
        assert!(!out.contains(OVERLAY_ID));
    }

    #[test]
    fn pages_without_body_get_it_appended() {
        let out = String::from_utf8(decorate(b"<p>fragment</p>", None, "b1")).unwrap_or_default();
        assert!(out.starts_with("<p>fragment</p><script"));
    }

    #[test]
    fn overlay_escapes_the_diagnostics() {
        let out = String::from_utf8(decorate(
            b"<body></body>",
            Some("error: <script>alert(1)</script> & \"x\""),
            "b1",
        ))
        .unwrap_or_default();
        assert!(out.contains(OVERLAY_ID));
        assert!(out.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"));
        assert!(!out.contains("<script>alert"));
    }
}
