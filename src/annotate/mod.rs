//! Stage 2, annotate: reads an article's annotation file, parses the article, and
//! anchors its notes, claims and explicit mentions to exact ranges of the parsed text.
//!
//! Ids (`source`, `entity`, `claimant`, `[[id]]`, `see_also`) are carried through
//! unresolved: only `link/` resolves ids, once every article is known.

pub mod anchor;
pub mod file;

use std::borrow::Cow;
use std::cell::OnceCell;
use std::ops::Range;
use std::path::PathBuf;

use toml::Spanned;

pub use anchor::{anchor, Anchor, AnchorError, Anchored, NormalizedText, TextQuote};
pub use file::{
    AnnotationFile, ArticleKind, ArticleMeta, ClaimSpec, MentionSpec, NoteKind, NoteSpec,
    SeeAlsoSpec,
};

use crate::diagnostics::{quote_passage, Diagnostic};
use crate::load::ArticleSource;
use crate::parse::{self, Document, Format, ParseOverrides};

/// What kind of annotation a [`Note`] is: one of the note kinds, or a reviewed claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoteType {
    Note(NoteKind),
    Claim,
}

impl NoteType {
    /// CSS class suffix and export name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Note(kind) => kind.as_str(),
            Self::Claim => "claim",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Note(kind) => kind.label(),
            Self::Claim => "Claim review",
        }
    }
}

/// A note or claim, anchored.
#[derive(Debug, Clone)]
pub struct Note {
    /// 1-based, in order of position in the text (then file order).
    pub number: usize,
    pub kind: NoteType,
    /// Where it is in [`Document::text`].
    pub range: Range<usize>,
    /// `Some(edits)` when the quote was re-anchored approximately.
    pub fuzzy: Option<usize>,
    /// Markdown, with its position in the annotation file (for `[[id]]` errors).
    pub body: Spanned<String>,
    pub correct: Option<String>,
    pub rating: Option<String>,
    pub claimant: Option<Spanned<String>>,
}

/// An explicit `[[mention]]`, anchored.
#[derive(Debug, Clone)]
pub struct ExplicitMention {
    pub entity: Spanned<String>,
    pub range: Range<usize>,
    pub ignore: bool,
}

/// An article after parsing and anchoring, before ids are resolved.
#[derive(Debug, Clone)]
pub struct AnnotatedArticle {
    pub id: String,
    pub format: Format,
    pub source_path: PathBuf,
    pub annotation_path: Option<PathBuf>,
    pub meta: ArticleMeta,
    pub document: Document,
    /// Sorted by position.
    pub notes: Vec<Note>,
    pub mentions: Vec<ExplicitMention>,
    pub see_also: Vec<SeeAlsoSpec>,
}

/// Parses and anchors one article. Problems are returned as diagnostics; the article
/// is always returned, with what could be anchored (a bad quote drops only that note).
pub fn annotate_article(source: &ArticleSource) -> (AnnotatedArticle, Vec<Diagnostic>) {
    let (article, diagnostics, _) = annotate_with_overrides(source);
    (article, diagnostics)
}

/// [`annotate_article`], also handing back the annotation file's `[parse]` overrides
/// (empty when it has none or does not parse), for `gloss check` to lint without
/// parsing the file again.
pub fn annotate_with_overrides(
    source: &ArticleSource,
) -> (AnnotatedArticle, Vec<Diagnostic>, ParseOverrides) {
    let mut diagnostics = Vec::new();
    // A broken annotation file is reported, and the article still goes on with no
    // annotations: dropping it would make every `[[id]]` and `see_also` pointing at it
    // an error too, burying the real one.
    let file = match &source.annotation {
        None => AnnotationFile::default(),
        Some(annotation) => AnnotationFile::parse(&annotation.path, &annotation.text)
            .unwrap_or_else(|diagnostic| {
                diagnostics.push(diagnostic);
                AnnotationFile::default()
            }),
    };
    let mut document = match source.format {
        Format::Text => parse::parse_text(&source.source.text, &file.parse),
        Format::Markdown => parse::parse_markdown(&source.source.text, &file.parse),
    };
    document.compact();
    let annotation_path = source.annotation.as_ref().map(|a| a.path.clone());
    let mut anchorer = Anchorer {
        document: &document,
        text: document.text(),
        normalized: OnceCell::new(),
        article_path: &source.source.path,
        annotation_path: annotation_path.clone().unwrap_or_default(),
        diagnostics: &mut diagnostics,
    };
    let mut notes = anchorer.notes(&file);
    let mentions = anchorer.mentions(&file.mention);
    notes.sort_by_key(|note| (note.range.start, std::cmp::Reverse(note.range.end)));
    for (index, note) in notes.iter_mut().enumerate() {
        note.number = index + 1;
    }
    // Held until the article's pages are rendered: without the room the list grew
    // into (a note is 248 bytes; three notes had room for four).
    let notes = crate::model::exact_size(notes);
    // Anchoring was the last stage to read the text as it went. From here the article
    // mostly waits, with every other article of the archive, for its mentions to be
    // found and its pages rendered (which read the text once each), so its text is
    // held compressed.
    document.pack();
    let article = AnnotatedArticle {
        id: source.id.clone(),
        format: source.format,
        source_path: source.source.path.clone(),
        annotation_path,
        meta: file.article,
        document,
        notes,
        mentions,
        see_also: file.see_also,
    };
    (article, diagnostics, file.parse)
}

/// Anchors quotes of one annotation file and turns failures into diagnostics.
struct Anchorer<'a> {
    document: &'a Document,
    /// The document's text (borrowed: the document is packed only after anchoring).
    text: Cow<'a, str>,
    /// The document's text normalised for matching: built once, at the first quote,
    /// and shared by every quote of the file (building it per quote was the largest
    /// single cost of parsing and anchoring).
    normalized: OnceCell<NormalizedText>,
    article_path: &'a PathBuf,
    annotation_path: PathBuf,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl Anchorer<'_> {
    fn notes(&mut self, file: &AnnotationFile) -> Vec<Note> {
        let mut notes = Vec::new();
        for spec in &file.note {
            let quote = text_quote(&spec.quote, spec.prefix.as_ref(), spec.suffix.as_ref());
            if let Some((range, fuzzy)) = self.locate(&spec.quote, &quote) {
                if spec.correct.is_some() && *spec.kind.get_ref() != NoteKind::Correction {
                    self.diagnostics.push(
                        Diagnostic::warning(
                            &self.annotation_path,
                            "`correct` is only shown on notes of kind `correction`",
                        )
                        .with_span(Some(spec.kind.span())),
                    );
                }
                notes.push(Note {
                    number: 0,
                    kind: NoteType::Note(*spec.kind.get_ref()),
                    range,
                    fuzzy,
                    body: spec.body.clone(),
                    correct: spec.correct.clone(),
                    rating: None,
                    claimant: None,
                });
            }
        }
        for spec in &file.claim {
            let quote = text_quote(&spec.quote, spec.prefix.as_ref(), spec.suffix.as_ref());
            if let Some((range, fuzzy)) = self.locate(&spec.quote, &quote) {
                notes.push(Note {
                    number: 0,
                    kind: NoteType::Claim,
                    range,
                    fuzzy,
                    body: spec.body.clone(),
                    correct: None,
                    rating: Some(spec.rating.clone()),
                    claimant: spec.claimant.clone(),
                });
            }
        }
        notes
    }

    fn mentions(&mut self, specs: &[MentionSpec]) -> Vec<ExplicitMention> {
        let mut mentions = Vec::new();
        for spec in specs {
            let quote = text_quote(&spec.quote, spec.prefix.as_ref(), spec.suffix.as_ref());
            if let Some((range, _)) = self.locate(&spec.quote, &quote) {
                mentions.push(ExplicitMention {
                    entity: spec.entity.clone(),
                    range,
                    ignore: spec.ignore,
                });
            }
        }
        mentions
    }

    /// Finds a quote, reporting ambiguity, absence and approximate matches.
    fn locate(
        &mut self,
        written: &Spanned<String>,
        quote: &TextQuote,
    ) -> Option<(Range<usize>, Option<usize>)> {
        let text = &self.text;
        let span = Some(written.span());
        let normalized = self.normalized.get_or_init(|| NormalizedText::new(text));
        match normalized.anchor(quote) {
            Ok(Anchor {
                range,
                how: Anchored::Exactly,
            }) => Some((range, None)),
            Ok(Anchor {
                range,
                how: Anchored::Fuzzily { errors },
            }) => {
                self.diagnostics.push(
                    Diagnostic::warning(
                        &self.annotation_path,
                        format!(
                            "quote not found exactly in `{}`; re-anchored approximately ({errors} {}) at line {}",
                            self.article_path.display(),
                            if errors == 1 { "edit" } else { "edits" },
                            self.source_line(range.start),
                        ),
                    )
                    .with_span(span)
                    .with_note(format!(
                        "now anchored to: “{}”",
                        quote_passage(&text[range.clone()])
                    ))
                    .with_hint("update the quote to the article's current wording"),
                );
                Some((range, Some(errors)))
            }
            Err(AnchorError::Empty) => {
                self.diagnostics.push(
                    Diagnostic::error(&self.annotation_path, "quote is empty").with_span(span),
                );
                None
            }
            Err(AnchorError::Ambiguous { occurrences }) => {
                let mut diagnostic = Diagnostic::error(
                    &self.annotation_path,
                    format!(
                        "quote occurs {} times in `{}`",
                        occurrences.len(),
                        self.article_path.display()
                    ),
                )
                .with_span(span)
                .with_hint(
                    "add `prefix` or `suffix` with the words just before or after the one you mean",
                );
                for range in &occurrences {
                    diagnostic = diagnostic.with_note(format!(
                        "line {}: …{}…",
                        self.source_line(range.start),
                        context_around(text, range)
                    ));
                }
                self.diagnostics.push(diagnostic);
                None
            }
            Err(AnchorError::NotFound { closest }) => {
                self.diagnostics
                    .push(self.not_found(written, span, closest));
                None
            }
        }
    }

    fn not_found(
        &self,
        written: &Spanned<String>,
        span: Option<Range<usize>>,
        closest: Option<Range<usize>>,
    ) -> Diagnostic {
        let mut diagnostic = Diagnostic::error(
            &self.annotation_path,
            format!("quote not found in `{}`", self.article_path.display()),
        )
        .with_span(span);
        let wanted = written.get_ref().trim();
        if let Some(removed) = self
            .document
            .removed()
            .iter()
            .find(|r| r.text.contains(wanted))
        {
            return diagnostic
                .with_note(format!(
                    "it is in line {} of the source, which the parser removed as {}",
                    removed.line,
                    removed.reason.describe()
                ))
                .with_hint(
                    "add the line to `[parse] keep` to restore it, or annotate another passage",
                );
        }
        if let Some(range) = closest {
            diagnostic = diagnostic
                .with_note(format!(
                    "closest passage, line {}: “{}”",
                    self.source_line(range.start),
                    quote_passage(&self.text[range])
                ))
                .with_hint("copy the quote from the article exactly");
        }
        diagnostic
    }

    /// The source line of a text offset (via the block it falls in).
    fn source_line(&self, offset: usize) -> usize {
        self.document
            .blocks()
            .iter()
            .rev()
            .find(|block| block.range.start <= offset)
            .map_or(1, |block| block.source_line)
    }
}

fn text_quote(
    exact: &Spanned<String>,
    prefix: Option<&String>,
    suffix: Option<&String>,
) -> TextQuote {
    TextQuote {
        exact: exact.get_ref().clone(),
        prefix: prefix.cloned(),
        suffix: suffix.cloned(),
    }
}

/// Up to ~30 characters either side of a range, for ambiguity messages.
fn context_around(text: &str, range: &Range<usize>) -> String {
    let start = text[..range.start]
        .char_indices()
        .rev()
        .nth(30)
        .map_or(0, |(i, _)| i);
    let end = text[range.end..]
        .char_indices()
        .nth(30)
        .map_or(text.len(), |(i, _)| range.end + i);
    quote_passage(&text[start..end])
}
