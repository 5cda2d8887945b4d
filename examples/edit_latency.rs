//! How long an incremental rebuild takes: builds a project in memory once, then edits
//! one annotation file again and again (appending to its first note's body), timing
//! each `Session::update` from the file change to the affected pages rendered.
//!
//!     cargo run --release --example edit_latency -- PROJECT seeds/000123.toml [EDITS] [--search]
//!
//! Prints one line per edit and the median. The search index job an update hands back
//! is not run (`gloss serve` runs it on a thread of its own, after the reload), unless
//! `--search` is given: then it runs after each timed update, as between edits in
//! `gloss serve`.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use gloss::rebuild::Session;
use gloss::render::MemorySink;
use gloss::site::BuildOptions;

/// The allocator the `gloss` binary uses, so the times are comparable.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(project), Some(file)) = (args.first(), args.get(1)) else {
        eprintln!("usage: edit_latency PROJECT ANNOTATION_FILE [EDITS]");
        return ExitCode::from(2);
    };
    let edits: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(20);
    let with_search = args.iter().any(|a| a == "--search");
    let root = PathBuf::from(project);
    let relative = PathBuf::from(file);
    let path = root.join(&relative);
    let Ok(original) = std::fs::read_to_string(&path) else {
        eprintln!("cannot read {}", path.display());
        return ExitCode::from(2);
    };
    let started = Instant::now();
    // The files are kept in a plain list: this times the rebuild, not the server.
    let first_files = MemorySink::default();
    let (mut session, first) = match Session::start(&root, &BuildOptions::default(), &first_files) {
        Ok(built) => built,
        Err(report) => {
            report.emit_to_stderr();
            return ExitCode::from(1);
        }
    };
    eprintln!(
        "first build: {} articles, {} units in {:.2?}",
        first.articles,
        first.units_total,
        started.elapsed()
    );
    drop((first, first_files));
    let changed = BTreeSet::from([relative]);
    let mut times: Vec<Duration> = Vec::with_capacity(edits);
    for n in 1..=edits {
        let edited = original.replacen("body = \"", &format!("body = \"Edit {n}. "), 1);
        if std::fs::write(&path, edited).is_err() {
            eprintln!("cannot write {}", path.display());
            return ExitCode::from(2);
        }
        let files = MemorySink::default();
        let started = Instant::now();
        match session.update(&changed, &files) {
            Ok(outcome) => {
                let elapsed = started.elapsed();
                println!(
                    "edit {n}: {} of {} units in {:.1} ms",
                    outcome.units_rendered,
                    outcome.units_total,
                    elapsed.as_secs_f64() * 1e3
                );
                times.push(elapsed);
                if with_search {
                    if let Some(search) = outcome.search {
                        let _ = search.run();
                    }
                }
            }
            Err(report) => {
                report.emit_to_stderr();
                break;
            }
        }
    }
    let _ = std::fs::write(&path, original);
    times.sort();
    if let Some(median) = times.get(times.len() / 2) {
        println!(
            "median of {}: {:.1} ms",
            times.len(),
            median.as_secs_f64() * 1e3
        );
    }
    ExitCode::SUCCESS
}
