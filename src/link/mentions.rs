//! Automatic mention detection: every entity name and alias, found in an article's
//! text by one Aho–Corasick automaton for the whole registry.

use std::ops::Range;

use super::registry::Entity;

/// A mention found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundMention {
    /// Byte range in the text (a possessive "'s" is not included).
    pub range: Range<usize>,
    /// Index into the entity list the matcher was built from.
    pub entity: usize,
}

/// The compiled matcher for a registry. Build once, use for every article.
#[derive(Debug, Clone)]
pub struct MentionMatcher {}

impl MentionMatcher {
    pub fn new(entities: &[Entity]) -> Self {
        let _ = entities;
        Self {}
    }

    /// Every mention in `text`, leftmost-longest, whole words, sorted by start.
    pub fn find(&self, text: &str) -> Vec<FoundMention> {
        let _ = text;
        Vec::new()
    }
}
