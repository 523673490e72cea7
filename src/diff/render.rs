//! The pages of a PDF rendered to pixels, in process, with hayro: first each page's hash, to
//! line the pages up, then the pixels of the pages that differ, one at a time.

use std::path::Path;
use std::sync::Arc;

use hayro::hayro_interpret::InterpreterSettings;
use hayro::hayro_syntax::Pdf;
use hayro::hayro_syntax::page::Page;
use hayro::vello_cpu::Pixmap;
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::{RenderCache, RenderSettings};
use image::RgbImage;
use rayon::prelude::*;

use crate::diag::{Diagnostic, Pos};

/// The resolution pages are compared at: enough to see a changed word, little to compute.
pub const DPI: f32 = 100.0;

/// A PDF opened for rendering.
pub struct Document {
    pdf: Pdf,
}

impl Document {
    /// Opens the PDF at `path`.
    pub fn open(path: &Path) -> Result<Document, Diagnostic> {
        let bytes = std::fs::read(path).map_err(|err| {
            Diagnostic::error(path, Pos::default(), format!("cannot read the PDF: {err}"))
                .with_code("diff-input")
        })?;
        let pdf = Pdf::new(bytes).map_err(|err| {
            Diagnostic::error(path, Pos::default(), format!("this PDF cannot be read ({err:?})"))
                .with_code("diff-input")
                .with_hint("name a PDF written by presse build, whole (not one being written)")
        })?;
        Ok(Document { pdf })
    }

    /// Opens a PDF held in memory (or mapped), sharing its bytes; `None` when it cannot be read.
    pub fn from_shared(bytes: Arc<impl AsRef<[u8]> + Send + Sync + 'static>) -> Option<Document> {
        Pdf::new(bytes).ok().map(|pdf| Document { pdf })
    }

    /// A hash of each page's pixels, in order: equal hashes, identical pages. The pixels are
    /// not kept: a book's pages at 100 dpi would take gigabytes.
    pub fn page_hashes(&self) -> Vec<u64> {
        let pages: Vec<&Page<'_>> = self.pdf.pages().iter().collect();
        pages.par_iter().map(|page| hash(&pixmap(page))).collect()
    }

    /// How many pages the PDF has.
    pub fn page_count(&self) -> usize {
        self.pdf.pages().len()
    }

    /// The pixels of the page at `index` (0-based), on white.
    pub fn page(&self, index: usize) -> RgbImage {
        rgb(&pixmap(&self.pdf.pages()[index]))
    }
}

fn pixmap(page: &Page<'_>) -> Pixmap {
    let scale = DPI / 72.0;
    let settings =
        RenderSettings { x_scale: scale, y_scale: scale, bg_color: WHITE, ..Default::default() };
    hayro::render(page, &RenderCache::new(), &InterpreterSettings::default(), &settings)
}

fn hash(pixmap: &Pixmap) -> u64 {
    let size = u64::from(pixmap.width()) << 32 | u64::from(pixmap.height());
    xxhash_rust::xxh3::xxh3_64(pixmap.data_as_u8_slice()) ^ size
}

/// The pixels as RGB: on a white background every pixel is opaque, so premultiplied RGBA is
/// plain RGBA.
fn rgb(pixmap: &Pixmap) -> RgbImage {
    let (width, height) = (u32::from(pixmap.width()), u32::from(pixmap.height()));
    let mut rgb = Vec::with_capacity(width as usize * height as usize * 3);
    for pixel in pixmap.data_as_u8_slice().chunks_exact(4) {
        rgb.extend_from_slice(&pixel[..3]);
    }
    RgbImage::from_raw(width, height, rgb).expect("a pixmap holds its pixels")
}
