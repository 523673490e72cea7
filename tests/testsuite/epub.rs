//! The EPUB edition end to end: fixture trees built, then checked by EPUBCheck and Ace by DAISY.
//!
//! The validators come from `scripts/install-validators`; without them these tests fail.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::common;

use common::validators::{assert_ace_clean, assert_epubcheck_clean, violations};
use presse::diag::{Diagnostics, Warned};
use presse::epub::{EpubOptions, epub};

const FIXTURE: &str = "tests/fixtures/epub-basic";

/// Builds the `exemple` publication of a project root: the EPUB and the findings.
fn build(root: &Path, options: &EpubOptions) -> (Option<Vec<u8>>, Diagnostics) {
    let Warned { output: publication, findings: mut diagnostics } =
        presse::build::prepare(root, "exemple")
            .unwrap_or_else(|found| panic!("the fixture does not load: {found:?}"));
    let style = presse::styles::resolve(root, &publication).expect("the fixture's style");
    match epub(&publication, root, &style, options) {
        Ok(made) => {
            diagnostics.extend(made.findings);
            (Some(made.output), diagnostics)
        }
        Err(found) => {
            diagnostics.extend(found);
            (None, diagnostics)
        }
    }
}

fn build_ok(root: &Path) -> Vec<u8> {
    let (bytes, diagnostics) = build(root, &EpubOptions::default());
    bytes.unwrap_or_else(|| panic!("no EPUB: {diagnostics:?}"))
}

fn write_temp(bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("exemple.epub");
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

/// The fixture copied to a temporary root, with its manifest changed by `edit`.
fn fixture_variant(edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_tree(Path::new(FIXTURE), dir.path());
    let manifest = dir.path().join("sources/exemple/publication.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, edit(&text)).unwrap();
    dir
}

#[test]
fn the_fixture_passes_epubcheck_without_errors_or_warnings() {
    let (_dir, path) = write_temp(&build_ok(Path::new(FIXTURE)));
    assert_epubcheck_clean(&path);
}

#[test]
fn the_fixture_passes_ace_without_violations() {
    let (_dir, path) = write_temp(&build_ok(Path::new(FIXTURE)));
    assert_ace_clean(&path);
}

#[test]
fn without_a_cover_the_title_page_passes_both_validators() {
    let root = fixture_variant(|text| text.replace("cover = \"images/couverture.png\"\n", ""));
    let (_dir, path) = write_temp(&build_ok(root.path()));
    assert_epubcheck_clean(&path);
    assert_ace_clean(&path);
}

/// Ids and file names are made as GitHub makes them, a leading digit kept: the link written
/// `03-annexes.md#2011-en-chiffres` finds `## 2011 en chiffres` (EPUBCheck and Ace take them).
#[test]
fn anchors_and_file_names_keep_a_leading_digit() {
    let (_dir, path) = write_temp(&build_ok(Path::new(FIXTURE)));
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    let mut read = |name: &str| {
        let mut text = String::new();
        archive.by_name(name).unwrap().read_to_string(&mut text).unwrap();
        text
    };
    let annexes = read("OEBPS/ch03-03-annexes.xhtml");
    assert!(annexes.contains("<h2 id=\"2011-en-chiffres\">"), "{annexes}");
    assert!(annexes.contains("href=\"#2011-en-chiffres\""), "{annexes}");
    let opening = read("OEBPS/ch01-01-ouverture.xhtml");
    assert!(opening.contains("href=\"ch03-03-annexes.xhtml#2011-en-chiffres\""), "{opening}");
    assert!(!opening.contains("\"s-") && !opening.contains("#s-"), "{opening}");
}

#[test]
fn two_builds_are_byte_identical() {
    let cache = tempfile::tempdir().unwrap();
    let options =
        EpubOptions { cache_dir: Some(cache.path().to_path_buf()), ..EpubOptions::default() };
    let first = build(Path::new(FIXTURE), &options).0.expect("an EPUB");
    let second = build(Path::new(FIXTURE), &options).0.expect("an EPUB from the cache");
    assert_eq!(first, second);
    assert_eq!(first, build_ok(Path::new(FIXTURE)), "the cache changes nothing");
    assert!(std::fs::read_dir(cache.path()).unwrap().count() >= 2, "converted images are cached");
}

#[test]
fn raw_html_dropped_parts_are_warnings_naming_file_and_line() {
    let (_, diagnostics) = build(Path::new(FIXTURE), &EpubOptions::default());
    let found: Vec<String> = diagnostics.iter().map(|d| d.to_string()).collect();
    let onclick =
        found.iter().find(|d| d.contains("onclick")).unwrap_or_else(|| panic!("{found:#?}"));
    assert!(onclick.starts_with("sources/exemple/01-ouverture.md:27:1: warning"), "{onclick}");
    assert!(
        found
            .iter()
            .any(|d| d.starts_with("sources/exemple/03-annexes.md:9:") && d.contains("<script>")),
        "{found:#?}"
    );
}

#[test]
fn ace_failures_are_read_from_its_report() {
    let report = r#"{"earl:result": {"earl:outcome": "fail"}, "assertions": [{
        "earl:testSubject": {"url": "ch01.xhtml"},
        "assertions": [{"earl:result": {"earl:outcome": "fail"},
                        "earl:test": {"dct:title": "image-alt", "dct:description": "Images need alt"}}]}]}"#;
    assert_eq!(violations(report), ["image-alt (ch01.xhtml): Images need alt"]);
    assert!(
        violations(r#"{"earl:result": {"earl:outcome": "pass"}, "assertions": []}"#).is_empty()
    );
}

#[test]
fn a_hostile_svg_leaves_nothing_active_in_the_epub_and_a_warning_at_its_line() {
    let (out, stderr) = common::build_ok(&common::fixture("hostile-svg"), &[]);
    let warning = stderr.lines().find(|l| l.contains("e-readers refuse")).expect(&stderr);
    assert!(warning.contains("sources/p/01-plan.md:5:1"), "{warning}");
    for what in ["a script", "onclick", "javascript:alert(2)", "photo.png", "stylesheet import"] {
        assert!(warning.contains(what), "{what} not named: {warning}");
    }
    let epub = out.path().join("p/p.epub");
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&epub).unwrap()).unwrap();
    let name = archive.file_names().find(|n| n.ends_with(".svg")).unwrap().to_string();
    let mut svg = String::new();
    archive.by_name(&name).unwrap().read_to_string(&mut svg).unwrap();
    let lower = svg.to_ascii_lowercase();
    for active in
        ["<script", "onload", "onclick", "onmouseover", "javascript:", "photo.png", "@import"]
    {
        assert!(!lower.contains(active), "{active} left in the EPUB:\n{svg}");
    }
    assert!(svg.contains("<rect") && svg.contains("href=\"https://www.paris.fr\""), "{svg}");
    assert_epubcheck_clean(&epub);
    assert_ace_clean(&epub);
}

#[test]
fn an_svg_linking_a_missing_file_fails_the_pdf_naming_the_svg_and_what_to_do() {
    let root = tempfile::tempdir().unwrap();
    common::copy_tree(&common::fixture("hostile-svg"), root.path());
    std::fs::remove_file(root.path().join("sources/p/images/photo.png")).unwrap();
    let out = root.path().join("output");
    let args = ["build", "--root", root.path().to_str().unwrap(), "--format", "pdf"];
    let (code, stderr) = common::run_presse(&args);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("sources/p/images/plan.svg"), "{stderr}");
    assert!(stderr.contains("make the SVG stand alone"), "{stderr}");
    assert!(!stderr.contains("please report it"), "{stderr}");
    assert!(!out.join("p/p.pdf").exists());
}

/// The cahiers and newsletter styles put their OFL fonts in the EPUB, declared in the package
/// with their media types; both validators take them, two builds give the same bytes, and
/// `epub-fonts = false` leaves them out.
#[test]
fn the_style_fonts_are_embedded_valid_and_can_be_left_out() {
    for (style, fonts) in [
        ("cahiers", ["LibertinusSerif-400.otf", "Montserrat-800.ttf"]),
        ("newsletter", ["Inter-400.otf", "Montserrat-700.ttf"]),
    ] {
        let root = fixture_variant(|text| {
            text.replace("style = \"default\"", &format!("style = \"{style}\""))
        });
        let bytes = build_ok(root.path());
        assert_eq!(bytes, build_ok(root.path()), "{style}: two builds differ");
        let (_dir, path) = write_temp(&bytes);
        let mut archive = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
        let mut read = |name: &str| {
            let mut text = String::new();
            archive.by_name(name).unwrap().read_to_string(&mut text).unwrap();
            text
        };
        let (package, css) = (read("OEBPS/content.opf"), read("OEBPS/stylesheet.css"));
        for font in fonts {
            let media = if font.ends_with(".otf") { "font/otf" } else { "font/ttf" };
            let item =
                format!("media-type=\"{media}\" id=\"id_fonts_{font}\" href=\"fonts/{font}\"");
            assert!(package.contains(&item), "{style}: {font} is not declared:\n{package}");
            assert!(css.contains(&format!("src: url(\"fonts/{font}\")")), "{style}: {css}");
        }
        let subset = archive.by_name("OEBPS/fonts/Montserrat-700.ttf").unwrap().size();
        assert!(subset < 80_000, "{style}: Montserrat is not subset ({subset} bytes)");
        assert_epubcheck_clean(&path);
        assert_ace_clean(&path);
        let off = fixture_variant(|text| {
            text.replace("style = \"default\"", &format!("style = \"{style}\""))
                + "\n[options]\nepub-fonts = false\n"
        });
        let (_dir, path) = write_temp(&build_ok(off.path()));
        let archive = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
        assert!(
            !archive.file_names().any(|name| name.contains("fonts/")),
            "{style}: fonts left in"
        );
    }
}
