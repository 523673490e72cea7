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

/// Builds a publication `p` of one file (besides its manifest), which must fail; gives what
/// presse said.
fn failed_build(file: &str, markdown: &[u8]) -> String {
    let toml = manifest("");
    let root = project(&[("sources/p/publication.toml", &toml), (file, markdown)]);
    let out = tempfile::tempdir().unwrap();
    let (root, out) = (root.path().to_str().unwrap(), out.path().to_str().unwrap());
    let (code, stderr) = run_presse(&["build", "--root", root, "--out", out]);
    assert_eq!(code, 1, "{stderr}");
    stderr
}

#[test]
fn a_near_miss_of_a_front_matter_key_is_an_error_that_says_the_key_meant() {
    let stderr = failed_build("sources/p/01.md", b"---\nstandfist: Un chap\xc3\xb4\n---\nTexte.\n");
    assert!(stderr.contains("sources/p/01.md:2:1: error: unknown front matter key `standfist`"));
    assert!(stderr.contains("did you mean `standfirst`?"), "{stderr}");
}

#[test]
fn a_folder_with_only_a_readme_says_how_to_make_it_a_chapter() {
    let stderr = failed_build("sources/p/README.md", b"# Le guide\n\nTexte.\n");
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

const ASIDES: &[u8] = "# Encadrés

> [!NOTE]
> Les données sont mises à jour chaque mois.

> [!WARNING]
> Les chiffres de 2011 sont provisoires.

::: tip
Consultez le portail open data.
:::

::: danger Données personnelles
Ne publiez jamais de données nominatives.
:::
"
.as_bytes();

/// GitHub alerts and `::: tip` containers are asides in both editions of every preset, titled
/// in French, and the EPUBs stay valid and accessible.
#[test]
fn alerts_and_other_tools_containers_are_titled_asides_in_every_preset() {
    let styles = ["default", "cahiers", "newsletter"];
    let tomls: Vec<Vec<u8>> =
        // Any number of pages: the newsletter's four would leave three blank.
        styles.iter().map(|s| manifest(&format!("style = \"{s}\"\n[options]\npages = 0\n"))).collect();
    let mut files: Vec<(String, &[u8])> = Vec::new();
    for (style, toml) in styles.iter().zip(&tomls) {
        files.push((format!("sources/{style}/publication.toml"), toml));
        files.push((format!("sources/{style}/01.md"), ASIDES));
    }
    let files: Vec<(&str, &[u8])> = files.iter().map(|(p, b)| (p.as_str(), *b)).collect();
    let root = project(&files);
    let (out, stderr) = build_ok(root.path(), &[]);
    assert!(!stderr.contains("warning"), "{stderr}");
    for style in styles {
        let epub = out.path().join(style).join(format!("{style}.epub"));
        let chapter = epub_file(&epub, "01.xhtml");
        for (kind, title) in [("note", "Remarque"), ("warning", "Attention"), ("tip", "Conseil")] {
            let aside = format!(
                "<div class=\"editorial {kind}\">\n<p class=\"editorial-title\">{title}</p>"
            );
            assert!(chapter.contains(&aside), "{style}: {chapter}");
        }
        assert!(chapter.contains("<div class=\"editorial caution\">\n<p class=\"editorial-title\">Données personnelles</p>"));
        common::validators::assert_epubcheck_clean(&epub);
        common::validators::assert_ace_clean(&epub);
        let pdf = out.path().join(style).join(format!("{style}.pdf"));
        // Spaced capitals come out of pdftotext with spaces inside words: compare without them.
        let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]).to_lowercase();
        let text: String = text.split_whitespace().collect();
        for title in ["remarque", "attention", "conseil", "donnéespersonnelles"] {
            assert!(text.contains(title), "{style}: {text}");
        }
    }
}

const HTML_CHAPTER: &str = "# Du HTML

Le CO<sub>2</sub> et le 1<sup>er</sup> rang ; tapez <kbd>Ctrl</kbd>.<br>
Une ligne, <span lang=\"en\">open data</span>, une <abbr title=\"Île-de-France\">IDF</abbr>,
une <a href=\"02-suite.html\">suite</a> et <blink>rien</blink> ni <blink>rien</blink>.

<img src=\"images/plan.png\" alt=\"Le plan\" style=\"width: 50%\" />

<figure>
  <img src=\"images/photo.jpg\" alt=\"Une photo\">
  <figcaption>La photo du quartier</figcaption>
</figure>
";

/// Raw HTML that has a meaning is read as Markdown's own content in both editions; what has
/// none gets one warning per element and chapter.
#[test]
fn raw_html_with_a_meaning_is_content_in_both_editions() {
    let png = common::png(40, 30);
    let toml = manifest("");
    let root = project(&[
        ("sources/p/publication.toml", &toml),
        ("sources/p/01-html.md", HTML_CHAPTER.as_bytes()),
        ("sources/p/02-suite.md", b"# La suite\n\nTexte.\n"),
        ("sources/p/images/plan.png", &png),
        // A PNG under a .jpg name, as a web site can serve one.
        ("sources/p/images/photo.jpg", &png),
    ]);
    let (out, stderr) = build_ok(root.path(), &[]);
    // The tiny pictures' resolution aside (the print preflight's): the misnamed picture, and
    // `<blink>` once per edition.
    let findings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("warning:") || l.contains("error:"))
        .filter(|l| !l.contains("ppi"))
        .collect();
    assert_eq!(findings.len(), 3, "{stderr}");
    assert!(findings[0].contains("01-html.md:9:1: warning: the image `photo.jpg` holds a PNG"));
    let blink = "01-html.md:5:42: warning: raw HTML `<blink>` is left out of the PDF (2 times; \
                 the first here)";
    assert!(findings[1].contains(blink), "{stderr}");
    let in_epub = "01-html.md:5:42: warning: raw HTML left out of the EPUB: <blink> (2 times;";
    assert!(findings[2].contains(in_epub), "{stderr}");
    let chapter = epub_file(&out.path().join("p/p.epub"), "01-html.xhtml");
    for expected in [
        "CO<sub>2</sub>",
        "1<sup>er</sup>",
        "<code>Ctrl</code>",
        "<br/>",
        "<span lang=\"en\" xml:lang=\"en\">open data</span>",
        "<a href=\"ch02-02-suite.xhtml\">suite</a>",
        "<figcaption>Le plan</figcaption>",
        "<figcaption>La photo du quartier</figcaption>",
    ] {
        assert!(chapter.contains(expected), "{expected} not in {chapter}");
    }
    let pdf = out.path().join("p/p.pdf");
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    assert!(text.contains("La photo du quartier") && text.contains("open data"), "{text}");
    let images = tool("pdfimages", &["-list", pdf.to_str().unwrap()]);
    assert_eq!(images.lines().count(), 2 + 2, "two images in the PDF:\n{images}");
}
