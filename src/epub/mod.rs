//! The EPUB edition: model → XHTML chapters + CSS + images → epub-builder → normalised zip.

mod anchors;
pub mod cache;
mod fonts;
mod images;
mod labels;
mod normalise;
mod package;
mod pagelist;
mod sanitise;
mod xhtml;

use std::path::{Path, PathBuf};

use crate::date::edition_timestamp;
use crate::diag::{Diagnostic, Diagnostics, Outcome, Pos, Warned};
use crate::memo;
use crate::model::Publication;
use crate::pdf::pagination::PageStart;
use crate::styles::Style;
use crate::xml;
use anchors::{Anchors, chapter_file};
use labels::Labels;
use normalise::Fixes;
use pagelist::Marker;
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

/// What the print edition tells the EPUB: where each of its pages begins, and its first page
/// (the cover when the publication names none).
pub struct PrintEdition {
    /// The PDF's file name, which the page list follows.
    pub file_name: String,
    /// Where each page of the PDF begins in the sources.
    pub page_starts: Vec<PageStart>,
    /// The PDF's first page, laid out.
    pub first_page: Option<typst_layout::Page>,
}

/// The EPUB edition of a prepared publication, with what was found while making it, without a
/// print edition to follow.
pub fn epub(
    publication: &Publication,
    root: &Path,
    style: &Style,
    options: &EpubOptions,
) -> Outcome<Vec<u8>> {
    let draft = draft(publication, root, style, options)?;
    finish(draft, publication, style, None)
}

/// An EPUB whose chapters are written and images converted, waiting for the print edition.
pub struct Draft {
    images: images::Images,
    pages: Vec<Page>,
    found: Diagnostics,
}

/// The chapters written and the images converted: what takes time, done while the PDF is laid
/// out.
pub fn draft(
    publication: &Publication,
    root: &Path,
    style: &Style,
    options: &EpubOptions,
) -> Result<Draft, Diagnostics> {
    memo::stage(|| {
        let mut found = Diagnostics::default();
        let images = images::process(publication, root, options).into_output(&mut found);
        let pages = chapter_pages(publication, style, &images).into_output(&mut found);
        if found.has_errors() {
            return Err(found);
        }
        Ok(Draft { images, pages, found })
    })
}

/// The EPUB packaged from its draft, with the print edition's pages and cover when given.
pub fn finish(
    draft: Draft,
    publication: &Publication,
    style: &Style,
    print: Option<&PrintEdition>,
) -> Outcome<Vec<u8>> {
    memo::stage(|| package_draft(draft, publication, style, print))
}

fn package_draft(
    draft: Draft,
    publication: &Publication,
    style: &Style,
    print: Option<&PrintEdition>,
) -> Outcome<Vec<u8>> {
    let Draft { mut images, mut pages, mut found } = draft;
    let markers = print.map_or(Vec::new(), |print| pagelist::place(&mut pages, &print.page_starts));
    if images.cover.is_none()
        && let Some(page) = print.and_then(|print| print.first_page.as_ref())
    {
        images.add_cover(images::rendered_cover(page));
    }
    let source = print.map(|print| print.file_name.as_str()).filter(|_| !markers.is_empty());
    match package_book(publication, style, &images, &pages, (&markers, source)) {
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

/// The pages, images and stylesheet packaged by epub-builder, then normalised; `page_list`
/// holds the page-break markers placed and the file they follow.
fn package_book(
    publication: &Publication,
    style: &Style,
    images: &images::Images,
    pages: &[Page],
    page_list: (&[Marker], Option<&str>),
) -> Result<Vec<u8>, String> {
    let labels = Labels::for_language(&publication.manifest.lang);
    let (front, front_is_cover) = package::front_page(publication, images, labels);
    let text: String = pages.iter().chain([&front]).map(|page| page.xhtml.as_str()).collect();
    let fonts = fonts::embed(style, &text);
    // After the style's rules: its `@namespace` must come before any other rule.
    let css = format!("{}\n{}", style.css.trim_end(), fonts.css);
    let contents = package::Contents {
        publication,
        css: &css,
        fonts: &fonts.files,
        front,
        front_is_cover,
        pages,
        images,
        labels,
        modified: edition_timestamp(publication.manifest.date),
    };
    let raw = package::assemble(&contents).map_err(|err| format!("EPUB packaging: {err}"))?;
    let (markers, page_source) = page_list;
    let fixes = Fixes {
        identifier: publication.manifest.stable_identifier(),
        lang: publication.manifest.lang.to_string(),
        metadata: package::metadata(publication, images, labels, page_source),
        page_list: pagelist::nav(markers, labels),
    };
    let images = images.files.iter().map(|i| (&i.href, i.bytes.as_slice()));
    let fonts = fonts.files.iter().map(|f| (&f.href, f.bytes.as_slice()));
    let filled: Vec<(String, &[u8])> =
        images.chain(fonts).map(|(href, bytes)| (format!("OEBPS/{href}"), bytes)).collect();
    normalise::normalise(&raw, &fixes, &filled).map_err(|err| format!("EPUB normalisation: {err}"))
}

/// Every chapter as an XHTML page, links resolved across the book.
fn chapter_pages(
    publication: &Publication,
    style: &Style,
    images: &images::Images,
) -> Warned<Vec<Page>> {
    let files: Vec<String> =
        publication.chapters.iter().enumerate().map(|(i, c)| chapter_file(i, &c.slug)).collect();
    let anchors = Anchors::new(&publication.chapters, &files);
    let book = Book {
        lang: &publication.manifest.lang,
        anchors: &anchors,
        images: &images.hrefs,
        credit_label: style
            .options
            .get("credit-label")
            .and_then(toml::Value::as_str)
            .filter(|label| !label.is_empty()),
    };
    let mut found = Diagnostics::default();
    let pages = publication
        .chapters
        .iter()
        .zip(&files)
        .map(|(chapter, file)| xhtml::chapter_page(chapter, file, &book).into_output(&mut found))
        .collect();
    Warned::new(pages, found)
}
