//! diagnostics tests

use crate::support::Archive;

#[test]
fn a_broken_annotation_file_is_the_only_error_reported() {
    // Seed 001 and 003 link to 000; breaking 000's annotation must not make those links
    // errors too.
    let archive = Archive::seeds().edit("seeds/000_3b4df888474cdb9e.toml", |text| {
        text.replacen("[article]", "[article\n", 1)
    });
    let (code, stderr) = archive.build_err();
    assert_eq!(code, 1);
    assert_eq!(stderr.matches("error:").count(), 2, "{stderr}"); // the error and the summary line
    assert!(
        stderr.contains("seeds/000_3b4df888474cdb9e.toml:"),
        "{stderr}"
    );
    assert!(!stderr.contains("unknown article"), "{stderr}");
}

fn one_article() -> Archive {
    Archive::new()
        .article("a.txt", "A headline\n\nA paragraph of text.\n")
        .file("seeds/_sources.toml", "[source.rt]\nname = \"RT\"\n")
}

#[test]
fn unknown_key_suggests_the_right_one() {
    let (code, stderr) = one_article()
        .annotation("a.toml", "[article]\ntitel = \"x\"\n")
        .build_err();
    assert_eq!(code, 1);
    assert!(stderr.contains("seeds/a.toml:2:1"), "{stderr}");
    assert!(stderr.contains("unknown field `titel`"), "{stderr}");
    assert!(stderr.contains("did you mean `title`?"), "{stderr}");
}

#[test]
fn wrong_type_names_what_was_expected() {
    let (_, stderr) = one_article()
        .annotation("a.toml", "[article]\ntags = \"ukraine\"\n")
        .build_err();
    assert!(stderr.contains("seeds/a.toml:2:8"), "{stderr}");
    assert!(
        stderr.contains("invalid type: string \"ukraine\", expected a sequence"),
        "{stderr}"
    );
    let (_, stderr) = one_article()
        .annotation("a.toml", "[article]\npublished = \"2024-02-30\"\n")
        .build_err();
    assert!(stderr.contains("seeds/a.toml:2:13"), "{stderr}");
    assert!(
        stderr.contains("invalid date `2024-02-30`: no such day in that month"),
        "{stderr}"
    );
}

#[test]
fn unknown_source_suggests_a_known_one() {
    let (_, stderr) = one_article()
        .annotation("a.toml", "[article]\nsource = \"rtt\"\n")
        .build_err();
    assert!(stderr.contains("seeds/a.toml:2:10"), "{stderr}");
    assert!(stderr.contains("unknown source `rtt`"), "{stderr}");
    assert!(stderr.contains("did you mean `rt`?"), "{stderr}");
}

#[test]
fn check_reports_everything_at_once_as_json_lines() {
    let archive = one_article()
        .annotation("a.toml", "[article]\nsource = \"rtt\"\n\n[[note]]\nquote = \"not in the text at all\"\nkind = \"context\"\nbody = \"x\"\n");
    let output = archive.run(&["check", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let errors: Vec<&serde_json::Value> =
        lines.iter().filter(|l| l["severity"] == "error").collect();
    assert_eq!(errors.len(), 2, "{stdout}");
    assert_eq!(errors[0]["file"], "seeds/a.toml");
    assert_eq!(
        (errors[0]["line"].as_u64(), errors[0]["column"].as_u64()),
        (Some(2), Some(10))
    );
    assert_eq!(
        (errors[1]["line"].as_u64(), errors[1]["column"].as_u64()),
        (Some(5), Some(9))
    );
}

#[test]
fn a_long_line_is_shown_cut_around_the_problem_with_the_file_s_column() {
    // A quote of 3,000 characters: printed whole, it and its row of carets would fill
    // the terminal.
    let quote = format!("{} not in the text", "word ".repeat(600));
    let annotation = format!(
        "[article]\ntitle = \"A\"\n\n[[note]]\nkind = \"context\"\nbody = \"x\"\nquote = \"{quote}\"\n"
    );
    let output = one_article()
        .annotation("a.toml", &annotation)
        .run(&["check"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("seeds/a.toml:7:9"), "{stderr}");
    assert!(stderr.contains("quote not found"), "{stderr}");
    let source_line = stderr
        .lines()
        .find(|line| line.trim_start().starts_with("7 │"))
        .unwrap_or_else(|| panic!("no source line in {stderr}"));
    assert!(source_line.contains("quote = \"word word"), "{source_line}");
    assert!(source_line.ends_with('…'), "{source_line}");
    let widest = stderr.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(widest < 130, "a line of {widest} characters in {stderr}");
}

#[test]
fn a_long_passage_in_a_note_is_quoted_by_its_ends() {
    // A note that quotes a whole re-anchored passage of 850 characters would bury the
    // warning it explains. (Quotes over 1,000 characters are only matched exactly.)
    let paragraph: String = (0..18)
        .map(|i| format!("Sentence number {i} says something of its own."))
        .collect::<Vec<_>>()
        .join(" ");
    let quote = paragraph.replacen("number 9 says", "number 9 sayz", 1);
    let annotation = format!(
        "[article]\ntitle = \"A\"\n\n[[note]]\nkind = \"context\"\nbody = \"x\"\nquote = \"{quote}\"\n"
    );
    let output = Archive::new()
        .article("a.txt", &format!("A headline\n\n{paragraph}\n"))
        .annotation("a.toml", &annotation)
        .run(&["check"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("re-anchored approximately"), "{stderr}");
    let note = stderr
        .lines()
        .find(|line| line.contains("now anchored to:"))
        .unwrap_or_else(|| panic!("no note in {stderr}"));
    assert!(
        note.contains("“Sentence number 0 says")
            && note.contains(&format!("({} characters)”", paragraph.chars().count())),
        "{note}"
    );
    assert!(note.chars().count() < 160, "{note}");
}
