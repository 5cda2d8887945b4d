//! gloss's integration tests: one binary, a module per feature.

mod support;

mod anchoring;
mod build;
mod deploy;
mod diagnostics;
mod entities;
mod search;
mod seeds;
mod serve;
mod new;
