//! Loading: the only stage besides output and serve that touches the file system.
//!
//! Reads `site.toml`, the content folder (articles, annotation files, registries), the
//! project's own templates and static files into memory. Every later stage is a pure
//! function of a [`Project`], which keeps them testable and makes incremental rebuilds
//! a matter of comparing inputs.

use rayon::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Report};
use crate::parse::Format;

/// A text file read from the project, with the path diagnostics should show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceText {
    /// Relative to the project root, e.g. `seeds/000_x.toml`.
    pub path: PathBuf,
    pub text: String,
}

/// One article file and, if present, its annotation file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleSource {
    /// The file stem: the article's id (`000_3b4df888474cdb9e`).
    pub id: String,
    pub format: Format,
    pub source: SourceText,
    pub annotation: Option<SourceText>,
}

/// Everything a build reads.
#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
    pub config: Config,
    /// Sorted by id, so builds do not depend on the file system's listing order.
    pub articles: Vec<ArticleSource>,
    pub entities: Option<SourceText>,
    pub sources: Option<SourceText>,
    /// Annotation files with no article of the same stem.
    pub orphan_annotations: Vec<SourceText>,
    /// The project's own templates (`templates/**/*.html`), by name relative to
    /// `templates/`; they override the built-in ones of the same name.
    pub templates: Vec<(String, String)>,
    /// The project's own static files, by path relative to `static/`.
    pub static_files: Vec<(String, Vec<u8>)>,
}

pub const CONFIG_FILE: &str = "site.toml";
pub const ENTITIES_FILE: &str = "_entities.toml";
pub const SOURCES_FILE: &str = "_sources.toml";

/// Whether [`load_project_with`] reads the articles' and their annotation files' texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArticleTexts {
    /// Every text is read now (`serve`, `gloss new`).
    Read,
    /// Articles and their annotation files are listed with empty texts, for the
    /// caller to read one at a time with [`read_article`] (a build or a check reads,
    /// parses and drops each in turn, so an archive's texts are never all in memory
    /// at once).
    /// Registries, orphan annotation files, templates and static files are read.
    Defer,
}

/// Reads a project. Missing `site.toml` means defaults; a missing content folder is an
/// error; unreadable or non-UTF-8 files are errors naming the file.
pub fn load_project(root: &Path) -> Result<Project, Report> {
    load_project_with(root, ArticleTexts::Read)
}

/// [`load_project`], reading the article texts now or leaving them for later.
pub fn load_project_with(root: &Path, article_texts: ArticleTexts) -> Result<Project, Report> {
    let mut report = Report::default();
    let config = load_config(root, &mut report);
    let content_dir = root.join(&config.content.dir);
    let mut project = Project {
        root: root.to_path_buf(),
        config,
        articles: Vec::new(),
        entities: None,
        sources: None,
        orphan_annotations: Vec::new(),
        templates: Vec::new(),
        static_files: Vec::new(),
    };
    match list_files(&content_dir) {
        Ok(files) => read_content(root, &files, article_texts, &mut project, &mut report),
        Err(error) => report.push(Diagnostic::error(
            relative(root, &content_dir),
            format!("cannot read the content folder: {error}"),
        )),
    }
    project.templates = read_tree(root, &root.join("templates"), &mut report)
        .into_iter()
        .filter(|(name, _)| {
            name.ends_with(".html") || name.ends_with(".xml") || name.ends_with(".txt")
        })
        .filter_map(|(name, bytes)| {
            if let Ok(text) = String::from_utf8(bytes) {
                Some((name, text))
            } else {
                report.push(Diagnostic::error(
                    PathBuf::from("templates").join(&name),
                    "template is not valid UTF-8",
                ));
                None
            }
        })
        .collect();
    project.static_files = read_tree(root, &root.join("static"), &mut report);
    if report.has_errors() {
        Err(report)
    } else {
        Ok(project)
    }
}

/// Reads only `site.toml` (defaults when it is missing).
pub fn read_config(root: &Path) -> Result<Config, Report> {
    let mut report = Report::default();
    let config = load_config(root, &mut report);
    if report.has_errors() {
        Err(report)
    } else {
        Ok(config)
    }
}

fn load_config(root: &Path, report: &mut Report) -> Config {
    let path = root.join(CONFIG_FILE);
    if !path.exists() {
        return Config::default();
    }
    let display = PathBuf::from(CONFIG_FILE);
    match read_text(&path, &display) {
        Ok(text) => match Config::parse(&display, &text) {
            Ok(config) => config,
            Err(diagnostic) => {
                report.add_source(&display, &text);
                report.push(diagnostic);
                Config::default()
            }
        },
        Err(diagnostic) => {
            report.push(diagnostic);
            Config::default()
        }
    }
}

/// Sorts the content folder's files into articles, annotations and registries.
fn read_content(
    root: &Path,
    files: &[PathBuf],
    article_texts: ArticleTexts,
    project: &mut Project,
    report: &mut Report,
) {
    // Which files to read, in name order; then read them in parallel (a large archive
    // is hundreds of thousands of small files). Deferred texts are read by the caller,
    // except those of annotation files with no article, found below.
    let wanted: Vec<(&PathBuf, &str, Option<Format>)> = files
        .iter()
        .filter_map(|path| {
            let name = path.file_name().and_then(|n| n.to_str())?;
            let (_, extension) = name.rsplit_once('.')?;
            let format = match extension {
                "txt" => Some(Format::Text),
                "md" | "markdown" => Some(Format::Markdown),
                "toml" => None,
                _ => return None,
            };
            (!name.starts_with('.')).then_some((path, name, format))
        })
        .collect();
    let is_registry = |name: &str, format: Option<Format>| {
        format.is_none() && (name == ENTITIES_FILE || name == SOURCES_FILE)
    };
    // Deferred texts are not read here, and no list of results is made for them (at
    // 200,000 files, a list of empty results was 25 MB of the loading stage's peak).
    let mut texts = match article_texts {
        ArticleTexts::Read => wanted
            .par_iter()
            .map(|(path, _, _)| read_text(path, &relative(root, path)))
            .collect(),
        ArticleTexts::Defer => Vec::new(),
    }
    .into_iter();
    // Sized up front: at 100,000 articles, growing these by doubling copied them
    // several times over into memory the kernel had to hand out anew.
    let article_files = wanted
        .iter()
        .filter(|(_, _, format)| format.is_some())
        .count();
    project.articles.reserve(article_files);
    let mut annotations: Vec<(String, SourceText)> =
        Vec::with_capacity(wanted.len() - article_files);
    for (path, name, format) in wanted {
        let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
        let text = match article_texts {
            ArticleTexts::Read => texts.next().unwrap_or_else(|| Ok(String::new())),
            ArticleTexts::Defer if is_registry(name, format) => {
                read_text(path, &relative(root, path))
            }
            ArticleTexts::Defer => Ok(String::new()),
        };
        let text = match text {
            Ok(text) => text,
            Err(diagnostic) => {
                report.push(diagnostic);
                continue;
            }
        };
        let source = SourceText {
            path: relative(root, path),
            text,
        };
        match (format, name) {
            (None, ENTITIES_FILE) => project.entities = Some(source),
            (None, SOURCES_FILE) => project.sources = Some(source),
            // Other `_` files are the editors' own (notes, drafts): not articles.
            (_, _) if stem.starts_with('_') => {}
            (None, _) => annotations.push((stem.to_owned(), source)),
            (Some(format), _) => project.articles.push(ArticleSource {
                id: stem.to_owned(),
                format,
                source,
                annotation: None,
            }),
        }
    }
    project.articles.sort_by(|a, b| a.id.cmp(&b.id));
    for (stem, annotation) in annotations {
        // Articles are sorted by id (stably, so of two files with one stem the first
        // in name order comes first), and the article is found by bisection: a linear
        // search here made loading quadratic.
        let first = project
            .articles
            .partition_point(|a| a.id.as_str() < stem.as_str());
        match project.articles.get_mut(first) {
            Some(article) if article.id == stem => article.annotation = Some(annotation),
            _ => project.orphan_annotations.push(annotation),
        }
    }
    if article_texts == ArticleTexts::Defer {
        let read: Vec<Result<String, Diagnostic>> = project
            .orphan_annotations
            .par_iter()
            .map(|orphan| read_text(&root.join(&orphan.path), &orphan.path))
            .collect();
        let orphans = std::mem::take(&mut project.orphan_annotations);
        for (mut orphan, text) in orphans.into_iter().zip(read) {
            match text {
                Ok(text) => {
                    orphan.text = text;
                    project.orphan_annotations.push(orphan);
                }
                Err(diagnostic) => report.push(diagnostic),
            }
        }
    }
}

/// Reads the texts of an article listed by [`ArticleTexts::Defer`]: its own and its
/// annotation file's, with the diagnostics loading would have given. `Err` when the
/// article file cannot be read (it is left out, as loading leaves it out); an
/// unreadable annotation file is dropped and reported in `Ok`.
pub fn read_article(root: &Path, article: &mut ArticleSource) -> ArticleRead {
    article.source.text = read_text(&root.join(&article.source.path), &article.source.path)?;
    let Some(annotation) = &mut article.annotation else {
        return Ok(None);
    };
    match read_text(&root.join(&annotation.path), &annotation.path) {
        Ok(text) => {
            annotation.text = text;
            Ok(None)
        }
        Err(diagnostic) => {
            article.annotation = None;
            Ok(Some(diagnostic))
        }
    }
}

/// What reading one deferred article gave: see [`read_article`].
pub type ArticleRead = Result<Option<Diagnostic>, Diagnostic>;

/// How many files [`read_ahead`] reads at once. Reading is waiting, not computing:
/// with the archive out of the page cache, `cat` read 100,000 articles' 200,000
/// files in 16.8 s one at a time, 7.9 s four at a time and 4.9 s sixteen at a time
/// (the kernel's CPU time was 7-9 s in each case).
const PARALLEL_READS: usize = 8;

/// Reads deferred articles a chunk ahead of `process`, on threads of their own, and
/// hands `process` each chunk with what reading it gave, in order.
///
/// Parsing threads that read their own files wait for the disk whenever the page
/// cache does not hold the archive: at 100,000 articles read cold, parsing used 1.4 of
/// the 2 cores and took 25 s, against 15 s with the files cached. Reading threads
/// keep ahead of the parsers, [`PARALLEL_READS`] files at a time, and only two chunks
/// of texts are ever held.
pub fn read_ahead<F>(root: &Path, articles: &mut [ArticleSource], chunk_len: usize, mut process: F)
where
    F: FnMut(&mut [ArticleSource], Vec<ArticleRead>),
{
    let readers = rayon::ThreadPoolBuilder::new()
        .num_threads(PARALLEL_READS)
        .thread_name(|n| format!("gloss-read-{n}"))
        .build()
        .ok();
    let read_chunk = |chunk: &mut [ArticleSource]| -> Vec<ArticleRead> {
        let mut read_all = || {
            chunk
                .par_iter_mut()
                .with_max_len(1)
                .map(|article| read_article(root, article))
                .collect()
        };
        match &readers {
            Some(readers) => readers.install(read_all),
            // No threads to spare: the caller's pool reads.
            None => read_all(),
        }
    };
    let mut chunks = articles.chunks_mut(chunk_len.max(1));
    std::thread::scope(|scope| {
        let (to_reader, reader_inbox) = std::sync::mpsc::sync_channel::<&mut [ArticleSource]>(1);
        let (reader_outbox, from_reader) = std::sync::mpsc::sync_channel(1);
        let reader = std::thread::Builder::new()
            .name("gloss-read-ahead".into())
            .spawn_scoped(scope, move || {
                for chunk in reader_inbox {
                    let reads = read_chunk(chunk);
                    if reader_outbox.send((chunk, reads)).is_err() {
                        break;
                    }
                }
            });
        if reader.is_err() {
            // No thread to spare: read each chunk just before processing it.
            for chunk in chunks.by_ref() {
                let reads = read_chunk(chunk);
                process(chunk, reads);
            }
            return;
        }
        let mut requested = chunks
            .next()
            .is_some_and(|first| to_reader.send(first).is_ok());
        while requested {
            let Ok((chunk, reads)) = from_reader.recv() else {
                break;
            };
            requested = chunks
                .next()
                .is_some_and(|next| to_reader.send(next).is_ok());
            process(chunk, reads);
        }
        drop(to_reader);
    });
}

/// Drops an article's texts (after parsing: the parsed document has its own copy).
pub fn forget_texts(article: &mut ArticleSource) {
    article.source.text = String::new();
    if let Some(annotation) = &mut article.annotation {
        annotation.text = String::new();
    }
}

/// True when `path` is an existing file (for incremental rebuilds, which tell an
/// edited file from a deleted one).
pub fn is_file(path: &Path) -> bool {
    path.is_file()
}

/// Reads a file as UTF-8 text. A BOM is kept (the parsers strip it) so byte offsets
/// in diagnostics match the file; invalid UTF-8 is an error naming the first bad byte.
pub fn read_text(path: &Path, display: &Path) -> Result<String, Diagnostic> {
    let bytes = fs::read(path)
        .map_err(|error| Diagnostic::error(display, format!("cannot read file: {error}")))?;
    decode_utf8(display, bytes)
}

/// UTF-8 (with or without BOM, LF or CRLF) is the only encoding accepted.
pub fn decode_utf8(display: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    String::from_utf8(bytes).map_err(|error| {
        let offset = error.utf8_error().valid_up_to();
        let bytes = error.into_bytes();
        let text = String::from_utf8_lossy(&bytes[..offset]).into_owned();
        let (line, column) = crate::diagnostics::line_col(&text, offset);
        let hint = if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
            "the file looks like UTF-16; save it as UTF-8"
        } else {
            "save the file as UTF-8 (for example with `iconv -f latin1 -t utf-8`)"
        };
        Diagnostic::error(
            display,
            format!("file is not valid UTF-8 (invalid byte at line {line}, column {column})"),
        )
        .with_hint(hint)
    })
}

/// The files directly in `dir`, sorted by name.
fn list_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            files.push(entry.path());
        }
    }
    // All in `dir`, so comparing their bytes orders them by name as comparing them
    // as paths does, without splitting each into components (200,000 files took
    // a tenth of a second that way, before anything else could start).
    files.sort_unstable_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
    Ok(files)
}

/// Every file under `dir` (recursively), by forward-slash path relative to `dir`,
/// sorted. A missing folder is simply empty.
fn read_tree(root: &Path, dir: &Path, report: &mut Report) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let Ok(entries) = fs::read_dir(&current) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => stack.push(path),
                Ok(kind) if kind.is_file() => match fs::read(&path) {
                    Ok(bytes) => {
                        let rel = path
                            .strip_prefix(dir)
                            .unwrap_or(&path)
                            .components()
                            .map(|c| c.as_os_str().to_string_lossy().into_owned())
                            .collect::<Vec<_>>()
                            .join("/");
                        out.push((rel, bytes));
                    }
                    Err(error) => report.push(Diagnostic::error(
                        relative(root, &path),
                        format!("cannot read file: {error}"),
                    )),
                },
                _ => {}
            }
        }
    }
    out.sort();
    out
}

/// `path` relative to the project root, for messages.
pub fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each article's id, text and annotation text.
    fn pairs(project: &Project) -> Vec<(&str, &str, Option<&str>)> {
        project
            .articles
            .iter()
            .map(|a| {
                (
                    a.id.as_str(),
                    a.source.text.as_str(),
                    a.annotation.as_ref().map(|t| t.text.as_str()),
                )
            })
            .collect()
    }

    #[test]
    fn files_are_listed_in_the_order_of_their_paths() {
        let root = tempfile::tempdir().expect("temp dir");
        let names = [
            "b.txt",
            "a.txt",
            "a-b.txt",
            "a.b.txt",
            "a b.txt",
            "A.txt",
            "a0.txt",
            "é.txt",
            "e.txt",
            "a.txt.toml",
            "_x.md",
            "~y.md",
        ];
        for name in names {
            fs::write(root.path().join(name), name).expect("write");
        }
        fs::create_dir(root.path().join("a.dir")).expect("a folder, not listed");
        let listed = list_files(root.path()).expect("lists");
        let mut by_path: Vec<PathBuf> = names.iter().map(|n| root.path().join(n)).collect();
        by_path.sort_by(|a, b| a.as_path().cmp(b.as_path()));
        assert_eq!(listed, by_path);
    }

    #[test]
    fn annotations_pair_with_the_article_of_their_stem() {
        let root = tempfile::tempdir().expect("temp dir");
        let seeds = root.path().join("seeds");
        fs::create_dir(&seeds).expect("seeds");
        let files = [
            ("b.txt", "B"),
            ("a.md", "A markdown"),
            ("a.txt", "A text"),
            ("a.toml", "# a"),
            ("b.toml", "# b"),
            ("c.toml", "# orphan"),
            ("_notes.md", "editor's own"),
            (".hidden.txt", "ignored"),
            ("image.png", "ignored"),
        ];
        for (name, text) in files {
            fs::write(seeds.join(name), text).expect("write");
        }
        let project = load_project(root.path()).expect("loads");
        let paired = pairs(&project);
        // Of two articles with one stem, the first in name order (a.md) gets the
        // annotation, as before loading found it by bisection.
        assert_eq!(
            paired,
            [
                ("a", "A markdown", Some("# a")),
                ("a", "A text", None),
                ("b", "B", Some("# b")),
            ]
        );
        let orphans: Vec<&str> = project
            .orphan_annotations
            .iter()
            .map(|t| t.text.as_str())
            .collect();
        assert_eq!(orphans, ["# orphan"]);
    }

    #[test]
    fn deferred_articles_are_read_one_at_a_time() {
        let root = tempfile::tempdir().expect("temp dir");
        let seeds = root.path().join("seeds");
        fs::create_dir(&seeds).expect("seeds");
        let files: [(&str, &[u8]); 6] = [
            ("a.txt", b"A text"),
            ("a.toml", b"# a"),
            ("b.txt", b"B text"),
            ("b.toml", b"caf\xe9"),
            ("c.toml", b"# orphan"),
            ("_entities.toml", b"# registry"),
        ];
        for (name, bytes) in files {
            fs::write(seeds.join(name), bytes).expect("write");
        }
        let mut project = load_project_with(root.path(), ArticleTexts::Defer).expect("loads");
        // Listed, paired, not read; registries and orphans are read now.
        let listed = pairs(&project);
        assert_eq!(listed, [("a", "", Some("")), ("b", "", Some(""))]);
        assert_eq!(project.orphan_annotations[0].text, "# orphan");
        assert_eq!(
            project.entities.as_ref().map(|e| e.text.as_str()),
            Some("# registry")
        );

        let [a, b] = &mut project.articles[..] else {
            panic!("two articles");
        };
        assert!(read_article(root.path(), a).expect("a reads").is_none());
        assert_eq!(a.source.text, "A text");
        assert_eq!(a.annotation.as_ref().map(|t| t.text.as_str()), Some("# a"));
        forget_texts(a);
        assert_eq!(a.source.text, "");
        assert_eq!(a.annotation.as_ref().map(|t| t.text.as_str()), Some(""));

        // An unreadable annotation file is reported and dropped; the article goes on.
        let unread = read_article(root.path(), b).expect("b reads");
        let message = unread.map(|d| (d.path.clone(), d.message.clone()));
        assert_eq!(
            message,
            Some((
                PathBuf::from("seeds/b.toml"),
                "file is not valid UTF-8 (invalid byte at line 1, column 4)".to_owned()
            ))
        );
        assert_eq!(b.source.text, "B text");
        assert!(b.annotation.is_none());

        fs::write(seeds.join("a.txt"), b"\xff").expect("write");
        let error = read_article(root.path(), a).expect_err("a no longer reads");
        assert_eq!(error.path, PathBuf::from("seeds/a.txt"));
    }

    #[test]
    fn read_ahead_hands_over_every_chunk_in_order_with_its_texts() {
        let root = tempfile::tempdir().expect("temp dir");
        let seeds = root.path().join("seeds");
        fs::create_dir(&seeds).expect("seeds");
        // Seven articles in chunks of three: 3 + 3 + 1. The fifth is not UTF-8, and
        // the second's annotation file is not either.
        for n in 0..7 {
            let text: &[u8] = if n == 4 { b"\xff" } else { b"text" };
            fs::write(
                seeds.join(format!("{n}.txt")),
                [text, n.to_string().as_bytes()].concat(),
            )
            .expect("write");
            let note: &[u8] = if n == 1 { b"\xfe" } else { b"# note" };
            fs::write(seeds.join(format!("{n}.toml")), note).expect("write");
        }
        let mut project = load_project_with(root.path(), ArticleTexts::Defer).expect("loads");
        let mut seen = Vec::new();
        read_ahead(root.path(), &mut project.articles, 3, |chunk, reads| {
            assert_eq!(chunk.len(), reads.len());
            let chunk_seen: Vec<(String, String, String)> = chunk
                .iter()
                .zip(&reads)
                .map(|(article, read)| {
                    let outcome = match read {
                        Ok(None) => "read".to_owned(),
                        Ok(Some(unread)) => format!("annotation unread: {}", unread.path.display()),
                        Err(unread) => format!("unread: {}", unread.path.display()),
                    };
                    (article.id.clone(), article.source.text.clone(), outcome)
                })
                .collect();
            seen.push(chunk_seen);
        });
        let expected = |n: usize, text: &str, outcome: &str| {
            (n.to_string(), text.to_owned(), outcome.to_owned())
        };
        assert_eq!(
            seen,
            [
                vec![
                    expected(0, "text0", "read"),
                    expected(1, "text1", "annotation unread: seeds/1.toml"),
                    expected(2, "text2", "read"),
                ],
                vec![
                    expected(3, "text3", "read"),
                    expected(4, "", "unread: seeds/4.txt"),
                    expected(5, "text5", "read"),
                ],
                vec![expected(6, "text6", "read")],
            ]
        );
    }

    #[test]
    fn latin1_is_rejected_with_position() {
        let error = decode_utf8(Path::new("a.txt"), b"line one\ncaf\xe9".to_vec()).unwrap_err();
        assert_eq!(
            error.message,
            "file is not valid UTF-8 (invalid byte at line 2, column 4)"
        );
    }
}
