//! presse's integration tests: one binary, so that typst is linked once, and a module per area.
//!
//! Most modules run the real `presse` binary on throwaway projects and check what it writes
//! with the real checkers (poppler's tools, EPUBCheck, Ace by DAISY: `scripts/test` installs
//! them); a few call the library directly. Run one area with `cargo test --test testsuite
//! <module>::`, for instance `cargo test --test testsuite sandbox::`.

mod common;
/// The checks the fuzz targets run, shared with the fuzz crate.
#[path = "../../fuzz/src/lib.rs"]
mod fuzz_checks;

mod bad_input;
mod check;
mod ci_recipes;
mod command_line;
mod commonmark;
mod concurrent;
mod conformance;
mod diff;
mod editions;
mod elsewhere;
mod epub;
mod errors;
mod fuzz_regressions;
mod incremental;
mod interrupt;
mod layout;
mod lint;
mod literal_text;
mod memory;
mod parallel;
mod pdf;
mod print;
mod project_root;
mod sandbox;
mod serve;
mod sources;
mod typography_editions;
mod visual;
mod watch;
