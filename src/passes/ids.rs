//! Heading ids unique across the publication, and links inside it resolved to those ids.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Diagnostics, Warned};
use crate::model::{BlockKind, Chapter, InlineKind, LinkTarget, Publication, plain_text};
use crate::paths::normalise;
use crate::slug::slugify;
use crate::url::percent_decode;

/// The code of a link to no chapter or heading, which `--strict` makes an error.
pub const BROKEN_LINK: &str = "broken-link";

/// Gives every heading a unique id, then resolves every local link to an anchor.
pub fn run(mut publication: Publication) -> Warned<Publication> {
    let mut diagnostics = Diagnostics::default();
    let mut taken: HashSet<String> = HashSet::new();
    for chapter in &mut publication.chapters {
        chapter.slug = unique(&chapter.slug, &mut taken);
    }
    let anchors: Vec<HashMap<String, String>> = publication
        .chapters
        .iter_mut()
        .map(|chapter| assign_heading_ids(chapter, &mut taken, &mut diagnostics))
        .collect();
    let chapter_paths: Vec<PathBuf> = publication.chapters.iter().map(|c| c.path.clone()).collect();
    let slugs: Vec<String> = publication.chapters.iter().map(|c| c.slug.clone()).collect();
    for (index, chapter) in publication.chapters.iter_mut().enumerate() {
        let resolver =
            Resolver { chapter_paths: &chapter_paths, slugs: &slugs, anchors: &anchors, index };
        resolve_links(chapter, &resolver, &mut diagnostics);
    }
    Warned::new(publication, diagnostics)
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
            let find = |wanted: &Path| self.chapter_paths.iter().position(|p| p == wanted);
            // Books and sites converted from HTML link `chapter.html` for `chapter.md`.
            let page_of = |wanted: &Path| {
                let is_page = wanted.extension().is_some_and(|e| e == "html" || e == "htm");
                is_page.then(|| wanted.with_extension("md"))
            };
            find(&wanted)
                .or_else(|| page_of(&wanted).and_then(|md| find(&md)))
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
                    .with_code(BROKEN_LINK)
                    .with_hint("link to a chapter file (`autre.md`) or a heading (`autre.md#id`); the text is kept without a link"),
            ),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_to_a_chapter_s_html_page_finds_the_chapter() {
        let paths = [PathBuf::from("sources/p/01-a.md"), PathBuf::from("sources/p/02-b.md")];
        let slugs = ["01-a".to_string(), "02-b".to_string()];
        let anchors = [HashMap::new(), HashMap::from([("suite".to_string(), "suite".to_string())])];
        let resolver =
            Resolver { chapter_paths: &paths, slugs: &slugs, anchors: &anchors, index: 0 };
        assert_eq!(resolver.resolve("02-b.html"), Ok("02-b".into()));
        assert_eq!(resolver.resolve("./02-b.htm#suite"), Ok("suite".into()));
        assert_eq!(resolver.resolve("02-b.md#suite"), Ok("suite".into()));
        assert!(resolver.resolve("03-c.html").is_err());
    }

    #[test]
    fn ids_are_made_unique() {
        let mut taken = HashSet::new();
        assert_eq!(unique("a", &mut taken), "a");
        assert_eq!(unique("a", &mut taken), "a-1");
        assert_eq!(unique("", &mut taken), "section");
    }
}
