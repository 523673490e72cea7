//! Both editions carry the same characters: every paragraph of the EPUB's XHTML, French
//! spaces, quotes, apostrophes and dashes included, is found as such in the PDF's text
//! (`pdftotext`, and the fonts' own text maps for the no-break spaces, which pdftotext
//! prints as plain spaces), and no elided word of the PDF breaks at its apostrophe.

use crate::common;

use std::io::Read;
use std::path::Path;

use common::{fixture, run_presse, tool};

/// The characters the typography pass sets, which both editions must show alike.
const TYPOGRAPHIC: &[char] = &['\u{202f}', '\u{a0}', '«', '»', '’', '…', '–', '“', '”'];

/// The no-break spaces, which poppler's pdftotext writes as U+0020 whatever the PDF says.
const NO_BREAK_SPACES: &[char] = &['\u{202f}', '\u{a0}'];

/// Builds the fixture's two editions; returns the temporary output folder.
fn build_fixture() -> tempfile::TempDir {
    common::build_ok(&fixture("typographie"), &[]).0
}

/// The text of every `<p>` in the EPUB's chapters, whitespace runs made one space.
fn epub_paragraphs(epub: &Path) -> Vec<String> {
    let file = std::fs::File::open(epub).unwrap();
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let mut paragraphs = Vec::new();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).unwrap();
        if !entry.name().ends_with(".xhtml") || entry.name().contains("nav") {
            continue;
        }
        let mut xhtml = String::new();
        entry.read_to_string(&mut xhtml).unwrap();
        let options = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
        let document = roxmltree::Document::parse_with_options(&xhtml, options).unwrap();
        for p in document.descendants().filter(|n| n.has_tag_name("p")) {
            let text: String =
                p.descendants().filter(|n| n.is_text()).filter_map(|n| n.text()).collect();
            paragraphs.push(one_space(&text));
        }
    }
    paragraphs
}

/// Collapses runs of ordinary white space (not the no-break spaces) into one space.
fn one_space(text: &str) -> String {
    text.split([' ', '\n', '\t', '\r']).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

#[test]
fn the_pdf_text_and_the_epub_xhtml_carry_the_same_characters() {
    let out = build_fixture();
    let pdf = out.path().join("typo/typo.pdf");
    let pdf_text = one_space(&tool("pdftotext", &[pdf.to_str().unwrap(), "-"]));
    // The PDF sets some fields in capitals (the kicker): the texts are compared in lower case.
    // A compound proper noun's non-breaking hyphens (U+2011) are plain hyphens in the EPUB,
    // which holds the word in a span that does not wrap.
    let pdf_lower = pdf_text.to_lowercase().replace('\u{2011}', "-");
    let paragraphs = epub_paragraphs(&out.path().join("typo/typo.epub"));
    let typographic: Vec<&String> = paragraphs.iter().filter(|p| p.contains(TYPOGRAPHIC)).collect();
    assert!(typographic.len() >= 6, "the fixture's paragraphs are missing: {paragraphs:#?}");
    for paragraph in typographic {
        let as_poppler_prints_it = paragraph.replace(NO_BREAK_SPACES, " ");
        assert!(
            pdf_lower.contains(&as_poppler_prints_it.to_lowercase()),
            "the PDF does not carry this EPUB paragraph as such:\n{paragraph:?}\nPDF text:\n{pdf_text:?}"
        );
    }
    for c in TYPOGRAPHIC.iter().filter(|c| !NO_BREAK_SPACES.contains(c)) {
        assert!(pdf_text.contains(*c), "the PDF lacks {c:?} (U+{:04X})", *c as u32);
    }
    // Where pdftotext shows a plain space, the PDF's fonts map a glyph to each no-break space.
    let maps = unicode_maps(&std::fs::read(&pdf).unwrap());
    for code in ["<00A0>", "<202F>"] {
        assert!(maps.contains(code), "no glyph of the PDF stands for {code}:\n{maps}");
    }
}

#[test]
fn printed_front_matter_fields_get_the_ordinals_of_the_body() {
    let out = build_fixture();
    let chapter = epub_chapter(&out.path().join("typo/typo.epub"), "01-texte");
    assert!(chapter.contains("<p class=\"kicker\">1<sup>re</sup>\u{a0}partie</p>"), "{chapter}");
    assert!(
        chapter.contains("Le 1<sup>er</sup>\u{a0}arrondissement et le XIX<sup>e</sup>"),
        "{chapter}"
    );
    assert!(chapter.contains("siècle\u{a0}: les champs"), "{chapter}");
    let pdf_text =
        one_space(&tool("pdftotext", &[out.path().join("typo/typo.pdf").to_str().unwrap(), "-"]));
    assert!(pdf_text.contains("arrondissement et le XIX"), "{pdf_text}");
}

/// The XHTML of the EPUB chapter whose file name contains `name`.
fn epub_chapter(epub: &Path, name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(epub).unwrap()).unwrap();
    let file = archive.file_names().find(|f| f.contains(name)).unwrap().to_string();
    let mut xhtml = String::new();
    archive.by_name(&file).unwrap().read_to_string(&mut xhtml).unwrap();
    xhtml
}

/// The fonts' ToUnicode maps in a PDF (glyph → text), the text layer every extractor reads.
fn unicode_maps(pdf: &[u8]) -> String {
    let mut maps = String::new();
    let mut rest = pdf;
    while let Some(start) = find(rest, b"stream\n") {
        let body = &rest[start + 7..];
        let end = find(body, b"endstream").unwrap_or(body.len());
        let mut text = String::new();
        let inflated = flate2::read::ZlibDecoder::new(&body[..end]).read_to_string(&mut text);
        if inflated.is_ok() && text.contains("beginbfchar") {
            maps.push_str(&text);
        }
        rest = &body[(end + b"endstream".len()).min(body.len())..];
    }
    maps
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn elided_words_are_hyphenated_in_a_narrow_column_but_never_at_the_apostrophe() {
    let project = common::project(&[
        (
            "sources/etroit/publication.toml",
            // Letters this large leave a dozen letters a line: a narrow column.
            &common::manifest("style = \"default\"\n[options]\nfont-size = \"44pt\""),
        ),
        (
            "sources/etroit/01.md",
            "Le développement de l'agglomération et l'aménagement d'infrastructures \
             s'accélèrent aujourd'hui dans l'intercommunalité.\n"
                .as_bytes(),
        ),
    ]);
    let out = project.path().join("output");
    let (code, stderr) = run_presse(&[
        "build",
        "--format",
        "pdf",
        "--root",
        project.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let text = tool("pdftotext", &[out.join("etroit/etroit.pdf").to_str().unwrap(), "-"]);
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    // typst's hyphen at a line's end reads as a soft hyphen in the PDF's text.
    let hyphenated = lines.iter().filter(|l| l.ends_with(['-', '\u{ad}'])).count();
    assert!(hyphenated > 0, "no word was hyphenated in a narrow column:\n{text}");
    for line in &lines {
        let end = line.trim_end_matches(['-', '\u{ad}']);
        assert!(!end.ends_with('’'), "a break at an elision:\n{text}");
    }
    // The soft hyphens presse adds are gone from the text where no line ended.
    let inner = text.replace("\u{ad}\n", "\n");
    assert!(!inner.contains('\u{ad}'), "soft hyphens left inside words:\n{text:?}");
    // Long elided words were split across lines, not left whole to stretch the lines.
    let elided_split = lines.iter().filter(|l| {
        l.ends_with(['-', '\u{ad}']) && l.rsplit(' ').next().is_some_and(|word| word.contains('’'))
    });
    assert!(elided_split.count() >= 2, "{text}");
}

#[test]
fn dates_counted_numbers_and_compound_names_stay_on_one_line_in_a_narrow_column() {
    let project = common::project(&[
        (
            "sources/etroit/publication.toml",
            &common::manifest("style = \"default\"\n[options]\nfont-size = \"44pt\""),
        ),
        (
            "sources/etroit/01.md",
            "Le 16 décembre 2011, le 1er janvier, 3 communes à 35 km en Île-de-France, \
             Jean-Marie en Seine-et-Marne et le Val-d'Oise : 12 000 habitants le 24 juin. \
             Voir `Jean-Marie 3 mois`.\n"
                .as_bytes(),
        ),
    ]);
    let out = project.path().join("output");
    let (code, stderr) = run_presse(&["build", "--root", project.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let text = tool("pdftotext", &[out.join("etroit/etroit.pdf").to_str().unwrap(), "-"]);
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let words = ["décembre", "janvier", "communes", "km", "habitants", "juin"];
    for (line, next) in lines.iter().zip(lines.iter().skip(1)) {
        let last = line.rsplit(' ').next().unwrap_or_default();
        let first = next.split(' ').next().unwrap_or_default().trim_end_matches(',');
        let split = format!("{last} / {first}");
        let number = last.chars().all(|c| c.is_ascii_digit()) || last == "1er";
        assert!(!(number && words.contains(&first)), "a number and its word are split: {split}");
        assert!(!(last == "décembre" && first == "2011"), "a date is split: {split}");
        let compound = last.starts_with(char::is_uppercase) && last.ends_with(['-', '\u{2011}']);
        assert!(!compound, "a name is split: {split}");
    }
    // The PDF's text keeps the names readable: their hyphens are U+2011 NON-BREAKING HYPHEN.
    let joined = text.replace('\n', " ");
    for name in ["Île\u{2011}de\u{2011}France", "Jean\u{2011}Marie", "Val\u{2011}d’Oise"] {
        assert!(joined.contains(name), "{name} is not in the PDF's text:\n{text}");
    }
    // The EPUB writes them with plain hyphens, searchable, in a span that does not wrap.
    let chapter = epub_chapter(&out.join("etroit/etroit.epub"), "01");
    assert!(chapter.contains("<span class=\"nobr\">Île-de-France,</span>"), "{chapter}");
    assert!(!chapter.contains('\u{2011}'), "{chapter}");
    assert!(chapter.contains("16\u{a0}décembre\u{a0}2011"), "{chapter}");
    // The code span is left as typed.
    assert!(chapter.contains("<code>Jean-Marie 3 mois</code>"), "{chapter}");
}
