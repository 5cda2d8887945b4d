//! Heuristics about the *shape* of a line: is it a headline, a photo caption, a byline,
//! a section heading, a standfirst, a section name? And the repeated-sentence repair.
//!
//! Unlike the boilerplate rules these never remove text; they decide where a line goes
//! (title, byline, block kind).

use super::facts::{
    collapse_whitespace, ends_with_full_stop, ends_with_punctuation, has_more_words_than,
    match_key, strip_bullet,
};

/// Short words that stay lower-case in Title Case headings.
const SMALL_WORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "but", "nor", "for", "of", "in", "on", "at", "to", "by", "with",
    "from", "as", "vs", "via", "into", "over", "up", "per", "than", "is", "are",
];

/// Name particles that may be lower-case inside a byline ("Ursula von der Leyen").
const NAME_PARTICLES: &[&str] = &[
    "and", "&", "de", "del", "van", "von", "der", "den", "da", "di", "du", "al", "el", "bin", "le",
    "la",
];

/// Words that may precede "by" in a credit line ("Interview and text by …").
const CREDIT_WORDS: &[&str] = &[
    "interview",
    "interviews",
    "text",
    "words",
    "story",
    "report",
    "reporting",
    "reported",
    "written",
    "photos",
    "photo",
    "photographs",
    "photography",
    "illustration",
    "illustrations",
    "video",
    "translation",
    "translated",
    "compiled",
    "edited",
    "additional",
    "and",
    "&",
];

/// Labels that introduce a byline; the label is dropped from [`byline`]'s result.
const BYLINE_LABELS: &[&str] = &[
    "author:",
    "authors:",
    "byline:",
    "written by:",
    "writer:",
    "reporter:",
    "reporting:",
    "text:",
];

/// Caption openings: "Photo/Illustration …", "FILE PHOTO: …", "Image: …".
const CAPTION_PREFIXES: &[&str] = &[
    "photo/",
    "photo:",
    "photos:",
    "photograph:",
    "file photo",
    "file image",
    "file picture",
    "image:",
    "picture:",
    "caption:",
    "pictured:",
    "photo by ",
    "photo credit",
];

/// Words inside a closing parenthetical that mark a photo credit: "(File photo
/// ©Reuters)", "(Provided by …)", "(Courtesy of …)".
const CREDIT_MARKERS: &[&str] = &[
    "photo",
    "©",
    "provided by",
    "courtesy",
    "credit",
    "pictured",
];

/// Position markers used only in captions: "Mr. Kaneko (center) is pictured …".
const POSITION_MARKERS: &[&str] = &[
    "(left)",
    "(right)",
    "(center)",
    "(centre)",
    "from left)",
    "from right)",
];

/// Captions are short; a long line is a paragraph even if it mentions a photo.
const CAPTION_MAX_WORDS: usize = 60;

/// Whether the line is a photo caption.
pub(crate) fn is_caption(text: &str) -> bool {
    if has_more_words_than(text, CAPTION_MAX_WORDS) {
        return false;
    }
    let lower = text.trim().to_lowercase();
    CAPTION_PREFIXES.iter().any(|p| lower.starts_with(p))
        || final_parenthetical_is_credit(&lower)
        || has_agency_credit(text)
        // Every marker closes a parenthesis; most lines have none to search.
        || (lower.contains(')') && POSITION_MARKERS.iter().any(|m| lower.contains(m)))
}

/// "… on May 9. (File photo ©Reuters)", "… (Provided by the soldier)".
fn final_parenthetical_is_credit(lower: &str) -> bool {
    let core = lower.trim_end().trim_end_matches('.');
    let Some(inner) = core.strip_suffix(')') else {
        return false;
    };
    let Some(open) = inner.rfind('(') else {
        return false;
    };
    let parenthetical = &inner[open..];
    CREDIT_MARKERS.iter().any(|m| parenthetical.contains(m))
}

/// Agency credits in slash form: "REUTERS/Viacheslav Ratynskyi", "AP Photo/Jane Doe",
/// "Photo/Illustration". Only near the start or end of the line, where credits sit
/// (so "TCP/IP" in the middle of a sentence is not one).
fn has_agency_credit(text: &str) -> bool {
    const NEAR_END: usize = 60;
    text.match_indices('/').any(|(pos, _)| {
        let before = &text[..pos];
        let token = before
            .rsplit(char::is_whitespace)
            .next()
            .unwrap_or_default();
        let starts_upper = text[pos + 1..]
            .chars()
            .next()
            .is_some_and(char::is_uppercase);
        let agency = token.len() >= 2
            && token.chars().all(|c| c.is_ascii_uppercase() || c == '-')
            && token.chars().filter(char::is_ascii_uppercase).count() >= 2;
        let photo = token.eq_ignore_ascii_case("photo");
        let at_start = before.trim_start().len() == token.len();
        let near_end = text.len() - pos <= NEAR_END;
        starts_upper && (agency || photo) && (at_start || near_end)
    })
}

/// If the line is a byline, the byline text to keep (bullet and "Author:" label
/// removed; "By Jane Doe" and "Interview and text by …" kept whole).
pub(crate) fn byline(text: &str) -> Option<String> {
    let line = strip_bullet(text).trim();
    if line.is_empty() || has_more_words_than(line, 15) {
        return None;
    }
    for label in BYLINE_LABELS {
        let labelled = line
            .get(..label.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(label));
        if labelled {
            let rest = line[label.len()..].trim();
            return starts_with_uppercase(rest).then(|| collapse_whitespace(rest));
        }
    }
    let (credit, names) = split_at_by(line)?;
    let credit_ok = credit.is_empty()
        || credit
            .split_whitespace()
            .all(|w| CREDIT_WORDS.contains(&w.to_lowercase().as_str()))
            && credit.split_whitespace().count() <= 4;
    (credit_ok && is_name_list(names)).then(|| collapse_whitespace(line))
}

/// Splits "Interview and text by Kei Kato" into ("Interview and text", "Kei Kato");
/// "By Jane Doe" gives ("", "Jane Doe").
fn split_at_by(line: &str) -> Option<(&str, &str)> {
    if line.get(..3).is_some_and(|h| h.eq_ignore_ascii_case("by ")) {
        return Some(("", line[3..].trim()));
    }
    let lower = line.to_ascii_lowercase();
    let pos = lower.find(" by ")?;
    Some((line[..pos].trim(), line[pos + 4..].trim()))
}

/// "Jane Doe", "Jane Doe and John Roe, Reuters", "Kei Kato (Nonfiction writer)": every
/// word capitalised except name particles, no sentence ending. A trailing
/// parenthetical (the writer's role) is not checked.
fn is_name_list(names: &str) -> bool {
    let core = names.split('(').next().unwrap_or_default().trim();
    let words: Vec<&str> = core.split_whitespace().collect();
    if words.is_empty() || words.len() > 8 {
        return false;
    }
    let capitalised = words.iter().all(|w| {
        let w = w.trim_matches(|c: char| c == ',' || c == ';');
        NAME_PARTICLES.contains(&w.to_lowercase().as_str()) || starts_with_uppercase(w)
    });
    // "By Monday." is a sentence fragment; "By J. R. Smith Jr." ends with an initial.
    let sentence = ends_with_full_stop(core)
        && words
            .last()
            .is_some_and(|w| w.trim_end_matches('.').chars().count() > 2);
    capitalised && !sentence
}

fn starts_with_uppercase(text: &str) -> bool {
    text.chars().next().is_some_and(char::is_uppercase)
}

/// Whether a line is a section heading: short, Title Case, no final punctuation.
///
/// Quotes and short sentences end with punctuation, which keeps them paragraphs; a
/// line in sentence case ("Why the advance has slowed") also stays a paragraph, on
/// the side of caution.
pub(crate) fn looks_like_heading(text: &str) -> bool {
    if has_more_words_than(text, 10) || text.chars().nth(80).is_some() {
        return false;
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() {
        return false;
    }
    !ends_with_punctuation(text) && starts_with_uppercase(text) && is_title_case(&words)
}

/// Every significant word starts with a capital letter.
fn is_title_case(words: &[&str]) -> bool {
    let mut significant = 0;
    for (i, word) in words.iter().enumerate() {
        let core = word.trim_matches(|c: char| !c.is_alphanumeric());
        let Some(first) = core.chars().next() else {
            continue;
        };
        if i > 0 && SMALL_WORDS.contains(&core.to_lowercase().as_str()) {
            continue;
        }
        if first.is_lowercase() {
            return false;
        }
        significant += 1;
    }
    significant > 0
}

/// A lone section name from a site's menu: "Asia", "East Asia", "World". One to
/// `max_words` capitalised words, letters only, no punctuation.
pub(crate) fn is_section_name(text: &str, max_words: usize) -> bool {
    if has_more_words_than(text, max_words) || ends_with_punctuation(text) {
        return false;
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() {
        return false;
    }
    words.iter().all(|w| {
        *w == "&"
            || (starts_with_uppercase(w)
                && w.chars()
                    .all(|c| c.is_alphabetic() || c == '-' || c == '\''))
    })
}

/// A standfirst (deck) right under the headline: a full sentence-length summary that,
/// unlike body paragraphs, has no final punctuation ("… Daisaku Kaneko told RT").
/// Lines ending in a full stop stay paragraphs: too easy to confuse with the lede.
pub(crate) fn looks_like_standfirst(text: &str) -> bool {
    let words = text.split_whitespace().take(61).count();
    (8..=60).contains(&words)
        && !ends_with_punctuation(text)
        && !looks_like_heading(text)
        && !is_caption(text)
        && byline(text).is_none()
}

/// A headline candidate, cleaned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Headline {
    /// The cleaned title.
    pub(crate) title: String,
    /// Match keys a later line may have if it repeats the headline (with and without
    /// the suffix and the repaired bracket).
    pub(crate) repeats: Vec<String>,
    /// A site-name suffix was removed: strong evidence that this is the headline.
    pub(crate) had_suffix: bool,
}

/// Cleans a headline line: strips " | Site Name" suffixes and repairs a leading
/// bracket fragment ("Interview] …" → "[Interview] …").
pub(crate) fn clean_headline(line: &str) -> Headline {
    let raw = collapse_whitespace(line);
    let mut stripped = raw.as_str();
    let mut had_suffix = false;
    // "Headline | Section | Site" has two suffixes.
    for _ in 0..3 {
        match strip_site_suffix(stripped) {
            Some(shorter) => {
                stripped = shorter;
                had_suffix = true;
            }
            None => break,
        }
    }
    let title = repair_leading_fragment(stripped);
    let repeats = vec![match_key(&raw), match_key(stripped), match_key(&title)];
    Headline {
        title,
        repeats,
        had_suffix,
    }
}

/// Whether a cleaned headline is believable as the article's title.
///
/// A line ending in a full stop is more likely the lede, unless the site suffix or a
/// repeat of the line proves it is the headline.
pub(crate) fn acceptable_headline(headline: &Headline, repeated: bool) -> bool {
    let words = headline.title.split_whitespace().count();
    (2..=25).contains(&words)
        && (!ends_with_full_stop(&headline.title) || headline.had_suffix || repeated)
}

/// "Headline | FRIDAY DIGITAL" → "Headline"; also " - Site" and " – Site" when the
/// tail is a short capitalised name.
fn strip_site_suffix(line: &str) -> Option<&str> {
    const SEPARATORS: &[&str] = &[" | ", " ｜ ", " – ", " — ", " - "];
    SEPARATORS.iter().find_map(|sep| {
        let pos = line.rfind(sep)?;
        let head = line[..pos].trim_end();
        let tail = line[pos + sep.len()..].trim();
        let tail_words: Vec<&str> = tail.split_whitespace().collect();
        let short_name = !tail_words.is_empty()
            && tail_words.len() <= 4
            && tail.chars().count() <= 40
            && !ends_with_punctuation(tail)
            && tail_words.iter().all(|w| {
                SMALL_WORDS.contains(w) || w.chars().next().is_some_and(|c| !c.is_lowercase())
            });
        let long_head = head.split_whitespace().count() >= 3;
        (short_name && long_head).then_some(head)
    })
}

/// "Interview] Daisaku Kaneko …" lost its "[" to the scraper: restore it. Only a
/// short fragment (a tag like "Interview", "Exclusive") closed by an unmatched bracket
/// at the very start is repaired.
fn repair_leading_fragment(line: &str) -> String {
    const PAIRS: &[(char, char)] = &[('[', ']'), ('(', ')'), ('【', '】'), ('「', '」')];
    for &(open, close) in PAIRS {
        let Some(pos) = line.find(close) else {
            continue;
        };
        let fragment = &line[..pos];
        let short = !fragment.trim().is_empty()
            && fragment.split_whitespace().count() <= 3
            && fragment.chars().count() <= 30;
        if short && !fragment.contains(open) {
            return format!("{open}{line}");
        }
    }
    line.to_string()
}

/// Minimum words for a sentence to count as an accidental repeat; short ones
/// ("No. No.") can be deliberate.
const REPEAT_MIN_WORDS: usize = 8;

/// Removes a sentence that immediately repeats the previous one inside a line (a
/// scraper or copy-paste glitch). Returns the repaired line and the removed copies.
pub(crate) fn remove_repeated_sentences(text: &str) -> (String, Vec<String>) {
    let spans = sentence_spans(text);
    let mut out = String::with_capacity(text.len());
    let mut removed = Vec::new();
    // Text before `copied_to` is already in `out` (or skipped); `last_end` is where the
    // previous sentence, kept or removed, ended.
    let mut copied_to = 0;
    let mut last_end = 0;
    let mut kept: Option<&str> = None;
    for span in spans {
        let sentence = &text[span.clone()];
        // Word by word, without building either collapsed string: most sentences differ
        // from the previous one at their first word.
        let repeat = kept.is_some_and(|k| k.split_whitespace().eq(sentence.split_whitespace()));
        if repeat && sentence.split_whitespace().count() >= REPEAT_MIN_WORDS {
            // Skip the gap before the copy and the copy itself.
            out.push_str(&text[copied_to..last_end]);
            copied_to = span.end;
            removed.push(sentence.to_string());
        } else {
            kept = Some(sentence);
        }
        last_end = span.end;
    }
    out.push_str(&text[copied_to..]);
    (out, removed)
}

/// Byte ranges of the sentences in a line: each ends after ".", "!", "?" or "…" (and
/// any closing quotes) followed by whitespace or the end of the line.
fn sentence_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    // Every line of every article is split: jumping from one ".", "!" or "?" to the
    // next (memchr) rather than walking each char keeps that cheap. "…" is found only
    // by the walk, which lines holding one take.
    if text.contains('…') {
        return sentence_spans_by_char(text);
    }
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut start = next_non_whitespace(text, 0);
    for stop in memchr::memchr3_iter(b'.', b'!', b'?', bytes) {
        let Some(s) = start else { break };
        if stop < s {
            continue;
        }
        let end = after_closing_quotes(text, stop + 1);
        let at_boundary = text.get(end..).and_then(|rest| rest.chars().next());
        if at_boundary.is_none_or(char::is_whitespace) {
            spans.push(s..end);
            start = next_non_whitespace(text, end);
        }
    }
    if let Some(s) = start {
        spans.push(s..text.trim_end().len().max(s));
    }
    spans
}

/// Where the first char at or after `from` that is not whitespace starts, if any.
fn next_non_whitespace(text: &str, from: usize) -> Option<usize> {
    let rest = text.get(from..)?;
    rest.char_indices()
        .find(|&(_, c)| !c.is_whitespace())
        .map(|(i, _)| from + i)
}

/// `from` moved past any closing quotes or brackets that follow a sentence's end.
fn after_closing_quotes(text: &str, mut from: usize) -> usize {
    while let Some(q) = text.get(from..).and_then(|rest| rest.chars().next()) {
        if !matches!(q, '"' | '\'' | '”' | '’' | ')' | '»') {
            break;
        }
        from += q.len_utf8();
    }
    from
}

/// [`sentence_spans`] char by char: for lines with "…", and what the fast path is
/// tested against.
fn sentence_spans_by_char(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut spans = Vec::new();
    let mut start = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if start.is_none() {
            if c.is_whitespace() {
                continue;
            }
            start = Some(i);
        }
        if !matches!(c, '.' | '!' | '?' | '…') {
            continue;
        }
        let mut end = i + c.len_utf8();
        while let Some(&(j, q)) = chars.peek() {
            if matches!(q, '"' | '\'' | '”' | '’' | ')' | '»') {
                end = j + q.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        let at_boundary = chars.peek().is_none_or(|&(_, n)| n.is_whitespace());
        if let (true, Some(s)) = (at_boundary, start) {
            spans.push(s..end);
            start = None;
        }
    }
    if let Some(s) = start {
        spans.push(s..text.trim_end().len().max(s));
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captions() {
        for line in [
            "Photo/Illutration A Japanese volunteer soldier fighting for Ukraine (Provided by the Japanese volunteer soldier)",
            "Photo/Illustration Soldiers in Kyiv",
            "FILE PHOTO: A civilian trains to throw Molotov cocktails.  REUTERS/Viacheslav Ratynskyi",
            "Russian soldiers at a parade on May 9. (File photo ©Reuters)",
            "A man in a trench. AP Photo/Jane Doe",
            "Mr. Kaneko (center) is pictured with his Russian military comrades.",
        ] {
            assert!(is_caption(line), "{line}");
        }
        for line in [
            "He switched to TCP/IP networking in the nineties and never looked back, he told reporters at the time.",
            "A photograph of the battlefield. Two years after the invasion, European countries are wary.",
            "The war began in 2022 (see timeline).",
        ] {
            assert!(!is_caption(line), "{line}");
        }
    }

    #[test]
    fn bylines() {
        assert_eq!(byline("By Jane Doe").as_deref(), Some("By Jane Doe"));
        assert_eq!(
            byline("  • Interview and text by Kei Kato (Nonfiction writer)").as_deref(),
            Some("Interview and text by Kei Kato (Nonfiction writer)")
        );
        assert_eq!(
            byline("Author: The Sankei Shimbun").as_deref(),
            Some("The Sankei Shimbun")
        );
        assert_eq!(
            byline("By Ursula von der Leyen and J. R. Smith").as_deref(),
            Some("By Ursula von der Leyen and J. R. Smith")
        );
        assert_eq!(byline("By the end of the war, he had left."), None);
        assert_eq!(byline("By Monday, all troops had left."), None);
        assert_eq!(byline("He was paid by the ministry."), None);
        assert_eq!(byline("Author:"), None);
        assert_eq!(byline(""), None);
    }

    #[test]
    fn headings() {
        for line in [
            "Beliefs About the Ukraine War",
            "Why Russia's Advance Has Slowed",
            "Disillusionment",
        ] {
            assert!(looks_like_heading(line), "{line}");
        }
        for line in [
            "I wanted to show the US that there is a Japanese man who is on Russia’s side.",
            "World War III would not be resigned.",
            "From the May 3, 2024 issue of FRIDAY",
            "RELATED:",
            "No.",
            "このページを 日本語 で読む",
        ] {
            assert!(!looks_like_heading(line), "{line}");
        }
    }

    #[test]
    fn section_names() {
        assert!(is_section_name("Asia", 2));
        assert!(is_section_name("East Asia", 2));
        assert!(!is_section_name("Disillusionment is here", 2));
        assert!(!is_section_name("Yes.", 2));
        assert!(!is_section_name("2024", 2));
    }

    #[test]
    fn headline_suffix_and_fragment() {
        let h = clean_headline(
            "Interview] Daisaku Kaneko reveals “Why I am fighting against Ukraine. | FRIDAY DIGITAL",
        );
        assert_eq!(
            h.title,
            "[Interview] Daisaku Kaneko reveals “Why I am fighting against Ukraine."
        );
        assert!(h.had_suffix);
        assert!(h.repeats.contains(&match_key(
            "Interview] Daisaku Kaneko reveals “Why I am fighting against Ukraine."
        )));
        assert!(acceptable_headline(&h, false));

        let h = clean_headline("Dozens in Japan volunteer to fight for Ukraine - Reuters");
        assert_eq!(h.title, "Dozens in Japan volunteer to fight for Ukraine");
        let h = clean_headline("Russia and Ukraine - a timeline of the war");
        assert_eq!(h.title, "Russia and Ukraine - a timeline of the war");
        assert!(!h.had_suffix);
        let h = clean_headline("Kyiv (AP) — Troops moved in overnight.");
        assert!(!acceptable_headline(&h, false));
    }

    #[test]
    fn repeated_sentence_removed_once() {
        let s = "The pay for a soldier like us is 220,000 rubles a month, he says. The pay for a soldier like us is 220,000 rubles a month, he says.  It is not much.";
        let (out, removed) = remove_repeated_sentences(s);
        assert_eq!(
            out,
            "The pay for a soldier like us is 220,000 rubles a month, he says.  It is not much."
        );
        assert_eq!(
            removed,
            ["The pay for a soldier like us is 220,000 rubles a month, he says."]
        );
    }

    #[test]
    fn short_or_distant_repeats_are_kept() {
        let s = "No. No. I did not go.";
        assert_eq!(remove_repeated_sentences(s).0, s);
        let s = "One two three four five six seven eight. Other. One two three four five six seven eight.";
        assert_eq!(remove_repeated_sentences(s).0, s);
    }

    #[test]
    fn triple_repeat_leaves_one() {
        let a = "This sentence has at least eight words in it.";
        let s = format!("{a} {a} {a} End");
        let (out, removed) = remove_repeated_sentences(&s);
        assert_eq!(out, format!("{a} End"));
        assert_eq!(removed.len(), 2);
    }

    #[test]
    fn sentence_spans_cover_quotes_and_tail() {
        let s = "He said “go.” Then left";
        let spans = sentence_spans(s);
        assert_eq!(&s[spans[0].clone()], "He said “go.”");
        assert_eq!(&s[spans[1].clone()], "Then left");
        assert!(sentence_spans("").is_empty());
        assert!(sentence_spans("   ").is_empty());
    }

    #[test]
    fn sentence_ends_found_by_jumping_agree_with_the_walk() {
        // Lines made of pieces that matter to the split: ends, closing quotes and
        // brackets, ASCII and other whitespace, decimals, multi-byte letters. "…" is
        // left out: lines with one take the walk.
        const PIECES: &[&str] = &[
            "word", "Ünï", "3.5", ".", "!", "?", "\"", "'", "”", "’", ")", "»", " ", "  ", "\t",
            "\u{a0}", "\u{3000}", "\n", "..", "?!", "“", "(",
        ];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |below: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state >> 33).unwrap_or_default() % below
        };
        for _ in 0..20_000 {
            let line: String = (0..next(14)).map(|_| PIECES[next(PIECES.len())]).collect();
            assert_eq!(
                sentence_spans(&line),
                sentence_spans_by_char(&line),
                "{line:?}"
            );
        }
        let with_ellipsis = "Wait… What? Yes.";
        assert_eq!(sentence_spans(with_ellipsis), [0..7, 8..13, 14..18]);
    }
}
