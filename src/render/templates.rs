//! The Tera templates: built-in ones embedded in the binary, overridden file by file
//! by the project's own `templates/`. Compiled once per build.

use std::collections::HashMap;
use std::error::Error as _;
use std::path::PathBuf;

use serde_json::Value;
use tera::Tera;

use crate::diagnostics::{Diagnostic, Report};

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
}

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
        tera.set_escape_fn(super::html::escape);
        if let Err(error) = tera.add_raw_templates(sources.clone()) {
            let mut report = Report::default();
            let diagnostic = template_diagnostic(&error, &overridden);
            if let Some((_, text)) = sources
                .iter()
                .find(|(name, _)| diagnostic.path.ends_with(name))
            {
                report.add_source(&diagnostic.path, text);
            }
            report.push(diagnostic);
            return Err(report);
        }
        register_functions(&mut tera, base_path, assets);
        Ok(Self { tera, overridden })
    }

    pub fn has(&self, name: &str) -> bool {
        self.tera.get_template_names().any(|n| n == name)
    }

    /// Renders a template; a failure names the template (and the line, where Tera says).
    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String, Diagnostic> {
        self.tera
            .render(name, context)
            .map_err(|error| template_diagnostic(&error, &self.overridden))
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
        Ok(Value::String(format!(
            "{base}{}",
            path.trim_start_matches('/')
        )))
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
/// in context while rendering 'x'"); a reader needs the whole chain on one line.
fn template_diagnostic(error: &tera::Error, overridden: &[String]) -> Diagnostic {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(inner) = source {
        parts.push(inner.to_string());
        source = inner.source();
    }
    let message = parts.join(": ");
    let name = message
        .split('\'')
        .nth(1)
        .filter(|n| n.ends_with(".html") || n.ends_with(".xml") || n.ends_with(".txt"))
        .unwrap_or("?")
        .to_owned();
    let path = if overridden.contains(&name) {
        PathBuf::from("templates").join(&name)
    } else {
        PathBuf::from(format!("<built-in templates>/{name}"))
    };
    let line_hint = if message.contains(" --> ") {
        "the position is shown above"
    } else {
        "check the template's tags and the variables it uses"
    };
    Diagnostic::error(
        path,
        format!("template error: {}", message.replace('\n', " ")),
    )
    .with_hint(line_hint)
}
