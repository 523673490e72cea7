//! Passes over the document model: each takes a publication and returns it, findings aside.

mod asides;
mod checks;
mod foreign;
mod headings;
mod ids;
mod images;
pub mod lint;
mod typography;
mod urls;

use std::path::Path;

use crate::diag::{Diagnostics, Warned};
use crate::memo::Round;
use crate::model::Publication;

pub use checks::MISSING_ALT;

/// The findings that `--strict` makes errors, beside the print preflight's: an image without
/// alternative text, a link that leads nowhere, the editorial lint's (`typo-*`).
pub const STRICT: [&str; 3] = [MISSING_ALT, ids::BROKEN_LINK, lint::ALL];

/// Runs every pass, in order, as both editions need them, then the lint. Every pass runs even
/// when one finds an error, so that one run reports everything.
pub fn run(publication: Publication, root: &Path) -> Warned<Publication> {
    let mut found = Diagnostics::default();
    let publication = transform(publication, root).into_output(&mut found);
    found.extend(lint::run(&publication));
    Warned::new(publication, found)
}

/// The passes that make the model both editions read, in order, every one even when one finds
/// an error. The lint, which changes nothing, is left to the caller: a build runs it while the
/// PDF is laid out.
pub fn transform(publication: Publication, root: &Path) -> Warned<Publication> {
    let _round = Round::work();
    let mut found = Diagnostics::default();
    let publication = foreign::run(publication).into_output(&mut found);
    let publication = asides::run(publication);
    let publication = typography::run(publication);
    let publication = headings::run(publication).into_output(&mut found);
    let publication = ids::run(publication).into_output(&mut found);
    let publication = urls::run(publication).into_output(&mut found);
    let publication = images::run(publication, root).into_output(&mut found);
    let publication = checks::run(publication).into_output(&mut found);
    Warned::new(publication, found)
}
