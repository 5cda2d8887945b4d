//! Tests of the text parser on the real seed articles and on odd inputs.

use super::*;
use crate::parse::Block;

const SEED_000: &str = include_str!("../../../seeds/000_3b4df888474cdb9e.txt");
const SEED_001: &str = include_str!("../../../seeds/001_260e7d2464b4973e.txt");
const SEED_002: &str = include_str!("../../../seeds/002_21f92beee9e420d1.txt");
const SEED_003: &str = include_str!("../../../seeds/003_ff2860a0a760750f.txt");
const SEED_004: &str = include_str!("../../../seeds/004_ed447884a5e1566c.txt");
const SEEDS: [&str; 5] = [SEED_000, SEED_001, SEED_002, SEED_003, SEED_004];

fn parse(source: &str) -> Document {
    parse_text(source, &ParseOverrides::default())
}

fn overrides(drop: &[&str], keep: &[&str]) -> ParseOverrides {
    ParseOverrides {
        drop: drop.iter().map(ToString::to_string).collect(),
        keep: keep.iter().map(ToString::to_string).collect(),
    }
}

fn block_texts(doc: &Document) -> Vec<&str> {
    doc.plain()
        .blocks
        .iter()
        .map(|b| doc.block_text(b))
        .collect()
}

/// The block that starts on a source line.
fn block_at(doc: &Document, line: usize) -> &Block {
    doc.plain()
        .blocks
        .iter()
        .find(|b| b.source_line == line)
        .unwrap_or_else(|| panic!("no block on line {line}"))
}

fn removed_at(doc: &Document, line: usize) -> Vec<RemovalReason> {
    doc.plain()
        .removed
        .iter()
        .filter(|r| r.line == line)
        .map(|r| r.reason)
        .collect()
}

/// Ranges are exact: in order, non-overlapping, separated by "\n\n", covering the text.
fn assert_consistent(doc: &Document) {
    let joined = block_texts(doc).join("\n\n");
    assert_eq!(doc.plain().text, joined);
    let mut end = 0;
    for (i, block) in doc.plain().blocks.iter().enumerate() {
        let expected_start = if i == 0 { 0 } else { end + 2 };
        assert_eq!(block.range.start, expected_start);
        assert!(block.range.end >= block.range.start);
        assert!(block.inlines.is_empty());
        end = block.range.end;
        let text = doc.block_text(block);
        assert_eq!(text, text.trim(), "blocks are trimmed");
        assert!(!text.is_empty());
    }
    assert_eq!(end, doc.plain().text.len());
    let lines: Vec<usize> = doc.plain().removed.iter().map(|r| r.line).collect();
    assert!(
        lines.windows(2).all(|w| w[0] <= w[1]),
        "removed in source order"
    );
    let blocks: Vec<usize> = doc.plain().blocks.iter().map(|b| b.source_line).collect();
    assert!(
        blocks.windows(2).all(|w| w[0] < w[1]),
        "blocks in source order"
    );
}

/// Every non-blank source line is a block, a removed line, or title/byline/standfirst.
fn assert_nothing_lost(source: &str, doc: &Document) {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    for (i, line) in source.split('\n').enumerate() {
        let number = i + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let in_block = doc.plain().blocks.iter().any(|b| b.source_line == number);
        let removed = doc
            .plain()
            .removed
            .iter()
            .any(|r| r.line == number && r.text == line);
        let metadata = [&doc.title, &doc.byline, &doc.standfirst].iter().any(|m| {
            m.as_deref().is_some_and(|m| {
                line.contains(m) || m.contains(line.trim_start_matches(['•', ' ']))
            })
        }) || doc
            .title
            .as_deref()
            .is_some_and(|t| shape::clean_headline(line).title == t);
        assert!(
            in_block || removed || metadata,
            "line {number} lost: {line:?}"
        );
    }
}

const FURNITURE: &[&str] = &[
    "Share on",
    "Advertisement",
    "Follow our news",
    "Main navigation",
    "CNA Sections",
    "About CNA",
    "newsletter",
    "By clicking subscribe",
    "All rights reserved",
    "This browser is no longer supported",
    "switch browsers",
    "Photo Gallery",
    "Photo Selection",
    "Check out the best photos",
    "Related Articles",
    "RELATED:",
    "John Bolton on the Ukraine War Stalemate",
    "Also worth reading",
    "Comments are closed.",
    "で読む",
    "Read the article in Japanese",
    "FRIDAY DIGITAL",
];

#[test]
fn seeds_have_no_furniture_in_the_text() {
    for source in SEEDS {
        let doc = parse(source);
        for furniture in FURNITURE {
            assert!(
                !doc.plain().text.contains(furniture),
                "{furniture:?} left in text"
            );
        }
        assert!(!block_texts(&doc).contains(&"Asia"));
    }
}

#[test]
fn seeds_are_consistent_and_lose_nothing() {
    for source in SEEDS {
        let doc = parse(source);
        assert_consistent(&doc);
        assert_nothing_lost(source, &doc);
    }
}

#[test]
fn seed_000_friday_interview() {
    let doc = parse(SEED_000);
    assert_eq!(
        doc.title.as_deref(),
        Some("[Interview] Daisaku Kaneko, the only Japanese “Volunteer Soldier in the Russian Army,” reveals “Why I am fighting against Ukraine.")
    );
    assert_eq!(
        doc.byline.as_deref(),
        Some("Interview and text by Kei Kato (Nonfiction writer)")
    );
    assert_eq!(doc.standfirst, None);
    assert_eq!(removed_at(&doc, 3), [RemovalReason::RepeatedTitle]);
    assert_eq!(removed_at(&doc, 7), [RemovalReason::Share]);
    assert_eq!(removed_at(&doc, 8), [RemovalReason::Share]);
    assert_eq!(removed_at(&doc, 55), [RemovalReason::Gallery]);
    assert_eq!(removed_at(&doc, 57), [RemovalReason::Gallery]);
    assert_eq!(removed_at(&doc, 59), [RemovalReason::Gallery]);
    assert_eq!(removed_at(&doc, 61), [RemovalReason::Related]);
    // First and last paragraphs, and the garbled line that only an editor may drop.
    let first = block_at(&doc, 5);
    assert!(doc
        .block_text(first)
        .starts_with("He was paid about 360,000 yen a month"));
    assert_eq!(doc.plain().blocks[0].source_line, 5);
    assert!(doc
        .plain()
        .text
        .contains("World War III would not be resigned."));
    assert!(doc.plain().text.contains("Without knowing where the justice of war lies, the number of casualties continues to increase."));
    assert!(doc
        .plain()
        .text
        .contains("A photograph of the battlefield."));
    assert!(doc
        .plain()
        .text
        .contains("Russia’s military invasion of Ukraine began on February 24, 2010."));
    assert!(doc
        .plain()
        .text
        .contains("We had to creep 500 meters to the fortress"));
    assert_eq!(
        doc.block_text(doc.plain().blocks.last().unwrap()),
        "From the May 3, 2024 issue of FRIDAY"
    );
}

#[test]
fn seed_000_repeated_sentence_removed_once() {
    let doc = parse(SEED_000);
    let sentence = "The remuneration for a foreign volunteer soldier like us is 220,000 rubles a month, which is about 360,000 Japanese yen.";
    assert_eq!(doc.plain().text.matches(sentence).count(), 1);
    let dup: Vec<&RemovedLine> = doc
        .plain()
        .removed
        .iter()
        .filter(|r| r.reason == RemovalReason::Duplicate)
        .collect();
    assert_eq!(dup.len(), 1);
    assert_eq!(dup[0].line, 40);
    assert_eq!(dup[0].text, sentence);
    let block = doc.block_text(block_at(&doc, 40));
    assert!(block.starts_with(&format!("{sentence} If you convert it into a business")));
    assert!(block.ends_with("for the sake of my wonderful friends.”"));
}

#[test]
fn seed_000_captions_by_position_marker() {
    let doc = parse(SEED_000);
    assert_eq!(block_at(&doc, 9).kind, BlockKind::Caption);
    assert_eq!(block_at(&doc, 36).kind, BlockKind::Paragraph);
}

#[test]
fn seed_001_rt_article() {
    let doc = parse(SEED_001);
    assert_eq!(
        doc.title.as_deref(),
        Some("Japanese volunteer explains why he is fighting on Russia’s side against Ukraine")
    );
    assert_eq!(
        doc.standfirst.as_deref(),
        Some("The conflict is vastly misrepresented in his country, whose foreign policy is dictated by the US and NATO, Daisaku Kaneko told RT")
    );
    assert_eq!(doc.byline, None);
    assert_eq!(removed_at(&doc, 14), [RemovalReason::Comments]);
    assert_eq!(doc.plain().removed.len(), 1);
    assert!(doc
        .block_text(&doc.plain().blocks[0])
        .starts_with("Moscow should not be blamed for the conflict in Ukraine"));
    let quote = block_at(&doc, 7);
    assert_eq!(quote.kind, BlockKind::Paragraph);
    assert_eq!(
        doc.block_text(quote),
        "I wanted to show the US that there is a Japanese man who is on Russia’s side."
    );
    assert!(doc
        .plain()
        .text
        .contains("I feel pity for the Japanese government. It is very obedient."));
    assert!(doc
        .block_text(doc.plain().blocks.last().unwrap())
        .ends_with("That is a trait that the Japanese have lost, we used to have it but now it is all gone,” he said."));
    assert_eq!(doc.plain().blocks.len(), 11);
}

#[test]
fn seed_002_asahi_article() {
    let doc = parse(SEED_002);
    assert_eq!(doc.title, None, "the first line is a caption");
    assert!(doc.plain().removed.is_empty());
    assert_eq!(doc.plain().blocks[0].kind, BlockKind::Caption);
    assert_eq!(doc.plain().blocks[0].source_line, 1);
    assert!(doc
        .block_text(&doc.plain().blocks[1])
        .starts_with("A Japanese man who is determined to fight for Ukraine"));
    // The no-break space inside the paragraph is kept as is.
    assert!(doc.plain().text.contains(
        "where he either exercised or rested.\u{a0}He had a shower once every four days."
    ));
    assert!(doc
        .plain()
        .text
        .contains("His time in Izium followed repetitive routine."));
    assert_eq!(
        doc.block_text(doc.plain().blocks.last().unwrap()),
        "Some have apparently set up social media accounts to describe their experiences in the front lines of the war."
    );
    assert_eq!(doc.plain().blocks.last().unwrap().source_line, 51);
    assert!(doc.plain().blocks[1..]
        .iter()
        .all(|b| b.kind == BlockKind::Paragraph));
}

#[test]
fn seed_003_sankei_article() {
    let doc = parse(SEED_003);
    assert_eq!(doc.title, None, "the first line is a caption");
    assert_eq!(doc.byline.as_deref(), Some("The Sankei Shimbun"));
    assert_eq!(block_at(&doc, 2).kind, BlockKind::Caption);
    for (line, heading) in [
        (8, "Beliefs About the Ukraine War"),
        (15, "Why Russia's Advance Has Slowed"),
        (20, "Disillusionment"),
    ] {
        let block = block_at(&doc, line);
        assert_eq!(block.kind, BlockKind::Heading { level: 2 });
        assert_eq!(doc.block_text(block), heading);
    }
    let headings = doc
        .plain()
        .blocks
        .iter()
        .filter(|b| matches!(b.kind, BlockKind::Heading { .. }))
        .count();
    assert_eq!(headings, 3);
    assert_eq!(removed_at(&doc, 3), [RemovalReason::Language]);
    for line in 29..=33 {
        assert_eq!(
            removed_at(&doc, line),
            [RemovalReason::Related],
            "line {line}"
        );
    }
    assert_eq!(removed_at(&doc, 34), [RemovalReason::Language]);
    assert_eq!(removed_at(&doc, 36), [RemovalReason::Language]);
    assert!(doc
        .block_text(block_at(&doc, 4))
        .starts_with("In May, a Russian soldier in his 20s"));
    assert!(doc
        .plain()
        .text
        .contains("His ultimate personal mission, he said, is simply \"to survive,\""));
    assert_eq!(
        doc.block_text(doc.plain().blocks.last().unwrap()),
        "\"To me, Japan has a spirit of cooperation and unity. Sadly, Russia doesn't have that,\" he said with a somber expression."
    );
}

#[test]
fn seed_004_cna_article() {
    let doc = parse(SEED_004);
    assert_eq!(
        doc.title.as_deref(),
        Some("Dozens in Japan volunteer to fight for Ukraine")
    );
    assert_eq!(doc.standfirst, None);
    let expected = [
        (6, RemovalReason::Navigation),
        (8, RemovalReason::Navigation),
        (11, RemovalReason::Navigation),
        (15, RemovalReason::Navigation),
        (17, RemovalReason::Advertisement),
        (18, RemovalReason::Advertisement),
        (21, RemovalReason::Navigation),
        (42, RemovalReason::Advertisement),
        (44, RemovalReason::Related),
        (46, RemovalReason::Advertisement),
        (48, RemovalReason::Navigation),
        (51, RemovalReason::Navigation),
        (54, RemovalReason::Newsletter),
        (57, RemovalReason::Newsletter),
        (60, RemovalReason::Navigation),
        (62, RemovalReason::Copyright),
        (64, RemovalReason::Notice),
        (66, RemovalReason::Notice),
    ];
    let actual: Vec<(usize, RemovalReason)> = doc
        .plain()
        .removed
        .iter()
        .map(|r| (r.line, r.reason))
        .collect();
    assert_eq!(actual, expected);
    assert_eq!(
        doc.plain().removed[0].text,
        "Follow our news",
        "recorded trimmed"
    );
    assert_eq!(doc.plain().blocks[0].kind, BlockKind::Caption);
    assert_eq!(doc.plain().blocks[0].source_line, 24);
    assert!(doc
        .block_text(&doc.plain().blocks[1])
        .starts_with("TOKYO:\u{a0}Keiichi Kurogi was one of dozens of men"));
    assert!(doc
        .plain()
        .text
        .contains("\"I'm from a generation that does not know war at all,\" he said."));
    assert_eq!(
        doc.block_text(doc.plain().blocks.last().unwrap()),
        "\"It's not that I want to go to a war, it's more that I would rather go than see children forced to carry guns,\" he said."
    );
    assert_eq!(doc.plain().blocks.len(), 18);
}

#[test]
fn drop_override_removes_a_line_and_keep_rescues_one() {
    let ov = overrides(
        &[
            "World War III would not be resigned.",
            "  Photo   Gallery3 total ",
        ],
        &["Photo Selection"],
    );
    let doc = parse_text(SEED_000, &ov);
    assert!(!doc.plain().text.contains("World War III"));
    assert_eq!(removed_at(&doc, 36), [RemovalReason::Dropped]);
    assert_eq!(removed_at(&doc, 55), [RemovalReason::Dropped]);
    assert_eq!(block_texts(&doc).last(), Some(&"Photo Selection"));
    assert!(unmatched_text_overrides(SEED_000, &ov).is_empty());
    assert_consistent(&doc);
}

#[test]
fn override_matching_ignores_quote_style_and_bullets() {
    let ov = overrides(
        &[
            "Share on Twitter",
            "He says, \"Even though I was successful",
        ],
        &[],
    );
    let doc = parse_text(SEED_000, &ov);
    assert_eq!(removed_at(&doc, 7), [RemovalReason::Dropped]);
    assert_eq!(
        unmatched_text_overrides(SEED_000, &ov),
        ["He says, \"Even though I was successful"],
        "overrides name whole lines, not prefixes"
    );
}

#[test]
fn unmatched_overrides_are_reported_without_panicking() {
    let ov = overrides(&["no such line", ""], &["nor this one"]);
    let doc = parse_text(SEED_004, &ov);
    assert_eq!(doc, parse(SEED_004));
    assert_eq!(
        unmatched_text_overrides(SEED_004, &ov),
        ["no such line", "", "nor this one"]
    );
}

#[test]
fn keep_override_wins_over_duplicate_and_drop_wins_over_keep() {
    let source = "Headline of the story here\n\nA paragraph that is repeated in full here.\nA paragraph that is repeated in full here.\nAdvertisement\n";
    let doc = parse_text(
        source,
        &overrides(&[], &["A paragraph that is repeated in full here."]),
    );
    assert_eq!(doc.plain().blocks.len(), 2);
    let doc = parse_text(source, &overrides(&["Advertisement"], &["Advertisement"]));
    assert_eq!(removed_at(&doc, 5), [RemovalReason::Dropped]);
}

#[test]
fn duplicate_paragraphs_are_removed_and_recorded() {
    let source = "A title for the article\n\nThe first paragraph says something long enough to count.\nAnother paragraph in between the two copies of it.\nThe first paragraph says something  long enough to count.\n";
    let doc = parse(source);
    assert_eq!(doc.plain().blocks.len(), 2);
    assert_eq!(removed_at(&doc, 5), [RemovalReason::Duplicate]);
    assert_eq!(
        doc.plain().removed[0].text,
        "The first paragraph says something  long enough to count.",
        "recorded as it was"
    );
}

#[test]
fn short_repeated_answers_are_kept_unless_adjacent() {
    let source = "Interview with a soldier at the front\n\nWere you afraid of dying there, in the trench?\nNo.\nDid you ever think of going home to Japan again?\nNo.\nNo.\n";
    let doc = parse(source);
    assert_eq!(block_texts(&doc).iter().filter(|t| **t == "No.").count(), 2);
    assert_eq!(removed_at(&doc, 7), [RemovalReason::Duplicate]);
}

#[test]
fn bylines_and_site_suffixes() {
    let source = "Troops cross the river at dawn - Reuters\nBy Jane Doe and John Roe\nThe troops crossed the river at dawn on Monday, officials said in a statement.\n";
    let doc = parse(source);
    assert_eq!(doc.title.as_deref(), Some("Troops cross the river at dawn"));
    assert_eq!(doc.byline.as_deref(), Some("By Jane Doe and John Roe"));
    assert_eq!(doc.plain().blocks.len(), 1);
    assert!(doc.plain().removed.is_empty());
}

#[test]
fn lone_section_name_before_headline_is_navigation() {
    let source = "Asia\nTroops cross the river at dawn\nThe troops crossed the river at dawn on Monday, officials said in a statement.\n";
    let doc = parse(source);
    assert_eq!(doc.title.as_deref(), Some("Troops cross the river at dawn"));
    assert_eq!(removed_at(&doc, 1), [RemovalReason::Navigation]);
}

#[test]
fn lede_is_not_mistaken_for_a_title() {
    let source = "In May, a soldier spoke with reporters while on leave in Moscow.\nHe said the war would go on for years, and that he expected to return.\n";
    let doc = parse(source);
    assert_eq!(doc.title, None);
    assert_eq!(doc.plain().blocks.len(), 2);
}

#[test]
fn headings_need_paragraphs_around_them() {
    let source = "Title Of The Piece Goes Here\nThe first paragraph is long enough to be a body paragraph, clearly.\nA Section Heading\nThe second paragraph is long enough to be a body paragraph, clearly.\nShort line without stop\nQuoted Line Ending In A Quote\"\n";
    let doc = parse(source);
    assert_eq!(block_at(&doc, 3).kind, BlockKind::Heading { level: 2 });
    assert_eq!(
        block_at(&doc, 5).kind,
        BlockKind::Paragraph,
        "after the body"
    );
    assert_eq!(block_at(&doc, 6).kind, BlockKind::Paragraph);
}

#[test]
fn crlf_bom_and_line_numbers() {
    let source = "\u{feff}A headline about the river crossing\r\n\r\n  • Share on X\r\nThe troops crossed the river at dawn on Monday, officials said.\r\n";
    let doc = parse(source);
    assert_eq!(
        doc.title.as_deref(),
        Some("A headline about the river crossing")
    );
    assert_eq!(removed_at(&doc, 3), [RemovalReason::Share]);
    assert_eq!(doc.plain().removed[0].text, "• Share on X");
    assert_eq!(doc.plain().blocks[0].source_line, 4);
    assert!(!doc.plain().text.contains('\r'));
    assert_consistent(&doc);
}

#[test]
fn odd_inputs_do_not_panic() {
    let long_line = "word ".repeat(50_000);
    let inputs: Vec<String> = vec![
        String::new(),
        " \n\t\n   \n".into(),
        "\u{feff}".into(),
        "\r".into(),
        "\r\n\r\n".into(),
        "a\rb".into(),
        "Advertisement\nShare on X\nComments are closed.\n".into(),
        long_line,
        "]".into(),
        "] x".into(),
        "( |".into(),
        " | FRIDAY DIGITAL".into(),
        "—".into(),
        "…".into(),
        "é́́́́".into(),
        "日本語で読む".into(),
        "- \n- \n".into(),
        "RELATED:\n- a\n- b".into(),
        "By".into(),
        "Author:".into(),
        "A. A. A. A.".into(),
        "x\u{0}y".into(),
    ];
    for input in &inputs {
        let doc = parse(input);
        assert_consistent(&doc);
        let _ = unmatched_text_overrides(input, &overrides(&[input], &[input]));
    }
    assert_eq!(parse(""), Document::default());
    assert_eq!(parse("\u{feff}\r\n"), Document::default());
    let doc = parse("Advertisement\nShare on X\nComments are closed.\n");
    assert!(doc.plain().blocks.is_empty());
    assert_eq!(doc.plain().removed.len(), 3);
    let doc = parse("Words with a lone CR.\rHere.");
    assert_eq!(
        doc.plain().text,
        "Words with a lone CR.\rHere.",
        "a lone CR is not a line break"
    );
}

#[test]
fn truncated_seeds_parse_consistently() {
    for source in SEEDS {
        let cuts = (0..source.len())
            .step_by(41)
            .filter(|&i| source.is_char_boundary(i));
        for cut in cuts {
            let doc = parse(&source[..cut]);
            assert_consistent(&doc);
        }
    }
}

/// A later line that repeats the headline is removed however its whitespace and
/// bullet differ; lines longer than any form of the headline are not compared.
#[test]
fn headline_repeated_with_a_bullet_and_odd_spacing_is_removed() {
    let source = "Tokyo volunteers leave for Kyiv | Daily News\n\n\
                  •Tokyo  volunteers\u{a0}leave for Kyiv | Daily News\n\n\
                  Tokyo volunteers leave for Kyiv, and a longer sentence follows it here.\n\n\
                  The first paragraph of the story is long enough to be body text, and it goes on.\n";
    let doc = parse(source);
    assert_eq!(
        doc.title.as_deref(),
        Some("Tokyo volunteers leave for Kyiv")
    );
    assert_eq!(removed_at(&doc, 3), [RemovalReason::RepeatedTitle]);
    assert!(removed_at(&doc, 5).is_empty());
    assert!(block_texts(&doc)
        .iter()
        .any(|b| b.starts_with("Tokyo volunteers leave for Kyiv, and")));
}
