//! The Tera templates: built-in ones embedded in the binary, overridden file by file
//! by the project's own `templates/`. Compiled once per build.

use std::collections::HashMap;
use std::error::Error as _;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;
use tera::Tera;

use crate::diagnostics::{Diagnostic, Report};

mod nesting;
mod recursion;

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin.rs"));
}

/// The built-in templates, by name.
pub fn builtin_templates() -> impl Iterator<Item = (&'static str, &'static str)> {
    builtin::TEMPLATES
        .iter()
        .filter_map(|(name, bytes)| std::str::from_utf8(bytes).ok().map(|text| (*name, text)))
}

/// The built-in static files, by path under `static/`.
pub fn builtin_static_files() -> &'static [(&'static str, &'static [u8])] {
    builtin::STATIC_FILES
}

/// Compiled templates with gloss's functions registered.
pub struct Templates {
    tera: Tera,
    /// Which templates came from the project (for error paths).
    overridden: Vec<String>,
    /// Every template's text, for positions in error messages.
    sources: Vec<(String, String)>,
    /// By template: how many bytes to reserve for its next page. Pages of one template
    /// are of similar size, so a buffer sized from the last one is rarely grown and
    /// copied; Tera's own `render` starts every page at 2,000 bytes and doubles.
    size_hints: HashMap<String, AtomicUsize>,
}

/// What a template's first page reserves.
const FIRST_PAGE_BYTES: usize = 16 * 1024;

impl Templates {
    /// Compiles built-in and project templates. `base_path` is the site's URL path
    /// prefix; `assets` maps static file names to their fingerprinted URLs.
    pub fn new(
        overrides: &[(String, String)],
        base_path: &str,
        assets: HashMap<String, String>,
    ) -> Result<Self, Report> {
        let mut sources: Vec<(String, String)> = builtin_templates()
            .filter(|(name, _)| !overrides.iter().any(|(o, _)| o == name))
            .map(|(name, text)| (name.to_owned(), text.to_owned()))
            .collect();
        sources.extend(overrides.iter().cloned());
        let overridden: Vec<String> = overrides.iter().map(|(name, _)| name.clone()).collect();
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Tera's default also escapes `/` (as `&#x2F;`), which HTML does not need and
        // which makes every URL in the output unreadable.
        tera.set_escape_fns(super::html::escape, super::html::escape_into);
        // Before Tera parses them: a template nested too deep overflows its parser.
        if let Some(report) = nesting_diagnostic(&overridden, &sources) {
            return Err(report);
        }
        if let Err(error) = tera.add_raw_templates(sources.clone()) {
            return Err(template_diagnostic(&error, &overridden, &sources));
        }
        if let Some(cycle) = recursion::find_cycle(&tera) {
            return Err(cycle_diagnostic(&cycle, &overridden, &sources));
        }
        register_functions(&mut tera, base_path, assets);
        let size_hints = tera
            .get_template_names()
            .map(|name| (name.to_owned(), AtomicUsize::new(FIRST_PAGE_BYTES)))
            .collect();
        Ok(Self {
            tera,
            overridden,
            sources,
            size_hints,
        })
    }

    pub fn has(&self, name: &str) -> bool {
        self.tera.get_template_names().any(|n| n == name)
    }

    /// Renders a template into bytes (UTF-8, as Tera writes only `str`s); a failure
    /// names the template, line and column.
    pub fn render(&self, name: &str, context: &tera::Context) -> Result<Vec<u8>, Report> {
        let hint = self.size_hints.get(name);
        let mut page =
            Vec::with_capacity(hint.map_or(FIRST_PAGE_BYTES, |h| h.load(Ordering::Relaxed)));
        self.tera
            .render_to(name, context, &mut page)
            .map_err(|error| template_diagnostic(&error, &self.overridden, &self.sources))?;
        if let Some(hint) = hint {
            // The last page's size and an eighth: the next page of this template
            // most likely fits without a copy, and a one-off large page (a long
            // timeline year) is forgotten at the next one.
            hint.store(page.len() + page.len() / 8, Ordering::Relaxed);
        }
        Ok(page)
    }
}

/// `url(path="tags/x/")` → `/base/tags/x/`; `asset(path="style.css")` → the
/// fingerprinted URL.
fn register_functions(tera: &mut Tera, base_path: &str, assets: HashMap<String, String>) {
    let base = base_path.to_owned();
    tera.register_function("url", move |args: &HashMap<String, Value>| {
        let path = args
            .get("path")
            .and_then(Value::as_str)
            .ok_or_else(|| tera::Error::msg("`url` needs a string argument `path`"))?;
        // Joined rather than `format!`ed: templates call it for most links.
        Ok(Value::String(
            [base.as_str(), path.trim_start_matches('/')].concat(),
        ))
    });
    tera.register_function("asset", move |args: &HashMap<String, Value>| {
        let path = args
            .get("path")
            .and_then(Value::as_str)
            .ok_or_else(|| tera::Error::msg("`asset` needs a string argument `path`"))?;
        assets
            .get(path.trim_start_matches('/'))
            .map(|url| Value::String(url.clone()))
            .ok_or_else(|| tera::Error::msg(format!("no static file `{path}` (looked in static/)")))
    });
}

/// Tera reports errors as a chain ("Failed to render 'x'" → "Variable `y` not found
/// in context while rendering 'x'"), parse errors with a position (` --> 3:14`) and
/// a snippet of their own. This keeps the chain's sentences on one line and turns the
/// position into a span, so the template error prints like every other diagnostic:
/// file, line, column, source line and caret. Render errors carry no position; the
/// missing variable's first use in the template stands in for it.
fn template_diagnostic(
    error: &tera::Error,
    overridden: &[String],
    sources: &[(String, String)],
) -> Report {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(inner) = source {
        parts.push(inner.to_string());
        source = inner.source();
    }
    let full = parts.join("\n");
    let message = parts
        .iter()
        .map(|part| summary_of(part))
        .filter(|summary| !summary.is_empty())
        .collect::<Vec<_>>()
        .join(": ");
    let name = full
        .split('\'')
        .nth(1)
        .filter(|n| n.ends_with(".html") || n.ends_with(".xml") || n.ends_with(".txt"))
        .unwrap_or("?")
        .to_owned();
    let path = template_path(&name, overridden);
    let text = sources
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| t.as_str());
    let span =
        text.and_then(|text| parse_position(&full, text).or_else(|| missing_variable(&full, text)));
    let mut diagnostic =
        Diagnostic::error(&path, format!("template error: {message}")).with_span(span);
    if diagnostic.span.is_none() {
        diagnostic = diagnostic.with_hint("check the template's tags and the variables it uses");
    }
    let mut report = Report::default();
    if let Some(text) = text {
        report.add_source(&path, text);
    }
    report.push(diagnostic);
    report
}

/// The first template nested deeper than Tera can take, pointed at the tag.
fn nesting_diagnostic(overridden: &[String], sources: &[(String, String)]) -> Option<Report> {
    sources.iter().find_map(|(name, text)| {
        let found = nesting::too_deep(text)?;
        let path = template_path(name, overridden);
        let what = if found.blocks {
            "tags (`if`, `for`, `block`, `macro`, `filter`) are"
        } else {
            "brackets in one expression are"
        };
        let mut report = Report::default();
        report.add_source(&path, text);
        report.push(
            Diagnostic::error(
                &path,
                format!(
                    "template error: {what} nested more than {} deep; Tera would overflow its stack",
                    nesting::MAX_DEPTH
                ),
            )
            .with_span(Some(found.span))
            .with_hint("nest fewer tags or brackets inside each other"),
        );
        Some(report)
    })
}

/// A macro or include cycle, pointed at the call that closes it.
fn cycle_diagnostic(
    cycle: &recursion::Cycle,
    overridden: &[String],
    sources: &[(String, String)],
) -> Report {
    let path = template_path(&cycle.file, overridden);
    let text = sources
        .iter()
        .find(|(name, _)| *name == cycle.file)
        .map(|(_, text)| text.as_str());
    let span = text.and_then(|text| {
        let start = text.find(&cycle.written)?;
        Some(start..start + cycle.written.len())
    });
    let chain = cycle.chain.join(" → ");
    let first = cycle.chain.first().map_or("", String::as_str);
    let (message, hint) = if cycle.through_macros {
        (
            format!("template error: macro `{first}` calls itself ({chain}); Tera cannot stop a recursive macro, so gloss does not render one"),
            "a macro may not call itself, directly or through other macros",
        )
    } else {
        (
            format!("template error: `{first}` includes itself ({chain}); Tera cannot stop a recursive include, so gloss does not render one"),
            "a template may not include itself, directly or through the templates it includes or extends",
        )
    };
    let mut report = Report::default();
    if let Some(text) = text {
        report.add_source(&path, text);
    }
    report.push(
        Diagnostic::error(&path, message)
            .with_span(span)
            .with_hint(hint),
    );
    report
}

/// Where a template's errors point: the project's file, or the built-in one.
fn template_path(name: &str, overridden: &[String]) -> PathBuf {
    if overridden.iter().any(|o| o == name) {
        PathBuf::from("templates").join(name)
    } else {
        PathBuf::from(format!("<built-in templates>/{name}"))
    }
}

/// The sentences of one part of a Tera error, without its own snippet.
fn summary_of(part: &str) -> String {
    let mut sentences: Vec<&str> = Vec::new();
    for (index, line) in part.lines().enumerate() {
        let line = line.trim();
        if let Some(detail) = line.strip_prefix("= ") {
            sentences.push(detail);
        } else if index == 0 && !line.starts_with("-->") {
            sentences.push(line);
        }
    }
    sentences.join(": ")
}

/// ` --> line:column` in a Tera parse error, as a byte span in the template.
fn parse_position(message: &str, text: &str) -> Option<std::ops::Range<usize>> {
    let position = message.split(" --> ").nth(1)?.lines().next()?;
    let (line, column) = position.trim().split_once(':')?;
    let (line, column): (usize, usize) = (line.parse().ok()?, column.parse().ok()?);
    let line_start = text
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum::<usize>();
    let line_text = text.get(line_start..)?.lines().next().unwrap_or_default();
    let offset = line_text
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line_text.len(), |(i, _)| i);
    let start = line_start + offset;
    Some(start..(start + 1).min(text.len()).max(start))
}

/// "Variable `a.b` not found": the first use of `a.b` in the template.
fn missing_variable(message: &str, text: &str) -> Option<std::ops::Range<usize>> {
    let variable = message.split("Variable `").nth(1)?.split('`').next()?;
    let start = text.find(variable)?;
    Some(start..start + variable.len())
}
