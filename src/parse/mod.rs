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
    /// The body's plain text: each block's text, blocks separated by "\n\n".
    pub text: String,
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

impl Document {
    /// Gives the text and the block list allocations of exactly their length. They
    /// grow by doubling while the parser builds them, and a build holds every
    /// article's document until its pages are rendered: the slack was about a third
    /// of the text's memory. Fresh copies, because `shrink_to_fit` is a `realloc`, and
    /// mimalloc keeps a block in place when it shrinks by less than half.
    pub fn compact(&mut self) {
        if self.text.capacity() > self.text.len() {
            self.text = self.text.as_str().to_owned();
        }
        if self.blocks.capacity() > self.blocks.len() {
            self.blocks = self.blocks.clone();
        }
    }

    /// The text of a block.
    pub fn block_text(&self, block: &Block) -> &str {
        &self.text[block.range.clone()]
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
