//! `gloss new`.

use std::path::Path;

use crate::cli::NewArgs;

use super::EXIT_INVALID;

pub(crate) fn execute(root: &Path, args: &NewArgs, quiet: bool) -> u8 {
    let _ = (root, args, quiet);
    eprintln!("error: `gloss new` is not available yet");
    EXIT_INVALID
}
