//! A publication's EPUB as the page shows it: the chapters of its spine, each with a version that
//! changes when it or its style sheet does, and each file of the zip read from it on request.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use super::snapshot::Snapshot;
use crate::diff::chapters::{rootfile, spine};
use crate::diff::summary::chapter_name;

/// The most bytes an EPUB may hold to be shown, unpacked (read once, when it is shown).
const MAX_BYTES: u64 = 512 << 20;

/// One EPUB as shown.
pub struct Book {
    file: Snapshot,
    /// The chapters, in reading order.
    pub chapters: Vec<Chapter>,
}

/// One chapter of the spine.
pub struct Chapter {
    /// Its path inside the EPUB.
    pub path: String,
    /// Its title (the XHTML's `<title>`, else its file's name).
    pub title: String,
    /// A hash of the chapter and of every file that is not a chapter (its style sheet, its
    /// images): a new version, a chapter to show again.
    pub version: u64,
}

impl Book {
    /// Reads the EPUB at `path`.
    pub fn open(path: &Path) -> Result<Book, String> {
        let file = Snapshot::open(path)?;
        let files = unpack(&file.bytes()).map_err(|e| format!("{}: {e}", path.display()))?;
        let text = |name: &str| {
            let bytes = files.get(name).ok_or_else(|| format!("the EPUB has no {name}"))?;
            String::from_utf8(bytes.clone()).map_err(|_| format!("{name} is not UTF-8"))
        };
        let package_path = rootfile(&text("META-INF/container.xml")?)?;
        let folder = package_path.rsplit_once('/').map_or("", |(folder, _)| folder);
        let inside =
            |href: &str| if folder.is_empty() { href.into() } else { format!("{folder}/{href}") };
        let paths: Vec<String> = spine(&text(&package_path)?)?.iter().map(|h| inside(h)).collect();
        let others = hash_of_others(&files, &paths);
        let chapters = paths
            .into_iter()
            .filter_map(|path| {
                let bytes = files.get(&path)?;
                let version = xxhash_rust::xxh3::xxh3_64(bytes) ^ others;
                Some(Chapter { title: title(bytes, &path), path, version })
            })
            .collect();
        Ok(Book { file, chapters })
    }

    /// The file at `path` inside the EPUB.
    pub fn file(&self, path: &str) -> Option<Vec<u8>> {
        let bytes = self.file.bytes();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).ok()?;
        let mut entry = zip.by_name(path).ok()?;
        let mut read = Vec::new();
        entry.by_ref().take(MAX_BYTES).read_to_end(&mut read).ok()?;
        Some(read)
    }
}

/// Every file of the zip, by name, up to [`MAX_BYTES`] in all.
fn unpack(bytes: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut files = BTreeMap::new();
    let mut left = MAX_BYTES;
    for index in 0..zip.len() {
        let mut entry = zip.by_index(index).map_err(|e| e.to_string())?;
        if entry.is_dir() {
            continue;
        }
        let mut bytes = Vec::new();
        entry.by_ref().take(left + 1).read_to_end(&mut bytes).map_err(|e| e.to_string())?;
        left = left.checked_sub(bytes.len() as u64).ok_or("the EPUB is too large to show")?;
        files.insert(entry.name().to_string(), bytes);
    }
    Ok(files)
}

/// One hash of every file that is not a chapter.
fn hash_of_others(files: &BTreeMap<String, Vec<u8>>, chapters: &[String]) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for (name, bytes) in files.iter().filter(|(name, _)| !chapters.contains(name)) {
        hasher.update(name.as_bytes());
        hasher.update(bytes);
    }
    hasher.digest()
}

/// The text of the chapter's `<title>`, else the name of its file.
fn title(xhtml: &[u8], path: &str) -> String {
    let text = String::from_utf8_lossy(xhtml);
    let between = text.split_once("<title>").and_then(|(_, rest)| rest.split_once("</title>"));
    match between.map(|(title, _)| html_escape::decode_html_entities(title.trim()).into_owned()) {
        Some(title) if !title.is_empty() => title,
        _ => chapter_name(path.rsplit('/').next().unwrap_or(path)).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chapter_is_named_by_its_title_or_else_its_file() {
        let xhtml = b"<html><head><title>L&#8217;agenda</title></head></html>";
        assert_eq!(title(xhtml, "EPUB/ch13-agenda.xhtml"), "L\u{2019}agenda");
        assert_eq!(title(b"<html><head><title></title></head></html>", "EPUB/ch01-a.xhtml"), "a");
    }
}
