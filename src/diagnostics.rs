//! Diagnostics: every user-facing problem is data, not a panic or a bare string.
//!
//! Stages return their output together with the diagnostics they found, so that
//! `gloss check` can report every problem in one run (the model is typst's
//! `SourceResult`). Only [`Report::emit`] prints them.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::term::{self, termcolor};

mod excerpt;

use excerpt::Excerpt;

/// How bad a problem is: errors fail a build, warnings are reported and the build goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in one input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file the problem is in, as the user would type it (relative to the project root).
    pub path: PathBuf,
    /// Byte range in the file; `None` for problems with the whole file.
    pub span: Option<Range<usize>>,
    /// Lowercase, names in backticks: "unknown field `qoute`".
    pub message: String,
    /// What to do about it: "did you mean `quote`?".
    pub hint: Option<String>,
    /// Further notes shown under the snippet (e.g. each occurrence of an ambiguous quote).
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn error(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, path.into(), message.into())
    }

    pub fn warning(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, path.into(), message.into())
    }

    fn new(severity: Severity, path: PathBuf, message: String) -> Self {
        Self {
            severity,
            path,
            span: None,
            message,
            hint: None,
            notes: Vec::new(),
        }
    }

    #[must_use]
    pub fn with_span(mut self, span: Option<Range<usize>>) -> Self {
        self.span = span;
        self
    }

    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    #[must_use]
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A 1-based line and column (in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// A passage of an article quoted in a diagnostic's note, on one line, and cut to its
/// first and last words when it is long: a note that quotes a 3,000-character passage
/// whole buries the message (source lines are cut the same way, see `excerpt`).
pub(crate) fn quote_passage(passage: &str) -> String {
    /// Passages up to this many characters are quoted whole.
    const WHOLE: usize = 120;
    /// Characters kept from the start and from the end of a longer one.
    const HEAD: usize = 80;
    const TAIL: usize = 30;
    let passage = passage.replace('\n', " ");
    let count = passage.chars().count();
    if count <= WHOLE {
        return passage;
    }
    let offset = |n: usize| {
        passage
            .char_indices()
            .nth(n)
            .map_or(passage.len(), |(i, _)| i)
    };
    let head = passage[..offset(HEAD)].trim_end();
    let tail = passage[offset(count - TAIL)..].trim_start();
    format!("{head} … {tail} ({count} characters)")
}

pub(crate) fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The closest candidate to `given` among `candidates`, if one is close enough to be a
/// plausible typo. Used for every "did you mean" hint.
pub fn did_you_mean<'a>(
    given: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(given, candidate), candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

/// A set of diagnostics together with the texts of the files they point into, so that
/// they can be printed with line, column and a source snippet.
#[derive(Debug, Default, Clone)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    sources: Vec<(PathBuf, String)>,
}

/// Where a diagnostic points, resolved to line and column for display and JSON.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Located<'a> {
    pub severity: Severity,
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: &'a str,
    pub hint: Option<&'a str>,
    pub notes: &'a [String],
}

impl Report {
    /// Remembers the text of `path` so diagnostics in it can be shown with a snippet.
    pub fn add_source(&mut self, path: &Path, text: &str) {
        if !self.sources.iter().any(|(p, _)| p == path) {
            self.sources.push((path.to_path_buf(), text.to_owned()));
        }
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    pub fn extend(&mut self, diagnostics: impl IntoIterator<Item = Diagnostic>) {
        self.diagnostics.extend(diagnostics);
    }

    pub fn merge(&mut self, other: Report) {
        for (path, text) in other.sources {
            self.add_source(&path, &text);
        }
        self.diagnostics.extend(other.diagnostics);
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.diagnostics.len() - self.error_count()
    }

    /// "2 errors and 1 warning", for the line after the diagnostics.
    pub fn summary(&self) -> String {
        let plural = |n: usize, word: &str| {
            if n == 1 {
                format!("1 {word}")
            } else {
                format!("{n} {word}s")
            }
        };
        match (self.error_count(), self.warning_count()) {
            (0, w) => plural(w, "warning"),
            (e, 0) => plural(e, "error"),
            (e, w) => format!("{} and {}", plural(e, "error"), plural(w, "warning")),
        }
    }

    fn source_of(&self, path: &Path) -> Option<&str> {
        self.sources
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, text)| text.as_str())
    }

    /// Sorts diagnostics by file and position, so output is stable whatever order the
    /// (parallel) stages found them in.
    pub fn sort(&mut self) {
        self.diagnostics.sort_by(|a, b| {
            (&a.path, a.span.as_ref().map(|s| s.start), &a.message).cmp(&(
                &b.path,
                b.span.as_ref().map(|s| s.start),
                &b.message,
            ))
        });
        self.diagnostics.dedup();
    }

    /// Each diagnostic with its line and column resolved.
    pub fn located(&self) -> Vec<Located<'_>> {
        self.diagnostics.iter().map(|d| self.locate(d)).collect()
    }

    fn locate<'a>(&self, d: &'a Diagnostic) -> Located<'a> {
        let position = match (&d.span, self.source_of(&d.path)) {
            (Some(span), Some(text)) => Some(line_col(text, span.start)),
            _ => None,
        };
        Located {
            severity: d.severity,
            file: d.path.display().to_string(),
            line: position.map(|p| p.0),
            column: position.map(|p| p.1),
            message: &d.message,
            hint: d.hint.as_deref(),
            notes: &d.notes,
        }
    }

    /// One line per diagnostic: `path:line:column: error: message`. Used where a
    /// snippet would be noise (test assertions, the browser overlay title).
    pub fn short_lines(&self) -> Vec<String> {
        self.located().iter().map(ToString::to_string).collect()
    }

    /// Prints every diagnostic rustc-style (with source line and caret) to `out`. Only
    /// the lines a diagnostic points at are shown, each cut to a window around the
    /// label when it is long ([`excerpt`]).
    pub fn emit(&self, out: &mut dyn termcolor::WriteColor) -> std::io::Result<()> {
        let config = term::Config::default();
        for diagnostic in &self.diagnostics {
            match (self.source_of(&diagnostic.path), &diagnostic.span) {
                (Some(source), Some(span)) => {
                    // The excerpt finds the line itself; codespan prints line and column.
                    let name = diagnostic.path.display().to_string();
                    let excerpt = Excerpt::new(&name, source, span);
                    let mut notes = diagnostic.notes.clone();
                    if let Some(hint) = &diagnostic.hint {
                        notes.push(format!("help: {hint}"));
                    }
                    let cs = match diagnostic.severity {
                        Severity::Error => CsDiagnostic::error(),
                        Severity::Warning => CsDiagnostic::warning(),
                    }
                    .with_message(&diagnostic.message)
                    .with_labels(vec![Label::primary((), excerpt.span.clone())])
                    .with_notes(notes);
                    term::emit_to_write_style(out, &config, &excerpt, &cs)
                        .map_err(std::io::Error::other)?;
                }
                _ => {
                    writeln!(out, "{}", self.locate(diagnostic))?;
                }
            }
        }
        Ok(())
    }

    /// Prints to standard error, in colour only when it is a terminal and `NO_COLOR`
    /// is unset.
    pub fn emit_to_stderr(&self) {
        let choice = if std::io::IsTerminal::is_terminal(&std::io::stderr())
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        {
            termcolor::ColorChoice::Auto
        } else {
            termcolor::ColorChoice::Never
        };
        let stream = termcolor::StandardStream::stderr(choice);
        let mut lock = stream.lock();
        // Nothing sensible is left to do if standard error itself cannot be written.
        let _ = self.emit(&mut lock);
    }

    /// Everything as plain text, no colour: for the serve overlay and tests.
    pub fn to_plain_text(&self) -> String {
        let mut buffer = termcolor::NoColor::new(Vec::new());
        let _ = self.emit(&mut buffer);
        String::from_utf8_lossy(&buffer.into_inner()).into_owned()
    }
}

impl From<Diagnostic> for Report {
    fn from(diagnostic: Diagnostic) -> Self {
        let mut report = Report::default();
        report.push(diagnostic);
        report
    }
}

impl fmt::Display for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, "{}:{line}:{column}: ", self.file)?,
            _ => write!(f, "{}: ", self.file)?,
        }
        write!(f, "{severity}: {}", self.message)?;
        if let Some(hint) = self.hint {
            write!(f, " (help: {hint})")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_passages_are_quoted_by_their_ends() {
        assert_eq!(quote_passage("A short\npassage."), "A short passage.");
        let exact = "x".repeat(120);
        assert_eq!(quote_passage(&exact), exact);
        let long = format!("{}{}{}", "a".repeat(80), "b".repeat(500), "c".repeat(30));
        assert_eq!(
            quote_passage(&long),
            format!("{} … {} (610 characters)", "a".repeat(80), "c".repeat(30))
        );
        // Counted and cut in characters, not bytes.
        let japanese = "日本人義勇兵".repeat(40);
        let quoted = quote_passage(&japanese);
        assert!(quoted.ends_with("(240 characters)"), "{quoted}");
        assert_eq!(
            quoted.chars().filter(|c| *c != ' ').count(),
            80 + 1 + 30 + "(240characters)".len()
        );
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "a = 1\nb = \"ü\" x";
        let offset = text.find('x').unwrap();
        assert_eq!(line_col(text, offset), (2, 9));
        assert_eq!(line_col(text, 0), (1, 1));
    }

    #[test]
    fn did_you_mean_finds_typos_only() {
        let keys = ["quote", "prefix", "suffix", "kind", "body"];
        assert_eq!(did_you_mean("qoute", keys), Some("quote"));
        assert_eq!(did_you_mean("zzzzzz", keys), None);
    }
}
