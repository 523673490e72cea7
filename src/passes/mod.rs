//! Passes over the document model: each takes a publication and returns it, findings aside.

pub mod checks;
pub mod ids;
pub mod images;
pub mod typography;
pub mod urls;

use std::path::Path;

use crate::diag::Diagnostics;
use crate::model::Publication;

/// Runs every pass, in order, as both editions need them.
pub fn run(publication: Publication, root: &Path, diagnostics: &mut Diagnostics) -> Publication {
    let publication = typography::run(publication, diagnostics);
    let publication = ids::run(publication, diagnostics);
    let publication = urls::run(publication, diagnostics);
    let publication = images::run(publication, root, diagnostics);
    checks::run(publication, diagnostics)
}
