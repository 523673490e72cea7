//! Both editions say the same thing: the EPUB marks where each page of the PDF begins, shows
//! the PDF's first page as its cover, and words the style sets (credit labels) as the PDF does.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::{self, tool};

const SAMPLES: [&str; 2] = ["cahiers", "lettre"];

/// Letters and digits only, lower case: what both editions keep of a text whatever their
/// spacing, hyphenation, letter-spacing and case.
fn letters(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The text of each page of a PDF, from poppler's pdftotext.
fn pdf_pages(pdf: &Path) -> Vec<String> {
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// The chapters of an EPUB, in reading order (their names sort so).
fn chapters(texts: &BTreeMap<String, String>) -> Vec<(&String, &String)> {
    texts.iter().filter(|(name, _)| name.contains("/ch") && name.ends_with(".xhtml")).collect()
}

/// Every page-break marker of the EPUB's chapters, in reading order: its page number and the
/// text that follows it.
fn markers(texts: &BTreeMap<String, String>) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (_, xhtml) in chapters(texts) {
        for (at, _) in xhtml.match_indices("role=\"doc-pagebreak\"") {
            let rest = &xhtml[at..];
            let label = rest.split("aria-label=\"").nth(1).unwrap().split('"').next().unwrap();
            let after = &rest[rest.find("</span>").unwrap() + "</span>".len()..];
            found.push((label.parse().unwrap(), strip_tags(&block_lines(after))));
        }
    }
    found
}

/// The XHTML with a line break after the end of each block, so that a block is a line.
fn block_lines(xhtml: &str) -> String {
    ["</p>", "</h1>", "</h2>", "</h3>", "</li>", "</figcaption>", "</td>", "</th>"]
        .iter()
        .fold(xhtml.replace('\n', " "), |text, end| text.replace(end, &format!("{end}\n")))
}

fn strip_tags(xhtml: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in xhtml.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
}

/// The letters of the body paragraphs of the EPUB (`<p>` without a class), each.
fn body_paragraphs(texts: &BTreeMap<String, String>) -> Vec<String> {
    let mut paragraphs = Vec::new();
    for (_, xhtml) in chapters(texts) {
        for part in xhtml.split("<p>").skip(1) {
            paragraphs.push(letters(&strip_tags(part.split("</p>").next().unwrap())));
        }
    }
    paragraphs
}

#[test]
fn each_page_marker_is_followed_by_words_of_its_pdf_page() {
    let (out, _) = common::samples();
    for name in SAMPLES {
        let pdf_pages = pdf_pages(&out.join(name).join(format!("{name}.pdf")));
        let texts = common::epub_texts(&out.join(name).join(format!("{name}.epub")));
        let markers = markers(&texts);
        assert!(markers.len() >= pdf_pages.len() / 2, "{name}: {} markers", markers.len());
        let numbers: Vec<usize> = markers.iter().map(|(page, _)| *page).collect();
        assert!(numbers.windows(2).all(|w| w[0] < w[1]), "{name}: out of order {numbers:?}");
        for (page, after) in &markers {
            let on_page = letters(&pdf_pages[page - 1]);
            // The next 24 letters of the block; of a short block (a kicker, a title), its words
            // each, as the style may set them apart.
            let block = letters(after.lines().next().unwrap_or_default());
            let found = if block.chars().count() >= 24 {
                on_page.contains(&block.chars().take(24).collect::<String>())
            } else {
                after.split_whitespace().map(letters).take(3).all(|w| on_page.contains(&w))
            };
            assert!(
                found,
                "{name}: the marker of page {page} is followed by «{after:.60}», not on that page"
            );
        }
        // Every page that shows a part of a body paragraph is in the list (a part shown on
        // one page only: the style may repeat the publication's description elsewhere).
        let pages: Vec<String> = pdf_pages.iter().map(|text| letters(text)).collect();
        for paragraph in body_paragraphs(&texts) {
            let chars: Vec<char> = paragraph.chars().collect();
            for chunk in chars.chunks(40).filter(|c| c.len() == 40) {
                let chunk: String = chunk.iter().collect();
                let shown: Vec<usize> =
                    (0..pages.len()).filter(|&i| pages[i].contains(&chunk)).collect();
                if let [index] = shown[..] {
                    assert!(
                        numbers.contains(&(index + 1)),
                        "{name}: page {} has no marker",
                        index + 1
                    );
                }
            }
        }
        let nav = &texts["OEBPS/nav.xhtml"];
        let listed = nav.split("epub:type=\"page-list\"").nth(1).expect("a page list");
        assert_eq!(listed.matches("<li>").count(), markers.len(), "{name}");
        let opf = &texts["OEBPS/content.opf"];
        let source = format!("<meta property=\"pageBreakSource\">{name}.pdf</meta>");
        assert!(opf.contains(&source), "{name}: {opf}");
        for feature in ["pageNavigation", "printPageNumbers"] {
            assert!(opf.contains(&format!(">{feature}<")), "{name}: no {feature}");
        }
    }
}

#[test]
fn the_cover_is_the_pdf_first_page_when_the_publication_names_none() {
    let (out, _) = common::samples();
    for name in SAMPLES {
        let epub = out.join(name).join(format!("{name}.epub"));
        let texts = common::epub_texts(&epub);
        let opf = &texts["OEBPS/content.opf"];
        let item = opf.lines().find(|l| l.contains("properties=\"cover-image\"")).expect(name);
        let href = item.split("href=\"").nth(1).unwrap().split('"').next().unwrap();
        let mut archive = zip::ZipArchive::new(std::fs::File::open(&epub).unwrap()).unwrap();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(
            &mut archive.by_name(&format!("OEBPS/{href}")).unwrap(),
            &mut bytes,
        )
        .unwrap();
        let cover = image::load_from_memory(&bytes).expect("the cover decodes");
        assert_eq!(cover.height(), 1600, "{name}");
        let page = &texts["OEBPS/cover.xhtml"];
        assert!(page.contains(&format!("src=\"{href}\"")), "{page}");
        assert!(page.contains("alt=\"Couverture : "), "{page}");
    }
}

#[test]
fn an_epub_made_alone_has_no_page_list_and_keeps_its_title_page() {
    let root = common::repository();
    let (out, _) = common::build_ok(root, &["--format", "epub", "lettre"]);
    let texts = common::epub_texts(&out.path().join("lettre/lettre.epub"));
    assert!(!texts["OEBPS/nav.xhtml"].contains("page-list"));
    assert!(markers(&texts).is_empty());
    let opf = &texts["OEBPS/content.opf"];
    assert!(!opf.contains("pageBreakSource") && !opf.contains("cover-image"), "{opf}");
}

#[test]
fn the_accessibility_summary_is_in_the_book_language() {
    let (out, _) = common::samples();
    let opf = &common::epub_texts(&out.join("cahiers/cahiers.epub"))["OEBPS/content.opf"];
    assert!(opf.contains("accessibilitySummary\">Cette publication suit"), "{opf}");
    assert!(opf.contains("EPUB Accessibility 1.1 - WCAG 2.2 Level AA"), "{opf}");
    let manifest = b"title = \"Essay\"\ndate = \"2026-11-30\"\nlang = \"en-GB\"\n";
    let english = common::project(&[
        ("sources/p/publication.toml", manifest),
        ("sources/p/01.md", b"# One\n\nA paragraph.\n"),
    ]);
    let (out, _) = common::build_ok(english.path(), &["--format", "epub"]);
    let opf = &common::epub_texts(&out.path().join("p/p.epub"))["OEBPS/content.opf"];
    assert!(opf.contains("accessibilitySummary\">This publication follows"), "{opf}");
}

#[test]
fn figure_credits_read_the_same_in_both_editions() {
    let (out, _) = common::samples();
    for name in SAMPLES {
        let pdf = letters(&pdf_pages(&out.join(name).join(format!("{name}.pdf"))).join(" "));
        let texts = common::epub_texts(&out.join(name).join(format!("{name}.epub")));
        let mut credits = 0;
        for (_, xhtml) in chapters(&texts) {
            for part in xhtml.split("<span class=\"credit\">").skip(1) {
                let credit = strip_tags(part.split("</span>").next().unwrap());
                assert!(pdf.contains(&letters(&credit)), "{name}: «{credit}» is not in the PDF");
                credits += 1;
            }
            // The caption and the credit are two texts, not one run of words.
            for (at, _) in xhtml.match_indices("<span class=\"credit\">") {
                assert!(xhtml[..at].ends_with([' ', '>']), "{name}: caption glued to its credit");
            }
        }
        assert!(credits > 0, "{name} has no credited figure");
    }
}
