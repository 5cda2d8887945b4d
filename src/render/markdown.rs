//! Markdown written by editors (note bodies, summaries, descriptions) to HTML.
//!
//! `[[id]]` becomes a link to the article or entity page; unknown ids were already
//! reported by `link/` and are left as plain text. The HTML is sanitised with ammonia:
//! editors may paste raw HTML, and none of it may run script on the published site.

use std::fmt::Write as _;

use pulldown_cmark::{html, Event, Options, Parser};

use crate::link::{wiki_links, Targets};

/// Renders editor Markdown for one site (it knows the base path and the link targets).
pub struct MarkdownRenderer<'a> {
    base_path: &'a str,
    targets: &'a Targets,
    sanitizer: ammonia::Builder<'static>,
}

impl<'a> MarkdownRenderer<'a> {
    pub fn new(base_path: &'a str, targets: &'a Targets) -> Self {
        let mut sanitizer = ammonia::Builder::default();
        sanitizer.link_rel(Some("noopener noreferrer"));
        Self {
            base_path,
            targets,
            sanitizer,
        }
    }

    /// A site path as a site-absolute URL under the base path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path.trim_start_matches('/'))
    }

    /// Sanitised HTML for a Markdown text.
    pub fn render(&self, markdown: &str) -> String {
        let linked = self.resolve_wiki_links(markdown);
        let options =
            Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES;
        let mut unsafe_html = String::with_capacity(linked.len() * 3 / 2);
        html::push_html(&mut unsafe_html, Parser::new_ext(&linked, options));
        self.sanitizer.clean(&unsafe_html).to_string()
    }

    /// Sanitised HTML without the wrapping `<p>` of a one-paragraph text (for inline
    /// places like card summaries).
    pub fn render_inline(&self, markdown: &str) -> String {
        let html = self.render(markdown);
        let trimmed = html.trim();
        match trimmed
            .strip_prefix("<p>")
            .and_then(|s| s.strip_suffix("</p>"))
        {
            Some(inner) if !inner.contains("<p>") => inner.to_owned(),
            _ => html,
        }
    }

    /// Plain text of a Markdown text (meta descriptions, feed summaries, search).
    pub fn plain(&self, markdown: &str) -> String {
        let linked = self.resolve_wiki_links(markdown);
        let mut text = String::with_capacity(linked.len());
        for event in Parser::new(&linked) {
            match event {
                Event::Text(t) | Event::Code(t) => text.push_str(&t),
                Event::SoftBreak | Event::HardBreak => text.push(' '),
                Event::End(_) if !text.ends_with(' ') => text.push(' '),
                _ => {}
            }
        }
        text.trim().to_owned()
    }

    /// `[[id]]` → `[Title](url)`; `[[id|label]]` → `[label](url)`.
    fn resolve_wiki_links(&self, markdown: &str) -> String {
        let links = wiki_links(markdown);
        if links.is_empty() {
            return markdown.to_owned();
        }
        let mut out = String::with_capacity(markdown.len() + 64);
        let mut last = 0;
        for (id, range) in links {
            out.push_str(&markdown[last..range.start]);
            let inner = &markdown[range.start + 2..range.end - 2];
            let label = inner.split_once('|').map(|(_, label)| label.trim());
            match self.targets.get(id) {
                Some(target) => {
                    let text = label.unwrap_or(&target.title);
                    let _ = write!(
                        out,
                        "[{}](<{}>)",
                        escape_link_text(text),
                        self.url(&target.path)
                    );
                }
                None => out.push_str(label.unwrap_or(id)),
            }
            last = range.end;
        }
        out.push_str(&markdown[last..]);
        out
    }
}

/// Backslash-escapes characters that would end or restyle Markdown link text.
fn escape_link_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '[' | ']' | '\\' | '*' | '_' | '`' | '<' | '>' | '&') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_and_script_links_are_sanitised() {
        let targets = Targets::default();
        let renderer = MarkdownRenderer::new("/", &targets);
        let html = renderer.render("Hi <script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) **b**");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("<strong>b</strong>"), "{html}");
    }

    #[test]
    fn unknown_wiki_link_stays_text() {
        let targets = Targets::default();
        let renderer = MarkdownRenderer::new("/archive/", &targets);
        assert_eq!(renderer.render_inline("See [[nobody]]."), "See nobody.");
    }
}
