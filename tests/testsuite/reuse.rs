//! `gloss build` over a site it built before reuses the pages whose fingerprint did
//! not change, without rendering them: the result must equal a fresh build, and
//! anything the fingerprints do not cover (templates, configuration, registries, the
//! list of articles, the output's own files) must make the pages be rendered again.

use std::fs;

use crate::incremental::{project, random_edit, stems, Rng};
use crate::support::{tree, Archive};

/// Runs `gloss build` with `args` and gives its stderr; panics if it fails.
fn build(archive: &Archive, args: &[&str]) -> String {
    let mut all = vec!["build"];
    all.extend_from_slice(args);
    let output = archive.run(&all);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "gloss build failed:\n{stderr}");
    stderr
}

/// The (reused, total) pages a build's summary line names; (0, 0) when it names
/// none, as a build that reused nothing does. Read from the summary line alone: a
/// warning printed before it may hold "; " too.
fn reused(stderr: &str) -> (usize, usize) {
    let summary = stderr
        .lines()
        .find(|line| line.starts_with("built "))
        .unwrap_or_else(|| panic!("no summary line in {stderr}"));
    let Some((_, rest)) = summary.split_once(" unchanged; ") else {
        return (0, 0);
    };
    let mut words = rest.split(' ');
    let reused = words.next().and_then(|n| n.parse().ok());
    let total = words.nth(1).and_then(|n| n.parse().ok());
    match (
        reused,
        total,
        rest.contains(" pages reused from the last build"),
    ) {
        (Some(reused), Some(total), true) => (reused, total),
        _ => panic!("no count of reused pages in {stderr}"),
    }
}

/// `public/` as rebuilt in place, against a build of the same sources into a folder
/// of its own; the paths that differ, if any.
fn differences_from_a_fresh_build(archive: &Archive) -> Vec<String> {
    let fresh = archive.root().join("fresh");
    build(archive, &["--output", "fresh", "--quiet"]);
    let rebuilt = tree(&archive.root().join("public"));
    let expected = tree(&fresh);
    fs::remove_dir_all(&fresh).expect("remove the fresh build");
    let mut paths: Vec<&String> = rebuilt.keys().chain(expected.keys()).collect();
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .filter(|p| rebuilt.get(*p) != expected.get(*p))
        .cloned()
        .collect()
}

#[test]
fn rebuilds_after_random_edits_equal_fresh_builds() {
    let archive = project();
    let root = archive.root().to_path_buf();
    let first = build(&archive, &[]);
    assert_eq!(reused(&first), (0, 0), "a first build has nothing to reuse");
    let mut rng = Rng(0x5eed_0fa1_2b3c_0002);
    let mut reusing_builds = 0;
    for step in 1..=20 {
        let path = random_edit(&mut rng, &root, step);
        let output = archive.run(&["build"]);
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        if !output.status.success() {
            // An edit can make the archive invalid (two articles given one slug by
            // chance); the next edit goes on from the last good site.
            continue;
        }
        let (reused, total) = reused(&stderr);
        if reused > 0 {
            reusing_builds += 1;
            assert!(reused < total, "step {step}: an edit re-rendered nothing");
        }
        let differences = differences_from_a_fresh_build(&archive);
        assert!(
            differences.is_empty(),
            "step {step} ({}): the rebuilt site differs from a fresh build in {differences:?}",
            path.display()
        );
    }
    assert!(
        reusing_builds >= 15,
        "most edits should reuse pages, {reusing_builds} of 20 did"
    );
}

#[test]
fn a_rebuild_with_nothing_changed_reuses_every_page() {
    let archive = Archive::seeds();
    build(&archive, &[]);
    let before = tree(&archive.root().join("public"));
    let (reused, total) = reused(&build(&archive, &[]));
    assert!(total > 20, "the seeds make more pages than {total}");
    assert_eq!(reused, total);
    assert_eq!(tree(&archive.root().join("public")), before);
}

#[test]
fn one_edited_note_renders_only_the_pages_that_show_it() {
    let archive = project();
    build(&archive, &[]);
    let stem = &stems(archive.root())[2];
    let path = format!("seeds/{stem}.toml");
    let archive = archive.edit(&path, |text| {
        let edited = text.replacen("body = \"The SDF", "body = \"Edited. The SDF", 1);
        assert_ne!(edited, text, "the seed has a one-line note body to edit");
        edited
    });
    let (reused, total) = reused(&build(&archive, &[]));
    let rendered = total - reused;
    assert!(
        rendered > 0 && rendered * 3 < total,
        "rendered {rendered} of {total} pages for one note body"
    );
    assert!(differences_from_a_fresh_build(&archive).is_empty());
}

/// What the fingerprints do not cover makes every page be rendered again.
#[test]
fn templates_configuration_registries_and_new_articles_render_every_page() {
    type Change = Box<dyn Fn(Archive) -> Archive>;
    let archive = Archive::seeds();
    build(&archive, &[]);
    let changes: Vec<(&str, Change)> = vec![
        (
            "a template",
            Box::new(|a: Archive| {
                a.file(
                    "templates/404.html",
                    "<!doctype html><title>gone</title><p>Not here.</p>",
                )
            }),
        ),
        (
            "a static file",
            Box::new(|a: Archive| a.file("static/extra.css", "p { color: red }")),
        ),
        (
            "site.toml",
            Box::new(|a: Archive| {
                a.edit("site.toml", |t| {
                    t.replacen("title = \"", "title = \"Renamed: ", 1)
                })
            }),
        ),
        (
            "the entities",
            Box::new(|a: Archive| a.edit("seeds/_entities.toml", |t| format!("{t}\n# edited\n"))),
        ),
        (
            "a new article",
            Box::new(|a: Archive| {
                a.article(
                    "zzz_new.txt",
                    "A new article\n\nDaisaku Kaneko spoke again.\n",
                )
            }),
        ),
    ];
    let mut archive = archive;
    for (what, change) in changes {
        archive = change(archive);
        let stderr = build(&archive, &[]);
        assert_eq!(reused(&stderr), (0, 0), "after changing {what}: {stderr}");
        assert!(
            differences_from_a_fresh_build(&archive).is_empty(),
            "after changing {what}"
        );
        // And the build after that, with nothing changed, reuses everything again.
        let (reused, total) = reused(&build(&archive, &[]));
        assert_eq!(reused, total, "the build after changing {what}");
    }
    // Another base URL given on the command line is another site.
    let stderr = build(&archive, &["--base-url", "https://mirror.example.net/"]);
    assert_eq!(reused(&stderr), (0, 0), "{stderr}");
}

/// A template that shows the time of the build is rendered on every build.
#[test]
fn a_template_calling_now_turns_reuse_off() {
    let archive = Archive::seeds().file(
        "templates/404.html",
        "<!doctype html><title>gone</title><p>Built at {{ now(timestamp=true) }}.</p>",
    );
    build(&archive, &[]);
    let stderr = build(&archive, &[]);
    assert_eq!(reused(&stderr), (0, 0), "{stderr}");
}

/// A page removed or changed in the output by hand is rendered again, not reused.
#[test]
fn pages_changed_in_the_output_are_rendered_again() {
    let archive = Archive::seeds();
    build(&archive, &[]);
    let public = archive.root().join("public");
    let before = tree(&public);
    let page = before
        .keys()
        .find(|p| p.starts_with("articles/") && p.ends_with("index.html"))
        .expect("an article page")
        .clone();
    let export = page.replace("index.html", "annotations.jsonld");
    fs::remove_file(public.join(&page)).expect("remove a page");
    let mut changed = before[&export].clone();
    changed.extend_from_slice(b"\n");
    fs::write(public.join(&export), changed).expect("edit an export");
    let tag_page = before
        .keys()
        .find(|p| p.starts_with("tags/") && p.ends_with("index.html") && p.len() > 16)
        .expect("a tag page")
        .clone();
    fs::remove_file(public.join(&tag_page)).expect("remove a tag page");

    let (reused, total) = reused(&build(&archive, &[]));
    // The article's unit (its page and its two files) and the tag page's.
    assert_eq!(total - reused, 2, "{reused} of {total} reused");
    assert_eq!(tree(&public), before, "the output was not put right");
}
