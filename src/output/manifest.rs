//! The manifest a build keeps of its site: for every file it produced, a key for the
//! file's path, the file's length and modification time, and a hash of its bytes.
//!
//! A rebuild leaves alone every file whose bytes the site already has. Without the
//! manifest, telling that means reading each old file back: at 100,000 articles that
//! is 6.3 GB, mostly out of the page cache by the time an editor rebuilds, and it made
//! a rebuild after one edited note slower than a first build (BENCHMARKS.md). With it,
//! a file whose length and modification time are still what the manifest recorded
//! holds the bytes the manifest hashed, so comparing hashes is enough. A file changed
//! since (by hand, by a copy, by another tool) no longer matches its stamp and is
//! compared byte by byte, as it would be without a manifest; so is every file when the
//! manifest is missing, damaged or of another version.
//!
//! The manifest also keeps what rendered the files ([`Renders`]): for each unit of the
//! site (an article page with its two companion files, one page of a list, …) a
//! fingerprint of what it showed and the keys of the files it wrote, with the
//! program and the scope (templates, configuration, registries, the list of
//! articles) they were rendered with. A rebuild with the same program and scope
//! reuses a unit whose fingerprint is unchanged and whose files are still the ones
//! this manifest stamped, without rendering it.
//!
//! The manifest lives in the project, under [`CACHE_DIR`], one for each folder the
//! project is built into: it changes with every build (it records times), so inside
//! the site it would be one more file for every deploy to upload, and it would make
//! two builds of the same sources differ.

use std::fs::{self, Metadata};
use std::io;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

/// The project's folder for what gloss keeps between builds.
pub const CACHE_DIR: &str = ".gloss-cache";

/// Where the manifest of the site at `output` (an absolute path) is kept, in the
/// project at `root`.
pub fn location(root: &Path, output: &Path) -> PathBuf {
    let key = xxhash_rust::xxh3::xxh3_64(output.as_os_str().as_encoded_bytes());
    root.join(CACHE_DIR)
        .join("manifests")
        .join(format!("{key:016x}"))
}

/// Changed whenever the format, the path keys or the content hash change: a manifest
/// of another version is ignored.
const VERSION: u32 = 2;

/// What a build knew of one file it produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub len: u64,
    /// Nanoseconds since the Unix epoch.
    pub modified: u64,
    /// [`content_hash`] of the bytes, as two halves (a `u128` would align every entry
    /// to 16 bytes: a rebuild holds two manifests' worth of entries).
    pub hash: (u64, u64),
}

impl Stamp {
    /// The stamp of a file with this metadata and this content hash, if the file
    /// system gives a modification time.
    pub fn of(metadata: &Metadata, hash: (u64, u64)) -> Option<Self> {
        Some(Self {
            len: metadata.len(),
            modified: modified_nanos(metadata)?,
            hash,
        })
    }
}

/// A file's modification time in nanoseconds since the Unix epoch, as stamps keep it.
pub fn modified_nanos(metadata: &Metadata) -> Option<u64> {
    let since_epoch = metadata.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    u64::try_from(since_epoch.as_nanos()).ok()
}

/// A 128-bit hash of a file's bytes (XXH3): fast enough to run over every page of a
/// build, and wide enough that two different pages at one path never share one.
pub fn content_hash(bytes: &[u8]) -> (u64, u64) {
    let hash = xxhash_rust::xxh3::xxh3_128(bytes);
    // The two halves of the hash; the casts keep exactly 64 bits each.
    #[allow(clippy::cast_possible_truncation)]
    ((hash >> 64) as u64, hash as u64)
}

/// A key for a site path, spelt with `/` between its normal components: stable
/// across builds and gloss versions, since the manifest keeps it on disk.
pub fn path_key<'a>(components: impl Iterator<Item = &'a [u8]>) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for (n, component) in components.enumerate() {
        if n > 0 {
            hasher.update(b"/");
        }
        hasher.update(component);
    }
    hasher.digest()
}

/// What the manifest says of the site's file at a rendered file's path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The file holds the rendered bytes.
    Same,
    /// The file holds other bytes.
    Different,
    /// The manifest cannot tell: no entry, or the file changed since it was written.
    Unknown,
}

/// The verdict on a site file with metadata `on_disk` (a regular file), recorded as
/// `recorded`, for rendered bytes of length `len` and hash `hash`.
pub fn verdict(
    recorded: Option<&Stamp>,
    on_disk: &Metadata,
    len: usize,
    hash: (u64, u64),
) -> Verdict {
    let Some(recorded) = recorded else {
        return Verdict::Unknown;
    };
    let untouched =
        recorded.len == on_disk.len() && Some(recorded.modified) == modified_nanos(on_disk);
    if !untouched {
        Verdict::Unknown
    } else if recorded.len == len as u64 && recorded.hash == hash {
        Verdict::Same
    } else {
        Verdict::Different
    }
}

/// An identity of the running gloss: its version and the path, length and
/// modification time of its executable (a new build of gloss is a new file). A unit
/// rendered by another program is never reused, since the code that renders it may
/// have changed. `None` when the executable cannot be found: nothing is reused then.
/// Metadata rather than the executable's bytes: reading a binary of tens of
/// megabytes would add to every build what reusing saves on a small one.
pub fn program() -> Option<u64> {
    let executable = std::env::current_exe().ok()?;
    let metadata = fs::metadata(&executable).ok()?;
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.update(executable.as_os_str().as_encoded_bytes());
    hasher.update(&metadata.len().to_le_bytes());
    hasher.update(&modified_nanos(&metadata)?.to_le_bytes());
    Some(hasher.digest())
}

/// What rendered a site's files, unit by unit: the record a rebuild reuses units by.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Renders {
    /// The program that rendered the units ([`program`]).
    pub program: u64,
    /// What every unit depends on besides its own fingerprint (templates, static
    /// files, configuration, registries, the list of articles), hashed by the
    /// renderer.
    pub scope: u64,
    /// Per unit: its key, its fingerprint, and where its file keys start in `files`
    /// and how many there are; sorted by key. Flat rather than a list per unit: a
    /// site of 100,000 articles has 134,000 units.
    units: Vec<(u64, u64, u32, u32)>,
    files: Vec<u64>,
}

impl Renders {
    /// The file keys unit `unit` wrote when its fingerprint was `print`; `None` if it
    /// was not rendered, or rendered from something else.
    pub fn files_of(&self, unit: u64, print: u64) -> Option<&[u64]> {
        let index = self
            .units
            .binary_search_by_key(&unit, |&(key, ..)| key)
            .ok()?;
        let &(_, recorded, start, count) = self.units.get(index)?;
        if recorded != print {
            return None;
        }
        let start = start as usize;
        self.files.get(start..start + count as usize)
    }

    fn is_well_formed(&self) -> bool {
        self.units.windows(2).all(|pair| pair[0].0 < pair[1].0)
            && self
                .units
                .iter()
                .all(|&(_, _, start, count)| (start as usize + count as usize) <= self.files.len())
    }
}

/// Collects a build's [`Renders`] as units are rendered or reused, in any order.
#[derive(Debug, Default)]
pub struct RendersBuilder {
    scope: Option<u64>,
    /// A unit came in another scope than the first, or the files outgrew `u32`
    /// offsets: no record is kept then.
    unusable: bool,
    units: Vec<(u64, u64, u32, u32)>,
    files: Vec<u64>,
}

impl RendersBuilder {
    /// Records that `unit`, with fingerprint `print` in `scope`, wrote the files with
    /// keys `files`.
    pub fn add(&mut self, scope: u64, unit: u64, print: u64, files: &[u64]) {
        match self.scope {
            None => self.scope = Some(scope),
            Some(first) if first != scope => self.unusable = true,
            Some(_) => {}
        }
        let (Ok(start), Ok(count)) = (u32::try_from(self.files.len()), u32::try_from(files.len()))
        else {
            self.unusable = true;
            return;
        };
        self.units.push((unit, print, start, count));
        self.files.extend_from_slice(files);
    }

    /// The record, sorted by unit key; `None` if nothing was recorded, the program is
    /// unknown, or the record is unusable (see `unusable`), or a unit key came twice
    /// (no unit is reused from such a record).
    pub fn finish(self, program: Option<u64>) -> Option<Renders> {
        let (Some(program), Some(scope), false) = (program, self.scope, self.unusable) else {
            return None;
        };
        let mut order: Vec<usize> = (0..self.units.len()).collect();
        order.sort_unstable_by_key(|&i| self.units[i].0);
        let mut units = Vec::with_capacity(self.units.len());
        let mut files = Vec::with_capacity(self.files.len());
        for i in order {
            let (unit, print, start, count) = self.units[i];
            let start = start as usize;
            let new_start = u32::try_from(files.len()).ok()?;
            files.extend_from_slice(self.files.get(start..start + count as usize)?);
            units.push((unit, print, new_start, count));
        }
        let renders = Renders {
            program,
            scope,
            units,
            files,
        };
        renders.is_well_formed().then_some(renders)
    }
}

/// A previous build's stamps, sorted by path key, and what rendered them.
#[derive(Debug, Default)]
pub struct Manifest {
    entries: Vec<(u64, Stamp)>,
    renders: Option<Renders>,
}

#[derive(Serialize, Deserialize)]
struct ManifestFile {
    version: u32,
    entries: Vec<(u64, Stamp)>,
    renders: Option<Renders>,
}

impl Manifest {
    /// The manifest at `path`; empty when there is none or it cannot be used (every
    /// file is then compared byte by byte, as without one).
    pub fn read(path: &Path) -> Self {
        let Ok(bytes) = fs::read(path) else {
            return Self::default();
        };
        match postcard::from_bytes::<ManifestFile>(&bytes) {
            Ok(file) if file.version == VERSION && is_sorted_by_key(&file.entries) => Self {
                // Held through the whole rebuild: 40 bytes a file, not the room
                // decoding grew the list to.
                entries: crate::model::exact_size(file.entries),
                renders: file.renders.filter(Renders::is_well_formed),
            },
            _ => Self::default(),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Takes the record of what rendered the files out of the manifest, for a caller
    /// that frees it before the stamps.
    pub fn take_renders(&mut self) -> Option<Renders> {
        self.renders.take()
    }

    pub fn get(&self, key: u64) -> Option<&Stamp> {
        self.entries
            .binary_search_by_key(&key, |&(k, _)| k)
            .ok()
            .and_then(|i| self.entries.get(i))
            .map(|(_, stamp)| stamp)
    }

    /// Writes the stamps of a build (sorted by key) to `path`, through a temporary
    /// file renamed over the old manifest, so that a reader finds one or the other.
    pub fn write(
        path: &Path,
        entries: Vec<(u64, Stamp)>,
        renders: Option<Renders>,
    ) -> io::Result<()> {
        let file = ManifestFile {
            version: VERSION,
            entries,
            renders,
        };
        let bytes = postcard::to_allocvec(&file).map_err(io::Error::other)?;
        if let Some(folder) = path.parent() {
            fs::create_dir_all(folder)?;
        }
        let temporary = path.with_extension("new");
        fs::write(&temporary, bytes)?;
        fs::rename(&temporary, path)
    }
}

fn is_sorted_by_key(entries: &[(u64, Stamp)]) -> bool {
    entries.windows(2).all(|pair| pair[0].0 < pair[1].0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metadata_of(dir: &Path, name: &str, contents: &[u8]) -> Metadata {
        let path = dir.join(name);
        fs::write(&path, contents).expect("write");
        fs::metadata(&path).expect("metadata")
    }

    #[test]
    fn an_untouched_file_is_judged_by_its_hash() {
        let dir = tempfile::tempdir().expect("temp dir");
        let on_disk = metadata_of(dir.path(), "a.html", b"old page");
        let recorded = Stamp::of(&on_disk, content_hash(b"old page")).expect("mtime");
        let new = b"new page";
        assert_eq!(
            verdict(Some(&recorded), &on_disk, 8, content_hash(b"old page")),
            Verdict::Same
        );
        // Same length, other bytes: told apart without reading the file.
        assert_eq!(
            verdict(Some(&recorded), &on_disk, new.len(), content_hash(new)),
            Verdict::Different
        );
    }

    #[test]
    fn a_file_changed_since_the_manifest_or_missing_from_it_is_unknown() {
        let dir = tempfile::tempdir().expect("temp dir");
        let on_disk = metadata_of(dir.path(), "a.html", b"old page");
        let hash = content_hash(b"old page");
        let recorded = Stamp::of(&on_disk, hash).expect("mtime");
        let edited = Stamp {
            modified: recorded.modified - 1,
            ..recorded
        };
        let resized = Stamp {
            len: recorded.len + 1,
            ..recorded
        };
        for stamp in [&edited, &resized] {
            assert_eq!(verdict(Some(stamp), &on_disk, 8, hash), Verdict::Unknown);
        }
        assert_eq!(verdict(None, &on_disk, 8, hash), Verdict::Unknown);
    }

    #[test]
    fn a_manifest_reads_back_what_was_written_and_a_damaged_one_reads_empty() {
        let dir = tempfile::tempdir().expect("temp dir");
        let stamp = |n: u64| Stamp {
            len: n,
            modified: n * 1_000,
            hash: (n, !n),
        };
        let entries = vec![(3, stamp(3)), (7, stamp(7)), (40, stamp(40))];
        let path = location(dir.path(), Path::new("/srv/site"));
        Manifest::write(&path, entries, None).expect("write");
        let manifest = Manifest::read(&path);
        assert_eq!(manifest.len(), 3);
        assert_eq!(manifest.get(7), Some(&stamp(7)));
        assert_eq!(manifest.get(8), None);
        let folder = path.parent().expect("folder");
        assert_eq!(
            fs::read_dir(folder).expect("list").count(),
            1,
            "a temporary file left"
        );

        let bytes = fs::read(&path).expect("read");
        fs::write(&path, &bytes[..bytes.len() - 5]).expect("truncate");
        assert_eq!(Manifest::read(&path).len(), 0);
        fs::remove_file(&path).expect("remove");
        assert_eq!(Manifest::read(&path).len(), 0);
    }

    #[test]
    fn renders_find_a_unit_s_files_only_at_the_print_it_was_rendered_with() {
        let mut builder = RendersBuilder::default();
        // Added in any order, as parallel rendering finishes units.
        builder.add(7, 30, 300, &[31, 32, 33]);
        builder.add(7, 10, 100, &[11]);
        builder.add(7, 20, 200, &[]);
        let renders = builder.finish(Some(99)).expect("a record");
        assert_eq!(
            (renders.program, renders.scope, renders.units.len()),
            (99, 7, 3)
        );
        assert_eq!(renders.files_of(30, 300), Some(&[31, 32, 33][..]));
        assert_eq!(renders.files_of(10, 100), Some(&[11][..]));
        assert_eq!(renders.files_of(20, 200), Some(&[][..]));
        assert_eq!(renders.files_of(30, 301), None, "another print");
        assert_eq!(renders.files_of(40, 300), None, "another unit");
    }

    #[test]
    fn no_record_is_kept_without_a_program_or_across_scopes() {
        let mut one_scope = RendersBuilder::default();
        one_scope.add(1, 10, 100, &[11]);
        assert!(one_scope.finish(None).is_none(), "unknown program");
        let mut two_scopes = RendersBuilder::default();
        two_scopes.add(1, 10, 100, &[11]);
        two_scopes.add(2, 20, 200, &[21]);
        assert!(two_scopes.finish(Some(1)).is_none());
        assert!(RendersBuilder::default().finish(Some(1)).is_none());
    }

    #[test]
    fn renders_read_back_and_a_malformed_record_is_dropped() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("manifest");
        let stamp = Stamp {
            len: 1,
            modified: 1,
            hash: (1, 1),
        };
        let mut builder = RendersBuilder::default();
        builder.add(5, 10, 100, &[3]);
        let renders = builder.finish(Some(8)).expect("a record");
        Manifest::write(&path, vec![(3, stamp)], Some(renders.clone())).expect("write");
        assert_eq!(Manifest::read(&path).take_renders(), Some(renders.clone()));

        // A unit whose files run past the end of the list, and units out of order.
        let past_the_end = Renders {
            units: vec![(10, 100, 0, 2)],
            files: vec![3],
            ..renders.clone()
        };
        let unsorted = Renders {
            units: vec![(20, 1, 0, 1), (10, 1, 0, 1)],
            ..renders
        };
        for bad in [past_the_end, unsorted] {
            Manifest::write(&path, vec![(3, stamp)], Some(bad)).expect("write");
            let mut manifest = Manifest::read(&path);
            assert_eq!(manifest.len(), 1, "the stamps are still good");
            assert!(manifest.take_renders().is_none());
        }
    }

    #[test]
    fn the_program_is_known_and_the_same_twice() {
        let identity = program().expect("the test binary has an identity");
        assert_eq!(program(), Some(identity));
    }

    #[test]
    fn unsorted_entries_are_not_trusted() {
        let dir = tempfile::tempdir().expect("temp dir");
        let stamp = Stamp {
            len: 1,
            modified: 1,
            hash: (1, 1),
        };
        let path = dir.path().join("manifest");
        Manifest::write(&path, vec![(9, stamp), (2, stamp)], None).expect("write");
        assert_eq!(Manifest::read(&path).len(), 0);
    }

    #[test]
    fn each_output_folder_has_a_manifest_of_its_own() {
        let root = Path::new("/project");
        let a = location(root, Path::new("/project/public"));
        assert!(
            a.starts_with("/project/.gloss-cache/manifests"),
            "{}",
            a.display()
        );
        assert_ne!(a, location(root, Path::new("/srv/www/site")));
        assert_eq!(a, location(root, Path::new("/project/public")));
    }

    #[test]
    fn content_hashes_and_path_keys_are_stable() {
        // Fixed values: the manifest keeps both on disk, so a change to either must
        // come with a new VERSION.
        // XXH3-128 of no bytes, from the reference implementation's test vectors.
        assert_eq!(
            content_hash(b""),
            (0x99aa_06d3_0147_98d8, 0x6001_c324_468d_497f)
        );
        assert_ne!(content_hash(b"<p>gloss</p>"), content_hash(b"<p>Gloss</p>"));
        let key = |path: &str| path_key(path.split('/').map(str::as_bytes));
        assert_ne!(key("articles/a/index.html"), key("articles/a/text.txt"));
        assert_eq!(
            key("articles/a/index.html"),
            xxhash_rust::xxh3::xxh3_64(b"articles/a/index.html")
        );
    }
}
