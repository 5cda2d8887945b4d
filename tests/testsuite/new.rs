//! `gloss new`: scaffolding an annotation file that parses and passes `gloss check`.

use std::fs;

use crate::support::Archive;

const ARTICLE: &str = "Japanese volunteer Daisaku Kaneko returns to Avdiivka\n\n\
By Test Writer\n\n\
Daisaku Kaneko, who was wounded near Avdiivka last year, told reporters on Monday that he would go back to the front.\n\n\
Mr. Kaneko said the town, which some reports spell Avdeevka, had changed beyond recognition since the winter.\n";

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn scaffolds_an_annotation_that_check_accepts() {
    let archive = Archive::seeds().article("005_new.txt", ARTICLE);
    let output = archive.run(&["new", "seeds/005_new.txt"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("wrote seeds/005_new.toml"),
        "{}",
        stderr(&output)
    );

    let text = fs::read_to_string(archive.root().join("seeds/005_new.toml")).expect("written");
    let table: toml::Table = toml::from_str(&text).expect("the scaffold is valid TOML");
    let article = table["article"].as_table().expect("[article]");
    assert_eq!(
        article["title"].as_str(),
        Some("Japanese volunteer Daisaku Kaneko returns to Avdiivka")
    );
    assert_eq!(
        article["slug"].as_str(),
        Some("japanese-volunteer-daisaku-kaneko-returns-to-avdiivka")
    );
    assert!(
        text.contains("# mentions found automatically: Avdiivka (2×), Daisaku Kaneko (2×)"),
        "{text}"
    );
    assert!(
        text.contains("friday-digital"),
        "known source ids are listed"
    );
    assert!(
        text.contains("byline found: By Test Writer") || text.contains("byline found: Test Writer"),
        "{text}"
    );
    for table in [
        "# [[note]]",
        "# [[claim]]",
        "# [[mention]]",
        "# [[see_also]]",
        "# [parse]",
        "# correct = ",
        "# ignore = true",
    ] {
        assert!(text.contains(table), "missing example {table}");
    }

    let check = archive.run(&["check", "--format", "json"]);
    let stdout = String::from_utf8_lossy(&check.stdout);
    for line in stdout.lines() {
        let diagnostic: serde_json::Value = serde_json::from_str(line).expect("JSON line");
        if diagnostic["file"]
            .as_str()
            .is_some_and(|f| f.contains("005_new"))
        {
            assert_eq!(diagnostic["severity"], "warning", "{line}");
        }
    }
    assert!(check.status.success(), "{}", stderr(&check));
    // And the article is published under the scaffolded slug.
    archive
        .build()
        .page("articles/japanese-volunteer-daisaku-kaneko-returns-to-avdiivka/");
}

#[test]
fn titles_are_escaped_and_markdown_titles_found() {
    let archive = Archive::new().article(
        "md.md",
        "# A \"quoted\" title with a back\\\\slash\n\nSome body text that is long enough to be a paragraph of its own.\n",
    );
    let output = archive.run(&["new", "seeds/md.md"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = fs::read_to_string(archive.root().join("seeds/md.toml")).expect("written");
    let table: toml::Table = toml::from_str(&text).expect("valid TOML");
    assert_eq!(
        table["article"]["title"].as_str(),
        Some("A \"quoted\" title with a back\\slash")
    );
    assert!(text.contains("No entity from _entities.toml is mentioned"));
    assert!(archive.run(&["check"]).status.success());
}

#[test]
fn refuses_to_overwrite() {
    let archive = Archive::seeds()
        .article("005_new.txt", ARTICLE)
        .annotation("005_new.toml", "# mine\n");
    let output = archive.run(&["new", "seeds/005_new.txt"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains(
            "seeds/005_new.toml: error: annotation file already exists; not overwriting it"
        ),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        fs::read_to_string(archive.root().join("seeds/005_new.toml")).expect("kept"),
        "# mine\n"
    );
}

#[test]
fn missing_or_wrong_files_are_named() {
    let archive = Archive::seeds();
    let missing = archive.run(&["new", "seeds/nope.txt"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stderr(&missing).contains("seeds/nope.txt: error: article file not found"),
        "{}",
        stderr(&missing)
    );

    let wrong = archive.run(&["new", "seeds/_entities.toml"]);
    assert_eq!(wrong.status.code(), Some(1));
    assert!(
        stderr(&wrong).contains(
            "seeds/_entities.toml: error: not an article: articles are `.txt` or `.md` files"
        ),
        "{}",
        stderr(&wrong)
    );
    assert!(!archive.root().join("seeds/nope.toml").exists());
}
