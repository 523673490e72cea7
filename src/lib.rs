//! presse: one Markdown source tree, two editions — a print PDF (typst) and an EPUB 3.
#![warn(missing_docs)]

pub mod build;
pub mod check;
pub mod diag;
pub mod epub;
pub mod limits;
pub mod load;
pub mod manifest;
pub mod model;
pub mod output;
pub mod parse;
pub mod passes;
pub mod preflight;
pub mod preview;
pub mod print;
pub mod progress;
pub mod report;
pub mod scaffold;
pub mod stamp;
pub mod styles;
pub mod typst;
pub mod watch;
