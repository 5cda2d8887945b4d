//! The part of a file a diagnostic shows, with long lines cut to fit a terminal.
//!
//! Scraped articles often hold a whole paragraph on one line, and a note's `quote` can
//! run to hundreds of characters; printed whole, such a line (and the row of carets
//! under it) fills the screen. An [`Excerpt`] keeps only the lines the label covers and
//! cuts each line longer than [`SHOWN_CHARS`] to a window around the label, marking
//! every cut with `…`. Line and column numbers stay those of the file as it is: the
//! excerpt tells codespan its own numbering through [`Files`].

use std::ops::Range;

use codespan_reporting::files::{self, Files};

use super::floor_char_boundary;

/// Characters of a line shown at most, not counting the `…` marks.
pub(super) const SHOWN_CHARS: usize = 100;

/// Characters kept before the label's start when its line is cut.
const LEAD_CHARS: usize = 24;

const MARK: &str = "…";

/// The lines of `text` that `span` covers, each cut to at most [`SHOWN_CHARS`]
/// characters, and `span` moved into them.
#[derive(Debug)]
pub(super) struct Excerpt<'a> {
    name: &'a str,
    text: String,
    /// 0-based index in the file of the excerpt's first line.
    first_line: usize,
    /// Where each line starts in `text`.
    line_starts: Vec<usize>,
    /// For each line: characters of the file's line left out before the shown part
    /// (a mark stands for them when there are any).
    dropped_before: Vec<usize>,
    /// The label's range in `text`.
    pub(super) span: Range<usize>,
}

impl<'a> Excerpt<'a> {
    pub(super) fn new(name: &'a str, source: &str, span: &Range<usize>) -> Self {
        let start = floor_char_boundary(source, span.start.min(source.len()));
        let end = floor_char_boundary(source, span.end.clamp(start, source.len()));
        let first_line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let last_line_end = source[end..].find('\n').map_or(source.len(), |i| end + i);
        let mut excerpt = Excerpt {
            name,
            text: String::new(),
            first_line: source[..first_line_start].matches('\n').count(),
            line_starts: Vec::new(),
            dropped_before: Vec::new(),
            span: 0..0,
        };
        let mut span_in_text = 0..0;
        let mut line_start = first_line_start;
        for line in source[first_line_start..last_line_end].split('\n') {
            let line_range = line_start..line_start + line.len();
            let window = window(line, line_range.clone(), start, end);
            let shown = excerpt.push_line(line, window);
            if on_line(&line_range, start) {
                span_in_text.start = shown.offset_of(start - line_range.start);
            }
            if on_line(&line_range, end) {
                span_in_text.end = shown.offset_of(end - line_range.start);
            }
            line_start = line_range.end + 1;
        }
        excerpt.span = span_in_text.start..span_in_text.end.max(span_in_text.start);
        excerpt
    }

    /// Appends the part `window` (byte range within `line`) of a line of the file.
    fn push_line(&mut self, line: &str, window: Range<usize>) -> ShownLine {
        if !self.line_starts.is_empty() {
            self.text.push('\n');
        }
        let line_start = self.text.len();
        self.line_starts.push(line_start);
        self.dropped_before
            .push(line[..window.start].chars().count());
        if window.start > 0 {
            self.text.push_str(MARK);
        }
        let content_start = self.text.len();
        self.text.push_str(&line[window.clone()]);
        let content_end = self.text.len();
        if window.end < line.len() {
            self.text.push_str(MARK);
        }
        ShownLine {
            window,
            content_start,
            content_end,
        }
    }

    fn line_end(&self, index: usize) -> usize {
        self.line_starts
            .get(index + 1)
            .map_or(self.text.len(), |next| next - 1)
    }
}

/// Where a line's window landed in the excerpt's text.
struct ShownLine {
    window: Range<usize>,
    content_start: usize,
    content_end: usize,
}

impl ShownLine {
    /// The excerpt offset of byte `at` of the file's line: inside the window it keeps
    /// its place; before or after the window it sticks to the window's edge.
    fn offset_of(&self, at: usize) -> usize {
        if at <= self.window.start {
            self.content_start
        } else if at >= self.window.end {
            self.content_end
        } else {
            self.content_start + (at - self.window.start)
        }
    }
}

/// The byte range of `line` to show: all of it when it is short; otherwise
/// [`SHOWN_CHARS`] characters, starting a little before the label on the line where
/// the label starts, ending a little after it on the line where it ends, and from the
/// line's start on lines in between.
fn window(line: &str, line_range: Range<usize>, start: usize, end: usize) -> Range<usize> {
    let count = line.chars().count();
    if count <= SHOWN_CHARS {
        return 0..line.len();
    }
    let char_starts: Vec<usize> = line.char_indices().map(|(i, _)| i).collect();
    let column_of = |at: usize| char_starts.partition_point(|&i| i < at - line_range.start);
    let first = if on_line(&line_range, start) {
        column_of(start).saturating_sub(LEAD_CHARS)
    } else if on_line(&line_range, end) {
        (column_of(end) + LEAD_CHARS).saturating_sub(SHOWN_CHARS)
    } else {
        0
    };
    let first = first.min(count - SHOWN_CHARS);
    let byte_at = |column: usize| char_starts.get(column).copied().unwrap_or(line.len());
    byte_at(first)..byte_at(first + SHOWN_CHARS)
}

/// Whether byte `at` of the file is on the line at `line_range`, its end (where the
/// newline is) included.
fn on_line(line_range: &Range<usize>, at: usize) -> bool {
    (line_range.start..=line_range.end).contains(&at)
}

impl<'a> Files<'a> for Excerpt<'a> {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, files::Error> {
        Ok(self.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, files::Error> {
        Ok(&self.text)
    }

    fn line_index(&'a self, (): (), byte_index: usize) -> Result<usize, files::Error> {
        Ok(self
            .line_starts
            .partition_point(|&start| start <= byte_index)
            .saturating_sub(1))
    }

    /// The line's number in the file, not in the excerpt.
    fn line_number(&'a self, (): (), line_index: usize) -> Result<usize, files::Error> {
        Ok(self.first_line + line_index + 1)
    }

    /// The column in the file's line: characters cut from its start are counted, the
    /// mark that stands for them is not.
    fn column_number(
        &'a self,
        (): (),
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, files::Error> {
        let line = self.line_range((), line_index)?;
        let dropped = self.dropped_before.get(line_index).copied().unwrap_or(0);
        let shown = files::column_index(&self.text, line, byte_index);
        let mark = usize::from(dropped > 0);
        Ok(shown.saturating_sub(mark) + dropped + 1)
    }

    fn line_range(&'a self, (): (), line_index: usize) -> Result<Range<usize>, files::Error> {
        let start = *self
            .line_starts
            .get(line_index)
            .ok_or(files::Error::LineTooLarge {
                given: line_index,
                max: self.line_starts.len().saturating_sub(1),
            })?;
        Ok(start..self.line_end(line_index))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::line_col;

    fn location(excerpt: &Excerpt<'_>) -> (usize, usize) {
        let location = excerpt.location((), excerpt.span.start).unwrap();
        (location.line_number, location.column_number)
    }

    #[test]
    fn short_lines_are_shown_whole() {
        let source = "a = 1\nquote = \"the words\"\nb = 2\n";
        let start = source.find("the").unwrap();
        let excerpt = Excerpt::new("f.toml", source, &(start..start + 9));
        assert_eq!(excerpt.text, "quote = \"the words\"");
        assert_eq!(&excerpt.text[excerpt.span.clone()], "the words");
        assert_eq!(location(&excerpt), line_col(source, start));
    }

    #[test]
    fn a_long_line_is_cut_around_the_label_and_keeps_its_numbers() {
        let filler = "word ".repeat(400);
        let source = format!("title = \"x\"\nquote = \"{filler}TARGET {filler}\"\n");
        let start = source.find("TARGET").unwrap();
        let excerpt = Excerpt::new("f.toml", &source, &(start..start + 6));
        assert_eq!(&excerpt.text[excerpt.span.clone()], "TARGET");
        assert!(excerpt.text.starts_with(MARK) && excerpt.text.ends_with(MARK));
        assert_eq!(excerpt.text.chars().count(), SHOWN_CHARS + 2);
        assert_eq!(location(&excerpt), line_col(&source, start));
        assert_eq!(excerpt.line_number((), 0).unwrap(), 2);
    }

    #[test]
    fn a_label_longer_than_the_window_is_cut_with_it() {
        let long = "x".repeat(3000);
        let source = format!("quote = \"{long}\"\n");
        let start = source.find('x').unwrap();
        let excerpt = Excerpt::new("f.toml", &source, &(start..start + long.len()));
        assert_eq!(excerpt.text.chars().count(), SHOWN_CHARS + 1);
        assert!(excerpt.text.ends_with(MARK) && !excerpt.text.starts_with(MARK));
        assert!(excerpt.text[excerpt.span.clone()].chars().all(|c| c == 'x'));
        assert_eq!(location(&excerpt), (1, 10));
    }

    #[test]
    fn cuts_fall_between_characters_and_columns_count_characters() {
        let line = "日本の義勇兵".repeat(60);
        let source = format!("{line}\n");
        let start = source.char_indices().nth(200).unwrap().0;
        let end = source.char_indices().nth(203).unwrap().0;
        let excerpt = Excerpt::new("a.txt", &source, &(start..end));
        assert_eq!(&excerpt.text[excerpt.span.clone()], &source[start..end]);
        assert_eq!(location(&excerpt), (1, 201));
        assert_eq!(excerpt.text.chars().count(), SHOWN_CHARS + 2);
    }

    #[test]
    fn a_label_near_the_end_of_a_long_line_shows_the_line_s_last_characters() {
        let source = format!("{}END", "y".repeat(500));
        let start = source.find("END").unwrap();
        let excerpt = Excerpt::new("a.txt", &source, &(start..source.len()));
        assert!(excerpt.text.starts_with(MARK) && excerpt.text.ends_with("END"));
        assert_eq!(&excerpt.text[excerpt.span.clone()], "END");
        assert_eq!(location(&excerpt), (1, 501));
    }

    #[test]
    fn a_label_over_several_lines_keeps_all_of_them_in_order() {
        let long = "z".repeat(300);
        let source = format!("before\n[note]\nquote = \"{long}\"\nbody = \"b\"\nafter\n");
        let start = source.find("[note]").unwrap();
        let end = source.find("after").unwrap() - 1;
        let excerpt = Excerpt::new("f.toml", &source, &(start..end));
        let lines: Vec<&str> = excerpt.text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0], "[note]");
        assert!(lines[1].starts_with("quote = \"zzz") && lines[1].ends_with(MARK));
        assert_eq!(lines[2], "body = \"b\"");
        assert_eq!(excerpt.line_number((), 2).unwrap(), 4);
        assert_eq!(&excerpt.text[excerpt.span.clone()], excerpt.text.as_str());
    }

    #[test]
    fn a_span_at_the_end_of_the_file_or_past_it_is_shown_at_the_end() {
        let source = "a = 1\nb = ";
        let excerpt = Excerpt::new("f.toml", source, &(source.len()..source.len() + 5));
        assert_eq!(excerpt.text, "b = ");
        assert_eq!(excerpt.span, 4..4);
        assert_eq!(location(&excerpt), (2, 5));
    }
}
