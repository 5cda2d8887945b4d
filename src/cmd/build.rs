//! `gloss build`.

use std::path::Path;
use std::time::Instant;

use gloss::diagnostics::Report;
use gloss::output;
use gloss::site::{self, BuildOptions};

use crate::cli::BuildArgs;

use super::{EXIT_INVALID, EXIT_OK};

pub(crate) fn execute(root: &Path, args: &BuildArgs, quiet: bool) -> u8 {
    let started = Instant::now();
    let options = BuildOptions {
        base_url: args.base_url.clone(),
    };
    let built = match site::build(root, &options) {
        Ok(built) => built,
        Err(report) => {
            report.emit_to_stderr();
            eprintln!(
                "error: build failed with {}; the output folder was left as it was",
                report.summary()
            );
            return EXIT_INVALID;
        }
    };
    built.warnings.emit_to_stderr();
    let output = match &args.output {
        Some(dir) => dir.clone(),
        None => root.join(load_output_dir(root)),
    };
    if let Err(diagnostic) = output::write_site(&built.rendered, &output, root) {
        let mut report = Report::default();
        report.push(diagnostic);
        report.emit_to_stderr();
        return EXIT_INVALID;
    }
    if !quiet {
        eprintln!(
            "built {} articles into {} ({} files) in {:.2?}{}",
            built.articles,
            output.display(),
            built.rendered.files.len(),
            started.elapsed(),
            if built.warnings.diagnostics.is_empty() {
                String::new()
            } else {
                format!(", {}", built.warnings.summary())
            }
        );
    }
    EXIT_OK
}

/// `build.output` from site.toml (already validated by the build that just ran).
fn load_output_dir(root: &Path) -> std::path::PathBuf {
    gloss::load::load_project(root).map_or_else(|_| "public".into(), |p| p.config.build.output)
}
