//! Refuses templates nested deeper than Tera can parse and render.
//!
//! Tera's parser and renderer recurse once per level of nested tags (`{% if %}`
//! inside `{% for %}`…) and of brackets in an expression. Past a few hundred levels
//! (fewer in a debug build) the thread's stack overflows and the process aborts. No
//! real template comes near [`MAX_DEPTH`]; a generated or damaged one can, and gets
//! an error at the tag that goes too deep instead.

use std::ops::Range;

/// The deepest nesting of block tags, or of brackets within one tag, that gloss lets
/// Tera see. Measured: 256 nested `{% if %}` render in a debug build, 512 do not.
pub(super) const MAX_DEPTH: usize = 100;

/// Where a template first nests deeper than [`MAX_DEPTH`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TooDeep {
    /// The tag (or bracket) that goes one level too deep, as a byte range.
    pub(super) span: Range<usize>,
    /// Whether the nesting is of block tags (else of brackets in an expression).
    pub(super) blocks: bool,
}

/// The first place `text` nests deeper than [`MAX_DEPTH`], if any. Tags are read as
/// Tera delimits them; a malformed template is left for Tera to report.
pub(super) fn too_deep(text: &str) -> Option<TooDeep> {
    let mut blocks = 0usize;
    let mut at = 0;
    while let Some(found) = text.get(at..).and_then(|rest| rest.find('{')) {
        let start = at + found;
        let rest = text.get(start..).unwrap_or_default();
        let close = if rest.starts_with("{{") {
            "}}"
        } else if rest.starts_with("{%") {
            "%}"
        } else if rest.starts_with("{#") {
            // A comment: nothing in it counts.
            at = start + rest.find("#}").map_or(rest.len(), |end| end + 2);
            continue;
        } else {
            at = start + 1;
            continue;
        };
        let inner_start = start + 2;
        // An unclosed tag: Tera reports it.
        let inner_len = tag_length(text.get(inner_start..).unwrap_or_default(), close)?;
        let inner = text
            .get(inner_start..inner_start + inner_len)
            .unwrap_or_default();
        let end = inner_start + inner_len + 2;
        if let Some(offset) = deepest_bracket(inner) {
            let bracket = inner_start + offset;
            return Some(TooDeep {
                span: bracket..bracket + 1,
                blocks: false,
            });
        }
        if close == "%}" {
            let word = tag_word(inner);
            if word == "raw" {
                // Verbatim text up to `{% endraw %}`: not template syntax.
                at = text
                    .get(end..)
                    .and_then(|rest| rest.find("endraw"))
                    .map_or(text.len(), |found| end + found);
                continue;
            }
            if OPENERS.contains(&word) {
                blocks += 1;
                if blocks > MAX_DEPTH {
                    return Some(TooDeep {
                        span: start..end,
                        blocks: true,
                    });
                }
            } else if word.starts_with("end") {
                blocks = blocks.saturating_sub(1);
            }
        }
        at = end;
    }
    None
}

/// Tags that open a block closed by an `end…` tag.
const OPENERS: [&str; 5] = ["if", "for", "block", "macro", "filter"];

/// The first word of a `{% … %}` tag, after Tera's whitespace control (`-`).
fn tag_word(inner: &str) -> &str {
    let inner = inner.trim_start_matches('-').trim_start();
    let end = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    inner.get(..end).unwrap_or_default()
}

/// The length of a tag's inside, up to `close` outside string literals.
fn tag_length(inner: &str, close: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in inner.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            None if matches!(c, '"' | '\'' | '`') => quote = Some(c),
            None if inner.get(i..).is_some_and(|rest| rest.starts_with(close)) => {
                return Some(i);
            }
            Some(_) | None => {}
        }
    }
    None
}

/// The offset of the first bracket, outside string literals, that nests deeper than
/// [`MAX_DEPTH`].
fn deepest_bracket(inner: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (i, c) in inner.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' | '`' => quote = Some(c),
                '(' | '[' => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Some(i);
                    }
                }
                ')' | ']' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested_ifs(n: usize) -> String {
        format!(
            "<p>{}x{}</p>",
            "{% if a %}".repeat(n),
            "{%- endif %}".repeat(n)
        )
    }

    #[test]
    fn blocks_up_to_the_limit_pass_and_one_more_is_pointed_at() {
        assert_eq!(too_deep(&nested_ifs(MAX_DEPTH)), None);
        let text = nested_ifs(MAX_DEPTH + 1);
        let found = too_deep(&text).expect("too deep");
        assert!(found.blocks);
        let last_open = 3 + 10 * MAX_DEPTH;
        assert_eq!(found.span, last_open..last_open + 10);
        // Closing tags bring the depth back: the same blocks one after another pass.
        let siblings = format!("{}{}", nested_ifs(MAX_DEPTH), nested_ifs(MAX_DEPTH));
        assert_eq!(too_deep(&siblings), None);
    }

    #[test]
    fn brackets_in_one_expression_count_outside_strings() {
        let deep = format!(
            "{{{{ {}1{} }}}}",
            "(".repeat(MAX_DEPTH + 1),
            ")".repeat(MAX_DEPTH + 1)
        );
        let found = too_deep(&deep).expect("too deep");
        assert!(!found.blocks);
        assert_eq!(found.span, 3 + MAX_DEPTH..4 + MAX_DEPTH);
        // A `}}` in a string does not end the tag: the brackets after it still count.
        let after_quote = format!(
            "{{{{ '}}}}' ~ {}1{} }}}}",
            "(".repeat(MAX_DEPTH + 1),
            ")".repeat(MAX_DEPTH + 1)
        );
        assert!(too_deep(&after_quote).is_some());
        let quoted = format!("{{{{ \"{}\" ~ '}}}}' }}}}", "(".repeat(500));
        assert_eq!(too_deep(&quoted), None);
        let shallow = format!(
            "{{% set x = {}1{} %}}",
            "[".repeat(MAX_DEPTH),
            "]".repeat(MAX_DEPTH)
        );
        assert_eq!(too_deep(&shallow), None);
    }

    #[test]
    fn comments_and_raw_text_do_not_count() {
        let tags = "{% if a %}".repeat(MAX_DEPTH + 1);
        assert_eq!(too_deep(&format!("{{# {tags} #}}")), None);
        assert_eq!(too_deep(&format!("{{% raw %}}{tags}{{% endraw %}}")), None);
        assert_eq!(
            too_deep(&format!("{{%- raw -%}}{tags}{{%- endraw -%}}")),
            None
        );
    }

    #[test]
    fn the_built_in_theme_is_within_the_limit() {
        for (name, text) in super::super::builtin_templates() {
            assert_eq!(too_deep(text), None, "{name}");
        }
    }
}
