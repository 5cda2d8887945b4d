//! Parser for raw scraped text (`.txt`).

use super::{Document, ParseOverrides};

/// Parses a scraped article.
pub fn parse_text(source: &str, overrides: &ParseOverrides) -> Document {
    let _ = (source, overrides);
    Document::default()
}
