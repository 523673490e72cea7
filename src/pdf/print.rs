//! The print edition: bleed in the layout, crop marks outside it, and the PDF page boxes
//! (TrimBox, BleedBox, MediaBox) a printer reads.
//!
//! typst lays the pages out with a bleed (set by [`template_suffix`]), so that page fills and
//! backgrounds run into it, and its PDF export writes the TrimBox. [`add_marks`] then widens
//! each page by a slug that holds the crop marks, and [`add_bleed_boxes`] appends the
//! BleedBox of each page to the PDF as an incremental update, leaving typst's bytes as they are.

use lopdf::{IncrementalDocument, Object, ObjectId};
use typst::ecow::EcoVec;
use typst::layout::{Abs, FrameItem, Point, Sides, Size};
use typst::syntax::Span;
use typst::utils::Numeric;
use typst::visualize::{Color, FixedStroke, Geometry};
use typst_layout::{Page, PagedDocument};

use crate::manifest::{Manifest, PdfStandard};

/// typst's raw length units in a millimetre and in a point.
const RAW_MM: f64 = 360.0;
const RAW_PT: f64 = 127.0;
/// Between the bleed's edge and the start of a crop mark: 1 mm.
const MARK_GAP: Abs = Abs::raw(RAW_MM);
/// The length of a crop mark: 6 mm.
const MARK_LENGTH: Abs = Abs::raw(6.0 * RAW_MM);
/// Blank paper left beyond the end of the crop marks: 2 mm.
const SLUG_MARGIN: Abs = Abs::raw(2.0 * RAW_MM);
/// The thickness of a crop mark: a quarter point, a hairline as printers draw them.
const MARK_THICKNESS: Abs = Abs::raw(0.25 * RAW_PT);

/// How the PDF edition of one build is made: screen (no bleed, no marks) or print, and the
/// standards it meets.
#[derive(Debug, Clone, PartialEq)]
pub struct PdfProfile {
    /// The print settings, or `None` for the screen edition.
    pub print: Option<PrintProfile>,
    /// The PDF standards the file must meet; none when empty.
    pub standards: Vec<PdfStandard>,
}

/// The print edition's settings, checked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrintProfile {
    /// The bleed on every side of the trimmed page.
    pub bleed: Abs,
    /// Whether crop marks are drawn (in a slug around the bleed).
    pub marks: bool,
}

impl PdfProfile {
    /// The profile of a build: `--print` turns the print edition on, `[print]` says how it is
    /// made; `--pdf-standard` wins over `[pdf] standards`, which both editions meet.
    pub fn resolve(
        manifest: &Manifest,
        print: bool,
        cli_standards: Option<&[PdfStandard]>,
    ) -> Self {
        let (bleed, marks) = (manifest.print.bleed, manifest.print.marks);
        let profile = PrintProfile { bleed: Abs::pt(bleed.points()), marks };
        let standards = cli_standards.unwrap_or(&manifest.pdf.standards).to_vec();
        PdfProfile { print: print.then_some(profile), standards }
    }

    /// The screen edition of `manifest`, meeting its `[pdf] standards`.
    pub fn screen(manifest: &Manifest) -> Self {
        PdfProfile::resolve(manifest, false, None)
    }
}

impl PrintProfile {
    /// The paper beyond the bleed on each side: room for the crop marks, or none.
    pub fn slug(&self) -> Abs {
        match self.marks {
            true => MARK_GAP + MARK_LENGTH + SLUG_MARGIN,
            false => Abs::zero(),
        }
    }
}

/// typst code appended to the style template so that every page is laid out with `bleed`, and
/// the template can read it as `meta.bleed` to run full-bleed pictures into it.
pub fn template_suffix(bleed: Abs) -> String {
    let pt = bleed.to_pt();
    format!(
        "\n// Added by presse for the print edition.\n\
         #let _presse-publication = publication\n\
         #let publication(meta, body) = {{\n  \
         set page(bleed: {pt}pt)\n  \
         _presse-publication(meta + (bleed: {pt}pt), body)\n\
         }}\n"
    )
}

/// The document with a slug around every page's bleed holding crop marks, and the bleed of
/// each page as typst laid it out (for the BleedBox).
pub fn add_marks(
    document: &PagedDocument,
    profile: &PrintProfile,
) -> (PagedDocument, Vec<Sides<Abs>>) {
    let bleeds: Vec<Sides<Abs>> = document.pages().iter().map(|p| p.bleed).collect();
    if !profile.marks {
        return (document.clone(), bleeds);
    }
    let pages: EcoVec<Page> =
        document.pages().iter().map(|page| page_with_marks(page, profile.slug())).collect();
    let info = typst::model::Document::info(document).clone();
    (PagedDocument::new(pages, info), bleeds)
}

/// One page widened by `slug` on every side: whatever overflows the bleed is masked in white,
/// and the crop marks are drawn at the trim's corners.
fn page_with_marks(page: &Page, slug: Abs) -> Page {
    let mut page = page.clone();
    let bleed = page.bleed;
    let size = page.frame.size();
    for (point, rect) in slug_masks(size, bleed, slug) {
        let mask = Geometry::Rect(rect).filled(Color::WHITE);
        page.frame.push(point, FrameItem::Shape(mask, Span::detached()));
    }
    for (start, delta) in crop_marks(size, bleed) {
        let stroke = FixedStroke::from_pair(Color::BLACK, MARK_THICKNESS);
        let line = Geometry::Line(delta).stroked(stroke);
        page.frame.push(start, FrameItem::Shape(line, Span::detached()));
    }
    page.bleed = bleed.map(|side| side + slug);
    page
}

/// The four strips between the bleed's edge and the slug's, as (top-left corner, size) in
/// coordinates of the trimmed page.
fn slug_masks(trim: Size, bleed: Sides<Abs>, slug: Abs) -> [(Point, Size); 4] {
    let outer_left = -bleed.left - slug;
    let outer_top = -bleed.top - slug;
    let outer_width = trim.x + bleed.left + bleed.right + 2.0 * slug;
    let inner_height = trim.y + bleed.top + bleed.bottom;
    [
        (Point::new(outer_left, outer_top), Size::new(outer_width, slug)),
        (Point::new(outer_left, trim.y + bleed.bottom), Size::new(outer_width, slug)),
        (Point::new(outer_left, -bleed.top), Size::new(slug, inner_height)),
        (Point::new(trim.x + bleed.right, -bleed.top), Size::new(slug, inner_height)),
    ]
}

/// Eight crop marks, two per corner, each continuing a trim edge beyond the bleed, as
/// (start, direction and length).
fn crop_marks(trim: Size, bleed: Sides<Abs>) -> Vec<(Point, Point)> {
    let corners = [
        (Abs::zero(), Abs::zero()),
        (trim.x, Abs::zero()),
        (Abs::zero(), trim.y),
        (trim.x, trim.y),
    ];
    let mut marks = Vec::with_capacity(8);
    for (x, y) in corners {
        let (out_x, reach_x) = if x.is_zero() { (-1.0, bleed.left) } else { (1.0, bleed.right) };
        let (out_y, reach_y) = if y.is_zero() { (-1.0, bleed.top) } else { (1.0, bleed.bottom) };
        let start_x = x + out_x * (reach_x + MARK_GAP);
        let start_y = y + out_y * (reach_y + MARK_GAP);
        marks.push((Point::new(start_x, y), Point::new(out_x * MARK_LENGTH, Abs::zero())));
        marks.push((Point::new(x, start_y), Point::new(Abs::zero(), out_y * MARK_LENGTH)));
    }
    marks
}

/// Appends a BleedBox (the TrimBox widened by the page's bleed) to every page of `pdf` that has
/// a TrimBox, as an incremental update: typst's bytes stay as they are, in front.
pub fn add_bleed_boxes(pdf: Vec<u8>, bleeds: &[Sides<Abs>]) -> Result<Vec<u8>, String> {
    let previous = lopdf::Document::load_mem(&pdf).map_err(|e| e.to_string())?;
    let pages: Vec<ObjectId> = previous.get_pages().into_values().collect();
    let mut update = IncrementalDocument::create_from(pdf, previous);
    for (id, bleed) in pages.into_iter().zip(bleeds) {
        set_bleed_box(&mut update, id, bleed).map_err(|e| e.to_string())?;
    }
    let mut out = Vec::new();
    update.save_to(&mut out).map_err(|e| e.to_string())?;
    Ok(out)
}

fn set_bleed_box(
    update: &mut IncrementalDocument,
    id: ObjectId,
    bleed: &Sides<Abs>,
) -> lopdf::Result<()> {
    let trim = update.get_prev_documents().get_dictionary(id)?.get(b"TrimBox");
    let Ok(trim) = trim.and_then(Object::as_array) else {
        return Ok(());
    };
    let trim: Vec<f32> = trim.iter().map(Object::as_float).collect::<lopdf::Result<_>>()?;
    let [left, bottom, right, top] = trim[..] else {
        return Ok(());
    };
    // PDF coordinates grow upwards: the page's top bleed widens the box's upper edge.
    let bleed_box = [
        left - bleed.left.to_pt() as f32,
        bottom - bleed.bottom.to_pt() as f32,
        right + bleed.right.to_pt() as f32,
        top + bleed.top.to_pt() as f32,
    ];
    update.opt_clone_object_to_new_document(id)?;
    let page = update.new_document.get_object_mut(id)?.as_dict_mut()?;
    page.set("BleedBox", bleed_box.iter().map(|v| Object::Real(*v)).collect::<Vec<_>>());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a4() -> Size {
        Size::new(Abs::mm(210.0), Abs::mm(297.0))
    }

    #[test]
    fn crop_marks_stay_outside_the_bleed_and_continue_the_trim_edges() {
        let bleed = Sides::splat(Abs::mm(3.0));
        let marks = crop_marks(a4(), bleed);
        assert_eq!(marks.len(), 8);
        for (start, delta) in marks {
            let end = start + delta;
            for p in [start, end] {
                let outside_x = p.x < -bleed.left || p.x > a4().x + bleed.right;
                let outside_y = p.y < -bleed.top || p.y > a4().y + bleed.bottom;
                assert!(outside_x || outside_y, "a mark point inside the bleed: {p:?}");
            }
            let on_trim_x =
                [Abs::zero(), a4().x].iter().any(|x| (start.x - *x).abs() < Abs::pt(1e-6));
            let on_trim_y =
                [Abs::zero(), a4().y].iter().any(|y| (start.y - *y).abs() < Abs::pt(1e-6));
            assert!(on_trim_x || on_trim_y, "a mark off the trim lines: {start:?}");
        }
    }

    #[test]
    fn slug_masks_cover_the_paper_around_the_bleed() {
        let bleed = Sides::splat(Abs::mm(3.0));
        let slug = Abs::mm(9.0);
        let area: f64 = slug_masks(a4(), bleed, slug)
            .iter()
            .map(|(_, size)| size.x.to_mm() * size.y.to_mm())
            .sum();
        let outer = (210.0 + 24.0) * (297.0 + 24.0);
        let inner = (210.0 + 6.0) * (297.0 + 6.0);
        assert!((area - (outer - inner)).abs() < 1e-6, "{area} != {}", outer - inner);
    }

    #[test]
    fn the_slug_holds_the_marks_and_a_margin() {
        assert!((MARK_GAP.to_mm() - 1.0).abs() < 1e-9);
        assert!((MARK_THICKNESS.to_pt() - 0.25).abs() < 1e-9);
        let print = PrintProfile { bleed: Abs::mm(3.0), marks: true };
        assert!((print.slug().to_mm() - 9.0).abs() < 1e-9);
        assert_eq!(PrintProfile { marks: false, ..print }.slug(), Abs::zero());
    }

    #[test]
    fn print_settings_count_only_with_print_and_the_flag_wins() {
        let text = "title = \"T\"\ndate = \"2011-10-01\"\n[pdf]\nstandards = [\"ua-1\"]\n";
        let manifest = Manifest::parse(text, std::path::Path::new("p.toml")).unwrap();
        let screen = PdfProfile::screen(&manifest);
        assert_eq!(screen, PdfProfile { print: None, standards: vec![PdfStandard::Ua1] });
        let print = PdfProfile::resolve(&manifest, true, Some(&[PdfStandard::A2b]));
        assert_eq!(print.standards, [PdfStandard::A2b]);
        assert_eq!(print.print.unwrap().bleed, Abs::mm(3.0));
        assert!(PdfProfile::resolve(&manifest, false, Some(&[])).standards.is_empty());
    }
}
