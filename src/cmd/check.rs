//! `gloss check`.

use std::path::Path;

use gloss::site::{self, BuildOptions};

use crate::cli::{CheckArgs, Format};

use super::{EXIT_INVALID, EXIT_OK};

pub(crate) fn execute(root: &Path, args: &CheckArgs, quiet: bool) -> u8 {
    let (mut report, base_path) = match site::check(root, &BuildOptions::default()) {
        Ok((archive, report)) => (report, archive.config.base_path().to_owned()),
        Err(report) => (report, "/".to_owned()),
    };
    if let Some(dir) = &args.output {
        let links = gloss::check::check_links(dir, &base_path);
        if !quiet && args.format == Format::Human {
            eprintln!(
                "checked {} internal links in {}; {} external links (not fetched)",
                links.checked,
                dir.display(),
                links.external.len()
            );
        }
        report.merge(links.report);
    }
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
                    eprintln!("found {}", report.summary());
                }
            }
        }
    }
    if report.has_errors() {
        EXIT_INVALID
    } else {
        EXIT_OK
    }
}
