//! Command-line arguments (clap derive). `main.rs` dispatches to `cmd/`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// gloss: a static site generator for annotated news archives.
///
/// Keep articles as plain files, pair each with a TOML annotation file, and gloss
/// builds a linked, static website with every note anchored to its exact words.
#[derive(Debug, Parser)]
#[command(name = "gloss", version, about, long_about, propagate_version = true)]
pub(crate) struct Cli {
    /// The project folder (where site.toml is)
    #[arg(
        long,
        short = 'C',
        global = true,
        value_name = "DIR",
        default_value = "."
    )]
    pub(crate) root: PathBuf,

    /// Print only errors and warnings
    #[arg(long, short, global = true)]
    pub(crate) quiet: bool,

    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Build the site into the output folder (default: ./public)
    Build(BuildArgs),
    /// Build, serve on 127.0.0.1, rebuild and live-reload on every change
    Serve(ServeArgs),
    /// Validate articles, annotations and registries; write nothing
    Check(CheckArgs),
    /// Write an annotation file for an article, ready to fill in
    New(NewArgs),
}

#[derive(Debug, Args)]
pub(crate) struct BuildArgs {
    /// Output folder [default: `build.output` in site.toml, else ./public]
    #[arg(long, short, value_name = "DIR")]
    pub(crate) output: Option<PathBuf>,

    /// Base URL the site will be served from, e.g. https://example.org/archive/
    #[arg(long, value_name = "URL")]
    pub(crate) base_url: Option<String>,

    /// Print how long each stage took and the peak memory after it
    #[arg(long)]
    pub(crate) timings: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Port to listen on (the next free one is used if it is taken)
    #[arg(long, short, default_value_t = 1111)]
    pub(crate) port: u16,

    /// Address to bind; anything but loopback exposes the preview to the network
    #[arg(long, default_value = "127.0.0.1")]
    pub(crate) bind: String,

    /// Open the site in the default browser
    #[arg(long)]
    pub(crate) open: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Human-readable, with source snippets
    Human,
    /// One JSON object per diagnostic, for editors and CI
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Output format of the diagnostics
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub(crate) format: Format,

    /// Also check a built site's internal links and #fragments in this folder
    #[arg(long, value_name = "DIR")]
    pub(crate) output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct NewArgs {
    /// The article file, e.g. seeds/005_x.txt
    pub(crate) article: PathBuf,
}
