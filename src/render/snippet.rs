//! The sentence around a mention, as entity pages quote it.
//!
//! An entity page shows, for every article it lists, each sentence that mentions the
//! entity: at 100,000 articles that is about a million sentences. So the sentence's
//! ends are looked for only as far as the context may reach ([`LIMIT`] bytes either
//! side), in one pass over the bytes, rather than by searching the whole paragraph
//! for each kind of break.

use std::ops::Range;

/// How far the context reaches either side of the mention, in bytes; longer sentences
/// are cut at a word boundary inside this.
const LIMIT: usize = 160;

/// The sentence around `range`, split into before / the range / after: from the last
/// sentence end (`. `, `? `, `! `) or paragraph break (a blank line) before the range
/// to the first after it, each side cut to at most [`LIMIT`] bytes at a space.
pub fn sentence_context<'t>(text: &'t str, range: &Range<usize>) -> (&'t str, &'t str, &'t str) {
    let bytes = text.as_bytes();
    // A break further away than LIMIT is cut anyway; 2 more bytes let a two-byte
    // break that ends right at the limit be seen whole.
    let look_from = range.start.saturating_sub(LIMIT + 2);
    let start = last_break_end(&bytes[look_from..range.start]).map_or(0, |i| look_from + i);
    let look_to = (range.end + LIMIT + 2).min(bytes.len());
    let end = first_sentence_end(&bytes[range.end..look_to]).map_or(bytes.len(), |i| range.end + i);
    let start = clamp_start(text, start, range.start);
    let end = clamp_end(text, end, range.end);
    (
        &text[start..range.start],
        &text[range.clone()],
        &text[range.end..end],
    )
}

/// Whether two bytes end a sentence (`. `, `? `, `! `).
fn ends_sentence(pair: [u8; 2]) -> bool {
    matches!(pair, [b'.' | b'?' | b'!', b' '])
}

/// Where the text after the last break in `before` starts: just past the last
/// sentence end or blank line.
fn last_break_end(before: &[u8]) -> Option<usize> {
    before
        .windows(2)
        .rposition(|pair| {
            let pair = [pair[0], pair[1]];
            ends_sentence(pair) || pair == *b"\n\n"
        })
        .map(|i| i + 2)
}

/// Where the sentence that `after` continues ends: after its full stop (or `?`, `!`),
/// or at a blank line.
fn first_sentence_end(after: &[u8]) -> Option<usize> {
    after.windows(2).enumerate().find_map(|(i, pair)| {
        let pair = [pair[0], pair[1]];
        if pair == *b"\n\n" {
            Some(i)
        } else if ends_sentence(pair) {
            Some(i + 1)
        } else {
            None
        }
    })
}

/// `start`, or, when it is more than [`LIMIT`] bytes before `anchor`, the first word
/// boundary within the limit.
fn clamp_start(text: &str, start: usize, anchor: usize) -> usize {
    if anchor - start <= LIMIT {
        return start;
    }
    let mut cut = anchor - LIMIT;
    while !text.is_char_boundary(cut) {
        cut += 1;
    }
    text[cut..anchor].find(' ').map_or(cut, |i| cut + i + 1)
}

/// `end`, or, when it is more than [`LIMIT`] bytes after `anchor`, the last word
/// boundary within the limit.
fn clamp_end(text: &str, end: usize, anchor: usize) -> usize {
    if end - anchor <= LIMIT {
        return end;
    }
    let mut cut = anchor + LIMIT;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    text[anchor..cut].rfind(' ').map_or(cut, |i| anchor + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The paragraph-wide search this module replaced, kept as the reference the
    /// windowed one must agree with.
    fn reference<'t>(text: &'t str, range: &Range<usize>) -> (&'t str, &'t str, &'t str) {
        let paragraph_start = text[..range.start].rfind("\n\n").map_or(0, |i| i + 2);
        let paragraph_end = text[range.end..]
            .find("\n\n")
            .map_or(text.len(), |i| range.end + i);
        let before_all = &text[paragraph_start..range.start];
        let mut start = paragraph_start;
        for (i, _) in before_all
            .match_indices(". ")
            .chain(before_all.match_indices("? "))
            .chain(before_all.match_indices("! "))
        {
            start = start.max(paragraph_start + i + 2);
        }
        let after_all = &text[range.end..paragraph_end];
        let end = [". ", "? ", "! "]
            .iter()
            .filter_map(|p| after_all.find(p))
            .min()
            .map_or(paragraph_end, |i| range.end + i + 1);
        let start = clamp_start(text, start, range.start);
        let end = clamp_end(text, end, range.end);
        (
            &text[start..range.start],
            &text[range.clone()],
            &text[range.end..end],
        )
    }

    #[test]
    fn the_context_is_the_sentence_within_its_paragraph() {
        let text = "First paragraph ends. \n\nIt began in Kyiv. Kaneko went to Lviv, he said! Then he left.";
        let at = text.find("Kaneko").unwrap();
        let (before, name, after) = sentence_context(text, &(at..at + 6));
        assert_eq!(
            (before, name, after),
            ("", "Kaneko", " went to Lviv, he said!")
        );

        let text = "A heading\n\nKaneko spoke? Yes.";
        let at = text.find("Kaneko").unwrap();
        assert_eq!(
            sentence_context(text, &(at..at + 6)),
            ("", "Kaneko", " spoke?")
        );
    }

    #[test]
    fn long_sentences_are_cut_at_a_space_within_the_limit() {
        let words = "word ".repeat(60);
        let text = format!("{words}Kaneko{}", " more".repeat(60));
        let at = words.len();
        let (before, _, after) = sentence_context(&text, &(at..at + 6));
        assert!(
            before.len() <= LIMIT && before.starts_with("word"),
            "{before:?}"
        );
        assert!(after.len() <= LIMIT && after.ends_with("more"), "{after:?}");
    }

    /// Breaks at and around the limit, where the window's edge is: a break just
    /// inside must be found, one just outside makes no difference.
    #[test]
    fn breaks_near_the_limit_agree_with_the_paragraph_search() {
        let filler = |len: usize| -> String { "ab ".repeat(len).chars().take(len).collect() };
        for gap in LIMIT - 4..=LIMIT + 4 {
            for (end_mark, start_mark) in [(". ", ". "), ("\n\n", "\n\n"), ("! ", "? ")] {
                let text = format!(
                    "Earlier words here{start_mark}{}Kaneko{}{end_mark}Later words here.",
                    filler(gap),
                    filler(gap)
                );
                let at = text.find("Kaneko").unwrap();
                let range = at..at + 6;
                assert_eq!(
                    sentence_context(&text, &range),
                    reference(&text, &range),
                    "gap {gap}, {start_mark:?}/{end_mark:?}"
                );
            }
        }
    }

    /// A deterministic mix of words, multi-byte letters, sentence ends, blank lines
    /// and long runs without breaks, every range in it compared with the reference.
    #[test]
    fn the_windowed_search_agrees_with_the_paragraph_search() {
        let pieces = [
            "word ",
            "Kaneko ",
            "é ",
            "ウクライナ ",
            ". ",
            "? ",
            "! ",
            ".",
            "\n\n",
            "\n",
            "\n\n\n",
            "longerwordwithoutspaces",
            "  ",
            "!",
            "— ",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        // xorshift: a number below `n`.
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            usize::try_from(seed % n as u64).unwrap_or(0)
        };
        let mut compared = 0;
        for _ in 0..300 {
            let length = 20 + next(200);
            let text: String = (0..length).map(|_| pieces[next(pieces.len())]).collect();
            let boundaries: Vec<usize> = (0..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            for _ in 0..20 {
                let a = boundaries[next(boundaries.len())];
                let b = boundaries[next(boundaries.len())];
                let range = a.min(b)..a.max(b);
                assert_eq!(
                    sentence_context(&text, &range),
                    reference(&text, &range),
                    "{text:?} {range:?}"
                );
                compared += 1;
            }
        }
        assert_eq!(compared, 6000);
    }
}
