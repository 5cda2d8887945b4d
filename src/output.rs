//! Stage 5, output: writes a site to its folder, atomically.
//!
//! Pages are written, as they are rendered, into a temporary sibling folder, which is
//! swapped in only when every file is written: a failed build never leaves a broken or
//! half-written site, and the previous site stays until the new one is complete.
//! Folders that hold the user's own files are refused.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

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

/// Builds a site straight into `output`: `produce` writes every file into a staging
/// folder beside it (through the [`Sink`] it is given), and only when it succeeds is
/// the staging folder swapped in for the old site. On failure the staging folder is
/// removed and the old site is left as it was.
pub fn write_with<T>(
    output: &Path,
    root: &Path,
    produce: impl FnOnce(&dyn Sink) -> Result<T, Report>,
) -> Result<T, Report> {
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
    let sink = StagingSink {
        dir: staging.path().to_path_buf(),
    };
    let value = produce(&sink)?;
    swap_in(staging, &output, &parent, &name)
        .map_err(|e| error("cannot move the new site into place", &e))?;
    Ok(value)
}

/// Writes each file into the staging folder as it is rendered (from any thread).
struct StagingSink {
    dir: PathBuf,
}

impl Sink for StagingSink {
    fn put(&self, file: OutputFile) -> Result<(), Diagnostic> {
        let path = self.dir.join(&file.path);
        let written = path
            .parent()
            .map_or(Ok(()), fs::create_dir_all)
            .and_then(|()| fs::write(&path, &file.contents));
        written.map_err(|e| Diagnostic::error(&file.path, format!("cannot write the site: {e}")))
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
