//! `gloss serve`.

use std::path::Path;

use crate::cli::ServeArgs;

use super::EXIT_INVALID;

pub(crate) fn execute(root: &Path, args: &ServeArgs, quiet: bool) -> u8 {
    let _ = (root, args, quiet);
    eprintln!("error: `gloss serve` is not available yet");
    EXIT_INVALID
}
