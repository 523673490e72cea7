//! `presse diff`: which pages of two builds changed, and how — pages compared as pixels, the
//! EPUB's chapters as text — for a reviewer of a pull request.
//!
//! From the bottom up: `align` (pages lined up by their hashes), `pages` (rendering, pixel
//! comparison, boxes, side-by-side images), `chapters` (the EPUB as paragraphs), `inputs` (what
//! the arguments name, a revision built in a temporary folder), `summary` (the lines and
//! `summary.md`), and this module, which runs them.

mod align;
mod chapters;
mod inputs;
mod pages;
mod summary;

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use tempfile::TempDir;

use crate::diag::{Diagnostic, Diagnostics, Pos};
use crate::files::write_atomic;
use align::{Step, align};
use chapters::ChapterChange;
use inputs::{Editions, Pair};
use pages::RenderedPage;

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
    /// The files written under `--out`.
    pub written: Vec<PathBuf>,
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
    /// Editions only one side has ("PDF added", "EPUB removed").
    pub one_sided: Vec<&'static str>,
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
    /// The side-by-side image, relative to the `--out` folder.
    pub image: Option<String>,
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
    let old = inputs::resolve(&config.old, root)?;
    let new = match &config.new {
        Some(new) => inputs::resolve(new, root)?,
        None => inputs::current_output(root)?,
    };
    let pairs = inputs::pairs(&old, &new)?;
    let mut publications = Vec::new();
    let mut written = Vec::new();
    for pair in &pairs {
        let (publication, images) = compare(pair, config.out.as_deref())?;
        publications.push(publication);
        written.extend(images);
    }
    if let Some(out) = &config.out {
        let path = out.join("summary.md");
        let text = summary::markdown(&old.label, &new.label, &publications);
        write_atomic(&path, text.as_bytes()).map_err(|err| write_error(&path, &err))?;
        written.push(path);
    }
    Ok(DiffReport { publications, written })
}

fn write_error(path: &Path, err: &anyhow::Error) -> Failure {
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
        remove_old_images(folder);
    }
    if presence != Presence::Both {
        return Ok((publication, Vec::new()));
    }
    let mut written = Vec::new();
    match (&pair.old.pdf, &pair.new.pdf) {
        (Some(old), Some(new)) => {
            let (pages, images) = compare_pdfs(old, new, &pair.name, folder.as_deref())?;
            (publication.pages, written) = (pages, images);
        }
        (None, Some(_)) => publication.one_sided.push("PDF added"),
        (Some(_), None) => publication.one_sided.push("PDF removed"),
        (None, None) => {}
    }
    match (&pair.old.epub, &pair.new.epub) {
        (Some(old), Some(new)) => {
            publication.chapters = chapters::compare(&chapters::read(old)?, &chapters::read(new)?)
        }
        (None, Some(_)) => publication.one_sided.push("EPUB added"),
        (Some(_), None) => publication.one_sided.push("EPUB removed"),
        (None, None) => {}
    }
    Ok((publication, written))
}

fn has_any(editions: &Editions) -> bool {
    editions.pdf.is_some() || editions.epub.is_some()
}

/// Removes the images an earlier comparison left in a publication's folder under `--out`, so
/// that the folder shows this comparison only.
fn remove_old_images(folder: &Path) {
    let Ok(entries) = std::fs::read_dir(folder) else { return };
    for path in entries.flatten().map(|e| e.path()) {
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let ours = name.starts_with("page-") || name.starts_with("removed-page-");
        if ours && name.ends_with(".png") {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// Renders two PDFs, lines their pages up, and keeps the pages that changed; writes their
/// side-by-side images into `folder` when given.
fn compare_pdfs(
    old: &Path,
    new: &Path,
    name: &str,
    folder: Option<&Path>,
) -> Result<(Vec<PageChange>, Vec<PathBuf>), Failure> {
    let (old_pages, new_pages) = rayon::join(|| pages::render(old), || pages::render(new));
    let (old_pages, new_pages) = (old_pages?, new_pages?);
    let hashes = |pages: &[RenderedPage]| pages.iter().map(|p| p.hash).collect::<Vec<u64>>();
    let steps = align(&hashes(&old_pages), &hashes(&new_pages));
    let found: Vec<(PageChange, Vec<pages::Region>)> = steps
        .par_iter()
        .filter_map(|step| page_change(*step, &old_pages, &new_pages, name))
        .collect();
    let Some(folder) = folder else {
        return Ok((found.into_iter().map(|(change, _)| change).collect(), Vec::new()));
    };
    let written: Vec<Result<Option<PathBuf>, Failure>> = found
        .par_iter()
        .map(|(change, regions)| write_image(change, regions, &old_pages, &new_pages, folder))
        .collect();
    let written: Vec<PathBuf> =
        written.into_iter().collect::<Result<Vec<_>, _>>()?.into_iter().flatten().collect();
    Ok((found.into_iter().map(|(change, _)| change).collect(), written))
}

/// What one step of the alignment says, when it is a change: the change and its regions.
fn page_change(
    step: Step,
    old: &[RenderedPage],
    new: &[RenderedPage],
    name: &str,
) -> Option<(PageChange, Vec<pages::Region>)> {
    let change =
        |kind, o: Option<usize>, n: Option<usize>, regions: &[pages::Region], image| PageChange {
            kind,
            old: o.map(|o| o + 1),
            new: n.map(|n| n + 1),
            regions: regions.len(),
            image,
        };
    let image = |file: String| Some(format!("{name}/{file}"));
    match step {
        Step::Same { .. } => None,
        Step::Changed { old: o, new: n } => {
            let regions = pages::changed_regions(&old[o].image, &new[n].image);
            if regions.is_empty() {
                return None;
            }
            let file = image(page_file(n));
            Some((change(PageKind::Changed, Some(o), Some(n), &regions, file), regions))
        }
        Step::Added { new: n } => {
            Some((change(PageKind::Added, None, Some(n), &[], image(page_file(n))), Vec::new()))
        }
        Step::Removed { old: o } => {
            let file = image(format!("removed-{}", page_file(o)));
            Some((change(PageKind::Removed, Some(o), None, &[], file), Vec::new()))
        }
        Step::Moved { old: o, new: n } => {
            Some((change(PageKind::Moved, Some(o), Some(n), &[], None), Vec::new()))
        }
    }
}

/// `page-004.png` for the page at index 3.
fn page_file(index: usize) -> String {
    format!("page-{:03}.png", index + 1)
}

/// Writes a changed page's side-by-side image, if it has one, into `folder`.
fn write_image(
    change: &PageChange,
    regions: &[pages::Region],
    old: &[RenderedPage],
    new: &[RenderedPage],
    folder: &Path,
) -> Result<Option<PathBuf>, Failure> {
    let Some(image) = &change.image else { return Ok(None) };
    let (old_page, new_page) = (numbered(old, change.old), numbered(new, change.new));
    let canvas = pages::side_by_side(old_page, new_page, regions);
    let png = encode_png(&canvas);
    let file = image.rsplit('/').next().unwrap_or(image);
    let path = folder.join(file);
    write_atomic(&path, &png).map_err(|err| write_error(&path, &err))?;
    Ok(Some(path))
}

/// A PNG of `image`, at zlib's default level: half the size of the fast level, for a few ms.
fn encode_png(image: &image::RgbImage) -> Vec<u8> {
    use image::ImageEncoder;
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    let mut png = Vec::new();
    let encoder =
        PngEncoder::new_with_quality(&mut png, CompressionType::Default, FilterType::Adaptive);
    let (width, height) = image.dimensions();
    encoder
        .write_image(image.as_raw(), width, height, image::ExtendedColorType::Rgb8)
        .expect("a PNG encodes into memory");
    png
}

/// The image of page `number` (1-based), if there is a number.
fn numbered(pages: &[RenderedPage], number: Option<usize>) -> Option<&image::RgbImage> {
    number.map(|n| &pages[n - 1].image)
}
