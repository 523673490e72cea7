//! Page previews: every page as a PNG and one contact sheet of spreads, to review without a PDF viewer.

use std::io::Cursor;

use image::{ImageFormat, RgbaImage, imageops};
use typst::utils::Scalar;
use typst_layout::{Page, PagedDocument};
use typst_render::RenderOptions;

use crate::memo::Round;

/// Pixels per point of the page previews (2 ≈ 144 dpi).
const PAGE_SCALE: f64 = 2.0;
/// Pixels per point of the contact sheet's thumbnails.
const THUMB_SCALE: f64 = 0.3;
/// Spreads per row of the contact sheet.
const SPREADS_PER_ROW: u32 = 4;
/// Gap between spreads and rows, in pixels.
const GAP: u32 = 16;

/// The PNG files of a document's previews.
pub struct Previews {
    /// One PNG per page, in order.
    pub pages: Vec<Vec<u8>>,
    /// All pages as spreads (the first page alone, on the right, as a cover).
    pub sheet: Vec<u8>,
}

/// Renders the pages and the contact sheet.
pub fn render(document: &PagedDocument) -> Previews {
    let _round = Round::work();
    let pages = document.pages().iter().map(|page| png(&rasterise(page, PAGE_SCALE))).collect();
    let thumbs: Vec<RgbaImage> =
        document.pages().iter().map(|page| rasterise(page, THUMB_SCALE)).collect();
    Previews { pages, sheet: png(&contact_sheet(&thumbs)) }
}

/// One page as pixels, at `scale` pixels per point.
pub fn rasterise(page: &Page, scale: f64) -> RgbaImage {
    let _round = Round::work();
    let options = RenderOptions { pixel_per_pt: Scalar::new(scale), render_bleed: false };
    let pixmap = typst_render::render(page, &options);
    // Pages are filled white, so premultiplied and straight alpha agree.
    RgbaImage::from_raw(pixmap.width(), pixmap.height(), pixmap.data().to_vec())
        .expect("a pixmap holds width x height RGBA pixels")
}

/// Lays pages out as facing spreads: slot 0 is empty so that page 1 is a right-hand page.
fn contact_sheet(thumbs: &[RgbaImage]) -> RgbaImage {
    let width = thumbs.iter().map(RgbaImage::width).max().unwrap_or(1);
    let height = thumbs.iter().map(RgbaImage::height).max().unwrap_or(1);
    let slots = thumbs.len() as u32 + 1;
    let rows = slots.div_ceil(2 * SPREADS_PER_ROW).max(1);
    let sheet_width = SPREADS_PER_ROW * (2 * width + GAP) + GAP;
    let sheet_height = rows * (height + GAP) + GAP;
    let mut sheet =
        RgbaImage::from_pixel(sheet_width, sheet_height, image::Rgba([96, 98, 104, 255]));
    for (index, thumb) in thumbs.iter().enumerate() {
        let slot = index as u32 + 1;
        let (spread, side) = (slot / 2, slot % 2);
        let column = spread % SPREADS_PER_ROW;
        let row = spread / SPREADS_PER_ROW;
        let x = GAP + column * (2 * width + GAP) + side * width;
        let y = GAP + row * (height + GAP);
        imageops::overlay(&mut sheet, thumb, x.into(), y.into());
    }
    sheet
}

fn png(image: &RgbaImage) -> Vec<u8> {
    let mut bytes = Cursor::new(Vec::new());
    image.write_to(&mut bytes, ImageFormat::Png).expect("PNG encoding to memory cannot fail");
    bytes.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_page_is_a_right_hand_page() {
        let page = RgbaImage::from_pixel(10, 14, image::Rgba([255, 255, 255, 255]));
        let sheet = contact_sheet(&[page.clone(), page.clone(), page]);
        assert_eq!(sheet.width(), SPREADS_PER_ROW * (20 + GAP) + GAP);
        // Slot 0 (left of the first spread) stays background; page 1 sits right of it.
        assert_eq!(sheet.get_pixel(GAP + 2, GAP + 2).0, [96, 98, 104, 255]);
        assert_eq!(sheet.get_pixel(GAP + 12, GAP + 2).0, [255, 255, 255, 255]);
    }
}
