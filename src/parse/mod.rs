//! Stage 1, parse: turns an article's source text into a [`Document`].
//!
//! A document is one plain-text string plus a list of blocks and inline spans that
//! point into it by byte range. Everything later works on ranges of that string:
//! anchoring a note is finding a range, a mention is a range, rendering walks each
//! block's range and opens and closes markup at range boundaries. The same string is
//! published as `text.txt`, so the W3C export's `TextPositionSelector`s can be checked
//! by anyone.

mod markdown;
mod text;

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

pub use markdown::{parse_markdown, unmatched_markdown_overrides};
pub use text::{parse_text, unmatched_text_overrides};

/// Which parser an article goes through, decided by its file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Text,
    Markdown,
}

/// Editor overrides of the parser's decisions, from an annotation's `[parse]` table.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParseOverrides {
    /// Lines to remove although the heuristics would keep them (compared after trimming).
    #[serde(default)]
    pub drop: Vec<String>,
    /// Lines to keep although the heuristics would remove them (compared after trimming).
    #[serde(default)]
    pub keep: Vec<String>,
}

/// A parsed article.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    /// The headline, as found in the source (site-name suffixes like "| FRIDAY DIGITAL"
    /// stripped). Not part of [`Document::text`].
    pub title: Option<String>,
    /// A standfirst/deck under the headline, if the source has one.
    pub standfirst: Option<String>,
    /// "By …" / "Interview and text by …" line, if found. Not part of the text.
    pub byline: Option<String>,
    /// The body's plain text: each block's text, blocks separated by "\n\n". Read it
    /// with [`Document::text`]: once the article is linked it is held compressed.
    text: BodyText,
    /// Body blocks in reading order; their ranges index [`Document::text`] and do not
    /// overlap.
    pub blocks: Vec<Block>,
    /// Every source line the parser removed, in source order.
    pub removed: Vec<RemovedLine>,
}

/// One block of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    /// Byte range of this block's text in [`Document::text`].
    pub range: Range<usize>,
    /// Inline markup inside the block (Markdown only), ranges in [`Document::text`],
    /// each within `range`; properly nested, sorted by start then by length (longest
    /// first).
    pub inlines: Vec<Inline>,
    /// 1-based line in the source file where the block starts.
    pub source_line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockKind {
    Paragraph,
    /// `level` 2..=6 (the title is the only level 1).
    Heading {
        level: u8,
    },
    /// A photo caption ("Photo/Illustration …", "FILE PHOTO: …", "… (File photo ©Reuters)").
    Caption,
    /// A pull quote or a short quoted line set apart from the paragraphs.
    PullQuote,
    /// A paragraph inside a Markdown block quote.
    BlockQuote,
    /// An item of a list. Consecutive items with the same `list` id form one list.
    ListItem {
        list: u32,
        ordered: bool,
        /// The first number of an ordered list.
        start: Option<u64>,
        /// Nesting depth, 0 for a top-level list.
        depth: u8,
    },
    /// A fenced or indented code block; its text is the code.
    Code {
        language: Option<String>,
    },
    /// A cell of a Markdown table. Consecutive cells with the same `table` id form one
    /// table; `row` 0 is the header row.
    TableCell {
        table: u32,
        row: u32,
        header: bool,
        align: Align,
    },
    /// The text of a Markdown footnote definition.
    Footnote {
        label: String,
    },
    /// A thematic break; its range is empty.
    Rule,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    None,
    Left,
    Center,
    Right,
}

/// Inline markup over a range of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inline {
    pub range: Range<usize>,
    pub kind: InlineKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InlineKind {
    Emphasis,
    Strong,
    Strikethrough,
    Code,
    Link {
        href: String,
        title: String,
    },
    /// An image; its range covers the alt text.
    Image {
        src: String,
        title: String,
    },
    /// A footnote reference; its range is empty.
    FootnoteRef {
        label: String,
    },
    /// A hard line break; its range covers the "\n" in the text.
    LineBreak,
}

/// A source line the parser left out of the body, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RemovedLine {
    /// 1-based line number in the source file.
    pub line: usize,
    /// The line as it was (trimmed).
    pub text: String,
    pub reason: RemovalReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RemovalReason {
    /// Social sharing buttons ("Share on Twitter").
    Share,
    /// Advertising ("Advertisement", "Sponsored").
    Advertisement,
    /// Site navigation, section lists, "Follow our news".
    Navigation,
    /// Newsletter sign-up and its small print.
    Newsletter,
    /// Copyright and legal footers.
    Copyright,
    /// "Related Articles", "Also worth reading", "RELATED:" and the lists under them.
    Related,
    /// Browser-support, cookie and JavaScript notices.
    Notice,
    /// Photo-gallery furniture ("Photo Gallery3 total").
    Gallery,
    /// Comment-section furniture ("Comments are closed.").
    Comments,
    /// Language switchers ("Read this page in Japanese").
    Language,
    /// A paragraph that repeats the one before it (or a repeated sentence inside it).
    Duplicate,
    /// A repeat of the headline inside the body.
    RepeatedTitle,
    /// Removed because the annotation's `[parse] drop` names it.
    Dropped,
}

impl RemovalReason {
    /// Words for the "Removed from the source" section.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Share => "share buttons",
            Self::Advertisement => "advertisement",
            Self::Navigation => "site navigation",
            Self::Newsletter => "newsletter sign-up",
            Self::Copyright => "copyright footer",
            Self::Related => "related-articles list",
            Self::Notice => "browser or cookie notice",
            Self::Gallery => "photo-gallery furniture",
            Self::Comments => "comment-section furniture",
            Self::Language => "language switcher",
            Self::Duplicate => "duplicated text",
            Self::RepeatedTitle => "repeated headline",
            Self::Dropped => "dropped by the editor",
        }
    }
}

/// A document's body text: as built while the article is parsed and anchored, then
/// LZ4-compressed ([`Document::pack`]) for the time between linking and rendering,
/// when a build holds every article of the archive at once. Body text was half of a
/// linked archive's memory; compressed, it takes about 0.6 of its size (English
/// prose, each article on its own), and a page decompresses it at several GB/s.
#[derive(Clone, PartialEq, Eq)]
enum BodyText {
    Plain(String),
    /// `lz4_flex` block format, its length in bytes first.
    Packed(Box<[u8]>),
}

impl Default for BodyText {
    fn default() -> Self {
        Self::Plain(String::new())
    }
}

impl fmt::Debug for BodyText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Plain(text) => text.fmt(f),
            Self::Packed(bytes) => write!(f, "<{} bytes packed>", bytes.len()),
        }
    }
}

impl Document {
    /// A document of a body text and its blocks (whose ranges index the text).
    pub fn new(text: String, blocks: Vec<Block>) -> Self {
        Self {
            text: BodyText::Plain(text),
            blocks,
            ..Self::default()
        }
    }

    /// The body's plain text: borrowed, or decompressed when the document is packed
    /// (so a page that reads it often should read it once).
    pub fn text(&self) -> Cow<'_, str> {
        match &self.text {
            BodyText::Plain(text) => Cow::Borrowed(text),
            // Only `pack` makes these bytes, from a `String`: they always decompress
            // to valid UTF-8. The fallback is never taken.
            BodyText::Packed(bytes) => Cow::Owned(
                lz4_flex::block::decompress_size_prepended(bytes)
                    .ok()
                    .and_then(|bytes| String::from_utf8(bytes).ok())
                    .unwrap_or_default(),
            ),
        }
    }

    /// The body text's length in bytes, without decompressing it.
    pub fn text_len(&self) -> usize {
        match &self.text {
            BodyText::Plain(text) => text.len(),
            BodyText::Packed(bytes) => bytes
                .first_chunk::<4>()
                .map_or(0, |length| u32::from_le_bytes(*length) as usize),
        }
    }

    /// Compresses the body text, for as long as the document is only kept (a linked
    /// archive waiting to be rendered). Reading it stays the same, through
    /// [`Document::text`].
    pub fn pack(&mut self) {
        if let BodyText::Plain(text) = &self.text {
            let packed = lz4_flex::block::compress_prepend_size(text.as_bytes());
            // A fresh copy of exactly the packed length: the compressor shrinks its
            // worst-case buffer with `shrink_to_fit`, which mimalloc does in place
            // (keeping the whole block) when it shrinks by less than half.
            self.text = BodyText::Packed(Box::from(packed.as_slice()));
        }
    }

    /// Gives the text and the block list allocations of exactly their length. They
    /// grow by doubling while the parser builds them, and a build holds every
    /// article's document until its pages are rendered: the slack was about a third
    /// of the text's memory. Fresh copies, because `shrink_to_fit` is a `realloc`, and
    /// mimalloc keeps a block in place when it shrinks by less than half.
    pub fn compact(&mut self) {
        if let BodyText::Plain(text) = &mut self.text {
            if text.capacity() > text.len() {
                *text = text.as_str().to_owned();
            }
        }
        if self.blocks.capacity() > self.blocks.len() {
            self.blocks = self.blocks.clone();
        }
    }

    /// The text of a document not packed, borrowed (the parsers' tests).
    #[cfg(test)]
    pub fn plain_text(&self) -> &str {
        match &self.text {
            BodyText::Plain(text) => text,
            BodyText::Packed(_) => panic!("plain_text of a packed document"),
        }
    }

    /// The text of a block, of a document not packed (the parsers' tests).
    #[cfg(test)]
    pub fn block_text(&self, block: &Block) -> &str {
        &self.plain_text()[block.range.clone()]
    }
}

/// Builds a [`Document`]'s text block by block, keeping ranges consistent.
#[derive(Debug, Default)]
pub(crate) struct TextBuilder {
    pub(crate) text: String,
    pub(crate) blocks: Vec<Block>,
}

impl TextBuilder {
    /// Starts a new block and returns the byte offset where its text begins.
    pub(crate) fn begin_block(&mut self) -> usize {
        if !self.blocks.is_empty() {
            self.text.push_str("\n\n");
        }
        self.text.len()
    }

    /// Appends a whole block of plain text.
    pub(crate) fn push_block(&mut self, kind: BlockKind, text: &str, source_line: usize) {
        let start = self.begin_block();
        self.text.push_str(text);
        self.blocks.push(Block {
            kind,
            range: start..self.text.len(),
            inlines: Vec::new(),
            source_line,
        });
    }
}

#[cfg(test)]
mod pack_tests {
    use super::*;

    #[test]
    fn a_packed_document_reads_the_same_text() {
        let text = "Izium, «Харків» — 東京.\n\nA second paragraph, repeated, repeated, repeated.";
        let mut document = Document::new(text.to_owned(), Vec::new());
        assert!(matches!(document.text(), Cow::Borrowed(_)));
        document.pack();
        assert!(matches!(document.text, BodyText::Packed(_)));
        assert!(matches!(document.text(), Cow::Owned(_)));
        assert_eq!(document.text(), text);
        assert_eq!(document.text_len(), text.len());
        // Packing again changes nothing; an empty text packs too.
        let packed = document.clone();
        document.pack();
        assert_eq!(document, packed);
        let mut empty = Document::default();
        empty.pack();
        assert_eq!(empty.text(), "");
        assert_eq!(empty.text_len(), 0);
    }

    #[test]
    fn packing_makes_prose_smaller() {
        let text = "The volunteers said they had come to fight for Ukraine. ".repeat(40);
        let mut document = Document::new(text.clone(), Vec::new());
        document.pack();
        let BodyText::Packed(bytes) = &document.text else {
            panic!("packed");
        };
        assert!(bytes.len() < text.len() / 4, "{} bytes", bytes.len());
    }
}
