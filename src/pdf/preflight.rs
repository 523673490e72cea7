//! Preflight: what a printer checks before accepting a PDF, run on every build — fonts
//! embedded, pictures' resolution and colour space, text too near the trim, the page count.
//!
//! Findings are warnings (errors under `--strict`), except a font left out of the PDF, which
//! no printer accepts. Each names the Markdown file and line of what it is about.

use std::path::Path;

use lopdf::{Dictionary, Object};
use typst::layout::{Abs, Frame, FrameItem, Point, Rect, Size, Transform};
use typst::text::TextItem;
use typst::visualize::{Image, ImageKind};

use crate::diag::{Diagnostic, Diagnostics, Pos, Severity};
use crate::model::Publication;
use crate::pdf::Typeset;

/// The resolution under which a picture prints soft.
const MIN_PPI: f64 = 300.0;

/// The checks of the PDF file itself: every font embedded.
pub fn check_pdf(pdf: &[u8], publication: &Publication) -> Diagnostics {
    fonts_embedded(pdf, &publication.dir.join("publication.toml"))
}

/// The checks of the laid-out pages: pictures, the safety margin, the page count. They need no
/// PDF, so they can run while it is made.
pub fn check_pages(typeset: &Typeset, publication: &Publication, strict: bool) -> Diagnostics {
    let severity = if strict { Severity::Error } else { Severity::Warning };
    let manifest = publication.dir.join("publication.toml");
    let mut diagnostics = Diagnostics::default();
    let margin = Abs::pt(publication.manifest.print.safety_margin.points());
    let mut pages = PageCheck { typeset, margin, severity, trim: Size::zero(), found: Vec::new() };
    for page in typeset.document.pages() {
        pages.trim = page.frame.size();
        pages.frame(&page.frame, Transform::identity());
    }
    diagnostics.extend(pages.found);
    let count = typeset.document.pages().len();
    if let Some(multiple) = publication.manifest.print.pages_multiple_of
        && !count.is_multiple_of(multiple as usize)
    {
        let at = publication.manifest.key_pos("pages_multiple_of");
        let pages = if count == 1 { "1 page".to_string() } else { format!("{count} pages") };
        let message = format!("the publication has {pages}, not a multiple of {multiple}");
        let (extra, short) =
            (count % multiple as usize, multiple as usize - count % multiple as usize);
        let hint = format!(
            "add {short} page(s) or remove {extra}, or drop `pages_multiple_of` from [print]"
        );
        diagnostics.push(finding(severity, &manifest, at, message, hint, "preflight-pages"));
    }
    diagnostics
}

/// A finding with a severity chosen by `--strict`.
fn finding(
    severity: Severity,
    file: &Path,
    pos: Pos,
    message: String,
    hint: String,
    code: &'static str,
) -> Diagnostic {
    Diagnostic::new(severity, file, pos, message).with_hint(hint).with_code(code)
}

/// Reports every font of the PDF that does not carry its font file.
fn fonts_embedded(pdf: &[u8], manifest: &Path) -> Diagnostics {
    let missing = match unembedded_fonts(pdf) {
        Ok(missing) => missing,
        Err(error) => vec![format!("(the PDF could not be read: {error})")],
    };
    let finding = |name: String| {
        Diagnostic::error(manifest, Pos::default(), format!("the font {name} is not embedded"))
            .with_hint("a printer needs every font in the PDF; please report it")
            .with_code("preflight-font")
    };
    missing.into_iter().map(finding).collect()
}

/// The names of the PDF's fonts whose descriptor has no FontFile, FontFile2 or FontFile3.
pub fn unembedded_fonts(pdf: &[u8]) -> Result<Vec<String>, String> {
    let options = lopdf::LoadOptions::with_filter(keep_fonts);
    let document =
        lopdf::Document::load_mem_with_options(pdf, options).map_err(|e| e.to_string())?;
    let mut missing = Vec::new();
    for object in document.objects.values() {
        let Ok(font) = object.as_dict() else { continue };
        if !is_font_with_outlines(font) {
            continue;
        }
        let descriptor = font.get(b"FontDescriptor").ok().and_then(|d| match d {
            Object::Reference(id) => document.get_dictionary(*id).ok(),
            Object::Dictionary(d) => Some(d),
            _ => None,
        });
        let embedded = descriptor.is_some_and(|d| {
            [&b"FontFile"[..], b"FontFile2", b"FontFile3"].iter().any(|key| d.has(key))
        });
        if !embedded {
            let name = font.get(b"BaseFont").and_then(Object::as_name).unwrap_or(b"(unnamed)");
            missing.push(String::from_utf8_lossy(name).into_owned());
        }
    }
    missing.sort();
    missing.dedup();
    Ok(missing)
}

/// Keeps, of the PDF's objects, only fonts, font descriptors and the object streams that may
/// hold them: the thousands of others (the structure tree's, the pages') are parsed but not
/// stored. lopdf keeps the object itself, or for objects of an object stream the one returned,
/// so both are the same.
fn keep_fonts(id: lopdf::ObjectId, object: &mut Object) -> Option<(lopdf::ObjectId, Object)> {
    let dict = match object {
        Object::Dictionary(dict) => dict,
        Object::Stream(stream) => &stream.dict,
        _ => return None,
    };
    let kind = dict.get(b"Type").and_then(Object::as_name).ok()?;
    matches!(kind, b"Font" | b"FontDescriptor" | b"ObjStm").then(|| (id, object.clone()))
}

/// A font dictionary whose glyphs come from a font file: every font but composite (Type0)
/// fonts, whose descendants are checked instead, and Type3 fonts, drawn in the PDF itself.
fn is_font_with_outlines(dict: &Dictionary) -> bool {
    let is = |key: &[u8], value: &[u8]| dict.get(key).and_then(Object::as_name).ok() == Some(value);
    is(b"Type", b"Font") && !is(b"Subtype", b"Type0") && !is(b"Subtype", b"Type3")
}

/// The walk over the laid-out pages.
struct PageCheck<'a> {
    typeset: &'a Typeset,
    margin: Abs,
    severity: Severity,
    /// The trimmed page being walked.
    trim: Size,
    found: Vec<Diagnostic>,
}

impl PageCheck<'_> {
    fn frame(&mut self, frame: &Frame, ts: Transform) {
        for (point, item) in frame.items() {
            let ts = ts.pre_concat(Transform::translate(point.x, point.y));
            match item {
                FrameItem::Group(group) => self.frame(&group.frame, ts.pre_concat(group.transform)),
                FrameItem::Text(text) => self.text(text, ts),
                FrameItem::Image(image, size, span) => {
                    if let Some((file, pos)) = self.typeset.locate(*span) {
                        self.image(image, *size, ts, &file, pos);
                    }
                }
                _ => {}
            }
        }
    }

    /// Text closer to the trim than the safety margin.
    fn text(&mut self, text: &TextItem, ts: Transform) {
        // The glyphs' own bounding box reads every outline: first a box sure to hold them
        // (an em around the advances), which clears almost every line at once.
        let em = text.size;
        let roomy = Rect::new(Point::new(-em, -em * 2.0), Point::new(text.width() + em, em));
        if self.too_near(bounds(roomy, ts), false).is_none() {
            return;
        }
        let bbox = bounds(text.bbox(), ts);
        let Some(distance) = self.too_near(bbox, false) else { return };
        let Some(span) = text.glyphs.first().map(|g| g.span.0) else { return };
        let Some((file, pos)) = self.typeset.locate(span) else { return };
        let words: String = text.text.chars().take(40).collect();
        let message = format!(
            "the text “{}” comes {:.1} mm from the trim, inside the {:.1} mm safety margin",
            words.trim(),
            distance.to_mm(),
            self.margin.to_mm()
        );
        let hint = "move it inward: the trim may cut it (the margin is [print] safety_margin)";
        self.push(&file, pos, message, hint.into(), "preflight-margin");
    }

    fn image(&mut self, image: &Image, size: Size, ts: Transform, file: &Path, pos: Pos) {
        let bbox = bounds(Rect::new(Point::zero(), size.to_point()), ts);
        if let Some(distance) = self.too_near(bbox, true) {
            let message = format!(
                "a picture stops {:.1} mm from the trim, inside the {:.1} mm safety margin",
                distance.to_mm(),
                self.margin.to_mm()
            );
            let hint = "move it inward, or let it run into the bleed beyond the trim";
            self.push(file, pos, message, hint.into(), "preflight-margin");
        }
        let ImageKind::Raster(raster) = image.kind() else { return };
        let placed = bbox.size();
        let ppi = (raster.width() as f64 / placed.x.to_inches())
            .min(raster.height() as f64 / placed.y.to_inches());
        if ppi < MIN_PPI {
            let message = format!(
                "a picture of {} × {} px is printed at {:.0} ppi ({:.0} × {:.0} mm), under {MIN_PPI} ppi",
                raster.width(),
                raster.height(),
                ppi,
                placed.x.to_mm(),
                placed.y.to_mm()
            );
            let hint = format!(
                "use a larger picture, or print it at most {:.0} mm wide",
                raster.width() as f64 / MIN_PPI * 25.4
            );
            self.push(file, pos, message, hint, "preflight-ppi");
        }
        if is_cmyk(raster) {
            let message = "a picture is in CMYK, while the rest of the PDF is RGB".to_string();
            let hint = "convert it to sRGB, or ask the printer which profile it was separated for";
            self.push(file, pos, message, hint.into(), "preflight-colour");
        }
    }

    /// How near the trim a box comes, when nearer than the margin. A picture that reaches the
    /// trim on a side runs into the bleed on purpose, so only one stopping short of it counts.
    fn too_near(&self, bbox: Rect, may_bleed: bool) -> Option<Abs> {
        let gaps = [bbox.min.x, bbox.min.y, self.trim.x - bbox.max.x, self.trim.y - bbox.max.y];
        let tolerance = Abs::pt(0.01);
        gaps.into_iter()
            .filter(|gap| !(may_bleed && *gap <= tolerance))
            .filter(|gap| *gap < self.margin - tolerance)
            .min_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal))
            .map(|gap| gap.max(Abs::zero()))
    }

    /// Adds a finding, once per place and kind.
    fn push(&mut self, file: &Path, pos: Pos, message: String, hint: String, code: &'static str) {
        let seen = |d: &Diagnostic| d.file == file && d.pos == pos && d.code == code;
        if !self.found.iter().any(seen) {
            self.found.push(finding(self.severity, file, pos, message, hint, code));
        }
    }
}

/// The axis-aligned box around a rectangle once transformed.
fn bounds(rect: Rect, ts: Transform) -> Rect {
    let corners = [
        rect.min,
        Point::new(rect.max.x, rect.min.y),
        Point::new(rect.min.x, rect.max.y),
        rect.max,
    ]
    .map(|p| p.transform(ts));
    let min = corners.iter().fold(corners[0], |a, b| a.min(*b));
    let max = corners.iter().fold(corners[0], |a, b| a.max(*b));
    Rect::new(min, max)
}

/// Whether a raster picture's pixels are CMYK: a four-component JPEG, or a CMYK ICC profile.
fn is_cmyk(raster: &typst::visualize::RasterImage) -> bool {
    let icc_is_cmyk = raster.icc().is_some_and(|icc| icc.get(16..20) == Some(b"CMYK"));
    icc_is_cmyk || jpeg_components(raster.data()) == Some(4)
}

/// The number of colour components a JPEG declares in its frame header.
fn jpeg_components(data: &[u8]) -> Option<u8> {
    if !data.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut at = 2;
    while at + 4 <= data.len() {
        if data[at] != 0xFF {
            return None;
        }
        let marker = data[at + 1];
        let length = u16::from_be_bytes([data[at + 2], data[at + 3]]) as usize;
        // Start-of-frame markers: C0–CF, except DHT (C4), JPG (C8) and DAC (CC).
        if (0xC0..=0xCF).contains(&marker) && ![0xC4, 0xC8, 0xCC].contains(&marker) {
            return data.get(at + 9).copied();
        }
        at += 2 + length;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jpeg_frame_header_gives_its_components() {
        // SOI, an APP0 segment of 4 bytes, then SOF0 with 4 components.
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00];
        jpeg.extend([0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x10, 0x00, 0x10, 0x04]);
        assert_eq!(jpeg_components(&jpeg), Some(4));
        assert_eq!(jpeg_components(b"\x89PNG"), None);
    }

    #[test]
    fn a_font_without_its_file_is_found_among_embedded_ones() {
        use lopdf::{Document, Object, Stream, dictionary};
        let mut pdf = Document::with_version("1.7");
        let file = pdf.add_object(Stream::new(dictionary! {}, b"font".to_vec()));
        let with_file =
            pdf.add_object(dictionary! { "Type" => "FontDescriptor", "FontFile2" => file });
        let without = pdf.add_object(dictionary! { "Type" => "FontDescriptor" });
        let font = |name: &str, descriptor| {
            let name = Object::Name(name.into());
            dictionary! { "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => name, "FontDescriptor" => descriptor }
        };
        let fonts = [font("Kept", with_file), font("Left-Out", without)].map(|f| pdf.add_object(f));
        let fonts = dictionary! { "F1" => fonts[0], "F2" => fonts[1] };
        let page = pdf.add_object(
            dictionary! { "Type" => "Page", "Resources" => dictionary! { "Font" => fonts } },
        );
        let pages = pdf.add_object(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        );
        let catalog = pdf.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
        pdf.trailer.set("Root", catalog);
        let mut bytes = Vec::new();
        pdf.save_to(&mut bytes).unwrap();
        assert_eq!(unembedded_fonts(&bytes).unwrap(), ["Left-Out"]);
    }

    #[test]
    fn a_box_rotated_a_quarter_turn_swaps_its_sides() {
        let rect = Rect::new(Point::zero(), Point::new(Abs::pt(20.0), Abs::pt(10.0)));
        let ts = Transform::rotate(typst::layout::Angle::deg(90.0));
        let size = bounds(rect, ts).size();
        assert!((size.x - Abs::pt(10.0)).abs() < Abs::pt(1e-6), "{size:?}");
        assert!((size.y - Abs::pt(20.0)).abs() < Abs::pt(1e-6), "{size:?}");
    }
}
