//! One publication's two PDFs compared: rendered, their pages lined up, each changed page's
//! regions found, and its side-by-side image written.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::align::{Step, align};
use super::pages;
use super::render::Document;
use super::{Failure, PageChange, PageKind, write_error};
use crate::files::write_atomic;

/// A page that changed, and its side-by-side image when one was written.
type Shown = (PageChange, Option<PathBuf>);

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
    let documents = (Document::open(old)?, Document::open(new)?);
    let hashes = rayon::join(|| documents.0.page_hashes(), || documents.1.page_hashes());
    let steps = align(&hashes.0, &hashes.1);
    // Each page that differs is rendered again, compared and drawn, then let go: a few pages
    // at a time are in memory, however long the book.
    let examined: Vec<Option<Shown>> = steps
        .par_iter()
        .map(|step| examine(*step, &documents, folder))
        .collect::<Result<_, _>>()?;
    let (mut changes, mut written) = (Vec::new(), Vec::new());
    for (change, image) in examined.into_iter().flatten() {
        changes.push(change);
        written.extend(image);
    }
    Ok((changes, written))
}

/// Whether two files hold the same bytes (false when either cannot be read: rendering then
/// says why).
fn same_bytes(a: &Path, b: &Path) -> bool {
    let size = |path: &Path| std::fs::metadata(path).map(|m| m.len()).ok();
    size(a).is_some()
        && size(a) == size(b)
        && matches!((std::fs::read(a), std::fs::read(b)), (Ok(x), Ok(y)) if x == y)
}

/// The change a step of the alignment stands for, before any pixel is looked at.
fn change_of(step: Step) -> Option<PageChange> {
    let (kind, old, new) = match step {
        Step::Same { .. } => return None,
        Step::Changed { old, new } => (PageKind::Changed, Some(old), Some(new)),
        Step::Added { new } => (PageKind::Added, None, Some(new)),
        Step::Removed { old } => (PageKind::Removed, Some(old), None),
        Step::Moved { old, new } => (PageKind::Moved, Some(old), Some(new)),
    };
    let number = |index: Option<usize>| index.map(|i| i + 1);
    Some(PageChange { kind, old: number(old), new: number(new), regions: 0 })
}

/// What one step of the alignment says, when it is a change that shows; with `folder`, its
/// side-by-side image written there.
fn examine(
    step: Step,
    (old, new): &(Document, Document),
    folder: Option<&Path>,
) -> Result<Option<Shown>, Failure> {
    let Some(mut change) = change_of(step) else { return Ok(None) };
    // A moved page is identical where it now stands: there is nothing to draw.
    if change.kind == PageKind::Moved {
        return Ok(Some((change, None)));
    }
    let render = |document: &Document, number: Option<usize>| number.map(|n| document.page(n - 1));
    let (old_page, new_page) = (render(old, change.old), render(new, change.new));
    let regions = match (&old_page, &new_page) {
        (Some(a), Some(b)) => pages::changed_regions(a, b),
        _ => Vec::new(),
    };
    if change.kind == PageKind::Changed && regions.is_empty() {
        return Ok(None);
    }
    change.regions = regions.len();
    let Some((folder, file)) = folder.zip(change.image()) else { return Ok(Some((change, None))) };
    let canvas = pages::side_by_side(old_page.as_ref(), new_page.as_ref(), &regions);
    let path = folder.join(file);
    write_atomic(&path, &encode_png(&canvas)).map_err(|err| write_error(&path, &err))?;
    Ok(Some((change, Some(path))))
}

/// A PNG of `image`, at zlib's default level: half the size of the fast level, for a few ms.
pub(crate) fn encode_png(image: &image::RgbImage) -> Vec<u8> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_images_of_an_earlier_comparison_go_and_nothing_else() {
        let tmp = tempfile::tempdir().unwrap();
        for name in ["page-001.png", "removed-page-002.png", "notes.txt", "page.jpg"] {
            std::fs::write(tmp.path().join(name), b"x").unwrap();
        }
        remove_old_images(tmp.path());
        let mut left: Vec<_> =
            std::fs::read_dir(tmp.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        left.sort();
        assert_eq!(left, ["notes.txt", "page.jpg"]);
    }

    #[test]
    fn each_kind_of_change_has_its_image_name_or_none() {
        let change = |step| change_of(step).and_then(|c| c.image());
        assert_eq!(change(Step::Changed { old: 2, new: 3 }), Some("page-004.png".into()));
        assert_eq!(change(Step::Added { new: 11 }), Some("page-012.png".into()));
        assert_eq!(change(Step::Removed { old: 4 }), Some("removed-page-005.png".into()));
        assert_eq!(change(Step::Moved { old: 0, new: 1 }), None);
        assert!(change_of(Step::Same { old: 0, new: 0 }).is_none());
    }
}
