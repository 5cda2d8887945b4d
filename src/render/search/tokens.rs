//! Words as the search index stores them, and as `static/search.js` reads a query.
//!
//! Both sides must cut and fold text the same way, or a query misses words that are in
//! the index. The rule is small on purpose, so that it is easy to write twice:
//!
//! 1. canonical decomposition (NFD), then every combining mark dropped, so `Zaporižžia`
//!    and `Zaporizzia` are one word;
//! 2. lower case, with Greek final sigma folded into `σ` (JavaScript's `toLowerCase`
//!    turns a word-final `Σ` into `ς`, Rust's per-character lowering does not);
//! 3. a word is a maximal run of alphabetic or numeric characters (`\p{Alphabetic}` or
//!    `\p{N}` in JavaScript, `char::is_alphanumeric` in Rust); everything else separates
//!    words, so `Kaneko's` is `kaneko` and `s`;
//! 4. words longer than [`MAX_WORD_CHARS`] (pasted URLs, hashes) are left out.
//!
//! In JavaScript: `text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase()
//! .replace(/ς/g, "σ").match(/[\p{Alphabetic}\p{N}]+/gu)`.
//!
//! There is no stemming: a query word also matches the longer words it begins (see the
//! module docs of `search`), which covers plurals and most English inflections
//! without tying the index to one language.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Longer words are not indexed.
pub const MAX_WORD_CHARS: usize = 64;

/// Calls `each` with every word of `text`, folded as the module docs say. The buffer
/// passed is reused between calls.
pub fn for_each_word(text: &str, mut each: impl FnMut(&str)) {
    let bytes = text.as_bytes();
    let mut word = String::with_capacity(32);
    let mut chars = 0_usize;
    let mut at = 0;
    while at < bytes.len() {
        if word.is_empty() {
            // Most words are runs of ASCII letters and digits: such a run is read off
            // the bytes, and when an ASCII byte (or the end) follows it, it is a whole
            // word, handed over from the text itself unless it has capitals. The
            // search stage cuts every article's text, and cutting it char by char was a
            // third of the stage's instructions.
            let mut end = at;
            let mut capitals = false;
            while let Some(&byte) = bytes.get(end) {
                match ASCII_CLASS[usize::from(byte)] {
                    LOWER_OR_DIGIT => {}
                    UPPER => capitals = true,
                    _ => break,
                }
                end += 1;
            }
            let run = end - at;
            let piece = text.get(at..end).unwrap_or_default();
            if bytes.get(end).is_none_or(u8::is_ascii) {
                if capitals {
                    word.push_str(piece);
                    word.make_ascii_lowercase();
                    hand_over(&word, run, &mut each);
                    word.clear();
                } else {
                    hand_over(piece, run, &mut each);
                }
                // The ASCII byte after the run separates words.
                at = end + 1;
                continue;
            }
            // A letter beyond ASCII goes on with the word: the run starts it.
            word.push_str(piece);
            word.make_ascii_lowercase();
            chars = run;
            at = end;
        }
        let Some(c) = text.get(at..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        at += c.len_utf8();
        fold_char(c, &mut word, &mut chars, &mut each);
    }
    hand_over(&word, chars, &mut each);
}

/// Hands `word` (`chars` characters long) to `each`, unless it is empty or longer
/// than a word may be.
fn hand_over(word: &str, chars: usize, each: &mut impl FnMut(&str)) {
    if !word.is_empty() && chars <= MAX_WORD_CHARS {
        each(word);
    }
}

const OTHER: u8 = 0;
const LOWER_OR_DIGIT: u8 = 1;
const UPPER: u8 = 2;

/// Each byte's part in an ASCII word: a lower-case letter or digit, a capital, or
/// anything else (a separator, or a byte of a character beyond ASCII).
static ASCII_CLASS: [u8; 256] = {
    let mut class = [OTHER; 256];
    let mut byte: u8 = 0;
    while byte < 128 {
        if byte.is_ascii_lowercase() || byte.is_ascii_digit() {
            class[byte as usize] = LOWER_OR_DIGIT;
        } else if byte.is_ascii_uppercase() {
            class[byte as usize] = UPPER;
        }
        byte += 1;
    }
    class
};

/// Adds `c`, folded, to `word`, or ends `word` (handing it to `each` unless it is
/// too long) when `c` separates words.
fn fold_char(c: char, word: &mut String, chars: &mut usize, each: &mut impl FnMut(&str)) {
    let mut separator = false;
    if c.is_ascii() {
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
            *chars += 1;
        } else {
            separator = true;
        }
    } else {
        decompose_canonical(c, |d| {
            if is_combining_mark(d) {
                return;
            }
            if d.is_alphanumeric() {
                for lower in d.to_lowercase() {
                    word.push(if lower == 'ς' { 'σ' } else { lower });
                    *chars += 1;
                }
            } else {
                separator = true;
            }
        });
    }
    if separator {
        hand_over(word, *chars, each);
        word.clear();
        *chars = 0;
    }
}

/// The words of `text`, in order (for tests and small inputs).
pub fn words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    for_each_word(text, |w| words.push(w.to_owned()));
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lower_case_runs_of_letters_and_digits() {
        assert_eq!(
            words("Mr. Kaneko's unit, 2022–23: \"front-line\" duty"),
            ["mr", "kaneko", "s", "unit", "2022", "23", "front", "line", "duty"]
        );
    }

    #[test]
    fn accents_are_folded_and_precomposed_equals_decomposed() {
        assert_eq!(words("Zaporižžia CAFÉ"), ["zaporizzia", "cafe"]);
        assert_eq!(words("Cafe\u{301}"), ["cafe"]);
    }

    #[test]
    fn non_latin_scripts_are_words_too() {
        assert_eq!(words("Київ, ΟΔΥΣΣΕΥΣ"), ["киів", "οδυσσευσ"]);
        // Japanese has no spaces: a run of kanji and kana is one word, and the
        // voiced-sound mark of が decomposes to か plus a dropped mark.
        assert_eq!(words("金子大作さん が"), ["金子大作さん", "か"]);
    }

    /// The rule applied one char at a time, as the module docs state it.
    fn words_char_by_char(text: &str) -> Vec<String> {
        let mut words = Vec::new();
        let mut word = String::new();
        let mut finish = |word: &mut String| {
            if !word.is_empty() && word.chars().count() <= MAX_WORD_CHARS {
                words.push(word.clone());
            }
            word.clear();
        };
        for c in text.chars() {
            let mut separator = false;
            decompose_canonical(c, |d| {
                if is_combining_mark(d) {
                    return;
                }
                if d.is_alphanumeric() {
                    word.extend(d.to_lowercase().map(|l| if l == 'ς' { 'σ' } else { l }));
                } else {
                    separator = true;
                }
            });
            if separator {
                finish(&mut word);
            }
        }
        finish(&mut word);
        words
    }

    #[test]
    fn the_ascii_shortcut_cuts_words_as_the_rule_does() {
        let samples = [
            include_str!("../../../seeds/000_3b4df888474cdb9e.txt"),
            "ABC123def ÉcOLE naïve café-Zaporižžia Київ ΟΔΥΣΣΕΥΣ 金子大作さん が x\u{301}y",
            "a\u{300}b 9Ω, end.",
            "",
            " ",
        ];
        let long = format!(
            "{} {}é",
            "A".repeat(MAX_WORD_CHARS),
            "b".repeat(MAX_WORD_CHARS)
        );
        for text in samples.iter().copied().chain([long.as_str()]) {
            assert_eq!(words(text), words_char_by_char(text), "{text:?}");
        }
    }

    #[test]
    fn ascii_runs_cut_words_as_the_rule_does_next_to_any_other_text() {
        // Every arrangement of up to four pieces: ASCII runs in both cases, separators,
        // accented and combining letters, Greek sigma and scripts without case.
        let pieces = ["ab", "C", "9", " ", "-", "é", "\u{301}", "Σ", "日", "'"];
        let mut texts = crate::test_inputs::concatenations(&pieces, 4);
        for n in [MAX_WORD_CHARS - 1, MAX_WORD_CHARS, MAX_WORD_CHARS + 1] {
            for edge in ["", "é", "É", " ", "\u{301}", "X"] {
                texts.push(format!("{edge}{}{edge} z", "q".repeat(n)));
                texts.push(format!("y {}{edge}", "Q".repeat(n)));
            }
        }
        for text in &texts {
            assert_eq!(words(text), words_char_by_char(text), "{text:?}");
        }
    }

    #[test]
    fn very_long_runs_are_left_out() {
        let long = "a".repeat(MAX_WORD_CHARS + 1);
        assert_eq!(words(&format!("x {long} y")), ["x", "y"]);
        let edge = "b".repeat(MAX_WORD_CHARS);
        assert_eq!(words(&edge), std::slice::from_ref(&edge));
    }
}
