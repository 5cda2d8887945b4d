//! HTML escaping and URL safety for the few places HTML is written by hand.

/// Escapes text for HTML element content and double-quoted attribute values.
///
/// Every article's text goes through here; the characters to escape are ASCII, so
/// the text is copied in runs between them rather than character by character.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut copied = 0;
    for (at, &byte) in text.as_bytes().iter().enumerate() {
        // One load and test for the common byte, rather than five comparisons.
        if !NEEDS_ESCAPE[usize::from(byte)] {
            continue;
        }
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        };
        // `at` is the position of an ASCII byte: always a character boundary.
        out.push_str(text.get(copied..at).unwrap_or_default());
        out.push_str(entity);
        copied = at + 1;
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    out
}

/// The bytes [`escape`] replaces: `&`, `<`, `>`, `"` and `'`.
static NEEDS_ESCAPE: [bool; 256] = {
    let mut table = [false; 256];
    table[b'&' as usize] = true;
    table[b'<' as usize] = true;
    table[b'>' as usize] = true;
    table[b'"' as usize] = true;
    table[b'\'' as usize] = true;
    table
};

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
        assert_eq!(escape("日本 & «Ж» <x>"), "日本 &amp; «Ж» &lt;x&gt;");
        assert_eq!(escape("no markup, ünïcödé"), "no markup, ünïcödé");
        assert_eq!(escape(""), "");
        assert_eq!(escape("&"), "&amp;");
    }

    #[test]
    fn script_links_are_neutralised() {
        assert_eq!(safe_href(" JavaScript:alert(1)"), "#");
        assert_eq!(safe_href("https://example.org/a"), "https://example.org/a");
    }
}
