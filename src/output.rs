//! Stage 5, output: writes a site to its folder, so that a failed build changes nothing.
//!
//! The first build into a folder writes every page, as it is rendered, into a
//! temporary sibling folder, which is renamed into place only when every file is
//! written.
//!
//! A rebuild over a site gloss wrote before updates it in place. Each rendered file
//! is compared with the site's file at the same path: one with the same bytes is left
//! alone (it keeps its inode and modification time, so `rsync` and similar deploy
//! tools upload only what changed), and one that differs is written into a staging
//! folder inside the site. Only when the whole build has succeeded are the staged
//! files moved into place, each by a rename (a reader never sees a half-written
//! page), and the files the build no longer produces removed. A failed build leaves
//! the site as it was.
//!
//! Why in place rather than a whole new folder swapped in: at 100,000 articles a site
//! is 450,000 files and folders: making a new folder of them (even of hard links to
//! the unchanged files) and then removing the old one made a rebuild after one edited
//! note slower than a first build (BENCHMARKS.md).
//! The price is that a build killed, or stopped by a file system error, while it
//! moves files into place leaves a mix of old and new pages, which the next build puts
//! right.
//!
//! Every build keeps a [`manifest`] of what it wrote (in the project's
//! `.gloss-cache/`), so that the next one can tell an unchanged file from the file's
//! length, modification time and a hash of the new bytes, without reading the old
//! file back.
//!
//! The manifest also records which unit of the site wrote which files, with its
//! fingerprint (`manifest::Renders`). The sink answers the renderer's `Sink::reuse`
//! from that record: a unit whose fingerprint is unchanged and whose files are still
//! as the manifest stamped them keeps its files, and is not rendered again.
//!
//! Folders that hold the user's own files are refused.

pub mod manifest;

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError, RwLock};

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Report};
use crate::render::{OutputFile, Sink, UnitPrint};
use manifest::{Manifest, Renders, RendersBuilder, Stamp, Verdict};

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
    for protected in [
        "seeds",
        "templates",
        "static",
        "src",
        "tests",
        ".git",
        manifest::CACHE_DIR,
    ] {
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
    /// Files whose bytes equalled the previous site's and were left as they were.
    pub unchanged: usize,
}

/// Builds a site straight into `output`: `produce` hands every file to the [`Sink`] it
/// is given, and only when it succeeds does the folder change (see the module
/// documentation). On failure the folder is left as it was.
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
    let error = |what: &str, e: &io::Error| {
        Report::from(Diagnostic::error(&output, format!("{what}: {e}")))
    };
    let manifest = manifest::location(&absolute(root), &output);
    // `refusal` let through only a missing or empty folder, or one with the marker.
    let (written, produced) = if output.join(MARKER).is_file() {
        update_in_place(&output, Manifest::read(&manifest), produce, &error)?
    } else {
        write_and_swap_in(&output, produce, &error)?
    };
    // The site is in place. Without a manifest the next build compares every file
    // byte by byte, so a manifest that cannot be written costs time, not the build;
    // an old one left behind would not match the files' new times either way.
    let (produced, renders) = produced;
    if Manifest::write(&manifest, produced, renders).is_err() {
        let _ = fs::remove_file(&manifest);
    }
    Ok(written)
}

/// What a build wrote, and for the manifest the path keys and stamps of its files and
/// what rendered them.
type Outcome<T> = (Written<T>, Produced);

/// The path keys and stamps of a build's files, sorted by key, and what rendered them.
type Produced = (Vec<(u64, Stamp)>, Option<Renders>);

/// The first build: everything is written into a sibling folder, which is renamed into
/// place.
fn write_and_swap_in<T>(
    output: &Path,
    produce: impl FnOnce(&dyn Sink) -> Result<T, Report>,
    error: &dyn Fn(&str, &io::Error) -> Report,
) -> Result<Outcome<T>, Report> {
    let parent = output
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    fs::create_dir_all(&parent).map_err(|e| error("cannot create the parent folder", &e))?;
    let name = output
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.building-"))
        .tempdir_in(&parent)
        .map_err(|e| error("cannot create a temporary folder beside it", &e))?;
    write_marker(staging.path()).map_err(|e| error("cannot write the site", &e))?;
    let sink = StagingSink::new(staging.path(), None, Manifest::default());
    let value = produce(&sink)?;
    swap_in(staging, output, &parent, &name)
        .map_err(|e| error("cannot move the new site into place", &e))?;
    let written = Written {
        value,
        unchanged: 0,
    };
    Ok((written, sink.into_produced()))
}

/// A rebuild: changed files are staged inside the site, then moved into place, and
/// files no longer produced are removed.
fn update_in_place<T>(
    output: &Path,
    previous: Manifest,
    produce: impl FnOnce(&dyn Sink) -> Result<T, Report>,
    error: &dyn Fn(&str, &io::Error) -> Report,
) -> Result<Outcome<T>, Report> {
    // Inside the site, so that moving a file into place is a rename on one file
    // system. A build killed before it removes the folder leaves it behind; the next
    // build removes it with the other files it does not produce.
    let staging = tempfile::Builder::new()
        .prefix(STAGING_PREFIX)
        .tempdir_in(output)
        .map_err(|e| error("cannot create a temporary folder in it", &e))?;
    let sink = StagingSink::new(staging.path(), Some(output), previous);
    let value = produce(&sink)?;
    let unchanged = sink.unchanged.load(Ordering::Relaxed);
    let produced = sink.into_produced();
    move_into_place(staging.path(), output, Path::new(""))
        .map_err(|e| error("cannot move the new pages into place", &e))?;
    remove_not_produced(output, Path::new(""), &produced.0, staging.path())
        .map_err(|e| error("cannot remove pages the site no longer has", &e))?;
    staging
        .close()
        .map_err(|e| error("cannot remove the temporary folder", &e))?;
    Ok((Written { value, unchanged }, produced))
}

/// What the temporary folder of a rebuild is called, inside the site.
const STAGING_PREFIX: &str = ".gloss-staging-";

/// The file name of a page: each page is the `index.html` of a folder of its own.
const PAGE_FILE: &str = "index.html";

fn write_marker(dir: &Path) -> io::Result<()> {
    fs::write(
        dir.join(MARKER),
        "This folder is written by `gloss build`, which replaces its contents on every build.\n",
    )
}

/// Writes each file into the staging folder as it is rendered (from any thread); on a
/// rebuild, leaves alone a file whose bytes the site already has.
struct StagingSink {
    staging: PathBuf,
    /// The site being updated, on a rebuild.
    site: Option<PathBuf>,
    /// The manifest the site's last build left, on a rebuild.
    previous: Manifest,
    /// A [`path_key`] and a [`Stamp`] for every file produced: the new manifest, and
    /// what tells which of the site's files are no longer produced. 40 bytes a file
    /// rather than its path (a build's peak memory is while it renders).
    produced: Mutex<Vec<(u64, Stamp)>>,
    /// The [`path_key`]s of the site's folders found to be real folders, not links.
    real_folders: Mutex<HashSet<u64>>,
    unchanged: AtomicUsize,
    /// What answers [`Sink::reuse`], until the renderer is done asking.
    reuse: RwLock<Option<Reuse>>,
    /// The running program ([`manifest::program`]): units are reused only from a
    /// manifest it wrote.
    program: Option<u64>,
    /// What rendered this build's files, as units are rendered or reused.
    renders: Mutex<RendersBuilder>,
}

/// What the previous build rendered, and what is in the site now: what a rebuild
/// needs to tell whether a unit can be reused. Freed once rendering begins: at
/// 100,000 articles it is about 15 MB by count (24 bytes for each of 348,121 files
/// listed, 24 for each of 134,361 units and 8 for each file they wrote), and a
/// rebuild's peak is while it builds the search index.
struct Reuse {
    renders: Renders,
    /// The site's regular files in real folders as (path key, length, modification
    /// time), sorted by key: what tells a unit's files are still as the previous
    /// build left them.
    site_files: Vec<(u64, u64, u64)>,
}

impl StagingSink {
    fn new(staging: &Path, site: Option<&Path>, mut previous: Manifest) -> Self {
        let program = manifest::program();
        // The site is listed now, before rendering, rather than when the first unit
        // asks: a listing started from inside the parallel rendering could, while
        // waiting for its own parallel parts, be handed another unit asking for it,
        // and wait for itself.
        let reuse = match (site, previous.take_renders()) {
            (Some(site), Some(renders)) if Some(renders.program) == program => Some(Reuse {
                renders,
                site_files: site_files(site, staging),
            }),
            _ => None,
        };
        Self {
            staging: staging.to_path_buf(),
            site: site.map(Path::to_path_buf),
            produced: Mutex::new(Vec::with_capacity(previous.len())),
            previous,
            real_folders: Mutex::new(HashSet::new()),
            unchanged: AtomicUsize::new(0),
            reuse: RwLock::new(reuse),
            program,
            renders: Mutex::new(RendersBuilder::default()),
        }
    }

    /// The path keys and stamps of the files produced, sorted by key, and what
    /// rendered them.
    fn into_produced(self) -> Produced {
        let mut produced = self
            .produced
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        produced.sort_unstable_by_key(|&(key, _)| key);
        // A file put twice (by two units) is one file of the site.
        produced.dedup_by_key(|&mut (key, _)| key);
        let renders = self
            .renders
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
            .finish(self.program);
        (produced, renders)
    }

    /// The stamps the previous build gave the files of `unit`, if it rendered the
    /// unit with the same print, in the same scope, with this program, and every one
    /// of those files is still in the site as that build left it (same length and
    /// modification time, in real folders).
    fn reusable(&self, unit: &UnitPrint) -> Option<Vec<(u64, Stamp)>> {
        let reuse = self.reuse.read().unwrap_or_else(PoisonError::into_inner);
        let Reuse {
            renders,
            site_files: on_disk,
        } = reuse.as_ref()?;
        if renders.scope != unit.scope {
            return None;
        }
        let keys = renders.files_of(unit.unit, unit.print)?;
        let mut stamps = Vec::with_capacity(keys.len());
        for &key in keys {
            let recorded = self.previous.get(key)?;
            let index = on_disk.binary_search_by_key(&key, |&(k, ..)| k).ok()?;
            let &(_, len, modified) = on_disk.get(index)?;
            if (len, modified) != (recorded.len, recorded.modified) {
                return None;
            }
            stamps.push((key, *recorded));
        }
        Some(stamps)
    }

    /// The stamp of the site's file at `file`'s path, if it holds `file`'s bytes (whose
    /// hash is `hash`) in real folders: a file found through a link to a folder is not
    /// left alone, since the link is replaced by a real folder when the changed files
    /// move in. The manifest answers for a file untouched since the last build; any
    /// other file is compared byte by byte.
    fn unchanged_stamp(&self, key: u64, file: &OutputFile, hash: (u64, u64)) -> Option<Stamp> {
        let site = self.site.as_ref()?;
        let relative = Path::new(&file.path);
        if !self.in_real_folders(site, relative) {
            return None;
        }
        let path = site.join(relative);
        let on_disk = regular_file(&path)?;
        let same =
            match manifest::verdict(self.previous.get(key), &on_disk, file.contents.len(), hash) {
                Verdict::Same => true,
                Verdict::Different => false,
                Verdict::Unknown => same_file_bytes(&path, &on_disk, &file.contents),
            };
        if same {
            Stamp::of(&on_disk, hash)
        } else {
            None
        }
    }

    /// Writes `file` into the staging folder, and gives its stamp.
    fn write_staged(&self, file: &OutputFile, hash: (u64, u64)) -> Result<Stamp, Diagnostic> {
        let path = self.staging.join(&file.path);
        // Folders are made when a file first finds its own missing, rather than
        // asked for before every file or remembered in a set (a path for every folder
        // of the site, held until the end of the build). A page (`…/index.html`) is
        // the first file of a folder of its own, new in the staging folder: that
        // folder is made first, which spares a failed open per page.
        if path.ends_with(PAGE_FILE) {
            if let Some(folder) = path.parent() {
                // Already there, or its parent missing: the open below finds out.
                let _ = fs::create_dir(folder);
            }
        }
        let created = match File::create(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => path
                .parent()
                .map_or(Ok(()), fs::create_dir_all)
                .and_then(|()| File::create(&path)),
            created => created,
        };
        let failed =
            |e: io::Error| Diagnostic::error(&file.path, format!("cannot write the site: {e}"));
        let mut written = created.map_err(failed)?;
        written.write_all(&file.contents).map_err(failed)?;
        let metadata = written.metadata().map_err(failed)?;
        // A file system without modification times: a stamp that matches no file,
        // so the next build compares this file byte by byte.
        Ok(Stamp::of(&metadata, hash).unwrap_or(Stamp {
            len: u64::MAX,
            modified: 0,
            hash,
        }))
    }

    /// Whether every folder on the way to `site/relative` is a real folder.
    fn in_real_folders(&self, site: &Path, relative: &Path) -> bool {
        let mut folder = PathBuf::new();
        for component in relative.parent().into_iter().flat_map(Path::components) {
            let Component::Normal(name) = component else {
                return false;
            };
            folder.push(name);
            let key = path_key(&folder);
            let lock = || {
                self.real_folders
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
            };
            if lock().contains(&key) {
                continue;
            }
            if !fs::symlink_metadata(site.join(&folder)).is_ok_and(|m| m.is_dir()) {
                return false;
            }
            lock().insert(key);
        }
        true
    }
}

impl Sink for StagingSink {
    fn reuse(&self, unit: &UnitPrint) -> Option<usize> {
        let stamps = self.reusable(unit)?;
        let keys: Vec<u64> = stamps.iter().map(|&(key, _)| key).collect();
        let count = stamps.len();
        self.unchanged.fetch_add(count, Ordering::Relaxed);
        self.produced
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(stamps);
        self.renders
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .add(unit.scope, unit.unit, unit.print, &keys);
        Some(count)
    }

    fn done_reusing(&self) {
        self.reuse
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
    }

    fn made(&self, unit: &UnitPrint, paths: &[String]) {
        let keys: Vec<u64> = paths.iter().map(|p| path_key(Path::new(p))).collect();
        self.renders
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .add(unit.scope, unit.unit, unit.print, &keys);
    }

    fn put(&self, file: OutputFile) -> Result<(), Diagnostic> {
        let key = path_key(Path::new(&file.path));
        let hash = manifest::content_hash(&file.contents);
        let stamp = if let Some(stamp) = self.unchanged_stamp(key, &file, hash) {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
            stamp
        } else {
            self.write_staged(&file, hash)?
        };
        self.produced
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((key, stamp));
        Ok(())
    }
}

/// A key for a site path, the same however the path was spelt (`a//b`, `./a/b`): a
/// hash of its normal components (see [`manifest::path_key`]).
fn path_key(path: &Path) -> u64 {
    manifest::path_key(path.components().filter_map(|component| match component {
        Component::Normal(name) => Some(name.as_encoded_bytes()),
        _ => None,
    }))
}

/// Moves every file under `staging/relative` to the same place under `site`,
/// replacing what is there: a folder where a file goes, or a file or a link where a
/// folder goes (a link is removed, never followed). In parallel, like
/// [`remove_not_produced`]: a change to the site's title stages every page.
fn move_into_place(staging: &Path, site: &Path, relative: &Path) -> io::Result<()> {
    let entries = fs::read_dir(staging.join(relative))?.collect::<io::Result<Vec<_>>>()?;
    entries.par_iter().try_for_each(|entry| {
        let relative = relative.join(entry.file_name());
        let target = site.join(&relative);
        let existing = fs::symlink_metadata(&target).ok();
        if entry.file_type()?.is_dir() {
            match existing {
                Some(meta) if meta.is_dir() => {}
                Some(_) => {
                    fs::remove_file(&target)?;
                    fs::create_dir(&target)?;
                }
                None => fs::create_dir(&target)?,
            }
            move_into_place(staging, site, &relative)
        } else {
            if existing.is_some_and(|meta| meta.is_dir()) {
                fs::remove_dir_all(&target)?;
            }
            fs::rename(entry.path(), &target)
        }
    })
}

/// The regular files under `site` in real folders (a link is not followed), but for
/// the marker and those under `staging`, as (path key, length, modification time),
/// sorted by key. Listed in parallel, like [`remove_not_produced`]. A file or folder
/// that cannot be read is left out: its unit is rendered again.
fn site_files(site: &Path, staging: &Path) -> Vec<(u64, u64, u64)> {
    let mut files = files_under(site, Path::new(""), staging);
    files.sort_unstable_by_key(|&(key, ..)| key);
    files
}

fn files_under(site: &Path, relative: &Path, staging: &Path) -> Vec<(u64, u64, u64)> {
    let Ok(entries) = fs::read_dir(site.join(relative)) else {
        return Vec::new();
    };
    let entries: Vec<fs::DirEntry> = entries.filter_map(Result::ok).collect();
    entries
        .par_iter()
        .flat_map_iter(|entry| {
            let relative = relative.join(entry.file_name());
            match entry.file_type() {
                Ok(kind) if kind.is_dir() && entry.path() != staging => {
                    files_under(site, &relative, staging)
                }
                Ok(kind) if kind.is_file() && relative != Path::new(MARKER) => entry
                    .metadata()
                    .ok()
                    .and_then(|m| {
                        Some((path_key(&relative), m.len(), manifest::modified_nanos(&m)?))
                    })
                    .into_iter()
                    .collect(),
                _ => Vec::new(),
            }
        })
        .collect()
}

/// Removes every file under `site/relative` whose [`path_key`] is not in `produced`
/// (sorted by key), and the folders that leaves empty; the marker and `staging` stay. Whether
/// anything is left in the folder. Folders are walked in parallel: listing the
/// 100,000 folders of a large site is mostly the kernel's work, on either core.
fn remove_not_produced(
    site: &Path,
    relative: &Path,
    produced: &[(u64, Stamp)],
    staging: &Path,
) -> io::Result<bool> {
    let entries = fs::read_dir(site.join(relative))?.collect::<io::Result<Vec<_>>>()?;
    entries
        .par_iter()
        .map(|entry| {
            let path = entry.path();
            let relative = relative.join(entry.file_name());
            if path == staging || relative == Path::new(MARKER) {
                return Ok(true);
            }
            if entry.file_type()?.is_dir() {
                let kept = remove_not_produced(site, &relative, produced, staging)?;
                if !kept {
                    fs::remove_dir(&path)?;
                }
                Ok(kept)
            } else if produced
                .binary_search_by_key(&path_key(&relative), |&(key, _)| key)
                .is_ok()
            {
                Ok(true)
            } else {
                fs::remove_file(&path)?;
                Ok(false)
            }
        })
        .try_reduce(|| false, |a, b| Ok(a || b))
}

/// The metadata of `path` if it is a regular file: not a folder, and not a link to a
/// file (a link would carry over into the new site).
fn regular_file(path: &Path) -> Option<fs::Metadata> {
    fs::symlink_metadata(path)
        .ok()
        .filter(|on_disk| on_disk.file_type().is_file())
}

/// Whether `path` is a regular file holding exactly `contents`: what a rebuild asks of
/// a file the manifest cannot vouch for.
#[cfg(test)]
fn same_bytes(path: &Path, contents: &[u8]) -> bool {
    regular_file(path).is_some_and(|on_disk| same_file_bytes(path, &on_disk, contents))
}

/// Whether the regular file at `path`, with metadata `on_disk`, holds exactly
/// `contents`. A file of another length is not opened; the rest is compared in
/// pieces, without holding the old file in memory.
fn same_file_bytes(path: &Path, on_disk: &fs::Metadata, contents: &[u8]) -> bool {
    if on_disk.len() != contents.len() as u64 {
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

/// Moves the staged site into place: whatever was at `output` is renamed away first
/// and removed only after the new site is in place.
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
    use std::collections::BTreeMap;

    /// A project folder and a site folder beside it.
    struct Folders {
        _dir: tempfile::TempDir,
        root: PathBuf,
        site: PathBuf,
    }

    fn folders() -> Folders {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("project");
        fs::create_dir(&root).unwrap();
        let site = dir.path().join("site");
        Folders {
            root,
            site,
            _dir: dir,
        }
    }

    /// Where the manifest of the site in `folders` is kept.
    fn manifest_path(folders: &Folders) -> PathBuf {
        manifest::location(&absolute(&folders.root), &absolute(&folders.site))
    }

    fn manifest_of(folders: &Folders) -> Manifest {
        Manifest::read(&manifest_path(folders))
    }

    /// Builds a site of these files; the unchanged count.
    fn build(folders: &Folders, files: &[(&str, &str)]) -> Result<usize, Report> {
        write_with(&folders.site, &folders.root, |sink| {
            for (path, contents) in files {
                sink.put(OutputFile {
                    path: (*path).to_owned(),
                    contents: contents.as_bytes().to_vec(),
                })?;
            }
            Ok(())
        })
        .map(|written| written.unchanged)
    }

    /// Every file under `dir`, by relative path, with its contents.
    fn snapshot(dir: &Path) -> BTreeMap<String, String> {
        let mut files = BTreeMap::new();
        let mut folders = vec![dir.to_path_buf()];
        while let Some(folder) = folders.pop() {
            for entry in fs::read_dir(&folder).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    folders.push(path);
                } else {
                    let relative = path
                        .strip_prefix(dir)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned();
                    files.insert(relative, fs::read_to_string(&path).unwrap());
                }
            }
        }
        files
    }

    fn inode(path: &Path) -> u64 {
        use std::os::unix::fs::MetadataExt;
        fs::metadata(path).unwrap().ino()
    }

    #[cfg(unix)]
    #[test]
    fn a_rebuild_moves_changed_files_in_and_removes_the_rest() {
        let folders = folders();
        let first = [
            ("index.html", "home"),
            ("d/b.html", "b"),
            ("old/c.html", "gone"),
            ("x", "a file, then a folder"),
            ("q/r.html", "a folder, then a file"),
        ];
        assert_eq!(build(&folders, &first).unwrap(), 0);
        let home = inode(&folders.site.join("index.html"));
        let second = [
            ("index.html", "home"),
            ("d/b.html", "b, edited"),
            ("x/y.html", "in the new folder"),
            ("q", "the file"),
            ("new/n.html", "new"),
        ];
        assert_eq!(build(&folders, &second).unwrap(), 1);
        let mut expected: BTreeMap<String, String> = second
            .iter()
            .map(|(p, c)| ((*p).to_owned(), (*c).to_owned()))
            .collect();
        let marker = fs::read_to_string(folders.site.join(MARKER)).unwrap();
        expected.insert(MARKER.to_owned(), marker);
        assert_eq!(snapshot(&folders.site), expected);
        assert_eq!(manifest_of(&folders).len(), second.len());
        assert_eq!(
            inode(&folders.site.join("index.html")),
            home,
            "unchanged file rewritten"
        );
        assert!(!folders.site.join("old").exists(), "emptied folder kept");
    }

    #[test]
    fn a_failed_rebuild_changes_nothing() {
        let folders = folders();
        build(&folders, &[("index.html", "home"), ("a/b.html", "b")]).unwrap();
        let before = snapshot(&folders.site);
        let manifest_before = fs::read(manifest_path(&folders)).unwrap();
        let failed = write_with(&folders.site, &folders.root, |sink| {
            sink.put(OutputFile {
                path: "a/b.html".to_owned(),
                contents: b"changed".to_vec(),
            })?;
            Err::<(), _>(Report::from(Diagnostic::error("x", "a template failed")))
        });
        assert!(failed.is_err());
        assert_eq!(snapshot(&folders.site), before, "the site changed");
        assert_eq!(
            fs::read(manifest_path(&folders)).unwrap(),
            manifest_before,
            "the manifest changed"
        );
        let staging_left = fs::read_dir(&folders.site).unwrap().any(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(STAGING_PREFIX)
        });
        assert!(!staging_left, "the staging folder was left behind");
    }

    #[test]
    fn a_staging_folder_left_by_a_killed_build_is_removed() {
        let folders = folders();
        build(&folders, &[("index.html", "home")]).unwrap();
        let leftover = folders.site.join(format!("{STAGING_PREFIX}killed/a"));
        fs::create_dir_all(&leftover).unwrap();
        fs::write(leftover.join("b.html"), "half").unwrap();
        build(&folders, &[("index.html", "home")]).unwrap();
        let names: Vec<_> = fs::read_dir(&folders.site)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        for name in ["index.html", MARKER] {
            assert!(names.contains(&name.to_owned()), "{names:?}");
        }
    }

    /// The files of a build, with one page of `len` bytes that changes.
    fn pages(page: &str) -> Vec<(&str, &str)> {
        vec![("index.html", "home"), ("a/b.html", page), ("a/c.txt", "c")]
    }

    /// Sets a file's modification time to an hour before now.
    fn age(path: &Path) {
        let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(an_hour_ago)
            .unwrap();
    }

    #[test]
    fn the_manifest_stamps_every_file_as_it_is_on_disk() {
        let folders = folders();
        let files = pages("page");
        build(&folders, &files).unwrap();
        // Twice: the first build's manifest comes from the files it wrote, a
        // rebuild's from the files it left alone.
        for pass in ["first build", "rebuild"] {
            let manifest = manifest_of(&folders);
            assert_eq!(manifest.len(), files.len(), "{pass}");
            for (path, contents) in &files {
                let on_disk = fs::metadata(folders.site.join(path)).unwrap();
                let expected = Stamp::of(&on_disk, manifest::content_hash(contents.as_bytes()));
                assert_eq!(
                    manifest.get(path_key(Path::new(path))),
                    expected.as_ref(),
                    "{pass}: {path}"
                );
            }
            assert_eq!(build(&folders, &files).unwrap(), files.len());
        }
    }

    /// A file edited by hand since the last build, even to the same length, is
    /// compared with the new page and rewritten.
    #[test]
    fn a_file_edited_since_the_last_build_is_compared_and_rewritten() {
        let folders = folders();
        build(&folders, &pages("page")).unwrap();
        let edited = folders.site.join("a/b.html");
        fs::write(&edited, "PAGE").unwrap();
        age(&edited);
        assert_eq!(build(&folders, &pages("page")).unwrap(), 2);
        assert_eq!(fs::read_to_string(&edited).unwrap(), "page");
    }

    /// What the manifest saves: a file with the length and modification time it
    /// recorded is judged by the hash alone. Shown by editing one by hand and putting
    /// its time back, which only a deliberate hand can do: the rebuild does not read
    /// it, so it keeps the edit.
    #[test]
    fn a_file_as_the_manifest_recorded_it_is_not_read_back() {
        let folders = folders();
        build(&folders, &pages("page")).unwrap();
        let file = folders.site.join("a/b.html");
        let recorded = fs::metadata(&file).unwrap().modified().unwrap();
        fs::write(&file, "PAGE").unwrap();
        File::options()
            .write(true)
            .open(&file)
            .unwrap()
            .set_modified(recorded)
            .unwrap();
        assert_eq!(build(&folders, &pages("page")).unwrap(), 3);
        assert_eq!(fs::read_to_string(&file).unwrap(), "PAGE");
        // A page that changed is written whatever the file holds.
        assert_eq!(build(&folders, &pages("new!")).unwrap(), 2);
        assert_eq!(fs::read_to_string(&file).unwrap(), "new!");
    }

    #[test]
    fn a_damaged_or_missing_manifest_falls_back_to_comparing_bytes() {
        let folders = folders();
        let manifest = manifest_path(&folders);
        build(&folders, &pages("page")).unwrap();
        fs::write(&manifest, b"not a manifest").unwrap();
        assert_eq!(build(&folders, &pages("page")).unwrap(), 3);
        assert_eq!(manifest_of(&folders).len(), 3, "not written anew");
        fs::remove_file(&manifest).unwrap();
        let home = folders.site.join("index.html");
        fs::write(&home, "HOME").unwrap();
        assert_eq!(build(&folders, &pages("page")).unwrap(), 2);
        assert_eq!(fs::read_to_string(&home).unwrap(), "home");
        assert_eq!(manifest_of(&folders).len(), 3);
    }

    /// A folder of the site replaced by a link to somebody's folder: the site gets a
    /// real folder again, and nothing in the linked folder is touched.
    #[cfg(unix)]
    #[test]
    fn a_linked_folder_is_replaced_and_its_files_kept() {
        let folders = folders();
        build(&folders, &[("d/a.html", "a"), ("d/b.html", "b")]).unwrap();
        let elsewhere = folders.root.join("elsewhere");
        fs::create_dir(&elsewhere).unwrap();
        fs::write(elsewhere.join("a.html"), "a").unwrap();
        fs::write(elsewhere.join("mine.txt"), "my notes").unwrap();
        fs::remove_dir_all(folders.site.join("d")).unwrap();
        std::os::unix::fs::symlink(&elsewhere, folders.site.join("d")).unwrap();
        assert_eq!(
            build(&folders, &[("d/a.html", "a"), ("d/b.html", "b")]).unwrap(),
            0
        );
        let d = fs::symlink_metadata(folders.site.join("d")).unwrap();
        assert!(d.is_dir(), "the link is still there");
        assert_eq!(
            fs::read_to_string(folders.site.join("d/a.html")).unwrap(),
            "a"
        );
        assert_eq!(
            fs::read_to_string(folders.site.join("d/b.html")).unwrap(),
            "b"
        );
        assert_eq!(snapshot(&elsewhere).len(), 2);
        assert_eq!(
            fs::read_to_string(elsewhere.join("mine.txt")).unwrap(),
            "my notes"
        );
    }

    /// A unit for [`build_units`]: its key, its print, and its files.
    type TestUnit<'a> = (u64, u64, &'a [(&'a str, &'a str)]);

    /// A build of `units` as the renderer makes one: every unit is offered for reuse
    /// first, then the others are put and reported. Which units were reused.
    fn build_units(folders: &Folders, scope: u64, units: &[TestUnit<'_>]) -> Vec<bool> {
        let written = write_with(&folders.site, &folders.root, |sink| {
            let print = |&(unit, print, _): &TestUnit<'_>| UnitPrint { scope, unit, print };
            let reused: Vec<bool> = units
                .iter()
                .map(|u| sink.reuse(&print(u)).is_some())
                .collect();
            sink.done_reusing();
            for (unit, _) in units.iter().zip(&reused).filter(|(_, r)| !**r) {
                let mut paths = Vec::new();
                for (path, contents) in unit.2 {
                    sink.put(OutputFile {
                        path: (*path).to_owned(),
                        contents: contents.as_bytes().to_vec(),
                    })?;
                    paths.push((*path).to_owned());
                }
                sink.made(&print(unit), &paths);
            }
            Ok(reused)
        });
        written.expect("build").value
    }

    /// Units are reused only when their print and scope are the recorded ones and
    /// their files are as the last build left them, in real folders; a reused unit's
    /// files stay as they are and stay in the manifest.
    #[cfg(unix)]
    #[test]
    fn units_are_reused_only_as_the_last_build_left_them() {
        let folders = folders();
        let a: &[(&str, &str)] = &[("a/x.html", "ax"), ("a/y.txt", "ay")];
        let b: &[(&str, &str)] = &[("b/p.html", "bp")];
        let c: &[(&str, &str)] = &[("c/q.html", "cq")];
        let d: &[(&str, &str)] = &[("d.html", "d")];
        let units = [(1, 10, a), (2, 20, b), (3, 30, c), (4, 40, d)];
        assert_eq!(
            build_units(&folders, 7, &units),
            [false; 4],
            "a first build"
        );
        let ax = inode(&folders.site.join("a/x.html"));

        // Nothing changed: everything is reused.
        assert_eq!(build_units(&folders, 7, &units), [true; 4]);
        assert_eq!(inode(&folders.site.join("a/x.html")), ax);
        assert_eq!(manifest_of(&folders).len(), 5);

        // b's file edited by hand, c's folder replaced by a link to a copy of it, d
        // rendered from something else: only a is reused, and the rest put right.
        fs::write(folders.site.join("b/p.html"), "edited").unwrap();
        let elsewhere = folders.root.join("elsewhere");
        fs::create_dir(&elsewhere).unwrap();
        fs::write(elsewhere.join("q.html"), "cq").unwrap();
        fs::remove_dir_all(folders.site.join("c")).unwrap();
        std::os::unix::fs::symlink(&elsewhere, folders.site.join("c")).unwrap();
        let changed = [(1, 10, a), (2, 20, b), (3, 30, c), (4, 41, d)];
        assert_eq!(
            build_units(&folders, 7, &changed),
            [true, false, false, false]
        );
        assert_eq!(
            fs::read_to_string(folders.site.join("b/p.html")).unwrap(),
            "bp"
        );
        assert!(fs::symlink_metadata(folders.site.join("c"))
            .unwrap()
            .is_dir());
        assert_eq!(inode(&folders.site.join("a/x.html")), ax);

        // Another scope: nothing is reused.
        assert_eq!(build_units(&folders, 8, &changed), [false; 4]);
        assert_eq!(
            inode(&folders.site.join("a/x.html")),
            ax,
            "same bytes, left alone"
        );
    }

    #[test]
    fn path_keys_ignore_how_a_path_is_spelt() {
        assert_eq!(
            path_key(Path::new("a/b/index.html")),
            path_key(Path::new("./a//b/index.html"))
        );
        assert_ne!(path_key(Path::new("a/b")), path_key(Path::new("ab")));
        assert_ne!(path_key(Path::new("a/b")), path_key(Path::new("b/a")));
    }

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
        assert!(refusal(&root.join(".gloss-cache"), root).is_some());
        assert!(refusal(&root.join("public"), root).is_none());
        fs::create_dir_all(root.join("mine")).unwrap();
        fs::write(root.join("mine/notes.txt"), "keep me").unwrap();
        assert!(refusal(&root.join("mine"), root)
            .unwrap()
            .contains("not empty"));
    }
}
