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
    let output = match &args.output {
        Some(dir) => dir.clone(),
        None => match gloss::load::read_config(root) {
            Ok(config) => root.join(config.build.output),
            Err(report) => return fail(&report),
        },
    };
    // Pages go straight into a staging folder beside the output as they are
    // rendered; the folder replaces the old site only if the whole build succeeds.
    let summary =
        match output::write_with(&output, root, |sink| site::build_into(root, &options, sink)) {
            Ok(summary) => summary,
            Err(report) => return fail(&report),
        };
    summary.warnings.emit_to_stderr();
    if !quiet {
        eprintln!(
            "built {} articles into {} ({} files) in {:.2?}{}",
            summary.articles,
            output.display(),
            summary.files,
            started.elapsed(),
            if summary.warnings.diagnostics.is_empty() {
                String::new()
            } else {
                format!(", {}", summary.warnings.summary())
            }
        );
    }
    EXIT_OK
}

fn fail(report: &Report) -> u8 {
    report.emit_to_stderr();
    if report.has_errors() {
        eprintln!(
            "error: build failed with {}; the output folder was left as it was",
            report.summary()
        );
    }
    EXIT_INVALID
}
