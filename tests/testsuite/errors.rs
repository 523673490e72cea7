//! Bad input gets an error naming file:line:column and a hint, and nothing is written.

use crate::common;

use common::{manifest, project, run_presse};

/// Builds a project and returns presse's exit code and messages.
fn build(files: &[(&str, &[u8])]) -> (i32, String, tempfile::TempDir) {
    let dir = project(files);
    let root = dir.path().to_str().unwrap().to_string();
    let (code, stderr) = run_presse(&["build", "--root", &root]);
    (code, stderr, dir)
}

fn assert_error(files: &[(&str, &[u8])], expected: &str) {
    let (code, stderr, dir) = build(files);
    assert_eq!(code, 1, "exit code; stderr:\n{stderr}");
    assert!(stderr.contains(expected), "expected `{expected}` in:\n{stderr}");
    assert!(stderr.contains("hint:"), "no hint in:\n{stderr}");
    let output = dir.path().join("output/p");
    let written: Vec<_> =
        std::fs::read_dir(&output).map(|d| d.flatten().collect()).unwrap_or_default();
    assert!(written.is_empty(), "a failed build wrote {written:?}");
}

#[test]
fn a_missing_image_names_its_line_and_column() {
    let md = b"# Titre\n\nTexte ![vue](images/absente.png) fin.\n";
    assert_error(
        &[("sources/p/publication.toml", &manifest("")), ("sources/p/a.md", md)],
        "sources/p/a.md:3:7: error: the image `images/absente.png` does not exist",
    );
}

#[test]
fn bad_front_matter_names_its_line() {
    let md = b"---\ntitle: Bon\nauteur: X\n---\n# T\n";
    assert_error(
        &[("sources/p/publication.toml", &manifest("")), ("sources/p/a.md", md)],
        "sources/p/a.md:3:1: error: unknown front matter key `auteur`",
    );
}

#[test]
fn bad_toml_names_its_line() {
    let toml = b"title = \"Essai\ndate = \"2011-10-01\"\n";
    assert_error(
        &[("sources/p/publication.toml", toml), ("sources/p/a.md", b"x\n")],
        "sources/p/publication.toml:1:",
    );
}

#[test]
fn an_unknown_manifest_field_is_an_error() {
    assert_error(
        &[
            ("sources/p/publication.toml", &manifest("auteurs = [\"x\"]\n")),
            ("sources/p/a.md", b"x\n"),
        ],
        "sources/p/publication.toml:4:1: error: unknown field `auteurs`",
    );
}

#[test]
fn an_unknown_style_is_an_error() {
    assert_error(
        &[
            ("sources/p/publication.toml", &manifest("style = \"gazette\"\n")),
            ("sources/p/a.md", b"x\n"),
        ],
        "sources/p/publication.toml:4:1: error: unknown style `gazette`",
    );
}

#[test]
fn a_missing_chapter_in_the_list_is_an_error() {
    assert_error(
        &[
            ("sources/p/publication.toml", &manifest("chapters = [\"absent.md\"]\n")),
            ("sources/p/a.md", b"x\n"),
        ],
        "sources/p/publication.toml:4:13: error: the chapter `absent.md` does not exist",
    );
}

#[test]
fn a_typst_error_in_a_raw_block_points_into_the_markdown() {
    let md = b"# Titre\n\n```{=typst}\n#let x = 1\n  #inconnue(x)\n```\n";
    assert_error(
        &[("sources/p/publication.toml", &manifest("")), ("sources/p/a.md", md)],
        "sources/p/a.md:5:4: error: unknown variable: inconnue",
    );
}

#[test]
fn a_package_import_is_refused_clearly() {
    let md = b"```{=typst}\n#import \"@preview/cetz:0.3.0\": *\n```\n";
    assert_error(
        &[("sources/p/publication.toml", &manifest("")), ("sources/p/a.md", md)],
        "sources/p/a.md:2:",
    );
}

#[test]
fn a_missing_font_family_is_an_error_not_a_fallback() {
    let md = b"```{=typst}\n#set text(font: \"Police Introuvable\")\nTexte.\n```\n";
    assert_error(
        &[("sources/p/publication.toml", &manifest("")), ("sources/p/a.md", md)],
        "sources/p/a.md:2:",
    );
}

#[test]
fn raw_typst_cannot_read_outside_the_project() {
    let md = b"```{=typst}\n#read(\"/../../../../etc/passwd\")\n```\n";
    assert_error(
        &[("sources/p/publication.toml", &manifest("")), ("sources/p/a.md", md)],
        "sources/p/a.md:2:",
    );
}

#[test]
fn a_failed_rebuild_keeps_the_previous_edition() {
    let dir =
        project(&[("sources/p/publication.toml", &manifest("")), ("sources/p/a.md", b"# Bon\n")]);
    let root = dir.path().to_str().unwrap();
    assert_eq!(run_presse(&["build", "--root", root]).0, 0);
    let pdf = dir.path().join("output/p/p.pdf");
    let good = std::fs::read(&pdf).unwrap();
    std::fs::write(dir.path().join("sources/p/a.md"), "![x](absente.png)\n").unwrap();
    assert_eq!(run_presse(&["build", "--root", root]).0, 1);
    assert_eq!(std::fs::read(&pdf).unwrap(), good, "the good edition was touched");
}

#[test]
fn usage_errors_exit_with_2() {
    assert_eq!(run_presse(&["build", "--no-such-flag"]).0, 2);
    assert_eq!(run_presse(&["frobnicate"]).0, 2);
}
