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
                .or_else(|| self.site_page(file))
                .ok_or_else(|| format!("`{file}` is not a chapter of this publication"))?
        };
        if fragment.is_empty() {
            return Ok(self.slugs[chapter].clone());
        }
        let fragment = percent_decode(fragment);
        let anchors = &self.anchors[chapter];
        anchors
            .get(&fragment)
            .or_else(|| anchors.get(&slugify(&fragment)))
            .or_else(|| loosely(anchors, &fragment))
            .cloned()
            .ok_or_else(|| format!("no heading has the id `{fragment}`"))
    }

    /// The chapter a web site's own address stands for (`/guide/integration-schema`,
    /// `/guide/page.html`, `/guide/page/`): the one chapter whose file is named after the page,
    /// its number prefix aside (`5-integration-schema.md`).
    fn site_page(&self, address: &str) -> Option<usize> {
        let page = address.strip_prefix('/')?.trim_end_matches('/').rsplit('/').next()?;
        let page = [".html", ".htm", ".md"].iter().fold(page, |p, e| p.trim_end_matches(e));
        let named = |path: &PathBuf| {
            let stem = path.file_stem().map(|s| s.to_string_lossy()).unwrap_or_default();
            !page.is_empty()
                && (stem == page || stem.strip_suffix(page).is_some_and(is_number_prefix))
        };
        let mut found = self.chapter_paths.iter().enumerate().filter(|(_, p)| named(p));
        match (found.next(), found.next()) {
            (Some((index, _)), None) => Some(index),
            _ => None,
        }
    }
}

/// Whether a file name's start is a number that orders it (`5-`, `01_`).
fn is_number_prefix(prefix: &str) -> bool {
    let number = prefix.strip_suffix(['-', '_']).unwrap_or("");
    !number.is_empty() && number.chars().all(|c| c.is_ascii_digit())
}

/// The id of the heading whose id matches `fragment` once accents, case and punctuation are
/// set aside, as other tools make ids (`#les-références-et-lemprunt` for
/// `les-references-et-l-emprunt`).
fn loosely<'a>(anchors: &'a HashMap<String, String>, fragment: &str) -> Option<&'a String> {
    let key =
        |id: &str| -> String { slugify(id).chars().filter(char::is_ascii_alphanumeric).collect() };
    let wanted = key(fragment);
    let mut found =
        anchors.iter().filter(|(written, _)| !wanted.is_empty() && key(written) == wanted);
    match (found.next(), found.next()) {
        (Some((_, id)), None) => Some(id),
        _ => None,
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
    fn a_site_address_and_another_tool_s_id_find_their_chapter_and_heading() {
        let paths = [
            PathBuf::from("sources/g/1-phase-investigation.md"),
            PathBuf::from("sources/g/5-integration-schema.md"),
        ];
        let slugs = ["1-phase-investigation".to_string(), "5-integration-schema".to_string()];
        let heading = ("qui-peut-l-utiliser".to_string(), "qui-peut-l-utiliser".to_string());
        let anchors = [HashMap::new(), HashMap::from([heading])];
        let resolver =
            Resolver { chapter_paths: &paths, slugs: &slugs, anchors: &anchors, index: 0 };
        assert_eq!(resolver.resolve("/g/integration-schema"), Ok("5-integration-schema".into()));
        assert_eq!(resolver.resolve("/g/integration-schema/"), Ok("5-integration-schema".into()));
        assert_eq!(
            resolver.resolve("/guide/1-phase-investigation.html"),
            Ok("1-phase-investigation".into())
        );
        let accented = resolver.resolve("/g/integration-schema#qui-peut-lutiliser");
        assert_eq!(accented, Ok("qui-peut-l-utiliser".into()));
        assert!(resolver.resolve("/autre/documenter-les-donnees/").is_err());
        assert!(resolver.resolve("/g/schema").is_err(), "a part of a name is no page");
    }

    #[test]
    fn ids_are_made_unique() {
        let mut taken = HashSet::new();
        assert_eq!(unique("a", &mut taken), "a");
        assert_eq!(unique("a", &mut taken), "a-1");
        assert_eq!(unique("", &mut taken), "section");
    }
}
