//! One module per subcommand; each has `execute(args) -> exit code`.

pub(crate) mod build;
pub(crate) mod check;
pub(crate) mod new;
pub(crate) mod serve;

/// Exit codes: 0 success, 1 invalid input (diagnostics printed), 2 usage errors (clap).
pub(crate) const EXIT_OK: u8 = 0;
pub(crate) const EXIT_INVALID: u8 = 1;
