//! `gloss check`.

use std::path::Path;

use gloss::site::{self, BuildOptions};

use crate::cli::{CheckArgs, Format};

use super::{EXIT_INVALID, EXIT_OK};

pub(crate) fn execute(root: &Path, args: &CheckArgs, quiet: bool) -> u8 {
    let report = match site::assemble(root, &BuildOptions::default()) {
        Ok((_, _, report)) | Err(report) => report,
    };
    match args.format {
        Format::Json => {
            for located in report.located() {
                println!("{}", serde_json::to_string(&located).unwrap_or_default());
            }
        }
        Format::Human => {
            report.emit_to_stderr();
            if !quiet || report.has_errors() {
                if report.diagnostics.is_empty() {
                    eprintln!("no problems found");
                } else {
                    eprintln!("found {}", super::build::counts(&report));
                }
            }
        }
    }
    if report.has_errors() { EXIT_INVALID } else { EXIT_OK }
}
