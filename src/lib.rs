//! gloss: a static site generator for annotated news archives.
//!
//! The pipeline, one module per stage (see ARCHITECTURE.md):
//! [`load`] reads the project → [`parse`] turns articles into documents →
//! [`annotate`] anchors notes → [`link`] resolves entities and cross-references →
//! [`render`] produces pages → [`output`] writes them.

pub mod annotate;
pub mod check;
pub mod config;
pub mod diagnostics;
pub mod link;
pub mod lint;
pub mod load;
pub mod model;
pub mod output;
pub mod parse;
pub mod progress;
pub mod rebuild;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod site;
#[cfg(test)]
mod test_inputs;
