//! Static files: the built-in theme's, overridden by the project's, plus the generated
//! code-highlighting stylesheet; each copied under a content-hashed name
//! (`static/style.3f2a9c1b.css`) so hosts can cache them forever.

use std::collections::{BTreeMap, HashMap};

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use super::highlight::Highlighter;
use super::templates::builtin_static_files;
use super::OutputFile;

/// Static files keyed by their path under `static/`.
pub struct Assets {
    files: BTreeMap<String, Vec<u8>>,
    base_path: String,
}

/// The name of the generated highlighting stylesheet.
pub const SYNTAX_CSS: &str = "syntax.css";

impl Assets {
    pub fn collect(project_files: &[(String, Vec<u8>)], base_path: &str) -> Self {
        let mut files: BTreeMap<String, Vec<u8>> = builtin_static_files()
            .iter()
            .map(|(name, bytes)| ((*name).to_owned(), bytes.to_vec()))
            .collect();
        files.insert(
            SYNTAX_CSS.to_owned(),
            Highlighter::stylesheet().into_bytes(),
        );
        for (name, bytes) in project_files {
            files.insert(name.clone(), bytes.clone());
        }
        Self {
            files,
            base_path: base_path.to_owned(),
        }
    }

    /// `static/<stem>.<hash>.<ext>` for a file.
    fn fingerprinted(name: &str, bytes: &[u8]) -> String {
        let digest = Sha256::digest(bytes);
        let mut hash = String::with_capacity(10);
        for byte in digest.iter().take(5) {
            let _ = write!(hash, "{byte:02x}");
        }
        match name.rsplit_once('.') {
            Some((stem, ext)) if !stem.is_empty() && !stem.ends_with('/') => {
                format!("static/{stem}.{hash}.{ext}")
            }
            _ => format!("static/{name}.{hash}"),
        }
    }

    /// Static name → site-absolute URL, for the `asset()` template function.
    pub fn urls(&self) -> HashMap<String, String> {
        self.files
            .iter()
            .map(|(name, bytes)| {
                (
                    name.clone(),
                    format!("{}{}", self.base_path, Self::fingerprinted(name, bytes)),
                )
            })
            .collect()
    }

    pub fn into_files(self) -> Vec<OutputFile> {
        self.files
            .into_iter()
            .map(|(name, contents)| OutputFile {
                path: Self::fingerprinted(&name, &contents),
                contents,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_changes_with_content() {
        let a = Assets::fingerprinted("style.css", b"a");
        let b = Assets::fingerprinted("style.css", b"b");
        assert!(a.starts_with("static/style.") && a.ends_with(".css"));
        assert_ne!(a, b);
        assert_eq!(a, Assets::fingerprinted("style.css", b"a"));
    }
}
