//! Incremental rebuilds (`gloss::rebuild::Session`, what `gloss serve` uses) give the
//! same files as a full build, after every one of a series of random edits.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use gloss::diagnostics::Report;
use gloss::rebuild::{Outcome, Session};
use gloss::render::{MemorySink, OutputFile};
use gloss::site::{self, BuildOptions};

use crate::support::Archive;

type Files = BTreeMap<String, Vec<u8>>;

/// The site as the session holds it: the first build's files with every update
/// applied, search index included.
struct Tracked {
    files: Files,
}

impl Tracked {
    fn apply(&mut self, (outcome, written): (Outcome, Vec<OutputFile>)) {
        assert_eq!(outcome.written, written.len(), "the count of files written");
        if outcome.full {
            self.files.clear();
        }
        for path in &outcome.removed {
            self.files.remove(path);
        }
        for file in written {
            self.files.insert(file.path, file.contents);
        }
        if let Some(search) = outcome.search {
            let index = search.run();
            self.files
                .retain(|path, _| !path.starts_with(gloss::render::search::BUNDLE_DIR));
            for file in index {
                self.files.insert(file.path, file.contents);
            }
        }
    }
}

/// Runs a session's build or update into a sink of its own: the outcome, and the
/// files the sink got.
fn collected<T>(
    run: impl FnOnce(&MemorySink) -> Result<T, Report>,
) -> Result<(T, Vec<OutputFile>), Report> {
    let sink = MemorySink::default();
    let result = run(&sink)?;
    Ok((result, sink.into_rendered().files))
}

fn start(root: &Path) -> (Session, (Outcome, Vec<OutputFile>)) {
    let ((session, outcome), files) =
        collected(|sink| Session::start(root, &BuildOptions::default(), sink)).expect("build");
    (session, (outcome, files))
}

fn full_build(root: &Path) -> Files {
    let built = site::build(root, &BuildOptions::default()).expect("full build");
    built
        .rendered
        .files
        .into_iter()
        .map(|f| (f.path, f.contents))
        .collect()
}

/// Fails with the paths that differ (not the contents: pages are long).
fn assert_same(incremental: &Files, full: &Files, step: &str) {
    let only_incremental: Vec<&String> = incremental
        .keys()
        .filter(|p| !full.contains_key(*p))
        .collect();
    let only_full: Vec<&String> = full
        .keys()
        .filter(|p| !incremental.contains_key(*p))
        .collect();
    let different: Vec<&String> = full
        .iter()
        .filter(|(p, contents)| incremental.get(*p).is_some_and(|c| c != *contents))
        .map(|(p, _)| p)
        .collect();
    assert!(
        only_incremental.is_empty() && only_full.is_empty() && different.is_empty(),
        "after {step}: incremental and full builds differ\n  only incremental: {only_incremental:?}\n  only full: {only_full:?}\n  different: {different:?}"
    );
}

/// A small deterministic PRNG (xorshift64*), so a failure can be replayed.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).expect("small")
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The seeds with two articles a page and a timeline split by year, so that date and
/// tag edits move articles across page boundaries.
pub(crate) fn project() -> Archive {
    Archive::seeds().edit("site.toml", |text| {
        format!("{text}\n[lists]\nper_page = 2\ntimeline_max = 3\n")
    })
}

pub(crate) fn stems(root: &Path) -> Vec<String> {
    let mut stems: Vec<String> = fs::read_dir(root.join("seeds"))
        .expect("seeds")
        .filter_map(|e| {
            let path = e.expect("entry").path();
            (path.extension()? == "txt")
                .then(|| path.file_stem()?.to_str().map(str::to_owned))
                .flatten()
        })
        .collect();
    stems.sort();
    stems
}

/// One random edit of an annotation or article file; returns the path it wrote.
pub(crate) fn random_edit(rng: &mut Rng, root: &Path, edit: usize) -> PathBuf {
    let all = stems(root);
    let stem = rng.pick(&all).clone();
    let other = rng.pick(&all).clone();
    let relative = PathBuf::from(format!("seeds/{stem}.toml"));
    let path = root.join(&relative);
    let mut table: toml::Table = fs::read_to_string(&path)
        .expect("annotation")
        .parse()
        .expect("annotation parses");
    let article = table
        .entry("article")
        .or_insert_with(|| toml::Value::Table(toml::Table::new()))
        .as_table_mut()
        .expect("[article] table");
    match rng.below(10) {
        0 => {
            article.insert("title".into(), format!("Edited title {edit}").into());
        }
        1 => {
            article.insert("slug".into(), format!("edited-{edit}").into());
        }
        2 => {
            let date = format!(
                "20{:02}-{:02}-{:02}",
                10 + rng.below(15),
                1 + rng.below(12),
                1 + rng.below(28)
            );
            article.insert(
                "published".into(),
                toml::Value::Datetime(date.parse().expect("date")),
            );
        }
        3 => {
            let pool = [
                "alpha",
                "beta",
                "gamma",
                "japanese-volunteers",
                "state-media",
            ];
            let tags: Vec<toml::Value> = pool
                .iter()
                .filter(|_| rng.below(2) == 0)
                .map(|t| toml::Value::from(*t))
                .collect();
            article.insert("tags".into(), toml::Value::Array(tags));
        }
        4 => {
            article.insert(
                "summary".into(),
                format!("Compare [[{other}]], with [[daisaku-kaneko]] (edit {edit}).").into(),
            );
        }
        5 => {
            let source = *rng.pick(&["rt", "friday-digital"]);
            article.insert("source".into(), source.into());
        }
        6 => {
            if rng.below(2) == 0 && other != stem {
                let mut link = toml::Table::new();
                link.insert("article".into(), other.clone().into());
                link.insert("why".into(), format!("Same story (edit {edit})").into());
                table.insert(
                    "see_also".into(),
                    toml::Value::Array(vec![toml::Value::Table(link)]),
                );
            } else {
                table.remove("see_also");
            }
        }
        7 => {
            if let Some(notes) = table.get_mut("note").and_then(toml::Value::as_array_mut) {
                if !notes.is_empty() {
                    let index = rng.below(notes.len());
                    notes.remove(index);
                }
            }
        }
        8 => {
            if let Some(notes) = table.get_mut("note").and_then(toml::Value::as_array_mut) {
                if let Some(note) = notes.first_mut().and_then(toml::Value::as_table_mut) {
                    note.insert(
                        "body".into(),
                        format!("Rewritten in edit {edit}; see [[{other}]].").into(),
                    );
                }
            }
        }
        _ => {
            // The article text itself: a new paragraph that mentions an entity the
            // article may not have mentioned before (which changes related articles).
            let name = *rng.pick(&[
                "Daisaku Kaneko",
                "Barack Obama",
                "Zhytomyr",
                "NATO",
                "Easter truce",
            ]);
            let text_path = PathBuf::from(format!("seeds/{stem}.txt"));
            let mut text = fs::read_to_string(root.join(&text_path)).expect("article");
            let _ = writeln!(text, "\n{name} was named again in edit {edit}.");
            fs::write(root.join(&text_path), text).expect("write article");
            return text_path;
        }
    }
    fs::write(&path, toml::to_string(&table).expect("serialise")).expect("write annotation");
    relative
}

/// The test project, its first build in a session, and the files that build made.
fn started() -> (Archive, Session, Tracked) {
    let project = project();
    let (session, first) = start(project.root());
    let mut tracked = Tracked {
        files: Files::new(),
    };
    tracked.apply(first);
    (project, session, tracked)
}

#[test]
fn incremental_rebuilds_equal_full_builds_after_random_edits() {
    let (project, mut session, mut tracked) = started();
    let root = project.root().to_path_buf();
    let options = BuildOptions::default();
    assert_same(&tracked.files, &full_build(&root), "the first build");

    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let mut incremental_updates = 0;
    for step in 1..=30 {
        let path = random_edit(&mut rng, &root, step);
        let changed = BTreeSet::from([path.clone()]);
        let outcome = match collected(|sink| session.update(&changed, sink)) {
            Ok(outcome) => outcome,
            // An edit can make the archive invalid (two articles given the same slug
            // by chance, say); a full build must then fail too.
            Err(report) => {
                assert!(
                    site::build(&root, &options).is_err(),
                    "step {step} ({}): the update failed but a full build works:\n{}",
                    path.display(),
                    report.to_plain_text()
                );
                continue;
            }
        };
        if !outcome.0.full {
            incremental_updates += 1;
        }
        tracked.apply(outcome);
        assert_same(
            &tracked.files,
            &full_build(&root),
            &format!("step {step} ({})", path.display()),
        );
    }
    assert!(
        incremental_updates >= 24,
        "most edits should take the incremental path, {incremental_updates} did"
    );
}

#[test]
fn a_broken_file_fails_the_update_and_fixing_it_recovers() {
    let (project, mut session, mut tracked) = started();
    let root = project.root().to_path_buf();

    let stem = &stems(&root)[1];
    let relative = PathBuf::from(format!("seeds/{stem}.toml"));
    let good = fs::read_to_string(root.join(&relative)).expect("annotation");
    let changed = BTreeSet::from([relative.clone()]);

    fs::write(root.join(&relative), format!("[article\n{good}")).expect("break");
    let report =
        collected(|sink| session.update(&changed, sink)).expect_err("a TOML syntax error fails");
    assert!(report
        .to_plain_text()
        .contains(&relative.display().to_string()));

    // Fixed, with a new title: the page and every list showing it change.
    let fixed: String = good
        .lines()
        .map(|line| {
            if line.starts_with("title = ") {
                "title = \"Fixed and renamed\"".to_owned()
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert_ne!(fixed, good, "the seed has a title line to change");
    fs::write(root.join(&relative), fixed).expect("fix");
    let outcome = collected(|sink| session.update(&changed, sink)).expect("the fixed file builds");
    assert!(
        !outcome.0.full,
        "fixing an annotation file is an incremental update"
    );
    tracked.apply(outcome);
    assert_same(&tracked.files, &full_build(&root), "the fix");
}

#[test]
fn editing_one_note_renders_only_the_pages_that_show_it() {
    let project = project();
    let root = project.root().to_path_buf();
    let (mut session, (first, _)) = start(&root);
    let total = first.units_total;
    let stem = &stems(&root)[2];
    let relative = PathBuf::from(format!("seeds/{stem}.toml"));
    let text = fs::read_to_string(root.join(&relative)).expect("annotation");
    // A note body: a change only the article page (and the whole-archive pages:
    // timeline, graph, feeds) can show.
    let edited = text.replacen("body = \"The SDF", "body = \"Edited. The SDF", 1);
    assert_ne!(edited, text, "the seed has a one-line note body to edit");
    fs::write(root.join(&relative), edited).expect("edit");
    let (outcome, written) =
        collected(|sink| session.update(&BTreeSet::from([relative.clone()]), sink))
            .expect("update");
    assert!(!outcome.full);
    assert!(
        outcome.units_rendered > 0 && outcome.units_rendered * 3 < total,
        "rendered {} of {total} units for one note body",
        outcome.units_rendered
    );
    assert!(written.iter().any(|f| f.path.ends_with("index.html")
        && f.path.starts_with("articles/")
        && String::from_utf8_lossy(&f.contents).contains("Edited. ")));
    assert!(
        outcome.search.is_some(),
        "the note text is searchable, so the index is stale"
    );
}

#[test]
fn a_new_article_file_rebuilds_everything() {
    let project = project();
    let root = project.root().to_path_buf();
    let (mut session, _) = start(&root);
    let relative = PathBuf::from("seeds/zzz_new.txt");
    fs::write(
        root.join(&relative),
        "A new article\n\nDaisaku Kaneko spoke.\n",
    )
    .expect("new");
    let outcome =
        collected(|sink| session.update(&BTreeSet::from([relative]), sink)).expect("update");
    assert!(outcome.0.full);
    let mut tracked = Tracked {
        files: Files::new(),
    };
    tracked.apply(outcome);
    assert!(tracked
        .files
        .contains_key("articles/a-new-article/index.html"));
    assert_same(&tracked.files, &full_build(&root), "adding an article");
}

/// The session keeps no article texts: a warning about an article that was not
/// edited must still show its line after an update (the report reads the file again).
#[test]
fn warnings_about_unedited_articles_keep_their_source_lines() {
    const BODY: &str = "A paragraph long enough to count as the body of this article, with a \
quote that is misquoted on purpose by its annotation file.\n";
    let archive = Archive::new()
        .article("a.txt", &format!("First headline\n\n{BODY}"))
        .annotation("a.toml", "[article]\nsummary = \"First.\"\n")
        .article("b.txt", &format!("Second headline\n\n{BODY}"))
        .annotation(
            "b.toml",
            "[article]\nsummary = \"Second.\"\n\n[[note]]\nkind = \"context\"\n\
quote = \"a quote that is misqouted on purpose\"\nbody = \"Close but not exact.\"\n",
        );
    let root = archive.root().to_path_buf();
    let (mut session, (first, _)) = start(&root);
    let before = first.warnings.to_plain_text();
    assert!(
        before.contains("re-anchored approximately") && before.contains("misqouted on purpose"),
        "{before}"
    );

    let relative = PathBuf::from("seeds/a.toml");
    fs::write(root.join(&relative), "[article]\nsummary = \"Edited.\"\n").expect("edit");
    let (outcome, _) =
        collected(|sink| session.update(&BTreeSet::from([relative]), sink)).expect("update");
    assert!(!outcome.full);
    let after = outcome.warnings.to_plain_text();
    assert_eq!(after, before, "the same warning, with the same source line");
}

/// The session reads an edited article's files again (it keeps no texts): a file that
/// cannot be read fails the update, and the next one, after the fix, rebuilds it all.
#[test]
fn an_unreadable_edit_fails_the_update_and_the_fix_rebuilds_everything() {
    let (project, mut session, mut tracked) = started();
    let root = project.root().to_path_buf();
    let stem = &stems(&root)[0];
    let relative = PathBuf::from(format!("seeds/{stem}.txt"));
    let good = fs::read(root.join(&relative)).expect("article");
    let changed = BTreeSet::from([relative.clone()]);

    let mut broken = good.clone();
    broken.extend_from_slice(b"\n\xff\xfe not UTF-8\n");
    fs::write(root.join(&relative), broken).expect("break");
    let report = collected(|sink| session.update(&changed, sink))
        .expect_err("a file that is not UTF-8 fails the update");
    let text = report.to_plain_text();
    assert!(
        text.contains(&relative.display().to_string()) && text.contains("UTF-8"),
        "{text}"
    );

    fs::write(root.join(&relative), &good).expect("fix");
    let outcome = collected(|sink| session.update(&changed, sink)).expect("the fix builds");
    assert!(
        outcome.0.full,
        "after a failed read, the next update is a full one"
    );
    tracked.apply(outcome);
    assert_same(&tracked.files, &full_build(&root), "the fix");
}

/// `gloss serve` draws its first build's progress from the stages the session reports.
#[test]
fn a_first_build_reports_every_stage_and_counts_its_pages() {
    use gloss::diagnostics::Diagnostic;
    use gloss::progress::{Progress, Stage};
    use gloss::render::Sink;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    /// Notes the largest page count the progress showed while pages were rendered.
    struct Watching {
        progress: Arc<Progress>,
        files: MemorySink,
        most_rendered: AtomicUsize,
    }
    impl Sink for Watching {
        fn put(&self, file: OutputFile) -> Result<(), Diagnostic> {
            if let Some((Stage::Render, done)) = self.progress.snapshot() {
                self.most_rendered.fetch_max(done, Ordering::Relaxed);
            }
            self.files.put(file)
        }
    }

    let project = project();
    let progress = Arc::new(Progress::new());
    let options = BuildOptions {
        progress: Some(Arc::clone(&progress)),
        ..BuildOptions::default()
    };
    let sink = Watching {
        progress: Arc::clone(&progress),
        files: MemorySink::default(),
        most_rendered: AtomicUsize::new(0),
    };
    Session::start(project.root(), &options, &sink).expect("build");
    progress.end();
    let stages: Vec<Stage> = progress.stage_times().iter().map(|t| t.stage).collect();
    assert_eq!(
        stages,
        [
            Stage::Load,
            Stage::Annotate,
            Stage::Link,
            Stage::Render,
            Stage::Search
        ]
    );
    let files = sink.files.into_rendered().files;
    let rendered = files
        .iter()
        .filter(|f| !f.path.starts_with(gloss::render::search::BUNDLE_DIR))
        .count();
    assert!(rendered > 50, "{rendered} pages and static files");
    assert_eq!(sink.most_rendered.into_inner(), rendered);
}

/// A full rebuild reports its stages where `set_progress` says; an incremental
/// update reports none (so `serve` draws no line for it).
#[test]
fn only_full_rebuilds_report_progress() {
    use gloss::progress::{Progress, Stage};
    use std::sync::Arc;

    let (project, mut session, _) = started();
    let root = project.root().to_path_buf();
    let stages = |progress: &Progress| -> Vec<Stage> {
        progress.end();
        progress.stage_times().iter().map(|t| t.stage).collect()
    };

    let stem = &stems(&root)[0];
    let annotation = PathBuf::from(format!("seeds/{stem}.toml"));
    let text = fs::read_to_string(root.join(&annotation)).expect("annotation");
    fs::write(root.join(&annotation), format!("{text}\n# edited\n")).expect("edit");
    let incremental = Arc::new(Progress::new());
    session.set_progress(Some(Arc::clone(&incremental)));
    let (outcome, _) =
        collected(|sink| session.update(&BTreeSet::from([annotation]), sink)).expect("update");
    assert!(!outcome.full);
    assert_eq!(stages(&incremental), []);

    let config = PathBuf::from("site.toml");
    let site = fs::read_to_string(root.join(&config)).expect("site.toml");
    fs::write(root.join(&config), format!("{site}\n# edited\n")).expect("edit");
    let full = Arc::new(Progress::new());
    session.set_progress(Some(Arc::clone(&full)));
    let (outcome, _) =
        collected(|sink| session.update(&BTreeSet::from([config]), sink)).expect("update");
    assert!(outcome.full);
    assert_eq!(stages(&full).first(), Some(&Stage::Load));
    assert!(stages(&full).contains(&Stage::Render));
}
