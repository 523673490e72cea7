//! The PDF edition of a real fixture, checked with poppler's tools, byte for byte and by snapshot.

use crate::common;

use std::path::Path;

use common::{fixture, tool};

/// Builds the `basic` fixture into a fresh folder; returns it and the PDF path.
fn build_basic(extra: &[&str]) -> (tempfile::TempDir, std::path::PathBuf) {
    let (out, _) = common::build_ok(&fixture("basic"), extra);
    let pdf = out.path().join("exemple/exemple.pdf");
    (out, pdf)
}

#[test]
fn every_font_is_embedded() {
    let (_out, pdf) = build_basic(&[]);
    common::assert_fonts_embedded(&pdf);
}

#[test]
fn metadata_pages_and_boxes_are_right() {
    let (_out, pdf) = build_basic(&[]);
    let info = tool("pdfinfo", &["-box", pdf.to_str().unwrap()]);
    for expected in [
        "Title:           La métropole en questions",
        "Author:          Direction des affaires métropolitaines",
        "Keywords:        métropole, coopération",
        "Creator:         presse",
        "Tagged:          yes",
        "Pages:           4",
        "Page size:       595.276 x 841.89 pts (A4)",
        "MediaBox:            0.00     0.00   595.28   841.89",
        "TrimBox:             0.00     0.00   595.28   841.89",
    ] {
        assert!(info.contains(expected), "missing `{expected}` in:\n{info}");
    }
}

#[test]
fn the_pdf_has_bookmarks_for_the_headings() {
    let (_out, pdf) = build_basic(&[]);
    let document = lopdf::Document::load(&pdf).unwrap();
    let toc = document.get_toc().expect("the PDF has an outline");
    assert!(toc.errors.is_empty(), "{:?}", toc.errors);
    let entries: Vec<(usize, &str)> =
        toc.toc.iter().map(|entry| (entry.level, entry.title.as_str())).collect();
    assert_eq!(
        entries,
        [
            // The first chapter's title, from its front matter, then its own headings.
            (1, "Ouverture"),
            (1, "Une métropole qui coopère"),
            (2, "Les étapes"),
            (1, "Détails"),
            (2, "Chiffres clés")
        ]
    );
    let pages: Vec<usize> = toc.toc.iter().map(|entry| entry.page).collect();
    assert!(pages.windows(2).all(|w| w[0] <= w[1]) && pages[0] >= 1, "{pages:?}");
}

#[test]
fn two_builds_give_the_same_bytes() {
    let (_a, first) = build_basic(&[]);
    let (_b, second) = build_basic(&[]);
    assert!(std::fs::read(&first).unwrap() == std::fs::read(&second).unwrap(), "the PDFs differ");
}

#[test]
fn source_date_epoch_sets_the_dates() {
    let out = tempfile::tempdir().unwrap();
    let root = fixture("basic");
    let status = common::presse()
        .args(["build", "--root", root.to_str().unwrap(), "--out", out.path().to_str().unwrap()])
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .status()
        .unwrap();
    assert!(status.success());
    let info = tool("pdfinfo", &[out.path().join("exemple/exemple.pdf").to_str().unwrap()]);
    assert!(info.contains("CreationDate:    Tue Nov 14 22:13:20 2023 UTC"), "{info}");
}

#[test]
fn the_emitted_typst_matches_its_snapshot() {
    let (out, _pdf) = build_basic(&["--emit", "typst"]);
    let typst = std::fs::read_to_string(out.path().join("exemple/exemple.typ")).unwrap();
    insta::assert_snapshot!("basic_typst", typst);
}

#[test]
fn the_fixture_sources_are_never_written() {
    let before = listing(&fixture("basic"));
    let _ = build_basic(&[]);
    assert_eq!(before, listing(&fixture("basic")));
}

/// Every file and folder under `dir`: its path, its bytes, and when it was last changed.
fn listing(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>, std::time::SystemTime)> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|entry| {
            let entry = entry.unwrap();
            let bytes = if entry.file_type().is_file() {
                std::fs::read(entry.path()).unwrap()
            } else {
                Vec::new()
            };
            (entry.path().to_path_buf(), bytes, entry.metadata().unwrap().modified().unwrap())
        })
        .collect()
}
