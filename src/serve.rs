//! `gloss serve`: a live-reloading preview, served from memory.
//!
//! The site is built by a [`crate::rebuild::Session`] and kept in memory (never written
//! to disk), each file LZ4-compressed as it is rendered and unpacked per request, behind an `RwLock<Arc<…>>` that a rebuild changes under the write lock, so
//! a request sees either the old site or the new one, never a mix. A file watcher
//! rebuilds on every change (incrementally when only article or annotation files
//! changed); open pages hear about it over Server-Sent Events and reload.
//!
//! A failed rebuild keeps the last good site up and adds an error overlay to every
//! HTML page, so the editor sees the problem where they are looking; the next good
//! build removes it. The pieces:
//!
//! - [`state`]: the in-memory site (compressed files) and how a build result becomes
//!   one;
//! - [`http`]: request paths → files, content types, redirects, 404s;
//! - [`inject`]: the live-reload script and the error overlay;
//! - [`events`]: the Server-Sent Events broadcaster;
//! - [`watch`]: the file watcher and the rebuild loop.

mod events;
mod http;
mod inject;
mod state;
mod watch;

use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use http::{content_type, normalize_request_path};
pub use inject::{EVENTS_PATH, OVERLAY_ID, RELOAD_SCRIPT_MARKER};

use events::Broadcaster;
use state::SharedSite;

/// How many ports after the requested one are tried when it is taken.
pub const PORT_ATTEMPTS: u16 = 10;

/// Threads answering ordinary requests (event streams get their own).
const WORKERS: usize = 4;

/// How long a worker waits for a request before looking at the stop flag again.
const POLL: Duration = Duration::from_millis(100);

/// What `gloss serve` is asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The port to try first; 0 lets the system pick a free one.
    pub port: u16,
    /// The address to listen on (loopback unless the user asks otherwise).
    pub bind: IpAddr,
    /// Print only errors and warnings.
    pub quiet: bool,
    /// Draw a live progress line on stderr while a build takes more than a second (the
    /// first one, or a full rebuild after a change to anything but article files):
    /// `gloss serve` sets it when stderr is a terminal, since a large archive takes a
    /// while.
    pub progress_line: bool,
    /// How long the watcher waits for a burst of changes to settle.
    pub debounce: Duration,
    /// How often an idle event stream gets a comment, so dead clients are noticed.
    pub heartbeat: Duration,
    /// The most browser tabs that may listen for reloads at once.
    pub max_clients: usize,
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            port: 1111,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            quiet: false,
            progress_line: false,
            debounce: Duration::from_millis(10),
            heartbeat: Duration::from_secs(15),
            max_clients: 64,
        }
    }
}

/// Why the server could not start.
#[derive(Debug)]
pub enum ServeError {
    /// The requested port and the next ones are all in use.
    PortsInUse { bind: IpAddr, first: u16, last: u16 },
    /// Binding failed for another reason (permission, address not on this machine…).
    Bind { addr: SocketAddr, source: io::Error },
    /// The HTTP server could not be set up on the bound socket.
    Http(String),
    /// The project folder cannot be watched.
    Watch { path: PathBuf, message: String },
    /// The project folder does not exist or cannot be resolved.
    Root { path: PathBuf, source: io::Error },
    /// The system would not start another thread.
    Thread(io::Error),
}

impl fmt::Display for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::PortsInUse { bind, first, last } => write!(
                f,
                "ports {first} to {last} on {bind} are all in use; choose another with `--port`"
            ),
            Self::Bind { addr, source } => write!(f, "cannot listen on {addr}: {source}"),
            Self::Http(message) => write!(f, "cannot start the HTTP server: {message}"),
            Self::Watch { path, message } => {
                write!(
                    f,
                    "cannot watch `{}` for changes: {message}",
                    path.display()
                )
            }
            Self::Thread(source) => write!(f, "cannot start a thread: {source}"),
            Self::Root { path, source } => {
                write!(
                    f,
                    "cannot open the project folder `{}`: {source}",
                    path.display()
                )
            }
        }
    }
}

impl std::error::Error for ServeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Bind { source, .. } | Self::Root { source, .. } | Self::Thread(source) => {
                Some(source)
            }
            _ => None,
        }
    }
}

/// A running preview server. Dropping it (or calling [`Server::stop`]) shuts it down.
pub struct Server {
    url: String,
    addr: SocketAddr,
    busy_port: Option<u16>,
    stop: Arc<AtomicBool>,
    events: Arc<Broadcaster>,
    threads: Vec<JoinHandle<()>>,
}

impl Server {
    /// Binds the port, builds the site once, starts watching and serving. Returns once
    /// the first build is in place (a failed first build still starts the server: it
    /// shows the errors until they are fixed).
    pub fn start(root: &Path, options: &ServeOptions) -> Result<Self, ServeError> {
        let root = std::fs::canonicalize(root).map_err(|source| ServeError::Root {
            path: root.to_path_buf(),
            source,
        })?;
        let (listener, busy_port) = bind(options.bind, options.port)?;
        let addr = listener.local_addr().map_err(|source| ServeError::Bind {
            addr: SocketAddr::new(options.bind, options.port),
            source,
        })?;
        let http = tiny_http::Server::from_listener(listener, None)
            .map_err(|e| ServeError::Http(e.to_string()))?;
        let url = site_url(addr);
        let stop = Arc::new(AtomicBool::new(false));
        let events = Arc::new(Broadcaster::new(options.max_clients, options.heartbeat));
        let site = Arc::new(SharedSite::default());
        let mut builder = watch::Builder::new(root.clone(), url.clone(), run_id(), options);
        // Watch before the first build, so an edit made while it runs is not missed.
        let watcher = watch::Watcher::new(&root, options.debounce)?;
        builder.first_build(&site);
        // Made before the threads: if one cannot start, dropping it stops the others.
        let mut server = Self {
            url,
            addr,
            busy_port,
            stop,
            events,
            threads: Vec::with_capacity(WORKERS + 1),
        };
        let (events, stop) = (Arc::clone(&server.events), Arc::clone(&server.stop));
        server.spawn("gloss-watch", {
            let (site, events, stop) = (Arc::clone(&site), Arc::clone(&events), Arc::clone(&stop));
            move || watcher.run(&mut builder, &site, &events, &stop)
        })?;
        let http = Arc::new(http);
        for _ in 0..WORKERS {
            let (http, site, events, stop) = (
                Arc::clone(&http),
                Arc::clone(&site),
                Arc::clone(&events),
                Arc::clone(&stop),
            );
            server.spawn("gloss-http", move || {
                serve_requests(&http, &site, &events, &stop);
            })?;
        }
        Ok(server)
    }

    fn spawn(
        &mut self,
        name: &str,
        work: impl FnOnce() + Send + 'static,
    ) -> Result<(), ServeError> {
        let thread = thread::Builder::new()
            .name(name.to_owned())
            .spawn(work)
            .map_err(ServeError::Thread)?;
        self.threads.push(thread);
        Ok(())
    }

    /// `http://127.0.0.1:1111/`: where the site is, with a trailing slash.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The address actually listened on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The requested port, when it was in use and a later one was taken instead.
    pub fn busy_port(&self) -> Option<u16> {
        self.busy_port
    }

    /// Blocks until the server stops (for the command line, that is until Ctrl-C).
    pub fn wait(mut self) {
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }

    /// Stops serving and watching, closes every event stream, and waits for the
    /// server's threads to finish.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.events.close();
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown();
    }
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

/// Binds `port`, or the next free one of the following [`PORT_ATTEMPTS`]. Returns the
/// listener and, if a later port was used, the one that was taken.
fn bind(ip: IpAddr, port: u16) -> Result<(TcpListener, Option<u16>), ServeError> {
    let last = if port == 0 {
        0
    } else {
        port.saturating_add(PORT_ATTEMPTS)
    };
    for candidate in port..=last {
        let addr = SocketAddr::new(ip, candidate);
        match TcpListener::bind(addr) {
            Ok(listener) => return Ok((listener, (candidate != port).then_some(port))),
            Err(error) if error.kind() == io::ErrorKind::AddrInUse => {}
            Err(source) => return Err(ServeError::Bind { addr, source }),
        }
    }
    Err(ServeError::PortsInUse {
        bind: ip,
        first: port,
        last,
    })
}

/// The URL browsers should use. An unspecified bind address (0.0.0.0) listens
/// everywhere, but cannot be browsed to: loopback stands in for it.
fn site_url(addr: SocketAddr) -> String {
    let ip = if addr.ip().is_unspecified() {
        match addr.ip() {
            IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(_) => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        }
    } else {
        addr.ip()
    };
    format!("http://{}/", SocketAddr::new(ip, addr.port()))
}

/// Distinguishes this server run from an earlier one on the same port, so a page
/// that reconnects to a restarted server knows to reload.
fn run_id() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{:x}", nanos & u128::from(u64::MAX))
}

/// A worker: answers requests until told to stop. Event streams are handed to their
/// own thread, since they stay open for as long as the page does.
fn serve_requests(
    http: &tiny_http::Server,
    site: &Arc<SharedSite>,
    events: &Arc<Broadcaster>,
    stop: &AtomicBool,
) {
    while !stop.load(Ordering::SeqCst) {
        let request = match http.recv_timeout(POLL) {
            Ok(Some(request)) => request,
            Ok(None) => continue,
            Err(_) => break,
        };
        if http::is_events_request(&request) {
            let (events, site) = (Arc::clone(events), Arc::clone(site));
            let started = thread::Builder::new()
                .name("gloss-events".to_owned())
                .spawn(move || events.serve(request, &site));
            // If no thread could be started, the request went with the closure and
            // was dropped (tiny_http answers it with an error); the browser retries.
            drop(started);
        } else {
            http::respond(request, &site.current());
        }
    }
}
