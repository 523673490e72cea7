//! The checks the fuzz targets run on one input, shared with
//! `tests/testsuite/fuzz_regressions.rs`: presse never panics, the typst it emits compiles (raw
//! typst blocks aside) and every XML file of its EPUB is well-formed and free of active content.

use std::io::Read;
use std::path::{Path, PathBuf};

use presse::epub::EpubOptions;
use presse::model::{BlockKind, Publication, RawFormat};
use presse::pdf::{Environment, Fonts};
use presse::styles::Style;

/// The name of the one publication of the harness's project.
const PUBLICATION: &str = "fuzz";
/// Where the input goes, relative to the project root.
const CHAPTER: &str = "sources/fuzz/texte.md";
/// A 1×1 PNG, for `![](images/a.png)`.
const PNG: [u8; 69] = [
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0,
    0, 0, 144, 119, 83, 222, 0, 0, 0, 12, 73, 68, 65, 84, 120, 156, 99, 248, 207, 192, 0, 0, 3, 1,
    1, 0, 201, 254, 146, 239, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
];
/// A small SVG, for `![](images/b.svg)`.
const SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">\
                   <rect width=\"10\" height=\"10\"/></svg>";
/// Elements no page body may carry, whatever the raw HTML asked for.
const ACTIVE_ELEMENTS: [&str; 10] =
    ["script", "iframe", "object", "embed", "form", "base", "meta", "link", "style", "frame"];

/// A project on disk holding one publication, whose chapter each check replaces.
pub struct Harness {
    root: PathBuf,
    env: Environment,
    style: Style,
}

impl Harness {
    /// Makes the project under `root` (created, or reused): a manifest and two images.
    pub fn new(root: &Path) -> Harness {
        let images = root.join("sources/fuzz/images");
        std::fs::create_dir_all(&images).expect("the harness project folder");
        let manifest = "title = \"Fuzz\"\ndate = \"2011-10-01\"\nchapters = [\"texte.md\"]\n";
        std::fs::write(root.join("sources/fuzz/publication.toml"), manifest).unwrap();
        std::fs::write(images.join("a.png"), PNG).unwrap();
        std::fs::write(images.join("b.svg"), SVG).unwrap();
        std::fs::write(root.join(CHAPTER), "# Fuzz\n").unwrap();
        let publication = presse::load::load(root, PUBLICATION).expect("the first chapter loads");
        let style = presse::styles::resolve(root, &publication).expect("the default style");
        let env = Environment::new(Fonts::load(&[], false));
        Harness { root: root.to_path_buf(), env, style }
    }

    /// The chapter loaded and passed as a build does, or `None` when loading reported an error.
    fn prepare(&self, input: &[u8]) -> Result<Option<Publication>, String> {
        std::fs::write(self.root.join(CHAPTER), input).map_err(|e| e.to_string())?;
        let publication = match presse::load::load(&self.root, PUBLICATION) {
            Ok(publication) => publication,
            Err(found) if found.has_errors() => return Ok(None),
            Err(_) => return Err("loading failed without an error".into()),
        };
        Ok(Some(presse::passes::run(publication, &self.root).output))
    }

    /// Markdown → model → typst → PDF: compiles without error unless a raw typst block is there.
    pub fn check_typst(&self, input: &[u8]) -> Result<(), String> {
        let Some(publication) = self.prepare(input)? else {
            return Ok(());
        };
        let typeset = presse::pdf::typeset(&publication, &self.root, &self.env, &self.style);
        let pdf = typeset.and_then(|t| presse::pdf::export_pdf(&t.output, &publication));
        if has_raw_typst(&publication) {
            return Ok(());
        }
        match pdf {
            Ok(_) => Ok(()),
            // A panic inside typst, caught and reported as typst's bug: presse did its part.
            Err(found) if found.iter().all(|d| d.code == "typst-panic") => Ok(()),
            Err(found) => {
                let errors: Vec<String> =
                    found.iter().filter(|d| d.is_error()).map(ToString::to_string).collect();
                Err(format!("the typst presse emitted does not compile: {errors:#?}"))
            }
        }
    }

    /// Markdown → model → EPUB: every XML file well-formed, no active content.
    pub fn check_xhtml(&self, input: &[u8]) -> Result<(), String> {
        let Some(publication) = self.prepare(input)? else {
            return Ok(());
        };
        let options = EpubOptions { cache_dir: None, ..EpubOptions::default() };
        let bytes = match presse::epub::epub(&publication, &self.root, &self.style, &options) {
            Ok(made) => made.output,
            Err(found) if found.has_errors() => return Ok(()),
            Err(_) => return Err("no EPUB, and no error saying why".into()),
        };
        for (name, text) in xml_files(&bytes)? {
            check_xml(&name, &text)?;
        }
        Ok(())
    }
}

/// Any bytes as an SVG, made safe for e-readers: refused with a reason, or rewritten as
/// well-formed SVG with nothing active or outside left, and rewritten again unchanged.
pub fn check_svg(input: &[u8]) -> Result<(), String> {
    let Ok(text) = std::str::from_utf8(input) else {
        return Ok(());
    };
    let Ok(cleaned) = presse::svg::clean(text) else {
        return Ok(());
    };
    let svg = &cleaned.svg;
    let document = roxmltree::Document::parse(svg)
        .map_err(|e| format!("the cleaned SVG is not well-formed XML: {e}\n{svg}"))?;
    let root = document.root_element();
    if !root.has_tag_name(("http://www.w3.org/2000/svg", "svg")) {
        return Err(format!("the cleaned SVG's root is not an SVG <svg>:\n{svg}"));
    }
    if document.descendants().any(|n| n.is_pi()) {
        return Err(format!("an instruction survived:\n{svg}"));
    }
    for node in document.descendants().filter(|n| n.is_element()) {
        check_svg_element(node).map_err(|why| format!("{why}:\n{svg}"))?;
    }
    let again = presse::svg::clean(svg).map_err(|e| format!("the cleaned SVG is refused: {e}"))?;
    if again.svg != *svg || !again.dropped.is_empty() {
        return Err(format!("cleaning twice changes the SVG:\n{svg}\n---\n{}", again.svg));
    }
    Ok(())
}

/// One element of a cleaned SVG: nothing that runs, nothing that reaches outside.
fn check_svg_element(node: roxmltree::Node) -> Result<(), String> {
    let tag = node.tag_name().name();
    if ["script", "foreignObject", "handler", "listener", "iframe"].contains(&tag) {
        return Err(format!("a <{tag}> survived"));
    }
    if tag == "style" {
        let css: String =
            node.descendants().filter(|n| n.is_text()).filter_map(|n| n.text()).collect();
        outside_css(&css).map_err(|why| format!("<style>: {why}"))?;
    }
    for attribute in node.attributes() {
        let (name, value) = (attribute.name(), attribute.value().trim().to_ascii_lowercase());
        if name.to_ascii_lowercase().starts_with("on") {
            return Err(format!("the handler {name} survived"));
        }
        let inside = value.starts_with('#')
            || (tag == "a"
                && ["https://", "http://", "mailto:"].iter().any(|s| value.starts_with(s)))
            || (["image", "feImage"].contains(&tag) && value.starts_with("data:image/"));
        if name == "href" && !inside {
            return Err(format!("the link {value} survived in <{tag}>"));
        }
        let squeezed: String = value.chars().filter(|c| !c.is_whitespace()).collect();
        if ["javascript:", "vbscript:", "data:text/html"].iter().any(|s| squeezed.contains(s)) {
            return Err(format!("the script URL in {name} survived"));
        }
        // Only CSS imports (an `@import` in a presentation attribute means nothing); any value
        // may refer to a part of the drawing by url(#…).
        if name == "style" {
            outside_css(&value).map_err(|why| format!("{name}: {why}"))?;
        } else {
            outside_reference(&value).map_err(|why| format!("{name}: {why}"))?;
        }
    }
    Ok(())
}

/// An error when CSS imports or refers to something outside.
fn outside_css(css: &str) -> Result<(), String> {
    let lower = css.to_ascii_lowercase();
    if lower.contains("@import") || lower.contains("javascript:") {
        return Err(format!("{css} survived"));
    }
    outside_reference(css)
}

/// An error when a value refers by url(…) to something outside the drawing.
fn outside_reference(value: &str) -> Result<(), String> {
    let lower = value.to_ascii_lowercase();
    for (at, _) in lower.match_indices("url(") {
        let target = lower[at + 4..].trim_start().trim_start_matches(['"', '\'']);
        if !target.starts_with('#') {
            return Err(format!("the outside reference {value} survived"));
        }
    }
    Ok(())
}

/// Whether a chapter holds a ```` ```{=typst} ```` block, whose code may fail on its own.
fn has_raw_typst(publication: &Publication) -> bool {
    let mut publication = publication.clone();
    let mut found = false;
    for chapter in &mut publication.chapters {
        chapter.visit_blocks_mut(&mut |block| {
            found |= matches!(&block.kind, BlockKind::Raw { format: RawFormat::Typst, .. });
        });
    }
    found
}

/// The XML files of an EPUB (pages, package, navigation), by name.
fn xml_files(epub: &[u8]) -> Result<Vec<(String, String)>, String> {
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(epub)).map_err(|e| format!("bad zip: {e}"))?;
    let mut files = Vec::new();
    for index in 0..archive.len() {
        let mut file = archive.by_index(index).map_err(|e| format!("bad zip entry: {e}"))?;
        let name = file.name().to_string();
        if [".xhtml", ".opf", ".ncx", ".xml"].iter().any(|ext| name.ends_with(ext)) {
            let mut text = String::new();
            file.read_to_string(&mut text).map_err(|e| format!("{name} is not UTF-8: {e}"))?;
            files.push((name, text));
        }
    }
    Ok(files)
}

/// Parses one XML file; refuses scripts, event handlers and `javascript:` links in a page.
fn check_xml(name: &str, text: &str) -> Result<(), String> {
    let options = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
    let document = roxmltree::Document::parse_with_options(text, options)
        .map_err(|e| format!("{name} is not well-formed XML: {e}\n{text}"))?;
    let Some(body) = document.descendants().find(|n| n.has_tag_name("body")) else {
        return Ok(());
    };
    for node in body.descendants().filter(|n| n.is_element()) {
        let tag = node.tag_name().name();
        if ACTIVE_ELEMENTS.contains(&tag) {
            return Err(format!("{name} carries a <{tag}> element:\n{text}"));
        }
        for attribute in node.attributes() {
            let value = attribute.value().trim_start().to_ascii_lowercase();
            if attribute.name().starts_with("on") || value.starts_with("javascript:") {
                return Err(format!("{name} carries active content in <{tag}>:\n{text}"));
            }
        }
    }
    Ok(())
}
