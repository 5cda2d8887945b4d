//! Tests of the Markdown parser.

use super::*;

fn parse(source: &str) -> Document {
    parse_markdown(source, &ParseOverrides::default())
}

fn drop(entries: &[&str]) -> ParseOverrides {
    ParseOverrides {
        drop: entries.iter().map(ToString::to_string).collect(),
        keep: Vec::new(),
    }
}

fn texts(doc: &Document) -> Vec<&str> {
    doc.plain()
        .blocks
        .iter()
        .map(|b| doc.block_text(b))
        .collect()
}

fn slice<'d>(doc: &'d Document, inline: &Inline) -> &'d str {
    &doc.plain().text[inline.range.clone()]
}

/// Every range is valid; blocks are separated by "\n\n"; inlines lie inside their
/// block, are sorted (start asc, longer first) and properly nested.
fn assert_consistent(doc: &Document) {
    let mut end = 0;
    for (i, block) in doc.plain().blocks.iter().enumerate() {
        let expected_start = if i == 0 { 0 } else { end + 2 };
        assert_eq!(block.range.start, expected_start, "block {i}");
        assert!(doc.plain().text.get(block.range.clone()).is_some());
        if i > 0 {
            assert_eq!(&doc.plain().text[end..block.range.start], "\n\n");
        }
        end = block.range.end;
        for inline in &block.inlines {
            assert!(block.range.start <= inline.range.start);
            assert!(inline.range.start <= inline.range.end);
            assert!(inline.range.end <= block.range.end);
            assert!(doc.plain().text.get(inline.range.clone()).is_some());
        }
        for pair in block.inlines.windows(2) {
            let (a, b) = (&pair[0].range, &pair[1].range);
            assert!(
                a.start < b.start || (a.start == b.start && a.end >= b.end),
                "sorted"
            );
        }
        for (j, a) in block.inlines.iter().enumerate() {
            for b in &block.inlines[j + 1..] {
                let (a, b) = (&a.range, &b.range);
                let disjoint = a.end <= b.start || b.end <= a.start;
                let nested = (a.start <= b.start && b.end <= a.end)
                    || (b.start <= a.start && a.end <= b.end);
                assert!(disjoint || nested, "{a:?} and {b:?} overlap");
            }
        }
    }
    assert_eq!(end, doc.plain().text.len());
}

#[test]
fn title_is_the_first_h1_and_not_in_the_text() {
    let doc = parse("# The *Title*\n\nFirst paragraph.\n\n# Second h1\n\n## Sub\n\n###### Six\n");
    assert_eq!(doc.title.as_deref(), Some("The Title"));
    assert_eq!(texts(&doc), ["First paragraph.", "Second h1", "Sub", "Six"]);
    assert_eq!(doc.plain().blocks[0].source_line, 3);
    assert_eq!(doc.plain().blocks[1].kind, BlockKind::Heading { level: 2 });
    assert_eq!(doc.plain().blocks[2].kind, BlockKind::Heading { level: 2 });
    assert_eq!(doc.plain().blocks[3].kind, BlockKind::Heading { level: 6 });
    assert_consistent(&doc);
}

#[test]
fn no_h1_means_no_title() {
    let doc = parse("## Only a subheading\n\nText.\n");
    assert_eq!(doc.title, None);
    assert_eq!(doc.plain().blocks.len(), 2);
}

#[test]
fn nested_emphasis_inside_link() {
    let doc = parse("Go to [the **bold *and em* part** here](https://example.org \"Ex\") now.");
    assert_eq!(doc.plain().text, "Go to the bold and em part here now.");
    let inlines = &doc.plain().blocks[0].inlines;
    assert_eq!(inlines.len(), 3);
    assert_eq!(
        inlines[0].kind,
        InlineKind::Link {
            href: "https://example.org".into(),
            title: "Ex".into()
        }
    );
    assert_eq!(slice(&doc, &inlines[0]), "the bold and em part here");
    assert_eq!(inlines[1].kind, InlineKind::Strong);
    assert_eq!(slice(&doc, &inlines[1]), "bold and em part");
    assert_eq!(inlines[2].kind, InlineKind::Emphasis);
    assert_eq!(slice(&doc, &inlines[2]), "and em");
    assert_consistent(&doc);
}

#[test]
fn equal_ranges_keep_outer_first() {
    let doc = parse("***both***");
    let kinds: Vec<&InlineKind> = doc.plain().blocks[0]
        .inlines
        .iter()
        .map(|i| &i.kind)
        .collect();
    assert_eq!(doc.plain().text, "both");
    assert_eq!(kinds.len(), 2);
    assert!(doc.plain().blocks[0]
        .inlines
        .iter()
        .all(|i| i.range == (0..4)));
    // pulldown-cmark nests <em><strong>…</strong></em> for ***x***.
    assert_eq!(kinds, [&InlineKind::Emphasis, &InlineKind::Strong]);
}

#[test]
fn inline_code_strikethrough_and_image() {
    let doc = parse("Run `cargo test` and ~~not~~ this: ![a cat](cat.png \"Cat\")");
    assert_eq!(doc.plain().text, "Run cargo test and not this: a cat");
    let inlines = &doc.plain().blocks[0].inlines;
    assert_eq!(inlines[0].kind, InlineKind::Code);
    assert_eq!(slice(&doc, &inlines[0]), "cargo test");
    assert_eq!(inlines[1].kind, InlineKind::Strikethrough);
    assert_eq!(slice(&doc, &inlines[1]), "not");
    assert_eq!(
        inlines[2].kind,
        InlineKind::Image {
            src: "cat.png".into(),
            title: "Cat".into()
        }
    );
    assert_eq!(slice(&doc, &inlines[2]), "a cat");
    assert_consistent(&doc);
}

#[test]
fn code_block_language_and_verbatim_text() {
    let doc = parse("Intro.\n\n```rust title=x\nfn main() {\n    *x = 1; // <b>\n}\n```\n\n    indented\n    code\n");
    assert_eq!(
        doc.plain().blocks[1].kind,
        BlockKind::Code {
            language: Some("rust".into())
        }
    );
    assert_eq!(
        doc.block_text(&doc.plain().blocks[1]),
        "fn main() {\n    *x = 1; // <b>\n}"
    );
    assert_eq!(doc.plain().blocks[1].source_line, 3);
    assert_eq!(
        doc.plain().blocks[2].kind,
        BlockKind::Code { language: None }
    );
    assert_eq!(doc.block_text(&doc.plain().blocks[2]), "indented\ncode");
    let doc = parse("```\n```\n");
    assert_eq!(
        doc.plain().blocks[0].kind,
        BlockKind::Code { language: None }
    );
    assert_eq!(doc.plain().text, "");
    assert_consistent(&doc);
}

#[test]
fn tables_become_cells() {
    let doc = parse("| Name | Age |\n|:-----|----:|\n| Ann | 30 |\n| **Bo** | |\n");
    let cells: Vec<(&str, &BlockKind)> = doc
        .plain()
        .blocks
        .iter()
        .map(|b| (doc.block_text(b), &b.kind))
        .collect();
    let cell = |row, header, align| BlockKind::TableCell {
        table: 0,
        row,
        header,
        align,
    };
    assert_eq!(cells.len(), 6);
    assert_eq!(cells[0], ("Name", &cell(0, true, Align::Left)));
    assert_eq!(cells[1], ("Age", &cell(0, true, Align::Right)));
    assert_eq!(cells[2], ("Ann", &cell(1, false, Align::Left)));
    assert_eq!(cells[3], ("30", &cell(1, false, Align::Right)));
    assert_eq!(cells[4], ("Bo", &cell(2, false, Align::Left)));
    assert_eq!(cells[5], ("", &cell(2, false, Align::Right)));
    assert_eq!(doc.plain().blocks[4].inlines[0].kind, InlineKind::Strong);
    assert_eq!(doc.plain().blocks[4].source_line, 4);
    let two = parse("| a |\n|---|\n| b |\n\n| c |\n|:-:|\n| d |\n");
    assert!(matches!(
        two.plain().blocks[2].kind,
        BlockKind::TableCell {
            table: 1,
            align: Align::Center,
            ..
        }
    ));
    assert_consistent(&doc);
}

#[test]
fn footnotes() {
    let doc = parse("Claim.[^src] More.\n\n[^src]: The *source*, page 4.\n");
    assert_eq!(texts(&doc), ["Claim. More.", "The source, page 4."]);
    let reference = &doc.plain().blocks[0].inlines[0];
    assert_eq!(
        reference.kind,
        InlineKind::FootnoteRef {
            label: "src".into()
        }
    );
    assert_eq!(reference.range, 6..6);
    assert_eq!(
        doc.plain().blocks[1].kind,
        BlockKind::Footnote {
            label: "src".into()
        }
    );
    assert_eq!(doc.plain().blocks[1].source_line, 3);
    assert_consistent(&doc);
}

#[test]
fn lists_with_depth_tight_and_loose() {
    let doc = parse("- one\n- two\n  1. inner\n  2. *inner two*\n- three\n\n3. a\n\n4. b\n");
    assert_eq!(
        texts(&doc),
        ["one", "two", "inner", "inner two", "three", "a", "b"]
    );
    let item = |list, ordered, start, depth| BlockKind::ListItem {
        list,
        ordered,
        start,
        depth,
    };
    let kinds: Vec<&BlockKind> = doc.plain().blocks.iter().map(|b| &b.kind).collect();
    assert_eq!(
        kinds,
        [
            &item(0, false, None, 0),
            &item(0, false, None, 0),
            &item(1, true, Some(1), 1),
            &item(1, true, Some(1), 1),
            &item(0, false, None, 0),
            &item(2, true, Some(3), 0),
            &item(2, true, Some(3), 0),
        ]
    );
    let lines: Vec<usize> = doc.plain().blocks.iter().map(|b| b.source_line).collect();
    assert_eq!(lines, [1, 2, 3, 4, 5, 7, 9]);
    assert_consistent(&doc);
}

#[test]
fn block_quotes_and_nested_containers() {
    let doc =
        parse("> Quoted *one*.\n>\n> Quoted two.\n>\n> - listed in quote\n\n- > quoted in list\n");
    let kinds: Vec<&BlockKind> = doc.plain().blocks.iter().map(|b| &b.kind).collect();
    assert_eq!(
        texts(&doc),
        [
            "Quoted one.",
            "Quoted two.",
            "listed in quote",
            "quoted in list"
        ]
    );
    assert_eq!(kinds[0], &BlockKind::BlockQuote);
    assert_eq!(kinds[1], &BlockKind::BlockQuote);
    assert!(matches!(kinds[2], BlockKind::ListItem { depth: 0, .. }));
    assert_eq!(kinds[3], &BlockKind::BlockQuote);
    assert_consistent(&doc);
}

#[test]
fn hard_and_soft_breaks() {
    let doc = parse("line one  \nline two\\\nline three\nline four");
    assert_eq!(doc.plain().text, "line one\nline two\nline three line four");
    let breaks: Vec<&Inline> = doc.plain().blocks[0].inlines.iter().collect();
    assert_eq!(breaks.len(), 2);
    assert!(breaks.iter().all(|b| b.kind == InlineKind::LineBreak));
    assert_eq!(slice(&doc, breaks[0]), "\n");
    assert_eq!(breaks[0].range, 8..9);
    assert_consistent(&doc);
}

#[test]
fn raw_html_is_kept_as_text() {
    let doc = parse("Some <span class=\"x\">inline</span> html.\n\n<div>\n<script>alert(1)</script>\n</div>\n\nAfter.");
    assert_eq!(
        texts(&doc),
        [
            "Some <span class=\"x\">inline</span> html.",
            "<div>\n<script>alert(1)</script>\n</div>",
            "After."
        ]
    );
    assert_eq!(doc.plain().blocks[1].kind, BlockKind::Paragraph);
    assert_eq!(doc.plain().blocks[1].source_line, 3);
    assert_consistent(&doc);
}

#[test]
fn rules_have_empty_ranges() {
    let doc = parse("Before.\n\n---\n\nAfter.");
    assert_eq!(doc.plain().blocks[1].kind, BlockKind::Rule);
    assert!(doc.plain().blocks[1].range.is_empty());
    assert_eq!(doc.plain().blocks[1].source_line, 3);
    assert_eq!(doc.plain().text, "Before.\n\n\n\nAfter.");
    assert_consistent(&doc);
}

#[test]
fn smart_punctuation_is_off() {
    let doc = parse("He said \"don't\" -- and left...");
    assert_eq!(doc.plain().text, "He said \"don't\" -- and left...");
}

#[test]
fn byline_after_title() {
    let doc = parse("# Title\n\nBy Jane Doe\n\nBy the end of the day, it was over.\n");
    assert_eq!(doc.byline.as_deref(), Some("By Jane Doe"));
    assert_eq!(texts(&doc), ["By the end of the day, it was over."]);
    let doc = parse("# Title\n\nBy the end of the day, it was over.\n");
    assert_eq!(doc.byline, None);
    assert_eq!(doc.plain().blocks.len(), 1);
}

#[test]
fn drop_override_removes_whole_blocks() {
    let source = "# T\n\nKeep me.\n\nDrop   *me*, please.\n\n- item to drop\n- item kept\n";
    let overrides = drop(&["Drop me, please.", "item to drop", "not there"]);
    let doc = parse_markdown(source, &overrides);
    assert_eq!(texts(&doc), ["Keep me.", "item kept"]);
    let removed: Vec<(usize, &str, RemovalReason)> = doc
        .plain()
        .removed
        .iter()
        .map(|r| (r.line, r.text.as_str(), r.reason))
        .collect();
    assert_eq!(
        removed,
        [
            (5, "Drop   me, please.", RemovalReason::Dropped),
            (7, "item to drop", RemovalReason::Dropped)
        ]
    );
    assert_eq!(
        unmatched_markdown_overrides(source, &overrides),
        ["not there"]
    );
    assert_consistent(&doc);
}

#[test]
fn keep_overrides_match_blocks() {
    let overrides = ParseOverrides {
        drop: Vec::new(),
        keep: vec!["Text.".into(), "Missing.".into()],
    };
    assert_eq!(
        unmatched_markdown_overrides("Text.\n", &overrides),
        ["Missing."]
    );
}

#[test]
fn source_lines_with_bom_and_crlf() {
    let doc = parse("\u{feff}# T\r\n\r\nOne\r\ntwo.\r\n\r\n```sh\r\nls\r\npwd\r\n```\r\n");
    assert_eq!(doc.title.as_deref(), Some("T"));
    assert_eq!(texts(&doc), ["One two.", "ls\npwd"]);
    assert_eq!(doc.plain().blocks[0].source_line, 3);
    assert_eq!(doc.plain().blocks[1].source_line, 6);
    assert_consistent(&doc);
}

#[test]
fn odd_inputs_do_not_panic() {
    let long = format!("{}\n", "*a* ".repeat(20_000));
    let inputs = [
        "",
        "   \n\t\n",
        "\u{feff}",
        "\r",
        "\r\n",
        "#",
        "# ",
        "- ",
        ">",
        "[^x]",
        "[^x]:",
        "| |\n|-|\n",
        "```",
        "<!-- -->",
        "***",
        "*unclosed **strong",
        "[link](",
        "![](x)",
        "\u{0}",
        long.as_str(),
    ];
    for input in inputs {
        let doc = parse(input);
        assert_consistent(&doc);
        let _ = unmatched_markdown_overrides(input, &drop(&[input, ""]));
    }
    assert_eq!(parse(""), Document::default());
}

#[test]
fn markdown_prefixes_parse_consistently() {
    let source = "# T\n\nBy Jane Doe\n\n> *q* [l](u)\n\n- a\n  - b\n\n| x | y |\n|---|:-:|\n| 1 | 2 |\n\nText[^n] `c`  \nmore <b>x</b>\n\n[^n]: Note.\n\n```py\nprint()\n```\n\n---\n";
    for cut in (0..=source.len()).filter(|&i| source.is_char_boundary(i)) {
        let prefix = &source[..cut];
        assert_consistent(&parse(prefix));
        assert_consistent(&parse(&prefix.replace('\n', "\r\n")));
    }
    for seed in [
        include_str!("../../../seeds/000_3b4df888474cdb9e.txt"),
        include_str!("../../../seeds/004_ed447884a5e1566c.txt"),
    ] {
        assert_consistent(&parse(seed));
    }
}
