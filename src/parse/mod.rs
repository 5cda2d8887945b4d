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
    /// The body: its plain text, blocks and removed lines. Read it with
    /// [`Document::text`], [`Document::blocks`], [`Document::removed`] or
    /// [`Document::body`]: once the article is anchored it is held compressed.
    body: Body,
}

/// One block of the body.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Align {
    #[default]
    None,
    Left,
    Center,
    Right,
}

/// Inline markup over a range of the text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Inline {
    pub range: Range<usize>,
    pub kind: InlineKind,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RemovedLine {
    /// 1-based line number in the source file.
    pub line: usize,
    /// The line as it was (trimmed).
    pub text: String,
    pub reason: RemovalReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
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

/// A document's body: as built while the article is parsed and anchored, then
/// serialised and LZ4-compressed ([`Document::pack`]) for the time between anchoring
/// and rendering, when a build holds every article of the archive at once. The text
/// was half of a linked archive's memory and the blocks a tenth; packed, they take
/// about 0.6 of the text's size (English prose, each article on its own), and a
/// 10,000-article build took no longer.
#[derive(Clone, Default, PartialEq, Eq)]
struct Body {
    /// The parts, while not packed (empty when packed).
    plain: BodyParts,
    /// `lz4_flex` block format (its length first) of the postcard encoding of the
    /// parts, the text first (so the text alone can be read without the rest).
    packed: Option<Box<[u8]>>,
}

/// The parts of a document's body.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BodyParts {
    /// Each block's text, blocks separated by "\n\n".
    pub text: String,
    /// Body blocks in reading order; their ranges index `text` and do not overlap.
    pub blocks: Vec<Block>,
    /// Every source line the parser removed, in source order.
    pub removed: Vec<RemovedLine>,
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.packed {
            None => self.plain.fmt(f),
            Some(bytes) => write!(f, "<{} bytes packed>", bytes.len()),
        }
    }
}

/// Packed bytes, decompressed. Only `pack` makes them, so they always decompress
/// and decode; were they ever not to, the body would read as empty.
fn decompress(packed: &[u8]) -> Vec<u8> {
    lz4_flex::block::decompress_size_prepended(packed).unwrap_or_default()
}

fn unpack(packed: &[u8]) -> BodyParts {
    postcard::from_bytes(&decompress(packed)).unwrap_or_default()
}

impl Document {
    /// A document of a body text and its blocks (whose ranges index the text).
    pub fn new(text: String, blocks: Vec<Block>) -> Self {
        let mut document = Self::default();
        document.body.plain = BodyParts {
            text,
            blocks,
            removed: Vec::new(),
        };
        document
    }

    /// The body's plain text: borrowed, or decompressed when the document is packed
    /// (a page that needs more than the text should call [`Document::body`] once).
    pub fn text(&self) -> Cow<'_, str> {
        match &self.body.packed {
            None => Cow::Borrowed(&self.body.plain.text),
            Some(packed) => {
                let bytes = decompress(packed);
                let text = postcard::take_from_bytes::<String>(&bytes).map(|(text, _)| text);
                Cow::Owned(text.unwrap_or_default())
            }
        }
    }

    /// Feeds `hasher` what identifies the body: its packed bytes once packed (the
    /// same parts always pack to the same bytes, and hashing them spares
    /// decompressing every article to fingerprint it), its text before. Two hashes
    /// agree only between documents in the same state, as in every build.
    pub fn hash_body<H: std::hash::Hasher>(&self, hasher: &mut H) {
        use std::hash::Hash;
        match &self.body.packed {
            Some(packed) => packed.hash(hasher),
            None => self.body.plain.text.hash(hasher),
        }
    }

    /// The body's blocks.
    pub fn blocks(&self) -> Cow<'_, [Block]> {
        match &self.body.packed {
            None => Cow::Borrowed(&self.body.plain.blocks),
            Some(packed) => Cow::Owned(unpack(packed).blocks),
        }
    }

    /// The source lines the parser removed.
    pub fn removed(&self) -> Cow<'_, [RemovedLine]> {
        match &self.body.packed {
            None => Cow::Borrowed(&self.body.plain.removed),
            Some(packed) => Cow::Owned(unpack(packed).removed),
        }
    }

    /// The whole body, unpacked once.
    pub fn body(&self) -> Cow<'_, BodyParts> {
        match &self.body.packed {
            None => Cow::Borrowed(&self.body.plain),
            Some(packed) => Cow::Owned(unpack(packed)),
        }
    }

    /// Compresses the body, for as long as the document is only kept (an archive
    /// waiting to be linked and rendered). Reading it stays the same, through
    /// [`Document::text`] and the others.
    pub fn pack(&mut self) {
        if self.body.packed.is_some() {
            return;
        }
        // Postcard cannot fail on these types (no maps, nothing unsized); if it did,
        // the body would simply stay unpacked.
        if let Ok(encoded) = postcard::to_allocvec(&self.body.plain) {
            let packed = lz4_flex::block::compress_prepend_size(&encoded);
            // A fresh copy of exactly the packed length: the compressor shrinks its
            // worst-case buffer with `shrink_to_fit`, which mimalloc does in place
            // (keeping the whole block) when it shrinks by less than half.
            self.body.packed = Some(Box::from(packed.as_slice()));
            self.body.plain = BodyParts::default();
        }
    }

    /// The body, for a parser to fill.
    pub(crate) fn parts_mut(&mut self) -> &mut BodyParts {
        if let Some(packed) = self.body.packed.take() {
            self.body.plain = unpack(&packed);
        }
        &mut self.body.plain
    }

    /// Gives the text and the block list allocations of exactly their length. They
    /// grow by doubling while the parser builds them, and anchoring reads them before
    /// they are packed. Fresh copies, because `shrink_to_fit` is a `realloc`, and
    /// mimalloc keeps a block in place when it shrinks by less than half.
    pub fn compact(&mut self) {
        let parts = self.parts_mut();
        if parts.text.capacity() > parts.text.len() {
            parts.text = parts.text.as_str().to_owned();
        }
        if parts.blocks.capacity() > parts.blocks.len() {
            parts.blocks = parts.blocks.clone();
        }
    }

    /// The body of a document not packed, borrowed (the parsers' tests).
    #[cfg(test)]
    pub fn plain(&self) -> &BodyParts {
        assert!(self.body.packed.is_none(), "plain() of a packed document");
        &self.body.plain
    }

    /// The text of a block, of a document not packed (the parsers' tests).
    #[cfg(test)]
    pub fn block_text(&self, block: &Block) -> &str {
        &self.plain().text[block.range.clone()]
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

    fn sample() -> Document {
        let text = "Izium, «Харків» — 東京.\n\nfn main() {}";
        let mut document = Document::new(
            text.to_owned(),
            vec![
                Block {
                    kind: BlockKind::Paragraph,
                    range: 0..30,
                    inlines: vec![Inline {
                        range: 0..5,
                        kind: InlineKind::Link {
                            href: "https://example.org/".to_owned(),
                            title: String::new(),
                        },
                    }],
                    source_line: 3,
                },
                Block {
                    kind: BlockKind::Code {
                        language: Some("rust".to_owned()),
                    },
                    range: 32..text.len(),
                    inlines: Vec::new(),
                    source_line: 5,
                },
            ],
        );
        document.parts_mut().removed.push(RemovedLine {
            line: 1,
            text: "Share on Twitter".to_owned(),
            reason: RemovalReason::Share,
        });
        document
    }

    #[test]
    fn a_packed_document_reads_the_same_body() {
        let plain = sample();
        assert!(matches!(plain.text(), Cow::Borrowed(_)));
        let mut packed = plain.clone();
        packed.pack();
        assert!(packed.body.packed.is_some());
        assert!(packed.body.plain.text.is_empty() && packed.body.plain.blocks.is_empty());
        assert!(matches!(packed.text(), Cow::Owned(_)));
        assert_eq!(packed.text(), plain.text());
        assert_eq!(packed.blocks(), plain.blocks());
        assert_eq!(packed.removed(), plain.removed());
        assert_eq!(packed.body().into_owned(), plain.body().into_owned());
        // Packing again changes nothing; a parser writing to it unpacks it first.
        let again = packed.clone();
        packed.pack();
        assert_eq!(packed, again);
        assert_eq!(*packed.parts_mut(), plain.body().into_owned());
        let mut empty = Document::default();
        empty.pack();
        assert_eq!(empty.text(), "");
        assert!(empty.blocks().is_empty());
    }

    #[test]
    fn packing_makes_prose_smaller() {
        let text = "The volunteers said they had come to fight for Ukraine. ".repeat(40);
        let mut document = Document::new(text.clone(), Vec::new());
        document.pack();
        let packed = document.body.packed.as_ref().map_or(0, |bytes| bytes.len());
        assert!(packed > 0 && packed < text.len() / 4, "{packed} bytes");
    }
}
