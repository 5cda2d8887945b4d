//! Stage 3, link: the registries of entities and sources, mention detection, and the
//! cross-references between articles (see-also, backlinks, related articles).
//!
//! This is the only stage that resolves ids: every `source = "…"`, `entity = "…"`,
//! `[[id]]` and `article = "…"` is checked here, with a did-you-mean when unknown.

pub mod mentions;
pub mod registry;

pub use mentions::{FoundMention, MentionMatcher};
pub use registry::{Entity, EntityKind, Registry, Source};
