//! Where every anchor of the book lives, so that links between chapters reach the right file.

use std::collections::HashMap;

use super::xml::id_part;
use crate::model::{Block, BlockKind, Chapter, Inline};

/// Where every anchor of the book lives: heading ids and chapter slugs → XHTML files.
#[derive(Debug, Default)]
pub struct Anchors {
    map: HashMap<String, (String, Option<String>)>,
}

impl Anchors {
    /// The anchors of all chapters; `files[i]` is the XHTML file of chapter `i`.
    pub fn new(chapters: &[Chapter], files: &[String]) -> Anchors {
        let mut map = HashMap::new();
        for (chapter, file) in chapters.iter().zip(files) {
            map.insert(chapter.slug.clone(), (file.clone(), None));
            each_heading(&chapter.blocks, &mut |_, id, _| {
                map.entry(id.to_string()).or_insert_with(|| (file.clone(), Some(id.to_string())));
            });
        }
        Anchors { map }
    }

    /// The link to an anchor from a page of the book (`#id` on the same page).
    pub fn href(&self, id: &str, from_file: &str) -> Option<String> {
        let (file, fragment) = self.map.get(id)?;
        Some(match fragment {
            Some(fragment) if file == from_file => format!("#{fragment}"),
            Some(fragment) => format!("{file}#{fragment}"),
            None => file.clone(),
        })
    }
}

/// Calls `f` with (level, id, heading) for every heading, depth first.
fn each_heading<'a>(blocks: &'a [Block], f: &mut impl FnMut(u8, &'a str, &'a [Inline])) {
    for block in blocks {
        match &block.kind {
            BlockKind::Heading { level, id, content } => f(*level, id, content),
            BlockKind::Quote(inner) => each_heading(inner, f),
            BlockKind::List(list) => {
                list.items.iter().for_each(|item| each_heading(&item.blocks, f))
            }
            _ => {}
        }
    }
}

/// The XHTML file name of a chapter: `ch01-01-editorial.xhtml` for `01-editorial.md`.
pub fn chapter_file(index: usize, slug: &str) -> String {
    format!("ch{:02}-{}.xhtml", index + 1, id_part(slug))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chapter_files_are_named_after_their_markdown_files() {
        assert_eq!(chapter_file(0, "01-editorial"), "ch01-01-editorial.xhtml");
        assert_eq!(chapter_file(11, "agenda"), "ch12-agenda.xhtml");
    }
}
