//! The `gloss` command: parse arguments, call the library, map the result to an exit
//! code. Everything else lives in the library.

mod cli;
mod cmd;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

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
