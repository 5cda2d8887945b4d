//! The article body as HTML: blocks of the parsed document with inline markup, note
//! highlights (`<mark>`), note markers and mention links interleaved by range.
//!
//! All three are ranges over the same text, and they may overlap arbitrarily (a note
//! spanning a link and half of a bold phrase). HTML needs proper nesting, so at every
//! range boundary the writer closes what must close and reopens what continues: an
//! element cut in pieces shows as several adjacent elements, the way hypothes.is and
//! browsers' own highlight APIs do it.

use std::fmt::Write as _;
use std::ops::Range;

use crate::annotate::Note;
use crate::link::{Archive, Article, Mention};
use crate::parse::{Align, Block, BlockKind, BodyParts, InlineKind};

use super::highlight::Highlighter;
use super::html::{escape, push_escaped};
use super::markdown::MarkdownRenderer;

/// A span of the body to be wrapped in an element.
#[derive(Debug, Clone)]
struct Span<'a> {
    range: Range<usize>,
    element: Element<'a>,
}

#[derive(Debug, Clone)]
enum Element<'a> {
    Inline(&'a InlineKind),
    Note(&'a Note),
    Mention(&'a Mention),
    /// A mention that is not linked (site option, or inside a link): a `<span>` that
    /// still carries the mention's anchor id, so entity pages can point at it.
    MentionSpot(&'a Mention),
}

impl Element<'_> {
    /// Nesting preference when two spans start together and end together: links
    /// outside, then marks, then typographic markup.
    fn rank(&self) -> u8 {
        match self {
            Self::Inline(InlineKind::Link { .. }) | Self::Mention(_) | Self::MentionSpot(_) => 0,
            Self::Note(_) => 1,
            Self::Inline(_) => 2,
        }
    }

    fn is_anchor(&self) -> bool {
        matches!(
            self,
            Self::Inline(InlineKind::Link { .. }) | Self::Mention(_)
        )
    }
}

/// Options the site sets.
#[derive(Debug, Clone, Copy)]
pub struct BodyOptions {
    /// Link only the first mention of an entity in each block.
    pub first_mention_per_block: bool,
    /// Link mentions at all.
    pub link_mentions: bool,
}

/// Renders an article's body.
pub struct BodyWriter<'a> {
    archive: &'a Archive,
    article: &'a Article,
    /// The article's body (unpacked by the caller, once for the page).
    body: &'a BodyParts,
    options: BodyOptions,
    highlighter: &'a Highlighter,
    markdown: &'a MarkdownRenderer<'a>,
    /// Each note's body as HTML, in the order of the article's notes: rendered once
    /// by the caller for the sidenotes and the page's list of notes (sanitising it
    /// was 3% of a build's time when each rendered its own).
    note_html: &'a [String],
    /// Note numbers whose first piece has been written (it carries the id).
    started: Vec<bool>,
    /// Mention anchors already written (a split mention carries its id once).
    opened_anchors: std::collections::HashSet<String>,
    out: String,
}

impl<'a> BodyWriter<'a> {
    pub fn new(
        archive: &'a Archive,
        article: &'a Article,
        body: &'a BodyParts,
        options: BodyOptions,
        highlighter: &'a Highlighter,
        markdown: &'a MarkdownRenderer<'a>,
        note_html: &'a [String],
    ) -> Self {
        Self {
            archive,
            article,
            body,
            options,
            highlighter,
            markdown,
            note_html,
            started: vec![false; article.annotated.notes.len() + 1],
            opened_anchors: std::collections::HashSet::new(),
            out: String::with_capacity(body.text.len() * 2),
        }
    }

    /// The whole body.
    pub fn render(mut self) -> String {
        let parts = self.body;
        let mut index = 0;
        while index < parts.blocks.len() {
            index = self.container(parts, index);
        }
        self.footnotes(parts);
        self.out
    }

    /// Writes the block at `index` with any container it opens (list, table, block
    /// quote) and returns the index of the next block to write.
    fn container(&mut self, parts: &'a BodyParts, index: usize) -> usize {
        let block = &parts.blocks[index];
        match &block.kind {
            BlockKind::ListItem { .. } => self.list(parts, index),
            BlockKind::TableCell { table, .. } => self.table(parts, index, *table),
            BlockKind::BlockQuote => {
                self.out.push_str("<blockquote>\n");
                let mut next = index;
                while next < parts.blocks.len() && parts.blocks[next].kind == BlockKind::BlockQuote
                {
                    self.simple_block(&parts.blocks[next], "p", "");
                    next += 1;
                }
                self.out.push_str("</blockquote>\n");
                next
            }
            BlockKind::Footnote { .. } => index + 1,
            _ => {
                self.block(block);
                index + 1
            }
        }
    }

    fn block(&mut self, block: &'a Block) {
        match &block.kind {
            BlockKind::Paragraph => self.simple_block(block, "p", ""),
            BlockKind::Heading { level } => {
                let tag = format!("h{}", (*level).clamp(2, 6));
                self.simple_block(block, &tag, "");
            }
            BlockKind::Caption => self.simple_block(block, "p", " class=\"caption\""),
            BlockKind::PullQuote => {
                self.out.push_str("<blockquote class=\"pull-quote\">");
                self.simple_block(block, "p", "");
                self.out.push_str("</blockquote>\n");
            }
            BlockKind::Code { language } => self.code(block, language.as_deref()),
            BlockKind::Rule => self.out.push_str("<hr>\n"),
            // Containers are handled by `container`.
            BlockKind::BlockQuote
            | BlockKind::ListItem { .. }
            | BlockKind::TableCell { .. }
            | BlockKind::Footnote { .. } => {
                self.simple_block(block, "p", "");
            }
        }
    }

    /// `<tag attrs>inline content</tag>` followed by the sidenotes of notes ending in it.
    fn simple_block(&mut self, block: &'a Block, tag: &str, attributes: &str) {
        let _ = write!(self.out, "<{tag}{attributes}>");
        let ended = self.inline_content(block);
        let _ = writeln!(self.out, "</{tag}>");
        self.sidenotes(&ended);
    }

    fn list(&mut self, parts: &'a BodyParts, index: usize) -> usize {
        // Open and close lists as the depth changes; items nest inside the item above.
        let mut open: Vec<(u8, bool)> = Vec::new();
        let mut next = index;
        let BlockKind::ListItem { list: list_id, .. } = parts.blocks[index].kind else {
            return index + 1;
        };
        let mut pending_sidenotes: Vec<usize> = Vec::new();
        while let Some(block) = parts.blocks.get(next) {
            let BlockKind::ListItem {
                list,
                ordered,
                start,
                depth,
            } = block.kind
            else {
                break;
            };
            if list != list_id && depth == 0 {
                break;
            }
            while open.last().is_some_and(|(d, _)| *d > depth) {
                let (_, was_ordered) = open.pop().unwrap_or((0, false));
                let _ = write!(
                    self.out,
                    "</li></{}>",
                    if was_ordered { "ol" } else { "ul" }
                );
            }
            if open.last().is_some_and(|(d, _)| *d == depth) {
                self.out.push_str("</li>\n");
            } else {
                let tag = if ordered { "ol" } else { "ul" };
                match start {
                    Some(n) if ordered && n != 1 => {
                        let _ = write!(self.out, "<{tag} start=\"{n}\">");
                    }
                    _ => {
                        let _ = write!(self.out, "<{tag}>");
                    }
                }
                open.push((depth, ordered));
            }
            self.out.push_str("<li>");
            pending_sidenotes.extend(self.inline_content(block));
            next += 1;
        }
        while let Some((_, ordered)) = open.pop() {
            let _ = write!(self.out, "</li></{}>", if ordered { "ol" } else { "ul" });
        }
        self.out.push('\n');
        self.sidenotes(&pending_sidenotes);
        next
    }

    fn table(&mut self, parts: &'a BodyParts, index: usize, table_id: u32) -> usize {
        self.out.push_str("<div class=\"table-wrap\"><table>\n");
        let mut next = index;
        let mut row = None;
        let mut in_body = false;
        let mut ended = Vec::new();
        while let Some(block) = parts.blocks.get(next) {
            let BlockKind::TableCell {
                table,
                row: cell_row,
                header,
                align,
            } = block.kind
            else {
                break;
            };
            if table != table_id {
                break;
            }
            if row != Some(cell_row) {
                if row.is_some() {
                    self.out.push_str("</tr>\n");
                }
                if header && cell_row == 0 && row.is_none() {
                    self.out.push_str("<thead>");
                } else if !in_body {
                    if row.is_some() {
                        self.out.push_str("</thead>\n");
                    }
                    self.out.push_str("<tbody>");
                    in_body = true;
                }
                self.out.push_str("<tr>");
                row = Some(cell_row);
            }
            let tag = if header { "th" } else { "td" };
            let style = match align {
                Align::None => "",
                Align::Left => " style=\"text-align:left\"",
                Align::Center => " style=\"text-align:center\"",
                Align::Right => " style=\"text-align:right\"",
            };
            let _ = write!(self.out, "<{tag}{style}>");
            ended.extend(self.inline_content(block));
            let _ = write!(self.out, "</{tag}>");
            next += 1;
        }
        if row.is_some() {
            self.out.push_str("</tr>");
        }
        self.out
            .push_str(if in_body { "</tbody>" } else { "</thead>" });
        self.out.push_str("</table></div>\n");
        self.sidenotes(&ended);
        next
    }

    fn footnotes(&mut self, parts: &'a BodyParts) {
        let notes: Vec<&Block> = parts
            .blocks
            .iter()
            .filter(|b| matches!(b.kind, BlockKind::Footnote { .. }))
            .collect();
        if notes.is_empty() {
            return;
        }
        self.out
            .push_str("<section class=\"footnotes\" aria-label=\"Footnotes\"><ol>\n");
        for block in notes {
            let BlockKind::Footnote { label } = &block.kind else {
                continue;
            };
            let _ = write!(self.out, "<li id=\"fn-{}\">", escape(&footnote_id(label)));
            let ended = self.inline_content(block);
            let _ = writeln!(self.out, " <a href=\"#fnref-{}\" class=\"footnote-back\" aria-label=\"Back to text\">↩</a></li>", escape(&footnote_id(label)));
            self.sidenotes(&ended);
        }
        self.out.push_str("</ol></section>\n");
    }

    fn code(&mut self, block: &Block, language: Option<&str>) {
        let code = &self.body.text[block.range.clone()];
        let highlighted = self.highlighter.highlight(code, language);
        match language {
            Some(lang) => {
                let _ = write!(
                    self.out,
                    "<pre class=\"code\"><code class=\"language-{}\">",
                    escape(lang)
                );
            }
            None => self.out.push_str("<pre class=\"code\"><code>"),
        }
        self.out.push_str(&highlighted);
        self.out.push_str("</code></pre>\n");
        // Notes inside code cannot be highlighted without breaking the syntax
        // colouring; they get their marker and sidenote after the block.
        let ended: Vec<usize> = self
            .notes_in(&block.range)
            .filter(|n| n.range.end <= block.range.end)
            .map(|n| n.number)
            .collect();
        for &number in &ended {
            self.marker(number);
        }
        self.sidenotes(&ended);
    }

    fn notes_in<'n>(&'n self, range: &'n Range<usize>) -> impl Iterator<Item = &'a Note> + 'n {
        self.article.annotated.notes.iter().filter(move |n| {
            n.range.start < range.end && range.start < n.range.end.max(n.range.start + 1)
        })
    }

    /// Spans of the block, clipped to it, sorted outermost first.
    fn spans(&self, block: &'a Block) -> Vec<Span<'a>> {
        let range = &block.range;
        let clip = |r: &Range<usize>| r.start.max(range.start)..r.end.min(range.end);
        let mut spans: Vec<Span<'a>> = block
            .inlines
            .iter()
            .map(|inline| Span {
                range: inline.range.clone(),
                element: Element::Inline(&inline.kind),
            })
            .collect();
        let links: Vec<Range<usize>> = block
            .inlines
            .iter()
            .filter(|i| {
                matches!(
                    i.kind,
                    InlineKind::Link { .. } | InlineKind::Image { .. } | InlineKind::Code
                )
            })
            .map(|i| i.range.clone())
            .collect();
        for note in self.notes_in(range) {
            let clipped = clip(&note.range);
            if clipped.start < clipped.end {
                spans.push(Span {
                    range: clipped,
                    element: Element::Note(note),
                });
            }
        }
        let mut linked: Vec<usize> = Vec::new();
        for mention in self
            .article
            .mentions
            .iter()
            .filter(|m| m.range.start >= range.start && m.range.end <= range.end)
        {
            // Links cannot nest: a mention inside an article's own link (or code)
            // stays unlinked, as do those the site option leaves plain.
            let inside_link = links
                .iter()
                .any(|l| l.start < mention.range.end && mention.range.start < l.end);
            let repeated =
                self.options.first_mention_per_block && linked.contains(&mention.entity());
            let element = if !self.options.link_mentions || inside_link || repeated {
                Element::MentionSpot(mention)
            } else {
                linked.push(mention.entity());
                Element::Mention(mention)
            };
            spans.push(Span {
                range: mention.range.clone(),
                element,
            });
        }
        spans.sort_by(|a, b| {
            (
                a.range.start,
                std::cmp::Reverse(a.range.end),
                a.element.rank(),
            )
                .cmp(&(
                    b.range.start,
                    std::cmp::Reverse(b.range.end),
                    b.element.rank(),
                ))
        });
        spans
    }

    /// Writes a block's text with its spans; returns the numbers of notes that end in
    /// this block (their sidenotes follow the block).
    fn inline_content(&mut self, block: &'a Block) -> Vec<usize> {
        let text = self.body.text.as_str();
        let spans = self.spans(block);
        let mut boundaries: Vec<usize> = vec![block.range.start, block.range.end];
        for span in &spans {
            boundaries.push(span.range.start);
            boundaries.push(span.range.end);
        }
        boundaries.sort_unstable();
        boundaries.dedup();

        let mut stack: Vec<usize> = Vec::new(); // indexes into `spans`
        let mut pending_markers: Vec<usize> = Vec::new();
        let mut ended_notes: Vec<usize> = Vec::new();
        let mut skip_until = block.range.start; // inside an image's alt text
        for (i, &position) in boundaries.iter().enumerate() {
            // Close spans that end here, and everything opened inside them.
            if let Some(lowest) = stack.iter().position(|&s| spans[s].range.end <= position) {
                let reopen: Vec<usize> = stack[lowest + 1..]
                    .iter()
                    .copied()
                    .filter(|&s| spans[s].range.end > position)
                    .collect();
                while stack.len() > lowest {
                    if let Some(s) = stack.pop() {
                        self.close(&spans[s].element);
                    }
                }
                for s in reopen {
                    self.open(&spans[s]);
                    stack.push(s);
                }
            }
            // Notes ending here get their marker as soon as no link is open.
            for span in spans.iter().filter(|s| s.range.end == position) {
                if let Element::Note(note) = span.element {
                    if note.range.end <= block.range.end && !pending_markers.contains(&note.number)
                    {
                        pending_markers.push(note.number);
                        ended_notes.push(note.number);
                    }
                }
            }
            if !stack.iter().any(|&s| spans[s].element.is_anchor()) {
                for number in pending_markers.drain(..) {
                    self.marker(number);
                }
            }
            let Some(&next) = boundaries.get(i + 1) else {
                break;
            };
            // Open spans starting here (outermost first; `spans` is sorted that way).
            for (s, span) in spans.iter().enumerate() {
                if span.range.start == position && span.range.end > position && !stack.contains(&s)
                {
                    if let Element::Inline(InlineKind::Image { src, title }) = &span.element {
                        self.image(src, title, &text[span.range.clone()]);
                        skip_until = span.range.end;
                        continue;
                    }
                    self.open_keeping_links_whole(&spans, &mut stack, s);
                }
                if span.range.start == position && span.range.end == position {
                    self.point(&span.element);
                }
            }
            if position >= skip_until {
                self.text(&text[position..next]);
            }
        }
        while let Some(s) = stack.pop() {
            self.close(&spans[s].element);
        }
        for number in pending_markers {
            self.marker(number);
        }
        ended_notes
    }

    /// Appends ` id="…"` the first time an element with this anchor is opened, nothing
    /// when a split element is reopened (ids must stay unique).
    fn push_first_piece_id(&mut self, anchor: &str) {
        if self.opened_anchors.insert(anchor.to_owned()) {
            self.out.push_str(" id=\"");
            self.out.push_str(anchor);
            self.out.push('"');
        }
    }

    /// Opens span `s`. A link (or mention) that outlives open marks or typographic
    /// spans would have to be cut in two at their end; instead those are closed here
    /// and reopened inside it, so a reader sees one link and a split highlight.
    fn open_keeping_links_whole(&mut self, spans: &[Span<'a>], stack: &mut Vec<usize>, s: usize) {
        let span = &spans[s];
        let rank = span.element.rank();
        let cut = stack.iter().position(|&open| {
            spans[open].range.end < span.range.end && spans[open].element.rank() > rank
        });
        let mut reopen = Vec::new();
        if let Some(cut) = cut {
            while stack.len() > cut {
                if let Some(open) = stack.pop() {
                    self.close(&spans[open].element);
                    reopen.push(open);
                }
            }
        }
        self.open(span);
        stack.push(s);
        for open in reopen.into_iter().rev() {
            self.open(&spans[open]);
            stack.push(open);
        }
    }

    fn text(&mut self, text: &str) {
        let mut lines = text.split('\n');
        if let Some(first) = lines.next() {
            push_escaped(&mut self.out, first);
        }
        for line in lines {
            self.out.push_str("<br>");
            push_escaped(&mut self.out, line);
        }
    }

    fn open(&mut self, span: &Span<'_>) {
        match &span.element {
            Element::Inline(kind) => match kind {
                InlineKind::Emphasis => self.out.push_str("<em>"),
                InlineKind::Strong => self.out.push_str("<strong>"),
                InlineKind::Strikethrough => self.out.push_str("<del>"),
                InlineKind::Code => self.out.push_str("<code>"),
                InlineKind::Link { href, title } => {
                    let _ = write!(
                        self.out,
                        "<a href=\"{}\"",
                        escape(&super::html::safe_href(href))
                    );
                    if !title.is_empty() {
                        let _ = write!(self.out, " title=\"{}\"", escape(title));
                    }
                    self.out.push('>');
                }
                InlineKind::LineBreak => self.out.push_str("<span class=\"break\">"),
                InlineKind::Image { .. } | InlineKind::FootnoteRef { .. } => {}
            },
            Element::Note(note) => {
                let kind = note.kind.as_str();
                let number = note.number;
                if self.started[number] {
                    let _ = write!(
                        self.out,
                        "<mark class=\"note note-{kind}\" data-note=\"{number}\">"
                    );
                } else {
                    self.started[number] = true;
                    let _ = write!(
                        self.out,
                        "<mark class=\"note note-{kind}\" id=\"n{number}\" data-note=\"{number}\">"
                    );
                }
            }
            // Mentions are the most frequent spans: written piece by piece, not
            // through `write!`.
            Element::MentionSpot(mention) => {
                self.out.push_str("<span class=\"mention-spot\"");
                self.push_first_piece_id(&mention.anchor(&self.archive.registry));
                self.out.push('>');
            }
            Element::Mention(mention) => {
                let entity = &self.archive.registry.entities[mention.entity()];
                let href = escape(&self.markdown.url(&entity.path()));
                self.out.push_str("<a class=\"mention mention-");
                self.out.push_str(entity.kind.key());
                self.out.push_str("\" href=\"");
                self.out.push_str(&href);
                self.out.push('"');
                self.push_first_piece_id(&mention.anchor(&self.archive.registry));
                self.out.push('>');
            }
        }
    }

    fn close(&mut self, element: &Element<'_>) {
        let tag = match element {
            Element::Inline(kind) => match kind {
                InlineKind::Emphasis => "</em>",
                InlineKind::Strong => "</strong>",
                InlineKind::Strikethrough => "</del>",
                InlineKind::Code => "</code>",
                InlineKind::Link { .. } => "</a>",
                InlineKind::LineBreak => "</span>",
                InlineKind::Image { .. } | InlineKind::FootnoteRef { .. } => "",
            },
            Element::Note(_) => "</mark>",
            Element::Mention(_) => "</a>",
            Element::MentionSpot(_) => "</span>",
        };
        self.out.push_str(tag);
    }

    /// Zero-width elements.
    fn point(&mut self, element: &Element<'_>) {
        if let Element::Inline(InlineKind::FootnoteRef { label }) = element {
            let id = escape(&footnote_id(label));
            let _ = write!(
                self.out,
                "<sup class=\"footnote-ref\"><a href=\"#fn-{id}\" id=\"fnref-{id}\">{}</a></sup>",
                escape(label)
            );
        }
    }

    fn image(&mut self, src: &str, title: &str, alt: &str) {
        let _ = write!(
            self.out,
            "<img src=\"{}\" alt=\"{}\"",
            escape(&super::html::safe_href(src)),
            escape(alt)
        );
        if !title.is_empty() {
            let _ = write!(self.out, " title=\"{}\"", escape(title));
        }
        self.out.push_str(" loading=\"lazy\">");
    }

    /// The numbered marker after a note's passage, linking to the note.
    fn marker(&mut self, number: usize) {
        let _ = write!(
            self.out,
            "<a class=\"note-ref\" href=\"#note-{number}\" id=\"ref-{number}\" aria-label=\"Note {number}\">{number}</a>"
        );
    }

    /// Margin notes for the notes that ended in the block just written.
    fn sidenotes(&mut self, numbers: &[usize]) {
        if numbers.is_empty() {
            return;
        }
        self.out
            .push_str("<aside class=\"sidenotes\" aria-label=\"Notes on this passage\">");
        for &number in numbers {
            let found = (self.article.annotated.notes.iter().enumerate())
                .find(|(_, note)| note.number == number);
            let Some((position, note)) = found else {
                continue;
            };
            let kind = note.kind;
            let _ = write!(
                self.out,
                "<div class=\"sidenote sidenote-{}\" data-note=\"{number}\"><span class=\"sidenote-number\">{number}</span> <span class=\"sidenote-kind\">{}</span>",
                kind.as_str(),
                kind.label()
            );
            if let Some(rating) = &note.rating {
                let _ = write!(
                    self.out,
                    " <span class=\"sidenote-rating\">{}</span>",
                    escape(rating)
                );
            }
            if let Some(correct) = &note.correct {
                let _ = write!(
                    self.out,
                    " <span class=\"sidenote-correct\">Should read: <ins>{}</ins></span>",
                    escape(correct)
                );
            }
            self.out
                .push_str(self.note_html.get(position).map_or("", String::as_str));
            self.out.push_str("</div>");
        }
        self.out.push_str("</aside>\n");
    }
}

/// Footnote labels can be anything; ids cannot.
fn footnote_id(label: &str) -> String {
    crate::model::slugify(label)
}
