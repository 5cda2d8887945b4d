//! HTML escaping and URL safety for the few places HTML is written by hand.

/// Escapes text for HTML element content and double-quoted attribute values.
///
/// Every article's text goes through here; the characters to escape are ASCII, so
/// the text is copied in runs between them rather than character by character.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    push_escaped(&mut out, text);
    out
}

/// [`escape`], appended to `out`: the article body's text goes straight into the
/// page this way, without a `String` for each run of it.
pub fn push_escaped(out: &mut String, text: &str) {
    for_each_escaped_piece(text, |piece| out.push_str(piece));
}

/// [`escape`], written to `out`: templates' `{{ }}` blocks write escaped values
/// straight into the page this way, without a `String` for each.
pub fn escape_into(text: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut written = Ok(());
    for_each_escaped_piece(text, |piece| {
        if written.is_ok() {
            written = out.write_all(piece.as_bytes());
        }
    });
    written
}

/// Hands `text` escaped to `emit`, as runs of it between the characters to escape
/// and those characters' entities.
fn for_each_escaped_piece(text: &str, mut emit: impl FnMut(&str)) {
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
        emit(text.get(copied..at).unwrap_or_default());
        emit(entity);
        copied = at + 1;
    }
    emit(text.get(copied..).unwrap_or_default());
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

    /// The plain definition: each of the five bytes replaced, everything else kept.
    fn escape_byte_by_byte(text: &str) -> String {
        text.chars()
            .map(|c| match c {
                '&' => "&amp;".to_owned(),
                '<' => "&lt;".to_owned(),
                '>' => "&gt;".to_owned(),
                '"' => "&quot;".to_owned(),
                '\'' => "&#39;".to_owned(),
                c => c.to_string(),
            })
            .collect()
    }

    #[test]
    fn escaping_agrees_with_replacing_each_char() {
        // Every arrangement of up to three of the five bytes and plain and multi-byte
        // text, then each byte inside and after runs of several lengths.
        let pieces = ["&", "<", ">", "\"", "'", "a", "ü", "日本", " ", "&amp;"];
        let mut texts = crate::test_inputs::concatenations(&pieces, 3);
        for n in [15, 16, 17, 31, 32, 33, 63, 64, 65, 200] {
            for (i, special) in ["&", "<", ">", "\"", "'"].iter().enumerate() {
                let mut text = "x".repeat(n);
                text.insert_str(n / (i + 1), special);
                text.push_str(special);
                texts.push(text.clone());
                texts.push(format!("{special}{text}ü{}", "y".repeat(n)));
            }
        }
        for text in &texts {
            let expected = escape_byte_by_byte(text);
            assert_eq!(escape(text), expected, "{text:?}");
            let mut pushed = String::from("before ");
            push_escaped(&mut pushed, text);
            assert_eq!(pushed, format!("before {expected}"), "{text:?}");
            let mut written = b"before ".to_vec();
            escape_into(text, &mut written).expect("a Vec takes every write");
            assert_eq!(
                written,
                format!("before {expected}").into_bytes(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn script_links_are_neutralised() {
        assert_eq!(safe_href(" JavaScript:alert(1)"), "#");
        assert_eq!(safe_href("https://example.org/a"), "https://example.org/a");
    }
}
