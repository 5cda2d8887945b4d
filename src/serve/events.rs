//! Live reload over Server-Sent Events: one long response per open page, on the same
//! port as the site.
//!
//! Each stream runs on its own thread and writes to the socket directly (tiny_http's
//! own response writer buffers chunked bodies, which would hold events back). A
//! stream says `hello` with the build it sees, then `reload` after every rebuild;
//! when idle it sends a comment every heartbeat, and a failed write (the tab was
//! closed) ends it. The number of streams is bounded, so a runaway page cannot
//! exhaust the server's threads.

use std::io::{self, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tiny_http::{Request, Response};

use super::state::SharedSite;

/// Every open event stream, and the means to reach them.
#[derive(Debug)]
pub(crate) struct Broadcaster {
    /// `None` once the server is stopping: no new streams, existing ones end.
    clients: Mutex<Option<Vec<Sender<String>>>>,
    active: AtomicUsize,
    max_clients: usize,
    heartbeat: Duration,
}

/// A registered stream; counts as active until dropped.
struct Subscription<'a> {
    receiver: Receiver<String>,
    active: &'a AtomicUsize,
}

impl Drop for Subscription<'_> {
    fn drop(&mut self) {
        self.active.fetch_sub(1, Ordering::SeqCst);
    }
}

const HEAD: &str = "HTTP/1.1 200 OK\r\n\
Content-Type: text/event-stream; charset=utf-8\r\n\
Cache-Control: no-store\r\n\
X-Accel-Buffering: no\r\n\
Connection: close\r\n\r\n";

impl Broadcaster {
    pub(crate) fn new(max_clients: usize, heartbeat: Duration) -> Self {
        Self {
            clients: Mutex::new(Some(Vec::new())),
            active: AtomicUsize::new(0),
            max_clients,
            heartbeat,
        }
    }

    /// Tells every open page that the site changed (or failed to build).
    pub(crate) fn reload(&self, build_id: &str) {
        let message = format!("event: reload\ndata: {build_id}\n\n");
        let mut clients = self.clients.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(clients) = clients.as_mut() {
            // A send fails only when that stream's thread has ended: forget it.
            clients.retain(|client| client.send(message.clone()).is_ok());
        }
    }

    /// Ends every stream and refuses new ones.
    pub(crate) fn close(&self) {
        self.clients
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
    }

    /// Answers an event-stream request, holding it open until the page goes away or
    /// the server stops.
    pub(crate) fn serve(&self, request: Request, site: &SharedSite) {
        let Some(subscription) = self.subscribe() else {
            let busy = Response::from_string("503 too many live-reload connections\n")
                .with_status_code(503);
            let _ = request.respond(busy);
            return;
        };
        // Read after subscribing: a rebuild in between is then also sent as `reload`.
        let build_id = site.current().build_id.clone();
        let mut writer = request.into_writer();
        let greeting = format!("{HEAD}retry: 1000\n\nevent: hello\ndata: {build_id}\n\n");
        if send(&mut writer, &greeting).is_err() {
            return;
        }
        loop {
            let chunk = match subscription.receiver.recv_timeout(self.heartbeat) {
                Ok(message) => message,
                Err(RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_owned(),
                Err(RecvTimeoutError::Disconnected) => return,
            };
            if send(&mut writer, &chunk).is_err() {
                return;
            }
        }
    }

    fn subscribe(&self) -> Option<Subscription<'_>> {
        let mut clients = self.clients.lock().unwrap_or_else(PoisonError::into_inner);
        let clients = clients.as_mut()?;
        let admitted = self
            .active
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < self.max_clients).then_some(n + 1)
            })
            .is_ok();
        if !admitted {
            return None;
        }
        let (sender, receiver) = mpsc::channel();
        clients.push(sender);
        Some(Subscription {
            receiver,
            active: &self.active,
        })
    }
}

fn send(writer: &mut dyn Write, text: &str) -> io::Result<()> {
    writer.write_all(text.as_bytes())?;
    writer.flush()
}
