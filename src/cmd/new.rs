//! `gloss new`.

use std::path::Path;

use gloss::diagnostics::Report;
use gloss::scaffold;

use crate::cli::NewArgs;

use super::{EXIT_INVALID, EXIT_OK};

pub(crate) fn execute(root: &Path, args: &NewArgs, quiet: bool) -> u8 {
    match scaffold::create(root, &args.article) {
        Ok(created) => {
            for warning in &created.warnings {
                eprintln!("warning: {warning}");
            }
            if !quiet {
                let found = match created.entities_found {
                    0 => "no known entities mentioned".to_owned(),
                    1 => "1 known entity mentioned".to_owned(),
                    n => format!("{n} known entities mentioned"),
                };
                eprintln!(
                    "wrote {} ({found}); fill it in, then run `gloss check`",
                    created.path.display()
                );
            }
            EXIT_OK
        }
        Err(diagnostic) => {
            let mut report = Report::default();
            report.push(diagnostic);
            report.emit_to_stderr();
            EXIT_INVALID
        }
    }
}
