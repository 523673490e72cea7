//! presse's integration tests: one binary, so that typst is linked once, and a module per area.
//!
//! Most modules run the real `presse` binary on throwaway projects and check what it writes
//! with the real checkers (poppler's tools, EPUBCheck, Ace by DAISY: `scripts/test` installs
//! them); a few call the library directly. Run one area with `cargo test --test testsuite
//! <module>::`, for instance `cargo test --test testsuite sandbox::`.

mod common;

mod bad_input;
mod check;
mod commonmark;
mod concurrent;
mod epub;
mod errors;
mod fuzz_regressions;
mod incremental;
mod interrupt;
mod literal_text;
mod parallel;
mod pdf;
mod print;
mod sandbox;
mod sources;
mod typography_editions;
mod visual;
mod watch;
