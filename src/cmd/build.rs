//! `gloss build`.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::Arc;

use gloss::diagnostics::Report;
use gloss::output;
use gloss::progress::{self, Progress, Stage};
use gloss::site::{self, BuildOptions};

use crate::cli::BuildArgs;

use super::{EXIT_INVALID, EXIT_OK};

pub(crate) fn execute(root: &Path, args: &BuildArgs, quiet: bool) -> u8 {
    let progress = Arc::new(Progress::new());
    let options = BuildOptions {
        base_url: args.base_url.clone(),
        progress: Some(Arc::clone(&progress)),
    };
    let output = match &args.output {
        Some(dir) => dir.clone(),
        None => match gloss::load::read_config(root) {
            Ok(config) => root.join(config.build.output),
            Err(report) => return fail(&report),
        },
    };
    let display = (!quiet && std::io::stderr().is_terminal())
        .then(|| progress::Line::start(Arc::clone(&progress)));
    // Pages go straight into a staging folder beside the output as they are
    // rendered; the folder replaces the old site only if the whole build succeeds.
    let result = output::write_with(&output, root, |sink| {
        let summary = site::build_into(root, &options, sink);
        progress.begin(Stage::Write);
        summary
    });
    progress.end();
    if let Some(display) = display {
        display.stop();
    }
    let (summary, unchanged) = match result {
        Ok(written) => (written.value, written.unchanged),
        Err(report) => return fail(&report),
    };
    summary.warnings.emit_to_stderr();
    if args.timings {
        print_timings(&progress);
    }
    if !quiet {
        // Pages reused from the last build are named only when there were some: a
        // first build reuses nothing.
        let reused = if summary.units_reused > 0 {
            format!(
                "; {} of {} pages reused from the last build",
                summary.units_reused,
                summary.units_reused + summary.units_rendered
            )
        } else {
            String::new()
        };
        eprintln!(
            "built {} articles into {} ({} files, {unchanged} unchanged{reused}) in {:.2?}{}",
            summary.articles,
            output.display(),
            summary.files,
            progress.elapsed(),
            if summary.warnings.diagnostics.is_empty() {
                String::new()
            } else {
                format!(", {}", summary.warnings.summary())
            }
        );
    }
    EXIT_OK
}

/// `--timings`: one line per stage, like cargo's `--timings` summary but in text.
fn print_timings(progress: &Progress) {
    eprintln!("{:<24} {:>10} {:>14}", "stage", "time", "peak memory");
    for time in progress.stage_times() {
        let memory = time.peak_memory.map_or_else(
            || "-".to_owned(),
            |bytes| format!("{} MB", bytes / 1_000_000),
        );
        eprintln!(
            "{:<24} {:>10} {:>14}",
            time.stage.label(),
            format!("{:.2?}", time.elapsed),
            memory
        );
    }
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
