//! Build progress: which stage a build is in and how far it has got.
//!
//! The pipeline reports to a [`Progress`] (stages begin and end; pages are counted as
//! they are rendered) and never prints; the commands decide what to show: a live
//! [`Line`] on a terminal once a build has taken a second, nothing with `--quiet`, and
//! a table of stage times with `gloss build --timings`.

use std::io::Write as _;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

/// A build shorter than this shows no progress line, only its summary.
const LINE_AFTER: Duration = Duration::from_secs(1);
const LINE_EVERY: Duration = Duration::from_millis(200);

/// A stage of a build, in pipeline order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Load,
    Annotate,
    Link,
    Render,
    Search,
    Write,
}

impl Stage {
    pub fn label(self) -> &'static str {
        match self {
            Stage::Load => "loading",
            Stage::Annotate => "reading and parsing",
            Stage::Link => "linking",
            Stage::Render => "rendering pages",
            Stage::Search => "indexing for search",
            Stage::Write => "writing",
        }
    }
}

/// One finished stage: how long it took and the process's peak memory after it.
#[derive(Debug, Clone)]
pub struct StageTime {
    pub stage: Stage,
    pub elapsed: Duration,
    /// Peak resident memory of the process so far, in bytes (Linux only).
    pub peak_memory: Option<u64>,
}

/// What a build reports as it goes. Cheap to update from many threads at once.
#[derive(Debug)]
pub struct Progress {
    started: Instant,
    current: Mutex<Option<(Stage, Instant)>>,
    done: AtomicUsize,
    finished: Mutex<Vec<StageTime>>,
}

impl Default for Progress {
    fn default() -> Self {
        Self::new()
    }
}

impl Progress {
    pub fn new() -> Self {
        Self {
            started: Instant::now(),
            current: Mutex::new(None),
            done: AtomicUsize::new(0),
            finished: Mutex::new(Vec::new()),
        }
    }

    /// Ends the current stage (if any) and starts `stage`.
    pub fn begin(&self, stage: Stage) {
        self.end();
        self.done.store(0, Ordering::Relaxed);
        *self.lock_current() = Some((stage, Instant::now()));
    }

    /// Ends the current stage, recording its time.
    pub fn end(&self) {
        let Some((stage, since)) = self.lock_current().take() else {
            return;
        };
        let time = StageTime {
            stage,
            elapsed: since.elapsed(),
            peak_memory: peak_memory(),
        };
        self.finished
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(time);
    }

    /// `n` more items (pages, articles) done in the current stage.
    pub fn advance(&self, n: usize) {
        self.done.fetch_add(n, Ordering::Relaxed);
    }

    /// The stage running now and how many items it has done.
    pub fn snapshot(&self) -> Option<(Stage, usize)> {
        let current = *self.lock_current();
        current.map(|(stage, _)| (stage, self.done.load(Ordering::Relaxed)))
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// The stages finished so far, in order.
    pub fn stage_times(&self) -> Vec<StageTime> {
        self.finished
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn lock_current(&self) -> std::sync::MutexGuard<'_, Option<(Stage, Instant)>> {
        self.current.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The live "rendering pages: 12,345 (8.1s)" line on a terminal, redrawn in place
/// on stderr by a thread of its own; shown only once the build has taken a second.
/// `gloss build` and `gloss serve` draw it when stderr is a terminal; a `serve`
/// update that takes less than that second never shows it, and stopping the line
/// wakes its thread at once rather than waiting for the next redraw.
pub struct Line {
    stop: Arc<AtomicBool>,
    thread: thread::JoinHandle<()>,
}

impl Line {
    pub fn start(progress: Arc<Progress>) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let thread = thread::spawn(move || {
            let mut shown = false;
            loop {
                thread::park_timeout(LINE_EVERY);
                if stopped.load(Ordering::Acquire) {
                    break;
                }
                if progress.elapsed() < LINE_AFTER {
                    continue;
                }
                if let Some((stage, done)) = progress.snapshot() {
                    let count = if done > 0 {
                        format!(": {done}")
                    } else {
                        String::new()
                    };
                    let mut stderr = std::io::stderr().lock();
                    // \r and "erase line": the line is redrawn in place.
                    let _ = write!(
                        stderr,
                        "\r\x1b[2K{}{count} ({:.1}s)",
                        stage.label(),
                        progress.elapsed().as_secs_f64()
                    );
                    let _ = stderr.flush();
                    shown = true;
                }
            }
            if shown {
                let _ = write!(std::io::stderr(), "\r\x1b[2K");
            }
        });
        Self { stop, thread }
    }

    /// Stops drawing and clears the line, if it was drawn.
    pub fn stop(self) {
        self.stop.store(true, Ordering::Release);
        self.thread.thread().unpark();
        let _ = self.thread.join();
    }
}

/// The process's peak resident set size ("VmHWM"), where the system tells it.
pub fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kilobytes: u64 = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kilobytes * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_are_recorded_in_order_with_their_counts_reset() {
        let progress = Progress::new();
        progress.begin(Stage::Load);
        progress.advance(3);
        assert_eq!(progress.snapshot(), Some((Stage::Load, 3)));
        progress.begin(Stage::Render);
        assert_eq!(progress.snapshot(), Some((Stage::Render, 0)));
        progress.advance(2);
        progress.end();
        assert_eq!(progress.snapshot(), None);
        let stages: Vec<Stage> = progress.stage_times().iter().map(|t| t.stage).collect();
        assert_eq!(stages, [Stage::Load, Stage::Render]);
    }

    #[test]
    fn peak_memory_is_read_on_linux() {
        if cfg!(target_os = "linux") {
            assert!(peak_memory().is_some_and(|bytes| bytes > 1024 * 1024));
        }
    }
}
