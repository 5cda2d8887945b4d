//! Stage 2, annotate: reads an article's annotation file and anchors its notes,
//! claims and explicit mentions to exact ranges of the parsed text.

pub mod anchor;
pub mod file;

pub use anchor::{anchor, Anchor, AnchorError, Anchored, TextQuote};
pub use file::{AnnotationFile, ArticleMeta, ClaimSpec, MentionSpec, NoteKind, NoteSpec, SeeAlsoSpec};
