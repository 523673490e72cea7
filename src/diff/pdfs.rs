//! One publication's two PDFs compared: rendered, their pages lined up, each changed page's
//! regions found, and its side-by-side image written.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::align::{Step, align};
use super::pages::{self, Region, RenderedPage};
use super::{Failure, PageChange, PageKind, write_error};
use crate::files::write_atomic;

/// The pages that changed between two PDFs, in the new edition's order; with `folder`, each
/// one's side-by-side image is written there (returned: the files written).
pub fn compare(
    old: &Path,
    new: &Path,
    folder: Option<&Path>,
) -> Result<(Vec<PageChange>, Vec<PathBuf>), Failure> {
    // presse writes the same bytes for the same sources: an unchanged edition is not rendered.
    if same_bytes(old, new) {
        return Ok((Vec::new(), Vec::new()));
    }
    let (old_pages, new_pages) = rayon::join(|| pages::render(old), || pages::render(new));
    let (old_pages, new_pages) = (old_pages?, new_pages?);
    let hashes = |pages: &[RenderedPage]| pages.iter().map(|p| p.hash).collect::<Vec<u64>>();
    let steps = align(&hashes(&old_pages), &hashes(&new_pages));
    let found: Vec<(PageChange, Vec<Region>)> =
        steps.par_iter().filter_map(|step| page_change(*step, &old_pages, &new_pages)).collect();
    let mut written = Vec::new();
    if let Some(folder) = folder {
        let images = found
            .par_iter()
            .map(|(change, regions)| write_image(change, regions, &old_pages, &new_pages, folder));
        let images: Vec<Option<PathBuf>> = images.collect::<Result<_, _>>()?;
        written = images.into_iter().flatten().collect();
    }
    Ok((found.into_iter().map(|(change, _)| change).collect(), written))
}

/// Whether two files hold the same bytes (false when either cannot be read: rendering then
/// says why).
fn same_bytes(a: &Path, b: &Path) -> bool {
    let size = |path: &Path| std::fs::metadata(path).map(|m| m.len()).ok();
    size(a).is_some()
        && size(a) == size(b)
        && matches!((std::fs::read(a), std::fs::read(b)), (Ok(x), Ok(y)) if x == y)
}

/// What one step of the alignment says, when it is a change: the change and its regions.
fn page_change(
    step: Step,
    old: &[RenderedPage],
    new: &[RenderedPage],
) -> Option<(PageChange, Vec<Region>)> {
    let (kind, o, n, regions) = match step {
        Step::Same { .. } => return None,
        Step::Changed { old: o, new: n } => {
            let regions = pages::changed_regions(&old[o].image, &new[n].image);
            if regions.is_empty() {
                return None;
            }
            (PageKind::Changed, Some(o), Some(n), regions)
        }
        Step::Added { new: n } => (PageKind::Added, None, Some(n), Vec::new()),
        Step::Removed { old: o } => (PageKind::Removed, Some(o), None, Vec::new()),
        Step::Moved { old: o, new: n } => (PageKind::Moved, Some(o), Some(n), Vec::new()),
    };
    let number = |index: Option<usize>| index.map(|i| i + 1);
    let change = PageChange { kind, old: number(o), new: number(n), regions: regions.len() };
    Some((change, regions))
}

/// Removes the images an earlier comparison left in a publication's folder under `--out`, so
/// that the folder shows this comparison only.
pub fn remove_old_images(folder: &Path) {
    let Ok(entries) = std::fs::read_dir(folder) else { return };
    for path in entries.flatten().map(|e| e.path()) {
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let ours = name.starts_with("page-") || name.starts_with("removed-page-");
        if ours && name.ends_with(".png") {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// Writes a changed page's side-by-side image, if it has one, into `folder`.
fn write_image(
    change: &PageChange,
    regions: &[pages::Region],
    old: &[RenderedPage],
    new: &[RenderedPage],
    folder: &Path,
) -> Result<Option<PathBuf>, Failure> {
    let Some(file) = change.image() else { return Ok(None) };
    let (old_page, new_page) = (numbered(old, change.old), numbered(new, change.new));
    let canvas = pages::side_by_side(old_page, new_page, regions);
    let png = encode_png(&canvas);
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
