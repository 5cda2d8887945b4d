//! `gloss serve`.

use std::io::IsTerminal;
use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::process::{Command, Stdio};

use gloss::serve::{ServeOptions, Server};

use crate::cli::ServeArgs;

use super::EXIT_INVALID;

pub(crate) fn execute(root: &Path, args: &ServeArgs, quiet: bool) -> u8 {
    let Some(bind) = parse_bind(&args.bind) else {
        eprintln!(
            "error: invalid `--bind` address `{}`: expected an IP address such as 127.0.0.1 or ::1",
            args.bind
        );
        return EXIT_INVALID;
    };
    if !bind.is_loopback() {
        eprintln!("warning: listening on {bind}: anyone on your network can see the preview");
    }
    let options = ServeOptions {
        port: args.port,
        bind,
        quiet,
        progress_line: std::io::stderr().is_terminal(),
        ..ServeOptions::default()
    };
    let server = match Server::start(root, &options) {
        Ok(server) => server,
        Err(error) => {
            eprintln!("error: {error}");
            return EXIT_INVALID;
        }
    };
    if let Some(busy) = server.busy_port() {
        eprintln!("port {busy} is in use; serving on {}", server.url());
    } else if !quiet {
        eprintln!("serving on {}", server.url());
    }
    if !quiet {
        eprintln!("watching for changes; press Ctrl-C to stop");
    }
    if args.open {
        open_browser(server.url());
    }
    // Runs until the process is interrupted; Ctrl-C's default action ends it, and
    // there is nothing on disk to clean up.
    server.wait();
    super::EXIT_OK
}

/// `--bind`: an IP address, or `localhost`.
fn parse_bind(text: &str) -> Option<IpAddr> {
    if text.eq_ignore_ascii_case("localhost") {
        return Some(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    text.trim_matches(|c| c == '[' || c == ']').parse().ok()
}

/// Opens the site in the default browser. Not being able to is only a warning: the
/// URL is printed anyway.
fn open_browser(url: &str) {
    let (program, args): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    let spawned = Command::new(program)
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    match spawned {
        // Reaped in the background so it does not linger as a zombie.
        Ok(mut child) => {
            std::thread::spawn(move || {
                if child.wait().is_ok_and(|status| !status.success()) {
                    eprintln!("warning: `{program}` could not open a browser; open the URL above yourself");
                }
            });
        }
        Err(error) => eprintln!(
            "warning: cannot open a browser ({program}: {error}); open the URL above yourself"
        ),
    }
}
