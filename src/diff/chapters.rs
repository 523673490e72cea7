//! The chapters of two EPUBs compared as text: each chapter of the spine read as paragraphs,
//! chapters matched by file name, and the paragraphs that changed listed, old and new.

use std::io::Read;
use std::path::Path;

use similar::{Algorithm, DiffOp, capture_diff_slices};

use crate::diag::{Diagnostic, Pos};

/// One chapter of an EPUB: its file and the text of its paragraphs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chapter {
    /// Its file in the EPUB, without folder (`ch10-10-conference.xhtml`).
    pub file: String,
    /// The text of each block (paragraph, heading, list item …), spaces collapsed.
    pub paragraphs: Vec<String>,
}

/// What changed in one chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChapterChange {
    /// The chapter's file in the new EPUB (in the old one when it was removed).
    pub file: String,
    /// Whether it changed, or was added or removed.
    pub kind: ChapterKind,
    /// The paragraphs that changed, in order.
    pub hunks: Vec<Hunk>,
}

/// How a chapter changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChapterKind {
    /// In both EPUBs, with other text.
    Changed,
    /// Only in the new EPUB.
    Added,
    /// Only in the old EPUB.
    Removed,
}

/// Consecutive paragraphs replaced: the old ones by the new ones (either may be empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hunk {
    /// The paragraphs of the old chapter.
    pub old: Vec<String>,
    /// The paragraphs of the new chapter.
    pub new: Vec<String>,
}

/// The chapters of the EPUB at `path`, in the order of its spine.
pub fn read(path: &Path) -> Result<Vec<Chapter>, Diagnostic> {
    let unreadable = |why: String| {
        Diagnostic::error(path, Pos::default(), format!("this EPUB cannot be read: {why}"))
            .with_code("diff-input")
            .with_hint("name an EPUB written by presse build")
    };
    let file = std::fs::File::open(path).map_err(|e| unreadable(e.to_string()))?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| unreadable(e.to_string()))?;
    let container = entry(&mut zip, "META-INF/container.xml").map_err(&unreadable)?;
    let package_path = rootfile(&container).map_err(&unreadable)?;
    let package = entry(&mut zip, &package_path).map_err(&unreadable)?;
    let folder = package_path.rsplit_once('/').map_or("", |(folder, _)| folder);
    let mut chapters = Vec::new();
    for href in spine(&package).map_err(&unreadable)? {
        let inside = if folder.is_empty() { href.clone() } else { format!("{folder}/{href}") };
        let xhtml = entry(&mut zip, &inside).map_err(&unreadable)?;
        let paragraphs = paragraphs(&xhtml).map_err(|e| unreadable(format!("{inside}: {e}")))?;
        let file = href.rsplit('/').next().unwrap_or(&href).to_string();
        chapters.push(Chapter { file, paragraphs });
    }
    Ok(chapters)
}

/// The text of one file of the zip.
fn entry(zip: &mut zip::ZipArchive<std::fs::File>, name: &str) -> Result<String, String> {
    let mut file = zip.by_name(name).map_err(|e| format!("{name}: {e}"))?;
    let mut text = String::new();
    file.read_to_string(&mut text).map_err(|e| format!("{name}: {e}"))?;
    Ok(text)
}

fn parse(xml: &str) -> Result<roxmltree::Document<'_>, String> {
    let options = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
    roxmltree::Document::parse_with_options(xml, options).map_err(|e| e.to_string())
}

/// The package document named by `META-INF/container.xml`.
pub(crate) fn rootfile(container: &str) -> Result<String, String> {
    let doc = parse(container)?;
    let rootfile = doc.descendants().find(|n| n.has_tag_name("rootfile"));
    let path = rootfile.and_then(|n| n.attribute("full-path"));
    path.map(str::to_string).ok_or_else(|| "container.xml names no package".to_string())
}

/// The files of the spine, in order, as the package's manifest names them.
pub(crate) fn spine(package: &str) -> Result<Vec<String>, String> {
    let doc = parse(package)?;
    let href = |id: &str| {
        let item =
            doc.descendants().find(|n| n.has_tag_name("item") && n.attribute("id") == Some(id));
        item.and_then(|n| n.attribute("href")).map(str::to_string)
    };
    let itemrefs = doc.descendants().filter(|n| n.has_tag_name("itemref"));
    itemrefs
        .map(|n| {
            let id = n.attribute("idref").unwrap_or_default();
            href(id).ok_or_else(|| format!("the spine names `{id}`, which the manifest lacks"))
        })
        .collect()
}

/// The elements whose text is a paragraph of its own.
const BLOCKS: &str = "p h1 h2 h3 h4 h5 h6 li dt dd td th figcaption pre blockquote div aside";

/// The text of each block of an XHTML document's body, spaces collapsed, empty ones left out.
fn paragraphs(xhtml: &str) -> Result<Vec<String>, String> {
    let doc = parse(xhtml)?;
    let body = doc.descendants().find(|n| n.has_tag_name("body"));
    let mut found = Vec::new();
    let mut current = String::new();
    if let Some(body) = body {
        collect(body, &mut current, &mut found);
    }
    flush(&mut current, &mut found);
    Ok(found)
}

/// Adds the text under `node` to `current`; a block ends the paragraph before it and its own.
fn collect(node: roxmltree::Node<'_, '_>, current: &mut String, found: &mut Vec<String>) {
    for child in node.children() {
        if child.is_text() {
            current.push_str(child.text().unwrap_or_default());
        } else if child.is_element() {
            let block = BLOCKS.split(' ').any(|name| name == child.tag_name().name());
            if block {
                flush(current, found);
            }
            collect(child, current, found);
            if block {
                flush(current, found);
            }
        }
    }
}

fn flush(current: &mut String, found: &mut Vec<String>) {
    let text = current.split_whitespace().collect::<Vec<_>>().join(" ");
    if !text.is_empty() {
        found.push(text);
    }
    current.clear();
}

/// The key chapters are matched by: the file name without the `chNN-` the EPUB numbers it
/// with, so that a chapter inserted does not rename every chapter after it.
pub(super) fn key(file: &str) -> &str {
    let Some(rest) = file.strip_prefix("ch") else { return file };
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    match rest[digits..].strip_prefix('-') {
        Some(name) if digits > 0 => name,
        _ => file,
    }
}

/// The paragraphs of the chapter of `chapters` that matches `file`, if there is one.
fn matching<'a>(chapters: &'a [Chapter], file: &str) -> Option<&'a [String]> {
    chapters.iter().find(|c| key(&c.file) == key(file)).map(|c| c.paragraphs.as_slice())
}

/// The chapters that differ between two EPUBs: in the new spine's order, then those removed.
pub fn compare(old: &[Chapter], new: &[Chapter]) -> Vec<ChapterChange> {
    let mut changes = Vec::new();
    for chapter in new {
        let before = matching(old, &chapter.file);
        let kind = if before.is_some() { ChapterKind::Changed } else { ChapterKind::Added };
        let hunks = hunks(before.unwrap_or_default(), &chapter.paragraphs);
        if !hunks.is_empty() || kind == ChapterKind::Added {
            changes.push(ChapterChange { file: chapter.file.clone(), kind, hunks });
        }
    }
    for chapter in old.iter().filter(|c| matching(new, &c.file).is_none()) {
        let hunks = hunks(&chapter.paragraphs, &[]);
        changes.push(ChapterChange {
            file: chapter.file.clone(),
            kind: ChapterKind::Removed,
            hunks,
        });
    }
    changes
}

/// The runs of paragraphs that differ between `old` and `new`.
fn hunks(old: &[String], new: &[String]) -> Vec<Hunk> {
    let mut hunks = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, old, new) {
        let (old_range, new_range) = match op {
            DiffOp::Equal { .. } => continue,
            DiffOp::Delete { old_index, old_len, new_index } => {
                (old_index..old_index + old_len, new_index..new_index)
            }
            DiffOp::Insert { old_index, new_index, new_len } => {
                (old_index..old_index, new_index..new_index + new_len)
            }
            DiffOp::Replace { old_index, old_len, new_index, new_len } => {
                (old_index..old_index + old_len, new_index..new_index + new_len)
            }
        };
        hunks.push(Hunk { old: old[old_range].to_vec(), new: new[new_range].to_vec() });
    }
    hunks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chapter(file: &str, paragraphs: &[&str]) -> Chapter {
        Chapter {
            file: file.into(),
            paragraphs: paragraphs.iter().map(|p| p.to_string()).collect(),
        }
    }

    #[test]
    fn blocks_become_paragraphs_and_inline_markup_is_text() {
        let xhtml = "<?xml version=\"1.0\"?><!DOCTYPE html><html xmlns=\"http://www.w3.org/1999/xhtml\">\
                     <head><title>T</title></head><body><section><h1>Un  titre</h1>\
                     <p>Du <em>texte</em>\n à lire.</p><ul><li>un</li><li><p>deux</p></li></ul></section></body></html>";
        assert_eq!(paragraphs(xhtml).unwrap(), ["Un titre", "Du texte à lire.", "un", "deux"]);
    }

    #[test]
    fn a_changed_paragraph_is_listed_old_and_new() {
        let old = [chapter("ch01-a.xhtml", &["Titre", "Un mot.", "Fin."])];
        let new = [chapter("ch01-a.xhtml", &["Titre", "Un autre mot.", "Fin."])];
        let changes = compare(&old, &new);
        assert_eq!(
            changes,
            [ChapterChange {
                file: "ch01-a.xhtml".into(),
                kind: ChapterKind::Changed,
                hunks: vec![Hunk {
                    old: vec!["Un mot.".into()],
                    new: vec!["Un autre mot.".into()]
                }],
            }]
        );
        assert_eq!(compare(&old, &old), []);
    }

    #[test]
    fn chapters_match_by_name_whatever_their_number() {
        let old = [chapter("ch01-a.xhtml", &["A"]), chapter("ch02-b.xhtml", &["B"])];
        let new = [
            chapter("ch01-a.xhtml", &["A"]),
            chapter("ch02-n.xhtml", &["N"]),
            chapter("ch03-b.xhtml", &["B"]),
        ];
        let changes = compare(&old, &new);
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(
            (changes[0].file.as_str(), changes[0].kind),
            ("ch02-n.xhtml", ChapterKind::Added)
        );
        let removed = compare(&new, &old);
        assert_eq!(removed[0].kind, ChapterKind::Removed);
        assert_eq!(key("chapter.xhtml"), "chapter.xhtml");
        assert_eq!(key("ch-x.xhtml"), "ch-x.xhtml");
    }
}
