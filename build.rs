//! Embeds the built-in theme (templates/ and static/) in the binary, so `gloss build`
//! works in a folder that has neither; a site's own files override them by name.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let root =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let mut out = String::new();
    for (constant, folder) in [("TEMPLATES", "templates"), ("STATIC_FILES", "static")] {
        println!("cargo:rerun-if-changed={folder}");
        let dir = root.join(folder);
        let mut files = Vec::new();
        collect(&dir, &dir, &mut files);
        files.sort();
        let _ = writeln!(out, "pub(crate) const {constant}: &[(&str, &[u8])] = &[");
        for (name, path) in files {
            println!("cargo:rerun-if-changed={}", path.display());
            let _ = writeln!(
                out,
                "    ({name:?}, include_bytes!({:?})),",
                path.display().to_string()
            );
        }
        out.push_str("];\n");
    }
    let target = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("builtin.rs");
    fs::write(target, out).expect("OUT_DIR is writable");
}

fn collect(base: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            collect(base, &path, files);
        } else if let Ok(rel) = path.strip_prefix(base) {
            let name = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            files.push((name, path));
        }
    }
}
