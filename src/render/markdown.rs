//! Markdown written by editors (note bodies, summaries, descriptions) to HTML.
//!
//! `[[id]]` becomes a link to the article or entity page; unknown ids were already
//! reported by `link/` and are left as plain text. The HTML is sanitised with ammonia:
//! editors may paste raw HTML, and none of it may run script on the published site.
//!
//! Most notes are plain prose with a few links, and for those ammonia would only
//! re-serialise what pulldown-cmark wrote, at 3% of a large build's time. Such
//! Markdown is written directly, as ammonia would write it ([`plain_html`]); anything
//! else (raw HTML, code blocks, tables, footnotes, images, links ammonia would change)
//! still goes through ammonia.

use std::borrow::Cow;
use std::fmt::Write as _;

use pulldown_cmark::{html, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

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
        // Joined rather than `format!`ed: pages build thousands of links each.
        [self.base_path, path.trim_start_matches('/')].concat()
    }

    /// Sanitised HTML for a Markdown text.
    pub fn render(&self, markdown: &str) -> String {
        let linked = self.resolve_wiki_links(markdown);
        let events: Vec<Event<'_>> = Parser::new_ext(&linked, markdown_options()).collect();
        if let Some(html) = plain_html(&events) {
            return html;
        }
        let mut unsafe_html = String::with_capacity(linked.len() * 3 / 2);
        html::push_html(&mut unsafe_html, events.into_iter());
        self.sanitizer.clean(&unsafe_html).to_string()
    }

    /// Sanitised HTML without the wrapping `<p>` of a one-paragraph text (for inline
    /// places like card summaries).
    pub fn render_inline<'m>(&self, markdown: &'m str) -> Cow<'m, str> {
        if is_bare_prose(markdown) {
            return Cow::Borrowed(markdown);
        }
        Cow::Owned(self.render_inline_parsed(markdown))
    }

    fn render_inline_parsed(&self, markdown: &str) -> String {
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
        if is_bare_prose(markdown) {
            return markdown.to_owned();
        }
        self.plain_parsed(markdown)
    }

    fn plain_parsed(&self, markdown: &str) -> String {
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

/// Whether Markdown sees nothing but text in `text`, so that its inline HTML and its
/// plain text are both `text` itself: one line, starting with a letter (no list,
/// heading, quote, rule or indented code can start there), not ending in a space,
/// with no character that can begin inline syntax, an escape, an entity or HTML, and
/// none that the sanitiser would write as an entity. Card summaries are rendered on
/// every list page an article is on, and most are such a sentence.
fn is_bare_prose(text: &str) -> bool {
    let starts_with_letter = text.chars().next().is_some_and(char::is_alphabetic);
    let ends_in_space = text.chars().next_back().is_some_and(char::is_whitespace);
    starts_with_letter && !ends_in_space && !text.chars().any(is_not_bare_prose)
}

/// What [`is_bare_prose`] refuses: control characters (line breaks among them),
/// Markdown's inline syntax, escapes, entities and HTML, and the no-break space, which
/// the sanitiser writes as `&nbsp;`. A `match` rather than a list searched for each
/// character: summaries are checked on every list page.
fn is_not_bare_prose(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '['
                | ']'
                | '<'
                | '>'
                | '&'
                | '!'
                | '~'
                | '|'
                | '#'
                | '{'
                | '}'
        )
        || c == '\u{a0}'
}

fn markdown_options() -> Options {
    Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES
}

/// The HTML ammonia would make of pulldown-cmark's rendering of `events`, when they
/// are all plain prose (paragraphs, headings, lists, quotes, emphasis, inline code,
/// breaks and links ammonia keeps), written without parsing it again; `None`
/// otherwise.
///
/// pulldown-cmark writes the tags; text and attributes are escaped the way ammonia's
/// serialiser does (`&`, `<`, `>` and no-break spaces; in attributes `"` too), and
/// links get ammonia's `rel`.
fn plain_html(events: &[Event<'_>]) -> Option<String> {
    let mut written: Vec<Event<'_>> = Vec::with_capacity(events.len());
    for event in events {
        written.push(match event {
            Event::Text(text) if is_plain_text(text) => {
                Event::InlineHtml(CowStr::from(escape_serialised(text, false)))
            }
            Event::Code(code) if is_plain_text(code) => Event::InlineHtml(CowStr::from(format!(
                "<code>{}</code>",
                escape_serialised(code, false)
            ))),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) => Event::InlineHtml(CowStr::from(link_start(*link_type, dest_url, title)?)),
            // ammonia writes void elements without the slash.
            Event::HardBreak => Event::InlineHtml(CowStr::Borrowed("<br>\n")),
            Event::Start(tag) if is_plain_tag(tag) => event.clone(),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::BlockQuote(None)
                | TagEnd::List(_)
                | TagEnd::Item
                | TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link,
            )
            | Event::SoftBreak => event.clone(),
            _ => return None,
        });
    }
    let mut out = String::with_capacity(events.len() * 16);
    html::push_html(&mut out, written.into_iter());
    Some(out)
}

/// Block and inline tags that pulldown-cmark writes without attributes ammonia
/// would drop.
fn is_plain_tag(tag: &Tag<'_>) -> bool {
    match tag {
        Tag::Heading {
            id, classes, attrs, ..
        } => id.is_none() && classes.is_empty() && attrs.is_empty(),
        Tag::Paragraph
        | Tag::BlockQuote(None)
        | Tag::List(_)
        | Tag::Item
        | Tag::Emphasis
        | Tag::Strong
        | Tag::Strikethrough => true,
        _ => false,
    }
}

/// Text that parsing HTML gives back unchanged (the parser drops NUL and turns
/// carriage returns into line feeds).
fn is_plain_text(text: &str) -> bool {
    !text.contains(['\0', '\r'])
}

/// `<a href=… title=… rel=…>` as ammonia writes it, or `None` when ammonia would
/// change the link (a scheme it does not allow, a URL it cannot parse, a quote that
/// pulldown-cmark writes as an entity).
fn link_start(link_type: LinkType, dest_url: &str, title: &str) -> Option<String> {
    let mut href = String::new();
    if link_type == LinkType::Email {
        href.push_str("mailto:");
    }
    pulldown_cmark_escape::escape_href(&mut href, dest_url).ok()?;
    if href.contains("&#x27;") || !ammonia_keeps_url(&href.replace("&amp;", "&")) {
        return None;
    }
    let mut tag = format!("<a href=\"{href}\"");
    if !title.is_empty() {
        let _ = write!(tag, " title=\"{}\"", escape_serialised(title, true));
    }
    tag.push_str(" rel=\"noopener noreferrer\">");
    Some(tag)
}

/// ammonia's test for a URL attribute with its default schemes and relative URLs
/// passed through.
fn ammonia_keeps_url(url: &str) -> bool {
    match url::Url::parse(url) {
        Ok(parsed) => matches!(parsed.scheme(), "http" | "https" | "mailto"),
        Err(error) => error == url::ParseError::RelativeUrlWithoutBase,
    }
}

/// Text escaped as an HTML serialiser (html5ever's, which ammonia uses) escapes it:
/// `&`, `<`, `>` and no-break spaces, and in a double-quoted attribute `"` too.
fn escape_serialised(text: &str, in_attribute: bool) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            '"' if in_attribute => out.push_str("&quot;"),
            other => out.push(other),
        }
    }
    out
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

    /// pulldown-cmark's HTML through ammonia: what every note got before plain
    /// Markdown was written directly.
    fn through_ammonia(markdown: &str) -> String {
        let mut unsafe_html = String::new();
        html::push_html(
            &mut unsafe_html,
            Parser::new_ext(markdown, markdown_options()),
        );
        let mut sanitizer = ammonia::Builder::default();
        sanitizer.link_rel(Some("noopener noreferrer"));
        sanitizer.clean(&unsafe_html).to_string()
    }

    /// Strings of up to three pieces: letters, spaces, every character the fast path
    /// refuses, and some that look like syntax without being it.
    fn bare_prose_samples() -> Vec<String> {
        let pieces = [
            "Ab",
            "é",
            " ",
            "  ",
            "1",
            "1.",
            "-",
            "+",
            ".",
            ",",
            "'",
            "\"",
            "(",
            ")",
            ":",
            "http://x.y",
            "\\",
            "`",
            "*",
            "_",
            "[",
            "]",
            "[[a]]",
            "<",
            ">",
            "&",
            "&amp;",
            "!",
            "~",
            "~~",
            "|",
            "#",
            "{",
            "}",
            "\u{a0}",
            "\n",
            "\r",
            "\t",
            "\0",
            "=",
            "---",
            "ｶ",
            "\u{2028}",
            "\u{3000}",
            "^",
            "$",
        ];
        let mut samples = crate::test_inputs::concatenations(&pieces, 3);
        // Starting with a letter, as most summaries do.
        let lettered: Vec<String> = samples.iter().map(|s| format!("Ab{s}")).collect();
        samples.extend(lettered);
        samples
    }

    #[test]
    fn bare_prose_renders_as_the_parser_renders_it() {
        let targets = Targets::default();
        let renderer = MarkdownRenderer::new("/", &targets);
        let mut bare = 0;
        for sample in bare_prose_samples() {
            if !is_bare_prose(&sample) {
                continue;
            }
            bare += 1;
            assert_eq!(renderer.render_inline_parsed(&sample), sample, "{sample:?}");
            assert_eq!(renderer.plain_parsed(&sample), sample, "{sample:?}");
        }
        // The fast path is taken for many samples, not only trivial ones.
        assert!(bare > 10_000, "{bare}");
        assert!(is_bare_prose(
            "Kaneko's unit, 2022: \"front-line\" duty (Kharkiv)."
        ));
        assert!(!is_bare_prose("1. Kaneko"));
        assert!(!is_bare_prose("Kaneko "));
    }

    fn written_directly(markdown: &str) -> Option<String> {
        let events: Vec<Event<'_>> = Parser::new_ext(markdown, markdown_options()).collect();
        plain_html(&events)
    }

    #[test]
    fn plain_markdown_is_written_as_ammonia_writes_it() {
        let samples = [
            "",
            "Plain text.",
            "Quotes \"double\" and 'single', & ampersands, 1 < 2 > 0, &copy; &#39; &amp;",
            "No-break\u{a0}space and ideographic　space: 日本語の記事。",
            "*em* **strong** ~~struck~~ `code <b> & \"q\"` _under_ ***both***",
            "Line one\nline two  \nafter a hard break\\\nand another",
            "# Heading\n\n## Second *em*\n\nSetext\n---\n\n###### Six",
            "> quoted\n>\n> two paragraphs\n\n> > nested",
            "- a\n- b\n  - nested\n\n1. one\n2. two\n\n3. three\n4. four\n\n7) paren",
            "- loose\n\n- list\n\n  second paragraph",
            "[link](https://example.org/a?b=1&c=2#frag \"Title & \\\"q\\\" <x>\")",
            "[rel](/people/x/), [frag](#note-1), [up](../a/), <https://example.org/x?y=1>, <a@b.org>",
            "[spaced](<https://example.org/a b>) [ü](https://example.org/ü) [mail](mailto:a@b.org)",
            "[Daisaku Kaneko](</people/daisaku-kaneko/>) said [[not-a-link]] \\* escaped",
            "Tabs\tand  spaces\n\n\n\nmany blank lines",
        ];
        for sample in samples {
            let direct = written_directly(sample)
                .unwrap_or_else(|| panic!("{sample:?} should be written directly"));
            assert_eq!(direct, through_ammonia(sample), "{sample:?}");
        }
    }

    #[test]
    fn markdown_ammonia_would_change_still_goes_through_it() {
        let samples = [
            "Raw <b>html</b>",
            "<div>block html</div>",
            "[x](javascript:alert(1))",
            "[x](data:text/html,hi)",
            "[x](http://[bad)",
            "[x](/it's)",
            "![image](/a.png)",
            "```rust\nfn main() {}\n```",
            "    indented code",
            "| a |\n|---|\n| b |",
            "Footnote[^1]\n\n[^1]: text",
            "Rule\n\n***",
            "nul \0 byte",
        ];
        for sample in samples {
            assert_eq!(written_directly(sample), None, "{sample:?}");
        }
        let targets = Targets::default();
        let renderer = MarkdownRenderer::new("/", &targets);
        for sample in samples {
            assert_eq!(
                renderer.render(sample),
                through_ammonia(sample),
                "{sample:?}"
            );
        }
    }

    #[test]
    fn unknown_wiki_link_stays_text() {
        let targets = Targets::default();
        let renderer = MarkdownRenderer::new("/archive/", &targets);
        assert_eq!(renderer.render_inline("See [[nobody]]."), "See nobody.");
    }
}
