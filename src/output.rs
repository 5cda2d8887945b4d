//! Stage 5, output: writes a site to its folder, atomically.
//!
//! Pages are written, as they are rendered, into a temporary sibling folder, which is
//! swapped in only when every file is written: a failed build never leaves a broken or
//! half-written site, and the previous site stays until the new one is complete.
//! Folders that hold the user's own files are refused.
//!
//! A file whose bytes equal the previous site's file at the same path is not written
//! again: the old file is hard-linked into the staging folder. It keeps its
//! modification time, so `rsync` and similar deploy tools upload only what changed,
//! and a rebuild creates (and later frees) file system entries only for the files
//! that changed.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::diagnostics::{Diagnostic, Report};
use crate::render::{OutputFile, Sink};

/// The marker gloss leaves in an output folder it created, so it can tell a folder it
/// may replace from one with somebody's files in it.
pub const MARKER: &str = ".gloss-output";

/// Why an output folder is refused.
fn refusal(output: &Path, root: &Path) -> Option<String> {
    let output = absolute(output);
    let root = absolute(root);
    if output == root {
        return Some("is the project folder itself".to_owned());
    }
    if root.starts_with(&output) {
        return Some("contains the project".to_owned());
    }
    for protected in ["seeds", "templates", "static", "src", "tests", ".git"] {
        let protected_path = root.join(protected);
        if output == protected_path || output.starts_with(&protected_path) {
            return Some(format!("is inside the project's `{protected}/` folder"));
        }
    }
    if output.is_dir() && !output.join(MARKER).exists() {
        let has_entries = fs::read_dir(&output).map_or(true, |mut d| d.next().is_some());
        if has_entries {
            return Some("is not empty and was not created by gloss".to_owned());
        }
    }
    if output.exists() && !output.is_dir() {
        return Some("is a file".to_owned());
    }
    None
}

/// Lexically absolute (the output folder need not exist yet, so no canonicalize).
fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// What [`write_with`] returns: the producer's value and how many files were carried
/// over unchanged from the previous site.
#[derive(Debug)]
pub struct Written<T> {
    pub value: T,
    /// Files whose bytes equalled the previous site's and were linked, not written.
    pub unchanged: usize,
}

/// Builds a site straight into `output`: `produce` writes every file into a staging
/// folder beside it (through the [`Sink`] it is given), and only when it succeeds is
/// the staging folder swapped in for the old site. On failure the staging folder is
/// removed and the old site is left as it was.
pub fn write_with<T>(
    output: &Path,
    root: &Path,
    produce: impl FnOnce(&dyn Sink) -> Result<T, Report>,
) -> Result<Written<T>, Report> {
    if let Some(why) = refusal(output, root) {
        return Err(Diagnostic::error(
            output,
            format!("refusing to write the site here: the folder {why}"),
        )
        .with_hint("choose another folder with `--output`")
        .into());
    }
    let output = absolute(output);
    let parent = output
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let error = |what: &str, e: &io::Error| {
        Report::from(Diagnostic::error(&output, format!("{what}: {e}")))
    };
    fs::create_dir_all(&parent).map_err(|e| error("cannot create the parent folder", &e))?;
    let name = output
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.building-"))
        .tempdir_in(&parent)
        .map_err(|e| error("cannot create a temporary folder beside it", &e))?;
    fs::write(
        staging.path().join(MARKER),
        "This folder is written by `gloss build`; it is replaced on every build.\n",
    )
    .map_err(|e| error("cannot write the site", &e))?;
    // `refusal` let through only an empty folder or one with gloss's marker.
    let previous = output.join(MARKER).is_file().then(|| output.clone());
    let sink = StagingSink::new(staging.path().to_path_buf(), previous);
    let value = produce(&sink)?;
    let unchanged = sink.unchanged.load(Ordering::Relaxed);
    swap_in(staging, &output, &parent, &name)
        .map_err(|e| error("cannot move the new site into place", &e))?;
    Ok(Written { value, unchanged })
}

/// Writes each file into the staging folder as it is rendered (from any thread), or
/// links the previous site's file when it has the same bytes.
struct StagingSink {
    dir: PathBuf,
    /// The site being replaced, if there is one.
    previous: Option<PathBuf>,
    unchanged: AtomicUsize,
}

impl StagingSink {
    fn new(dir: PathBuf, previous: Option<PathBuf>) -> Self {
        Self {
            dir,
            previous,
            unchanged: AtomicUsize::new(0),
        }
    }

    /// The previous site's copy of `file`, if its bytes are the same.
    fn unchanged_copy(&self, file: &OutputFile) -> Option<PathBuf> {
        let old = self.previous.as_ref()?.join(&file.path);
        same_bytes(&old, &file.contents).then_some(old)
    }

    /// Links `old` into `path`, or writes the file there; true when linked. Any
    /// failure to link (a different file system, no hard links) just means the file
    /// is written.
    fn place(old: Option<&Path>, file: &OutputFile, path: &Path) -> io::Result<bool> {
        if let Some(old) = old {
            if fs::hard_link(old, path).is_ok() {
                return Ok(true);
            }
        }
        fs::write(path, &file.contents).map(|()| false)
    }
}

impl Sink for StagingSink {
    fn put(&self, file: OutputFile) -> Result<(), Diagnostic> {
        let path = self.dir.join(&file.path);
        let old = self.unchanged_copy(&file);
        // Folders are made when a file first finds its own missing, rather than
        // asked for before every file or remembered in a set (a path for every folder
        // of the site, held until the end of the build).
        let placed = match Self::place(old.as_deref(), &file, &path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => path
                .parent()
                .map_or(Ok(()), fs::create_dir_all)
                .and_then(|()| Self::place(old.as_deref(), &file, &path)),
            placed => placed,
        };
        match placed {
            Ok(linked) => {
                if linked {
                    self.unchanged.fetch_add(1, Ordering::Relaxed);
                }
                Ok(())
            }
            Err(e) => Err(Diagnostic::error(
                &file.path,
                format!("cannot write the site: {e}"),
            )),
        }
    }
}

/// Whether `path` is a regular file (not a link to one: a link would carry over into
/// the new site) holding exactly `contents`. Compared in pieces, without holding
/// the old file in memory.
fn same_bytes(path: &Path, contents: &[u8]) -> bool {
    let is_same_size_file = fs::symlink_metadata(path)
        .is_ok_and(|m| m.file_type().is_file() && m.len() == contents.len() as u64);
    if !is_same_size_file {
        return false;
    }
    let Ok(mut old) = File::open(path) else {
        return false;
    };
    let mut buffer = [0_u8; 16 * 1024];
    let mut rest = contents;
    loop {
        match old.read(&mut buffer) {
            Ok(0) => return rest.is_empty(),
            Ok(n) => {
                let Some((expected, tail)) = rest.split_at_checked(n) else {
                    return false;
                };
                if buffer.get(..n) != Some(expected) {
                    return false;
                }
                rest = tail;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}

/// Moves the staged site into place: the old one is renamed away first and removed
/// only after the new one is in place.
fn swap_in(staging: tempfile::TempDir, output: &Path, parent: &Path, name: &str) -> io::Result<()> {
    let staged = staging.keep();
    let old = if output.exists() {
        let old = tempfile::Builder::new()
            .prefix(&format!(".{name}.old-"))
            .tempdir_in(parent)?
            .keep();
        fs::remove_dir(&old)?;
        fs::rename(output, &old)?;
        Some(old)
    } else {
        None
    };
    if let Err(e) = fs::rename(&staged, output) {
        if let Some(old) = &old {
            let _ = fs::rename(old, output);
        }
        let _ = fs::remove_dir_all(&staged);
        return Err(e);
    }
    if let Some(old) = old {
        fs::remove_dir_all(old)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_bytes_compares_whole_contents() {
        let dir = tempfile::tempdir().unwrap();
        // Longer than the comparison buffer, differing only in the last piece.
        let big: Vec<u8> = (0..40_000_u32).map(|i| (i % 251) as u8).collect();
        let path = dir.path().join("f");
        fs::write(&path, &big).unwrap();
        assert!(same_bytes(&path, &big));
        let mut other = big.clone();
        *other.last_mut().unwrap() ^= 1;
        assert!(!same_bytes(&path, &other));
        assert!(!same_bytes(&path, &big[..big.len() - 1]));
        assert!(!same_bytes(&dir.path().join("missing"), b""));
        assert!(!same_bytes(dir.path(), b""), "a folder is not a file");
        fs::write(&path, b"").unwrap();
        assert!(same_bytes(&path, b""));
    }

    #[cfg(unix)]
    #[test]
    fn same_bytes_refuses_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        fs::write(&target, b"same").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(same_bytes(&target, b"same"));
        assert!(!same_bytes(&link, b"same"));
    }

    #[test]
    fn refuses_project_and_source_folders() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path();
        fs::create_dir_all(root.join("seeds")).unwrap();
        assert!(refusal(root, root).is_some());
        assert!(refusal(&root.join("seeds"), root).is_some());
        assert!(refusal(&root.join("templates/x"), root).is_some());
        assert!(refusal(&root.join("public"), root).is_none());
        fs::create_dir_all(root.join("mine")).unwrap();
        fs::write(root.join("mine/notes.txt"), "keep me").unwrap();
        assert!(refusal(&root.join("mine"), root)
            .unwrap()
            .contains("not empty"));
    }
}
