//! The one step after epub-builder 0.8.3: fixes its known defects and re-zips reproducibly.
//!
//! What epub-builder's API does, it does (the modification date, through
//! `set_modified_date`). The defects it has are worked around here, each with a test named
//! after it, which fails once upstream fixes it: the same `id` on `dc:creator` and
//! `dc:language` (EPUBCheck RSC-005); an empty landmarks `nav` when no page has a reference
//! type; no `lang` on `nav.xhtml`, no `xml:lang` on the package and no `role` on the contents
//! `nav` (Ace); no `id` on `dc:title` for a subtitle to refine; metadata only as `<meta>`
//! elements, their content written unescaped (so ours is inserted here); only UUID
//! identifiers, random ones unless given; zip entries stamped with the current time.

use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use super::xml::{attr, text};

/// What the normalised package says, beside what epub-builder wrote.
#[derive(Debug, Clone)]
pub struct Fixes {
    /// The publication's identifier, in place of epub-builder's random UUID.
    pub identifier: String,
    /// The publication's language, set on the package and the navigation document.
    pub lang: String,
    /// Metadata elements (escaped XML) appended to the package's `<metadata>`.
    pub metadata: String,
    /// The `page-list` navigation (escaped XML) added to the navigation document, if any.
    pub page_list: String,
}

/// Rewrites an EPUB made by epub-builder; an error says which expected text is missing.
/// The entries named in `filled` get their bytes from there: epub-builder deflates every
/// file, so the images are given to it empty, and stored here as they are. The other entries
/// keep epub-builder's compressed bytes, copied without inflating them again.
pub fn normalise(
    epub: &[u8],
    fixes: &Fixes,
    filled: &[(String, &[u8])],
) -> Result<Vec<u8>, String> {
    let mut archive = ZipArchive::new(Cursor::new(epub)).map_err(|err| err.to_string())?;
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let zip_error = |err: zip::result::ZipError| format!("cannot write the EPUB: {err}");
    let mimetype = archive.index_for_name("mimetype").ok_or("epub-builder wrote no mimetype")?;
    let others = (0..archive.len()).filter(|&index| index != mimetype);
    for index in std::iter::once(mimetype).chain(others) {
        let name = archive.name_for_index(index).unwrap_or_default().to_string();
        let rewritten = match name.as_str() {
            "OEBPS/content.opf" => fix_package(&read(&mut archive, index)?, fixes)?.into_bytes(),
            "OEBPS/nav.xhtml" => fix_nav(&read(&mut archive, index)?, fixes)?.into_bytes(),
            "mimetype" => read(&mut archive, index)?.into_bytes(),
            _ => match filled.iter().find(|(entry, _)| *entry == name) {
                Some((_, bytes)) => bytes.to_vec(),
                None => {
                    let file = archive.by_index_raw(index).map_err(|err| err.to_string())?;
                    zip.raw_copy_file_touch(file, DateTime::default(), Some(PERMISSIONS))
                        .map_err(zip_error)?;
                    continue;
                }
            },
        };
        let method = match name == "mimetype" || is_compressed(&name) {
            true => CompressionMethod::Stored,
            false => CompressionMethod::Deflated,
        };
        zip.start_file(name, entry_options().compression_method(method)).map_err(zip_error)?;
        zip.write_all(&rewritten).map_err(|err| format!("cannot write the EPUB: {err}"))?;
    }
    Ok(zip.finish().map_err(zip_error)?.into_inner())
}

/// Every entry's permissions.
const PERMISSIONS: u32 = 0o644;

/// Every entry's options: a fixed date (zip's earliest), so that the same book gives the same
/// bytes.
fn entry_options() -> SimpleFileOptions {
    SimpleFileOptions::default()
        .last_modified_time(DateTime::default())
        .unix_permissions(PERMISSIONS)
}

/// One entry of the archive, as UTF-8 text.
fn read(archive: &mut ZipArchive<Cursor<&[u8]>>, index: usize) -> Result<String, String> {
    let mut file = archive.by_index(index).map_err(|err| err.to_string())?;
    let mut text = String::new();
    file.read_to_string(&mut text).map_err(|err| err.to_string())?;
    Ok(text)
}

/// Whether an entry is already compressed (an image), so deflating it would only cost time.
fn is_compressed(name: &str) -> bool {
    [".jpg", ".jpeg", ".png", ".gif", ".webp"].iter().any(|ext| name.ends_with(ext))
}

/// Replaces the first `from` by `to`, or says that epub-builder's output changed.
fn replace_once(text: &str, from: &str, to: &str, file: &str) -> Result<String, String> {
    if !text.contains(from) {
        return Err(format!(
            "epub-builder's {file} changed: `{from}` not found (see src/epub/normalise.rs)"
        ));
    }
    Ok(text.replacen(from, to, 1))
}

/// Replaces the content of the element that starts with `open`.
fn replace_content(
    text: &str,
    open: &str,
    close: &str,
    content: &str,
    file: &str,
) -> Result<String, String> {
    let missing =
        || format!("epub-builder's {file} changed: `{open}` not found (see src/epub/normalise.rs)");
    let start = text.find(open).ok_or_else(missing)? + open.len();
    let end = start + text[start..].find(close).ok_or_else(missing)?;
    Ok(format!("{}{content}{}", &text[..start], &text[end..]))
}

fn fix_package(opf: &str, fixes: &Fixes) -> Result<String, String> {
    let file = "content.opf";
    let lang = attr(&fixes.lang);
    let opf = replace_once(opf, "<package ", &format!("<package xml:lang=\"{lang}\" "), file)?;
    let opf = opf.replace("<dc:language id=\"epub-creator-", "<dc:language id=\"epub-language-");
    let opf = replace_content(
        &opf,
        "<dc:identifier id=\"epub-id-1\">",
        "<",
        &text(&fixes.identifier),
        file,
    )?;
    let opf = replace_once(&opf, "<dc:title>", "<dc:title id=\"title\">", file)?;
    replace_once(&opf, "</metadata>", &format!("{}  </metadata>", fixes.metadata), file)
}

fn fix_nav(nav: &str, fixes: &Fixes) -> Result<String, String> {
    let file = "nav.xhtml";
    let lang = attr(&fixes.lang);
    let nav =
        replace_once(nav, "<html ", &format!("<html lang=\"{lang}\" xml:lang=\"{lang}\" "), file)?;
    let nav = replace_once(
        &nav,
        "<nav epub:type = \"toc\"",
        "<nav epub:type=\"toc\" role=\"doc-toc\"",
        file,
    )?;
    let nav = replace_once(&nav, "</body>", &format!("{}</body>", fixes.page_list), file)?;
    Ok(remove_empty_landmarks(&nav))
}

/// Removes a landmarks `nav` with no list in it (EPUBCheck wants an `ol` there).
fn remove_empty_landmarks(nav: &str) -> String {
    let open = "<nav epub:type = \"landmarks\">";
    let Some(start) = nav.find(open) else {
        return nav.to_string();
    };
    let Some(length) = nav[start..].find("</nav>") else {
        return nav.to_string();
    };
    let inside = &nav[start + open.len()..start + length];
    if inside.trim().is_empty() {
        format!("{}{}", nav[..start].trim_end_matches(' '), &nav[start + length + "</nav>".len()..])
    } else {
        nav.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use epub_builder::{
        EpubBuilder, EpubContent, EpubVersion, MetadataOpfV3, ReferenceType, ZipLibrary,
    };

    const PAGE: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>t</title></head><body><p>x</p></body></html>";

    /// A small book straight from epub-builder, with or without a landmark.
    fn upstream_epub(with_landmark: bool) -> Vec<u8> {
        let mut builder = EpubBuilder::new(ZipLibrary::new().unwrap()).unwrap();
        builder.epub_version(EpubVersion::V30);
        builder.metadata("title", "T & t").unwrap();
        builder.add_author("A");
        builder.add_language("fr");
        builder.set_modified_date(chrono::DateTime::from_timestamp(1_795_651_200, 0).unwrap());
        let content = EpubContent::new("a.xhtml", PAGE.as_bytes()).title("A");
        let content = if with_landmark { content.reftype(ReferenceType::Text) } else { content };
        builder.add_content(content).unwrap();
        let mut bytes = Vec::new();
        builder.generate(&mut bytes).unwrap();
        bytes
    }

    fn entry(epub: &[u8], name: &str) -> String {
        let mut archive = ZipArchive::new(Cursor::new(epub)).unwrap();
        let index = archive.index_for_name(name).unwrap();
        read(&mut archive, index).unwrap()
    }

    fn fixes() -> Fixes {
        Fixes {
            identifier: "urn:isbn:978-2 & co".into(),
            lang: "fr".into(),
            metadata: "    <meta property=\"schema:accessibilityHazard\">none</meta>\n".into(),
            page_list: String::new(),
        }
    }

    #[test]
    fn filled_entries_are_stored_with_the_bytes_given() {
        let picture = b"\xff\xd8 not deflated".as_slice();
        let filled = [("OEBPS/a.xhtml".to_string(), picture)];
        let fixed = normalise(&upstream_epub(true), &fixes(), &filled).unwrap();
        let mut archive = ZipArchive::new(Cursor::new(&fixed)).unwrap();
        let mut page = archive.by_name("OEBPS/a.xhtml").unwrap();
        let mut bytes = Vec::new();
        page.read_to_end(&mut bytes).unwrap();
        assert_eq!(bytes, picture);
    }

    #[test]
    fn upstream_gives_creator_and_language_the_same_id() {
        let opf = entry(&upstream_epub(true), "OEBPS/content.opf");
        assert!(
            opf.contains("<dc:language id=\"epub-creator-0\">")
                && opf.contains("<dc:creator id=\"epub-creator-0\">"),
            "epub-builder fixed the duplicate id: drop the dc:language rename in fix_package\n{opf}"
        );
        let fixed = normalise(&upstream_epub(true), &fixes(), &[]).unwrap();
        let opf = entry(&fixed, "OEBPS/content.opf");
        assert!(opf.contains("<dc:language id=\"epub-language-0\">fr</dc:language>"), "{opf}");
        roxmltree::Document::parse(&opf).unwrap();
    }

    #[test]
    fn upstream_leaves_an_empty_landmarks_nav() {
        let nav = entry(&upstream_epub(false), "OEBPS/nav.xhtml");
        assert!(
            nav.contains("<nav epub:type = \"landmarks\">\n\n  </nav>"),
            "epub-builder fixed the empty landmarks\n{nav}"
        );
        let fixed =
            entry(&normalise(&upstream_epub(false), &fixes(), &[]).unwrap(), "OEBPS/nav.xhtml");
        assert!(!fixed.contains("landmarks"), "{fixed}");
        let kept =
            entry(&normalise(&upstream_epub(true), &fixes(), &[]).unwrap(), "OEBPS/nav.xhtml");
        assert!(kept.contains("landmarks") && kept.contains("bodymatter"), "{kept}");
    }

    #[test]
    fn upstream_sets_no_language_on_the_nav_nor_the_package() {
        let epub = upstream_epub(true);
        let (nav, opf) = (entry(&epub, "OEBPS/nav.xhtml"), entry(&epub, "OEBPS/content.opf"));
        assert!(
            !nav.contains("lang="),
            "epub-builder sets lang on nav.xhtml now: drop fix_nav's\n{nav}"
        );
        assert!(
            !opf.contains("<package xml:lang"),
            "epub-builder sets xml:lang on the package now\n{opf}"
        );
        let fixed = normalise(&epub, &fixes(), &[]).unwrap();
        let nav = entry(&fixed, "OEBPS/nav.xhtml");
        assert!(nav.contains("<html lang=\"fr\" xml:lang=\"fr\" "), "{nav}");
        assert!(entry(&fixed, "OEBPS/content.opf").contains("<package xml:lang=\"fr\" "));
    }

    #[test]
    fn upstream_gives_the_contents_nav_no_role() {
        let nav = entry(&upstream_epub(true), "OEBPS/nav.xhtml");
        assert!(
            nav.contains("<nav epub:type = \"toc\"") && !nav.contains("doc-toc"),
            "epub-builder gives the toc nav a role now: drop fix_nav's\n{nav}"
        );
        let fixed =
            entry(&normalise(&upstream_epub(true), &fixes(), &[]).unwrap(), "OEBPS/nav.xhtml");
        assert!(fixed.contains("<nav epub:type=\"toc\" role=\"doc-toc\""), "{fixed}");
    }

    #[test]
    fn upstream_gives_the_title_no_id() {
        let opf = entry(&upstream_epub(true), "OEBPS/content.opf");
        assert!(
            opf.contains("<dc:title>T &amp; t</dc:title>"),
            "epub-builder gives dc:title an id now: drop fix_package's\n{opf}"
        );
        let fixed =
            entry(&normalise(&upstream_epub(true), &fixes(), &[]).unwrap(), "OEBPS/content.opf");
        assert!(fixed.contains("<dc:title id=\"title\">T &amp; t</dc:title>"), "{fixed}");
    }

    #[test]
    fn upstream_writes_metadata_opf_v3_content_unescaped() {
        let mut builder = EpubBuilder::new(ZipLibrary::new().unwrap()).unwrap();
        builder.epub_version(EpubVersion::V30);
        let meta = MetadataOpfV3::new("schema:accessibilitySummary".into(), "a & <b>".into());
        builder.add_metadata_opf(Box::new(meta));
        let mut epub = Vec::new();
        builder.generate(&mut epub).unwrap();
        assert!(
            entry(&epub, "OEBPS/content.opf").contains(">a & <b></meta>"),
            "epub-builder escapes MetadataOpfV3 content now: metadata could go through it"
        );
        let opf =
            entry(&normalise(&upstream_epub(true), &fixes(), &[]).unwrap(), "OEBPS/content.opf");
        assert!(
            opf.contains(
                "<meta property=\"schema:accessibilityHazard\">none</meta>\n  </metadata>"
            ),
            "{opf}"
        );
    }

    #[test]
    fn upstream_takes_only_random_uuid_identifiers() {
        let (first, second) = (upstream_epub(true), upstream_epub(true));
        let (a, b) = (entry(&first, "OEBPS/content.opf"), entry(&second, "OEBPS/content.opf"));
        assert!(a.contains(">urn:uuid:") && a != b, "epub-builder's identifier is stable now\n{a}");
        let (a, b) =
            (normalise(&first, &fixes(), &[]).unwrap(), normalise(&second, &fixes(), &[]).unwrap());
        assert_eq!(a, b);
        let opf = entry(&a, "OEBPS/content.opf");
        assert!(opf.contains(">urn:isbn:978-2 &amp; co</dc:identifier>"), "{opf}");
    }

    #[test]
    fn the_modified_date_given_to_upstream_is_kept() {
        let fixed = normalise(&upstream_epub(true), &fixes(), &[]).unwrap();
        let opf = entry(&fixed, "OEBPS/content.opf");
        assert!(
            opf.contains("<meta property=\"dcterms:modified\">2026-11-26T00:00:00Z</meta>"),
            "{opf}"
        );
    }

    #[test]
    fn upstream_stamps_entries_with_the_current_time_and_ours_are_fixed() {
        let upstream = upstream_epub(true);
        let mut archive = ZipArchive::new(Cursor::new(&upstream)).unwrap();
        let stamped = archive.by_index(1).unwrap().last_modified().unwrap();
        assert!(stamped.year() > 1980, "epub-builder stamps fixed dates now");
        let fixed = normalise(&upstream, &fixes(), &[]).unwrap();
        let mut archive = ZipArchive::new(Cursor::new(&fixed)).unwrap();
        let first = archive.by_index(0).unwrap();
        assert_eq!((first.name(), first.compression()), ("mimetype", CompressionMethod::Stored));
        drop(first);
        for index in 0..archive.len() {
            assert_eq!(archive.by_index(index).unwrap().last_modified(), Some(DateTime::default()));
        }
    }

    #[test]
    fn a_changed_upstream_output_is_an_error_not_a_silent_skip() {
        let err = fix_package("<package><metadata></metadata></package>", &fixes()).unwrap_err();
        assert!(err.contains("epub-builder's content.opf changed"), "{err}");
    }
}
