//! `gloss new`: writes an annotation file for an article, ready to fill in.
//!
//! The file is a starting point that already parses: the `[article]` table holds
//! what the parser found (title, slug), every other field is a commented example
//! following DESIGN.md, and the entity mentions the registry already finds are listed
//! so the editor knows which `[[mention]]` entries are unnecessary. Nothing already
//! there is ever overwritten.

// Errors are `Diagnostic`s, as everywhere in gloss: they are printed with the same
// machinery, and are created once per run, so their size does not matter.
#![allow(clippy::result_large_err)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs::OpenOptions;
use std::io::{ErrorKind, Write as _};
use std::path::{Path, PathBuf};

use crate::annotate::AnnotationFile;
use crate::diagnostics::Diagnostic;
use crate::link::{Entity, EntityKind, MentionMatcher, Registry, Source};
use crate::load::{self, Project};
use crate::model::slugify;
use crate::parse::{self, Document, ParseOverrides};

/// What `gloss new` wrote, or would write.
#[derive(Debug, Clone)]
pub struct Scaffold {
    /// The annotation file: the article's path with `.toml` instead of its extension.
    pub path: PathBuf,
    pub text: String,
    /// How many distinct entities were found in the article.
    pub entities_found: usize,
    /// Things worth saying that do not stop the file being written.
    pub warnings: Vec<String>,
}

/// Builds the annotation file for `article` and writes it beside the article.
/// `article` is taken as given if it exists, else relative to the project root.
pub fn create(root: &Path, article: &Path) -> Result<Scaffold, Diagnostic> {
    let scaffold = prepare(root, article)?;
    let written = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&scaffold.path);
    let mut file = written.map_err(|error| match error.kind() {
        ErrorKind::AlreadyExists => already_exists(&scaffold.path),
        _ => Diagnostic::error(
            &scaffold.path,
            format!("cannot create the annotation file: {error}"),
        ),
    })?;
    file.write_all(scaffold.text.as_bytes()).map_err(|error| {
        Diagnostic::error(
            &scaffold.path,
            format!("cannot write the annotation file: {error}"),
        )
    })?;
    Ok(scaffold)
}

/// Everything [`create`] does except writing.
pub fn prepare(root: &Path, article: &Path) -> Result<Scaffold, Diagnostic> {
    let source_path = resolve(root, article)?;
    let annotation_path = source_path.with_extension("toml");
    if annotation_path.exists() {
        return Err(already_exists(&annotation_path));
    }
    let text = load::read_text(&source_path, article)?;
    let document = match article_format(article)? {
        parse::Format::Text => parse::parse_text(&text, &ParseOverrides::default()),
        parse::Format::Markdown => parse::parse_markdown(&text, &ParseOverrides::default()),
    };
    let stem = source_path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_owned();
    let mut warnings = Vec::new();
    let context = Context::load(root, &stem, &source_path, &mut warnings);
    let found = context.mentions(&document);
    let text = render(article, &stem, &document, &context, &found);
    Ok(Scaffold {
        path: annotation_path,
        text,
        entities_found: found.len(),
        warnings,
    })
}

fn already_exists(path: &Path) -> Diagnostic {
    Diagnostic::error(path, "annotation file already exists; not overwriting it")
        .with_hint("edit it, or delete it first to start again")
}

/// Finds the article file and checks it is one gloss would publish.
fn resolve(root: &Path, article: &Path) -> Result<PathBuf, Diagnostic> {
    article_format(article)?;
    let name = article
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    if name.starts_with('_') || name.starts_with('.') {
        return Err(
            Diagnostic::error(article, "files starting with `_` or `.` are not articles")
                .with_hint("`_` marks registries such as `_entities.toml`; rename the article"),
        );
    }
    let candidates = [article.to_path_buf(), root.join(article)];
    candidates.into_iter().find(|p| p.is_file()).ok_or_else(|| {
        Diagnostic::error(article, "article file not found")
            .with_hint("give the path of an existing `.txt` or `.md` file, e.g. `seeds/005_x.txt`")
    })
}

fn article_format(article: &Path) -> Result<parse::Format, Diagnostic> {
    match article.extension().and_then(|e| e.to_str()) {
        Some("txt") => Ok(parse::Format::Text),
        Some("md" | "markdown") => Ok(parse::Format::Markdown),
        _ => Err(Diagnostic::error(
            article,
            "not an article: articles are `.txt` or `.md` files",
        )
        .with_hint("pass the article itself, e.g. `gloss new seeds/005_x.txt`")),
    }
}

/// What the rest of the archive tells about the new article: registries, other
/// articles' ids and slugs.
#[derive(Default)]
struct Context {
    entities: Vec<Entity>,
    sources: Vec<Source>,
    /// Ids of the other articles, for the `[[see_also]]` example.
    other_ids: Vec<String>,
    /// Slugs set explicitly in other annotation files.
    taken_slugs: BTreeSet<String>,
}

impl Context {
    fn load(root: &Path, stem: &str, source_path: &Path, warnings: &mut Vec<String>) -> Self {
        let project = match load::load_project(root) {
            Ok(project) => project,
            Err(report) => {
                warnings.push(format!(
                    "the project could not be read ({} problems; see `gloss check`), so no mentions or ids are listed",
                    report.diagnostics.len()
                ));
                return Self::default();
            }
        };
        if !in_content_dir(&project, source_path) {
            warnings.push(format!(
                "the article is not in the content folder `{}`, so `gloss build` will not publish it",
                project.config.content.dir.display()
            ));
        }
        let mut context = Self::default();
        if let Some(file) = &project.entities {
            match Registry::parse_entities(&file.path, &file.text) {
                Ok(entities) => context.entities = entities,
                Err(_) => warnings.push(format!(
                    "`{}` has errors (see `gloss check`); no mentions are listed",
                    file.path.display()
                )),
            }
        }
        if let Some(file) = &project.sources {
            context.sources = Registry::parse_sources(&file.path, &file.text).unwrap_or_default();
        }
        for other in project.articles.iter().filter(|a| a.id != stem) {
            context.other_ids.push(other.id.clone());
            let slug = other
                .annotation
                .as_ref()
                .and_then(|a| AnnotationFile::parse(&a.path, &a.text).ok())
                .and_then(|file| file.article.slug.map(toml::Spanned::into_inner));
            context.taken_slugs.extend(slug);
        }
        context
    }

    /// Each entity found in the text with how often, most mentioned first.
    fn mentions(&self, document: &Document) -> Vec<(&Entity, usize)> {
        let matcher = MentionMatcher::new(&self.entities);
        let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
        for found in matcher.find(&document.text()) {
            *counts.entry(found.entity).or_default() += 1;
        }
        let mut found: Vec<(&Entity, usize)> = counts
            .into_iter()
            .filter_map(|(index, count)| Some((self.entities.get(index)?, count)))
            .collect();
        found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.name.cmp(&b.0.name)));
        found
    }

    /// A slug from the title that no other article has set.
    fn slug(&self, title: &str, stem: &str) -> String {
        let base = Some(slugify(title))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| slugify(stem));
        let base = if base.is_empty() {
            "article".to_owned()
        } else {
            shorten_slug(&base)
        };
        let mut slug = base.clone();
        let mut n = 1_u32;
        while self.taken_slugs.contains(&slug) && n < u32::MAX {
            n += 1;
            slug = format!("{base}-{n}");
        }
        slug
    }
}

/// Cuts a slug derived from a long headline at a hyphen, so URLs stay readable.
fn shorten_slug(slug: &str) -> String {
    const MAX: usize = 60;
    if slug.len() <= MAX {
        return slug.to_owned();
    }
    let cut = slug[..=MAX].rfind('-').unwrap_or(MAX);
    slug[..cut].trim_end_matches('-').to_owned()
}

fn in_content_dir(project: &Project, source_path: &Path) -> bool {
    let content = std::fs::canonicalize(project.root.join(&project.config.content.dir));
    let parent = source_path.parent().map(std::fs::canonicalize);
    matches!((content, parent), (Ok(content), Some(Ok(parent))) if content == parent)
}

/// The file's text.
fn render(
    article: &Path,
    stem: &str,
    document: &Document,
    context: &Context,
    found: &[(&Entity, usize)],
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Annotations for {} (written by `gloss new`).",
        comment_text(&article.display().to_string())
    );
    out.push_str(
        "# Fill in what you know; every commented line is an example to copy or delete.\n\n",
    );
    render_article(&mut out, stem, document, context);
    render_mentions(&mut out, found);
    render_examples(&mut out, context, found);
    out
}

fn render_article(out: &mut String, stem: &str, document: &Document, context: &Context) {
    out.push_str("[article]\n");
    if let Some(title) = &document.title {
        line(out, &format!("title = {}", toml_string(title)), "");
        line(
            out,
            &format!("slug = {}", toml_string(&context.slug(title, stem))),
            "",
        );
    } else {
        line(
            out,
            "# title = \"…\"",
            "no headline was found in the article",
        );
        line(
            out,
            &format!("slug = {}", toml_string(&context.slug("", stem))),
            "",
        );
    }
    let mut sources: Vec<&str> = context.sources.iter().map(|s| s.id.as_str()).collect();
    sources.sort_unstable();
    let known = if sources.is_empty() {
        "none yet: add them to _sources.toml".to_owned()
    } else {
        sources.join(", ")
    };
    line(out, "# source = \"…\"", "an id from _sources.toml");
    out.push_str(&wrap_comment(&format!("known sources: {known}"), "#   "));
    line(
        out,
        "# url = \"https://…\"",
        "where the article was published",
    );
    line(
        out,
        "# published = 2024-05-03",
        "a TOML date; \"2024-05\" or \"2024\" if that is all that is known",
    );
    match &document.byline {
        Some(byline) => line(
            out,
            "# authors = [\"…\"]",
            &format!("byline found: {byline}"),
        ),
        None => line(out, "# authors = [\"…\"]", ""),
    }
    line(out, "# language = \"en\"", "");
    line(
        out,
        "# translated_from = \"ja\"",
        "when the text is a translation",
    );
    line(
        out,
        "# kind = \"news\"",
        "news | interview | feature | opinion | analysis",
    );
    line(out, "# summary = \"…\"", "Markdown, one or two sentences");
    line(
        out,
        "# tags = [\"foreign-volunteers\"]",
        "lowercase words joined by hyphens",
    );
    out.push('\n');
}

fn render_mentions(out: &mut String, found: &[(&Entity, usize)]) {
    if found.is_empty() {
        out.push_str(
            "# No entity from _entities.toml is mentioned by name or alias; add [[mention]]\n",
        );
        out.push_str("# entries for those the text names differently.\n\n");
        return;
    }
    let list: Vec<String> = found
        .iter()
        .map(|(entity, n)| format!("{} ({n}×)", entity.name))
        .collect();
    out.push_str(&wrap_comment(
        &format!("mentions found automatically: {}", list.join(", ")),
        "# ",
    ));
    out.push_str(
        "# (these need no [[mention]]; add one only for names the registry does not know)\n\n",
    );
}

fn render_examples(out: &mut String, context: &Context, found: &[(&Entity, usize)]) {
    let person = context
        .entities
        .iter()
        .find(|e| e.kind == EntityKind::Person)
        .map_or("entity-id", |e| e.id.as_str());
    let (mention_id, mention_quote) = found
        .first()
        .map(|(e, _)| *e)
        .or(context.entities.first())
        .map_or(("entity-id", "the words in the article".to_owned()), |e| {
            (e.id.as_str(), e.name.clone())
        });
    let other = context
        .other_ids
        .first()
        .map_or("other-article-id", String::as_str);
    line(out, "# [[note]]", "a note anchored to an exact passage");
    line(out, "# quote = \"…\"", "the exact words in the article");
    line(
        out,
        "# prefix = \"…\"",
        "optional: the words just before, if the quote occurs twice",
    );
    line(out, "# suffix = \"…\"", "optional: the words just after");
    line(
        out,
        "# kind = \"context\"",
        "correction | context | fact-check | translation | framing | comment",
    );
    line(
        out,
        "# body = \"…\"",
        "Markdown; [[id]] links to an article or entity",
    );
    line(
        out,
        "# correct = \"…\"",
        "corrections only: the corrected text",
    );
    out.push('\n');
    line(
        out,
        "# [[claim]]",
        "a fact-check, also published as schema.org ClaimReview",
    );
    line(out, "# quote = \"…\"", "");
    line(
        out,
        &format!("# claimant = {}", toml_string(person)),
        "an entity id",
    );
    line(
        out,
        "# rating = \"Misleading\"",
        "free text, shown as given",
    );
    line(out, "# body = \"…\"", "");
    out.push('\n');
    line(
        out,
        "# [[mention]]",
        "where alias matching cannot find an entity, or must be told not to",
    );
    line(out, &format!("# entity = {}", toml_string(mention_id)), "");
    line(
        out,
        &format!("# quote = {}", toml_string(&mention_quote)),
        "",
    );
    line(
        out,
        "# ignore = true",
        "suppress a false automatic match at this quote",
    );
    out.push('\n');
    line(out, "# [[see_also]]", "");
    line(
        out,
        &format!("# article = {}", toml_string(other)),
        "an article id (file stem) or slug",
    );
    line(out, "# why = \"…\"", "");
    out.push('\n');
    line(out, "# [parse]", "overrides of the text parser");
    line(
        out,
        "# drop = [\"Photo Gallery3 total\"]",
        "extra lines to remove",
    );
    line(
        out,
        "# keep = []",
        "lines the heuristics would remove but must stay",
    );
}

/// One line of the file, with an aligned trailing comment when there is one.
fn line(out: &mut String, code: &str, comment: &str) {
    const COLUMN: usize = 36;
    let code = comment_text(code);
    if comment.is_empty() {
        let _ = writeln!(out, "{code}");
    } else {
        let _ = writeln!(
            out,
            "{code:<width$} # {}",
            comment_text(comment),
            width = COLUMN - 1
        );
    }
}

/// A TOML basic string: quotes, backslashes and control characters escaped.
pub fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text safe inside a `#` comment: one line, no control characters.
fn comment_text(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Wraps `text` into comment lines of at most ~88 characters, the first starting with
/// `first`, the rest with `#   `.
fn wrap_comment(text: &str, first: &str) -> String {
    const WIDTH: usize = 88;
    let mut out = String::new();
    let mut line = first.to_owned();
    for word in comment_text(text).split_whitespace() {
        let prefix_only = line == first || line == "#   ";
        if !prefix_only && line.chars().count() + 1 + word.chars().count() > WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            "#   ".clone_into(&mut line);
        }
        if !(line == first || line == "#   ") {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_strings_round_trip() {
        for text in [
            "plain",
            "“curly” and \"straight\"",
            "back\\slash",
            "tab\there",
            "bell\u{7}",
        ] {
            let parsed: toml::Table =
                toml::from_str(&format!("x = {}", toml_string(text))).expect("valid TOML");
            assert_eq!(parsed["x"].as_str(), Some(text));
        }
    }

    #[test]
    fn long_slugs_are_cut_at_a_hyphen() {
        let slug = shorten_slug(
            "interview-daisaku-kaneko-the-only-japanese-volunteer-soldier-in-the-russian-army",
        );
        assert_eq!(
            slug,
            "interview-daisaku-kaneko-the-only-japanese-volunteer-soldier"
        );
        assert!(crate::model::is_slug(&slug));
        assert_eq!(shorten_slug("short-one"), "short-one");
    }

    #[test]
    fn long_comments_wrap() {
        let text =
            "mentions found automatically: ".to_owned() + &"Daisaku Kaneko (7×), ".repeat(10);
        let wrapped = wrap_comment(&text, "# ");
        assert!(wrapped.lines().count() > 1);
        assert!(
            wrapped
                .lines()
                .all(|l| l.starts_with('#') && l.chars().count() <= 88),
            "{wrapped}"
        );
    }
}
