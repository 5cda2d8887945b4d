//! HTML escaping and URL safety for the few places HTML is written by hand.

/// Escapes text for HTML element content and double-quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A link target from an article, with script-running schemes neutralised.
pub fn safe_href(href: &str) -> String {
    let scheme = href
        .split_once(':')
        .map(|(scheme, _)| scheme.trim().to_ascii_lowercase());
    match scheme.as_deref() {
        Some("javascript" | "vbscript" | "data") => "#".to_owned(),
        _ => href.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("<b a=\"1\">'&'</b>"),
            "&lt;b a=&quot;1&quot;&gt;&#39;&amp;&#39;&lt;/b&gt;"
        );
    }

    #[test]
    fn script_links_are_neutralised() {
        assert_eq!(safe_href(" JavaScript:alert(1)"), "#");
        assert_eq!(safe_href("https://example.org/a"), "https://example.org/a");
    }
}
