//! gloss's integration tests: one binary, a module per feature.

mod support;

mod anchoring;
mod build;
mod diagnostics;
mod entities;
mod seeds;
mod serve;
