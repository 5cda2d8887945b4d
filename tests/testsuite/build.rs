//! `gloss build`: output folder safety, escaping, templates, Markdown articles.

use std::fs;

use crate::support::{attrs, texts, Archive};

const ARTICLE: &str = "A headline about <b>bold</b> & \"quotes\"\n\nFirst paragraph mentions <script>alert(1)</script> here.\n\nSecond paragraph.\n";

#[test]
fn article_and_annotation_text_is_escaped() {
    let site = Archive::new()
        .article("a.txt", ARTICLE)
        .annotation(
            "a.toml",
            r#"[article]
slug = "a"
summary = "Summary with <img src=x onerror=alert(1)> and **bold**"
tags = ["x"]

[[note]]
quote = "<script>alert(1)</script>"
kind = "comment"
body = "Body with <script>alert(2)</script> and [link](javascript:alert(3))."
"#,
        )
        .build();
    let page = site.page("articles/a/");
    assert!(!page.contains("<script>alert"), "unescaped script in page");
    assert!(!page.contains("onerror"), "unsanitised attribute in page");
    assert!(!page.contains("javascript:"), "script link in page");
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
            || page.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
    );
    let html = site.html("articles/a/");
    assert_eq!(
        texts(&html, "h1").concat().trim(),
        "A headline about <b>bold</b> & \"quotes\""
    );
    assert_eq!(
        texts(&html, "article mark.note-comment").concat(),
        "<script>alert(1)</script>"
    );
    let home = site.page("");
    assert!(!home.contains("onerror"));
    // In the JSON-LD script, `<` is written `\u003c`: no `</script>` or `<!--` can
    // end or hide the script early, and the JSON still reads back as the title.
    let scripts = texts(&html, "script[type=\"application/ld+json\"]");
    let json = scripts.first().expect("JSON-LD");
    assert!(!json.contains('<'), "{json}");
    let data: serde_json::Value = serde_json::from_str(json).expect("valid JSON");
    assert_eq!(
        data["@graph"][0]["headline"],
        "A headline about <b>bold</b> & \"quotes\""
    );
}

#[test]
fn failed_build_leaves_the_previous_site_untouched() {
    let archive = Archive::new().article("a.txt", ARTICLE);
    let archive = archive.build().archive;
    let before = fs::read_to_string(archive.root().join("public/index.html")).expect("first build");
    let archive = archive.annotation("a.toml", "[article]\ntitle = \n");
    let (code, stderr) = archive.build_err();
    assert_eq!(code, 1);
    assert!(stderr.contains("seeds/a.toml:2:9"), "{stderr}");
    let after =
        fs::read_to_string(archive.root().join("public/index.html")).expect("site still there");
    assert_eq!(before, after);
    let leftovers: Vec<_> = fs::read_dir(archive.root())
        .expect("root")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".public"))
        .collect();
    assert!(leftovers.is_empty(), "temporary folders left behind");
}

#[test]
fn refuses_to_write_into_sources_or_foreign_folders() {
    let archive = Archive::new()
        .article("a.txt", ARTICLE)
        .file("mine/keep.txt", "my notes");
    for folder in [".", "seeds", "templates", "mine"] {
        let output = archive.run(&["build", "--output", folder]);
        assert_eq!(
            output.status.code(),
            Some(1),
            "--output {folder} was accepted"
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("refusing to write the site here"),
            "{stderr}"
        );
    }
    assert_eq!(
        fs::read_to_string(archive.root().join("mine/keep.txt")).expect("kept"),
        "my notes"
    );
    assert!(archive.root().join("seeds/a.txt").exists());
}

#[test]
fn rebuilding_replaces_the_previous_output() {
    let archive = Archive::new()
        .article("a.txt", ARTICLE)
        .annotation("a.toml", "[article]\nslug = \"old\"\n");
    let archive = archive.build().archive;
    assert!(archive
        .root()
        .join("public/articles/old/index.html")
        .exists());
    let archive = archive.annotation("a.toml", "[article]\nslug = \"new\"\n");
    let site = archive.build();
    assert!(site.output().join("articles/new/index.html").exists());
    assert!(
        !site.output().join("articles/old").exists(),
        "stale page kept"
    );
}

/// A rebuild leaves alone the site's files whose bytes did not change: they keep their
/// inode and modification time (what `rsync` compares). A file edited by hand in the
/// output, or replaced by a symlink, is written afresh.
#[cfg(unix)]
#[test]
fn rebuilding_rewrites_only_changed_files() {
    use std::os::unix::fs::{symlink, MetadataExt};

    let note = |body: &str| {
        format!("[article]\nslug = \"a\"\n\n[[note]]\nquote = \"First paragraph\"\nkind = \"comment\"\nbody = \"{body}\"\n")
    };
    let archive = Archive::new()
        .article("a.txt", ARTICLE)
        .annotation("a.toml", &note("Before the edit."))
        .article("b.txt", "Another headline\n\nA paragraph of its own.\n")
        .annotation("b.toml", "[article]\nslug = \"b\"\n");
    let first = archive.build();
    assert!(first.stderr.contains(", 0 unchanged)"), "{}", first.stderr);
    let out = first.output();
    let identity = |path: &str| {
        let meta = fs::metadata(out.join(path)).expect(path);
        (meta.ino(), meta.mtime(), meta.mtime_nsec())
    };
    let b_page = identity("articles/b/index.html");
    let a_page = fs::read_to_string(out.join("articles/a/index.html")).expect("a");
    // Same length, other bytes: only a comparison of contents notices.
    let b_text = fs::read_to_string(out.join("articles/b/text.txt")).expect("b text");
    fs::write(out.join("articles/b/text.txt"), "x".repeat(b_text.len())).expect("tamper");
    // A symlink to a file with the right bytes must not be carried into the new site.
    let export = out.join("articles/b/annotations.jsonld");
    let elsewhere = first.archive.root().join("elsewhere.jsonld");
    fs::copy(&export, &elsewhere).expect("copy");
    fs::remove_file(&export).expect("remove");
    symlink(&elsewhere, &export).expect("symlink");

    let archive = first.archive.annotation("a.toml", &note("After the edit."));
    let second = archive.build();
    let files = second.files().len();
    let unchanged: usize = second
        .stderr
        .split(" files, ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no unchanged count in {}", second.stderr));
    assert!(unchanged > 0 && unchanged < files, "{unchanged} of {files}");

    assert_eq!(
        identity("articles/b/index.html"),
        b_page,
        "unchanged page rewritten"
    );
    let a_after = second.file("articles/a/index.html");
    assert_ne!(a_after, a_page);
    assert!(a_after.contains("After the edit."));
    assert_eq!(second.file("articles/b/text.txt"), b_text, "hand edit kept");
    let export_meta = fs::symlink_metadata(second.output().join("articles/b/annotations.jsonld"))
        .expect("export");
    assert!(export_meta.file_type().is_file(), "symlink carried over");
}

#[test]
fn project_templates_override_built_in_ones_file_by_file() {
    let site = Archive::new()
        .article("a.txt", ARTICLE)
        .file(
            "templates/404.html",
            "<!doctype html><title>custom</title><p>Custom not found: {{ site.title }}</p>",
        )
        .build();
    assert!(site
        .page("404.html")
        .contains("Custom not found: Test archive"));
    // Other pages still use the built-in templates.
    assert!(site.page("").contains("<main"));
}

#[test]
fn project_templates_escape_concatenated_article_text() {
    let site = Archive::new()
        .article("a.txt", ARTICLE)
        .file(
            "templates/index.html",
            r#"{% for a in articles %}<p class="t">{{ "Title: " ~ a.title }}</p>{% endfor %}"#,
        )
        .build();
    let home = site.page("");
    assert!(
        home.contains(r#"<p class="t">Title: A headline about &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quotes&quot;</p>"#),
        "{home}"
    );
}

#[test]
fn project_templates_escape_article_text_in_macros_that_make_a_value() {
    // A macro whose output is kept with `set`, or passed to another macro, is
    // evaluated with escaping off; its own `{{ }}` blocks must still escape.
    let site = Archive::new()
        .article("a.txt", ARTICLE)
        .file(
            "templates/index.html",
            concat!(
                "{% macro t(a) %}<b class=\"t\">{{ a.title }}</b>{% endmacro t %}",
                "{% macro wrap(inner) %}<p class=\"w\">{{ inner | safe }}</p>{% endmacro wrap %}",
                "{% for a in articles %}{% set kept = self::t(a=a) %}<p class=\"k\">{{ kept | safe }}</p>",
                "{{ self::wrap(inner=self::t(a=a)) }}{% endfor %}",
            ),
        )
        .build();
    let home = site.page("");
    let title = "A headline about &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quotes&quot;";
    assert!(
        home.contains(&format!(r#"<p class="k"><b class="t">{title}</b></p>"#)),
        "{home}"
    );
    assert!(
        home.contains(&format!(r#"<p class="w"><b class="t">{title}</b></p>"#)),
        "{home}"
    );
}

#[test]
fn template_errors_name_the_template_line_and_column() {
    // A render error: Tera gives no position; the variable's first use stands in.
    let archive = Archive::new().article("a.txt", ARTICLE).file(
        "templates/index.html",
        "{% extends \"base.html\" %}\n{% block content %}\n  <p>{{ nothing.here }}</p>\n{% endblock %}\n",
    );
    let (code, stderr) = archive.build_err();
    assert_eq!(code, 1);
    assert!(stderr.contains("templates/index.html:3:9"), "{stderr}");
    assert!(
        stderr.contains("Variable `nothing.here` not found"),
        "{stderr}"
    );
    // A syntax error: Tera's own position.
    let archive = Archive::new().article("a.txt", ARTICLE).file(
        "templates/index.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{{ unclosed }\n{% endblock %}\n",
    );
    let (code, stderr) = archive.build_err();
    assert_eq!(code, 1);
    assert!(stderr.contains("templates/index.html:3:"), "{stderr}");
    assert!(
        stderr.contains("template error: Failed to parse"),
        "{stderr}"
    );
}

/// Builds an archive whose `templates/<name>` is `text`, expecting the build to fail
/// with exit code 1; returns the archive and the build's stderr.
fn failed_template_build(name: &str, text: &str) -> (Archive, String) {
    let archive = Archive::new()
        .article("a.txt", ARTICLE)
        .file(&format!("templates/{name}"), text);
    let (code, stderr) = archive.build_err();
    assert_eq!(code, 1, "{stderr}");
    (archive, stderr)
}

#[test]
fn a_recursive_macro_or_include_is_an_error_not_a_crash() {
    // Tera recurses until the stack overflows: the process would abort, leaving its
    // staging folder behind. gloss refuses the templates before rendering.
    let macros = "{% macro countdown(n) -%}\n{{ n }} {{ self::countdown(n=n - 1) }}\n{%- endmacro countdown %}\n";
    let (archive, stderr) = failed_template_build("macros.html", macros);
    assert!(stderr.contains("templates/macros.html:2:12"), "{stderr}");
    assert!(
        stderr.contains("macro `countdown` calls itself (countdown → countdown)"),
        "{stderr}"
    );
    assert!(!stderr.contains("overflow"), "{stderr}");
    let left: Vec<String> = std::fs::read_dir(archive.root())
        .expect("read the project folder")
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("building"))
        .collect();
    assert!(left.is_empty(), "staging left behind: {left:?}");
    assert!(!archive.root().join("public").exists());

    let (_, stderr) =
        failed_template_build("404.html", "<p>Not found</p>{% include \"404.html\" %}");
    assert!(stderr.contains("templates/404.html:1:28"), "{stderr}");
    assert!(
        stderr.contains("`404.html` includes itself (404.html → 404.html)"),
        "{stderr}"
    );
}

#[test]
fn a_template_nested_too_deep_for_tera_is_an_error_not_a_crash() {
    // 2,000 nested `if`s overflowed Tera's stack in a release build, 512 in a debug one.
    let ifs = format!(
        "<p>{}x{}</p>",
        "{% if true %}".repeat(2000),
        "{% endif %}".repeat(2000)
    );
    let (_, stderr) = failed_template_build("404.html", &ifs);
    // The 101st `{% if true %}` (13 bytes each, after `<p>`).
    assert!(stderr.contains("templates/404.html:1:1304"), "{stderr}");
    assert!(stderr.contains("nested more than 100 deep"), "{stderr}");

    let parens = format!("{{{{ {}1{} }}}}", "(".repeat(20_000), ")".repeat(20_000));
    let (_, stderr) = failed_template_build("404.html", &parens);
    // The 101st `(`, after `{{ `.
    assert!(stderr.contains("templates/404.html:1:104"), "{stderr}");
    assert!(
        stderr.contains("brackets in one expression are nested more than 100 deep"),
        "{stderr}"
    );
}

#[test]
fn markdown_articles_render_with_code_highlighting() {
    let site = Archive::new()
        .article(
            "m.md",
            "# A Markdown article\n\nSome *emphasis*, a [link](https://example.org), and `code`.\n\n```rust\nfn main() { println!(\"hi\"); }\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nA footnote.[^1]\n\n[^1]: The note.\n",
        )
        .build();
    let html = site.html("articles/a-markdown-article/");
    assert_eq!(texts(&html, "h1").concat().trim(), "A Markdown article");
    assert_eq!(texts(&html, "article em").concat(), "emphasis");
    assert!(attrs(&html, "article a", "href").contains(&"https://example.org".to_owned()));
    assert!(
        !texts(&html, "pre.code code span[class^=\"hl-\"]").is_empty(),
        "code not highlighted"
    );
    assert_eq!(texts(&html, "article td").concat(), "12");
    let css: Vec<String> = site
        .files()
        .into_iter()
        .filter(|f| f.starts_with("static/syntax."))
        .collect();
    assert_eq!(css.len(), 1);
    assert!(site.file(&css[0]).contains("prefers-color-scheme: dark"));
}

#[test]
fn non_utf8_articles_are_rejected_with_the_file_named() {
    let archive = Archive::new();
    fs::write(
        archive.root().join("seeds/latin1.txt"),
        b"Title\n\ncaf\xe9\n",
    )
    .expect("write");
    let (code, stderr) = archive.build_err();
    assert_eq!(code, 1);
    assert!(stderr.contains("seeds/latin1.txt"), "{stderr}");
    assert!(stderr.contains("not valid UTF-8"), "{stderr}");
}

#[test]
fn non_utf8_annotation_files_are_rejected_with_the_file_named() {
    // A build reads each article's files just before parsing them; an unreadable
    // annotation file must still fail the build, naming the file and position.
    let archive = Archive::new().article("a.txt", "A headline\n\nA paragraph.\n");
    fs::write(
        archive.root().join("seeds/a.toml"),
        b"[article]\ntitle = \"caf\xe9\"\n",
    )
    .expect("write");
    let (code, stderr) = archive.build_err();
    assert_eq!(code, 1);
    assert!(stderr.contains("seeds/a.toml"), "{stderr}");
    assert!(
        stderr.contains("invalid byte at line 2, column 13"),
        "{stderr}"
    );
}

#[test]
fn bom_and_crlf_articles_are_read() {
    let site = Archive::new()
        .article(
            "w.txt",
            "\u{feff}Windows headline\r\n\r\nA paragraph from Windows.\r\n",
        )
        .build();
    let html = site.html("articles/windows-headline/");
    assert_eq!(texts(&html, "h1").concat().trim(), "Windows headline");
    assert!(site
        .file("articles/windows-headline/text.txt")
        .starts_with("A paragraph from Windows."));
}

#[test]
fn long_lists_are_paginated_with_working_links() {
    let mut archive = Archive::new().file("site.toml", "title = \"T\"\n[lists]\nper_page = 2\n");
    for n in 1..=5 {
        archive = archive
            .article(
                &format!("a{n}.txt"),
                &format!("Story number {n}\n\nThe text of story {n}.\n"),
            )
            .annotation(
                &format!("a{n}.toml"),
                &format!("[article]\nslug = \"s{n}\"\npublished = 2024-01-0{n}\ntags = [\"t\"]\n"),
            );
    }
    let site = archive.build();
    for page in [
        "index.html",
        "page/2/index.html",
        "page/3/index.html",
        "tags/t/page/3/index.html",
    ] {
        assert!(site.files().contains(&page.to_owned()), "missing {page}");
    }
    assert!(!site.files().contains(&"page/4/index.html".to_owned()));
    // Newest first: page 1 has stories 5 and 4, the last page story 1.
    let first = site.html("");
    assert_eq!(
        attrs(&first, ".card-list h2 a", "href"),
        ["/articles/s5/", "/articles/s4/"]
    );
    assert_eq!(
        attrs(&site.html("page/3/"), ".card-list h2 a", "href"),
        ["/articles/s1/"]
    );
    assert_eq!(attrs(&first, "a[rel=next]", "href"), ["/page/2/"]);
    assert!(texts(&first, "main").concat().contains("5 articles"));
    let links = gloss::check::check_links(&site.output(), "/");
    assert!(
        links.report.diagnostics.is_empty(),
        "{:?}",
        links.report.short_lines()
    );
}

#[test]
fn timings_list_every_stage_with_its_time_and_memory() {
    let site = Archive::seeds().arg("--timings").build();
    let stages = [
        "loading",
        "reading and parsing",
        "linking",
        "rendering pages",
        "indexing for search",
        "writing",
    ];
    let lines: Vec<&str> = site.stderr.lines().collect();
    let mut last = 0;
    for stage in stages {
        let position = lines
            .iter()
            .position(|line| line.starts_with(stage))
            .unwrap_or_else(|| panic!("no `{stage}` line in:\n{}", site.stderr));
        assert!(position > last, "stages out of order:\n{}", site.stderr);
        last = position;
        let line = lines[position];
        assert!(
            line.contains('s') && line.trim_end().ends_with("MB"),
            "`{line}` should give a time and the peak memory"
        );
    }
    // Without the flag (and not on a terminal) only the summary line is printed.
    let plain = Archive::seeds().build();
    assert!(
        !plain.stderr.contains("rendering pages"),
        "{}",
        plain.stderr
    );
    assert!(
        plain.stderr.contains("built 5 articles"),
        "{}",
        plain.stderr
    );
}
