//! The EPUB package through epub-builder: pages, images, stylesheet, contents and metadata.

use epub_builder::{EpubBuilder, EpubContent, EpubVersion, ReferenceType, TocElement, ZipLibrary};
use time::OffsetDateTime;

use super::images::Images;
use super::labels::Labels;
use super::xhtml::{Page, document, field_text, plain};
use super::xml::{allowed_chars, text};
use crate::model::{Publication, plain_text};

/// The file name of the cover or title page.
pub const FRONT_FILE: &str = "cover.xhtml";

/// Everything that goes into the package.
pub struct Contents<'a> {
    pub publication: &'a Publication,
    pub css: &'a str,
    /// The font files the stylesheet declares (their bytes go in at the normalisation).
    pub fonts: &'a [super::fonts::FontFile],
    /// The cover page (with the cover image) or the title page.
    pub front: Page,
    /// Whether `front` is a cover (else a title page).
    pub front_is_cover: bool,
    pub pages: &'a [Page],
    pub images: &'a Images,
    /// Words in the book's language.
    pub labels: Labels,
    /// When the book was last changed (`dcterms:modified`).
    pub modified: OffsetDateTime,
}

/// Builds the EPUB with epub-builder (before normalisation).
pub fn assemble(contents: &Contents) -> epub_builder::Result<Vec<u8>> {
    let manifest = &contents.publication.manifest;
    let mut builder = EpubBuilder::new(ZipLibrary::new()?)?;
    builder.epub_version(EpubVersion::V30);
    // epub-builder escapes markup, not the characters XML forbids: those are dropped here.
    builder.set_title(allowed_chars(&plain(&plain_text(&manifest.title))));
    manifest.authors.iter().for_each(|author| builder.add_author(allowed_chars(author)));
    builder.add_language(manifest.lang.to_string());
    builder.set_modified_date(modified_date(contents.modified));
    builder.set_generator(format!("presse {}", env!("CARGO_PKG_VERSION")));
    builder.set_toc_name(contents.labels.contents);
    manifest.description.iter().for_each(|d| builder.add_description(allowed_chars(&plain(d))));
    manifest.keywords.iter().for_each(|k| builder.add_subject(allowed_chars(k)));
    builder.stylesheet(contents.css.as_bytes())?;
    // The fonts and images go in empty: the normalisation stores their bytes (see `normalise`).
    for font in contents.fonts {
        builder.add_resource(&font.href, &[][..], font.media_type)?;
    }
    for image in &contents.images.files {
        if contents.images.cover.as_ref() == Some(&image.href) {
            builder.add_cover_image(&image.href, &[][..], image.media_type)?;
        } else {
            builder.add_resource(&image.href, &[][..], image.media_type)?;
        }
    }
    let front_type =
        if contents.front_is_cover { ReferenceType::Cover } else { ReferenceType::TitlePage };
    let front = &contents.front;
    builder.add_content(
        EpubContent::new(FRONT_FILE, front.xhtml.as_bytes())
            .title(&front.title)
            .reftype(front_type),
    )?;
    for (index, page) in contents.pages.iter().enumerate() {
        let mut content = EpubContent::new(&page.file, page.xhtml.as_bytes());
        content.toc = toc_element(page);
        if index == 0 {
            content = content.reftype(ReferenceType::Text);
        }
        builder.add_content(content)?;
    }
    let mut bytes = Vec::new();
    builder.generate(&mut bytes)?;
    Ok(bytes)
}

/// A moment as epub-builder takes it; a moment chrono cannot hold (past the year 262143) is
/// stamped as the Unix epoch.
fn modified_date(moment: OffsetDateTime) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(moment.unix_timestamp(), 0).unwrap_or_default()
}

/// A chapter's entry in the table of contents, its headings nested by level below it.
pub fn toc_element(page: &Page) -> TocElement {
    let mut element = TocElement::new(&page.file, allowed_chars(&page.title));
    let mut entries = page.toc.iter().filter(|entry| !entry.title.is_empty()).peekable();
    if entries.peek().is_some_and(|first| first.level == 1 && first.title == page.title) {
        entries.next();
    }
    for entry in entries {
        element.add(
            TocElement::new(&entry.href, allowed_chars(&entry.title))
                .level(i32::from(entry.level.max(2))),
        );
    }
    element
}

/// The cover page when the publication has a cover image, else a typeset title page.
pub fn front_page(publication: &Publication, images: &Images, labels: Labels) -> (Page, bool) {
    let manifest = &publication.manifest;
    let (title, body, is_cover) = match &images.cover {
        Some(href) => {
            let alt = format!("{} : {}", labels.cover, plain(&plain_text(&manifest.title)));
            let body = format!(
                "<section class=\"cover\">\n<img epub:type=\"cover\" role=\"doc-cover\" src=\"{}\" alt=\"{}\"/>\n</section>\n",
                super::xml::attr(href),
                super::xml::attr(&alt)
            );
            (labels.cover, body, true)
        }
        None => (labels.title_page, title_page_body(publication, labels), false),
    };
    let xhtml = document(manifest.lang.as_str(), title, &body);
    (
        Page {
            file: FRONT_FILE.to_string(),
            title: title.to_string(),
            xhtml,
            toc: Vec::new(),
            blocks: Vec::new(),
        },
        is_cover,
    )
}

fn title_page_body(publication: &Publication, labels: Labels) -> String {
    let manifest = &publication.manifest;
    let mut lines = vec![format!("<h1 class=\"title\">{}</h1>", field_text(&manifest.title))];
    if let Some(subtitle) = &manifest.subtitle {
        lines.push(format!("<p class=\"subtitle\">{}</p>", field_text(subtitle)));
    }
    let mut line =
        |class: &str, value: &str| lines.push(format!("<p class=\"{class}\">{}</p>", text(value)));
    if let Some(number) = &manifest.number {
        line("number", &format!("{}\u{a0}{number}", labels.issue));
    }
    if !manifest.authors.is_empty() {
        line("authors", &manifest.authors.join(", "));
    }
    if let Some(publisher) = &manifest.publisher {
        line("publisher", publisher);
    }
    line("date", &labels.long_date(manifest.date));
    format!("<section class=\"title-page\">\n{}\n</section>\n", lines.join("\n"))
}

/// The package metadata epub-builder cannot write: subtitle, publisher, date, accessibility
/// (in the book's language). `page_source` names the print edition whose pages are marked.
pub fn metadata(
    publication: &Publication,
    images: &Images,
    labels: Labels,
    page_source: Option<&str>,
) -> String {
    let manifest = &publication.manifest;
    let mut lines: Vec<String> = Vec::new();
    let mut meta = |property: &str, value: &str| {
        lines.push(format!("<meta property=\"{property}\">{}</meta>", text(value)));
    };
    meta("schema:accessMode", "textual");
    let has_images = !images.files.is_empty();
    if has_images {
        meta("schema:accessMode", "visual");
    }
    meta("schema:accessModeSufficient", "textual");
    for feature in ["structuralNavigation", "tableOfContents", "readingOrder"] {
        meta("schema:accessibilityFeature", feature);
    }
    if has_images {
        meta("schema:accessibilityFeature", "alternativeText");
    }
    if page_source.is_some() {
        meta("schema:accessibilityFeature", "pageNavigation");
        meta("schema:accessibilityFeature", "printPageNumbers");
    }
    meta("schema:accessibilityHazard", "none");
    let mut summary = labels.accessibility_summary.to_string();
    if page_source.is_some() {
        summary.push_str(labels.summary_pages);
    }
    meta("schema:accessibilitySummary", &summary);
    meta("dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.2 Level AA");
    if let Some(source) = page_source {
        meta("pageBreakSource", source);
    }
    if let Some(subtitle) = &manifest.subtitle {
        let subtitle = text(&plain(&plain_text(subtitle)));
        lines.push(format!("<dc:title id=\"subtitle\">{subtitle}</dc:title>"));
        lines.push("<meta refines=\"#title\" property=\"title-type\">main</meta>".into());
        lines.push("<meta refines=\"#subtitle\" property=\"title-type\">subtitle</meta>".into());
    }
    if let Some(publisher) = &manifest.publisher {
        lines.push(format!("<dc:publisher>{}</dc:publisher>", text(publisher)));
    }
    lines.push(format!("<dc:date>{}</dc:date>", manifest.date));
    lines.iter().map(|line| format!("    {line}\n")).collect()
}
