//! The style's typefaces in the EPUB: the faces of presse's built-in fonts (OFL) that the
//! stylesheet names, declared with `@font-face` and subset to the characters the book uses.
//!
//! The fonts with TrueType outlines (Montserrat) are subset by skera (fontations' port of
//! HarfBuzz's subsetter), which keeps what a reading system needs: `cmap`, `OS/2`, `name`,
//! `post`, and the kerning and ligatures of `GPOS`/`GSUB`. skera does not subset CFF outlines
//! (Inter, Libertinus Serif): those faces go in whole, as they come. typst's own subsetter
//! (`subsetter`) is not used: it drops `cmap`, `OS/2` and the layout tables, as only a PDF can
//! do without them. The SIL Open Font License lets a font be subset and embedded with a
//! document; each font keeps its copyright and licence in its `name` table.
//!
//! `epub-fonts = false` in a publication's `[options]` leaves the fonts out: the reading
//! system's own fonts are used, as the stylesheet's fallbacks say.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use rayon::prelude::*;
use read_fonts::FontRef;
use read_fonts::collections::IntSet;
use read_fonts::types::{GlyphId, NameId, Tag};
use typst::foundations::Bytes;
use typst::text::{Font, FontStyle};

use crate::styles::Style;

/// A font file of the EPUB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontFile {
    /// Its path inside the EPUB, beside the stylesheet (`fonts/Montserrat-700.ttf`).
    pub href: String,
    /// `font/otf` or `font/ttf`.
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
}

/// The fonts of the book and the `@font-face` rules that declare them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Embedded {
    pub files: Vec<FontFile>,
    /// The `@font-face` rules, to go after the style's own.
    pub css: String,
}

/// One face of a built-in font.
struct Face {
    family: String,
    weight: u16,
    italic: bool,
    data: &'static [u8],
}

/// presse's own fonts (this repository's `fonts/`), as the PDF has them.
const OWN_FONTS: [&[u8]; 13] = [
    include_bytes!("../../fonts/inter/Inter-Bold.otf"),
    include_bytes!("../../fonts/inter/Inter-BoldItalic.otf"),
    include_bytes!("../../fonts/inter/Inter-Italic.otf"),
    include_bytes!("../../fonts/inter/Inter-Medium.otf"),
    include_bytes!("../../fonts/inter/Inter-Regular.otf"),
    include_bytes!("../../fonts/inter/Inter-SemiBold.otf"),
    include_bytes!("../../fonts/montserrat/Montserrat_400Regular.ttf"),
    include_bytes!("../../fonts/montserrat/Montserrat_400Regular_Italic.ttf"),
    include_bytes!("../../fonts/montserrat/Montserrat_500Medium.ttf"),
    include_bytes!("../../fonts/montserrat/Montserrat_600SemiBold.ttf"),
    include_bytes!("../../fonts/montserrat/Montserrat_700Bold.ttf"),
    include_bytes!("../../fonts/montserrat/Montserrat_700Bold_Italic.ttf"),
    include_bytes!("../../fonts/montserrat/Montserrat_800ExtraBold.ttf"),
];

/// The families an EPUB may embed, all under the SIL Open Font License: presse's own, and
/// typst's Libertinus Serif.
const FAMILIES: [&str; 3] = ["Inter", "Montserrat", "Libertinus Serif"];

/// Every face of the embeddable families, read once.
fn faces() -> &'static [Face] {
    static FACES: OnceLock<Vec<Face>> = OnceLock::new();
    FACES.get_or_init(|| {
        let typst_fonts = typst_assets::fonts();
        let mut faces: Vec<Face> = OWN_FONTS
            .into_iter()
            .chain(typst_fonts)
            .filter_map(|data| {
                let font = Font::new(Bytes::new(data), 0)?;
                let info = font.info();
                FAMILIES.contains(&info.family.as_str()).then(|| Face {
                    family: info.family.clone(),
                    weight: info.variant.weight.to_number(),
                    italic: info.variant.style != FontStyle::Normal,
                    data,
                })
            })
            .collect();
        faces.sort_by(|a, b| (&a.family, a.weight, a.italic).cmp(&(&b.family, b.weight, b.italic)));
        faces
    })
}

/// Whether the style's options ask for the fonts in the EPUB (`epub-fonts`, true unless set).
pub fn wanted(style: &Style) -> bool {
    style.options.get("epub-fonts").and_then(toml::Value::as_bool).unwrap_or(true)
}

/// The faces of the style's body and title fonts that its stylesheet names, subset to `text`.
///
/// The body font brings its regular and bold faces, upright and italic; the title font the
/// weights the stylesheet asks for (`font-weight: 600` …), and italics at 400 and 700.
pub fn embed(style: &Style, text: &str) -> Embedded {
    if !wanted(style) {
        return Embedded::default();
    }
    let option = |key: &str| style.options.get(key).and_then(toml::Value::as_str);
    let named = |family: &&str| style.css.contains(family);
    let body = option("body-font").filter(named);
    let title = option("title-font").filter(named);
    let mut weights = css_weights(&style.css);
    weights.extend([400, 700]);
    let chosen: Vec<&Face> = faces()
        .iter()
        .filter(|face| {
            let basic = face.weight == 400 || face.weight == 700;
            let as_body = body == Some(face.family.as_str()) && basic;
            let as_title = title == Some(face.family.as_str())
                && weights.contains(&face.weight)
                && (!face.italic || basic);
            as_body || as_title
        })
        .collect();
    let unicodes = characters(text);
    // The subsets are made side by side; their order stays that of `chosen`.
    let files: Vec<(&Face, Vec<u8>, &str, &'static str)> = chosen
        .into_par_iter()
        .map(|face| {
            let (bytes, extension, media_type) = font_bytes(face, &unicodes);
            (face, bytes, extension, media_type)
        })
        .collect();
    let mut embedded = Embedded::default();
    for (face, bytes, extension, media_type) in files {
        let name: String = face.family.chars().filter(|c| !c.is_whitespace()).collect();
        let italic = if face.italic { "-italic" } else { "" };
        let href = format!("fonts/{name}-{}{italic}.{extension}", face.weight);
        embedded.css.push_str(&format!(
            "@font-face {{\n  font-family: \"{}\";\n  font-weight: {};\n  font-style: {};\n  src: url(\"{href}\");\n}}\n",
            face.family,
            face.weight,
            if face.italic { "italic" } else { "normal" },
        ));
        embedded.files.push(FontFile { href, media_type, bytes });
    }
    if !embedded.css.is_empty() {
        embedded.css.insert_str(
            0,
            "\n/* The style's fonts (SIL Open Font License); the TrueType ones subset to the \
             book's characters. */\n",
        );
    }
    embedded
}

/// A face's bytes, extension and media type: a TrueType face subset to `unicodes` (whole if
/// skera cannot subset it), a CFF one whole.
fn font_bytes(face: &Face, unicodes: &IntSet<u32>) -> (Vec<u8>, &'static str, &'static str) {
    match face.data.get(..4) {
        Some(b"OTTO") => (face.data.to_vec(), "otf", "font/otf"),
        _ => (subset(face.data, unicodes).unwrap_or_else(|| face.data.to_vec()), "ttf", "font/ttf"),
    }
}

/// The numeric font weights a stylesheet asks for.
fn css_weights(css: &str) -> BTreeSet<u16> {
    css.split("font-weight:")
        .skip(1)
        .filter_map(|rest| {
            let value = rest.trim_start();
            let digits: String = value.chars().take_while(char::is_ascii_digit).collect();
            match digits.parse() {
                Ok(weight) => Some(weight),
                Err(_) if value.starts_with("bold") => Some(700),
                Err(_) => None,
            }
        })
        .collect()
}

/// The characters to keep: those of the book's text, and printable ASCII whatever it holds
/// (a reader's notes, a search field).
fn characters(text: &str) -> IntSet<u32> {
    let mut set: IntSet<u32> = text.chars().map(u32::from).collect();
    set.extend(0x20..=0x7e);
    set
}

/// A TrueType face subset to `unicodes` by skera, with HarfBuzz's defaults (layout features
/// kept for every script, names 0 to 6 in English); `None` if skera cannot.
fn subset(data: &[u8], unicodes: &IntSet<u32>) -> Option<Vec<u8>> {
    let font = FontRef::new(data).ok()?;
    let drop_tables: IntSet<Tag> = skera::DEFAULT_DROP_TABLES.iter().copied().collect();
    let mut scripts = IntSet::<Tag>::empty();
    scripts.invert();
    let features: IntSet<Tag> = skera::DEFAULT_LAYOUT_FEATURES.iter().copied().collect();
    let mut name_ids = IntSet::<NameId>::empty();
    name_ids.insert_range(NameId::from(0)..=NameId::from(6));
    // 7 and 13, 14: the trademark, the licence and its address, which the OFL wants kept.
    name_ids.extend([NameId::from(7), NameId::from(13), NameId::from(14)]);
    let mut languages = IntSet::<u16>::empty();
    languages.insert(0x0409);
    let plan = skera::Plan::new(
        &IntSet::<GlyphId>::empty(),
        unicodes,
        &font,
        skera::SubsetFlags::default(),
        &drop_tables,
        &scripts,
        &features,
        &name_ids,
        &languages,
    );
    skera::subset_font(&font, &plan).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use read_fonts::TableProvider;

    fn style(css: &str, options: &str) -> Style {
        Style {
            name: "s".into(),
            template: String::new(),
            origin: "s".into(),
            css: css.into(),
            options: options.parse().unwrap(),
        }
    }

    const CSS: &str = "body { font-family: \"Inter\", sans-serif; }\n\
                       h1 { font-family: Montserrat; font-weight: 800; } b { font-weight: bold; }";
    const OPTIONS: &str = "body-font = \"Inter\"\ntitle-font = \"Montserrat\"\n";

    #[test]
    fn the_body_font_brings_four_faces_and_the_title_font_the_weights_the_css_asks_for() {
        let embedded = embed(&style(CSS, OPTIONS), "Île-de-France");
        let hrefs: Vec<&str> = embedded.files.iter().map(|f| f.href.as_str()).collect();
        let want = [
            "fonts/Inter-400.otf",
            "fonts/Inter-400-italic.otf",
            "fonts/Inter-700.otf",
            "fonts/Inter-700-italic.otf",
            "fonts/Montserrat-400.ttf",
            "fonts/Montserrat-400-italic.ttf",
            "fonts/Montserrat-700.ttf",
            "fonts/Montserrat-700-italic.ttf",
            "fonts/Montserrat-800.ttf",
        ];
        assert_eq!(hrefs, want);
        for file in &embedded.files {
            assert!(embedded.css.contains(&format!("src: url(\"{}\")", file.href)));
            let want = if file.href.ends_with(".otf") { "font/otf" } else { "font/ttf" };
            assert_eq!(file.media_type, want);
        }
        assert!(embedded.css.contains("font-family: \"Montserrat\";\n  font-weight: 800;"));
        assert_eq!(embed(&style(CSS, OPTIONS), "Île-de-France"), embedded, "not deterministic");
    }

    #[test]
    fn a_subset_keeps_the_characters_of_the_book_and_what_a_reading_system_reads() {
        let embedded = embed(&style(CSS, OPTIONS), "Île-de-France «\u{202f}ça\u{202f}»");
        let file = embedded.files.iter().find(|f| f.href == "fonts/Montserrat-800.ttf").unwrap();
        assert!(file.bytes.len() < 60_000, "{} bytes: not subset", file.bytes.len());
        let font = FontRef::new(&file.bytes).unwrap();
        let cmap = font.cmap().unwrap();
        for c in ['Î', 'ç', '«', 'a', 'Z', '~'] {
            assert!(cmap.map_codepoint(c).is_some_and(|g| g.to_u32() != 0), "{c:?} is lost");
        }
        assert!(cmap.map_codepoint('Ж').is_none(), "a character the book lacks is kept");
        assert!(font.os2().is_ok() && font.name().is_ok() && font.post().is_ok());
        assert!(font.gpos().is_ok(), "the kerning is lost");
    }

    #[test]
    fn the_switch_and_a_stylesheet_that_names_no_font_leave_the_fonts_out() {
        let off = format!("{OPTIONS}epub-fonts = false\n");
        assert_eq!(embed(&style(CSS, &off), "a"), Embedded::default());
        assert_eq!(
            embed(&style("body { font-family: serif; }", OPTIONS), "a"),
            Embedded::default()
        );
        let unknown = "body-font = \"Comic\"\ntitle-font = \"Comic\"\n";
        assert_eq!(
            embed(&style("body { font-family: Comic; }", unknown), "a"),
            Embedded::default()
        );
    }

    #[test]
    fn css_weights_are_read_from_the_stylesheet() {
        let weights = css_weights(
            "a { font-weight: 600; } b { font-weight:bold } c { font-weight: normal; }",
        );
        assert_eq!(weights.into_iter().collect::<Vec<_>>(), [600, 700]);
    }
}
