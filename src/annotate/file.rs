//! The annotation file format (`seeds/<stem>.toml`), as DESIGN.md fixes it.
//!
//! Every table rejects unknown keys, so a typo is an error with a did-you-mean rather
//! than a silently ignored line. Values whose position matters for later errors
//! (quotes, ids) are kept [`Spanned`] so those errors can name line and column.

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostics::{did_you_mean, Diagnostic};
use crate::model::PartialDate;
use crate::parse::ParseOverrides;

/// A whole annotation file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnotationFile {
    #[serde(default)]
    pub article: ArticleMeta,
    #[serde(default)]
    pub note: Vec<NoteSpec>,
    #[serde(default)]
    pub claim: Vec<ClaimSpec>,
    #[serde(default)]
    pub mention: Vec<MentionSpec>,
    #[serde(default)]
    pub see_also: Vec<SeeAlsoSpec>,
    #[serde(default)]
    pub parse: ParseOverrides,
}

/// `[article]`: metadata. Every field is optional; what is missing comes from the
/// parser or stays unknown.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleMeta {
    pub title: Option<String>,
    pub slug: Option<Spanned<String>>,
    pub source: Option<Spanned<String>>,
    pub url: Option<String>,
    /// A TOML date or datetime, or a partial date as a string: "2024", "2024-05".
    pub published: Option<Spanned<PartialDate>>,
    /// True when `published` is an editor's estimate rather than a stated date.
    #[serde(default)]
    pub published_approximate: bool,
    #[serde(default)]
    pub authors: Vec<String>,
    pub language: Option<String>,
    pub translated_from: Option<String>,
    pub kind: Option<Spanned<ArticleKind>>,
    /// Markdown.
    pub summary: Option<String>,
    #[serde(default)]
    pub tags: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ArticleKind {
    News,
    Interview,
    Feature,
    Opinion,
    Analysis,
}

impl ArticleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::News => "news",
            Self::Interview => "interview",
            Self::Feature => "feature",
            Self::Opinion => "opinion",
            Self::Analysis => "analysis",
        }
    }
}

/// `[[note]]`: a note anchored to an exact passage.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteSpec {
    pub quote: Spanned<String>,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    pub kind: Spanned<NoteKind>,
    /// Markdown; `[[id]]` links to an article or an entity.
    pub body: Spanned<String>,
    /// Corrections only: the corrected text.
    pub correct: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoteKind {
    Correction,
    Context,
    FactCheck,
    Translation,
    Framing,
    Comment,
}

impl NoteKind {
    /// The CSS class and URL-safe name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Correction => "correction",
            Self::Context => "context",
            Self::FactCheck => "fact-check",
            Self::Translation => "translation",
            Self::Framing => "framing",
            Self::Comment => "comment",
        }
    }

    /// The label a reader sees.
    pub fn label(self) -> &'static str {
        match self {
            Self::Correction => "Correction",
            Self::Context => "Context",
            Self::FactCheck => "Fact-check",
            Self::Translation => "Translation",
            Self::Framing => "Framing",
            Self::Comment => "Comment",
        }
    }
}

/// `[[claim]]`: a reviewed claim (also a schema.org ClaimReview).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimSpec {
    pub quote: Spanned<String>,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    /// Entity id of who made the claim.
    pub claimant: Option<Spanned<String>>,
    /// Free text, shown as given ("Misleading", "False", "Unsupported").
    pub rating: String,
    /// Markdown.
    pub body: Spanned<String>,
}

/// `[[mention]]`: an explicit mention, or a suppressed false alias match.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MentionSpec {
    pub entity: Spanned<String>,
    pub quote: Spanned<String>,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    #[serde(default)]
    pub ignore: bool,
}

/// `[[see_also]]`: a cross-reference to another article.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeeAlsoSpec {
    pub article: Spanned<String>,
    pub why: Option<String>,
}

impl AnnotationFile {
    /// Parses an annotation file. A syntax or schema error becomes one diagnostic
    /// pointing at the offending span, with a did-you-mean for unknown keys.
    pub fn parse(path: &std::path::Path, text: &str) -> Result<Self, Diagnostic> {
        toml::from_str(text).map_err(|error| toml_diagnostic(path, &error))
    }
}

/// Turns a `toml` deserialisation error into a diagnostic: its span, its message
/// without the snippet `toml` renders itself, and a did-you-mean for unknown fields.
pub fn toml_diagnostic(path: &std::path::Path, error: &toml::de::Error) -> Diagnostic {
    let message = error.message().trim().to_owned();
    let span: Option<Range<usize>> = error.span();
    let mut diagnostic = Diagnostic::error(path, lowercase_first(&message)).with_span(span);
    if let Some(hint) = unknown_field_hint(&message) {
        diagnostic = diagnostic.with_hint(hint);
    }
    diagnostic
}

/// serde says "unknown field `qoute`, expected one of `quote`, `prefix`, …"; pick the
/// expected name closest to the unknown one.
fn unknown_field_hint(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("unknown variant `"))?;
    let (given, expected) = rest.split_once('`')?;
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    did_you_mean(given, candidates.iter().copied()).map(|best| format!("did you mean `{best}`?"))
}

fn lowercase_first(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) if !message.starts_with("TOML") => first.to_lowercase().chain(chars).collect(),
        _ => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::line_col;
    use std::path::Path;

    #[test]
    fn unknown_key_names_line_column_and_suggestion() {
        let text = "[article]\ntitle = \"x\"\n\n[[note]]\nqoute = \"a\"\nkind = \"context\"\nbody = \"b\"\n";
        let error = AnnotationFile::parse(Path::new("a.toml"), text).unwrap_err();
        assert!(
            error.message.contains("unknown field `qoute`"),
            "{}",
            error.message
        );
        assert_eq!(error.hint.as_deref(), Some("did you mean `quote`?"));
        let span = error.span.expect("span");
        assert_eq!(line_col(text, span.start), (5, 1));
    }

    #[test]
    fn note_kind_typo_is_an_error_with_suggestion() {
        let text = "[[note]]\nquote = \"a\"\nkind = \"corection\"\nbody = \"b\"\n";
        let error = AnnotationFile::parse(Path::new("a.toml"), text).unwrap_err();
        assert!(error.message.contains("corection"), "{}", error.message);
        assert_eq!(error.hint.as_deref(), Some("did you mean `correction`?"));
        assert_eq!(line_col(text, error.span.unwrap().start), (3, 8));
    }

    #[test]
    fn partial_dates_are_accepted() {
        let text = "[article]\npublished = \"2024-05\"\npublished_approximate = true\n";
        let file = AnnotationFile::parse(Path::new("a.toml"), text).unwrap();
        let date = file.article.published.unwrap().into_inner();
        assert_eq!((date.year, date.month, date.day), (2024, Some(5), None));
    }
}
