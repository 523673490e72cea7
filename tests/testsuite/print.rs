//! The print edition (`--print`): bleed, crop marks and page boxes checked with poppler's
//! `pdfinfo -box` and `pdffonts` on the samples; PDF standards; the preflight's findings.

use crate::common;

use std::path::{Path, PathBuf};

use common::{manifest, project, run_presse, tool};

/// 3 mm in points, as pdfinfo prints them.
const BLEED: f64 = 3.0 / 25.4 * 72.0;
/// A4 in points.
const A4: (f64, f64) = (595.276, 841.89);

/// The boxes of one page: [left, bottom, right, top] in points.
#[derive(Debug, Default)]
struct Boxes {
    media: [f64; 4],
    bleed: [f64; 4],
    trim: [f64; 4],
}

/// The boxes of the first three pages, as `pdfinfo -box` reads them.
fn page_boxes(pdf: &Path) -> Vec<Boxes> {
    let listing = tool("pdfinfo", &["-box", "-f", "1", "-l", "3", pdf.to_str().unwrap()]);
    let mut pages: Vec<Boxes> = Vec::new();
    for line in listing.lines().filter(|l| l.starts_with("Page ")) {
        let mut words = line.split_whitespace().skip(1);
        let page: usize = words.next().unwrap().parse().unwrap();
        let name = words.next().unwrap();
        if !name.ends_with("Box:") {
            continue;
        }
        let numbers: Vec<f64> = words.map(|w| w.parse().unwrap()).collect();
        let values = <[f64; 4]>::try_from(numbers).unwrap();
        if pages.len() < page {
            pages.push(Boxes::default());
        }
        let boxes = &mut pages[page - 1];
        match name {
            "MediaBox:" => boxes.media = values,
            "BleedBox:" => boxes.bleed = values,
            "TrimBox:" => boxes.trim = values,
            _ => {}
        }
    }
    assert_eq!(pages.len(), 3, "pdfinfo listed no three pages:\n{listing}");
    pages
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.02
}

/// Builds `publications` of the repository's samples with `extra` flags; returns the output.
fn build_samples(extra: &[&str]) -> tempfile::TempDir {
    let args = [&["--format", "pdf"], extra].concat();
    let (out, stderr) = common::build_ok(common::repository(), &args);
    assert!(!stderr.contains("warning"), "warnings:\n{stderr}");
    out
}

/// The print edition of a sample: a file name of its own.
fn sample_pdf(out: &Path, name: &str) -> PathBuf {
    out.join(name).join(format!("{name}-print.pdf"))
}

#[test]
fn the_samples_print_with_bleed_marks_and_page_boxes_byte_for_byte() {
    let out = build_samples(&["--print"]);
    for name in ["cahiers", "lettre"] {
        let pdf = sample_pdf(out.path(), name);
        common::assert_fonts_embedded(&pdf);
        for (index, page) in page_boxes(&pdf).iter().enumerate() {
            let [tl, tb, tr, tt] = page.trim;
            assert!(close(tr - tl, A4.0) && close(tt - tb, A4.1), "{name} p{index}: {page:?}");
            let widened = [tl - BLEED, tb - BLEED, tr + BLEED, tt + BLEED];
            for (bleed, expected) in page.bleed.iter().zip(widened) {
                assert!(close(*bleed, expected), "{name} p{index}: BleedBox {page:?}");
            }
            let [ml, mb, mr, mt] = page.media;
            let [bl, bb, br, bt] = page.bleed;
            // Room for the crop marks beyond the bleed, on every side.
            assert!(ml < bl - 20.0 && mb < bb - 20.0, "{name} p{index}: {page:?}");
            assert!(mr > br + 20.0 && mt > bt + 20.0, "{name} p{index}: {page:?}");
        }
    }
    let first = std::fs::read(sample_pdf(out.path(), "lettre")).unwrap();
    let again = build_samples(&["--print", "lettre"]);
    let second = std::fs::read(sample_pdf(again.path(), "lettre")).unwrap();
    assert!(first == second, "two print builds of lettre differ");
}

#[test]
fn the_screen_edition_has_no_bleed_and_no_marks() {
    let root = common::fixture("basic");
    let out = tempfile::tempdir().unwrap();
    let args = ["build", "--format", "pdf", "--root", root.to_str().unwrap()];
    let (code, stderr) =
        run_presse(&[&args[..], &["--out", out.path().to_str().unwrap()]].concat());
    assert_eq!(code, 0, "{stderr}");
    let pdf = out.path().join("exemple/exemple.pdf");
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(!contains(&bytes, b"/BleedBox"), "the screen edition has a BleedBox");
    for page in page_boxes(&pdf) {
        assert_eq!(page.media, page.trim, "{page:?}");
        assert_eq!(page.media, page.bleed, "{page:?}");
        assert!(close(page.media[2], A4.0) && close(page.media[3], A4.1), "{page:?}");
    }
}

#[test]
fn the_print_edition_has_a_name_of_its_own_beside_the_screen_one_and_a_preflight_line() {
    let dir = one_chapter("", "# Essai\n\nUn paragraphe.\n");
    let (code, said) = build_essai(dir.path(), &[]);
    assert_eq!(code, 0, "{said}");
    assert!(!said.contains("preflight"), "a screen build says nothing of the preflight: {said}");
    let (code, said) = build_essai(dir.path(), &["--print"]);
    assert_eq!(code, 0, "{said}");
    let out = dir.path().join("output/essai");
    let (screen, print) = (out.join("essai.pdf"), out.join("essai-print.pdf"));
    assert!(screen.is_file() && print.is_file(), "both PDFs are kept: {said}");
    assert!(contains(&std::fs::read(&print).unwrap(), b"/BleedBox"), "the print one has boxes");
    assert!(!contains(&std::fs::read(&screen).unwrap(), b"/BleedBox"), "the screen one has none");
    let wrote = said.lines().find(|l| l.starts_with("wrote ")).expect(&said);
    assert!(wrote.contains("essai-print.pdf (print PDF, "), "{wrote}");
    assert!(said.contains("\nprint edition: preflight clean\n"), "{said}");
    let dir = one_chapter("", FIGURE);
    let (_, said) = build_essai(dir.path(), &["--print"]);
    assert!(said.contains("print edition: preflight found 1 warning (above)"), "{said}");
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A small PNG of `width` × `height` pixels, with no resolution recorded (so 72 ppi).
fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, 128])
    });
    let mut bytes = std::io::Cursor::new(Vec::new());
    image.write_to(&mut bytes, image::ImageFormat::Png).unwrap();
    bytes.into_inner()
}

/// A one-chapter project; returns it and its output folder's PDF path.
fn one_chapter(extra_manifest: &str, chapter: &str) -> tempfile::TempDir {
    project(&[
        ("sources/essai/publication.toml", &manifest(extra_manifest)),
        ("sources/essai/01-texte.md", chapter.as_bytes()),
        ("sources/essai/images/petite.png", &png(240, 120)),
    ])
}

/// Builds the PDF of `essai` with `extra` flags; returns (exit code, stderr).
fn build_essai(dir: &Path, extra: &[&str]) -> (i32, String) {
    let mut args = vec!["build", "--format", "pdf", "--root", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    run_presse(&args)
}

const FIGURE: &str = "# Essai\n\nUn paragraphe.\n\n![Une petite image](images/petite.png)\n";

#[test]
fn a_low_resolution_picture_warns_with_its_line_and_its_ppi_and_fails_under_strict() {
    let dir = one_chapter("", FIGURE);
    let (code, stderr) = build_essai(dir.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let line = stderr.lines().find(|l| l.contains("ppi")).unwrap_or_else(|| panic!("{stderr}"));
    assert!(line.contains("01-texte.md:5:1: warning:"), "{line}");
    assert!(line.contains("240 × 120 px is printed at 72 ppi"), "{line}");
    std::fs::remove_dir_all(dir.path().join("output")).unwrap();
    let (code, stderr) = build_essai(dir.path(), &["--strict"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("01-texte.md:5:1: error:") && stderr.contains("ppi"), "{stderr}");
    assert!(!dir.path().join("output/essai/essai.pdf").exists(), "a PDF was written");
}

#[test]
fn text_at_the_trim_and_an_odd_page_count_warn() {
    let chapter = "# Essai\n\nUn paragraphe.\n\n```{=typst}\n\
                   #context place(top + left, dx: 1mm - here().position().x, [Au bord])\n```\n";
    let dir = one_chapter("[print]\npages_multiple_of = 4\n", chapter);
    let (code, stderr) = build_essai(dir.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let margin =
        stderr.lines().find(|l| l.contains("“Au bord”")).unwrap_or_else(|| panic!("{stderr}"));
    assert!(margin.contains("01-texte.md:6:") && margin.contains("safety margin"), "{margin}");
    let pages = stderr.lines().find(|l| l.contains("not a multiple of 4")).expect(&stderr);
    assert!(
        pages.contains("publication.toml:5:1: warning: the publication has 3 pages"),
        "{pages}"
    );
}

#[test]
fn by_default_a_picture_without_alt_text_fails_naming_its_line_the_fix_and_the_way_out() {
    let chapter = "# Essai\n\nUn paragraphe.\n\n![](images/petite.png)\n";
    let dir = one_chapter("", chapter);
    let (code, stderr) = build_essai(dir.path(), &[]);
    assert_eq!(code, 1, "{stderr}");
    let line =
        stderr.lines().find(|l| l.contains("PDF/UA-1")).unwrap_or_else(|| panic!("{stderr}"));
    assert!(line.contains("01-texte.md:5:1: error:") && line.contains("alt"), "{line}");
    assert!(stderr.contains("![What the picture shows]"), "no fix in:\n{stderr}");
    assert!(stderr.contains("--pdf-standard none"), "no way out in:\n{stderr}");
    let (code, stderr) = build_essai(dir.path(), &["--pdf-standard", "none"]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn the_old_print_standard_key_points_to_the_pdf_table() {
    let dir = one_chapter("[print]\nstandard = \"pdf/a-2b\"\n", FIGURE);
    let (code, stderr) = build_essai(dir.path(), &["--print"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("publication.toml:5:1: error:"), "{stderr}");
    assert!(stderr.contains("[pdf] standards") && stderr.contains("hint:"), "{stderr}");
}

#[test]
fn a_pdf_a_2b_print_edition_builds_with_its_boxes() {
    let dir = one_chapter("[pdf]\nstandards = [\"a-2b\"]\n", FIGURE);
    let (code, stderr) = build_essai(dir.path(), &["--print"]);
    assert_eq!(code, 0, "{stderr}");
    let pdf = dir.path().join("output/essai/essai-print.pdf");
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(contains(&bytes, b"<pdfaid:part>2</pdfaid:part>"), "no PDF/A identification");
    assert!(contains(&bytes, b"/BleedBox"), "no BleedBox");
    for page in page_boxes(&pdf) {
        assert!(close(page.bleed[0], page.trim[0] - BLEED), "{page:?}");
        assert!(page.media[0] < page.bleed[0], "{page:?}");
    }
}

#[test]
fn pdf_a_2b_refuses_a_cmyk_colour_naming_its_line() {
    let chapter = "# Essai\n\n```{=typst}\n#text(fill: cmyk(0%, 100%, 100%, 0%))[Rouge]\n```\n";
    let dir = one_chapter("", chapter);
    let (code, stderr) = build_essai(dir.path(), &["--pdf-standard", "a-2b"]);
    assert_eq!(code, 1, "{stderr}");
    let line =
        stderr.lines().find(|l| l.contains("PDF/A-2b")).unwrap_or_else(|| panic!("{stderr}"));
    assert!(line.contains("01-texte.md:4:") && line.contains("CMYK"), "{line}");
}
