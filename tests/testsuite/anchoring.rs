//! Notes anchored to exact passages: errors and warnings an editor sees, and how the
//! highlights render across markup.

use crate::support::{attrs, reader_texts, texts, Archive};

const ARTICLE: &str = "Headline\n\nThe war began on February 24, 2010. It went on.\n\nA second paragraph says February 24, 2010 again.\n";

fn with_note(note: &str) -> Archive {
    Archive::new().article("a.txt", ARTICLE).annotation(
        "a.toml",
        &format!("[article]\nslug = \"a\"\n\n[[note]]\n{note}"),
    )
}

#[test]
fn prefix_disambiguates_a_repeated_quote() {
    let site = with_note("quote = \"February 24, 2010\"\nprefix = \"began on \"\nkind = \"correction\"\ncorrect = \"February 24, 2022\"\nbody = \"Wrong year.\"\n").build();
    let html = site.html("articles/a/");
    let marks = attrs(&html, "article mark.note-correction", "id");
    assert_eq!(marks, ["n1"]);
    let first_paragraph = texts(&html, "article .article-body p")
        .into_iter()
        .next()
        .unwrap_or_default();
    assert!(
        first_paragraph.contains("February 24, 2010"),
        "{first_paragraph}"
    );
    assert_eq!(texts(&html, "article .article-body p mark").len(), 1);
}

#[test]
fn ambiguous_quote_lists_each_occurrence() {
    let (code, stderr) =
        with_note("quote = \"February 24, 2010\"\nkind = \"context\"\nbody = \"x\"\n").build_err();
    assert_eq!(code, 1);
    assert!(
        stderr.contains("quote occurs 2 times in `seeds/a.txt`"),
        "{stderr}"
    );
    assert!(stderr.contains("seeds/a.toml:5:9"), "{stderr}");
    assert!(
        stderr.contains("line 3:") && stderr.contains("line 5:"),
        "{stderr}"
    );
    assert!(stderr.contains("add `prefix` or `suffix`"), "{stderr}");
}

#[test]
fn missing_quote_shows_the_closest_passage() {
    let (code, stderr) =
        with_note("quote = \"The war started on Feb 24\"\nkind = \"context\"\nbody = \"x\"\n")
            .build_err();
    assert_eq!(code, 1);
    assert!(
        stderr.contains("seeds/a.toml:5:9: error: quote not found in `seeds/a.txt`")
            || stderr.contains("quote not found in `seeds/a.txt`"),
        "{stderr}"
    );
    assert!(stderr.contains("closest passage"), "{stderr}");
    assert!(stderr.contains("“The war began on Febr"), "{stderr}");
}

#[test]
fn slightly_changed_quote_is_reanchored_with_a_warning() {
    // The editor quoted an earlier scrape that had "Febuary"; the article was fixed.
    let site = with_note("quote = \"The war began on Febuary 24, 2010\"\nkind = \"correction\"\ncorrect = \"2022\"\nbody = \"x\"\n").build();
    assert!(
        site.stderr.contains("warning: quote not found exactly"),
        "{}",
        site.stderr
    );
    assert!(
        site.stderr
            .contains("re-anchored approximately (1 edit) at line 3"),
        "{}",
        site.stderr
    );
    let html = site.html("articles/a/");
    assert_eq!(
        texts(&html, "article mark.note-correction").concat(),
        "The war began on February 24, 2010"
    );
}

#[test]
fn quote_on_removed_boilerplate_says_so() {
    let archive = Archive::new()
        .article(
            "b.txt",
            "Headline\n\nShare on Twitter\n\nA real paragraph of the article.\n",
        )
        .annotation(
            "b.toml",
            "[[note]]\nquote = \"Share on Twitter\"\nkind = \"comment\"\nbody = \"x\"\n",
        );
    let (_, stderr) = archive.build_err();
    assert!(
        stderr.contains("which the parser removed as share buttons"),
        "{stderr}"
    );
    assert!(stderr.contains("[parse] keep"), "{stderr}");
}

#[test]
fn highlights_cross_inline_markup_in_markdown() {
    let site = Archive::new()
        .article("m.md", "# Title\n\nOne **bold claim with a [linked phrase](https://example.org) inside** ends here.\n")
        .annotation("m.toml", "[article]\nslug = \"m\"\n\n[[note]]\nquote = \"claim with a linked\"\nkind = \"fact-check\"\nbody = \"Checked.\"\n")
        .build();
    let page = site.page("articles/m/");
    let html = site.html("articles/m/");
    // The highlight is split where the link starts (the link stays whole), so the
    // HTML stays well nested.
    let pieces = texts(&html, "article mark.note-fact-check");
    assert_eq!(pieces.concat(), "claim with a linked", "{page}");
    assert_eq!(pieces, ["claim with a ", "linked"], "{page}");
    assert_eq!(
        attrs(&html, "article mark.note-fact-check[id]", "id"),
        ["n1"]
    );
    assert_eq!(
        reader_texts(&html, "article strong").concat(),
        "bold claim with a linked phrase inside"
    );
    assert_eq!(
        texts(&html, "article a[href=\"https://example.org\"]").concat(),
        "linked phrase"
    );
}

#[test]
fn overlapping_and_nested_notes_both_render() {
    let site = Archive::new()
        .article("o.txt", "Headline\n\nAlpha beta gamma delta epsilon.\n")
        .annotation(
            "o.toml",
            "[article]\nslug = \"headline\"\n\n[[note]]\nquote = \"beta gamma\"\nkind = \"context\"\nbody = \"one\"\n\n[[note]]\nquote = \"gamma delta\"\nkind = \"framing\"\nbody = \"two\"\n\n[[note]]\nquote = \"Alpha beta gamma delta epsilon\"\nkind = \"comment\"\nbody = \"three\"\n",
        )
        .build();
    let html = site.html("articles/headline/");
    assert_eq!(
        reader_texts(&html, "article mark.note-context").concat(),
        "beta gamma"
    );
    assert_eq!(
        reader_texts(&html, "article mark.note-framing").concat(),
        "gamma delta"
    );
    assert_eq!(
        reader_texts(&html, "article mark.note-comment").concat(),
        "Alpha beta gamma delta epsilon"
    );
    // Notes are numbered by position; each has one marker linking to its note.
    for n in 1..=3 {
        assert_eq!(
            attrs(&html, &format!("a.note-ref[href=\"#note-{n}\"]"), "href").len(),
            1,
            "marker {n}"
        );
        assert_eq!(
            attrs(&html, &format!("li#note-{n}"), "id").len(),
            1,
            "note {n} listed"
        );
    }
}

#[test]
fn notes_anchor_in_headings_and_captions() {
    let site = Archive::new()
        .article("c.txt", "Headline\n\nFILE PHOTO: A soldier in Izium, April 2022. REUTERS/Someone\n\nA first paragraph of text that is long enough to be a paragraph.\n")
        .annotation("c.toml", "[article]\nslug = \"headline\"\n\n[[note]]\nquote = \"A soldier in Izium\"\nkind = \"context\"\nbody = \"Caption note.\"\n")
        .build();
    let html = site.html("articles/headline/");
    assert_eq!(
        texts(&html, "article .caption mark.note-context").concat(),
        "A soldier in Izium"
    );
}

#[test]
fn unknown_wiki_link_in_a_note_is_an_error_with_suggestion() {
    let (code, stderr) = Archive::new()
        .article("a.txt", ARTICLE)
        .annotation(
            "a.toml",
            "[[note]]\nquote = \"It went on.\"\nkind = \"context\"\nbody = \"See [[avdiivk]].\"\n",
        )
        .file(
            "seeds/_entities.toml",
            "[place.avdiivka]\nname = \"Avdiivka\"\n",
        )
        .build_err();
    assert_eq!(code, 1);
    assert!(stderr.contains("seeds/a.toml:4:13"), "{stderr}");
    assert!(
        stderr.contains("unknown article or entity `avdiivk`"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `[[avdiivka]]`?"), "{stderr}");
}
