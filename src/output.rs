//! Stage 5, output: writes a rendered site to its folder, atomically.
//!
//! The site is written to a temporary sibling folder first and swapped in only when
//! every file is written, so a failed build never leaves a broken or half-written
//! site, and the previous site stays until the new one is complete. Folders that hold
//! the user's own files are refused.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;
use crate::render::Rendered;

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

/// Writes `site` to `output`, replacing what an earlier build left there.
pub fn write_site(site: &Rendered, output: &Path, root: &Path) -> Result<(), Diagnostic> {
    if let Some(why) = refusal(output, root) {
        return Err(Diagnostic::error(
            output,
            format!("refusing to write the site here: the folder {why}"),
        )
        .with_hint("choose another folder with `--output`"));
    }
    let output = absolute(output);
    let parent = output
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let error = |what: &str, e: &io::Error| Diagnostic::error(&output, format!("{what}: {e}"));
    fs::create_dir_all(&parent).map_err(|e| error("cannot create the parent folder", &e))?;
    let name = output
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.building-"))
        .tempdir_in(&parent)
        .map_err(|e| error("cannot create a temporary folder beside it", &e))?;
    write_files(site, staging.path()).map_err(|e| error("cannot write the site", &e))?;
    swap_in(staging, &output, &parent, &name)
        .map_err(|e| error("cannot move the new site into place", &e))
}

fn write_files(site: &Rendered, dir: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    fs::write(
        dir.join(MARKER),
        "This folder is written by `gloss build`; it is replaced on every build.\n",
    )?;
    let mut folders: Vec<PathBuf> = site
        .files
        .iter()
        .filter_map(|f| Path::new(&f.path).parent().map(|p| dir.join(p)))
        .collect();
    folders.sort();
    folders.dedup();
    for folder in &folders {
        fs::create_dir_all(folder)?;
    }
    site.files
        .par_iter()
        .try_for_each(|file| fs::write(dir.join(&file.path), &file.contents))
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
