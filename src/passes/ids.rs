//! Heading ids unique across the publication, and links inside it resolved to those ids.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{BlockKind, Chapter, InlineKind, LinkTarget, Publication, plain_text};

/// Gives every heading a unique id, then resolves every local link to an anchor.
pub fn run(mut publication: Publication, diagnostics: &mut Diagnostics) -> Publication {
    let mut taken: HashSet<String> = HashSet::new();
    for chapter in &mut publication.chapters {
        chapter.slug = unique(&chapter.slug, &mut taken);
    }
    let anchors: Vec<HashMap<String, String>> = publication
        .chapters
        .iter_mut()
        .map(|chapter| assign_heading_ids(chapter, &mut taken, diagnostics))
        .collect();
    let chapter_paths: Vec<PathBuf> = publication.chapters.iter().map(|c| c.path.clone()).collect();
    let slugs: Vec<String> = publication.chapters.iter().map(|c| c.slug.clone()).collect();
    for (index, chapter) in publication.chapters.iter_mut().enumerate() {
        let resolver =
            Resolver { chapter_paths: &chapter_paths, slugs: &slugs, anchors: &anchors, index };
        resolve_links(chapter, &resolver, diagnostics);
    }
    publication
}

/// Assigns ids to the chapter's headings; returns the map from written id to unique id.
fn assign_heading_ids(
    chapter: &mut Chapter,
    taken: &mut HashSet<String>,
    diagnostics: &mut Diagnostics,
) -> HashMap<String, String> {
    let mut map = HashMap::new();
    let path = chapter.path.clone();
    chapter.visit_blocks_mut(&mut |block| {
        let BlockKind::Heading { id, content, .. } = &mut block.kind else {
            return;
        };
        let written = if id.is_empty() { slugify(&plain_text(content)) } else { slugify(id) };
        let explicit = !id.is_empty();
        let unique_id = unique(&written, taken);
        if explicit && unique_id != written {
            diagnostics.push(
                Diagnostic::warning(
                    &path,
                    block.pos,
                    format!("the id `{written}` is already used"),
                )
                .with_code("duplicate-id")
                .with_hint(format!("this heading gets `{unique_id}`; give it another id")),
            );
        }
        map.entry(written).or_insert_with(|| unique_id.clone());
        *id = unique_id;
    });
    map
}

/// The first of `base`, `base-1`, `base-2` … not yet taken, which it then takes.
fn unique(base: &str, taken: &mut HashSet<String>) -> String {
    let base = if base.is_empty() { "section" } else { base };
    let mut candidate = base.to_string();
    let mut n = 0;
    while taken.contains(&candidate) {
        n += 1;
        candidate = format!("{base}-{n}");
    }
    taken.insert(candidate.clone());
    candidate
}

/// An anchor made of ASCII letters, digits and hyphens, from any text.
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars().flat_map(fold_accent) {
        if c.is_ascii_alphanumeric() || c == '_' {
            slug.push(c.to_ascii_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '.' || c == '\'' || c == '’')
            && !slug.is_empty()
            && !slug.ends_with('-')
        {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    match slug.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => slug.to_string(),
        Some(_) => format!("s-{slug}"),
        None => String::new(),
    }
}

/// Latin letters with diacritics fold to their base letters; other characters pass.
fn fold_accent(c: char) -> Vec<char> {
    let folded = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => "A",
        'ç' => "c",
        'Ç' => "C",
        'è' | 'é' | 'ê' | 'ë' => "e",
        'È' | 'É' | 'Ê' | 'Ë' => "E",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'Ì' | 'Í' | 'Î' | 'Ï' => "I",
        'ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => "o",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' => "O",
        'ù' | 'ú' | 'û' | 'ü' => "u",
        'Ù' | 'Ú' | 'Û' | 'Ü' => "U",
        'ÿ' => "y",
        'œ' => "oe",
        'Œ' => "OE",
        'æ' => "ae",
        'Æ' => "AE",
        'ß' => "ss",
        _ => return vec![c],
    };
    folded.chars().collect()
}

struct Resolver<'a> {
    chapter_paths: &'a [PathBuf],
    slugs: &'a [String],
    anchors: &'a [HashMap<String, String>],
    index: usize,
}

impl Resolver<'_> {
    /// The anchor a local link points to, or why it points nowhere.
    fn resolve(&self, target: &str) -> Result<String, String> {
        let (file, fragment) = target.split_once('#').unwrap_or((target, ""));
        let chapter = if file.is_empty() {
            self.index
        } else {
            let here = self.chapter_paths[self.index].parent().unwrap_or(Path::new(""));
            let wanted = normalise(&here.join(percent_decode(file)));
            self.chapter_paths
                .iter()
                .position(|p| *p == wanted)
                .ok_or_else(|| format!("`{file}` is not a chapter of this publication"))?
        };
        if fragment.is_empty() {
            return Ok(self.slugs[chapter].clone());
        }
        let fragment = percent_decode(fragment);
        self.anchors[chapter]
            .get(&fragment)
            .or_else(|| self.anchors[chapter].get(&slugify(&fragment)))
            .cloned()
            .ok_or_else(|| format!("no heading has the id `{fragment}`"))
    }
}

fn resolve_links(chapter: &mut Chapter, resolver: &Resolver, diagnostics: &mut Diagnostics) {
    let path = chapter.path.clone();
    chapter.visit_inlines_mut(&mut |inline| {
        let InlineKind::Link { target, .. } = &mut inline.kind else { return };
        let LinkTarget::Local(written) = target else { return };
        match resolver.resolve(written) {
            Ok(anchor) => *target = LinkTarget::Anchor(anchor),
            Err(why) => diagnostics.push(
                Diagnostic::warning(&path, inline.pos, format!("broken link `{written}`: {why}"))
                    .with_code("broken-link")
                    .with_hint("link to a chapter file (`autre.md`) or a heading (`autre.md#id`); the text is kept without a link"),
            ),
        }
    });
}

/// Removes `.` and resolves `..` without touching the file system.
pub fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Decodes `%XX` escapes in a link or image path.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii_and_start_with_a_letter() {
        assert_eq!(
            slugify("Le Schéma directeur d’Île-de-France"),
            "le-schema-directeur-d-ile-de-france"
        );
        assert_eq!(slugify("2011 en chiffres"), "s-2011-en-chiffres");
        assert_eq!(slugify("« ! »"), "");
    }

    #[test]
    fn ids_are_made_unique() {
        let mut taken = HashSet::new();
        assert_eq!(unique("a", &mut taken), "a");
        assert_eq!(unique("a", &mut taken), "a-1");
        assert_eq!(unique("", &mut taken), "section");
    }

    #[test]
    fn paths_normalise_and_decode() {
        assert_eq!(normalise(Path::new("sources/p/./x/../b.md")), PathBuf::from("sources/p/b.md"));
        assert_eq!(percent_decode("mon%20fichier.md"), "mon fichier.md");
        assert_eq!(percent_decode("100%"), "100%");
    }
}
