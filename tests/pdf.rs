//! The PDF edition of a real fixture, checked with poppler's tools, byte for byte and by snapshot.

mod common;

use std::path::Path;

use common::{fixture, run_presse, tool};

/// Builds the `basic` fixture into a fresh folder; returns it and the PDF path.
fn build_basic(extra: &[&str]) -> (tempfile::TempDir, std::path::PathBuf) {
    let out = tempfile::tempdir().unwrap();
    let root = fixture("basic");
    let mut args =
        vec!["build", "--root", root.to_str().unwrap(), "--out", out.path().to_str().unwrap()];
    args.extend_from_slice(extra);
    let (code, stderr) = run_presse(&args);
    assert_eq!(code, 0, "{stderr}");
    let pdf = out.path().join("exemple/exemple.pdf");
    (out, pdf)
}

#[test]
fn every_font_is_embedded() {
    let (_out, pdf) = build_basic(&[]);
    let listing = tool("pdffonts", &[pdf.to_str().unwrap()]);
    let rows: Vec<&str> = listing.lines().skip(2).collect();
    assert!(!rows.is_empty(), "no font listed:\n{listing}");
    for row in rows {
        // Columns: name, type, encoding, emb, sub, uni, object, id. Names have no spaces.
        let columns: Vec<&str> = row.split_whitespace().collect();
        let emb = columns[columns.len() - 5];
        assert_eq!(emb, "yes", "font not embedded: {row}");
    }
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
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    assert!(text.contains("Une métropole qui coopère"));
    let bytes = std::fs::read(&pdf).unwrap();
    let raw = String::from_utf8_lossy(&bytes);
    assert!(raw.contains("/Outlines"), "no outline (bookmarks) in the PDF");
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

fn listing(dir: &Path) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(listing(&path));
        } else {
            out.push((path.display().to_string(), entry.metadata().unwrap().len()));
        }
    }
    out.sort();
    out
}
