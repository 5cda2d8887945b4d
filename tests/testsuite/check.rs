//! `gloss check`'s archive-wide warnings, in both output formats.

use std::process::Command;

use serde_json::Value;

use crate::support::Archive;

const ARTICLE: &str = "Volunteers arrive in Kyiv\n\n\
The first volunteers reached Kyiv on Monday, after a long journey by train from the west.\n\n\
Share on Twitter\n\n\
Officials in Kiev said more were expected before the end of the month, weather permitting.\n";

const ENTITIES: &str = "[place.kyiv]\nname = \"Kyiv\"\naliases = [\"Kiev\", \"Kyyiv\"]\n\n[person.ghost]\nname = \"Nobody Mentioned\"\n";

fn archive() -> Archive {
    Archive::new()
        .article("a.txt", ARTICLE)
        .annotation("a.toml", "[article]\nslug = \"a\"\n\n[parse]\ndrop = [\"Share on Twitter\", \"Share on Facebok\"]\n")
        .article("b.txt", "A second headline here\n\nA paragraph of the second article, long enough to count as body text.\n")
        .file("seeds/_entities.toml", ENTITIES)
}

/// Runs `gloss check --format json`; each stdout line must be one JSON object.
fn check_json(archive: &Archive) -> (i32, Vec<Value>) {
    let output = archive.run(&["check", "--format", "json"]);
    let diagnostics = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect();
    (output.status.code().unwrap_or(-1), diagnostics)
}

/// The one diagnostic whose message contains `text`.
fn find<'a>(diagnostics: &'a [Value], text: &str) -> &'a Value {
    let found: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["message"].as_str().is_some_and(|m| m.contains(text)))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "one diagnostic containing {text:?} in {diagnostics:#?}"
    );
    found[0]
}

fn position(diagnostic: &Value) -> (&str, Option<u64>, Option<u64>) {
    (
        diagnostic["file"].as_str().unwrap_or_default(),
        diagnostic["line"].as_u64(),
        diagnostic["column"].as_u64(),
    )
}

#[test]
fn warnings_name_file_line_and_column() {
    let (code, diagnostics) = check_json(&archive());
    assert_eq!(code, 0, "warnings do not fail the check: {diagnostics:#?}");
    for diagnostic in &diagnostics {
        assert_eq!(diagnostic["severity"], "warning");
        for key in ["file", "line", "column", "message", "hint", "notes"] {
            assert!(diagnostic.get(key).is_some(), "{key} in {diagnostic}");
        }
    }

    let missing = find(&diagnostics, "article has no annotation file");
    assert_eq!(position(missing), ("seeds/b.txt", None, None));
    assert_eq!(missing["hint"], "create one with `gloss new seeds/b.txt`");

    let ghost = find(
        &diagnostics,
        "entity `ghost` is never mentioned in any article",
    );
    assert_eq!(position(ghost), ("seeds/_entities.toml", Some(5), Some(1)));

    let alias = find(
        &diagnostics,
        "alias `Kyyiv` of `kyiv` never matches in any article",
    );
    assert_eq!(position(alias), ("seeds/_entities.toml", Some(3), Some(20)));
    assert!(
        diagnostics
            .iter()
            .all(|d| !d["message"].as_str().unwrap_or_default().contains("`Kiev`")),
        "Kiev matches"
    );

    let drop = find(
        &diagnostics,
        "`[parse] drop` line matches nothing in the article",
    );
    assert_eq!(position(drop), ("seeds/a.toml", Some(5), Some(29)));
    assert_eq!(
        drop["notes"][0],
        "looked for a line reading: Share on Facebok"
    );
}

#[test]
fn human_output_is_plain_when_not_a_terminal() {
    let archive = archive();
    // Without NO_COLOR: piped output must still carry no colour codes.
    let output = Command::new(env!("CARGO_BIN_EXE_gloss"))
        .current_dir(archive.root())
        .env_remove("NO_COLOR")
        .arg("check")
        .output()
        .expect("run gloss");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "no escape codes: {stderr}");
    assert!(
        stderr.contains("seeds/b.txt: warning: article has no annotation file"),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning: alias `Kyyiv` of `kyiv` never matches in any article"),
        "{stderr}"
    );
    assert!(stderr.contains("┌─ seeds/_entities.toml:3:20"), "{stderr}");
    assert!(stderr.contains("found 4 warnings"), "{stderr}");
}

#[test]
fn a_fully_used_archive_has_no_warnings() {
    let archive = Archive::new()
        .article("a.txt", ARTICLE)
        .annotation(
            "a.toml",
            "[article]\nslug = \"a\"\n\n[parse]\ndrop = [\"Share on Twitter\"]\n",
        )
        .file(
            "seeds/_entities.toml",
            "[place.kyiv]\nname = \"Kyiv\"\naliases = [\"Kiev\"]\n",
        );
    let (code, diagnostics) = check_json(&archive);
    assert_eq!(code, 0);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
}

#[test]
fn errors_still_fail_with_json_positions() {
    let archive = archive().annotation("a.toml", "[article]\nslug = \"a\"\nkind = \"newz\"\n");
    let (code, diagnostics) = check_json(&archive);
    assert_eq!(code, 1);
    let error = diagnostics
        .iter()
        .find(|d| d["severity"] == "error")
        .expect("an error");
    assert_eq!(position(error), ("seeds/a.toml", Some(3), Some(8)));
}

#[test]
fn the_example_archive_checks_clean_of_errors() {
    let (code, diagnostics) = check_json(&Archive::seeds());
    assert_eq!(code, 0, "{diagnostics:#?}");
    assert!(diagnostics.iter().all(|d| d["severity"] == "warning"));
}

/// `gloss check --format json` of the test archive with `templates/<name>` set to
/// `text`, expecting it to fail.
fn failed_template_check(name: &str, text: &str) -> Vec<Value> {
    let (code, diagnostics) = check_json(&archive().file(&format!("templates/{name}"), text));
    assert_eq!(code, 1, "{diagnostics:#?}");
    diagnostics
}

#[test]
fn a_template_that_would_fail_every_build_fails_the_check() {
    // A syntax error: Tera's position.
    let diagnostics = failed_template_check(
        "index.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{{ unclosed }\n{% endblock %}\n",
    );
    let error = find(&diagnostics, "template error: Failed to parse");
    assert_eq!(error["severity"], "error");
    assert_eq!(position(error).0, "templates/index.html");
    assert_eq!(position(error).1, Some(3));

    // A macro that calls itself: the call that closes the loop.
    let diagnostics = failed_template_check(
        "macros.html",
        "{% macro again() %}{{ self::again() }}{% endmacro again %}\n",
    );
    let error = find(&diagnostics, "macro `again` calls itself");
    assert_eq!(
        position(error),
        ("templates/macros.html", Some(1), Some(23))
    );

    // The archive's own warnings are still reported beside the template's error.
    find(&diagnostics, "article has no annotation file");
}
