//! The EPUB edition: model → XHTML chapters + CSS + images → epub-builder → normalised zip.

pub mod anchors;
pub mod images;
pub mod labels;
pub mod normalise;
pub mod package;
pub mod sanitise;
pub mod xhtml;
pub mod xml;

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{Pos, Publication};
use crate::styles::Style;
use normalise::Fixes;
use xhtml::{Anchors, Book, Labels, Page};

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

/// Writes the EPUB edition of a prepared publication; findings go to `diagnostics`.
pub fn epub(
    publication: &Publication,
    root: &Path,
    style: &Style,
    options: &EpubOptions,
    diagnostics: &mut Diagnostics,
) -> Option<Vec<u8>> {
    let mut found = Diagnostics::default();
    let bytes = build(publication, root, style, options, &mut found);
    let failed = found.has_errors();
    diagnostics.extend(found);
    bytes.filter(|_| !failed)
}

fn build(
    publication: &Publication,
    root: &Path,
    style: &Style,
    options: &EpubOptions,
    diagnostics: &mut Diagnostics,
) -> Option<Vec<u8>> {
    let lang = publication.manifest.lang.as_str();
    let labels = Labels::for_language(lang);
    let images = images::process(
        publication,
        root,
        options.max_image_side,
        options.cache_dir.as_deref(),
        diagnostics,
    );
    let pages = chapter_pages(publication, &images, diagnostics);
    if diagnostics.has_errors() {
        return None;
    }
    let (front, front_is_cover) = package::front_page(publication, &images, labels);
    let contents = package::Contents {
        publication,
        css: &style.css,
        front,
        front_is_cover,
        pages: &pages,
        images: &images,
        labels,
    };
    let manifest_file = publication.dir.join("publication.toml");
    let fail = |message: String| {
        Diagnostic::error(&manifest_file, Pos::default(), message)
            .with_hint("this is a bug in presse's EPUB writer; please report it with the sources")
    };
    let raw = package::assemble(&contents)
        .map_err(|err| diagnostics.push(fail(format!("EPUB packaging: {err}"))))
        .ok()?;
    let fixes = Fixes {
        identifier: publication.manifest.stable_identifier(),
        lang: lang.to_string(),
        modified: modified_date(publication),
        metadata: package::metadata(publication, &images),
    };
    let filled: Vec<(String, &[u8])> =
        images.files.iter().map(|i| (format!("OEBPS/{}", i.href), i.bytes.as_slice())).collect();
    normalise::normalise(&raw, &fixes, &filled)
        .map_err(|err| diagnostics.push(fail(format!("EPUB normalisation: {err}"))))
        .ok()
}

/// Every chapter as an XHTML page, links resolved across the book.
fn chapter_pages(
    publication: &Publication,
    images: &images::Images,
    diagnostics: &mut Diagnostics,
) -> Vec<Page> {
    let files: Vec<String> = publication
        .chapters
        .iter()
        .enumerate()
        .map(|(i, c)| xhtml::chapter_file(i, &c.slug))
        .collect();
    let anchors = Anchors::new(&publication.chapters, &files);
    let book = Book { lang: &publication.manifest.lang, anchors: &anchors, images: &images.hrefs };
    publication
        .chapters
        .iter()
        .zip(&files)
        .map(|(chapter, file)| xhtml::chapter_page(chapter, file, &book, diagnostics))
        .collect()
}

/// `dcterms:modified`: `SOURCE_DATE_EPOCH` when set, else the publication date, at UTC.
pub fn modified_date(publication: &Publication) -> String {
    let date = crate::typst::build_date(publication);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        date.year().unwrap_or(1970),
        date.month().unwrap_or(1),
        date.day().unwrap_or(1),
        date.hour().unwrap_or(0),
        date.minute().unwrap_or(0),
        date.second().unwrap_or(0)
    )
}
