//! Parser for Markdown articles (`.md`), via pulldown-cmark.
//!
//! The event stream is flattened into the same model as scraped text: one block per
//! leaf (paragraph, heading, list-item paragraph, code block, table cell, …), inline
//! markup as ranges over the block's text. Decisions:
//!
//! - the first level-1 heading outside any container is the title (not in the text);
//!   later level-1 headings become level 2, since the title is the only level 1;
//! - a paragraph inside a list item is a `ListItem`, inside a block quote a
//!   `BlockQuote`, inside a footnote definition a `Footnote` (innermost container
//!   wins); an item with several paragraphs yields several `ListItem` blocks with the
//!   same list id;
//! - soft breaks become one space, hard breaks "\n" with a `LineBreak` span;
//! - raw HTML, inline or block, is kept as literal text (escaped when rendered):
//!   nothing in the source is silently dropped;
//! - smart punctuation is off: editors quote the source exactly;
//! - a first paragraph shaped like a byline ("By Jane Doe") becomes
//!   [`Document::byline`];
//! - `[parse] drop` removes whole leaf blocks whose text matches (reason `Dropped`,
//!   recorded with the block's first source line and its plain text); `keep` has
//!   nothing to override, as Markdown gets no boilerplate heuristics.

use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::text::{detect_byline, override_key};
use super::{
    Align, Block, BlockKind, Document, Inline, InlineKind, ParseOverrides, RemovalReason,
    RemovedLine, TextBuilder,
};

/// Parses a Markdown article.
pub fn parse_markdown(source: &str, overrides: &ParseOverrides) -> Document {
    Walker::run(source, overrides).0
}

/// The `[parse] drop` and `keep` entries that match no block of the source, for the
/// caller to warn about.
pub fn unmatched_markdown_overrides(source: &str, overrides: &ParseOverrides) -> Vec<String> {
    Walker::run(source, overrides).1
}

/// The pulldown-cmark extensions gloss supports (see DESIGN.md, "Articles").
fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH
}

/// A block-level container the walker is inside of.
#[derive(Debug)]
enum Container {
    Quote,
    List {
        id: u32,
        ordered: bool,
        start: Option<u64>,
    },
    Item,
    Footnote {
        label: String,
    },
    Table {
        id: u32,
        aligns: Vec<Align>,
        row: u32,
        column: usize,
        in_head: bool,
    },
}

/// The leaf block being filled.
#[derive(Debug)]
struct OpenBlock {
    /// `None` for the title, which is collected and then cut out of the text.
    kind: Option<BlockKind>,
    /// Where the block's text starts in the builder's text.
    start: usize,
    /// The text length before the block's separator, to undo a dropped block.
    rollback: usize,
    source_line: usize,
    inlines: Vec<(usize, Inline)>,
}

/// An inline span whose end has not been seen yet.
#[derive(Debug)]
struct OpenSpan {
    start: usize,
    order: usize,
    kind: InlineKind,
}

/// One `[parse]` override entry and whether any block matched it.
#[derive(Debug)]
struct Override {
    entry: String,
    key: String,
    used: bool,
}

impl Override {
    fn list(entries: &[String]) -> Vec<Self> {
        entries
            .iter()
            .map(|entry| Self {
                entry: entry.clone(),
                key: override_key(entry),
                used: false,
            })
            .collect()
    }

    /// Marks every entry equal to `key`; returns whether there was one.
    fn mark(list: &mut [Self], key: &str) -> bool {
        let mut found = false;
        for o in list.iter_mut().filter(|o| o.key == key) {
            o.used = true;
            found = true;
        }
        found
    }
}

/// Walks the event stream and builds the document.
struct Walker {
    /// Byte offsets where each source line starts.
    line_starts: Vec<usize>,
    builder: TextBuilder,
    document: Document,
    containers: Vec<Container>,
    open: Option<OpenBlock>,
    spans: Vec<OpenSpan>,
    /// Counter giving inlines a stable order among equal ranges (outer first).
    inline_order: usize,
    next_list: u32,
    next_table: u32,
    drops: Vec<Override>,
    keeps: Vec<Override>,
}

impl Walker {
    fn run(source: &str, overrides: &ParseOverrides) -> (Document, Vec<String>) {
        let source = source.strip_prefix('\u{feff}').unwrap_or(source);
        let mut walker = Walker {
            line_starts: line_starts(source),
            builder: TextBuilder::default(),
            document: Document::default(),
            containers: Vec::new(),
            open: None,
            spans: Vec::new(),
            inline_order: 0,
            next_list: 0,
            next_table: 0,
            drops: Override::list(&overrides.drop),
            keeps: Override::list(&overrides.keep),
        };
        for (event, range) in Parser::new_ext(source, options()).into_offset_iter() {
            walker.event(event, range.start);
        }
        walker.close_block();
        let unmatched = walker
            .drops
            .iter()
            .chain(&walker.keeps)
            .filter(|o| !o.used)
            .map(|o| o.entry.clone())
            .collect();
        let mut document = walker.document;
        let body = document.parts_mut();
        body.text = walker.builder.text;
        body.blocks = walker.builder.blocks;
        (document, unmatched)
    }

    /// 1-based line of a byte offset in the source.
    fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset)
    }

    fn event(&mut self, event: Event<'_>, offset: usize) {
        match event {
            Event::Start(tag) => self.start(tag, offset),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => self.text(&text, offset),
            Event::Code(code) => {
                self.ensure_open(offset);
                let start = self.builder.text.len();
                self.builder.text.push_str(&code);
                self.push_inline(start, InlineKind::Code);
            }
            // Raw HTML is shown as the text it is, never passed through.
            Event::Html(html) | Event::InlineHtml(html) => self.text(&html, offset),
            Event::InlineMath(math) | Event::DisplayMath(math) => self.text(&math, offset),
            Event::FootnoteReference(label) => {
                self.ensure_open(offset);
                let start = self.builder.text.len();
                self.push_inline(
                    start,
                    InlineKind::FootnoteRef {
                        label: label.to_string(),
                    },
                );
            }
            Event::SoftBreak => self.text(" ", offset),
            Event::HardBreak => {
                self.ensure_open(offset);
                let start = self.builder.text.len();
                self.builder.text.push('\n');
                self.push_inline(start, InlineKind::LineBreak);
            }
            Event::Rule => {
                self.close_block();
                let line = self.line_of(offset);
                self.builder.push_block(BlockKind::Rule, "", line);
            }
            Event::TaskListMarker(checked) => {
                self.text(if checked { "[x] " } else { "[ ] " }, offset);
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>, offset: usize) {
        match tag {
            Tag::Paragraph | Tag::HtmlBlock => {
                self.close_block();
                let kind = self.leaf_kind();
                self.open_block(Some(kind), offset);
            }
            Tag::Heading { level, .. } => {
                self.close_block();
                let is_title = level == HeadingLevel::H1
                    && self.document.title.is_none()
                    && self.containers.is_empty();
                let kind = (!is_title).then(|| BlockKind::Heading {
                    level: heading_level(level),
                });
                self.open_block(kind, offset);
            }
            Tag::CodeBlock(kind) => {
                self.close_block();
                let language = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split_whitespace()
                        .next()
                        .map(|l| l.trim_matches(|c| c == '{' || c == '}' || c == '.'))
                        .filter(|l| !l.is_empty())
                        .map(ToString::to_string),
                    CodeBlockKind::Indented => None,
                };
                self.open_block(Some(BlockKind::Code { language }), offset);
            }
            Tag::BlockQuote(_) => self.push_container(Container::Quote),
            Tag::List(start) => {
                let id = self.next_list;
                self.next_list += 1;
                self.push_container(Container::List {
                    id,
                    ordered: start.is_some(),
                    start,
                });
            }
            Tag::Item => self.push_container(Container::Item),
            Tag::FootnoteDefinition(label) => self.push_container(Container::Footnote {
                label: label.to_string(),
            }),
            Tag::Table(aligns) => {
                let id = self.next_table;
                self.next_table += 1;
                self.push_container(Container::Table {
                    id,
                    aligns: aligns.into_iter().map(align).collect(),
                    row: 0,
                    column: 0,
                    in_head: false,
                });
            }
            Tag::TableHead => self.with_table(|row, column, in_head| {
                *row = 0;
                *column = 0;
                *in_head = true;
            }),
            Tag::TableRow => self.with_table(|_, column, _| *column = 0),
            Tag::TableCell => {
                self.close_block();
                let kind = self.table_cell_kind();
                self.open_block(Some(kind), offset);
            }
            Tag::Emphasis => self.open_span(InlineKind::Emphasis, offset),
            Tag::Strong => self.open_span(InlineKind::Strong, offset),
            Tag::Strikethrough => self.open_span(InlineKind::Strikethrough, offset),
            Tag::Link {
                dest_url, title, ..
            } => self.open_span(
                InlineKind::Link {
                    href: dest_url.to_string(),
                    title: title.to_string(),
                },
                offset,
            ),
            Tag::Image {
                dest_url, title, ..
            } => self.open_span(
                InlineKind::Image {
                    src: dest_url.to_string(),
                    title: title.to_string(),
                },
                offset,
            ),
            // Not enabled by `options()`; treated as plain containers of their text.
            Tag::Superscript
            | Tag::Subscript
            | Tag::MetadataBlock(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::CodeBlock
            | TagEnd::HtmlBlock
            | TagEnd::TableCell => {
                self.close_block();
                if tag == TagEnd::TableCell {
                    self.with_table(|_, column, _| *column += 1);
                }
            }
            TagEnd::BlockQuote(_)
            | TagEnd::List(_)
            | TagEnd::Item
            | TagEnd::FootnoteDefinition
            | TagEnd::Table => {
                self.close_block();
                self.containers.pop();
            }
            TagEnd::TableHead => self.with_table(|row, _, in_head| {
                *row = 1;
                *in_head = false;
            }),
            TagEnd::TableRow => self.with_table(|row, _, _| *row += 1),
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Link
            | TagEnd::Image => self.close_span(),
            TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::MetadataBlock(_)
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition => {}
        }
    }

    /// Appends text to the open block (opening one if text arrives bare, as in a tight
    /// list item).
    fn text(&mut self, text: &str, offset: usize) {
        self.ensure_open(offset);
        let in_code = matches!(
            self.open.as_ref().and_then(|o| o.kind.as_ref()),
            Some(BlockKind::Code { .. })
        );
        if in_code {
            self.builder.text.push_str(&text.replace("\r\n", "\n"));
        } else {
            self.builder.text.push_str(text);
        }
    }

    fn push_container(&mut self, container: Container) {
        self.close_block();
        self.containers.push(container);
    }

    /// Runs `f` on the innermost table's row/column state, if inside a table.
    fn with_table(&mut self, f: impl FnOnce(&mut u32, &mut usize, &mut bool)) {
        let table = self.containers.iter_mut().rev().find_map(|c| match c {
            Container::Table {
                row,
                column,
                in_head,
                ..
            } => Some((row, column, in_head)),
            _ => None,
        });
        if let Some((row, column, in_head)) = table {
            f(row, column, in_head);
        }
    }

    /// The kind of a paragraph-like block here: the innermost container decides.
    fn leaf_kind(&self) -> BlockKind {
        for (i, container) in self.containers.iter().enumerate().rev() {
            match container {
                Container::Item => return self.list_item_kind(i),
                Container::Quote => return BlockKind::BlockQuote,
                Container::Footnote { label } => {
                    return BlockKind::Footnote {
                        label: label.clone(),
                    }
                }
                Container::List { .. } | Container::Table { .. } => {}
            }
        }
        BlockKind::Paragraph
    }

    /// A list item inside the item container at `item_index`.
    fn list_item_kind(&self, item_index: usize) -> BlockKind {
        let enclosing = &self.containers[..item_index];
        let lists = enclosing
            .iter()
            .filter(|c| matches!(c, Container::List { .. }))
            .count();
        let depth = u8::try_from(lists.saturating_sub(1)).unwrap_or(u8::MAX);
        let list = enclosing.iter().rev().find_map(|c| match c {
            Container::List { id, ordered, start } => Some((*id, *ordered, *start)),
            _ => None,
        });
        let (list, ordered, start) = list.unwrap_or((0, false, None));
        BlockKind::ListItem {
            list,
            ordered,
            start,
            depth,
        }
    }

    fn table_cell_kind(&self) -> BlockKind {
        let table = self.containers.iter().rev().find_map(|c| match c {
            Container::Table {
                id,
                aligns,
                row,
                column,
                in_head,
            } => Some(BlockKind::TableCell {
                table: *id,
                row: *row,
                header: *in_head,
                align: aligns.get(*column).copied().unwrap_or_default(),
            }),
            _ => None,
        });
        table.unwrap_or(BlockKind::Paragraph)
    }

    /// Opens a leaf block; `None` is the title.
    fn open_block(&mut self, kind: Option<BlockKind>, offset: usize) {
        let rollback = self.builder.text.len();
        let start = if kind.is_some() {
            self.builder.begin_block()
        } else {
            rollback
        };
        self.open = Some(OpenBlock {
            kind,
            start,
            rollback,
            source_line: self.line_of(offset),
            inlines: Vec::new(),
        });
    }

    fn ensure_open(&mut self, offset: usize) {
        if self.open.is_none() {
            let kind = self.leaf_kind();
            self.open_block(Some(kind), offset);
        }
    }

    fn open_span(&mut self, kind: InlineKind, offset: usize) {
        self.ensure_open(offset);
        self.spans.push(OpenSpan {
            start: self.builder.text.len(),
            order: self.inline_order,
            kind,
        });
        self.inline_order += 1;
    }

    fn close_span(&mut self) {
        if let Some(span) = self.spans.pop() {
            self.finish_span(span);
        }
    }

    fn finish_span(&mut self, span: OpenSpan) {
        let inline = Inline {
            range: span.start..self.builder.text.len(),
            kind: span.kind,
        };
        if let Some(open) = self.open.as_mut() {
            open.inlines.push((span.order, inline));
        }
    }

    /// Records an inline from `start` to the current end of the text.
    fn push_inline(&mut self, start: usize, kind: InlineKind) {
        let order = self.inline_order;
        self.inline_order += 1;
        self.finish_span(OpenSpan { start, order, kind });
    }

    /// Finishes the open block: the title is cut out, a dropped block is undone and
    /// recorded, a leading byline becomes metadata, anything else becomes a block.
    fn close_block(&mut self) {
        // Spans are always closed by their end events; this only guards malformed
        // streams so that no range can outlive its block.
        while let Some(span) = self.spans.pop() {
            self.finish_span(span);
        }
        let Some(open) = self.open.take() else {
            return;
        };
        let Some(kind) = open.kind else {
            let title = self.builder.text[open.start..].trim().to_string();
            self.builder.text.truncate(open.rollback);
            self.document.title = Some(title);
            return;
        };
        // Code and HTML blocks end with a newline; blocks are separated by "\n\n"
        // instead.
        let end = open.start
            + self.builder.text[open.start..]
                .trim_end_matches(['\n', '\r'])
                .len();
        self.builder.text.truncate(end);
        let plain = &self.builder.text[open.start..];
        let key = override_key(plain);
        Override::mark(&mut self.keeps, &key);
        if Override::mark(&mut self.drops, &key) {
            self.document.parts_mut().removed.push(RemovedLine {
                line: open.source_line,
                text: plain.trim().to_string(),
                reason: RemovalReason::Dropped,
            });
            self.builder.text.truncate(open.rollback);
            return;
        }
        if self.is_leading_byline(&kind) {
            if let Some(byline) = detect_byline(plain) {
                self.document.byline = Some(byline);
                self.builder.text.truncate(open.rollback);
                return;
            }
        }
        let mut inlines = open.inlines;
        for (_, inline) in &mut inlines {
            inline.range.end = inline.range.end.min(end);
            inline.range.start = inline.range.start.min(inline.range.end);
        }
        inlines.sort_by_key(|(order, inline)| {
            (
                inline.range.start,
                std::cmp::Reverse(inline.range.end),
                *order,
            )
        });
        self.builder.blocks.push(Block {
            kind,
            range: open.start..end,
            inlines: inlines.into_iter().map(|(_, inline)| inline).collect(),
            source_line: open.source_line,
        });
    }

    /// A top-level paragraph before any other block may be the byline.
    fn is_leading_byline(&self, kind: &BlockKind) -> bool {
        *kind == BlockKind::Paragraph
            && self.containers.is_empty()
            && self.builder.blocks.is_empty()
            && self.document.byline.is_none()
    }
}

/// Heading levels map to 2..=6: level 1 is reserved for the title.
fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 | HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn align(alignment: Alignment) -> Align {
    match alignment {
        Alignment::None => Align::None,
        Alignment::Left => Align::Left,
        Alignment::Center => Align::Center,
        Alignment::Right => Align::Right,
    }
}

/// Byte offsets where each line starts (line 1 at 0).
fn line_starts(source: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(source.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

#[cfg(test)]
mod tests;
