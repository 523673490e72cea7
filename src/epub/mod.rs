//! The EPUB edition: model → XHTML chapters + CSS + images → epub-builder → normalised zip.

mod anchors;
pub mod cache;
mod images;
mod labels;
mod normalise;
mod package;
mod sanitise;
mod xhtml;
mod xml;

use std::path::{Path, PathBuf};

use crate::date::edition_timestamp;
use crate::diag::{Diagnostic, Diagnostics, Outcome, Pos, Warned};
use crate::memo;
use crate::model::Publication;
use crate::styles::Style;
use anchors::{Anchors, chapter_file};
use labels::Labels;
use normalise::Fixes;
use xhtml::{Book, Page};

/// How the EPUB edition is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EpubOptions {
    /// The longest side of an image, in pixels; larger images are scaled down.
    pub max_image_side: u32,
    /// Where converted images are kept between builds (under `output/`), if anywhere.
    pub cache_dir: Option<PathBuf>,
}

impl Default for EpubOptions {
    fn default() -> Self {
        EpubOptions { max_image_side: 1600, cache_dir: None }
    }
}

/// The EPUB edition of a prepared publication, with what was found while making it.
pub fn epub(
    publication: &Publication,
    root: &Path,
    style: &Style,
    options: &EpubOptions,
) -> Outcome<Vec<u8>> {
    memo::stage(|| make_epub(publication, root, style, options))
}

fn make_epub(
    publication: &Publication,
    root: &Path,
    style: &Style,
    options: &EpubOptions,
) -> Outcome<Vec<u8>> {
    let mut found = Diagnostics::default();
    let images = images::process(publication, root, options).into_output(&mut found);
    let pages = chapter_pages(publication, &images).into_output(&mut found);
    if found.has_errors() {
        return Err(found);
    }
    match package_book(publication, style, &images, &pages) {
        Ok(bytes) => Ok(Warned::new(bytes, found)),
        Err(message) => {
            let manifest = publication.dir.join("publication.toml");
            found.push(
                Diagnostic::error(manifest, Pos::default(), message)
                    .with_code("epub-writer")
                    .with_hint(
                        "this is a bug in presse's EPUB writer; please report it with the sources",
                    ),
            );
            Err(found)
        }
    }
}

/// The pages, images and stylesheet packaged by epub-builder, then normalised.
fn package_book(
    publication: &Publication,
    style: &Style,
    images: &images::Images,
    pages: &[Page],
) -> Result<Vec<u8>, String> {
    let labels = Labels::for_language(&publication.manifest.lang);
    let (front, front_is_cover) = package::front_page(publication, images, labels);
    let contents = package::Contents {
        publication,
        css: &style.css,
        front,
        front_is_cover,
        pages,
        images,
        labels,
        modified: edition_timestamp(publication.manifest.date),
    };
    let raw = package::assemble(&contents).map_err(|err| format!("EPUB packaging: {err}"))?;
    let fixes = Fixes {
        identifier: publication.manifest.stable_identifier(),
        lang: publication.manifest.lang.to_string(),
        metadata: package::metadata(publication, images),
    };
    let filled: Vec<(String, &[u8])> =
        images.files.iter().map(|i| (format!("OEBPS/{}", i.href), i.bytes.as_slice())).collect();
    normalise::normalise(&raw, &fixes, &filled).map_err(|err| format!("EPUB normalisation: {err}"))
}

/// Every chapter as an XHTML page, links resolved across the book.
fn chapter_pages(publication: &Publication, images: &images::Images) -> Warned<Vec<Page>> {
    let files: Vec<String> =
        publication.chapters.iter().enumerate().map(|(i, c)| chapter_file(i, &c.slug)).collect();
    let anchors = Anchors::new(&publication.chapters, &files);
    let book = Book { lang: &publication.manifest.lang, anchors: &anchors, images: &images.hrefs };
    let mut found = Diagnostics::default();
    let pages = publication
        .chapters
        .iter()
        .zip(&files)
        .map(|(chapter, file)| xhtml::chapter_page(chapter, file, &book).into_output(&mut found))
        .collect();
    Warned::new(pages, found)
}
