//! anchoring tests
