//! Markdown written for other tools (a VuePress guide, a GitHub README, pandoc metadata) builds
//! first time: their front-matter keys, HTML comments and README files do not fail or clutter
//! a build, and a chapter's `# …` title is its title everywhere.

use crate::common;

use std::io::Read;

use common::{build_ok, manifest, project, run_presse, tool};

const GUIDE: &[u8] = b"---
permalink: /guide/ouverture
sidebar: auto
subtitle: Un guide pratique
---
<!-- Relu le 3 mars. -->

# L'ouverture des donn\xc3\xa9es

Un texte <!-- \xc3\xa0 revoir --> sur les donn\xc3\xa9es publiques.
";

const SECOND: &[u8] = b"---
layout: page
tags: [open data]
---
# La licence

Elle permet la r\xc3\xa9utilisation.
";

fn guide() -> tempfile::TempDir {
    let toml = manifest("");
    project(&[
        ("sources/guide/publication.toml", &toml),
        ("sources/guide/README.md", b"# Guides\n\nCe d\xc3\xa9p\xc3\xb4t contient les guides.\n"),
        ("sources/guide/01-ouverture.md", GUIDE),
        ("sources/guide/02-licence.md", SECOND),
    ])
}

#[test]
fn a_static_site_guide_builds_with_one_note_and_its_titles() {
    let root = guide();
    let (out, stderr) = build_ok(root.path(), &["--verbose"]);
    let notes: Vec<&str> = stderr.lines().filter(|l| l.contains("note:")).collect();
    assert_eq!(notes.len(), 1, "{stderr}");
    assert!(notes[0].contains("ignored: permalink, sidebar, layout, tags"), "{stderr}");
    assert!(notes[0].contains("01-ouverture.md:2:1"), "{stderr}");
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning:")).collect();
    assert_eq!(warnings.len(), 1, "only pandoc's subtitle: {stderr}");
    assert!(warnings[0].contains("01-ouverture.md:4:1"), "{stderr}");
    assert!(stderr.contains("publication.toml: subtitle = \"Un guide pratique\""), "{stderr}");
    assert!(stderr.contains("sources/guide/README.md is not a chapter"), "{stderr}");
    let pdf_text = tool("pdftotext", &[out.path().join("guide/guide.pdf").to_str().unwrap(), "-"]);
    assert!(!pdf_text.contains("Ce dépôt"), "README.md is not printed: {pdf_text}");
    assert!(!pdf_text.contains("Relu"), "comments are not printed: {pdf_text}");
    let nav = epub_file(&out.path().join("guide/guide.epub"), "nav.xhtml");
    assert!(nav.contains("L’ouverture des données") && nav.contains("La licence"), "{nav}");
    assert!(!nav.to_lowercase().contains("readme"), "{nav}");
}

#[test]
fn a_near_miss_of_a_front_matter_key_is_an_error_that_says_the_key_meant() {
    let toml = manifest("");
    let root = project(&[
        ("sources/p/publication.toml", &toml),
        ("sources/p/01.md", b"---\nstandfist: Un chap\xc3\xb4\n---\nTexte.\n"),
    ]);
    let out = tempfile::tempdir().unwrap();
    let (root, out) = (root.path().to_str().unwrap(), out.path().to_str().unwrap());
    let (code, stderr) = run_presse(&["build", "--root", root, "--out", out]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("sources/p/01.md:2:1: error: unknown front matter key `standfist`"));
    assert!(stderr.contains("did you mean `standfirst`?"), "{stderr}");
}

#[test]
fn a_folder_with_only_a_readme_says_how_to_make_it_a_chapter() {
    let toml = manifest("");
    let root = project(&[
        ("sources/p/publication.toml", &toml),
        ("sources/p/README.md", b"# Le guide\n\nTexte.\n"),
    ]);
    let out = tempfile::tempdir().unwrap();
    let (root, out) = (root.path().to_str().unwrap(), out.path().to_str().unwrap());
    let (code, stderr) = run_presse(&["build", "--root", root, "--out", out]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("no chapter found"), "{stderr}");
    assert!(stderr.contains("chapters = [\"README.md\"]"), "{stderr}");
}

/// A file of an EPUB, by the end of its name.
fn epub_file(epub: &std::path::Path, name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(epub).unwrap()).unwrap();
    let file = archive.file_names().find(|f| f.ends_with(name)).unwrap().to_string();
    let mut text = String::new();
    archive.by_name(&file).unwrap().read_to_string(&mut text).unwrap();
    text
}
