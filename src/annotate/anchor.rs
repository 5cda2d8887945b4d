//! Finding a quoted passage in an article's text.
//!
//! Editors copy quotes from a browser, from a PDF or by typing them, so the match
//! ignores differences of whitespace, line breaks, typographic quotes, apostrophes and
//! dashes. When the article is re-scraped with small changes, a quote that no longer
//! matches exactly is re-anchored fuzzily within a bounded error rate and reported as
//! a warning, so an editor's work is not lost to a fixed typo.
//!
//! # How it works
//!
//! 1. **Normalisation.** Text and quote are folded the same way (see [`NormalizedText`]):
//!    whitespace runs become one space, typographic quotes, apostrophes and dashes
//!    become their ASCII forms, `…` becomes `...`, and invisible characters (zero-width
//!    space, BOM, soft hyphen, word joiner) disappear. Every normalised character
//!    maps back to the byte range of the original text it came from (the map is kept
//!    as stretches of copied text between the places normalisation changed), so a
//!    match maps back to a range of the original text on char boundaries.
//! 2. **Exact search** of the normalised quote (trimmed, case-sensitive) in the
//!    normalised text, overlapping occurrences included. A unique occurrence is the
//!    anchor. Several occurrences are narrowed down with the quote's prefix and suffix.
//! 3. **Fuzzy search** when there is no exact occurrence: approximate substring matching
//!    (Sellers' semi-global Levenshtein dynamic programme with Ukkonen's cut-off) on
//!    the chars of the normalised text finds the passage with the fewest edits; a
//!    reverse pass recovers where it starts. It is accepted when the edits are within
//!    [`FUZZY_ERROR_PERCENT`] of the quote's length.
//!
//! Build a [`NormalizedText`] once per article and call [`NormalizedText::anchor`] for
//! each of its notes; [`anchor`] is the one-shot convenience.

use std::ops::Range;

/// What an editor wrote to point at a passage (W3C TextQuoteSelector).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextQuote {
    pub exact: String,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
}

/// Where a quote was found: a byte range in the document text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub range: Range<usize>,
    pub how: Anchored,
}

/// How an anchor was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchored {
    /// Found as written, up to normalisation.
    Exactly,
    /// Not found as written; this is the closest passage, `errors` edits away
    /// (Levenshtein, on normalised text).
    Fuzzily { errors: usize },
}

/// Why a quote could not be anchored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnchorError {
    /// The quote is empty (after normalisation).
    Empty,
    /// The quote occurs more than once, and prefix/suffix do not single one out.
    /// Each occurrence's range in the text.
    Ambiguous { occurrences: Vec<Range<usize>> },
    /// Nothing close enough; `closest` is the nearest passage, if any resembles it.
    NotFound { closest: Option<Range<usize>> },
}

/// A fuzzy match is accepted when its edits are at most this percentage of the quote's
/// length in chars (and at least one edit is always allowed). 20% tolerates a fixed
/// typo or changed punctuation in a short quote, and a re-worded clause in a long one,
/// without letting a quote drift to an unrelated passage.
pub const FUZZY_ERROR_PERCENT: usize = 20;

/// A passage that is too far off to anchor is still reported as the closest one when
/// its edits are below this percentage of the quote's length; beyond that it shares
/// too little with the quote to help an editor find what changed.
pub const CLOSEST_ERROR_PERCENT: usize = 60;

/// Quotes shorter than this (in normalised chars) are never matched fuzzily: with one
/// allowed edit, a three-letter quote matches almost anywhere.
pub const MIN_FUZZY_QUOTE_CHARS: usize = 4;

/// Quotes longer than this (in normalised chars) are never matched fuzzily, which
/// bounds the cost of the quadratic search; such a quote is a whole paragraph and an
/// editor should re-select it.
pub const MAX_FUZZY_QUOTE_CHARS: usize = 1000;

/// Fuzzy search keeps at most this many tied end positions to trace back. A text where
/// more passages tie is so repetitive (e.g. a run of one letter) that more candidates
/// would not help, and the cap keeps pathological inputs fast.
const MAX_TIED_ENDS: usize = 64;

/// Finds `quote` in `text` and returns a byte range of the original `text`.
///
/// Convenience for a single quote; to anchor several quotes in one article, build a
/// [`NormalizedText`] once and call [`NormalizedText::anchor`] for each.
pub fn anchor(text: &str, quote: &TextQuote) -> Result<Anchor, AnchorError> {
    NormalizedText::new(text).anchor(quote)
}

/// A stretch of the normalised text and the bytes of the original text it stands for.
///
/// Most of an article is copied into the normalised text as it is, so the map back is
/// kept as stretches rather than one entry per char: a new stretch starts only where
/// normalisation changed something (a whitespace run, a folded quote or dash, an
/// ellipsis, a dropped invisible char).
#[derive(Debug, Clone, Copy)]
struct Piece {
    /// Byte offset of the stretch in the normalised string; it ends where the next
    /// piece starts.
    normalized_at: usize,
    /// Byte range of the original text it stands for.
    original_start: usize,
    original_end: usize,
    /// Each byte stands for the byte at the same offset of the original range (the
    /// text was copied, or one char became a char of the same length). Otherwise
    /// every char of the stretch stands for the whole original range: a whitespace
    /// run, a folded quote or dash, each dot of a `…`.
    copied: bool,
}

/// An article's text, normalised for matching, with a map back to the original bytes.
///
/// Built once per article and reused for all its quotes, so the exact path only
/// normalises the (short) quote.
#[derive(Debug, Clone, Default)]
pub struct NormalizedText {
    normalized: String,
    pieces: Vec<Piece>,
}

impl NormalizedText {
    /// Normalises `text`, remembering where each normalised char came from.
    pub fn new(text: &str) -> Self {
        let mut built = Self {
            normalized: String::with_capacity(text.len()),
            pieces: Vec::new(),
        };
        normalize_with(text, &mut built);
        built
    }

    /// The normalised text, as quotes are matched against it.
    pub fn as_str(&self) -> &str {
        &self.normalized
    }

    /// Finds `quote` and returns a byte range of the original text.
    ///
    /// - One exact occurrence: [`Anchored::Exactly`], even if the prefix or suffix do not
    ///   match it. The quote is unique, so context that no longer matches (the
    ///   surrounding text was edited) is no reason to drop the note.
    /// - Several: the ones whose surroundings match the prefix and/or suffix best (both
    ///   beat one); a single best one is [`Anchored::Exactly`], otherwise
    ///   [`AnchorError::Ambiguous`] lists the best-matching occurrences, or all of them
    ///   when the context matches none.
    /// - None: fuzzy search (see the module documentation).
    pub fn anchor(&self, quote: &TextQuote) -> Result<Anchor, AnchorError> {
        let exact = normalize(&quote.exact);
        let exact = exact.trim_matches(' ');
        if exact.is_empty() {
            return Err(AnchorError::Empty);
        }
        // The context is normalised only when needed: most quotes occur exactly once.
        let occurrences = self.exact_occurrences(exact);
        match occurrences.as_slice() {
            [] => self.anchor_fuzzily(exact, &Context::new(quote)),
            [only] => Ok(self.exact_anchor(only)),
            _ => self.disambiguate(&occurrences, &Context::new(quote)),
        }
    }

    /// Every occurrence of `quote` (normalised, non-empty) as a byte range of the
    /// normalised text, overlapping ones included: in "ababab", "abab" occurs twice.
    fn exact_occurrences(&self, quote: &str) -> Vec<Range<usize>> {
        let step = quote.chars().next().map_or(1, char::len_utf8);
        let mut occurrences = Vec::new();
        let mut from = 0;
        // memchr's searcher rather than `str::find`: every note's quote is looked for
        // in the whole article, and it scans several times faster.
        let finder = memchr::memmem::Finder::new(quote);
        while let Some(found) = self
            .normalized
            .as_bytes()
            .get(from..)
            .and_then(|rest| finder.find(rest))
        {
            let at = from + found;
            occurrences.push(at..at + quote.len());
            from = at + step;
        }
        occurrences
    }

    /// The piece that holds byte `normalized_at` of the normalised text.
    fn piece_at(&self, normalized_at: usize) -> Option<&Piece> {
        let after = self
            .pieces
            .partition_point(|piece| piece.normalized_at <= normalized_at);
        self.pieces.get(after.checked_sub(1)?)
    }

    /// The original byte range covered by a non-empty byte range of the normalised
    /// text that starts and ends on char boundaries.
    fn original_range(&self, normalized: &Range<usize>) -> Range<usize> {
        debug_assert!(normalized.start < normalized.end);
        debug_assert!(normalized.end <= self.normalized.len());
        let start = self.piece_at(normalized.start).map_or(0, |piece| {
            if piece.copied {
                piece.original_start + (normalized.start - piece.normalized_at)
            } else {
                piece.original_start
            }
        });
        // The piece of the last char: the end is exclusive.
        let last = normalized.end.saturating_sub(1).max(normalized.start);
        let end = self.piece_at(last).map_or(start, |piece| {
            if piece.copied {
                piece.original_start + (normalized.end - piece.normalized_at)
            } else {
                piece.original_end
            }
        });
        start..end
    }

    fn exact_anchor(&self, normalized: &Range<usize>) -> Anchor {
        Anchor {
            range: self.original_range(normalized),
            how: Anchored::Exactly,
        }
    }

    /// Picks among several exact occurrences the one whose surroundings match the
    /// context: one point for the prefix, one for the suffix.
    fn disambiguate(
        &self,
        occurrences: &[Range<usize>],
        context: &Context,
    ) -> Result<Anchor, AnchorError> {
        let scores: Vec<usize> = occurrences
            .iter()
            .map(|occurrence| self.context_score(occurrence, context))
            .collect();
        let best_score = scores.iter().copied().max().unwrap_or(0);
        let best: Vec<&Range<usize>> = occurrences
            .iter()
            .zip(&scores)
            .filter(|&(_, &score)| best_score > 0 && score == best_score)
            .map(|(occurrence, _)| occurrence)
            .collect();
        match best.as_slice() {
            [only] => Ok(self.exact_anchor(only)),
            [] => Err(self.ambiguous(occurrences.iter())),
            several => Err(self.ambiguous(several.iter().copied())),
        }
    }

    fn ambiguous<'a>(&self, occurrences: impl Iterator<Item = &'a Range<usize>>) -> AnchorError {
        AnchorError::Ambiguous {
            occurrences: occurrences
                .map(|occurrence| self.original_range(occurrence))
                .collect(),
        }
    }

    /// How many of prefix and suffix match exactly around the `occurrence` (a byte
    /// range of the normalised text). Whitespace at the boundary does not count:
    /// prefix "began on " or "began on" both match before "February" in "began on
    /// February", and so does "began on " before "February" in "began onFebruary".
    fn context_score(&self, occurrence: &Range<usize>, context: &Context) -> usize {
        let before = self.normalized.get(..occurrence.start).unwrap_or_default();
        let after = self.normalized.get(occurrence.end..).unwrap_or_default();
        let before = before.trim_end_matches(' ');
        let after = after.trim_start_matches(' ');
        let prefix_matches = context
            .prefix
            .as_ref()
            .is_some_and(|prefix| before.ends_with(prefix.as_str()));
        let suffix_matches = context
            .suffix
            .as_ref()
            .is_some_and(|suffix| after.starts_with(suffix.as_str()));
        usize::from(prefix_matches) + usize::from(suffix_matches)
    }

    /// Re-anchors a quote that has no exact occurrence to the closest passage.
    fn anchor_fuzzily(&self, quote: &str, context: &Context) -> Result<Anchor, AnchorError> {
        let quote: Vec<char> = quote.chars().collect();
        if !(MIN_FUZZY_QUOTE_CHARS..=MAX_FUZZY_QUOTE_CHARS).contains(&quote.len()) {
            return Err(AnchorError::NotFound { closest: None });
        }
        // The fuzzy search works on chars; `char_starts` maps a char index back to its
        // byte offset in the normalised text (with the text's length at the end).
        let text: Vec<char> = self.normalized.chars().collect();
        let char_starts: Vec<usize> = self
            .normalized
            .char_indices()
            .map(|(at, _)| at)
            .chain([self.normalized.len()])
            .collect();
        let Some(mut passage) = closest_passage(&text, &quote, context) else {
            return Err(AnchorError::NotFound { closest: None });
        };
        snap_to_words(&text, &quote, &mut passage);
        let (Some(&start), Some(&end)) = (
            char_starts.get(passage.units.start),
            char_starts.get(passage.units.end),
        ) else {
            return Err(AnchorError::NotFound { closest: None });
        };
        let range = self.original_range(&(start..end));
        if passage.errors <= max_fuzzy_errors(quote.len()) {
            Ok(Anchor {
                range,
                how: Anchored::Fuzzily {
                    errors: passage.errors,
                },
            })
        } else if passage.errors <= max_closest_errors(quote.len()) {
            Err(AnchorError::NotFound {
                closest: Some(range),
            })
        } else {
            Err(AnchorError::NotFound { closest: None })
        }
    }
}

/// Widens a fuzzy passage that starts or ends inside a word to the whole word (when
/// the quote itself starts or ends with a word), and recounts its errors. An editor
/// who quoted "captured by Moscow" where the text now says "liberated by Moscow"
/// means the whole word, not its tail "rated".
fn snap_to_words(text: &[char], quote: &[char], passage: &mut Passage) {
    let is_word = |c: char| c.is_alphanumeric();
    let mut units = passage.units.clone();
    if quote.first().copied().is_some_and(is_word) {
        let mut start = units.start;
        while start > 0 && start < text.len() && is_word(text[start]) && is_word(text[start - 1]) {
            start -= 1;
        }
        // A "word" longer than any real one is not a word boundary problem.
        if units.start - start <= MAX_WORD_CHARS {
            units.start = start;
        }
    }
    if quote.last().copied().is_some_and(is_word) {
        let mut end = units.end;
        while end > units.start && end < text.len() && is_word(text[end - 1]) && is_word(text[end])
        {
            end += 1;
        }
        if end - units.end <= MAX_WORD_CHARS {
            units.end = end;
        }
    }
    if units != passage.units {
        passage.errors = levenshtein(&text[units.clone()], quote);
        passage.units = units;
    }
}

/// How far a fuzzy passage may be widened to reach a word boundary.
const MAX_WORD_CHARS: usize = 24;

/// A quote's prefix and suffix, normalised and trimmed; `None` when absent or blank.
#[derive(Debug, Default)]
struct Context {
    prefix: Option<String>,
    suffix: Option<String>,
}

impl Context {
    fn new(quote: &TextQuote) -> Self {
        Self {
            prefix: quote.prefix.as_deref().and_then(normalize_context),
            suffix: quote.suffix.as_deref().and_then(normalize_context),
        }
    }
}

fn normalize_context(context: &str) -> Option<String> {
    let normalized = normalize(context);
    let trimmed = normalized.trim_matches(' ');
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

// ---------------------------------------------------------------------------------
// Normalisation

/// What a char of the original text becomes.
enum Folded {
    /// Dropped: zero-width and invisible formatting chars, which copy-paste from a
    /// browser or PDF adds or loses at random.
    Invisible,
    /// Part of a whitespace run, which becomes a single space.
    Space,
    /// `…`, which becomes `...` because editors type three dots.
    Ellipsis,
    /// Any other char, folded to its plain form (or kept).
    Char(char),
}

/// How one char is normalised. Typographic quotes, apostrophes, primes and dashes are
/// folded because editors type the ASCII ones while articles print the curly ones, or
/// the other way round.
fn fold(c: char) -> Folded {
    match c {
        // Zero-width space, BOM / zero-width no-break space, soft hyphen, word joiner.
        '\u{200B}' | '\u{FEFF}' | '\u{00AD}' | '\u{2060}' => Folded::Invisible,
        // ‘ ’ ‚ ‛ ′ ‹ ›
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{2039}'
        | '\u{203A}' => Folded::Char('\''),
        // “ ” „ ‟ ″ « »
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
        | '\u{00BB}' => Folded::Char('"'),
        // ‐ ‑ ‒ – — ― −
        '\u{2010}'..='\u{2015}' | '\u{2212}' => Folded::Char('-'),
        '\u{2026}' => Folded::Ellipsis,
        c if c.is_whitespace() => Folded::Space,
        c => Folded::Char(c),
    }
}

/// Normalises `text`, calling `emit` with each normalised char and the byte range of
/// the original text it stands for. A whitespace run is emitted once, when the run
/// ends, with the range of the whole run (invisible chars inside it included).
///
/// Walks bytes, decoding a char only at a non-ASCII byte: every article with a note is
/// normalised whole, and decoding and folding each ASCII char was most of that cost.
///
/// Runs of ASCII chars that stand for themselves (see [`plain_run_len`]) are handed
/// over whole ([`Emit::ascii_run`]), so that [`NormalizedText`] copies them in bulk.
fn normalize_with(text: &str, emit: &mut impl Emit) {
    let bytes = text.as_bytes();
    let mut space: Option<Range<usize>> = None;
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        if is_plain(byte) {
            let len = plain_run_len(bytes.get(at..).unwrap_or_default());
            if let Some(run) = space.take() {
                emit.char(' ', run);
            }
            // A run of ASCII bytes starts and ends on char boundaries.
            emit.ascii_run(text.get(at..at + len).unwrap_or_default(), at);
            at += len;
            continue;
        }
        let (folded, end) = if byte.is_ascii() {
            let folded = if char::from(byte).is_whitespace() {
                Folded::Space
            } else {
                Folded::Char(char::from(byte))
            };
            (folded, at + 1)
        } else {
            // `at` is a char boundary: every step moves past a whole char.
            let Some(c) = text.get(at..).and_then(|rest| rest.chars().next()) else {
                break;
            };
            (fold(c), at + c.len_utf8())
        };
        match folded {
            Folded::Invisible => {}
            Folded::Space => {
                space = Some(space.map_or(at..end, |run| run.start..end));
            }
            Folded::Ellipsis => {
                if let Some(run) = space.take() {
                    emit.char(' ', run);
                }
                for _ in 0..3 {
                    emit.char('.', at..end);
                }
            }
            Folded::Char(folded) => {
                if let Some(run) = space.take() {
                    emit.char(' ', run);
                }
                emit.char(folded, at..end);
            }
        }
        at = end;
    }
    if let Some(run) = space {
        emit.char(' ', run);
    }
}

/// An ASCII char that is not whitespace: it normalises to itself.
fn is_plain(byte: u8) -> bool {
    byte.is_ascii() && !char::from(byte).is_whitespace()
}

/// The length of the run at the start of `bytes` (which starts with a plain byte) of
/// plain bytes and single spaces between them. Such a run normalises to itself: a
/// space that is a whitespace run of its own stays a space. Taking the single spaces
/// in makes a run of most of a paragraph rather than of one word.
fn plain_run_len(bytes: &[u8]) -> usize {
    let mut end = 0;
    loop {
        end += bytes
            .get(end..)
            .and_then(|rest| rest.iter().position(|&b| !is_plain(b)))
            .unwrap_or(bytes.len() - end);
        match bytes.get(end..end + 2) {
            Some(&[b' ', next]) if is_plain(next) => end += 2,
            _ => return end,
        }
    }
}

/// What [`normalize_with`] hands its output to.
trait Emit {
    /// One normalised char and the byte range of the original text it stands for.
    fn char(&mut self, ch: char, original: Range<usize>);

    /// `run`, ASCII chars that are not whitespace and single spaces between them,
    /// found at byte `start` of the original text: each stands for itself.
    fn ascii_run(&mut self, run: &str, start: usize) {
        for (i, byte) in run.bytes().enumerate() {
            self.char(char::from(byte), start + i..start + i + 1);
        }
    }
}

impl<F: FnMut(char, Range<usize>)> Emit for F {
    fn char(&mut self, ch: char, original: Range<usize>) {
        self(ch, original);
    }
}

impl NormalizedText {
    /// Appends `normalized`, which stands for the `original` bytes, extending the last
    /// piece when both were copied and follow each other in the original.
    fn push(&mut self, normalized: &str, original: Range<usize>) {
        let copied = normalized.len() == original.len();
        if let Some(last) = self.pieces.last_mut() {
            if copied && last.copied && last.original_end == original.start {
                last.original_end = original.end;
                self.normalized.push_str(normalized);
                return;
            }
        }
        self.pieces.push(Piece {
            normalized_at: self.normalized.len(),
            original_start: original.start,
            original_end: original.end,
            copied,
        });
        self.normalized.push_str(normalized);
    }

    /// Each normalised char and the original bytes it stands for, as
    /// [`normalize_with`] emitted them.
    #[cfg(test)]
    fn chars_and_origins(&self) -> Vec<(char, Range<usize>)> {
        self.normalized
            .char_indices()
            .map(|(at, ch)| (ch, self.original_range(&(at..at + ch.len_utf8()))))
            .collect()
    }
}

impl Emit for NormalizedText {
    fn char(&mut self, ch: char, original: Range<usize>) {
        self.push(ch.encode_utf8(&mut [0; 4]), original);
    }

    fn ascii_run(&mut self, run: &str, start: usize) {
        self.push(run, start..start + run.len());
    }
}

/// Normalises a quote, prefix or suffix (no map back needed).
fn normalize(text: &str) -> String {
    let mut normalized = String::with_capacity(text.len());
    normalize_with(text, &mut |ch, _| normalized.push(ch));
    normalized
}

// ---------------------------------------------------------------------------------
// Fuzzy search, on chars of normalised text

/// The most edits for a fuzzy match of a quote of `quote_chars` chars to be accepted.
fn max_fuzzy_errors(quote_chars: usize) -> usize {
    (quote_chars * FUZZY_ERROR_PERCENT / 100).max(1)
}

/// The most edits for a passage to be reported as the closest one (strictly below
/// [`CLOSEST_ERROR_PERCENT`] of the quote).
fn max_closest_errors(quote_chars: usize) -> usize {
    (quote_chars * CLOSEST_ERROR_PERCENT).saturating_sub(1) / 100
}

/// A candidate passage: a range of units (chars of the normalised text).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Passage {
    units: Range<usize>,
    errors: usize,
}

/// The passage of `text` closest to `quote` (fewest edits, at most
/// [`max_closest_errors`]), or `None` if nothing is that close.
///
/// Passages that tie are told apart by how well the text around them matches the
/// context, then by position (the first wins).
fn closest_passage(text: &[char], quote: &[char], context: &Context) -> Option<Passage> {
    let (errors, ends) = best_match_ends(text, quote, max_closest_errors(quote.len()))?;
    let candidates = distinct_passages(text, quote, errors, &ends);
    let fewest = candidates.iter().map(|p| p.errors).min()?;
    let tied: Vec<Passage> = candidates
        .into_iter()
        .filter(|p| p.errors == fewest)
        .collect();
    if tied.len() == 1 {
        return tied.into_iter().next();
    }
    let prefix: Vec<char> = context
        .prefix
        .as_deref()
        .unwrap_or_default()
        .chars()
        .collect();
    let suffix: Vec<char> = context
        .suffix
        .as_deref()
        .unwrap_or_default()
        .chars()
        .collect();
    tied.into_iter()
        .min_by_key(|p| context_distance(text, &p.units, &prefix, &suffix))
}

/// Sellers' algorithm: the fewest edits turning `quote` into some substring of `text`
/// ending at char `end`, minimised over all `end`, and the ends reaching it (at most
/// [`MAX_TIED_ENDS`], in text order). Ends are exclusive char indices.
///
/// One column of the semi-global Levenshtein table (the text start is free, so row 0
/// is all zeros) is kept and updated per text char. Ukkonen's cut-off skips the rows
/// below the last one within `limit` edits, and `limit` tightens to the best distance
/// found so far, so a close match makes the rest of the scan cheap. Cells above the
/// limit are stored saturated at `limit + 1`: only whether they exceed the limit
/// matters, and every cell within the limit is still computed exactly.
fn best_match_ends(text: &[char], quote: &[char], limit: usize) -> Option<(usize, Vec<usize>)> {
    let rows = quote.len();
    let mut limit = limit;
    let mut column: Vec<usize> = (0..=rows).map(|row| row.min(limit + 1)).collect();
    let mut last_active = rows.min(limit);
    let mut best: Option<(usize, Vec<usize>)> = None;
    for (at, &text_char) in text.iter().enumerate() {
        // Cells below `last_active + 1` cannot be within the limit: values never
        // decrease along a diagonal.
        let computed = (last_active + 1).min(rows);
        let mut diagonal = column[0];
        for row in 1..=computed {
            let above_left = diagonal;
            diagonal = column[row];
            let substitution = above_left + usize::from(quote[row - 1] != text_char);
            let deletion = column[row] + 1;
            let insertion = column[row - 1] + 1;
            column[row] = substitution.min(deletion).min(insertion).min(limit + 1);
        }
        last_active = computed;
        while last_active > 0 && column[last_active] > limit {
            last_active -= 1;
        }
        if last_active == rows {
            let errors = column[rows];
            match &mut best {
                Some((fewest, ends)) if errors == *fewest => {
                    if ends.len() < MAX_TIED_ENDS {
                        ends.push(at + 1);
                    }
                }
                Some((fewest, _)) if errors > *fewest => {}
                _ => {
                    best = Some((errors, vec![at + 1]));
                    limit = errors;
                }
            }
        }
    }
    best
}

/// Traces each tied end back to a passage and merges overlapping ones (adjacent ends
/// usually describe the same passage with a char more or less), keeping in each group
/// the best one by [`passage_rank`].
fn distinct_passages(text: &[char], quote: &[char], errors: usize, ends: &[usize]) -> Vec<Passage> {
    let mut distinct: Vec<(Passage, usize)> = Vec::new(); // passage, end of the group
    for &end in ends {
        let start = best_start(text, quote, end, errors);
        let Some(units) = trim_spaces(text, start..end) else {
            continue;
        };
        let passage = Passage {
            errors: levenshtein(quote, &text[units.clone()]),
            units,
        };
        match distinct.last_mut() {
            Some((kept, group_end)) if passage.units.start < *group_end => {
                *group_end = (*group_end).max(passage.units.end);
                if passage_rank(text, quote, &passage) < passage_rank(text, quote, kept) {
                    *kept = passage;
                }
            }
            _ => {
                let group_end = passage.units.end;
                distinct.push((passage, group_end));
            }
        }
    }
    distinct.into_iter().map(|(passage, _)| passage).collect()
}

/// Orders alternative passages for the same match: fewer edits, then boundaries that
/// agree with the quote's first and last char (for quote "abc" in "abxc", "abxc" with
/// a stray "x" rather than "abx" with a wrong "c"), then a length closer to the
/// quote's (a changed last letter is a substitution, not a deletion), then the
/// earliest.
fn passage_rank(text: &[char], quote: &[char], passage: &Passage) -> (usize, usize, usize, usize) {
    let first_differs = text.get(passage.units.start) != quote.first();
    let last_differs = passage
        .units
        .end
        .checked_sub(1)
        .and_then(|last| text.get(last))
        != quote.last();
    (
        passage.errors,
        usize::from(first_differs) + usize::from(last_differs),
        passage.units.len().abs_diff(quote.len()),
        passage.units.start,
    )
}

/// Where the best alignment of `quote` ending exactly at `end` starts, given that it
/// has `errors` edits (so it spans at most `quote.len() + errors` chars).
///
/// The Levenshtein table of the reversed quote against the text read backwards from
/// `end`, with no free start this time; its last row gives the cost of every start.
/// Among the cheapest starts, one whose char equals the quote's first char wins (for
/// "abc" in "axbc", "axbc" with a stray "x"), then the one giving a length closest to
/// the quote's (for "quick" in "Quick", the changed "Q" rather than "uick" with an
/// inserted "q"), then the latest (the tightest passage).
fn best_start(text: &[char], quote: &[char], end: usize, errors: usize) -> usize {
    let rows = quote.len();
    let window_start = end.saturating_sub(rows + errors);
    let mut column: Vec<usize> = (0..=rows).collect();
    // (cost, first char differs, length difference from the quote), start
    let mut best = ((column[rows], true, rows), end);
    for (consumed, &text_char) in text[window_start..end].iter().rev().enumerate() {
        let mut diagonal = column[0];
        column[0] = consumed + 1;
        for row in 1..=rows {
            let above_left = diagonal;
            diagonal = column[row];
            let substitution = above_left + usize::from(quote[rows - row] != text_char);
            column[row] = substitution.min(column[row] + 1).min(column[row - 1] + 1);
        }
        let length = consumed + 1;
        let rank = (
            column[rows],
            Some(&text_char) != quote.first(),
            length.abs_diff(rows),
        );
        if rank < best.0 {
            best = (rank, end - length);
        }
    }
    best.1
}

/// `units` without spaces at either end, so a fuzzy passage never includes the
/// whitespace around it; `None` if nothing is left.
fn trim_spaces(text: &[char], units: Range<usize>) -> Option<Range<usize>> {
    let slice = text.get(units.clone())?;
    let first = slice.iter().position(|&c| c != ' ')?;
    let last = slice.iter().rposition(|&c| c != ' ')?;
    Some(units.start + first..units.start + last + 1)
}

/// How far the text around a passage is from the expected prefix and suffix: the edit
/// distance between the prefix and as many chars just before the passage (spaces at
/// the boundary ignored), plus the same for the suffix after it.
fn context_distance(
    text: &[char],
    units: &Range<usize>,
    prefix: &[char],
    suffix: &[char],
) -> usize {
    let before = text.get(..units.start).unwrap_or_default();
    let before = trim_end_spaces(before);
    let before = &before[before.len().saturating_sub(prefix.len())..];
    let after = text.get(units.end..).unwrap_or_default();
    let after = trim_start_spaces(after);
    let after = &after[..after.len().min(suffix.len())];
    levenshtein(prefix, before) + levenshtein(suffix, after)
}

fn trim_end_spaces(chars: &[char]) -> &[char] {
    let kept = chars
        .iter()
        .rposition(|&c| c != ' ')
        .map_or(0, |last| last + 1);
    &chars[..kept]
}

fn trim_start_spaces(chars: &[char]) -> &[char] {
    let skipped = chars.iter().position(|&c| c != ' ').unwrap_or(chars.len());
    &chars[skipped..]
}

/// Plain Levenshtein distance between two char sequences, with one row of memory.
fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, &ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above_left = diagonal;
            diagonal = row[j + 1];
            row[j + 1] = (above_left + usize::from(ca != cb))
                .min(row[j + 1] + 1)
                .min(row[j] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = include_str!("../../seeds/000_3b4df888474cdb9e.txt");

    fn quote(exact: &str) -> TextQuote {
        TextQuote {
            exact: exact.to_owned(),
            prefix: None,
            suffix: None,
        }
    }

    fn quote_in_context(prefix: Option<&str>, exact: &str, suffix: Option<&str>) -> TextQuote {
        TextQuote {
            exact: exact.to_owned(),
            prefix: prefix.map(str::to_owned),
            suffix: suffix.map(str::to_owned),
        }
    }

    /// What `normalize_with` emits, computed char by char through [`fold`] alone: the
    /// byte walk's ASCII shortcut must agree with it.
    fn normalize_by_chars(text: &str) -> Vec<(char, Range<usize>)> {
        let mut out = Vec::new();
        let mut space: Option<Range<usize>> = None;
        for (at, c) in text.char_indices() {
            let end = at + c.len_utf8();
            match fold(c) {
                Folded::Invisible => {}
                Folded::Space => space = Some(space.map_or(at..end, |run| run.start..end)),
                Folded::Ellipsis => {
                    out.extend(space.take().map(|run| (' ', run)));
                    out.extend([('.', at..end), ('.', at..end), ('.', at..end)]);
                }
                Folded::Char(folded) => {
                    out.extend(space.take().map(|run| (' ', run)));
                    out.push((folded, at..end));
                }
            }
        }
        out.extend(space.map(|run| (' ', run)));
        out
    }

    #[test]
    fn the_byte_walk_normalises_as_folding_each_char_does() {
        let every_ascii: String = (0u8..128).map(char::from).collect();
        let samples = [
            every_ascii.as_str(),
            "a\u{0B}b\u{0C}c\r\n\td  e",
            "“Quoted” — it’s\u{00A0}\u{00A0}here…\u{200B}done\u{2028}",
            "日本の義勇兵\u{3000}は「戦う」と語った。",
            "  leading and trailing \u{FEFF} ",
            "soft\u{00AD}hyphen, zero\u{200B}width, word\u{2060}joiner, é\u{FEFF}è",
            SEED,
        ];
        for text in samples {
            let mut walked = Vec::new();
            normalize_with(text, &mut |ch, range| walked.push((ch, range)));
            let expected = normalize_by_chars(text);
            assert_eq!(walked, expected, "{text:?}");
            // The map takes ASCII runs whole: it must hold what the chars one by one give.
            let map = NormalizedText::new(text);
            assert_eq!(map.chars_and_origins(), expected, "{text:?}");
            let chars: String = expected.iter().map(|&(ch, _)| ch).collect();
            assert_eq!(map.as_str(), chars, "{text:?}");
            // A range of several chars maps to the start of its first char's origin and
            // the end of its last one's, wherever the map's pieces begin and end.
            let starts: Vec<usize> = map.normalized.char_indices().map(|(at, _)| at).collect();
            let window = expected.len().min(200);
            for first in 0..window {
                for last in first..window {
                    let end = starts
                        .get(last + 1)
                        .copied()
                        .unwrap_or(map.normalized.len());
                    assert_eq!(
                        map.original_range(&(starts[first]..end)),
                        expected[first].1.start..expected[last].1.end,
                        "{text:?}, chars {first}..={last}"
                    );
                }
            }
        }
    }
    /// Anchors and returns the slice of the original text and how it was found.
    fn found<'t>(text: &'t str, q: &TextQuote) -> (&'t str, Anchored) {
        match anchor(text, q) {
            Ok(Anchor { range, how }) => (&text[range], how),
            Err(err) => panic!("{q:?} not anchored in {text:?}: {err:?}"),
        }
    }

    fn exactly<'t>(text: &'t str, exact: &str) -> &'t str {
        let (slice, how) = found(text, &quote(exact));
        assert_eq!(how, Anchored::Exactly, "{exact:?} in {text:?}");
        slice
    }

    fn range_of(text: &str, needle: &str) -> Range<usize> {
        let start = text.find(needle).expect("needle in text");
        start..start + needle.len()
    }

    fn covers(outer: &Range<usize>, inner: &Range<usize>) -> bool {
        outer.start <= inner.start && inner.end <= outer.end
    }

    // --- exact matching --------------------------------------------------------

    #[test]
    fn exact_match_slices_the_original_text() {
        let text = "The quick brown fox jumps over the lazy dog.";
        let a = anchor(text, &quote("brown fox")).unwrap();
        assert_eq!(a.range, 10..19);
        assert_eq!(a.how, Anchored::Exactly);
        assert_eq!(&text[a.range], "brown fox");
    }

    #[test]
    fn seed_date_anchors_inside_its_sentence() {
        let sentence = "Russia’s military invasion of Ukraine began on February 24, 2010.";
        let sentence_range = range_of(SEED, sentence);
        let a = anchor(SEED, &quote("February 24, 2010")).unwrap();
        assert_eq!(a.how, Anchored::Exactly);
        assert!(covers(&sentence_range, &a.range));
        assert_eq!(&SEED[a.range], "February 24, 2010");
    }

    #[test]
    fn seed_sentence_with_straight_apostrophe() {
        let sentence = "Russia’s military invasion of Ukraine began on February 24, 2010.";
        let a = anchor(
            SEED,
            &quote("Russia's military invasion of Ukraine began on February 24, 2010."),
        )
        .unwrap();
        assert_eq!(a.how, Anchored::Exactly);
        assert_eq!(a.range, range_of(SEED, sentence));
    }

    #[test]
    fn quote_at_start_and_at_end_of_text() {
        let text = "Alpha beta gamma";
        let a = anchor(text, &quote("Alpha")).unwrap();
        assert_eq!(a.range, 0..5);
        let a = anchor(text, &quote("gamma")).unwrap();
        assert_eq!(a.range, 11..16);
        let a = anchor(text, &quote("Alpha beta gamma")).unwrap();
        assert_eq!(a.range, 0..text.len());
    }

    #[test]
    fn matching_is_case_sensitive() {
        let text = "Kaneko said kaneko twice";
        assert_eq!(anchor(text, &quote("Kaneko")).unwrap().range, 0..6);
        assert_eq!(anchor(text, &quote("kaneko")).unwrap().range, 12..18);
    }

    #[test]
    fn whitespace_around_the_quote_is_trimmed() {
        let text = "one two three";
        assert_eq!(exactly(text, "  two\n"), "two");
    }

    #[test]
    fn range_never_includes_surrounding_whitespace() {
        let text = "one \n\t two  \n three";
        assert_eq!(exactly(text, "two"), "two");
        assert_eq!(exactly(text, "one two"), "one \n\t two");
    }

    // --- normalisation -----------------------------------------------------------

    #[test]
    fn newline_in_quote_matches_space_in_text() {
        let text = "The invasion began on February 24, 2010.";
        assert_eq!(
            exactly(text, "began on\nFebruary 24"),
            "began on February 24"
        );
    }

    #[test]
    fn newlines_and_runs_of_spaces_in_text_match_single_space() {
        let text = "The invasion began on\r\n  February 24, 2010.";
        assert_eq!(
            exactly(text, "began on February 24"),
            "began on\r\n  February 24"
        );
    }

    #[test]
    fn nbsp_and_thin_spaces_are_spaces() {
        let text = "paid about 360,000\u{A0}yen a\u{2009}month\u{202F}and more";
        assert_eq!(
            exactly(text, "360,000 yen a month"),
            "360,000\u{A0}yen a\u{2009}month"
        );
        assert_eq!(
            exactly("360,000 yen", "360,000\u{A0}yen"),
            "360,000 yen",
            "NBSP in the quote"
        );
    }

    #[test]
    fn curly_quotes_in_text_match_straight_ones_in_quote() {
        let text = "reveals “Why I am fighting against Ukraine.” Kaneko’s kidney was damaged";
        assert_eq!(
            exactly(text, "\"Why I am fighting against Ukraine.\""),
            "“Why I am fighting against Ukraine.”"
        );
        assert_eq!(exactly(text, "Kaneko's kidney"), "Kaneko’s kidney");
    }

    #[test]
    fn straight_quotes_in_text_match_curly_ones_in_quote() {
        let text = "reveals \"Why I am fighting\" and Kaneko's kidney";
        assert_eq!(
            exactly(text, "“Why I am fighting”"),
            "\"Why I am fighting\""
        );
        assert_eq!(exactly(text, "Kaneko’s"), "Kaneko's");
        assert_eq!(exactly(text, "Kaneko‘s"), "Kaneko's");
    }

    #[test]
    fn guillemets_low_quotes_and_primes_fold() {
        let text = "er sagte „Nein“ et «oui» 5′ 10″";
        assert_eq!(exactly(text, "\"Nein\""), "„Nein“");
        assert_eq!(exactly(text, "\"oui\""), "«oui»");
        assert_eq!(exactly(text, "5' 10\""), "5′ 10″");
    }

    #[test]
    fn dashes_fold_to_hyphen() {
        let text = "pro–Russian — government ― 2022‑2023 −5 non‐stop";
        assert_eq!(
            exactly(text, "pro-Russian - government"),
            "pro–Russian — government"
        );
        assert_eq!(exactly(text, "2022-2023 -5"), "2022‑2023 −5");
        assert_eq!(exactly(text, "non-stop"), "non‐stop");
        assert_eq!(exactly("pro-Russian", "pro—Russian"), "pro-Russian");
    }

    #[test]
    fn ellipsis_matches_three_dots_both_ways() {
        let text = "and then… nothing";
        assert_eq!(exactly(text, "then... nothing"), "then… nothing");
        assert_eq!(
            exactly("and then... nothing", "then… nothing"),
            "then... nothing"
        );
    }

    #[test]
    fn partial_ellipsis_maps_to_the_whole_char() {
        let text = "and then… nothing";
        // The quote's one dot matches the first of the three the ellipsis became; the
        // range covers the whole ellipsis, as a byte range must end on a char boundary.
        assert_eq!(exactly(text, "then."), "then…");
        let a = anchor(text, &quote(".. nothing")).unwrap();
        assert_eq!(&text[a.range], "… nothing");
    }

    #[test]
    fn zero_width_chars_and_soft_hyphens_are_ignored() {
        let text = "\u{FEFF}Dai\u{AD}saku Kan\u{200B}eko, 49";
        assert_eq!(
            exactly(text, "Daisaku Kaneko"),
            "Dai\u{AD}saku Kan\u{200B}eko"
        );
        assert_eq!(
            exactly("Daisaku Kaneko", "Dai\u{AD}saku\u{200B} Kaneko"),
            "Daisaku Kaneko"
        );
        // Leading BOM is not part of the range.
        assert_eq!(exactly(text, "Dai"), "Dai");
    }

    #[test]
    fn zero_width_chars_inside_whitespace_runs() {
        let text = "began on \u{200B} February";
        assert_eq!(exactly(text, "on February"), "on \u{200B} February");
    }

    #[test]
    fn japanese_text_gives_char_boundary_ranges() {
        let text = "このページを 日本語 で読む";
        let a = anchor(text, &quote("日本語")).unwrap();
        assert_eq!(&text[a.range.clone()], "日本語");
        assert!(text.is_char_boundary(a.range.start) && text.is_char_boundary(a.range.end));
        // Ideographic space (U+3000) is whitespace too.
        assert_eq!(
            exactly("このページを\u{3000}日本語", "ページを 日本語"),
            "ページを\u{3000}日本語"
        );
    }

    #[test]
    fn accented_letters() {
        let text = "au palais de l’Élysée, café crème à Zürich";
        assert_eq!(exactly(text, "l'Élysée, café"), "l’Élysée, café");
        assert_eq!(exactly(text, "à Zürich"), "à Zürich");
    }

    #[test]
    fn normalized_text_is_reusable_and_exposes_its_form() {
        let text = "“Hello”\u{A0}\u{A0}world — again…";
        let normalized = NormalizedText::new(text);
        assert_eq!(normalized.as_str(), "\"Hello\" world - again...");
        for exact in ["Hello", "world", "again...", "\"Hello\" world"] {
            let a = normalized.anchor(&quote(exact)).unwrap();
            assert_eq!(a, anchor(text, &quote(exact)).unwrap());
        }
    }

    // --- empty and degenerate inputs --------------------------------------------

    #[test]
    fn empty_quote_is_an_error() {
        let text = "some text";
        assert_eq!(anchor(text, &quote("")), Err(AnchorError::Empty));
        assert_eq!(anchor(text, &quote(" \n\t\u{A0}")), Err(AnchorError::Empty));
        assert_eq!(
            anchor(text, &quote("\u{200B}\u{FEFF}")),
            Err(AnchorError::Empty)
        );
        assert_eq!(anchor("", &quote("")), Err(AnchorError::Empty));
    }

    #[test]
    fn empty_text_finds_nothing() {
        assert_eq!(
            anchor("", &quote("anything at all")),
            Err(AnchorError::NotFound { closest: None })
        );
        assert_eq!(
            anchor(" \n ", &quote("anything")),
            Err(AnchorError::NotFound { closest: None })
        );
    }

    #[test]
    fn quote_longer_than_text() {
        let text = "Kaneko became a hero";
        let result = anchor(text, &quote("Kaneko became a hero of the Russian army"));
        // 20 extra chars of 40 is beyond the 20% rate, but the text resembles it.
        assert_eq!(
            result,
            Err(AnchorError::NotFound {
                closest: Some(0..text.len())
            })
        );
        let result = anchor("hero", &quote("Kaneko became a hero of the Russian army"));
        assert_eq!(result, Err(AnchorError::NotFound { closest: None }));
    }

    // --- ambiguity and context ----------------------------------------------------

    const TWICE: &str =
        "The war began on February 24. Talks ended on February 24. Peace never came.";

    #[test]
    fn repeated_quote_without_context_is_ambiguous() {
        let result = anchor(TWICE, &quote("February 24"));
        let Err(AnchorError::Ambiguous { occurrences }) = result else {
            panic!("expected ambiguity, got {result:?}");
        };
        assert_eq!(occurrences, vec![17..28, 45..56]);
        for range in occurrences {
            assert_eq!(&TWICE[range], "February 24");
        }
    }

    #[test]
    fn prefix_disambiguates() {
        let a = anchor(
            TWICE,
            &quote_in_context(Some("ended on "), "February 24", None),
        )
        .unwrap();
        assert_eq!((a.range, a.how), (45..56, Anchored::Exactly));
        let a = anchor(
            TWICE,
            &quote_in_context(Some("began on "), "February 24", None),
        )
        .unwrap();
        assert_eq!(a.range, 17..28);
    }

    #[test]
    fn prefix_boundary_whitespace_is_optional() {
        for prefix in [
            "began on",
            "began on ",
            "began\non\u{A0}\u{A0}",
            " war began on",
        ] {
            let a = anchor(TWICE, &quote_in_context(Some(prefix), "February 24", None)).unwrap();
            assert_eq!(a.range, 17..28, "prefix {prefix:?}");
        }
        let glued = "began onFebruary 24 and ended on February 24";
        let a = anchor(
            glued,
            &quote_in_context(Some("began on "), "February 24", None),
        )
        .unwrap();
        assert_eq!(a.range, 8..19);
    }

    #[test]
    fn suffix_disambiguates() {
        let a = anchor(
            TWICE,
            &quote_in_context(None, "February 24", Some(". Peace")),
        )
        .unwrap();
        assert_eq!(a.range, 45..56);
        let a = anchor(
            TWICE,
            &quote_in_context(None, "February 24", Some(".  Talks")),
        )
        .unwrap();
        assert_eq!(a.range, 17..28);
    }

    #[test]
    fn prefix_and_suffix_together_disambiguate() {
        let text = "on May 9. on May 9, late. in May 9, late.";
        // "on " precedes the first two, ", late" follows the last two: only the second
        // matches both.
        let q = quote_in_context(Some("on "), "May 9", Some(", late"));
        let a = anchor(text, &q).unwrap();
        assert_eq!(a.range, 13..18);
        assert_eq!(a.how, Anchored::Exactly);
    }

    #[test]
    fn context_matching_several_stays_ambiguous_with_those() {
        let text = "on May 9. on May 9, late. in May 9, late.";
        let q = quote_in_context(Some("on"), "May 9", None);
        assert_eq!(
            anchor(text, &q),
            Err(AnchorError::Ambiguous {
                occurrences: vec![3..8, 13..18]
            })
        );
        // One matches by prefix, another by suffix: a tie.
        let q = quote_in_context(Some("by"), "May 9", Some(". on"));
        let text2 = "by May 9, x. in May 9. on";
        assert_eq!(
            anchor(text2, &q),
            Err(AnchorError::Ambiguous {
                occurrences: vec![3..8, 16..21]
            })
        );
    }

    #[test]
    fn context_matching_none_is_ambiguous_with_all() {
        let q = quote_in_context(Some("during"), "February 24", Some("1999"));
        assert_eq!(
            anchor(TWICE, &q),
            Err(AnchorError::Ambiguous {
                occurrences: vec![17..28, 45..56]
            })
        );
    }

    #[test]
    fn unique_quote_with_stale_context_is_still_exact() {
        let q = quote_in_context(
            Some("no such prefix"),
            "Peace never came",
            Some("nor suffix"),
        );
        let a = anchor(TWICE, &q).unwrap();
        assert_eq!(a.how, Anchored::Exactly);
        assert_eq!(&TWICE[a.range], "Peace never came");
    }

    #[test]
    fn overlapping_occurrences_are_both_found() {
        let result = anchor("ababab", &quote("abab"));
        assert_eq!(
            result,
            Err(AnchorError::Ambiguous {
                occurrences: vec![0..4, 2..6]
            })
        );
        let q = quote_in_context(None, "abab", Some("ab"));
        assert_eq!(anchor("ababab", &q).unwrap().range, 0..4);
    }

    #[test]
    fn curly_context_matches_straight_text() {
        let text = "Kaneko’s kidney. Kaneko’s contribution. Kaneko’s cheek.";
        let q = quote_in_context(None, "Kaneko's", Some("contribution"));
        let a = anchor(text, &q).unwrap();
        assert_eq!(&text[a.range.clone()], "Kaneko’s");
        assert_eq!(a.range.start, text.find("Kaneko’s contribution").unwrap());
    }

    // --- fuzzy re-anchoring --------------------------------------------------------

    const ORIGINAL: &str = "Russia's military invasion of Ukraine began on February 24, 2010.";

    fn fuzzily<'t>(text: &'t str, exact: &str) -> (&'t str, usize) {
        match found(text, &quote(exact)) {
            (slice, Anchored::Fuzzily { errors }) => (slice, errors),
            (slice, how) => panic!("expected fuzzy, got {how:?} for {slice:?}"),
        }
    }

    #[test]
    fn fuzzy_after_comma_removed() {
        let text = "It’s a fight. Russia’s military invasion of Ukraine began on February 24 2010. Two years";
        let (slice, errors) = fuzzily(text, ORIGINAL);
        assert_eq!(errors, 1);
        assert_eq!(
            slice,
            "Russia’s military invasion of Ukraine began on February 24 2010."
        );
    }

    #[test]
    fn fuzzy_after_comma_added() {
        let text =
            "Intro. Russia’s military invasion of Ukraine began on February 24, 2010,. Two years";
        let (slice, errors) = fuzzily(text, ORIGINAL);
        assert_eq!(errors, 1);
        assert_eq!(
            slice,
            "Russia’s military invasion of Ukraine began on February 24, 2010,."
        );
    }

    #[test]
    fn fuzzy_after_typo_fixed() {
        let text = "Photo/Illustration A Japanese volunteer soldier fighting for Ukraine";
        let (slice, errors) = fuzzily(text, "Photo/Illutration A Japanese volunteer soldier");
        assert_eq!(errors, 1);
        assert_eq!(slice, "Photo/Illustration A Japanese volunteer soldier");
        let (slice, errors) = fuzzily(text, "Illutration");
        assert_eq!((slice, errors), ("Illustration", 1));
    }

    #[test]
    fn fuzzy_on_seed_with_changed_year() {
        let sentence = "Russia’s military invasion of Ukraine began on February 24, 2010.";
        let q = "Russia's military invasion of Ukraine began on February 24, 2022.";
        let a = anchor(SEED, &quote(q)).unwrap();
        assert_eq!(a.how, Anchored::Fuzzily { errors: 2 });
        assert_eq!(a.range, range_of(SEED, sentence));
    }

    #[test]
    fn fuzzy_range_is_tight() {
        let text = "xx the quick brwn fox yy";
        let (slice, errors) = fuzzily(text, "the quick brown fox");
        assert_eq!((slice, errors), ("the quick brwn fox", 1));
        let text = "say: thequick brown fox.";
        let (slice, errors) = fuzzily(text, "the quick brown fox");
        assert_eq!((slice, errors), ("thequick brown fox", 1));
    }

    #[test]
    fn fuzzy_changed_first_or_last_letter_is_a_substitution() {
        let (slice, errors) = fuzzily("a Quick brown fox", "quick brown fox");
        assert_eq!((slice, errors), ("Quick brown fox", 1));
        let (slice, errors) = fuzzily("the quick brown Fox!", "the quick brown fox");
        assert_eq!((slice, errors), ("the quick brown Fox", 1));
        let run = "a".repeat(50);
        let (slice, errors) = fuzzily(&run, &format!("{}b", "a".repeat(19)));
        assert_eq!((slice.len(), errors), (20, 1));
    }

    #[test]
    fn fuzzy_never_includes_surrounding_whitespace() {
        // A missing last word: the match must not stretch over the space before "dog".
        let text = "over the lazy   cat";
        let (slice, _) = fuzzily(text, "over the lazy dog");
        assert!(
            !slice.ends_with(' ') && !slice.starts_with(' '),
            "{slice:?}"
        );
    }

    #[test]
    fn fuzzy_prefers_boundaries_that_agree_with_the_quote() {
        let text = "zz abxcd zz";
        let (slice, errors) = fuzzily(text, "abcd");
        assert_eq!((slice, errors), ("abxcd", 1));
        let text = "zz axbcd zz";
        let (slice, errors) = fuzzily(text, "abcd");
        assert_eq!((slice, errors), ("axbcd", 1));
    }

    #[test]
    fn fuzzy_in_multibyte_text() {
        let text = "このページを 日本語 で読む";
        let (slice, errors) = fuzzily(text, "このページ 日本語");
        assert_eq!((slice, errors), ("このページを 日本語", 1));
        let (slice, errors) = fuzzily("le café crème", "cafe crème");
        assert_eq!((slice, errors), ("café crème", 1));
    }

    #[test]
    fn fuzzy_threshold_is_twenty_percent() {
        // 10 chars: 2 edits allowed, 3 not.
        let q = "abcdefghij";
        assert_eq!(max_fuzzy_errors(10), 2);
        let (slice, errors) = fuzzily("-- abXdeYghij --", q);
        assert_eq!((slice, errors), ("abXdeYghij", 2));
        let result = anchor("-- abXdeYgZij --", &quote(q));
        assert_eq!(
            result,
            Err(AnchorError::NotFound {
                closest: Some(3..13)
            })
        );
        // Short quotes always allow one edit.
        assert_eq!(max_fuzzy_errors(4), 1);
        assert_eq!(fuzzily("a wxyz b", "wxyq"), ("wxyz", 1));
    }

    #[test]
    fn fuzzy_beyond_threshold_is_not_found_with_closest() {
        let text =
            "He survived the battle. Kaneko was seriously wounded in battle last November. Then.";
        let q = "Kaneko was badly hurt in combat last November.";
        let result = anchor(text, &quote(q));
        let Err(AnchorError::NotFound {
            closest: Some(range),
        }) = result
        else {
            panic!("expected a closest passage, got {result:?}");
        };
        let intended = range_of(
            text,
            "Kaneko was seriously wounded in battle last November.",
        );
        // The closest passage is (most of) the intended one.
        let overlap = range.start.max(intended.start)..range.end.min(intended.end);
        assert!(
            overlap.len() * 10 >= intended.len() * 8,
            "{range:?} vs {intended:?}"
        );
    }

    #[test]
    fn missing_quote_reports_closest_passage() {
        let result = anchor(SEED, &quote("Kaneko’s liver was damaged by a mortar blast"));
        let Err(AnchorError::NotFound {
            closest: Some(range),
        }) = result
        else {
            panic!("expected a closest passage, got {result:?}");
        };
        let intended = range_of(SEED, "Kaneko’s kidney was damaged by a grenade explosion");
        assert!(range.start < intended.end && intended.start < range.end);
        assert!(SEED[range].contains("was damaged by a"));
    }

    #[test]
    fn unrelated_quote_is_not_found_without_closest() {
        let result = anchor(TWICE, &quote("zzzzzzzzzzzzzzzzzzzz"));
        assert_eq!(result, Err(AnchorError::NotFound { closest: None }));
    }

    #[test]
    fn short_quotes_are_never_fuzzy() {
        assert_eq!(
            anchor("the cat sat", &quote("cot")),
            Err(AnchorError::NotFound { closest: None })
        );
        assert_eq!(anchor("the cat sat", &quote("cat")).unwrap().range, 4..7);
    }

    #[test]
    fn very_long_quotes_are_never_fuzzy() {
        let text = "word ".repeat(400);
        let q = format!("{}x", "word ".repeat(250));
        assert_eq!(
            anchor(&text, &quote(&q)),
            Err(AnchorError::NotFound { closest: None })
        );
        // But an exact match of any length is found.
        let q = "word ".repeat(399) + "word";
        assert_eq!(anchor(&text, &quote(&q)).unwrap().range, 0..text.len() - 1);
    }

    #[test]
    fn fuzzy_tie_is_resolved_by_context() {
        let text = "began on Februay 24. ended on Febuary 24. done";
        let q = quote_in_context(Some("ended on"), "February 24", None);
        let a = anchor(text, &q).unwrap();
        assert_eq!(a.how, Anchored::Fuzzily { errors: 1 });
        assert_eq!(&text[a.range], "Febuary 24");
        let q = quote_in_context(None, "February 24", Some(". done"));
        assert_eq!(&text[anchor(text, &q).unwrap().range], "Febuary 24");
        // A context that is itself slightly off still helps.
        let q = quote_in_context(Some("endd on"), "February 24", None);
        assert_eq!(&text[anchor(text, &q).unwrap().range], "Febuary 24");
    }

    #[test]
    fn fuzzy_tie_without_context_takes_the_first() {
        let text = "began on Februay 24. ended on Febuary 24. done";
        let (slice, errors) = fuzzily(text, "February 24");
        assert_eq!((slice, errors), ("Februay 24", 1));
        assert_eq!(text.find(slice), Some(9));
    }

    #[test]
    fn fuzzy_with_typographic_differences_and_a_typo() {
        let text = "He says, “Even though I was succesful in my business — and my life”";
        let (slice, errors) = fuzzily(
            text,
            "\"Even though I was successful in my business - and my life\"",
        );
        assert_eq!(errors, 1);
        assert_eq!(
            slice,
            "“Even though I was succesful in my business — and my life”"
        );
    }

    #[test]
    fn best_match_ends_finds_all_ties() {
        let text: Vec<char> = "abc xbc abc".chars().collect();
        let q: Vec<char> = "abd".chars().collect();
        let (errors, ends) = best_match_ends(&text, &q, 2).unwrap();
        assert_eq!(errors, 1);
        assert!(ends.contains(&2) && ends.contains(&10), "{ends:?}");
    }

    #[test]
    fn levenshtein_basics() {
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(levenshtein(&chars("kitten"), &chars("sitting")), 3);
        assert_eq!(levenshtein(&chars(""), &chars("abc")), 3);
        assert_eq!(levenshtein(&chars("日本語"), &chars("日本")), 1);
    }

    // --- robustness --------------------------------------------------------------

    /// A tiny deterministic generator (64-bit LCG), so the test needs no crate and
    /// fails reproducibly.
    struct Lcg(u64);

    impl Lcg {
        fn next_u64(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            self.0 >> 33
        }

        fn below(&mut self, n: usize) -> usize {
            usize::try_from(self.next_u64()).unwrap_or(0) % n.max(1)
        }

        /// A string of a length drawn from `lengths`, made of pieces of `alphabet`.
        fn string(&mut self, alphabet: &[&str], lengths: Range<usize>) -> String {
            let len = lengths.start + self.below(lengths.len());
            (0..len)
                .map(|_| alphabet[self.below(alphabet.len())])
                .collect()
        }
    }

    fn assert_valid(text: &str, range: &Range<usize>, what: &str) {
        assert!(
            range.start <= range.end && range.end <= text.len(),
            "{what}: {range:?}"
        );
        assert!(
            text.is_char_boundary(range.start) && text.is_char_boundary(range.end),
            "{what}: {range:?} not on char boundaries"
        );
    }

    #[test]
    fn no_panics_and_valid_ranges_on_random_inputs() {
        let alphabet = [
            "a", "b", "c", " ", "  ", "\n", "\u{A0}", "’", "'", "“", "\"", "—", "-", "…", ".",
            "\u{200B}", "\u{AD}", "\u{FEFF}", "日", "本", "é", "ß", "\u{2009}", "\u{3000}",
        ];
        let mut rng = Lcg(0x5eed);
        for case in 0..1500 {
            let text = rng.string(&alphabet, 0..60);
            let exact = if rng.below(2) == 0 && !text.is_empty() {
                // A slice of the text (on char boundaries), possibly perturbed.
                let chars: Vec<char> = text.chars().collect();
                let start = rng.below(chars.len());
                let end = start + rng.below(chars.len() - start + 1);
                let mut slice: String = chars[start..end].iter().collect();
                if rng.below(2) == 0 {
                    slice.push_str(alphabet[rng.below(alphabet.len())]);
                }
                slice
            } else {
                rng.string(&alphabet, 0..12)
            };
            let context = |rng: &mut Lcg| (rng.below(2) == 0).then(|| rng.string(&alphabet, 0..6));
            let q = TextQuote {
                exact,
                prefix: context(&mut rng),
                suffix: context(&mut rng),
            };
            let what = format!("case {case}: {q:?} in {text:?}");
            match anchor(&text, &q) {
                Ok(a) => {
                    assert_valid(&text, &a.range, &what);
                    assert!(!a.range.is_empty(), "{what}");
                }
                Err(AnchorError::Ambiguous { occurrences }) => {
                    assert!(occurrences.len() >= 2, "{what}");
                    for range in &occurrences {
                        assert_valid(&text, range, &what);
                    }
                }
                Err(AnchorError::NotFound {
                    closest: Some(range),
                }) => {
                    assert_valid(&text, &range, &what);
                }
                Err(AnchorError::NotFound { closest: None } | AnchorError::Empty) => {}
            }
        }
    }

    /// Full semi-global DP, no cut-off: the minimum distance and every end reaching it.
    fn naive_best_ends(text: &[char], quote: &[char]) -> (usize, Vec<usize>) {
        let mut column: Vec<usize> = (0..=quote.len()).collect();
        let mut best = (usize::MAX, Vec::new());
        for (at, &tc) in text.iter().enumerate() {
            let mut diagonal = column[0];
            for row in 1..=quote.len() {
                let above_left = diagonal;
                diagonal = column[row];
                column[row] = (above_left + usize::from(quote[row - 1] != tc))
                    .min(column[row] + 1)
                    .min(column[row - 1] + 1);
            }
            let errors = column[quote.len()];
            if errors < best.0 {
                best = (errors, vec![at + 1]);
            } else if errors == best.0 {
                best.1.push(at + 1);
            }
        }
        best
    }

    #[test]
    fn cut_off_scan_agrees_with_the_full_table() {
        let alphabet = ["a", "b", "c", " "];
        let mut rng = Lcg(7);
        for case in 0..2000 {
            let text: Vec<char> = rng.string(&alphabet, 1..50).chars().collect();
            let quote: Vec<char> = rng.string(&alphabet, 1..12).chars().collect();
            let limit = rng.below(quote.len() + 1);
            let (errors, mut ends) = naive_best_ends(&text, &quote);
            ends.truncate(MAX_TIED_ENDS);
            let expected = (errors <= limit).then_some((errors, ends));
            assert_eq!(
                best_match_ends(&text, &quote, limit),
                expected,
                "case {case}: {quote:?} in {text:?}, limit {limit}"
            );
        }
    }

    #[test]
    fn exact_slices_renormalize_to_the_quote() {
        // Whatever the text, an exact anchor's slice normalises to the quote (modulo a
        // partially matched ellipsis).
        let alphabet = ["a", "b", " ", "\n", "’", "“", "—", "\u{200B}", "日", "é"];
        let mut rng = Lcg(42);
        for _ in 0..500 {
            let text = rng.string(&alphabet, 1..41);
            let exact = rng.string(&alphabet, 1..5);
            let q = quote(&exact);
            if let Ok(Anchor {
                range,
                how: Anchored::Exactly,
            }) = anchor(&text, &q)
            {
                let normalized_quote = normalize(&exact);
                assert_eq!(
                    normalize(&text[range]).trim_matches(' '),
                    normalized_quote.trim_matches(' ')
                );
            }
        }
    }

    #[test]
    fn fuzzy_search_is_fast_enough_on_a_long_text() {
        // 100 KB of article text and a 500-char quote that is not in it.
        let text = SEED.repeat(100_000 / SEED.len() + 1);
        let q: String = SEED
            .chars()
            .skip(2000)
            .take(500)
            .collect::<String>()
            .replace('e', "3");
        let start = std::time::Instant::now();
        let _ = anchor(&text, &quote(&q));
        assert!(start.elapsed().as_secs() < 30);
    }

    #[test]
    fn fuzzy_passages_snap_to_whole_words() {
        let text = "Avdeevka, which was liberated by Moscow in November last year.";
        let quote = TextQuote {
            exact: "captured by Moscow in November".to_owned(),
            prefix: None,
            suffix: None,
        };
        let closest = match anchor(text, &quote) {
            Ok(found) => found.range,
            Err(AnchorError::NotFound { closest }) => closest.expect("a closest passage"),
            Err(other) => panic!("unexpected {other:?}"),
        };
        assert_eq!(&text[closest], "liberated by Moscow in November");
        // A typo inside a word still anchors to exactly that word.
        let typo = TextQuote {
            exact: "liberated by Moscow in Novmber".to_owned(),
            prefix: None,
            suffix: None,
        };
        let found = anchor(text, &typo).expect("fuzzy match");
        assert_eq!(&text[found.range], "liberated by Moscow in November");
        assert_eq!(found.how, Anchored::Fuzzily { errors: 1 });
    }
}
