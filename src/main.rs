//! The `gloss` command: parse arguments, call the library, map the result to an exit
//! code. Everything else lives in the library.

mod cli;
mod cmd;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

/// mimalloc instead of the system allocator: rendering allocates many small strings
/// from several threads, and a rebuild in `gloss serve` follows the search indexer's
/// large, short-lived allocations; glibc's malloc is slower at both.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = cli.root.as_path();
    let code = match &cli.command {
        Command::Build(args) => cmd::build::execute(root, args, cli.quiet),
        Command::Serve(args) => cmd::serve::execute(root, args, cli.quiet),
        Command::Check(args) => cmd::check::execute(root, args, cli.quiet),
        Command::New(args) => cmd::new::execute(root, args, cli.quiet),
    };
    ExitCode::from(code)
}
