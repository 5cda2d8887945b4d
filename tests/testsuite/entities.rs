//! Entities and cross-references: mentions, explicit and suppressed mentions, registry
//! errors, related articles, see-also.

use crate::support::{attrs, texts, Archive};

const ENTITIES: &str = r#"[person.kei-kato]
name = "Kei Kato"
aliases = ["Kato"]

[person.taro-kato]
name = "Taro Kato"

[place.avdiivka]
name = "Avdiivka"
aliases = ["Avdeevka", "Audi Iuka"]

[place.kyiv]
name = "Kyiv"
aliases = ["Kiev"]

[organization.nato]
name = "NATO"
"#;

fn archive() -> Archive {
    Archive::new()
        .file("seeds/_entities.toml", ENTITIES)
        .article("a.txt", "First story\n\nKei Kato wrote from Avdeevka; Kato's notes and Taro Kato's photos.\n\nThe Katowice office and nato are not mentions, but NATO is.\n")
        .annotation("a.toml", "[article]\nslug = \"a\"\n")
}

#[test]
fn mentions_are_longest_whole_word_matches_linked_to_entity_pages() {
    let site = archive().build();
    let html = site.html("articles/a/");
    let people = texts(&html, "article a.mention-person");
    assert_eq!(people, ["Kei Kato", "Kato", "Taro Kato"]);
    let hrefs = attrs(&html, "article a.mention-person", "href");
    assert_eq!(
        hrefs,
        [
            "/people/kei-kato/",
            "/people/kei-kato/",
            "/people/taro-kato/"
        ]
    );
    assert_eq!(texts(&html, "article a.mention-place"), ["Avdeevka"]);
    assert_eq!(texts(&html, "article a.mention-organization"), ["NATO"]);
    // Each mention has a stable anchor the entity page links to.
    let ids = attrs(&html, "article a.mention", "id");
    assert_eq!(
        ids,
        [
            "m-kei-kato-1",
            "m-avdiivka-1",
            "m-kei-kato-2",
            "m-taro-kato-1",
            "m-nato-1"
        ]
    );
    let kei = site.html("people/kei-kato/");
    let spots = attrs(&kei, "main a", "href");
    assert!(
        spots.contains(&"/articles/a/#m-kei-kato-1".to_owned()),
        "{spots:?}"
    );
}

#[test]
fn explicit_mentions_add_and_ignore_suppresses() {
    let site = archive()
        .annotation(
            "a.toml",
            "[article]\nslug = \"a\"\n\n[[mention]]\nentity = \"kyiv\"\nquote = \"office\"\n\n[[mention]]\nentity = \"nato\"\nquote = \"NATO\"\nignore = true\n",
        )
        .build();
    let html = site.html("articles/a/");
    assert_eq!(
        texts(&html, "article a.mention-place"),
        ["Avdeevka", "office"]
    );
    assert!(texts(&html, "article a.mention-organization").is_empty());
}

#[test]
fn unknown_entity_in_a_mention_suggests_the_closest_id() {
    let (code, stderr) = archive()
        .annotation(
            "a.toml",
            "[[mention]]\nentity = \"avdiivk\"\nquote = \"office\"\n",
        )
        .build_err();
    assert_eq!(code, 1);
    assert!(stderr.contains("seeds/a.toml:2:10"), "{stderr}");
    assert!(stderr.contains("unknown entity `avdiivk`"), "{stderr}");
    assert!(stderr.contains("did you mean `avdiivka`?"), "{stderr}");
}

#[test]
fn an_alias_of_two_entities_is_an_error_at_its_position() {
    let (code, stderr) = archive()
        .file(
            "seeds/_entities.toml",
            &format!(
                "{ENTITIES}\n[place.kiev-oblast]\nname = \"Kyiv Oblast\"\naliases = [\"Kiev\"]\n"
            ),
        )
        .build_err();
    assert_eq!(code, 1);
    assert!(stderr.contains("seeds/_entities.toml:21:12"), "{stderr}");
    assert!(
        stderr.contains("`Kiev` names both `kyiv` and `kiev-oblast`"),
        "{stderr}"
    );
}

#[test]
fn unknown_entity_kind_is_an_error() {
    let (_, stderr) = archive()
        .file("seeds/_entities.toml", "[persn.x]\nname = \"X\"\n")
        .build_err();
    assert!(stderr.contains("seeds/_entities.toml:1:2"), "{stderr}");
    assert!(stderr.contains("unknown entity kind `persn`"), "{stderr}");
    assert!(stderr.contains("did you mean `person`?"), "{stderr}");
}

#[test]
fn related_articles_weigh_rare_entities_over_common_ones() {
    // Every article mentions NATO (it links nothing); b shares the rare Avdiivka with a,
    // c shares only Kyiv, which d also mentions.
    let site = Archive::new()
        .file("seeds/_entities.toml", ENTITIES)
        .article("a.txt", "Story A\n\nNATO met in Avdiivka and in Kyiv.\n")
        .annotation("a.toml", "[article]\nslug = \"a\"\n")
        .article("b.txt", "Story B\n\nNATO in Avdiivka.\n")
        .annotation("b.toml", "[article]\nslug = \"b\"\n")
        .article("c.txt", "Story C\n\nNATO in Kyiv.\n")
        .annotation("c.toml", "[article]\nslug = \"c\"\n")
        .article("d.txt", "Story D\n\nNATO in Kyiv, with Kei Kato.\n")
        .annotation("d.toml", "[article]\nslug = \"d\"\n")
        .build();
    let related = attrs(&site.html("articles/a/"), ".panel-related a", "href");
    assert_eq!(
        related.first().map(String::as_str),
        Some("/articles/b/"),
        "{related:?}"
    );
    assert!(related.contains(&"/articles/c/".to_owned()));
    // An article sharing only NATO (in every article) is not related at all.
    let e_site_related = attrs(&site.html("articles/b/"), ".panel-related a", "href");
    assert_eq!(e_site_related, ["/articles/a/"]);
}

#[test]
fn see_also_shows_why_and_backlinks() {
    let site = Archive::new()
        .article("a.txt", "Story A\n\nText of A.\n")
        .annotation("a.toml", "[article]\nslug = \"a\"\n\n[[see_also]]\narticle = \"b\"\nwhy = \"The same event, another outlet\"\n")
        .article("b.txt", "Story B\n\nText of B.\n")
        .annotation("b.toml", "[article]\nslug = \"b\"\n")
        .build();
    let a = site.page("articles/a/");
    assert!(a.contains("/articles/b/") && a.contains("The same event, another outlet"));
    let b = site.page("articles/b/");
    assert!(
        b.contains("/articles/a/") && b.contains("The same event, another outlet"),
        "backlink missing"
    );
}

#[test]
fn unknown_see_also_target_is_an_error() {
    let (_, stderr) = Archive::new()
        .article("a.txt", "Story A\n\nText.\n")
        .annotation("a.toml", "[[see_also]]\narticle = \"zzz\"\n")
        .build_err();
    assert!(stderr.contains("seeds/a.toml:2:11"), "{stderr}");
    assert!(stderr.contains("unknown article `zzz`"), "{stderr}");
}

#[test]
fn entity_pages_show_mentions_in_context_and_company() {
    let site = archive().build();
    let html = site.html("places/avdiivka/");
    let context = texts(&html, "main mark").concat();
    assert_eq!(context, "Avdeevka");
    let main = texts(&html, "main").concat();
    assert!(main.contains("Kei Kato wrote from"), "{main}");
    let together = attrs(&html, "main a", "href");
    assert!(
        together.contains(&"/people/kei-kato/".to_owned()),
        "co-occurring entities missing: {together:?}"
    );
    let index = texts(&site.html("places/"), "main").concat();
    assert!(index.contains("Avdiivka") && index.contains("Kyiv"));
}

#[test]
fn graph_is_an_inline_svg_without_script() {
    let site = archive().build();
    let page = site.page("graph/");
    assert!(page.contains("<svg"), "no svg");
    assert!(page.contains("/articles/a/") && page.contains("/people/kei-kato/"));
    let html = site.html("graph/");
    assert!(texts(&html, "main script").is_empty());
}

#[test]
fn mention_linking_follows_the_site_option() {
    let text = "First story\n\nKato met Kato. Then Kato left.\n\nKato again.\n";
    let first = archive()
        .article("a.txt", text)
        .file(
            "site.toml",
            "title = \"T\"\n[links]\nmentions = \"first\"\n",
        )
        .build();
    let html = first.html("articles/a/");
    // One link per entity per paragraph; the other mentions stay plain text.
    assert_eq!(texts(&html, "article a.mention-person").len(), 2);
    let none = archive()
        .article("a.txt", text)
        .file("site.toml", "title = \"T\"\n[links]\nmentions = \"none\"\n")
        .build();
    assert!(texts(&none.html("articles/a/"), "article a.mention").is_empty());
    // Entity pages still list every mention, and their links to each spot resolve.
    assert!(texts(&none.html("people/kei-kato/"), "main mark").len() >= 4);
    for site in [&first, &none] {
        let links = gloss::check::check_links(&site.output(), "/");
        assert!(
            links.report.diagnostics.is_empty(),
            "{:?}",
            links.report.short_lines()
        );
    }
}
