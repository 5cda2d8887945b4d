//! gloss's integration tests: one binary, a module per feature.

mod support;

mod anchoring;
mod build;
mod check;
mod deploy;
mod diagnostics;
mod entities;
mod incremental;
mod new;
mod reuse;
mod search;
mod seeds;
mod serve;
