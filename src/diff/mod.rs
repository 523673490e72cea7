//! `presse diff`: which pages of two builds changed, and how — pages compared as pixels, the
//! EPUB's chapters as text — for a reviewer of a pull request.
//!
//! From the bottom up: `align` (pages lined up by their hashes), `render` (pages to pixels),
//! `pages` (two renderings compared, boxes, side-by-side images), `pdfs` (two PDFs compared,
//! the images written),
//! `chapters` (the EPUB as paragraphs), `inputs` (what the arguments name, a revision built in
//! a temporary folder), `summary` (the lines and `summary.md`), and this module, which runs
//! them.

mod align;
pub(crate) mod chapters;
mod inputs;
mod pages;
pub(crate) mod pdfs;
pub(crate) mod render;
pub(crate) mod summary;

use std::path::{Path, PathBuf};

use tempfile::TempDir;

use crate::build::Edition;
use crate::diag::{Diagnostic, Diagnostics, Pos};
use crate::files::write_atomic;
pub use chapters::{ChapterChange, ChapterKind, Hunk};
use inputs::{Editions, Pair};

/// What to compare, and where to write what was found.
#[derive(Debug, Clone)]
pub struct DiffConfig {
    /// The old side, as the command line named it: a PDF, an EPUB, a folder, a revision.
    pub old: String,
    /// The new side; `None` means the project's `output/`.
    pub new: Option<String>,
    /// Where to write `summary.md` and the images; nothing is written when `None`.
    pub out: Option<PathBuf>,
    /// The project root, when presse runs inside a project: revisions are of its repository.
    pub root: Option<PathBuf>,
}

/// What a comparison found.
#[derive(Debug)]
pub struct DiffReport {
    /// Each publication compared, in name order.
    pub publications: Vec<PublicationDiff>,
    /// `summary.md`, when `--out` asked for it.
    pub summary: Option<PathBuf>,
    /// The side-by-side images written beside it.
    pub images: Vec<PathBuf>,
}

impl DiffReport {
    /// Whether anything differs.
    pub fn changed(&self) -> bool {
        self.publications.iter().any(PublicationDiff::changed)
    }

    /// One line per publication: what changed in it.
    pub fn lines(&self) -> Vec<String> {
        self.publications.iter().map(summary::line).collect()
    }
}

/// What changed in one publication.
#[derive(Debug)]
pub struct PublicationDiff {
    /// Its name.
    pub name: String,
    /// Whether both sides have it.
    pub presence: Presence,
    /// The pages of its PDF that changed, in the new edition's order.
    pub pages: Vec<PageChange>,
    /// Editions only one side has: the PDF added, the EPUB removed.
    pub one_sided: Vec<(Edition, Presence)>,
    /// The chapters of its EPUB that changed.
    pub chapters: Vec<ChapterChange>,
}

impl PublicationDiff {
    /// Whether anything differs.
    pub fn changed(&self) -> bool {
        self.presence != Presence::Both
            || !self.pages.is_empty()
            || !self.one_sided.is_empty()
            || !self.chapters.is_empty()
    }
}

/// Whether a publication is on both sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// On both.
    Both,
    /// Only on the new side.
    Added,
    /// Only on the old side.
    Removed,
}

/// One page that changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageChange {
    /// How.
    pub kind: PageKind,
    /// Its number in the old edition (1-based), if it is there.
    pub old: Option<usize>,
    /// Its number in the new edition (1-based), if it is there.
    pub new: Option<usize>,
    /// How many regions were boxed.
    pub regions: usize,
}

impl PageChange {
    /// The name of its side-by-side image in the publication's folder: `page-004.png` after
    /// its new number, `removed-page-005.png` after its old one; none for a page that moved.
    pub fn image(&self) -> Option<String> {
        match (self.kind, self.old, self.new) {
            (PageKind::Changed | PageKind::Added, _, Some(new)) => {
                Some(format!("page-{new:03}.png"))
            }
            (PageKind::Removed, Some(old), _) => Some(format!("removed-page-{old:03}.png")),
            _ => None,
        }
    }
}

/// How a page changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// At the same place, with other content.
    Changed,
    /// Only in the new edition.
    Added,
    /// Only in the old edition.
    Removed,
    /// Identical, at another place in the order.
    Moved,
}

/// Why a comparison could not be made: findings to print, quoting sources from `root`.
pub struct Failure {
    /// The errors.
    pub findings: Diagnostics,
    /// Where the files they name are (a revision's temporary tree, for its build errors).
    pub root: PathBuf,
    /// The temporary tree, kept until the findings are printed.
    _sources: Option<TempDir>,
}

impl From<Diagnostics> for Failure {
    fn from(findings: Diagnostics) -> Self {
        Failure { findings, root: PathBuf::from("."), _sources: None }
    }
}

impl From<Diagnostic> for Failure {
    fn from(finding: Diagnostic) -> Self {
        Diagnostics::from(finding).into()
    }
}

/// Compares two builds, writes `summary.md` and the images under `config.out` when asked, and
/// says what changed.
pub fn diff(config: &DiffConfig) -> Result<DiffReport, Failure> {
    let root = config.root.as_deref();
    let (old, new) = match &config.new {
        Some(new) => (inputs::resolve(&config.old, root)?, inputs::resolve(new, root)?),
        None => {
            // output/ is looked for first: no revision is built to be compared with nothing.
            let new = inputs::current_output(root)?;
            (inputs::resolve(&config.old, root)?, new)
        }
    };
    let mut report = DiffReport { publications: Vec::new(), summary: None, images: Vec::new() };
    for pair in &inputs::pairs(&old, &new)? {
        let (publication, images) = compare(pair, config.out.as_deref())?;
        report.publications.push(publication);
        report.images.extend(images);
    }
    if let Some(out) = &config.out {
        let path = out.join("summary.md");
        let text = summary::markdown(&old.label, &new.label, &report.publications);
        write_atomic(&path, text.as_bytes()).map_err(|err| write_error(&path, &err))?;
        report.summary = Some(path);
    }
    Ok(report)
}

pub(super) fn write_error(path: &Path, err: &anyhow::Error) -> Failure {
    Diagnostic::error(path, Pos::default(), format!("{err:#}"))
        .with_code("io")
        .with_hint("choose a folder presse can write in with --out")
        .into()
}

/// Compares one publication's editions; returns what changed and the images written.
fn compare(pair: &Pair, out: Option<&Path>) -> Result<(PublicationDiff, Vec<PathBuf>), Failure> {
    let presence = match (has_any(&pair.old), has_any(&pair.new)) {
        (true, true) => Presence::Both,
        (false, _) => Presence::Added,
        (_, false) => Presence::Removed,
    };
    let mut publication = PublicationDiff {
        name: pair.name.clone(),
        presence,
        pages: Vec::new(),
        one_sided: Vec::new(),
        chapters: Vec::new(),
    };
    let folder = out.map(|out| out.join(&pair.name));
    if let Some(folder) = &folder {
        pdfs::remove_old_images(folder);
    }
    let mut written = Vec::new();
    if presence != Presence::Both {
        return Ok((publication, written));
    }
    match one_or_both(Edition::Pdf, &pair.old.pdf, &pair.new.pdf) {
        Ok((old, new)) => {
            (publication.pages, written) = pdfs::compare(old, new, folder.as_deref())?
        }
        Err(one_sided) => publication.one_sided.extend(one_sided),
    }
    match one_or_both(Edition::Epub, &pair.old.epub, &pair.new.epub) {
        Ok((old, new)) => {
            publication.chapters = chapters::compare(&chapters::read(old)?, &chapters::read(new)?)
        }
        Err(one_sided) => publication.one_sided.extend(one_sided),
    }
    Ok((publication, written))
}

/// The edition on both sides, or which side alone has it (nothing when neither has).
fn one_or_both<'a>(
    edition: Edition,
    old: &'a Option<PathBuf>,
    new: &'a Option<PathBuf>,
) -> Result<(&'a Path, &'a Path), Option<(Edition, Presence)>> {
    match (old, new) {
        (Some(old), Some(new)) => Ok((old, new)),
        (None, Some(_)) => Err(Some((edition, Presence::Added))),
        (Some(_), None) => Err(Some((edition, Presence::Removed))),
        (None, None) => Err(None),
    }
}

fn has_any(editions: &Editions) -> bool {
    editions.pdf.is_some() || editions.epub.is_some()
}
