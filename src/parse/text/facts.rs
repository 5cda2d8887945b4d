//! Normalised views of a line that the heuristics match against.
//!
//! Boilerplate is recognised by vocabulary ("share on", "newsletter"), so the
//! classifiers work on lower-cased word tokens rather than on the raw line: that makes
//! "• Share on Twitter", "SHARE ON X" and "Share  on LINE" the same phrase, and makes
//! "subscribers" a different word from "subscribe".

/// Collapses every run of whitespace (including no-break spaces) to one space and trims.
pub(crate) fn collapse_whitespace(text: &str) -> String {
    if is_collapsed(text) {
        return text.to_owned();
    }
    let mut collapsed = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !collapsed.is_empty() {
            collapsed.push(' ');
        }
        collapsed.push_str(word);
    }
    collapsed
}

/// Whether [`collapse_whitespace`] would give `text` back unchanged, decided on bytes:
/// no whitespace but single ASCII spaces between other characters. Most scraped lines
/// are such; decoding each into chars to split it was a per-line cost of parsing. A
/// byte that may begin a non-ASCII whitespace character in UTF-8 (U+0085, U+00A0,
/// U+1680, U+2000–U+205F, U+3000) sends the line to the full path.
fn is_collapsed(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return false;
    }
    let mut after_space = false;
    for &byte in bytes {
        match BYTE_SPACING[usize::from(byte)] {
            Spacing::Other => after_space = false,
            Spacing::Space if !after_space => after_space = true,
            Spacing::Space | Spacing::Breaks => return false,
        }
    }
    true
}

/// What a byte means to [`is_collapsed`]. A table rather than a `match` on the byte:
/// the check runs over every byte of every line, and the table is one load a byte.
#[derive(Clone, Copy)]
enum Spacing {
    Other,
    Space,
    /// Other whitespace, or a byte that may begin a non-ASCII whitespace char.
    Breaks,
}

const BYTE_SPACING: [Spacing; 256] = {
    let mut table = [Spacing::Other; 256];
    table[b' ' as usize] = Spacing::Space;
    let breaks: [u8; 9] = [b'\t', b'\n', 0x0B, 0x0C, b'\r', 0xC2, 0xE1, 0xE2, 0xE3];
    let mut i = 0;
    while i < breaks.len() {
        table[breaks[i] as usize] = Spacing::Breaks;
        i += 1;
    }
    table
};

/// `char::is_whitespace` of an ASCII byte, as comparisons the compiler can make on
/// many bytes at once (a table lookup per byte it cannot).
fn is_ascii_space(byte: u8) -> bool {
    byte == b' ' || (b'\t'..=b'\r').contains(&byte)
}

/// Whether `text` has more than `limit` whitespace-separated words. Stops counting
/// there: the shape tests ask this of every line, and most lines are paragraphs.
pub(crate) fn has_more_words_than(text: &str, limit: usize) -> bool {
    if !text.is_ascii() {
        return text.split_whitespace().nth(limit).is_some();
    }
    // On bytes for ASCII lines: the shape tests ask this of every line, and most
    // lines are read to the end. A word starts at a byte that is not a space after one
    // that is (or at the start). Each pair of neighbouring bytes is judged on its own,
    // with no state carried from byte to byte, so that the compiler counts the starts
    // many bytes at a time; the count is compared with the limit every 64 bytes.
    let bytes = text.as_bytes();
    let mut words = usize::from(bytes.first().is_some_and(|&b| !is_ascii_space(b)));
    let mut start = 0;
    while start + 1 < bytes.len() {
        let end = (start + 64).min(bytes.len() - 1);
        // At most 64 starts a step: counted in bytes, 16 to a vector register.
        let starts = bytes[start..end]
            .iter()
            .zip(&bytes[start + 1..=end])
            .map(|(&before, &byte)| u8::from(is_ascii_space(before) & !is_ascii_space(byte)))
            .fold(0u8, u8::wrapping_add);
        words += usize::from(starts);
        if words > limit {
            return true;
        }
        start = end;
    }
    words > limit
}

/// Removes a leading list bullet ("• ", "- ", "* ", "– ") and the space after it.
///
/// Scraped share buttons and related-article lists keep their bullets; the words after
/// the bullet are what identify them.
pub(crate) fn strip_bullet(text: &str) -> &str {
    let trimmed = text.trim_start();
    let mut chars = trimmed.chars();
    let Some(first) = chars.next() else {
        return trimmed;
    };
    let rest = chars.as_str();
    match first {
        // Typographic bullets need no space after them.
        '•' | '·' | '▪' | '●' | '◦' | '‣' | '■' | '□' => rest.trim_start(),
        // ASCII and dash bullets only count when a space follows ("-5 degrees" is not a
        // bullet).
        '-' | '*' | '–' | '—' | '+' if rest.starts_with(char::is_whitespace) => {
            rest.trim_start()
        }
        _ => trimmed,
    }
}

/// Replaces curly quotes and apostrophes with straight ones.
/// (The parser uses [`collapse_and_straighten`]; this is what it is tested against.)
#[cfg(test)]
fn straighten_quotes(text: &str) -> String {
    text.chars().map(straight_quote).collect()
}

fn straight_quote(c: char) -> char {
    match c {
        '‘' | '’' | '‚' | '‛' | '′' => '\'',
        '“' | '”' | '„' | '‟' | '″' => '"',
        other => other,
    }
}

/// The key under which editor overrides (`[parse] drop` / `keep`) are compared with
/// lines: whitespace collapsed, quotes straightened, leading bullet removed. Editors
/// type these entries by hand, so invisible differences must not matter.
pub(crate) fn match_key(text: &str) -> String {
    collapse_and_straighten(strip_bullet(text))
}

/// [`straighten_quotes`] of [`collapse_whitespace`] in one pass: every line of every
/// article goes through it, and three passes with a `String` each were a tenth of
/// parsing.
fn collapse_and_straighten(text: &str) -> String {
    collapse_chars(text.chars().map(straight_quote), text.len())
}

/// Collapses whitespace runs of `chars` to one space and trims, with room for
/// `capacity` bytes. The one collapsing rule, fed decoded chars or ASCII bytes.
fn collapse_chars(chars: impl Iterator<Item = char>, capacity: usize) -> String {
    let mut out = String::with_capacity(capacity);
    let mut space_pending = false;
    for c in chars {
        if c.is_whitespace() {
            space_pending = !out.is_empty();
            continue;
        }
        if space_pending {
            out.push(' ');
            space_pending = false;
        }
        out.push(c);
    }
    out
}

/// Characters that close a quotation or parenthesis at the end of a sentence.
const CLOSERS: &[char] = &['"', '\'', '”', '’', '»', ')', ']', '」', '』'];

/// Whether the text ends like a sentence: ".", "!", "?", "…" possibly followed by
/// closing quotes or brackets.
pub(crate) fn ends_sentence(text: &str) -> bool {
    let core = text.trim_end().trim_end_matches(CLOSERS);
    core.ends_with(['.', '!', '?', '…', '。', '！', '？'])
}

/// Whether the text ends with a full stop (or ellipsis), allowing closing quotes.
pub(crate) fn ends_with_full_stop(text: &str) -> bool {
    let core = text.trim_end().trim_end_matches(CLOSERS);
    core.ends_with(['.', '…', '。'])
}

/// Whether the last character is punctuation of any kind (headings and section names
/// end in a letter or digit).
pub(crate) fn ends_with_punctuation(text: &str) -> bool {
    text.trim_end()
        .chars()
        .next_back()
        .is_some_and(|c| !c.is_alphanumeric())
}

/// A line reduced to what the vocabulary heuristics need.
#[derive(Debug, Clone)]
pub(crate) struct Facts {
    /// Lower-cased, bullet-stripped, whitespace-collapsed text with straight quotes.
    pub(crate) lower: String,
    /// Byte ranges of the word tokens in `lower`; letters and digits are split apart
    /// ("gallery3" is two words) because scrapers glue counters onto labels. Ranges
    /// rather than a `String` per word: every line of every article gets its facts.
    spans: Vec<(u32, u32)>,
}

impl Facts {
    pub(crate) fn new(line: &str) -> Self {
        let line = strip_bullet(line);
        // Most lines are ASCII: they are collapsed, lower-cased and split on bytes,
        // in one pass each, as the char-by-char path below would (a test holds them
        // to it). Every line of every article gets its facts.
        if line.is_ascii() {
            let lower = collapse_and_lower_ascii(line);
            let spans = ascii_word_spans(&lower);
            return Self { lower, spans };
        }
        let lower = collapse_and_straighten(line).to_lowercase();
        let spans = word_spans(&lower);
        Self { lower, spans }
    }

    /// Number of words.
    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }

    /// The words, in order.
    pub(crate) fn words(&self) -> impl DoubleEndedIterator<Item = &str> + Clone + '_ {
        self.spans
            .iter()
            .map(|&(start, end)| self.slice(start, end))
    }

    fn slice(&self, start: u32, end: u32) -> &str {
        self.lower
            .get(start as usize..end as usize)
            .unwrap_or_default()
    }

    /// The line consists of exactly this phrase.
    pub(crate) fn is(&self, phrase: &str) -> bool {
        self.words().eq(phrase.split(' '))
    }

    /// The line consists of exactly one of these phrases.
    pub(crate) fn is_any(&self, phrases: &[&str]) -> bool {
        phrases.iter().any(|p| self.is(p))
    }

    /// The line starts with this phrase.
    pub(crate) fn starts(&self, phrase: &str) -> bool {
        let len = phrase.split(' ').count();
        self.len() >= len && self.words().take(len).eq(phrase.split(' '))
    }

    /// The line contains this phrase as consecutive words.
    pub(crate) fn has(&self, phrase: &str) -> bool {
        // Every line of every article is asked for dozens of phrases: the phrase's
        // length and first word are read off its bytes, and each window's first word is
        // compared by length, then by bytes, before the phrase is split into words.
        let len = 1 + phrase.bytes().filter(|&b| b == b' ').count();
        let first = phrase
            .bytes()
            .position(|b| b == b' ')
            .and_then(|space| phrase.get(..space))
            .unwrap_or(phrase);
        self.spans.windows(len).any(|window| {
            window.first().is_some_and(|&(s, e)| {
                e.saturating_sub(s) as usize == first.len() && self.slice(s, e) == first
            }) && window
                .iter()
                .map(|&(s, e)| self.slice(s, e))
                .eq(phrase.split(' '))
        })
    }

    /// The line contains at least one of these phrases.
    pub(crate) fn has_any(&self, phrases: &[&str]) -> bool {
        phrases.iter().any(|p| self.has(p))
    }

    /// The line contains the word.
    pub(crate) fn has_word(&self, word: &str) -> bool {
        self.words().any(|w| w == word)
    }

    /// The n-th word, or "" past the end.
    pub(crate) fn word(&self, index: usize) -> &str {
        self.spans
            .get(index)
            .map_or("", |&(start, end)| self.slice(start, end))
    }
}

/// Splits lower-cased text into words of letters/digits; an apostrophe between two
/// letters stays inside the word ("it's", "cna's").
#[cfg(test)]
fn tokenize(lower: &str) -> Vec<&str> {
    word_spans(lower)
        .into_iter()
        .map(|(start, end)| &lower[start as usize..end as usize])
        .collect()
}

/// The byte ranges of [`tokenize`]'s words. A word is a contiguous run of `lower`.
fn word_spans(lower: &str) -> Vec<(u32, u32)> {
    spans_of_words(lower.char_indices(), lower.len())
}

/// [`word_spans`] for ASCII text, on its bytes: the rule of [`spans_of_words`] with
/// ASCII tests for its Unicode ones (a test holds the two to the same words). Every
/// line of every article gets its facts, and decoding each byte into a char to ask
/// it Unicode's questions was most of their cost.
fn ascii_word_spans(lower: &str) -> Vec<(u32, u32)> {
    let bytes = lower.as_bytes();
    // About one word in six bytes of prose: one allocation for most lines.
    let mut spans = Vec::with_capacity(bytes.len() / 6 + 1);
    // Runs of one class are skipped in tight loops; the rule's decisions are taken
    // only where a run ends: a word ends, switches between letters and digits (a
    // new word), or continues over an apostrophe followed by a letter.
    let mut i = 0;
    loop {
        i += bytes[i..]
            .iter()
            .take_while(|b| !b.is_ascii_alphanumeric())
            .count();
        let Some(&first) = bytes.get(i) else {
            break;
        };
        let mut start = i;
        let mut digits = first.is_ascii_digit();
        i += 1;
        loop {
            i += bytes[i..]
                .iter()
                .take_while(|b| {
                    if digits {
                        b.is_ascii_digit()
                    } else {
                        b.is_ascii_alphabetic()
                    }
                })
                .count();
            match bytes.get(i) {
                Some(&byte) if byte.is_ascii_alphanumeric() => {
                    spans.push(span(start, i));
                    start = i;
                    digits = byte.is_ascii_digit();
                    i += 1;
                }
                // The letter after the apostrophe continues the word as a letter,
                // whatever came before the apostrophe.
                Some(b'\'') if bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic) => {
                    digits = false;
                    i += 2;
                }
                _ => break,
            }
        }
        spans.push(span(start, i));
    }
    spans
}

/// The word rule, over `(byte offset, char)` pairs of a text `len` bytes long.
fn spans_of_words(chars: impl Iterator<Item = (usize, char)>, len: usize) -> Vec<(u32, u32)> {
    let mut spans = Vec::new();
    // The current word: its start, and its last character.
    let mut current: Option<(usize, char)> = None;
    let mut chars = chars.peekable();
    while let Some((i, c)) = chars.next() {
        let joins_apostrophe =
            c == '\'' && current.is_some() && chars.peek().is_some_and(|&(_, n)| n.is_alphabetic());
        if c.is_alphanumeric() {
            if let Some((start, previous)) = current {
                let switches_class =
                    previous.is_ascii_digit() != c.is_ascii_digit() && previous != '\'';
                if switches_class {
                    spans.push(span(start, i));
                    current = Some((i, c));
                    continue;
                }
                current = Some((start, c));
            } else {
                current = Some((i, c));
            }
        } else if joins_apostrophe {
            if let Some((start, _)) = current {
                current = Some((start, c));
            }
        } else if let Some((start, _)) = current.take() {
            spans.push(span(start, i));
        }
    }
    if let Some((start, _)) = current {
        spans.push(span(start, len));
    }
    spans
}

/// [`collapse_and_straighten`] then `to_lowercase`, for ASCII text: no quotes to
/// straighten, and lower-casing is per byte.
fn collapse_and_lower_ascii(text: &str) -> String {
    if is_collapsed(text) {
        return text.to_ascii_lowercase();
    }
    collapse_chars(
        ascii_chars(text.as_bytes()).map(|c| c.to_ascii_lowercase()),
        text.len(),
    )
}

/// The chars of ASCII text, without UTF-8 decoding.
fn ascii_chars(bytes: &[u8]) -> impl Iterator<Item = char> + '_ {
    bytes.iter().map(|&byte| char::from(byte))
}

/// A byte range as two `u32`s: a line longer than 4 GB is not a line.
fn span(start: usize, end: usize) -> (u32, u32) {
    let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    (clamp(start), clamp(end))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition the fast path must agree with.
    fn collapsed_by_splitting(text: &str) -> String {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn word_counts_on_bytes_agree_with_splitting_on_whitespace() {
        let lines = [
            "",
            " ",
            "one",
            " one ",
            "one two",
            "one  two\tthree",
            "a\x0Bb\x0Cc\rd\ne",
            "  lead and trail  ",
            "word,word; word",
            "Ünïcode words here",
            "x y z w",
        ];
        // Longer lines, with words and runs of spaces across the 64-byte steps.
        let mut long = Vec::new();
        for length in [62, 63, 64, 65, 66, 127, 128, 129, 200] {
            for (i, gap) in [" ", "  ", "\t \n", "\r"].iter().enumerate() {
                let mut line = String::new();
                let mut n = 0;
                while line.len() < length {
                    line.push_str(["ab", "c", "word", "x1"][n % 4]);
                    line.push_str(if n % (i + 2) == 0 { gap } else { " " });
                    n += 1;
                }
                line.truncate(length);
                long.push(line.clone());
                long.push(format!(" {line}"));
            }
        }
        for line in lines.iter().copied().chain(long.iter().map(String::as_str)) {
            let words = line.split_whitespace().count();
            for limit in (0..6).chain([words.saturating_sub(1), words, words + 1]) {
                assert_eq!(
                    has_more_words_than(line, limit),
                    words > limit,
                    "{line:?} limit {limit}"
                );
            }
        }
    }

    #[test]
    fn ascii_lines_get_the_facts_the_char_path_gives() {
        // Pieces that exercise collapsing, case, digits against letters, apostrophes
        // inside and at the edges of words, bullets and punctuation; joined by a
        // fixed pseudo-random walk so that the cases meet each other.
        let pieces = [
            "a", "Z", "7", "42", "'", "'s", " ", "  ", "\t", "\n", "\x0B", "\x0C", "\r", "-", "* ",
            "- ", "+ ", ".", ",", "\"", "(", "CNA's", "gallery3", "3D", "x'", "'y", "Share", "ON",
        ];
        for line in crate::test_inputs::walk(&pieces, 12_345, 5_000, 11) {
            let facts = Facts::new(&line);
            let expected_lower = collapse_and_straighten(strip_bullet(&line)).to_lowercase();
            assert_eq!(facts.lower, expected_lower, "{line:?}");
            assert_eq!(facts.spans, word_spans(&expected_lower), "{line:?}");
        }
    }

    #[test]
    fn collapsing_agrees_with_splitting_on_whitespace() {
        let pieces = [
            "a",
            "Kyiv",
            " ",
            "  ",
            "\t",
            "\n",
            "\r\n",
            "\u{a0}",
            "\u{85}",
            "\u{1680}",
            "\u{2009}",
            "\u{202f}",
            "\u{205f}",
            "\u{3000}",
            "é",
            "–",
            "“",
            "ボランティア",
            "\u{200b}",
            "\u{1f}",
            ".",
        ];
        // Every string of up to four pieces: spaces at either end, runs, lone and
        // mixed kinds of whitespace, and non-ASCII letters beside them.
        let texts = crate::test_inputs::concatenations(&pieces, 4);
        assert!(texts.len() > 100_000);
        for text in &texts {
            assert_eq!(
                collapse_whitespace(text),
                collapsed_by_splitting(text),
                "{text:?}"
            );
        }
        assert!(is_collapsed("One line, with single spaces."));
        assert!(!is_collapsed("Two  spaces"));
        assert!(!is_collapsed("No-break\u{a0}space"));
    }

    #[test]
    fn one_pass_collapse_and_straighten_matches_the_two_passes() {
        for text in [
            "",
            "   ",
            "plain",
            "  “Quoted”\u{a0}\u{a0}and ‘single’ \t\u{3000}words  ",
            "it’s \r a\u{2009}thin space„„",
        ] {
            assert_eq!(
                collapse_and_straighten(text),
                straighten_quotes(&collapse_whitespace(text)),
                "{text:?}"
            );
        }
    }

    #[test]
    fn tokenize_splits_digits_from_letters_and_keeps_apostrophes() {
        assert_eq!(
            tokenize("photo gallery3 total"),
            ["photo", "gallery", "3", "total"]
        );
        assert_eq!(tokenize("cna's newsletters"), ["cna's", "newsletters"]);
        assert_eq!(tokenize("'quoted' words"), ["quoted", "words"]);
        assert!(tokenize("  •  ").is_empty());
    }

    #[test]
    fn strip_bullet_handles_typographic_and_ascii_bullets() {
        assert_eq!(strip_bullet("  • Share on Twitter"), "Share on Twitter");
        assert_eq!(strip_bullet("- John Bolton"), "John Bolton");
        assert_eq!(strip_bullet("-5 degrees"), "-5 degrees");
        assert_eq!(strip_bullet("•"), "");
        assert_eq!(strip_bullet(""), "");
    }

    #[test]
    fn match_key_ignores_whitespace_quotes_and_bullets() {
        assert_eq!(match_key("  • Don’t  go\u{a0}now "), "Don't go now");
    }

    #[test]
    fn facts_phrases() {
        let f = Facts::new("  • Share on  LINE");
        assert!(f.is("share on line"));
        assert!(f.starts("share on"));
        assert!(f.has("on line"));
        assert!(!f.has("line on"));
        assert_eq!(f.word(9), "");
    }

    #[test]
    fn sentence_endings() {
        assert!(ends_sentence("He said “no.”"));
        assert!(ends_sentence("Why?"));
        assert!(!ends_sentence("Disillusionment"));
        assert!(ends_with_full_stop("Ukraine."));
        assert!(!ends_with_full_stop("Why?"));
        assert!(ends_with_punctuation("RELATED:"));
        assert!(!ends_with_punctuation("Asia"));
        assert!(!ends_with_punctuation(""));
    }
}
